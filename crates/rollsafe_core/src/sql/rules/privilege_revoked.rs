use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A role loses a privilege it had in N-1 on a table, column, sequence, function or schema
    /// that N still has: a `REVOKE` (also `REVOKE … ON ALL TABLES IN SCHEMA`, or from `PUBLIC`),
    /// or the object dropped and created again without the `GRANT` (default privileges from
    /// `ALTER DEFAULT PRIVILEGES` count as granted). The roles the application connects as can be
    /// named in `rollsafe.toml` (`[sql] app-roles`): for them this is an error, for other roles a
    /// warning.
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1 code connected as that role gets "permission denied" for the statements that need the
    /// privilege, during the rollout and after a rollback.
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE TABLE invoices (id bigint PRIMARY KEY, total numeric NOT NULL);
    /// GRANT SELECT, INSERT, UPDATE ON invoices TO billing;
    /// ```
    /// ```sql title="N: migrations/0002_read_only.sql"
    /// REVOKE UPDATE ON invoices FROM billing;
    /// ```
    /// ```toml title="N: rollsafe.toml"
    /// [sql]
    /// app-roles = ["billing"]
    /// ```
    ///
    /// ## Use instead
    /// Take the right away in a later release, once no deployed code needs it.
    /// ```sql title="N: migrations/0002_read_only.sql"
    /// -- next release, once no deployed code updates invoices as billing:
    /// -- REVOKE UPDATE ON invoices FROM billing;
    /// ```
    pub static PRIVILEGE_REVOKED = ("privilege-revoked", Warning, "A role loses a privilege it had in N-1 (errors for [sql] app-roles)");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::PrivilegeRevoked { role, what, privileges } = &change.kind else {
            continue;
        };
        let who = if role == "public" { "PUBLIC (every role)".to_string() } else { format!("role {role}") };
        let rights = privileges.join(", ");
        let message =
            format!("{who} loses {rights} on {what}: code from release {} connected as {role} gets permission denied", cx.baseline);
        let help = format!("keep {rights} for {role} until no deployed code needs it; revoke it in a later release.");
        out.push(cx.for_role(role, cx.finding(&PRIVILEGE_REVOKED, change, message, "revoked here", help)));
    }
}
