use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A schema file Avro libraries reject, at the place that makes it invalid: JSON that does not
    /// parse, an unknown type name (or one used before its definition), a duplicate name, a bad
    /// default (one that is not a value of the field's type, or of a union's first branch), an enum
    /// default that is not a symbol, a missing `name`, `fields`, `symbols` or `size`. Problems the
    /// previous release's file already had are not reported again.
    ///
    /// A type another schema file of the same tree defines is found there (by full name), as the
    /// Avro Maven plugin's imports and schema-registry references allow.
    ///
    /// ## Why it breaks N-1 or rollback
    /// Producers and consumers built with the schema fail to start, and a schema registry refuses
    /// to register it. Every other check of the file goes on around the invalid part.
    ///
    /// ## Example
    /// ```json title="N-1: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "id", "type": "long"}]}
    /// ```
    /// ```json title="N: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "id", "type": "long"},
    ///             {"name": "currency", "type": "string", "default": 978}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json title="N: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "id", "type": "long"},
    ///             {"name": "currency", "type": "string", "default": "EUR"}]}
    /// ```
    pub static AVRO_INVALID_SCHEMA = ("avro-invalid-schema", Error, "The schema is not valid Avro");
}

pub(crate) const HELP: &str = "fix the schema as the message says; Avro libraries and schema registries refuse it as it is";
