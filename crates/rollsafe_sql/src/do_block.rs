//! PostgreSQL `DO` blocks that are plain DDL in a wrapper: the idiom for idempotent migrations.
//!
//! ```sql
//! DO $$ BEGIN
//!     CREATE TYPE mood AS ENUM ('happy', 'sad');
//! EXCEPTION WHEN duplicate_object THEN NULL;
//! END $$;
//! ```
//!
//! Such a block is read as the statements between `BEGIN` and `EXCEPTION` (or `END`): replay already
//! treats creating what exists as no change, which is what the handler does. Only a block whose
//! every statement is SQL rollsafe reads qualifies (`RAISE` and `NULL` aside): a
//! `DECLARE` section, a nested block, control flow (`IF`, `FOR`, `LOOP`), assignments, `PERFORM` or
//! `EXECUTE` of a string keep the whole block a note whose effect is unknown.

use crate::lexer::{TokenKind, tokenize};
use crate::ops::StatementKind;
use crate::split::RawKind;
use crate::{Dialect, Unread};

/// Words that start PL/pgSQL statements rollsafe does not follow.
const CONTROL: &[&str] = &[
    "IF", "FOR", "FOREACH", "LOOP", "WHILE", "EXECUTE", "RETURN", "GET", "CASE", "EXIT", "CONTINUE", "OPEN", "FETCH", "CLOSE", "ASSERT",
    "DECLARE", "BEGIN", "CALL", "COMMIT", "ROLLBACK", "PERFORM",
];

/// Words that start PL/pgSQL statements without effect on the schema. (`PERFORM` is not one: the
/// function it calls may change anything.)
const QUIET: &[&str] = &["RAISE", "NULL"];

/// Reads a `DO` block of plain statements; `None` when it is not one (or not a `DO` at all).
pub(crate) fn read(text: &str, base: u32, dialect: Dialect) -> Option<(StatementKind, Vec<Unread>)> {
    if dialect != Dialect::Postgres {
        return None;
    }
    // Every statement passes here: look at its first word before tokenizing all of it.
    let mut lexer = crate::lexer::Lexer::new(text, dialect);
    let first = std::iter::from_fn(|| lexer.next_token()).find(|t| !t.is_trivia())?;
    if !first.is_word(text, "DO") {
        return None;
    }
    let tokens: Vec<_> = tokenize(text, dialect).into_iter().filter(|t| !t.is_trivia()).collect();
    let mut i = 0;
    if !tokens.first()?.is_word(text, "DO") {
        return None;
    }
    i += 1;
    let language_ok = |tokens: &[crate::lexer::Token], at: usize| {
        tokens.get(at + 1).is_some_and(|t| t.text(text).trim_matches(['\'', '"']).eq_ignore_ascii_case("plpgsql"))
    };
    if tokens.get(i)?.is_word(text, "LANGUAGE") {
        if !language_ok(&tokens, i) {
            return None;
        }
        i += 2;
    }
    let body_token = *tokens.get(i)?;
    if body_token.kind != TokenKind::DollarString {
        return None;
    }
    i += 1;
    if tokens.get(i).is_some_and(|t| t.is_word(text, "LANGUAGE")) {
        if !language_ok(&tokens, i) {
            return None;
        }
        i += 2;
    }
    if tokens.get(i).is_some_and(|t| !t.is_punct(text, ';')) {
        return None;
    }
    // `$tag$ … $tag$`: the body between the two tags.
    let quoted = body_token.text(text);
    let tag_len = quoted[1..].find('$')? + 2;
    let body_start = body_token.range.start as usize + tag_len;
    let body = text.get(body_start..body_token.range.end as usize - tag_len)?;
    read_block(body, base + body_start as u32, dialect)
}

/// Reads a block `BEGIN … [EXCEPTION …] END` whose text starts at `base` in the file. A block that
/// holds nothing but one nested block (`BEGIN BEGIN … EXCEPTION … END; END`) is that nested block.
fn read_block(body: &str, base: u32, dialect: Dialect) -> Option<(StatementKind, Vec<Unread>)> {
    let body_tokens: Vec<_> = tokenize(body, dialect).into_iter().filter(|t| !t.is_trivia()).collect();
    if !body_tokens.first()?.is_word(body, "BEGIN") {
        return None;
    }
    if let Some(nested) = only_nested_block(body, &body_tokens) {
        return read_block(&body[nested.clone()], base + nested.start as u32, dialect);
    }
    let inner_start = body_tokens[0].range.end as usize;
    // The block ends at its EXCEPTION section or its final END.
    let inner_end = body_tokens
        .iter()
        .find(|t| t.is_word(body, "EXCEPTION"))
        .or_else(|| body_tokens.iter().rev().find(|t| t.is_word(body, "END")))?
        .range
        .start as usize;
    let inner = body.get(inner_start..inner_end)?;
    let inner_base = base + inner_start as u32;
    let split = crate::split::split(inner, dialect);
    let mut ops = Vec::new();
    let mut unread = Vec::new();
    for piece in split.statements.iter().filter(|s| s.kind == RawKind::Sql) {
        let piece_text = &inner[piece.range.as_usize()];
        let first = piece_text.split(|c: char| !c.is_ascii_alphanumeric() && c != '_').find(|w| !w.is_empty()).unwrap_or("");
        let first = first.to_ascii_uppercase();
        if CONTROL.contains(&first.as_str()) || piece_text.contains(":=") {
            return None;
        }
        if QUIET.contains(&first.as_str()) {
            continue;
        }
        let (kind, parts) = crate::parse_statement(piece_text, inner_base + piece.range.start, dialect);
        match kind {
            StatementKind::Ddl(o) => ops.extend(o),
            StatementKind::NoSchemaEffect => {}
            // A search path set inside the block changes name resolution there only as far as
            // rollsafe follows it; the statement that needs it is what matters.
            StatementKind::SetSearchPath(_) | StatementKind::NotModelled { .. } | StatementKind::NotUnderstood { .. } => return None,
        }
        unread.extend(parts);
    }
    Some((if ops.is_empty() { StatementKind::NoSchemaEffect } else { StatementKind::Ddl(ops) }, unread))
}

/// The byte range of the one block nested in `BEGIN <block>; END`, when that is all the outer block
/// holds (no statements, no handler of its own).
fn only_nested_block(body: &str, tokens: &[crate::lexer::Token]) -> Option<std::ops::Range<usize>> {
    if !tokens.get(1)?.is_word(body, "BEGIN") {
        return None;
    }
    // Where the nested block's END is: BEGIN and CASE open, END closes (control flow would make
    // the nested block opaque anyway).
    let mut depth = 0usize;
    let mut nested_end = None;
    for (i, t) in tokens.iter().enumerate().skip(1) {
        if t.is_word(body, "BEGIN") || t.is_word(body, "CASE") {
            depth += 1;
        } else if t.is_word(body, "END") {
            depth = depth.checked_sub(1)?;
            if depth == 0 {
                nested_end = Some(i);
                break;
            }
        }
    }
    let end = nested_end?;
    // After it: `;` and the outer END (with an optional `;`), nothing else.
    let rest: Vec<&str> = tokens[end + 1..].iter().map(|t| t.text(body)).collect();
    let closes = matches!(rest.as_slice(), [";", e] | [";", e, ";"] if e.eq_ignore_ascii_case("END"));
    closes.then(|| tokens[1].range.start as usize..tokens[end].range.end as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::Op;

    fn ops(text: &str) -> Option<Vec<Op>> {
        match read(text, 0, Dialect::Postgres)?.0 {
            StatementKind::Ddl(ops) => Some(ops),
            _ => Some(Vec::new()),
        }
    }

    #[test]
    fn reads_plain_ddl_wrapped_in_a_do_block() {
        let text = "DO $$ BEGIN\n  CREATE TYPE mood AS ENUM ('happy', 'sad');\nEXCEPTION WHEN duplicate_object THEN null;\nEND $$;";
        let read = ops(text).expect("a plain block");
        assert!(matches!(read.as_slice(), [Op::CreateEnum { .. }]));
        let two = "do $body$ begin alter table t add column a int; alter table t drop column b; end $body$ language plpgsql;";
        assert_eq!(ops(two).expect("two statements").len(), 2);
        // Ranges point into the file: the CREATE TYPE starts after `DO $$ BEGIN\n  `.
        let (kind, _) = read_at(text, 100);
        let StatementKind::Ddl(ops) = kind else { panic!("ddl") };
        let Op::CreateEnum { .. } = &ops[0] else { panic!("enum") };
    }

    #[test]
    fn a_block_that_only_wraps_another_is_that_block() {
        let text = "DO $$\nBEGIN\n    BEGIN\n        CREATE TYPE level AS ENUM ('a', 'b');\n    EXCEPTION\n        WHEN duplicate_object THEN null;\n    END;\nEND;\n$$;";
        let (kind, _) = read_at(text, 10);
        let StatementKind::Ddl(ops) = kind else { panic!("ddl") };
        let Op::CreateEnum { name, .. } = &ops[0] else { panic!("enum") };
        assert_eq!(name.name.key, "level");
        // Statements beside the nested block keep the whole block opaque.
        assert!(read("DO $$ BEGIN BEGIN CREATE TYPE a AS ENUM ('x'); END; DROP TABLE t; END $$;", 0, Dialect::Postgres).is_none());
    }

    fn read_at(text: &str, base: u32) -> (StatementKind, Vec<Unread>) {
        read(text, base, Dialect::Postgres).expect("a plain block")
    }

    #[test]
    fn control_flow_and_dynamic_sql_keep_the_block_opaque() {
        for text in [
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1) THEN ALTER TABLE t ADD COLUMN a int; END IF; END $$;",
            "DO $$ BEGIN EXECUTE 'ALTER TABLE t ADD COLUMN a int'; END $$;",
            "DO $$ DECLARE n int; BEGIN SELECT 1 INTO n; END $$;",
            "DO $$ BEGIN FOR r IN SELECT 1 LOOP NULL; END LOOP; END $$;",
            "DO LANGUAGE plperl $$ print 1 $$;",
        ] {
            assert!(read(text, 0, Dialect::Postgres).is_none(), "{text}");
        }
        assert!(read("DO $$ BEGIN ALTER TABLE t ADD COLUMN a int; END $$;", 0, Dialect::MySql).is_none());
    }
}
