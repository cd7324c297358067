use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A view or materialized view of N-1 that is dropped in this release and not replaced by a view
    /// or table of the same name.
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1 code that queries the view fails with "relation does not exist" during the rollout and
    /// after a rollback.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE users (id bigint PRIMARY KEY, active boolean);
    /// CREATE VIEW active_users AS SELECT id FROM users WHERE active;
    /// ```
    /// ```sql title="N: migrations/0002_drop_view.sql"
    /// DROP VIEW active_users;
    /// ```
    ///
    /// ## Use instead
    /// To change a view's columns, drop and recreate it in the same migration, keeping every column
    /// N-1 reads.
    /// ```sql title="N: migrations/0002_recreate_view.sql"
    /// DROP VIEW active_users;
    /// CREATE VIEW active_users AS SELECT id, active FROM users WHERE active;
    /// ```
    pub static VIEW_REMOVED = ("view-removed", Error, "A view N-1 reads is dropped");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::ViewRemoved { materialized } = &change.kind else {
            continue;
        };
        let v = &change.object;
        let what = if *materialized { "materialized view" } else { "view" };
        let message = format!("{what} {v} is removed, but code from release {} may still read it", cx.baseline);
        let help = format!("contract in a later release: first ship a release that no longer reads {v}, then drop it.");
        out.push(cx.finding(&VIEW_REMOVED, change, message, "dropped here", help));
    }
}
