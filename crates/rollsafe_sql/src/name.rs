//! Identifiers as the user wrote them and as the dialect compares them.

use crate::Dialect;
use std::fmt;

/// One identifier. `key` is what the database compares (folded as the dialect folds), `written` is the
/// spelling to show users (quotes removed).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name {
    pub key: String,
    pub written: String,
}

impl Name {
    /// An identifier as it appears in SQL text: quoted (`"Users"`, `` `x` ``, `[x]`) or bare.
    pub fn from_sql(text: &str, dialect: Dialect) -> Name {
        let (value, quoted) = unquote(text);
        Name::from_parts(value, quoted, dialect)
    }

    /// An identifier whose quotes were already removed.
    pub fn from_parts(value: String, quoted: bool, dialect: Dialect) -> Name {
        let key = match dialect {
            // PostgreSQL folds unquoted names to lower case and keeps quoted ones exactly.
            Dialect::Postgres if quoted => value.clone(),
            // MySQL column names are case-insensitive; table names depend on the server's
            // lower_case_table_names, so rollsafe matches them case-insensitively too. SQLite
            // identifiers are case-insensitive, quoted or not.
            _ => value.to_lowercase(),
        };
        Name { key: truncate_identifier(key, dialect), written: value }
    }

    pub fn plain(value: &str) -> Name {
        Name { key: value.to_string(), written: value.to_string() }
    }
}

/// The database keeps only the first 63 bytes of a PostgreSQL identifier (NAMEDATALEN - 1, cut at
/// a character boundary) and refuses MySQL identifiers over 64 characters; `ALTER` and `DROP` with the
/// full name then find the truncated object. The key is truncated as the server does, so both
/// spellings name one object. SQLite keeps names whole.
fn truncate_identifier(mut key: String, dialect: Dialect) -> String {
    let limit = match dialect {
        Dialect::Postgres => 63,
        Dialect::MySql => key.char_indices().nth(64).map_or(key.len(), |(i, _)| i),
        Dialect::Sqlite => return key,
    };
    if key.len() > limit {
        let mut end = limit;
        while !key.is_char_boundary(end) {
            end -= 1;
        }
        key.truncate(end);
    }
    key
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key == self.written { write!(f, "{}", self.key) } else { write!(f, "{}({})", self.key, self.written) }
    }
}

impl Name {
    /// Whether the name must be quoted to mean the same thing again: it is case-sensitive (only
    /// PostgreSQL's quoted names keep upper case in their key) or not a plain identifier.
    pub fn needs_quotes(&self) -> bool {
        let mut chars = self.written.chars();
        let plain_start = chars.next().is_some_and(|c| c.is_alphabetic() || c == '_');
        !plain_start || !chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$') || self.key.chars().any(|c| c.is_uppercase())
    }
}

/// The name as written, quoted when quotes are part of its meaning (`"Users"`, `"full name"`).
impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.needs_quotes() { write!(f, "\"{}\"", self.written.replace('"', "\"\"")) } else { f.write_str(&self.written) }
    }
}

/// A possibly schema-qualified name. Database-qualified names (`db.schema.t`) keep the last two parts.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QualifiedName {
    pub schema: Option<Name>,
    pub name: Name,
}

impl QualifiedName {
    pub fn new(schema: Option<Name>, name: Name) -> QualifiedName {
        QualifiedName { schema, name }
    }

    /// From dot-separated parts; the last is the name, the one before it the schema.
    pub fn from_parts(mut parts: Vec<Name>) -> Option<QualifiedName> {
        let name = parts.pop()?;
        let schema = parts.pop();
        Some(QualifiedName { schema, name })
    }
}

impl fmt::Debug for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.schema {
            Some(s) => write!(f, "{s:?}.{:?}", self.name),
            None => write!(f, "{:?}", self.name),
        }
    }
}

impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.schema {
            Some(s) => write!(f, "{s}.{}", self.name),
            None => write!(f, "{}", self.name),
        }
    }
}

/// Removes SQL quoting and unescapes doubled quotes. Returns whether the identifier was quoted.
pub fn unquote(text: &str) -> (String, bool) {
    let bytes = text.as_bytes();
    if bytes.len() >= 2 {
        let (first, last) = (bytes[0], bytes[bytes.len() - 1]);
        let quote = match (first, last) {
            (b'"', b'"') => Some('"'),
            (b'`', b'`') => Some('`'),
            (b'[', b']') => Some(']'),
            _ => None,
        };
        if let Some(q) = quote {
            let inner = &text[1..text.len() - 1];
            let doubled: String = [q, q].iter().collect();
            return (inner.replace(&doubled, &q.to_string()), true);
        }
        if text.len() > 3 && (text.starts_with("U&\"") || text.starts_with("u&\"")) && last == b'"' {
            return (text[3..text.len() - 1].replace("\"\"", "\""), true);
        }
    }
    (text.to_string(), false)
}

/// The text of a single-quoted SQL string literal, unescaped. `None` when `text` is not one.
pub fn string_literal(text: &str) -> Option<String> {
    let (body, backslash) = if let Some(rest) = text.strip_prefix(['E', 'e']) {
        (rest, true)
    } else if let Some(rest) = text.strip_prefix(['N', 'n']) {
        (rest, false)
    } else {
        (text, false)
    };
    let inner = body.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' if chars.peek() == Some(&'\'') => {
                chars.next();
                out.push('\'');
            }
            '\\' if backslash => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            },
            other => out.push(other),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_identifiers_are_truncated_as_the_server_does() {
        let long = "a".repeat(70);
        assert_eq!(Name::from_sql(&long, Dialect::Postgres).key, "a".repeat(63));
        assert_eq!(Name::from_sql(&long, Dialect::Postgres).written, long);
        assert_eq!(Name::from_sql(&long, Dialect::Postgres).key, Name::from_sql(&"a".repeat(63), Dialect::Postgres).key);
        assert_eq!(Name::from_sql(&long, Dialect::MySql).key, "a".repeat(64));
        assert_eq!(Name::from_sql(&long, Dialect::Sqlite).key, long);
        // Cut at a character boundary, never inside one.
        let wide = "é".repeat(40);
        assert_eq!(Name::from_sql(&format!("\"{wide}\""), Dialect::Postgres).key, "é".repeat(31));
    }

    #[test]
    fn folding_follows_the_dialect() {
        assert_eq!(Name::from_sql("Users", Dialect::Postgres).key, "users");
        assert_eq!(Name::from_sql("\"Users\"", Dialect::Postgres).key, "Users");
        assert_eq!(Name::from_sql("\"Users\"", Dialect::Sqlite).key, "users");
        assert_eq!(Name::from_sql("`Users`", Dialect::MySql).key, "users");
        assert_eq!(Name::from_sql("\"a\"\"b\"", Dialect::Postgres).written, "a\"b");
    }

    #[test]
    fn string_literals() {
        assert_eq!(string_literal("'it''s'").as_deref(), Some("it's"));
        assert_eq!(string_literal("E'a\\'b'").as_deref(), Some("a'b"));
        assert_eq!(string_literal("abc"), None);
    }
}
