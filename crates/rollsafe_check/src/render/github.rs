//! `--format github`: GitHub Actions workflow commands, which GitHub shows as annotations on the
//! pull request's changed lines and in the run's summary.
//!
//! ```text
//! ::error file=db/migrations/0002_drop.sql,line=1,col=1,endLine=1,endColumn=41,title=column-removed::column users.full_name is removed…
//! ```
//!
//! Errors are `::error`, warnings `::warning`, notes `::notice`. The message carries the help and
//! the related places (as `path:line:column`) on lines of their own. Notices about the check
//! itself are `::warning` without a file. A last plain line says what was checked, for the log.
//!
//! Values are escaped as the runner expects: `%`, CR and LF everywhere, and `:` and `,` in the
//! properties too. Paths are relative to the top of the repository, as GitHub resolves them.

use super::{line_cols, region, release_note};
use crate::{Report, Severity};

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for notice in &report.notices {
        out.push_str(&format!("::warning title={}::{}\n", property("rollsafe"), data(&notice.message)));
    }
    for f in &report.findings {
        let mut message = f.message.clone();
        for r in &f.related {
            let (at, _) = line_cols(report, &r.location);
            let release = release_note(report, r);
            message.push_str(&format!("\n{}:{}:{}{release}: {}", report.ci_place(&r.location).path, at.line, at.col, r.message));
        }
        if let Some(help) = &f.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        let place = report.ci_place(&f.primary);
        // A place whose lines are not the working tree's (a deleted file) is annotated on the file.
        let lines = if place.lines {
            let (start, end) = region(report, &f.primary);
            format!(",line={},col={},endLine={},endColumn={}", start.line, start.col, end.line, end.col)
        } else {
            String::new()
        };
        out.push_str(&format!(
            "::{} file={}{lines},title={}::{}\n",
            command(f.severity),
            property(&place.path),
            property(f.rule),
            data(&message),
        ));
    }
    out.push_str(&super::human::summary_line(report));
    out.push('\n');
    out
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// A command's message: `%`, CR and LF escaped (the runner turns `%0A` back into a line break).
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A command's property value: as [`data`], and `:` and `,`, which separate properties.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_runner_reads() {
        assert_eq!(data("50% of\nrows"), "50%25 of%0Arows");
        assert_eq!(property("a,b:c"), "a%2Cb%3Ac");
    }
}
