//! The SQL rules: one file each, whose doc comment is the user documentation (`rollsafe explain RULE`).
//!
//! A rule turns the facts the analysis found (the N-1 → N [`Change`]s, the migration history's edits,
//! the down-migration checks) into [`Finding`]s with a message, locations and the safe sequence.
//! Examples in a rule's doc (`sql title="N-1: path"` / `sql title="N: path"` blocks) are run by the
//! test suite: under `## Example` they must produce exactly one finding of the rule, under
//! `## Use instead` none. Add a rule with `cargo xtask new-rule <id> <severity>`.

use crate::sql::DownCheck;
use crate::sql::diff::Change;
use rollsafe_diagnostics::{Finding, Fix, Location, Rule};

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
mod compat_view_not_writable;
mod constraint_added;
mod down_migration_mismatch;
mod down_migration_missing;
mod enum_value_added;
mod enum_value_removed;
mod enum_value_renamed;
mod function_behaviour_changed;
mod function_default_removed;
mod function_removed;
mod function_return_changed;
mod materialized_view_unique_index_dropped;
mod migration_deleted;
mod migration_edited;
mod migration_out_of_order;
mod partition_detached;
mod primary_key_changed;
mod privilege_revoked;
mod refused_by_dependents;
mod required_column_added;
mod row_security_restricted;
mod schema_removed;
mod sequence_removed;
mod statement_not_understood;
mod table_rebuild_lost_objects;
mod table_recreated;
mod table_removed;
mod table_renamed;
mod trigger_fill_removed;
mod type_removed;
mod type_renamed;
mod unique_index_dropped;
mod view_removed;
mod view_renamed;

/// The SQL rules, for the registry (`crate::registry`).
pub static ALL: &[&Rule] = &[
    &table_rebuild_lost_objects::TABLE_REBUILD_LOST_OBJECTS,
    &row_security_restricted::ROW_SECURITY_RESTRICTED,
    &privilege_revoked::PRIVILEGE_REVOKED,
    &compat_view_not_writable::COMPAT_VIEW_NOT_WRITABLE,
    &trigger_fill_removed::TRIGGER_FILL_REMOVED,
    &materialized_view_unique_index_dropped::MATERIALIZED_VIEW_UNIQUE_INDEX_DROPPED,
    &function_behaviour_changed::FUNCTION_BEHAVIOUR_CHANGED,
    &function_default_removed::FUNCTION_DEFAULT_REMOVED,
    &function_return_changed::FUNCTION_RETURN_CHANGED,
    &refused_by_dependents::REFUSED_BY_DEPENDENTS,
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
    &partition_detached::PARTITION_DETACHED,
    &primary_key_changed::PRIMARY_KEY_CHANGED,
    &table_recreated::TABLE_RECREATED,
    &unique_index_dropped::UNIQUE_INDEX_DROPPED,
    &column_type_widened::COLUMN_TYPE_WIDENED,
    &enum_value_added::ENUM_VALUE_ADDED,
    &statement_not_understood::STATEMENT_NOT_UNDERSTOOD,
];

/// The checks over SQL facts, one per rule that reads them.
pub(crate) static SQL_CHECKS: &[fn(&SqlContext<'_>, &mut Vec<Finding>)] = &[
    table_rebuild_lost_objects::check,
    row_security_restricted::check,
    privilege_revoked::check,
    compat_view_not_writable::check,
    trigger_fill_removed::check,
    materialized_view_unique_index_dropped::check,
    function_behaviour_changed::check,
    function_default_removed::check,
    function_return_changed::check,
    refused_by_dependents::check,
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

/// Builds a finding's expand step (see [`SqlContext::expand_step`]).
pub(crate) type ExpandStep<'a> = dyn Fn(&Finding) -> Option<Fix> + 'a;

/// What the SQL rules look at for one history or schema file.
pub(crate) struct SqlContext<'a> {
    /// How N-1 is named in messages (`v1.4.0`).
    pub baseline: &'a str,
    pub changes: &'a [Change],
    pub history: Option<&'a HistoryFacts>,
    /// Statements or parts not understood in the files under review: (where, what).
    pub not_understood: &'a [(Location, String)],
    /// Builds the expand step of a safe sequence for a finding on a single-column `ALTER TABLE`
    /// (migration histories only: a schema file is not a sequence of steps).
    pub expand_step: Option<&'a ExpandStep<'a>>,
    /// `[sql] app-roles`: what is taken from these roles is an error, not a warning.
    pub app_roles: &'a [String],
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
    pub tool: crate::sql::layout::MigrationTool,
}

#[derive(Debug)]
pub(crate) struct OutOfOrder {
    pub id: String,
    pub version: String,
    pub at: Location,
    pub latest_released: String,
    /// Uses exactly the version of a released migration.
    pub clash: bool,
    pub tool: crate::sql::layout::MigrationTool,
}

/// A type change's message, naming the default that changed with it.
pub(crate) fn with_default_change(message: String, default_change: &Option<String>) -> String {
    match default_change {
        Some(d) => format!("{message}; {d}"),
        None => message,
    }
}

impl SqlContext<'_> {
    /// The expand step for a finding (a drop or rename replaced by its first, safe step), when the
    /// finding is in the working tree and its statement does that one thing.
    pub fn expand_step(&self, finding: &Finding) -> Option<Fix> {
        self.expand_step.and_then(|build| build(finding))
    }

    /// A finding for a change, with the N-1 definition as related location.
    /// What is taken from a role the application connects as (`[sql] app-roles`) breaks it for
    /// certain: an error, whatever the rule's level for other roles.
    pub fn for_role(&self, role: &str, mut finding: Finding) -> Finding {
        if self.app_roles.iter().any(|r| r == role) {
            finding.severity = rollsafe_diagnostics::Severity::Error;
        }
        finding
    }

    pub fn finding(&self, rule: &Rule, change: &Change, message: String, label: &str, help: String) -> Finding {
        // An object taken along by a CASCADE is named as such: the statement names something else.
        let message = match &change.cause {
            Some(by) => format!("{message} (dropped by {by})"),
            None => message,
        };
        let mut f = Finding::new(rule.id, rule.severity, message, change.at.clone(), label).object(change.object.clone()).help(help);
        f.definitions = change.definitions.clone();
        if let Some(defined) = &change.defined {
            f = f.related(defined.clone(), format!("defined here in {}", self.baseline));
        }
        for (at, message) in &change.related {
            f = f.related(at.clone(), message.clone());
        }
        f
    }
}
