//! Every fixture pair: the findings match `case.toml`'s `[expect]`, and the human and JSON output match
//! their snapshots (`cargo insta review` after an intended change).

use rollsafe_tests::{fixtures, human, json, rule_counts};

#[test]
fn fixtures_match_expectations_and_snapshots() {
    let all = fixtures();
    assert!(!all.is_empty(), "no fixtures found");
    let mut failures = Vec::new();
    for fixture in &all {
        let report = fixture.check();
        let counts = rule_counts(&report.findings);
        if counts != fixture.case.expect {
            failures.push(format!("{}: expected {:?}, got {:?}\n{}", fixture.name, fixture.case.expect, counts, human(&report)));
        }
        insta::with_settings!({ snapshot_suffix => fixture.name.clone(), description => fixture.case.description.clone(), omit_expression => true }, {
            insta::assert_snapshot!("human", human(&report));
            insta::assert_snapshot!("json", json(&report));
        });
    }
    assert!(failures.is_empty(), "{} fixture(s) disagree with case.toml:\n\n{}", failures.len(), failures.join("\n\n"));
}
