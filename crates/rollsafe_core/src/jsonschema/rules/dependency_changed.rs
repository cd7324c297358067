use super::Pair;
use crate::jsonschema::diff::Difference;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A `dependentRequired` or `dependentSchemas` (draft 7's `dependencies`) that differs from the
    /// previous release's (N-1): a dependency added or tightened (more properties required, a
    /// stricter dependent schema) fails BACKWARD; a dependency removed or loosened fails FORWARD.
    ///
    /// ## Why it breaks N-1 or rollback
    /// Under BACKWARD the new schema must accept every instance the old one accepts: data stored
    /// under N-1, and what producers still on N-1 send while N rolls out, may have a
    /// `shipping_method` without a `shipping_address`, and N rejects it. Under FORWARD the old
    /// schema must accept every instance the new one accepts: once N drops a dependency, producers
    /// on N may send instances that consumers still on N-1, or rolled back to it, reject.
    ///
    /// ## Example
    /// ```json title="N-1: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"shipping_method": {"type": "string"},
    ///                 "shipping_address": {"type": "string"}}}
    /// ```
    /// ```json title="N: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"shipping_method": {"type": "string"},
    ///                 "shipping_address": {"type": "string"}},
    ///  "dependentRequired": {"shipping_method": ["shipping_address"]}}
    /// ```
    ///
    /// ## Use instead
    /// Keep the contract as it was and have producers send both; say so in the `description`. A
    /// dependency can be added where producers are upgraded before consumers and consumers on N no
    /// longer read data written under N-1 (`compat = "forward"`), and removed where consumers are
    /// upgraded before producers (`compat = "backward"`).
    /// ```json title="N: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"shipping_method": {"type": "string"},
    ///                 "shipping_address": {"type": "string",
    ///                                      "description": "Sent with every shipping_method since v1.5."}}}
    /// ```
    pub static JSON_SCHEMA_DEPENDENCY_CHANGED =
        ("json-schema-dependency-changed", Error, "A property dependency is added, tightened, loosened or removed");
}

pub(super) fn finding(pair: &Pair<'_>, d: &Difference, name: &str) -> Finding {
    let change = if pair.new_is_wider() { "is added or tightened" } else { "is removed or loosened" };
    let message = format!("the dependency on `{name}`{} {change}: {}", Pair::at(d), pair.who());
    let help = "add dependencies only once all data satisfies them; remove them only once no consumer relies on them";
    pair.finding(&JSON_SCHEMA_DEPENDENCY_CHANGED, d, message, "dependency changed", help)
}
