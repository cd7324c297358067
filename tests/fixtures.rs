//! Every fixture pair, one test each (named after its folder): the findings match `case.toml`'s
//! `[expect]`, and the human and JSON output match their snapshots (`cargo insta review` after an
//! intended change). `cargo test --test fixtures -- NAME` runs one fixture.

use rollsafe_tests::{Fixture, fixtures, human, json, rule_counts};

fn check(fixture: &Fixture) -> Result<(), libtest_mimic::Failed> {
    let report = fixture.check();
    insta::with_settings!({
        snapshot_path => rollsafe_tests::repo_root().join("tests/snapshots"),
        prepend_module_to_snapshot => false,
        snapshot_suffix => fixture.name.clone(),
        description => fixture.case.description.clone(),
        omit_expression => true,
    }, {
        insta::assert_snapshot!("fixtures__human", human(&report));
        insta::assert_snapshot!("fixtures__json", json(&report));
    });
    let counts = rule_counts(&report.findings);
    if counts != fixture.case.expect {
        return Err(format!("expected {:?}, got {:?}\n{}", fixture.case.expect, counts, human(&report)).into());
    }
    Ok(())
}

fn main() {
    let args = libtest_mimic::Arguments::from_args();
    let all = fixtures();
    assert!(!all.is_empty(), "no fixtures found");
    let trials = all.into_iter().map(|f| libtest_mimic::Trial::test(f.name.clone(), move || check(&f))).collect();
    libtest_mimic::run(&args, trials).exit();
}
