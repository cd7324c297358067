//! Whether one JSON Schema accepts every instance another accepts, and every place where it does
//! not: the check both directions of a mode are made of. BACKWARD asks whether N accepts all that
//! N-1 accepted (`includes(N, N-1)`), FORWARD whether N-1 accepts all that N accepts.
//!
//! The comparison is structural, keyword by keyword, as compatibility checkers for schema
//! registries do; where inclusion cannot be decided from the keywords (two regular expressions, a
//! `not`, an `if`/`then`/`else`), a change is reported as such rather than guessed.
//!
//! - The narrower side (`t`) is read as a conjunction: its own keywords, its `$ref` target (alone
//!   before 2019-09, where keywords beside `$ref` are ignored) and its `allOf` branches, tightest
//!   bound wins. Its `anyOf`/`oneOf` branches are checked one by one.
//! - The wider side (`s`) must hold for each of its conjuncts; an `anyOf`/`oneOf` of it holds when
//!   one branch does. Branches are matched: the branch with the fewest differences is the one
//!   compared, so a change inside a branch is reported where it is.
//! - An open content model (`additionalProperties` absent or `true`) lets producers send any
//!   undeclared property under the strict profile; under the lenient one they send only what
//!   their schema declares.
//! - Recursive schemas are compared once per pair of places; a budget of comparisons bounds
//!   `anyOf`/`oneOf` products.

use crate::config::Profile;
use rollsafe_json::{Kind as J, Value};
use rollsafe_jsonschema::{Document, Target, same_json};
use rollsafe_text::TextRange;
use std::collections::HashSet;

/// Finds the document a `$ref` names: (URI, the referring file) → (its path, it).
pub type Lookup<'a, 'f> = dyn Fn(&str, &str) -> Option<(&'a str, &'a Document)> + 'f;

/// A schema file of a tree, and the other files of that tree its `$ref`s may name.
pub struct Side<'a, 'f> {
    pub path: &'a str,
    pub doc: &'a Document,
    /// Finds the document a reference names: (URI or path relative to `from`) → (its path, it).
    pub find: &'f Lookup<'a, 'f>,
    /// Whether a file is a schema checked on its own: a reference into it is not followed (what
    /// changed there is reported once, there).
    pub checked: &'f dyn Fn(&str) -> bool,
}

/// Why the wider schema rejects something the narrower one accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Types the narrower side accepts and the wider does not (`number`: non-integers).
    Type {
        lost: Vec<&'static str>,
    },
    /// Values the narrower side accepts that the wider one's `enum`/`const` does not list; empty
    /// when the narrower side had no `enum` at all.
    Enum {
        lost: Vec<String>,
    },
    /// A property the wider side requires and the narrower side does not.
    Required {
        name: String,
    },
    /// A property the wider side declares with constraints, which the narrower side leaves open.
    DeclaredOnlyWider {
        name: String,
    },
    /// A property the narrower side declares, which the wider side's closed model rejects.
    DeclaredOnlyNarrower {
        name: String,
    },
    /// What undeclared properties or items are allowed; `open`: the narrower side allows them by
    /// leaving its model open (strict profile), not by declaring them.
    ContentModel {
        what: String,
        open: bool,
    },
    /// A bound, or a pattern.
    Bound {
        keyword: &'static str,
        wider: String,
        narrower: String,
    },
    Format {
        wider: String,
        narrower: String,
    },
    Dependency {
        name: String,
    },
    /// An `anyOf`/`oneOf` branch of the narrower side that no branch of the wider side accepts.
    Branch {
        detail: String,
    },
    /// A `not` or `if`/`then`/`else` that differs.
    Condition {
        keyword: &'static str,
    },
}

/// One difference, where it is on each side (in each side's own file: a place in another file is
/// shown at the `$ref` that leads there).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    pub kind: Kind,
    /// Instance location, as a JSON Pointer into the schema (`/properties/total`).
    pub path: String,
    pub wider_at: TextRange,
    pub narrower_at: TextRange,
}

/// Every difference by which `wider` fails to accept what `narrower` accepts.
pub fn includes<'a>(wider: &Side<'a, '_>, narrower: &Side<'a, '_>, profile: Profile) -> Vec<Difference> {
    let (Some(s_root), Some(t_root)) = (&wider.doc.root, &narrower.doc.root) else { return Vec::new() };
    let mut c = Compare {
        wider,
        narrower,
        profile,
        s_declared: Vec::new(),
        visiting: HashSet::new(),
        trials: Vec::new(),
        unfold_budget: 256,
        exhausted: false,
        budget: 100_000,
        out: Vec::new(),
    };
    let s =
        Node { doc: wider.doc, file: wider.path, v: s_root, ptr: String::new(), at: first_key(s_root), unfolded: false, narrower: false };
    let t = Node {
        doc: narrower.doc,
        file: narrower.path,
        v: t_root,
        ptr: String::new(),
        at: first_key(t_root),
        unfolded: false,
        narrower: true,
    };
    let view = c.view(&[t]);
    c.compare(&s, &view, "");
    c.out
}

/// Where a root schema is shown: its first key (the whole document would cover the file).
fn first_key(v: &Value) -> TextRange {
    v.as_object().and_then(|m| m.first()).map_or(TextRange::empty(v.range.start), |m| m.key_range)
}

/// A schema in a file, with where to show it in the side's own file.
#[derive(Clone)]
struct Node<'a> {
    doc: &'a Document,
    file: &'a str,
    v: &'a Value,
    ptr: String,
    /// In the side's own file: this node's key, or the `$ref` that led to another file.
    at: TextRange,
    /// Its `anyOf`/`oneOf` are unfolded already (the view holds one branch instead).
    unfolded: bool,
    /// Of the narrower side (else the wider), whichever file it is in.
    narrower: bool,
}

impl<'a> Node<'a> {
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.v.get(key)
    }

    /// A subschema under `key` (and `index`/`name` within it).
    fn child(&self, key: &str, sub: Option<&str>, own_file: &str) -> Option<Node<'a>> {
        let member = self.v.member(key)?;
        let (v, ptr, key_at) = match sub {
            None => (&member.value, format!("{}/{}", self.ptr, rollsafe_json::pointer_segment(key)), member.key_range),
            Some(name) => {
                let (v, at) = match &member.value.kind {
                    J::Array(items) => {
                        let item = items.get(name.parse::<usize>().ok()?)?;
                        (item, item.range)
                    }
                    J::Object(_) => {
                        let m = member.value.member(name)?;
                        (&m.value, m.key_range)
                    }
                    _ => return None,
                };
                (v, format!("{}/{}/{}", self.ptr, rollsafe_json::pointer_segment(key), rollsafe_json::pointer_segment(name)), at)
            }
        };
        let at = if self.file == own_file { key_at } else { self.at };
        Some(Node { doc: self.doc, file: self.file, v, ptr, at, unfolded: false, narrower: self.narrower })
    }

    fn is_false(&self) -> bool {
        matches!(self.v.kind, J::Bool(false))
    }
}

/// The narrower side as a conjunction of schema objects.
#[derive(Clone)]
struct View<'a> {
    nodes: Vec<Node<'a>>,
    /// Accepts nothing (a `false` among them).
    empty: bool,
    /// Holds a `$ref` that leads nowhere: what it accepts is unknown, so it is not compared.
    opaque: bool,
    /// Schemas of other files checked on their own that it refers to (`file#pointer`): the same
    /// reference on both sides is the same schema, compared where it is written.
    refs: Vec<String>,
    /// The `anyOf`/`oneOf` branch this view stands for, its index and how many branches it had.
    branch: Option<(Node<'a>, usize, usize)>,
    /// Where to show it in its own file.
    at: TextRange,
}

/// A wider place and the narrower places it is compared with.
type Key = (String, String, Vec<String>);

struct Compare<'s, 'a> {
    wider: &'s Side<'a, 's>,
    narrower: &'s Side<'a, 's>,
    profile: Profile,
    /// Properties the wider side's conjuncts declare (which its `unevaluatedProperties` does
    /// not apply to), for the conjunct being compared.
    s_declared: Vec<String>,
    /// Pairs compared already (a recursive schema, a definition used in several places: compared
    /// and reported once).
    visiting: HashSet<Key>,
    /// The pairs each branch trial added, taken back after it.
    trials: Vec<Vec<Key>>,
    /// How many `anyOf`/`oneOf` branches of the narrower side may still be unfolded: beyond,
    /// nested combinators are compared as one (their product is bounded).
    unfold_budget: usize,
    /// The comparison budget ran out: branch trials are no longer trusted.
    exhausted: bool,
    budget: usize,
    out: Vec<Difference>,
}

const TYPE_NAMES: [&str; 7] = ["null", "boolean", "object", "array", "number", "integer", "string"];

/// A set of JSON types; `number` means non-integer numbers here, `integer` integers.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Types(u8);

impl Types {
    const ALL: Types = Types(0x7f);

    fn of(v: Option<&Value>) -> Types {
        let Some(v) = v else { return Types::ALL };
        let names: Vec<&str> = match &v.kind {
            J::String(s) => vec![s.as_str()],
            J::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            _ => return Types::ALL,
        };
        let mut bits = 0;
        for n in names {
            match TYPE_NAMES.iter().position(|t| *t == n) {
                // `number` holds the integers too.
                Some(4) => bits |= 1 << 4 | 1 << 5,
                Some(i) => bits |= 1 << i,
                None => return Types::ALL,
            }
        }
        Types(bits)
    }

    fn of_value(v: &Value) -> Types {
        Types(match &v.kind {
            J::Null => 1,
            J::Bool(_) => 2,
            J::Object(_) => 4,
            J::Array(_) => 8,
            J::Number(_) if v.as_f64().is_some_and(|f| f.fract() == 0.0) => 1 << 5,
            J::Number(_) => 1 << 4,
            J::String(_) => 1 << 6,
        })
    }

    fn has(self, name: &str) -> bool {
        TYPE_NAMES.iter().position(|t| *t == name).is_some_and(|i| self.0 & (1 << i) != 0)
    }

    fn names(self) -> Vec<&'static str> {
        (0..7).filter(|i| self.0 & (1 << i) != 0).map(|i| TYPE_NAMES[i]).collect()
    }

    fn numeric(self) -> bool {
        self.has("number") || self.has("integer")
    }
}

impl<'s, 'a> Compare<'s, 'a> {
    /// Where the narrower side writes `keyword` (its value, or with `key` its key), in its own
    /// file; else where the narrower view is shown.
    fn t_at(&self, t: &View<'a>, keyword: &str, key: bool) -> TextRange {
        t.nodes
            .iter()
            .filter(|n| n.file == self.side_of(n).path)
            .find_map(|n| n.v.member(keyword))
            .map_or(t.at, |m| if key { m.key_range } else { m.value.range })
    }

    /// Where the narrower side declares a property (its key under `properties`), else the first
    /// of `keywords` it writes, else where the view is shown.
    fn t_prop(&self, t: &View<'a>, name: &str, keywords: &[&str]) -> TextRange {
        let own = |n: &&Node<'a>| n.file == self.side_of(n).path;
        if let Some(m) = t.nodes.iter().filter(own).find_map(|n| n.get("properties").and_then(|p| p.member(name))) {
            return m.key_range;
        }
        keywords.iter().find_map(|k| t.nodes.iter().filter(own).find_map(|n| n.v.member(k))).map_or(t.at, |m| m.key_range)
    }

    /// A range of a node's own text, when the node is in its side's file; else where the node is
    /// shown there (the `$ref` that leads to it).
    fn here(&self, n: &Node<'a>, r: Option<TextRange>) -> TextRange {
        match r {
            Some(r) if n.file == self.side_of(n).path => r,
            _ => n.at,
        }
    }

    /// The properties a view's conjuncts declare, with those of their `anyOf`/`oneOf` branches
    /// at any depth (which `unevaluatedProperties` does not apply to either).
    fn evaluated(&self, view: &View<'a>) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut stack: Vec<Node<'a>> = view.nodes.clone();
        let mut seen: HashSet<(String, String)> = HashSet::new();
        while let Some(n) = stack.pop() {
            if seen.len() > 512 || !seen.insert((n.file.to_string(), n.ptr.clone())) {
                continue;
            }
            out.extend(properties(&n).into_iter().map(|(p, _)| p.to_string()));
            for key in ["anyOf", "oneOf"] {
                let count = n.get(key).and_then(Value::as_array).map_or(0, <[Value]>::len);
                for b in 0..count {
                    if let Some(branch) = n.child(key, Some(&b.to_string()), self.side_of(&n).path) {
                        stack.extend(self.view(std::slice::from_ref(&branch)).nodes);
                    }
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    fn push(&mut self, kind: Kind, path: &str, wider_at: TextRange, narrower_at: TextRange) {
        let path = if path.is_empty() { "/".to_string() } else { path.to_string() };
        self.out.push(Difference { kind, path, wider_at, narrower_at });
    }

    fn side_of(&self, n: &Node<'a>) -> &'s Side<'a, 's> {
        if n.narrower { self.narrower } else { self.wider }
    }

    /// Where a `$ref` leads, as a node (its place shown at the reference when in another file).
    fn follow(&self, n: &Node<'a>, own: &Side<'a, '_>) -> Option<Node<'a>> {
        n.get("$ref").or(n.get("$recursiveRef")).or(n.get("$dynamicRef"))?;
        let target = n.doc.target(&n.ptr)?;
        let (doc, file, ptr) = match target {
            Target::Here(p) => (n.doc, n.file, p),
            Target::Elsewhere { uri, fragment } => {
                let (file, doc) = (own.find)(&uri, n.file)?;
                let ptr = if fragment.is_empty() || fragment.starts_with('/') {
                    fragment
                } else {
                    let key = format!("{}#{fragment}", doc.id.clone().unwrap_or_default());
                    doc.resources.get(&key).cloned()?
                };
                (doc, file, ptr)
            }
        };
        let root = doc.root.as_ref()?;
        let v = root.pointer(&ptr)?;
        // In its own file, the definition's key (`"Money": {…}` under `$defs`); else the `$ref`.
        let at = if file == own.path { key_at(root, &ptr).unwrap_or(n.at) } else { n.at };
        Some(Node { doc, file, v, ptr, at, unfolded: false, narrower: n.narrower })
    }

    /// The conjunction `nodes` stand for: `$ref` targets and `allOf` branches unfolded.
    fn view(&self, nodes: &[Node<'a>]) -> View<'a> {
        let mut out = View {
            nodes: Vec::new(),
            empty: false,
            opaque: false,
            refs: Vec::new(),
            branch: None,
            at: nodes.first().map_or(TextRange::empty(0), |n| n.at),
        };
        let mut stack: Vec<Node<'a>> = nodes.to_vec();
        let mut seen: HashSet<(String, String)> = HashSet::new();
        while let Some(n) = stack.pop() {
            if out.nodes.len() > 64 || !seen.insert((n.file.to_string(), n.ptr.clone())) {
                continue;
            }
            match &n.v.kind {
                J::Bool(true) => continue,
                J::Bool(false) => {
                    out.empty = true;
                    continue;
                }
                J::Object(_) => {}
                _ => continue,
            }
            let own = self.side_of(&n);
            let has_ref = n.get("$ref").is_some();
            if has_ref {
                match self.follow(&n, own) {
                    // Checked on its own; or leading nowhere (an invalid schema, reported as such).
                    Some(target) if target.file != n.file && (own.checked)(target.file) => {
                        out.refs.push(format!("{}#{}", target.file, target.ptr))
                    }
                    None => out.opaque = true,
                    Some(target) => stack.push(target),
                }
            }
            if has_ref && n.doc.draft.ref_overrides_siblings() {
                continue;
            }
            if let Some(J::Array(branches)) = n.get("allOf").map(|v| &v.kind) {
                for i in 0..branches.len() {
                    if let Some(b) = n.child("allOf", Some(&i.to_string()), own.path) {
                        stack.push(b);
                    }
                }
            }
            out.nodes.push(n);
        }
        out
    }

    /// Every difference by which `s` (one schema of the wider side) rejects what `t` accepts.
    fn compare(&mut self, s: &Node<'a>, t: &View<'a>, path: &str) {
        if t.empty || t.opaque || self.budget == 0 {
            return;
        }
        self.budget -= 1;
        if self.budget == 0 {
            // Too large to compare in full: what was found stands, nothing more is guessed.
            self.exhausted = true;
        }
        // The same text on both sides, with no reference whose target may differ: equal.
        if let [only] = t.nodes.as_slice()
            && !only.unfolded
            && same_json(s.v, only.v)
            && !has_ref(s.v)
        {
            return;
        }
        let key = (
            s.file.to_string(),
            s.ptr.clone(),
            t.nodes.iter().map(|n| format!("{}#{}{}", n.file, n.ptr, u8::from(n.unfolded))).collect::<Vec<_>>(),
        );
        if !self.visiting.insert(key.clone()) {
            return; // A recursive schema, or a place compared already.
        }
        if let Some(log) = self.trials.last_mut() {
            log.push(key);
        }
        // The wider side as its conjuncts, each of which must hold.
        let s_view = self.view(std::slice::from_ref(s));
        // References into schemas checked on their own: the same ones on both sides, and the
        // rest is compared; else what they accept is not known here.
        let (mut s_refs, mut t_refs) = (s_view.refs.clone(), t.refs.clone());
        s_refs.sort();
        t_refs.sort();
        if s_view.opaque || s_refs != t_refs {
            return;
        }
        if s_view.empty {
            self.push(Kind::Type { lost: types_of(t).names() }, path, s.at, t.at);
            return;
        }
        // A narrower `anyOf`/`oneOf`: each branch must be accepted.
        if let Some((i, key)) = t.nodes.iter().enumerate().filter(|(_, n)| !n.unfolded).find_map(|(i, n)| {
            ["anyOf", "oneOf"].into_iter().find(|k| n.get(k).and_then(Value::as_array).is_some_and(|a| !a.is_empty())).map(|k| (i, k))
        }) {
            if self.unfold_budget == 0 {
                return; // Past the bound on branch products: not known, so not reported.
            }
            let owner = t.nodes[i].clone();
            let own = self.side_of(&owner);
            let count = owner.get(key).and_then(Value::as_array).map_or(0, <[Value]>::len);
            for b in 0..count {
                let Some(branch) = owner.child(key, Some(&b.to_string()), own.path) else { continue };
                self.unfold_budget = self.unfold_budget.saturating_sub(1);
                let mut nodes = t.nodes.clone();
                // The branch stands for the combinator; the owner's other keywords stay.
                nodes[i] = Node { unfolded: true, ..owner.clone() };
                nodes.push(branch.clone());
                let view = self.view(&nodes);
                let view = View { at: branch.at, branch: Some((branch, b, count)), ..view };
                self.compare(s, &view, path);
            }
            return;
        }
        let declared = self.evaluated(&s_view);
        let saved = std::mem::replace(&mut self.s_declared, declared);
        for node in &s_view.nodes {
            self.one(node, t, path);
        }
        self.s_declared = saved;
    }

    /// One conjunct of the wider side against the narrower view.
    fn one(&mut self, s: &Node<'a>, t: &View<'a>, path: &str) {
        let s_own = self.side_of(s);
        for key in ["anyOf", "oneOf"] {
            if s.get(key).and_then(Value::as_array).is_some_and(|a| !a.is_empty()) {
                self.branches(s, key, t, path);
            }
        }
        if let Some(sv) = s.get("not")
            && !t.nodes.iter().any(|n| n.get("not").is_some_and(|tv| same_json(sv, tv)))
        {
            let at = self.here(s, s.v.member("not").map(|m| m.key_range));
            let t_at = self.t_at(t, "not", true);
            self.push(Kind::Condition { keyword: "not" }, path, at, t_at);
        }
        if let Some(sv) = s.get("if") {
            // The same condition on the narrower side: its `then` and `else` are compared as
            // schemas (what the condition selects must be accepted). Another condition cannot be
            // compared.
            let twin = t.nodes.iter().find(|n| n.get("if").is_some_and(|tv| same_json(sv, tv))).cloned();
            match twin {
                Some(n) => {
                    let own_t = self.side_of(&n).path;
                    for key in ["then", "else"] {
                        let Some(s_part) = s.child(key, None, s_own.path) else { continue };
                        let mut t_part: Vec<Node<'a>> = n.child(key, None, own_t).into_iter().collect();
                        let at = t_part.first().map_or(t.at, |p| p.at);
                        // What the part applies to: `then` to what the condition accepts, `else`
                        // to what it rejects (known when the condition is a `not`).
                        let guard = match key {
                            "then" => n.child("if", None, own_t),
                            _ => n.child("if", None, own_t).and_then(|c| c.child("not", None, own_t)),
                        };
                        t_part.extend(guard);
                        let view = self.view(&t_part);
                        self.compare(&s_part, &View { at, ..view }, &format!("{path}/{key}"));
                    }
                }
                None => {
                    let at = self.here(s, s.v.member("if").map(|m| m.key_range));
                    self.push(Kind::Condition { keyword: "if/then/else" }, path, at, t.at);
                }
            }
        }
        // Types (an unknown type name is an invalid schema, reported as such: not compared).
        let unknown_type = |v: Option<&Value>| {
            v.is_some_and(|v| match &v.kind {
                J::String(n) => !TYPE_NAMES.contains(&n.as_str()),
                J::Array(items) => items.iter().any(|i| i.as_str().is_none_or(|n| !TYPE_NAMES.contains(&n))),
                _ => true,
            })
        };
        let comparable = !unknown_type(s.get("type")) && !t.nodes.iter().any(|n| unknown_type(n.get("type")));
        let t_types = types_of(t);
        let s_types = if comparable { Types::of(s.get("type")) } else { Types::ALL };
        let lost = Types(t_types.0 & !s_types.0);
        if lost.0 != 0 {
            let at = self.here(s, s.v.member("type").map(|m| m.value.range));
            let t_at = self.t_at(t, "type", false);
            self.push(Kind::Type { lost: lost.names() }, path, at, t_at);
        }
        let common = Types(t_types.0 & s_types.0);
        if common.0 == 0 {
            return;
        }
        // Values: a narrower enum is checked value by value.
        let t_values = values_of(t);
        if let Some(s_values) = s_enum(s) {
            let at = self.here(s, s.v.member("enum").or(s.v.member("const")).map(|m| m.value.range));
            match &t_values {
                Some(values) => {
                    let lost: Vec<String> = values.iter().filter(|v| !s_values.iter().any(|x| same_json(x, v))).map(|v| shown(v)).collect();
                    if !lost.is_empty() {
                        let t_at = if t.nodes.iter().any(|n| n.get("const").is_some()) {
                            self.t_at(t, "const", false)
                        } else {
                            self.t_at(t, "enum", false)
                        };
                        self.push(Kind::Enum { lost }, path, at, t_at);
                    }
                }
                None => self.push(Kind::Enum { lost: Vec::new() }, path, at, t.at),
            }
            return;
        }
        if let Some(values) = &t_values {
            // Each value the narrower side allows must pass the wider side's bounds.
            for v in values {
                if let Some((keyword, why)) = value_fails(s, v) {
                    let at = self.here(s, s.v.member(keyword).map(|m| m.value.range));
                    self.push(Kind::Bound { keyword, wider: why, narrower: shown(v) }, path, at, t.at);
                }
            }
            return;
        }
        if common.numeric() {
            self.numbers(s, t, path);
        }
        if common.has("string") {
            self.strings(s, t, path);
        }
        if common.has("array") {
            self.arrays(s, t, path, s_own);
        }
        if common.has("object") {
            self.objects(s, t, path, s_own);
        }
    }

    /// The wider `anyOf`/`oneOf`: one branch must accept the narrower view. The branch with the
    /// fewest differences is the match; its differences are reported when it is the same kind
    /// of value, else the branch is missing.
    fn branches(&mut self, s: &Node<'a>, key: &'static str, t: &View<'a>, path: &str) {
        let own = self.side_of(s);
        let count = s.get(key).and_then(Value::as_array).map_or(0, <[Value]>::len);
        // The narrower side's own branch, when it was unfolded from the same kind of combinator:
        // a branch of the same text, else at the same place, is its counterpart.
        let t_branch = t.branch.as_ref().map(|(n, _, _)| n);
        let (t_index, t_count) = t.branch.as_ref().map_or((None, None), |(_, i, c)| (Some(*i), Some(*c)));
        let mut best: Option<(usize, usize, Vec<Difference>)> = None;
        for b in 0..count {
            let Some(branch) = s.child(key, Some(&b.to_string()), own.path) else { continue };
            let saved = std::mem::take(&mut self.out);
            self.trials.push(Vec::new());
            self.compare(&branch, t, &format!("{path}/{key}/{b}"));
            // A trial's pairs are taken back: the match is compared for real below.
            for k in self.trials.pop().unwrap_or_default() {
                self.visiting.remove(&k);
            }
            let found = std::mem::replace(&mut self.out, saved);
            if found.is_empty() {
                return;
            }
            // A branch of another kind of value is the worst match; among the others, the
            // fewest differences.
            let branch_path = format!("{path}/{key}/{b}");
            let score = |f: &[Difference]| {
                f.iter()
                    .map(|d| if matches!(d.kind, Kind::Type { .. }) && (d.path == branch_path || d.path == "/") { 100 } else { 1 })
                    .sum::<usize>()
            };
            // The same text is the counterpart; the same place too when both sides have as many
            // branches; else the fewest differences.
            let same_text = t_branch.is_some_and(|n| same_json(n.v, branch.v));
            let same_place = t_index == Some(b) && t_count == Some(count);
            let score = if same_text {
                0
            } else if same_place {
                1
            } else {
                2 + score(&found)
            };
            if best.as_ref().is_none_or(|(_, best_score, _)| score < *best_score) {
                best = Some((b, score, found));
            }
        }
        if self.exhausted {
            return; // The trials were cut short: which branch matches is not known.
        }
        let Some((b, _, best)) = best else { return };
        // The closest branch is another kind of value, or differs in many ways: no branch
        // accepts it. Else the branch is the match, and its differences are the findings.
        let branch_path = format!("{path}/{key}/{b}");
        let other_kind =
            best.iter().any(|d| matches!(d.kind, Kind::Type { .. }) && (d.path == branch_path || d.path == "/" && branch_path.is_empty()));
        if other_kind || best.len() > 3 {
            let first = best.first().map(describe).unwrap_or_default();
            let at = self.here(s, s.v.member(key).map(|m| m.key_range));
            self.push(Kind::Branch { detail: first }, path, at, t.at);
        } else {
            self.out.extend(best);
        }
    }

    fn numbers(&mut self, s: &Node<'a>, t: &View<'a>, path: &str) {
        let (s_low, t_low) = (lower(std::slice::from_ref(s)), lower(&t.nodes));
        if let Some((sv, sx, keyword)) = s_low
            && t_low.is_none_or(|(tv, tx, _)| tv < sv || tv == sv && sx && !tx)
        {
            let at = self.here(s, s.v.member(keyword).map(|m| m.value.range));
            let t_at = t_low.map_or(t.at, |(_, _, k)| self.t_at(t, k, false));
            self.push(
                Kind::Bound { keyword, wider: bound(sv, sx, ">"), narrower: t_low.map_or("none".into(), |(v, x, _)| bound(v, x, ">")) },
                path,
                at,
                t_at,
            );
        }
        let (s_high, t_high) = (upper(std::slice::from_ref(s)), upper(&t.nodes));
        if let Some((sv, sx, keyword)) = s_high
            && t_high.is_none_or(|(tv, tx, _)| tv > sv || tv == sv && sx && !tx)
        {
            let at = self.here(s, s.v.member(keyword).map(|m| m.value.range));
            let t_at = t_high.map_or(t.at, |(_, _, k)| self.t_at(t, k, false));
            self.push(
                Kind::Bound { keyword, wider: bound(sv, sx, "<"), narrower: t_high.map_or("none".into(), |(v, x, _)| bound(v, x, "<")) },
                path,
                at,
                t_at,
            );
        }
        if let Some(m) = s.get("multipleOf").and_then(Value::as_f64) {
            let fits = t.nodes.iter().filter_map(|n| n.get("multipleOf").and_then(Value::as_f64)).any(|tm| {
                let q = tm / m;
                (q - q.round()).abs() < 1e-9
            });
            if !fits {
                let at = self.here(s, s.v.member("multipleOf").map(|m| m.value.range));
                let narrower = t.nodes.iter().find_map(|n| n.get("multipleOf")).map_or("none".into(), shown);
                let t_at = self.t_at(t, "multipleOf", false);
                self.push(Kind::Bound { keyword: "multipleOf", wider: shown_f(m), narrower }, path, at, t_at);
            }
        }
    }

    fn strings(&mut self, s: &Node<'a>, t: &View<'a>, path: &str) {
        self.size(s, t, path, "minLength", true);
        self.size(s, t, path, "maxLength", false);
        if let Some(p) = s.get("pattern").and_then(Value::as_str)
            && !t.nodes.iter().any(|n| n.get("pattern").and_then(Value::as_str) == Some(p))
        {
            let at = self.here(s, s.v.member("pattern").map(|m| m.value.range));
            let narrower = t.nodes.iter().find_map(|n| n.get("pattern")).map_or("none".into(), shown);
            let t_at = self.t_at(t, "pattern", false);
            let wider = s.get("pattern").map_or_else(|| "none".to_string(), shown);
            self.push(Kind::Bound { keyword: "pattern", wider, narrower }, path, at, t_at);
        }
        if let Some(f) = s.get("format").and_then(Value::as_str)
            && !t.nodes.iter().any(|n| n.get("format").and_then(Value::as_str) == Some(f))
        {
            let at = self.here(s, s.v.member("format").map(|m| m.value.range));
            let narrower = t.nodes.iter().find_map(|n| n.get("format").and_then(Value::as_str)).unwrap_or("none").to_string();
            let t_at = self.t_at(t, "format", false);
            self.push(Kind::Format { wider: f.to_string(), narrower }, path, at, t_at);
        }
    }

    /// A size bound (`minLength`, `maxItems`, …): the wider side's must not be tighter.
    fn size(&mut self, s: &Node<'a>, t: &View<'a>, path: &str, keyword: &'static str, is_min: bool) {
        let Some(sv) = s.get(keyword).and_then(Value::as_f64) else { return };
        let tv =
            t.nodes.iter().filter_map(|n| n.get(keyword).and_then(Value::as_f64)).reduce(|a, b| if is_min { a.max(b) } else { a.min(b) });
        let tighter = match tv {
            Some(tv) => (is_min && sv > tv) || (!is_min && sv < tv),
            None => !(is_min && sv == 0.0),
        };
        if tighter {
            let at = self.here(s, s.v.member(keyword).map(|m| m.value.range));
            let t_at = self.t_at(t, keyword, false);
            self.push(Kind::Bound { keyword, wider: shown_f(sv), narrower: tv.map_or("none".into(), shown_f) }, path, at, t_at);
        }
    }

    fn arrays(&mut self, s: &Node<'a>, t: &View<'a>, path: &str, own: &Side<'a, '_>) {
        self.size(s, t, path, "minItems", true);
        self.size(s, t, path, "maxItems", false);
        if s.get("uniqueItems").and_then(Value::as_bool) == Some(true)
            && !t.nodes.iter().any(|n| n.get("uniqueItems").and_then(Value::as_bool) == Some(true))
        {
            let at = self.here(s, s.v.member("uniqueItems").map(|m| m.value.range));
            self.push(Kind::Bound { keyword: "uniqueItems", wider: "true".into(), narrower: "false".into() }, path, at, t.at);
        }
        if let Some(c) = s.get("contains")
            && !t.nodes.iter().any(|n| n.get("contains").is_some_and(|x| same_json(x, c)))
        {
            let at = self.here(s, s.v.member("contains").map(|m| m.key_range));
            self.push(Kind::Bound { keyword: "contains", wider: "a required item".into(), narrower: "none".into() }, path, at, t.at);
        }
        // Items: the tuple positions either side names, then the rest.
        let s_prefix = prefix_len(s);
        let t_prefix = t.nodes.iter().map(prefix_len).max().unwrap_or(0);
        for i in 0..s_prefix.max(t_prefix) {
            let s_item = item(s, i, own.path);
            let t_items: Vec<Node<'a>> = t.nodes.iter().filter_map(|n| item(n, i, self.side_of(n).path)).collect();
            let Some(s_item) = s_item else { continue };
            if t_items.is_empty() && !self.narrower_sends_undeclared() {
                continue;
            }
            let view = self.view(&t_items);
            let view = View { at: if t_items.is_empty() { t.at } else { view.at }, ..view };
            if s_item.is_false() && !view.empty {
                let at = s_item.at;
                self.push(
                    Kind::ContentModel {
                        what: format!("items from position {i} (where the other tuple is closed)"),
                        open: t_items.is_empty(),
                    },
                    path,
                    at,
                    t.at,
                );
                continue;
            }
            self.compare(&s_item, &view, &format!("{path}/items/{i}"));
        }
        let s_rest = rest(s, own.path);
        let t_rest: Vec<Node<'a>> = t.nodes.iter().filter_map(|n| rest(n, self.side_of(n).path)).collect();
        if let Some(s_rest) = s_rest {
            let view = self.view(&t_rest);
            let view = View { at: t_rest.first().map_or(t.at, |n| n.at), ..view };
            if s_rest.is_false() {
                if !view.empty && s_prefix <= t_prefix.max(s_prefix) && self.narrower_sends_undeclared() {
                    self.push(
                        Kind::ContentModel { what: "items beyond the tuple (`items: false`)".into(), open: true },
                        path,
                        s_rest.at,
                        view.at,
                    );
                }
            } else if !t_rest.is_empty() || self.narrower_sends_undeclared() {
                self.compare(&s_rest, &view, &format!("{path}/items"));
            }
        }
    }

    /// Whether the narrower side's open parts may carry anything (strict), or only what it
    /// declares (lenient).
    fn narrower_sends_undeclared(&self) -> bool {
        self.profile == Profile::Strict
    }

    fn objects(&mut self, s: &Node<'a>, t: &View<'a>, path: &str, own: &Side<'a, '_>) {
        self.size(s, t, path, "minProperties", true);
        self.size(s, t, path, "maxProperties", false);
        // Required.
        let t_required: HashSet<&str> = t.nodes.iter().flat_map(|n| names(n.get("required"))).collect();
        for r in s.get("required").and_then(Value::as_array).unwrap_or_default() {
            let Some(name) = r.as_str() else { continue };
            let has_default = s.get("properties").and_then(|p| p.get(name)).is_some_and(|p| p.get("default").is_some());
            if !t_required.contains(name) && !has_default {
                let t_at = self.t_prop(t, name, &["required", "properties"]);
                let at = self.here(s, Some(r.range));
                self.push(Kind::Required { name: name.to_string() }, path, at, t_at);
            }
        }
        // Dependencies.
        for (name, needs) in dependent_required(s) {
            let implied =
                t.nodes.iter().any(|n| dependent_required(n).iter().any(|(x, xs)| *x == name && needs.iter().all(|r| xs.contains(r))))
                    || needs.iter().all(|r| t_required.contains(r.as_str()));
            if !implied {
                let at = self.here(s, s.v.member("dependentRequired").or(s.v.member("dependencies")).map(|m| m.key_range));
                let t_at = self.t_prop(t, "", &["dependentRequired", "dependencies", "properties"]);
                self.push(Kind::Dependency { name: name.clone() }, path, at, t_at);
            }
        }
        for key in ["dependentSchemas", "dependencies"] {
            let Some(entries) = s.get(key).and_then(Value::as_object) else { continue };
            for e in entries.iter().filter(|e| e.value.as_array().is_none()) {
                let same = t.nodes.iter().any(|n| {
                    ["dependentSchemas", "dependencies"]
                        .iter()
                        .any(|k| n.get(k).and_then(|d| d.get(&e.key)).is_some_and(|x| same_json(x, &e.value)))
                });
                if !same {
                    let t_at = self.t_prop(t, "", &["dependentSchemas", "dependencies", "properties"]);
                    let at = self.here(s, Some(e.key_range));
                    self.push(Kind::Dependency { name: e.key.clone() }, path, at, t_at);
                }
            }
        }
        // Properties either side declares.
        let mut declared: Vec<(String, bool)> = Vec::new();
        for (name, _) in properties(s) {
            declared.push((name.to_string(), true));
        }
        for n in &t.nodes {
            for (name, _) in properties(n) {
                if !declared.iter().any(|(d, _)| d == name) {
                    declared.push((name.to_string(), false));
                }
            }
        }
        let t_declared: Vec<String> = t.nodes.iter().flat_map(|n| properties(n).into_iter().map(|(p, _)| p.to_string())).collect();
        // A property the narrower side never has (`not: {required: [name]}`, as a condition
        // guarding a `then` says): nothing to compare.
        let absent: Vec<&str> = t
            .nodes
            .iter()
            .filter_map(|n| n.get("not"))
            .filter(|not| not.as_object().is_some_and(|m| m.len() == 1))
            .filter_map(|not| match names(not.get("required")).as_slice() {
                [one] => Some(*one),
                _ => None,
            })
            .collect();
        let t_evaluated = self.evaluated(t);
        let s_declared = self.s_declared.clone();
        for (name, in_s) in &declared {
            if absent.contains(&name.as_str()) {
                continue;
            }
            let t_declares = t_declared.contains(name);
            let t_parts: Vec<Node<'a>> = t.nodes.iter().filter_map(|n| property(n, name, self.side_of(n).path, &t_evaluated)).collect();
            let t_view = self.view(&t_parts);
            if t_view.empty {
                continue; // The narrower side never has it.
            }
            let at_path = format!("{path}/properties/{}", rollsafe_json::pointer_segment(name));
            let t_at = t
                .nodes
                .iter()
                .find_map(|n| n.get("properties").and_then(|p| p.member(name)).filter(|_| n.file == self.side_of(n).path))
                .map_or(t.at, |m| m.key_range);
            let t_view = View { at: t_at, ..t_view };
            let s_part = property(s, name, own.path, &s_declared);
            match s_part {
                None => continue, // Accepted as anything.
                Some(s_part) if !t_declares => {
                    // The narrower side leaves it to its open model: anything, under the strict
                    // profile; never sent, under the lenient one.
                    if !t_parts.is_empty() {
                        // Constrained there by a pattern or its additional properties' schema
                        // (a map's entries are sent under either profile).
                        self.compare(&s_part, &t_view, &at_path);
                        continue;
                    }
                    if !self.narrower_sends_undeclared() {
                        continue;
                    }
                    let t_at = self.t_prop(t, name, &["properties", "type"]);
                    if self.view(std::slice::from_ref(&s_part)).opaque {
                        continue;
                    }
                    if *in_s && !accepts_anything(&s_part) {
                        self.push(Kind::DeclaredOnlyWider { name: name.clone() }, &at_path, s_part.at, t_at);
                    } else if s_part.is_false() {
                        self.push(Kind::ContentModel { what: format!("property `{name}`"), open: true }, &at_path, s_part.at, t_at);
                    }
                }
                Some(s_part) if s_part.is_false() => {
                    self.push(Kind::DeclaredOnlyNarrower { name: name.clone() }, &at_path, s_part.at, t_at);
                }
                Some(s_part) => self.compare(&s_part, &t_view, &at_path),
            }
        }
        // What neither declares.
        let s_additional = additional(s, own.path);
        let t_adds: Vec<Node<'a>> = t.nodes.iter().filter_map(|n| additional(n, self.side_of(n).path)).collect();
        // Under the lenient profile only a map (an explicit additional-properties schema) sends
        // undeclared names.
        let t_sends = self.narrower_sends_undeclared() || t_adds.iter().any(|a| !a.is_false());
        if let Some(s_add) = s_additional
            && t_sends
        {
            let view = self.view(&t_adds);
            if !view.empty {
                if s_add.is_false() {
                    let t_at = t_adds
                        .first()
                        .map_or_else(|| self.t_prop(t, "", &["additionalProperties", "unevaluatedProperties", "properties"]), |n| n.at);
                    self.push(Kind::ContentModel { what: "undeclared properties".into(), open: t_adds.is_empty() }, path, s_add.at, t_at);
                } else {
                    let view = View { at: t_adds.first().map_or(t.at, |n| n.at), ..view };
                    self.compare(&s_add, &view, &format!("{path}/additionalProperties"));
                }
            }
        }
        // Pattern properties written the same on both sides: their schemas.
        for m in s.get("patternProperties").and_then(Value::as_object).unwrap_or_default() {
            let t_parts: Vec<Node<'a>> = t
                .nodes
                .iter()
                .filter(|n| n.get("patternProperties").and_then(|p| p.get(&m.key)).is_some())
                .filter_map(|n| n.child("patternProperties", Some(&m.key), self.side_of(n).path))
                .collect();
            if let (Some(s_part), false) = (s.child("patternProperties", Some(&m.key), own.path), t_parts.is_empty()) {
                let view = self.view(&t_parts);
                let view = View { at: t_parts[0].at, ..view };
                self.compare(&s_part, &view, &format!("{path}/patternProperties/{}", rollsafe_json::pointer_segment(&m.key)));
            }
        }
        let t_closed = t.nodes.iter().any(|n| additional(n, "").is_some_and(|a| a.is_false()));
        if let Some(names) = s.get("propertyNames")
            && self.narrower_sends_undeclared()
            && !t_closed
            && !t.nodes.iter().any(|n| n.get("propertyNames").is_some_and(|x| same_json(x, names)))
        {
            let at = self.here(s, s.v.member("propertyNames").map(|m| m.key_range));
            self.push(Kind::ContentModel { what: "property names other than `propertyNames` allows".into(), open: true }, path, at, t.at);
        }
    }
}

/// Whether a schema holds a `$ref` anywhere (its meaning then depends on what it names).
fn has_ref(v: &Value) -> bool {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match &v.kind {
            J::Object(members) => {
                if members.iter().any(|m| matches!(m.key.as_str(), "$ref" | "$recursiveRef" | "$dynamicRef")) {
                    return true;
                }
                stack.extend(members.iter().map(|m| &m.value));
            }
            J::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    false
}

/// The key range of the member a JSON Pointer ends at.
fn key_at(root: &Value, ptr: &str) -> Option<TextRange> {
    let (parent, last) = ptr.rsplit_once('/')?;
    let last = last.replace("~1", "/").replace("~0", "~");
    let parent = root.pointer(parent)?;
    match &parent.kind {
        J::Object(_) => parent.member(&last).map(|m| m.key_range),
        J::Array(items) => items.get(last.parse::<usize>().ok()?).map(|v| v.range),
        _ => None,
    }
}

fn types_of(t: &View<'_>) -> Types {
    let mut types = Types::ALL;
    for n in &t.nodes {
        types = Types(types.0 & Types::of(n.get("type")).0);
    }
    if let Some(values) = values_of(t) {
        types = Types(types.0 & values.iter().fold(0, |acc, v| acc | Types::of_value(v).0));
    }
    types
}

/// The values an `enum` or `const` of the wider node allows.
fn s_enum<'a>(s: &Node<'a>) -> Option<Vec<&'a Value>> {
    if let Some(c) = s.get("const") {
        return Some(vec![c]);
    }
    s.get("enum").and_then(Value::as_array).map(|a| a.iter().collect())
}

/// The values the narrower view allows, when an `enum` or `const` lists them.
fn values_of<'a>(t: &View<'a>) -> Option<Vec<&'a Value>> {
    let mut out: Option<Vec<&'a Value>> = None;
    for n in &t.nodes {
        if let Some(values) = s_enum(n) {
            out = Some(match out {
                None => values,
                Some(prev) => prev.into_iter().filter(|v| values.iter().any(|x| same_json(x, v))).collect(),
            });
        }
    }
    out
}

/// Why the wider node rejects one value, by its simple keywords.
fn value_fails(s: &Node<'_>, v: &Value) -> Option<(&'static str, String)> {
    if let Some(n) = v.as_f64() {
        if let Some((low, exclusive, keyword)) = lower(std::slice::from_ref(s))
            && (n < low || exclusive && n == low)
        {
            return Some((keyword, bound(low, exclusive, ">")));
        }
        if let Some((high, exclusive, keyword)) = upper(std::slice::from_ref(s))
            && (n > high || exclusive && n == high)
        {
            return Some((keyword, bound(high, exclusive, "<")));
        }
    }
    if let Some(text) = v.as_str() {
        let len = text.chars().count() as f64;
        if let Some(min) = s.get("minLength").and_then(Value::as_f64)
            && len < min
        {
            return Some(("minLength", shown_f(min)));
        }
        if let Some(max) = s.get("maxLength").and_then(Value::as_f64)
            && len > max
        {
            return Some(("maxLength", shown_f(max)));
        }
    }
    None
}

/// The tightest lower bound: (value, exclusive, keyword).
fn lower(nodes: &[Node<'_>]) -> Option<(f64, bool, &'static str)> {
    tightest(nodes, ("minimum", "exclusiveMinimum"), |a, b| a > b)
}

/// The tightest upper bound: (value, exclusive, keyword).
fn upper(nodes: &[Node<'_>]) -> Option<(f64, bool, &'static str)> {
    tightest(nodes, ("maximum", "exclusiveMaximum"), |a, b| a < b)
}

/// The tightest bound of a pair of keywords (`minimum`, `exclusiveMinimum`) over a conjunction:
/// `tighter(a, b)` says whether value `a` bounds more than `b`; at equal values an exclusive bound
/// is tighter. Draft 4's boolean `exclusiveMinimum` qualifies `minimum`.
fn tightest(
    nodes: &[Node<'_>],
    (inclusive, exclusive): (&'static str, &'static str),
    tighter: fn(f64, f64) -> bool,
) -> Option<(f64, bool, &'static str)> {
    let mut best: Option<(f64, bool, &'static str)> = None;
    for n in nodes {
        let draft4_exclusive = n.get(exclusive).and_then(Value::as_bool) == Some(true);
        let candidates = [
            n.get(inclusive).and_then(Value::as_f64).map(|m| (m, draft4_exclusive, inclusive)),
            n.get(exclusive).and_then(Value::as_f64).map(|m| (m, true, exclusive)),
        ];
        for c in candidates.into_iter().flatten() {
            if best.is_none_or(|(v, x, _)| tighter(c.0, v) || c.0 == v && c.1 && !x) {
                best = Some(c);
            }
        }
    }
    best
}

fn bound(v: f64, exclusive: bool, op: &str) -> String {
    format!("{op}{} {}", if exclusive { "" } else { "=" }, shown_f(v))
}

fn shown_f(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", v as i64) } else { format!("{v}") }
}

/// A JSON value in a message, short.
fn shown(v: &Value) -> String {
    let text = match &v.kind {
        J::String(s) => format!("\"{s}\""),
        J::Number(n) => n.clone(),
        J::Bool(b) => b.to_string(),
        J::Null => "null".into(),
        _ => v.describe().to_string(),
    };
    rollsafe_text::escape::quote(&text).to_string()
}

fn names(v: Option<&Value>) -> Vec<&str> {
    v.and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default()
}

fn dependent_required(n: &Node<'_>) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for key in ["dependentRequired", "dependencies"] {
        for e in n.get(key).and_then(Value::as_object).unwrap_or_default() {
            if let Some(list) = e.value.as_array() {
                out.push((e.key.clone(), list.iter().filter_map(Value::as_str).map(str::to_string).collect()));
            }
        }
    }
    out
}

fn properties<'a>(n: &Node<'a>) -> Vec<(&'a str, &'a Value)> {
    n.get("properties").and_then(Value::as_object).map(|m| m.iter().map(|e| (e.key.as_str(), &e.value)).collect()).unwrap_or_default()
}

/// The schema a node gives a property: declared, else by a pattern, else its additional
/// properties; `None` when it accepts anything there.
/// `evaluated`: the properties the node's conjuncts declare, which its `unevaluatedProperties`
/// does not apply to.
fn property<'a>(n: &Node<'a>, name: &str, own_file: &str, evaluated: &[String]) -> Option<Node<'a>> {
    if n.get("properties").and_then(|p| p.get(name)).is_some() {
        return n.child("properties", Some(name), own_file);
    }
    if let Some(patterns) = n.get("patternProperties").and_then(Value::as_object)
        && let Some(m) = patterns.iter().find(|m| pattern_matches(&m.key, name))
    {
        return n.child("patternProperties", Some(&m.key), own_file);
    }
    if let Some(a) = keyword_schema(n, "additionalProperties", own_file) {
        return Some(a);
    }
    if evaluated.iter().any(|e| e == name) {
        return None;
    }
    keyword_schema(n, "unevaluatedProperties", own_file)
}

/// A node's schema for properties no conjunct declares (`additionalProperties`, else
/// `unevaluatedProperties`); `None`: anything.
fn additional<'a>(n: &Node<'a>, own_file: &str) -> Option<Node<'a>> {
    keyword_schema(n, "additionalProperties", own_file).or_else(|| keyword_schema(n, "unevaluatedProperties", own_file))
}

/// The schema under `key`, unless it accepts anything.
fn keyword_schema<'a>(n: &Node<'a>, key: &str, own_file: &str) -> Option<Node<'a>> {
    n.child(key, None, own_file).filter(|a| !matches!(a.v.kind, J::Bool(true)))
}

/// Whether a property name matches a `patternProperties` pattern. Patterns are ECMA-262; the
/// common forms are read here (anchors, literals, `.`, `.*`, character classes as any
/// character); others are taken not to match, so the property is compared as undeclared.
fn pattern_matches(pattern: &str, name: &str) -> bool {
    let anchored_start = pattern.starts_with('^');
    let anchored_end = pattern.ends_with('$') && !pattern.ends_with("\\$");
    let core = pattern.trim_start_matches('^').trim_end_matches('$');
    if core.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-') {
        return match (anchored_start, anchored_end) {
            (true, true) => name == core,
            (true, false) => name.starts_with(core),
            (false, true) => name.ends_with(core),
            (false, false) => name.contains(core),
        };
    }
    if core == ".*" || core == ".+" && !name.is_empty() {
        return true;
    }
    if let Some(prefix) = core.strip_suffix(".*").filter(|p| p.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-')) {
        return if anchored_start { name.starts_with(prefix) } else { name.contains(prefix) };
    }
    false
}

fn prefix_len(n: &Node<'_>) -> usize {
    n.get("prefixItems").or(n.get("items")).and_then(Value::as_array).map_or(0, <[Value]>::len)
}

/// The schema of tuple position `i`; `None`: anything.
fn item<'a>(n: &Node<'a>, i: usize, own_file: &str) -> Option<Node<'a>> {
    let key = if n.get("prefixItems").is_some() { "prefixItems" } else { "items" };
    if n.get(key).and_then(Value::as_array).is_some_and(|a| i < a.len()) {
        return n.child(key, Some(&i.to_string()), own_file);
    }
    rest(n, own_file)
}

/// The schema of items past the tuple; `None`: anything.
fn rest<'a>(n: &Node<'a>, own_file: &str) -> Option<Node<'a>> {
    let key = if n.get("prefixItems").is_some() || n.get("items").is_some_and(|v| v.as_array().is_none()) {
        "items"
    } else if n.get("items").is_some() {
        "additionalItems"
    } else {
        "unevaluatedItems"
    };
    if n.get(key).is_some_and(|v| v.as_array().is_none()) {
        return n.child(key, None, own_file).filter(|c| !matches!(c.v.kind, J::Bool(true)));
    }
    None
}

/// Whether a schema accepts every value (`true`, `{}`, or annotations only).
fn accepts_anything(n: &Node<'_>) -> bool {
    match &n.v.kind {
        J::Bool(b) => *b,
        J::Object(members) => members.iter().all(|m| {
            matches!(
                m.key.as_str(),
                "title" | "description" | "default" | "examples" | "$comment" | "deprecated" | "readOnly" | "writeOnly" | "$id" | "$anchor"
            )
        }),
        _ => true,
    }
}

/// A difference in words, for a branch that does not match.
pub fn describe(d: &Difference) -> String {
    match &d.kind {
        Kind::Type { lost } => format!("at {} it does not accept {}", d.path, lost.join(", ")),
        Kind::Enum { lost } if lost.is_empty() => format!("at {} it allows only listed values", d.path),
        Kind::Enum { lost } => format!("at {} it does not allow {}", d.path, lost.join(", ")),
        Kind::Required { name } => format!("it requires `{name}`"),
        Kind::DeclaredOnlyWider { name } => format!("it constrains `{name}`"),
        Kind::DeclaredOnlyNarrower { name } => format!("it does not allow `{name}`"),
        Kind::ContentModel { what, .. } => format!("it does not allow {what}"),
        Kind::Bound { keyword, wider, .. } => format!("at {} its `{keyword}` is {wider}", d.path),
        Kind::Format { wider, .. } => format!("at {} it requires format {wider}", d.path),
        Kind::Dependency { name } => format!("it adds a dependency on `{name}`"),
        Kind::Branch { detail } => detail.clone(),
        Kind::Condition { keyword } => format!("its `{keyword}` differs"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kinds of difference by which `wider` fails to accept what `narrower` accepts.
    fn kinds(wider: &str, narrower: &str, profile: Profile) -> Vec<Kind> {
        let (w, n) = (rollsafe_jsonschema::parse(wider), rollsafe_jsonschema::parse(narrower));
        assert!(w.problems.is_empty() && n.problems.is_empty(), "{:?} {:?}", w.problems, n.problems);
        let find = |_: &str, _: &str| None;
        let checked = |_: &str| false;
        let ws = Side { path: "a", doc: &w, find: &find, checked: &checked };
        let ns = Side { path: "b", doc: &n, find: &find, checked: &checked };
        includes(&ws, &ns, profile).into_iter().map(|d| d.kind).collect()
    }

    fn strict(wider: &str, narrower: &str) -> Vec<Kind> {
        kinds(wider, narrower, Profile::Strict)
    }

    #[test]
    fn types_and_numbers() {
        assert_eq!(strict(r#"{"type": "number"}"#, r#"{"type": "integer"}"#), []);
        assert_eq!(strict(r#"{"type": "integer"}"#, r#"{"type": "number"}"#), [Kind::Type { lost: vec!["number"] }]);
        assert_eq!(strict(r#"{"type": ["string", "null"]}"#, r#"{"type": "string"}"#), []);
        // Draft 4's boolean exclusive bound against draft 6's number.
        let draft4 = r#"{"$schema": "http://json-schema.org/draft-04/schema#", "minimum": 0, "exclusiveMinimum": true}"#;
        assert_eq!(strict(draft4, r#"{"exclusiveMinimum": 0}"#), []);
        assert_eq!(strict(draft4, r#"{"minimum": 0}"#).len(), 1);
        assert_eq!(strict(r#"{"multipleOf": 2}"#, r#"{"multipleOf": 4}"#), []);
        assert_eq!(strict(r#"{"multipleOf": 4}"#, r#"{"multipleOf": 2}"#).len(), 1);
        // A narrower enum is checked value by value against the wider side's bounds.
        assert_eq!(strict(r#"{"type": "integer", "maximum": 10}"#, r#"{"enum": [1, 5, 10]}"#), []);
        assert_eq!(strict(r#"{"type": "integer", "maximum": 9}"#, r#"{"enum": [1, 5, 10]}"#).len(), 1);
    }

    #[test]
    fn objects_profiles_and_defaults() {
        let open = r#"{"type": "object", "properties": {"a": {"type": "string"}}}"#;
        let declared = r#"{"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}}"#;
        // N declares `b` in an object N-1 left open: strict, N-1 data may carry any `b`.
        assert_eq!(strict(declared, open), [Kind::DeclaredOnlyWider { name: "b".into() }]);
        assert_eq!(kinds(declared, open, Profile::Lenient), []);
        // An additional-properties schema constrains what it does not declare.
        let typed_rest = r#"{"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": {"type": "integer"}}"#;
        assert_eq!(strict(declared, typed_rest), []);
        let patterned = r#"{"type": "object", "patternProperties": {"^b$": {"type": "string"}}}"#;
        assert_eq!(strict(declared, patterned), [Kind::DeclaredOnlyWider { name: "a".into() }, Kind::Type { lost: vec!["string"] }]);
        // Required: a default makes it readable.
        let required = r#"{"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}"#;
        let with_default = r#"{"type": "object", "properties": {"a": {"type": "string", "default": "x"}}, "required": ["a"]}"#;
        assert_eq!(strict(required, open), [Kind::Required { name: "a".into() }]);
        assert_eq!(strict(with_default, open), []);
        // Closing the model.
        let closed = r#"{"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": false}"#;
        assert_eq!(strict(closed, open).len(), 1);
        assert_eq!(strict(open, closed), []);
    }

    /// Patterns seen on real schemas (OpenAPI, AsyncAPI, compose, devcontainer specifications).
    #[test]
    fn what_real_schemas_do() {
        // Pattern properties compared by their schemas.
        let p = |t: &str| format!(r#"{{"type": "object", "patternProperties": {{"^[a-z]+$": {{"type": "{t}"}}}}}}"#);
        assert_eq!(strict(&p("string"), &p("integer")), [Kind::Type { lost: vec!["integer"] }]);
        // `unevaluatedProperties: false` lets through what an `allOf`/`$ref` conjunct declares.
        let base = r##"{"$defs": {"c": {"properties": {"name": {"type": "string"}, "cmd": {"type": "string"}}}}, "type": "object", "allOf": [{"$ref": "#/$defs/c"}]"##;
        let closed = format!(r#"{base}, "unevaluatedProperties": false}}"#);
        let open = format!("{base}}}");
        let found = strict(&closed, &open);
        assert_eq!(found.len(), 1, "closing the model, not `name`: {found:?}");
        assert!(matches!(found[0], Kind::ContentModel { .. }), "{found:?}");
        let widened = closed.replace(r#""cmd": {"type": "string"}"#, r#""cmd": {"type": ["string", "object"]}"#);
        assert_eq!(strict(&closed, &widened), [Kind::Type { lost: vec!["object"] }]);
        // A map's values are sent under the lenient profile too.
        let map = |t: &str| format!(r#"{{"type": "object", "additionalProperties": {{"type": "{t}"}}}}"#);
        assert_eq!(kinds(&map("string"), &map("integer"), Profile::Lenient), [Kind::Type { lost: vec!["integer"] }]);
        // A branch matched by kind of value, not by count.
        let one_of = |p: &str| format!(r#"{{"oneOf": [{{"type": "string"}}, {{"type": "object", "properties": {{"p": {p}}}}}]}}"#);
        let found = strict(&one_of(r#"{"type": "array", "uniqueItems": true}"#), &one_of(r#"{"type": "array"}"#));
        assert!(matches!(&found[..], [Kind::Bound { keyword: "uniqueItems", .. }]), "{found:?}");
    }

    /// A condition written the same on both sides selects the same instances: what it then
    /// requires is compared; another condition is a warning.
    #[test]
    fn conditions() {
        let clause = |then: &str| {
            format!(r#"{{"type": "object", "if": {{"required": ["kind"]}}, "then": {{"properties": {{"kind": {{"enum": [{then}]}}}}}}}}"#)
        };
        assert_eq!(strict(&clause(r#""a", "b""#), &clause(r#""a""#)), []);
        assert_eq!(strict(&clause(r#""a""#), &clause(r#""a", "b""#)), [Kind::Enum { lost: vec!["\"b\"".into()] }]);
        let other = clause(r#""a""#).replace(r#""required": ["kind"]"#, r#""required": ["other"]"#);
        assert_eq!(strict(&other, &clause(r#""a""#)), [Kind::Condition { keyword: "if/then/else" }]);
        // What a guard excludes is not compared: `then` applies only when `v` is absent.
        let guarded = |v: &str| {
            format!(
                r#"{{"type": "object", "if": {{"not": {{"required": ["v"]}}}}, "then": {{"properties": {{"v": {{"enum": ["{v}"]}}}}}}}}"#
            )
        };
        assert_eq!(strict(&guarded("1"), &guarded("2")), []);
        // `else` applies where a `not` condition fails, here only to objects.
        let otherwise = |extra: &str| {
            format!(
                r#"{{"if": {{"not": {{"type": "object"}}}}, "then": {{"type": "boolean"}}, "else": {{{extra}"properties": {{"a": {{"type": "string"}}}}}}}}"#
            )
        };
        assert_eq!(strict(&otherwise(r#""type": "object", "#), &otherwise("")), []);
    }

    #[test]
    fn recursion_and_branches_terminate() {
        let tree = r##"{"$defs": {"n": {"type": "object", "properties": {"kids": {"type": "array", "items": {"$ref": "#/$defs/n"}}, "v": {"type": "integer"}}}}, "$ref": "#/$defs/n"}"##;
        assert_eq!(strict(tree, tree), []);
        let narrowed = tree.replace(r#""v": {"type": "integer"}"#, r#""v": {"type": "integer", "maximum": 3}"#);
        assert_eq!(strict(&narrowed, tree).len(), 1, "found once, not once per level");
        // Nested anyOf products stay bounded.
        let wide = (0..12)
            .fold(String::from(r#"{"type": "string"}"#), |inner, _| format!(r#"{{"anyOf": [{inner}, {inner}, {{"type": "null"}}]}}"#));
        assert_eq!(strict(&wide, &wide), []);
        // Changed deep inside: the comparison stays within its budget (past it, nothing is
        // guessed); within it, the change is found.
        let changed = wide.replacen(r#"{"type": "string"}"#, r#"{"type": "integer"}"#, 1);
        let started = std::time::Instant::now();
        let _ = strict(&changed, &wide);
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "{:?}", started.elapsed());
        let nested = (0..3)
            .fold(String::from(r#"{"type": "string"}"#), |inner, _| format!(r#"{{"anyOf": [{inner}, {inner}, {{"type": "null"}}]}}"#));
        let changed = nested.replacen(r#"{"type": "string"}"#, r#"{"type": "integer"}"#, 1);
        assert!(strict(&changed, &nested).is_empty(), "another string branch still reads every string");
        assert!(!strict(&nested, &changed).is_empty(), "no branch reads the new integer");
    }
}
