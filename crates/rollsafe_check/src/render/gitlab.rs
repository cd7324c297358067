//! `--format gitlab`: a GitLab Code Quality report (`artifacts:reports:codequality`), which GitLab
//! shows in the merge request's widget and diff.
//!
//! A JSON array with one issue per finding: `description` (the message), `check_name` (the rule),
//! `fingerprint` (stable when unrelated lines are added above the finding, so GitLab tells new
//! findings from old ones), `severity`, `location` (`path` from the top of the repository and
//! `lines`, 1-based: the Code Climate spec allows `lines` or
//! `positions`, and GitLab reads only the first line), `content.body` (the help and the related places,
//! in Markdown) and `categories`.
//!
//! Severities: `error` → `critical` (it breaks N-1 for certain), `warning` → `major`, `info` →
//! `info`. GitLab's other levels (`minor`, `blocker`) are not used.

use super::{fingerprints, line_cols, region, release_note, rule_url};
use crate::{Report, Severity};
use serde_json::{Value, json};

pub fn render(report: &Report) -> String {
    let fingerprints = fingerprints(report);
    let issues: Vec<Value> = report
        .findings
        .iter()
        .zip(&fingerprints)
        .map(|(f, fingerprint)| {
            let place = report.ci_place(&f.primary);
            // GitLab needs a line: a deleted file's finding is on its first.
            let (begin, end) = if place.lines {
                let (start, end) = region(report, &f.primary);
                (start.line, end.line)
            } else {
                (1, 1)
            };
            let mut body = String::new();
            if let Some(help) = &f.help {
                body.push_str(&format!("**Help:** {help}\n\n"));
            }
            for r in &f.related {
                let (at, _) = line_cols(report, &r.location);
                let release = release_note(report, r);
                body.push_str(&format!("- `{}:{}:{}`{release}: {}\n", report.ci_place(&r.location).path, at.line, at.col, r.message));
            }
            body.push_str(&format!("\nSee [{}]({}).\n", f.rule, rule_url(f.rule)));
            json!({
                "type": "issue",
                "check_name": f.rule,
                "description": f.message,
                "content": { "body": body },
                "categories": ["Bug Risk", "Compatibility"],
                "fingerprint": fingerprint,
                "severity": severity(f.severity),
                "location": {
                    "path": place.path,
                    "lines": { "begin": begin, "end": end },
                },
            })
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&issues).expect("a JSON value always serialises");
    out.push('\n');
    out
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Info => "info",
    }
}
