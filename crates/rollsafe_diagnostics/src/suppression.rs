//! In-source suppressions and configured severities, the same for every format.
//!
//! A front-end finds its format's comments and hands each `rollsafe-allow` comment over as a
//! [`Suppression`] with its scope: the statement or element it applies to (SQL: the statement it
//! sits in, trails on the same line, or else the next one; Protobuf: the element that follows), or
//! the whole file for `rollsafe-allow-file:`. A file-level suppression applies to every finding about
//! its file (found in it, or pointing at it as a related place): it works in a file with nothing
//! else in it, such as an empty down script a project keeps by convention. A suppression needs a
//! reason and known rule ids (else `invalid-suppression`), and one that suppresses nothing is
//! reported (`unused-suppression`), so stale ones do not hide the next real finding.

use crate::finding::{Edit, Finding, Fix, Location, Severity, Side};
use crate::rules::{INVALID_SUPPRESSION, UNUSED_SUPPRESSION};
use rollsafe_text::TextRange;
use std::collections::BTreeMap;

/// The reason a suppression inserted by an editor's quick fix carries until the user writes one. It
/// counts as no reason, so a suppression nobody explained never silences a finding.
pub const REASON_PLACEHOLDER: &str = "<reason>";

/// What a suppression applies to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Findings inside this range of its file (a statement, a message, a field).
    Range(TextRange),
    /// Every finding about the file (`rollsafe-allow-file:`).
    File,
    /// Nothing follows the comment: it can suppress nothing.
    Nothing,
}

/// A `rollsafe-allow` comment, parsed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Suppression {
    /// The comment.
    pub range: TextRange,
    pub rules: Vec<String>,
    /// `None` when the comment gives no reason (such a suppression is reported, not honoured).
    pub reason: Option<String>,
    pub scope: Scope,
}

/// The text after `rollsafe-allow:` (or `rollsafe-allow-file:`, then `true`) when a comment's body
/// (the text inside its comment markers) is a suppression. The colon may be left out.
pub fn directive(comment_body: &str) -> Option<(&str, bool)> {
    let inner = comment_body.trim_start_matches(['-', '*', '/', ' ', '\t']);
    let rest = inner.strip_prefix("rollsafe-allow")?;
    let (rest, file) = match rest.strip_prefix("-file") {
        Some(rest) => (rest, true),
        None => (rest, false),
    };
    let rest = rest.trim_start();
    Some((rest.strip_prefix(':').unwrap_or(rest).trim(), file))
}

/// `column-removed, table-removed nobody reads it` → (rules, reason).
pub fn parse_rules_and_reason(body: &str) -> (Vec<String>, Option<String>) {
    let mut rules = Vec::new();
    let mut rest = body.trim();
    loop {
        let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        rules.push(rest[..end].to_string());
        rest = rest[end..].trim_start();
        match rest.strip_prefix(',') {
            Some(after) => rest = after.trim_start(),
            None => break,
        }
    }
    let reason = rest.trim().trim_start_matches([':', '-', '—']).trim();
    (rules, (!reason.is_empty() && reason != REASON_PLACEHOLDER).then(|| reason.to_string()))
}

/// Rule id → configured level (`[rules]`); `None` turns the rule off.
pub type Levels = BTreeMap<String, Option<Severity>>;

/// The suppressions of one reviewed file of the working tree.
#[derive(Debug)]
pub struct FileSuppressions<'a> {
    pub path: &'a str,
    pub text: &'a str,
    /// The format's line comment (`--`, `//`), for help texts.
    pub line_comment: &'a str,
    pub suppressions: &'a [Suppression],
}

/// Applies configured levels, then the suppressions of the reviewed files. `known_rule` tells
/// whether a rule id exists (in any format).
pub fn apply(findings: Vec<Finding>, files: &[FileSuppressions<'_>], known_rule: &dyn Fn(&str) -> bool, levels: &Levels) -> Vec<Finding> {
    let mut findings: Vec<Finding> = findings.into_iter().filter_map(|f| with_configured_level(f, levels)).collect();
    let mut extra = Vec::new();
    for file in files {
        let path = file.path;
        for s in file.suppressions {
            let location = Location::current(path, s.range);
            let unknown: Vec<&str> = s.rules.iter().map(String::as_str).filter(|r| !known_rule(r)).collect();
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
                    .help(format!(
                        "write it as: {} {}: RULE[, RULE] reason",
                        file.line_comment,
                        if s.scope == Scope::File { "rollsafe-allow-file" } else { "rollsafe-allow" }
                    )),
                );
                continue;
            }
            let before = findings.len();
            match &s.scope {
                Scope::File => findings.retain(|f| {
                    let about_file = (f.primary.side == Side::Current && f.primary.path == path)
                        || f.related.iter().any(|r| r.location.side == Side::Current && r.location.path == path);
                    !(about_file && s.rules.iter().any(|r| r == f.rule))
                }),
                Scope::Range(range) => findings.retain(|f| {
                    !(f.primary.side == Side::Current
                        && f.primary.path == path
                        && range.contains_range(f.primary.range)
                        && s.rules.iter().any(|r| r == f.rule))
                }),
                Scope::Nothing => {}
            }
            if findings.len() == before {
                let mut finding = unused(location, &s.rules, s.scope == Scope::File);
                finding.fix = Some(remove_comment(path, s.range, file.text));
                extra.push(finding);
            }
        }
    }
    findings.extend(extra.into_iter().filter_map(|f| with_configured_level(f, levels)));
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

/// The finding at its configured level, or `None` when its rule is turned off.
pub fn with_configured_level(mut finding: Finding, levels: &Levels) -> Option<Finding> {
    match levels.get(finding.rule) {
        Some(None) => None,
        Some(Some(level)) => {
            finding.severity = *level;
            Some(finding)
        }
        None => Some(finding),
    }
}

/// A `rollsafe-allow` line for the finding, above the statement or element that starts at byte
/// `anchor` of `text`, in the format's line comment syntax.
pub fn suppression_fix(finding: &Finding, anchor: u32, text: &str, line_comment: &str) -> Fix {
    let start = (anchor as usize).min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..start];
    let comment = format!("{line_comment} rollsafe-allow: {} {REASON_PLACEHOLDER}", finding.rule);
    let (at, insert) = if before.trim().is_empty() {
        // The statement starts its line: the comment goes on a line of its own above, indented alike.
        (line_start, format!("{before}{comment}\n"))
    } else {
        // Another statement ends on the same line: break the line so the comment binds to this one.
        let indent: String = before.chars().take_while(|c| c.is_whitespace()).collect();
        (start, format!("\n{indent}{comment}\n{indent}"))
    };
    Fix {
        title: format!("Suppress {} here (a reason is required)", finding.rule),
        edits: vec![Edit { path: finding.primary.path.clone(), range: TextRange::empty(at as u32), replacement: insert }],
    }
}

/// Removes a comment (`range` of `text`): its whole line when nothing else is on it.
pub fn remove_comment(path: &str, range: TextRange, text: &str) -> Fix {
    let range = range.as_usize();
    let range = range.start.min(text.len())..range.end.min(text.len());
    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[range.end..].find('\n').map_or(text.len(), |i| range.end + i + 1);
    let alone = text[line_start..range.start].trim().is_empty() && text[range.end..line_end].trim().is_empty();
    let remove = if alone {
        line_start..line_end
    } else {
        // Trailing a statement: take the spaces before it too.
        let trimmed = text[..range.start].trim_end_matches([' ', '\t']).len();
        trimmed..range.end
    };
    Fix {
        title: "Remove the unused rollsafe-allow comment".to_string(),
        edits: vec![Edit { path: path.to_string(), range: TextRange::from_usize(remove.start, remove.end), replacement: String::new() }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_and_reasons() {
        assert_eq!(
            parse_rules_and_reason("column-removed, table-removed nobody reads it"),
            (vec!["column-removed".to_string(), "table-removed".to_string()], Some("nobody reads it".to_string()))
        );
        assert_eq!(parse_rules_and_reason("column-removed"), (vec!["column-removed".to_string()], None));
        assert_eq!(parse_rules_and_reason("column-removed <reason>"), (vec!["column-removed".to_string()], None));
    }

    #[test]
    fn directives() {
        assert_eq!(directive(" rollsafe-allow: x why"), Some(("x why", false)));
        assert_eq!(directive("rollsafe-allow-file: x why"), Some(("x why", true)));
        assert_eq!(directive(" rollsafe-allow x why"), Some(("x why", false)));
        assert_eq!(directive(" allow x"), None);
    }

    #[test]
    fn a_scoped_suppression_needs_a_reason_and_is_reported_when_unused() {
        let finding = |start: u32| {
            Finding::new("column-removed", Severity::Error, String::new(), Location::current("a.sql", TextRange::new(start, start + 5)), "")
        };
        let text = "-- rollsafe-allow: column-removed why\nDROP x;\nDROP y;\n";
        let used = Suppression {
            range: TextRange::new(0, 37),
            rules: vec!["column-removed".into()],
            reason: Some("why".into()),
            scope: Scope::Range(TextRange::new(38, 45)),
        };
        let file = [FileSuppressions { path: "a.sql", text, line_comment: "--", suppressions: std::slice::from_ref(&used) }];
        let known = |r: &str| r == "column-removed";
        let out = apply(vec![finding(38), finding(46)], &file, &known, &Levels::new());
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].primary.range.start, 46);

        let out = apply(vec![finding(46)], &file, &known, &Levels::new());
        assert_eq!(out.iter().map(|f| f.rule).collect::<Vec<_>>(), ["column-removed", "unused-suppression"]);
        let fix = out[1].fix.as_ref().expect("an unused suppression can be removed");
        assert_eq!(fix.edits[0].range, TextRange::new(0, 38), "the whole line goes");
    }
}
