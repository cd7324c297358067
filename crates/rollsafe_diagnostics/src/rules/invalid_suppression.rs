use crate::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A `rollsafe-allow` comment without a reason, or naming a rule that does not exist. Such a
    /// comment suppresses nothing.
    ///
    /// ## Why it matters
    /// A suppression is a claim about N-1 code ("nothing reads this column"); the reason is what a
    /// reviewer checks. The form is `-- rollsafe-allow: RULE[, RULE] reason` (`//` in `.proto`
    /// files).
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE users (id bigint PRIMARY KEY, full_name text);
    /// ```
    /// ```sql title="N: migrations/0002_drop.sql"
    /// -- rollsafe-allow: column-removed
    /// ALTER TABLE users DROP COLUMN full_name;
    /// ```
    ///
    /// ## Use instead
    /// ```sql title="N: migrations/0002_drop.sql"
    /// -- rollsafe-allow: column-removed no code reads full_name since v1.3
    /// ALTER TABLE users DROP COLUMN full_name;
    /// ```
    pub static INVALID_SUPPRESSION = ("invalid-suppression", Warning, "A suppression comment has no reason or names no rule", [AboutSuppression]);
}
