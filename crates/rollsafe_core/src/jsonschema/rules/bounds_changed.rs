use super::Pair;
use crate::jsonschema::diff::Difference;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A bound tightened or loosened against the previous release (N-1): for numbers `minimum`,
    /// `maximum`, `exclusiveMinimum`, `exclusiveMaximum` and `multipleOf`; for strings
    /// `minLength`, `maxLength` and `pattern`; for arrays `minItems`, `maxItems`, `uniqueItems`
    /// and `contains`; for objects `minProperties` and `maxProperties`. A bound tightened (or
    /// added) fails BACKWARD, a bound loosened (or removed) fails FORWARD. A changed `pattern` is
    /// reported in both directions, as rollsafe cannot prove that one regular expression accepts
    /// what another does.
    ///
    /// ## Why it breaks N-1 or rollback
    /// Under BACKWARD the new schema must accept every instance the old one accepts: consumers
    /// validating with N read the data already stored and what producers still on N-1 send while N
    /// rolls out, and a tighter bound rejects the values between the two (a quantity of 500 under
    /// a `maximum` lowered from 1000 to 100). Under FORWARD the old schema must accept every
    /// instance the new one accepts: a looser bound lets producers on N send values that consumers
    /// still on N-1, or rolled back to it, reject.
    ///
    /// ## Example
    /// ```json title="N-1: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"},
    ///                 "quantity": {"type": "integer", "minimum": 1, "maximum": 1000}}}
    /// ```
    /// ```json title="N: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"},
    ///                 "quantity": {"type": "integer", "minimum": 1, "maximum": 100}}}
    /// ```
    ///
    /// ## Use instead
    /// Keep the contract's bound and enforce the tighter limit in producers. A bound can be
    /// tightened where producers are upgraded before consumers and consumers on N no longer read
    /// data written under N-1 (`compat = "forward"`), and loosened where consumers are upgraded
    /// before producers (`compat = "backward"`).
    /// ```json title="N: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"},
    ///                 "quantity": {"type": "integer", "minimum": 1, "maximum": 1000,
    ///                              "description": "Producers send at most 100 since v1.5."}}}
    /// ```
    pub static JSON_SCHEMA_BOUNDS_CHANGED =
        ("json-schema-bounds-changed", Error, "A numeric, string, array or object bound is tightened or loosened");
}

pub(super) fn finding(pair: &Pair<'_>, d: &Difference, keyword: &str, wider: &str, narrower: &str) -> Finding {
    let (new, old) = if pair.new_is_wider() { (wider, narrower) } else { (narrower, wider) };
    let how = if keyword == "pattern" && wider != "none" && narrower != "none" {
        " (rollsafe cannot prove one regular expression accepts all the other does)"
    } else if pair.new_is_wider() {
        " (tightened)"
    } else {
        " (loosened)"
    };
    let message = format!("`{keyword}`{} changed from {old} to {new}{how}: {}", Pair::at(d), pair.who());
    let help =
        "tighten a bound only once no stored or in-flight data is outside it; loosen it only once every consumer accepts the wider range";
    pair.finding(&JSON_SCHEMA_BOUNDS_CHANGED, d, message, "bound changed", help)
}
