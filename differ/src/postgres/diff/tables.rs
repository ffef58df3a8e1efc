//! Tables: columns, keys, checks, exclusion constraints, foreign keys, indexes, triggers,
//! policies, row-level security, grants, partitioning and inheritance.

use std::collections::{BTreeMap, BTreeSet};

use super::typechange::type_change;
use super::{Phase, Planner, show, step, sub};
use crate::model::pg::{
    Check, Column, Exclusion, ForeignKey, Grant, Index, KeyTarget, ObjKind, ObjRef, Policy,
    PrimaryKey, QName, Table, Trigger, Unique, VecMap,
};
use crate::plan::{HazardKind, Op};
use crate::postgres::ddl;
use crate::postgres::ident::{quote_ident, quote_qname, truncate_ident};

/// Adds to `out` the keys and indexes of `q` that this plan drops or rebuilds: whatever depends
/// on them (foreign keys above all) must be rebuilt around them.
pub(super) fn changed_keys(
    p: &Planner<'_>,
    q: &QName,
    c: &Table,
    d: &Table,
    out: &mut BTreeSet<ObjRef>,
) {
    let key = |out: &mut BTreeSet<ObjRef>, name: &str| {
        out.insert(ObjRef::sub(ObjKind::Constraint, q, name));
        out.insert(ObjRef::new(
            ObjKind::Index,
            &QName::new(q.schema.clone(), name),
        ));
    };
    if let Some(pk) = &c.primary_key
        && d.primary_key.as_ref().is_none_or(|x| {
            x.columns != pk.columns || x.deferrable != pk.deferrable || x.name != pk.name
        })
    {
        key(out, &pk.name);
    }
    for (name, u) in &c.uniques {
        if d.uniques.get(name).is_none_or(|x| !unique_eq(u, x)) {
            key(out, name);
        }
    }
    for (name, ix) in &c.indexes {
        if d.indexes.get(name).is_none_or(|x| !p.index_eq(ix, x)) {
            out.insert(ObjRef::new(
                ObjKind::Index,
                &QName::new(q.schema.clone(), name.clone()),
            ));
        }
    }
    for (name, x) in &c.excludes {
        if d.excludes
            .get(name)
            .is_none_or(|y| y.definition != x.definition)
        {
            key(out, name);
        }
    }
    for (name, ch) in &c.checks {
        if d.checks.get(name).is_none_or(|x| !check_eq(p, ch, x)) {
            out.insert(ObjRef::sub(ObjKind::Constraint, q, name));
        }
    }
    if c.partition_by != d.partition_by && p.coverage().full() {
        out.insert(ObjRef::new(ObjKind::Table, q));
    }
}

impl Planner<'_> {
    pub(super) fn tables(&mut self) {
        for (q, d) in &self.des.tables {
            let renamed_from = self
                .renamed_tables
                .iter()
                .find(|(_, new)| *new == q)
                .map(|(old, _)| old.clone());
            let current = self.cur.tables.get(renamed_from.as_ref().unwrap_or(q));
            let recreate =
                self.coverage().full() && current.is_some_and(|c| c.partition_by != d.partition_by);
            match current {
                Some(c) if !recreate => {
                    if let Some(old) = &renamed_from {
                        self.rename_table(old, q, c);
                    }
                    // Most of a large catalog is unchanged: a table equal on both sides, with
                    // nothing in it to rebuild, has no step (alter_table would find none).
                    if renamed_from.is_none()
                        && self.unchanged(q)
                        && !self.rebuilt_tables.contains(q)
                    {
                        continue;
                    }
                    self.alter_table(q, c, d)
                }
                _ => self.create_table(q, d),
            }
        }
        self.drop_tables();
    }

    /// Declared renames (`renamed_from`) whose old table exists and new name is free.
    pub(super) fn table_renames(&self) -> BTreeMap<QName, QName> {
        let mut out = BTreeMap::new();
        for (q, d) in &self.des.tables {
            let Some(old) = &d.renamed_from else { continue };
            let oldq = QName::new(q.schema.clone(), old.clone());
            if self.cur.tables.contains_key(&oldq)
                && !self.cur.tables.contains_key(q)
                && !self.des.tables.contains_key(&oldq)
            {
                out.insert(oldq, q.clone());
            }
        }
        out
    }

    fn rename_table(&mut self, old: &QName, new: &QName, c: &Table) {
        let s = step("rename-table", Op::Alter, "table", new.to_string())
            .detail(format!("renamed from {}", old.name))
            .sql(format!(
                "ALTER TABLE {} RENAME TO {}",
                quote_qname(old),
                quote_ident(&new.name)
            ));
        let mut e = s
            .at(Phase::RenameTable)
            .removes(ObjRef::new(ObjKind::Table, old))
            .provides(ObjRef::new(ObjKind::Table, new));
        for col in &c.columns {
            e = e.provides(ObjRef::sub(ObjKind::Column, new, &col.name));
        }
        self.push(e);
    }

    /// Objects a table's columns need (types, sequences and functions of defaults).
    fn column_needs(&self, q: &QName, t: &Table) -> Vec<ObjRef> {
        let mut needs: Vec<ObjRef> = Vec::new();
        for c in &t.columns {
            needs.extend(self.desired_deps(&ObjRef::sub(ObjKind::Column, q, &c.name)));
            if let Some(ty) = c.ty.user_type() {
                needs.push(ObjRef::new(ObjKind::Type, &ty));
            }
        }
        needs
    }

    fn create_table(&mut self, q: &QName, t: &Table) {
        let mut s =
            step("create-table", Op::Create, "table", q.to_string()).sql(ddl::create_table(q, t));
        let children = Table {
            indexes: VecMap::new(),
            foreign_keys: VecMap::new(),
            ..t.clone()
        };
        for c in ddl::table_comments(q, &children) {
            s = s.sql(c);
        }
        let mut entry = s
            .at(Phase::CreateTable)
            .provides(ObjRef::new(ObjKind::Table, q))
            .needs_all(self.column_needs(q, t));
        for c in &t.columns {
            entry = entry.provides(ObjRef::sub(ObjKind::Column, q, &c.name));
        }
        if let Some(pk) = &t.primary_key {
            entry = entry
                .provides(ObjRef::sub(ObjKind::Constraint, q, &pk.name))
                .provides(index_ref(q, &pk.name));
        }
        for name in t.uniques.keys().chain(t.excludes.keys()) {
            entry = entry
                .provides(ObjRef::sub(ObjKind::Constraint, q, name))
                .provides(index_ref(q, name));
        }
        for name in t.checks.keys() {
            entry = entry.provides(ObjRef::sub(ObjKind::Constraint, q, name));
        }
        let parents = t
            .inherits
            .iter()
            .chain(t.partition_of.as_ref().map(|p| &p.parent));
        entry = entry.needs_all(parents.map(|p| ObjRef::new(ObjKind::Table, p)));
        self.push(entry);
        for (name, ix) in &t.indexes {
            self.create_index(q, name, ix, true);
        }
        for (name, fk) in &t.foreign_keys {
            self.add_foreign_key(q, name, fk, true);
        }
        if self.coverage().full() {
            self.table_extras(q, &Table::default(), t);
        }
    }

    /// Drops tables that are no longer desired. Foreign keys between dropped tables are
    /// dropped explicitly first, so that the tables can then go in any order.
    fn drop_tables(&mut self) {
        let dropped: BTreeSet<&QName> = self
            .cur
            .tables
            .keys()
            .filter(|q| !self.des.tables.contains_key(*q) && !self.renamed_tables.contains_key(*q))
            .collect();
        let recreated: Vec<&QName> = self
            .cur
            .tables
            .iter()
            .filter(|(q, c)| {
                self.coverage().full()
                    && self
                        .des
                        .tables
                        .get(*q)
                        .is_some_and(|d| d.partition_by != c.partition_by)
            })
            .map(|(q, _)| q)
            .collect();
        for q in dropped.iter().copied().chain(recreated) {
            let t = &self.cur.tables[q];
            let mut entry = step("drop-table", Op::Drop, "table", q.to_string())
                .detail(format!(
                    "{} column{}",
                    t.columns.len(),
                    if t.columns.len() == 1 { "" } else { "s" }
                ))
                .sql(format!("DROP TABLE {}", quote_qname(q)))
                .hazard(
                    HazardKind::DataLoss,
                    match self.opts.stats.rows.get(q) {
                        Some(c) if c.n == 0 => super::DROPS_EMPTY_TABLE.to_owned(),
                        Some(c) => format!(
                            "drops the table and its {} row{}",
                            c.show(),
                            if c.n == 1 { "" } else { "s" }
                        ),
                        None => "drops the table and every row in it".to_owned(),
                    },
                )
                .at(Phase::DropTable)
                .removes(ObjRef::new(ObjKind::Table, q));
            for c in &t.columns {
                entry = entry.removes(ObjRef::sub(ObjKind::Column, q, &c.name));
            }
            for name in t.triggers.keys() {
                entry = entry.removes(ObjRef::sub(ObjKind::Trigger, q, name));
            }
            for name in t.policies.keys() {
                entry = entry.removes(ObjRef::sub(ObjKind::Policy, q, name));
            }
            for name in t.indexes.keys() {
                entry = entry.removes(index_ref(q, name));
            }
            let keys = t
                .primary_key
                .iter()
                .map(|pk| &pk.name)
                .chain(t.uniques.keys())
                .chain(t.excludes.keys());
            for name in keys {
                entry = entry
                    .removes(ObjRef::sub(ObjKind::Constraint, q, name))
                    .removes(index_ref(q, name));
            }
            for name in t.checks.keys() {
                entry = entry.removes(ObjRef::sub(ObjKind::Constraint, q, name));
            }
            for (name, fk) in &t.foreign_keys {
                if dropped.contains(&fk.ref_table) && fk.ref_table != *q {
                    let s = step("drop-foreign-key", Op::Drop, "foreign-key", sub(q, name))
                        .detail(fk_summary(fk))
                        .sql(format!(
                            "ALTER TABLE {} DROP CONSTRAINT {}",
                            quote_qname(q),
                            quote_ident(name)
                        ));
                    self.push(s.at(Phase::DropForeignKey).removes(ObjRef::sub(
                        ObjKind::Constraint,
                        q,
                        name,
                    )));
                } else {
                    entry = entry.removes(ObjRef::sub(ObjKind::Constraint, q, name));
                }
            }
            self.push(entry);
        }
    }

    fn alter_table(&mut self, q: &QName, c: &Table, d: &Table) {
        let qt = quote_qname(q);
        // A partition's columns belong to its parent.
        if d.partition_of.is_none() || c.partition_of.is_none() {
            self.columns(q, c, d);
        }
        self.primary_key(q, c.primary_key.as_ref(), d.primary_key.as_ref());

        let uniques = self.match_named(q, &c.uniques, &d.uniques, |_, a, b| unique_eq(a, b));
        self.emit_keyed(q, &uniques, &c.uniques, &d.uniques);
        let checks = self.match_named(q, &c.checks, &d.checks, check_eq);
        self.emit_keyed(q, &checks, &c.checks, &d.checks);
        let excludes = self.match_named(q, &c.excludes, &d.excludes, |_, a, b| {
            a.definition == b.definition
        });
        self.emit_keyed(q, &excludes, &c.excludes, &d.excludes);
        let mut indexes = self.match_named(q, &c.indexes, &d.indexes, |p, a, b| p.index_eq(a, b));
        if self.online(q) {
            // A valid index that changes definition is swapped, never missing: build the new
            // one beside it, drop the old, rename. Not one over a column this plan drops: that
            // drop takes the index with it, so it is dropped first and built again instead.
            let stays = |col: &String| {
                d.columns
                    .iter()
                    .any(|x| x.name == *col || x.renamed_from.as_ref() == Some(col))
            };
            let (swap, rest): (Vec<String>, Vec<String>) = std::mem::take(&mut indexes.replaced)
                .into_iter()
                .partition(|n| {
                    c.indexes[n].valid
                        && !self.rebuilt(&index_ref(q, n))
                        && index_columns(&c.indexes[n]).iter().all(stays)
                });
            indexes.replaced = rest;
            for name in swap {
                self.swap_index(q, &name, &c.indexes[&name], &d.indexes[&name]);
            }
        }
        self.emit_keyed(q, &indexes, &c.indexes, &d.indexes);
        let fks = self.match_named(q, &c.foreign_keys, &d.foreign_keys, fk_eq);
        self.emit_keyed(q, &fks, &c.foreign_keys, &d.foreign_keys);

        for (name, old) in fks.kept() {
            if !c.foreign_keys[old].validated && d.foreign_keys[name].validated {
                self.validate(
                    q,
                    "foreign-key",
                    name,
                    "scans the table; fails if a row has no matching parent",
                );
            }
        }
        for (name, old) in checks.kept() {
            if !c.checks[old].validated && d.checks[name].validated {
                self.validate(
                    q,
                    "check",
                    name,
                    "scans the table; fails if a row violates the check",
                );
            }
        }
        if c.comment != d.comment {
            let s = step("set-comment", Op::Alter, "table", q.to_string())
                .detail(format!(
                    "comment: {} → {}",
                    show(c.comment.as_deref()),
                    show(d.comment.as_deref())
                ))
                .sql(ddl::comment(&format!("TABLE {qt}"), d.comment.as_deref()));
            self.push(s.at(Phase::Comment));
        }
        if self.coverage().full() {
            self.table_extras(q, c, d);
            self.table_shape(q, c, d);
        }
    }

    fn validate(&mut self, q: &QName, kind: &'static str, name: &str, why: &str) {
        let s =
            step("validate-constraint", Op::Alter, kind, sub(q, name)).detail("NOT VALID → valid");
        self.push_validate(q, s, name, why);
    }

    /// The second half of a key added online: `VALIDATE CONSTRAINT` in a transaction of its
    /// own. Same step kind as the first half, so that the two read as one change.
    fn validate_added(
        &mut self,
        q: &QName,
        step_kind: &'static str,
        kind: &'static str,
        name: &str,
        why: &str,
    ) {
        let s =
            step(step_kind, Op::Create, kind, sub(q, name)).detail("2/2: validate existing rows");
        self.push_validate(q, s, name, why);
    }

    fn push_validate(&mut self, q: &QName, s: crate::plan::Step, name: &str, why: &str) {
        let s = s
            .sql(format!(
                "ALTER TABLE {} VALIDATE CONSTRAINT {}",
                quote_qname(q),
                quote_ident(name)
            ))
            .hazard_if(self.has_rows(q), HazardKind::ValidatesRows, why)
            .isolated();
        self.push(
            s.at(Phase::Validate)
                .needs(ObjRef::sub(ObjKind::Constraint, q, name)),
        );
    }

    /// Logged/unlogged, partition membership and inheritance of a table that stays.
    fn table_shape(&mut self, q: &QName, c: &Table, d: &Table) {
        let qt = quote_qname(q);
        if c.unlogged != d.unlogged {
            let s = step("alter-table", Op::Alter, "table", q.to_string())
                .detail(if d.unlogged {
                    "logged → unlogged"
                } else {
                    "unlogged → logged"
                })
                .sql(format!(
                    "ALTER TABLE {qt} SET {}",
                    if d.unlogged { "UNLOGGED" } else { "LOGGED" }
                ))
                .hazard_if(
                    self.has_rows(q),
                    HazardKind::TableRewrite,
                    "rewrites the table",
                )
                .hazard_if(
                    self.has_rows(q),
                    HazardKind::AccessExclusiveLock,
                    "blocks reads and writes while rewriting",
                );
            self.push(s.at(Phase::Column));
        }
        if c.partition_of != d.partition_of {
            if let Some(old) = &c.partition_of {
                let s = step("detach-partition", Op::Alter, "table", q.to_string())
                    .detail(format!("partition of {} {}", old.parent, old.bound))
                    .sql(format!(
                        "ALTER TABLE {} DETACH PARTITION {qt}",
                        quote_qname(&old.parent)
                    ));
                self.push(s.at(Phase::DropKey).removes(ObjRef::sub(
                    ObjKind::Constraint,
                    q,
                    "partition",
                )));
            }
            if let Some(new) = &d.partition_of {
                let s = step("attach-partition", Op::Alter, "table", q.to_string())
                    .detail(format!("partition of {} {}", new.parent, new.bound))
                    .sql(format!(
                        "ALTER TABLE {} ATTACH PARTITION {qt} {}",
                        quote_qname(&new.parent),
                        new.bound
                    ))
                    .hazard_if(
                        self.has_rows(q),
                        HazardKind::ValidatesRows,
                        "scans the partition; fails if a row lies outside the bound",
                    );
                self.push(
                    s.at(Phase::AddKey)
                        .provides(ObjRef::sub(ObjKind::Constraint, q, "partition"))
                        .needs(ObjRef::new(ObjKind::Table, &new.parent)),
                );
            }
        }
        if c.inherits != d.inherits {
            for parent in c.inherits.iter().filter(|p| !d.inherits.contains(p)) {
                let s = step("alter-table", Op::Alter, "table", q.to_string())
                    .detail(format!("no longer inherits {parent}"))
                    .sql(format!(
                        "ALTER TABLE {qt} NO INHERIT {}",
                        quote_qname(parent)
                    ));
                self.push(s.at(Phase::DropKey).provides(inheritance_removed(q)));
            }
            for parent in d.inherits.iter().filter(|p| !c.inherits.contains(p)) {
                let mut s = step("alter-table", Op::Alter, "table", q.to_string())
                    .detail(format!("inherits {parent}"));
                // INHERIT needs the parent's columns to be there already.
                for col in d
                    .columns
                    .iter()
                    .filter(|x| x.inherited && c.column(&x.name).is_none())
                {
                    s = s.sql(format!(
                        "ALTER TABLE {qt} ADD COLUMN {}",
                        ddl::column_def(col)
                    ));
                }
                let s = s.sql(format!("ALTER TABLE {qt} INHERIT {}", quote_qname(parent)));
                self.push(
                    s.at(Phase::AddKey)
                        .needs(ObjRef::new(ObjKind::Table, parent)),
                );
            }
        }
    }

    /// Triggers, policies, row-level security and grants: for a new table (`c` empty) or one
    /// that stays.
    fn table_extras(&mut self, q: &QName, c: &Table, d: &Table) {
        let qt = quote_qname(q);
        let rel = ObjRef::new(ObjKind::Table, q);
        self.triggers(q, &rel, &c.triggers, &d.triggers);
        for (name, p) in &c.policies {
            let obj = ObjRef::sub(ObjKind::Policy, q, name);
            if d.policies.get(name).is_none_or(|x| !self.policy_eq(p, x)) || self.rebuilt(&obj) {
                let s = step("drop-policy", Op::Drop, "policy", sub(q, name))
                    .sql(format!("DROP POLICY {} ON {qt}", quote_ident(name)));
                self.push(s.at(Phase::DropTrigger).removes(obj));
            }
        }
        for (name, p) in &d.policies {
            let obj = ObjRef::sub(ObjKind::Policy, q, name);
            match c.policies.get(name) {
                Some(x) if self.policy_eq(x, p) && !self.rebuilt(&obj) => {
                    if x.comment != p.comment {
                        let s = step("set-comment", Op::Alter, "policy", sub(q, name))
                            .detail(format!(
                                "comment: {} → {}",
                                show(x.comment.as_deref()),
                                show(p.comment.as_deref())
                            ))
                            .sql(ddl::comment(
                                &format!("POLICY {} ON {qt}", quote_ident(name)),
                                p.comment.as_deref(),
                            ));
                        self.push(s.at(Phase::Comment));
                    }
                }
                _ => {
                    let mut s = step("create-policy", Op::Create, "policy", sub(q, name))
                        .detail(format!(
                            "{} {}",
                            p.command.to_ascii_lowercase(),
                            p.roles.join(", ")
                        ))
                        .sql(ddl::create_policy(q, name, p));
                    if let Some(text) = &p.comment {
                        s = s.sql(ddl::comment(
                            &format!("POLICY {} ON {qt}", quote_ident(name)),
                            Some(text),
                        ));
                    }
                    let deps = self.desired_deps(&obj);
                    self.push(
                        s.at(Phase::Trigger)
                            .provides(obj)
                            .needs(rel.clone())
                            .needs_all(deps),
                    );
                }
            }
        }
        if c.rls_enabled != d.rls_enabled {
            let s = step("alter-table", Op::Alter, "table", q.to_string())
                .detail(if d.rls_enabled {
                    "row level security enabled"
                } else {
                    "row level security disabled"
                })
                .sql(format!(
                    "ALTER TABLE {qt} {} ROW LEVEL SECURITY",
                    if d.rls_enabled { "ENABLE" } else { "DISABLE" }
                ));
            self.push(s.at(Phase::Trigger).needs(rel.clone()));
        }
        if c.rls_forced != d.rls_forced {
            let s = step("alter-table", Op::Alter, "table", q.to_string())
                .detail(if d.rls_forced {
                    "row level security forced"
                } else {
                    "row level security not forced"
                })
                .sql(format!(
                    "ALTER TABLE {qt} {} ROW LEVEL SECURITY",
                    if d.rls_forced { "FORCE" } else { "NO FORCE" }
                ));
            self.push(s.at(Phase::Trigger).needs(rel.clone()));
        }
        self.grants("TABLE", q, &rel, &c.grants, &d.grants);
    }

    fn policy_eq(&self, a: &Policy, b: &Policy) -> bool {
        a.permissive == b.permissive
            && a.command == b.command
            && a.roles == b.roles
            && self.same_opt(a.using.as_deref(), b.using.as_deref())
            && self.same_opt(a.with_check.as_deref(), b.with_check.as_deref())
    }

    /// Triggers of a table or view `rel`.
    pub(super) fn triggers(
        &mut self,
        q: &QName,
        rel: &ObjRef,
        c: &VecMap<String, Trigger>,
        d: &VecMap<String, Trigger>,
    ) {
        let qt = quote_qname(q);
        for (name, t) in c {
            let obj = ObjRef::sub(ObjKind::Trigger, q, name);
            if d.get(name).is_none_or(|x| x.definition != t.definition) || self.rebuilt(&obj) {
                let s = step("drop-trigger", Op::Drop, "trigger", sub(q, name))
                    .sql(format!("DROP TRIGGER {} ON {qt}", quote_ident(name)));
                self.push(s.at(Phase::DropTrigger).removes(obj));
            }
        }
        for (name, t) in d {
            let obj = ObjRef::sub(ObjKind::Trigger, q, name);
            let existing = c
                .get(name)
                .filter(|x| x.definition == t.definition && !self.rebuilt(&obj));
            if existing.is_none() {
                let mut s = step("create-trigger", Op::Create, "trigger", sub(q, name))
                    .sql(t.definition.clone());
                if t.enabled != "O" {
                    s = s.sql(trigger_enable(&qt, name, &t.enabled));
                }
                if let Some(text) = &t.comment {
                    s = s.sql(ddl::comment(
                        &format!("TRIGGER {} ON {qt}", quote_ident(name)),
                        Some(text),
                    ));
                }
                let deps = self.desired_deps(&obj);
                self.push(
                    s.at(Phase::Trigger)
                        .provides(obj)
                        .needs(rel.clone())
                        .needs_all(deps),
                );
                continue;
            }
            let Some(x) = existing else { continue };
            if x.enabled != t.enabled {
                let s = step("alter-trigger", Op::Alter, "trigger", sub(q, name))
                    .detail(format!("enabled {} → {}", x.enabled, t.enabled))
                    .sql(trigger_enable(&qt, name, &t.enabled));
                self.push(s.at(Phase::Trigger));
            }
            if x.comment != t.comment {
                let s = step("set-comment", Op::Alter, "trigger", sub(q, name))
                    .detail(format!(
                        "comment: {} → {}",
                        show(x.comment.as_deref()),
                        show(t.comment.as_deref())
                    ))
                    .sql(ddl::comment(
                        &format!("TRIGGER {} ON {qt}", quote_ident(name)),
                        t.comment.as_deref(),
                    ));
                self.push(s.at(Phase::Comment));
            }
        }
    }

    /// `GRANT`/`REVOKE` per grantee so that the relation `q` holds exactly `d`.
    pub(super) fn grants(
        &mut self,
        what: &str,
        q: &QName,
        rel: &ObjRef,
        c: &BTreeSet<Grant>,
        d: &BTreeSet<Grant>,
    ) {
        let grantees: BTreeSet<&str> = c.iter().chain(d).map(|g| g.grantee.as_str()).collect();
        for grantee in grantees {
            let of = |set: &BTreeSet<Grant>| -> BTreeSet<(String, bool)> {
                set.iter()
                    .filter(|g| g.grantee == grantee)
                    .map(|g| (g.privilege.clone(), g.grantable))
                    .collect()
            };
            let (have, want) = (of(c), of(d));
            if have == want {
                continue;
            }
            let who = if grantee == "PUBLIC" {
                "PUBLIC".to_owned()
            } else {
                quote_ident(grantee)
            };
            let target = format!("{what} {}", quote_qname(q));
            let mut s = step("grant", Op::Alter, "grants", format!("{q} to {grantee}"));
            let revoke: Vec<&str> = have
                .iter()
                .filter(|g| !want.contains(g))
                .map(|(p, _)| p.as_str())
                .collect();
            let grant: Vec<&(String, bool)> = want.iter().filter(|g| !have.contains(g)).collect();
            if !revoke.is_empty() {
                s = s.sql(format!(
                    "REVOKE {} ON {target} FROM {who}",
                    revoke.join(", ")
                ));
            }
            for grantable in [false, true] {
                let privs: Vec<&str> = grant
                    .iter()
                    .filter(|(_, g)| *g == grantable)
                    .map(|(p, _)| p.as_str())
                    .collect();
                if !privs.is_empty() {
                    let option = if grantable { " WITH GRANT OPTION" } else { "" };
                    s = s.sql(format!(
                        "GRANT {} ON {target} TO {who}{option}",
                        privs.join(", ")
                    ));
                }
            }
            let detail = format!(
                "{}{}",
                grant
                    .iter()
                    .map(|(p, _)| format!("+{p}"))
                    .collect::<Vec<_>>()
                    .join(" "),
                revoke.iter().map(|p| format!(" -{p}")).collect::<String>()
            );
            self.push(
                s.detail(detail.trim().to_owned())
                    .at(Phase::Grant)
                    .needs(rel.clone()),
            );
        }
    }

    fn columns(&mut self, q: &QName, c: &Table, d: &Table) {
        let qt = quote_qname(q);
        self.make_columns_local(q, c, d);
        // Renames first, so the rest compares like with like.
        let mut renamed: BTreeMap<&str, &str> = BTreeMap::new(); // current name → desired name
        for dc in &d.columns {
            if let Some(old) = &dc.renamed_from
                && c.column(&dc.name).is_none()
                && c.column(old).is_some()
                && d.column(old).is_none()
            {
                renamed.insert(old.as_str(), dc.name.as_str());
                let s = step("rename-column", Op::Alter, "column", sub(q, &dc.name))
                    .detail(format!("renamed from {old}"))
                    .sql(format!(
                        "ALTER TABLE {qt} RENAME COLUMN {} TO {}",
                        quote_ident(old),
                        quote_ident(&dc.name)
                    ));
                self.push(
                    s.at(Phase::Rename)
                        .provides(ObjRef::sub(ObjKind::Column, q, &dc.name)),
                );
            }
        }
        for cc in &c.columns {
            let name = renamed.get(cc.name.as_str()).copied().unwrap_or(&cc.name);
            match d.column(name) {
                // Still inherited from a parent the table keeps and which keeps the column: the
                // parent decides. (A column of a parent the table leaves stays behind, local.)
                None if cc.inherited
                    && d.inherits.iter().any(|p| {
                        c.inherits.contains(p)
                            && self
                                .des
                                .tables
                                .get(p)
                                .is_some_and(|t| t.column(&cc.name).is_some())
                    }) => {}
                None if cc.inherited && c.partition_of.is_some() => {}
                None => {
                    let s = step("drop-column", Op::Drop, "column", sub(q, &cc.name))
                        .detail(cc.ty.to_string())
                        .sql(format!(
                            "ALTER TABLE {qt} DROP COLUMN {}",
                            quote_ident(&cc.name)
                        ))
                        .hazard(
                            HazardKind::DataLoss,
                            match self.opts.stats.values.get(&(q.clone(), cc.name.clone())) {
                                Some(c) if c.n == 0 => super::DROPS_EMPTY_COLUMN.to_owned(),
                                Some(c) => format!(
                                    "drops the column and its {} non-null value{}",
                                    c.show(),
                                    if c.n == 1 { "" } else { "s" }
                                ),
                                None => "drops the column and every value in it".to_owned(),
                            },
                        );
                    self.push(
                        s.at(Phase::DropTable)
                            .removes(ObjRef::sub(ObjKind::Column, q, &cc.name))
                            .needs(inheritance_removed(q)),
                    );
                }
                // Inherited on both sides: the parent decides.
                Some(dc) if cc.inherited && dc.inherited => {}
                // Unchanged, and nothing it depends on is rebuilt: no step.
                Some(dc)
                    if cc == dc && !self.rebuilt(&ObjRef::sub(ObjKind::Column, q, &cc.name)) => {}
                Some(dc) => self.alter_column(q, cc, dc),
            }
        }
        for dc in &d.columns {
            let exists = c.column(&dc.name).is_some() || renamed.values().any(|n| *n == dc.name);
            if !exists && !dc.inherited {
                self.add_column(q, dc);
            }
        }
    }

    /// A column the child only inherits but should own (so that it survives when the parent
    /// drops it): `NO INHERIT` + `INHERIT` turns every inherited column local, keeping data.
    fn make_columns_local(&mut self, q: &QName, c: &Table, d: &Table) {
        let columns: Vec<&str> = c
            .columns
            .iter()
            .filter(|cc| cc.inherited && d.column(&cc.name).is_some_and(|dc| !dc.inherited))
            .map(|cc| cc.name.as_str())
            .collect();
        let kept: Vec<&QName> = c
            .inherits
            .iter()
            .filter(|p| d.inherits.contains(p))
            .collect();
        if columns.is_empty() || kept.is_empty() || c.partition_of.is_some() {
            return;
        }
        let qt = quote_qname(q);
        let mut s = step("alter-table", Op::Alter, "table", q.to_string())
            .detail(format!("columns made local: {}", columns.join(", ")));
        for p in kept {
            s = s
                .sql(format!("ALTER TABLE {qt} NO INHERIT {}", quote_qname(p)))
                .sql(format!("ALTER TABLE {qt} INHERIT {}", quote_qname(p)));
        }
        self.push(s.at(Phase::DropKey));
    }

    fn add_column(&mut self, q: &QName, col: &Column) {
        let qt = quote_qname(q);
        let mut s = step("add-column", Op::Create, "column", sub(q, &col.name))
            .detail(ddl::col_type(&col.ty))
            .sql(format!(
                "ALTER TABLE {qt} ADD COLUMN {}",
                ddl::column_def(col)
            ));
        let rows = self.has_rows(q);
        if col.not_null
            && col.default.is_none()
            && col.identity.is_none()
            && col.generated.is_none()
        {
            s = s.hazard_if(
                rows,
                HazardKind::ValidatesRows,
                "NOT NULL without a default: fails because the table holds rows",
            );
        }
        if col.identity.is_some()
            || col.generated.is_some()
            || col.default.as_deref().is_some_and(is_volatile)
        {
            s = s
                .hazard_if(
                    rows,
                    HazardKind::TableRewrite,
                    "fills every existing row, rewriting the table",
                )
                .hazard_if(
                    rows,
                    HazardKind::AccessExclusiveLock,
                    "blocks reads and writes while rewriting",
                );
        }
        if let Some(c) = &col.comment {
            s = s.sql(ddl::comment(
                &format!("COLUMN {qt}.{}", quote_ident(&col.name)),
                Some(c),
            ));
        }
        let obj = ObjRef::sub(ObjKind::Column, q, &col.name);
        let mut needs = self.desired_deps(&obj);
        needs.extend(col.ty.user_type().map(|t| ObjRef::new(ObjKind::Type, &t)));
        needs.push(ObjRef::new(ObjKind::Table, q));
        self.push(s.at(Phase::Column).provides(obj).needs_all(needs));
    }

    fn alter_column(&mut self, q: &QName, c: &Column, d: &Column) {
        let qt = quote_qname(q);
        let qc = format!("ALTER TABLE {qt} ALTER COLUMN {}", quote_ident(&d.name));
        let name = sub(q, &d.name);
        let obj = ObjRef::sub(ObjKind::Column, q, &d.name);
        let retype = c.ty != d.ty || c.collation != d.collation;
        let default_changes = !self.same_opt(c.default.as_deref(), d.default.as_deref());
        // The default depends on something rebuilt (a function, a sequence): set it again.
        let default_rebuilt = self.rebuilt(&obj) && c.default.is_some() && !retype;
        let identity_added = c.identity.is_none() && d.identity.is_some();
        let needs = {
            let mut n = self.desired_deps(&obj);
            n.extend(d.ty.user_type().map(|t| ObjRef::new(ObjKind::Type, &t)));
            n
        };

        // Generated expressions cannot be altered in place (before PG 17).
        if !self.same_opt(c.generated.as_deref(), d.generated.as_deref()) {
            match (&c.generated, &d.generated) {
                (Some(_), None) => {
                    let s = step("drop-expression", Op::Alter, "column", name.clone())
                        .detail("generated → plain column")
                        .sql(format!("{qc} DROP EXPRESSION"));
                    self.push(s.at(Phase::Column));
                }
                _ => {
                    let mut s = step("replace-column", Op::Alter, "column", name.clone())
                        .detail(format!(
                            "generated: {} → {}",
                            show(c.generated.as_deref()),
                            show(d.generated.as_deref())
                        ))
                        .sql(format!(
                            "ALTER TABLE {qt} DROP COLUMN {}",
                            quote_ident(&c.name)
                        ))
                        .sql(format!(
                            "ALTER TABLE {qt} ADD COLUMN {}",
                            ddl::column_def(d)
                        ))
                        .hazard_if(
                            self.has_rows(q),
                            HazardKind::TableRewrite,
                            "recomputes the column for every row",
                        );
                    if c.generated.is_none() {
                        s = s.hazard_if(
                            self.has_rows(q),
                            HazardKind::DataLoss,
                            "the column's stored values are replaced by computed ones",
                        );
                    }
                    self.push(
                        s.at(Phase::Column)
                            .removes(obj.clone())
                            .provides(obj)
                            .needs_all(needs),
                    );
                    return;
                }
            }
        }

        if c.default.is_some()
            && ((default_changes && d.default.is_none())
                || retype
                || identity_added
                || default_rebuilt)
        {
            let s = step("drop-default", Op::Alter, "column", name.clone())
                .detail(format!("default {} → none", show(c.default.as_deref())))
                .sql(format!("{qc} DROP DEFAULT"));
            let e = s.at(Phase::Column);
            // Dropping a default that depends on something being rebuilt must come first.
            let e = if default_rebuilt {
                e.removes(obj.clone())
            } else {
                e
            };
            self.push(e);
        }
        if c.identity.is_some() && d.identity.is_none() {
            let s = step("drop-identity", Op::Alter, "column", name.clone())
                .detail("identity → none")
                .sql(format!("{qc} DROP IDENTITY"));
            self.push(s.at(Phase::Column));
        }
        if retype {
            let change = type_change(&c.ty, &d.ty);
            let mut sql = format!("{qc} TYPE {}", ddl::col_type(&d.ty));
            if let Some(coll) = &d.collation {
                sql.push_str(&format!(" COLLATE {}", ddl::collation(coll)));
            }
            if change.needs_using {
                // Enums and other user types convert through their text form, both ways (there
                // is no cast from boolean or integer to an enum, nor from an enum to them).
                let text_like = c.ty.schema.is_none()
                    && (c.ty.name == "text" || c.ty.name.starts_with("character"));
                let via = if !c.ty.array
                    && (c.ty.schema.is_some() || (d.ty.schema.is_some() && !text_like))
                {
                    "::text"
                } else {
                    ""
                };
                sql.push_str(&format!(
                    " USING {}{via}::{}",
                    quote_ident(&d.name),
                    ddl::col_type(&d.ty)
                ));
            }
            let mut detail = format!("{} → {}", c.ty, d.ty);
            if c.collation != d.collation {
                detail.push_str(&format!(
                    ", collation {} → {}",
                    show(c.collation.as_deref()),
                    show(d.collation.as_deref())
                ));
            }
            let mut s = step("alter-column-type", Op::Alter, "column", name.clone())
                .detail(detail)
                .sql(sql);
            let rows = self.has_rows(q);
            if change.lossy {
                s = s.hazard_if(
                    rows,
                    HazardKind::DataLoss,
                    "narrowing conversion: values may be cut, rounded or rejected",
                );
            }
            if change.rewrite || c.collation != d.collation {
                s = s
                    .hazard_if(
                        rows,
                        HazardKind::TableRewrite,
                        "rewrites the table and rebuilds its indexes; there is no online way",
                    )
                    .hazard_if(
                        rows,
                        HazardKind::AccessExclusiveLock,
                        "blocks reads and writes while rewriting",
                    );
            }
            self.push(
                s.at(Phase::Column)
                    .removes(obj.clone())
                    .provides(obj.clone())
                    .needs_all(needs.clone()),
            );
        }
        if c.not_null != d.not_null && d.not_null && d.identity.is_none() && self.online(q) {
            self.set_not_null_online(q, &d.name);
        } else if c.not_null != d.not_null && !(d.identity.is_some() && d.not_null) {
            let rows = self.has_rows(q);
            let s = if d.not_null {
                step("set-not-null", Op::Alter, "column", name.clone())
                    .detail("nullable → NOT NULL")
                    .sql(format!("{qc} SET NOT NULL"))
                    .hazard_if(
                        rows,
                        HazardKind::ValidatesRows,
                        "scans the table; fails if a row holds NULL",
                    )
                    .hazard_if(
                        rows,
                        HazardKind::AccessExclusiveLock,
                        "blocks reads and writes while it scans",
                    )
            } else {
                step("drop-not-null", Op::Alter, "column", name.clone())
                    .detail("NOT NULL → nullable")
                    .sql(format!("{qc} DROP NOT NULL"))
            };
            self.push(s.at(Phase::Column));
        }
        match (c.identity, d.identity) {
            (None, Some(id)) => {
                let mut s = step("add-identity", Op::Alter, "column", name.clone())
                    .detail(format!("identity {}", id.sql()));
                if !c.not_null {
                    s = s.sql(format!("{qc} SET NOT NULL"));
                }
                s = s.sql(format!(
                    "{qc} ADD GENERATED {} AS IDENTITY{}",
                    id.sql(),
                    ddl::seq_options_paren(&d.identity_options, &d.ty.name)
                ));
                self.push(s.at(Phase::Column));
            }
            (Some(a), Some(b)) => {
                if a != b {
                    let s = step("set-identity", Op::Alter, "column", name.clone())
                        .detail(format!("identity {} → {}", a.sql(), b.sql()))
                        .sql(format!("{qc} SET GENERATED {}", b.sql()));
                    self.push(s.at(Phase::Column));
                }
                if c.identity_options != d.identity_options {
                    let s = step("alter-identity", Op::Alter, "column", name.clone())
                        .detail("identity sequence options")
                        .sql(format!(
                            "{qc} {}",
                            ddl::identity_alter(&d.identity_options, &d.ty.name)
                        ));
                    self.push(s.at(Phase::Column));
                }
            }
            _ => {}
        }
        if let Some(def) = &d.default
            && (default_changes || retype || identity_added || default_rebuilt)
        {
            let from = if retype || identity_added || default_rebuilt {
                None
            } else {
                c.default.as_deref()
            };
            let s = step("set-default", Op::Alter, "column", name.clone())
                .detail(format!("default {} → {def}", from.unwrap_or("none")))
                .sql(format!("{qc} SET DEFAULT {def}"));
            let e = s.at(Phase::Column).needs_all(needs);
            let e = if default_rebuilt { e.provides(obj) } else { e };
            self.push(e);
        }
        if c.comment != d.comment {
            let s = step("set-comment", Op::Alter, "column", name)
                .detail(format!(
                    "comment: {} → {}",
                    show(c.comment.as_deref()),
                    show(d.comment.as_deref())
                ))
                .sql(ddl::comment(
                    &format!("COLUMN {qt}.{}", quote_ident(&d.name)),
                    d.comment.as_deref(),
                ));
            self.push(s.at(Phase::Comment));
        }
    }

    /// `SET NOT NULL` without a long lock: a `NOT VALID` check validated on its own (reads and
    /// writes go on), then `SET NOT NULL`, which Postgres proves from the check without a scan.
    fn set_not_null_online(&mut self, q: &QName, column: &str) {
        let qt = quote_qname(q);
        let check = crate::postgres::ident::truncate_ident(&format!("seadiff_not_null_{column}"))
            .to_owned();
        let name = sub(q, column);
        let add = step("set-not-null", Op::Alter, "column", name.clone())
            .detail("nullable → NOT NULL (1/3: NOT VALID check)")
            .sql(format!(
                "ALTER TABLE {qt} ADD CONSTRAINT {} CHECK ({} IS NOT NULL) NOT VALID",
                quote_ident(&check),
                quote_ident(column)
            ));
        let added = ObjRef::sub(ObjKind::Constraint, q, &check);
        let validated = ObjRef::sub(ObjKind::Constraint, q, &format!("{check} (validated)"));
        self.push(add.at(Phase::Column).provides(added.clone()));
        let validate = step("set-not-null", Op::Alter, "column", name.clone())
            .detail("nullable → NOT NULL (2/3: validate)")
            .sql(format!(
                "ALTER TABLE {qt} VALIDATE CONSTRAINT {}",
                quote_ident(&check)
            ))
            .hazard(
                HazardKind::ValidatesRows,
                "scans the table without blocking writes; fails if a row holds NULL",
            )
            .isolated();
        self.push(
            validate
                .at(Phase::Validate)
                .needs(added)
                .provides(validated.clone()),
        );
        let set = step("set-not-null", Op::Alter, "column", name)
            .detail("nullable → NOT NULL (3/3: set)")
            .sql(format!(
                "ALTER TABLE {qt} ALTER COLUMN {} SET NOT NULL",
                quote_ident(column)
            ))
            .sql(format!(
                "ALTER TABLE {qt} DROP CONSTRAINT {}",
                quote_ident(&check)
            ));
        self.push(
            set.at(Phase::Validate)
                .needs(validated)
                .provides(not_null_ref(q, column)),
        );
    }

    fn primary_key(&mut self, q: &QName, c: Option<&PrimaryKey>, d: Option<&PrimaryKey>) {
        let qt = quote_qname(q);
        let same_def =
            |a: &PrimaryKey, b: &PrimaryKey| a.columns == b.columns && a.deferrable == b.deferrable;
        match (c, d) {
            (None, None) => {}
            (Some(c), Some(d))
                if same_def(c, d)
                    && !self.rebuilt(&ObjRef::sub(ObjKind::Constraint, q, &c.name)) =>
            {
                if c.name != d.name {
                    let s = step(
                        "rename-constraint",
                        Op::Alter,
                        "primary-key",
                        sub(q, &d.name),
                    )
                    .detail(format!("renamed from {}", c.name))
                    .sql(format!(
                        "ALTER TABLE {qt} RENAME CONSTRAINT {} TO {}",
                        quote_ident(&c.name),
                        quote_ident(&d.name)
                    ));
                    self.push(
                        s.at(Phase::Rename)
                            .provides(index_ref(q, &d.name))
                            .provides(ObjRef::sub(ObjKind::Constraint, q, &d.name)),
                    );
                }
                if c.comment != d.comment {
                    self.constraint_comment(
                        q,
                        "primary-key",
                        &d.name,
                        c.comment.as_deref(),
                        d.comment.as_deref(),
                    );
                }
            }
            (c, d) => {
                if let Some(c) = c {
                    let s = step("drop-primary-key", Op::Drop, "primary-key", sub(q, &c.name))
                        .detail(format!("({})", c.columns.join(", ")))
                        .sql(format!(
                            "ALTER TABLE {qt} DROP CONSTRAINT {}",
                            quote_ident(&c.name)
                        ));
                    self.push(
                        s.at(Phase::DropKey)
                            .removes(ObjRef::sub(ObjKind::Constraint, q, &c.name))
                            .removes(index_ref(q, &c.name)),
                    );
                }
                if let Some(d) = d {
                    let mut s = step(
                        "add-primary-key",
                        Op::Create,
                        "primary-key",
                        sub(q, &d.name),
                    )
                    .detail(format!("({})", d.columns.join(", ")));
                    if self.online(q) {
                        self.build_key_index(
                            q,
                            "add-primary-key",
                            "primary-key",
                            &d.name,
                            &ddl::key_index(&d.columns, false),
                        );
                        s = s
                            .detail(format!(
                                "({}) (2/2: attach the index, no scan)",
                                d.columns.join(", ")
                            ))
                            .sql(format!(
                                "ALTER TABLE {qt} ADD {}",
                                ddl::using_index("PRIMARY KEY", &d.name, d.deferrable)
                            ));
                    } else {
                        let rows = self.has_rows(q);
                        s = s
                            .sql(format!("ALTER TABLE {qt} ADD {}", ddl::primary_key_clause(d)))
                            .hazard_if(rows, HazardKind::IndexBuild, "builds a unique index while blocking writes; fails on duplicate keys");
                    }
                    if let Some(text) = &d.comment {
                        s = s.sql(ddl::comment(
                            &format!("CONSTRAINT {} ON {qt}", quote_ident(&d.name)),
                            Some(text),
                        ));
                    }
                    let e = s
                        .at(Phase::AddKey)
                        .provides(ObjRef::sub(ObjKind::Constraint, q, &d.name))
                        .provides(index_ref(q, &d.name))
                        .needs(index_ref(q, &d.name))
                        .needs(ObjRef::new(ObjKind::Table, q))
                        .needs_all(columns_of(q, &d.columns))
                        .needs_all(d.columns.iter().map(|c| not_null_ref(q, c)));
                    self.push(e);
                }
            }
        }
    }

    /// The first half of an online key: its unique index, built concurrently. The second half
    /// attaches it with `ADD CONSTRAINT ... USING INDEX`, which needs no scan.
    fn build_key_index(
        &mut self,
        q: &QName,
        kind: &'static str,
        object: &'static str,
        name: &str,
        ix: &Index,
    ) {
        let s = step(kind, Op::Create, object, sub(q, name))
            .detail(format!("{} (1/2: build the index concurrently)", index_summary(ix)))
            .sql(ddl::create_index(q, name, ix, true))
            .outside_transaction()
            .hazard_if(
                self.has_rows(q),
                HazardKind::IndexBuild,
                "reads the whole table while writes go on; fails on duplicate values, leaving an INVALID index the next plan rebuilds",
            );
        let columns = index_columns(ix);
        self.push(
            s.at(Phase::AddKey)
                .provides(index_ref(q, name))
                .needs(ObjRef::new(ObjKind::Table, q))
                .needs_all(columns_of(q, &columns)),
        );
    }

    fn constraint_comment(
        &mut self,
        q: &QName,
        kind: &'static str,
        name: &str,
        from: Option<&str>,
        to: Option<&str>,
    ) {
        let s = step("set-comment", Op::Alter, kind, sub(q, name))
            .detail(format!("comment: {} → {}", show(from), show(to)))
            .sql(ddl::comment(
                &format!("CONSTRAINT {} ON {}", quote_ident(name), quote_qname(q)),
                to,
            ));
        self.push(s.at(Phase::Comment));
    }

    /// Matches two name → definition maps: same name and definition, same definition under
    /// another name (a rename), same name with another definition (replace), or one-sided.
    /// Objects the plan must rebuild count as replaced.
    fn match_named<T: Keyed>(
        &self,
        q: &QName,
        cur: &VecMap<String, T>,
        des: &VecMap<String, T>,
        eq: impl Fn(&Self, &T, &T) -> bool,
    ) -> Matched {
        let mut m = Matched::default();
        for (name, d) in des {
            match cur.get(name) {
                Some(c) if eq(self, c, d) && !self.rebuilt(&T::obj(q, name)) => {
                    m.same.push(name.clone())
                }
                Some(_) => m.replaced.push(name.clone()),
                None => m.added.push(name.clone()),
            }
        }
        let mut dropped: Vec<String> = cur
            .keys()
            .filter(|n| !des.contains_key(*n))
            .cloned()
            .collect();
        m.added.retain(|new| {
            match dropped
                .iter()
                .position(|old| eq(self, &cur[old], &des[new]) && !self.rebuilt(&T::obj(q, old)))
            {
                Some(i) => {
                    m.renamed.push((dropped.remove(i), new.clone()));
                    false
                }
                None => true,
            }
        });
        m.dropped = dropped;
        m
    }

    fn emit_keyed<T: Keyed>(
        &mut self,
        q: &QName,
        m: &Matched,
        cur: &VecMap<String, T>,
        des: &VecMap<String, T>,
    ) {
        for name in m.dropped.iter().chain(&m.replaced) {
            let mut s =
                step(T::DROP, Op::Drop, T::OBJECT, sub(q, name)).detail(cur[name].summary());
            if T::OBJECT == "index" && self.online(q) {
                let qi = quote_qname(&QName::new(q.schema.clone(), name.clone()));
                s = s
                    .sql(format!("DROP INDEX CONCURRENTLY {qi}"))
                    .outside_transaction();
            } else {
                s = s.sql(T::drop_sql(q, name));
            }
            let mut e = s.at(T::DROP_PHASE).removes(T::obj(q, name));
            if let Some(ix) = T::index(q, name) {
                e = e.removes(ix);
            }
            self.push(e);
        }
        for (old, new) in &m.renamed {
            let sql = match T::index(q, old) {
                Some(_) if T::OBJECT == "index" => format!(
                    "ALTER INDEX {} RENAME TO {}",
                    quote_qname(&QName::new(q.schema.clone(), old.clone())),
                    quote_ident(new)
                ),
                _ => format!(
                    "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
                    quote_qname(q),
                    quote_ident(old),
                    quote_ident(new)
                ),
            };
            let kind = if T::OBJECT == "index" {
                "rename-index"
            } else {
                "rename-constraint"
            };
            let s = step(kind, Op::Alter, T::OBJECT, sub(q, new))
                .detail(format!("renamed from {old}"))
                .sql(sql);
            let mut e = s.at(Phase::Rename).provides(T::obj(q, new));
            if let Some(ix) = T::index(q, new) {
                e = e.provides(ix);
            }
            self.push(e);
        }
        for name in m.added.iter().chain(&m.replaced) {
            des[name].create(self, q, name);
        }
        let unchanged = m
            .same
            .iter()
            .map(|n| (n, n))
            .chain(m.renamed.iter().map(|(o, n)| (o, n)));
        for (old, new) in unchanged {
            let (from, to) = (cur[old].comment(), des[new].comment());
            if from != to {
                if T::OBJECT == "index" {
                    let qi = quote_qname(&QName::new(q.schema.clone(), new.clone()));
                    let s = step("set-comment", Op::Alter, "index", sub(q, new))
                        .detail(format!("comment: {} → {}", show(from), show(to)))
                        .sql(ddl::comment(&format!("INDEX {qi}"), to));
                    self.push(s.at(Phase::Comment));
                } else {
                    self.constraint_comment(q, T::OBJECT, new, from, to);
                }
            }
        }
    }

    pub(super) fn create_index(&mut self, q: &QName, name: &str, ix: &Index, new_table: bool) {
        let online = !new_table && self.online(q);
        let rows = !new_table && self.has_rows(q);
        let mut s = step("create-index", Op::Create, "index", sub(q, name))
            .detail(index_summary(ix))
            .sql(ddl::create_index(q, name, ix, online));
        if online {
            s = s.outside_transaction().hazard_if(
                rows,
                HazardKind::IndexBuild,
                "reads the whole table while writes go on; if it fails it leaves an INVALID index, which the next plan rebuilds",
            );
        } else {
            s = s.hazard_if(
                rows,
                HazardKind::IndexBuild,
                "reads the whole table and blocks writes while building",
            );
        }
        if let Some(c) = &ix.comment {
            s = s.sql(ddl::comment(
                &format!(
                    "INDEX {}",
                    quote_qname(&QName::new(q.schema.clone(), name.to_owned()))
                ),
                Some(c),
            ));
        }
        let obj = index_ref(q, name);
        let columns = index_columns(ix);
        let deps = self.desired_deps(&obj);
        let relation = if self.des.views.contains_key(q) {
            ObjKind::View
        } else {
            ObjKind::Table
        };
        let e = s
            .at(Phase::AddKey)
            .provides(obj)
            .needs(ObjRef::new(relation, q))
            .needs_all(deps)
            .needs_all(if relation == ObjKind::Table {
                columns_of(q, &columns)
            } else {
                Vec::new()
            });
        self.push(e);
    }

    /// Rebuilds a changed index on a table that stays online: the new definition is built
    /// concurrently under a temporary name, the old index dropped concurrently, the new one
    /// renamed. Queries keep an index to use throughout.
    fn swap_index(&mut self, q: &QName, name: &str, old: &Index, new: &Index) {
        let temp = truncate_ident(&format!("{name}_seadiff_new")).to_owned();
        let qi = |n: &str| quote_qname(&QName::new(q.schema.clone(), n.to_owned()));
        let (obj, temp_obj) = (index_ref(q, name), index_ref(q, &temp));
        let rows = self.has_rows(q);
        let build = step("rebuild-index", Op::Alter, "index", sub(q, name))
            .detail(format!("{} → {} (1/3: build beside the old one)", index_summary(old), index_summary(new)))
            .sql(ddl::create_index(q, &temp, new, true))
            .outside_transaction()
            .hazard_if(rows, HazardKind::IndexBuild, "reads the whole table while writes go on; if it fails it leaves an INVALID index, which the next plan rebuilds");
        let deps = self.desired_deps(&obj);
        self.push(
            build
                .at(Phase::AddKey)
                .provides(temp_obj.clone())
                .needs(ObjRef::new(ObjKind::Table, q))
                .needs_all(columns_of(q, &index_columns(new)))
                .needs_all(deps),
        );
        let drop = step("rebuild-index", Op::Alter, "index", sub(q, name))
            .detail("2/3: drop the old index")
            .sql(format!("DROP INDEX CONCURRENTLY {}", qi(name)))
            .outside_transaction();
        self.push(
            drop.at(Phase::AddKey)
                .needs(temp_obj.clone())
                .removes(obj.clone()),
        );
        let mut rename = step("rebuild-index", Op::Alter, "index", sub(q, name))
            .detail("3/3: rename the new index")
            .sql(format!(
                "ALTER INDEX {} RENAME TO {}",
                qi(&temp),
                quote_ident(name)
            ));
        if let Some(c) = &new.comment {
            rename = rename.sql(ddl::comment(&format!("INDEX {}", qi(name)), Some(c)));
        }
        self.push(rename.at(Phase::AddKey).needs(temp_obj).provides(obj));
    }

    fn add_foreign_key(&mut self, q: &QName, name: &str, fk: &ForeignKey, new_table: bool) {
        let qt = quote_qname(q);
        // Online: added NOT VALID (a brief lock), then validated in a step of its own, which
        // lets reads and writes go on while it scans.
        let online = !new_table && fk.validated && self.online(q);
        let mut s = step("add-foreign-key", Op::Create, "foreign-key", sub(q, name))
            .detail(if online {
                format!("{} (1/2: NOT VALID)", fk_summary(fk))
            } else {
                fk_summary(fk)
            })
            .sql(format!(
                "ALTER TABLE {qt} ADD {}",
                ddl::foreign_key_clause(name, fk, !fk.validated || online)
            ));
        if !new_table && !online && fk.validated {
            s = s.hazard_if(
                self.has_rows(q),
                HazardKind::ValidatesRows,
                "scans the table while blocking writes; fails if a row has no matching parent",
            );
        }
        if let Some(c) = &fk.comment {
            s = s.sql(ddl::comment(
                &format!("CONSTRAINT {} ON {qt}", quote_ident(name)),
                Some(c),
            ));
        }
        let obj = ObjRef::sub(ObjKind::Constraint, q, name);
        let deps = self.desired_deps(&obj);
        let key = self.referenced_key(fk);
        let e = s
            .at(Phase::AddForeignKey)
            .provides(obj)
            .needs(ObjRef::new(ObjKind::Table, q))
            .needs(ObjRef::new(ObjKind::Table, &fk.ref_table))
            .needs_all(columns_of(q, &fk.columns))
            .needs_all(columns_of(&fk.ref_table, &fk.ref_columns))
            .needs_all(deps)
            .needs_all(key);
        self.push(e);
        if online {
            self.validate_added(
                q,
                "add-foreign-key",
                "foreign-key",
                name,
                "scans the table without blocking writes; fails if a row has no matching parent",
            );
        }
    }

    /// The unique index a foreign key will rely on, if the desired side defines it.
    fn referenced_key(&self, fk: &ForeignKey) -> Option<ObjRef> {
        let t = self.des.tables.get(&fk.ref_table)?;
        let want: BTreeSet<&String> = fk.ref_columns.iter().collect();
        let same = |cols: &[String]| cols.iter().collect::<BTreeSet<_>>() == want;
        let name = t
            .primary_key
            .as_ref()
            .filter(|pk| same(&pk.columns))
            .map(|pk| pk.name.clone())
            .or_else(|| {
                t.uniques
                    .iter()
                    .find(|(_, u)| same(&u.columns))
                    .map(|(n, _)| n.clone())
            })
            .or_else(|| {
                t.indexes
                    .iter()
                    .find(|(_, ix)| {
                        ix.unique
                            && ix.predicate.is_none()
                            && same(
                                &ix.keys
                                    .iter()
                                    .filter_map(|k| match &k.target {
                                        KeyTarget::Column(c) => Some(c.clone()),
                                        KeyTarget::Expression(_) => None,
                                    })
                                    .collect::<Vec<_>>(),
                            )
                    })
                    .map(|(n, _)| n.clone())
            })?;
        Some(index_ref(&fk.ref_table, &name))
    }

    pub(super) fn index_eq(&self, a: &Index, b: &Index) -> bool {
        a.valid
            && b.valid
            && a.unique == b.unique
            && a.method == b.method
            && a.include == b.include
            && a.nulls_not_distinct == b.nulls_not_distinct
            && self.same_opt(a.predicate.as_deref(), b.predicate.as_deref())
            && a.keys.len() == b.keys.len()
            && a.keys.iter().zip(&b.keys).all(|(x, y)| {
                x.descending == y.descending
                    && x.nulls_first == y.nulls_first
                    && self.same_opclass(x.opclass.as_deref(), y.opclass.as_deref())
                    && match (&x.target, &y.target) {
                        (KeyTarget::Column(p), KeyTarget::Column(q)) => p == q,
                        (KeyTarget::Expression(p), KeyTarget::Expression(q)) => self.same(p, q),
                        (KeyTarget::Column(c), KeyTarget::Expression(e))
                        | (KeyTarget::Expression(e), KeyTarget::Column(c)) => {
                            self.same(e, &quote_ident(c))
                        }
                    }
            })
    }

    fn same_opclass(&self, a: Option<&str>, b: Option<&str>) -> bool {
        let strip = |s: &str| -> String {
            match s.split_once('.') {
                Some((schema, name))
                    if schema == "pg_catalog"
                        || self.ctx.search_path.iter().any(|p| p == schema) =>
                {
                    name.to_owned()
                }
                _ => s.to_owned(),
            }
        };
        a.map(strip) == b.map(strip)
    }
}

/// Names of the primary key and unique constraints of `t` over exactly `columns`.
pub(super) fn key_names_over<'a>(
    t: &'a Table,
    columns: &'a [String],
) -> impl Iterator<Item = String> + 'a {
    let want: BTreeSet<&String> = columns.iter().collect();
    let pk = t
        .primary_key
        .iter()
        .filter(move |pk| pk.columns.iter().collect::<BTreeSet<_>>() == want)
        .map(|pk| pk.name.clone());
    let want2: BTreeSet<&String> = columns.iter().collect();
    let uniques = t
        .uniques
        .iter()
        .filter(move |(_, u)| u.columns.iter().collect::<BTreeSet<_>>() == want2)
        .map(|(n, _)| n.clone());
    pk.chain(uniques)
}

/// The schema-level index object named `name` in `q`'s schema.
/// A marker that `q` has left a parent: columns it inherited from there are then its own, and
/// can be dropped.
fn inheritance_removed(q: &QName) -> ObjRef {
    ObjRef::sub(ObjKind::Constraint, q, "(inheritance removed)")
}

/// A marker that column `column` of `q` has become NOT NULL (in an online plan, a later step
/// than the column's other changes): a primary key attached to an index needs it.
fn not_null_ref(q: &QName, column: &str) -> ObjRef {
    ObjRef::sub(ObjKind::Constraint, q, &format!("{column} (not null)"))
}

/// The columns an index reads (keys and included columns; not those inside expressions).
fn index_columns(ix: &Index) -> Vec<String> {
    ix.keys
        .iter()
        .filter_map(|k| match &k.target {
            KeyTarget::Column(c) => Some(c.clone()),
            KeyTarget::Expression(_) => None,
        })
        .chain(ix.include.iter().cloned())
        .collect()
}

pub(super) fn index_ref(q: &QName, name: &str) -> ObjRef {
    ObjRef::new(ObjKind::Index, &QName::new(q.schema.clone(), name))
}

fn columns_of(q: &QName, columns: &[String]) -> Vec<ObjRef> {
    columns
        .iter()
        .map(|c| ObjRef::sub(ObjKind::Column, q, c))
        .collect()
}

fn trigger_enable(qt: &str, name: &str, enabled: &str) -> String {
    let how = match enabled {
        "D" => "DISABLE",
        "R" => "ENABLE REPLICA",
        "A" => "ENABLE ALWAYS",
        _ => "ENABLE",
    };
    format!("ALTER TABLE {qt} {how} TRIGGER {}", quote_ident(name))
}

#[derive(Debug, Default)]
struct Matched {
    same: Vec<String>,
    renamed: Vec<(String, String)>,
    replaced: Vec<String>,
    added: Vec<String>,
    dropped: Vec<String>,
}

impl Matched {
    /// Objects kept in place: (desired name, current name).
    fn kept(&self) -> impl Iterator<Item = (&String, &String)> {
        self.same
            .iter()
            .map(|n| (n, n))
            .chain(self.renamed.iter().map(|(o, n)| (n, o)))
    }
}

/// Constraint-like objects stored by name on a table.
trait Keyed {
    const OBJECT: &'static str;
    const DROP: &'static str;
    const DROP_PHASE: Phase = Phase::DropKey;
    fn comment(&self) -> Option<&str>;
    /// The definition in a few words, for step details.
    fn summary(&self) -> String;
    fn create(&self, p: &mut Planner<'_>, q: &QName, name: &str);
    fn obj(q: &QName, name: &str) -> ObjRef {
        ObjRef::sub(ObjKind::Constraint, q, name)
    }
    /// The index behind the object, if it has one.
    fn index(_q: &QName, _name: &str) -> Option<ObjRef> {
        None
    }
    fn drop_sql(q: &QName, name: &str) -> String {
        format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            quote_qname(q),
            quote_ident(name)
        )
    }
}

impl Keyed for Unique {
    const OBJECT: &'static str = "unique";
    const DROP: &'static str = "drop-unique";
    fn comment(&self) -> Option<&str> {
        self.comment.as_deref()
    }
    fn summary(&self) -> String {
        format!("({})", self.columns.join(", "))
    }
    fn index(q: &QName, name: &str) -> Option<ObjRef> {
        Some(index_ref(q, name))
    }
    fn create(&self, p: &mut Planner<'_>, q: &QName, name: &str) {
        let qt = quote_qname(q);
        let mut s = step("add-unique", Op::Create, "unique", sub(q, name)).detail(self.summary());
        if p.online(q) {
            p.build_key_index(
                q,
                "add-unique",
                "unique",
                name,
                &ddl::key_index(&self.columns, self.nulls_not_distinct),
            );
            s = s
                .detail(format!(
                    "{} (2/2: attach the index, no scan)",
                    self.summary()
                ))
                .sql(format!(
                    "ALTER TABLE {qt} ADD {}",
                    ddl::using_index("UNIQUE", name, self.deferrable)
                ));
        } else {
            let rows = p.has_rows(q);
            s = s
                .sql(format!(
                    "ALTER TABLE {qt} ADD {}",
                    ddl::unique_clause(name, self)
                ))
                .hazard_if(
                    rows,
                    HazardKind::IndexBuild,
                    "builds a unique index while blocking writes; fails on duplicate values",
                );
        }
        if let Some(c) = &self.comment {
            s = s.sql(ddl::comment(
                &format!("CONSTRAINT {} ON {qt}", quote_ident(name)),
                Some(c),
            ));
        }
        let e = s
            .at(Phase::AddKey)
            .provides(Self::obj(q, name))
            .provides(index_ref(q, name))
            .needs(index_ref(q, name))
            .needs(ObjRef::new(ObjKind::Table, q))
            .needs_all(columns_of(q, &self.columns));
        p.push(e);
    }
}

impl Keyed for Check {
    const OBJECT: &'static str = "check";
    const DROP: &'static str = "drop-check";
    fn comment(&self) -> Option<&str> {
        self.comment.as_deref()
    }
    fn summary(&self) -> String {
        self.expr.clone()
    }
    fn create(&self, p: &mut Planner<'_>, q: &QName, name: &str) {
        let qt = quote_qname(q);
        let online = self.validated && p.online(q);
        let rows = p.has_rows(q);
        let mut s = step("add-check", Op::Create, "check", sub(q, name)).detail(if online {
            format!("{} (1/2: NOT VALID)", self.summary())
        } else {
            self.summary()
        });
        if online || !self.validated {
            s = s.sql(format!(
                "ALTER TABLE {qt} ADD {} NOT VALID",
                ddl::check_clause(name, self)
            ));
        } else {
            s = s
                .sql(format!(
                    "ALTER TABLE {qt} ADD {}",
                    ddl::check_clause(name, self)
                ))
                .hazard_if(
                    rows,
                    HazardKind::ValidatesRows,
                    "scans the table; fails if a row violates the check",
                )
                .hazard_if(
                    rows,
                    HazardKind::AccessExclusiveLock,
                    "blocks reads and writes while it scans",
                );
        }
        if let Some(c) = &self.comment {
            s = s.sql(ddl::comment(
                &format!("CONSTRAINT {} ON {qt}", quote_ident(name)),
                Some(c),
            ));
        }
        let obj = Self::obj(q, name);
        let deps = p.desired_deps(&obj);
        p.push(
            s.at(Phase::AddKey)
                .provides(obj)
                .needs(ObjRef::new(ObjKind::Table, q))
                .needs_all(deps),
        );
        if online {
            p.validate_added(
                q,
                "add-check",
                "check",
                name,
                "scans the table without blocking writes; fails if a row violates the check",
            );
        }
    }
}

impl Keyed for Exclusion {
    const OBJECT: &'static str = "exclusion";
    const DROP: &'static str = "drop-exclusion";
    fn comment(&self) -> Option<&str> {
        self.comment.as_deref()
    }
    fn summary(&self) -> String {
        self.definition.clone()
    }
    fn index(q: &QName, name: &str) -> Option<ObjRef> {
        Some(index_ref(q, name))
    }
    fn create(&self, p: &mut Planner<'_>, q: &QName, name: &str) {
        let qt = quote_qname(q);
        let mut s = step("add-exclusion", Op::Create, "exclusion", sub(q, name))
            .detail(self.summary())
            .sql(format!(
                "ALTER TABLE {qt} ADD CONSTRAINT {} {}",
                quote_ident(name),
                self.definition
            ))
            .hazard(
                HazardKind::IndexBuild,
                "builds an index; fails on conflicting rows",
            );
        if let Some(c) = &self.comment {
            s = s.sql(ddl::comment(
                &format!("CONSTRAINT {} ON {qt}", quote_ident(name)),
                Some(c),
            ));
        }
        let obj = Self::obj(q, name);
        let deps = p.desired_deps(&obj);
        let e = s
            .at(Phase::AddKey)
            .provides(obj)
            .provides(index_ref(q, name))
            .needs(ObjRef::new(ObjKind::Table, q))
            .needs_all(deps);
        p.push(e);
    }
}

impl Keyed for ForeignKey {
    const OBJECT: &'static str = "foreign-key";
    const DROP: &'static str = "drop-foreign-key";
    const DROP_PHASE: Phase = Phase::DropForeignKey;
    fn comment(&self) -> Option<&str> {
        self.comment.as_deref()
    }
    fn summary(&self) -> String {
        fk_summary(self)
    }
    fn create(&self, p: &mut Planner<'_>, q: &QName, name: &str) {
        p.add_foreign_key(q, name, self, false);
    }
}

impl Keyed for Index {
    const OBJECT: &'static str = "index";
    const DROP: &'static str = "drop-index";
    fn comment(&self) -> Option<&str> {
        self.comment.as_deref()
    }
    fn summary(&self) -> String {
        index_summary(self)
    }
    fn obj(q: &QName, name: &str) -> ObjRef {
        index_ref(q, name)
    }
    fn index(q: &QName, name: &str) -> Option<ObjRef> {
        Some(index_ref(q, name))
    }
    fn drop_sql(q: &QName, name: &str) -> String {
        format!(
            "DROP INDEX {}",
            quote_qname(&QName::new(q.schema.clone(), name.to_owned()))
        )
    }
    fn create(&self, p: &mut Planner<'_>, q: &QName, name: &str) {
        p.create_index(q, name, self, false);
    }
}

pub(super) fn unique_eq(a: &Unique, b: &Unique) -> bool {
    a.columns == b.columns
        && a.nulls_not_distinct == b.nulls_not_distinct
        && a.deferrable == b.deferrable
}

fn check_eq(p: &Planner<'_>, a: &Check, b: &Check) -> bool {
    a.no_inherit == b.no_inherit && p.same(&a.expr, &b.expr)
}

/// Equal foreign keys; `a` (current) may point at a table the plan renames to `b`'s target.
fn fk_eq(p: &Planner<'_>, a: &ForeignKey, b: &ForeignKey) -> bool {
    a.columns == b.columns
        && p.renamed_tables.get(&a.ref_table).unwrap_or(&a.ref_table) == &b.ref_table
        && a.ref_columns == b.ref_columns
        && a.on_delete == b.on_delete
        && a.on_update == b.on_update
        && a.match_full == b.match_full
        && a.deferrable == b.deferrable
}

pub(super) fn index_summary(ix: &Index) -> String {
    let keys = ix
        .keys
        .iter()
        .map(|k| {
            let mut s = match &k.target {
                KeyTarget::Column(c) => c.clone(),
                KeyTarget::Expression(e) => format!("({e})"),
            };
            if k.descending {
                s.push_str(" DESC");
            }
            s
        })
        .collect::<Vec<_>>()
        .join(", ");
    let mut s = format!(
        "{}{} ({keys})",
        if ix.unique { "unique " } else { "" },
        ix.method
    );
    if let Some(p) = &ix.predicate {
        s.push_str(&format!(" WHERE {p}"));
    }
    s
}

fn fk_summary(fk: &ForeignKey) -> String {
    let mut s = format!(
        "({}) → {} ({})",
        fk.columns.join(", "),
        fk.ref_table,
        fk.ref_columns.join(", ")
    );
    if fk.on_delete != Default::default() {
        s.push_str(&format!(" on delete {}", fk.on_delete.words()));
    }
    if fk.on_update != Default::default() {
        s.push_str(&format!(" on update {}", fk.on_update.words()));
    }
    s
}

/// Defaults evaluated per row when a column is added, forcing a rewrite.
fn is_volatile(expr: &str) -> bool {
    let e = expr.to_ascii_lowercase();
    [
        "random(",
        "gen_random_uuid(",
        "uuid_generate_",
        "clock_timestamp(",
        "nextval(",
        "timeofday(",
    ]
    .iter()
    .any(|f| e.contains(f))
}

#[cfg(test)]
mod unit {
    use super::is_volatile;

    #[test]
    fn volatile_defaults() {
        assert!(is_volatile("gen_random_uuid()"));
        assert!(!is_volatile("now()"));
    }
}
