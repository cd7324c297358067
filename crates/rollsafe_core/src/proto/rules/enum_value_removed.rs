use super::ProtoContext;
use crate::proto::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// An enum value number of the previous release (N-1) that no value of the enum has any more.
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1 still sends the value: N reads it as an unknown number (an open enum) or drops it into
    /// unknown fields (a closed enum), and its generated code no longer has the constant. In the
    /// WIRE categories a deletion is safe once the number is reserved (WIRE_JSON: the names too,
    /// since JSON carries names).
    ///
    /// Corresponds to `buf breaking`'s `ENUM_VALUE_NO_DELETE` (FILE, PACKAGE),
    /// `ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED` (WIRE, WIRE_JSON) and
    /// `ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED` (WIRE_JSON).
    ///
    /// ## Example
    /// ```proto title="N-1: acme/v1/status.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// enum Status { STATUS_UNSPECIFIED = 0; STATUS_ACTIVE = 1; STATUS_BANNED = 2; }
    /// ```
    /// ```proto title="N: acme/v1/status.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// enum Status { STATUS_UNSPECIFIED = 0; STATUS_ACTIVE = 1; }
    /// ```
    ///
    /// ## Use instead
    /// Deprecate the value and keep it until no deployed code sends it.
    /// ```proto title="N: acme/v1/status.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// enum Status { STATUS_UNSPECIFIED = 0; STATUS_ACTIVE = 1; STATUS_BANNED = 2 [deprecated = true]; }
    /// ```
    pub static PROTO_ENUM_VALUE_REMOVED = ("proto-enum-value-removed", Error, "An enum value N-1 sends is deleted");
}

pub(crate) fn check(cx: &ProtoContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::EnumValueRemoved { enumeration, number, names, number_reserved, names_reserved } = &change.kind else { continue };
        let shown = names.join(", ");
        let what = format!("value {shown} ({number}) of enum {enumeration}");
        let help = format!(
            "deprecate the value and delete it in a later release; when you delete it, reserve it: `reserved {number};` and `reserved {};`",
            names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
        );
        let variants = [
            (
                "ENUM_VALUE_NO_DELETE",
                true,
                format!("{what} is deleted: release {} still sends it and its generated code uses it", cx.baseline),
            ),
            (
                "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED",
                !number_reserved,
                format!(
                    "{what} is deleted without reserving number {number}: a value that reuses it means something else to release {}",
                    cx.baseline
                ),
            ),
            (
                "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED",
                !names_reserved,
                format!(
                    "{what} is deleted without reserving its name: a value that reuses it means something else to JSON clients of release {}",
                    cx.baseline
                ),
            ),
        ];
        for (peer, applies, message) in variants {
            if applies
                && let Some(mut f) = cx.emit(&PROTO_ENUM_VALUE_REMOVED, change, peer, message, "deleted from this enum", help.clone())
            {
                f.object = Some(format!("{enumeration}.{}", names.first().map_or("", String::as_str)));
                out.push(f);
            }
        }
    }
}
