//! Every fixture's SARIF, validated by Microsoft's SARIF validator with the rules GitHub code
//! scanning applies on upload (`Sarif.Multitool validate --rule-kind "Gh;Sarif"`): no error and
//! no warning may be reported. Its notes (use message ids rather than text, name the version
//! control provenance, reach the URIs over the network) are advice, not defects.
//!
//! `.ci/run` installs the validator (npm `@microsoft/sarif-multitool`) and sets
//! `ROLLSAFE_SARIF_MULTITOOL` to its binary and `ROLLSAFE_SARIF_REQUIRED=1`; elsewhere the test
//! is skipped unless that is set.

use std::process::Command;

#[test]
fn every_fixture_s_sarif_passes_the_validator() {
    let Some(tool) = std::env::var_os("ROLLSAFE_SARIF_MULTITOOL") else {
        assert!(
            std::env::var_os("ROLLSAFE_SARIF_REQUIRED").is_none(),
            "ROLLSAFE_SARIF_REQUIRED is set but ROLLSAFE_SARIF_MULTITOOL is not"
        );
        eprintln!("skipped: set ROLLSAFE_SARIF_MULTITOOL to the Sarif.Multitool binary");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut results = 0;
    for fixture in rollsafe_tests::fixtures() {
        let report = fixture.check();
        results += report.findings.len();
        let sarif = rollsafe_check::render::sarif::render(&report);
        std::fs::write(dir.path().join(format!("{}.sarif", fixture.name)), sarif).expect("write");
    }
    assert!(results > 100, "the fixtures give findings to validate ({results})");
    // Not beside the inputs: the validator would read its own log as one of them.
    let out_dir = tempfile::tempdir().expect("tempdir");
    let output = out_dir.path().join("validation.sarif");
    let run = Command::new(&tool)
        .args(["validate", "--rule-kind", "Gh;Sarif", "--level", "Error;Warning", "--log", "ForceOverwrite", "--output"])
        .arg(&output)
        .arg(dir.path().join("*.sarif"))
        .output()
        .expect("the validator runs");
    let console = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "the validator failed: {console}{}", String::from_utf8_lossy(&run.stderr));
    // The validator exits 0 whatever it finds: its own SARIF log says what it found.
    let log: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&output).expect("the validator's log")).expect("JSON");
    let problems: Vec<String> = log["runs"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|run| run["results"].as_array().cloned().unwrap_or_default())
        .filter(|r| matches!(r["level"].as_str(), None | Some("error" | "warning")))
        .map(|r| format!("{} {}: {}", r["ruleId"], r["level"], r["message"]))
        .collect();
    assert!(problems.is_empty(), "the validator reports:\n{}\n{console}", problems.join("\n"));
    let scanned = console.lines().any(|l| l.contains("files scanned"));
    assert!(scanned, "the validator scanned the files: {console}");
}
