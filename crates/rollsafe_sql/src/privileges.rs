//! Access control, read from the tokens: `GRANT`, `REVOKE`, `ALTER DEFAULT PRIVILEGES`,
//! `CREATE`/`ALTER`/`DROP POLICY` (PostgreSQL).
//!
//! Role membership (`GRANT role TO role`) and privileges on objects rollsafe does not model
//! (databases, types, languages, large objects) change nothing in the model.

use crate::cursor::Cursor;
use crate::lower::Lowerer;
use crate::name::Name;
use crate::ops::*;

/// Reads an access-control statement whose first words are `w`; `None` when it is not one.
pub(crate) fn read(l: &mut Lowerer<'_>, w: &[&str]) -> Option<StatementKind> {
    let c = &mut l.cur;
    c.pos = 0;
    let kind = match w {
        ["GRANT", ..] | ["REVOKE", ..] => grant_or_revoke(c),
        ["ALTER", "DEFAULT", "PRIVILEGES", ..] => default_privileges(c),
        ["CREATE", "POLICY", ..] => create_policy(c),
        ["ALTER", "POLICY", ..] => alter_policy(c),
        ["DROP", "POLICY", ..] => drop_policy(c),
        _ => return None,
    };
    Some(kind.unwrap_or(StatementKind::NoSchemaEffect))
}

/// `priv [(cols)], …` or `ALL [PRIVILEGES] [(cols)]`, up to `ON`: each privilege with its columns.
fn privilege_list(c: &mut Cursor<'_>) -> Option<Vec<(String, Vec<Name>)>> {
    let mut out = Vec::new();
    loop {
        let mut word = c.bump().filter(|t| t.kind == crate::lexer::TokenKind::Word)?.text(c.src).to_ascii_uppercase();
        if word == "ALL" {
            c.eat_word("PRIVILEGES");
        } else if word == "REFERENCES" || word == "TRIGGER" || word == "MAINTAIN" {
            // single-word privileges
        } else if word == "TEMP" {
            word = "TEMPORARY".into();
        }
        let columns = if c.peek().is_some_and(|t| t.is_punct(c.src, '(')) { c.ident_list()? } else { Vec::new() };
        out.push((word, columns));
        if !c.eat_punct(',') {
            break;
        }
    }
    Some(out)
}

/// `ON [TABLE] a, b | ON ALL TABLES IN SCHEMA s | ON SEQUENCE … | ON FUNCTION f(…) | ON SCHEMA s`.
fn object_list(c: &mut Cursor<'_>) -> Option<(PrivilegeObjectKind, Vec<crate::name::QualifiedName>, Vec<Name>)> {
    if !c.eat_word("ON") {
        return None;
    }
    if c.eat_word("ALL") {
        let kind = match c.bump()?.text(c.src).to_ascii_uppercase().as_str() {
            "TABLES" => PrivilegeObjectKind::Table,
            "SEQUENCES" => PrivilegeObjectKind::Sequence,
            "FUNCTIONS" | "PROCEDURES" | "ROUTINES" => PrivilegeObjectKind::Function,
            _ => return None,
        };
        if !c.eat_words(&["IN", "SCHEMA"]) {
            return None;
        }
        let mut schemas = vec![c.ident()?];
        while c.eat_punct(',') {
            schemas.push(c.ident()?);
        }
        return Some((kind, Vec::new(), schemas));
    }
    let kind = if c.eat_word("TABLE") {
        PrivilegeObjectKind::Table
    } else if c.eat_word("SEQUENCE") {
        PrivilegeObjectKind::Sequence
    } else if c.eat_word("FUNCTION") || c.eat_word("PROCEDURE") || c.eat_word("ROUTINE") {
        PrivilegeObjectKind::Function
    } else if c.eat_word("SCHEMA") {
        PrivilegeObjectKind::Schema
    } else if ["DATABASE", "DOMAIN", "TYPE", "LANGUAGE", "LARGE", "FOREIGN", "TABLESPACE", "PARAMETER"].iter().any(|w| c.at_word(w)) {
        return None;
    } else {
        PrivilegeObjectKind::Table
    };
    let mut objects = vec![c.qualified_name()?];
    loop {
        // A routine's argument list: rollsafe grants by name.
        if c.peek().is_some_and(|t| t.is_punct(c.src, '(')) {
            c.pos = c.matching_paren(c.pos)? + 1;
        }
        if !c.eat_punct(',') {
            break;
        }
        objects.push(c.qualified_name()?);
    }
    if kind == PrivilegeObjectKind::Schema {
        return Some((kind, Vec::new(), objects.into_iter().map(|q| q.name).collect()));
    }
    Some((kind, objects, Vec::new()))
}

/// `TO|FROM role, …`: folded names, `public` for PUBLIC; `GROUP` is noise.
fn role_list(c: &mut Cursor<'_>) -> Vec<Name> {
    let mut roles = Vec::new();
    loop {
        c.eat_word("GROUP");
        match c.ident() {
            Some(role) => roles.push(role),
            None => break,
        }
        if !c.eat_punct(',') {
            break;
        }
    }
    roles
}

fn expand(privileges: &[String], kind: PrivilegeObjectKind) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in privileges {
        let more: Vec<String> = if p == "ALL" { kind.all().iter().map(|s| s.to_string()).collect() } else { vec![p.clone()] };
        for m in more {
            if !out.contains(&m) {
                out.push(m);
            }
        }
    }
    out
}

fn grant_or_revoke(c: &mut Cursor<'_>) -> Option<StatementKind> {
    let grant = c.eat_word("GRANT");
    if !grant {
        c.eat_word("REVOKE");
        c.eat_words(&["GRANT", "OPTION", "FOR"]);
    }
    let privileges = privilege_list(c)?;
    let (kind, objects, in_schemas) = object_list(c)?;
    if !(c.eat_word("TO") || c.eat_word("FROM")) {
        return None;
    }
    let roles = role_list(c);
    // One change for the table-wide privileges, one per column list.
    let mut ops = Vec::new();
    let whole: Vec<String> = privileges.iter().filter(|(_, cols)| cols.is_empty()).map(|(p, _)| p.clone()).collect();
    if !whole.is_empty() {
        ops.push(Op::Privileges(PrivilegeChange {
            grant,
            privileges: expand(&whole, kind),
            columns: Vec::new(),
            kind,
            objects: objects.clone(),
            in_schemas: in_schemas.clone(),
            roles: roles.clone(),
        }));
    }
    for (p, cols) in privileges.iter().filter(|(_, cols)| !cols.is_empty()) {
        ops.push(Op::Privileges(PrivilegeChange {
            grant,
            privileges: expand(std::slice::from_ref(p), kind),
            columns: cols.clone(),
            kind,
            objects: objects.clone(),
            in_schemas: in_schemas.clone(),
            roles: roles.clone(),
        }));
    }
    Some(StatementKind::Ddl(ops))
}

fn default_privileges(c: &mut Cursor<'_>) -> Option<StatementKind> {
    c.pos = 3;
    let mut schemas = Vec::new();
    loop {
        if c.eat_word("FOR") {
            c.eat_word("ROLE");
            c.eat_word("USER");
            role_list(c);
        } else if c.eat_words(&["IN", "SCHEMA"]) {
            schemas.push(c.ident()?);
            while c.eat_punct(',') {
                schemas.push(c.ident()?);
            }
        } else {
            break;
        }
    }
    let grant = c.eat_word("GRANT");
    if !grant {
        c.eat_word("REVOKE");
        c.eat_words(&["GRANT", "OPTION", "FOR"]);
    }
    let privileges = privilege_list(c)?;
    if !c.eat_word("ON") {
        return None;
    }
    let kind = match c.bump()?.text(c.src).to_ascii_uppercase().as_str() {
        "TABLES" => PrivilegeObjectKind::Table,
        "SEQUENCES" => PrivilegeObjectKind::Sequence,
        "FUNCTIONS" | "ROUTINES" => PrivilegeObjectKind::Function,
        _ => return None,
    };
    if !(c.eat_word("TO") || c.eat_word("FROM")) {
        return None;
    }
    let roles = role_list(c);
    let privileges: Vec<String> = privileges.into_iter().map(|(p, _)| p).collect();
    Some(StatementKind::Ddl(vec![Op::DefaultPrivileges { grant, schemas, kind, privileges: expand(&privileges, kind), roles }]))
}

fn create_policy(c: &mut Cursor<'_>) -> Option<StatementKind> {
    c.pos = 2;
    let name = c.ident()?;
    if !c.eat_word("ON") {
        return None;
    }
    let table = c.qualified_name()?;
    let mut policy = Policy { name, table, permissive: true, command: "ALL".into(), roles: Vec::new() };
    loop {
        if c.eat_word("AS") {
            policy.permissive = !c.eat_word("RESTRICTIVE");
            c.eat_word("PERMISSIVE");
        } else if c.eat_word("FOR") {
            policy.command = c.bump()?.text(c.src).to_ascii_uppercase();
        } else if c.eat_word("TO") {
            policy.roles = role_list(c);
        } else {
            break;
        }
    }
    Some(StatementKind::Ddl(vec![Op::CreatePolicy(policy)]))
}

fn alter_policy(c: &mut Cursor<'_>) -> Option<StatementKind> {
    c.pos = 2;
    let name = c.ident()?;
    if !c.eat_word("ON") {
        return None;
    }
    let table = c.qualified_name()?;
    let rename = if c.eat_words(&["RENAME", "TO"]) { c.ident() } else { None };
    let roles = if c.eat_word("TO") { Some(role_list(c)) } else { None };
    Some(StatementKind::Ddl(vec![Op::AlterPolicy { name, table, rename, roles }]))
}

fn drop_policy(c: &mut Cursor<'_>) -> Option<StatementKind> {
    c.pos = 2;
    c.eat_words(&["IF", "EXISTS"]);
    let name = c.ident()?;
    if !c.eat_word("ON") {
        return None;
    }
    let table = c.qualified_name()?;
    Some(StatementKind::Ddl(vec![Op::DropPolicy { name, table }]))
}

#[cfg(test)]
mod tests {
    use crate::Dialect;
    use crate::ops::*;

    fn ops(sql: &str) -> Vec<Op> {
        match &crate::parse_file(sql, Dialect::Postgres).statements[0].kind {
            StatementKind::Ddl(ops) => ops.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn grants_with_columns_schemas_and_roles() {
        let got = ops("GRANT SELECT, UPDATE (email, name), INSERT ON TABLE users, orders TO app, GROUP reporting, PUBLIC");
        let [Op::Privileges(whole), Op::Privileges(cols)] = got.as_slice() else { panic!("{got:?}") };
        assert_eq!(whole.privileges, ["SELECT", "INSERT"]);
        assert_eq!(whole.objects.len(), 2);
        assert_eq!(whole.roles.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(), ["app", "reporting", "public"]);
        assert_eq!(cols.privileges, ["UPDATE"]);
        assert_eq!(cols.columns.len(), 2);
        let got = ops("REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA app FROM app CASCADE");
        let [Op::Privileges(p)] = got.as_slice() else { panic!() };
        assert!(!p.grant && p.privileges.len() == 7 && p.in_schemas[0].key == "app");
        assert!(matches!(
            ops("GRANT USAGE ON SCHEMA app TO app")[0],
            Op::Privileges(PrivilegeChange { kind: PrivilegeObjectKind::Schema, .. })
        ));
    }

    #[test]
    fn default_privileges_and_policies() {
        let got = ops("ALTER DEFAULT PRIVILEGES FOR ROLE owner IN SCHEMA app GRANT SELECT, INSERT ON TABLES TO app");
        assert!(
            matches!(&got[0], Op::DefaultPrivileges { grant: true, kind: PrivilegeObjectKind::Table, privileges, .. } if privileges.len() == 2)
        );
        let got = ops("CREATE POLICY own_rows ON documents AS RESTRICTIVE FOR UPDATE TO app USING (owner = current_user)");
        assert!(matches!(&got[0], Op::CreatePolicy(p) if !p.permissive && p.command == "UPDATE" && p.roles.len() == 1));
        // Role membership changes nothing rollsafe models.
        assert_eq!(crate::parse_file("GRANT app TO alice", Dialect::Postgres).statements[0].kind, StatementKind::NoSchemaEffect);
    }
}
