//! `diff(current, desired)`: the ordered steps that turn one catalog into the other.
//!
//! Pure and total: no I/O, no errors. Every change becomes a [`Step`] with its SQL and hazards,
//! tagged with a [`Phase`]; a stable sort by phase gives a valid order:
//! schemas and extensions, then types, then drops of foreign keys and keys (so nothing depends
//! on what is about to change), renames, table and column drops, table creation, column
//! changes, new keys and indexes, new foreign keys (every table exists by then), validation,
//! comments, and finally drops of types, extensions and schemas.
//!
//! Objects are matched by name; indexes and constraints that differ only in name are renamed,
//! never rebuilt. Expressions compare through `normalize`, so `now()` and `CURRENT_TIMESTAMP`,
//! or `'x'` and `'x'::character varying`, are the same.

use std::collections::{BTreeMap, BTreeSet};

use super::ddl;
use super::ident::{quote_ident, quote_literal, quote_qname};
use super::normalize::{Ctx, canonical_expr, same_expr};
use crate::model::pg::{
    Catalog, Check, ColType, Column, EnumType, ForeignKey, Index, KeyTarget, PrimaryKey, QName,
    Table, Unique,
};
use crate::plan::{Hazard, HazardKind, ObjectRef, Op, Step, Store};

/// How expressions are compared: schemas on this search path may be left unqualified.
#[derive(Debug, Clone)]
pub struct DiffOptions {
    pub search_path: Vec<String>,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            search_path: vec!["public".to_owned()],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    CreateSchema,
    Extension,
    Types,
    DropForeignKey,
    DropKey,
    Rename,
    DropTable,
    CreateTable,
    Column,
    AddKey,
    AddForeignKey,
    Validate,
    Comment,
    DropType,
    DropExtension,
    DropSchema,
}

/// The steps that make `current` look like `desired`, in a valid execution order.
pub fn diff(current: &Catalog, desired: &Catalog, opts: &DiffOptions) -> Vec<Step> {
    let mut p = Planner {
        cur: current,
        des: desired,
        ctx: Ctx {
            search_path: opts.search_path.clone(),
        },
        steps: Vec::new(),
        forced_fks: BTreeSet::new(),
    };
    p.schemas();
    p.extensions();
    p.enums();
    p.forced_fks = p.foreign_keys_to_rebuild();
    p.tables();
    let mut steps = p.steps;
    steps.sort_by_key(|(phase, _)| *phase);
    steps.into_iter().map(|(_, s)| s).collect()
}

struct Planner<'a> {
    cur: &'a Catalog,
    des: &'a Catalog,
    ctx: Ctx,
    steps: Vec<(Phase, Step)>,
    /// Foreign keys (table, name) that must be dropped and re-added because a key they
    /// reference, or a column they use, changes underneath them.
    forced_fks: BTreeSet<(QName, String)>,
}

fn step(kind: &'static str, op: Op, object_kind: &'static str, name: String) -> Step {
    Step {
        store: Store::Postgres,
        kind,
        op,
        object: ObjectRef {
            kind: object_kind,
            name,
        },
        detail: None,
        statements: Vec::new(),
        hazards: Vec::new(),
        transactional: true,
    }
}

impl Step {
    fn sql(mut self, s: impl Into<String>) -> Self {
        self.statements.push(s.into());
        self
    }

    fn detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }

    fn hazard(mut self, kind: HazardKind, why: impl Into<String>) -> Self {
        self.hazards.push(Hazard::new(kind, why));
        self
    }
}

fn sub(q: &QName, name: &str) -> String {
    format!("{q}.{}", crate::model::pg::display_ident(name))
}

fn show(text: Option<&str>) -> String {
    text.map_or_else(|| "none".to_owned(), |t| format!("{t:?}"))
}

impl Planner<'_> {
    fn push(&mut self, phase: Phase, s: Step) {
        self.steps.push((phase, s));
    }

    fn same(&self, a: &str, b: &str) -> bool {
        same_expr(a, b, &self.ctx)
    }

    fn same_opt(&self, a: Option<&str>, b: Option<&str>) -> bool {
        match (a, b) {
            (None, None) => true,
            (Some(a), Some(b)) => self.same(a, b),
            _ => false,
        }
    }

    // ---- schemas, extensions, enums ------------------------------------------------------

    fn schemas(&mut self) {
        for (name, d) in &self.des.schemas {
            let qi = quote_ident(name);
            match self.cur.schemas.get(name) {
                None => {
                    let mut s = step("create-schema", Op::Create, "schema", name.clone())
                        .sql(format!("CREATE SCHEMA {qi}"));
                    if d.comment.is_some() {
                        s = s.sql(ddl::comment(&format!("SCHEMA {qi}"), d.comment.as_deref()));
                    }
                    self.push(Phase::CreateSchema, s);
                }
                Some(c) if c.comment != d.comment => {
                    let s = step("set-comment", Op::Alter, "schema", name.clone())
                        .detail(format!(
                            "comment: {} → {}",
                            show(c.comment.as_deref()),
                            show(d.comment.as_deref())
                        ))
                        .sql(ddl::comment(&format!("SCHEMA {qi}"), d.comment.as_deref()));
                    self.push(Phase::Comment, s);
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
                self.push(Phase::DropSchema, s);
            }
        }
    }

    fn extensions(&mut self) {
        for (name, d) in &self.des.extensions {
            let qi = quote_ident(name);
            match self.cur.extensions.get(name) {
                None => {
                    let s = step("create-extension", Op::Create, "extension", name.clone())
                        .sql(ddl::create_extension(name, d));
                    self.push(Phase::Extension, s);
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
                            ));
                        self.push(Phase::Extension, s);
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
                        self.push(Phase::Extension, s);
                    }
                }
            }
        }
        for (name, c) in &self.cur.extensions {
            let in_scope = c
                .schema
                .as_ref()
                .is_some_and(|s| self.des.schemas.contains_key(s));
            if in_scope && !self.des.extensions.contains_key(name) {
                let s = step("drop-extension", Op::Drop, "extension", name.clone())
                    .sql(format!("DROP EXTENSION {}", quote_ident(name)))
                    .hazard(
                        HazardKind::DataLoss,
                        "drops every object the extension owns, including its tables and types",
                    );
                self.push(Phase::DropExtension, s);
            }
        }
    }

    fn enums(&mut self) {
        for (q, d) in &self.des.enums {
            let qt = quote_qname(q);
            match self.cur.enums.get(q) {
                None => {
                    let mut s = step("create-enum", Op::Create, "enum", q.to_string())
                        .sql(ddl::create_enum(q, d));
                    if d.comment.is_some() {
                        s = s.sql(ddl::comment(&format!("TYPE {qt}"), d.comment.as_deref()));
                    }
                    self.push(Phase::Types, s);
                }
                Some(c) => {
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
                        self.push(Phase::Comment, s);
                    }
                }
            }
        }
        for q in self.cur.enums.keys() {
            if !self.des.enums.contains_key(q) {
                let s = step("drop-enum", Op::Drop, "enum", q.to_string())
                    .sql(format!("DROP TYPE {}", quote_qname(q)));
                self.push(Phase::DropType, s);
            }
        }
    }

    /// Added labels become `ADD VALUE` at their position; anything else (a removed or moved
    /// label) rewrites the type: a new type with the desired labels, every column converted
    /// through text, the old type dropped.
    fn enum_labels(&mut self, q: &QName, c: &EnumType, d: &EnumType) {
        let qt = quote_qname(q);
        let kept: Vec<&String> = d.labels.iter().filter(|l| c.labels.contains(l)).collect();
        let only_additions =
            kept.len() == c.labels.len() && kept.iter().zip(&c.labels).all(|(a, b)| *a == b);
        if only_additions {
            for (i, label) in d.labels.iter().enumerate() {
                if c.labels.contains(label) {
                    continue;
                }
                let position = match i.checked_sub(1).map(|p| &d.labels[p]) {
                    Some(prev) => format!("AFTER {}", quote_literal(prev)),
                    None => format!("BEFORE {}", quote_literal(&d.labels[1])),
                };
                let s = step("add-enum-value", Op::Alter, "enum", q.to_string())
                    .detail(format!("add value {}", quote_literal(label)))
                    .sql(format!(
                        "ALTER TYPE {qt} ADD VALUE {} {position}",
                        quote_literal(label)
                    ))
                    .hazard(
                        HazardKind::Irreversible,
                        "an enum value cannot be removed without rewriting the type",
                    );
                self.push(Phase::Types, s);
            }
            return;
        }
        let removed: Vec<&String> = c.labels.iter().filter(|l| !d.labels.contains(l)).collect();
        let old = QName::new(
            q.schema.clone(),
            crate::postgres::ident::truncate_ident(&format!("{}__seadiff_old", q.name)).to_owned(),
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
        for (tq, t) in &self.cur.tables {
            for col in &t.columns {
                if col.ty.user_type().as_ref() != Some(q) {
                    continue;
                }
                tables.insert(tq.to_string());
                let qc = format!(
                    "{} ALTER COLUMN {}",
                    quote_qname(tq),
                    quote_ident(&col.name)
                );
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
                if let Some(def) = &col.default {
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
        self.push(Phase::Types, s);
    }

    // ---- foreign keys that must be rebuilt ------------------------------------------------

    /// Foreign keys whose referenced key is dropped or rebuilt, or whose columns (on either
    /// side) change type: Postgres refuses those changes while the foreign key exists.
    fn foreign_keys_to_rebuild(&self) -> BTreeSet<(QName, String)> {
        let mut changed_keys: BTreeSet<(QName, BTreeSet<String>)> = BTreeSet::new();
        let mut retyped: BTreeSet<(QName, String)> = BTreeSet::new();
        for (q, c) in &self.cur.tables {
            let Some(d) = self.des.tables.get(q) else {
                continue;
            };
            if let Some(pk) = &c.primary_key
                && d.primary_key
                    .as_ref()
                    .is_none_or(|dp| dp.columns != pk.columns || dp.deferrable != pk.deferrable)
            {
                changed_keys.insert((q.clone(), pk.columns.iter().cloned().collect()));
            }
            for (name, u) in &c.uniques {
                if d.uniques.get(name).is_none_or(|du| !unique_eq(u, du)) {
                    changed_keys.insert((q.clone(), u.columns.iter().cloned().collect()));
                }
            }
            for (name, ix) in &c.indexes {
                if ix.unique && d.indexes.get(name).is_none_or(|di| !self.index_eq(ix, di)) {
                    let cols = ix.keys.iter().filter_map(|k| match &k.target {
                        KeyTarget::Column(c) => Some(c.clone()),
                        KeyTarget::Expression(_) => None,
                    });
                    changed_keys.insert((q.clone(), cols.collect()));
                }
            }
            for col in &c.columns {
                let target = d.column(&col.name).or_else(|| {
                    d.columns
                        .iter()
                        .find(|dc| dc.renamed_from.as_deref() == Some(&col.name))
                });
                if let Some(dc) = target
                    && dc.ty != col.ty
                {
                    retyped.insert((q.clone(), col.name.clone()));
                }
            }
        }
        let mut forced = BTreeSet::new();
        for (q, t) in &self.cur.tables {
            for (name, fk) in &t.foreign_keys {
                let key: BTreeSet<String> = fk.ref_columns.iter().cloned().collect();
                let hit = changed_keys.contains(&(fk.ref_table.clone(), key))
                    || fk
                        .columns
                        .iter()
                        .any(|c| retyped.contains(&(q.clone(), c.clone())))
                    || fk
                        .ref_columns
                        .iter()
                        .any(|c| retyped.contains(&(fk.ref_table.clone(), c.clone())));
                if hit {
                    forced.insert((q.clone(), name.clone()));
                }
            }
        }
        forced
    }

    // ---- tables ---------------------------------------------------------------------------

    fn tables(&mut self) {
        for (q, d) in &self.des.tables {
            match self.cur.tables.get(q) {
                None => self.create_table(q, d),
                Some(c) => self.alter_table(q, c, d),
            }
        }
        self.drop_tables();
    }

    fn create_table(&mut self, q: &QName, t: &Table) {
        let mut s =
            step("create-table", Op::Create, "table", q.to_string()).sql(ddl::create_table(q, t));
        for c in ddl::table_comments(
            q,
            &Table {
                indexes: Default::default(),
                foreign_keys: Default::default(),
                ..t.clone()
            },
        ) {
            s = s.sql(c);
        }
        self.push(Phase::CreateTable, s);
        for (name, ix) in &t.indexes {
            self.create_index(q, name, ix, true);
        }
        for (name, fk) in &t.foreign_keys {
            self.add_foreign_key(q, name, fk, true);
        }
    }

    /// Drops tables that are no longer desired. Tables referencing each other are dropped
    /// referencing-first; foreign keys in a cycle among them are dropped explicitly first.
    fn drop_tables(&mut self) {
        let dropped: BTreeSet<&QName> = self
            .cur
            .tables
            .keys()
            .filter(|q| !self.des.tables.contains_key(*q))
            .collect();
        let mut pending: BTreeSet<&QName> = dropped.clone();
        let mut order: Vec<&QName> = Vec::new();
        loop {
            // A table can go once no other pending table references it.
            let ready: Vec<&QName> = pending
                .iter()
                .copied()
                .filter(|q| {
                    !pending.iter().any(|other| {
                        other != q
                            && self.cur.tables[*other]
                                .foreign_keys
                                .values()
                                .any(|fk| &fk.ref_table == *q)
                    })
                })
                .collect();
            if ready.is_empty() {
                break;
            }
            for q in ready {
                pending.remove(q);
                order.push(q);
            }
        }
        // What is left references itself in a cycle: drop those foreign keys first.
        for q in &pending {
            for (name, fk) in &self.cur.tables[*q].foreign_keys {
                if pending.contains(&fk.ref_table) && &fk.ref_table != *q {
                    let s = step("drop-foreign-key", Op::Drop, "foreign-key", sub(q, name)).sql(
                        format!(
                            "ALTER TABLE {} DROP CONSTRAINT {}",
                            quote_qname(q),
                            quote_ident(name)
                        ),
                    );
                    self.push(Phase::DropForeignKey, s);
                }
            }
        }
        order.extend(pending);
        for q in order {
            let s = step("drop-table", Op::Drop, "table", q.to_string())
                .sql(format!("DROP TABLE {}", quote_qname(q)))
                .hazard(HazardKind::DataLoss, "drops the table and every row in it");
            self.push(Phase::DropTable, s);
        }
    }

    fn alter_table(&mut self, q: &QName, c: &Table, d: &Table) {
        let qt = quote_qname(q);
        self.columns(q, c, d);
        self.primary_key(q, c.primary_key.as_ref(), d.primary_key.as_ref());

        let uniques = self.match_named(&c.uniques, &d.uniques, |_, a, b| unique_eq(a, b));
        self.emit_keyed(q, &uniques, &c.uniques, &d.uniques, KeyedKind::Unique);
        let checks = self.match_named(&c.checks, &d.checks, |p, a, b| check_eq(p, a, b));
        self.emit_keyed(q, &checks, &c.checks, &d.checks, KeyedKind::Check);
        let indexes = self.match_named(&c.indexes, &d.indexes, |p, a, b| p.index_eq(a, b));
        self.emit_keyed(q, &indexes, &c.indexes, &d.indexes, KeyedKind::Index);

        // Foreign keys: like the others, plus the ones rebuilt for a change underneath them.
        let mut fks = self.match_named(&c.foreign_keys, &d.foreign_keys, |_, a, b| fk_eq(a, b));
        let forced: Vec<String> = fks
            .same
            .iter()
            .filter(|n| self.forced_fks.contains(&(q.clone(), (*n).clone())))
            .cloned()
            .collect();
        fks.same.retain(|n| !forced.contains(n));
        fks.replaced.extend(forced);
        self.emit_keyed(
            q,
            &fks,
            &c.foreign_keys,
            &d.foreign_keys,
            KeyedKind::ForeignKey,
        );
        for name in fks
            .same
            .iter()
            .chain(fks.renamed.iter().map(|(_, new)| new))
        {
            let (cur, des) = (fks_lookup(c, &fks, name), &d.foreign_keys[name]);
            if !cur.validated && des.validated {
                let s = step(
                    "validate-constraint",
                    Op::Alter,
                    "foreign-key",
                    sub(q, name),
                )
                .detail("NOT VALID → valid")
                .sql(format!(
                    "ALTER TABLE {qt} VALIDATE CONSTRAINT {}",
                    quote_ident(name)
                ))
                .hazard(
                    HazardKind::ValidatesRows,
                    "scans the table; fails if a row violates the foreign key",
                );
                self.push(Phase::Validate, s);
            }
        }
        for name in checks
            .same
            .iter()
            .chain(checks.renamed.iter().map(|(_, new)| new))
        {
            let cur_name = checks
                .renamed
                .iter()
                .find(|(_, n)| n == name)
                .map_or(name, |(o, _)| o);
            if !c.checks[cur_name].validated && d.checks[name].validated {
                let s = step("validate-constraint", Op::Alter, "check", sub(q, name))
                    .detail("NOT VALID → valid")
                    .sql(format!(
                        "ALTER TABLE {qt} VALIDATE CONSTRAINT {}",
                        quote_ident(name)
                    ))
                    .hazard(
                        HazardKind::ValidatesRows,
                        "scans the table; fails if a row violates the check",
                    );
                self.push(Phase::Validate, s);
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
            self.push(Phase::Comment, s);
        }
    }

    fn columns(&mut self, q: &QName, c: &Table, d: &Table) {
        let qt = quote_qname(q);
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
                self.push(Phase::Rename, s);
            }
        }
        for cc in &c.columns {
            let name = renamed.get(cc.name.as_str()).copied().unwrap_or(&cc.name);
            match d.column(name) {
                None => {
                    let s = step("drop-column", Op::Drop, "column", sub(q, &cc.name))
                        .detail(cc.ty.to_string())
                        .sql(format!(
                            "ALTER TABLE {qt} DROP COLUMN {}",
                            quote_ident(&cc.name)
                        ))
                        .hazard(
                            HazardKind::DataLoss,
                            "drops the column and every value in it",
                        );
                    self.push(Phase::DropTable, s);
                }
                Some(dc) => self.alter_column(q, cc, dc),
            }
        }
        for dc in &d.columns {
            let exists = c.column(&dc.name).is_some() || renamed.values().any(|n| *n == dc.name);
            if !exists {
                self.add_column(q, dc);
            }
        }
    }

    fn add_column(&mut self, q: &QName, col: &Column) {
        let qt = quote_qname(q);
        let mut s = step("add-column", Op::Create, "column", sub(q, &col.name))
            .detail(ddl::col_type(&col.ty))
            .sql(format!(
                "ALTER TABLE {qt} ADD COLUMN {}",
                ddl::column_def(col)
            ));
        if col.not_null
            && col.default.is_none()
            && col.identity.is_none()
            && col.generated.is_none()
        {
            s = s.hazard(
                HazardKind::ValidatesRows,
                "NOT NULL without a default: fails if the table has rows",
            );
        }
        if col.identity.is_some()
            || col.generated.is_some()
            || col.default.as_deref().is_some_and(is_volatile)
        {
            s = s.hazard(
                HazardKind::TableRewrite,
                "fills every existing row, rewriting the table",
            );
        }
        if let Some(c) = &col.comment {
            s = s.sql(ddl::comment(
                &format!("COLUMN {qt}.{}", quote_ident(&col.name)),
                Some(c),
            ));
        }
        self.push(Phase::Column, s);
    }

    fn alter_column(&mut self, q: &QName, c: &Column, d: &Column) {
        let qt = quote_qname(q);
        let qc = format!("ALTER TABLE {qt} ALTER COLUMN {}", quote_ident(&d.name));
        let obj = sub(q, &d.name);
        let retype = c.ty != d.ty || c.collation != d.collation;
        let default_changes = !self.same_opt(c.default.as_deref(), d.default.as_deref());
        let identity_added = c.identity.is_none() && d.identity.is_some();

        // Generated expressions cannot be altered in place (before PG 17).
        if c.generated != d.generated
            && !self.same_opt(c.generated.as_deref(), d.generated.as_deref())
        {
            match (&c.generated, &d.generated) {
                (Some(_), None) => {
                    let s = step("drop-expression", Op::Alter, "column", obj.clone())
                        .detail("generated → plain column")
                        .sql(format!("{qc} DROP EXPRESSION"));
                    self.push(Phase::Column, s);
                }
                _ => {
                    let mut s = step("replace-column", Op::Alter, "column", obj.clone())
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
                        .hazard(
                            HazardKind::TableRewrite,
                            "recomputes the column for every row",
                        );
                    if c.generated.is_none() {
                        s = s.hazard(
                            HazardKind::DataLoss,
                            "the column's stored values are replaced by computed ones",
                        );
                    }
                    self.push(Phase::Column, s);
                    return;
                }
            }
        }

        if c.default.is_some()
            && (default_changes && d.default.is_none() || retype || identity_added)
        {
            let s = step("drop-default", Op::Alter, "column", obj.clone())
                .detail(format!("default {} → none", show(c.default.as_deref())))
                .sql(format!("{qc} DROP DEFAULT"));
            self.push(Phase::Column, s);
        }
        if c.identity.is_some() && d.identity.is_none() {
            let s = step("drop-identity", Op::Alter, "column", obj.clone())
                .detail("identity → none")
                .sql(format!("{qc} DROP IDENTITY"));
            self.push(Phase::Column, s);
        }
        if retype {
            let change = type_change(&c.ty, &d.ty);
            let mut sql = format!("{qc} TYPE {}", ddl::col_type(&d.ty));
            if let Some(coll) = &d.collation {
                sql.push_str(&format!(" COLLATE {}", ddl::collation(coll)));
            }
            if change.needs_using {
                let via = if c.ty.schema.is_some() && !c.ty.array {
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
            let mut s = step("alter-column-type", Op::Alter, "column", obj.clone())
                .detail(detail)
                .sql(sql);
            if change.lossy {
                s = s.hazard(
                    HazardKind::DataLoss,
                    "narrowing conversion: values may be cut, rounded or rejected",
                );
            }
            if change.rewrite || c.collation != d.collation {
                s = s
                    .hazard(
                        HazardKind::TableRewrite,
                        "rewrites the table and rebuilds its indexes",
                    )
                    .hazard(
                        HazardKind::AccessExclusiveLock,
                        "blocks reads and writes while rewriting",
                    );
            }
            self.push(Phase::Column, s);
        }
        if c.not_null != d.not_null && !(d.identity.is_some() && d.not_null) {
            let s = if d.not_null {
                step("set-not-null", Op::Alter, "column", obj.clone())
                    .detail("nullable → NOT NULL")
                    .sql(format!("{qc} SET NOT NULL"))
                    .hazard(
                        HazardKind::ValidatesRows,
                        "scans the table; fails if a row holds NULL",
                    )
            } else {
                step("drop-not-null", Op::Alter, "column", obj.clone())
                    .detail("NOT NULL → nullable")
                    .sql(format!("{qc} DROP NOT NULL"))
            };
            self.push(Phase::Column, s);
        }
        match (c.identity, d.identity) {
            (None, Some(id)) => {
                let mut s = step("add-identity", Op::Alter, "column", obj.clone())
                    .detail(format!("identity {}", id.sql()));
                if !c.not_null {
                    s = s.sql(format!("{qc} SET NOT NULL"));
                }
                s = s.sql(format!("{qc} ADD GENERATED {} AS IDENTITY", id.sql()));
                self.push(Phase::Column, s);
            }
            (Some(a), Some(b)) if a != b => {
                let s = step("set-identity", Op::Alter, "column", obj.clone())
                    .detail(format!("identity {} → {}", a.sql(), b.sql()))
                    .sql(format!("{qc} SET GENERATED {}", b.sql()));
                self.push(Phase::Column, s);
            }
            _ => {}
        }
        if let Some(def) = &d.default
            && (default_changes || retype || identity_added)
        {
            let from = if retype || identity_added {
                None
            } else {
                c.default.as_deref()
            };
            let s = step("set-default", Op::Alter, "column", obj.clone())
                .detail(format!("default {} → {def}", from.unwrap_or("none")))
                .sql(format!("{qc} SET DEFAULT {def}"));
            self.push(Phase::Column, s);
        }
        if c.comment != d.comment {
            let s = step("set-comment", Op::Alter, "column", obj)
                .detail(format!(
                    "comment: {} → {}",
                    show(c.comment.as_deref()),
                    show(d.comment.as_deref())
                ))
                .sql(ddl::comment(
                    &format!("COLUMN {qt}.{}", quote_ident(&d.name)),
                    d.comment.as_deref(),
                ));
            self.push(Phase::Comment, s);
        }
    }

    // ---- keys, indexes, foreign keys ------------------------------------------------------

    fn primary_key(&mut self, q: &QName, c: Option<&PrimaryKey>, d: Option<&PrimaryKey>) {
        let qt = quote_qname(q);
        let same_def =
            |a: &PrimaryKey, b: &PrimaryKey| a.columns == b.columns && a.deferrable == b.deferrable;
        match (c, d) {
            (None, None) => {}
            (Some(c), Some(d)) if same_def(c, d) => {
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
                    self.push(Phase::Rename, s);
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
                    self.push(Phase::DropKey, s);
                }
                if let Some(d) = d {
                    let mut s = step(
                        "add-primary-key",
                        Op::Create,
                        "primary-key",
                        sub(q, &d.name),
                    )
                    .detail(format!("({})", d.columns.join(", ")))
                    .sql(format!(
                        "ALTER TABLE {qt} ADD {}",
                        ddl::primary_key_clause(d)
                    ))
                    .hazard(
                        HazardKind::IndexBuild,
                        "builds a unique index; fails on duplicate keys",
                    );
                    if let Some(text) = &d.comment {
                        s = s.sql(ddl::comment(
                            &format!("CONSTRAINT {} ON {qt}", quote_ident(&d.name)),
                            Some(text),
                        ));
                    }
                    self.push(Phase::AddKey, s);
                }
            }
        }
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
        self.push(Phase::Comment, s);
    }

    /// Matches two name → definition maps: same name and definition, same definition under
    /// another name (a rename), same name with another definition (replace), or one-sided.
    fn match_named<T>(
        &self,
        cur: &BTreeMap<String, T>,
        des: &BTreeMap<String, T>,
        eq: impl Fn(&Self, &T, &T) -> bool,
    ) -> Matched {
        let mut m = Matched::default();
        for (name, d) in des {
            match cur.get(name) {
                Some(c) if eq(self, c, d) => m.same.push(name.clone()),
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
                .position(|old| eq(self, &cur[old], &des[new]))
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
        cur: &BTreeMap<String, T>,
        des: &BTreeMap<String, T>,
        kind: KeyedKind,
    ) {
        for name in m.dropped.iter().chain(&m.replaced) {
            self.drop_keyed(q, name, kind, cur[name].summary());
        }
        for (old, new) in &m.renamed {
            let sql = match kind {
                KeyedKind::Index => format!(
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
            let s = step(kind.rename_kind(), Op::Alter, kind.object(), sub(q, new))
                .detail(format!("renamed from {old}"))
                .sql(sql);
            self.push(Phase::Rename, s);
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
                if kind == KeyedKind::Index {
                    let qi = quote_qname(&QName::new(q.schema.clone(), new.clone()));
                    let s = step("set-comment", Op::Alter, "index", sub(q, new))
                        .detail(format!("comment: {} → {}", show(from), show(to)))
                        .sql(ddl::comment(&format!("INDEX {qi}"), to));
                    self.push(Phase::Comment, s);
                } else {
                    self.constraint_comment(q, kind.object(), new, from, to);
                }
            }
        }
    }

    fn drop_keyed(&mut self, q: &QName, name: &str, kind: KeyedKind, detail: String) {
        let (step_kind, phase) = match kind {
            KeyedKind::ForeignKey => ("drop-foreign-key", Phase::DropForeignKey),
            KeyedKind::Unique => ("drop-unique", Phase::DropKey),
            KeyedKind::Check => ("drop-check", Phase::DropKey),
            KeyedKind::Index => ("drop-index", Phase::DropKey),
        };
        let sql = match kind {
            KeyedKind::Index => format!(
                "DROP INDEX {}",
                quote_qname(&QName::new(q.schema.clone(), name.to_owned()))
            ),
            _ => format!(
                "ALTER TABLE {} DROP CONSTRAINT {}",
                quote_qname(q),
                quote_ident(name)
            ),
        };
        let s = step(step_kind, Op::Drop, kind.object(), sub(q, name))
            .detail(detail)
            .sql(sql);
        self.push(phase, s);
    }

    fn create_index(&mut self, q: &QName, name: &str, ix: &Index, new_table: bool) {
        let mut s = step("create-index", Op::Create, "index", sub(q, name))
            .detail(index_summary(ix))
            .sql(ddl::create_index(q, name, ix, false));
        if !new_table {
            s = s.hazard(
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
        self.push(Phase::AddKey, s);
    }

    fn add_foreign_key(&mut self, q: &QName, name: &str, fk: &ForeignKey, new_table: bool) {
        let qt = quote_qname(q);
        let mut s = step("add-foreign-key", Op::Create, "foreign-key", sub(q, name))
            .detail(fk_summary(fk))
            .sql(format!(
                "ALTER TABLE {qt} ADD {}",
                ddl::foreign_key_clause(name, fk, !fk.validated)
            ));
        if !new_table {
            s = s.hazard(
                HazardKind::ValidatesRows,
                "scans the table; fails if a row has no matching parent",
            );
        }
        if let Some(c) = &fk.comment {
            s = s.sql(ddl::comment(
                &format!("CONSTRAINT {} ON {qt}", quote_ident(name)),
                Some(c),
            ));
        }
        self.push(Phase::AddForeignKey, s);
    }

    fn index_eq(&self, a: &Index, b: &Index) -> bool {
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
                            canonical_expr(e, &self.ctx)
                                == canonical_expr(&quote_ident(c), &self.ctx)
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

fn fks_lookup<'t>(c: &'t Table, m: &Matched, name: &str) -> &'t ForeignKey {
    let cur_name = m
        .renamed
        .iter()
        .find(|(_, n)| n == name)
        .map_or(name, |(o, _)| o.as_str());
    &c.foreign_keys[cur_name]
}

#[derive(Debug, Default)]
struct Matched {
    same: Vec<String>,
    renamed: Vec<(String, String)>,
    replaced: Vec<String>,
    added: Vec<String>,
    dropped: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyedKind {
    Unique,
    Check,
    ForeignKey,
    Index,
}

impl KeyedKind {
    fn object(self) -> &'static str {
        match self {
            KeyedKind::Unique => "unique",
            KeyedKind::Check => "check",
            KeyedKind::ForeignKey => "foreign-key",
            KeyedKind::Index => "index",
        }
    }

    fn rename_kind(self) -> &'static str {
        match self {
            KeyedKind::Index => "rename-index",
            _ => "rename-constraint",
        }
    }
}

/// Constraint-like objects stored by name on a table.
trait Keyed {
    fn comment(&self) -> Option<&str>;
    /// The definition in a few words, for step details.
    fn summary(&self) -> String;
    fn create(&self, p: &mut Planner<'_>, q: &QName, name: &str);
}

impl Keyed for Unique {
    fn comment(&self) -> Option<&str> {
        self.comment.as_deref()
    }
    fn summary(&self) -> String {
        format!("({})", self.columns.join(", "))
    }
    fn create(&self, p: &mut Planner<'_>, q: &QName, name: &str) {
        let qt = quote_qname(q);
        let mut s = step("add-unique", Op::Create, "unique", sub(q, name))
            .detail(self.summary())
            .sql(format!(
                "ALTER TABLE {qt} ADD {}",
                ddl::unique_clause(name, self)
            ))
            .hazard(
                HazardKind::IndexBuild,
                "builds a unique index; fails on duplicate values",
            );
        if let Some(c) = &self.comment {
            s = s.sql(ddl::comment(
                &format!("CONSTRAINT {} ON {qt}", quote_ident(name)),
                Some(c),
            ));
        }
        p.push(Phase::AddKey, s);
    }
}

impl Keyed for Check {
    fn comment(&self) -> Option<&str> {
        self.comment.as_deref()
    }
    fn summary(&self) -> String {
        self.expr.clone()
    }
    fn create(&self, p: &mut Planner<'_>, q: &QName, name: &str) {
        let qt = quote_qname(q);
        let mut s = step("add-check", Op::Create, "check", sub(q, name))
            .detail(self.summary())
            .sql(format!(
                "ALTER TABLE {qt} ADD {}",
                ddl::check_clause(name, self)
            ))
            .hazard(
                HazardKind::ValidatesRows,
                "scans the table; fails if a row violates the check",
            );
        if let Some(c) = &self.comment {
            s = s.sql(ddl::comment(
                &format!("CONSTRAINT {} ON {qt}", quote_ident(name)),
                Some(c),
            ));
        }
        p.push(Phase::AddKey, s);
    }
}

impl Keyed for ForeignKey {
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
    fn comment(&self) -> Option<&str> {
        self.comment.as_deref()
    }
    fn summary(&self) -> String {
        index_summary(self)
    }
    fn create(&self, p: &mut Planner<'_>, q: &QName, name: &str) {
        p.create_index(q, name, self, false);
    }
}

fn unique_eq(a: &Unique, b: &Unique) -> bool {
    a.columns == b.columns
        && a.nulls_not_distinct == b.nulls_not_distinct
        && a.deferrable == b.deferrable
}

fn check_eq(p: &Planner<'_>, a: &Check, b: &Check) -> bool {
    a.no_inherit == b.no_inherit && p.same(&a.expr, &b.expr)
}

fn fk_eq(a: &ForeignKey, b: &ForeignKey) -> bool {
    a.columns == b.columns
        && a.ref_table == b.ref_table
        && a.ref_columns == b.ref_columns
        && a.on_delete == b.on_delete
        && a.on_update == b.on_update
        && a.match_full == b.match_full
        && a.deferrable == b.deferrable
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

fn index_summary(ix: &Index) -> String {
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

/// What converting a column from one type to another costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TypeChange {
    /// Values may be cut, rounded, reinterpreted or rejected.
    lossy: bool,
    /// Every row is rewritten.
    rewrite: bool,
    /// No assignment cast exists: `USING col::new` is needed.
    needs_using: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    /// varchar(n) / varchar / text; `None` = unbounded.
    Text(Option<u32>),
    /// char(n)
    Char(u32),
    /// smallint = 2, integer = 4, bigint = 8
    Int(u8),
    /// numeric(p, s); `None` = unbounded
    Numeric(Option<(u32, u32)>),
    /// real = 4, double precision = 8
    Float(u8),
    /// timestamp[tz](p): (with time zone, precision)
    Timestamp(bool, Option<u32>),
    Other,
}

fn family(t: &ColType) -> Family {
    if t.schema.is_some() || t.array {
        return Family::Other;
    }
    let name = t.name.as_str();
    let arg = |prefix: &str| -> Option<Option<u32>> {
        let rest = name.strip_prefix(prefix)?;
        if rest.is_empty() {
            return Some(None);
        }
        rest.strip_prefix('(')?
            .strip_suffix(')')?
            .parse()
            .ok()
            .map(Some)
    };
    if let Some(n) = arg("character varying") {
        return Family::Text(n);
    }
    if name == "text" {
        return Family::Text(None);
    }
    if let Some(n) = arg("character") {
        return Family::Char(n.unwrap_or(1));
    }
    match name {
        "smallint" => return Family::Int(2),
        "integer" => return Family::Int(4),
        "bigint" => return Family::Int(8),
        "real" => return Family::Float(4),
        "double precision" => return Family::Float(8),
        "numeric" => return Family::Numeric(None),
        _ => {}
    }
    if let Some(inner) = name
        .strip_prefix("numeric(")
        .and_then(|r| r.strip_suffix(')'))
    {
        let mut parts = inner.split(',').map(|p| p.trim().parse::<u32>());
        if let (Some(Ok(p)), s) = (parts.next(), parts.next()) {
            return Family::Numeric(Some((p, s.and_then(Result::ok).unwrap_or(0))));
        }
    }
    for (tz, suffix) in [(false, " without time zone"), (true, " with time zone")] {
        if let Some(head) = name.strip_suffix(suffix)
            && let Some(p) = arg_of(head, "timestamp")
        {
            return Family::Timestamp(tz, p);
        }
    }
    Family::Other
}

fn arg_of(name: &str, prefix: &str) -> Option<Option<u32>> {
    let rest = name.strip_prefix(prefix)?;
    if rest.is_empty() {
        return Some(None);
    }
    rest.strip_prefix('(')?
        .strip_suffix(')')?
        .parse()
        .ok()
        .map(Some)
}

fn type_change(from: &ColType, to: &ColType) -> TypeChange {
    use Family::*;
    let widen = |a: Option<u32>, b: Option<u32>| match (a, b) {
        (_, None) => true,
        (Some(a), Some(b)) => b >= a,
        (None, Some(_)) => false,
    };
    let (lossy, rewrite, needs_using) = match (family(from), family(to)) {
        (Text(a), Text(b)) => (!widen(a, b), false, false),
        (Char(a), Char(b)) => (b < a, true, false),
        (Char(_), Text(b)) | (Text(b), Char(_)) => (b.is_some(), true, false),
        (Int(a), Int(b)) => (b < a, true, false),
        (Int(_), Numeric(None)) => (false, true, false),
        (Int(_), Numeric(Some((p, s)))) => (p.saturating_sub(s) < 19, true, false),
        (Int(_), Float(_)) => (true, true, false),
        (Numeric(Some((p1, s1))), Numeric(Some((p2, s2)))) => (p2 < p1 || s2 < s1, s1 != s2, false),
        (Numeric(_), Numeric(None)) => (false, false, false),
        (Numeric(None), Numeric(Some(_))) => (true, true, false),
        (Float(4), Float(8)) => (false, true, false),
        (Numeric(_) | Float(_), Int(_) | Float(_) | Numeric(_)) => (true, true, false),
        (Timestamp(z1, a), Timestamp(z2, b)) => {
            (z1 != z2 || !widen(a, b), z1 != z2 || !widen(a, b), false)
        }
        (Text(_), Other) if to.schema.is_some() => (true, true, true),
        (Other, Text(b)) if from.schema.is_some() => (b.is_some(), true, true),
        _ => (true, true, true),
    };
    TypeChange {
        lossy,
        rewrite,
        needs_using,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> ColType {
        ColType::builtin(s)
    }

    #[test]
    fn type_changes_are_classified() {
        let widen = type_change(&t("character varying(100)"), &t("character varying(200)"));
        assert_eq!(
            widen,
            TypeChange {
                lossy: false,
                rewrite: false,
                needs_using: false
            }
        );
        let narrow = type_change(&t("character varying(200)"), &t("character varying(100)"));
        assert!(narrow.lossy && !narrow.needs_using);
        assert!(!type_change(&t("character varying(10)"), &t("text")).lossy);
        assert!(type_change(&t("text"), &t("character varying(10)")).lossy);
        let int_big = type_change(&t("integer"), &t("bigint"));
        assert!(!int_big.lossy && int_big.rewrite);
        assert!(type_change(&t("bigint"), &t("integer")).lossy);
        let to_int = type_change(&t("text"), &t("integer"));
        assert!(to_int.lossy && to_int.needs_using);
        assert!(!type_change(&t("numeric(10,2)"), &t("numeric(12,2)")).rewrite);
        assert!(type_change(&t("numeric(10,2)"), &t("numeric(10,1)")).lossy);
        let e = ColType::user(QName::new("public", "mood"));
        assert!(type_change(&t("text"), &e).needs_using);
        assert!(!type_change(&e, &t("text")).lossy);
        assert!(
            !type_change(
                &t("timestamp(3) without time zone"),
                &t("timestamp without time zone")
            )
            .lossy
        );
        assert!(
            type_change(
                &t("timestamp without time zone"),
                &t("timestamp with time zone")
            )
            .rewrite
        );
    }

    #[test]
    fn volatile_defaults() {
        assert!(is_volatile("gen_random_uuid()"));
        assert!(!is_volatile("now()"));
    }
}

#[cfg(test)]
mod plan_tests {
    //! Model-level diffs: each test builds two catalogs and checks the steps as text.

    use expect_test::{Expect, expect};

    use super::*;
    use crate::model::pg::{EnumType, FkAction, IndexKey, SchemaDef};

    fn table(cols: &[(&str, &str)]) -> Table {
        let mut t = Table::default();
        for (name, ty) in cols {
            let mut c = Column::new(*name, ColType::builtin(*ty));
            c.not_null = *name == "id";
            t.columns.push(c);
        }
        t.primary_key = Some(PrimaryKey {
            name: "pk".into(),
            columns: vec!["id".into()],
            deferrable: Default::default(),
            comment: None,
        });
        t
    }

    fn catalog(tables: Vec<(&str, Table)>) -> Catalog {
        let mut c = Catalog::default();
        c.schemas.insert("public".into(), SchemaDef::default());
        for (name, t) in tables {
            c.tables.insert(QName::new("public", name), t);
        }
        c
    }

    fn check(current: &Catalog, desired: &Catalog, expected: Expect) {
        let steps = diff(current, desired, &DiffOptions::default());
        let text: String = steps
            .iter()
            .map(|s| {
                let hazards: Vec<&str> = s.hazards.iter().map(|h| h.kind.code()).collect();
                format!(
                    "{} {} {} [{}]\n{}\n",
                    s.op.glyph(),
                    s.kind,
                    s.object.name,
                    hazards.join(","),
                    s.statements.join(";\n")
                )
            })
            .collect();
        expected.assert_eq(&text);
    }

    fn fk(columns: &[&str], to: &str, ref_columns: &[&str]) -> ForeignKey {
        ForeignKey {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            ref_table: QName::new("public", to),
            ref_columns: ref_columns.iter().map(|c| c.to_string()).collect(),
            on_delete: FkAction::NoAction,
            on_update: FkAction::NoAction,
            match_full: false,
            deferrable: Default::default(),
            validated: true,
            comment: None,
        }
    }

    #[test]
    fn identical_catalogs_need_nothing() {
        let c = catalog(vec![("t", table(&[("id", "integer"), ("a", "text")]))]);
        assert!(diff(&c, &c, &DiffOptions::default()).is_empty());
    }

    #[test]
    fn enum_labels_are_added_at_their_position() {
        let mut a = catalog(vec![]);
        a.enums.insert(
            QName::new("public", "mood"),
            EnumType {
                labels: vec!["sad".into(), "happy".into()],
                comment: None,
            },
        );
        let mut b = a.clone();
        b.enums
            .get_mut(&QName::new("public", "mood"))
            .unwrap()
            .labels = vec!["angry".into(), "sad".into(), "meh".into(), "happy".into()];
        check(
            &a,
            &b,
            expect![[r#"
                ~ add-enum-value public.mood [irreversible]
                ALTER TYPE "public"."mood" ADD VALUE 'angry' BEFORE 'sad'
                ~ add-enum-value public.mood [irreversible]
                ALTER TYPE "public"."mood" ADD VALUE 'meh' AFTER 'sad'
            "#]],
        );
    }

    #[test]
    fn removing_an_enum_label_rewrites_the_type_and_its_columns() {
        let mood = QName::new("public", "mood");
        let mut t = table(&[("id", "integer")]);
        let mut c = Column::new("m", ColType::user(mood.clone()));
        c.default = Some("'sad'::public.mood".into());
        t.columns.push(c);
        let mut a = catalog(vec![("t", t)]);
        a.enums.insert(
            mood.clone(),
            EnumType {
                labels: vec!["sad".into(), "happy".into()],
                comment: None,
            },
        );
        let mut b = a.clone();
        b.enums.get_mut(&mood).unwrap().labels = vec!["sad".into()];
        check(
            &a,
            &b,
            expect![[r#"
                ~ replace-enum public.mood [data-loss,table-rewrite,access-exclusive-lock]
                ALTER TYPE "public"."mood" RENAME TO "mood__seadiff_old";
                CREATE TYPE "public"."mood" AS ENUM ('sad');
                ALTER TABLE "public"."t" ALTER COLUMN "m" DROP DEFAULT;
                ALTER TABLE "public"."t" ALTER COLUMN "m" TYPE "public"."mood" USING "m"::text::"public"."mood";
                ALTER TABLE "public"."t" ALTER COLUMN "m" SET DEFAULT 'sad'::public.mood;
                DROP TYPE "public"."mood__seadiff_old"
            "#]],
        );
    }

    #[test]
    fn an_index_under_another_name_is_renamed_not_rebuilt() {
        let mut a = table(&[("id", "integer"), ("a", "text")]);
        let ix = Index {
            unique: false,
            method: "btree".into(),
            keys: vec![IndexKey::column("a")],
            include: vec![],
            predicate: None,
            nulls_not_distinct: false,
            valid: true,
            comment: None,
        };
        a.indexes.insert("t_a_idx".into(), ix.clone());
        let mut b = a.clone();
        b.indexes.clear();
        b.indexes.insert("idx-t-a".into(), ix);
        check(
            &catalog(vec![("t", a)]),
            &catalog(vec![("t", b)]),
            expect![[r#"
                ~ rename-index public.t.idx-t-a []
                ALTER INDEX "public"."t_a_idx" RENAME TO "idx-t-a"
            "#]],
        );
    }

    #[test]
    fn foreign_keys_over_a_changing_key_are_dropped_first_and_added_last() {
        let parent = table(&[("id", "integer"), ("code", "text")]);
        let mut child = table(&[("id", "integer"), ("parent_id", "integer")]);
        child.foreign_keys.insert(
            "child_parent_fk".into(),
            fk(&["parent_id"], "parent", &["id"]),
        );
        let a = catalog(vec![("parent", parent.clone()), ("child", child.clone())]);
        let mut parent2 = parent;
        parent2.columns[0].ty = ColType::builtin("bigint");
        let mut child2 = child;
        child2.columns[1].ty = ColType::builtin("bigint");
        let b = catalog(vec![("parent", parent2), ("child", child2)]);
        check(
            &a,
            &b,
            expect![[r#"
                - drop-foreign-key public.child.child_parent_fk []
                ALTER TABLE "public"."child" DROP CONSTRAINT "child_parent_fk"
                ~ alter-column-type public.child.parent_id [table-rewrite,access-exclusive-lock]
                ALTER TABLE "public"."child" ALTER COLUMN "parent_id" TYPE bigint
                ~ alter-column-type public.parent.id [table-rewrite,access-exclusive-lock]
                ALTER TABLE "public"."parent" ALTER COLUMN "id" TYPE bigint
                + add-foreign-key public.child.child_parent_fk [validates-rows]
                ALTER TABLE "public"."child" ADD CONSTRAINT "child_parent_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."parent" ("id")
            "#]],
        );
    }

    #[test]
    fn tables_in_a_foreign_key_cycle_are_dropped_after_their_keys() {
        let mut a_t = table(&[("id", "integer"), ("b_id", "integer")]);
        a_t.foreign_keys
            .insert("a_b".into(), fk(&["b_id"], "b", &["id"]));
        let mut b_t = table(&[("id", "integer"), ("a_id", "integer")]);
        b_t.foreign_keys
            .insert("b_a".into(), fk(&["a_id"], "a", &["id"]));
        let mut c_t = table(&[("id", "integer"), ("a_id", "integer")]);
        c_t.foreign_keys
            .insert("c_a".into(), fk(&["a_id"], "a", &["id"]));
        let current = catalog(vec![("a", a_t), ("b", b_t), ("c", c_t)]);
        check(
            &current,
            &catalog(vec![]),
            expect![[r#"
                - drop-foreign-key public.a.a_b []
                ALTER TABLE "public"."a" DROP CONSTRAINT "a_b"
                - drop-foreign-key public.b.b_a []
                ALTER TABLE "public"."b" DROP CONSTRAINT "b_a"
                - drop-table public.c [data-loss]
                DROP TABLE "public"."c"
                - drop-table public.a [data-loss]
                DROP TABLE "public"."a"
                - drop-table public.b [data-loss]
                DROP TABLE "public"."b"
            "#]],
        );
    }

    #[test]
    fn renamed_from_renames_the_column() {
        let a = table(&[("id", "integer"), ("mail", "text")]);
        let mut b = table(&[("id", "integer"), ("email", "text")]);
        b.columns[1].renamed_from = Some("mail".into());
        check(
            &catalog(vec![("t", a)]),
            &catalog(vec![("t", b)]),
            expect![[r#"
                ~ rename-column public.t.email []
                ALTER TABLE "public"."t" RENAME COLUMN "mail" TO "email"
            "#]],
        );
    }
}
