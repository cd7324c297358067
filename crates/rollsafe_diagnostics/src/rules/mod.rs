//! The rules every format shares: those about suppressions themselves.

mod expired_allow;
mod invalid_suppression;
mod unused_suppression;

pub use expired_allow::EXPIRED_ALLOW;
pub use invalid_suppression::INVALID_SUPPRESSION;
pub use unused_suppression::UNUSED_SUPPRESSION;

/// The shared rules, for the analysis crate's registry.
pub static SHARED: &[&crate::Rule] = &[&EXPIRED_ALLOW, &INVALID_SUPPRESSION, &UNUSED_SUPPRESSION];
