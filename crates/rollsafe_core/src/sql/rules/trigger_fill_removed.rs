use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A `BEFORE INSERT` trigger of N-1 set a column that is NOT NULL without a default
    /// (`NEW.slug := …` in its function, `SET NEW.slug = …` in a MySQL trigger), and in N no
    /// `BEFORE INSERT` trigger of the table sets it: the trigger was dropped (also by a CASCADE),
    /// or its function was replaced by one that no longer sets the column.
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1's inserts leave the column to the trigger. Without it they write NULL to a NOT NULL
    /// column and fail.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE posts (id bigint PRIMARY KEY, title text NOT NULL, slug text NOT NULL);
    /// CREATE FUNCTION posts_slug() RETURNS trigger LANGUAGE plpgsql AS $$
    /// BEGIN
    ///     NEW.slug := lower(replace(NEW.title, ' ', '-'));
    ///     RETURN NEW;
    /// END $$;
    /// CREATE TRIGGER posts_slug BEFORE INSERT ON posts FOR EACH ROW EXECUTE FUNCTION posts_slug();
    /// ```
    /// ```sql title="N: migrations/0002_app_sets_slugs.sql"
    /// DROP TRIGGER posts_slug ON posts;
    /// ```
    ///
    /// ## Use instead
    /// Keep the trigger while a release that relies on it runs; drop it once every release
    /// writes the column itself (or give the column a default first).
    /// ```sql title="N: migrations/0002_app_sets_slugs.sql"
    /// -- next release, once no deployed code leaves slug to the trigger:
    /// -- DROP TRIGGER posts_slug ON posts;
    /// ```
    pub static TRIGGER_FILL_REMOVED = ("trigger-fill-removed", Warning, "A trigger that fills a NOT NULL column on insert is dropped or stops filling it");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::FillingTriggerRemoved { table, column, trigger } = &change.kind else {
            continue;
        };
        let message = format!(
            "trigger {trigger} on {table} set {column}, which is NOT NULL without a default, and nothing sets it now: inserts from release {} that leave {column} to the trigger fail",
            cx.baseline
        );
        let help = format!(
            "keep {trigger} until no deployed code relies on it, or give {table}.{column} a default first; then drop it in a later release."
        );
        out.push(cx.finding(&TRIGGER_FILL_REMOVED, change, message, "stops here", help));
    }
}
