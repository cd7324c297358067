//! Protobuf's entry in the format table.

use super::layout::{proto_files, proto_layouts};
use super::{ModuleKey, ProtoSettings, parse_proto};
use crate::config::Config;
use crate::db::{Db, RootDatabase, Workspace};
use crate::formats::{Checked, Count, Coverage, Format, FormatSummary, ParseJob, Shown, Tree};
use rollsafe_diagnostics::{Finding, Side};
use salsa::{Durability, Setter};

pub static FORMAT: Format = Format {
    name: "protobuf",
    display_name: "Protobuf",
    line_comment: "//",
    language: "protobuf",
    extensions: &[".proto"],
    watch: &["**/*.proto", "**/buf.yaml", "**/buf.work.yaml"],
    reads,
    checks_earlier_releases: false,
    rules: super::rules::ALL,
    check: check_all,
    summary,
    coverage,
    would_read,
    unreadable: "it is a .proto file, and its module cannot be resolved without it",
    suppression_anchor,
    parse_ahead,
    configure,
    check_paths,
    starter,
};

fn reads(_config: &Config, path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    path.ends_with(".proto") || matches!(name, "buf.yaml" | "buf.work.yaml")
}

fn check_all(db: &dyn Db, ws: Workspace) -> Checked {
    let layouts = proto_layouts(db, ws);
    let mut out = Checked::default();
    for (path, why) in &layouts.config_errors {
        let at = rollsafe_diagnostics::Location::current(path.clone(), rollsafe_text::TextRange::empty(0));
        out.findings.push(super::rules::config_error(at, why));
    }
    if !layouts.roots.is_empty() {
        let checked = super::module_findings(db, ModuleKey::new(db, ws));
        out.findings.extend(checked.findings.iter().cloned());
        out.suppressions.extend(checked.suppressions.iter().cloned());
    }
    out
}

fn summary(db: &dyn Db, ws: Workspace) -> FormatSummary {
    let layouts = proto_layouts(db, ws);
    let files: usize = layouts.current.values().map(Vec::len).sum();
    FormatSummary {
        present: files > 0,
        counts: vec![Count { key: "proto_files", noun: (".proto file", ".proto files"), value: files, shown: Shown::WhenNonZero }],
    }
}

fn coverage(db: &dyn Db, ws: Workspace) -> Coverage {
    let layouts = proto_layouts(db, ws);
    let mut out = Coverage { noun: ("Protobuf module", "Protobuf modules"), ..Coverage::default() };
    for (root, files) in &layouts.current {
        out.units += 1;
        out.source_files += files.len();
        out.in_baseline += usize::from(layouts.baseline.contains_key(root));
    }
    out
}

fn would_read(_db: &dyn Db, _ws: Workspace, _side: Side, path: &str) -> bool {
    // Every `.proto` file is part of a module: one that cannot be read leaves a module incomplete.
    path.ends_with(".proto")
}

/// The start of the innermost declaration the finding is on (a field, a message).
fn suppression_anchor(db: &dyn Db, ws: Workspace, finding: &Finding) -> Option<u32> {
    let file = ws.current(db).get(&finding.primary.path)?;
    let parsed = parse_proto(db, file);
    let at = finding.primary.range;
    let mut best: Option<rollsafe_text::TextRange> = None;
    let mut consider = |r: rollsafe_text::TextRange| {
        if r.start <= at.start && at.end <= r.end.max(r.start + 1) && best.is_none_or(|b| r.len() < b.len()) {
            best = Some(r);
        }
    };
    for m in all_messages(&parsed.file) {
        consider(m.range);
        for f in &m.fields {
            consider(f.range);
        }
    }
    for e in &parsed.file.enums {
        consider(e.range);
    }
    for s in &parsed.file.services {
        consider(s.range);
        for m in &s.methods {
            consider(m.range);
        }
    }
    for o in &parsed.file.options {
        consider(o.range);
    }
    // A finding about the file as a whole (at its start): above the first declaration.
    Some(best.map_or_else(|| first_declaration(&parsed.file), |b| b.start))
}

fn all_messages(file: &rollsafe_proto::model::ProtoFile) -> Vec<&rollsafe_proto::model::Message> {
    let mut out = Vec::new();
    let mut stack: Vec<&rollsafe_proto::model::Message> = file.messages.iter().collect();
    while let Some(m) = stack.pop() {
        out.push(m);
        stack.extend(m.messages.iter());
    }
    out
}

fn first_declaration(file: &rollsafe_proto::model::ProtoFile) -> u32 {
    let starts = file
        .messages
        .iter()
        .map(|m| m.range.start)
        .chain(file.enums.iter().map(|e| e.range.start))
        .chain(file.services.iter().map(|s| s.range.start));
    starts.min().unwrap_or(0)
}

/// Every `.proto` file's symbols, each input once (a file unchanged since N-1 is one input): the
/// roots and the symbol tables need them all. Listed without the roots, which need them first.
fn parse_ahead(db: &dyn Db, ws: Workspace) -> Vec<ParseJob> {
    let config = super::proto_config(db);
    let mut seen = std::collections::HashSet::new();
    let mut jobs: Vec<ParseJob> = Vec::new();
    for files in [ws.baseline(db), ws.current(db)] {
        for file in proto_files(files, config).into_iter().filter_map(|path| files.get(path)) {
            if seen.insert(file) {
                jobs.push(Box::new(move |db: &dyn Db| {
                    super::proto_symbols(db, file);
                }));
            }
        }
    }
    jobs
}

fn configure(db: &mut RootDatabase, config: &Config) {
    // `[protobuf]` and `exclude`: levels and the allow-list are the core's, `[sql]` is SQL's.
    let read = Config { rules: Default::default(), allow: Vec::new(), file: None, sql: Default::default(), ..config.clone() };
    match ProtoSettings::try_get(db) {
        None => {
            let _settings = ProtoSettings::builder(read).config_durability(Durability::MEDIUM).new(db);
        }
        Some(settings) if *settings.config(db) != read => {
            settings.set_config(db).with_durability(Durability::MEDIUM).to(read);
        }
        Some(_) => {}
    }
}

/// `[protobuf] roots` name directories that must exist.
fn check_paths(config: &Config, tree: &Tree<'_>) -> Result<(), String> {
    for root in &config.protobuf.roots {
        if !(tree.is_dir)(root.trim_start_matches("./").trim_end_matches('/')) {
            return Err(format!("[protobuf] roots: `{}` is not a directory of the workspace", rollsafe_text::escape::quote(root)));
        }
    }
    Ok(())
}

/// `[protobuf]` of the starter configuration: the modules found and the category checked.
fn starter(db: &dyn Db, ws: Workspace) -> Option<String> {
    let layouts = super::layout::proto_layouts(db, ws);
    let files: usize = layouts.current.values().map(Vec::len).sum();
    if files == 0 {
        return None;
    }
    let mut out = format!("# Protobuf: rollsafe found {files} .proto {}\n", if files == 1 { "file" } else { "files" });
    for (root, files) in &layouts.current {
        let shown = if root.is_empty() { ".".to_string() } else { format!("{root}/") };
        out.push_str(&format!("#   module {shown}: {} {}\n", files.len(), if files.len() == 1 { "file" } else { "files" }));
    }
    out.push_str("# [protobuf]\n");
    out.push_str("# category = \"FILE\"              # FILE (default) | PACKAGE | WIRE_JSON | WIRE; else buf.yaml's breaking section\n");
    let roots: Vec<String> = layouts.current.keys().map(|r| format!("\"{}\"", if r.is_empty() { "." } else { r })).collect();
    out.push_str(&format!(
        "# roots = {:<22} # module roots; default: buf.yaml / buf.work.yaml, else inferred\n",
        format!("[{}]", roots.join(", "))
    ));
    Some(out)
}
