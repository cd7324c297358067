//! Prints what the front-end reads in a SQL file: `cargo run -p rollsafe_sql --example dump -- FILE [postgresql|mysql|sqlite]`.
use rollsafe_sql::ops::StatementKind;
use rollsafe_sql::{Dialect, parse_file};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: dump FILE [dialect]");
        std::process::exit(2);
    };
    let dialect = args.next().and_then(|d| Dialect::from_name(&d)).unwrap_or_default();
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let parsed = parse_file(&text, dialect);
    for stmt in &parsed.statements {
        let snippet: String = text[stmt.range.as_usize()].split_whitespace().collect::<Vec<_>>().join(" ").chars().take(90).collect();
        match &stmt.kind {
            StatementKind::Ddl(ops) => println!("DDL  {snippet}\n     {ops:?}"),
            StatementKind::NotUnderstood { message } => println!("??   {snippet}\n     {message}"),
            StatementKind::NotModelled { what } => println!("NM   {snippet} ({what})"),
            other => println!("--   {snippet} {other:?}"),
        }
    }
    for u in &parsed.unread {
        println!("UNREAD {:?} {}", u.range, u.what);
    }
}
