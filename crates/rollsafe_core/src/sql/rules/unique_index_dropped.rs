use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A unique index, unique constraint or primary key of N-1 dropped in this release while its
    /// columns stay.
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1 code that upserts (`ON CONFLICT (email)`, `INSERT … ON DUPLICATE KEY`) fails with "no unique
    /// constraint matching", and code that assumed uniqueness starts reading duplicates. Once
    /// duplicates exist, the index cannot be recreated for a rollback.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE);
    /// ```
    /// ```sql title="N: migrations/0002_drop_unique.sql"
    /// ALTER TABLE users DROP CONSTRAINT users_email_key;
    /// ```
    ///
    /// ## Use instead
    /// Replace the index before dropping it, in the same migration.
    /// ```sql title="N: migrations/0002_swap_unique.sql"
    /// CREATE UNIQUE INDEX users_email_unique ON users (email);
    /// ALTER TABLE users DROP CONSTRAINT users_email_key;
    /// ```
    pub static UNIQUE_INDEX_DROPPED = ("unique-index-dropped", Warning, "A unique index or constraint N-1 relies on is dropped");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::UniqueDropped { table, name, label, columns } = &change.kind else {
            continue;
        };
        let message = format!(
            "{label} {name} on {table} ({cols}) is dropped: upserts from release {} that target ({cols}) fail, and duplicate ({cols}) values become possible",
            cx.baseline,
            cols = columns.join(", "),
        );
        let help = "keep uniqueness until code no longer relies on it; to change the index, create the new one before dropping the old."
            .to_string();
        out.push(cx.finding(&UNIQUE_INDEX_DROPPED, change, message, "dropped here", help));
    }
}
