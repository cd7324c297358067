//! The real-SQLite lane: rollsafe's SQLite model and verdicts held against SQLite itself (Python's
//! `sqlite3` module, driven by `tests/sqlite/lane.py`).
//!
//! For every fixture marked `sqlite = true`:
//!
//! 1. **Model.** Its N-1 migrations are applied to one database file and N-1 plus the new
//!    migrations to another; each catalog must equal rollsafe's replayed model: tables, columns in
//!    order (NOT NULL and the presence of a default, for columns outside the primary key), the
//!    indexes `CREATE INDEX` made (name, uniqueness), the unique constraints (by columns, as SQLite
//!    names their indexes itself), triggers and views.
//! 2. **N-1 probe.** From SQLite's own N-1 catalog, the lane writes what N-1 code does: a `SELECT`
//!    of every column of every table, a `SELECT` from every view, and an `INSERT` of the required
//!    columns. Probes that fail on N-1 are discarded. Against N, every probe that fails must be
//!    explained by a finding on that table (an error or a warning), and every error rollsafe
//!    reports of a kind the database shows (a table or column removed or renamed, a required
//!    column added) must make a probe fail.
//!
//! Without `python3` (or its `sqlite3` module) the lane prints that it was skipped and passes,
//! unless `ROLLSAFE_SQLITE_REQUIRED` is set (CI sets it).

use rollsafe_core::{Analysis, Finding, Severity};
use rollsafe_sql::catalog::{Catalog, ConstraintShape};
use rollsafe_sql::ops::StatementKind;
use rollsafe_sql::split::Section;
use rollsafe_sql::{Dialect, parse_file};
use rollsafe_tests::{Fixture, fixtures, repo_root};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn lane(args: &[&str]) -> std::process::Output {
    let script = repo_root().join("tests/sqlite/lane.py");
    Command::new("python3").arg(script).args(args).output().unwrap_or_else(|e| panic!("python3 could not start: {e}"))
}

fn available() -> Result<(), String> {
    let out = Command::new("python3")
        .args(["-c", "import sqlite3; print(sqlite3.sqlite_version)"])
        .output()
        .map_err(|e| format!("python3 could not be started: {e}"))?;
    if out.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&out.stderr).trim().to_string()) }
}

fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rollsafe-sqlite-lane-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// The up part of a migration file as one script.
fn up_script(text: &str) -> String {
    let parsed = parse_file(text, Dialect::Sqlite);
    let mut out = String::new();
    for s in parsed.statements.iter().filter(|s| s.section != Section::Down) {
        if matches!(s.kind, StatementKind::NoSchemaEffect) && text[s.range.as_usize()].trim_start().starts_with('.') {
            continue;
        }
        out.push_str(&text[s.range.as_usize()]);
        out.push_str(";\n");
    }
    out
}

fn apply(db: &Path, tree: &Path, path: &str) {
    let text = std::fs::read_to_string(tree.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    let script = db.with_extension("sql");
    std::fs::write(&script, up_script(&text)).expect("write script");
    let out = lane(&["apply", db.to_str().expect("UTF-8"), script.to_str().expect("UTF-8")]);
    assert!(out.status.success(), "applying {} failed: {}", tree.join(path).display(), String::from_utf8_lossy(&out.stderr));
}

fn introspect(db: &Path) -> Value {
    let out = lane(&["introspect", db.to_str().expect("UTF-8")]);
    assert!(out.status.success(), "introspect: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("introspection JSON")
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn differences(out: &mut Vec<String>, what: &str, db: &BTreeSet<String>, model: &BTreeSet<String>) {
    for item in db.symmetric_difference(model) {
        out.push(format!("{what} {item} only in {}", if db.contains(item) { "SQLite" } else { "the model" }));
    }
}

/// Differences between SQLite's catalog and rollsafe's model, as sentences.
fn compare_model(db: &Value, model: &Catalog) -> Vec<String> {
    let mut out = Vec::new();
    let tables: Vec<&Value> = db["tables"].as_array().into_iter().flatten().collect();
    let db_tables: BTreeSet<String> = tables.iter().map(|t| s(&t["name"])).collect();
    let model_tables: BTreeSet<String> = model.tables.keys().map(|k| k.name.clone()).collect();
    differences(&mut out, "table", &db_tables, &model_tables);
    let mut db_indexes = BTreeSet::new();
    let mut db_uniques = BTreeSet::new();
    for t in &tables {
        let name = s(&t["name"]);
        let Some(table) = model.tables.iter().find(|(k, _)| k.name == name).map(|(_, t)| t) else { continue };
        if table.columns_unknown {
            continue;
        }
        let columns: Vec<&Value> = t["columns"].as_array().into_iter().flatten().collect();
        let db_names: Vec<String> = columns.iter().map(|c| s(&c["name"])).collect();
        let model_names: Vec<String> = table.columns.iter().map(|c| c.name.key.clone()).collect();
        if db_names != model_names {
            out.push(format!("{name}: columns {db_names:?} in SQLite, {model_names:?} in the model"));
            continue;
        }
        for (dc, mc) in columns.iter().zip(&table.columns) {
            // SQLite reports primary key columns as it declared them (an INTEGER PRIMARY KEY is
            // the rowid): their nullability is the key's business.
            if dc["pk"].as_u64().unwrap_or(0) > 0 {
                continue;
            }
            if dc["notnull"].as_bool() != Some(mc.not_null.value) {
                out.push(format!("{name}.{}: NOT NULL is {} in SQLite, {} in the model", mc.name.key, dc["notnull"], mc.not_null.value));
            }
            if dc["has_default"].as_bool() != Some(mc.default.value.is_some()) {
                out.push(format!(
                    "{name}.{}: has a default in SQLite: {}, in the model: {}",
                    mc.name.key,
                    dc["has_default"],
                    mc.default.value.is_some()
                ));
            }
        }
        for ix in t["indexes"].as_array().into_iter().flatten() {
            let cols: Vec<String> = ix["columns"].as_array().into_iter().flatten().map(s).collect();
            match ix["origin"].as_str() {
                Some("c") => {
                    db_indexes.insert(format!("{} on {name} unique={}", s(&ix["name"]), ix["unique"]));
                }
                Some("u") => {
                    db_uniques.insert(format!("{name} ({})", cols.join(", ")));
                }
                _ => {}
            }
        }
    }
    let model_indexes: BTreeSet<String> =
        model.indexes.values().map(|i| format!("{} on {} unique={}", i.name.key, i.table.name, i.unique)).collect();
    differences(&mut out, "index", &db_indexes, &model_indexes);
    let model_uniques: BTreeSet<String> = model
        .tables
        .iter()
        .flat_map(|(k, t)| {
            t.constraints.iter().filter_map(move |c| match &c.kind {
                ConstraintShape::Unique { columns } => Some(format!("{} ({})", k.name, columns.join(", "))),
                _ => None,
            })
        })
        .collect();
    differences(&mut out, "unique constraint", &db_uniques, &model_uniques);
    let db_triggers: BTreeSet<String> =
        db["triggers"].as_array().into_iter().flatten().map(|t| format!("{} on {}", s(&t["name"]), s(&t["table"]))).collect();
    let model_triggers: BTreeSet<String> = model.triggers.values().map(|t| format!("{} on {}", t.name.key, t.table.name)).collect();
    differences(&mut out, "trigger", &db_triggers, &model_triggers);
    let db_views: BTreeSet<String> = db["views"].as_array().into_iter().flatten().map(|v| s(&v["name"])).collect();
    let model_views: BTreeSet<String> = model.views.keys().map(|k| k.name.clone()).collect();
    differences(&mut out, "view", &db_views, &model_views);
    out
}

/// An identifier in brackets: SQLite reads a double-quoted name that matches no column as a
/// string, which would hide a removed column from a probe.
fn quote(ident: &str) -> String {
    format!("[{ident}]")
}

/// A value of a declared type, by SQLite's affinity rules.
fn typical(declared: &str) -> &'static str {
    let t = declared.to_ascii_uppercase();
    if t.contains("INT") {
        "1"
    } else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") {
        "'x'"
    } else if t.contains("BLOB") {
        "x'00'"
    } else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") {
        "1.5"
    } else {
        "'1'"
    }
}

/// (table or view, probe) pairs from SQLite's N-1 catalog.
fn probes(n1: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for v in n1["views"].as_array().into_iter().flatten() {
        out.push((s(&v["name"]), format!("SELECT * FROM {} LIMIT 0", quote(&s(&v["name"])))));
    }
    for t in n1["tables"].as_array().into_iter().flatten() {
        let name = s(&t["name"]);
        let columns: Vec<&Value> = t["columns"].as_array().into_iter().flatten().collect();
        let all: Vec<String> = columns.iter().map(|c| quote(&s(&c["name"]))).collect();
        out.push((name.clone(), format!("SELECT {} FROM {} LIMIT 0", all.join(", "), quote(&name))));
        // The rowid alias fills itself; other columns without a default that refuse NULL are required.
        let rowid = |c: &Value| c["pk"] == 1 && s(&c["type"]).eq_ignore_ascii_case("INTEGER");
        let required: Vec<&&Value> = columns
            .iter()
            .filter(|c| !rowid(c) && (c["notnull"] == true || c["pk"].as_u64().unwrap_or(0) > 0) && c["has_default"] != true)
            .collect();
        let cols: Vec<String> = required.iter().map(|c| quote(&s(&c["name"]))).collect();
        let values: Vec<&str> = required.iter().map(|c| typical(&s(&c["type"]))).collect();
        let insert = if cols.is_empty() {
            format!("INSERT INTO {} DEFAULT VALUES", quote(&name))
        } else {
            format!("INSERT INTO {} ({}) VALUES ({})", quote(&name), cols.join(", "), values.join(", "))
        };
        out.push((name, insert));
    }
    out
}

/// Runs the probes on a database; which failed.
fn run_probes(db: &Path, probes: &[(String, String)]) -> Vec<bool> {
    let file = db.with_extension("probes");
    let text: String = probes.iter().map(|(_, sql)| format!("{}\n", sql.replace('\n', " "))).collect();
    std::fs::write(&file, text).expect("write probes");
    let out = lane(&["probe", db.to_str().expect("UTF-8"), file.to_str().expect("UTF-8")]);
    assert!(out.status.success(), "probes: {}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), probes.len(), "one result per probe");
    lines.iter().map(|l| l.starts_with("fail")).collect()
}

/// A finding's object split into identifiers, unquoted and folded.
fn segments(object: &str) -> Vec<String> {
    object.split('.').map(|p| p.trim_matches('"').to_lowercase()).collect()
}

struct LaneReport {
    fixtures: usize,
    probes: usize,
    failing_on_n: usize,
    problems: Vec<String>,
}

fn run_fixture(fixture: &Fixture, dir: &Path, report: &mut LaneReport) {
    let loaded = rollsafe_workspace::load(&rollsafe_workspace::LoadOptions {
        cwd: fixture.after(),
        against: Some("../before".into()),
        config: None,
        previous_release_when_clean: false,
        compat: None,
    })
    .unwrap_or_else(|e| panic!("{}: {e}", fixture.name));
    let analysis = Analysis::new(loaded.input);
    let findings = analysis.findings();
    let histories: Vec<_> = analysis.query(rollsafe_core::sql::histories).into_iter().filter(|h| h.dialect == Dialect::Sqlite).collect();
    assert!(histories.len() == 1, "{}: sqlite = true needs one SQLite migration history", fixture.name);
    let h = &histories[0];
    let (n1_db, n_db) = (dir.join(format!("{}-n1.db", fixture.name)), dir.join(format!("{}-n.db", fixture.name)));
    for path in &h.baseline.applied {
        apply(&n1_db, &fixture.before(), path);
        apply(&n_db, &fixture.before(), path);
    }
    for path in &h.current.applied {
        apply(&n_db, &fixture.after(), path);
    }
    let (n1, n) = (introspect(&n1_db), introspect(&n_db));
    for p in compare_model(&n1, &h.baseline.catalog) {
        report.problems.push(format!("{} (N-1 model): {p}", fixture.name));
    }
    for p in compare_model(&n, &h.current.catalog) {
        report.problems.push(format!("{} (N model): {p}", fixture.name));
    }
    let probes = probes(&n1);
    let valid: Vec<bool> = run_probes(&n1_db, &probes).into_iter().map(|failed| !failed).collect();
    let failed_on_n = run_probes(&n_db, &probes);
    report.probes += probes.len();
    let explaining: Vec<&Finding> = findings.iter().filter(|f| f.severity >= Severity::Warning).collect();
    for (i, (subject, sql)) in probes.iter().enumerate() {
        if !valid[i] || !failed_on_n[i] {
            continue;
        }
        report.failing_on_n += 1;
        if !explaining.iter().any(|f| segments(f.object.as_deref().unwrap_or("")).contains(subject)) {
            report.problems.push(format!("{}: N-1 probe fails on N but rollsafe reports nothing about {subject}: {sql}", fixture.name));
        }
    }
    for f in findings.iter().filter(|f| f.severity == Severity::Error) {
        let segs = segments(f.object.as_deref().unwrap_or(""));
        let target = match f.rule {
            "table-removed" | "table-renamed" => segs.last(),
            "column-removed" | "column-renamed" | "required-column-added" => segs.len().checked_sub(2).and_then(|i| segs.get(i)),
            _ => None,
        };
        let Some(target) = target else { continue };
        let relevant: Vec<usize> = (0..probes.len()).filter(|&i| valid[i] && probes[i].0 == *target).collect();
        if !relevant.is_empty() && !relevant.iter().any(|&i| failed_on_n[i]) {
            report.problems.push(format!(
                "{}: rollsafe reports {} on {} but every N-1 probe of {target} succeeds on N",
                fixture.name,
                f.rule,
                f.object.as_deref().unwrap_or("")
            ));
        }
    }
    report.fixtures += 1;
}

#[test]
fn sqlite_agrees_with_the_model_and_the_probes() {
    if let Err(reason) = available() {
        assert!(
            std::env::var_os("ROLLSAFE_SQLITE_REQUIRED").is_none(),
            "ROLLSAFE_SQLITE_REQUIRED is set but SQLite is unavailable: {reason}"
        );
        rollsafe_tests::skipped(&format!("SQLite lane skipped: {reason}"));
        return;
    }
    let dir = scratch();
    let mut report = LaneReport { fixtures: 0, probes: 0, failing_on_n: 0, problems: Vec::new() };
    for fixture in fixtures().iter().filter(|f| f.case.sqlite) {
        run_fixture(fixture, &dir, &mut report);
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("SQLite lane: {} fixtures, {} N-1 probes, {} fail on N", report.fixtures, report.probes, report.failing_on_n);
    assert!(report.fixtures > 0, "no fixture is marked sqlite = true");
    assert!(report.problems.is_empty(), "{} disagreement(s) with SQLite:\n{}", report.problems.len(), report.problems.join("\n"));
}
