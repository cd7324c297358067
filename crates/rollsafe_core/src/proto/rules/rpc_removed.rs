use super::ProtoContext;
use crate::proto::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A method (`rpc`) of a service in the previous release (N-1) that is gone from the service.
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1 clients keep calling it: every call fails with UNIMPLEMENTED once N serves, and their
    /// generated stubs no longer build against N.
    ///
    /// Corresponds to `buf breaking`'s `RPC_NO_DELETE` (FILE, PACKAGE).
    ///
    /// ## Example
    /// ```proto title="N-1: acme/v1/users.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message Req {}
    /// service Users { rpc Get (Req) returns (Req); rpc Delete (Req) returns (Req); }
    /// ```
    /// ```proto title="N: acme/v1/users.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message Req {}
    /// service Users { rpc Get (Req) returns (Req); }
    /// ```
    ///
    /// ## Use instead
    /// Deprecate the method and keep serving it until no deployed client calls it.
    /// ```proto title="N: acme/v1/users.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message Req {}
    /// service Users { rpc Get (Req) returns (Req); rpc Delete (Req) returns (Req) { option deprecated = true; } }
    /// ```
    pub static PROTO_RPC_REMOVED = ("proto-rpc-removed", Error, "A method N-1 clients call is deleted");
}

pub(crate) fn check(cx: &ProtoContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::RpcRemoved { service, rpc } = &change.kind else { continue };
        let short = service.rsplit('.').next().unwrap_or(service);
        let text = format!("rpc {short}.{rpc} is deleted: clients of release {} that call it get UNIMPLEMENTED", cx.baseline);
        let help = "deprecate the method (`option deprecated = true;`) and keep serving it until no deployed client calls it".to_string();
        if let Some(mut f) = cx.emit(&PROTO_RPC_REMOVED, change, "RPC_NO_DELETE", text, "deleted from this service", help) {
            f.object = Some(format!("{service}.{rpc}"));
            out.push(f);
        }
    }
}
