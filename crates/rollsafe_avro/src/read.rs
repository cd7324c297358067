//! From JSON to the model: names resolved, every problem located, nothing stops the reading.

use crate::model::*;
use rollsafe_json::{Kind, Value};
use rollsafe_text::TextRange;
use std::collections::{BTreeMap, BTreeSet};

/// Reads one `.avsc` text on its own: a reference to a type it does not define is a problem.
pub fn parse(text: &str) -> SchemaFile {
    read(text, false)
}

/// Reads one `.avsc` text of a set of schemas (a directory of them, as `avro-maven-plugin` and
/// schema registries' references use them): a reference to a type it does not define is left in
/// [`SchemaFile::unresolved`] for the set to resolve.
pub fn parse_in_set(text: &str) -> SchemaFile {
    read(text, true)
}

fn read(text: &str, in_set: bool) -> SchemaFile {
    let json = match rollsafe_json::parse_with_comments(text) {
        Ok(json) => json,
        Err(e) => {
            let problem = Problem { range: e.range, message: format!("not JSON: {}", e.message), kind: ProblemKind::Syntax };
            return SchemaFile { schema: None, problems: vec![problem], unresolved: Vec::new() };
        }
    };
    let mut reader = Reader { in_set, ..Reader::default() };
    let schema = reader.schema(&json, "");
    reader.check_defaults(&schema);
    // In the order of the text, whichever pass found them.
    reader.problems.sort_by_key(|p| (p.range.start, p.range.end));
    SchemaFile { schema: Some(schema), problems: reader.problems, unresolved: reader.unresolved }
}

#[derive(Default)]
struct Reader {
    problems: Vec<Problem>,
    /// Full names defined so far (a reference must follow its definition), with where.
    defined: BTreeMap<String, TextRange>,
    /// The named types, for checking defaults once everything is read.
    types: BTreeMap<String, Node>,
    /// Part of a set: unknown references are left to it.
    in_set: bool,
    unresolved: Vec<Unresolved>,
}

impl Reader {
    fn invalid(&mut self, range: TextRange, message: String) {
        self.problems.push(Problem { range, message, kind: ProblemKind::Invalid });
    }

    fn ignored(&mut self, range: TextRange, message: String) {
        self.problems.push(Problem { range, message, kind: ProblemKind::Ignored });
    }

    /// A schema in the namespace `ns` (that of the most tightly enclosing named type).
    fn schema(&mut self, json: &Value, ns: &str) -> Node {
        let node = |ty: Type| Node { ty, range: json.range, logical: None };
        match &json.kind {
            Kind::String(name) => match Primitive::from_name(name) {
                Some(p) => node(Type::Primitive(p)),
                None => node(self.reference(name, ns, json.range)),
            },
            Kind::Array(branches) => node(self.union(branches, ns)),
            Kind::Object(_) => self.object(json, ns),
            _ => {
                self.invalid(json.range, format!("a schema is a type name, an object or a union (an array), not {}", json.describe()));
                node(Type::Invalid)
            }
        }
    }

    fn reference(&mut self, name: &str, ns: &str, range: TextRange) -> Type {
        let full = full_name(name, ns);
        if !valid_full_name(&full) {
            self.invalid(range, format!("`{}` is not a valid Avro type name", shown(name)));
            return Type::Invalid;
        }
        if !self.defined.contains_key(&full) {
            // A simple name not found in the enclosing namespace may name a type of the null
            // namespace: the Java implementation (what most registries run) looks there next.
            if !name.contains('.') && self.defined.contains_key(name) {
                return Type::Ref(name.to_string());
            }
            let fallback = (!name.contains('.') && !ns.is_empty()).then(|| name.to_string());
            let unresolved = Unresolved { written: name.to_string(), full: full.clone(), fallback, range };
            if self.in_set {
                self.unresolved.push(unresolved);
                return Type::Ref(full);
            }
            self.problems.push(unresolved.unknown());
            return Type::Invalid;
        }
        Type::Ref(full)
    }

    fn union(&mut self, branches: &[Value], ns: &str) -> Type {
        let nodes: Vec<Node> = branches.iter().map(|b| self.schema(b, ns)).collect();
        let mut seen: BTreeMap<String, TextRange> = BTreeMap::new();
        for (json, node) in branches.iter().zip(&nodes) {
            if matches!(node.ty, Type::Union(_)) {
                self.invalid(json.range, "a union may not directly contain another union".into());
                continue;
            }
            // At most one branch of each unnamed type; named types by full name.
            let key = match &node.ty {
                Type::Primitive(p) => p.name().to_string(),
                Type::Array(_) => "array".to_string(),
                Type::Map(_) => "map".to_string(),
                Type::Ref(full) => full.clone(),
                Type::Record(_) | Type::Enum(_) | Type::Fixed(_) => node.defined_name().map(|n| n.full.clone()).unwrap_or_default(),
                Type::Union(_) | Type::Invalid => continue,
            };
            if let Some(first) = seen.get(&key) {
                let at = first.start;
                self.invalid(
                    json.range,
                    format!("this union already has a `{}` branch (at byte {at}): readers could not tell them apart", shown(&key)),
                );
            } else {
                seen.insert(key, json.range);
            }
        }
        Type::Union(nodes)
    }

    fn object(&mut self, json: &Value, ns: &str) -> Node {
        let Some(type_value) = json.get("type") else {
            self.invalid(json.range, "a schema object needs a `type`".into());
            return Node { ty: Type::Invalid, range: json.range, logical: None };
        };
        let ty = match type_value.as_str() {
            Some("record" | "error") => self.record(json, ns, type_value.as_str() == Some("error")),
            Some("enum") => self.enumeration(json, ns),
            Some("fixed") => self.fixed(json, ns),
            Some("array") => match json.get("items") {
                Some(items) => Type::Array(Box::new(self.schema(items, ns))),
                None => {
                    self.invalid(json.range, "an array needs `items`".into());
                    Type::Invalid
                }
            },
            Some("map") => match json.get("values") {
                Some(values) => Type::Map(Box::new(self.schema(values, ns))),
                None => {
                    self.invalid(json.range, "a map needs `values`".into());
                    Type::Invalid
                }
            },
            // `{"type": "int"}`, `{"type": "acme.Id"}`, `{"type": {...}}`: the type is the value.
            _ => {
                let inner = self.schema(type_value, ns);
                let mut node = Node { ty: inner.ty, range: json.range, logical: inner.logical };
                if node.logical.is_none() {
                    node.logical = self.logical(json, &node);
                }
                return node;
            }
        };
        let mut node = Node { ty, range: json.range, logical: None };
        node.logical = self.logical(json, &node);
        if let Some(name) = node.defined_name() {
            self.types.insert(name.full.clone(), node.clone());
        }
        node
    }

    /// The `name`, `namespace` and `aliases` of a named type; the name is defined from here on.
    fn name(&mut self, json: &Value, ns: &str, what: &str) -> Option<Name> {
        let Some(name_value) = json.get("name") else {
            self.invalid(json.range, format!("a {what} needs a `name`"));
            return None;
        };
        let Some(name) = name_value.as_str() else {
            self.invalid(name_value.range, format!("a {what}'s `name` is a string, not {}", name_value.describe()));
            return None;
        };
        let namespace = match json.get("namespace") {
            None => ns.to_string(),
            Some(v) => match &v.kind {
                Kind::String(s) => s.clone(),
                Kind::Null => String::new(),
                _ => {
                    self.invalid(v.range, format!("`namespace` is a string, not {}", v.describe()));
                    ns.to_string()
                }
            },
        };
        let full = full_name(name, &namespace);
        if !valid_full_name(&full) {
            self.invalid(
                name_value.range,
                format!(
                    "`{}` is not a valid Avro name: each part starts with a letter or `_` and holds letters, digits and `_`",
                    shown(&full)
                ),
            );
            return None;
        }
        if Primitive::from_name(&full).is_some() {
            self.invalid(name_value.range, format!("`{}` is a primitive type's name and cannot name a {what}", shown(&full)));
            return None;
        }
        if let Some(first) = self.defined.get(&full) {
            let at = first.start;
            self.invalid(name_value.range, format!("`{}` is defined twice (first at byte {at})", shown(&full)));
        } else {
            self.defined.insert(full.clone(), name_value.range);
        }
        let own_ns = full.rsplit_once('.').map_or("", |(n, _)| n).to_string();
        let aliases = self.aliases(json, &own_ns);
        Some(Name { full, range: name_value.range, aliases })
    }

    /// `aliases`: full names, or relative to `ns`.
    fn aliases(&mut self, json: &Value, ns: &str) -> Vec<String> {
        let Some(v) = json.get("aliases") else { return Vec::new() };
        let Some(items) = v.as_array() else {
            self.invalid(v.range, format!("`aliases` is an array of names, not {}", v.describe()));
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            match item.as_str() {
                Some(a) if valid_full_name(&full_name(a, ns)) => out.push(full_name(a, ns)),
                Some(a) => self.invalid(item.range, format!("alias `{}` is not a valid Avro name", shown(a))),
                None => self.invalid(item.range, format!("an alias is a string, not {}", item.describe())),
            }
        }
        out
    }

    fn record(&mut self, json: &Value, ns: &str, is_error: bool) -> Type {
        let what = if is_error { "error" } else { "record" };
        let Some(name) = self.name(json, ns, what) else { return Type::Invalid };
        let inner_ns = name.namespace().to_string();
        let mut fields = Vec::new();
        match json.get("fields") {
            None => self.invalid(json.range, format!("a {what} needs `fields`")),
            Some(v) => match v.as_array() {
                None => self.invalid(v.range, format!("`fields` is an array, not {}", v.describe())),
                Some(items) => {
                    let mut names: BTreeMap<String, TextRange> = BTreeMap::new();
                    for item in items {
                        let Some(field) = self.field(item, &inner_ns) else { continue };
                        if let Some(first) = names.get(&field.name) {
                            let at = first.start;
                            self.invalid(
                                field.name_range,
                                format!("field `{}` is declared twice (first at byte {at})", shown(&field.name)),
                            );
                        } else {
                            names.insert(field.name.clone(), field.name_range);
                        }
                        fields.push(field);
                    }
                }
            },
        }
        Type::Record(Record { name, is_error, fields })
    }

    fn field(&mut self, json: &Value, ns: &str) -> Option<Field> {
        if json.as_object().is_none() {
            self.invalid(json.range, format!("a field is an object, not {}", json.describe()));
            return None;
        }
        let name_value = json.get("name");
        let Some(name) = name_value.and_then(Value::as_str) else {
            self.invalid(name_value.map_or(json.range, |v| v.range), "a field needs a `name` string".into());
            return None;
        };
        let name_range = name_value.map_or(json.range, |v| v.range);
        if !valid_name(name) {
            self.invalid(name_range, format!("`{}` is not a valid field name", shown(name)));
        }
        let ty = match json.get("type") {
            Some(t) => self.schema(t, ns),
            None => {
                self.invalid(json.range, format!("field `{}` needs a `type`", shown(name)));
                Node { ty: Type::Invalid, range: json.range, logical: None }
            }
        };
        let aliases = match json.get("aliases").map(|v| (v, v.as_array())) {
            None => Vec::new(),
            Some((_, Some(items))) => items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect(),
            Some((v, None)) => {
                self.invalid(v.range, format!("`aliases` is an array of names, not {}", v.describe()));
                Vec::new()
            }
        };
        if let Some(order) = json.get("order")
            && !matches!(order.as_str(), Some("ascending" | "descending" | "ignore"))
        {
            self.invalid(order.range, "`order` is \"ascending\", \"descending\" or \"ignore\"".into());
        }
        Some(Field { name: name.to_string(), range: json.range, name_range, aliases, ty, default: json.get("default").cloned() })
    }

    fn enumeration(&mut self, json: &Value, ns: &str) -> Type {
        let Some(name) = self.name(json, ns, "enum") else { return Type::Invalid };
        let mut symbols: Vec<Symbol> = Vec::new();
        match json.get("symbols") {
            None => self.invalid(json.range, "an enum needs `symbols`".into()),
            Some(v) => match v.as_array() {
                None => self.invalid(v.range, format!("`symbols` is an array, not {}", v.describe())),
                Some(items) => {
                    for item in items {
                        match item.as_str() {
                            Some(s) if !valid_name(s) => self.invalid(item.range, format!("`{}` is not a valid enum symbol", shown(s))),
                            Some(s) if symbols.iter().any(|x| x.name == s) => {
                                self.invalid(item.range, format!("symbol `{}` is listed twice", shown(s)));
                            }
                            Some(s) => symbols.push(Symbol { name: s.to_string(), range: item.range }),
                            None => self.invalid(item.range, format!("an enum symbol is a string, not {}", item.describe())),
                        }
                    }
                }
            },
        }
        let default = match json.get("default") {
            None => None,
            Some(v) => match v.as_str() {
                Some(s) if symbols.iter().any(|x| x.name == s) => Some(Symbol { name: s.to_string(), range: v.range }),
                _ => {
                    let listed = symbols.iter().map(|x| x.name.as_str()).collect::<Vec<_>>().join(", ");
                    let what = v.as_str().map_or_else(|| v.describe().to_string(), |d| format!("`{}`", shown(d)));
                    self.invalid(v.range, format!("the enum's default {what} is not one of its symbols ({})", shown(&listed)));
                    None
                }
            },
        };
        Type::Enum(Enum { name, symbols, default })
    }

    fn fixed(&mut self, json: &Value, ns: &str) -> Type {
        let Some(name) = self.name(json, ns, "fixed") else { return Type::Invalid };
        match json.get("size") {
            Some(v) => match v.as_i64().and_then(|n| u64::try_from(n).ok()) {
                Some(size) => Type::Fixed(Fixed { name, size, size_range: v.range }),
                None => {
                    self.invalid(v.range, "a fixed's `size` is a non-negative integer".into());
                    Type::Invalid
                }
            },
            None => {
                self.invalid(json.range, "a fixed needs a `size`".into());
                Type::Invalid
            }
        }
    }

    /// The `logicalType` of an object schema, when the specification defines it on this base;
    /// anything else is ignored, as readers ignore it, and said so.
    fn logical(&mut self, json: &Value, node: &Node) -> Option<Logical> {
        let value = json.get("logicalType")?;
        let Some(name) = value.as_str() else {
            self.ignored(value.range, format!("`logicalType` is a string, not {}; ignored", value.describe()));
            return None;
        };
        let base = match &node.ty {
            Type::Primitive(p) => Some(*p),
            _ => None,
        };
        let fixed_size = match &node.ty {
            Type::Fixed(f) => Some(f.size),
            _ => None,
        };
        let (logical, fits) = match name {
            "decimal" => return self.decimal(json, value.range, base, fixed_size),
            "big-decimal" => (Logical::BigDecimal, base == Some(Primitive::Bytes)),
            "uuid" => (Logical::Uuid, base == Some(Primitive::String) || fixed_size == Some(16)),
            "date" => (Logical::Date, base == Some(Primitive::Int)),
            "time-millis" => (Logical::TimeMillis, base == Some(Primitive::Int)),
            "time-micros" => (Logical::TimeMicros, base == Some(Primitive::Long)),
            "timestamp-millis" => (Logical::TimestampMillis, base == Some(Primitive::Long)),
            "timestamp-micros" => (Logical::TimestampMicros, base == Some(Primitive::Long)),
            "timestamp-nanos" => (Logical::TimestampNanos, base == Some(Primitive::Long)),
            "local-timestamp-millis" => (Logical::LocalTimestampMillis, base == Some(Primitive::Long)),
            "local-timestamp-micros" => (Logical::LocalTimestampMicros, base == Some(Primitive::Long)),
            "local-timestamp-nanos" => (Logical::LocalTimestampNanos, base == Some(Primitive::Long)),
            "duration" => (Logical::Duration, fixed_size == Some(12)),
            other => {
                self.ignored(
                    value.range,
                    format!("unknown logical type `{}`: readers ignore it and use {}", shown(other), node.describe()),
                );
                return None;
            }
        };
        if !fits {
            self.ignored(value.range, format!("logical type `{name}` does not apply to {}: readers ignore it", node.describe()));
            return None;
        }
        Some(logical)
    }

    fn decimal(&mut self, json: &Value, at: TextRange, base: Option<Primitive>, fixed_size: Option<u64>) -> Option<Logical> {
        if base != Some(Primitive::Bytes) && fixed_size.is_none() {
            self.ignored(at, "logical type `decimal` applies to bytes and fixed only: readers ignore it".into());
            return None;
        }
        let number = |key: &str| json.get(key).map(|v| v.as_i64().and_then(|n| u32::try_from(n).ok()));
        let precision = match number("precision") {
            Some(Some(p)) if p > 0 => p,
            _ => {
                self.ignored(at, "a decimal needs a positive integer `precision`: readers ignore this logical type".into());
                return None;
            }
        };
        let scale = match number("scale") {
            None => 0,
            Some(Some(s)) if s <= precision => s,
            _ => {
                self.ignored(
                    at,
                    format!("a decimal's `scale` is an integer from 0 to its precision ({precision}): readers ignore this logical type"),
                );
                return None;
            }
        };
        if let Some(size) = fixed_size {
            // The largest precision n bytes hold: floor(log10(2^(8n-1) - 1)).
            let max = if size == 0 { 0 } else { ((8 * size - 1) as f64 * std::f64::consts::LOG10_2).floor() as u64 };
            if u64::from(precision) > max {
                self.ignored(
                    at,
                    format!(
                        "a fixed of {size} bytes holds at most {max} decimal digits, not {precision}: readers ignore this logical type"
                    ),
                );
                return None;
            }
        }
        Some(Logical::Decimal { precision, scale })
    }

    /// Every field default fits its type.
    fn check_defaults(&mut self, schema: &Node) {
        let mut stack = vec![schema];
        while let Some(node) = stack.pop() {
            if let Type::Record(r) = &node.ty {
                for f in &r.fields {
                    if let Some(default) = &f.default {
                        self.check_default(&f.name, &f.ty, default);
                    }
                }
            }
            stack.extend(node.children());
        }
    }

    fn check_default(&mut self, field: &str, ty: &Node, default: &Value) {
        if let Type::Union(branches) = &ty.ty {
            let Some(first) = branches.first() else { return };
            if fits(&self.types, first, default, 0) {
                return;
            }
            if branches.iter().skip(1).any(|b| fits(&self.types, b, default, 0)) {
                self.ignored(
                    default.range,
                    format!(
                        "the default of field `{}` fits a later branch of its union, not the first ({}): Avro 1.12 accepts it, earlier readers reject the schema",
                        shown(field),
                        first.describe()
                    ),
                );
                return;
            }
            self.invalid(default.range, format!("the default of field `{}` fits no branch of its union", shown(field)));
            return;
        }
        if !fits(&self.types, ty, default, 0) {
            self.invalid(
                default.range,
                format!(
                    "the default of field `{}` is {}, which does not fit {}{}",
                    shown(field),
                    default.describe(),
                    ty.describe(),
                    why_not(ty, default)
                ),
            );
        }
    }
}

/// Why a number does not fit an integer type, when that is the reason.
fn why_not(ty: &Node, v: &Value) -> &'static str {
    match (&ty.ty, &v.kind) {
        (Type::Primitive(Primitive::Int | Primitive::Long), Kind::Number(_)) => match v.as_i64() {
            None if v.as_f64().is_some_and(|f| f.fract() != 0.0) => " (not a whole number)",
            None => " (out of long's range)",
            Some(_) => " (out of int's range)",
        },
        _ => "",
    }
}

/// Whether a JSON default value fits a schema (the specification's table of default values).
fn fits(types: &BTreeMap<String, Node>, ty: &Node, v: &Value, depth: usize) -> bool {
    // A recursive record's default nests as deep as the JSON does, which is bounded.
    if depth > rollsafe_json::MAX_DEPTH {
        return false;
    }
    match &ty.ty {
        Type::Primitive(p) => match p {
            Primitive::Null => matches!(v.kind, Kind::Null),
            Primitive::Boolean => matches!(v.kind, Kind::Bool(_)),
            Primitive::Int => v.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
            Primitive::Long => v.as_i64().is_some(),
            Primitive::Float | Primitive::Double => matches!(v.kind, Kind::Number(_)),
            // Bytes are written as a string of code points 0-255.
            Primitive::Bytes => v.as_str().is_some_and(|s| s.chars().all(|c| (c as u32) < 256)),
            Primitive::String => matches!(v.kind, Kind::String(_)),
        },
        Type::Fixed(f) => v.as_str().is_some_and(|s| s.chars().all(|c| (c as u32) < 256) && s.chars().count() as u64 == f.size),
        Type::Enum(e) => v.as_str().is_some_and(|s| e.symbols.iter().any(|x| x.name == s)),
        Type::Array(items) => v.as_array().is_some_and(|a| a.iter().all(|i| fits(types, items, i, depth + 1))),
        Type::Map(values) => v.as_object().is_some_and(|m| m.iter().all(|e| fits(types, values, &e.value, depth + 1))),
        Type::Record(r) => v.as_object().is_some_and(|m| {
            let keys: BTreeSet<&str> = m.iter().map(|e| e.key.as_str()).collect();
            r.fields.iter().all(|f| match v.get(&f.name) {
                Some(inner) => fits(types, &f.ty, inner, depth + 1),
                None => f.default.is_some(),
            }) && keys.iter().all(|k| r.fields.iter().any(|f| f.name == *k))
        }),
        Type::Union(branches) => branches.first().is_some_and(|b| fits(types, b, v, depth + 1)),
        Type::Ref(name) => types.get(name).is_none_or(|t| fits(types, t, v, depth + 1)),
        Type::Invalid => true,
    }
}

/// The full name of `name` written in namespace `ns`.
/// A leading dot names the null namespace (`.Inner`), as the Java implementation reads it.
pub(crate) fn full_name(name: &str, ns: &str) -> String {
    if let Some(in_null_namespace) = name.strip_prefix('.') {
        return in_null_namespace.to_string();
    }
    if name.contains('.') || ns.is_empty() { name.to_string() } else { format!("{ns}.{name}") }
}

fn valid_name(part: &str) -> bool {
    let mut chars = part.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_') && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn valid_full_name(full: &str) -> bool {
    full.split('.').all(valid_name)
}

/// User text in a message: one line, escaped, capped.
fn shown(text: &str) -> String {
    rollsafe_text::escape::quote(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(src: &str) -> Vec<(String, &str, ProblemKind)> {
        parse(src).problems.into_iter().map(|p| (p.message, &src[p.range.as_usize()], p.kind)).collect()
    }

    #[test]
    fn names_inherit_and_resolve_as_the_specification_says() {
        let src = r#"{"type": "record", "name": "User", "namespace": "acme.v1", "aliases": ["Person", "old.Member"], "fields": [
            {"name": "id", "type": {"type": "fixed", "name": "Id", "size": 16}},
            {"name": "other", "type": "Id"},
            {"name": "status", "type": {"type": "enum", "name": "x.Status", "symbols": ["A", "B"], "default": "A"}},
            {"name": "next", "type": ["null", "User"], "default": null},
            {"name": "inner", "type": {"type": "record", "name": "Inner", "namespace": "", "fields": [{"name": "s", "type": "Status", "default": "B"}]}}
        ]}"#;
        let file = parse(src);
        let names: Vec<&str> = file.named_types().into_keys().collect();
        assert_eq!(names, ["Inner", "acme.v1.Id", "acme.v1.User", "x.Status"]);
        let Some(Node { ty: Type::Record(user), .. }) = &file.schema else { panic!("a record") };
        assert_eq!(user.name.aliases, ["acme.v1.Person", "old.Member"]);
        assert_eq!(user.fields[1].ty.ty, Type::Ref("acme.v1.Id".into()));
        assert_eq!(user.fields[3].ty.describe(), "union [null, acme.v1.User]");
        // `Status` inside the null-namespace record is unknown: the enum is x.Status.
        let found = problems(src);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].1, "\"Status\"");
        assert!(found[0].0.starts_with("unknown type `Status`"), "{}", found[0].0);
    }

    #[test]
    fn every_problem_is_reported_where_it_is() {
        let src = r#"{"type": "record", "name": "R", "fields": [
            {"name": "a", "type": "int", "default": "x"},
            {"name": "a", "type": "long"},
            {"name": "u", "type": ["string", "null", "string"], "default": null},
            {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["X", "X", "9"], "default": "Z"}},
            {"name": "d", "type": {"type": "bytes", "logicalType": "decimal", "precision": 4, "scale": 5}},
            {"name": "t", "type": {"type": "string", "logicalType": "timestamp-millis"}},
            {"name": "f", "type": {"type": "fixed", "name": "F", "size": -1}},
            {"name": "n", "type": "Nope"},
            {"name": "g", "type": ["null", ["int"]]}
        ]}"#;
        let found: Vec<(String, &str)> = problems(src).into_iter().map(|(m, at, _)| (m, at)).collect();
        let at: Vec<&str> = found.iter().map(|(_, at)| *at).collect();
        assert_eq!(
            at,
            [
                "\"x\"",
                "\"a\"",
                "\"string\"",
                "null",
                "\"X\"",
                "\"9\"",
                "\"Z\"",
                "\"decimal\"",
                "\"timestamp-millis\"",
                "-1",
                "\"Nope\"",
                "[\"int\"]",
            ],
            "{found:#?}"
        );
        assert!(found[2].0.contains("already has a `string` branch"), "{}", found[2].0);
        assert!(found[3].0.contains("fits a later branch of its union"), "{}", found[3].0);
    }

    /// What the Java implementation reads, as real projects write it: comments, a leading dot for
    /// the null namespace, Avro 1.12's `big-decimal`; and messages that name the bad value.
    #[test]
    fn what_real_schemas_contain() {
        let src = r#"// Generated by hand.
        {"type": "record", "name": "Metric", "namespace": "org.example", /* inline */
         "fields": [
            {"name": "kind", "type": {"type": "enum", "name": "Kind", "aliases": [".LegacyKind"], "symbols": ["A"]}},
            {"name": "amount", "type": {"type": "bytes", "logicalType": "big-decimal"}},
            {"name": "legacy", "type": ".LegacyKind2", "default": "A"}
         ]}"#;
        let found = problems(src);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].0.starts_with("unknown type `.LegacyKind2`"), "{found:?}");
        let file = parse(src);
        let named = file.named_types();
        let Some(Node { ty: Type::Enum(kind), .. }) = named.get("org.example.Kind") else { panic!("{named:?}") };
        assert_eq!(kind.name.aliases, ["LegacyKind"]);
        let Some(Node { ty: Type::Record(metric), .. }) = &file.schema else { panic!("a record") };
        assert_eq!(metric.fields[1].ty.logical, Some(Logical::BigDecimal));

        let src = r#"{"type": "record", "name": "R", "fields": [
            {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A", "B"], "default": "OOPSIE"}},
            {"name": "i", "type": "int", "default": 5000000000},
            {"name": "j", "type": "long", "default": 1.5}
        ]}"#;
        let messages: Vec<String> = problems(src).into_iter().map(|(m, _, _)| m).collect();
        assert!(messages[0].contains("default `OOPSIE` is not one of its symbols (A, B)"), "{messages:?}");
        assert!(messages[1].ends_with("(out of int's range)"), "{messages:?}");
        assert!(messages[2].ends_with("(not a whole number)"), "{messages:?}");
    }

    #[test]
    fn logical_types_on_their_bases() {
        let src = r#"["null",
            {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2},
            {"type": "fixed", "name": "Money", "size": 4, "logicalType": "decimal", "precision": 9},
            {"type": "string", "logicalType": "uuid"},
            {"type": "long", "logicalType": "timestamp-micros"},
            {"type": "int", "logicalType": "color"}
        ]"#;
        let file = parse(src);
        let Some(Node { ty: Type::Union(b), .. }) = &file.schema else { panic!("a union") };
        let logical: Vec<Option<Logical>> = b.iter().map(|n| n.logical.clone()).collect();
        assert_eq!(
            logical,
            [
                None,
                Some(Logical::Decimal { precision: 10, scale: 2 }),
                Some(Logical::Decimal { precision: 9, scale: 0 }),
                Some(Logical::Uuid),
                Some(Logical::TimestampMicros),
                None
            ]
        );
        let found = problems(src);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].1, found[0].2), ("\"color\"", ProblemKind::Ignored));
        // A fixed of 4 bytes holds 9 digits, not 10.
        let too_many = problems(r#"{"type": "fixed", "name": "M", "size": 4, "logicalType": "decimal", "precision": 10}"#);
        assert!(too_many[0].0.contains("at most 9 decimal digits"), "{too_many:?}");
    }

    /// The fuzz seeds: two valid schemas that use every kind of type, and one with a problem of
    /// each kind.
    #[test]
    fn the_fuzz_seeds_read_as_intended() {
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds/avro");
        let read = |name: &str| std::fs::read_to_string(seeds.join(name)).expect("seed");
        for valid in ["order.avsc", "tree.avsc"] {
            let text = read(valid);
            assert_eq!(problems(&text), [], "{valid}");
        }
        let order = parse(&read("order.avsc"));
        let names: Vec<&str> = order.named_types().into_keys().collect();
        assert_eq!(names, ["shop.v1.Line", "shop.v1.Order", "shop.v1.Sha256", "shop.v1.Status"]);
        let text = read("invalid.avsc");
        let kinds: Vec<(&str, ProblemKind)> = problems(&text).into_iter().map(|(_, at, kind)| (at, kind)).collect();
        assert_eq!(
            kinds,
            [
                ("\"one\"", ProblemKind::Invalid),
                ("\"a\"", ProblemKind::Invalid),
                ("\"Missing\"", ProblemKind::Invalid),
                ("[\"int\"]", ProblemKind::Invalid),
                ("\"string\"", ProblemKind::Invalid),
                ("\"X\"", ProblemKind::Invalid),
                ("\"Y\"", ProblemKind::Invalid),
                ("\"decimal\"", ProblemKind::Ignored),
            ]
        );
    }

    #[test]
    fn not_json_is_one_syntax_problem() {
        let file = parse(r#"{"type": "record",}"#);
        assert!(file.schema.is_none());
        assert_eq!(file.problems.len(), 1);
        assert_eq!(file.problems[0].kind, ProblemKind::Syntax);
    }

    #[test]
    fn defaults_fit_their_types() {
        let types = BTreeMap::new();
        let ok = |schema: &str, default: &str| {
            let node = parse(schema).schema.expect("schema");
            fits(&types, &node, &rollsafe_json::parse(default).expect("json"), 0)
        };
        assert!(ok("\"int\"", "2147483647"));
        assert!(!ok("\"int\"", "2147483648"));
        assert!(ok("\"long\"", "2147483648"));
        assert!(!ok("\"long\"", "1.5"));
        assert!(ok("\"double\"", "1"));
        assert!(ok("\"bytes\"", "\"\\u00ff\""));
        assert!(!ok("\"bytes\"", "\"\\u0100\""));
        assert!(ok(r#"{"type": "fixed", "name": "F", "size": 2}"#, "\"ab\""));
        assert!(!ok(r#"{"type": "fixed", "name": "F", "size": 2}"#, "\"abc\""));
        assert!(ok(r#"{"type": "array", "items": "string"}"#, r#"["a"]"#));
        assert!(!ok(r#"{"type": "map", "values": "int"}"#, r#"{"a": "b"}"#));
        let record =
            r#"{"type": "record", "name": "P", "fields": [{"name": "x", "type": "int"}, {"name": "y", "type": "int", "default": 0}]}"#;
        assert!(ok(record, r#"{"x": 1}"#));
        assert!(!ok(record, r#"{"y": 1}"#));
        assert!(!ok(record, r#"{"x": 1, "z": 2}"#));
    }
}
