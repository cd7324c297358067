use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;
use rollsafe_sql::ty::TypeChange;

declare_rule! {
    /// ## What it detects
    /// A column whose type changes to another kind of type: `integer` → `numeric`, `integer` →
    /// `text`, `varchar` → `char(n)`, `json` → `jsonb`, one enum type to another. In SQLite, a change
    /// of type affinity. (PostgreSQL's `timestamp` ↔ `timestamptz` and `text` ↔ `citext` are
    /// `column-type-reinterpreted`.)
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1 code decodes the column as the old type (drivers and ORMs map types by their database
    /// type) and sends parameters of the old type; both fail or silently change meaning.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE accounts (id bigint PRIMARY KEY, balance integer);
    /// ```
    /// ```sql title="N: migrations/0002_balance_numeric.sql"
    /// ALTER TABLE accounts ALTER COLUMN balance TYPE numeric(12,2);
    /// ```
    ///
    /// ## Use instead
    /// Add a column of the new type, write both, backfill, switch reads, and drop the old column in a
    /// later release.
    /// ```sql title="N: migrations/0002_add_balance_exact.sql"
    /// ALTER TABLE accounts ADD COLUMN balance_exact numeric(12,2);
    /// ```
    pub static COLUMN_TYPE_CHANGED = ("column-type-changed", Error, "A column changes to another kind of type");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::ColumnType { table, column, old, new, verdict: TypeChange::FamilyChanged, default_change } = &change.kind else {
            continue;
        };
        let message = format!(
            "column {table}.{column} changes type from {old} to {new}, but code from release {} reads and writes it as {old}",
            cx.baseline
        );
        let message = super::with_default_change(message, default_change);
        let help = format!(
            "add a new column of type {new}, write both columns, backfill, switch reads to the new column, \
             and drop {column} in a later release."
        );
        out.push(cx.finding(&COLUMN_TYPE_CHANGED, change, message, "type changed here", help));
    }
}
