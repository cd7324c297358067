//! `cargo xtask bench-scale`: releases of 1,000, 5,000 and 20,000 new migrations (`--sizes`), each
//! on top of a 100-migration N-1 history, through the CLI and the language server.
//!
//! Not a budget of DESIGN.md but a bound: time and memory must grow linearly with the release (the
//! N state used to be a recursion per migration, which overflowed the stack at about 3,000 in the
//! CLI and 800 in the server, and copied every list per step). Reported: the CLI's wall time and
//! peak memory, the server's time to the first diagnostics of the newest migration, one edit of it
//! to its diagnostics, and the server's resident memory.

use crate::bench::{ms, run_once};
use crate::bench_lsp::{Server, rss_mb};
use serde_json::{Value, json};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RELEASED: usize = 100;

pub fn run(args: &[String]) -> Result<(), String> {
    let sizes: Vec<usize> = crate::flag(args, "--sizes")
        .unwrap_or_else(|| "1000,5000,20000".to_string())
        .split(',')
        .map(|s| s.trim().parse().map_err(|_| format!("--sizes takes numbers: {s}")))
        .collect::<Result<_, _>>()?;
    let root = crate::workspace_root();
    let bin = crate::bench::build_release(&root)?;
    println!("| new migrations | SQL | CLI time | CLI peak RSS | server: first diagnostics | server: one edit | server RSS |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for new in sizes {
        let dir = root.join(format!("target/bench/scale-{new}"));
        let history = crate::generate::generate(RELEASED + new, 0x5CA1E);
        let bytes = crate::generate::write_release(&dir, &history, new)?;
        let after = dir.join("after").canonicalize().map_err(|e| e.to_string())?;
        let before = dir.join("before").canonicalize().map_err(|e| e.to_string())?;

        let mut cli = Command::new(&bin);
        cli.args(["check", "--against", "../before", "--format", "json"]).current_dir(&after).stdout(Stdio::null());
        let (elapsed, code, peak_kb) = run_once(&mut cli)?;
        if code != 0 && code != 1 {
            return Err(format!("rollsafe check exited with {code} on {new} new migrations"));
        }

        let (first, edit, rss) = server_figures(&bin, &after, &before, &history.files.last().ok_or("empty")?.0)?;
        println!(
            "| {new} | {:.1} MB | {} | {:.0} MB | {} | {} | {} |",
            bytes as f64 / 1e6,
            ms(elapsed),
            peak_kb as f64 / 1024.0,
            ms(first),
            ms(edit),
            rss.map_or("n/a".to_string(), |r| format!("{r:.0} MB"))
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}

/// Starts the server on `after` against the directory `before`, opens the newest migration and
/// edits it once: (time to its first diagnostics, edit to diagnostics, resident memory).
fn server_figures(
    bin: &std::path::Path,
    after: &std::path::Path,
    before: &std::path::Path,
    newest: &str,
) -> Result<(Duration, Duration, Option<f64>), String> {
    let started = Instant::now();
    let (mut server, mut child, root_uri) = Server::start(bin, after, before)?;
    let pid = child.id();
    let uri = format!("{root_uri}/db/migrations/{newest}");
    let text = std::fs::read_to_string(after.join("db/migrations").join(newest)).map_err(|e| e.to_string())?;
    server.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "sql", "version": 1, "text": text}}))?;
    let published = |version: i64| {
        let uri = uri.clone();
        move |m: &Value| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri && m["params"]["version"] == version
    };
    server.wait(published(1))?;
    let first = started.elapsed();
    let sent = Instant::now();
    let change = json!({"text": format!("{text}\n-- edited\n")});
    server.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [change]}))?;
    server.wait(published(2))?;
    let edit = sent.elapsed();
    let rss = rss_mb(pid);
    server.request("shutdown", Value::Null)?;
    server.notify("exit", Value::Null)?;
    let _ = child.wait();
    Ok((first, edit, rss))
}
