//! Protobuf analysis: parse each `.proto` file once (a query per file), group files into modules
//! (the roots import paths are relative to), resolve each module on each side, compute the changes
//! between N-1 and N, and run the rules on the changes with the selected categories.
//!
//! Elements are paired as `buf breaking` pairs them: files by path within their module, messages,
//! enums and services by fully-qualified name, fields by number, enum values by number, methods by
//! name.

pub(crate) mod category;
pub(crate) mod diff;
mod format;
pub(crate) mod layout;
pub(crate) mod rules;

pub use format::FORMAT;

use crate::db::{Db, SourceFile, Workspace};
use crate::formats::Checked;
use rollsafe_proto::ParsedFile;
use rollsafe_proto::resolve::Module;
use std::sync::Arc;

/// Parses one `.proto` file. The front-end never fails, so neither does this query.
#[salsa::tracked(returns(ref))]
pub fn parse_proto(db: &dyn Db, file: SourceFile) -> Arc<ParsedFile> {
    Arc::new(rollsafe_proto::parse(file.text(db)))
}

/// The configuration as Protobuf reads it (`[protobuf]`, `exclude`), set by [`FORMAT`]'s
/// `configure`, apart from the workspace so that other sections' edits leave Protobuf untouched.
#[salsa::input(singleton, debug)]
pub struct ProtoSettings {
    #[returns(ref)]
    pub config: crate::config::Config,
}

pub(crate) fn proto_config(db: &dyn Db) -> &crate::config::Config {
    static NONE: std::sync::LazyLock<crate::config::Config> = std::sync::LazyLock::new(crate::config::Config::default);
    match ProtoSettings::try_get(db) {
        Some(settings) => settings.config(db),
        None => &NONE,
    }
}

/// One module (a root directory) of the workspace.
#[salsa::interned(debug)]
pub struct ModuleKey<'db> {
    #[returns(copy)]
    pub workspace: Workspace,
    /// The root, workspace-relative (`proto`; empty for the workspace itself).
    #[returns(ref)]
    pub root: String,
}

/// One side of a module.
#[salsa::interned(debug)]
pub struct ModuleSide<'db> {
    #[returns(copy)]
    pub module: ModuleKey<'db>,
    #[returns(copy)]
    pub baseline: bool,
}

/// A module resolved on one side.
#[salsa::tracked(returns(ref))]
pub fn resolved<'db>(db: &'db dyn Db, side: ModuleSide<'db>) -> Arc<Module> {
    let key = side.module(db);
    let ws = key.workspace(db);
    let layouts = layout::proto_layouts(db, ws);
    let files = if side.baseline(db) { ws.baseline(db) } else { ws.current(db) };
    let paths = if side.baseline(db) { &layouts.baseline } else { &layouts.current };
    let Some(paths) = paths.get(key.root(db)) else { return Arc::new(Module::default()) };
    let parsed: Vec<(String, &str, Arc<ParsedFile>)> = paths
        .iter()
        .filter_map(|p| files.get(p).map(|f| (layout::import_path(key.root(db), p).to_string(), p.as_str(), parse_proto(db, f).clone())))
        .collect();
    let inputs: Vec<rollsafe_proto::resolve::Input<'_>> =
        parsed.iter().map(|(import, path, p)| rollsafe_proto::resolve::Input { import_path: import, path, file: &p.file }).collect();
    Arc::new(rollsafe_proto::resolve::resolve(&inputs))
}

/// The changes between a module's two sides.
#[salsa::tracked(returns(ref))]
pub fn module_changes<'db>(db: &'db dyn Db, key: ModuleKey<'db>) -> Arc<Vec<diff::Change>> {
    let old = resolved(db, ModuleSide::new(db, key, true)).clone();
    let new = resolved(db, ModuleSide::new(db, key, false)).clone();
    Arc::new(diff::diff(&old, &new))
}

/// The findings of one module: syntax errors of its changed files, unresolved imports, and the
/// rules on its changes in the selected categories.
#[salsa::tracked(returns(ref))]
pub fn module_findings<'db>(db: &'db dyn Db, key: ModuleKey<'db>) -> Checked {
    rules::check(db, key)
}
