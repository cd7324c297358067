//! Structural comparison of two catalogs, ignoring where things were defined.
//!
//! Used to check down migrations: replaying a migration up and then down must give back the state
//! before it. Each difference is one short sentence in terms of the expected state.

use rollsafe_sql::catalog::{Catalog, ConstraintShape, TypeShape};
use rollsafe_sql::expr;
use std::collections::BTreeSet;

/// Differences of `actual` from `expected`, as sentences. Empty when they match.
pub fn differences(actual: &Catalog, expected: &Catalog) -> Vec<String> {
    let mut out = Vec::new();
    let schema_name = |s: &str| {
        if s.is_empty() { "(default)".to_string() } else { s.to_string() }
    };
    for s in expected.schemas.keys().filter(|s| !actual.schemas.contains_key(*s)) {
        out.push(format!("schema {} is missing", schema_name(s)));
    }
    for s in actual.schemas.keys().filter(|s| !expected.schemas.contains_key(*s)) {
        out.push(format!("schema {} is left behind", schema_name(s)));
    }
    for (key, want) in &expected.tables {
        let Some(got) = actual.tables.get(key) else {
            out.push(format!("table {} is missing", want.written));
            continue;
        };
        for wc in &want.columns {
            let Some(gc) = got.column(&wc.name.key) else {
                out.push(format!("column {}.{} is missing", want.written, wc.name));
                continue;
            };
            if gc.ty.value != wc.ty.value {
                out.push(format!(
                    "column {}.{} is {}, expected {}",
                    want.written,
                    wc.name,
                    gc.type_text.to_lowercase(),
                    wc.type_text.to_lowercase()
                ));
            }
            if gc.not_null.value != wc.not_null.value {
                let (g, w) = if gc.not_null.value { ("NOT NULL", "nullable") } else { ("nullable", "NOT NULL") };
                out.push(format!("column {}.{} is {g}, expected {w}", want.written, wc.name));
            }
            let same_default = match (&gc.default.value, &wc.default.value) {
                (Some(a), Some(b)) => expr::key(a, expected.dialect) == expr::key(b, expected.dialect),
                (a, b) => a == b,
            };
            if !same_default {
                out.push(format!(
                    "column {}.{} has default {}, expected {}",
                    want.written,
                    wc.name,
                    gc.default.value.as_deref().unwrap_or("none"),
                    wc.default.value.as_deref().unwrap_or("none")
                ));
            }
        }
        for gc in got.columns.iter().filter(|gc| want.column(&gc.name.key).is_none()) {
            out.push(format!("column {}.{} is left behind", want.written, gc.name));
        }
        let shapes = |cs: &[rollsafe_sql::catalog::Constraint]| -> BTreeSet<String> {
            cs.iter().map(|c| constraint_text(&c.kind, expected.dialect)).collect()
        };
        let (want_c, got_c) = (shapes(&want.constraints), shapes(&got.constraints));
        for c in want_c.difference(&got_c) {
            out.push(format!("{c} on {} is missing", want.written));
        }
        for c in got_c.difference(&want_c) {
            out.push(format!("{c} on {} is left behind", want.written));
        }
    }
    for (key, got) in &actual.tables {
        if !expected.tables.contains_key(key) {
            out.push(format!("table {} is left behind", got.written));
        }
    }
    let names = |a: &Catalog, e: &Catalog, what: &str, get: fn(&Catalog) -> Vec<(String, String)>, out: &mut Vec<String>| {
        let (got, want) = (get(a), get(e));
        for (k, w) in &want {
            if !got.iter().any(|(g, _)| g == k) {
                out.push(format!("{what} {w} is missing"));
            }
        }
        for (k, g) in &got {
            if !want.iter().any(|(w, _)| w == k) {
                out.push(format!("{what} {g} is left behind"));
            }
        }
    };
    names(actual, expected, "view", |c| c.views.iter().map(|(k, v)| (format!("{k:?}"), v.written.clone())).collect(), &mut out);
    names(actual, expected, "index", |c| c.indexes.iter().map(|(k, i)| (format!("{k:?}"), i.name.written.clone())).collect(), &mut out);
    names(actual, expected, "sequence", |c| c.sequences.iter().map(|(k, s)| (format!("{k:?}"), s.written.clone())).collect(), &mut out);
    names(actual, expected, "type", |c| c.types.iter().map(|(k, t)| (format!("{k:?}"), t.written.clone())).collect(), &mut out);
    for (key, want) in &expected.types {
        if let (Some(got), TypeShape::Enum { values: w }) = (actual.types.get(key), &want.shape)
            && let TypeShape::Enum { values: g } = &got.shape
            && g != w
        {
            out.push(format!("enum {} has values ({}), expected ({})", want.written, quoted(g), quoted(w)));
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
