use super::ProtoContext;
use crate::proto::diff::Declaration;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A enum of the previous release (N-1) that is gone: deleted from the file that declared
    /// it (FILE), or from its package altogether (PACKAGE). A nested declaration is reported at
    /// the enclosing message that is still there, else at the file.
    ///
    /// ## Why it breaks N-1 or rollback
    /// Generated code of N-1 that uses the enum stops compiling. An enum moved to another file of the same package is still deleted from its file (FILE), not from the package (PACKAGE).
    ///
    /// Corresponds to `buf breaking`'s `ENUM_NO_DELETE` (FILE) and `PACKAGE_ENUM_NO_DELETE` (PACKAGE).
    ///
    /// ## Example
    /// ```proto title="N-1: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { int64 id = 1; }
    /// enum Kind { KIND_UNSPECIFIED = 0; KIND_A = 1; }
    /// ```
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { int64 id = 1; }
    /// ```
    ///
    /// ## Use instead
    /// Deprecate it, and delete it in a later release once no deployed client uses it.
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { int64 id = 1; }
    /// enum Kind { option deprecated = true; KIND_UNSPECIFIED = 0; KIND_A = 1; }
    /// ```
    pub static PROTO_ENUM_REMOVED = ("proto-enum-removed", Error, "An enum N-1 uses is deleted");
}

pub(crate) fn check(cx: &ProtoContext<'_>, out: &mut Vec<Finding>) {
    super::declaration_removed(cx, out, &PROTO_ENUM_REMOVED, Declaration::Enum, ["ENUM_NO_DELETE", "PACKAGE_ENUM_NO_DELETE"]);
}
