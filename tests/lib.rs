//! Shared helpers for rollsafe's end-to-end tests.
//!
//! A fixture is a directory under `tests/fixtures/` with `before/` (the N-1 tree), `after/` (the N
//! tree, same relative layout) and `case.toml`:
//!
//! ```toml
//! description = "what it demonstrates"
//! dialect = "postgresql"
//! postgres = true        # the PostgreSQL lane applies its migrations to a real database
//! [expect]               # exactly the findings expected, by rule
//! column-removed = 1
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ lives in the workspace").to_path_buf()
}

pub fn fixtures_dir() -> PathBuf {
    repo_root().join("tests/fixtures")
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub description: String,
    #[serde(default)]
    pub dialect: Option<String>,
    #[serde(default)]
    pub postgres: bool,
    /// For the PostgreSQL lane: PostgreSQL refuses one of the new migrations (a statement other
    /// objects block); applying it must fail, and rollsafe must say `refused-by-dependents`.
    #[serde(default)]
    pub postgres_refuses: bool,
    /// For the SQLite lane (`tests/sqlite_lane.rs`): apply both trees to a real SQLite.
    #[serde(default)]
    pub sqlite: bool,
    /// For the MySQL lane (`tests/mysql_lane.rs`): apply both trees to a real MariaDB.
    #[serde(default)]
    pub mariadb: bool,
    /// Why a MySQL fixture is left out of the MariaDB lane (where MariaDB and MySQL 8 differ).
    #[serde(default, rename = "mariadb-note")]
    pub mariadb_note: Option<String>,
    /// For the buf lane: the folder of `before/` and `after/` that buf takes as its module (what a
    /// `buf.yaml` would name; rollsafe infers it).
    #[serde(default, rename = "buf-root")]
    pub buf_root: Option<String>,
    #[serde(default)]
    pub expect: BTreeMap<String, usize>,
}

#[derive(Debug)]
pub struct Fixture {
    pub name: String,
    pub dir: PathBuf,
    pub case: Case,
}

impl Fixture {
    pub fn before(&self) -> PathBuf {
        self.dir.join("before")
    }

    pub fn after(&self) -> PathBuf {
        self.dir.join("after")
    }

    /// `rollsafe check --against ../before`, run in `after/`.
    pub fn check(&self) -> rollsafe_check::Report {
        let options =
            rollsafe_check::CheckOptions { against: Some("../before".into()), ..rollsafe_check::CheckOptions::in_dir(self.after()) };
        rollsafe_check::check(&options).unwrap_or_else(|e| panic!("{}: {e}", self.name))
    }
}

/// Every fixture, sorted by name. A fixture without a readable case.toml fails loudly.
pub fn fixtures() -> Vec<Fixture> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(fixtures_dir()).expect("tests/fixtures exists");
    for entry in entries {
        let dir = entry.expect("readable fixtures dir").path();
        if !dir.is_dir() {
            continue;
        }
        let name = dir.file_name().and_then(|n| n.to_str()).expect("UTF-8 fixture name").to_string();
        let text = std::fs::read_to_string(dir.join("case.toml")).unwrap_or_else(|e| panic!("{name}/case.toml: {e}"));
        let case: Case = toml::from_str(&text).unwrap_or_else(|e| panic!("{name}/case.toml: {e}"));
        out.push(Fixture { name, dir, case });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Human output as users see it, without colour, at a fixed width.
pub fn human(report: &rollsafe_check::Report) -> String {
    rollsafe_check::render::human::render(
        report,
        &rollsafe_check::render::human::Style { color: false, unicode: true, width: 100, quiet: false },
    )
}

pub fn json(report: &rollsafe_check::Report) -> String {
    rollsafe_check::render::json::render(report)
}

/// Findings per rule id.
pub fn rule_counts<'a>(findings: impl IntoIterator<Item = &'a rollsafe_check::Finding>) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for f in findings {
        *counts.entry(f.rule.to_string()).or_insert(0) += 1;
    }
    counts
}

/// Says that a test skipped its real peer (no database, no editor), visibly: libtest captures
/// `println!`/`eprintln!` of passing tests, so this writes to the process's stderr directly.
pub fn skipped(message: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "\n    SKIPPED: {message}");
}
