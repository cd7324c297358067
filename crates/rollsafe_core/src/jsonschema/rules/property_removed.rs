use super::Pair;
use crate::jsonschema::diff::Difference;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A property that the previous release's schema (N-1) declares with constraints and the new
    /// schema no longer declares. If N's object is closed (`additionalProperties: false`), N rejects
    /// the property: this fails BACKWARD. If N's object is open, under the strict profile (the
    /// default) producers on N may send the property with any value: this fails FORWARD. An open
    /// object under the lenient profile is not reported.
    ///
    /// ## Why it breaks N-1 or rollback
    /// Under BACKWARD the new schema must accept every instance the old one accepts: data stored
    /// under N-1, and what producers still on N-1 send while N rolls out, may carry the property,
    /// and a closed object in N rejects every such instance. Under FORWARD the old schema must
    /// accept every instance the new one accepts: once N no longer constrains the property, an open
    /// object lets producers on N send it with a value N-1 rejects (a number where N-1 declares a
    /// string), and consumers still on N-1, or rolled back to it, reject the instance.
    ///
    /// ## Example
    /// ```json title="N-1: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"},
    ///                 "legacy_code": {"type": "string"}},
    ///  "additionalProperties": false}
    /// ```
    /// ```json title="N: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"}},
    ///  "additionalProperties": false}
    /// ```
    ///
    /// ## Use instead
    /// Keep declaring the property, marked `"deprecated": true`, and have producers stop sending
    /// it. In an open object under the lenient profile (producers send only declared properties),
    /// it can then be removed in a later release.
    /// ```json title="N: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"},
    ///                 "legacy_code": {"type": "string", "deprecated": true}},
    ///  "additionalProperties": false}
    /// ```
    pub static JSON_SCHEMA_PROPERTY_REMOVED =
        ("json-schema-property-removed", Error, "A property the previous release declares is no longer declared");
}

/// `closed`: N's closed object rejects the property N-1 data has (BACKWARD); else N's open object
/// lets producers send it with any value (strict profile, FORWARD).
pub(super) fn finding(pair: &Pair<'_>, d: &Difference, name: &str, closed: bool) -> Finding {
    let message = if closed {
        format!("`{name}` is no longer declared{} and this object is closed: {}, which may carry it", Pair::at(d), pair.who())
    } else {
        format!(
            "`{name}` is no longer declared{} in an open object: under the strict profile, producers may send it with any value, and {}",
            Pair::at(d),
            pair.who()
        )
    };
    let help = format!("keep declaring `{name}` (mark it `\"deprecated\": true`) until no producer sends it and no consumer reads it");
    pair.finding(&JSON_SCHEMA_PROPERTY_REMOVED, d, message, "property no longer declared", &help)
}
