//! Reads what rollsafe analyses: the workspace root, the working tree, and the N-1 baseline.
//!
//! - The root is the nearest directory upward holding `rollsafe.toml` or `.git`; with `--against DIR`
//!   it is the working directory, and DIR holds the N-1 tree with the same relative layout.
//! - The baseline is read straight from git objects with gix: no checkout, no `git` subprocess. Without
//!   `--against`: the config's `baseline`, else the newest release tag reachable from HEAD, else the
//!   merge-base with the default branch, else HEAD.
//! - Only files the analysis understands are read (`*.sql`, Prisma's `migration_lock.toml`); the
//!   working tree walk honours `.gitignore`.
//!
//! Every failure is a [`LoadError`] with a one-line message; nothing here panics on user input and
//! nothing here writes files.

mod git;
mod watch;

pub use watch::Watch;

use rollsafe_core::{Config, WorkspaceInput};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const CONFIG_FILE: &str = "rollsafe.toml";

/// A one-line, user-facing reason the workspace could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError(pub String);

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LoadError {}

fn err(message: impl Into<String>) -> LoadError {
    LoadError(message.into())
}

#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// Where rollsafe was started.
    pub cwd: PathBuf,
    /// `--against`: a git revision or a directory holding the N-1 tree.
    pub against: Option<String>,
    /// `--config`: a config file other than `<root>/rollsafe.toml`.
    pub config: Option<PathBuf>,
}

/// How the baseline was chosen, for the summary line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BaselineSource {
    Argument,
    Directory,
    Config,
    ReleaseTag,
    MergeBase { branch: String },
    Head,
}

impl fmt::Display for BaselineSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BaselineSource::Argument => f.write_str("--against"),
            BaselineSource::Directory => f.write_str("directory"),
            BaselineSource::Config => f.write_str("from rollsafe.toml"),
            BaselineSource::ReleaseTag => f.write_str("latest release tag"),
            BaselineSource::MergeBase { branch } => write!(f, "merge-base with {branch}"),
            BaselineSource::Head => f.write_str("HEAD, no release tag found"),
        }
    }
}

#[derive(Debug)]
pub struct Loaded {
    pub root: PathBuf,
    pub input: WorkspaceInput,
    pub baseline_source: BaselineSource,
}

/// Whether the analysis reads this file.
/// `file` relative to `root`, `/`-separated as rollsafe names files everywhere; `None` outside it.
pub fn relative_path(root: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(root).ok()?;
    Some(rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"))
}

pub fn is_relevant(path: &str) -> bool {
    path.ends_with(".sql") || path.ends_with("/migration_lock.toml") || path == "migration_lock.toml"
}

pub fn load(options: &LoadOptions) -> Result<Loaded, LoadError> {
    let cwd = options.cwd.canonicalize().map_err(|e| err(format!("{}: {}", options.cwd.display(), io_reason(&e))))?;
    let against_dir = options.against.as_deref().map(|a| cwd.join(a)).filter(|p| p.is_dir());
    let root = resolve_root(&cwd, options.against.as_deref())?;
    let config = read_config(&root, options.config.as_deref())?;
    // A directory given to --against, or named by the config's `baseline`, holds the N-1 tree.
    let (baseline_dir, source) = match (&against_dir, &options.against, &config.baseline) {
        (Some(dir), _, _) => (Some(dir.clone()), BaselineSource::Directory),
        (None, None, Some(b)) if root.join(b).is_dir() => (Some(root.join(b)), BaselineSource::Config),
        _ => (None, BaselineSource::Argument),
    };
    let (baseline, label, baseline_source, skip) = match baseline_dir {
        Some(dir) => {
            let dir = dir.canonicalize().map_err(|e| err(format!("{}: {}", dir.display(), io_reason(&e))))?;
            // Name the baseline after its directory (`../v1.4.0` reads as `v1.4.0`).
            let label = dir.file_name().map_or_else(|| dir.display().to_string(), |n| n.to_string_lossy().into_owned());
            (read_dir_tree(&dir, &config, &[])?, label, source, vec![dir])
        }
        None => {
            let repo = git::Repo::open(&root)?;
            let (rev, source) = match (&options.against, &config.baseline) {
                (Some(rev), _) => (git::Resolved::from_spec(&repo, rev)?, BaselineSource::Argument),
                (None, Some(rev)) => (git::Resolved::from_spec(&repo, rev)?, BaselineSource::Config),
                (None, None) => git::default_baseline(&repo, &config)?,
            };
            (repo.read_tree(&rev, &root, &config)?, rev.label.clone(), source, Vec::new())
        }
    };
    let current = read_dir_tree(&root, &config, &skip)?;
    Ok(Loaded { root, input: WorkspaceInput { current, baseline, baseline_label: label, config }, baseline_source })
}

/// The workspace root for a working directory: the directory itself when `against` names a
/// directory (it holds the N-1 tree with the same layout), else the nearest directory upward holding
/// `rollsafe.toml` or `.git`. `cwd` should be canonical.
pub fn resolve_root(cwd: &Path, against: Option<&str>) -> Result<PathBuf, LoadError> {
    if against.is_some_and(|a| cwd.join(a).is_dir()) {
        return Ok(cwd.to_path_buf());
    }
    find_root(cwd).ok_or_else(|| err("not a git repository (or any parent up to /), and no --against DIR was given"))
}

/// The nearest directory upward holding `rollsafe.toml` or `.git`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    start.ancestors().find(|dir| dir.join(CONFIG_FILE).is_file() || dir.join(".git").exists()).map(Path::to_path_buf)
}

fn read_config(root: &Path, explicit: Option<&Path>) -> Result<Config, LoadError> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => {
            let p = root.join(CONFIG_FILE);
            if !p.is_file() {
                return Ok(Config::default());
            }
            p
        }
    };
    let text = std::fs::read_to_string(&path).map_err(|e| err(format!("{}: {}", path.display(), io_reason(&e))))?;
    Config::parse(&text).map_err(|e| err(format!("{}: {e}", path.display())))
}

/// Reads the relevant files under `dir`, honouring `.gitignore`, keyed by `/`-separated relative path.
pub fn read_dir_tree(dir: &Path, config: &Config, skip: &[PathBuf]) -> Result<BTreeMap<String, Arc<str>>, LoadError> {
    let mut out = BTreeMap::new();
    let skip: Vec<PathBuf> = skip.to_vec();
    let walker =
        ignore::WalkBuilder::new(dir).hidden(true).require_git(false).filter_entry(move |e| !skip.iter().any(|s| e.path() == s)).build();
    for entry in walker {
        let entry = entry.map_err(|e| err(format!("{}: {e}", dir.display())))?;
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Some(rel) = relative_path(dir, entry.path()) else {
            continue;
        };
        if !is_relevant(&rel) || config.is_excluded(&rel) {
            continue;
        }
        let bytes = std::fs::read(entry.path()).map_err(|e| err(format!("{}: {}", entry.path().display(), io_reason(&e))))?;
        out.insert(rel.clone(), decode(&rel, bytes)?);
    }
    Ok(out)
}

/// File contents as text; invalid UTF-8 is an input error naming the file and the byte.
pub fn decode(path: &str, bytes: Vec<u8>) -> Result<Arc<str>, LoadError> {
    if bytes.len() > u32::MAX as usize {
        return Err(err(format!("{path}: file too large (over 4 GiB)")));
    }
    String::from_utf8(bytes)
        .map(Arc::from)
        .map_err(|e| err(format!("{path}: not valid UTF-8 (invalid byte at offset {})", e.utf8_error().valid_up_to())))
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}
