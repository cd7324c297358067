use super::Pair;
use crate::jsonschema::diff::Difference;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A property that the new schema lists in `required` and the previous release's (N-1) does
    /// not, so that data valid under N-1 may lack it, in a mode that checks BACKWARD (`backward`,
    /// `full` and their `-transitive` forms): an optional property made required, or a new property
    /// added as required. A newly required property that has a `default` in N is not reported.
    ///
    /// ## Why it breaks N-1 or rollback
    /// Under BACKWARD the new schema must accept every instance the old one accepts: consumers
    /// validating with N read the data already stored and what producers still on N-1 send while N
    /// rolls out. Those instances need not have the property, and N rejects every one that lacks
    /// it.
    ///
    /// ## Example
    /// ```json title="N-1: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"},
    ///                 "currency": {"type": "string"}},
    ///  "required": ["id"]}
    /// ```
    /// ```json title="N: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"},
    ///                 "currency": {"type": "string"}},
    ///  "required": ["id", "currency"]}
    /// ```
    ///
    /// ## Use instead
    /// Add the property as optional (not in `required`) and have producers send it; or require it
    /// with a `default`, which rollsafe takes as the value consumers use for data written without
    /// it (make sure they do: a validator that applies defaults, or the consumer's code).
    /// ```json title="N: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"},
    ///                 "currency": {"type": "string", "default": "EUR"}},
    ///  "required": ["id", "currency"]}
    /// ```
    pub static JSON_SCHEMA_REQUIRED_ADDED = ("json-schema-required-added", Error, "A property becomes required that old data may lack");
}

pub(super) fn finding(pair: &Pair<'_>, d: &Difference, name: &str) -> Finding {
    let message = format!("`{name}` is now required{}: {}, where it may be missing", Pair::at(d), pair.who());
    let help = format!("keep `{name}` optional (out of `required`), or give it a `default` that consumers fill in");
    pair.finding(&JSON_SCHEMA_REQUIRED_ADDED, d, message, "newly required", &help)
}
