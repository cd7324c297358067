//! A cursor over the significant tokens of one statement.
//!
//! Used to find exact sub-ranges (the column definitions of a `CREATE TABLE`, the actions of an
//! `ALTER TABLE`) and by the fallback reader for statements sqlparser does not parse.

use crate::Dialect;
use crate::lexer::{Token, TokenKind, tokenize};
use crate::name::{Name, QualifiedName};
use rollsafe_text::TextRange;

pub(crate) struct Cursor<'a> {
    pub src: &'a str,
    pub toks: Vec<Token>,
    pub pos: usize,
    /// Offset of `src` in the file, added to every range handed out.
    pub base: u32,
    pub dialect: Dialect,
}

impl<'a> Cursor<'a> {
    pub fn new(src: &'a str, base: u32, dialect: Dialect) -> Cursor<'a> {
        let toks = tokenize(src, dialect).into_iter().filter(|t| !t.is_trivia()).collect();
        Cursor { src, toks, pos: 0, base, dialect }
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.toks.len()
    }

    pub fn peek(&self) -> Option<Token> {
        self.toks.get(self.pos).copied()
    }

    pub fn peek_text(&self) -> &'a str {
        self.peek().map_or("", |t| t.text(self.src))
    }

    pub fn at_word(&self, kw: &str) -> bool {
        self.peek().is_some_and(|t| t.is_word(self.src, kw))
    }

    pub fn at_word_n(&self, n: usize, kw: &str) -> bool {
        self.toks.get(self.pos + n).is_some_and(|t| t.is_word(self.src, kw))
    }

    pub fn eat_word(&mut self, kw: &str) -> bool {
        if self.at_word(kw) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Consumes the words only if all of them follow in order.
    pub fn eat_words(&mut self, kws: &[&str]) -> bool {
        if kws.iter().enumerate().all(|(i, kw)| self.at_word_n(i, kw)) {
            self.pos += kws.len();
            true
        } else {
            false
        }
    }

    pub fn eat_punct(&mut self, ch: char) -> bool {
        if self.peek().is_some_and(|t| t.is_punct(self.src, ch)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub fn bump(&mut self) -> Option<Token> {
        let t = self.peek()?;
        self.pos += 1;
        Some(t)
    }

    /// One identifier (bare word or quoted).
    pub fn ident(&mut self) -> Option<Name> {
        let t = self.peek()?;
        match t.kind {
            TokenKind::Word | TokenKind::QuotedIdent => {
                self.pos += 1;
                Some(Name::from_sql(t.text(self.src), self.dialect))
            }
            // MySQL accepts string literals in some name positions; treat them as names.
            TokenKind::String if self.dialect == Dialect::MySql => {
                self.pos += 1;
                let text = t.text(self.src);
                Some(Name::from_parts(text.trim_matches(['\'', '"']).to_string(), true, self.dialect))
            }
            _ => None,
        }
    }

    /// A dotted name `a.b.c`.
    pub fn qualified_name(&mut self) -> Option<QualifiedName> {
        let mut parts = vec![self.ident()?];
        while self.peek().is_some_and(|t| t.is_punct(self.src, '.')) {
            self.pos += 1;
            parts.push(self.ident()?);
        }
        QualifiedName::from_parts(parts)
    }

    /// A parenthesised list of identifiers `(a, b)`.
    pub fn ident_list(&mut self) -> Option<Vec<Name>> {
        if !self.eat_punct('(') {
            return None;
        }
        let mut out = Vec::new();
        loop {
            out.push(self.ident()?);
            if self.eat_punct(')') {
                return Some(out);
            }
            if !self.eat_punct(',') {
                return None;
            }
        }
    }

    /// Token index ranges of the comma-separated items between `from` and `to` at nesting depth 0.
    pub fn split_commas(&self, from: usize, to: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut depth = 0i32;
        let mut start = from;
        for i in from..to.min(self.toks.len()) {
            let t = self.toks[i];
            if t.is_punct(self.src, '(') || t.is_punct(self.src, '[') {
                depth += 1;
            } else if t.is_punct(self.src, ')') || t.is_punct(self.src, ']') {
                depth -= 1;
            } else if depth == 0 && t.is_punct(self.src, ',') {
                if i > start {
                    out.push((start, i));
                }
                start = i + 1;
            }
        }
        if to > start {
            out.push((start, to.min(self.toks.len())));
        }
        out
    }

    /// The index just past the parenthesis that closes the one at `open`.
    pub fn matching_paren(&self, open: usize) -> Option<usize> {
        let mut depth = 0i32;
        for i in open..self.toks.len() {
            if self.toks[i].is_punct(self.src, '(') {
                depth += 1;
            } else if self.toks[i].is_punct(self.src, ')') {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
        }
        None
    }

    /// Absolute byte range of tokens `from..to` (exclusive).
    pub fn range(&self, from: usize, to: usize) -> TextRange {
        let start = self.toks.get(from).map_or(self.src.len() as u32, |t| t.range.start);
        let end = if to == 0 { start } else { self.toks.get(to - 1).map_or(start, |t| t.range.end) };
        TextRange::new(start, end.max(start)).shifted(self.base)
    }

    /// Source text of tokens `from..to`.
    pub fn text(&self, from: usize, to: usize) -> &'a str {
        let r = self.range(from, to);
        &self.src[(r.start - self.base) as usize..(r.end - self.base) as usize]
    }
}
