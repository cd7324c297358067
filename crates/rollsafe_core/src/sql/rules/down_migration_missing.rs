use super::SqlContext;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A new migration without a down script in a history whose layout has them (Diesel's
    /// `down.sql`, `.down.sql` files, Flyway `U` scripts, a dbmate/goose down section).
    ///
    /// ## Why it breaks N-1 or rollback
    /// Rolling back to N-1 runs the down scripts; without one, the rollback either stops or leaves
    /// this migration's changes in place under N-1 code.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/1_init.up.sql"
    /// CREATE TABLE users (id bigint PRIMARY KEY, email text);
    /// ```
    /// ```sql title="N-1: migrations/1_init.down.sql"
    /// DROP TABLE users;
    /// ```
    /// ```sql title="N: migrations/2_add_name.up.sql"
    /// ALTER TABLE users ADD COLUMN name text;
    /// ```
    ///
    /// ## Use instead
    /// Write the down script next to the up script.
    /// ```sql title="N: migrations/2_add_name.up.sql"
    /// ALTER TABLE users ADD COLUMN name text;
    /// ```
    /// ```sql title="N: migrations/2_add_name.down.sql"
    /// ALTER TABLE users DROP COLUMN name;
    /// ```
    pub static DOWN_MIGRATION_MISSING = ("down-migration-missing", Warning, "A new migration has no down script where the layout uses them");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    let Some(history) = cx.history else { return };
    if !history.layout_has_downs {
        return;
    }
    for check in history.down_checks.iter().filter(|c| c.differences.is_none()) {
        let message =
            format!("new migration {} has no down script, so a rollback to release {} cannot undo it", check.migration.id, cx.baseline);
        out.push(
            Finding::new(
                DOWN_MIGRATION_MISSING.id,
                DOWN_MIGRATION_MISSING.severity,
                message,
                check.location.clone(),
                "migration without a down script",
            )
            .object(check.migration.id.clone())
            .help("add a down script that undoes exactly what this migration does."),
        );
    }
}
