use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A column of N-1 that is dropped and added again under the same name in this release, often to
    /// change its type or position.
    ///
    /// ## Why it breaks N-1 or rollback
    /// The name survives but the data does not: every existing row now has the new column's default
    /// or NULL. N-1 code reads the column and gets wrong values without any error.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE users (id bigint PRIMARY KEY, note text);
    /// ```
    /// ```sql title="N: migrations/0002_recreate_note.sql"
    /// ALTER TABLE users DROP COLUMN note;
    /// ALTER TABLE users ADD COLUMN note text;
    /// ```
    ///
    /// ## Use instead
    /// Change the column in place (`ALTER COLUMN … TYPE … USING …`), or add a new column and copy
    /// the data before anything drops the old one.
    /// ```sql title="N: migrations/0002_note_varchar.sql"
    /// ALTER TABLE users ALTER COLUMN note TYPE varchar(2000);
    /// ```
    pub static COLUMN_RECREATED = ("column-recreated", Warning, "A column is dropped and re-added, losing its data");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::ColumnRecreated { table, column, dropped_at } = &change.kind else {
            continue;
        };
        let message = format!(
            "column {table}.{column} is dropped and added again: its data is lost, and code from release {} reads the empty column",
            cx.baseline
        );
        let help = format!(
            "change {column} in place (ALTER COLUMN … TYPE … USING …), or add a new column and copy the data before dropping {column}."
        );
        let f = cx.finding(&COLUMN_RECREATED, change, message, "re-added here", help).related(dropped_at.clone(), "dropped here");
        out.push(f);
    }
}
