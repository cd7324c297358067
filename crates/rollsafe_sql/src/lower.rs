//! Lowering sqlparser's AST into rollsafe's operations ([`crate::ops`]).
//!
//! sqlparser gives the structure; the statement's own tokens give exact byte ranges for the parts
//! findings point at (each column definition, each `ALTER TABLE` action).

use crate::Dialect;
use crate::cursor::Cursor;
use crate::name::{Name, QualifiedName};
use crate::ops::*;
use crate::ty::parse_type;
use rollsafe_text::TextRange;
use sqlparser::ast::{self as sql, Statement as S};

pub(crate) struct Lowerer<'a> {
    pub cur: Cursor<'a>,
    pub dialect: Dialect,
    /// Parts of the statement that were not understood (range, what).
    pub unread: Vec<(TextRange, String)>,
}

impl<'a> Lowerer<'a> {
    pub fn new(src: &'a str, base: u32, dialect: Dialect) -> Lowerer<'a> {
        Lowerer { cur: Cursor::new(src, base, dialect), dialect, unread: Vec::new() }
    }

    fn whole(&self) -> TextRange {
        self.cur.range(0, self.cur.toks.len())
    }

    pub fn name(&self, ident: &sql::Ident) -> Name {
        let quoted = ident.quote_style.is_some_and(|q| q != '\'');
        Name::from_parts(ident.value.clone(), quoted, self.dialect)
    }

    pub fn qname(&self, name: &sql::ObjectName) -> QualifiedName {
        let parts: Vec<Name> = name
            .0
            .iter()
            .map(|part| match part {
                sql::ObjectNamePart::Identifier(ident) => self.name(ident),
                other => Name::plain(&other.to_string()),
            })
            .collect();
        QualifiedName::from_parts(parts).unwrap_or_else(|| QualifiedName::new(None, Name::plain("")))
    }

    fn names(&self, idents: &[sql::Ident]) -> Vec<Name> {
        idents.iter().map(|i| self.name(i)).collect()
    }

    fn index_column_names(&self, cols: &[sql::IndexColumn]) -> Vec<Name> {
        cols.iter().filter_map(|c| self.expr_column(&c.column.expr)).collect()
    }

    pub(crate) fn index_key(&self, expr: &sql::Expr) -> IndexKey {
        match self.expr_column(expr) {
            Some(column) => IndexKey { text: column.key.clone(), column: Some(column) },
            None => IndexKey { column: None, text: crate::expr::key(&expr.to_string(), self.dialect) },
        }
    }

    /// The column an expression names, when it is a plain (possibly qualified) column reference.
    fn expr_column(&self, expr: &sql::Expr) -> Option<Name> {
        match expr {
            sql::Expr::Identifier(i) => Some(self.name(i)),
            sql::Expr::CompoundIdentifier(parts) => parts.last().map(|i| self.name(i)),
            // MySQL prefix indexes `col(10)` parse as function calls.
            sql::Expr::Function(f) if self.dialect == Dialect::MySql => f.name.0.last().and_then(|p| p.as_ident()).map(|i| self.name(i)),
            sql::Expr::Nested(inner) => self.expr_column(inner),
            _ => None,
        }
    }

    pub fn lower(&mut self, stmt: &S) -> StatementKind {
        let whole = self.whole();
        let ddl = |ops: Vec<Op>| StatementKind::Ddl(ops);
        match stmt {
            S::CreateTable(ct) => {
                let table = self.create_table(ct);
                // MySQL's `KEY name (cols)` / `INDEX …` entries create indexes of the table.
                let indexes: Vec<Op> = ct
                    .constraints
                    .iter()
                    .filter_map(|c| match c {
                        sql::TableConstraint::Index(ix) => Some(crate::fallback::mysql_index(self, ix, &table.name)),
                        _ => None,
                    })
                    .collect();
                ddl(std::iter::once(Op::CreateTable(table)).chain(indexes).collect())
            }
            S::CreateVirtualTable { name, if_not_exists, .. } => ddl(vec![Op::CreateTable(CreateTable {
                name: self.qname(name),
                if_not_exists: *if_not_exists,
                or_replace: false,
                temporary: false,
                columns: Vec::new(),
                constraints: Vec::new(),
                partition_of: None,
                like: Vec::new(),
                as_query: true,
            })]),
            S::AlterTable(at) => {
                let table = self.qname(&at.name);
                let ranges = self.alter_action_ranges();
                let ranges = if ranges.len() == at.operations.len() { ranges } else { vec![whole; at.operations.len()] };
                let mut ops = Vec::new();
                let mut actions = Vec::new();
                for (op, range) in at.operations.iter().zip(ranges) {
                    match self.alter_action(op, range) {
                        Some(kind) => actions.push(Action { range, kind }),
                        None => self.unread.push((range, format!("ALTER TABLE action `{}`", first_words(&op.to_string(), 3)))),
                    }
                }
                // PostgreSQL renames cannot be combined with other actions, MySQL's can: keep order.
                ops.push(Op::AlterTable { table, if_exists: at.if_exists, actions });
                ddl(ops)
            }
            S::RenameTable(renames) => {
                ddl(renames.iter().map(|r| Op::RenameTable { from: self.qname(&r.old_name), to: self.qname(&r.new_name) }).collect())
            }
            S::Drop { object_type, if_exists, names, cascade, table, .. } => {
                let if_exists = *if_exists;
                let cascade = *cascade;
                let ops = names
                    .iter()
                    .filter_map(|n| {
                        let name = self.qname(n);
                        Some(match object_type {
                            sql::ObjectType::Table => Op::DropTable { name, if_exists, cascade },
                            sql::ObjectType::View => Op::DropView { name, materialized: false, if_exists, cascade },
                            sql::ObjectType::MaterializedView => Op::DropView { name, materialized: true, if_exists, cascade },
                            sql::ObjectType::Index => Op::DropIndex { name, if_exists, table: table.as_ref().map(|t| self.qname(t)) },
                            sql::ObjectType::Schema | sql::ObjectType::Database => Op::DropSchema { name: name.name, if_exists, cascade },
                            sql::ObjectType::Sequence => Op::DropSequence { name, if_exists, cascade },
                            sql::ObjectType::Type => Op::DropType { name, if_exists, cascade },
                            _ => return None,
                        })
                    })
                    .collect::<Vec<_>>();
                if ops.is_empty() { StatementKind::NoSchemaEffect } else { ddl(ops) }
            }
            S::CreateIndex(ci) => ddl(vec![Op::CreateIndex(self.create_index(ci))]),
            S::AlterIndex { name, operation } => match operation {
                sql::AlterIndexOperation::RenameIndex { index_name } => {
                    let to = self.qname(index_name).name;
                    ddl(vec![Op::RenameIndex { from: self.qname(name), to }])
                }
            },
            S::CreateView(cv) => ddl(vec![Op::CreateView(self.create_view(
                &cv.name,
                cv.or_replace || cv.or_alter,
                cv.materialized,
                cv.if_not_exists,
                &cv.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>(),
                &cv.query,
            ))]),
            S::AlterView { name, columns, query, .. } => {
                ddl(vec![Op::CreateView(self.create_view(name, true, false, false, columns, query))])
            }
            S::CreateType { name, representation } => {
                let name = self.qname(name);
                match representation {
                    Some(sql::UserDefinedTypeRepresentation::Enum { labels }) => {
                        ddl(vec![Op::CreateEnum { name, values: labels.iter().map(|l| l.value.clone()).collect() }])
                    }
                    _ => ddl(vec![Op::CreateType { name, domain: None }]),
                }
            }
            // Read from the tokens, with its NOT NULL and CHECK constraints.
            S::CreateDomain(_) => {
                crate::fallback::create_domain(self).unwrap_or(StatementKind::NotModelled { what: "CREATE DOMAIN".into() })
            }
            S::AlterType(at) => {
                let name = self.qname(&at.name);
                ddl(vec![match &at.operation {
                    sql::AlterTypeOperation::Rename(r) => Op::RenameType { from: name, to: self.name(&r.new_name) },
                    sql::AlterTypeOperation::AddValue(add) => Op::AddEnumValue {
                        name,
                        value: add.value.value.clone(),
                        position: match &add.position {
                            None => EnumPosition::End,
                            Some(sql::AlterTypeAddValuePosition::Before(v)) => EnumPosition::Before(v.value.clone()),
                            Some(sql::AlterTypeAddValuePosition::After(v)) => EnumPosition::After(v.value.clone()),
                        },
                        if_not_exists: add.if_not_exists,
                    },
                    sql::AlterTypeOperation::RenameValue(r) => {
                        Op::RenameEnumValue { name, from: r.from.value.clone(), to: r.to.value.clone() }
                    }
                }])
            }
            S::CreateSchema { schema_name, if_not_exists, .. } => {
                let name = match schema_name {
                    sql::SchemaName::Simple(n) | sql::SchemaName::NamedAuthorization(n, _) => self.qname(n).name,
                    sql::SchemaName::UnnamedAuthorization(role) => self.name(role),
                };
                ddl(vec![Op::CreateSchema { name, if_not_exists: *if_not_exists }])
            }
            S::CreateDatabase { db_name, if_not_exists, .. } if self.dialect == Dialect::MySql => {
                ddl(vec![Op::CreateSchema { name: self.qname(db_name).name, if_not_exists: *if_not_exists }])
            }
            S::AlterSchema(a) => {
                let from = self.qname(&a.name).name;
                let ops: Vec<Op> = a
                    .operations
                    .iter()
                    .filter_map(|op| match op {
                        sql::AlterSchemaOperation::Rename { name } => {
                            Some(Op::RenameSchema { from: from.clone(), to: self.qname(name).name })
                        }
                        _ => None,
                    })
                    .collect();
                if ops.is_empty() { StatementKind::NoSchemaEffect } else { ddl(ops) }
            }
            S::CreateSequence { if_not_exists, name, data_type, owned_by, .. } => {
                let name = self.qname(name);
                let data_type = data_type.as_ref().map(|t| parse_type(&t.to_string(), self.dialect).ty);
                let mut ops = vec![Op::CreateSequence { name: name.clone(), if_not_exists: *if_not_exists, data_type }];
                if let Some(owner) = owned_by {
                    ops.push(Op::AlterSequence { name, data_type: None, owned_by: Some(self.owned_by(owner)) });
                }
                ddl(ops)
            }
            // Routines are read from their tokens (signature, attributes), as triage does.
            S::CreateFunction(_) => {
                self.cur.pos = 0;
                crate::fallback::create_function(self).unwrap_or(StatementKind::NotModelled { what: "CREATE FUNCTION".into() })
            }
            S::DropFunction(f) => {
                let cascade = matches!(f.drop_behavior, Some(sql::DropBehavior::Cascade));
                let arg_types = |d: &sql::FunctionDesc| -> Option<Vec<crate::ty::SqlType>> {
                    d.args.as_ref().map(|args| {
                        args.iter()
                            .filter(|a| !matches!(a.mode, Some(sql::ArgMode::Out)))
                            .map(|a| parse_type(&a.data_type.to_string(), self.dialect).ty)
                            .collect()
                    })
                };
                ddl(f
                    .func_desc
                    .iter()
                    .map(|d| Op::DropFunction { name: self.qname(&d.name), args: arg_types(d), if_exists: f.if_exists, cascade })
                    .collect())
            }
            S::DropDomain(d) => ddl(vec![Op::DropType {
                name: self.qname(&d.name),
                if_exists: d.if_exists,
                cascade: matches!(d.drop_behavior, Some(sql::DropBehavior::Cascade)),
            }]),
            S::CreateTrigger(t) => match self.create_trigger(t) {
                Some(ct) => ddl(vec![Op::CreateTrigger(ct)]),
                None => StatementKind::NoSchemaEffect,
            },
            S::DropTrigger(t) => ddl(vec![Op::DropTrigger {
                name: self.qname(&t.trigger_name).name,
                table: t.table_name.as_ref().map(|n| self.qname(n)),
                if_exists: t.if_exists,
            }]),
            S::CreateExtension(e) => {
                ddl(vec![Op::CreateExtension { name: self.name(&e.name), schema: e.schema.as_ref().map(|s| self.name(s)) }])
            }
            S::DropExtension(e) => {
                let cascade = matches!(e.cascade_or_restrict, Some(sql::ReferentialAction::Cascade));
                ddl(e.names.iter().map(|n| Op::DropExtension { name: self.name(n), if_exists: e.if_exists, cascade }).collect())
            }
            S::AlterFunction(_) => crate::fallback::read(self, "ALTER FUNCTION"),
            S::Set(set) => self.set(set),
            S::Reset(r) => match &r.reset {
                sql::Reset::ALL => StatementKind::SetSearchPath(Vec::new()),
                sql::Reset::ConfigurationParameter(p) if p.to_string().eq_ignore_ascii_case("search_path") => {
                    StatementKind::SetSearchPath(Vec::new())
                }
                _ => StatementKind::NoSchemaEffect,
            },
            S::Use(u) => match u {
                sql::Use::Database(n) | sql::Use::Schema(n) | sql::Use::Object(n) => StatementKind::SetSearchPath(vec![self.qname(n).name]),
                _ => StatementKind::NoSchemaEffect,
            },
            S::StartTransaction { statements, .. } if !statements.is_empty() => {
                StatementKind::NotModelled { what: "a BEGIN … END block".into() }
            }
            S::Query(_)
            | S::Insert(_)
            | S::Update(_)
            | S::Delete(_)
            | S::Merge(_)
            | S::Truncate(_)
            | S::Copy { .. }
            | S::Call(_)
            | S::Comment { .. }
            | S::Grant(_)
            | S::Revoke(_)
            | S::Deny(_)
            | S::StartTransaction { .. }
            | S::Commit { .. }
            | S::Rollback { .. }
            | S::Savepoint { .. }
            | S::ReleaseSavepoint { .. }
            | S::Analyze(_)
            | S::Vacuum(_)
            | S::CreatePolicy(_)
            | S::AlterPolicy(_)
            | S::DropPolicy(_)
            | S::CreateRole(_)
            | S::AlterRole { .. }
            | S::CreateUser(_)
            | S::AlterUser(_)
            | S::Lock(_)
            | S::LockTables { .. }
            | S::UnlockTables
            | S::Pragma { .. }
            | S::CreateCollation(_)
            | S::AlterCollation(_)
            | S::Explain { .. }
            | S::ExplainTable { .. }
            | S::LISTEN { .. }
            | S::NOTIFY { .. }
            | S::UNLISTEN { .. }
            | S::Discard { .. }
            | S::ShowVariable { .. }
            | S::Deallocate { .. } => StatementKind::NoSchemaEffect,
            // MySQL prepares any statement from a string (`PREPARE s FROM @ddl`), the usual way to
            // write a conditional ALTER; PostgreSQL prepares queries only.
            S::Prepare { .. } | S::Execute { .. } if self.dialect == Dialect::MySql => {
                StatementKind::NotModelled { what: "dynamic SQL (PREPARE/EXECUTE)".into() }
            }
            S::Prepare { .. } | S::Execute { .. } => StatementKind::NoSchemaEffect,
            other => StatementKind::NotModelled { what: first_words(&other.to_string(), 3) },
        }
    }

    fn set(&self, set: &sql::Set) -> StatementKind {
        if let sql::Set::SingleAssignment { variable, values, .. } = set {
            let var = variable.to_string().to_ascii_lowercase();
            if var == "search_path" || var == "schema" {
                let mut names = Vec::new();
                for v in values {
                    match v {
                        // `SET search_path TO DEFAULT`: back to the default, like RESET.
                        sql::Expr::Identifier(i) if i.quote_style.is_none() && i.value.eq_ignore_ascii_case("default") => {
                            return StatementKind::SetSearchPath(Vec::new());
                        }
                        sql::Expr::Identifier(i) => names.push(self.name(i)),
                        sql::Expr::Value(v) => {
                            if let sql::Value::SingleQuotedString(s) = &v.value {
                                // `SET search_path = ''` (pg_dump) and the `'a, b'` list form.
                                names
                                    .extend(s.split(',').map(str::trim).filter(|s| !s.is_empty()).map(|s| Name::from_sql(s, self.dialect)));
                            }
                        }
                        _ => {}
                    }
                }
                return StatementKind::SetSearchPath(names);
            }
        }
        StatementKind::NoSchemaEffect
    }

    fn owned_by(&self, owner: &sql::ObjectName) -> Option<(QualifiedName, Name)> {
        let mut parts: Vec<Name> = owner.0.iter().filter_map(|p| p.as_ident()).map(|i| self.name(i)).collect();
        if parts.len() == 1 && parts[0].key.eq_ignore_ascii_case("none") {
            return None;
        }
        let column = parts.pop()?;
        let table = QualifiedName::from_parts(parts)?;
        Some((table, column))
    }

    pub fn create_table(&mut self, ct: &sql::CreateTable) -> CreateTable {
        let elements = self.table_elements();
        let mut used = vec![false; elements.len()];
        let whole = self.whole();
        let mut columns = Vec::new();
        for col in &ct.columns {
            let key = self.name(&col.name).key;
            // Match each column to the element that starts with its name, in order.
            let found = elements.iter().enumerate().position(|(i, (_, first))| !used[i] && first.as_ref() == Some(&key));
            let range = match found {
                Some(i) => {
                    used[i] = true;
                    elements[i].0
                }
                None => whole,
            };
            columns.push(self.column_def(&col.name, &col.data_type, col.options.iter().map(|o| (&o.name, &o.option)), range));
        }
        let mut remaining = elements.iter().enumerate().filter(|(i, _)| !used[*i]).map(|(_, e)| e.0);
        let mut constraints = Vec::new();
        for c in &ct.constraints {
            let range = remaining.next().unwrap_or(whole);
            if let Some(def) = self.table_constraint(c, false, range) {
                constraints.push(def);
            }
        }
        let mut like = Vec::new();
        if let Some(sql::CreateTableLikeKind::Parenthesized(l) | sql::CreateTableLikeKind::Plain(l)) = &ct.like {
            let source = self.qname(&l.name);
            like.push(if self.dialect == Dialect::MySql {
                LikeSource::everything(source)
            } else {
                let defaults = matches!(l.defaults, Some(sql::CreateTableLikeDefaults::Including));
                LikeSource { defaults, ..LikeSource::bare(source) }
            });
        }
        if let Some(clone) = &ct.clone {
            like.push(LikeSource::everything(self.qname(clone)));
        }
        CreateTable {
            name: self.qname(&ct.name),
            if_not_exists: ct.if_not_exists,
            or_replace: ct.or_replace,
            temporary: ct.temporary,
            columns,
            constraints,
            partition_of: ct.partition_of.as_ref().map(|p| self.qname(p)),
            like,
            as_query: ct.query.is_some(),
        }
    }

    /// Ranges of the comma-separated elements inside a `CREATE TABLE`'s parentheses, each with the
    /// folded first identifier (the column name, for column definitions).
    fn table_elements(&self) -> Vec<(TextRange, Option<String>)> {
        let c = &self.cur;
        let Some(open) = c.toks.iter().position(|t| t.is_punct(c.src, '(')) else {
            return Vec::new();
        };
        // `CREATE TABLE t AS SELECT (…)` has no element list.
        if c.toks[..open].iter().any(|t| t.is_word(c.src, "AS")) {
            return Vec::new();
        }
        let Some(close) = c.matching_paren(open) else {
            return Vec::new();
        };
        c.split_commas(open + 1, close)
            .into_iter()
            .map(|(from, to)| {
                let first = c.toks[from];
                let first_name = match first.kind {
                    crate::lexer::TokenKind::Word | crate::lexer::TokenKind::QuotedIdent => {
                        Some(Name::from_sql(first.text(c.src), self.dialect).key)
                    }
                    _ => None,
                };
                (c.range(from, to), first_name)
            })
            .collect()
    }

    /// Ranges of the actions of an `ALTER TABLE [IF EXISTS] [ONLY] name …`.
    fn alter_action_ranges(&mut self) -> Vec<TextRange> {
        let c = &mut self.cur;
        c.pos = 0;
        c.eat_word("ALTER");
        while matches!(c.peek_text().to_ascii_uppercase().as_str(), "ICEBERG" | "DYNAMIC" | "EXTERNAL" | "ONLINE" | "IGNORE") {
            c.pos += 1;
        }
        c.eat_word("TABLE");
        c.eat_words(&["IF", "EXISTS"]);
        c.eat_word("ONLY");
        if c.qualified_name().is_none() {
            return Vec::new();
        }
        c.eat_punct('*');
        c.split_commas(c.pos, c.toks.len()).into_iter().map(|(a, b)| c.range(a, b)).collect()
    }

    pub fn column_def<'o>(
        &mut self,
        name: &sql::Ident,
        data_type: &sql::DataType,
        options: impl Iterator<Item = (&'o Option<sql::Ident>, &'o sql::ColumnOption)>,
        range: TextRange,
    ) -> ColumnDef {
        let type_text = data_type.to_string();
        let parsed = parse_type(&type_text, self.dialect);
        let name = self.name(name);
        let mut def = ColumnDef {
            name: name.clone(),
            range,
            ty: parsed.ty,
            type_text: type_text.clone(),
            generated_value: parsed.serial.then_some(ValueSource::Serial),
            not_null: parsed.serial,
            default: None,
            constraints: Vec::new(),
        };
        let mut inline_pk = false;
        for (cname, option) in options {
            self.column_option(&mut def, cname, option, &mut inline_pk);
        }
        // SQLite: `INTEGER PRIMARY KEY` is the rowid and is assigned when left out.
        if self.dialect == Dialect::Sqlite && inline_pk && type_text.eq_ignore_ascii_case("integer") {
            def.generated_value.get_or_insert(ValueSource::AutoIncrement);
        }
        def
    }

    fn column_option(&mut self, def: &mut ColumnDef, cname: &Option<sql::Ident>, option: &sql::ColumnOption, inline_pk: &mut bool) {
        let constraint_name = cname.as_ref().map(|n| self.name(n));
        let column = vec![def.name.clone()];
        let range = def.range;
        match option {
            sql::ColumnOption::Null => def.not_null = false,
            sql::ColumnOption::NotNull => def.not_null = true,
            sql::ColumnOption::Default(expr) => def.default = default_text(expr),
            sql::ColumnOption::PrimaryKey(pk) => {
                *inline_pk = true;
                if self.dialect != Dialect::Sqlite {
                    def.not_null = true;
                }
                def.constraints.push(ConstraintDef {
                    name: constraint_name.or_else(|| pk.name.as_ref().map(|n| self.name(n))),
                    kind: ConstraintKind::PrimaryKey { columns: column },
                    not_valid: false,
                    range,
                });
            }
            sql::ColumnOption::Unique(u) => def.constraints.push(ConstraintDef {
                name: constraint_name.or_else(|| u.name.as_ref().map(|n| self.name(n))),
                kind: ConstraintKind::Unique { columns: column, using_index: None },
                not_valid: false,
                range,
            }),
            sql::ColumnOption::ForeignKey(fk) => def.constraints.push(ConstraintDef {
                name: constraint_name.or_else(|| fk.name.as_ref().map(|n| self.name(n))),
                kind: ConstraintKind::ForeignKey {
                    columns: column,
                    ref_table: self.qname(&fk.foreign_table),
                    ref_columns: self.names(&fk.referred_columns),
                },
                not_valid: false,
                range,
            }),
            sql::ColumnOption::Check(ck) => def.constraints.push(ConstraintDef {
                name: constraint_name.or_else(|| ck.name.as_ref().map(|n| self.name(n))),
                kind: ConstraintKind::Check { expr: ck.expr.to_string() },
                not_valid: false,
                range,
            }),
            sql::ColumnOption::Generated { generated_as, generation_expr, .. } => {
                def.generated_value = Some(match (generation_expr, generated_as) {
                    (Some(_), _) | (None, sql::GeneratedAs::ExpStored) => ValueSource::Computed,
                    (None, sql::GeneratedAs::Always) => ValueSource::IdentityAlways,
                    (None, sql::GeneratedAs::ByDefault) => ValueSource::IdentityByDefault,
                });
                if generation_expr.is_none() {
                    def.not_null = true;
                }
            }
            sql::ColumnOption::Identity(_) => {
                def.generated_value = Some(ValueSource::AutoIncrement);
            }
            sql::ColumnOption::DialectSpecific(tokens) => {
                let text: String = tokens.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" ").to_ascii_uppercase();
                if text.contains("AUTO_INCREMENT") || text.contains("AUTOINCREMENT") {
                    def.generated_value = Some(ValueSource::AutoIncrement);
                }
            }
            _ => {}
        }
    }

    pub fn table_constraint(&self, c: &sql::TableConstraint, not_valid: bool, range: TextRange) -> Option<ConstraintDef> {
        if not_enforced(c) {
            return None;
        }
        let (name, kind) = match c {
            sql::TableConstraint::PrimaryKey(pk) => {
                (pk.name.as_ref(), ConstraintKind::PrimaryKey { columns: self.index_column_names(&pk.columns) })
            }
            sql::TableConstraint::Unique(u) => (
                u.name.as_ref().or(u.index_name.as_ref()),
                ConstraintKind::Unique { columns: self.index_column_names(&u.columns), using_index: None },
            ),
            sql::TableConstraint::ForeignKey(fk) => (
                fk.name.as_ref(),
                ConstraintKind::ForeignKey {
                    columns: self.names(&fk.columns),
                    ref_table: self.qname(&fk.foreign_table),
                    ref_columns: self.names(&fk.referred_columns),
                },
            ),
            sql::TableConstraint::Check(ck) => (ck.name.as_ref(), ConstraintKind::Check { expr: ck.expr.to_string() }),
            sql::TableConstraint::Exclude(ex) => (
                ex.name.as_ref(),
                ConstraintKind::Exclusion { columns: ex.elements.iter().filter_map(|e| self.expr_column(&e.column.column.expr)).collect() },
            ),
            sql::TableConstraint::UniqueUsingIndex(u) => {
                (u.name.as_ref(), ConstraintKind::Unique { columns: Vec::new(), using_index: Some(self.name(&u.index_name)) })
            }
            sql::TableConstraint::PrimaryKeyUsingIndex(u) => {
                (u.name.as_ref(), ConstraintKind::PrimaryKeyUsingIndex { index: self.name(&u.index_name) })
            }
            // Plain MySQL `KEY`/`INDEX` entries are indexes, handled by the caller.
            sql::TableConstraint::Index(_) | sql::TableConstraint::FulltextOrSpatial(_) => {
                return None;
            }
        };
        Some(ConstraintDef { name: name.map(|n| self.name(n)), kind, not_valid, range })
    }

    fn alter_action(&mut self, op: &sql::AlterTableOperation, range: TextRange) -> Option<ActionKind> {
        use sql::AlterTableOperation as A;
        Some(match op {
            A::AddColumn { if_not_exists, column_def, .. } => ActionKind::AddColumn {
                def: self.column_def(
                    &column_def.name,
                    &column_def.data_type,
                    column_def.options.iter().map(|o| (&o.name, &o.option)),
                    range,
                ),
                if_not_exists: *if_not_exists,
            },
            A::DropColumn { column_names, if_exists, drop_behavior, .. } => match column_names.as_slice() {
                [one] => ActionKind::DropColumn {
                    name: self.name(one),
                    if_exists: *if_exists,
                    cascade: matches!(drop_behavior, Some(sql::DropBehavior::Cascade)),
                },
                _ => return None,
            },
            A::RenameColumn { old_column_name, new_column_name } => {
                ActionKind::RenameColumn { from: self.name(old_column_name), to: self.name(new_column_name) }
            }
            A::RenameTable { table_name } => {
                let (sql::RenameTableNameKind::As(n) | sql::RenameTableNameKind::To(n)) = table_name;
                ActionKind::RenameTo { to: self.qname(n) }
            }
            A::ChangeColumn { old_name, new_name, data_type, options, .. } => {
                let no_name = None;
                let def = self.column_def(new_name, data_type, options.iter().map(|o| (&no_name, o)), range);
                ActionKind::RedefineColumn { from: self.name(old_name), def }
            }
            A::ModifyColumn { col_name, data_type, options, .. } => {
                let no_name = None;
                let def = self.column_def(col_name, data_type, options.iter().map(|o| (&no_name, o)), range);
                ActionKind::RedefineColumn { from: self.name(col_name), def }
            }
            A::AlterColumn { column_name, op } => {
                let column = self.name(column_name);
                match op {
                    sql::AlterColumnOperation::SetNotNull => ActionKind::SetNotNull { column },
                    sql::AlterColumnOperation::DropNotNull => ActionKind::DropNotNull { column },
                    sql::AlterColumnOperation::SetDefault { value } => match default_text(value) {
                        Some(expr) => ActionKind::SetDefault { column, expr },
                        None => ActionKind::DropDefault { column },
                    },
                    sql::AlterColumnOperation::DropDefault => ActionKind::DropDefault { column },
                    sql::AlterColumnOperation::SetDataType { data_type, .. } => {
                        let type_text = data_type.to_string();
                        ActionKind::SetType { column, ty: parse_type(&type_text, self.dialect).ty, type_text }
                    }
                    sql::AlterColumnOperation::AddGenerated { generated_as, .. } => {
                        ActionKind::AddIdentity { column, always: !matches!(generated_as, Some(sql::GeneratedAs::ByDefault)) }
                    }
                }
            }
            A::AddConstraint { constraint, not_valid } => match constraint {
                sql::TableConstraint::Index(ix) => ActionKind::AddIndex(CreateIndex {
                    name: ix.name.as_ref().map(|n| QualifiedName::new(None, self.name(n))),
                    table: QualifiedName::new(None, Name::plain("")),
                    columns: ix.columns.iter().map(|c| self.index_key(&c.column.expr)).collect(),
                    unique: false,
                    if_not_exists: false,
                    predicate: None,
                }),
                sql::TableConstraint::FulltextOrSpatial(_) => ActionKind::NoEffect,
                other if not_enforced(other) => ActionKind::NoEffect,
                other => ActionKind::AddConstraint(self.table_constraint(other, *not_valid, range)?),
            },
            A::DropConstraint { if_exists, name, .. } => ActionKind::DropConstraint { name: self.name(name), if_exists: *if_exists },
            A::DropPrimaryKey { .. } => ActionKind::DropPrimaryKey,
            A::DropForeignKey { name, .. } => ActionKind::DropForeignKey { name: self.name(name) },
            A::DropIndex { name } => ActionKind::DropIndex { name: self.name(name) },
            A::RenameConstraint { old_name, new_name } => {
                ActionKind::RenameConstraint { from: self.name(old_name), to: self.name(new_name) }
            }
            A::ValidateConstraint { name } => ActionKind::ValidateConstraint { name: self.name(name) },
            A::AttachPartition { partition } | A::DetachPartition { partition } => {
                let sql::Partition::Identifier(ident) = partition else {
                    return None;
                };
                let partition = QualifiedName::new(None, self.name(ident));
                if matches!(op, A::AttachPartition { .. }) {
                    ActionKind::AttachPartition { partition }
                } else {
                    ActionKind::DetachPartition { partition }
                }
            }
            A::EnableRowLevelSecurity => ActionKind::RowSecurity { enable: Some(true), force: None },
            A::DisableRowLevelSecurity => ActionKind::RowSecurity { enable: Some(false), force: None },
            A::ForceRowLevelSecurity => ActionKind::RowSecurity { enable: None, force: Some(true) },
            A::NoForceRowLevelSecurity => ActionKind::RowSecurity { enable: None, force: Some(false) },
            A::DisableRule { .. }
            | A::DisableTrigger { .. }
            | A::EnableAlwaysRule { .. }
            | A::EnableAlwaysTrigger { .. }
            | A::EnableReplicaRule { .. }
            | A::EnableReplicaTrigger { .. }
            | A::EnableRule { .. }
            | A::EnableTrigger { .. }
            | A::ReplicaIdentity { .. }
            | A::OwnerTo { .. }
            | A::SetLogged
            | A::SetUnlogged
            | A::SetTblProperties { .. }
            | A::SetOptionsParens { .. }
            | A::Algorithm { .. }
            | A::Lock { .. }
            | A::AutoIncrement { .. }
            | A::ClusterBy { .. } => ActionKind::NoEffect,
            _ => return None,
        })
    }

    fn create_index(&self, ci: &sql::CreateIndex) -> CreateIndex {
        CreateIndex {
            name: ci.name.as_ref().map(|n| self.qname(n)),
            table: self.qname(&ci.table_name),
            columns: ci.columns.iter().map(|c| self.index_key(&c.column.expr)).collect(),
            unique: ci.unique,
            if_not_exists: ci.if_not_exists,
            predicate: ci.predicate.as_ref().map(|p| crate::expr::key(&p.to_string(), self.dialect)),
        }
    }

    fn create_view(
        &self,
        name: &sql::ObjectName,
        or_replace: bool,
        materialized: bool,
        if_not_exists: bool,
        explicit_columns: &[sql::Ident],
        query: &sql::Query,
    ) -> CreateView {
        let shape = view_shape(self, query);
        let columns = if explicit_columns.is_empty() { shape.columns } else { Some(self.names(explicit_columns)) };
        let refs = crate::query_refs::query_refs(self, query);
        CreateView {
            name: self.qname(name),
            or_replace,
            materialized,
            if_not_exists,
            columns,
            sources: shape.sources,
            star_of: if explicit_columns.is_empty() { shape.star_of } else { None },
            outputs: shape.outputs,
            not_updatable: shape.not_updatable,
            reads: refs.reads,
            calls: refs.calls,
            relations: refs.relations,
        }
    }

    fn create_trigger(&self, t: &sql::CreateTrigger) -> Option<CreateTrigger> {
        let timing = match t.period? {
            sql::TriggerPeriod::Before => TriggerTiming::Before,
            sql::TriggerPeriod::After | sql::TriggerPeriod::For => TriggerTiming::After,
            sql::TriggerPeriod::InsteadOf => TriggerTiming::InsteadOf,
        };
        let events = t
            .events
            .iter()
            .map(|e| match e {
                sql::TriggerEvent::Insert => TriggerEvent::Insert,
                sql::TriggerEvent::Update(_) => TriggerEvent::Update,
                sql::TriggerEvent::Delete => TriggerEvent::Delete,
                sql::TriggerEvent::Truncate => TriggerEvent::Truncate,
            })
            .collect();
        Some(CreateTrigger {
            name: self.qname(&t.name).name,
            table: self.qname(&t.table_name),
            or_replace: t.or_replace || t.or_alter,
            timing,
            events,
            function: t.exec_body.as_ref().map(|b| self.qname(&b.func_desc.name)),
            fills: if t.exec_body.is_none() { crate::body::new_row_assignments(self.cur.src, self.dialect) } else { Vec::new() },
        })
    }
}

struct ViewShape {
    columns: Option<Vec<Name>>,
    sources: Vec<QualifiedName>,
    star_of: Option<QualifiedName>,
    outputs: Vec<Option<ColumnRef>>,
    not_updatable: Option<String>,
}

/// Names of the aggregate functions of PostgreSQL, MySQL and SQLite that a view's select list may
/// call: a view that calls one is not updatable.
const AGGREGATES: &[&str] = &[
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "array_agg",
    "string_agg",
    "json_agg",
    "jsonb_agg",
    "json_object_agg",
    "jsonb_object_agg",
    "bool_and",
    "bool_or",
    "every",
    "bit_and",
    "bit_or",
    "group_concat",
    "stddev",
    "variance",
    "percentile_cont",
    "percentile_disc",
    "mode",
    "xmlagg",
    "json_arrayagg",
    "json_objectagg",
    "total",
];

/// Why the database cannot write through a view on its own: PostgreSQL's rules for
/// automatically updatable views (MySQL's are alike): one table or updatable view in `FROM`, no
/// `WITH`, `DISTINCT`, `GROUP BY`, `HAVING`, `LIMIT`/`OFFSET`, set operation, aggregate or window
/// function.
fn not_updatable(query: &sql::Query) -> Option<String> {
    let sql::SetExpr::Select(select) = query.body.as_ref() else {
        return Some("it combines queries with UNION, INTERSECT or EXCEPT, or lists VALUES".into());
    };
    if query.with.is_some() {
        return Some("it has a WITH clause".into());
    }
    if query.limit_clause.is_some() || query.fetch.is_some() {
        return Some("it has LIMIT, OFFSET or FETCH".into());
    }
    if select.distinct.is_some() {
        return Some("it selects DISTINCT rows".into());
    }
    if !matches!(&select.group_by, sql::GroupByExpr::Expressions(e, _) if e.is_empty()) || select.having.is_some() {
        return Some("it groups rows with GROUP BY or HAVING".into());
    }
    match select.from.as_slice() {
        [one] if one.joins.is_empty() && matches!(one.relation, sql::TableFactor::Table { args: None, .. }) => {}
        [] => return Some("it reads no table".into()),
        _ => return Some("it joins tables".into()),
    }
    let mut aggregate = None;
    for item in &select.projection {
        let expr = match item {
            sql::SelectItem::UnnamedExpr(e) | sql::SelectItem::ExprWithAlias { expr: e, .. } => e,
            _ => continue,
        };
        let _ = sql::visit_expressions(expr, |e| {
            if let sql::Expr::Function(f) = e {
                let name = f.name.to_string().to_ascii_lowercase();
                if f.over.is_some() {
                    aggregate = Some(format!("it calls the window function {name}"));
                } else if AGGREGATES.contains(&name.rsplit('.').next().unwrap_or(&name)) {
                    aggregate = Some(format!("it calls the aggregate {name}"));
                }
            }
            std::ops::ControlFlow::<()>::Continue(())
        });
    }
    aggregate
}

/// Output columns and source tables of a view's query, as far as they can be read off it.
fn view_shape(l: &Lowerer<'_>, query: &sql::Query) -> ViewShape {
    let not_updatable = not_updatable(query);
    let sql::SetExpr::Select(select) = query.body.as_ref() else {
        return ViewShape { columns: None, sources: Vec::new(), star_of: None, outputs: Vec::new(), not_updatable };
    };
    // The top-level relations by the name the select list uses for them.
    let mut scope: Vec<(String, QualifiedName)> = Vec::new();
    for from in &select.from {
        for factor in std::iter::once(&from.relation).chain(from.joins.iter().map(|j| &j.relation)) {
            if let sql::TableFactor::Table { name, alias, args: None, .. } = factor {
                let q = l.qname(name);
                let key = alias.as_ref().map_or_else(|| q.name.key.clone(), |a| l.name(&a.name).key);
                scope.push((key, q));
            }
        }
    }
    let output = |expr: &sql::Expr| -> Option<ColumnRef> {
        match expr {
            sql::Expr::Identifier(i) => {
                Some(ColumnRef { table: None, candidates: vec![scope.iter().map(|(_, q)| q.clone()).collect()], column: l.name(i) })
            }
            sql::Expr::CompoundIdentifier(parts) if parts.len() == 2 => {
                let key = l.name(&parts[0]).key;
                let table = scope.iter().find(|(k, _)| *k == key).map(|(_, q)| q.clone())?;
                Some(ColumnRef { table: Some(table), candidates: Vec::new(), column: l.name(&parts[1]) })
            }
            _ => None,
        }
    };
    let outputs: Vec<Option<ColumnRef>> = select
        .projection
        .iter()
        .map(|item| match item {
            sql::SelectItem::UnnamedExpr(e) | sql::SelectItem::ExprWithAlias { expr: e, .. } => output(e),
            _ => None,
        })
        .collect();
    let mut sources = Vec::new();
    for from in &select.from {
        if let sql::TableFactor::Table { name, .. } = &from.relation {
            sources.push(l.qname(name));
        }
        for join in &from.joins {
            if let sql::TableFactor::Table { name, .. } = &join.relation {
                sources.push(l.qname(name));
            }
        }
    }
    let mut columns = Some(Vec::new());
    let mut star = false;
    for item in &select.projection {
        let name = match item {
            sql::SelectItem::ExprWithAlias { alias, .. } => Some(l.name(alias)),
            sql::SelectItem::UnnamedExpr(expr) => l.expr_column(expr),
            sql::SelectItem::Wildcard(_) | sql::SelectItem::QualifiedWildcard(..) => {
                star = true;
                None
            }
            sql::SelectItem::ExprWithAliases { .. } => None,
        };
        match (name, columns.as_mut()) {
            (Some(n), Some(cols)) => cols.push(n),
            _ => columns = None,
        }
    }
    let single_source = select.from.len() == 1 && select.from[0].joins.is_empty();
    let star_of = (star && select.projection.len() == 1 && single_source).then(|| sources.first().cloned()).flatten();
    ViewShape { columns, sources, star_of, outputs, not_updatable }
}

/// The default's text; `DEFAULT NULL` is no default.
fn default_text(expr: &sql::Expr) -> Option<String> {
    match expr {
        sql::Expr::Value(v) if matches!(v.value, sql::Value::Null) => None,
        other => Some(other.to_string()),
    }
}

/// The first `n` words of a statement's text, upper-cased, for "not modelled" notes.
/// `NOT ENFORCED` (PostgreSQL 18, MySQL checks): the constraint is declared but rejects no write, so
/// for what rollsafe compares it is not there.
fn not_enforced(c: &sql::TableConstraint) -> bool {
    let off = |ch: &Option<sql::ConstraintCharacteristics>| ch.as_ref().and_then(|c| c.enforced) == Some(false);
    match c {
        sql::TableConstraint::PrimaryKey(pk) => off(&pk.characteristics),
        sql::TableConstraint::Unique(u) => off(&u.characteristics),
        sql::TableConstraint::ForeignKey(fk) => off(&fk.characteristics),
        sql::TableConstraint::Check(ck) => ck.enforced == Some(false),
        _ => false,
    }
}

/// The first `n` words of a statement or part, as the user wrote them, for notes.
pub(crate) fn first_words(text: &str, n: usize) -> String {
    text.split_whitespace().take(n).map(|w| w.trim_end_matches(['(', ';'])).collect::<Vec<_>>().join(" ")
}
