use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A table whose primary key covers other columns than in N-1.
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1 code that upserts on the old key (`ON CONFLICT (id)`), relies on its uniqueness, or
    /// references it from other tables breaks or writes duplicates; a wider key can also reject rows
    /// N-1 writes with NULL in the new key columns.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE memberships (user_id bigint NOT NULL, org_id bigint NOT NULL, PRIMARY KEY (user_id));
    /// ```
    /// ```sql title="N: migrations/0002_composite_key.sql"
    /// ALTER TABLE memberships DROP CONSTRAINT memberships_pkey;
    /// ALTER TABLE memberships ADD PRIMARY KEY (user_id, org_id);
    /// ```
    ///
    /// ## Use instead
    /// Add a unique constraint for the new key next to the old primary key, move code to it, and swap
    /// the primary key in a later release.
    /// ```sql title="N: migrations/0002_unique_pair.sql"
    /// CREATE UNIQUE INDEX memberships_user_org ON memberships (user_id, org_id);
    /// ```
    pub static PRIMARY_KEY_CHANGED = ("primary-key-changed", Warning, "A table's primary key changes columns");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::PrimaryKeyChanged { table, old, new } = &change.kind else {
            continue;
        };
        let message = format!(
            "primary key of {table} changes from ({}) to ({}): code from release {} relies on the old key",
            old.join(", "),
            new.join(", "),
            cx.baseline
        );
        let help = "add a unique constraint for the new key beside the old primary key, move code to it, and swap the primary key in a later release.".to_string();
        out.push(cx.finding(&PRIMARY_KEY_CHANGED, change, message, "new primary key here", help));
    }
}
