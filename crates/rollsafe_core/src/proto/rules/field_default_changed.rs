use super::{ProtoContext, field_words};
use crate::proto::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A singular scalar or enum field whose default value changed (proto2 and editions
    /// `default = …`, or its removal).
    ///
    /// ## Why it breaks N-1 or rollback
    /// A field left unset reads as its default: the same message means one thing to N-1 and
    /// another to N.
    ///
    /// Corresponds to `buf breaking`'s `FIELD_SAME_DEFAULT` (every category; buf.yaml v2 only).
    ///
    /// ## Example
    /// ```proto title="N-1: acme/v1/limits.proto"
    /// syntax = "proto2";
    /// package acme.v1;
    /// message Limits { optional int32 max_items = 1 [default = 100]; }
    /// ```
    /// ```proto title="N: acme/v1/limits.proto"
    /// syntax = "proto2";
    /// package acme.v1;
    /// message Limits { optional int32 max_items = 1 [default = 50]; }
    /// ```
    ///
    /// ## Use instead
    /// Keep the default; set the new value explicitly where it applies.
    /// ```proto title="N: acme/v1/limits.proto"
    /// syntax = "proto2";
    /// package acme.v1;
    /// message Limits { optional int32 max_items = 1 [default = 100]; optional int32 page_size = 2 [default = 50]; }
    /// ```
    pub static PROTO_FIELD_DEFAULT_CHANGED = ("proto-field-default-changed", Error, "A field's default value changes");
}

pub(crate) fn check(cx: &ProtoContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::FieldDefaultChanged { field, old, new } = &change.kind else { continue };
        let message = format!(
            "{} changes its default from {old} to {new}: an unset field reads as {old} in release {}",
            field_words(field),
            cx.baseline
        );
        let help = "keep the default; write the new value explicitly where it applies".to_string();
        if let Some(mut f) = cx.emit(&PROTO_FIELD_DEFAULT_CHANGED, change, "FIELD_SAME_DEFAULT", message, "default changed here", help) {
            f.object = Some(format!("{}.{}", field.message, field.name));
            out.push(f);
        }
    }
}
