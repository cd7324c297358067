use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A table of N-1 rebuilt in this release (SQLite's create-copy-drop-rename procedure, or a
    /// drop and create) comes back without triggers or indexes it had: `DROP TABLE` took them
    /// along and the migration did not create them again. Unique indexes are reported by
    /// `unique-index-dropped`.
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1 relies on what its triggers did (timestamps kept, rows audited, counters maintained)
    /// and on its indexes for its query plans: after the rebuild the triggers no longer run and the
    /// queries scan the table.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT, updated_at TEXT);
    /// CREATE TRIGGER posts_touch AFTER UPDATE ON posts
    ///     BEGIN UPDATE posts SET updated_at = datetime('now') WHERE id = NEW.id; END;
    /// ```
    /// ```sql title="N: migrations/0002_rebuild.sql"
    /// CREATE TABLE posts_new (id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT, updated_at TEXT);
    /// INSERT INTO posts_new SELECT id, title, body, updated_at FROM posts;
    /// DROP TABLE posts;
    /// ALTER TABLE posts_new RENAME TO posts;
    /// ```
    ///
    /// ## Use instead
    /// Create the triggers and indexes again after the rename, as SQLite's procedure says.
    /// ```sql title="N: migrations/0002_rebuild.sql"
    /// CREATE TABLE posts_new (id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT, updated_at TEXT);
    /// INSERT INTO posts_new SELECT id, title, body, updated_at FROM posts;
    /// DROP TABLE posts;
    /// ALTER TABLE posts_new RENAME TO posts;
    /// CREATE TRIGGER posts_touch AFTER UPDATE ON posts
    ///     BEGIN UPDATE posts SET updated_at = datetime('now') WHERE id = NEW.id; END;
    /// ```
    pub static TABLE_REBUILD_LOST_OBJECTS = ("table-rebuild-lost-objects", Warning, "A rebuilt table comes back without triggers or indexes it had");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::RebuildLost { lost } = &change.kind else {
            continue;
        };
        let table = &change.object;
        let what = lost.join(", ");
        let message = format!(
            "table {table} is rebuilt without {what}: DROP TABLE took {} along, and code from release {} relies on {}",
            if lost.len() == 1 { "it" } else { "them" },
            cx.baseline,
            if lost.len() == 1 { "it" } else { "them" }
        );
        let help = format!("create {what} again on the rebuilt {table}, after it takes the old name.");
        out.push(cx.finding(&TABLE_REBUILD_LOST_OBJECTS, change, message, "dropped here", help));
    }
}
