//! Human output: each finding as a miette report with the offending statement, the N-1 definition
//! and the safe sequence, then one summary line naming the baseline.

use crate::{Finding, Location, Report, Severity, Side};
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};
use std::fmt;

pub struct Style {
    pub color: bool,
    pub unicode: bool,
    pub width: usize,
}

struct FindingDiagnostic {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    source: NamedSource<String>,
    labels: Vec<LabeledSpan>,
    help: Option<String>,
    related: Vec<FindingDiagnostic>,
}

impl fmt::Debug for FindingDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for FindingDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FindingDiagnostic {}

impl Diagnostic for FindingDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code.as_ref().map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
    }
}

fn miette_severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

fn source(report: &Report, loc: &Location) -> NamedSource<String> {
    let text = report.text(loc.side, &loc.path).map(|t| t.to_string()).unwrap_or_default();
    let mut name = report.display_path(&loc.path);
    if loc.side == Side::Baseline {
        name.push_str(&format!(" ({})", report.baseline_label));
    }
    NamedSource::new(name, text)
}

fn span(loc: &Location, label: &str) -> LabeledSpan {
    LabeledSpan::new(Some(label.to_string()), loc.range.start as usize, loc.range.len() as usize)
}

fn diagnostic(report: &Report, f: &Finding) -> FindingDiagnostic {
    let comment = if f.primary.path.ends_with(".sql") { "--" } else { "//" };
    let mut help = f.help.clone().unwrap_or_default();
    if f.rule != "unused-suppression" && f.rule != "invalid-suppression" {
        if !help.is_empty() {
            help.push('\n');
        }
        if f.primary.side == Side::Baseline {
            // Nothing to comment on in the working tree: the configuration holds the acceptance.
            help.push_str(&format!("to accept it, add to rollsafe.toml: [[allow]] rule = \"{}\" reason = \"…\"", f.rule));
        } else {
            help.push_str(&format!("to accept it, say why on the statement: {comment} rollsafe-allow: {} <reason>", f.rule));
        }
    }
    let related = f
        .related
        .iter()
        .map(|r| FindingDiagnostic {
            message: r.message.clone(),
            code: None,
            severity: miette::Severity::Advice,
            source: source(report, &r.location),
            labels: vec![span(&r.location, &r.message)],
            help: None,
            related: Vec::new(),
        })
        .collect();
    FindingDiagnostic {
        message: f.message.clone(),
        code: Some(f.rule.to_string()),
        severity: miette_severity(f.severity),
        source: source(report, &f.primary),
        labels: vec![span(&f.primary, &f.label)],
        help: (!help.is_empty()).then_some(help),
        related,
    }
}

pub fn render(report: &Report, style: &Style) -> String {
    let theme = match (style.unicode, style.color) {
        (true, true) => GraphicalTheme::unicode(),
        (true, false) => GraphicalTheme::unicode_nocolor(),
        (false, _) => GraphicalTheme::none(),
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(style.width).with_links(false).with_urls(false);
    let mut out = String::new();
    for f in &report.findings {
        let d = diagnostic(report, f);
        // Rendering into a String cannot fail.
        let _ = handler.render_report(&mut out, &d);
        out.push('\n');
    }
    out.push_str(&summary_line(report));
    out.push('\n');
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") }
}

pub fn summary_line(report: &Report) -> String {
    let s = &report.summary;
    let mut what = vec![plural(s.migrations, "migration")];
    if s.schema_files > 0 {
        what.push(plural(s.schema_files, "schema file"));
    }
    let mut line = format!(
        "checked {} against {} ({}): {}, {}",
        what.join(" and "),
        report.baseline_label,
        report.baseline_source,
        plural(s.errors, "error"),
        plural(s.warnings, "warning")
    );
    if s.infos > 0 {
        line.push_str(&format!(", {}", plural(s.infos, "note")));
    }
    line
}
