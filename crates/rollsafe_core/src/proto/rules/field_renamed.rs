use super::{ProtoContext, field_words};
use crate::proto::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A field (paired by number) whose name changed.
    ///
    /// ## Why it breaks N-1 or rollback
    /// The wire carries numbers, but JSON carries names (unless `json_name` keeps the old one) and
    /// generated code names accessors after the field: N-1 JSON clients send and expect the old
    /// name, and N-1's code no longer builds against N.
    ///
    /// Corresponds to `buf breaking`'s `FIELD_SAME_NAME` (FILE, PACKAGE, WIRE_JSON).
    ///
    /// ## Example
    /// ```proto title="N-1: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { string full_name = 1; }
    /// ```
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { string display_name = 1; }
    /// ```
    ///
    /// ## Use instead
    /// Add the new field beside the old one, write both, and retire the old one later.
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { string full_name = 1 [deprecated = true]; string display_name = 2; }
    /// ```
    pub static PROTO_FIELD_RENAMED = ("proto-field-renamed", Error, "A field is renamed");
}

pub(crate) fn check(cx: &ProtoContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::FieldRenamed { field, new_name } = &change.kind else { continue };
        let message = format!(
            "{} is renamed to {new_name}: JSON clients and generated code of release {} still use {}",
            field_words(field),
            cx.baseline,
            field.name
        );
        let help = format!("add {new_name} as a new field beside {}, write both, and retire {} in a later release", field.name, field.name);
        if let Some(mut f) = cx.emit(&PROTO_FIELD_RENAMED, change, "FIELD_SAME_NAME", message, "renamed here", help) {
            f.object = Some(format!("{}.{}", field.message, field.name));
            out.push(f);
        }
    }
}
