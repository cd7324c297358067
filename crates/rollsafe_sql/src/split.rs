//! Splits a SQL file into statements with exact byte ranges.
//!
//! Handles what migration files contain in practice: line and (nested) block comments, quoted
//! identifiers, dollar-quoted bodies, parentheses (psql does not split inside them either), trigger and
//! `BEGIN ATOMIC` bodies whose inner `;` do not end the statement, psql meta-commands (`\connect`,
//! `\restrict`), MySQL's `DELIMITER`, goose's `StatementBegin`/`StatementEnd`, and the up/down section
//! markers of dbmate (`-- migrate:up`), goose (`-- +goose Up`) and sql-migrate (`-- +migrate Up`).
//! It also collects `rollsafe-allow` suppression comments and assigns each to its statement.

use crate::lexer::{Lexer, Token, TokenKind};
use crate::{Dialect, SyntaxError};
use rollsafe_text::TextRange;

/// Which part of a file with up/down sections a statement belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Section {
    /// The file has no section markers (or the statement comes before the first one).
    Whole,
    Up,
    Down,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RawKind {
    /// SQL to be parsed.
    Sql,
    /// A psql meta-command (`\connect`, `\restrict`, …): a client instruction, not SQL.
    PsqlMeta,
    /// A client command such as MySQL's `DELIMITER //`.
    ClientCommand,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawStatement {
    /// From the first significant token to the last one before the delimiter (the `;` is excluded).
    pub range: TextRange,
    pub kind: RawKind,
    pub section: Section,
}

/// A `rollsafe-allow` comment and the statement it applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuppressionComment {
    /// Range of the whole comment.
    pub range: TextRange,
    /// The comment's text after `rollsafe-allow:`.
    pub body: String,
    /// Index into [`SplitFile::statements`]; `None` when no statement follows it, and for a
    /// file-level suppression.
    pub statement: Option<usize>,
    /// `rollsafe-allow-file:`: applies to the whole file, even one without statements.
    pub file: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SplitFile {
    pub statements: Vec<RawStatement>,
    pub suppressions: Vec<SuppressionComment>,
    /// Whether the file uses up/down section markers (dbmate, goose, sql-migrate).
    pub has_sections: bool,
    pub errors: Vec<SyntaxError>,
}

/// The marker recognised in a line comment, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Marker {
    Section(Section),
    StatementBegin,
    StatementEnd,
}

fn marker(comment: &str) -> Option<Marker> {
    let body = comment.trim_start_matches('-').trim();
    let lower = body.to_ascii_lowercase();
    let lower = lower.as_str();
    // dbmate: `-- migrate:up transaction:false`
    if let Some(rest) = lower.strip_prefix("migrate:") {
        return match rest.split_whitespace().next() {
            Some("up") => Some(Marker::Section(Section::Up)),
            Some("down") => Some(Marker::Section(Section::Down)),
            _ => None,
        };
    }
    // goose `-- +goose Up`, sql-migrate `-- +migrate Up`
    let rest = lower.strip_prefix("+goose").or_else(|| lower.strip_prefix("+migrate"))?;
    match rest.split_whitespace().next() {
        Some("up") => Some(Marker::Section(Section::Up)),
        Some("down") => Some(Marker::Section(Section::Down)),
        Some("statementbegin") => Some(Marker::StatementBegin),
        Some("statementend") => Some(Marker::StatementEnd),
        _ => None,
    }
}

/// The text after `rollsafe-allow:` (or `rollsafe-allow-file:`) when the comment is a suppression,
/// and whether it is the file-level form.
pub(crate) fn suppression_body(comment: &str) -> Option<(&str, bool)> {
    let inner = if let Some(rest) = comment.strip_prefix("--") {
        rest
    } else if let Some(rest) = comment.strip_prefix('#') {
        rest
    } else {
        comment.strip_prefix("/*")?.trim_end_matches("*/")
    };
    rollsafe_diagnostics::directive(inner)
}

/// Tracks whether the current statement is a routine or trigger whose body holds `;`.
#[derive(Default)]
struct BodyState {
    /// Up to the first few words of the statement, upper-cased.
    head: Vec<String>,
    body_capable: bool,
    depth: u32,
    /// The previous significant word was `END` (MySQL `END IF` does not close a `BEGIN`).
    after_end: bool,
    /// The previous significant word was `BEGIN` (for PostgreSQL `BEGIN ATOMIC`).
    after_begin: bool,
}

impl BodyState {
    /// Punctuation ends an `END IF`-style pair: `END; IF …` opens a new IF.
    fn punct(&mut self) {
        self.after_end = false;
        self.after_begin = false;
    }

    fn word(&mut self, word: &str, dialect: Dialect) {
        let upper = word.to_ascii_uppercase();
        if self.head.len() < 8 {
            self.head.push(upper.clone());
            // `CREATE [OR REPLACE] [DEFINER = …] TRIGGER|FUNCTION|PROCEDURE|EVENT`, not `CREATE INDEX … (event)`.
            let routine_head = self.head.len() <= 6 && !self.head.iter().any(|w| matches!(w.as_str(), "TABLE" | "INDEX" | "VIEW" | "ON"));
            if self.head[0] == "CREATE"
                && routine_head
                && matches!(upper.as_str(), "TRIGGER" | "FUNCTION" | "PROCEDURE" | "EVENT")
                && dialect != Dialect::Postgres
            {
                self.body_capable = true;
            }
        }
        let after_end = std::mem::take(&mut self.after_end);
        let after_begin = std::mem::take(&mut self.after_begin);
        if dialect == Dialect::Postgres {
            // Only SQL-standard bodies (`BEGIN ATOMIC … END`) hold bare `;` in PostgreSQL.
            if self.head.first().is_some_and(|w| w == "CREATE") {
                match upper.as_str() {
                    "ATOMIC" if after_begin => self.depth += 1,
                    "BEGIN" => self.after_begin = true,
                    "CASE" if self.depth > 0 => self.depth += 1,
                    "END" if self.depth > 0 => self.depth -= 1,
                    _ => {}
                }
            }
            return;
        }
        if !self.body_capable {
            return;
        }
        match upper.as_str() {
            // `END CASE` closes a CASE counted when it opened; `END IF`, `END LOOP`, … close blocks
            // that were not counted, so the END must not count either.
            "CASE" if after_end => {}
            "IF" | "LOOP" | "WHILE" | "REPEAT" if after_end => self.depth += 1,
            "BEGIN" | "CASE" => self.depth += 1,
            "END" => {
                self.depth = self.depth.saturating_sub(1);
                self.after_end = true;
            }
            _ => {}
        }
    }
}

pub fn split(src: &str, dialect: Dialect) -> SplitFile {
    let mut out = SplitFile::default();
    let mut lexer = Lexer::new(src, dialect);
    let mut section = Section::Whole;
    // Significant tokens of the statement being read.
    let mut first: Option<Token> = None;
    let mut last: Option<Token> = None;
    let mut paren_depth: u32 = 0;
    let mut body = BodyState::default();
    let mut goose_block = false;
    // With MySQL's `DELIMITER //`, `;` is ordinary text and the lexer reports the delimiter itself.
    let mut custom_delimiter = false;
    // Suppression comments, attached to statements once all statements are known.
    let mut pending: Vec<(TextRange, String, bool)> = Vec::new();

    let finish = |out: &mut SplitFile,
                  first: &mut Option<Token>,
                  last: &mut Option<Token>,
                  paren_depth: &mut u32,
                  body: &mut BodyState,
                  section: Section| {
        if let (Some(f), Some(l)) = (first.take(), last.take()) {
            out.statements.push(RawStatement { range: TextRange::new(f.range.start, l.range.end), kind: RawKind::Sql, section });
        }
        *paren_depth = 0;
        *body = BodyState::default();
    };

    loop {
        // psql meta-commands and DELIMITER are recognised only at the start of a statement.
        if first.is_none() && dialect == Dialect::Postgres && lexer.peek_byte() == Some(b'\\') {
            let meta = lexer.rest_of_line(TokenKind::PsqlMeta);
            out.statements.push(RawStatement { range: meta.range, kind: RawKind::PsqlMeta, section });
            continue;
        }
        let Some(token) = lexer.next_token() else {
            break;
        };
        if token.unterminated {
            let what = match token.kind {
                TokenKind::BlockComment => "block comment",
                TokenKind::QuotedIdent => "quoted identifier",
                TokenKind::DollarString => "dollar-quoted string",
                _ => "string literal",
            };
            out.errors.push(SyntaxError {
                range: TextRange::new(token.range.start, token.range.start + 1),
                message: format!("unterminated {what}"),
            });
        }
        match token.kind {
            TokenKind::Whitespace => continue,
            TokenKind::LineComment | TokenKind::BlockComment => {
                let text = token.text(src);
                if token.kind == TokenKind::LineComment
                    && let Some(m) = marker(text)
                {
                    match m {
                        Marker::Section(s) if !goose_block => {
                            finish(&mut out, &mut first, &mut last, &mut paren_depth, &mut body, section);
                            section = s;
                            out.has_sections = true;
                        }
                        Marker::Section(_) => {}
                        Marker::StatementBegin => goose_block = true,
                        Marker::StatementEnd => {
                            goose_block = false;
                            finish(&mut out, &mut first, &mut last, &mut paren_depth, &mut body, section);
                        }
                    }
                    continue;
                }
                if let Some((body_text, file)) = suppression_body(text) {
                    pending.push((token.range, body_text.to_string(), file));
                }
                continue;
            }
            TokenKind::Delimiter => {
                finish(&mut out, &mut first, &mut last, &mut paren_depth, &mut body, section);
                continue;
            }
            TokenKind::Punct if token.is_punct(src, ';') && !custom_delimiter => {
                if paren_depth == 0 && body.depth == 0 && !goose_block {
                    let copy_from_stdin = first.is_some_and(|f| f.is_word(src, "COPY"))
                        && last.is_some_and(|l| l.is_word(src, "STDIN") || src[l.range.as_usize()].eq_ignore_ascii_case("stdin"));
                    finish(&mut out, &mut first, &mut last, &mut paren_depth, &mut body, section);
                    if copy_from_stdin {
                        // The rows follow the statement, up to a line `\.`: data, not SQL.
                        let data = lexer.skip_copy_data();
                        out.statements.push(RawStatement { range: data.range, kind: RawKind::PsqlMeta, section });
                    }
                } else {
                    body.punct();
                    last = Some(token);
                }
                continue;
            }
            _ => {}
        }
        if first.is_none() && dialect == Dialect::MySql && token.is_word(src, "DELIMITER") {
            let rest = lexer.rest_of_line(TokenKind::Word);
            let delimiter = rest.text(src).trim().to_string();
            custom_delimiter = delimiter != ";";
            lexer.set_delimiter(Some(delimiter));
            out.statements.push(RawStatement {
                range: TextRange::new(token.range.start, rest.range.end),
                kind: RawKind::ClientCommand,
                section,
            });
            continue;
        }
        if token.kind == TokenKind::Punct {
            body.punct();
            if token.is_punct(src, '(') {
                paren_depth += 1;
            } else if token.is_punct(src, ')') {
                paren_depth = paren_depth.saturating_sub(1);
            }
        } else if token.kind == TokenKind::Word {
            body.word(token.text(src), dialect);
        }
        if first.is_none() {
            first = Some(token);
        }
        last = Some(token);
    }
    finish(&mut out, &mut first, &mut last, &mut paren_depth, &mut body, section);
    attach_suppressions(&mut out, pending, src);
    out
}

/// A suppression applies to the statement it sits in, else to the statement ending on the same line
/// before it (a trailing comment), else to the next statement.
fn attach_suppressions(out: &mut SplitFile, pending: Vec<(TextRange, String, bool)>, src: &str) {
    for (range, body, file) in pending {
        if file {
            out.suppressions.push(SuppressionComment { range, body, statement: None, file });
            continue;
        }
        let stmts = &out.statements;
        // First statement that ends after the comment starts.
        let idx = stmts.partition_point(|s| s.range.end <= range.start);
        let statement = if stmts.get(idx).is_some_and(|s| s.range.start <= range.start) {
            Some(idx)
        } else if idx > 0 && !src[stmts[idx - 1].range.end as usize..range.start as usize].contains('\n') {
            Some(idx - 1)
        } else {
            (idx < stmts.len()).then_some(idx)
        };
        out.suppressions.push(SuppressionComment { range, body, statement, file });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str, dialect: Dialect) -> Vec<&str> {
        split(src, dialect).statements.iter().map(|s| &src[s.range.as_usize()]).collect()
    }

    #[test]
    fn splits_on_semicolons_outside_quotes_and_bodies() {
        let src = "CREATE TABLE a (x text DEFAULT ';');\n-- c; c\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n/* ; */ SELECT 1";
        assert_eq!(
            texts(src, Dialect::Postgres),
            vec!["CREATE TABLE a (x text DEFAULT ';')", "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql", "SELECT 1"]
        );
    }

    #[test]
    fn begin_atomic_bodies_stay_whole() {
        let src =
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END;\nBEGIN;\nCOMMIT;";
        assert_eq!(texts(src, Dialect::Postgres).len(), 3);
    }

    #[test]
    fn sqlite_trigger_bodies_stay_whole() {
        let src = "CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE a SET x = 1; DELETE FROM b; END;\nDROP TABLE c;";
        assert_eq!(texts(src, Dialect::Sqlite).len(), 2);
    }

    #[test]
    fn mysql_delimiter_and_psql_meta() {
        let src = "DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END //\nDELIMITER ;\nSELECT 2;";
        let split = split(src, Dialect::MySql);
        let kinds: Vec<_> = split.statements.iter().map(|s| s.kind).collect();
        assert_eq!(kinds, vec![RawKind::ClientCommand, RawKind::Sql, RawKind::ClientCommand, RawKind::Sql]);
        let pg = "\\restrict abc\nSELECT 1;\n\\connect db\n";
        let kinds: Vec<_> = super::split(pg, Dialect::Postgres).statements.iter().map(|s| s.kind).collect();
        assert_eq!(kinds, vec![RawKind::PsqlMeta, RawKind::Sql, RawKind::PsqlMeta]);
    }

    #[test]
    fn sections_and_goose_blocks() {
        let src = "-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION f() AS 'a; b';\nSELECT 1;\n-- +goose StatementEnd\n-- +goose Down\nDROP FUNCTION f;";
        let split = split(src, Dialect::Postgres);
        assert!(split.has_sections);
        assert_eq!(split.statements.len(), 2);
        assert_eq!(split.statements[0].section, Section::Up);
        assert_eq!(split.statements[1].section, Section::Down);
    }

    #[test]
    fn suppressions_attach_to_the_right_statement() {
        let src = "-- rollsafe-allow: column-removed nobody reads it\nALTER TABLE a DROP COLUMN b;\nDROP TABLE c; -- rollsafe-allow: table-removed gone\nDROP TABLE d;";
        let split = split(src, Dialect::Postgres);
        assert_eq!(split.suppressions[0].statement, Some(0));
        assert_eq!(split.suppressions[0].body, "column-removed nobody reads it");
        assert_eq!(split.suppressions[1].statement, Some(1));
    }

    #[test]
    fn routine_bodies_with_case_and_if() {
        let src = "CREATE PROCEDURE p(x INT) BEGIN CASE x WHEN 1 THEN SELECT 1; ELSE SELECT 2; END CASE; SELECT 4; IF x THEN SELECT 3; END IF; END;\nALTER TABLE users DROP COLUMN email;";
        assert_eq!(texts(src, Dialect::MySql).len(), 2);
        let with_event = "CREATE INDEX i ON t (event);\nALTER TABLE t DROP COLUMN a;";
        assert_eq!(texts(with_event, Dialect::MySql).len(), 2);
    }

    #[test]
    fn copy_data_is_not_sql() {
        let src = "COPY users (id, email) FROM stdin;\n1\tit's me\n\\.\nALTER TABLE users DROP COLUMN email;\n";
        let split = split(src, Dialect::Postgres);
        let kinds: Vec<_> = split.statements.iter().map(|s| s.kind).collect();
        assert_eq!(kinds, vec![RawKind::Sql, RawKind::PsqlMeta, RawKind::Sql]);
        assert!(split.errors.is_empty());
    }

    #[test]
    fn unterminated_string_is_an_error_not_a_panic() {
        let split = split("SELECT 'abc;\nSELECT 2;", Dialect::Postgres);
        assert_eq!(split.errors.len(), 1);
        assert_eq!(split.statements.len(), 1);
    }
}
