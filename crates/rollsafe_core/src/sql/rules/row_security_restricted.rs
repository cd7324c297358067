use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// Row-level security newly restricts a role on a table of N-1: `ENABLE ROW LEVEL SECURITY`
    /// (or `FORCE`, which binds the table's owner too) while no permissive policy of N lets the
    /// role do what N-1 granted it (`SELECT`, `INSERT`, `UPDATE`, `DELETE`), or, with row
    /// security already on, the policy that let it dropped or narrowed to other roles. The roles
    /// are those N-1 granted rights on the table; `[sql] app-roles` in `rollsafe.toml` makes it an
    /// error for the roles the application connects as (a warning for others). What a policy's
    /// `USING` and `WITH CHECK` expressions let through is not judged: a policy for the role and
    /// command counts.
    ///
    /// ## Why it breaks N-1 or rollback
    /// Under row security without a policy, N-1's queries as that role see no rows and its
    /// writes fail with "new row violates row-level security policy".
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE documents (id bigint PRIMARY KEY, owner text NOT NULL, body text);
    /// GRANT SELECT, INSERT ON documents TO app;
    /// ```
    /// ```sql title="N: migrations/0002_row_security.sql"
    /// ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
    /// ```
    ///
    /// ## Use instead
    /// Create the policies N-1's role needs in the same migration.
    /// ```sql title="N: migrations/0002_row_security.sql"
    /// CREATE POLICY app_all ON documents TO app USING (true) WITH CHECK (true);
    /// ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
    /// ```
    pub static ROW_SECURITY_RESTRICTED = ("row-security-restricted", Warning, "Row security newly filters or refuses what a role did in N-1 (errors for [sql] app-roles)");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::RowSecurityRestricted { table, role, rights, how } = &change.kind else {
            continue;
        };
        let who = if role == "public" { "PUBLIC (every role)".to_string() } else { role.clone() };
        let rights = rights.join(", ");
        let message =
            format!("{how}, and no policy lets {who} {rights}: code from release {} sees no rows or has its writes refused", cx.baseline);
        let help = format!("create a permissive policy for {who} covering {rights} on {table} in the same migration.");
        out.push(cx.for_role(role, cx.finding(&ROW_SECURITY_RESTRICTED, change, message, "restricted here", help)));
    }
}
