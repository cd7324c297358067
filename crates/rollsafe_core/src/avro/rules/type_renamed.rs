use super::Pair;
use crate::avro::resolution::Incompatibility;
use rollsafe_diagnostics::{Finding, declare_rule};

declare_rule! {
    /// ## What it detects
    /// A record, enum or fixed whose name differs from the previous release's (N-1) where no alias
    /// of the reader's type names the writer's. Names are compared unqualified, as the
    /// specification says; the reader's `aliases` may name the writer's type.
    ///
    /// ## Why it breaks N-1 or rollback
    /// Schema resolution pairs named types by name: a reader type named otherwise does not read the
    /// writer's, and Avro libraries refuse the pair. Aliases help in one direction only: the new
    /// schema may alias the old name (BACKWARD holds), but the old schema knows nothing of the new
    /// name (FORWARD fails), so a rename cannot pass `full`.
    ///
    /// ## Example
    /// ```json title="N-1: events/order.avsc"
    /// {"type": "record", "name": "Order", "namespace": "acme",
    ///  "fields": [{"name": "id", "type": "long"}]}
    /// ```
    /// ```json title="N: events/order.avsc"
    /// {"type": "record", "name": "PurchaseOrder", "namespace": "acme",
    ///  "fields": [{"name": "id", "type": "long"}]}
    /// ```
    ///
    /// ## Use instead
    /// Keep the name. Where consumers are upgraded before producers (`compat = "backward"`), rename
    /// with the old name as an alias.
    /// ```toml title="N: rollsafe.toml"
    /// [contracts]
    /// compat = "backward"
    /// ```
    /// ```json title="N: events/order.avsc"
    /// {"type": "record", "name": "PurchaseOrder", "namespace": "acme", "aliases": ["Order"],
    ///  "fields": [{"name": "id", "type": "long"}]}
    /// ```
    pub static AVRO_TYPE_RENAMED = ("avro-type-renamed", Error, "A named type is renamed without an alias the reader knows");
}

pub(super) fn finding(pair: &Pair<'_>, inc: &Incompatibility, reader: &str, writer: &str) -> Finding {
    let (new, old) = if pair.new_is_reader() { (reader, writer) } else { (writer, reader) };
    let short = |full: &str| full.rsplit('.').next().unwrap_or(full).to_string();
    let message = format!("`{old}` is renamed to `{new}`: {}", pair.who());
    let help = if pair.new_is_reader() && !pair.both {
        format!("add `\"aliases\": [\"{}\"]` to `{new}` so it reads data written under the old name", short(old))
    } else {
        format!(
            "keep the name `{}`: readers of {} do not know the new one (an alias on the new type only helps the new schema read old data)",
            short(old),
            pair.release
        )
    };
    pair.finding(&AVRO_TYPE_RENAMED, inc, message, "renamed", &help)
}
