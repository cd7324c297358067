//! The rules: one file each, whose doc comment is the user documentation (`rollsafe explain RULE`).
//!
//! A rule turns the facts the analysis found (the N-1 → N [`Change`]s, the migration history's edits,
//! the down-migration checks) into [`Finding`]s with a message, locations and the safe sequence.
//! Examples in a rule's doc (`sql title="N-1: path"` / `sql title="N: path"` blocks) are run by the
//! test suite: under `## Example` they must produce exactly one finding of the rule, under
//! `## Use instead` none. Add a rule with `cargo xtask new-rule <id> <severity>`.

use crate::finding::{Finding, Location, Severity};
use crate::sql::DownCheck;
use crate::sql::diff::Change;

/// A rule's identity and documentation.
#[derive(Debug)]
pub struct Rule {
    /// Stable kebab-case id.
    pub id: &'static str,
    pub severity: Severity,
    /// One line for `rollsafe rules`.
    pub summary: &'static str,
    /// The Markdown documentation (the rule file's doc comment).
    pub doc: &'static str,
}

impl Rule {
    /// The rule's documentation page: what `rollsafe explain` prints and `docs/rules/<id>.md` holds.
    pub fn page(&self) -> String {
        let doc: String = self.doc.lines().map(|l| l.strip_prefix(' ').unwrap_or(l)).collect::<Vec<_>>().join("\n");
        format!("# {} ({})\n\n{}\n\n{}\n", self.id, self.severity, self.summary, doc.trim_end())
    }
}

/// Declares a rule: its doc comment becomes both rustdoc and the text `rollsafe explain` prints.
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])* pub static $name:ident = ($id:literal, $severity:ident, $summary:literal);) => {
        $(#[doc = $doc])*
        // Example blocks carry `title="N-1: path"`, which tests/rule_docs.rs reads; rustdoc does not know it.
        #[allow(rustdoc::invalid_codeblock_attributes)]
        pub static $name: $crate::rules::Rule = $crate::rules::Rule {
            id: $id,
            severity: $crate::finding::Severity::$severity,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
        };
    };
}

mod column_default_changed;
mod column_default_dropped;
mod column_not_null_added;
mod column_not_null_dropped;
mod column_now_generated;
mod column_precision_reduced;
mod column_recreated;
mod column_removed;
mod column_renamed;
mod column_type_changed;
mod column_type_narrowed;
mod column_type_reinterpreted;
mod column_type_widened;
mod constraint_added;
mod down_migration_mismatch;
mod down_migration_missing;
mod enum_value_added;
mod enum_value_removed;
mod enum_value_renamed;
mod function_removed;
mod invalid_suppression;
mod migration_deleted;
mod migration_edited;
mod migration_out_of_order;
mod partition_detached;
mod primary_key_changed;
mod required_column_added;
mod schema_removed;
mod sequence_removed;
mod statement_not_understood;
mod table_recreated;
mod table_removed;
mod table_renamed;
mod type_removed;
mod type_renamed;
mod unique_index_dropped;
mod unused_suppression;
mod view_removed;
mod view_renamed;

pub use column_removed::COLUMN_REMOVED;
pub use column_renamed::COLUMN_RENAMED;
pub use invalid_suppression::INVALID_SUPPRESSION;
pub use statement_not_understood::STATEMENT_NOT_UNDERSTOOD;
pub use unused_suppression::UNUSED_SUPPRESSION;

/// Every rule, errors first, then by id.
pub static ALL: &[&Rule] = &[
    &column_default_dropped::COLUMN_DEFAULT_DROPPED,
    &column_not_null_added::COLUMN_NOT_NULL_ADDED,
    &column_now_generated::COLUMN_NOW_GENERATED,
    &column_removed::COLUMN_REMOVED,
    &column_renamed::COLUMN_RENAMED,
    &column_type_changed::COLUMN_TYPE_CHANGED,
    &column_type_narrowed::COLUMN_TYPE_NARROWED,
    &enum_value_removed::ENUM_VALUE_REMOVED,
    &enum_value_renamed::ENUM_VALUE_RENAMED,
    &function_removed::FUNCTION_REMOVED,
    &migration_deleted::MIGRATION_DELETED,
    &migration_edited::MIGRATION_EDITED,
    &migration_out_of_order::MIGRATION_OUT_OF_ORDER,
    &required_column_added::REQUIRED_COLUMN_ADDED,
    &schema_removed::SCHEMA_REMOVED,
    &sequence_removed::SEQUENCE_REMOVED,
    &table_removed::TABLE_REMOVED,
    &table_renamed::TABLE_RENAMED,
    &type_removed::TYPE_REMOVED,
    &type_renamed::TYPE_RENAMED,
    &view_removed::VIEW_REMOVED,
    &view_renamed::VIEW_RENAMED,
    &column_default_changed::COLUMN_DEFAULT_CHANGED,
    &column_not_null_dropped::COLUMN_NOT_NULL_DROPPED,
    &column_precision_reduced::COLUMN_PRECISION_REDUCED,
    &column_recreated::COLUMN_RECREATED,
    &column_type_reinterpreted::COLUMN_TYPE_REINTERPRETED,
    &constraint_added::CONSTRAINT_ADDED,
    &down_migration_mismatch::DOWN_MIGRATION_MISMATCH,
    &down_migration_missing::DOWN_MIGRATION_MISSING,
    &invalid_suppression::INVALID_SUPPRESSION,
    &partition_detached::PARTITION_DETACHED,
    &primary_key_changed::PRIMARY_KEY_CHANGED,
    &table_recreated::TABLE_RECREATED,
    &unique_index_dropped::UNIQUE_INDEX_DROPPED,
    &unused_suppression::UNUSED_SUPPRESSION,
    &column_type_widened::COLUMN_TYPE_WIDENED,
    &enum_value_added::ENUM_VALUE_ADDED,
    &statement_not_understood::STATEMENT_NOT_UNDERSTOOD,
];

/// The checks over SQL facts, one per rule that reads them.
pub(crate) static SQL_CHECKS: &[fn(&SqlContext<'_>, &mut Vec<Finding>)] = &[
    column_default_changed::check,
    column_default_dropped::check,
    column_not_null_added::check,
    column_not_null_dropped::check,
    column_now_generated::check,
    column_precision_reduced::check,
    column_recreated::check,
    column_removed::check,
    column_renamed::check,
    column_type_changed::check,
    column_type_narrowed::check,
    column_type_reinterpreted::check,
    column_type_widened::check,
    constraint_added::check,
    down_migration_mismatch::check,
    down_migration_missing::check,
    enum_value_added::check,
    enum_value_removed::check,
    enum_value_renamed::check,
    function_removed::check,
    migration_deleted::check,
    migration_edited::check,
    migration_out_of_order::check,
    partition_detached::check,
    primary_key_changed::check,
    required_column_added::check,
    schema_removed::check,
    sequence_removed::check,
    statement_not_understood::check,
    table_recreated::check,
    table_removed::check,
    table_renamed::check,
    type_removed::check,
    type_renamed::check,
    unique_index_dropped::check,
    view_removed::check,
    view_renamed::check,
];

/// The files of `docs/rules/`: a page per rule and an index, by file name.
pub fn doc_pages() -> Vec<(String, String)> {
    let mut index = String::from(
        "# Rules\n\nGenerated by `cargo xtask rule-docs` from each rule's doc comment; `rollsafe explain RULE` prints the same page.\n\n| Rule | Severity | What it reports |\n|---|---|---|\n",
    );
    let mut pages = Vec::new();
    for rule in ALL {
        index.push_str(&format!("| [`{0}`]({0}.md) | {1} | {2} |\n", rule.id, rule.severity, rule.summary));
        pages.push((format!("{}.md", rule.id), rule.page()));
    }
    pages.push(("README.md".to_string(), index));
    pages
}

pub fn lookup(id: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| r.id == id)
}

/// What the SQL rules look at for one history or schema file.
pub(crate) struct SqlContext<'a> {
    /// How N-1 is named in messages (`v1.4.0`).
    pub baseline: &'a str,
    pub changes: &'a [Change],
    pub history: Option<&'a HistoryFacts>,
    /// Statements or parts not understood in the files under review: (where, what).
    pub not_understood: &'a [(Location, String)],
}

/// Facts about a migration history's files.
#[derive(Debug, Default)]
pub(crate) struct HistoryFacts {
    pub edited: Vec<EditedMigration>,
    pub deleted: Vec<DeletedMigration>,
    pub out_of_order: Vec<OutOfOrder>,
    pub down_checks: Vec<DownCheck>,
    /// The layout gives migrations down scripts (so a missing one is worth a finding).
    pub layout_has_downs: bool,
}

#[derive(Debug)]
pub(crate) struct EditedMigration {
    pub id: String,
    /// The first statement that differs, in the working tree.
    pub at: Location,
    /// The same statement as released.
    pub was: Option<Location>,
    /// The tool that checksums applied migrations and so refuses to deploy over any edit.
    pub checksum_tool: Option<&'static str>,
    /// A statement's meaning changed (not only layout, case or comments).
    pub meaning_changed: bool,
}

#[derive(Debug)]
pub(crate) struct DeletedMigration {
    pub id: String,
    pub at: Location,
    pub renamed_to: Option<String>,
    /// Every migration of the history is gone.
    pub whole_history: bool,
    pub tool: crate::layout::MigrationTool,
}

#[derive(Debug)]
pub(crate) struct OutOfOrder {
    pub id: String,
    pub version: String,
    pub at: Location,
    pub latest_released: String,
    /// Uses exactly the version of a released migration.
    pub clash: bool,
    pub tool: crate::layout::MigrationTool,
}

/// A type change's message, naming the default that changed with it.
pub(crate) fn with_default_change(message: String, default_change: &Option<String>) -> String {
    match default_change {
        Some(d) => format!("{message}; {d}"),
        None => message,
    }
}

impl SqlContext<'_> {
    /// A finding for a change, with the N-1 definition as related location.
    pub fn finding(&self, rule: &Rule, change: &Change, message: String, label: &str, help: String) -> Finding {
        let mut f = Finding::new(rule.id, rule.severity, message, change.at.clone(), label).object(change.object.clone()).help(help);
        f.definitions = change.definitions.clone();
        if let Some(defined) = &change.defined {
            f = f.related(defined.clone(), format!("defined here in {}", self.baseline));
        }
        f
    }
}
