use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;
use rollsafe_sql::ty::TypeChange;

declare_rule! {
    /// ## What it detects
    /// A PostgreSQL column type change between types the database casts implicitly both ways, so
    /// that N-1's reads and writes keep working but its values mean something else to clients:
    /// `timestamp` ↔ `timestamptz` and `time` ↔ `timetz` (values are read in the session's time
    /// zone), `varchar`/`text` ↔ `citext` (comparisons become case-insensitive, or stop being).
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1 keeps running, but a client library may decode the column into another type (a
    /// zone-aware instant instead of a local date-time) or see different results from comparisons
    /// and unique keys (`'A'` and `'a'` collide in `citext`). Whether N-1 notices depends on its
    /// driver and session settings, so this is a warning, not an error.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE events (id bigint PRIMARY KEY, at timestamp NOT NULL);
    /// ```
    /// ```sql title="N: migrations/0002_zoned.sql"
    /// ALTER TABLE events ALTER COLUMN at TYPE timestamptz;
    /// ```
    ///
    /// ## Use instead
    /// Check that N-1's driver decodes the new type as it did the old one (and that sessions use the
    /// time zone the data was written in), or add a column of the new type and switch readers first.
    /// ```sql title="N: migrations/0002_zoned.sql"
    /// ALTER TABLE events ADD COLUMN at_zoned timestamptz;
    /// ```
    pub static COLUMN_TYPE_REINTERPRETED = ("column-type-reinterpreted", Warning, "A column type changes how clients read its values");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::ColumnType { table, column, old, new, verdict: TypeChange::Reinterpreted(how), default_change } = &change.kind
        else {
            continue;
        };
        let message = format!(
            "column {table}.{column} changes type from {old} to {new}: PostgreSQL converts between them, so writes from release {} still work, but {how}",
            cx.baseline
        );
        let message = super::with_default_change(message, default_change);
        let help = format!(
            "make sure the driver of release {} decodes {new} as it decoded {old}; otherwise add a {new} column and move readers first.",
            cx.baseline
        );
        out.push(cx.finding(&COLUMN_TYPE_REINTERPRETED, change, message, "type changed here", help));
    }
}
