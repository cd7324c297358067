use super::SqlContext;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A migration file that is part of the previous release and whose content changed.
    ///
    /// What counts depends on the tool. Flyway, sqlx and Prisma store a checksum of every applied
    /// migration: any byte edit is a finding (line endings, a byte-order mark and trailing blank
    /// space aside). Diesel, golang-migrate, goose, dbmate and plain numbered files never look at
    /// an applied migration again: only an edit that changes what a statement means is a finding,
    /// and it points at the first such statement; reformatting, keyword case and comments are not.
    ///
    /// ## Why it breaks N-1 or rollback
    /// Databases at N-1 already ran the original, and migration tools never run a migration twice:
    /// the edit reaches fresh databases only, so production and new environments drift apart.
    /// Checksum-verifying tools refuse to migrate those databases at all.
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
        let message = match (edited.checksum_tool, edited.meaning_changed) {
            (Some(tool), true) => format!(
                "released migration {} is edited: {tool} keeps a checksum of it, so migrating databases at release {} fails with a checksum mismatch, and the change would never reach them anyway",
                edited.id, cx.baseline
            ),
            (Some(tool), false) => format!(
                "released migration {} is edited: no statement means anything new, but {tool} keeps a checksum of it, so migrating databases at release {} fails with a checksum mismatch",
                edited.id, cx.baseline
            ),
            (None, _) => format!(
                "released migration {} is edited: databases at release {} already ran the original, so this change never reaches them",
                edited.id, cx.baseline
            ),
        };
        let mut f = Finding::new(
            MIGRATION_EDITED.id,
            MIGRATION_EDITED.severity,
            message,
            edited.at.clone(),
            "differs from the released migration here",
        )
        .object(edited.id.clone())
        .help(if edited.meaning_changed {
            "revert the edit and put the change in a new migration."
        } else {
            "revert the edit: the checksum must match what databases ran."
        });
        if let Some(was) = &edited.was {
            f = f.related(was.clone(), format!("as released in {}", cx.baseline));
        }
        out.push(f);
    }
}
