//! Text positions for rollsafe.
//!
//! Everything inside rollsafe speaks in byte offsets into a file's text ([`TextRange`]). Lines and columns
//! exist only at the edges — the CLI renderers (1-based, columns counted in Unicode scalar values) and the
//! language server (0-based, columns in UTF-16 code units) — and both are computed here by [`LineIndex`].
//! This crate knows nothing about SQL, salsa or output formats. [`escape`] makes untrusted text safe
//! to print at those edges.

pub mod escape;

use std::fmt;

/// A half-open byte range `start..end` into one file's text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize, serde::Deserialize)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    pub fn new(start: u32, end: u32) -> TextRange {
        debug_assert!(start <= end, "inverted range {start}..{end}");
        TextRange { start, end: end.max(start) }
    }

    /// Builds a range from `usize` offsets. Files over 4 GiB are refused when they are read, so the
    /// conversion cannot truncate for text rollsafe holds.
    pub fn from_usize(start: usize, end: usize) -> TextRange {
        TextRange::new(to_u32(start), to_u32(end))
    }

    pub fn empty(at: u32) -> TextRange {
        TextRange { start: at, end: at }
    }

    pub fn len(self) -> u32 {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn contains_range(self, other: TextRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub fn contains(self, offset: u32) -> bool {
        self.start <= offset && offset < self.end
    }

    /// Moves a range that is relative to `base` into the coordinates of the enclosing text.
    pub fn shifted(self, base: u32) -> TextRange {
        TextRange { start: self.start + base, end: self.end + base }
    }

    /// The smallest range covering both.
    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange { start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    pub fn as_usize(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

impl fmt::Debug for TextRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

fn to_u32(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

/// A line/column position. What the column counts depends on the method that produced it.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// Line starts of one text, for converting byte offsets at the edges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset of the first byte of every line; always starts with 0.
    line_starts: Vec<u32>,
    len: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(to_u32(i + 1));
            }
        }
        LineIndex { line_starts, len: to_u32(text.len()) }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 0-based line of a byte offset (offsets past the end land on the last line).
    pub fn line_of(&self, offset: u32) -> u32 {
        let offset = offset.min(self.len);
        match self.line_starts.binary_search(&offset) {
            Ok(line) => to_u32(line),
            Err(next) => to_u32(next - 1),
        }
    }

    /// Byte range of a 0-based line, without its line terminator.
    pub fn line_range(&self, text: &str, line: u32) -> TextRange {
        let start = self.line_starts.get(line as usize).copied().unwrap_or(self.len);
        let mut end = self.line_starts.get(line as usize + 1).copied().unwrap_or(self.len);
        let bytes = text.as_bytes();
        while end > start && matches!(bytes.get(end as usize - 1), Some(b'\n' | b'\r')) {
            end -= 1;
        }
        TextRange::new(start, end)
    }

    /// 1-based line and 1-based column counted in Unicode scalar values, as editors and
    /// compilers print them. An offset inside a multi-byte character is moved to its start.
    pub fn line_col_1based(&self, text: &str, offset: u32) -> LineCol {
        let line = self.line_of(offset);
        let start = self.line_starts[line as usize] as usize;
        let offset = floor_char_boundary(text, (offset as usize).min(text.len()));
        let col = text[start..offset].chars().count();
        LineCol { line: line + 1, col: to_u32(col) + 1 }
    }

    /// 0-based line and 0-based column counted in UTF-16 code units, as the language server
    /// protocol requires by default.
    pub fn line_col_utf16(&self, text: &str, offset: u32) -> LineCol {
        let line = self.line_of(offset);
        let start = self.line_starts[line as usize] as usize;
        let offset = floor_char_boundary(text, (offset as usize).min(text.len()));
        let col: usize = text[start..offset].chars().map(char::len_utf16).sum();
        LineCol { line, col: to_u32(col) }
    }

    /// The byte offset of a 0-based line and UTF-16 column; positions past the end of a line clamp
    /// to its end, lines past the end clamp to the end of the text.
    pub fn offset_utf16(&self, text: &str, pos: LineCol) -> u32 {
        let Some(&start) = self.line_starts.get(pos.line as usize) else {
            return self.len;
        };
        let line = self.line_range(text, pos.line);
        let mut units = 0usize;
        for (i, ch) in text[line.as_usize()].char_indices() {
            if units >= pos.col as usize {
                return start + to_u32(i);
            }
            units += ch.len_utf16();
        }
        line.end
    }
}

/// The largest char boundary not after `offset`.
pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Panics unless `range` lies inside `text` on character boundaries: the invariant every
/// front-end's fuzz target holds its ranges to.
pub fn assert_range_within(text: &str, range: TextRange) {
    assert!(range.start <= range.end && range.end as usize <= text.len(), "range {range:?} outside the text");
    assert!(text.is_char_boundary(range.start as usize) && text.is_char_boundary(range.end as usize), "range {range:?} off a boundary");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_based_columns_count_characters() {
        let text = "ab\nçé x\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col_1based(text, 0), LineCol { line: 1, col: 1 });
        assert_eq!(index.line_col_1based(text, 3), LineCol { line: 2, col: 1 });
        // 'x' is after two 2-byte characters and a space.
        let x = text.find('x').unwrap() as u32;
        assert_eq!(index.line_col_1based(text, x), LineCol { line: 2, col: 4 });
        assert_eq!(index.line_col_1based(text, text.len() as u32), LineCol { line: 3, col: 1 });
    }

    #[test]
    fn utf16_columns_count_surrogate_pairs_twice() {
        let text = "-- 😀 x";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap() as u32;
        assert_eq!(index.line_col_utf16(text, x), LineCol { line: 0, col: 6 });
        assert_eq!(index.offset_utf16(text, LineCol { line: 0, col: 6 }), x);
    }

    #[test]
    fn line_ranges_exclude_crlf() {
        let text = "a\r\nbc\r\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_range(text, 0), TextRange::new(0, 1));
        assert_eq!(index.line_range(text, 1), TextRange::new(3, 5));
    }
}
