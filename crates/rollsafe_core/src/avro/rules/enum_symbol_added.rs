use super::{Pair, listed};
use crate::avro::resolution::Incompatibility;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// Symbols added to an enum whose schema in the previous release (N-1) has no `default`, in a
    /// mode that checks FORWARD (`forward`, `full` and their `-transitive` forms).
    ///
    /// ## Why it breaks N-1 or rollback
    /// Under FORWARD the old schema must read data written with the new one. A consumer on N-1 that
    /// meets a symbol its enum does not list has nothing to map it to: without an enum default,
    /// reading the record fails.
    ///
    /// ## Example
    /// ```json title="N-1: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "status", "type":
    ///    {"type": "enum", "name": "Status", "symbols": ["OPEN", "PAID"]}}]}
    /// ```
    /// ```json title="N: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "status", "type":
    ///    {"type": "enum", "name": "Status", "symbols": ["OPEN", "PAID", "REFUNDED"]}}]}
    /// ```
    ///
    /// ## Use instead
    /// Expand first: give the enum a `default` symbol in one release, so readers of that release map
    /// unknown symbols to it; add symbols in a later release.
    /// ```json title="N: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "status", "type":
    ///    {"type": "enum", "name": "Status", "symbols": ["OPEN", "PAID"], "default": "OPEN"}}]}
    /// ```
    pub static AVRO_ENUM_SYMBOL_ADDED = ("avro-enum-symbol-added", Error, "An enum gains symbols that older readers cannot map");
}

pub(super) fn finding(pair: &Pair<'_>, inc: &Incompatibility, symbols: &[String]) -> Finding {
    let noun = if symbols.len() == 1 { "symbol" } else { "symbols" };
    let message = format!("enum {noun} {} added, and {}'s enum has no default: {}", listed(symbols), pair.release, pair.who());
    let help = "add an enum `default` in one release and the new symbols in a later one, so every reader that meets an unknown symbol maps it to the default";
    pair.finding(&AVRO_ENUM_SYMBOL_ADDED, inc, message, "unknown to older readers", help)
}
