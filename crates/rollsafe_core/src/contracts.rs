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
