use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A function N-1 calls runs differently for its callers: `SECURITY DEFINER` switched on or
    /// off, or its volatility made weaker (`IMMUTABLE` to `STABLE` or `VOLATILE`, `STABLE` to
    /// `VOLATILE`), by `ALTER FUNCTION` or by replacing it.
    ///
    /// ## Why it breaks N-1 or rollback
    /// With `SECURITY INVOKER` the function runs with the caller's rights: N-1's role may lack
    /// rights on the tables it reads or writes (and with `SECURITY DEFINER` it gains its owner's,
    /// which row-level security no longer filters). A function no longer `IMMUTABLE` cannot be used
    /// in an index expression, a generated column or a partition key, and one no longer `STABLE`
    /// is evaluated again for every row of N-1's queries.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE FUNCTION current_tenant() RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER
    ///     AS $$ SELECT 1::bigint $$;
    /// ```
    /// ```sql title="N: migrations/0002_invoker.sql"
    /// ALTER FUNCTION current_tenant() SECURITY INVOKER;
    /// ```
    ///
    /// ## Use instead
    /// Grant N-1's roles what the function needs first; then switch it in a later release.
    /// ```sql title="N: migrations/0002_invoker.sql"
    /// -- GRANT SELECT ON tenants TO app; then, in the next release:
    /// -- ALTER FUNCTION current_tenant() SECURITY INVOKER;
    /// ```
    pub static FUNCTION_BEHAVIOUR_CHANGED = ("function-behaviour-changed", Warning, "A function N-1 calls changes SECURITY DEFINER or becomes less strict in volatility");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::FunctionBehaviourChanged { what, security } = &change.kind else {
            continue;
        };
        let f = &change.object;
        let (message, help) = if *security {
            (
                format!("function {f} changes from {what}: it runs with other rights for code from release {}", cx.baseline),
                "check that every role calling it has the rights it needs under the new setting before switching it; switch it in a later release otherwise.".to_string(),
            )
        } else {
            (
                format!(
                    "function {f} changes from {what}: indexes, generated columns and queries of release {} may rely on the stricter class",
                    cx.baseline
                ),
                format!("keep {f} as strict as it was, or add a new function with the weaker class and move callers to it."),
            )
        };
        out.push(cx.finding(&FUNCTION_BEHAVIOUR_CHANGED, change, message, "changed here", help));
    }
}
