use super::SqlContext;
use crate::finding::Finding;

declare_rule! {
    /// ## What it detects
    /// A new migration whose version sorts before (or equals) the newest migration of the previous
    /// release, typically from a branch created before that release.
    ///
    /// ## Why it breaks N-1 or rollback
    /// Databases at N-1 are past that version: golang-migrate, Diesel and Flyway (without
    /// `outOfOrder`) skip or refuse it, so production never gets it, while fresh databases apply
    /// it in another order than production.
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
            format!("new migration {} reuses version {}, already used by released migration {}", o.id, o.version, o.latest_released)
        } else {
            format!(
                "new migration {} (version {}) sorts before released migration {}: databases at release {} are past it and will not run it",
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
