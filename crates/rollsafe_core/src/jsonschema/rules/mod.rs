//! The JSON Schema rules: one file each, whose doc comment is the user documentation. Examples in
//! a rule's doc (`json title="N-1: path"` / `json title="N: path"` blocks) are run by the test
//! suite.
//!
//! [`super::diff`] finds where one schema rejects what the other accepts; [`difference`] names
//! each after the change a user made (a tightened bound breaks BACKWARD, a loosened one FORWARD)
//! and locates it in the working tree, with the release's side as a related location.

use super::diff::{Difference, Kind};
use crate::config::Profile;
use crate::contracts::Direction;
use rollsafe_diagnostics::{Finding, Location, Rule, Side};
use rollsafe_json::Value;

mod bounds_changed;
mod branch_changed;
mod condition_changed;
mod content_model_changed;
mod dependency_changed;
mod enum_changed;
mod format_changed;
mod invalid_schema;
mod property_added;
mod property_removed;
mod required_added;
mod required_removed;
mod schema_removed;
mod type_changed;

pub(crate) use schema_removed::removed;

/// The JSON Schema rules, for the registry (`crate::registry`).
pub static ALL: &[&Rule] = &[
    &bounds_changed::JSON_SCHEMA_BOUNDS_CHANGED,
    &branch_changed::JSON_SCHEMA_BRANCH_CHANGED,
    &condition_changed::JSON_SCHEMA_CONDITION_CHANGED,
    &content_model_changed::JSON_SCHEMA_CONTENT_MODEL_CHANGED,
    &dependency_changed::JSON_SCHEMA_DEPENDENCY_CHANGED,
    &enum_changed::JSON_SCHEMA_ENUM_CHANGED,
    &format_changed::JSON_SCHEMA_FORMAT_CHANGED,
    &invalid_schema::JSON_SCHEMA_INVALID_SCHEMA,
    &property_added::JSON_SCHEMA_PROPERTY_ADDED,
    &property_removed::JSON_SCHEMA_PROPERTY_REMOVED,
    &required_added::JSON_SCHEMA_REQUIRED_ADDED,
    &required_removed::JSON_SCHEMA_REQUIRED_REMOVED,
    &schema_removed::JSON_SCHEMA_SCHEMA_REMOVED,
    &type_changed::JSON_SCHEMA_TYPE_CHANGED,
];

/// A working-tree schema compared with its counterpart in one release, in one direction.
pub(crate) struct Pair<'a> {
    pub path: &'a str,
    pub release: &'a str,
    pub release_side: Side,
    pub release_path: &'a str,
    pub direction: Direction,
    /// Both directions fail at the same place: reported once, worded for both.
    pub both: bool,
    /// The working tree's document, for JSON Pointers.
    pub json: Option<&'a Value>,
    pub profile: Profile,
}

impl Pair<'_> {
    /// Whether the working tree's schema is the wider side (a BACKWARD check: N must accept what
    /// N-1 accepted).
    fn new_is_wider(&self) -> bool {
        self.direction == Direction::Backward
    }

    /// Who rejects what, in words.
    fn who(&self) -> String {
        if self.both {
            return format!(
                "this schema rejects data valid under {0}'s, and {0}'s rejects data valid under this one (BACKWARD and FORWARD)",
                self.release
            );
        }
        match self.direction {
            Direction::Backward => format!("this schema rejects data valid under {}'s (BACKWARD)", self.release),
            Direction::Forward => format!("consumers validating with {}'s schema reject data valid under this one (FORWARD)", self.release),
        }
    }

    /// The finding, at the working tree's place, with the release's place related.
    fn finding(&self, rule: &'static Rule, d: &Difference, message: String, label: &str, help: &str) -> Finding {
        let (new_at, old_at) = if self.new_is_wider() { (d.wider_at, d.narrower_at) } else { (d.narrower_at, d.wider_at) };
        let mut finding = Finding::new(rule.id, rule.severity, message, Location::current(self.path, new_at), label)
            .object(format!("{}#{}", self.path, d.path))
            .help(help)
            .related(
                Location { path: self.release_path.to_string(), side: self.release_side, range: old_at },
                format!("in {}", self.release),
            );
        if let Some(json) = self.json {
            finding = finding.pointer(json.pointer_of(new_at));
        }
        finding
    }

    /// `at /properties/total` for messages (nothing at the root).
    fn at(d: &Difference) -> String {
        if d.path == "/" { String::new() } else { format!(" at `{}`", d.path) }
    }
}

/// The finding for one difference, under the rule of the change that caused it.
pub(crate) fn difference(pair: &Pair<'_>, d: &Difference) -> Finding {
    let backward = pair.new_is_wider();
    match &d.kind {
        Kind::Type { lost } => type_changed::finding(pair, d, lost),
        Kind::Enum { lost } => enum_changed::finding(pair, d, lost),
        Kind::Required { name } if backward => required_added::finding(pair, d, name),
        Kind::Required { name } => required_removed::finding(pair, d, name),
        // The wider side declares it, the narrower leaves it open: declared in N (BACKWARD) or
        // no longer declared in N (FORWARD).
        Kind::DeclaredOnlyWider { name } if backward => property_added::finding(pair, d, name, true),
        Kind::DeclaredOnlyWider { name } => property_removed::finding(pair, d, name, false),
        // The narrower side declares it, the wider side's closed model rejects it.
        Kind::DeclaredOnlyNarrower { name } if backward => property_removed::finding(pair, d, name, true),
        Kind::DeclaredOnlyNarrower { name } => property_added::finding(pair, d, name, false),
        Kind::ContentModel { what, open } => content_model_changed::finding(pair, d, what, *open),
        Kind::Bound { keyword, wider, narrower } => bounds_changed::finding(pair, d, keyword, wider, narrower),
        Kind::Format { wider, narrower } => format_changed::finding(pair, d, wider, narrower),
        Kind::Dependency { name } => dependency_changed::finding(pair, d, name),
        Kind::Branch { detail } => branch_changed::finding(pair, d, detail),
        Kind::Condition { keyword } => condition_changed::finding(pair, d, keyword),
    }
}

/// A problem of the schema itself.
pub(crate) fn problem(path: &str, p: &rollsafe_jsonschema::Problem, json: Option<&Value>) -> Finding {
    let rule = &invalid_schema::JSON_SCHEMA_INVALID_SCHEMA;
    let mut finding = Finding::new(
        rule.id,
        rule.severity,
        format!("invalid JSON Schema: {}", p.message),
        Location::current(path, p.range),
        "invalid here",
    )
    .help(invalid_schema::HELP);
    if let Some(json) = json {
        finding = finding.pointer(json.pointer_of(p.range));
    }
    finding
}
