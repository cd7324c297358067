use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;
use rollsafe_sql::ty::TypeChange;

declare_rule! {
    /// ## What it detects
    /// A column type that accepts fewer values than in N-1: a shorter `varchar`, `text` →
    /// `varchar(n)`, fewer digits before the decimal point, a smaller integer, `double precision` →
    /// `real`, signed → unsigned, an inline MySQL `ENUM` losing a value.
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1 code still writes values that fit the old type; the database now rejects them ("value too
    /// long", "out of range"). The conversion itself can fail on existing rows or truncate them.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE users (id bigint PRIMARY KEY, email varchar(255));
    /// ```
    /// ```sql title="N: migrations/0002_shorter_email.sql"
    /// ALTER TABLE users ALTER COLUMN email TYPE varchar(100);
    /// ```
    ///
    /// ## Use instead
    /// Enforce the new limit in code first, then in the database without rewriting the column
    /// (`CHECK (length(email) <= 100) NOT VALID`, then `VALIDATE CONSTRAINT`), and narrow the type
    /// in a later release. Widening is safe for writes:
    /// ```sql title="N: migrations/0002_longer_email.sql"
    /// ALTER TABLE users ALTER COLUMN email TYPE varchar(320);
    /// ```
    pub static COLUMN_TYPE_NARROWED = ("column-type-narrowed", Error, "A column type accepts fewer values than N-1 writes");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::ColumnType { table, column, old, new, verdict: TypeChange::Narrowed(why), default_change } = &change.kind else {
            continue;
        };
        // Long types (an inline enum of many labels) are in the definitions shown with the finding;
        // the message names what is lost.
        let short = old.len() + new.len() <= 80;
        let message = if short {
            format!("column {table}.{column} is narrowed from {old} to {new}: {why}, so writes from release {} can fail", cx.baseline)
        } else {
            format!("column {table}.{column} is narrowed: {why}, so writes from release {} can fail", cx.baseline)
        };
        let message = super::with_default_change(message, default_change);
        let old_type = if short { old.as_str() } else { "the old type" };
        let help = format!(
            "keep {old_type} until no release writes larger values: enforce the limit in code first, add a CHECK constraint \
             NOT VALID and validate it, then change the type in a later release."
        );
        out.push(cx.finding(&COLUMN_TYPE_NARROWED, change, message, "narrowed here", help));
    }
}
