//! Renderers: adapters from [`Finding`](crate::Finding) to what people and tools read.

pub mod human;
pub mod json;

use crate::{Location, Report};
use rollsafe_text::{LineCol, LineIndex};

/// 1-based line and column (Unicode scalar values) of both ends of a location.
pub(crate) fn line_cols(report: &Report, loc: &Location) -> (LineCol, LineCol) {
    let text = report.text(loc.side, &loc.path).unwrap_or_default();
    // The analysis keeps each file's line index: building one per location would cost the file's
    // size per finding.
    let index = report.line_index(loc.side, &loc.path).unwrap_or_else(|| std::sync::Arc::new(LineIndex::new(&text)));
    (index.line_col_1based(&text, loc.range.start), index.line_col_1based(&text, loc.range.end))
}
