//! The `rollsafe` binary as users and CI scripts meet it: exit codes, one-line errors, baselines
//! resolved from real git repositories.

#[path = "support/repo.rs"]
mod repo;
#[path = "support/cli.rs"]
mod support;

use repo::{git, write};
use support::{assert_input_error, rollsafe, stderr, stdout};

const INIT: &str = "CREATE TABLE users (id bigint PRIMARY KEY, full_name text);\n";
const DROP: &str = "ALTER TABLE users DROP COLUMN full_name;\n";

/// A repository with release v1.0.0 (one migration) and a working tree adding a breaking one.
fn repo_with_release() -> tempfile::TempDir {
    repo::released_repo(INIT)
}

#[test]
fn exit_codes_follow_the_contract() {
    let repo = repo_with_release();
    let root = repo.path();
    let clean = rollsafe(root, &["check"]);
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    // The working tree is release v1.0.0 itself, the first release: nothing to compare with yet.
    assert!(stdout(&clean).contains("against v1.0.0 (HEAD, the first release)"), "{}", stdout(&clean));

    write(&root.join("migrations/0002_drop.sql"), DROP);
    let broken = rollsafe(root, &["check"]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(stdout(&broken).contains("against v1.0.0 (latest release tag)"), "{}", stdout(&broken));
    assert!(stdout(&broken).contains("column users.full_name is removed"));

    // Warnings alone do not fail the check.
    std::fs::remove_file(root.join("migrations/0002_drop.sql")).expect("rm");
    write(
        &root.join("migrations/0002_nullable.sql"),
        "ALTER TABLE users ALTER COLUMN id TYPE numeric(30,0);\nALTER TABLE users ADD CONSTRAINT c CHECK (id > 0);\n",
    );
    let warned = rollsafe(root, &["check", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&warned.stdout).expect("valid JSON");
    assert!(doc["findings"].as_array().expect("array").iter().any(|f| f["severity"] == "warning"));
}

#[test]
fn json_document_has_the_documented_shape() {
    let repo = repo_with_release();
    let root = repo.path();
    write(&root.join("migrations/0002_drop.sql"), DROP);
    let out = rollsafe(&root.join("migrations"), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["baseline"], "v1.0.0");
    let f = &doc["findings"][0];
    assert_eq!(f["rule"], "column-removed");
    assert_eq!(f["severity"], "error");
    // Paths are relative to the working directory (here: migrations/).
    assert_eq!(f["path"], "0002_drop.sql");
    assert_eq!(f["range"]["start"], serde_json::json!({"line": 1, "column": 19}));
    assert_eq!(f["object"], "users.full_name");
    assert_eq!(f["related"][0]["path"], "0001_init.sql");
    assert_eq!(f["related"][0]["range"]["start"], serde_json::json!({"line": 1, "column": 44}));
    assert!(f["help"].as_str().expect("help").contains("later release"));
    assert_eq!(doc["summary"]["errors"], 1);
}

#[test]
fn default_baseline_falls_back_to_merge_base_then_head() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    write(&root.join("migrations/0001_init.sql"), INIT);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "init"]);
    // No release tag: on main, the merge-base with main is HEAD itself.
    let out = rollsafe(root, &["check"]);
    assert!(stdout(&out).contains("(merge-base with main)"), "{}", stdout(&out));
    // On a feature branch with the breaking migration committed, the merge-base is main's tip.
    git(root, &["checkout", "-q", "-b", "feature"]);
    write(&root.join("migrations/0002_drop.sql"), DROP);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "drop"]);
    let out = rollsafe(root, &["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("(merge-base with main)"));
    // A release tag beats the merge-base; the newest reachable one wins.
    git(root, &["tag", "v0.9.0", "main"]);
    git(root, &["tag", "v1.0.0-rc1"]);
    let out = rollsafe(root, &["check"]);
    assert!(stdout(&out).contains("against v0.9.0 (latest release tag)"), "{}", stdout(&out));
    // The config's baseline beats both.
    write(&root.join("rollsafe.toml"), "baseline = \"feature\"\n");
    let out = rollsafe(root, &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("against feature (from rollsafe.toml)"), "{}", stdout(&out));
}

#[test]
fn against_a_revision_reads_git_objects_not_the_checkout() {
    let repo = repo_with_release();
    let root = repo.path();
    // Edit the released migration in the working tree only: the baseline still has the original.
    write(&root.join("migrations/0001_init.sql"), "CREATE TABLE users (id bigint PRIMARY KEY);\n");
    let out = rollsafe(root, &["check", "--against", "v1.0.0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("migration-edited"), "{}", stdout(&out));
    let out = rollsafe(root, &["check", "--against", "HEAD~0"]);
    assert!(stdout(&out).contains("against HEAD~0 (--against)"), "{}", stdout(&out));
}

#[test]
fn paths_limit_reporting_but_not_analysis() {
    let repo = repo_with_release();
    let root = repo.path();
    write(&root.join("migrations/0002_drop.sql"), DROP);
    write(&root.join("other/0001_x.sql"), "CREATE TABLE t (a int);\n");
    let only_other = rollsafe(root, &["check", "other"]);
    assert_eq!(only_other.status.code(), Some(0), "{}", stdout(&only_other));
    let only_migrations = rollsafe(root, &["check", "migrations/0002_drop.sql"]);
    assert_eq!(only_migrations.status.code(), Some(1));
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let repo = repo_with_release();
    let root = repo.path();
    assert_input_error(&rollsafe(root, &["check", "--against", "no-such-tag"]), "unknown revision `no-such-tag`");
    assert_input_error(&rollsafe(root, &["check", "--against", "--help"]), "");
    assert_input_error(&rollsafe(root, &["check", "does/not/exist.sql"]), "does/not/exist.sql: no such file or directory");
    assert_input_error(&rollsafe(root, &["explain", "no-such-rule"]), "unknown rule `no-such-rule`");

    write(&root.join("migrations/0002_bad.sql"), "");
    std::fs::write(root.join("migrations/0002_bad.sql"), b"ALTER TABLE users DROP COLUMN \xff\xfe;\n").expect("write");
    assert_input_error(&rollsafe(root, &["check"]), "migrations/0002_bad.sql: not valid UTF-8");
    std::fs::remove_file(root.join("migrations/0002_bad.sql")).expect("rm");

    write(&root.join("rollsafe.toml"), "[rules]\nno-such-rule = \"off\"\n");
    assert_input_error(&rollsafe(root, &["check"]), "unknown rule `no-such-rule`");
    std::fs::remove_file(root.join("rollsafe.toml")).expect("rm");

    let plain = tempfile::tempdir().expect("tempdir");
    assert_input_error(&rollsafe(plain.path(), &["check"]), "not a git repository");

    let empty = tempfile::tempdir().expect("tempdir");
    git(empty.path(), &["init", "-q"]);
    assert_input_error(&rollsafe(empty.path(), &["check"]), "no commits yet");

    // Usage errors are exit 2 too.
    let out = rollsafe(root, &["check", "--format", "xml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr(&out).contains("panicked"));
}

#[test]
fn explain_and_rules_print_the_documentation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = rollsafe(dir.path(), &["explain", "column-removed"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.starts_with("# column-removed (error)"), "{text}");
    assert!(text.contains("## Why it breaks N-1 or rollback"));
    let out = rollsafe(dir.path(), &["rules"]);
    let list = stdout(&out);
    assert_eq!(list.lines().count(), rollsafe_core::registry::ALL.len());
    assert!(list.contains("column-type-narrowed"));
    // Aligned: every severity starts in the same column, every summary too; no trailing blanks.
    let column_of = |line: &str, word: &str| line.find(&format!(" {word} ")).map(|i| i + 1);
    let severity_columns: std::collections::BTreeSet<usize> =
        list.lines().filter_map(|l| ["error", "warning", "info"].iter().find_map(|w| column_of(l, w))).collect();
    assert_eq!(severity_columns.len(), 1, "{list}");
    assert!(list.lines().all(|l| !l.ends_with(' ')), "{list}");

    // No arguments: usage, not an error. A missing argument is named.
    let out = rollsafe(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("Usage: rollsafe <COMMAND>"), "{}", stdout(&out));
    assert_input_error(&rollsafe(dir.path(), &["explain"]), "<RULE>");
}

/// The README's `[[allow]]` example, as written, accepts the finding it names (the README writes
/// the object with its schema, the finding without), and an entry that accepts nothing is reported
/// at its place in rollsafe.toml.
#[test]
fn the_readme_allow_list_example_works_as_written() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).expect("README");
    let start = readme.find("[[allow]]").expect("an [[allow]] example in the README");
    let example = &readme[start..start + readme[start..].find("```").expect("end of the example")];
    let repo = repo::released_repo("CREATE TABLE users (id bigint PRIMARY KEY, legacy_flag boolean);\n");
    let root = repo.path();
    // The Avro entry accepts a changed type by JSON Pointer (`/fields/2/type`), until its expiry.
    let order = |currency: &str| {
        format!(
            r#"{{"type": "record", "name": "Order", "namespace": "acme", "fields": [{{"name": "id", "type": "long"}}, {{"name": "total", "type": "long"}}, {{"name": "currency", "type": "{currency}"}}]}}"#
        )
    };
    write(&root.join("events/order.avsc"), &order("string"));
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "order events"]);
    git(root, &["tag", "-f", "v1.0.0"]);
    write(&root.join("events/order.avsc"), &order("int"));
    write(&root.join("migrations/0002_drop.sql"), "ALTER TABLE users DROP COLUMN legacy_flag;\n");
    write(&root.join("rollsafe.toml"), example);
    let out = rollsafe(root, &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("0 errors, 0 warnings"), "{}", stdout(&out));
    // Once N-1 is the release the entry expires with, the finding is back and the entry reported.
    git(root, &["tag", "v2.4.0"]);
    let out = rollsafe(root, &["check", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let rules: Vec<&str> = doc["findings"].as_array().expect("findings").iter().filter_map(|f| f["rule"].as_str()).collect();
    assert!(rules.contains(&"avro-type-changed") && rules.contains(&"expired-allow"), "{doc}");
    git(root, &["tag", "-d", "v2.4.0"]);

    let stale =
        format!("{example}\n[[allow]]\nrule = \"table-removed\"\nobject = \"./orders\"\npath = \"./migrations/**\"\nreason = \"gone\"\n");
    write(&root.join("rollsafe.toml"), &stale);
    let out = rollsafe(root, &["check", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let finding = &doc["findings"][0];
    assert_eq!(finding["rule"], "unused-suppression", "{doc}");
    assert_eq!(finding["path"], "rollsafe.toml");
    let line = stale[..stale.rfind("[[allow]]").expect("entry")].lines().count() + 1;
    assert_eq!(finding["range"]["start"]["line"], line, "{doc}");
}

/// `-transitive` modes check against every earlier release, and name the release a finding breaks:
/// a field that got its default in v1.1.0 may go under `full`, not under `full-transitive`, whose
/// v1.0.0 readers have no default for it.
#[test]
fn transitive_modes_check_every_earlier_release() {
    let repo = repo::released_repo("CREATE TABLE users (id bigint PRIMARY KEY);\n");
    let root = repo.path();
    let order = |legacy: &str| {
        format!(r#"{{"type": "record", "name": "Order", "namespace": "acme", "fields": [{{"name": "id", "type": "long"}}{legacy}]}}"#)
    };
    write(&root.join("events/order.avsc"), &order(r#", {"name": "legacy", "type": "string"}"#));
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "order events"]);
    git(root, &["tag", "-f", "v1.0.0"]);
    write(&root.join("events/order.avsc"), &order(r#", {"name": "legacy", "type": "string", "default": ""}"#));
    git(root, &["commit", "-q", "-am", "legacy gets a default"]);
    git(root, &["tag", "v1.1.0"]);
    write(&root.join("events/order.avsc"), &order(""));

    let out = rollsafe(root, &["check"]);
    assert_eq!(out.status.code(), Some(0), "against v1.1.0 alone the removal is safe: {}", stdout(&out));
    // By flag, then by path in the configuration.
    let by_path = "[contracts.paths.\"events/**\"]\ncompat = \"forward-transitive\"\n";
    for (args, config) in
        [(vec!["check", "--compat", "full-transitive", "--format", "json"], None), (vec!["check", "--format", "json"], Some(by_path))]
    {
        if let Some(config) = config {
            write(&root.join("rollsafe.toml"), config);
        }
        let out = rollsafe(root, &args);
        assert_eq!(out.status.code(), Some(1), "{}{}", stdout(&out), stderr(&out));
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let findings = doc["findings"].as_array().expect("findings");
        assert_eq!(findings.len(), 1, "{doc}");
        assert_eq!(findings[0]["rule"], "avro-field-removed");
        assert!(findings[0]["message"].as_str().expect("message").contains("v1.0.0"), "{doc}");
        assert_eq!(findings[0]["related"][0]["release"], "v1.0.0", "{doc}");
    }
}

/// Every format fails on the same findings: exit 1 on errors, or on warnings too with
/// `--fail-on warning`; 0 otherwise; 2 for a usage error, whatever the format.
#[test]
fn exit_codes_are_the_same_in_every_format() {
    let repo = repo_with_release();
    let root = repo.path();
    // A warning only: a CHECK constraint N-1's writes may violate.
    write(&root.join("migrations/0002_check.sql"), "ALTER TABLE users ADD CONSTRAINT named CHECK (full_name <> '');\n");
    for format in ["human", "json", "sarif", "github", "gitlab", "junit"] {
        let out = rollsafe(root, &["check", "--format", format]);
        assert_eq!(out.status.code(), Some(0), "{format}: {}", stdout(&out));
        assert!(stdout(&out).contains("constraint-added"), "{format} reports the warning: {}", stdout(&out));
        let strict = rollsafe(root, &["check", "--format", format, "--fail-on", "warning"]);
        assert_eq!(strict.status.code(), Some(1), "{format} --fail-on warning");
    }
    write(&root.join("migrations/0003_drop.sql"), DROP);
    for format in ["human", "json", "sarif", "github", "gitlab", "junit"] {
        let out = rollsafe(root, &["check", "--format", format]);
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stdout(&out));
        assert!(stdout(&out).contains("column-removed"), "{format}: {}", stdout(&out));
    }
    assert_input_error(&rollsafe(root, &["check", "--format", "xml"]), "invalid value 'xml'");
    assert_input_error(&rollsafe(root, &["check", "--fail-on", "info"]), "invalid value 'info'");
    assert_input_error(&rollsafe(root, &["check", "--format", "sarif", "--against", "no-such-rev"]), "no-such-rev");
}

/// `--quiet` prints the findings and nothing else; colour follows `--color`, then `NO_COLOR`,
/// then `CLICOLOR_FORCE`, then whether stdout is a terminal (here it is a pipe).
#[test]
fn quiet_and_colour() {
    let repo = repo_with_release();
    let root = repo.path();
    let quiet = rollsafe(root, &["check", "--quiet"]);
    assert_eq!(quiet.status.code(), Some(0));
    assert_eq!(stdout(&quiet), "", "nothing to say");
    write(&root.join("migrations/0002_drop.sql"), DROP);
    let quiet = rollsafe(root, &["check", "-q"]);
    assert_eq!(quiet.status.code(), Some(1));
    assert!(stdout(&quiet).contains("column-removed") && !stdout(&quiet).contains("checked "), "{}", stdout(&quiet));

    let escape = |out: &std::process::Output| stdout(out).contains('\u{1b}');
    let plain = support::rollsafe_with(root, &["check"], &[]);
    assert!(!escape(&plain), "a pipe with NO_COLOR gets no colour");
    assert!(escape(&support::rollsafe_with(root, &["check", "--color", "always"], &[])), "--color always wins over NO_COLOR");
    assert!(!escape(&support::rollsafe_with(root, &["check", "--color", "never"], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "")])));
    assert!(escape(&support::rollsafe_with(root, &["check"], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "")])), "CLICOLOR_FORCE on a pipe");
    assert!(!escape(&support::rollsafe_with(root, &["check", "--format", "json", "--color", "always"], &[])), "documents have no colour");
}

/// Files in hidden folders (`.schema/`, `.db/migrations`) are read from the working tree as they
/// are from a git baseline: unchanged, they are not reported as removed; changed, they are checked.
#[test]
fn hidden_folders_are_read_on_both_sides() {
    let repo = repo_with_release();
    let root = repo.path();
    write(&root.join(".db/migrations/0001_init.up.sql"), INIT);
    write(&root.join(".db/migrations/0001_init.down.sql"), "DROP TABLE users;\n");
    write(&root.join(".proto/shop/v1/user.proto"), "syntax = \"proto3\";\npackage shop.v1;\nmessage User { int64 id = 1; }\n");
    write(&root.join(".schema/config.schema.json"), r#"{"type": "object", "properties": {"port": {"type": "integer"}}}"#);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "hidden folders"]);
    git(root, &["tag", "v1.1.0"]);
    write(&root.join("README.md"), "unrelated\n");
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "unrelated"]);
    let out = rollsafe(root, &["check", "--against", "v1.1.0", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(support::json(&out)["findings"], serde_json::json!([]), "unchanged files are not removed");

    write(&root.join(".db/migrations/0002_drop.up.sql"), DROP);
    write(&root.join(".db/migrations/0002_drop.down.sql"), "ALTER TABLE users ADD COLUMN full_name text;\n");
    let out = rollsafe(root, &["check", "--against", "v1.1.0"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains(".db/migrations/0002_drop.up.sql"), "{}", stdout(&out));
}
