use super::ProtoContext;
use crate::proto::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A method whose `idempotency_level` changed.
    ///
    /// ## Why it breaks N-1 or rollback
    /// The level decides whether clients may retry a call or send it as HTTP GET (Connect): N-1
    /// clients retry or cache calls that N no longer treats as safe, or the other way round.
    ///
    /// Corresponds to `buf breaking`'s `RPC_SAME_IDEMPOTENCY_LEVEL` (every category).
    ///
    /// ## Example
    /// ```proto title="N-1: acme/v1/users.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message Req {}
    /// service Users { rpc Get (Req) returns (Req) { option idempotency_level = NO_SIDE_EFFECTS; } }
    /// ```
    /// ```proto title="N: acme/v1/users.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message Req {}
    /// service Users { rpc Get (Req) returns (Req); }
    /// ```
    ///
    /// ## Use instead
    /// Keep the level.
    /// ```proto title="N: acme/v1/users.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message Req {}
    /// service Users { rpc Get (Req) returns (Req) { option idempotency_level = NO_SIDE_EFFECTS; } rpc List (Req) returns (Req); }
    /// ```
    pub static PROTO_RPC_IDEMPOTENCY_CHANGED = ("proto-rpc-idempotency-changed", Warning, "A method's idempotency level changes");
}

pub(crate) fn check(cx: &ProtoContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::RpcIdempotencyChanged { service, rpc, old, new } = &change.kind else { continue };
        let message = format!(
            "rpc {service}.{rpc} changes idempotency_level from {old} to {new}: clients of release {} retry or cache it as before",
            cx.baseline
        );
        let help = "keep the idempotency level; add a new method if its semantics change".to_string();
        if let Some(mut f) = cx.emit(&PROTO_RPC_IDEMPOTENCY_CHANGED, change, "RPC_SAME_IDEMPOTENCY_LEVEL", message, "changed here", help) {
            f.object = Some(format!("{service}.{rpc}"));
            out.push(f);
        }
    }
}
