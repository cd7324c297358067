use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A schema (a database in MySQL) of N-1 that is dropped or renamed in this release. The objects in
    /// it are not reported one by one.
    ///
    /// ## Why it breaks N-1 or rollback
    /// Every N-1 query that names an object in the schema fails, and `DROP SCHEMA … CASCADE` takes all
    /// of their data with it.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE SCHEMA billing;
    /// CREATE TABLE billing.invoices (id bigint PRIMARY KEY);
    /// ```
    /// ```sql title="N: migrations/0002_drop_billing.sql"
    /// DROP SCHEMA billing CASCADE;
    /// ```
    ///
    /// ## Use instead
    /// Move code off the schema in one release and drop it in a later one.
    /// ```sql title="N: migrations/0002_noop.sql"
    /// COMMENT ON SCHEMA billing IS 'unused since v2; drop in v3';
    /// ```
    pub static SCHEMA_REMOVED = ("schema-removed", Error, "A schema N-1 uses is dropped or renamed");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::SchemaRemoved { renamed_to } = &change.kind else {
            continue;
        };
        let s = &change.object;
        let (message, label) = match renamed_to {
            Some(to) => (format!("schema {s} is renamed to {to}, but code from release {} may still use {s}", cx.baseline), "renamed here"),
            None => (format!("schema {s} is removed, but code from release {} may still use objects in it", cx.baseline), "dropped here"),
        };
        let help = format!("contract in a later release: first ship a release that no longer uses anything in {s}, then drop it.");
        out.push(cx.finding(&SCHEMA_REMOVED, change, message, label, help));
    }
}
