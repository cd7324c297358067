//! rollsafe's analysis core.
//!
//! Holds the salsa database ([`db`]) and the format table ([`registry`], with every rule): each
//! format is a module with its own rules folder ([`sql`]: migration histories and schema files,
//! replayed and diffed) that fills in a [`Format`]. The core applies configured levels,
//! suppressions and the allow-list to every format's findings alike. [`Analysis`] is the façade the
//! CLI, the library API and the language server call; none of them names a format.
//!
//! Limits, by design: the core knows nothing of files on disk, git, terminals, JSON or LSP. It takes
//! texts in and gives plain data out; byte ranges only (line/column conversion is the renderers' job).

pub mod analysis;
pub mod avro;
pub mod config;
pub mod contracts;
pub mod db;
pub mod formats;
pub mod jsonschema;
pub mod proto;
pub mod registry;
pub mod sql;
pub mod starter;

pub use analysis::{Analysis, AnalysisSnapshot, Cancellable, Summary, WorkspaceInput, cancellable};
pub use config::Config;
pub use formats::{Count, Coverage, Format};
pub use rollsafe_diagnostics::{Definitions, Edit, Finding, Fix, Location, Related, Rule, Severity, Side, Tag};
pub use rollsafe_sql::Dialect;
pub use rollsafe_text::TextRange;

/// Parses and validates `rollsafe.toml` against the rule registry. The error is one line.
pub fn parse_config(text: &str) -> Result<Config, String> {
    Config::parse(text, &registry::is_known)
}
