//! A small, lossless SQL tokenizer.
//!
//! It exists for two jobs sqlparser cannot do for us: splitting a file into statements with exact byte
//! ranges (sqlparser reports line/column and drops comments), and a token-level reading of the
//! statements sqlparser does not parse (see `fallback`). It never fails: unterminated strings and
//! comments run to the end of the text and are flagged, so the splitter can report them.

use crate::Dialect;
use rollsafe_text::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Whitespace,
    LineComment,
    BlockComment,
    /// A bare word: keyword or unquoted identifier.
    Word,
    /// `"x"`, `` `x` `` or `[x]`, depending on the dialect.
    QuotedIdent,
    /// `'x'`, `E'x'`, `B'x'`, `X'x'`, `N'x'`; `"x"` in MySQL.
    String,
    /// `$tag$ … $tag$` (PostgreSQL).
    DollarString,
    Number,
    /// `$1`, `?`, `:name`.
    Param,
    /// A single punctuation character: `; ( ) , . [ ] :` and operators.
    Punct,
    /// A psql meta-command line such as `\connect db` or `\restrict key`.
    PsqlMeta,
    /// The client delimiter set by MySQL's `DELIMITER` (when it is not `;`).
    Delimiter,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub range: TextRange,
    /// A string, quoted identifier or comment that reached the end of the text unclosed.
    pub unterminated: bool,
}

impl Token {
    pub fn is_trivia(&self) -> bool {
        matches!(self.kind, TokenKind::Whitespace | TokenKind::LineComment | TokenKind::BlockComment)
    }

    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        &src[self.range.as_usize()]
    }

    /// Whether this is the bare word `kw` (ASCII case-insensitive).
    pub fn is_word(&self, src: &str, kw: &str) -> bool {
        self.kind == TokenKind::Word && self.text(src).eq_ignore_ascii_case(kw)
    }

    pub fn is_punct(&self, src: &str, ch: char) -> bool {
        self.kind == TokenKind::Punct && self.text(src).starts_with(ch) && self.range.len() as usize == ch.len_utf8()
    }
}

/// Tokenizer state. The splitter drives it token by token because MySQL's `DELIMITER` command changes
/// how the rest of the text is tokenized.
pub struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    dialect: Dialect,
    /// A non-`;` client delimiter (MySQL `DELIMITER //`).
    delimiter: Option<String>,
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a str, dialect: Dialect) -> Lexer<'a> {
        Lexer { src, bytes: src.as_bytes(), pos: 0, dialect, delimiter: None }
    }

    pub fn position(&self) -> usize {
        self.pos
    }

    pub fn set_delimiter(&mut self, delimiter: Option<String>) {
        self.delimiter = delimiter.filter(|d| d != ";" && !d.is_empty());
    }

    /// Reads the rest of the current line as one token (psql meta-commands, `DELIMITER x`).
    pub fn rest_of_line(&mut self, kind: TokenKind) -> Token {
        let start = self.pos;
        while self.pos < self.bytes.len() && self.bytes[self.pos] != b'\n' {
            self.pos += 1;
        }
        Token { kind, range: TextRange::from_usize(start, self.pos), unterminated: false }
    }

    pub fn peek_byte(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    pub fn next_token(&mut self) -> Option<Token> {
        let start = self.pos;
        let b = *self.bytes.get(start)?;
        let mut unterminated = false;
        if let Some(delimiter) = &self.delimiter
            && self.bytes[start..].starts_with(delimiter.as_bytes())
        {
            self.pos += delimiter.len();
            return Some(self.token(TokenKind::Delimiter, start, false));
        }
        // A byte-order mark is not text.
        if start == 0 && self.src.starts_with('\u{feff}') {
            self.pos = '\u{feff}'.len_utf8();
            return Some(self.token(TokenKind::Whitespace, start, false));
        }
        let kind = match b {
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'\x0b' => {
                self.pos += 1;
                while matches!(self.peek_byte(), Some(b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'\x0b')) {
                    self.pos += 1;
                }
                TokenKind::Whitespace
            }
            b'-' if self.at(start + 1) == Some(b'-') && self.line_comment_allowed(start) => {
                self.skip_to_eol();
                TokenKind::LineComment
            }
            b'#' if self.dialect == Dialect::MySql => {
                self.skip_to_eol();
                TokenKind::LineComment
            }
            b'/' if self.at(start + 1) == Some(b'*') => {
                unterminated = !self.block_comment();
                TokenKind::BlockComment
            }
            b'\'' => {
                unterminated = !self.quoted(b'\'', self.dialect == Dialect::MySql);
                TokenKind::String
            }
            b'"' => {
                if self.dialect == Dialect::MySql {
                    unterminated = !self.quoted(b'"', true);
                    TokenKind::String
                } else {
                    unterminated = !self.quoted(b'"', false);
                    TokenKind::QuotedIdent
                }
            }
            b'`' if self.dialect != Dialect::Postgres => {
                unterminated = !self.quoted(b'`', false);
                TokenKind::QuotedIdent
            }
            b'[' if self.dialect == Dialect::Sqlite => {
                self.pos += 1;
                let mut closed = false;
                while let Some(c) = self.peek_byte() {
                    self.pos += 1;
                    if c == b']' {
                        closed = true;
                        break;
                    }
                }
                unterminated = !closed;
                TokenKind::QuotedIdent
            }
            b'$' if self.dialect == Dialect::Postgres => match self.dollar_quote(start) {
                Some(closed) => {
                    unterminated = !closed;
                    TokenKind::DollarString
                }
                None => {
                    self.pos += 1;
                    while matches!(self.peek_byte(), Some(b'0'..=b'9')) {
                        self.pos += 1;
                    }
                    if self.pos == start + 1 { TokenKind::Punct } else { TokenKind::Param }
                }
            },
            b'0'..=b'9' => {
                self.number();
                TokenKind::Number
            }
            b'.' if matches!(self.at(start + 1), Some(b'0'..=b'9')) => {
                self.number();
                TokenKind::Number
            }
            b'?' => {
                self.pos += 1;
                TokenKind::Param
            }
            _ if is_ident_start(b) => {
                // String prefixes: E'..' (escape), B'..', X'..', N'..', U&'..' / U&"..".
                let prefixed = matches!(b, b'e' | b'E' | b'b' | b'B' | b'x' | b'X' | b'n' | b'N') && self.at(start + 1) == Some(b'\'');
                if prefixed {
                    self.pos += 1;
                    let backslash = matches!(b, b'e' | b'E') || self.dialect == Dialect::MySql;
                    unterminated = !self.quoted(b'\'', backslash);
                    TokenKind::String
                } else if matches!(b, b'u' | b'U') && self.at(start + 1) == Some(b'&') && matches!(self.at(start + 2), Some(b'\'' | b'"')) {
                    self.pos += 2;
                    let quote = self.bytes[self.pos];
                    unterminated = !self.quoted(quote, false);
                    if quote == b'"' { TokenKind::QuotedIdent } else { TokenKind::String }
                } else {
                    self.pos += 1;
                    // `END$$` with `DELIMITER $$`: the mysql client cuts at the delimiter wherever it is.
                    while self.pos < self.bytes.len() && is_ident_continue(self.bytes[self.pos]) && !self.at_delimiter() {
                        self.pos += 1;
                    }
                    TokenKind::Word
                }
            }
            _ => {
                // One character of punctuation or an operator; multi-byte characters stay whole.
                let len = self.src[start..].chars().next().map_or(1, char::len_utf8);
                self.pos += len;
                TokenKind::Punct
            }
        };
        Some(self.token(kind, start, unterminated))
    }

    fn token(&self, kind: TokenKind, start: usize, unterminated: bool) -> Token {
        Token { kind, range: TextRange::from_usize(start, self.pos), unterminated }
    }

    fn at_delimiter(&self) -> bool {
        self.delimiter.as_deref().is_some_and(|d| self.bytes[self.pos..].starts_with(d.as_bytes()))
    }

    /// Skips `COPY … FROM stdin` data: everything up to and including a line holding only `\.`.
    pub fn skip_copy_data(&mut self) -> Token {
        let start = self.pos;
        let mut line_start = self.pos;
        while line_start < self.bytes.len() {
            let line_end = self.src[line_start..].find('\n').map_or(self.bytes.len(), |i| line_start + i);
            let line = self.src[line_start..line_end].trim_end_matches('\r');
            line_start = (line_end + 1).min(self.bytes.len());
            if line == "\\." {
                self.pos = line_end;
                return self.token(TokenKind::PsqlMeta, start, false);
            }
        }
        self.pos = self.bytes.len();
        self.token(TokenKind::PsqlMeta, start, true)
    }

    fn at(&self, i: usize) -> Option<u8> {
        self.bytes.get(i).copied()
    }

    /// MySQL only treats `--` as a comment when a space or control character follows it.
    fn line_comment_allowed(&self, start: usize) -> bool {
        self.dialect != Dialect::MySql || self.at(start + 2).is_none_or(|c| c <= b' ')
    }

    fn skip_to_eol(&mut self) {
        while self.pos < self.bytes.len() && self.bytes[self.pos] != b'\n' {
            self.pos += 1;
        }
    }

    /// Returns whether the comment was closed. PostgreSQL block comments nest; others do not.
    fn block_comment(&mut self) -> bool {
        self.pos += 2;
        let nests = self.dialect == Dialect::Postgres;
        let mut depth = 1usize;
        while self.pos < self.bytes.len() {
            let b = self.bytes[self.pos];
            if b == b'*' && self.at(self.pos + 1) == Some(b'/') {
                self.pos += 2;
                depth -= 1;
                if depth == 0 {
                    return true;
                }
            } else if nests && b == b'/' && self.at(self.pos + 1) == Some(b'*') {
                self.pos += 2;
                depth += 1;
            } else {
                self.pos += 1;
            }
        }
        false
    }

    /// Scans a quoted run starting at `self.pos` (which holds `quote`). A doubled quote is an escaped
    /// quote; with `backslash`, `\x` escapes too. Returns whether it was closed.
    fn quoted(&mut self, quote: u8, backslash: bool) -> bool {
        self.pos += 1;
        while self.pos < self.bytes.len() {
            let b = self.bytes[self.pos];
            if backslash && b == b'\\' {
                self.pos += 2;
                continue;
            }
            self.pos += 1;
            if b == quote {
                if self.at(self.pos) == Some(quote) {
                    self.pos += 1;
                    continue;
                }
                return true;
            }
        }
        self.pos = self.bytes.len();
        false
    }

    /// `$tag$…$tag$`. Returns `None` when the `$` does not open a dollar quote (a `$1` parameter or a
    /// stray `$`), else whether the closing tag was found.
    fn dollar_quote(&mut self, start: usize) -> Option<bool> {
        let mut i = start + 1;
        if self.at(i).is_some_and(|c| c.is_ascii_digit()) {
            return None;
        }
        while let Some(c) = self.at(i) {
            if c == b'$' {
                break;
            }
            if !is_ident_continue(c) || c == b'$' {
                return None;
            }
            i += 1;
        }
        if self.at(i) != Some(b'$') {
            return None;
        }
        let tag = &self.src[start..=i];
        match self.src[i + 1..].find(tag) {
            Some(found) => {
                self.pos = i + 1 + found + tag.len();
                Some(true)
            }
            None => {
                self.pos = self.bytes.len();
                Some(false)
            }
        }
    }

    fn number(&mut self) {
        let mut seen_dot = false;
        let mut seen_exp = false;
        while let Some(c) = self.peek_byte() {
            match c {
                b'0'..=b'9' | b'_' => self.pos += 1,
                b'.' if !seen_dot && !seen_exp && self.at(self.pos + 1) != Some(b'.') => {
                    seen_dot = true;
                    self.pos += 1;
                }
                b'e' | b'E' if !seen_exp => {
                    let next = self.at(self.pos + 1);
                    let digit_follows = match next {
                        Some(b'0'..=b'9') => true,
                        Some(b'+' | b'-') => self.at(self.pos + 2).is_some_and(|d| d.is_ascii_digit()),
                        _ => false,
                    };
                    if !digit_follows {
                        break;
                    }
                    seen_exp = true;
                    self.pos += 2;
                }
                _ => break,
            }
        }
        // `0x1F`, `123abc`: the rest of an identifier-like run belongs to the literal.
        while self.pos < self.bytes.len() && is_ident_continue(self.bytes[self.pos]) {
            self.pos += 1;
        }
    }
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_ident_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// Tokenizes a whole text with `;` as the only delimiter. Used by the fallback reader on one statement.
pub fn tokenize(src: &str, dialect: Dialect) -> Vec<Token> {
    let mut lexer = Lexer::new(src, dialect);
    // About one token per five bytes of SQL, whitespace included.
    let mut tokens = Vec::with_capacity(src.len() / 5 + 4);
    while let Some(token) = lexer.next_token() {
        tokens.push(token);
    }
    tokens
}

/// What a statement means to the database, as a token list: whitespace, comments and a closing
/// delimiter dropped, keywords and unquoted identifiers folded to lower case, and the bodies of
/// `$$`-quoted functions read the same way. Two statements with equal keys run the same: a
/// reformatted migration (layout, keyword case, comments) has the key it had.
pub fn meaning_key(src: &str, dialect: Dialect) -> Vec<String> {
    let mut key: Vec<String> = Vec::new();
    for token in tokenize(src, dialect) {
        let text = token.text(src);
        match token.kind {
            TokenKind::Whitespace | TokenKind::LineComment | TokenKind::BlockComment | TokenKind::Delimiter => {}
            TokenKind::Word => key.push(text.to_ascii_lowercase()),
            TokenKind::DollarString => {
                // `$body$ … $body$`: the tag is not part of the meaning, the body is SQL (or PL/pgSQL).
                let tag_len = text[1..].find('$').map_or(text.len(), |i| i + 2);
                // An unterminated body (or one cut inside a character) is compared as written:
                // reading it again would read the same text forever.
                match text.get(tag_len..text.len().saturating_sub(tag_len)) {
                    Some(body) if !token.unterminated => {
                        key.push("$$".to_string());
                        key.extend(meaning_key(body, dialect));
                        key.push("$$".to_string());
                    }
                    _ => key.push(text.to_string()),
                }
            }
            _ => key.push(text.to_string()),
        }
    }
    while key.last().is_some_and(|t| t == ";") {
        key.pop();
    }
    // `IF EXISTS` / `IF NOT EXISTS` change nothing for a database where the statement already ran.
    let mut i = 0;
    while i < key.len() {
        if key[i] == "if" && key.get(i + 1).is_some_and(|t| t == "exists") {
            key.drain(i..i + 2);
        } else if key[i] == "if" && key.get(i + 1).is_some_and(|t| t == "not") && key.get(i + 2).is_some_and(|t| t == "exists") {
            key.drain(i..i + 3);
        } else {
            i += 1;
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meaning_key_ignores_layout_case_and_comments() {
        let a = "CREATE TABLE users (\n  id bigint PRIMARY KEY, -- the key\n  name text NOT NULL\n);";
        let b = "create table users (id BIGINT primary key, name TEXT not null) ;";
        assert_eq!(meaning_key(a, Dialect::Postgres), meaning_key(b, Dialect::Postgres));
        // Quoted names, strings and numbers keep their case and spelling.
        assert_ne!(meaning_key("SELECT 'A'", Dialect::Postgres), meaning_key("SELECT 'a'", Dialect::Postgres));
        assert_ne!(meaning_key("DROP TABLE \"Users\"", Dialect::Postgres), meaning_key("DROP TABLE \"users\"", Dialect::Postgres));
        assert_ne!(meaning_key("ALTER TABLE t ADD c int", Dialect::Postgres), meaning_key("ALTER TABLE t ADD c bigint", Dialect::Postgres));
        // Function bodies are read as SQL: re-indenting one changes nothing, editing it does.
        let f = |body: &str| format!("CREATE FUNCTION f() RETURNS trigger AS $fn${body}$fn$ LANGUAGE plpgsql;");
        let k = |s: String| meaning_key(&s, Dialect::Postgres);
        assert_eq!(k(f("\nBEGIN\n  RETURN NEW;\nEND;\n")), k(f(" begin return new; end; ")));
        assert_ne!(k(f("BEGIN RETURN NEW; END;")), k(f("BEGIN RETURN OLD; END;")));
        // IF [NOT] EXISTS changes nothing where the statement already ran.
        assert_eq!(k("create extension ltree".into()), k("CREATE EXTENSION IF NOT EXISTS ltree;".into()));
        assert_eq!(k("DROP INDEX a".into()), k("DROP INDEX IF EXISTS a".into()));
    }

    #[test]
    fn meaning_key_of_an_unterminated_body_ends() {
        for text in ["DO $$ BEGIN", "DO $a$", "SELECT $$", "DO $é$ x $é"] {
            let _ = meaning_key(text, Dialect::Postgres);
        }
    }

    fn kinds(src: &str, dialect: Dialect) -> Vec<(TokenKind, &str)> {
        tokenize(src, dialect).into_iter().filter(|t| !t.is_trivia()).map(|t| (t.kind, t.text(src))).collect()
    }

    #[test]
    fn dollar_quotes_and_params() {
        let src = "SELECT $1, $body$ it's; $x$ $body$, $$a;b$$";
        let toks = kinds(src, Dialect::Postgres);
        assert_eq!(toks[1], (TokenKind::Param, "$1"));
        assert_eq!(toks[3], (TokenKind::DollarString, "$body$ it's; $x$ $body$"));
        assert_eq!(toks[5], (TokenKind::DollarString, "$$a;b$$"));
    }

    #[test]
    fn postgres_block_comments_nest() {
        let src = "/* a /* b */ c */ x";
        assert_eq!(kinds(src, Dialect::Postgres), vec![(TokenKind::Word, "x")]);
        assert_eq!(kinds(src, Dialect::MySql)[0], (TokenKind::Word, "c"));
    }

    #[test]
    fn quoting_follows_the_dialect() {
        assert_eq!(kinds(r#""a""b""#, Dialect::Postgres), vec![(TokenKind::QuotedIdent, r#""a""b""#)]);
        assert_eq!(kinds(r#""a\"b""#, Dialect::MySql), vec![(TokenKind::String, r#""a\"b""#)]);
        assert_eq!(kinds("`a b`", Dialect::MySql), vec![(TokenKind::QuotedIdent, "`a b`")]);
        assert_eq!(kinds("[a b]", Dialect::Sqlite), vec![(TokenKind::QuotedIdent, "[a b]")]);
        assert_eq!(kinds(r"E'a\'b'", Dialect::Postgres), vec![(TokenKind::String, r"E'a\'b'")]);
        assert_eq!(kinds("'a\\'", Dialect::Postgres), vec![(TokenKind::String, "'a\\'")]);
    }

    #[test]
    fn custom_delimiter_cuts_words_and_bom_is_whitespace() {
        let src = "END$$";
        let mut lexer = Lexer::new(src, Dialect::MySql);
        lexer.set_delimiter(Some("$$".into()));
        assert_eq!(lexer.next_token().map(|t| (t.kind, t.text(src).to_string())), Some((TokenKind::Word, "END".into())));
        assert_eq!(lexer.next_token().map(|t| t.kind), Some(TokenKind::Delimiter));
        assert_eq!(kinds("\u{feff}ALTER", Dialect::Postgres), vec![(TokenKind::Word, "ALTER")]);
    }

    #[test]
    fn unterminated_runs_to_the_end() {
        let toks = tokenize("SELECT 'abc", Dialect::Postgres);
        let last = toks.last().unwrap();
        assert!(last.unterminated);
        assert_eq!(last.range.end, 11);
    }

    #[test]
    fn mysql_needs_space_after_double_dash() {
        assert_eq!(kinds("1--2", Dialect::MySql).len(), 4);
        assert_eq!(kinds("1 -- 2", Dialect::MySql).len(), 1);
    }
}
