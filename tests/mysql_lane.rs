//! The MySQL lane: rollsafe's MySQL model and verdicts held against a real MySQL-compatible
//! server, Debian's MariaDB (`.ci/mariadb.sh` starts one).
//!
//! For every fixture marked `mariadb = true`:
//!
//! 1. **Model.** Its N-1 migrations are applied to one database and N-1 plus the new migrations to
//!    another (statements as rollsafe splits them, sent with a delimiter of their own, so routine
//!    and trigger bodies arrive whole); each database's catalog (`information_schema`) must equal
//!    the replayed model: tables, columns in order (nullability, presence of a default,
//!    `AUTO_INCREMENT`, generation), unique keys and plain indexes by name, triggers and views.
//! 2. **N-1 probe.** From the server's own N-1 catalog the lane writes what N-1 code does: a
//!    `SELECT` of every column, an `INSERT` of the required columns, one `INSERT` per column with
//!    the largest value its N-1 type holds (strict mode refuses what does not fit) and, for an
//!    `ENUM`, one with each label. Probes that fail on N-1 are discarded. Against N, each probe that
//!    fails must be explained by a finding on the table (an error or a warning), and each error of
//!    a kind the database shows (removed, renamed, required, narrowed) must make a probe fail.
//!
//! The fixtures are written for MySQL 8; the lane runs MariaDB 10.11, which reads them alike
//! (`RENAME INDEX`, stored generated columns, `CHANGE`/`MODIFY`, routine and trigger bodies). What
//! differs, as the lane met it: MariaDB's `JSON` is a `LONGTEXT` with a `json_valid` check (so
//! `information_schema` says `longtext`, and made-up values must be valid JSON); both refuse to
//! `MODIFY` an ordinary column into a *virtual* generated one (only `STORED` works); both index a
//! foreign key's columns when no index starts with them (named as the constraint). A fixture the
//! lane cannot run says why in its `mariadb-note` (one that switches databases with `USE`).
//!
//! Connection: the socket in `ROLLSAFE_MARIADB_SOCKET`, as root. Without it the lane prints that
//! it was skipped and passes, unless `ROLLSAFE_MARIADB_REQUIRED` is set (CI sets it).

use rollsafe_core::{Analysis, Finding, Severity};
use rollsafe_sql::catalog::{Catalog, ConstraintShape};
use rollsafe_sql::ops::{StatementKind, ValueSource};
use rollsafe_sql::split::Section;
use rollsafe_sql::{Dialect, parse_file};
use rollsafe_tests::{Fixture, fixtures};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

/// What the client prints between statements it is sent: a delimiter no fixture uses.
const DELIMITER: &str = "//rollsafe//";

fn client(socket: &str, db: Option<&str>, args: &[&str], input: Option<&str>) -> std::process::Output {
    let mut cmd = Command::new("mariadb");
    cmd.args(["--socket", socket, "-u", "root", "--batch", "-N"]);
    if let Some(db) = db {
        cmd.args(["-D", db]);
    }
    cmd.args(args);
    let script = input.map(|text| {
        let path = std::env::temp_dir().join(format!("rollsafe-mysql-lane-{}-{}.sql", std::process::id(), db.unwrap_or("server")));
        std::fs::write(&path, text).expect("write script");
        path
    });
    if let Some(path) = &script {
        cmd.stdin(std::fs::File::open(path).expect("script"));
    }
    cmd.output().unwrap_or_else(|e| panic!("mariadb could not start: {e}"))
}

fn recreate(socket: &str, db: &str) {
    let sql = format!("DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db}");
    let out = client(socket, None, &["-e", &sql], None);
    assert!(out.status.success(), "{db}: {}", String::from_utf8_lossy(&out.stderr));
}

fn drop_db(socket: &str, db: &str) {
    let _ = client(socket, None, &["-e", &format!("DROP DATABASE IF EXISTS {db}")], None);
}

/// The up part of a migration file as a client script.
fn up_script(text: &str) -> String {
    let parsed = parse_file(text, Dialect::MySql);
    let mut out = format!("DELIMITER {DELIMITER}\n");
    for s in parsed.statements.iter().filter(|s| s.section != Section::Down) {
        if matches!(s.kind, StatementKind::NoSchemaEffect)
            && text[s.range.as_usize()].trim_start().to_ascii_uppercase().starts_with("DELIMITER")
        {
            continue;
        }
        out.push_str(&text[s.range.as_usize()]);
        out.push('\n');
        out.push_str(DELIMITER);
        out.push('\n');
    }
    out
}

fn apply(socket: &str, db: &str, tree: &Path, path: &str) {
    let text = std::fs::read_to_string(tree.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    let out = client(socket, Some(db), &[], Some(&up_script(&text)));
    assert!(out.status.success(), "applying {} to {db} failed: {}", tree.join(path).display(), String::from_utf8_lossy(&out.stderr));
}

const INTROSPECT: &str = "SELECT JSON_OBJECT(
  'tables', (SELECT JSON_ARRAYAGG(JSON_OBJECT('name', t.TABLE_NAME, 'columns', (
      SELECT JSON_ARRAYAGG(JSON_OBJECT('name', c.COLUMN_NAME, 'type', c.COLUMN_TYPE, 'data_type', c.DATA_TYPE,
             'nullable', c.IS_NULLABLE = 'YES', 'default', c.COLUMN_DEFAULT, 'extra', c.EXTRA,
             'generated', c.IS_GENERATED = 'ALWAYS', 'length', c.CHARACTER_MAXIMUM_LENGTH) ORDER BY c.ORDINAL_POSITION)
      FROM information_schema.COLUMNS c WHERE c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME)))
    FROM information_schema.TABLES t WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE'),
  'indexes', (SELECT JSON_ARRAYAGG(JSON_OBJECT('table', s.TABLE_NAME, 'name', s.INDEX_NAME, 'unique', s.NON_UNIQUE = 0,
      'column', s.COLUMN_NAME, 'seq', s.SEQ_IN_INDEX)) FROM information_schema.STATISTICS s WHERE s.TABLE_SCHEMA = DATABASE()),
  'views', (SELECT JSON_ARRAYAGG(v.TABLE_NAME) FROM information_schema.VIEWS v WHERE v.TABLE_SCHEMA = DATABASE()),
  'triggers', (SELECT JSON_ARRAYAGG(JSON_OBJECT('name', tr.TRIGGER_NAME, 'table', tr.EVENT_OBJECT_TABLE))
    FROM information_schema.TRIGGERS tr WHERE tr.TRIGGER_SCHEMA = DATABASE()))";

fn introspect(socket: &str, db: &str) -> Value {
    let out = client(socket, Some(db), &["-r", "-e", INTROSPECT], None);
    assert!(out.status.success(), "introspect {db}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("introspection JSON: {e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn truthy(v: &Value) -> bool {
    v.as_bool().unwrap_or(false) || v.as_i64() == Some(1)
}

fn items(v: &Value) -> Vec<&Value> {
    v.as_array().into_iter().flatten().collect()
}

fn differences(out: &mut Vec<String>, what: &str, db: &BTreeSet<String>, model: &BTreeSet<String>) {
    for item in db.symmetric_difference(model) {
        out.push(format!("{what} {item} only in {}", if db.contains(item) { "MariaDB" } else { "the model" }));
    }
}

/// MariaDB writes a nullable column without a default as `DEFAULT NULL`: no default either.
fn has_default(c: &Value) -> bool {
    !c["default"].is_null() && s(&c["default"]) != "NULL"
}

/// Differences between MariaDB's catalog and rollsafe's model, as sentences.
fn compare_model(db: &Value, model: &Catalog) -> Vec<String> {
    let mut out = Vec::new();
    let tables = items(&db["tables"]);
    let db_tables: BTreeSet<String> = tables.iter().map(|t| s(&t["name"]).to_lowercase()).collect();
    let model_tables: BTreeSet<String> = model.tables.keys().map(|k| k.name.clone()).collect();
    differences(&mut out, "table", &db_tables, &model_tables);
    for t in &tables {
        let name = s(&t["name"]).to_lowercase();
        let Some(table) = model.tables.iter().find(|(k, _)| k.name == name).map(|(_, t)| t) else { continue };
        if table.columns_unknown {
            continue;
        }
        let columns = items(&t["columns"]);
        let db_names: Vec<String> = columns.iter().map(|c| s(&c["name"]).to_lowercase()).collect();
        let model_names: Vec<String> = table.columns.iter().map(|c| c.name.key.clone()).collect();
        if db_names != model_names {
            out.push(format!("{name}: columns {db_names:?} in MariaDB, {model_names:?} in the model"));
            continue;
        }
        for (dc, mc) in columns.iter().zip(&table.columns) {
            let col = format!("{name}.{}", mc.name.key);
            if truthy(&dc["nullable"]) == mc.not_null.value {
                out.push(format!("{col}: nullable is {} in MariaDB, NOT NULL is {} in the model", dc["nullable"], mc.not_null.value));
            }
            let generated = truthy(&dc["generated"]);
            if generated != (mc.generated.value == Some(ValueSource::Computed)) {
                out.push(format!("{col}: generated in MariaDB: {generated}, in the model: {:?}", mc.generated.value));
            }
            let auto = s(&dc["extra"]).contains("auto_increment");
            if auto != (mc.generated.value == Some(ValueSource::AutoIncrement)) {
                out.push(format!("{col}: AUTO_INCREMENT in MariaDB: {auto}, in the model: {:?}", mc.generated.value));
            }
            if !generated && has_default(dc) != mc.default.value.is_some() {
                out.push(format!("{col}: default {:?} in MariaDB, {:?} in the model", dc["default"], mc.default.value));
            }
        }
    }
    // Keys by table and name: whether unique, and their columns by position.
    type Key = (bool, Vec<(i64, String)>);
    let mut keys: BTreeMap<(String, String), Key> = BTreeMap::new();
    for ix in items(&db["indexes"]) {
        let entry =
            keys.entry((s(&ix["table"]).to_lowercase(), s(&ix["name"]).to_lowercase())).or_insert((truthy(&ix["unique"]), Vec::new()));
        entry.1.push((ix["seq"].as_i64().unwrap_or(0), s(&ix["column"]).to_lowercase()));
    }
    let mut db_uniques = BTreeSet::new();
    let mut db_indexes = BTreeSet::new();
    for ((table, name), (unique, mut cols)) in keys {
        if name == "primary" {
            continue;
        }
        cols.sort();
        let cols: Vec<String> = cols.into_iter().map(|(_, c)| c).collect();
        let entry = format!("{table}.{name} ({})", cols.join(", "));
        if unique {
            db_uniques.insert(entry)
        } else {
            db_indexes.insert(entry)
        };
    }
    let model_uniques: BTreeSet<String> = model
        .tables
        .iter()
        .flat_map(|(k, t)| {
            t.constraints.iter().filter_map(move |c| match &c.kind {
                ConstraintShape::Unique { columns } => Some(format!("{}.{} ({})", k.name, c.name.key, columns.join(", "))),
                _ => None,
            })
        })
        .collect();
    let model_indexes: BTreeSet<String> =
        model.indexes.values().filter(|i| !i.unique).map(|i| format!("{}.{} ({})", i.table.name, i.name.key, i.keys.join(", "))).collect();
    differences(&mut out, "unique key", &db_uniques, &model_uniques);
    differences(&mut out, "index", &db_indexes, &model_indexes);
    let db_triggers: BTreeSet<String> =
        items(&db["triggers"]).iter().map(|t| format!("{} on {}", s(&t["name"]).to_lowercase(), s(&t["table"]).to_lowercase())).collect();
    let model_triggers: BTreeSet<String> = model.triggers.values().map(|t| format!("{} on {}", t.name.key, t.table.name)).collect();
    differences(&mut out, "trigger", &db_triggers, &model_triggers);
    let db_views: BTreeSet<String> = items(&db["views"]).iter().map(|v| s(v).to_lowercase()).collect();
    let model_views: BTreeSet<String> = model.views.keys().map(|k| k.name.clone()).collect();
    differences(&mut out, "view", &db_views, &model_views);
    out
}

fn quote(ident: &str) -> String {
    format!("`{}`", ident.replace('`', "``"))
}

/// The labels of `enum('a','b')` / `set(…)`.
fn labels(column_type: &str) -> Vec<String> {
    let Some(inner) = column_type.find('(').and_then(|i| column_type.rfind(')').map(|j| &column_type[i + 1..j])) else {
        return Vec::new();
    };
    inner.split("','").map(|l| l.trim_matches('\'').replace("''", "'")).collect()
}

/// A value of a column's type that any N-1 code might write.
fn typical(c: &Value) -> String {
    let data_type = s(&c["data_type"]);
    match data_type.as_str() {
        "tinyint" | "smallint" | "mediumint" | "int" | "bigint" | "bit" | "year" => "1".into(),
        "decimal" | "float" | "double" => "1.5".into(),
        "date" => "'2024-01-02'".into(),
        "datetime" | "timestamp" => "'2024-01-02 03:04:05'".into(),
        "time" => "'03:04:05'".into(),
        "json" => "'{}'".into(),
        "enum" | "set" => labels(&s(&c["type"])).first().map_or_else(|| "''".into(), |l| format!("'{}'", l.replace('\'', "''"))),
        // `'1'` fits a one-character column and is valid JSON: MariaDB's JSON is a LONGTEXT with a
        // json_valid check, reported as `longtext`.
        _ => "'1'".into(),
    }
}

/// The largest values of a column's N-1 type: what N-1 may write that a narrower type refuses.
fn extents(c: &Value) -> Vec<String> {
    let column_type = s(&c["type"]);
    let unsigned = column_type.contains("unsigned");
    match s(&c["data_type"]).as_str() {
        "tinyint" => vec![if unsigned { "255" } else { "127" }.into()],
        "smallint" => vec![if unsigned { "65535" } else { "32767" }.into()],
        "mediumint" => vec![if unsigned { "16777215" } else { "8388607" }.into()],
        "int" => vec![if unsigned { "4294967295" } else { "2147483647" }.into()],
        "bigint" => vec![if unsigned { "18446744073709551615" } else { "9223372036854775807" }.into()],
        "varchar" | "char" => c["length"].as_u64().map(|n| vec![format!("REPEAT('x', {n})")]).unwrap_or_default(),
        "enum" => labels(&column_type).into_iter().map(|l| format!("'{}'", l.replace('\'', "''"))).collect(),
        _ => Vec::new(),
    }
}

/// (table, probe) pairs from the server's N-1 catalog.
fn probes(n1: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for v in items(&n1["views"]) {
        out.push((s(v).to_lowercase(), format!("SELECT * FROM {} LIMIT 0", quote(&s(v)))));
    }
    for t in items(&n1["tables"]) {
        let name = s(&t["name"]);
        let subject = name.to_lowercase();
        let table = quote(&name);
        let columns = items(&t["columns"]);
        let all: Vec<String> = columns.iter().map(|c| quote(&s(&c["name"]))).collect();
        out.push((subject.clone(), format!("SELECT {} FROM {table} LIMIT 0", all.join(", "))));
        let writable: Vec<&&Value> =
            columns.iter().filter(|c| !truthy(&c["generated"]) && !s(&c["extra"]).contains("auto_increment")).collect();
        let required: Vec<&&Value> = writable.iter().copied().filter(|c| !truthy(&c["nullable"]) && !has_default(c)).collect();
        let required_cols: Vec<String> = required.iter().map(|c| quote(&s(&c["name"]))).collect();
        let required_values: Vec<String> = required.iter().map(|c| typical(c)).collect();
        let insert =
            |cols: &[String], values: &[String]| format!("INSERT INTO {table} ({}) VALUES ({})", cols.join(", "), values.join(", "));
        out.push((subject.clone(), insert(&required_cols, &required_values)));
        for c in &writable {
            for value in extents(c) {
                let (mut cols, mut values) = (required_cols.clone(), required_values.clone());
                let name = quote(&s(&c["name"]));
                match cols.iter().position(|x| *x == name) {
                    Some(i) => values[i] = value,
                    None => {
                        cols.push(name);
                        values.push(value);
                    }
                }
                out.push((subject.clone(), insert(&cols, &values)));
            }
        }
    }
    out
}

/// Runs probes, each in a rolled-back transaction; which failed.
fn run_probes(socket: &str, db: &str, probes: &[(String, String)]) -> Vec<bool> {
    let mut script = String::new();
    for (_, sql) in probes {
        script.push_str(&format!("START TRANSACTION; {}; ROLLBACK;\n", sql.replace('\n', " ")));
    }
    let out = client(socket, Some(db), &["--force"], Some(&script));
    let mut failed = vec![false; probes.len()];
    for line in String::from_utf8_lossy(&out.stderr).lines() {
        // ERROR 1054 (42S22) at line 3: Unknown column 'x' in 'field list'
        let Some(at) = line.find(" at line ") else { continue };
        let n: Option<usize> = line[at + 9..].split(':').next().and_then(|n| n.trim().parse().ok());
        if let Some(n) = n.filter(|n| (1..=probes.len()).contains(n)) {
            failed[n - 1] = true;
        }
    }
    failed
}

fn segments(object: &str) -> Vec<String> {
    object.split('.').map(|p| p.trim_matches('`').to_lowercase()).collect()
}

struct LaneReport {
    fixtures: usize,
    probes: usize,
    failing_on_n: usize,
    problems: Vec<String>,
}

fn run_fixture(socket: &str, index: usize, fixture: &Fixture, report: &mut LaneReport) {
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
    let histories: Vec<_> = analysis.query(rollsafe_core::sql::histories).into_iter().filter(|h| h.dialect == Dialect::MySql).collect();
    assert!(histories.len() == 1, "{}: mariadb = true needs one MySQL migration history", fixture.name);
    let h = &histories[0];
    let (n1_db, n_db) = (format!("rollsafe_lane_{index}_n1"), format!("rollsafe_lane_{index}_n"));
    recreate(socket, &n1_db);
    recreate(socket, &n_db);
    for path in &h.baseline.applied {
        apply(socket, &n1_db, &fixture.before(), path);
        apply(socket, &n_db, &fixture.before(), path);
    }
    for path in &h.current.applied {
        apply(socket, &n_db, &fixture.after(), path);
    }
    let (n1, n) = (introspect(socket, &n1_db), introspect(socket, &n_db));
    for p in compare_model(&n1, &h.baseline.catalog) {
        report.problems.push(format!("{} (N-1 model): {p}", fixture.name));
    }
    for p in compare_model(&n, &h.current.catalog) {
        report.problems.push(format!("{} (N model): {p}", fixture.name));
    }
    let probes = probes(&n1);
    let valid: Vec<bool> = run_probes(socket, &n1_db, &probes).into_iter().map(|failed| !failed).collect();
    let failed_on_n = run_probes(socket, &n_db, &probes);
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
            "column-removed"
            | "column-renamed"
            | "required-column-added"
            | "column-type-narrowed"
            | "column-not-null-added"
            | "column-default-dropped"
            | "enum-value-removed" => segs.len().checked_sub(2).and_then(|i| segs.get(i)),
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
    drop_db(socket, &n1_db);
    drop_db(socket, &n_db);
    report.fixtures += 1;
}

#[test]
fn mariadb_agrees_with_the_model_and_the_probes() {
    let Some(socket) = std::env::var_os("ROLLSAFE_MARIADB_SOCKET").map(|s| s.to_string_lossy().into_owned()) else {
        assert!(
            std::env::var_os("ROLLSAFE_MARIADB_REQUIRED").is_none(),
            "ROLLSAFE_MARIADB_REQUIRED is set but ROLLSAFE_MARIADB_SOCKET is not"
        );
        rollsafe_tests::skipped("MySQL lane skipped: no ROLLSAFE_MARIADB_SOCKET; run `eval \"$(.ci/mariadb.sh)\"` to enable it");
        return;
    };
    let mut report = LaneReport { fixtures: 0, probes: 0, failing_on_n: 0, problems: Vec::new() };
    for (i, fixture) in fixtures().iter().enumerate().filter(|(_, f)| f.case.mariadb) {
        run_fixture(&socket, i, fixture, &mut report);
    }
    eprintln!("MySQL lane (MariaDB): {} fixtures, {} N-1 probes, {} fail on N", report.fixtures, report.probes, report.failing_on_n);
    assert!(report.fixtures > 0, "no fixture is marked mariadb = true");
    assert!(report.problems.is_empty(), "{} disagreement(s) with MariaDB:\n{}", report.problems.len(), report.problems.join("\n"));
}
