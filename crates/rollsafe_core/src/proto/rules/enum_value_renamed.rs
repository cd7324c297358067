use super::ProtoContext;
use crate::proto::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// An enum value number whose name changed (adding an alias is fine: every N-1 name must
    /// still name the number).
    ///
    /// ## Why it breaks N-1 or rollback
    /// JSON carries enum values by name: N-1 clients send and expect the old name, and N rejects
    /// it. Generated code of N-1 uses the old constant.
    ///
    /// Corresponds to `buf breaking`'s `ENUM_VALUE_SAME_NAME` (FILE, PACKAGE, WIRE_JSON).
    ///
    /// ## Example
    /// ```proto title="N-1: acme/v1/status.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// enum Status { STATUS_UNSPECIFIED = 0; STATUS_ACTIVE = 1; }
    /// ```
    /// ```proto title="N: acme/v1/status.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// enum Status { STATUS_UNSPECIFIED = 0; STATUS_ENABLED = 1; }
    /// ```
    ///
    /// ## Use instead
    /// Add the new name as an alias (`option allow_alias = true;`) and keep the old one.
    /// ```proto title="N: acme/v1/status.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// enum Status { option allow_alias = true; STATUS_UNSPECIFIED = 0; STATUS_ACTIVE = 1; STATUS_ENABLED = 1; }
    /// ```
    pub static PROTO_ENUM_VALUE_RENAMED = ("proto-enum-value-renamed", Error, "An enum value is renamed");
}

pub(crate) fn check(cx: &ProtoContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::EnumValueRenamed { enumeration, number, old, new } = &change.kind else { continue };
        let message = format!(
            "value {number} of enum {enumeration} is renamed from {} to {}: JSON clients and code of release {} still use {}",
            old.join(", "),
            new.join(", "),
            cx.baseline,
            old.join(", ")
        );
        let help = "keep the old name and add the new one as an alias (`option allow_alias = true;`)".to_string();
        if let Some(mut f) = cx.emit(&PROTO_ENUM_VALUE_RENAMED, change, "ENUM_VALUE_SAME_NAME", message, "renamed here", help) {
            f.object = Some(format!("{enumeration}.{}", old.first().map_or("", String::as_str)));
            out.push(f);
        }
    }
}
