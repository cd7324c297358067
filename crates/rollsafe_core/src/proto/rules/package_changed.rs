use super::ProtoContext;
use crate::proto::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A file (paired by path) whose `package` changed.
    ///
    /// ## Why it breaks N-1 or rollback
    /// Every type of the file gets a new full name: N-1 clients that name them (in `Any`, in
    /// gRPC method paths, in JSON type URLs) and N-1's generated code no longer find them.
    ///
    /// Corresponds to `buf breaking`'s `FILE_SAME_PACKAGE` (every category).
    ///
    /// ## Example
    /// ```proto title="N-1: acme/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { string name = 1; }
    /// ```
    /// ```proto title="N: acme/user.proto"
    /// syntax = "proto3";
    /// package acme.v2;
    /// message User { string name = 1; }
    /// ```
    ///
    /// ## Use instead
    /// Add a new file in the new package; keep the old one until no client uses it.
    /// ```proto title="N: acme/v2/user.proto"
    /// syntax = "proto3";
    /// package acme.v2;
    /// message User { string name = 1; }
    /// ```
    pub static PROTO_PACKAGE_CHANGED = ("proto-package-changed", Error, "A file's package changes");
}

pub(crate) fn check(cx: &ProtoContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::PackageChanged { file, old, new } = &change.kind else { continue };
        let shown = |p: &str| if p.is_empty() { "no package".to_string() } else { p.to_string() };
        let message = format!(
            "{file} moves from package {} to {}: every type in it gets a new name that release {} does not know",
            shown(old),
            shown(new),
            cx.baseline
        );
        let help = "keep the file's package; add the new package in new files and migrate clients to it".to_string();
        if let Some(mut f) = cx.emit(&PROTO_PACKAGE_CHANGED, change, "FILE_SAME_PACKAGE", message, "package changed here", help) {
            f.object = Some(file.clone());
            out.push(f);
        }
    }
}
