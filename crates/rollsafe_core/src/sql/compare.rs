//! Structural comparison of two catalogs, ignoring where things were defined.
//!
//! Used to check down migrations: replaying a migration up and then down must give back the state
//! before it. Each difference is one short sentence in terms of the expected state.

use rollsafe_sql::catalog::{Catalog, ConstraintShape, Origin, TypeShape};
use rollsafe_sql::expr;
use std::collections::BTreeSet;

/// Differences of `actual` from `expected`, as sentences, each with where the object that differs
/// was defined in `actual` (`None` for what is missing). Empty when they match.
pub fn differences(actual: &Catalog, expected: &Catalog) -> Vec<(String, Option<Origin>)> {
    let mut out: Vec<(String, Option<Origin>)> = Vec::new();
    let schema_name = |s: &str| {
        if s.is_empty() { "(default)".to_string() } else { s.to_string() }
    };
    for s in expected.schemas.keys().filter(|s| !actual.schemas.contains_key(*s)) {
        out.push((format!("schema {} is missing", schema_name(s)), None));
    }
    for (s, schema) in actual.schemas.iter().filter(|(s, _)| !expected.schemas.contains_key(*s)) {
        out.push((format!("schema {} is left behind", schema_name(s)), Some(schema.origin)));
    }
    for (key, want) in &expected.tables {
        let Some(got) = actual.tables.get(key) else {
            out.push((format!("table {} is missing", want.written), None));
            continue;
        };
        for wc in &want.columns {
            let Some(gc) = got.column(&wc.name.key) else {
                out.push((format!("column {}.{} is missing", want.written, wc.name), None));
                continue;
            };
            if gc.ty.value != wc.ty.value {
                out.push((
                    format!(
                        "column {}.{} is {}, expected {}",
                        want.written,
                        wc.name,
                        gc.type_text.to_lowercase(),
                        wc.type_text.to_lowercase()
                    ),
                    Some(gc.ty.origin),
                ));
            }
            if gc.not_null.value != wc.not_null.value {
                let (g, w) = if gc.not_null.value { ("NOT NULL", "nullable") } else { ("nullable", "NOT NULL") };
                out.push((format!("column {}.{} is {g}, expected {w}", want.written, wc.name), Some(gc.not_null.origin)));
            }
            let same_default = match (&gc.default.value, &wc.default.value) {
                (Some(a), Some(b)) => expr::key(a, expected.dialect) == expr::key(b, expected.dialect),
                (a, b) => a == b,
            };
            if !same_default {
                let text = match (&gc.default.value, &wc.default.value) {
                    (Some(g), Some(w)) => format!("column {}.{} has default {g}, expected {w}", want.written, wc.name),
                    (Some(g), None) => format!("column {}.{} has default {g}, expected no default", want.written, wc.name),
                    (None, Some(w)) => format!("column {}.{} has no default, expected default {w}", want.written, wc.name),
                    (None, None) => unreachable!("equal defaults are the same"),
                };
                out.push((text, Some(gc.default.origin)));
            }
        }
        for gc in got.columns.iter().filter(|gc| want.column(&gc.name.key).is_none()) {
            out.push((format!("column {}.{} is left behind", want.written, gc.name), Some(gc.origin)));
        }
        let shapes = |cs: &[rollsafe_sql::catalog::Constraint]| -> Vec<(String, Origin)> {
            cs.iter().map(|c| (constraint_text(&c.kind, expected.dialect), c.origin)).collect()
        };
        let (want_c, got_c) = (shapes(&want.constraints), shapes(&got.constraints));
        let texts = |cs: &[(String, Origin)]| cs.iter().map(|(t, _)| t.clone()).collect::<BTreeSet<String>>();
        let (want_t, got_t) = (texts(&want_c), texts(&got_c));
        for c in want_t.difference(&got_t) {
            out.push((format!("{c} on {} is missing", want.written), None));
        }
        for c in got_t.difference(&want_t) {
            let origin = got_c.iter().find(|(t, _)| t == c).map(|(_, o)| *o);
            out.push((format!("{c} on {} is left behind", want.written), origin));
        }
    }
    for (key, got) in &actual.tables {
        if !expected.tables.contains_key(key) {
            out.push((format!("table {} is left behind", got.written), Some(got.origin)));
        }
    }
    type Named = Vec<(String, String, Origin)>;
    let names = |a: &Catalog, e: &Catalog, what: &str, get: fn(&Catalog) -> Named, out: &mut Vec<(String, Option<Origin>)>| {
        let (got, want) = (get(a), get(e));
        for (k, w, _) in &want {
            if !got.iter().any(|(g, _, _)| g == k) {
                out.push((format!("{what} {w} is missing"), None));
            }
        }
        for (k, g, origin) in &got {
            if !want.iter().any(|(w, _, _)| w == k) {
                out.push((format!("{what} {g} is left behind"), Some(*origin)));
            }
        }
    };
    names(actual, expected, "view", |c| c.views.iter().map(|(k, v)| (format!("{k:?}"), v.written.clone(), v.origin)).collect(), &mut out);
    names(
        actual,
        expected,
        "index",
        |c| c.indexes.iter().map(|(k, i)| (format!("{k:?}"), i.name.written.clone(), i.origin)).collect(),
        &mut out,
    );
    names(
        actual,
        expected,
        "sequence",
        |c| c.sequences.iter().map(|(k, s)| (format!("{k:?}"), s.written.clone(), s.origin)).collect(),
        &mut out,
    );
    names(actual, expected, "type", |c| c.types.iter().map(|(k, t)| (format!("{k:?}"), t.written.clone(), t.origin)).collect(), &mut out);
    for (key, want) in &expected.types {
        if let (Some(got), TypeShape::Enum { values: w }) = (actual.types.get(key), &want.shape)
            && let TypeShape::Enum { values: g } = &got.shape
            && g != w
        {
            out.push((format!("enum {} has values ({}), expected ({})", want.written, quoted(g), quoted(w)), Some(got.origin)));
        }
    }
    out
}

fn quoted(values: &[String]) -> String {
    values.iter().map(|v| format!("'{v}'")).collect::<Vec<_>>().join(", ")
}

fn constraint_text(shape: &ConstraintShape, dialect: rollsafe_sql::Dialect) -> String {
    match shape {
        ConstraintShape::Check { expr } => format!("check ({})", expr::key(expr, dialect)),
        ConstraintShape::ForeignKey { columns, ref_table, ref_columns } => {
            format!("foreign key ({}) references {ref_table:?}({})", columns.join(", "), ref_columns.join(", "))
        }
        other => format!("{} ({})", other.label(), other.columns().join(", ")),
    }
}
