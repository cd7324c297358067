//! The starter `rollsafe.toml` that `rollsafe init` writes: every setting commented out (what
//! rollsafe found works without them), each format's section saying what it found in the
//! working tree, and the JSON Schema named for editors (taplo's `#:schema` line).

use crate::analysis::Analysis;
use crate::registry::FORMATS;

/// Where the configuration's JSON Schema is published (`cargo xtask config-schema` writes it).
pub const SCHEMA_URL: &str = "https://raw.githubusercontent.com/rollsafe/rollsafe/main/docs/rollsafe.schema.json";

/// The starter configuration for the working tree of `analysis`. `baseline` says which release
/// rollsafe would compare with, or why it could not tell (one line).
pub fn starter_config(analysis: &Analysis, baseline: &str) -> String {
    let sections: Vec<(bool, String)> = analysis.query(|db, ws| {
        FORMATS.iter().filter_map(|format| (format.starter)(db, ws).map(|s| (format.checks_earlier_releases, s))).collect()
    });
    let mut out = format!(
        "#:schema {SCHEMA_URL}\n\
         # rollsafe.toml, written by `rollsafe init` (rollsafe {}). Every setting is optional and\n\
         # commented out: rollsafe works with what it found. Uncomment what you need; `rollsafe check`\n\
         # reports an unknown key or a bad value with its line.\n\n",
        env!("CARGO_PKG_VERSION")
    );
    out.push_str("# N-1, the release each change is checked against.\n");
    for line in baseline.split("; ") {
        out.push_str(&format!("# {line}\n"));
    }
    out.push_str("# baseline = \"v1.4.0\"            # a git revision or a folder; default: the newest release tag\n");
    out.push_str("# release-tags = \"v*\"            # which tags are releases; default: version-like tags, no pre-releases\n");
    out.push_str("# exclude = [\"vendor/**\"]        # paths never analysed\n");
    if sections.is_empty() {
        out.push_str("\n# rollsafe found no migration history, schema file, .proto file or contract to check here.\n");
    }
    for (_, section) in &sections {
        out.push('\n');
        out.push_str(section);
    }
    if sections.iter().any(|(contract, _)| *contract) {
        out.push_str(
            "\n# Message contracts: the compatibility they keep, as schema registries name it\n\
             # [contracts]\n\
             # compat = \"full\"                # backward | forward | full (default), each also *-transitive\n\
             # profile = \"strict\"             # JSON Schema's open objects: strict (default) | lenient\n\
             # [contracts.paths.\"events/**\"]  # per path; the longest matching glob wins\n\
             # compat = \"backward-transitive\"\n",
        );
    }
    out.push_str(
        "\n# Severity overrides: \"error\" | \"warning\" | \"info\" | \"off\" (`rollsafe rules` lists the rules)\n\
         # [rules]\n\
         # column-type-widened = \"off\"\n\
         \n\
         # Accepted findings, each with its reason; `expires` ends the acceptance at a release\n\
         # [[allow]]\n\
         # rule = \"column-removed\"\n\
         # object = \"public.users.legacy_flag\"\n\
         # reason = \"nothing has read legacy_flag since v1.2\"\n\
         # expires = \"v2.0.0\"\n",
    );
    out
}
