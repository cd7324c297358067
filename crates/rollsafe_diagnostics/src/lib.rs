//! What every format of rollsafe reports, and how reports are accepted or silenced.
//!
//! A leaf crate, so that nothing imports in a circle: the one [`Finding`] type (byte ranges
//! inside), [`Rule`] and [`declare_rule!`], in-source [`Suppression`]s with their scope and the
//! configuration's [`Allow`] list, applied the same way for SQL, Protobuf and any later format.
//! Which rules exist is the analysis crate's registry; this crate only knows the two rules about
//! suppressions, which every format shares.

mod allow;
mod finding;
mod rule;
pub mod rules;
mod suppression;

pub use allow::{Allow, apply_allow_list, glob_matches, release_version};
pub use finding::{Definitions, Edit, Finding, Fix, Location, Related, Severity, Side};
pub use rule::{Rule, Tag};
pub use suppression::{
    FileSuppressions, Levels, REASON_PLACEHOLDER, Scope, Suppression, apply as apply_suppressions, directive, parse_rules_and_reason,
    remove_comment, suppression_fix, with_configured_level,
};
