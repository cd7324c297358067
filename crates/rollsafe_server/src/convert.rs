//! Every conversion between rollsafe's plain data and LSP types lives here: paths and URIs, byte
//! offsets and UTF-16 positions, findings and diagnostics, fixes and code actions, hovers. Handlers
//! call these and nothing else of `ls_types`.

use rollsafe_core::{Edit, Finding, Fix, Location, Severity, Side, Tag};
use rollsafe_text::{LineCol, LineIndex, TextRange};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Hover,
    HoverContents, MarkupContent, MarkupKind, NumberOrString, Position, Range, TextDocumentContentChangeEvent, TextEdit, Uri,
    WorkspaceEdit,
};

/// Where the rule documentation lives: one page per rule, generated from the rule's doc comment.
pub const RULE_DOCS: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/rules/");

/// The source name editors show next to each diagnostic.
pub const SOURCE: &str = "rollsafe";

/// The file a `file:` URI names, canonical (the editor may name it through a symlink; roots are
/// canonical). A file not saved yet is resolved through its folder.
pub fn uri_to_file(uri: &Uri) -> Option<PathBuf> {
    if uri.scheme().as_str() != "file" {
        return None;
    }
    canonical_with_missing_file(&uri.to_file_path()?)
}

/// Canonicalizes the directory of a path whose file may not exist yet (an unsaved buffer).
fn canonical_with_missing_file(path: &Path) -> Option<PathBuf> {
    match path.canonicalize() {
        Ok(p) => Some(p),
        Err(_) => Some(path.parent()?.canonicalize().ok()?.join(path.file_name()?)),
    }
}

/// The `file:` URI of a workspace-relative path.
pub fn path_to_uri(root: &Path, path: &str) -> Option<Uri> {
    Uri::from_file_path(root.join(path))
}

/// Byte offsets to LSP positions (UTF-16 code units) for one text.
pub struct LineMap<'a> {
    pub text: &'a str,
    pub index: &'a LineIndex,
}

impl LineMap<'_> {
    pub fn position(&self, offset: u32) -> Position {
        let LineCol { line, col } = self.index.line_col_utf16(self.text, offset);
        Position { line, character: col }
    }

    pub fn range(&self, range: TextRange) -> Range {
        Range { start: self.position(range.start), end: self.position(range.end) }
    }

    pub fn offset(&self, position: Position) -> u32 {
        self.index.offset_utf16(self.text, LineCol { line: position.line, col: position.character })
    }
}

/// A text and its line index, for one side of one file.
pub type FileText = (Arc<str>, Arc<LineIndex>);

/// Applies one `didChange` event to a buffer's text: a whole new text, or a range replaced.
pub fn apply_change(text: &str, change: &TextDocumentContentChangeEvent) -> String {
    let Some(range) = change.range else {
        return change.text.clone();
    };
    let index = LineIndex::new(text);
    let map = LineMap { text, index: &index };
    let start = map.offset(range.start) as usize;
    let end = (map.offset(range.end) as usize).max(start);
    let mut out = String::with_capacity(text.len() + change.text.len());
    out.push_str(&text[..start]);
    out.push_str(&change.text);
    out.push_str(&text[end..]);
    out
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// Converts findings to diagnostics grouped by file. `text_of` gives the text of a file on a side;
/// findings on files it does not know are shown at the file's start.
pub fn diagnostics(
    findings: &[Finding],
    root: &Path,
    text_of: &mut dyn FnMut(Side, &str) -> Option<FileText>,
) -> HashMap<String, Vec<Diagnostic>> {
    let mut out: HashMap<String, Vec<Diagnostic>> = HashMap::new();
    for finding in findings {
        out.entry(finding.primary.path.clone()).or_default().push(diagnostic(finding, root, text_of));
    }
    out
}

fn lsp_range(location: &Location, text_of: &mut dyn FnMut(Side, &str) -> Option<FileText>) -> Range {
    match text_of(location.side, &location.path) {
        Some((text, index)) => LineMap { text: &text, index: &index }.range(location.range),
        None => Range::default(),
    }
}

pub fn diagnostic(finding: &Finding, root: &Path, text_of: &mut dyn FnMut(Side, &str) -> Option<FileText>) -> Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = finding
        .related
        .iter()
        .filter_map(|r| {
            let uri = path_to_uri(root, &r.location.path)?;
            Some(DiagnosticRelatedInformation {
                location: tower_lsp_server::ls_types::Location { uri, range: lsp_range(&r.location, text_of) },
                message: printable(&r.message),
            })
        })
        .collect();
    let mut message = printable(&finding.message);
    if let Some(help) = &finding.help {
        message.push_str("\nhelp: ");
        message.push_str(&printable(help));
    }
    Diagnostic {
        range: lsp_range(&finding.primary, text_of),
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(finding.rule.to_string())),
        code_description: Uri::from_str(&format!("{RULE_DOCS}{}.md", finding.rule)).ok().map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: rollsafe_core::registry::lookup(finding.rule)
            .filter(|r| r.has_tag(Tag::Unnecessary))
            .map(|_| vec![DiagnosticTag::UNNECESSARY]),
        data: None,
    }
}

/// Whether a finding's primary range touches an LSP range of its file.
pub fn overlaps(finding: &Finding, requested: TextRange) -> bool {
    let r = finding.primary.range;
    r.start <= requested.end && requested.start <= r.end
}

/// A code action for a fix; `preferred` marks the one editors apply on "fix all"/"quick fix".
pub fn code_action(
    fix: &Fix,
    diagnostic: Option<Diagnostic>,
    preferred: bool,
    root: &Path,
    text_of: &mut dyn FnMut(Side, &str) -> Option<FileText>,
) -> Option<CodeAction> {
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for Edit { path, range, replacement } in &fix.edits {
        let (text, index) = text_of(Side::Current, path)?;
        let range = LineMap { text: &text, index: &index }.range(*range);
        changes.entry(path_to_uri(root, path)?).or_default().push(TextEdit { range, new_text: replacement.clone() });
    }
    Some(CodeAction {
        title: fix.title.clone(),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: diagnostic.map(|d| vec![d]),
        edit: Some(WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() }),
        is_preferred: preferred.then_some(true),
        ..CodeAction::default()
    })
}

/// A hover for the findings on one statement: each with the object's N-1 and N definitions side by
/// side (fenced in `language`, the format's), the verdict and the safe sequence.
pub fn hover(findings: &[&Finding], baseline: &str, range: Option<Range>, language: &str) -> Option<Hover> {
    if findings.is_empty() {
        return None;
    }
    let sections: Vec<String> = findings.iter().map(|f| hover_section(f, baseline, language)).collect();
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: sections.join("\n\n---\n\n") }),
        range,
    })
}

/// Text from the repository (identifiers, messages naming them, definitions) as an editor may show
/// it: control characters and direction overrides escaped, line by line, and capped in length.
fn printable(text: &str) -> String {
    let text = rollsafe_text::escape::truncate_chars(text, 4000);
    text.split('\n').map(|line| rollsafe_text::escape::escape_line(line).into_owned()).collect::<Vec<_>>().join("\n")
}

fn hover_section(f: &Finding, baseline: &str, language: &str) -> String {
    let baseline = printable(baseline);
    let mut out = format!("**{}** [`{}`]({RULE_DOCS}{}.md)", f.severity, f.rule, f.rule);
    if let Some(object) = &f.object {
        out.push_str(&format!(" · `{}`", printable(object)));
    }
    out.push_str(&format!("\n\n{}", printable(&f.message)));
    let defs = &f.definitions;
    if !defs.is_empty() {
        let (before, after) = (defs.before.as_deref().map(printable), defs.after.as_deref().map(printable));
        let (before, after) = (before.as_deref(), after.as_deref());
        let single_line = |d: Option<&str>| d.is_none_or(|d| !d.contains('\n'));
        let cell = |d: Option<&str>| match d {
            Some(d) => format!("`{}`", d.replace('|', "\\|")),
            None => "*absent*".to_string(),
        };
        if single_line(before) && single_line(after) {
            out.push_str(&format!("\n\n| N-1 ({baseline}) | N (working tree) |\n|---|---|\n| {} | {} |", cell(before), cell(after)));
        } else {
            let block = |title: String, d: Option<&str>| match d {
                Some(d) => format!("\n\n{title}\n```{language}\n{d}\n```"),
                None => format!("\n\n{title} *absent*"),
            };
            out.push_str(&block(format!("**N-1 ({baseline}):**"), before));
            out.push_str(&block("**N (working tree):**".to_string(), after));
        }
    }
    if let Some(help) = &f.help {
        out.push_str(&format!("\n\n**Safe sequence:** {}", printable(help)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incremental_changes_count_utf16_units() {
        let text = "-- naïve 😀 x\nSELECT 1;\n";
        // Replace the "x" after the emoji (2 UTF-16 units) on line 0.
        let change = TextDocumentContentChangeEvent {
            range: Some(Range { start: Position { line: 0, character: 12 }, end: Position { line: 0, character: 13 } }),
            range_length: None,
            text: "y".to_string(),
        };
        assert_eq!(apply_change(text, &change), "-- naïve 😀 y\nSELECT 1;\n");
    }

    #[test]
    fn paths_and_uris_round_trip() {
        let dir = std::env::temp_dir().join(format!("rollsafe-uri-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("db/migrations")).expect("mkdir");
        let root = dir.canonicalize().expect("canonical");
        // The file does not exist yet (an unsaved buffer): its folder resolves it.
        let uri = path_to_uri(&root, "db/migrations/0001 init.sql").expect("uri");
        assert!(uri.as_str().ends_with("/db/migrations/0001%20init.sql"), "{}", uri.as_str());
        let file = uri_to_file(&uri).expect("a file URI");
        assert_eq!(rollsafe_workspace::relative_path(&root, &file).as_deref(), Some("db/migrations/0001 init.sql"));
        assert_eq!(uri_to_file(&Uri::from_str("untitled:Untitled-1").expect("uri")), None);
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }
}
