use super::Pair;
use crate::jsonschema::diff::Difference;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A `format` that differs from the previous release's (N-1): one added tightens the value and
    /// fails BACKWARD, one removed loosens it and fails FORWARD, and one replaced by another fails
    /// both.
    ///
    /// ## Why it matters
    /// `format` is an annotation that only some validators assert: draft 2020-12 makes checking it
    /// optional, and many libraries check it only when configured to. Where consumers' validators
    /// assert it, a format added in N rejects N-1 data that does not match (an `email` holding
    /// `"n/a"`), and a format removed lets producers on N send values that consumers still on N-1
    /// reject. Where they do not, nothing breaks. rollsafe cannot see the validators' settings,
    /// hence a warning: confirm it, or accept it in the allow-list with the reason.
    ///
    /// ## Example
    /// ```json title="N-1: schemas/customer.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"},
    ///                 "email": {"type": "string"}}}
    /// ```
    /// ```json title="N: schemas/customer.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"},
    ///                 "email": {"type": "string", "format": "email"}}}
    /// ```
    ///
    /// ## Use instead
    /// Keep the contract as it was and check the values in producers; say what they hold in the
    /// `description`. A format can be added where producers are upgraded before consumers and
    /// consumers on N no longer read data written under N-1 (`compat = "forward"`), and removed
    /// where consumers are upgraded before producers (`compat = "backward"`).
    /// ```json title="N: schemas/customer.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"},
    ///                 "email": {"type": "string", "description": "An email address, checked by producers."}}}
    /// ```
    pub static JSON_SCHEMA_FORMAT_CHANGED = ("json-schema-format-changed", Warning, "A format is added, changed or removed");
}

pub(super) fn finding(pair: &Pair<'_>, d: &Difference, wider: &str, narrower: &str) -> Finding {
    let (new, old) = if pair.new_is_wider() { (wider, narrower) } else { (narrower, wider) };
    let message = format!("`format`{} changed from {old} to {new}: {} where validators assert formats", Pair::at(d), pair.who());
    let help = "keep the format, or add a property with the new format and retire the old one later";
    pair.finding(&JSON_SCHEMA_FORMAT_CHANGED, d, message, "format changed", help)
}
