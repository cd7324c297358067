//! Which `.proto` files form a module, and what each module selected for breaking-change checks.
//!
//! Roots are found without configuration, in this order: `[protobuf] roots` in `rollsafe.toml`;
//! `buf.yaml` (v2: its `modules`, else its directory; v1: its directory) and `buf.work.yaml`
//! (its `directories`); else the directories that make the tree's imports resolve (a file at
//! `proto/acme/v1/a.proto` imported as `acme/v1/a.proto` makes `proto` a root), then the
//! directories that match a file's package (`package acme.v1;` in `api/acme/v1/a.proto` makes
//! `api` a root). Files under no root belong to the workspace root. Both trees' evidence counts,
//! so N-1 and N agree on their roots.

use super::{proto_config, proto_symbols};
use crate::db::{Db, FileSet, Workspace};
use rollsafe_proto::buf_config::{Breaking, parse_buf_work_yaml, parse_buf_yaml};
use std::collections::{BTreeMap, BTreeSet};

/// A module root and the breaking-change selection that applies to it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Root {
    /// Workspace-relative directory; empty for the workspace root.
    pub dir: String,
    /// The `buf.yaml` that configures it (working tree), and its version.
    pub buf_yaml: Option<(String, String)>,
    pub breaking: Breaking,
}

/// The modules of both trees.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ProtoLayouts {
    pub roots: Vec<Root>,
    /// Root directory → the `.proto` files under it, per side.
    pub current: BTreeMap<String, Vec<String>>,
    pub baseline: BTreeMap<String, Vec<String>>,
    /// Configuration files that could not be read: (path, why).
    pub config_errors: Vec<(String, String)>,
}

/// A file's path relative to its root: what imports call it.
pub fn import_path<'a>(root: &str, path: &'a str) -> &'a str {
    if root.is_empty() { path } else { path.strip_prefix(root).and_then(|p| p.strip_prefix('/')).unwrap_or(path) }
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

fn join(dir: &str, rel: &str) -> String {
    let rel = rel.trim_start_matches("./").trim_end_matches('/');
    match (dir.is_empty(), rel.is_empty() || rel == ".") {
        (_, true) => dir.to_string(),
        (true, false) => rel.to_string(),
        (false, false) => format!("{dir}/{rel}"),
    }
}

/// Folders whose `.proto` files are someone else's copies, never a module of the project.
fn foreign(path: &str) -> bool {
    path.split('/').any(|part| matches!(part, "node_modules" | "vendor" | ".git"))
}

/// The `.proto` files of a tree that are analysed.
pub(crate) fn proto_files<'a>(files: &'a FileSet, config: &crate::config::Config) -> Vec<&'a str> {
    files.paths().filter(|p| p.ends_with(".proto") && !foreign(p) && !config.is_excluded(p)).collect()
}

#[salsa::tracked(returns(ref))]
pub fn proto_layouts(db: &dyn Db, ws: Workspace) -> ProtoLayouts {
    let config = proto_config(db);
    let mut out = ProtoLayouts::default();
    let mut roots: BTreeMap<String, Root> = BTreeMap::new();
    for dir in &config.protobuf.roots {
        let dir = dir.trim_start_matches("./").trim_end_matches('/').to_string();
        roots.insert(dir.clone(), Root { dir, ..Root::default() });
    }
    // buf's files: the working tree's decide (buf reads its configuration from the input side).
    for (files, current) in [(ws.current(db), true), (ws.baseline(db), false)] {
        for path in files.paths().filter(|p| !foreign(p)) {
            let name = path.rsplit('/').next().unwrap_or(path);
            let Some(file) = files.get(path) else { continue };
            match name {
                "buf.yaml" => match parse_buf_yaml(file.text(db)) {
                    Ok(buf) => {
                        for module in &buf.modules {
                            let dir = join(parent(path), module);
                            let entry = roots.entry(dir.clone()).or_insert_with(|| Root { dir, ..Root::default() });
                            if current || entry.buf_yaml.is_none() {
                                entry.buf_yaml = Some((path.to_string(), buf.version.clone()));
                                entry.breaking = buf.breaking.clone();
                            }
                        }
                    }
                    Err(e) if current => out.config_errors.push((path.to_string(), e)),
                    Err(_) => {}
                },
                "buf.work.yaml" => match parse_buf_work_yaml(file.text(db)) {
                    Ok(dirs) => {
                        for d in dirs {
                            let dir = join(parent(path), &d);
                            roots.entry(dir.clone()).or_insert_with(|| Root { dir, ..Root::default() });
                        }
                    }
                    Err(e) if current => out.config_errors.push((path.to_string(), e)),
                    Err(_) => {}
                },
                _ => {}
            }
        }
    }
    if roots.is_empty() {
        for dir in inferred_roots(db, ws, config) {
            roots.insert(dir.clone(), Root { dir, ..Root::default() });
        }
    }
    roots.entry(String::new()).or_default();
    for (files, side) in [(ws.current(db), &mut out.current), (ws.baseline(db), &mut out.baseline)] {
        for path in proto_files(files, config) {
            // The deepest root that holds the file.
            let root = roots
                .keys()
                .filter(|r| r.is_empty() || path.strip_prefix(r.as_str()).is_some_and(|rest| rest.starts_with('/')))
                .max_by_key(|r| r.len())
                .cloned()
                .unwrap_or_default();
            side.entry(root).or_default().push(path.to_string());
        }
    }
    out.roots = roots.into_values().filter(|r| out.current.contains_key(&r.dir) || out.baseline.contains_key(&r.dir)).collect();
    out
}

/// Roots that make imports resolve, then roots that match packages, from both trees.
fn inferred_roots(db: &dyn Db, ws: Workspace, config: &crate::config::Config) -> BTreeSet<String> {
    let mut roots = BTreeSet::new();
    for files in [ws.current(db), ws.baseline(db)] {
        let paths = proto_files(files, config);
        // Every path by each of its suffixes that starts at a folder boundary.
        let mut by_suffix: rustc_hash::FxHashMap<&str, Vec<&str>> = Default::default();
        for p in &paths {
            by_suffix.entry(p).or_default().push(p);
            for (i, _) in p.match_indices('/') {
                by_suffix.entry(&p[i + 1..]).or_default().push(p);
            }
        }
        // Root candidates are slices of the paths: a tree of thousands of files votes without
        // allocating.
        let mut votes: rustc_hash::FxHashSet<&str> = Default::default();
        for p in &paths {
            let Some(file) = files.get(p) else { continue };
            let symbols = proto_symbols(db, file);
            for import in &symbols.imports {
                for target in by_suffix.get(import.as_str()).into_iter().flatten() {
                    let root = &target[..target.len() - import.len()];
                    votes.insert(root.trim_end_matches('/'));
                }
            }
            // `package acme.v1;` at `<root>/acme/v1/x.proto`.
            if !symbols.package.is_empty() {
                let dirs = symbols.package.replace('.', "/");
                let dir = parent(p);
                if let Some(root) = dir.strip_suffix(dirs.as_str()).filter(|r| r.is_empty() || r.ends_with('/')) {
                    votes.insert(root.trim_end_matches('/'));
                }
            }
        }
        roots.extend(votes.into_iter().map(str::to_string));
    }
    // A root inside another root's files is a sub-folder of that module, not a module of its own,
    // unless imports say so: keep the outermost of nested candidates.
    let all: Vec<String> = roots.iter().cloned().collect();
    roots.retain(|r| !all.iter().any(|o| !o.is_empty() && o != r && r.starts_with(&format!("{o}/"))));
    roots
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_paths_are_relative_to_the_root() {
        assert_eq!(import_path("proto", "proto/acme/v1/a.proto"), "acme/v1/a.proto");
        assert_eq!(import_path("", "acme/a.proto"), "acme/a.proto");
        assert_eq!(join("a/b", "./c/"), "a/b/c");
        assert_eq!(join("", "."), "");
    }
}
