use super::Pair;
use crate::jsonschema::diff::Difference;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// An object or tuple that allows other undeclared properties or items than in the previous
    /// release (N-1), through `additionalProperties`, `unevaluatedProperties`,
    /// `patternProperties`, `propertyNames`, or a tuple closed with `items: false`, under the
    /// strict profile (the default). Closing (an open object made `additionalProperties: false`,
    /// say) or otherwise restricting what is undeclared fails BACKWARD; opening (`false` made
    /// absent or `true`) fails FORWARD.
    ///
    /// ## Why it breaks N-1 or rollback
    /// Under BACKWARD the new schema must accept every instance the old one accepts. An open
    /// object in N-1 accepts any undeclared property with any value, so data stored under N-1, and
    /// what producers still on N-1 send while N rolls out, may carry one; a closed object in N
    /// rejects it. Under FORWARD the old schema must accept every instance the new one accepts:
    /// once N opens the object, producers on N may send anything, and consumers still on N-1, or
    /// rolled back to it, reject what their closed object does not declare. Under the lenient
    /// profile producers never send what their schema does not declare, so neither is reported.
    ///
    /// ## Example
    /// ```json title="N-1: schemas/order-event.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"event": {"type": "string"},
    ///                 "order_id": {"type": "string"}}}
    /// ```
    /// ```json title="N: schemas/order-event.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"event": {"type": "string"},
    ///                 "order_id": {"type": "string"}},
    ///  "additionalProperties": false}
    /// ```
    ///
    /// ## Use instead
    /// Keep the object open, and have consumers ignore the properties they do not use. Where producers are
    /// upgraded before consumers and consumers on N no longer read data written under N-1
    /// (`compat = "forward"`), it can be closed.
    /// ```toml title="N: rollsafe.toml"
    /// [contracts]
    /// compat = "forward"
    /// ```
    /// ```json title="N: schemas/order-event.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"event": {"type": "string"},
    ///                 "order_id": {"type": "string"}},
    ///  "additionalProperties": false}
    /// ```
    pub static JSON_SCHEMA_CONTENT_MODEL_CHANGED =
        ("json-schema-content-model-changed", Error, "An object or tuple changes what undeclared properties or items it allows");
}

/// `open`: the working tree allows them by leaving its model open (FORWARD, strict profile).
pub(super) fn finding(pair: &Pair<'_>, d: &Difference, what: &str, open: bool) -> Finding {
    let change = if pair.new_is_wider() {
        format!("{what} are no longer allowed")
    } else if open && pair.profile == crate::config::Profile::Strict {
        format!("{what} are allowed now (under the strict profile, producers may send anything there)")
    } else {
        format!("{what} are allowed now")
    };
    let message = format!("{change}{}: {}", Pair::at(d), pair.who());
    let help = "declare what producers send instead of closing the object; open it only where every consumer ignores what it does not know";
    pair.finding(&JSON_SCHEMA_CONTENT_MODEL_CHANGED, d, message, "content model changed", help)
}
