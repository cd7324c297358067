use super::ProtoContext;
use crate::proto::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A `.proto` file of the previous release (N-1) that is gone from its module (paired by its
    /// path relative to the module root, the path imports use).
    ///
    /// ## Why it breaks N-1 or rollback
    /// Every file that imports it stops compiling, and the code generated from it disappears for
    /// its users. What it declared may live on elsewhere (then the wire is fine), but the import
    /// path and generated package are gone.
    ///
    /// Corresponds to `buf breaking`'s `FILE_NO_DELETE` (FILE).
    ///
    /// ## Example
    /// ```proto title="N-1: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { int64 id = 1; }
    /// ```
    /// ```proto title="N-1 only: acme/v1/legacy.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message Legacy { int64 id = 1; }
    /// ```
    ///
    /// ## Use instead
    /// Keep the file (its declarations deprecated) until no consumer imports it.
    /// ```proto title="N: acme/v1/legacy.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message Legacy { option deprecated = true; int64 id = 1; }
    /// ```
    pub static PROTO_FILE_REMOVED = ("proto-file-removed", Error, "A .proto file N-1 has is deleted");
}

pub(crate) fn check(cx: &ProtoContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::FileRemoved { file } = &change.kind else { continue };
        let message = format!("{file} is deleted: code that imports it, and the code generated from it for release {}, break", cx.baseline);
        let help =
            "keep the file with its declarations deprecated until no consumer imports it; move declarations by adding them elsewhere first"
                .to_string();
        if let Some(mut f) = cx.emit(&PROTO_FILE_REMOVED, change, "FILE_NO_DELETE", message, "deleted in this release", help) {
            f.object = Some(file.clone());
            out.push(f);
        }
    }
}
