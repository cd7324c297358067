//! The server's state between messages: the workspace root, the editor's open buffers, the
//! analysis (the same salsa database the CLI uses, kept alive) and how its baseline was chosen.
//!
//! Buffers are the current side: an open document's text replaces the file on disk until the
//! document is closed. N-1 comes from git objects (or the directory the `baseline` setting names).

use rollsafe_core::Analysis;
use rollsafe_workspace::{LoadError, LoadOptions, Loaded, Watch};
use std::collections::HashMap;
use std::path::PathBuf;
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
    /// The workspace root, canonical. `None` until the client names a folder or opens a file.
    pub root: Option<PathBuf>,
    pub settings: Settings,
    /// Open buffers by workspace-relative path.
    pub documents: HashMap<String, Document>,
    /// `None` until the workspace has loaded (or when it cannot be loaded).
    pub analysis: Option<Analysis>,
    /// Which baseline is in use, for messages (`v1.4.0 (latest release tag)`).
    pub baseline: Option<String>,
    /// The last load error shown to the user, so it is shown once.
    pub load_error: Option<String>,
    /// What to poll for changes made outside the editor, and its last fingerprint.
    pub watch: Option<(Watch, u64)>,
    /// Bumped by every change; results of older analyses are dropped.
    pub generation: u64,
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
    pub fn load_options(&self) -> Option<LoadOptions> {
        Some(LoadOptions { cwd: self.root.clone()?, against: self.settings.baseline.clone(), config: None })
    }

    /// Opens a buffer: its text is the file's from now on.
    pub fn open(&mut self, path: &str, version: i32, text: Arc<str>) {
        if let Some(analysis) = &mut self.analysis {
            analysis.set_current_text(path, text.clone());
        }
        self.documents.insert(path.to_string(), Document { version, text });
        self.generation += 1;
    }

    /// Applies an edited buffer text, unless the version is not newer than the applied one.
    pub fn change(&mut self, path: &str, version: i32, edit: impl FnOnce(&str) -> String) -> Result<(), Rejected> {
        let doc = self.documents.get_mut(path).ok_or(Rejected::NotOpen)?;
        if version <= doc.version {
            return Err(Rejected::Stale { applied: doc.version });
        }
        let text: Arc<str> = Arc::from(edit(&doc.text));
        *doc = Document { version, text: text.clone() };
        if let Some(analysis) = &mut self.analysis {
            analysis.set_current_text(path, text);
        }
        self.generation += 1;
        Ok(())
    }

    /// Closes a buffer: the file on disk is the current side again (or nothing, if never saved).
    pub fn close(&mut self, path: &str) {
        if self.documents.remove(path).is_none() {
            return;
        }
        let on_disk = self.root.as_ref().and_then(|root| std::fs::read(root.join(path)).ok());
        if let Some(analysis) = &mut self.analysis {
            match on_disk.and_then(|bytes| rollsafe_workspace::decode(path, bytes).ok()) {
                Some(text) => analysis.set_current_text(path, text),
                None => analysis.remove_current(path),
            }
        }
        self.generation += 1;
    }

    /// Installs a freshly loaded workspace, with the open buffers over the files on disk.
    pub fn install(&mut self, loaded: Loaded) {
        let Loaded { root, mut input, baseline_source } = loaded;
        for (path, doc) in &self.documents {
            input.current.insert(path.clone(), doc.text.clone());
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
