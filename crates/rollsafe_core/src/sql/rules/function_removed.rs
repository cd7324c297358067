use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A function or procedure of N-1 dropped or renamed in this release. Trigger functions
    /// (`RETURNS trigger` or `event_trigger`) are not: only their triggers call them.
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
    /// Replace the body instead (`CREATE OR REPLACE FUNCTION`), or drop it in a later release.
    /// ```sql title="N: migrations/0002_replace_function.sql"
    /// CREATE OR REPLACE FUNCTION add_one(i integer) RETURNS integer LANGUAGE sql AS $$ SELECT i + 1 $$;
    /// ```
    pub static FUNCTION_REMOVED = ("function-removed", Error, "A function N-1 calls is dropped");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::FunctionRemoved { renamed_to } = &change.kind else {
            continue;
        };
        let f = &change.object;
        let (message, label) = match renamed_to {
            Some(to) => {
                (format!("function {f} is renamed to {to}, but code from release {} may still call {f}", cx.baseline), "renamed here")
            }
            None => (format!("function {f} is removed, but code from release {} may still call it", cx.baseline), "dropped here"),
        };
        let help = format!("keep {f} (replace its body if needed) until no deployed code calls it; drop it in a later release.");
        out.push(cx.finding(&FUNCTION_REMOVED, change, message, label, help));
    }
}
