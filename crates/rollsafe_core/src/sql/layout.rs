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
//! Files under `vendor/`, `node_modules/` and `testdata/` belong to other projects and are not
//! read unless the configuration names them.
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

/// The migration tool a history is written for, as far as its files tell: it decides what an edited
/// released migration and a late version mean.
///
/// | tool | a released migration is edited | a new version sorts below the newest applied one | versions compare as |
/// |---|---|---|---|
/// | Flyway | `validate` (on by default) fails the deploy: checksum mismatch | `validate` fails: "resolved migration not applied" (unless `outOfOrder`) | numbers, part by part (`1.0` = `1`) |
/// | sqlx | `migrate run` fails: checksum mismatch | applied (every version not yet applied runs) | integers |
/// | Prisma | `migrate` reports the migration as modified (checksum) | applied (every folder not yet applied runs) | folder names, as text |
/// | golang-migrate | never re-run | never run: only the newest version is recorded | integers |
/// | goose | never re-run | `up` fails: "missing migrations" (unless `-allow-missing`) | integers |
/// | Diesel | never re-run | applied (every pending migration runs) | the version string (folder name up to the first `_`, dashes removed), as text |
/// | dbmate | never re-run | applied (every pending migration runs) | numbers |
/// | sql-migrate | never re-run | never run: only migrations after the newest applied one are planned | numbers |
/// | unknown (plain numbered files) | assumed never re-run | assumed never run (most runners record the newest version only) | numbers |
///
/// The tool is told by the layout, by section markers (`-- migrate:up`, `-- +goose Up`,
/// `-- +migrate Up`) and, for the layouts sqlx shares with others, by the nearest project file
/// (`Cargo.toml` means sqlx, `go.mod` golang-migrate).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MigrationTool {
    Flyway,
    Sqlx,
    Prisma,
    GolangMigrate,
    Goose,
    Diesel,
    Dbmate,
    SqlMigrate,
    Unknown,
}

/// What a tool does with a new migration whose version sorts below the newest applied one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LateVersion {
    /// Runs it like any pending migration.
    Applied,
    /// Stops the deploy with an error.
    Refused,
    /// Never runs it, without a word.
    Skipped,
}

impl MigrationTool {
    pub fn name(self) -> &'static str {
        match self {
            MigrationTool::Flyway => "Flyway",
            MigrationTool::Sqlx => "sqlx",
            MigrationTool::Prisma => "Prisma",
            MigrationTool::GolangMigrate => "golang-migrate",
            MigrationTool::Goose => "goose",
            MigrationTool::Diesel => "Diesel",
            MigrationTool::Dbmate => "dbmate",
            MigrationTool::SqlMigrate => "sql-migrate",
            MigrationTool::Unknown => "the migration tool",
        }
    }

    /// Whether the tool records a checksum of each applied migration and refuses to go on when
    /// the file no longer matches it: then any byte edit breaks deploys, not only edits of meaning.
    pub fn checksums(self) -> bool {
        matches!(self, MigrationTool::Flyway | MigrationTool::Sqlx | MigrationTool::Prisma)
    }

    pub fn late_version(self) -> LateVersion {
        match self {
            MigrationTool::Sqlx | MigrationTool::Prisma | MigrationTool::Diesel | MigrationTool::Dbmate => LateVersion::Applied,
            MigrationTool::Flyway | MigrationTool::Goose => LateVersion::Refused,
            MigrationTool::GolangMigrate | MigrationTool::SqlMigrate | MigrationTool::Unknown => LateVersion::Skipped,
        }
    }
}

/// Flyway settings that change what an edited, deleted or late migration does, read from the
/// project's `flyway.conf`/`flyway.toml`/`flyway.properties` and Spring Boot `application*.yml`/
/// `.properties` files (`spring.flyway.*`). They apply to every Flyway history of the tree: a project
/// with several Flyway configurations that disagree gets the most permissive reading.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FlywaySettings {
    /// `outOfOrder = true`: late versions are applied.
    pub out_of_order: bool,
    /// `ignoreMigrationPatterns` with `*:missing` (or the older `ignoreMissingMigrations`): applied
    /// migrations deleted from the tree are accepted.
    pub ignore_missing: bool,
    /// `validateOnMigrate = false`: checksums are not compared before migrating.
    pub no_validate: bool,
}

impl FlywaySettings {
    /// Whether a file of this name can hold Flyway settings.
    pub fn is_config_file(name: &str) -> bool {
        matches!(name, "flyway.conf" | "flyway.toml" | "flyway.properties")
            || (name.starts_with("application") && (name.ends_with(".yml") || name.ends_with(".yaml") || name.ends_with(".properties")))
    }

    /// Reads the settings from one configuration file (line by line: the keys and values these
    /// formats share, in any of their spellings).
    pub fn read(text: &str) -> FlywaySettings {
        let mut settings = FlywaySettings::default();
        let lines: Vec<String> = text
            .lines()
            .map(|l| {
                l.split('#')
                    .next()
                    .unwrap_or("")
                    .chars()
                    .filter(|c| !matches!(c, '-' | '_' | '.' | ' ' | '\t' | '"' | '\''))
                    .collect::<String>()
                    .to_ascii_lowercase()
            })
            .collect();
        let is_true = |l: &str| l.ends_with(":true") || l.ends_with("=true");
        let is_false = |l: &str| l.ends_with(":false") || l.ends_with("=false");
        for (i, line) in lines.iter().enumerate() {
            if line.contains("outoforder") && is_true(line) {
                settings.out_of_order = true;
            }
            if line.contains("validateonmigrate") && is_false(line) {
                settings.no_validate = true;
            }
            if line.contains("ignoremissingmigrations") && is_true(line) {
                settings.ignore_missing = true;
            }
            if line.contains("ignoremigrationpatterns") {
                // The value on the line, or a YAML list on the lines below it.
                let rest = lines[i..].iter().take(6);
                if rest
                    .take_while(|l| *l == line || l.is_empty() || !l.contains(':') || l.starts_with('*'))
                    .any(|l| l.contains("*:missing"))
                {
                    settings.ignore_missing = true;
                }
            }
        }
        settings
    }

    fn merge(self, other: FlywaySettings) -> FlywaySettings {
        FlywaySettings {
            out_of_order: self.out_of_order || other.out_of_order,
            ignore_missing: self.ignore_missing || other.ignore_missing,
            no_validate: self.no_validate || other.no_validate,
        }
    }
}

/// A migration version, ordered the way its tool orders it. Equality agrees with the order: two
/// versions are equal exactly when the tool would take them for the same version (Flyway's `1.0`
/// and `1`, golang-migrate's `001` and `1`).
#[derive(Clone, Debug)]
pub struct Version {
    key: VersionKey,
    /// As written in the file name.
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum VersionKey {
    /// Digit runs compared as numbers, part by part; missing trailing parts count as zero
    /// (Flyway, golang-migrate, goose, sqlx and plain numbered files).
    Numeric(Vec<NumericPart>),
    /// Compared as text (Diesel's version string, Prisma's folder name).
    Text(String),
}

/// A digit run without leading zeros: ordered by length, then by digits, which is numeric order
/// for numbers of any size.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct NumericPart {
    len: usize,
    digits: String,
}

impl Version {
    /// A numeric version: digit runs separated by any of `separators`.
    pub fn parse(text: &str, separators: &[char]) -> Option<Version> {
        if text.is_empty() {
            return None;
        }
        let mut parts = Vec::new();
        for part in text.split(|c: char| separators.contains(&c)) {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let digits = part.trim_start_matches('0');
            let digits = if digits.is_empty() { "0" } else { digits };
            parts.push(NumericPart { len: digits.len(), digits: digits.to_string() });
        }
        // `1.0` and `1` are one version: trailing zero parts carry nothing.
        while parts.len() > 1 && parts.last().is_some_and(|p| p.digits == "0") {
            parts.pop();
        }
        Some(Version { key: VersionKey::Numeric(parts), text: text.to_string() })
    }

    /// A version its tool compares as a string: `key` is what is compared, `text` what is shown.
    pub fn textual(key: &str, text: &str) -> Version {
        Version { key: VersionKey::Text(key.to_string()), text: text.to_string() }
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for Version {}

impl std::hash::Hash for Version {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key.hash(state);
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
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
    pub tool: MigrationTool,
    /// Flyway's settings as the project's configuration files give them (default for other tools).
    pub flyway: FlywaySettings,
    /// Migrations written in code (Flyway's Java/Kotlin classes, goose's Go files) beside the SQL
    /// ones: rollsafe does not read them.
    pub code_migrations: Vec<String>,
    /// SQL files of the history that rollsafe does not replay, with the reason (Flyway baseline
    /// migrations that existing databases never ran).
    pub not_read: Vec<(String, String)>,
}

impl History {
    /// Whether deploys compare checksums of applied migrations (and so fail on any edit).
    pub fn checksums(&self) -> bool {
        self.tool.checksums() && !self.flyway.no_validate
    }

    /// What the tool does with a new migration whose version sorts below the newest applied one.
    pub fn late_version(&self) -> LateVersion {
        if self.flyway.out_of_order { LateVersion::Applied } else { self.tool.late_version() }
    }

    /// Whether the tool accepts applied migrations that are no longer in the tree.
    pub fn ignores_missing(&self) -> bool {
        self.flyway.ignore_missing
    }

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

    /// The whole text of a file, if it is in the tree.
    fn text(&self, path: &str) -> Option<String> {
        self.head(path)
    }
}

/// Folders that hold other projects' files, never this project's histories: vendored dependencies
/// (with their own test migrations) and Go test data. `[sql] migrations` still reaches into them.
const FOREIGN_FOLDERS: &[&str] = &["vendor", "node_modules", "testdata"];

fn in_foreign_folder(path: &str, config: &Config) -> bool {
    let (dir, _) = split_path(path);
    dir.split('/').any(|segment| FOREIGN_FOLDERS.contains(&segment))
        && !config.sql.migrations.iter().any(|g| glob_matches(g, dir) || g.trim_end_matches('/') == dir)
        && !config.sql.schemas.iter().any(|g| glob_matches(g, path))
}

pub fn detect(paths: &[&str], config: &Config, probe: &dyn ContentProbe) -> SqlLayout {
    let mut by_dir: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for path in paths {
        if config.is_excluded(path) || in_foreign_folder(path, config) {
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
            // Diesel compares its version strings (dashes removed); Prisma sorts folder names.
            let version = match kind {
                LayoutKind::Diesel => Version::textual(&version.text.replace('-', ""), &version.text),
                _ => Version::textual(name, &version.text),
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
        let tool = if kind == LayoutKind::Prisma { MigrationTool::Prisma } else { MigrationTool::Diesel };
        histories.push(History {
            dir: parent.to_string(),
            kind,
            migrations,
            dialect_hint,
            tool,
            flyway: FlywaySettings::default(),
            code_migrations: Vec::new(),
            not_read: Vec::new(),
        });
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
        let mut baselines: Vec<(Version, &str, &str)> = Vec::new();
        for (path, name) in sql.iter().zip(&names) {
            match kind {
                LayoutKind::Flyway => {
                    let Some((prefix, version, id)) = flyway_name(name) else {
                        continue;
                    };
                    if prefix == 'B' {
                        baselines.extend(version.map(|v| (v, *path, *name)));
                        continue;
                    }
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
        // Flyway runs a baseline migration (`B5__x.sql`) only on an empty database, in place of the
        // versioned migrations up to its version. Databases in production ran those: when they are
        // in the tree, they are what rollsafe replays, and the baseline is not read. When they are
        // not (squashed into the baseline), the baseline is the only record and is replayed.
        let mut not_read = Vec::new();
        for (version, path, name) in baselines {
            let covered = migrations.values().any(|m| m.version.as_ref().is_some_and(|v| *v <= version));
            if covered {
                let why = format!(
                    "{name} is a Flyway baseline migration, which runs only on empty databases in place of the versioned migrations up to {version}; rollsafe follows those versioned migrations, as existing databases ran them"
                );
                not_read.push((path.to_string(), why));
            } else {
                migrations.insert(
                    format!("B{}", version.text),
                    Migration { version: Some(version), id: name.to_string(), up: Some(path.to_string()), down: None },
                );
            }
        }
        let mut migrations: Vec<Migration> = migrations.into_values().collect();
        let variant = (kind == LayoutKind::UpDownFiles)
            .then(|| choose_dialect_variants(&mut migrations, config.dialect_for(&format!("{dir}/")), &mut not_read))
            .flatten();
        sort_migrations(&mut migrations);
        claimed.extend(sql.iter().map(|s| s.to_string()));
        let tool = match kind {
            LayoutKind::Flyway => MigrationTool::Flyway,
            LayoutKind::UpDownFiles => match project_marker(dir, paths) {
                Some("Cargo.toml") => MigrationTool::Sqlx,
                _ => MigrationTool::GolangMigrate,
            },
            _ => {
                let first = migrations.iter().find_map(|m| m.up.as_deref()).and_then(|p| probe.head(p)).unwrap_or_default();
                section_tool(&first).unwrap_or(match project_marker(dir, paths) {
                    Some("Cargo.toml") => MigrationTool::Sqlx,
                    _ => MigrationTool::Unknown,
                })
            }
        };
        let code_migrations = code_migrations(dir, kind, paths);
        let flyway = if tool == MigrationTool::Flyway { flyway_settings(paths, probe) } else { FlywaySettings::default() };
        histories.push(History { dir: dir.to_string(), kind, migrations, dialect_hint: variant, tool, flyway, code_migrations, not_read });
    }

    merge_nested_flyway(&mut histories);
    histories.sort_by(|a, b| a.dir.cmp(&b.dir));

    // Schema files.
    let mut schema_files = Vec::new();
    for path in paths {
        if config.is_excluded(path) || in_foreign_folder(path, config) || claimed.contains(*path) || !path.ends_with(".sql") {
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

/// What a migration's name says about the database it is for (`x.postgres`, `x.mysql`,
/// `x.sqlite3`, `x.cockroach`; popx's `.autocommit` after it; Authelia's generic `.all`), and the
/// name without it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Variant {
    /// Every database runs it unless it has a file of its own.
    Generic,
    For(Dialect),
    /// CockroachDB's own files: PostgreSQL never runs them.
    Cockroach,
}

fn dialect_variant(id: &str) -> (&str, Variant) {
    let id_core = id.strip_suffix(".autocommit").unwrap_or(id);
    let Some((base, word)) = id_core.rsplit_once('.') else {
        return (id_core, Variant::Generic);
    };
    let variant = match word.to_ascii_lowercase().as_str() {
        "postgres" | "postgresql" => Variant::For(Dialect::Postgres),
        "cockroach" | "cockroachdb" => Variant::Cockroach,
        "mysql" | "mariadb" => Variant::For(Dialect::MySql),
        "sqlite" | "sqlite3" => Variant::For(Dialect::Sqlite),
        "all" => Variant::Generic,
        _ => return (id_core, Variant::Generic),
    };
    (base, variant)
}

/// Histories that keep one file per database for some migrations (Ory's popx, Authelia:
/// `x.postgres.up.sql`, `x.mysql.up.sql`, `x.sqlite3.up.sql` beside a generic `x.up.sql`). A
/// database runs, for every migration and direction, the file written for it, else the generic
/// one, and never another database's (PostgreSQL does not run CockroachDB's); replaying every
/// variant in one history would mix databases. rollsafe analyses the history for one database:
/// the configured dialect, else PostgreSQL, MySQL, SQLite in that order of preference among the
/// variants present. Each migration keeps its name without the database word, and the files of
/// other databases new in a release get a note. Returns the dialect chosen, if the history has
/// variants.
fn choose_dialect_variants(
    migrations: &mut Vec<Migration>,
    configured: Option<Dialect>,
    not_read: &mut Vec<(String, String)>,
) -> Option<Dialect> {
    let variants: Vec<Variant> = migrations.iter().map(|m| dialect_variant(&m.id).1).filter(|v| *v != Variant::Generic).collect();
    if variants.is_empty() {
        return None;
    }
    let dialect = configured.unwrap_or_else(|| {
        [Dialect::Postgres, Dialect::MySql, Dialect::Sqlite]
            .into_iter()
            .find(|d| variants.contains(&Variant::For(*d)))
            .unwrap_or(Dialect::Postgres)
    });
    let rank = |v: Variant| match v {
        Variant::For(d) if d == dialect => 2,
        Variant::Generic => 1,
        _ => 0,
    };
    // Per migration, the best file per direction. These tools know a migration by its version
    // (the name is a description: a rename that fixes a typo in one file's name is no new
    // migration), so the files of one version are one migration, named after its chosen up file.
    let mut groups: BTreeMap<(Option<Version>, String), Vec<Migration>> = BTreeMap::new();
    for m in migrations.drain(..) {
        let base = if m.version.is_some() { String::new() } else { dialect_variant(&m.id).0.to_string() };
        groups.entry((m.version.clone(), base)).or_default().push(m);
    }
    for ((version, _), members) in groups {
        let best = |file: fn(&Migration) -> &Option<String>| {
            members
                .iter()
                .filter(|m| file(m).is_some() && rank(dialect_variant(&m.id).1) > 0)
                .max_by_key(|m| rank(dialect_variant(&m.id).1))
                .and_then(|m| file(m).clone())
        };
        let up = best(|m| &m.up);
        let down = best(|m| &m.down);
        for m in members.iter().filter(|m| rank(dialect_variant(&m.id).1) == 0) {
            let why = format!(
                "{} is another database's variant of this migration; rollsafe analyses this history as {} (set [sql.dialects] to check another)",
                m.id,
                dialect.display_name()
            );
            // One note per migration: its up file (or its down file, if that is all there is).
            not_read.extend(m.up.as_ref().or(m.down.as_ref()).map(|p| (p.clone(), why)));
        }
        let named = members
            .iter()
            .filter(|m| rank(dialect_variant(&m.id).1) > 0)
            .max_by_key(|m| (m.up.is_some() && m.up == up, rank(dialect_variant(&m.id).1)))
            .or(members.first());
        let id = named.map_or_else(String::new, |m| dialect_variant(&m.id).0.to_string());
        if up.is_some() || down.is_some() {
            migrations.push(Migration { version, id, up, down });
        }
    }
    Some(dialect)
}

/// The project file nearest to a history's folder (itself or an ancestor): `Cargo.toml` or `go.mod`.
fn project_marker(dir: &str, paths: &[&str]) -> Option<&'static str> {
    let mut at = Some(dir);
    while let Some(d) = at {
        for marker in ["Cargo.toml", "go.mod"] {
            if paths.contains(&join(d, marker).as_str()) {
                return Some(marker);
            }
        }
        at = if d.is_empty() { None } else { Some(split_path(d).0) };
    }
    None
}

/// Flyway settings from every configuration file of the tree.
fn flyway_settings(paths: &[&str], probe: &dyn ContentProbe) -> FlywaySettings {
    paths
        .iter()
        .filter(|p| FlywaySettings::is_config_file(split_path(p).1))
        .filter_map(|p| probe.text(p))
        .map(|text| FlywaySettings::read(&text))
        .fold(FlywaySettings::default(), FlywaySettings::merge)
}

/// The tool named by a migration file's section markers.
fn section_tool(head: &str) -> Option<MigrationTool> {
    let lower = head.to_ascii_lowercase();
    if lower.contains("-- migrate:up") {
        Some(MigrationTool::Dbmate)
    } else if lower.contains("-- +goose") {
        Some(MigrationTool::Goose)
    } else if lower.contains("-- +migrate") {
        Some(MigrationTool::SqlMigrate)
    } else {
        None
    }
}

/// Code migrations of a history: goose's `<version>_name.go` beside the SQL files, Flyway's
/// `V<version>__Name.java`/`.kt` in the same folder or in the Java source folder of the same
/// location (`src/main/java/db/migration` for `src/main/resources/db/migration`).
fn code_migrations(dir: &str, kind: LayoutKind, paths: &[&str]) -> Vec<String> {
    let java_dir = dir.replacen("/resources/", "/java/", 1);
    let kotlin_dir = dir.replacen("/resources/", "/kotlin/", 1);
    let mut found: Vec<String> = paths
        .iter()
        .filter(|p| {
            let (folder, name) = split_path(p);
            match kind {
                LayoutKind::Flyway => {
                    [dir, java_dir.as_str(), kotlin_dir.as_str()].contains(&folder)
                        && (name.ends_with(".java") || name.ends_with(".kt"))
                        && flyway_name(&format!("{}.sql", name.rsplit_once('.').map_or(name, |(stem, _)| stem))).is_some()
                }
                _ => folder == dir && name.ends_with(".go") && !name.ends_with("_test.go") && name.as_bytes()[0].is_ascii_digit(),
            }
        })
        .map(|p| p.to_string())
        .collect();
    found.sort();
    found
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
            histories[parent].code_migrations.extend(child.code_migrations);
            histories[parent].not_read.extend(child.not_read);
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

/// `V1.2__name.sql` → ('V', 1.2, name); `R__name.sql` → ('R', None, name); `B5__name.sql` → ('B', 5, name).
fn flyway_name(name: &str) -> Option<(char, Option<Version>, &str)> {
    let stem = name.strip_suffix(".sql")?;
    let prefix = stem.chars().next()?.to_ascii_uppercase();
    if !matches!(prefix, 'V' | 'U' | 'R' | 'B') {
        return None;
    }
    let (version, description) = stem[1..].split_once("__")?;
    if prefix == 'R' {
        return version.is_empty().then_some(('R', None, description));
    }
    let version = Version::parse(version, &['.', '_'])?;
    Some((prefix, Some(version), description))
}

/// `20240101_name.up.sql` → (version, name, is_up); also `V0001.Name.up.sql` (authelia's runner and
/// others that prefix the version with `V`).
fn updown_name(name: &str) -> Option<(Version, &str, bool)> {
    let (stem, is_up) = if let Some(s) = name.strip_suffix(".up.sql") { (s, true) } else { (name.strip_suffix(".down.sql")?, false) };
    let stem = match stem.strip_prefix(['V', 'v']) {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
        _ => stem,
    };
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
    fn reads_flyway_settings_in_their_spellings() {
        let yml =
            "kestra:\n  flyway:\n    out-of-order: true\n    ignore-migration-patterns:\n      - \"*:missing\"\n      - \"*:future\"\n";
        let s = FlywaySettings::read(yml);
        assert!(s.out_of_order && s.ignore_missing && !s.no_validate);
        let conf = "flyway.outOfOrder=false\nflyway.validateOnMigrate=false\nflyway.ignoreMigrationPatterns=*:future\n";
        let s = FlywaySettings::read(conf);
        assert!(!s.out_of_order && !s.ignore_missing && s.no_validate);
        assert!(FlywaySettings::read("spring.flyway.ignore-migration-patterns=*:missing,*:future").ignore_missing);
        assert!(FlywaySettings::is_config_file("application-prod.yaml"));
        assert!(!FlywaySettings::is_config_file("schema.yml"));
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
    fn updown_files_with_a_v_prefix() {
        let l = layout(&["m/V0002.WebAuthn.up.sql", "m/V0002.WebAuthn.down.sql", "m/V0001.Initial_Schema.up.sql", "m/V0010.X.up.sql"]);
        assert_eq!(l.histories[0].kind, LayoutKind::UpDownFiles);
        assert_eq!(order(&l.histories[0]), vec!["V0001.Initial_Schema", "V0002.WebAuthn", "V0010.X"]);
        assert_eq!(l.histories[0].migrations[1].down.as_deref(), Some("m/V0002.WebAuthn.down.sql"));
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
