//! The format table: everything the core, the CLI, the language server and the renderers need to
//! know about a format, so that none of them names one.
//!
//! Adding a format is a front-end crate, a module of this crate with its own `rules/` folder, and
//! one line in the table (`registry::FORMATS`). The module provides a [`Format`]: which files it
//! reads, its comment syntax (for suppressions and their quick fix), the language its definitions
//! are shown in, its rules, and the queries that check it. The core applies configured levels,
//! in-source suppressions and the allow-list to what every format reports, the same way for all.

use crate::config::Config;
use crate::db::{Db, RootDatabase, Workspace};
use rollsafe_diagnostics::{Finding, Rule, Side, Suppression};

/// One format's entry in the table.
pub struct Format {
    /// Lower-case name (`sql`).
    pub name: &'static str,
    /// As users name it (`SQL`).
    pub display_name: &'static str,
    /// Its line comment (`--`): suppression comments are written with it.
    pub line_comment: &'static str,
    /// The Markdown fence and LSP language id its definitions are shown in (`sql`).
    pub language: &'static str,
    /// File name endings of its source files (`.sql`): the files whose findings this format explains.
    pub extensions: &'static [&'static str],
    /// Globs an editor watches for it (source files and the files that decide how they are read).
    pub watch: &'static [&'static str],
    /// Whether the workspace loader must read a path for this format (source files, those the
    /// configuration names, and the configuration files of the tools that run them).
    pub reads: fn(&Config, &str) -> bool,
    /// Whether it checks releases before N-1 too (message contracts in a `-transitive` mode): the
    /// loader then reads its files of every earlier release.
    pub checks_earlier_releases: bool,
    /// Its rules.
    pub rules: &'static [&'static Rule],
    /// Its findings on the workspace, before levels, suppressions and the allow-list.
    pub check: fn(&dyn Db, Workspace) -> Checked,
    /// What it counts for the summary.
    pub summary: fn(&dyn Db, Workspace) -> FormatSummary,
    /// How many of its units (histories, schema files, modules) the working tree has, and how many
    /// of them the baseline holds too.
    pub coverage: fn(&dyn Db, Workspace) -> Coverage,
    /// Whether a file that could not be read would be part of one of its units on that side.
    pub would_read: fn(&dyn Db, Workspace, Side, &str) -> bool,
    /// Why such a file cannot be skipped, for the input error (`it is a migration, and its history
    /// cannot be checked without it`).
    pub unreadable: &'static str,
    /// Where a suppression comment for a finding goes: the start of the statement or element the
    /// finding is on.
    pub suppression_anchor: fn(&dyn Db, Workspace, &Finding) -> Option<u32>,
    /// Parses worth doing ahead, on other cores, in the order the analysis reaches them.
    pub parse_ahead: fn(&dyn Db, Workspace) -> Vec<ParseJob>,
    /// Sets the inputs it reads from the configuration (at start and on every reload).
    pub configure: fn(&mut RootDatabase, &Config),
    /// Checks that the paths its configuration section names exist in the working tree; the error
    /// names the key (`[sql] migrations: …`).
    pub check_paths: fn(&Config, &Tree<'_>) -> Result<(), String>,
    /// Its section of the starter `rollsafe.toml` that `rollsafe init` writes, commented out and
    /// saying what it found in the working tree; `None` when the tree has none of its files.
    pub starter: fn(&dyn Db, Workspace) -> Option<String>,
}

/// The working tree as the loader sees it, for [`Format::check_paths`].
pub struct Tree<'a> {
    /// Workspace-relative paths of the files read.
    pub files: &'a [&'a str],
    /// Whether a workspace-relative path is a directory on disk.
    pub is_dir: &'a dyn Fn(&str) -> bool,
}

impl std::fmt::Debug for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Format").field("name", &self.name).finish_non_exhaustive()
    }
}

/// One parse to run ahead on a helper thread.
pub type ParseJob = Box<dyn Fn(&dyn Db) + Send + Sync>;

/// A format's findings, with the suppressions of the working-tree files it reviewed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Checked {
    pub findings: Vec<Finding>,
    /// Workspace-relative path → the `rollsafe-allow` comments of that file.
    pub suppressions: Vec<(String, Vec<Suppression>)>,
}

/// How a count shows in the one-line summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shown {
    Always,
    WhenNonZero,
    /// Only in machine-readable output.
    Never,
}

/// One count of the summary: `migrations`, `schema_files`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Count {
    /// Key in JSON output (`new_migrations`).
    pub key: &'static str,
    /// The noun, singular and plural (`migration`, `migrations`).
    pub noun: (&'static str, &'static str),
    pub value: usize,
    pub shown: Shown,
}

/// What one format counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatSummary {
    /// The working tree has units of this format.
    pub present: bool,
    pub counts: Vec<Count>,
}

/// How many units a format found in the working tree, and how many the baseline holds too.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    pub units: usize,
    pub in_baseline: usize,
    /// The noun for one unit and for several (`migration history or schema file`,
    /// `migration histories and schema files`).
    pub noun: (&'static str, &'static str),
    /// Source files of the format in the working tree (when there are some but no unit, the user
    /// hears that none was recognised).
    pub source_files: usize,
}
