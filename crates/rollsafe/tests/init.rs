//! `rollsafe init`: a commented starter configuration for what the repository holds, valid when
//! uncommented, never written over an existing one.

#[path = "support/repo.rs"]
mod repo;
#[path = "support/cli.rs"]
mod support;

use repo::{git, write};
use support::{assert_input_error, rollsafe, stdout};

/// A repository with a PostgreSQL history, a MySQL one, a Protobuf module and an Avro schema,
/// released as v1.0.0 and changed since.
fn mixed_repo() -> tempfile::TempDir {
    let repo = repo::released_repo("CREATE TABLE users (id bigint PRIMARY KEY, name text);\n");
    let root = repo.path();
    write(&root.join("services/legacy/migrations/0001_init.sql"), "CREATE TABLE t (id int AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB;\n");
    write(&root.join("proto/shop/v1/user.proto"), "syntax = \"proto3\";\npackage shop.v1;\nmessage User { int64 id = 1; }\n");
    write(&root.join("events/order.avsc"), r#"{"type": "record", "name": "Order", "fields": [{"name": "id", "type": "long"}]}"#);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "more"]);
    repo
}

/// The lines of the starter that are settings, uncommented.
fn uncommented(text: &str) -> String {
    text.lines()
        .filter_map(|l| l.strip_prefix("# "))
        .filter(|l| l.starts_with('[') || l.split_once(" = ").is_some_and(|(key, _)| !key.contains(' ') || key.starts_with('"')))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn writes_a_starter_for_what_it_finds() {
    let repo = mixed_repo();
    let root = repo.path();
    // From a subfolder: the file goes to the top of the repository.
    let out = rollsafe(&root.join("services"), &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", support::stderr(&out));
    for found in
        ["services/legacy/migrations/: 1 migration (numbered files), mysql", "module proto/: 1 file", "Avro: rollsafe found 1 Avro schema"]
    {
        assert!(stdout(&out).contains(found), "{}", stdout(&out));
    }
    let text = std::fs::read_to_string(root.join("rollsafe.toml")).expect("written at the root");
    let shown = text.replace(env!("CARGO_PKG_VERSION"), "<version>");
    insta::assert_snapshot!(shown);

    // Every setting it suggests is valid, uncommented, and the commented file changes nothing.
    let settings = uncommented(&text);
    assert!(settings.contains("[sql.dialects]") && settings.contains("[[allow]]"), "{settings}");
    rollsafe_core::parse_config(&settings).unwrap_or_else(|e| panic!("{e}\n{settings}"));
    let check = rollsafe(root, &["check"]);
    assert_eq!(check.status.code(), Some(0), "{}{}", stdout(&check), support::stderr(&check));
}

#[test]
fn never_overwrites_a_configuration() {
    let repo = mixed_repo();
    let root = repo.path();
    write(&root.join("rollsafe.toml"), "baseline = \"v1.0.0\"\n");
    assert_input_error(&rollsafe(root, &["init"]), "already exists");
    assert_eq!(std::fs::read_to_string(root.join("rollsafe.toml")).expect("kept"), "baseline = \"v1.0.0\"\n");
    // Nor a symbolic link where the file would go.
    std::fs::remove_file(root.join("rollsafe.toml")).expect("rm");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(root.join("elsewhere.toml"), root.join("rollsafe.toml")).expect("symlink");
        assert_input_error(&rollsafe(root, &["init"]), "already exists");
        assert!(!root.join("elsewhere.toml").exists(), "nothing written through the link");
    }
}

#[test]
fn an_empty_folder_gets_a_starter_that_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = rollsafe(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", support::stderr(&out));
    let text = std::fs::read_to_string(dir.path().join("rollsafe.toml")).expect("written");
    assert!(text.contains("found no migration history"), "{text}");
    assert!(text.contains("cannot tell yet"), "no git repository: {text}");
}
