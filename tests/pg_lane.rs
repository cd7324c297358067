//! The real-PostgreSQL lane: rollsafe's model and verdicts held against a real database.
//!
//! For every fixture marked `postgres = true`:
//!
//! 1. **Model.** Its N-1 migrations are applied to one scratch database and N-1 plus the new
//!    migrations to another; each database's catalog (`tests/pg/introspect.sql`) must equal
//!    rollsafe's replayed model: tables, columns (type as `format_type` prints it, nullability,
//!    presence of a default, identity, generation), constraints (kind, columns, references,
//!    validity, and the names PostgreSQL generated), enums, views, sequences, indexes, triggers
//!    (with the function each executes), extensions, functions by signature, privileges on
//!    tables and columns by role, and row security.
//! 2. **N-1 probe.** From the *database's* N-1 catalog (not rollsafe's), the lane writes what N-1
//!    code does: a `SELECT` of every column of every table and view, an `INSERT` of the required
//!    columns only, one `INSERT` per column with the largest value its N-1 type holds, a cast to
//!    every enum label, `REFRESH MATERIALIZED VIEW CONCURRENTLY` of every materialized view with a
//!    unique index, and a call of every function and procedure with N-1's argument types (also
//!    leaving out what its defaults allow), reading its result's type or columns, and, for every
//!    role N-1 granted rights on a table, the same statements as that role (`SET LOCAL ROLE`:
//!    privileges and row security bind it; the roles `app`, `reporting` and `billing` are made
//!    by the lane, as roles belong to the cluster). Probes that fail on N-1 itself (a check constraint the made-up values
//!    violate) are discarded. Against N, every probe that fails must be explained by a finding on
//!    that object (an error or warning, or a note of a rule that reports breaking changes, which
//!    a finding is downgraded to when the object is not written directly: a table its triggers
//!    fill), and every error rollsafe reports of a kind a database can show (removed, renamed,
//!    required, narrowed) must make a probe fail.
//!
//! 3. **Refusals.** The model also holds triggers, extensions and views' dependencies: a release
//!    rollsafe says PostgreSQL refuses (`refused-by-dependents`) must fail to apply with SQLSTATE
//!    2BP01 (or 0A000 for a column type a view uses), the fixture marked `postgres_refuses`; one
//!    PostgreSQL refuses must be reported so.
//!
//! Connection: libpq's environment (`PGHOST`, `PGPORT`, `PGUSER`; `.ci/postgres.sh` prints them).
//! Without a server the lane prints that it was skipped and passes, unless `ROLLSAFE_PG_REQUIRED`
//! is set (CI sets it).

use rollsafe_core::{Analysis, Finding, Severity};
use rollsafe_sql::catalog::{Catalog, ConstraintShape, GrantObject, TypeShape};
use rollsafe_sql::ops::StatementKind;
use rollsafe_sql::split::Section;
use rollsafe_sql::{Dialect, parse_file};
use rollsafe_tests::{Fixture, fixtures, repo_root};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

fn psql(db: &str, args: &[&str]) -> std::process::Output {
    Command::new("psql")
        .args(["-X", "-q", "-d", db])
        .args(args)
        .env("PGAPPNAME", "rollsafe-pg-lane")
        .output()
        .unwrap_or_else(|e| panic!("psql could not start: {e}"))
}

fn server_available() -> Result<(), String> {
    let out = Command::new("psql")
        .args(["-X", "-At", "-d", "postgres", "-c", "select 1"])
        .output()
        .map_err(|e| format!("psql could not be started: {e}; install PostgreSQL's client"))?;
    if out.status.success() {
        return Ok(());
    }
    // psql's own words, on one line: the socket or host it tried and why it failed.
    let reason = String::from_utf8_lossy(&out.stderr).split_whitespace().collect::<Vec<_>>().join(" ");
    Err(if reason.is_empty() { format!("psql exited with {}", out.status) } else { reason })
}

/// Roles the fixtures grant to: they are the cluster's, not a database's, so the lane makes them.
const FIXTURE_ROLES: &[&str] = &["app", "reporting", "billing"];

fn create_roles() {
    for role in FIXTURE_ROLES {
        let sql = format!("DO $$ BEGIN CREATE ROLE {role} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        let out = psql("postgres", &["-v", "ON_ERROR_STOP=1", "-c", &sql]);
        assert!(out.status.success(), "create role {role}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

fn recreate(db: &str) {
    let drop = format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)");
    let create = format!("CREATE DATABASE {db}");
    let out = psql("postgres", &["-v", "ON_ERROR_STOP=1", "-c", &drop, "-c", &create]);
    assert!(out.status.success(), "{db}: {}", String::from_utf8_lossy(&out.stderr));
}

fn drop_db(db: &str) {
    let _ = psql("postgres", &["-c", &format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")]);
}

/// The up part of a migration file as a psql script: section markers and psql meta-commands out.
fn up_script(text: &str) -> String {
    let parsed = parse_file(text, Dialect::Postgres);
    let mut out = String::new();
    for s in &parsed.statements {
        let sql = &text[s.range.as_usize()];
        if s.section == Section::Down || sql.starts_with('\\') || matches!(s.kind, StatementKind::NoSchemaEffect if sql.starts_with('\\')) {
            continue;
        }
        out.push_str(sql);
        out.push_str(";\n");
    }
    out
}

fn apply(db: &str, tree: &Path, path: &str) {
    let text = std::fs::read_to_string(tree.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    let script = std::env::temp_dir().join(format!("rollsafe-lane-{}-{db}.sql", std::process::id()));
    std::fs::write(&script, up_script(&text)).expect("write script");
    let out = psql(db, &["-v", "ON_ERROR_STOP=1", "-f", script.to_str().expect("UTF-8 temp path")]);
    assert!(out.status.success(), "applying {} to {db} failed: {}", tree.join(path).display(), String::from_utf8_lossy(&out.stderr));
}

/// Applies a migration; PostgreSQL's error when it refuses it.
fn try_apply(db: &str, tree: &Path, path: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(tree.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    let script = std::env::temp_dir().join(format!("rollsafe-lane-{}-{db}.sql", std::process::id()));
    std::fs::write(&script, up_script(&text)).expect("write script");
    let out = psql(db, &["-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=verbose", "-f", script.to_str().expect("UTF-8 temp path")]);
    if out.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&out.stderr).trim().to_string()) }
}

/// Whether an error is PostgreSQL refusing a statement because of dependent objects: SQLSTATE
/// 2BP01 (`dependent_objects_still_exist`), or 0A000 for a column type a view or rule uses.
fn refused_because_of_dependents(error: &str) -> bool {
    error.contains("2BP01") || (error.contains("0A000") && error.contains("used by a view or rule"))
}

fn introspect(db: &str) -> Value {
    let sql = repo_root().join("tests/pg/introspect.sql");
    let out = psql(db, &["-At", "-v", "ON_ERROR_STOP=1", "-f", sql.to_str().expect("UTF-8 path")]);
    assert!(out.status.success(), "introspect {db}: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("introspection JSON: {e}: {text}"))
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// `format_type` output with the default schema's qualification removed (the lane introspects with
/// `search_path = pg_catalog`, so user types come out as `public.mood`).
fn db_type(v: &Value) -> String {
    s(v).replace("public.", "")
}

/// What only one side of the comparison holds, as sentences (`trigger x only in PostgreSQL`).
fn differences(out: &mut Vec<String>, what: &str, db: &BTreeSet<String>, model: &BTreeSet<String>) {
    for item in db.symmetric_difference(model) {
        out.push(format!("{what} {item} only in {}", if db.contains(item) { "PostgreSQL" } else { "the model" }));
    }
}

/// Differences between the database's catalog and rollsafe's model, as sentences.
fn compare_model(db: &Value, model: &Catalog) -> Vec<String> {
    let mut out = Vec::new();
    let mut db_tables = BTreeSet::new();
    for t in db["tables"].as_array().into_iter().flatten() {
        let key = (s(&t["schema"]), s(&t["name"]));
        db_tables.insert(key.clone());
        let Some(table) = model.tables.iter().find(|(k, _)| k.schema == key.0 && k.name == key.1).map(|(_, t)| t) else {
            out.push(format!("table {}.{} exists in PostgreSQL but not in the model", key.0, key.1));
            continue;
        };
        if table.columns_unknown {
            continue;
        }
        let db_cols: Vec<&Value> = t["columns"].as_array().into_iter().flatten().collect();
        let db_names: Vec<String> = db_cols.iter().map(|c| s(&c["name"])).collect();
        let model_names: Vec<String> = table.columns.iter().map(|c| c.name.key.clone()).collect();
        if db_names != model_names {
            out.push(format!("{}.{}: columns {db_names:?} in PostgreSQL, {model_names:?} in the model", key.0, key.1));
            continue;
        }
        for (dc, mc) in db_cols.iter().zip(&table.columns) {
            let name = format!("{}.{}.{}", key.0, key.1, mc.name.key);
            let model_type = mc.ty.value.pg_format();
            if db_type(&dc["type"]) != model_type {
                out.push(format!("{name}: type {} in PostgreSQL, {model_type} in the model", db_type(&dc["type"])));
            }
            if dc["not_null"].as_bool() != Some(mc.not_null.value) {
                out.push(format!("{name}: NOT NULL is {} in PostgreSQL, {} in the model", dc["not_null"], mc.not_null.value));
            }
            use rollsafe_sql::ops::ValueSource as V;
            let model_default = mc.default.value.is_some() || mc.generated.value == Some(V::Computed);
            if dc["has_default"].as_bool() != Some(model_default) {
                out.push(format!("{name}: has a default in PostgreSQL: {}, in the model: {model_default}", dc["has_default"]));
            }
            let identity = match mc.generated.value {
                Some(V::IdentityAlways) => "a",
                Some(V::IdentityByDefault) => "d",
                _ => "",
            };
            if dc["identity"].as_str().unwrap_or("") != identity {
                out.push(format!("{name}: identity {:?} in PostgreSQL, {identity:?} in the model", dc["identity"]));
            }
            let generated = if mc.generated.value == Some(V::Computed) { "s" } else { "" };
            if dc["generated"].as_str().unwrap_or("") != generated {
                out.push(format!("{name}: generated {:?} in PostgreSQL, {generated:?} in the model", dc["generated"]));
            }
        }
        let db_cons: BTreeSet<String> = t["constraints"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| matches!(c["type"].as_str(), Some("p" | "u" | "c" | "f" | "x")))
            .map(|c| {
                let cols = if c["type"] == "c" { String::new() } else { c["columns"].to_string() };
                let reference = if c["type"] == "f" {
                    format!(" -> {}.{}{}", s(&c["ref_schema"]), s(&c["ref_table"]), c["ref_columns"])
                } else {
                    String::new()
                };
                format!("{} {} {cols}{reference} validated={}", s(&c["name"]), s(&c["type"]), c["validated"])
            })
            .collect();
        let model_cons: BTreeSet<String> = table
            .constraints
            .iter()
            .map(|c| {
                let (ty, cols) = match &c.kind {
                    ConstraintShape::PrimaryKey { columns } => ("p", serde_json::to_string(columns).expect("json")),
                    ConstraintShape::Unique { columns } => ("u", serde_json::to_string(columns).expect("json")),
                    ConstraintShape::Check { .. } => ("c", String::new()),
                    ConstraintShape::ForeignKey { columns, .. } => ("f", serde_json::to_string(columns).expect("json")),
                    ConstraintShape::Exclusion { columns } => ("x", serde_json::to_string(columns).expect("json")),
                };
                let reference = match &c.kind {
                    ConstraintShape::ForeignKey { ref_table, ref_columns, .. } => {
                        format!(" -> {}.{}{}", ref_table.schema, ref_table.name, serde_json::to_string(ref_columns).expect("json"))
                    }
                    _ => String::new(),
                };
                format!("{} {ty} {cols}{reference} validated={}", c.name.key, !c.not_valid)
            })
            .collect();
        for c in db_cons.difference(&model_cons) {
            out.push(format!("{}.{}: constraint in PostgreSQL, not in the model: {c}", key.0, key.1));
        }
        for c in model_cons.difference(&db_cons) {
            out.push(format!("{}.{}: constraint in the model, not in PostgreSQL: {c}", key.0, key.1));
        }
    }
    for k in model.tables.keys() {
        if !db_tables.contains(&(k.schema.clone(), k.name.clone())) {
            out.push(format!("table {k:?} is in the model but not in PostgreSQL"));
        }
    }
    let db_enums: BTreeSet<String> =
        db["enums"].as_array().into_iter().flatten().map(|e| format!("{}.{} {}", s(&e["schema"]), s(&e["name"]), e["labels"])).collect();
    let model_enums: BTreeSet<String> = model
        .types
        .iter()
        .filter_map(|(k, t)| match &t.shape {
            TypeShape::Enum { values } => Some(format!("{}.{} {}", k.schema, k.name, serde_json::to_string(values).expect("json"))),
            _ => None,
        })
        .collect();
    for e in db_enums.symmetric_difference(&model_enums) {
        out.push(format!("enum differs: {e} ({})", if db_enums.contains(e) { "PostgreSQL" } else { "model" }));
    }
    for v in db["views"].as_array().into_iter().flatten() {
        let (schema, name) = (s(&v["schema"]), s(&v["name"]));
        match model.views.iter().find(|(k, _)| k.schema == schema && k.name == name) {
            None => out.push(format!("view {schema}.{name} is in PostgreSQL, not in the model")),
            Some((_, view)) => {
                if let Some(cols) = &view.columns {
                    let model_cols: Vec<&str> = cols.iter().map(|c| c.key.as_str()).collect();
                    let db_cols: Vec<String> = v["columns"].as_array().into_iter().flatten().map(s).collect();
                    if model_cols != db_cols {
                        out.push(format!("view {schema}.{name}: columns {db_cols:?} in PostgreSQL, {model_cols:?} in the model"));
                    }
                }
            }
        }
    }
    let db_triggers: BTreeSet<String> = db["triggers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| format!("{}.{}.{} -> {}.{}", s(&t["schema"]), s(&t["table"]), s(&t["name"]), s(&t["function_schema"]), s(&t["function"])))
        .collect();
    let model_triggers: BTreeSet<String> = model
        .triggers
        .values()
        .map(|t| {
            let f = t
                .function
                .as_ref()
                .map_or_else(|| "?".to_string(), |f| format!("{}.{}", f.schema, rollsafe_sql::routine::key_name(&f.name)));
            format!("{}.{}.{} -> {f}", t.table.schema, t.table.name, t.name.key)
        })
        .collect();
    differences(&mut out, "trigger", &db_triggers, &model_triggers);
    let db_functions: BTreeSet<String> = db["functions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            let types: Vec<rollsafe_sql::ty::SqlType> = f["args"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|t| rollsafe_sql::ty::parse_type(&db_type(t), Dialect::Postgres).ty)
                .collect();
            format!("{}.{}", s(&f["schema"]), rollsafe_sql::routine::identity_key(&s(&f["name"]), &types, Dialect::Postgres))
        })
        .collect();
    let model_functions: BTreeSet<String> =
        model.functions.iter().filter(|(_, f)| !f.trigger).map(|(k, _)| format!("{}.{}", k.schema, k.name)).collect();
    differences(&mut out, "function", &db_functions, &model_functions);
    let db_grants: BTreeSet<String> = db["grants"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|g| {
            let column = g["column"].as_str().map_or_else(String::new, |c| format!(".{c}"));
            format!("{}.{}{column} {} {}", s(&g["schema"]), s(&g["table"]), s(&g["role"]), s(&g["privilege"]))
        })
        .collect();
    let mut model_grants: BTreeSet<String> = BTreeSet::new();
    for (g, privileges) in model.grants.iter() {
        let object = match &g.object {
            GrantObject::Table(k) => format!("{}.{}", k.schema, k.name),
            GrantObject::Column(k, c) => format!("{}.{}.{c}", k.schema, k.name),
            _ => continue,
        };
        model_grants.extend(privileges.value.iter().map(|p| format!("{object} {} {p}", g.role)));
    }
    differences(&mut out, "grant", &db_grants, &model_grants);
    let db_rls: BTreeSet<String> = db["row_security"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| format!("{}.{} enabled={} forced={}", s(&r["schema"]), s(&r["table"]), r["enabled"], r["forced"]))
        .collect();
    let model_rls: BTreeSet<String> = model
        .row_security
        .iter()
        .filter(|(_, r)| r.enabled.value || r.forced.value)
        .map(|(k, r)| format!("{}.{} enabled={} forced={}", k.schema, k.name, r.enabled.value, r.forced.value))
        .collect();
    differences(&mut out, "row security", &db_rls, &model_rls);
    let db_extensions: BTreeSet<String> = db["extensions"].as_array().into_iter().flatten().map(s).collect();
    let model_extensions: BTreeSet<String> = model.extensions.keys().filter(|e| *e != "plpgsql").cloned().collect();
    differences(&mut out, "extension", &db_extensions, &model_extensions);
    if db["views"].as_array().map_or(0, Vec::len) != model.views.len() {
        out.push(format!("{} views in PostgreSQL, {} in the model", db["views"].as_array().map_or(0, Vec::len), model.views.len()));
    }
    let db_seqs: BTreeSet<String> = db["sequences"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|q| q["identity"] != true)
        .map(|q| format!("{}.{}", s(&q["schema"]), s(&q["name"])))
        .collect();
    let model_seqs: BTreeSet<String> = model.sequences.keys().map(|k| format!("{}.{}", k.schema, k.name)).collect();
    differences(&mut out, "sequence", &db_seqs, &model_seqs);
    let db_indexes: BTreeSet<String> = db["indexes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| format!("{}.{} on {} unique={}", s(&i["schema"]), s(&i["name"]), s(&i["table"]), i["unique"]))
        .collect();
    let model_indexes: BTreeSet<String> =
        model.indexes.iter().map(|(k, i)| format!("{}.{} on {} unique={}", k.schema, i.name.key, i.table.name, i.unique)).collect();
    differences(&mut out, "index", &db_indexes, &model_indexes);
    out
}

/// What a probe touches, to match it with findings.
#[derive(Clone, Debug)]
struct Subject {
    schema: String,
    /// Table, view or enum type.
    object: String,
}

struct Probe {
    subject: Subject,
    sql: String,
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// An ordinary value N-1 code would write for a column of this type; `None` when the lane has none.
fn typical(ty: &str, enum_labels: &BTreeMap<String, Vec<String>>) -> Option<String> {
    let ty = ty.trim();
    if ty.ends_with("[]") {
        return Some("'{}'".into());
    }
    if let Some(labels) = enum_labels.get(ty) {
        return labels.first().map(|l| format!("'{}'", l.replace('\'', "''")));
    }
    let base = ty.split('(').next().unwrap_or(ty).trim();
    Some(
        match base {
            "smallint" | "integer" | "bigint" | "numeric" | "real" | "double precision" | "money" => "1",
            "boolean" => "true",
            "text" | "character varying" | "character" | "citext" | "name" => "'x'",
            "date" => "'2024-01-01'",
            "uuid" => "'00000000-0000-0000-0000-000000000001'",
            "json" | "jsonb" => "'{}'",
            "bytea" => "'\\x00'",
            "inet" | "cidr" => "'127.0.0.1'",
            "interval" => "'1 day'",
            b if b.starts_with("timestamp") => "'2024-01-01 00:00:00'",
            b if b.starts_with("time") => "'12:00:00'",
            b if b.starts_with("bit") => "B'1'",
            _ => return None,
        }
        .to_string(),
    )
}

/// The largest value the N-1 type holds (what a narrowing rejects).
fn extent(ty: &str, enum_labels: &BTreeMap<String, Vec<String>>) -> Option<String> {
    let args: Vec<u32> = ty
        .split_once('(')
        .map(|(_, rest)| {
            rest.trim_end_matches(|c: char| c == ')' || c == ' ' || c.is_alphabetic())
                .split(',')
                .filter_map(|a| a.trim().parse().ok())
                .collect()
        })
        .unwrap_or_default();
    let base = ty.split('(').next().unwrap_or(ty).trim();
    let value = match (base, args.as_slice()) {
        ("smallint", _) => "32767".to_string(),
        ("integer", _) => "2147483647".to_string(),
        ("bigint", _) => "9223372036854775807".to_string(),
        ("numeric", [p, scale]) => {
            let int_digits = p - scale;
            let int_part = if int_digits == 0 { "0".to_string() } else { "9".repeat(int_digits as usize) };
            if *scale > 0 { format!("{int_part}.{}", "9".repeat(*scale as usize)) } else { int_part }
        }
        ("numeric", [p]) => "9".repeat(*p as usize),
        ("numeric", []) => format!("1{}", "0".repeat(40)),
        ("real", _) => "3.4e38".into(),
        ("double precision", _) => "1e300".into(),
        ("character varying" | "character", [n]) => format!("repeat('x', {n})"),
        ("text" | "character varying", []) => "repeat('x', 100000)".into(),
        ("bytea", _) => "decode(repeat('ff', 1000), 'hex')".into(),
        _ => return typical(ty, enum_labels),
    };
    Some(value)
}

/// Probes of N-1 behaviour, from the database's N-1 catalog.
fn probes(n1: &Value) -> Vec<Probe> {
    let mut enum_labels = BTreeMap::new();
    let mut out = Vec::new();
    // A column of a domain takes its base type's values (the domain's checks may still refuse
    // them on N-1: such probes are discarded).
    let domains: BTreeMap<String, String> = n1["domains"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            let name = if s(&d["schema"]) == "public" { s(&d["name"]) } else { format!("{}.{}", s(&d["schema"]), s(&d["name"])) };
            (name, db_type(&d["base"]))
        })
        .collect();
    let db_type = |v: &Value| {
        let ty = db_type(v);
        domains.get(&ty).cloned().unwrap_or(ty)
    };
    for e in n1["enums"].as_array().into_iter().flatten() {
        let labels: Vec<String> = e["labels"].as_array().into_iter().flatten().map(s).collect();
        let qualified = if s(&e["schema"]) == "public" { s(&e["name"]) } else { format!("{}.{}", s(&e["schema"]), s(&e["name"])) };
        let subject = Subject { schema: s(&e["schema"]), object: s(&e["name"]) };
        for label in &labels {
            out.push(Probe {
                subject: subject.clone(),
                sql: format!("SELECT '{}'::{}.{}", label.replace('\'', "''"), quote(&s(&e["schema"])), quote(&s(&e["name"]))),
            });
        }
        enum_labels.insert(qualified, labels);
    }
    for v in n1["views"].as_array().into_iter().flatten() {
        // A materialized view with a unique index is one N-1 may refresh concurrently.
        let unique_index =
            n1["indexes"].as_array().into_iter().flatten().any(|i| {
                s(&i["schema"]) == s(&v["schema"]) && s(&i["table"]) == s(&v["name"]) && i["unique"] == true && i["partial"] != true
            });
        if v["kind"] == "m" && unique_index {
            out.push(Probe {
                subject: Subject { schema: s(&v["schema"]), object: s(&v["name"]) },
                sql: format!("REFRESH MATERIALIZED VIEW CONCURRENTLY {}.{}", quote(&s(&v["schema"])), quote(&s(&v["name"]))),
            });
        }
        let cols: Vec<String> = v["columns"].as_array().into_iter().flatten().map(|c| quote(&s(c))).collect();
        out.push(Probe {
            subject: Subject { schema: s(&v["schema"]), object: s(&v["name"]) },
            sql: format!("SELECT {} FROM {}.{} LIMIT 0", cols.join(", "), quote(&s(&v["schema"])), quote(&s(&v["name"]))),
        });
    }
    out.extend(function_probes(n1));
    for t in n1["tables"].as_array().into_iter().flatten() {
        let subject = Subject { schema: s(&t["schema"]), object: s(&t["name"]) };
        let table = format!("{}.{}", quote(&subject.schema), quote(&subject.object));
        let columns: Vec<&Value> = t["columns"].as_array().into_iter().flatten().collect();
        let all: Vec<String> = columns.iter().map(|c| quote(&s(&c["name"]))).collect();
        out.push(Probe { subject: subject.clone(), sql: format!("SELECT {} FROM {table} LIMIT 0", all.join(", ")) });
        // What N-1 can write: not generated, not GENERATED ALWAYS AS IDENTITY.
        let writable: Vec<&&Value> = columns.iter().filter(|c| c["generated"].is_null() && c["identity"] != "a").collect();
        let required: Vec<&&Value> =
            writable.iter().copied().filter(|c| c["not_null"] == true && c["has_default"] != true && c["identity"].is_null()).collect();
        let Some(required_values) = required.iter().map(|c| typical(&db_type(&c["type"]), &enum_labels)).collect::<Option<Vec<_>>>() else {
            continue;
        };
        let insert = |cols: &[String], values: &[String]| {
            if cols.is_empty() {
                format!("INSERT INTO {table} DEFAULT VALUES")
            } else {
                format!("INSERT INTO {table} ({}) VALUES ({})", cols.join(", "), values.join(", "))
            }
        };
        let required_cols: Vec<String> = required.iter().map(|c| quote(&s(&c["name"]))).collect();
        out.push(Probe { subject: subject.clone(), sql: insert(&required_cols, &required_values) });
        // What N-1 does as each role granted rights on the table: permission and row security
        // apply to it (the lane itself is a superuser, which neither binds).
        for g in n1["grants"].as_array().into_iter().flatten() {
            if s(&g["schema"]) != subject.schema || s(&g["table"]) != subject.object || g["role"] == "public" {
                continue;
            }
            let role = quote(&s(&g["role"]));
            let as_role = format!("SET LOCAL ROLE {role}");
            let sql = match (s(&g["privilege"]).as_str(), g["column"].as_str()) {
                ("SELECT", None) => format!(
                    "{}; {as_role}; DO $probe$ BEGIN IF NOT EXISTS (SELECT 1 FROM {table}) THEN RAISE EXCEPTION 'no rows visible'; END IF; END $probe$",
                    insert(&required_cols, &required_values)
                ),
                ("INSERT", None) => format!("{as_role}; {}", insert(&required_cols, &required_values)),
                ("UPDATE", None) => match all.first() {
                    Some(c) => format!("{as_role}; UPDATE {table} SET {c} = {c} WHERE false"),
                    None => continue,
                },
                ("DELETE", None) => format!("{as_role}; DELETE FROM {table} WHERE false"),
                ("SELECT", Some(c)) => format!("{as_role}; SELECT {} FROM {table} LIMIT 0", quote(c)),
                ("UPDATE", Some(c)) => format!("{as_role}; UPDATE {table} SET {0} = {0} WHERE false", quote(c)),
                _ => continue,
            };
            out.push(Probe { subject: subject.clone(), sql });
        }
        // A BEFORE INSERT trigger may fill a required column: N-1 inserts may leave it out. Such
        // a probe that fails on N-1 (no trigger fills the column) is discarded.
        let filled_by_trigger = n1["triggers"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|tg| tg["before_insert_row"] == true && s(&tg["schema"]) == subject.schema && s(&tg["table"]) == subject.object);
        if filled_by_trigger {
            for left_out in 0..required_cols.len() {
                let cols: Vec<String> = required_cols.iter().enumerate().filter(|(i, _)| *i != left_out).map(|(_, c)| c.clone()).collect();
                let values: Vec<String> =
                    required_values.iter().enumerate().filter(|(i, _)| *i != left_out).map(|(_, v)| v.clone()).collect();
                // With triggers on (the other probes run as a replica, which fires none).
                let sql = format!("SET LOCAL session_replication_role = origin; {}", insert(&cols, &values));
                out.push(Probe { subject: subject.clone(), sql });
            }
        }
        for c in &writable {
            let Some(value) = extent(&db_type(&c["type"]), &enum_labels) else { continue };
            let name = quote(&s(&c["name"]));
            let (mut cols, mut values) = (required_cols.clone(), required_values.clone());
            match cols.iter().position(|x| *x == name) {
                Some(i) => values[i] = value,
                None => {
                    cols.push(name);
                    values.push(value);
                }
            }
            out.push(Probe { subject: subject.clone(), sql: insert(&cols, &values) });
        }
    }
    out
}

/// N-1's calls of every function and procedure: with every argument, and with each number of
/// arguments its defaults allow; a function's result read as N-1 reads it (its type, or its
/// columns). Arguments are typed NULLs, so the call resolves to the same overload N-1's does.
fn function_probes(n1: &Value) -> Vec<Probe> {
    let mut out = Vec::new();
    for f in n1["functions"].as_array().into_iter().flatten() {
        let subject = Subject { schema: s(&f["schema"]), object: s(&f["name"]) };
        let name = format!("{}.{}", quote(&subject.schema), quote(&subject.object));
        let args: Vec<String> = f["args"].as_array().into_iter().flatten().map(|t| format!("NULL::{}", s(t))).collect();
        let defaults = f["defaults"].as_u64().unwrap_or(0) as usize;
        let out_columns: Vec<String> = f["out_columns"].as_array().into_iter().flatten().map(|c| quote(&s(c))).collect();
        let call = |n: usize| format!("{name}({})", args[..n].join(", "));
        if f["kind"] == "p" {
            if out_columns.is_empty() {
                for n in args.len().saturating_sub(defaults)..=args.len() {
                    out.push(Probe { subject: subject.clone(), sql: format!("CALL {}", call(n)) });
                }
            }
            continue;
        }
        // Resolution happens when the query is parsed: LIMIT 0 never runs the body.
        for n in args.len().saturating_sub(defaults)..args.len() {
            out.push(Probe { subject: subject.clone(), sql: format!("SELECT * FROM {} LIMIT 0", call(n)) });
        }
        if !out_columns.is_empty() {
            out.push(Probe {
                subject: subject.clone(),
                sql: format!("SELECT {} FROM {} LIMIT 0", out_columns.join(", "), call(args.len())),
            });
        } else if f["retset"] == true {
            out.push(Probe { subject: subject.clone(), sql: format!("SELECT * FROM {} LIMIT 0", call(args.len())) });
        } else {
            // The result's type as N-1 reads it.
            let returns = s(&f["returns"]).replace('\'', "''");
            out.push(Probe {
                subject: subject.clone(),
                sql: format!(
                    "DO $probe$ BEGIN IF pg_typeof({}) <> '{returns}'::regtype THEN RAISE EXCEPTION 'result type changed'; END IF; END $probe$",
                    call(args.len())
                ),
            });
        }
    }
    out
}

/// Runs probes in one psql session, each in a rolled-back transaction with foreign-key triggers off;
/// returns which failed.
fn run_probes(db: &str, probes: &[Probe]) -> Vec<bool> {
    let mut script = String::new();
    for p in probes {
        // One line per probe: psql reports errors by line.
        let _ = writeln!(script, "BEGIN; SET LOCAL session_replication_role = replica; {}; ROLLBACK;", p.sql.replace('\n', " "));
    }
    let path = std::env::temp_dir().join(format!("rollsafe-probes-{}-{db}.sql", std::process::id()));
    std::fs::write(&path, script).expect("write probes");
    let out = psql(db, &["-v", "ON_ERROR_STOP=0", "-f", path.to_str().expect("UTF-8 temp path")]);
    let mut failed = vec![false; probes.len()];
    for line in String::from_utf8_lossy(&out.stderr).lines() {
        // psql:/tmp/x.sql:12: ERROR:  column "a" does not exist
        let Some(rest) = line.strip_prefix("psql:") else { continue };
        let mut parts = rest.rsplitn(2, ": ERROR:");
        let (Some(_msg), Some(head)) = (parts.next(), parts.next()) else { continue };
        if let Some(n) = head.rsplit(':').next().and_then(|l| l.trim().parse::<usize>().ok())
            && (1..=probes.len()).contains(&n)
        {
            failed[n - 1] = true;
        }
    }
    failed
}

/// A finding's object split into identifiers (quotes removed; unquoted ones folded as PostgreSQL does).
fn segments(object: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut was_quoted = false;
    for ch in object.chars() {
        match ch {
            '"' => {
                quoted = !quoted;
                was_quoted = true;
            }
            '.' if !quoted => {
                out.push(if was_quoted { std::mem::take(&mut current) } else { std::mem::take(&mut current).to_lowercase() });
                was_quoted = false;
            }
            c => current.push(c),
        }
    }
    // A routine's argument list is not part of its name: `add_points(text, integer)`.
    if !quoted && let Some(open) = current.find('(') {
        current.truncate(open);
    }
    out.push(if was_quoted { current } else { current.to_lowercase() });
    out
}

/// Error rules whose effect a database shows to N-1 code, and which segment of the object names
/// the table, view or type that must then fail a probe.
/// Picks the segment of a finding's object that names what must fail a probe.
type SubjectPicker = fn(&[String]) -> Option<&String>;

fn db_visible(rule: &str) -> Option<SubjectPicker> {
    match rule {
        "table-removed"
        | "table-renamed"
        | "view-removed"
        | "view-renamed"
        | "type-removed"
        | "type-renamed"
        | "function-removed"
        | "function-return-changed"
        | "function-default-removed"
        | "compat-view-not-writable" => Some(|s| s.last()),
        "column-removed"
        | "column-renamed"
        | "column-type-narrowed"
        | "required-column-added"
        | "column-not-null-added"
        | "column-default-dropped"
        | "enum-value-removed"
        | "enum-value-renamed" => Some(|s| s.len().checked_sub(2).and_then(|i| s.get(i))),
        "schema-removed" => Some(|s| s.first()),
        _ => None,
    }
}

/// Whether N still has the table (`[…, table]`) or the column (`[…, table, column]`) by that name.
fn name_still_exists(n: &Value, segs: &[String], column: bool) -> bool {
    let mut tables = n["tables"].as_array().into_iter().flatten();
    match (column, segs) {
        (true, [.., table, column]) => {
            tables.any(|t| s(&t["name"]) == *table && t["columns"].as_array().into_iter().flatten().any(|c| s(&c["name"]) == *column))
        }
        (false, [.., table]) => tables.any(|t| s(&t["name"]) == *table),
        _ => false,
    }
}

struct LaneReport {
    fixtures: usize,
    /// Fixtures whose release PostgreSQL refuses, as rollsafe says.
    refused: usize,
    probes: usize,
    discarded: usize,
    failing_on_n: usize,
    problems: Vec<String>,
}

fn run_fixture(index: usize, fixture: &Fixture, report: &mut LaneReport) {
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
    let histories: Vec<_> = analysis.query(rollsafe_core::sql::histories).into_iter().filter(|h| h.dialect == Dialect::Postgres).collect();
    assert!(!histories.is_empty(), "{}: postgres = true but no PostgreSQL migration history", fixture.name);
    let (n1_db, n_db) = (format!("rollsafe_lane_{index}_n1"), format!("rollsafe_lane_{index}_n"));
    recreate(&n1_db);
    recreate(&n_db);
    for h in &histories {
        for path in &h.baseline.applied {
            apply(&n1_db, &fixture.before(), path);
            apply(&n_db, &fixture.before(), path);
        }
    }
    let refused_by_rollsafe = findings.iter().any(|f| f.rule == "refused-by-dependents");
    if fixture.case.postgres_refuses || refused_by_rollsafe {
        // The release cannot be deployed: PostgreSQL must refuse one of its migrations because of
        // dependent objects, and rollsafe must have said so. Nothing after it can be compared.
        let refusal = histories.iter().flat_map(|h| &h.current.applied).find_map(|path| try_apply(&n_db, &fixture.after(), path).err());
        match refusal {
            None => report
                .problems
                .push(format!("{}: rollsafe reports refused-by-dependents but PostgreSQL applies every migration", fixture.name)),
            Some(error) if !refused_because_of_dependents(&error) => {
                report.problems.push(format!("{}: PostgreSQL refuses a migration for another reason: {error}", fixture.name))
            }
            Some(error) if !refused_by_rollsafe => {
                report.problems.push(format!("{}: PostgreSQL refuses a migration but rollsafe does not say so: {error}", fixture.name))
            }
            Some(_) => report.refused += 1,
        }
        if !fixture.case.postgres_refuses {
            report.problems.push(format!("{}: rollsafe reports refused-by-dependents; mark the fixture postgres_refuses", fixture.name));
        }
        drop_db(&n1_db);
        drop_db(&n_db);
        report.fixtures += 1;
        return;
    }
    for h in &histories {
        for path in &h.current.applied {
            apply(&n_db, &fixture.after(), path);
        }
    }
    let (n1, n) = (introspect(&n1_db), introspect(&n_db));
    // One database per side: with several histories, compare against their union only if single.
    if histories.len() == 1 {
        for p in compare_model(&n1, &histories[0].baseline.catalog) {
            report.problems.push(format!("{} (N-1 model): {p}", fixture.name));
        }
        for p in compare_model(&n, &histories[0].current.catalog) {
            report.problems.push(format!("{} (N model): {p}", fixture.name));
        }
    }

    let probes = probes(&n1);
    let valid_on_n1: Vec<bool> = run_probes(&n1_db, &probes).into_iter().map(|failed| !failed).collect();
    let failed_on_n = run_probes(&n_db, &probes);
    report.probes += probes.len();
    report.discarded += valid_on_n1.iter().filter(|v| !**v).count();
    // A probe writes every table directly. A note of a rule that reports breaking changes (a
    // required column on a table its triggers fill) says that such direct writes fail: it explains
    // the probe as well as a warning does.
    let breaking_rule = |id: &str| rollsafe_core::registry::ALL.iter().any(|r| r.id == id && r.severity >= Severity::Warning);
    let explaining: Vec<&Finding> = findings.iter().filter(|f| f.severity >= Severity::Warning || breaking_rule(f.rule)).collect();
    let mentions = |f: &Finding, subject: &Subject| {
        let segs = segments(f.object.as_deref().unwrap_or(""));
        // A schema removed, or its USAGE revoked, explains every probe of the objects in it.
        let about_schema = f.rule == "schema-removed" || (f.rule == "privilege-revoked" && segs.len() == 1);
        segs.contains(&subject.object) || (about_schema && segs.first() == Some(&subject.schema))
    };
    for (i, probe) in probes.iter().enumerate() {
        if !valid_on_n1[i] || !failed_on_n[i] {
            continue;
        }
        report.failing_on_n += 1;
        if !explaining.iter().any(|f| mentions(f, &probe.subject)) {
            report.problems.push(format!(
                "{}: N-1 probe fails on N but rollsafe reports nothing about {}: {}",
                fixture.name, probe.subject.object, probe.sql
            ));
        }
    }
    for f in findings.iter().filter(|f| f.severity == Severity::Error) {
        let Some(pick) = db_visible(f.rule) else { continue };
        let segs = segments(f.object.as_deref().unwrap_or(""));
        let Some(target) = pick(&segs) else { continue };
        // A rename the database can show is one whose old name is gone; a swap keeps both names.
        if f.rule.ends_with("-renamed") && name_still_exists(&n, &segs, f.rule == "column-renamed") {
            continue;
        }
        let relevant: Vec<usize> = (0..probes.len())
            .filter(|&i| {
                valid_on_n1[i]
                    && (probes[i].subject.object == *target || (f.rule == "schema-removed" && probes[i].subject.schema == *target))
            })
            .collect();
        if relevant.is_empty() {
            continue;
        }
        if !relevant.iter().any(|&i| failed_on_n[i]) {
            report.problems.push(format!(
                "{}: rollsafe reports {} on {} but every N-1 probe of {target} succeeds on N",
                fixture.name,
                f.rule,
                f.object.as_deref().unwrap_or("")
            ));
        }
    }
    drop_db(&n1_db);
    drop_db(&n_db);
    report.fixtures += 1;
}

#[test]
fn postgres_agrees_with_the_model_and_the_probes() {
    if let Err(reason) = server_available() {
        assert!(std::env::var_os("ROLLSAFE_PG_REQUIRED").is_none(), "ROLLSAFE_PG_REQUIRED is set but PostgreSQL is unavailable: {reason}");
        rollsafe_tests::skipped(&format!(
            "PostgreSQL lane skipped: cannot connect ({reason}); run `eval \"$(.ci/postgres.sh)\"` to enable it"
        ));
        return;
    }
    create_roles();
    let mut report = LaneReport { fixtures: 0, refused: 0, probes: 0, discarded: 0, failing_on_n: 0, problems: Vec::new() };
    for (i, fixture) in fixtures().iter().enumerate().filter(|(_, f)| f.case.postgres) {
        run_fixture(i, fixture, &mut report);
    }
    eprintln!(
        "PostgreSQL lane: {} fixtures ({} refused as rollsafe says), {} N-1 probes ({} discarded as invalid on N-1), {} fail on N",
        report.fixtures, report.refused, report.probes, report.discarded, report.failing_on_n
    );
    assert!(report.fixtures > 0, "no fixture is marked postgres = true");
    assert!(report.problems.is_empty(), "{} disagreement(s) with PostgreSQL:\n{}", report.problems.len(), report.problems.join("\n"));
}
