use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// Valid Avro whose meaning readers do not take as the author meant: an unknown logical type,
    /// or a logical type on a base type it does not apply to (the value is read as the plain base
    /// type), a decimal whose scale exceeds its precision, and a union default that is not a value
    /// of the union's first branch as older libraries require.
    ///
    /// ## Why it matters
    /// The schema registers and the code builds, but the field is not what it says: a
    /// `"logicalType": "timestamp"` (for `timestamp-millis`) is a plain `long` to every reader, and
    /// a consumer that expects a timestamp gets a number.
    ///
    /// ## Example
    /// ```json title="N-1: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "placed_at", "type": "long"}]}
    /// ```
    /// ```json title="N: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "placed_at", "type": {"type": "long", "logicalType": "timestamp"}}]}
    /// ```
    ///
    /// ## Use instead
    /// ```json title="N: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "placed_at", "type": {"type": "long", "logicalType": "timestamp-millis"}}]}
    /// ```
    pub static AVRO_IGNORED_BY_READERS =
        ("avro-ignored-by-readers", Warning, "Part of the schema is ignored by Avro readers");
}

pub(crate) const HELP: &str = "use a logical type and attributes the specification defines for this base type, or drop them";
