use super::Pair;
use crate::avro::resolution::Incompatibility;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A type the new schema may write (a branch added to a union, or a field's type changed to one
    /// outside its old union) that no branch of the previous release's (N-1) union reads, in a mode
    /// that checks FORWARD (`forward`, `full` and their `-transitive` forms).
    ///
    /// ## Why it breaks N-1 or rollback
    /// Under FORWARD the old schema must read data written with the new one. A union value carries
    /// its branch: a consumer on N-1 that meets a branch its union lacks cannot read the record.
    /// Adding a branch passes BACKWARD (the new union reads everything the old one wrote).
    ///
    /// ## Example
    /// ```json title="N-1: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "note", "type": ["null", "string"], "default": null}]}
    /// ```
    /// ```json title="N: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "note", "type": ["null", "string", "long"], "default": null}]}
    /// ```
    ///
    /// ## Use instead
    /// Carry the new kind of value in a new optional field; or, where consumers are upgraded before
    /// producers, check the path in `backward` mode.
    /// ```json title="N: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "note", "type": ["null", "string"], "default": null},
    ///             {"name": "note_count", "type": ["null", "long"], "default": null}]}
    /// ```
    pub static AVRO_UNION_BRANCH_ADDED =
        ("avro-union-branch-added", Error, "The new schema writes a union branch older readers lack");
}

pub(super) fn finding(pair: &Pair<'_>, inc: &Incompatibility, branch: &str) -> Finding {
    let message = format!("this schema may write {branch}, which no branch of {}'s union reads: {}", pair.release, pair.who());
    let help = "carry the new kind of value in a new optional field (`[\"null\", …]` with `\"default\": null`), or check this path in `backward` mode if consumers are always upgraded first";
    pair.finding(&AVRO_UNION_BRANCH_ADDED, inc, message, "not readable by older readers", help)
}
