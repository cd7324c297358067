//! The JSON Schema of `rollsafe.toml`: shipped as generated from the code, wired into the VS Code
//! extension, and held against taplo (the TOML toolkit editors use) on real configurations: taplo
//! with the schema accepts what rollsafe accepts and rejects what it rejects.
//!
//! `.ci/run` installs taplo (npm `@taplo/cli`) and sets `ROLLSAFE_TAPLO` to it and
//! `ROLLSAFE_TAPLO_REQUIRED=1`; elsewhere the taplo test is skipped unless that is set.

use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repository")
}

#[test]
fn the_shipped_schema_is_the_generated_one() {
    let generated = rollsafe_core::config::config_schema();
    for path in ["docs/rollsafe.schema.json", "editors/vscode/rollsafe.schema.json"] {
        let shipped = std::fs::read_to_string(repo_root().join(path)).unwrap_or_default();
        assert!(shipped == generated, "{path} is stale: run `cargo xtask config-schema`");
    }
    let schema: serde_json::Value = serde_json::from_str(&generated).expect("JSON");
    assert_eq!(schema["additionalProperties"], false, "unknown keys are errors in editors too");
    let rules = &schema["properties"]["rules"]["properties"];
    assert!(rules["column-removed"]["enum"].as_array().is_some_and(|levels| levels.contains(&"off".into())), "{rules}");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo_root().join("editors/vscode/package.json")).expect("package.json"))
            .expect("JSON");
    let validation = &manifest["contributes"]["tomlValidation"][0];
    assert_eq!(validation["fileMatch"], "rollsafe.toml");
    assert_eq!(validation["url"], "./rollsafe.schema.json");
}

/// Configurations rollsafe accepts: the README's, every fixture's, and the starter `rollsafe
/// init` writes with every setting uncommented.
fn valid_configurations() -> Vec<(String, String)> {
    let root = repo_root();
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README");
    let section = readme.split("\n### Configuration").nth(1).expect("a configuration section");
    let mut out =
        vec![("README".to_string(), section.split("```toml\n").nth(1).expect("block").split("```").next().expect("closed").to_string())];
    for entry in std::fs::read_dir(root.join("tests/fixtures")).expect("fixtures") {
        let path = entry.expect("entry").path().join("after/rollsafe.toml");
        if let Ok(text) = std::fs::read_to_string(&path) {
            out.push((path.display().to_string(), text));
        }
    }
    let starter = rollsafe_core::starter::starter_config(&rollsafe_core::Analysis::new(Default::default()), "unknown");
    let uncommented: String = starter
        .lines()
        .filter_map(|l| l.strip_prefix("# "))
        .filter(|l| l.starts_with('[') || l.split_once(" = ").is_some_and(|(key, _)| !key.contains(' ')))
        .map(|l| format!("{l}\n"))
        .collect();
    out.push(("the starter, uncommented".to_string(), uncommented));
    out
}

/// Configurations rollsafe refuses, each for something the schema states.
const INVALID: &[&str] = &[
    "bogus = 1\n",
    "[sql]\ndialect = \"oracle\"\n",
    "[sql]\nmigrations = \"db\"\n",
    "[sql.dialects]\n\"legacy/**\" = \"db2\"\n",
    "[rules]\nno-such-rule = \"off\"\n",
    "[rules]\ncolumn-removed = \"loud\"\n",
    "[protobuf]\ncategory = \"WIRED\"\n",
    "[contracts]\ncompat = \"sideways\"\n",
    "[contracts.paths.\"a/**\"]\nprofile = \"loose\"\n",
    "[contracts.paths.\"a/**\"]\nextra = 1\n",
    "[[allow]]\nrule = \"column-removed\"\n",
    "[[allow]]\nrule = \"no-such-rule\"\nreason = \"x\"\n",
    "[[allow]]\nrule = \"column-removed\"\nreason = \"x\"\nwhy = \"y\"\n",
    "[avro]\nschemas = [1]\n",
];

#[test]
fn taplo_with_the_schema_agrees_with_rollsafe() {
    let Some(taplo) = std::env::var_os("ROLLSAFE_TAPLO") else {
        assert!(std::env::var_os("ROLLSAFE_TAPLO_REQUIRED").is_none(), "ROLLSAFE_TAPLO_REQUIRED is set without ROLLSAFE_TAPLO");
        eprintln!("skipped: set ROLLSAFE_TAPLO to the taplo executable");
        return;
    };
    let schema = format!("file://{}", repo_root().join("docs/rollsafe.schema.json").display());
    let dir = tempfile::tempdir().expect("tempdir");
    let taplo_accepts = |name: &str, text: &str| {
        let path = dir.path().join(format!("{name}.toml"));
        std::fs::write(&path, text).expect("write");
        let out = std::process::Command::new(&taplo).args(["check", "--schema", &schema]).arg(&path).output().expect("taplo runs");
        (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    for (name, text) in valid_configurations() {
        rollsafe_core::parse_config(&text).unwrap_or_else(|e| panic!("{name}: rollsafe refuses it: {e}"));
        let (accepted, why) = taplo_accepts("valid", &text);
        assert!(accepted, "{name}: taplo refuses what rollsafe accepts:\n{why}\n{text}");
    }
    for (i, text) in INVALID.iter().enumerate() {
        assert!(rollsafe_core::parse_config(text).is_err(), "rollsafe accepts {text}");
        let (accepted, _) = taplo_accepts(&format!("invalid{i}"), text);
        assert!(!accepted, "taplo accepts what rollsafe refuses:\n{text}");
    }
}
