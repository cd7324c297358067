//! The README's CI examples, run as their CI services would run them: the GitHub Actions workflow
//! and the GitLab job are read from the README, and each `run:` or `script:` line that calls
//! rollsafe is run by bash in a repository with a release tag and a breaking migration, with
//! `CI=true`. What they write is what the upload steps name, in the format those services read.

#[path = "support/repo.rs"]
mod repo;

use std::path::Path;
use yaml_rust2::{Yaml, YamlLoader};

/// The first YAML block after a README heading.
fn readme_yaml(heading: &str) -> Yaml {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md")).expect("README");
    let section = readme.split(&format!("\n### {heading}")).nth(1).unwrap_or_else(|| panic!("README has `### {heading}`"));
    let block = section.split("```yaml\n").nth(1).expect("a YAML block").split("```").next().expect("closed");
    YamlLoader::load_from_str(block).expect("valid YAML").remove(0)
}

/// Runs a shell line as a CI runner does (bash, `-e`), with `rollsafe` the binary under test.
fn run(dir: &Path, line: &str) -> std::process::Output {
    let bin = Path::new(env!("CARGO_BIN_EXE_rollsafe")).parent().expect("bin dir").to_path_buf();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    std::process::Command::new("bash")
        .args(["-e", "-c", line])
        .current_dir(dir)
        .env("PATH", path)
        .env("CI", "true")
        .env("NO_COLOR", "1")
        .output()
        .expect("bash runs")
}

fn breaking_repo() -> tempfile::TempDir {
    let repo = repo::released_repo("CREATE TABLE users (id bigint PRIMARY KEY, full_name text);\n");
    repo::write(&repo.path().join("migrations/0002_drop.sql"), "ALTER TABLE users DROP COLUMN full_name;\n");
    repo
}

/// A line that installs rollsafe installs this version; the others run here.
fn installs_this_version(line: &str) -> bool {
    let installs = line.contains("pip install") || line.contains("pipx install");
    if installs {
        assert!(line.contains(&format!("rollsafe=={}", env!("CARGO_PKG_VERSION"))), "{line} installs this release");
    }
    installs
}

#[test]
fn the_github_actions_workflow_works_as_written() {
    let workflow = readme_yaml("GitHub Actions");
    assert_eq!(workflow["permissions"]["security-events"].as_str(), Some("write"), "uploading SARIF needs security-events: write");
    let steps = workflow["jobs"]["rollsafe"]["steps"].as_vec().expect("steps");
    assert_eq!(steps[0]["with"]["fetch-depth"].as_i64(), Some(0), "history and tags are fetched");
    let repo = breaking_repo();
    let mut ran = 0;
    for step in steps {
        if let Some(line) = step["run"].as_str() {
            if installs_this_version(line) {
                continue;
            }
            let out = run(repo.path(), line);
            let stdout = String::from_utf8_lossy(&out.stdout);
            if line.contains("--format github") {
                assert_eq!(out.status.code(), Some(1), "the last step fails the check on errors: {stdout}");
                assert!(stdout.contains("::error file=migrations/0002_drop.sql,line=1,col=19,"), "{stdout}");
            } else {
                assert!(out.status.success(), "{line}: findings do not stop the upload: {}", String::from_utf8_lossy(&out.stderr));
            }
            ran += 1;
        }
        if step["uses"].as_str().is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif")) {
            let file = step["with"]["sarif_file"].as_str().expect("sarif_file");
            let sarif: serde_json::Value =
                serde_json::from_slice(&std::fs::read(repo.path().join(file)).expect("an earlier step wrote it")).expect("JSON");
            assert_eq!(sarif["version"], "2.1.0");
            let result = &sarif["runs"][0]["results"][0];
            assert_eq!(result["ruleId"], "column-removed");
            assert_eq!(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "migrations/0002_drop.sql");
        }
    }
    assert_eq!(ran, 2, "both rollsafe steps ran");
}

#[test]
fn the_gitlab_job_works_as_written() {
    let pipeline = readme_yaml("GitLab CI");
    let job = &pipeline["rollsafe"];
    assert_eq!(job["variables"]["GIT_DEPTH"].as_i64(), Some(0), "history is fetched");
    assert_eq!(job["artifacts"]["when"].as_str(), Some("always"), "reports are kept when the job fails");
    let repo = breaking_repo();
    let script = job["script"].as_vec().expect("script");
    let lines: Vec<&str> = script.iter().filter_map(Yaml::as_str).filter(|l| !installs_this_version(l)).collect();
    assert_eq!(lines.len(), 2);
    let report = run(repo.path(), lines[0]);
    assert!(report.status.success(), "findings do not stop the report: {}", String::from_utf8_lossy(&report.stderr));
    let failing = run(repo.path(), lines[1]);
    assert_eq!(failing.status.code(), Some(1), "the job fails on errors");

    let reports = &job["artifacts"]["reports"];
    let quality = reports["codequality"].as_str().expect("codequality");
    let issues: serde_json::Value = serde_json::from_slice(&std::fs::read(repo.path().join(quality)).expect("written")).expect("JSON");
    assert_eq!(issues[0]["check_name"], "column-removed");
    assert_eq!(issues[0]["severity"], "critical");
    assert_eq!(issues[0]["location"]["path"], "migrations/0002_drop.sql");
    let junit = std::fs::read_to_string(repo.path().join(reports["junit"].as_str().expect("junit"))).expect("written");
    assert!(junit.contains("<testcase classname=\"rollsafe\" name=\"migrations/0002_drop.sql\""), "{junit}");
    assert!(junit.contains("<failure message=\"1 error\" type=\"column-removed\">"), "{junit}");
}
