use super::ProtoContext;
use crate::proto::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// Reserved numbers or names of a message or enum in the previous release (N-1) that are no
    /// longer reserved.
    ///
    /// ## Why it matters
    /// A reservation is what keeps a deleted field's number from being reused. Once it is gone, a
    /// new field may take the number, and data written by releases that had the old field (still
    /// in queues, stores and caches) is misread as the new one.
    ///
    /// Corresponds to `buf breaking`'s `RESERVED_MESSAGE_NO_DELETE` and `RESERVED_ENUM_NO_DELETE`
    /// (every category).
    ///
    /// ## Example
    /// ```proto title="N-1: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { reserved 2, 3; int64 id = 1; }
    /// ```
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { reserved 2; int64 id = 1; }
    /// ```
    ///
    /// ## Use instead
    /// Keep every reservation; reserve more as fields go.
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { reserved 2 to 4; int64 id = 1; }
    /// ```
    pub static PROTO_RESERVED_REMOVED = ("proto-reserved-removed", Warning, "A reserved number or name is no longer reserved");
}

pub(crate) fn check(cx: &ProtoContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::ReservedRemoved { owner, is_enum, missing, name } = &change.kind else { continue };
        let kind = if *is_enum { "enum" } else { "message" };
        let what = match name {
            Some(n) => format!("reserved name \"{n}\""),
            None => format!("reserved {}", ranges(missing)),
        };
        let text = format!(
            "{what} of {kind} {owner} is no longer reserved: a new element may reuse it and misread data of release {}",
            cx.baseline
        );
        let help = "keep every reservation of earlier releases; reserve more as elements go, never fewer".to_string();
        let peer = if *is_enum { "RESERVED_ENUM_NO_DELETE" } else { "RESERVED_MESSAGE_NO_DELETE" };
        if let Some(mut f) = cx.emit(&PROTO_RESERVED_REMOVED, change, peer, text, "reservation removed here", help) {
            f.object = Some(owner.clone());
            out.push(f);
        }
    }
}

/// `2`, `5 to 7`, `100 to max`.
pub(crate) fn ranges(missing: &[(i64, i64)]) -> String {
    let one = |(s, e): &(i64, i64)| match (s, e) {
        _ if s == e => s.to_string(),
        (_, &rollsafe_proto::MAX_FIELD_NUMBER) => format!("{s} to max"),
        _ => format!("{s} to {e}"),
    };
    let parts: Vec<String> = missing.iter().map(one).collect();
    if parts.len() == 1 && missing[0].0 == missing[0].1 { format!("number {}", parts[0]) } else { format!("numbers {}", parts.join(", ")) }
}
