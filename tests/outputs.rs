//! The CI formats as their consumers read them, one snapshot per format and fixture: SARIF (for
//! code scanning), GitHub workflow commands, GitLab Code Quality and JUnit XML. The fixtures are
//! chosen for what the formats must carry: errors, a warning and related places in N-1 (SQL), a suppression and
//! several files (Protobuf), JSON Pointers (Avro).
//!
//! Paths in these formats are relative to the top of the git repository, so each fixture is
//! copied to a folder of its own first: the snapshots then hold the same paths in a checkout, a
//! source archive or a worktree.

use rollsafe_check::render;
use rollsafe_check::{CheckOptions, Report, Severity};

const FIXTURES: &[&str] = &["mysql-basics", "proto-suppressions", "avro-every-incompatibility"];

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("readable fixture") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("named"));
        if path.is_dir() { copy_dir(&path, &target) } else { std::fs::copy(&path, &target).map(drop).expect("copy") }
    }
}

/// The fixture's check, run in a copy of it that is a git repository of its own (N-1 is a folder
/// of that repository).
fn check(name: &str) -> (tempfile::TempDir, Report) {
    check_in(name, "")
}

/// The same with the repository's top at `top` of the copy: `after` leaves N-1 outside the
/// repository, as a baseline read from git is.
fn check_in(name: &str, top: &str) -> (tempfile::TempDir, Report) {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&rollsafe_tests::fixtures_dir().join(name), dir.path());
    std::fs::create_dir_all(dir.path().join(top).join(".git")).expect("a repository top");
    let options = CheckOptions { against: Some("../before".into()), ..CheckOptions::in_dir(dir.path().join("after")) };
    let report = rollsafe_check::check(&options).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(!report.findings.is_empty(), "{name} has findings to render");
    (dir, report)
}

fn snapshot(format: &str, render: impl Fn(&Report) -> String) {
    for name in FIXTURES {
        let (_dir, report) = check(name);
        insta::with_settings!({
            snapshot_path => rollsafe_tests::repo_root().join("tests/snapshots"),
            prepend_module_to_snapshot => false,
            snapshot_suffix => name.to_string(),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(format!("outputs__{format}"), render(&report));
        });
    }
}

/// SARIF without the rule table, which holds every rule's documentation page (the rule table is
/// checked on its own below).
#[test]
fn sarif() {
    snapshot("sarif", |report| {
        let mut doc: serde_json::Value = serde_json::from_str(&render::sarif::render(report)).expect("SARIF is JSON");
        let rules = doc["runs"][0]["tool"]["driver"]["rules"].take();
        doc["runs"][0]["tool"]["driver"]["rules"] = serde_json::json!(format!("{} rules", rules.as_array().map_or(0, Vec::len)));
        doc["runs"][0]["tool"]["driver"]["version"] = "<version>".into();
        doc["runs"][0]["tool"]["driver"]["semanticVersion"] = "<version>".into();
        serde_json::to_string_pretty(&doc).expect("serialises")
    });
}

#[test]
fn sarif_rules_carry_their_documentation() {
    let (_dir, report) = check(FIXTURES[0]);
    let doc: serde_json::Value = serde_json::from_str(&render::sarif::render(&report)).expect("SARIF is JSON");
    let rules = doc["runs"][0]["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), rollsafe_core::registry::ALL.len());
    for rule in rules {
        let id = rule["id"].as_str().expect("id");
        let known = rollsafe_core::registry::lookup(id).expect("a rule rollsafe has");
        assert_eq!(rule["help"]["markdown"], known.page(), "{id}");
        for key in ["shortDescription", "fullDescription"] {
            let text = rule[key]["text"].as_str().expect("text");
            assert!(text.len() > 10 && text.trim_end_matches(')').ends_with('.'), "{id} {key}: {text}");
        }
        assert!(rule["helpUri"].as_str().expect("uri").ends_with(&format!("docs/rules/{id}.md")));
        let page = rollsafe_tests::repo_root().join(format!("docs/rules/{id}.md"));
        assert!(page.exists(), "{id}: helpUri names {page:?}, which the repository must hold");
    }
    // Every result names a rule of the table by id and by index.
    for result in doc["runs"][0]["results"].as_array().expect("results") {
        let index = result["ruleIndex"].as_u64().expect("index") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
}

/// The fingerprint identifies the finding, not its line: lines added above it keep it, while
/// another change to the statement itself gives another one.
#[test]
fn fingerprints_survive_unrelated_edits_above() {
    let (dir, report) = check(FIXTURES[0]);
    let before = render::fingerprints(&report);
    let path = dir.path().join("after").join(&report.findings[0].primary.path);
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, format!("-- a comment\n-- and another one\n\n{text}")).expect("write");
    let options = CheckOptions { against: Some("../before".into()), ..CheckOptions::in_dir(dir.path().join("after")) };
    let shifted = rollsafe_check::check(&options).expect("check");
    assert_ne!(report.findings[0].primary.range, shifted.findings[0].primary.range, "the finding moved");
    assert_eq!(before, render::fingerprints(&shifted));
    let unique: std::collections::BTreeSet<_> = before.iter().collect();
    assert_eq!(unique.len(), before.len(), "fingerprints are unique within a report");
}

#[test]
fn github() {
    snapshot("github", render::github::render);
}

#[test]
fn gitlab() {
    snapshot("gitlab", |report| {
        let issues: serde_json::Value = serde_json::from_str(&render::gitlab::render(report)).expect("Code Quality is JSON");
        for issue in issues.as_array().expect("an array") {
            for key in ["description", "check_name", "fingerprint", "severity"] {
                assert!(issue[key].is_string(), "{key} in {issue}");
            }
            assert!(issue["location"]["lines"]["begin"].as_u64().is_some_and(|l| l >= 1));
        }
        render::gitlab::render(report)
    });
}

#[test]
fn junit() {
    snapshot("junit", |report| render::junit::render(report, Severity::Error));
}

/// With `--fail-on warning`, a file with warnings fails its test case as the exit code does.
#[test]
fn junit_fails_warnings_when_asked() {
    let (_dir, report) = check(FIXTURES[0]);
    let warnings = report.findings.iter().any(|f| f.severity == Severity::Warning);
    let strict = render::junit::render(&report, Severity::Warning);
    let normal = render::junit::render(&report, Severity::Error);
    let failures = |xml: &str| xml.matches("<failure ").count();
    assert!(warnings, "the fixture has warnings");
    assert!(failures(&strict) >= failures(&normal));
    assert!(strict.contains("finding"), "{strict}");
}

/// A finding about a file the working tree no longer has (a deleted migration) still has its test
/// case, named by the path the file had, and fails it: the report fails when the check does.
#[test]
fn junit_keeps_findings_about_deleted_files() {
    let (_dir, report) = check_in("layout-history-deleted", "after");
    let deleted: Vec<_> = report.findings.iter().filter(|f| f.primary.side != rollsafe_check::Side::Current).collect();
    assert!(!deleted.is_empty(), "the fixture reports on deleted files");
    let xml = render::junit::render(&report, Severity::Info);
    for f in deleted {
        let place = report.ci_place(&f.primary);
        assert!(!place.lines, "{place:?}: the working tree has no such file");
        assert!(xml.contains(&format!("name=\"{}\"", place.path)), "{} has no test case:\n{xml}", place.path);
        assert!(xml.contains(&format!("[{}]", f.rule)), "{xml}");
    }
    let listed = xml.matches("] ").count() + xml.matches("]: ").count();
    assert!(listed >= report.findings.len(), "every finding is in the report:\n{xml}");
}

/// An N-1 place in a file changed since is named by its path without a region (its lines are not
/// the working tree's), and its message says where it was; a deleted file's finding is on the
/// first line of the path it had.
#[test]
fn n1_places_in_changed_files_have_no_region() {
    // A schema file: its N-1 definitions are in the same file, changed since.
    let (_dir, report) = check_in("layout-structure-sql", "after");
    let places: Vec<_> = report.findings.iter().flat_map(|f| &f.related).map(|r| report.ci_place(&r.location)).collect();
    assert!(places.iter().any(|p| !p.lines) && places.iter().all(|p| !p.path.starts_with("..")), "{places:?}");
    let doc: serde_json::Value = serde_json::from_str(&render::sarif::render(&report)).expect("JSON");
    for (finding, result) in report.findings.iter().zip(doc["runs"][0]["results"].as_array().expect("results")) {
        for (r, related) in finding.related.iter().zip(result["relatedLocations"].as_array().into_iter().flatten()) {
            let place = report.ci_place(&r.location);
            let region = &related["physicalLocation"]["region"];
            assert_eq!(place.lines, !region.is_null(), "{place:?}: {related}");
            if !place.lines {
                assert!(related["message"]["text"].as_str().is_some_and(|t| t.contains("of the file there")), "{related}");
            }
        }
        assert!(result["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().is_some_and(|l| l >= 1));
    }
    let (_dir, report) = check_in("layout-history-deleted", "after");
    let doc: serde_json::Value = serde_json::from_str(&render::sarif::render(&report)).expect("JSON");
    let results = doc["runs"][0]["results"].as_array().expect("results");
    assert!(results.iter().any(|r| r["locations"][0]["physicalLocation"]["region"] == serde_json::json!({"startLine": 1})), "{doc}");
}
