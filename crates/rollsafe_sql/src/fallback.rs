//! The token-level reader for statements sqlparser does not parse.
//!
//! Some statements that change compatibility are outside sqlparser's grammar (`ALTER TABLE … SET
//! SCHEMA`, `DROP INDEX CONCURRENTLY`, `ALTER SEQUENCE`, `ALTER VIEW … RENAME`, `DETACH PARTITION`, …),
//! and one unsupported action makes sqlparser reject a whole `ALTER TABLE`. This reader recognises
//! those forms from tokens. For `ALTER TABLE` and `CREATE TABLE` it splits the statement into actions
//! or elements and hands each back to sqlparser on its own, reading only the pieces sqlparser still
//! rejects itself, so one exotic clause costs one "not understood" note, not the statement.

use crate::Dialect;
use crate::cursor::Cursor;
use crate::lexer::TokenKind;
use crate::lower::{Lowerer, first_words};
use crate::name::{Name, QualifiedName, string_literal};
use crate::ops::*;
use crate::ty::parse_type;
use sqlparser::ast::Statement as S;

/// Statements that never change the schema model, by their leading words.
const NO_EFFECT_PREFIXES: &[&[&str]] = &[
    &["COMMENT"],
    &["GRANT"],
    &["REVOKE"],
    &["ALTER", "DEFAULT", "PRIVILEGES"],
    &["SECURITY", "LABEL"],
    &["REINDEX"],
    &["CLUSTER"],
    &["REFRESH"],
    &["VACUUM"],
    &["ANALYZE"],
    &["ANALYSE"],
    &["SET"],
    &["RESET"],
    &["SELECT"],
    &["WITH"],
    &["INSERT"],
    &["UPDATE"],
    &["DELETE"],
    &["COPY"],
    &["PRAGMA"],
    &["CHECKPOINT"],
    &["LOCK"],
    &["UNLOCK"],
    &["NOTIFY"],
    &["LISTEN"],
    &["UNLISTEN"],
    &["DISCARD"],
    &["PREPARE"],
    &["EXECUTE"],
    &["DEALLOCATE"],
    &["EXPLAIN"],
    &["START"],
    &["BEGIN"],
    &["COMMIT"],
    &["END"],
    &["ROLLBACK"],
    &["ABORT"],
    &["SAVEPOINT"],
    &["RELEASE"],
    &["ALTER", "EXTENSION"],
    &["CREATE", "EVENT", "TRIGGER"],
    &["DROP", "EVENT", "TRIGGER"],
    &["ALTER", "TRIGGER"],
    &["CREATE", "POLICY"],
    &["ALTER", "POLICY"],
    &["DROP", "POLICY"],
    &["CREATE", "ROLE"],
    &["ALTER", "ROLE"],
    &["DROP", "ROLE"],
    &["CREATE", "USER"],
    &["ALTER", "USER"],
    &["DROP", "USER"],
    &["DROP", "OWNED"],
    &["REASSIGN", "OWNED"],
    &["CREATE", "PUBLICATION"],
    &["ALTER", "PUBLICATION"],
    &["DROP", "PUBLICATION"],
    &["CREATE", "SUBSCRIPTION"],
    &["ALTER", "SUBSCRIPTION"],
    &["DROP", "SUBSCRIPTION"],
    &["ALTER", "SYSTEM"],
    &["ALTER", "DATABASE"],
    &["CREATE", "DATABASE"],
    &["ALTER", "LARGE", "OBJECT"],
    &["CREATE", "STATISTICS"],
    &["ALTER", "STATISTICS"],
    &["DROP", "STATISTICS"],
    &["CREATE", "TEXT", "SEARCH"],
    &["ALTER", "TEXT", "SEARCH"],
    &["CREATE", "COLLATION"],
    &["ALTER", "COLLATION"],
    &["CREATE", "CAST"],
    &["CREATE", "OPERATOR"],
    &["ALTER", "OPERATOR"],
    &["CREATE", "AGGREGATE"],
    &["CREATE", "OR", "REPLACE", "AGGREGATE"],
    &["ALTER", "AGGREGATE"],
    &["CREATE", "LANGUAGE"],
    &["CREATE", "OR", "REPLACE", "LANGUAGE"],
    &["CREATE", "SERVER"],
    &["CREATE", "FOREIGN", "DATA", "WRAPPER"],
    &["CREATE", "USER", "MAPPING"],
    &["CREATE", "TABLESPACE"],
    &["CREATE", "ACCESS", "METHOD"],
    &["CREATE", "CONVERSION"],
    &["CREATE", "TRANSFORM"],
    &["IMPORT", "FOREIGN", "SCHEMA"],
    &["USE"],
    &["SHOW"],
    &["DESCRIBE"],
    &["OPTIMIZE"],
    &["FLUSH"],
];

/// Up to `n` leading keywords of the statement, upper-cased: enough to tell statement kinds apart.
fn leading_words(l: &Lowerer<'_>, n: usize) -> Vec<String> {
    l.cur.toks.iter().take(n).take_while(|t| t.kind == TokenKind::Word).map(|t| t.text(l.cur.src).to_ascii_uppercase()).collect()
}

/// Classifies statements whose effect on the schema does not depend on a full parse: data changes,
/// grants, comments, transaction control, triggers, `DO` blocks, and routines (only their name
/// matters). They skip sqlparser, which is most of the work on a long history.
pub(crate) fn triage(l: &mut Lowerer<'_>) -> Option<StatementKind> {
    let first = l.cur.toks.first()?;
    if first.kind != TokenKind::Word {
        return None;
    }
    let words = leading_words(l, 5);
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    let starts = |prefix: &[&str]| w.starts_with(prefix);
    if starts(&["DO"]) {
        return Some(StatementKind::NotModelled { what: "a DO block".into() });
    }
    // MySQL prepares any statement from a string (`PREPARE s FROM @ddl`), the usual way to write a
    // conditional ALTER there; PostgreSQL prepares queries only.
    if l.dialect == Dialect::MySql && (starts(&["PREPARE"]) || starts(&["EXECUTE"])) {
        return Some(StatementKind::NotModelled { what: "dynamic SQL (PREPARE/EXECUTE)".into() });
    }
    if starts(&["ALTER", "DOMAIN"]) {
        return Some(alter_domain(l).unwrap_or(StatementKind::NotModelled { what: "ALTER DOMAIN".into() }));
    }
    if l.dialect == Dialect::Postgres
        && let Some(kind) = crate::privileges::read(l, &w)
    {
        return Some(kind);
    }
    if starts(&["CREATE", "EXTENSION"]) || starts(&["DROP", "EXTENSION"]) {
        return Some(extension(l).unwrap_or(StatementKind::NoSchemaEffect));
    }
    let event_trigger = w.get(1) == Some(&"EVENT");
    if !event_trigger && w.first() == Some(&"CREATE") && w.iter().take(5).any(|x| *x == "TRIGGER") {
        return Some(create_trigger(l).unwrap_or(StatementKind::NotModelled { what: "CREATE TRIGGER".into() }));
    }
    if starts(&["SELECT", "DIESEL_MANAGE_UPDATED_AT"])
        && let Some(kind) = diesel_manage_updated_at(l)
    {
        return Some(kind);
    }
    if starts(&["DROP", "TRIGGER"]) {
        return Some(drop_trigger(l).unwrap_or(StatementKind::NotModelled { what: "DROP TRIGGER".into() }));
    }
    let routine = w.first() == Some(&"CREATE") && w.iter().take(4).any(|x| matches!(*x, "FUNCTION" | "PROCEDURE"));
    if routine && !w.iter().take(4).any(|x| *x == "TRIGGER") {
        l.cur.pos = 0;
        return create_function(l);
    }
    // `SET` and `USE` change name resolution; `SELECT set_config(...)` too, but only pg_dump's reset.
    let skip = NO_EFFECT_PREFIXES.iter().any(|p| starts(p)) && !starts(&["SET"]) && !starts(&["USE"]) && !starts(&["RESET"]);
    skip.then_some(StatementKind::NoSchemaEffect)
}

pub(crate) fn read(l: &mut Lowerer<'_>, parse_error: &str) -> StatementKind {
    let words = leading_words(l, 6);
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    let starts = |prefix: &[&str]| w.starts_with(prefix);
    let not_understood = || StatementKind::NotUnderstood { message: parse_error.to_string() };

    if starts(&["DO"]) {
        return StatementKind::NotModelled { what: "a DO block".into() };
    }
    if starts(&["CREATE", "RULE"]) || starts(&["CREATE", "OR", "REPLACE", "RULE"]) {
        return StatementKind::NotModelled { what: "CREATE RULE".into() };
    }
    if starts(&["ALTER", "DOMAIN"]) {
        return alter_domain(l).unwrap_or(StatementKind::NotModelled { what: "ALTER DOMAIN".into() });
    }
    if starts(&["ALTER", "TABLE"]) || starts(&["ALTER", "FOREIGN", "TABLE"]) {
        return alter_table(l).unwrap_or_else(not_understood);
    }
    if is_create_table(&w) {
        return create_table(l).unwrap_or_else(not_understood);
    }
    let reader: Option<fn(&mut Lowerer<'_>) -> Option<StatementKind>> = if starts(&["DROP"]) {
        Some(drop)
    } else if starts(&["ALTER", "SEQUENCE"]) {
        Some(alter_sequence)
    } else if starts(&["CREATE", "SEQUENCE"])
        || starts(&["CREATE", "TEMP", "SEQUENCE"])
        || starts(&["CREATE", "TEMPORARY", "SEQUENCE"])
        || starts(&["CREATE", "UNLOGGED", "SEQUENCE"])
    {
        Some(create_sequence)
    } else if starts(&["ALTER", "VIEW"]) || starts(&["ALTER", "MATERIALIZED", "VIEW"]) {
        Some(alter_view)
    } else if starts(&["ALTER", "INDEX"]) {
        Some(alter_index)
    } else if starts(&["ALTER", "TYPE"]) {
        Some(alter_type)
    } else if starts(&["ALTER", "FUNCTION"]) || starts(&["ALTER", "PROCEDURE"]) || starts(&["ALTER", "ROUTINE"]) {
        Some(alter_function)
    } else if starts(&["ALTER", "SCHEMA"]) {
        Some(alter_schema)
    } else if w.first() == Some(&"CREATE") && w.iter().take(4).any(|x| *x == "VIEW") {
        Some(create_view)
    } else if w.first() == Some(&"CREATE") && w.iter().take(4).any(|x| matches!(*x, "FUNCTION" | "PROCEDURE")) {
        Some(create_function)
    } else if starts(&["CREATE", "TYPE"]) {
        Some(create_type)
    } else if starts(&["CREATE", "DOMAIN"]) {
        Some(create_domain)
    } else if starts(&["CREATE", "SCHEMA"]) {
        Some(create_schema)
    } else if starts(&["CREATE", "INDEX"]) || starts(&["CREATE", "UNIQUE", "INDEX"]) {
        Some(create_index)
    } else {
        None
    };
    if let Some(reader) = reader {
        l.cur.pos = 0;
        if let Some(kind) = reader(l) {
            return kind;
        }
    }
    if NO_EFFECT_PREFIXES.iter().any(|p| starts(p)) {
        return StatementKind::NoSchemaEffect;
    }
    not_understood()
}

fn is_create_table(w: &[&str]) -> bool {
    if w.first() != Some(&"CREATE") {
        return false;
    }
    for word in &w[1..] {
        match *word {
            "TABLE" => return true,
            "OR" | "REPLACE" | "TEMP" | "TEMPORARY" | "UNLOGGED" | "GLOBAL" | "LOCAL" => continue,
            _ => return false,
        }
    }
    false
}

/// Parses `sql` with sqlparser (one statement).
fn sqlparser_one(sql_text: &str, dialect: Dialect) -> Option<S> {
    let d = dialect.sqlparser();
    let mut stmts = crate::guarded(|| sqlparser::parser::Parser::parse_sql(d.as_ref(), sql_text))?.ok()?;
    (stmts.len() == 1).then(|| stmts.remove(0))
}

fn alter_table(l: &mut Lowerer<'_>) -> Option<StatementKind> {
    let c = &mut l.cur;
    c.pos = 0;
    c.eat_word("ALTER");
    c.eat_word("FOREIGN");
    c.eat_word("TABLE");
    let if_exists = c.eat_words(&["IF", "EXISTS"]);
    c.eat_word("ONLY");
    let name_start = c.pos;
    let table = c.qualified_name()?;
    let name_text = c.text(name_start, c.pos).to_string();
    c.eat_punct('*');
    let items = c.split_commas(c.pos, c.toks.len());
    let mut actions = Vec::new();
    for (from, to) in items {
        let range = l.cur.range(from, to);
        let text = l.cur.text(from, to).to_string();
        // First, sqlparser on this action alone.
        if let Some(S::AlterTable(at)) = sqlparser_one(&format!("ALTER TABLE {name_text} {text}"), l.dialect)
            && at.operations.len() == 1
            && let Some(kind) = lower_single_action(l, &at.operations[0], range)
        {
            actions.push(Action { range, kind });
            continue;
        }
        l.cur.pos = from;
        match action(l, to) {
            Some(kind) => actions.push(Action { range, kind }),
            None => l.unread.push((range, format!("ALTER TABLE action `{}`", first_words(&text, 4)))),
        }
    }
    Some(StatementKind::Ddl(vec![Op::AlterTable { table, if_exists, actions }]))
}

fn lower_single_action(
    l: &mut Lowerer<'_>,
    op: &sqlparser::ast::AlterTableOperation,
    range: rollsafe_text::TextRange,
) -> Option<ActionKind> {
    // Reuse the AST lowering for one action, with the action's own range.
    let fake = sqlparser::ast::AlterTable {
        name: sqlparser::ast::ObjectName(vec![]),
        if_exists: false,
        only: false,
        operations: vec![op.clone()],
        location: None,
        on_cluster: None,
        table_type: None,
        end_token: sqlparser::ast::helpers::attached_token::AttachedToken::empty(),
    };
    let before = l.unread.len();
    let kind = l.lower(&S::AlterTable(fake));
    if l.unread.len() > before {
        l.unread.truncate(before);
        return None;
    }
    match kind {
        StatementKind::Ddl(mut ops) => match ops.pop() {
            Some(Op::AlterTable { mut actions, .. }) if actions.len() == 1 => {
                let mut a = actions.remove(0);
                // The AST lowering saw a one-action statement: give the action its real range.
                if let ActionKind::AddColumn { def, .. } | ActionKind::RedefineColumn { def, .. } = &mut a.kind {
                    def.range = range;
                }
                if let ActionKind::AddConstraint(def) = &mut a.kind {
                    def.range = range;
                }
                Some(a.kind)
            }
            _ => None,
        },
        _ => None,
    }
}

/// One `ALTER TABLE` action from tokens `l.cur.pos..to`.
fn action(l: &mut Lowerer<'_>, to: usize) -> Option<ActionKind> {
    let dialect = l.dialect;
    let c = &mut l.cur;
    let first = c.peek_text().to_ascii_uppercase();
    let act = Some;
    match first.as_str() {
        "SET" => {
            c.pos += 1;
            if c.eat_word("SCHEMA") {
                return act(ActionKind::SetSchema { schema: c.ident()? });
            }
            // TABLESPACE, WITH/WITHOUT OIDS, WITHOUT CLUSTER, LOGGED, UNLOGGED, ACCESS METHOD, (…)
            act(ActionKind::NoEffect)
        }
        "DETACH" | "ATTACH" => {
            c.pos += 1;
            if !c.eat_word("PARTITION") {
                return None;
            }
            let partition = c.qualified_name()?;
            act(if first == "DETACH" { ActionKind::DetachPartition { partition } } else { ActionKind::AttachPartition { partition } })
        }
        "CLUSTER" | "INHERIT" | "NO" | "OF" | "NOT" | "OWNER" | "REPLICA" | "ENABLE" | "DISABLE" | "FORCE" | "CONVERT" | "ENGINE"
        | "DEFAULT" | "CHARACTER" | "CHARSET" | "COLLATE" | "COMMENT" | "AUTO_INCREMENT" | "ALGORITHM" | "LOCK" | "ROW_FORMAT"
        | "RESET" | "VALIDATE" | "FORCE_ROW" | "STATS_PERSISTENT" | "KEY_BLOCK_SIZE" => {
            if first == "VALIDATE" {
                c.pos += 1;
                c.eat_word("CONSTRAINT");
                return act(ActionKind::ValidateConstraint { name: c.ident()? });
            }
            let row_security =
                |c: &Cursor<'_>, at: usize| c.at_word_n(at, "ROW") && c.at_word_n(at + 1, "LEVEL") && c.at_word_n(at + 2, "SECURITY");
            match first.as_str() {
                "ENABLE" if row_security(c, 1) => return act(ActionKind::RowSecurity { enable: Some(true), force: None }),
                "DISABLE" if row_security(c, 1) => return act(ActionKind::RowSecurity { enable: Some(false), force: None }),
                "FORCE" if row_security(c, 1) => return act(ActionKind::RowSecurity { enable: None, force: Some(true) }),
                "NO" if c.at_word_n(1, "FORCE") && row_security(c, 2) => {
                    return act(ActionKind::RowSecurity { enable: None, force: Some(false) });
                }
                _ => {}
            }
            act(ActionKind::NoEffect)
        }
        "RENAME" => {
            c.pos += 1;
            if c.eat_word("INDEX") || c.eat_word("KEY") {
                let from = c.ident()?;
                c.eat_word("TO");
                return act(ActionKind::RenameIndex { from, to: c.ident()? });
            }
            if c.eat_word("CONSTRAINT") {
                let from = c.ident()?;
                c.eat_word("TO");
                return act(ActionKind::RenameConstraint { from, to: c.ident()? });
            }
            if c.eat_word("TO") || c.eat_word("AS") {
                return act(ActionKind::RenameTo { to: c.qualified_name()? });
            }
            c.eat_word("COLUMN");
            let from = c.ident()?;
            c.eat_word("TO");
            act(ActionKind::RenameColumn { from, to: c.ident()? })
        }
        "ALTER" | "MODIFY" | "CHANGE" if dialect == Dialect::MySql && first != "ALTER" => {
            c.pos += 1;
            c.eat_word("COLUMN");
            let from = c.ident()?;
            let name_tok = if first == "CHANGE" { c.pos } else { c.pos - 1 };
            if first == "CHANGE" {
                c.ident()?;
            }
            let def = column_def(l, name_tok, to)?;
            act(ActionKind::RedefineColumn { from, def })
        }
        "ALTER" => {
            c.pos += 1;
            // `ALTER CONSTRAINT name [NOT] DEFERRABLE | INITIALLY … | [NOT] ENFORCED | [NO] INHERIT`:
            // when and whether a constraint is checked, which rollsafe does not model (a constraint
            // is compared by what it accepts).
            if c.eat_word("CONSTRAINT") {
                c.ident()?;
                return act(ActionKind::NoEffect);
            }
            c.eat_word("COLUMN");
            let column = c.ident()?;
            if c.eat_words(&["DROP", "IDENTITY"]) {
                return act(ActionKind::DropIdentity { column });
            }
            if c.eat_words(&["DROP", "EXPRESSION"]) {
                return act(ActionKind::DropExpression { column });
            }
            if c.eat_words(&["DROP", "NOT", "NULL"]) {
                return act(ActionKind::DropNotNull { column });
            }
            if c.eat_words(&["SET", "NOT", "NULL"]) {
                return act(ActionKind::SetNotNull { column });
            }
            if c.eat_words(&["DROP", "DEFAULT"]) {
                return act(ActionKind::DropDefault { column });
            }
            if c.eat_words(&["SET", "DEFAULT"]) {
                let expr = normalize_expr(c.text(c.pos, to), dialect);
                return act(ActionKind::SetDefault { column, expr });
            }
            if c.eat_word("ADD") && c.eat_word("GENERATED") {
                let always = c.eat_word("ALWAYS");
                return act(ActionKind::AddIdentity { column, always });
            }
            // `SET GENERATED ALWAYS | BY DEFAULT` changes an identity column's kind.
            if c.at_word("SET") && c.at_word_n(1, "GENERATED") {
                c.pos += 2;
                return act(ActionKind::AddIdentity { column, always: c.eat_word("ALWAYS") });
            }
            c.eat_words(&["SET", "DATA"]);
            if c.eat_word("TYPE") {
                let start = c.pos;
                let mut end = start;
                while end < to && !c.toks[end].is_word(c.src, "USING") && !c.toks[end].is_word(c.src, "COLLATE") {
                    end += 1;
                }
                let type_text = c.text(start, end).to_string();
                let ty = parse_type(&type_text, dialect).ty;
                return act(ActionKind::SetType { column, ty, type_text });
            }
            // SET STATISTICS, SET STORAGE, SET COMPRESSION, SET (…), RESET (…), SET GENERATED, RESTART
            if matches!(c.peek_text().to_ascii_uppercase().as_str(), "SET" | "RESET" | "RESTART" | "OPTIONS") {
                return act(ActionKind::NoEffect);
            }
            None
        }
        "ADD" => {
            c.pos += 1;
            // PostgreSQL 18: `ADD [CONSTRAINT name] NOT NULL column [NO INHERIT]` is SET NOT NULL
            // with a name.
            let named_at = if c.at_word("CONSTRAINT") { c.pos + 2 } else { c.pos };
            if c.toks.get(named_at).is_some_and(|t| t.is_word(c.src, "NOT"))
                && c.toks.get(named_at + 1).is_some_and(|t| t.is_word(c.src, "NULL"))
            {
                c.pos = named_at + 2;
                return act(ActionKind::SetNotNull { column: c.ident()? });
            }
            if matches!(
                c.peek_text().to_ascii_uppercase().as_str(),
                "CONSTRAINT" | "PRIMARY" | "UNIQUE" | "CHECK" | "FOREIGN" | "EXCLUDE" | "INDEX" | "KEY" | "FULLTEXT" | "SPATIAL"
            ) {
                return None;
            }
            c.eat_word("COLUMN");
            let if_not_exists = c.eat_words(&["IF", "NOT", "EXISTS"]);
            let start = c.pos;
            let def = column_def(l, start, to)?;
            act(ActionKind::AddColumn { def, if_not_exists })
        }
        "DROP" => {
            c.pos += 1;
            if c.eat_word("CONSTRAINT") {
                let if_exists = c.eat_words(&["IF", "EXISTS"]);
                return act(ActionKind::DropConstraint { name: c.ident()?, if_exists });
            }
            if c.eat_word("INDEX") || c.eat_word("KEY") {
                return act(ActionKind::DropIndex { name: c.ident()? });
            }
            if c.eat_words(&["PRIMARY", "KEY"]) {
                return act(ActionKind::DropPrimaryKey);
            }
            if c.eat_words(&["FOREIGN", "KEY"]) {
                return act(ActionKind::DropForeignKey { name: c.ident()? });
            }
            c.eat_word("COLUMN");
            let if_exists = c.eat_words(&["IF", "EXISTS"]);
            let name = c.ident()?;
            let cascade = c.eat_word("CASCADE");
            act(ActionKind::DropColumn { name, if_exists, cascade })
        }
        _ => None,
    }
}

/// A column definition from tokens `start..to`: name, type, then options.
fn column_def(l: &mut Lowerer<'_>, start: usize, to: usize) -> Option<ColumnDef> {
    let dialect = l.dialect;
    let c = &mut l.cur;
    c.pos = start;
    let name = c.ident()?;
    let type_start = c.pos;
    let mut depth = 0;
    let stop_words = [
        "NOT",
        "NULL",
        "DEFAULT",
        "PRIMARY",
        "UNIQUE",
        "CHECK",
        "REFERENCES",
        "CONSTRAINT",
        "GENERATED",
        "COLLATE",
        "AUTO_INCREMENT",
        "AUTOINCREMENT",
        "COMMENT",
        "ON",
        "AS",
        "IDENTITY",
        "FIRST",
        "AFTER",
        "CHARACTER",
        "CHARSET",
        "STORAGE",
        "COMPRESSION",
        "INVISIBLE",
        "VISIBLE",
    ];
    while c.pos < to {
        let t = c.toks[c.pos];
        if t.is_punct(c.src, '(') {
            depth += 1;
        } else if t.is_punct(c.src, ')') {
            depth -= 1;
        } else if depth == 0 && t.kind == TokenKind::Word && stop_words.iter().any(|w| t.is_word(c.src, w)) {
            // `character varying` is a type, `CHARACTER SET` is not.
            if t.is_word(c.src, "CHARACTER") && !c.at_word_n(1, "SET") {
                c.pos += 1;
                continue;
            }
            break;
        }
        c.pos += 1;
    }
    let type_text = c.text(type_start, c.pos).to_string();
    let parsed = parse_type(&type_text, dialect);
    let range = c.range(start, to);
    let mut def = ColumnDef {
        name: name.clone(),
        range,
        ty: parsed.ty,
        type_text,
        generated_value: parsed.serial.then_some(ValueSource::Serial),
        not_null: parsed.serial,
        default: None,
        constraints: Vec::new(),
    };
    let mut constraint_name = None;
    while c.pos < to {
        if c.eat_words(&["NOT", "NULL"]) {
            def.not_null = true;
        } else if c.eat_word("NULL") {
            def.not_null = false;
        } else if c.eat_word("CONSTRAINT") {
            constraint_name = c.ident();
        } else if c.eat_word("DEFAULT") {
            let expr_start = c.pos;
            let mut depth = 0;
            while c.pos < to {
                let t = c.toks[c.pos];
                if t.is_punct(c.src, '(') {
                    depth += 1;
                } else if t.is_punct(c.src, ')') {
                    depth -= 1;
                } else if depth == 0
                    && ["NOT", "NULL", "PRIMARY", "UNIQUE", "CHECK", "REFERENCES", "CONSTRAINT", "GENERATED", "COLLATE", "ON", "COMMENT"]
                        .iter()
                        .any(|w| t.is_word(c.src, w))
                    && c.pos > expr_start
                {
                    break;
                }
                c.pos += 1;
            }
            let text = c.text(expr_start, c.pos);
            def.default = (!text.eq_ignore_ascii_case("null")).then(|| normalize_expr(text, dialect));
        } else if c.eat_words(&["PRIMARY", "KEY"]) {
            def.not_null = dialect != Dialect::Sqlite;
            def.constraints.push(ConstraintDef {
                name: constraint_name.take(),
                kind: ConstraintKind::PrimaryKey { columns: vec![name.clone()] },
                not_valid: false,
                range,
            });
        } else if c.eat_word("UNIQUE") {
            c.eat_word("KEY");
            def.constraints.push(ConstraintDef {
                name: constraint_name.take(),
                kind: ConstraintKind::Unique { columns: vec![name.clone()], using_index: None },
                not_valid: false,
                range,
            });
        } else if c.eat_word("REFERENCES") {
            let ref_table = c.qualified_name()?;
            let ref_columns = c.ident_list().unwrap_or_default();
            def.constraints.push(ConstraintDef {
                name: constraint_name.take(),
                kind: ConstraintKind::ForeignKey { columns: vec![name.clone()], ref_table, ref_columns },
                not_valid: false,
                range,
            });
        } else if c.eat_word("CHECK") {
            let open = c.pos;
            let close = c.matching_paren(open).unwrap_or(to.saturating_sub(1));
            let expr = normalize_expr(c.text(open, close + 1), dialect);
            c.pos = close + 1;
            def.constraints.push(ConstraintDef {
                name: constraint_name.take(),
                kind: ConstraintKind::Check { expr },
                not_valid: false,
                range,
            });
        } else if c.eat_word("GENERATED") {
            if c.eat_word("ALWAYS") {
                if c.eat_word("AS") && c.eat_word("IDENTITY") {
                    def.generated_value = Some(ValueSource::IdentityAlways);
                    def.not_null = true;
                } else {
                    def.generated_value = Some(ValueSource::Computed);
                }
            } else {
                def.generated_value = Some(ValueSource::IdentityByDefault);
                def.not_null = true;
            }
            skip_parens_and_words(c, to);
        } else if c.eat_word("AUTO_INCREMENT") || c.eat_word("AUTOINCREMENT") {
            def.generated_value = Some(ValueSource::AutoIncrement);
        } else if c.eat_word("AS") {
            // MySQL/SQLite generated columns: `AS (expr) [STORED|VIRTUAL]`.
            def.generated_value = Some(ValueSource::Computed);
            skip_parens_and_words(c, to);
        } else {
            c.pos += 1;
        }
    }
    Some(def)
}

fn skip_parens_and_words(c: &mut Cursor<'_>, to: usize) {
    while c.pos < to {
        if c.peek().is_some_and(|t| t.is_punct(c.src, '(')) {
            c.pos = c.matching_paren(c.pos).map_or(to, |p| p + 1);
            continue;
        }
        let upper = c.peek_text().to_ascii_uppercase();
        if matches!(upper.as_str(), "NOT" | "NULL" | "DEFAULT" | "PRIMARY" | "UNIQUE" | "CHECK" | "REFERENCES" | "CONSTRAINT") {
            return;
        }
        c.pos += 1;
    }
}

/// Renders an expression the way sqlparser renders parsed defaults, so both paths compare equal.
pub(crate) fn normalize_expr(text: &str, dialect: Dialect) -> String {
    let d = dialect.sqlparser();
    let parsed = crate::guarded(|| {
        sqlparser::parser::Parser::new(d.as_ref()).try_with_sql(text).and_then(|mut p| {
            let expr = p.parse_expr()?;
            p.expect_token(&sqlparser::tokenizer::Token::EOF)?;
            Ok(expr)
        })
    });
    match parsed {
        Some(Ok(expr)) => expr.to_string(),
        _ => text.split_whitespace().collect::<Vec<_>>().join(" "),
    }
}

fn create_table(l: &mut Lowerer<'_>) -> Option<StatementKind> {
    let c = &mut l.cur;
    c.pos = 0;
    c.eat_word("CREATE");
    let or_replace = c.eat_words(&["OR", "REPLACE"]);
    let mut temporary = false;
    while let Some(w) = ["TEMP", "TEMPORARY", "UNLOGGED", "GLOBAL", "LOCAL"].into_iter().find(|w| c.at_word(w)) {
        temporary |= w.starts_with("TEMP");
        c.pos += 1;
    }
    c.eat_word("TABLE");
    let if_not_exists = c.eat_words(&["IF", "NOT", "EXISTS"]);
    let name = c.qualified_name()?;
    let mut table = CreateTable {
        name,
        if_not_exists,
        or_replace,
        temporary,
        columns: Vec::new(),
        constraints: Vec::new(),
        partition_of: None,
        like: Vec::new(),
        as_query: false,
    };
    let mut extra_ops = Vec::new();
    if c.eat_words(&["PARTITION", "OF"]) {
        table.partition_of = c.qualified_name();
    }
    if c.eat_word("LIKE") {
        let source = c.qualified_name()?;
        table.like.push(if l.dialect == Dialect::MySql { LikeSource::everything(source) } else { like_options(c, source, usize::MAX) });
        return Some(StatementKind::Ddl(vec![Op::CreateTable(table)]));
    }
    if c.at_word("AS") {
        table.as_query = true;
        return Some(StatementKind::Ddl(vec![Op::CreateTable(table)]));
    }
    if !c.peek().is_some_and(|t| t.is_punct(c.src, '(')) {
        return table.partition_of.is_some().then(|| StatementKind::Ddl(vec![Op::CreateTable(table)]));
    }
    let open = c.pos;
    let close = c.matching_paren(open)?;
    let mut not_null_elements: Vec<Name> = Vec::new();
    for (from, to) in c.split_commas(open + 1, close) {
        let range = l.cur.range(from, to);
        let text = l.cur.text(from, to).to_string();
        if l.cur.toks[from].is_word(l.cur.src, "LIKE") {
            l.cur.pos = from + 1;
            if let Some(other) = l.cur.qualified_name() {
                let source = like_options(&mut l.cur, other, to);
                table.like.push(source);
            }
            continue;
        }
        // PostgreSQL 18's temporal keys (`PRIMARY KEY (id, valid WITHOUT OVERLAPS)`, `FOREIGN KEY
        // (id, PERIOD valid)`) are keys over the same columns for what rollsafe compares.
        let parsed = sqlparser_one(&format!("CREATE TABLE t ({text})"), l.dialect)
            .or_else(|| without_temporal_words(&text).and_then(|t| sqlparser_one(&format!("CREATE TABLE t ({t})"), l.dialect)));
        if let Some(S::CreateTable(ct)) = parsed {
            let mut lowered = l.create_table(&ct);
            for col in &mut lowered.columns {
                col.range = range;
                for con in &mut col.constraints {
                    con.range = range;
                }
            }
            for con in &mut lowered.constraints {
                con.range = range;
            }
            table.columns.extend(lowered.columns);
            table.constraints.extend(lowered.constraints);
            for c in &ct.constraints {
                if let sqlparser::ast::TableConstraint::Index(ix) = c {
                    extra_ops.push(mysql_index(l, ix, &table.name));
                }
            }
            continue;
        }
        let first = l.cur.toks[from];
        // PostgreSQL 18 (and its pg_dump): a named NOT NULL constraint as a table element,
        // `CONSTRAINT t_a_not_null NOT NULL a [NO INHERIT]`.
        let named_at = if first.is_word(l.cur.src, "CONSTRAINT") { from + 2 } else { from };
        if l.cur.toks.get(named_at).is_some_and(|t| t.is_word(l.cur.src, "NOT"))
            && l.cur.toks.get(named_at + 1).is_some_and(|t| t.is_word(l.cur.src, "NULL"))
        {
            l.cur.pos = named_at + 2;
            if let Some(column) = l.cur.ident() {
                not_null_elements.push(column);
                continue;
            }
        }
        let is_constraint =
            ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN", "EXCLUDE", "KEY", "INDEX"].iter().any(|w| first.is_word(l.cur.src, w));
        if !is_constraint && let Some(def) = column_def(l, from, to) {
            table.columns.push(def);
            continue;
        }
        l.unread.push((range, format!("table element `{}`", first_words(&text, 3))));
    }
    for column in not_null_elements {
        if let Some(def) = table.columns.iter_mut().find(|c| c.name.key == column.key) {
            def.not_null = true;
        }
    }
    let mut ops = vec![Op::CreateTable(table)];
    ops.extend(extra_ops);
    Some(StatementKind::Ddl(ops))
}

/// A table element without PostgreSQL 18's `WITHOUT OVERLAPS` and `PERIOD` key words, if it has
/// either (outside strings: the words are matched as whole tokens).
fn without_temporal_words(text: &str) -> Option<String> {
    let tokens = crate::lexer::tokenize(text, Dialect::Postgres);
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i];
        let next_word = |from: usize| tokens[from..].iter().position(|t| !t.is_trivia()).map(|p| from + p);
        if t.is_word(text, "WITHOUT") && next_word(i + 1).is_some_and(|j| tokens[j].is_word(text, "OVERLAPS")) {
            i = next_word(i + 1).map_or(tokens.len(), |j| j + 1);
            changed = true;
            continue;
        }
        if t.is_word(text, "PERIOD") && next_word(i + 1).is_some_and(|j| matches!(tokens[j].kind, TokenKind::Word | TokenKind::QuotedIdent))
        {
            i += 1;
            changed = true;
            continue;
        }
        out.push_str(t.text(text));
        i += 1;
    }
    changed.then_some(out)
}

/// `INCLUDING DEFAULTS | CONSTRAINTS | INDEXES | IDENTITY | GENERATED | ALL`, and `EXCLUDING …`.
fn like_options(c: &mut Cursor<'_>, table: QualifiedName, to: usize) -> LikeSource {
    let mut source = LikeSource::bare(table);
    while c.pos < to.min(c.toks.len()) {
        let including = if c.eat_word("INCLUDING") {
            true
        } else if c.eat_word("EXCLUDING") {
            false
        } else {
            c.pos += 1;
            continue;
        };
        match c.peek_text().to_ascii_uppercase().as_str() {
            "DEFAULTS" => source.defaults = including,
            "CONSTRAINTS" => source.constraints = including,
            "INDEXES" => source.indexes = including,
            "IDENTITY" => source.identity = including,
            "GENERATED" => source.generated = including,
            "ALL" => {
                source = LikeSource {
                    table: source.table,
                    defaults: including,
                    constraints: including,
                    indexes: including,
                    identity: including,
                    generated: including,
                };
            }
            _ => {}
        }
        c.pos += 1;
    }
    source
}

pub(crate) fn mysql_index(l: &Lowerer<'_>, ix: &sqlparser::ast::IndexConstraint, table: &QualifiedName) -> Op {
    Op::CreateIndex(CreateIndex {
        name: ix.name.as_ref().map(|n| QualifiedName::new(None, l.name(n))),
        table: table.clone(),
        columns: ix.columns.iter().map(|c| l.index_key(&c.column.expr)).collect(),
        unique: false,
        if_not_exists: false,
        predicate: None,
    })
}

fn drop(l: &mut Lowerer<'_>) -> Option<StatementKind> {
    let c = &mut l.cur;
    c.eat_word("DROP");
    let kind = c.peek_text().to_ascii_uppercase();
    c.pos += 1;
    let materialized = kind == "MATERIALIZED";
    if materialized && !c.eat_word("VIEW") {
        return None;
    }
    if kind == "FOREIGN" && !c.eat_word("TABLE") {
        return None;
    }
    c.eat_word("CONCURRENTLY");
    let if_exists = c.eat_words(&["IF", "EXISTS"]);
    let mut names = Vec::new();
    loop {
        let name = c.qualified_name()?;
        // DROP FUNCTION f(int, text)
        let args = routine_arg_types(c)?;
        names.push((name, args));
        if !c.eat_punct(',') {
            break;
        }
    }
    let cascade = c.eat_word("CASCADE");
    let table = if c.eat_word("ON") { c.qualified_name() } else { None };
    let ops: Vec<Op> = names
        .into_iter()
        .map(|(name, args)| match kind.as_str() {
            "TABLE" | "FOREIGN" => Some(Op::DropTable { name, if_exists, cascade }),
            "VIEW" | "MATERIALIZED" => Some(Op::DropView { name, materialized, if_exists, cascade }),
            "INDEX" => Some(Op::DropIndex { name, if_exists, table: table.clone() }),
            "SEQUENCE" => Some(Op::DropSequence { name, if_exists, cascade }),
            "TYPE" | "DOMAIN" => Some(Op::DropType { name, if_exists, cascade }),
            "SCHEMA" | "DATABASE" => Some(Op::DropSchema { name: name.name, if_exists, cascade }),
            "FUNCTION" | "PROCEDURE" | "ROUTINE" => Some(Op::DropFunction { name, args, if_exists, cascade }),
            _ => None,
        })
        .collect::<Option<_>>()?;
    Some(StatementKind::Ddl(ops))
}

/// `CREATE EXTENSION [IF NOT EXISTS] name [WITH] [SCHEMA s] …`, `DROP EXTENSION [IF EXISTS] a, b
/// [CASCADE]`.
fn extension(l: &mut Lowerer<'_>) -> Option<StatementKind> {
    let c = &mut l.cur;
    c.pos = 0;
    if c.eat_word("CREATE") {
        c.eat_word("EXTENSION");
        c.eat_words(&["IF", "NOT", "EXISTS"]);
        let name = c.ident()?;
        let mut schema = None;
        while !c.at_end() {
            if c.eat_word("SCHEMA") {
                schema = c.ident();
            } else {
                c.pos += 1;
            }
        }
        return Some(StatementKind::Ddl(vec![Op::CreateExtension { name, schema }]));
    }
    c.eat_word("DROP");
    c.eat_word("EXTENSION");
    let if_exists = c.eat_words(&["IF", "EXISTS"]);
    let mut names = vec![c.ident()?];
    while c.eat_punct(',') {
        names.push(c.ident()?);
    }
    let cascade = c.eat_word("CASCADE");
    Some(StatementKind::Ddl(names.into_iter().map(|name| Op::DropExtension { name, if_exists, cascade }).collect()))
}

/// `CREATE [OR REPLACE] [CONSTRAINT] TRIGGER name {BEFORE|AFTER|INSTEAD OF} event [OR event …] ON
/// table … EXECUTE {FUNCTION|PROCEDURE} f(…)` (PostgreSQL), and MySQL's and SQLite's forms with a
/// body (`[DEFINER = u]`, `TEMP`, `IF NOT EXISTS`, `UPDATE OF cols`, `FOR EACH ROW BEGIN … END`).
fn create_trigger(l: &mut Lowerer<'_>) -> Option<StatementKind> {
    let c = &mut l.cur;
    c.pos = 0;
    c.eat_word("CREATE");
    let or_replace = c.eat_words(&["OR", "REPLACE"]);
    // DEFINER = user@host, TEMP, CONSTRAINT: up to the TRIGGER keyword.
    while !c.at_end() && !c.at_word("TRIGGER") {
        c.pos += 1;
    }
    c.eat_word("TRIGGER");
    c.eat_words(&["IF", "NOT", "EXISTS"]);
    let name = c.qualified_name()?.name;
    let timing = if c.eat_word("BEFORE") {
        TriggerTiming::Before
    } else if c.eat_word("AFTER") {
        TriggerTiming::After
    } else if c.eat_words(&["INSTEAD", "OF"]) {
        TriggerTiming::InsteadOf
    } else {
        // SQLite's default.
        TriggerTiming::Before
    };
    let mut events = Vec::new();
    while !c.at_end() && !c.at_word("ON") {
        let event = match c.peek_text().to_ascii_uppercase().as_str() {
            "INSERT" => Some(TriggerEvent::Insert),
            "UPDATE" => Some(TriggerEvent::Update),
            "DELETE" => Some(TriggerEvent::Delete),
            "TRUNCATE" => Some(TriggerEvent::Truncate),
            _ => None,
        };
        if let Some(e) = event
            && !events.contains(&e)
        {
            events.push(e);
        }
        c.pos += 1;
    }
    if !c.eat_word("ON") {
        return None;
    }
    let table = c.qualified_name()?;
    let mut function = None;
    while !c.at_end() {
        if c.eat_word("EXECUTE") && (c.eat_word("FUNCTION") || c.eat_word("PROCEDURE")) {
            function = c.qualified_name();
            break;
        }
        c.pos += 1;
    }
    let fills = if function.is_none() { crate::body::new_row_assignments(c.src, c.dialect) } else { Vec::new() };
    Some(StatementKind::Ddl(vec![Op::CreateTrigger(CreateTrigger { name, table, or_replace, timing, events, function, fills })]))
}

/// `SELECT diesel_manage_updated_at('posts')`: Diesel's setup migration defines this helper,
/// which creates the trigger `set_updated_at` (`BEFORE UPDATE … EXECUTE FUNCTION
/// diesel_set_updated_at()`) on the table it is given, through dynamic SQL. Diesel projects call it
/// for most of their tables, so the trigger is modelled as if written out.
fn diesel_manage_updated_at(l: &mut Lowerer<'_>) -> Option<StatementKind> {
    let c = &mut l.cur;
    c.pos = 2;
    if !c.eat_punct('(') {
        return None;
    }
    let literal = c.bump().filter(|t| t.kind == TokenKind::String)?;
    let text = literal.text(c.src);
    let inner = text.strip_prefix('\'')?.strip_suffix('\'')?.replace("''", "'");
    if !c.eat_punct(')') {
        return None;
    }
    // The argument is a regclass: `'posts'`, `'app.posts'` or `'"Posts"'`, as a name is written.
    let mut name_cursor = crate::cursor::Cursor::new(&inner, 0, l.dialect);
    let table = name_cursor.qualified_name()?;
    let plain = |s: &str| Name::plain(s);
    Some(StatementKind::Ddl(vec![Op::CreateTrigger(CreateTrigger {
        name: plain("set_updated_at"),
        table,
        or_replace: false,
        timing: TriggerTiming::Before,
        events: vec![TriggerEvent::Update],
        function: Some(QualifiedName::new(None, plain("diesel_set_updated_at"))),
        fills: Vec::new(),
    })]))
}

/// `DROP TRIGGER [IF EXISTS] name [ON table] [CASCADE | RESTRICT]`.
fn drop_trigger(l: &mut Lowerer<'_>) -> Option<StatementKind> {
    let c = &mut l.cur;
    c.pos = 0;
    c.eat_word("DROP");
    c.eat_word("TRIGGER");
    let if_exists = c.eat_words(&["IF", "EXISTS"]);
    let name = c.qualified_name()?.name;
    let table = if c.eat_word("ON") { c.qualified_name() } else { None };
    Some(StatementKind::Ddl(vec![Op::DropTrigger { name, table, if_exists }]))
}

fn alter_sequence(l: &mut Lowerer<'_>) -> Option<StatementKind> {
    let dialect = l.dialect;
    let c = &mut l.cur;
    c.eat_words(&["ALTER", "SEQUENCE"]);
    c.eat_words(&["IF", "EXISTS"]);
    let name = c.qualified_name()?;
    if c.eat_words(&["RENAME", "TO"]) {
        return Some(StatementKind::Ddl(vec![Op::RenameSequence { from: name, to: c.ident()? }]));
    }
    if c.eat_words(&["SET", "SCHEMA"]) {
        return Some(StatementKind::Ddl(vec![Op::SetSchema { kind: ObjectKind::Sequence, name, schema: c.ident()? }]));
    }
    let (data_type, owned_by) = sequence_options(c, dialect);
    if data_type.is_none() && owned_by.is_none() {
        return Some(StatementKind::NoSchemaEffect);
    }
    Some(StatementKind::Ddl(vec![Op::AlterSequence { name, data_type, owned_by }]))
}

type OwnedBy = Option<Option<(QualifiedName, Name)>>;

fn sequence_options(c: &mut Cursor<'_>, dialect: Dialect) -> (Option<crate::ty::SqlType>, OwnedBy) {
    let mut data_type = None;
    let mut owned_by = None;
    while !c.at_end() {
        if c.eat_word("AS") {
            let start = c.pos;
            c.pos += 1;
            data_type = Some(parse_type(c.text(start, c.pos), dialect).ty);
        } else if c.eat_words(&["OWNED", "BY"]) {
            if c.eat_word("NONE") {
                owned_by = Some(None);
            } else if let Some(mut full) = c.qualified_name_parts() {
                let column = full.pop();
                owned_by = Some(column.and_then(|col| QualifiedName::from_parts(full).map(|t| (t, col))));
            }
        } else {
            c.pos += 1;
        }
    }
    (data_type, owned_by)
}

impl Cursor<'_> {
    /// All parts of a dotted name (`schema.table.column`).
    fn qualified_name_parts(&mut self) -> Option<Vec<Name>> {
        let mut parts = vec![self.ident()?];
        while self.eat_punct('.') {
            parts.push(self.ident()?);
        }
        Some(parts)
    }
}

fn create_sequence(l: &mut Lowerer<'_>) -> Option<StatementKind> {
    let dialect = l.dialect;
    let c = &mut l.cur;
    c.eat_word("CREATE");
    while !c.eat_word("SEQUENCE") {
        c.bump()?;
    }
    let if_not_exists = c.eat_words(&["IF", "NOT", "EXISTS"]);
    let name = c.qualified_name()?;
    let (data_type, owned_by) = sequence_options(c, dialect);
    let mut ops = vec![Op::CreateSequence { name: name.clone(), if_not_exists, data_type }];
    if owned_by.is_some() {
        ops.push(Op::AlterSequence { name, data_type: None, owned_by });
    }
    Some(StatementKind::Ddl(ops))
}

fn alter_view(l: &mut Lowerer<'_>) -> Option<StatementKind> {
    let c = &mut l.cur;
    c.eat_word("ALTER");
    let materialized = c.eat_word("MATERIALIZED");
    c.eat_word("VIEW");
    c.eat_words(&["IF", "EXISTS"]);
    let name = c.qualified_name()?;
    let kind = if materialized { ObjectKind::MaterializedView } else { ObjectKind::View };
    if c.eat_word("RENAME") {
        if c.eat_word("TO") {
            return Some(StatementKind::Ddl(vec![Op::RenameView { from: name, to: c.ident()? }]));
        }
        c.eat_word("COLUMN");
        let from = c.ident()?;
        c.eat_word("TO");
        return Some(StatementKind::Ddl(vec![Op::RenameViewColumn { view: name, from, to: c.ident()? }]));
    }
    if c.eat_words(&["SET", "SCHEMA"]) {
        return Some(StatementKind::Ddl(vec![Op::SetSchema { kind, name, schema: c.ident()? }]));
    }
    if c.at_word("AS") {
        return None;
    }
    Some(StatementKind::NoSchemaEffect)
}

fn alter_index(l: &mut Lowerer<'_>) -> Option<StatementKind> {
    let c = &mut l.cur;
    c.eat_words(&["ALTER", "INDEX"]);
    c.eat_words(&["IF", "EXISTS"]);
    let name = c.qualified_name()?;
    rename_or_set_schema(c, ObjectKind::Index, name, |from, to| Op::RenameIndex { from, to })
}

/// The tail shared by `ALTER INDEX|FUNCTION|…  name`: `RENAME TO` and `SET SCHEMA` change what N-1
/// code can reach; any other clause (owner, options, storage) does not.
fn rename_or_set_schema(
    c: &mut Cursor<'_>,
    kind: ObjectKind,
    name: QualifiedName,
    rename: impl FnOnce(QualifiedName, Name) -> Op,
) -> Option<StatementKind> {
    if c.eat_words(&["RENAME", "TO"]) {
        return Some(StatementKind::Ddl(vec![rename(name, c.ident()?)]));
    }
    if c.eat_words(&["SET", "SCHEMA"]) {
        return Some(StatementKind::Ddl(vec![Op::SetSchema { kind, name, schema: c.ident()? }]));
    }
    Some(StatementKind::NoSchemaEffect)
}

fn alter_type(l: &mut Lowerer<'_>) -> Option<StatementKind> {
    let c = &mut l.cur;
    c.eat_words(&["ALTER", "TYPE"]);
    let name = c.qualified_name()?;
    if c.eat_words(&["RENAME", "TO"]) {
        return Some(StatementKind::Ddl(vec![Op::RenameType { from: name, to: c.ident()? }]));
    }
    if c.eat_words(&["RENAME", "VALUE"]) {
        let from = string_literal(c.bump()?.text(c.src))?;
        c.eat_word("TO");
        let to = string_literal(c.bump()?.text(c.src))?;
        return Some(StatementKind::Ddl(vec![Op::RenameEnumValue { name, from, to }]));
    }
    if c.eat_words(&["ADD", "VALUE"]) {
        let if_not_exists = c.eat_words(&["IF", "NOT", "EXISTS"]);
        let value = string_literal(c.bump()?.text(c.src))?;
        let position = if c.eat_word("BEFORE") {
            EnumPosition::Before(string_literal(c.bump()?.text(c.src))?)
        } else if c.eat_word("AFTER") {
            EnumPosition::After(string_literal(c.bump()?.text(c.src))?)
        } else {
            EnumPosition::End
        };
        return Some(StatementKind::Ddl(vec![Op::AddEnumValue { name, value, position, if_not_exists }]));
    }
    if c.eat_words(&["SET", "SCHEMA"]) {
        return Some(StatementKind::Ddl(vec![Op::SetSchema { kind: ObjectKind::Type, name, schema: c.ident()? }]));
    }
    if c.at_word("OWNER") {
        return Some(StatementKind::NoSchemaEffect);
    }
    Some(StatementKind::NotModelled { what: "ALTER TYPE on a composite type".into() })
}

fn alter_function(l: &mut Lowerer<'_>) -> Option<StatementKind> {
    let c = &mut l.cur;
    c.pos = 2; // ALTER FUNCTION|PROCEDURE|ROUTINE
    let name = c.qualified_name()?;
    let args = routine_arg_types(c)?;
    let change = if c.eat_words(&["RENAME", "TO"]) {
        FunctionChange::Rename(c.ident()?)
    } else if c.eat_words(&["SET", "SCHEMA"]) {
        FunctionChange::SetSchema(c.ident()?)
    } else {
        let rest = crate::routine::read_rest(c, false, Vec::new());
        let text = c.text(0, c.toks.len()).to_ascii_uppercase();
        let volatility =
            ["IMMUTABLE", "STABLE", "VOLATILE"].iter().any(|w| text.split_whitespace().any(|x| x == *w)).then_some(rest.volatility);
        let security_definer = text.contains("SECURITY").then_some(rest.security_definer);
        if volatility.is_none() && security_definer.is_none() {
            return Some(StatementKind::NoSchemaEffect);
        }
        FunctionChange::Attributes { volatility, security_definer }
    };
    Some(StatementKind::Ddl(vec![Op::AlterFunction { name, args, change }]))
}

/// The input argument types of `name(…)` in `DROP`/`ALTER FUNCTION`: `None` when no list is
/// given (the name alone must then be unique).
fn routine_arg_types(c: &mut Cursor<'_>) -> Option<Option<Vec<crate::ty::SqlType>>> {
    if !c.peek().is_some_and(|t| t.is_punct(c.src, '(')) {
        return Some(None);
    }
    let open = c.pos;
    let close = c.matching_paren(open)?;
    c.pos = close + 1;
    let args = crate::routine::read_args(c, open, close);
    Some(Some(args.into_iter().filter(|a| a.is_input()).map(|a| a.ty).collect()))
}

fn alter_schema(l: &mut Lowerer<'_>) -> Option<StatementKind> {
    let c = &mut l.cur;
    c.eat_words(&["ALTER", "SCHEMA"]);
    let from = c.ident()?;
    if c.eat_words(&["RENAME", "TO"]) {
        return Some(StatementKind::Ddl(vec![Op::RenameSchema { from, to: c.ident()? }]));
    }
    Some(StatementKind::NoSchemaEffect)
}

fn create_view(l: &mut Lowerer<'_>) -> Option<StatementKind> {
    // `CREATE MATERIALIZED VIEW … WITH [NO] DATA`: sqlparser reads the rest without that tail.
    let n = l.cur.toks.len();
    if n >= 3 && l.cur.toks[n - 1].is_word(l.cur.src, "DATA") {
        let cut = if l.cur.toks[n - 2].is_word(l.cur.src, "NO") { n - 3 } else { n - 2 };
        if l.cur.toks[cut].is_word(l.cur.src, "WITH") {
            let text = l.cur.text(0, cut).to_string();
            if let Some(stmt) = sqlparser_one(&text, l.dialect) {
                return Some(l.lower(&stmt));
            }
        }
    }
    let c = &mut l.cur;
    c.eat_word("CREATE");
    let or_replace = c.eat_words(&["OR", "REPLACE"]);
    while ["TEMP", "TEMPORARY", "RECURSIVE"].iter().any(|w| c.at_word(w)) {
        c.pos += 1;
    }
    let materialized = c.eat_word("MATERIALIZED");
    if !c.eat_word("VIEW") {
        return None;
    }
    let if_not_exists = c.eat_words(&["IF", "NOT", "EXISTS"]);
    let name = c.qualified_name()?;
    let columns = if c.peek().is_some_and(|t| t.is_punct(c.src, '(')) { c.ident_list() } else { None };
    Some(StatementKind::Ddl(vec![Op::CreateView(CreateView {
        name,
        or_replace,
        materialized,
        if_not_exists,
        columns,
        sources: Vec::new(),
        star_of: None,
        // The query was not read: its dependencies are unknown, and none is claimed.
        reads: Vec::new(),
        calls: Vec::new(),
        relations: Vec::new(),
        outputs: Vec::new(),
        not_updatable: Some("its query could not be read".into()),
    })]))
}

pub(crate) fn create_function(l: &mut Lowerer<'_>) -> Option<StatementKind> {
    let c = &mut l.cur;
    c.eat_word("CREATE");
    let or_replace = c.eat_words(&["OR", "REPLACE"]);
    while !(c.at_word("FUNCTION") || c.at_word("PROCEDURE")) {
        c.bump()?;
    }
    let procedure = c.at_word("PROCEDURE");
    c.pos += 1;
    let name = c.qualified_name()?;
    let args = match c.peek() {
        Some(t) if t.is_punct(c.src, '(') => {
            let open = c.pos;
            let close = c.matching_paren(open)?;
            c.pos = close + 1;
            crate::routine::read_args(c, open, close)
        }
        _ => Vec::new(),
    };
    let signature = crate::routine::read_rest(c, procedure, args);
    // Only triggers call a function returning `trigger` / `event_trigger`.
    let trigger = matches!(&signature.returns, Some(crate::routine::Returns::Type { text, set: false, .. })
        if text.eq_ignore_ascii_case("trigger") || text.eq_ignore_ascii_case("event_trigger"));
    let writes = crate::body::function_writes(c.src, c.dialect);
    let volatile = crate::body::declared_volatile(c.src, c.dialect);
    let fills = if trigger { crate::body::new_row_assignments(c.src, c.dialect) } else { Vec::new() };
    Some(StatementKind::Ddl(vec![Op::CreateFunction { name, or_replace, trigger, writes, volatile, signature: Some(signature), fills }]))
}

fn create_type(l: &mut Lowerer<'_>) -> Option<StatementKind> {
    let c = &mut l.cur;
    c.eat_words(&["CREATE", "TYPE"]);
    let name = c.qualified_name()?;
    if c.eat_words(&["AS", "ENUM"]) {
        let mut values = Vec::new();
        while let Some(t) = c.bump() {
            if t.kind == TokenKind::String {
                values.push(string_literal(t.text(c.src))?);
            }
        }
        return Some(StatementKind::Ddl(vec![Op::CreateEnum { name, values }]));
    }
    Some(StatementKind::Ddl(vec![Op::CreateType { name, domain: None }]))
}

pub(crate) fn create_domain(l: &mut Lowerer<'_>) -> Option<StatementKind> {
    let dialect = l.dialect;
    let c = &mut l.cur;
    c.pos = 0;
    c.eat_words(&["CREATE", "DOMAIN"]);
    let name = c.qualified_name()?;
    c.eat_word("AS");
    let start = c.pos;
    const CLAUSES: &[&str] = &["DEFAULT", "CONSTRAINT", "CHECK", "NOT", "NULL", "COLLATE"];
    while !c.at_end() && !CLAUSES.iter().any(|w| c.at_word(w)) {
        c.pos += 1;
    }
    let base = parse_type(c.text(start, c.pos), dialect).ty;
    let mut domain = DomainDef { base, not_null: false, checks: Vec::new() };
    let mut constraint_name = None;
    while !c.at_end() {
        if c.eat_word("CONSTRAINT") {
            constraint_name = c.ident();
        } else if c.eat_words(&["NOT", "NULL"]) {
            domain.not_null = true;
            constraint_name = None;
        } else if c.eat_word("CHECK") {
            let open = c.pos;
            let close = c.matching_paren(open)?;
            domain.checks.push((constraint_name.take(), crate::expr::key(c.text(open + 1, close), dialect)));
            c.pos = close + 1;
        } else {
            c.pos += 1;
        }
    }
    Some(StatementKind::Ddl(vec![Op::CreateType { name, domain: Some(domain) }]))
}

/// `ALTER DOMAIN name {ADD [CONSTRAINT c] CHECK (…) [NOT VALID] | DROP CONSTRAINT [IF EXISTS] c |
/// SET NOT NULL | DROP NOT NULL | VALIDATE CONSTRAINT c | …}`.
fn alter_domain(l: &mut Lowerer<'_>) -> Option<StatementKind> {
    let dialect = l.dialect;
    let c = &mut l.cur;
    c.pos = 2;
    let name = c.qualified_name()?;
    let change = if c.eat_word("ADD") {
        let constraint = if c.eat_word("CONSTRAINT") { c.ident() } else { None };
        if !c.eat_word("CHECK") {
            // `ADD CONSTRAINT c NOT NULL`
            return c
                .eat_words(&["NOT", "NULL"])
                .then(|| StatementKind::Ddl(vec![Op::AlterDomain { name, change: DomainChange::SetNotNull }]));
        }
        let open = c.pos;
        let close = c.matching_paren(open)?;
        let expr = crate::expr::key(c.text(open + 1, close), dialect);
        c.pos = close + 1;
        let not_valid = c.eat_words(&["NOT", "VALID"]);
        DomainChange::AddCheck { name: constraint, expr, not_valid }
    } else if c.eat_words(&["DROP", "CONSTRAINT"]) {
        c.eat_words(&["IF", "EXISTS"]);
        DomainChange::DropConstraint { name: c.ident()? }
    } else if c.eat_words(&["SET", "NOT", "NULL"]) {
        DomainChange::SetNotNull
    } else if c.eat_words(&["DROP", "NOT", "NULL"]) {
        DomainChange::DropNotNull
    } else if c.eat_words(&["VALIDATE", "CONSTRAINT"]) {
        DomainChange::ValidateConstraint { name: c.ident()? }
    } else if c.eat_words(&["RENAME", "TO"]) {
        return Some(StatementKind::Ddl(vec![Op::RenameType { from: name, to: c.ident()? }]));
    } else if c.eat_words(&["SET", "SCHEMA"]) {
        return Some(StatementKind::Ddl(vec![Op::SetSchema { kind: ObjectKind::Type, name, schema: c.ident()? }]));
    } else {
        // DEFAULT, OWNER, RENAME CONSTRAINT: nothing N-1 writes notices.
        return Some(StatementKind::NoSchemaEffect);
    };
    Some(StatementKind::Ddl(vec![Op::AlterDomain { name, change }]))
}

fn create_schema(l: &mut Lowerer<'_>) -> Option<StatementKind> {
    let c = &mut l.cur;
    c.eat_words(&["CREATE", "SCHEMA"]);
    let if_not_exists = c.eat_words(&["IF", "NOT", "EXISTS"]);
    // `CREATE SCHEMA AUTHORIZATION role` names the schema after the role.
    c.eat_word("AUTHORIZATION");
    let name = c.ident()?;
    Some(StatementKind::Ddl(vec![Op::CreateSchema { name, if_not_exists }]))
}

fn create_index(l: &mut Lowerer<'_>) -> Option<StatementKind> {
    let c = &mut l.cur;
    c.eat_word("CREATE");
    let unique = c.eat_word("UNIQUE");
    c.eat_word("INDEX");
    c.eat_word("CONCURRENTLY");
    let if_not_exists = c.eat_words(&["IF", "NOT", "EXISTS"]);
    let name = if c.at_word("ON") { None } else { c.qualified_name() };
    if !c.eat_word("ON") {
        return None;
    }
    c.eat_word("ONLY");
    let table = c.qualified_name()?;
    if c.eat_word("USING") {
        c.pos += 1;
    }
    let open = c.pos;
    let close = c.matching_paren(open)?;
    let columns = c
        .split_commas(open + 1, close)
        .into_iter()
        .map(|(a, b)| {
            let t = c.toks[a];
            // A column, possibly followed by an operator class or ASC/DESC; anything else is an expression.
            let is_column = matches!(t.kind, TokenKind::Word | TokenKind::QuotedIdent)
                && (b == a + 1 || c.toks.get(a + 1).is_some_and(|n| n.kind == TokenKind::Word));
            if is_column {
                let column = Name::from_sql(t.text(c.src), c.dialect);
                IndexKey { text: column.key.clone(), column: Some(column) }
            } else {
                IndexKey { column: None, text: crate::expr::key(c.text(a, b), c.dialect) }
            }
        })
        .collect();
    c.pos = close + 1;
    let predicate = match c.toks[c.pos.min(c.toks.len())..].iter().position(|t| t.is_word(c.src, "WHERE")) {
        Some(i) => Some(crate::expr::key(c.text(c.pos + i + 1, c.toks.len()), c.dialect)),
        None => None,
    };
    Some(StatementKind::Ddl(vec![Op::CreateIndex(CreateIndex { name, table, columns, unique, if_not_exists, predicate })]))
}

#[cfg(test)]
mod tests {
    use crate::ops::{ActionKind, Op, StatementKind};
    use crate::{Dialect, parse_statement};

    fn ops(sql: &str) -> Vec<Op> {
        match parse_statement(sql, 0, Dialect::Postgres) {
            (StatementKind::Ddl(ops), unread) => {
                assert!(unread.is_empty(), "{sql}: parts not read: {unread:?}");
                ops
            }
            (other, _) => panic!("{sql}: {other:?}"),
        }
    }

    fn only_action(sql: &str) -> ActionKind {
        match ops(sql).remove(0) {
            Op::AlterTable { mut actions, .. } if actions.len() == 1 => actions.remove(0).kind,
            other => panic!("{sql}: {other:?}"),
        }
    }

    #[test]
    fn reads_what_sqlparser_rejects() {
        assert!(matches!(only_action("ALTER TABLE users SET SCHEMA archive"), ActionKind::SetSchema { .. }));
        assert!(matches!(only_action("ALTER TABLE m DETACH PARTITION m2020 CONCURRENTLY"), ActionKind::DetachPartition { .. }));
        assert!(matches!(only_action("ALTER TABLE x ALTER COLUMN a DROP IDENTITY IF EXISTS"), ActionKind::DropIdentity { .. }));
        assert!(matches!(only_action("ALTER TABLE x ALTER COLUMN a DROP EXPRESSION"), ActionKind::DropExpression { .. }));
        assert!(matches!(only_action("ALTER TABLE x ALTER COLUMN a TYPE varchar(20) COLLATE \"C\""), ActionKind::SetType { .. }));
        assert!(matches!(ops("DROP INDEX CONCURRENTLY IF EXISTS public.i")[0], Op::DropIndex { if_exists: true, .. }));
        assert!(matches!(ops("ALTER SEQUENCE s AS integer")[0], Op::AlterSequence { data_type: Some(_), .. }));
        assert!(matches!(ops("ALTER SEQUENCE public.s OWNED BY public.t.id")[0], Op::AlterSequence { owned_by: Some(Some(_)), .. }));
        assert!(matches!(
            ops("CREATE SEQUENCE s START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1")[0],
            Op::CreateSequence { .. }
        ));
        assert!(matches!(ops("ALTER VIEW v RENAME TO w")[0], Op::RenameView { .. }));
        assert!(matches!(ops("ALTER MATERIALIZED VIEW mv RENAME TO mv2")[0], Op::RenameView { .. }));
        assert!(matches!(ops("ALTER VIEW v RENAME COLUMN a TO b")[0], Op::RenameViewColumn { .. }));
        assert!(matches!(ops("CREATE MATERIALIZED VIEW mv AS SELECT 1 AS one WITH NO DATA")[0], Op::CreateView(_)));
        assert!(matches!(ops("ALTER INDEX IF EXISTS i RENAME TO j")[0], Op::RenameIndex { .. }));
        assert!(
            matches!(&ops("ALTER FUNCTION f(int) RENAME TO g")[0], Op::AlterFunction { change: crate::ops::FunctionChange::Rename(_), args: Some(a), .. } if a.len() == 1)
        );
    }

    #[test]
    fn one_unknown_action_costs_only_that_action() {
        let (kind, unread) =
            parse_statement("ALTER TABLE t ADD COLUMN a int NOT NULL DEFAULT 0, FROBNICATE THE WIDGETS", 0, Dialect::Postgres);
        let StatementKind::Ddl(ops) = kind else { panic!("{kind:?}") };
        let Op::AlterTable { actions, .. } = &ops[0] else { panic!() };
        assert!(matches!(&actions[0].kind, ActionKind::AddColumn { def, .. } if def.not_null && def.default.is_some()));
        assert_eq!(unread.len(), 1);
        assert!(unread[0].what.contains("FROBNICATE"));
    }

    #[test]
    fn create_table_elements_are_read_one_by_one() {
        let sql = "CREATE TABLE t (id bigint PRIMARY KEY, LIKE other INCLUDING ALL, name text COLLATE \"C\" NOT NULL)";
        let Op::CreateTable(ct) = ops(sql).remove(0) else { panic!() };
        assert_eq!(ct.like.len(), 1);
        let names: Vec<&str> = ct.columns.iter().map(|c| c.name.key.as_str()).collect();
        assert_eq!(names, ["id", "name"]);
        assert!(ct.columns[1].not_null);
    }

    #[test]
    fn no_effect_and_not_modelled_statements() {
        for sql in ["REINDEX INDEX CONCURRENTLY i", "CLUSTER x USING i", "GRANT app TO alice", "GRANT USAGE ON TYPE mood TO r"] {
            assert_eq!(parse_statement(sql, 0, Dialect::Postgres).0, StatementKind::NoSchemaEffect, "{sql}");
        }
        assert!(matches!(parse_statement("DO $$ BEGIN PERFORM 1; END $$", 0, Dialect::Postgres).0, StatementKind::NotModelled { .. }));
        assert!(matches!(parse_statement("FROBNICATE", 0, Dialect::Postgres).0, StatementKind::NotUnderstood { .. }));
    }
}
