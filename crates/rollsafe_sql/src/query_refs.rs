//! What a view's query depends on: the columns it names and the functions it calls.
//!
//! PostgreSQL records a view's dependencies on every column its query names, wherever it names
//! it (select list, joins, filters, subqueries, `ORDER BY`), and on every function it calls; those
//! dependencies are why `DROP COLUMN` needs `CASCADE` and `ALTER COLUMN … TYPE` is refused. A
//! qualified name (`u.email`) is resolved here through the aliases of the `SELECT` it appears in
//! and the ones around it; a bare name (`email`) keeps the relations of each enclosing `SELECT`,
//! innermost first, so that replay, which knows every relation's columns, binds it as the database
//! does: to the innermost scope with a relation that has the column.

use crate::lower::Lowerer;
use crate::name::QualifiedName;
use crate::ops::ColumnRef;
use sqlparser::ast as sql;
use sqlparser::ast::{Visit, Visitor};
use std::ops::ControlFlow;

/// What a query depends on.
pub(crate) struct QueryRefs {
    /// Columns it names; `*` for a wildcard (every column the relation has when the view is
    /// created).
    pub reads: Vec<ColumnRef>,
    pub calls: Vec<QualifiedName>,
    /// Every stored relation it reads, in any scope.
    pub relations: Vec<QualifiedName>,
}

/// The columns, relations and functions `query` depends on.
pub(crate) fn query_refs(l: &Lowerer<'_>, query: &sql::Query) -> QueryRefs {
    let mut v = Collector { l, scopes: Vec::new(), last_scope: None, ctes: Vec::new(), reads: Vec::new(), calls: Vec::new() };
    let mut relations: Vec<QualifiedName> = Vec::new();
    let _ = query.visit(&mut v);
    let _ = sqlparser::ast::visit_relations(query, |r| {
        let q = l.qname(r);
        let cte = q.schema.is_none() && v.ctes.contains(&q.name.key);
        if !cte && !relations.contains(&q) {
            relations.push(q);
        }
        ControlFlow::<()>::Continue(())
    });
    QueryRefs { reads: v.reads, calls: v.calls, relations }
}

/// The relations of one `SELECT`'s `FROM`: each under the name the query refers to it by (its
/// alias, else its own name). `None`: a subquery or a table function, whose columns are not a
/// stored relation's.
type Scope = Vec<(String, Option<QualifiedName>)>;

struct Collector<'l, 'a> {
    l: &'l Lowerer<'a>,
    scopes: Vec<Scope>,
    /// The scope of the `SELECT` that just ended: a query's `ORDER BY` is outside its `SELECT`
    /// but sees its relations.
    last_scope: Option<Scope>,
    /// Names of common table expressions: relations of the query itself, not of the schema.
    ctes: Vec<String>,
    reads: Vec<ColumnRef>,
    calls: Vec<QualifiedName>,
}

impl Collector<'_, '_> {
    fn scope_of(&self, select: &sql::Select) -> Scope {
        let mut scope = Vec::new();
        for from in &select.from {
            self.add_factor(&from.relation, &mut scope);
            for join in &from.joins {
                self.add_factor(&join.relation, &mut scope);
            }
        }
        scope
    }

    fn add_factor(&self, factor: &sql::TableFactor, scope: &mut Scope) {
        match factor {
            sql::TableFactor::Table { name, alias, args, .. } => {
                let q = self.l.qname(name);
                let stored = args.is_none() && !(q.schema.is_none() && self.ctes.contains(&q.name.key));
                let key = alias.as_ref().map_or_else(|| q.name.key.clone(), |a| self.l.name(&a.name).key);
                scope.push((key, stored.then_some(q)));
            }
            sql::TableFactor::Derived { alias: Some(alias), .. }
            | sql::TableFactor::Function { alias: Some(alias), .. }
            | sql::TableFactor::UNNEST { alias: Some(alias), .. } => scope.push((self.l.name(&alias.name).key, None)),
            sql::TableFactor::NestedJoin { table_with_joins, .. } => {
                self.add_factor(&table_with_joins.relation, scope);
                for join in &table_with_joins.joins {
                    self.add_factor(&join.relation, scope);
                }
            }
            _ => {}
        }
    }

    /// The scopes a name in the current position sees, innermost first.
    fn visible(&self) -> Vec<&Scope> {
        let mut out: Vec<&Scope> = self.scopes.iter().rev().collect();
        if out.is_empty()
            && let Some(last) = &self.last_scope
        {
            out.push(last);
        }
        out
    }
}

impl Visitor for Collector<'_, '_> {
    type Break = ();

    fn pre_visit_query(&mut self, query: &sql::Query) -> ControlFlow<()> {
        if let Some(with) = &query.with {
            self.ctes.extend(with.cte_tables.iter().map(|c| self.l.name(&c.alias.name).key));
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_select(&mut self, select: &sql::Select) -> ControlFlow<()> {
        let scope = self.scope_of(select);
        let star = || crate::name::Name { key: "*".into(), written: "*".into() };
        for item in &select.projection {
            match item {
                sql::SelectItem::Wildcard(_) => {
                    let candidates = vec![scope.iter().filter_map(|(_, q)| q.clone()).collect()];
                    self.reads.push(ColumnRef { table: None, candidates, column: star() });
                }
                sql::SelectItem::QualifiedWildcard(sql::SelectItemQualifiedWildcardKind::ObjectName(name), _) => {
                    let q = self.l.qname(name);
                    let table = if q.schema.is_none() {
                        scope.iter().find(|(k, _)| *k == q.name.key).and_then(|(_, t)| t.clone())
                    } else {
                        Some(q)
                    };
                    if let Some(table) = table {
                        self.reads.push(ColumnRef { table: Some(table), candidates: Vec::new(), column: star() });
                    }
                }
                _ => {}
            }
        }
        self.scopes.push(scope);
        ControlFlow::Continue(())
    }

    fn post_visit_select(&mut self, _: &sql::Select) -> ControlFlow<()> {
        self.last_scope = self.scopes.pop();
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &sql::Expr) -> ControlFlow<()> {
        match expr {
            sql::Expr::Identifier(ident) => {
                let column = self.l.name(ident);
                let candidates: Vec<Vec<QualifiedName>> =
                    self.visible().into_iter().map(|s| s.iter().filter_map(|(_, q)| q.clone()).collect()).collect();
                self.reads.push(ColumnRef { table: None, candidates, column });
            }
            sql::Expr::CompoundIdentifier(parts) if parts.len() >= 2 => {
                let column = self.l.name(&parts[parts.len() - 1]);
                let qualifier = &parts[..parts.len() - 1];
                let table = if qualifier.len() == 1 {
                    let key = self.l.name(&qualifier[0]).key;
                    // The innermost scope that names it; a qualifier no scope names is a
                    // composite value's field or an outer name rollsafe cannot see.
                    self.visible().into_iter().find_map(|s| s.iter().find(|(k, _)| *k == key)).and_then(|(_, q)| q.clone())
                } else {
                    Some(self.l.qname(&sql::ObjectName::from(qualifier.to_vec())))
                };
                if let Some(table) = table {
                    self.reads.push(ColumnRef { table: Some(table), candidates: Vec::new(), column });
                }
            }
            sql::Expr::Function(f) => self.calls.push(self.l.qname(&f.name)),
            _ => {}
        }
        ControlFlow::Continue(())
    }
}

#[cfg(test)]
mod tests {
    use crate::Dialect;
    use crate::ops::{Op, StatementKind};

    fn refs(sql: &str) -> Vec<String> {
        let parsed = crate::parse_file(sql, Dialect::Postgres);
        let StatementKind::Ddl(ops) = &parsed.statements[0].kind else { panic!("{:?}", parsed.statements[0].kind) };
        let Op::CreateView(cv) = &ops[0] else { panic!() };
        assert!(cv.relations.iter().all(|r| !r.to_string().starts_with("recent")));
        cv.reads
            .iter()
            .map(|r| match &r.table {
                Some(t) => format!("{t}.{}", r.column.key),
                None => format!(
                    "{}@{}",
                    r.column.key,
                    r.candidates
                        .iter()
                        .map(|s| s.iter().map(|q| q.to_string()).collect::<Vec<_>>().join("+"))
                        .collect::<Vec<_>>()
                        .join("/")
                ),
            })
            .collect()
    }

    #[test]
    fn qualified_names_resolve_through_aliases_and_bare_names_keep_their_scopes() {
        let got = refs(
            "CREATE VIEW v AS SELECT u.id, email, (SELECT count(*) FROM orders o WHERE o.user_id = u.id AND total > 0) AS n \
             FROM users u JOIN teams ON teams.id = u.team_id ORDER BY email",
        );
        assert_eq!(
            got,
            [
                "users.id",
                "email@users+teams",
                "orders.user_id",
                "users.id",
                "total@orders/users+teams",
                "teams.id",
                "users.team_id",
                "email@users+teams"
            ]
        );
    }

    #[test]
    fn subqueries_ctes_and_table_functions_are_not_relations() {
        let got = refs("CREATE VIEW v AS WITH recent AS (SELECT id FROM events) SELECT r.id, s.x FROM recent r, (SELECT 1 AS x) s");
        assert_eq!(got, ["id@events"]);
    }

    #[test]
    fn wildcards_read_every_column_of_their_relations() {
        assert_eq!(refs("CREATE VIEW v AS SELECT u.*, t.name FROM users u, teams t"), ["users.*", "teams.name"]);
        assert_eq!(refs("CREATE VIEW v AS SELECT * FROM users JOIN teams USING (team_id)"), ["*@users+teams"]);
    }
}
