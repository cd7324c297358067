//! Configured severities and in-source suppressions.
//!
//! A `-- rollsafe-allow: RULE[, RULE] reason` comment applies to the statement it sits in, the
//! statement it trails on the same line, or else the next statement. A
//! `-- rollsafe-allow-file: RULE[, RULE] reason` comment applies to every finding about its file
//! (found in it, or pointing at it as a related place): it works in a file with no statement at
//! all, such as an empty down script a project keeps by convention. A suppression needs a reason and
//! known rule ids (else `invalid-suppression`), and one that suppresses nothing is reported
//! (`unused-suppression`), so stale ones do not hide the next real finding.

use crate::config::Config;
use crate::finding::{Finding, Location, Side};
use crate::rules::{self, INVALID_SUPPRESSION, UNUSED_SUPPRESSION};
use rollsafe_sql::ParsedFile;
use rollsafe_text::TextRange;
use std::sync::Arc;

/// Applies `[rules]` levels, then the suppressions of the reviewed files.
pub fn apply(findings: Vec<Finding>, files: &[(String, Arc<ParsedFile>)], config: &Config) -> Vec<Finding> {
    let mut findings: Vec<Finding> = findings.into_iter().filter_map(|f| with_configured_level(f, config)).collect();
    let mut extra = Vec::new();
    for (path, parsed) in files {
        for s in &parsed.suppressions {
            let location = Location::current(path.clone(), s.range);
            let unknown: Vec<&str> = s.rules.iter().map(String::as_str).filter(|r| rules::lookup(r).is_none()).collect();
            let problem = if s.rules.is_empty() {
                Some("names no rule".to_string())
            } else if !unknown.is_empty() {
                Some(format!("names unknown rule {}", unknown.join(", ")))
            } else if s.reason.is_none() {
                Some("gives no reason".to_string())
            } else {
                None
            };
            if let Some(problem) = problem {
                extra.push(
                    Finding::new(
                        INVALID_SUPPRESSION.id,
                        INVALID_SUPPRESSION.severity,
                        format!("this rollsafe-allow comment {problem}, so it suppresses nothing"),
                        location,
                        "invalid suppression",
                    )
                    .help("write it as: -- rollsafe-allow: RULE[, RULE] reason"),
                );
                continue;
            }
            if s.file {
                let before = findings.len();
                findings.retain(|f| {
                    let about_file = (f.primary.side == Side::Current && f.primary.path == *path)
                        || f.related.iter().any(|r| r.location.side == Side::Current && r.location.path == *path);
                    !(about_file && s.rules.iter().any(|r| r == f.rule))
                });
                if findings.len() == before {
                    extra.push(unused(location, &s.rules, s.file));
                }
                continue;
            }
            let Some(statement) = s.statement.and_then(|i| parsed.statements.get(i)) else {
                extra.push(unused(location, &s.rules, s.file));
                continue;
            };
            let before = findings.len();
            findings.retain(|f| {
                !(f.primary.side == Side::Current
                    && f.primary.path == *path
                    && statement.range.contains_range(f.primary.range)
                    && s.rules.iter().any(|r| r == f.rule))
            });
            if findings.len() == before {
                extra.push(unused(location, &s.rules, s.file));
            }
        }
    }
    findings.extend(extra.into_iter().filter_map(|f| with_configured_level(f, config)));
    findings
}

fn unused(location: Location, rules: &[String], file: bool) -> Finding {
    let scope = if file { "about this file" } else { "on this statement" };
    Finding::new(
        UNUSED_SUPPRESSION.id,
        UNUSED_SUPPRESSION.severity,
        format!("this rollsafe-allow comment suppresses nothing: no {} finding {scope}", rules.join(" or ")),
        location,
        "unused suppression",
    )
    .help("remove the comment")
}

fn with_configured_level(mut finding: Finding, config: &Config) -> Option<Finding> {
    match config.rules.get(finding.rule) {
        Some(None) => None,
        Some(Some(level)) => {
            finding.severity = *level;
            Some(finding)
        }
        None => Some(finding),
    }
}

/// Applies the configuration's `[[allow]]` entries: the findings they accept go, and an entry that
/// accepts nothing is reported like an unused suppression (it would hide the next real finding).
pub fn apply_allow_list(findings: Vec<Finding>, config: &Config) -> Vec<Finding> {
    let mut used = vec![false; config.allow.len()];
    let mut out: Vec<Finding> = findings
        .into_iter()
        .filter(|f| match config.allow.iter().position(|a| a.accepts(f)) {
            Some(i) => {
                used[i] = true;
                false
            }
            None => true,
        })
        .collect();
    let file = config.file.clone().unwrap_or_else(|| "rollsafe.toml".to_string());
    for (entry, _) in config.allow.iter().zip(&used).filter(|(_, used)| !**used) {
        let range = entry.span.map_or(TextRange::empty(0), |(start, end)| TextRange::from_usize(start, end));
        let mut what = format!("rule {}", entry.rule);
        if let Some(object) = &entry.object {
            what.push_str(&format!(", object {object}"));
        }
        if let Some(path) = &entry.path {
            what.push_str(&format!(", path {path}"));
        }
        let finding = Finding::new(
            UNUSED_SUPPRESSION.id,
            UNUSED_SUPPRESSION.severity,
            format!("this [[allow]] entry accepts nothing: no finding matches {what}"),
            Location::current(file.clone(), range),
            "unused allow-list entry",
        )
        .help("remove the entry, or correct its rule, object or path");
        out.extend(with_configured_level(finding, config));
    }
    out
}
