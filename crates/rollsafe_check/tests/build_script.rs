//! `rollsafe_check::build` as a build script uses it: directives on standard output, the build
//! failing exactly when the release breaks N-1 at the chosen level.

use rollsafe_check::Severity;
use rollsafe_check::build::Check;

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

const INIT: &str = "CREATE TABLE users (id bigint PRIMARY KEY, name text);\n";

fn run(check: Check) -> (Result<rollsafe_check::Report, rollsafe_check::build::Failed>, String) {
    let mut out = Vec::new();
    let result = check.run_with_output(&mut out);
    (result, String::from_utf8(out).expect("UTF-8"))
}

#[test]
fn a_safe_release_builds_and_reruns_when_a_schema_changes() {
    let dir = tree(&[
        ("v1/m/0001_init.sql", INIT),
        ("v2/m/0001_init.sql", INIT),
        ("v2/m/0002_add.sql", "ALTER TABLE users ADD COLUMN nick text;\n"),
    ]);
    let (result, out) = run(Check::in_dir(dir.path().join("v2")).against("../v1"));
    assert!(result.is_ok(), "{out}");
    assert!(!out.contains("cargo:warning"), "{out}");
    for needle in ["v2/m/0001_init.sql", "v2/m/0002_add.sql", "v2/m\n"] {
        assert!(out.contains(needle), "rerun-if-changed for {needle}: {out}");
    }
    assert!(out.lines().all(|l| l.starts_with("cargo:rerun-if-changed=")), "{out}");
}

#[test]
fn warnings_fail_only_when_asked_and_bad_input_fails_with_its_reason() {
    let check = "ALTER TABLE users ADD CONSTRAINT c CHECK (name <> '');\n";
    let dir = tree(&[("v1/m/0001_init.sql", INIT), ("v2/m/0001_init.sql", INIT), ("v2/m/0002_check.sql", check)]);
    let (result, out) = run(Check::in_dir(dir.path().join("v2")).against("../v1"));
    assert!(result.is_ok());
    assert!(out.contains("cargo:warning=rollsafe: warning[constraint-added] m/0002_check.sql:1:"), "{out}");
    let (result, _) = run(Check::in_dir(dir.path().join("v2")).against("../v1").fail_on(Severity::Warning));
    let failed = result.expect_err("warnings fail the build when asked");
    assert!(failed.to_string().contains("failing on warnings"), "{failed}");

    std::fs::write(dir.path().join("v2/rollsafe.toml"), "bogus = 1\n").expect("write");
    let (result, out) = run(Check::in_dir(dir.path().join("v2")).against("../v1"));
    let failed = result.expect_err("a broken configuration fails the build");
    assert!(failed.to_string().contains("bogus"), "{failed}");
    assert!(out.contains("rollsafe.toml"), "a fix to the configuration reruns the script: {out}");
}
