use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A schema file that is not valid JSON Schema, at the place that makes it invalid: JSON that
    /// does not parse, a keyword with the wrong kind of value (`"type": "strng"`, `"required":
    /// "id"`, `"minimum": "5"`), or a `$ref` that points at nothing (in the file, in a relative
    /// file, or by `$id`). Problems the previous release's file already had are not reported
    /// again.
    ///
    /// ## Why it breaks N-1 or rollback
    /// Validators refuse to compile the schema, or skip what they do not understand, so producers
    /// and consumers built with it fail to start or check less than the schema says. The other
    /// checks of the file skip the invalid part, so it is not reported as a compatible or
    /// incompatible change either.
    ///
    /// ## Example
    /// ```json title="N-1: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"},
    ///                 "note": {"type": "string"}}}
    /// ```
    /// ```json title="N: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"},
    ///                 "note": {"type": "strng"}}}
    /// ```
    ///
    /// ## Use instead
    /// ```json title="N: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"},
    ///                 "note": {"type": "string"}}}
    /// ```
    pub static JSON_SCHEMA_INVALID_SCHEMA = ("json-schema-invalid-schema", Error, "The schema is not valid JSON Schema");
}

pub(crate) const HELP: &str = "fix the schema as the message says; validators refuse it or read it otherwise than written";
