//! The differential test against the reference Avro checker: generated schema pairs (fields added
//! and removed with and without defaults, every primitive change and its reverse, enum symbols and
//! defaults, union branches, a type made a union and back, aliases, nested and recursive records,
//! fixed sizes and names, arrays, maps, logical types) go through rollsafe as a user's tree would
//! (N-1 and N, in `backward` and in `forward` mode), and through the Python `avro` package's
//! `ReaderWriterCompatibilityChecker` (`tests/avro/reference_check.py`). In each direction the
//! verdicts must agree, and so must the kinds of incompatibility found.
//!
//! Where rollsafe follows the specification and the Python checker does not, the generator avoids
//! the construct or the comparison leaves it out, as [`DEVIATIONS`] lists: each is documented in
//! `rollsafe_core::avro::resolution`.
//!
//! The interpreter comes from `ROLLSAFE_AVRO_PYTHON` (a Python with `avro` installed; `.ci/run`
//! installs the pinned package). Without it the lane prints that it was skipped and passes, unless
//! `ROLLSAFE_AVRO_REQUIRED` is set. `ROLLSAFE_AVRO_PAIRS` changes the number of random pairs.

use rollsafe_core::{Analysis, Config, WorkspaceInput};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;

/// What the comparison leaves out, and why.
const DEVIATIONS: &[(&str, &str)] = &[
    (
        "avro-logical-type-changed",
        "the Python checker ignores logical types; rollsafe reports a decimal of another precision or scale (which the specification makes unresolvable) and a changed unit (which every reader misreads)",
    ),
    (
        "relative aliases",
        "the generator writes aliases with their namespace: the Python checker compares an alias as written with the writer's full name, where the specification reads a relative alias in its type's namespace",
    ),
    (
        "defaults",
        "the Python package does not check that a default fits its field's type; rollsafe reports such a schema as invalid (`avro-invalid-schema`), as Java's parser does with `validateDefaults`",
    ),
    (
        "name mismatch",
        "on records, enums and fixed of different names, rollsafe reports the name and stops there; the Python checker goes on into fields and symbols",
    ),
    (
        "inside a union branch",
        "an incompatibility inside a record that a union branch reads is `missing_union_branch` to the Python checker; rollsafe reports it where it is (a field, a type)",
    ),
    (
        "enum-typed field without a default",
        "a reader field the writer lacks, whose type is an enum with a default, and with no field default: the specification has no value for it; the Python checker compares the enum with the writer's record and reports a type mismatch",
    ),
];

/// Invalid schemas (as a release's new schema, the old one valid): both must refuse them, except
/// bad defaults, which the Python package does not check (Java's does, with `validateDefaults`,
/// and Avro libraries fail on them when they fill in a value): rollsafe reports them too.
const INVALID: &[(&str, &str, bool)] = &[
    ("an unknown type", r#"{"name": "a", "type": "strng"}"#, true),
    ("a name defined twice", r#"{"name": "a", "type": {"type": "enum", "name": "R", "symbols": ["A"]}}"#, true),
    (
        "an enum default that is not a symbol",
        r#"{"name": "a", "type": {"type": "enum", "name": "E", "symbols": ["A"], "default": "Z"}}"#,
        true,
    ),
    ("a field name used twice", r#"{"name": "a", "type": "int"}, {"name": "a", "type": "long"}"#, true),
    ("a symbol listed twice", r#"{"name": "a", "type": {"type": "enum", "name": "E", "symbols": ["A", "A"]}}"#, true),
    ("a union in a union", r#"{"name": "a", "type": ["null", ["int"]]}"#, true),
    ("a union branch twice", r#"{"name": "a", "type": ["int", "int"]}"#, true),
    ("a fixed without a size", r#"{"name": "a", "type": {"type": "fixed", "name": "F"}}"#, true),
    (
        "a type used before its definition",
        r#"{"name": "a", "type": "gen.S"}, {"name": "b", "type": {"type": "fixed", "name": "S", "size": 2}}"#,
        true,
    ),
    ("a default of the wrong type", r#"{"name": "a", "type": "int", "default": "x"}"#, false),
    ("a null default for an int", r#"{"name": "a", "type": "int", "default": null}"#, false),
];

/// A small deterministic generator (xorshift), so every run checks the same pairs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const PRIMITIVES: &[&str] = &["null", "boolean", "int", "long", "float", "double", "bytes", "string"];
const SYMBOLS: &[&str] = &["A", "B", "C", "D", "E", "F"];
const NS: &str = "gen";

/// Builds schemas with unique names (`R0`, `E1`, `F2`, …) in one namespace.
struct Gen {
    rng: Rng,
    next_name: usize,
}

impl Gen {
    fn name(&mut self, prefix: &str) -> String {
        self.next_name += 1;
        format!("{prefix}{}", self.next_name)
    }

    /// A record of one to five fields; `depth` bounds nesting.
    fn record(&mut self, depth: u32, recursive: bool) -> Value {
        let name = self.name("R");
        let count = 1 + self.rng.below(5);
        let mut fields: Vec<Value> = (0..count).map(|i| self.field(&format!("f{i}"), depth)).collect();
        if recursive {
            fields.push(json!({"name": "next", "type": ["null", format!("{NS}.{name}")], "default": null}));
        }
        json!({"type": "record", "name": name, "namespace": NS, "fields": fields})
    }

    fn field(&mut self, name: &str, depth: u32) -> Value {
        let ty = self.ty(depth);
        let mut field = json!({"name": name, "type": ty});
        if self.rng.chance(40)
            && let Some(default) = default_of(&field["type"])
        {
            field["default"] = default;
        }
        field
    }

    fn ty(&mut self, depth: u32) -> Value {
        let roll = self.rng.below(100);
        match roll {
            0..=44 => json!(*self.rng.pick(&PRIMITIVES[1..])),
            45..=54 => self.enumeration(),
            55..=59 => json!({"type": "fixed", "name": self.name("F"), "size": *self.rng.pick(&[4, 8, 16])}),
            60..=64 if depth > 0 => json!({"type": "array", "items": self.ty(depth - 1)}),
            65..=69 if depth > 0 => json!({"type": "map", "values": self.ty(depth - 1)}),
            70..=79 if depth > 0 => {
                let recursive = self.rng.chance(20);
                self.record(depth - 1, recursive)
            }
            80..=89 => self.logical(),
            _ => self.union(depth),
        }
    }

    fn enumeration(&mut self) -> Value {
        let count = 1 + self.rng.below(4);
        let symbols: Vec<&str> = SYMBOLS[..count].to_vec();
        let mut e = json!({"type": "enum", "name": self.name("E"), "symbols": symbols});
        if self.rng.chance(30) {
            e["default"] = json!(symbols[0]);
        }
        e
    }

    fn logical(&mut self) -> Value {
        match self.rng.below(5) {
            0 => json!({"type": "long", "logicalType": "timestamp-millis"}),
            1 => json!({"type": "long", "logicalType": "timestamp-micros"}),
            2 => json!({"type": "int", "logicalType": "date"}),
            3 => json!({"type": "string", "logicalType": "uuid"}),
            _ => json!({"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": *self.rng.pick(&[2, 3])}),
        }
    }

    /// A union of distinct branches, `null` first when it has one.
    fn union(&mut self, depth: u32) -> Value {
        let mut branches: Vec<Value> = Vec::new();
        if self.rng.chance(70) {
            branches.push(json!("null"));
        }
        for _ in 0..1 + self.rng.below(2) {
            let branch =
                if depth > 0 && self.rng.chance(15) { self.record(depth - 1, false) } else { json!(*self.rng.pick(&PRIMITIVES[1..])) };
            if !branches.iter().any(|b| same_branch(b, &branch)) {
                branches.push(branch);
            }
        }
        Value::Array(branches)
    }

    /// One change a release might make, somewhere in the schema.
    fn mutate(&mut self, schema: &mut Value) {
        let mut records = Vec::new();
        collect_records(schema, &mut Vec::new(), &mut records);
        let path = self.rng.pick(&records).clone();
        let record = at_mut(schema, &path);
        let fields = record["fields"].as_array_mut().expect("fields");
        match self.rng.below(12) {
            0 => {
                let name = format!("n{}", self.rng.below(1000));
                if !fields.iter().any(|f| f["name"] == json!(name)) {
                    let mut field = json!({"name": name, "type": self.ty(1)});
                    if self.rng.chance(50)
                        && let Some(default) = default_of(&field["type"])
                    {
                        field["default"] = default;
                    }
                    fields.push(field);
                }
            }
            1 if fields.len() > 1 => {
                let i = self.rng.below(fields.len());
                fields.remove(i);
            }
            2 => {
                // Another type for a field: primitives most often, to cover every promotion both ways.
                let i = self.rng.below(fields.len());
                let ty = if self.rng.chance(70) { json!(*self.rng.pick(&PRIMITIVES[1..])) } else { self.ty(1) };
                fields[i]["type"] = ty;
                fields[i].as_object_mut().expect("field").remove("default");
            }
            3 => {
                let i = self.rng.below(fields.len());
                let old = fields[i]["name"].as_str().expect("name").to_string();
                fields[i]["name"] = json!(format!("{old}_renamed"));
                if self.rng.chance(60) {
                    fields[i]["aliases"] = json!([old]);
                }
            }
            4 => {
                let i = self.rng.below(fields.len());
                match fields[i].get("default") {
                    Some(_) => {
                        fields[i].as_object_mut().expect("field").remove("default");
                    }
                    None => {
                        if let Some(default) = default_of(&fields[i]["type"]) {
                            fields[i]["default"] = default;
                        }
                    }
                }
            }
            5 => {
                // A type made a union with null, or a union made its first non-null branch.
                let i = self.rng.below(fields.len());
                let ty = fields[i]["type"].clone();
                fields[i]["type"] = match ty {
                    Value::Array(branches) => branches.iter().find(|b| **b != json!("null")).cloned().unwrap_or(json!("null")),
                    other if other != json!("null") => json!(["null", other]),
                    other => other,
                };
                fields[i].as_object_mut().expect("field").remove("default");
            }
            6 => {
                // A branch added to or removed from a union.
                let i = self.rng.below(fields.len());
                if let Some(branches) = fields[i]["type"].as_array_mut() {
                    if branches.len() > 1 && self.rng.chance(50) {
                        let at = 1 + self.rng.below(branches.len() - 1);
                        branches.remove(at);
                    } else {
                        let extra = json!(*self.rng.pick(&PRIMITIVES[1..]));
                        if !branches.iter().any(|b| same_branch(b, &extra)) {
                            branches.push(extra);
                        }
                    }
                }
            }
            7 => {
                // Enum symbols and defaults.
                let i = self.rng.below(fields.len());
                if let Some(e) = find_named_mut(&mut fields[i]["type"], "enum") {
                    let count = e["symbols"].as_array().expect("symbols").len();
                    match self.rng.below(3) {
                        0 if count < SYMBOLS.len() => e["symbols"].as_array_mut().expect("symbols").push(json!(SYMBOLS[count])),
                        1 if count > 1 => {
                            e["symbols"].as_array_mut().expect("symbols").pop();
                        }
                        _ => {
                            if e.get("default").is_some() {
                                e.as_object_mut().expect("enum").remove("default");
                            } else {
                                e["default"] = e["symbols"][0].clone();
                            }
                        }
                    }
                    // A default must stay a symbol, else the schema is invalid (tested elsewhere).
                    if let Some(d) = e.get("default").cloned()
                        && !e["symbols"].as_array().expect("symbols").contains(&d)
                    {
                        e.as_object_mut().expect("enum").remove("default");
                    }
                    let first = e["symbols"][0].clone();
                    fix_enum_defaults(&mut fields[i], &first);
                }
            }
            8 => {
                let i = self.rng.below(fields.len());
                if let Some(f) = find_named_mut(&mut fields[i]["type"], "fixed") {
                    if self.rng.chance(50) {
                        f["size"] = json!(f["size"].as_u64().expect("size") * 2);
                    } else {
                        let old = f["name"].clone();
                        f["name"] = json!(format!("{}X", old.as_str().expect("name")));
                    }
                }
                fields[i].as_object_mut().expect("field").remove("default");
            }
            9 => {
                // A renamed record, with its old full name as an alias or without.
                let old = record["name"].as_str().expect("name").to_string();
                if !old.ends_with("Renamed") && path.is_empty() {
                    record["name"] = json!(format!("{old}Renamed"));
                    if self.rng.chance(50) {
                        record["aliases"] = json!([format!("{NS}.{old}")]);
                    }
                    // References to it (a recursive field) follow the new name.
                    let text = schema.to_string().replace(&format!("\"{NS}.{old}\""), &format!("\"{NS}.{old}Renamed\""));
                    *schema = serde_json::from_str(&text).expect("JSON");
                }
            }
            10 => {
                // A changed logical type on the same base.
                let i = self.rng.below(fields.len());
                fields[i]["type"] = self.logical();
                fields[i].as_object_mut().expect("field").remove("default");
            }
            _ => {
                // Array items or map values of another type.
                let i = self.rng.below(fields.len());
                let ty = &mut fields[i]["type"];
                if ty.get("type") == Some(&json!("array")) {
                    ty["items"] = json!(*self.rng.pick(&PRIMITIVES[1..]));
                } else if ty.get("type") == Some(&json!("map")) {
                    ty["values"] = json!(*self.rng.pick(&PRIMITIVES[1..]));
                }
            }
        }
    }
}

/// A field default that fits its type (a union's: its first branch's), or none.
fn default_of(ty: &Value) -> Option<Value> {
    Some(match ty {
        Value::String(p) => match p.as_str() {
            "null" => Value::Null,
            "boolean" => json!(false),
            "int" | "long" => json!(0),
            "float" | "double" => json!(0.5),
            "bytes" | "string" => json!(""),
            _ => return None,
        },
        Value::Array(branches) => default_of(branches.first()?)?,
        Value::Object(o) => match o.get("type")?.as_str()? {
            "enum" => o["symbols"][0].clone(),
            "fixed" => json!("\u{0}".repeat(usize::try_from(o["size"].as_u64()?).ok()?)),
            "array" => json!([]),
            "map" => json!({}),
            "record" => return None,
            base => default_of(&json!(base))?,
        },
        _ => return None,
    })
}

/// Two union branches of the same kind (a union may not hold both).
fn same_branch(a: &Value, b: &Value) -> bool {
    let kind = |v: &Value| match v {
        Value::Object(o) => match o.get("type").and_then(Value::as_str) {
            Some(t @ ("record" | "enum" | "fixed")) => format!("{t}:{}", o["name"]),
            Some(t) => t.to_string(),
            None => String::new(),
        },
        other => other.as_str().unwrap_or_default().to_string(),
    };
    kind(a) == kind(b)
}

/// JSON paths (keys and indexes) of every record defined in the schema.
fn collect_records(v: &Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match v {
        Value::Object(o) => {
            if o.get("type") == Some(&json!("record")) {
                out.push(path.clone());
            }
            for (k, child) in o {
                path.push(k.clone());
                collect_records(child, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                path.push(i.to_string());
                collect_records(child, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn at_mut<'a>(v: &'a mut Value, path: &[String]) -> &'a mut Value {
    path.iter().fold(v, |v, key| match v {
        Value::Array(items) => &mut items[key.parse::<usize>().expect("index")],
        other => &mut other[key.as_str()],
    })
}

/// The enum or fixed defined as a field's type or as a branch of it.
fn find_named_mut<'a>(ty: &'a mut Value, kind: &str) -> Option<&'a mut Value> {
    if ty.get("type") == Some(&json!(kind)) {
        return Some(ty);
    }
    ty.as_array_mut()?.iter_mut().find(|b| b.get("type") == Some(&json!(kind)))
}

/// A field default that names a symbol the enum lost is made its first symbol.
fn fix_enum_defaults(field: &mut Value, first: &Value) {
    if field.get("default").is_some_and(|d| d.is_string()) && field["type"].get("type") == Some(&json!("enum")) {
        field["default"] = first.clone();
    }
}

/// The generated pairs: (old, new).
fn pairs(count: usize) -> Vec<(String, String)> {
    pairs_from(count, 0x9e37_79b9_7f4a_7c15)
}

fn pairs_from(count: usize, seed: u64) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut g = Gen { rng: Rng(seed), next_name: 0 };
    let record = |fields: &str| format!(r#"{{"type": "record", "name": "R", "namespace": "{NS}", "fields": [{fields}]}}"#);
    for (_, fields, _) in INVALID {
        out.push((record(r#"{"name": "a", "type": "int"}"#), record(fields)));
    }
    // Every primitive to every primitive, both as a field and as a union branch.
    for a in PRIMITIVES {
        for b in PRIMITIVES {
            let schema = |t: &str| json!({"type": "record", "name": "P", "namespace": NS, "fields": [{"name": "v", "type": t}, {"name": "u", "type": ["null", t]}]});
            if a != &"null" && b != &"null" {
                out.push((schema(a).to_string(), schema(b).to_string()));
            }
        }
    }
    while out.len() < count {
        let depth = 1 + g.rng.below(3) as u32;
        let recursive = g.rng.chance(15);
        let old = g.record(depth, recursive);
        let mut new = old.clone();
        for _ in 0..1 + g.rng.below(3) {
            g.mutate(&mut new);
        }
        out.push((old.to_string(), new.to_string()));
    }
    out
}

/// Why the Python package refused schemas: exception type → how many.
static REFUSALS: std::sync::Mutex<BTreeMap<String, usize>> = std::sync::Mutex::new(BTreeMap::new());

fn python() -> Option<String> {
    std::env::var("ROLLSAFE_AVRO_PYTHON").ok()
}

/// What the Python checker says: id → (backward kinds, forward kinds), or `None` when it refuses
/// a schema.
type Verdicts = BTreeMap<usize, Option<(BTreeSet<String>, BTreeSet<String>)>>;

fn reference(python: &str, pairs: &[(String, String)]) -> Verdicts {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/avro/reference_check.py");
    let mut child = Command::new(python)
        .arg(script)
        .env("PYTHONHASHSEED", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the Python interpreter starts");
    let mut input = String::new();
    for (id, (old, new)) in pairs.iter().enumerate() {
        input.push_str(&json!({"id": id, "old": old, "new": new}).to_string());
        input.push('\n');
    }
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()).expect("write pairs"));
    let out = child.wait_with_output().expect("reference checker runs");
    writer.join().expect("writer");
    assert!(out.status.success(), "reference checker failed: {}", String::from_utf8_lossy(&out.stderr));
    eprintln!("{}", String::from_utf8_lossy(&out.stderr).trim());
    let kinds = |v: &Value| v.as_array().map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect::<BTreeSet<_>>());
    String::from_utf8(out.stdout)
        .expect("UTF-8")
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).expect("JSON line");
            let id = usize::try_from(v["id"].as_u64().expect("id")).expect("id");
            if let Some(reason) = v["reason"].as_str() {
                *REFUSALS.lock().expect("lock").entry(reason.split(':').next().unwrap_or(reason).to_string()).or_insert(0) += 1;
            }
            (id, kinds(&v["backward"]).zip(kinds(&v["forward"])))
        })
        .collect()
}

/// The Python checker's name for the kind of incompatibility a rollsafe rule reports.
fn kind_of(rule: &str) -> Option<&'static str> {
    Some(match rule {
        "avro-type-changed" => "type_mismatch",
        "avro-type-renamed" => "name_mismatch",
        "avro-fixed-size-changed" => "fixed_size_mismatch",
        "avro-enum-symbol-added" | "avro-enum-symbol-removed" => "missing_enum_symbols",
        "avro-field-added-without-default" | "avro-field-removed" => "reader_field_missing_default_value",
        "avro-union-branch-added" | "avro-union-branch-removed" => "missing_union_branch",
        _ => return None,
    })
}

/// rollsafe on every pair at once, as one tree per release, in one mode: path → (kinds, invalid).
fn rollsafe(pairs: &[(String, String)], mode: &str) -> BTreeMap<usize, (BTreeSet<String>, bool)> {
    let config: Config = rollsafe_core::parse_config(&format!("[contracts]\ncompat = \"{mode}\"\n")).expect("config");
    let mut input = WorkspaceInput { baseline_label: "v1.0.0".into(), config, ..WorkspaceInput::default() };
    for (id, (old, new)) in pairs.iter().enumerate() {
        let path = format!("pairs/{id:05}.avsc");
        input.baseline.insert(path.clone(), Arc::from(old.as_str()));
        input.current.insert(path, Arc::from(new.as_str()));
    }
    let mut out: BTreeMap<usize, (BTreeSet<String>, bool)> = (0..pairs.len()).map(|i| (i, Default::default())).collect();
    for f in Analysis::new(input).findings() {
        let Some(id) = f.primary.path.strip_prefix("pairs/").and_then(|p| p.strip_suffix(".avsc")).and_then(|p| p.parse().ok()) else {
            continue;
        };
        let entry = out.entry(id).or_default();
        if f.rule == "avro-invalid-schema" {
            entry.1 = true;
        } else if let Some(kind) = kind_of(f.rule) {
            entry.0.insert(kind.to_string());
        }
    }
    out
}

/// Which documented deviations explain a difference of kinds in one direction (the verdicts
/// agree), if they do: each kind found by one side only must be accounted for by one of them.
fn explained(theirs: &BTreeSet<String>, ours: &BTreeSet<String>) -> Option<&'static str> {
    if theirs.is_empty() != ours.is_empty() {
        return None;
    }
    let has = |set: &BTreeSet<String>, kind: &str| set.contains(kind);
    let union = has(theirs, "missing_union_branch");
    let enum_field = has(ours, "reader_field_missing_default_value") && has(theirs, "type_mismatch");
    let mut why = None;
    for kind in theirs.difference(ours) {
        why = match kind.as_str() {
            // Past a name mismatch rollsafe stops; the Python checker goes on.
            _ if has(ours, "name_mismatch") => Some("name mismatch"),
            "missing_union_branch" => Some("inside a union branch"),
            "type_mismatch" if enum_field => Some("enum-typed field without a default"),
            _ => return None,
        };
    }
    for kind in ours.difference(theirs) {
        why = match kind.as_str() {
            "reader_field_missing_default_value" if enum_field => Some("enum-typed field without a default"),
            _ if union => Some("inside a union branch"),
            _ => return None,
        };
    }
    why
}

#[test]
fn rollsafe_agrees_with_the_python_avro_checker() {
    let Some(python) = python() else {
        assert!(std::env::var_os("ROLLSAFE_AVRO_REQUIRED").is_none(), "ROLLSAFE_AVRO_REQUIRED is set but ROLLSAFE_AVRO_PYTHON is not");
        eprintln!("SKIPPED: set ROLLSAFE_AVRO_PYTHON to a Python with the `avro` package to run the Avro differential lane");
        return;
    };
    let count: usize = std::env::var("ROLLSAFE_AVRO_PAIRS").ok().and_then(|n| n.parse().ok()).unwrap_or(3000);
    let pairs = pairs(count);
    let theirs = reference(&python, &pairs);
    let backward = rollsafe(&pairs, "backward");
    let forward = rollsafe(&pairs, "forward");
    let mut disagreements = Vec::new();
    let (mut compared, mut incompatible, mut refused) = (0, 0, 0);
    let mut explained_counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (id, (old, new)) in pairs.iter().enumerate() {
        let (ours_b, invalid_b) = &backward[&id];
        let (ours_f, _) = &forward[&id];
        if let Some((what, _, refused_by_python)) = INVALID.get(id) {
            if !invalid_b || theirs[&id].is_none() != *refused_by_python {
                disagreements.push(format!("pair {id} ({what}): rollsafe invalid: {invalid_b}, Python refuses: {}", theirs[&id].is_none()));
            }
            continue;
        }
        if theirs[&id].is_none() {
            refused += 1;
        }
        match &theirs[&id] {
            None => {
                if !invalid_b {
                    disagreements.push(format!(
                        "pair {id}: the Python package refuses a schema, rollsafe finds it valid\n  old: {old}\n  new: {new}"
                    ));
                }
            }
            Some((theirs_b, theirs_f)) => {
                compared += 1;
                if *invalid_b {
                    disagreements.push(format!(
                        "pair {id}: rollsafe finds a schema invalid, the Python package reads it\n  old: {old}\n  new: {new}"
                    ));
                    continue;
                }
                for (direction, ours, theirs) in [("BACKWARD", ours_b, theirs_b), ("FORWARD", ours_f, theirs_f)] {
                    incompatible += usize::from(!theirs.is_empty());
                    if ours == theirs {
                        continue;
                    }
                    match explained(theirs, ours) {
                        Some(why) => *explained_counts.entry(why).or_insert(0usize) += 1,
                        None => {
                            disagreements.push(format!(
                                "pair {id} {direction}: rollsafe {ours:?}, Python avro {theirs:?}\n  old: {old}\n  new: {new}"
                            ));
                        }
                    }
                }
            }
        }
    }
    eprintln!(
        "{} pairs ({} with an invalid schema, each refused as expected unless listed below): {compared} compared in both directions ({incompatible} incompatible directions), {refused} refused by the Python package ({:?}), and by rollsafe; {} disagreements; kinds differing as documented: {explained_counts:?}",
        pairs.len(),
        INVALID.len(),
        REFUSALS.lock().expect("lock"),
        disagreements.len(),
    );
    for why in explained_counts.keys() {
        assert!(DEVIATIONS.iter().any(|(what, _)| what == why), "`{why}` is not a documented deviation");
    }
    for (what, reason) in DEVIATIONS {
        eprintln!("  deviation `{what}`: {reason}");
    }
    assert!(incompatible > pairs.len() / 4, "the generator must produce incompatible pairs too");
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.iter().take(25).cloned().collect::<Vec<_>>().join("\n")
    );
}

/// The properties every check must have, on generated pairs (no reference needed): a schema is
/// compatible with itself, even written differently; BACKWARD(a, b) = FORWARD(b, a); FULL finds
/// what BACKWARD and FORWARD find together.
#[test]
fn resolution_is_reflexive_and_symmetric_and_full_is_both() {
    let seed = std::env::var("ROLLSAFE_AVRO_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x2545_f491_4f6c_dd1d);
    let pairs = pairs_from(600, seed);
    // Itself, pretty-printed: the same schema in another text, so the check really runs.
    let itself: Vec<(String, String)> = pairs
        .iter()
        .map(|(old, _)| (old.clone(), serde_json::to_string_pretty(&serde_json::from_str::<Value>(old).expect("JSON")).expect("JSON")))
        .collect();
    for (id, (kinds, invalid)) in rollsafe(&itself, "full") {
        assert!(kinds.is_empty() && !invalid, "pair {id}: a schema is incompatible with itself: {kinds:?}\n{}", itself[id].0);
    }
    let swapped: Vec<(String, String)> = pairs.iter().map(|(a, b)| (b.clone(), a.clone())).collect();
    let (backward, forward_swapped) = (rollsafe(&pairs, "backward"), rollsafe(&swapped, "forward"));
    let (forward, full) = (rollsafe(&pairs, "forward"), rollsafe(&pairs, "full"));
    let mut incompatible = 0;
    for id in 0..pairs.len() {
        // (Invalid schemas are reported in the working tree only: compare the incompatibilities.)
        assert_eq!(backward[&id].0, forward_swapped[&id].0, "pair {id}: BACKWARD(a, b) differs from FORWARD(b, a)\n{:?}", pairs[id]);
        let both: BTreeSet<String> = backward[&id].0.union(&forward[&id].0).cloned().collect();
        assert_eq!(full[&id].0, both, "pair {id}: FULL differs from BACKWARD and FORWARD together\n{:?}", pairs[id]);
        incompatible += usize::from(!both.is_empty());
    }
    assert!(incompatible > pairs.len() / 4 && incompatible < pairs.len(), "the pairs must be of both kinds: {incompatible}");
}
