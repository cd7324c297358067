use super::ProtoContext;
use crate::proto::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A file whose syntax changed between proto2, proto3 and editions.
    ///
    /// ## Why it breaks N-1 or rollback
    /// The syntax decides field presence, enum openness, default values, UTF-8 checks and JSON
    /// support: the same bytes read differently, and generated code changes shape.
    ///
    /// Corresponds to `buf breaking`'s `FILE_SAME_SYNTAX` (FILE, PACKAGE).
    ///
    /// ## Example
    /// ```proto title="N-1: acme/v1/user.proto"
    /// syntax = "proto2";
    /// package acme.v1;
    /// message User { optional string name = 1; }
    /// ```
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { optional string name = 1; }
    /// ```
    ///
    /// ## Use instead
    /// Keep the file's syntax; write new files in the new one.
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto2";
    /// package acme.v1;
    /// message User { optional string name = 1; optional string email = 2; }
    /// ```
    pub static PROTO_SYNTAX_CHANGED = ("proto-syntax-changed", Error, "A file's syntax changes");
}

pub(crate) fn check(cx: &ProtoContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::SyntaxChanged { file, old, new } = &change.kind else { continue };
        let message =
            format!("{file} changes from {old} to {new}: presence, defaults and enums read differently than in release {}", cx.baseline);
        let help = "keep the file's syntax; write new files in the new syntax".to_string();
        if let Some(mut f) = cx.emit(&PROTO_SYNTAX_CHANGED, change, "FILE_SAME_SYNTAX", message, "syntax changed here", help) {
            f.object = Some(file.clone());
            out.push(f);
        }
    }
}
