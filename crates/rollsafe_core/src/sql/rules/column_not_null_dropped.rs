use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A column that was NOT NULL in N-1 and is nullable after this release.
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1 writes keep working, but once N writes NULLs, N-1 readers that assume a value (non-optional
    /// fields, `NOT NULL` in generated types) fail or misbehave, and rolling the schema back needs a
    /// backfill first.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
    /// ```
    /// ```sql title="N: migrations/0002_email_optional.sql"
    /// ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
    /// ```
    ///
    /// ## Use instead
    /// Make N-1 readers handle NULL first (or do not write NULLs until N-1 is gone).
    /// ```sql title="N: migrations/0002_noop.sql"
    /// COMMENT ON COLUMN users.email IS 'becomes optional in v3';
    /// ```
    pub static COLUMN_NOT_NULL_DROPPED = ("column-not-null-dropped", Warning, "A NOT NULL column becomes nullable");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::NotNullDropped { table, column } = &change.kind else {
            continue;
        };
        let message = format!("column {table}.{column} becomes nullable, but code from release {} may not expect NULL in it", cx.baseline);
        let help = format!("make code from release {} handle a NULL {column} first, or do not write NULLs until it is gone.", cx.baseline);
        out.push(cx.finding(&COLUMN_NOT_NULL_DROPPED, change, message, "NOT NULL dropped here", help));
    }
}
