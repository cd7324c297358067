//! The Protobuf rules: one file each, whose doc comment is the user documentation and names the
//! `buf breaking` rules it corresponds to.
//!
//! A rule turns the module's [`Change`]s into findings, each under the buf rule it corresponds to
//! in the category that reports it (a deleted field is `FIELD_NO_DELETE` in FILE and PACKAGE,
//! `FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED` in WIRE): [`ProtoContext::emit`] keeps it only when the
//! selection enables that buf rule and does not ignore its files. Examples in a rule's doc
//! (`proto title="N-1: path"` / `proto title="N: path"` blocks) are run by the test suite.

use super::category::Selection;
use super::diff::{Change, ChangeKind, Declaration};
use super::layout::{ProtoLayouts, Root};
use super::{ModuleKey, module_changes, parse_proto};
use crate::db::Db;
use crate::formats::Checked;
use rollsafe_diagnostics::{Finding, Location, Rule};
use std::collections::HashMap;

mod enum_openness_changed;
mod enum_removed;
mod enum_value_removed;
mod enum_value_renamed;
mod extension_range_removed;
mod extension_removed;
mod field_cardinality_changed;
mod field_default_changed;
mod field_json_name_changed;
mod field_oneof_changed;
mod field_option_changed;
mod field_removed;
mod field_renamed;
mod field_type_changed;
mod file_option_changed;
mod file_removed;
mod import_not_found;
mod json_format_changed;
mod message_option_changed;
mod message_removed;
mod oneof_removed;
mod package_changed;
mod package_removed;
mod required_field_changed;
mod reserved_removed;
mod rpc_idempotency_changed;
mod rpc_removed;
mod rpc_streaming_changed;
mod rpc_type_changed;
mod service_removed;
mod syntax_changed;
mod syntax_error;

/// The Protobuf rules, for the registry (`crate::registry`).
pub static ALL: &[&Rule] = &[
    &enum_openness_changed::PROTO_ENUM_OPENNESS_CHANGED,
    &enum_removed::PROTO_ENUM_REMOVED,
    &enum_value_removed::PROTO_ENUM_VALUE_REMOVED,
    &enum_value_renamed::PROTO_ENUM_VALUE_RENAMED,
    &extension_range_removed::PROTO_EXTENSION_RANGE_REMOVED,
    &extension_removed::PROTO_EXTENSION_REMOVED,
    &field_cardinality_changed::PROTO_FIELD_CARDINALITY_CHANGED,
    &field_default_changed::PROTO_FIELD_DEFAULT_CHANGED,
    &field_json_name_changed::PROTO_FIELD_JSON_NAME_CHANGED,
    &field_oneof_changed::PROTO_FIELD_ONEOF_CHANGED,
    &field_option_changed::PROTO_FIELD_OPTION_CHANGED,
    &field_removed::PROTO_FIELD_REMOVED,
    &field_renamed::PROTO_FIELD_RENAMED,
    &field_type_changed::PROTO_FIELD_TYPE_CHANGED,
    &file_option_changed::PROTO_FILE_OPTION_CHANGED,
    &file_removed::PROTO_FILE_REMOVED,
    &import_not_found::PROTO_IMPORT_NOT_FOUND,
    &json_format_changed::PROTO_JSON_FORMAT_CHANGED,
    &message_option_changed::PROTO_MESSAGE_OPTION_CHANGED,
    &message_removed::PROTO_MESSAGE_REMOVED,
    &oneof_removed::PROTO_ONEOF_REMOVED,
    &package_changed::PROTO_PACKAGE_CHANGED,
    &package_removed::PROTO_PACKAGE_REMOVED,
    &required_field_changed::PROTO_REQUIRED_FIELD_CHANGED,
    &reserved_removed::PROTO_RESERVED_REMOVED,
    &rpc_idempotency_changed::PROTO_RPC_IDEMPOTENCY_CHANGED,
    &rpc_removed::PROTO_RPC_REMOVED,
    &rpc_streaming_changed::PROTO_RPC_STREAMING_CHANGED,
    &rpc_type_changed::PROTO_RPC_TYPE_CHANGED,
    &service_removed::PROTO_SERVICE_REMOVED,
    &syntax_changed::PROTO_SYNTAX_CHANGED,
    &syntax_error::PROTO_SYNTAX_ERROR,
];

/// The checks over a module's changes, one per rule that reads them.
static CHECKS: &[fn(&ProtoContext<'_>, &mut Vec<Finding>)] = &[
    enum_openness_changed::check,
    enum_removed::check,
    enum_value_removed::check,
    enum_value_renamed::check,
    extension_range_removed::check,
    extension_removed::check,
    field_cardinality_changed::check,
    field_default_changed::check,
    field_json_name_changed::check,
    field_oneof_changed::check,
    field_option_changed::check,
    field_removed::check,
    field_renamed::check,
    field_type_changed::check,
    file_option_changed::check,
    file_removed::check,
    json_format_changed::check,
    message_option_changed::check,
    message_removed::check,
    oneof_removed::check,
    package_changed::check,
    package_removed::check,
    required_field_changed::check,
    reserved_removed::check,
    rpc_idempotency_changed::check,
    rpc_removed::check,
    rpc_streaming_changed::check,
    rpc_type_changed::check,
    service_removed::check,
    syntax_changed::check,
];

/// What the Protobuf rules look at for one module.
pub(crate) struct ProtoContext<'a> {
    /// How N-1 is named in messages (`v1.4.0`).
    pub baseline: &'a str,
    pub changes: &'a [Change],
    /// Each root with the selection its configuration makes (its buf.yaml's, or rollsafe.toml's).
    pub roots: &'a [(Root, Selection)],
    /// Import path → index into `roots`, for both trees.
    pub root_of: &'a HashMap<String, usize>,
    /// The working tree's text of a file, for fixes.
    pub text: &'a dyn Fn(&str) -> Option<std::sync::Arc<str>>,
}

impl ProtoContext<'_> {
    /// A finding for a change under buf rule `peer`, when the selection enables it and does not
    /// ignore the change's files; with the N-1 definition as related location.
    pub fn emit(&self, rule: &Rule, change: &Change, peer: &'static str, message: String, label: &str, help: String) -> Option<Finding> {
        let file = change.new_file.as_ref().or(change.old_file.as_ref());
        let (root, selection) = &self.roots[file.and_then(|f| self.root_of.get(f)).copied().unwrap_or(0)];
        if !selection.enabled(peer) {
            return None;
        }
        let paths: Vec<String> = [&change.new_file, &change.old_file].into_iter().flatten().map(|f| ignore_path(root, f)).collect();
        let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
        if selection.ignored(peer, &paths, &change.package) {
            return None;
        }
        let mut f = Finding::new(rule.id, rule.severity, message, change.at.clone(), label).help(help).peer_rule(peer);
        f.definitions = change.definitions.clone();
        if let Some(was) = change.was.as_ref().filter(|w| **w != change.at) {
            f = f.related(was.clone(), format!("defined here in {}", self.baseline));
        }
        Some(f)
    }
}

/// A file as buf's ignore lists name it: relative to the `buf.yaml` directory for v2 (the module
/// path included), relative to the module root otherwise.
fn ignore_path(root: &Root, import_path: &str) -> String {
    match &root.buf_yaml {
        Some((yaml, version)) if version == "v2" => {
            let dir = yaml.rsplit_once('/').map_or("", |(d, _)| d);
            let full = if root.dir.is_empty() { import_path.to_string() } else { format!("{}/{import_path}", root.dir) };
            match full.strip_prefix(dir) {
                Some(rest) if !dir.is_empty() => rest.trim_start_matches('/').to_string(),
                _ => full,
            }
        }
        _ => import_path.to_string(),
    }
}

pub(crate) use syntax_error::config_error;

/// The findings of a `*-removed` rule for messages, enums, services or extensions: deleted from
/// its file (`peers[0]`, FILE) and from its package (`peers[1]`, PACKAGE).
pub(crate) fn declaration_removed(cx: &ProtoContext<'_>, out: &mut Vec<Finding>, rule: &Rule, what: Declaration, peers: [&'static str; 2]) {
    for change in cx.changes {
        let ChangeKind::DeclarationRemoved { what: removed, name, from_file, from_package } = &change.kind else { continue };
        if *removed != what {
            continue;
        }
        let help =
            "deprecate it (`option deprecated = true;`) and delete it in a later release, once no deployed client uses it".to_string();
        let noun = what.noun();
        let variants = [
            (peers[0], *from_file, format!("{noun} {name} is deleted from its file: code of release {} that uses it breaks", cx.baseline)),
            (
                peers[1],
                *from_package,
                format!("{noun} {name} is deleted from its package: code of release {} that uses it breaks", cx.baseline),
            ),
        ];
        for (peer, applies, message) in variants {
            if applies && let Some(mut f) = cx.emit(rule, change, peer, message, "deleted from here", help.clone()) {
                f.object = Some(name.clone());
                out.push(f);
            }
        }
    }
}

/// `Field 3 (email) of message User`.
pub(crate) fn field_words(f: &super::diff::FieldRef) -> String {
    format!("field {} ({}) of message {}", f.number, f.name, f.message)
}

/// Every finding of one module.
pub(crate) fn check(db: &dyn Db, key: ModuleKey<'_>) -> Checked {
    let ws = key.workspace(db);
    let layouts: &ProtoLayouts = super::layout::proto_layouts(db, ws);
    let config = super::proto_config(db);
    let mut roots: Vec<(Root, Selection)> = layouts
        .roots
        .iter()
        .map(|r| {
            let buf = r.buf_yaml.as_ref().map(|(_, version)| (version.as_str(), &r.breaking));
            (r.clone(), Selection::new(config.protobuf.category.as_deref(), buf))
        })
        .collect();
    if roots.is_empty() {
        roots.push((Root::default(), Selection::new(config.protobuf.category.as_deref(), None)));
    }
    let mut root_of = HashMap::new();
    for side in [&layouts.baseline, &layouts.current] {
        for (dir, files) in side {
            let Some(i) = roots.iter().position(|(r, _)| r.dir == *dir) else { continue };
            for p in files {
                root_of.insert(super::layout::import_path(dir, p).to_string(), i);
            }
        }
    }
    let changes = module_changes(db, key);
    let current = ws.current(db);
    let text = |path: &str| current.get(path).map(|f| f.text(db).clone());
    let cx = ProtoContext { baseline: ws.baseline_label(db), changes, roots: &roots, root_of: &root_of, text: &text };
    let mut out = Checked::default();
    for check in CHECKS {
        check(&cx, &mut out.findings);
    }
    // The files under review: new or changed in the working tree.
    let reviewed: Vec<&String> = layouts.current.values().flatten().filter(|p| current.get(p) != ws.baseline(db).get(p)).collect();
    for path in reviewed {
        let Some(file) = current.get(path) else { continue };
        let parsed = parse_proto(db, file);
        for e in &parsed.errors {
            out.findings.push(syntax_error::finding(path, e));
        }
        out.suppressions.push((path.clone(), parsed.suppressions.clone()));
    }
    // Imports no file of the module holds, new in this release.
    for (at, what) in super::changed_file_notes(db, key) {
        out.findings.push(import_not_found::finding(Location::current(at.path.clone(), at.range), &what));
    }
    out
}
