//! Edits offered for findings (editors show them as code actions; nothing applies them unasked).
//!
//! Suppressions and their removal are the same for every format (`rollsafe_diagnostics`); here:
//!
//! - A column drop or rename can be replaced by the expand step of its safe sequence, with the
//!   contract step left as a comment for a later release. The replacement is built from the N-1
//!   model of the column (its type and nullability), in the history's dialect.

use rollsafe_diagnostics::{Edit, Finding, Fix};
use rollsafe_sql::catalog::{Catalog, Column, ObjKey};
use rollsafe_sql::describe::display_type;
use rollsafe_sql::name::{Name, QualifiedName};
use rollsafe_sql::ops::{ActionKind, Op, Statement, StatementKind};
use rollsafe_sql::{Dialect, ParsedFile};

/// The statement of `parsed` that holds `offset`.
pub fn statement_at(parsed: &ParsedFile, offset: u32) -> Option<&Statement> {
    // Statements are in file order: a binary search keeps this cheap for files of thousands.
    let after = parsed.statements.partition_point(|s| s.range.start <= offset);
    parsed.statements[..after].iter().rev().take(2).find(|s| offset < s.range.end.max(s.range.start + 1))
}

/// The column a single-action `ALTER TABLE` drops or renames, with the new name for a rename.
struct ColumnChange<'a> {
    table: &'a QualifiedName,
    column: &'a Name,
    renamed_to: Option<&'a Name>,
}

fn column_change(statement: &Statement) -> Option<ColumnChange<'_>> {
    let StatementKind::Ddl(ops) = &statement.kind else { return None };
    let [Op::AlterTable { table, actions, .. }] = ops.as_slice() else { return None };
    // A statement doing more than this one thing is left to the user: replacing it would lose the rest.
    let [action] = actions.as_slice() else { return None };
    match &action.kind {
        ActionKind::DropColumn { name, .. } => Some(ColumnChange { table, column: name, renamed_to: None }),
        ActionKind::RenameColumn { from, to } => Some(ColumnChange { table, column: from, renamed_to: Some(to) }),
        _ => None,
    }
}

/// Replaces a column drop or rename with the expand step of the safe sequence.
pub fn expand_step(finding: &Finding, statement: &Statement, source: &str, n1: &Catalog, baseline: &str) -> Option<Fix> {
    let change = column_change(statement)?;
    let dialect = n1.dialect;
    let schema = change.table.schema.as_ref().map_or_else(|| dialect.default_schema().to_string(), |s| s.key.clone());
    let table = n1.tables.get(&ObjKey::new(schema, change.table.name.key.clone()))?;
    let column = table.column(&change.column.key)?;
    let t = change.table.to_string();
    let (title, text) = match change.renamed_to {
        None => ("Keep the column for now: drop it in a later release", drop_expand(&t, column, dialect, baseline)),
        Some(to) => ("Add the new column and keep both in sync (expand step)", rename_expand(&t, column, to, dialect, baseline)),
    };
    // The replacement ends with its own terminator; take the statement's along.
    let mut range = statement.range;
    if source.as_bytes().get(range.end as usize) == Some(&b';') {
        range.end += 1;
    }
    Some(Fix { title: title.to_string(), edits: vec![Edit { path: finding.primary.path.clone(), range, replacement: text }] })
}

/// A dropped column stays until no running release uses it. If N-1 required it, N (which no
/// longer writes it) needs it optional.
fn drop_expand(table: &str, column: &Column, dialect: Dialect, baseline: &str) -> String {
    let c = &column.name;
    let mut out = format!(
        "-- Expand (this release): stop reading and writing {table}.{c} in code; the column stays so that\n\
         -- release {baseline} keeps working, and so does a rollback to it.\n"
    );
    if !column.optional_on_insert() {
        match dialect {
            Dialect::Postgres => out.push_str(&format!("ALTER TABLE {table} ALTER COLUMN {c} DROP NOT NULL;\n")),
            Dialect::MySql => out.push_str(&format!("ALTER TABLE {table} MODIFY {c} {} NULL;\n", display_type(&column.type_text))),
            // SQLite cannot relax NOT NULL in place; a table rebuild is a migration of its own.
            Dialect::Sqlite => out.push_str(&format!(
                "-- {c} is NOT NULL without a default: give it a default (SQLite needs a table rebuild for that)\n\
                 -- before this release stops writing it.\n"
            )),
        }
    }
    out.push_str(&format!(
        "-- Contract (a later release, once no running release reads or writes {c}):\n-- ALTER TABLE {table} DROP COLUMN {c};"
    ));
    out
}

/// A renamed column becomes a new column kept in sync with the old one, so that N-1 (old name) and
/// N (new name) read and write the same data.
fn rename_expand(table: &str, column: &Column, to: &Name, dialect: Dialect, baseline: &str) -> String {
    let from = &column.name;
    let ty = display_type(&column.type_text);
    let bare_table = table.rsplit('.').next().unwrap_or(table).trim_matches(['"', '`']);
    let sync = format!("{bare_table}_sync_{}", to.key);
    let mut out = format!(
        "-- Expand (this release): add {to} next to {from} and keep both in sync, so that release {baseline}\n\
         -- (which uses {from}) and this release (which uses {to}) can run side by side.\n\
         ALTER TABLE {table} ADD COLUMN {to} {ty};\n\
         UPDATE {table} SET {to} = {from};\n"
    );
    let contract = match dialect {
        Dialect::Postgres => {
            out.push_str(&format!(
                "CREATE FUNCTION {sync}() RETURNS trigger LANGUAGE plpgsql AS $$\n\
                 BEGIN\n\
                 \x20 IF TG_OP = 'INSERT' THEN\n\
                 \x20   NEW.{to} := COALESCE(NEW.{to}, NEW.{from});\n\
                 \x20   NEW.{from} := COALESCE(NEW.{from}, NEW.{to});\n\
                 \x20 ELSIF NEW.{to} IS DISTINCT FROM OLD.{to} THEN\n\
                 \x20   NEW.{from} := NEW.{to};\n\
                 \x20 ELSIF NEW.{from} IS DISTINCT FROM OLD.{from} THEN\n\
                 \x20   NEW.{to} := NEW.{from};\n\
                 \x20 END IF;\n\
                 \x20 RETURN NEW;\n\
                 END\n\
                 $$;\n\
                 CREATE TRIGGER {sync} BEFORE INSERT OR UPDATE ON {table}\n\
                 \x20 FOR EACH ROW EXECUTE FUNCTION {sync}();\n"
            ));
            format!("-- DROP TRIGGER {sync} ON {table};\n-- DROP FUNCTION {sync}();\n")
        }
        Dialect::MySql => {
            out.push_str(&format!(
                "CREATE TRIGGER {sync}_insert BEFORE INSERT ON {table} FOR EACH ROW\n\
                 \x20 SET NEW.{to} = COALESCE(NEW.{to}, NEW.{from}), NEW.{from} = COALESCE(NEW.{from}, NEW.{to});\n\
                 CREATE TRIGGER {sync}_update BEFORE UPDATE ON {table} FOR EACH ROW\n\
                 \x20 SET NEW.{from} = IF(NEW.{to} <=> OLD.{to}, NEW.{from}, NEW.{to}),\n\
                 \x20     NEW.{to} = IF(NEW.{to} <=> OLD.{to} AND NOT (NEW.{from} <=> OLD.{from}), NEW.{from}, NEW.{to});\n"
            ));
            format!("-- DROP TRIGGER {sync}_insert;\n-- DROP TRIGGER {sync}_update;\n")
        }
        Dialect::Sqlite => {
            // SQLite triggers cannot fill a column before its NOT NULL check: sync in code.
            out.push_str(&format!("-- SQLite: write both {from} and {to} from this release's code until the contract step.\n"));
            String::new()
        }
    };
    out.push_str(&format!(
        "-- Contract (a later release, once no running release uses {from}):\n{contract}-- ALTER TABLE {table} DROP COLUMN {from};"
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rollsafe_diagnostics::{Location, Severity};
    use rollsafe_sql::catalog::SourceId;
    use rollsafe_sql::replay::Replayer;
    use rollsafe_text::TextRange;

    fn n1(sql: &str, dialect: Dialect) -> Catalog {
        let parsed = rollsafe_sql::parse_file(sql, dialect);
        let mut catalog = Catalog::new(dialect);
        let mut events = Vec::new();
        let mut replayer = Replayer::new(&mut catalog, &mut events, SourceId(0));
        for s in &parsed.statements {
            replayer.statement(s);
        }
        catalog
    }

    fn finding(rule: &'static str, range: TextRange) -> Finding {
        Finding::new(rule, Severity::Error, String::new(), Location::current("m/0002.sql", range), "")
    }

    /// The expand step offered for `rule` on the first statement of `text`, applied, with `n1_sql`
    /// as the N-1 schema.
    fn expanded(rule: &'static str, n1_sql: &str, text: &str, dialect: Dialect) -> Option<String> {
        let catalog = n1(n1_sql, dialect);
        let parsed = rollsafe_sql::parse_file(text, dialect);
        let stmt = &parsed.statements[0];
        expand_step(&finding(rule, stmt.range), stmt, text, &catalog, "v1").map(|fix| apply(text, &fix))
    }

    /// The suppression the core offers for a finding: above the statement it is on.
    fn suppression(finding: &Finding, parsed: &rollsafe_sql::ParsedFile, text: &str) -> Fix {
        let anchor = statement_at(parsed, finding.primary.range.start).expect("on a statement").range.start;
        rollsafe_diagnostics::suppression_fix(finding, anchor, text, "--")
    }

    fn apply(text: &str, fix: &Fix) -> String {
        let mut out = text.to_string();
        for e in fix.edits.iter().rev() {
            out.replace_range(e.range.as_usize(), &e.replacement);
        }
        out
    }

    #[test]
    fn suppression_goes_above_the_statement_with_its_indent() {
        let text = "BEGIN;\n  ALTER TABLE t DROP COLUMN a;\nCOMMIT;\n";
        let parsed = rollsafe_sql::parse_file(text, Dialect::Postgres);
        let stmt = parsed.statements.iter().find(|s| text[s.range.as_usize()].starts_with("ALTER")).expect("alter");
        let fix = suppression(&finding("column-removed", stmt.range), &parsed, text);
        assert_eq!(apply(text, &fix), "BEGIN;\n  -- rollsafe-allow: column-removed <reason>\n  ALTER TABLE t DROP COLUMN a;\nCOMMIT;\n");
        // The placeholder is no reason: the suppression is reported until someone writes one.
        let reparsed = rollsafe_sql::parse_file(&apply(text, &fix), Dialect::Postgres);
        assert_eq!(reparsed.suppressions[0].reason, None);
    }

    #[test]
    fn suppression_splits_a_line_shared_with_another_statement() {
        let text = "SELECT 1; ALTER TABLE t DROP COLUMN a;";
        let parsed = rollsafe_sql::parse_file(text, Dialect::Postgres);
        let stmt = &parsed.statements[1];
        let fix = suppression(&finding("column-removed", stmt.range), &parsed, text);
        let fixed = apply(text, &fix);
        let reparsed = rollsafe_sql::parse_file(&fixed, Dialect::Postgres);
        let rollsafe_sql::Scope::Range(bound) = reparsed.suppressions[0].scope else { panic!("bound to nothing: {fixed}") };
        assert!(fixed[bound.as_usize()].starts_with("ALTER"), "{fixed}");
    }

    #[test]
    fn unused_comment_is_removed_with_its_line() {
        let text = "-- rollsafe-allow: column-removed old\nALTER TABLE t ADD COLUMN b int;\n";
        let parsed = rollsafe_sql::parse_file(text, Dialect::Postgres);
        let fix = rollsafe_diagnostics::remove_comment("m/0002.sql", parsed.suppressions[0].range, text);
        assert_eq!(apply(text, &fix), "ALTER TABLE t ADD COLUMN b int;\n");
    }

    #[test]
    fn a_rename_becomes_add_backfill_and_sync() {
        let n1 = "CREATE TABLE users (id int, full_name varchar(80) NOT NULL);";
        let text = "ALTER TABLE users RENAME COLUMN full_name TO display_name;";
        let fixed = expanded("column-renamed", n1, text, Dialect::Postgres).expect("fix");
        assert!(fixed.contains("ALTER TABLE users ADD COLUMN display_name varchar(80);"), "{fixed}");
        assert!(fixed.contains("CREATE TRIGGER users_sync_display_name BEFORE INSERT OR UPDATE ON users"), "{fixed}");
        assert!(fixed.ends_with("-- ALTER TABLE users DROP COLUMN full_name;"), "{fixed}");
        // What it writes is SQL rollsafe reads back without loss.
        let reparsed = rollsafe_sql::parse_file(&fixed, Dialect::Postgres);
        assert!(reparsed.statements.iter().all(|s| !matches!(s.kind, StatementKind::NotUnderstood { .. })), "{reparsed:?}");
    }

    #[test]
    fn a_drop_of_a_required_column_relaxes_it_instead() {
        let n1 = "CREATE TABLE users (id int, legacy text NOT NULL);";
        let fixed = expanded("column-removed", n1, "ALTER TABLE users DROP COLUMN legacy;", Dialect::MySql).expect("fix");
        assert!(fixed.contains("ALTER TABLE users MODIFY legacy text NULL;"), "{fixed}");
    }

    #[test]
    fn statements_doing_more_get_no_rewrite() {
        let n1 = "CREATE TABLE users (id int, a text, b text);";
        assert!(expanded("column-removed", n1, "ALTER TABLE users DROP COLUMN a, DROP COLUMN b;", Dialect::Postgres).is_none());
    }
}
