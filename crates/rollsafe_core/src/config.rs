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
//! [rules]                        # severity overrides: "error" | "warning" | "info" | "off"
//! column-type-widened = "off"
//!
//! [[allow]]                      # accepted findings, each with a reason
//! rule = "column-removed"
//! object = "public.users.legacy_flag"
//! reason = "nothing has read legacy_flag since v1.2"
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
}

/// `[protobuf]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ProtobufConfig {
    /// `FILE`, `PACKAGE`, `WIRE_JSON` or `WIRE`; `None`: the module's buf.yaml, else `FILE`.
    pub category: Option<String>,
    /// Module roots, workspace-relative.
    pub roots: Vec<String>,
}

/// The categories of `[protobuf] category`, as `buf breaking` names them.
pub const PROTOBUF_CATEGORIES: &[&str] = &["FILE", "PACKAGE", "WIRE_JSON", "WIRE"];

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    baseline: Option<String>,
    release_tags: Option<String>,
    default_branch: Option<String>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    sql: RawSql,
    #[serde(default)]
    protobuf: RawProtobuf,
    #[serde(default)]
    rules: BTreeMap<String, String>,
    #[serde(default)]
    allow: Vec<toml::Spanned<RawAllow>>,
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSql {
    dialect: Option<String>,
    #[serde(default)]
    dialects: toml::Table,
    #[serde(default)]
    migrations: Vec<String>,
    #[serde(default)]
    schemas: Vec<String>,
    #[serde(default)]
    downs_unmaintained: Vec<String>,
    #[serde(default)]
    placeholders: toml::Table,
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawProtobuf {
    category: Option<String>,
    #[serde(default)]
    roots: Vec<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAllow {
    rule: String,
    object: Option<String>,
    path: Option<String>,
    reason: Option<String>,
}

impl Config {
    /// Parses and validates `rollsafe.toml`; `known_rule` tells which rule ids exist (the registry:
    /// [`crate::parse_config`] passes it). The error is one line, fit for the CLI's exit-2 message.
    pub fn parse(text: &str, known_rule: &dyn Fn(&str) -> bool) -> Result<Config, String> {
        let known_rule = |rule: &str| {
            if known_rule(rule) { Ok(()) } else { Err(format!("unknown rule `{}` (see `rollsafe rules`)", quote(rule))) }
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| parse_error(text, &e))?;
        if raw.baseline.as_deref().is_some_and(|b| b.trim().is_empty()) {
            return Err("baseline must name a git revision or a directory (an empty one would compare the tree with itself)".into());
        }
        let dialect = |name: &str| {
            Dialect::from_name(name).ok_or_else(|| format!("unknown SQL dialect `{}` (expected postgresql, mysql or sqlite)", quote(name)))
        };
        let mut dialects = Vec::new();
        for (glob, value) in raw.sql.dialects {
            let name = value.as_str().ok_or_else(|| format!("[sql.dialects] \"{}\" must be a string", quote(&glob)))?;
            check_glob(&glob)?;
            dialects.push((glob, dialect(name)?));
        }
        let mut placeholders = Vec::new();
        for (name, value) in &raw.sql.placeholders {
            let value = value.as_str().ok_or_else(|| format!("[sql.placeholders] \"{}\" must be a string", quote(name)))?;
            placeholders.push((name.clone(), value.to_string()));
        }
        for glob in raw.exclude.iter().chain(&raw.sql.downs_unmaintained) {
            check_glob(glob)?;
        }
        let category = match raw.protobuf.category {
            Some(c) => match PROTOBUF_CATEGORIES.iter().find(|k| k.eq_ignore_ascii_case(&c)) {
                Some(k) => Some(k.to_string()),
                None => {
                    return Err(format!(
                        "[protobuf] category: unknown category `{}` (expected FILE, PACKAGE, WIRE_JSON or WIRE)",
                        quote(&c)
                    ));
                }
            },
            None => None,
        };
        let mut rules = BTreeMap::new();
        for (rule, level) in raw.rules {
            known_rule(&rule)?;
            let level =
                match level.as_str() {
                    "off" => None,
                    other => Some(Severity::parse(other).ok_or_else(|| {
                        format!("[rules] {rule}: unknown level `{}` (expected error, warning, info or off)", quote(other))
                    })?),
                };
            rules.insert(rule, level);
        }
        let mut allow = Vec::new();
        for entry in raw.allow {
            let span = entry.span();
            let entry = entry.into_inner();
            known_rule(&entry.rule)?;
            let reason =
                entry.reason.filter(|r| !r.trim().is_empty()).ok_or_else(|| format!("[[allow]] for {} needs a reason", entry.rule))?;
            allow.push(Allow { rule: entry.rule, object: entry.object, path: entry.path, reason, span: Some((span.start, span.end)) });
        }
        Ok(Config {
            baseline: raw.baseline,
            release_tags: raw.release_tags,
            default_branch: raw.default_branch,
            exclude: raw.exclude,
            sql: SqlConfig {
                dialect: raw.sql.dialect.as_deref().map(dialect).transpose()?,
                dialects,
                migrations: raw.sql.migrations,
                schemas: raw.sql.schemas,
                downs_unmaintained: raw.sql.downs_unmaintained,
                placeholders,
            },
            protobuf: ProtobufConfig { category, roots: raw.protobuf.roots },
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

/// Where the TOML is wrong and why, in one line. The parser's own rendering quotes the offending
/// line: for a file that is not a configuration at all (`--config /etc/passwd`) that would print its
/// content, so only the position and the parser's reason (which names at most the key) are kept.
fn parse_error(text: &str, e: &toml::de::Error) -> String {
    let at = e.span().map(|span| {
        let start = rollsafe_text::floor_char_boundary(text, span.start);
        let line = text[..start].matches('\n').count() + 1;
        let column = text[..start].rsplit('\n').next().unwrap_or("").chars().count() + 1;
        format!("line {line}, column {column}: ")
    });
    format!("{}{}", at.unwrap_or_default(), rollsafe_text::escape::quote_at_most(&one_line(e.message()), 200))
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
            ("baseline = \"\"", "baseline must name"),
            ("[protobuf]\ncategory = \"WIRED\"", "unknown category"),
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
