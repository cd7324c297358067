//! `cargo xtask bench-lsp`: the language server in a 1,000-migration workspace.
//!
//! Budget (DESIGN.md): from `didChange` to `publishDiagnostics` of the edited file, p99 under 10 ms;
//! idle memory under 200 MB. The benchmark talks to `rollsafe server` over its stdio like an editor:
//! it opens the newest migration, then sends edits one at a time and times each until the server
//! publishes that version's diagnostics. Half the edits make a breaking change and half undo it, so
//! the findings change every time. Memory is the server's resident set (`/proc/PID/status`) once idle
//! after the edits, and again after many more, to show it stays flat.
//!
//! `--soak N` then sends N more edits of what an editor may hold for a moment: random bytes, unicode
//! (emoji, combining marks, direction overrides), terminal escapes, unterminated strings, shuffled
//! SQL, a breaking statement, and now and then a 200 KB line; it reports the latency over them and
//! the memory before and after, which must stay bounded.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub(crate) struct Server {
    pub(crate) stdin: ChildStdin,
    pub(crate) messages: mpsc::Receiver<Value>,
    pub(crate) next_id: i64,
}

impl Server {
    /// Starts `rollsafe server` in `after`, initialized with `after` as its workspace folder and the
    /// directory `before` as its baseline; returns it, its process and the folder's URI.
    pub(crate) fn start(bin: &Path, after: &Path, before: &Path) -> Result<(Server, Child, String), String> {
        let mut child = Command::new(bin)
            .arg("server")
            .current_dir(after)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("{}: {e}", bin.display()))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut server = Server { stdin: child.stdin.take().ok_or("no stdin")?, messages: reader(stdout), next_id: 1 };
        let root_uri = format!("file://{}", after.display());
        server.request(
            "initialize",
            json!({"processId": null, "rootUri": root_uri, "workspaceFolders": [{"uri": root_uri, "name": "bench"}],
                   "capabilities": {}, "initializationOptions": {"baseline": before.display().to_string()}}),
        )?;
        server.notify("initialized", json!({}))?;
        Ok((server, child, root_uri))
    }

    pub(crate) fn send(&mut self, message: &Value) -> Result<(), String> {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).map_err(|e| e.to_string())?;
        self.stdin.flush().map_err(|e| e.to_string())
    }

    pub(crate) fn notify(&mut self, method: &str, params: Value) -> Result<(), String> {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}))
    }

    pub(crate) fn request(&mut self, method: &str, params: Value) -> Result<Value, String> {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))?;
        self.wait(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none())
    }

    /// The next message satisfying `accept`; requests from the server are answered on the way.
    pub(crate) fn wait(&mut self, accept: impl Fn(&Value) -> bool) -> Result<Value, String> {
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

pub(crate) fn rss_mb(pid: u32) -> Option<f64> {
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

    let started = Instant::now();
    let (mut server, mut child, root_uri) = Server::start(&bin, &after, &before)?;
    let pid = child.id();
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
    // With CASCADE, as views and foreign keys depend on it (PostgreSQL refuses the plain DROP,
    // and rollsafe says so instead).
    let first_table = history.files[0].1.split("CREATE TABLE ").nth(1).and_then(|rest| rest.split_whitespace().next()).ok_or("no table")?;
    let breaking = format!("DROP TABLE {first_table} CASCADE;\n");
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
    let soak: usize = crate::flag(args, "--soak").map_or(Ok(0), |n| n.parse().map_err(|_| "--soak takes a number"))?;
    if soak > 0 {
        soak_test(&mut server, pid, &uri, &text, &breaking, edits + more + 2, soak)?;
    }
    server.request("shutdown", Value::Null)?;
    server.notify("exit", Value::Null)?;
    let _ = child.wait();
    Ok(())
}

/// The content of the `i`th soak edit: one line, never a line break.
fn soak_line(rng: &mut crate::generate::Rng, i: usize, breaking: &str) -> String {
    const UNICODE: &[&str] = &["😀", "é", "e\u{301}", "\u{202e}", "\u{2066}", "中文", "ﷺ", "\u{feff}", "𝔘", "\u{200b}", "ß"];
    const SQL: &[&str] = &["ALTER TABLE ", "DROP ", "CREATE TABLE x (", "id int", ");", "'", "\"", "$$", "--", "/*", " ", ",", "NOT NULL"];
    let mut pick = |items: &[&str], n: usize| (0..n).map(|_| items[rng.below(items.len())]).collect::<String>();
    match i % 8 {
        0 => (0..50 + i % 400).map(|k| char::from(b' ' + ((i * 31 + k * 7) % 94) as u8)).collect(),
        1 => pick(UNICODE, 20 + i % 150),
        2 => breaking.trim_end().to_string(),
        3 => String::new(),
        4 => pick(SQL, 10 + i % 60),
        5 => "\u{1b}[2J\u{1b}]0;title\u{7}\u{0}\u{8}\u{7f}\u{9b}".repeat(1 + i % 5),
        // Now and then a 200 KB line: a long string literal or comment (a data row, a minified
        // dump), and rarely 20,000 statements on it.
        6 if i % 1000 == 6 => "SELECT 1; ".repeat(20_000),
        6 if i % 64 == 6 => format!("INSERT INTO notes VALUES ('{}'); -- {}", "x".repeat(100_000), "y".repeat(100_000)),
        6 => pick(UNICODE, 5) + &pick(SQL, 5),
        _ => ["SELECT 'unterminated", "CREATE FUNCTION f() AS $$ BEGIN", "/* open comment", "\"open ident"][i % 4].to_string(),
    }
}

fn soak_test(
    server: &mut Server,
    pid: u32,
    uri: &str,
    text: &str,
    breaking: &str,
    first_version: usize,
    edits: usize,
) -> Result<(), String> {
    let line = text.lines().count() as u32;
    // One extra line at the end, replaced by every soak edit.
    let mut version = first_version as i64;
    let published = |version: i64| {
        let uri = uri.to_string();
        move |m: &Value| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri && m["params"]["version"] == version
    };
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": format!("{text}\n")}]}),
    )?;
    server.wait(published(version))?;
    std::thread::sleep(Duration::from_secs(1));
    let before = rss_mb(pid);
    let mut rng = crate::generate::Rng::new(0x50A6);
    let mut times = Vec::with_capacity(edits);
    let mut by_kind: Vec<Vec<Duration>> = vec![Vec::new(); 10];
    let mut rss = Vec::new();
    for i in 0..edits {
        version += 1;
        let content = soak_line(&mut rng, i, breaking);
        let change = json!({"range": {"start": {"line": line, "character": 0}, "end": {"line": line + 1, "character": 0}}, "text": format!("{content}\n")});
        let sent = Instant::now();
        server.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}))?;
        let message = server.wait(published(version))?;
        times.push(sent.elapsed());
        by_kind[if i % 1000 == 6 {
            9
        } else if i % 64 == 6 {
            8
        } else {
            i % 8
        }]
        .push(sent.elapsed());
        if (i + 1) % 2500 == 0 {
            rss.push((i + 1, rss_mb(pid)));
        }
        if i % 8 == 2 && !message["params"]["diagnostics"].as_array().is_some_and(|d| d.iter().any(|d| d["code"] == "table-removed")) {
            return Err(format!("soak edit {i}: the breaking statement was not reported"));
        }
    }
    std::thread::sleep(Duration::from_secs(1));
    let after = rss_mb(pid);
    times.sort();
    let (p50, p99, max) = (percentile(&times, 0.5), percentile(&times, 0.99), times[times.len() - 1]);
    println!("soak: {edits} edits of garbage, unicode, escapes and 200 KB lines: p50 {}, p99 {}, max {}", ms(p50), ms(p99), ms(max));
    let trend: Vec<String> = rss.iter().filter_map(|(n, mb)| mb.map(|mb| format!("{mb:.0} MB at {n}"))).collect();
    println!("  resident memory along the soak: {}", trend.join(", "));
    println!("  budget p99 < 10 ms: {}", if p99 < Duration::from_millis(10) { "met" } else { "MISSED" });
    let kinds = [
        "noise",
        "unicode",
        "breaking",
        "empty",
        "sql soup",
        "escapes",
        "mixed",
        "unterminated",
        "200 KB line",
        "20,000 statements on a line",
    ];
    let per_kind: Vec<String> = by_kind
        .iter_mut()
        .zip(kinds)
        .filter(|(t, _)| !t.is_empty())
        .map(|(t, kind)| {
            t.sort();
            format!("{kind} {}", ms(percentile(t, 0.99)))
        })
        .collect();
    println!("  p99 by kind: {}", per_kind.join(", "));
    match (before, after) {
        (Some(before), Some(after)) => println!(
            "  memory: {before:.1} MB before, {after:.1} MB after the soak ({})",
            if after < before * 1.25 + 10.0 { "bounded" } else { "GREW" }
        ),
        _ => println!("  memory: /proc not available on this system"),
    }
    Ok(())
}
