//! Findings for one migration history or schema file: diff, history facts, rules. Suppressions and
//! configured levels are applied by the core, the same for every format.

use super::diff::{DiffInput, diff};
use super::layout::{LateVersion, MigrationTool};
use super::rules::{DeletedMigration, EditedMigration, HistoryFacts, OutOfOrder, SQL_CHECKS, SqlContext};
use super::*;
use crate::formats::Checked;
use rollsafe_diagnostics::{Finding, Fix};
use rollsafe_sql::catalog::MAX_COLUMNS;
use rollsafe_sql::lexer::meaning_key;
use rollsafe_sql::ops::StatementKind;

#[salsa::tracked(returns(ref))]
pub fn history_findings<'db>(db: &'db dyn Db, key: HistoryKey<'db>) -> Checked {
    let ws = key.workspace(db);
    if let Some(name) = unsupported_dialect(db, key) {
        return unsupported_history(db, key, name);
    }
    let dialect = history_dialect(db, key);
    let base = baseline_state(db, key);
    let cur = current_state(db, key);
    let current_files = ws.current(db);
    let old_locator = Locator { sources: &base.sources, current: current_files };
    let new_locator = Locator { sources: &cur.sources, current: current_files };
    let first_new = cur.first_new_source;
    let changes = diff(&DiffInput {
        old: &base.catalog,
        new: &cur.catalog,
        events: &cur.events,
        old_loc: &|o| old_locator.baseline_location(o),
        new_loc: &|o| new_locator.location(o),
        is_new: &|o| o.source.0 >= first_new,
        by_identity: true,
        fallback: None,
    });
    let (mut facts, reviewed) = file_facts(db, key, dialect);
    facts.layout_has_downs = layout_has_downs(db, key);
    facts.down_checks = cur.down_checks.clone();

    let parsed_reviewed: Vec<(String, Arc<ParsedFile>)> = reviewed.iter().map(|(p, f)| (p.clone(), parsed(db, *f, dialect))).collect();
    let mut not_understood = not_understood(&parsed_reviewed);
    // Files of the history that are not replayed, new in this release: say so.
    let released_not_read = key.baseline_history(db).map(|h| h.not_read.as_slice()).unwrap_or_default();
    for (path, why) in key.current_history(db).map(|h| h.not_read.as_slice()).unwrap_or_default() {
        if !released_not_read.iter().any(|(p, _)| layout::split_path(p).1 == layout::split_path(path).1) {
            not_understood.push((Location::current(path.clone(), TextRange::empty(0)), why.clone()));
        }
    }
    // Code migrations new in this release: what they do to the schema is not seen.
    let released_code = key.baseline_history(db).map(|h| h.code_migrations.as_slice()).unwrap_or_default();
    // By file name: a history moved to another folder keeps its migrations.
    let name = |p: &str| layout::split_path(p).1.to_string();
    for path in key.current_history(db).map(|h| h.code_migrations.as_slice()).unwrap_or_default() {
        if !released_code.iter().any(|r| name(r) == name(path)) {
            let what = format!(
                "{} is a migration written in code, which rollsafe does not read: the schema changes it makes are not checked",
                rollsafe_text::escape::truncate_chars(layout::split_path(path).1, 200)
            );
            not_understood.push((Location::current(path.clone(), TextRange::empty(0)), what));
        }
    }
    for event in &cur.events {
        let Some(at) = new_locator.location(event.origin()) else { continue };
        let what = match event {
            Event::ColumnsNotModelled { table, .. } => format!(
                "table {table:?} gets more than {MAX_COLUMNS} columns, more than MySQL, PostgreSQL or SQLite allow; its columns are not compared from here on"
            ),
            Event::UnknownObject { what, .. } => {
                let code = key.current_history(db).is_some_and(|h| !h.code_migrations.is_empty());
                format!(
                    "{} is not created by any migration of this history ({}), so this statement's effect is not checked",
                    rollsafe_text::escape::truncate_chars(what, 200),
                    if code { "it may come from a code migration" } else { "made by code, another history or by hand?" }
                )
            }
            Event::ReplayFailed { .. } => {
                "rollsafe failed on this statement (an internal error, please report it): its effect is not checked; the rest of the history is".to_string()
            }
            _ => continue,
        };
        not_understood.push((at, what));
    }
    let expand_step = |f: &Finding| expand_step(db, f, &reviewed, dialect, &base.catalog, ws.baseline_label(db));
    let cx = SqlContext {
        baseline: ws.baseline_label(db),
        changes: &changes,
        history: Some(&facts),
        not_understood: &not_understood,
        expand_step: Some(&expand_step),
        app_roles: &super::sql_config(db).sql.app_roles,
    };
    let mut findings = Vec::new();
    for check in SQL_CHECKS {
        check(&cx, &mut findings);
    }
    if several_dialects(db, ws) {
        for f in &mut findings {
            f.message = format!("{}: {}", dialect.display_name(), f.message);
        }
    }
    checked(findings, &parsed_reviewed)
}

/// Findings with the suppressions of the files under review, for the core to apply.
fn checked(findings: Vec<Finding>, reviewed: &[(String, Arc<ParsedFile>)]) -> Checked {
    Checked { findings, suppressions: reviewed.iter().map(|(path, parsed)| (path.clone(), parsed.suppressions.clone())).collect() }
}

/// What the files of a history say, before any SQL is replayed: released migrations edited,
/// deleted or renamed, and new ones with a version the tool will not run. These hold for a history
/// in any dialect, read or not. Also returns the files under review: new migrations (up and down)
/// and edited released ones.
fn file_facts<'db>(db: &'db dyn Db, key: HistoryKey<'db>, dialect: Dialect) -> (HistoryFacts, Vec<(String, SourceFile)>) {
    let ws = key.workspace(db);
    let delta = history_delta(db, key);
    let current_files = ws.current(db);
    let history = key.current_history(db).or(key.baseline_history(db));
    let tool = history.map_or(MigrationTool::Unknown, |h| h.tool);
    let checksums = history.is_some_and(|h| h.checksums());
    let late_version = history.map_or(LateVersion::Skipped, |h| h.late_version());
    let mut reviewed: Vec<(String, SourceFile)> = Vec::new();
    let mut facts = HistoryFacts { down_checks: Vec::new(), ..HistoryFacts::default() };
    for m in &delta.new {
        for path in m.up.iter().chain(&m.down) {
            if let Some(f) = current_files.get(path) {
                reviewed.push((path.clone(), f));
            }
        }
    }
    for (released, kept) in &delta.kept {
        let (Some(old_path), Some(path)) = (&released.up, &kept.up) else { continue };
        let (Some(old), Some(new)) = (ws.baseline(db).get(old_path), current_files.get(path)) else {
            continue;
        };
        // Repeatable migrations are meant to be edited.
        if old == new || released.version.is_none() || normalized(old.text(db)) == normalized(new.text(db)) {
            continue;
        }
        let (old_parsed, new_parsed) = (parsed(db, old, dialect), parsed(db, new, dialect));
        // Meaning is judged on the SQL as the tool runs it: placeholders replaced.
        let (old_read, new_read) = (text_as_read(db, old), text_as_read(db, new));
        let meaning = first_change_of_meaning(&old_parsed, &new_parsed, &old_read, &new_read, dialect, !checksums);
        // Without a checksum, a tool never looks at an applied migration again: an edit that
        // changes no statement's meaning (layout, keyword case, comments) changes nothing.
        if meaning.is_none() && !checksums {
            continue;
        }
        reviewed.push((path.clone(), new));
        let (at, was) = meaning.unwrap_or_else(|| first_difference(&old_parsed, &new_parsed, old.text(db), new.text(db)));
        facts.edited.push(EditedMigration {
            id: released.id.clone(),
            at: Location::current(path.clone(), at),
            was: was.map(|r| Location::baseline(old_path.clone(), r)),
            checksum_tool: checksums.then(|| tool.name()),
            meaning_changed: meaning.is_some(),
        });
    }
    // Without a checksum, edits matter by what they leave behind: when new databases end this
    // release with the schema production will have (a statement moved, a clause made idempotent,
    // something created and dropped later or by this release anyway), there is nothing to report.
    if !checksums && !facts.edited.is_empty() {
        let (matter, cleared): (Vec<EditedMigration>, Vec<EditedMigration>) =
            facts.edited.drain(..).partition(|e| fresh_install_differs(db, key, dialect, &e.id));
        facts.edited = matter;
        reviewed.retain(|(path, _)| {
            !cleared.iter().any(|e| delta.kept.iter().any(|(r, k)| r.id == e.id && k.up.as_deref() == Some(path.as_str())))
        });
    }
    // A whole history gone (a database no longer supported) is one finding, not one per migration.
    if key.current_history(db).is_none() && !delta.deleted.is_empty() {
        let first = &delta.deleted[0].0;
        let path = first.up.clone().or_else(|| first.down.clone()).unwrap_or_default();
        let range = ws.baseline(db).get(&path).and_then(|f| parsed(db, f, dialect).statements.first().map(|s| s.range)).unwrap_or_default();
        facts.deleted.push(DeletedMigration {
            id: format!("history {} ({} migrations)", key.dir(db), delta.deleted.len()),
            at: Location::baseline(path, range),
            renamed_to: None,
            whole_history: true,
            tool,
        });
    }
    // Flyway told to ignore missing migrations accepts a deleted one (a renamed one still differs
    // in its description).
    let ignores_missing = history.is_some_and(|h| h.ignores_missing());
    for (gone, renamed) in
        delta.deleted.iter().filter(|(_, renamed)| key.current_history(db).is_some() && !(ignores_missing && renamed.is_none()))
    {
        let Some(path) = gone.up.clone().or_else(|| gone.down.clone()) else {
            continue;
        };
        let at = match renamed.as_ref().and_then(|n| n.up.clone()) {
            Some(new_path) => Location::current(new_path, TextRange::empty(0)),
            None => {
                let range =
                    ws.baseline(db).get(&path).and_then(|f| parsed(db, f, dialect).statements.first().map(|s| s.range)).unwrap_or_default();
                Location::baseline(path, range)
            }
        };
        facts.deleted.push(DeletedMigration {
            id: gone.id.clone(),
            at,
            renamed_to: renamed.as_ref().map(|n| n.id.clone()),
            whole_history: false,
            tool,
        });
    }
    if let Some(latest) = delta.released.iter().filter(|m| m.version.is_some()).max_by(|a, b| a.version.cmp(&b.version)) {
        let latest_version = latest.version.as_ref().expect("filtered on versioned migrations");
        for m in &delta.new {
            let Some(version) = &m.version else { continue };
            let clash = delta.released.iter().find(|r| r.version.as_ref() == Some(version));
            // A tool that runs every pending migration runs a late one too; a version used twice
            // still confuses every tool's bookkeeping.
            if version > latest_version || (clash.is_none() && late_version == LateVersion::Applied) {
                continue;
            }
            let path = m.up.clone().or_else(|| m.down.clone()).unwrap_or_default();
            let range =
                current_files.get(&path).and_then(|f| parsed(db, f, dialect).statements.first().map(|s| s.range)).unwrap_or_default();
            facts.out_of_order.push(OutOfOrder {
                id: m.id.clone(),
                // Flyway shows `1_1` as 1.1.
                version: if tool == MigrationTool::Flyway { version.text.replace('_', ".") } else { version.text.clone() },
                at: Location::current(path, range),
                latest_released: clash.unwrap_or(latest).id.clone(),
                clash: clash.is_some(),
                tool,
            });
        }
    }
    (facts, reviewed)
}

/// Column drops and renames get the expand step of their safe sequence as a fix.
/// The expand step for a column drop or rename in a file under review.
fn expand_step(db: &dyn Db, f: &Finding, files: &[(String, SourceFile)], dialect: Dialect, n1: &Catalog, baseline: &str) -> Option<Fix> {
    if f.primary.side != Side::Current {
        return None;
    }
    let file = files.iter().find(|(p, _)| *p == f.primary.path)?.1;
    let parsed = parsed(db, file, dialect);
    let statement = super::fixes::statement_at(&parsed, f.primary.range.start)?;
    super::fixes::expand_step(f, statement, file.text(db), n1, baseline)
}

/// One note for a changed history in a dialect rollsafe does not model, instead of a finding per
/// statement it cannot read. What the files alone say (edited, deleted and late migrations) is
/// still checked: Flyway's checksums and version order do not depend on the dialect.
fn unsupported_history<'db>(db: &'db dyn Db, key: HistoryKey<'db>, name: &str) -> Checked {
    let delta = history_delta(db, key);
    let (facts, _) = file_facts(db, key, history_dialect(db, key));
    let mut not_understood = Vec::new();
    if let Some(first) = delta.new.first().and_then(|m| m.up.clone().or_else(|| m.down.clone())) {
        let message = format!(
            "{} holds {name} migrations, which rollsafe does not analyse; only edited, deleted and out-of-order migrations are checked in this history (name its dialect under [sql.dialects] to analyse it as PostgreSQL, MySQL or SQLite)",
            key.dir(db)
        );
        not_understood.push((Location::current(first, TextRange::empty(0)), message));
    }
    let ws = key.workspace(db);
    let cx = SqlContext {
        baseline: ws.baseline_label(db),
        changes: &[],
        history: Some(&facts),
        not_understood: &not_understood,
        expand_step: None,
        app_roles: &super::sql_config(db).sql.app_roles,
    };
    let mut findings = Vec::new();
    for check in SQL_CHECKS {
        check(&cx, &mut findings);
    }
    Checked { findings, suppressions: Vec::new() }
}

/// Whether a new database, built from the released migrations with this one edit and then this
/// release's migrations, gets another schema than production after this release (the released
/// migrations as released, then this release's). Deleted released migrations are replayed as
/// released: their absence is a finding of its own.
fn fresh_install_differs<'db>(db: &'db dyn Db, key: HistoryKey<'db>, dialect: Dialect, edited: &str) -> bool {
    let ws = key.workspace(db);
    let delta = history_delta(db, key);
    let mut catalog = Catalog::new(dialect);
    let mut events = Vec::new();
    let opaque = |k: &StatementKind| matches!(k, StatementKind::NotModelled { .. } | StatementKind::NotUnderstood { .. });
    for released in &delta.released {
        // Only this edit: the other released migrations as released, so that each edit is judged
        // by what it changes itself.
        let now = delta.kept.iter().find(|(r, _)| r.id == released.id && r.id == edited).map(|(_, k)| k);
        let was = released.up.as_deref().and_then(|p| ws.baseline(db).get(p));
        let file = match now.and_then(|k| k.up.as_deref()).and_then(|p| ws.current(db).get(p)) {
            Some(f) => Some(f),
            None => was,
        };
        let Some(file) = file else { continue };
        let parsed = parsed(db, file, dialect);
        // A statement rollsafe does not model (a DO block) may do anything: when one is among
        // what the edit changed, the edit cannot be cleared.
        if let Some(was) = was.filter(|w| *w != file) {
            let old = super::parsed(db, was, dialect);
            let keyed = |p: &ParsedFile, f: SourceFile| -> Vec<(bool, Vec<String>)> {
                up_statements(p).map(|st| (opaque(&st.kind), meaning_key(&f.text(db)[st.range.as_usize()], dialect))).collect()
            };
            let (old_keys, new_keys) = (keyed(&old, was), keyed(&parsed, file));
            let missing_from = |a: &[(bool, Vec<String>)], b: &[(bool, Vec<String>)]| {
                a.iter().any(|(is_opaque, k)| *is_opaque && !b.iter().any(|(_, other)| other == k))
            };
            if missing_from(&new_keys, &old_keys) || missing_from(&old_keys, &new_keys) {
                return true;
            }
        }
        replay_file(&mut catalog, &mut events, SourceId(0), up_statements(&parsed));
    }
    // Then this release's migrations, as production will run them after the released ones.
    for m in replay_plan(db, key) {
        if let Some(file) = m.up.as_deref().and_then(|p| ws.current(db).get(p)) {
            let parsed = parsed(db, file, dialect);
            replay_file(&mut catalog, &mut events, SourceId(0), up_statements(&parsed));
        }
    }
    events.iter().any(|e| matches!(e, Event::ReplayFailed { .. }))
        || !super::compare::differences(&catalog, &current_state(db, key).catalog).is_empty()
}

/// The first up statement of an edited migration whose meaning changed ([`meaning_key`]): its range in
/// the new text and the range of what it replaces in the old one. A statement inserted or removed
/// in the middle is found as such, not as a change of every statement after it. `None`: every
/// statement means what it meant.
///
/// With `schema_only`, statements without effect on the schema (data fixes, grants, comments) are
/// left out: a database that already ran the migration has the schema either version gives.
fn first_change_of_meaning(
    old: &ParsedFile,
    new: &ParsedFile,
    old_text: &str,
    new_text: &str,
    dialect: Dialect,
    schema_only: bool,
) -> Option<(TextRange, Option<TextRange>)> {
    let keys = |parsed: &ParsedFile, text: &str| -> Vec<(TextRange, Vec<String>)> {
        up_statements(parsed)
            .filter(|s| !schema_only || changes_schema(&s.kind))
            .map(|s| (s.range, meaning_key(&text[s.range.as_usize()], dialect)))
            .collect()
    };
    let (old_keys, new_keys) = (keys(old, old_text), keys(new, new_text));
    let same = |i: Option<&(TextRange, Vec<String>)>, j: Option<&(TextRange, Vec<String>)>| match (i, j) {
        (Some(a), Some(b)) => a.1 == b.1,
        (None, None) => true,
        _ => false,
    };
    let i = (0..old_keys.len().max(new_keys.len())).find(|&i| !same(old_keys.get(i), new_keys.get(i)))?;
    let was = old_keys.get(i).map(|(r, _)| *r);
    match new_keys.get(i) {
        Some((range, _)) => {
            // A statement removed here: the new one at `i` is the old one at `i + 1`.
            let removed = same(old_keys.get(i + 1), new_keys.get(i));
            Some((*range, if removed || was.is_some() { was } else { None }))
        }
        // Statements removed at the end: point at the last statement left, with what was removed.
        None => Some((new_keys.last().map_or(TextRange::empty(0), |(r, _)| *r), was)),
    }
}

/// Whether a statement can change the schema rollsafe models: not data, grants or comments, and not
/// an `ALTER TABLE` whose every action is without schema effect (`DISABLE TRIGGER`, `SET STATISTICS`).
fn changes_schema(kind: &StatementKind) -> bool {
    use rollsafe_sql::ops::{ActionKind, Op};
    match kind {
        StatementKind::NoSchemaEffect => false,
        StatementKind::Ddl(ops) => {
            !ops.iter().all(|op| matches!(op, Op::AlterTable { actions, .. } if actions.iter().all(|a| a.kind == ActionKind::NoEffect)))
        }
        _ => true,
    }
}

/// The first statement that differs in bytes between a released migration and its edited version
/// (for checksum tools, where an edit of layout or comments alone also breaks deploys): its range
/// in the new text and, when it exists there, in the old text.
fn first_difference(old: &ParsedFile, new: &ParsedFile, old_text: &str, new_text: &str) -> (TextRange, Option<TextRange>) {
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    for (i, n) in new.statements.iter().enumerate() {
        match old.statements.get(i) {
            Some(o) if squash(&old_text[o.range.as_usize()]) == squash(&new_text[n.range.as_usize()]) => {
                continue;
            }
            Some(o) => return (n.range, Some(o.range)),
            None => return (n.range, None),
        }
    }
    // Statements removed at the end: the last statement left, with what was removed.
    if let Some(removed) = old.statements.get(new.statements.len()) {
        return (new.statements.last().map_or(TextRange::empty(0), |s| s.range), Some(removed.range));
    }
    // Only layout or comments changed: the start of the first line that differs.
    let same = old_text.bytes().zip(new_text.bytes()).take_while(|(a, b)| a == b).count();
    let at = rollsafe_text::floor_char_boundary(new_text, same);
    let line_start = new_text[..at].rfind('\n').map_or(0, |i| i + 1);
    (TextRange::empty(line_start as u32), None)
}

/// Statements (and parts) of the reviewed files that were not understood or not modelled.
fn not_understood(files: &[(String, Arc<ParsedFile>)]) -> Vec<(Location, String)> {
    let mut out = Vec::new();
    for (path, parsed) in files {
        for stmt in &parsed.statements {
            let what = match &stmt.kind {
                // The parser's message may quote a token of any length: keep the note one short line.
                StatementKind::NotUnderstood { message } => {
                    format!("statement not understood ({})", rollsafe_text::escape::truncate_chars(message, 200))
                }
                StatementKind::NotModelled { what } => format!("{what} is not modelled: its effect on the schema is unknown"),
                _ => continue,
            };
            out.push((Location::current(path.clone(), stmt.range), what));
        }
        for part in &parsed.unread {
            let what = rollsafe_text::escape::truncate_chars(&part.what, 200);
            out.push((Location::current(path.clone(), part.range), format!("{what} not understood")));
        }
        for err in &parsed.errors {
            out.push((Location::current(path.clone(), err.range), rollsafe_text::escape::truncate_chars(&err.message, 200).into_owned()));
        }
    }
    out
}

#[salsa::tracked(returns(copy))]
pub fn schema_dialect<'db>(db: &'db dyn Db, key: SchemaKey<'db>) -> Dialect {
    let ws = key.workspace(db);
    let path = key.path(db);
    if let Some(d) = sql_config(db).dialect_for(path) {
        return d;
    }
    let evidence = [ws.current(db).get(path), ws.baseline(db).get(path)].into_iter().flatten().map(|f| file_evidence(db, f));
    dialect::detect(layout::split_path(path).0, evidence)
}

#[salsa::tracked(returns(ref))]
pub fn schema_file_findings<'db>(db: &'db dyn Db, key: SchemaKey<'db>) -> Checked {
    let ws = key.workspace(db);
    let path = key.path(db);
    let (Some(old_file), Some(new_file)) = (ws.baseline(db).get(path), ws.current(db).get(path)) else {
        return Checked::default();
    };
    let dialect = schema_dialect(db, key);
    let mut sources = SourceTable::default();
    let old_id = sources.add(path, Side::Baseline, old_file);
    let new_id = SourceId(sources.files.len() as u32);
    sources.files.push((path.clone(), Side::Current, new_file));
    let old_parsed = parsed(db, old_file, dialect);
    let new_parsed = parsed(db, new_file, dialect);
    let (mut old_catalog, mut new_catalog) = (Catalog::new(dialect), Catalog::new(dialect));
    let mut scratch = Vec::new();
    replay_file(&mut old_catalog, &mut scratch, old_id, old_parsed.statements.iter());
    replay_file(&mut new_catalog, &mut scratch, new_id, new_parsed.statements.iter());
    let empty = crate::db::FileSet::default();
    let locator = Locator { sources: &sources, current: &empty };
    let changes = diff(&DiffInput {
        old: &old_catalog,
        new: &new_catalog,
        events: &[],
        old_loc: &|o| locator.baseline_location(o),
        new_loc: &|o| locator.location(o),
        is_new: &|o| o.source == new_id,
        by_identity: false,
        fallback: Some(Location::current(path.clone(), TextRange::empty(0))),
    });
    let reviewed = vec![(path.clone(), new_parsed.clone())];
    let not_understood = if old_file == new_file { Vec::new() } else { not_understood(&reviewed) };
    let cx = SqlContext {
        baseline: ws.baseline_label(db),
        changes: &changes,
        history: None,
        not_understood: &not_understood,
        expand_step: None,
        app_roles: &super::sql_config(db).sql.app_roles,
    };
    let mut findings = Vec::new();
    for check in SQL_CHECKS {
        check(&cx, &mut findings);
    }
    checked(findings, &reviewed)
}
