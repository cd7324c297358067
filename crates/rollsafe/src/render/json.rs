//! `--format json`: one document, the contract in DESIGN.md (changed only additively).
//!
//! ```json
//! {"version":1,"baseline":"v1.4.0","findings":[{"rule":"column-removed","severity":"error",
//!   "message":"…","path":"migrations/0002.sql","range":{"start":{"line":1,"column":1},
//!   "end":{"line":1,"column":40}},"object":"users.full_name","help":"…",
//!   "related":[{"path":"migrations/0001.sql","range":{…},"message":"defined here in v1.4.0","side":"baseline"}]}],
//!  "summary":{"errors":1,"warnings":0,"infos":0,…}}
//! ```
//! Paths are relative to the working directory; lines and columns are 1-based, columns count Unicode
//! scalar values. `side` (an addition) tells whether a location is in the working tree or in N-1.

use super::line_cols;
use crate::{Location, Report, Side};
use serde_json::{Value, json};

pub fn render(report: &Report) -> String {
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let related: Vec<Value> = f
                .related
                .iter()
                .map(|r| {
                    let mut v = location(report, &r.location);
                    v["message"] = json!(r.message);
                    v
                })
                .collect();
            let mut v = location(report, &f.primary);
            let obj = v.as_object_mut().expect("location is an object");
            let mut out = serde_json::Map::new();
            out.insert("rule".into(), json!(f.rule));
            out.insert("severity".into(), json!(f.severity.as_str()));
            out.insert("message".into(), json!(f.message));
            out.insert("path".into(), obj.remove("path").unwrap_or(Value::Null));
            out.insert("range".into(), obj.remove("range").unwrap_or(Value::Null));
            out.insert("object".into(), json!(f.object));
            out.insert("help".into(), json!(f.help));
            out.insert("related".into(), Value::Array(related));
            out.insert("side".into(), obj.remove("side").unwrap_or(Value::Null));
            if let Some(peer) = f.peer_rule {
                // The same finding's rule in the tool users of the format know (`buf breaking`).
                out.insert("peer_rule".into(), json!(peer));
            }
            Value::Object(out)
        })
        .collect();
    let s = &report.summary;
    let mut summary = json!({
        "errors": s.errors,
        "warnings": s.warnings,
        "infos": s.infos,
        "baseline_source": report.baseline_source.to_string(),
        // Warnings about the check itself (`warnings` counts warning findings): a baseline that
        // may not be the previous release, files not read.
        "notices": report.notices.iter().map(|n| json!({"kind": n.kind, "message": n.message})).collect::<Vec<_>>(),
    });
    // What each format counted (`migrations`, `new_migrations`, `schema_files`, …).
    for count in &s.counts {
        summary[count.key] = json!(count.value);
    }
    let doc = json!({
        "version": 1,
        "baseline": report.baseline_label,
        "findings": findings,
        "summary": summary,
    });
    let mut out = serde_json::to_string_pretty(&doc).expect("JSON values always serialise");
    out.push('\n');
    out
}

fn location(report: &Report, loc: &Location) -> Value {
    let (start, end) = line_cols(report, loc);
    json!({
        "path": report.display_path(&loc.path),
        "range": {
            "start": {"line": start.line, "column": start.col},
            "end": {"line": end.line, "column": end.col},
        },
        "side": match loc.side { Side::Current => "current", Side::Baseline => "baseline" },
    })
}
