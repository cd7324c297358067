//! SQL's entry in the format table: which files it reads, how it counts, where its suppressions go.

use super::SqlSettings;
use super::layout::{self, FlywaySettings};
use super::{FileProbe, HistoryKey, SchemaKey, check, parsed};
use crate::config::Config;
use crate::db::{Db, RootDatabase, Workspace};
use crate::formats::{Checked, Count, Coverage, Format, FormatSummary, ParseJob, Shown, Tree};
use rollsafe_diagnostics::{Finding, Side};
use salsa::{Durability, Setter};
use std::collections::BTreeSet;
use std::sync::Arc;

pub static FORMAT: Format = Format {
    name: "sql",
    display_name: "SQL",
    line_comment: "--",
    language: "sql",
    extensions: &[".sql"],
    watch: &["**/*.sql", "**/migration_lock.toml", "**/Cargo.toml", "**/go.mod"],
    reads,
    checks_earlier_releases: false,
    rules: super::rules::ALL,
    check: check_all,
    summary,
    coverage,
    would_read,
    unreadable: "it is a migration, and its history cannot be checked without it",
    suppression_anchor,
    parse_ahead,
    configure,
    check_paths,
    starter,
};

/// SQL files, and what decides how they are read: Prisma's `migration_lock.toml` (the dialect),
/// `Cargo.toml` and `go.mod` (which tool a history is written for), Flyway's and Spring Boot's
/// configuration files (Flyway settings), and files that look like code migrations (Flyway's
/// `V2__Name.java`, goose's `20240101_name.go`), so that the analysis can say it did not read them.
fn reads(_config: &Config, path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let versioned_class = |ext: &str| {
        name.strip_suffix(ext).is_some_and(|stem| {
            stem.len() > 1 && matches!(stem.as_bytes()[0], b'V' | b'v') && stem.as_bytes()[1].is_ascii_digit() && stem.contains("__")
        })
    };
    path.ends_with(".sql")
        || matches!(name, "migration_lock.toml" | "Cargo.toml" | "go.mod")
        || FlywaySettings::is_config_file(name)
        || versioned_class(".java")
        || versioned_class(".kt")
        || (name.ends_with(".go") && !name.ends_with("_test.go") && name.as_bytes()[0].is_ascii_digit())
}

/// Every history's and schema file's findings.
fn check_all(db: &dyn Db, ws: Workspace) -> Checked {
    let layouts = super::sql_layouts(db, ws);
    let dirs: BTreeSet<&String> = layouts.pairs.iter().map(|p| &p.dir).collect();
    let schemas: BTreeSet<&String> = layouts.baseline.schema_files.iter().chain(&layouts.current.schema_files).collect();
    let mut out = Checked::default();
    let units = dirs
        .into_iter()
        .map(|dir| check::history_findings(db, HistoryKey::new(db, ws, dir.clone())))
        .chain(schemas.into_iter().map(|path| check::schema_file_findings(db, SchemaKey::new(db, ws, path.clone()))));
    for unit in units {
        out.findings.extend(unit.findings.iter().cloned());
        out.suppressions.extend(unit.suppressions.iter().cloned());
    }
    out
}

fn summary(db: &dyn Db, ws: Workspace) -> FormatSummary {
    let layouts = super::sql_layouts(db, ws);
    let mut new_migrations = 0;
    for p in layouts.pairs.iter().filter(|p| p.current.is_some()) {
        new_migrations += super::history_delta(db, HistoryKey::new(db, ws, p.dir.clone())).new.len();
    }
    let current = &layouts.current;
    let count = |key, noun, value, shown| Count { key, noun, value, shown };
    FormatSummary {
        present: !current.histories.is_empty() || !current.schema_files.is_empty(),
        counts: vec![
            count("migrations", ("migration", "migrations"), current.histories.iter().map(|h| h.migrations.len()).sum(), Shown::Always),
            count("new_migrations", ("new migration", "new migrations"), new_migrations, Shown::Never),
            count("schema_files", ("schema file", "schema files"), current.schema_files.len(), Shown::WhenNonZero),
        ],
    }
}

fn coverage(db: &dyn Db, ws: Workspace) -> Coverage {
    let layouts = super::sql_layouts(db, ws);
    let mut out = Coverage {
        noun: ("migration history or schema file", "migration histories and schema files"),
        source_files: ws.current(db).paths().filter(|p| p.ends_with(".sql")).count(),
        ..Coverage::default()
    };
    for pair in layouts.pairs.iter().filter(|p| p.current.is_some()) {
        out.units += 1;
        out.in_baseline += usize::from(pair.baseline.is_some());
    }
    for path in &layouts.current.schema_files {
        out.units += 1;
        out.in_baseline += usize::from(layouts.baseline.schema_files.contains(path));
    }
    out
}

/// Judged by name and place, as the layout detection judges files.
fn would_read(db: &dyn Db, ws: Workspace, side: Side, path: &str) -> bool {
    let files = ws.files(db, side);
    let mut paths: Vec<&str> = files.paths().collect();
    paths.push(path);
    let layout = layout::detect(&paths, super::sql_config(db), &FileProbe { db, files });
    layout.histories.iter().flat_map(|h| &h.migrations).any(|m| m.up.as_deref() == Some(path) || m.down.as_deref() == Some(path))
}

/// The start of the statement the finding is on.
fn suppression_anchor(db: &dyn Db, ws: Workspace, finding: &Finding) -> Option<u32> {
    let dialect = super::current_file_dialect(db, ws, &finding.primary.path)?;
    let file = ws.current(db).get(&finding.primary.path)?;
    let parsed = parsed(db, file, dialect);
    super::fixes::statement_at(&parsed, finding.primary.range.start).map(|s| s.range.start)
}

fn parse_ahead(db: &dyn Db, ws: Workspace) -> Vec<ParseJob> {
    super::parse_units(db, ws)
        .into_iter()
        .map(|(file, dialect)| -> ParseJob {
            Box::new(move |db: &dyn Db| {
                parsed(db, file, dialect);
            })
        })
        .collect()
}

/// SQL's part of the configuration goes to its own input ([`SqlSettings`]); a field is set only
/// when it changed, so what depends on it alone is not re-validated.
fn configure(db: &mut RootDatabase, config: &Config) {
    let placeholders = rollsafe_sql::template::Placeholders { values: config.sql.placeholders.clone() };
    // What SQL reads of the rest: `[sql]`, `exclude`; levels and the allow-list are the core's, other
    // sections other formats'.
    let read = Config { rules: Default::default(), allow: Vec::new(), file: None, protobuf: Default::default(), ..config.clone() };
    let Some(settings) = SqlSettings::try_get(db) else {
        let _settings = SqlSettings::builder(placeholders, read)
            .placeholders_durability(Durability::MEDIUM)
            .config_durability(Durability::MEDIUM)
            .new(db);
        return;
    };
    if *settings.placeholders(db) != placeholders {
        settings.set_placeholders(db).with_durability(Durability::MEDIUM).to(placeholders);
    }
    if *settings.config(db) != read {
        settings.set_config(db).with_durability(Durability::MEDIUM).to(read);
    }
}

/// `[sql] migrations` and `schemas` name paths that must exist.
fn check_paths(config: &Config, tree: &Tree<'_>) -> Result<(), String> {
    let is_glob = |p: &str| p.contains(['*', '?', '[', '{']);
    let dirs: BTreeSet<&str> = tree.files.iter().filter_map(|p| p.rsplit_once('/').map(|(d, _)| d)).collect();
    let quote = rollsafe_text::escape::quote;
    for entry in &config.sql.migrations {
        let found = if is_glob(entry) {
            dirs.iter().any(|d| crate::config::glob_matches(entry, d))
        } else {
            (tree.is_dir)(entry.trim_end_matches('/'))
        };
        if !found {
            let why = if is_glob(entry) { "matches no directory" } else { "is not a directory of the workspace" };
            return Err(format!("[sql] migrations: `{}` {why}", quote(entry)));
        }
    }
    for entry in &config.sql.schemas {
        let found = if is_glob(entry) {
            tree.files.iter().any(|p| crate::config::glob_matches(entry, p))
        } else {
            tree.files.contains(&entry.trim_start_matches("./"))
        };
        if !found {
            let why = if is_glob(entry) { "matches no SQL file" } else { "is not an SQL file of the workspace" };
            return Err(format!("[sql] schemas: `{}` {why}", quote(entry)));
        }
    }
    Ok(())
}

/// The replayed states of one migration history, for tests that hold them against a real database.
#[derive(Debug)]
pub struct HistoryStates {
    pub dir: String,
    pub dialect: rollsafe_sql::Dialect,
    pub baseline: Arc<super::BaselineState>,
    pub current: Arc<super::CurrentState>,
}

/// Every migration history with its N-1 and N states: `snapshot.query(sql::histories)`.
pub fn histories(db: &dyn Db, ws: Workspace) -> Vec<HistoryStates> {
    let layouts = super::sql_layouts(db, ws);
    let dirs: BTreeSet<&String> = layouts.pairs.iter().map(|p| &p.dir).collect();
    dirs.into_iter()
        .map(|dir| {
            let key = HistoryKey::new(db, ws, dir.clone());
            HistoryStates {
                dir: dir.clone(),
                dialect: super::history_dialect(db, key),
                baseline: super::baseline_state(db, key).clone(),
                current: super::current_state(db, key).clone(),
            }
        })
        .collect()
}

/// `[sql]` of the starter configuration: each history found (its folder, tool, size and
/// dialect) and schema file, then the settings for what detection may have missed.
fn starter(db: &dyn Db, ws: Workspace) -> Option<String> {
    let layouts = super::sql_layouts(db, ws);
    let current = &layouts.current;
    if current.histories.is_empty() && current.schema_files.is_empty() {
        return None;
    }
    let mut out = String::from("# SQL: rollsafe found\n");
    let mut dialects = Vec::new();
    for history in &current.histories {
        let dialect = super::history_dialect(db, HistoryKey::new(db, ws, history.dir.clone()));
        let tool = if history.tool == layout::MigrationTool::Unknown { history.kind.name() } else { history.tool.name() };
        let n = history.migrations.len();
        let migrations = if n == 1 { "1 migration".to_string() } else { format!("{n} migrations") };
        out.push_str(&format!("#   {}/: {migrations} ({tool}), {}\n", history.dir, dialect.name()));
        dialects.push((history.dir.clone(), dialect));
    }
    for schema in &current.schema_files {
        out.push_str(&format!("#   {schema}: a schema file\n"));
    }
    let distinct: BTreeSet<_> = dialects.iter().map(|(_, d)| *d).collect();
    let suggested = if distinct.len() == 1 { distinct.iter().next().map_or("postgresql", |d| d.name()) } else { "postgresql" };
    out.push_str("# [sql]\n");
    out.push_str(&format!("# dialect = {:<20} # postgresql | mysql | sqlite; default: detected per history\n", format!("\"{suggested}\"")));
    out.push_str("# migrations = [\"db/migrate\"]    # migration folders rollsafe did not find\n");
    out.push_str("# schemas = [\"db/schema.sql\"]    # schema files rollsafe did not find\n");
    out.push_str("# downs-unmaintained = []        # histories whose down scripts are not kept up\n");
    out.push_str("# app-roles = [\"app\"]            # roles the application connects as: rights taken from them are errors\n");
    if distinct.len() > 1 {
        out.push_str("# [sql.dialects]                 # per folder, when detection is wrong\n");
        for (dir, dialect) in &dialects {
            out.push_str(&format!("# \"{dir}/**\" = \"{}\"\n", dialect.name()));
        }
    }
    Some(out)
}
