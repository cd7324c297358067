//! `--format junit`: JUnit XML, which CI services show as a test report (GitLab's
//! `artifacts:reports:junit`, Jenkins, Azure Pipelines, CircleCI).
//!
//! One `<testsuite name="rollsafe">` with one `<testcase>` per checked file of the working tree
//! ([`Report::checked_files`]) and per deleted file a finding is about, named by its path from the
//! top of the repository. A file fails
//! when it has a finding at the level that fails the check (`--fail-on`): one `<failure>` whose
//! message counts them and whose text lists each (`line:column rule: message`, then its help).
//! Findings below that level are listed in the case's `<system-out>`, so nothing is lost and the
//! report fails exactly when the exit code does. Notices about the check itself are the suite's
//! `<system-err>`.

use super::human::plural;
use super::region;
use crate::{Finding, Report, Severity};
use std::collections::BTreeMap;

pub fn render(report: &Report, fail_on: Severity) -> String {
    // A case per checked file, and one per file a finding is about that the working tree no
    // longer has (a deleted migration or `.proto`), so that no finding is left out.
    // Findings by file, grouped once: a tree of thousands of files meets thousands of findings.
    let mut by_file: BTreeMap<String, Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        by_file.entry(report.ci_place(&f.primary).path).or_default().push(f);
    }
    for file in report.checked_files() {
        by_file.entry(report.repository_path(&file)).or_default();
    }
    let mut cases = String::new();
    let mut failures = 0;
    for (name, findings) in &by_file {
        let (failing, other): (Vec<&Finding>, Vec<&Finding>) = findings.iter().partition(|f| f.severity >= fail_on);
        cases.push_str(&format!("    <testcase classname=\"rollsafe\" name=\"{}\" file=\"{}\">\n", attribute(name), attribute(name)));
        if !failing.is_empty() {
            failures += 1;
            let count = |s: Severity| failing.iter().filter(|f| f.severity == s).count();
            let message = match (count(Severity::Error), failing.len() - count(Severity::Error)) {
                (errors, 0) => plural(errors, "error"),
                (0, other) => plural(other, "finding"),
                (errors, other) => format!("{} and {}", plural(errors, "error"), plural(other, "other finding")),
            };
            let kinds: Vec<&str> = {
                let mut rules: Vec<&str> = failing.iter().map(|f| f.rule).collect();
                rules.sort_unstable();
                rules.dedup();
                rules
            };
            cases.push_str(&format!(
                "      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                attribute(&message),
                attribute(&kinds.join(" ")),
                text(&listing(report, &failing)),
            ));
        }
        if !other.is_empty() {
            cases.push_str(&format!("      <system-out>{}</system-out>\n", text(&listing(report, &other))));
        }
        cases.push_str("    </testcase>\n");
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!("<testsuites name=\"rollsafe\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">\n", by_file.len()));
    out.push_str(&format!(
        "  <testsuite name=\"rollsafe\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">\n",
        by_file.len()
    ));
    out.push_str(&format!(
        "    <properties>\n      <property name=\"baseline\" value=\"{}\"/>\n    </properties>\n",
        attribute(&report.baseline_label)
    ));
    out.push_str(&cases);
    if !report.notices.is_empty() {
        let notices: Vec<String> = report.notices.iter().map(|n| format!("warning: {}", n.message)).collect();
        out.push_str(&format!("    <system-err>{}</system-err>\n", text(&notices.join("\n"))));
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

fn listing(report: &Report, findings: &[&Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let (start, _) = region(report, &f.primary);
        out.push_str(&format!(
            "{}:{}:{} {} [{}]: {}\n",
            report.ci_place(&f.primary).path,
            start.line,
            start.col,
            f.severity,
            f.rule,
            f.message
        ));
        if let Some(help) = &f.help {
            out.push_str(&format!("  help: {help}\n"));
        }
    }
    out
}

/// Text content: `&` and `<` escaped, and characters XML 1.0 cannot carry at all (control
/// characters other than tab and line breaks) written as `\u{…}`, so a hostile file name cannot
/// make the report unreadable.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || matches!(c, '\u{fffe}' | '\u{ffff}') => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// An attribute value: as [`text`], and quotes and line breaks, which attributes cannot keep.
fn attribute(value: &str) -> String {
    text(value).replace('"', "&quot;").replace('\n', "&#10;").replace('\r', "&#13;").replace('\t', "&#9;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_xml_cannot_carry() {
        assert_eq!(text("a < b & c\u{1b}"), "a &lt; b &amp; c\\u{1b}");
        assert_eq!(attribute("say \"hi\"\n"), "say &quot;hi&quot;&#10;");
    }
}
