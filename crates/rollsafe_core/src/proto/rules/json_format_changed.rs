use super::ProtoContext;
use crate::proto::diff::{ChangeKind, Declaration};
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A message or enum whose JSON support changed from `ALLOW` to `LEGACY_BEST_EFFORT`
    /// (editions `features.json_format`, or a proto3 file turned proto2).
    ///
    /// ## Why it breaks N-1 or rollback
    /// Under best effort, JSON names may clash and are not checked: JSON that N-1 clients exchange
    /// may no longer map onto N's messages.
    ///
    /// Corresponds to `buf breaking`'s `MESSAGE_SAME_JSON_FORMAT` and `ENUM_SAME_JSON_FORMAT`
    /// (FILE, PACKAGE, WIRE_JSON).
    ///
    /// ## Example
    /// ```proto title="N-1: acme/v1/user.proto"
    /// edition = "2023";
    /// package acme.v1;
    /// message User { string name = 1; }
    /// ```
    /// ```proto title="N: acme/v1/user.proto"
    /// edition = "2023";
    /// package acme.v1;
    /// message User { option features.json_format = LEGACY_BEST_EFFORT; string name = 1; }
    /// ```
    ///
    /// ## Use instead
    /// Keep full JSON support.
    /// ```proto title="N: acme/v1/user.proto"
    /// edition = "2023";
    /// package acme.v1;
    /// message User { string name = 1; string email = 2; }
    /// ```
    pub static PROTO_JSON_FORMAT_CHANGED = ("proto-json-format-changed", Error, "A message or enum stops supporting JSON");
}

pub(crate) fn check(cx: &ProtoContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::JsonFormatChanged { what, name, new } = &change.kind else { continue };
        let noun = what.noun();
        let message = format!(
            "{noun} {name} changes its JSON support from ALLOW to {new}: JSON clients of release {} may no longer map onto it",
            cx.baseline
        );
        let help = "keep `features.json_format = ALLOW`".to_string();
        let peer = if *what == Declaration::Enum { "ENUM_SAME_JSON_FORMAT" } else { "MESSAGE_SAME_JSON_FORMAT" };
        if let Some(mut f) = cx.emit(&PROTO_JSON_FORMAT_CHANGED, change, peer, message, "changed here", help) {
            f.object = Some(name.clone());
            out.push(f);
        }
    }
}
