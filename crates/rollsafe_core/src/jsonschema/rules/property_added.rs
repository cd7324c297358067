use super::Pair;
use crate::jsonschema::diff::Difference;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A property that the new schema declares and the previous release's (N-1) does not, where
    /// data valid under one schema may break the other:
    /// - under the strict profile (the default), in a mode that checks BACKWARD (`backward`,
    ///   `full` and their `-transitive` forms): N declares the property with constraints (a
    ///   `type`, an `enum`, bounds…) in an object that N-1 left open (`additionalProperties`
    ///   absent or `true`). Not reported under the lenient profile.
    /// - in a mode that checks FORWARD (`forward`, `full` and their `-transitive` forms), whatever
    ///   the profile: N-1's object is closed (`additionalProperties: false`), so it rejects the
    ///   property.
    ///
    /// ## Why it breaks N-1 or rollback
    /// An open object accepts any undeclared property with any value. Under the N-1 schema below,
    /// `{"id": "o-1", "total": 40, "discount": "10%"}` is valid, and producers on N-1 may have sent
    /// just that: a client adding a field of its own, a producer ahead of the contract. Under
    /// BACKWARD the new schema must accept every instance the old one accepts; N requires
    /// `discount` to be a number and rejects that instance, in stored data and from producers still
    /// on N-1. rollsafe sees the schemas, not the traffic: the strict profile takes the schema at
    /// its word, and an open content model says that any property may come with any value.
    ///
    /// Under FORWARD the old schema must accept every instance the new one accepts: when N-1's
    /// object is closed, consumers still on N-1, or rolled back to it, reject every instance in
    /// which a producer on N sends the new property.
    ///
    /// ## Example
    /// ```json title="N-1: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"},
    ///                 "total": {"type": "number"}}}
    /// ```
    /// ```json title="N: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"},
    ///                 "total": {"type": "number"},
    ///                 "discount": {"type": "number"}}}
    /// ```
    ///
    /// ## Use instead
    /// If producers send only the properties their schema declares (their code is generated from
    /// it, or you own every producer), say so with the lenient profile, for every contract or per
    /// path (`[contracts.paths."schemas/**"]`): declaring a new property in an open object is then
    /// compatible both ways. Otherwise, pick a name no producer can have used with another
    /// meaning, and accept the finding in `rollsafe.toml`'s `[[allow]]` with the reason. (A property
    /// added to a closed object passes where consumers are upgraded before producers,
    /// `compat = "backward"`.)
    /// ```toml title="N: rollsafe.toml"
    /// [contracts]
    /// profile = "lenient"
    /// ```
    /// ```json title="N: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"},
    ///                 "total": {"type": "number"},
    ///                 "discount": {"type": "number"}}}
    /// ```
    pub static JSON_SCHEMA_PROPERTY_ADDED =
        ("json-schema-property-added", Error, "A new property is declared where the previous release accepted any value for it, or none");
}

/// `open`: the release's object was open (strict profile, BACKWARD); else it was closed and N's
/// producers now send the property (FORWARD).
pub(super) fn finding(pair: &Pair<'_>, d: &Difference, name: &str, open: bool) -> Finding {
    let message = if open {
        format!(
            "`{name}` is declared{} in an object {}'s schema leaves open: under the strict profile, data valid under {} may already carry `{name}` with any value, and {}",
            Pair::at(d),
            pair.release,
            pair.release,
            pair.who()
        )
    } else {
        format!(
            "`{name}` is added{} to an object {}'s schema closes (`additionalProperties: false`): {}",
            Pair::at(d),
            pair.release,
            pair.who()
        )
    };
    let help = if open {
        "if producers send only the properties their schema declares, set `profile = \"lenient\"` under [contracts] (or for this path); else accept it in the allow-list with the reason"
    } else {
        "open the object in one release (or declare the property there first), and send the property in a later one"
    };
    pair.finding(&JSON_SCHEMA_PROPERTY_ADDED, d, message, "property declared", help)
}
