use super::{ProtoContext, field_words};
use crate::proto::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};
use rollsafe_proto::resolve::Cardinality;

declare_rule! {
    /// ## What it detects
    /// A field whose cardinality changed: singular with implicit presence, singular with explicit
    /// presence (`optional`), `required`, `repeated`, or `map`.
    ///
    /// ## Why it breaks N-1 or rollback
    /// Generated code changes shape (a value becomes a list, `has_x()` appears or goes). On the
    /// wire, singular fields with and without presence read each other, but `required` and
    /// `repeated` do not: N-1 readers keep only the last of several values, or reject a message
    /// missing a required field. JSON also tells a map from a repeated field.
    ///
    /// Corresponds to `buf breaking`'s `FIELD_SAME_CARDINALITY` (FILE, PACKAGE),
    /// `FIELD_WIRE_COMPATIBLE_CARDINALITY` (WIRE) and `FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY`
    /// (WIRE_JSON).
    ///
    /// ## Example
    /// ```proto title="N-1: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { string email = 1; }
    /// ```
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { repeated string email = 1; }
    /// ```
    ///
    /// ## Use instead
    /// Add a field with the new cardinality under a new number.
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { string email = 1; repeated string emails = 2; }
    /// ```
    pub static PROTO_FIELD_CARDINALITY_CHANGED = ("proto-field-cardinality-changed", Error, "A field's cardinality changes");
}

fn wire_group(c: Cardinality) -> u8 {
    match c {
        Cardinality::OptionalImplicit | Cardinality::OptionalExplicit => 1,
        Cardinality::Required => 2,
        Cardinality::Repeated | Cardinality::Map => 3,
    }
}

fn json_group(c: Cardinality) -> u8 {
    match c {
        Cardinality::Map => 4,
        other => wire_group(other),
    }
}

pub(crate) fn check(cx: &ProtoContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::FieldCardinalityChanged { field, old, new } = &change.kind else { continue };
        let what = field_words(field);
        let (from, to) = (old.describe(), new.describe());
        let help =
            "add a field with the new cardinality under a new number, write both, and retire the old one in a later release".to_string();
        let variants = [
            (
                "FIELD_SAME_CARDINALITY",
                true,
                format!("{what} changes from {from} to {to}: generated code of release {} no longer fits it", cx.baseline),
            ),
            (
                "FIELD_WIRE_COMPATIBLE_CARDINALITY",
                wire_group(*old) != wire_group(*new),
                format!("{what} changes from {from} to {to}, which release {} reads differently on the wire", cx.baseline),
            ),
            (
                "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
                json_group(*old) != json_group(*new),
                format!("{what} changes from {from} to {to}, which release {} reads differently on the wire or in JSON", cx.baseline),
            ),
        ];
        for (peer, applies, message) in variants {
            if applies
                && let Some(mut f) =
                    cx.emit(&PROTO_FIELD_CARDINALITY_CHANGED, change, peer, message, "cardinality changed here", help.clone())
            {
                f.object = Some(format!("{}.{}", field.message, field.name));
                out.push(f);
            }
        }
    }
}
