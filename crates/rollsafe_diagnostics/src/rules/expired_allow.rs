use crate::declare_rule;

declare_rule! {
    /// ## What it detects
    /// An `[[allow]]` entry of `rollsafe.toml` whose `expires` release has shipped: the baseline
    /// (N-1) is that release or a later one. The entry no longer accepts anything, so the findings
    /// it accepted are reported again, and the entry itself is reported at its place in the file.
    ///
    /// ## Why it matters
    /// An accepted incompatibility is a debt with a date: "no consumer reads this field once v2.0
    /// is out". When the date passes unnoticed, the exception outlives its reason and hides the same
    /// mistake made again.
    ///
    /// ## Example
    /// ```toml title="N: rollsafe.toml"
    /// [[allow]]
    /// rule = "unused-suppression"
    /// reason = "kept while the v1 consumers are retired"
    /// expires = "v1.3.0"
    /// ```
    ///
    /// ## Use instead
    /// Remove the entry once its reason is gone, or extend it to a later release, with the reason.
    /// ```toml title="N: rollsafe.toml"
    /// [[allow]]
    /// rule = "unused-suppression"
    /// reason = "kept while the v1 consumers are retired"
    /// expires = "v1.6.0"
    /// ```
    pub static EXPIRED_ALLOW = ("expired-allow", Warning, "An allow-list entry whose release has shipped", [AboutSuppression]);
}
