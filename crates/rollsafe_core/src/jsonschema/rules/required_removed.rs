use super::Pair;
use crate::jsonschema::diff::Difference;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A property that the previous release's schema (N-1) lists in `required` and the new schema
    /// no longer requires, whether it is still declared or removed altogether, in a mode that
    /// checks FORWARD (`forward`, `full` and their `-transitive` forms).
    ///
    /// ## Why it breaks N-1 or rollback
    /// Under FORWARD the old schema must accept every instance the new one accepts: consumers still
    /// on N-1, or rolled back to it, validate what producers on N send. N lets producers omit the
    /// property; N-1 requires it, and its consumers reject every instance without it.
    ///
    /// ## Example
    /// ```json title="N-1: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"},
    ///                 "currency": {"type": "string"}},
    ///  "required": ["id", "currency"]}
    /// ```
    /// ```json title="N: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"},
    ///                 "currency": {"type": "string"}},
    ///  "required": ["id"]}
    /// ```
    ///
    /// ## Use instead
    /// Keep the property required while consumers on N-1 validate what producers send. Where
    /// consumers are upgraded before producers (`compat = "backward"`), drop it from `required` in
    /// one release, and let producers stop sending it only once every consumer has that release.
    /// ```toml title="N: rollsafe.toml"
    /// [contracts]
    /// compat = "backward"
    /// ```
    /// ```json title="N: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"},
    ///                 "currency": {"type": "string"}},
    ///  "required": ["id"]}
    /// ```
    pub static JSON_SCHEMA_REQUIRED_REMOVED =
        ("json-schema-required-removed", Error, "A property the previous release requires is no longer required");
}

pub(super) fn finding(pair: &Pair<'_>, d: &Difference, name: &str) -> Finding {
    let message = format!("`{name}` is no longer required{}: {}, which requires it", Pair::at(d), pair.who());
    let help = format!("keep `{name}` required while consumers of {} run; make it optional in a release after they are gone", pair.release);
    pair.finding(&JSON_SCHEMA_REQUIRED_REMOVED, d, message, "no longer required", &help)
}
