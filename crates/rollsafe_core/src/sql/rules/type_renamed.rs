use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A user-defined type of N-1 renamed or moved to another schema in this release.
    ///
    /// ## Why it breaks N-1 or rollback
    /// Columns follow the type, but N-1 code that names it (casts such as `'sad'::mood`, function
    /// signatures, explicit parameter types) fails with "type does not exist".
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TYPE mood AS ENUM ('sad', 'happy');
    /// ```
    /// ```sql title="N: migrations/0002_rename_mood.sql"
    /// ALTER TYPE mood RENAME TO feeling;
    /// ```
    ///
    /// ## Use instead
    /// Keep the name; if it must change, ship code that no longer names the type first.
    /// ```sql title="N: migrations/0002_noop.sql"
    /// COMMENT ON TYPE mood IS 'to be renamed to feeling in v3';
    /// ```
    pub static TYPE_RENAMED = ("type-renamed", Error, "A type N-1 names is renamed");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::TypeRenamed { to } = &change.kind else {
            continue;
        };
        let t = &change.object;
        let message = format!("type {t} is renamed to {to}, but code from release {} may still name {t}", cx.baseline);
        let help = format!("first ship a release whose code no longer names {t} (casts, parameter types), then rename it.");
        out.push(cx.finding(&TYPE_RENAMED, change, message, "renamed here", help));
    }
}
