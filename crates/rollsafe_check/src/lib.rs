//! rollsafe as a library: checks a tree against its previous release (N-1) and renders the
//! findings. The `rollsafe` command is a thin layer over it; build scripts and other tools call it
//! directly. Its dependency tree has no async runtime and no language server.
//!
//! It loads the workspace ([`rollsafe_workspace`]), runs the analysis ([`rollsafe_core`]) and
//! renders findings ([`render`]: human output with miette, JSON, SARIF, GitHub workflow commands,
//! GitLab Code Quality, JUnit). The public API is plain data: a [`Report`] holds [`Finding`]s
//! (rule, severity, message, byte ranges, related places, help) and the counts of the check.
//!
//! ```no_run
//! let report = rollsafe_check::check(&rollsafe_check::CheckOptions::in_dir(".")).expect("rollsafe could not run");
//! for finding in report.errors() {
//!     println!("{}: {} ({})", finding.rule, finding.message, finding.primary.path);
//! }
//! ```
//!
//! From `build.rs`, [`build::Check`] prints the findings as cargo warnings, reruns when a schema
//! changes and fails the build on errors.

pub mod build;
pub mod render;

pub use rollsafe_core::{Definitions, Edit, Finding, Fix, Location, Related, Severity, Side, Summary};
pub use rollsafe_workspace::{BaselineSource, LoadError};

use rollsafe_core::Analysis;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What to check.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// The working directory; paths in output are relative to it.
    pub cwd: PathBuf,
    /// `--against`: a git revision or a directory with the N-1 tree.
    pub against: Option<String>,
    /// `--config`: another configuration file.
    pub config: Option<PathBuf>,
    /// Report only findings in these files or directories (relative to `cwd`); everything is still
    /// analysed.
    pub paths: Vec<PathBuf>,
    /// Running in CI (`--ci`, or the `CI` environment variable for the command): a baseline that
    /// may not be the previous release, or that holds none of the working tree's histories, is an
    /// input error (exit 2) instead of a warning. A check must not pass because it compared nothing.
    pub ci: bool,
    /// Accept a baseline that holds none of the working tree's histories and schema files (the
    /// release that introduces them).
    pub allow_empty_baseline: bool,
    /// `--compat`: the compatibility mode of every message contract (Avro, JSON Schema), over
    /// the configuration's `[contracts]`.
    pub compat: Option<rollsafe_core::config::Compat>,
}

impl CheckOptions {
    pub fn in_dir(dir: impl Into<PathBuf>) -> CheckOptions {
        CheckOptions { cwd: dir.into(), ..CheckOptions::default() }
    }
}

/// Something to know about the check itself rather than about the change: it compared against a
/// baseline that may not be the previous release, or it could not read a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// Stable kebab-case id: `baseline-not-a-release`, `baseline-unrelated`, `file-skipped`,
    /// `nothing-recognised`.
    pub kind: &'static str,
    /// One line.
    pub message: String,
}

/// The result of a check, with what renderers need.
pub struct Report {
    pub findings: Vec<Finding>,
    /// Warnings about the check itself, shown before the findings.
    pub notices: Vec<Notice>,
    pub summary: Summary,
    pub baseline_label: String,
    pub baseline_source: BaselineSource,
    /// The workspace root; finding paths are relative to it.
    pub root: PathBuf,
    /// Where rollsafe ran; output paths are relative to it.
    pub cwd: PathBuf,
    /// The folder holding the N-1 tree when the baseline is a directory.
    pub baseline_dir: Option<PathBuf>,
    /// The top of the git repository holding the root (the root outside one), found once.
    repository_top: PathBuf,
    analysis: Analysis,
}

impl std::fmt::Debug for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Report").field("findings", &self.findings).field("summary", &self.summary).finish_non_exhaustive()
    }
}

impl Report {
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.severity == Severity::Error)
    }

    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    /// The text a location points into.
    pub fn text(&self, side: Side, path: &str) -> Option<Arc<str>> {
        self.analysis.text(side, path)
    }

    /// How the tree a location points into is named (`v1.4.0`); `None` for the working tree.
    pub fn side_label(&self, side: Side) -> Option<&str> {
        self.analysis.side_label(side)
    }

    /// The line index of a file a location points into.
    pub fn line_index(&self, side: Side, path: &str) -> Option<Arc<rollsafe_text::LineIndex>> {
        self.analysis.line_index(side, path)
    }

    /// A root-relative path as seen from the working directory.
    pub fn display_path(&self, path: &str) -> String {
        relative_to(&self.root.join(path), &self.cwd)
    }

    /// A root-relative path as seen from the top of the git repository holding the workspace (the
    /// workspace root itself outside a repository): how code scanning, CI annotations and Code
    /// Quality name files, wherever in the repository rollsafe ran.
    pub fn repository_path(&self, path: &str) -> String {
        relative_to(&self.root.join(path), self.repository_top())
    }

    /// How the CI formats name a location's file: from the top of the repository, and whether
    /// the location's lines are that file's lines there.
    ///
    /// A place in the working tree is itself. A place in N-1 is, when N-1 is a folder inside the
    /// repository, that folder's file; otherwise (a git baseline, or a folder elsewhere) it is
    /// named by its path in the tree, and its lines are right there only when the working tree
    /// still holds the same file unchanged. A deleted file is named by the path it had.
    pub fn ci_place(&self, location: &Location) -> CiPlace {
        if location.side == Side::Current {
            return CiPlace { path: self.repository_path(&location.path), lines: true };
        }
        let top = self.repository_top();
        if let (Some(dir), Side::Baseline) = (&self.baseline_dir, location.side)
            && dir.starts_with(top)
        {
            return CiPlace { path: relative_to(&dir.join(&location.path), top), lines: true };
        }
        let unchanged = match (self.text(Side::Current, &location.path), self.text(location.side, &location.path)) {
            (Some(now), Some(then)) => now == then,
            _ => false,
        };
        CiPlace { path: self.repository_path(&location.path), lines: unchanged }
    }

    fn repository_top(&self) -> &Path {
        &self.repository_top
    }

    /// The working tree's files that were checked (root-relative, sorted): every file a format
    /// checks, and any other file a finding is in.
    pub fn checked_files(&self) -> Vec<String> {
        let mut files: Vec<String> = self.analysis.current_paths().into_iter().filter(|p| self.analysis.format_of(p).is_some()).collect();
        files.extend(self.findings.iter().filter(|f| f.primary.side == Side::Current).map(|f| f.primary.path.clone()));
        files.sort();
        files.dedup();
        files
    }

    /// The working tree's files the check read (root-relative, sorted): schemas, contracts,
    /// migrations and the configuration files of the tools that run them.
    pub fn files_read(&self) -> Vec<String> {
        let mut files = self.analysis.current_paths();
        files.sort();
        files
    }

    /// Whether the check fails at this level: an error, or a warning too with `--fail-on warning`.
    pub fn fails(&self, fail_on: Severity) -> bool {
        self.findings.iter().any(|f| f.severity >= fail_on)
    }
}

/// Loads the workspace, analyses it and returns the findings. Errors are one-line input errors.
pub fn check(options: &CheckOptions) -> Result<Report, LoadError> {
    // ROLLSAFE_TIMINGS=1 prints where the time goes, for performance work.
    let timings = std::env::var_os("ROLLSAFE_TIMINGS").is_some();
    let started = std::time::Instant::now();
    let loaded = rollsafe_workspace::load(&rollsafe_workspace::LoadOptions {
        cwd: options.cwd.clone(),
        against: options.against.clone(),
        config: options.config.clone(),
        previous_release_when_clean: true,
        compat: options.compat,
    })?;
    let mut notices = Vec::new();
    if let Some(doubt) = &loaded.baseline_doubt {
        if options.ci {
            return Err(LoadError(format!("cannot check in CI: {doubt}")));
        }
        notices.push(Notice { kind: "baseline-not-a-release", message: doubt.clone() });
    }
    let cwd = options.cwd.canonicalize().unwrap_or_else(|_| options.cwd.clone());
    let filters = path_filters(&options.paths, &cwd, &loaded.root)?;
    let baseline_label = loaded.input.baseline_label.clone();
    let files = loaded.input.current.len() + loaded.input.baseline.len();
    let loaded_at = started.elapsed();
    let analysis = Analysis::new(loaded.input);
    for skipped in &loaded.skipped {
        let side = if skipped.baseline { Side::Baseline } else { Side::Current };
        let shown = rollsafe_text::escape::quote_at_most(&skipped.path, 240);
        let tree = if skipped.baseline { format!(" (in {})", rollsafe_text::escape::quote(&baseline_label)) } else { String::new() };
        // A migration that cannot be read makes its whole history unreadable: that is no warning.
        if skipped.undecodable
            && let Some(format) = analysis.would_be_read(side, &skipped.path)
        {
            return Err(LoadError(format!("{shown}{tree}: {}; {}", skipped.reason, format.unreadable)));
        }
        notices.push(Notice { kind: "file-skipped", message: format!("skipped {shown}{tree}: {}", skipped.reason) });
    }
    let coverage = analysis.baseline_coverage();
    let covered_at = started.elapsed();
    for (format, c) in coverage.iter().filter(|(_, c)| c.units == 0) {
        // Not an error even in CI: the files may be queries, not schema; but a user expecting them
        // to be checked must hear that none was recognised.
        let message = format!(
            "none of the {} {} files of the working tree forms a {} of a layout rollsafe knows (see its README, \"What rollsafe reads\"), so nothing was compared",
            c.source_files, format.display_name, c.noun.0
        );
        notices.push(Notice { kind: "nothing-recognised", message });
    }
    let units: usize = coverage.iter().map(|(_, c)| c.units).sum();
    let in_baseline: usize = coverage.iter().map(|(_, c)| c.in_baseline).sum();
    if units > 0 && in_baseline == 0 && !options.allow_empty_baseline {
        let with_units: Vec<_> = coverage.iter().filter(|(_, c)| c.units > 0).map(|(_, c)| c).collect();
        let what = match with_units.as_slice() {
            [one] if one.units == 1 => one.noun.0.to_string(),
            _ => format!("{units} {}", with_units.iter().map(|c| c.noun.1).collect::<Vec<_>>().join(" and ")),
        };
        let message = format!(
            "the baseline {} holds none of the {what} of the working tree, so all of it counts as new and nothing is compared; check the baseline, or pass --allow-empty-baseline if this release introduces them",
            rollsafe_text::escape::quote(&baseline_label),
        );
        if options.ci {
            return Err(LoadError(format!("cannot check in CI: {message}")));
        }
        notices.push(Notice { kind: "baseline-unrelated", message });
    }
    let mut findings = analysis.findings();
    if timings {
        let (layouts, rest) = (covered_at - loaded_at, started.elapsed() - covered_at);
        eprintln!("rollsafe: read {files} files in {loaded_at:.1?}, layouts in {layouts:.1?}, findings in {rest:.1?}");
    }
    if !filters.is_empty() {
        findings.retain(|f| filters.iter().any(|p| p.is_empty() || f.primary.path == *p || f.primary.path.starts_with(&format!("{p}/"))));
    }
    let summary = analysis.summary(&findings);
    Ok(Report {
        findings,
        notices,
        summary,
        baseline_label,
        baseline_source: loaded.baseline_source,
        repository_top: repository_top(&loaded.root),
        root: loaded.root,
        cwd,
        baseline_dir: loaded.baseline_dir,
        analysis,
    })
}

/// Analyses two trees held in memory (no disk, no git): for tools that have the files already, and
/// for fuzzing the whole pipeline. `root` is where the paths of `input` are relative to, and where
/// output paths are shown from.
pub fn check_input(input: rollsafe_core::WorkspaceInput, root: PathBuf) -> Report {
    let baseline_label = input.baseline_label.clone();
    let analysis = Analysis::new(input);
    let findings = analysis.findings();
    let summary = analysis.summary(&findings);
    Report {
        findings,
        notices: Vec::new(),
        summary,
        baseline_label,
        baseline_source: BaselineSource::Argument,
        cwd: root.clone(),
        repository_top: repository_top(&root),
        root,
        baseline_dir: None,
        analysis,
    }
}

/// The nearest folder up from `root` holding `.git` (`root` itself outside a repository).
fn repository_top(root: &Path) -> PathBuf {
    root.ancestors().find(|dir| dir.join(".git").exists()).unwrap_or(root).to_path_buf()
}

/// `PATH` arguments as root-relative prefixes.
fn path_filters(paths: &[PathBuf], cwd: &Path, root: &Path) -> Result<Vec<String>, LoadError> {
    paths
        .iter()
        .map(|p| {
            let abs = cwd.join(p);
            let abs = abs.canonicalize().map_err(|_| LoadError(format!("{}: no such file or directory", p.display())))?;
            rollsafe_workspace::relative_path(root, &abs)
                .ok_or_else(|| LoadError(format!("{}: outside the workspace {}", p.display(), root.display())))
        })
        .collect()
}

/// `path` relative to `base`, with `..` where needed, `/`-separated.
fn relative_to(path: &Path, base: &Path) -> String {
    let path_parts: Vec<_> = path.components().collect();
    let base_parts: Vec<_> = base.components().collect();
    let common = path_parts.iter().zip(&base_parts).take_while(|(a, b)| a == b).count();
    let mut out: Vec<String> = std::iter::repeat_n("..".to_string(), base_parts.len() - common).collect();
    out.extend(path_parts[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    out.join("/")
}

/// A location as the CI formats name it: see [`Report::ci_place`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CiPlace {
    /// From the top of the repository, `/`-separated.
    pub path: String,
    /// Whether the location's lines and columns are those of the file at `path` in the working
    /// tree (else they are the lines of the file in the release the location is in).
    pub lines: bool,
}

/// What `rollsafe init` wrote.
#[derive(Clone, Debug)]
pub struct Initialized {
    pub path: PathBuf,
    pub text: String,
}

/// `rollsafe init`: writes a commented starter `rollsafe.toml` at the workspace root (the nearest
/// folder up from `dir` holding `.git`, else `dir`), saying what rollsafe found there and which
/// release it would compare with. It never overwrites a configuration: with one at the root
/// already, it fails and writes nothing.
pub fn init(dir: &Path) -> Result<Initialized, LoadError> {
    let dir = dir.canonicalize().map_err(|e| LoadError(format!("{}: {e}", dir.display())))?;
    let root = rollsafe_workspace::find_root(&dir).unwrap_or_else(|| dir.clone());
    let path = root.join("rollsafe.toml");
    if std::fs::symlink_metadata(&path).is_ok() {
        return Err(LoadError(format!("{} already exists; rollsafe init does not overwrite it", path.display())));
    }
    let config = rollsafe_core::Config::default();
    let mut skipped = Vec::new();
    let current = rollsafe_workspace::read_dir_tree(&root, &config, &[], None, &mut skipped)?;
    // Which release a check would compare with, as `rollsafe check` would choose it.
    let options = rollsafe_workspace::LoadOptions { cwd: root.clone(), previous_release_when_clean: true, ..Default::default() };
    let baseline = match rollsafe_workspace::load(&options) {
        Ok(loaded) => {
            let mut line = format!("`rollsafe check` compares with {} ({})", loaded.input.baseline_label, loaded.baseline_source);
            if let Some(doubt) = loaded.baseline_doubt {
                line = format!("{line}; {doubt}");
            }
            line
        }
        Err(e) => format!("rollsafe cannot tell yet ({e})"),
    };
    let input = rollsafe_core::WorkspaceInput { current, config, ..Default::default() };
    let text = rollsafe_core::starter::starter_config(&Analysis::new(input), &rollsafe_text::escape::quote_at_most(&baseline, 400));
    let written = std::fs::OpenOptions::new().write(true).create_new(true).open(&path).and_then(|mut file| {
        use std::io::Write;
        file.write_all(text.as_bytes())
    });
    written.map_err(|e| LoadError(format!("cannot write {}: {e}", path.display())))?;
    Ok(Initialized { path, text })
}
