//! The salsa database: inputs and the queries every front-end shares.
//!
//! Inputs are the files of both trees ([`SourceFile`], one per distinct path and content: a file that
//! is the same in N-1 and N is one input, so it is parsed once) and the [`Workspace`] that lists them.
//! Everything else is a tracked query, so the language server re-runs only what an edit invalidates.

use crate::config::Config;
use std::collections::BTreeMap;
use std::sync::Arc;

#[salsa::db]
pub trait Db: salsa::Database {}

/// The database used by the CLI, the library API and the language server.
#[salsa::db]
#[derive(Clone, Default)]
pub struct RootDatabase {
    storage: salsa::Storage<Self>,
}

impl RootDatabase {
    /// A database that records which queries execute, for tests of incrementality.
    pub fn with_execution_log(log: std::sync::Arc<std::sync::Mutex<Vec<String>>>) -> RootDatabase {
        RootDatabase::with_events(move |event: salsa::Event| {
            if let salsa::EventKind::WillExecute { database_key } = event.kind
                && let Ok(mut log) = log.lock()
            {
                log.push(format!("{database_key:?}"));
            }
        })
    }

    /// A database that reports salsa's events to `callback`, for tests of incrementality and
    /// cancellation.
    pub fn with_events(callback: impl Fn(salsa::Event) + Send + Sync + 'static) -> RootDatabase {
        RootDatabase { storage: salsa::Storage::new(Some(Box::new(callback))) }
    }
}

#[salsa::db]
impl salsa::Database for RootDatabase {}

#[salsa::db]
impl Db for RootDatabase {}

impl std::fmt::Debug for RootDatabase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RootDatabase")
    }
}

/// The text of one file. Files whose content is identical on both sides share one input.
#[salsa::input(debug)]
pub struct SourceFile {
    /// Workspace-relative, `/`-separated.
    #[returns(ref)]
    pub path: String,
    #[returns(ref)]
    pub text: Arc<str>,
}

/// The files of one tree, by workspace-relative path.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FileSet(pub BTreeMap<String, SourceFile>);

impl FileSet {
    pub fn get(&self, path: &str) -> Option<SourceFile> {
        self.0.get(path).copied()
    }

    /// The path as the set holds it (living as long as the set), and its file.
    pub fn entry(&self, path: &str) -> Option<(&str, SourceFile)> {
        self.0.get_key_value(path).map(|(p, f)| (p.as_str(), *f))
    }

    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

/// A release before N-1, for contracts checked transitively.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Release {
    /// Its tag (`v1.2.0`).
    pub label: String,
    pub files: FileSet,
}

/// What is being checked: the working tree against the N-1 baseline.
#[salsa::input(debug)]
pub struct Workspace {
    #[returns(ref)]
    pub current: FileSet,
    #[returns(ref)]
    pub baseline: FileSet,
    /// How the baseline is named in messages (`v1.4.0`).
    #[returns(ref)]
    pub baseline_label: String,
    /// The whole configuration. Only what every format shares reads it (levels, the allow-list):
    /// each format keeps the sections it reads in an input of its own (`Format::configure`), so
    /// that editing `[rules]` re-runs no format's analysis and editing one format's section no
    /// other format's.
    #[returns(ref)]
    pub config: Config,
    /// The releases before N-1, newest first, when a contract is checked transitively (only the
    /// files of formats that check them). A file the same as in a newer tree is that tree's input.
    #[default]
    #[returns(ref)]
    pub earlier: Vec<Release>,
}

impl Workspace {
    /// The files of one side (none for an earlier release the workspace does not hold).
    pub fn files(self, db: &dyn Db, side: rollsafe_diagnostics::Side) -> &FileSet {
        static NONE: std::sync::LazyLock<FileSet> = std::sync::LazyLock::new(FileSet::default);
        match side {
            rollsafe_diagnostics::Side::Current => self.current(db),
            rollsafe_diagnostics::Side::Baseline => self.baseline(db),
            rollsafe_diagnostics::Side::Earlier(i) => self.earlier(db).get(usize::from(i)).map_or(&NONE, |r| &r.files),
        }
    }
}
