//! Access control as PostgreSQL keeps it: privileges per object and role (`GRANT`, `REVOKE`,
//! default privileges applied to objects created later), row-level security per table, and
//! policies. Dropping an object drops what was granted on it; renaming keeps it.

use super::Replayer;
use crate::catalog::*;
use crate::name::QualifiedName;
use crate::ops::*;
use std::collections::BTreeSet;

impl Replayer<'_> {
    pub(super) fn privileges(&mut self, change: &PrivilegeChange, origin: Origin) {
        let mut objects: Vec<GrantObject> = Vec::new();
        let in_schema = |schemas: &[crate::name::Name], k: &ObjKey| schemas.iter().any(|s| s.key == k.schema);
        match change.kind {
            PrivilegeObjectKind::Table => {
                if change.in_schemas.is_empty() {
                    for name in &change.objects {
                        let key = self.relation_key(name);
                        // `ON TABLE` also grants on sequences and views.
                        if self.catalog.sequences.contains_key(&key) {
                            objects.push(GrantObject::Sequence(key));
                        } else {
                            objects.push(GrantObject::Table(key));
                        }
                    }
                } else {
                    let tables = self.catalog.tables.keys().chain(self.catalog.views.keys()).filter(|k| in_schema(&change.in_schemas, k));
                    objects.extend(tables.cloned().map(GrantObject::Table));
                }
            }
            PrivilegeObjectKind::Sequence => {
                if change.in_schemas.is_empty() {
                    objects.extend(
                        change.objects.iter().map(|n| GrantObject::Sequence(self.find_key(n, |k| self.catalog.sequences.contains_key(k)))),
                    );
                } else {
                    let seqs = self.catalog.sequences.keys().filter(|k| in_schema(&change.in_schemas, k));
                    objects.extend(seqs.cloned().map(GrantObject::Sequence));
                }
            }
            PrivilegeObjectKind::Function => {
                let keys: Vec<ObjKey> = if change.in_schemas.is_empty() {
                    // By name: every overload (the argument list is not kept).
                    change
                        .objects
                        .iter()
                        .flat_map(|n| {
                            let schemas = n.schema.as_ref().map_or_else(|| self.search_path.clone(), |s| vec![s.key.clone()]);
                            self.catalog
                                .functions
                                .iter()
                                .filter(move |(k, f)| schemas.contains(&k.schema) && f.name == n.name.key)
                                .map(|(k, _)| k.clone())
                                .collect::<Vec<_>>()
                        })
                        .collect()
                } else {
                    self.catalog.functions.keys().filter(|k| in_schema(&change.in_schemas, k)).cloned().collect()
                };
                objects.extend(keys.into_iter().map(GrantObject::Function));
            }
            PrivilegeObjectKind::Schema => objects.extend(change.in_schemas.iter().map(|s| GrantObject::Schema(s.key.clone()))),
        }
        // Column privileges are granted on each column.
        if !change.columns.is_empty() {
            objects = objects
                .into_iter()
                .flat_map(|o| match o {
                    GrantObject::Table(t) => change.columns.iter().map(|c| GrantObject::Column(t.clone(), c.key.clone())).collect(),
                    other => vec![other],
                })
                .collect();
        }
        for object in objects {
            for role in &change.roles {
                let key = GrantKey { object: object.clone(), role: role.key.clone() };
                self.change_grant(key, &change.privileges, change.grant, origin);
            }
        }
    }

    fn change_grant(&mut self, key: GrantKey, privileges: &[String], grant: bool, origin: Origin) {
        let entry = self.catalog.grants.entry(key).or_insert_with(|| Tracked::new(BTreeSet::new(), origin));
        let mut set = entry.value.clone();
        for p in privileges {
            if grant {
                set.insert(p.clone());
            } else {
                set.remove(p);
            }
        }
        if set != entry.value {
            entry.set(set, origin);
        }
    }

    fn relation_key(&self, name: &QualifiedName) -> ObjKey {
        self.find_key(name, |k| {
            self.catalog.tables.contains_key(k) || self.catalog.views.contains_key(k) || self.catalog.sequences.contains_key(k)
        })
    }

    pub(super) fn default_privileges(
        &mut self,
        grant: bool,
        schemas: &[crate::name::Name],
        kind: PrivilegeObjectKind,
        privileges: &[String],
        roles: &[crate::name::Name],
    ) {
        let schemas: Vec<Option<String>> =
            if schemas.is_empty() { vec![None] } else { schemas.iter().map(|s| Some(s.key.clone())).collect() };
        for schema in schemas {
            for role in roles {
                let list = &mut *self.catalog.default_privileges;
                let at = list.iter().position(|d| d.schema == schema && d.kind == kind && d.role == role.key);
                let entry = match at {
                    Some(i) => &mut list[i],
                    None => {
                        list.push(DefaultPrivilege { schema: schema.clone(), kind, role: role.key.clone(), privileges: BTreeSet::new() });
                        list.last_mut().expect("just pushed")
                    }
                };
                for p in privileges {
                    if grant {
                        entry.privileges.insert(p.clone());
                    } else {
                        entry.privileges.remove(p);
                    }
                }
            }
        }
    }

    /// What default privileges give an object created now.
    pub(super) fn apply_default_privileges(&mut self, kind: PrivilegeObjectKind, object: GrantObject, schema: &str, origin: Origin) {
        if self.catalog.default_privileges.is_empty() {
            return;
        }
        let grants: Vec<(String, Vec<String>)> = self
            .catalog
            .default_privileges
            .iter()
            .filter(|d| d.kind == kind && d.schema.as_deref().is_none_or(|s| s == schema) && !d.privileges.is_empty())
            .map(|d| (d.role.clone(), d.privileges.iter().cloned().collect()))
            .collect();
        for (role, privileges) in grants {
            self.change_grant(GrantKey { object: object.clone(), role }, &privileges, true, origin);
        }
    }

    pub(super) fn row_security(&mut self, table: &ObjKey, enable: Option<bool>, force: Option<bool>, origin: Origin) {
        let entry = self
            .catalog
            .row_security
            .entry(table.clone())
            .or_insert_with(|| RowSecurity { enabled: Tracked::new(false, origin), forced: Tracked::new(false, origin) });
        if let Some(e) = enable
            && entry.enabled.value != e
        {
            entry.enabled.set(e, origin);
        }
        if let Some(f) = force
            && entry.forced.value != f
        {
            entry.forced.set(f, origin);
        }
    }

    pub(super) fn create_policy(&mut self, p: &Policy, origin: Origin) {
        let table = self.relation_key(&p.table);
        let def = PolicyDef {
            name: p.name.clone(),
            permissive: p.permissive,
            command: p.command.clone(),
            roles: p.roles.iter().map(|r| r.key.clone()).collect(),
            origin,
        };
        self.catalog.policies.insert((table, p.name.key.clone()), def);
    }

    pub(super) fn alter_policy(
        &mut self,
        name: &crate::name::Name,
        table: &QualifiedName,
        rename: Option<&crate::name::Name>,
        roles: Option<&[crate::name::Name]>,
        origin: Origin,
    ) {
        let table = self.relation_key(table);
        let Some(mut def) = self.catalog.policies.shift_remove(&(table.clone(), name.key.clone())) else {
            return;
        };
        if let Some(to) = rename {
            def.name = to.clone();
        }
        if let Some(roles) = roles {
            def.roles = roles.iter().map(|r| r.key.clone()).collect();
            def.origin = origin;
        }
        self.catalog.policies.insert((table, def.name.key.clone()), def);
    }

    pub(super) fn drop_policy(&mut self, name: &crate::name::Name, table: &QualifiedName, origin: Origin) {
        let table = self.relation_key(table);
        if self.catalog.policies.shift_remove(&(table.clone(), name.key.clone())).is_some() {
            self.event(Event::PolicyDropped { table, name: name.key.clone(), origin });
        }
    }

    /// A table, view, sequence or function is gone: so is everything about access to it.
    pub(super) fn forget_access(&mut self, key: &ObjKey) {
        let about = |o: &GrantObject| match o {
            GrantObject::Table(k) | GrantObject::Column(k, _) | GrantObject::Sequence(k) | GrantObject::Function(k) => k == key,
            GrantObject::Schema(_) => false,
        };
        if self.catalog.grants.keys().any(|g| about(&g.object)) {
            self.catalog.grants.retain(|g, _| !about(&g.object));
        }
        if self.catalog.row_security.contains_key(key) {
            self.catalog.row_security.shift_remove(key);
        }
        if self.catalog.policies.keys().any(|(t, _)| t == key) {
            self.catalog.policies.retain(|(t, _), _| t != key);
        }
    }

    /// A table, view, sequence or function renamed or moved keeps its privileges, row security
    /// and policies.
    pub(super) fn move_access(&mut self, from: &ObjKey, to: &ObjKey) {
        let moved = |o: &GrantObject| -> Option<GrantObject> {
            match o {
                GrantObject::Table(k) if k == from => Some(GrantObject::Table(to.clone())),
                GrantObject::Column(k, c) if k == from => Some(GrantObject::Column(to.clone(), c.clone())),
                GrantObject::Sequence(k) if k == from => Some(GrantObject::Sequence(to.clone())),
                GrantObject::Function(k) if k == from => Some(GrantObject::Function(to.clone())),
                _ => None,
            }
        };
        if self.catalog.grants.keys().any(|g| moved(&g.object).is_some()) {
            let grants = std::mem::take(&mut *self.catalog.grants);
            *self.catalog.grants = grants
                .into_iter()
                .map(|(g, v)| match moved(&g.object) {
                    Some(object) => (GrantKey { object, role: g.role }, v),
                    None => (g, v),
                })
                .collect();
        }
        if let Some(rs) = self.catalog.row_security.shift_remove(from) {
            self.catalog.row_security.insert(to.clone(), rs);
        }
        if self.catalog.policies.keys().any(|(t, _)| t == from) {
            let policies = std::mem::take(&mut *self.catalog.policies);
            *self.catalog.policies =
                policies.into_iter().map(|((t, n), p)| if t == *from { ((to.clone(), n), p) } else { ((t, n), p) }).collect();
        }
    }

    /// Column privileges follow a column renamed and go with a column dropped.
    pub(super) fn column_access(&mut self, table: &ObjKey, from: &str, to: Option<&str>) {
        let about = |g: &GrantKey| matches!(&g.object, GrantObject::Column(t, c) if t == table && c == from);
        if !self.catalog.grants.keys().any(about) {
            return;
        }
        let grants = std::mem::take(&mut *self.catalog.grants);
        *self.catalog.grants = grants
            .into_iter()
            .filter_map(|(g, v)| {
                if !about(&g) {
                    return Some((g, v));
                }
                to.map(|to| (GrantKey { object: GrantObject::Column(table.clone(), to.to_string()), role: g.role }, v))
            })
            .collect();
    }
}
