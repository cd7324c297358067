use rollsafe_diagnostics::{Finding, Location, declare_rule};
use rollsafe_text::TextRange;

declare_rule! {
    /// ## What it detects
    /// A `.schema.json` file of the previous release (N-1) that the working tree no longer has, at
    /// its path or moved elsewhere (a new file with the same `$id`, or else the same text, counts
    /// as the same schema, moved).
    ///
    /// ## Why it matters
    /// Producers and consumers still on N-1 validate with the schema, and other schemas may `$ref`
    /// it. Removing it from the repository is fine once the message or API it describes is
    /// retired, which rollsafe cannot see. Hence a warning: confirm it, or accept it in the
    /// allow-list with the reason.
    ///
    /// ## Example
    /// ```json title="N-1 only: schemas/refund.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "$id": "https://acme.example/schemas/refund.schema.json",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"}}}
    /// ```
    ///
    /// ## Use instead
    /// Keep the schema while anything validates with it. A move keeps the schema when the file
    /// keeps its `$id`:
    /// ```json title="N: contracts/refund.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "$id": "https://acme.example/schemas/refund.schema.json",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"}}}
    /// ```
    pub static JSON_SCHEMA_SCHEMA_REMOVED = ("json-schema-schema-removed", Warning, "A schema of the previous release is removed");
}

/// The finding for a schema of N-1 that the working tree lacks, at its first key in N-1.
pub(crate) fn removed(path: &str, release: &str, id: Option<&str>, range: TextRange) -> Finding {
    let what = id.map_or_else(|| "this schema".to_string(), |id| format!("schema `{id}`"));
    let message = format!("{what} of {release} is removed: producers and consumers still on {release} use it");
    let help = "keep it while anything sends or validates data with it; if it is retired, accept the removal in `rollsafe.toml`'s `[[allow]]` with the reason";
    let rule = &JSON_SCHEMA_SCHEMA_REMOVED;
    Finding::new(rule.id, rule.severity, message, Location::baseline(path, range), "removed").help(help)
}
