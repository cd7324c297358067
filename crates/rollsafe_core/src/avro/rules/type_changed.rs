use super::Pair;
use crate::avro::resolution::Incompatibility;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A field, array item, map value or union branch whose type the other side cannot read: a
    /// change of type that is not one of the specification's promotions in the direction the mode
    /// checks (`int` → `long` → `float` → `double`, `string` ↔ `bytes`), a union made a single type
    /// while old data holds another branch, or a record, enum, array or map replaced by another
    /// kind.
    ///
    /// ## Why it breaks N-1 or rollback
    /// A promotion is one-way: a `long` reader reads an `int`, an `int` reader cannot read a `long`.
    /// So widening `int` to `long` passes BACKWARD (the new schema reads old data) and fails
    /// FORWARD (consumers still on N-1 read the new data); `full` needs both. Any other change of
    /// type fails both: Avro libraries refuse the pair.
    ///
    /// ## Example
    /// ```json title="N-1: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "quantity", "type": "int"}]}
    /// ```
    /// ```json title="N: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "quantity", "type": "string"}]}
    /// ```
    ///
    /// ## Use instead
    /// Add a field of the new type with a default, write both while consumers move over, and remove
    /// the old one in a later release. (A widening such as `int` → `long` is safe under
    /// `compat = "backward"`, when consumers are upgraded before producers.)
    /// ```json title="N: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "quantity", "type": "int"},
    ///             {"name": "quantity_text", "type": "string", "default": ""}]}
    /// ```
    pub static AVRO_TYPE_CHANGED = ("avro-type-changed", Error, "A type changes to one the other side cannot read");
}

pub(super) fn finding(pair: &Pair<'_>, inc: &Incompatibility, reader: &str, writer: &str) -> Finding {
    let (new, old) = if pair.new_is_reader() { (reader, writer) } else { (writer, reader) };
    // A narrowing among the promotable types: say why the other direction does not help.
    let promotable = ["int", "long", "float", "double"];
    let why = if !pair.both && promotable.contains(&reader) && promotable.contains(&writer) {
        format!(" (a {reader} cannot hold every {writer}: promotions only widen, int → long → float → double)")
    } else {
        String::new()
    };
    let message = format!("type changed from {old} to {new}{why}: {}", pair.who());
    let help = "add a field of the new type with a default and write both; remove the old field in a later release, once no reader uses it";
    pair.finding(&AVRO_TYPE_CHANGED, inc, message, "type changed", help)
}
