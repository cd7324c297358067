//! Avro schema resolution, as the specification's "Schema Resolution" section defines it: whether
//! data written with one schema (the writer's) can be read with another (the reader's), and every
//! place where it cannot, not only the first.
//!
//! A check mode is a direction: BACKWARD reads old data with the new schema (reader = N, writer =
//! N-1), FORWARD reads new data with the old schema (reader = N-1, writer = N), FULL both.
//!
//! Where the reference checkers differ from the specification, this follows the specification,
//! and says so in the finding's message:
//! - decimals resolve only with the same precision and scale (the Python checker ignores logical
//!   types);
//! - a reader union takes the first branch that matches the writer's type, exact types before
//!   promotions (the Python checker accepts any branch that works);
//! - a reader's alias written without a namespace is in its type's namespace, as the specification
//!   says (the Python checker compares it, as written, with the writer's full name).
//!
//! Beyond the specification, a change of logical type on the same base (`timestamp-millis` to
//! `timestamp-micros`) reads without error and misreads every value: it is reported too.

use rollsafe_avro::{Logical, Node, Primitive, SchemaFile, Type};
use rollsafe_text::TextRange;
use std::collections::{BTreeMap, BTreeSet};

/// Named types of the other schemas of a set, by full name.
pub type Elsewhere<'a> = &'a dyn Fn(&str) -> Option<&'a Node>;

/// One schema of a pair, with its named types for references.
pub struct Side<'a> {
    pub root: &'a Node,
    pub named: BTreeMap<&'a str, &'a Node>,
    /// Types the file refers to but other files of its set define. Those files are checked on
    /// their own, so a reference into one is compared by name and kind only: its insides are
    /// reported once, where they are written.
    elsewhere: Option<Elsewhere<'a>>,
    /// A simple name's null-namespace reading, for references the file left to its set.
    fallback: BTreeMap<&'a str, &'a str>,
}

impl<'a> Side<'a> {
    pub fn new(file: &'a SchemaFile) -> Option<Side<'a>> {
        Some(Side { root: file.schema.as_ref()?, named: file.named_types(), elsewhere: None, fallback: BTreeMap::new() })
    }

    /// A schema of a set (read with `parse_in_set`): `elsewhere` finds the types other files define.
    pub fn in_set(file: &'a SchemaFile, elsewhere: Elsewhere<'a>) -> Option<Side<'a>> {
        let fallback = file.unresolved.iter().filter_map(|u| Some((u.full.as_str(), u.fallback.as_deref()?))).collect();
        Some(Side { root: file.schema.as_ref()?, named: file.named_types(), elsewhere: Some(elsewhere), fallback })
    }

    /// The node a reference names (itself when it is not a reference, or names nothing known),
    /// and whether another file defines it.
    fn lookup(&self, node: &'a Node) -> (&'a Node, bool) {
        let Type::Ref(name) = &node.ty else { return (node, false) };
        if let Some(found) = self.named.get(name.as_str()) {
            return (found, false);
        }
        let elsewhere = |n: &str| self.elsewhere.and_then(|find| find(n));
        match elsewhere(name).or_else(|| self.fallback.get(name.as_str()).and_then(|f| elsewhere(f))) {
            Some(found) => (found, true),
            None => (node, false),
        }
    }

    fn resolve(&self, node: &'a Node) -> &'a Node {
        self.lookup(node).0
    }
}

/// Why data written with the writer's schema cannot be read with the reader's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The types differ and the writer's does not promote to the reader's.
    TypeMismatch {
        reader: String,
        writer: String,
    },
    /// Records, enums or fixed of different names (no reader alias names the writer's).
    NameMismatch {
        reader: String,
        writer: String,
    },
    FixedSizeMismatch {
        reader: u64,
        writer: u64,
    },
    /// A reader field the writer does not write, without a default.
    FieldWithoutDefault {
        field: String,
    },
    /// Writer symbols the reader lacks, and the reader enum has no default.
    MissingEnumSymbols {
        symbols: Vec<String>,
    },
    /// A branch of the writer's union that no branch of the reader's reads.
    MissingUnionBranch {
        writer_branch: String,
    },
    /// The same base type under another logical type: every value is misread. For decimals, the
    /// specification makes it an error; for the others, readers accept it.
    LogicalTypeChanged {
        reader: String,
        writer: String,
    },
}

impl Problem {
    /// Whether Avro libraries refuse the pair (rather than read it and misinterpret values).
    pub fn refused_by_readers(&self) -> bool {
        match self {
            Problem::LogicalTypeChanged { reader, writer } => reader.starts_with("decimal") && writer.starts_with("decimal"),
            _ => true,
        }
    }
}

/// One incompatibility and where it is on each side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incompatibility {
    pub problem: Problem,
    /// Path from the root, by field names and branch indexes (`/fields/status/type`).
    pub path: String,
    /// The reader's element (for a field the reader lacks a default for: that field).
    pub reader_at: TextRange,
    /// The writer's element.
    pub writer_at: TextRange,
}

/// Every reason data written with `writer` cannot be read with `reader`.
pub fn check<'r, 'w>(reader: &Side<'r>, writer: &Side<'w>) -> Vec<Incompatibility> {
    let mut c = Checker { reader, writer, out: Vec::new(), visiting: BTreeSet::new() };
    c.node(reader.root, writer.root, String::new());
    c.out
}

struct Checker<'s, 'r, 'w> {
    reader: &'s Side<'r>,
    writer: &'s Side<'w>,
    out: Vec<Incompatibility>,
    /// Pairs of named types under comparison: a recursive type is compared once.
    visiting: BTreeSet<(String, String)>,
}

impl<'r, 'w> Checker<'_, 'r, 'w> {
    fn push(&mut self, problem: Problem, path: &str, reader_at: TextRange, writer_at: TextRange) {
        let path = if path.is_empty() { "/".to_string() } else { path.to_string() };
        self.out.push(Incompatibility { problem, path, reader_at, writer_at });
    }

    fn node(&mut self, reader: &'r Node, writer: &'w Node, path: String) {
        let ((r, r_elsewhere), (w, w_elsewhere)) = (self.reader.lookup(reader), self.writer.lookup(writer));
        if [r, w].iter().any(|n| matches!(n.ty, Type::Invalid | Type::Ref(_))) {
            return; // Reported as an invalid schema already (an unknown type is a dangling reference).
        }
        if r_elsewhere || w_elsewhere {
            // Defined in another file of the set, which is checked on its own.
            let (named_r, named_w) = (r.defined_name(), w.defined_name());
            match (named_r, named_w) {
                (Some(a), Some(b)) if std::mem::discriminant(&r.ty) == std::mem::discriminant(&w.ty) => {
                    self.same_name(a, b, &path);
                }
                _ if matches!(r.ty, Type::Union(_)) || matches!(w.ty, Type::Union(_)) => {}
                _ if self.matches(r, w, true) => {}
                _ => self.push(Problem::TypeMismatch { reader: r.describe(), writer: w.describe() }, &path, reader.range, writer.range),
            }
            return;
        }
        // A writer union: every branch it may have written must be readable.
        if let Type::Union(branches) = &w.ty {
            for (i, branch) in branches.iter().enumerate() {
                let branch_path = format!("{path}/{i}");
                match &r.ty {
                    Type::Union(_) => self.read_by_union(r, branch, branch_path),
                    _ => self.node(r, branch, branch_path),
                }
            }
            return;
        }
        if matches!(r.ty, Type::Union(_)) {
            self.read_by_union(r, w, path);
            return;
        }
        self.non_union(reader, r, writer, w, path);
    }

    /// A writer's (non-union) type read by a reader union: the first branch that matches it.
    fn read_by_union(&mut self, reader: &'r Node, writer: &'w Node, path: String) {
        let Type::Union(branches) = &reader.ty else { return };
        let w = self.writer.resolve(writer);
        if matches!(w.ty, Type::Invalid) {
            return;
        }
        let exact = branches.iter().find(|b| self.matches(self.reader.resolve(b), w, false));
        let branch = exact.or_else(|| branches.iter().find(|b| self.matches(self.reader.resolve(b), w, true)));
        match branch {
            Some(b) => self.node(b, writer, path),
            None => self.push(Problem::MissingUnionBranch { writer_branch: w.describe() }, &path, reader.range, writer.range),
        }
    }

    /// Whether two non-union schemas "match" in the specification's sense (names and kinds, not
    /// their insides); with `promote`, also a writer primitive that promotes to the reader's.
    fn matches(&self, r: &Node, w: &Node, promote: bool) -> bool {
        match (&r.ty, &w.ty) {
            (Type::Primitive(a), Type::Primitive(b)) => a == b || (promote && promotes(*b, *a)),
            (Type::Record(a), Type::Record(b)) => names_match(&a.name, &b.name),
            (Type::Enum(a), Type::Enum(b)) => names_match(&a.name, &b.name),
            (Type::Fixed(a), Type::Fixed(b)) => names_match(&a.name, &b.name) && a.size == b.size,
            (Type::Array(_), Type::Array(_)) | (Type::Map(_), Type::Map(_)) => true,
            _ => false,
        }
    }

    fn non_union(&mut self, reader: &'r Node, r: &'r Node, writer: &'w Node, w: &'w Node, path: String) {
        let (ra, wa) = (reader.range, writer.range);
        match (&r.ty, &w.ty) {
            (Type::Primitive(a), Type::Primitive(b)) => {
                if a != b && !promotes(*b, *a) {
                    self.push(Problem::TypeMismatch { reader: r.describe(), writer: w.describe() }, &path, ra, wa);
                } else {
                    self.logical(r, w, &path, ra, wa);
                }
            }
            (Type::Array(a), Type::Array(b)) => self.node(a, b, format!("{path}/items")),
            (Type::Map(a), Type::Map(b)) => self.node(a, b, format!("{path}/values")),
            (Type::Fixed(a), Type::Fixed(b)) => {
                if !self.same_name(&a.name, &b.name, &path) {
                    return;
                }
                if a.size != b.size {
                    self.push(Problem::FixedSizeMismatch { reader: a.size, writer: b.size }, &path, a.size_range, b.size_range);
                } else {
                    self.logical(r, w, &path, ra, wa);
                }
            }
            (Type::Enum(a), Type::Enum(b)) => {
                if !self.same_name(&a.name, &b.name, &path) {
                    return;
                }
                let missing: Vec<String> =
                    b.symbols.iter().filter(|s| !a.symbols.iter().any(|x| x.name == s.name)).map(|s| s.name.clone()).collect();
                if !missing.is_empty() && a.default.is_none() {
                    let at = b.symbols.iter().find(|s| s.name == missing[0]).map_or(wa, |s| s.range);
                    self.push(Problem::MissingEnumSymbols { symbols: missing }, &format!("{path}/symbols"), r.range, at);
                }
            }
            (Type::Record(a), Type::Record(b)) => {
                if !self.same_name(&a.name, &b.name, &path) {
                    return;
                }
                // A recursive type is compared once per pair of names.
                if !self.visiting.insert((a.name.full.clone(), b.name.full.clone())) {
                    return;
                }
                for field in &a.fields {
                    let written = b
                        .fields
                        .iter()
                        .find(|f| f.name == field.name)
                        .or_else(|| b.fields.iter().find(|f| field.aliases.contains(&f.name)));
                    match written {
                        Some(wf) => self.node(&field.ty, &wf.ty, format!("{path}/fields/{}/type", field.name)),
                        None if field.default.is_some() => {}
                        None => self.push(
                            Problem::FieldWithoutDefault { field: field.name.clone() },
                            &format!("{path}/fields/{}", field.name),
                            field.range,
                            b.name.range,
                        ),
                    }
                }
            }
            _ => self.push(Problem::TypeMismatch { reader: r.describe(), writer: w.describe() }, &path, ra, wa),
        }
    }

    /// Whether a reader's named type reads the writer's by name; if not, that is the problem here.
    fn same_name(&mut self, reader: &rollsafe_avro::Name, writer: &rollsafe_avro::Name, path: &str) -> bool {
        let same = names_match(reader, writer);
        if !same {
            let problem = Problem::NameMismatch { reader: reader.full.clone(), writer: writer.full.clone() };
            self.push(problem, path, reader.range, writer.range);
        }
        same
    }

    /// The same base type under another logical type.
    fn logical(&mut self, r: &Node, w: &Node, path: &str, ra: TextRange, wa: TextRange) {
        let (a, b) = (&r.logical, &w.logical);
        if a == b {
            return;
        }
        let shown = |l: &Option<Logical>| l.as_ref().map_or_else(|| "none".to_string(), Logical::describe);
        // Only a change of meaning counts: a writer's timestamp read as a plain long is the same
        // value, and a plain long read as a timestamp is the reader's choice.
        if a.is_some() && b.is_some() {
            self.push(Problem::LogicalTypeChanged { reader: shown(a), writer: shown(b) }, path, ra, wa);
        }
    }
}

/// Whether a writer's primitive reads as the reader's (the specification's promotions).
pub fn promotes(writer: Primitive, reader: Primitive) -> bool {
    use Primitive::*;
    matches!(
        (writer, reader),
        (Int, Long) | (Int, Float) | (Int, Double) | (Long, Float) | (Long, Double) | (Float, Double) | (String, Bytes) | (Bytes, String)
    )
}

/// The same unqualified name (the specification's "both schemas are records with the same
/// (unqualified) name"), or a reader alias that is the writer's full name (aliases are full names,
/// a relative one in its type's namespace), as the Java reference implementation reads them.
fn names_match(reader: &rollsafe_avro::Name, writer: &rollsafe_avro::Name) -> bool {
    reader.short() == writer.short() || reader.aliases.contains(&writer.full)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The problems of reading data written with `writer` using `reader`.
    fn problems(reader: &str, writer: &str) -> Vec<(Problem, String)> {
        let (r, w) = (rollsafe_avro::parse(reader), rollsafe_avro::parse(writer));
        assert!(r.problems.is_empty() && w.problems.is_empty(), "{:?} {:?}", r.problems, w.problems);
        let (r, w) = (Side::new(&r).expect("reader"), Side::new(&w).expect("writer"));
        check(&r, &w).into_iter().map(|i| (i.problem, i.path)).collect()
    }

    fn record(fields: &str) -> String {
        format!(r#"{{"type": "record", "name": "R", "namespace": "a", "fields": [{fields}]}}"#)
    }

    #[test]
    fn promotions_one_way_only() {
        let int = record(r#"{"name": "n", "type": "int"}"#);
        let long = record(r#"{"name": "n", "type": "long"}"#);
        assert_eq!(problems(&long, &int), []);
        assert_eq!(
            problems(&int, &long),
            [(Problem::TypeMismatch { reader: "int".into(), writer: "long".into() }, "/fields/n/type".into())]
        );
        let string = record(r#"{"name": "n", "type": "string"}"#);
        let bytes = record(r#"{"name": "n", "type": "bytes"}"#);
        assert_eq!(problems(&string, &bytes), []);
        assert_eq!(problems(&bytes, &string), []);
    }

    #[test]
    fn a_field_the_writer_lacks_needs_a_default() {
        let old = record(r#"{"name": "a", "type": "int"}"#);
        let with_default = record(r#"{"name": "a", "type": "int"}, {"name": "b", "type": "string", "default": ""}"#);
        let without = record(r#"{"name": "a", "type": "int"}, {"name": "b", "type": "string"}, {"name": "c", "type": "long"}"#);
        assert_eq!(problems(&with_default, &old), []);
        assert_eq!(
            problems(&without, &old),
            [
                (Problem::FieldWithoutDefault { field: "b".into() }, "/fields/b".into()),
                (Problem::FieldWithoutDefault { field: "c".into() }, "/fields/c".into())
            ],
            "every field, not the first"
        );
        // The writer's extra field is skipped; a reader alias finds a renamed field.
        assert_eq!(problems(&old, &without), []);
        let renamed = record(r#"{"name": "a2", "type": "int", "aliases": ["a"]}"#);
        assert_eq!(problems(&renamed, &old), []);
    }

    #[test]
    fn enums_unions_and_fixed() {
        let e = |symbols: &str, default: &str| {
            record(&format!(r#"{{"name": "s", "type": {{"type": "enum", "name": "S", "symbols": [{symbols}]{default}}}}}"#))
        };
        assert_eq!(
            problems(&e(r#""A""#, ""), &e(r#""A", "B", "C""#, "")),
            [(Problem::MissingEnumSymbols { symbols: vec!["B".into(), "C".into()] }, "/fields/s/type/symbols".into())]
        );
        assert_eq!(problems(&e(r#""A""#, r#", "default": "A""#), &e(r#""A", "B""#, "")), []);
        let plain = record(r#"{"name": "u", "type": "int"}"#);
        let union = record(r#"{"name": "u", "type": ["null", "int"]}"#);
        assert_eq!(problems(&union, &plain), [], "a union reads its branch");
        assert_eq!(
            problems(&plain, &union),
            [(Problem::TypeMismatch { reader: "int".into(), writer: "null".into() }, "/fields/u/type/0".into())]
        );
        let wider = record(r#"{"name": "u", "type": ["null", "long", "string"]}"#);
        assert_eq!(problems(&wider, &union), [], "int is read by the long branch");
        let narrower = record(r#"{"name": "u", "type": ["null"]}"#);
        assert_eq!(problems(&narrower, &union), [(Problem::MissingUnionBranch { writer_branch: "int".into() }, "/fields/u/type/1".into())]);
        let f = |size: u32| record(&format!(r#"{{"name": "h", "type": {{"type": "fixed", "name": "H", "size": {size}}}}}"#));
        assert_eq!(problems(&f(16), &f(32)), [(Problem::FixedSizeMismatch { reader: 16, writer: 32 }, "/fields/h/type".into())]);
    }

    #[test]
    fn names_aliases_and_recursion() {
        let node = |name: &str, extra: &str| {
            format!(
                r#"{{"type": "record", "name": "{name}", "namespace": "t"{extra}, "fields": [{{"name": "next", "type": ["null", "{name}"], "default": null}}, {{"name": "v", "type": "int"}}]}}"#
            )
        };
        assert_eq!(problems(&node("Node", ""), &node("Node", "")), [], "a recursive type terminates");
        assert_eq!(
            problems(&node("Item", ""), &node("Node", "")),
            [(Problem::NameMismatch { reader: "t.Item".into(), writer: "t.Node".into() }, "/".into())]
        );
        assert_eq!(problems(&node("Item", r#", "aliases": ["Node"]"#), &node("Node", "")), []);
        // Another namespace, the same unqualified name: the specification matches them.
        let other_ns = node("Node", "").replace(r#""namespace": "t""#, r#""namespace": "u""#);
        assert_eq!(problems(&other_ns, &node("Node", "")), []);
    }

    #[test]
    fn logical_types_change_meaning() {
        let ts = |unit: &str| record(&format!(r#"{{"name": "at", "type": {{"type": "long", "logicalType": "timestamp-{unit}"}}}}"#));
        let found = problems(&ts("micros"), &ts("millis"));
        assert_eq!(
            found,
            [(
                Problem::LogicalTypeChanged { reader: "timestamp-micros".into(), writer: "timestamp-millis".into() },
                "/fields/at/type".into()
            )]
        );
        assert!(!found[0].0.refused_by_readers());
        let dec = |p: u32, s: u32| {
            record(&format!(r#"{{"name": "m", "type": {{"type": "bytes", "logicalType": "decimal", "precision": {p}, "scale": {s}}}}}"#))
        };
        let found = problems(&dec(10, 2), &dec(10, 3));
        assert!(found[0].0.refused_by_readers(), "{found:?}");
        assert_eq!(problems(&dec(10, 2), &dec(10, 2)), []);
        let plain = record(r#"{"name": "at", "type": "long"}"#);
        assert_eq!(problems(&plain, &ts("millis")), [], "a timestamp read as its long");
    }
}
