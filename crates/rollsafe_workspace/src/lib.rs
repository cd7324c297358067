//! Reads what rollsafe analyses: the workspace root, the working tree, and the N-1 baseline.
//!
//! - The root is the nearest directory upward holding `rollsafe.toml` or `.git`; with `--against DIR`
//!   it is the working directory, and DIR holds the N-1 tree with the same relative layout.
//! - The baseline is read straight from git objects with gix: no checkout, no `git` subprocess. Without
//!   `--against`: the config's `baseline`, else the newest release tag reachable from HEAD (the one
//!   before it when HEAD is that release and the working tree has not changed), else the merge-base
//!   with the default branch, else HEAD. A baseline that may not be the previous release (a
//!   shallow clone without tags, HEAD itself) comes with [`Loaded::baseline_doubt`].
//! - Only files the analysis understands are read (the core's format table says which); the
//!   working tree walk honours `.gitignore`.
//!
//! - Files are read as [`fs`] says: regular files only, bounded, and resolving inside the tree they
//!   belong to. A symbolic link to a file inside the tree is read under the link's name; anything
//!   else that cannot be read is listed in [`Loaded::skipped`] with its reason, never dropped
//!   silently.
//!
//! Every failure is a [`LoadError`] with a one-line message; nothing here panics on user input and
//! nothing here writes files.

pub mod fs;
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
    /// When HEAD is the newest release and the working tree is exactly that release, take the
    /// release before it as N-1 (what a release pipeline checks), instead of HEAD's release (which
    /// would compare the tree with itself). The CLI does; an editor, where the next release is
    /// being written, does not.
    pub previous_release_when_clean: bool,
    /// `--compat`: the mode of every message contract, over the configuration's.
    pub compat: Option<rollsafe_core::config::Compat>,
}

/// How the baseline was chosen, for the summary line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BaselineSource {
    Argument,
    Directory,
    Config,
    ReleaseTag,
    /// HEAD is a release and the working tree is that release: N-1 is the release before.
    PreviousReleaseTag {
        head_release: String,
    },
    /// HEAD is the first release and the working tree is that release: nothing before it.
    FirstRelease,
    MergeBase {
        branch: String,
    },
    Head,
}

impl fmt::Display for BaselineSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BaselineSource::Argument => f.write_str("--against"),
            BaselineSource::Directory => f.write_str("directory"),
            BaselineSource::Config => f.write_str("from rollsafe.toml"),
            BaselineSource::ReleaseTag => f.write_str("latest release tag"),
            BaselineSource::PreviousReleaseTag { head_release } => write!(f, "previous release; HEAD is {head_release}"),
            BaselineSource::FirstRelease => f.write_str("HEAD, the first release"),
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
    /// Why the baseline may not be the previous release (a shallow clone without tags, or HEAD
    /// itself for want of a tag or a merge-base), with what to do: one line. A check in CI must
    /// not pass on such a baseline.
    pub baseline_doubt: Option<String>,
    /// Files of either tree that were not analysed, with the reason.
    pub skipped: Vec<Skipped>,
    /// The folder holding the N-1 tree when the baseline is a directory (canonical): where the
    /// baseline's files really are, for outputs that link to them.
    pub baseline_dir: Option<PathBuf>,
}

/// A file the analysis would read but did not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// Root-relative, `/`-separated.
    pub path: String,
    /// In the baseline tree rather than the working tree.
    pub baseline: bool,
    pub reason: String,
    /// Read, but not valid UTF-8 (a migration like that makes its history unreadable).
    pub undecodable: bool,
}

/// Whether the analysis reads this file.
/// `file` relative to `root`, `/`-separated as rollsafe names files everywhere; `None` outside it.
/// A path with `..` or `.` in it (from an editor's URI, say) is `None`: it could name anything.
pub fn relative_path(root: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(root).ok()?;
    let mut parts = Vec::new();
    for c in rel.components() {
        match c {
            std::path::Component::Normal(part) => parts.push(part.to_string_lossy()),
            _ => return None,
        }
    }
    Some(parts.join("/"))
}

/// Whether a file is read: some format reads it (the format table decides: SQL files and the
/// configuration files of the tools that run them, for instance).
pub fn is_relevant(config: &Config, path: &str) -> bool {
    rollsafe_core::registry::reads(config, path)
}

pub fn load(options: &LoadOptions) -> Result<Loaded, LoadError> {
    let cwd = options.cwd.canonicalize().map_err(|e| err(format!("{}: {}", options.cwd.display(), io_reason(&e))))?;
    if options.against.as_deref().is_some_and(|a| a.trim().is_empty()) {
        return Err(err("--against needs a git revision or a directory (an empty one would compare the tree with itself)"));
    }
    let against_dir = options.against.as_deref().map(|a| cwd.join(a)).filter(|p| p.is_dir());
    let root = resolve_root(&cwd, options.against.as_deref())?;
    let (mut config, config_text) = read_config(&root, options.config.as_deref())?;
    config.contracts.forced = options.compat.or(config.contracts.forced);
    // A directory given to --against, or named by the config's `baseline`, holds the N-1 tree.
    let (baseline_dir, source) = match (&against_dir, &options.against, &config.baseline) {
        (Some(dir), _, _) => (Some(dir.clone()), BaselineSource::Directory),
        (None, None, Some(b)) if root.join(b).is_dir() => (Some(root.join(b)), BaselineSource::Config),
        _ => (None, BaselineSource::Argument),
    };
    let mut skipped = Vec::new();
    let mut baseline_doubt = None;
    let skip: Vec<PathBuf> = baseline_dir.iter().filter_map(|d| d.canonicalize().ok()).collect();
    let mut current = read_dir_tree(&root, &config, &skip, None, &mut skipped)?;
    let mut earlier = Vec::new();
    let mut canonical_baseline_dir = None;
    let (baseline, label, baseline_source) = match baseline_dir {
        Some(dir) => {
            let dir = dir.canonicalize().map_err(|e| err(format!("{}: {}", dir.display(), io_reason(&e))))?;
            canonical_baseline_dir = Some(dir.clone());
            if dir == root {
                return Err(err(format!(
                    "the baseline directory {} is the working tree itself: there would be nothing to compare",
                    dir.display()
                )));
            }
            // Name the baseline after its directory (`../v1.4.0` reads as `v1.4.0`).
            let label = dir.file_name().map_or_else(|| dir.display().to_string(), |n| n.to_string_lossy().into_owned());
            let tree = read_dir_tree(&dir, &config, &[], Some(&current), &mut skipped)?;
            (tree, label, source)
        }
        None => {
            let repo = git::Repo::open(&root)?;
            let (rev, source) = match (&options.against, &config.baseline) {
                (Some(rev), _) => (git::Resolved::from_spec(&repo, rev)?, BaselineSource::Argument),
                (None, Some(rev)) => (git::Resolved::from_spec(&repo, rev)?, BaselineSource::Config),
                (None, None) => git::default_baseline(&repo, &config)?,
            };
            let mut tree = repo.read_tree(&rev, &root, &config, &current, &|p| is_relevant(&config, p), &mut skipped)?;
            let (mut rev, mut source) = (rev, source);
            // HEAD is the newest release and the working tree is exactly that release (a release
            // pipeline): comparing it with itself would say nothing, N-1 is the release before.
            if options.previous_release_when_clean
                && source == BaselineSource::ReleaseTag
                && repo.head().ok() == Some(rev.commit)
                && tree == current
            {
                match git::previous_release(&repo, &config, &rev)? {
                    Some(previous) => {
                        skipped.retain(|s| !s.baseline);
                        source = BaselineSource::PreviousReleaseTag { head_release: rev.label.clone() };
                        tree = repo.read_tree(&previous, &root, &config, &current, &|p| is_relevant(&config, p), &mut skipped)?;
                        rev = previous;
                    }
                    None => source = BaselineSource::FirstRelease,
                }
            }
            if options.against.is_none() && config.baseline.is_none() {
                baseline_doubt = git::doubt(&repo, &rev, &source);
            }
            // Contracts checked transitively are checked against every earlier release too: only
            // the files of the formats that do so are read, each text shared with the next newer
            // tree when it is the same.
            if config.contracts.any_transitive() {
                let mut newer = tree.clone();
                for release in git::earlier_releases(&repo, &config, &rev)? {
                    let files = repo.read_tree(
                        &release,
                        &root,
                        &config,
                        &newer,
                        &|p| rollsafe_core::registry::reads_earlier(&config, p),
                        &mut skipped,
                    )?;
                    newer = files.clone();
                    earlier.push((release.label, files));
                }
            }
            (tree, rev.label.clone(), source)
        }
    };
    check_configured_paths(&root, &config, &current)?;
    // Findings about the configuration (an `[[allow]]` entry that accepts nothing) point into it.
    if let Some((path, text)) = config_text {
        let canonical = path.canonicalize().unwrap_or(path);
        let key = relative_path(&root, &canonical).unwrap_or_else(|| canonical.display().to_string());
        current.insert(key.clone(), text);
        config.file = Some(key);
    }
    Ok(Loaded {
        root,
        input: WorkspaceInput { current, baseline, baseline_label: label, config, earlier },
        baseline_source,
        baseline_doubt,
        skipped,
        baseline_dir: canonical_baseline_dir,
    })
}

/// Paths the configuration names must exist (each format says which): a typo there would
/// otherwise leave something unchecked without a word.
fn check_configured_paths(root: &Path, config: &Config, current: &BTreeMap<String, Arc<str>>) -> Result<(), LoadError> {
    let files: Vec<&str> = current.keys().map(String::as_str).collect();
    let is_dir = |p: &str| root.join(p).is_dir();
    let tree = rollsafe_core::formats::Tree { files: &files, is_dir: &is_dir };
    for format in rollsafe_core::registry::FORMATS {
        (format.check_paths)(config, &tree).map_err(|e| err(format!("{CONFIG_FILE}: {e}")))?;
    }
    Ok(())
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

/// The file a configuration came from, and its text.
type ConfigSource = Option<(PathBuf, Arc<str>)>;

/// The configuration, and the file and text it came from (none without a file).
fn read_config(root: &Path, explicit: Option<&Path>) -> Result<(Config, ConfigSource), LoadError> {
    let (path, bytes) = match explicit {
        // Named on the command line: the user's choice, wherever it is; still a regular, bounded file.
        Some(p) => (p.to_path_buf(), fs::read_regular(p, fs::MAX_CONFIG_BYTES)),
        None => {
            let p = root.join(CONFIG_FILE);
            if std::fs::symlink_metadata(&p).is_err() {
                return Ok((Config::default(), None));
            }
            // Found in the repository: it must resolve inside it.
            let bytes = fs::read_within(&p, root, fs::MAX_CONFIG_BYTES);
            (p, bytes)
        }
    };
    let shown = quote_path(&path);
    let bytes = bytes.map_err(|reason| err(format!("{shown}: {reason}")))?;
    // Never echo the content of a file that is not a configuration: only the position and the parser's reason.
    let text = String::from_utf8(bytes)
        .map_err(|e| err(format!("{shown}: not valid UTF-8 (invalid byte at offset {})", e.utf8_error().valid_up_to())))?;
    let config = rollsafe_core::parse_config(&text).map_err(|e| err(format!("{shown}: {e}")))?;
    Ok((config, Some((path, Arc::from(text)))))
}

/// Reads the relevant files under `dir`, honouring `.gitignore`, keyed by `/`-separated relative path.
/// Symbolic links are followed to files inside `dir`; what cannot be read is added to `skipped`.
/// `baseline_of` is the working tree when `dir` holds the baseline (its unchanged files are shared).
pub fn read_dir_tree(
    dir: &Path,
    config: &Config,
    skip: &[PathBuf],
    baseline_of: Option<&BTreeMap<String, Arc<str>>>,
    skipped: &mut Vec<Skipped>,
) -> Result<BTreeMap<String, Arc<str>>, LoadError> {
    let baseline = baseline_of.is_some();
    let listed = list_dir_tree(dir, config, skip)?;
    let reads: Vec<&Listed> = listed.iter().filter(|l| matches!(l, Listed::Read { .. })).collect();
    let mut read = read_files(dir, &reads, baseline_of).into_iter();
    let mut out = BTreeMap::new();
    // In the walk's order, so that what is skipped is listed the same way every time.
    for entry in listed {
        let (rel, reason, undecodable) = match entry {
            Listed::Skip { rel, reason } => (rel, reason, false),
            Listed::Read { rel, .. } => match read.next().expect("one result per file read") {
                Ok(text) => {
                    out.insert(rel, text);
                    continue;
                }
                Err(ReadFailure::Undecodable(e)) => (rel, undecodable_reason(&e), true),
                Err(ReadFailure::Refused(fs::Refused::OutsideRoot)) => {
                    (rel, "a symbolic link to a file outside the workspace; not read".to_string(), false)
                }
                Err(ReadFailure::Refused(reason)) => (rel, reason.to_string(), false),
            },
        };
        skipped.push(Skipped { path: rel, baseline, reason, undecodable });
    }
    Ok(out)
}

/// A file the walk found: to read, or skipped with a reason.
enum Listed {
    /// `link`: a symbolic link, resolved and read only if it stays inside the tree.
    Read {
        rel: String,
        path: PathBuf,
        link: bool,
    },
    Skip {
        rel: String,
        reason: String,
    },
}

enum ReadFailure {
    Refused(fs::Refused),
    Undecodable(LoadError),
}

/// `.git` (a folder, or a file in a worktree), and other version controls' folders.
fn is_vcs_folder(entry: &ignore::DirEntry) -> bool {
    entry.depth() > 0 && matches!(entry.file_name().to_str(), Some(".git" | ".hg" | ".svn" | ".jj"))
}

/// The relevant files under `dir`, in the walk's order.
fn list_dir_tree(dir: &Path, config: &Config, skip: &[PathBuf]) -> Result<Vec<Listed>, LoadError> {
    let skip: Vec<PathBuf> = skip.to_vec();
    // Hidden folders are walked like any other (`.schema/`, `.db/migrations`): a baseline read from
    // git holds the files tracked there, and skipping them here would report each one as removed.
    // What .gitignore excludes is skipped, and so is the version control's own folder.
    let walker = ignore::WalkBuilder::new(dir)
        .hidden(false)
        .require_git(false)
        .filter_entry(move |e| !skip.iter().any(|s| e.path() == s) && !is_vcs_folder(e))
        .build();
    let mut out = Vec::new();
    for entry in walker {
        let entry = entry.map_err(|e| err(format!("{}: {e}", dir.display())))?;
        let Some(file_type) = entry.file_type() else { continue };
        if file_type.is_dir() {
            continue;
        }
        let Some(rel) = relative_path(dir, entry.path()) else {
            continue;
        };
        let skip_because = |rel: String, reason: &str| Listed::Skip { rel, reason: reason.to_string() };
        if file_type.is_symlink() {
            match std::fs::metadata(entry.path()) {
                // A link to a directory is not followed: inside the tree, its target is read where it
                // is; outside, it is not read at all.
                Ok(target) if target.is_dir() => {
                    if fs::resolve_within(entry.path(), dir).is_err() {
                        out.push(skip_because(rel, "a symbolic link to a directory outside the workspace; not followed"));
                    }
                    continue;
                }
                Err(_) if is_relevant(config, &rel) => {
                    out.push(skip_because(rel, "a symbolic link to nothing (its target does not exist)"));
                    continue;
                }
                _ => {}
            }
        }
        if !is_relevant(config, &rel) || config.is_excluded(&rel) {
            continue;
        }
        // The walk follows no link: a regular file it lists is inside `dir`.
        out.push(Listed::Read { rel, path: entry.path().to_path_buf(), link: !file_type.is_file() });
    }
    Ok(out)
}

/// Reads and decodes `files` (all [`Listed::Read`]), in their order. Reading thousands of small
/// files is mostly system calls, so the cores share them, each through one buffer.
fn read_files(dir: &Path, files: &[&Listed], baseline_of: Option<&BTreeMap<String, Arc<str>>>) -> Vec<Result<Arc<str>, ReadFailure>> {
    let read_one = |bytes: &mut Vec<u8>, listed: &Listed| {
        let Listed::Read { rel, path, link } = listed else { unreachable!("only files to read are passed") };
        let read = if *link {
            fs::read_within(path, dir, fs::MAX_FILE_BYTES).map(|read| *bytes = read)
        } else {
            fs::read_listed_file_into(path, fs::MAX_FILE_BYTES, bytes)
        };
        read.map_err(ReadFailure::Refused)?;
        match baseline_of {
            Some(current) => baseline_text(rel, bytes, current),
            None => decode(rel, bytes),
        }
        .map_err(ReadFailure::Undecodable)
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(4);
    if threads == 1 || files.len() < 256 {
        let mut bytes = Vec::new();
        return files.iter().map(|f| read_one(&mut bytes, f)).collect();
    }
    let chunk = files.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut bytes = Vec::new();
                    part.iter().map(|f| read_one(&mut bytes, f)).collect::<Vec<_>>()
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    })
}

fn undecodable_reason(e: &LoadError) -> String {
    e.0.split_once(": ").map_or_else(|| e.0.clone(), |(_, reason)| reason.to_string())
}

/// User input quoted in a message: one line, escaped, capped.
pub(crate) fn quote(text: &str) -> String {
    rollsafe_text::escape::quote(text)
}

/// A path in a message: one line, escaped, capped (longer than other input: paths are long).
pub(crate) fn quote_path(path: &Path) -> String {
    rollsafe_text::escape::quote_at_most(&path.display().to_string(), 240)
}

/// File contents as text; invalid UTF-8 is an input error naming the file and the byte.
pub fn decode(path: &str, bytes: &[u8]) -> Result<Arc<str>, LoadError> {
    if bytes.len() > u32::MAX as usize {
        return Err(err(format!("{path}: file too large (over 4 GiB)")));
    }
    std::str::from_utf8(bytes)
        .map(Arc::from)
        .map_err(|e| err(format!("{path}: not valid UTF-8 (invalid byte at offset {})", e.valid_up_to())))
}

/// A baseline file's text: the working tree's text for the same path when the bytes are the same
/// (most files of a release are), so a tree of thousands of unchanged files is held in memory once
/// and the analysis sees one input for both sides without comparing them again; else decoded.
fn baseline_text(path: &str, bytes: &[u8], current: &BTreeMap<String, Arc<str>>) -> Result<Arc<str>, LoadError> {
    match current.get(path) {
        Some(text) if text.as_bytes() == bytes => Ok(text.clone()),
        _ => decode(path, bytes),
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, files: &[(&str, &str)]) {
        for (path, text) in files {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
    }

    /// Enough files for the read to be shared between threads: every file comes back, in path
    /// order, and a baseline file identical to the working tree's is the same text in memory.
    #[test]
    fn unchanged_baseline_files_share_the_working_trees_text() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (current_dir, baseline_dir) = (dir.path().join("n"), dir.path().join("n-1"));
        let files: Vec<(String, String)> =
            (0..600).map(|i| (format!("proto/p{}/f{i}.proto", i % 7), format!("syntax = \"proto3\";\nmessage M{i} {{}}\n"))).collect();
        let borrowed: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        write(&current_dir, &borrowed);
        write(&baseline_dir, &borrowed);
        write(&baseline_dir, &[("proto/p0/f0.proto", "syntax = \"proto3\";\nmessage Old {}\n")]);
        let config = Config::default();
        let mut skipped = Vec::new();
        let current = read_dir_tree(&current_dir, &config, &[], None, &mut skipped).expect("current");
        let baseline = read_dir_tree(&baseline_dir, &config, &[], Some(&current), &mut skipped).expect("baseline");
        assert!(skipped.is_empty(), "{skipped:?}");
        assert_eq!(current.len(), 600);
        assert_eq!(current.keys().collect::<Vec<_>>(), baseline.keys().collect::<Vec<_>>());
        for (path, text) in &current {
            let (expected, _) = files.iter().find(|(p, _)| p == path).map(|(_, t)| (t, ())).expect("read back");
            assert_eq!(&**text, expected.as_str());
            let shared = Arc::ptr_eq(text, &baseline[path]);
            assert_eq!(shared, path != "proto/p0/f0.proto", "{path}");
        }
        assert_eq!(&*baseline["proto/p0/f0.proto"], "syntax = \"proto3\";\nmessage Old {}\n");
    }

    /// A file that cannot be decoded is listed, whichever thread read it, and the others are kept.
    #[test]
    fn undecodable_files_are_listed_and_the_rest_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let files: Vec<(String, String)> = (0..300).map(|i| (format!("m/{i:04}.proto"), "syntax = \"proto3\";\n".to_string())).collect();
        let borrowed: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        write(dir.path(), &borrowed);
        for name in ["m/0010.proto", "m/0290.proto"] {
            std::fs::write(dir.path().join(name), [b'a', 0xff, b'b']).expect("write");
        }
        let mut skipped = Vec::new();
        let tree = read_dir_tree(dir.path(), &Config::default(), &[], None, &mut skipped).expect("tree");
        assert_eq!(tree.len(), 298);
        let mut paths: Vec<&str> = skipped.iter().map(|s| s.path.as_str()).collect();
        paths.sort();
        assert_eq!(paths, ["m/0010.proto", "m/0290.proto"]);
        assert!(skipped.iter().all(|s| s.undecodable && s.reason.contains("offset 1")), "{skipped:?}");
    }
}
