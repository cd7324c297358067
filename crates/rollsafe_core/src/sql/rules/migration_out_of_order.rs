use super::SqlContext;
use crate::sql::layout::{LateVersion, MigrationTool};
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A new migration whose version sorts before the newest migration of the previous release
    /// (typically from a branch created before that release), where the history's tool will not
    /// run it; and a new migration that reuses a released version, whatever the tool.
    ///
    /// Versions compare as the tool compares them: Flyway by numeric parts, golang-migrate, goose
    /// and sqlx as integers, Diesel by its version strings, Prisma by folder names.
    ///
    /// ## Why it breaks N-1 or rollback
    /// Databases at N-1 are past that version. Flyway (without `outOfOrder`) and goose (without
    /// `-allow-missing`) refuse to migrate; golang-migrate, sql-migrate and runners that record only
    /// the newest version never run it, so production never gets it while fresh databases do.
    /// Diesel, dbmate, sqlx and Prisma run every pending migration whatever its version: for them a
    /// late version is no finding.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE users (id bigint PRIMARY KEY);
    /// ```
    /// ```sql title="N-1: migrations/0003_orders.sql"
    /// CREATE TABLE orders (id bigint PRIMARY KEY);
    /// ```
    /// ```sql title="N: migrations/0002_add_email.sql"
    /// ALTER TABLE users ADD COLUMN email text;
    /// ```
    ///
    /// ## Use instead
    /// Give the migration a version after the released ones.
    /// ```sql title="N: migrations/0004_add_email.sql"
    /// ALTER TABLE users ADD COLUMN email text;
    /// ```
    pub static MIGRATION_OUT_OF_ORDER = ("migration-out-of-order", Error, "A new migration is ordered before a released one");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    let Some(history) = cx.history else { return };
    for o in &history.out_of_order {
        let message = if o.clash {
            format!(
                "new migration {} reuses version {}, already used by released migration {}: {} takes them for one migration",
                o.id,
                o.version,
                o.latest_released,
                o.tool.name()
            )
        } else {
            let what = match (o.tool.late_version(), o.tool) {
                (LateVersion::Refused, MigrationTool::Flyway) => {
                    "Flyway's validate refuses to migrate them (\"detected resolved migration not applied\") unless outOfOrder is set"
                        .to_string()
                }
                (LateVersion::Refused, tool) => {
                    format!("{} refuses to migrate them (missing migrations) unless told to allow them", tool.name())
                }
                (_, MigrationTool::Unknown) => "a tool that records only the newest version never runs it there".to_string(),
                (_, tool) => format!("{} never runs it there", tool.name()),
            };
            format!(
                "new migration {} (version {}) sorts before released migration {}: databases at release {} are past it, and {what}",
                o.id, o.version, o.latest_released, cx.baseline
            )
        };
        out.push(
            Finding::new(MIGRATION_OUT_OF_ORDER.id, MIGRATION_OUT_OF_ORDER.severity, message, o.at.clone(), "out of order")
                .object(o.id.clone())
                .help(format!("rename it so that its version comes after {}.", o.latest_released)),
        );
    }
}
