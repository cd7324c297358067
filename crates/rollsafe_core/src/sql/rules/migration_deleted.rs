use super::SqlContext;
use crate::sql::layout::MigrationTool;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A migration of the previous release that is deleted, or renamed (the same SQL under another
    /// file name or version). A history whose folder moved is not a deletion: tools identify
    /// migrations by name.
    ///
    /// A migration history deleted as a whole (support for a database dropped, a test history
    /// removed) is one note, not an error: nothing runs that history any more, so no tool stumbles
    /// on it, release N-1 keeps working against its databases and rollback is unaffected. The note
    /// says that databases of that kind get no further migrations.
    ///
    /// ## Why it breaks N-1 or rollback
    /// Databases at N-1 have applied it and keep its effects. Flyway (unless its
    /// `ignoreMigrationPatterns` accept `*:missing`, in which case there is no finding) and sqlx
    /// refuse to migrate a database with an applied migration they cannot find; with the other tools
    /// the history no longer builds on new databases what production has. A renamed one is applied a
    /// second time.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE users (id bigint PRIMARY KEY);
    /// ```
    /// ```sql title="N-1 only: migrations/0002_add_email.sql"
    /// ALTER TABLE users ADD COLUMN email text;
    /// ```
    ///
    /// ## Use instead
    /// Keep released migrations; undo their effect with a new migration.
    /// ```sql title="N: migrations/0002_add_email.sql"
    /// ALTER TABLE users ADD COLUMN email text;
    /// ```
    pub static MIGRATION_DELETED = ("migration-deleted", Error, "A released migration is deleted or renamed");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    let Some(history) = cx.history else { return };
    for deleted in &history.deleted {
        let (message, label) = match &deleted.renamed_to {
            Some(new) => (
                format!(
                    "released migration {} is renamed to {new}: databases at release {} have applied it under its old name and will apply it again",
                    deleted.id, cx.baseline
                ),
                "renamed migration",
            ),
            None if deleted.whole_history => (
                format!(
                    "released migration {} is deleted: databases that ran it get no further migrations from this release (release {} keeps working against them)",
                    deleted.id, cx.baseline
                ),
                "deleted migration history",
            ),
            None if matches!(deleted.tool, MigrationTool::Flyway | MigrationTool::Sqlx) => (
                format!(
                    "released migration {} is deleted: databases at release {} have applied it, and {} refuses to migrate a database whose applied migrations it cannot find",
                    deleted.id,
                    cx.baseline,
                    deleted.tool.name()
                ),
                "deleted migration",
            ),
            None => (
                format!(
                    "released migration {} is deleted: databases at release {} have applied it, but new databases no longer get what it did",
                    deleted.id, cx.baseline
                ),
                "deleted migration",
            ),
        };
        let mut finding = Finding::new(MIGRATION_DELETED.id, MIGRATION_DELETED.severity, message, deleted.at.clone(), label)
            .object(deleted.id.clone())
            .help(if deleted.whole_history {
                "if databases of this kind are still supported, restore the history unchanged."
            } else {
                "restore the released migration unchanged; undo its effect with a new migration if needed."
            });
        // Nothing runs a deleted history: it cannot fail a deploy or a rollback.
        if deleted.whole_history {
            finding.severity = rollsafe_diagnostics::Severity::Info;
        }
        out.push(finding);
    }
}
