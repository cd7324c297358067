use super::{ProtoContext, field_words};
use crate::proto::diff::ChangeKind;
use rollsafe_diagnostics::{Edit, Finding, Fix, declare_rule};
use rollsafe_text::TextRange;

declare_rule! {
    /// ## What it detects
    /// A field of a message in the previous release (N-1) that is gone from the message, paired by
    /// number.
    ///
    /// ## Why it breaks N-1 or rollback
    /// Generated code and JSON clients built from N-1 still read and write the field: their
    /// builds break against N, and N ignores what they send. On the wire the number becomes free:
    /// a later field that reuses it is misread by N-1 readers and by data N-1 wrote. In the WIRE
    /// categories a deletion is safe once the number is reserved (WIRE_JSON: the name too, since
    /// JSON carries names).
    ///
    /// Corresponds to `buf breaking`'s `FIELD_NO_DELETE` (FILE, PACKAGE),
    /// `FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED` (WIRE, WIRE_JSON) and
    /// `FIELD_NO_DELETE_UNLESS_NAME_RESERVED` (WIRE_JSON).
    ///
    /// ## Example
    /// ```proto title="N-1: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User {
    ///   int64 id = 1;
    ///   string email = 2;
    /// }
    /// ```
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User {
    ///   int64 id = 1;
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Deprecate the field first (`[deprecated = true]`), stop using it, and keep it until no
    /// deployed code reads it. In the WIRE categories, reserve its number and name when you delete
    /// it, so nothing reuses them; the quick fix does that.
    /// ```proto title="N: acme/v1/user.proto"
    /// syntax = "proto3";
    /// package acme.v1;
    /// message User {
    ///   int64 id = 1;
    ///   string email = 2 [deprecated = true];
    /// }
    /// ```
    pub static PROTO_FIELD_REMOVED = ("proto-field-removed", Error, "A message field N-1 uses is deleted");
}

pub(crate) fn check(cx: &ProtoContext<'_>, out: &mut Vec<Finding>) {
    for change in cx.changes {
        let ChangeKind::FieldRemoved { field, number_reserved, name_reserved } = &change.kind else { continue };
        let what = field_words(field);
        let help = format!(
            "deprecate it first and delete it in a later release; when you delete it, reserve it: `reserved {};` and `reserved \"{}\";`",
            field.number, field.name
        );
        let fix = reserve_fix(cx, change, field.number, &field.name);
        let variants = [
            (
                "FIELD_NO_DELETE",
                true,
                format!("{what} is deleted: generated code and JSON clients of release {} still use it", cx.baseline),
            ),
            (
                "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED",
                !number_reserved,
                format!(
                    "{what} is deleted without reserving number {}: a field that reuses it will be misread by release {} and by data it wrote",
                    field.number, cx.baseline
                ),
            ),
            (
                "FIELD_NO_DELETE_UNLESS_NAME_RESERVED",
                !name_reserved,
                format!(
                    "{what} is deleted without reserving the name \"{}\": a field that reuses it will be misread by JSON clients of release {}",
                    field.name, cx.baseline
                ),
            ),
        ];
        for (peer, applies, message) in variants {
            if applies && let Some(mut f) = cx.emit(&PROTO_FIELD_REMOVED, change, peer, message, "deleted from this message", help.clone())
            {
                f.object = Some(format!("{}.{}", field.message, field.name));
                f.fix = fix.clone();
                out.push(f);
            }
        }
    }
}

/// Inserts `reserved N; reserved "name";` before the message's closing brace.
fn reserve_fix(cx: &ProtoContext<'_>, change: &crate::proto::diff::Change, number: i64, name: &str) -> Option<Fix> {
    let text = (cx.text)(&change.at.path)?;
    let message = change.at.range.as_usize();
    let body = text.get(message.clone())?;
    let close = message.start + body.rfind('}')?;
    let line_start = text[..close].rfind('\n').map_or(0, |i| i + 1);
    let indent: String = text[line_start..close].chars().take_while(|c| c.is_whitespace()).collect();
    let inner = format!("{indent}  ");
    let (at, insert) = if text[line_start..close].trim().is_empty() {
        (line_start, format!("{inner}reserved {number};\n{inner}reserved \"{name}\";\n"))
    } else {
        (close, format!(" reserved {number}; reserved \"{name}\"; "))
    };
    Some(Fix {
        title: format!("Reserve number {number} and name \"{name}\" so nothing reuses them"),
        edits: vec![Edit { path: change.at.path.clone(), range: TextRange::empty(at as u32), replacement: insert }],
    })
}
