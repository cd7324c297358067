//! Human output: each finding as a miette report with the offending statement, the N-1 definition
//! and the safe sequence, then one summary line naming the baseline.

use crate::{Finding, Location, Report, Severity, Side};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use rollsafe_text::escape::{escape_line, is_unsafe};
use rollsafe_text::{LineIndex, TextRange, floor_char_boundary};
use std::fmt;

pub struct Style {
    pub color: bool,
    pub unicode: bool,
    pub width: usize,
    /// Findings only: no notices about the check and no summary line (`--quiet`).
    pub quiet: bool,
}

struct FindingDiagnostic {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    source: Snippet,
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

/// What miette shows of one location: the lines around it, made safe to print, and cut to a window
/// around the location where they are very long. miette reads only this snippet (reading the whole
/// file for every finding would cost the file's size per finding), and [`SourceCode::read_span`]
/// reports the snippet's lines and columns as the file's.
struct Snippet {
    name: String,
    text: String,
    /// 0-based line of the file where the snippet starts.
    first_line: usize,
    /// The location, as a range of `text`.
    span: TextRange,
    /// The location's 0-based line and byte column in the file, for the `file:line:col` header.
    start: (usize, usize),
}

/// Lines longer than this many characters are cut to a window around the location.
const LONG_LINE: usize = 200;
/// The window: this many characters, starting this many before the location.
const WINDOW: usize = 160;
const WINDOW_BEFORE: usize = 40;

impl SourceCode for Snippet {
    fn read_span<'a>(&'a self, span: &SourceSpan, before: usize, after: usize) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        // miette asks for the location itself, without context, to print where it starts.
        let (line, column) = if before == 0 && after == 0 && span.offset() == self.span.start as usize {
            self.start
        } else {
            (inner.line() + self.first_line, inner.column())
        };
        let contents = MietteSpanContents::new_named(self.name.clone(), inner.data(), *inner.span(), line, column, inner.line_count());
        Ok(Box::new(contents))
    }
}

impl Snippet {
    fn new(name: String, text: &str, index: &LineIndex, range: TextRange) -> Snippet {
        let start = floor_char_boundary(text, range.start as usize);
        let end = floor_char_boundary(text, (range.end as usize).max(start));
        let start_line = index.line_of(start as u32);
        let end_line = index.line_of(end.saturating_sub(1).max(start) as u32);
        let first_line = start_line.saturating_sub(1);
        let last_line = (end_line + 1).min(index.line_count().saturating_sub(1) as u32);
        let mut out = String::new();
        let (mut span_start, mut span_end) = (0, 0);
        for line in first_line..=last_line {
            let content = index.line_range(text, line);
            let (line_start, line_end) = (content.start as usize, content.end as usize);
            let next_line = if line + 1 < index.line_count() as u32 { index.line_range(text, line + 1).start as usize } else { text.len() };
            let (kept_start, kept_end) = window(text, line_start, line_end, start, end);
            // Offsets of this line that the location starts or ends at, mapped as the line is copied.
            let mut mark = |offset: usize, at: usize| {
                if offset == start {
                    span_start = at;
                }
                if offset == end {
                    span_end = at;
                }
            };
            if kept_start > line_start {
                out.push('…');
            }
            for o in [start, end] {
                if (line_start..kept_start).contains(&o) {
                    mark(o, out.len());
                }
            }
            let mut chars = text[kept_start..kept_end].char_indices().peekable();
            while let Some((i, c)) = chars.next() {
                let offset = kept_start + i;
                mark(offset, out.len());
                let next = chars.peek().map(|(_, n)| *n).or_else(|| text[kept_end..].chars().next());
                if is_unsafe(c) || (c == '\r' && next != Some('\n')) {
                    out.push_str(&escape_line(c.encode_utf8(&mut [0; 4])));
                } else {
                    out.push(c);
                }
            }
            for o in [start, end] {
                if (kept_end..=line_end).contains(&o) {
                    mark(o, out.len());
                }
            }
            if kept_end < line_end {
                out.push('…');
            }
            let terminator = out.len();
            out.push_str(&text[line_end..next_line]);
            for o in [start, end] {
                if o > line_end && o <= next_line {
                    mark(o, terminator + (o - line_end));
                }
            }
        }
        let line_start = index.line_range(text, start_line).start as usize;
        Snippet {
            name,
            text: out,
            first_line: first_line as usize,
            span: TextRange::from_usize(span_start, span_end.max(span_start)),
            start: (start_line as usize, start - line_start),
        }
    }
}

/// The part of a line `line_start..line_end` to show: all of it, or a window around the location
/// (`start..end`) when the line is long.
fn window(text: &str, line_start: usize, line_end: usize, start: usize, end: usize) -> (usize, usize) {
    let line = &text[line_start..line_end];
    if line.chars().nth(LONG_LINE).is_none() {
        return (line_start, line_end);
    }
    let back = |from: usize, n: usize| {
        text[line_start..from].char_indices().rev().nth(n.saturating_sub(1)).map_or(line_start, |(i, _)| line_start + i)
    };
    let forward = |from: usize, n: usize| text[from..line_end].char_indices().nth(n).map_or(line_end, |(i, _)| from + i);
    let on_line = |o: usize| (line_start..=line_end).contains(&o);
    if on_line(start) {
        let from = back(start, WINDOW_BEFORE);
        (from, forward(from, WINDOW))
    } else if on_line(end) {
        let to = forward(end, WINDOW_BEFORE);
        (back(to, WINDOW), to)
    } else {
        (line_start, forward(line_start, WINDOW))
    }
}

fn source(report: &Report, loc: &Location) -> Snippet {
    let text = report.text(loc.side, &loc.path).unwrap_or_default();
    let index = report.line_index(loc.side, &loc.path).unwrap_or_else(|| std::sync::Arc::new(LineIndex::new(&text)));
    let mut name = escape_line(&report.display_path(&loc.path)).into_owned();
    if let Some(label) = report.side_label(loc.side) {
        name.push_str(&format!(" ({})", escape_line(label)));
    }
    Snippet::new(name, &text, &index, loc.range)
}

fn span(snippet: &Snippet, label: &str) -> LabeledSpan {
    LabeledSpan::new(Some(escape_line(label).into_owned()), snippet.span.start as usize, snippet.span.len() as usize)
}

fn diagnostic(report: &Report, f: &Finding) -> FindingDiagnostic {
    let mut help = f.help.clone().unwrap_or_default();
    if rollsafe_core::registry::lookup(f.rule).is_none_or(|r| r.suppressible()) {
        if !help.is_empty() {
            help.push('\n');
        }
        // In a file of the working tree that some format reads, a comment accepts it; elsewhere
        // (N-1, or a file no format reads) the configuration holds the acceptance.
        // Formats without comments (JSON) are accepted in the configuration too, by JSON Pointer.
        match report.analysis.format_of(&f.primary.path).filter(|format| f.primary.side == Side::Current && !format.line_comment.is_empty())
        {
            Some(format) => help
                .push_str(&format!("to accept it, say why on the statement: {} rollsafe-allow: {} <reason>", format.line_comment, f.rule)),
            None => {
                let at = match &f.pointer {
                    Some(pointer) => format!(" path = \"{}\" pointer = \"{}\"", f.primary.path, pointer),
                    None => String::new(),
                };
                help.push_str(&format!("to accept it, add to rollsafe.toml: [[allow]] rule = \"{}\"{at} reason = \"…\"", f.rule));
            }
        }
    }
    let related = f
        .related
        .iter()
        .map(|r| {
            let source = source(report, &r.location);
            FindingDiagnostic {
                message: escape_line(&r.message).into_owned(),
                code: None,
                severity: miette::Severity::Advice,
                labels: vec![span(&source, &r.message)],
                source,
                help: None,
                related: Vec::new(),
            }
        })
        .collect();
    let source = source(report, &f.primary);
    FindingDiagnostic {
        message: escape_line(&f.message).into_owned(),
        code: Some(f.rule.to_string()),
        severity: miette_severity(f.severity),
        labels: vec![span(&source, &f.label)],
        source,
        // Help is several lines; each is made safe on its own.
        help: (!help.is_empty()).then(|| help.lines().map(|l| escape_line(l).into_owned()).collect::<Vec<_>>().join("\n")),
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
    // What to know about the check itself comes first: a reader who stops at the top must see it.
    let notices = if style.quiet { &[][..] } else { &report.notices[..] };
    for notice in notices {
        out.push_str(&format!("warning: {}\n", escape_line(&notice.message)));
    }
    if !notices.is_empty() {
        out.push('\n');
    }
    for f in &report.findings {
        let d = diagnostic(report, f);
        // Rendering into a String cannot fail.
        let _ = handler.render_report(&mut out, &d);
        out.push('\n');
    }
    if !style.quiet {
        out.push_str(&summary_line(report));
        out.push('\n');
    }
    without_trailing_spaces(&out)
}

/// miette pads some lines (`Advice: `, empty gutters); trailing blanks are noise in logs and diffs.
fn without_trailing_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, end) = line.strip_suffix('\n').map_or((line, ""), |b| (b, "\n"));
        out.push_str(body.trim_end_matches([' ', '\t']));
        out.push_str(end);
    }
    out
}

pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") }
}

pub fn summary_line(report: &Report) -> String {
    let s = &report.summary;
    let what: Vec<String> =
        s.shown.iter().map(|c| if c.value == 1 { format!("1 {}", c.noun.0) } else { format!("{} {}", c.value, c.noun.1) }).collect();
    let mut line = format!(
        "checked {} against {} ({}): {}, {}",
        what.join(" and "),
        escape_line(&report.baseline_label),
        report.baseline_source,
        plural(s.errors, "error"),
        plural(s.warnings, "warning")
    );
    if s.infos > 0 {
        line.push_str(&format!(", {}", plural(s.infos, "note")));
    }
    line
}
