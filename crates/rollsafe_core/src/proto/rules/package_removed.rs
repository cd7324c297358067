use super::ProtoContext;
use crate::proto::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A package that files of the previous release (N-1) declared and no file declares any more.
    ///
    /// ## Why it breaks N-1 or rollback
    /// Every type of the package disappears under its full name: N-1 clients that send or expect
    /// them (by name in `Any`, in JSON, through reflection, or in generated code) break.
    ///
    /// Corresponds to `buf breaking`'s `PACKAGE_NO_DELETE` (PACKAGE: set `[protobuf] category =
    /// "PACKAGE"`, or `use: [PACKAGE]` in buf.yaml).
    ///
    /// ## Example
    /// ```proto title="N-1: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { int64 id = 1; }
    /// ```
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v2;
    /// message User { int64 id = 1; }
    /// ```
    /// ```toml title="N: rollsafe.toml"
    /// [protobuf]
    /// category = "PACKAGE"
    /// ```
    ///
    /// ## Use instead
    /// Add the new package beside the old one and keep the old one until no client uses it.
    /// ```toml title="N: rollsafe.toml"
    /// [protobuf]
    /// category = "PACKAGE"
    /// ```
    /// ```proto title="N: acme/v2/user.proto"
    /// syntax = "proto3";
    /// package acme.v2;
    /// message User { int64 id = 1; }
    /// ```
    pub static PROTO_PACKAGE_REMOVED = ("proto-package-removed", Error, "A package N-1 declares is gone");
}

pub(crate) fn check(cx: &ProtoContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::PackageRemoved { package } = &change.kind else { continue };
        let message = format!("package {package} is gone: every type of it that clients of release {} use is gone with it", cx.baseline);
        let help = "add the new package beside the old one, migrate clients, and delete the old package in a later release".to_string();
        if let Some(mut f) = cx.emit(&PROTO_PACKAGE_REMOVED, change, "PACKAGE_NO_DELETE", message, "package declared here", help) {
            f.object = Some(package.clone());
            out.push(f);
        }
    }
}
