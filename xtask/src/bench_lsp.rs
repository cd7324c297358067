//! `cargo xtask bench-lsp`: the language server in a 1,000-migration workspace.
//!
//! Budget (DESIGN.md): from `didChange` to `publishDiagnostics` of the edited file, p99 under 10 ms;
//! idle memory under 200 MB. The benchmark talks to `rollsafe server` over its stdio like an editor:
//! it opens the newest migration, then sends edits one at a time and times each until the server
//! publishes that version's diagnostics. Half the edits make a breaking change and half undo it, so
//! the findings change every time. Memory is the server's resident set (`/proc/PID/status`) once idle
//! after the edits, and again after many more, to show it stays flat.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

struct Server {
    stdin: ChildStdin,
    messages: mpsc::Receiver<Value>,
    next_id: i64,
}

impl Server {
    fn send(&mut self, message: &Value) -> Result<(), String> {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).map_err(|e| e.to_string())?;
        self.stdin.flush().map_err(|e| e.to_string())
    }

    fn notify(&mut self, method: &str, params: Value) -> Result<(), String> {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}))
    }

    fn request(&mut self, method: &str, params: Value) -> Result<Value, String> {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))?;
        self.wait(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none())
    }

    /// The next message satisfying `accept`; requests from the server are answered on the way.
    fn wait(&mut self, accept: impl Fn(&Value) -> bool) -> Result<Value, String> {
        loop {
            let message = self.messages.recv_timeout(Duration::from_secs(60)).map_err(|_| "the server stopped answering".to_string())?;
            if message.get("method").is_some()
                && let Some(id) = message.get("id")
            {
                let id = id.clone();
                self.send(&json!({"jsonrpc": "2.0", "id": id, "result": null}))?;
                continue;
            }
            if accept(&message) {
                return Ok(message);
            }
        }
    }
}

/// Reads framed messages from the server on a thread of its own.
fn reader(stdout: impl Read + Send + 'static) -> mpsc::Receiver<Value> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut input = BufReader::new(stdout);
        loop {
            let mut length = 0;
            loop {
                let mut line = String::new();
                if input.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(v) = line.strip_prefix("Content-Length: ") {
                    length = v.parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            if input.read_exact(&mut body).is_err() {
                return;
            }
            let Ok(message) = serde_json::from_slice(&body) else { return };
            if tx.send(message).is_err() {
                return;
            }
        }
    });
    rx
}

fn rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kb / 1024.0)
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub fn run(args: &[String]) -> Result<(), String> {
    let edits: usize = crate::flag(args, "--edits").map_or(Ok(500), |r| r.parse().map_err(|_| "--edits takes a number"))?;
    let migrations: usize = crate::flag(args, "--migrations").map_or(Ok(1000), |m| m.parse().map_err(|_| "--migrations takes a number"))?;
    let root = crate::workspace_root();
    let bin = crate::bench::build_release(&root)?;
    let dir = root.join("target/bench/history");
    let history = crate::generate::generate(migrations, 0x5EED);
    let bytes = crate::generate::write_trees(&dir, &history)?;
    let after = dir.join("after").canonicalize().map_err(|e| e.to_string())?;
    let before = dir.join("before").canonicalize().map_err(|e| e.to_string())?;
    println!("workspace: {migrations} migrations, {:.2} MB of SQL; N-1 is the directory {}", bytes as f64 / 1e6, before.display());

    let mut child = Command::new(&bin)
        .arg("server")
        .current_dir(&after)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("{}: {e}", bin.display()))?;
    let pid = child.id();
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut server = Server { stdin: child.stdin.take().ok_or("no stdin")?, messages: reader(stdout), next_id: 1 };

    let root_uri = format!("file://{}", after.display());
    let started = Instant::now();
    server.request(
        "initialize",
        json!({"processId": null, "rootUri": root_uri, "workspaceFolders": [{"uri": root_uri, "name": "bench"}],
               "capabilities": {}, "initializationOptions": {"baseline": before.display().to_string()}}),
    )?;
    server.notify("initialized", json!({}))?;
    let path = history.files.last().map(|(name, _)| format!("db/migrations/{name}")).ok_or("empty history")?;
    let uri = format!("{root_uri}/{path}");
    let text = std::fs::read_to_string(after.join(&path)).map_err(|e| e.to_string())?;
    server.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "sql", "version": 1, "text": text}}))?;
    let published = |uri: &str, version: i64| {
        let uri = uri.to_string();
        move |m: &Value| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri && m["params"]["version"] == version
    };
    server.wait(published(&uri, 1))?;
    println!("first diagnostics after start (load, both replays): {}", ms(started.elapsed()));

    // Dropping the history's first table: an N-1 table removed, reported on the edited file.
    let first_table = history.files[0].1.split("CREATE TABLE ").nth(1).and_then(|rest| rest.split_whitespace().next()).ok_or("no table")?;
    let breaking = format!("DROP TABLE {first_table};\n");
    let line = text.lines().count() as u32;
    let mut times = Vec::with_capacity(edits);
    let edit = |server: &mut Server, version: i64| -> Result<Duration, String> {
        // Even versions append the breaking statement at the end, odd ones take it out again.
        let change = if version % 2 == 0 {
            json!({"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}}, "text": breaking.as_str()})
        } else {
            json!({"range": {"start": {"line": line, "character": 0}, "end": {"line": line + 1, "character": 0}}, "text": ""})
        };
        let sent = Instant::now();
        server.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}))?;
        let message = server.wait(published(&uri, version))?;
        let elapsed = sent.elapsed();
        let reported = message["params"]["diagnostics"].as_array().is_some_and(|d| d.iter().any(|d| d["code"] == "table-removed"));
        if reported != (version % 2 == 0) {
            return Err(format!(
                "version {version}: the table-removed finding should be {}: {}",
                if reported { "gone" } else { "there" },
                message["params"]["diagnostics"]
            ));
        }
        Ok(elapsed)
    };
    for i in 0..edits {
        times.push(edit(&mut server, i as i64 + 2)?);
    }
    times.sort();
    let (p50, p99, max) = (percentile(&times, 0.5), percentile(&times, 0.99), times[times.len() - 1]);
    println!("didChange → publishDiagnostics over {edits} edits: p50 {}, p99 {}, max {}", ms(p50), ms(p99), ms(max));
    println!("  budget p99 < 10 ms: {}", if p99 < Duration::from_millis(10) { "met" } else { "MISSED" });

    std::thread::sleep(Duration::from_secs(1));
    let idle = rss_mb(pid);
    let more = edits * 4;
    for i in 0..more {
        edit(&mut server, (edits + i) as i64 + 2)?;
    }
    std::thread::sleep(Duration::from_secs(1));
    let later = rss_mb(pid);
    match (idle, later) {
        (Some(idle), Some(later)) => {
            println!("idle memory: {idle:.1} MB after {edits} edits, {later:.1} MB after {} edits", edits + more);
            println!("  budget idle < 200 MB: {}", if idle.max(later) < 200.0 { "met" } else { "MISSED" });
        }
        _ => println!("idle memory: /proc not available on this system"),
    }
    server.request("shutdown", Value::Null)?;
    server.notify("exit", Value::Null)?;
    let _ = child.wait();
    Ok(())
}
