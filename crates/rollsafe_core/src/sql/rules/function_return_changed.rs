use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A function N-1 calls returns something else in N: another type, a set instead of one value
    /// (or the reverse), or a `RETURNS TABLE` (or `OUT` arguments) without a column N-1 reads or
    /// with a column of another type. Columns added to a `RETURNS TABLE` are not reported. When
    /// the N-1 signature is gone and an overload takes its calls, the overload's result is
    /// compared. PostgreSQL refuses `CREATE OR REPLACE` with another return type, so such a
    /// release drops and recreates the function.
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1 code reads the result as it was: a column it selects from the function is missing, or
    /// its driver decodes a value of another type.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE FUNCTION order_totals(customer bigint) RETURNS TABLE (order_id bigint, total numeric)
    ///     LANGUAGE sql STABLE AS $$ SELECT 1::bigint, 2::numeric $$;
    /// ```
    /// ```sql title="N: migrations/0002_totals_in_cents.sql"
    /// DROP FUNCTION order_totals(bigint);
    /// CREATE FUNCTION order_totals(customer bigint) RETURNS TABLE (order_id bigint, total_cents bigint)
    ///     LANGUAGE sql STABLE AS $$ SELECT 1::bigint, 200::bigint $$;
    /// ```
    ///
    /// ## Use instead
    /// Add a function under a new name (or keep returning the old columns and add new ones), and
    /// drop the old one once no release calls it.
    /// ```sql title="N: migrations/0002_totals_in_cents.sql"
    /// CREATE FUNCTION order_totals_cents(customer bigint) RETURNS TABLE (order_id bigint, total_cents bigint)
    ///     LANGUAGE sql STABLE AS $$ SELECT 1::bigint, 200::bigint $$;
    /// ```
    pub static FUNCTION_RETURN_CHANGED = ("function-return-changed", Error, "A function N-1 calls returns another type or loses a result column");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::FunctionReturnChanged { old, new, detail, via } = &change.kind else {
            continue;
        };
        let f = &change.object;
        let message = match via {
            Some(overload) => format!(
                "calls to function {f} now resolve to {overload}, which returns {new} instead of {old} ({detail}); code from release {} reads the old result",
                cx.baseline
            ),
            None => format!(
                "function {f} now returns {new} instead of {old} ({detail}); code from release {} reads the old result",
                cx.baseline
            ),
        };
        let help = format!(
            "keep {f} returning what it did and add the new result under a new function name; drop {f} once no deployed code calls it."
        );
        out.push(cx.finding(&FUNCTION_RETURN_CHANGED, change, message, "result changed here", help));
    }
}
