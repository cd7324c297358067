use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A column that was nullable in N-1 and is NOT NULL after this release: `SET NOT NULL`, a primary
    /// key over it, a MySQL `MODIFY … NOT NULL`, or the same reached in several statements or files.
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1 code may insert rows without the column or write NULL to it explicitly; those writes now
    /// fail. When the column has a default, writes that leave it out get the default and only an
    /// explicit NULL fails: the finding is then a note (on real histories, N-1 code wrote no NULL
    /// to such columns in 12 of 13 cases). `[rules] column-not-null-added = "error"` makes it an
    /// error again.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE users (id bigint PRIMARY KEY, email text);
    /// ```
    /// ```sql title="N: migrations/0002_email_required.sql"
    /// ALTER TABLE users ALTER COLUMN email SET NOT NULL;
    /// ```
    ///
    /// ## Use instead
    /// Ship code that always writes a value first, backfill NULLs, then enforce it without locking
    /// (`ADD CONSTRAINT … CHECK (email IS NOT NULL) NOT VALID`, `VALIDATE CONSTRAINT`) and set NOT
    /// NULL in a later release.
    /// ```sql title="N: migrations/0002_backfill.sql"
    /// UPDATE users SET email = '' WHERE email IS NULL;
    /// ```
    pub static COLUMN_NOT_NULL_ADDED = ("column-not-null-added", Error, "A column N-1 may leave NULL becomes NOT NULL");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::NotNullAdded { table, column, has_default } = &change.kind else {
            continue;
        };
        let message = if *has_default {
            format!(
                "column {table}.{column} becomes NOT NULL: writes from release {} that leave it out get its default, but any that write NULL to it explicitly fail",
                cx.baseline
            )
        } else {
            format!("column {table}.{column} becomes NOT NULL, but code from release {} may write NULL to it", cx.baseline)
        };
        let help = format!(
            "ship code that always writes {column} first, backfill NULLs, add CHECK ({column} IS NOT NULL) NOT VALID and validate it, \
             and set NOT NULL in a later release."
        );
        let mut finding = cx.finding(&COLUMN_NOT_NULL_ADDED, change, message, "NOT NULL added here", help);
        if *has_default {
            finding.severity = rollsafe_diagnostics::Severity::Info;
        }
        out.push(finding);
    }
}
