use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A function or procedure of N-1 dropped or renamed in this release, by signature: PostgreSQL
    /// identifies a routine by its schema, name and input argument types, so dropping
    /// `add_one(integer)` and creating `add_one(bigint, integer)` removes the routine N-1 calls. It
    /// is not reported when an overload of N accepts every call N-1 can make (the same number of
    /// arguments, or fewer where they have defaults, of types that convert implicitly, as
    /// `integer` to `bigint`): N-1's calls resolve to it. Trigger functions (`RETURNS trigger` or
    /// `event_trigger`) are not reported: only their triggers call them.
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1 code that calls it fails with "function does not exist"; triggers and defaults that use it
    /// had to go with it.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE FUNCTION add_one(i integer) RETURNS integer LANGUAGE sql AS $$ SELECT i + 1 $$;
    /// ```
    /// ```sql title="N: migrations/0002_drop_function.sql"
    /// DROP FUNCTION add_one(integer);
    /// ```
    ///
    /// ## Use instead
    /// Replace the body instead (`CREATE OR REPLACE FUNCTION`), add the new signature as an
    /// overload next to the old one, or drop it in a later release.
    /// ```sql title="N: migrations/0002_replace_function.sql"
    /// CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer LANGUAGE sql AS $$ SELECT i + 1 $$;
    /// CREATE FUNCTION add_one(i integer, step integer) RETURNS integer LANGUAGE sql AS $$ SELECT i + step $$;
    /// ```
    pub static FUNCTION_REMOVED = ("function-removed", Error, "A function N-1 calls is dropped");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::FunctionRemoved { renamed_to, other_overloads } = &change.kind else {
            continue;
        };
        let f = &change.object;
        let (mut message, label) = match renamed_to {
            Some(to) => {
                (format!("function {f} is renamed to {to}, but code from release {} may still call {f}", cx.baseline), "renamed here")
            }
            None => (format!("function {f} is removed, but code from release {} may still call it", cx.baseline), "dropped here"),
        };
        // Say why the overloads that remain do not take N-1's calls.
        for (overload, why) in other_overloads.iter().take(3) {
            message.push_str(&format!("; {overload} does not accept its calls: {why}"));
        }
        let help = format!("keep {f} (replace its body if needed) until no deployed code calls it; drop it in a later release.");
        out.push(cx.finding(&FUNCTION_REMOVED, change, message, label, help));
    }
}
