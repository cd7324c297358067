use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};
use rollsafe_sql::catalog::RefusalReason;

declare_rule! {
    /// ## What it detects
    /// A statement PostgreSQL refuses because other objects depend on what it drops or changes:
    /// `DROP TABLE`, `DROP COLUMN`, `DROP VIEW`, `DROP FUNCTION`, `DROP TYPE`/`DOMAIN`,
    /// `DROP SEQUENCE`, `DROP EXTENSION` or `DROP SCHEMA` without `CASCADE` while a view reads the
    /// object, a foreign key references it, a trigger executes the function, a column has the type
    /// or a default calls the sequence or function; and `ALTER COLUMN … TYPE` of a column a view
    /// reads, which no `CASCADE` allows. rollsafe tracks these dependencies as PostgreSQL records
    /// them (`pg_depend`): every column a view's query names, wherever it names it.
    ///
    /// ## Why it breaks N-1 or rollback
    /// The migration fails when it is deployed: the release stops half-way, with whatever its
    /// earlier migrations did already applied. MySQL and SQLite accept these statements and leave
    /// the view broken instead, so this rule is about PostgreSQL histories.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE scores (player text PRIMARY KEY, points integer NOT NULL, bonus integer);
    /// CREATE VIEW leaderboard AS SELECT player, points + bonus AS total FROM scores;
    /// ```
    /// ```sql title="N: migrations/0002_drop_bonus.sql"
    /// ALTER TABLE scores DROP COLUMN bonus;
    /// ```
    ///
    /// ## Use instead
    /// Redefine the dependent view without the column first, keeping every column N-1 reads from
    /// it, and drop the column once no release reads it. (`CASCADE` would drop the view, which
    /// N-1 still reads.)
    /// ```sql title="N: migrations/0002_drop_bonus.sql"
    /// CREATE OR REPLACE VIEW leaderboard AS SELECT player, points AS total FROM scores;
    /// -- next release: ALTER TABLE scores DROP COLUMN bonus;
    /// ```
    pub static REFUSED_BY_DEPENDENTS = ("refused-by-dependents", Error, "PostgreSQL refuses the statement: other objects depend on what it drops or changes");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::StatementRefused { reason, dependents } = &change.kind else {
            continue;
        };
        let statement = &change.object;
        let named = list(dependents);
        let (message, help) = match reason {
            RefusalReason::NeedsCascade => (
                format!("PostgreSQL refuses `{statement}`: {named} {} on it, and the migration fails", depend(dependents)),
                format!(
                    "drop or redefine {named} first, in the same migration; CASCADE would drop {} as well, and code from release {} may still use {}",
                    it_them(dependents),
                    cx.baseline,
                    it_them(dependents)
                ),
            ),
            RefusalReason::TypeOfViewColumn => (
                format!("PostgreSQL refuses `{statement}`: {named} {} the column, and the migration fails", read(dependents)),
                format!(
                    "PostgreSQL cannot change the type of a column a view reads. Expand and contract instead: add a column of the new type, keep both in sync, point {named} at the new column, and drop the old column once release {} is gone",
                    cx.baseline
                ),
            ),
        };
        out.push(cx.finding(&REFUSED_BY_DEPENDENTS, change, message, "refused here", help));
    }
}

/// `view a`, `view a and trigger b`, `view a, view b and 3 more`.
fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [a, b, c] => format!("{a}, {b} and {c}"),
        [a, b, rest @ ..] => format!("{a}, {b} and {} more", rest.len()),
    }
}

fn depend(items: &[String]) -> &'static str {
    if items.len() == 1 { "depends" } else { "depend" }
}

fn read(items: &[String]) -> &'static str {
    if items.len() == 1 { "reads" } else { "read" }
}

fn it_them(items: &[String]) -> &'static str {
    if items.len() == 1 { "it" } else { "them" }
}
