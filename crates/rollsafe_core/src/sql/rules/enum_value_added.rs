use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A value added to an enum type of N-1.
    ///
    /// ## Why it matters for N-1
    /// N-1 writes are unaffected, but once N writes the new value, N-1 readers that map the enum to a
    /// closed set (generated types, `switch` without a default) may fail on it. Usually fine; worth
    /// knowing.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TYPE mood AS ENUM ('sad', 'happy');
    /// ```
    /// ```sql title="N: migrations/0002_meh.sql"
    /// ALTER TYPE mood ADD VALUE 'meh';
    /// ```
    ///
    /// ## Use instead
    /// Nothing to change; make sure N-1 readers tolerate unknown values before N writes the new one.
    /// ```sql title="N: migrations/0002_noop.sql"
    /// COMMENT ON TYPE mood IS 'meh arrives in v3';
    /// ```
    pub static ENUM_VALUE_ADDED = ("enum-value-added", Info, "An enum gains a value N-1 readers do not know");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::EnumValueAdded { ty, value } = &change.kind else {
            continue;
        };
        let message = format!("enum {ty} gains value '{value}', which code from release {} has never seen", cx.baseline);
        let help = format!("make sure readers from release {} tolerate unknown values before this release writes '{value}'.", cx.baseline);
        out.push(cx.finding(&ENUM_VALUE_ADDED, change, message, "added here", help));
    }
}
