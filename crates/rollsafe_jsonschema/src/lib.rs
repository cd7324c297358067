//! rollsafe's JSON Schema front-end: a schema file read as the drafts define it, for the
//! compatibility check in `rollsafe_core::jsonschema`.
//!
//! - Drafts 4, 6, 7, 2019-09 and 2020-12, told apart by `$schema` (a file without one is read by
//!   its keywords: `prefixItems` or `$defs` mean 2020-12, a boolean `exclusiveMinimum` draft 4).
//!   The forms that differ are read into one vocabulary: `items` as an array is a tuple (with
//!   `additionalItems`) before 2020-12, `prefixItems` after; `dependencies` splits into
//!   `dependentRequired` and `dependentSchemas`; a boolean `exclusiveMinimum` qualifies `minimum`.
//! - Every subschema is reached through the keywords that hold schemas, so a value under `enum`,
//!   `const`, `default` or `examples` is never taken for a schema.
//! - `$id` (draft 4: `id`) and `$anchor` are indexed with the base URI they are in; a `$ref` is
//!   resolved to a JSON Pointer in this file, or left as a URI (another file of the tree, by its
//!   `$id` or its relative path) for the caller to find.
//! - Problems (not JSON, a keyword with the wrong kind of value, a `$ref` to nothing in this file)
//!   are reported where they are, and the rest is read.

use rollsafe_json::{Kind, Value};
use rollsafe_text::TextRange;
use std::collections::BTreeMap;

/// The draft a schema is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Draft {
    Draft4,
    Draft6,
    Draft7,
    Draft2019,
    Draft2020,
}

impl Draft {
    /// Whether keywords beside a `$ref` are ignored (drafts 4 to 7).
    pub fn ref_overrides_siblings(self) -> bool {
        self <= Draft::Draft7
    }

    pub fn name(self) -> &'static str {
        match self {
            Draft::Draft4 => "draft-04",
            Draft::Draft6 => "draft-06",
            Draft::Draft7 => "draft-07",
            Draft::Draft2019 => "2019-09",
            Draft::Draft2020 => "2020-12",
        }
    }
}

/// Something wrong with a schema, where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub range: TextRange,
    pub message: String,
}

/// Where a `$ref` leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A JSON Pointer into this file.
    Here(String),
    /// Another resource: its URI without the fragment (resolved against the base URI the `$ref`
    /// is in, or relative to the file when no `$id` says otherwise), and the fragment (a JSON
    /// Pointer, or an anchor name).
    Elsewhere { uri: String, fragment: String },
}

/// One schema file.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub root: Option<Value>,
    pub draft: Draft,
    /// The root's `$id`, when it has one.
    pub id: Option<String>,
    pub problems: Vec<Problem>,
    /// Absolute URI (`$id`s, `$anchor`s as `uri#name`) → JSON Pointer of the schema in this file.
    pub resources: BTreeMap<String, String>,
    /// JSON Pointer of every object schema with a `$ref` → where it leads.
    pub refs: BTreeMap<String, Target>,
}

/// The keywords whose value is a schema, an array of schemas, or an object of schemas.
const ONE: &[&str] = &[
    "additionalItems",
    "additionalProperties",
    "unevaluatedItems",
    "unevaluatedProperties",
    "propertyNames",
    "contains",
    "not",
    "if",
    "then",
    "else",
    "contentSchema",
];
const LIST: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
const MAP: &[&str] = &["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];

/// The type names of the `type` keyword.
pub const TYPES: &[&str] = &["null", "boolean", "object", "array", "number", "integer", "string"];

pub fn parse(text: &str) -> Document {
    let mut doc =
        Document { root: None, draft: Draft::Draft2020, id: None, problems: Vec::new(), resources: BTreeMap::new(), refs: BTreeMap::new() };
    let root = match rollsafe_json::parse(text) {
        Ok(v) => v,
        Err(e) => {
            doc.problems.push(Problem { range: e.range, message: format!("not JSON: {}", e.message) });
            return doc;
        }
    };
    doc.draft = draft_of(&root);
    let id_key = if doc.draft == Draft::Draft4 { "id" } else { "$id" };
    doc.id = root.get(id_key).and_then(Value::as_str).map(|s| strip_fragment(s).to_string());
    let mut walk = Walk { doc: &mut doc, id_key };
    walk.schema(&root, "", "");
    doc.root = Some(root);
    doc
}

fn draft_of(root: &Value) -> Draft {
    if let Some(uri) = root.get("$schema").and_then(Value::as_str) {
        for (mark, draft) in [
            ("draft-04", Draft::Draft4),
            ("draft-06", Draft::Draft6),
            ("draft-07", Draft::Draft7),
            ("2019-09", Draft::Draft2019),
            ("2020-12", Draft::Draft2020),
        ] {
            if uri.contains(mark) {
                return draft;
            }
        }
    }
    // No `$schema`: the keywords tell.
    let text_has = |v: &Value, key: &str| {
        let mut stack = vec![v];
        while let Some(v) = stack.pop() {
            match &v.kind {
                Kind::Object(members) => {
                    if members.iter().any(|m| m.key == key) {
                        return true;
                    }
                    stack.extend(members.iter().map(|m| &m.value));
                }
                Kind::Array(items) => stack.extend(items),
                _ => {}
            }
        }
        false
    };
    if text_has(root, "prefixItems") || text_has(root, "$defs") || text_has(root, "dependentRequired") {
        Draft::Draft2020
    } else if root.get("exclusiveMinimum").or(root.get("exclusiveMaximum")).is_some_and(|v| v.as_bool().is_some()) {
        Draft::Draft4
    } else {
        Draft::Draft7
    }
}

fn strip_fragment(uri: &str) -> &str {
    uri.split_once('#').map_or(uri, |(base, _)| base)
}

/// `reference` resolved against `base` (RFC 3986, the cases schemas use: absolute URIs, absolute
/// paths, relative paths with `.` and `..`).
pub fn join(base: &str, reference: &str) -> String {
    if reference.is_empty() {
        return base.to_string();
    }
    if reference.contains("://") || reference.starts_with("urn:") || base.is_empty() && !reference.starts_with('/') {
        return normalize_path(reference);
    }
    if let Some(rest) = reference.strip_prefix('/') {
        // Scheme and authority of the base, then the absolute path.
        if let Some(i) = base.find("://") {
            let after = &base[i + 3..];
            let authority_end = after.find('/').map_or(base.len(), |j| i + 3 + j);
            return format!("{}/{}", &base[..authority_end], normalize_path(rest));
        }
        return format!("/{}", normalize_path(rest));
    }
    let dir = base.rfind('/').map_or("", |i| &base[..=i]);
    let (prefix, path) = match dir.find("://") {
        Some(i) => {
            let after = &dir[i + 3..];
            let authority_end = after.find('/').map_or(dir.len(), |j| i + 3 + j);
            (&dir[..authority_end], &dir[authority_end..])
        }
        None => ("", dir),
    };
    format!("{prefix}{}", normalize_path(&format!("{path}{reference}")))
}

/// Removes `.` and `..` segments.
fn normalize_path(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    let (path, rest) = match path.find("://") {
        Some(i) => {
            let after = &path[i + 3..];
            let end = after.find('/').map_or(path.len(), |j| i + 3 + j);
            (&path[end..], &path[..end])
        }
        None => (path, ""),
    };
    for segment in path.split('/') {
        match segment {
            "." => {}
            // Above the start of a relative path: kept, for the caller to resolve.
            ".." if out.is_empty() || out.last() == Some(&"..") => {
                if !absolute {
                    out.push("..");
                }
            }
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    let joined = out.join("/");
    if !rest.is_empty() {
        return format!("{rest}{}{joined}", if joined.starts_with('/') || joined.is_empty() { "" } else { "/" });
    }
    if absolute && !joined.starts_with('/') { format!("/{joined}") } else { joined }
}

struct Walk<'d> {
    doc: &'d mut Document,
    id_key: &'static str,
}

impl Walk<'_> {
    fn problem(&mut self, range: TextRange, message: String) {
        self.doc.problems.push(Problem { range, message });
    }

    /// A schema at `pointer`, in the resource whose base URI is `base`.
    fn schema(&mut self, v: &Value, pointer: &str, base: &str) {
        let members = match &v.kind {
            Kind::Bool(_) => return,
            Kind::Object(members) => members,
            _ => {
                self.problem(v.range, format!("a schema is an object or a boolean, not {}", v.describe()));
                return;
            }
        };
        let mut base = base.to_string();
        if let Some(id) = v.get(self.id_key).and_then(Value::as_str) {
            match id.strip_prefix('#') {
                // Draft 4 to 7: `"$id": "#name"` is an anchor.
                Some(anchor) if !anchor.is_empty() => {
                    self.doc.resources.insert(format!("{base}#{anchor}"), pointer.to_string());
                }
                _ => {
                    base = join(&base, strip_fragment(id));
                    self.doc.resources.insert(base.clone(), pointer.to_string());
                }
            }
        }
        if let Some(anchor) = v.get("$anchor").or(v.get("$dynamicAnchor")).and_then(Value::as_str) {
            self.doc.resources.insert(format!("{base}#{anchor}"), pointer.to_string());
        }
        if let Some(r) = v.get("$ref").or(v.get("$recursiveRef")).or(v.get("$dynamicRef")) {
            match r.as_str() {
                Some(reference) => {
                    let target = self.target(reference, &base, r.range);
                    self.doc.refs.insert(pointer.to_string(), target);
                }
                None => self.problem(r.range, format!("`$ref` is a URI reference string, not {}", r.describe())),
            }
        }
        for (i, m) in members.iter().enumerate() {
            // A repeated key: the first is what pointers and keyword lookups read, so it alone is
            // walked (JSON leaves repeated keys undefined; readers differ on which wins).
            if members[..i].iter().any(|earlier| earlier.key == m.key) {
                self.problem(m.key_range, format!("`{}` appears twice in this object; the first is read", escape_key(&m.key)));
                continue;
            }
            // Built only for keywords that hold schemas.
            let at = || format!("{pointer}/{}", rollsafe_json::pointer_segment(&m.key));
            let key = m.key.as_str();
            if ONE.contains(&key) || key == "items" && !matches!(m.value.kind, Kind::Array(_)) {
                self.schema(&m.value, &at(), &base);
            } else if LIST.contains(&key) || key == "items" {
                match m.value.as_array() {
                    Some(items) if !items.is_empty() || key == "prefixItems" || key == "items" => {
                        let at = at();
                        for (i, item) in items.iter().enumerate() {
                            self.schema(item, &format!("{at}/{i}"), &base);
                        }
                    }
                    Some(_) => self.problem(m.value.range, format!("`{key}` needs at least one schema")),
                    None => self.problem(m.value.range, format!("`{key}` is an array of schemas, not {}", m.value.describe())),
                }
            } else if MAP.contains(&key) {
                match m.value.as_object() {
                    Some(entries) => {
                        let at = at();
                        for (i, e) in entries.iter().enumerate() {
                            if entries[..i].iter().any(|earlier| earlier.key == e.key) {
                                self.problem(
                                    e.key_range,
                                    format!("`{}` appears twice in this object; the first is read", escape_key(&e.key)),
                                );
                                continue;
                            }
                            self.schema(&e.value, &format!("{at}/{}", rollsafe_json::pointer_segment(&e.key)), &base);
                        }
                    }
                    None => self.problem(m.value.range, format!("`{key}` is an object of schemas, not {}", m.value.describe())),
                }
            } else if key == "dependencies" {
                // Draft 4 to 7: an array of names (dependentRequired) or a schema (dependentSchemas).
                match m.value.as_object() {
                    Some(entries) => {
                        let at = at();
                        for e in entries {
                            match &e.value.kind {
                                Kind::Array(names) => self.names(names, &e.value, "dependencies"),
                                _ => self.schema(&e.value, &format!("{at}/{}", rollsafe_json::pointer_segment(&e.key)), &base),
                            }
                        }
                    }
                    None => self.problem(m.value.range, format!("`dependencies` is an object, not {}", m.value.describe())),
                }
            } else {
                self.keyword(key, &m.value);
            }
        }
    }

    /// A keyword that is not a schema: its value must be of the kind the drafts define.
    fn keyword(&mut self, key: &str, v: &Value) {
        let non_negative_integer = |v: &Value| v.as_f64().is_some_and(|n| n >= 0.0 && n.fract() == 0.0);
        match key {
            "type" => {
                let names: Vec<&Value> = match &v.kind {
                    Kind::Array(items) => items.iter().collect(),
                    _ => vec![v],
                };
                for name in names {
                    match name.as_str() {
                        Some(n) if TYPES.contains(&n) => {}
                        Some(n) => self.problem(
                            name.range,
                            format!("`{}` is not a JSON Schema type ({})", rollsafe_text::escape::quote(n), TYPES.join(", ")),
                        ),
                        None => self.problem(name.range, format!("`type` names types as strings, not {}", name.describe())),
                    }
                }
            }
            "required" => match v.as_array() {
                Some(items) => self.names(items, v, "required"),
                // Draft 3's boolean `required` is not read.
                None => self.problem(v.range, format!("`required` is an array of property names, not {}", v.describe())),
            },
            "enum" if v.as_array().is_none() => self.problem(v.range, format!("`enum` is an array of values, not {}", v.describe())),
            "minimum" | "maximum" | "multipleOf" if v.as_f64().is_none() => {
                self.problem(v.range, format!("`{key}` is a number, not {}", v.describe()));
            }
            "exclusiveMinimum" | "exclusiveMaximum" if v.as_f64().is_none() && v.as_bool().is_none() => {
                self.problem(v.range, format!("`{key}` is a number (a boolean in draft 4), not {}", v.describe()));
            }
            "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties" | "minContains" | "maxContains"
                if !non_negative_integer(v) =>
            {
                self.problem(v.range, format!("`{key}` is a non-negative integer, not {}", v.describe()));
            }
            "pattern" | "format" | "$schema" if v.as_str().is_none() => {
                self.problem(v.range, format!("`{key}` is a string, not {}", v.describe()));
            }
            "uniqueItems" if v.as_bool().is_none() => self.problem(v.range, format!("`uniqueItems` is a boolean, not {}", v.describe())),
            "dependentRequired" => match v.as_object() {
                Some(entries) => {
                    for e in entries {
                        match e.value.as_array() {
                            Some(names) => self.names(names, &e.value, "dependentRequired"),
                            None => self.problem(
                                e.value.range,
                                format!("a `dependentRequired` entry is an array of names, not {}", e.value.describe()),
                            ),
                        }
                    }
                }
                None => self.problem(v.range, format!("`dependentRequired` is an object, not {}", v.describe())),
            },
            _ => {}
        }
    }

    fn names(&mut self, items: &[Value], _whole: &Value, key: &str) {
        for item in items {
            if item.as_str().is_none() {
                self.problem(item.range, format!("`{key}` lists property names as strings, not {}", item.describe()));
            }
        }
    }

    /// Where a `$ref` written in the resource `base` leads.
    fn target(&mut self, reference: &str, base: &str, range: TextRange) -> Target {
        let (uri, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let absolute = if uri.is_empty() { base.to_string() } else { join(base, uri) };
        // A resource of this file: its root pointer, then the fragment within it.
        let here = if uri.is_empty() && base.is_empty() { Some(String::new()) } else { self.doc.resources.get(&absolute).cloned() };
        match here {
            Some(root) if fragment.is_empty() || fragment.starts_with('/') => Target::Here(format!("{root}{}", decode(fragment))),
            Some(_) | None if !fragment.is_empty() && !fragment.starts_with('/') => {
                // An anchor: in this file when indexed (anchors may come later in the file: the
                // caller checks again once the walk is done).
                Target::Elsewhere { uri: absolute, fragment: fragment.to_string() }
            }
            _ => {
                let _ = range;
                Target::Elsewhere { uri: absolute, fragment: decode(fragment) }
            }
        }
    }
}

/// A fragment's percent-encoding undone (`%25` → `%`), as URIs carry JSON Pointers.
fn decode(fragment: &str) -> String {
    let bytes = fragment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(byte) = fragment.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| fragment.to_string())
}

impl Document {
    /// Where a `$ref` at `pointer` leads, with anchors and `$id`s of this file found wherever they
    /// are written.
    pub fn target(&self, pointer: &str) -> Option<Target> {
        let target = self.refs.get(pointer)?.clone();
        Some(match target {
            Target::Elsewhere { uri, fragment } => {
                let key = if fragment.is_empty() || fragment.starts_with('/') { uri.clone() } else { format!("{uri}#{fragment}") };
                match self.resources.get(&key) {
                    Some(root) if fragment.starts_with('/') || fragment.is_empty() => Target::Here(format!("{root}{fragment}")),
                    Some(root) => Target::Here(root.clone()),
                    None => Target::Elsewhere { uri, fragment },
                }
            }
            here => here,
        })
    }

    /// The `$ref`s that lead nowhere in this file (JSON Pointers that name nothing; anchors this
    /// file does not define while its own URI is named), as problems. References to other
    /// resources are the caller's to check.
    pub fn dangling(&self) -> Vec<Problem> {
        let Some(root) = &self.root else { return Vec::new() };
        let mut out = Vec::new();
        for pointer in self.refs.keys() {
            if let Some(Target::Here(to)) = self.target(pointer)
                && root.pointer(&to).is_none()
                && let Some(r) = root.pointer(pointer).and_then(|v| v.get("$ref"))
            {
                out.push(Problem { range: r.range, message: format!("`$ref` leads nowhere: this file has nothing at `#{to}`") });
            }
        }
        out
    }
}

/// Whether two JSON values are equal as JSON Schema compares them (`enum`, `const`): numbers by
/// value (`1` = `1.0`), objects regardless of member order.
pub fn same_json(a: &Value, b: &Value) -> bool {
    match (&a.kind, &b.kind) {
        (Kind::Number(_), Kind::Number(_)) => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
        (Kind::Array(x), Kind::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_json(a, b)),
        (Kind::Object(x), Kind::Object(y)) => {
            x.len() == y.len() && x.iter().all(|m| y.iter().any(|n| n.key == m.key && same_json(&m.value, &n.value)))
        }
        (x, y) => x == y,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A repeated key: the first is walked, as pointers read it, and the repeat is a problem (found
    /// by fuzzing: a `$ref` under the second `definitions` was recorded at an unreachable place).
    #[test]
    fn repeated_keys_walk_the_first() {
        let text =
            r##"{"definitions": {"a": {"type": "string"}}, "definitions": {"a": {"properties": {"p": {"$ref": "#/definitions/a"}}}}}"##;
        crate::fuzzing::front_end(text);
        let doc = crate::parse(text);
        assert!(doc.problems.iter().any(|p| p.message.contains("appears twice")), "{:?}", doc.problems);
        assert!(doc.refs.is_empty(), "the repeat is not walked");
    }

    #[test]
    fn drafts_and_problems() {
        let doc = parse(
            r##"{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
              "properties": {"a": {"type": "strng"}, "b": {"required": "x", "minLength": -1}, "c": {"$ref": "#/definitions/missing"}},
              "enum_like": {"enum": 3}}"##,
        );
        assert_eq!(doc.draft, Draft::Draft7);
        let messages: Vec<&str> = doc.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(messages[0].starts_with("`strng` is not a JSON Schema type"), "{messages:?}");
        assert_eq!(doc.dangling().len(), 1);
        assert_eq!(parse(r#"{"prefixItems": [{"type": "string"}]}"#).draft, Draft::Draft2020);
        assert_eq!(parse(r#"{"minimum": 0, "exclusiveMinimum": true}"#).draft, Draft::Draft4);
        assert_eq!(parse("{").problems.len(), 1);
    }

    #[test]
    fn ids_anchors_and_refs() {
        let doc = parse(
            r##"{"$id": "https://example.com/schemas/order.json",
                "properties": {
                  "customer": {"$ref": "customer.json#/$defs/name"},
                  "item": {"$ref": "#item"},
                  "money": {"$ref": "https://example.com/schemas/money.json"},
                  "local": {"$ref": "#/$defs/item"},
                  "nested": {"$id": "nested/inner.json", "$defs": {"x": {"type": "string"}}, "properties": {"y": {"$ref": "#/$defs/x"}}}
                },
                "$defs": {"item": {"$anchor": "item", "type": "object"}}}"##,
        );
        assert!(doc.problems.is_empty(), "{:?}", doc.problems);
        let t = |p: &str| doc.target(p).expect("a ref");
        assert_eq!(
            t("/properties/customer"),
            Target::Elsewhere { uri: "https://example.com/schemas/customer.json".into(), fragment: "/$defs/name".into() }
        );
        assert_eq!(t("/properties/item"), Target::Here("/$defs/item".into()));
        assert_eq!(t("/properties/local"), Target::Here("/$defs/item".into()));
        assert_eq!(t("/properties/nested/properties/y"), Target::Here("/properties/nested/$defs/x".into()));
        assert!(matches!(t("/properties/money"), Target::Elsewhere { .. }));
        assert!(doc.dangling().is_empty());
    }

    #[test]
    fn relative_references() {
        assert_eq!(join("", "common/money.json"), "common/money.json");
        assert_eq!(join("", "../common/money.json"), "../common/money.json");
        assert_eq!(join("events/", "../common/money.json"), "common/money.json");
        assert_eq!(join("https://a.org/x/y.json", "../z.json"), "https://a.org/z.json");
        assert_eq!(join("https://a.org/x/y.json", "/abs.json"), "https://a.org/abs.json");
        assert_eq!(join("https://a.org/x/y.json", "urn:uuid:1"), "urn:uuid:1");
        let json = |t: &str| rollsafe_json::parse(t).expect("json");
        assert!(same_json(&json(r#"{"a": 1, "b": [1.0]}"#), &json(r#"{"b": [1], "a": 1.0}"#)));
        assert!(!same_json(&json("1"), &json(r#""1""#)));
    }
}

/// A key as a message quotes it: escaped and capped.
fn escape_key(key: &str) -> String {
    rollsafe_text::escape::quote(key)
}

/// Entry points for the fuzz targets (`fuzz/`).
pub mod fuzzing {
    use rollsafe_text::TextRange;

    /// Reads `text` as a schema; panics when an invariant breaks: a range outside the text or off
    /// a character boundary, or a `$ref` whose place is not indexed.
    pub fn front_end(text: &str) {
        let doc = crate::parse(text);
        let ok = |r: TextRange| rollsafe_text::assert_range_within(text, r);
        for p in doc.problems.iter().chain(doc.dangling().iter()) {
            ok(p.range);
        }
        for pointer in doc.refs.keys() {
            assert!(doc.target(pointer).is_some(), "every recorded $ref has a target");
            let root = doc.root.as_ref().expect("refs only in a parsed document");
            assert!(root.pointer(pointer).is_some(), "a $ref's place is a pointer into the document: {pointer}");
        }
    }
}
