//! rollsafe on repositories built to fool or hurt it, as a pull request from anyone can be: a check
//! that would compare nothing must not pass, nothing outside the repository is read or shown,
//! nothing a repository holds reaches the terminal raw, and size does not crash it.

#[path = "support/repo.rs"]
mod repo;
#[path = "support/cli.rs"]
mod support;

use repo::{git, write};
use std::path::Path;
use support::{assert_input_error, json, rollsafe, rollsafe_with, stderr, stdout};

const INIT: &str = "CREATE TABLE users (id bigint PRIMARY KEY, full_name text);\n";
const DROP: &str = "ALTER TABLE users DROP COLUMN full_name;\n";

/// A release v1.0.0 and, committed on top of it, a migration that breaks it.
fn released_then_broken() -> tempfile::TempDir {
    let repo = repo::released_repo(INIT);
    write(&repo.path().join("migrations/0002_drop.sql"), DROP);
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-q", "-m", "drop"]);
    repo
}

#[cfg(unix)]
fn symlink(target: impl AsRef<Path>, link: impl AsRef<Path>) {
    std::os::unix::fs::symlink(target, link).expect("symlink");
}

// 1. A check must never pass because it compared nothing.

/// CI checkouts are shallow and fetch no tags: the release is not there to compare with.
#[test]
fn a_shallow_clone_without_tags_fails_in_ci_and_warns_outside() {
    let origin = released_then_broken();
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("file://{}", origin.path().display());
    git(dir.path(), &["clone", "-q", "--depth", "1", &url, "clone"]);
    let clone = dir.path().join("clone");

    let ci = rollsafe_with(&clone, &["check"], &[("CI", "true")]);
    assert_input_error(&ci, "shallow clone");
    assert!(stderr(&ci).contains("git fetch --tags --unshallow") && stderr(&ci).contains("fetch-depth: 0"), "{}", stderr(&ci));
    assert_input_error(&rollsafe(&clone, &["check", "--ci"]), "--against REV");

    let local = rollsafe(&clone, &["check"]);
    assert_eq!(local.status.code(), Some(0), "{}", stderr(&local));
    assert!(stdout(&local).starts_with("warning: this is a shallow clone"), "{}", stdout(&local));
    let doc = json(&rollsafe(&clone, &["check", "--format", "json"]));
    assert_eq!(doc["summary"]["notices"][0]["kind"], "baseline-not-a-release", "{doc}");

    // Fetching what the message says makes the release found, and the drop reported.
    git(&clone, &["fetch", "-q", "--tags", "--unshallow"]);
    let fetched = rollsafe_with(&clone, &["check"], &[("CI", "true")]);
    assert_eq!(fetched.status.code(), Some(1), "{}", stderr(&fetched));
    assert!(stdout(&fetched).contains("column-removed"));
    // An explicit baseline is always honest.
    assert_eq!(rollsafe_with(&clone, &["check", "--against", "v1.0.0"], &[("CI", "1")]).status.code(), Some(1));
}

/// On the default branch without release tags the baseline is HEAD itself: in CI the working tree
/// is HEAD, so nothing would be compared.
#[test]
fn head_as_baseline_fails_in_ci() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    write(&root.join("migrations/0001_init.sql"), INIT);
    write(&root.join("migrations/0002_drop.sql"), DROP);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "all"]);
    assert_input_error(&rollsafe_with(root, &["check"], &[("CI", "true")]), "no release tag");
    let local = rollsafe(root, &["check"]);
    assert_eq!(local.status.code(), Some(0));
    assert!(stdout(&local).contains("warning: no release tag"), "{}", stdout(&local));
    // CI=false is not CI.
    assert_eq!(rollsafe_with(root, &["check"], &[("CI", "false")]).status.code(), Some(0));
}

/// A release pipeline: HEAD is the newest release and the working tree is exactly it. Comparing it
/// with itself would pass anything; N-1 is the release before. With uncommitted changes, they are
/// what is checked, against HEAD's release.
#[test]
fn a_release_checks_against_the_release_before_it() {
    let repo = released_then_broken();
    let root = repo.path();
    git(root, &["tag", "v1.1.0"]);
    let out = rollsafe_with(root, &["check"], &[("CI", "true")]);
    assert_eq!(out.status.code(), Some(1), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("against v1.0.0 (previous release; HEAD is v1.1.0)"), "{}", stdout(&out));
    write(&root.join("migrations/0003_more.sql"), "ALTER TABLE users ADD COLUMN note text;\n");
    let out = rollsafe(root, &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("against v1.1.0 (latest release tag)"), "{}", stdout(&out));

    // The first release has nothing before it: in CI that is no honest baseline.
    let first = repo::released_repo(INIT);
    assert_input_error(&rollsafe_with(first.path(), &["check"], &[("CI", "true")]), "the first release tag");

    // A tag-push checkout: shallow, with only the release's own tag. The reason is the shallowness.
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("file://{}", root.display());
    git(dir.path(), &["clone", "-q", "--depth", "1", "--branch", "v1.1.0", &url, "clone"]);
    let out = rollsafe_with(&dir.path().join("clone"), &["check"], &[("CI", "true")]);
    assert_input_error(&out, "this is a shallow clone: HEAD is release v1.1.0");
    assert!(stderr(&out).contains("--unshallow"), "{}", stderr(&out));
}

/// The same release tagged twice (`18.5.0`, then `v18.5.0` after a packaging fix): the release
/// before it is one with a lower version, not the other spelling of the same one.
#[test]
fn a_retagged_release_is_not_its_own_previous_release() {
    let repo = repo::released_repo(INIT);
    let root = repo.path();
    write(&root.join("migrations/0002_drop.sql"), DROP);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "drop"]);
    git(root, &["tag", "1.1.0"]);
    write(&root.join("packaging.txt"), "fixed\n");
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "packaging"]);
    git(root, &["tag", "v1.1.0"]);
    let out = rollsafe_with(root, &["check"], &[("CI", "true")]);
    assert_eq!(out.status.code(), Some(1), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("against v1.0.0 (previous release; HEAD is v1.1.0)"), "{}", stdout(&out));
}

/// SQL files that form no history of a known layout: nothing is compared, and the user hears it.
#[test]
fn sql_files_without_a_known_layout_are_reported() {
    let repo = repo::released_repo(INIT);
    let root = repo.path();
    std::fs::remove_dir_all(root.join("migrations")).expect("rm");
    write(&root.join("db/initial_schema.up.sql"), INIT);
    write(&root.join("db/drop_full_name.up.sql"), DROP);
    let out = rollsafe(root, &["check", "--against", "HEAD", "--format", "json"]);
    let doc = json(&out);
    let notices = doc["summary"]["notices"].to_string();
    assert!(notices.contains("nothing-recognised") && notices.contains("none of the 2 SQL files"), "{doc}");
}

#[test]
fn an_empty_baseline_is_refused() {
    let repo = released_then_broken();
    let root = repo.path();
    assert_input_error(&rollsafe(root, &["check", "--against", ""]), "--against needs a git revision or a directory");
    assert_input_error(&rollsafe(root, &["check", "--against", "  "]), "--against needs");
    assert_input_error(&rollsafe(root, &["check", "--against", "."]), "is the working tree itself");
    write(&root.join("rollsafe.toml"), "baseline = \"\"\n");
    assert_input_error(&rollsafe(root, &["check"]), "baseline: must name a git revision or a directory");
}

/// An empty or unrelated baseline directory makes every migration new: nothing would be compared.
#[test]
fn a_baseline_without_the_histories_is_reported() {
    let repo = released_then_broken();
    let root = repo.path();
    let empty = tempfile::tempdir().expect("tempdir");
    let other = tempfile::tempdir().expect("tempdir");
    write(&other.path().join("elsewhere/V1__unrelated.sql"), "CREATE TABLE x (a int);\n");
    for baseline in [empty.path(), other.path()] {
        let against = baseline.to_str().expect("utf-8 path");
        assert_input_error(&rollsafe_with(root, &["check", "--against", against], &[("CI", "true")]), "holds none of the");
        let local = rollsafe(root, &["check", "--against", against, "--format", "json"]);
        assert_eq!(json(&local)["summary"]["notices"][0]["kind"], "baseline-unrelated", "{}", stderr(&local));
    }
    // The release that introduces the history says so.
    let against = empty.path().to_str().expect("utf-8 path");
    let accepted = rollsafe_with(root, &["check", "--against", against, "--allow-empty-baseline"], &[("CI", "true")]);
    assert_eq!(accepted.status.code(), Some(0), "{}", stderr(&accepted));
    assert!(!stdout(&accepted).contains("warning:"), "{}", stdout(&accepted));
}

/// A migration that is a symbolic link to another file of the repository is read (on both sides);
/// links that lead outside, or nowhere, are reported as skipped, never read.
#[cfg(unix)]
#[test]
fn symlinked_migrations_are_read_or_reported() {
    let repo = repo::released_repo(INIT);
    let root = repo.path();
    write(&root.join("shared/drop.sql.txt"), DROP);
    symlink("../shared/drop.sql.txt", root.join("migrations/0002_drop.sql"));
    let out = rollsafe(root, &["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("column users.full_name is removed"), "{}", stdout(&out));

    // Released as a link: the baseline reads it through the link too, so it is not new (a change on
    // top keeps v1.1.0 the baseline).
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "link"]);
    git(root, &["tag", "v1.1.0"]);
    write(&root.join("migrations/0003_note.sql"), "ALTER TABLE users ADD COLUMN note text;\n");
    let out = rollsafe(root, &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    symlink("/etc/passwd", root.join("migrations/0003_passwd.sql"));
    symlink("missing.sql", root.join("migrations/0004_dangling.sql"));
    let out = rollsafe(root, &["check", "--format", "json"]);
    let text = stdout(&out);
    assert!(!text.contains("root:"), "the target is never read: {text}");
    let warnings = json(&out)["summary"]["notices"].to_string();
    assert!(warnings.contains("0003_passwd.sql") && warnings.contains("outside the workspace"), "{warnings}");
    assert!(warnings.contains("0004_dangling.sql") && warnings.contains("does not exist"), "{warnings}");
}

/// Special files are refused without being read: a FIFO would block, /dev/zero would never end.
#[cfg(unix)]
#[test]
fn special_files_are_refused_without_reading() {
    let repo = released_then_broken();
    let root = repo.path();
    let status = std::process::Command::new("mkfifo").arg(root.join("migrations/0003_fifo.sql")).status().expect("mkfifo");
    assert!(status.success());
    let out = rollsafe(root, &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(json(&out)["summary"]["notices"].to_string().contains("a FIFO"));
    std::fs::remove_file(root.join("migrations/0003_fifo.sql")).expect("rm");

    assert_input_error(&rollsafe(root, &["check", "--config", "/dev/zero"]), "a character device, not a regular file");
    let status = std::process::Command::new("mkfifo").arg(root.join("rollsafe.toml")).status().expect("mkfifo");
    assert!(status.success());
    assert_input_error(&rollsafe(root, &["check"]), "a FIFO, not a regular file");
}

// 2. Nothing outside the repository is read or shown.

#[cfg(unix)]
#[test]
fn a_config_outside_the_repository_is_refused_without_echoing_it() {
    let repo = released_then_broken();
    let root = repo.path();
    let secret = tempfile::tempdir().expect("tempdir");
    write(&secret.path().join("token"), "GITHUB_TOKEN=ghp_SECRET\n");
    symlink(secret.path().join("token"), root.join("rollsafe.toml"));
    let out = rollsafe(root, &["check"]);
    assert_input_error(&out, "rollsafe.toml: resolves outside the workspace");
    assert!(!stderr(&out).contains("SECRET"));
    std::fs::remove_file(root.join("rollsafe.toml")).expect("rm");
    symlink("/proc/self/environ", root.join("rollsafe.toml"));
    assert_input_error(&rollsafe_with(root, &["check"], &[("SECRET_VALUE", "hunter2")]), "outside the workspace");

    // Named on the command line, a file that is not a configuration is refused by position only.
    let out = rollsafe(root, &["check", "--config", secret.path().join("token").to_str().expect("utf-8")]);
    assert_input_error(&out, "line 1, column");
    assert!(!stderr(&out).contains("SECRET"), "{}", stderr(&out));
}

#[test]
fn configured_paths_must_exist() {
    let repo = released_then_broken();
    let root = repo.path();
    write(&root.join("rollsafe.toml"), "[sql]\nmigrations = [\"db/migrate\"]\n");
    assert_input_error(&rollsafe(root, &["check"]), "[sql] migrations: `db/migrate` is not a directory of the workspace");
    write(&root.join("rollsafe.toml"), "[sql]\nschemas = [\"db/structure.sql\"]\n");
    assert_input_error(&rollsafe(root, &["check"]), "[sql] schemas: `db/structure.sql` is not an SQL file");
    write(&root.join("rollsafe.toml"), "[sql]\nschemas = [\"nowhere/**/*.sql\"]\n");
    assert_input_error(&rollsafe(root, &["check"]), "matches no SQL file");
    write(&root.join("rollsafe.toml"), "[sql]\nmigrations = [\"migrations\"]\n");
    assert_eq!(rollsafe(root, &["check"]).status.code(), Some(1));
}

/// A file outside every history that is not UTF-8 costs a note, not the check; a migration that is
/// not UTF-8 stops it, since its history cannot be replayed.
#[test]
fn an_undecodable_file_outside_any_history_is_skipped_with_a_note() {
    let repo = released_then_broken();
    let root = repo.path();
    std::fs::create_dir_all(root.join("notes")).expect("mkdir");
    std::fs::write(root.join("notes/query.sql"), b"SELECT '\xff';\n").expect("write");
    let out = rollsafe(root, &["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("warning: skipped notes/query.sql: not valid UTF-8"), "{}", stdout(&out));
    std::fs::write(root.join("migrations/0003_bad.sql"), b"SELECT '\xff';\n").expect("write");
    assert_input_error(
        &rollsafe(root, &["check"]),
        "migrations/0003_bad.sql: not valid UTF-8 (invalid byte at offset 8); it is a migration",
    );
    // A .proto file is part of its module whatever its place: the error says so, not "migration".
    std::fs::remove_file(root.join("migrations/0003_bad.sql")).expect("rm");
    std::fs::create_dir_all(root.join("proto")).expect("mkdir");
    std::fs::write(root.join("proto/bad.proto"), b"syntax = \"proto3\"; // \xff\n").expect("write");
    assert_input_error(&rollsafe(root, &["check"]), "proto/bad.proto: not valid UTF-8 (invalid byte at offset 22); it is a .proto file");
}

/// File names, identifiers and source lines reach the terminal escaped: a migration cannot set the
/// terminal's title, clear the screen or reverse the text around it.
#[test]
fn control_characters_and_escape_sequences_are_printed_escaped() {
    let repo = repo::released_repo("CREATE TABLE users (id bigint PRIMARY KEY, \"evil\u{1b}[2Jname\" text);\n");
    let root = repo.path();
    let name = "0002_\u{1b}]0;pwned\u{7}.sql";
    write(
        &root.join("migrations").join(name),
        "-- \u{1b}[31mred\u{202e} reversed\rback\nALTER TABLE users DROP COLUMN \"evil\u{1b}[2Jname\";\n",
    );
    let out = rollsafe(root, &["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    for raw in ['\u{1b}', '\u{7}', '\u{202e}', '\r'] {
        assert!(!text.contains(raw), "raw {raw:?} in output: {text:?}");
    }
    assert!(text.contains("0002_\\x1b]0;pwned\\x07.sql"), "file name escaped: {text}");
    assert!(text.contains("evil\\x1b[2Jname"), "identifier escaped: {text}");
    assert!(text.contains("\\u{202e} reversed\\rback"), "source line escaped: {text}");
    // The JSON document carries the exact text (JSON escapes control characters itself).
    let doc = json(&rollsafe(root, &["check", "--format", "json"]));
    assert_eq!(doc["findings"][0]["object"], "users.\"evil\u{1b}[2Jname\"");

    // Input echoed in an error is escaped and capped too.
    let long = format!("\u{1b}]0;x\u{7}{}", "v".repeat(5000));
    let out = rollsafe(root, &["check", "--against", &long]);
    assert_input_error(&out, "unknown revision `\\x1b]0;x\\x07vvv");
    assert!(stderr(&out).len() < 400, "{}", stderr(&out));
}

// 3. No crash, whatever the size.

/// A one-line schema dump: the finding is past column 65,535, where the renderer used to panic.
#[test]
fn a_finding_far_into_a_long_line_is_shown_in_a_window() {
    let repo = repo::released_repo(INIT);
    let root = repo.path();
    let filler = "SELECT 1; ".repeat(20_000);
    write(&root.join("migrations/0002_one_line.sql"), &format!("{filler}{}", DROP.trim_end()));
    let out = rollsafe(root, &["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("0002_one_line.sql:1:200019]"), "the real line and column: {text}");
    assert!(text.contains(" │ …; SELECT 1;") && text.contains("SELECT 1; ALTER TABLE users DROP COLUMN full_name;\n"), "{text}");
    assert!(text.lines().all(|l| l.chars().count() < 400), "lines are windowed");
    assert!(text.lines().all(|l| !l.ends_with(' ')), "no trailing spaces");
}

/// Thousands of new migrations in one release (the CLI overflowed its stack at about 3,000).
#[test]
fn a_release_of_five_thousand_migrations() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (before, after) = (dir.path().join("before"), dir.path().join("after"));
    write(&before.join("migrations/00000_init.sql"), INIT);
    write(&after.join("migrations/00000_init.sql"), INIT);
    for n in 1..=5_000 {
        write(&after.join(format!("migrations/{n:05}_t.sql")), &format!("CREATE TABLE t{n} (id int);\n"));
    }
    write(&after.join("migrations/05001_drop.sql"), DROP);
    let out = rollsafe(&after, &["check", "--against", "../before"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("checked 5002 migrations"), "{}", stdout(&out));
}

/// A bug in replaying one statement costs that statement only: the rest of the release is still
/// analysed, the statement gets a note, and no panic text reaches the terminal.
#[test]
fn a_bug_on_one_statement_costs_that_statement_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (before, after) = (dir.path().join("before"), dir.path().join("after"));
    let init = format!("{INIT}CREATE TABLE rollsafe_diff_panic (id int, note text);\n");
    write(&before.join("migrations/0001_init.sql"), &init);
    write(&after.join("migrations/0001_init.sql"), &init);
    write(
        &after.join("migrations/0002_x.sql"),
        &format!("CREATE TABLE rollsafe_replay_panic (id int);\n{DROP}ALTER TABLE rollsafe_diff_panic DROP COLUMN note;\n"),
    );
    let out = rollsafe_with(&after, &["check", "--against", "../before"], &[("ROLLSAFE_TEST_REPLAY_PANIC", "1")]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("column-removed"), "the statement after the failing one is analysed: {text}");
    assert!(text.contains("rollsafe failed on this statement"), "the failing one gets a note: {text}");
    // A bug comparing one table costs that table: a note instead of its column-removed.
    assert!(text.contains("comparing table rollsafe_diff_panic failed inside rollsafe"), "{text}");
    assert_eq!(text.matches("× column").count(), 1, "{text}");
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    // Without the probe the same release has no note: the note is the probe's.
    let clean = rollsafe(&after, &["check", "--against", "../before"]);
    assert!(!stdout(&clean).contains("rollsafe failed"), "{}", stdout(&clean));
}
