use super::SqlContext;
use crate::finding::Finding;

declare_rule! {
    /// ## What it detects
    /// A migration file that is part of the previous release and whose content changed (line endings,
    /// a byte-order mark and trailing blank space do not count).
    ///
    /// ## Why it breaks N-1 or rollback
    /// Databases at N-1 already ran the original, and migration tools never run a migration twice:
    /// the edit reaches fresh databases only, so production and new environments drift apart.
    /// Checksum-verifying tools (Flyway, sqlx, golang-migrate's dirty checks) refuse to run at all.
    /// rollsafe judges N as production will see it: the released original plus the new migrations.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE users (id bigint PRIMARY KEY);
    /// ```
    /// ```sql title="N: migrations/0001_init.sql"
    /// CREATE TABLE users (id bigint PRIMARY KEY, email text);
    /// ```
    ///
    /// ## Use instead
    /// Revert the edit and put the change in a new migration.
    /// ```sql title="N: migrations/0002_add_email.sql"
    /// ALTER TABLE users ADD COLUMN email text;
    /// ```
    pub static MIGRATION_EDITED = ("migration-edited", Error, "A released migration is edited");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    let Some(history) = cx.history else { return };
    for edited in &history.edited {
        let message = format!(
            "released migration {} is edited: databases at release {} already ran the original, so this change never reaches them",
            edited.id, cx.baseline
        );
        let mut f = Finding::new(
            MIGRATION_EDITED.id,
            MIGRATION_EDITED.severity,
            message,
            edited.at.clone(),
            "differs from the released migration here",
        )
        .object(edited.id.clone())
        .help("revert the edit and put the change in a new migration.");
        if let Some(was) = &edited.was {
            f = f.related(was.clone(), format!("as released in {}", cx.baseline));
        }
        out.push(f);
    }
}
