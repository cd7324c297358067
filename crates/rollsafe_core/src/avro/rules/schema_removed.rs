use rollsafe_diagnostics::{Finding, Location, declare_rule};
use rollsafe_text::TextRange;

declare_rule! {
    /// ## What it detects
    /// A schema file of the previous release (N-1) that the working tree no longer has, at its path
    /// or moved elsewhere (a file whose top-level type has the same full name counts as the same
    /// schema, moved).
    ///
    /// ## Why it matters
    /// Producers and consumers still on N-1 use the schema; removing it from the repository is fine
    /// once the topic or contract it describes is retired, which rollsafe cannot see. Hence a
    /// warning: confirm it, or accept it in the allow-list with the reason.
    ///
    /// ## Example
    /// ```json title="N-1 only: events/refund.avsc"
    /// {"type": "record", "name": "Refund", "namespace": "acme",
    ///  "fields": [{"name": "id", "type": "long"}]}
    /// ```
    ///
    /// ## Use instead
    /// Keep the schema while anything reads or writes its topic. A move keeps the schema:
    /// ```json title="N: contracts/refund.avsc"
    /// {"type": "record", "name": "Refund", "namespace": "acme",
    ///  "fields": [{"name": "id", "type": "long"}]}
    /// ```
    pub static AVRO_SCHEMA_REMOVED = ("avro-schema-removed", Warning, "A schema of the previous release is removed");
}

/// The finding for a schema file of N-1 that the working tree lacks: at its top-level type in N-1.
pub(crate) fn removed(path: &str, release: &str, name: Option<&str>, range: TextRange) -> Finding {
    // The location names the file; the message names the type, which is what consumers know.
    let what = name.map_or_else(|| "this schema".to_string(), |n| format!("schema `{n}`"));
    let message = format!("{what} of {release} is removed: producers and consumers still on {release} use it");
    let help = "keep it while anything reads or writes its topic; if it is retired, accept the removal in `rollsafe.toml`'s `[[allow]]` with the reason";
    let mut finding =
        Finding::new(AVRO_SCHEMA_REMOVED.id, AVRO_SCHEMA_REMOVED.severity, message, Location::baseline(path, range), "removed").help(help);
    if let Some(n) = name {
        finding = finding.object(n);
    }
    finding
}
