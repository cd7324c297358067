use crate::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A `rollsafe-allow` comment that suppresses nothing: the finding it was written for is gone, or
    /// it names a rule that does not fire on that statement. Likewise an `[[allow]]` entry of
    /// `rollsafe.toml` that accepts no finding (reported at the entry): its rule, object or path
    /// matches nothing the check reports.
    ///
    /// ## Why it matters
    /// A stale suppression silently hides the next real finding on that statement.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE users (id bigint PRIMARY KEY);
    /// ```
    /// ```sql title="N: migrations/0002_nickname.sql"
    /// -- rollsafe-allow: table-removed nobody reads it
    /// ALTER TABLE users ADD COLUMN nickname text;
    /// ```
    ///
    /// ## Use instead
    /// Remove the comment (or the `[[allow]]` entry, or correct its rule, object or path).
    /// ```sql title="N: migrations/0002_nickname.sql"
    /// ALTER TABLE users ADD COLUMN nickname text;
    /// ```
    pub static UNUSED_SUPPRESSION = ("unused-suppression", Warning, "A suppression comment suppresses nothing", [Unnecessary, AboutSuppression]);
}
