use super::SqlContext;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A statement in a new or edited file that rollsafe could not read, or whose effect on the
    /// schema it does not model (a `DO` block with control flow or `EXECUTE`, MySQL
    /// `PREPARE`/`EXECUTE`, `CREATE RULE`, a vendor extension). The rest of the file is still
    /// analysed. The same note says what else was not checked: a history in a dialect rollsafe does
    /// not read (once per history), a statement on a table, column or index the history never
    /// created, a new code migration (Java, Kotlin, Go), a Flyway baseline migration that existing
    /// databases never ran, and a statement or table on which rollsafe itself failed.
    ///
    /// ## Why it matters
    /// Whatever that statement does to the schema is invisible to the other rules, so a breaking
    /// change inside it goes unreported.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE users (id bigint PRIMARY KEY);
    /// ```
    /// ```sql title="N: migrations/0002_dynamic.sql"
    /// DO $$ BEGIN EXECUTE 'ALTER TABLE users ADD COLUMN email text'; END $$;
    /// ```
    ///
    /// ## Use instead
    /// Write schema changes as plain DDL.
    /// ```sql title="N: migrations/0002_add_email.sql"
    /// ALTER TABLE users ADD COLUMN email text;
    /// ```
    pub static STATEMENT_NOT_UNDERSTOOD = ("statement-not-understood", Info, "A statement could not be analysed");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    let not_compared = cx.changes.iter().filter_map(|c| match &c.kind {
        crate::sql::diff::ChangeKind::NotCompared { what } => Some((&c.at, what)),
        _ => None,
    });
    for (location, what) in cx.not_understood.iter().map(|(l, w)| (l, w)).chain(not_compared) {
        out.push(
            Finding::new(
                STATEMENT_NOT_UNDERSTOOD.id,
                STATEMENT_NOT_UNDERSTOOD.severity,
                format!("{what}; analysis may be incomplete"),
                location.clone(),
                "not understood",
            )
            .help("if this statement changes the schema, rollsafe cannot check that change; prefer plain DDL."),
        );
    }
}
