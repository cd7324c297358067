use super::Pair;
use crate::jsonschema::diff::Difference;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// An `anyOf` or `oneOf` whose branches accept other instances than in the previous release
    /// (N-1): a branch that N-1 data may match removed, or narrowed, so that no branch of N accepts
    /// that data, fails BACKWARD; a branch added that no branch of N-1 accepts fails FORWARD. A
    /// change inside a branch that still matches (a bound, a required property) is reported by the
    /// rule of that change, where it is.
    ///
    /// ## Why it breaks N-1 or rollback
    /// Under BACKWARD the new schema must accept every instance the old one accepts: data stored
    /// under N-1, and what producers still on N-1 send while N rolls out, may match only the
    /// removed branch (a legacy numeric customer id, below), and N rejects it. Under FORWARD the
    /// old schema must accept every instance the new one accepts: producers on N may send instances
    /// that match only the added branch, and consumers still on N-1, or rolled back to it, reject
    /// them.
    ///
    /// ## Example
    /// ```json title="N-1: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"},
    ///                 "customer": {"oneOf": [{"type": "string"},
    ///                                        {"type": "integer"},
    ///                                        {"type": "object", "required": ["email"]}]}}}
    /// ```
    /// ```json title="N: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"},
    ///                 "customer": {"oneOf": [{"type": "string"},
    ///                                        {"type": "object", "required": ["email"]}]}}}
    /// ```
    ///
    /// ## Use instead
    /// Keep the branch, marked `"deprecated": true`, and have producers stop sending it. A branch
    /// can be removed where producers are upgraded before consumers and consumers on N no longer
    /// read data written under N-1 (`compat = "forward"`), and added where consumers are upgraded
    /// before producers (`compat = "backward"`).
    /// ```json title="N: schemas/order.schema.json"
    /// {"$schema": "https://json-schema.org/draft/2020-12/schema",
    ///  "type": "object",
    ///  "properties": {"id": {"type": "string"},
    ///                 "customer": {"oneOf": [{"type": "string"},
    ///                                        {"type": "integer", "deprecated": true},
    ///                                        {"type": "object", "required": ["email"]}]}}}
    /// ```
    pub static JSON_SCHEMA_BRANCH_CHANGED = ("json-schema-branch-changed", Error, "An anyOf or oneOf branch is removed, narrowed or added");
}

pub(super) fn finding(pair: &Pair<'_>, d: &Difference, detail: &str) -> Finding {
    let change = if pair.new_is_wider() {
        format!("no branch of this schema accepts what a branch of {}'s accepted", pair.release)
    } else {
        format!("a branch of this schema accepts what no branch of {}'s does", pair.release)
    };
    let message = format!("{change}{} (the closest branch differs: {detail}): {}", Pair::at(d), pair.who());
    let help = "keep every branch that data may match; add a branch only once every consumer accepts it";
    pair.finding(&JSON_SCHEMA_BRANCH_CHANGED, d, message, "branches changed", help)
}
