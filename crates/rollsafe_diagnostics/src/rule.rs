//! A rule's identity and documentation, and the macro that declares one.
//!
//! Every rule lives in a file of its own, in the rules folder of its format (or of this crate for
//! the rules about suppressions, which every format shares). Its doc comment is the user
//! documentation (`rollsafe explain RULE`), and what is special about its findings (the fix it
//! offers, how editors show it) is declared there too, not in a table keyed by rule id elsewhere.

use crate::finding::Severity;

/// How front-ends should present a rule's findings, beyond severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tag {
    /// The finding marks text that can simply go (editors fade it).
    Unnecessary,
    /// The finding is about a suppression itself: it cannot be suppressed in source, only accepted
    /// in the configuration or fixed.
    AboutSuppression,
}

/// A rule's identity and documentation.
#[derive(Debug)]
pub struct Rule {
    /// Stable kebab-case id.
    pub id: &'static str,
    pub severity: Severity,
    /// One line for `rollsafe rules`.
    pub summary: &'static str,
    /// The Markdown documentation (the rule file's doc comment).
    pub doc: &'static str,
    pub tags: &'static [Tag],
}

impl Rule {
    /// The rule's documentation page: what `rollsafe explain` prints and `docs/rules/<id>.md` holds.
    pub fn page(&self) -> String {
        let doc: String = self.doc.lines().map(|l| l.strip_prefix(' ').unwrap_or(l)).collect::<Vec<_>>().join("\n");
        format!("# {} ({})\n\n{}\n\n{}\n", self.id, self.severity, self.summary, doc.trim_end())
    }

    pub fn has_tag(&self, tag: Tag) -> bool {
        self.tags.contains(&tag)
    }

    /// Whether an in-source `rollsafe-allow` comment may suppress this rule's findings.
    pub fn suppressible(&self) -> bool {
        !self.has_tag(Tag::AboutSuppression)
    }
}

/// Declares a rule: its doc comment becomes both rustdoc and the text `rollsafe explain` prints.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it detects
///     /// …
///     pub static COLUMN_REMOVED = ("column-removed", Error, "A column N-1 reads or writes is removed");
/// }
/// ```
/// Tags follow the summary: `("unused-suppression", Warning, "…", [Unnecessary, AboutSuppression])`.
#[macro_export]
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])* pub static $name:ident = ($id:literal, $severity:ident, $summary:literal $(, [$($tag:ident),*])?);) => {
        $(#[doc = $doc])*
        // Example blocks carry `title="N-1: path"`, which tests/rule_docs.rs reads; rustdoc does not know it.
        #[allow(rustdoc::invalid_codeblock_attributes)]
        pub static $name: $crate::Rule = $crate::Rule {
            id: $id,
            severity: $crate::Severity::$severity,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
            tags: &[$($($crate::Tag::$tag),*)?],
        };
    };
}
