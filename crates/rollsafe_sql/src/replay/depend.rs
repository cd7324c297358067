//! Dependencies between objects, as PostgreSQL records them (`pg_depend`), and what follows from
//! them: a drop without `CASCADE` is refused while anything depends on its target, a drop with
//! `CASCADE` takes every dependent along (and what depends on those), and `ALTER COLUMN … TYPE` is
//! refused while a view reads the column.
//!
//! What depends on what:
//! - a table: views that read it, foreign keys of other tables that reference it;
//! - a column: views that name it, foreign keys (of any table but its own key's) that reference it;
//! - a view: views that read it;
//! - a function: triggers that execute it, views that call it, column defaults that call it;
//! - a type: columns of the type (or arrays of it), domains over it;
//! - a sequence: column defaults that call `nextval` on it;
//! - an extension: columns of its types, defaults that call its functions
//!   ([`crate::extensions`]);
//! - a schema: everything in it.
//!
//! What goes along without `CASCADE` (indexes and constraints on a dropped column, a table's
//! indexes, constraints and triggers, an owned sequence) is handled where those drops happen.
//! MySQL and SQLite have no such dependencies (a view over a dropped table stays, broken), so
//! only PostgreSQL refuses or cascades.

use super::Replayer;
use crate::Dialect;
use crate::catalog::*;
use std::sync::Arc;

/// Something a statement drops or changes, that other objects may depend on.
#[derive(Clone, Copy, Debug)]
pub(super) enum Target<'a> {
    Table(&'a ObjKey),
    Column(&'a ObjKey, &'a str),
    View(&'a ObjKey),
    Function(&'a ObjKey),
    Type(&'a ObjKey),
    Sequence(&'a ObjKey),
    Extension(&'a str),
    Schema(&'a str),
}

/// An object that depends on a target: it goes only with `CASCADE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Dependent {
    View(ObjKey),
    ForeignKey {
        table: ObjKey,
        name: String,
    },
    Trigger(ObjKey),
    Column {
        table: ObjKey,
        column: String,
    },
    Default {
        table: ObjKey,
        column: String,
    },
    Domain(ObjKey),
    /// An object in a schema being dropped (its drop is the schema's).
    Member {
        what: String,
        origin: Origin,
    },
}

/// Whether a column's type is the type `ty` (qualified or resolved through the default schema),
/// or an array of it.
fn of_type(column: &Column, ty: &ObjKey, default_schema: &str) -> bool {
    column.ty.value.user_type().is_some_and(|(schema, name)| name == ty.name && schema.unwrap_or(default_schema) == ty.schema)
}

/// Whether a default expression calls `function` (`uuid_generate_v4()`, `app.next_code()`).
fn calls_function(default: &str, function: &ObjKey, default_schema: &str) -> bool {
    let d = default.to_ascii_lowercase();
    let name = crate::routine::key_name(&function.name);
    let qualified = format!("{}.{name}(", function.schema);
    let bare = format!("{name}(");
    d.contains(&qualified)
        || (function.schema == default_schema
            && d.match_indices(&bare).any(|(at, _)| at == 0 || !d[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '.')))
}

/// Whether a default calls `nextval` on `sequence`.
pub(super) fn uses_sequence(default: &str, table: &ObjKey, sequence: &ObjKey, default_schema: &str) -> bool {
    let d = default.to_ascii_lowercase();
    d.contains("nextval")
        && (d.contains(&format!("'{}.{}'", sequence.schema, sequence.name))
            || (d.contains(&format!("'{}'", sequence.name)) && table.schema == sequence.schema && sequence.schema == default_schema))
}

impl Replayer<'_> {
    /// Pushes an event, marked as implicit when a `CASCADE` is being followed.
    pub(super) fn event(&mut self, event: Event) {
        match &self.implicit_by {
            Some(by) => self.events.push(Event::Implicit { dropped: Box::new(event), by: by.clone() }),
            None => self.events.push(event),
        }
    }

    /// Whether dependencies matter here (see the module documentation).
    pub(super) fn tracks_dependencies(&self) -> bool {
        self.catalog.dialect == Dialect::Postgres
    }

    /// The objects that depend on `target` and go only with `CASCADE`.
    pub(super) fn dependents(&self, target: Target<'_>) -> Vec<Dependent> {
        let c = &*self.catalog;
        let default_schema = c.dialect.default_schema();
        let mut out = Vec::new();
        let views = |pred: &dyn Fn(&View) -> bool| -> Vec<Dependent> {
            c.views.iter().filter(|(_, v)| pred(v)).map(|(k, _)| Dependent::View(k.clone())).collect()
        };
        let defaults = |pred: &dyn Fn(&ObjKey, &str) -> bool| -> Vec<Dependent> {
            let mut out = Vec::new();
            for (tkey, t) in c.tables.iter() {
                for col in &t.columns {
                    if col.default.value.as_deref().is_some_and(|d| pred(tkey, d)) {
                        out.push(Dependent::Default { table: tkey.clone(), column: col.name.key.clone() });
                    }
                }
            }
            out
        };
        let columns_of = |ty: &ObjKey| -> Vec<Dependent> {
            let mut out = Vec::new();
            for (tkey, t) in c.tables.iter() {
                for col in t.columns.iter().filter(|col| of_type(col, ty, default_schema)) {
                    out.push(Dependent::Column { table: tkey.clone(), column: col.name.key.clone() });
                }
            }
            out
        };
        match target {
            Target::Table(key) => {
                out.extend(views(&|v| v.uses.contains(key) || v.reads.iter().any(|(t, _)| t == key)));
                for (tkey, t) in c.tables.iter().filter(|(k, _)| *k != key) {
                    for con in &t.constraints {
                        if matches!(&con.kind, ConstraintShape::ForeignKey { ref_table, .. } if ref_table == key) {
                            out.push(Dependent::ForeignKey { table: tkey.clone(), name: con.name.key.clone() });
                        }
                    }
                }
            }
            Target::Column(key, column) => {
                out.extend(views(&|v| v.reads.iter().any(|(t, col)| t == key && col == column)));
                for (tkey, t) in c.tables.iter() {
                    for con in &t.constraints {
                        let ConstraintShape::ForeignKey { columns, ref_table, ref_columns } = &con.kind else {
                            continue;
                        };
                        // A foreign key of the table on the column itself goes with the column.
                        let own = tkey == key && columns.iter().any(|c| c == column);
                        if ref_table == key && ref_columns.iter().any(|c| c == column) && !own {
                            out.push(Dependent::ForeignKey { table: tkey.clone(), name: con.name.key.clone() });
                        }
                    }
                }
            }
            Target::View(key) => out.extend(views(&|v| v.uses.contains(key) || v.reads.iter().any(|(t, _)| t == key))),
            Target::Function(key) => {
                out.extend(c.triggers.iter().filter(|(_, t)| t.function.as_ref() == Some(key)).map(|(k, _)| Dependent::Trigger(k.clone())));
                out.extend(views(&|v| v.calls.contains(key)));
                out.extend(defaults(&|_, d| calls_function(d, key, default_schema)));
            }
            Target::Type(key) => {
                out.extend(columns_of(key));
                for (k, t) in c.types.iter() {
                    if let TypeShape::Domain { base, .. } = &t.shape
                        && base.user_type().is_some_and(|(s, n)| n == key.name && s.unwrap_or(default_schema) == key.schema)
                    {
                        out.push(Dependent::Domain(k.clone()));
                    }
                }
            }
            Target::Sequence(key) => out.extend(defaults(&|t, d| uses_sequence(d, t, key, default_schema))),
            Target::Extension(name) => {
                let Some(ext) = c.extensions.get(name) else {
                    return out;
                };
                let (types, functions) = crate::extensions::objects(name);
                for ty in types {
                    out.extend(columns_of(&ObjKey::new(ext.schema.clone(), ty.to_string())));
                }
                for f in functions {
                    let f = ObjKey::new(ext.schema.clone(), f.to_string());
                    out.extend(defaults(&|_, d| calls_function(d, &f, default_schema)));
                }
            }
            Target::Schema(schema) => {
                let members = c
                    .tables
                    .iter()
                    .map(|(k, t)| (k, format!("table {}", t.written), t.origin))
                    .chain(c.views.iter().map(|(k, v)| (k, format!("{} {}", v.label(), v.written), v.origin)))
                    .chain(c.types.iter().map(|(k, t)| (k, format!("type {}", t.written), t.origin)))
                    .chain(
                        c.sequences
                            .iter()
                            .filter(|(_, s)| s.owned_by.is_none())
                            .map(|(k, s)| (k, format!("sequence {}", s.written), s.origin)),
                    )
                    .chain(c.functions.iter().map(|(k, f)| (k, format!("function {}", f.written), f.origin)));
                out.extend(members.filter(|(k, ..)| k.schema == schema).map(|(_, what, origin)| Dependent::Member { what, origin }));
            }
        }
        out.dedup();
        // What the statement drops by name is a target of its own, not a dependent.
        out.retain(|d| match d {
            Dependent::View(k) | Dependent::Domain(k) => !self.targets.contains(k),
            Dependent::ForeignKey { table, .. } => !self.targets.contains(table),
            Dependent::Column { table, .. } | Dependent::Default { table, .. } => !self.targets.contains(table),
            Dependent::Trigger(_) | Dependent::Member { .. } => true,
        });
        out
    }

    /// What a dependent is called in messages, and where it was defined.
    fn describe_dependent(&self, d: &Dependent) -> Option<(String, Origin)> {
        let c = &*self.catalog;
        Some(match d {
            Dependent::View(k) => c.views.get(k).map(|v| (format!("{} {}", v.label(), v.written), v.origin))?,
            Dependent::ForeignKey { table, name } => {
                let t = c.tables.get(table)?;
                let con = t.constraints.iter().find(|con| con.name.key == *name)?;
                (format!("foreign key {} on {}", con.name, t.written), con.origin)
            }
            Dependent::Trigger(k) => {
                let tr = c.triggers.get(k)?;
                let table = c.tables.get(&tr.table).map_or_else(|| tr.table.name.clone(), |t| t.written.clone());
                (format!("trigger {} on {table}", tr.name), tr.origin)
            }
            Dependent::Column { table, column } => {
                let t = c.tables.get(table)?;
                let col = t.column(column)?;
                (format!("column {}.{}", t.written, col.name), col.origin)
            }
            Dependent::Default { table, column } => {
                let t = c.tables.get(table)?;
                let col = t.column(column)?;
                (format!("the default of {}.{}", t.written, col.name), col.default.origin)
            }
            Dependent::Domain(k) => c.types.get(k).map(|t| (format!("domain {}", t.written), t.origin))?,
            Dependent::Member { what, origin } => (what.clone(), *origin),
        })
    }

    /// Refuses a statement PostgreSQL refuses because of what depends on `target`: records it and
    /// says so (the caller does not apply the statement). `cascade` statements are not refused.
    pub(super) fn refused(&mut self, target: Target<'_>, statement: impl FnOnce() -> String, cascade: bool, origin: Origin) -> bool {
        if cascade || !self.tracks_dependencies() {
            return false;
        }
        let dependents = self.dependents(target);
        self.refuse(dependents, statement, RefusalReason::NeedsCascade, origin)
    }

    pub(super) fn refuse(
        &mut self,
        dependents: Vec<Dependent>,
        statement: impl FnOnce() -> String,
        reason: RefusalReason,
        origin: Origin,
    ) -> bool {
        let dependents: Vec<(String, Origin)> = dependents.iter().filter_map(|d| self.describe_dependent(d)).collect();
        if dependents.is_empty() {
            return false;
        }
        self.events.push(Event::Refused { statement: statement(), reason, dependents, origin });
        true
    }

    /// Drops everything that depends on `target` (and what depends on that), recording each drop
    /// as implicit, `by` the statement's CASCADE.
    pub(super) fn drop_dependents(&mut self, target: Target<'_>, by: &str, origin: Origin) {
        if !self.tracks_dependencies() {
            return;
        }
        for d in self.dependents(target) {
            let saved = self.implicit_by.replace(by.to_string());
            self.drop_dependent(&d, by, origin);
            self.implicit_by = saved;
        }
    }

    fn drop_dependent(&mut self, d: &Dependent, by: &str, origin: Origin) {
        match d {
            Dependent::View(k) => {
                if self.remove_view(k, origin) {
                    self.drop_dependents(Target::View(k), by, origin);
                }
            }
            Dependent::ForeignKey { table, name } => {
                self.drop_constraint(table, |c| c.name.key == *name && matches!(c.kind, ConstraintShape::ForeignKey { .. }), origin)
            }
            Dependent::Trigger(k) => {
                if self.catalog.triggers.remove(k).is_some() {
                    self.event(Event::TriggerDropped { trigger: k.clone(), origin });
                }
            }
            Dependent::Column { table, column } => {
                self.drop_dependents(Target::Column(table, column), by, origin);
                self.drop_column(table, column, origin);
            }
            Dependent::Default { table, column } => {
                if let Some(c) = self.column_mut(table, column) {
                    c.default.set(None, origin);
                    super::forget_serial(c, origin);
                }
            }
            Dependent::Domain(k) => {
                if self.catalog.types.remove(k).is_some() {
                    self.event(Event::TypeDropped { ty: k.clone(), origin });
                    self.drop_dependents(Target::Type(k), by, origin);
                }
            }
            // Dropped with the schema.
            Dependent::Member { .. } => {}
        }
    }

    /// Triggers of a table, by key.
    pub(super) fn triggers_of(&self, table: &ObjKey) -> Vec<ObjKey> {
        self.catalog.triggers.iter().filter(|(_, t)| t.table == *table).map(|(k, _)| k.clone()).collect()
    }

    /// A trigger's key: PostgreSQL names triggers per table, MySQL and SQLite per schema.
    pub(super) fn trigger_key(&self, table: &ObjKey, name: &str) -> ObjKey {
        match self.dialect() {
            Dialect::Postgres => ObjKey::new(table.schema.clone(), format!("{}.{name}", table.name)),
            _ => ObjKey::new(table.schema.clone(), name.to_string()),
        }
    }

    /// Follows a table renamed or moved: its triggers are keyed by it.
    pub(super) fn move_triggers(&mut self, from: &ObjKey, to: &ObjKey) {
        for k in self.triggers_of(from) {
            if let Some(t) = self.catalog.triggers.remove(&k) {
                let mut t = Arc::unwrap_or_clone(t);
                t.table = to.clone();
                let key = self.trigger_key(to, &t.name.key);
                self.catalog.triggers.insert(key, Arc::new(t));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_call_functions_by_their_whole_name() {
        let f = ObjKey::new("public", "next_code");
        assert!(calls_function("next_code()", &f, "public"));
        assert!(calls_function("public.next_code()", &f, "public"));
        assert!(!calls_function("my_next_code()", &f, "public"));
        assert!(!calls_function("other.next_code()", &f, "public"));
    }
}
