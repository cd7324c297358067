//! rollsafe's SQL front-end.
//!
//! Turns the text of one SQL file into a list of statements, each lowered into schema operations
//! ([`ops::Op`]) with exact byte ranges, and replays those operations into a catalog model
//! ([`catalog::Catalog`]) of schemas, tables, columns, constraints, indexes, views, types, sequences
//! and functions.
//!
//! Pipeline for one file: [`split`] (own tokenizer: comments, quotes, dollar bodies, psql
//! meta-commands, up/down sections) → one statement at a time through sqlparser → [`lower`] to ops;
//! statements sqlparser rejects go to the token-level [`fallback`] reader.
//!
//! Limits, by design:
//! - Never fails: [`parse_file`] returns the model *and* its errors. A statement nobody could read is a
//!   [`ops::StatementKind::NotUnderstood`], and the rest of the file is still read.
//! - Knows nothing of files on disk, git, salsa, findings or output formats. Replay records where each
//!   object came from as an opaque [`catalog::SourceId`] chosen by the caller.

pub mod body;
pub mod catalog;
mod cursor;
pub mod describe;
mod do_block;
pub mod expr;
pub mod extensions;
mod fallback;
pub mod lexer;
mod lower;
pub mod name;
pub mod object_map;
pub mod ops;
mod privileges;
mod query_refs;
pub mod replay;
pub mod routine;
pub mod split;
pub mod template;
pub mod ty;

pub use rollsafe_diagnostics::{REASON_PLACEHOLDER, Scope, Suppression};
pub use rollsafe_text::TextRange;

use ops::{Statement, StatementKind};
use split::RawKind;

/// The SQL dialect of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Dialect {
    #[default]
    Postgres,
    MySql,
    Sqlite,
}

impl Dialect {
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgresql",
            Dialect::MySql => "mysql",
            Dialect::Sqlite => "sqlite",
        }
    }

    /// The name users know it by, for messages.
    pub fn display_name(self) -> &'static str {
        match self {
            Dialect::Postgres => "PostgreSQL",
            Dialect::MySql => "MySQL",
            Dialect::Sqlite => "SQLite",
        }
    }

    /// Accepts the names used in configuration files and Prisma's `migration_lock.toml`.
    pub fn from_name(name: &str) -> Option<Dialect> {
        match name.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" | "pg" | "cockroachdb" => Some(Dialect::Postgres),
            "mysql" | "mariadb" => Some(Dialect::MySql),
            "sqlite" | "sqlite3" => Some(Dialect::Sqlite),
            _ => None,
        }
    }

    /// The schema unqualified names resolve to before any `SET search_path` / `USE`.
    pub fn default_schema(self) -> &'static str {
        match self {
            Dialect::Postgres => "public",
            Dialect::MySql => "",
            Dialect::Sqlite => "main",
        }
    }

    pub(crate) fn sqlparser(self) -> Box<dyn sqlparser::dialect::Dialect> {
        match self {
            Dialect::Postgres => Box::new(sqlparser::dialect::PostgreSqlDialect {}),
            Dialect::MySql => Box::new(sqlparser::dialect::MySqlDialect {}),
            Dialect::Sqlite => Box::new(sqlparser::dialect::SQLiteDialect {}),
        }
    }
}

/// A problem in the text itself (unterminated string, …).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub range: TextRange,
    pub message: String,
}

/// A part of a statement that was not understood, while the rest of it was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unread {
    pub range: TextRange,
    pub what: String,
}

/// Everything the front-end knows about one file.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ParsedFile {
    pub dialect: Dialect,
    pub statements: Vec<Statement>,
    pub unread: Vec<Unread>,
    pub suppressions: Vec<Suppression>,
    /// The file uses up/down section markers (dbmate, goose, sql-migrate).
    pub has_sections: bool,
    pub errors: Vec<SyntaxError>,
}

/// Reads one SQL file. Never fails and never panics.
pub fn parse_file(text: &str, dialect: Dialect) -> ParsedFile {
    parse_file_with(text, dialect, &template::Placeholders::default())
}

/// Reads one SQL file whose psql variables, Go templates and Flyway placeholders are replaced as
/// [`template`] describes; every range still points into `text`.
pub fn parse_file_with(text: &str, dialect: Dialect, placeholders: &template::Placeholders) -> ParsedFile {
    match template::substitute(text, placeholders) {
        Some(substituted) => {
            let mut parsed = parse_plain(&substituted.text, dialect);
            parsed.unread.extend(substituted.notes.into_iter().map(|(range, what)| Unread { range, what }));
            parsed
        }
        None => parse_plain(text, dialect),
    }
}

fn parse_plain(text: &str, dialect: Dialect) -> ParsedFile {
    let split = split::split(text, dialect);
    let mut out = ParsedFile { dialect, has_sections: split.has_sections, errors: split.errors, ..ParsedFile::default() };
    let mut index_map = Vec::with_capacity(split.statements.len());
    for raw in &split.statements {
        index_map.push(out.statements.len());
        let kind = match raw.kind {
            RawKind::PsqlMeta | RawKind::ClientCommand => StatementKind::NoSchemaEffect,
            RawKind::Sql => {
                let (kind, unread) = parse_statement(&text[raw.range.as_usize()], raw.range.start, dialect);
                out.unread.extend(unread);
                kind
            }
        };
        out.statements.push(Statement { range: raw.range, section: raw.section, kind });
    }
    out.suppressions = split
        .suppressions
        .into_iter()
        .map(|s| {
            let (rules, reason) = rollsafe_diagnostics::parse_rules_and_reason(&s.body);
            let scope = match s.statement {
                _ if s.file => Scope::File,
                Some(i) => Scope::Range(out.statements[index_map[i]].range),
                None => Scope::Nothing,
            };
            Suppression { range: s.range, rules, reason, scope }
        })
        .collect();
    out
}

/// Parses and lowers one statement whose text starts at byte `base` of its file.
pub fn parse_statement(text: &str, base: u32, dialect: Dialect) -> (StatementKind, Vec<Unread>) {
    // A goose `StatementBegin`/`StatementEnd` block can hold several statements; the database runs
    // them all, so each is read on its own.
    if text.contains(';') {
        let inner = split::split(text, dialect);
        let pieces: Vec<_> = inner.statements.iter().filter(|s| s.kind == RawKind::Sql).collect();
        if pieces.len() > 1 {
            return parse_pieces(text, base, dialect, &pieces);
        }
    }
    // The lowering is rollsafe's own code, but the promise is that a statement never costs more than
    // itself: a bug becomes a "not understood" note, not a crash.
    guarded(|| parse_one(text, base, dialect)).unwrap_or_else(|| {
        (
            StatementKind::NotUnderstood { message: "rollsafe failed to read this statement (an internal error; please report it)".into() },
            Vec::new(),
        )
    })
}

fn parse_pieces(text: &str, base: u32, dialect: Dialect, pieces: &[&split::RawStatement]) -> (StatementKind, Vec<Unread>) {
    let mut ops = Vec::new();
    let mut unread = Vec::new();
    for piece in pieces {
        let range = piece.range.shifted(base);
        let (kind, parts) = parse_statement(&text[piece.range.as_usize()], range.start, dialect);
        unread.extend(parts);
        match kind {
            StatementKind::Ddl(o) => ops.extend(o),
            StatementKind::NotModelled { what } => unread.push(Unread { range, what: format!("{what} (not modelled)") }),
            StatementKind::NotUnderstood { message } => unread.push(Unread { range, what: format!("statement ({message})") }),
            StatementKind::SetSearchPath(_) | StatementKind::NoSchemaEffect => {}
        }
    }
    (if ops.is_empty() { StatementKind::NoSchemaEffect } else { StatementKind::Ddl(ops) }, unread)
}

fn parse_one(text: &str, base: u32, dialect: Dialect) -> (StatementKind, Vec<Unread>) {
    if let Some(read) = do_block::read(text, base, dialect) {
        return read;
    }
    let mut lowerer = lower::Lowerer::new(text, base, dialect);
    if let Some(kind) = fallback::triage(&mut lowerer) {
        return (kind, Vec::new());
    }
    let d = dialect.sqlparser();
    let parsed = guarded(|| sqlparser::parser::Parser::parse_sql(d.as_ref(), text));
    let kind = match parsed {
        Some(Ok(mut stmts)) if stmts.len() == 1 => {
            let stmt = stmts.remove(0);
            lowerer.lower(&stmt)
        }
        Some(Ok(stmts)) if stmts.is_empty() => StatementKind::NoSchemaEffect,
        Some(Ok(_)) => fallback::read(&mut lowerer, "more than one statement where one was expected"),
        Some(Err(err)) => fallback::read(&mut lowerer, &clean_parser_error(&err.to_string())),
        None => fallback::read(&mut lowerer, "the SQL parser failed on this statement"),
    };
    let unread = lowerer.unread.into_iter().map(|(range, what)| Unread { range, what }).collect();
    (kind, unread)
}

/// Runs sqlparser behind an unwind guard: sqlparser limits its own recursion, and the guard is a last
/// line of defence so that a bug in a dependency costs one statement, never the analysis.
pub(crate) fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok()
}

/// sqlparser's messages say "sql parser error: … at Line: 1, Column: 23"; rollsafe points at the
/// statement itself, so the position relative to the statement is noise.
fn clean_parser_error(message: &str) -> String {
    let message = message.strip_prefix("sql parser error: ").unwrap_or(message);
    match message.find(" at Line: ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_goose_block_of_several_statements_reads_them_all() {
        let text =
            "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql;\nALTER TABLE t DROP COLUMN a;\nALTER TABLE t DROP COLUMN b";
        let (kind, unread) = parse_statement(text, 10, Dialect::Postgres);
        let StatementKind::Ddl(ops) = kind else { panic!("{kind:?}") };
        assert_eq!(ops.len(), 3, "{ops:?}");
        assert!(unread.is_empty());
    }

    #[test]
    fn views_over_subqueries_are_read() {
        for sql in ["CREATE VIEW v AS SELECT * FROM (SELECT 1 AS a) s", "CREATE VIEW v AS SELECT t.* FROM (VALUES (1)) AS t(a)"] {
            assert!(matches!(parse_statement(sql, 0, Dialect::Postgres).0, StatementKind::Ddl(_)), "{sql}");
        }
    }
}

/// Entry points for the fuzz targets and the fuzz smoke test, which must hold on any input.
#[doc(hidden)]
pub mod fuzzing {
    use crate::catalog::{Catalog, SourceId};
    use crate::replay::Replayer;
    use crate::{Dialect, parse_file};

    /// Splits, parses, lowers and replays `text` in every dialect. Panics when an invariant breaks:
    /// a statement range outside the text or off a character boundary.
    pub fn front_end(text: &str) {
        for dialect in [Dialect::Postgres, Dialect::MySql, Dialect::Sqlite] {
            let parsed = parse_file(text, dialect);
            for stmt in &parsed.statements {
                assert!(stmt.range.end as usize <= text.len(), "statement range past the end");
                assert!(text.is_char_boundary(stmt.range.start as usize) && text.is_char_boundary(stmt.range.end as usize));
            }
            let mut catalog = Catalog::new(dialect);
            let mut events = Vec::new();
            let mut replayer = Replayer::new(&mut catalog, &mut events, SourceId(0));
            for stmt in &parsed.statements {
                replayer.statement(stmt);
            }
        }
    }
}
