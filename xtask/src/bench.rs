//! `cargo xtask bench`: rollsafe over a 1,000-migration history, side by side with squawk.
//!
//! Budget (DESIGN.md): both releases replayed in under 300 ms, and no slower than squawk linting the
//! same files. Timings are wall-clock per process (start to exit, file reading included); memory is
//! the peak resident set size of each process, from wait4(2).

use crate::generate;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

struct Measured {
    times: Vec<Duration>,
    peak_rss_kb: i64,
}

impl Measured {
    fn median(&self) -> Duration {
        let mut t = self.times.clone();
        t.sort();
        t[t.len() / 2]
    }

    fn min(&self) -> Duration {
        self.times.iter().copied().min().unwrap_or_default()
    }
}

/// Runs a command and returns (wall time, exit code, peak RSS in KiB).
#[allow(unsafe_code)]
pub(crate) fn run_once(cmd: &mut Command) -> Result<(Duration, i32, i64), String> {
    let start = Instant::now();
    let child = cmd.spawn().map_err(|e| format!("{cmd:?}: {e}"))?;
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: all-zero bytes are a valid `rusage`.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet reaped (we never call `wait` on `child`); the pointers
    // are to live, writable locals.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let elapsed = start.elapsed();
    if waited != pid {
        return Err(format!("wait4 failed for {cmd:?}"));
    }
    std::mem::forget(child);
    let code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -1 };
    Ok((elapsed, code, usage.ru_maxrss))
}

fn measure(runs: usize, mut make: impl FnMut() -> Command, ok_codes: &[i32]) -> Result<Measured, String> {
    // One warm-up run fills the page cache.
    let (_, code, _) = run_once(&mut make())?;
    if !ok_codes.contains(&code) {
        return Err(format!("{:?} exited with {code}", make()));
    }
    let mut m = Measured { times: Vec::new(), peak_rss_kb: 0 };
    for _ in 0..runs {
        let (t, _, rss) = run_once(&mut make())?;
        m.times.push(t);
        m.peak_rss_kb = m.peak_rss_kb.max(rss);
    }
    Ok(m)
}

pub(crate) fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

pub fn run(args: &[String]) -> Result<(), String> {
    let runs: usize = crate::flag(args, "--runs").map_or(Ok(10), |r| r.parse().map_err(|_| "--runs takes a number"))?;
    let migrations: usize = crate::flag(args, "--migrations").map_or(Ok(1000), |m| m.parse().map_err(|_| "--migrations takes a number"))?;
    let root = crate::workspace_root();
    let bin = build_release(&root)?;
    let dir = root.join("target/bench/history");
    let history = generate::generate(migrations, 0x5EED);
    let bytes = generate::write_trees(&dir, &history)?;
    let after = dir.join("after");
    println!(
        "history: {migrations} migrations, {:.2} MB of SQL ({} new in the release under review)",
        bytes as f64 / 1e6,
        migrations.min(10)
    );

    let rollsafe = measure(
        runs,
        || {
            let mut c = Command::new(&bin);
            c.args(["check", "--against", "../before", "--format", "json"]).current_dir(&after).stdout(std::process::Stdio::null());
            c
        },
        &[0, 1],
    )?;
    println!(
        "rollsafe check (N-1 and N replayed): median {}, min {}, peak RSS {:.1} MB over {runs} runs",
        ms(rollsafe.median()),
        ms(rollsafe.min()),
        rollsafe.peak_rss_kb as f64 / 1024.0
    );
    let budget = Duration::from_millis(300);
    println!("  budget 300 ms: {}", if rollsafe.median() < budget { "met" } else { "MISSED" });

    match squawk_command(&after) {
        None => println!("squawk: not found on PATH (pip install squawk-cli) — comparison skipped"),
        Some(files) => {
            let empty_config = dir.join("squawk-empty.toml");
            std::fs::write(&empty_config, "").map_err(|e| e.to_string())?;
            let squawk = measure(
                runs,
                || {
                    // An empty config (squawk otherwise searches parent directories for one) and the
                    // plain one-line reporter: its default reporter draws snippets and is ~2× slower.
                    let mut c = Command::new("squawk");
                    c.arg("-c").arg(&empty_config).args(["--reporter", "gcc"]).args(&files);
                    c.current_dir(&after).env("SQUAWK_DISABLE_GITHUB_ANNOTATIONS", "1");
                    c.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
                    c
                },
                &[0, 1],
            )?;
            println!(
                "squawk (lints the same {} files): median {}, min {}, peak RSS {:.1} MB",
                files.len(),
                ms(squawk.median()),
                ms(squawk.min()),
                squawk.peak_rss_kb as f64 / 1024.0
            );
            let ratio = rollsafe.median().as_secs_f64() / squawk.median().as_secs_f64();
            println!("  rollsafe / squawk time: {ratio:.2}× ({})", if ratio <= 1.0 { "no slower: met" } else { "slower: MISSED" });
        }
    }
    Ok(())
}

/// Builds `rollsafe` in release mode and returns the binary.
pub(crate) fn build_release(root: &Path) -> Result<std::path::PathBuf, String> {
    eprintln!("building rollsafe (release)…");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--release", "-q", "-p", "rollsafe"])
        .current_dir(root)
        .status()
        .map_err(|e| format!("cargo: {e}"))?;
    if !status.success() {
        return Err("release build failed".into());
    }
    Ok(root.join("target/release/rollsafe"))
}

/// The migration files, relative to `after`, when squawk is installed.
fn squawk_command(after: &Path) -> Option<Vec<String>> {
    Command::new("squawk").arg("--version").output().ok().filter(|o| o.status.success())?;
    let dir = after.join("db/migrations");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| format!("db/migrations/{}", e.file_name().to_string_lossy()))
        .collect();
    files.sort();
    Some(files)
}
