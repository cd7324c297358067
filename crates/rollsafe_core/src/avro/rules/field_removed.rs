use super::Pair;
use crate::avro::resolution::Incompatibility;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A record field of the previous release's schema (N-1) that has no default there and is gone
    /// from the new schema (or renamed without the old name among the new field's `aliases`), in a
    /// mode that checks FORWARD (`forward`, `full` and their `-transitive` forms).
    ///
    /// ## Why it breaks N-1 or rollback
    /// Under FORWARD the old schema must read data written with the new one: consumers still on
    /// N-1, or rolled back to it, read what producers on N write. Their schema expects the field and
    /// has no default to fill in when it is missing, so Avro libraries refuse the pair and those
    /// consumers fail on the first new record. A field that had a default in N-1 can go: old
    /// readers fill it in.
    ///
    /// ## Example
    /// ```json title="N-1: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "id", "type": "long"},
    ///             {"name": "coupon", "type": "string"}]}
    /// ```
    /// ```json title="N: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "id", "type": "long"}]}
    /// ```
    ///
    /// ## Use instead
    /// Expand, then contract: give the field a default in one release, and remove it once every
    /// reader has that release (with `-transitive` modes, once the releases without the default are
    /// no longer read).
    /// ```json title="N: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "id", "type": "long"},
    ///             {"name": "coupon", "type": "string", "default": ""}]}
    /// ```
    pub static AVRO_FIELD_REMOVED = ("avro-field-removed", Error, "A record field without a default is removed");
}

pub(super) fn finding(pair: &Pair<'_>, inc: &Incompatibility, field: &str) -> Finding {
    let message = format!("field `{field}` of {} is removed and has no default there: {}, which lacks it", pair.release, pair.who());
    let help = format!(
        "keep `{field}`: give it a default in this release and remove it in a later one, once no reader uses a schema without the default"
    );
    // The field is not in this schema any more: point at the fields it was removed from.
    let at = pair.fields_of(pair.places(inc).0);
    pair.finding_at(&AVRO_FIELD_REMOVED, inc, Some(at), message, "removed from these fields", &help)
}
