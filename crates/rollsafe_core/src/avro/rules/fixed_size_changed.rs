use super::Pair;
use crate::avro::resolution::Incompatibility;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A `fixed` type whose `size` differs from the previous release's (N-1), in any mode.
    ///
    /// ## Why it breaks N-1 or rollback
    /// A fixed value is written as exactly `size` bytes, with no length. A reader expecting another
    /// size cannot even find where the next value starts; the specification makes the pair
    /// unresolvable, in both directions.
    ///
    /// ## Example
    /// ```json title="N-1: events/payment.avsc"
    /// {"type": "record", "name": "Payment", "namespace": "acme",
    ///  "fields": [{"name": "digest", "type": {"type": "fixed", "name": "Digest", "size": 16}}]}
    /// ```
    /// ```json title="N: events/payment.avsc"
    /// {"type": "record", "name": "Payment", "namespace": "acme",
    ///  "fields": [{"name": "digest", "type": {"type": "fixed", "name": "Digest", "size": 32}}]}
    /// ```
    ///
    /// ## Use instead
    /// Add a field with a new fixed type (and a default), write both while readers move over, and
    /// remove the old field later.
    /// ```json title="N: events/payment.avsc"
    /// {"type": "record", "name": "Payment", "namespace": "acme",
    ///  "fields": [{"name": "digest", "type": {"type": "fixed", "name": "Digest", "size": 16}},
    ///             {"name": "digest256", "type": ["null", {"type": "fixed", "name": "Digest256", "size": 32}],
    ///              "default": null}]}
    /// ```
    pub static AVRO_FIXED_SIZE_CHANGED = ("avro-fixed-size-changed", Error, "A fixed type changes size");
}

pub(super) fn finding(pair: &Pair<'_>, inc: &Incompatibility, reader: u64, writer: u64) -> Finding {
    let (new, old) = if pair.new_is_reader() { (reader, writer) } else { (writer, reader) };
    let message = format!("fixed size changed from {old} to {new} bytes: {}", pair.who());
    let help =
        "a fixed type cannot change size: add a field with a new fixed type (with a default) and retire the old one in a later release";
    pair.finding(&AVRO_FIXED_SIZE_CHANGED, inc, message, "size changed", help)
}
