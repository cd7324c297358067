//! What one `.proto` file declares, as written, with the byte range of every element. Names are as
//! written too: resolving them across files is [`crate::resolve`]'s job.

use rollsafe_text::TextRange;

/// A value with the byte range it was written at.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Spanned<T> {
    pub value: T,
    pub range: TextRange,
}

impl<T> Spanned<T> {
    pub fn new(value: T, range: TextRange) -> Spanned<T> {
        Spanned { value, range }
    }
}

/// `syntax = "proto2"`, `"proto3"`, or `edition = "2023"`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Syntax {
    /// Also what a file without a `syntax` statement is.
    #[default]
    Proto2,
    Proto3,
    /// The edition as written (`2023`, `2024`).
    Edition(String),
}

impl Syntax {
    pub fn name(&self) -> String {
        match self {
            Syntax::Proto2 => "proto2".to_string(),
            Syntax::Proto3 => "proto3".to_string(),
            Syntax::Edition(e) => format!("editions {e}"),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ProtoFile {
    pub syntax: Syntax,
    /// The `syntax` or `edition` statement.
    pub syntax_range: Option<TextRange>,
    pub package: Option<Spanned<String>>,
    pub imports: Vec<Import>,
    pub options: Vec<OptionDecl>,
    pub messages: Vec<Message>,
    pub enums: Vec<Enum>,
    pub services: Vec<Service>,
    pub extends: Vec<Extend>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImportKind {
    Plain,
    Public,
    Weak,
    /// `import option` (edition 2024): only for options, not types.
    Option,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Import {
    pub path: String,
    pub kind: ImportKind,
    pub range: TextRange,
}

/// An option's value, normalised so that equal values compare equal however they were written
/// (`0x10` and `16`, `'a'` and `"a"`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum OptionValue {
    /// An identifier: an enum value name, `true`, `false`, `inf`.
    Ident(String),
    /// A number as its canonical text (`-16`, `1.5`).
    Number(String),
    Str(String),
    /// A text-format message (`{ a: 1 }`), as written without comments or layout.
    Aggregate(String),
}

impl OptionValue {
    pub fn as_text(&self) -> &str {
        match self {
            OptionValue::Ident(s) | OptionValue::Number(s) | OptionValue::Str(s) | OptionValue::Aggregate(s) => s,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            OptionValue::Ident(s) if s == "true" => Some(true),
            OptionValue::Ident(s) if s == "false" => Some(false),
            _ => None,
        }
    }
}

/// `option java_package = "x";`, or one entry of a field's `[…]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OptionDecl {
    /// The name without spaces: `java_package`, `(my.ext).field`, `features.field_presence`.
    pub name: String,
    pub value: OptionValue,
    /// The whole statement (or the entry inside brackets).
    pub range: TextRange,
}

/// Finds an option by name in a list of declarations (the last one wins, as in protoc).
pub fn option<'a>(options: &'a [OptionDecl], name: &str) -> Option<&'a OptionDecl> {
    options.iter().rev().find(|o| o.name == name)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Label {
    Optional,
    Required,
    Repeated,
}

/// The scalar types protobuf knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scalar {
    Double,
    Float,
    Int32,
    Int64,
    Uint32,
    Uint64,
    Sint32,
    Sint64,
    Fixed32,
    Fixed64,
    Sfixed32,
    Sfixed64,
    Bool,
    String,
    Bytes,
}

impl Scalar {
    pub fn from_name(name: &str) -> Option<Scalar> {
        Some(match name {
            "double" => Scalar::Double,
            "float" => Scalar::Float,
            "int32" => Scalar::Int32,
            "int64" => Scalar::Int64,
            "uint32" => Scalar::Uint32,
            "uint64" => Scalar::Uint64,
            "sint32" => Scalar::Sint32,
            "sint64" => Scalar::Sint64,
            "fixed32" => Scalar::Fixed32,
            "fixed64" => Scalar::Fixed64,
            "sfixed32" => Scalar::Sfixed32,
            "sfixed64" => Scalar::Sfixed64,
            "bool" => Scalar::Bool,
            "string" => Scalar::String,
            "bytes" => Scalar::Bytes,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Scalar::Double => "double",
            Scalar::Float => "float",
            Scalar::Int32 => "int32",
            Scalar::Int64 => "int64",
            Scalar::Uint32 => "uint32",
            Scalar::Uint64 => "uint64",
            Scalar::Sint32 => "sint32",
            Scalar::Sint64 => "sint64",
            Scalar::Fixed32 => "fixed32",
            Scalar::Fixed64 => "fixed64",
            Scalar::Sfixed32 => "sfixed32",
            Scalar::Sfixed64 => "sfixed64",
            Scalar::Bool => "bool",
            Scalar::String => "string",
            Scalar::Bytes => "bytes",
        }
    }

    /// Whether the type is a 64-bit integer (the `jstype` option applies).
    pub fn is_64_bit_integer(self) -> bool {
        matches!(self, Scalar::Int64 | Scalar::Uint64 | Scalar::Sint64 | Scalar::Fixed64 | Scalar::Sfixed64)
    }
}

/// A field's type as written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TypeRef {
    Scalar(Scalar),
    /// A message or enum name as written (`Foo`, `.pkg.Foo`, `google.protobuf.Timestamp`).
    Named(String),
    /// A proto2 group: the nested message of this name (in the same message).
    Group(String),
    /// `map<K, V>`: the key scalar and the value type.
    Map(Scalar, Box<TypeRef>),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Field {
    pub name: Spanned<String>,
    /// `None` when the number could not be read (an error says why).
    pub number: Option<Spanned<i64>>,
    pub label: Option<Spanned<Label>>,
    pub ty: TypeRef,
    /// The type as written (`int64`, `.pkg.Foo`, `map<string, Foo>`).
    pub type_range: TextRange,
    pub options: Vec<OptionDecl>,
    /// The whole declaration, label to `;` (a group: to its closing brace).
    pub range: TextRange,
    /// Index into the message's `oneofs`.
    pub oneof: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Oneof {
    pub name: Spanned<String>,
    pub options: Vec<OptionDecl>,
    pub range: TextRange,
}

/// A `reserved` or `extensions` range, inclusive on both ends.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NumberRange {
    pub start: i64,
    pub end: i64,
    pub range: TextRange,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Reserved {
    pub ranges: Vec<NumberRange>,
    pub names: Vec<Spanned<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Message {
    pub name: Spanned<String>,
    pub fields: Vec<Field>,
    pub oneofs: Vec<Oneof>,
    pub messages: Vec<Message>,
    pub enums: Vec<Enum>,
    pub extends: Vec<Extend>,
    pub reserved: Reserved,
    pub extension_ranges: Vec<NumberRange>,
    pub options: Vec<OptionDecl>,
    /// The whole declaration, `message` to `}`.
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EnumValue {
    pub name: Spanned<String>,
    pub number: Option<Spanned<i64>>,
    pub options: Vec<OptionDecl>,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Enum {
    pub name: Spanned<String>,
    pub values: Vec<EnumValue>,
    pub reserved: Reserved,
    pub options: Vec<OptionDecl>,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Method {
    pub name: Spanned<String>,
    pub input: Spanned<String>,
    pub output: Spanned<String>,
    pub client_streaming: bool,
    pub server_streaming: bool,
    pub options: Vec<OptionDecl>,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Service {
    pub name: Spanned<String>,
    pub methods: Vec<Method>,
    pub options: Vec<OptionDecl>,
    pub range: TextRange,
}

/// `extend Foo { … }`: extension fields of another message.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Extend {
    /// The extended message as written.
    pub extendee: Spanned<String>,
    pub fields: Vec<Field>,
    /// Groups declared inside the block.
    pub messages: Vec<Message>,
    pub range: TextRange,
}
