//! Schemas, extensions and types: enums, domains and composite types.

use std::collections::BTreeSet;

use super::{Phase, Planner, show, step};
use crate::model::pg::{Collation, Composite, Domain, EnumType, ObjKind, ObjRef, QName};
use crate::plan::{HazardKind, Op};
use crate::postgres::ddl;
use crate::postgres::ident::{quote_ident, quote_literal, quote_qname, truncate_ident};

/// Whether `desired` only adds labels to `current`, keeping their order.
pub(super) fn labels_only_added(current: &[String], desired: &[String]) -> bool {
    let kept: Vec<&String> = desired.iter().filter(|l| current.contains(l)).collect();
    kept.len() == current.len() && kept.iter().zip(current).all(|(a, b)| *a == b)
}

/// Whether a composite type can be changed with `ALTER TYPE ... ADD/DROP/ALTER ATTRIBUTE`: the
/// attributes both sides keep appear in the same order.
pub(super) fn composite_alterable(current: &Composite, desired: &Composite) -> bool {
    let kept_cur: Vec<&str> = current
        .attributes
        .iter()
        .map(|a| a.name.as_str())
        .filter(|n| desired.attributes.iter().any(|d| d.name == *n))
        .collect();
    let kept_des: Vec<&str> = desired
        .attributes
        .iter()
        .map(|a| a.name.as_str())
        .filter(|n| current.attributes.iter().any(|c| c.name == *n))
        .collect();
    kept_cur == kept_des
}

/// `labels` with declared renames (new → old) applied.
pub(super) fn renamed_labels(
    labels: &[String],
    renames: &std::collections::BTreeMap<String, String>,
) -> Vec<String> {
    labels
        .iter()
        .map(|l| {
            match renames
                .iter()
                .find(|(new, old)| *old == l && !labels.contains(new))
            {
                Some((new, _)) => new.clone(),
                None => l.clone(),
            }
        })
        .collect()
}

fn label_list(labels: &[String]) -> String {
    format!(
        "({})",
        labels
            .iter()
            .map(|l| quote_literal(l))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

impl Planner<'_> {
    pub(super) fn schemas(&mut self) {
        for (name, d) in &self.des.schemas {
            let qi = quote_ident(name);
            match self.cur.schemas.get(name) {
                None => {
                    let mut s = step("create-schema", Op::Create, "schema", name.clone())
                        .sql(format!("CREATE SCHEMA {qi}"));
                    if d.comment.is_some() {
                        s = s.sql(ddl::comment(&format!("SCHEMA {qi}"), d.comment.as_deref()));
                    }
                    self.push(s.at(Phase::CreateSchema));
                }
                Some(c) if c.comment != d.comment => {
                    let s = step("set-comment", Op::Alter, "schema", name.clone())
                        .detail(format!(
                            "comment: {} → {}",
                            show(c.comment.as_deref()),
                            show(d.comment.as_deref())
                        ))
                        .sql(ddl::comment(&format!("SCHEMA {qi}"), d.comment.as_deref()));
                    self.push(s.at(Phase::Comment));
                }
                Some(_) => {}
            }
        }
        for name in self.cur.schemas.keys() {
            if !self.des.schemas.contains_key(name) {
                let s = step("drop-schema", Op::Drop, "schema", name.clone())
                    .sql(format!("DROP SCHEMA {}", quote_ident(name)))
                    .hazard(
                        HazardKind::DataLoss,
                        "drops the schema; fails if objects seadiff does not manage remain in it",
                    );
                self.push(s.at(Phase::DropSchema));
            }
        }
    }

    pub(super) fn extensions(&mut self) {
        for (name, d) in &self.des.extensions {
            let qi = quote_ident(name);
            match self.cur.extensions.get(name) {
                None => {
                    let s = step("create-extension", Op::Create, "extension", name.clone())
                        .sql(ddl::create_extension(name, d));
                    self.push(s.at(Phase::Extension));
                }
                Some(c) => {
                    if let Some(v) = &d.version
                        && c.version.as_ref() != Some(v)
                    {
                        let s = step("alter-extension", Op::Alter, "extension", name.clone())
                            .detail(format!(
                                "version {} → {v}",
                                c.version.as_deref().unwrap_or("?")
                            ))
                                                        .sql(format!(
                                "ALTER EXTENSION {qi} UPDATE TO {}",
                                quote_literal(v)
                            ))
                            .hazard(
                                HazardKind::Irreversible,
                                format!(
                                    "extensions seldom ship scripts to go back: returning to version {} may be impossible",
                                    c.version.as_deref().unwrap_or("?")
                                ),
                            );
                        self.push(s.at(Phase::Extension));
                    }
                    if let Some(schema) = &d.schema
                        && c.schema.as_ref() != Some(schema)
                    {
                        let s = step("alter-extension", Op::Alter, "extension", name.clone())
                            .detail(format!(
                                "schema {} → {schema}",
                                c.schema.as_deref().unwrap_or("?")
                            ))
                            .sql(format!(
                                "ALTER EXTENSION {qi} SET SCHEMA {}",
                                quote_ident(schema)
                            ));
                        self.push(s.at(Phase::Extension));
                    }
                }
            }
        }
        // Extensions are database-wide: only those living in a schema of the desired side are
        // in scope for removal (a desired side that covers everything owns all of them).
        for (name, c) in &self.cur.extensions {
            let in_scope = self.coverage().full()
                || c.schema
                    .as_ref()
                    .is_some_and(|s| self.des.schemas.contains_key(s));
            if in_scope && !self.des.extensions.contains_key(name) {
                let s = step("drop-extension", Op::Drop, "extension", name.clone())
                    .sql(format!("DROP EXTENSION {}", quote_ident(name)))
                    .hazard(
                        HazardKind::DataLoss,
                        "drops every object the extension owns, including its tables and types",
                    );
                self.push(s.at(Phase::DropExtension));
            }
        }
    }

    pub(super) fn enums(&mut self) {
        for (q, d) in &self.des.enums {
            let obj = ObjRef::new(ObjKind::Type, q);
            let qt = quote_qname(q);
            match self.cur.enums.get(q) {
                None => {
                    let mut s = step("create-enum", Op::Create, "enum", q.to_string())
                        .sql(ddl::create_enum(q, d));
                    if d.comment.is_some() {
                        s = s.sql(ddl::comment(&format!("TYPE {qt}"), d.comment.as_deref()));
                    }
                    self.push(s.at(Phase::Types).provides(obj));
                }
                Some(c) => {
                    let c = &self.rename_enum_values(q, c, d);
                    if c.labels != d.labels {
                        self.enum_labels(q, c, d);
                    }
                    if c.comment != d.comment {
                        let s = step("set-comment", Op::Alter, "enum", q.to_string())
                            .detail(format!(
                                "comment: {} → {}",
                                show(c.comment.as_deref()),
                                show(d.comment.as_deref())
                            ))
                            .sql(ddl::comment(&format!("TYPE {qt}"), d.comment.as_deref()));
                        self.push(s.at(Phase::Comment));
                    }
                }
            }
        }
        for q in self.cur.enums.keys() {
            if !self.des.enums.contains_key(q) {
                let s = step("drop-enum", Op::Drop, "enum", q.to_string())
                    .sql(format!("DROP TYPE {}", quote_qname(q)));
                self.push(s.at(Phase::DropType).removes(ObjRef::new(ObjKind::Type, q)));
            }
        }
    }

    /// Added labels become `ADD VALUE` at their position; anything else (a removed or moved
    /// label) rewrites the type: a new type with the desired labels, every column converted
    /// through text, the old type dropped. Objects depending on the type are rebuilt around it.
    /// `RENAME VALUE` for declared renames whose old label exists and new one does not;
    /// returns the current type as it is after them.
    fn rename_enum_values(&mut self, q: &QName, c: &EnumType, d: &EnumType) -> EnumType {
        let mut after = c.clone();
        for (new, old) in &d.renamed_values {
            if !c.labels.contains(old) || c.labels.contains(new) {
                continue;
            }
            let s = step("rename-enum-value", Op::Alter, "enum", q.to_string())
                .detail(format!(
                    "value {} renamed to {}",
                    quote_literal(old),
                    quote_literal(new)
                ))
                .sql(format!(
                    "ALTER TYPE {} RENAME VALUE {} TO {}",
                    quote_qname(q),
                    quote_literal(old),
                    quote_literal(new)
                ));
            self.push(s.at(Phase::Types));
            after = EnumType {
                labels: renamed_labels(&after.labels, &[(new.clone(), old.clone())].into()),
                ..after
            };
        }
        after
    }

    fn enum_labels(&mut self, q: &QName, c: &EnumType, d: &EnumType) {
        let qt = quote_qname(q);
        if labels_only_added(&c.labels, &d.labels) {
            for (i, label) in d.labels.iter().enumerate() {
                if c.labels.contains(label) {
                    continue;
                }
                // Values are added in the declared order, so the one before this exists by
                // now; the first one goes before the first value that exists already (not
                // simply the next declared one, which may be new too).
                let position = match i.checked_sub(1).map(|p| &d.labels[p]) {
                    Some(prev) => format!(" AFTER {}", quote_literal(prev)),
                    None => d.labels[1..]
                        .iter()
                        .find(|l| c.labels.contains(l))
                        .map(|next| format!(" BEFORE {}", quote_literal(next)))
                        .unwrap_or_default(),
                };
                let s = step("add-enum-value", Op::Alter, "enum", q.to_string())
                    .detail(format!("add value {}", quote_literal(label)))
                    .sql(format!(
                        "ALTER TYPE {qt} ADD VALUE {}{position}",
                        quote_literal(label)
                    ))
                    .hazard(
                        HazardKind::Irreversible,
                        "an enum value cannot be removed without rewriting the type",
                    )
                    // Committed before anything can use the new value.
                    .isolated();
                self.push(s.at(Phase::Types));
            }
            return;
        }
        let removed: Vec<&String> = c.labels.iter().filter(|l| !d.labels.contains(l)).collect();
        let old = QName::new(
            q.schema.clone(),
            truncate_ident(&format!("{}__seadiff_old", q.name)).to_owned(),
        );
        let mut s = step("replace-enum", Op::Alter, "enum", q.to_string())
            .detail(format!(
                "labels {} → {}",
                label_list(&c.labels),
                label_list(&d.labels)
            ))
            .sql(format!(
                "ALTER TYPE {qt} RENAME TO {}",
                quote_ident(&old.name)
            ))
            .sql(ddl::create_enum(q, d));
        let mut tables = BTreeSet::new();
        let mut needs = Vec::new();
        for (cq, t) in &self.cur.tables {
            // Columns that stay, under the names they have by the time this step runs (renames
            // come first); dropped and retyped columns are their own steps' business.
            let tq = self.renamed_tables.get(cq).unwrap_or(cq);
            let Some(dt) = self.des.tables.get(tq) else {
                continue;
            };
            for col in &t.columns {
                if col.ty.user_type().as_ref() != Some(q) || col.inherited {
                    continue;
                }
                let Some(dc) = dt.column(&col.name).or_else(|| {
                    dt.columns
                        .iter()
                        .find(|x| x.renamed_from.as_deref() == Some(&col.name))
                }) else {
                    continue;
                };
                if dc.ty.user_type().as_ref() != Some(q) {
                    continue;
                }
                if self.has_rows(cq) {
                    tables.insert(tq.to_string());
                }
                needs.push(ObjRef::sub(ObjKind::Column, tq, &dc.name));
                let qc = format!("{} ALTER COLUMN {}", quote_qname(tq), quote_ident(&dc.name));
                if col.default.is_some() {
                    s = s.sql(format!("ALTER TABLE {qc} DROP DEFAULT"));
                }
                let via = if col.ty.array { "text[]" } else { "text" };
                s = s.sql(format!(
                    "ALTER TABLE {qc} TYPE {} USING {}::{via}::{}",
                    ddl::col_type(&col.ty),
                    quote_ident(&col.name),
                    ddl::col_type(&col.ty)
                ));
                // The declared default, not the current one: the current one may name a
                // label this step removes. Printed against the old type, a default names the
                // type by name, so parsed now it resolves to the new type.
                if col.default.is_some()
                    && let Some(def) = &dc.default
                {
                    s = s.sql(format!("ALTER TABLE {qc} SET DEFAULT {def}"));
                }
            }
        }
        s = s.sql(format!("DROP TYPE {}", quote_qname(&old)));
        if !removed.is_empty() {
            let list = removed
                .iter()
                .map(|l| quote_literal(l))
                .collect::<Vec<_>>()
                .join(", ");
            s = s.hazard(
                HazardKind::DataLoss,
                format!("removes {list}; rows holding them make the conversion fail"),
            );
        }
        if !tables.is_empty() {
            let list = tables.into_iter().collect::<Vec<_>>().join(", ");
            s = s
                .hazard(HazardKind::TableRewrite, format!("rewrites {list}"))
                .hazard(
                    HazardKind::AccessExclusiveLock,
                    format!("locks {list} while rewriting"),
                );
        }
        let obj = ObjRef::new(ObjKind::Type, q);
        self.push(
            s.at(Phase::Types)
                .removes(obj.clone())
                .provides(obj)
                .needs_all(needs),
        );
    }

    pub(super) fn collations(&mut self) {
        for (q, d) in &self.des.collations {
            let obj = ObjRef::new(ObjKind::Collation, q);
            let what = format!("COLLATION {}", quote_qname(q));
            match self.cur.collations.get(q) {
                Some(c)
                    if Collation {
                        comment: None,
                        ..c.clone()
                    } == Collation {
                        comment: None,
                        ..d.clone()
                    } =>
                {
                    if c.comment != d.comment {
                        let s = step("set-comment", Op::Alter, "collation", q.to_string())
                            .detail(format!(
                                "comment: {} → {}",
                                show(c.comment.as_deref()),
                                show(d.comment.as_deref())
                            ))
                            .sql(ddl::comment(&what, d.comment.as_deref()));
                        self.push(s.at(Phase::Comment));
                    }
                }
                current => {
                    if current.is_some() {
                        self.drop_collation(q);
                    }
                    let mut s = step("create-collation", Op::Create, "collation", q.to_string())
                        .sql(ddl::create_collation(q, d));
                    if d.comment.is_some() {
                        s = s.sql(ddl::comment(&what, d.comment.as_deref()));
                    }
                    self.push(s.at(Phase::Types).provides(obj));
                }
            }
        }
        for q in self.cur.collations.keys() {
            if !self.des.collations.contains_key(q) {
                self.drop_collation(q);
            }
        }
    }

    fn drop_collation(&mut self, q: &QName) {
        let s = step("drop-collation", Op::Drop, "collation", q.to_string())
            .sql(format!("DROP COLLATION {}", quote_qname(q)));
        self.push(
            s.at(Phase::DropType)
                .removes(ObjRef::new(ObjKind::Collation, q)),
        );
    }

    pub(super) fn domains(&mut self) {
        for (q, d) in &self.des.domains {
            let obj = ObjRef::new(ObjKind::Type, q);
            match self.cur.domains.get(q) {
                Some(c)
                    if c.base == d.base && c.collation == d.collation && !self.rebuilt(&obj) =>
                {
                    self.alter_domain(q, c, d)
                }
                current => {
                    if current.is_some() {
                        self.drop_domain(q);
                    }
                    let mut s = step("create-domain", Op::Create, "domain", q.to_string())
                        .sql(ddl::create_domain(q, d));
                    if d.comment.is_some() {
                        s = s.sql(ddl::comment(
                            &format!("DOMAIN {}", quote_qname(q)),
                            d.comment.as_deref(),
                        ));
                    }
                    let deps = self.desired_deps(&obj);
                    self.push(s.at(Phase::Types).provides(obj).needs_all(deps));
                }
            }
        }
        for q in self.cur.domains.keys() {
            if !self.des.domains.contains_key(q) {
                self.drop_domain(q);
            }
        }
    }

    fn drop_domain(&mut self, q: &QName) {
        let s = step("drop-domain", Op::Drop, "domain", q.to_string())
            .sql(format!("DROP DOMAIN {}", quote_qname(q)));
        self.push(s.at(Phase::DropType).removes(ObjRef::new(ObjKind::Type, q)));
    }

    fn alter_domain(&mut self, q: &QName, c: &Domain, d: &Domain) {
        let qd = format!("ALTER DOMAIN {}", quote_qname(q));
        let name = q.to_string();
        if !self.same_opt(c.default.as_deref(), d.default.as_deref()) {
            let sql = match &d.default {
                Some(x) => format!("{qd} SET DEFAULT {x}"),
                None => format!("{qd} DROP DEFAULT"),
            };
            let s = step("alter-domain", Op::Alter, "domain", name.clone())
                .detail(format!(
                    "default {} → {}",
                    c.default.as_deref().unwrap_or("none"),
                    d.default.as_deref().unwrap_or("none")
                ))
                .sql(sql);
            self.push(s.at(Phase::Types));
        }
        if c.not_null != d.not_null {
            let s = step("alter-domain", Op::Alter, "domain", name.clone())
                .detail(if d.not_null {
                    "nullable → NOT NULL"
                } else {
                    "NOT NULL → nullable"
                })
                .sql(format!(
                    "{qd} {} NOT NULL",
                    if d.not_null { "SET" } else { "DROP" }
                ));
            let s = if d.not_null {
                s.hazard(
                    HazardKind::ValidatesRows,
                    "checks every column of this domain for NULLs",
                )
            } else {
                s
            };
            self.push(s.at(Phase::Types));
        }
        for (cname, check) in &c.checks {
            if d.checks
                .get(cname)
                .is_none_or(|x| !self.same(&x.expr, &check.expr))
            {
                let s = step("drop-check", Op::Drop, "domain", name.clone())
                    .detail(format!("check {cname}: {}", check.expr))
                    .sql(format!("{qd} DROP CONSTRAINT {}", quote_ident(cname)));
                self.push(s.at(Phase::DropKey));
            }
        }
        for (cname, check) in &d.checks {
            if c.checks
                .get(cname)
                .is_none_or(|x| !self.same(&x.expr, &check.expr))
            {
                let s = step("add-check", Op::Create, "domain", name.clone())
                    .detail(format!("check {cname}: {}", check.expr))
                    .sql(format!(
                        "{qd} ADD CONSTRAINT {} CHECK ({})",
                        quote_ident(cname),
                        check.expr
                    ))
                    .hazard(
                        HazardKind::ValidatesRows,
                        "checks every value of this domain",
                    );
                self.push(s.at(Phase::Types));
            }
        }
        if c.comment != d.comment {
            let s = step("set-comment", Op::Alter, "domain", name)
                .detail(format!(
                    "comment: {} → {}",
                    show(c.comment.as_deref()),
                    show(d.comment.as_deref())
                ))
                .sql(ddl::comment(
                    &format!("DOMAIN {}", quote_qname(q)),
                    d.comment.as_deref(),
                ));
            self.push(s.at(Phase::Comment));
        }
    }

    pub(super) fn composites(&mut self) {
        for (q, d) in &self.des.composites {
            let obj = ObjRef::new(ObjKind::Type, q);
            match self.cur.composites.get(q) {
                Some(c) if composite_alterable(c, d) && !self.rebuilt(&obj) => {
                    self.alter_composite(q, c, d)
                }
                current => {
                    if current.is_some() {
                        self.drop_composite(q);
                    }
                    let mut s = step("create-type", Op::Create, "composite-type", q.to_string())
                        .sql(ddl::create_composite(q, d));
                    if d.comment.is_some() {
                        s = s.sql(ddl::comment(
                            &format!("TYPE {}", quote_qname(q)),
                            d.comment.as_deref(),
                        ));
                    }
                    let deps = self.desired_deps(&obj);
                    self.push(s.at(Phase::Types).provides(obj).needs_all(deps));
                }
            }
        }
        for q in self.cur.composites.keys() {
            if !self.des.composites.contains_key(q) {
                self.drop_composite(q);
            }
        }
    }

    fn drop_composite(&mut self, q: &QName) {
        let s = step("drop-type", Op::Drop, "composite-type", q.to_string())
            .sql(format!("DROP TYPE {}", quote_qname(q)));
        self.push(s.at(Phase::DropType).removes(ObjRef::new(ObjKind::Type, q)));
    }

    fn alter_composite(&mut self, q: &QName, c: &Composite, d: &Composite) {
        let qt = format!("ALTER TYPE {}", quote_qname(q));
        let mut actions = Vec::new();
        for a in &c.attributes {
            if !d.attributes.iter().any(|x| x.name == a.name) {
                actions.push(format!("DROP ATTRIBUTE {}", quote_ident(&a.name)));
            }
        }
        for a in &d.attributes {
            let coll = a
                .collation
                .as_ref()
                .map(|x| format!(" COLLATE {}", ddl::collation(x)))
                .unwrap_or_default();
            match c.attributes.iter().find(|x| x.name == a.name) {
                None => actions.push(format!(
                    "ADD ATTRIBUTE {} {}{coll}",
                    quote_ident(&a.name),
                    ddl::col_type(&a.ty)
                )),
                Some(x) if x.ty != a.ty || x.collation != a.collation => actions.push(format!(
                    "ALTER ATTRIBUTE {} TYPE {}{coll}",
                    quote_ident(&a.name),
                    ddl::col_type(&a.ty)
                )),
                Some(_) => {}
            }
        }
        if !actions.is_empty() {
            let mut s = step("alter-type", Op::Alter, "composite-type", q.to_string())
                .detail(actions.join(", "))
                .sql(format!("{qt} {}", actions.join(", ")));
            let retyped = actions.iter().any(|a| a.starts_with("ALTER ATTRIBUTE"));
            let users: Vec<String> = self
                .cur
                .tables
                .iter()
                .flat_map(|(tq, t)| {
                    t.columns
                        .iter()
                        .filter(|c| c.ty.user_type().as_ref() == Some(q))
                        .map(move |c| format!("{tq}.{}", c.name))
                })
                .collect();
            if retyped && !users.is_empty() {
                s = s.hazard(
                    HazardKind::UnmanagedDependents,
                    format!(
                        "Postgres refuses to change an attribute's type while columns use the type ({}); convert them first",
                        users.join(", ")
                    ),
                );
            }
            let deps = self.desired_deps(&ObjRef::new(ObjKind::Type, q));
            self.push(s.at(Phase::Types).needs_all(deps));
        }
        if c.comment != d.comment {
            let s = step("set-comment", Op::Alter, "composite-type", q.to_string())
                .detail(format!(
                    "comment: {} → {}",
                    show(c.comment.as_deref()),
                    show(d.comment.as_deref())
                ))
                .sql(ddl::comment(
                    &format!("TYPE {}", quote_qname(q)),
                    d.comment.as_deref(),
                ));
            self.push(s.at(Phase::Comment));
        }
    }
}
