use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A view or materialized view of N-1 renamed or moved to another schema in this release.
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1 code still queries the old name and fails with "relation does not exist".
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE users (id bigint PRIMARY KEY, active boolean);
    /// CREATE VIEW active_users AS SELECT id FROM users WHERE active;
    /// ```
    /// ```sql title="N: migrations/0002_rename_view.sql"
    /// ALTER VIEW active_users RENAME TO current_users;
    /// ```
    ///
    /// ## Use instead
    /// Create the view under its new name next to the old one; drop the old one in a later release.
    /// ```sql title="N: migrations/0002_new_view.sql"
    /// CREATE VIEW current_users AS SELECT id FROM users WHERE active;
    /// ```
    pub static VIEW_RENAMED = ("view-renamed", Error, "A view N-1 reads is renamed");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::ViewRenamed { to } = &change.kind else {
            continue;
        };
        let v = &change.object;
        let message = format!("view {v} is renamed to {to}, but code from release {} may still read {v}", cx.baseline);
        let help = format!("create {to} as a new view and keep {v} until no deployed code reads it; drop {v} in a later release.");
        out.push(cx.finding(&VIEW_RENAMED, change, message, "renamed here", help));
    }
}
