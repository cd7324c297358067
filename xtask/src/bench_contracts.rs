//! `cargo xtask bench-contracts [--schemas N] [--runs N] [--edits N]`: thousands of generated Avro
//! schemas (records nested six deep, recursive types, unions, enums, fixed, arrays and maps of
//! records, references to types other files define) and their next release, in which one schema in
//! ten changes (fields added and removed, types widened and changed, symbols added): `rollsafe
//! check` in `full` mode over both releases, median time and peak memory; then the language server,
//! from `didChange` on one schema to its `publishDiagnostics`.
//!
//! Then the same for as many generated JSON Schemas (objects six deep, recursive `$defs`,
//! `anyOf`, references to a shared file).
//!
//! Budget (DESIGN.md): the whole set, both releases, under a second; an edit re-checked in
//! milliseconds.

use crate::bench::{ms, run_once};
use crate::bench_lsp::{Server, rss_mb};
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A deterministic generator (the same set on every machine).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

const PRIMITIVES: &[&str] = &["string", "long", "int", "double", "boolean", "bytes", "float"];

/// A record named `name`, `depth` levels deep; `changed` gives it N's edits.
fn record(rng: &mut Lcg, name: &str, depth: u32, changed: bool, shared: Option<&str>, out: &mut String) {
    let _ = write!(out, r#"{{"type": "record", "name": "{name}", "doc": "Generated for rollsafe's contract benchmark.", "fields": ["#);
    let fields = 6 + rng.below(6);
    let mut first = true;
    let mut sep = |out: &mut String| {
        if !first {
            out.push_str(",\n  ");
        }
        first = false;
    };
    for f in 0..fields {
        let pick = rng.below(12);
        let primitive = PRIMITIVES[rng.below(PRIMITIVES.len() as u64) as usize];
        if changed && f == 1 {
            continue; // removed in N
        }
        sep(out);
        let _ = write!(out, r#"{{"name": "f{f}", "type": "#);
        match pick {
            0 if depth > 0 => record(rng, &format!("{name}N{f}"), depth - 1, changed && f == 2, shared, out),
            1 if depth > 0 => {
                out.push_str(r#"{"type": "array", "items": "#);
                record(rng, &format!("{name}A{f}"), depth - 1, false, shared, out);
                out.push('}');
            }
            2 => {
                let _ = write!(out, r#"["null", "{name}"], "default": null"#);
                out.push('}');
                continue;
            }
            3 => {
                let extra = if changed { r#", "RETIRED""# } else { "" };
                let _ = write!(out, r#"{{"type": "enum", "name": "{name}E{f}", "symbols": ["ACTIVE", "PAUSED"{extra}]}}"#);
            }
            4 => {
                let _ = write!(out, r#"{{"type": "fixed", "name": "{name}F{f}", "size": 16}}"#);
            }
            5 => {
                let _ = write!(out, r#"{{"type": "map", "values": ["null", "string", "long"]}}"#);
            }
            6 if shared.is_some() => {
                let _ = write!(out, r#""{}""#, shared.unwrap_or_default());
            }
            7 => {
                let ty = if changed && f == 3 { "long" } else { "int" };
                let _ = write!(out, r#"{{"type": "{ty}"}}"#);
            }
            _ => {
                let _ = write!(out, r#""{primitive}""#);
            }
        }
        out.push('}');
    }
    if changed {
        sep(out);
        out.push_str(r#"{"name": "added_in_n", "type": "string"}"#);
    }
    out.push_str("]}");
}

/// The set of one release: `schemas` files under `events/`, with a shared `Money` type in its own
/// file; `changed(i)` says which files N edits.
fn write_set(dir: &Path, schemas: usize, changed: &dyn Fn(usize) -> bool) -> Result<u64, String> {
    let mut bytes = 0;
    let money = r#"{"type": "record", "name": "Money", "namespace": "bench.common", "fields": [{"name": "units", "type": "long"}, {"name": "nanos", "type": "int"}, {"name": "currency", "type": "string"}]}"#;
    let common = dir.join("common");
    std::fs::create_dir_all(&common).map_err(|e| e.to_string())?;
    std::fs::write(common.join("money.avsc"), money).map_err(|e| e.to_string())?;
    for i in 0..schemas {
        let mut rng = Lcg(i as u64 ^ 0x5EED_CAFE);
        let mut text = String::with_capacity(16_000);
        let name = format!("Event{i}");
        let _ = write!(text, r#"{{"namespace": "bench.area{}", "#, i / 100);
        let mut body = String::new();
        record(&mut rng, &name, 5, changed(i), Some("bench.common.Money"), &mut body);
        text.push_str(&body[1..]);
        let path = dir.join(format!("events/area{}/event{i}.avsc", i / 100));
        std::fs::create_dir_all(path.parent().expect("folder")).map_err(|e| e.to_string())?;
        bytes += text.len() as u64;
        std::fs::write(&path, text).map_err(|e| e.to_string())?;
    }
    Ok(bytes)
}

/// A JSON Schema object `depth` levels deep; `changed` gives it N's edits.
fn json_object(rng: &mut Lcg, depth: u32, changed: bool, out: &mut String) {
    out.push_str(r#"{"type": "object", "description": "Generated for rollsafe's contract benchmark.", "properties": {"#);
    let fields = 6 + rng.below(6);
    for f in 0..fields {
        if f > 0 {
            out.push_str(",\n  ");
        }
        let _ = write!(out, r#""f{f}": "#);
        match rng.below(10) {
            0 if depth > 0 => json_object(rng, depth - 1, changed && f == 2, out),
            1 if depth > 0 => {
                out.push_str(r#"{"type": "array", "items": "#);
                json_object(rng, depth - 1, false, out);
                out.push_str(r#", "maxItems": 100}"#);
            }
            2 => out.push_str(r##"{"$ref": "#/$defs/node"}"##),
            3 => {
                let extra = if changed { r#", "RETIRED""# } else { "" };
                let _ = write!(out, r#"{{"enum": ["ACTIVE", "PAUSED"{extra}]}}"#);
            }
            4 => out.push_str(r#"{"anyOf": [{"type": "string", "maxLength": 64}, {"type": "integer", "minimum": 0}, {"type": "null"}]}"#),
            5 => out.push_str(r#"{"$ref": "../common/money.json#/$defs/money"}"#),
            6 => {
                let max = if changed && f == 6 { 50 } else { 100 };
                let _ = write!(out, r#"{{"type": "integer", "minimum": 0, "maximum": {max}}}"#);
            }
            _ => {
                let ty = ["string", "number", "boolean", "integer"][rng.below(4) as usize];
                let _ = write!(out, r#"{{"type": "{ty}"}}"#);
            }
        }
    }
    if changed {
        out.push_str(r#", "added_in_n": {"type": "string"}"#);
    }
    out.push_str(r#"}, "required": ["f0"]}"#);
}

/// The JSON Schema set of one release: `schemas` files under `events/`, a shared `money` type.
fn write_json_set(dir: &Path, schemas: usize, changed: &dyn Fn(usize) -> bool) -> Result<u64, String> {
    let common = dir.join("common");
    std::fs::create_dir_all(&common).map_err(|e| e.to_string())?;
    let money = r#"{"$defs": {"money": {"type": "object", "properties": {"units": {"type": "integer"}, "currency": {"type": "string", "maxLength": 3}}, "required": ["units"]}}}"#;
    std::fs::write(common.join("money.json"), money).map_err(|e| e.to_string())?;
    let mut bytes = 0;
    for i in 0..schemas {
        let mut rng = Lcg(i as u64 ^ 0x15_0BAD);
        let mut text = String::from(r#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "#);
        let mut body = String::new();
        json_object(&mut rng, 5, changed(i), &mut body);
        text.push_str(&body[1..body.len() - 1]);
        text.push_str(r##", "$defs": {"node": {"type": "object", "properties": {"name": {"type": "string"}, "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}}}"##);
        let path = dir.join(format!("events/event{i}.schema.json"));
        std::fs::create_dir_all(path.parent().expect("folder")).map_err(|e| e.to_string())?;
        bytes += text.len() as u64;
        std::fs::write(&path, text).map_err(|e| e.to_string())?;
    }
    Ok(bytes)
}

/// Median time and peak memory of `rollsafe check` in `after` against `../before`, and the findings.
fn time_check(bin: &Path, after: &Path, runs: usize) -> Result<(Duration, i64, usize), String> {
    let report = Command::new(bin)
        .args(["check", "--against", "../before", "--format", "json"])
        .current_dir(after)
        .output()
        .map_err(|e| e.to_string())?;
    let doc: Value = serde_json::from_slice(&report.stdout).map_err(|e| format!("rollsafe's JSON: {e}"))?;
    let findings = doc["findings"].as_array().map_or(0, Vec::len);
    let mut times = Vec::new();
    let mut peak = 0;
    for _ in 0..runs {
        let mut c = Command::new(bin);
        c.args(["check", "--against", "../before", "--format", "json"]).current_dir(after).stdout(Stdio::null());
        let (t, code, rss) = run_once(&mut c)?;
        if code != 1 {
            return Err(format!("rollsafe check exited with {code}"));
        }
        times.push(t);
        peak = peak.max(rss);
    }
    times.sort();
    Ok((times[times.len() / 2], peak, findings))
}

pub fn run(args: &[String]) -> Result<(), String> {
    let schemas: usize = crate::flag(args, "--schemas").map_or(Ok(3000), |f| f.parse().map_err(|_| "--schemas takes a number"))?;
    let runs: usize = crate::flag(args, "--runs").map_or(Ok(5), |r| r.parse().map_err(|_| "--runs takes a number"))?;
    let edits: usize = crate::flag(args, "--edits").map_or(Ok(200), |r| r.parse().map_err(|_| "--edits takes a number"))?;
    let root = crate::workspace_root();
    let bin = crate::bench::build_release(&root)?;
    let dir = root.join("target/bench/contracts");
    let _ = std::fs::remove_dir_all(&dir);
    let bytes = write_set(&dir.join("before"), schemas, &|_| false)?;
    write_set(&dir.join("after"), schemas, &|i| i % 10 == 3)?;
    println!("set: {schemas} Avro schemas, {:.1} MB a release, nested 6 deep with recursion; N changes one in ten", bytes as f64 / 1e6);

    let after = dir.join("after").canonicalize().map_err(|e| e.to_string())?;
    let before = dir.join("before").canonicalize().map_err(|e| e.to_string())?;
    let (median, peak, findings) = time_check(&bin, &after, runs)?;
    if findings == 0 {
        return Err("the benchmark's N must have findings".into());
    }
    println!(
        "rollsafe check, both releases: median {} over {runs} runs, peak RSS {:.1} MB, {findings} findings",
        ms(median),
        peak as f64 / 1024.0
    );
    println!("  budget under a second: {}", if median < Duration::from_secs(1) { "met" } else { "MISSED" });

    // JSON Schema: the same number of schemas, objects six deep, recursive $defs, anyOf, a shared file.
    let json_dir = root.join("target/bench/json-schema");
    let _ = std::fs::remove_dir_all(&json_dir);
    let json_bytes = write_json_set(&json_dir.join("before"), schemas, &|_| false)?;
    write_json_set(&json_dir.join("after"), schemas, &|i| i % 10 == 3)?;
    let (json_median, json_peak, json_findings) = time_check(&bin, &json_dir.join("after"), runs)?;
    println!(
        "JSON Schema: {schemas} schemas, {:.1} MB a release; rollsafe check, both releases: median {} over {runs} runs, peak RSS {:.1} MB, {json_findings} findings",
        json_bytes as f64 / 1e6,
        ms(json_median),
        json_peak as f64 / 1024.0
    );
    println!("  budget under a second: {}", if json_median < Duration::from_secs(1) { "met" } else { "MISSED" });

    // The language server: a field added without a default and taken out again, in one schema.
    let started = Instant::now();
    let (mut server, mut child, root_uri) = Server::start(&bin, &after, &before)?;
    let path = "events/area0/event7.avsc";
    let uri = format!("{root_uri}/{path}");
    let text = std::fs::read_to_string(after.join(path)).map_err(|e| e.to_string())?;
    server.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": text}}))?;
    let published = |version: i64| {
        let uri = uri.clone();
        move |m: &Value| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri && m["params"]["version"] == version
    };
    server.wait(published(1))?;
    println!("language server: first diagnostics after start {}", ms(started.elapsed()));
    let at = text.rfind("]}").ok_or("no fields")?;
    let (line, character) = {
        let before_at = &text[..at];
        (before_at.matches('\n').count(), before_at.rsplit('\n').next().map_or(0, |l| l.encode_utf16().count()))
    };
    let added = r#", {"name": "bench_added", "type": "string"}"#;
    let mut latencies = Vec::new();
    for i in 0..edits {
        let version = i as i64 + 2;
        let end_character = if version % 2 == 0 { character } else { character + added.len() };
        let change = json!({"range": {"start": {"line": line, "character": character}, "end": {"line": line, "character": end_character}},
                            "text": if version % 2 == 0 { added } else { "" }});
        let sent = Instant::now();
        server.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}))?;
        let message = server.wait(published(version))?;
        latencies.push(sent.elapsed());
        let reported =
            message["params"]["diagnostics"].as_array().is_some_and(|d| d.iter().any(|d| d["code"] == "avro-field-added-without-default"));
        if reported != (version % 2 == 0) {
            return Err(format!("version {version}: unexpected diagnostics {}", message["params"]["diagnostics"]));
        }
    }
    // The first edits after start pay for what the start-up left to the first revision (the
    // parses beyond the cache's capacity are dropped, then verified): reported apart.
    let warm_up: Vec<Duration> = latencies.drain(..2.min(latencies.len())).collect();
    println!("first edits after start: {}", warm_up.iter().map(|d| ms(*d)).collect::<Vec<_>>().join(", "));
    if latencies.is_empty() {
        return Err("--edits must be more than 2".into());
    }
    latencies.sort();
    let p = |q: f64| latencies[((latencies.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "didChange → publishDiagnostics over the next {} edits: p50 {}, p99 {}, max {}",
        latencies.len(),
        ms(p(0.5)),
        ms(p(0.99)),
        ms(p(1.0))
    );
    println!("  budget p50 under 10 ms: {}", if p(0.5) < Duration::from_millis(10) { "met" } else { "MISSED" });
    if let Some(rss) = rss_mb(child.id()) {
        println!("language server memory: {rss:.1} MB");
    }
    server.request("shutdown", Value::Null)?;
    server.notify("exit", Value::Null)?;
    let _ = child.wait();
    Ok(())
}
