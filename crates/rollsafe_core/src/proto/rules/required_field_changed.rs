use super::ProtoContext;
use crate::proto::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A required field (proto2 `required`, editions `LEGACY_REQUIRED`) added to or removed from a
    /// message.
    ///
    /// ## Why it breaks N-1 or rollback
    /// A message without one of its required fields fails to parse: N rejects what N-1 writes
    /// when N added one, and N-1 rejects what N writes when N dropped one.
    ///
    /// Corresponds to `buf breaking`'s `MESSAGE_SAME_REQUIRED_FIELDS` (every category).
    ///
    /// ## Example
    /// ```proto title="N-1: acme/v1/order.proto"
    /// syntax = "proto2";
    /// package acme.v1;
    /// message Order { required int64 id = 1; }
    /// ```
    /// ```proto title="N: acme/v1/order.proto"
    /// syntax = "proto2";
    /// package acme.v1;
    /// message Order { required int64 id = 1; required string currency = 2; }
    /// ```
    ///
    /// ## Use instead
    /// Add new fields as optional, and keep required ones required.
    /// ```proto title="N: acme/v1/order.proto"
    /// syntax = "proto2";
    /// package acme.v1;
    /// message Order { required int64 id = 1; optional string currency = 2; }
    /// ```
    pub static PROTO_REQUIRED_FIELD_CHANGED = ("proto-required-field-changed", Error, "A required field is added or removed");
}

pub(crate) fn check(cx: &ProtoContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::RequiredFieldChanged { message, number, added } = &change.kind else { continue };
        let (text, label) = if *added {
            (
                format!(
                    "message {message} gets required field {number}: messages written by release {} lack it and fail to parse",
                    cx.baseline
                ),
                "required field added here",
            )
        } else {
            (
                format!(
                    "required field {number} of message {message} is no longer required: release {} rejects messages without it",
                    cx.baseline
                ),
                "required field dropped from this message",
            )
        };
        let help = "add new fields as optional; keep required fields required and present".to_string();
        if let Some(mut f) = cx.emit(&PROTO_REQUIRED_FIELD_CHANGED, change, "MESSAGE_SAME_REQUIRED_FIELDS", text, label, help) {
            f.object = Some(message.clone());
            out.push(f);
        }
    }
}
