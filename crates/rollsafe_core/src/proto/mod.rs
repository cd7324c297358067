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
use rollsafe_proto::resolve::{FileSymbols, Kind, Module, SymbolTable};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Parses one `.proto` file. The front-end never fails, so neither does this query. It runs for the
/// files that differ between the trees (and those an editor asks about); every other file is only
/// read for its symbols ([`proto_symbols`]), so the model of a tree of thousands of unchanged files
/// is not held in memory. The most recently used parses are kept.
#[salsa::tracked(returns(ref), lru = 256)]
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

/// The Protobuf files of a workspace, all its roots together.
#[salsa::interned(debug)]
pub struct ModuleKey<'db> {
    #[returns(copy)]
    pub workspace: Workspace,
}

/// One side of a module.
#[salsa::interned(debug)]
pub struct ModuleSide<'db> {
    #[returns(copy)]
    pub module: ModuleKey<'db>,
    #[returns(copy)]
    pub baseline: bool,
}

/// What one file declares and names (small, kept for every file: the module's symbol table is
/// built from these, so an edit re-reads one file's symbols).
#[salsa::tracked(returns(ref))]
pub fn proto_symbols(db: &dyn Db, file: SourceFile) -> Arc<FileSymbols> {
    // Parsed here rather than through `parse_proto`, whose result would be kept: the model of every
    // file of a large tree is what must not stay in memory, only its symbols.
    Arc::new(rollsafe_proto::resolve::file_symbols(&rollsafe_proto::parse(file.text(db)).file))
}

/// The files of one side of the workspace: import path (relative to each file's root) →
/// (workspace path, input). Every root of a workspace resolves its imports in the others, as a
/// buf workspace does (a `buf.work.yaml`'s directories, a v2 `buf.yaml`'s modules).
#[salsa::tracked(returns(ref))]
fn side_files<'db>(db: &'db dyn Db, side: ModuleSide<'db>) -> Arc<BTreeMap<String, (String, SourceFile)>> {
    let ws = side.module(db).workspace(db);
    let layouts = layout::proto_layouts(db, ws);
    let files = if side.baseline(db) { ws.baseline(db) } else { ws.current(db) };
    let paths = if side.baseline(db) { &layouts.baseline } else { &layouts.current };
    let mut out = BTreeMap::new();
    for (root, list) in paths {
        for p in list {
            if let Some(f) = files.get(p) {
                // Two roots holding one import path: the first root's file is the one imports find.
                out.entry(layout::import_path(root, p).to_string()).or_insert_with(|| (p.clone(), f));
            }
        }
    }
    Arc::new(out)
}

/// Every name one side of a module declares.
#[salsa::tracked(returns(ref))]
pub fn module_symbols<'db>(db: &'db dyn Db, side: ModuleSide<'db>) -> Arc<SymbolTable> {
    let files = side_files(db, side);
    let symbols: Vec<(&str, Arc<FileSymbols>)> =
        files.iter().map(|(import, (_, f))| (import.as_str(), proto_symbols(db, *f).clone())).collect();
    Arc::new(SymbolTable::new(symbols.iter().map(|(p, s)| (*p, &**s))))
}

/// One file of one side of a module.
#[salsa::interned(debug)]
pub struct SideFile<'db> {
    #[returns(copy)]
    pub side: ModuleSide<'db>,
    /// Import path.
    #[returns(ref)]
    pub import_path: String,
}

/// One file resolved against its side's symbol table.
#[salsa::tracked(returns(ref))]
pub fn file_resolved<'db>(db: &'db dyn Db, file: SideFile<'db>) -> Arc<Module> {
    let side = file.side(db);
    let files = side_files(db, side);
    let Some((path, input)) = files.get(file.import_path(db)) else { return Arc::new(Module::default()) };
    let parsed = parse_proto(db, *input);
    let input = rollsafe_proto::resolve::Input { import_path: file.import_path(db), path, file: &parsed.file };
    Arc::new(rollsafe_proto::resolve::resolve_file(input, module_symbols(db, side)))
}

/// A side of a module as a whole, looked up lazily: the files that did not change are resolved
/// only when a change refers into them.
struct LazySide<'db> {
    db: &'db dyn Db,
    side: ModuleSide<'db>,
    files: Arc<BTreeMap<String, (String, SourceFile)>>,
}

impl LazySide<'_> {
    fn file_declaring(&self, name: &str) -> Option<Arc<Module>> {
        let import = module_symbols(self.db, self.side).declaring_file(name)?;
        Some(file_resolved(self.db, SideFile::new(self.db, self.side, import.to_string())).clone())
    }
}

impl diff::Whole for LazySide<'_> {
    fn message(&self, name: &str) -> Option<Arc<rollsafe_proto::resolve::MessageInfo>> {
        // Map entries are declared by their field's message.
        let owner = name.rsplit_once('.').map_or(name, |(outer, _)| outer);
        self.file_declaring(name)
            .or_else(|| self.file_declaring(owner))
            .and_then(|m| m.messages.get(name).cloned())
            .or_else(|| rollsafe_proto::resolve::well_known().messages.get(name).cloned())
    }

    fn enumeration(&self, name: &str) -> Option<Arc<rollsafe_proto::resolve::EnumInfo>> {
        self.file_declaring(name)
            .and_then(|m| m.enums.get(name).cloned())
            .or_else(|| rollsafe_proto::resolve::well_known().enums.get(name).cloned())
    }

    fn declares(&self, name: &str) -> bool {
        module_symbols(self.db, self.side).kind(name).is_some_and(|k| !matches!(k, Kind::Package))
    }

    fn packages(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for (import, (_, f)) in self.files.iter() {
            out.entry(proto_symbols(self.db, *f).package.clone()).or_insert_with(|| import.clone());
        }
        out
    }
}

/// The changes between a module's two sides. Only the files that differ are resolved and compared,
/// and the unchanged files whose names a change could re-resolve (they use a name that this
/// release adds or removes); what those files refer to elsewhere is looked up when needed.
#[salsa::tracked(returns(ref))]
pub fn module_changes<'db>(db: &'db dyn Db, key: ModuleKey<'db>) -> Arc<Vec<diff::Change>> {
    let (old_side, new_side) = (ModuleSide::new(db, key, true), ModuleSide::new(db, key, false));
    let (old_files, new_files) = (side_files(db, old_side).clone(), side_files(db, new_side).clone());
    let (old_table, new_table) = (module_symbols(db, old_side), module_symbols(db, new_side));
    // Names added, removed or of another kind in this release, by their last part.
    let mut touched: rustc_hash::FxHashSet<&str> = Default::default();
    for (name, symbol) in &old_table.names {
        if new_table.kind(name) != Some(symbol.kind) {
            touched.insert(name.rsplit('.').next().unwrap_or(name));
        }
    }
    for name in new_table.names.keys().filter(|n| !old_table.names.contains_key(*n)) {
        touched.insert(name.rsplit('.').next().unwrap_or(name));
    }
    let mut compared: BTreeSet<&String> = BTreeSet::new();
    for import in old_files.keys().chain(new_files.keys()) {
        let (old, new) = (old_files.get(import).map(|f| f.1), new_files.get(import).map(|f| f.1));
        let affected = || old.is_some_and(|f| proto_symbols(db, f).referenced.iter().any(|r| touched.contains(r.as_str())));
        if old != new || affected() {
            compared.insert(import);
        }
    }
    let part = |side: ModuleSide<'db>, files: &Arc<BTreeMap<String, (String, SourceFile)>>| {
        let mut module = Module::default();
        for import in compared.iter().filter(|i| files.contains_key(**i)) {
            module.merge((*file_resolved(db, SideFile::new(db, side, (*import).clone())).clone()).clone());
        }
        module
    };
    let (old_part, new_part) = (part(old_side, &old_files), part(new_side, &new_files));
    let old_whole = LazySide { db, side: old_side, files: old_files.clone() };
    let new_whole = LazySide { db, side: new_side, files: new_files.clone() };
    Arc::new(diff::diff_parts(&old_part, &new_part, &old_whole, &new_whole))
}

/// The notes of the files of one side that differ from the other side: imports not in the tree.
pub(crate) fn changed_file_notes<'db>(db: &'db dyn Db, key: ModuleKey<'db>) -> Vec<(rollsafe_proto::resolve::At, String)> {
    let (old_side, new_side) = (ModuleSide::new(db, key, true), ModuleSide::new(db, key, false));
    let (old_files, new_files) = (side_files(db, old_side).clone(), side_files(db, new_side).clone());
    let mut out: Vec<(rollsafe_proto::resolve::At, String)> = Vec::new();
    for (import, (_, file)) in new_files.iter() {
        if old_files.get(import).map(|f| f.1) == Some(*file) {
            continue;
        }
        let old_notes: Vec<String> = match old_files.get(import) {
            Some(_) => file_resolved(db, SideFile::new(db, old_side, import.clone())).notes.iter().map(|(_, w)| w.clone()).collect(),
            None => Vec::new(),
        };
        for (at, what) in &file_resolved(db, SideFile::new(db, new_side, import.clone())).notes {
            if !old_notes.contains(what) && !out.iter().any(|(_, w)| w == what) {
                out.push((at.clone(), what.clone()));
            }
        }
    }
    out
}

/// The findings of one module: syntax errors of its changed files, unresolved imports, and the
/// rules on its changes in the selected categories.
#[salsa::tracked(returns(ref))]
pub fn module_findings<'db>(db: &'db dyn Db, key: ModuleKey<'db>) -> Checked {
    rules::check(db, key)
}
