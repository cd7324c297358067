//! Splitter, parser, lowering and replay on arbitrary bytes, in every dialect: never a panic, and every
//! range a statement reports lies on character boundaries inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rollsafe_sql::catalog::{Catalog, SourceId};
use rollsafe_sql::replay::Replayer;
use rollsafe_sql::{Dialect, parse_file};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for dialect in [Dialect::Postgres, Dialect::MySql, Dialect::Sqlite] {
        let parsed = parse_file(&text, dialect);
        for stmt in &parsed.statements {
            assert!(stmt.range.end as usize <= text.len());
            assert!(text.is_char_boundary(stmt.range.start as usize) && text.is_char_boundary(stmt.range.end as usize));
        }
        let mut catalog = Catalog::new(dialect);
        let mut events = Vec::new();
        let mut replayer = Replayer::new(&mut catalog, &mut events, SourceId(0));
        for stmt in &parsed.statements {
            replayer.statement(stmt);
        }
    }
});
