use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A check, unique, foreign key or exclusion constraint, a unique index, or a first primary key,
    /// added to a table that exists in N-1. Not reported, because no N-1 write can violate them:
    /// - constraints that only cover columns new in this release, which N-1 leaves NULL;
    /// - a check or foreign key over new columns with a default, which N-1 leaves at the default
    ///   the migration already validated in every row;
    /// - a unique key over new columns whose default gives each row its own value (a generator
    ///   such as `gen_random_uuid()` or `nextval`, or a VOLATILE function of the project's own);
    /// - a partial unique index whose `WHERE` is false for the defaults of the new columns it
    ///   reads (`WHERE is_cover` over a new `is_cover` defaulting to false): N-1's inserts stay out
    ///   of it. (An N-1 update of the key of a row N put in the index could still collide.)
    ///
    /// ## Why it breaks N-1 or rollback
    /// Whether N-1 writes still succeed depends on data and code paths the database cannot see: N-1
    /// may insert duplicates, orphans or values the check rejects. `NOT VALID` skips existing rows
    /// but still checks every new write. A foreign key is a note: N-1 code writes the ids of rows
    /// that exist (on real histories it did every time), and only writes of ids that do not exist,
    /// or deletes of rows still referenced, fail.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE users (id bigint PRIMARY KEY, email text);
    /// ```
    /// ```sql title="N: migrations/0002_email_check.sql"
    /// ALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email LIKE '%@%');
    /// ```
    ///
    /// ## Use instead
    /// Make sure every N-1 code path already satisfies the constraint (and say so with a
    /// suppression), or add it in the release after the code that guarantees it.
    /// ```sql title="N: migrations/0002_email_check.sql"
    /// -- rollsafe-allow: constraint-added signup validates emails since v1.2
    /// ALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email LIKE '%@%');
    /// ```
    pub static CONSTRAINT_ADDED = ("constraint-added", Warning, "A constraint may reject N-1 writes");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::ConstraintAdded { table, name, label, not_valid, columns } = &change.kind else {
            continue;
        };
        let on = if columns.is_empty() { table.clone() } else { format!("{table} ({})", columns.join(", ")) };
        let foreign_key = *label == "foreign key";
        let mut message = if foreign_key {
            format!(
                "{label} {name} is added to {on}: writes from release {} of ids that do not exist, and its deletes of rows still referenced, will fail",
                cx.baseline
            )
        } else {
            format!("{label} {name} is added to {on}: writes from release {} that violate it will fail", cx.baseline)
        };
        if *not_valid {
            message.push_str(" (NOT VALID skips existing rows, not new writes)");
        }
        let help = format!(
            "first ship code that never violates {name}, then add it in a later release; \
             if code from release {} already guarantees it, suppress this with a reason.",
            cx.baseline
        );
        let mut finding = cx.finding(&CONSTRAINT_ADDED, change, message, "added here", help);
        if foreign_key {
            finding.severity = rollsafe_diagnostics::Severity::Info;
        }
        out.push(finding);
    }
}
