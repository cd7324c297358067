use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A table that exists in N-1 and is dropped (or otherwise gone) after this release's migrations.
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1 code that reads or writes the table fails with "relation does not exist" during the rollout
    /// and after a rollback, and the data cannot be restored by rolling the schema back.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE audit_log (id bigint PRIMARY KEY, note text);
    /// ```
    /// ```sql title="N: migrations/0002_drop_audit_log.sql"
    /// DROP TABLE audit_log;
    /// ```
    ///
    /// ## Use instead
    /// Stop using the table in one release (code only), and drop it in the next.
    /// ```sql title="N: migrations/0002_comment.sql"
    /// COMMENT ON TABLE audit_log IS 'unused since v2; drop in v3';
    /// ```
    pub static TABLE_REMOVED = ("table-removed", Error, "A table N-1 uses is dropped");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::TableRemoved = &change.kind else {
            continue;
        };
        let t = &change.object;
        let message = format!("table {t} is removed, but code from release {} may still use it", cx.baseline);
        let help = format!("contract in a later release: first ship a release that no longer reads or writes {t}, then drop it.");
        out.push(cx.finding(&TABLE_REMOVED, change, message, "dropped here", help));
    }
}
