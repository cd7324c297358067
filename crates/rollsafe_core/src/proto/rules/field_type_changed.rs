use super::{ProtoContext, field_words};
use crate::proto::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};
use rollsafe_proto::model::Scalar;
use rollsafe_proto::resolve::FieldType;

declare_rule! {
    /// ## What it detects
    /// A field (paired by number) whose type changed: another scalar, another message or enum, or
    /// a scalar for a message.
    ///
    /// ## Why it breaks N-1 or rollback
    /// In FILE and PACKAGE any change breaks the generated code of N-1. On the wire only some do:
    /// `int32`, `int64`, `uint32`, `uint64` and `bool` read each other's varints (values may be
    /// truncated), `sint32`/`sint64`, `fixed32`/`sfixed32` and `fixed64`/`sfixed64` likewise, and
    /// `string` may become `bytes`; any other change makes N-1 readers fail to parse, or misread,
    /// what N writes, and N misread data N-1 wrote. JSON is stricter: only `int32`/`uint32`,
    /// `int64`/`uint64` and the fixed pairs stay compatible.
    ///
    /// Beyond `buf`: when a message or enum is renamed or moved (its type name changes), WIRE and
    /// WIRE_JSON compare the two types field by field, recursively, and report only a real
    /// difference on the wire (or in JSON), not the new name.
    ///
    /// Corresponds to `buf breaking`'s `FIELD_SAME_TYPE` (FILE, PACKAGE),
    /// `FIELD_WIRE_COMPATIBLE_TYPE` (WIRE) and `FIELD_WIRE_JSON_COMPATIBLE_TYPE` (WIRE_JSON).
    ///
    /// ## Example
    /// ```proto title="N-1: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { int64 id = 1; string age = 2; }
    /// ```
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { int64 id = 1; int32 age = 2; }
    /// ```
    ///
    /// ## Use instead
    /// Add a field with the new type and a new number, write both, and retire the old one later.
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { int64 id = 1; string age = 2 [deprecated = true]; int32 age_years = 3; }
    /// ```
    pub static PROTO_FIELD_TYPE_CHANGED = ("proto-field-type-changed", Error, "A field's type changes");
}

/// buf's wire-compatibility groups: types in one group read each other's encoding.
fn wire_group(t: &FieldType) -> u8 {
    match t {
        FieldType::Scalar(s) => match s {
            Scalar::Int32 | Scalar::Int64 | Scalar::Uint32 | Scalar::Uint64 | Scalar::Bool => 1,
            Scalar::Sint32 | Scalar::Sint64 => 2,
            Scalar::String => 3,
            Scalar::Bytes => 4,
            Scalar::Fixed32 | Scalar::Sfixed32 => 5,
            Scalar::Fixed64 | Scalar::Sfixed64 => 6,
            Scalar::Double => 7,
            Scalar::Float => 8,
        },
        FieldType::Message { delimited: true, .. } => 9,
        FieldType::Message { .. } => 10,
        FieldType::Enum(_) => 11,
        FieldType::Unresolved(_) => 12,
    }
}

/// buf's wire-and-JSON groups.
fn json_group(t: &FieldType) -> u8 {
    match t {
        FieldType::Scalar(s) => match s {
            Scalar::Int32 | Scalar::Uint32 => 1,
            Scalar::Int64 | Scalar::Uint64 => 2,
            Scalar::Fixed32 | Scalar::Sfixed32 => 3,
            Scalar::Fixed64 | Scalar::Sfixed64 => 4,
            Scalar::Bool => 5,
            Scalar::Sint32 => 6,
            Scalar::Sint64 => 7,
            Scalar::String => 8,
            Scalar::Bytes => 9,
            Scalar::Double => 10,
            Scalar::Float => 11,
        },
        other => 11 + wire_group(other),
    }
}

pub(crate) fn check(cx: &ProtoContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::FieldTypeChanged { field, old, new, same_shape } = &change.kind else { continue };
        let what = field_words(field);
        let (from, to) = (old.display(), new.display());
        let help = format!(
            "add a field with the new type under a new number, write both, switch readers, and retire field {} in a later release",
            field.number
        );
        let named = |t: &FieldType| matches!(t, FieldType::Message { .. } | FieldType::Enum(_));
        let renamed_type = named(old) && named(new) && old.kind() == new.kind();
        let mut variants = vec![(
            "FIELD_SAME_TYPE",
            true,
            format!("{what} changes type from {from} to {to}: generated code of release {} no longer builds against it", cx.baseline),
        )];
        // Same group but another message or enum: compared by structure (beyond buf).
        let wire_breaks = if renamed_type {
            same_shape.is_some_and(|s| !s.wire) || same_shape.is_none()
        } else {
            wire_group(old) != wire_group(new) && !(*old == FieldType::Scalar(Scalar::String) && *new == FieldType::Scalar(Scalar::Bytes))
        };
        let json_breaks =
            if renamed_type { same_shape.is_some_and(|s| !s.json) || same_shape.is_none() } else { json_group(old) != json_group(new) };
        let utf8 = if *old == FieldType::Scalar(Scalar::Bytes) && *new == FieldType::Scalar(Scalar::String) {
            "; bytes N-1 wrote that are not valid UTF-8 fail to parse as string"
        } else {
            ""
        };
        variants.push((
            "FIELD_WIRE_COMPATIBLE_TYPE",
            wire_breaks,
            format!("{what} changes type from {from} to {to}, which release {} reads differently on the wire{utf8}", cx.baseline),
        ));
        variants.push((
            "FIELD_WIRE_JSON_COMPATIBLE_TYPE",
            json_breaks,
            format!(
                "{what} changes type from {from} to {to}, which release {} reads differently on the wire or in JSON{utf8}",
                cx.baseline
            ),
        ));
        for (peer, applies, message) in variants {
            if applies && let Some(mut f) = cx.emit(&PROTO_FIELD_TYPE_CHANGED, change, peer, message, "type changed here", help.clone()) {
                f.object = Some(format!("{}.{}", field.message, field.name));
                out.push(f);
            }
        }
    }
}
