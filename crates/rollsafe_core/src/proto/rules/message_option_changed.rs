use super::ProtoContext;
use crate::proto::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A message that sets `no_standard_descriptor_accessor = true` where N-1 did not.
    ///
    /// ## Why it breaks N-1 or rollback
    /// Generated code loses the `descriptor()` accessor that code of N-1 may call.
    ///
    /// Corresponds to `buf breaking`'s `MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR` (FILE,
    /// PACKAGE).
    ///
    /// ## Example
    /// ```proto title="N-1: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { string name = 1; }
    /// ```
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { option no_standard_descriptor_accessor = true; string name = 1; }
    /// ```
    ///
    /// ## Use instead
    /// Leave the option unset.
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { option no_standard_descriptor_accessor = false; string name = 1; }
    /// ```
    pub static PROTO_MESSAGE_OPTION_CHANGED = ("proto-message-option-changed", Warning, "A message drops its standard descriptor accessor");
}

pub(crate) fn check(cx: &ProtoContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::MessageOptionChanged { message, option, old, new } = &change.kind else { continue };
        let text = format!(
            "message {message} changes {option} from {old} to {new}: code of release {} that calls descriptor() breaks",
            cx.baseline
        );
        let help = format!("leave {option} unset");
        if let Some(mut f) =
            cx.emit(&PROTO_MESSAGE_OPTION_CHANGED, change, "MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR", text, "set here", help)
        {
            f.object = Some(message.clone());
            out.push(f);
        }
    }
}
