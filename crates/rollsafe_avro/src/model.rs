//! The model of one schema file: a tree of [`Node`]s, named types defined where they first appear
//! and referred to by full name after that.

use rollsafe_text::TextRange;
use std::collections::BTreeMap;

/// One schema file, read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SchemaFile {
    /// None when the text is not JSON (the syntax error is among the problems).
    pub schema: Option<Node>,
    pub problems: Vec<Problem>,
    /// References to named types this file does not define (read with [`crate::parse_in_set`]):
    /// the other schemas of the set may. Each is a [`Type::Ref`] in the tree.
    pub unresolved: Vec<Unresolved>,
}

/// A reference to a named type that the file does not define before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unresolved {
    /// The name as written (`Status`).
    pub written: String,
    /// The full name it stands for in its namespace (`acme.Status`), which the [`Type::Ref`] holds.
    pub full: String,
    /// For a simple name in a namespace: the null-namespace type it also may name (Java looks there
    /// next, and most registries run Java).
    pub fallback: Option<String>,
    pub range: TextRange,
}

impl Unresolved {
    /// The problem when no schema of the set defines it.
    pub fn unknown(&self) -> Problem {
        let hint = if self.fallback.is_some() { format!(" (looked up as `{}`)", shown(&self.full)) } else { String::new() };
        Problem {
            range: self.range,
            message: format!(
                "unknown type `{}`{hint}: not a primitive type, nor a named type defined before this point or by another schema file of the tree (a type from a dependency cannot be checked: accept it in rollsafe.toml's allow-list)",
                shown(&self.written)
            ),
            kind: ProblemKind::Invalid,
        }
    }
}

fn shown(text: &str) -> String {
    rollsafe_text::escape::quote(text)
}

/// A schema, and where it is written.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub ty: Type,
    /// The whole schema: a type name's string, an object, or a union's array.
    pub range: TextRange,
    /// A logical type the specification defines, on a base type it allows.
    pub logical: Option<Logical>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    Primitive(Primitive),
    Record(Record),
    Enum(Enum),
    Fixed(Fixed),
    Array(Box<Node>),
    Map(Box<Node>),
    Union(Vec<Node>),
    /// A named type defined elsewhere in the file (or in an earlier schema of the same set), by
    /// full name.
    Ref(String),
    /// What could not be read (reported among the problems); matches nothing and breaks nothing.
    Invalid,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Primitive {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Bytes,
    String,
}

impl Primitive {
    pub fn from_name(name: &str) -> Option<Primitive> {
        Some(match name {
            "null" => Primitive::Null,
            "boolean" => Primitive::Boolean,
            "int" => Primitive::Int,
            "long" => Primitive::Long,
            "float" => Primitive::Float,
            "double" => Primitive::Double,
            "bytes" => Primitive::Bytes,
            "string" => Primitive::String,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Primitive::Null => "null",
            Primitive::Boolean => "boolean",
            Primitive::Int => "int",
            Primitive::Long => "long",
            Primitive::Float => "float",
            Primitive::Double => "double",
            Primitive::Bytes => "bytes",
            Primitive::String => "string",
        }
    }
}

/// The name of a record, enum or fixed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    /// `namespace.name`, or `name` in the null namespace.
    pub full: String,
    /// The `name` attribute's value (quotes included).
    pub range: TextRange,
    /// Full names.
    pub aliases: Vec<String>,
}

impl Name {
    /// The name without its namespace: what schema resolution compares.
    pub fn short(&self) -> &str {
        self.full.rsplit('.').next().unwrap_or(&self.full)
    }

    pub fn namespace(&self) -> &str {
        self.full.rsplit_once('.').map_or("", |(ns, _)| ns)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub name: Name,
    /// Declared as `"type": "error"` (a protocol's error record).
    pub is_error: bool,
    pub fields: Vec<Field>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub name: String,
    /// The field's object.
    pub range: TextRange,
    pub name_range: TextRange,
    pub aliases: Vec<String>,
    pub ty: Node,
    /// The `default` value as written.
    pub default: Option<rollsafe_json::Value>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Enum {
    pub name: Name,
    pub symbols: Vec<Symbol>,
    /// The symbol a reader uses for a writer's symbol it does not know.
    pub default: Option<Symbol>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Fixed {
    pub name: Name,
    pub size: u64,
    pub size_range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Logical {
    Decimal {
        precision: u32,
        scale: u32,
    },
    /// Avro 1.12: a decimal of any scale, the scale written with each value.
    BigDecimal,
    Uuid,
    Date,
    TimeMillis,
    TimeMicros,
    TimestampMillis,
    TimestampMicros,
    TimestampNanos,
    LocalTimestampMillis,
    LocalTimestampMicros,
    LocalTimestampNanos,
    Duration,
}

impl Logical {
    pub fn describe(&self) -> String {
        match self {
            Logical::Decimal { precision, scale } => format!("decimal({precision}, {scale})"),
            Logical::BigDecimal => "big-decimal".into(),
            Logical::Uuid => "uuid".into(),
            Logical::Date => "date".into(),
            Logical::TimeMillis => "time-millis".into(),
            Logical::TimeMicros => "time-micros".into(),
            Logical::TimestampMillis => "timestamp-millis".into(),
            Logical::TimestampMicros => "timestamp-micros".into(),
            Logical::TimestampNanos => "timestamp-nanos".into(),
            Logical::LocalTimestampMillis => "local-timestamp-millis".into(),
            Logical::LocalTimestampMicros => "local-timestamp-micros".into(),
            Logical::LocalTimestampNanos => "local-timestamp-nanos".into(),
            Logical::Duration => "duration".into(),
        }
    }
}

/// Something wrong with a schema, where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub range: TextRange,
    pub message: String,
    pub kind: ProblemKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// Not JSON at all: nothing was read.
    Syntax,
    /// Not a valid schema there: Avro libraries reject the file.
    Invalid,
    /// Valid, but a reader ignores something the author meant (an unknown or invalid logical
    /// type), or older readers reject it (a union default that is not the first branch).
    Ignored,
}

impl Node {
    /// The schemas directly inside this one.
    pub fn children(&self) -> Vec<&Node> {
        match &self.ty {
            Type::Record(r) => r.fields.iter().map(|f| &f.ty).collect(),
            Type::Array(items) => vec![items],
            Type::Map(values) => vec![values],
            Type::Union(branches) => branches.iter().collect(),
            _ => Vec::new(),
        }
    }

    /// The name of a record, enum or fixed defined here.
    pub fn defined_name(&self) -> Option<&Name> {
        match &self.ty {
            Type::Record(r) => Some(&r.name),
            Type::Enum(e) => Some(&e.name),
            Type::Fixed(f) => Some(&f.name),
            _ => None,
        }
    }

    /// What this schema is, for messages (`long`, `record acme.User`, `array of string`).
    pub fn describe(&self) -> String {
        let base = match &self.ty {
            Type::Primitive(p) => p.name().to_string(),
            Type::Record(r) => format!("record {}", r.name.full),
            Type::Enum(e) => format!("enum {}", e.name.full),
            Type::Fixed(f) => format!("fixed {} ({} bytes)", f.name.full, f.size),
            Type::Array(items) => format!("array of {}", items.describe()),
            Type::Map(values) => format!("map of {}", values.describe()),
            Type::Union(branches) => format!("union [{}]", branches.iter().map(Node::describe).collect::<Vec<_>>().join(", ")),
            Type::Ref(name) => name.clone(),
            Type::Invalid => "an invalid schema".to_string(),
        };
        match &self.logical {
            Some(l) => format!("{base} ({})", l.describe()),
            None => base,
        }
    }
}

impl SchemaFile {
    /// Every named type the file defines, by full name (the first definition of a repeated name).
    pub fn named_types(&self) -> BTreeMap<&str, &Node> {
        let mut out = BTreeMap::new();
        let mut stack: Vec<&Node> = self.schema.iter().collect();
        while let Some(node) = stack.pop() {
            if let Some(name) = node.defined_name() {
                out.entry(name.full.as_str()).or_insert(node);
            }
            stack.extend(node.children().into_iter().rev());
        }
        out
    }
}
