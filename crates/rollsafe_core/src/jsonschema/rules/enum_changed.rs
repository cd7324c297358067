use super::Pair;
use crate::jsonschema::diff::Difference;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// An `enum` or `const` whose values differ from the previous release's (N-1): values removed
    /// fail BACKWARD, values added fail FORWARD, and an `enum` or `const` put on a value N-1 left
    /// unconstrained fails BACKWARD. The finding names the values and the direction that fails.
    ///
    /// ## Why it breaks N-1 or rollback
    /// Under BACKWARD the new schema must accept every instance the old one accepts: data stored
    /// under N-1, and what producers still on N-1 send while N rolls out, may hold a removed value,
    /// and consumers validating with N reject it. Under FORWARD the old schema must accept every
    /// instance the new one accepts: consumers still on N-1, or rolled back to it, reject an added
    /// value the first time a producer on N sends it.
    ///
    /// ## Example
    /// ```json title="N-1: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"},
    ///                 "status": {"enum": ["pending", "paid", "cancelled"]}}}
    /// ```
    /// ```json title="N: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"},
    ///                 "status": {"enum": ["pending", "paid"]}}}
    /// ```
    ///
    /// ## Use instead
    /// Keep the value while stored data or producers on N-1 may carry it; producers simply stop
    /// sending it. Where producers are upgraded before consumers and consumers on N no longer read
    /// data written under N-1 (`compat = "forward"`), the value can go. (Likewise a value can be
    /// added where consumers are upgraded before producers, `compat = "backward"`.)
    /// ```toml title="N: rollsafe.toml"
    /// [contracts]
    /// compat = "forward"
    /// ```
    /// ```json title="N: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"},
    ///                 "status": {"enum": ["pending", "paid"]}}}
    /// ```
    pub static JSON_SCHEMA_ENUM_CHANGED = ("json-schema-enum-changed", Error, "Enum or const values are removed or added");
}

pub(super) fn finding(pair: &Pair<'_>, d: &Difference, lost: &[String]) -> Finding {
    let values = lost.join(", ");
    let what = match (lost.is_empty(), pair.new_is_wider()) {
        (true, true) => "now allows only the listed values, where any value was valid".to_string(),
        (true, false) => "no longer restricts the values to a list".to_string(),
        (false, true) => format!("no longer allows {values}"),
        (false, false) => format!("now allows {values}"),
    };
    let message = format!("the value{} {what}: {}", Pair::at(d), pair.who());
    let help = "add values only once every consumer accepts them, and remove values only once no stored or in-flight data holds them";
    pair.finding(&JSON_SCHEMA_ENUM_CHANGED, d, message, "allowed values changed", help)
}
