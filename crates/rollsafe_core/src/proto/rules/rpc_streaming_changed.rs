use super::ProtoContext;
use crate::proto::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A method whose client or server side changed between streaming and unary.
    ///
    /// ## Why it breaks N-1 or rollback
    /// The call's shape changes: N-1 clients' stubs speak the other protocol, and calls fail.
    ///
    /// Corresponds to `buf breaking`'s `RPC_SAME_CLIENT_STREAMING` and `RPC_SAME_SERVER_STREAMING`
    /// (every category).
    ///
    /// ## Example
    /// ```proto title="N-1: acme/v1/users.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message Req {}
    /// service Users { rpc Watch (Req) returns (Req); }
    /// ```
    /// ```proto title="N: acme/v1/users.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message Req {}
    /// service Users { rpc Watch (Req) returns (stream Req); }
    /// ```
    ///
    /// ## Use instead
    /// Add a streaming method beside the unary one.
    /// ```proto title="N: acme/v1/users.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message Req {}
    /// service Users { rpc Watch (Req) returns (Req); rpc WatchStream (Req) returns (stream Req); }
    /// ```
    pub static PROTO_RPC_STREAMING_CHANGED = ("proto-rpc-streaming-changed", Error, "A method changes between streaming and unary");
}

pub(crate) fn check(cx: &ProtoContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::RpcStreamingChanged { service, rpc, client, now_streaming } = &change.kind else { continue };
        let side = if *client { "client" } else { "server" };
        let (from, to) = if *now_streaming { ("unary", "streaming") } else { ("streaming", "unary") };
        let message = format!(
            "rpc {service}.{rpc} changes its {side} side from {from} to {to}: clients of release {} call it the old way",
            cx.baseline
        );
        let help = "add a new method with the other shape and keep the old one until no deployed client calls it".to_string();
        let peer = if *client { "RPC_SAME_CLIENT_STREAMING" } else { "RPC_SAME_SERVER_STREAMING" };
        if let Some(mut f) = cx.emit(&PROTO_RPC_STREAMING_CHANGED, change, peer, message, "changed here", help) {
            f.object = Some(format!("{service}.{rpc}"));
            out.push(f);
        }
    }
}
