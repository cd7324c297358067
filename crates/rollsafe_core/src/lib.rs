//! rollsafe's analysis core.
//!
//! Holds the salsa database ([`db`]), finds migration histories and schema files ([`layout`]),
//! replays the N-1 and N states and diffs them ([`sql`]), and turns the differences into
//! [`Finding`]s through one file per rule ([`rules`]). [`Analysis`] is the façade every front-end
//! calls.
//!
//! Limits, by design: the core knows nothing of files on disk, git, terminals, JSON or LSP. It takes
//! texts in and gives plain data out; byte ranges only (line/column conversion is the renderers' job).

pub mod analysis;
pub mod config;
pub mod db;
pub mod finding;
pub mod layout;
pub mod rules;
pub mod sql;
mod suppress;

pub use analysis::{Analysis, AnalysisSnapshot, Cancellable, Summary, WorkspaceInput, cancellable};
pub use config::Config;
pub use finding::{Definitions, Edit, Finding, Fix, Location, Related, Severity, Side};
pub use rollsafe_sql::Dialect;
pub use rollsafe_text::TextRange;
