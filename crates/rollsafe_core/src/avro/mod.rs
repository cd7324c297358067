//! Avro contracts, checked against the previous release (or every earlier one) as a schema
//! registry checks them, offline and with every incompatibility located.
//!
//! - Files: `*.avsc`, and what `[avro] schemas` names. The schemas of one tree form a set: a type
//!   one file refers to may be defined in another (as `avro-maven-plugin` imports and registry
//!   references allow), found by full name, nearest directory first.
//! - Pairing: a schema file of N is compared with the file at the same path in each release it is
//!   checked against, else with the file there whose top-level type has the same full name (a
//!   moved file).
//! - [`resolution`] decides, by the specification's schema resolution, what one schema can read of
//!   another's; the mode of the file's path (`[contracts]`, `--compat`) decides which directions
//!   must hold. A reference into another file of the set is compared by name and kind: that file
//!   is checked on its own, so each incompatibility is reported once, where it is written.

mod check;
mod format;
pub mod resolution;
pub(crate) mod rules;

pub use format::FORMAT;

use crate::config::Config;
use crate::db::{Db, SourceFile};
use rollsafe_avro::SchemaFile;
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// Reads one schema file as part of its tree's set. The most recently used are kept; what the
/// other files need of it (its names) is kept apart, in [`avro_names`].
#[salsa::tracked(returns(ref), lru = 1024)]
pub fn parse_avro(db: &dyn Db, file: SourceFile) -> Arc<SchemaFile> {
    Arc::new(rollsafe_avro::parse_in_set(file.text(db)))
}

/// The named types a file defines: its top-level type's full name, and every full name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Names {
    pub top: Option<String>,
    pub all: Vec<String>,
}

#[salsa::tracked(returns(ref))]
pub fn avro_names(db: &dyn Db, file: SourceFile) -> Arc<Names> {
    let parsed = parse_avro(db, file);
    let top = parsed.schema.as_ref().and_then(|s| s.defined_name()).map(|n| n.full.clone());
    Arc::new(Names { top, all: parsed.named_types().into_keys().map(str::to_string).collect() })
}

/// Whether a path is an Avro schema under the configuration.
pub(crate) fn is_schema_path(config: &Config, path: &str) -> bool {
    (path.ends_with(".avsc") || config.avro.schemas.iter().any(|g| crate::config::glob_matches(g.trim_start_matches("./"), path)))
        && !config.is_excluded(path)
}

/// One tree of the workspace (shared with the other contract formats).
pub use crate::contracts::ContractTree as AvroTree;

/// The schema files of a tree, sorted.
#[salsa::tracked(returns(ref))]
pub fn tree_schemas<'db>(db: &'db dyn Db, tree: AvroTree<'db>) -> Arc<Vec<String>> {
    let config = crate::contracts::contract_config(db);
    let files = tree.workspace(db).files(db, tree.side(db));
    Arc::new(files.paths().filter(|p| is_schema_path(config, p)).map(str::to_string).collect())
}

/// Every named type of a tree's schemas: full name → the files defining it; and top-level full
/// name → the files whose top-level type it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TreeIndex {
    pub defined: FxHashMap<String, Vec<String>>,
    pub top: FxHashMap<String, Vec<String>>,
}

#[salsa::tracked(returns(ref))]
pub fn tree_index<'db>(db: &'db dyn Db, tree: AvroTree<'db>) -> Arc<TreeIndex> {
    let files = tree.workspace(db).files(db, tree.side(db));
    let mut index = TreeIndex::default();
    for path in tree_schemas(db, tree).iter() {
        let Some(file) = files.get(path) else { continue };
        let names = avro_names(db, file);
        for name in &names.all {
            index.defined.entry(name.clone()).or_default().push(path.clone());
        }
        if let Some(top) = &names.top {
            index.top.entry(top.clone()).or_default().push(path.clone());
        }
    }
    Arc::new(index)
}

/// Of several files other than `path`, the one nearest it: the longest common directory prefix,
/// then the first by path.
pub(crate) fn nearest<'a>(candidates: &'a [String], path: &str) -> Option<&'a String> {
    let common = |other: &str| {
        let (a, b) = (path.rsplit_once('/').map_or("", |p| p.0), other.rsplit_once('/').map_or("", |p| p.0));
        a.split('/').zip(b.split('/')).take_while(|(x, y)| x == y).count()
    };
    candidates.iter().filter(|c| *c != path).min_by_key(|c| (std::cmp::Reverse(common(c)), c.as_str()))
}
