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
//! scalar values. `side` (an addition) tells whether a location is in the working tree, in N-1
//! (`baseline`) or in a release before it (`earlier`, with its `release`). A finding in a JSON
//! contract carries the `pointer` of its place in the document.

use super::line_cols;
use crate::{Location, Report, Side};
use serde::Serialize;
use serde_json::{Value, json};

// Typed records that borrow from the report: a check with thousands of findings (a release of a
// large Protobuf tree) would otherwise build a tree of JSON values several times the size of
// its output. Fields are declared in alphabetical order, the order of the keys in the document.

#[derive(Serialize)]
struct Document<'a> {
    baseline: &'a str,
    findings: Vec<FindingRecord<'a>>,
    summary: Value,
    version: u32,
}

#[derive(Serialize)]
struct FindingRecord<'a> {
    help: Option<&'a str>,
    message: &'a str,
    object: Option<&'a str>,
    path: String,
    /// The same finding's rule in the tool users of the format know (`buf breaking`).
    #[serde(skip_serializing_if = "Option::is_none")]
    peer_rule: Option<&'static str>,
    /// In a JSON contract: the JSON Pointer of the primary location, which `[[allow]]` can name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pointer: Option<&'a str>,
    range: Range,
    related: Vec<RelatedRecord<'a>>,
    rule: &'static str,
    severity: &'static str,
    side: &'static str,
}

#[derive(Serialize)]
struct RelatedRecord<'a> {
    message: &'a str,
    path: String,
    range: Range,
    /// For a location in a release before N-1 (`side` is `earlier`): that release.
    #[serde(skip_serializing_if = "Option::is_none")]
    release: Option<&'a str>,
    side: &'static str,
}

#[derive(Serialize)]
struct Range {
    end: Position,
    start: Position,
}

#[derive(Serialize)]
struct Position {
    column: u32,
    line: u32,
}

pub fn render(report: &Report) -> String {
    let findings = report
        .findings
        .iter()
        .map(|f| {
            let related = f
                .related
                .iter()
                .map(|r| RelatedRecord {
                    message: &r.message,
                    path: report.display_path(&r.location.path),
                    range: range(report, &r.location),
                    release: match r.location.side {
                        Side::Earlier(_) => report.side_label(r.location.side),
                        _ => None,
                    },
                    side: side(&r.location),
                })
                .collect();
            FindingRecord {
                help: f.help.as_deref(),
                message: &f.message,
                object: f.object.as_deref(),
                path: report.display_path(&f.primary.path),
                peer_rule: f.peer_rule,
                pointer: f.pointer.as_deref(),
                range: range(report, &f.primary),
                related,
                rule: f.rule,
                severity: f.severity.as_str(),
                side: side(&f.primary),
            }
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
    let doc = Document { baseline: &report.baseline_label, findings, summary, version: 1 };
    let mut out = serde_json::to_string_pretty(&doc).expect("the document always serialises");
    out.push('\n');
    out
}

fn range(report: &Report, loc: &Location) -> Range {
    let (start, end) = line_cols(report, loc);
    Range { end: Position { column: end.col, line: end.line }, start: Position { column: start.col, line: start.line } }
}

fn side(loc: &Location) -> &'static str {
    match loc.side {
        Side::Current => "current",
        Side::Baseline => "baseline",
        Side::Earlier(_) => "earlier",
    }
}
