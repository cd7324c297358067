//! The lowered form of a SQL file: what each statement does to the schema.
//!
//! Both readers (sqlparser and the token-level fallback) produce these operations; replay applies them
//! to a [`crate::catalog::Catalog`]. Every operation keeps byte ranges into the file, so a finding can
//! point at the exact column definition or `ALTER` action that caused it.

use crate::name::{Name, QualifiedName};
use crate::split::Section;
use crate::ty::SqlType;
use rollsafe_text::TextRange;

/// One statement of a file and what it does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub range: TextRange,
    pub section: Section,
    pub kind: StatementKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatementKind {
    /// Schema changes, in order.
    Ddl(Vec<Op>),
    /// `SET search_path` / `USE db`: changes how unqualified names resolve for the rest of the file.
    /// Empty: back to the default (`RESET search_path`, `SET search_path TO DEFAULT`).
    SetSearchPath(Vec<Name>),
    /// Understood and without effect on the schema model: DML, grants, comments, session settings,
    /// transaction control, `ANALYZE`, client commands.
    NoSchemaEffect,
    /// Understood, but what it does to the schema is not modelled (a `DO` block, `CREATE RULE`, …).
    NotModelled { what: String },
    /// Neither sqlparser nor the fallback reader could read it.
    NotUnderstood { message: String },
}

/// What kind of relation-level object an operation names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectKind {
    Table,
    View,
    MaterializedView,
    Index,
    Sequence,
    Type,
    Function,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    CreateSchema {
        name: Name,
        if_not_exists: bool,
    },
    DropSchema {
        name: Name,
        if_exists: bool,
        cascade: bool,
    },
    RenameSchema {
        from: Name,
        to: Name,
    },
    CreateTable(CreateTable),
    DropTable {
        name: QualifiedName,
        if_exists: bool,
        cascade: bool,
    },
    /// `ALTER TABLE a RENAME TO b`, MySQL `RENAME TABLE a TO b`.
    RenameTable {
        from: QualifiedName,
        to: QualifiedName,
    },
    /// `ALTER TABLE … ` with its actions in order.
    AlterTable {
        table: QualifiedName,
        if_exists: bool,
        actions: Vec<Action>,
    },
    /// `ALTER TABLE|VIEW|SEQUENCE|TYPE|FUNCTION x SET SCHEMA s`.
    SetSchema {
        kind: ObjectKind,
        name: QualifiedName,
        schema: Name,
    },
    CreateIndex(CreateIndex),
    DropIndex {
        name: QualifiedName,
        if_exists: bool,
        table: Option<QualifiedName>,
    },
    RenameIndex {
        from: QualifiedName,
        to: Name,
    },
    CreateView(CreateView),
    DropView {
        name: QualifiedName,
        materialized: bool,
        if_exists: bool,
        cascade: bool,
    },
    RenameView {
        from: QualifiedName,
        to: Name,
    },
    RenameViewColumn {
        view: QualifiedName,
        from: Name,
        to: Name,
    },
    CreateEnum {
        name: QualifiedName,
        values: Vec<String>,
    },
    /// Composite, range, base and other non-enum types, and domains.
    CreateType {
        name: QualifiedName,
        domain: Option<DomainDef>,
    },
    /// `ALTER DOMAIN name …`.
    AlterDomain {
        name: QualifiedName,
        change: DomainChange,
    },
    AddEnumValue {
        name: QualifiedName,
        value: String,
        position: EnumPosition,
        if_not_exists: bool,
    },
    RenameEnumValue {
        name: QualifiedName,
        from: String,
        to: String,
    },
    RenameType {
        from: QualifiedName,
        to: Name,
    },
    DropType {
        name: QualifiedName,
        if_exists: bool,
        cascade: bool,
    },
    CreateSequence {
        name: QualifiedName,
        if_not_exists: bool,
        data_type: Option<SqlType>,
    },
    AlterSequence {
        name: QualifiedName,
        data_type: Option<SqlType>,
        owned_by: Option<Option<(QualifiedName, Name)>>,
    },
    RenameSequence {
        from: QualifiedName,
        to: Name,
    },
    DropSequence {
        name: QualifiedName,
        if_exists: bool,
        cascade: bool,
    },
    CreateFunction {
        name: QualifiedName,
        or_replace: bool,
        /// `RETURNS trigger` / `RETURNS event_trigger`: only triggers call it, never application code.
        trigger: bool,
        /// The tables its body inserts into.
        writes: Vec<crate::body::TableWrite>,
        /// Not declared STABLE or IMMUTABLE: evaluated again for every row.
        volatile: bool,
        /// Arguments, result and attributes, when the text could be read.
        signature: Option<crate::routine::Signature>,
        /// Columns of the new row its body sets (a trigger function's `NEW.col := …`).
        fills: Vec<Name>,
    },
    /// `DROP FUNCTION|PROCEDURE name [(argument types)]`; without types the name must be unique.
    DropFunction {
        name: QualifiedName,
        args: Option<Vec<SqlType>>,
        if_exists: bool,
        cascade: bool,
    },
    /// `ALTER FUNCTION|PROCEDURE name [(argument types)] …`.
    AlterFunction {
        name: QualifiedName,
        args: Option<Vec<SqlType>>,
        change: FunctionChange,
    },
    /// `CREATE [OR REPLACE] TRIGGER name {BEFORE|AFTER|INSTEAD OF} events ON table … EXECUTE
    /// FUNCTION f()`.
    CreateTrigger(CreateTrigger),
    /// `DROP TRIGGER name ON table` (PostgreSQL), `DROP TRIGGER name` (MySQL, SQLite: names are
    /// per schema there).
    DropTrigger {
        name: Name,
        table: Option<QualifiedName>,
        if_exists: bool,
    },
    /// `CREATE EXTENSION name [SCHEMA s]`: brings the extension's types (see
    /// [`crate::extensions`]).
    CreateExtension {
        name: Name,
        schema: Option<Name>,
    },
    DropExtension {
        name: Name,
        if_exists: bool,
        cascade: bool,
    },
    /// `GRANT` / `REVOKE` of privileges on objects.
    Privileges(PrivilegeChange),
    /// `ALTER DEFAULT PRIVILEGES [IN SCHEMA s] GRANT|REVOKE … ON TABLES|SEQUENCES|FUNCTIONS …`:
    /// what objects created later get.
    DefaultPrivileges {
        grant: bool,
        /// Empty: every schema.
        schemas: Vec<Name>,
        kind: PrivilegeObjectKind,
        privileges: Vec<String>,
        roles: Vec<Name>,
    },
    CreatePolicy(Policy),
    /// `ALTER POLICY name ON table [RENAME TO n] [TO roles]`.
    AlterPolicy {
        name: Name,
        table: QualifiedName,
        rename: Option<Name>,
        roles: Option<Vec<Name>>,
    },
    DropPolicy {
        name: Name,
        table: QualifiedName,
    },
}

/// A `GRANT` or `REVOKE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrivilegeChange {
    pub grant: bool,
    /// Upper case (`SELECT`, `INSERT`, …); `ALL` expanded by the object's kind.
    pub privileges: Vec<String>,
    /// Column privileges (`GRANT SELECT (a, b) ON t`).
    pub columns: Vec<Name>,
    pub kind: PrivilegeObjectKind,
    /// The objects named; with `in_schemas`, every object of the kind in those schemas.
    pub objects: Vec<QualifiedName>,
    pub in_schemas: Vec<Name>,
    /// Folded; `public` for PUBLIC.
    pub roles: Vec<Name>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrivilegeObjectKind {
    Table,
    Sequence,
    Function,
    Schema,
}

impl PrivilegeObjectKind {
    /// What `ALL [PRIVILEGES]` means for this kind of object.
    pub fn all(self) -> &'static [&'static str] {
        match self {
            PrivilegeObjectKind::Table => &["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"],
            PrivilegeObjectKind::Sequence => &["USAGE", "SELECT", "UPDATE"],
            PrivilegeObjectKind::Function => &["EXECUTE"],
            PrivilegeObjectKind::Schema => &["USAGE", "CREATE"],
        }
    }
}

/// `CREATE POLICY name ON table [AS PERMISSIVE|RESTRICTIVE] [FOR command] [TO roles] …`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub name: Name,
    pub table: QualifiedName,
    pub permissive: bool,
    /// `ALL`, `SELECT`, `INSERT`, `UPDATE` or `DELETE`.
    pub command: String,
    /// Empty: PUBLIC.
    pub roles: Vec<Name>,
}

/// `CREATE DOMAIN name AS base [NOT NULL] [CONSTRAINT c] CHECK (…) …`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomainDef {
    pub base: SqlType,
    pub not_null: bool,
    /// Check constraints: name (when given) and expression.
    pub checks: Vec<(Option<Name>, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DomainChange {
    AddCheck { name: Option<Name>, expr: String, not_valid: bool },
    DropConstraint { name: Name },
    SetNotNull,
    DropNotNull,
    ValidateConstraint { name: Name },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FunctionChange {
    Rename(Name),
    SetSchema(Name),
    /// `IMMUTABLE`/`STABLE`/`VOLATILE`, `SECURITY DEFINER`/`INVOKER`.
    Attributes {
        volatility: Option<crate::routine::Volatility>,
        security_definer: Option<bool>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateTrigger {
    pub name: Name,
    pub table: QualifiedName,
    pub or_replace: bool,
    pub timing: TriggerTiming,
    pub events: Vec<TriggerEvent>,
    /// The function it executes; `None` for a body written inline (MySQL, SQLite).
    pub function: Option<QualifiedName>,
    /// Columns of the new row an inline body sets (`SET NEW.col = …`).
    pub fills: Vec<Name>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TriggerTiming {
    Before,
    After,
    InsteadOf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TriggerEvent {
    Insert,
    Update,
    Delete,
    Truncate,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnumPosition {
    End,
    Before(String),
    After(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateTable {
    pub name: QualifiedName,
    pub if_not_exists: bool,
    pub or_replace: bool,
    pub temporary: bool,
    pub columns: Vec<ColumnDef>,
    pub constraints: Vec<ConstraintDef>,
    /// `CREATE TABLE p PARTITION OF parent …`: the columns come from the parent.
    pub partition_of: Option<QualifiedName>,
    /// `(LIKE other …)` and `CREATE TABLE a LIKE b`: columns copied from another table.
    pub like: Vec<LikeSource>,
    /// `CREATE TABLE … AS SELECT`: the columns are not known.
    pub as_query: bool,
}

/// `LIKE other [INCLUDING …]`: what is copied besides column names, types and NOT NULL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LikeSource {
    pub table: QualifiedName,
    pub defaults: bool,
    /// Check constraints.
    pub constraints: bool,
    /// Primary key, unique constraints and indexes.
    pub indexes: bool,
    pub identity: bool,
    pub generated: bool,
}

impl LikeSource {
    /// MySQL's `CREATE TABLE a LIKE b` copies the whole definition.
    pub fn everything(table: QualifiedName) -> LikeSource {
        LikeSource { table, defaults: true, constraints: true, indexes: true, identity: true, generated: true }
    }

    /// PostgreSQL's `LIKE` copies only names, types and NOT NULL unless told to include more.
    pub fn bare(table: QualifiedName) -> LikeSource {
        LikeSource { table, defaults: false, constraints: false, indexes: false, identity: false, generated: false }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnDef {
    pub name: Name,
    /// The whole definition (`email varchar(255) NOT NULL`).
    pub range: TextRange,
    pub ty: SqlType,
    /// The type as written, for messages.
    pub type_text: String,
    /// `serial`, MySQL/SQLite `AUTO_INCREMENT`, or an identity column: the database fills it in.
    pub generated_value: Option<ValueSource>,
    pub not_null: bool,
    pub default: Option<String>,
    /// Inline constraints (`PRIMARY KEY`, `UNIQUE`, `CHECK`, `REFERENCES`).
    pub constraints: Vec<ConstraintDef>,
}

/// How the database produces a column's value when a write leaves it out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueSource {
    Serial,
    IdentityAlways,
    IdentityByDefault,
    AutoIncrement,
    /// `GENERATED ALWAYS AS (expr) STORED`: computed, and writes must leave it out.
    Computed,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConstraintDef {
    pub name: Option<Name>,
    pub kind: ConstraintKind,
    /// `NOT VALID`: existing rows are not checked, new writes are.
    pub not_valid: bool,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConstraintKind {
    PrimaryKey {
        columns: Vec<Name>,
    },
    Unique {
        columns: Vec<Name>,
        using_index: Option<Name>,
    },
    Check {
        expr: String,
    },
    ForeignKey {
        columns: Vec<Name>,
        ref_table: QualifiedName,
        ref_columns: Vec<Name>,
    },
    Exclusion {
        columns: Vec<Name>,
    },
    /// `ADD PRIMARY KEY USING INDEX i`.
    PrimaryKeyUsingIndex {
        index: Name,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateIndex {
    pub name: Option<QualifiedName>,
    pub table: QualifiedName,
    pub columns: Vec<IndexKey>,
    pub unique: bool,
    pub if_not_exists: bool,
    /// The `WHERE` of a partial index, normalised.
    pub predicate: Option<String>,
}

/// One key of an index: a column, or an expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexKey {
    /// The column, when the key is a plain column.
    pub column: Option<Name>,
    /// The key as text: the column's folded name, or the expression as written (normalised).
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateView {
    pub name: QualifiedName,
    pub or_replace: bool,
    pub materialized: bool,
    pub if_not_exists: bool,
    /// Output column names when they can be read off the query or an explicit column list;
    /// `None` when they cannot (e.g. `SELECT *`).
    pub columns: Option<Vec<Name>>,
    /// Tables the query reads from (`FROM` and `JOIN`), for recognising compatibility views.
    pub sources: Vec<QualifiedName>,
    /// `SELECT * FROM t` over a single table: the view exposes every column of `t`.
    pub star_of: Option<QualifiedName>,
    /// The columns the query reads, anywhere in it (select list, joins, filters, subqueries):
    /// what PostgreSQL records as the view's dependencies on columns.
    pub reads: Vec<ColumnRef>,
    /// Functions the query calls (by name; built-ins included, they never match a modelled one).
    pub calls: Vec<QualifiedName>,
    /// Every relation the query reads from, in any of its scopes.
    pub relations: Vec<QualifiedName>,
    /// For each output column (when `columns` is known): the column it passes through unchanged,
    /// if it is a plain column reference.
    pub outputs: Vec<Option<ColumnRef>>,
    /// Why the database cannot write through the view on its own (a join, an aggregate, …);
    /// `None` when it is automatically updatable.
    pub not_updatable: Option<String>,
}

/// A column a query names: `t.c` (`table` is the relation the qualifier stands for, aliases
/// resolved) or a bare `c` (`table` is `None`, and `candidates` holds the relations of each
/// enclosing `SELECT`, innermost first: the first of them with a relation that has the column
/// binds it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnRef {
    pub table: Option<QualifiedName>,
    pub candidates: Vec<Vec<QualifiedName>>,
    pub column: Name,
}

/// One action of an `ALTER TABLE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub range: TextRange,
    pub kind: ActionKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionKind {
    AddColumn {
        def: ColumnDef,
        if_not_exists: bool,
    },
    DropColumn {
        name: Name,
        if_exists: bool,
        cascade: bool,
    },
    RenameColumn {
        from: Name,
        to: Name,
    },
    /// MySQL `CHANGE [COLUMN] old new type …` and `MODIFY [COLUMN] c type …`: a full redefinition.
    RedefineColumn {
        from: Name,
        def: ColumnDef,
    },
    SetType {
        column: Name,
        ty: SqlType,
        type_text: String,
    },
    SetNotNull {
        column: Name,
    },
    DropNotNull {
        column: Name,
    },
    SetDefault {
        column: Name,
        expr: String,
    },
    DropDefault {
        column: Name,
    },
    AddIdentity {
        column: Name,
        always: bool,
    },
    DropIdentity {
        column: Name,
    },
    /// `DROP EXPRESSION`: a generated column becomes an ordinary one.
    DropExpression {
        column: Name,
    },
    AddConstraint(ConstraintDef),
    DropConstraint {
        name: Name,
        if_exists: bool,
    },
    /// MySQL `DROP PRIMARY KEY`.
    DropPrimaryKey,
    /// MySQL `DROP FOREIGN KEY fk`.
    DropForeignKey {
        name: Name,
    },
    /// MySQL `DROP INDEX|KEY i`.
    DropIndex {
        name: Name,
    },
    /// MySQL `ADD INDEX|KEY|UNIQUE …`.
    AddIndex(CreateIndex),
    RenameIndex {
        from: Name,
        to: Name,
    },
    RenameConstraint {
        from: Name,
        to: Name,
    },
    ValidateConstraint {
        name: Name,
    },
    RenameTo {
        to: QualifiedName,
    },
    SetSchema {
        schema: Name,
    },
    AttachPartition {
        partition: QualifiedName,
    },
    DetachPartition {
        partition: QualifiedName,
    },
    /// `ENABLE`/`DISABLE ROW LEVEL SECURITY` (`enable`), `[NO] FORCE ROW LEVEL SECURITY` (`force`).
    RowSecurity {
        enable: Option<bool>,
        force: Option<bool>,
    },
    /// Storage, ownership, statistics, triggers: no effect on the model.
    NoEffect,
}

impl ColumnDef {
    /// Whether a write that leaves this column out still succeeds: nullable, defaulted or filled in
    /// by the database.
    pub fn optional_on_insert(&self) -> bool {
        !self.not_null || self.default.is_some() || self.generated_value.is_some()
    }
}
