//! Which `buf breaking` rules are selected: categories FILE (the default), PACKAGE, WIRE_JSON and
//! WIRE, as `rollsafe.toml`'s `[protobuf] category` names one, or as a `buf.yaml`'s `breaking`
//! section selects them (`use`, `except`, `ignore`, `ignore_only`, `ignore_unstable_packages`).
//!
//! rollsafe reports each finding under the buf rule it corresponds to ([`Finding::peer_rule`]), so
//! the selection is buf's own: a project moving from `buf breaking` keeps its configuration.
//!
//! [`Finding::peer_rule`]: rollsafe_diagnostics::Finding::peer_rule

use rollsafe_proto::buf_config::Breaking;
use std::collections::BTreeSet;

const F: u8 = 1;
const P: u8 = 2;
const J: u8 = 4;
const W: u8 = 8;

/// buf's breaking rules with their categories, and whether each exists in buf.yaml v1 and v2.
pub const BUF_RULES: &[(&str, u8, bool, bool)] = &[
    ("ENUM_NO_DELETE", F, true, true),
    ("ENUM_SAME_JSON_FORMAT", F | P | J, true, true),
    ("ENUM_SAME_TYPE", F | P, true, true),
    ("ENUM_VALUE_NO_DELETE", F | P, true, true),
    ("ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED", J, true, true),
    ("ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED", J | W, true, true),
    ("ENUM_VALUE_SAME_NAME", F | P | J, true, true),
    ("EXTENSION_MESSAGE_NO_DELETE", F | P, true, true),
    ("EXTENSION_NO_DELETE", F, false, true),
    ("FIELD_NO_DELETE", F | P, true, true),
    ("FIELD_NO_DELETE_UNLESS_NAME_RESERVED", J, true, true),
    ("FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED", J | W, true, true),
    ("FIELD_SAME_CARDINALITY", F | P, true, true),
    ("FIELD_SAME_CPP_STRING_TYPE", F | P, true, true),
    ("FIELD_SAME_DEFAULT", F | P | J | W, false, true),
    ("FIELD_SAME_JAVA_UTF8_VALIDATION", F | P, true, true),
    ("FIELD_SAME_JSON_NAME", F | P | J, true, true),
    ("FIELD_SAME_JSTYPE", F | P, true, true),
    ("FIELD_SAME_NAME", F | P | J, true, true),
    ("FIELD_SAME_ONEOF", F | P | J | W, true, true),
    ("FIELD_SAME_TYPE", F | P, true, true),
    ("FIELD_SAME_UTF8_VALIDATION", F | P, true, true),
    ("FIELD_WIRE_COMPATIBLE_CARDINALITY", W, true, true),
    ("FIELD_WIRE_COMPATIBLE_TYPE", W, true, true),
    ("FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY", J, true, true),
    ("FIELD_WIRE_JSON_COMPATIBLE_TYPE", J, true, true),
    ("FILE_NO_DELETE", F, true, true),
    ("FILE_SAME_CC_ENABLE_ARENAS", F | P, true, true),
    ("FILE_SAME_CC_GENERIC_SERVICES", F | P, true, true),
    ("FILE_SAME_CSHARP_NAMESPACE", F | P, true, true),
    ("FILE_SAME_GO_PACKAGE", F | P, true, true),
    ("FILE_SAME_JAVA_GENERIC_SERVICES", F | P, true, true),
    ("FILE_SAME_JAVA_MULTIPLE_FILES", F | P, true, true),
    ("FILE_SAME_JAVA_OUTER_CLASSNAME", F | P, true, true),
    ("FILE_SAME_JAVA_PACKAGE", F | P, true, true),
    ("FILE_SAME_OBJC_CLASS_PREFIX", F | P, true, true),
    ("FILE_SAME_OPTIMIZE_FOR", F | P, true, true),
    ("FILE_SAME_PACKAGE", F | P | J | W, true, true),
    ("FILE_SAME_PHP_CLASS_PREFIX", F | P, true, true),
    ("FILE_SAME_PHP_METADATA_NAMESPACE", F | P, true, true),
    ("FILE_SAME_PHP_NAMESPACE", F | P, true, true),
    ("FILE_SAME_PY_GENERIC_SERVICES", F | P, true, true),
    ("FILE_SAME_RUBY_PACKAGE", F | P, true, true),
    ("FILE_SAME_SWIFT_PREFIX", F | P, true, true),
    ("FILE_SAME_SYNTAX", F | P, true, true),
    ("MESSAGE_NO_DELETE", F, true, true),
    ("MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR", F | P, true, true),
    ("MESSAGE_SAME_JSON_FORMAT", F | P | J, true, true),
    ("MESSAGE_SAME_REQUIRED_FIELDS", F | P | J | W, true, true),
    ("ONEOF_NO_DELETE", F | P, true, true),
    ("PACKAGE_ENUM_NO_DELETE", P, true, true),
    ("PACKAGE_EXTENSION_NO_DELETE", P, false, true),
    ("PACKAGE_MESSAGE_NO_DELETE", P, true, true),
    ("PACKAGE_NO_DELETE", P, true, true),
    ("PACKAGE_SERVICE_NO_DELETE", P, true, true),
    ("RESERVED_ENUM_NO_DELETE", F | P | J | W, true, true),
    ("RESERVED_MESSAGE_NO_DELETE", F | P | J | W, true, true),
    ("RPC_NO_DELETE", F | P, true, true),
    ("RPC_SAME_CLIENT_STREAMING", F | P | J | W, true, true),
    ("RPC_SAME_IDEMPOTENCY_LEVEL", F | P | J | W, true, true),
    ("RPC_SAME_REQUEST_TYPE", F | P | J | W, true, true),
    ("RPC_SAME_RESPONSE_TYPE", F | P | J | W, true, true),
    ("RPC_SAME_SERVER_STREAMING", F | P | J | W, true, true),
    ("SERVICE_NO_DELETE", F, true, true),
];

fn category_bit(name: &str) -> Option<u8> {
    match name {
        "FILE" => Some(F),
        "PACKAGE" => Some(P),
        "WIRE_JSON" => Some(J),
        "WIRE" => Some(W),
        _ => None,
    }
}

/// The buf rules in effect for a module, and what its configuration ignores.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    pub rules: BTreeSet<&'static str>,
    /// Paths (import paths, or workspace paths for buf.yaml v2) whose findings are dropped.
    pub ignore: Vec<String>,
    pub ignore_only: Vec<(String, Vec<String>)>,
    pub ignore_unstable_packages: bool,
}

impl Selection {
    /// `category` from `rollsafe.toml` wins; else the module's `buf.yaml` (`version` v1 or v2);
    /// else FILE with every rule buf has in v2 (the newest, most complete set).
    pub fn new(category: Option<&str>, buf: Option<(&str, &Breaking)>) -> Selection {
        let v1 = buf.is_some_and(|(version, _)| version != "v2");
        let in_version = |r: &(&str, u8, bool, bool)| if v1 { r.2 } else { r.3 };
        let expand = |names: &[String]| -> BTreeSet<&'static str> {
            let mut out = BTreeSet::new();
            for name in names {
                match category_bit(name) {
                    Some(bit) => out.extend(BUF_RULES.iter().filter(|r| r.1 & bit != 0 && in_version(r)).map(|r| r.0)),
                    None => out.extend(BUF_RULES.iter().filter(|r| r.0 == name).map(|r| r.0)),
                }
            }
            out
        };
        if let Some(category) = category {
            let mut s = Selection::default_for(&expand(&[category.to_string()]));
            if let Some((_, b)) = buf {
                s.with_ignores(b);
            }
            return s;
        }
        match buf {
            Some((_, breaking)) => {
                let used = if breaking.use_.is_empty() { vec!["FILE".to_string()] } else { breaking.use_.clone() };
                let except = expand(&breaking.except);
                let rules = expand(&used).into_iter().filter(|r| !except.contains(r)).collect();
                let mut s = Selection::default_for(&rules);
                s.with_ignores(breaking);
                s
            }
            None => Selection::default_for(&expand(&["FILE".to_string()])),
        }
    }

    fn default_for(rules: &BTreeSet<&'static str>) -> Selection {
        Selection { rules: rules.clone(), ignore: Vec::new(), ignore_only: Vec::new(), ignore_unstable_packages: false }
    }

    fn with_ignores(&mut self, b: &Breaking) {
        self.ignore = b.ignore.clone();
        self.ignore_only = b.ignore_only.clone();
        self.ignore_unstable_packages = b.ignore_unstable_packages;
    }

    pub fn enabled(&self, peer: &str) -> bool {
        self.rules.contains(peer)
    }

    /// Whether a finding of `peer` about these files (paths as the ignore lists name them) and
    /// this package is ignored by the configuration.
    pub fn ignored(&self, peer: &str, paths: &[&str], package: &str) -> bool {
        let under =
            |list: &[String]| list.iter().any(|i| paths.iter().any(|p| *p == i || p.starts_with(&format!("{}/", i.trim_end_matches('/')))));
        if under(&self.ignore) {
            return true;
        }
        let in_category = |key: &str| match category_bit(key) {
            Some(bit) => BUF_RULES.iter().any(|r| r.0 == peer && r.1 & bit != 0),
            None => key == peer,
        };
        if self.ignore_only.iter().any(|(key, list)| in_category(key) && under(list)) {
            return true;
        }
        self.ignore_unstable_packages && is_unstable(package)
    }
}

/// `foo.v1alpha1`, `foo.v1beta`, `foo.v2test`, `foo.v1p1alpha1`: a package whose last part is
/// an unstable version.
pub fn is_unstable(package: &str) -> bool {
    let last = package.rsplit('.').next().unwrap_or("");
    let Some(rest) = last.strip_prefix('v') else { return false };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return false;
    }
    let mut rest = &rest[digits..];
    if let Some(after_p) = rest.strip_prefix('p') {
        let n = after_p.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &after_p[n..];
    }
    for word in ["alpha", "beta"] {
        if let Some(after) = rest.strip_prefix(word) {
            return after.bytes().all(|b| b.is_ascii_digit());
        }
    }
    rest.starts_with("test")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_select_buf_rules() {
        let file = Selection::new(None, None);
        assert!(file.enabled("FIELD_NO_DELETE") && file.enabled("FIELD_SAME_TYPE") && !file.enabled("FIELD_WIRE_COMPATIBLE_TYPE"));
        let wire = Selection::new(Some("WIRE"), None);
        assert!(wire.enabled("FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED") && !wire.enabled("FIELD_SAME_NAME"));
        let breaking = Breaking { use_: vec!["WIRE_JSON".into()], except: vec!["FIELD_SAME_JSON_NAME".into()], ..Breaking::default() };
        let from_buf = Selection::new(None, Some(("v2", &breaking)));
        assert!(from_buf.enabled("FIELD_SAME_NAME") && !from_buf.enabled("FIELD_SAME_JSON_NAME"));
        let v1 = Selection::new(None, Some(("v1", &Breaking::default())));
        assert!(!v1.enabled("FIELD_SAME_DEFAULT") && v1.enabled("FIELD_NO_DELETE"));
    }

    #[test]
    fn ignores_and_unstable_packages() {
        let breaking = Breaking {
            ignore: vec!["legacy".into()],
            ignore_only: vec![("WIRE".into(), vec!["a.proto".into()])],
            ignore_unstable_packages: true,
            ..Breaking::default()
        };
        let s = Selection::new(None, Some(("v2", &breaking)));
        assert!(s.ignored("FIELD_NO_DELETE", &["legacy/x.proto"], "x"));
        assert!(s.ignored("FIELD_SAME_ONEOF", &["a.proto"], "x"), "FIELD_SAME_ONEOF is in WIRE");
        assert!(!s.ignored("FIELD_SAME_NAME", &["a.proto"], "x"));
        assert!(s.ignored("FIELD_SAME_NAME", &["b.proto"], "acme.v1beta1"));
        assert!(is_unstable("foo.v1alpha") && is_unstable("foo.v2test") && is_unstable("foo.v1p1beta1"));
        assert!(!is_unstable("foo.v1") && !is_unstable("foo.video"));
    }
}
