use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// An enum value of N-1 renamed in place (`ALTER TYPE … RENAME VALUE`).
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1 code still writes and compares the old label: writes fail ("invalid input value for enum")
    /// and reads see a label it does not know.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TYPE mood AS ENUM ('sad', 'happy');
    /// ```
    /// ```sql title="N: migrations/0002_rename_value.sql"
    /// ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';
    /// ```
    ///
    /// ## Use instead
    /// Add the new value, write it from code, move rows over, and stop using the old one later.
    /// ```sql title="N: migrations/0002_add_value.sql"
    /// ALTER TYPE mood ADD VALUE 'blue';
    /// ```
    pub static ENUM_VALUE_RENAMED = ("enum-value-renamed", Error, "An enum value N-1 uses is renamed");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::EnumValueRenamed { ty, value, to } = &change.kind else {
            continue;
        };
        let message =
            format!("enum {ty} value '{value}' is renamed to '{to}', but code from release {} may still write '{value}'", cx.baseline);
        let help = format!("add '{to}' as a new value, switch code to it, move rows over, and retire '{value}' in a later release.");
        out.push(cx.finding(&ENUM_VALUE_RENAMED, change, message, "renamed here", help));
    }
}
