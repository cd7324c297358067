use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A column of an N-1 table renamed in this release (`RENAME COLUMN`, MySQL `CHANGE`).
    ///
    /// ## Why it breaks N-1 or rollback
    /// A rename is atomic in the database but not in the fleet: N-1 code still uses the old name and
    /// fails with "column does not exist" from the moment the migration runs until the last N-1
    /// instance is gone, and again after a rollback.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE users (id bigint PRIMARY KEY, full_name text);
    /// ```
    /// ```sql title="N: migrations/0002_rename.sql"
    /// ALTER TABLE users RENAME COLUMN full_name TO display_name;
    /// ```
    ///
    /// ## Use instead
    /// Expand and contract over releases: add the new column, write both (in code or with a
    /// trigger), backfill, switch reads to the new column, and drop the old one once no deployed
    /// release uses it.
    /// ```sql title="N: migrations/0002_add_display_name.sql"
    /// ALTER TABLE users ADD COLUMN display_name text;
    /// UPDATE users SET display_name = full_name WHERE display_name IS NULL;
    /// ```
    ///
    /// In an editor, the quick fix on this finding replaces a single-column `RENAME COLUMN` with
    /// that expand step (add, backfill, and a trigger keeping both columns in sync in PostgreSQL and
    /// MySQL) and leaves the contract step as a comment.
    pub static COLUMN_RENAMED = ("column-renamed", Error, "A column N-1 uses is renamed");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::ColumnRenamed { table, column, to } = &change.kind else {
            continue;
        };
        let message = format!("column {table}.{column} is renamed to {to}, but code from release {} may still use {column}", cx.baseline);
        let help = format!(
            "rename in steps: add {to}, write both columns (in code or with a trigger), backfill {to}, switch reads to {to}, \
             and drop {column} in a later release once no deployed code uses it."
        );
        let mut finding = cx.finding(&COLUMN_RENAMED, change, message, "renamed here", help);
        // The quick fix: the expand step in place of the statement.
        finding.fix = cx.expand_step(&finding);
        out.push(finding);
    }
}
