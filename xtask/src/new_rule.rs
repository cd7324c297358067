//! `cargo xtask new-rule ID SEVERITY`: one command for a new rule — its file with the documentation
//! skeleton (whose examples the test suite runs) and its registration.

use std::path::Path;

pub fn run(args: &[String]) -> Result<(), String> {
    let (Some(id), Some(severity)) = (args.first(), args.get(1)) else {
        return Err("usage: cargo xtask new-rule ID error|warning|info".into());
    };
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
        return Err(format!("rule ids are kebab-case: `{id}`"));
    }
    let severity = match severity.as_str() {
        "error" => "Error",
        "warning" => "Warning",
        "info" => "Info",
        other => return Err(format!("unknown severity `{other}`")),
    };
    let module = id.replace('-', "_");
    let constant = module.to_uppercase();
    let rules = crate::workspace_root().join("crates/rollsafe_core/src/sql/rules");
    let file = rules.join(format!("{module}.rs"));
    if file.exists() {
        return Err(format!("{} already exists", file.display()));
    }
    std::fs::write(&file, template(id, &module, &constant, severity)).map_err(|e| e.to_string())?;
    register(&rules.join("mod.rs"), &module, &constant)?;
    eprintln!(
        "created {}\nnext: add a ChangeKind in sql/diff.rs if the rule needs a new fact, fill in the docs and check(), then `cargo test -p rollsafe_tests`",
        file.display()
    );
    Ok(())
}

fn template(id: &str, module: &str, constant: &str, severity: &str) -> String {
    format!(
        r#"use super::SqlContext;
use rollsafe_diagnostics::{{Finding, declare_rule}};

declare_rule! {{
    /// ## What it detects
    /// TODO: one paragraph.
    ///
    /// ## Why it breaks N-1 or rollback
    /// TODO: what N-1 code does that now fails.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE users (id bigint PRIMARY KEY);
    /// ```
    /// ```sql title="N: migrations/0002_change.sql"
    /// -- the change this rule reports
    /// ```
    ///
    /// ## Use instead
    /// TODO: the safe sequence.
    /// ```sql title="N: migrations/0002_change.sql"
    /// -- the safe version
    /// ```
    pub static {constant} = ("{id}", {severity}, "TODO: one line for `rollsafe rules`");
}}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {{
    // Turn the facts this rule reads (cx.changes, cx.history) into findings; see column_removed.rs.
    let _ = (cx, out, "{module}");
}}
"#
    )
}

/// Adds `mod`, the `ALL` entry and the `SQL_CHECKS` entry to rules/mod.rs.
fn register(mod_rs: &Path, module: &str, constant: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(mod_rs).map_err(|e| e.to_string())?;
    let insert_after = |text: &str, marker: &str, line: &str| -> Result<String, String> {
        let at = text.find(marker).ok_or_else(|| format!("marker `{marker}` not found in rules/mod.rs"))? + marker.len();
        Ok(format!("{}{line}{}", &text[..at], &text[at..]))
    };
    // rustfmt puts the new `mod` line in alphabetical order; the registry orders `ALL` itself.
    let at = text.find("\nmod ").ok_or("no `mod` lines in rules/mod.rs")?;
    let text = format!("{}\nmod {module};{}", &text[..at], &text[at..]);
    let text = insert_after(&text, "pub static ALL: &[&Rule] = &[\n", &format!("    &{module}::{constant},\n"))?;
    let text = insert_after(
        &text,
        "pub(crate) static SQL_CHECKS: &[fn(&SqlContext<'_>, &mut Vec<Finding>)] = &[\n",
        &format!("    {module}::check,\n"),
    )?;
    std::fs::write(mod_rs, text).map_err(|e| e.to_string())
}
