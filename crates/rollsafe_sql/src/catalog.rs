//! rollsafe's model of a database schema at one point in a migration history.
//!
//! Keys are folded as the dialect folds identifiers; every object keeps its spelling as written and
//! the [`Origin`] of the statement that created it, and every column attribute remembers the statement
//! that last set it, so a difference between two catalogs can be attributed to the statement that
//! caused it.

use crate::Dialect;
use crate::name::Name;
use crate::object_map::ObjectMap;
use crate::ops::ValueSource;
use crate::ty::SqlType;
use rollsafe_text::TextRange;
/// The catalog's maps: hashed for speed on long histories, ordered by insertion so that every run
/// walks them the same way.
pub type Map<K, V> = indexmap::IndexMap<K, V, rustc_hash::FxBuildHasher>;
use std::fmt;
use std::sync::Arc;

/// Identifies a source file; chosen by the caller of replay (rollsafe's core uses an index into its
/// file table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceId(pub u32);

/// Where something was defined or changed: a file and a byte range in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin {
    pub source: SourceId,
    pub range: TextRange,
}

/// A schema-qualified key, folded.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjKey {
    pub schema: String,
    pub name: String,
}

impl ObjKey {
    pub fn new(schema: impl Into<String>, name: impl Into<String>) -> ObjKey {
        ObjKey { schema: schema.into(), name: name.into() }
    }
}

impl fmt::Debug for ObjKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.schema.is_empty() { write!(f, "{}", self.name) } else { write!(f, "{}.{}", self.schema, self.name) }
    }
}

/// A value shared between copies until one of them changes it (copy on write): the N state starts
/// as a copy of the N-1 state, and a release changes a few objects of a long history. Reads deref;
/// the first write through a copy clones the value behind it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Shared<T>(Arc<T>);

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Clone> std::ops::DerefMut for Shared<T> {
    fn deref_mut(&mut self) -> &mut T {
        Arc::make_mut(&mut self.0)
    }
}

impl<T: fmt::Debug> fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<'a, T> IntoIterator for &'a Shared<T>
where
    &'a T: IntoIterator,
{
    type Item = <&'a T as IntoIterator>::Item;
    type IntoIter = <&'a T as IntoIterator>::IntoIter;

    fn into_iter(self) -> Self::IntoIter {
        (&*self.0).into_iter()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalog {
    pub dialect: Dialect,
    pub schemas: Shared<Map<String, Schema>>,
    /// Each object is shared on its own too (`Arc::make_mut` to change one), so that copying a map
    /// copies no object, and an unchanged table is the same allocation in N-1 and N.
    pub tables: ObjectMap<ObjKey, Table>,
    pub views: ObjectMap<ObjKey, View>,
    pub types: ObjectMap<ObjKey, TypeDef>,
    pub sequences: ObjectMap<ObjKey, Sequence>,
    /// Indexes created with `CREATE INDEX` (or MySQL `KEY`). Indexes that back a primary key or unique
    /// constraint are part of the constraint.
    pub indexes: ObjectMap<ObjKey, Index>,
    pub functions: ObjectMap<ObjKey, Function>,
    /// Triggers by the table's schema and `table.trigger` (names are per table in PostgreSQL).
    pub triggers: ObjectMap<ObjKey, Trigger>,
    /// Installed extensions by folded name.
    pub extensions: Shared<Map<String, Extension>>,
    /// Privileges granted to roles, with the statement that last changed each (an empty set:
    /// everything revoked).
    pub grants: Shared<Map<GrantKey, Tracked<std::collections::BTreeSet<String>>>>,
    /// `ALTER DEFAULT PRIVILEGES`: what objects created later get.
    pub default_privileges: Shared<Vec<DefaultPrivilege>>,
    /// Row-level security of tables that have it switched on or forced.
    pub row_security: Shared<Map<ObjKey, RowSecurity>>,
    /// Row security policies by table and name.
    pub policies: Shared<Map<(ObjKey, String), PolicyDef>>,
    /// Lookup cache for generated constraint names; not part of the model.
    names: NameCache,
}

/// Constraint names by schema, built on demand and kept while constraints are only added, so that
/// naming a constraint does not scan every table.
#[derive(Clone, Default)]
struct NameCache(Option<ConstraintNames>);

/// How many constraints (all, index-backed) carry each name in each schema. Two layers: the counts
/// when the cache was built, shared between copies of the catalog, and the changes since, so that
/// the N state (a copy of N-1) does not copy the whole cache to name one constraint.
#[derive(Clone, Default)]
struct ConstraintNames {
    base: Arc<std::collections::HashMap<String, (i32, i32), rustc_hash::FxBuildHasher>>,
    delta: std::collections::HashMap<String, (i32, i32), rustc_hash::FxBuildHasher>,
}

impl ConstraintNames {
    fn key(schema: &str, name: &str) -> String {
        format!("{schema}\u{0}{name}")
    }

    fn count(&self, schema: &str, name: &str) -> (i32, i32) {
        let key = Self::key(schema, name);
        let (a, b) = self.base.get(&key).copied().unwrap_or_default();
        let (da, db) = self.delta.get(&key).copied().unwrap_or_default();
        (a + da, b + db)
    }

    fn change(&mut self, schema: &str, name: &str, index_backed: bool, by: i32) {
        let entry = self.delta.entry(Self::key(schema, name)).or_default();
        entry.0 += by;
        if index_backed {
            entry.1 += by;
        }
        // Fold a large delta into the base (copying it if shared), so lookups stay two probes.
        if self.delta.len() > 4096 && self.delta.len() * 4 > self.base.len() {
            let base = Arc::make_mut(&mut self.base);
            for (key, (da, db)) in self.delta.drain() {
                let e = base.entry(key).or_default();
                e.0 += da;
                e.1 += db;
            }
        }
    }
}

impl PartialEq for NameCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for NameCache {}

impl fmt::Debug for NameCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NameCache")
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schema {
    pub written: String,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// The name as written where the table was created (`public.users` or `users`).
    pub written: String,
    pub origin: Origin,
    pub columns: Vec<Column>,
    pub constraints: Vec<Constraint>,
    pub partition_of: Option<ObjKey>,
    /// Columns could not be known (`CREATE TABLE … AS SELECT`, `LIKE` an unknown table, virtual tables).
    pub columns_unknown: bool,
    /// Earlier keys of this table, with the statement that renamed or moved it.
    pub renamed_from: Vec<(ObjKey, Origin)>,
}

impl Table {
    pub fn column(&self, key: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name.key == key)
    }

    pub fn column_mut(&mut self, key: &str) -> Option<&mut Column> {
        self.columns.iter_mut().find(|c| c.name.key == key)
    }

    pub fn primary_key(&self) -> Option<&Constraint> {
        self.constraints.iter().find(|c| matches!(c.kind, ConstraintShape::PrimaryKey { .. }))
    }
}

/// A value of a column attribute together with the statement that last set it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tracked<T> {
    pub value: T,
    pub origin: Origin,
}

impl<T> Tracked<T> {
    pub fn new(value: T, origin: Origin) -> Tracked<T> {
        Tracked { value, origin }
    }

    pub fn set(&mut self, value: T, origin: Origin) {
        self.value = value;
        self.origin = origin;
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: Name,
    /// Where the column was created.
    pub origin: Origin,
    pub ty: Tracked<SqlType>,
    pub type_text: String,
    pub not_null: Tracked<bool>,
    pub default: Tracked<Option<String>>,
    pub generated: Tracked<Option<ValueSource>>,
    /// Earlier names of this column (folded), with the statement that renamed it.
    pub renamed_from: Vec<(String, Origin)>,
}

impl Column {
    /// Whether an insert that leaves this column out succeeds.
    pub fn optional_on_insert(&self) -> bool {
        !self.not_null.value || self.default.value.is_some() || self.generated.value.is_some()
    }

    /// Whether writes must leave the column out (`GENERATED ALWAYS AS (…) STORED`).
    pub fn is_computed(&self) -> bool {
        self.generated.value == Some(ValueSource::Computed)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Constraint {
    /// The constraint's name: as given, or as the database generates it.
    pub name: Name,
    pub kind: ConstraintShape,
    pub not_valid: bool,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ConstraintShape {
    PrimaryKey { columns: Vec<String> },
    Unique { columns: Vec<String> },
    Check { expr: String },
    ForeignKey { columns: Vec<String>, ref_table: ObjKey, ref_columns: Vec<String> },
    Exclusion { columns: Vec<String> },
}

impl ConstraintShape {
    pub fn columns(&self) -> &[String] {
        match self {
            ConstraintShape::PrimaryKey { columns }
            | ConstraintShape::Unique { columns }
            | ConstraintShape::ForeignKey { columns, .. }
            | ConstraintShape::Exclusion { columns } => columns,
            ConstraintShape::Check { .. } => &[],
        }
    }

    /// Primary keys and unique constraints are backed by an index whose name they share.
    pub fn is_index_backed(&self) -> bool {
        matches!(self, ConstraintShape::PrimaryKey { .. } | ConstraintShape::Unique { .. })
    }

    pub fn label(&self) -> &'static str {
        match self {
            ConstraintShape::PrimaryKey { .. } => "primary key",
            ConstraintShape::Unique { .. } => "unique constraint",
            ConstraintShape::Check { .. } => "check constraint",
            ConstraintShape::ForeignKey { .. } => "foreign key",
            ConstraintShape::Exclusion { .. } => "exclusion constraint",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Index {
    pub name: Name,
    pub table: ObjKey,
    /// The column of each key; `None` for an expression key.
    pub columns: Vec<Option<String>>,
    /// Each key as text: the column, or the expression's [`crate::expr::key`].
    pub keys: Vec<String>,
    pub unique: bool,
    /// The `WHERE` of a partial index, as an expression key.
    pub predicate: Option<String>,
    /// Made by InnoDB for a foreign key's columns: dropped again when an index that can serve the
    /// key is created.
    pub for_foreign_key: bool,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct View {
    pub written: String,
    pub origin: Origin,
    pub materialized: bool,
    /// Output columns when known.
    pub columns: Option<Vec<Name>>,
    pub sources: Vec<ObjKey>,
    /// `SELECT * FROM t`: exposes every column of `t`.
    pub star_of: Option<ObjKey>,
    /// The columns its query names, by relation: PostgreSQL will not drop one (without
    /// `CASCADE`) or change its type while the view exists.
    pub reads: Vec<(ObjKey, String)>,
    /// Functions it calls that the history created.
    pub calls: Vec<ObjKey>,
    /// Every relation it reads from, in any scope of its query.
    pub uses: Vec<ObjKey>,
    /// For each output column, the column it passes through unchanged (a plain reference).
    pub column_sources: Vec<Option<(ObjKey, String)>>,
    /// Why the database cannot write through it on its own; `None`: automatically updatable.
    pub not_updatable: Option<String>,
    pub renamed_from: Vec<(ObjKey, Origin)>,
}

impl View {
    pub fn label(&self) -> &'static str {
        if self.materialized { "materialized view" } else { "view" }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trigger {
    pub name: Name,
    pub table: ObjKey,
    pub timing: crate::ops::TriggerTiming,
    pub events: Vec<crate::ops::TriggerEvent>,
    /// The function it executes, when the history created it.
    pub function: Option<ObjKey>,
    /// Columns of the new row its inline body sets (a function's are the function's `fills`).
    pub fills: Vec<String>,
    pub origin: Origin,
}

/// Who holds privileges on what.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GrantKey {
    pub object: GrantObject,
    /// Folded; `public` for PUBLIC.
    pub role: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GrantObject {
    /// A table or view.
    Table(ObjKey),
    Column(ObjKey, String),
    Sequence(ObjKey),
    Function(ObjKey),
    Schema(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefaultPrivilege {
    /// `None`: every schema.
    pub schema: Option<String>,
    pub kind: crate::ops::PrivilegeObjectKind,
    pub role: String,
    pub privileges: std::collections::BTreeSet<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowSecurity {
    pub enabled: Tracked<bool>,
    pub forced: Tracked<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyDef {
    pub name: Name,
    pub permissive: bool,
    /// `ALL`, `SELECT`, `INSERT`, `UPDATE` or `DELETE`.
    pub command: String,
    /// Folded; empty: PUBLIC.
    pub roles: Vec<String>,
    pub origin: Origin,
}

impl PolicyDef {
    /// Whether the policy lets `role` do `command` (it names the role, or PUBLIC).
    pub fn applies(&self, role: &str, command: &str) -> bool {
        (self.roles.is_empty() || self.roles.iter().any(|r| r == role || r == "public"))
            && (self.command == "ALL" || self.command == command)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extension {
    pub written: String,
    /// The schema its objects are in.
    pub schema: String,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeShape {
    Enum {
        values: Vec<String>,
    },
    Domain {
        base: SqlType,
        /// `NOT NULL`, with the statement that set it.
        not_null: Option<Origin>,
        checks: Vec<DomainCheck>,
    },
    Other,
}

/// A check constraint of a domain: every column of the domain holds to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomainCheck {
    pub name: Name,
    /// As an expression key ([`crate::expr::key`]), so that spelling does not count.
    pub expr: String,
    pub not_valid: bool,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeDef {
    pub written: String,
    pub origin: Origin,
    pub shape: TypeShape,
    /// Enum values renamed in place: (old value, new value, statement).
    pub renamed_values: Vec<(String, String, Origin)>,
    /// Enum values added after creation, with the statement that added them.
    pub added_values: Vec<(String, Origin)>,
    pub renamed_from: Vec<(ObjKey, Origin)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sequence {
    pub written: String,
    pub origin: Origin,
    pub data_type: Option<SqlType>,
    /// The column that owns it (`serial`, `OWNED BY`): dropped together with it.
    pub owned_by: Option<(ObjKey, String)>,
    pub renamed_from: Vec<(ObjKey, Origin)>,
}

/// A function or procedure. Keyed by [`crate::routine::identity_key`]: `name(int4,text)` in
/// PostgreSQL (overloads are separate objects), the name elsewhere.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    /// As written, with the input argument types where they are part of its identity
    /// (`add_points(integer, integer)`).
    pub written: String,
    /// The name alone, folded.
    pub name: String,
    /// Arguments, result and attributes, and the statement that last set them.
    pub signature: Tracked<Option<crate::routine::Signature>>,
    /// Returns `trigger`/`event_trigger`: called by triggers only.
    pub trigger: bool,
    /// The tables its body inserts into, with the columns each insert names (empty: all).
    pub writes: Vec<(ObjKey, Vec<String>)>,
    /// Not declared STABLE or IMMUTABLE: evaluated again for every row.
    pub volatile: bool,
    /// Columns of the new row it sets (`NEW.col := …`), for a trigger function, and the statement
    /// that last set its body.
    pub fills: Tracked<Vec<String>>,
    pub origin: Origin,
    pub renamed_from: Vec<(ObjKey, Origin)>,
}

/// Something replay did that the catalog alone no longer shows: used to point findings at the
/// statement that removed or detached an object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    TableDropped {
        table: ObjKey,
        origin: Origin,
    },
    ViewDropped {
        view: ObjKey,
        origin: Origin,
    },
    TypeDropped {
        ty: ObjKey,
        origin: Origin,
    },
    SequenceDropped {
        sequence: ObjKey,
        origin: Origin,
    },
    SchemaDropped {
        schema: String,
        origin: Origin,
    },
    FunctionDropped {
        function: ObjKey,
        origin: Origin,
    },
    ColumnDropped {
        table: ObjKey,
        column: String,
        origin: Origin,
    },
    ConstraintDropped {
        table: ObjKey,
        name: String,
        origin: Origin,
    },
    IndexDropped {
        index: ObjKey,
        origin: Origin,
    },
    PartitionDetached {
        parent: ObjKey,
        partition: ObjKey,
        origin: Origin,
    },
    /// A table reached [`MAX_COLUMNS`]: from this statement on its columns are not modelled.
    ColumnsNotModelled {
        table: ObjKey,
        origin: Origin,
    },
    /// A statement altered or dropped an object the history never created (made by code, by
    /// another history, or by hand): its effect is unknown. `what` names it (`table users`).
    UnknownObject {
        kind: UnknownKind,
        key: ObjKey,
        what: String,
        origin: Origin,
    },
    /// Replaying a statement failed inside rollsafe (a bug): the statement is skipped, the rest
    /// of the history is replayed.
    ReplayFailed {
        origin: Origin,
    },
    TriggerDropped {
        trigger: ObjKey,
        origin: Origin,
    },
    PolicyDropped {
        table: ObjKey,
        name: String,
        origin: Origin,
    },
    /// An object dropped because the statement dropped or changed something it depends on
    /// (`CASCADE`, or what PostgreSQL drops along without asking): `dropped` is the drop itself,
    /// `by` says what took it along (`the CASCADE on DROP TABLE scores`).
    Implicit {
        dropped: Box<Event>,
        by: String,
    },
    /// PostgreSQL refuses the statement because other objects depend on what it drops or changes;
    /// replay does not apply it. `statement` names it (`DROP COLUMN scores.points`), `dependents`
    /// the objects in the way (`view leaderboard`), with where each was defined.
    Refused {
        statement: String,
        reason: RefusalReason,
        dependents: Vec<(String, Origin)>,
        origin: Origin,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RefusalReason {
    /// A drop without `CASCADE` of something other objects depend on.
    NeedsCascade,
    /// `ALTER COLUMN … TYPE` of a column a view or rule reads: no `CASCADE` helps.
    TypeOfViewColumn,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnknownKind {
    Table,
    Column,
    Index,
}

/// The most columns rollsafe models in one table: MySQL's hard limit (PostgreSQL allows 1,600,
/// SQLite 2,000 by default). A table given more is marked `columns_unknown`, which bounds the cost of
/// every column operation on adversarial input (tens of thousands of `ADD COLUMN` on one table).
pub const MAX_COLUMNS: usize = 4096;

impl Event {
    pub fn origin(&self) -> Origin {
        match self {
            Event::TableDropped { origin, .. }
            | Event::ViewDropped { origin, .. }
            | Event::TypeDropped { origin, .. }
            | Event::SequenceDropped { origin, .. }
            | Event::SchemaDropped { origin, .. }
            | Event::FunctionDropped { origin, .. }
            | Event::ColumnDropped { origin, .. }
            | Event::ConstraintDropped { origin, .. }
            | Event::IndexDropped { origin, .. }
            | Event::PartitionDetached { origin, .. }
            | Event::ColumnsNotModelled { origin, .. }
            | Event::UnknownObject { origin, .. }
            | Event::TriggerDropped { origin, .. }
            | Event::PolicyDropped { origin, .. }
            | Event::Refused { origin, .. }
            | Event::ReplayFailed { origin } => *origin,
            Event::Implicit { dropped, .. } => dropped.origin(),
        }
    }
}

impl Catalog {
    pub fn new(dialect: Dialect) -> Catalog {
        let mut catalog = Catalog { dialect, ..Catalog::default() };
        let default = dialect.default_schema();
        let origin = Origin { source: SourceId(u32::MAX), range: TextRange::default() };
        catalog.schemas.insert(default.to_string(), Schema { written: default.to_string(), origin });
        catalog
    }

    /// A table to change, copied first if another catalog shares it.
    pub fn table_mut(&mut self, key: &ObjKey) -> Option<&mut Table> {
        self.tables.get_mut_cow(key)
    }

    /// Changes the tables `needs` selects, copying only those.
    pub fn update_tables(&mut self, needs: impl Fn(&ObjKey, &Table) -> bool, change: impl FnMut(&ObjKey, &mut Table)) {
        self.tables.update(needs, change);
    }

    /// Every schema holding an object, declared or not.
    pub fn all_schemas(&self) -> std::collections::BTreeSet<String> {
        let mut out: std::collections::BTreeSet<String> = self.schemas.keys().cloned().collect();
        out.extend(
            self.tables.keys().chain(self.views.keys()).chain(self.types.keys()).chain(self.sequences.keys()).map(|k| k.schema.clone()),
        );
        out
    }

    /// The columns of the new row a trigger sets: in its inline body, or in the function it
    /// executes.
    pub fn trigger_fills<'a>(&'a self, trigger: &'a Trigger) -> impl Iterator<Item = &'a String> + 'a {
        let function = trigger.function.as_ref().and_then(|f| self.functions.get(f));
        trigger.fills.iter().chain(function.into_iter().flat_map(|f| f.fills.value.iter()))
    }

    /// Whether a relation-like name (table, view, sequence, index, or the index of a primary key or
    /// unique constraint) is taken in a schema.
    pub fn relation_name_taken(&mut self, key: &ObjKey) -> bool {
        self.tables.contains_key(key)
            || self.views.contains_key(key)
            || self.sequences.contains_key(key)
            || self.indexes.contains_key(key)
            || self.constraint_name_taken(&key.schema, &key.name, true)
    }

    /// Whether a constraint of that name exists in the schema (only index-backed ones if asked).
    pub fn constraint_name_taken(&mut self, schema: &str, name: &str, index_backed_only: bool) -> bool {
        let (all, index_backed) = self.constraint_names().count(schema, name);
        if index_backed_only { index_backed > 0 } else { all > 0 }
    }

    /// Builds the constraint-name cache now: a catalog that is copied afterwards shares it.
    pub fn prepare_constraint_names(&mut self) {
        self.constraint_names();
    }

    fn constraint_names(&mut self) -> &mut ConstraintNames {
        self.names.0.get_or_insert_with(|| {
            let mut base = std::collections::HashMap::default();
            for (key, table) in self.tables.iter() {
                for c in &table.constraints {
                    let e: &mut (i32, i32) = base.entry(ConstraintNames::key(&key.schema, &c.name.key)).or_default();
                    e.0 += 1;
                    e.1 += i32::from(c.kind.is_index_backed());
                }
            }
            ConstraintNames { base: Arc::new(base), delta: Default::default() }
        })
    }

    /// Records a constraint name added to a table of `schema`.
    pub fn note_constraint_name(&mut self, schema: &str, name: &str, index_backed: bool) {
        if let Some(names) = &mut self.names.0 {
            names.change(schema, name, index_backed, 1);
        }
    }

    /// Records a constraint name removed from a table of `schema`.
    pub fn forget_constraint_name(&mut self, schema: &str, name: &str, index_backed: bool) {
        if let Some(names) = &mut self.names.0 {
            names.change(schema, name, index_backed, -1);
        }
    }

    /// Drops the cache after a change too broad to follow name by name (a schema dropped or
    /// renamed, a table replaced); it is rebuilt when next needed.
    pub fn invalidate_constraint_names(&mut self) {
        self.names.0 = None;
    }
}
