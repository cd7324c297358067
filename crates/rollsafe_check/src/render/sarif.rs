//! `--format sarif`: SARIF 2.1.0, the format code scanning reads (GitHub's upload action, Azure
//! DevOps, SARIF viewers).
//!
//! - One run. Its tool lists every rule rollsafe has, each with its summary, the first paragraph
//!   of its documentation, the whole page as help (text and Markdown), the page's address and its
//!   default level, so a reader of the results needs no other source.
//! - A result per finding: its rule, level (`error`, `warning`, `note`), message, primary location
//!   with a region (1-based lines and columns counting Unicode code points, end column exclusive)
//!   and related locations (the N-1 definition, the statement that started a split change). A
//!   related location in N-1 or an earlier release keeps its path, and its message names the
//!   release its lines are from.
//! - `partialFingerprints["rollsafe/v1"]`: the fingerprint of [`super::fingerprints`], which stays
//!   when unrelated lines are added above the finding.
//! - Notices about the check itself (a doubtful baseline, skipped files) are tool execution
//!   notifications of the invocation.
//!
//! Paths are relative to the top of the repository, with `%SRCROOT%` as their base; places in N-1
//! are named as [`Report::ci_place`] says, without a region when their lines are not those of the
//! file named.

use super::{fingerprints, region, release_note, rule_description, rule_url};
use crate::{Location, Report, Severity};
use serde_json::{Value, json};

const SCHEMA: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

pub fn render(report: &Report) -> String {
    let rules: Vec<&rollsafe_core::Rule> = rollsafe_core::registry::ALL.iter().copied().collect();
    let rule_index = |id: &str| rules.iter().position(|r| r.id == id);
    let fingerprints = fingerprints(report);
    let results: Vec<Value> = report
        .findings
        .iter()
        .zip(&fingerprints)
        .map(|(f, fingerprint)| {
            let related: Vec<Value> = f
                .related
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let mut location = location(report, &r.location, false);
                    location["id"] = json!(i + 1);
                    let mut text = format!("{}{}", r.message, release_note(report, r));
                    if !report.ci_place(&r.location).lines {
                        let (start, _) = region(report, &r.location);
                        text = format!("{text}; line {}, column {} of the file there", start.line, start.col);
                    }
                    location["message"] = json!({ "text": sentence(&text) });
                    location
                })
                .collect();
            let mut message = sentence(&f.message);
            if let Some(help) = &f.help {
                message.push_str("\n\nHelp: ");
                message.push_str(help);
            }
            let mut result = json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": { "text": message },
                "locations": [location(report, &f.primary, true)],
                "partialFingerprints": { "rollsafe/v1": fingerprint },
            });
            if let Some(index) = rule_index(f.rule) {
                result["ruleIndex"] = json!(index);
            }
            if !related.is_empty() {
                result["relatedLocations"] = Value::Array(related);
            }
            let mut properties = serde_json::Map::new();
            if let Some(object) = &f.object {
                properties.insert("object".into(), json!(object));
            }
            if let Some(pointer) = &f.pointer {
                properties.insert("pointer".into(), json!(pointer));
            }
            if !properties.is_empty() {
                result["properties"] = Value::Object(properties);
            }
            result
        })
        .collect();
    let notifications: Vec<Value> = report
        .notices
        .iter()
        .map(|n| json!({ "level": "warning", "message": { "text": sentence(&n.message) }, "descriptor": { "id": n.kind } }))
        .collect();
    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "rollsafe",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules.iter().map(|r| rule(r)).collect::<Vec<_>>(),
            }},
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": { "baseline": report.baseline_label, "baselineSource": report.baseline_source.to_string() },
        }],
    });
    let mut out = serde_json::to_string_pretty(&doc).expect("a JSON value always serialises");
    out.push('\n');
    out
}

fn rule(rule: &rollsafe_core::Rule) -> Value {
    let page = rule.page();
    let mut tags = vec![rollsafe_core::registry::format_of(rule.id).unwrap_or("suppressions")];
    tags.push("compatibility");
    json!({
        "id": rule.id,
        "name": pascal_case(rule.id),
        "shortDescription": { "text": sentence(rule.summary) },
        "fullDescription": { "text": sentence(&rule_description(rule)) },
        "help": { "text": page, "markdown": page },
        "helpUri": rule_url(rule.id),
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": { "tags": tags, "problem.severity": problem_severity(rule.severity) },
    })
}

/// A location with its region. A place whose lines are not those of the file named (an N-1
/// definition in a file changed since) is named without a region, and its message says where it
/// was; the primary location always has one (code scanning needs it): a deleted file's finding
/// points at its first line.
fn location(report: &Report, loc: &Location, primary: bool) -> Value {
    let place = report.ci_place(loc);
    let (start, end) = region(report, loc);
    let mut physical = json!({ "artifactLocation": { "uri": uri(&place.path), "uriBaseId": "%SRCROOT%" } });
    if place.lines {
        physical["region"] = json!({ "startLine": start.line, "startColumn": start.col, "endLine": end.line, "endColumn": end.col });
    } else if primary {
        physical["region"] = json!({ "startLine": 1 });
    }
    json!({ "physicalLocation": physical })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// GitHub code scanning's own severity scale for rules that are not security rules.
fn problem_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "recommendation",
    }
}

/// SARIF messages are sentences: they end with a full stop.
fn sentence(text: &str) -> String {
    let text = text.trim_end();
    if text.trim_end_matches([')', '"', '\'', '`']).ends_with(['.', '!', '?', ':']) { text.to_string() } else { format!("{text}.") }
}

/// `column-removed` → `ColumnRemoved`: SARIF's `name` is an identifier-like name of the rule.
fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}

/// A relative path as a URI reference: `/`-separated, with characters URIs reserve escaped.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_uris() {
        assert_eq!(pascal_case("column-removed"), "ColumnRemoved");
        assert_eq!(uri("db/migrations/0001 init#1.sql"), "db/migrations/0001%20init%231.sql");
        assert_eq!(uri("schémas/a.sql"), "sch%C3%A9mas/a.sql");
        assert_eq!(sentence("dropped"), "dropped.");
        assert_eq!(sentence("dropped?"), "dropped?");
    }
}
