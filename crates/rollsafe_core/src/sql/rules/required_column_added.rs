use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A column added to an N-1 table as NOT NULL with no default, identity or generation
    /// expression, including one added nullable and made NOT NULL later in the same release.
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1 code does not know the column, so its inserts leave it out and fail with a NOT NULL
    /// violation.
    ///
    /// A table whose rows N-1's own trigger functions insert (a derived table: counters,
    /// aggregates, search documents) gets a note instead when every insert into it by N's trigger
    /// functions names the new column: its rows come from the triggers, and only an insert N-1 code
    /// makes into that table directly would fail.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE users (id bigint PRIMARY KEY, email text);
    /// ```
    /// ```sql title="N: migrations/0002_tenant.sql"
    /// ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;
    /// ```
    ///
    /// ## Use instead
    /// Add it nullable (or with a default), backfill, ship code that writes it, and set NOT NULL in a
    /// later release.
    /// ```sql title="N: migrations/0002_tenant.sql"
    /// ALTER TABLE users ADD COLUMN tenant_id bigint;
    /// ```
    pub static REQUIRED_COLUMN_ADDED = ("required-column-added", Error, "A NOT NULL column without default is added to an N-1 table");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::RequiredColumnAdded { table, column, filled_by } = &change.kind else {
            continue;
        };
        let help =
            format!("add {column} nullable or with a default, backfill it, ship code that writes it, and set NOT NULL in a later release.");
        let Some(function) = filled_by else {
            let message = format!(
                "column {table}.{column} is added as NOT NULL without a default: inserts from release {} do not write it and fail",
                cx.baseline
            );
            out.push(cx.finding(&REQUIRED_COLUMN_ADDED, change, message, "added here", help));
            continue;
        };
        let message = format!(
            "column {table}.{column} is added as NOT NULL without a default; rows of {table} come from trigger function {function}, \
             which fills it, so only inserts into {table} that code from release {} makes directly would fail",
            cx.baseline
        );
        let mut finding = cx.finding(&REQUIRED_COLUMN_ADDED, change, message, "added here", help);
        // Derived tables are written by their triggers; N updated the one that writes this table.
        finding.severity = rollsafe_diagnostics::Severity::Info;
        out.push(finding);
    }
}
