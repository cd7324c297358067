//! What a function's body writes: the tables its `INSERT` statements fill, with their column lists.
//!
//! Trigger functions keep derived tables up to date (`INSERT INTO post_stats (post_id, …) VALUES
//! (NEW.id, …)` on every insert into `post`). A column made required on such a table is filled by
//! the trigger, not by application code, and whether the function fills it decides whether N-1's
//! writes still succeed. PL/pgSQL is not SQL, so the body is not parsed as a whole: each `INSERT
//! INTO` in it is read up to its column list, which is plain SQL in every procedural language
//! rollsafe meets. Dynamic SQL (`EXECUTE 'INSERT …'`) is a string and is not read.

use crate::Dialect;
use crate::cursor::Cursor;
use crate::lexer::{TokenKind, tokenize};
use crate::name::{Name, QualifiedName};

/// One `INSERT` in a function body.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TableWrite {
    pub table: QualifiedName,
    /// The columns it names; empty when it names none (then it writes every column, in order).
    pub columns: Vec<Name>,
}

/// The `INSERT`s of the body of a `CREATE FUNCTION` / `CREATE PROCEDURE` statement: its first
/// dollar-quoted or single-quoted string after `AS`, or its `BEGIN ATOMIC … END` block.
pub fn function_writes(statement: &str, dialect: Dialect) -> Vec<TableWrite> {
    match body_text(statement, dialect) {
        // A single-quoted body doubles its quotes; the column lists read the same either way.
        Some(body) => inserts(body, dialect),
        // `BEGIN ATOMIC … END` (SQL-standard bodies): the statement itself holds the inserts.
        None => inserts(statement, dialect),
    }
}

/// The columns of the new row a trigger body sets: `NEW.col := …` / `NEW.col = …` as a PL/pgSQL
/// statement, `SET NEW.col = …` (MySQL), in the body of a `CREATE FUNCTION` or, for a trigger
/// with an inline body, in the `CREATE TRIGGER` itself. Comparisons (`IF NEW.col = …`) are not
/// assignments: an assignment starts a statement.
pub fn new_row_assignments(statement: &str, dialect: Dialect) -> Vec<Name> {
    let text = body_text(statement, dialect).unwrap_or(statement);
    let tokens: Vec<_> = tokenize(text, dialect).into_iter().filter(|t| !t.is_trivia()).collect();
    let mut out: Vec<Name> = Vec::new();
    for i in 0..tokens.len() {
        if !tokens[i].is_word(text, "NEW") || !tokens.get(i + 1).is_some_and(|t| t.is_punct(text, '.')) {
            continue;
        }
        let Some(column) = tokens.get(i + 2).filter(|t| matches!(t.kind, TokenKind::Word | TokenKind::QuotedIdent)) else {
            continue;
        };
        let assigns = match tokens.get(i + 3) {
            Some(t) if t.is_punct(text, ':') => tokens.get(i + 4).is_some_and(|t| t.is_punct(text, '=')),
            Some(t) if t.is_punct(text, '=') => {
                i == 0 || {
                    let before = tokens[i - 1];
                    before.is_punct(text, ';')
                        || ["SET", "BEGIN", "THEN", "ELSE", "LOOP", "DECLARE"].iter().any(|w| before.is_word(text, w))
                        || before.is_punct(text, ',') && tokens[..i].iter().rev().take(64).any(|t| t.is_word(text, "SET"))
                }
            }
            _ => false,
        };
        if !assigns {
            continue;
        }
        let mut c = Cursor::new(column.text(text), 0, dialect);
        if let Some(name) = c.ident()
            && !out.contains(&name)
        {
            out.push(name);
        }
    }
    out
}

/// The body of a `CREATE FUNCTION` / `CREATE PROCEDURE` statement: its first dollar-quoted or
/// single-quoted string after `AS`; `None` when it has none (`BEGIN ATOMIC … END`).
fn body_text(statement: &str, dialect: Dialect) -> Option<&str> {
    let tokens: Vec<_> = tokenize(statement, dialect).into_iter().filter(|t| !t.is_trivia()).collect();
    let after_as = tokens.iter().position(|t| t.is_word(statement, "AS")).map_or(0, |i| i + 1);
    tokens[after_as.min(tokens.len())..].iter().find_map(|t| {
        let text = t.text(statement);
        match t.kind {
            TokenKind::DollarString => {
                let tag_len = text[1..].find('$').map_or(text.len(), |i| i + 2);
                text.get(tag_len..text.len().saturating_sub(tag_len))
            }
            TokenKind::String if !t.unterminated && text.len() >= 2 && text.starts_with('\'') && text.ends_with('\'') => {
                Some(&text[1..text.len() - 1])
            }
            _ => None,
        }
    })
}

/// Whether a `CREATE FUNCTION` statement leaves its function VOLATILE (PostgreSQL's default): no
/// `STABLE` or `IMMUTABLE` among its words outside the body.
pub fn declared_volatile(statement: &str, dialect: Dialect) -> bool {
    !tokenize(statement, dialect).iter().any(|t| t.is_word(statement, "STABLE") || t.is_word(statement, "IMMUTABLE"))
}

/// Every `INSERT INTO name [AS alias] [(columns)]` in a text of statements.
fn inserts(text: &str, dialect: Dialect) -> Vec<TableWrite> {
    let mut c = Cursor::new(text, 0, dialect);
    let mut out = Vec::new();
    while !c.at_end() {
        if !(c.at_word("INSERT") && c.at_word_n(1, "INTO")) {
            c.pos += 1;
            continue;
        }
        c.pos += 2;
        let Some(table) = c.qualified_name() else { continue };
        if c.at_word("AS") {
            c.pos += 2;
        }
        let mut columns = Vec::new();
        if c.eat_punct('(') {
            // `INSERT INTO t (SELECT …)` has no column list.
            if c.at_word("SELECT") || c.at_word("VALUES") || c.at_word("WITH") {
                out.push(TableWrite { table, columns });
                continue;
            }
            while let Some(name) = c.ident() {
                columns.push(name);
                if !c.eat_punct(',') {
                    break;
                }
            }
            if !c.eat_punct(')') {
                // Not a plain column list (an expression where a name was expected): unknown.
                continue;
            }
        }
        out.push(TableWrite { table, columns });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn writes(sql: &str) -> Vec<(String, Vec<String>)> {
        function_writes(sql, Dialect::Postgres)
            .into_iter()
            .map(|w| (w.table.to_string(), w.columns.iter().map(|c| c.key.clone()).collect()))
            .collect()
    }

    #[test]
    fn inserts_of_a_trigger_function() {
        let f = "CREATE OR REPLACE FUNCTION post_stats_post() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF (TG_OP = 'INSERT') THEN
                    INSERT INTO post_stats (post_id, \"Community\", published) VALUES (NEW.id, NEW.community_id, NEW.published);
                ELSIF (TG_OP = 'DELETE') THEN
                    DELETE FROM post_stats WHERE post_id = OLD.id;
                END IF;
                INSERT INTO audit.log AS l SELECT NEW.*;
                EXECUTE 'INSERT INTO dynamic (a) VALUES (1)';
                RETURN NULL;
            END $$;";
        assert_eq!(
            writes(f),
            vec![
                ("post_stats".to_string(), vec!["post_id".to_string(), "Community".to_string(), "published".to_string()]),
                ("audit.log".to_string(), vec![]),
            ]
        );
    }

    #[test]
    fn bodies_in_other_forms() {
        let quoted =
            "CREATE FUNCTION f() RETURNS trigger AS 'BEGIN INSERT INTO t (a, b) VALUES (1, ''x''); RETURN NEW; END' LANGUAGE plpgsql";
        assert_eq!(writes(quoted), vec![("t".to_string(), vec!["a".to_string(), "b".to_string()])]);
        let atomic = "CREATE FUNCTION f() RETURNS void LANGUAGE sql BEGIN ATOMIC INSERT INTO t (a) VALUES (1); END";
        assert_eq!(writes(atomic), vec![("t".to_string(), vec!["a".to_string()])]);
        assert!(writes("CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql").is_empty());
        // An unterminated body is read as far as it goes, without a panic.
        assert!(writes("CREATE FUNCTION f() RETURNS trigger AS 'é").is_empty());
        assert!(declared_volatile("CREATE FUNCTION f() RETURNS text AS $$ SELECT md5(random()::text) $$ LANGUAGE sql", Dialect::Postgres));
        assert!(!declared_volatile("CREATE FUNCTION f() RETURNS text LANGUAGE sql STABLE AS $$ SELECT 'x' $$", Dialect::Postgres));
    }

    #[test]
    fn assignments_to_the_new_row_not_comparisons() {
        let keys = |sql: &str| new_row_assignments(sql, Dialect::Postgres).into_iter().map(|n| n.key).collect::<Vec<_>>();
        let f = "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.slug = '' OR NEW.slug IS NULL THEN
                    NEW.slug := lower(NEW.title);
                END IF;
                NEW.\"UpdatedAt\" = now();
                RETURN NEW;
            END $$";
        assert_eq!(keys(f), ["slug", "UpdatedAt"]);
        let mysql = "CREATE TRIGGER t BEFORE INSERT ON posts FOR EACH ROW SET NEW.slug = LOWER(NEW.title), NEW.created = NOW()";
        let keys = new_row_assignments(mysql, Dialect::MySql).into_iter().map(|n| n.key).collect::<Vec<_>>();
        assert_eq!(keys, ["slug", "created"]);
    }
}
