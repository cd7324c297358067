//! The findings of one schema file of the working tree: its own problems (new in this release),
//! and every incompatibility with its counterpart in each release its mode checks against.

use super::resolution::{self, Incompatibility};
use super::{AvroTree, avro_names, nearest, parse_avro, rules, tree_index, tree_schemas};
use crate::contracts::{Against, Direction, contract_config, releases};
use crate::db::{Db, SourceFile, Workspace};
use rollsafe_avro::{Node, ProblemKind, SchemaFile};
use rollsafe_diagnostics::{Finding, Side};
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// One schema file of the working tree.
pub use crate::contracts::ContractFile as AvroFile;

/// The file of a tree a working-tree schema is compared with: the same path, else the file it was
/// moved from ([`moves`]).
pub(crate) fn counterpart(db: &dyn Db, ws: Workspace, against: &Against<'_>, path: &str) -> Option<(String, SourceFile)> {
    let tree = AvroTree::new(db, ws, against.side);
    crate::contracts::counterpart(against, tree_schemas(db, tree), moves(db, tree), path)
}

/// Schemas moved between a release's tree and the working tree: working-tree path → the path it
/// had there, for working-tree schemas whose path that tree lacks, paired one to one with the
/// tree's schemas whose path the working tree lacks. A pair is, in order of preference: the same
/// text (a moved or renamed file); the same top-level type and file name (a moved folder, changed
/// too); the same top-level type, nearest folder first.
/// Whether a working-tree path and a release's path are one schema moved (one pass of [`moves`]).
type Pairing<'a> = dyn Fn(&str, &str) -> bool + 'a;

#[salsa::tracked(returns(ref))]
pub fn moves<'db>(db: &'db dyn Db, tree: AvroTree<'db>) -> std::collections::BTreeMap<String, String> {
    let ws = tree.workspace(db);
    let (current, old) = (ws.current(db), tree.workspace(db).files(db, tree.side(db)));
    let current_schemas = tree_schemas(db, AvroTree::new(db, ws, Side::Current));
    let old_schemas = tree_schemas(db, tree);
    let new_paths: Vec<&String> = current_schemas.iter().filter(|p| old_schemas.binary_search(p).is_err()).collect();
    let mut gone: Vec<&String> = old_schemas.iter().filter(|p| current_schemas.binary_search(p).is_err()).collect();
    let mut out = std::collections::BTreeMap::new();
    if new_paths.is_empty() || gone.is_empty() {
        return out;
    }
    let text = |files: &crate::db::FileSet, p: &str| files.get(p).map(|f| f.text(db));
    let top = |files: &crate::db::FileSet, p: &str| files.get(p).and_then(|f| avro_names(db, f).top.clone());
    let file_name = |p: &str| p.rsplit('/').next().unwrap_or(p).to_string();
    let same_text = |n: &str, o: &str| text(current, n).is_some() && text(current, n) == text(old, o);
    let same_top = |n: &str, o: &str| top(current, n).is_some() && top(current, n) == top(old, o);
    let same_top_and_name = |n: &str, o: &str| same_top(n, o) && file_name(n) == file_name(o);
    let passes: [&Pairing<'_>; 3] = [&same_text, &same_top_and_name, &same_top];
    for matches in passes {
        for new in &new_paths {
            if out.contains_key(new.as_str()) {
                continue;
            }
            let candidates: Vec<String> = gone.iter().filter(|o| matches(new, o)).map(|o| (*o).clone()).collect();
            if let Some(found) = nearest(&candidates, new).or(candidates.first()).cloned() {
                gone.retain(|o| **o != found);
                out.insert((*new).clone(), found);
            }
        }
    }
    out
}

/// Finds the named types that other files of a tree define, parsing each file once.
struct SetLookup<'db> {
    db: &'db dyn Db,
    tree: AvroTree<'db>,
    /// The file the references are written in: of several definitions, the nearest wins.
    from: String,
    cache: RefCell<HashMap<String, Option<&'db Node>>>,
}

impl<'db> SetLookup<'db> {
    fn find(&self, name: &str) -> Option<&'db Node> {
        if let Some(found) = self.cache.borrow().get(name) {
            return *found;
        }
        let ws = self.tree.workspace(self.db);
        let found = tree_index(self.db, self.tree).defined.get(name).and_then(|paths| {
            let path = nearest(paths, &self.from)?;
            let file = ws.files(self.db, self.tree.side(self.db)).get(path)?;
            let parsed: &'db Arc<SchemaFile> = parse_avro(self.db, file);
            parsed.named_types().get(name).copied()
        });
        self.cache.borrow_mut().insert(name.to_string(), found);
        found
    }
}

#[salsa::tracked(returns(ref))]
pub fn file_findings<'db>(db: &'db dyn Db, key: AvroFile<'db>) -> Vec<Finding> {
    let ws = key.workspace(db);
    let path = key.path(db).as_str();
    let Some(file) = ws.current(db).get(path) else { return Vec::new() };
    let parsed = parse_avro(db, file);
    let mut out = Vec::new();
    let mode = contract_config(db).contracts.compat_for(path);
    let against = releases(db, ws, mode);
    let n1 = counterpart(db, ws, &against[0], path);
    problems(db, ws, path, parsed, n1.as_ref().map(|(p, f)| (p.as_str(), *f)), &mut out);
    let json = rules::LazyJson { text: file.text(db), cell: Default::default() };
    let current_lookup = SetLookup { db, tree: AvroTree::new(db, ws, Side::Current), from: path.to_string(), cache: Default::default() };
    let current_find = |name: &str| current_lookup.find(name);
    let Some(new) = resolution::Side::in_set(parsed, &current_find) else { return out };
    let mut seen: BTreeSet<(Direction, String, String)> = BTreeSet::new();
    for release in &against {
        let Some((old_path, old_file)) = counterpart(db, ws, release, path) else { continue };
        if old_file == file {
            continue; // The same text: whatever it refers to elsewhere is checked where it is written.
        }
        let old_parsed = parse_avro(db, old_file);
        let old_lookup = SetLookup { db, tree: AvroTree::new(db, ws, release.side), from: old_path.clone(), cache: Default::default() };
        let old_find = |name: &str| old_lookup.find(name);
        let Some(old) = resolution::Side::in_set(old_parsed, &old_find) else { continue };
        let directions = Direction::of(mode);
        let found: Vec<(Direction, Vec<Incompatibility>)> = directions
            .iter()
            .map(|&d| match d {
                Direction::Backward => (d, resolution::check(&new, &old)),
                Direction::Forward => (d, resolution::check(&old, &new)),
            })
            .collect();
        let pair = |direction: Direction, both: bool| rules::Pair {
            path,
            release: release.label,
            release_side: release.side,
            release_path: &old_path,
            direction,
            both,
            root: parsed.schema.as_ref(),
            json: &json,
        };
        // What fails both ways at the same place (a type changed beyond promotion, a rename) is
        // one finding, worded for both directions.
        let findings = crate::contracts::merge_directions(
            &found,
            |inc| inc.path.as_str(),
            |direction, both, inc| rules::incompatibility(&pair(direction, both), inc),
        );
        // An incompatibility met again in an older release is reported once, for the newest.
        for (direction, inc, finding) in findings {
            if seen.insert((direction, finding.rule.to_string(), format!("{:?}{}", finding.primary.range, inc.path))) {
                out.push(finding);
            }
        }
    }
    out
}

/// The file's problems that are new in this release (a schema that was already invalid in N-1 is
/// not this change's doing), and references no schema of the tree defines.
fn problems(db: &dyn Db, ws: Workspace, path: &str, parsed: &SchemaFile, n1: Option<(&str, SourceFile)>, out: &mut Vec<Finding>) {
    let current = AvroTree::new(db, ws, Side::Current);
    let index = tree_index(db, current);
    let mut all = parsed.problems.clone();
    let here = parsed.named_types();
    for u in &parsed.unresolved {
        let defined_here = here.contains_key(u.full.as_str());
        let elsewhere = |name: &str| index.defined.get(name).is_some_and(|paths| paths.iter().any(|p| p != path));
        if defined_here && !elsewhere(&u.full) {
            let mut p = u.unknown();
            p.message = format!("`{}` is used before its definition in this file: Avro reads a schema in order", u.written);
            all.push(p);
        } else if !elsewhere(&u.full) && !u.fallback.as_deref().is_some_and(elsewhere) {
            all.push(u.unknown());
        }
    }
    all.sort_by_key(|p| (p.range.start, p.range.end));
    let text = ws.current(db).get(path).map_or("", |f| f.text(db));
    let json = rules::LazyJson { text, cell: Default::default() };
    let before: Vec<String> = match n1 {
        Some((_, file)) => {
            let old = parse_avro(db, file);
            // A reference the old set could not resolve either is not new.
            old.problems.iter().map(|p| p.message.clone()).chain(old.unresolved.iter().map(|u| u.unknown().message)).collect()
        }
        None => Vec::new(),
    };
    for problem in all {
        if before.contains(&problem.message) {
            continue;
        }
        let rule = match problem.kind {
            ProblemKind::Syntax | ProblemKind::Invalid => &rules::AVRO_INVALID_SCHEMA,
            ProblemKind::Ignored => &rules::AVRO_IGNORED_BY_READERS,
        };
        out.push(rules::problem(rule, path, &problem, &json));
    }
}
