//! JSON Schema contracts (webhooks, events, API payloads), checked against the previous release
//! (or every earlier one) as a schema registry checks them, offline and with every difference
//! located.
//!
//! - Files: `*.schema.json`, and what `[json-schema] schemas` names. Other `.json` files of the
//!   tree are read only when a schema's `$ref` names them (by relative path or `$id`).
//! - Pairing: a schema of N is compared with the file at the same path in each release it is
//!   checked against, else with the file there that has the same `$id`, else the same text (a
//!   moved file).
//! - [`diff`] decides whether one schema accepts every instance another accepts; the mode of the
//!   file's path decides which directions must hold (BACKWARD: N accepts what N-1 accepted;
//!   FORWARD: N-1 accepts what N accepts), and the profile whether an open content model lets
//!   producers send undeclared properties (`strict`, the default) or not (`lenient`).

mod check;
pub mod diff;
mod format;
pub(crate) mod rules;

pub use format::FORMAT;

use crate::config::Config;
use crate::db::{Db, SourceFile};
use rollsafe_jsonschema::Document;
use rustc_hash::FxHashMap;
use std::sync::Arc;

#[salsa::tracked(returns(ref), lru = 1024)]
pub fn parse_json_schema(db: &dyn Db, file: SourceFile) -> Arc<Document> {
    Arc::new(rollsafe_jsonschema::parse(file.text(db)))
}

/// A file's `$id` (without fragment), when it has one: what other files' `$ref`s name it by.
#[salsa::tracked]
pub fn schema_id(db: &dyn Db, file: SourceFile) -> Option<String> {
    parse_json_schema(db, file).id.clone()
}

/// Whether a path is a JSON Schema the configuration has checked.
pub(crate) fn is_schema_path(config: &Config, path: &str) -> bool {
    (path.ends_with(".schema.json")
        || config.json_schema.schemas.iter().any(|g| crate::config::glob_matches(g.trim_start_matches("./"), path)))
        && !config.is_excluded(path)
}

/// Whether the loader reads a path for JSON Schema: the schemas, and `.json` files their `$ref`s
/// may name.
pub(crate) fn reads(config: &Config, path: &str) -> bool {
    is_schema_path(config, path) || path.ends_with(".json") && !config.is_excluded(path)
}

/// One tree of the workspace (shared with the other contract formats).
pub use crate::contracts::ContractTree as JsonTree;

/// The schema files of a tree, sorted.
#[salsa::tracked(returns(ref))]
pub fn tree_schemas<'db>(db: &'db dyn Db, tree: JsonTree<'db>) -> Arc<Vec<String>> {
    let config = crate::contracts::contract_config(db);
    let files = tree.workspace(db).files(db, tree.side(db));
    Arc::new(files.paths().filter(|p| is_schema_path(config, p)).map(str::to_string).collect())
}

/// `$id` → the schema files of a tree that declare it.
#[salsa::tracked(returns(ref))]
pub fn tree_ids<'db>(db: &'db dyn Db, tree: JsonTree<'db>) -> Arc<FxHashMap<String, Vec<String>>> {
    let files = tree.workspace(db).files(db, tree.side(db));
    let mut out: FxHashMap<String, Vec<String>> = FxHashMap::default();
    for path in tree_schemas(db, tree).iter() {
        if let Some(file) = files.get(path)
            && let Some(id) = schema_id(db, file)
        {
            out.entry(id.clone()).or_default().push(path.clone());
        }
    }
    Arc::new(out)
}

/// The file a `$ref`'s URI names, seen from `from`: a schema of the tree with that `$id`, else
/// the path relative to `from`'s folder.
pub(crate) fn find_file(db: &dyn Db, tree: JsonTree<'_>, uri: &str, from: &str) -> Option<(String, SourceFile)> {
    let files = tree.workspace(db).files(db, tree.side(db));
    if let Some(paths) = tree_ids(db, tree).get(uri)
        && let Some(path) = paths.first()
    {
        return Some((path.clone(), files.get(path)?));
    }
    if uri.contains("://") || uri.starts_with("urn:") {
        // An absolute URI no file declares: the file named like its last segments, if the tree
        // has exactly one (schemas often name each other by published URL).
        let name = uri.rsplit('/').next()?;
        let mut found = files.paths().filter(|p| p.rsplit('/').next() == Some(name));
        let (first, second) = (found.next(), found.next());
        return match (first, second) {
            (Some(p), None) => Some((p.to_string(), files.get(p)?)),
            _ => None,
        };
    }
    let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
    let joined = rollsafe_jsonschema::join(&format!("{dir}/"), uri);
    let path = joined.trim_start_matches('/').to_string();
    Some((path.clone(), files.get(&path)?))
}

/// Entry points for the fuzz targets (`fuzz/`).
pub mod fuzzing {
    use super::diff::{Side, includes};
    use crate::config::Profile;

    /// A schema read from arbitrary text is compatible with itself, in both profiles, and the
    /// comparison ends (recursion, `anyOf` products and `$ref` loops are bounded).
    pub fn self_compatible(text: &str) {
        rollsafe_jsonschema::fuzzing::front_end(text);
        let doc = rollsafe_jsonschema::parse(text);
        let find = |_: &str, _: &str| None;
        let checked = |_: &str| false;
        let side = Side { path: "s.schema.json", doc: &doc, find: &find, checked: &checked };
        for profile in [Profile::Strict, Profile::Lenient] {
            let found = includes(&side, &side, profile);
            assert!(found.is_empty(), "a schema must accept what it accepts: {found:?}");
        }
    }
}
