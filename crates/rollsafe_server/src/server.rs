//! The LSP handlers. Each converts its parameters, calls the session or the analysis, and converts
//! the answer back; the work itself runs on blocking threads with a snapshot of the analysis.
//!
//! Ordering and cancellation:
//! - Notifications change the session synchronously, before their handler first yields. tower-lsp
//!   starts handlers in arrival order, so edits apply in the order the client sent them; a
//!   `didChange` whose version is not newer than the buffer's is ignored all the same.
//! - Applying an edit cancels every analysis still running on an older snapshot (salsa
//!   cancellation); its result is dropped. Results carry a generation number and the publisher
//!   drops any that arrive after a newer one.
//! - A panic in a handler's work is caught, logged to the client and answered with an internal
//!   error; the server keeps serving.

use crate::convert::{self, FileText};
use crate::session::{Rejected, Session, Settings};
use rollsafe_core::{AnalysisSnapshot, Finding, Side, cancellable};
use rollsafe_text::TextRange;
use rollsafe_text::escape::escape_line;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::{self, ErrorCode};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

/// How often files outside the editor (git refs, the config, migrations on disk) are checked.
const POLL_INTERVAL: Duration = Duration::from_secs(2);

/// A hook called with a work item's name (`analysis`, `hover`, `codeAction`) before it runs; tests
/// use it to inject faults.
pub type Hook = Arc<dyn Fn(&str) + Send + Sync>;

pub struct Backend {
    client: Client,
    shared: Arc<Shared>,
}

struct Shared {
    session: Mutex<Session>,
    /// One reload at a time; a reload asked for while one runs follows it.
    reload: tokio::sync::Mutex<()>,
    publisher: mpsc::UnboundedSender<Batch>,
    hook: Option<Hook>,
    /// Whether the client can watch files for us (polling covers what it does not report).
    client_watches: std::sync::atomic::AtomicBool,
}

/// The diagnostics of one analysis, by workspace-relative path.
struct Batch {
    generation: u64,
    root: PathBuf,
    files: HashMap<String, Vec<Diagnostic>>,
    /// Versions of the open buffers the analysis saw.
    versions: HashMap<String, i32>,
}

impl Backend {
    pub fn new(client: Client, hook: Option<Hook>) -> Backend {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(publish_loop(client.clone(), rx));
        let shared = Shared {
            session: Mutex::new(Session::default()),
            reload: tokio::sync::Mutex::new(()),
            publisher: tx,
            hook,
            client_watches: std::sync::atomic::AtomicBool::new(false),
        };
        Backend { client, shared: Arc::new(shared) }
    }

    fn session(&self) -> MutexGuard<'_, Session> {
        lock(&self.shared.session)
    }

    /// The file of a document. Without a workspace folder from the client, the first document's
    /// folder is the workspace.
    fn file_of(&self, session: &mut Session, uri: &Uri) -> Option<PathBuf> {
        let file = convert::uri_to_file(uri)?;
        if !session.has_folder() {
            session.set_folder(file.parent()?);
            self.spawn_reload();
        }
        Some(file)
    }

    fn spawn_reload(&self) {
        let shared = self.shared.clone();
        let client = self.client.clone();
        tokio::spawn(async move { reload(&shared, &client).await });
    }

    /// A snapshot and the context a request needs, or `None` when the document is not analysed.
    fn request_context(&self, uri: &Uri) -> Option<RequestContext> {
        let mut session = self.session();
        let file = self.file_of(&mut session, uri)?;
        let path = session.relative(&file)?;
        let analysis = session.analysis.as_ref()?;
        Some(RequestContext {
            snapshot: analysis.snapshot(),
            root: session.root()?.to_path_buf(),
            path,
            baseline: analysis.baseline_label().to_string(),
        })
    }

    /// Runs a request's work on a blocking thread. A cancelled computation answers `ContentModified`
    /// (the client asks again); a panic is reported and answers an internal error.
    async fn run<T: Send + 'static>(&self, name: &'static str, work: impl FnOnce() -> T + Send + 'static) -> jsonrpc::Result<T> {
        let hook = self.shared.hook.clone();
        let task = tokio::task::spawn_blocking(move || {
            if let Some(hook) = &hook {
                hook(name);
            }
            cancellable(work)
        });
        match task.await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(_cancelled)) => Err(jsonrpc::Error {
                code: ErrorCode::ContentModified,
                message: "content modified; the analysis started again".into(),
                data: None,
            }),
            Err(e) => {
                let message = if e.is_panic() { panic_message(e.into_panic()) } else { e.to_string() };
                report_panic(&self.client, name, &message).await;
                Err(jsonrpc::Error {
                    code: ErrorCode::InternalError,
                    message: format!("rollsafe failed in {name}: {message}").into(),
                    data: None,
                })
            }
        }
    }
}

struct RequestContext {
    snapshot: AnalysisSnapshot,
    root: PathBuf,
    path: String,
    baseline: String,
}

impl RequestContext {
    fn file_text(&self, side: Side, path: &str) -> Option<FileText> {
        Some((self.snapshot.text(side, path)?, self.snapshot.line_index(side, path)?))
    }

    /// The findings whose statement is in this document and touches `range`.
    fn findings_in(&self, range: TextRange) -> Vec<Finding> {
        self.snapshot
            .findings()
            .into_iter()
            .filter(|f| f.primary.side == Side::Current && f.primary.path == self.path && convert::overlaps(f, range))
            .collect()
    }

    fn offset(&self, position: Position) -> Option<u32> {
        let (text, index) = self.file_text(Side::Current, &self.path)?;
        Some(convert::LineMap { text: &text, index: &index }.offset(position))
    }
}

/// Starts an analysis of the session's current state; its diagnostics go to the publisher.
fn schedule(shared: &Shared, client: &Client, session: &Session) {
    let (Some(analysis), Some(root)) = (&session.analysis, session.root()) else { return };
    let snapshot = analysis.snapshot();
    let batch = Batch { generation: session.generation, root: root.to_path_buf(), files: HashMap::new(), versions: session.versions() };
    let publisher = shared.publisher.clone();
    let hook = shared.hook.clone();
    let client = client.clone();
    let work = tokio::task::spawn_blocking(move || {
        if let Some(hook) = &hook {
            hook("analysis");
        }
        // Cancelled: a newer edit arrived, and with it a newer analysis.
        if let Ok(files) = cancellable(|| diagnostics(&snapshot, &batch.root)) {
            drop(snapshot);
            let _ = publisher.send(Batch { files, ..batch });
        }
    });
    tokio::spawn(async move {
        if let Err(e) = work.await
            && e.is_panic()
        {
            report_panic(&client, "analysis", &panic_message(e.into_panic())).await;
        }
    });
}

fn lock(session: &Mutex<Session>) -> MutexGuard<'_, Session> {
    // A panic while holding the lock leaves the session usable: every change to it is one assignment.
    session.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

async fn report_panic(client: &Client, work: &str, message: &str) {
    client.log_message(MessageType::ERROR, format!("rollsafe: internal error in {work}: {message}")).await;
    client
        .show_message(MessageType::ERROR, format!("rollsafe hit an internal error in {work} and recovered; please report it: {message}"))
        .await;
}

/// Every finding of the workspace as diagnostics by file.
fn diagnostics(snapshot: &AnalysisSnapshot, root: &Path) -> HashMap<String, Vec<Diagnostic>> {
    let findings = snapshot.findings();
    let mut cache: HashMap<(Side, String), Option<FileText>> = HashMap::new();
    let mut text_of = |side: Side, path: &str| -> Option<FileText> {
        cache
            .entry((side, path.to_string()))
            .or_insert_with(|| Some((snapshot.text(side, path)?, snapshot.line_index(side, path)?)))
            .clone()
    };
    convert::diagnostics(&findings, root, &mut text_of)
}

/// Loads (or reloads) the workspace and installs it, then analyses it.
async fn reload(shared: &Arc<Shared>, client: &Client) {
    let _one_at_a_time = shared.reload.lock().await;
    let Some(options) = lock(&shared.session).load_options() else { return };
    let loaded = tokio::task::spawn_blocking(move || crate::session::load(&options)).await;
    let loaded = match loaded {
        Ok(loaded) => loaded,
        Err(e) => {
            report_panic(client, "loading the workspace", &e.to_string()).await;
            return;
        }
    };
    let message = {
        let mut session = lock(&shared.session);
        match loaded {
            Ok(loaded) => {
                let installed = session.install(loaded);
                schedule(shared, client, &session);
                // The doubt is shown once per distinct reason, not at every reload.
                let doubt = installed.baseline_doubt.filter(|d| session.shown_doubt.as_ref() != Some(d));
                if doubt.is_some() {
                    session.shown_doubt = doubt.clone();
                }
                Ok((session.baseline.clone().unwrap_or_default(), doubt, installed.skipped))
            }
            Err(e) => Err(session.failed(&e).then_some(e)),
        }
    };
    match message {
        Ok((baseline, doubt, skipped)) => {
            client.log_message(MessageType::INFO, format!("rollsafe: checking against {}", escape_line(&baseline))).await;
            for line in skipped {
                client.log_message(MessageType::WARNING, format!("rollsafe: skipped {}", escape_line(&line))).await;
            }
            if let Some(doubt) = doubt {
                client.show_message(MessageType::WARNING, format!("rollsafe: {}", escape_line(&doubt))).await;
            }
        }
        Err(Some(e)) => client.show_message(MessageType::WARNING, format!("rollsafe: {}", escape_line(&e.0))).await,
        Err(None) => {}
    }
}

/// Reloads when anything watched changed since the last load.
async fn poll(shared: Arc<Shared>, client: Client) {
    let mut ticks = tokio::time::interval(POLL_INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        // The server is gone once only this task holds the state.
        if Arc::strong_count(&shared) == 1 {
            return;
        }
        let watch = lock(&shared.session).watch.clone();
        let Some((watch, before)) = watch else { continue };
        let Ok(now) = tokio::task::spawn_blocking(move || watch.fingerprint()).await else { continue };
        if now != before {
            reload(&shared, &client).await;
        }
    }
}

/// Sends diagnostics in generation order: a batch older than one already sent is dropped, and files
/// whose findings disappeared are cleared.
async fn publish_loop(client: Client, mut batches: mpsc::UnboundedReceiver<Batch>) {
    let mut last_generation = 0;
    // What each file last showed, to skip unchanged files and to clear emptied ones.
    let mut shown: HashMap<String, (Vec<Diagnostic>, Option<i32>)> = HashMap::new();
    while let Some(mut batch) = batches.recv().await {
        while let Ok(newer) = batches.try_recv() {
            if newer.generation >= batch.generation {
                batch = newer;
            }
        }
        if batch.generation < last_generation {
            continue;
        }
        last_generation = batch.generation;
        // Open buffers get a list even when empty, so the client knows their version was analysed.
        let paths: HashSet<String> = batch.files.keys().chain(shown.keys()).chain(batch.versions.keys()).cloned().collect();
        // Open buffers first: the one being typed in is what the user is waiting for.
        let mut paths: Vec<String> = paths.into_iter().collect();
        paths.sort_by(|a, b| (!batch.versions.contains_key(a), a).cmp(&(!batch.versions.contains_key(b), b)));
        for path in paths {
            let diagnostics = batch.files.remove(&path).unwrap_or_default();
            let version = batch.versions.get(&path).copied();
            let unchanged = shown.get(&path).is_some_and(|(d, v)| *d == diagnostics && *v == version);
            if unchanged {
                continue;
            }
            let Some(uri) = convert::path_to_uri(&batch.root, &path) else { continue };
            client.publish_diagnostics(uri, diagnostics.clone(), version).await;
            if diagnostics.is_empty() && version.is_none() {
                shown.remove(&path);
            } else {
                shown.insert(path, (diagnostics, version));
            }
        }
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> jsonrpc::Result<InitializeResult> {
        let folder = params.workspace_folders.as_ref().and_then(|f| f.first()).map(|f| f.uri.clone());
        #[allow(deprecated)]
        let root = folder.or(params.root_uri.clone()).and_then(|uri| uri.to_file_path().map(|p| p.into_owned()));
        let watches = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        self.shared.client_watches.store(watches, std::sync::atomic::Ordering::Relaxed);
        {
            let mut session = self.session();
            session.set_settings(params.initialization_options.as_ref().map(Settings::from_json).unwrap_or_default());
            if let Some(folder) = root {
                session.set_folder(&folder);
            }
        }
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(PositionEncodingKind::UTF16),
                text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    ..TextDocumentSyncOptions::default()
                })),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                    code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                    ..CodeActionOptions::default()
                })),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo { name: "rollsafe".to_string(), version: Some(env!("CARGO_PKG_VERSION").to_string()) }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        if self.shared.client_watches.load(std::sync::atomic::Ordering::Relaxed) {
            let watchers = rollsafe_core::registry::watch_globs()
                .into_iter()
                .map(|glob| FileSystemWatcher { glob_pattern: GlobPattern::String(glob.to_string()), kind: None })
                .collect();
            let options = DidChangeWatchedFilesRegistrationOptions { watchers };
            let registration = Registration {
                id: "rollsafe-files".to_string(),
                method: "workspace/didChangeWatchedFiles".to_string(),
                register_options: serde_json::to_value(options).ok(),
            };
            if let Err(e) = self.client.register_capability(vec![registration]).await {
                self.client.log_message(MessageType::WARNING, format!("rollsafe: could not watch files: {e}")).await;
            }
        }
        tokio::spawn(poll(self.shared.clone(), self.client.clone()));
        reload(&self.shared, &self.client).await;
    }

    async fn shutdown(&self) -> jsonrpc::Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let mut session = self.session();
        let Some(file) = self.file_of(&mut session, &doc.uri) else { return };
        session.open(file, doc.version, Arc::from(doc.text));
        schedule(&self.shared, &self.client, &session);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let doc = params.text_document;
        let outcome = {
            let mut session = self.session();
            let Some(file) = self.file_of(&mut session, &doc.uri) else { return };
            let changes = params.content_changes;
            let outcome = session.change(&file, doc.version, |text| {
                let mut text = text.to_string();
                for change in &changes {
                    text = convert::apply_change(&text, change);
                }
                text
            });
            if outcome.is_ok() {
                schedule(&self.shared, &self.client, &session);
            }
            outcome
        };
        if let Err(Rejected::Stale { applied }) = outcome {
            let message = format!("rollsafe: ignored version {} of {}: version {applied} is applied", doc.version, doc.uri.as_str());
            self.client.log_message(MessageType::LOG, message).await;
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let mut session = self.session();
        let Some(file) = self.file_of(&mut session, &params.text_document.uri) else { return };
        session.close(&file);
        schedule(&self.shared, &self.client, &session);
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let settings = Settings::from_json(&params.settings);
        let changed = self.session().set_settings(settings);
        if changed {
            reload(&self.shared, &self.client).await;
        }
    }

    async fn did_change_watched_files(&self, _: DidChangeWatchedFilesParams) {
        // The fingerprint would notice on the next poll; the client's event says it is now.
        reload(&self.shared, &self.client).await;
    }

    async fn hover(&self, params: HoverParams) -> jsonrpc::Result<Option<Hover>> {
        let position = params.text_document_position_params.position;
        let Some(cx) = self.request_context(&params.text_document_position_params.text_document.uri) else { return Ok(None) };
        self.run("hover", move || {
            let offset = cx.offset(position)?;
            let findings = cx.findings_in(TextRange::empty(offset));
            let first = findings.first()?;
            let (text, index) = cx.file_text(Side::Current, &cx.path)?;
            let range = convert::LineMap { text: &text, index: &index }.range(first.primary.range);
            let on_statement: Vec<&Finding> = findings.iter().filter(|f| f.primary.range == first.primary.range).collect();
            let language = cx.snapshot.format_of(&cx.path).map_or("text", |f| f.language);
            convert::hover(&on_statement, &cx.baseline, Some(range), language)
        })
        .await
    }

    async fn code_action(&self, params: CodeActionParams) -> jsonrpc::Result<Option<CodeActionResponse>> {
        let Some(cx) = self.request_context(&params.text_document.uri) else { return Ok(None) };
        let requested = params.range;
        self.run("codeAction", move || {
            let (Some(start), Some(end)) = (cx.offset(requested.start), cx.offset(requested.end)) else { return None };
            let mut text_of = |side: Side, path: &str| cx.file_text(side, path);
            let mut actions = Vec::new();
            for finding in cx.findings_in(TextRange::new(start, end.max(start))) {
                let diagnostic = convert::diagnostic(&finding, &cx.root, &mut text_of);
                for (i, fix) in cx.snapshot.fixes(&finding).iter().enumerate() {
                    let preferred = i == 0 && finding.fix.is_some();
                    if let Some(action) = convert::code_action(fix, Some(diagnostic.clone()), preferred, &cx.root, &mut text_of) {
                        actions.push(CodeActionOrCommand::CodeAction(action));
                    }
                }
            }
            Some(actions)
        })
        .await
    }
}
