use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A table of N-1 renamed (or replaced) with a view under its old name, a compatibility view,
    /// that the database cannot write through: it joins tables, aggregates, groups, uses
    /// `DISTINCT`, `LIMIT`, `WITH` or a set operation (PostgreSQL's and MySQL's rules for
    /// automatically updatable views; SQLite writes through no view), and no `INSTEAD OF` trigger
    /// on the view writes for it. A compatibility view is also held to the columns and types N-1
    /// reads: a column it leaves out is `column-removed`, one it passes with another type is a
    /// column type change.
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1 code still inserts, updates and deletes rows of the table by its old name; against
    /// such a view those statements fail ("cannot insert into view"). If N-1 only reads the table,
    /// say so with a suppression.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, plan text);
    /// CREATE TABLE plans (user_id bigint PRIMARY KEY, name text NOT NULL);
    /// ```
    /// ```sql title="N: migrations/0002_accounts.sql"
    /// ALTER TABLE users RENAME TO accounts;
    /// ALTER TABLE accounts DROP COLUMN plan;
    /// CREATE VIEW users AS
    ///     SELECT a.id, a.email, p.name AS plan FROM accounts a LEFT JOIN plans p ON p.user_id = a.id;
    /// ```
    ///
    /// ## Use instead
    /// Keep the view over one table (move the column in a later release), or give it `INSTEAD OF`
    /// triggers that write the underlying tables.
    /// ```sql title="N: migrations/0002_accounts.sql"
    /// ALTER TABLE users RENAME TO accounts;
    /// CREATE VIEW users AS SELECT id, email, plan FROM accounts;
    /// ```
    pub static COMPAT_VIEW_NOT_WRITABLE = ("compat-view-not-writable", Error, "A view left under an N-1 table's name cannot be written through");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::ShimNotWritable { view, why } = &change.kind else {
            continue;
        };
        let table = &change.object;
        let message = format!(
            "view {view} stands in for table {table}, but the database cannot write through it ({why}): inserts, updates and deletes on {table} from release {} fail",
            cx.baseline
        );
        let help = format!(
            "keep {view} a plain view over one table, or add INSTEAD OF INSERT/UPDATE/DELETE triggers on it that write the underlying tables; if release {} only reads {table}, suppress this with that reason.",
            cx.baseline
        );
        out.push(cx.finding(&COMPAT_VIEW_NOT_WRITABLE, change, message, "view defined here", help));
    }
}
