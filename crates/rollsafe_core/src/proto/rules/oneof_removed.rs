use super::ProtoContext;
use crate::proto::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A `oneof` of a message in the previous release (N-1) that is gone (proto3 `optional`
    /// makes no oneof of its own and does not count).
    ///
    /// ## Why it breaks N-1 or rollback
    /// Generated code of N-1 that asks which member is set (`getXCase()`, `WhichOneof`) stops
    /// compiling, and the members, now plain fields, may all be set at once: N-1 readers keep only
    /// the last one they read.
    ///
    /// Corresponds to `buf breaking`'s `ONEOF_NO_DELETE` (FILE, PACKAGE).
    ///
    /// ## Example
    /// ```proto title="N-1: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { oneof contact { string email = 1; string phone = 2; } }
    /// ```
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { string email = 1; string phone = 2; }
    /// ```
    ///
    /// ## Use instead
    /// Keep the oneof; add new alternatives to it, or new fields beside it.
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { oneof contact { string email = 1; string phone = 2; } string nickname = 3; }
    /// ```
    pub static PROTO_ONEOF_REMOVED = ("proto-oneof-removed", Error, "A oneof N-1 uses is deleted");
}

pub(crate) fn check(cx: &ProtoContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::OneofRemoved { message, oneof } = &change.kind else { continue };
        let text = format!(
            "oneof {oneof} of message {message} is deleted: generated code of release {} that asks which member is set breaks",
            cx.baseline
        );
        let help = "keep the oneof; add alternatives to it or fields beside it".to_string();
        if let Some(mut f) = cx.emit(&PROTO_ONEOF_REMOVED, change, "ONEOF_NO_DELETE", text, "deleted from this message", help) {
            f.object = Some(format!("{message}.{oneof}"));
            out.push(f);
        }
    }
}
