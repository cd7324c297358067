//! `cargo xtask rule-docs`: one Markdown page per rule under `docs/rules/`, and an index; and the
//! configuration's JSON Schema (`cargo xtask config-schema`), which lists the rule ids too.

use std::path::PathBuf;

pub fn run() -> Result<(), String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/rules");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in std::fs::read_dir(&dir).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().is_some_and(|e| e == "md") {
            std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    for (name, text) in rollsafe_core::registry::doc_pages() {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    println!("wrote {} rule pages to docs/rules/", rollsafe_core::registry::ALL.len());
    config_schema()
}

/// Where the JSON Schema of `rollsafe.toml` is shipped: the documentation (for taplo's `#:schema`
/// and other editors) and the VS Code extension (its `tomlValidation`).
pub const CONFIG_SCHEMA_PATHS: [&str; 2] = ["docs/rollsafe.schema.json", "editors/vscode/rollsafe.schema.json"];

pub fn config_schema() -> Result<(), String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let schema = rollsafe_core::config::config_schema();
    for path in CONFIG_SCHEMA_PATHS {
        let path = root.join(path);
        std::fs::write(&path, &schema).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    println!("wrote the configuration's JSON Schema to {}", CONFIG_SCHEMA_PATHS.join(" and "));
    Ok(())
}
