//! Noticing that the baseline or the working tree changed under a long-running process (the
//! language server), without relying on the editor to watch files.
//!
//! The default baseline depends on HEAD, on branches (the merge-base) and on tags; the analysis also
//! depends on the configuration file and on the analysed files on disk. A [`Watch`] lists those
//! paths and fingerprints their metadata (sizes and modification times, and the text of HEAD), which
//! takes a few hundred `stat` calls: cheap enough to poll every second or two.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

/// The paths whose changes can change what rollsafe reports for a workspace.
#[derive(Clone, Debug, Default)]
pub struct Watch {
    /// Files whose content matters (HEAD: a branch switch rewrites it in place).
    read: Vec<PathBuf>,
    /// Files and directories whose metadata matters; directories are walked.
    stat: Vec<PathBuf>,
    /// Directories whose entries matter (a new migration), not walked.
    dirs: Vec<PathBuf>,
}

impl Watch {
    /// What to watch for the workspace at `root`: its git metadata (if any), its configuration file,
    /// and the given analysed files with their directories.
    pub fn new<'a>(root: &Path, config: Option<&Path>, files: impl IntoIterator<Item = &'a str>) -> Watch {
        let mut watch = Watch::default();
        if let Some(repo) = crate::git::discover(root) {
            let git_dir = repo.git_dir().to_path_buf();
            let common = repo.common_dir().to_path_buf();
            watch.read.push(git_dir.join("HEAD"));
            watch.stat.push(common.join("packed-refs"));
            watch.stat.push(common.join("refs"));
        }
        watch.stat.push(config.map_or_else(|| root.join(crate::CONFIG_FILE), Path::to_path_buf));
        let mut dirs = std::collections::BTreeSet::new();
        for file in files {
            let path = root.join(file);
            // A migration's folder, and the history folder above it (Diesel and Prisma add folders).
            for dir in path.ancestors().skip(1).take(2).filter(|d| d.starts_with(root)) {
                dirs.insert(dir.to_path_buf());
            }
            watch.stat.push(path);
        }
        dirs.insert(root.to_path_buf());
        watch.dirs = dirs.into_iter().collect();
        watch
    }

    /// A hash of everything watched; it changes when any of it changes.
    pub fn fingerprint(&self) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for path in &self.read {
            std::fs::read(path).ok().hash(&mut h);
        }
        for path in &self.stat {
            stat_tree(path, &mut h, 0);
        }
        for dir in &self.dirs {
            metadata(dir).hash(&mut h);
        }
        h.finish()
    }
}

fn metadata(path: &Path) -> Option<(u64, std::time::SystemTime)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()?))
}

/// Hashes a file's metadata, or a directory's entries recursively (refs are a few levels deep).
fn stat_tree(path: &Path, h: &mut impl Hasher, depth: usize) {
    let Ok(m) = std::fs::metadata(path) else {
        0u8.hash(h);
        return;
    };
    if !m.is_dir() {
        (m.len(), m.modified().ok()).hash(h);
        return;
    }
    if depth > 8 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(path) else { return };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        p.hash(h);
        stat_tree(&p, h, depth + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_files_and_config_edits_change_the_fingerprint() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("migrations")).expect("mkdir");
        std::fs::write(root.join("migrations/0001_a.sql"), "SELECT 1;").expect("write");
        let watch = Watch::new(root, None, ["migrations/0001_a.sql"]);
        let before = watch.fingerprint();
        assert_eq!(before, watch.fingerprint(), "stable while nothing changes");
        std::fs::write(root.join("migrations/0002_b.sql"), "SELECT 2;").expect("write");
        let after_new_file = watch.fingerprint();
        assert_ne!(before, after_new_file, "a new migration is noticed");
        std::fs::write(root.join("rollsafe.toml"), "baseline = \"v1\"\n").expect("write");
        assert_ne!(after_new_file, watch.fingerprint(), "a new config file is noticed");
    }
}
