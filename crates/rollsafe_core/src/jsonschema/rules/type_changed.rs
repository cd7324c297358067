use super::Pair;
use crate::jsonschema::diff::Difference;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A schema whose `type` accepts other JSON types than in the previous release (N-1). A type
    /// narrowed (`["string", "null"]` → `"string"`, `number` → `integer`) fails BACKWARD; a type
    /// widened (`string` → `["string", "null"]`, `integer` → `number`) fails FORWARD. In `full`
    /// modes (the default) any change of the accepted types is reported, once; the finding says
    /// which direction fails.
    ///
    /// ## Why it breaks N-1 or rollback
    /// Under BACKWARD the new schema must accept every instance the old one accepts: consumers
    /// validating with N read the data already stored and what producers still on N-1 send while N
    /// rolls out. A narrowed type rejects some of it (a `null` where only strings are now allowed).
    /// Under FORWARD the old schema must accept every instance the new one accepts: consumers still
    /// on N-1, or rolled back to it, validate what producers on N send. A widened type lets
    /// producers send values N-1 rejects (`2.5` where N-1 expects an `integer`). A type replaced by
    /// another fails both.
    ///
    /// ## Example
    /// ```json title="N-1: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"},
    ///                 "quantity": {"type": "string"}}}
    /// ```
    /// ```json title="N: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"},
    ///                 "quantity": {"type": "integer"}}}
    /// ```
    ///
    /// ## Use instead
    /// Keep the type, and carry the new kind of value in a new property: producers send both while
    /// consumers move over, and the old property goes in a later release. Under the default strict
    /// profile, declaring a property in an open object is itself reported
    /// (`json-schema-property-added`); where producers send only the properties their schema
    /// declares, say so with the lenient profile. (A widening such as `integer` → `number` passes
    /// where consumers are upgraded before producers, `compat = "backward"`.)
    /// ```toml title="N: rollsafe.toml"
    /// [contracts]
    /// profile = "lenient"
    /// ```
    /// ```json title="N: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"},
    ///                 "quantity": {"type": "string"},
    ///                 "quantity_count": {"type": "integer"}}}
    /// ```
    pub static JSON_SCHEMA_TYPE_CHANGED =
        ("json-schema-type-changed", Error, "A schema accepts other JSON types than in the previous release");
}

pub(super) fn finding(pair: &Pair<'_>, d: &Difference, lost: &[&str]) -> Finding {
    let what = if lost.is_empty() {
        "accepts nothing".to_string()
    } else if pair.both {
        "accepts other types".to_string()
    } else if pair.new_is_wider() {
        format!("no longer accepts {}", words(lost))
    } else {
        format!("now accepts {}", words(lost))
    };
    let message = format!("the type{} {what}: {}", Pair::at(d), pair.who());
    let help =
        "keep the accepted types: add a property of the new type (optional, or with a default) and retire the old one in a later release";
    pair.finding(&JSON_SCHEMA_TYPE_CHANGED, d, message, "type changed", help)
}

/// `integer`, `string` and `null`; `number` alone means its non-integer values here.
fn words(types: &[&str]) -> String {
    let shown: Vec<String> =
        types.iter().map(|t| if *t == "number" { "non-integer numbers".to_string() } else { format!("`{t}`") }).collect();
    match shown.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
