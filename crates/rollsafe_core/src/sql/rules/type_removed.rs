use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A user-defined type of N-1 (enum, composite, domain) that is dropped in this release.
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1 code that casts to the type (`'sad'::mood`) or passes it as a parameter type fails, and
    /// `DROP TYPE … CASCADE` also drops every column of that type.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TYPE mood AS ENUM ('sad', 'happy');
    /// ```
    /// ```sql title="N: migrations/0002_drop_mood.sql"
    /// DROP TYPE mood;
    /// ```
    ///
    /// ## Use instead
    /// Stop using the type in one release and drop it in a later one.
    /// ```sql title="N: migrations/0002_noop.sql"
    /// COMMENT ON TYPE mood IS 'unused since v2';
    /// ```
    pub static TYPE_REMOVED = ("type-removed", Error, "A type N-1 uses is dropped");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::TypeRemoved = &change.kind else {
            continue;
        };
        let t = &change.object;
        let message = format!("type {t} is removed, but code from release {} may still use it", cx.baseline);
        let help = format!("contract in a later release: first ship a release that no longer uses {t}, then drop it.");
        out.push(cx.finding(&TYPE_REMOVED, change, message, "dropped here", help));
    }
}
