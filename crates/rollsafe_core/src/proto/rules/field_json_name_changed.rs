use super::{ProtoContext, field_words};
use crate::proto::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A field whose JSON name changed: its `json_name` option, or its name when no option sets
    /// one.
    ///
    /// ## Why it breaks N-1 or rollback
    /// JSON (and the ProtoJSON of gRPC gateways) carries the JSON name: N-1 clients send and
    /// expect the old key, and N ignores it.
    ///
    /// Corresponds to `buf breaking`'s `FIELD_SAME_JSON_NAME` (FILE, PACKAGE, WIRE_JSON).
    ///
    /// ## Example
    /// ```proto title="N-1: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { string email = 1 [json_name = "mail"]; }
    /// ```
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { string email = 1; }
    /// ```
    ///
    /// ## Use instead
    /// Keep the JSON name.
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { string email = 1 [json_name = "mail"]; string phone = 2; }
    /// ```
    pub static PROTO_FIELD_JSON_NAME_CHANGED = ("proto-field-json-name-changed", Error, "A field's JSON name changes");
}

pub(crate) fn check(cx: &ProtoContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::FieldJsonNameChanged { field, old, new } = &change.kind else { continue };
        let message = format!(
            "{} changes its JSON name from \"{old}\" to \"{new}\": JSON clients of release {} still send and expect \"{old}\"",
            field_words(field),
            cx.baseline
        );
        let help = format!("keep the JSON name: `[json_name = \"{old}\"]`");
        if let Some(mut f) =
            cx.emit(&PROTO_FIELD_JSON_NAME_CHANGED, change, "FIELD_SAME_JSON_NAME", message, "JSON name changed here", help)
        {
            f.object = Some(format!("{}.{}", field.message, field.name));
            out.push(f);
        }
    }
}
