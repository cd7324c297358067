use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;
use rollsafe_sql::ty::TypeChange;

declare_rule! {
    /// ## What it detects
    /// A column that keeps accepting N-1's values but stores them rounded: fewer decimal places
    /// (`numeric(12,4)` → `numeric(12,2)`) or fewer fractional-second digits (`timestamp(6)` →
    /// `timestamp(3)`).
    ///
    /// ## Why it breaks N-1 or rollback
    /// Nothing is rejected, so tests pass, but N-1 writes are silently changed: amounts lose cents,
    /// timestamps lose ordering. Code that reads back what it wrote sees different values.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE prices (id bigint PRIMARY KEY, amount numeric(12,4));
    /// ```
    /// ```sql title="N: migrations/0002_round_prices.sql"
    /// ALTER TABLE prices ALTER COLUMN amount TYPE numeric(12,2);
    /// ```
    ///
    /// ## Use instead
    /// Round in code first; reduce the precision once no release writes more of it.
    /// ```sql title="N: migrations/0002_more_digits.sql"
    /// ALTER TABLE prices ALTER COLUMN amount TYPE numeric(14,4);
    /// ```
    pub static COLUMN_PRECISION_REDUCED = ("column-precision-reduced", Warning, "A column rounds values N-1 writes");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::ColumnType { table, column, old, new, verdict: TypeChange::PrecisionReduced(how), default_change } = &change.kind
        else {
            continue;
        };
        let message = format!(
            "column {table}.{column} changes from {old} to {new}: {how}, so writes from release {} are silently changed",
            cx.baseline
        );
        let message = super::with_default_change(message, default_change);
        let help = "round in code first, and reduce the precision in a later release once no deployed code writes more digits.".to_string();
        out.push(cx.finding(&COLUMN_PRECISION_REDUCED, change, message, "precision reduced here", help));
    }
}
