//! Tokens of a `.proto` file, each with its byte range. Never fails: a character that starts no
//! token is an [`TokenKind::Unknown`] token of its own, and an unterminated string or block comment
//! ends at the end of the file (the parser reports both).

use rollsafe_text::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Ident,
    /// Integer literal (decimal, octal or hex), without sign.
    Int,
    /// Float literal (`1.5`, `1e10`, `.5`), without sign.
    Float,
    /// String literal with its quotes (single or double); `terminated` is false when the line or
    /// file ended first.
    Str {
        terminated: bool,
    },
    /// One punctuation character: `; , . = { } [ ] ( ) < > - + : /`.
    Symbol(u8),
    LineComment,
    /// `/* … */`; `terminated` is false when the file ended first.
    BlockComment {
        terminated: bool,
    },
    Unknown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub range: TextRange,
}

impl Token {
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        &source[self.range.as_usize()]
    }

    pub fn is_comment(&self) -> bool {
        matches!(self.kind, TokenKind::LineComment | TokenKind::BlockComment { .. })
    }
}

/// Every token of `source`, comments included, whitespace left out.
pub fn tokens(source: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(source.len() / 4);
    lex(source, |t| out.push(t));
    out
}

/// The tokens the parser reads and the comments, each in order, lexed straight into two lists
/// (every file of a large tree is lexed: no third list to split).
pub fn code_and_comments(source: &str) -> (Vec<Token>, Vec<Token>) {
    let (mut code, mut comments) = (Vec::with_capacity(source.len() / 5), Vec::new());
    lex(source, |t| if t.is_comment() { comments.push(t) } else { code.push(t) });
    (code, comments)
}

fn lex(source: &str, mut emit: impl FnMut(Token)) {
    let bytes = source.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let kind = match c {
            b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c => {
                i += 1;
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = memchr_newline(bytes, i);
                TokenKind::LineComment
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => match find(bytes, i + 2, b"*/") {
                Some(end) => {
                    i = end + 2;
                    TokenKind::BlockComment { terminated: true }
                }
                None => {
                    i = bytes.len();
                    TokenKind::BlockComment { terminated: false }
                }
            },
            b'"' | b'\'' => {
                i += 1;
                let mut terminated = false;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' => i += 2,
                        b'\n' => break,
                        q if q == c => {
                            i += 1;
                            terminated = true;
                            break;
                        }
                        _ => i += 1,
                    }
                }
                i = i.min(bytes.len());
                TokenKind::Str { terminated }
            }
            b'0'..=b'9' => number(bytes, &mut i),
            b'.' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => number(bytes, &mut i),
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                TokenKind::Ident
            }
            b';' | b',' | b'.' | b'=' | b'{' | b'}' | b'[' | b']' | b'(' | b')' | b'<' | b'>' | b'-' | b'+' | b':' | b'/' => {
                i += 1;
                TokenKind::Symbol(c)
            }
            _ => {
                // One whole character, so ranges stay on character boundaries.
                i += utf8_len(c);
                i = i.min(bytes.len());
                TokenKind::Unknown
            }
        };
        emit(Token { kind, range: TextRange::from_usize(start, i) });
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xf0..=0xff => 4,
        0xe0..=0xef => 3,
        0xc0..=0xdf => 2,
        _ => 1,
    }
}

fn memchr_newline(bytes: &[u8], from: usize) -> usize {
    bytes[from..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |p| from + p)
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| from + p)
}

/// A number: digits, a fraction, an exponent; identifier characters that follow belong to it
/// (`0x1F`, and also `12abc`, which the parser then rejects as one bad token).
fn number(bytes: &[u8], i: &mut usize) -> TokenKind {
    let mut float = false;
    if bytes[*i] == b'0' && matches!(bytes.get(*i + 1), Some(b'x' | b'X')) {
        *i += 2;
        while *i < bytes.len() && bytes[*i].is_ascii_alphanumeric() {
            *i += 1;
        }
        return TokenKind::Int;
    }
    while *i < bytes.len() {
        match bytes[*i] {
            b'0'..=b'9' => *i += 1,
            b'.' => {
                float = true;
                *i += 1;
            }
            b'e' | b'E' => {
                float = true;
                *i += 1;
                if matches!(bytes.get(*i), Some(b'+' | b'-')) {
                    *i += 1;
                }
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => *i += 1,
            _ => break,
        }
    }
    if float { TokenKind::Float } else { TokenKind::Int }
}

/// The value of a string literal's token text (quotes included): escapes decoded, adjacent
/// literals are the parser's business. Invalid escapes are kept as written.
pub fn unquote(literal: &str) -> String {
    let inner = literal.get(1..).unwrap_or("");
    let quote = literal.as_bytes().first().copied().unwrap_or(b'"') as char;
    let inner = inner.strip_suffix(quote).unwrap_or(inner);
    let mut out = Vec::with_capacity(inner.len());
    let bytes = inner.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' || i + 1 >= bytes.len() {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        let e = bytes[i + 1];
        i += 2;
        match e {
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'r' => out.push(b'\r'),
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'v' => out.push(11),
            b'x' | b'X' => {
                let digits: Vec<u8> = bytes[i..].iter().take(2).take_while(|b| b.is_ascii_hexdigit()).copied().collect();
                i += digits.len();
                out.push(u8::from_str_radix(std::str::from_utf8(&digits).unwrap_or("0"), 16).unwrap_or(0));
            }
            b'0'..=b'7' => {
                let mut value = u32::from(e - b'0');
                let mut n = 0;
                while n < 2 && i < bytes.len() && (b'0'..=b'7').contains(&bytes[i]) {
                    value = value * 8 + u32::from(bytes[i] - b'0');
                    i += 1;
                    n += 1;
                }
                out.push(value as u8);
            }
            b'u' | b'U' => {
                let len = if e == b'u' { 4 } else { 8 };
                let digits = std::str::from_utf8(&bytes[i..(i + len).min(bytes.len())]).unwrap_or("");
                match u32::from_str_radix(digits, 16).ok().and_then(char::from_u32) {
                    Some(ch) => {
                        i += len;
                        out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
                    }
                    None => out.extend_from_slice(&[b'\\', e]),
                }
            }
            other => out.push(other),
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> Vec<(TokenKind, &str)> {
        tokens(source).into_iter().map(|t| (t.kind, t.text(source))).collect()
    }

    #[test]
    fn a_field_with_options_and_comments() {
        let src = "int64 id = 1 [json_name = \"ID\"]; // trailing\n/* block */";
        let k = kinds(src);
        assert_eq!(k[0], (TokenKind::Ident, "int64"));
        assert_eq!(k[3], (TokenKind::Int, "1"));
        assert_eq!(k[7], (TokenKind::Str { terminated: true }, "\"ID\""));
        assert_eq!(k[10], (TokenKind::LineComment, "// trailing"));
        assert_eq!(k[11], (TokenKind::BlockComment { terminated: true }, "/* block */"));
    }

    #[test]
    fn numbers_and_unterminated_things() {
        let k = kinds("0x1F 1.5e-3 .5 07 'abc");
        assert_eq!(
            k.iter().map(|(k, _)| *k).collect::<Vec<_>>()[..4],
            [TokenKind::Int, TokenKind::Float, TokenKind::Float, TokenKind::Int]
        );
        assert_eq!(k[4], (TokenKind::Str { terminated: false }, "'abc"));
        assert_eq!(kinds("/* never")[0].0, TokenKind::BlockComment { terminated: false });
        assert_eq!(kinds("é")[0], (TokenKind::Unknown, "é"));
    }

    #[test]
    fn string_escapes() {
        assert_eq!(unquote(r#""a\"b\n\x41\101\u00e9""#), "a\"b\nAAé");
        assert_eq!(unquote("'it'"), "it");
    }
}
