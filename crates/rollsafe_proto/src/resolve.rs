//! Puts the parsed files of one Protobuf module (a root that import paths are relative to)
//! together: fully-qualified names, field types resolved the way protoc resolves them (innermost
//! scope outward), editions features resolved (field presence, enum openness, message encoding,
//! JSON format, UTF-8 validation), and the effective JSON name of every field.
//!
//! Resolution never fails either. An import the module does not hold (a dependency taken from a
//! registry) is noted once; a type that cannot be resolved keeps the name it was written with, so
//! that it is still compared by name.

use crate::model::*;
use rollsafe_text::TextRange;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// A file given to [`resolve`].
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    /// Its path relative to the module root: what imports name it by (`acme/v1/user.proto`).
    pub import_path: &'a str,
    /// Its workspace-relative path, for locations.
    pub path: &'a str,
    pub file: &'a ProtoFile,
}

/// A location in a file of the module.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct At {
    /// Workspace-relative path.
    pub path: String,
    pub range: TextRange,
}

/// How a field is present on the wire and in generated code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cardinality {
    OptionalImplicit,
    OptionalExplicit,
    Required,
    Repeated,
    Map,
}

impl Cardinality {
    pub fn describe(self) -> &'static str {
        match self {
            Cardinality::OptionalImplicit => "optional with implicit presence",
            Cardinality::OptionalExplicit => "optional with explicit presence",
            Cardinality::Required => "required",
            Cardinality::Repeated => "repeated",
            Cardinality::Map => "map",
        }
    }
}

/// A field's type after resolution.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FieldType {
    Scalar(Scalar),
    /// A message by fully-qualified name; `delimited` for groups and `DELIMITED` encoding.
    Message {
        name: String,
        delimited: bool,
    },
    Enum(String),
    /// A name no file of the module (or the well-known types) defines: as written, qualified by
    /// the scope it was written in when it was relative.
    Unresolved(String),
}

impl FieldType {
    /// The kind as `buf` and protoc name it (`int64`, `message`, `enum`, `group`).
    pub fn kind(&self) -> &str {
        match self {
            FieldType::Scalar(s) => s.name(),
            FieldType::Message { delimited: true, .. } => "group",
            FieldType::Message { .. } => "message",
            FieldType::Enum(_) => "enum",
            FieldType::Unresolved(_) => "unresolved",
        }
    }

    /// The type's name for messages: `int64`, `acme.v1.User`.
    pub fn display(&self) -> String {
        match self {
            FieldType::Scalar(s) => s.name().to_string(),
            FieldType::Message { name, .. } | FieldType::Enum(name) | FieldType::Unresolved(name) => name.clone(),
        }
    }
}

/// A feature's resolved value (editions names; proto2 and proto3 map onto them).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Features {
    /// `EXPLICIT`, `IMPLICIT` or `LEGACY_REQUIRED`.
    pub field_presence: String,
    /// `OPEN` or `CLOSED`.
    pub enum_type: String,
    /// `LENGTH_PREFIXED` or `DELIMITED`.
    pub message_encoding: String,
    /// `ALLOW` or `LEGACY_BEST_EFFORT`.
    pub json_format: String,
    /// `VERIFY` or `NONE`.
    pub utf8_validation: String,
}

impl Features {
    fn for_syntax(syntax: &Syntax) -> Features {
        let (presence, enum_type, json, utf8) = match syntax {
            Syntax::Proto2 => ("EXPLICIT", "CLOSED", "LEGACY_BEST_EFFORT", "NONE"),
            Syntax::Proto3 => ("IMPLICIT", "OPEN", "ALLOW", "VERIFY"),
            Syntax::Edition(_) => ("EXPLICIT", "OPEN", "ALLOW", "VERIFY"),
        };
        Features {
            field_presence: presence.into(),
            enum_type: enum_type.into(),
            message_encoding: "LENGTH_PREFIXED".into(),
            json_format: json.into(),
            utf8_validation: utf8.into(),
        }
    }

    /// These features with the `features.*` options of one declaration applied (editions only).
    fn with(&self, options: &[OptionDecl], syntax: &Syntax) -> Features {
        let mut out = self.clone();
        if !matches!(syntax, Syntax::Edition(_)) {
            return out;
        }
        for o in options {
            let Some(feature) = o.name.strip_prefix("features.") else { continue };
            let value = o.value.as_text().to_string();
            match feature {
                "field_presence" => out.field_presence = value,
                "enum_type" => out.enum_type = value,
                "message_encoding" => out.message_encoding = value,
                "json_format" => out.json_format = value,
                "utf8_validation" => out.utf8_validation = value,
                _ => {}
            }
        }
        out
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FieldInfo {
    pub name: String,
    pub number: i64,
    pub cardinality: Cardinality,
    pub ty: FieldType,
    /// For map fields: the key and the value type.
    pub map: Option<(Scalar, FieldType)>,
    /// The effective JSON name: the `json_name` option, else the name in lowerCamelCase.
    pub json_name: String,
    /// The `json_name` option, when written.
    pub json_name_option: Option<OptionDecl>,
    /// The oneof it belongs to (a real one: proto3 `optional` makes none).
    pub oneof: Option<String>,
    /// `default = …` (proto2 and editions).
    pub default: Option<OptionDecl>,
    pub options: Vec<OptionDecl>,
    pub features: Features,
    /// Declared by `extend`: the extended message's name.
    pub extendee: Option<String>,
    pub at: At,
    pub name_at: At,
    pub type_at: At,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OneofInfo {
    pub name: String,
    pub at: At,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MessageInfo {
    pub name: String,
    /// By number.
    pub fields: BTreeMap<i64, FieldInfo>,
    pub oneofs: Vec<OneofInfo>,
    pub reserved: Reserved,
    pub extension_ranges: Vec<NumberRange>,
    pub options: Vec<OptionDecl>,
    pub features: Features,
    /// Generated for a `map<K, V>` field.
    pub map_entry: bool,
    /// The file it is declared in (import path).
    pub file: String,
    pub at: At,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EnumValueInfo {
    pub name: String,
    pub number: i64,
    pub at: At,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EnumInfo {
    pub name: String,
    pub values: Vec<EnumValueInfo>,
    pub reserved: Reserved,
    pub options: Vec<OptionDecl>,
    pub features: Features,
    pub file: String,
    pub at: At,
}

impl EnumInfo {
    /// The names of the values with this number (aliases share one).
    pub fn names_of(&self, number: i64) -> BTreeSet<&str> {
        self.values.iter().filter(|v| v.number == number).map(|v| v.name.as_str()).collect()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MethodInfo {
    pub name: String,
    pub input: String,
    pub output: String,
    pub client_streaming: bool,
    pub server_streaming: bool,
    pub options: Vec<OptionDecl>,
    pub at: At,
    pub input_at: At,
    pub output_at: At,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ServiceInfo {
    pub name: String,
    pub methods: BTreeMap<String, MethodInfo>,
    pub options: Vec<OptionDecl>,
    pub file: String,
    pub at: At,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FileInfo {
    pub import_path: String,
    pub path: String,
    pub syntax: Syntax,
    pub syntax_at: Option<At>,
    pub package: Option<String>,
    pub package_at: Option<At>,
    pub options: Vec<OptionDecl>,
    /// Fully-qualified names of what the file declares, nested ones included.
    pub messages: Vec<String>,
    pub enums: Vec<String>,
    pub services: Vec<String>,
    /// Extensions by fully-qualified name.
    pub extensions: Vec<String>,
}

/// One module, resolved. Declarations are shared (`Arc`): a module assembled from files resolved
/// one by one (and cached) holds them without copying.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Module {
    /// By import path.
    pub files: BTreeMap<String, Arc<FileInfo>>,
    /// By fully-qualified name (no leading dot).
    pub messages: BTreeMap<String, Arc<MessageInfo>>,
    pub enums: BTreeMap<String, Arc<EnumInfo>>,
    pub services: BTreeMap<String, Arc<ServiceInfo>>,
    /// Extension fields by fully-qualified name.
    pub extensions: BTreeMap<String, Arc<FieldInfo>>,
    /// What could not be resolved: (where, what).
    pub notes: Vec<(At, String)>,
}

/// What a name is, for resolution.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Message,
    Enum,
    Package,
    Service,
    Extension,
}

/// What one file declares and names, without resolving anything: enough to build a module's
/// [`SymbolTable`], to tell what a release removed from a package, and to tell which unchanged
/// files an added or removed name could affect.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FileSymbols {
    pub package: String,
    /// Fully-qualified names of the messages, enums, services and extensions it declares.
    pub declared: Vec<(Arc<str>, Kind)>,
    /// The last part of every type name it uses (`Date` for `google.type.Date`).
    pub referenced: BTreeSet<String>,
    pub imports: Vec<String>,
}

/// What `file` declares and names.
pub fn file_symbols(file: &ProtoFile) -> FileSymbols {
    let package = file.package.as_ref().map(|p| p.value.clone()).unwrap_or_default();
    let mut out =
        FileSymbols { package: package.clone(), imports: file.imports.iter().map(|i| i.path.clone()).collect(), ..FileSymbols::default() };
    let mut declared = BTreeMap::new();
    declare(&mut declared, &package, &file.messages, &file.enums, &file.extends);
    out.declared.extend(declared.into_iter().map(|(name, kind)| (Arc::from(name), kind)));
    for s in &file.services {
        out.declared.push((Arc::from(join(&package, &s.name.value)), Kind::Service));
        for m in &s.methods {
            for t in [&m.input.value, &m.output.value] {
                out.referenced.insert(last_part(t).to_string());
            }
        }
    }
    let refer = |referenced: &mut BTreeSet<String>, ty: &TypeRef| {
        let mut ty = ty;
        if let TypeRef::Map(_, value) = ty {
            ty = value;
        }
        if let TypeRef::Named(name) = ty {
            referenced.insert(last_part(name).to_string());
        }
    };
    let mut stack: Vec<&Message> = file.messages.iter().collect();
    let mut extends: Vec<&Extend> = file.extends.iter().collect();
    while let Some(m) = stack.pop() {
        m.fields.iter().for_each(|f| refer(&mut out.referenced, &f.ty));
        stack.extend(m.messages.iter());
        extends.extend(m.extends.iter());
    }
    for x in extends {
        out.referenced.insert(last_part(&x.extendee.value).to_string());
        x.fields.iter().for_each(|f| refer(&mut out.referenced, &f.ty));
    }
    out
}

fn last_part(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// Every name a module declares (its files' and the well-known types'), and its import paths.
/// Built once per side of a tree of thousands of files, so it also says which file declares each
/// name: nothing else needs to index the tree again.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SymbolTable {
    /// Names share their text with the files' [`FileSymbols`].
    pub names: FxHashMap<Arc<str>, Symbol>,
    /// The module's import paths, in the order given ([`Symbol::file`] indexes it).
    pub files: Vec<Arc<str>>,
    pub import_paths: FxHashSet<Arc<str>>,
}

/// A declared name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub kind: Kind,
    /// The index in [`SymbolTable::files`] of the file declaring it; none for a package, or for a
    /// well-known type the module holds no copy of.
    pub file: Option<u32>,
}

static WKT_SYMBOLS: std::sync::LazyLock<Vec<(&'static str, FileSymbols)>> =
    std::sync::LazyLock::new(|| crate::wkt::FILES.iter().map(|(path, src)| (*path, file_symbols(&crate::parse(src).file))).collect());

static WKT_FILES: std::sync::LazyLock<Vec<(&'static str, ProtoFile)>> =
    std::sync::LazyLock::new(|| crate::wkt::FILES.iter().map(|(path, src)| (*path, crate::parse(src).file)).collect());

impl SymbolTable {
    /// The table of a module's files (import path, symbols); well-known types the module does not
    /// hold a copy of are added.
    pub fn new<'a>(files: impl IntoIterator<Item = (&'a str, &'a FileSymbols)>) -> SymbolTable {
        let files: Vec<(&str, &FileSymbols)> = files.into_iter().collect();
        // Sized once: a side of a large tree declares hundreds of thousands of names.
        let names = files.iter().map(|(_, s)| s.declared.len()).sum::<usize>() + files.len();
        let mut table = SymbolTable {
            names: FxHashMap::with_capacity_and_hasher(names, Default::default()),
            files: Vec::with_capacity(files.len()),
            import_paths: FxHashSet::with_capacity_and_hasher(files.len(), Default::default()),
        };
        for (path, symbols) in files {
            let index = u32::try_from(table.files.len()).ok();
            let path: Arc<str> = Arc::from(path);
            table.files.push(path.clone());
            table.import_paths.insert(path);
            table.add(symbols, index);
        }
        for (path, symbols) in WKT_SYMBOLS.iter() {
            if !table.import_paths.contains(*path) {
                table.add(symbols, None);
            }
        }
        table
    }

    fn add(&mut self, symbols: &FileSymbols, file: Option<u32>) {
        let mut prefix = String::new();
        for part in symbols.package.split('.').filter(|p| !p.is_empty()) {
            prefix = join(&prefix, part);
            if !self.names.contains_key(prefix.as_str()) {
                self.names.insert(Arc::from(prefix.as_str()), Symbol { kind: Kind::Package, file: None });
            }
        }
        for (name, kind) in &symbols.declared {
            self.names.insert(name.clone(), Symbol { kind: *kind, file });
        }
    }

    /// What a fully-qualified name is, if declared.
    pub fn kind(&self, name: &str) -> Option<Kind> {
        self.names.get(name).map(|s| s.kind)
    }

    /// The import path of the file of the module that declares a fully-qualified name.
    pub fn declaring_file(&self, name: &str) -> Option<&str> {
        let file = self.names.get(name)?.file?;
        self.files.get(file as usize).map(|f| &**f)
    }

    /// A type (message or enum) by fully-qualified name.
    fn type_kind(&self, name: &str) -> Option<Kind> {
        self.kind(name).filter(|k| matches!(k, Kind::Message | Kind::Enum))
    }
}

/// Resolves the files of one module. Well-known types are available without a local copy.
pub fn resolve(inputs: &[Input<'_>]) -> Module {
    let symbols: Vec<FileSymbols> = inputs.iter().map(|i| file_symbols(i.file)).collect();
    let table = SymbolTable::new(inputs.iter().map(|i| i.import_path).zip(&symbols));
    let mut module = Module::default();
    let mut noted = BTreeSet::new();
    for input in inputs {
        let mut one = resolve_file(*input, &table);
        // One note per missing import across the module.
        one.notes.retain(|(_, what)| noted.insert(what.clone()));
        module.merge(one);
    }
    module
}

/// Resolves one file of a module against the module's symbol table.
pub fn resolve_file(input: Input<'_>, table: &SymbolTable) -> Module {
    let mut module = Module::default();
    Resolver { module: &mut module, symbols: table, input: &input }.file();
    for import in &input.file.imports {
        if !table.import_paths.contains(import.path.as_str()) && crate::wkt::source(&import.path).is_none() {
            let what = format!(
                "import \"{}\" is not in this tree (a dependency?): the types it defines are compared by name only",
                rollsafe_text::escape::truncate_chars(&import.path, 200)
            );
            module.notes.push((At { path: input.path.to_string(), range: import.range }, what));
        }
    }
    module
}

/// The well-known types resolved, for lookups of types a module uses without holding them.
pub fn well_known() -> &'static Module {
    static MODULE: std::sync::LazyLock<Module> = std::sync::LazyLock::new(|| {
        let inputs: Vec<Input<'_>> = WKT_FILES.iter().map(|(p, f)| Input { import_path: p, path: p, file: f }).collect();
        resolve(&inputs)
    });
    &MODULE
}

impl Module {
    /// Adds another part of the module (another file's declarations).
    pub fn merge(&mut self, other: Module) {
        self.files.extend(other.files);
        self.messages.extend(other.messages);
        self.enums.extend(other.enums);
        self.services.extend(other.services);
        self.extensions.extend(other.extensions);
        self.notes.extend(other.notes);
    }
}

fn join(scope: &str, name: &str) -> String {
    if scope.is_empty() { name.to_string() } else { format!("{scope}.{name}") }
}

fn declare(symbols: &mut BTreeMap<String, Kind>, scope: &str, messages: &[Message], enums: &[Enum], extends: &[Extend]) {
    for x in extends {
        for f in &x.fields {
            symbols.insert(join(scope, &f.name.value), Kind::Extension);
        }
    }
    for m in messages {
        let name = join(scope, &m.name.value);
        symbols.insert(name.clone(), Kind::Message);
        declare(symbols, &name, &m.messages, &m.enums, &m.extends);
    }
    for e in enums {
        symbols.insert(join(scope, &e.name.value), Kind::Enum);
    }
    for x in extends {
        // Groups declared in an `extend` block live in the block's scope.
        declare(symbols, scope, &x.messages, &[], &[]);
    }
}

/// protoc's default JSON name: underscores dropped, the letter after one upper-cased.
pub fn json_name(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut upper = false;
    for c in field.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

struct Resolver<'a, 'm> {
    module: &'m mut Module,
    symbols: &'a SymbolTable,
    input: &'a Input<'a>,
}

impl Resolver<'_, '_> {
    fn at(&self, range: TextRange) -> At {
        At { path: self.input.path.to_string(), range }
    }

    fn syntax(&self) -> &Syntax {
        &self.input.file.syntax
    }

    /// A type name written in `scope`: the innermost scope outward, as protoc looks names up.
    fn lookup(&self, scope: &str, written: &str) -> Option<(String, Kind)> {
        if let Some(full) = written.strip_prefix('.') {
            return self.symbols.type_kind(full).map(|k| (full.to_string(), k));
        }
        let first = written.split('.').next().unwrap_or(written);
        let mut scope = scope.to_string();
        loop {
            // The first scope that declares the first part decides (protoc does not look further).
            let head = join(&scope, first);
            if self.symbols.names.contains_key(head.as_str()) {
                let full = join(&scope, written);
                if let Some(kind) = self.symbols.type_kind(&full) {
                    return Some((full, kind));
                }
            }
            if scope.is_empty() {
                return None;
            }
            scope = scope.rsplit_once('.').map_or(String::new(), |(outer, _)| outer.to_string());
        }
    }

    fn field_type(&self, scope: &str, ty: &TypeRef, delimited: bool) -> FieldType {
        match ty {
            TypeRef::Scalar(s) => FieldType::Scalar(*s),
            TypeRef::Group(name) => FieldType::Message { name: join(scope, name), delimited: true },
            TypeRef::Map(_, value) => self.field_type(scope, value, false),
            TypeRef::Named(written) => match self.lookup(scope, written) {
                Some((name, Kind::Message)) => FieldType::Message { name, delimited },
                Some((name, _)) => FieldType::Enum(name),
                None => FieldType::Unresolved(written.trim_start_matches('.').to_string()),
            },
        }
    }

    fn file(mut self) {
        let file = self.input.file;
        let package = file.package.as_ref().map(|p| p.value.clone()).unwrap_or_default();
        let features = Features::for_syntax(&file.syntax).with(&file.options, &file.syntax);
        let import_path = self.input.import_path.to_string();
        let mut info = FileInfo {
            import_path: import_path.clone(),
            path: self.input.path.to_string(),
            syntax: file.syntax.clone(),
            syntax_at: file.syntax_range.map(|r| self.at(r)),
            package: file.package.as_ref().map(|p| p.value.clone()),
            package_at: file.package.as_ref().map(|p| self.at(p.range)),
            options: file.options.clone(),
            messages: Vec::new(),
            enums: Vec::new(),
            services: Vec::new(),
            extensions: Vec::new(),
        };
        for m in &file.messages {
            self.message(&package, m, &features, false, &mut info);
        }
        for e in &file.enums {
            self.enumeration(&package, e, &features, &mut info);
        }
        for x in &file.extends {
            self.extend(&package, x, &features, &mut info);
        }
        for s in &file.services {
            let name = join(&package, &s.name.value);
            let methods = s
                .methods
                .iter()
                .map(|m| {
                    let resolve = |t: &str| self.lookup(&package, t).map_or_else(|| t.trim_start_matches('.').to_string(), |(n, _)| n);
                    let method = MethodInfo {
                        name: m.name.value.clone(),
                        input: resolve(&m.input.value),
                        output: resolve(&m.output.value),
                        client_streaming: m.client_streaming,
                        server_streaming: m.server_streaming,
                        options: m.options.clone(),
                        at: self.at(m.range),
                        input_at: self.at(m.input.range),
                        output_at: self.at(m.output.range),
                    };
                    (m.name.value.clone(), method)
                })
                .collect();
            info.services.push(name.clone());
            let service =
                ServiceInfo { name: name.clone(), methods, options: s.options.clone(), file: import_path.clone(), at: self.at(s.range) };
            self.module.services.insert(name, Arc::new(service));
        }
        self.module.files.insert(import_path, Arc::new(info));
    }

    fn message(&mut self, scope: &str, m: &Message, parent: &Features, map_entry: bool, file: &mut FileInfo) {
        let name = join(scope, &m.name.value);
        let features = parent.with(&m.options, self.syntax());
        let mut info = MessageInfo {
            name: name.clone(),
            fields: BTreeMap::new(),
            oneofs: m.oneofs.iter().map(|o| OneofInfo { name: o.name.value.clone(), at: self.at(o.range) }).collect(),
            reserved: m.reserved.clone(),
            extension_ranges: m.extension_ranges.clone(),
            options: m.options.clone(),
            features: features.clone(),
            map_entry,
            file: file.import_path.clone(),
            at: self.at(m.range),
        };
        file.messages.push(name.clone());
        for f in &m.fields {
            let Some(field) = self.field(&name, f, &features, Some(m)) else { continue };
            // Maps are messages of their own on the wire: protoc generates `<Name>Entry`.
            if let TypeRef::Map(key, value) = &f.ty {
                let entry = format!("{}Entry", upper_camel(&f.name.value));
                let value_type = self.field_type(&name, value, false);
                let entry_name = join(&name, &entry);
                let field_at = |n: i64, fname: &str, ty: FieldType| FieldInfo {
                    name: fname.to_string(),
                    number: n,
                    cardinality: Cardinality::OptionalExplicit,
                    ty,
                    map: None,
                    json_name: fname.to_string(),
                    json_name_option: None,
                    oneof: None,
                    default: None,
                    options: Vec::new(),
                    features: features.clone(),
                    extendee: None,
                    at: self.at(f.range),
                    name_at: self.at(f.name.range),
                    type_at: self.at(f.type_range),
                };
                let fields = BTreeMap::from([(1, field_at(1, "key", FieldType::Scalar(*key))), (2, field_at(2, "value", value_type))]);
                let entry_info = MessageInfo {
                    name: entry_name.clone(),
                    fields,
                    oneofs: Vec::new(),
                    reserved: Reserved::default(),
                    extension_ranges: Vec::new(),
                    options: Vec::new(),
                    features: features.clone(),
                    map_entry: true,
                    file: file.import_path.clone(),
                    at: self.at(f.range),
                };
                file.messages.push(entry_name.clone());
                self.module.messages.insert(entry_name, Arc::new(entry_info));
            }
            info.fields.entry(field.number).or_insert(field);
        }
        for nested in &m.messages {
            self.message(&name, nested, &features, false, file);
        }
        for e in &m.enums {
            self.enumeration(&name, e, &features, file);
        }
        for x in &m.extends {
            self.extend(&name, x, &features, file);
        }
        self.module.messages.insert(name, Arc::new(info));
    }

    fn field(&self, scope: &str, f: &Field, parent: &Features, message: Option<&Message>) -> Option<FieldInfo> {
        let number = f.number.as_ref()?.value;
        let features = parent.with(&f.options, self.syntax());
        let delimited = features.message_encoding == "DELIMITED";
        // A map field is, on the wire, a repeated field of its generated entry message.
        let ty = match &f.ty {
            TypeRef::Map(..) => FieldType::Message { name: join(scope, &format!("{}Entry", upper_camel(&f.name.value))), delimited: false },
            other => self.field_type(scope, other, delimited),
        };
        let label = f.label.as_ref().map(|l| l.value);
        let in_oneof = f.oneof.is_some();
        let is_message = matches!(ty, FieldType::Message { .. });
        let cardinality = match (&f.ty, label) {
            (TypeRef::Map(..), _) => Cardinality::Map,
            (_, Some(Label::Repeated)) => Cardinality::Repeated,
            (_, Some(Label::Required)) => Cardinality::Required,
            _ if in_oneof || is_message => Cardinality::OptionalExplicit,
            _ => match self.syntax() {
                Syntax::Proto2 => Cardinality::OptionalExplicit,
                Syntax::Proto3 if label == Some(Label::Optional) => Cardinality::OptionalExplicit,
                Syntax::Proto3 => Cardinality::OptionalImplicit,
                Syntax::Edition(_) => match features.field_presence.as_str() {
                    "LEGACY_REQUIRED" => Cardinality::Required,
                    "IMPLICIT" => Cardinality::OptionalImplicit,
                    _ => Cardinality::OptionalExplicit,
                },
            },
        };
        let map = match &f.ty {
            TypeRef::Map(key, value) => Some((*key, self.field_type(scope, value, false))),
            _ => None,
        };
        let json_name_option = option(&f.options, "json_name").cloned();
        Some(FieldInfo {
            name: f.name.value.clone(),
            number,
            cardinality,
            ty,
            map,
            json_name: json_name_option.as_ref().map_or_else(|| json_name(&f.name.value), |o| o.value.as_text().to_string()),
            json_name_option,
            oneof: f.oneof.and_then(|i| message?.oneofs.get(i)).map(|o| o.name.value.clone()),
            default: option(&f.options, "default").cloned(),
            options: f.options.clone(),
            features,
            extendee: None,
            at: self.at(f.range),
            name_at: self.at(f.name.range),
            type_at: self.at(f.type_range),
        })
    }

    fn enumeration(&mut self, scope: &str, e: &Enum, parent: &Features, file: &mut FileInfo) {
        let name = join(scope, &e.name.value);
        let values = e
            .values
            .iter()
            .filter_map(|v| Some(EnumValueInfo { name: v.name.value.clone(), number: v.number.as_ref()?.value, at: self.at(v.range) }))
            .collect();
        file.enums.push(name.clone());
        let info = EnumInfo {
            name: name.clone(),
            values,
            reserved: e.reserved.clone(),
            options: e.options.clone(),
            features: parent.with(&e.options, self.syntax()),
            file: file.import_path.clone(),
            at: self.at(e.range),
        };
        self.module.enums.insert(name, Arc::new(info));
    }

    fn extend(&mut self, scope: &str, x: &Extend, parent: &Features, file: &mut FileInfo) {
        let extendee =
            self.lookup(scope, &x.extendee.value).map_or_else(|| x.extendee.value.trim_start_matches('.').to_string(), |(n, _)| n);
        for m in &x.messages {
            self.message(scope, m, parent, false, file);
        }
        for f in &x.fields {
            let Some(mut field) = self.field(scope, f, parent, None) else { continue };
            field.extendee = Some(extendee.clone());
            let name = join(scope, &f.name.value);
            file.extensions.push(name.clone());
            self.module.extensions.insert(name, Arc::new(field));
        }
    }
}

/// `addresses` → `Addresses`, `foo_bar` → `FooBar`: the name protoc gives a map's entry message.
fn upper_camel(name: &str) -> String {
    let camel = json_name(name);
    let mut chars = camel.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(files: &[(&str, &str)]) -> Module {
        let parsed: Vec<(&str, ProtoFile)> = files.iter().map(|(p, s)| (*p, crate::parse(s).file)).collect();
        let inputs: Vec<Input<'_>> = parsed.iter().map(|(p, f)| Input { import_path: p, path: p, file: f }).collect();
        resolve(&inputs)
    }

    #[test]
    fn names_resolve_from_the_innermost_scope_outward() {
        let m = module(&[
            ("a/common.proto", "syntax = \"proto3\"; package a; message Id { string v = 1; } enum Kind { K = 0; }"),
            (
                "a/b/user.proto",
                "syntax = \"proto3\"; package a.b; import \"a/common.proto\"; import \"google/protobuf/timestamp.proto\"; import \"google/api/annotations.proto\";
                 message User { message Id { int64 v = 1; } Id own = 1; a.Id shared = 2; .a.Kind kind = 3; google.protobuf.Timestamp at = 4;
                   google.type.Date birthday = 5; map<string, Id> by_name = 6; optional int32 age = 7; int32 plain = 8; }",
            ),
        ]);
        let user = &m.messages["a.b.User"];
        let ty = |n: i64| user.fields[&n].ty.clone();
        assert_eq!(ty(1), FieldType::Message { name: "a.b.User.Id".into(), delimited: false });
        assert_eq!(ty(2), FieldType::Message { name: "a.Id".into(), delimited: false });
        assert_eq!(ty(3), FieldType::Enum("a.Kind".into()));
        assert_eq!(ty(4), FieldType::Message { name: "google.protobuf.Timestamp".into(), delimited: false });
        assert_eq!(ty(5), FieldType::Unresolved("google.type.Date".into()));
        assert_eq!(user.fields[&6].cardinality, Cardinality::Map);
        assert_eq!(ty(6), FieldType::Message { name: "a.b.User.ByNameEntry".into(), delimited: false });
        assert_eq!(m.messages["a.b.User.ByNameEntry"].fields[&2].ty, FieldType::Message { name: "a.b.User.Id".into(), delimited: false });
        assert!(m.messages.contains_key("a.b.User.ByNameEntry"));
        assert_eq!(user.fields[&7].cardinality, Cardinality::OptionalExplicit);
        assert_eq!(user.fields[&8].cardinality, Cardinality::OptionalImplicit);
        assert_eq!(user.fields[&6].json_name, "byName");
        assert_eq!(m.notes.len(), 1, "{:?}", m.notes);
        assert!(m.notes[0].1.contains("google/api/annotations.proto"));
    }

    #[test]
    fn editions_features_and_proto2_defaults() {
        let m = module(&[
            (
                "e.proto",
                "edition = \"2023\"; package e; option features.field_presence = IMPLICIT;
                 message M { int32 a = 1; int32 b = 2 [features.field_presence = EXPLICIT]; int32 c = 3 [features.field_presence = LEGACY_REQUIRED];
                   N n = 4 [features.message_encoding = DELIMITED]; message N {} }
                 enum Closed { option features.enum_type = CLOSED; C = 0; }",
            ),
            ("p2.proto", "package p; message M { optional int32 a = 1; required int32 r = 2; optional group G = 3 {} } enum E { A = 1; }"),
        ]);
        let e = &m.messages["e.M"];
        let card = |n: i64| e.fields[&n].cardinality;
        assert_eq!([card(1), card(2), card(3)], [Cardinality::OptionalImplicit, Cardinality::OptionalExplicit, Cardinality::Required]);
        assert_eq!(e.fields[&4].ty, FieldType::Message { name: "e.M.N".into(), delimited: true });
        assert_eq!(m.enums["e.Closed"].features.enum_type, "CLOSED");
        let p = &m.messages["p.M"];
        assert_eq!(p.fields[&2].cardinality, Cardinality::Required);
        assert_eq!(p.fields[&3].ty, FieldType::Message { name: "p.M.G".into(), delimited: true });
        assert_eq!(m.enums["p.E"].features.enum_type, "CLOSED");
        assert_eq!(p.features.json_format, "LEGACY_BEST_EFFORT");
    }

    #[test]
    fn json_names() {
        assert_eq!(json_name("foo_bar_baz"), "fooBarBaz");
        assert_eq!(json_name("foo"), "foo");
        assert_eq!(upper_camel("by_name"), "ByName");
    }
}
