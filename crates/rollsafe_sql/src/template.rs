//! Templated SQL: psql variables (`:name`, `:'name'`, `:"name"`), Go templates (`{{ .Name }}`) and
//! Flyway placeholders (`${name}`), replaced before the SQL is read.
//!
//! Each placeholder becomes its value from `[sql.placeholders]` in `rollsafe.toml`, or else its own
//! name used as an identifier (`CREATE SCHEMA ${schema}` creates schema `schema`), so a templated
//! history is analysed like any other: the same placeholder names the same object in every file.
//!
//! A placeholder without a value that qualifies a name (`${schema}.users`,
//! `{{ index .Options "Namespace" }}.sessions`) is taken to be the schema the migrations run in, and
//! is blanked out together with its dot: the name resolves like an unqualified one. That is what
//! templated histories mean in practice (Flyway's `${flyway:defaultSchema}`; a runner that connects
//! with `search_path` set to the configured schema, so the same history writes `users` and
//! `${schema}.users` for one table), and it keeps an edit that only qualifies a name from reading as
//! a move to another schema. For the same reason `SET search_path TO ${schema}` with no value
//! becomes `SET search_path TO DEFAULT` (when the placeholder is at least that long). Histories
//! that template several distinct schemas name them in `[sql.placeholders]`.
//!
//! A substitution keeps every byte offset, so that findings point at the text the user wrote: the
//! value is padded with spaces, or with `_` where the placeholder is glued to an identifier
//! (`${prefix}users`). A configured value longer than its placeholder cannot be written in place;
//! the placeholder's name stands in for it and a note says so. Control structures of Go templates
//! (`{{ if … }}`, `{{ end }}`) are blanked out: both branches are read.
//!
//! Go templates and Flyway placeholders are replaced everywhere, strings and comments included, as
//! those tools do; psql variables only outside strings, comments and `$$` bodies, as psql does.

use rollsafe_text::TextRange;

/// Configured values, by placeholder name (`schema`, `flyway:defaultSchema`, `.Schema`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Placeholders {
    pub values: Vec<(String, String)>,
}

impl Placeholders {
    fn value(&self, name: &str) -> Option<&str> {
        let bare = name.trim_start_matches('.');
        self.values.iter().find(|(k, _)| k == name || k.trim_start_matches('.') == bare).map(|(_, v)| v.as_str())
    }
}

/// A text with its placeholders replaced, the same length as the original.
#[derive(Debug, PartialEq, Eq)]
pub struct Substituted {
    pub text: String,
    /// Placeholders whose configured value did not fit in place: (where, note).
    pub notes: Vec<(TextRange, String)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `:name`, replaced by an identifier.
    PsqlIdent,
    /// `:'name'`, replaced by a string literal.
    PsqlString,
    /// `:"name"`, replaced by a quoted identifier.
    PsqlQuoted,
    /// `{{ … }}`.
    GoTemplate,
    /// `${…}`.
    Flyway,
}

/// Replaces the placeholders of `text`; `None` when it has none (the common case costs one scan).
pub fn substitute(text: &str, placeholders: &Placeholders) -> Option<Substituted> {
    let found = find(text);
    if found.is_empty() {
        return None;
    }
    let mut out = text.as_bytes().to_vec();
    let mut notes = Vec::new();
    for (start, end, kind, name) in found {
        let len = end - start;
        let glued_left = start > 0 && is_ident_byte(text.as_bytes()[start - 1]);
        let glued_right = text.as_bytes().get(end).is_some_and(|b| is_ident_byte(*b));
        let pad = if glued_left || glued_right { b'_' } else { b' ' };
        let stand_in: String = identifier_part(&name);
        let configured = placeholders.value(&name);
        let wrap = |v: &str| match kind {
            Kind::PsqlString => format!("'{}'", v.replace('\'', "''")),
            Kind::PsqlQuoted => format!("\"{}\"", v.replace('"', "\"\"")),
            _ => v.to_string(),
        };
        let replacement = match configured {
            Some(v) if wrap(v).len() <= len => wrap(v),
            Some(v) => {
                notes.push((
                    TextRange::from_usize(start, end),
                    format!(
                        "the value of placeholder {} is longer than the placeholder, so its name stands in for it: {} ({} bytes)",
                        rollsafe_text::escape::quote_at_most(&name, 60),
                        rollsafe_text::escape::quote_at_most(v, 60),
                        v.len()
                    ),
                ));
                wrap(&stand_in)
            }
            // A Go template's control structure (`{{ if .X }}`, `{{ end }}`): no text of its own.
            None if stand_in.is_empty() || (kind == Kind::GoTemplate && is_go_control(&name)) => String::new(),
            None => wrap(&stand_in),
        };
        let replacement = if replacement.len() > len { String::new() } else { replacement };
        // The schema the migrations run in: the placeholder and its dot go, the name stays.
        let qualifies_a_name = configured.is_none()
            && matches!(kind, Kind::PsqlIdent | Kind::PsqlQuoted | Kind::GoTemplate | Kind::Flyway)
            && !glued_left
            && !replacement.is_empty()
            && text.as_bytes().get(end) == Some(&b'.')
            && text.as_bytes().get(end + 1).is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_' || *b == b'"' || *b == b'`');
        let (replacement, end) = if qualifies_a_name { (String::new(), end + 1) } else { (replacement, end) };
        // `SET search_path TO ${schema}`: the same schema, so back to the default one, as the
        // names it qualifies are.
        let replacement = if configured.is_none() && len >= "DEFAULT".len() && sets_search_path_to(text, start, end) {
            "DEFAULT".to_string()
        } else {
            replacement
        };
        let bytes = replacement.as_bytes();
        for (i, slot) in out[start..end].iter_mut().enumerate() {
            *slot = bytes.get(i).copied().unwrap_or(if bytes.is_empty() { b' ' } else { pad });
        }
        keep_char_boundaries(text, &mut out, start, end);
    }
    // Every replacement is ASCII and covers whole placeholders, which are ASCII-delimited.
    let text = String::from_utf8(out).ok()?;
    Some(Substituted { text, notes })
}

/// The parse of the substituted text reports ranges that the original text is read with: none may
/// end inside a character the placeholder held (`${sché}`). Where a multi-byte character of the
/// original was, the replacement's bytes are made all of one kind (all identifier bytes, or all
/// spaces), so no token, and so no range, starts or ends strictly inside it.
fn keep_char_boundaries(text: &str, out: &mut [u8], start: usize, end: usize) {
    let mut at = start;
    while at < end {
        let width = text[at..].chars().next().map_or(1, char::len_utf8);
        if width > 1 {
            let span = at..(at + width).min(end);
            let fill = if out[span.clone()].iter().any(|b| is_ident_byte(*b)) { b'_' } else { b' ' };
            out[span].fill(fill);
        }
        at += width;
    }
}

/// Whether the placeholder at `start..end` is the whole value of a `SET search_path`.
fn sets_search_path_to(text: &str, start: usize, end: usize) -> bool {
    let mut from = start.saturating_sub(48);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let before = text[from..start].trim_end().to_ascii_lowercase();
    let Some(before) = before.strip_suffix('=').or_else(|| before.strip_suffix(" to")) else { return false };
    let after = text[end..].trim_start();
    before.trim_end().ends_with("search_path") && (after.is_empty() || after.starts_with(';'))
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `schema` for `schema`, `defaultSchema` for `flyway:defaultSchema`, `Schema` for `.Schema` and
/// for `index .Options "Schema"` (a Go template's last argument names what it prints).
fn identifier_part(name: &str) -> String {
    let last_word = name.split_whitespace().last().unwrap_or(name).trim_matches(['"', '`', '\'']);
    let last = last_word.rsplit([':', '.']).next().unwrap_or(last_word).trim();
    last.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
}

/// A Go template control structure (`if .X`, `else`, `end`, `range …`): it prints nothing.
fn is_go_control(action: &str) -> bool {
    let first = action.split_whitespace().next().unwrap_or("");
    matches!(first, "if" | "else" | "end" | "range" | "with" | "define" | "template" | "block" | "break" | "continue")
        || action.starts_with("/*")
}

/// Placeholders as (start, end, kind, name), in order.
fn find(text: &str) -> Vec<(usize, usize, Kind, String)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    // psql variables count only in plain SQL; the template forms count anywhere.
    let mut plain = true;
    let mut closer: &[u8] = b"";
    while i < b.len() {
        // Template forms first: they cut through strings and comments alike.
        if b[i] == b'{'
            && b.get(i + 1) == Some(&b'{')
            && let Some(close) = text[i + 2..].find("}}")
        {
            let inner = text[i + 2..i + 2 + close].trim().trim_start_matches('-').trim_end_matches('-').trim();
            out.push((i, i + 2 + close + 2, Kind::GoTemplate, inner.to_string()));
            i += close + 4;
            continue;
        }
        if b[i] == b'$'
            && b.get(i + 1) == Some(&b'{')
            && let Some(close) = text[i + 2..].find('}')
            && !text[i + 2..i + 2 + close].is_empty()
            && !text[i + 2..i + 2 + close].contains(['\n', '{'])
        {
            out.push((i, i + 2 + close + 1, Kind::Flyway, text[i + 2..i + 2 + close].trim().to_string()));
            i += close + 3;
            continue;
        }
        if !plain {
            if b[i..].starts_with(closer) {
                i += closer.len();
                plain = true;
                // `''` inside a string is a quote, not its end.
                if closer == b"'" && b.get(i) == Some(&b'\'') {
                    i += 1;
                    plain = false;
                }
            } else {
                i += 1;
            }
            continue;
        }
        match b[i] {
            b'-' if b.get(i + 1) == Some(&b'-') => {
                plain = false;
                closer = b"\n";
                i += 2;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                plain = false;
                closer = b"*/";
                i += 2;
            }
            b'\'' => {
                plain = false;
                closer = b"'";
                i += 1;
            }
            b'"' => {
                plain = false;
                closer = b"\"";
                i += 1;
            }
            b'$' => {
                // `$tag$ … $tag$`
                let tag_end = b[i + 1..].iter().position(|c| !is_ident_byte(*c)).map(|p| i + 1 + p);
                match tag_end {
                    Some(e) if b[e] == b'$' && !b[i + 1..e].first().is_some_and(u8::is_ascii_digit) => {
                        closer = &b[i..=e];
                        plain = false;
                        i = e + 1;
                    }
                    _ => i += 1,
                }
            }
            b':' => {
                let prev = if i == 0 { b' ' } else { b[i - 1] };
                let standalone =
                    prev.is_ascii_whitespace() || matches!(prev, b'(' | b',' | b'=' | b'<' | b'>' | b'+' | b'-' | b'*' | b'/' | b';');
                if !standalone || b.get(i + 1) == Some(&b':') || b.get(i + 1) == Some(&b'=') {
                    i += 1;
                    continue;
                }
                let (kind, from) = match b.get(i + 1) {
                    Some(b'\'') => (Kind::PsqlString, i + 2),
                    Some(b'"') => (Kind::PsqlQuoted, i + 2),
                    _ => (Kind::PsqlIdent, i + 1),
                };
                let len = b[from..].iter().position(|c| !is_ident_byte(*c)).unwrap_or(b.len() - from);
                let starts_like_a_name = b.get(from).is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_');
                let closed = match kind {
                    Kind::PsqlString => b.get(from + len) == Some(&b'\''),
                    Kind::PsqlQuoted => b.get(from + len) == Some(&b'"'),
                    _ => true,
                };
                if len == 0 || !starts_like_a_name || !closed {
                    i += 1;
                    continue;
                }
                let end = from + len + usize::from(kind != Kind::PsqlIdent);
                out.push((i, end, kind, text[from..from + len].to_string()));
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(text: &str) -> String {
        substitute(text, &Placeholders::default()).map_or_else(|| text.to_string(), |s| s.text)
    }

    /// A placeholder holding a multi-byte character: every statement range of the parse stays on
    /// the original text's character boundaries (found by fuzzing).
    #[test]
    fn ranges_stay_on_the_original_character_boundaries() {
        let text = "CREATE SCHEMA ${sc\u{fffd}ema};\nCREATE TABLE ${CREATE SCHEMA ${schéma};\nCREATE TABLE ${x}.t (id int);\n";
        crate::fuzzing::front_end(text);
        let substituted = substitute(text, &Placeholders::default()).expect("placeholders");
        assert_eq!(substituted.text.len(), text.len());
    }

    #[test]
    fn placeholders_become_identifiers_of_the_same_length() {
        assert_eq!(sub("CREATE SCHEMA ${schema};"), "CREATE SCHEMA schema   ;");
        assert_eq!(sub("CREATE TABLE ${prefix}users (id int);"), "CREATE TABLE prefix___users (id int);");
        assert_eq!(sub("ALTER TABLE :tbl DROP COLUMN c;"), "ALTER TABLE tbl  DROP COLUMN c;");
        assert_eq!(sub("SET search_path = :'schema', public;"), "SET search_path = 'schema' , public;");
        assert_eq!(sub("CREATE SCHEMA :\"s\";"), "CREATE SCHEMA \"s\" ;");
        assert_eq!(sub("{{ if .X }}DROP TABLE t;{{ end }}"), "           DROP TABLE t;         ");
        for text in ["CREATE TABLE ${a}.b (c int);", "SELECT :x, :'y'", "{{.X}}"] {
            assert_eq!(sub(text).len(), text.len());
        }
    }

    #[test]
    fn a_schema_placeholder_without_a_value_is_the_schema_migrations_run_in() {
        assert_eq!(sub("CREATE TABLE ${schema}.users (id int);"), "CREATE TABLE           users (id int);");
        assert_eq!(sub("ALTER TABLE {{ .Schema }}.t DROP COLUMN c;"), "ALTER TABLE               t DROP COLUMN c;");
        assert_eq!(sub("CREATE TABLE {{ index .Options \"Namespace\" }}.t ();"), "CREATE TABLE                                  t ();");
        assert_eq!(sub("ALTER TABLE :\"s\".\"T\" ADD c int;"), "ALTER TABLE      \"T\" ADD c int;");
        // Set as the search path, it is the default schema too.
        assert_eq!(sub("SET search_path TO ${schema};"), "SET search_path TO DEFAULT  ;");
        assert_eq!(sub("SET search_path = :'schema';"), "SET search_path = DEFAULT  ;");
        // Glued to a name, it is part of that name; a value, when configured, is used as written.
        assert_eq!(sub("CREATE TABLE x${s}.t ();"), "CREATE TABLE xs___.t ();");
        let p = Placeholders { values: vec![("schema".into(), "app".into())] };
        assert_eq!(substitute("DROP TABLE ${schema}.t;", &p).unwrap().text, "DROP TABLE app      .t;");
    }

    #[test]
    fn sql_that_only_looks_like_a_placeholder_is_left_alone() {
        for text in [
            "SELECT a::text, b[1:2], x := 1",
            "SELECT ':name', \"x:y\" -- :comment",
            "CREATE FUNCTION f() RETURNS int AS $$ BEGIN v := :x; END $$ LANGUAGE plpgsql;",
            "SELECT $1, $body$ :a $body$",
        ] {
            assert_eq!(sub(text), text, "{text}");
        }
    }

    #[test]
    fn configured_values_replace_placeholders_when_they_fit() {
        let p = Placeholders { values: vec![("schema".into(), "app".into()), ("flyway:defaultSchema".into(), "public".into())] };
        let s = substitute("CREATE TABLE ${schema}.t (); CREATE TABLE ${flyway:defaultSchema}.u ();", &p).unwrap();
        assert_eq!(s.text, "CREATE TABLE app      .t (); CREATE TABLE public                 .u ();");
        let long = Placeholders { values: vec![("s".into(), "a_rather_long_schema".into())] };
        let s = substitute("DROP TABLE ${s}.t;", &long).unwrap();
        assert_eq!(s.text, "DROP TABLE s   .t;");
        assert_eq!(s.notes.len(), 1);
    }
}
