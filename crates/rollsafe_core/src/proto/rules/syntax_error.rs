use rollsafe_diagnostics::{Finding, Location, declare_rule};
use rollsafe_proto::SyntaxError;

declare_rule! {
    /// ## What it detects
    /// A declaration of a new or changed `.proto` file that does not parse, or a `buf.yaml` /
    /// `buf.work.yaml` that cannot be read.
    ///
    /// ## Why it matters
    /// What cannot be read cannot be compared: changes in that declaration are not checked. The
    /// rest of the file, and every other file, still are.
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
    /// message User { int64 id = 1; string email = ; }
    /// ```
    ///
    /// ## Use instead
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User { int64 id = 1; string email = 2; }
    /// ```
    pub static PROTO_SYNTAX_ERROR = ("proto-syntax-error", Error, "A .proto file or buf configuration does not parse");
}

pub(crate) fn finding(path: &str, error: &SyntaxError) -> Finding {
    Finding::new(
        PROTO_SYNTAX_ERROR.id,
        PROTO_SYNTAX_ERROR.severity,
        format!("this does not parse ({}): changes in this declaration are not checked", error.message),
        Location::current(path, error.range),
        "not understood",
    )
    .help("fix the syntax; `buf build` or `protoc` shows the same error")
    .peer_rule("COMPILE")
}

pub(crate) fn config_error(at: Location, why: &str) -> Finding {
    let message = format!(
        "this buf configuration cannot be read ({}): its modules and breaking rules are not used",
        rollsafe_text::escape::truncate_chars(why, 200)
    );
    Finding::new(PROTO_SYNTAX_ERROR.id, PROTO_SYNTAX_ERROR.severity, message, at, "not read")
        .help("fix the YAML; `buf build` shows the same error")
}
