use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A materialized view of N-1 had a unique index over plain columns without a `WHERE`, and in N
    /// it has none: the view was dropped and created again without recreating the index, or the
    /// index was dropped.
    ///
    /// ## Why it breaks N-1 or rollback
    /// `REFRESH MATERIALIZED VIEW CONCURRENTLY` requires such an index; without it PostgreSQL
    /// refuses the refresh, so N-1's scheduled refreshes fail and the view goes stale. A plain
    /// `REFRESH` still works but locks out readers while it runs.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE orders (id bigint PRIMARY KEY, customer bigint NOT NULL, total numeric NOT NULL);
    /// CREATE MATERIALIZED VIEW customer_totals AS
    ///     SELECT customer, sum(total) AS total FROM orders GROUP BY customer;
    /// CREATE UNIQUE INDEX customer_totals_customer ON customer_totals (customer);
    /// ```
    /// ```sql title="N: migrations/0002_recreate_totals.sql"
    /// DROP MATERIALIZED VIEW customer_totals;
    /// CREATE MATERIALIZED VIEW customer_totals AS
    ///     SELECT customer, sum(total) AS total, count(*) AS orders FROM orders GROUP BY customer;
    /// ```
    ///
    /// ## Use instead
    /// Create the unique index again in the same migration.
    /// ```sql title="N: migrations/0002_recreate_totals.sql"
    /// DROP MATERIALIZED VIEW customer_totals;
    /// CREATE MATERIALIZED VIEW customer_totals AS
    ///     SELECT customer, sum(total) AS total, count(*) AS orders FROM orders GROUP BY customer;
    /// CREATE UNIQUE INDEX customer_totals_customer ON customer_totals (customer);
    /// ```
    pub static MATERIALIZED_VIEW_UNIQUE_INDEX_DROPPED = ("materialized-view-unique-index-dropped", Warning, "A materialized view loses the unique index REFRESH … CONCURRENTLY needs");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::MatviewUniqueIndexLost { index } = &change.kind else {
            continue;
        };
        let v = &change.object;
        let message = format!(
            "materialized view {v} no longer has a unique index ({index} in release {}): REFRESH MATERIALIZED VIEW CONCURRENTLY fails on it",
            cx.baseline
        );
        let help =
            format!("create a unique index on {v} over plain columns (as {index} was) in the same migration that recreates the view.");
        out.push(cx.finding(&MATERIALIZED_VIEW_UNIQUE_INDEX_DROPPED, change, message, "recreated without it here", help));
    }
}
