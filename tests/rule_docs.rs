//! Rule documentation that cannot lie: every rule's `## Example` must produce exactly one finding of
//! that rule, and its `## Use instead` must produce none.
//!
//! Code blocks (`sql`, `proto`, any format's) are titled `N-1: path` (a released file, in both trees unless an `N:` block with the
//! same path replaces it), `N-1 only: path` (released, then deleted) or `N: path` (the working tree).
//! A block titled `N: rollsafe.toml` is the example's configuration.

use rollsafe_core::registry::ALL;
use rollsafe_core::{Analysis, Config, WorkspaceInput};
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Clone, Debug, PartialEq)]
enum Tree {
    Both,
    BaselineOnly,
    Current,
}

#[derive(Clone, Debug)]
struct Block {
    tree: Tree,
    path: String,
    text: String,
}

/// The code blocks of each `## ` section of a rule's documentation.
fn sections(doc: &str) -> BTreeMap<String, Vec<Block>> {
    let mut out: BTreeMap<String, Vec<Block>> = BTreeMap::new();
    let mut section = String::new();
    let mut block: Option<Block> = None;
    for line in doc.lines() {
        let line = line.strip_prefix(' ').unwrap_or(line);
        if let Some(b) = &mut block {
            if line.trim_start().starts_with("```") {
                out.entry(section.clone()).or_default().push(block.take().expect("in a block"));
            } else {
                b.text.push_str(line);
                b.text.push('\n');
            }
            continue;
        }
        if let Some(title) = line.strip_prefix("## ") {
            section = title.trim().to_string();
        } else if let Some(rest) = line.trim_start().strip_prefix("```").and_then(|r| r.split_once(" title=\"")).map(|(_, rest)| rest) {
            let title = rest.trim_end().trim_end_matches('"');
            let (tree, path) = if let Some(p) = title.strip_prefix("N-1 only: ") {
                (Tree::BaselineOnly, p)
            } else if let Some(p) = title.strip_prefix("N-1: ") {
                (Tree::Both, p)
            } else if let Some(p) = title.strip_prefix("N: ") {
                (Tree::Current, p)
            } else {
                panic!("unknown block title `{title}`");
            };
            block = Some(Block { tree, path: path.to_string(), text: String::new() });
        }
    }
    assert!(block.is_none(), "unclosed code block");
    out
}

fn analyse(blocks: &[Block]) -> Vec<rollsafe_core::Finding> {
    let mut input = WorkspaceInput { baseline_label: "v1.4.0".into(), config: Config::default(), ..WorkspaceInput::default() };
    for b in blocks {
        // An example's configuration (a category, a severity) is a block titled `N: rollsafe.toml`.
        if b.path == "rollsafe.toml" {
            input.config = rollsafe_core::parse_config(&b.text).expect("the example's rollsafe.toml is valid");
            continue;
        }
        let text: Arc<str> = Arc::from(b.text.as_str());
        match b.tree {
            Tree::Both => {
                input.baseline.insert(b.path.clone(), text.clone());
                input.current.entry(b.path.clone()).or_insert(text);
            }
            Tree::BaselineOnly => {
                input.baseline.insert(b.path.clone(), text);
            }
            Tree::Current => {
                input.current.insert(b.path.clone(), text);
            }
        }
    }
    Analysis::new(input).findings()
}

#[test]
fn every_rule_documents_an_example_and_a_fix_that_hold() {
    let mut failures = Vec::new();
    for rule in ALL.iter() {
        let sections = sections(rule.doc);
        for heading in ["What it detects", "Example", "Use instead"] {
            if !rule.doc.contains(&format!("## {heading}")) {
                failures.push(format!("{}: missing `## {heading}`", rule.id));
            }
        }
        let example = sections.get("Example").cloned().unwrap_or_default();
        if example.is_empty() {
            failures.push(format!("{}: `## Example` has no titled blocks", rule.id));
            continue;
        }
        let findings = analyse(&example);
        let hits = findings.iter().filter(|f| f.rule == rule.id).count();
        if hits != 1 {
            failures.push(format!("{}: example gives {hits} findings of the rule (want 1): {:#?}", rule.id, findings));
        }
        // "Use instead" starts from the example's released files.
        let mut fixed: Vec<Block> = example.iter().filter(|b| b.tree == Tree::Both).cloned().collect();
        let instead = sections.get("Use instead").cloned().unwrap_or_default();
        if instead.is_empty() {
            failures.push(format!("{}: `## Use instead` has no titled blocks", rule.id));
            continue;
        }
        fixed.extend(instead);
        let findings = analyse(&fixed);
        if findings.iter().any(|f| f.rule == rule.id) {
            failures.push(format!("{}: `Use instead` still gives the rule: {:#?}", rule.id, findings));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Writes the example's files as an N-1 tree and an N tree, the way users lay them out.
fn materialize(blocks: &[Block], root: &std::path::Path) {
    let write = |tree: &str, path: &str, text: &str| {
        let file = root.join(tree).join(path);
        std::fs::create_dir_all(file.parent().expect("has a folder")).expect("mkdir");
        std::fs::write(file, text).expect("write");
    };
    for b in blocks {
        match b.tree {
            Tree::Both => {
                write("v1.4.0", &b.path, &b.text);
                if !blocks.iter().any(|o| o.tree == Tree::Current && o.path == b.path) {
                    write("v1.5.0", &b.path, &b.text);
                }
            }
            Tree::BaselineOnly => write("v1.4.0", &b.path, &b.text),
            Tree::Current => write("v1.5.0", &b.path, &b.text),
        }
    }
    std::fs::create_dir_all(root.join("v1.4.0")).expect("mkdir");
    std::fs::create_dir_all(root.join("v1.5.0")).expect("mkdir");
}

/// What users see for each rule's example, human and JSON, as snapshots.
#[test]
fn rule_examples_render_as_snapshotted() {
    for rule in ALL.iter() {
        let example = sections(rule.doc).remove("Example").unwrap_or_default();
        let dir = tempfile::tempdir().expect("tempdir");
        materialize(&example, dir.path());
        let options = rollsafe_check::CheckOptions {
            against: Some("../v1.4.0".into()),
            ..rollsafe_check::CheckOptions::in_dir(dir.path().join("v1.5.0"))
        };
        let report = rollsafe_check::check(&options).unwrap_or_else(|e| panic!("{}: {e}", rule.id));
        assert!(report.findings.iter().any(|f| f.rule == rule.id), "{}: the example does not produce the rule", rule.id);
        insta::with_settings!({ snapshot_suffix => rule.id, omit_expression => true, description => rule.summary }, {
            insta::assert_snapshot!("human", rollsafe_tests::human(&report));
            insta::assert_snapshot!("json", rollsafe_tests::json(&report));
        });
    }
}

#[test]
fn rule_ids_are_unique_kebab_case() {
    let mut seen = std::collections::BTreeSet::new();
    for rule in ALL.iter() {
        assert!(seen.insert(rule.id), "duplicate rule id {}", rule.id);
        assert!(rule.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'), "{} is not kebab-case", rule.id);
    }
}

#[test]
fn readme_lists_every_rule_with_its_severity() {
    let readme = std::fs::read_to_string(rollsafe_tests::repo_root().join("README.md")).expect("README.md");
    let mut listed = std::collections::BTreeMap::new();
    for line in readme.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() > 3 && cells[1].starts_with('`') && matches!(cells[2], "error" | "warning" | "info") {
            listed.insert(cells[1].trim_matches('`').to_string(), cells[2].to_string());
        }
    }
    let actual: std::collections::BTreeMap<String, String> = ALL.iter().map(|r| (r.id.to_string(), r.severity.to_string())).collect();
    assert_eq!(listed, actual, "README's rule table is out of step with the rules");
}

#[test]
fn rule_pages_are_generated_from_the_rules() {
    let dir = rollsafe_tests::repo_root().join("docs/rules");
    let expected = rollsafe_core::registry::doc_pages();
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(|e| e.ok()?.file_name().into_string().ok()).filter(|n| n.ends_with(".md")).collect())
        .unwrap_or_default();
    on_disk.sort();
    let mut names: Vec<String> = expected.iter().map(|(n, _)| n.clone()).collect();
    names.sort();
    assert_eq!(on_disk, names, "docs/rules/ is out of date: run `cargo xtask rule-docs`");
    for (name, text) in expected {
        let actual = std::fs::read_to_string(dir.join(&name)).unwrap_or_default();
        assert_eq!(actual, text, "docs/rules/{name} is out of date: run `cargo xtask rule-docs`");
    }
}
