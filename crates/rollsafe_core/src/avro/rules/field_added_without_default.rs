use super::Pair;
use crate::avro::resolution::Incompatibility;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A record field that the previous release's schema (N-1) does not have, added without a
    /// `default`, in a mode that checks BACKWARD (`backward`, `full` and their `-transitive`
    /// forms). A field found through one of its `aliases` is not new.
    ///
    /// ## Why it breaks N-1 or rollback
    /// Under BACKWARD the new schema must read data written with the old one: the records already
    /// in the topic, and those that producers still on N-1 keep sending while N rolls out. They
    /// have no value for the field, and without a default the reader has nothing to fill it with:
    /// Avro libraries (and a schema registry) refuse the schema pair, and consumers on N fail on
    /// the first old record.
    ///
    /// ## Example
    /// ```json title="N-1: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "id", "type": "long"}]}
    /// ```
    /// ```json title="N: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "id", "type": "long"},
    ///             {"name": "currency", "type": "string"}]}
    /// ```
    ///
    /// ## Use instead
    /// Give the new field a default (for an optional value: `["null", …]` with `"default": null`).
    /// ```json title="N: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "id", "type": "long"},
    ///             {"name": "currency", "type": "string", "default": "EUR"}]}
    /// ```
    pub static AVRO_FIELD_ADDED_WITHOUT_DEFAULT =
        ("avro-field-added-without-default", Error, "A new record field has no default, so old data cannot be read");
}

pub(super) fn finding(pair: &Pair<'_>, inc: &Incompatibility, field: &str) -> Finding {
    let message = format!("field `{field}` is new and has no default: {}, which has no value for it", pair.who());
    let help = format!(
        "give `{field}` a default that the reader fills in for old records (`\"default\": …`, or make it `[\"null\", …]` with `\"default\": null`)"
    );
    pair.finding(&AVRO_FIELD_ADDED_WITHOUT_DEFAULT, inc, message, "new field without a default", &help)
}
