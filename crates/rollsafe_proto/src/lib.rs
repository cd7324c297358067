//! rollsafe's Protobuf front-end.
//!
//! [`parse`] reads one `.proto` file on its own (proto2, proto3, editions 2023 and 2024) into a
//! [`model::ProtoFile`] with the byte range of every element, its syntax errors and its
//! `rollsafe-allow` suppressions; it never fails. [`resolve`] puts parsed files together: import
//! paths, fully-qualified names, field types, and editions features.

pub mod buf_config;
pub mod lexer;
pub mod model;
mod parser;
pub mod resolve;
mod wkt;

pub use parser::{MAX_DEPTH, MAX_FIELD_NUMBER, ParsedFile, SyntaxError, parse};

/// Entry points for cargo-fuzz (`fuzz/fuzz_targets/proto_front_end.rs`).
#[doc(hidden)]
pub mod fuzzing {
    use rollsafe_text::TextRange;

    /// Parses `text`, resolves it as a module of one file, and resolves it against itself as two
    /// files (imports of each other). Panics when an invariant breaks: a range outside the text or
    /// off a character boundary.
    pub fn front_end(text: &str) {
        let parsed = crate::parse(text);
        let ok = |r: TextRange| rollsafe_text::assert_range_within(text, r);
        for e in &parsed.errors {
            ok(e.range);
        }
        for s in &parsed.suppressions {
            ok(s.range);
        }
        let mut stack: Vec<&crate::model::Message> = parsed.file.messages.iter().collect();
        while let Some(m) = stack.pop() {
            ok(m.range);
            ok(m.name.range);
            for f in &m.fields {
                ok(f.range);
                ok(f.type_range);
                ok(f.name.range);
            }
            stack.extend(m.messages.iter());
        }
        let inputs = [
            crate::resolve::Input { import_path: "a.proto", path: "a.proto", file: &parsed.file },
            crate::resolve::Input { import_path: "b.proto", path: "b.proto", file: &parsed.file },
        ];
        crate::resolve::resolve(&inputs[..1]);
        crate::resolve::resolve(&inputs);
    }
}
