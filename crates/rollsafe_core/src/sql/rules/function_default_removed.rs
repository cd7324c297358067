use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// An argument of a function N-1 calls had a default in N-1 and has none in N (the function
    /// was dropped and created again with the same argument types; PostgreSQL refuses to remove a
    /// default with `CREATE OR REPLACE`).
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1 calls that leave the argument out fail with "function does not exist": no routine of
    /// that name takes that few arguments.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE FUNCTION add_points(player text, points integer DEFAULT 1) RETURNS void
    ///     LANGUAGE sql AS $$ SELECT $$;
    /// ```
    /// ```sql title="N: migrations/0002_points_required.sql"
    /// DROP FUNCTION add_points(text, integer);
    /// CREATE FUNCTION add_points(player text, points integer) RETURNS void
    ///     LANGUAGE sql AS $$ SELECT $$;
    /// ```
    ///
    /// ## Use instead
    /// Keep the default until no release calls the function without the argument.
    /// ```sql title="N: migrations/0002_points_required.sql"
    /// CREATE OR REPLACE FUNCTION add_points(player text, points integer DEFAULT 1) RETURNS void
    ///     LANGUAGE sql AS $$ SELECT $$;
    /// ```
    pub static FUNCTION_DEFAULT_REMOVED = ("function-default-removed", Error, "An argument N-1's calls may leave out loses its default");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::FunctionDefaultRemoved { argument } = &change.kind else {
            continue;
        };
        let f = &change.object;
        let message =
            format!("argument {argument} of function {f} loses its default: calls from release {} that leave it out fail", cx.baseline);
        let help = format!("keep the default of {argument} until no deployed code calls {f} without it.");
        out.push(cx.finding(&FUNCTION_DEFAULT_REMOVED, change, message, "default removed here", help));
    }
}
