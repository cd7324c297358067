use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A table renamed or moved to another schema (`RENAME TO`, `SET SCHEMA`, MySQL `RENAME TABLE`),
    /// with nothing left under the old name.
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1 code still queries the old name and fails with "relation does not exist" until the last
    /// N-1 instance is gone, and again after a rollback.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE users (id bigint PRIMARY KEY, email text);
    /// ```
    /// ```sql title="N: migrations/0002_rename.sql"
    /// ALTER TABLE users RENAME TO accounts;
    /// ```
    ///
    /// ## Use instead
    /// Leave a compatibility view under the old name (a simple view is updatable in PostgreSQL, so
    /// N-1 writes keep working), and drop the view in a later release.
    /// ```sql title="N: migrations/0002_rename.sql"
    /// ALTER TABLE users RENAME TO accounts;
    /// CREATE VIEW users AS SELECT * FROM accounts;
    /// ```
    pub static TABLE_RENAMED = ("table-renamed", Error, "A table N-1 uses is renamed");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::TableRenamed { to } = &change.kind else {
            continue;
        };
        let t = &change.object;
        let message = format!("table {t} is renamed to {to}, but code from release {} may still use {t}", cx.baseline);
        let help = format!(
            "keep the old name working: create a view {t} over {to} in the same migration (CREATE VIEW {t} AS SELECT * FROM {to}), \
             and drop the view in a later release once no deployed code uses {t}."
        );
        out.push(cx.finding(&TABLE_RENAMED, change, message, "renamed here", help));
    }
}
