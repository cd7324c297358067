use super::{ProtoContext, field_words};
use crate::proto::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A field option that decides generated code or validation changed: `jstype` (64-bit
    /// integers as JavaScript numbers or strings), `ctype` (C++ string type; `STRING_PIECE` to
    /// `STRING` is allowed), Java's UTF-8 check (`java_string_check_utf8`), or the UTF-8
    /// validation of string fields (`features.utf8_validation`).
    ///
    /// ## Why it breaks N-1 or rollback
    /// Code of N-1 built against the old accessors no longer compiles (`jstype`, `ctype`), and a
    /// stricter UTF-8 validation makes N reject strings N-1 wrote.
    ///
    /// Corresponds to `buf breaking`'s `FIELD_SAME_JSTYPE`, `FIELD_SAME_CPP_STRING_TYPE`,
    /// `FIELD_SAME_JAVA_UTF8_VALIDATION` and `FIELD_SAME_UTF8_VALIDATION` (FILE, PACKAGE).
    ///
    /// ## Example
    /// ```proto title="N-1: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { int64 id = 1 [jstype = JS_STRING]; }
    /// ```
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { int64 id = 1; }
    /// ```
    ///
    /// ## Use instead
    /// Keep the option; add a new field if the generated type must change.
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { int64 id = 1 [jstype = JS_STRING]; }
    /// ```
    pub static PROTO_FIELD_OPTION_CHANGED = ("proto-field-option-changed", Warning, "A field option that shapes generated code changes");
}

pub(crate) fn check(cx: &ProtoContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::FieldOptionChanged { field, option, old, new } = &change.kind else { continue };
        let peer = match *option {
            "jstype" => "FIELD_SAME_JSTYPE",
            "ctype" => "FIELD_SAME_CPP_STRING_TYPE",
            "Java UTF-8 validation" => "FIELD_SAME_JAVA_UTF8_VALIDATION",
            _ => "FIELD_SAME_UTF8_VALIDATION",
        };
        let message = format!(
            "{} changes {option} from {old} to {new}: code generated for release {} no longer matches it",
            field_words(field),
            cx.baseline
        );
        let help = format!("keep {option} as it was; add a new field if the generated type must change");
        if let Some(mut f) = cx.emit(&PROTO_FIELD_OPTION_CHANGED, change, peer, message, "option changed here", help) {
            f.object = Some(format!("{}.{}", field.message, field.name));
            out.push(f);
        }
    }
}
