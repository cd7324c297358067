//! The check from a build script: findings become `cargo:warning=` lines, every schema and
//! contract file read becomes a `cargo:rerun-if-changed=` line, and the build fails when the
//! release breaks N-1.
//!
//! In `build.rs` (with `rollsafe_check` under `[build-dependencies]`):
//!
//! ```no_run
//! fn main() -> Result<(), rollsafe_check::build::Failed> {
//!     // The package's folder, against the newest release tag (or rollsafe.toml's baseline).
//!     rollsafe_check::build::Check::new().run()?;
//!     Ok(())
//! }
//! ```
//!
//! What it prints, for a migration that drops a column N-1 reads:
//!
//! ```
//! # let dir = tempfile::tempdir().unwrap();
//! # let write = |path: &str, text: &str| {
//! #     let path = dir.path().join(path);
//! #     std::fs::create_dir_all(path.parent().unwrap()).unwrap();
//! #     std::fs::write(path, text).unwrap();
//! # };
//! write("v1/migrations/0001_init.sql", "CREATE TABLE users (id bigint PRIMARY KEY, name text);\n");
//! write("v2/migrations/0001_init.sql", "CREATE TABLE users (id bigint PRIMARY KEY, name text);\n");
//! write("v2/migrations/0002_drop.sql", "ALTER TABLE users DROP COLUMN name;\n");
//!
//! let mut out = Vec::new();
//! let result = rollsafe_check::build::Check::in_dir(dir.path().join("v2")).against("../v1").run_with_output(&mut out);
//! let out = String::from_utf8(out).unwrap();
//! assert!(out.contains("cargo:warning=rollsafe: error[column-removed] migrations/0002_drop.sql:1:19: column users.name is removed"));
//! assert!(out.contains("cargo:rerun-if-changed="));
//! assert!(result.is_err(), "an error fails the build");
//! ```
//!
//! Warnings do not fail the build unless [`Check::fail_on`] says so. A check that cannot run
//! (a broken configuration, an unknown revision) fails the build with its one-line reason.

use crate::{CheckOptions, Report, Severity};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A check to run from a build script.
#[derive(Clone, Debug)]
pub struct Check {
    options: CheckOptions,
    fail_on: Severity,
}

/// Why the build script failed: the release breaks N-1, or the check could not run. Its `Debug`
/// is its message, so `fn main() -> Result<(), Failed>` prints it as it is.
pub struct Failed(String);

impl std::fmt::Debug for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Failed {}

impl Default for Check {
    fn default() -> Check {
        Check::new()
    }
}

impl Check {
    /// The package being built (`CARGO_MANIFEST_DIR`, else the working directory) against its
    /// default baseline: rollsafe.toml's, else the newest release tag.
    pub fn new() -> Check {
        let dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."));
        Check::in_dir(dir)
    }

    /// Another folder: a workspace whose schemas live beside the package, for instance.
    pub fn in_dir(dir: impl Into<PathBuf>) -> Check {
        Check { options: CheckOptions::in_dir(dir), fail_on: Severity::Error }
    }

    /// The N-1 baseline: a git revision, or a folder (relative to the checked one) holding N-1.
    pub fn against(mut self, baseline: impl Into<String>) -> Check {
        self.options.against = Some(baseline.into());
        self
    }

    /// The lowest severity that fails the build (errors by default).
    pub fn fail_on(mut self, severity: Severity) -> Check {
        self.fail_on = severity;
        self
    }

    /// Runs the check and prints the cargo directives on standard output.
    pub fn run(self) -> Result<Report, Failed> {
        let stdout = std::io::stdout();
        let mut lock = stdout.lock();
        self.run_with_output(&mut lock)
    }

    /// As [`Check::run`], writing the directives to `out`.
    pub fn run_with_output(self, out: &mut dyn Write) -> Result<Report, Failed> {
        let write_failed = |e: std::io::Error| Failed(format!("rollsafe: cannot write the build script's output: {e}"));
        let report = match crate::check(&self.options) {
            Ok(report) => report,
            Err(e) => {
                // The configuration may be what is wrong: a fix to it must rerun the script.
                for path in config_files(&self.options.cwd) {
                    writeln!(out, "cargo:rerun-if-changed={}", path.display()).map_err(write_failed)?;
                }
                return Err(Failed(format!("rollsafe: {e}")));
            }
        };
        for path in rerun_paths(&report) {
            writeln!(out, "cargo:rerun-if-changed={}", path.display()).map_err(write_failed)?;
        }
        for notice in &report.notices {
            writeln!(out, "cargo:warning=rollsafe: {}", one_line(&notice.message)).map_err(write_failed)?;
        }
        for f in &report.findings {
            let (start, _) = super::render::region(&report, &f.primary);
            let line = format!(
                "rollsafe: {}[{}] {}:{}:{}: {}",
                f.severity,
                f.rule,
                report.display_path(&f.primary.path),
                start.line,
                start.col,
                f.message
            );
            writeln!(out, "cargo:warning={}", one_line(&line)).map_err(write_failed)?;
        }
        if report.fails(self.fail_on) {
            let at = if self.fail_on == Severity::Error { "" } else { ", failing on warnings" };
            return Err(Failed(format!(
                "rollsafe: this release breaks {}{at}: {} (the findings are the warnings above; `rollsafe check` shows them in full)",
                report.baseline_label,
                crate::render::human::summary_line(&report)
            )));
        }
        Ok(report)
    }
}

/// What the check depends on: every file it read of the working tree, the folders holding them
/// (a new migration changes the result too), the configuration, and where git keeps what decides
/// the baseline (HEAD and the release tags).
fn rerun_paths(report: &Report) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = Vec::new();
    for file in report.files_read() {
        let path = report.root.join(&file);
        if let Some(parent) = path.parent() {
            paths.push(parent.to_path_buf());
        }
        paths.push(path);
    }
    paths.extend(config_files(&report.root));
    if let Some(dir) = &report.baseline_dir {
        paths.push(dir.clone());
    } else if let Some(git) = report.root.ancestors().map(|d| d.join(".git")).find(|g| g.exists()) {
        paths.extend(["HEAD", "packed-refs", "refs/tags"].iter().map(|p| git.join(p)).filter(|p| p.exists()));
    }
    paths.sort();
    paths.dedup();
    paths
}

/// `rollsafe.toml` in `dir` or a folder above it, where the loader looks for it.
fn config_files(dir: &Path) -> Vec<PathBuf> {
    dir.ancestors().map(|d| d.join("rollsafe.toml")).filter(|p| p.is_file()).take(1).collect()
}

/// cargo reads one directive per line.
fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}
