//! Column types: a normalised model, parsing from SQL text, and the widening/narrowing verdict.
//!
//! Types are parsed from their SQL text (sqlparser's rendering of its `DataType`, or the source tokens
//! in the fallback path), so both paths produce the same model. Aliases collapse (`int4` = `integer`,
//! `character varying` = `varchar`, MySQL `bool` = `tinyint(1)`), and the comparison is by capacity:
//! whether every value the old type accepts is still accepted by the new one.

use crate::Dialect;
use crate::lexer::{TokenKind, tokenize};
use crate::name::{Name, string_literal, unquote};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TypeKind {
    Bool,
    /// Integers by storage size in bytes (1, 2, 3, 4, 8).
    Int {
        bytes: u8,
        unsigned: bool,
    },
    /// `numeric(p, s)`; `precision: None` is unconstrained `numeric`.
    Decimal {
        precision: Option<u32>,
        scale: u32,
        unsigned: bool,
    },
    Float {
        bytes: u8,
    },
    /// Character strings; `length: None` is unbounded (`varchar` without length).
    Char {
        fixed: bool,
        length: Option<u32>,
    },
    /// `text`: unbounded like `varchar`, a distinct type in PostgreSQL. Compares as unbounded `varchar`.
    Text,
    /// Binary strings (`bytea`, `blob`, `varbinary(n)`, `binary(n)`).
    Binary {
        fixed: bool,
        length: Option<u32>,
    },
    Bit {
        varying: bool,
        length: Option<u32>,
    },
    Date,
    Time {
        tz: bool,
        precision: Option<u32>,
    },
    Timestamp {
        tz: bool,
        precision: Option<u32>,
    },
    Interval {
        precision: Option<u32>,
    },
    Year,
    Uuid,
    Json,
    Jsonb,
    /// MySQL's inline `ENUM('a', 'b')` and `SET(...)`.
    InlineEnum {
        set: bool,
        values: Vec<String>,
    },
    /// Any other type: a user-defined type (enum, domain, composite) or a built-in rollsafe does not
    /// model in detail (`inet`, `money`, `tsvector`, …). Compared by name.
    Named {
        schema: Option<String>,
        name: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SqlType {
    pub kind: TypeKind,
    /// Number of array dimensions (`int[]` = 1). PostgreSQL ignores declared sizes, so only the count matters.
    pub array_dims: u8,
}

/// What a type's text declared beyond the type itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedType {
    pub ty: SqlType,
    /// `serial`/`bigserial`/`smallserial`: an integer with a sequence default and NOT NULL.
    pub serial: bool,
    /// A `COLLATE` / `CHARACTER SET` suffix was present (ignored by the model).
    pub has_collation: bool,
}

/// The verdict of comparing an old column type with a new one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeChange {
    Same,
    /// Accepts more, in a way N-1 code does not notice: a longer `varchar(n)`, more digits of
    /// `numeric`, more fractional-second digits. Not worth a finding.
    Compatible,
    /// Every old value still fits; old readers may not decode the larger values N writes
    /// (`integer` → `bigint`, `varchar(n)` → `text`, `real` → `double precision`).
    Widened,
    /// Some values the old type accepts are rejected or truncated by the new one. The string says how.
    Narrowed(String),
    /// Values are accepted but rounded (numeric scale, fractional-second precision).
    PrecisionReduced(String),
    /// PostgreSQL casts between the two implicitly both ways (`timestamp` ↔ `timestamptz`,
    /// `text` ↔ `citext`): old code still reads and writes, but clients may decode or compare the
    /// values differently. The string says how.
    Reinterpreted(String),
    /// A different kind of type: old code reading or writing the column gets another type.
    FamilyChanged,
}

impl SqlType {
    pub fn named(name: &str) -> SqlType {
        SqlType { kind: TypeKind::Named { schema: None, name: name.to_string() }, array_dims: 0 }
    }

    /// The user-defined type this column uses, if any (enum, domain, composite).
    pub fn user_type(&self) -> Option<(Option<&str>, &str)> {
        match &self.kind {
            TypeKind::Named { schema, name } => Some((schema.as_deref(), name.as_str())),
            _ => None,
        }
    }

    /// PostgreSQL's `format_type` spelling, used to compare the model with a real database.
    pub fn pg_format(&self) -> String {
        let base = match &self.kind {
            TypeKind::Bool => "boolean".to_string(),
            TypeKind::Int { bytes: 2, .. } => "smallint".into(),
            TypeKind::Int { bytes: 8, .. } => "bigint".into(),
            TypeKind::Int { .. } => "integer".into(),
            TypeKind::Decimal { precision: Some(p), scale, .. } => format!("numeric({p},{scale})"),
            TypeKind::Decimal { precision: None, .. } => "numeric".into(),
            TypeKind::Float { bytes: 4 } => "real".into(),
            TypeKind::Float { .. } => "double precision".into(),
            TypeKind::Char { fixed: true, length } => format!("character({})", length.unwrap_or(1)),
            TypeKind::Char { fixed: false, length: Some(n) } => format!("character varying({n})"),
            TypeKind::Char { fixed: false, length: None } => "character varying".into(),
            TypeKind::Text => "text".into(),
            TypeKind::Binary { .. } => "bytea".into(),
            TypeKind::Bit { varying: false, length } => format!("bit({})", length.unwrap_or(1)),
            TypeKind::Bit { varying: true, length: Some(n) } => format!("bit varying({n})"),
            TypeKind::Bit { varying: true, length: None } => "bit varying".into(),
            TypeKind::Date => "date".into(),
            TypeKind::Time { tz, precision } => temporal("time", *tz, *precision),
            TypeKind::Timestamp { tz, precision } => temporal("timestamp", *tz, *precision),
            TypeKind::Interval { precision: Some(p) } => format!("interval({p})"),
            TypeKind::Interval { precision: None } => "interval".into(),
            TypeKind::Year => "year".into(),
            TypeKind::Uuid => "uuid".into(),
            TypeKind::Json => "json".into(),
            TypeKind::Jsonb => "jsonb".into(),
            TypeKind::InlineEnum { .. } => "enum".into(),
            TypeKind::Named { schema: Some(s), name } if s != "public" && s != "pg_catalog" => format!("{s}.{name}"),
            TypeKind::Named { name, .. } => name.clone(),
        };
        let mut out = base;
        for _ in 0..self.array_dims {
            out.push_str("[]");
        }
        out
    }

    /// SQLite's type affinity for a declared type (sqlite.org/datatype3.html, section 3.1).
    pub fn sqlite_affinity(&self) -> &'static str {
        match &self.kind {
            TypeKind::Int { .. } => "INTEGER",
            TypeKind::Char { .. } | TypeKind::Text | TypeKind::Uuid | TypeKind::Json | TypeKind::Jsonb => "TEXT",
            TypeKind::Binary { .. } => "BLOB",
            TypeKind::Float { .. } => "REAL",
            TypeKind::Named { name, .. } => {
                let upper = name.to_ascii_uppercase();
                if upper.contains("INT") {
                    "INTEGER"
                } else if upper.contains("CHAR") || upper.contains("CLOB") || upper.contains("TEXT") {
                    "TEXT"
                } else if upper.contains("BLOB") || upper.is_empty() {
                    "BLOB"
                } else if upper.contains("REAL") || upper.contains("FLOA") || upper.contains("DOUB") {
                    "REAL"
                } else {
                    "NUMERIC"
                }
            }
            _ => "NUMERIC",
        }
    }
}

fn temporal(base: &str, tz: bool, precision: Option<u32>) -> String {
    let p = precision.map(|p| format!("({p})")).unwrap_or_default();
    let zone = if tz { "with time zone" } else { "without time zone" };
    format!("{base}{p} {zone}")
}

/// Parses a type from SQL text such as `character varying(20)`, `numeric(10, 2)`, `int[]`,
/// `timestamp(3) with time zone`, `public.mood`, `int(11) unsigned`, `enum('a','b')`.
pub fn parse_type(text: &str, dialect: Dialect) -> ParsedType {
    let tokens: Vec<_> = tokenize(text, dialect).into_iter().filter(|t| !t.is_trivia()).collect();
    let mut words: Vec<String> = Vec::new();
    let mut quoted_parts: Vec<Name> = Vec::new();
    let mut args: Vec<String> = Vec::new();
    let mut array_dims = 0u8;
    let mut has_collation = false;
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i];
        let s = t.text(text);
        match t.kind {
            TokenKind::Word => {
                let lower = s.to_ascii_lowercase();
                if matches!(lower.as_str(), "collate" | "charset") || (lower == "character" && next_word_is(&tokens, i, text, "set")) {
                    has_collation = true;
                    break;
                }
                if lower == "array" {
                    array_dims = array_dims.saturating_add(1);
                    // `ARRAY[3]` declares a size PostgreSQL ignores.
                    if tokens.get(i + 1).is_some_and(|n| n.is_punct(text, '[')) {
                        i = skip_brackets(&tokens, i + 1, text);
                        continue;
                    }
                } else {
                    quoted_parts.push(Name::from_parts(s.to_string(), false, dialect));
                    words.push(lower);
                }
            }
            TokenKind::QuotedIdent => {
                let (value, _) = unquote(s);
                quoted_parts.push(Name::from_parts(value.clone(), true, dialect));
                words.push(value);
            }
            TokenKind::Punct if s == "(" => {
                let mut depth = 0;
                let mut current = String::new();
                while i < tokens.len() {
                    let tok = tokens[i];
                    let ts = tok.text(text);
                    if tok.is_punct(text, '(') {
                        depth += 1;
                        if depth > 1 {
                            current.push('(');
                        }
                    } else if tok.is_punct(text, ')') {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                        current.push(')');
                    } else if tok.is_punct(text, ',') && depth == 1 {
                        args.push(std::mem::take(&mut current));
                    } else {
                        current.push_str(ts);
                    }
                    i += 1;
                }
                if !current.is_empty() {
                    args.push(current);
                }
            }
            TokenKind::Punct if s == "[" => {
                array_dims = array_dims.saturating_add(1);
                i = skip_brackets(&tokens, i, text);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    let nums: Vec<Option<u32>> = args.iter().map(|a| a.trim().parse::<u32>().ok()).collect();
    let num = |k: usize| nums.get(k).copied().flatten();
    let unsigned = words.iter().any(|w| w == "unsigned");
    let words_wo_mods: Vec<&str> = words.iter().map(String::as_str).filter(|w| !matches!(*w, "unsigned" | "signed" | "zerofill")).collect();
    let joined = words_wo_mods.join(" ");
    let tz = joined.contains("with time zone") || joined.ends_with("tz");
    let mut serial = false;
    let kind = match joined.as_str() {
        "bool" | "boolean" => {
            if dialect == Dialect::MySql {
                TypeKind::Int { bytes: 1, unsigned: false }
            } else {
                TypeKind::Bool
            }
        }
        "tinyint" | "int1" => TypeKind::Int { bytes: 1, unsigned },
        "smallint" | "int2" => TypeKind::Int { bytes: 2, unsigned },
        "mediumint" | "int3" | "middleint" => TypeKind::Int { bytes: 3, unsigned },
        "int" | "integer" | "int4" => TypeKind::Int { bytes: 4, unsigned },
        "bigint" | "int8" => TypeKind::Int { bytes: 8, unsigned },
        "smallserial" | "serial2" => {
            serial = true;
            TypeKind::Int { bytes: 2, unsigned: false }
        }
        "serial" | "serial4" => {
            // MySQL's SERIAL is BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE.
            serial = true;
            if dialect == Dialect::MySql { TypeKind::Int { bytes: 8, unsigned: true } } else { TypeKind::Int { bytes: 4, unsigned: false } }
        }
        "bigserial" | "serial8" => {
            serial = true;
            TypeKind::Int { bytes: 8, unsigned: false }
        }
        "numeric" | "decimal" | "dec" | "fixed" => match (num(0), num(1)) {
            (Some(p), s) => TypeKind::Decimal { precision: Some(p), scale: s.unwrap_or(0), unsigned },
            (None, _) if dialect == Dialect::MySql => TypeKind::Decimal { precision: Some(10), scale: 0, unsigned },
            (None, _) => TypeKind::Decimal { precision: None, scale: 0, unsigned },
        },
        "real" | "float4" => {
            if dialect == Dialect::MySql {
                TypeKind::Float { bytes: 8 }
            } else {
                TypeKind::Float { bytes: 4 }
            }
        }
        "double precision" | "double" | "float8" => TypeKind::Float { bytes: 8 },
        // float(p): p <= 24 is single precision in both PostgreSQL and MySQL.
        "float" => match num(0) {
            Some(p) if p <= 24 => TypeKind::Float { bytes: 4 },
            Some(_) => TypeKind::Float { bytes: 8 },
            None if dialect == Dialect::MySql => TypeKind::Float { bytes: 4 },
            None => TypeKind::Float { bytes: 8 },
        },
        "money" => TypeKind::Named { schema: None, name: "money".into() },
        "varchar"
        | "character varying"
        | "char varying"
        | "nvarchar"
        | "national character varying"
        | "national char varying"
        | "varchar2"
        | "nchar varying" => TypeKind::Char { fixed: false, length: num(0) },
        "char" | "character" | "nchar" | "national character" | "national char" | "bpchar" => {
            // `bpchar` without length is unbounded blank-padded text.
            let length = num(0).or(if joined == "bpchar" { None } else { Some(1) });
            TypeKind::Char { fixed: true, length }
        }
        "text" | "clob" | "string" => match dialect {
            Dialect::MySql => TypeKind::Char { fixed: false, length: Some(65_535) },
            _ => TypeKind::Text,
        },
        "tinytext" => TypeKind::Char { fixed: false, length: Some(255) },
        "mediumtext" => TypeKind::Char { fixed: false, length: Some(16_777_215) },
        "longtext" => TypeKind::Char { fixed: false, length: Some(u32::MAX) },
        "citext" => TypeKind::Named { schema: None, name: "citext".into() },
        "bytea" => TypeKind::Binary { fixed: false, length: None },
        "blob" => match dialect {
            Dialect::MySql => TypeKind::Binary { fixed: false, length: Some(65_535) },
            _ => TypeKind::Binary { fixed: false, length: None },
        },
        "tinyblob" => TypeKind::Binary { fixed: false, length: Some(255) },
        "mediumblob" => TypeKind::Binary { fixed: false, length: Some(16_777_215) },
        "longblob" => TypeKind::Binary { fixed: false, length: Some(u32::MAX) },
        "varbinary" => TypeKind::Binary { fixed: false, length: num(0) },
        "binary" => TypeKind::Binary { fixed: true, length: num(0).or(Some(1)) },
        "bit" => TypeKind::Bit { varying: false, length: num(0).or(Some(1)) },
        "bit varying" | "varbit" => TypeKind::Bit { varying: true, length: num(0) },
        "date" => TypeKind::Date,
        "datetime" => TypeKind::Timestamp { tz: false, precision: num(0).or(mysql_zero(dialect)) },
        "year" => TypeKind::Year,
        "uuid" | "uniqueidentifier" => TypeKind::Uuid,
        "json" => TypeKind::Json,
        "jsonb" => TypeKind::Jsonb,
        "enum" | "set" if dialect == Dialect::MySql => {
            TypeKind::InlineEnum { set: joined == "set", values: args.iter().filter_map(|a| string_literal(a.trim())).collect() }
        }
        j if j.starts_with("timestamp") => {
            let precision = num(0).or(mysql_zero(dialect));
            // MySQL's TIMESTAMP is stored in UTC and converted: it behaves like timestamptz.
            TypeKind::Timestamp { tz: tz || (dialect == Dialect::MySql && j == "timestamp"), precision }
        }
        j if j.starts_with("time") && !j.starts_with("times") => TypeKind::Time { tz, precision: num(0).or(mysql_zero(dialect)) },
        j if j.starts_with("interval") => TypeKind::Interval { precision: num(0) },
        _ => {
            let (schema, name) = match quoted_parts.len() {
                0 => (None, String::new()),
                1 => (None, quoted_parts[0].key.clone()),
                n => (Some(quoted_parts[n - 2].key.clone()), quoted_parts[n - 1].key.clone()),
            };
            // `pg_catalog.int4` and friends are the built-ins under their catalog names.
            if schema.as_deref() == Some("pg_catalog") {
                let inner = parse_type(&text.replacen("pg_catalog.", "", 1), dialect);
                return ParsedType { has_collation, ..inner };
            }
            TypeKind::Named { schema, name }
        }
    };
    ParsedType { ty: SqlType { kind, array_dims }, serial, has_collation }
}

fn mysql_zero(dialect: Dialect) -> Option<u32> {
    (dialect == Dialect::MySql).then_some(0)
}

fn next_word_is(tokens: &[crate::lexer::Token], i: usize, text: &str, word: &str) -> bool {
    tokens.get(i + 1).is_some_and(|t| t.is_word(text, word))
}

fn skip_brackets(tokens: &[crate::lexer::Token], mut i: usize, text: &str) -> usize {
    while i < tokens.len() {
        if tokens[i].is_punct(text, ']') {
            return i + 1;
        }
        i += 1;
    }
    i
}

fn int_range(bytes: u8, unsigned: bool) -> (i128, i128) {
    let bits = u32::from(bytes) * 8;
    if unsigned { (0, (1i128 << bits) - 1) } else { (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1) }
}

/// Compares an N-1 column type with its N type. SQLite compares affinities only: it stores any value
/// in any column of a non-STRICT table, so declared lengths constrain nothing.
pub fn compare(old: &SqlType, new: &SqlType, dialect: Dialect) -> TypeChange {
    if old == new {
        return TypeChange::Same;
    }
    if dialect == Dialect::Sqlite {
        return if old.sqlite_affinity() == new.sqlite_affinity() && old.array_dims == new.array_dims {
            TypeChange::Same
        } else {
            TypeChange::FamilyChanged
        };
    }
    if old.array_dims != new.array_dims {
        return TypeChange::FamilyChanged;
    }
    use TypeKind::*;
    // `text` is unbounded `varchar` for every purpose but its name.
    let as_char = |k: &TypeKind| if *k == Text { Char { fixed: false, length: None } } else { k.clone() };
    match (&as_char(&old.kind), &as_char(&new.kind)) {
        (Int { bytes: ob, unsigned: ou }, Int { bytes: nb, unsigned: nu }) => {
            let (omin, omax) = int_range(*ob, *ou);
            let (nmin, nmax) = int_range(*nb, *nu);
            if nmin <= omin && nmax >= omax {
                TypeChange::Widened
            } else if nmin > omin && nmax < omax {
                TypeChange::Narrowed(format!("values outside {nmin}..={nmax} no longer fit"))
            } else if nmin > omin {
                TypeChange::Narrowed(format!("values below {nmin} no longer fit"))
            } else {
                TypeChange::Narrowed(format!("values above {nmax} no longer fit"))
            }
        }
        (Decimal { precision: op, scale: os, unsigned: ou }, Decimal { precision: np, scale: ns, unsigned: nu }) => {
            // Digits before the decimal point decide what is rejected; the scale only rounds.
            let old_int = op.map(|p| p.saturating_sub(*os));
            let new_int = np.map(|p| p.saturating_sub(*ns));
            let int_narrowed = match (old_int, new_int) {
                (None, Some(_)) => true,
                (Some(o), Some(n)) => n < o,
                _ => false,
            };
            if int_narrowed {
                let limit = new_int.map_or(String::new(), |n| format!(" ({n} digits before the point)"));
                TypeChange::Narrowed(format!("larger values no longer fit{limit}"))
            } else if !ou && *nu {
                TypeChange::Narrowed("negative values are rejected".into())
            } else if np.is_some() && (ns < os || op.is_none()) {
                TypeChange::PrecisionReduced(format!("values are rounded to {ns} decimal places"))
            } else if np.is_none() && op.is_some() {
                // Bounded to unbounded numeric: readers expecting a fixed scale see any scale.
                TypeChange::Widened
            } else {
                TypeChange::Compatible
            }
        }
        (Float { bytes: o }, Float { bytes: n }) => {
            if n >= o {
                TypeChange::Widened
            } else {
                TypeChange::Narrowed("double-precision values are rounded and large ones overflow".into())
            }
        }
        (Char { fixed: of, length: ol }, Char { fixed: nf, length: nl }) => compare_lengths(*ol, *nl, *of, *nf, "characters"),
        (Binary { fixed: of, length: ol }, Binary { fixed: nf, length: nl }) => compare_lengths(*ol, *nl, *of, *nf, "bytes"),
        (Bit { varying: ov, length: ol }, Bit { varying: nv, length: nl }) => compare_lengths(*ol, *nl, !*ov, !*nv, "bits"),
        (Time { tz: otz, precision: op }, Time { tz: ntz, precision: np })
        | (Timestamp { tz: otz, precision: op }, Timestamp { tz: ntz, precision: np }) => {
            if otz != ntz {
                // MySQL's TIMESTAMP and DATETIME differ in range, not only in zone handling.
                if dialect != Dialect::Postgres {
                    return TypeChange::FamilyChanged;
                }
                return TypeChange::Reinterpreted(if *ntz {
                    "clients may decode it as a zone-aware instant, and existing values are read as in the session's time zone".into()
                } else {
                    "clients may decode it as a local date-time without its zone".into()
                });
            }
            compare_fraction(*op, *np)
        }
        (Interval { precision: op }, Interval { precision: np }) => compare_fraction(*op, *np),
        (InlineEnum { set: os, values: ov }, InlineEnum { set: ns, values: nv }) if os == ns => {
            let missing: Vec<&String> = ov.iter().filter(|v| !nv.contains(v)).collect();
            if missing.is_empty() {
                TypeChange::Widened
            } else {
                let list = missing.iter().map(|v| format!("'{v}'")).collect::<Vec<_>>().join(", ");
                TypeChange::Narrowed(format!("value {list} is no longer accepted"))
            }
        }
        (Char { fixed: false, .. }, Named { schema: None, name }) if dialect == Dialect::Postgres && name == "citext" => {
            TypeChange::Reinterpreted("comparisons and unique keys on it become case-insensitive".into())
        }
        (Named { schema: None, name }, Char { fixed: false, length: None }) if dialect == Dialect::Postgres && name == "citext" => {
            TypeChange::Reinterpreted("comparisons and unique keys on it become case-sensitive".into())
        }
        _ => TypeChange::FamilyChanged,
    }
}

fn compare_lengths(old: Option<u32>, new: Option<u32>, old_fixed: bool, new_fixed: bool, unit: &str) -> TypeChange {
    // Variable to fixed length pads values: readers see different data.
    if !old_fixed && new_fixed {
        return TypeChange::FamilyChanged;
    }
    match (old, new) {
        (None, None) if old_fixed == new_fixed => TypeChange::Same,
        (_, None) => TypeChange::Widened,
        (None, Some(n)) => TypeChange::Narrowed(format!("values longer than {n} {unit} no longer fit")),
        (Some(o), Some(n)) if n < o => TypeChange::Narrowed(format!("values longer than {n} {unit} no longer fit")),
        (Some(o), Some(n)) if n == o && old_fixed == new_fixed => TypeChange::Same,
        // MySQL's TEXT types are modelled by capacity (TEXT = 65,535): reaching one from a VARCHAR
        // is the varchar → text widening.
        (Some(o), Some(n)) if o < 65_535 && n >= 65_535 => TypeChange::Widened,
        // A longer bound (varchar(100) → varchar(255)): every reader of a bounded string copes.
        (Some(_), Some(_)) if old_fixed == new_fixed => TypeChange::Compatible,
        _ => TypeChange::Widened,
    }
}

fn compare_fraction(old: Option<u32>, new: Option<u32>) -> TypeChange {
    // No precision means the maximum (6 fractional digits).
    let (o, n) = (old.unwrap_or(6), new.unwrap_or(6));
    if n < o {
        TypeChange::PrecisionReduced(format!("fractional seconds are rounded to {n} digits"))
    } else if n == o {
        TypeChange::Same
    } else {
        TypeChange::Compatible
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pg(text: &str) -> SqlType {
        parse_type(text, Dialect::Postgres).ty
    }

    fn verdict(old: &str, new: &str) -> TypeChange {
        compare(&pg(old), &pg(new), Dialect::Postgres)
    }

    #[test]
    fn aliases_collapse() {
        assert_eq!(pg("int4"), pg("INTEGER"));
        assert_eq!(pg("character varying(20)"), pg("varchar(20)"));
        assert_eq!(pg("timestamptz"), pg("timestamp with time zone"));
        assert_eq!(pg("pg_catalog.int8"), pg("bigint"));
        assert_eq!(pg("int[]"), pg("integer ARRAY"));
        assert_eq!(pg("decimal(10, 2)"), pg("numeric(10,2)"));
        assert!(parse_type("serial", Dialect::Postgres).serial);
        assert_eq!(pg("public.\"Mood\"").kind, TypeKind::Named { schema: Some("public".into()), name: "Mood".into() });
    }

    #[test]
    fn pg_format_matches_format_type() {
        assert_eq!(pg("varchar(20)").pg_format(), "character varying(20)");
        assert_eq!(pg("timestamp(3) with time zone").pg_format(), "timestamp(3) with time zone");
        assert_eq!(pg("float").pg_format(), "double precision");
        assert_eq!(pg("int[][]").pg_format(), "integer[][]");
        assert_eq!(pg("char").pg_format(), "character(1)");
    }

    #[test]
    fn widening_and_narrowing() {
        assert_eq!(verdict("varchar(100)", "varchar(255)"), TypeChange::Compatible);
        assert!(matches!(verdict("varchar(100)", "varchar(50)"), TypeChange::Narrowed(_)));
        assert!(matches!(verdict("text", "varchar(255)"), TypeChange::Narrowed(_)));
        assert_eq!(verdict("varchar(10)", "text"), TypeChange::Widened);
        assert_eq!(verdict("varchar", "text"), TypeChange::Same);
        assert_eq!(pg("varchar").pg_format(), "character varying");
        assert_eq!(verdict("int", "bigint"), TypeChange::Widened);
        assert!(matches!(verdict("bigint", "int"), TypeChange::Narrowed(_)));
        assert_eq!(verdict("int", "numeric"), TypeChange::FamilyChanged);
        assert_eq!(verdict("int", "text"), TypeChange::FamilyChanged);
        assert_eq!(verdict("numeric(10,2)", "numeric(12,2)"), TypeChange::Compatible);
        assert_eq!(verdict("numeric(10,2)", "numeric"), TypeChange::Widened);
        assert!(matches!(verdict("numeric(10,2)", "numeric(8,2)"), TypeChange::Narrowed(_)));
        assert!(matches!(verdict("numeric(10,4)", "numeric(12,2)"), TypeChange::PrecisionReduced(_)));
        assert!(matches!(verdict("numeric", "numeric(30,2)"), TypeChange::Narrowed(_)));
        assert!(matches!(verdict("timestamp(6)", "timestamp(3)"), TypeChange::PrecisionReduced(_)));
        assert!(matches!(verdict("timestamp", "timestamptz"), TypeChange::Reinterpreted(_)));
        assert!(matches!(verdict("timestamptz(3)", "timestamp(3)"), TypeChange::Reinterpreted(_)));
        assert!(matches!(verdict("varchar(40)", "citext"), TypeChange::Reinterpreted(_)));
        assert!(matches!(verdict("citext", "text"), TypeChange::Reinterpreted(_)));
        // MySQL's TIMESTAMP and DATETIME differ in range: not a mere reinterpretation.
        let my = |t: &str| parse_type(t, Dialect::MySql).ty;
        assert_eq!(compare(&my("datetime"), &my("timestamp"), Dialect::MySql), TypeChange::FamilyChanged);
        assert!(matches!(verdict("double precision", "real"), TypeChange::Narrowed(_)));
        assert_eq!(verdict("int[]", "bigint[]"), TypeChange::Widened);
    }

    #[test]
    fn mysql_types() {
        let my = |t: &str| parse_type(t, Dialect::MySql).ty;
        assert_eq!(my("int(11)"), my("INT"));
        assert!(matches!(compare(&my("int unsigned"), &my("int"), Dialect::MySql), TypeChange::Narrowed(_)));
        assert_eq!(compare(&my("int unsigned"), &my("bigint"), Dialect::MySql), TypeChange::Widened);
        assert_eq!(compare(&my("varchar(255)"), &my("text"), Dialect::MySql), TypeChange::Widened);
        assert!(matches!(compare(&my("enum('a','b')"), &my("enum('a')"), Dialect::MySql), TypeChange::Narrowed(_)));
        assert!(parse_type("varchar(10) CHARACTER SET utf8mb4", Dialect::MySql).has_collation);
    }

    #[test]
    fn sqlite_compares_affinity() {
        let lite = |t: &str| parse_type(t, Dialect::Sqlite).ty;
        assert_eq!(compare(&lite("varchar(100)"), &lite("varchar(10)"), Dialect::Sqlite), TypeChange::Same);
        assert_eq!(compare(&lite("INTEGER"), &lite("TEXT"), Dialect::Sqlite), TypeChange::FamilyChanged);
    }
}
