//! JSON Schema's entry in the format table.

use super::check::{JsonFile, counterpart, file_findings, moves};
use super::{JsonTree, is_schema_path, parse_json_schema, tree_schemas};
use crate::config::Config;
use crate::contracts::{contract_config, releases};
use crate::db::{Db, Workspace};
use crate::formats::{Checked, Count, Coverage, Format, FormatSummary, ParseJob, Shown, Tree};
use rollsafe_diagnostics::Side;

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
    suppression_anchor: crate::contracts::no_suppression_anchor,
    parse_ahead,
    configure: crate::contracts::configure,
    check_paths,
    starter,
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
    let n1 = JsonTree::new(db, ws, Side::Baseline);
    out.findings.extend(crate::contracts::removed_files(
        db,
        ws,
        current_schemas(db, ws),
        tree_schemas(db, n1),
        moves(db, n1),
        |path, release, file| {
            let doc = parse_json_schema(db, file);
            let first_key = doc.root.as_ref().and_then(|r| r.as_object()).and_then(|m| m.first()).map(|m| m.key_range);
            super::rules::removed(path, release, doc.id.as_deref(), first_key.unwrap_or(rollsafe_text::TextRange::empty(0)))
        },
    ));
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
    let n1 = releases(db, ws, crate::config::Compat::Backward)[0];
    crate::contracts::coverage(("JSON Schema", "JSON Schemas"), current_schemas(db, ws), |p| counterpart(db, ws, &n1, p).is_some())
}

fn would_read(db: &dyn Db, _ws: Workspace, _side: Side, path: &str) -> bool {
    is_schema_path(contract_config(db), path)
}

/// Every schema of every tree, each input once.
fn parse_ahead(db: &dyn Db, ws: Workspace) -> Vec<ParseJob> {
    let files = crate::contracts::files_of_every_tree(db, ws, &is_schema_path);
    files
        .into_iter()
        .map(|file| -> ParseJob {
            Box::new(move |db: &dyn Db| {
                parse_json_schema(db, file);
            })
        })
        .collect()
}

/// `[json-schema] schemas` may match no file of the working tree: the release that deletes the last
/// schema it named must still report the removal (the globs' syntax is checked with the
/// configuration).
fn check_paths(_config: &Config, _tree: &Tree<'_>) -> Result<(), String> {
    Ok(())
}

/// `[json-schema]` of the starter configuration (the modes are in `[contracts]`, shared with the
/// other contract formats).
fn starter(db: &dyn Db, ws: Workspace) -> Option<String> {
    let files = current_schemas(db, ws).len();
    (files > 0).then(|| {
        let noun = if files == 1 { "JSON Schema" } else { "JSON Schemas" };
        format!("# JSON Schema: rollsafe found {files} {noun}\n# [json-schema]\n# schemas = [\"api/**/*.json\"]   # schemas not named *.schema.json (globs)\n")
    })
}
