use super::ProtoContext;
use crate::proto::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// An enum that changed between open (proto3, editions `OPEN`) and closed (proto2, editions
    /// `CLOSED`).
    ///
    /// ## Why it breaks N-1 or rollback
    /// An open enum keeps unknown numbers in the field; a closed one moves them to unknown fields
    /// and leaves the field unset. The same data reads differently in N-1 and N, and generated
    /// code changes.
    ///
    /// Corresponds to `buf breaking`'s `ENUM_SAME_TYPE` (FILE, PACKAGE).
    ///
    /// ## Example
    /// ```proto title="N-1: acme/v1/status.proto"
    /// edition = "2023";
    /// package acme.v1;
    /// enum Status { STATUS_UNSPECIFIED = 0; STATUS_ACTIVE = 1; }
    /// ```
    /// ```proto title="N: acme/v1/status.proto"
    /// edition = "2023";
    /// package acme.v1;
    /// enum Status { option features.enum_type = CLOSED; STATUS_UNSPECIFIED = 0; STATUS_ACTIVE = 1; }
    /// ```
    ///
    /// ## Use instead
    /// Keep the enum as it is; introduce a new enum if the other semantics are needed.
    /// ```proto title="N: acme/v1/status.proto"
    /// edition = "2023";
    /// package acme.v1;
    /// enum Status { STATUS_UNSPECIFIED = 0; STATUS_ACTIVE = 1; STATUS_BANNED = 2; }
    /// ```
    pub static PROTO_ENUM_OPENNESS_CHANGED = ("proto-enum-openness-changed", Error, "An enum changes between open and closed");
}

pub(crate) fn check(cx: &ProtoContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::EnumOpennessChanged { enumeration, now_closed } = &change.kind else { continue };
        let (from, to) = if *now_closed { ("open", "closed") } else { ("closed", "open") };
        let message =
            format!("enum {enumeration} changes from {from} to {to}: unknown values read differently than in release {}", cx.baseline);
        let help = "keep the enum's openness; add a new enum if other semantics are needed".to_string();
        if let Some(mut f) = cx.emit(&PROTO_ENUM_OPENNESS_CHANGED, change, "ENUM_SAME_TYPE", message, "changed here", help) {
            f.object = Some(enumeration.clone());
            out.push(f);
        }
    }
}
