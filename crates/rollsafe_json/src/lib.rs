//! JSON as the contract formats read it: Avro schemas (`.avsc`) and JSON Schema files are JSON,
//! and every finding about them points at a key or a value, so every key and every value keeps
//! its byte range.
//!
//! - Strict RFC 8259: no comments, no trailing commas, no single quotes; a leading UTF-8 byte
//!   order mark is skipped (the RFC lets a reader ignore it).
//! - Object members keep their order and their duplicates: whether a repeated key is an error is
//!   the format's call (Avro rejects a repeated field name, which is a different thing).
//! - Numbers keep their text, so `1.0` and `1` stay apart and no precision is lost; they are
//!   read as integers or floats on demand.
//! - The first syntax error ends the parse and is returned with its range: JSON has no
//!   statement boundary to resume at. Nesting deeper than [`MAX_DEPTH`] is an error, not a
//!   stack overflow.

use rollsafe_text::TextRange;

/// How deep arrays and objects may nest. Real schemas stay in the tens.
pub const MAX_DEPTH: usize = 256;

/// A JSON value and where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub kind: Kind,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    /// The literal as written (`-1.5e3`).
    Number(String),
    String(String),
    Array(Vec<Value>),
    Object(Vec<Member>),
}

/// One `"key": value` of an object.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub key: String,
    /// The key's string literal, quotes included.
    pub key_range: TextRange,
    pub value: Value,
}

/// Why a text is not JSON, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub range: TextRange,
    pub message: String,
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.kind {
            Kind::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Value]> {
        match &self.kind {
            Kind::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.kind {
            Kind::Object(members) => Some(members),
            _ => None,
        }
    }

    /// An integer literal (no fraction, no exponent) that fits an `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match &self.kind {
            Kind::Number(text) => text.parse().ok(),
            _ => None,
        }
    }

    /// Any number, as the nearest `f64`.
    pub fn as_f64(&self) -> Option<f64> {
        match &self.kind {
            Kind::Number(text) => text.parse().ok(),
            _ => None,
        }
    }

    /// The value of the first member named `key`, when this is an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.member(key).map(|m| &m.value)
    }

    /// The first member named `key`, when this is an object.
    pub fn member(&self, key: &str) -> Option<&Member> {
        self.as_object()?.iter().find(|m| m.key == key)
    }

    /// The value a JSON Pointer (RFC 6901) names: `""` is this value, `/fields/0/type` a member
    /// of an element of a member. `~1` stands for `/` and `~0` for `~` in a segment.
    pub fn pointer(&self, pointer: &str) -> Option<&Value> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut at = self;
        for segment in pointer.strip_prefix('/')?.split('/') {
            let segment = segment.replace("~1", "/").replace("~0", "~");
            at = match &at.kind {
                Kind::Object(_) => at.get(&segment)?,
                // No leading zeros, no sign: `01` and `+1` name nothing.
                Kind::Array(items) if segment == "0" || !segment.starts_with('0') => {
                    items.get(segment.parse::<usize>().ok().filter(|_| segment.bytes().all(|b| b.is_ascii_digit()))?)?
                }
                _ => return None,
            };
        }
        Some(at)
    }

    /// The JSON Pointer of the innermost value whose text holds `range` (a member's key counts as
    /// its value's): how a location in a document is named where ranges do not travel (the
    /// allow-list of a configuration). `""` is this value.
    pub fn pointer_of(&self, range: TextRange) -> String {
        let holds = |outer: TextRange| outer.start <= range.start && range.end <= outer.end;
        let mut pointer = String::new();
        let mut at = self;
        'descend: loop {
            match &at.kind {
                Kind::Object(members) => {
                    for m in members {
                        let whole = TextRange::new(m.key_range.start, m.value.range.end.max(m.key_range.end));
                        if holds(whole) {
                            pointer.push('/');
                            pointer.push_str(&pointer_segment(&m.key));
                            at = &m.value;
                            continue 'descend;
                        }
                    }
                }
                Kind::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        if holds(item.range) {
                            pointer.push_str(&format!("/{i}"));
                            at = item;
                            continue 'descend;
                        }
                    }
                }
                _ => {}
            }
            return pointer;
        }
    }

    /// What a value is, for messages (`an object`, `a string`).
    pub fn describe(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Number(_) => "a number",
            Kind::String(_) => "a string",
            Kind::Array(_) => "an array",
            Kind::Object(_) => "an object",
        }
    }
}

/// A JSON Pointer segment for `key` (RFC 6901 escaping).
pub fn pointer_segment(key: &str) -> String {
    if key.contains(['~', '/']) { key.replace('~', "~0").replace('/', "~1") } else { key.to_string() }
}

/// Parses a whole JSON text: one value, surrounded by whitespace only.
pub fn parse(text: &str) -> Result<Value, SyntaxError> {
    parse_with(text, false)
}

/// [`parse`], also skipping `//` and `/* */` comments where whitespace may be, as the Avro
/// libraries' JSON readers do (Java's parser enables Jackson's `ALLOW_COMMENTS`). Ranges stay the
/// text's own.
pub fn parse_with_comments(text: &str) -> Result<Value, SyntaxError> {
    parse_with(text, true)
}

fn parse_with(text: &str, comments: bool) -> Result<Value, SyntaxError> {
    // The UTF-16 hint explains a failure; a text that parses (NUL bytes in a comment) is read.
    parse_utf8(text, comments).map_err(|e| match utf16_hint(text) {
        Some(hint) => SyntaxError { range: TextRange::empty(0), message: hint.to_string() },
        None => e,
    })
}

fn parse_utf8(text: &str, comments: bool) -> Result<Value, SyntaxError> {
    let mut p = Parser { src: text, bytes: text.as_bytes(), pos: 0, depth: 0, comments };
    if text.starts_with('\u{feff}') {
        p.pos = '\u{feff}'.len_utf8();
    }
    p.skip_whitespace();
    let value = p.value()?;
    p.skip_whitespace();
    if p.pos < p.bytes.len() {
        return Err(p.error_here("unexpected text after the JSON value"));
    }
    Ok(value)
}

struct Parser<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
    /// `//` and `/* */` comments count as whitespace.
    comments: bool,
}

/// A text whose every other byte is NUL is UTF-16 read as bytes: say so, rather than point at the
/// first NUL.
fn utf16_hint(text: &str) -> Option<&'static str> {
    let head = &text.as_bytes()[..text.len().min(64)];
    let nuls = head.iter().filter(|b| **b == 0).count();
    (head.len() >= 4 && nuls * 3 >= head.len()).then_some("the file is UTF-16 encoded: JSON files are read as UTF-8; save it as UTF-8")
}

impl Parser<'_> {
    fn value(&mut self) -> Result<Value, SyntaxError> {
        let start = self.pos;
        let kind = match self.bytes.get(self.pos) {
            None => return Err(self.error_here("unexpected end of the file: a value was expected")),
            Some(b'{') => self.nested(Parser::object)?,
            Some(b'[') => self.nested(Parser::array)?,
            Some(b'"') => Kind::String(self.string()?),
            Some(b'-' | b'0'..=b'9') => Kind::Number(self.number()?),
            Some(b't') => self.literal("true", Kind::Bool(true))?,
            Some(b'f') => self.literal("false", Kind::Bool(false))?,
            Some(b'n') => self.literal("null", Kind::Null)?,
            Some(_) => return Err(self.error_at_char("a value was expected")),
        };
        Ok(Value { kind, range: TextRange::from_usize(start, self.pos) })
    }

    fn nested(&mut self, read: fn(&mut Self) -> Result<Kind, SyntaxError>) -> Result<Kind, SyntaxError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error_at_char(&format!("nested more than {MAX_DEPTH} levels deep")));
        }
        self.depth += 1;
        let kind = read(self);
        self.depth -= 1;
        kind
    }

    fn object(&mut self) -> Result<Kind, SyntaxError> {
        self.pos += 1; // `{`
        let mut members = Vec::new();
        self.skip_whitespace();
        if self.eat(b'}') {
            return Ok(Kind::Object(members));
        }
        loop {
            self.skip_whitespace();
            if self.bytes.get(self.pos) != Some(&b'"') {
                let what = if self.bytes.get(self.pos) == Some(&b'}') { "a key (no comma before `}`)" } else { "a key in double quotes" };
                return Err(self.error_at_char(&format!("{what} was expected")));
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_range = TextRange::from_usize(key_start, self.pos);
            self.skip_whitespace();
            if !self.eat(b':') {
                return Err(self.error_at_char("`:` was expected after the key"));
            }
            self.skip_whitespace();
            let value = self.value()?;
            members.push(Member { key, key_range, value });
            self.skip_whitespace();
            if self.eat(b'}') {
                members.shrink_to_fit(); // Documents stay in memory: no growth slack.
                return Ok(Kind::Object(members));
            }
            if !self.eat(b',') {
                return Err(self.error_at_char("`,` or `}` was expected"));
            }
        }
    }

    fn array(&mut self) -> Result<Kind, SyntaxError> {
        self.pos += 1; // `[`
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.eat(b']') {
            return Ok(Kind::Array(items));
        }
        loop {
            self.skip_whitespace();
            if self.bytes.get(self.pos) == Some(&b']') {
                return Err(self.error_at_char("a value was expected (no comma before `]`)"));
            }
            items.push(self.value()?);
            self.skip_whitespace();
            if self.eat(b']') {
                items.shrink_to_fit();
                return Ok(Kind::Array(items));
            }
            if !self.eat(b',') {
                return Err(self.error_at_char("`,` or `]` was expected"));
            }
        }
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        self.pos += 1; // `"`
        let mut out = String::new();
        loop {
            // Copy the run up to the next quote, backslash or control character at once.
            let run = self.bytes[self.pos..].iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20);
            let end = run.map_or(self.bytes.len(), |n| self.pos + n);
            out.push_str(&self.src[self.pos..end]);
            self.pos = end;
            match self.bytes.get(self.pos) {
                None => return Err(self.error(start, self.pos, "unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => self.escape(&mut out)?,
                Some(_) => return Err(self.error(self.pos, self.pos + 1, "a control character must be escaped in a string")),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), SyntaxError> {
        let start = self.pos;
        let Some(&c) = self.bytes.get(self.pos + 1) else {
            return Err(self.error(start, self.pos + 1, "unterminated string"));
        };
        self.pos += 2;
        let simple = match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let high = self.hex4(start)?;
                let ch = if (0xD800..0xDC00).contains(&high) {
                    // A high surrogate must be followed by `\u` and a low one.
                    if self.bytes.get(self.pos) != Some(&b'\\') || self.bytes.get(self.pos + 1) != Some(&b'u') {
                        return Err(self.error(start, self.pos, "a lone surrogate in a \\u escape"));
                    }
                    self.pos += 2;
                    let low = self.hex4(start)?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return Err(self.error(start, self.pos, "a lone surrogate in a \\u escape"));
                    }
                    char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
                } else {
                    char::from_u32(high)
                };
                match ch {
                    Some(ch) => ch,
                    None => return Err(self.error(start, self.pos, "a lone surrogate in a \\u escape")),
                }
            }
            _ => {
                let end = start + 1 + self.src[start + 1..].chars().next().map_or(0, char::len_utf8);
                self.pos = end;
                return Err(self.error(start, end, "not a JSON escape"));
            }
        };
        out.push(simple);
        Ok(())
    }

    /// Four hex digits after `\u`.
    fn hex4(&mut self, escape_start: usize) -> Result<u32, SyntaxError> {
        let digits = self.bytes.get(self.pos..self.pos + 4).filter(|d| d.iter().all(u8::is_ascii_hexdigit));
        let Some(digits) = digits else {
            // Up to four characters (whole: they may be anything).
            let end = (0..4).fold(self.pos, |at, _| self.char_end(at));
            return Err(self.error(escape_start, end, "\\u must be followed by four hex digits"));
        };
        self.pos += 4;
        Ok(digits.iter().fold(0, |n, d| n * 16 + (*d as char).to_digit(16).unwrap_or(0)))
    }

    fn number(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        self.eat(b'-');
        match self.bytes.get(self.pos) {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error(start, self.char_end(self.pos), "a digit was expected")),
        }
        if self.eat(b'.') {
            if !self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
                return Err(self.error(start, self.pos, "a digit was expected after `.`"));
            }
            self.digits();
        }
        if self.eat(b'e') || self.eat(b'E') {
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            if !self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
                return Err(self.error(start, self.pos, "a digit was expected in the exponent"));
            }
            self.digits();
        }
        // `01` and `1x`: a number runs into what cannot follow it.
        if self.bytes.get(self.pos).is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'.') {
            return Err(self.error_at_char("not a JSON number (leading zero, or letters after it)"));
        }
        Ok(self.src[start..self.pos].to_string())
    }

    fn digits(&mut self) {
        while self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &str, kind: Kind) -> Result<Kind, SyntaxError> {
        if self.src[self.pos..].starts_with(word) && !self.bytes.get(self.pos + word.len()).is_some_and(u8::is_ascii_alphanumeric) {
            self.pos += word.len();
            return Ok(kind);
        }
        Err(self.error_at_char("a value was expected"))
    }

    fn eat(&mut self, b: u8) -> bool {
        let found = self.bytes.get(self.pos) == Some(&b);
        if found {
            self.pos += 1;
        }
        found
    }

    fn skip_whitespace(&mut self) {
        loop {
            while matches!(self.bytes.get(self.pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                self.pos += 1;
            }
            if !self.comments || self.bytes.get(self.pos) != Some(&b'/') {
                return;
            }
            match self.bytes.get(self.pos + 1) {
                Some(b'/') => {
                    let rest = &self.bytes[self.pos..];
                    self.pos += rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
                }
                Some(b'*') => match self.src[self.pos + 2..].find("*/") {
                    Some(end) => self.pos += 2 + end + 2,
                    // Unterminated: left for the value reader to report at the `/`.
                    None => return,
                },
                _ => return,
            }
        }
    }

    /// Where the character starting at byte `at` ends (`at` itself at the end of the text): error
    /// ranges end on character boundaries.
    fn char_end(&self, at: usize) -> usize {
        at + self.src.get(at..).and_then(|rest| rest.chars().next()).map_or(0, char::len_utf8)
    }

    fn error(&self, start: usize, end: usize, message: &str) -> SyntaxError {
        SyntaxError { range: TextRange::from_usize(start, end.min(self.bytes.len())), message: message.to_string() }
    }

    fn error_here(&self, message: &str) -> SyntaxError {
        self.error(self.pos, self.pos, message)
    }

    /// An error on the character at the current position (whole, so the range stays on character
    /// boundaries), quoting it.
    fn error_at_char(&self, message: &str) -> SyntaxError {
        match self.src[self.pos..].chars().next() {
            Some(c) => {
                let shown: String = if c.is_control() { c.escape_debug().collect() } else { c.to_string() };
                self.error(self.pos, self.pos + c.len_utf8(), &format!("{message}, found `{shown}`"))
            }
            None => self.error_here(&format!("{message}, found the end of the file")),
        }
    }
}

/// Entry points for the fuzz targets (`fuzz/`).
pub mod fuzzing {
    use super::*;

    /// Parses `text`; panics when an invariant breaks: a range outside the text or off a
    /// character boundary, or a value whose own text does not parse back to it.
    pub fn front_end(text: &str) {
        // Strict, then with comments skipped (as the Avro front-end reads).
        for parse in [parse as fn(&str) -> Result<Value, SyntaxError>, parse_with_comments] {
            front_end_with(text, parse);
        }
    }

    fn front_end_with(text: &str, parse: fn(&str) -> Result<Value, SyntaxError>) {
        let ok = |r: TextRange| rollsafe_text::assert_range_within(text, r);
        match parse(text) {
            Err(e) => ok(e.range),
            Ok(value) => {
                let mut stack = vec![&value];
                while let Some(v) = stack.pop() {
                    ok(v.range);
                    let again = parse(&text[v.range.as_usize()]).expect("a value's own text parses");
                    assert_eq!(strip(&again), strip(v), "a value's own text parses to the same value");
                    match &v.kind {
                        Kind::Array(items) => stack.extend(items),
                        Kind::Object(members) => {
                            for m in members {
                                ok(m.key_range);
                                stack.push(&m.value);
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    /// The value without its ranges.
    fn strip(v: &Value) -> Kind {
        match &v.kind {
            Kind::Array(items) => Kind::Array(items.iter().map(|i| Value { kind: strip(i), range: TextRange::empty(0) }).collect()),
            Kind::Object(members) => Kind::Object(
                members
                    .iter()
                    .map(|m| Member {
                        key: m.key.clone(),
                        key_range: TextRange::empty(0),
                        value: Value { kind: strip(&m.value), range: TextRange::empty(0) },
                    })
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn comments_only_when_asked_and_utf16_named() {
        let text = "// a schema\n{\"a\": /* inline */ 1, // trailing\n \"b\": [2 /* x */]}\n/* end */";
        assert!(super::parse(text).is_err());
        let v = super::parse_with_comments(text).expect("comments skipped");
        assert_eq!(v.pointer("/b/0").and_then(super::Value::as_i64), Some(2));
        assert_eq!(&text[v.pointer("/a").expect("a").range.as_usize()], "1");
        let unterminated = super::parse_with_comments("{\"a\": 1 /* open").expect_err("unterminated comment");
        assert!(unterminated.message.contains("found `/`"), "{}", unterminated.message);
        let utf16: String = "{\"type\": \"string\"}".chars().flat_map(|c| ['\0', c]).collect();
        let e = super::parse(&utf16).expect_err("UTF-16");
        assert!(e.message.contains("UTF-16"), "{}", e.message);
    }

    /// NUL bytes in a comment do not make a text UTF-16: a value whose own text is mostly such a
    /// comment still parses (found by fuzzing).
    #[test]
    fn nul_bytes_in_a_comment_are_not_utf16() {
        let text = "{\n   //j\0\0\0\0\0\0\0json,ergmn\"\0\0\0\0\0\0\0+json\"}\n}\n";
        crate::fuzzing::front_end(text);
        assert!(super::parse_with_comments(text).is_ok());
    }

    use super::*;

    #[test]
    fn pointers_of_ranges() {
        let text = r#"{"fields": [{"name": "a", "type": "int"}, {"name": "b/c", "type": ["null", "long"]}]}"#;
        let doc = parse(text).unwrap();
        let at = |needle: &str| {
            let start = text.find(needle).unwrap();
            doc.pointer_of(TextRange::from_usize(start, start + needle.len()))
        };
        assert_eq!(at(r#""long""#), "/fields/1/type/1");
        assert_eq!(at(r#""b/c""#), "/fields/1/name");
        assert_eq!(at(r#"{"name": "a", "type": "int"}"#), "/fields/0");
        assert_eq!(at(r#""type": "int""#), "/fields/0/type", "a member's key counts as its value's");
        assert_eq!(doc.pointer_of(doc.range), "");
        let b = doc.pointer("/fields/1/name").unwrap();
        assert_eq!(doc.pointer_of(b.range), "/fields/1/name");
        assert_eq!(pointer_segment("b/c~"), "b~1c~0");
    }

    fn text_of(src: &str, range: TextRange) -> &str {
        &src[range.as_usize()]
    }

    #[test]
    fn keys_and_values_keep_their_ranges() {
        let src = r#" {"type": "record", "fields": [{"name": "id", "type": ["null", "long"], "default": null}]} "#;
        let v = parse(src).expect("valid");
        assert_eq!(text_of(src, v.range), src.trim());
        let fields = v.member("fields").expect("fields");
        assert_eq!(text_of(src, fields.key_range), "\"fields\"");
        let ty = v.pointer("/fields/0/type").expect("type");
        assert_eq!(text_of(src, ty.range), r#"["null", "long"]"#);
        assert_eq!(v.pointer("/fields/0/default").map(|d| &d.kind), Some(&Kind::Null));
        assert_eq!(v.pointer("/fields/1"), None);
        assert_eq!(v.pointer("/fields/00"), None);
        assert_eq!(v.pointer("fields"), None);
    }

    #[test]
    fn members_keep_order_and_duplicates() {
        let v = parse(r#"{"b": 1, "a": 2, "b": 3}"#).expect("valid");
        let keys: Vec<&str> = v.as_object().expect("object").iter().map(|m| m.key.as_str()).collect();
        assert_eq!(keys, ["b", "a", "b"]);
        assert_eq!(v.get("b").and_then(Value::as_i64), Some(1), "the first of repeated keys");
    }

    #[test]
    fn strings_numbers_and_escapes() {
        let v = parse(r#"["a\"b\\\/\n\u00e9\ud83d\ude00", -0, 1.5e-3, 12, 9223372036854775808, true, false, null]"#).expect("valid");
        let items = v.as_array().expect("array");
        assert_eq!(items[0].as_str(), Some("a\"b\\/\né😀"));
        assert_eq!(items[1].kind, Kind::Number("-0".into()));
        assert_eq!(items[2].as_f64(), Some(0.0015));
        assert_eq!(items[2].as_i64(), None);
        assert_eq!(items[3].as_i64(), Some(12));
        assert_eq!(items[4].as_i64(), None, "beyond i64");
        assert_eq!(items[5].as_bool(), Some(true));
        assert_eq!(pointer_segment("a/b~c"), "a~1b~0c");
        assert_eq!(parse(r#"{"a/b": {"~": 1}}"#).expect("valid").pointer("/a~1b/~0").and_then(Value::as_i64), Some(1));
    }

    #[test]
    fn errors_are_located_and_say_what_was_expected() {
        let cases: &[(&str, &str, &str)] = &[
            ("{\"a\": 1,}", "}", "a key (no comma before `}`) was expected, found `}`"),
            ("[1, 2,]", "]", "a value was expected (no comma before `]`), found `]`"),
            ("{'a': 1}", "'", "a key in double quotes was expected, found `'`"),
            ("{\"a\" 1}", "1", "`:` was expected after the key, found `1`"),
            ("[01]", "1", "not a JSON number (leading zero, or letters after it), found `1`"),
            ("[1.]", "1.", "a digit was expected after `.`"),
            ("\"abc", "\"abc", "unterminated string"),
            ("\"a\tb\"", "\t", "a control character must be escaped in a string"),
            ("\"\\x\"", "\\x", "not a JSON escape"),
            ("\"\\ud83d\"", "\\ud83d", "a lone surrogate in a \\u escape"),
            ("\"\\u12\"", "\\u12\"", "\\u must be followed by four hex digits"),
            ("{} x", "", "unexpected text after the JSON value"),
            ("// c\n{}", "/", "a value was expected, found `/`"),
            ("tru", "t", "a value was expected, found `t`"),
            ("", "", "unexpected end of the file: a value was expected"),
            ("[é]", "é", "a value was expected, found `é`"),
            // Found by fuzzing: an error range must not split the character after a sign or `\u`.
            ("-é", "-é", "a digit was expected"),
            ("\"\\u1€\"", "\\u1€\"", "\\u must be followed by four hex digits"),
        ];
        for (src, at, message) in cases {
            let e = parse(src).expect_err(src);
            assert_eq!((text_of(src, e.range), e.message.as_str()), (*at, *message), "{src}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        let e = parse(&deep).expect_err("too deep");
        assert!(e.message.starts_with("nested more than 256 levels deep"), "{}", e.message);
        assert_eq!(e.range.start as usize, MAX_DEPTH);
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn the_fuzz_invariants_hold_on_the_examples() {
        for src in [r#"{"a": [1, {"b": "\u00e9"}], "c": null}"#, "[[[]]]", "{\"a\": tru}", "\"é"] {
            fuzzing::front_end(src);
        }
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let src = "\u{feff}{\"a\": true}";
        let v = parse(src).expect("valid");
        assert_eq!(text_of(src, v.range), "{\"a\": true}");
    }
}
