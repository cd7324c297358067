//! An LSP client for in-process tests: JSON-RPC over an in-memory pipe to `rollsafe_server::serve`,
//! with the framing a real client uses. Requests from the server (registrations) are answered.

#![allow(dead_code)]

#[path = "../../../rollsafe/tests/support/repo.rs"]
mod repo;

pub use repo::{git, write};
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf};

pub const TIMEOUT: Duration = Duration::from_secs(20);

pub struct TestClient {
    writer: WriteHalf<DuplexStream>,
    reader: BufReader<ReadHalf<DuplexStream>>,
    next_id: i64,
    /// Notifications read while waiting for something else.
    pending: VecDeque<Value>,
    pub root: PathBuf,
}

impl TestClient {
    /// Starts a server and initializes it with `root` as the workspace folder.
    pub async fn start(root: &Path, options: Value, hook: Option<rollsafe_server::Hook>) -> TestClient {
        let (client_side, server_side) = tokio::io::duplex(1 << 20);
        let (server_in, server_out) = tokio::io::split(server_side);
        tokio::spawn(rollsafe_server::serve(server_in, server_out, hook));
        let (reader, writer) = tokio::io::split(client_side);
        let root = root.canonicalize().expect("canonical root");
        let mut client = TestClient { writer, reader: BufReader::new(reader), next_id: 1, pending: VecDeque::new(), root };
        let uri = client.uri("");
        let init = client
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": uri,
                    "workspaceFolders": [{"uri": uri, "name": "ws"}],
                    "capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}},
                    "initializationOptions": options,
                }),
            )
            .await;
        assert!(init.get("result").is_some(), "initialize failed: {init}");
        client.notify("initialized", json!({})).await;
        client
    }

    pub fn uri(&self, path: &str) -> String {
        let full = if path.is_empty() { self.root.clone() } else { self.root.join(path) };
        format!("file://{}", full.display()).replace(' ', "%20")
    }

    pub async fn send(&mut self, message: &Value) {
        self.send_raw(&message.to_string()).await;
    }

    /// Bytes as they are, framing included (or not).
    pub async fn send_bytes(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).await.expect("write to server");
        self.writer.flush().await.expect("flush");
    }

    pub async fn send_raw(&mut self, body: &str) {
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.writer.write_all(frame.as_bytes()).await.expect("write to server");
        self.writer.flush().await.expect("flush");
    }

    async fn read(&mut self) -> Value {
        let mut length = None;
        loop {
            let mut line = String::new();
            let n = self.reader.read_line(&mut line).await.expect("read header");
            assert!(n > 0, "server closed the stream");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                length = Some(v.parse::<usize>().expect("length"));
            }
        }
        let mut body = vec![0; length.expect("Content-Length header")];
        self.reader.read_exact(&mut body).await.expect("read body");
        serde_json::from_slice(&body).expect("JSON body")
    }

    /// Reads one message, answering requests from the server.
    async fn read_message(&mut self) -> Value {
        loop {
            let message = self.read().await;
            if message.get("method").is_some() && message.get("id").is_some() {
                let id = message["id"].clone();
                self.send(&json!({"jsonrpc": "2.0", "id": id, "result": null})).await;
                continue;
            }
            return message;
        }
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})).await;
        let wait = async {
            loop {
                let message = self.read_message().await;
                if message.get("id") == Some(&json!(id)) {
                    return message;
                }
                self.pending.push_back(message);
            }
        };
        tokio::time::timeout(TIMEOUT, wait).await.unwrap_or_else(|_| panic!("no response to {method}"))
    }

    /// Removes and returns the messages read so far that satisfy `accept`.
    pub fn take_pending(&mut self, accept: impl Fn(&Value) -> bool) -> Vec<Value> {
        let (taken, kept): (Vec<Value>, Vec<Value>) = self.pending.drain(..).partition(|m| accept(m));
        self.pending = kept.into();
        taken
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params})).await;
    }

    /// The next notification of `method` whose params satisfy `accept`.
    pub async fn wait_for(&mut self, method: &str, accept: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.pending.iter().position(|m| m["method"] == method && accept(&m["params"])) {
            return self.pending.remove(i).expect("present")["params"].clone();
        }
        let wait = async {
            loop {
                let message = self.read_message().await;
                if message["method"] == method && accept(&message["params"]) {
                    return message["params"].clone();
                }
                self.pending.push_back(message);
            }
        };
        tokio::time::timeout(TIMEOUT, wait).await.unwrap_or_else(|_| panic!("no {method} as expected; got {:#?}", self.pending))
    }

    /// The diagnostics published for `path` at exactly document version `version` (or any version
    /// when `None`).
    pub async fn diagnostics(&mut self, path: &str, version: Option<i64>) -> Vec<Value> {
        let uri = self.uri(path);
        let params =
            self.wait_for("textDocument/publishDiagnostics", |p| p["uri"] == uri && version.is_none_or(|v| p["version"] == json!(v))).await;
        params["diagnostics"].as_array().expect("diagnostics").clone()
    }

    pub async fn open(&mut self, path: &str, version: i64) {
        let text = std::fs::read_to_string(self.root.join(path)).expect("read file");
        self.open_text(path, version, &text).await;
    }

    pub async fn open_text(&mut self, path: &str, version: i64, text: &str) {
        let uri = self.uri(path);
        self.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "sql", "version": version, "text": text}}))
            .await;
    }

    pub async fn change_all(&mut self, path: &str, version: i64, text: &str) {
        let uri = self.uri(path);
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        )
        .await;
    }

    pub async fn shutdown(mut self) {
        let response = self.request("shutdown", Value::Null).await;
        assert_eq!(response["result"], Value::Null, "{response}");
        self.notify("exit", Value::Null).await;
    }

    /// Replaces the absolute root in a JSON value, for snapshots.
    pub fn redact(&self, value: &Value) -> Value {
        let text = value.to_string().replace(&self.uri(""), "file://$ROOT");
        serde_json::from_str(&text).expect("JSON")
    }
}

pub const INIT: &str = "CREATE TABLE users (\n    id bigint PRIMARY KEY,\n    full_name text,\n    email text NOT NULL\n);\n";

/// A repository whose release v1.0.0 holds `migrations/0001_init.sql`, with `files` added in the
/// working tree.
pub fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = repo::released_repo(INIT);
    for (path, text) in files {
        write(&dir.path().join(path), text);
    }
    dir
}
