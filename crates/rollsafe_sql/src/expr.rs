//! Expressions compared by meaning where their text differs only in spelling.
//!
//! Defaults, check expressions and index keys come from migrations written by hand, from sqlparser's
//! rendering, and from dumps (`pg_dump` writes `'new'::text`, `nextval('public.users_id_seq'::regclass)`,
//! `(0)`). [`key`] maps all spellings of one expression to one string: keywords and unquoted names in
//! lower case, casts and redundant outer parentheses removed, `now()` and `CURRENT_TIMESTAMP` as one,
//! MySQL's quoted numbers as numbers.

use crate::Dialect;
use crate::lexer::{Token, TokenKind, tokenize};

/// The comparison key of an expression.
pub fn key(text: &str, dialect: Dialect) -> String {
    let tokens: Vec<Token> = tokenize(text, dialect).into_iter().filter(|t| !t.is_trivia()).collect();
    let mut parts: Vec<String> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i];
        let s = t.text(text);
        // `::type`, `::character varying(20)`, `::public.mood[]`: a cast does not change the value here.
        if t.is_punct(text, ':') && tokens.get(i + 1).is_some_and(|n| n.is_punct(text, ':')) {
            i += 2;
            let mut depth = 0;
            while let Some(n) = tokens.get(i) {
                if n.is_punct(text, '(') || n.is_punct(text, '[') {
                    depth += 1;
                } else if n.is_punct(text, ')') || n.is_punct(text, ']') {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                } else if depth == 0 && !(matches!(n.kind, TokenKind::Word | TokenKind::QuotedIdent) || n.is_punct(text, '.')) {
                    break;
                }
                i += 1;
            }
            continue;
        }
        let part = match t.kind {
            TokenKind::Word => s.to_ascii_lowercase(),
            // `"id"`, `` `id` ``, `[id]` name what `id` names, when quoting changes nothing: a plain
            // identifier, and in PostgreSQL one without upper case (which quotes would keep).
            TokenKind::QuotedIdent if s.len() >= 2 => {
                let inner = &s[1..s.len() - 1];
                let plain = inner.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                let case_kept = dialect == Dialect::Postgres && inner.chars().any(|c| c.is_ascii_uppercase());
                if plain && !case_kept { inner.to_ascii_lowercase() } else { s.to_string() }
            }
            TokenKind::String if dialect == Dialect::MySql => {
                let inner = s.trim_matches(['\'', '"']);
                if !inner.is_empty() && inner.parse::<f64>().is_ok() { inner.to_string() } else { s.to_string() }
            }
            _ => s.to_string(),
        };
        parts.push(part);
        i += 1;
    }
    strip_outer_parens(&mut parts);
    let joined = parts.join(" ");
    canonical(&joined)
}

fn strip_outer_parens(parts: &mut Vec<String>) {
    while parts.len() >= 2 && parts[0] == "(" && parts[parts.len() - 1] == ")" {
        // Only when the first parenthesis closes at the very end.
        let mut depth = 0;
        let mut closes_at_end = true;
        for (i, p) in parts.iter().enumerate() {
            match p.as_str() {
                "(" => depth += 1,
                ")" => {
                    depth -= 1;
                    if depth == 0 && i != parts.len() - 1 {
                        closes_at_end = false;
                        break;
                    }
                }
                _ => {}
            }
        }
        if !closes_at_end {
            return;
        }
        parts.remove(0);
        parts.pop();
    }
}

/// One spelling for functions and sequences written several ways.
fn canonical(expr: &str) -> String {
    match expr {
        "now ( )" | "current_timestamp" | "current_timestamp ( )" | "transaction_timestamp ( )" => return "current_timestamp".into(),
        "current_date" | "current_date ( )" => return "current_date".into(),
        _ => {}
    }
    // pg_dump qualifies sequence names that migrations leave unqualified.
    if let Some(rest) = expr.strip_prefix("nextval ( '") {
        return format!("nextval ( '{}", rest.strip_prefix("public.").unwrap_or(rest));
    }
    expr.to_string()
}

/// Built-in functions that give each call a value of its own, meant as unique keys.
const GENERATORS: &[&str] = &[
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "uuid_generate_v7",
    "uuidv4",
    "uuidv7",
    "nextval",
    "uuid",
    "uuid_short",
    "newid",
];

/// Whether a default gives every row a value of its own: one call of a built-in generator
/// (`gen_random_uuid()`, `nextval(…)`, MySQL's `UUID()`), or of a function of the project's own
/// that `volatile` says is VOLATILE (PostgreSQL's default, evaluated once per row). A constant, the
/// clock (`now()`, `timezone('utc', now())`) or any other built-in gives every row of a statement
/// the same value.
pub fn computed_per_row(default: &str, dialect: Dialect, volatile: &dyn Fn(&str) -> bool) -> bool {
    let key = key(default, dialect);
    let mut tokens: Vec<Token> = tokenize(&key, dialect).into_iter().filter(|t| !t.is_trivia()).collect();
    // `schema.f()`: the function's own name decides.
    if tokens.len() > 2 && tokens[0].kind == TokenKind::Word && tokens[1].is_punct(&key, '.') {
        tokens.drain(..2);
    }
    let [name, open, .., close] = tokens.as_slice() else { return false };
    if name.kind != TokenKind::Word || !open.is_punct(&key, '(') || !close.is_punct(&key, ')') {
        return false;
    }
    // The first parenthesis must close at the very end: `f(a) + g(b)` is not one call.
    let mut depth = 0;
    for (i, t) in tokens.iter().enumerate().skip(1) {
        if t.is_punct(&key, '(') {
            depth += 1;
        } else if t.is_punct(&key, ')') {
            depth -= 1;
            if depth == 0 && i != tokens.len() - 1 {
                return false;
            }
        }
    }
    let name = name.text(&key);
    GENERATORS.contains(&name) || volatile(name)
}

/// A value an expression can take, as far as [`holds`] needs to know it.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    Text(String),
}

impl Value {
    /// A constant expression's value (`0`, `'draft'`, `'x'::text`, `false`, `NULL`); `None` for
    /// anything else (a function call, a column).
    pub fn constant(text: &str, dialect: Dialect) -> Option<Value> {
        let key = key(text, dialect);
        let tokens: Vec<Token> = tokenize(&key, dialect).into_iter().filter(|t| !t.is_trivia()).collect();
        let mut parser = Truth { src: &key, tokens: &tokens, pos: 0, value_of: &|_| None };
        let value = parser.operand()?;
        (parser.pos == tokens.len()).then_some(value?)
    }
}

/// Whether a row-level condition (a partial index's `WHERE`, a check) is true for a row whose
/// columns have the values `value_of` gives (`None`: unknown). `Some(false)` means the condition is
/// false or NULL for such a row, so the row is outside a partial index; `None` means it cannot be
/// told. Understood: comparisons with `=`, `<>`, `!=`, `IS [NOT] NULL|TRUE|FALSE`, bare boolean
/// columns, `NOT`, `AND`, `OR` and parentheses; anything else is unknown.
pub fn holds(condition: &str, dialect: Dialect, value_of: &dyn Fn(&str) -> Option<Value>) -> Option<bool> {
    let key = key(condition, dialect);
    let tokens: Vec<Token> = tokenize(&key, dialect).into_iter().filter(|t| !t.is_trivia()).collect();
    let mut parser = Truth { src: &key, tokens: &tokens, pos: 0, value_of };
    let truth = parser.or()?;
    // Three-valued: NULL (unknown truth of a known row) is not true, as in a WHERE clause.
    (parser.pos == tokens.len()).then_some(truth?.unwrap_or(false))
}

/// A recursive-descent reader of a condition's key. Each level returns `None` when the text is not
/// understood, `Some(None)` when it is understood but its value is not known for the row, and
/// `Some(Some(v))` (with SQL NULL as `Some(None)` inside a truth value) otherwise.
struct Truth<'a> {
    src: &'a str,
    tokens: &'a [Token],
    pos: usize,
    value_of: &'a dyn Fn(&str) -> Option<Value>,
}

/// A truth value: `Some(true)`, `Some(false)`, `None` for SQL NULL.
type Logic = Option<bool>;

impl Truth<'_> {
    fn word(&self, kw: &str) -> bool {
        self.tokens.get(self.pos).is_some_and(|t| t.is_word(self.src, kw))
    }

    fn punct(&self, ch: char) -> bool {
        self.tokens.get(self.pos).is_some_and(|t| t.is_punct(self.src, ch))
    }

    /// `a OR b`: `None` = not understood; `Some(None)` = unknown for this row.
    fn or(&mut self) -> Option<Option<Logic>> {
        let mut acc = self.and()?;
        while self.word("or") {
            self.pos += 1;
            let rhs = self.and()?;
            acc = match (acc, rhs) {
                (Some(Some(true)), _) | (_, Some(Some(true))) => Some(Some(true)),
                (Some(a), Some(b)) => Some(if a.is_none() || b.is_none() { None } else { Some(false) }),
                _ => None,
            };
        }
        Some(acc)
    }

    fn and(&mut self) -> Option<Option<Logic>> {
        let mut acc = self.not()?;
        while self.word("and") {
            self.pos += 1;
            let rhs = self.not()?;
            acc = match (acc, rhs) {
                (Some(Some(false)), _) | (_, Some(Some(false))) => Some(Some(false)),
                (Some(a), Some(b)) => Some(if a.is_none() || b.is_none() { None } else { Some(true) }),
                _ => None,
            };
        }
        Some(acc)
    }

    fn not(&mut self) -> Option<Option<Logic>> {
        if self.word("not") {
            self.pos += 1;
            return Some(self.not()?.map(|l| l.map(|b| !b)));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Option<Option<Logic>> {
        if self.punct('(') {
            let at = self.pos;
            self.pos += 1;
            if let Some(inner) = self.or()
                && self.punct(')')
            {
                self.pos += 1;
                return Some(inner);
            }
            self.pos = at;
        }
        let left = self.operand()?;
        if self.word("is") {
            self.pos += 1;
            let negated = self.word("not");
            if negated {
                self.pos += 1;
            }
            let outcome: Option<bool> = if self.word("null") {
                left.as_ref().map(|v| *v == Value::Null)
            } else if self.word("true") || self.word("false") {
                let want = self.word("true");
                left.as_ref().and_then(|v| match v {
                    Value::Bool(b) => Some(*b == want),
                    Value::Null => Some(false),
                    _ => None,
                })
            } else {
                return None;
            };
            self.pos += 1;
            return Some(outcome.map(|b| Some(b != negated)));
        }
        let op = self.tokens.get(self.pos).map(|t| t.text(self.src));
        let equal = match (op, self.tokens.get(self.pos + 1).map(|t| t.text(self.src))) {
            (Some("="), _) => {
                self.pos += 1;
                Some(true)
            }
            (Some("<"), Some(">")) | (Some("!"), Some("=")) => {
                self.pos += 2;
                Some(false)
            }
            _ => None,
        };
        let Some(equal) = equal else {
            // A bare operand: a boolean column or constant.
            return Some(match left {
                Some(Value::Bool(b)) => Some(Some(b)),
                Some(Value::Null) => Some(None),
                Some(_) => return None,
                None => None,
            });
        };
        let right = self.operand()?;
        Some(match (left, right) {
            (Some(Value::Null), Some(_)) | (Some(_), Some(Value::Null)) => Some(None),
            (Some(a), Some(b)) => same_value(&a, &b).map(|same| Some(same == equal)),
            _ => None,
        })
    }

    /// A literal or a column: `None` = not understood, `Some(None)` = a column of unknown value.
    fn operand(&mut self) -> Option<Option<Value>> {
        let token = *self.tokens.get(self.pos)?;
        let text = token.text(self.src);
        let value = match token.kind {
            TokenKind::Number => Some(Value::Number(text.parse().ok()?)),
            TokenKind::String if !token.unterminated && text.starts_with('\'') && text.ends_with('\'') && text.len() >= 2 => {
                Some(Value::Text(text[1..text.len() - 1].replace("''", "'")))
            }
            TokenKind::Punct if text == "-" => {
                let next = self.tokens.get(self.pos + 1)?;
                if next.kind != TokenKind::Number {
                    return None;
                }
                self.pos += 1;
                Some(Value::Number(-next.text(self.src).parse::<f64>().ok()?))
            }
            TokenKind::Word if text == "null" => Some(Value::Null),
            TokenKind::Word if text == "true" => Some(Value::Bool(true)),
            TokenKind::Word if text == "false" => Some(Value::Bool(false)),
            TokenKind::Word if !is_reserved(text) => {
                // A function call is not a column.
                if self.tokens.get(self.pos + 1).is_some_and(|t| t.is_punct(self.src, '(') || t.is_punct(self.src, '.')) {
                    return None;
                }
                (self.value_of)(text)
            }
            TokenKind::QuotedIdent if !token.unterminated && text.len() >= 2 => (self.value_of)(&text[1..text.len() - 1]),
            _ => return None,
        };
        self.pos += 1;
        Some(value)
    }
}

/// Words that end an operand rather than name a column.
fn is_reserved(word: &str) -> bool {
    matches!(word, "and" | "or" | "not" | "is" | "in" | "like" | "between" | "case" | "when" | "then" | "else" | "end" | "select")
}

/// Whether two known non-NULL values are equal; `None` when their kinds cannot be compared here.
fn same_value(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Some(x == y),
        // Collations may compare case and trailing spaces away (citext, NOCASE, MySQL's PAD
        // SPACE): texts that differ only so are not known to differ.
        (Value::Text(x), Value::Text(y)) if x == y => Some(true),
        (Value::Text(x), Value::Text(y)) if x.trim_end().eq_ignore_ascii_case(y.trim_end()) => None,
        (Value::Text(_), Value::Text(_)) => Some(false),
        (Value::Bool(x), Value::Bool(y)) => Some(x == y),
        // `flag = 1` over a boolean stored as a number (SQLite, MySQL).
        (Value::Bool(x), Value::Number(y)) | (Value::Number(y), Value::Bool(x)) => Some(f64::from(u8::from(*x)) == *y),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_that_changes_nothing_is_ignored() {
        assert_eq!(key("`id` IS NOT `parent_id`", Dialect::Sqlite), key("id IS NOT parent_id", Dialect::Sqlite));
        assert_eq!(key("\"price\" > 0", Dialect::Postgres), key("price > 0", Dialect::Postgres));
        assert_ne!(key("\"Price\" > 0", Dialect::Postgres), key("price > 0", Dialect::Postgres));
    }

    fn same(a: &str, b: &str, dialect: Dialect) -> bool {
        key(a, dialect) == key(b, dialect)
    }

    #[test]
    fn spellings_of_one_default_compare_equal() {
        let pg = Dialect::Postgres;
        assert!(same("now()", "NOW()", pg));
        assert!(same("now()", "CURRENT_TIMESTAMP", pg));
        assert!(same("'a'", "'a'::text", pg));
        assert!(same("0", "(0)", pg));
        assert!(same("'{}'", "'{}'::jsonb", pg));
        assert!(same("nextval('users_id_seq'::regclass)", "nextval('public.users_id_seq'::regclass)", pg));
        assert!(same("'0'", "0", Dialect::MySql));
        assert!(!same("'a'", "'b'", pg));
        assert!(!same("(a) + (b)", "a + b", pg));
        assert!(!same("'0'", "0", pg));
    }
}

#[cfg(test)]
mod truth_tests {
    use super::*;

    fn with<'a>(values: &'a [(&'a str, Value)]) -> impl Fn(&str) -> Option<Value> + 'a {
        move |name| values.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn conditions_over_known_values() {
        let pg = Dialect::Postgres;
        let row = [("cover", Value::Number(0.0)), ("archived", Value::Bool(false)), ("deleted_at", Value::Null)];
        let v = with(&row);
        assert_eq!(holds("cover = 1", pg, &v), Some(false));
        assert_eq!(holds("(cover = 0)", pg, &v), Some(true));
        assert_eq!(holds("cover <> 0 OR archived", pg, &v), Some(false));
        assert_eq!(holds("NOT archived AND deleted_at IS NULL", pg, &v), Some(true));
        assert_eq!(holds("deleted_at IS NOT NULL", pg, &v), Some(false));
        assert_eq!(holds("archived IS TRUE", pg, &v), Some(false));
        // NULL compared is not true: the row is outside the index.
        assert_eq!(holds("deleted_at = 'x'", pg, &v), Some(false));
        // Unknown columns decide nothing unless the rest does.
        assert_eq!(holds("status = 'active'", pg, &v), None);
        assert_eq!(holds("status = 'active' AND cover = 1", pg, &v), Some(false));
        assert_eq!(holds("status = 'active' OR cover = 1", pg, &v), None);
        // Texts that a collation may take for equal are not known to differ.
        let role = [("role", Value::Text("ADMIN".into()))];
        assert_eq!(holds("role = 'admin'", pg, &with(&role)), None);
        assert_eq!(holds("role = 'guest'", pg, &with(&role)), Some(false));
        // Not understood: unknown.
        assert_eq!(holds("cover > 0", pg, &v), None);
        assert_eq!(holds("lower(cover) = 'a'", pg, &v), None);
    }

    #[test]
    fn defaults_computed_per_row() {
        let pg = Dialect::Postgres;
        let own = |name: &str| name == "generate_unique_token";
        let per_row = |d: &str| computed_per_row(d, pg, &own);
        assert!(per_row("gen_random_uuid()"));
        assert!(per_row("nextval('users_id_seq'::regclass)"));
        assert!(per_row("generate_unique_token()"));
        assert!(per_row("public.generate_unique_token()"));
        assert!(computed_per_row("UUID()", Dialect::MySql, &own));
        for same_for_every_row in
            ["now()", "'x'", "upper('x')", "timezone('utc'::text, now())", "date_trunc('day', now())", "clock_timestamp()", "f(a) + g(b)"]
        {
            assert!(!per_row(same_for_every_row), "{same_for_every_row}");
        }
    }

    #[test]
    fn constants() {
        let pg = Dialect::Postgres;
        assert_eq!(Value::constant("0", pg), Some(Value::Number(0.0)));
        assert_eq!(Value::constant("'draft'::text", pg), Some(Value::Text("draft".into())));
        assert_eq!(Value::constant("FALSE", pg), Some(Value::Bool(false)));
        assert_eq!(Value::constant("-1", pg), Some(Value::Number(-1.0)));
        assert_eq!(Value::constant("now()", pg), None);
        assert_eq!(Value::constant("a + 1", pg), None);
    }
}
