use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;
use rollsafe_sql::ty::TypeChange;

declare_rule! {
    /// ## What it detects
    /// A column type that accepts more values than in N-1 in a way readers can notice: `integer` →
    /// `bigint`, `varchar(n)` → `text`, `numeric(p, s)` → unbounded `numeric`, `real` → `double
    /// precision`, a MySQL `ENUM` gaining a value. A longer `varchar(n)`, more `numeric` digits and
    /// more fractional-second digits are safe and not reported.
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1 writes keep working, but once N writes values the old type could not hold, N-1 readers may
    /// fail to decode them (a 64-bit id into a 32-bit field, a longer string into a fixed buffer) or
    /// truncate them. A rollback of the schema would have to narrow the column again. Nothing breaks
    /// until such values exist, and on real histories readers coped every time: a note, like a
    /// PostgreSQL enum gaining a value.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE events (id integer PRIMARY KEY, payload text);
    /// ```
    /// ```sql title="N: migrations/0002_bigint_ids.sql"
    /// ALTER TABLE events ALTER COLUMN id TYPE bigint;
    /// ```
    ///
    /// ## Use instead
    /// Widen the column, and make sure N-1 readers can hold the wider values before N writes them
    /// (or delay writing them until N-1 is gone).
    /// ```sql title="N: migrations/0002_noop.sql"
    /// COMMENT ON COLUMN events.id IS 'to become bigint once all readers use 64-bit ids';
    /// ```
    pub static COLUMN_TYPE_WIDENED = ("column-type-widened", Info, "A column type is widened beyond what N-1 readers may decode");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::ColumnType { table, column, old, new, verdict: TypeChange::Widened, default_change } = &change.kind else {
            continue;
        };
        let message = format!(
            "column {table}.{column} is widened from {old} to {new}: writes from release {} still fit, but its readers may not handle the larger values",
            cx.baseline
        );
        let message = super::with_default_change(message, default_change);
        let help =
            format!("make sure code from release {} reads {new} values correctly before this release starts writing them.", cx.baseline);
        out.push(cx.finding(&COLUMN_TYPE_WIDENED, change, message, "widened here", help));
    }
}
