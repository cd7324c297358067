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
    assert!(readme.contains(&format!("--tag {tag}")), "the CI snippet's install should use {tag}");
    for line in readme.lines().filter(|l| l.contains("cargo install")) {
        assert!(line.contains("--locked"), "cargo install without --locked: {line}");
    }
}
