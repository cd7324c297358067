use super::ProtoContext;
use crate::proto::diff::Declaration;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// An extension of the previous release (N-1) that is gone: deleted from the file that declared
    /// it (FILE), or from its package altogether (PACKAGE). A nested declaration is reported at
    /// the enclosing message that is still there, else at the file.
    ///
    /// ## Why it breaks N-1 or rollback
    /// Code of N-1 that reads or sets the extension stops compiling, and files that use it as a custom option no longer resolve.
    ///
    /// Corresponds to `buf breaking`'s `EXTENSION_NO_DELETE` (FILE) and `PACKAGE_EXTENSION_NO_DELETE` (PACKAGE).
    ///
    /// ## Example
    /// ```proto title="N-1: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// import "google/protobuf/descriptor.proto";
    /// extend google.protobuf.FieldOptions { string column = 50001; }
    /// ```
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// import "google/protobuf/descriptor.proto";
    /// ```
    ///
    /// ## Use instead
    /// Deprecate it, and delete it in a later release once no deployed client uses it.
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// import "google/protobuf/descriptor.proto";
    /// extend google.protobuf.FieldOptions { string column = 50001 [deprecated = true]; }
    /// ```
    pub static PROTO_EXTENSION_REMOVED = ("proto-extension-removed", Error, "An extension N-1 uses is deleted");
}

pub(crate) fn check(cx: &ProtoContext<'_>, out: &mut Vec<Finding>) {
    super::declaration_removed(
        cx,
        out,
        &PROTO_EXTENSION_REMOVED,
        Declaration::Extension,
        ["EXTENSION_NO_DELETE", "PACKAGE_EXTENSION_NO_DELETE"],
    );
}
