//! The Avro rules: one file each, whose doc comment is the user documentation. Examples in a
//! rule's doc (`json title="N-1: path"` / `json title="N: path"` blocks) are run by the test suite.
//!
//! Schema resolution ([`super::resolution`]) finds the incompatibilities of a pair in one direction;
//! [`incompatibility`] names each after the change a user made (a field added without a default
//! breaks BACKWARD, a field removed breaks FORWARD) and locates it in the working tree, with the
//! release's side as a related location.

use super::resolution::{Incompatibility, Problem};
use crate::contracts::Direction;
use rollsafe_avro::Node;
use rollsafe_diagnostics::{Finding, Location, Rule, Side};
use rollsafe_text::TextRange;

mod enum_symbol_added;
mod enum_symbol_removed;
mod field_added_without_default;
mod field_removed;
mod fixed_size_changed;
mod ignored_by_readers;
mod invalid_schema;
mod logical_type_changed;
mod schema_removed;
mod type_changed;
mod type_renamed;
mod union_branch_added;
mod union_branch_removed;

pub(crate) use ignored_by_readers::AVRO_IGNORED_BY_READERS;
pub(crate) use invalid_schema::AVRO_INVALID_SCHEMA;
pub(crate) use schema_removed::removed;

/// The Avro rules, for the registry (`crate::registry`).
pub static ALL: &[&Rule] = &[
    &enum_symbol_added::AVRO_ENUM_SYMBOL_ADDED,
    &enum_symbol_removed::AVRO_ENUM_SYMBOL_REMOVED,
    &field_added_without_default::AVRO_FIELD_ADDED_WITHOUT_DEFAULT,
    &field_removed::AVRO_FIELD_REMOVED,
    &fixed_size_changed::AVRO_FIXED_SIZE_CHANGED,
    &ignored_by_readers::AVRO_IGNORED_BY_READERS,
    &invalid_schema::AVRO_INVALID_SCHEMA,
    &logical_type_changed::AVRO_LOGICAL_TYPE_CHANGED,
    &schema_removed::AVRO_SCHEMA_REMOVED,
    &type_changed::AVRO_TYPE_CHANGED,
    &type_renamed::AVRO_TYPE_RENAMED,
    &union_branch_added::AVRO_UNION_BRANCH_ADDED,
    &union_branch_removed::AVRO_UNION_BRANCH_REMOVED,
];

/// A working-tree schema compared with its counterpart in one release, in one direction.
pub(crate) struct Pair<'a> {
    pub path: &'a str,
    /// The release (`v1.4.0`), and where its locations point.
    pub release: &'a str,
    pub release_side: Side,
    pub release_path: &'a str,
    pub direction: Direction,
    /// Both directions fail at the same place (FULL modes): reported once, worded for both.
    pub both: bool,
    /// The working tree's schema, for naming elements.
    pub root: Option<&'a Node>,
    /// The working tree's document, for JSON Pointers.
    pub json: &'a LazyJson<'a>,
}

/// A schema file's JSON document, read again only when a finding needs a pointer into it.
pub(crate) struct LazyJson<'a> {
    pub text: &'a str,
    pub cell: std::cell::OnceCell<Option<rollsafe_json::Value>>,
}

impl LazyJson<'_> {
    fn get(&self) -> Option<&rollsafe_json::Value> {
        self.cell.get_or_init(|| rollsafe_json::parse_with_comments(self.text).ok()).as_ref()
    }
}

impl Pair<'_> {
    /// Where an incompatibility is in the working tree (the reader's place in a BACKWARD check,
    /// the writer's in a FORWARD one), and in the release.
    fn places(&self, inc: &Incompatibility) -> (TextRange, TextRange) {
        match self.direction {
            Direction::Backward => (inc.reader_at, inc.writer_at),
            Direction::Forward => (inc.writer_at, inc.reader_at),
        }
    }

    /// Whether the working tree's schema is the reader (a BACKWARD check).
    fn new_is_reader(&self) -> bool {
        self.direction == Direction::Backward
    }

    /// Who cannot read what, in words: `this schema cannot read data written with v1.4.0's`.
    fn who(&self) -> String {
        if self.both {
            return format!(
                "this schema cannot read data written with {0}'s, nor can readers using {0}'s schema read data written with this one (BACKWARD and FORWARD)",
                self.release
            );
        }
        match self.direction {
            Direction::Backward => format!("this schema cannot read data written with {}'s (BACKWARD)", self.release),
            Direction::Forward => format!("readers using {}'s schema cannot read data written with this one (FORWARD)", self.release),
        }
    }

    /// The dotted name of the element at a resolution path (`acme.Order.status`).
    fn element(&self, path: &str) -> String {
        let mut name = self.root.and_then(Node::defined_name).map_or_else(|| "the schema".to_string(), |n| n.full.clone());
        let mut segments = path.split('/').filter(|s| !s.is_empty());
        while let Some(segment) = segments.next() {
            if segment == "fields"
                && let Some(field) = segments.next()
            {
                name.push('.');
                name.push_str(field);
            }
        }
        name
    }

    /// The `"fields"` key of the record whose name is at `name_at` in the working tree (where a
    /// field was removed from; its pointer is the fields array's), else the name itself.
    fn fields_of(&self, name_at: TextRange) -> TextRange {
        let Some(json) = self.json.get() else { return name_at };
        let name_pointer = json.pointer_of(name_at);
        let Some(record) = name_pointer.strip_suffix("/name") else { return name_at };
        json.pointer(record).and_then(|r| r.member("fields")).map_or(name_at, |fields| fields.key_range)
    }

    fn finding(&self, rule: &'static Rule, inc: &Incompatibility, message: String, label: &str, help: &str) -> Finding {
        self.finding_at(rule, inc, None, message, label, help)
    }

    /// A finding at `at` in the working tree when given, else where the incompatibility is.
    fn finding_at(
        &self,
        rule: &'static Rule,
        inc: &Incompatibility,
        at: Option<TextRange>,
        message: String,
        label: &str,
        help: &str,
    ) -> Finding {
        let (new_at, old_at) = self.places(inc);
        let new_at = at.unwrap_or(new_at);
        let mut finding = Finding::new(rule.id, rule.severity, message, Location::current(self.path, new_at), label)
            .object(self.element(&inc.path))
            .help(help)
            .related(
                Location { path: self.release_path.to_string(), side: self.release_side, range: old_at },
                format!("in {}", self.release),
            );
        if let Some(json) = self.json.get() {
            finding = finding.pointer(json.pointer_of(new_at));
        }
        finding
    }
}

/// The finding for one incompatibility, under the rule of the change that caused it.
pub(crate) fn incompatibility(pair: &Pair<'_>, inc: &Incompatibility) -> Finding {
    let backward = pair.direction == Direction::Backward;
    match &inc.problem {
        Problem::FieldWithoutDefault { field } if backward => field_added_without_default::finding(pair, inc, field),
        Problem::FieldWithoutDefault { field } => field_removed::finding(pair, inc, field),
        Problem::TypeMismatch { reader, writer } => type_changed::finding(pair, inc, reader, writer),
        Problem::NameMismatch { reader, writer } => type_renamed::finding(pair, inc, reader, writer),
        Problem::FixedSizeMismatch { reader, writer } => fixed_size_changed::finding(pair, inc, *reader, *writer),
        Problem::MissingEnumSymbols { symbols } if backward => enum_symbol_removed::finding(pair, inc, symbols),
        Problem::MissingEnumSymbols { symbols } => enum_symbol_added::finding(pair, inc, symbols),
        Problem::MissingUnionBranch { writer_branch } if backward => union_branch_removed::finding(pair, inc, writer_branch),
        Problem::MissingUnionBranch { writer_branch } => union_branch_added::finding(pair, inc, writer_branch),
        Problem::LogicalTypeChanged { reader, writer } => logical_type_changed::finding(pair, inc, reader, writer),
    }
}

/// A problem of the schema itself.
pub(crate) fn problem(rule: &'static Rule, path: &str, problem: &rollsafe_avro::Problem, json: &LazyJson<'_>) -> Finding {
    let (message, help) = if rule.id == AVRO_INVALID_SCHEMA.id {
        (format!("invalid Avro schema: {}", problem.message), invalid_schema::HELP)
    } else {
        (problem.message.clone(), ignored_by_readers::HELP)
    };
    let label = if rule.id == AVRO_INVALID_SCHEMA.id { "invalid here" } else { "ignored by readers" };
    let finding = Finding::new(rule.id, rule.severity, message, Location::current(path, problem.range), label).help(help);
    match json.get() {
        Some(json) => finding.pointer(json.pointer_of(problem.range)),
        None => finding,
    }
}

/// Symbols in a message: `` `B`, `C` ``.
fn listed(names: &[String]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}
