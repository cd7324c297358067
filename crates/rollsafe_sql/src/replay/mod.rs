//! Applies lowered statements to a [`Catalog`], the way the database would.
//!
//! Replay follows the database's rules where they matter for compatibility: unquoted names fold,
//! unqualified names resolve through `search_path`, constraint and index names are generated as
//! PostgreSQL / MySQL generate them (so a later `DROP CONSTRAINT users_email_key` finds its target),
//! `serial` creates an owned sequence, a primary key makes its columns NOT NULL, dropping a column drops
//! the constraints and indexes on it, `CASCADE` drops dependents. Operations on objects that do not
//! exist are skipped: the database would have rejected the migration, and rollsafe is not a database.

use crate::Dialect;
use crate::catalog::*;
use crate::lexer::{TokenKind, tokenize};
use crate::name::{Name, QualifiedName};
use crate::ops::*;
use crate::routine;
use depend::Target;
use rollsafe_text::TextRange;
use std::sync::Arc;

mod access;
mod depend;

/// Replays statements from one file into `catalog`, appending to `events`.
pub struct Replayer<'c> {
    pub catalog: &'c mut Catalog,
    pub events: &'c mut Vec<Event>,
    source: SourceId,
    /// Schemas unqualified names resolve through, folded.
    search_path: Vec<String>,
    /// While a `CASCADE` is followed: what it is (`the CASCADE on DROP TABLE scores`), so that
    /// the drops it causes are recorded as [`Event::Implicit`].
    implicit_by: Option<String>,
    /// The relations and functions the current statement drops by name (`DROP VIEW a, b`): each
    /// is a target of its own, neither in the way of another nor dropped by its CASCADE.
    targets: Vec<ObjKey>,
}

impl<'c> Replayer<'c> {
    /// A replayer for one file: `search_path` starts at the dialect's default for every file, as each
    /// migration runs in its own session in the common tools.
    pub fn new(catalog: &'c mut Catalog, events: &'c mut Vec<Event>, source: SourceId) -> Replayer<'c> {
        let search_path = vec![catalog.dialect.default_schema().to_string()];
        Replayer { catalog, events, source, search_path, implicit_by: None, targets: Vec::new() }
    }

    /// Applies one statement. A bug in replaying it costs that statement only: the catalog keeps
    /// what the statement did before failing, and a [`Event::ReplayFailed`] says which one it was.
    pub fn statement(&mut self, stmt: &Statement) {
        if crate::guarded(|| self.apply(stmt)).is_none() {
            let origin = self.origin(stmt.range);
            self.events.push(Event::ReplayFailed { origin });
        }
    }

    fn apply(&mut self, stmt: &Statement) {
        if panic_probe(stmt) {
            panic!("replay panic probe");
        }
        match &stmt.kind {
            StatementKind::Ddl(ops) => {
                self.targets = self.statement_targets(ops);
                for op in ops {
                    self.op(op, stmt.range);
                }
                self.targets.clear();
            }
            StatementKind::SetSearchPath(names) => {
                // An empty path (`RESET search_path`, `SET search_path TO DEFAULT`, pg_dump's '') is the default.
                let path: Vec<String> = names.iter().map(|n| n.key.clone()).filter(|k| !k.is_empty() && k != "$user").collect();
                self.search_path = if path.is_empty() { vec![self.catalog.dialect.default_schema().to_string()] } else { path };
            }
            _ => {}
        }
    }

    fn dialect(&self) -> Dialect {
        self.catalog.dialect
    }

    fn origin(&self, range: TextRange) -> Origin {
        Origin { source: self.source, range }
    }

    /// The schema a new object with this name is created in.
    fn schema_for_new(&self, name: &QualifiedName) -> String {
        match &name.schema {
            Some(s) => s.key.clone(),
            None => self.search_path[0].clone(),
        }
    }

    fn new_key(&self, name: &QualifiedName) -> ObjKey {
        ObjKey::new(self.schema_for_new(name), name.name.key.clone())
    }

    /// Resolves an existing object through the search path; falls back to the creation schema.
    fn find_key(&self, name: &QualifiedName, exists: impl Fn(&ObjKey) -> bool) -> ObjKey {
        let key = if name.schema.is_some() {
            self.new_key(name)
        } else {
            let found = self.search_path.iter().map(|schema| ObjKey::new(schema.clone(), name.name.key.clone())).find(|k| exists(k));
            found.unwrap_or_else(|| self.new_key(name))
        };
        if exists(&key) || self.dialect() != Dialect::MySql {
            return key;
        }
        // MySQL migrations run against the connection's database, named or not (`USE app` in one
        // file, `app.users` or plain `users` in another): an object that exists under exactly one
        // database is the one meant.
        let mut candidates =
            self.catalog.all_schemas().into_iter().map(|schema| ObjKey::new(schema, name.name.key.clone())).filter(|k| exists(k));
        match (candidates.next(), candidates.next()) {
            (Some(only), None) => only,
            _ => key,
        }
    }

    fn table_key(&self, name: &QualifiedName) -> ObjKey {
        self.find_key(name, |k| self.catalog.tables.contains_key(k))
    }

    /// How to show a new object: as written, qualified when it landed outside the default schema
    /// through `search_path` (so `crm.customers` and `billing.customers` stay apart in messages).
    fn written(&self, name: &QualifiedName) -> String {
        let schema = self.schema_for_new(name);
        if name.schema.is_none() && schema != self.dialect().default_schema() {
            format!("{}.{}", Name { key: schema.clone(), written: schema }, name.name)
        } else {
            name.to_string()
        }
    }

    fn op(&mut self, op: &Op, range: TextRange) {
        let origin = self.origin(range);
        match op {
            Op::CreateSchema { name, .. } => {
                self.catalog.schemas.entry(name.key.clone()).or_insert(Schema { written: name.written.clone(), origin });
            }
            Op::DropSchema { name, cascade, .. } => {
                let statement = || format!("DROP SCHEMA {name}");
                if !self.refused(Target::Schema(&name.key), statement, *cascade, origin) {
                    self.drop_schema(&name.key, origin);
                }
            }
            Op::RenameSchema { from, to } => self.rename_schema(&from.key, to, origin),
            Op::CreateTable(ct) => self.create_table(ct, origin),
            Op::DropTable { name, cascade, if_exists } => {
                let key = self.table_key(name);
                if !*if_exists && !self.catalog.tables.contains_key(&key) && !self.catalog.views.contains_key(&key) {
                    self.unknown(UnknownKind::Table, key.clone(), format!("table {}", name), origin);
                }
                let statement = format!("DROP TABLE {name}");
                if self.catalog.tables.contains_key(&key) && self.refused(Target::Table(&key), || statement.clone(), *cascade, origin) {
                    return;
                }
                self.drop_table(&key, cascade.then(|| format!("the CASCADE on {statement}")).as_deref(), origin);
            }
            Op::RenameTable { from, to } => {
                let from_key = self.find_key(from, |k| {
                    self.catalog.tables.contains_key(k) || self.catalog.views.contains_key(k) || self.catalog.sequences.contains_key(k)
                });
                let schema = to.schema.as_ref().map_or(from_key.schema.clone(), |s| s.key.clone());
                let to_key = ObjKey::new(schema, to.name.key.clone());
                self.move_relation(&from_key, to_key, &to.name, origin);
            }
            Op::AlterTable { table, actions, if_exists } => {
                let key = self.table_key(table);
                // ALTER TABLE also renames views and sequences in PostgreSQL.
                if !self.catalog.tables.contains_key(&key) {
                    let other_relation = self.catalog.views.contains_key(&key) || self.catalog.sequences.contains_key(&key);
                    if !*if_exists && !other_relation {
                        self.unknown(UnknownKind::Table, key.clone(), format!("table {}", table), origin);
                    }
                    for action in actions {
                        if let ActionKind::RenameTo { to } = &action.kind {
                            let vkey =
                                self.find_key(table, |k| self.catalog.views.contains_key(k) || self.catalog.sequences.contains_key(k));
                            let to_key = ObjKey::new(vkey.schema.clone(), to.name.key.clone());
                            self.move_relation(&vkey, to_key, &to.name, self.origin(action.range));
                        }
                    }
                    return;
                }
                if let Some((dependents, statement, reason)) = self.alter_refusal(&key, table, actions) {
                    self.refuse(dependents, || statement, reason, origin);
                    return;
                }
                let mut key = key;
                for action in actions {
                    if let Some(new_key) = self.action(&key, action) {
                        key = new_key;
                    }
                }
            }
            Op::SetSchema { kind, name, schema } => self.set_schema(*kind, name, schema, origin),
            Op::CreateIndex(ci) => self.create_index(ci, None, origin),
            Op::DropIndex { name, table, if_exists } => {
                if !self.drop_index(name, table.as_ref(), origin) && !*if_exists {
                    let key = self.find_key(name, |_| false);
                    self.unknown(UnknownKind::Index, key, format!("index {name}"), origin);
                }
            }
            Op::RenameIndex { from, to } => {
                let key = self.find_key(from, |k| self.catalog.indexes.contains_key(k));
                if let Some(index) = self.catalog.indexes.remove(&key) {
                    let mut index = Arc::unwrap_or_clone(index);
                    index.name = to.clone();
                    self.catalog.indexes.insert(ObjKey::new(key.schema, to.key.clone()), Arc::new(index));
                } else {
                    // Renaming the index of a primary key or unique constraint renames the constraint.
                    let owner = self
                        .catalog
                        .tables
                        .iter()
                        .find(|(tkey, t)| tkey.schema == key.schema && t.constraints.iter().any(|c| c.name.key == from.name.key))
                        .map(|(tkey, _)| tkey.clone());
                    if let Some(owner) = owner {
                        self.rename_constraint(&owner, &from.name.key, to);
                    }
                }
            }
            Op::CreateView(cv) => self.create_view(cv, origin),
            Op::DropView { name, cascade, materialized, .. } => {
                let key = self.find_key(name, |k| self.catalog.views.contains_key(k));
                let what = if *materialized { "DROP MATERIALIZED VIEW" } else { "DROP VIEW" };
                let statement = format!("{what} {name}");
                if !self.catalog.views.contains_key(&key) || self.refused(Target::View(&key), || statement.clone(), *cascade, origin) {
                    return;
                }
                self.remove_view(&key, origin);
                self.drop_dependents(Target::View(&key), &format!("the CASCADE on {statement}"), origin);
            }
            Op::RenameView { from, to } => {
                let key = self.find_key(from, |k| self.catalog.views.contains_key(k));
                let to_key = ObjKey::new(key.schema.clone(), to.key.clone());
                self.move_relation(&key, to_key, to, origin);
            }
            Op::RenameViewColumn { view, from, to } => {
                let key = self.find_key(view, |k| self.catalog.views.contains_key(k));
                if let Some(v) = self.catalog.views.get_mut_cow(&key)
                    && let Some(cols) = &mut v.columns
                    && let Some(c) = cols.iter_mut().find(|c| c.key == from.key)
                {
                    *c = to.clone();
                }
            }
            Op::CreateEnum { name, values } => {
                let key = self.new_key(name);
                let written = self.written(name);
                self.catalog.types.insert_if_absent(
                    key,
                    TypeDef {
                        written,
                        origin,
                        shape: TypeShape::Enum { values: values.clone() },
                        renamed_values: Vec::new(),
                        added_values: Vec::new(),
                        renamed_from: Vec::new(),
                    },
                );
            }
            Op::CreateType { name, domain } => {
                let key = self.new_key(name);
                let shape = match domain {
                    Some(d) => {
                        let mut checks: Vec<DomainCheck> = Vec::new();
                        for (check_name, expr) in &d.checks {
                            let name = check_name.clone().unwrap_or_else(|| Name::plain(&domain_check_name(&key.name, &checks)));
                            checks.push(DomainCheck { name, expr: expr.clone(), not_valid: false, origin });
                        }
                        TypeShape::Domain { base: d.base.clone(), not_null: d.not_null.then_some(origin), checks }
                    }
                    None => TypeShape::Other,
                };
                let written = self.written(name);
                self.catalog.types.insert_if_absent(
                    key,
                    TypeDef { written, origin, shape, renamed_values: Vec::new(), added_values: Vec::new(), renamed_from: Vec::new() },
                );
            }
            Op::AlterDomain { name, change } => {
                let key = self.find_key(name, |k| self.catalog.types.contains_key(k));
                let Some(TypeDef { shape: TypeShape::Domain { not_null, checks, .. }, .. }) = self.catalog.types.get_mut_cow(&key) else {
                    return;
                };
                match change {
                    DomainChange::AddCheck { name: check_name, expr, not_valid } => {
                        let name = check_name.clone().unwrap_or_else(|| Name::plain(&domain_check_name(&key.name, checks)));
                        checks.push(DomainCheck { name, expr: expr.clone(), not_valid: *not_valid, origin });
                    }
                    DomainChange::DropConstraint { name } => checks.retain(|c| c.name.key != name.key),
                    DomainChange::ValidateConstraint { name } => {
                        for c in checks.iter_mut().filter(|c| c.name.key == name.key) {
                            c.not_valid = false;
                        }
                    }
                    DomainChange::SetNotNull => {
                        if not_null.is_none() {
                            *not_null = Some(origin);
                        }
                    }
                    DomainChange::DropNotNull => *not_null = None,
                }
            }
            Op::AddEnumValue { name, value, position, .. } => {
                let key = self.find_key(name, |k| self.catalog.types.contains_key(k));
                if let Some(TypeDef { shape: TypeShape::Enum { values }, added_values, .. }) = self.catalog.types.get_mut_cow(&key)
                    && !values.contains(value)
                {
                    added_values.push((value.clone(), origin));
                    let at = match position {
                        EnumPosition::End => values.len(),
                        EnumPosition::Before(v) => values.iter().position(|x| x == v).unwrap_or(values.len()),
                        EnumPosition::After(v) => values.iter().position(|x| x == v).map_or(values.len(), |i| i + 1),
                    };
                    values.insert(at, value.clone());
                }
            }
            Op::RenameEnumValue { name, from, to } => {
                let key = self.find_key(name, |k| self.catalog.types.contains_key(k));
                if let Some(t) = self.catalog.types.get_mut_cow(&key)
                    && let TypeShape::Enum { values } = &mut t.shape
                    && let Some(v) = values.iter_mut().find(|v| *v == from)
                {
                    *v = to.clone();
                    t.renamed_values.push((from.clone(), to.clone(), origin));
                    // A default holds the enum value, not its label: it reads the new label now.
                    // Columns of this enum type, named unqualified or in its schema.
                    let (type_schema, type_name) = (key.schema.clone(), key.name.clone());
                    let of_type = move |c: &Column| {
                        matches!(&c.ty.value.kind, crate::ty::TypeKind::Named { schema, name }
                            if *name == type_name && schema.as_ref().is_none_or(|s| *s == type_schema))
                    };
                    self.rename_in_defaults(of_type, &format!("'{}'", from.replace('\'', "''")), &format!("'{}'", to.replace('\'', "''")));
                }
            }
            Op::RenameType { from, to } => {
                let key = self.find_key(from, |k| self.catalog.types.contains_key(k));
                let to_key = ObjKey::new(key.schema.clone(), to.key.clone());
                self.move_type(&key, to_key, to, origin);
            }
            Op::DropType { name, cascade, .. } => {
                let key = self.find_key(name, |k| self.catalog.types.contains_key(k));
                let Some(ty) = self.catalog.types.get(&key) else {
                    return;
                };
                let what = if matches!(ty.shape, TypeShape::Domain { .. }) { "DROP DOMAIN" } else { "DROP TYPE" };
                let statement = format!("{what} {name}");
                if self.refused(Target::Type(&key), || statement.clone(), *cascade, origin) {
                    return;
                }
                self.catalog.types.remove(&key);
                self.event(Event::TypeDropped { ty: key.clone(), origin });
                if *cascade {
                    if self.tracks_dependencies() {
                        self.drop_dependents(Target::Type(&key), &format!("the CASCADE on {statement}"), origin);
                    } else {
                        self.drop_columns_of_type(&key, origin);
                    }
                }
            }
            Op::CreateSequence { name, data_type, .. } => {
                let key = self.new_key(name);
                let written = self.written(name);
                if !self.catalog.sequences.contains_key(&key) {
                    self.apply_default_privileges(
                        PrivilegeObjectKind::Sequence,
                        GrantObject::Sequence(key.clone()),
                        &key.schema.clone(),
                        origin,
                    );
                }
                self.catalog.sequences.insert_if_absent(
                    key,
                    Sequence { written, origin, data_type: data_type.clone(), owned_by: None, renamed_from: Vec::new() },
                );
            }
            Op::AlterSequence { name, data_type, owned_by } => {
                let key = self.find_key(name, |k| self.catalog.sequences.contains_key(k));
                let owner = owned_by.as_ref().map(|o| o.as_ref().map(|(t, c)| (self.table_key(t), c.key.clone())));
                if let Some(seq) = self.catalog.sequences.get_mut_cow(&key) {
                    if let Some(t) = data_type {
                        seq.data_type = Some(t.clone());
                    }
                    if let Some(owner) = owner {
                        seq.owned_by = owner;
                    }
                }
            }
            Op::RenameSequence { from, to } => {
                let key = self.find_key(from, |k| self.catalog.sequences.contains_key(k));
                let to_key = ObjKey::new(key.schema.clone(), to.key.clone());
                // Defaults hold the sequence itself, not its name: `nextval('old'::regclass)` reads
                // `nextval('new'::regclass)` from now on.
                self.rename_in_defaults(
                    |c: &Column| c.default.value.as_deref().is_some_and(|d| d.to_ascii_lowercase().contains("nextval")),
                    &format!("'{}'", key.name),
                    &format!("'{}'", to.key),
                );
                self.move_relation(&key, to_key, to, origin);
            }
            Op::DropSequence { name, cascade, .. } => {
                let key = self.find_key(name, |k| self.catalog.sequences.contains_key(k));
                let statement = || format!("DROP SEQUENCE {name}");
                if !self.catalog.sequences.contains_key(&key) || self.refused(Target::Sequence(&key), statement, *cascade, origin) {
                    return;
                }
                self.catalog.sequences.remove(&key);
                self.forget_access(&key);
                if *cascade {
                    self.drop_defaults_using(&key, origin);
                }
                self.event(Event::SequenceDropped { sequence: key, origin });
            }
            Op::CreateFunction { name, trigger, writes, or_replace, volatile, signature, fills } => {
                let fills: Vec<String> = fills.iter().map(|n| n.key.clone()).collect();
                let types = signature.as_ref().map(|s| s.identity_types()).unwrap_or_default();
                let key = ObjKey::new(self.schema_for_new(name), routine::identity_key(&name.name.key, &types, self.dialect()));
                let mut written = self.written(name);
                if let Some(sig) = signature.as_ref().filter(|_| self.dialect() == Dialect::Postgres) {
                    written.push_str(&sig.written_args());
                }
                let writes: Vec<(ObjKey, Vec<String>)> = writes
                    .iter()
                    .map(|w| {
                        let table = self.find_key(&w.table, |k| self.catalog.tables.contains_key(k));
                        (table, w.columns.iter().map(|c| c.key.clone()).collect())
                    })
                    .collect();
                match self.catalog.functions.get(&key) {
                    // `CREATE OR REPLACE` keeps the function and replaces its body.
                    Some(existing) if *or_replace => {
                        let mut f = Function::clone(existing);
                        f.writes = writes;
                        f.trigger = *trigger;
                        f.volatile = *volatile;
                        set_if_changed(&mut f.fills, fills, origin);
                        set_if_changed(&mut f.signature, signature.clone(), origin);
                        self.catalog.functions.insert(key, Arc::new(f));
                    }
                    _ => {
                        let function = Function {
                            written,
                            name: name.name.key.clone(),
                            signature: Tracked::new(signature.clone(), origin),
                            trigger: *trigger,
                            writes,
                            volatile: *volatile,
                            fills: Tracked::new(fills, origin),
                            origin,
                            renamed_from: Vec::new(),
                        };
                        if !self.catalog.functions.contains_key(&key) {
                            let schema = key.schema.clone();
                            self.apply_default_privileges(
                                PrivilegeObjectKind::Function,
                                GrantObject::Function(key.clone()),
                                &schema,
                                origin,
                            );
                        }
                        self.catalog.functions.insert_if_absent(key, function);
                    }
                }
            }
            Op::DropFunction { name, args, cascade, .. } => {
                let Some(key) = self.find_function(name, args.as_deref()) else {
                    return;
                };
                let statement =
                    format!("DROP FUNCTION {}", self.catalog.functions.get(&key).map_or_else(|| name.to_string(), |f| f.written.clone()));
                if self.refused(Target::Function(&key), || statement.clone(), *cascade, origin) {
                    return;
                }
                self.catalog.functions.remove(&key);
                self.forget_access(&key);
                self.event(Event::FunctionDropped { function: key.clone(), origin });
                self.drop_dependents(Target::Function(&key), &format!("the CASCADE on {statement}"), origin);
            }
            Op::AlterFunction { name, args, change } => {
                let Some(key) = self.find_function(name, args.as_deref()) else {
                    return;
                };
                match change {
                    FunctionChange::Rename(to) => {
                        let to_key =
                            ObjKey::new(key.schema.clone(), format!("{}{}", to.key, &key.name[routine::key_name(&key.name).len()..]));
                        self.move_function(&key, to_key, Some(to), origin);
                    }
                    FunctionChange::SetSchema(schema) => {
                        let to_key = ObjKey::new(schema.key.clone(), key.name.clone());
                        self.move_function(&key, to_key, None, origin);
                    }
                    FunctionChange::Attributes { volatility, security_definer } => {
                        if let Some(f) = self.catalog.functions.get_mut_cow(&key)
                            && let Some(mut sig) = f.signature.value.clone()
                        {
                            if let Some(v) = volatility {
                                sig.volatility = *v;
                                f.volatile = *v == routine::Volatility::Volatile;
                            }
                            if let Some(d) = security_definer {
                                sig.security_definer = *d;
                            }
                            set_if_changed(&mut f.signature, Some(sig), origin);
                        }
                    }
                }
            }
            Op::Privileges(change) => self.privileges(change, origin),
            Op::DefaultPrivileges { grant, schemas, kind, privileges, roles } => {
                self.default_privileges(*grant, schemas, *kind, privileges, roles)
            }
            Op::CreatePolicy(p) => self.create_policy(p, origin),
            Op::AlterPolicy { name, table, rename, roles } => self.alter_policy(name, table, rename.as_ref(), roles.as_deref(), origin),
            Op::DropPolicy { name, table } => self.drop_policy(name, table, origin),
            Op::CreateTrigger(ct) => self.create_trigger(ct, origin),
            Op::DropTrigger { name, table, .. } => {
                let key = match table {
                    Some(t) => {
                        let tkey = self.table_key(t);
                        self.trigger_key(&tkey, &name.key)
                    }
                    None => {
                        let schema = self.search_path[0].clone();
                        self.catalog
                            .triggers
                            .iter()
                            .find(|(k, t)| k.schema == schema && t.name.key == name.key)
                            .map_or_else(|| ObjKey::new(schema.clone(), name.key.clone()), |(k, _)| k.clone())
                    }
                };
                if self.catalog.triggers.remove(&key).is_some() {
                    self.event(Event::TriggerDropped { trigger: key, origin });
                }
            }
            Op::CreateExtension { name, schema } => {
                let schema = schema.as_ref().map_or_else(|| self.search_path[0].clone(), |s| s.key.clone());
                if !self.catalog.extensions.contains_key(&name.key) {
                    self.catalog.extensions.insert(name.key.clone(), Extension { written: name.written.clone(), schema, origin });
                }
            }
            Op::DropExtension { name, cascade, .. } => {
                if !self.catalog.extensions.contains_key(&name.key) {
                    return;
                }
                let statement = format!("DROP EXTENSION {name}");
                if self.refused(Target::Extension(&name.key), || statement.clone(), *cascade, origin) {
                    return;
                }
                self.drop_dependents(Target::Extension(&name.key), &format!("the CASCADE on {statement}"), origin);
                self.catalog.extensions.shift_remove(&name.key);
            }
        }
    }

    /// A function by name and, when given, input argument types (resolved through the search
    /// path); without types, the only function of that name.
    fn find_function(&self, name: &QualifiedName, args: Option<&[crate::ty::SqlType]>) -> Option<ObjKey> {
        let schemas: Vec<String> = match &name.schema {
            Some(s) => vec![s.key.clone()],
            None => self.search_path.clone(),
        };
        for schema in schemas {
            match args {
                Some(types) => {
                    let key = ObjKey::new(schema, routine::identity_key(&name.name.key, types, self.dialect()));
                    if self.catalog.functions.contains_key(&key) {
                        return Some(key);
                    }
                }
                None => {
                    let mut named = self.catalog.functions.iter().filter(|(k, f)| k.schema == schema && f.name == name.name.key);
                    if let (Some((k, _)), None) = (named.next(), named.next()) {
                        return Some(k.clone());
                    }
                }
            }
        }
        None
    }

    /// Renames a function (`to`) or moves it to another schema.
    fn move_function(&mut self, from: &ObjKey, to: ObjKey, to_name: Option<&Name>, origin: Origin) {
        let Some(f) = self.catalog.functions.remove(from) else {
            return;
        };
        let mut f = Arc::unwrap_or_clone(f);
        f.renamed_from.push((from.clone(), origin));
        if let Some(n) = to_name {
            let args = f.written.find('(').map_or("", |i| &f.written[i..]).to_string();
            f.written = format!("{}{args}", n.written);
            f.name = n.key.clone();
        }
        self.catalog.functions.insert(to.clone(), Arc::new(f));
        self.move_access(from, &to);
        self.follow_function(from, &to);
    }

    /// Drops a view with its indexes (a materialized view's) and triggers; whether it existed.
    fn remove_view(&mut self, key: &ObjKey, origin: Origin) -> bool {
        if self.catalog.views.remove(key).is_none() {
            return false;
        }
        self.event(Event::ViewDropped { view: key.clone(), origin });
        let indexes: Vec<ObjKey> = self.catalog.indexes.iter().filter(|(_, ix)| ix.table == *key).map(|(k, _)| k.clone()).collect();
        for index in indexes {
            self.catalog.indexes.remove(&index);
            self.event(Event::IndexDropped { index, origin });
        }
        for trigger in self.triggers_of(key) {
            self.catalog.triggers.remove(&trigger);
            self.event(Event::TriggerDropped { trigger, origin });
        }
        self.forget_access(key);
        true
    }

    /// What a statement's drops name, resolved as each drop resolves it.
    fn statement_targets(&self, ops: &[Op]) -> Vec<ObjKey> {
        if ops.len() < 2 {
            return Vec::new();
        }
        ops.iter()
            .filter_map(|op| match op {
                Op::DropTable { name, .. } => Some(self.table_key(name)),
                Op::DropView { name, .. } => Some(self.find_key(name, |k| self.catalog.views.contains_key(k))),
                Op::DropFunction { name, args, .. } => self.find_function(name, args.as_deref()),
                Op::DropType { name, .. } => Some(self.find_key(name, |k| self.catalog.types.contains_key(k))),
                _ => None,
            })
            .collect()
    }

    /// Triggers and views keep calling a function renamed or moved: they hold it, not its name.
    fn follow_function(&mut self, from: &ObjKey, to: &ObjKey) {
        self.catalog.triggers.update(|_, t| t.function.as_ref() == Some(from), |_, t| t.function = Some(to.clone()));
        self.catalog.views.update(
            |_, v| v.calls.contains(from),
            |_, v| {
                for c in &mut v.calls {
                    if c == from {
                        *c = to.clone();
                    }
                }
            },
        );
    }

    fn create_trigger(&mut self, ct: &CreateTrigger, origin: Origin) {
        let table = self.find_key(&ct.table, |k| self.catalog.tables.contains_key(k) || self.catalog.views.contains_key(k));
        let key = self.trigger_key(&table, &ct.name.key);
        if self.catalog.triggers.contains_key(&key) && !ct.or_replace {
            return;
        }
        // Trigger functions take no arguments.
        let function = ct.function.as_ref().and_then(|f| self.find_function(f, Some(&[])).or_else(|| self.find_function(f, None)));
        let fills = ct.fills.iter().map(|n| n.key.clone()).collect();
        let trigger = Trigger { name: ct.name.clone(), table, timing: ct.timing, events: ct.events.clone(), function, fills, origin };
        self.catalog.triggers.insert(key, Arc::new(trigger));
    }

    /// Why PostgreSQL refuses an `ALTER TABLE`, if it does: a column dropped without `CASCADE` or
    /// retyped while other objects depend on it.
    fn alter_refusal(
        &self,
        key: &ObjKey,
        table: &QualifiedName,
        actions: &[Action],
    ) -> Option<(Vec<depend::Dependent>, String, RefusalReason)> {
        if !self.tracks_dependencies() {
            return None;
        }
        for action in actions {
            match &action.kind {
                ActionKind::DropColumn { name, cascade: false, .. } => {
                    let dependents = self.dependents(Target::Column(key, &name.key));
                    if !dependents.is_empty() {
                        return Some((dependents, format!("ALTER TABLE {table} DROP COLUMN {name}"), RefusalReason::NeedsCascade));
                    }
                }
                ActionKind::SetType { column, .. } => {
                    let views: Vec<depend::Dependent> = self
                        .dependents(Target::Column(key, &column.key))
                        .into_iter()
                        .filter(|d| matches!(d, depend::Dependent::View(_)))
                        .collect();
                    if !views.is_empty() {
                        return Some((views, format!("ALTER TABLE {table} ALTER COLUMN {column} TYPE"), RefusalReason::TypeOfViewColumn));
                    }
                }
                _ => {}
            }
        }
        None
    }

    fn create_table(&mut self, ct: &CreateTable, origin: Origin) {
        let key = self.new_key(&ct.name);
        if ct.temporary || (self.catalog.tables.contains_key(&key) && !ct.or_replace) {
            return;
        }
        if self.catalog.tables.contains_key(&key) {
            self.catalog.invalidate_constraint_names();
        }
        let mut table = Table {
            written: self.written(&ct.name),
            origin,
            columns: Vec::new(),
            constraints: Vec::new(),
            partition_of: None,
            columns_unknown: ct.as_query,
            renamed_from: Vec::new(),
        };
        if let Some(parent) = &ct.partition_of {
            let pkey = self.table_key(parent);
            match self.catalog.tables.get(&pkey) {
                Some(p) => {
                    let all = LikeSource::everything(parent.clone());
                    table.columns = p.columns.iter().map(|c| Self::inherited_column(c, origin, &all)).collect();
                }
                None => table.columns_unknown = true,
            }
            table.partition_of = Some(pkey);
        }
        let mut copied = Vec::new();
        for like in &ct.like {
            let okey = self.table_key(&like.table);
            match self.catalog.tables.get(&okey) {
                Some(o) => {
                    table.columns.extend(o.columns.iter().map(|c| Self::inherited_column(c, origin, like)));
                    copied.push((okey, like));
                }
                None => table.columns_unknown = true,
            }
        }
        self.catalog.tables.insert(key.clone(), Arc::new(table));
        self.apply_default_privileges(PrivilegeObjectKind::Table, GrantObject::Table(key.clone()), &key.schema.clone(), origin);
        for (okey, like) in copied {
            self.copy_like(&okey, &key, &ct.name, like, origin);
        }
        for col in &ct.columns {
            self.add_column(&key, col, self.origin(col.range));
        }
        for c in &ct.constraints {
            self.add_constraint(&key, c, self.origin(c.range));
        }
    }

    /// Constraints and indexes `LIKE … INCLUDING` copies: PostgreSQL names them anew for the new
    /// table, MySQL keeps their names.
    fn copy_like(&mut self, from: &ObjKey, to: &ObjKey, to_name: &QualifiedName, like: &LikeSource, origin: Origin) {
        let Some(source) = self.catalog.tables.get(from) else { return };
        let keep_names = self.dialect() == Dialect::MySql;
        let constraints: Vec<Constraint> = source
            .constraints
            .iter()
            .filter(|c| match c.kind {
                ConstraintShape::Check { .. } => like.constraints,
                ConstraintShape::PrimaryKey { .. } | ConstraintShape::Unique { .. } | ConstraintShape::Exclusion { .. } => like.indexes,
                // Foreign keys are never copied by LIKE.
                ConstraintShape::ForeignKey { .. } => false,
            })
            .cloned()
            .collect();
        for mut c in constraints {
            if !keep_names {
                c.name = Name::plain(&self.generate_constraint_name(to, &c.kind));
            }
            c.origin = origin;
            self.push_constraint(to, c);
        }
        if !like.indexes {
            return;
        }
        let indexes: Vec<Index> = self.catalog.indexes.values().filter(|ix| ix.table == *from).map(|ix| Index::clone(ix)).collect();
        for ix in indexes {
            let ci = CreateIndex {
                name: keep_names.then(|| QualifiedName::new(None, ix.name.clone())),
                table: to_name.clone(),
                columns: ix
                    .columns
                    .iter()
                    .zip(&ix.keys)
                    .map(|(c, text)| IndexKey { column: c.as_deref().map(Name::plain), text: text.clone() })
                    .collect(),
                unique: ix.unique,
                if_not_exists: false,
                predicate: ix.predicate.clone(),
            };
            self.create_index(&ci, Some(to.clone()), origin);
        }
    }

    fn inherited_column(c: &Column, origin: Origin, like: &LikeSource) -> Column {
        let generated = match c.generated.value {
            Some(ValueSource::Computed) if !like.generated => None,
            Some(ValueSource::IdentityAlways | ValueSource::IdentityByDefault) if !like.identity => None,
            other => other,
        };
        Column {
            name: c.name.clone(),
            origin,
            ty: Tracked::new(c.ty.value.clone(), origin),
            type_text: c.type_text.clone(),
            not_null: Tracked::new(c.not_null.value, origin),
            default: Tracked::new(if like.defaults { c.default.value.clone() } else { None }, origin),
            generated: Tracked::new(generated, origin),
            renamed_from: Vec::new(),
        }
    }

    fn add_column(&mut self, table: &ObjKey, def: &ColumnDef, origin: Origin) {
        let dialect = self.dialect();
        let Some(t) = self.catalog.table_mut(table) else {
            return;
        };
        // Beyond what any supported database allows, a table is not modelled column by column:
        // that bounds the cost of every column operation, whatever a file holds.
        if t.columns.len() >= MAX_COLUMNS {
            if !t.columns_unknown {
                t.columns_unknown = true;
                self.events.push(Event::ColumnsNotModelled { table: table.clone(), origin });
            }
            return;
        }
        if t.column(&def.name.key).is_some() {
            return;
        }
        let mut default = def.default.clone();
        if def.generated_value == Some(ValueSource::Serial) && dialect == Dialect::Postgres {
            let seq_name = pg_object_name(&table.name, Some(&def.name.key), "seq");
            let seq_key = ObjKey::new(table.schema.clone(), seq_name.clone());
            let qualified =
                if table.schema == dialect.default_schema() { seq_name.clone() } else { format!("{}.{}", table.schema, seq_name) };
            default = Some(format!("nextval('{qualified}'::regclass)"));
            self.catalog.sequences.insert(
                seq_key,
                Arc::new(Sequence {
                    written: seq_name,
                    origin,
                    data_type: Some(def.ty.clone()),
                    owned_by: Some((table.clone(), def.name.key.clone())),
                    renamed_from: Vec::new(),
                }),
            );
        }
        let t = self.catalog.table_mut(table).expect("checked above");
        t.columns.push(Column {
            name: def.name.clone(),
            origin,
            ty: Tracked::new(def.ty.clone(), origin),
            type_text: def.type_text.clone(),
            not_null: Tracked::new(def.not_null, origin),
            default: Tracked::new(default, origin),
            generated: Tracked::new(def.generated_value, origin),
            renamed_from: Vec::new(),
        });
        for c in &def.constraints {
            self.add_constraint(table, c, origin);
        }
    }

    fn add_constraint(&mut self, table: &ObjKey, def: &ConstraintDef, origin: Origin) {
        if !self.catalog.tables.contains_key(table) {
            return;
        }
        let cols = |names: &[Name]| names.iter().map(|n| n.key.clone()).collect::<Vec<_>>();
        let shape = match &def.kind {
            ConstraintKind::PrimaryKey { columns } => ConstraintShape::PrimaryKey { columns: cols(columns) },
            ConstraintKind::Unique { columns, using_index: None } => ConstraintShape::Unique { columns: cols(columns) },
            ConstraintKind::Unique { using_index: Some(index), .. } | ConstraintKind::PrimaryKeyUsingIndex { index } => {
                // The index becomes the constraint's index, under the constraint's name.
                let ikey = ObjKey::new(table.schema.clone(), index.key.clone());
                let Some(ix) = self.catalog.indexes.remove(&ikey) else {
                    return;
                };
                let ix = Arc::unwrap_or_clone(ix);
                let columns: Vec<String> = ix.columns.into_iter().flatten().collect();
                let name = def.name.clone().unwrap_or(ix.name);
                let shape = if matches!(def.kind, ConstraintKind::PrimaryKeyUsingIndex { .. }) {
                    ConstraintShape::PrimaryKey { columns }
                } else {
                    ConstraintShape::Unique { columns }
                };
                self.push_constraint(table, Constraint { name, kind: shape, not_valid: false, origin });
                return;
            }
            ConstraintKind::Check { expr } => ConstraintShape::Check { expr: expr.clone() },
            ConstraintKind::ForeignKey { columns, ref_table, ref_columns } => {
                let ref_key = self.table_key(ref_table);
                let mut ref_columns = cols(ref_columns);
                if ref_columns.is_empty()
                    && let Some(pk) = self.catalog.tables.get(&ref_key).and_then(|t| t.primary_key())
                {
                    ref_columns = pk.kind.columns().to_vec();
                }
                ConstraintShape::ForeignKey { columns: cols(columns), ref_table: ref_key, ref_columns }
            }
            ConstraintKind::Exclusion { columns } => ConstraintShape::Exclusion { columns: cols(columns) },
        };
        let name = match &def.name {
            Some(n) => n.clone(),
            None => Name::plain(&self.generate_constraint_name(table, &shape)),
        };
        if self.dialect() == Dialect::MySql {
            match &shape {
                ConstraintShape::ForeignKey { columns, .. } => self.foreign_key_index(table, columns, def.name.as_ref(), origin),
                key if key.is_index_backed() => self.drop_foreign_key_indexes_served_by(table, key.columns()),
                _ => {}
            }
        }
        self.push_constraint(table, Constraint { name, kind: shape, not_valid: def.not_valid, origin });
    }

    /// InnoDB drops the index it made for a foreign key when another index can serve the key (its
    /// columns start the new index's).
    fn drop_foreign_key_indexes_served_by(&mut self, table: &ObjKey, keys: &[String]) {
        let served =
            |ix: &Index| ix.for_foreign_key && ix.table == *table && keys.len() >= ix.keys.len() && keys[..ix.keys.len()] == ix.keys[..];
        let gone: Vec<ObjKey> = self.catalog.indexes.iter().filter(|(_, ix)| served(ix)).map(|(k, _)| k.clone()).collect();
        for k in gone {
            self.catalog.indexes.remove(&k);
        }
    }

    /// InnoDB indexes a foreign key's columns: unless an index (or key) already starts with them, it
    /// creates one, named as the constraint when it is named, else after its first column. The index
    /// stays when the foreign key is dropped.
    fn foreign_key_index(&mut self, table: &ObjKey, columns: &[String], constraint: Option<&Name>, origin: Origin) {
        let starts_with = |keys: &[String]| keys.len() >= columns.len() && keys[..columns.len()] == *columns;
        let t = self.catalog.tables.get(table);
        let by_key = t.is_some_and(|t| t.constraints.iter().any(|c| c.kind.is_index_backed() && starts_with(c.kind.columns())));
        let by_index = self.catalog.indexes.values().any(|ix| ix.table == *table && starts_with(&ix.keys));
        if by_key || by_index || columns.is_empty() {
            return;
        }
        let name = constraint.cloned().unwrap_or_else(|| Name::plain(&columns[0]));
        let key = self.index_key(table, &name.key);
        if self.catalog.indexes.contains_key(&key) {
            return;
        }
        let index = Index {
            name,
            table: table.clone(),
            columns: columns.iter().cloned().map(Some).collect(),
            keys: columns.to_vec(),
            unique: false,
            predicate: None,
            for_foreign_key: true,
            origin,
        };
        self.catalog.indexes.insert(key, Arc::new(index));
    }

    fn push_constraint(&mut self, table: &ObjKey, constraint: Constraint) {
        let dialect = self.dialect();
        let Some(t) = self.catalog.table_mut(table) else {
            return;
        };
        if let ConstraintShape::PrimaryKey { columns } = &constraint.kind {
            if t.primary_key().is_some() {
                return;
            }
            // A primary key makes its columns NOT NULL (SQLite keeps its historical exception).
            if dialect != Dialect::Sqlite {
                for col in columns {
                    if let Some(c) = t.column_mut(col)
                        && !c.not_null.value
                    {
                        c.not_null.set(true, constraint.origin);
                    }
                }
            }
        }
        if t.constraints.iter().any(|c| c.name.key == constraint.name.key) {
            return;
        }
        let (name, index_backed) = (constraint.name.key.clone(), constraint.kind.is_index_backed());
        t.constraints.push(constraint);
        self.catalog.note_constraint_name(&table.schema, &name, index_backed);
    }

    /// The name the database gives a constraint declared without one.
    fn generate_constraint_name(&mut self, key: &ObjKey, shape: &ConstraintShape) -> String {
        let dialect = self.dialect();
        let tname = &key.name;
        let Some(table) = self.catalog.tables.get(key) else { return format!("{tname}_constraint") };
        match dialect {
            Dialect::Postgres => {
                let (cols, label) = match shape {
                    ConstraintShape::PrimaryKey { .. } => (None, "pkey"),
                    ConstraintShape::Unique { columns } => (Some(columns.join("_")), "key"),
                    ConstraintShape::ForeignKey { columns, .. } => (Some(columns.join("_")), "fkey"),
                    ConstraintShape::Exclusion { columns } => (Some(columns.join("_")), "excl"),
                    ConstraintShape::Check { expr } => {
                        // PostgreSQL names a check after its column only when it mentions exactly one.
                        let referenced = columns_referenced(expr, table, dialect);
                        ((referenced.len() == 1).then(|| referenced[0].clone()), "check")
                    }
                };
                let index_backed = shape.is_index_backed();
                let catalog = &mut *self.catalog;
                choose_pg_name(tname, cols.as_deref(), label, |name| {
                    if index_backed {
                        catalog.relation_name_taken(&ObjKey::new(key.schema.clone(), name))
                    } else {
                        catalog.constraint_name_taken(&key.schema, name, false)
                    }
                })
            }
            Dialect::MySql => match shape {
                ConstraintShape::PrimaryKey { .. } => "PRIMARY".to_string(),
                ConstraintShape::Unique { columns } | ConstraintShape::Exclusion { columns } => {
                    let base = columns.first().cloned().unwrap_or_else(|| "key".into());
                    let mut name = base.clone();
                    let mut n = 2;
                    while table.constraints.iter().any(|c| c.name.key == name) {
                        name = format!("{base}_{n}");
                        n += 1;
                    }
                    name
                }
                ConstraintShape::ForeignKey { .. } => {
                    let n = table.constraints.iter().filter(|c| matches!(c.kind, ConstraintShape::ForeignKey { .. })).count();
                    format!("{tname}_ibfk_{}", n + 1)
                }
                ConstraintShape::Check { .. } => {
                    let n = table.constraints.iter().filter(|c| matches!(c.kind, ConstraintShape::Check { .. })).count();
                    format!("{tname}_chk_{}", n + 1)
                }
            },
            Dialect::Sqlite => {
                let n = table.constraints.len() + 1;
                format!("sqlite_autoindex_{tname}_{n}")
            }
        }
    }

    /// Applies one `ALTER TABLE` action. Returns the table's new key when the action moved it.
    fn action(&mut self, key: &ObjKey, action: &Action) -> Option<ObjKey> {
        let origin = self.origin(action.range);
        // An action on a column the table does not have (in the model): made by code, or the
        // table's columns are not known (CREATE TABLE … AS SELECT). Its effect is not checked.
        let target = match &action.kind {
            ActionKind::SetType { column, .. }
            | ActionKind::SetNotNull { column }
            | ActionKind::DropNotNull { column }
            | ActionKind::SetDefault { column, .. }
            | ActionKind::DropDefault { column }
            | ActionKind::AddIdentity { column, .. }
            | ActionKind::DropIdentity { column }
            | ActionKind::DropExpression { column } => Some(column),
            ActionKind::RenameColumn { from, .. } => Some(from),
            ActionKind::DropColumn { name, if_exists: false, .. } => Some(name),
            _ => None,
        };
        if let Some(column) = target
            && let Some(t) = self.catalog.tables.get(key)
            && t.column(&column.key).is_none()
        {
            let what = if t.columns_unknown {
                format!("column {}.{column} (the table's columns are not known: CREATE TABLE … AS, or too many)", t.written)
            } else {
                format!("column {}.{column}", t.written)
            };
            self.unknown(UnknownKind::Column, key.clone(), what, origin);
        }
        match &action.kind {
            ActionKind::AddColumn { def, .. } => self.add_column(key, def, origin),
            ActionKind::DropColumn { name, cascade, .. } => {
                if *cascade && let Some(t) = self.catalog.tables.get(key) {
                    let by = format!("the CASCADE on DROP COLUMN {}.{name}", t.written);
                    self.drop_dependents(Target::Column(key, &name.key), &by, origin);
                }
                self.drop_column(key, &name.key, origin)
            }
            ActionKind::RenameColumn { from, to } => self.rename_column(key, from, to, origin),
            ActionKind::RedefineColumn { from, def } => {
                if from.key != def.name.key {
                    self.rename_column(key, from, &def.name, origin);
                }
                // MySQL keeps primary key columns NOT NULL whatever MODIFY says.
                let in_primary_key = self.dialect() == Dialect::MySql
                    && self
                        .catalog
                        .tables
                        .get(key)
                        .and_then(|t| t.primary_key())
                        .is_some_and(|pk| pk.kind.columns().contains(&def.name.key));
                if let Some(c) = self.catalog.table_mut(key).and_then(|t| t.column_mut(&def.name.key)) {
                    set_if_changed(&mut c.ty, def.ty.clone(), origin);
                    c.type_text = def.type_text.clone();
                    set_if_changed(&mut c.not_null, def.not_null || in_primary_key, origin);
                    set_if_changed(&mut c.default, def.default.clone(), origin);
                    set_if_changed(&mut c.generated, def.generated_value, origin);
                }
                for con in &def.constraints {
                    self.add_constraint(key, con, origin);
                }
            }
            ActionKind::SetType { column, ty, type_text } => {
                if let Some(c) = self.column_mut(key, &column.key) {
                    set_if_changed(&mut c.ty, ty.clone(), origin);
                    c.type_text = type_text.clone();
                }
            }
            ActionKind::SetNotNull { column } => {
                if let Some(c) = self.column_mut(key, &column.key) {
                    set_if_changed(&mut c.not_null, true, origin);
                }
            }
            ActionKind::DropNotNull { column } => {
                if let Some(c) = self.column_mut(key, &column.key) {
                    set_if_changed(&mut c.not_null, false, origin);
                }
            }
            ActionKind::SetDefault { column, expr } => {
                if let Some(c) = self.column_mut(key, &column.key) {
                    set_if_changed(&mut c.default, Some(expr.clone()), origin);
                    forget_serial(c, origin);
                }
            }
            ActionKind::DropDefault { column } => {
                if let Some(c) = self.column_mut(key, &column.key) {
                    set_if_changed(&mut c.default, None, origin);
                    forget_serial(c, origin);
                }
            }
            ActionKind::AddIdentity { column, always } => {
                if let Some(c) = self.column_mut(key, &column.key) {
                    let source = if *always { ValueSource::IdentityAlways } else { ValueSource::IdentityByDefault };
                    set_if_changed(&mut c.generated, Some(source), origin);
                    set_if_changed(&mut c.not_null, true, origin);
                }
            }
            ActionKind::DropIdentity { column } | ActionKind::DropExpression { column } => {
                if let Some(c) = self.column_mut(key, &column.key) {
                    set_if_changed(&mut c.generated, None, origin);
                }
            }
            ActionKind::AddConstraint(def) => self.add_constraint(key, def, origin),
            ActionKind::DropConstraint { name, .. } | ActionKind::DropForeignKey { name } => {
                self.drop_constraint(key, |c| c.name.key == name.key, origin)
            }
            ActionKind::DropPrimaryKey => self.drop_constraint(key, |c| matches!(c.kind, ConstraintShape::PrimaryKey { .. }), origin),
            ActionKind::DropIndex { name } => {
                let table_name = QualifiedName::new(Some(Name::plain(&key.schema)), Name::plain(&key.name));
                self.drop_index(&QualifiedName::new(None, name.clone()), Some(&table_name), origin);
            }
            ActionKind::AddIndex(ci) => self.create_index(ci, Some(key.clone()), origin),
            ActionKind::RenameIndex { from, to } => {
                let from_key = self.index_key(key, &from.key);
                if let Some(ix) = self.catalog.indexes.remove(&from_key) {
                    let mut ix = Arc::unwrap_or_clone(ix);
                    ix.name = to.clone();
                    let to_key = self.index_key(key, &to.key);
                    self.catalog.indexes.insert(to_key, Arc::new(ix));
                } else {
                    self.rename_constraint(key, &from.key, to);
                }
            }
            ActionKind::RenameConstraint { from, to } => self.rename_constraint(key, &from.key, to),
            ActionKind::ValidateConstraint { name } => {
                if let Some(c) = self.catalog.table_mut(key).and_then(|t| t.constraints.iter_mut().find(|c| c.name.key == name.key)) {
                    c.not_valid = false;
                }
            }
            ActionKind::RenameTo { to } => {
                let schema = to.schema.as_ref().map_or(key.schema.clone(), |s| s.key.clone());
                let to_key = ObjKey::new(schema, to.name.key.clone());
                self.move_relation(key, to_key.clone(), &to.name, origin);
                return Some(to_key);
            }
            ActionKind::SetSchema { schema } => {
                let to_key = ObjKey::new(schema.key.clone(), key.name.clone());
                let written = self.catalog.tables.get(key).map(|t| t.written.rsplit('.').next().unwrap_or("").to_string());
                let new_name = Name { key: key.name.clone(), written: written.unwrap_or_else(|| key.name.clone()) };
                self.move_relation(key, to_key.clone(), &new_name, origin);
                if let Some(t) = self.catalog.table_mut(&to_key) {
                    t.written = format!("{}.{}", schema.written, new_name.written);
                }
                return Some(to_key);
            }
            ActionKind::AttachPartition { partition } => {
                let pkey = self.table_key(partition);
                if let Some(p) = self.catalog.table_mut(&pkey) {
                    p.partition_of = Some(key.clone());
                }
            }
            ActionKind::DetachPartition { partition } => {
                let pkey = self.table_key(partition);
                if let Some(p) = self.catalog.table_mut(&pkey)
                    && p.partition_of.take().is_some()
                {
                    self.events.push(Event::PartitionDetached { parent: key.clone(), partition: pkey, origin });
                }
            }
            ActionKind::RowSecurity { enable, force } => self.row_security(key, *enable, *force, origin),
            ActionKind::NoEffect => {}
        }
        None
    }

    /// `DROP SEQUENCE … CASCADE` drops the defaults that call it (a serial column's `nextval`).
    /// Rewrites `from` to `to` in the column defaults that `applies` to (defaults that refer to an
    /// object by its name, after the object is renamed).
    fn rename_in_defaults(&mut self, applies: impl Fn(&Column) -> bool, from: &str, to: &str) {
        let uses = |c: &Column| applies(c) && c.default.value.as_deref().is_some_and(|d| d.contains(from));
        self.catalog.update_tables(
            |_, t| t.columns.iter().any(&uses),
            |_, t| {
                for c in t.columns.iter_mut().filter(|c| uses(c)) {
                    let renamed = c.default.value.as_deref().map(|d| d.replace(from, to));
                    // The default did not change in meaning: keep where it was set.
                    let set_at = c.default.origin;
                    c.default.set(renamed, set_at);
                }
            },
        );
    }

    fn drop_defaults_using(&mut self, sequence: &ObjKey, origin: Origin) {
        let default_schema = self.dialect().default_schema();
        let unqualified = format!("'{}'", sequence.name);
        let qualified = format!("'{}.{}'", sequence.schema, sequence.name);
        let uses = |tkey: &ObjKey, c: &Column| {
            c.default.value.as_deref().is_some_and(|d| {
                let d = d.to_ascii_lowercase();
                d.contains("nextval")
                    && (d.contains(&qualified)
                        || (d.contains(&unqualified) && tkey.schema == sequence.schema && sequence.schema == default_schema))
            })
        };
        self.catalog.update_tables(
            |tkey, t| t.columns.iter().any(|c| uses(tkey, c)),
            |tkey, t| {
                for c in t.columns.iter_mut().filter(|c| uses(tkey, c)) {
                    c.default.set(None, origin);
                    forget_serial(c, origin);
                }
            },
        );
    }

    fn column_mut(&mut self, table: &ObjKey, column: &str) -> Option<&mut Column> {
        self.catalog.table_mut(table)?.column_mut(column)
    }

    fn drop_column(&mut self, key: &ObjKey, column: &str, origin: Origin) {
        let dialect = self.catalog.dialect;
        // Only a table that has the column is copied.
        if self.catalog.tables.get(key).is_none_or(|t| t.column(column).is_none()) {
            return;
        }
        let Some(t) = self.catalog.table_mut(key) else {
            return;
        };
        let Some(pos) = t.columns.iter().position(|c| c.name.key == column) else {
            return;
        };
        t.columns.remove(pos);
        // Constraints on the column go with it; a check constraint mentioning it too.
        let mut gone = Vec::new();
        t.constraints.retain(|c| {
            let keep = match &c.kind {
                ConstraintShape::Check { expr } => !columns_referenced_raw(expr, dialect).iter().any(|w| w == column),
                other => !other.columns().iter().any(|c| c == column),
            };
            if !keep {
                gone.push((c.name.key.clone(), c.kind.is_index_backed()));
            }
            keep
        });
        self.event(Event::ColumnDropped { table: key.clone(), column: column.to_string(), origin });
        for (name, index_backed) in gone {
            self.catalog.forget_constraint_name(&key.schema, &name, index_backed);
            self.event(Event::ConstraintDropped { table: key.clone(), name, origin });
        }
        let indexes: Vec<ObjKey> = self
            .catalog
            .indexes
            .iter()
            .filter(|(_, ix)| ix.table == *key && ix.columns.iter().any(|c| c.as_deref() == Some(column)))
            .map(|(k, _)| k.clone())
            .collect();
        for index in indexes {
            self.catalog.indexes.remove(&index);
            self.event(Event::IndexDropped { index, origin });
        }
        self.catalog.sequences.retain_where(|_, s| s.owned_by.as_ref().is_none_or(|(t, c)| t != key || c != column));
        self.column_access(key, column, None);
    }

    fn rename_column(&mut self, key: &ObjKey, from: &Name, to: &Name, origin: Origin) {
        let Some(t) = self.catalog.table_mut(key) else {
            return;
        };
        let Some(c) = t.column_mut(&from.key) else {
            return;
        };
        c.renamed_from.push((from.key.clone(), origin));
        c.name = to.clone();
        let rename = |cols: &mut Vec<String>| {
            for c in cols.iter_mut() {
                if *c == from.key {
                    *c = to.key.clone();
                }
            }
        };
        for con in &mut t.constraints {
            match &mut con.kind {
                ConstraintShape::PrimaryKey { columns } | ConstraintShape::Unique { columns } | ConstraintShape::Exclusion { columns } => {
                    rename(columns)
                }
                ConstraintShape::ForeignKey { columns, .. } => rename(columns),
                ConstraintShape::Check { .. } => {}
            }
        }
        self.catalog.indexes.update(
            |_, ix| ix.table == *key && ix.columns.iter().any(|c| c.as_deref() == Some(from.key.as_str())),
            |_, ix| {
                for (column, text) in ix.columns.iter_mut().zip(ix.keys.iter_mut()) {
                    if column.as_deref() == Some(from.key.as_str()) {
                        *column = Some(to.key.clone());
                        *text = to.key.clone();
                    }
                }
            },
        );
        let references = |con: &Constraint| matches!(&con.kind, ConstraintShape::ForeignKey { ref_table, .. } if ref_table == key);
        self.catalog.update_tables(
            |_, t| t.constraints.iter().any(references),
            |_, t| {
                for con in &mut t.constraints {
                    if let ConstraintShape::ForeignKey { ref_table, ref_columns, .. } = &mut con.kind
                        && ref_table == key
                    {
                        rename(ref_columns);
                    }
                }
            },
        );
        // Views hold the column, not its name: they read it under its new name.
        let holds = |t: &ObjKey, c: &String| t == key && *c == from.key;
        self.catalog.views.update(
            |_, v| v.reads.iter().any(|(t, c)| holds(t, c)) || v.column_sources.iter().flatten().any(|(t, c)| holds(t, c)),
            |_, v| {
                for (t, c) in v.reads.iter_mut().chain(v.column_sources.iter_mut().flatten()) {
                    if holds(t, c) {
                        *c = to.key.clone();
                    }
                }
            },
        );
        self.catalog.sequences.update(
            |_, s| s.owned_by.as_ref().is_some_and(|(t, c)| t == key && *c == from.key),
            |_, s| {
                if let Some((_, c)) = &mut s.owned_by {
                    *c = to.key.clone();
                }
            },
        );
        self.column_access(key, &from.key, Some(&to.key));
    }

    fn drop_constraint(&mut self, key: &ObjKey, pred: impl Fn(&Constraint) -> bool, origin: Origin) {
        if !self.catalog.tables.get(key).is_some_and(|t| t.constraints.iter().any(&pred)) {
            return;
        }
        let Some(t) = self.catalog.table_mut(key) else {
            return;
        };
        if let Some(pos) = t.constraints.iter().position(&pred) {
            let c = t.constraints.remove(pos);
            self.catalog.forget_constraint_name(&key.schema, &c.name.key, c.kind.is_index_backed());
            self.event(Event::ConstraintDropped { table: key.clone(), name: c.name.key, origin });
        }
    }

    /// Renames a constraint of a table (directly, or through the index that backs it).
    fn rename_constraint(&mut self, key: &ObjKey, from: &str, to: &Name) {
        let Some(c) = self.catalog.table_mut(key).and_then(|t| t.constraints.iter_mut().find(|c| c.name.key == from)) else {
            return;
        };
        c.name = to.clone();
        let index_backed = c.kind.is_index_backed();
        self.catalog.forget_constraint_name(&key.schema, from, index_backed);
        self.catalog.note_constraint_name(&key.schema, &to.key, index_backed);
    }

    /// Drops a table with its indexes, constraints, triggers and owned sequences; `cascade` (what
    /// the CASCADE is, for messages) also drops what depends on it.
    fn drop_table(&mut self, key: &ObjKey, cascade: Option<&str>, origin: Origin) {
        if !self.catalog.tables.contains_key(key) {
            return;
        }
        if let Some(by) = cascade {
            if self.tracks_dependencies() {
                self.drop_dependents(Target::Table(key), by, origin);
            } else {
                self.drop_direct_dependents(key, origin);
            }
        }
        let Some(dropped) = self.catalog.tables.remove(key) else {
            return;
        };
        for c in &dropped.constraints {
            self.catalog.forget_constraint_name(&key.schema, &c.name.key, c.kind.is_index_backed());
        }
        self.event(Event::TableDropped { table: key.clone(), origin });
        // Indexes and constraints go with the table; record it so findings about them point here.
        let indexes: Vec<ObjKey> = self.catalog.indexes.iter().filter(|(_, ix)| ix.table == *key).map(|(k, _)| k.clone()).collect();
        for index in indexes {
            self.catalog.indexes.remove(&index);
            self.event(Event::IndexDropped { index, origin });
        }
        for c in &dropped.constraints {
            self.event(Event::ConstraintDropped { table: key.clone(), name: c.name.key.clone(), origin });
        }
        for trigger in self.triggers_of(key) {
            self.catalog.triggers.remove(&trigger);
            self.event(Event::TriggerDropped { trigger, origin });
        }
        self.catalog.sequences.retain_where(|_, s| s.owned_by.as_ref().is_none_or(|(t, _)| t != key));
        self.catalog.update_tables(|_, t| t.partition_of.as_ref() == Some(key), |_, t| t.partition_of = None);
        self.forget_access(key);
    }

    /// `DROP TABLE … CASCADE` where dependencies are not tracked (MySQL, SQLite accept the word):
    /// the views over the table and the foreign keys to it.
    fn drop_direct_dependents(&mut self, key: &ObjKey, origin: Origin) {
        let dependent: Vec<ObjKey> = self.catalog.views.iter().filter(|(_, v)| v.sources.contains(key)).map(|(k, _)| k.clone()).collect();
        for v in dependent {
            self.remove_view(&v, origin);
        }
        let references = |c: &Constraint| matches!(&c.kind, ConstraintShape::ForeignKey { ref_table, .. } if ref_table == key);
        let forgotten: Vec<(ObjKey, String)> = self
            .catalog
            .tables
            .iter()
            .flat_map(|(k, t)| t.constraints.iter().filter(|c| references(c)).map(move |c| (k.clone(), c.name.key.clone())))
            .collect();
        for (table, name) in forgotten {
            self.drop_constraint(&table, |c| c.name.key == name && references(c), origin);
        }
    }

    fn drop_schema(&mut self, schema: &str, origin: Origin) {
        self.catalog.invalidate_constraint_names();
        // A schema created outside the migrations (or in a DO block) still holds what was put in it.
        let declared = self.catalog.schemas.shift_remove(schema).is_some();
        if !declared && !self.catalog.all_schemas().contains(schema) {
            return;
        }
        self.events.push(Event::SchemaDropped { schema: schema.to_string(), origin });
        let by = format!("the CASCADE on DROP SCHEMA {schema}");
        let tables: Vec<ObjKey> = self.catalog.tables.keys().filter(|k| k.schema == schema).cloned().collect();
        for t in tables {
            self.drop_table(&t, Some(&by), origin);
        }
        let views: Vec<ObjKey> = self.catalog.views.keys().filter(|k| k.schema == schema).cloned().collect();
        for v in views {
            if self.remove_view(&v, origin) {
                self.drop_dependents(Target::View(&v), &by, origin);
            }
        }
        let types: Vec<ObjKey> = self.catalog.types.keys().filter(|k| k.schema == schema).cloned().collect();
        for ty in types {
            self.catalog.types.remove(&ty);
            self.event(Event::TypeDropped { ty: ty.clone(), origin });
            self.drop_dependents(Target::Type(&ty), &by, origin);
        }
        let seqs: Vec<ObjKey> = self.catalog.sequences.keys().filter(|k| k.schema == schema).cloned().collect();
        for s in seqs {
            self.catalog.sequences.remove(&s);
            self.event(Event::SequenceDropped { sequence: s, origin });
        }
        let functions: Vec<ObjKey> = self.catalog.functions.keys().filter(|k| k.schema == schema).cloned().collect();
        for f in functions {
            self.drop_dependents(Target::Function(&f), &by, origin);
        }
        self.catalog.indexes.retain_where(|k, _| k.schema != schema);
        self.catalog.functions.retain_where(|k, _| k.schema != schema);
    }

    fn rename_schema(&mut self, from: &str, to: &Name, origin: Origin) {
        self.catalog.invalidate_constraint_names();
        let mut schema = match self.catalog.schemas.shift_remove(from) {
            Some(schema) => schema,
            None if self.catalog.all_schemas().contains(from) => Schema { written: from.to_string(), origin },
            None => return,
        };
        schema.written = to.written.clone();
        self.catalog.schemas.insert(to.key.clone(), schema);
        let moved = |k: &ObjKey| ObjKey::new(to.key.clone(), k.name.clone());
        let tables: Vec<ObjKey> = self.catalog.tables.keys().filter(|k| k.schema == from).cloned().collect();
        for k in tables {
            let name = Name { key: k.name.clone(), written: k.name.clone() };
            self.move_relation(&k, moved(&k), &name, origin);
        }
        let views: Vec<ObjKey> = self.catalog.views.keys().filter(|k| k.schema == from).cloned().collect();
        for k in views {
            let name = Name { key: k.name.clone(), written: k.name.clone() };
            self.move_relation(&k, moved(&k), &name, origin);
        }
        let types: Vec<ObjKey> = self.catalog.types.keys().filter(|k| k.schema == from).cloned().collect();
        for k in types {
            let name = Name { key: k.name.clone(), written: k.name.clone() };
            self.move_type(&k, moved(&k), &name, origin);
        }
        let seqs: Vec<ObjKey> = self.catalog.sequences.keys().filter(|k| k.schema == from).cloned().collect();
        for k in seqs {
            let name = Name { key: k.name.clone(), written: k.name.clone() };
            self.move_relation(&k, moved(&k), &name, origin);
        }
        let indexes: Vec<ObjKey> = self.catalog.indexes.keys().filter(|k| k.schema == from).cloned().collect();
        for k in indexes {
            if let Some(ix) = self.catalog.indexes.remove(&k) {
                self.catalog.indexes.insert(moved(&k), ix);
            }
        }
    }

    /// Renames or moves a table, view or sequence, and updates what refers to it.
    fn move_relation(&mut self, from: &ObjKey, to: ObjKey, to_name: &Name, origin: Origin) {
        if from == &to {
            return;
        }
        let default_schema = self.dialect().default_schema();
        let rewrite_written = |written: &str| -> String {
            match written.rsplit_once('.') {
                Some((schema, _)) if from.schema == to.schema => {
                    format!("{schema}.{}", to_name.written)
                }
                _ if from.schema != to.schema && !to.schema.is_empty() && to.schema != default_schema => {
                    format!("{}.{}", to.schema, to_name.written)
                }
                _ => to_name.written.clone(),
            }
        };
        if let Some(t) = self.catalog.tables.remove(from) {
            // Constraint names are per schema: a table moved to another schema takes them along.
            if from.schema != to.schema {
                for c in &t.constraints {
                    self.catalog.forget_constraint_name(&from.schema, &c.name.key, c.kind.is_index_backed());
                    self.catalog.note_constraint_name(&to.schema, &c.name.key, c.kind.is_index_backed());
                }
            }
            let mut t = Arc::unwrap_or_clone(t);
            t.renamed_from.push((from.clone(), origin));
            t.written = rewrite_written(&t.written);
            self.catalog.tables.insert(to.clone(), Arc::new(t));
            self.catalog.indexes.update(|_, ix| ix.table == *from, |_, ix| ix.table = to.clone());
            self.move_triggers(from, &to);
            self.move_access(from, &to);
            let references = |c: &Constraint| matches!(&c.kind, ConstraintShape::ForeignKey { ref_table, .. } if ref_table == from);
            self.catalog.update_tables(
                |_, t| t.partition_of.as_ref() == Some(from) || t.constraints.iter().any(references),
                |_, t| {
                    if t.partition_of.as_ref() == Some(from) {
                        t.partition_of = Some(to.clone());
                    }
                    for c in &mut t.constraints {
                        if let ConstraintShape::ForeignKey { ref_table, .. } = &mut c.kind
                            && ref_table == from
                        {
                            *ref_table = to.clone();
                        }
                    }
                },
            );
            self.views_follow(from, &to);
            self.catalog.sequences.update(
                |_, s| s.owned_by.as_ref().is_some_and(|(t, _)| t == from),
                |_, s| {
                    if let Some((t, _)) = &mut s.owned_by {
                        *t = to.clone();
                    }
                },
            );
        } else if let Some(v) = self.catalog.views.remove(from) {
            let mut v = Arc::unwrap_or_clone(v);
            v.renamed_from.push((from.clone(), origin));
            v.written = rewrite_written(&v.written);
            self.catalog.views.insert(to.clone(), Arc::new(v));
            self.move_access(from, &to);
            self.catalog.indexes.update(|_, ix| ix.table == *from, |_, ix| ix.table = to.clone());
            self.views_follow(from, &to);
            self.move_triggers(from, &to);
        } else if let Some(s) = self.catalog.sequences.remove(from) {
            let mut s = Arc::unwrap_or_clone(s);
            s.renamed_from.push((from.clone(), origin));
            s.written = rewrite_written(&s.written);
            self.catalog.sequences.insert(to, Arc::new(s));
        }
    }

    /// Views keep reading a relation renamed or moved: they hold it, not its name.
    fn views_follow(&mut self, from: &ObjKey, to: &ObjKey) {
        let reads = |v: &View| {
            v.sources.contains(from)
                || v.uses.contains(from)
                || v.star_of.as_ref() == Some(from)
                || v.reads.iter().any(|(t, _)| t == from)
                || v.column_sources.iter().flatten().any(|(t, _)| t == from)
        };
        self.catalog.views.update(
            |_, v| reads(v),
            |_, v| {
                let sources = v.column_sources.iter_mut().flatten().map(|(t, _)| t);
                for s in v.sources.iter_mut().chain(v.uses.iter_mut()).chain(v.reads.iter_mut().map(|(t, _)| t)).chain(sources) {
                    if s == from {
                        *s = to.clone();
                    }
                }
                if v.star_of.as_ref() == Some(from) {
                    v.star_of = Some(to.clone());
                }
            },
        );
    }

    fn move_type(&mut self, from: &ObjKey, to: ObjKey, to_name: &Name, origin: Origin) {
        let Some(t) = self.catalog.types.remove(from) else {
            return;
        };
        let mut t = Arc::unwrap_or_clone(t);
        t.renamed_from.push((from.clone(), origin));
        t.written = to_name.written.clone();
        self.catalog.types.insert(to.clone(), Arc::new(t));
        // Columns of the type follow it: the database stores the type's identity, not its name.
        let default_schema = self.dialect().default_schema();
        let of_type = |c: &Column| {
            matches!(&c.ty.value.kind, crate::ty::TypeKind::Named { schema, name }
                if *name == from.name && schema.as_deref().unwrap_or(default_schema) == from.schema)
        };
        self.catalog.update_tables(
            |_, t| t.columns.iter().any(of_type),
            |_, t| {
                for c in t.columns.iter_mut() {
                    if let crate::ty::TypeKind::Named { schema, name } = &mut c.ty.value.kind
                        && *name == from.name
                        && schema.as_deref().unwrap_or(default_schema) == from.schema
                    {
                        *name = to.name.clone();
                        if schema.is_some() {
                            *schema = Some(to.schema.clone());
                        }
                    }
                }
            },
        );
    }

    fn drop_columns_of_type(&mut self, ty: &ObjKey, origin: Origin) {
        let default_schema = self.dialect().default_schema().to_string();
        let mut victims = Vec::new();
        for (tkey, table) in &self.catalog.tables {
            for c in &table.columns {
                if let Some((schema, name)) = c.ty.value.user_type()
                    && name == ty.name
                    && schema.unwrap_or(&default_schema) == ty.schema
                {
                    victims.push((tkey.clone(), c.name.key.clone()));
                }
            }
        }
        for (t, c) in victims {
            self.drop_column(&t, &c, origin);
        }
    }

    fn set_schema(&mut self, kind: ObjectKind, name: &QualifiedName, schema: &Name, origin: Origin) {
        match kind {
            ObjectKind::Table | ObjectKind::View | ObjectKind::MaterializedView | ObjectKind::Sequence => {
                let from = self.find_key(name, |k| {
                    self.catalog.tables.contains_key(k) || self.catalog.views.contains_key(k) || self.catalog.sequences.contains_key(k)
                });
                let to = ObjKey::new(schema.key.clone(), from.name.clone());
                self.move_relation(&from, to, &name.name, origin);
            }
            ObjectKind::Type => {
                let from = self.find_key(name, |k| self.catalog.types.contains_key(k));
                let to = ObjKey::new(schema.key.clone(), from.name.clone());
                self.move_type(&from, to, &name.name, origin);
            }
            ObjectKind::Function => {
                if let Some(from) = self.find_function(name, None) {
                    let to = ObjKey::new(schema.key.clone(), from.name.clone());
                    self.move_function(&from, to, None, origin);
                }
            }
            ObjectKind::Index => {
                let from = self.find_key(name, |k| self.catalog.indexes.contains_key(k));
                if let Some(ix) = self.catalog.indexes.remove(&from) {
                    self.catalog.indexes.insert(ObjKey::new(schema.key.clone(), from.name.clone()), ix);
                }
            }
        }
    }

    /// MySQL index names are per table; PostgreSQL and SQLite index names are per schema.
    fn index_key(&self, table: &ObjKey, index: &str) -> ObjKey {
        match self.dialect() {
            Dialect::MySql => ObjKey::new(table.schema.clone(), format!("{}.{}", table.name, index)),
            _ => ObjKey::new(table.schema.clone(), index.to_string()),
        }
    }

    fn create_index(&mut self, ci: &CreateIndex, table_override: Option<ObjKey>, origin: Origin) {
        let table = table_override.unwrap_or_else(|| self.table_key(&ci.table));
        if !self.catalog.tables.contains_key(&table) && !self.catalog.views.contains_key(&table) {
            return;
        }
        let dialect = self.dialect();
        let columns: Vec<Option<String>> = ci.columns.iter().map(|c| c.column.as_ref().map(|n| n.key.clone())).collect();
        let keys: Vec<String> = ci.columns.iter().map(|c| c.text.clone()).collect();
        let name = match &ci.name {
            Some(n) => n.name.clone(),
            None => {
                let generated = match dialect {
                    Dialect::MySql => columns.iter().flatten().next().cloned().unwrap_or_else(|| "index".into()),
                    _ => {
                        // PostgreSQL's ChooseIndexColumnNames: the column, or for an expression the
                        // function it calls (`lower(email)` → lower), else `expr`. CREATE INDEX names
                        // end in `idx` even when unique; `key` is for constraints.
                        let cols: Vec<String> = ci
                            .columns
                            .iter()
                            .map(|c| match &c.column {
                                Some(n) => n.key.clone(),
                                None => c
                                    .text
                                    .split(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
                                    .next()
                                    .filter(|w| !w.is_empty() && c.text[w.len()..].trim_start().starts_with('('))
                                    .map_or_else(|| "expr".to_string(), str::to_string),
                            })
                            .collect();
                        choose_pg_name(&table.name, Some(&cols.join("_")), "idx", |n| {
                            self.catalog.relation_name_taken(&ObjKey::new(table.schema.clone(), n))
                        })
                    }
                };
                Name::plain(&generated)
            }
        };
        let key = self.index_key(&table, &name.key);
        if self.catalog.indexes.contains_key(&key) {
            return;
        }
        // MySQL unique keys are constraints and indexes at once; model them as unique constraints.
        if dialect == Dialect::MySql && ci.unique {
            let def = ConstraintDef {
                name: Some(name),
                kind: ConstraintKind::Unique { columns: ci.columns.iter().filter_map(|c| c.column.clone()).collect(), using_index: None },
                not_valid: false,
                range: origin.range,
            };
            self.add_constraint(&table, &def, origin);
            return;
        }
        self.catalog.indexes.insert(
            key,
            Arc::new(Index {
                name,
                table: table.clone(),
                columns,
                keys: keys.clone(),
                unique: ci.unique,
                predicate: ci.predicate.clone(),
                for_foreign_key: false,
                origin,
            }),
        );
        if dialect == Dialect::MySql {
            self.drop_foreign_key_indexes_served_by(&table, &keys);
        }
    }

    /// Records an object the history never created.
    fn unknown(&mut self, kind: UnknownKind, key: ObjKey, what: String, origin: Origin) {
        self.events.push(Event::UnknownObject { kind, key, what, origin });
    }

    /// Drops an index (or a MySQL unique key); whether there was one.
    fn drop_index(&mut self, name: &QualifiedName, table: Option<&QualifiedName>, origin: Origin) -> bool {
        let key = match (self.dialect(), table) {
            (Dialect::MySql, Some(t)) => {
                let tkey = self.table_key(t);
                self.index_key(&tkey, &name.name.key)
            }
            _ => self.find_key(name, |k| self.catalog.indexes.contains_key(k)),
        };
        if self.catalog.indexes.remove(&key).is_some() {
            self.events.push(Event::IndexDropped { index: key, origin });
            return true;
        }
        // MySQL `DROP INDEX uk ON t` also drops unique keys, which rollsafe models as constraints.
        if let (Dialect::MySql, Some(t)) = (self.dialect(), table) {
            let tkey = self.table_key(t);
            let known = self.catalog.tables.get(&tkey).is_some_and(|t| t.constraints.iter().any(|c| c.name.key == name.name.key));
            self.drop_constraint(&tkey, |c| c.name.key == name.name.key, origin);
            return known;
        }
        false
    }

    fn create_view(&mut self, cv: &CreateView, origin: Origin) {
        let key = self.new_key(&cv.name);
        if self.catalog.views.contains_key(&key) && !cv.or_replace {
            return;
        }
        let sources: Vec<ObjKey> = cv
            .sources
            .iter()
            .map(|s| self.find_key(s, |k| self.catalog.tables.contains_key(k) || self.catalog.views.contains_key(k)))
            .collect();
        let star_of = cv.star_of.as_ref().map(|s| self.table_key(s));
        let renamed_from = self.catalog.views.get(&key).map(|v| v.renamed_from.clone()).unwrap_or_default();
        let relation = |s: &QualifiedName| self.find_key(s, |k| self.catalog.tables.contains_key(k) || self.catalog.views.contains_key(k));
        let uses: Vec<ObjKey> = cv.relations.iter().map(relation).collect();
        let mut reads: Vec<(ObjKey, String)> = Vec::new();
        for r in &cv.reads {
            let bound: Vec<ObjKey> = match &r.table {
                Some(t) => vec![relation(t)],
                // The innermost scope with a relation that has the column binds it.
                None => r
                    .candidates
                    .iter()
                    .map(|scope| scope.iter().map(relation).filter(|k| self.relation_has(k, &r.column.key)).collect::<Vec<_>>())
                    .find(|hits| !hits.is_empty())
                    .unwrap_or_default(),
            };
            for k in bound {
                // A wildcard reads the columns the relation has now, as PostgreSQL expands it.
                let columns = if r.column.key == "*" { self.relation_columns(&k) } else { vec![r.column.key.clone()] };
                for c in columns {
                    if !reads.iter().any(|(t, x)| *t == k && *x == c) {
                        reads.push((k.clone(), c));
                    }
                }
            }
        }
        let column_sources: Vec<Option<(ObjKey, String)>> = cv
            .outputs
            .iter()
            .map(|o| {
                let o = o.as_ref()?;
                let table = match &o.table {
                    Some(t) => relation(t),
                    None => o.candidates.first()?.iter().map(relation).find(|k| self.relation_has(k, &o.column.key))?,
                };
                Some((table, o.column.key.clone()))
            })
            .collect();
        // A call depends on the overload it resolves to; every overload of the name is kept.
        let mut calls: Vec<ObjKey> = Vec::new();
        for f in &cv.calls {
            let schemas: Vec<String> = f.schema.as_ref().map_or_else(|| self.search_path.clone(), |s| vec![s.key.clone()]);
            let found = schemas.iter().find_map(|schema| {
                let keys: Vec<ObjKey> = self
                    .catalog
                    .functions
                    .iter()
                    .filter(|(k, fun)| k.schema == *schema && fun.name == f.name.key)
                    .map(|(k, _)| k.clone())
                    .collect();
                (!keys.is_empty()).then_some(keys)
            });
            for k in found.into_iter().flatten() {
                if !calls.contains(&k) {
                    calls.push(k);
                }
            }
        }
        let view = View {
            written: self.written(&cv.name),
            origin,
            materialized: cv.materialized,
            columns: cv.columns.clone(),
            sources,
            star_of,
            reads,
            calls,
            uses,
            column_sources,
            not_updatable: match self.dialect() {
                // SQLite writes through no view without INSTEAD OF triggers.
                Dialect::Sqlite => Some("SQLite views are read-only".into()),
                _ => cv.not_updatable.clone(),
            },
            renamed_from,
        };
        self.catalog.views.insert(key, Arc::new(view));
    }
}

impl Replayer<'_> {
    /// Whether a table or view has a column of that name (a view whose columns are not known has
    /// none, as far as binding a name goes).
    fn relation_has(&self, relation: &ObjKey, column: &str) -> bool {
        if let Some(t) = self.catalog.tables.get(relation) {
            return t.column(column).is_some();
        }
        self.catalog.views.get(relation).and_then(|v| v.columns.as_ref()).is_some_and(|cols| cols.iter().any(|c| c.key == column))
    }

    fn relation_columns(&self, relation: &ObjKey) -> Vec<String> {
        if let Some(t) = self.catalog.tables.get(relation) {
            return t.columns.iter().map(|c| c.name.key.clone()).collect();
        }
        let view = self.catalog.views.get(relation).and_then(|v| v.columns.as_ref());
        view.map(|cols| cols.iter().map(|c| c.key.clone()).collect()).unwrap_or_default()
    }
}

/// The name PostgreSQL gives an unnamed check constraint of a domain: `{domain}_check`, then
/// `{domain}_check1`, … while taken.
fn domain_check_name(domain: &str, taken: &[DomainCheck]) -> String {
    let mut n = 0;
    loop {
        let candidate = pg_object_name(domain, None, &if n == 0 { "check".to_string() } else { format!("check{n}") });
        if !taken.iter().any(|c| c.name.key == candidate) {
            return candidate;
        }
        n += 1;
    }
}

/// A serial column is an integer with a sequence default: once the default changes, it is an
/// ordinary column.
fn forget_serial(c: &mut Column, origin: Origin) {
    if c.generated.value == Some(ValueSource::Serial) {
        c.generated.set(None, origin);
    }
}

fn set_if_changed<T: PartialEq>(tracked: &mut Tracked<T>, value: T, origin: Origin) {
    if tracked.value != value {
        tracked.set(value, origin);
    }
}

/// PostgreSQL's `makeObjectName`: `name1_name2_label`, with name1 and name2 truncated (the longer
/// first) so the result fits in 63 bytes.
pub fn pg_object_name(name1: &str, name2: Option<&str>, label: &str) -> String {
    const MAX: usize = 63;
    let mut overhead = 0;
    if name2.is_some() {
        overhead += 1;
    }
    if !label.is_empty() {
        overhead += label.len() + 1;
    }
    let avail = MAX.saturating_sub(overhead);
    let mut n1 = name1.len();
    let mut n2 = name2.map_or(0, str::len);
    while n1 + n2 > avail {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let mut out = name1[..rollsafe_text::floor_char_boundary(name1, n1)].to_string();
    if let Some(n) = name2 {
        out.push('_');
        out.push_str(&n[..rollsafe_text::floor_char_boundary(n, n2)]);
    }
    if !label.is_empty() {
        out.push('_');
        out.push_str(label);
    }
    out
}

/// PostgreSQL's `ChooseRelationName` / `ChooseConstraintName`: the first of `label`, `label1`,
/// `label2`, … whose name is free.
fn choose_pg_name(name1: &str, name2: Option<&str>, label: &str, mut taken: impl FnMut(&str) -> bool) -> String {
    let mut candidate = pg_object_name(name1, name2, label);
    let mut pass = 0;
    while taken(&candidate) {
        pass += 1;
        candidate = pg_object_name(name1, name2, &format!("{label}{pass}"));
    }
    candidate
}

/// The table's columns an expression mentions, in order of first mention.
/// The columns of `table` an expression (a check, a generated column, an index expression) mentions,
/// each once, in order of first mention.
pub fn columns_referenced(expr: &str, table: &Table, dialect: Dialect) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in columns_referenced_raw(expr, dialect) {
        if table.column(&word).is_some() && !out.contains(&word) {
            out.push(word);
        }
    }
    out
}

fn columns_referenced_raw(expr: &str, dialect: Dialect) -> Vec<String> {
    tokenize(expr, dialect)
        .into_iter()
        .filter(|t| matches!(t.kind, TokenKind::Word | TokenKind::QuotedIdent))
        .map(|t| Name::from_sql(t.text(expr), dialect).key)
        .collect()
}

/// Makes replaying `CREATE TABLE rollsafe_replay_panic` panic, so that tests can prove a bug in
/// replaying one statement costs that statement only (in the language server, in process). The
/// CLI's tests, which run the binary, set the environment variable `ROLLSAFE_TEST_REPLAY_PANIC`
/// instead; debug builds only read it.
#[doc(hidden)]
pub static REPLAY_PANIC_PROBE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn panic_probe(stmt: &Statement) -> bool {
    let named = matches!(&stmt.kind, StatementKind::Ddl(ops) if ops.iter().any(|op| matches!(op, Op::CreateTable(ct) if ct.name.name.key == "rollsafe_replay_panic")));
    named && panic_probe_armed()
}

/// Whether the test probes are armed: [`REPLAY_PANIC_PROBE`], or in debug builds the environment
/// variable `ROLLSAFE_TEST_REPLAY_PANIC`. The diff has a probe of its own on a table named
/// `rollsafe_diff_panic`.
#[doc(hidden)]
pub fn panic_probe_armed() -> bool {
    REPLAY_PANIC_PROBE.load(std::sync::atomic::Ordering::Relaxed)
        || (cfg!(debug_assertions) && std::env::var_os("ROLLSAFE_TEST_REPLAY_PANIC").is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pg_names_truncate_the_longer_part_first() {
        assert_eq!(pg_object_name("users", Some("email"), "key"), "users_email_key");
        let long = "a".repeat(70);
        let name = pg_object_name(&long, Some("email"), "fkey");
        assert_eq!(name.len(), 63);
        assert!(name.ends_with("_email_fkey"));
    }

    fn replay(sql: &str) -> Catalog {
        replay_in(sql, Dialect::Postgres)
    }

    fn replay_in(sql: &str, dialect: Dialect) -> Catalog {
        let parsed = crate::parse_file(sql, dialect);
        let mut catalog = Catalog::new(dialect);
        let mut events = Vec::new();
        let mut replayer = Replayer::new(&mut catalog, &mut events, SourceId(0));
        for stmt in &parsed.statements {
            replayer.statement(stmt);
        }
        catalog
    }

    fn default_of(catalog: &Catalog, table: &str, column: &str) -> Option<String> {
        let t = catalog.tables.get(&ObjKey::new("public", table.to_string()))?;
        t.column(column)?.default.value.clone()
    }

    #[test]
    fn renames_follow_into_defaults() {
        let c = replay(
            "CREATE TYPE mode AS ENUM ('closed', 'open');\n\
             CREATE TABLE site (id serial PRIMARY KEY, mode mode NOT NULL DEFAULT 'closed', note text DEFAULT 'closed');\n\
             ALTER TYPE mode RENAME VALUE 'closed' TO 'Closed';\n\
             ALTER SEQUENCE site_id_seq RENAME TO place_id_seq;",
        );
        assert_eq!(default_of(&c, "site", "mode").as_deref(), Some("'Closed'"));
        // A text column's default that happens to spell the label is not the enum's.
        assert_eq!(default_of(&c, "site", "note").as_deref(), Some("'closed'"));
        assert!(default_of(&c, "site", "id").is_none_or(|d| d.contains("place_id_seq")), "{:?}", default_of(&c, "site", "id"));
    }

    #[test]
    fn mysql_keys_in_create_table_and_foreign_key_indexes() {
        let c = replay_in(
            "CREATE TABLE users (id bigint PRIMARY KEY, phone varchar(20), KEY users_phone_index (phone));
             CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, shop_id bigint, KEY orders_shop (shop_id, id),
               CONSTRAINT orders_user_id_foreign FOREIGN KEY (user_id) REFERENCES users (id),
               FOREIGN KEY (shop_id) REFERENCES users (id));",
            Dialect::MySql,
        );
        let mut names: Vec<String> = c.indexes.values().map(|i| format!("{}.{}", i.table.name, i.name.key)).collect();
        names.sort();
        // The foreign key on shop_id is served by orders_shop, which starts with it.
        assert_eq!(names, ["orders.orders_shop", "orders.orders_user_id_foreign", "users.users_phone_index"]);
    }
}
