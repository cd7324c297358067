//! Making untrusted text safe to print.
//!
//! File names, identifiers and source lines come from repositories anyone can write to. Printed
//! raw, a control character or a terminal escape sequence in them can rewrite what a terminal or a
//! CI log shows (move the cursor, hide a line, change the window title), and Unicode direction
//! overrides can make source read differently from what it is ("Trojan Source"). Every edge that
//! shows such text to a person (human output, CI annotations, editor messages, one-line errors)
//! passes it through this module first: dangerous characters are shown escaped (`\x1b`, `\u{202e}`),
//! and text quoted from input is capped in length.

use std::borrow::Cow;

/// Whether a character must not reach a terminal or an editor as is. Tabs and line feeds are
/// layout, not danger; carriage returns are decided by the caller (part of a CRLF or not).
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        // Bidirectional formatting: embeddings, overrides, isolates, marks.
        | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        // Line and paragraph separators: some terminals and editors break lines on them.
        | '\u{2028}' | '\u{2029}')
}

fn push_escaped(out: &mut String, c: char) {
    use std::fmt::Write;
    let _ = match c {
        '\n' => write!(out, "\\n"),
        '\r' => write!(out, "\\r"),
        '\t' => write!(out, "\\t"),
        c if (c as u32) < 0x100 => write!(out, "\\x{:02x}", c as u32),
        c => write!(out, "\\u{{{:x}}}", c as u32),
    };
}

/// Multi-line text (source code): escapes what [`is_unsafe`] rejects and lone carriage returns;
/// keeps line feeds, CRLF line ends and tabs.
pub fn escape_text(text: &str) -> Cow<'_, str> {
    escape_where(text, |c, next| is_unsafe(c) || (c == '\r' && next != Some('\n')))
}

/// One-line text (a message, a file name, an identifier): escapes line breaks and tabs too.
pub fn escape_line(text: &str) -> Cow<'_, str> {
    escape_where(text, |c, _| is_unsafe(c) || matches!(c, '\n' | '\r' | '\t'))
}

fn escape_where(text: &str, escape: impl Fn(char, Option<char>) -> bool) -> Cow<'_, str> {
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if escape(c, chars.peek().map(|(_, n)| *n)) {
            let mut out = String::with_capacity(text.len() + 8);
            out.push_str(&text[..i]);
            push_escaped(&mut out, c);
            while let Some((_, c)) = chars.next() {
                if escape(c, chars.peek().map(|(_, n)| *n)) {
                    push_escaped(&mut out, c);
                } else {
                    out.push(c);
                }
            }
            return Cow::Owned(out);
        }
    }
    Cow::Borrowed(text)
}

/// At most `max` characters of `text`, with `…` in place of the rest.
pub fn truncate_chars(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => Cow::Borrowed(text),
        Some((cut, _)) => Cow::Owned(format!("{}…", &text[..cut])),
    }
}

/// The longest piece of user input an error message quotes.
pub const QUOTE_MAX_CHARS: usize = 80;

/// User input (an argument, a key, a file name) as an error message quotes it: one line, escaped,
/// at most [`QUOTE_MAX_CHARS`] characters.
pub fn quote(input: &str) -> String {
    quote_at_most(input, QUOTE_MAX_CHARS)
}

/// Like [`quote`], for text that is legitimately longer (a path): at most `max` characters.
pub fn quote_at_most(input: &str, max: usize) -> String {
    escape_line(&truncate_chars(input, max)).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_and_direction_overrides_are_shown_escaped() {
        assert_eq!(escape_line("a\u{1b}]0;pwned\u{7}b"), "a\\x1b]0;pwned\\x07b");
        assert_eq!(escape_line("users\u{202e}txt"), "users\\u{202e}txt");
        assert_eq!(escape_line("two\nlines\r"), "two\\nlines\\r");
        assert_eq!(escape_line("\u{9b}31m"), "\\x9b31m", "the 8-bit CSI too");
        assert!(matches!(escape_line("plain ünïcödé 😀"), Cow::Borrowed(_)));
    }

    #[test]
    fn source_keeps_its_layout() {
        assert_eq!(escape_text("a\r\nb\tc\n"), "a\r\nb\tc\n");
        assert_eq!(escape_text("a\rb\u{1b}[2J"), "a\\rb\\x1b[2J");
    }

    #[test]
    fn quotes_are_capped() {
        let long = "x".repeat(500);
        let quoted = quote(&long);
        assert_eq!(quoted.chars().count(), QUOTE_MAX_CHARS + 1);
        assert!(quoted.ends_with('…'));
        assert_eq!(truncate_chars("short", 80), "short");
    }
}
