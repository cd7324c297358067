use super::SqlContext;
use crate::sql::diff::ChangeKind;
use rollsafe_diagnostics::Finding;
use rollsafe_diagnostics::declare_rule;

declare_rule! {
    /// ## What it detects
    /// A standalone sequence of N-1 dropped or renamed in this release. Sequences owned by a column
    /// (`serial`, `OWNED BY`) go with their column and are not reported separately.
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1 code or defaults calling `nextval('seq')` fail with "relation does not exist".
    ///
    /// ## Example
    /// ```sql title="N-1: migrations/0001_init.sql"
    /// CREATE SEQUENCE order_numbers;
    /// ```
    /// ```sql title="N: migrations/0002_drop_sequence.sql"
    /// DROP SEQUENCE order_numbers;
    /// ```
    ///
    /// ## Use instead
    /// Drop it in a later release, once nothing calls it.
    /// ```sql title="N: migrations/0002_noop.sql"
    /// COMMENT ON SEQUENCE order_numbers IS 'unused since v2';
    /// ```
    pub static SEQUENCE_REMOVED = ("sequence-removed", Error, "A sequence N-1 uses is dropped");
}

pub(crate) fn check(cx: &SqlContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::SequenceRemoved { renamed_to } = &change.kind else {
            continue;
        };
        let s = &change.object;
        let (message, label) = match renamed_to {
            Some(to) => (
                format!("sequence {s} is renamed to {to}, but code from release {} may still call nextval('{s}')", cx.baseline),
                "renamed here",
            ),
            None => {
                (format!("sequence {s} is removed, but code from release {} may still call nextval('{s}')", cx.baseline), "dropped here")
            }
        };
        let help = format!("drop {s} in a later release, once no deployed code or default uses it.");
        out.push(cx.finding(&SEQUENCE_REMOVED, change, message, label, help));
    }
}
