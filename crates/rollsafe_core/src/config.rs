//! `rollsafe.toml`: optional; the common layouts need none.
//!
//! ```toml
//! baseline = "v1.4.0"            # N-1 when --against is not given (a git revision)
//! release-tags = "v*"            # which tags are releases (default: version-like tags, no pre-releases)
//! default-branch = "main"        # for the merge-base fallback
//! exclude = ["vendor/**"]        # paths never analysed
//!
//! [sql]
//! dialect = "postgresql"         # postgresql | mysql | sqlite; default: detected, else postgresql
//! migrations = ["db/migrate"]    # extra migration directories (detected ones stay)
//! schemas = ["db/schema.sql"]    # extra declarative schema files
//! downs-unmaintained = ["db/migrations"]  # histories whose down scripts are not kept up: no down-migration findings
//! app-roles = ["app"]            # database roles the application connects as: rights and row security
//!                                # taken from them are errors (warnings for other roles)
//! [sql.placeholders]             # templated SQL (`${schema}`, `:schema`, `{{ .Schema }}`): values by name;
//! schema = "app"                 # a placeholder not listed stands for an identifier spelled like its name
//! [sql.dialects]                 # per-path dialects, first match wins
//! "services/legacy/**" = "mysql"
//!
//! [protobuf]
//! category = "WIRE_JSON"         # FILE (default) | PACKAGE | WIRE_JSON | WIRE; a buf.yaml's
//!                                # `breaking` section is used when this is not given
//! roots = ["proto"]              # module roots (default: buf.yaml / buf.work.yaml, else inferred)
//!
//! [contracts]                    # Avro and JSON Schema
//! compat = "full"                # backward | forward | full, or with -transitive (every earlier
//!                                # release, not only N-1); --compat overrides it for every path
//! [contracts.paths."events/**"]  # per path, the longest matching glob wins
//! compat = "backward-transitive"
//!
//! [avro]
//! schemas = ["schemas/*.json"]   # Avro schemas not named *.avsc (globs)
//!
//! [json-schema]
//! schemas = ["api/*.json"]       # JSON Schemas not named *.schema.json (globs)
//!
//! [rules]                        # severity overrides: "error" | "warning" | "info" | "off"
//! column-type-widened = "off"
//!
//! [[allow]]                      # accepted findings, each with a reason
//! rule = "column-removed"
//! object = "public.users.legacy_flag"
//! reason = "nothing has read legacy_flag since v1.2"
//! expires = "v2.0.0"             # optional: accepted up to this release, reported after it
//!
//! [[allow]]                      # in a JSON contract, by JSON Pointer
//! rule = "avro-field-removed"
//! path = "schemas/order.avsc"
//! pointer = "/fields/3"
//! reason = "no consumer reads `legacy` since v1.2"
//! ```

use rollsafe_diagnostics::Severity;
pub use rollsafe_diagnostics::{Allow, glob_matches};
use rollsafe_sql::Dialect;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Config {
    pub baseline: Option<String>,
    pub release_tags: Option<String>,
    pub default_branch: Option<String>,
    pub exclude: Vec<String>,
    pub sql: SqlConfig,
    pub protobuf: ProtobufConfig,
    pub contracts: ContractsConfig,
    pub avro: AvroConfig,
    pub json_schema: JsonSchemaConfig,
    /// Rule id → level; `None` turns the rule off.
    pub rules: BTreeMap<String, Option<Severity>>,
    pub allow: Vec<Allow>,
    /// Where the configuration was read from (root-relative when inside the root), for findings
    /// about it: an `[[allow]]` entry that accepts nothing.
    pub file: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct SqlConfig {
    pub dialect: Option<Dialect>,
    pub dialects: Vec<(String, Dialect)>,
    pub migrations: Vec<String>,
    pub schemas: Vec<String>,
    /// Histories whose down scripts are not maintained: no down-migration findings there.
    pub downs_unmaintained: Vec<String>,
    /// Values of templated SQL's placeholders (psql variables, Go templates, Flyway placeholders),
    /// by name; unnamed ones stand for an identifier spelled like their name.
    pub placeholders: Vec<(String, String)>,
    /// Database roles the application connects as, named as the database knows them (lower case
    /// unless they were created with a quoted name).
    pub app_roles: Vec<String>,
}

/// `[protobuf]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ProtobufConfig {
    /// `FILE`, `PACKAGE`, `WIRE_JSON` or `WIRE`; `None`: the module's buf.yaml, else `FILE`.
    pub category: Option<String>,
    /// Module roots, workspace-relative.
    pub roots: Vec<String>,
}

/// A compatibility mode of message contracts (Avro, JSON Schema), as schema registries name them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Compat {
    /// The new schema reads data written with the old (consumers upgrade first).
    Backward,
    /// The old schema reads data written with the new (producers upgrade first).
    Forward,
    /// Both.
    #[default]
    Full,
    BackwardTransitive,
    ForwardTransitive,
    FullTransitive,
}

impl Compat {
    pub const ALL: [Compat; 6] =
        [Compat::Backward, Compat::Forward, Compat::Full, Compat::BackwardTransitive, Compat::ForwardTransitive, Compat::FullTransitive];

    pub fn as_str(self) -> &'static str {
        match self {
            Compat::Backward => "backward",
            Compat::Forward => "forward",
            Compat::Full => "full",
            Compat::BackwardTransitive => "backward-transitive",
            Compat::ForwardTransitive => "forward-transitive",
            Compat::FullTransitive => "full-transitive",
        }
    }

    /// Reads `backward`, `FULL_TRANSITIVE` (a registry's spelling) and the like.
    pub fn parse(text: &str) -> Option<Compat> {
        let text = text.to_ascii_lowercase().replace('_', "-");
        Compat::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// New schemas must read old data.
    pub fn backward(self) -> bool {
        !matches!(self, Compat::Forward | Compat::ForwardTransitive)
    }

    /// Old schemas must read new data.
    pub fn forward(self) -> bool {
        !matches!(self, Compat::Backward | Compat::BackwardTransitive)
    }

    /// Checked against every earlier release, not only N-1.
    pub fn transitive(self) -> bool {
        matches!(self, Compat::BackwardTransitive | Compat::ForwardTransitive | Compat::FullTransitive)
    }
}

impl std::fmt::Display for Compat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a JSON Schema's undeclared properties are judged.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Profile {
    /// An open content model may carry any property: adding a declared one can clash with what
    /// producers already send.
    #[default]
    Strict,
    /// Producers never send undeclared properties.
    Lenient,
}

/// `[contracts]`: how message contracts are checked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ContractsConfig {
    /// The mode of every contract no path rule names (`full` when not given).
    pub compat: Option<Compat>,
    pub profile: Option<Profile>,
    /// Per-path settings; of several matching globs, the longest (most specific) wins.
    pub paths: Vec<(String, PathSettings)>,
    /// `--compat`: the mode of every contract, whatever the configuration says.
    pub forced: Option<Compat>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct PathSettings {
    pub compat: Option<Compat>,
    pub profile: Option<Profile>,
}

impl ContractsConfig {
    /// The mode a contract file is checked in.
    pub fn compat_for(&self, path: &str) -> Compat {
        self.forced.or_else(|| self.matching(path).find_map(|s| s.compat)).or(self.compat).unwrap_or_default()
    }

    /// The JSON Schema profile of a file.
    pub fn profile_for(&self, path: &str) -> Profile {
        self.matching(path).find_map(|s| s.profile).or(self.profile).unwrap_or_default()
    }

    /// The path settings whose glob matches, most specific (longest glob) first.
    fn matching<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a PathSettings> + 'a {
        let mut found: Vec<&(String, PathSettings)> = self.paths.iter().filter(|(glob, _)| glob_matches(glob, path)).collect();
        found.sort_by_key(|(glob, _)| std::cmp::Reverse(glob.len()));
        found.into_iter().map(|(_, s)| s)
    }

    /// Whether some contract may be checked against every earlier release (the loader then reads
    /// their trees too).
    pub fn any_transitive(&self) -> bool {
        match self.forced {
            Some(c) => c.transitive(),
            None => self.compat.is_some_and(Compat::transitive) || self.paths.iter().any(|(_, s)| s.compat.is_some_and(Compat::transitive)),
        }
    }
}

/// `[avro]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct AvroConfig {
    /// Globs of Avro schemas not named `*.avsc`.
    pub schemas: Vec<String>,
}

/// `[json-schema]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct JsonSchemaConfig {
    /// Globs of JSON Schemas not named `*.schema.json`.
    pub schemas: Vec<String>,
}

/// The categories of `[protobuf] category`, as `buf breaking` names them.
pub const PROTOBUF_CATEGORIES: &[&str] = &["FILE", "PACKAGE", "WIRE_JSON", "WIRE"];

// The structs `rollsafe.toml` is read into. Their doc comments are the descriptions of the
// configuration's JSON Schema (`config_schema`), which editors show on hover and completion: keep
// them short and written for users.

/// rollsafe's configuration: how it finds the previous release (N-1) and reads and judges the
/// files of this repository. Every key is optional.
#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(title = "rollsafe.toml")]
struct RawConfig {
    /// N-1 when `--against` is not given: a git revision (`v1.4.0`, `origin/main`) or a directory
    /// holding the N-1 tree. Default: the newest release tag reachable from HEAD.
    baseline: Option<String>,
    /// Which tags are releases (a glob, `v*`). Default: version-like tags, without pre-releases.
    release_tags: Option<String>,
    /// The default branch, for the merge-base fallback when there is no release tag.
    default_branch: Option<String>,
    /// Paths never analysed (globs).
    #[serde(default)]
    exclude: Vec<String>,
    /// SQL migration histories and schema files.
    #[serde(default)]
    sql: RawSql,
    /// Protobuf (`.proto`) trees.
    #[serde(default)]
    protobuf: RawProtobuf,
    /// Message contracts (Avro, JSON Schema): which compatibility they keep.
    #[serde(default)]
    contracts: RawContracts,
    /// Avro schemas.
    #[serde(default)]
    avro: RawSchemaGlobs,
    /// JSON Schemas.
    #[serde(default)]
    json_schema: RawSchemaGlobs,
    /// Severity overrides by rule id: `error`, `warning`, `info`, or `off`.
    #[serde(default)]
    #[schemars(schema_with = "rules_schema")]
    rules: BTreeMap<String, String>,
    /// Accepted findings, each with the reason it is safe.
    #[serde(default)]
    #[schemars(with = "Vec<RawAllow>")]
    allow: Vec<toml::Spanned<RawAllow>>,
}

/// `[contracts]`.
#[derive(serde::Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawContracts {
    /// The compatibility every contract keeps unless a path says otherwise (default `full`); the
    /// `-transitive` forms check every earlier release, not only N-1. `--compat` overrides it.
    #[serde(default)]
    #[schemars(schema_with = "compat_schema")]
    compat: Option<String>,
    /// How JSON Schema's open objects are judged: `strict` (default: they may carry any property)
    /// or `lenient` (producers send only declared properties).
    #[schemars(extend("enum" = ["strict", "lenient"]))]
    profile: Option<String>,
    /// Settings per path glob; of several matching globs, the longest wins.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, RawPathSettings>")]
    paths: toml::Table,
}

/// Settings for the contracts under one path glob.
#[derive(serde::Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPathSettings {
    /// The compatibility these contracts keep.
    #[serde(default)]
    #[schemars(schema_with = "compat_schema")]
    compat: Option<String>,
    /// How their open objects are judged: `strict` or `lenient`.
    #[schemars(extend("enum" = ["strict", "lenient"]))]
    profile: Option<String>,
}

/// Which files hold schemas of a format beyond those named by its usual extension.
#[derive(serde::Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSchemaGlobs {
    /// Globs of further schema files (`schemas/*.json`).
    #[serde(default)]
    schemas: Vec<String>,
}

/// `[sql]`.
#[derive(serde::Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSql {
    /// The dialect of every SQL file no `[sql.dialects]` glob names. Default: detected from the
    /// migration tool's files, else `postgresql`.
    #[schemars(extend("enum" = ["postgresql", "mysql", "sqlite"]))]
    dialect: Option<String>,
    /// Dialects per path glob (`"services/legacy/**" = "mysql"`); the first match wins.
    #[serde(default)]
    #[schemars(schema_with = "dialects_schema")]
    dialects: toml::Table,
    /// Further migration folders (they must exist); detected ones stay.
    #[serde(default)]
    migrations: Vec<String>,
    /// Further declarative schema files (they must exist).
    #[serde(default)]
    schemas: Vec<String>,
    /// Histories whose down scripts are not maintained: no down-migration findings there.
    #[serde(default)]
    downs_unmaintained: Vec<String>,
    /// Database roles the application connects as, named as the database knows them (lower case
    /// unless created with a quoted name). A right revoked from one of them, or row security
    /// turned on where one of them writes, is an error; for other roles, a warning.
    #[serde(default)]
    app_roles: Vec<String>,
    /// Values of templated SQL's placeholders (`${schema}`, `:schema`, `{{ .Schema }}`) by name; a
    /// placeholder not listed stands for an identifier spelled like its name.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, String>")]
    placeholders: toml::Table,
}

/// `[protobuf]`.
#[derive(serde::Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawProtobuf {
    /// The `buf breaking` category to check: `FILE` (default), `PACKAGE`, `WIRE_JSON` or `WIRE`.
    /// Not given: the module's `buf.yaml` `breaking` section, else `FILE`.
    #[schemars(extend("enum" = ["FILE", "PACKAGE", "WIRE_JSON", "WIRE"]))]
    category: Option<String>,
    /// Module roots (default: from buf.yaml / buf.work.yaml, else inferred from the imports).
    #[serde(default)]
    roots: Vec<String>,
}

/// An accepted finding. It matches by `rule`, and by `object`, `path` and `pointer` when given.
#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawAllow {
    /// The rule of the accepted finding.
    #[schemars(schema_with = "rule_id_schema")]
    rule: String,
    /// The object as rollsafe names it (`public.users.legacy_flag`, `acme.Order.currency`).
    object: Option<String>,
    /// The file (a glob).
    path: Option<String>,
    /// In a JSON file: a JSON Pointer (`/fields/3`); the element or anything inside it.
    pointer: Option<String>,
    /// Why the finding is safe. Required.
    #[schemars(required, with = "String")]
    reason: Option<String>,
    /// The release (`v2.4.0`) from which the entry stops applying, once N-1 is that release or
    /// later; it is then reported itself.
    expires: Option<String>,
}

/// TOML has no null: an optional key is left out, never `null`, so `"type": ["string", "null"]`
/// (how the generator writes an `Option`) becomes `"type": "string"`.
fn without_null(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if let [only] = types.as_slice() {
                    let only = only.clone();
                    map.insert("type".into(), only);
                }
            }
            map.values_mut().for_each(without_null);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(without_null),
        _ => {}
    }
}

fn compat_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let modes: Vec<&str> = Compat::ALL.iter().map(|c| c.as_str()).collect();
    schemars::json_schema!({ "type": "string", "enum": modes })
}

fn dialects_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "object",
        "additionalProperties": { "type": "string", "enum": ["postgresql", "mysql", "sqlite"] },
    })
}

fn rule_id_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let ids: Vec<&str> = crate::registry::ALL.iter().map(|r| r.id).collect();
    schemars::json_schema!({ "type": "string", "enum": ids })
}

fn rules_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let levels = ["error", "warning", "info", "off"];
    let properties: serde_json::Map<String, serde_json::Value> = crate::registry::ALL
        .iter()
        .map(|r| {
            let description = format!("{} (default: {}).", r.summary, r.severity);
            (r.id.to_string(), serde_json::json!({ "type": "string", "enum": levels, "description": description }))
        })
        .collect();
    schemars::json_schema!({ "type": "object", "properties": properties, "additionalProperties": false })
}

/// The JSON Schema of `rollsafe.toml` (draft 2020-12), generated from the structs that read it:
/// what editors complete and check (VS Code with a TOML extension, taplo). `cargo xtask
/// config-schema` writes it to `docs/rollsafe.schema.json` and into the VS Code extension.
pub fn config_schema() -> String {
    let mut schema = schemars::schema_for!(RawConfig).to_value();
    without_null(&mut schema);
    let mut out = serde_json::to_string_pretty(&schema).expect("a schema always serialises");
    out.push('\n');
    out
}

impl Config {
    /// Parses and validates `rollsafe.toml`; `known_rule` tells which rule ids exist (the registry:
    /// [`crate::parse_config`] passes it). The error is one line, fit for the CLI's exit-2 message:
    /// where (`line 4, column 11`), which key (`sql.dialect`) and what is wrong with it.
    pub fn parse(text: &str, known_rule: &dyn Fn(&str) -> bool) -> Result<Config, String> {
        Config::parse_raw(text, known_rule).map_err(|e| e.render(text))
    }

    fn parse_raw(text: &str, known_rule: &dyn Fn(&str) -> bool) -> Result<Config, KeyError> {
        use Part::{Index, Key};
        let known_rule = |at: Vec<Part>, rule: &str| {
            if known_rule(rule) { Ok(()) } else { Err(KeyError::new(at, format!("unknown rule `{}` (see `rollsafe rules`)", quote(rule)))) }
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| KeyError::from_toml(text, &e))?;
        if raw.baseline.as_deref().is_some_and(|b| b.trim().is_empty()) {
            return Err(KeyError::new(
                vec![Key("baseline".into())],
                "must name a git revision or a directory (an empty one would compare the tree with itself)",
            ));
        }
        let dialect = |at: Vec<Part>, name: &str| {
            Dialect::from_name(name)
                .ok_or_else(|| KeyError::new(at, format!("unknown SQL dialect `{}` (expected postgresql, mysql or sqlite)", quote(name))))
        };
        let glob = |at: Vec<Part>, glob: &str| check_glob(glob).map_err(|e| KeyError::new(at, e));
        let mut dialects = Vec::new();
        for (pattern, value) in raw.sql.dialects {
            let at = vec![Key("sql".into()), Key("dialects".into()), Key(pattern.clone())];
            let name = value.as_str().ok_or_else(|| KeyError::new(at.clone(), "must be a string (a dialect name)"))?;
            glob(at.clone(), &pattern)?;
            dialects.push((pattern, dialect(at, name)?));
        }
        let mut placeholders = Vec::new();
        for (name, value) in &raw.sql.placeholders {
            let at = vec![Key("sql".into()), Key("placeholders".into()), Key(name.clone())];
            let value = value.as_str().ok_or_else(|| KeyError::new(at, "must be a string"))?;
            placeholders.push((name.clone(), value.to_string()));
        }
        for (i, pattern) in raw.exclude.iter().enumerate() {
            glob(vec![Key("exclude".into()), Index(i)], pattern)?;
        }
        for (i, pattern) in raw.sql.downs_unmaintained.iter().enumerate() {
            glob(vec![Key("sql".into()), Key("downs-unmaintained".into()), Index(i)], pattern)?;
        }
        let category = match raw.protobuf.category {
            Some(c) => match PROTOBUF_CATEGORIES.iter().find(|k| k.eq_ignore_ascii_case(&c)) {
                Some(k) => Some(k.to_string()),
                None => {
                    return Err(KeyError::new(
                        vec![Key("protobuf".into()), Key("category".into())],
                        format!("unknown category `{}` (expected FILE, PACKAGE, WIRE_JSON or WIRE)", quote(&c)),
                    ));
                }
            },
            None => None,
        };
        let mut rules = BTreeMap::new();
        for (rule, level) in raw.rules {
            let at = vec![Key("rules".into()), Key(rule.clone())];
            known_rule(at.clone(), &rule)?;
            let level = match level.as_str() {
                "off" => None,
                other => Some(Severity::parse(other).ok_or_else(|| {
                    KeyError::new(at, format!("unknown level `{}` (expected error, warning, info or off)", quote(other)))
                })?),
            };
            rules.insert(rule, level);
        }
        let mut allow = Vec::new();
        for (i, entry) in raw.allow.into_iter().enumerate() {
            let span = entry.span();
            let entry = entry.into_inner();
            let at = |key: &str| vec![Key("allow".into()), Index(i), Key(key.into())];
            known_rule(at("rule"), &entry.rule)?;
            let reason = entry.reason.filter(|r| !r.trim().is_empty()).ok_or_else(|| {
                KeyError::new(vec![Key("allow".into()), Index(i)], format!("the entry for {} needs a reason", entry.rule))
            })?;
            if let Some(pointer) = &entry.pointer
                && !(pointer.is_empty() || pointer.starts_with('/'))
            {
                return Err(KeyError::new(
                    at("pointer"),
                    format!("`{}` is not a JSON Pointer (it starts with `/`, like `/fields/0`)", quote(pointer)),
                ));
            }
            if let Some(expires) = &entry.expires
                && rollsafe_diagnostics::release_version(expires).is_none()
            {
                return Err(KeyError::new(at("expires"), format!("`{}` is not a release version (like v2.1.0)", quote(expires))));
            }
            allow.push(Allow {
                rule: entry.rule,
                object: entry.object,
                path: entry.path,
                pointer: entry.pointer,
                reason,
                expires: entry.expires,
                span: Some((span.start, span.end)),
            });
        }
        let compat = |at: Vec<Part>, value: &str| {
            Compat::parse(value).ok_or_else(|| {
                KeyError::new(
                    at,
                    format!("unknown mode `{}` (expected backward, forward or full, or one of them with -transitive)", quote(value)),
                )
            })
        };
        let profile = |at: Vec<Part>, value: &str| match value {
            "strict" => Ok(Profile::Strict),
            "lenient" => Ok(Profile::Lenient),
            other => Err(KeyError::new(at, format!("unknown profile `{}` (expected strict or lenient)", quote(other)))),
        };
        let mut paths = Vec::new();
        for (pattern, value) in raw.contracts.paths {
            let at = |key: Option<&str>| {
                let mut at = vec![Key("contracts".into()), Key("paths".into()), Key(pattern.clone())];
                at.extend(key.map(|k| Key(k.into())));
                at
            };
            glob(at(None), &pattern)?;
            let raw: RawPathSettings = value.try_into().map_err(|e: toml::de::Error| KeyError::new(at(None), one_line(e.message())))?;
            let settings = PathSettings {
                compat: raw.compat.as_deref().map(|c| compat(at(Some("compat")), c)).transpose()?,
                profile: raw.profile.as_deref().map(|p| profile(at(Some("profile")), p)).transpose()?,
            };
            paths.push((pattern, settings));
        }
        let contracts = ContractsConfig {
            compat: raw.contracts.compat.as_deref().map(|c| compat(vec![Key("contracts".into()), Key("compat".into())], c)).transpose()?,
            profile: raw
                .contracts
                .profile
                .as_deref()
                .map(|p| profile(vec![Key("contracts".into()), Key("profile".into())], p))
                .transpose()?,
            paths,
            forced: None,
        };
        for (section, globs) in [("avro", &raw.avro.schemas), ("json-schema", &raw.json_schema.schemas)] {
            for (i, pattern) in globs.iter().enumerate() {
                glob(vec![Key(section.into()), Key("schemas".into()), Index(i)], pattern)?;
            }
        }
        let sql_dialect = raw.sql.dialect.as_deref().map(|d| dialect(vec![Key("sql".into()), Key("dialect".into())], d)).transpose()?;
        Ok(Config {
            baseline: raw.baseline,
            release_tags: raw.release_tags,
            default_branch: raw.default_branch,
            exclude: raw.exclude,
            sql: SqlConfig {
                dialect: sql_dialect,
                dialects,
                migrations: raw.sql.migrations,
                schemas: raw.sql.schemas,
                downs_unmaintained: raw.sql.downs_unmaintained,
                placeholders,
                app_roles: raw.sql.app_roles,
            },
            protobuf: ProtobufConfig { category, roots: raw.protobuf.roots },
            contracts,
            avro: AvroConfig { schemas: raw.avro.schemas },
            json_schema: JsonSchemaConfig { schemas: raw.json_schema.schemas },
            rules,
            allow,
            file: None,
        })
    }

    /// The dialect configured for a path, if any.
    pub fn dialect_for(&self, path: &str) -> Option<Dialect> {
        self.sql.dialects.iter().find(|(glob, _)| glob_matches(glob, path)).map(|(_, d)| *d).or(self.sql.dialect)
    }

    /// Whether `[sql] downs-unmaintained` names this history's folder.
    pub fn downs_unmaintained(&self, dir: &str) -> bool {
        self.sql.downs_unmaintained.iter().any(|g| glob_matches(g, dir) || g.trim_end_matches('/') == dir)
    }

    pub fn is_excluded(&self, path: &str) -> bool {
        self.exclude.iter().any(|g| glob_matches(g, path))
    }
}

fn check_glob(glob: &str) -> Result<(), String> {
    globset::Glob::new(glob).map(|_| ()).map_err(|e| format!("invalid glob `{}`: {}", quote(glob), quote(&e.kind().to_string())))
}

/// One step of the path to a configuration key: `sql`, `allow[2]`.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Key(String),
    Index(usize),
}

/// What is wrong with the configuration, and at which key (empty: the document itself).
#[derive(Debug)]
struct KeyError {
    at: Vec<Part>,
    message: String,
    /// Where the parser placed the problem, when it knows better than the key's place.
    offset: Option<usize>,
}

impl KeyError {
    fn new(at: Vec<Part>, message: impl Into<String>) -> KeyError {
        KeyError { at, message: message.into(), offset: None }
    }

    /// A parse or type error: the parser's reason (which names at most the key) and position,
    /// with the key whose value holds that position. The parser's own rendering quotes the
    /// offending line: for a file that is not a configuration at all (`--config /etc/passwd`)
    /// that would print its content, so it is not used.
    fn from_toml(text: &str, e: &toml::de::Error) -> KeyError {
        let offset = e.span().map(|span| span.start);
        let at = offset.map(|o| key_at(text, o)).unwrap_or_default();
        KeyError { at, message: one_line(e.message()), offset }
    }

    /// `line 4, column 11: sql.dialect: unknown SQL dialect …`, capped and escaped.
    fn render(&self, text: &str) -> String {
        let offset = self.offset.or_else(|| position(text, &self.at));
        let place = offset.map(|offset| {
            let start = rollsafe_text::floor_char_boundary(text, offset);
            let line = text[..start].matches('\n').count() + 1;
            let column = text[..start].rsplit('\n').next().unwrap_or("").chars().count() + 1;
            format!("line {line}, column {column}: ")
        });
        let key = if self.at.is_empty() { String::new() } else { format!("{}: ", quote_at_most(&key_name(&self.at), 120)) };
        // Keys the parser names are quoted in its message: cap them too.
        format!("{}{key}{}", place.unwrap_or_default(), quote_at_most(&self.message, 200))
    }
}

/// `sql.dialect`, `allow[2].pointer`, `contracts.paths."events/**".compat`: the key as a dotted
/// TOML path, quoting the parts that are not bare keys.
fn key_name(at: &[Part]) -> String {
    let mut out = String::new();
    for part in at {
        match part {
            Part::Index(i) => out.push_str(&format!("[{i}]")),
            Part::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                    out.push_str(key);
                } else {
                    out.push_str(&format!("{key:?}"));
                }
            }
        }
    }
    out
}

/// Where a key is written: the byte offset of the key itself (of the element, for an index).
fn position(text: &str, at: &[Part]) -> Option<usize> {
    let document = toml::de::DeTable::parse(text).ok()?;
    let mut value: &toml::de::DeValue<'_> = &toml::de::DeValue::Table(document.get_ref().clone());
    let mut found = None;
    // The clone above is of a configuration file (bounded in size), once per error.
    for part in at {
        let next = match (part, value) {
            (Part::Key(key), toml::de::DeValue::Table(table)) => {
                table.iter().find(|(k, _)| k.get_ref() == key).map(|(k, v)| (k.span().start, v))
            }
            (Part::Index(i), toml::de::DeValue::Array(items)) => items.get(*i).map(|v| (v.span().start, v)),
            _ => None,
        };
        let (offset, next) = next?;
        found = Some(offset);
        value = next.get_ref();
    }
    found
}

/// The deepest key whose key or value holds byte `offset`: the key a parser error is about. A
/// `[table]`'s span is its header only, so every table is searched, not only those whose span
/// holds the offset.
fn key_at(text: &str, offset: usize) -> Vec<Part> {
    fn inside(span: std::ops::Range<usize>, offset: usize) -> bool {
        span.start <= offset && offset < span.end.max(span.start + 1)
    }
    fn find(value: &toml::de::DeValue<'_>, offset: usize) -> Option<Vec<Part>> {
        let within = |part: Part, value: &toml::Spanned<toml::de::DeValue<'_>>, on_key: bool| {
            if on_key {
                return Some(vec![part]);
            }
            let deeper = find(value.get_ref(), offset);
            match deeper {
                Some(mut rest) => {
                    rest.insert(0, part);
                    Some(rest)
                }
                None if inside(value.span(), offset) => Some(vec![part]),
                None => None,
            }
        };
        match value {
            toml::de::DeValue::Table(table) => {
                table.iter().find_map(|(key, value)| within(Part::Key(key.get_ref().to_string()), value, inside(key.span(), offset)))
            }
            toml::de::DeValue::Array(items) => items.iter().enumerate().find_map(|(i, value)| within(Part::Index(i), value, false)),
            _ => None,
        }
    }
    toml::de::DeTable::parse(text)
        .ok()
        .and_then(|document| find(&toml::de::DeValue::Table(document.get_ref().clone()), offset))
        .unwrap_or_default()
}

fn quote_at_most(text: &str, max: usize) -> String {
    rollsafe_text::escape::quote_at_most(text, max)
}

fn quote(text: &str) -> String {
    rollsafe_text::escape::quote(text)
}

fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('|') && !l.chars().all(|c| c == '^' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_config() {
        let config = crate::parse_config(
            r#"
baseline = "v1.4.0"
exclude = ["vendor/**"]
[sql]
dialect = "mysql"
migrations = ["db/migrate"]
[sql.dialects]
"legacy/**" = "sqlite"
[rules]
column-type-widened = "off"
[[allow]]
rule = "column-removed"
object = "users.legacy"
reason = "unused since v1.2"
"#,
        )
        .unwrap();
        assert_eq!(config.baseline.as_deref(), Some("v1.4.0"));
        assert_eq!(config.dialect_for("legacy/a.sql"), Some(Dialect::Sqlite));
        assert_eq!(config.dialect_for("db/a.sql"), Some(Dialect::MySql));
        assert_eq!(config.rules.get("column-type-widened"), Some(&None));
        assert!(config.is_excluded("vendor/x/y.sql"));
    }

    #[test]
    fn rejects_bad_configs_with_one_line() {
        for (text, expected) in [
            ("[rules]\nno-such-rule = \"off\"", "unknown rule"),
            ("[[allow]]\nrule = \"column-removed\"", "needs a reason"),
            ("[sql]\ndialect = \"oracle\"", "unknown SQL dialect"),
            ("bogus = 1", "unknown field"),
            ("baseline = \"\"", "baseline: must name"),
            ("[protobuf]\ncategory = \"WIRED\"", "unknown category"),
            ("[contracts]\ncompat = \"sideways\"", "unknown mode"),
            ("[contracts.paths.\"a/**\"]\ncompat = \"full\"\nextra = 1", "unknown field"),
            ("[contracts.paths.\"a/**\"]\nprofile = \"loose\"", "unknown profile"),
            ("[[allow]]\nrule = \"column-removed\"\nreason = \"x\"\npointer = \"fields/0\"", "not a JSON Pointer"),
            ("[[allow]]\nrule = \"column-removed\"\nreason = \"x\"\nexpires = \"soon\"", "not a release version"),
        ] {
            let err = crate::parse_config(text).unwrap_err();
            assert!(err.contains(expected), "{err}");
            assert!(!err.contains('\n'));
        }
    }

    #[test]
    fn allow_entries_match_names_not_spellings() {
        let config = crate::parse_config(
            "[[allow]]\nrule = \"column-removed\"\nobject = \"public.users.legacy_flag\"\npath = \"./db/**\"\nreason = \"unused\"\n",
        )
        .unwrap();
        let entry = &config.allow[0];
        let finding = |object: &str, path: &str| {
            let location = rollsafe_diagnostics::Location::current(path, rollsafe_text::TextRange::empty(0));
            rollsafe_diagnostics::Finding::new("column-removed", Severity::Error, String::new(), location, "").object(object)
        };
        assert!(entry.accepts(&finding("users.legacy_flag", "db/migrations/2.sql")));
        assert!(entry.accepts(&finding("public.Users.legacy_flag", "db/migrations/2.sql")));
        assert!(!entry.accepts(&finding("billing.users.legacy_flag", "db/migrations/2.sql")));
        assert!(!entry.accepts(&finding("\"Users\".legacy_flag", "db/migrations/2.sql")), "quoted names keep their case");
        assert!(!entry.accepts(&finding("users.legacy_flag", "other/2.sql")));
        let span = entry.span.expect("span");
        assert!(span.0 < span.1);
    }

    #[test]
    fn contract_modes_by_path() {
        let config = crate::parse_config(
            "[contracts]\ncompat = \"BACKWARD\"\n[contracts.paths.\"events/**\"]\ncompat = \"full_transitive\"\nprofile = \"lenient\"\n",
        )
        .unwrap();
        let c = &config.contracts;
        assert_eq!(c.compat_for("events/order.avsc"), Compat::FullTransitive);
        assert_eq!(c.compat_for("api/user.avsc"), Compat::Backward);
        assert_eq!(c.profile_for("events/a.schema.json"), Profile::Lenient);
        assert_eq!(c.profile_for("api/a.schema.json"), Profile::Strict);
        assert!(c.any_transitive());
        let forced = ContractsConfig { forced: Some(Compat::Forward), ..c.clone() };
        assert_eq!(forced.compat_for("events/order.avsc"), Compat::Forward);
        assert!(!forced.any_transitive());
        assert_eq!(ContractsConfig::default().compat_for("x.avsc"), Compat::Full);
    }

    /// Every error says where and which key: the parser's (unknown keys, wrong types) and the
    /// checks of values alike.
    #[test]
    fn errors_name_the_line_and_the_key() {
        for (text, expected) in [
            ("[sql]\nmigrations = [\"db\"]\ndialect = \"oracle\"\n", "line 3, column 1: sql.dialect: unknown SQL dialect `oracle`"),
            ("[sql]\ndialekt = \"mysql\"\n", "line 2, column 1: sql.dialekt: unknown field `dialekt`"),
            ("[sql]\nmigrations = \"db\"\n", "line 2, column 14: sql.migrations: invalid type"),
            ("[rules]\ncolumn-removed = \"loud\"\n", "line 2, column 1: rules.column-removed: unknown level `loud`"),
            (
                "[[allow]]\nrule = \"column-removed\"\nreason = \"x\"\n\n[[allow]]\nrule = \"column-removed\"\nreason = \"y\"\nexpires = \"later\"\n",
                "line 8, column 1: allow[1].expires: `later` is not a release version",
            ),
            (
                "[contracts.paths.\"events/**\"]\ncompat = \"sideways\"\n",
                "line 2, column 1: contracts.paths.\"events/**\".compat: unknown mode",
            ),
            ("exclude = [\"ok/**\", \"bad[\"]\n", "line 1, column 21: exclude[1]: invalid glob"),
            ("[protobuf]\ncategory = \"WIRED\"\n", "line 2, column 1: protobuf.category: unknown category"),
        ] {
            let err = crate::parse_config(text).unwrap_err();
            assert!(err.starts_with(expected), "expected `{expected}`, got `{err}`");
        }
    }

    /// A file that is not a configuration (`--config /etc/passwd`) is refused by position and
    /// reason, without quoting its content; keys quoted are capped and escaped.
    #[test]
    fn errors_do_not_echo_the_file() {
        let secret = "root:x:0:0:SECRET-TOKEN:/root:/bin/bash\n";
        let err = crate::parse_config(secret).unwrap_err();
        assert!(!err.contains("SECRET"), "{err}");
        assert!(err.starts_with("line 1, column "), "{err}");
        let long_key = format!("{} = 1", "k".repeat(5000));
        let err = crate::parse_config(&long_key).unwrap_err();
        assert!(err.len() < 400, "{err}");
        let escape = "[rules]\n\"\\u001b]0;pwned\\u0007\" = \"off\"\n";
        let err = crate::parse_config(escape).unwrap_err();
        assert!(!err.contains('\u{1b}') && err.contains("\\x1b"), "{err}");
    }
}
