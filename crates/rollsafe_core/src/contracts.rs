//! What the message-contract formats (Avro, JSON Schema) share: their settings, the releases a
//! contract is checked against in its mode, and the two directions of a check.
//!
//! A mode (`[contracts]`, `--compat`) says which directions hold: BACKWARD, the new schema reads
//! data written with the old (consumers upgrade first); FORWARD, the old schema reads data written
//! with the new (producers upgrade first); FULL, both. Its `-transitive` form checks against every
//! earlier release as well as N-1, and each finding names the release whose schema it breaks.

use crate::config::{Compat, Config};
use crate::db::{Db, FileSet, RootDatabase, Workspace};
use rollsafe_diagnostics::Side;
use salsa::{Durability, Setter};

/// The configuration as the contract formats read it (`[contracts]`, their own sections,
/// `exclude`), apart from the workspace so that other sections' edits leave them untouched.
#[salsa::input(singleton, debug)]
pub struct ContractSettings {
    #[returns(ref)]
    pub config: Config,
}

pub(crate) fn contract_config(db: &dyn Db) -> &Config {
    static NONE: std::sync::LazyLock<Config> = std::sync::LazyLock::new(Config::default);
    match ContractSettings::try_get(db) {
        Some(settings) => settings.config(db),
        None => &NONE,
    }
}

/// Sets [`ContractSettings`] from the configuration (each contract format's `configure` calls it;
/// the second call finds it set).
pub(crate) fn configure(db: &mut RootDatabase, config: &Config) {
    let read = Config {
        exclude: config.exclude.clone(),
        contracts: config.contracts.clone(),
        avro: config.avro.clone(),
        json_schema: config.json_schema.clone(),
        ..Config::default()
    };
    match ContractSettings::try_get(db) {
        None => {
            let _settings = ContractSettings::builder(read).config_durability(Durability::MEDIUM).new(db);
        }
        Some(settings) if *settings.config(db) != read => {
            settings.set_config(db).with_durability(Durability::MEDIUM).to(read);
        }
        Some(_) => {}
    }
}

/// A release a contract is checked against.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Against<'a> {
    /// Where its locations point: N-1 is the baseline, the others are earlier releases.
    pub side: Side,
    pub label: &'a str,
    pub files: &'a FileSet,
}

/// The releases a contract in `mode` is checked against: N-1, then, when transitive, every
/// earlier release the workspace holds, newest first.
pub(crate) fn releases(db: &dyn Db, ws: Workspace, mode: Compat) -> Vec<Against<'_>> {
    let mut out = vec![Against { side: Side::Baseline, label: ws.baseline_label(db), files: ws.baseline(db) }];
    if mode.transitive() {
        for (i, release) in ws.earlier(db).iter().enumerate() {
            let side = Side::Earlier(u16::try_from(i).unwrap_or(u16::MAX));
            out.push(Against { side, label: &release.label, files: &release.files });
        }
    }
    out
}

/// One direction of a check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Direction {
    /// The new schema reads the old data: reader = N, writer = the release.
    Backward,
    /// The old schema reads the new data: reader = the release, writer = N.
    Forward,
}

impl Direction {
    /// The directions a mode checks.
    pub fn of(mode: Compat) -> Vec<Direction> {
        let mut out = Vec::new();
        if mode.backward() {
            out.push(Direction::Backward);
        }
        if mode.forward() {
            out.push(Direction::Forward);
        }
        out
    }

    pub fn name(self) -> &'static str {
        match self {
            Direction::Backward => "BACKWARD",
            Direction::Forward => "FORWARD",
        }
    }
}

/// The files of every tree a contract format reads (working tree, N-1, earlier releases) that
/// `is_path` selects, each input once: a file unchanged across releases is one input.
pub(crate) fn files_of_every_tree(db: &dyn Db, ws: Workspace, is_path: &dyn Fn(&Config, &str) -> bool) -> Vec<crate::db::SourceFile> {
    let config = contract_config(db);
    let mut seen = std::collections::HashSet::new();
    let earlier = ws.earlier(db).iter().map(|r| &r.files);
    let mut out = Vec::new();
    for files in [ws.current(db), ws.baseline(db)].into_iter().chain(earlier) {
        for file in files.paths().filter(|p| is_path(config, p)).filter_map(|p| files.get(p)) {
            if seen.insert(file) {
                out.push(file);
            }
        }
    }
    out
}

/// JSON has no comments: no suppression comment, so no anchor (findings are accepted in the
/// allow-list, by JSON Pointer).
pub(crate) fn no_suppression_anchor(_db: &dyn Db, _ws: Workspace, _finding: &rollsafe_diagnostics::Finding) -> Option<u32> {
    None
}

/// One tree of the workspace, as the contract formats key their queries: the working tree, N-1
/// or an earlier release.
#[salsa::interned(debug)]
pub struct ContractTree<'db> {
    #[returns(copy)]
    pub workspace: Workspace,
    #[returns(copy)]
    pub side: Side,
}

/// One contract file of the working tree.
#[salsa::interned(debug)]
pub struct ContractFile<'db> {
    #[returns(copy)]
    pub workspace: Workspace,
    #[returns(ref)]
    pub path: String,
}

/// The file of a release a working-tree contract is compared with: the same path when the
/// release has a contract there (`schemas`: the release's contract files, sorted), else the file
/// it was moved from (`moved`: working-tree path → release path).
pub(crate) fn counterpart(
    against: &Against<'_>,
    schemas: &[String],
    moved: &std::collections::BTreeMap<String, String>,
    path: &str,
) -> Option<(String, crate::db::SourceFile)> {
    if let Some(file) = against.files.get(path)
        && schemas.binary_search_by(|p| p.as_str().cmp(path)).is_ok()
    {
        return Some((path.to_string(), file));
    }
    let moved = moved.get(path)?;
    Some((moved.clone(), against.files.get(moved)?))
}

/// The findings of one release's comparison, in both directions of the mode: what fails both
/// ways at the same place (the same rule, range and path) is one finding, worded for both
/// (`finding(direction, both, difference)`).
pub(crate) fn merge_directions<D>(
    found: &[(Direction, Vec<D>)],
    path_of: impl Fn(&D) -> &str,
    finding: impl Fn(Direction, bool, &D) -> rollsafe_diagnostics::Finding,
) -> Vec<(Direction, &D, rollsafe_diagnostics::Finding)> {
    let mut out: Vec<(Direction, &D, rollsafe_diagnostics::Finding)> = Vec::new();
    for (direction, diffs) in found {
        for d in diffs {
            let f = finding(*direction, false, d);
            let twin = out.iter().position(|(dir, first, g)| {
                dir != direction && g.rule == f.rule && g.primary.range == f.primary.range && path_of(first) == path_of(d)
            });
            match twin {
                Some(i) => out[i].2 = finding(out[i].0, true, out[i].1),
                None => out.push((*direction, d, f)),
            }
        }
    }
    out
}

/// The contract files of N-1 that no working-tree file continues (at their path, or moved):
/// `removed(path, release, file)` makes each one's finding.
pub(crate) fn removed_files(
    db: &dyn Db,
    ws: Workspace,
    current: &[String],
    n1_schemas: &[String],
    moved: &std::collections::BTreeMap<String, String>,
    removed: impl Fn(&str, &str, crate::db::SourceFile) -> rollsafe_diagnostics::Finding,
) -> Vec<rollsafe_diagnostics::Finding> {
    let n1 = releases(db, ws, Compat::Backward)[0];
    let continued: std::collections::HashSet<&String> = moved.values().collect();
    n1_schemas
        .iter()
        .filter(|p| !continued.contains(p) && current.binary_search(p).is_err())
        .filter_map(|p| Some(removed(p, n1.label, n1.files.get(p)?)))
        .collect()
}

/// A contract format's coverage: its working-tree files, and how many N-1 holds (at their path
/// or moved).
pub(crate) fn coverage(noun: (&'static str, &'static str), current: &[String], in_n1: impl Fn(&str) -> bool) -> crate::formats::Coverage {
    crate::formats::Coverage {
        noun,
        units: current.len(),
        source_files: current.len(),
        in_baseline: current.iter().filter(|p| in_n1(p)).count(),
    }
}
