//! `sql-coverage DIR [--dialect postgresql|mysql|sqlite]`: how much of the SQL in a tree's
//! migration histories and schema files rollsafe reads. Prints the statements by kind and every
//! statement (or part) it did not understand, grouped by the reader's message, so that a real
//! project's history shows which syntax is missing. The not-understood rate of real PostgreSQL
//! histories is one of the figures the project holds itself to (under 0.5%).

use rollsafe_core::sql::layout::{self, ContentProbe};
use rollsafe_core::{Config, Dialect};
use rollsafe_sql::ops::StatementKind;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

struct DirProbe<'a>(&'a Path);

impl ContentProbe for DirProbe<'_> {
    fn head(&self, path: &str) -> Option<String> {
        let text = std::fs::read_to_string(self.0.join(path)).ok()?;
        Some(text.chars().take(4096).collect())
    }

    fn text(&self, path: &str) -> Option<String> {
        std::fs::read_to_string(self.0.join(path)).ok()
    }
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path: PathBuf = entry.path();
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            if !entry.file_name().to_string_lossy().starts_with('.') {
                walk(root, &path, out);
            }
        } else if kind.is_file()
            && let Ok(rel) = path.strip_prefix(root)
        {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

fn dialect_of(dir: &str, forced: Option<Dialect>) -> Dialect {
    forced.unwrap_or_else(|| {
        let lower = dir.to_ascii_lowercase();
        if lower.contains("mysql") || lower.contains("mariadb") {
            Dialect::MySql
        } else if lower.contains("sqlite") {
            Dialect::Sqlite
        } else {
            Dialect::Postgres
        }
    })
}

pub fn run(args: &[String]) -> Result<(), String> {
    let dir = args.first().filter(|a| !a.starts_with("--")).ok_or("usage: cargo xtask sql-coverage DIR [--dialect NAME]")?;
    let forced = match crate::flag(args, "--dialect") {
        Some(name) => Some(Dialect::from_name(&name).ok_or_else(|| format!("unknown dialect {name}"))?),
        None => None,
    };
    let root = Path::new(dir);
    let mut paths = Vec::new();
    walk(root, root, &mut paths);
    paths.sort();
    let refs: Vec<&str> = paths.iter().map(String::as_str).collect();
    let found = layout::detect(&refs, &Config::default(), &DirProbe(root));
    let mut files: Vec<(String, Dialect)> = Vec::new();
    for h in &found.histories {
        let dialect = h.dialect_hint.unwrap_or_else(|| dialect_of(&h.dir, forced));
        for m in &h.migrations {
            files.extend(m.up.iter().chain(&m.down).map(|p| (p.clone(), dialect)));
        }
    }
    files.extend(found.schema_files.iter().map(|p| (p.clone(), dialect_of(p, forced))));
    let (mut total, mut not_understood, mut not_modelled, mut unread_parts) = (0usize, 0usize, 0usize, 0usize);
    let mut by_message: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (path, dialect) in &files {
        let Ok(text) = std::fs::read_to_string(root.join(path)) else { continue };
        let parsed = rollsafe_sql::parse_file(&text, *dialect);
        let line = |offset: u32| text[..offset as usize].matches('\n').count() + 1;
        for stmt in &parsed.statements {
            total += 1;
            match &stmt.kind {
                StatementKind::NotUnderstood { message } => {
                    not_understood += 1;
                    let head: String = text[stmt.range.as_usize()].split_whitespace().take(8).collect::<Vec<_>>().join(" ");
                    by_message.entry(message.clone()).or_default().push(format!("{path}:{} {head}", line(stmt.range.start)));
                }
                StatementKind::NotModelled { what } => {
                    not_modelled += 1;
                    by_message.entry(format!("not modelled: {what}")).or_default().push(format!("{path}:{}", line(stmt.range.start)));
                }
                _ => {}
            }
        }
        for part in &parsed.unread {
            unread_parts += 1;
            by_message.entry(format!("part: {}", part.what)).or_default().push(format!("{path}:{}", line(part.range.start)));
        }
    }
    for (message, places) in &by_message {
        println!("{:>5}  {message}", places.len());
        for place in places.iter().take(3) {
            println!("         {place}");
        }
    }
    let rate = |n: usize| if total == 0 { 0.0 } else { 100.0 * n as f64 / total as f64 };
    println!(
        "{} files, {total} statements: {not_understood} not understood ({:.2}%), {not_modelled} not modelled ({:.2}%), {unread_parts} parts not read",
        files.len(),
        rate(not_understood),
        rate(not_modelled)
    );
    Ok(())
}
