//! The façade the CLI, the library API and the language server call: plain data in, plain data out.

use crate::config::Config;
use crate::db::{FileSet, Release, RootDatabase, SourceFile, Workspace};
use crate::formats::{Count, Coverage, Format, Shown};
use crate::registry::{self as rules, FORMATS};
use rollsafe_diagnostics::{FileSuppressions, Finding, Fix, Severity, Side};
use rollsafe_text::LineIndex;
use salsa::{Durability, Setter};
use std::collections::BTreeMap;
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
    /// Releases before N-1, newest first: label and files. Read only when a contract is checked
    /// transitively, and only the files of the formats that check earlier releases.
    pub earlier: Vec<(String, BTreeMap<String, Arc<str>>)>,
}

/// Counts for the summary line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// What the formats counted, for machine-readable output: the first format's always, the
    /// others' when the working tree has files of theirs.
    pub counts: Vec<Count>,
    /// The counts the summary line names: those of the formats the working tree has (or the first
    /// format's when it has none), as each format shows them.
    pub shown: Vec<Count>,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

/// Every finding of the workspace, sorted: each format's, with configured levels, in-source
/// suppressions and the configuration's allow-list applied the same way for all.
#[salsa::tracked(returns(ref))]
pub fn all_findings(db: &dyn crate::db::Db, ws: Workspace) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut suppressions: BTreeMap<String, (&'static Format, Vec<rollsafe_diagnostics::Suppression>)> = BTreeMap::new();
    for format in FORMATS {
        let checked = (format.check)(db, ws);
        findings.extend(checked.findings);
        for (path, list) in checked.suppressions {
            // A file reviewed by two units has its comments counted once.
            suppressions.entry(path).or_insert((format, list));
        }
    }
    let texts: Vec<Arc<str>> =
        suppressions.keys().map(|path| ws.current(db).get(path).map(|f| f.text(db).clone()).unwrap_or_else(|| Arc::from(""))).collect();
    let files: Vec<FileSuppressions<'_>> = suppressions
        .iter()
        .zip(&texts)
        .map(|((path, (format, list)), text)| FileSuppressions { path, text, line_comment: format.line_comment, suppressions: list })
        .collect();
    let config = ws.config(db);
    let findings = rollsafe_diagnostics::apply_suppressions(findings, &files, &rules::is_known, &config.rules);
    let config_file = config.file.as_deref().unwrap_or("rollsafe.toml");
    let mut out = rollsafe_diagnostics::apply_allow_list(findings, &config.allow, &config.rules, config_file, ws.baseline_label(db));
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out.dedup();
    out
}

/// A computation that an edit may cancel: `Err` when another handle of the database changed an
/// input while it ran (the language server then drops the result and starts over).
pub type Cancellable<T> = Result<T, salsa::Cancelled>;

/// Runs `work` and turns salsa's cancellation unwind into `Err(Cancelled)`. Any other panic goes on
/// unwinding.
pub fn cancellable<T>(work: impl FnOnce() -> T) -> Cancellable<T> {
    salsa::Cancelled::catch(std::panic::AssertUnwindSafe(work))
}

/// The analysis at one revision of its inputs. Cheap to clone and `Send`: the language server hands
/// snapshots to worker threads while the main loop keeps the [`Analysis`] to apply edits. An edit
/// waits until every snapshot is dropped, and makes computations still running on one unwind with
/// `salsa::Cancelled` (see [`cancellable`]).
#[derive(Clone)]
pub struct AnalysisSnapshot {
    db: RootDatabase,
    workspace: Workspace,
    /// Whether the files have been parsed (a first analysis ran since the inputs were loaded): then
    /// parsing ahead on other cores only costs time, as an edit re-parses one file.
    parsed: Arc<std::sync::atomic::AtomicBool>,
}

impl std::fmt::Debug for AnalysisSnapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnalysisSnapshot").finish_non_exhaustive()
    }
}

/// An analysis session over one workspace: owns the inputs and applies edits to them. Everything
/// that reads is on [`AnalysisSnapshot`], which this derefs to.
pub struct Analysis {
    snapshot: AnalysisSnapshot,
}

impl std::fmt::Debug for Analysis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analysis").finish_non_exhaustive()
    }
}

impl std::ops::Deref for Analysis {
    type Target = AnalysisSnapshot;

    fn deref(&self) -> &AnalysisSnapshot {
        &self.snapshot
    }
}

/// A new input for a baseline file: N-1 never changes during a session, and high durability lets
/// salsa skip re-validating everything derived from it when a working-tree file changes.
fn baseline_file(db: &RootDatabase, path: &str, text: Arc<str>) -> SourceFile {
    SourceFile::builder(path.to_string(), text).path_durability(Durability::HIGH).text_durability(Durability::HIGH).new(db)
}

/// The releases before N-1, each file the input of the same text in the next newer tree when there
/// is one (a contract unchanged for ten releases is one input, parsed once), else of the same
/// release before a reload.
fn earlier_releases(db: &RootDatabase, input: &WorkspaceInput, baseline: &FileSet, old: &[Release]) -> Vec<Release> {
    let mut out: Vec<Release> = Vec::new();
    for (label, files) in &input.earlier {
        let newer = out.last().map_or(baseline, |r| &r.files);
        let before = old.iter().find(|r| r.label == *label);
        let mut set = FileSet::default();
        for (path, text) in files {
            let same = |f: &SourceFile| Arc::ptr_eq(f.text(db), text) || **f.text(db) == **text;
            let file = newer
                .get(path)
                .filter(same)
                .or_else(|| before.and_then(|r| r.files.get(path)).filter(same))
                .unwrap_or_else(|| baseline_file(db, path, text.clone()));
            set.0.insert(path.clone(), file);
        }
        out.push(Release { label: label.clone(), files: set });
    }
    out
}

/// The file sets for `input`, reusing the inputs of `old` whose text is unchanged so that nothing
/// derived from them is computed again.
fn file_sets(db: &RootDatabase, input: &WorkspaceInput, old: Option<(&FileSet, &FileSet)>) -> (FileSet, FileSet) {
    // The loader shares one text between the trees for an unchanged file: the pointer answers first.
    let same = |a: &Arc<str>, b: &Arc<str>| Arc::ptr_eq(a, b) || **a == **b;
    let reuse = |files: Option<&FileSet>, path: &str, text: &Arc<str>| files.and_then(|f| f.get(path)).filter(|f| same(f.text(db), text));
    let (old_current, old_baseline) = match old {
        Some((c, b)) => (Some(c), Some(b)),
        None => (None, None),
    };
    let mut baseline = FileSet::default();
    for (path, text) in &input.baseline {
        let file = reuse(old_baseline, path, text).unwrap_or_else(|| baseline_file(db, path, text.clone()));
        baseline.0.insert(path.clone(), file);
    }
    let mut current = FileSet::default();
    for (path, text) in &input.current {
        // A file unchanged since N-1 is one input, parsed once for both sides.
        let file = reuse(Some(&baseline), path, text)
            .or_else(|| reuse(old_current, path, text).filter(|f| baseline.get(path) != Some(*f)))
            .unwrap_or_else(|| SourceFile::new(db, path.clone(), text.clone()));
        current.0.insert(path.clone(), file);
    }
    (current, baseline)
}

impl Analysis {
    pub fn new(input: WorkspaceInput) -> Analysis {
        Analysis::with_database(RootDatabase::default(), input)
    }

    fn with_database(db: RootDatabase, input: WorkspaceInput) -> Analysis {
        let (current, baseline) = file_sets(&db, &input, None);
        let mut db = db;
        for format in FORMATS {
            (format.configure)(&mut db, &input.config);
        }
        let earlier = earlier_releases(&db, &input, &baseline, &[]);
        let workspace = Workspace::builder(current, baseline, input.baseline_label, input.config)
            .earlier(earlier)
            .earlier_durability(Durability::HIGH)
            .baseline_durability(Durability::HIGH)
            .baseline_label_durability(Durability::HIGH)
            .config_durability(Durability::MEDIUM)
            .new(&db);
        Analysis { snapshot: AnalysisSnapshot { db, workspace, parsed: Arc::default() } }
    }

    /// A handle for another thread, at the current revision.
    pub fn snapshot(&self) -> AnalysisSnapshot {
        self.snapshot.clone()
    }

    /// Replaces the text of a working-tree file, or adds the file (the language server's edits).
    /// Blocks until every snapshot is dropped; computations on them are cancelled.
    pub fn set_current_text(&mut self, path: &str, text: Arc<str>) {
        let AnalysisSnapshot { db, workspace, .. } = &mut self.snapshot;
        let files = workspace.current(db).clone();
        match files.get(path) {
            Some(f) if **f.text(db) == *text => {}
            // Shared with the baseline: give the working tree its own input instead of editing N-1.
            Some(f) if workspace.baseline(db).get(path) != Some(f) => {
                f.set_text(db).to(text);
            }
            _ => {
                // Back to the released text: share the baseline's input again.
                let file = match workspace.baseline(db).get(path) {
                    Some(b) if **b.text(db) == *text => b,
                    _ => SourceFile::new(db, path.to_string(), text),
                };
                let mut files = files;
                files.0.insert(path.to_string(), file);
                workspace.set_current(db).to(files);
            }
        }
    }

    /// Removes a working-tree file (deleted on disk, or a closed buffer that was never saved).
    pub fn remove_current(&mut self, path: &str) {
        let AnalysisSnapshot { db, workspace, .. } = &mut self.snapshot;
        let mut files = workspace.current(db).clone();
        if files.0.remove(path).is_some() {
            workspace.set_current(db).to(files);
        }
    }

    /// Replaces both trees, the baseline's name and the configuration (a new baseline after a
    /// checkout or a new tag, an edited config). Files whose text did not change keep their inputs,
    /// so their parses are reused.
    pub fn reload(&mut self, input: WorkspaceInput) {
        self.snapshot.parsed.store(false, std::sync::atomic::Ordering::Relaxed);
        let AnalysisSnapshot { db, workspace, .. } = &mut self.snapshot;
        let (current, baseline) = file_sets(db, &input, Some((workspace.current(db), workspace.baseline(db))));
        let earlier = earlier_releases(db, &input, &baseline, workspace.earlier(db));
        if *workspace.earlier(db) != earlier {
            workspace.set_earlier(db).with_durability(Durability::HIGH).to(earlier);
        }
        if *workspace.baseline(db) != baseline {
            workspace.set_baseline(db).with_durability(Durability::HIGH).to(baseline);
        }
        if *workspace.current(db) != current {
            workspace.set_current(db).to(current);
        }
        if *workspace.baseline_label(db) != input.baseline_label {
            workspace.set_baseline_label(db).with_durability(Durability::HIGH).to(input.baseline_label);
        }
        for format in FORMATS {
            (format.configure)(db, &input.config);
        }
        if *workspace.config(db) != input.config {
            workspace.set_config(db).with_durability(Durability::MEDIUM).to(input.config);
        }
    }
}

/// Runs `work` (which goes through the units in order, parsing files as it reaches them) while
/// other cores parse the same files from the far end, so parsing and analysis overlap. Every thread
/// works on its own handle of the same database: what one parses, the others find in the cache
/// (salsa makes a thread wait rather than parse a file another thread is parsing).
fn with_parse_ahead<R>(db: &RootDatabase, ws: Workspace, work: impl FnOnce() -> R) -> R {
    let helpers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8) - 1;
    let jobs: Vec<_> = FORMATS.iter().flat_map(|f| (f.parse_ahead)(db, ws)).collect();
    if helpers == 0 || jobs.len() < 32 {
        return work();
    }
    // Helpers take jobs from the end; the analysis consumes them from the start.
    let next_back = std::sync::atomic::AtomicUsize::new(jobs.len());
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        for _ in 0..helpers {
            let db = db.clone();
            let (jobs, next_back, done) = (&jobs, &next_back, &done);
            scope.spawn(move || {
                use std::sync::atomic::Ordering::Relaxed;
                while !done.load(Relaxed) {
                    let Ok(i) = next_back.fetch_update(Relaxed, Relaxed, |n| n.checked_sub(1)) else { break };
                    jobs[i - 1](&db);
                }
            });
        }
        let result = work();
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        result
    })
}

/// Line starts of a file, kept with its text for the edges that speak in lines.
#[salsa::tracked(returns(ref))]
fn line_index(db: &dyn crate::db::Db, file: SourceFile) -> Arc<LineIndex> {
    Arc::new(LineIndex::new(file.text(db)))
}

impl AnalysisSnapshot {
    pub fn findings(&self) -> Vec<Finding> {
        use std::sync::atomic::Ordering;
        let findings = || all_findings(&self.db, self.workspace).clone();
        if self.parsed.load(Ordering::Relaxed) {
            return findings();
        }
        let out = with_parse_ahead(&self.db, self.workspace, findings);
        self.parsed.store(true, Ordering::Relaxed);
        out
    }

    pub fn baseline_label(&self) -> &str {
        self.workspace.baseline_label(&self.db)
    }

    fn files(&self, side: Side) -> &FileSet {
        self.workspace.files(&self.db, side)
    }

    /// Whether some format reads a workspace-relative path, under the workspace's configuration.
    pub fn reads(&self, path: &str) -> bool {
        rules::reads(self.workspace.config(&self.db), path)
    }

    /// How a side's tree is named in messages (`v1.4.0`); `None` for the working tree.
    pub fn side_label(&self, side: Side) -> Option<&str> {
        match side {
            Side::Current => None,
            Side::Baseline => Some(self.baseline_label()),
            Side::Earlier(i) => self.workspace.earlier(&self.db).get(usize::from(i)).map(|r| r.label.as_str()),
        }
    }

    /// The text of a file on one side, for renderers.
    pub fn text(&self, side: Side, path: &str) -> Option<Arc<str>> {
        self.files(side).get(path).map(|f| f.text(&self.db).clone())
    }

    /// The line index of a file on one side.
    pub fn line_index(&self, side: Side, path: &str) -> Option<Arc<LineIndex>> {
        self.files(side).get(path).map(|f| line_index(&self.db, f).clone())
    }

    /// Workspace-relative paths of the working tree's files.
    pub fn current_paths(&self) -> Vec<String> {
        self.workspace.current(&self.db).paths().map(str::to_string).collect()
    }

    /// The edits offered for a finding: its own fix (the expand step of a drop or rename, the
    /// removal of an unused suppression), then a suppression above its statement or element.
    pub fn fixes(&self, finding: &Finding) -> Vec<Fix> {
        let mut out: Vec<Fix> = finding.fix.iter().cloned().collect();
        if finding.primary.side != Side::Current || !rules::lookup(finding.rule).is_some_and(|r| r.suppressible()) {
            return out;
        }
        let (db, ws) = (&self.db, self.workspace);
        let (Some(file), Some(format)) = (ws.current(db).get(&finding.primary.path), self.format_of(&finding.primary.path)) else {
            return out;
        };
        if let Some(anchor) = (format.suppression_anchor)(db, ws, finding) {
            out.push(rollsafe_diagnostics::suppression_fix(finding, anchor, file.text(db), format.line_comment));
        }
        out
    }

    /// The format whose files end like `path` (its comment syntax and the language of its
    /// definitions), for renderers and the language server.
    pub fn format_of(&self, path: &str) -> Option<&'static Format> {
        rules::for_path(path)
    }

    pub fn summary(&self, findings: &[Finding]) -> Summary {
        let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
        let summaries: Vec<_> = FORMATS.iter().map(|f| (f.summary)(&self.db, self.workspace)).collect();
        let present: Vec<_> = summaries.iter().filter(|s| s.present).collect();
        let named = if present.is_empty() { summaries.iter().take(1).collect() } else { present };
        // Machine-readable counts: the first format's always (JSON consumers of the SQL-only
        // releases read them), every other format's when the tree has it.
        let counts = summaries.iter().enumerate().filter(|(i, s)| *i == 0 || s.present).flat_map(|(_, s)| s.counts.clone()).collect();
        let shown = named
            .into_iter()
            .flat_map(|s| &s.counts)
            .filter(|c| c.shown == Shown::Always || (c.shown == Shown::WhenNonZero && c.value > 0))
            .cloned()
            .collect();
        Summary { counts, shown, errors: count(Severity::Error), warnings: count(Severity::Warning), infos: count(Severity::Info) }
    }

    /// Per format with units or source files in the working tree: how many units (histories,
    /// schema files, modules) it has, and how many of them the baseline holds too. None at all in the
    /// baseline means it cannot be the previous release of this tree (an empty or unrelated
    /// directory, the wrong revision): everything would count as new and nothing could break.
    /// The first query of a check, so files are parsed ahead here too (what a format's units are
    /// may take every file's symbols: Protobuf roots inferred from imports).
    pub fn baseline_coverage(&self) -> Vec<(&'static Format, Coverage)> {
        let coverage = || {
            FORMATS
                .iter()
                .map(|f| (*f, (f.coverage)(&self.db, self.workspace)))
                .filter(|(_, c)| c.units > 0 || c.source_files > 0)
                .collect()
        };
        if self.parsed.load(std::sync::atomic::Ordering::Relaxed) {
            return coverage();
        }
        // `parsed` stays unset: the findings parse ahead what this did not need.
        with_parse_ahead(&self.db, self.workspace, coverage)
    }

    /// The format that would read a file that could not be read (so is not in the tree): one
    /// whose units on that side it would be part of (a migration of a history), judged by its
    /// name and place.
    pub fn would_be_read(&self, side: Side, path: &str) -> Option<&'static Format> {
        FORMATS.iter().copied().find(|f| (f.would_read)(&self.db, self.workspace, side, path))
    }

    /// Runs a query of a format's module on this snapshot: for entry points that are not findings,
    /// such as tests that hold a format's model against a real peer (`sql::histories`).
    pub fn query<R>(&self, query: impl FnOnce(&dyn crate::db::Db, Workspace) -> R) -> R {
        query(&self.db, self.workspace)
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

    /// The N state is built one migration at a time: editing the newest migration replays it alone,
    /// editing an older one replays it and those after it.
    #[test]
    fn editing_a_migration_replays_it_and_the_ones_after_it() {
        let mut input = input();
        input.current.insert("migrations/0022_more.sql".into(), Arc::from("ALTER TABLE t2 ADD COLUMN more text;\n"));
        input.current.insert("migrations/0023_last.sql".into(), Arc::from("ALTER TABLE t3 ADD COLUMN last text;\n"));
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut analysis = Analysis::with_database(RootDatabase::with_execution_log(log.clone()), input);
        assert!(analysis.findings().is_empty());
        assert_eq!(executed(&log, "state_after"), 4, "N-1, then one step per new migration");

        analysis.set_current_text("migrations/0023_last.sql", Arc::from("ALTER TABLE t3 DROP COLUMN note;\n"));
        assert_eq!(analysis.findings().len(), 1);
        assert_eq!(executed(&log, "state_after"), 1, "only the newest migration is replayed");

        analysis.set_current_text("migrations/0022_more.sql", Arc::from("ALTER TABLE t2 DROP COLUMN note;\n"));
        assert_eq!(analysis.findings().len(), 2);
        assert_eq!(executed(&log, "state_after"), 2, "the edited migration and the one after it");
    }

    /// A release of 20,000 migrations: the N state is reached without recursing once per migration
    /// (the language server analyses on threads with 2 MiB stacks; recursion overflowed at ~800),
    /// and an edit of the newest one still replays it alone.
    #[test]
    fn a_release_of_twenty_thousand_migrations_fits_a_small_stack() {
        const RELEASE: usize = 20_000;
        let mut input = WorkspaceInput { baseline_label: "v1".into(), ..WorkspaceInput::default() };
        let init: Arc<str> = Arc::from("CREATE TABLE t (id bigint PRIMARY KEY);\nCREATE TABLE u (id bigint PRIMARY KEY, note text);\n");
        input.baseline.insert("migrations/00000_init.sql".into(), init.clone());
        input.current.insert("migrations/00000_init.sql".into(), init);
        for n in 1..=RELEASE {
            input.current.insert(format!("migrations/{n:05}_add.sql"), Arc::from(format!("ALTER TABLE t ADD COLUMN c{n} int;\n")));
        }
        let log = Arc::new(Mutex::new(Vec::new()));
        let db = RootDatabase::with_execution_log(log.clone());
        let worker = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let mut analysis = Analysis::with_database(db, input);
                let notes = analysis.findings();
                // The table outgrew what any database allows; the statement that did it says so.
                assert_eq!(notes.iter().map(|f| f.rule).collect::<Vec<_>>(), ["statement-not-understood"], "{notes:?}");
                let steps = executed(&log, "state_after");
                assert!(steps < 100, "a bounded number of kept states, not one per migration: {steps}");
                analysis.set_current_text(&format!("migrations/{RELEASE:05}_add.sql"), Arc::from("ALTER TABLE u DROP COLUMN note;\n"));
                let findings = analysis.findings();
                assert!(findings.iter().any(|f| f.rule == "column-removed"), "{findings:?}");
                assert_eq!(executed(&log, "state_after"), 1, "only the newest migration is replayed");
            })
            .expect("spawn");
        worker.join().expect("no stack overflow, no panic");
    }

    /// Reloading (a new baseline after a checkout) parses only the files whose text changed.
    #[test]
    fn reloading_reuses_the_parses_of_unchanged_files() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut analysis = Analysis::with_database(RootDatabase::with_execution_log(log.clone()), input());
        analysis.findings();
        executed(&log, "parse_sql");

        let mut next = input();
        next.baseline_label = "v2".into();
        next.baseline.insert("migrations/0021_change.sql".into(), Arc::from("ALTER TABLE t1 ADD COLUMN extra text;\n"));
        next.current.insert("migrations/0022_more.sql".into(), Arc::from("ALTER TABLE t2 DROP COLUMN note;\n"));
        analysis.reload(next);
        let findings = analysis.findings();
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert!(findings[0].message.contains("v2"), "{}", findings[0].message);
        // The migration now released gets an N-1 input of its own; the other twenty are not read again.
        assert_eq!(executed(&log, "parse_sql"), 2, "only the released and the new file are parsed");
    }

    /// Levels and the allow-list are the core's: editing `[rules]` re-runs no SQL query (the
    /// history's findings are reused, only levels are applied again), while editing `[sql]` does.
    #[test]
    fn editing_rules_reruns_no_format_analysis() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut changed = input();
        changed.current.insert("migrations/0021_change.sql".into(), Arc::from("ALTER TABLE t1 DROP COLUMN note;\n"));
        let mut analysis = Analysis::with_database(RootDatabase::with_execution_log(log.clone()), changed.clone());
        assert_eq!(analysis.findings()[0].severity, Severity::Error);
        executed(&log, "");

        let mut relaxed = changed.clone();
        relaxed.config = crate::parse_config("[rules]\ncolumn-removed = \"warning\"\n").expect("config");
        analysis.reload(relaxed.clone());
        assert_eq!(analysis.findings()[0].severity, Severity::Warning);
        let log_now: Vec<String> = log.lock().expect("log").clone();
        assert!(log_now.iter().any(|e| e.contains("all_findings")), "levels are applied again: {log_now:?}");
        for query in ["history_findings", "sql_layouts", "parse_sql", "state_after"] {
            assert!(!log_now.iter().any(|e| e.contains(query)), "{query} ran again: {log_now:?}");
        }
        executed(&log, "");

        let mut excluded = relaxed;
        excluded.config =
            crate::parse_config("exclude = [\"migrations/0021_change.sql\"]\n[rules]\ncolumn-removed = \"warning\"\n").expect("config");
        analysis.reload(excluded);
        assert!(analysis.findings().is_empty());
        assert!(executed(&log, "sql_layouts") > 0, "what SQL reads did change");
    }

    /// Cost grows with the change: files identical in N-1 and N are read once for both sides and
    /// never resolved or compared; an edit re-reads and resolves the edited file only.
    #[test]
    fn editing_a_proto_file_reparses_that_file_only() {
        let mut input = WorkspaceInput { baseline_label: "v1".into(), ..WorkspaceInput::default() };
        for n in 0..30 {
            let text: Arc<str> =
                Arc::from(format!("syntax = \"proto3\";\npackage p{n};\nmessage M{n} {{ int64 id = 1; string name = 2; }}\n"));
            input.baseline.insert(format!("api/p{n}/m.proto"), text.clone());
            input.current.insert(format!("api/p{n}/m.proto"), text);
        }
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut analysis = Analysis::with_database(RootDatabase::with_execution_log(log.clone()), input);
        assert!(analysis.findings().is_empty());
        assert_eq!(executed(&log, "proto_symbols"), 30, "each file read once for both trees");
        assert_eq!(executed(&log, "file_resolved"), 0, "nothing differs: nothing is resolved or compared");

        analysis.set_current_text("api/p3/m.proto", Arc::from("syntax = \"proto3\";\npackage p3;\nmessage M3 { int64 id = 1; }\n"));
        let findings = analysis.findings();
        assert_eq!(findings.iter().map(|f| f.rule).collect::<Vec<_>>(), ["proto-field-removed"]);
        let log_now: Vec<String> = log.lock().expect("log").clone();
        let count = |q: &str| log_now.iter().filter(|e| e.contains(q)).count();
        assert_eq!(count("proto_symbols"), 1, "only the edited file is read again: {log_now:?}");
        assert_eq!(count("file_resolved"), 2, "the edited file is resolved on each side, no other: {log_now:?}");
    }

    /// An edit made while a snapshot computes on another thread cancels that computation.
    #[test]
    fn an_edit_cancels_work_in_flight() {
        use std::sync::atomic::{AtomicBool, Ordering};
        let edit_waiting = Arc::new(AtomicBool::new(false));
        let started = Arc::new(std::sync::Barrier::new(2));
        let (flag, barrier) = (edit_waiting.clone(), started.clone());
        let first_parse = Arc::new(AtomicBool::new(true));
        let db = RootDatabase::with_events(move |event| match event.kind {
            salsa::EventKind::DidSetCancellationFlag => flag.store(true, Ordering::SeqCst),
            // The worker's first parse: tell the test it runs, then hold it until the edit waits.
            salsa::EventKind::WillExecute { database_key }
                if format!("{database_key:?}").contains("parse_sql") && first_parse.swap(false, Ordering::SeqCst) =>
            {
                barrier.wait();
                while !flag.load(Ordering::SeqCst) {
                    std::thread::yield_now();
                }
            }
            _ => {}
        });
        let mut analysis = Analysis::with_database(db, input());
        let snapshot = analysis.snapshot();
        let worker = std::thread::spawn(move || cancellable(|| snapshot.findings()));
        started.wait();
        analysis.set_current_text("migrations/0021_change.sql", Arc::from("ALTER TABLE t1 DROP COLUMN note;\n"));
        assert!(worker.join().expect("worker thread").is_err(), "the computation in flight was cancelled");
        assert_eq!(analysis.findings().len(), 1);
    }

    /// A drop gets its expand step and a suppression; a suppression with the placeholder reason
    /// does not take effect until someone writes a reason.
    #[test]
    fn fixes_for_a_column_drop() {
        let mut analysis = Analysis::new(input());
        let path = "migrations/0021_change.sql";
        let text = "ALTER TABLE t1 DROP COLUMN note;\n";
        analysis.set_current_text(path, Arc::from(text));
        let finding = analysis.findings().remove(0);
        let fixes = analysis.fixes(&finding);
        let titles: Vec<&str> = fixes.iter().map(|f| f.title.as_str()).collect();
        assert_eq!(titles, ["Keep the column for now: drop it in a later release", "Suppress column-removed here (a reason is required)"]);

        let apply = |fix: &Fix| {
            let mut out = text.to_string();
            for e in fix.edits.iter().rev() {
                out.replace_range(e.range.as_usize(), &e.replacement);
            }
            out
        };
        analysis.set_current_text(path, Arc::from(apply(&fixes[0])));
        assert!(analysis.findings().is_empty(), "the expand step breaks nothing: {:?}", analysis.findings());

        let suppressed = apply(&fixes[1]);
        analysis.set_current_text(path, Arc::from(suppressed.as_str()));
        let rules: Vec<&str> = analysis.findings().iter().map(|f| f.rule).collect();
        assert_eq!(rules, ["invalid-suppression", "column-removed"]);
        analysis.set_current_text(path, Arc::from(suppressed.replace("<reason>", "nothing reads t1.note since v0.9")));
        assert!(analysis.findings().is_empty());
    }
}
