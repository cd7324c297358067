//! Renderers: adapters from [`Finding`](crate::Finding) to what people and tools read.

pub mod human;
pub mod json;

use rollsafe_text::{LineCol, LineIndex, TextRange};

/// 1-based line and column (Unicode scalar values) of both ends of a range.
pub(crate) fn line_cols(text: &str, range: TextRange) -> (LineCol, LineCol) {
    let index = LineIndex::new(text);
    (index.line_col_1based(text, range.start), index.line_col_1based(text, range.end))
}
