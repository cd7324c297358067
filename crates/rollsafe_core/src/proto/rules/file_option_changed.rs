use super::ProtoContext;
use crate::proto::diff::ChangeKind;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A file option that decides where and how code is generated changed: `go_package`,
    /// `java_package`, `java_outer_classname`, `java_multiple_files`, `csharp_namespace`,
    /// `objc_class_prefix`, `php_namespace`, `php_class_prefix`, `php_metadata_namespace`,
    /// `ruby_package`, `swift_prefix`, `optimize_for`, `cc_enable_arenas` and the
    /// `*_generic_services` options.
    ///
    /// ## Why it breaks N-1 or rollback
    /// The wire does not change, but generated code moves: code written against N-1's generated
    /// packages and classes no longer builds against N.
    ///
    /// Corresponds to `buf breaking`'s `FILE_SAME_GO_PACKAGE`, `FILE_SAME_JAVA_PACKAGE` and the
    /// other `FILE_SAME_<OPTION>` rules (FILE, PACKAGE).
    ///
    /// ## Example
    /// ```proto title="N-1: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// option go_package = "example.com/acme/v1";
    /// message User { string name = 1; }
    /// ```
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// option go_package = "example.com/acme/v1;acmev1";
    /// message User { string name = 1; }
    /// ```
    ///
    /// ## Use instead
    /// Keep the option; put code that must move into a new package.
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// option go_package = "example.com/acme/v1";
    /// message User { string name = 1; string email = 2; }
    /// ```
    pub static PROTO_FILE_OPTION_CHANGED = ("proto-file-option-changed", Warning, "A file option that places generated code changes");
}

pub(crate) fn check(cx: &ProtoContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::FileOptionChanged { file, option, old, new } = &change.kind else { continue };
        let shown = |v: &str| if v.is_empty() { "unset".to_string() } else { format!("\"{v}\"") };
        let message = format!(
            "{file} changes option {option} from {} to {}: code written against what release {} generated no longer builds",
            shown(old),
            shown(new),
            cx.baseline
        );
        let help = format!("keep {option} as it was; generate code for a new place from a new package");
        let peer = peer(option);
        if let Some(mut f) = cx.emit(&PROTO_FILE_OPTION_CHANGED, change, peer, message, "option changed here", help) {
            f.object = Some(format!("{file}:{option}"));
            out.push(f);
        }
    }
}

/// buf's rule for each file option.
fn peer(option: &str) -> &'static str {
    match option {
        "cc_enable_arenas" => "FILE_SAME_CC_ENABLE_ARENAS",
        "cc_generic_services" => "FILE_SAME_CC_GENERIC_SERVICES",
        "csharp_namespace" => "FILE_SAME_CSHARP_NAMESPACE",
        "go_package" => "FILE_SAME_GO_PACKAGE",
        "java_generic_services" => "FILE_SAME_JAVA_GENERIC_SERVICES",
        "java_multiple_files" => "FILE_SAME_JAVA_MULTIPLE_FILES",
        "java_outer_classname" => "FILE_SAME_JAVA_OUTER_CLASSNAME",
        "java_package" => "FILE_SAME_JAVA_PACKAGE",
        "objc_class_prefix" => "FILE_SAME_OBJC_CLASS_PREFIX",
        "optimize_for" => "FILE_SAME_OPTIMIZE_FOR",
        "php_class_prefix" => "FILE_SAME_PHP_CLASS_PREFIX",
        "php_metadata_namespace" => "FILE_SAME_PHP_METADATA_NAMESPACE",
        "php_namespace" => "FILE_SAME_PHP_NAMESPACE",
        "py_generic_services" => "FILE_SAME_PY_GENERIC_SERVICES",
        "ruby_package" => "FILE_SAME_RUBY_PACKAGE",
        _ => "FILE_SAME_SWIFT_PREFIX",
    }
}
