//! The differential test against `buf breaking`, the tool Protobuf users know: on every fixture
//! pair with `.proto` files, real buf runs with the same category (the fixture's `rollsafe.toml`
//! `[protobuf] category`, or its `buf.yaml`, else FILE), and rollsafe must report the same findings:
//! the same file, the same line, and the same buf rule (`peer_rule`). The differences are
//! rollsafe's documented improvements, each listed in [`IMPROVEMENTS`] with its reason; a listed
//! difference that no longer occurs fails too, so the list stays true.
//!
//! buf comes from `ROLLSAFE_BUF` (a path), else `buf` on PATH (`.ci/run` installs the pinned npm
//! package `@bufbuild/buf`). Without it the lane prints that it was skipped and passes, unless
//! `ROLLSAFE_BUF_REQUIRED` is set.

use rollsafe_tests::{Fixture, fixtures};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// (fixture, buf rule, reason): where rollsafe differs from buf on purpose. `*` as rule: buf
/// cannot build the fixture at all (it reports only `COMPILE` errors), so only those are compared,
/// by line, with rollsafe's `proto-syntax-error` findings.
const IMPROVEMENTS: &[(&str, &str, &str)] = &[
    (
        "proto-renamed-type-same-shape",
        "FIELD_WIRE_COMPATIBLE_TYPE",
        "a renamed message type with the same fields is the same on the wire: rollsafe compares the types by structure, buf by name",
    ),
    ("proto-missing-import", "*", "buf cannot build without the dependency; rollsafe compares its types by name and notes the import"),
    ("proto-syntax-error", "*", "buf stops at a file that does not parse; rollsafe reports the declaration and checks the rest"),
    ("proto-suppressions", "FIELD_NO_DELETE", "suppressed in source with a reason: `// rollsafe-allow: proto-field-removed …`"),
    (
        "proto-file-suppressions",
        "FIELD_NO_DELETE",
        "suppressed for the file with a reason: `// rollsafe-allow-file: proto-field-removed …`",
    ),
];

fn buf_binary() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("ROLLSAFE_BUF") {
        return Some(PathBuf::from(path));
    }
    let ok = Command::new("buf").arg("--version").output().is_ok_and(|o| o.status.success());
    ok.then(|| PathBuf::from("buf"))
}

/// (path or `<input>`, 1-based line, buf rule) → how many.
type Findings = BTreeMap<(String, u32, String), usize>;

fn category(fixture: &Fixture) -> Option<String> {
    let text = std::fs::read_to_string(fixture.after().join("rollsafe.toml")).ok()?;
    rollsafe_core::parse_config(&text).ok()?.protobuf.category
}

fn buf_findings(buf: &Path, fixture: &Fixture) -> Result<Findings, String> {
    let sub = fixture.case.buf_root.clone().unwrap_or_default();
    let (after, before) = (fixture.after().join(&sub), fixture.before().join(&sub));
    let mut command = Command::new(buf);
    command.current_dir(&after).args(["breaking", ".", "--against"]).arg(&before).args(["--error-format", "json"]);
    if !fixture.after().join("buf.yaml").exists() {
        let use_ = category(fixture).unwrap_or_else(|| "FILE".to_string());
        // A buf.work.yaml's directories are the modules (an inline configuration replaces it).
        let modules = std::fs::read_to_string(fixture.after().join("buf.work.yaml"))
            .ok()
            .and_then(|t| rollsafe_proto::buf_config::parse_buf_work_yaml(&t).ok())
            .map(|dirs| dirs.iter().map(|d| format!("{{\"path\":\"{d}\"}}")).collect::<Vec<_>>().join(","))
            .map_or(String::new(), |m| format!("\"modules\":[{m}],"));
        let config = format!("{{\"version\":\"v2\",{modules}\"breaking\":{{\"use\":[\"{use_}\"]}}}}");
        command.arg("--config").arg(&config).arg("--against-config").arg(&config);
    }
    let out = command.output().map_err(|e| format!("cannot run buf: {e}"))?;
    if !matches!(out.status.code(), Some(0 | 100)) {
        return Err(format!("buf failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let mut found = Findings::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| format!("buf output `{line}`: {e}"))?;
        let path = match v["path"].as_str() {
            Some(p) if sub.is_empty() => p.to_string(),
            Some(p) => format!("{sub}/{p}"),
            None => "<input>".to_string(),
        };
        let line = v["start_line"].as_u64().unwrap_or(1) as u32;
        *found.entry((path, line, v["type"].as_str().unwrap_or("").to_string())).or_default() += 1;
    }
    Ok(found)
}

fn rollsafe_findings(fixture: &Fixture) -> Findings {
    let report = fixture.check();
    let mut found = Findings::new();
    for f in &report.findings {
        let Some(peer) = f.peer_rule else { continue };
        let key = match f.primary.side {
            rollsafe_core::Side::Current => {
                let text = report.text(f.primary.side, &f.primary.path).unwrap_or_default();
                let line = text[..(f.primary.range.start as usize).min(text.len())].matches('\n').count() as u32 + 1;
                (f.primary.path.clone(), line, peer.to_string())
            }
            // What is gone with its file: buf names no file.
            rollsafe_core::Side::Baseline | rollsafe_core::Side::Earlier(_) => ("<input>".to_string(), 1, peer.to_string()),
        };
        *found.entry(key).or_default() += 1;
    }
    found
}

#[test]
fn rollsafe_agrees_with_buf_breaking() {
    let Some(buf) = buf_binary() else {
        assert!(std::env::var_os("ROLLSAFE_BUF_REQUIRED").is_none(), "ROLLSAFE_BUF_REQUIRED is set but buf is not available");
        rollsafe_tests::skipped("buf lane skipped: no `buf` (set ROLLSAFE_BUF or install the npm package @bufbuild/buf)");
        return;
    };
    let mut problems = Vec::new();
    let mut compared = 0;
    let mut used = vec![false; IMPROVEMENTS.len()];
    for fixture in fixtures() {
        let has_proto =
            walk(&fixture.after()).iter().chain(walk(&fixture.before()).iter()).any(|p| p.extension().is_some_and(|e| e == "proto"));
        if !has_proto {
            continue;
        }
        compared += 1;
        let theirs = match buf_findings(&buf, &fixture) {
            Ok(f) => f,
            Err(e) => {
                problems.push(format!("{}: {e}", fixture.name));
                continue;
            }
        };
        let ours = rollsafe_findings(&fixture);
        let whole = IMPROVEMENTS.iter().position(|(f, r, _)| *f == fixture.name && *r == "*");
        if let Some(i) = whole {
            used[i] = true;
            let lines =
                |f: &Findings| f.keys().filter(|k| k.2 == "COMPILE").map(|k| (k.0.clone(), k.1)).collect::<std::collections::BTreeSet<_>>();
            let theirs_compile = lines(&theirs);
            if theirs.keys().any(|k| k.2 != "COMPILE") {
                problems.push(format!("{}: listed as unbuildable, but buf reports {theirs:?}", fixture.name));
            }
            let ours_compile = lines(&ours);
            for missing in theirs_compile.iter().filter(|l| !ours_compile.contains(l) && ours_compile.iter().any(|o| o.0 == l.0)) {
                problems.push(format!("{}: buf reports a syntax error at {missing:?} that rollsafe does not", fixture.name));
            }
            continue;
        }
        for key in theirs.keys().chain(ours.keys()).collect::<std::collections::BTreeSet<_>>() {
            let (t, o) = (theirs.get(key).copied().unwrap_or(0), ours.get(key).copied().unwrap_or(0));
            if t == o {
                continue;
            }
            match IMPROVEMENTS.iter().position(|(f, r, _)| *f == fixture.name && *r == key.2) {
                Some(i) => used[i] = true,
                None => problems.push(format!("{}: {key:?}: buf reports {t}, rollsafe {o}", fixture.name)),
            }
        }
    }
    for (i, (fixture, rule, _)) in IMPROVEMENTS.iter().enumerate() {
        if !used[i] {
            problems.push(format!("{fixture}: the listed difference on {rule} no longer occurs: remove it from IMPROVEMENTS"));
        }
    }
    eprintln!("buf lane: {compared} fixtures compared with buf breaking, {} documented improvements", IMPROVEMENTS.len());
    assert!(compared > 0, "no fixture with .proto files");
    assert!(problems.is_empty(), "rollsafe and buf breaking disagree:\n{}", problems.join("\n"));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
