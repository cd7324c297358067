use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// An enum type of N-1 that no longer has one of its values, typically after recreating the type
    /// (PostgreSQL cannot drop an enum value in place).
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1 code writes the value and the database now rejects it ("invalid input value for enum");
    /// rows that held it had to be converted, so a rollback cannot restore them.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
    /// ```
    /// ```sql title="N: migrations/0002_no_sad.sql"
    /// ALTER TYPE mood RENAME TO mood_old;
    /// CREATE TYPE mood AS ENUM ('ok', 'happy');
    /// DROP TYPE mood_old;
    /// ```
    ///
    /// ## Use instead
    /// Stop writing the value first; migrate rows away from it; remove it in a later release.
    /// ```sql title="N: migrations/0002_add_value.sql"
    /// ALTER TYPE mood ADD VALUE 'meh';
    /// ```
    pub static ENUM_VALUE_REMOVED = ("enum-value-removed", Error, "An enum value N-1 writes is removed");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::EnumValueRemoved { ty, value } = &change.kind else {
            continue;
        };
        let message = format!("enum {ty} loses value '{value}', which code from release {} may write", cx.baseline);
        let help = format!("ship code that no longer writes '{value}', move rows off it, and recreate {ty} without it in a later release.");
        out.push(cx.finding(&ENUM_VALUE_REMOVED, change, message, "recreated without it here", help));
    }
}
