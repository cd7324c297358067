//! The N-1 → N comparison: what changed for every object that existed in N-1, and where.
//!
//! Only the net effect counts (a column made nullable and back is no change), objects created in this
//! release are free to change, and each change is attributed to the statement that last touched the
//! attribute: the `SET NOT NULL` of a split sequence, the `DROP` that removed a table, the `CREATE
//! TABLE` of a rebuilt table.

use rollsafe_diagnostics::{Definitions, Location};
use rollsafe_sql::catalog::*;
use rollsafe_sql::describe::{self, display_type};
use rollsafe_sql::object_map::ObjectMap;
use rollsafe_sql::ops::ValueSource;
use rollsafe_sql::ty::{TypeChange, TypeKind, compare};
use rollsafe_sql::{Dialect, expr};
use rustc_hash::FxHashMap;
use std::collections::BTreeSet;
use std::sync::Arc;

/// One change to an N-1 object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    /// The object as the user wrote it (`public.users.full_name`).
    pub object: String,
    /// The statement that caused the change.
    pub at: Location,
    /// Where the object was defined in N-1.
    pub defined: Option<Location>,
    /// The object as modelled in N-1 and in N.
    pub definitions: Definitions,
    /// The object went because the statement dropped something it depends on: what took it
    /// along (`the CASCADE on DROP TABLE scores`).
    pub cause: Option<String>,
    /// Other places that explain the change (the objects in the way of a refused statement).
    pub related: Vec<(Location, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    SchemaRemoved {
        renamed_to: Option<String>,
    },
    TableRemoved,
    TableRenamed {
        to: String,
    },
    ViewRemoved {
        materialized: bool,
    },
    ViewRenamed {
        to: String,
    },
    /// `table` is the relation N-1 reads (a table, or a view that replaced it).
    ColumnRemoved {
        table: String,
        column: String,
        via_view: bool,
        /// Keys and unique indexes of N-1 that go with the column (`primary key users_pkey`): one
        /// finding names them all, rather than one finding each.
        also: Vec<String>,
    },
    ColumnRenamed {
        table: String,
        column: String,
        to: String,
    },
    ColumnType {
        table: String,
        column: String,
        old: String,
        new: String,
        /// The default changed with the type (`0` to `'Active'`): part of the same change.
        default_change: Option<String>,
        verdict: TypeChange,
    },
    NotNullAdded {
        table: String,
        column: String,
        has_default: bool,
    },
    NotNullDropped {
        table: String,
        column: String,
    },
    /// A NOT NULL column lost the default (or identity) N-1 writes relied on.
    DefaultDropped {
        table: String,
        column: String,
        old: String,
    },
    DefaultChanged {
        table: String,
        column: String,
        old: Option<String>,
        new: Option<String>,
    },
    /// `GENERATED ALWAYS` (identity or computed) on a column N-1 writes: its explicit values are refused.
    NowGenerated {
        table: String,
        column: String,
        computed: bool,
    },
    /// Dropped and created again under the same name: its rows are gone.
    TableRecreated {
        dropped_at: Location,
    },
    RequiredColumnAdded {
        table: String,
        column: String,
        /// The trigger function that fills it in rows N-1's triggers already inserted (the table
        /// is maintained by triggers, which N updated): only direct inserts fail.
        filled_by: Option<String>,
    },
    ColumnRecreated {
        table: String,
        column: String,
        dropped_at: Location,
    },
    ConstraintAdded {
        table: String,
        name: String,
        label: &'static str,
        not_valid: bool,
        /// The key's columns, for unique keys, primary keys and unique indexes (empty otherwise).
        columns: Vec<String>,
    },
    PrimaryKeyChanged {
        table: String,
        old: Vec<String>,
        new: Vec<String>,
    },
    /// `label`: unique constraint, unique index or primary key.
    UniqueDropped {
        table: String,
        name: String,
        label: &'static str,
        columns: Vec<String>,
    },
    EnumValueRemoved {
        ty: String,
        value: String,
    },
    EnumValueRenamed {
        ty: String,
        value: String,
        to: String,
    },
    EnumValueAdded {
        ty: String,
        value: String,
    },
    TypeRemoved,
    TypeRenamed {
        to: String,
    },
    SequenceRemoved {
        renamed_to: Option<String>,
    },
    FunctionRemoved {
        renamed_to: Option<String>,
        /// Overloads of the name that remain but do not accept N-1's calls, with why.
        other_overloads: Vec<(String, String)>,
    },
    /// A routine N-1 calls (or the overload its calls now resolve to) returns something else.
    FunctionReturnChanged {
        old: String,
        new: String,
        /// What changed for a caller reading the result (`column total is no longer returned`).
        detail: String,
        /// The overload N-1's calls resolve to now, when the N-1 routine itself is gone.
        via: Option<String>,
    },
    /// An argument N-1's calls may leave out lost its default.
    FunctionDefaultRemoved {
        argument: String,
    },
    /// How the routine runs for its callers changed: volatility made weaker, or `SECURITY
    /// DEFINER` switched. `what` says which (`IMMUTABLE → VOLATILE`).
    FunctionBehaviourChanged {
        what: String,
        security: bool,
    },
    /// Comparing this table failed inside rollsafe (a bug): it is not compared, the rest is.
    NotCompared {
        what: String,
    },
    PartitionDetached {
        parent: String,
        partition: String,
    },
    /// A `BEFORE INSERT` trigger of N-1 set a NOT NULL column without default that N-1's inserts
    /// leave to it; in N nothing sets it (`object` is the column).
    FillingTriggerRemoved {
        table: String,
        column: String,
        trigger: String,
    },
    /// A role lost privileges it had in N-1 on an object N still has (`object` names the object).
    PrivilegeRevoked {
        role: String,
        /// `table users`, `column users.email`, `schema app`.
        what: String,
        privileges: Vec<String>,
    },
    /// Row security newly restricts what a role may do on a table (`object` is the table): turned
    /// on (or forced) with no policy for the role, or the policy that let it dropped.
    RowSecurityRestricted {
        table: String,
        role: String,
        /// The rights N-1 exercises that are now filtered.
        rights: Vec<String>,
        /// How: `row security is enabled on documents`, `policy own_rows on notes is dropped`.
        how: String,
    },
    /// A table rebuilt in this release (dropped, then created or renamed into place) came back
    /// without triggers or indexes it had: `DROP TABLE` took them along (`object` is the table).
    RebuildLost {
        lost: Vec<String>,
    },
    /// A view that replaces an N-1 table under its name (a compatibility view) cannot be written
    /// through, and no INSTEAD OF trigger writes for it.
    ShimNotWritable {
        view: String,
        why: String,
    },
    /// A materialized view N-1 refreshes with `REFRESH MATERIALIZED VIEW CONCURRENTLY` lost the
    /// unique index that needs (`object` is the view).
    MatviewUniqueIndexLost {
        index: String,
    },
    /// PostgreSQL refuses the statement (`object`) because of what depends on its target.
    StatementRefused {
        reason: RefusalReason,
        /// The objects in the way (`view leaderboard`).
        dependents: Vec<String>,
    },
}

/// What the diff needs besides the two catalogs.
pub struct DiffInput<'a> {
    pub old: &'a Catalog,
    pub new: &'a Catalog,
    /// Events of the changes under review (new migrations); empty for schema files.
    pub events: &'a [Event],
    /// Location of an N-1 origin (baseline side).
    pub old_loc: &'a dyn Fn(Origin) -> Option<Location>,
    /// Location of an N origin.
    pub new_loc: &'a dyn Fn(Origin) -> Option<Location>,
    /// Whether an N origin belongs to the changes under review.
    pub is_new: &'a dyn Fn(Origin) -> bool,
    /// Follow objects through this release's renames (migration histories); match by name only
    /// (schema files, which have no history).
    pub by_identity: bool,
    /// Where to point when nothing better is known: the N-1 definition for histories, the start of
    /// the current file for schema files.
    pub fallback: Option<Location>,
}

struct Differ<'a> {
    input: &'a DiffInput<'a>,
    out: Vec<Change>,
    removed_schemas: BTreeSet<String>,
    /// Unique indexes by table, so that per-table checks do not scan every index.
    old_unique: UniqueByTable<'a>,
    new_unique: UniqueByTable<'a>,
    /// N tables by the key they had at the end of N-1 (see `pre_release_key`).
    holders: std::collections::HashMap<&'a ObjKey, (&'a ObjKey, &'a Arc<Table>)>,
    /// The last event of the release about each object, so that finding where an object was
    /// dropped does not scan every event (a release may drop thousands of columns).
    last_event: std::collections::HashMap<Subject<'a>, &'a Event, rustc_hash::FxBuildHasher>,
}

/// A table's columns by name; the first of equal names wins, as in a scan.
fn columns_by_name(table: &Table) -> FxHashMap<&str, &Column> {
    let mut map: FxHashMap<&str, &Column> = FxHashMap::default();
    for c in &table.columns {
        map.entry(c.name.key.as_str()).or_insert(c);
    }
    map
}

/// Why `new` does not accept every call N-1 can make to a routine of signature `old` (all its
/// input arguments, or fewer where they have defaults); `None` when it accepts them all.
fn why_not_accepted(old: &rollsafe_sql::routine::Signature, new: &rollsafe_sql::routine::Signature) -> Option<String> {
    if old.procedure != new.procedure {
        return Some(if new.procedure { "it is a procedure".into() } else { "it is a function".into() });
    }
    let old_inputs = old.identity_types();
    let new_inputs = new.identity_types();
    for count in old.required_inputs()..=old_inputs.len() {
        if count > new_inputs.len() {
            return Some(format!("it takes {} argument{}", new_inputs.len(), if new_inputs.len() == 1 { "" } else { "s" }));
        }
        if count < new.required_inputs() {
            return Some(format!("it needs {} argument{}", new.required_inputs(), if new.required_inputs() == 1 { "" } else { "s" }));
        }
    }
    for (i, (o, n)) in old_inputs.iter().zip(&new_inputs).enumerate() {
        if !implicitly_casts(o, n) {
            return Some(format!(
                "argument {} is {}, and {} does not convert to it implicitly",
                i + 1,
                rollsafe_sql::routine::identity_type(n),
                rollsafe_sql::routine::identity_type(o)
            ));
        }
    }
    None
}

/// Whether PostgreSQL converts a value of type `from` to `to` implicitly when it resolves a call
/// (`pg_cast` entries of context `i`, and binary-coercible pairs).
fn implicitly_casts(from: &rollsafe_sql::ty::SqlType, to: &rollsafe_sql::ty::SqlType) -> bool {
    let (f, t) = (rollsafe_sql::routine::identity_type(from), rollsafe_sql::routine::identity_type(to));
    if f == t {
        return true;
    }
    if from.array_dims != to.array_dims {
        return false;
    }
    matches!(
        (f.trim_end_matches("[]"), t.trim_end_matches("[]")),
        ("int2", "int4" | "int8" | "numeric" | "float4" | "float8")
            | ("int4", "int8" | "numeric" | "float4" | "float8")
            | ("int8", "numeric" | "float4" | "float8")
            | ("numeric", "float4" | "float8")
            | ("float4", "float8")
            | ("varchar" | "bpchar", "text")
            | ("text" | "bpchar", "varchar")
            | ("date", "timestamp" | "timestamptz")
            | ("timestamp", "timestamptz")
            | ("time", "timetz" | "interval")
    )
}

/// How a routine's result changed for a caller: (old, new, what changed), or `None` if a caller
/// reads it as before (the same type, or only columns added to a `RETURNS TABLE`).
fn return_change(
    old: Option<&rollsafe_sql::routine::Returns>,
    new: Option<&rollsafe_sql::routine::Returns>,
    dialect: Dialect,
) -> Option<(String, String, String)> {
    use rollsafe_sql::routine::Returns;
    let text = |r: Option<&Returns>| match r {
        None => "nothing (a procedure)".to_string(),
        Some(Returns::Type { text, set, .. }) => {
            if *set {
                format!("SETOF {text}")
            } else {
                text.clone()
            }
        }
        Some(Returns::Table(cols)) => {
            format!("TABLE ({})", cols.iter().map(|(n, _, t)| format!("{n} {t}")).collect::<Vec<_>>().join(", "))
        }
    };
    let detail = match (old, new) {
        (Some(Returns::Type { ty: ot, set: os, .. }), Some(Returns::Type { ty: nt, set: ns, .. })) => {
            if os != ns {
                Some(if *ns { "it now returns a set of rows".to_string() } else { "it now returns one value, not a set".to_string() })
            } else {
                match compare(ot, nt, dialect) {
                    TypeChange::Same | TypeChange::Compatible => None,
                    TypeChange::Narrowed(how) | TypeChange::PrecisionReduced(how) | TypeChange::Reinterpreted(how) => Some(how),
                    TypeChange::Widened => Some("the type is wider: a client decoding the old type may not read it".into()),
                    TypeChange::FamilyChanged => Some("the result has another type".into()),
                }
            }
        }
        (Some(Returns::Table(oc)), Some(Returns::Table(nc))) => {
            oc.iter().find_map(|(name, ty, _)| match nc.iter().find(|(n, ..)| n.key == name.key) {
                None => Some(format!("column {name} is no longer returned")),
                Some((_, nty, _)) => match compare(ty, nty, dialect) {
                    TypeChange::Same | TypeChange::Compatible => None,
                    _ => Some(format!("column {name} has another type")),
                },
            })
        }
        (None, None) => None,
        (Some(Returns::Type { .. }), Some(Returns::Table(_))) | (Some(Returns::Table(_)), Some(Returns::Type { .. })) => {
            Some("the result changed shape".into())
        }
        _ => Some("the result changed".into()),
    }?;
    Some((text(old), text(new), detail))
}

/// The domain a type names in a catalog, with its key.
fn domain_of<'c>(catalog: &'c Catalog, ty: &rollsafe_sql::ty::SqlType) -> Option<(ObjKey, &'c TypeDef)> {
    let (schema, name) = ty.user_type()?;
    let key = ObjKey::new(schema.unwrap_or(catalog.dialect.default_schema()), name);
    let t = catalog.types.get(&key)?;
    matches!(t.shape, TypeShape::Domain { .. }).then_some((key, &**t))
}

/// The base type of a domain type (arrays of it keep their dimensions); `None` for other types.
fn domain_base(catalog: &Catalog, ty: &rollsafe_sql::ty::SqlType) -> Option<rollsafe_sql::ty::SqlType> {
    let (_, t) = domain_of(catalog, ty)?;
    let TypeShape::Domain { base, .. } = &t.shape else {
        return None;
    };
    let mut base = base.clone();
    base.array_dims += ty.array_dims;
    Some(base)
}

/// An N routine of the same schema and name that accepts every call N-1 makes to `old`.
fn overload_taking_calls<'c>(new: &'c Catalog, key: &ObjKey, old: &Function) -> Option<&'c Function> {
    let sig = old.signature.value.as_ref()?;
    let mut candidates = new.functions.iter().filter(|(k, f)| k.schema == key.schema && f.name == old.name && !f.trigger);
    candidates.find_map(|(_, f)| f.signature.value.as_ref().is_some_and(|s| why_not_accepted(sig, s).is_none()).then_some(&**f))
}

/// What an [`Event`] is about.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Subject<'e> {
    Table(&'e ObjKey),
    View(&'e ObjKey),
    Type(&'e ObjKey),
    Sequence(&'e ObjKey),
    Schema(&'e str),
    Function(&'e ObjKey),
    Column(&'e ObjKey, &'e str),
    Constraint(&'e ObjKey, &'e str),
    Index(&'e ObjKey),
    Trigger(&'e ObjKey),
    Policy(&'e ObjKey, &'e str),
    Refused(Origin),
    Partition(&'e ObjKey, &'e ObjKey),
    ColumnsOf(&'e ObjKey),
    /// An object the history never created, named by a statement.
    Unknown(rollsafe_sql::catalog::UnknownKind, &'e ObjKey),
    ReplayFailed,
}

impl<'e> Subject<'e> {
    fn of(event: &'e Event) -> Subject<'e> {
        match event {
            Event::TableDropped { table, .. } => Subject::Table(table),
            Event::ViewDropped { view, .. } => Subject::View(view),
            Event::TypeDropped { ty, .. } => Subject::Type(ty),
            Event::SequenceDropped { sequence, .. } => Subject::Sequence(sequence),
            Event::SchemaDropped { schema, .. } => Subject::Schema(schema),
            Event::FunctionDropped { function, .. } => Subject::Function(function),
            Event::ColumnDropped { table, column, .. } => Subject::Column(table, column),
            Event::ConstraintDropped { table, name, .. } => Subject::Constraint(table, name),
            Event::IndexDropped { index, .. } => Subject::Index(index),
            Event::TriggerDropped { trigger, .. } => Subject::Trigger(trigger),
            Event::PolicyDropped { table, name, .. } => Subject::Policy(table, name),
            Event::Refused { origin, .. } => Subject::Refused(*origin),
            Event::Implicit { dropped, .. } => Subject::of(dropped),
            Event::PartitionDetached { parent, partition, .. } => Subject::Partition(parent, partition),
            Event::ColumnsNotModelled { table, .. } => Subject::ColumnsOf(table),
            Event::UnknownObject { kind, key, .. } => Subject::Unknown(*kind, key),
            Event::ReplayFailed { .. } => Subject::ReplayFailed,
        }
    }
}

type UniqueByTable<'a> = std::collections::HashMap<&'a ObjKey, Vec<(&'a ObjKey, &'a Index)>, rustc_hash::FxBuildHasher>;

/// A column of N that this release adds: not in N-1, and not an N-1 column renamed. N-1 never
/// names it, so its writes leave it at its default.
fn added_column<'t>(old: &Table, new: &'t Table, name: &str) -> Option<&'t Column> {
    let column = new.column(name)?;
    let renamed = column.renamed_from.iter().any(|(k, _)| old.column(k).is_some());
    (old.column(name).is_none() && !renamed).then_some(column)
}

/// Whether every column is filled by the database (serial, identity, auto-increment) in N-1: N-1
/// never writes them, so a unique key on them dropped cannot let N-1 write a duplicate.
fn database_generated(table: &Table, columns: &[String]) -> bool {
    !columns.is_empty()
        && columns.iter().all(|c| {
            table.column(c).is_some_and(|col| {
                matches!(
                    col.generated.value,
                    Some(ValueSource::Serial | ValueSource::IdentityAlways | ValueSource::IdentityByDefault | ValueSource::AutoIncrement)
                )
            })
        })
}

/// Columns (or index keys) as a set: uniqueness does not depend on their order.
fn column_set(columns: &[String]) -> BTreeSet<&str> {
    columns.iter().map(String::as_str).collect()
}

fn unique_by_table(catalog: &Catalog) -> UniqueByTable<'_> {
    let mut out = UniqueByTable::default();
    for (key, ix) in catalog.indexes.iter().filter(|(_, ix)| ix.unique) {
        out.entry(&ix.table).or_default().push((key, ix));
    }
    out
}

/// Tables that a unique index was added to, dropped from or changed on, in a stable order.
fn tables_with_changed_unique_indexes<'c>(old: &'c Catalog, new: &'c Catalog) -> BTreeSet<&'c ObjKey> {
    fn changed<'c>(this: &'c ObjectMap<ObjKey, Index>, other: &'c ObjectMap<ObjKey, Index>) -> impl Iterator<Item = &'c ObjKey> {
        this.differing_shards(other)
            .flat_map(|(shard, _)| shard.iter())
            .filter(|(k, ix)| ix.unique && other.get(k).is_none_or(|o| !Arc::ptr_eq(o, ix)))
            .map(|(_, ix)| &ix.table)
    }
    changed(&old.indexes, &new.indexes).chain(changed(&new.indexes, &old.indexes)).collect()
}

pub fn diff(input: &DiffInput<'_>) -> Vec<Change> {
    let mut d = Differ {
        input,
        out: Vec::new(),
        removed_schemas: BTreeSet::new(),
        old_unique: unique_by_table(input.old),
        new_unique: unique_by_table(input.new),
        holders: std::collections::HashMap::new(),
        // Later events overwrite earlier ones: the last one about an object is where it went.
        last_event: input.events.iter().map(|e| (Subject::of(e), e)).collect(),
    };
    if input.by_identity {
        // Tables in shards N shares with N-1 are untouched and hold their own key (see `tables`).
        let changed = input.new.tables.differing_shards(&input.old.tables).flat_map(|(new, _)| new.iter());
        let holders = changed.filter_map(|(k, t)| d.pre_release_key(k, t).map(|pre| (pre, (k, t)))).collect();
        d.holders = holders;
    }
    d.schemas();
    d.tables();
    d.views();
    d.types();
    d.sequences_and_functions();
    d.partitions();
    d.filling_triggers();
    d.rebuild_losses();
    d.privileges();
    d.row_security();
    d.refusals();
    d.out
}

impl Differ<'_> {
    fn dialect(&self) -> Dialect {
        self.input.new.dialect
    }

    fn push(&mut self, kind: ChangeKind, object: String, at: Option<Location>, defined: Option<Origin>, definitions: Definitions) {
        let defined = defined.and_then(|o| (self.input.old_loc)(o));
        let Some(at) = at.or_else(|| self.input.fallback.clone()).or_else(|| defined.clone()) else {
            return;
        };
        self.out.push(Change { kind, object, at, defined, definitions, cause: None, related: Vec::new() });
    }

    /// Marks the change just pushed as caused by a CASCADE, if the release's last event about
    /// its subject was an implicit drop.
    fn caused(&mut self, subject: Subject<'_>) {
        let Some(Event::Implicit { by, .. }) = self.last_event.get(&subject) else {
            return;
        };
        if let Some(last) = self.out.last_mut() {
            last.cause = Some(by.clone());
        }
    }

    fn tables_defs(&self, old: Option<&Table>, new: Option<&Table>) -> Definitions {
        let d = self.dialect();
        Definitions { before: old.map(|t| describe::table(t, d)), after: new.map(|t| describe::table(t, d)) }
    }

    fn constraint_def(&self, c: &Constraint) -> String {
        describe::constraint(&c.name.to_string(), &c.kind, c.not_valid, self.dialect())
    }

    fn loc(&self, origin: Origin) -> Option<Location> {
        (self.input.new_loc)(origin)
    }

    /// Where the release last dropped (or detached) an object.
    fn event_loc(&self, subject: Subject<'_>) -> Option<Location> {
        self.last_event.get(&subject).and_then(|e| self.loc(e.origin()))
    }

    fn schemas(&mut self) {
        let default = self.dialect().default_schema();
        for (key, schema) in &self.input.old.schemas {
            if key == default || self.input.new.schemas.contains_key(key) {
                continue;
            }
            self.removed_schemas.insert(key.clone());
            let renamed = self.input.new.tables.values().find_map(|t| {
                t.renamed_from
                    .iter()
                    .find(|(k, _)| &k.schema == key)
                    .map(|(_, o)| (t.written.split('.').next().unwrap_or("").to_string(), *o))
            });
            let (renamed_to, at) = match renamed {
                Some((to, origin)) => (Some(to), self.loc(origin)),
                None => (None, self.event_loc(Subject::Schema(key))),
            };
            let definitions = Definitions::new(
                Some(format!("CREATE SCHEMA {}", schema.written)),
                renamed_to.as_ref().map(|to| format!("CREATE SCHEMA {to}")),
            );
            self.push(ChangeKind::SchemaRemoved { renamed_to }, schema.written.clone(), at, Some(schema.origin), definitions);
        }
    }

    /// The key an N table had at the end of N-1: before the first rename of this release. `None`
    /// for a table created in this release.
    fn pre_release_key<'t>(&self, key: &'t ObjKey, table: &'t Table) -> Option<&'t ObjKey> {
        // Tables untouched by this release (the vast majority) answer at once.
        if table.renamed_from.is_empty() {
            return (!(self.input.is_new)(table.origin)).then_some(key);
        }
        if (self.input.is_new)(table.origin) {
            return None;
        }
        Some(table.renamed_from.iter().find(|(_, o)| (self.input.is_new)(*o)).map_or(key, |(k, _)| k))
    }

    /// Every N-1 table that N does not share: dropped, renamed or changed. A shared table (the same
    /// allocation, untouched by this release) can only have lost or gained a unique index, which
    /// lives apart from it; those are checked from the indexes that changed.
    fn tables(&mut self) {
        let (old_tables, new_tables) = (&self.input.old.tables, &self.input.new.tables);
        for (key, old) in old_tables.differing_shards(new_tables).flat_map(|(old, _)| old.iter()) {
            if self.removed_schemas.contains(&key.schema) {
                continue;
            }
            // The N table that is this N-1 table, followed through this release's renames; schema
            // files have no history to follow, so names decide there.
            let holder = if self.input.by_identity { self.holders.get(key).copied() } else { self.input.new.tables.get_key_value(key) };
            match holder {
                // The same table, untouched by this release: see below.
                Some((k, new)) if k == key && Arc::ptr_eq(old, new) => {}
                Some((k, new)) if k == key => self.table_guarded(key, old, new),
                Some((_, renamed)) => {
                    let rename_at = renamed.renamed_from.iter().find(|(_, o)| (self.input.is_new)(*o)).and_then(|(_, o)| self.loc(*o));
                    match (self.input.new.views.get(key), self.input.new.tables.get(key)) {
                        // Renamed, with a view left under the old name: the compatibility shim.
                        (Some(view), _) => self.shim_view(key, old, view),
                        // A filled copy swapped in under the old name (MySQL's and online schema
                        // change tools' rebuild): judged like the table it replaces.
                        (None, Some(swapped)) if !swapped.renamed_from.is_empty() => self.table(key, old, swapped),
                        // A new, empty table under the old name: N-1 reads no rows.
                        (None, Some(fresh)) => {
                            if let Some(moved_at) = rename_at {
                                let kind = ChangeKind::TableRecreated { dropped_at: moved_at };
                                let definitions = self.tables_defs(Some(old), Some(fresh));
                                self.push(kind, old.written.clone(), self.loc(fresh.origin), Some(old.origin), definitions);
                            }
                            self.table(key, old, fresh);
                        }
                        (None, None) => {
                            let kind = ChangeKind::TableRenamed { to: renamed.written.clone() };
                            let definitions = self.tables_defs(Some(old), Some(renamed));
                            self.push(kind, old.written.clone(), rename_at, Some(old.origin), definitions);
                        }
                    }
                }
                None => match (self.input.new.tables.get(key), self.input.new.views.get(key)) {
                    (Some(new), _) => {
                        // Created again under the old name in this release. A copy renamed into place
                        // (SQLite's rebuild) carries the data; a plain DROP and CREATE does not.
                        let dropped = self.event_loc(Subject::Table(key));
                        if new.renamed_from.is_empty()
                            && let Some(dropped_at) = dropped
                        {
                            let kind = ChangeKind::TableRecreated { dropped_at };
                            let definitions = self.tables_defs(Some(old), Some(new));
                            self.push(kind, old.written.clone(), self.loc(new.origin), Some(old.origin), definitions);
                        }
                        self.table(key, old, new);
                    }
                    (None, Some(view)) => self.shim_view(key, old, view),
                    (None, None) => {
                        let at = self.event_loc(Subject::Table(key));
                        let definitions = self.tables_defs(Some(old), None);
                        self.push(ChangeKind::TableRemoved, old.written.clone(), at, Some(old.origin), definitions);
                        self.caused(Subject::Table(key));
                    }
                },
            }
        }
        for key in tables_with_changed_unique_indexes(self.input.old, self.input.new) {
            if let (Some(old), Some(new)) = (old_tables.get(key), new_tables.get(key))
                && Arc::ptr_eq(old, new)
                && !self.removed_schemas.contains(&key.schema)
            {
                self.indexes(key, old, new);
            }
        }
    }

    /// The name an N column had at the end of N-1, like [`Self::pre_release_key`].
    fn pre_release_name<'c>(&self, column: &'c Column) -> Option<&'c String> {
        if (self.input.is_new)(column.origin) {
            return None;
        }
        Some(column.renamed_from.iter().find(|(_, o)| (self.input.is_new)(*o)).map_or(&column.name.key, |(k, _)| k))
    }

    /// A view under a removed table's name keeps N-1 readers working; check it still has the columns.
    fn shim_view(&mut self, key: &ObjKey, old: &Table, view: &View) {
        self.shim_view_columns(old, view);
        self.shim_view_types(old, view);
        // Writes go through only if the database can (or INSTEAD OF triggers do it).
        let instead_of =
            self.input.new.triggers.values().any(|t| t.table == *key && t.timing == rollsafe_sql::ops::TriggerTiming::InsteadOf);
        if let Some(why) = &view.not_updatable
            && !instead_of
        {
            let kind = ChangeKind::ShimNotWritable { view: view.written.clone(), why: why.clone() };
            let definitions = Definitions::new(Some(describe::table(old, self.dialect())), Some(describe::view(view, self.dialect())));
            self.push(kind, old.written.clone(), self.loc(view.origin), Some(old.origin), definitions);
        }
    }

    /// Whether N's `BEFORE INSERT` and `BEFORE UPDATE` triggers on a table set one of two columns
    /// (from the other): a duplicate column kept in step, which N-1 can go on using.
    fn synced_by_trigger(&self, table: &ObjKey, a: &str, b: &str) -> bool {
        use rollsafe_sql::ops::{TriggerEvent, TriggerTiming};
        let new = self.input.new;
        let sets = |event: TriggerEvent| {
            new.triggers.values().any(|t| {
                t.table == *table
                    && t.timing == TriggerTiming::Before
                    && t.events.contains(&event)
                    && new.trigger_fills(t).any(|c| c == a || c == b)
            })
        };
        sets(TriggerEvent::Insert) && sets(TriggerEvent::Update)
    }

    /// The type N-1 reads from each column of a compatibility view: the column it passes through.
    fn shim_view_types(&mut self, old: &Table, view: &View) {
        let Some(columns) = &view.columns else { return };
        for (name, source) in columns.iter().zip(&view.column_sources) {
            let (Some(oc), Some((table, column))) = (old.column(&name.key), source) else { continue };
            let Some(src) = self.input.new.tables.get(table).and_then(|t| t.column(column)) else { continue };
            let verdict = self.type_verdict(&oc.ty.value, &src.ty.value);
            if matches!(verdict, TypeChange::Same | TypeChange::Compatible) {
                continue;
            }
            let kind = ChangeKind::ColumnType {
                table: old.written.clone(),
                column: oc.name.to_string(),
                old: display_type(&oc.type_text),
                new: display_type(&src.type_text),
                default_change: None,
                verdict,
            };
            let definitions = Definitions::new(Some(describe::column(oc)), Some(describe::view(view, self.dialect())));
            self.push(kind, format!("{}.{}", old.written, oc.name), self.loc(view.origin), Some(oc.origin), definitions);
        }
    }

    fn shim_view_columns(&mut self, old: &Table, view: &View) {
        let columns: Option<Vec<String>> = match (&view.columns, &view.star_of) {
            (Some(cols), _) => Some(cols.iter().map(|c| c.key.clone()).collect()),
            (None, Some(src)) => self
                .input
                .new
                .tables
                .get(src)
                .filter(|t| !t.columns_unknown)
                .map(|t| t.columns.iter().map(|c| c.name.key.clone()).collect()),
            _ => None,
        };
        let Some(columns) = columns else { return };
        for c in &old.columns {
            if !columns.contains(&c.name.key) {
                let kind =
                    ChangeKind::ColumnRemoved { table: old.written.clone(), column: c.name.to_string(), via_view: true, also: Vec::new() };
                let definitions = Definitions::new(Some(describe::column(c)), Some(describe::view(view, self.dialect())));
                self.push(kind, format!("{}.{}", old.written, c.name), self.loc(view.origin), Some(c.origin), definitions);
            }
        }
    }

    fn table(&mut self, key: &ObjKey, old: &Table, new: &Table) {
        if old.written == "rollsafe_diff_panic" && rollsafe_sql::replay::panic_probe_armed() {
            panic!("diff panic probe");
        }
        let t = &old.written;
        if !(old.columns_unknown || new.columns_unknown) {
            // A table created in this release (a rebuild) has only new columns: match them by name.
            let rebuilt = (self.input.is_new)(new.origin);
            let by_identity = self.input.by_identity && !rebuilt;
            // Columns by name, and N columns by the name they had in N-1, looked up once per column
            // (a table may have thousands). The first of equal names wins, as in a scan.
            let (old_by_name, new_by_name) = (columns_by_name(old), columns_by_name(new));
            let mut new_by_pre_release_name: FxHashMap<&str, &Column> = FxHashMap::default();
            if by_identity {
                for nc in &new.columns {
                    if let Some(pre) = self.pre_release_name(nc) {
                        new_by_pre_release_name.entry(pre.as_str()).or_insert(nc);
                    }
                }
            }
            for oc in &old.columns {
                let object = format!("{t}.{}", oc.name);
                let holder = if by_identity {
                    new_by_pre_release_name.get(oc.name.key.as_str()).copied()
                } else {
                    new_by_name.get(oc.name.key.as_str()).copied()
                };
                match holder {
                    Some(nc) if nc.name.key == oc.name.key => self.column(key, old, t, oc, nc, object),
                    // Renamed, with a column under the old name that a trigger keeps in step:
                    // N-1 reads and writes the old name as before.
                    Some(nc)
                        if new_by_name.contains_key(oc.name.key.as_str()) && self.synced_by_trigger(key, &oc.name.key, &nc.name.key) => {}
                    Some(nc) => {
                        let origin = nc.renamed_from.iter().find(|(_, o)| (self.input.is_new)(*o)).map(|(_, o)| *o);
                        let kind = ChangeKind::ColumnRenamed { table: t.clone(), column: oc.name.to_string(), to: nc.name.to_string() };
                        let definitions = Definitions::new(Some(describe::column(oc)), Some(describe::column(nc)));
                        self.push(kind, object, origin.and_then(|o| self.loc(o)), Some(oc.origin), definitions);
                    }
                    // Dropped and added again under its name: the data is gone, the name is not.
                    None if new_by_name.contains_key(oc.name.key.as_str()) => {
                        let nc = new_by_name[oc.name.key.as_str()];
                        self.column(key, old, t, oc, nc, object);
                    }
                    None => {
                        let at = self
                            .event_loc(Subject::Column(key, &oc.name.key))
                            .or_else(|| rebuilt.then(|| self.loc(new.origin)).flatten())
                            .or_else(|| self.schema_file_table(new));
                        let also = self.guarantees_on_column(key, old, &oc.name.key);
                        let kind = ChangeKind::ColumnRemoved { table: t.clone(), column: oc.name.to_string(), via_view: false, also };
                        self.push(kind, object, at, Some(oc.origin), Definitions::new(Some(describe::column(oc)), None));
                        self.caused(Subject::Column(key, &oc.name.key));
                    }
                }
            }
            for nc in &new.columns {
                let existed = if by_identity {
                    self.pre_release_name(nc).is_some_and(|k| old_by_name.contains_key(k.as_str()))
                } else {
                    old_by_name.contains_key(nc.name.key.as_str())
                };
                if !existed && !nc.optional_on_insert() {
                    // The statement that made it required: the ADD COLUMN, or a later SET NOT NULL / DROP DEFAULT.
                    let origin = [nc.not_null.origin, nc.default.origin, nc.generated.origin]
                        .into_iter()
                        .max_by_key(|o| (o.source, o.range.start))
                        .unwrap_or(nc.origin);
                    let filled_by = self.filled_by_trigger(key, &nc.name.key);
                    let kind = ChangeKind::RequiredColumnAdded { table: t.clone(), column: nc.name.to_string(), filled_by };
                    self.push(kind, format!("{t}.{}", nc.name), self.loc(origin), None, Definitions::new(None, Some(describe::column(nc))));
                }
            }
        }
        self.constraints(key, old, new);
        self.indexes(key, old, new);
    }

    /// Compares one table behind an unwind guard: a bug costs that table, which gets a note, and
    /// the findings it produced before failing are dropped (they may be half-made).
    fn table_guarded(&mut self, key: &ObjKey, old: &Arc<Table>, new: &Arc<Table>) {
        let before = self.out.len();
        let compared = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.table(key, old, new)));
        if compared.is_err() {
            self.out.truncate(before);
            let what =
                format!("comparing table {} failed inside rollsafe (an internal error, please report it): it is not checked", old.written);
            let at = self.loc(new.origin);
            self.push(ChangeKind::NotCompared { what }, old.written.clone(), at, Some(old.origin), Definitions::default());
        }
    }

    /// A table created in this release to replace an N-1 table (a rebuild): what it lacks is
    /// shown on its definition.
    fn replacement(&self, new: &Table) -> Option<Location> {
        (self.input.is_new)(new.origin).then(|| self.loc(new.origin)).flatten()
    }

    /// In schema files, a removed column is shown on its table's definition.
    fn schema_file_table(&self, new: &Table) -> Option<Location> {
        self.input.events.is_empty().then(|| self.loc(new.origin)).flatten()
    }

    fn column(&mut self, key: &ObjKey, old: &Table, t: &str, oc: &Column, nc: &Column, object: String) {
        let col = || oc.name.to_string();
        let defs = || Definitions::new(Some(describe::column(oc)), Some(describe::column(nc)));
        // A computed column dropped and added again is computed again: no data is lost.
        if (self.input.is_new)(nc.origin)
            && !(oc.is_computed() && nc.is_computed())
            && let Some(dropped_at) = self.event_loc(Subject::Column(key, &oc.name.key))
        {
            self.push(
                ChangeKind::ColumnRecreated { table: t.to_string(), column: col(), dropped_at },
                object.clone(),
                self.loc(nc.origin),
                Some(oc.origin),
                defs(),
            );
        }
        let writes_refused = |c: &Column| matches!(c.generated.value, Some(ValueSource::IdentityAlways | ValueSource::Computed));
        if !writes_refused(oc) && writes_refused(nc) {
            let kind = ChangeKind::NowGenerated {
                table: t.to_string(),
                column: col(),
                computed: nc.generated.value == Some(ValueSource::Computed),
            };
            self.push(kind, object.clone(), self.loc(nc.generated.origin), Some(oc.origin), defs());
        }
        let verdict = self.type_verdict(&oc.ty.value, &nc.ty.value);
        if !matches!(verdict, TypeChange::Same | TypeChange::Compatible) {
            let default_change = match (&oc.default.value, &nc.default.value) {
                (Some(a), Some(b)) if expr::key(a, self.dialect()) != expr::key(b, self.dialect()) => {
                    Some(format!("its default changes from {a} to {b}"))
                }
                (Some(a), None) => Some(format!("its default {a} is dropped")),
                _ => None,
            };
            let kind = ChangeKind::ColumnType {
                table: t.to_string(),
                column: col(),
                old: display_type(&oc.type_text),
                new: display_type(&nc.type_text),
                default_change,
                verdict,
            };
            self.push(kind, object.clone(), self.loc(nc.ty.origin), Some(oc.origin), defs());
        }
        if oc.ty.value != nc.ty.value {
            self.column_domain_constraints(t, oc, nc, &object);
        }
        // A computed column made an ordinary one (MySQL `MODIFY`/`CHANGE`, PostgreSQL `DROP
        // EXPRESSION`): N-1 never writes it, so its inserts now leave it without a value.
        if oc.is_computed() && !nc.is_computed() {
            let generation = "its generation expression".to_string();
            let origin =
                [nc.generated.origin, nc.not_null.origin].into_iter().max_by_key(|o| (o.source, o.range.start)).unwrap_or(nc.origin);
            let kind = if nc.optional_on_insert() {
                if nc.default.value.is_some() {
                    return;
                }
                ChangeKind::DefaultChanged { table: t.to_string(), column: col(), old: Some(generation), new: None }
            } else {
                ChangeKind::DefaultDropped { table: t.to_string(), column: col(), old: generation }
            };
            self.push(kind, object, self.loc(origin), Some(oc.origin), defs());
            return;
        }
        match (oc.not_null.value, nc.not_null.value) {
            // A validated `CHECK (col IS NOT NULL)` of N-1 already refused NULLs: N-1 writes none.
            (false, true) if self.n1_checks_not_null(old, oc) => {}
            (false, true) => {
                let has_default = nc.default.value.is_some() || nc.generated.value.is_some();
                self.push(
                    ChangeKind::NotNullAdded { table: t.to_string(), column: col(), has_default },
                    object.clone(),
                    self.loc(nc.not_null.origin),
                    Some(oc.origin),
                    defs(),
                );
            }
            (true, false) => {
                self.push(
                    ChangeKind::NotNullDropped { table: t.to_string(), column: col() },
                    object.clone(),
                    self.loc(nc.not_null.origin),
                    Some(oc.origin),
                    defs(),
                );
            }
            _ => {}
        }
        let old_fills = oc.default.value.is_some() || oc.generated.value.is_some();
        let new_fills = nc.default.value.is_some() || nc.generated.value.is_some();
        if oc.not_null.value && nc.not_null.value && old_fills && !new_fills {
            let old = oc.default.value.clone().unwrap_or_else(|| "an identity value".to_string());
            // The default's origin, or the identity's when that is what went away.
            let origin = if oc.default.value.is_some() { nc.default.origin } else { nc.generated.origin };
            let kind = ChangeKind::DefaultDropped { table: t.to_string(), column: col(), old };
            self.push(kind, object, self.loc(origin), Some(oc.origin), defs());
            return;
        }
        // A NOT NULL column left without any default was reported above as a new requirement.
        let required_now = nc.not_null.value && !new_fills;
        // The identity that replaced a serial's default fills the column just the same.
        let identity_now = matches!(nc.generated.value, Some(ValueSource::IdentityAlways | ValueSource::IdentityByDefault));
        let same_default = match (&oc.default.value, &nc.default.value) {
            (Some(a), Some(b)) => expr::key(a, self.dialect()) == expr::key(b, self.dialect()) || self.same_enum_value(nc, a, b),
            (None, None) => true,
            _ => false,
        };
        let filled_by_identity = identity_now && nc.default.value.is_none();
        // A default that changes with the column's type is named by the type's finding.
        let type_changed = !matches!(self.type_verdict(&oc.ty.value, &nc.ty.value), TypeChange::Same | TypeChange::Compatible);
        let reported_elsewhere = required_now || filled_by_identity || type_changed;
        if oc.default.value.is_some() && !same_default && !reported_elsewhere {
            let kind = ChangeKind::DefaultChanged {
                table: t.to_string(),
                column: col(),
                old: oc.default.value.clone(),
                new: nc.default.value.clone(),
            };
            self.push(kind, object, self.loc(nc.default.origin), Some(oc.origin), defs());
        }
    }

    /// Whether this release dropped an index of this name that the history never created: it
    /// existed (made by code or by hand), so what is created under its name is not known to be new.
    fn existed_unseen(&self, name: &str) -> bool {
        self.input
            .events
            .iter()
            .any(|e| matches!(e, Event::UnknownObject { kind: rollsafe_sql::catalog::UnknownKind::Index, key, .. } if key.name == name))
    }

    /// N-1's primary key, unique constraints and unique indexes that include a column, by name.
    fn guarantees_on_column(&self, key: &ObjKey, old: &Table, column: &str) -> Vec<String> {
        let mut out: Vec<String> = old
            .constraints
            .iter()
            .filter(|c| matches!(c.kind, ConstraintShape::PrimaryKey { .. } | ConstraintShape::Unique { .. }))
            .filter(|c| c.kind.columns().iter().any(|k| k == column))
            .map(|c| format!("{} {}", c.kind.label(), c.name))
            .collect();
        for (_, ix) in self.old_unique.get(key).map(Vec::as_slice).unwrap_or_default() {
            if ix.columns.iter().flatten().any(|k| k == column) {
                out.push(format!("{} {}", if ix.predicate.is_some() { "partial unique index" } else { "unique index" }, ix.name));
            }
        }
        out
    }

    /// Whether two defaults of an enum column are the same value under a label this release renamed
    /// (`'closed'` and `'Closed'` after `RENAME VALUE`): the rename is the finding.
    fn same_enum_value(&self, column: &Column, old: &str, new: &str) -> bool {
        let TypeKind::Named { schema, name } = &column.ty.value.kind else { return false };
        let key = ObjKey::new(schema.as_deref().unwrap_or(self.dialect().default_schema()), name.clone());
        let label = |d: &str| d.split("::").next().unwrap_or(d).trim().trim_matches('\'').to_string();
        self.input
            .new
            .types
            .get(&key)
            .is_some_and(|t| t.renamed_values.iter().any(|(from, to, _)| *from == label(old) && *to == label(new)))
    }

    /// Whether N-1 had a validated check constraint that means `col IS NOT NULL`.
    fn n1_checks_not_null(&self, old: &Table, oc: &Column) -> bool {
        let d = self.dialect();
        let wanted = [oc.name.key.as_str(), &oc.name.written].map(|name| expr::key(&format!("{name} IS NOT NULL"), d));
        old.constraints.iter().any(|c| match &c.kind {
            ConstraintShape::Check { expr } if !c.not_valid => {
                let key = expr::key(expr, d);
                wanted.contains(&key) || wanted.iter().any(|w| key == format!("({w})"))
            }
            _ => false,
        })
    }

    /// Compares types, treating a user type that was renamed as the same type.
    fn type_verdict(&self, old: &rollsafe_sql::ty::SqlType, new: &rollsafe_sql::ty::SqlType) -> TypeChange {
        if let (TypeKind::Named { schema: os, name: on }, TypeKind::Named { schema: ns, name: nn }) = (&old.kind, &new.kind)
            && old.array_dims == new.array_dims
        {
            let default = self.dialect().default_schema();
            let old_key = ObjKey::new(os.as_deref().unwrap_or(default), on.clone());
            let new_key = ObjKey::new(ns.as_deref().unwrap_or(default), nn.clone());
            if old_key == new_key || self.input.new.types.get(&new_key).is_some_and(|t| t.renamed_from.iter().any(|(k, _)| *k == old_key)) {
                return TypeChange::Same;
            }
        }
        // A domain holds the values of its base type (its constraints are compared on their own).
        let (old_base, new_base) = (domain_base(self.input.old, old), domain_base(self.input.new, new));
        if old_base.is_some() || new_base.is_some() {
            return compare(old_base.as_ref().unwrap_or(old), new_base.as_ref().unwrap_or(new), self.dialect());
        }
        compare(old, new, self.dialect())
    }

    /// A column moved to a domain (from its base type or another domain) takes on the domain's
    /// NOT NULL and checks: each one N-1's type did not have is a new requirement on its writes.
    fn column_domain_constraints(&mut self, t: &str, oc: &Column, nc: &Column, object: &str) {
        let Some((_, domain)) = domain_of(self.input.new, &nc.ty.value) else {
            return;
        };
        let TypeShape::Domain { not_null, checks, .. } = &domain.shape else {
            return;
        };
        let old_domain = domain_of(self.input.old, &oc.ty.value);
        let (old_not_null, old_checks): (bool, Vec<String>) = match old_domain.map(|(_, d)| &d.shape) {
            Some(TypeShape::Domain { not_null, checks, .. }) => (not_null.is_some(), checks.iter().map(|c| c.expr.clone()).collect()),
            _ => (false, Vec::new()),
        };
        let defs = || Definitions::new(Some(describe::column(oc)), Some(describe::column(nc)));
        for check in checks.iter().filter(|c| !old_checks.contains(&c.expr)) {
            let kind = ChangeKind::ConstraintAdded {
                table: t.to_string(),
                name: format!("{} of domain {}", check.name, domain.written),
                label: "check constraint",
                not_valid: false,
                columns: vec![nc.name.to_string()],
            };
            self.push(kind, object.to_string(), self.loc(nc.ty.origin), Some(oc.origin), defs());
        }
        if not_null.is_some() && !old_not_null && !oc.not_null.value {
            let has_default = nc.default.value.is_some();
            let kind = ChangeKind::NotNullAdded { table: t.to_string(), column: nc.name.to_string(), has_default };
            self.push(kind, object.to_string(), self.loc(nc.ty.origin), Some(oc.origin), defs());
        }
    }

    /// Constraint shapes compared with check expressions by meaning, not spelling.
    fn same_shape(&self, a: &ConstraintShape, b: &ConstraintShape) -> bool {
        match (a, b) {
            (ConstraintShape::Check { expr: x }, ConstraintShape::Check { expr: y }) => {
                expr::key(x, self.dialect()) == expr::key(y, self.dialect())
            }
            _ => a == b,
        }
    }

    fn constraint_columns(&self, shape: &ConstraintShape, table: &Table) -> Vec<String> {
        match shape {
            ConstraintShape::Check { expr } => rollsafe_sql::replay::columns_referenced(expr, table, self.dialect()),
            other => other.columns().to_vec(),
        }
    }

    /// An N-1 constraint as it reads after this release's renames of columns and referenced tables,
    /// so that a renamed column does not make its constraints look new.
    fn renamed_shape(&self, shape: &ConstraintShape, new_table: &Table) -> ConstraintShape {
        let renamed = |c: &String, table: &Table| -> String {
            table.columns.iter().find(|nc| nc.renamed_from.iter().any(|(k, _)| k == c)).map_or_else(|| c.clone(), |nc| nc.name.key.clone())
        };
        let map = |cols: &[String]| cols.iter().map(|c| renamed(c, new_table)).collect::<Vec<_>>();
        match shape {
            ConstraintShape::PrimaryKey { columns } => ConstraintShape::PrimaryKey { columns: map(columns) },
            ConstraintShape::Unique { columns } => ConstraintShape::Unique { columns: map(columns) },
            ConstraintShape::Exclusion { columns } => ConstraintShape::Exclusion { columns: map(columns) },
            ConstraintShape::Check { expr } => ConstraintShape::Check { expr: expr.clone() },
            ConstraintShape::ForeignKey { columns, ref_table, ref_columns } => {
                let (ref_key, ref_new) = match self.input.new.tables.get(ref_table) {
                    Some(t) => (ref_table.clone(), Some(t)),
                    None => self
                        .input
                        .new
                        .tables
                        .iter()
                        .find(|(_, t)| t.renamed_from.iter().any(|(k, _)| k == ref_table))
                        .map_or((ref_table.clone(), None), |(k, t)| (k.clone(), Some(t))),
                };
                let ref_columns = match ref_new {
                    Some(t) => ref_columns.iter().map(|c| renamed(c, t)).collect(),
                    None => ref_columns.clone(),
                };
                ConstraintShape::ForeignKey { columns: map(columns), ref_table: ref_key, ref_columns }
            }
        }
    }

    /// Constraints on columns N-1 never writes cannot reject N-1 writes: N-1 leaves a new nullable
    /// column NULL (which passes unique, check and foreign keys), and cannot insert at all when a new
    /// column is required (reported on its own). A new column with a default still counts: N-1 rows
    /// all get the default.
    fn only_columns_n1_cannot_write(&self, old: &Table, new: &Table, columns: &[String]) -> bool {
        !columns.is_empty()
            && columns
                .iter()
                .all(|c| added_column(old, new, c).is_some_and(|nc| nc.default.value.is_none() && nc.generated.value.is_none()))
    }

    /// The trigger function of N that fills `column` in a table whose rows N-1's trigger functions
    /// already inserted: such a table is derived (counters, search documents) and its rows come
    /// from triggers. Every insert into the table by every trigger function of N must name the
    /// column: one that does not (or that lists no columns, so it fills by position or with
    /// `DEFAULT VALUES`) fails on it whenever N-1 fires it.
    fn filled_by_trigger(&self, table: &ObjKey, column: &str) -> Option<String> {
        let writes_table = |f: &Function| f.trigger && f.writes.iter().any(|(t, _)| t == table);
        if !self.input.old.functions.values().any(|f| writes_table(f)) {
            return None;
        }
        let mut filling = None;
        for f in self.input.new.functions.values().filter(|f| f.trigger) {
            for (_, columns) in f.writes.iter().filter(|(t, _)| t == table) {
                if !columns.iter().any(|c| c == column) {
                    return None;
                }
                filling.get_or_insert_with(|| f.written.clone());
            }
        }
        filling
    }

    /// Whether a partial index's predicate is false for every row N-1 writes, judged by the columns
    /// this release adds: N-1 leaves them at their defaults, as the migration left existing rows,
    /// so `WHERE cover = 1` over a new `cover` defaulting to 0 keeps N-1's rows out of the index.
    fn excludes_n1_rows(&self, old: &Table, new: &Table, predicate: Option<&String>) -> bool {
        let Some(predicate) = predicate else { return false };
        let dialect = self.dialect();
        let value_of = |name: &str| {
            let column = added_column(old, new, name).filter(|c| c.generated.value.is_none())?;
            match &column.default.value {
                Some(default) => expr::Value::constant(default, dialect),
                None if !column.not_null.value => Some(expr::Value::Null),
                None => None,
            }
        };
        expr::holds(predicate, dialect, &value_of) == Some(false)
    }

    /// Whether every column is new in this release and has a default computed afresh for each row
    /// ([`expr::computed_per_row`]): N-1's inserts get distinct values there, so a unique key over
    /// those columns cannot reject them.
    fn only_new_columns_computed_per_row(&self, old: &Table, new: &Table, columns: &[String]) -> bool {
        let dialect = self.dialect();
        let functions = &self.input.new.functions;
        // The project's own functions, by name (a default calls them unqualified or qualified).
        let volatile = |name: &str| functions.values().any(|f| f.name == name && f.volatile && !f.trigger);
        self.only_new_columns_with_default(old, new, columns)
            && columns.iter().all(|c| {
                new.column(c).and_then(|nc| nc.default.value.as_deref()).is_some_and(|d| expr::computed_per_row(d, dialect, &volatile))
            })
    }

    /// Whether every column is new in this release (not renamed from an N-1 one) and has a default.
    fn only_new_columns_with_default(&self, old: &Table, new: &Table, columns: &[String]) -> bool {
        !columns.is_empty() && columns.iter().all(|c| added_column(old, new, c).is_some_and(|nc| nc.default.value.is_some()))
    }

    fn constraints(&mut self, key: &ObjKey, old: &Table, new: &Table) {
        let t = &old.written;
        let old_shapes: Vec<(&Constraint, ConstraintShape)> =
            old.constraints.iter().map(|c| (c, self.renamed_shape(&c.kind, new))).collect();
        let old_pk = old_shapes.iter().find(|(_, s)| matches!(s, ConstraintShape::PrimaryKey { .. }));
        let new_pk = new.primary_key();
        match (old_pk, new_pk) {
            // A primary key that lost a removed column: that removal is the finding, and names it.
            (Some((o, shape)), Some(n))
                if column_set(shape.columns()) != column_set(n.kind.columns())
                    && !shape.columns().iter().any(|c| new.column(c).is_none()) =>
            {
                let kind =
                    ChangeKind::PrimaryKeyChanged { table: t.clone(), old: o.kind.columns().to_vec(), new: n.kind.columns().to_vec() };
                let definitions = Definitions::new(Some(self.constraint_def(o)), Some(self.constraint_def(n)));
                self.push(kind, t.clone(), self.loc(n.origin), Some(o.origin), definitions);
            }
            (None, Some(n))
                if !self.only_columns_n1_cannot_write(old, new, n.kind.columns())
                    && !self.implied_by_n1(key, &old_shapes, old, n.kind.columns(), true) =>
            {
                let kind = ChangeKind::ConstraintAdded {
                    table: t.clone(),
                    name: n.name.written.clone(),
                    label: "primary key",
                    not_valid: false,
                    columns: n.kind.columns().to_vec(),
                };
                let definitions = Definitions::new(None, Some(self.constraint_def(n)));
                self.push(kind, format!("{t}.{}", n.name), self.loc(n.origin), None, definitions);
            }
            // Dropped together with a removed column: that removal is the finding. Replaced by a
            // unique key on the same columns: the guarantee stays.
            (Some((o, shape)), None)
                if !shape.columns().iter().any(|c| new.column(c).is_none())
                    && !self.kept_in_n(key, new, shape.columns())
                    && !database_generated(old, shape.columns()) =>
            {
                let at = self.event_loc(Subject::Constraint(key, &o.name.key)).or_else(|| self.replacement(new));
                let kind = ChangeKind::UniqueDropped {
                    table: t.clone(),
                    name: o.name.written.clone(),
                    label: "primary key",
                    columns: o.kind.columns().to_vec(),
                };
                let definitions = Definitions::new(Some(self.constraint_def(o)), None);
                self.push(kind, format!("{t}.{}", o.name), at, Some(o.origin), definitions);
            }
            _ => {}
        }
        for nc in &new.constraints {
            // By shape, not name: a constraint dropped and re-added under its old name with a
            // narrower check or another target is a new constraint.
            let existed = old_shapes.iter().any(|(_, shape)| self.same_shape(shape, &nc.kind)) || self.existed_unseen(&nc.name.key);
            if matches!(nc.kind, ConstraintShape::PrimaryKey { .. }) || existed {
                continue;
            }
            // A unique key on columns N-1 already kept unique (the same set, or a subset of it) can
            // never reject a write N-1 makes.
            if let ConstraintShape::Unique { columns } = &nc.kind
                && self.implied_by_n1(key, &old_shapes, old, columns, false)
            {
                continue;
            }
            let columns = self.constraint_columns(&nc.kind, new);
            if self.only_columns_n1_cannot_write(old, new, &columns) {
                continue;
            }
            // A check or foreign key on columns this release adds with a default: N-1 writes put
            // the default there, as the migration did in every existing row while validating the
            // constraint, so they pass as those rows did. (A unique key is different: the same
            // default twice is a duplicate.)
            let per_row = matches!(nc.kind, ConstraintShape::Check { .. } | ConstraintShape::ForeignKey { .. });
            if per_row && !nc.not_valid && self.only_new_columns_with_default(old, new, &columns) {
                continue;
            }
            if matches!(nc.kind, ConstraintShape::Unique { .. }) && self.only_new_columns_computed_per_row(old, new, &columns) {
                continue;
            }
            let kind = ChangeKind::ConstraintAdded {
                table: t.clone(),
                name: nc.name.written.clone(),
                label: nc.kind.label(),
                not_valid: nc.not_valid,
                columns: match &nc.kind {
                    ConstraintShape::Unique { columns } | ConstraintShape::PrimaryKey { columns } => columns.clone(),
                    _ => Vec::new(),
                },
            };
            let definitions = Definitions::new(None, Some(self.constraint_def(nc)));
            self.push(kind, format!("{t}.{}", nc.name), self.loc(nc.origin), None, definitions);
        }
        for (oc, shape) in &old_shapes {
            let ConstraintShape::Unique { columns } = shape else { continue };
            let still_unique = self.kept_in_n(key, new, columns);
            // Dropped together with a removed column: that removal is the finding.
            if still_unique || columns.iter().any(|c| new.column(c).is_none()) || database_generated(old, columns) {
                continue;
            }
            let at = self.event_loc(Subject::Constraint(key, &oc.name.key)).or_else(|| self.replacement(new));
            let kind = ChangeKind::UniqueDropped {
                table: t.clone(),
                name: oc.name.written.clone(),
                label: "unique constraint",
                columns: oc.kind.columns().to_vec(),
            };
            let definitions = Definitions::new(Some(self.constraint_def(oc)), None);
            self.push(kind, format!("{t}.{}", oc.name), at, Some(oc.origin), definitions);
        }
    }

    /// A unique index of N-1 on these keys (in any order) and predicate (`None`: not partial).
    fn old_unique_index_on(&self, table: &ObjKey, keys: &[String], predicate: Option<&String>) -> bool {
        let keys = column_set(keys);
        self.old_unique
            .get(table)
            .is_some_and(|ixs| ixs.iter().any(|(_, ix)| column_set(&ix.keys) == keys && ix.predicate.as_ref() == predicate))
    }

    fn new_unique_index_on(&self, table: &ObjKey, keys: &[String], predicate: Option<&String>) -> bool {
        let keys = column_set(keys);
        self.new_unique
            .get(table)
            .is_some_and(|ixs| ixs.iter().any(|(_, ix)| column_set(&ix.keys) == keys && ix.predicate.as_ref() == predicate))
    }

    /// Whether N still keeps these columns unique together: a primary key, unique constraint or
    /// full unique index on the same set of columns, in any order. (A key on fewer columns would
    /// be stricter, and `ON CONFLICT` names the exact set: it does not count.)
    fn kept_in_n(&self, key: &ObjKey, new: &Table, columns: &[String]) -> bool {
        let set = column_set(columns);
        new.constraints.iter().any(|c| match &c.kind {
            ConstraintShape::PrimaryKey { columns } | ConstraintShape::Unique { columns } => column_set(columns) == set,
            _ => false,
        }) || self.new_unique_index_on(key, columns, None)
    }

    /// Whether N-1 already kept a subset of these columns unique, so that a unique key on them can
    /// never reject a write N-1 makes. For a primary key the columns must also have been NOT NULL.
    /// `old_shapes` are N-1's constraints as renamed in N.
    fn implied_by_n1(
        &self,
        key: &ObjKey,
        old_shapes: &[(&Constraint, ConstraintShape)],
        old: &Table,
        columns: &[String],
        primary_key: bool,
    ) -> bool {
        let set = column_set(columns);
        let subset = |cols: &[String]| !cols.is_empty() && column_set(cols).is_subset(&set);
        let by_constraint = old_shapes.iter().any(|(_, shape)| match shape {
            ConstraintShape::PrimaryKey { columns } | ConstraintShape::Unique { columns } => subset(columns),
            _ => false,
        }) || old.constraints.iter().any(|c| match &c.kind {
            ConstraintShape::PrimaryKey { columns } | ConstraintShape::Unique { columns } => subset(columns),
            _ => false,
        });
        let by_index = self.old_unique.get(key).is_some_and(|ixs| ixs.iter().any(|(_, ix)| ix.predicate.is_none() && subset(&ix.keys)));
        let not_null = !primary_key || columns.iter().all(|c| old.column(c).is_some_and(|oc| oc.not_null.value));
        (by_constraint || by_index) && not_null
    }

    /// Unique indexes dropped or added. A partial unique index is not the same guarantee as a full
    /// one: `ON CONFLICT (email)` needs the full one, and a full one rejects what a partial allowed.
    fn indexes(&mut self, key: &ObjKey, old: &Table, new: &Table) {
        let t = &old.written;
        let constraint_on = |table: &Table, keys: &[String]| {
            table.constraints.iter().any(|c| matches!(&c.kind, ConstraintShape::Unique { columns } | ConstraintShape::PrimaryKey { columns } if columns.as_slice() == keys))
        };
        for (ikey, ix) in self.old_unique.get(key).cloned().unwrap_or_default() {
            let predicate = ix.predicate.as_ref();
            let kept = self.new_unique_index_on(key, &ix.keys, predicate) || (predicate.is_none() && self.kept_in_n(key, new, &ix.keys));
            let column_gone = ix.columns.iter().flatten().any(|c| new.column(c).is_none());
            if kept || column_gone || database_generated(old, &ix.keys) {
                continue;
            }
            let at = self.event_loc(Subject::Index(ikey)).or_else(|| self.replacement(new));
            let label = if predicate.is_some() { "partial unique index" } else { "unique index" };
            let kind = ChangeKind::UniqueDropped { table: t.clone(), name: ix.name.written.clone(), label, columns: ix.keys.clone() };
            let definitions = Definitions::new(Some(describe::index(ix, self.dialect())), None);
            self.push(kind, ix.name.written.clone(), at, Some(ix.origin), definitions);
        }
        for (ikey, ix) in self.new_unique.get(key).cloned().unwrap_or_default() {
            // Dropped by name before being created again, though the history never created it: the
            // index existed (made by code or by hand), so this one is not known to be new.
            if self.existed_unseen(&ikey.name) {
                continue;
            }
            let predicate = ix.predicate.as_ref();
            let existed = self.old_unique_index_on(key, &ix.keys, predicate)
                || (predicate.is_none() && constraint_on(old, &ix.keys))
                || self.implied_by_n1(key, &[], old, &ix.keys, false);
            let columns: Vec<String> = ix.columns.iter().flatten().cloned().collect();
            if existed
                || self.only_columns_n1_cannot_write(old, new, &columns)
                || self.excludes_n1_rows(old, new, predicate)
                || (ix.columns.iter().all(Option::is_some) && self.only_new_columns_computed_per_row(old, new, &columns))
            {
                continue;
            }
            let label = if predicate.is_some() { "partial unique index" } else { "unique index" };
            let kind = ChangeKind::ConstraintAdded {
                table: t.clone(),
                name: ix.name.written.clone(),
                label,
                not_valid: false,
                columns: ix.keys.clone(),
            };
            let definitions = Definitions::new(None, Some(describe::index(ix, self.dialect())));
            self.push(kind, ix.name.written.clone(), self.loc(ix.origin), None, definitions);
        }
    }

    /// `REFRESH MATERIALIZED VIEW CONCURRENTLY` needs a unique index on the view over plain
    /// columns, without a `WHERE`: one N-1 had and N lacks (the view was recreated without it, or
    /// the index dropped) makes N-1's concurrent refreshes fail.
    fn matview_unique_index(&mut self, key: &ObjKey, old: &View, new: &View) {
        let usable = |ix: &Index| ix.unique && ix.predicate.is_none() && ix.columns.iter().all(Option::is_some);
        let old_index = self.old_unique.get(key).and_then(|ixs| ixs.iter().find(|(_, ix)| usable(ix)).copied());
        let Some((ikey, ix)) = old_index else {
            return;
        };
        if self.new_unique.get(key).is_some_and(|ixs| ixs.iter().any(|(_, ix)| usable(ix))) {
            return;
        }
        let at = self.event_loc(Subject::Index(ikey)).or_else(|| self.loc(new.origin));
        let d = self.dialect();
        let definitions = Definitions::new(Some(describe::index(ix, d)), Some(describe::view(new, d)));
        self.push(
            ChangeKind::MatviewUniqueIndexLost { index: ix.name.written.clone() },
            old.written.clone(),
            at,
            Some(ix.origin),
            definitions,
        );
    }

    fn views(&mut self) {
        // A materialized view unchanged itself whose unique index was dropped.
        for key in tables_with_changed_unique_indexes(self.input.old, self.input.new) {
            if let (Some(old), Some(new)) = (self.input.old.views.get(key), self.input.new.views.get(key))
                && Arc::ptr_eq(old, new)
                && old.materialized
            {
                self.matview_unique_index(key, old, new);
            }
        }
        let (old_views, new_views) = (&self.input.old.views, &self.input.new.views);
        // Shards N shares with N-1 hold the same views: nothing to compare.
        for (key, old) in old_views.differing_shards(new_views).flat_map(|(old, _)| old.iter()) {
            if self.removed_schemas.contains(&key.schema) {
                continue;
            }
            if let Some(new) = self.input.new.views.get(key) {
                if old.materialized && new.materialized {
                    self.matview_unique_index(key, old, new);
                }
                if let (Some(oc), Some(nc)) = (&old.columns, &new.columns) {
                    for c in oc.iter().filter(|c| !nc.iter().any(|n| n.key == c.key)) {
                        let kind = ChangeKind::ColumnRemoved {
                            table: old.written.clone(),
                            column: c.to_string(),
                            via_view: false,
                            also: Vec::new(),
                        };
                        let d = self.dialect();
                        let definitions = Definitions::new(Some(describe::view(old, d)), Some(describe::view(new, d)));
                        self.push(kind, format!("{}.{}", old.written, c), self.loc(new.origin), Some(old.origin), definitions);
                    }
                }
                continue;
            }
            if self.input.new.tables.contains_key(key) {
                continue;
            }
            let renamed = self.input.new.views.values().find_map(|v| v.renamed_from.iter().find(|(k, _)| k == key).map(|(_, o)| (v, *o)));
            match renamed {
                Some((v, origin)) => {
                    let d = self.dialect();
                    let definitions = Definitions::new(Some(describe::view(old, d)), Some(describe::view(v, d)));
                    let kind = ChangeKind::ViewRenamed { to: v.written.clone() };
                    self.push(kind, old.written.clone(), self.loc(origin), Some(old.origin), definitions);
                }
                None => {
                    let at = self.event_loc(Subject::View(key));
                    let definitions = Definitions::new(Some(describe::view(old, self.dialect())), None);
                    let kind = ChangeKind::ViewRemoved { materialized: old.materialized };
                    self.push(kind, old.written.clone(), at, Some(old.origin), definitions);
                    self.caused(Subject::View(key));
                }
            }
        }
    }

    fn types(&mut self) {
        let (old_types, new_types) = (&self.input.old.types, &self.input.new.types);
        for (key, old) in old_types.differing_shards(new_types).flat_map(|(old, _)| old.iter()) {
            if self.removed_schemas.contains(&key.schema) {
                continue;
            }
            let Some(new) = self.input.new.types.get(key) else {
                let renamed =
                    self.input.new.types.values().find_map(|t| t.renamed_from.iter().find(|(k, _)| k == key).map(|(_, o)| (t, *o)));
                match renamed {
                    Some((t, origin)) => {
                        let definitions = Definitions::new(Some(describe::type_def(old)), Some(describe::type_def(t)));
                        let kind = ChangeKind::TypeRenamed { to: t.written.clone() };
                        self.push(kind, old.written.clone(), self.loc(origin), Some(old.origin), definitions);
                    }
                    None => {
                        let at = self.event_loc(Subject::Type(key));
                        let definitions = Definitions::new(Some(describe::type_def(old)), None);
                        self.push(ChangeKind::TypeRemoved, old.written.clone(), at, Some(old.origin), definitions);
                        self.caused(Subject::Type(key));
                    }
                }
                continue;
            };
            if let (TypeShape::Domain { .. }, TypeShape::Domain { .. }) = (&old.shape, &new.shape) {
                self.domain_changed(key, old, new);
                continue;
            }
            let (TypeShape::Enum { values: ov }, TypeShape::Enum { values: nv }) = (&old.shape, &new.shape) else {
                continue;
            };
            let defs = || Definitions::new(Some(describe::type_def(old)), Some(describe::type_def(new)));
            let mut rename_targets = Vec::new();
            for v in ov.iter().filter(|v| !nv.contains(v)) {
                let object = format!("{}.'{v}'", old.written);
                match new.renamed_values.iter().rev().find(|(from, to, _)| from == v && nv.contains(to)) {
                    Some((_, to, origin)) => {
                        rename_targets.push(to.clone());
                        let kind = ChangeKind::EnumValueRenamed { ty: old.written.clone(), value: v.clone(), to: to.clone() };
                        self.push(kind, object, self.loc(*origin), Some(old.origin), defs());
                    }
                    None => {
                        let at = (self.input.is_new)(new.origin).then(|| self.loc(new.origin)).flatten();
                        let kind = ChangeKind::EnumValueRemoved { ty: old.written.clone(), value: v.clone() };
                        self.push(kind, object, at, Some(old.origin), defs());
                    }
                }
            }
            for v in nv.iter().filter(|v| !ov.contains(v) && !rename_targets.contains(v)) {
                let origin = new.added_values.iter().find(|(a, _)| a == v).map_or(new.origin, |(_, o)| *o);
                let kind = ChangeKind::EnumValueAdded { ty: old.written.clone(), value: v.clone() };
                self.push(kind, format!("{}.'{v}'", old.written), self.loc(origin), Some(old.origin), defs());
            }
        }
    }

    /// A constraint added to a domain (`ALTER DOMAIN … ADD CHECK`, `SET NOT NULL`) is added to
    /// every column of the domain: each N-1 column of it is reported.
    fn domain_changed(&mut self, key: &ObjKey, old: &TypeDef, new: &TypeDef) {
        let (
            TypeShape::Domain { not_null: old_nn, checks: old_checks, .. },
            TypeShape::Domain { not_null: new_nn, checks: new_checks, .. },
        ) = (&old.shape, &new.shape)
        else {
            return;
        };
        let added: Vec<&DomainCheck> = new_checks.iter().filter(|c| !old_checks.iter().any(|o| o.expr == c.expr)).collect();
        let not_null_set = new_nn.filter(|_| old_nn.is_none());
        if added.is_empty() && not_null_set.is_none() {
            return;
        }
        let default_schema = self.dialect().default_schema();
        let of_domain =
            |c: &Column| c.ty.value.user_type().is_some_and(|(s, n)| n == key.name && s.unwrap_or(default_schema) == key.schema);
        let mut columns: Vec<(ObjKey, String, Column)> = Vec::new();
        for (tkey, table) in self.input.old.tables.iter() {
            for c in table.columns.iter().filter(|c| of_domain(c)) {
                // Still of the domain in N (a column moved off it is judged as a type change).
                let still = self.input.new.tables.get(tkey).and_then(|t| t.column(&c.name.key)).is_some_and(of_domain);
                if still {
                    columns.push((tkey.clone(), table.written.clone(), c.clone()));
                }
            }
        }
        let defs = || Definitions::new(Some(describe::type_def(old)), Some(describe::type_def(new)));
        for (tkey, table, c) in &columns {
            let object = format!("{table}.{}", c.name);
            for check in &added {
                let kind = ChangeKind::ConstraintAdded {
                    table: table.clone(),
                    name: format!("{} of domain {}", check.name, new.written),
                    label: "check constraint",
                    not_valid: check.not_valid,
                    columns: vec![c.name.to_string()],
                };
                self.push(kind, object.clone(), self.loc(check.origin), Some(c.origin), defs());
            }
            if let Some(origin) = not_null_set
                && !c.not_null.value
            {
                let has_default =
                    self.input.new.tables.get(tkey).and_then(|t| t.column(&c.name.key)).is_some_and(|n| n.default.value.is_some());
                let kind = ChangeKind::NotNullAdded { table: table.clone(), column: c.name.to_string(), has_default };
                self.push(kind, object.clone(), self.loc(origin), Some(c.origin), defs());
            }
        }
    }

    fn sequences_and_functions(&mut self) {
        let (old_sequences, new_sequences) = (&self.input.old.sequences, &self.input.new.sequences);
        for (key, old) in old_sequences.differing_shards(new_sequences).flat_map(|(old, _)| old.iter()) {
            // Owned sequences go with their column or table; that removal is the finding.
            if old.owned_by.is_some() || self.removed_schemas.contains(&key.schema) || self.input.new.sequences.contains_key(key) {
                continue;
            }
            let renamed =
                self.input.new.sequences.values().find_map(|s| s.renamed_from.iter().find(|(k, _)| k == key).map(|(_, o)| (s, *o)));
            let (renamed_to, at) = match renamed {
                Some((s, origin)) => (Some(s.written.clone()), self.loc(origin)),
                None => (None, self.event_loc(Subject::Sequence(key))),
            };
            let d = self.dialect();
            let definitions = Definitions::new(Some(describe::sequence(old, d)), renamed.map(|(s, _)| describe::sequence(s, d)));
            self.push(ChangeKind::SequenceRemoved { renamed_to }, old.written.clone(), at, Some(old.origin), definitions);
            self.caused(Subject::Sequence(key));
        }
        self.functions();
    }

    /// Routines by signature: one N-1 calls is gone unless it was renamed (reported as such) or
    /// an overload of N accepts every call N-1 can make to it; a routine kept, or the overload
    /// that now takes its calls, is compared for what callers see (result, defaults, behaviour).
    fn functions(&mut self) {
        let (old_functions, new_functions) = (&self.input.old.functions, &self.input.new.functions);
        for (key, old) in old_functions.differing_shards(new_functions).flat_map(|(old, _)| old.iter()) {
            // Trigger functions are called by their triggers only, never by application code: N-1
            // cannot call one, and PostgreSQL refuses to drop one a trigger still uses.
            if old.trigger || self.removed_schemas.contains(&key.schema) {
                continue;
            }
            if let Some(new) = new_functions.get(key) {
                if !Arc::ptr_eq(old, new) {
                    self.function_changed(old, new, None);
                }
                continue;
            }
            let renamed = new_functions.values().find_map(|f| f.renamed_from.iter().find(|(k, _)| k == key).map(|(_, o)| (f, *o)));
            if renamed.is_none()
                && let Some(overload) = overload_taking_calls(self.input.new, key, old)
            {
                self.function_changed(old, overload, Some(overload));
                continue;
            }
            let (renamed_to, at) = match renamed {
                Some((f, origin)) => (Some(f.written.clone()), self.loc(origin)),
                // Without a DROP (a schema file), the routine of that name that replaced it.
                None => (
                    None,
                    self.event_loc(Subject::Function(key)).or_else(|| {
                        let replacement = new_functions.iter().find(|(k, f)| k.schema == key.schema && f.name == old.name);
                        replacement.and_then(|(_, f)| self.loc(f.origin))
                    }),
                ),
            };
            let other_overloads = match (&renamed, &old.signature.value) {
                (None, Some(sig)) => new_functions
                    .iter()
                    .filter(|(k, f)| k.schema == key.schema && f.name == old.name)
                    .filter_map(|(_, f)| Some((f.written.clone(), why_not_accepted(sig, f.signature.value.as_ref()?)?)))
                    .collect(),
                _ => Vec::new(),
            };
            let definitions =
                Definitions::new(Some(format!("FUNCTION {}", old.written)), renamed_to.as_ref().map(|to| format!("FUNCTION {to}")));
            self.push(ChangeKind::FunctionRemoved { renamed_to, other_overloads }, old.written.clone(), at, Some(old.origin), definitions);
            self.caused(Subject::Function(key));
        }
    }

    fn function_changed(&mut self, old: &Function, new: &Function, via: Option<&Function>) {
        let (Some(os), Some(ns)) = (&old.signature.value, &new.signature.value) else {
            return;
        };
        let at = if (self.input.is_new)(new.signature.origin) { self.loc(new.signature.origin) } else { self.loc(new.origin) };
        let at = || at.clone();
        let definitions = || Definitions::new(Some(format!("FUNCTION {}", old.written)), Some(format!("FUNCTION {}", new.written)));
        let object = old.written.clone();
        if let Some((old_text, new_text, detail)) = return_change(os.returns.as_ref(), ns.returns.as_ref(), self.dialect()) {
            let kind = ChangeKind::FunctionReturnChanged { old: old_text, new: new_text, detail, via: via.map(|f| f.written.clone()) };
            self.push(kind, object.clone(), at(), Some(old.origin), definitions());
        }
        if via.is_none() {
            let (old_inputs, new_inputs) = (os.args.iter().filter(|a| a.is_input()), ns.args.iter().filter(|a| a.is_input()));
            for (i, (oa, na)) in old_inputs.zip(new_inputs).enumerate() {
                if oa.has_default && !na.has_default {
                    let argument = oa.name.as_ref().map_or_else(|| format!("argument {}", i + 1), |n| n.to_string());
                    self.push(ChangeKind::FunctionDefaultRemoved { argument }, object.clone(), at(), Some(old.origin), definitions());
                }
            }
        }
        if ns.volatility > os.volatility {
            let what = format!("{} → {}", os.volatility.keyword(), ns.volatility.keyword());
            self.push(
                ChangeKind::FunctionBehaviourChanged { what, security: false },
                object.clone(),
                at(),
                Some(old.origin),
                definitions(),
            );
        }
        if ns.security_definer != os.security_definer {
            let name = |definer: bool| if definer { "SECURITY DEFINER" } else { "SECURITY INVOKER" };
            let what = format!("{} → {}", name(os.security_definer), name(ns.security_definer));
            self.push(ChangeKind::FunctionBehaviourChanged { what, security: true }, object, at(), Some(old.origin), definitions());
        }
    }

    /// Tables rebuilt in this release (SQLite's create-copy-drop-rename, or drop and create)
    /// that lost triggers or plain indexes with the `DROP TABLE`: SQLite's procedure says to
    /// create them again, and forgetting is easy. Unique indexes are `unique-index-dropped`'s.
    fn rebuild_losses(&mut self) {
        let (old, new) = (self.input.old, self.input.new);
        let mut seen: BTreeSet<&ObjKey> = BTreeSet::new();
        for event in self.input.events {
            let Event::TableDropped { table, origin } = event else { continue };
            let (Some(old_table), Some(_)) = (old.tables.get(table), new.tables.get(table)) else { continue };
            if !seen.insert(table) {
                continue;
            }
            let mut lost: Vec<String> = Vec::new();
            for (k, trigger) in old.triggers.iter().filter(|(_, t)| t.table == *table) {
                if !new.triggers.contains_key(k) {
                    lost.push(format!("trigger {}", trigger.name));
                }
            }
            for (k, ix) in old.indexes.iter().filter(|(_, ix)| ix.table == *table && !ix.unique) {
                let again = new.indexes.contains_key(k) || new.indexes.values().any(|n| n.table == *table && n.keys == ix.keys);
                if !again {
                    lost.push(format!("index {}", ix.name));
                }
            }
            if lost.is_empty() {
                continue;
            }
            self.push(
                ChangeKind::RebuildLost { lost },
                old_table.written.clone(),
                self.loc(*origin),
                Some(old_table.origin),
                Definitions::default(),
            );
        }
    }

    /// How an object of a grant is named in messages, if N still has it.
    fn grant_object(&self, object: &GrantObject) -> Option<String> {
        let new = self.input.new;
        let relation = |k: &ObjKey| new.tables.get(k).map(|t| t.written.clone()).or_else(|| new.views.get(k).map(|v| v.written.clone()));
        match object {
            GrantObject::Table(k) => relation(k).map(|n| format!("table {n}")),
            GrantObject::Column(k, c) => {
                let table = new.tables.get(k)?;
                table.column(c).map(|col| format!("column {}.{}", table.written, col.name))
            }
            GrantObject::Sequence(k) => new.sequences.get(k).map(|s| format!("sequence {}", s.written)),
            GrantObject::Function(k) => new.functions.get(k).map(|f| format!("function {}", f.written)),
            GrantObject::Schema(s) => new.all_schemas().contains(s).then(|| format!("schema {s}")),
        }
    }

    /// Privileges a role had in N-1 on an object N still has, and no longer has: N-1's
    /// statements that use them get "permission denied".
    fn privileges(&mut self) {
        let (old, new) = (self.input.old, self.input.new);
        if old.grants.is_empty() {
            return;
        }
        for (key, had) in old.grants.iter() {
            let Some(what) = self.grant_object(&key.object) else { continue };
            let now = new.grants.get(key);
            // PostgreSQL grants EXECUTE on every function to PUBLIC unless revoked from it: a role
            // keeps it through PUBLIC.
            let public_executes = matches!(&key.object, GrantObject::Function(_)) && {
                let public = GrantKey { object: key.object.clone(), role: "public".to_string() };
                new.grants.get(&public).is_none_or(|g| g.value.contains("EXECUTE"))
            };
            let still = |p: &String| now.is_some_and(|n| n.value.contains(p)) || (public_executes && p == "EXECUTE");
            let lost: Vec<String> = had.value.iter().filter(|p| !still(p)).cloned().collect();
            if lost.is_empty() {
                continue;
            }
            // Where: the REVOKE; else (the object made again without the grant) its creation.
            let at = match now {
                Some(n) => self.loc(n.origin),
                None => self.recreated_at(&key.object),
            };
            let kind = ChangeKind::PrivilegeRevoked { role: key.role.clone(), what: what.clone(), privileges: lost };
            let object = what.split_once(' ').map_or(what.clone(), |(_, name)| name.to_string());
            self.push(kind, object, at, Some(had.origin), Definitions::default());
        }
    }

    /// Where an object was created in this release (it was dropped and made again).
    fn recreated_at(&self, object: &GrantObject) -> Option<Location> {
        let new = self.input.new;
        let origin = match object {
            GrantObject::Table(k) | GrantObject::Column(k, _) => {
                new.tables.get(k).map(|t| t.origin).or_else(|| new.views.get(k).map(|v| v.origin))
            }
            GrantObject::Sequence(k) => new.sequences.get(k).map(|s| s.origin),
            GrantObject::Function(k) => new.functions.get(k).map(|f| f.origin),
            GrantObject::Schema(s) => new.schemas.get(s).map(|s| s.origin),
        }?;
        self.loc(origin)
    }

    /// Row security that newly restricts a role on a table of N-1: turned on (or forced) while
    /// no permissive policy of N lets the role do what it did, or such a policy dropped. The roles
    /// are those N-1 granted rights on the table; forcing it also binds the table's owner.
    fn row_security(&mut self) {
        let (old, new) = (self.input.old, self.input.new);
        for (table_key, rs) in new.row_security.iter() {
            let Some(table) = old.tables.get(table_key).filter(|_| new.tables.contains_key(table_key)) else { continue };
            let before = old.row_security.get(table_key);
            let was_on = before.is_some_and(|b| b.enabled.value);
            let was_forced = before.is_some_and(|b| b.forced.value);
            let newly_on = rs.enabled.value && !was_on;
            let newly_forced = rs.enabled.value && rs.forced.value && !(was_on && was_forced);
            // Rights N-1 granted on the table, by role.
            let mut roles: Vec<(String, Vec<String>)> = Vec::new();
            for (g, privileges) in old.grants.iter() {
                if matches!(&g.object, GrantObject::Table(k) | GrantObject::Column(k, _) if k == table_key) {
                    let rights: Vec<String> = privileges
                        .value
                        .iter()
                        .filter(|p| matches!(p.as_str(), "SELECT" | "INSERT" | "UPDATE" | "DELETE"))
                        .cloned()
                        .collect();
                    match roles.iter_mut().find(|(r, _)| *r == g.role) {
                        Some((_, existing)) => existing.extend(rights.into_iter().filter(|p| !existing.contains(p)).collect::<Vec<_>>()),
                        None if !rights.is_empty() => roles.push((g.role.clone(), rights)),
                        None => {}
                    }
                }
            }
            if newly_forced && !newly_on {
                roles.push(("the table's owner".to_string(), vec!["SELECT".into(), "INSERT".into(), "UPDATE".into(), "DELETE".into()]));
            }
            let policies = |catalog: &Catalog, role: &str, command: &str| {
                catalog.policies.iter().any(|((t, _), p)| t == table_key && p.permissive && p.applies(role, command))
            };
            for (role, rights) in roles {
                let restricted: Vec<String> = rights.iter().filter(|r| !policies(new, &role, r)).cloned().collect();
                if restricted.is_empty() {
                    continue;
                }
                let (how, at) = if newly_on || (newly_forced && role == "the table's owner") {
                    let origin = if newly_on { rs.enabled.origin } else { rs.forced.origin };
                    let what = if newly_on { "enabled" } else { "forced" };
                    (format!("row security is {what} on {}", table.written), self.loc(origin))
                } else if was_on {
                    // A policy that let the role do it in N-1 is gone (or no longer names it).
                    let gone = old
                        .policies
                        .iter()
                        .find(|((t, _), p)| t == table_key && p.permissive && restricted.iter().any(|r| p.applies(&role, r)));
                    let Some(((_, name), _)) = gone else { continue };
                    let kept = new.policies.get(&(table_key.clone(), name.clone()));
                    let at = self.event_loc(Subject::Policy(table_key, name)).or_else(|| kept.and_then(|p| self.loc(p.origin)));
                    let how = match kept {
                        Some(_) => format!("policy {name} on {} no longer covers {role}", table.written),
                        None => format!("policy {name} on {} is dropped", table.written),
                    };
                    (how, at)
                } else {
                    continue;
                };
                let kind = ChangeKind::RowSecurityRestricted { table: table.written.clone(), role, rights: restricted, how };
                self.push(kind, table.written.clone(), at, Some(table.origin), Definitions::default());
            }
        }
    }

    /// `BEFORE INSERT` triggers of N-1 that set a NOT NULL column without default: N-1's inserts
    /// may leave the column to them. If in N no `BEFORE INSERT` trigger of the table sets it (the
    /// trigger dropped, or its function replaced by one that does not), those inserts fail.
    fn filling_triggers(&mut self) {
        let (old, new) = (self.input.old, self.input.new);
        if old.triggers.is_empty() {
            return;
        }
        // The columns each table's BEFORE INSERT triggers set, with the trigger.
        let before_insert = |t: &Trigger| {
            t.timing == rollsafe_sql::ops::TriggerTiming::Before && t.events.contains(&rollsafe_sql::ops::TriggerEvent::Insert)
        };
        for (tkey, trigger) in old.triggers.iter().filter(|(_, t)| before_insert(t)) {
            let Some(table) = old.tables.get(&trigger.table) else { continue };
            let Some(new_table) = new.tables.get(&trigger.table) else { continue };
            for column in old.trigger_fills(trigger) {
                let (Some(oc), Some(nc)) = (table.column(column), new_table.column(column)) else { continue };
                // N-1 inserts may leave the column to the trigger only if the database would not fill it.
                if oc.optional_on_insert() || nc.optional_on_insert() {
                    continue;
                }
                let still_filled = new
                    .triggers
                    .values()
                    .any(|t| t.table == trigger.table && before_insert(t) && new.trigger_fills(t).any(|c| c == column));
                if still_filled {
                    continue;
                }
                // Where it stopped: the trigger's drop, else the function replaced without it.
                let function_changed = trigger.function.as_ref().and_then(|k| new.functions.get(k)).map(|f| f.fills.origin);
                let at = self.event_loc(Subject::Trigger(tkey)).or_else(|| function_changed.and_then(|o| self.loc(o)));
                let kind = ChangeKind::FillingTriggerRemoved {
                    table: table.written.clone(),
                    column: oc.name.to_string(),
                    trigger: trigger.name.to_string(),
                };
                let definitions = Definitions::new(Some(describe::column(oc)), Some(describe::column(nc)));
                self.push(kind, format!("{}.{}", table.written, oc.name), at, Some(trigger.origin), definitions);
            }
        }
    }

    /// Statements PostgreSQL refuses because other objects depend on what they drop or change.
    fn refusals(&mut self) {
        for event in self.input.events {
            let Event::Refused { statement, reason, dependents, origin } = event else {
                continue;
            };
            let Some(at) = self.loc(*origin) else {
                continue;
            };
            let related: Vec<(Location, String)> = dependents
                .iter()
                .filter_map(|(what, o)| {
                    let loc = if (self.input.is_new)(*o) { self.loc(*o) } else { (self.input.old_loc)(*o).or_else(|| self.loc(*o)) };
                    loc.map(|l| (l, format!("{what} depends on it")))
                })
                .collect();
            let kind = ChangeKind::StatementRefused { reason: *reason, dependents: dependents.iter().map(|(w, _)| w.clone()).collect() };
            self.out.push(Change {
                kind,
                object: statement.clone(),
                at,
                defined: None,
                definitions: Definitions::default(),
                cause: None,
                related,
            });
        }
    }

    fn partitions(&mut self) {
        for event in self.input.events {
            let Event::PartitionDetached { parent, partition, origin } = event else {
                continue;
            };
            let (Some(p), Some(part)) = (self.input.old.tables.get(parent), self.input.old.tables.get(partition)) else {
                continue;
            };
            if part.partition_of.as_ref() != Some(parent) {
                continue;
            }
            let kind = ChangeKind::PartitionDetached { parent: p.written.clone(), partition: part.written.clone() };
            let definitions = Definitions::new(
                Some(format!("{} PARTITION OF {}", describe::table(part, self.dialect()), p.written)),
                self.input.new.tables.get(partition).map(|t| describe::table(t, self.dialect())),
            );
            self.push(kind, part.written.clone(), self.loc(*origin), Some(part.origin), definitions);
        }
    }
}
