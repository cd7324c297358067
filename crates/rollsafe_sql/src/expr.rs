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
