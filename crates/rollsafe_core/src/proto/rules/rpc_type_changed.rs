use super::ProtoContext;
use crate::proto::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A method whose request or response message type changed.
    ///
    /// ## Why it breaks N-1 or rollback
    /// N-1 clients keep sending the old request and expecting the old response: the server parses
    /// one message type as another.
    ///
    /// Corresponds to `buf breaking`'s `RPC_SAME_REQUEST_TYPE` and `RPC_SAME_RESPONSE_TYPE` (every
    /// category).
    ///
    /// ## Example
    /// ```proto title="N-1: acme/v1/users.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message GetUserRequest { int64 id = 1; }
    /// message User { string name = 1; }
    /// message UserV2 { string name = 1; }
    /// service Users { rpc Get (GetUserRequest) returns (User); }
    /// ```
    /// ```proto title="N: acme/v1/users.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message GetUserRequest { int64 id = 1; }
    /// message User { string name = 1; }
    /// message UserV2 { string name = 1; }
    /// service Users { rpc Get (GetUserRequest) returns (UserV2); }
    /// ```
    ///
    /// ## Use instead
    /// Add a method with the new types.
    /// ```proto title="N: acme/v1/users.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message GetUserRequest { int64 id = 1; }
    /// message User { string name = 1; }
    /// message UserV2 { string name = 1; }
    /// service Users { rpc Get (GetUserRequest) returns (User); rpc GetV2 (GetUserRequest) returns (UserV2); }
    /// ```
    pub static PROTO_RPC_TYPE_CHANGED = ("proto-rpc-type-changed", Error, "A method's request or response type changes");
}

pub(crate) fn check(cx: &ProtoContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::RpcTypeChanged { service, rpc, request, old, new } = &change.kind else { continue };
        let which = if *request { "request" } else { "response" };
        let message =
            format!("rpc {service}.{rpc} changes its {which} type from {old} to {new}: clients of release {} still use {old}", cx.baseline);
        let help = "add a new method with the new types and keep the old one until no deployed client calls it".to_string();
        let peer = if *request { "RPC_SAME_REQUEST_TYPE" } else { "RPC_SAME_RESPONSE_TYPE" };
        if let Some(mut f) = cx.emit(&PROTO_RPC_TYPE_CHANGED, change, peer, message, "type changed here", help) {
            f.object = Some(format!("{service}.{rpc}"));
            out.push(f);
        }
    }
}
