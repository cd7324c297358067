use super::{Pair, listed};
use crate::avro::resolution::Incompatibility;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// Symbols of an enum in the previous release (N-1) that the new schema's enum no longer lists,
    /// while it has no `default`, in a mode that checks BACKWARD (`backward`, `full` and their
    /// `-transitive` forms).
    ///
    /// ## Why it breaks N-1 or rollback
    /// Under BACKWARD the new schema must read data written with the old one. Records written by N-1
    /// may carry the removed symbol; the new reader has no symbol to map it to and no default, so
    /// reading them fails.
    ///
    /// ## Example
    /// ```json title="N-1: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "status", "type":
    ///    {"type": "enum", "name": "Status", "symbols": ["OPEN", "PAID", "LEGACY"]}}]}
    /// ```
    /// ```json title="N: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "status", "type":
    ///    {"type": "enum", "name": "Status", "symbols": ["OPEN", "PAID"]}}]}
    /// ```
    ///
    /// ## Use instead
    /// Give the enum a `default` when you remove symbols: the new reader maps the old symbol to it.
    /// ```json title="N: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "status", "type":
    ///    {"type": "enum", "name": "Status", "symbols": ["OPEN", "PAID"], "default": "OPEN"}}]}
    /// ```
    pub static AVRO_ENUM_SYMBOL_REMOVED = ("avro-enum-symbol-removed", Error, "An enum loses symbols that old data may hold");
}

pub(super) fn finding(pair: &Pair<'_>, inc: &Incompatibility, symbols: &[String]) -> Finding {
    let noun = if symbols.len() == 1 { "symbol" } else { "symbols" };
    let message = format!("enum {noun} {} removed, and this enum has no default: {}", listed(symbols), pair.who());
    let help = "keep the symbols, or give the enum a `default` symbol that readers map removed symbols to";
    pair.finding(&AVRO_ENUM_SYMBOL_REMOVED, inc, message, "this enum cannot read every old symbol", help)
}
