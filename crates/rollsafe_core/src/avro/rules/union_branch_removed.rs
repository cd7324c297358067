use super::Pair;
use crate::avro::resolution::Incompatibility;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A union of the new schema without a branch that reads a type the previous release (N-1)
    /// wrote there: a branch removed, or a single type turned into a union that does not include
    /// it, in a mode that checks BACKWARD (`backward`, `full` and their `-transitive` forms).
    ///
    /// ## Why it breaks N-1 or rollback
    /// Under BACKWARD the new schema must read data written with the old one. Records that N-1 wrote
    /// with the removed branch have no branch to be read as: reading them fails.
    ///
    /// ## Example
    /// ```json title="N-1: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "note", "type": ["null", "string", "long"], "default": null}]}
    /// ```
    /// ```json title="N: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "note", "type": ["null", "string"], "default": null}]}
    /// ```
    ///
    /// ## Use instead
    /// Keep the branch while data written with it may still be read; stop writing it first.
    /// ```json title="N: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "note", "type": ["null", "string", "long"], "default": null,
    ///              "doc": "long is no longer written"}]}
    /// ```
    pub static AVRO_UNION_BRANCH_REMOVED =
        ("avro-union-branch-removed", Error, "A union loses a branch that old data may hold");
}

pub(super) fn finding(pair: &Pair<'_>, inc: &Incompatibility, branch: &str) -> Finding {
    let message = format!("no branch of this union reads {branch}, which {} writes here: {}", pair.release, pair.who());
    let help = "keep the branch until no data written with it is read; stop writing it first";
    pair.finding(&AVRO_UNION_BRANCH_REMOVED, inc, message, "cannot read every old branch", help)
}
