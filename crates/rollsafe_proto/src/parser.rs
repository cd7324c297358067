//! A recursive-descent parser for `.proto` files: proto2, proto3 and editions (2023, 2024).
//!
//! It never fails. A declaration it cannot read is an error with a byte range, and parsing goes on
//! after the next `;` or closing brace at the same depth, so one bad line costs that line. Nesting
//! deeper than [`MAX_DEPTH`] is an error, not a stack overflow.

use crate::lexer::{Token, TokenKind, code_and_comments, unquote};
use crate::model::*;
use rollsafe_diagnostics::{Scope, Suppression};
use rollsafe_text::TextRange;

/// Messages nested deeper than this are not read (protoc allows about 100 levels too).
pub const MAX_DEPTH: u32 = 100;

/// A declaration that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SyntaxError {
    pub range: TextRange,
    pub message: String,
}

/// Everything the front-end knows about one file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ParsedFile {
    pub file: ProtoFile,
    pub errors: Vec<SyntaxError>,
    /// `// rollsafe-allow: RULE reason` comments, scoped to the element they precede or trail.
    pub suppressions: Vec<Suppression>,
}

/// Reads one `.proto` file.
pub fn parse(source: &str) -> ParsedFile {
    let (code, comments) = code_and_comments(source);
    let mut p = Parser { src: source, toks: code, pos: 0, errors: Vec::new(), declarations: Vec::new(), depth: 0 };
    let mut file = ProtoFile::default();
    p.file(&mut file);
    for c in &comments {
        if let TokenKind::BlockComment { terminated: false } = c.kind {
            p.errors.push(SyntaxError { range: c.range, message: "unterminated block comment".into() });
        }
    }
    let suppressions = suppressions(source, &comments, &mut p.declarations);
    ParsedFile { file, errors: p.errors, suppressions }
}

struct Parser<'a> {
    src: &'a str,
    toks: Vec<Token>,
    pos: usize,
    errors: Vec<SyntaxError>,
    /// The range of every declaration read, for scoping suppressions.
    declarations: Vec<TextRange>,
    depth: u32,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.pos)
    }

    fn peek_at(&self, n: usize) -> Option<&Token> {
        self.toks.get(self.pos + n)
    }

    fn text(&self, t: &Token) -> &'a str {
        &self.src[t.range.as_usize()]
    }

    fn is_ident(&self, n: usize, word: &str) -> bool {
        self.peek_at(n).is_some_and(|t| t.kind == TokenKind::Ident && self.text(t) == word)
    }

    fn is_symbol(&self, n: usize, c: u8) -> bool {
        self.peek_at(n).is_some_and(|t| t.kind == TokenKind::Symbol(c))
    }

    fn bump(&mut self) -> Option<Token> {
        let t = self.toks.get(self.pos).copied();
        if t.is_some() {
            self.pos += 1;
        }
        t
    }

    /// The end of the last token consumed.
    fn last_end(&self) -> u32 {
        self.pos.checked_sub(1).and_then(|i| self.toks.get(i)).map_or(0, |t| t.range.end)
    }

    /// Where an error about the next token goes: the token, or the end of the file.
    fn here(&self) -> TextRange {
        self.peek().map_or_else(|| TextRange::empty(self.src.len() as u32), |t| t.range)
    }

    fn describe_next(&self) -> String {
        match self.peek() {
            None => "the end of the file".to_string(),
            Some(t) => format!("`{}`", rollsafe_text::escape::truncate_chars(self.text(t), 40)),
        }
    }

    fn error(&mut self, expected: &str) -> Option<()> {
        let message = format!("expected {expected}, found {}", self.describe_next());
        self.errors.push(SyntaxError { range: self.here(), message });
        None
    }

    fn expect_symbol(&mut self, c: u8) -> Option<Token> {
        if self.is_symbol(0, c) {
            return self.bump();
        }
        self.error(&format!("`{}`", c as char))?;
        None
    }

    fn expect_ident(&mut self, what: &str) -> Option<Spanned<String>> {
        match self.peek() {
            Some(t) if t.kind == TokenKind::Ident => {
                let t = *t;
                self.pos += 1;
                Some(Spanned::new(self.text(&t).to_string(), t.range))
            }
            _ => {
                self.error(what)?;
                None
            }
        }
    }

    fn expect_keyword(&mut self, word: &str) -> Option<()> {
        if self.is_ident(0, word) {
            self.pos += 1;
            return Some(());
        }
        self.error(&format!("`{word}`"))
    }

    /// Skips to just after the next `;` at this depth, or to just before the `}` that closes the
    /// enclosing block (a `{…}` block met on the way is skipped whole).
    fn recover(&mut self) {
        let mut depth = 0u32;
        while let Some(t) = self.peek() {
            match t.kind {
                TokenKind::Symbol(b';') if depth == 0 => {
                    self.pos += 1;
                    return;
                }
                TokenKind::Symbol(b'{') => depth += 1,
                TokenKind::Symbol(b'}') if depth == 0 => return,
                TokenKind::Symbol(b'}') => {
                    depth -= 1;
                    if depth == 0 {
                        self.pos += 1;
                        return;
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
    }

    /// A dotted name (`a.b.c`, or `.a.b` when `leading_dot`), as written without spaces.
    fn full_ident(&mut self, what: &str, leading_dot: bool) -> Option<Spanned<String>> {
        let start = self.here().start;
        let mut name = String::new();
        if leading_dot && self.is_symbol(0, b'.') {
            self.pos += 1;
            name.push('.');
        }
        name.push_str(&self.expect_ident(what)?.value);
        while self.is_symbol(0, b'.') {
            self.pos += 1;
            name.push('.');
            name.push_str(&self.expect_ident(what)?.value);
        }
        Some(Spanned::new(name, TextRange::new(start, self.last_end())))
    }

    fn string_literal(&mut self, what: &str) -> Option<Spanned<String>> {
        let start = self.here().start;
        let mut value = String::new();
        let mut any = false;
        while let Some(t) = self.peek().copied() {
            let TokenKind::Str { terminated } = t.kind else { break };
            if !terminated {
                self.errors.push(SyntaxError { range: t.range, message: "unterminated string".into() });
            }
            self.pos += 1;
            value.push_str(&unquote(self.text(&t)));
            any = true;
        }
        if !any {
            self.error(what)?;
        }
        Some(Spanned::new(value, TextRange::new(start, self.last_end())))
    }

    /// An integer with an optional sign.
    fn integer(&mut self, what: &str) -> Option<Spanned<i64>> {
        let start = self.here().start;
        let negative = if self.is_symbol(0, b'-') {
            self.pos += 1;
            true
        } else {
            if self.is_symbol(0, b'+') {
                self.pos += 1;
            }
            false
        };
        let Some(t) = self.peek().copied().filter(|t| t.kind == TokenKind::Int) else {
            self.error(what)?;
            return None;
        };
        self.pos += 1;
        let Some(value) = parse_int(self.text(&t)) else {
            self.errors.push(SyntaxError { range: t.range, message: format!("`{}` is not a valid integer", self.text(&t)) });
            return None;
        };
        let value = if negative { -value } else { value };
        let Ok(value) = i64::try_from(value) else {
            self.errors.push(SyntaxError { range: t.range, message: "integer out of range".into() });
            return None;
        };
        Some(Spanned::new(value, TextRange::new(start, self.last_end())))
    }

    fn file(&mut self, file: &mut ProtoFile) {
        while let Some(t) = self.peek().copied() {
            let start = t.range.start;
            let before = self.pos;
            let ok = match (t.kind, self.text(&t)) {
                (TokenKind::Symbol(b';'), _) => {
                    self.pos += 1;
                    Some(())
                }
                (TokenKind::Ident, "syntax" | "edition") if self.is_symbol(1, b'=') => self.syntax(file),
                (TokenKind::Ident, "package") => self.package(file),
                (TokenKind::Ident, "import") => self.import(file),
                (TokenKind::Ident, "option") => self.option_statement().map(|o| file.options.push(o)),
                (TokenKind::Ident, "export" | "local") if self.is_ident(1, "message") || self.is_ident(1, "enum") => {
                    self.pos += 1;
                    continue;
                }
                (TokenKind::Ident, "message") => self.message().map(|m| file.messages.push(m)),
                (TokenKind::Ident, "enum") => self.enumeration().map(|e| file.enums.push(e)),
                (TokenKind::Ident, "service") => self.service().map(|s| file.services.push(s)),
                (TokenKind::Ident, "extend") => self.extend().map(|e| file.extends.push(e)),
                _ => self.error("`syntax`, `package`, `import`, `option`, `message`, `enum`, `service` or `extend`"),
            };
            if ok.is_none() {
                self.recover();
                if self.is_symbol(0, b'}') {
                    // A stray closing brace at the top level.
                    self.pos += 1;
                }
            } else {
                self.declarations.push(TextRange::new(start, self.last_end()));
            }
            if self.pos == before {
                self.pos += 1;
            }
        }
    }

    fn syntax(&mut self, file: &mut ProtoFile) -> Option<()> {
        let start = self.here().start;
        let keyword = self.expect_ident("`syntax`")?.value;
        self.expect_symbol(b'=')?;
        let value = self.string_literal("a string")?;
        self.expect_symbol(b';')?;
        file.syntax_range = Some(TextRange::new(start, self.last_end()));
        file.syntax = match (keyword.as_str(), value.value.as_str()) {
            ("syntax", "proto2") => Syntax::Proto2,
            ("syntax", "proto3") => Syntax::Proto3,
            ("edition", "2023" | "2024") => Syntax::Edition(value.value),
            ("syntax", other) => {
                let message = format!("unknown syntax `{}` (expected proto2 or proto3)", rollsafe_text::escape::truncate_chars(other, 40));
                self.errors.push(SyntaxError { range: value.range, message });
                Syntax::Proto2
            }
            (_, other) => {
                let message = format!("unknown edition `{}` (expected 2023 or 2024)", rollsafe_text::escape::truncate_chars(other, 40));
                self.errors.push(SyntaxError { range: value.range, message });
                Syntax::Edition(other.to_string())
            }
        };
        Some(())
    }

    fn package(&mut self, file: &mut ProtoFile) -> Option<()> {
        self.pos += 1;
        let name = self.full_ident("a package name", false)?;
        self.expect_symbol(b';')?;
        if file.package.is_some() {
            self.errors.push(SyntaxError { range: name.range, message: "a second package statement".into() });
        } else {
            file.package = Some(name);
        }
        Some(())
    }

    fn import(&mut self, file: &mut ProtoFile) -> Option<()> {
        let start = self.here().start;
        self.pos += 1;
        let kind = match self.peek().map(|t| self.text(t)) {
            Some("public") => ImportKind::Public,
            Some("weak") => ImportKind::Weak,
            Some("option") => ImportKind::Option,
            _ => ImportKind::Plain,
        };
        if kind != ImportKind::Plain {
            self.pos += 1;
        }
        let path = self.string_literal("an import path")?;
        self.expect_symbol(b';')?;
        file.imports.push(Import { path: path.value, kind, range: TextRange::new(start, self.last_end()) });
        Some(())
    }

    /// `(a.b).c.d`, `features.field_presence`, `java_package`.
    fn option_name(&mut self) -> Option<String> {
        let mut name = String::new();
        loop {
            if self.is_symbol(0, b'(') {
                self.pos += 1;
                name.push('(');
                name.push_str(&self.full_ident("an extension name", true)?.value);
                self.expect_symbol(b')')?;
                name.push(')');
            } else {
                name.push_str(&self.expect_ident("an option name")?.value);
            }
            if !self.is_symbol(0, b'.') {
                return Some(name);
            }
            self.pos += 1;
            name.push('.');
        }
    }

    /// An option's value: an identifier, a signed number, adjacent strings, or a `{…}` message.
    fn constant(&mut self) -> Option<OptionValue> {
        let Some(t) = self.peek().copied() else {
            self.error("a value")?;
            return None;
        };
        match t.kind {
            TokenKind::Str { .. } => Some(OptionValue::Str(self.string_literal("a string")?.value)),
            TokenKind::Symbol(b'{') => Some(OptionValue::Aggregate(self.aggregate()?)),
            TokenKind::Symbol(b'-' | b'+') | TokenKind::Int | TokenKind::Float => {
                let mut sign = "";
                if let TokenKind::Symbol(c) = t.kind {
                    self.pos += 1;
                    sign = if c == b'-' { "-" } else { "" };
                }
                let Some(n) = self.bump() else {
                    self.error("a number")?;
                    return None;
                };
                let text = self.text(&n);
                match n.kind {
                    TokenKind::Int => match parse_int(text) {
                        Some(v) => Some(OptionValue::Number(format!("{sign}{v}"))),
                        None => {
                            self.errors.push(SyntaxError { range: n.range, message: format!("`{text}` is not a valid integer") });
                            None
                        }
                    },
                    TokenKind::Float => {
                        let value: f64 = text.parse().unwrap_or(f64::NAN);
                        Some(OptionValue::Number(format!("{sign}{value}")))
                    }
                    // `-inf`, `-nan`
                    TokenKind::Ident => Some(OptionValue::Ident(format!("{sign}{text}"))),
                    _ => {
                        self.pos -= 1;
                        self.error("a number")?;
                        None
                    }
                }
            }
            TokenKind::Ident => Some(OptionValue::Ident(self.full_ident("a value", false)?.value)),
            _ => {
                self.error("a value")?;
                None
            }
        }
    }

    /// A text-format message value, `{` to its matching `}`, as its tokens joined by spaces.
    fn aggregate(&mut self) -> Option<String> {
        let open = self.here();
        let mut depth = 0u32;
        let mut parts: Vec<&str> = Vec::new();
        while let Some(t) = self.bump() {
            match t.kind {
                TokenKind::Symbol(b'{') => depth += 1,
                TokenKind::Symbol(b'}') => {
                    depth -= 1;
                    if depth == 0 {
                        parts.push("}");
                        return Some(parts.join(" "));
                    }
                }
                _ => {}
            }
            parts.push(self.text(&t));
        }
        self.errors.push(SyntaxError { range: open, message: "unclosed `{` in an option value".into() });
        None
    }

    fn option_statement(&mut self) -> Option<OptionDecl> {
        let start = self.here().start;
        self.pos += 1;
        let name = self.option_name()?;
        self.expect_symbol(b'=')?;
        let value = self.constant()?;
        self.expect_symbol(b';')?;
        Some(OptionDecl { name, value, range: TextRange::new(start, self.last_end()) })
    }

    /// `[a = 1, (b).c = "x"]`, when present.
    fn compact_options(&mut self) -> Option<Vec<OptionDecl>> {
        let mut out = Vec::new();
        if !self.is_symbol(0, b'[') {
            return Some(out);
        }
        self.pos += 1;
        loop {
            let start = self.here().start;
            let name = self.option_name()?;
            self.expect_symbol(b'=')?;
            let value = self.constant()?;
            out.push(OptionDecl { name, value, range: TextRange::new(start, self.last_end()) });
            if self.is_symbol(0, b',') {
                self.pos += 1;
                continue;
            }
            self.expect_symbol(b']')?;
            return Some(out);
        }
    }

    fn enter(&mut self) -> Option<()> {
        if self.depth >= MAX_DEPTH {
            let message = format!("declarations nested more than {MAX_DEPTH} deep are not read");
            self.errors.push(SyntaxError { range: self.here(), message });
            return None;
        }
        self.depth += 1;
        Some(())
    }

    fn message(&mut self) -> Option<Message> {
        let start = self.here().start;
        self.pos += 1;
        let name = self.expect_ident("a message name")?;
        self.expect_symbol(b'{')?;
        self.enter()?;
        let mut message = empty_message(name, TextRange::empty(start));
        let body = self.message_body(&mut message);
        self.depth -= 1;
        body?;
        message.range = TextRange::new(start, self.last_end());
        Some(message)
    }

    /// The declarations of a `{…}` block whose `{` is read, up to and including its `}`: `item`
    /// reads one declaration starting at the given token. A `;` alone is skipped; a declaration
    /// that does not parse is recovered past; each one read is recorded for suppressions.
    fn block(&mut self, mut item: impl FnMut(&mut Self, Token) -> Option<()>) -> Option<()> {
        loop {
            let Some(t) = self.peek().copied() else {
                self.error("`}`")?;
                return None;
            };
            let before = self.pos;
            let ok = match t.kind {
                TokenKind::Symbol(b'}') => {
                    self.pos += 1;
                    return Some(());
                }
                TokenKind::Symbol(b';') => {
                    self.pos += 1;
                    Some(())
                }
                _ => item(self, t),
            };
            if ok.is_none() {
                self.recover();
            } else {
                self.declarations.push(TextRange::new(t.range.start, self.last_end()));
            }
            if self.pos == before {
                self.pos += 1;
            }
        }
    }

    /// The declarations of a message (or group) up to and including its closing brace.
    fn message_body(&mut self, message: &mut Message) -> Option<()> {
        self.block(|p, t| {
            let word = if t.kind == TokenKind::Ident { p.text(&t) } else { "" };
            // A keyword followed by a name and `{` starts a declaration; otherwise it is a type
            // name (`message message = 1;` is a field).
            let declares = |p: &Self| p.peek_at(1).is_some_and(|t| t.kind == TokenKind::Ident) && p.is_symbol(2, b'{');
            match word {
                // Edition 2024 visibility: the declaration follows.
                "export" | "local" if p.is_ident(1, "message") || p.is_ident(1, "enum") => {
                    p.pos += 1;
                    match p.is_ident(0, "message") {
                        true => p.message().map(|m| message.messages.push(m)),
                        false => p.enumeration().map(|e| message.enums.push(e)),
                    }
                }
                "message" if declares(p) => p.message().map(|m| message.messages.push(m)),
                "enum" if declares(p) => p.enumeration().map(|e| message.enums.push(e)),
                "extend" if !p.is_symbol(2, b'=') => p.extend().map(|e| message.extends.push(e)),
                "oneof" if declares(p) => p.oneof(message),
                // `option x = 1;` is an option statement, as protoc reads it, never a field of type `option`.
                "option" => p.option_statement().map(|o| message.options.push(o)),
                "reserved" if !p.is_symbol(2, b'=') => p.reserved(&mut message.reserved, false),
                "extensions" if !p.is_symbol(2, b'=') => p.extensions(message),
                _ => p.field_or_group(message, None),
            }
        })
    }

    fn oneof(&mut self, message: &mut Message) -> Option<()> {
        let start = self.here().start;
        self.pos += 1;
        let name = self.expect_ident("a oneof name")?;
        self.expect_symbol(b'{')?;
        let index = message.oneofs.len();
        message.oneofs.push(Oneof { name, options: Vec::new(), range: TextRange::empty(start) });
        self.block(|p, t| match (t.kind, p.text(&t)) {
            (TokenKind::Ident, "option") => p.option_statement().map(|o| message.oneofs[index].options.push(o)),
            _ => p.field_or_group(message, Some(index)),
        })?;
        message.oneofs[index].range = TextRange::new(start, self.last_end());
        Some(())
    }

    /// A field, a map field or a group, added to `message` (and to `oneof`).
    fn field_or_group(&mut self, message: &mut Message, oneof: Option<usize>) -> Option<()> {
        let (field, group) = self.field(oneof)?;
        message.fields.push(field);
        message.messages.extend(group);
        Some(())
    }

    /// One field declaration; a group also yields its message.
    fn field(&mut self, oneof: Option<usize>) -> Option<(Field, Option<Message>)> {
        let start = self.here().start;
        // `optional foo = 1;` declares a field of type `optional`: a label needs a type and a name.
        let label = match self.peek().map(|t| (t.kind, self.text(t))) {
            Some((TokenKind::Ident, word @ ("optional" | "required" | "repeated"))) if !self.is_symbol(2, b'=') => {
                let t = self.bump()?;
                let label = match word {
                    "optional" => Label::Optional,
                    "required" => Label::Required,
                    _ => Label::Repeated,
                };
                Some(Spanned::new(label, t.range))
            }
            _ => None,
        };
        if self.is_ident(0, "group") && self.peek_at(1).is_some_and(|t| t.kind == TokenKind::Ident) && self.is_symbol(2, b'=') {
            return self.group(start, label, oneof).map(|(f, m)| (f, Some(m)));
        }
        let type_start = self.here().start;
        let ty = if self.is_ident(0, "map") && self.is_symbol(1, b'<') {
            self.pos += 2;
            let key_token = self.expect_ident("a map key type")?;
            let Some(key) = Scalar::from_name(&key_token.value).filter(|s| !matches!(s, Scalar::Double | Scalar::Float | Scalar::Bytes))
            else {
                self.errors.push(SyntaxError { range: key_token.range, message: format!("`{}` cannot be a map key", key_token.value) });
                return None;
            };
            self.expect_symbol(b',')?;
            let value = self.type_ref()?;
            self.expect_symbol(b'>')?;
            TypeRef::Map(key, Box::new(value))
        } else {
            self.type_ref()?
        };
        let type_range = TextRange::new(type_start, self.last_end());
        let name = self.expect_ident("a field name")?;
        self.expect_symbol(b'=')?;
        let number = self.integer("a field number");
        number.as_ref()?;
        let options = self.compact_options()?;
        self.expect_symbol(b';')?;
        let field = Field { name, number, label, ty, type_range, options, range: TextRange::new(start, self.last_end()), oneof };
        Some((field, None))
    }

    fn type_ref(&mut self) -> Option<TypeRef> {
        let name = self.full_ident("a type", true)?;
        Some(match Scalar::from_name(&name.value) {
            Some(s) => TypeRef::Scalar(s),
            None => TypeRef::Named(name.value),
        })
    }

    /// `optional group Result = 1 { … }`: a field named in lower case and a nested message.
    fn group(&mut self, start: u32, label: Option<Spanned<Label>>, oneof: Option<usize>) -> Option<(Field, Message)> {
        let keyword = self.bump()?;
        let name = self.expect_ident("a group name")?;
        self.expect_symbol(b'=')?;
        let number = self.integer("a field number");
        number.as_ref()?;
        let options = self.compact_options()?;
        self.expect_symbol(b'{')?;
        self.enter()?;
        let mut message = empty_message(name.clone(), TextRange::empty(start));
        let body = self.message_body(&mut message);
        self.depth -= 1;
        body?;
        let range = TextRange::new(start, self.last_end());
        message.range = range;
        let field = Field {
            name: Spanned::new(name.value.to_lowercase(), name.range),
            number,
            label,
            ty: TypeRef::Group(name.value.clone()),
            type_range: TextRange::new(keyword.range.start, name.range.end),
            options,
            range,
            oneof,
        };
        Some((field, message))
    }

    /// `reserved 1, 5 to 10, 100 to max;` or `reserved "a", "b";` (editions: `reserved a, b;`).
    fn reserved(&mut self, into: &mut Reserved, is_enum: bool) -> Option<()> {
        self.pos += 1;
        let names = matches!(self.peek().map(|t| t.kind), Some(TokenKind::Str { .. }) | Some(TokenKind::Ident));
        if names {
            loop {
                let name = match self.peek().map(|t| t.kind) {
                    Some(TokenKind::Ident) => self.expect_ident("a reserved name")?,
                    _ => self.string_literal("a reserved name")?,
                };
                into.names.push(name);
                if !self.is_symbol(0, b',') {
                    break;
                }
                self.pos += 1;
            }
        } else {
            into.ranges.extend(self.ranges(if is_enum { i64::from(i32::MAX) } else { MAX_FIELD_NUMBER })?);
        }
        self.expect_symbol(b';')?;
        Some(())
    }

    fn ranges(&mut self, max: i64) -> Option<Vec<NumberRange>> {
        let mut out = Vec::new();
        loop {
            let first = self.integer("a number")?;
            let end = if self.is_ident(0, "to") {
                self.pos += 1;
                if self.is_ident(0, "max") {
                    self.pos += 1;
                    max
                } else {
                    self.integer("a number or `max`")?.value
                }
            } else {
                first.value
            };
            out.push(NumberRange { start: first.value, end, range: TextRange::new(first.range.start, self.last_end()) });
            if !self.is_symbol(0, b',') {
                return Some(out);
            }
            self.pos += 1;
        }
    }

    fn extensions(&mut self, message: &mut Message) -> Option<()> {
        self.pos += 1;
        let ranges = self.ranges(MAX_FIELD_NUMBER)?;
        self.compact_options()?;
        self.expect_symbol(b';')?;
        message.extension_ranges.extend(ranges);
        Some(())
    }

    fn enumeration(&mut self) -> Option<Enum> {
        let start = self.here().start;
        self.pos += 1;
        let name = self.expect_ident("an enum name")?;
        self.expect_symbol(b'{')?;
        let mut out = Enum { name, values: Vec::new(), reserved: Reserved::default(), options: Vec::new(), range: TextRange::empty(start) };
        self.block(|p, t| match (t.kind, p.text(&t)) {
            // `option = 1;` and `reserved = 2;` are values of those names.
            (TokenKind::Ident, "option") if !p.is_symbol(1, b'=') => p.option_statement().map(|o| out.options.push(o)),
            (TokenKind::Ident, "reserved") if !p.is_symbol(1, b'=') => p.reserved(&mut out.reserved, true),
            _ => p.enum_value().map(|v| out.values.push(v)),
        })?;
        out.range = TextRange::new(start, self.last_end());
        Some(out)
    }

    fn enum_value(&mut self) -> Option<EnumValue> {
        let start = self.here().start;
        let name = self.expect_ident("an enum value name")?;
        self.expect_symbol(b'=')?;
        let number = self.integer("an enum value number");
        number.as_ref()?;
        let options = self.compact_options()?;
        self.expect_symbol(b';')?;
        Some(EnumValue { name, number, options, range: TextRange::new(start, self.last_end()) })
    }

    fn service(&mut self) -> Option<Service> {
        let start = self.here().start;
        self.pos += 1;
        let name = self.expect_ident("a service name")?;
        self.expect_symbol(b'{')?;
        let mut out = Service { name, methods: Vec::new(), options: Vec::new(), range: TextRange::empty(start) };
        self.block(|p, t| match (t.kind, p.text(&t)) {
            (TokenKind::Ident, "option") => p.option_statement().map(|o| out.options.push(o)),
            (TokenKind::Ident, "rpc") => p.method().map(|m| out.methods.push(m)),
            _ => p.error("`rpc`, `option` or `}`"),
        })?;
        out.range = TextRange::new(start, self.last_end());
        Some(out)
    }

    /// `(stream Foo)`: whether it streams, and the type.
    fn method_type(&mut self) -> Option<(bool, Spanned<String>)> {
        self.expect_symbol(b'(')?;
        // `(stream)` and `(stream.Foo)` name types; `(stream Foo)` and `(stream .pkg.Foo)` stream.
        let dotted = self.is_symbol(1, b'.') && self.peek().zip(self.peek_at(1)).is_some_and(|(a, b)| a.range.end == b.range.start);
        let streaming = self.is_ident(0, "stream") && !self.is_symbol(1, b')') && !dotted;
        if streaming {
            self.pos += 1;
        }
        let ty = self.full_ident("a message type", true)?;
        self.expect_symbol(b')')?;
        Some((streaming, ty))
    }

    fn method(&mut self) -> Option<Method> {
        let start = self.here().start;
        self.pos += 1;
        let name = self.expect_ident("an rpc name")?;
        let (client_streaming, input) = self.method_type()?;
        self.expect_keyword("returns")?;
        let (server_streaming, output) = self.method_type()?;
        let mut options = Vec::new();
        if self.is_symbol(0, b'{') {
            self.pos += 1;
            loop {
                match self.peek().map(|t| (t.kind, self.text(t))) {
                    Some((TokenKind::Symbol(b'}'), _)) => {
                        self.pos += 1;
                        break;
                    }
                    Some((TokenKind::Symbol(b';'), _)) => self.pos += 1,
                    Some((TokenKind::Ident, "option")) => {
                        let before = self.pos;
                        match self.option_statement() {
                            Some(o) => options.push(o),
                            None => {
                                self.recover();
                                if self.pos == before {
                                    self.pos += 1;
                                }
                            }
                        }
                    }
                    _ => {
                        self.error("`option` or `}`")?;
                    }
                }
            }
            if self.is_symbol(0, b';') {
                self.pos += 1;
            }
        } else {
            self.expect_symbol(b';')?;
        }
        Some(Method { name, input, output, client_streaming, server_streaming, options, range: TextRange::new(start, self.last_end()) })
    }

    fn extend(&mut self) -> Option<Extend> {
        let start = self.here().start;
        self.pos += 1;
        let extendee = self.full_ident("a message type", true)?;
        self.expect_symbol(b'{')?;
        let mut out = Extend { extendee, fields: Vec::new(), messages: Vec::new(), range: TextRange::empty(start) };
        self.block(|p, _| {
            p.field(None).map(|(f, m)| {
                out.fields.push(f);
                out.messages.extend(m);
            })
        })?;
        out.range = TextRange::new(start, self.last_end());
        Some(out)
    }
}

/// The largest field number.
pub const MAX_FIELD_NUMBER: i64 = 536_870_911;

fn empty_message(name: Spanned<String>, range: TextRange) -> Message {
    Message {
        name,
        fields: Vec::new(),
        oneofs: Vec::new(),
        messages: Vec::new(),
        enums: Vec::new(),
        extends: Vec::new(),
        reserved: Reserved::default(),
        extension_ranges: Vec::new(),
        options: Vec::new(),
        range,
    }
}

/// An integer literal's value: decimal, `0x` hex or leading-zero octal.
fn parse_int(text: &str) -> Option<i128> {
    if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        return i128::from_str_radix(hex, 16).ok().filter(|v| *v <= i128::from(u64::MAX));
    }
    if text.len() > 1 && text.starts_with('0') {
        return i128::from_str_radix(&text[1..], 8).ok().filter(|v| *v <= i128::from(u64::MAX));
    }
    text.parse::<i128>().ok().filter(|v| *v <= i128::from(u64::MAX))
}

/// `// rollsafe-allow: RULE reason` comments with their scope: the declaration the comment trails
/// on the same line, else the next declaration (the outermost one starting there: a comment above a
/// message covers the message and what is in it). `rollsafe-allow-file:` covers the file.
fn suppressions(source: &str, comments: &[Token], declarations: &mut [TextRange]) -> Vec<Suppression> {
    declarations.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut out = Vec::new();
    for c in comments {
        let text = c.text(source);
        let body = match c.kind {
            TokenKind::LineComment => &text[2..],
            TokenKind::BlockComment { .. } => text[2..].trim_end_matches("*/"),
            _ => continue,
        };
        let Some((rest, file)) = rollsafe_diagnostics::directive(body) else { continue };
        let (rules, reason) = rollsafe_diagnostics::parse_rules_and_reason(rest);
        let scope = if file {
            Scope::File
        } else {
            let line_start = source[..c.range.start as usize].rfind('\n').map_or(0, |i| i + 1) as u32;
            // Trailing: the innermost declaration that ends on this line before the comment.
            let trailing = declarations.iter().filter(|d| d.end <= c.range.start && d.end > line_start).max_by_key(|d| (d.end, d.start));
            let next = || {
                let i = declarations.partition_point(|d| d.start < c.range.end);
                declarations.get(i)
            };
            match trailing.or_else(next) {
                Some(d) => Scope::Range(*d),
                None => Scope::Nothing,
            }
        };
        out.push(Suppression { range: c.range, rules, reason, scope });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(src: &str) -> ProtoFile {
        let parsed = parse(src);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        parsed.file
    }

    #[test]
    fn a_proto3_file() {
        let src = r#"
syntax = "proto3";
package acme.v1;
import "google/protobuf/timestamp.proto";
import public "other.proto";
option go_package = "example.com/acme/v1;acmev1";
option (my.opt).nested = { a: 1 b: "x" };

message User {
  int64 id = 1 [json_name = "ID", deprecated = true];
  optional string email = 2;
  repeated string tags = 3;
  map<string, Address> addresses = 4;
  google.protobuf.Timestamp created = 5;
  oneof contact { string phone = 6; string fax = 7; }
  reserved 8, 10 to 12, 100 to max;
  reserved "old", "older";
  message Address { string line = 1; }
  enum Kind { KIND_UNSPECIFIED = 0; KIND_A = 1 [deprecated = true]; reserved 5; }
}

service Users {
  rpc Get (GetRequest) returns (User);
  rpc Watch (stream .acme.v1.GetRequest) returns (stream User) { option idempotency_level = NO_SIDE_EFFECTS; }
}
"#;
        let f = parse_ok(src);
        assert_eq!(f.syntax, Syntax::Proto3);
        assert_eq!(f.package.as_ref().map(|p| p.value.as_str()), Some("acme.v1"));
        assert_eq!(f.imports.len(), 2);
        assert_eq!(f.imports[1].kind, ImportKind::Public);
        assert_eq!(f.options[1].name, "(my.opt).nested");
        assert_eq!(f.options[1].value, OptionValue::Aggregate("{ a : 1 b : \"x\" }".into()));
        let user = &f.messages[0];
        assert_eq!(user.fields.len(), 7);
        assert_eq!(user.fields[0].options[0].value, OptionValue::Str("ID".into()));
        assert_eq!(&src[user.fields[0].type_range.as_usize()], "int64");
        assert_eq!(user.fields[1].label.as_ref().map(|l| l.value), Some(Label::Optional));
        assert!(matches!(&user.fields[3].ty, TypeRef::Map(Scalar::String, v) if **v == TypeRef::Named("Address".into())));
        assert_eq!(&src[user.fields[3].type_range.as_usize()], "map<string, Address>");
        assert_eq!(user.fields[5].oneof, Some(0));
        assert_eq!(user.reserved.ranges.iter().map(|r| (r.start, r.end)).collect::<Vec<_>>(), [(8, 8), (10, 12), (100, MAX_FIELD_NUMBER)]);
        assert_eq!(user.reserved.names.len(), 2);
        assert_eq!(user.enums[0].values[1].name.value, "KIND_A");
        assert_eq!(&src[user.range.as_usize()][..12], "message User");
        assert!(src[user.range.as_usize()].ends_with('}'));
        let watch = &f.services[0].methods[1];
        assert!(watch.client_streaming && watch.server_streaming);
        assert_eq!(watch.input.value, ".acme.v1.GetRequest");
        assert_eq!(watch.options[0].value, OptionValue::Ident("NO_SIDE_EFFECTS".into()));
    }

    #[test]
    fn proto2_groups_extensions_and_defaults() {
        let src = r#"
message M {
  optional int32 a = 1 [default = -5];
  required string r = 2;
  optional group Result = 3 { required string url = 1; }
  extensions 100 to 200;
}
extend M { optional int32 ext = 100; }
"#;
        let f = parse_ok(src);
        assert_eq!(f.syntax, Syntax::Proto2);
        let m = &f.messages[0];
        assert_eq!(m.fields[0].options[0].value, OptionValue::Number("-5".into()));
        assert_eq!(m.fields[2].name.value, "result");
        assert_eq!(m.fields[2].ty, TypeRef::Group("Result".into()));
        assert_eq!(m.messages[0].name.value, "Result");
        assert_eq!(m.extension_ranges[0].end, 200);
        assert_eq!(f.extends[0].fields[0].name.value, "ext");
    }

    #[test]
    fn editions_and_keywords_as_names() {
        let src = r#"
edition = "2024";
import option "custom.proto";
option features.field_presence = IMPLICIT;
export message message { option deprecated = true; message message = 1 [features.field_presence = EXPLICIT]; reserved foo, bar; }
local enum optional { optional = 0; }
"#;
        let f = parse_ok(src);
        assert_eq!(f.syntax, Syntax::Edition("2024".into()));
        assert_eq!(f.imports[0].kind, ImportKind::Option);
        assert_eq!(f.options[0].name, "features.field_presence");
        assert_eq!(f.messages[0].fields[0].ty, TypeRef::Named("message".into()));
        assert_eq!(f.messages[0].options[0].name, "deprecated");
        assert_eq!(f.messages[0].reserved.names.iter().map(|n| n.value.as_str()).collect::<Vec<_>>(), ["foo", "bar"]);
        assert_eq!(f.enums[0].values[0].name.value, "optional");
    }

    #[test]
    fn one_bad_declaration_costs_that_declaration() {
        let src =
            "syntax = \"proto3\";\nmessage A {\n  int32 ok = 1;\n  what is this = ;\n  string s = 2;\n}\nmessage B { int32 x = 1; }\n";
        let parsed = parse(src);
        assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
        assert_eq!(&src[parsed.errors[0].range.as_usize()], "this");
        let f = parsed.file;
        assert_eq!(f.messages.iter().map(|m| m.fields.len()).collect::<Vec<_>>(), [2, 1]);
    }

    #[test]
    fn garbage_and_truncation_never_panic() {
        for src in [
            "message",
            "message A {",
            "message A { int32 x = ",
            "\"unterminated",
            "}}}",
            "option (a",
            "enum E { A = 0x; }",
            "/* open",
            "é",
            "rpc",
        ] {
            let parsed = parse(src);
            assert!(!parsed.errors.is_empty(), "{src}");
        }
        let deep = "message A {".repeat(10_000);
        assert!(!parse(&deep).errors.is_empty());
    }

    #[test]
    fn suppressions_bind_to_the_next_or_trailing_declaration() {
        let src = "message A {\n  // rollsafe-allow: proto-field-removed moved to B\n  int32 x = 1;\n  int32 y = 2; // rollsafe-allow: proto-field-renamed clients use numbers\n}\n";
        let parsed = parse(src);
        let scopes: Vec<&str> = parsed
            .suppressions
            .iter()
            .map(|s| match s.scope {
                Scope::Range(r) => &src[r.as_usize()],
                _ => "",
            })
            .collect();
        assert_eq!(scopes, ["int32 x = 1;", "int32 y = 2;"]);
        assert_eq!(parsed.suppressions[0].reason.as_deref(), Some("moved to B"));
    }
}
