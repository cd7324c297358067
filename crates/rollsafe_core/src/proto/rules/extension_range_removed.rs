use super::ProtoContext;
use crate::proto::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// Extension numbers (`extensions 100 to 200;`) of a message in the previous release (N-1)
    /// that the message no longer declares.
    ///
    /// ## Why it breaks N-1 or rollback
    /// Extensions others defined in those numbers stop compiling, and their values in data N-1
    /// wrote become unknown fields.
    ///
    /// Corresponds to `buf breaking`'s `EXTENSION_MESSAGE_NO_DELETE` (FILE, PACKAGE).
    ///
    /// ## Example
    /// ```proto title="N-1: acme/v1/event.proto"
    /// syntax = "proto2";
    /// package acme.v1;
    /// message Event { optional int64 id = 1; extensions 100 to 200; }
    /// ```
    /// ```proto title="N: acme/v1/event.proto"
    /// syntax = "proto2";
    /// package acme.v1;
    /// message Event { optional int64 id = 1; extensions 100 to 150; }
    /// ```
    ///
    /// ## Use instead
    /// Keep the extension ranges; add more if needed.
    /// ```proto title="N: acme/v1/event.proto"
    /// syntax = "proto2";
    /// package acme.v1;
    /// message Event { optional int64 id = 1; extensions 100 to 300; }
    /// ```
    pub static PROTO_EXTENSION_RANGE_REMOVED = ("proto-extension-range-removed", Error, "Extension numbers N-1 allows are removed");
}

pub(crate) fn check(cx: &ProtoContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::ExtensionRangeRemoved { message, missing } = &change.kind else { continue };
        let text = format!(
            "extension {} of message {message} are no longer declared: extensions defined there for release {} stop compiling",
            super::reserved_removed::ranges(missing),
            cx.baseline
        );
        let help = "keep the message's extension ranges; add more if needed".to_string();
        if let Some(mut f) =
            cx.emit(&PROTO_EXTENSION_RANGE_REMOVED, change, "EXTENSION_MESSAGE_NO_DELETE", text, "extension range shrunk here", help)
        {
            f.object = Some(message.clone());
            out.push(f);
        }
    }
}
