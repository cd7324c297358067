//! SQL analysis: parse each file once, replay the N-1 history and the N history, diff, run the rules.
//!
//! Replay follows what production sees. The N-1 state is the baseline's migrations as released. The
//! N state continues from it with the new migrations only: an edited released migration does not run
//! again in production (that edit is its own finding), and a deleted one stays applied.

pub(crate) mod check;
pub(crate) mod compare;
pub(crate) mod dialect;
pub(crate) mod diff;
pub(crate) mod fixes;
mod format;
pub mod layout;
pub(crate) mod rules;

pub use format::{FORMAT, HistoryStates, histories};

use crate::db::{Db, SourceFile, Workspace};
use layout::{ContentProbe, History, Migration, SqlLayout};
use rollsafe_diagnostics::{Location, Side};
use rollsafe_sql::catalog::{Catalog, Event, Origin, SourceId};
use rollsafe_sql::ops::Statement;
use rollsafe_sql::replay::Replayer;
use rollsafe_sql::split::Section;
use rollsafe_sql::{Dialect, ParsedFile};
use rollsafe_text::TextRange;
use std::sync::Arc;

/// The configuration as SQL reads it, one input per database (set by [`FORMAT`]'s `configure`).
/// Apart from the workspace, and in two fields, so that parses depend on the placeholders alone and
/// the rest of SQL on `[sql]` and `exclude` alone: editing `[rules]` or another format's section
/// re-runs nothing here.
#[salsa::input(singleton, debug)]
pub struct SqlSettings {
    /// The values of templated histories' placeholders (`[sql.placeholders]`).
    #[returns(ref)]
    pub placeholders: rollsafe_sql::template::Placeholders,
    /// The configuration without what SQL does not read (`[rules]`, `[[allow]]`).
    #[returns(ref)]
    pub config: crate::config::Config,
}

/// The configuration SQL reads.
pub(crate) fn sql_config(db: &dyn Db) -> &crate::config::Config {
    static NONE: std::sync::LazyLock<crate::config::Config> = std::sync::LazyLock::new(crate::config::Config::default);
    match SqlSettings::try_get(db) {
        Some(settings) => settings.config(db),
        None => &NONE,
    }
}

/// A file and the dialect to read it in: the key of the parse query.
#[salsa::interned(debug)]
pub struct SqlUnit<'db> {
    #[returns(copy)]
    pub file: SourceFile,
    #[returns(copy)]
    pub dialect: Dialect,
}

/// Parses one SQL file. The front-end never fails, so neither does this query.
#[salsa::tracked(returns(ref))]
pub fn parse_sql<'db>(db: &'db dyn Db, unit: SqlUnit<'db>) -> Arc<ParsedFile> {
    let text = unit.file(db).text(db);
    match SqlSettings::try_get(db) {
        Some(settings) => Arc::new(rollsafe_sql::parse_file_with(text, unit.dialect(db), settings.placeholders(db))),
        None => Arc::new(rollsafe_sql::parse_file(text, unit.dialect(db))),
    }
}

/// A file's text as rollsafe reads it: placeholders of templated SQL replaced (same length, so
/// ranges into it are ranges into the file).
pub fn text_as_read(db: &dyn Db, file: SourceFile) -> std::borrow::Cow<'_, str> {
    let text = file.text(db);
    let placeholders = SqlSettings::try_get(db).map(|s| s.placeholders(db).clone()).unwrap_or_default();
    match rollsafe_sql::template::substitute(text, &placeholders) {
        Some(substituted) => std::borrow::Cow::Owned(substituted.text),
        None => std::borrow::Cow::Borrowed(text),
    }
}

/// Parses a file in a dialect.
pub fn parsed(db: &dyn Db, file: SourceFile, dialect: Dialect) -> Arc<ParsedFile> {
    parse_sql(db, SqlUnit::new(db, file, dialect)).clone()
}

/// Whether a file has up/down sections. A query of its own so that whole-history questions depend
/// on one bit per file: editing a file's body re-runs this, not them.
#[salsa::tracked(returns(copy))]
fn unit_has_sections<'db>(db: &'db dyn Db, unit: SqlUnit<'db>) -> bool {
    parse_sql(db, unit).has_sections
}

/// Every SQL file of the analysable histories with its dialect, in replay order.
fn parse_units(db: &dyn Db, ws: Workspace) -> Vec<(SourceFile, Dialect)> {
    let layouts = sql_layouts(db, ws);
    let mut units: Vec<(SourceFile, Dialect)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for pair in &layouts.pairs {
        let key = HistoryKey::new(db, ws, pair.dir.clone());
        if unsupported_dialect(db, key).is_some() {
            continue;
        }
        let dialect = history_dialect(db, key);
        let sides = [
            (pair.baseline.map(|i| &layouts.baseline.histories[i]), ws.baseline(db)),
            (pair.current.map(|i| &layouts.current.histories[i]), ws.current(db)),
        ];
        for (history, files) in sides {
            for path in history.into_iter().flat_map(|h| h.migrations.iter()).flat_map(|m| m.up.iter().chain(&m.down)) {
                if let Some(f) = files.get(path)
                    && seen.insert(f)
                {
                    units.push((f, dialect));
                }
            }
        }
    }
    units
}

/// The first few kilobytes of a file, for layout and dialect detection.
#[salsa::tracked(returns(ref))]
pub fn file_head(db: &dyn Db, file: SourceFile) -> String {
    let text = file.text(db);
    text[..rollsafe_text::floor_char_boundary(text, 4096)].to_string()
}

/// The histories and schema files of both trees.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SqlLayouts {
    pub baseline: SqlLayout,
    pub current: SqlLayout,
    /// Each history of either tree, paired with its counterpart in the other.
    pub pairs: Vec<HistoryPair>,
}

/// One migration history across the two trees. Tools identify migrations by name, not by folder,
/// so a history whose folder moved (`db/migrations` → `prisma/migrations`) is still one history.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HistoryPair {
    /// The key: the current folder, or the baseline folder of a deleted history.
    pub dir: String,
    pub baseline: Option<usize>,
    pub current: Option<usize>,
}

/// Pairs histories by folder, then a moved history with the one sharing most of its migrations:
/// identical files first, then names. Histories whose layouts name different dialects never pair.
fn pair_histories(baseline: &SqlLayout, current: &SqlLayout, same_text: &dyn Fn(&str, &str) -> bool) -> Vec<HistoryPair> {
    let mut pairs = Vec::new();
    let mut baseline_taken = vec![false; baseline.histories.len()];
    let mut current_taken = vec![false; current.histories.len()];
    for (bi, b) in baseline.histories.iter().enumerate() {
        if let Some(ci) = current.histories.iter().position(|c| c.dir == b.dir) {
            baseline_taken[bi] = true;
            current_taken[ci] = true;
            pairs.push(HistoryPair { dir: b.dir.clone(), baseline: Some(bi), current: Some(ci) });
        }
    }
    let mut candidates = Vec::new();
    for (bi, b) in baseline.histories.iter().enumerate().filter(|(bi, _)| !baseline_taken[*bi]) {
        for (ci, c) in current.histories.iter().enumerate().filter(|(ci, _)| !current_taken[*ci]) {
            let conflicting_dialects = matches!((b.dialect_hint, c.dialect_hint), (Some(x), Some(y)) if x != y);
            if c.kind != b.kind || conflicting_dialects {
                continue;
            }
            let shared: Vec<(&Migration, &Migration)> =
                b.migrations.iter().filter_map(|bm| c.migrations.iter().find(|cm| cm.id == bm.id).map(|cm| (bm, cm))).collect();
            if shared.is_empty() || shared.len() * 2 < b.migrations.len() {
                continue;
            }
            let identical = shared.iter().filter(|(bm, cm)| matches!((&bm.up, &cm.up), (Some(x), Some(y)) if same_text(x, y))).count();
            candidates.push(((identical, shared.len()), bi, ci));
        }
    }
    candidates.sort_by_key(|c| std::cmp::Reverse(c.0));
    for (_, bi, ci) in candidates {
        if baseline_taken[bi] || current_taken[ci] {
            continue;
        }
        baseline_taken[bi] = true;
        current_taken[ci] = true;
        pairs.push(HistoryPair { dir: current.histories[ci].dir.clone(), baseline: Some(bi), current: Some(ci) });
    }
    for (bi, b) in baseline.histories.iter().enumerate().filter(|(bi, _)| !baseline_taken[*bi]) {
        pairs.push(HistoryPair { dir: b.dir.clone(), baseline: Some(bi), current: None });
    }
    for (ci, c) in current.histories.iter().enumerate().filter(|(ci, _)| !current_taken[*ci]) {
        pairs.push(HistoryPair { dir: c.dir.clone(), baseline: None, current: Some(ci) });
    }
    pairs.sort_by(|a, b| a.dir.cmp(&b.dir));
    pairs
}

/// The heads of a tree's files, for layout detection.
pub(crate) struct FileProbe<'a> {
    pub db: &'a dyn Db,
    pub files: &'a crate::db::FileSet,
}

impl ContentProbe for FileProbe<'_> {
    fn head(&self, path: &str) -> Option<String> {
        self.files.get(path).map(|f| file_head(self.db, f).clone())
    }

    fn text(&self, path: &str) -> Option<String> {
        self.files.get(path).map(|f| f.text(self.db).to_string())
    }
}

#[salsa::tracked(returns(ref))]
pub fn sql_layouts(db: &dyn Db, ws: Workspace) -> SqlLayouts {
    let config = sql_config(db);
    let side = |files: &crate::db::FileSet| {
        let paths: Vec<&str> = files.paths().collect();
        layout::detect(&paths, config, &FileProbe { db, files })
    };
    let (baseline, current) = (side(ws.baseline(db)), side(ws.current(db)));
    let same_text = |old: &str, new: &str| match (ws.baseline(db).get(old), ws.current(db).get(new)) {
        (Some(a), Some(b)) => a == b || normalized(a.text(db)) == normalized(b.text(db)),
        _ => false,
    };
    let pairs = pair_histories(&baseline, &current, &same_text);
    SqlLayouts { baseline, current, pairs }
}

/// A migration history, identified by its directory.
#[salsa::interned(debug)]
pub struct HistoryKey<'db> {
    #[returns(copy)]
    pub workspace: Workspace,
    #[returns(ref)]
    pub dir: String,
}

/// The dialect a working-tree file is analysed in: its history's, or its schema file's. `None` for
/// a file no analysis reads.
pub fn current_file_dialect(db: &dyn Db, ws: Workspace, path: &str) -> Option<Dialect> {
    let layouts = sql_layouts(db, ws);
    for pair in &layouts.pairs {
        let Some(history) = pair.current.and_then(|i| layouts.current.histories.get(i)) else { continue };
        let holds = history.migrations.iter().any(|m| m.up.as_deref() == Some(path) || m.down.as_deref() == Some(path));
        if holds {
            return Some(history_dialect(db, HistoryKey::new(db, ws, pair.dir.clone())));
        }
    }
    layouts.current.schema_files.iter().any(|p| p == path).then(|| check::schema_dialect(db, SchemaKey::new(db, ws, path.to_string())))
}

/// A declarative schema file, identified by its path.
#[salsa::interned(debug)]
pub struct SchemaKey<'db> {
    #[returns(copy)]
    pub workspace: Workspace,
    #[returns(ref)]
    pub path: String,
}

impl<'db> HistoryKey<'db> {
    fn pair(self, db: &'db dyn Db) -> Option<&'db HistoryPair> {
        let dir = self.dir(db);
        sql_layouts(db, self.workspace(db)).pairs.iter().find(|p| &p.dir == dir)
    }

    pub fn baseline_history(self, db: &'db dyn Db) -> Option<&'db History> {
        let index = self.pair(db)?.baseline?;
        sql_layouts(db, self.workspace(db)).baseline.histories.get(index)
    }

    pub fn current_history(self, db: &'db dyn Db) -> Option<&'db History> {
        let index = self.pair(db)?.current?;
        sql_layouts(db, self.workspace(db)).current.histories.get(index)
    }
}

/// Where each [`SourceId`] of a replay points.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceTable {
    pub files: Vec<(String, Side, SourceFile)>,
}

impl SourceTable {
    /// Appends a file without looking for it first (replay numbers each migration's file once).
    pub fn push(&mut self, path: &str, side: Side, file: SourceFile) -> SourceId {
        self.files.push((path.to_string(), side, file));
        SourceId(self.files.len() as u32 - 1)
    }

    pub fn add(&mut self, path: &str, side: Side, file: SourceFile) -> SourceId {
        if let Some(i) = self.files.iter().position(|(p, s, f)| p == path && *s == side && *f == file) {
            return SourceId(i as u32);
        }
        self.files.push((path.to_string(), side, file));
        SourceId(self.files.len() as u32 - 1)
    }

    pub fn file(&self, id: SourceId) -> Option<&(String, Side, SourceFile)> {
        self.files.get(id.0 as usize)
    }
}

/// The N-1 state of one history.
#[derive(Debug, PartialEq, Eq)]
pub struct BaselineState {
    pub catalog: Catalog,
    pub sources: SourceTable,
    /// Up files in the order they were applied.
    pub applied: Vec<String>,
}

/// The N state of one history, and how it was reached.
#[derive(Debug, PartialEq, Eq)]
pub struct CurrentState {
    pub catalog: Catalog,
    pub sources: SourceTable,
    /// Up files of the new migrations, in the order they were applied after the N-1 state.
    pub applied: Vec<String>,
    /// Events of the new migrations only.
    pub events: Vec<Event>,
    /// Sources at or after this id belong to new migrations.
    pub first_new_source: u32,
    /// Per new migration with a down script: differences between the state before it and the state
    /// after running it up and down again.
    pub down_checks: Vec<DownCheck>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DownCheck {
    pub migration: Migration,
    /// The statement that leaves the first difference, else the down script.
    pub location: Location,
    /// Where the down script is (the file, or the down section of a sectioned file).
    pub script: Location,
    /// `None`: the migration has no down script.
    pub differences: Option<Vec<String>>,
}

/// Which migrations of a history are released, edited, deleted or new.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HistoryDelta {
    /// Baseline migrations, in order.
    pub released: Vec<Migration>,
    /// Current migrations not in the baseline, in order.
    pub new: Vec<Migration>,
    /// Released migrations whose up file is gone, with the new migration that holds the same SQL
    /// under another name, if any.
    pub deleted: Vec<(Migration, Option<Migration>)>,
    /// Released migrations still present: (as released, as in the working tree).
    pub kept: Vec<(Migration, Migration)>,
}

pub fn delta(baseline: Option<&History>, current: Option<&History>, db: &dyn Db, ws: Workspace) -> HistoryDelta {
    let released: Vec<Migration> = baseline.map(|h| h.migrations.clone()).unwrap_or_default();
    let current_migrations: Vec<Migration> = current.map(|h| h.migrations.clone()).unwrap_or_default();
    // Migration tools identify a migration by its name (file or folder), not by where it lives.
    let mut new: Vec<Migration> = current_migrations.iter().filter(|m| !released.iter().any(|r| r.id == m.id)).cloned().collect();
    let mut deleted = Vec::new();
    let mut kept = Vec::new();
    // Most tools record only the version of an applied migration: a migration renamed under its
    // version is the same migration (edited, if its SQL changed). Prisma records names, and Flyway
    // validates the description too.
    let by_version = current.or(baseline).is_some_and(|h| !matches!(h.tool, layout::MigrationTool::Prisma | layout::MigrationTool::Flyway));
    for r in &released {
        if let Some(m) = current_migrations.iter().find(|m| m.id == r.id) {
            kept.push((r.clone(), m.clone()));
            continue;
        }
        if by_version
            && r.version.is_some()
            && let Some(i) = new.iter().position(|n| n.version == r.version)
            && !released.iter().any(|other| other.id == new[i].id)
        {
            kept.push((r.clone(), new.remove(i)));
            continue;
        }
        // Renamed released migration: the same SQL under a new name.
        let old_text = r.up.as_deref().and_then(|p| ws.baseline(db).get(p)).map(|f| normalized(f.text(db)));
        let renamed = new.iter().position(|n| {
            let new_text = n.up.as_deref().and_then(|p| ws.current(db).get(p)).map(|f| normalized(f.text(db)));
            old_text.is_some() && new_text == old_text
        });
        deleted.push((r.clone(), renamed.map(|i| new.remove(i))));
    }
    HistoryDelta { released, new, deleted, kept }
}

/// Migration text as tools checksum it: no BOM, LF line ends, no trailing blank space.
pub fn normalized(text: &str) -> String {
    text.trim_start_matches('\u{feff}').replace("\r\n", "\n").trim_end().to_string()
}

#[salsa::tracked(returns(ref))]
pub fn history_delta<'db>(db: &'db dyn Db, key: HistoryKey<'db>) -> HistoryDelta {
    delta(key.baseline_history(db), key.current_history(db), db, key.workspace(db))
}

/// What a file's first kilobytes say about its dialect.
#[salsa::tracked(returns(copy))]
pub fn file_evidence(db: &dyn Db, file: SourceFile) -> dialect::Evidence {
    dialect::evidence(file_head(db, file))
}

/// Dialect evidence from the files of a history on both sides.
/// A sample: the first and last migrations of each side. The dialect shows in every file (the first
/// ones create the tables); reading all of a long history would only cost time.
fn history_evidence<'db>(db: &'db dyn Db, key: HistoryKey<'db>) -> Vec<dialect::Evidence> {
    const SAMPLE: usize = 12;
    let ws = key.workspace(db);
    let mut evidence = Vec::new();
    for (history, files) in [(key.current_history(db), ws.current(db)), (key.baseline_history(db), ws.baseline(db))] {
        let migrations = history.map(|h| h.migrations.as_slice()).unwrap_or_default();
        let sample = if migrations.len() <= 2 * SAMPLE {
            migrations.iter().collect::<Vec<_>>()
        } else {
            migrations[..SAMPLE].iter().chain(&migrations[migrations.len() - SAMPLE..]).collect()
        };
        for m in sample {
            for path in m.up.iter().chain(&m.down) {
                if let Some(f) = files.get(path) {
                    evidence.push(file_evidence(db, f));
                }
            }
        }
    }
    evidence
}

/// The unsupported dialect (ClickHouse, SQL Server, …) a history is written in, unless the
/// configuration names a dialect for it: such a history is not analysed.
#[salsa::tracked(returns(copy))]
pub fn unsupported_dialect<'db>(db: &'db dyn Db, key: HistoryKey<'db>) -> Option<&'static str> {
    if sql_config(db).dialect_for(&format!("{}/", key.dir(db))).is_some() {
        return None;
    }
    dialect::unsupported(key.dir(db), history_evidence(db, key).into_iter())
}

#[salsa::tracked(returns(copy))]
pub fn history_dialect<'db>(db: &'db dyn Db, key: HistoryKey<'db>) -> Dialect {
    let dir = key.dir(db);
    if let Some(d) = sql_config(db).dialect_for(&format!("{dir}/")) {
        return d;
    }
    let histories = [key.current_history(db), key.baseline_history(db)];
    if let Some(hint) = histories.iter().flatten().find_map(|h| h.dialect_hint) {
        return hint;
    }
    dialect::detect(dir, history_evidence(db, key).into_iter())
}

/// Whether the workspace keeps histories in more than one dialect (a history per database it
/// supports): then each history's findings name their dialect, or the same change reads as three.
#[salsa::tracked(returns(copy))]
pub fn several_dialects(db: &dyn Db, ws: Workspace) -> bool {
    let mut seen = None;
    for pair in &sql_layouts(db, ws).pairs {
        let key = HistoryKey::new(db, ws, pair.dir.clone());
        if unsupported_dialect(db, key).is_some() {
            continue;
        }
        let d = history_dialect(db, key);
        match seen {
            None => seen = Some(d),
            Some(s) if s != d => return true,
            _ => {}
        }
    }
    false
}

/// Whether the history maintains down scripts, so that a missing or wrong one is worth a finding.
///
/// Its layout must give migrations down scripts (down files, or up/down sections as in dbmate,
/// goose and sql-migrate), and at least half of its migrations must have one with a statement in
/// it: a project with two down files among seventy migrations, or with every down section left
/// empty, does not roll back with them. `[sql] downs-unmaintained` says so for a history outright.
#[salsa::tracked(returns(copy))]
pub fn layout_has_downs<'db>(db: &'db dyn Db, key: HistoryKey<'db>) -> bool {
    let Some(history) = key.current_history(db) else {
        return false;
    };
    let ws = key.workspace(db);
    if sql_config(db).downs_unmaintained(&history.dir) {
        return false;
    }
    let dialect = history_dialect(db, key);
    let files = ws.current(db);
    let versioned: Vec<&Migration> = history.migrations.iter().filter(|m| m.version.is_some()).collect();
    let sectioned = history.has_downs()
        || versioned
            .iter()
            .filter_map(|m| m.up.as_deref())
            .filter_map(|p| files.get(p))
            .any(|f| unit_has_sections(db, SqlUnit::new(db, f, dialect)));
    if !sectioned {
        return false;
    }
    let with_down = versioned
        .iter()
        .filter(|m| match (&m.down, &m.up) {
            (Some(down), _) => files.get(down).is_some_and(|f| unit_has_down_statements(db, SqlUnit::new(db, f, dialect), true)),
            (None, Some(up)) => files.get(up).is_some_and(|f| unit_has_down_statements(db, SqlUnit::new(db, f, dialect), false)),
            (None, None) => false,
        })
        .count();
    with_down * 2 >= versioned.len()
}

/// Whether a file's down part (the whole file when it is a separate down script, else its down
/// section) has a statement.
#[salsa::tracked(returns(copy))]
fn unit_has_down_statements<'db>(db: &'db dyn Db, unit: SqlUnit<'db>, separate_file: bool) -> bool {
    down_statements(parse_sql(db, unit), separate_file).next().is_some()
}

/// Statements of a migration's up part.
fn up_statements(parsed: &ParsedFile) -> impl Iterator<Item = &Statement> {
    parsed.statements.iter().filter(|s| s.section != Section::Down)
}

/// Statements of a migration's down part: a separate file, or the down section of the up file.
fn down_statements(parsed: &ParsedFile, separate_file: bool) -> impl Iterator<Item = &Statement> {
    parsed.statements.iter().filter(move |s| separate_file || s.section == Section::Down)
}

fn replay_file(
    catalog: &mut Catalog,
    events: &mut Vec<Event>,
    id: SourceId,
    statements: impl Iterator<Item = impl std::ops::Deref<Target = Statement>>,
) {
    let mut replayer = Replayer::new(catalog, events, id);
    for stmt in statements {
        replayer.statement(&stmt);
    }
}

#[salsa::tracked(returns(ref), no_eq)]
pub fn baseline_state<'db>(db: &'db dyn Db, key: HistoryKey<'db>) -> Arc<BaselineState> {
    let dialect = history_dialect(db, key);
    let ws = key.workspace(db);
    let mut catalog = Catalog::new(dialect);
    let mut sources = SourceTable::default();
    let mut events = Vec::new();
    let mut applied = Vec::new();
    for m in &history_delta(db, key).released {
        let Some(path) = &m.up else { continue };
        let Some(file) = ws.baseline(db).get(path) else {
            continue;
        };
        applied.push(path.clone());
        // Released migrations are distinct files: no need to look for one already in the table.
        let id = sources.push(path, Side::Baseline, file);
        let parsed = parsed(db, file, dialect);
        replay_file(&mut catalog, &mut events, id, up_statements(&parsed));
    }
    // The N state starts from a copy of this catalog; built here, the name cache is shared with it.
    catalog.prepare_constraint_names();
    Arc::new(BaselineState { catalog, sources, applied })
}

/// The migrations replayed on top of N-1 to reach N, in order: the new versioned migrations, then
/// repeatable ones (Flyway `R__`) that changed or are new, as the tool would run them.
#[salsa::tracked(returns(ref))]
pub fn replay_plan<'db>(db: &'db dyn Db, key: HistoryKey<'db>) -> Vec<Migration> {
    let ws = key.workspace(db);
    let history = key.current_history(db);
    let delta = history_delta(db, key);
    // Repeatable migrations run after the versioned ones, again, when they changed.
    let released_repeatables: Vec<&Migration> = delta.released.iter().filter(|m| m.version.is_none()).collect();
    let changed_repeatables = history.map(|h| h.migrations.as_slice()).unwrap_or_default().iter().filter(|m| {
        m.version.is_none()
            && m.up.as_deref().is_some_and(|p| {
                let cur = ws.current(db).get(p);
                let old = released_repeatables.iter().find(|r| r.up.as_deref() == Some(p)).and_then(|_| ws.baseline(db).get(p));
                cur.is_some() && cur != old
            })
    });
    let new_versioned = delta.new.iter().filter(|m| m.version.is_some());
    new_versioned
        .chain(changed_repeatables.filter(|m| !delta.new.contains(m)))
        .chain(delta.new.iter().filter(|m| m.version.is_none()))
        .cloned()
        .collect()
}

/// The N state of a history: N-1 with every step of [`replay_plan`] applied.
///
/// The states along the way are [`state_after`] queries at checkpoints. They are demanded here in
/// order, oldest first, so that each one finds the one before it already computed (or already
/// verified, after an edit): neither computing nor re-validating the chain recurses once per
/// migration, whatever the length of the release.
#[salsa::tracked(returns(ref), no_eq)]
pub fn current_state<'db>(db: &'db dyn Db, key: HistoryKey<'db>) -> Arc<CurrentState> {
    let steps = replay_plan(db, key).len();
    let mut last = None;
    for count in checkpoints(steps) {
        last = Some(state_after(db, ReplayStep::new(db, key, count)).clone());
    }
    let last = last.expect("checkpoints always include 0");
    // Gather what each checkpoint added, oldest first.
    let mut chain = Vec::new();
    let mut at = Some(&last);
    while let Some(state) = at {
        chain.push(state);
        at = state.previous.as_ref();
    }
    let base = baseline_state(db, key);
    let mut sources = base.sources.clone();
    let (mut applied, mut events, mut down_checks) = (Vec::new(), Vec::new(), Vec::new());
    for state in chain.iter().rev() {
        for step in &state.steps {
            if let Some((path, file)) = &step.up {
                sources.push(path, Side::Current, *file);
                applied.push(path.clone());
            }
            events.extend(step.events.iter().cloned());
            down_checks.extend(step.down_check.iter().cloned());
        }
    }
    Arc::new(CurrentState {
        catalog: last.catalog.clone(),
        sources,
        applied,
        events,
        first_new_source: base.sources.files.len() as u32,
        down_checks,
    })
}

/// Checkpoints of the replay: the newest [`TAIL_STEPS`] migrations of a release are one query each
/// (where editing happens: an edit of the newest replays it alone), and the migrations before them
/// are grouped into at most [`MAX_BLOCKS`] queries of at least [`TAIL_STEPS`] migrations. Each kept
/// state holds its own copies of the catalog shards it changed, so the number of kept states must
/// not grow with the release: 20,000 migrations keep 68 catalogs, not 20,000. Editing a migration
/// before the tail replays from its block's start: at most a quarter of the release more than needed.
const TAIL_STEPS: usize = 64;
const MAX_BLOCKS: usize = 4;

/// Migrations per block before the tail.
fn block_size(steps: usize) -> usize {
    TAIL_STEPS.max(steps.div_ceil(MAX_BLOCKS))
}

/// The step counts whose states are kept, in increasing order.
fn checkpoints(steps: usize) -> impl Iterator<Item = usize> {
    (0..=steps).filter(move |c| is_checkpoint(*c, steps))
}

fn is_checkpoint(count: usize, steps: usize) -> bool {
    count.is_multiple_of(block_size(steps)) || count + TAIL_STEPS >= steps
}

/// The checkpoint before `count` (`count` > 0).
fn previous_checkpoint(count: usize, steps: usize) -> usize {
    if is_checkpoint(count - 1, steps) {
        count - 1
    } else {
        let block = block_size(steps);
        (count - 1) / block * block
    }
}

/// The state after the first `count` steps of a history's replay plan.
#[salsa::interned(debug)]
pub struct ReplayStep<'db> {
    #[returns(copy)]
    pub key: HistoryKey<'db>,
    #[returns(copy)]
    pub count: usize,
}

/// The state at one checkpoint of the replay: the catalog, and what the migrations since the
/// previous checkpoint added (the rest is reached through `previous`, so a checkpoint holds its own
/// additions only and memory grows linearly with the release).
#[derive(Debug)]
pub struct ReplayCheckpoint {
    pub catalog: Catalog,
    /// The migrations replayed since the previous checkpoint, in order.
    steps: Vec<ReplayedMigration>,
    /// Up files replayed since N-1, this checkpoint's included.
    new_sources: usize,
    previous: Option<Arc<ReplayCheckpoint>>,
}

/// What replaying one migration added besides the catalog.
#[derive(Debug)]
struct ReplayedMigration {
    /// The up file, when the migration has one.
    up: Option<(String, SourceFile)>,
    events: Vec<Event>,
    down_check: Option<DownCheck>,
}

/// One query per checkpoint (see [`TAIL_STEPS`]), each starting from the one before: editing a
/// migration replays from the checkpoint before it onwards, and the newest migration (where editing
/// happens) alone. Copies of the catalog are cheap: catalogs share what a step did not change.
#[salsa::tracked(returns(ref), no_eq)]
pub fn state_after<'db>(db: &'db dyn Db, step: ReplayStep<'db>) -> Arc<ReplayCheckpoint> {
    let key = step.key(db);
    let count = step.count(db);
    if count == 0 {
        let catalog = baseline_state(db, key).catalog.clone();
        return Arc::new(ReplayCheckpoint { catalog, steps: Vec::new(), new_sources: 0, previous: None });
    }
    let plan = replay_plan(db, key);
    let from = previous_checkpoint(count, plan.len());
    let before = state_after(db, ReplayStep::new(db, key, from)).clone();
    // The up files of new migrations are numbered in replay order after N-1's files.
    let first_new_source = baseline_state(db, key).sources.files.len();
    let mut new_sources = before.new_sources;
    let mut catalog = before.catalog.clone();
    let mut steps = Vec::with_capacity(count - from);
    for migration in &plan[from..count] {
        let step = replay_migration(db, key, migration, &mut catalog, SourceId((first_new_source + new_sources) as u32));
        new_sources += usize::from(step.up.is_some());
        steps.push(step);
    }
    Arc::new(ReplayCheckpoint { catalog, steps, new_sources, previous: Some(before) })
}

/// Runs one migration up on `catalog` (its up file gets source `id`), and, when the layout has down
/// scripts, checks that its down script restores the state before it.
fn replay_migration(db: &dyn Db, key: HistoryKey<'_>, m: &Migration, catalog: &mut Catalog, id: SourceId) -> ReplayedMigration {
    let dialect = history_dialect(db, key);
    let ws = key.workspace(db);
    let up = m.up.as_deref().and_then(|p| ws.current(db).get(p).map(|f| (p, f)));
    let before = layout_has_downs(db, key).then(|| catalog.clone());
    let mut events = Vec::new();
    let mut up_parsed = None;
    let mut up_source = None;
    if let Some((path, file)) = up {
        up_source = Some((path.to_string(), file));
        let p = parsed(db, file, dialect);
        replay_file(catalog, &mut events, id, up_statements(&p));
        up_parsed = Some((path, p));
    }
    let mut replayed = ReplayedMigration { up: up_source, events, down_check: None };
    let Some(before) = before else { return replayed };
    if m.version.is_none() {
        return replayed;
    }
    // Down script: a separate file, or the down section of the up file.
    let down = match (&m.down, &up_parsed) {
        (Some(path), _) => ws.current(db).get(path).map(|f| (path.as_str(), parsed(db, f, dialect), true)),
        (None, Some((path, p))) if p.has_sections => Some((*path, p.clone(), false)),
        _ => None,
    };
    let check = match down {
        Some((path, p, separate)) => {
            let stmts: Vec<&Statement> = down_statements(&p, separate).collect();
            let range = match (stmts.first(), stmts.last()) {
                (Some(a), Some(b)) => a.range.cover(b.range),
                _ => TextRange::empty(0),
            };
            let mut restored = catalog.clone();
            let mut scratch = Vec::new();
            const DOWN: SourceId = SourceId(u32::MAX);
            replay_file(&mut restored, &mut scratch, DOWN, stmts.into_iter());
            // A down script that alters or drops what the history never created (made by a code
            // migration, say) cannot be compared with a state rollsafe does not know.
            let blind = scratch.iter().chain(&replayed.events).any(|e| matches!(e, Event::UnknownObject { .. }));
            let differences = if blind { Vec::new() } else { compare::differences(&restored, &before) };
            // Point at the statement that leaves the first difference: the up statement the down
            // script does not undo, or the down statement that made it; else the down script.
            let up_path = up_parsed.as_ref().map(|(p, _)| p.to_string());
            let location = differences
                .iter()
                .find_map(|(_, origin)| match origin {
                    Some(o) if o.source == id => up_path.clone().map(|p| Location::current(p, o.range)),
                    Some(o) if o.source == DOWN => Some(Location::current(path, o.range)),
                    _ => None,
                })
                .unwrap_or_else(|| Location::current(path, range));
            DownCheck {
                migration: m.clone(),
                location,
                script: Location::current(path, range),
                differences: Some(differences.into_iter().map(|(text, _)| text).collect()),
            }
        }
        None => {
            let (path, range) = match &up_parsed {
                Some((path, p)) => (path.to_string(), p.statements.first().map_or(TextRange::empty(0), |s| s.range)),
                None => (m.up.clone().unwrap_or_default(), TextRange::empty(0)),
            };
            let location = Location::current(path, range);
            DownCheck { migration: m.clone(), script: location.clone(), location, differences: None }
        }
    };
    replayed.down_check = Some(check);
    replayed
}

/// Turns replay origins into locations users can open.
pub struct Locator<'a> {
    pub sources: &'a SourceTable,
    pub current: &'a crate::db::FileSet,
}

impl Locator<'_> {
    pub fn location(&self, origin: Origin) -> Option<Location> {
        let (path, side, file) = self.sources.file(origin.source)?;
        // A released file that is unchanged is shown as the working-tree file.
        let side = if *side == Side::Baseline && self.current.get(path) == Some(*file) { Side::Current } else { *side };
        Some(Location { path: path.clone(), side, range: origin.range })
    }

    /// Where something is defined in N-1: always the baseline side.
    pub fn baseline_location(&self, origin: Origin) -> Option<Location> {
        let (path, _, _) = self.sources.file(origin.source)?;
        Some(Location::baseline(path.clone(), origin.range))
    }
}
