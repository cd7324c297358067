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
