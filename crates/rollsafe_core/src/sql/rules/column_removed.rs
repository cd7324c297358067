use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A column that exists in the previous release (N-1) and is gone after this release's
    /// migrations: dropped, lost in a table rebuild, or missing from a view that replaced its table.
    ///
    /// ## Why it breaks N-1 or rollback
    /// While N rolls out, and after a rollback, N-1 code runs against the new schema. Every query of
    /// N-1 that selects, filters on or inserts the column fails with "column does not exist". The data
    /// is gone too, so rolling the schema back does not bring it back.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE users (id bigint PRIMARY KEY, full_name text);
    /// ```
    /// ```sql title="N: migrations/0002_drop_full_name.sql"
    /// ALTER TABLE users DROP COLUMN full_name;
    /// ```
    ///
    /// ## Use instead
    /// Contract in a later release: first ship a release whose code neither reads nor writes the
    /// column, and drop it in the release after that.
    /// ```sql title="N: migrations/0002_add_display_name.sql"
    /// ALTER TABLE users ADD COLUMN display_name text;
    /// ```
    ///
    /// In an editor, the quick fix on this finding replaces a single-column `DROP COLUMN` with the
    /// expand step: nothing, or `DROP NOT NULL` when N-1 required the column (this release no longer
    /// writes it), with the `DROP COLUMN` kept as a comment for a later release.
    pub static COLUMN_REMOVED = ("column-removed", Error, "A column N-1 reads or writes is removed");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::ColumnRemoved { table, column, via_view, also } = &change.kind else {
            continue;
        };
        let (message, label) = if *via_view {
            (
                format!(
                    "view {table} replaces the table but has no column {column}, which code from release {} may still read",
                    cx.baseline
                ),
                "view defined here",
            )
        } else {
            let with = match also.as_slice() {
                [] => String::new(),
                [one] => format!("; its {one} goes with it"),
                [init @ .., last] => format!("; its {} and {last} go with it", init.join(", ")),
            };
            (format!("column {table}.{column} is removed, but code from release {} may still read it{with}", cx.baseline), "dropped here")
        };
        let help = format!(
            "contract in a later release: first ship a release that no longer reads or writes {column}, then drop it. \
             To rename: add the new column, backfill, keep both in sync, switch reads, drop {column} later."
        );
        let mut finding = cx.finding(&COLUMN_REMOVED, change, message, label, help);
        // The quick fix: the expand step in place of the statement.
        finding.fix = cx.expand_step(&finding);
        out.push(finding);
    }
}
