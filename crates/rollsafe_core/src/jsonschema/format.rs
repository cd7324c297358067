//! JSON Schema's entry in the format table.

use super::check::{JsonFile, counterpart, file_findings, moves};
use super::{JsonTree, is_schema_path, parse_json_schema, tree_schemas};
use crate::config::Config;
use crate::contracts::{contract_config, releases};
use crate::db::{Db, Workspace};
use crate::formats::{Checked, Count, Coverage, Format, FormatSummary, ParseJob, Shown, Tree};
use rollsafe_diagnostics::{Finding, Side};

pub static FORMAT: Format = Format {
    name: "json-schema",
    display_name: "JSON Schema",
    // JSON has no comments: findings are accepted in `rollsafe.toml`'s allow-list, by JSON Pointer.
    line_comment: "",
    language: "json",
    extensions: &[".schema.json"],
    watch: &["**/*.schema.json"],
    reads: super::reads,
    checks_earlier_releases: true,
    rules: super::rules::ALL,
    check: check_all,
    summary,
    coverage,
    would_read,
    unreadable: "it is a JSON Schema, and the schemas that refer to it cannot be checked without it",
    suppression_anchor,
    parse_ahead,
    configure: crate::contracts::configure,
    check_paths,
};

fn current_schemas(db: &dyn Db, ws: Workspace) -> &[String] {
    tree_schemas(db, JsonTree::new(db, ws, Side::Current))
}

fn check_all(db: &dyn Db, ws: Workspace) -> Checked {
    let mut out = Checked::default();
    for path in current_schemas(db, ws) {
        out.findings.extend(file_findings(db, JsonFile::new(db, ws, path.clone())).iter().cloned());
    }
    // A schema of N-1 that no working-tree schema continues (at its path, or moved).
    let n1 = releases(db, ws, crate::config::Compat::Backward)[0];
    let continued: std::collections::HashSet<&String> = moves(db, JsonTree::new(db, ws, Side::Baseline)).values().collect();
    for path in tree_schemas(db, JsonTree::new(db, ws, Side::Baseline)).iter() {
        if continued.contains(path) || current_schemas(db, ws).binary_search(path).is_ok() {
            continue;
        }
        let Some(file) = n1.files.get(path) else { continue };
        let doc = parse_json_schema(db, file);
        let range = doc
            .root
            .as_ref()
            .and_then(|r| r.as_object())
            .and_then(|m| m.first())
            .map_or(rollsafe_text::TextRange::empty(0), |m| m.key_range);
        out.findings.push(super::rules::removed(path, n1.label, doc.id.as_deref(), range));
    }
    out
}

fn summary(db: &dyn Db, ws: Workspace) -> FormatSummary {
    let files = current_schemas(db, ws).len();
    FormatSummary {
        present: files > 0,
        counts: vec![Count { key: "json_schemas", noun: ("JSON Schema", "JSON Schemas"), value: files, shown: Shown::WhenNonZero }],
    }
}

fn coverage(db: &dyn Db, ws: Workspace) -> Coverage {
    let schemas = current_schemas(db, ws);
    let n1 = releases(db, ws, crate::config::Compat::Backward)[0];
    Coverage {
        noun: ("JSON Schema", "JSON Schemas"),
        units: schemas.len(),
        source_files: schemas.len(),
        in_baseline: schemas.iter().filter(|p| counterpart(db, ws, &n1, p).is_some()).count(),
    }
}

fn would_read(db: &dyn Db, _ws: Workspace, _side: Side, path: &str) -> bool {
    is_schema_path(contract_config(db), path)
}

/// JSON has no comments: no suppression comment, so no anchor.
fn suppression_anchor(_db: &dyn Db, _ws: Workspace, _finding: &Finding) -> Option<u32> {
    None
}

/// Every schema of every tree, each input once.
fn parse_ahead(db: &dyn Db, ws: Workspace) -> Vec<ParseJob> {
    let config = contract_config(db);
    let mut seen = std::collections::HashSet::new();
    let mut jobs: Vec<ParseJob> = Vec::new();
    let earlier = ws.earlier(db).iter().map(|r| &r.files);
    for files in [ws.current(db), ws.baseline(db)].into_iter().chain(earlier) {
        for file in files.paths().filter(|p| is_schema_path(config, p)).filter_map(|p| files.get(p)) {
            if seen.insert(file) {
                jobs.push(Box::new(move |db: &dyn Db| {
                    parse_json_schema(db, file);
                }));
            }
        }
    }
    jobs
}

/// `[json-schema] schemas` globs must match a file of the working tree.
fn check_paths(config: &Config, tree: &Tree<'_>) -> Result<(), String> {
    for glob in &config.json_schema.schemas {
        let glob = glob.trim_start_matches("./");
        if !tree.files.iter().any(|f| crate::config::glob_matches(glob, f)) {
            return Err(format!("[json-schema] schemas: `{}` matches no file of the workspace", rollsafe_text::escape::quote(glob)));
        }
    }
    Ok(())
}
