//! The language server in process, through the protocol a client speaks: initialize, open, change,
//! diagnostics, hover, code actions, robustness, shutdown.

mod support;

use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use support::*;

const DROP: &str = "-- Names are split in code now.\nALTER TABLE users DROP COLUMN full_name;\n";

fn rules(diagnostics: &[Value]) -> Vec<String> {
    diagnostics.iter().map(|d| d["code"].as_str().unwrap_or_default().to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_from_open_to_shutdown() {
    let repo = repo(&[("migrations/0002_drop_full_name.sql", DROP)]);
    let mut client = TestClient::start(repo.path(), json!({}), None).await;
    let path = "migrations/0002_drop_full_name.sql";
    client.open(path, 1).await;
    let diagnostics = client.diagnostics(path, Some(1)).await;
    insta::assert_json_snapshot!("diagnostics_on_open", client.redact(&json!(diagnostics)));

    let uri = client.uri(path);
    let hover = client.request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": {"line": 1, "character": 20}})).await;
    insta::assert_json_snapshot!("hover_on_drop", client.redact(&hover["result"]));
    let no_hover =
        client.request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 3}})).await;
    assert_eq!(no_hover["result"], Value::Null, "nothing is reported on the comment");

    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": diagnostics[0]["range"], "context": {"diagnostics": [diagnostics[0]]}}),
        )
        .await;
    let titles: Vec<&str> = actions["result"].as_array().expect("actions").iter().map(|a| a["title"].as_str().unwrap_or("")).collect();
    assert_eq!(titles, ["Keep the column for now: drop it in a later release", "Suppress column-removed here (a reason is required)"]);
    insta::assert_json_snapshot!("code_action_expand_step", client.redact(&actions["result"][0]["edit"]));

    // The buffer edited into the safe change: the diagnostic goes; back again: it returns.
    client.change_all(path, 2, "ALTER TABLE users ALTER COLUMN full_name SET DEFAULT '';\n").await;
    assert!(client.diagnostics(path, Some(2)).await.is_empty());
    client.change_all(path, 3, DROP).await;
    assert_eq!(rules(&client.diagnostics(path, Some(3)).await), ["column-removed"]);
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incremental_edits_apply_in_order_and_stale_versions_are_ignored() {
    let repo = repo(&[("migrations/0002_change.sql", "SELECT 1;\n")]);
    let mut client = TestClient::start(repo.path(), json!({}), None).await;
    let path = "migrations/0002_change.sql";
    let uri = client.uri(path);
    client.open(path, 1).await;
    assert!(client.diagnostics(path, Some(1)).await.is_empty(), "an open buffer without findings gets an empty list");
    // Two edits in one burst, each relative to the text the one before left.
    let edit = |version: i64, line: u32, character: u32, text: &str| {
        json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{
            "range": {"start": {"line": line, "character": character}, "end": {"line": line, "character": character}},
            "text": text,
        }]})
    };
    client.notify("textDocument/didChange", edit(2, 1, 0, "ALTER TABLE users ")).await;
    client.notify("textDocument/didChange", edit(3, 1, 18, "DROP COLUMN email;\n")).await;
    // A late duplicate of version 3 that would break the text if applied.
    client.notify("textDocument/didChange", edit(3, 1, 0, "garbage ")).await;
    let diagnostics = client.diagnostics(path, Some(3)).await;
    assert_eq!(rules(&diagnostics), ["column-removed"]);
    // On the DROP COLUMN action of the text both edits produced.
    assert_eq!(diagnostics[0]["range"]["start"], json!({"line": 1, "character": 18}));
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn positions_count_utf16_code_units() {
    let text = "SELECT '😀 ünïcödé'; ALTER TABLE users DROP COLUMN full_name;\n";
    let repo = repo(&[("migrations/0002_emoji.sql", text)]);
    let mut client = TestClient::start(repo.path(), json!({}), None).await;
    client.open("migrations/0002_emoji.sql", 1).await;
    let diagnostics = client.diagnostics("migrations/0002_emoji.sql", Some(1)).await;
    let start = text.find("DROP").expect("drop");
    let utf16: usize = text[..start].chars().map(char::len_utf16).sum();
    assert_eq!(diagnostics[0]["range"]["start"], json!({"line": 0, "character": utf16}));
    assert_ne!(utf16, start, "the text has multi-byte characters");
    client.shutdown().await;
}

/// Findings in one migration depend on the migrations before it: editing the earlier one updates
/// the later one's diagnostics.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn findings_in_other_files_follow_an_edit() {
    let repo = repo(&[
        ("migrations/0002_add.sql", "ALTER TABLE users ADD COLUMN plan text;\n"),
        ("migrations/0003_require.sql", "ALTER TABLE users ALTER COLUMN plan SET NOT NULL;\n"),
    ]);
    let mut client = TestClient::start(repo.path(), json!({}), None).await;
    client.open("migrations/0002_add.sql", 1).await;
    assert_eq!(rules(&client.diagnostics("migrations/0003_require.sql", None).await), ["required-column-added"]);
    client.change_all("migrations/0002_add.sql", 2, "ALTER TABLE users ADD COLUMN plan text DEFAULT 'free';\n").await;
    assert!(client.diagnostics("migrations/0003_require.sql", None).await.is_empty(), "a default makes the column optional for N-1 writes");
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_in_a_handler_is_reported_and_the_server_keeps_serving() {
    let repo = repo(&[("migrations/0002_drop_full_name.sql", DROP)]);
    let armed = Arc::new(AtomicBool::new(true));
    let trigger = armed.clone();
    let hook: rollsafe_server::Hook = Arc::new(move |work: &str| {
        if work == "hover" && trigger.swap(false, Ordering::SeqCst) {
            panic!("injected fault");
        }
    });
    let mut client = TestClient::start(repo.path(), json!({}), Some(hook)).await;
    let path = "migrations/0002_drop_full_name.sql";
    client.open(path, 1).await;
    client.diagnostics(path, Some(1)).await;
    let uri = client.uri(path);
    let params = json!({"textDocument": {"uri": uri}, "position": {"line": 1, "character": 20}});
    let failed = client.request("textDocument/hover", params.clone()).await;
    assert_eq!(failed["error"]["code"], json!(-32603), "{failed}");
    let shown = client.wait_for("window/showMessage", |p| p["message"].as_str().is_some_and(|m| m.contains("injected fault"))).await;
    assert_eq!(shown["type"], json!(1));
    let again = client.request("textDocument/hover", params).await;
    assert!(again["result"]["contents"]["value"].as_str().is_some_and(|v| v.contains("column-removed")), "{again}");
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_get_protocol_errors() {
    let repo = repo(&[]);
    let mut client = TestClient::start(repo.path(), json!({}), None).await;
    let bad_params = client.request("textDocument/hover", json!({"textDocument": 42})).await;
    assert_eq!(bad_params["error"]["code"], json!(-32602), "{bad_params}");
    let unknown = client.request("rollsafe/noSuchMethod", json!({})).await;
    assert_eq!(unknown["error"]["code"], json!(-32601), "{unknown}");
    client.send_raw("{\"jsonrpc\": \"2.0\", \"id\": 99, \"method\": ").await;
    client.send_raw("{\"jsonrpc\": \"2.0\", \"id\": 100}").await;
    let still = client
        .request("textDocument/hover", json!({"textDocument": {"uri": client.uri("x.sql")}, "position": {"line": 0, "character": 0}}))
        .await;
    assert_eq!(still["result"], Value::Null, "the server still answers: {still}");
    let errors = client.take_pending(|m| m.get("error").is_some());
    let codes: Vec<(Value, Value)> = errors.iter().map(|e| (e["id"].clone(), e["error"]["code"].clone())).collect();
    assert_eq!(codes, [(Value::Null, json!(-32700)), (json!(100), json!(-32600))]);
    client.shutdown().await;
}

/// Frames whose length cannot be trusted (negative, absurd, not a number, headers that are not
/// text, a line without end) are answered with a parse error, and the server stays in step with the
/// stream: the next well-formed request is answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_transport_stays_in_step_after_broken_frames() {
    let repo = repo(&[]);
    let mut client = TestClient::start(repo.path(), json!({}), None).await;
    let hover = json!({"textDocument": {"uri": client.uri("x.sql")}, "position": {"line": 0, "character": 0}});
    let broken: [&[u8]; 6] = [
        b"Content-Length: -5\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"shutdown\"}",
        b"Content-Length: 99999999999999\r\n\r\n{\"jsonrpc\":\"2.0\"}",
        b"X-\xff\xfe: \xc3\x28\r\nContent-Length: \xff\r\n\r\n\xff\xfe\xfd",
        b"Content-Length: 18446744073709551617\r\n\r\n",
        b"Content-Type: text/plain\r\n\r\nno length at all",
        &[b'x'; 100_000],
    ];
    for bytes in broken {
        client.send_bytes(bytes).await;
        let answer = client.request("textDocument/hover", hover.clone()).await;
        assert_eq!(
            answer["result"],
            Value::Null,
            "still answered after {:?}: {answer}",
            String::from_utf8_lossy(&bytes[..40.min(bytes.len())])
        );
    }
    // A parse error for each frame whose length was unusable; a block with no Content-Length at all
    // and a line without end are read past as garbage until the next header.
    let errors = client.take_pending(|m| m.get("error").is_some());
    let codes: Vec<&Value> = errors.iter().map(|e| &e["error"]["code"]).collect();
    assert_eq!(codes, [&json!(-32700); 4], "{errors:?}");
    client.shutdown().await;
}

/// A release of thousands of migrations (the server's worker threads overflowed at about 800), with
/// a name that carries a terminal escape: the message shows it escaped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_release_with_hostile_names() {
    let mut files: Vec<(String, String)> =
        (2..=3000).map(|n| (format!("migrations/{n:05}_t.sql"), format!("CREATE TABLE t{n} (id int);\n"))).collect();
    let last = "migrations/03001_drop.sql".to_string();
    files.push((last.clone(), "ALTER TABLE users RENAME COLUMN full_name TO \"name\u{1b}[2J\u{202e}\";\n".to_string()));
    let repo = repo(&files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect::<Vec<_>>());
    let mut client = TestClient::start(repo.path(), json!({}), None).await;
    client.open(&last, 1).await;
    let diagnostics = client.diagnostics(&last, Some(1)).await;
    assert_eq!(rules(&diagnostics), ["column-renamed"]);
    let message = diagnostics[0]["message"].as_str().expect("message");
    assert!(message.contains("name\\x1b[2J\\u{202e}") && !message.contains('\u{1b}'), "{message}");
    client.shutdown().await;
}

/// A bug in replaying one statement costs that statement only: the workspace still gets its
/// diagnostics, the statement a note.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bug_on_one_statement_does_not_stop_diagnostics() {
    // Only `CREATE TABLE rollsafe_replay_panic` is affected: the other tests of this binary run on.
    rollsafe_sql::replay::REPLAY_PANIC_PROBE.store(true, Ordering::Relaxed);
    let path = "migrations/0002_x.sql";
    let repo = repo(&[(path, "CREATE TABLE rollsafe_replay_panic (id int);\nALTER TABLE users DROP COLUMN full_name;\n")]);
    let mut client = TestClient::start(repo.path(), json!({}), None).await;
    client.open(path, 1).await;
    let diagnostics = client.diagnostics(path, Some(1)).await;
    let mut found = rules(&diagnostics);
    found.sort();
    assert_eq!(found, ["column-removed", "statement-not-understood"], "{diagnostics:?}");
    assert!(diagnostics.iter().any(|d| d["message"].as_str().is_some_and(|m| m.contains("rollsafe failed on this statement"))));
    client.shutdown().await;
}

/// A new release tag moves the baseline: the server notices without being told.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_release_tag_moves_the_baseline() {
    let repo = repo(&[("migrations/0002_drop_full_name.sql", DROP)]);
    let mut client = TestClient::start(repo.path(), json!({}), None).await;
    let path = "migrations/0002_drop_full_name.sql";
    client.open(path, 1).await;
    assert_eq!(rules(&client.diagnostics(path, Some(1)).await), ["column-removed"]);
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-q", "-m", "drop"]);
    git(repo.path(), &["tag", "v1.1.0"]);
    // Released in v1.1.0: no longer a change under review.
    assert!(client.diagnostics(path, None).await.is_empty());
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_baseline_setting_overrides_the_default() {
    let repo = repo(&[("migrations/0002_drop_full_name.sql", DROP)]);
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-q", "-m", "drop"]);
    // HEAD already holds the drop: against HEAD nothing is new, against v1.0.0 the drop is.
    let mut client = TestClient::start(repo.path(), json!({"baseline": "HEAD"}), None).await;
    let path = "migrations/0002_drop_full_name.sql";
    client.open(path, 1).await;
    assert!(client.diagnostics(path, Some(1)).await.is_empty());
    client.notify("workspace/didChangeConfiguration", json!({"settings": {"rollsafe": {"baseline": "v1.0.0"}}})).await;
    assert_eq!(rules(&client.diagnostics(path, None).await), ["column-removed"]);
    client.shutdown().await;
}

/// A `.proto` file as it is edited: diagnostics, a hover with the N-1 and N definitions, the quick
/// fix that reserves a deleted field's number and name (which clears the WIRE finding), and a
/// suppression written in the format's own comment syntax.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn protobuf_files_get_diagnostics_hovers_and_fixes() {
    const RELEASED: &str = "syntax = \"proto3\";\npackage acme.v1;\n\nmessage User {\n  int64 id = 1;\n  string email = 2;\n}\n";
    const EDITED: &str = "syntax = \"proto3\";\npackage acme.v1;\n\nmessage User {\n  int64 id = 1;\n}\n";
    let path = "proto/acme/v1/user.proto";
    let repo = repo(&[(path, RELEASED), ("rollsafe.toml", "[protobuf]\ncategory = \"WIRE\"\n")]);
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-q", "-m", "proto"]);
    git(repo.path(), &["tag", "v1.1.0"]);
    write(&repo.path().join(path), EDITED);
    let mut client = TestClient::start(repo.path(), json!({}), None).await;
    client.open(path, 1).await;
    let diagnostics = client.diagnostics(path, Some(1)).await;
    assert_eq!(rules(&diagnostics), ["proto-field-removed"]);
    assert_eq!(diagnostics[0]["range"]["start"], json!({"line": 3, "character": 0}), "at the message the field was in");

    let uri = client.uri(path);
    let hover = client.request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 3}})).await;
    let markdown = hover["result"]["contents"]["value"].as_str().expect("a hover").to_string();
    assert!(markdown.contains("string email = 2") && markdown.contains("*absent*"), "{markdown}");

    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": diagnostics[0]["range"], "context": {"diagnostics": [diagnostics[0]]}}),
        )
        .await;
    let actions = actions["result"].as_array().expect("actions").clone();
    let titles: Vec<&str> = actions.iter().map(|a| a["title"].as_str().unwrap_or("")).collect();
    assert_eq!(
        titles,
        ["Reserve number 2 and name \"email\" so nothing reuses them", "Suppress proto-field-removed here (a reason is required)"]
    );
    let insert = |action: &Value| {
        let edit = &action["edit"]["changes"][&uri][0];
        let at = edit["range"]["start"]["line"].as_u64().expect("line") as usize;
        let mut lines: Vec<String> = EDITED.lines().map(str::to_string).collect();
        let text = edit["newText"].as_str().expect("text");
        assert_eq!(edit["range"]["start"]["character"], 0, "inserted at a line start");
        lines.insert(at, text.trim_end_matches('\n').to_string());
        lines.join("\n") + "\n"
    };
    let suppressed = insert(&actions[1]);
    assert!(suppressed.contains("// rollsafe-allow: proto-field-removed <reason>\nmessage User {"), "{suppressed}");
    let reserved = insert(&actions[0]);
    assert!(reserved.contains("  reserved 2;\n  reserved \"email\";\n}"), "{reserved}");
    client.change_all(path, 2, &reserved).await;
    assert!(client.diagnostics(path, Some(2)).await.is_empty(), "with the number reserved, WIRE has nothing to report");
    client.shutdown().await;
}

/// An `.avsc` schema as it is edited: each incompatibility with N-1 at its field, gone when the
/// edit makes the schema compatible; JSON that does not parse mid-edit is one finding and the next
/// keystroke recovers; a schema elsewhere in the tree that the file refers to is found there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn avro_schemas_get_diagnostics_as_they_are_edited() {
    const MONEY: &str = r#"{"type": "record", "name": "Money", "namespace": "acme.common", "fields": [{"name": "units", "type": "long"}]}"#;
    const RELEASED: &str = "{\"type\": \"record\", \"name\": \"Order\", \"namespace\": \"acme.orders\",\n \"fields\": [\n  {\"name\": \"id\", \"type\": \"string\"},\n  {\"name\": \"total\", \"type\": \"acme.common.Money\"}\n ]}\n";
    let path = "schemas/orders/order.avsc";
    let repo = repo(&[(path, RELEASED), ("schemas/common/money.avsc", MONEY)]);
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-q", "-m", "avro"]);
    git(repo.path(), &["tag", "v1.1.0"]);
    let mut client = TestClient::start(repo.path(), json!({}), None).await;
    client.open(path, 1).await;
    assert!(client.diagnostics(path, Some(1)).await.is_empty(), "the released schema, with its reference resolved elsewhere");

    let added = RELEASED.replace("\"acme.common.Money\"}\n", "\"acme.common.Money\"},\n  {\"name\": \"channel\", \"type\": \"string\"}\n");
    client.change_all(path, 2, &added).await;
    let diagnostics = client.diagnostics(path, Some(2)).await;
    assert_eq!(rules(&diagnostics), ["avro-field-added-without-default"]);
    assert_eq!(diagnostics[0]["range"]["start"], json!({"line": 4, "character": 2}), "at the new field");

    client.change_all(path, 3, &added.replace(" ]}", " ")).await;
    let broken = client.diagnostics(path, Some(3)).await;
    assert_eq!(rules(&broken), ["avro-invalid-schema"], "unfinished JSON is one finding");

    let fixed = added.replace("\"type\": \"string\"}\n", "\"type\": \"string\", \"default\": \"web\"}\n");
    client.change_all(path, 4, &fixed).await;
    assert!(client.diagnostics(path, Some(4)).await.is_empty(), "a default makes the new field compatible");
    client.shutdown().await;
}

/// A `.schema.json` as it is edited: a tightened bound at its keyword, the lenient profile from
/// `rollsafe.toml` applied, unfinished JSON as one finding, and recovery.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_schemas_get_diagnostics_as_they_are_edited() {
    const RELEASED: &str =
        "{\n  \"type\": \"object\",\n  \"properties\": {\n    \"sku\": {\"type\": \"string\", \"maxLength\": 64}\n  }\n}\n";
    let path = "contracts/item.schema.json";
    let repo = repo(&[(path, RELEASED), ("rollsafe.toml", "[contracts]\nprofile = \"lenient\"\n")]);
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-q", "-m", "json schema"]);
    git(repo.path(), &["tag", "v1.1.0"]);
    let mut client = TestClient::start(repo.path(), json!({}), None).await;
    client.open(path, 1).await;
    assert!(client.diagnostics(path, Some(1)).await.is_empty());

    let tightened = RELEASED.replace("\"maxLength\": 64", "\"maxLength\": 16");
    client.change_all(path, 2, &tightened).await;
    let diagnostics = client.diagnostics(path, Some(2)).await;
    assert_eq!(rules(&diagnostics), ["json-schema-bounds-changed"]);
    assert_eq!(diagnostics[0]["range"]["start"], json!({"line": 3, "character": 43}), "at the bound's value");

    // Lenient: declaring a new optional property is compatible both ways.
    let added = RELEASED.replace("\"maxLength\": 64}\n", "\"maxLength\": 64},\n    \"gift\": {\"type\": \"boolean\"}\n");
    client.change_all(path, 3, &added).await;
    assert!(client.diagnostics(path, Some(3)).await.is_empty(), "the lenient profile applies");

    client.change_all(path, 4, "{\n  \"type\": \"object\",\n").await;
    assert_eq!(rules(&client.diagnostics(path, Some(4)).await), ["json-schema-invalid-schema"]);
    client.change_all(path, 5, RELEASED).await;
    assert!(client.diagnostics(path, Some(5)).await.is_empty());
    client.shutdown().await;
}
