//! The pre-commit hook as users install it: the real `pre-commit` (PyPI) installs this
//! repository's hook (`.pre-commit-hooks.yaml` and the root `pyproject.toml`), which pulls the
//! `rollsafe` wheel built by maturin, in a throwaway git repository with a release tag. The
//! configuration used is the README's, with the repository's address swapped for a local copy.
//!
//! - a staged breaking migration fails the commit, with the finding shown;
//! - a safe migration commits;
//! - a staged `.proto` change is checked too;
//! - findings in files that are not staged are not reported (a breaking migration committed
//!   earlier with `--no-verify` does not block an unrelated commit).
//!
//! `.ci/run` builds the wheel and sets `ROLLSAFE_WHEELS` (the folder holding it),
//! `ROLLSAFE_PRE_COMMIT` (the `pre-commit` executable) and `ROLLSAFE_PRE_COMMIT_REQUIRED=1`;
//! elsewhere the test is skipped unless that is set.

use std::path::Path;
use std::process::{Command, Output};

fn git(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .args([
            "-c",
            "user.name=rollsafe",
            "-c",
            "user.email=ci@rollsafe.invalid",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("git runs")
}

fn ok(out: Output, what: &str) -> String {
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{what} failed:\n{text}");
    text
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// The README's pre-commit configuration: the YAML block of its pre-commit section.
fn readme_config() -> String {
    let readme = std::fs::read_to_string(rollsafe_tests::repo_root().join("README.md")).expect("README");
    let section = readme.split("\n### pre-commit").nth(1).expect("the README has a pre-commit section");
    let block = section.split("```yaml\n").nth(1).expect("with a YAML block").split("```").next().expect("closed");
    assert!(block.contains("id: rollsafe"), "{block}");
    block.to_string()
}

#[test]
fn the_hook_fails_breaking_commits_and_passes_safe_ones() {
    let (Some(wheels), Some(pre_commit)) = (std::env::var_os("ROLLSAFE_WHEELS"), std::env::var_os("ROLLSAFE_PRE_COMMIT")) else {
        assert!(
            std::env::var_os("ROLLSAFE_PRE_COMMIT_REQUIRED").is_none(),
            "ROLLSAFE_PRE_COMMIT_REQUIRED is set without ROLLSAFE_WHEELS and ROLLSAFE_PRE_COMMIT"
        );
        eprintln!("skipped: set ROLLSAFE_WHEELS (the rollsafe wheel's folder) and ROLLSAFE_PRE_COMMIT");
        return;
    };
    let root = rollsafe_tests::repo_root();
    let tmp = tempfile::tempdir().expect("tempdir");

    // The hook repository: what pre-commit reads of this one.
    let hooks = tmp.path().join("hooks");
    std::fs::create_dir_all(&hooks).expect("mkdir");
    for file in [".pre-commit-hooks.yaml", "pyproject.toml"] {
        std::fs::copy(root.join(file), hooks.join(file)).expect("copy");
    }
    ok(git(&hooks, &["init", "-q"]), "git init");
    ok(git(&hooks, &["add", "."]), "git add");
    ok(git(&hooks, &["commit", "-q", "-m", "hooks"]), "git commit");
    let rev = String::from_utf8(git(&hooks, &["rev-parse", "HEAD"]).stdout).expect("sha").trim().to_string();

    // The project: release v1.0.0 with a migration history and a Protobuf file.
    let project = tmp.path().join("project");
    std::fs::create_dir_all(&project).expect("mkdir");
    ok(git(&project, &["init", "-q"]), "git init");
    write(&project, "db/migrations/0001_init.sql", "CREATE TABLE users (id bigint PRIMARY KEY, full_name text, email text);\n");
    write(
        &project,
        "proto/shop/v1/user.proto",
        "syntax = \"proto3\";\npackage shop.v1;\n\nmessage User {\n  int64 id = 1;\n  string email = 2;\n}\n",
    );
    let config = readme_config()
        .replace("https://github.com/rollsafe/rollsafe", &format!("file://{}", hooks.display()))
        .replace(&format!("rev: v{}", env!("CARGO_PKG_VERSION")), &format!("rev: {rev}"));
    assert!(config.contains(&rev), "the README's configuration names the release v{}: {config}", env!("CARGO_PKG_VERSION"));
    write(&project, ".pre-commit-config.yaml", &config);
    ok(git(&project, &["add", "."]), "git add");
    ok(git(&project, &["commit", "-q", "-m", "v1.0.0"]), "git commit");
    ok(git(&project, &["tag", "v1.0.0"]), "git tag");

    let home = tmp.path().join("pre-commit-home");
    let run_pre_commit = |args: &[&str]| {
        Command::new(&pre_commit)
            .args(args)
            .current_dir(&project)
            .env("PRE_COMMIT_HOME", &home)
            // The wheel is not on PyPI yet: pip finds it here (setuptools still comes from the index).
            .env("PIP_FIND_LINKS", &wheels)
            .env_remove("CI")
            .output()
            .expect("pre-commit runs")
    };
    ok(run_pre_commit(&["install"]), "pre-commit install");
    let commit = |message: &str| {
        let out = Command::new("git")
            .args(["-c", "user.name=rollsafe", "-c", "user.email=ci@rollsafe.invalid", "commit", "-m", message])
            .current_dir(&project)
            .env("PRE_COMMIT_HOME", &home)
            .env("PIP_FIND_LINKS", &wheels)
            .env_remove("CI")
            .output()
            .expect("git commit runs");
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status.success(), text)
    };

    // A breaking migration fails the commit, and the finding is shown.
    write(&project, "db/migrations/0002_drop_full_name.sql", "ALTER TABLE users DROP COLUMN full_name;\n");
    ok(git(&project, &["add", "db/migrations/0002_drop_full_name.sql"]), "git add");
    let (committed, output) = commit("drop full_name");
    eprintln!("the breaking commit, as its author sees it:\n{output}");
    assert!(!committed, "the breaking commit must fail:\n{output}");
    assert!(output.contains("column-removed") && output.contains("users.full_name"), "{output}");
    assert!(output.contains("0002_drop_full_name.sql"), "{output}");

    // A safe one commits.
    ok(git(&project, &["rm", "-q", "--cached", "db/migrations/0002_drop_full_name.sql"]), "git rm");
    std::fs::remove_file(project.join("db/migrations/0002_drop_full_name.sql")).expect("rm");
    write(&project, "db/migrations/0002_add_nickname.sql", "ALTER TABLE users ADD COLUMN nickname text;\n");
    ok(git(&project, &["add", "db/migrations/0002_add_nickname.sql"]), "git add");
    let (committed, output) = commit("add nickname");
    assert!(committed, "the safe commit must pass:\n{output}");
    assert!(output.contains("rollsafe"), "the hook ran:\n{output}");

    // A staged .proto change is checked too.
    write(&project, "proto/shop/v1/user.proto", "syntax = \"proto3\";\npackage shop.v1;\n\nmessage User {\n  int64 id = 1;\n}\n");
    ok(git(&project, &["add", "proto/shop/v1/user.proto"]), "git add");
    let (committed, output) = commit("drop email from the contract");
    assert!(!committed, "the breaking .proto change must fail the commit:\n{output}");
    assert!(output.contains("proto-field-removed") || output.contains("field-removed"), "{output}");
    ok(git(&project, &["checkout", "-q", "HEAD", "--", "proto/shop/v1/user.proto"]), "git checkout");

    // Only the staged files' findings are reported: a breaking migration committed without the
    // hook does not block a commit that does not touch it.
    write(&project, "db/migrations/0003_drop_email.sql", "ALTER TABLE users DROP COLUMN email;\n");
    ok(git(&project, &["add", "db/migrations/0003_drop_email.sql"]), "git add");
    ok(git(&project, &["-c", "core.hooksPath=/dev/null", "commit", "-q", "--no-verify", "-m", "drop email"]), "commit --no-verify");
    write(&project, "db/migrations/0004_add_city.sql", "ALTER TABLE users ADD COLUMN city text;\n");
    ok(git(&project, &["add", "db/migrations/0004_add_city.sql"]), "git add");
    let (committed, output) = commit("add city");
    assert!(committed, "findings outside the staged files do not block:\n{output}");
    assert!(!output.contains("users.email"), "{output}");
}

/// The hook's package asks for the wheel of this very version.
#[test]
fn the_hook_package_pins_this_version() {
    let root = rollsafe_tests::repo_root();
    let shim = std::fs::read_to_string(root.join("pyproject.toml")).expect("pyproject.toml");
    let version = env!("CARGO_PKG_VERSION");
    assert!(shim.contains(&format!("version = \"{version}\"")), "the hook package's version is {version}");
    assert!(shim.contains(&format!("dependencies = [\"rollsafe=={version}\"]")), "it installs rollsafe {version}");
    let wheel = std::fs::read_to_string(root.join("crates/rollsafe/pyproject.toml")).expect("the wheel's pyproject.toml");
    assert!(wheel.contains("name = \"rollsafe\"") && wheel.contains("bindings = \"bin\""), "{wheel}");
}
