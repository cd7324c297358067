//! Functions and procedures by signature, as PostgreSQL identifies them.
//!
//! A routine's identity is its schema, its name and the types of its input arguments (`IN`,
//! `INOUT`, `VARIADIC`; `OUT` arguments are part of the result), with type modifiers ignored
//! (`varchar(40)` and `varchar` are one type to a signature). Two routines of one name with other
//! argument types are overloads: both exist, and a call picks the one its arguments fit. What a
//! caller depends on besides the identity is the return type (a `RETURNS TABLE`'s columns, `SETOF`),
//! which arguments may be left out (defaults), and how the routine runs for it (volatility,
//! `SECURITY DEFINER`). MySQL and SQLite have no overloading: a routine is known by its name.

use crate::Dialect;
use crate::cursor::Cursor;
use crate::lexer::TokenKind;
use crate::name::Name;
use crate::ty::{SqlType, TypeKind, parse_type};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    pub procedure: bool,
    pub args: Vec<Arg>,
    /// `None` for procedures (and when the text could not be read).
    pub returns: Option<Returns>,
    pub volatility: Volatility,
    pub security_definer: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arg {
    pub mode: ArgMode,
    pub name: Option<Name>,
    pub ty: SqlType,
    /// The type as written, for messages.
    pub type_text: String,
    pub has_default: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArgMode {
    In,
    Out,
    InOut,
    Variadic,
}

impl Arg {
    /// Whether the argument is part of the call (and so of the identity).
    pub fn is_input(&self) -> bool {
        self.mode != ArgMode::Out
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Returns {
    /// `RETURNS [SETOF] type`.
    Type { ty: SqlType, text: String, set: bool },
    /// `RETURNS TABLE (name type, …)`, or `OUT` arguments: the columns a caller reads.
    Table(Vec<(Name, SqlType, String)>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Volatility {
    Immutable,
    Stable,
    Volatile,
}

impl Volatility {
    pub fn keyword(self) -> &'static str {
        match self {
            Volatility::Immutable => "IMMUTABLE",
            Volatility::Stable => "STABLE",
            Volatility::Volatile => "VOLATILE",
        }
    }
}

impl Signature {
    /// The input arguments' types: what identifies the routine among its overloads.
    pub fn identity_types(&self) -> Vec<SqlType> {
        self.args.iter().filter(|a| a.is_input()).map(|a| a.ty.clone()).collect()
    }

    /// Input arguments a call must pass (the ones before the first default).
    pub fn required_inputs(&self) -> usize {
        let inputs: Vec<&Arg> = self.args.iter().filter(|a| a.is_input()).collect();
        inputs.iter().position(|a| a.has_default).unwrap_or(inputs.len())
    }

    /// `(integer, text)`: the input arguments as written.
    pub fn written_args(&self) -> String {
        let args: Vec<&str> = self.args.iter().filter(|a| a.is_input()).map(|a| a.type_text.as_str()).collect();
        format!("({})", args.join(", "))
    }
}

/// The key of a routine among its overloads: `name(int4,text)` in PostgreSQL, the name alone
/// where routines are not overloaded.
pub fn identity_key(name: &str, types: &[SqlType], dialect: Dialect) -> String {
    if dialect != Dialect::Postgres {
        return name.to_string();
    }
    let types: Vec<String> = types.iter().map(identity_type).collect();
    format!("{name}({})", types.join(","))
}

/// The routine name a key holds (`add_points` of `add_points(int4,int4)`).
pub fn key_name(key: &str) -> &str {
    key.split_once('(').map_or(key, |(name, _)| name)
}

/// A type as a signature sees it: PostgreSQL's internal name, modifiers dropped.
pub fn identity_type(ty: &SqlType) -> String {
    let base = match &ty.kind {
        TypeKind::Bool => "bool".to_string(),
        TypeKind::Int { bytes: 2, .. } => "int2".into(),
        TypeKind::Int { bytes: 8, .. } => "int8".into(),
        TypeKind::Int { .. } => "int4".into(),
        TypeKind::Decimal { .. } => "numeric".into(),
        TypeKind::Float { bytes: 4 } => "float4".into(),
        TypeKind::Float { .. } => "float8".into(),
        TypeKind::Char { fixed: true, .. } => "bpchar".into(),
        TypeKind::Char { fixed: false, .. } => "varchar".into(),
        TypeKind::Text => "text".into(),
        TypeKind::Binary { .. } => "bytea".into(),
        TypeKind::Bit { varying: false, .. } => "bit".into(),
        TypeKind::Bit { varying: true, .. } => "varbit".into(),
        TypeKind::Date => "date".into(),
        TypeKind::Time { tz: true, .. } => "timetz".into(),
        TypeKind::Time { tz: false, .. } => "time".into(),
        TypeKind::Timestamp { tz: true, .. } => "timestamptz".into(),
        TypeKind::Timestamp { tz: false, .. } => "timestamp".into(),
        TypeKind::Interval { .. } => "interval".into(),
        TypeKind::Year => "year".into(),
        TypeKind::Uuid => "uuid".into(),
        TypeKind::Json => "json".into(),
        TypeKind::Jsonb => "jsonb".into(),
        TypeKind::InlineEnum { set, .. } => if *set { "set" } else { "enum" }.into(),
        TypeKind::Named { schema: Some(s), name } if s != "public" => format!("{s}.{name}"),
        TypeKind::Named { name, .. } => name.clone(),
    };
    format!("{base}{}", "[]".repeat(usize::from(ty.array_dims)))
}

/// Type words that begin a type of several words (`double precision`, `character varying`,
/// `timestamp with time zone`): an argument starting with one of them has no name.
fn starts_multiword_type(first: &str, second: &str) -> bool {
    matches!(
        (first.to_ascii_lowercase().as_str(), second.to_ascii_lowercase().as_str()),
        ("double", "precision")
            | ("character" | "char" | "bit" | "national" | "nchar", "varying")
            | ("national", "character" | "char")
            | ("timestamp" | "time", "with" | "without")
            | ("interval", "year" | "month" | "day" | "hour" | "minute" | "second")
    )
}

/// The arguments between the parentheses at token `open` and `close` (exclusive bounds of the
/// list): `[mode] [name] type [DEFAULT expr | = expr]` each.
pub(crate) fn read_args(c: &Cursor<'_>, open: usize, close: usize) -> Vec<Arg> {
    let mut out = Vec::new();
    for (from, to) in c.split_commas(open + 1, close) {
        let mut i = from;
        let word = |i: usize| c.toks.get(i).filter(|_| i < to).map(|t| t.text(c.src)).unwrap_or("");
        let mode = match word(i).to_ascii_uppercase().as_str() {
            "IN" => Some(ArgMode::In),
            "OUT" => Some(ArgMode::Out),
            "INOUT" => Some(ArgMode::InOut),
            "VARIADIC" => Some(ArgMode::Variadic),
            _ => None,
        };
        if mode.is_some() {
            i += 1;
        }
        // The type ends at DEFAULT or `=`.
        let end = (i..to).find(|&j| c.toks[j].is_word(c.src, "DEFAULT") || c.toks[j].is_punct(c.src, '=')).unwrap_or(to);
        let has_default = end < to;
        // `name type`: two or more tokens, the first a word that does not begin a multi-word type.
        let ident = |j: usize| matches!(c.toks[j].kind, TokenKind::Word | TokenKind::QuotedIdent);
        let named =
            end > i + 1 && ident(i) && ident(i + 1) && !(c.toks[i].kind == TokenKind::Word && starts_multiword_type(word(i), word(i + 1)));
        let name = if named {
            let mut nc = Cursor::new(word(i), 0, c.dialect);
            let name = nc.ident();
            i += 1;
            name
        } else {
            None
        };
        if i >= end {
            continue;
        }
        let type_text = c.text(i, end).to_string();
        let ty = parse_type(&type_text, c.dialect).ty;
        out.push(Arg { mode: mode.unwrap_or(ArgMode::In), name, ty, type_text, has_default });
    }
    out
}

/// What follows a routine's argument list: `RETURNS …`, volatility and security, up to the end of
/// the statement (the body is one string token, so its words are not seen).
pub(crate) fn read_rest(c: &mut Cursor<'_>, procedure: bool, args: Vec<Arg>) -> Signature {
    let mut returns = None;
    let mut volatility = Volatility::Volatile;
    let mut security_definer = false;
    while !c.at_end() {
        if c.eat_word("RETURNS") {
            returns = read_returns(c);
            continue;
        }
        if c.eat_word("IMMUTABLE") {
            volatility = Volatility::Immutable;
        } else if c.eat_word("STABLE") {
            volatility = Volatility::Stable;
        } else if c.eat_word("VOLATILE") {
            volatility = Volatility::Volatile;
        } else if c.eat_words(&["SECURITY", "DEFINER"]) {
            security_definer = true;
        } else if c.eat_words(&["SECURITY", "INVOKER"]) {
            security_definer = false;
        } else if c.at_word("BEGIN") {
            // A SQL-standard body (`BEGIN ATOMIC … END`): its words are not attributes.
            break;
        } else {
            c.pos += 1;
        }
    }
    // OUT arguments are the result's columns when there is no RETURNS TABLE.
    let outs: Vec<(Name, SqlType, String)> = args
        .iter()
        .filter(|a| matches!(a.mode, ArgMode::Out | ArgMode::InOut))
        .map(|a| (a.name.clone().unwrap_or_else(|| Name::plain("column")), a.ty.clone(), a.type_text.clone()))
        .collect();
    if outs.len() > 1 && matches!(returns, None | Some(Returns::Type { .. })) {
        returns = Some(Returns::Table(outs));
    }
    Signature { procedure, args, returns: if procedure { None } else { returns }, volatility, security_definer }
}

fn read_returns(c: &mut Cursor<'_>) -> Option<Returns> {
    if c.eat_word("TABLE") {
        let open = c.pos;
        let close = c.matching_paren(open)?;
        let mut columns = Vec::new();
        for (from, to) in c.split_commas(open + 1, close) {
            if to <= from + 1 {
                continue;
            }
            let mut nc = Cursor::new(c.text(from, from + 1), 0, c.dialect);
            let Some(name) = nc.ident() else { continue };
            let text = c.text(from + 1, to).to_string();
            columns.push((name, parse_type(&text, c.dialect).ty, text));
        }
        c.pos = close + 1;
        return Some(Returns::Table(columns));
    }
    let set = c.eat_word("SETOF");
    let start = c.pos;
    // The type runs to the next clause keyword at depth zero.
    const CLAUSES: &[&str] = &[
        "AS",
        "LANGUAGE",
        "IMMUTABLE",
        "STABLE",
        "VOLATILE",
        "STRICT",
        "CALLED",
        "RETURNS",
        "SECURITY",
        "EXTERNAL",
        "LEAKPROOF",
        "NOT",
        "PARALLEL",
        "COST",
        "ROWS",
        "SUPPORT",
        "SET",
        "WINDOW",
        "TRANSFORM",
        "BEGIN",
        "RETURN",
        "DETERMINISTIC",
        "NO",
        "READS",
        "MODIFIES",
        "CONTAINS",
        "COMMENT",
        "SQL",
    ];
    let mut depth = 0i32;
    while let Some(t) = c.peek() {
        if t.is_punct(c.src, '(') {
            depth += 1;
        } else if t.is_punct(c.src, ')') {
            depth -= 1;
        } else if depth == 0
            && (CLAUSES.iter().any(|w| t.is_word(c.src, w)) || matches!(t.kind, TokenKind::String | TokenKind::DollarString))
        {
            break;
        }
        c.pos += 1;
    }
    if c.pos == start {
        return None;
    }
    let text = c.text(start, c.pos).to_string();
    Some(Returns::Type { ty: parse_type(&text, c.dialect).ty, text, set })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signature(sql: &str) -> Signature {
        let mut c = Cursor::new(sql, 0, Dialect::Postgres);
        let open = (0..c.toks.len()).find(|&i| c.toks[i].is_punct(sql, '(')).unwrap();
        let close = c.matching_paren(open).unwrap();
        let args = read_args(&c, open, close);
        c.pos = close + 1;
        read_rest(&mut c, false, args)
    }

    #[test]
    fn arguments_with_and_without_names_modes_and_defaults() {
        let s = signature(
            "CREATE FUNCTION f(integer, b double precision, OUT c text, INOUT d varchar(40) DEFAULT 'x', timestamp with time zone = now()) \
             RETURNS record LANGUAGE sql STABLE SECURITY DEFINER AS $$ select 1 $$",
        );
        let names: Vec<Option<String>> = s.args.iter().map(|a| a.name.as_ref().map(|n| n.key.clone())).collect();
        assert_eq!(names, [None, Some("b".into()), Some("c".into()), Some("d".into()), None]);
        assert_eq!(identity_key("f", &s.identity_types(), Dialect::Postgres), "f(int4,float8,varchar,timestamptz)");
        assert_eq!(s.required_inputs(), 2);
        assert_eq!(s.volatility, Volatility::Stable);
        assert!(s.security_definer);
        assert!(matches!(&s.returns, Some(Returns::Table(cols)) if cols.len() == 2));
    }

    #[test]
    fn returns_table_and_setof() {
        let s = signature("CREATE FUNCTION f(p_id bigint) RETURNS TABLE (id bigint, name text) AS $$ $$ LANGUAGE sql");
        assert!(matches!(&s.returns, Some(Returns::Table(cols)) if cols[1].0.key == "name"));
        let s = signature("CREATE FUNCTION f() RETURNS SETOF users LANGUAGE sql AS $$ $$");
        assert!(matches!(&s.returns, Some(Returns::Type { set: true, text, .. }) if text == "users"));
    }
}
