//! The changes between a module's N-1 and N: what was deleted, and how what remains changed.
//!
//! Elements pair as `buf breaking` pairs them (files by import path, types and services by
//! fully-qualified name, fields and enum values by number, methods by name), and each change is
//! located as the rules report it: the current element, else its nearest surviving parent, else
//! the current file, else (the file itself is gone) the N-1 definition. Whether a change matters
//! in the selected category is the rules' business; this module only states facts. A message, enum
//! or service equal on both sides (same text, same resolved types) is not compared further.

use rollsafe_diagnostics::{Definitions, Location};
use rollsafe_proto::model::{NumberRange, OptionDecl, Syntax, option};
use rollsafe_proto::resolve::{At, Cardinality, EnumInfo, FieldInfo, FieldType, MessageInfo, MethodInfo, Module};
use rollsafe_text::TextRange;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Message, enum, service or extension: the kinds of top-level declarations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Declaration {
    Message,
    Enum,
    Service,
    Extension,
}

impl Declaration {
    pub fn noun(self) -> &'static str {
        match self {
            Declaration::Message => "message",
            Declaration::Enum => "enum",
            Declaration::Service => "service",
            Declaration::Extension => "extension",
        }
    }
}

/// Whether two types read each other's data: on the wire, and in JSON too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Shape {
    pub wire: bool,
    pub json: bool,
}

/// A field of a message, for messages: `field 3 (email) of message acme.v1.User`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FieldRef {
    pub message: String,
    pub number: i64,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    FileRemoved {
        file: String,
    },
    PackageRemoved {
        package: String,
    },
    /// A declaration gone from its file (`from_file`) and/or from its package (`from_package`).
    DeclarationRemoved {
        what: Declaration,
        name: String,
        from_file: bool,
        from_package: bool,
    },
    FieldRemoved {
        field: FieldRef,
        number_reserved: bool,
        name_reserved: bool,
    },
    EnumValueRemoved {
        enumeration: String,
        number: i64,
        names: Vec<String>,
        number_reserved: bool,
        names_reserved: bool,
    },
    OneofRemoved {
        message: String,
        oneof: String,
    },
    RpcRemoved {
        service: String,
        rpc: String,
    },
    /// Reserved numbers (`missing`) or a reserved name no longer reserved.
    ReservedRemoved {
        owner: String,
        is_enum: bool,
        missing: Vec<(i64, i64)>,
        name: Option<String>,
    },
    ExtensionRangeRemoved {
        message: String,
        missing: Vec<(i64, i64)>,
    },
    /// `same_shape`: for a change of message or enum type name, whether the two types are the same
    /// on the wire and in JSON, compared field by field (`None`: either is not in the tree).
    FieldTypeChanged {
        field: FieldRef,
        old: FieldType,
        new: FieldType,
        same_shape: Option<Shape>,
    },
    FieldCardinalityChanged {
        field: FieldRef,
        old: Cardinality,
        new: Cardinality,
    },
    FieldRenamed {
        field: FieldRef,
        new_name: String,
    },
    FieldJsonNameChanged {
        field: FieldRef,
        old: String,
        new: String,
    },
    FieldOneofChanged {
        field: FieldRef,
        old: Option<String>,
        new: Option<String>,
    },
    FieldDefaultChanged {
        field: FieldRef,
        old: String,
        new: String,
    },
    /// `jstype`, `ctype`, Java's or protobuf's UTF-8 validation.
    FieldOptionChanged {
        field: FieldRef,
        option: &'static str,
        old: String,
        new: String,
    },
    RequiredFieldChanged {
        message: String,
        number: i64,
        added: bool,
    },
    EnumValueRenamed {
        enumeration: String,
        number: i64,
        old: Vec<String>,
        new: Vec<String>,
    },
    EnumOpennessChanged {
        enumeration: String,
        now_closed: bool,
    },
    JsonFormatChanged {
        what: Declaration,
        name: String,
        new: String,
    },
    MessageOptionChanged {
        message: String,
        option: &'static str,
        old: String,
        new: String,
    },
    FileOptionChanged {
        file: String,
        option: &'static str,
        old: String,
        new: String,
    },
    PackageChanged {
        file: String,
        old: String,
        new: String,
    },
    SyntaxChanged {
        file: String,
        old: String,
        new: String,
    },
    RpcTypeChanged {
        service: String,
        rpc: String,
        request: bool,
        old: String,
        new: String,
    },
    RpcStreamingChanged {
        service: String,
        rpc: String,
        client: bool,
        now_streaming: bool,
    },
    RpcIdempotencyChanged {
        service: String,
        rpc: String,
        old: String,
        new: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Change {
    pub kind: ChangeKind,
    /// Where it is reported.
    pub at: Location,
    /// The N-1 definition.
    pub was: Option<Location>,
    /// The file on each side (import paths), for `ignore` lists.
    pub new_file: Option<String>,
    pub old_file: Option<String>,
    /// The package concerned, for `ignore_unstable_packages`.
    pub package: String,
    pub definitions: Definitions,
}

fn current(at: &At) -> Location {
    Location::current(at.path.clone(), at.range)
}

fn baseline(at: &At) -> Location {
    Location::baseline(at.path.clone(), at.range)
}

/// The name of a type within its package (`Outer.Inner` for `acme.v1.Outer.Inner`), as buf and
/// most users name it.
pub fn short_name(module: &Module, full: &str, file: &str) -> String {
    let package = module.files.get(file).and_then(|f| f.package.as_deref()).unwrap_or("");
    match full.strip_prefix(package).and_then(|r| r.strip_prefix('.')) {
        Some(short) if !package.is_empty() => short.to_string(),
        _ => full.to_string(),
    }
}

fn describe_field(f: &FieldInfo) -> String {
    let label = match f.cardinality {
        Cardinality::Repeated => "repeated ",
        Cardinality::Required => "required ",
        Cardinality::OptionalExplicit => "optional ",
        _ => "",
    };
    let ty = match (&f.map, f.cardinality) {
        (Some((k, v)), _) => format!("map<{}, {}>", k.name(), v.display()),
        _ => f.ty.display(),
    };
    let oneof = f.oneof.as_ref().map_or(String::new(), |o| format!(" (in oneof {o})"));
    format!("{label}{ty} {} = {}{oneof}", f.name, f.number)
}

/// The declarations of one kind a file holds.
type DeclaredIn = fn(&rollsafe_proto::resolve::FileInfo) -> &Vec<String>;

/// A side of a module as a whole: what the files under comparison refer to elsewhere in it.
pub trait Whole {
    /// A message of this side, wherever it is declared.
    fn message(&self, name: &str) -> Option<Arc<MessageInfo>>;
    /// An enum of this side, wherever it is declared.
    fn enumeration(&self, name: &str) -> Option<Arc<EnumInfo>>;
    /// Whether some file of this side declares `name` (a message, enum, service or extension).
    fn declares(&self, name: &str) -> bool;
    /// Every package of this side, with the first file (import path) that declares it.
    fn packages(&self) -> BTreeMap<String, String>;
}

impl Whole for Module {
    fn message(&self, name: &str) -> Option<Arc<MessageInfo>> {
        self.messages.get(name).cloned()
    }

    fn enumeration(&self, name: &str) -> Option<Arc<EnumInfo>> {
        self.enums.get(name).cloned()
    }

    fn declares(&self, name: &str) -> bool {
        self.messages.contains_key(name)
            || self.enums.contains_key(name)
            || self.services.contains_key(name)
            || self.extensions.contains_key(name)
    }

    fn packages(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for (import, f) in &self.files {
            out.entry(f.package.clone().unwrap_or_default()).or_insert_with(|| import.clone());
        }
        out
    }
}

struct Differ<'a> {
    /// The files under comparison (those that differ between the sides), resolved.
    old: &'a Module,
    new: &'a Module,
    old_whole: &'a dyn Whole,
    new_whole: &'a dyn Whole,
    out: Vec<Change>,
}

/// The changes between the files that differ, `old` and `new` (the same import paths on both
/// sides, where they exist), with each side `whole` for what those files refer to elsewhere.
pub fn diff_parts(old: &Module, new: &Module, old_whole: &dyn Whole, new_whole: &dyn Whole) -> Vec<Change> {
    let mut d = Differ { old, new, old_whole, new_whole, out: Vec::new() };
    d.files();
    d.packages();
    d.declarations();
    for (name, m) in &old.messages {
        if let Some(n) = new.messages.get(name).filter(|n| *n != m) {
            d.message(name, m, n);
        }
    }
    for (name, e) in &old.enums {
        if let Some(n) = new.enums.get(name).filter(|n| *n != e) {
            d.enumeration(name, e, n);
        }
    }
    for (name, s) in &old.services {
        let Some(n) = new.services.get(name).filter(|n| *n != s) else { continue };
        for (rpc, m) in &s.methods {
            match n.methods.get(rpc) {
                Some(nm) => d.method(name, m, nm, &n.file),
                None => d.push(
                    ChangeKind::RpcRemoved { service: name.clone(), rpc: rpc.clone() },
                    current(&n.at),
                    Some(baseline(&m.at)),
                    (Some(&n.file), Some(&s.file)),
                ),
            }
        }
    }
    for (name, x) in &old.extensions {
        if let Some(n) = new.extensions.get(name).filter(|n| *n != x) {
            let message = x.extendee.clone().unwrap_or_default();
            d.field(&message, x, n, None);
        }
    }
    d.out
}

impl Differ<'_> {
    fn package_of(&self, file: &str) -> String {
        self.new.files.get(file).or_else(|| self.old.files.get(file)).and_then(|f| f.package.clone()).unwrap_or_default()
    }

    fn push(&mut self, kind: ChangeKind, at: Location, was: Option<Location>, files: (Option<&String>, Option<&String>)) {
        let package = files.0.or(files.1).map(|f| self.package_of(f)).unwrap_or_default();
        self.out.push(Change {
            kind,
            at,
            was,
            new_file: files.0.cloned(),
            old_file: files.1.cloned(),
            package,
            definitions: Definitions::default(),
        });
    }

    fn push_defined(&mut self, kind: ChangeKind, at: Location, was: &At, files: (Option<&String>, Option<&String>), defs: Definitions) {
        self.push(kind, at, Some(baseline(was)), files);
        if let Some(last) = self.out.last_mut() {
            last.definitions = defs;
        }
    }

    /// The start of a current file: where a finding goes when nothing of it is left to point at.
    fn file_start(&self, file: &str) -> Option<Location> {
        self.new.files.get(file).map(|f| Location::current(f.path.clone(), TextRange::empty(0)))
    }

    fn files(&mut self) {
        for (import, f) in &self.old.files {
            let Some(n) = self.new.files.get(import) else {
                let at = Location::baseline(f.path.clone(), TextRange::empty(0));
                self.push(ChangeKind::FileRemoved { file: import.clone() }, at.clone(), Some(at), (None, Some(import)));
                continue;
            };
            let start = Location::current(n.path.clone(), TextRange::empty(0));
            let (old_package, new_package) = (f.package.clone().unwrap_or_default(), n.package.clone().unwrap_or_default());
            if old_package != new_package {
                let at = n.package_at.as_ref().map_or(start.clone(), current);
                let was = f.package_at.as_ref().map(baseline);
                let kind = ChangeKind::PackageChanged { file: import.clone(), old: old_package, new: new_package };
                self.push(kind, at, was, (Some(import), Some(import)));
            }
            let syntax = |s: &Syntax| match s {
                Syntax::Edition(_) => "editions".to_string(),
                other => other.name(),
            };
            if syntax(&f.syntax) != syntax(&n.syntax) {
                let at = n.syntax_at.as_ref().map_or(start.clone(), current);
                let kind = ChangeKind::SyntaxChanged { file: import.clone(), old: f.syntax.name(), new: n.syntax.name() };
                self.push(kind, at, f.syntax_at.as_ref().map(baseline), (Some(import), Some(import)));
            }
            for (option, default) in FILE_OPTIONS {
                let value = |options: &[OptionDecl]| option_text(options, option, default);
                let (old, new) = (value(&f.options), value(&n.options));
                if old != new {
                    let decl = option_decl(&n.options, option);
                    let at = decl.map_or(start.clone(), |o| Location::current(n.path.clone(), o.range));
                    let was = option_decl(&f.options, option).map(|o| Location::baseline(f.path.clone(), o.range));
                    self.push(
                        ChangeKind::FileOptionChanged { file: import.clone(), option, old, new },
                        at,
                        was,
                        (Some(import), Some(import)),
                    );
                }
            }
        }
    }

    fn packages(&mut self) {
        let new_packages = self.new_whole.packages();
        for (package, first_file) in self.old_whole.packages() {
            // The first file of a package that is gone is under comparison: it is gone too.
            if !new_packages.contains_key(&package)
                && let Some(f) = self.old.files.get(&first_file)
            {
                let at = Location::baseline(f.path.clone(), f.package_at.as_ref().map_or(TextRange::empty(0), |a| a.range));
                self.push(ChangeKind::PackageRemoved { package }, at.clone(), Some(at), (None, Some(&first_file)));
            }
        }
    }

    /// Messages, enums, services and extensions gone from their file or their package.
    fn declarations(&mut self) {
        let new_packages: BTreeSet<String> = self.new_whole.packages().into_keys().collect();
        let kinds: [(Declaration, DeclaredIn); 4] = [
            (Declaration::Message, |f| &f.messages),
            (Declaration::Enum, |f| &f.enums),
            (Declaration::Service, |f| &f.services),
            (Declaration::Extension, |f| &f.extensions),
        ];
        for (what, list) in kinds {
            for (import, f) in &self.old.files {
                let package = f.package.clone().unwrap_or_default();
                let new_file = self.new.files.get(import);
                for name in list(f) {
                    let from_file = new_file.is_some_and(|n| !list(n).contains(name));
                    let from_package = !self.new_whole.declares(name) && new_packages.contains(&package);
                    if !from_file && !from_package {
                        continue;
                    }
                    let Some(was) = self.was(what, name) else { continue };
                    // The nearest enclosing message still declared in the same file, else the file.
                    let parent = new_file.and_then(|n| nearest_surviving_parent(name, self.new, &n.import_path));
                    let at = match (parent, new_file) {
                        (Some(p), _) => current(&self.new.messages[&p].at),
                        (None, Some(n)) => Location::current(n.path.clone(), TextRange::empty(0)),
                        (None, None) => baseline(&was),
                    };
                    let kind = ChangeKind::DeclarationRemoved { what, name: name.clone(), from_file, from_package };
                    self.push(kind, at, Some(baseline(&was)), (new_file.map(|_| import), Some(import)));
                }
            }
        }
    }

    fn was(&self, what: Declaration, name: &str) -> Option<At> {
        match what {
            Declaration::Message => self.old.messages.get(name).map(|m| m.at.clone()),
            Declaration::Enum => self.old.enums.get(name).map(|e| e.at.clone()),
            Declaration::Service => self.old.services.get(name).map(|s| s.at.clone()),
            Declaration::Extension => self.old.extensions.get(name).map(|x| x.at.clone()),
        }
    }

    fn message(&mut self, name: &str, old: &MessageInfo, new: &MessageInfo) {
        let files = (Some(&new.file), Some(&old.file));
        let short = short_name(self.new, name, &new.file);
        for (number, f) in &old.fields {
            match new.fields.get(number) {
                Some(n) => self.field(name, f, n, Some((old, new))),
                None => {
                    let number_reserved = reserved_number(&new.reserved.ranges, *number);
                    let name_reserved = new.reserved.names.iter().any(|r| r.value == f.name);
                    let field = FieldRef { message: short.clone(), number: *number, name: f.name.clone() };
                    let kind = ChangeKind::FieldRemoved { field, number_reserved, name_reserved };
                    let defs = Definitions::new(Some(describe_field(f)), None);
                    self.push_defined(kind, current(&new.at), &f.at, files, defs);
                }
            }
        }
        let required = |m: &MessageInfo| -> BTreeSet<i64> {
            m.fields.values().filter(|f| f.cardinality == Cardinality::Required).map(|f| f.number).collect()
        };
        let (old_required, new_required) = (required(old), required(new));
        for number in old_required.difference(&new_required) {
            let kind = ChangeKind::RequiredFieldChanged { message: short.clone(), number: *number, added: false };
            self.push(kind, current(&new.at), old.fields.get(number).map(|f| baseline(&f.at)), files);
        }
        for number in new_required.difference(&old_required) {
            let kind = ChangeKind::RequiredFieldChanged { message: short.clone(), number: *number, added: true };
            self.push(kind, current(&new.fields[number].at), None, (Some(&new.file), None));
        }
        for o in &old.oneofs {
            if !new.oneofs.iter().any(|n| n.name == o.name) {
                let kind = ChangeKind::OneofRemoved { message: short.clone(), oneof: o.name.clone() };
                self.push(kind, current(&new.at), Some(baseline(&o.at)), files);
            }
        }
        let missing = uncovered(&old.reserved.ranges, &new.reserved.ranges);
        for (range, gaps) in missing {
            let kind = ChangeKind::ReservedRemoved { owner: short.clone(), is_enum: false, missing: gaps, name: None };
            self.push(kind, current(&new.at), Some(Location::baseline(old.at.path.clone(), range)), files);
        }
        for n in &old.reserved.names {
            if !new.reserved.names.iter().any(|r| r.value == n.value) {
                let kind =
                    ChangeKind::ReservedRemoved { owner: short.clone(), is_enum: false, missing: Vec::new(), name: Some(n.value.clone()) };
                self.push(kind, current(&new.at), Some(Location::baseline(old.at.path.clone(), n.range)), files);
            }
        }
        for (range, gaps) in uncovered(&old.extension_ranges, &new.extension_ranges) {
            let kind = ChangeKind::ExtensionRangeRemoved { message: short.clone(), missing: gaps };
            self.push(kind, current(&new.at), Some(Location::baseline(old.at.path.clone(), range)), files);
        }
        if old.features.json_format == "ALLOW" && new.features.json_format != "ALLOW" {
            let at = option_decl(&new.options, "features.json_format")
                .map_or(current(&new.at), |o| Location::current(new.at.path.clone(), o.range));
            let kind =
                ChangeKind::JsonFormatChanged { what: Declaration::Message, name: short.clone(), new: new.features.json_format.clone() };
            self.push(kind, at, Some(baseline(&old.at)), files);
        }
        let accessor = |m: &MessageInfo| option_text(&m.options, "no_standard_descriptor_accessor", "false");
        if accessor(old) == "false" && accessor(new) == "true" {
            let at = option_decl(&new.options, "no_standard_descriptor_accessor")
                .map_or(current(&new.at), |o| Location::current(new.at.path.clone(), o.range));
            let kind = ChangeKind::MessageOptionChanged {
                message: short,
                option: "no_standard_descriptor_accessor",
                old: "false".into(),
                new: "true".into(),
            };
            self.push(kind, at, Some(baseline(&old.at)), files);
        }
    }

    /// A field (or extension) present on both sides; `messages` when it is a message's field.
    fn field(&mut self, message: &str, old: &FieldInfo, new: &FieldInfo, messages: Option<(&MessageInfo, &MessageInfo)>) {
        let (new_file, old_file) = match messages {
            Some((o, n)) => (n.file.clone(), o.file.clone()),
            None => (self.file_of(&new.at.path, self.new), self.file_of(&old.at.path, self.old)),
        };
        let files = (Some(&new_file), Some(&old_file));
        let short = short_name(self.new, message, &new_file);
        let field = FieldRef { message: short, number: new.number, name: old.name.clone() };
        let defs = Definitions::new(Some(describe_field(old)), Some(describe_field(new)));
        let in_map_entry = messages.is_some_and(|(_, n)| n.map_entry);
        if old.ty != new.ty && !same_type_by_name(&old.ty, &new.ty) {
            let same_shape = self.same_shape(&old.ty, &new.ty);
            let kind = ChangeKind::FieldTypeChanged { field: field.clone(), old: old.ty.clone(), new: new.ty.clone(), same_shape };
            self.push_defined(kind, current(&new.type_at), &old.type_at, files, defs.clone());
        }
        if old.cardinality != new.cardinality && !in_map_entry {
            let kind = ChangeKind::FieldCardinalityChanged { field: field.clone(), old: old.cardinality, new: new.cardinality };
            self.push_defined(kind, current(&new.at), &old.at, files, defs.clone());
        }
        if old.name != new.name {
            let kind = ChangeKind::FieldRenamed { field: field.clone(), new_name: new.name.clone() };
            self.push_defined(kind, current(&new.name_at), &old.name_at, files, defs.clone());
        }
        if old.json_name != new.json_name && new.extendee.is_none() {
            let at = new.json_name_option.as_ref().map_or(current(&new.at), |o| Location::current(new.at.path.clone(), o.range));
            let kind = ChangeKind::FieldJsonNameChanged { field: field.clone(), old: old.json_name.clone(), new: new.json_name.clone() };
            self.push_defined(kind, at, &old.at, files, defs.clone());
        }
        if old.oneof != new.oneof {
            let kind = ChangeKind::FieldOneofChanged { field: field.clone(), old: old.oneof.clone(), new: new.oneof.clone() };
            self.push_defined(kind, current(&new.at), &old.at, files, defs.clone());
        }
        if let (Some(old_default), Some(new_default)) = (self.default_of(old, self.old_whole), self.default_of(new, self.new_whole))
            && old_default != new_default
            && (old.default.is_some() || new.default.is_some())
        {
            let at = new.default.as_ref().map_or(current(&new.at), |o| Location::current(new.at.path.clone(), o.range));
            let kind = ChangeKind::FieldDefaultChanged { field: field.clone(), old: old_default, new: new_default };
            self.push_defined(kind, at, &old.at, files, defs.clone());
        }
        for (option, old_value, new_value, decl) in self.field_options(old, new, &old_file, &new_file, in_map_entry) {
            let at = decl.map_or(current(&new.at), |range| Location::current(new.at.path.clone(), range));
            let kind = ChangeKind::FieldOptionChanged { field: field.clone(), option, old: old_value, new: new_value };
            self.push_defined(kind, at, &old.at, files, defs.clone());
        }
    }

    fn file_of(&self, path: &str, module: &Module) -> String {
        module.files.values().find(|f| f.path == path).map(|f| f.import_path.clone()).unwrap_or_default()
    }

    /// The default a singular scalar or enum field has: written, else the type's zero value.
    fn default_of(&self, f: &FieldInfo, module: &dyn Whole) -> Option<String> {
        if matches!(f.cardinality, Cardinality::Repeated | Cardinality::Map) {
            return None;
        }
        let quoted = matches!(&f.ty, FieldType::Scalar(s) if matches!(s.name(), "string" | "bytes"));
        if let Some(d) = &f.default {
            let text = d.value.as_text();
            return Some(if quoted { format!("{text:?}") } else { text.to_string() });
        }
        match &f.ty {
            FieldType::Scalar(s) => Some(match s.name() {
                "bool" => "false".to_string(),
                "string" | "bytes" => "\"\"".to_string(),
                _ => "0".to_string(),
            }),
            FieldType::Enum(e) => module.enumeration(e).and_then(|e| e.values.first().map(|v| v.name.clone())),
            _ => None,
        }
    }

    /// Options that change generated code: (option, old, new, where in N).
    fn field_options(
        &self,
        old: &FieldInfo,
        new: &FieldInfo,
        old_file: &str,
        new_file: &str,
        in_map_entry: bool,
    ) -> Vec<(&'static str, String, String, Option<TextRange>)> {
        let mut out = Vec::new();
        let decl = |name: &str| option_decl(&new.options, name).map(|o| o.range);
        if let (FieldType::Scalar(a), FieldType::Scalar(b)) = (&old.ty, &new.ty)
            && a.is_64_bit_integer()
            && b.is_64_bit_integer()
        {
            let (o, n) = (option_text(&old.options, "jstype", "JS_NORMAL"), option_text(&new.options, "jstype", "JS_NORMAL"));
            if o != n {
                out.push(("jstype", o, n, decl("jstype")));
            }
        }
        let stringy = |f: &FieldInfo| matches!(&f.ty, FieldType::Scalar(s) if matches!(s.name(), "string" | "bytes"));
        if stringy(old) && stringy(new) && !in_map_entry {
            let (o, n) = (option_text(&old.options, "ctype", "STRING"), option_text(&new.options, "ctype", "STRING"));
            // Generated accessors of STRING_PIECE and STRING are the same.
            if o != n && !(o == "STRING_PIECE" && n == "STRING") {
                out.push(("ctype", o, n, decl("ctype")));
            }
        }
        let is_string = |f: &FieldInfo| f.ty == FieldType::Scalar(rollsafe_proto::model::Scalar::String);
        if is_string(old) && is_string(new) {
            // Java checks UTF-8 when the file says so (proto2, proto3); under editions, as the
            // field's `(pb.java).utf8_validation`, else its `utf8_validation` feature, says.
            let java = |m: &Module, file: &str, f: &FieldInfo| {
                let info = m.files.get(file);
                if info.is_some_and(|i| matches!(i.syntax, Syntax::Edition(_))) {
                    return option(&f.options, "features.(pb.java).utf8_validation")
                        .map_or_else(|| f.features.utf8_validation.clone(), |o| o.value.as_text().to_string());
                }
                let check = info.map(|f| option_text(&f.options, "java_string_check_utf8", "false"));
                if check.as_deref() == Some("true") { "VERIFY".to_string() } else { "DEFAULT".to_string() }
            };
            let (o, n) = (java(self.old, old_file, old), java(self.new, new_file, new));
            if o != n {
                let at = self.new.files.get(new_file).and_then(|f| option_decl(&f.options, "java_string_check_utf8")).map(|o| o.range);
                out.push(("Java UTF-8 validation", o, n, at));
            }
            if old.features.utf8_validation != new.features.utf8_validation {
                out.push((
                    "UTF-8 validation",
                    old.features.utf8_validation.clone(),
                    new.features.utf8_validation.clone(),
                    decl("features.utf8_validation"),
                ));
            }
        }
        out
    }

    /// For a type name change within the same kind: whether the two types have the same shape on
    /// the wire (compared recursively, field by field); `None` when either is not known here.
    fn same_shape(&self, old: &FieldType, new: &FieldType) -> Option<Shape> {
        let compare = |json: bool| match (old, new) {
            (FieldType::Message { name: a, delimited: x }, FieldType::Message { name: b, delimited: y }) if x == y => {
                shape_equal_messages(self.old_whole, a, self.new_whole, b, json, &mut BTreeSet::new())
            }
            (FieldType::Enum(a), FieldType::Enum(b)) => {
                let (Some(a), Some(b)) = (self.old_whole.enumeration(a), self.new_whole.enumeration(b)) else { return None };
                Some(enum_subset(&a, &b, json))
            }
            _ => None,
        };
        Some(Shape { wire: compare(false)?, json: compare(true)? })
    }

    fn enumeration(&mut self, name: &str, old: &EnumInfo, new: &EnumInfo) {
        let files = (Some(&new.file), Some(&old.file));
        let short = short_name(self.new, name, &new.file);
        let numbers: BTreeSet<i64> = old.values.iter().map(|v| v.number).collect();
        for number in numbers {
            let old_names: Vec<String> = old.names_of(number).into_iter().map(str::to_string).collect();
            let new_names: Vec<String> = new.names_of(number).into_iter().map(str::to_string).collect();
            let was = old.values.iter().find(|v| v.number == number).map(|v| v.at.clone()).unwrap_or_else(|| old.at.clone());
            if new_names.is_empty() {
                let number_reserved = reserved_number(&new.reserved.ranges, number);
                let names_reserved = old_names.iter().all(|n| new.reserved.names.iter().any(|r| r.value == *n));
                let kind =
                    ChangeKind::EnumValueRemoved { enumeration: short.clone(), number, names: old_names, number_reserved, names_reserved };
                self.push(kind, current(&new.at), Some(baseline(&was)), files);
            } else if old_names.iter().any(|o| !new_names.contains(o)) {
                // One finding per current name of that number, at its number.
                for v in new.values.iter().filter(|v| v.number == number) {
                    let kind =
                        ChangeKind::EnumValueRenamed { enumeration: short.clone(), number, old: old_names.clone(), new: new_names.clone() };
                    self.push(kind, current(&v.at), Some(baseline(&was)), files);
                }
            }
        }
        for (range, gaps) in uncovered(&old.reserved.ranges, &new.reserved.ranges) {
            let kind = ChangeKind::ReservedRemoved { owner: short.clone(), is_enum: true, missing: gaps, name: None };
            self.push(kind, current(&new.at), Some(Location::baseline(old.at.path.clone(), range)), files);
        }
        for n in &old.reserved.names {
            if !new.reserved.names.iter().any(|r| r.value == n.value) {
                let kind =
                    ChangeKind::ReservedRemoved { owner: short.clone(), is_enum: true, missing: Vec::new(), name: Some(n.value.clone()) };
                self.push(kind, current(&new.at), Some(Location::baseline(old.at.path.clone(), n.range)), files);
            }
        }
        if old.features.enum_type != new.features.enum_type {
            let at = option_decl(&new.options, "features.enum_type")
                .map_or(current(&new.at), |o| Location::current(new.at.path.clone(), o.range));
            let kind = ChangeKind::EnumOpennessChanged { enumeration: short.clone(), now_closed: new.features.enum_type == "CLOSED" };
            self.push(kind, at, Some(baseline(&old.at)), files);
        }
        if old.features.json_format == "ALLOW" && new.features.json_format != "ALLOW" {
            let at = option_decl(&new.options, "features.json_format")
                .map_or(current(&new.at), |o| Location::current(new.at.path.clone(), o.range));
            let kind = ChangeKind::JsonFormatChanged { what: Declaration::Enum, name: short, new: new.features.json_format.clone() };
            self.push(kind, at, Some(baseline(&old.at)), files);
        }
    }

    fn method(&mut self, service: &str, old: &MethodInfo, new: &MethodInfo, file: &String) {
        let files = (Some(file), Some(file));
        let short = short_name(self.new, service, file);
        let rpc = new.name.clone();
        if old.input != new.input {
            let kind = ChangeKind::RpcTypeChanged {
                service: short.clone(),
                rpc: rpc.clone(),
                request: true,
                old: old.input.clone(),
                new: new.input.clone(),
            };
            self.push(kind, current(&new.input_at), Some(baseline(&old.input_at)), files);
        }
        if old.output != new.output {
            let kind = ChangeKind::RpcTypeChanged {
                service: short.clone(),
                rpc: rpc.clone(),
                request: false,
                old: old.output.clone(),
                new: new.output.clone(),
            };
            self.push(kind, current(&new.output_at), Some(baseline(&old.output_at)), files);
        }
        for (client, o, n) in [(true, old.client_streaming, new.client_streaming), (false, old.server_streaming, new.server_streaming)] {
            if o != n {
                let kind = ChangeKind::RpcStreamingChanged { service: short.clone(), rpc: rpc.clone(), client, now_streaming: n };
                self.push(kind, current(&new.at), Some(baseline(&old.at)), files);
            }
        }
        let level = |m: &MethodInfo| option_text(&m.options, "idempotency_level", "IDEMPOTENCY_UNKNOWN");
        if level(old) != level(new) {
            let at = option_decl(&new.options, "idempotency_level").map_or_else(
                || self.file_start(file).unwrap_or_else(|| current(&new.at)),
                |o| Location::current(new.at.path.clone(), o.range),
            );
            let kind = ChangeKind::RpcIdempotencyChanged { service: short, rpc, old: level(old), new: level(new) };
            self.push(kind, at, Some(baseline(&old.at)), files);
        }
    }
}

/// The file options `buf breaking` holds stable, with the value an unset option has.
pub const FILE_OPTIONS: &[(&str, &str)] = &[
    ("cc_enable_arenas", "true"),
    ("cc_generic_services", "false"),
    ("csharp_namespace", ""),
    ("go_package", ""),
    ("java_generic_services", "false"),
    ("java_multiple_files", "false"),
    ("java_outer_classname", ""),
    ("java_package", ""),
    ("objc_class_prefix", ""),
    ("optimize_for", "SPEED"),
    ("php_class_prefix", ""),
    ("php_metadata_namespace", ""),
    ("php_namespace", ""),
    ("py_generic_services", "false"),
    ("ruby_package", ""),
    ("swift_prefix", ""),
];

fn option_decl<'a>(options: &'a [OptionDecl], name: &str) -> Option<&'a OptionDecl> {
    option(options, name)
}

fn option_text(options: &[OptionDecl], name: &str, default: &str) -> String {
    option(options, name).map_or_else(|| default.to_string(), |o| o.value.as_text().to_string())
}

fn reserved_number(ranges: &[NumberRange], number: i64) -> bool {
    ranges.iter().any(|r| r.start <= number && number <= r.end)
}

/// Old ranges not wholly covered by the new ones: each with the numbers that are missing.
fn uncovered(old: &[NumberRange], new: &[NumberRange]) -> Vec<(TextRange, Vec<(i64, i64)>)> {
    let mut merged: Vec<(i64, i64)> = new.iter().map(|r| (r.start, r.end)).collect();
    merged.sort_unstable();
    let mut collapsed: Vec<(i64, i64)> = Vec::new();
    for (s, e) in merged {
        match collapsed.last_mut() {
            Some(last) if s <= last.1.saturating_add(1) => last.1 = last.1.max(e),
            _ => collapsed.push((s, e)),
        }
    }
    let mut out = Vec::new();
    for r in old {
        let mut gaps = Vec::new();
        let mut next = r.start;
        for &(s, e) in &collapsed {
            if e < next || s > r.end {
                continue;
            }
            if s > next {
                gaps.push((next, s - 1));
            }
            next = next.max(e.saturating_add(1));
        }
        if next <= r.end {
            gaps.push((next, r.end));
        }
        if !gaps.is_empty() {
            out.push((r.range, gaps));
        }
    }
    out
}

fn nearest_surviving_parent(name: &str, new: &Module, file: &str) -> Option<String> {
    let mut scope = name;
    while let Some((outer, _)) = scope.rsplit_once('.') {
        if new.messages.get(outer).is_some_and(|m| m.file == file) {
            return Some(outer.to_string());
        }
        scope = outer;
    }
    None
}

/// A type left unresolved on one side (its import is not in the tree) is the same type as the
/// resolved one it names.
fn same_type_by_name(old: &FieldType, new: &FieldType) -> bool {
    let full = |t: &FieldType| match t {
        FieldType::Message { name, .. } | FieldType::Enum(name) => Some(name.clone()),
        _ => None,
    };
    match (old, new) {
        (FieldType::Unresolved(written), other) | (other, FieldType::Unresolved(written)) => {
            full(other).is_some_and(|f| f == *written || f.ends_with(&format!(".{written}")))
        }
        _ => false,
    }
}

/// Whether every value number of `old` is in `new` (with the same name too when `json`: JSON
/// carries enum values by name).
fn enum_subset(old: &EnumInfo, new: &EnumInfo, json: bool) -> bool {
    old.values.iter().all(|v| new.values.iter().any(|n| n.number == v.number && (!json || n.name == v.name)))
}

/// Two messages have the same shape when every field number has the same cardinality and a type
/// of the same shape on both sides (and, for JSON, the same JSON name). Cycles are assumed equal
/// while being compared.
fn shape_equal_messages(
    old: &dyn Whole,
    a: &str,
    new: &dyn Whole,
    b: &str,
    json: bool,
    seen: &mut BTreeSet<(String, String)>,
) -> Option<bool> {
    if !seen.insert((a.to_string(), b.to_string())) {
        return Some(true);
    }
    let (Some(ma), Some(mb)) = (old.message(a), new.message(b)) else { return None };
    if ma.fields.keys().ne(mb.fields.keys()) {
        return Some(false);
    }
    for (number, fa) in &ma.fields {
        let fb = &mb.fields[number];
        if fa.cardinality != fb.cardinality || (json && fa.json_name != fb.json_name) {
            return Some(false);
        }
        let same = match (&fa.ty, &fb.ty) {
            (FieldType::Scalar(x), FieldType::Scalar(y)) => x == y,
            (FieldType::Message { name: x, delimited: dx }, FieldType::Message { name: y, delimited: dy }) => {
                dx == dy && shape_equal_messages(old, x, new, y, json, seen)?
            }
            (FieldType::Enum(x), FieldType::Enum(y)) => match (old.enumeration(x), new.enumeration(y)) {
                (Some(ex), Some(ey)) => enum_subset(&ex, &ey, json),
                _ => return None,
            },
            (x, y) => x == y,
        };
        if !same {
            return Some(false);
        }
    }
    Some(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(start: i64, end: i64) -> NumberRange {
        NumberRange { start, end, range: TextRange::empty(0) }
    }

    #[test]
    fn reserved_ranges_must_stay_covered() {
        let gaps = uncovered(&[range(20, 25)], &[range(20, 22)]);
        assert_eq!(gaps[0].1, [(23, 25)]);
        assert!(uncovered(&[range(1, 10)], &[range(1, 5), range(6, 10)]).is_empty(), "adjacent ranges merge");
        assert_eq!(uncovered(&[range(1, 10)], &[range(3, 4)])[0].1, [(1, 2), (5, 10)]);
    }
}
