//! The real PostgreSQL lane; written in full below once the harness is in place.
#[test]
fn placeholder_until_written() {}
