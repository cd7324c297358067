//! `cargo xtask bench-proto [--files N] [--runs N]`: a generated Protobuf tree the size of
//! googleapis (7,000 files across packages, imports within and across packages and of well-known
//! types, ~80 MB) and its next release, `rollsafe check` side by side with `buf breaking` on the
//! same trees: median time and peak memory for release to release, and for a one-file change.
//!
//! Budget (DESIGN.md): under a tenth of buf's time and peak memory release to release, and under a
//! second for a one-file change. buf comes from `ROLLSAFE_BUF` or PATH (npm `@bufbuild/buf`).

use crate::bench::{ms, run_once};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// A small deterministic generator (the same tree on every machine).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const FILES_PER_PACKAGE: usize = 10;
const MESSAGES_PER_FILE: usize = 7;
const FIELDS_PER_MESSAGE: usize = 12;
const SCALARS: &[&str] = &["string", "int64", "int32", "bool", "double", "bytes", "uint32", "float"];

fn package(p: usize) -> String {
    format!("corp.area{}.svc{}.v1", p / 25, p % 25)
}

fn file_path(p: usize, f: usize) -> String {
    format!("{}/file{f}.proto", package(p).replace('.', "/"))
}

/// One file of release `release` (0: N-1, 1: N). `changed` files of N differ from N-1: a field
/// added, one deleted, one renamed.
fn file_text(p: usize, f: usize, packages: usize, changed: bool) -> String {
    let mut rng = Lcg((p * 1000 + f) as u64 ^ 0x9E37_79B9);
    let mut out = String::with_capacity(12_000);
    let pkg = package(p);
    let _ = writeln!(out, "// Generated for rollsafe's benchmark: package {pkg}, file {f}.\nsyntax = \"proto3\";\n\npackage {pkg};\n");
    let _ = writeln!(out, "import \"google/protobuf/timestamp.proto\";\nimport \"google/protobuf/duration.proto\";");
    if f > 0 {
        let _ = writeln!(out, "import \"{}\";", file_path(p, f - 1));
    }
    let other = (p + 1 + rng.below(packages as u64 - 1) as usize) % packages;
    if other != p {
        let _ = writeln!(out, "import \"{}\";", file_path(other, 0));
    }
    let _ = writeln!(out, "\noption go_package = \"example.com/corp/{}\";\noption java_multiple_files = true;\n", pkg.replace('.', "/"));
    for m in 0..MESSAGES_PER_FILE {
        let _ = writeln!(
            out,
            "// Message{f}x{m} holds the state of one thing of the {pkg} service; the comment is as long as real ones.\nmessage Message{f}x{m} {{"
        );
        for n in 1..=FIELDS_PER_MESSAGE {
            // Drawn before anything N changes, so that N's other fields stay as they were.
            let (pick, message, label) = (rng.below(10), rng.below(MESSAGES_PER_FILE as u64), rng.below(5) == 0);
            if changed && m == 0 && n == 3 {
                continue; // deleted in N
            }
            let name = if changed && m == 1 && n == 2 { format!("renamed_{n}") } else { format!("field_{n}") };
            let ty = match pick {
                0 if f > 0 => format!("Message{}x{message}", f - 1),
                1 if other != p => format!("{}.Message0x{message}", package(other)),
                2 => "google.protobuf.Timestamp".to_string(),
                3 => "Kind".to_string(),
                _ => SCALARS[(message as usize + n) % SCALARS.len()].to_string(),
            };
            let label = if label { "repeated " } else { "" };
            let _ = writeln!(
                out,
                "  // The {name} of this message: documented as real APIs document their fields.\n  {label}{ty} {name} = {n};"
            );
        }
        if changed && m == 2 {
            let _ = writeln!(out, "  string added_in_n = {};", FIELDS_PER_MESSAGE + 1);
        }
        let _ = writeln!(out, "  enum Kind {{ KIND_UNSPECIFIED = 0; KIND_A = 1; KIND_B = 2; }}\n}}\n");
    }
    let _ = writeln!(
        out,
        "service Service{f} {{\n  rpc Get (Message{f}x0) returns (Message{f}x1);\n  rpc List (Message{f}x2) returns (stream Message{f}x3);\n}}"
    );
    out
}

fn write_tree(dir: &Path, files: usize, changed: &dyn Fn(usize, usize) -> bool) -> Result<u64, String> {
    let packages = files.div_ceil(FILES_PER_PACKAGE);
    let mut bytes = 0;
    for p in 0..packages {
        for f in 0..FILES_PER_PACKAGE.min(files - p * FILES_PER_PACKAGE) {
            let path = dir.join(file_path(p, f));
            std::fs::create_dir_all(path.parent().expect("folder")).map_err(|e| e.to_string())?;
            let text = file_text(p, f, packages, changed(p, f));
            bytes += text.len() as u64;
            std::fs::write(&path, text).map_err(|e| e.to_string())?;
        }
    }
    Ok(bytes)
}

fn buf_binary() -> Option<PathBuf> {
    let candidate = std::env::var_os("ROLLSAFE_BUF").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("buf"));
    Command::new(&candidate).arg("--version").output().ok().filter(|o| o.status.success()).map(|_| candidate)
}

struct Figures {
    median: Duration,
    peak_rss_kb: i64,
}

/// Median time and peak memory over `runs` runs, after a warm-up run when `warm_up` (buf takes a
/// minute a run on the full tree: it gets none, and one run).
fn measure(runs: usize, warm_up: bool, make: &dyn Fn() -> Command) -> Result<Figures, String> {
    if warm_up {
        let (_, code, _) = run_once(&mut make())?;
        if ![0, 1, 100].contains(&code) {
            return Err(format!("{:?} exited with {code}", make()));
        }
    }
    let mut times = Vec::new();
    let mut peak = 0;
    for _ in 0..runs {
        let (t, code, rss) = run_once(&mut make())?;
        if ![0, 1, 100].contains(&code) {
            return Err(format!("{:?} exited with {code}", make()));
        }
        times.push(t);
        peak = peak.max(rss);
    }
    times.sort();
    Ok(Figures { median: times[times.len() / 2], peak_rss_kb: peak })
}

pub fn run(args: &[String]) -> Result<(), String> {
    let files: usize = crate::flag(args, "--files").map_or(Ok(7000), |f| f.parse().map_err(|_| "--files takes a number"))?;
    let runs: usize = crate::flag(args, "--runs").map_or(Ok(3), |r| r.parse().map_err(|_| "--runs takes a number"))?;
    let root = crate::workspace_root();
    let bin = crate::bench::build_release(&root)?;
    let dir = root.join("target/bench/proto");
    let _ = std::fs::remove_dir_all(&dir);
    // N changes one file in a hundred; the one-file change touches one file only.
    let bytes = write_tree(&dir.join("before"), files, &|_, _| false)?;
    write_tree(&dir.join("after"), files, &|p, f| (p * FILES_PER_PACKAGE + f) % 100 == 7)?;
    write_tree(&dir.join("one-file"), files, &|p, f| p == 0 && f == 7)?;
    println!("tree: {files} .proto files, {:.1} MB; N changes {} files", bytes as f64 / 1e6, files.div_ceil(100));

    let mut results = Vec::new();
    for (label, tree) in [("release to release", "after"), ("one-file change", "one-file")] {
        let cwd = dir.join(tree);
        let ours = measure(runs, true, &|| {
            let mut c = Command::new(&bin);
            c.args(["check", "--against", "../before", "--format", "json"]).current_dir(&cwd).stdout(Stdio::null());
            c
        })?;
        println!("rollsafe check, {label}: median {}, peak RSS {:.1} MB", ms(ours.median), ours.peak_rss_kb as f64 / 1024.0);
        results.push((label, cwd, ours));
    }
    let Some(buf) = buf_binary() else {
        println!("buf: not found (set ROLLSAFE_BUF or install npm @bufbuild/buf) — comparison skipped");
        return Ok(());
    };
    for (label, cwd, ours) in &results {
        let theirs = measure(1, false, &|| {
            let mut c = Command::new(&buf);
            c.args(["breaking", ".", "--against", "../before", "--error-format", "json"])
                .arg("--config")
                .arg(r#"{"version":"v2","breaking":{"use":["FILE"]}}"#)
                .current_dir(cwd)
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            c
        })?;
        let time = ours.median.as_secs_f64() / theirs.median.as_secs_f64();
        let memory = ours.peak_rss_kb as f64 / theirs.peak_rss_kb.max(1) as f64;
        println!(
            "buf breaking, {label}: median {}, peak RSS {:.1} MB; rollsafe takes {:.1}% of its time and {:.1}% of its memory",
            ms(theirs.median),
            theirs.peak_rss_kb as f64 / 1024.0,
            time * 100.0,
            memory * 100.0
        );
        if *label == "release to release" {
            println!("  budget under a tenth of buf's time and memory: {}", if time < 0.1 && memory < 0.1 { "met" } else { "MISSED" });
        } else {
            println!("  budget under a second: {}", if ours.median < Duration::from_secs(1) { "met" } else { "MISSED" });
        }
    }
    Ok(())
}
