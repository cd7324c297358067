//! The whole pipeline on whole workspaces: files of both trees at the paths of every layout (and
//! arbitrary ones), a configuration, the analysis with its suppressions and allow-list, and both
//! renderers. Never a panic; every location lies inside its file on character boundaries; the
//! JSON document parses; human output carries no raw escape character.
//!
//! Input: records separated by NUL. A record's first line names its file: a tree marker (`-` N-1
//! only, `+` N only, anything else both) and a path, or a number picking one of [`PATHS`]; the rest
//! of the record is the file's text. A record named `rollsafe.toml` is the configuration.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rollsafe_core::{Side, WorkspaceInput};
use std::sync::Arc;

/// Paths of every layout rollsafe detects, so that short inputs reach them.
const PATHS: &[&str] = &[
    "migrations/0001_init.sql",
    "migrations/0002_change.sql",
    "migrations/0003_more.sql",
    "db/migration/V1__init.sql",
    "db/migration/V1.1__change.sql",
    "db/migration/U1.1__change.sql",
    "db/migration/R__views.sql",
    "migrations/000001_init.up.sql",
    "migrations/000001_init.down.sql",
    "migrations/000002_change.up.sql",
    "migrations/000002_change.down.sql",
    "migrations/2024-01-01-000000_init/up.sql",
    "migrations/2024-01-01-000000_init/down.sql",
    "migrations/2024-02-01-000000_change/up.sql",
    "prisma/migrations/20240101000000_init/migration.sql",
    "prisma/migrations/20240201000000_change/migration.sql",
    "prisma/migrations/migration_lock.toml",
    "db/migrations/20240101000000_init.sql",
    "db/migrations/20240201000000_change.sql",
    "db/schema.sql",
    "schema.sql",
    "structure.sql",
    "app.schema.sql",
];

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut input = WorkspaceInput { baseline_label: "v1".into(), ..WorkspaceInput::default() };
    for record in text.split('\0') {
        let (head, body) = record.split_once('\n').unwrap_or((record, ""));
        let mut chars = head.chars();
        let marker = chars.next().unwrap_or('=');
        let name = chars.as_str();
        let path = match name.parse::<usize>() {
            Ok(i) => PATHS[i % PATHS.len()].to_string(),
            Err(_) if name.is_empty() => continue,
            Err(_) => name.to_string(),
        };
        if path == "rollsafe.toml" {
            if let Ok(config) = rollsafe_core::parse_config(body) {
                input.config = config;
            }
            continue;
        }
        let body: Arc<str> = Arc::from(body);
        if marker != '+' {
            input.baseline.insert(path.clone(), body.clone());
        }
        if marker != '-' {
            input.current.insert(path, body);
        }
    }
    let report = rollsafe_check::check_input(input, "/fuzz".into());
    for finding in &report.findings {
        for location in std::iter::once(&finding.primary).chain(finding.related.iter().map(|r| &r.location)) {
            let Some(text) = report.text(location.side, &location.path) else {
                assert!(location.path == "rollsafe.toml" || location.side == Side::Baseline, "{location:?}");
                continue;
            };
            let (start, end) = (location.range.start as usize, location.range.end as usize);
            assert!(start <= end && end <= text.len(), "{location:?} outside its file");
            assert!(text.is_char_boundary(start) && text.is_char_boundary(end), "{location:?} off a character boundary");
        }
    }
    let style = rollsafe_check::render::human::Style { color: false, unicode: true, width: 100, quiet: false };
    let human = rollsafe_check::render::human::render(&report, &style);
    assert!(!human.contains('\u{1b}'), "a raw escape character reached human output");
    let json = rollsafe_check::render::json::render(&report);
    serde_json::from_str::<serde_json::Value>(&json).expect("the JSON document parses");
    // The CI formats: documents that parse, and workflow commands one per line.
    for document in [rollsafe_check::render::sarif::render(&report), rollsafe_check::render::gitlab::render(&report)] {
        serde_json::from_str::<serde_json::Value>(&document).expect("the CI document parses");
    }
    let github = rollsafe_check::render::github::render(&report);
    assert_eq!(github.lines().count(), report.notices.len() + report.findings.len() + 1, "one line per annotation");
    let junit = rollsafe_check::render::junit::render(&report, rollsafe_check::Severity::Warning);
    assert!(!junit.chars().any(|c| (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r')), "a control character XML cannot carry");
});
