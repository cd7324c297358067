use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A partition of an N-1 partitioned table detached in this release (`DETACH PARTITION`).
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1 queries on the parent no longer see the partition's rows, and N-1 inserts whose key falls
    /// in its range fail with "no partition of relation found for row" unless a default partition
    /// catches them.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE events (id bigint, at date NOT NULL) PARTITION BY RANGE (at);
    /// CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
    /// ```
    /// ```sql title="N: migrations/0002_detach.sql"
    /// ALTER TABLE events DETACH PARTITION events_2024;
    /// ```
    ///
    /// ## Use instead
    /// Detach only partitions no deployed release reads or writes (suppress with that reason).
    /// ```sql title="N: migrations/0002_detach.sql"
    /// -- rollsafe-allow: partition-detached 2024 is archived; no release reads or writes it
    /// ALTER TABLE events DETACH PARTITION events_2024;
    /// ```
    pub static PARTITION_DETACHED = ("partition-detached", Warning, "A partition N-1 reads or writes is detached");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::PartitionDetached { parent, partition } = &change.kind else {
            continue;
        };
        let message = format!(
            "partition {partition} is detached from {parent}: code from release {} no longer sees its rows, and inserts into its range fail",
            cx.baseline
        );
        let help = format!("detach {partition} only once no deployed release reads or writes its range.");
        out.push(cx.finding(&PARTITION_DETACHED, change, message, "detached here", help));
    }
}
