use super::{ProtoContext, field_words};
use crate::proto::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A field that moved into a oneof, out of one, or to another oneof.
    ///
    /// ## Why it breaks N-1 or rollback
    /// Members of one oneof exclude each other: when N sets a field that N-1 reads as a member of
    /// a oneof together with another member, N-1 keeps only the last one it reads, and its
    /// generated code (which case is set) no longer matches.
    ///
    /// Corresponds to `buf breaking`'s `FIELD_SAME_ONEOF` (every category).
    ///
    /// ## Example
    /// ```proto title="N-1: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { oneof contact { string email = 1; } string phone = 2; }
    /// ```
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { oneof contact { string email = 1; string phone = 2; } }
    /// ```
    ///
    /// ## Use instead
    /// Add a new field to the oneof instead of moving one in.
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { oneof contact { string email = 1; string fax = 3; } string phone = 2; }
    /// ```
    pub static PROTO_FIELD_ONEOF_CHANGED = ("proto-field-oneof-changed", Error, "A field moves into, out of or between oneofs");
}

pub(crate) fn check(cx: &ProtoContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::FieldOneofChanged { field, old, new } = &change.kind else { continue };
        let place = |o: &Option<String>| o.as_ref().map_or("outside any oneof".to_string(), |o| format!("in oneof {o}"));
        let message = format!(
            "{} moves from {} to {}: release {} reads which fields exclude each other differently",
            field_words(field),
            place(old),
            place(new),
            cx.baseline
        );
        let help = "leave the field where it is; add a new field (with a new number) where you need one".to_string();
        if let Some(mut f) = cx.emit(&PROTO_FIELD_ONEOF_CHANGED, change, "FIELD_SAME_ONEOF", message, "moved here", help) {
            f.object = Some(format!("{}.{}", field.message, field.name));
            out.push(f);
        }
    }
}
