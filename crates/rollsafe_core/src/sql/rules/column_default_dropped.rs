use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A NOT NULL column that had a default (or was an identity/auto-increment column) in N-1 and has
    /// none after this release, including when the default is set and dropped again in separate
    /// statements or files.
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1 code inserts rows without the column and relies on the default; those inserts now fail
    /// with a NOT NULL violation.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE orders (id bigint PRIMARY KEY, status text NOT NULL DEFAULT 'new');
    /// ```
    /// ```sql title="N: migrations/0002_no_default.sql"
    /// ALTER TABLE orders ALTER COLUMN status DROP DEFAULT;
    /// ```
    ///
    /// ## Use instead
    /// Ship code that always writes the column first, and drop the default in a later release.
    /// ```sql title="N: migrations/0002_new_default.sql"
    /// ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new';
    /// ```
    pub static COLUMN_DEFAULT_DROPPED = ("column-default-dropped", Error, "A NOT NULL column loses the default N-1 inserts rely on");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::DefaultDropped { table, column, old } = &change.kind else {
            continue;
        };
        let message = format!(
            "column {table}.{column} is NOT NULL and loses its default ({old}): inserts from release {} that leave it out now fail",
            cx.baseline
        );
        let help = format!("keep the default until every deployed release writes {column}; drop it in a later release.");
        out.push(cx.finding(&COLUMN_DEFAULT_DROPPED, change, message, "default dropped here", help));
    }
}
