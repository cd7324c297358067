use super::Pair;
use crate::avro::resolution::Incompatibility;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A value whose base type is unchanged but whose logical type changed meaning: a decimal with
    /// another precision or scale, a timestamp or time with another unit, `date` for a plain `int`
    /// that carried a timestamp, and so on. Adding a logical type to a plain value, or removing
    /// one, is not reported: the stored value is the same.
    ///
    /// ## Why it breaks N-1 or rollback
    /// For decimals the specification makes differing precision or scale unresolvable, and Avro
    /// libraries refuse the pair. For the others, libraries read the pair without complaint and
    /// misread every value: a `timestamp-millis` read as `timestamp-micros` lands in 1970. (The
    /// Python reference checker ignores logical types; rollsafe reports both, as the data breaks.)
    ///
    /// ## Example
    /// ```json title="N-1: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "placed_at", "type": {"type": "long", "logicalType": "timestamp-millis"}}]}
    /// ```
    /// ```json title="N: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "placed_at", "type": {"type": "long", "logicalType": "timestamp-micros"}}]}
    /// ```
    ///
    /// ## Use instead
    /// Add a field with the new logical type and a default, write both, and retire the old one later.
    /// ```json title="N: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "placed_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    ///             {"name": "placed_at_us", "type": ["null", {"type": "long", "logicalType": "timestamp-micros"}],
    ///              "default": null}]}
    /// ```
    pub static AVRO_LOGICAL_TYPE_CHANGED =
        ("avro-logical-type-changed", Error, "A logical type changes meaning on the same base type");
}

pub(super) fn finding(pair: &Pair<'_>, inc: &Incompatibility, reader: &str, writer: &str) -> Finding {
    let (new, old) = if pair.new_is_reader() { (reader, writer) } else { (writer, reader) };
    let consequence = if inc.problem.refused_by_readers() {
        "Avro libraries refuse to resolve decimals of another precision or scale"
    } else {
        "readers accept the pair and misread every value"
    };
    let message = format!("logical type changed from {old} to {new} ({consequence}): {}", pair.who());
    let help = "add a field with the new logical type and a default, write both, and remove the old field in a later release";
    pair.finding(&AVRO_LOGICAL_TYPE_CHANGED, inc, message, "logical type changed", help)
}
