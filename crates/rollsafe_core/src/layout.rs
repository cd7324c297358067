//! Finding migration histories and schema files in a tree, without configuration.
//!
//! Recognised layouts (file names are matched, contents only where a layout needs them):
//!
//! | layout | files | downs |
//! |---|---|---|
//! | Flyway | `V1__x.sql`, `V1.2__x.sql`, `V1_2__x.sql`; `U1__x.sql` undo; `R__x.sql` repeatable (in nested folders too) | `U` files |
//! | golang-migrate, sqlx (reversible) | `1_x.up.sql` / `1_x.down.sql` | `.down.sql` |
//! | Diesel | `<version>_<name>/up.sql` and `down.sql` | `down.sql` |
//! | Prisma | `<timestamp>_<name>/migration.sql`, `migration_lock.toml` names the provider | none |
//! | dbmate, goose, sql-migrate | `<version>_<name>.sql` with `-- migrate:up`/`-- +goose Up` sections | the down section |
//! | plain numbered, sqlx (simple) | `0001_x.sql`, `001-x.sql`, `1.sql` | none |
//! | schema files | `schema.sql`, `structure.sql`, `*.schema.sql`, and pg_dump / mysqldump output | — |
//!
//! Versions compare as versions (`V1.10` after `V1.9`, `10_x` after `9_x`), never as strings. A schema
//! file next to a migration history (dbmate's `db/schema.sql` beside `db/migrations/`) is a dump
//! generated from that history and is not analysed twice; list it under `[sql] schemas` to force it.

use crate::config::{Config, glob_matches};
use rollsafe_sql::Dialect;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LayoutKind {
    Flyway,
    /// golang-migrate and sqlx reversible migrations: `N_name.up.sql` + `N_name.down.sql`.
    UpDownFiles,
    /// `N_name.sql`: plain numbered files, sqlx simple migrations, and dbmate/goose/sql-migrate files
    /// whose up/down sections the parser finds.
    Numbered,
    Diesel,
    Prisma,
}

impl LayoutKind {
    pub fn name(self) -> &'static str {
        match self {
            LayoutKind::Flyway => "Flyway",
            LayoutKind::UpDownFiles => "golang-migrate/sqlx",
            LayoutKind::Numbered => "numbered files",
            LayoutKind::Diesel => "Diesel",
            LayoutKind::Prisma => "Prisma",
        }
    }
}

/// A migration version: numeric segments compared numerically.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Version {
    /// Digit runs without leading zeros.
    segments: Vec<String>,
    /// As written in the file name.
    pub text: String,
}

impl Version {
    pub fn parse(text: &str, separators: &[char]) -> Option<Version> {
        let segments: Vec<String> = text
            .split(|c: char| separators.contains(&c))
            .map(|s| {
                let trimmed = s.trim_start_matches('0');
                if trimmed.is_empty() { "0".to_string() } else { trimmed.to_string() }
            })
            .collect();
        if text.is_empty() || segments.iter().any(|s| !s.bytes().all(|b| b.is_ascii_digit())) {
            return None;
        }
        Some(Version { segments, text: text.to_string() })
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        for (a, b) in self.segments.iter().zip(&other.segments) {
            let by_number = a.len().cmp(&b.len()).then_with(|| a.cmp(b));
            if by_number != Ordering::Equal {
                return by_number;
            }
        }
        // `1.0` and `1` are the same version in Flyway; treat missing segments as zeros.
        let rest = |v: &Version, n: usize| v.segments[n..].iter().any(|s| s != "0");
        let n = self.segments.len().min(other.segments.len());
        match (rest(self, n), rest(other, n)) {
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            _ => Ordering::Equal,
        }
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// One migration of a history: its up file and, where the layout has one, its down file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Migration {
    /// `None` for Flyway repeatable migrations.
    pub version: Option<Version>,
    /// Identity of the migration within the history (the file or directory name).
    pub id: String,
    /// Path of the file holding the up SQL (the whole file for sectioned layouts).
    pub up: Option<String>,
    /// Path of a separate down/undo file.
    pub down: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct History {
    /// Workspace-relative directory, `/`-separated.
    pub dir: String,
    pub kind: LayoutKind,
    /// Versioned migrations in version order, then repeatable ones by name.
    pub migrations: Vec<Migration>,
    /// Dialect named by the layout itself (Prisma's `migration_lock.toml`).
    pub dialect_hint: Option<Dialect>,
}

impl History {
    /// Whether this layout gives migrations down/undo scripts.
    pub fn has_downs(&self) -> bool {
        match self.kind {
            LayoutKind::Diesel => true,
            LayoutKind::UpDownFiles | LayoutKind::Flyway => self.migrations.iter().any(|m| m.down.is_some()),
            LayoutKind::Numbered | LayoutKind::Prisma => false,
        }
    }
}

/// Everything SQL found in one tree.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct SqlLayout {
    pub histories: Vec<History>,
    pub schema_files: Vec<String>,
}

/// What the detector needs to know about a file's contents.
pub trait ContentProbe {
    /// The first bytes of a file, if it is in the tree.
    fn head(&self, path: &str) -> Option<String>;
}

pub fn detect(paths: &[&str], config: &Config, probe: &dyn ContentProbe) -> SqlLayout {
    let mut by_dir: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for path in paths {
        if config.is_excluded(path) {
            continue;
        }
        let (dir, _) = split_path(path);
        by_dir.entry(dir).or_default().push(path);
    }
    let mut histories: Vec<History> = Vec::new();
    let mut claimed: std::collections::HashSet<String> = std::collections::HashSet::new();

    // Directory-per-migration layouts: the parent of the version directories is the history.
    let mut version_dirs: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for (dir, files) in &by_dir {
        let (parent, name) = split_path(dir);
        if dir.is_empty() || migration_dir_version(name).is_none() {
            continue;
        }
        for f in files {
            version_dirs.entry(parent).or_default().push((dir, f));
        }
    }
    for (parent, entries) in &version_dirs {
        let has = |file: &str| entries.iter().any(|(_, f)| split_path(f).1 == file);
        let kind = if has("migration.sql") {
            LayoutKind::Prisma
        } else if has("up.sql") {
            LayoutKind::Diesel
        } else {
            continue;
        };
        let mut migrations: BTreeMap<&str, Migration> = BTreeMap::new();
        for (dir, file) in entries {
            let name = split_path(dir).1;
            let Some(version) = migration_dir_version(name) else {
                continue;
            };
            let m =
                migrations.entry(dir).or_insert_with(|| Migration { version: Some(version), id: name.to_string(), up: None, down: None });
            match split_path(file).1 {
                "up.sql" | "migration.sql" => m.up = Some(file.to_string()),
                "down.sql" => m.down = Some(file.to_string()),
                _ => {}
            }
        }
        let mut migrations: Vec<Migration> = migrations.into_values().filter(|m| m.up.is_some() || m.down.is_some()).collect();
        migrations.sort_by(|a, b| a.version.cmp(&b.version).then_with(|| a.id.cmp(&b.id)));
        let dialect_hint = (kind == LayoutKind::Prisma)
            .then(|| probe.head(&join(parent, "migration_lock.toml")))
            .flatten()
            .and_then(|text| prisma_provider(&text));
        claimed.extend(entries.iter().map(|(_, f)| f.to_string()));
        histories.push(History { dir: parent.to_string(), kind, migrations, dialect_hint });
    }

    // File-per-migration layouts.
    for (dir, files) in &by_dir {
        let sql: Vec<&str> = files.iter().copied().filter(|f| f.ends_with(".sql") && !claimed.contains(*f)).collect();
        if sql.is_empty() {
            continue;
        }
        let forced = config.sql.migrations.iter().any(|g| glob_matches(g, dir) || g.trim_end_matches('/') == *dir);
        let names: Vec<&str> = sql.iter().map(|f| split_path(f).1).collect();
        let flyway = names.iter().filter(|n| flyway_name(n).is_some()).count();
        let updown = names.iter().filter(|n| updown_name(n).is_some()).count();
        let numbered = names.iter().filter(|n| numbered_name(n).is_some()).count();
        let (kind, matched) = if flyway > 0 && flyway >= updown && flyway >= numbered {
            (LayoutKind::Flyway, flyway)
        } else if updown > 0 && updown >= numbered / 2 {
            (LayoutKind::UpDownFiles, updown)
        } else if numbered > 0 {
            (LayoutKind::Numbered, numbered)
        } else {
            continue;
        };
        // A folder with one stray numbered file among many others is not a history.
        if !forced && matched * 2 < names.len() && matched < 2 {
            continue;
        }
        let mut migrations: BTreeMap<String, Migration> = BTreeMap::new();
        for (path, name) in sql.iter().zip(&names) {
            match kind {
                LayoutKind::Flyway => {
                    let Some((prefix, version, id)) = flyway_name(name) else {
                        continue;
                    };
                    let key = match &version {
                        Some(v) => format!("V{}", v.text),
                        None => format!("R__{id}"),
                    };
                    let m = migrations.entry(key).or_insert_with(|| Migration {
                        version: version.clone(),
                        id: name.to_string(),
                        up: None,
                        down: None,
                    });
                    match prefix {
                        'U' => m.down = Some(path.to_string()),
                        _ => {
                            m.up = Some(path.to_string());
                            m.id = name.to_string();
                        }
                    }
                }
                LayoutKind::UpDownFiles => {
                    let Some((version, id, is_up)) = updown_name(name) else {
                        continue;
                    };
                    // The pair shares one id: the file name without `.up.sql`/`.down.sql`.
                    let stem = name.trim_end_matches(".sql").trim_end_matches(".up").trim_end_matches(".down");
                    let m = migrations.entry(format!("{}_{id}", version.text)).or_insert_with(|| Migration {
                        version: Some(version),
                        id: stem.to_string(),
                        up: None,
                        down: None,
                    });
                    if is_up {
                        m.up = Some(path.to_string());
                    } else {
                        m.down = Some(path.to_string());
                    }
                }
                _ => {
                    let Some(version) = numbered_name(name) else {
                        continue;
                    };
                    migrations.insert(
                        name.to_string(),
                        Migration { version: Some(version), id: name.to_string(), up: Some(path.to_string()), down: None },
                    );
                }
            }
        }
        let mut migrations: Vec<Migration> = migrations.into_values().collect();
        sort_migrations(&mut migrations);
        claimed.extend(sql.iter().map(|s| s.to_string()));
        histories.push(History { dir: dir.to_string(), kind, migrations, dialect_hint: None });
    }

    merge_nested_flyway(&mut histories);
    histories.sort_by(|a, b| a.dir.cmp(&b.dir));

    // Schema files.
    let mut schema_files = Vec::new();
    for path in paths {
        if config.is_excluded(path) || claimed.contains(*path) || !path.ends_with(".sql") {
            continue;
        }
        let forced = config.sql.schemas.iter().any(|g| glob_matches(g, path));
        let name = split_path(path).1;
        let named = matches!(name, "schema.sql" | "structure.sql") || name.ends_with(".schema.sql");
        let is_schema = forced || ((named || probe.head(path).is_some_and(|h| is_dump(&h))) && !beside_history(path, &histories));
        if is_schema {
            schema_files.push(path.to_string());
        }
    }
    SqlLayout { histories, schema_files }
}

fn sort_migrations(migrations: &mut [Migration]) {
    // Versioned first in version order, repeatable (no version) last by name.
    migrations.sort_by(|a, b| match (&a.version, &b.version) {
        (Some(x), Some(y)) => x.cmp(y).then_with(|| a.id.cmp(&b.id)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.id.cmp(&b.id),
    });
}

/// Flyway scans its locations recursively: nested Flyway folders belong to the outermost one.
fn merge_nested_flyway(histories: &mut Vec<History>) {
    let mut i = 0;
    while i < histories.len() {
        if histories[i].kind == LayoutKind::Flyway
            && let Some(parent) = (0..histories.len())
                .find(|&j| j != i && histories[j].kind == LayoutKind::Flyway && is_ancestor(&histories[j].dir, &histories[i].dir))
        {
            let child = histories.remove(i);
            let parent = if parent > i { parent - 1 } else { parent };
            histories[parent].migrations.extend(child.migrations);
            sort_migrations(&mut histories[parent].migrations);
            continue;
        }
        i += 1;
    }
}

fn is_ancestor(ancestor: &str, dir: &str) -> bool {
    ancestor.is_empty() && !dir.is_empty() || dir.starts_with(ancestor) && dir.as_bytes().get(ancestor.len()) == Some(&b'/')
}

/// A schema dump sitting beside a history (same folder or the history's parent) is generated from it.
fn beside_history(path: &str, histories: &[History]) -> bool {
    let (dir, _) = split_path(path);
    histories.iter().any(|h| h.dir == dir || split_path(&h.dir).0 == dir)
}

fn is_dump(head: &str) -> bool {
    head.contains("-- PostgreSQL database dump") || head.contains("-- MySQL dump") || head.contains("-- MariaDB dump")
}

fn prisma_provider(text: &str) -> Option<Dialect> {
    text.lines().find_map(|line| {
        let (key, value) = line.split_once('=')?;
        (key.trim() == "provider").then(|| Dialect::from_name(value.trim().trim_matches('"')))?
    })
}

pub fn split_path(path: &str) -> (&str, &str) {
    match path.rsplit_once('/') {
        Some((dir, name)) => (dir, name),
        None => ("", path),
    }
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() { name.to_string() } else { format!("{dir}/{name}") }
}

/// `V1.2__name.sql` → ('V', 1.2, name); `R__name.sql` → ('R', None, name).
fn flyway_name(name: &str) -> Option<(char, Option<Version>, &str)> {
    let stem = name.strip_suffix(".sql")?;
    let prefix = stem.chars().next()?.to_ascii_uppercase();
    if !matches!(prefix, 'V' | 'U' | 'R') {
        return None;
    }
    let (version, description) = stem[1..].split_once("__")?;
    if prefix == 'R' {
        return version.is_empty().then_some(('R', None, description));
    }
    let version = Version::parse(version, &['.', '_'])?;
    Some((prefix, Some(version), description))
}

/// `20240101_name.up.sql` → (version, name, is_up).
fn updown_name(name: &str) -> Option<(Version, &str, bool)> {
    let (stem, is_up) = if let Some(s) = name.strip_suffix(".up.sql") { (s, true) } else { (name.strip_suffix(".down.sql")?, false) };
    let digits = stem.bytes().take_while(u8::is_ascii_digit).count();
    let version = Version::parse(&stem[..digits], &[])?;
    let rest = stem[digits..].trim_start_matches(['_', '-', '.']);
    Some((version, rest, is_up))
}

/// `0001_init.sql`, `001-init.sql`, `1.sql`, `20240101120000_x.sql`, and dated `2024-03-10-x.sql`
/// (digit groups joined by `-`, `_` or `.` all belong to the version).
fn numbered_name(name: &str) -> Option<Version> {
    let stem = name.strip_suffix(".sql")?;
    if stem.ends_with(".up") || stem.ends_with(".down") {
        return None;
    }
    let bytes = stem.as_bytes();
    let mut end = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if end == 0 {
        return None;
    }
    while end + 1 < bytes.len() && matches!(bytes[end], b'-' | b'_' | b'.') && bytes[end + 1].is_ascii_digit() {
        end += 1;
        end += bytes[end..].iter().take_while(|b| b.is_ascii_digit()).count();
    }
    let rest = &stem[end..];
    if !(rest.is_empty() || rest.starts_with(['_', '-', '.'])) {
        return None;
    }
    Version::parse(&stem[..end], &['-', '_', '.'])
}

/// `2024-01-01-000000_create_users` (Diesel), `20240101000000_init` (Prisma), `00000000000000_diesel_initial_setup`.
fn migration_dir_version(name: &str) -> Option<Version> {
    let (version, rest) = name.split_once('_')?;
    if rest.is_empty() || !version.bytes().next()?.is_ascii_digit() {
        return None;
    }
    let digits: String = version.chars().filter(char::is_ascii_digit).collect();
    if version.chars().any(|c| !(c.is_ascii_digit() || c == '-')) {
        return None;
    }
    Version::parse(&digits, &[]).map(|v| Version { text: version.to_string(), ..v })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoProbe;
    impl ContentProbe for NoProbe {
        fn head(&self, _: &str) -> Option<String> {
            None
        }
    }

    fn layout(paths: &[&str]) -> SqlLayout {
        detect(paths, &Config::default(), &NoProbe)
    }

    fn order(h: &History) -> Vec<&str> {
        h.migrations.iter().map(|m| m.id.as_str()).collect()
    }

    #[test]
    fn versions_sort_as_versions() {
        let v = |s| Version::parse(s, &['.', '_']).unwrap();
        assert!(v("1.10") > v("1.9"));
        assert!(v("10") > v("9"));
        assert_eq!(v("1.0").cmp(&v("1")), Ordering::Equal);
        assert!(v("0002") > v("1"));
        let n = |s| numbered_name(s).unwrap();
        assert!(n("2024-03-10-more.sql") > n("2024-02-10-add.sql"));
        assert!(n("10_x.sql") > n("9_y.sql"));
        assert!(n("20240101_120000_x.sql") > n("20240101_110000_y.sql"));
    }

    #[test]
    fn detects_flyway_with_nested_folders() {
        let l = layout(&[
            "db/migration/V1__init.sql",
            "db/migration/V1.10__b.sql",
            "db/migration/v2/V1.9__a.sql",
            "db/migration/R__views.sql",
            "db/migration/U1.10__b.sql",
        ]);
        assert_eq!(l.histories.len(), 1);
        let h = &l.histories[0];
        assert_eq!(h.kind, LayoutKind::Flyway);
        assert_eq!(order(h), vec!["V1__init.sql", "V1.9__a.sql", "V1.10__b.sql", "R__views.sql"]);
        assert_eq!(h.migrations[2].down.as_deref(), Some("db/migration/U1.10__b.sql"));
    }

    #[test]
    fn detects_updown_numbered_diesel_prisma() {
        let l = layout(&[
            "m/2_b.up.sql",
            "m/2_b.down.sql",
            "m/10_c.up.sql",
            "m/1_a.up.sql",
            "n/0001_init.sql",
            "n/0010_x.sql",
            "n/0002_y.sql",
            "diesel/migrations/2024-01-02-000000_b/up.sql",
            "diesel/migrations/2024-01-02-000000_b/down.sql",
            "diesel/migrations/2024-01-01-000000_a/up.sql",
            "prisma/migrations/20240101000000_init/migration.sql",
            "db/schema.sql",
        ]);
        let kinds: Vec<_> = l.histories.iter().map(|h| (h.dir.as_str(), h.kind)).collect();
        assert_eq!(
            kinds,
            vec![
                ("diesel/migrations", LayoutKind::Diesel),
                ("m", LayoutKind::UpDownFiles),
                ("n", LayoutKind::Numbered),
                ("prisma/migrations", LayoutKind::Prisma)
            ]
        );
        assert_eq!(order(&l.histories[1]), vec!["1_a", "2_b", "10_c"]);
        assert_eq!(order(&l.histories[2]), vec!["0001_init.sql", "0002_y.sql", "0010_x.sql"]);
        assert_eq!(l.schema_files, vec!["db/schema.sql"]);
    }

    #[test]
    fn updown_pair_shares_one_id_whichever_file_is_listed_first() {
        let l = layout(&["m/0002-add-email.down.sql", "m/0002-add-email.up.sql", "m/0001-init.up.sql"]);
        assert_eq!(order(&l.histories[0]), vec!["0001-init", "0002-add-email"]);
        let pair = &l.histories[0].migrations[1];
        assert_eq!(pair.up.as_deref(), Some("m/0002-add-email.up.sql"));
        assert_eq!(pair.down.as_deref(), Some("m/0002-add-email.down.sql"));
    }

    #[test]
    fn schema_dump_beside_a_history_is_not_analysed_twice() {
        let l = layout(&["db/migrations/001_a.sql", "db/migrations/002_b.sql", "db/schema.sql"]);
        assert!(l.schema_files.is_empty());
    }
}
