//! The findings of one JSON Schema of the working tree: its own problems (new in this release),
//! and every difference with its counterpart in each release its mode checks against.

use super::diff::{self, Difference};
use super::{JsonTree, find_file, parse_json_schema, rules, schema_id, tree_schemas};
use crate::contracts::{Against, Direction, contract_config, releases};
use crate::db::{Db, SourceFile, Workspace};
use rollsafe_diagnostics::{Finding, Side};
use rollsafe_jsonschema::{Document, Target};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// One schema file of the working tree.
pub use crate::contracts::ContractFile as JsonFile;

/// The file of a release a working-tree schema is compared with: the same path, else the file it
/// was moved from ([`moves`]).
pub(crate) fn counterpart(db: &dyn Db, ws: Workspace, against: &Against<'_>, path: &str) -> Option<(String, SourceFile)> {
    let tree = JsonTree::new(db, ws, against.side);
    crate::contracts::counterpart(against, tree_schemas(db, tree), moves(db, tree), path)
}

/// Schemas moved between a release's tree and the working tree (paths only one side has),
/// paired one to one: the same `$id` first, then the same text.
#[salsa::tracked(returns(ref))]
pub fn moves<'db>(db: &'db dyn Db, tree: JsonTree<'db>) -> BTreeMap<String, String> {
    let ws = tree.workspace(db);
    let (current, old) = (ws.current(db), ws.files(db, tree.side(db)));
    let current_schemas = tree_schemas(db, JsonTree::new(db, ws, Side::Current));
    let old_schemas = tree_schemas(db, tree);
    let new_paths: Vec<&String> = current_schemas.iter().filter(|p| old_schemas.binary_search(p).is_err()).collect();
    let mut gone: Vec<&String> = old_schemas.iter().filter(|p| current_schemas.binary_search(p).is_err()).collect();
    let mut out = BTreeMap::new();
    let id = |files: &crate::db::FileSet, p: &str| files.get(p).and_then(|f| schema_id(db, f).clone());
    let text = |files: &crate::db::FileSet, p: &str| files.get(p).map(|f| f.text(db));
    for pass in 0..2 {
        for new in &new_paths {
            if out.contains_key(new.as_str()) {
                continue;
            }
            let found = gone.iter().position(|o| match pass {
                0 => id(current, new).is_some() && id(current, new) == id(old, o),
                _ => text(current, new).is_some() && text(current, new) == text(old, o),
            });
            if let Some(i) = found {
                out.insert((*new).clone(), gone.remove(i).clone());
            }
        }
    }
    out
}

type Found<'db> = Option<(&'db str, &'db Document)>;

/// The documents of a tree, each parsed once, for `$ref`s into other files.
struct Finder<'db> {
    db: &'db dyn Db,
    tree: JsonTree<'db>,
    /// (URI, referring folder) → what it names.
    cache: std::cell::RefCell<BTreeMap<(String, String), Found<'db>>>,
}

impl<'db> Finder<'db> {
    fn new(db: &'db dyn Db, tree: JsonTree<'db>) -> Finder<'db> {
        Finder { db, tree, cache: Default::default() }
    }

    fn find(&self, uri: &str, from: &str) -> Option<(&'db str, &'db Document)> {
        let key = (uri.to_string(), from.rsplit_once('/').map_or("", |(d, _)| d).to_string());
        if let Some(found) = self.cache.borrow().get(&key) {
            return *found;
        }
        let found = self.lookup(uri, from);
        self.cache.borrow_mut().insert(key, found);
        found
    }

    fn lookup(&self, uri: &str, from: &str) -> Option<(&'db str, &'db Document)> {
        let (path, file) = find_file(self.db, self.tree, uri, from)?;
        let doc: &'db Arc<Document> = parse_json_schema(self.db, file);
        // The path as the tree's file set holds it, which lives as long as the database.
        let (path, _) = self.tree.workspace(self.db).files(self.db, self.tree.side(self.db)).entry(&path)?;
        Some((path, doc))
    }
}

#[salsa::tracked(returns(ref))]
pub fn file_findings<'db>(db: &'db dyn Db, key: JsonFile<'db>) -> Vec<Finding> {
    let ws = key.workspace(db);
    let path = key.path(db).as_str();
    let Some(file) = ws.current(db).get(path) else { return Vec::new() };
    let doc = parse_json_schema(db, file);
    let config = contract_config(db);
    let (mode, profile) = (config.contracts.compat_for(path), config.contracts.profile_for(path));
    let against = releases(db, ws, mode);
    let current = Finder::new(db, JsonTree::new(db, ws, Side::Current));
    let n1 = counterpart(db, ws, &against[0], path);
    let mut out = problems(db, ws, path, doc, &current, n1);
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    for release in &against {
        let Some((old_path, old_file)) = counterpart(db, ws, release, path) else { continue };
        let finder = Finder::new(db, JsonTree::new(db, ws, release.side));
        let old_doc = parse_json_schema(db, old_file);
        // The same schema (whatever its layout), and the same texts where its references lead.
        let same = old_file.text(db) == file.text(db)
            || matches!((&doc.root, &old_doc.root), (Some(a), Some(b)) if rollsafe_jsonschema::same_json(a, b));
        if same && references_unchanged(db, ws, doc, path, &old_path, release.side) {
            continue;
        }
        // Both sides' lookups live as long as this release's comparison.
        let (find_current, find_old) = (lookup(&current), lookup(&finder));
        let checked = |p: &str| super::is_schema_path(config, p);
        let new = diff::Side { path, doc, find: &find_current, checked: &checked };
        let old = diff::Side { path: &old_path, doc: old_doc, find: &find_old, checked: &checked };
        let found: Vec<(Direction, Vec<Difference>)> = Direction::of(mode)
            .into_iter()
            .map(|d| match d {
                Direction::Backward => (d, diff::includes(&new, &old, profile)),
                Direction::Forward => (d, diff::includes(&old, &new, profile)),
            })
            .collect();
        let pair = |direction: Direction, both: bool| rules::Pair {
            path,
            release: release.label,
            release_side: release.side,
            release_path: &old_path,
            direction,
            both,
            json: doc.root.as_ref(),
            profile,
        };
        // What fails both ways at one place is one finding, worded for both directions.
        let findings = crate::contracts::merge_directions(
            &found,
            |d| d.path.as_str(),
            |direction, both, d| rules::difference(&pair(direction, both), d),
        );
        for (_, d, finding) in findings {
            // Met again in an older release: reported once, for the newest.
            // A definition used in several places is reported once, where it is written.
            let related = finding.related.first().map(|r| r.location.range);
            let _ = d;
            if seen.insert((finding.rule.to_string(), format!("{:?}{:?}", finding.primary.range, related))) {
                out.push(finding);
            }
        }
    }
    out
}

/// A tree's lookup of `$ref`d files, for one comparison.
fn lookup<'a>(finder: &'a Finder<'_>) -> impl Fn(&str, &str) -> Option<(&'a str, &'a Document)> + 'a {
    move |uri, from| finder.find(uri, from)
}

/// Whether every file a schema's `$ref`s name has the same text in the working tree and in a
/// release (a reference into a changed file makes an unchanged schema worth comparing).
fn references_unchanged(db: &dyn Db, ws: Workspace, doc: &Document, path: &str, old_path: &str, side: Side) -> bool {
    let (current, old) = (JsonTree::new(db, ws, Side::Current), JsonTree::new(db, ws, side));
    let mut seen = BTreeSet::new();
    doc.refs.values().all(|t| match t {
        Target::Elsewhere { uri, .. } if seen.insert(uri.clone()) => {
            match (find_file(db, current, uri, path), find_file(db, old, uri, old_path)) {
                (Some((_, a)), Some((_, b))) => a.text(db) == b.text(db),
                (None, None) => true,
                _ => false,
            }
        }
        _ => true,
    })
}

/// The file's problems that are new in this release (what N-1's counterpart had already is not
/// this change's doing), with references that lead nowhere.
fn problems(
    db: &dyn Db,
    ws: Workspace,
    path: &str,
    doc: &Document,
    current: &Finder<'_>,
    n1: Option<(String, SourceFile)>,
) -> Vec<Finding> {
    let all = all_problems(path, doc, current);
    let before: Vec<String> = match n1 {
        Some((old_path, file)) => {
            let old = parse_json_schema(db, file);
            let finder = Finder::new(db, JsonTree::new(db, ws, Side::Baseline));
            all_problems(&old_path, old, &finder).into_iter().map(|p| p.message).collect()
        }
        None => Vec::new(),
    };
    all.into_iter().filter(|p| !before.contains(&p.message)).map(|p| rules::problem(path, &p, doc.root.as_ref())).collect()
}

/// A schema's problems: its own, `$ref`s within it that lead nowhere, and `$ref`s to other files
/// that the tree lacks or that have nothing at the fragment.
fn all_problems(path: &str, doc: &Document, finder: &Finder<'_>) -> Vec<rollsafe_jsonschema::Problem> {
    let mut all = doc.problems.clone();
    all.extend(doc.dangling());
    for pointer in doc.refs.keys() {
        if let Some(Target::Elsewhere { uri, fragment }) = doc.target(pointer) {
            let found = finder.find(&uri, path);
            let ok = found.is_some_and(|(_, other)| {
                fragment.is_empty()
                    || other.root.as_ref().is_some_and(|r| r.pointer(&fragment).is_some())
                    || other.resources.contains_key(&format!("{}#{fragment}", other.id.clone().unwrap_or_default()))
            });
            // A published URI the tree does not hold (a metaschema, another project's schema)
            // cannot be checked offline: not an error. A relative file that is not there is.
            let written = doc.root.as_ref().and_then(|root| root.pointer(pointer)).and_then(|v| v.get("$ref"));
            let absolute = written.and_then(|r| r.as_str()).is_some_and(|r| r.contains("://") || r.starts_with("urn:"));
            let remote = found.is_none() && absolute;
            if !ok
                && !remote
                && let Some(r) = written
            {
                let what = if found.is_some() {
                    format!("`{uri}` has nothing at `#{fragment}`")
                } else {
                    format!("no file of the tree is `{uri}`")
                };
                all.push(rollsafe_jsonschema::Problem { range: r.range, message: format!("`$ref` leads nowhere: {what}") });
            }
        }
    }
    all.sort_by_key(|p| (p.range.start, p.range.end));
    all
}
