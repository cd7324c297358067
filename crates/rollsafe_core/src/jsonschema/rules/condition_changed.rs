use super::Pair;
use crate::jsonschema::diff::Difference;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A `not`, or an `if` / `then` / `else`, that differs from the previous release's (N-1): added,
    /// removed or edited. rollsafe compares these keywords as written, not by the instances they
    /// accept, so it cannot prove such a change compatible and reports every one.
    ///
    /// ## Why it matters
    /// A condition decides which constraints apply to an instance, so a small edit can tighten the
    /// schema (N rejects data valid under N-1: BACKWARD fails) or loosen it (consumers still on N-1
    /// reject what producers on N send: FORWARD fails), and often does both for different
    /// instances. Below, invoices written under N-1 without a `billing_address` are rejected by N.
    /// Some changes are safe, and rollsafe cannot tell which, hence a warning: check the change in
    /// the mode's directions, then fix it or accept it in the allow-list with the reason.
    ///
    /// ## Example
    /// ```json title="N-1: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"method": {"enum": ["card", "invoice"]},
    ///                 "billing_address": {"type": "string"}}}
    /// ```
    /// ```json title="N: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"method": {"enum": ["card", "invoice"]},
    ///                 "billing_address": {"type": "string"}},
    ///  "if": {"properties": {"method": {"const": "invoice"}}, "required": ["method"]},
    ///  "then": {"required": ["billing_address"]}}
    /// ```
    ///
    /// ## Use instead
    /// Leave the condition out of the contract and enforce the rule in producers; say so in the
    /// `description`.
    /// ```json title="N: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"method": {"enum": ["card", "invoice"]},
    ///                 "billing_address": {"type": "string", "description": "Sent with every invoice since v1.5."}}}
    /// ```
    pub static JSON_SCHEMA_CONDITION_CHANGED =
        ("json-schema-condition-changed", Warning, "A not or if/then/else changes in a way rollsafe cannot prove compatible");
}

pub(super) fn finding(pair: &Pair<'_>, d: &Difference, keyword: &str) -> Finding {
    let may = if pair.both {
        format!("either schema may reject data valid under the other ({} and this one)", pair.release)
    } else if pair.new_is_wider() {
        format!("this schema may reject data valid under {}'s (BACKWARD)", pair.release)
    } else {
        format!("consumers validating with {}'s schema may reject data valid under this one (FORWARD)", pair.release)
    };
    let message =
        format!("`{keyword}`{} differs from {}'s, and rollsafe cannot prove the change compatible: {may}", Pair::at(d), pair.release);
    let help = "check the change by hand; accept it in the allow-list with the reason when it holds";
    pair.finding(&JSON_SCHEMA_CONDITION_CHANGED, d, message, "condition changed", help)
}
