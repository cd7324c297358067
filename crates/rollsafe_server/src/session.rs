//! The server's state between messages: the workspace folder and root, the editor's open buffers,
//! the analysis (the same salsa database the CLI uses, kept alive) and how its baseline was chosen.
//!
//! Buffers are the current side: an open document's text replaces the file on disk until the
//! document is closed. N-1 comes from git objects (or the directory the `baseline` setting names).
//! Buffers are kept by absolute path, so they survive a change of root (a `baseline` setting that
//! names a directory makes the folder itself the root, as `--against DIR` does for the CLI).

use rollsafe_core::Analysis;
use rollsafe_workspace::{LoadError, LoadOptions, Loaded, Watch};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// An open buffer.
#[derive(Clone, Debug)]
pub struct Document {
    pub version: i32,
    pub text: Arc<str>,
}

/// Settings from the client (`initializationOptions`, `workspace/didChangeConfiguration`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// Overrides the default baseline: a git revision or a directory (like `--against`).
    pub baseline: Option<String>,
}

impl Settings {
    /// Reads `{"baseline": …}` or `{"rollsafe": {"baseline": …}}`; unknown keys are ignored.
    pub fn from_json(value: &serde_json::Value) -> Settings {
        let section = value.get("rollsafe").unwrap_or(value);
        let baseline = section.get("baseline").and_then(|b| b.as_str()).map(str::trim).filter(|b| !b.is_empty()).map(str::to_string);
        Settings { baseline }
    }
}

#[derive(Default)]
pub struct Session {
    /// The folder the client opened (the CLI's working directory), canonical.
    folder: Option<PathBuf>,
    /// The workspace root, canonical: where paths in the analysis are relative to.
    root: Option<PathBuf>,
    settings: Settings,
    /// Open buffers by absolute path.
    documents: HashMap<PathBuf, Document>,
    /// `None` until the workspace has loaded (or when it cannot be loaded).
    pub analysis: Option<Analysis>,
    /// Which baseline is in use, for messages (`v1.4.0 (latest release tag)`).
    pub baseline: Option<String>,
    /// The last load error shown to the user, so it is shown once.
    load_error: Option<String>,
    /// The last doubt about the baseline shown to the user, so it is shown once.
    pub shown_doubt: Option<String>,
    /// What to poll for changes made outside the editor, and its last fingerprint.
    pub watch: Option<(Watch, u64)>,
    /// Bumped by every change; results of older analyses are dropped.
    pub generation: u64,
}

/// What a load brought that the user should hear about.
#[derive(Debug, Default)]
pub struct Installed {
    pub baseline_doubt: Option<String>,
    /// One line per file not read, with the reason.
    pub skipped: Vec<String>,
}

/// Why a `didChange` was not applied.
#[derive(Debug, PartialEq, Eq)]
pub enum Rejected {
    NotOpen,
    /// A version not newer than the one applied: a duplicate or reordered notification.
    Stale {
        applied: i32,
    },
}

impl Session {
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    pub fn has_folder(&self) -> bool {
        self.folder.is_some()
    }

    /// Sets the folder the client works in, and the root that follows from it.
    pub fn set_folder(&mut self, folder: &Path) {
        self.folder = folder.canonicalize().ok();
        self.update_root();
    }

    /// Applies new settings; returns whether they changed.
    pub fn set_settings(&mut self, settings: Settings) -> bool {
        let changed = self.settings != settings;
        self.settings = settings;
        self.update_root();
        changed
    }

    fn update_root(&mut self) {
        self.root = self.folder.as_deref().and_then(|f| rollsafe_workspace::resolve_root(f, self.settings.baseline.as_deref()).ok());
    }

    pub fn load_options(&self) -> Option<LoadOptions> {
        Some(LoadOptions {
            cwd: self.folder.clone()?,
            against: self.settings.baseline.clone(),
            config: None,
            previous_release_when_clean: false,
            compat: None,
        })
    }

    /// The root-relative path of a file the analysis reads, or `None` (outside the root, or a kind
    /// of file rollsafe does not analyse).
    pub fn relative(&self, file: &Path) -> Option<String> {
        let rel = rollsafe_workspace::relative_path(self.root.as_ref()?, file)?;
        let reads = match &self.analysis {
            Some(analysis) => analysis.reads(&rel),
            None => rollsafe_workspace::is_relevant(&rollsafe_core::Config::default(), &rel),
        };
        reads.then_some(rel)
    }

    /// Versions of the open buffers the analysis reads, by root-relative path.
    pub fn versions(&self) -> HashMap<String, i32> {
        self.documents.iter().filter_map(|(file, doc)| Some((self.relative(file)?, doc.version))).collect()
    }

    /// Opens a buffer: its text is the file's from now on.
    pub fn open(&mut self, file: PathBuf, version: i32, text: Arc<str>) {
        if let (Some(rel), Some(analysis)) = (self.relative(&file), &mut self.analysis) {
            analysis.set_current_text(&rel, text.clone());
        }
        self.documents.insert(file, Document { version, text });
        self.generation += 1;
    }

    /// Applies an edited buffer text, unless the version is not newer than the applied one.
    pub fn change(&mut self, file: &Path, version: i32, edit: impl FnOnce(&str) -> String) -> Result<(), Rejected> {
        let rel = self.relative(file);
        let doc = self.documents.get_mut(file).ok_or(Rejected::NotOpen)?;
        if version <= doc.version {
            return Err(Rejected::Stale { applied: doc.version });
        }
        let text: Arc<str> = Arc::from(edit(&doc.text));
        *doc = Document { version, text: text.clone() };
        if let (Some(rel), Some(analysis)) = (rel, &mut self.analysis) {
            analysis.set_current_text(&rel, text);
        }
        self.generation += 1;
        Ok(())
    }

    /// Closes a buffer: the file on disk is the current side again (or nothing, if never saved).
    pub fn close(&mut self, file: &Path) {
        if self.documents.remove(file).is_none() {
            return;
        }
        if let (Some(rel), Some(analysis)) = (self.relative(file), &mut self.analysis) {
            let on_disk = self.root.as_deref().and_then(|root| {
                // Read as the workspace loader reads: a regular file inside the root, bounded.
                let bytes = rollsafe_workspace::fs::read_within(file, root, rollsafe_workspace::fs::MAX_FILE_BYTES).ok()?;
                rollsafe_workspace::decode(&rel, &bytes).ok()
            });
            match on_disk {
                Some(text) => analysis.set_current_text(&rel, text),
                None => analysis.remove_current(&rel),
            }
        }
        self.generation += 1;
    }

    /// Installs a freshly loaded workspace, with the open buffers over the files on disk. Returns
    /// what the user should know about it: why the baseline may not be the previous release, and
    /// the files that were not read.
    pub fn install(&mut self, loaded: Loaded) -> Installed {
        let Loaded { root, mut input, baseline_source, baseline_doubt, skipped, .. } = loaded;
        self.root = Some(root.clone());
        for (file, doc) in &self.documents {
            if let Some(rel) = self.relative(file) {
                input.current.insert(rel, doc.text.clone());
            }
        }
        self.baseline = Some(format!("{} ({baseline_source})", input.baseline_label));
        let watch = Watch::new(&root, None, input.current.keys().map(String::as_str));
        let fingerprint = watch.fingerprint();
        self.watch = Some((watch, fingerprint));
        match &mut self.analysis {
            Some(analysis) => analysis.reload(input),
            None => self.analysis = Some(Analysis::new(input)),
        }
        self.load_error = None;
        self.generation += 1;
        let skipped = skipped.iter().map(|s| format!("{}{}: {}", s.path, if s.baseline { " (baseline)" } else { "" }, s.reason)).collect();
        Installed { baseline_doubt, skipped }
    }

    /// Records a load failure; returns whether it is new (and so worth showing).
    pub fn failed(&mut self, error: &LoadError) -> bool {
        let new = self.load_error.as_deref() != Some(error.0.as_str());
        self.load_error = Some(error.0.clone());
        new
    }
}

/// Loads the workspace from disk and git: slow (reads every analysed file), so never under a lock.
pub fn load(options: &LoadOptions) -> Result<Loaded, LoadError> {
    rollsafe_workspace::load(options)
}
