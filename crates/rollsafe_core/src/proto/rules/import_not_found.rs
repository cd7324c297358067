use rollsafe_diagnostics::{Finding, Location, declare_rule};

declare_rule! {
    /// ## What it detects
    /// An import, new in this release, of a file the tree does not hold and that is not a
    /// well-known type: usually a dependency the project takes from a registry
    /// (`google/api/annotations.proto`, `validate/validate.proto`).
    ///
    /// ## Why it matters
    /// The check goes on: what the file defines is compared by the names it is used with. A type
    /// from it that changes shape while keeping its name is not seen. One note per import says so.
    ///
    /// ## Example
    /// ```proto title="N-1: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { int64 id = 1; }
    /// ```
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// import "google/type/date.proto";
    /// message User { int64 id = 1; google.type.Date birthday = 2; }
    /// ```
    ///
    /// ## Use instead
    /// Vendor the dependency into the tree (or name its folder in `[protobuf] roots`).
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// import "google/protobuf/timestamp.proto";
    /// message User { int64 id = 1; google.protobuf.Timestamp birthday = 2; }
    /// ```
    pub static PROTO_IMPORT_NOT_FOUND = ("proto-import-not-found", Info, "An import the tree does not hold");
}

pub(crate) fn finding(at: Location, what: &str) -> Finding {
    Finding::new(PROTO_IMPORT_NOT_FOUND.id, PROTO_IMPORT_NOT_FOUND.severity, what.to_string(), at, "not in this tree")
        .help("vendor the dependency into the tree, or name the folder that holds it in [protobuf] roots")
}
