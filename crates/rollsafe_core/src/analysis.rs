//! The façade the CLI, the library API and the language server call: plain data in, plain data out.

use crate::config::Config;
use crate::db::{FileSet, RootDatabase, SourceFile, Workspace};
use crate::finding::{Finding, Severity, Side};
use crate::sql::{self, HistoryKey, SchemaKey};
use crate::suppress;
use salsa::{Durability, Setter};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The two trees to compare, as read from disk, git or editor buffers.
#[derive(Clone, Debug, Default)]
pub struct WorkspaceInput {
    /// Workspace-relative `/`-separated path → text.
    pub current: BTreeMap<String, Arc<str>>,
    pub baseline: BTreeMap<String, Arc<str>>,
    /// How the baseline is named in messages (`v1.4.0`).
    pub baseline_label: String,
    pub config: Config,
}

/// Counts for the summary line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub histories: usize,
    pub migrations: usize,
    pub new_migrations: usize,
    pub schema_files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

/// Every finding of the workspace, sorted, with the configuration's allow-list applied.
#[salsa::tracked(returns(ref))]
pub fn all_findings(db: &dyn crate::db::Db, ws: Workspace) -> Vec<Finding> {
    let layouts = sql::sql_layouts(db, ws);
    let dirs: BTreeSet<&String> = layouts.pairs.iter().map(|p| &p.dir).collect();
    let schemas: BTreeSet<&String> = layouts.baseline.schema_files.iter().chain(&layouts.current.schema_files).collect();
    let mut out = Vec::new();
    for dir in dirs {
        out.extend(sql::check::history_findings(db, HistoryKey::new(db, ws, dir.clone())).iter().cloned());
    }
    for path in schemas {
        out.extend(sql::check::schema_file_findings(db, SchemaKey::new(db, ws, path.clone())).iter().cloned());
    }
    let config = ws.config(db);
    out.retain(|f| !suppress::allowed(f, config));
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out.dedup();
    out
}

/// The replayed states of one migration history, for tests that hold them against a real database.
#[derive(Debug)]
pub struct HistoryStates {
    pub dir: String,
    pub dialect: rollsafe_sql::Dialect,
    pub baseline: Arc<sql::BaselineState>,
    pub current: Arc<sql::CurrentState>,
}

/// An analysis session over one workspace.
pub struct Analysis {
    db: RootDatabase,
    workspace: Workspace,
}

impl std::fmt::Debug for Analysis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analysis").finish_non_exhaustive()
    }
}

impl Analysis {
    pub fn new(input: WorkspaceInput) -> Analysis {
        Analysis::with_database(RootDatabase::default(), input)
    }

    fn with_database(db: RootDatabase, input: WorkspaceInput) -> Analysis {
        let mut current = FileSet::default();
        let mut baseline = FileSet::default();
        // N-1 never changes during a session: high durability lets salsa skip re-validating
        // everything derived from it when a working-tree file changes.
        for (path, text) in &input.baseline {
            let file = SourceFile::builder(path.clone(), text.clone())
                .path_durability(Durability::HIGH)
                .text_durability(Durability::HIGH)
                .new(&db);
            baseline.0.insert(path.clone(), file);
        }
        for (path, text) in &input.current {
            // A file unchanged since N-1 is one input, parsed once for both sides.
            let file = match baseline.get(path) {
                Some(f) if **f.text(&db) == **text => f,
                _ => SourceFile::new(&db, path.clone(), text.clone()),
            };
            current.0.insert(path.clone(), file);
        }
        let workspace = Workspace::builder(current, baseline, input.baseline_label, input.config)
            .baseline_durability(Durability::HIGH)
            .baseline_label_durability(Durability::HIGH)
            .config_durability(Durability::MEDIUM)
            .new(&db);
        Analysis { db, workspace }
    }

    pub fn findings(&self) -> Vec<Finding> {
        sql::with_parse_ahead(&self.db, self.workspace, || all_findings(&self.db, self.workspace).clone())
    }

    pub fn baseline_label(&self) -> &str {
        self.workspace.baseline_label(&self.db)
    }

    /// The text of a file on one side, for renderers.
    pub fn text(&self, side: Side, path: &str) -> Option<Arc<str>> {
        let files = match side {
            Side::Current => self.workspace.current(&self.db),
            Side::Baseline => self.workspace.baseline(&self.db),
        };
        files.get(path).map(|f| f.text(&self.db).clone())
    }

    pub fn summary(&self, findings: &[Finding]) -> Summary {
        let db = &self.db;
        let layouts = sql::sql_layouts(db, self.workspace);
        let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
        let mut new_migrations = 0;
        for p in layouts.pairs.iter().filter(|p| p.current.is_some()) {
            new_migrations += sql::history_delta(db, HistoryKey::new(db, self.workspace, p.dir.clone())).new.len();
        }
        Summary {
            histories: layouts.current.histories.len(),
            migrations: layouts.current.histories.iter().map(|h| h.migrations.len()).sum(),
            new_migrations,
            schema_files: layouts.current.schema_files.len(),
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
        }
    }

    /// Every migration history with its N-1 and N states.
    pub fn histories(&self) -> Vec<HistoryStates> {
        let db = &self.db;
        let layouts = sql::sql_layouts(db, self.workspace);
        let dirs: BTreeSet<&String> = layouts.pairs.iter().map(|p| &p.dir).collect();
        dirs.into_iter()
            .map(|dir| {
                let key = HistoryKey::new(db, self.workspace, dir.clone());
                HistoryStates {
                    dir: dir.clone(),
                    dialect: sql::history_dialect(db, key),
                    baseline: sql::baseline_state(db, key).clone(),
                    current: sql::current_state(db, key).clone(),
                }
            })
            .collect()
    }

    /// Replaces the text of a working-tree file (the language server's edits).
    pub fn set_current_text(&mut self, path: &str, text: Arc<str>) {
        let files = self.workspace.current(&self.db).clone();
        let baseline = self.workspace.baseline(&self.db).clone();
        match files.get(path) {
            // Shared with the baseline: give the working tree its own input instead of editing N-1.
            Some(f) if baseline.get(path) != Some(f) => {
                f.set_text(&mut self.db).to(text);
            }
            _ => {
                let mut files = files;
                files.0.insert(path.to_string(), SourceFile::new(&self.db, path.to_string(), text));
                self.workspace.set_current(&mut self.db).to(files);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    fn input() -> WorkspaceInput {
        let mut input = WorkspaceInput { baseline_label: "v1".into(), ..WorkspaceInput::default() };
        for n in 1..=20 {
            let text: Arc<str> = Arc::from(format!("CREATE TABLE t{n} (id bigint PRIMARY KEY, note text);\n"));
            input.baseline.insert(format!("migrations/{n:04}_t{n}.sql"), text.clone());
            input.current.insert(format!("migrations/{n:04}_t{n}.sql"), text);
        }
        input.current.insert("migrations/0021_change.sql".into(), Arc::from("ALTER TABLE t1 ADD COLUMN extra text;\n"));
        input
    }

    fn executed(log: &Mutex<Vec<String>>, query: &str) -> usize {
        let mut log = log.lock().expect("log");
        let n = log.iter().filter(|e| e.contains(query)).count();
        log.clear();
        n
    }

    /// An edit to a new migration re-parses that file only, and does not replay N-1 again.
    #[test]
    fn editing_a_new_migration_reuses_everything_else() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut analysis = Analysis::with_database(RootDatabase::with_execution_log(log.clone()), input());
        assert!(analysis.findings().is_empty());
        assert_eq!(executed(&log, "parse_sql"), 21);

        analysis.set_current_text("migrations/0021_change.sql", Arc::from("ALTER TABLE t1 DROP COLUMN note;\n"));
        let findings = analysis.findings();
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].rule, "column-removed");
        let parsed = executed(&log, "parse_sql");
        assert_eq!(parsed, 1, "only the edited file is parsed again");

        analysis.set_current_text("migrations/0021_change.sql", Arc::from("ALTER TABLE t1 DROP COLUMN note; -- still\n"));
        analysis.findings();
        let log_now: Vec<String> = log.lock().expect("log").clone();
        assert!(!log_now.iter().any(|e| e.contains("baseline_state")), "N-1 is not replayed again: {log_now:?}");
    }
}
