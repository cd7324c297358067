//! Renderers: adapters from [`Finding`](crate::Finding) to what people and tools read.
//!
//! | format | for | paths relative to |
//! |---|---|---|
//! | [`human`] | people at a terminal | the working directory |
//! | [`json`] | scripts (the contract in DESIGN.md) | the working directory |
//! | [`sarif`] | code scanning (GitHub, Azure DevOps, SARIF viewers) | the repository |
//! | [`github`] | GitHub Actions annotations (workflow commands) | the repository |
//! | [`gitlab`] | GitLab Code Quality reports | the repository |
//! | [`junit`] | CI test reports (one test case per checked file) | the repository |
//!
//! The CI formats name files from the repository's top (the nearest folder up from the workspace
//! root holding `.git`), because that is how those services resolve them, wherever in the
//! repository rollsafe ran.

pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use crate::{Finding, Location, Report};
use rollsafe_text::{LineCol, LineIndex, floor_char_boundary};
use std::collections::HashMap;

/// 1-based line and column (Unicode scalar values) of both ends of a location.
pub(crate) fn line_cols(report: &Report, loc: &Location) -> (LineCol, LineCol) {
    let text = report.text(loc.side, &loc.path).unwrap_or_default();
    // The analysis keeps each file's line index: building one per location would cost the file's
    // size per finding.
    let index = report.line_index(loc.side, &loc.path).unwrap_or_else(|| std::sync::Arc::new(LineIndex::new(&text)));
    (index.line_col_1based(&text, loc.range.start), index.line_col_1based(&text, loc.range.end))
}

/// Both ends of a location as CI services count them (1-based, end column exclusive): a range that
/// ends with its statement's newline ends on that line, not at the start of the next one.
pub(crate) fn region(report: &Report, loc: &Location) -> (LineCol, LineCol) {
    let text = report.text(loc.side, &loc.path).unwrap_or_default();
    let index = report.line_index(loc.side, &loc.path).unwrap_or_else(|| std::sync::Arc::new(LineIndex::new(&text)));
    let start = floor_char_boundary(&text, loc.range.start as usize);
    let mut end = floor_char_boundary(&text, (loc.range.end as usize).max(start));
    while end > start && matches!(text.as_bytes()[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    (index.line_col_1based(&text, start as u32), index.line_col_1based(&text, end as u32))
}

/// ` (in v1.4.0)` for a related location in N-1 or an earlier release, unless its message already
/// names that release: the CI formats show only a path and a line, which alone would point into
/// the working tree's version of the file.
pub(crate) fn release_note(report: &Report, related: &crate::Related) -> String {
    match report.side_label(related.location.side) {
        Some(release) if !related.message.contains(release) => format!(" (in {release})"),
        _ => String::new(),
    }
}

/// A stable fingerprint per finding, in report order: the same finding keeps it when unrelated
/// lines are added above it, so code scanning and Code Quality track it across commits rather
/// than reporting it as fixed and new again.
///
/// It hashes what identifies the finding, never where it is: the rule, the file, the object or
/// JSON Pointer, and the text of the primary range with its whitespace collapsed (so re-indenting
/// keeps it too). Identical findings in one file are told apart by their order.
pub fn fingerprints(report: &Report) -> Vec<String> {
    let mut seen: HashMap<u64, u32> = HashMap::new();
    report
        .findings
        .iter()
        .map(|f| {
            let base = identity_hash(report, f);
            let occurrence = seen.entry(base).or_insert(0);
            *occurrence += 1;
            let mut hash = Fnv::new(base);
            hash.write(&occurrence.to_le_bytes());
            let (a, b) = (hash.0, Fnv::new(hash.0 ^ 0x9e37_79b9_7f4a_7c15).write_then(b"rollsafe").0);
            format!("{a:016x}{b:016x}")
        })
        .collect()
}

fn identity_hash(report: &Report, f: &Finding) -> u64 {
    let mut hash = Fnv::new(0);
    hash.write(f.rule.as_bytes());
    hash.write(&[0]);
    hash.write(f.primary.path.as_bytes());
    hash.write(&[0]);
    hash.write(f.object.as_deref().or(f.pointer.as_deref()).unwrap_or("").as_bytes());
    hash.write(&[0]);
    if let Some(text) = report.text(f.primary.side, &f.primary.path) {
        let start = floor_char_boundary(&text, f.primary.range.start as usize);
        let end = floor_char_boundary(&text, (f.primary.range.end as usize).max(start));
        // A statement can be long (a generated schema): its first 4 KiB identify it well enough.
        let snippet = &text[start..floor_char_boundary(&text, end.min(start + 4096))];
        for word in snippet.split_whitespace() {
            hash.write(word.as_bytes());
            hash.write(b" ");
        }
    }
    hash.0
}

/// FNV-1a, 64 bits: fixed by its specification, so fingerprints stay the same across Rust
/// versions and platforms (the standard library's hashers promise neither).
struct Fnv(u64);

impl Fnv {
    fn new(seed: u64) -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325 ^ seed)
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn write_then(mut self, bytes: &[u8]) -> Fnv {
        self.write(bytes);
        self
    }
}

/// The first paragraph under a rule page's `## What it detects`, on one line: the full description
/// code scanning shows next to the summary.
pub(crate) fn rule_description(rule: &rollsafe_core::Rule) -> String {
    let page = rule.page();
    let body = page.split("## What it detects").nth(1).unwrap_or("");
    let paragraph: Vec<&str> =
        body.lines().map(str::trim).skip_while(|l| l.is_empty()).take_while(|l| !l.is_empty() && !l.starts_with('#')).collect();
    if paragraph.is_empty() { rule.summary.to_string() } else { paragraph.join(" ") }
}

/// Where a rule's documentation is published.
pub(crate) fn rule_url(rule: &str) -> String {
    format!("{}/blob/main/docs/rules/{rule}.md", env!("CARGO_PKG_REPOSITORY"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_its_specification() {
        // Test vector of FNV-1a 64 ("a").
        let mut h = Fnv::new(0);
        h.write(b"a");
        assert_eq!(h.0, 0xaf63_dc4c_8601_ec8c);
    }
}
