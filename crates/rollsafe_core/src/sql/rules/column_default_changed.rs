use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A column whose default differs from N-1's, or a nullable column that loses its default.
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1 inserts that leave the column out get the new default (or NULL) instead of the value N-1
    /// code was written for. Nothing fails; the data changes meaning.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE orders (id bigint PRIMARY KEY, status text NOT NULL DEFAULT 'new');
    /// ```
    /// ```sql title="N: migrations/0002_pending.sql"
    /// ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'pending';
    /// ```
    ///
    /// ## Use instead
    /// Make code write the value explicitly; change the default once N-1 is gone.
    /// ```sql title="N: migrations/0002_noop.sql"
    /// COMMENT ON COLUMN orders.status IS 'default becomes pending in v3';
    /// ```
    pub static COLUMN_DEFAULT_CHANGED = ("column-default-changed", Warning, "A column default N-1 relies on changes");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::DefaultChanged { table, column, old, new } = &change.kind else {
            continue;
        };
        let old = old.as_deref().unwrap_or("none");
        let message = match new {
            Some(new) => format!(
                "column {table}.{column} changes its default from {old} to {new}: inserts from release {} that leave it out get {new}",
                cx.baseline
            ),
            None => format!(
                "column {table}.{column} loses its default ({old}): inserts from release {} that leave it out get NULL",
                cx.baseline
            ),
        };
        let help = format!("have code write {column} explicitly, and change the default in a later release.");
        out.push(cx.finding(&COLUMN_DEFAULT_CHANGED, change, message, "default changed here", help));
    }
}
