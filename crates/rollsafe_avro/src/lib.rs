//! Avro schemas (`.avsc`) as the specification (1.11, 1.12) defines them, read from JSON with
//! every element's byte range, for checking one release's schemas against another's.
//!
//! - Names: a dotted name is a full name; a simple name takes the `namespace` attribute, else the
//!   namespace of the most tightly enclosing named type; primitive names never take one. References
//!   to named types resolve the same way. Aliases of named types are full names, or relative to the
//!   namespace of the type they alias.
//! - Reading never stops at the first problem: an invalid part of a schema (an unknown type, a
//!   repeated name, a default that does not fit its type, a union holding two strings) is reported
//!   where it is, and the rest is read. Only a text that is not JSON yields no schema at all.
//! - Logical types the specification defines are modelled; an unknown or invalid one is ignored
//!   (the specification says readers use the underlying type) and reported as such.

pub mod model;
mod read;

pub use model::*;
pub use read::{parse, parse_in_set};

/// Entry points for the fuzz targets (`fuzz/`).
pub mod fuzzing {
    use rollsafe_text::TextRange;

    /// Reads `text` as a schema; panics when an invariant breaks: a range outside the text or off
    /// a character boundary.
    pub fn front_end(text: &str) {
        let parsed = crate::parse(text);
        let ok = |r: TextRange| rollsafe_text::assert_range_within(text, r);
        for p in &parsed.problems {
            ok(p.range);
        }
        let mut stack: Vec<&crate::Node> = parsed.schema.iter().collect();
        while let Some(node) = stack.pop() {
            ok(node.range);
            stack.extend(node.children());
        }
        for (_, node) in parsed.named_types() {
            ok(node.range);
        }
    }
}
