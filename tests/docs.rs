//! The documentation a new user follows works as written: its links lead to files that exist, and
//! the pre-commit snippet names a release tag of this version.

use rollsafe_tests::repo_root;

/// Relative link targets in a Markdown text: `[text](target)`, without `#anchor`, skipping URLs.
fn relative_links(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = markdown;
    while let Some(at) = rest.find("](") {
        rest = &rest[at + 2..];
        let Some(end) = rest.find(')') else { break };
        let target = rest[..end].split('#').next().unwrap_or("").trim();
        if !target.is_empty() && !target.contains("://") && !target.starts_with("mailto:") {
            out.push(target.to_string());
        }
    }
    out
}

#[test]
fn markdown_links_lead_to_files_that_exist() {
    let root = repo_root();
    let documents = ["README.md", "ARCHITECTURE.md", "editors/vscode/README.md", "editors/neovim/README.md", "docs/rules/README.md"];
    let mut missing = Vec::new();
    for document in documents {
        let path = root.join(document);
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let dir = path.parent().expect("in a folder");
        for target in relative_links(&text) {
            if !dir.join(&target).exists() {
                missing.push(format!("{document}: {target}"));
            }
        }
    }
    assert!(missing.is_empty(), "links to files that do not exist:\n{}", missing.join("\n"));
}

/// Releases are tagged `vX.Y.Z` with the crate's version; the README's snippets name that tag.
#[test]
fn the_readme_names_this_release() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README");
    let tag = format!("v{}", env!("CARGO_PKG_VERSION"));
    assert!(readme.contains(&format!("rev: {tag}")), "the pre-commit snippet's rev should be {tag}");
    let version = env!("CARGO_PKG_VERSION");
    assert!(readme.contains(&format!("pipx install rollsafe=={version}")), "the CI snippets install rollsafe {version}");
    for line in readme.lines().filter(|l| l.contains("cargo install")) {
        assert!(line.contains("--locked"), "cargo install without --locked: {line}");
    }
}

/// The first fenced block of a language after a README heading.
fn readme_block(heading: &str, language: &str) -> String {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README");
    let section = readme.split(&format!("\n### {heading}")).nth(1).unwrap_or_else(|| panic!("README has `### {heading}`"));
    let block = section.split(&format!("```{language}\n")).nth(1).unwrap_or_else(|| panic!("a {language} block under {heading}"));
    block.split("```").next().expect("closed").to_string()
}

/// The README's `build.rs` is the library's compiled doc example (rustdoc builds it).
#[test]
fn the_readme_build_script_is_the_compiled_example() {
    let block = readme_block("Build scripts", "rust");
    let source = std::fs::read_to_string(repo_root().join("crates/rollsafe_check/src/build.rs")).expect("build.rs");
    let doc: String =
        source.lines().filter_map(|l| l.strip_prefix("//!")).map(|l| format!("{}\n", l.strip_prefix(' ').unwrap_or(l))).collect();
    assert!(doc.contains(&format!("```no_run\n{block}```")), "the README's build.rs is not the doc example:\n{block}");
}

/// The README's configuration example is a valid configuration, every key of it.
#[test]
fn the_readme_configuration_is_valid() {
    let block = readme_block("Configuration", "toml");
    let config = rollsafe_core::parse_config(&block).unwrap_or_else(|e| panic!("the README's rollsafe.toml: {e}"));
    assert_eq!(config.baseline.as_deref(), Some("v1.4.0"));
    assert!(!config.allow.is_empty() && !config.rules.is_empty());
}
