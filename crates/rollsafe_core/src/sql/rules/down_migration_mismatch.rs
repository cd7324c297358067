use super::SqlContext;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A new migration whose down (undo) script does not restore the schema from before it: rollsafe
    /// replays the migration up and then down and compares the result with the state before.
    ///
    /// ## Why it breaks N-1 or rollback
    /// A rollback runs the down scripts and then N-1 code. If they leave the schema different from
    /// N-1's, that code meets tables, columns or constraints it does not expect.
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
    /// ```sql title="N: migrations/2_add_name.down.sql"
    /// SELECT 1;
    /// ```
    ///
    /// ## Use instead
    /// Undo exactly what the up script does.
    /// ```sql title="N: migrations/2_add_name.up.sql"
    /// ALTER TABLE users ADD COLUMN name text;
    /// ```
    /// ```sql title="N: migrations/2_add_name.down.sql"
    /// ALTER TABLE users DROP COLUMN name;
    /// ```
    pub static DOWN_MIGRATION_MISMATCH = ("down-migration-mismatch", Warning, "A down migration does not restore the schema before it");
}

/// How many differences a message lists before summarising.
const SHOWN: usize = 3;

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    let Some(history) = cx.history else { return };
    for check in &history.down_checks {
        let Some(differences) = &check.differences else {
            continue;
        };
        if differences.is_empty() {
            continue;
        }
        let mut listed = differences.iter().take(SHOWN).cloned().collect::<Vec<_>>().join("; ");
        if differences.len() > SHOWN {
            listed.push_str(&format!("; and {} more", differences.len() - SHOWN));
        }
        let message = format!("down migration of {} does not restore the schema before it: {listed}", check.migration.id);
        let mut finding = Finding::new(
            DOWN_MIGRATION_MISMATCH.id,
            DOWN_MIGRATION_MISMATCH.severity,
            message,
            check.location.clone(),
            "not undone by the down migration",
        )
        .object(check.migration.id.clone())
        .help("make the down script undo exactly what the up script does, in reverse order; if this history's down scripts are not maintained, say so once: [sql] downs-unmaintained in rollsafe.toml, or -- rollsafe-allow-file: down-migration-mismatch <reason> in the down script.");
        if check.location != check.script {
            finding = finding.related(check.script.clone(), "the down migration");
        }
        out.push(finding);
    }
}
