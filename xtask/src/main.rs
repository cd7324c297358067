//! Developer tasks for rollsafe: `cargo xtask <task>`.
//!
//! - `gen-history DIR [--migrations N]`: writes a deterministic PostgreSQL migration history for the
//!   benchmark: `DIR/before` (the N-1 release, all but the last 10 migrations) and `DIR/after` (N).
//! - `bench [--runs N] [--migrations N]`: builds rollsafe in release mode, generates the history, and
//!   times `rollsafe check` over it next to `squawk` (PyPI `squawk-cli`) linting the same files, with
//!   peak memory. Prints the figures against the budget in DESIGN.md.
//! - `bench-lsp [--edits N] [--migrations N]`: times `rollsafe server` from `didChange` to
//!   `publishDiagnostics` in the same workspace, and its idle memory.
//! - `bench-scale [--sizes 1000,5000,20000]`: releases of thousands of new migrations through the
//!   CLI and the server: time and memory must grow linearly.
//! - `bench-proto [--files N] [--runs N]`: a googleapis-sized generated Protobuf tree and its next
//!   release, `rollsafe check` next to `buf breaking`: time and peak memory, release to release and
//!   for a one-file change.
//! - `bench-contracts [--schemas N] [--runs N] [--edits N]`: thousands of generated Avro schemas
//!   with deep nesting and recursion, both releases: time and peak memory of `rollsafe check`, and
//!   the language server's edit-to-diagnostics latency on one schema.
//! - `bench-hostile`: adversarial inputs (30,000 columns, a 50 MB line, a 50 MB token, thousands of
//!   findings in one file): time, memory and output size stay bounded.
//! - `new-rule ID SEVERITY`: scaffolds a rule file with its documentation skeleton and registers it.
//! - `rule-docs`: writes `docs/rules/<id>.md` from each rule's doc comment (the pages diagnostics
//!   link to); the test suite fails when they are out of date.
//! - `sql-coverage DIR [--dialect NAME]`: the statements of a tree's histories by kind, and every one
//!   rollsafe does not understand, grouped by message (run it on real projects' histories).

mod bench;
mod bench_contracts;
mod bench_hostile;
mod bench_lsp;
mod bench_proto;
mod bench_scale;
mod generate;
mod new_rule;
mod rule_docs;
mod sql_coverage;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("gen-history") => generate::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("bench-lsp") => bench_lsp::run(&args[1..]),
        Some("bench-proto") => bench_proto::run(&args[1..]),
        Some("bench-contracts") => bench_contracts::run(&args[1..]),
        Some("bench-scale") => bench_scale::run(&args[1..]),
        Some("bench-hostile") => bench_hostile::run(&args[1..]),
        Some("new-rule") => new_rule::run(&args[1..]),
        Some("rule-docs") => rule_docs::run(),
        Some("config-schema") => rule_docs::config_schema(),
        Some("sql-coverage") => sql_coverage::run(&args[1..]),
        _ => {
            Err("usage: cargo xtask gen-history DIR [--migrations N] | bench [--runs N] [--migrations N] | bench-lsp [--edits N] [--migrations N] [--soak N] | bench-proto [--files N] [--runs N] | bench-contracts [--schemas N] [--runs N] [--edits N] | bench-scale [--sizes N,N] | bench-hostile | new-rule ID error|warning|info | rule-docs | config-schema | sql-coverage DIR [--dialect NAME]"
                .to_string())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::from(2)
        }
    }
}

/// `--name value` from an argument list.
pub(crate) fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

pub(crate) fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}
