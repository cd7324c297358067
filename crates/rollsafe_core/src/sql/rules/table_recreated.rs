use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A table of N-1 that is dropped (or renamed away) and created again under the same name in this
    /// release, without its rows being copied into place (SQLite's rebuild and online schema change
    /// tools, which rename a filled copy into place, are not reported).
    ///
    /// ## Why it breaks N-1 or rollback
    /// The name survives but the data does not: N-1 code reads an empty table and gets wrong
    /// answers without any error, and a rollback cannot bring the rows back.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE settings (key text PRIMARY KEY, value text);
    /// ```
    /// ```sql title="N: migrations/0002_recreate.sql"
    /// DROP TABLE settings;
    /// CREATE TABLE settings (key text PRIMARY KEY, value text);
    /// ```
    ///
    /// ## Use instead
    /// Change the table in place, or build the new one beside it, copy the rows, and swap names.
    /// ```sql title="N: migrations/0002_widen.sql"
    /// ALTER TABLE settings ADD COLUMN updated_at timestamptz;
    /// ```
    pub static TABLE_RECREATED = ("table-recreated", Warning, "A table is dropped and created again, losing its rows");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::TableRecreated { dropped_at } = &change.kind else { continue };
        let t = &change.object;
        let message = format!("table {t} is replaced by a new, empty table: its rows are gone for code from release {}", cx.baseline);
        let help = format!("change {t} in place, or fill the new table from the old one before swapping names.");
        out.push(
            cx.finding(&TABLE_RECREATED, change, message, "created again here", help)
                .related(dropped_at.clone(), "the original is dropped or renamed away here"),
        );
    }
}
