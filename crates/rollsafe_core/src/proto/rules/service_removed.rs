use super::ProtoContext;
use crate::proto::diff::Declaration;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A service of the previous release (N-1) that is gone: deleted from the file that declared
    /// it (FILE), or from its package altogether (PACKAGE). A nested declaration is reported at
    /// the enclosing message that is still there, else at the file.
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1 clients keep calling it: every call fails with UNIMPLEMENTED once N serves, and their generated stubs no longer build against N.
    ///
    /// Corresponds to `buf breaking`'s `SERVICE_NO_DELETE` (FILE) and `PACKAGE_SERVICE_NO_DELETE` (PACKAGE).
    ///
    /// ## Example
    /// ```proto title="N-1: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message Req {}
    /// service Users { rpc Get (Req) returns (Req); }
    /// ```
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message Req {}
    /// ```
    ///
    /// ## Use instead
    /// Deprecate it, and delete it in a later release once no deployed client uses it.
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message Req {}
    /// service Users { option deprecated = true; rpc Get (Req) returns (Req); }
    /// ```
    pub static PROTO_SERVICE_REMOVED = ("proto-service-removed", Error, "A service N-1 calls is deleted");
}

pub(crate) fn check(cx: &ProtoContext<'_>, out: &mut Vec<Finding>) {
    super::declaration_removed(cx, out, &PROTO_SERVICE_REMOVED, Declaration::Service, ["SERVICE_NO_DELETE", "PACKAGE_SERVICE_NO_DELETE"]);
}
