//! The baseline from git objects, with gix.

use crate::{BaselineSource, LoadError, Skipped, err, quote};
use rollsafe_core::Config;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub(crate) struct Repo {
    repo: gix::Repository,
    workdir: PathBuf,
}

/// Opens the repository holding `dir` reading its own configuration only: no global or system
/// git configuration, no environment variables, no includes that lead elsewhere. The repository is
/// the pull request's; what it reads should not depend on who runs the check, nor reach outside.
pub(crate) fn discover(dir: &Path) -> Option<gix::Repository> {
    gix::discover_opts(dir, Default::default(), gix::open::Options::isolated()).ok()
}

/// A revision resolved to a commit, with the name to show for it.
pub(crate) struct Resolved {
    pub commit: gix::ObjectId,
    pub label: String,
}

impl Repo {
    pub fn open(root: &Path) -> Result<Repo, LoadError> {
        let mut repo =
            discover(root).ok_or_else(|| err(format!("{}: not a git repository, and no --against DIR was given", root.display())))?;
        repo.object_cache_size_if_unset(16 * 1024 * 1024);
        let workdir = repo
            .workdir()
            .ok_or_else(|| err("the git repository is bare; run rollsafe in a working tree or pass --against DIR"))?
            .canonicalize()
            .map_err(|e| err(e.to_string()))?;
        Ok(Repo { repo, workdir })
    }

    /// Reads the relevant files of `root` (a directory inside the working tree) as they are in `rev`.
    /// A symbolic link is read as the file it names when that file is in the tree under `root`, as
    /// the working tree reads it; what cannot be read is added to `skipped`. A file the same as in
    /// `current` (the working tree) shares its text.
    pub fn read_tree(
        &self,
        rev: &Resolved,
        root: &Path,
        config: &Config,
        current: &BTreeMap<String, Arc<str>>,
        relevant: &dyn Fn(&str) -> bool,
        skipped: &mut Vec<Skipped>,
    ) -> Result<BTreeMap<String, Arc<str>>, LoadError> {
        let prefix = crate::relative_path(&self.workdir, root).unwrap_or_default();
        let fail = |e: &dyn std::fmt::Display| err(format!("reading {} from git: {e}", quote(&rev.label)));
        let commit = self.repo.find_commit(rev.commit).map_err(|e| fail(&e))?;
        let tree = commit.tree().map_err(|e| fail(&e))?;
        let entries = tree.traverse().breadthfirst.files().map_err(|e| fail(&e))?;
        // Every blob and link under `root`, by root-relative path, so that links can be resolved.
        let mut files: HashMap<String, (gix::ObjectId, bool)> = HashMap::new();
        for entry in entries {
            if !entry.mode.is_blob_or_symlink() {
                continue;
            }
            let full = entry.filepath.to_string();
            let rel = if prefix.is_empty() {
                full
            } else {
                match full.strip_prefix(&prefix).and_then(|r| r.strip_prefix('/')) {
                    Some(r) => r.to_string(),
                    None => continue,
                }
            };
            files.insert(rel, (entry.oid, entry.mode.is_link()));
        }
        let mut out = BTreeMap::new();
        for (rel, (oid, is_link)) in &files {
            if !relevant(rel) || config.is_excluded(rel) {
                continue;
            }
            let mut skip = |reason: &str, undecodable: bool| {
                skipped.push(Skipped { path: rel.clone(), baseline: true, reason: reason.to_string(), undecodable });
            };
            let oid = if *is_link {
                let target = self.repo.find_object(*oid).map_err(|e| fail(&e))?.data.clone();
                match resolve_link(rel, &String::from_utf8_lossy(&target)).and_then(|t| files.get(&t)) {
                    Some((target, false)) => *target,
                    _ => {
                        skip("a symbolic link to a file outside the workspace or not in this revision; not read", false);
                        continue;
                    }
                }
            } else {
                *oid
            };
            let blob = self.repo.find_object(oid).map_err(|e| fail(&e))?;
            if blob.data.len() as u64 > crate::fs::MAX_FILE_BYTES {
                skip(&crate::fs::Refused::TooLarge { limit: crate::fs::MAX_FILE_BYTES }.to_string(), false);
                continue;
            }
            match crate::baseline_text(rel, &blob.data, current) {
                Ok(text) => {
                    out.insert(rel.clone(), text);
                }
                Err(e) => skip(&crate::undecodable_reason(&e), true),
            }
        }
        Ok(out)
    }

    /// Whether the clone is shallow: its history (and usually its tags) stop early.
    fn is_shallow(&self) -> bool {
        self.repo.is_shallow().unwrap_or(false)
    }

    pub(crate) fn head(&self) -> Result<gix::ObjectId, LoadError> {
        self.repo
            .head_id()
            .map(|id| id.detach())
            .map_err(|_| err("the git repository has no commits yet; pass --against DIR to compare with a directory"))
    }

    fn short(&self, id: gix::ObjectId) -> String {
        id.to_hex_with_len(10).to_string()
    }
}

impl Resolved {
    /// A user-given revision. It is only ever parsed by gix, never passed to a shell or subprocess.
    pub fn from_spec(repo: &Repo, spec: &str) -> Result<Resolved, LoadError> {
        let unknown =
            || err(format!("unknown revision `{}`: not a commit, branch or tag of this repository, nor a directory", quote(spec)));
        if spec.is_empty() || spec.starts_with('-') {
            return Err(unknown());
        }
        let id = repo.repo.rev_parse_single(spec).map_err(|_| unknown())?;
        let commit = id.object().map_err(|_| unknown())?.peel_to_commit().map_err(|_| unknown())?;
        Ok(Resolved { commit: commit.id, label: spec.to_string() })
    }
}

/// The path a symbolic link at `link` (root-relative) names, if it stays inside the root: links
/// are resolved in the tree itself, never on disk.
fn resolve_link(link: &str, target: &str) -> Option<String> {
    if target.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = link.split('/').collect();
    parts.pop();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Why a default baseline may not be the previous release, with what to do, or `None` when it is
/// a release tag or a merge-base other than HEAD in a full clone.
pub(crate) fn doubt(repo: &Repo, rev: &Resolved, source: &BaselineSource) -> Option<String> {
    const FIX: &str =
        "fetch tags and history (`git fetch --tags --unshallow`, or `fetch-depth: 0` with actions/checkout) or pass --against REV";
    if let BaselineSource::FirstRelease = source {
        if repo.is_shallow() {
            return Some(format!(
                "this is a shallow clone: HEAD is release {}, and the releases before it cannot be found: {FIX}",
                quote(&rev.label)
            ));
        }
        return Some(format!(
            "HEAD is release {}, the first release tag, and the working tree has not changed since: there is no earlier release to compare with; pass --against REV",
            quote(&rev.label)
        ));
    }
    if matches!(source, BaselineSource::ReleaseTag | BaselineSource::PreviousReleaseTag { .. }) {
        return None;
    }
    if repo.is_shallow() {
        return Some(format!("this is a shallow clone without release tags, so the previous release cannot be found: {FIX}"));
    }
    let head = repo.head().ok()?;
    (rev.commit == head).then(|| {
        format!(
            "no release tag, and no merge-base with the default branch other than HEAD: only uncommitted changes are compared; tag releases (v1.2.3), {FIX}"
        )
    })
}

/// Whether a tag names a release: the config's glob, else a version without pre-release suffix
/// (`v1.4.0`, `1.4`, `v2`).
fn is_release_tag(name: &str, config: &Config) -> bool {
    match &config.release_tags {
        Some(glob) => rollsafe_core::config::glob_matches(glob, name),
        None => {
            let version = name.strip_prefix('v').or_else(|| name.strip_prefix('V')).unwrap_or(name);
            !version.is_empty() && version.split('.').all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
        }
    }
}

/// Parses `v1.2.10` into comparable numbers, for ties between tags on one commit.
fn version_key(name: &str) -> Vec<u64> {
    name.trim_start_matches(['v', 'V']).split(|c: char| !c.is_ascii_digit()).filter_map(|p| p.parse().ok()).collect()
}

/// The default baseline: the newest release tag reachable from HEAD, else the merge-base with the
/// default branch, else HEAD.
pub(crate) fn default_baseline(repo: &Repo, config: &Config) -> Result<(Resolved, BaselineSource), LoadError> {
    let head = repo.head()?;
    if let Some(tag) = newest_release_tag(repo, head, config, None)? {
        return Ok(tag);
    }
    if let Some((branch, tip)) = default_branch(repo, config)
        && let Ok(Some(base)) = repo.repo.merge_base(head, tip)
    {
        let base = base.detach();
        let label = if base == head { format!("HEAD {}", repo.short(base)) } else { repo.short(base) };
        return Ok((Resolved { commit: base, label }, BaselineSource::MergeBase { branch }));
    }
    Ok((Resolved { commit: head, label: format!("HEAD {}", repo.short(head)) }, BaselineSource::Head))
}

/// The release before the one HEAD is: for a working tree that is exactly the release tagged on
/// HEAD (a release pipeline checks the release it builds), N-1 is the previous release. A tag of the
/// same version on an earlier commit (`18.5.0` before a re-tagged `v18.5.0`) is that same release,
/// not the previous one: only lower versions count, when the tags are versions.
pub(crate) fn previous_release(repo: &Repo, config: &Config, head_release: &Resolved) -> Result<Option<Resolved>, LoadError> {
    let head = repo.head()?;
    let below = Some((head_release.commit, version_key(&head_release.label)));
    Ok(newest_release_tag(repo, head, config, below)?.map(|(rev, _)| rev))
}

/// The releases before `baseline` on its history, newest first, one per commit (its highest
/// version's tag), and only lower versions when the tags are versions: what a contract checked
/// transitively is checked against besides N-1.
pub(crate) fn earlier_releases(repo: &Repo, config: &Config, baseline: &Resolved) -> Result<Vec<Resolved>, LoadError> {
    let fail = |e: &dyn std::fmt::Display| err(format!("reading tags: {e}"));
    let tagged = release_tags(repo, config)?;
    let ceiling = version_key(&baseline.label);
    let lower = |name: &String| ceiling.is_empty() || version_key(name) < ceiling;
    let walk = repo
        .repo
        .find_commit(baseline.commit)
        .map_err(|e| fail(&e))?
        .ancestors()
        .sorting(gix::revision::walk::Sorting::ByCommitTime(Default::default()))
        .all()
        .map_err(|e| fail(&e))?;
    let mut out = Vec::new();
    for info in walk {
        let Ok(info) = info else { break };
        if info.id == baseline.commit {
            continue;
        }
        if let Some(names) = tagged.get(&info.id)
            && let Some(best) = names.iter().filter(|n| lower(n)).max_by_key(|n| version_key(n))
        {
            out.push(Resolved { commit: info.id, label: best.clone() });
        }
    }
    Ok(out)
}

/// Release tags by the commit they name.
fn release_tags(repo: &Repo, config: &Config) -> Result<HashMap<gix::ObjectId, Vec<String>>, LoadError> {
    let fail = |e: &dyn std::fmt::Display| err(format!("reading tags: {e}"));
    let mut tagged: HashMap<gix::ObjectId, Vec<String>> = HashMap::new();
    let refs = repo.repo.references().map_err(|e| fail(&e))?;
    for reference in refs.tags().map_err(|e| fail(&e))? {
        let Ok(mut reference) = reference else {
            continue;
        };
        let name = reference.name().shorten().to_string();
        if !is_release_tag(&name, config) {
            continue;
        }
        if let Ok(commit) = reference.peel_to_commit() {
            tagged.entry(commit.id).or_default().push(name);
        }
    }
    Ok(tagged)
}

/// The newest release tag on HEAD's history. With `below`, the commit it names is skipped, and so
/// are tags whose version is not lower than the version it gives (when it gives one).
fn newest_release_tag(
    repo: &Repo,
    head: gix::ObjectId,
    config: &Config,
    below: Option<(gix::ObjectId, Vec<u64>)>,
) -> Result<Option<(Resolved, BaselineSource)>, LoadError> {
    let fail = |e: &dyn std::fmt::Display| err(format!("reading tags: {e}"));
    let tagged = release_tags(repo, config)?;
    if tagged.is_empty() {
        return Ok(None);
    }
    // Walk HEAD's history newest first; the first tagged commit is the latest release.
    let walk = repo
        .repo
        .find_commit(head)
        .map_err(|e| fail(&e))?
        .ancestors()
        .sorting(gix::revision::walk::Sorting::ByCommitTime(Default::default()))
        .all()
        .map_err(|e| fail(&e))?;
    let lower = |name: &String| match &below {
        Some((_, version)) if !version.is_empty() => version_key(name) < *version,
        _ => true,
    };
    for info in walk {
        let Ok(info) = info else { break };
        if below.as_ref().is_some_and(|(commit, _)| *commit == info.id) {
            continue;
        }
        if let Some(names) = tagged.get(&info.id)
            && let Some(best) = names.iter().filter(|n| lower(n)).max_by_key(|n| version_key(n))
        {
            return Ok(Some((Resolved { commit: info.id, label: best.clone() }, BaselineSource::ReleaseTag)));
        }
    }
    Ok(None)
}

/// The default branch: the config's, else what `origin/HEAD` points to, else `main` or `master`.
fn default_branch(repo: &Repo, config: &Config) -> Option<(String, gix::ObjectId)> {
    let tip = |name: &str| -> Option<gix::ObjectId> {
        let mut r = repo.repo.try_find_reference(name).ok()??;
        r.peel_to_commit().ok().map(|c| c.id)
    };
    if let Some(branch) = &config.default_branch {
        for candidate in [format!("refs/heads/{branch}"), format!("refs/remotes/origin/{branch}"), branch.clone()] {
            if let Some(id) = tip(&candidate) {
                return Some((branch.clone(), id));
            }
        }
    }
    if let Ok(Some(origin_head)) = repo.repo.try_find_reference("refs/remotes/origin/HEAD")
        && let gix::refs::TargetRef::Symbolic(target) = origin_head.target()
    {
        let name = target.as_bstr().to_string();
        if let Some(id) = tip(&name) {
            return Some((name.trim_start_matches("refs/remotes/").to_string(), id));
        }
    }
    for branch in ["main", "master"] {
        for candidate in [format!("refs/heads/{branch}"), format!("refs/remotes/origin/{branch}")] {
            if let Some(id) = tip(&candidate) {
                return Some((branch.to_string(), id));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_tags() {
        let config = Config::default();
        assert!(is_release_tag("v1.4.0", &config));
        assert!(is_release_tag("2.0", &config));
        assert!(!is_release_tag("v1.4.0-rc1", &config));
        assert!(!is_release_tag("nightly", &config));
        assert!(version_key("v1.10.0") > version_key("v1.9.3"));
        assert_eq!(version_key("v18.5.0"), version_key("18.5.0"), "the same release, spelt two ways");
    }
}
