//! The layering DESIGN.md asks for, held by the code itself: the CLI, the language server, the
//! renderers and the workspace loader name no format. What differs between formats (which files
//! are read and watched, comment syntax, hover language, summary units, which findings are
//! "unnecessary") comes from the core's format table, so adding a format touches none of them.

use std::path::{Path, PathBuf};

/// Crates that must stay format-neutral.
const NEUTRAL: &[&str] = &[
    "crates/rollsafe/src",
    "crates/rollsafe_check/src",
    "crates/rollsafe_server/src",
    "crates/rollsafe_workspace/src",
    "crates/rollsafe_diagnostics/src",
];

/// Words that name a format or one of its internals (matched case-insensitively, as whole words).
const FORMAT_WORDS: &[&str] =
    &["sql", "rollsafe_sql", "dialect", "migration_lock", "proto", "protobuf", "avro", "avsc", "jsonschema", "json_schema"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without comments and without its unit tests (whose fixtures are real files).
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or(text);
    text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).map(|w| w.to_ascii_lowercase())
}

#[test]
fn front_ends_and_renderers_name_no_format() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let mut offences = Vec::new();
    for dir in NEUTRAL {
        let mut files = Vec::new();
        rust_files(&root.join(dir), &mut files);
        assert!(!files.is_empty(), "{dir} has Rust files");
        for file in files {
            let text = std::fs::read_to_string(&file).expect("utf-8 source");
            for (n, line) in code(&text).lines().enumerate() {
                // File names in string literals count too: `.sql` splits into the word `sql`.
                if let Some(word) = words(line).find(|w| FORMAT_WORDS.contains(&w.as_str())) {
                    offences.push(format!("{}:{}: `{word}` in {}", file.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(offences.is_empty(), "format names outside the core's format table:\n{}", offences.join("\n"));
}

/// The check itself: a line naming a format is caught, comments and tests are not.
#[test]
fn the_check_sees_format_names_in_code_only() {
    let found = |text: &str| code(text).lines().any(|l| words(l).any(|w| FORMAT_WORDS.contains(&w.as_str())));
    assert!(found("let globs = [\"**/*.sql\"];"));
    assert!(found("use rollsafe_core::sql::Dialect;"));
    assert!(!found("// reads *.sql files"));
    assert!(!found("fn f() {}\n#[cfg(test)]\nmod tests { const P: &str = \"a.sql\"; }"));
}

/// The library build scripts call has no async runtime and no language server in its dependency
/// tree: walked through Cargo.lock from `rollsafe_check` (the lock lists dev-dependencies too, so
/// this is stricter than the build-script tree itself).
#[test]
fn the_library_depends_on_no_runtime_and_no_language_server() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let lock: toml::Value = toml::from_str(&std::fs::read_to_string(root.join("Cargo.lock")).expect("Cargo.lock")).expect("TOML");
    let packages = lock["package"].as_array().expect("packages");
    let deps_of = |name: &str| -> Vec<String> {
        packages
            .iter()
            .filter(|p| p["name"].as_str() == Some(name))
            .flat_map(|p| p.get("dependencies").and_then(|d| d.as_array()).cloned().unwrap_or_default())
            .filter_map(|d| d.as_str().map(|s| s.split(' ').next().unwrap_or(s).to_string()))
            .collect()
    };
    let mut seen = std::collections::BTreeSet::new();
    let mut todo = vec!["rollsafe_check".to_string()];
    while let Some(name) = todo.pop() {
        if seen.insert(name.clone()) {
            todo.extend(deps_of(&name));
        }
    }
    assert!(seen.len() > 20, "the walk found the tree: {seen:?}");
    for banned in ["tokio", "tower-lsp-server", "ls-types", "lsp-types", "rollsafe_server", "futures"] {
        assert!(!seen.contains(banned), "rollsafe_check depends on {banned}");
    }
    // And the walk would see it: the command-line tool does depend on them.
    assert!(deps_of("rollsafe").contains(&"rollsafe_server".to_string()));
}
