//! Catalog rows → the neutral model, plus the dependency graph between modelled objects.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::super::PgError;
use super::Scope;
use super::rows::{
    ColumnRow, ConstraintRow, DependRow, Doc, FunctionRow, IndexRow, Meta, PolicyRow, RelRow,
    SeqRow, TriggerRow, TypeRow,
};
use super::sql::Part;
use crate::model::pg::{
    Attribute, Catalog, Check, ColType, Collation, Column, ColumnRef, Composite, Deferrable,
    Domain, EnumType, Exclusion, Extension, FkAction, ForeignKey, Function, FunctionKind, Grant,
    Identity, Index, IndexKey, KeyTarget, ObjKind, ObjRef, PartitionOf, Policy, PrimaryKey, QName,
    SchemaDef, SeqOptions, Sequence, Table, Trigger, Unique, Unmanaged, VecMap, View, ViewColumn,
};

/// What an oid of `pg_class` turned out to be.
#[derive(Debug, Clone)]
enum Rel {
    Table(QName),
    View(QName),
    Sequence,
    Composite(QName),
}

/// Builds the catalog from documents as they arrive, in any order: each is assembled as soon
/// as the documents it needs are in (columns need the relations, constraints the types and
/// columns, dependencies everything), so decoding and assembling overlap the server's work and
/// a document's rows are dropped once used.
pub(super) struct Assembly {
    a: Assembler,
    scope: Scope,
    meta: Option<Meta>,
    pending: BTreeMap<Part, Doc>,
    done: BTreeSet<Part>,
}

impl Assembly {
    pub(super) fn new(scope: &Scope) -> Assembly {
        Assembly {
            a: Assembler {
                cat: Catalog::default(),
                unmanaged: BTreeSet::new(),
                rels: HashMap::new(),
                refs: Refs::default(),
            },
            scope: scope.clone(),
            meta: None,
            pending: BTreeMap::new(),
            done: BTreeSet::new(),
        }
    }

    /// What must be assembled before `part`.
    fn needs(part: Part) -> &'static [Part] {
        match part {
            // A composite type's attributes are columns of its relation: the type must be in.
            Part::Columns => &[Part::Relations, Part::Types],
            Part::Triggers | Part::Policies => &[Part::Relations],
            Part::Indexes => &[Part::Relations, Part::Columns],
            Part::Constraints => &[Part::Relations, Part::Types, Part::Columns],
            Part::Depends => &[
                Part::Collations,
                Part::Relations,
                Part::Types,
                Part::Columns,
                Part::Constraints,
                Part::Indexes,
                Part::Functions,
                Part::Triggers,
                Part::Policies,
            ],
            _ => &[],
        }
    }

    /// Takes the document of `part`, as the server sent it. The columns document, the
    /// largest by far, goes row by row straight into the model when the relations and types
    /// are in (almost always: the relations come first on the columns' connection, the types
    /// early on the other, both quick), so its rows are never all held at once; any other
    /// document, or the columns when they come first, is decoded, then assembled when what
    /// it needs is in.
    pub(super) fn add_text(&mut self, part: Part, text: &str) -> Result<(), PgError> {
        if part == Part::Columns && self.ready(part) {
            self.a.stream_columns(text)?;
            self.done.insert(part);
            self.drain();
            return Ok(());
        }
        self.add(Doc::decode(part, text)?);
        Ok(())
    }

    /// Whether everything `part`'s document needs is assembled.
    fn ready(&self, part: Part) -> bool {
        Self::needs(part).iter().all(|n| self.done.contains(n))
    }

    pub(super) fn add(&mut self, doc: Doc) {
        self.pending.insert(doc.part(), doc);
        self.drain();
    }

    /// Assembles every pending document whose needs are in.
    fn drain(&mut self) {
        while let Some(part) = self.pending.keys().copied().find(|p| self.ready(*p)) {
            if let Some(doc) = self.pending.remove(&part) {
                self.assemble(doc);
            }
            self.done.insert(part);
        }
    }

    fn assemble(&mut self, doc: Doc) {
        let a = &mut self.a;
        match doc {
            Doc::Meta(m) => self.meta = Some(m),
            Doc::Schemas(rows) => {
                for s in rows {
                    // `public` ships with this comment; it is not a declaration anyone made.
                    let comment = s
                        .comment
                        .filter(|c| !(s.name == "public" && c == "standard public schema"));
                    a.cat.schemas.insert(s.name, SchemaDef { comment });
                }
            }
            Doc::Extensions(rows) => {
                for e in rows {
                    a.cat.extensions.insert(
                        e.name,
                        Extension {
                            schema: Some(e.schema),
                            version: Some(e.version),
                        },
                    );
                }
            }
            Doc::Collations(rows) => {
                for c in rows {
                    let q = QName::new(c.schema, c.name);
                    a.refs
                        .objects
                        .insert((Cat::Collation, c.oid), ObjRef::new(ObjKind::Collation, &q));
                    let collation = Collation {
                        provider: c.provider,
                        locale: c.locale,
                        lc_collate: c.lc_collate,
                        lc_ctype: c.lc_ctype,
                        deterministic: c.deterministic,
                        comment: c.comment,
                    };
                    a.cat.collations.insert(q, collation);
                }
            }
            Doc::Relations(rows) => a.relations(&rows, &self.scope),
            Doc::Types(rows) => a.types(&rows),
            Doc::Columns(rows) => a.columns(rows),
            Doc::Constraints(rows) => a.constraints(rows),
            Doc::Indexes(rows) => a.indexes(rows),
            Doc::Functions(rows) => a.functions(rows),
            Doc::Triggers(rows) => a.triggers(rows),
            Doc::Policies(rows) => a.policies(rows),
            Doc::Depends(rows) => a.depends(&rows),
            Doc::Others(rows) => {
                for o in rows {
                    let reason = format!("{}s are not managed by this version", o.kind);
                    a.note(&o.kind, o.name, &reason);
                }
            }
        }
    }

    /// The catalog, once every document is in.
    pub(super) fn finish(mut self) -> Result<(Catalog, Meta), PgError> {
        if let Some(missing) = Part::ALL.iter().find(|p| !self.done.contains(p)) {
            return Err(PgError::Catalog {
                what: "the catalog read",
                detail: format!("no result for {missing:?}"),
            });
        }
        let meta = self.meta.take().ok_or(PgError::Catalog {
            what: "server information",
            detail: "missing result".to_owned(),
        })?;
        let mut a = self.a;
        a.structural_depends();
        a.cat.unmanaged = a.unmanaged.into_iter().collect();
        Ok((a.cat, meta))
    }
}

/// The system catalogs a dependency can point into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Cat {
    Class,
    Type,
    Proc,
    Rewrite,
    Trigger,
    Policy,
    Constraint,
    Attrdef,
    Collation,
}

impl Cat {
    fn parse(name: &str) -> Option<Cat> {
        Some(match name {
            "pg_class" => Cat::Class,
            "pg_type" => Cat::Type,
            "pg_proc" => Cat::Proc,
            "pg_rewrite" => Cat::Rewrite,
            "pg_trigger" => Cat::Trigger,
            "pg_policy" => Cat::Policy,
            "pg_constraint" => Cat::Constraint,
            "pg_attrdef" => Cat::Attrdef,
            "pg_collation" => Cat::Collation,
            _ => return None,
        })
    }
}

/// Where each oid lives in the model, for dependencies. Lookups only (never iterated into
/// the model in their own order), so hash maps.
#[derive(Debug, Default)]
struct Refs {
    /// (catalog, oid) → object.
    objects: HashMap<(Cat, u32), ObjRef>,
    /// Column defaults (`pg_attrdef` oids) → their column (table oid, attnum).
    attrdefs: HashMap<u32, (u32, i16)>,
    /// Array types → their element type's oid.
    arrays: HashMap<u32, u32>,
    /// Row types → their relation's oid.
    row_types: HashMap<u32, u32>,
    /// (relation oid, attnum) → column name.
    columns: HashMap<(u32, i16), String>,
}

struct Assembler {
    cat: Catalog,
    unmanaged: BTreeSet<Unmanaged>,
    rels: HashMap<u32, Rel>,
    refs: Refs,
}

impl Assembler {
    fn note(&mut self, kind: &str, name: String, reason: &str) {
        self.unmanaged.insert(Unmanaged {
            kind: kind.to_owned(),
            name,
            reason: reason.to_owned(),
        });
    }

    fn relations(&mut self, rels: &[RelRow], scope: &Scope) {
        for r in rels {
            let q = QName::new(r.schema.clone(), r.name.clone());
            match r.kind.as_str() {
                "r" | "p" => {
                    if let Some(reason) = scope.ignore.reason(&q) {
                        self.note("table", q.to_string(), reason);
                        continue;
                    }
                    let mut t = Table {
                        comment: r.comment.clone(),
                        rls_enabled: r.rls,
                        rls_forced: r.force_rls,
                        unlogged: r.unlogged,
                        grants: grants(r),
                        partition_by: r.partition_key.clone(),
                        ..Table::default()
                    };
                    let parents: Vec<QName> = r
                        .parents
                        .iter()
                        .map(|p| QName::new(p.schema.clone(), p.name.clone()))
                        .collect();
                    if r.partition {
                        if let (Some(parent), Some(bound)) = (parents.first(), &r.partition_bound) {
                            t.partition_of = Some(PartitionOf {
                                parent: parent.clone(),
                                bound: bound.clone(),
                            });
                        }
                    } else {
                        t.inherits = parents;
                    }
                    self.cat.tables.insert(q.clone(), t);
                    self.register_rel(r, Rel::Table(q.clone()), ObjRef::new(ObjKind::Table, &q));
                }
                "v" | "m" => {
                    let definition = r
                        .view
                        .as_deref()
                        .unwrap_or_default()
                        .trim()
                        .trim_end_matches(';')
                        .trim_end()
                        .to_owned();
                    let view = View {
                        materialized: r.kind == "m",
                        definition,
                        columns: Vec::new(),
                        options: r.options.clone().unwrap_or_default(),
                        indexes: VecMap::new(),
                        triggers: VecMap::new(),
                        grants: grants(r),
                        comment: r.comment.clone(),
                    };
                    self.cat.views.insert(q.clone(), view);
                    let obj = ObjRef::new(ObjKind::View, &q);
                    if let Some(rule) = r.rule_oid {
                        self.refs.objects.insert((Cat::Rewrite, rule), obj.clone());
                    }
                    self.register_rel(r, Rel::View(q.clone()), obj);
                }
                "S" => match r.owner_kind.as_deref() {
                    // Identity sequences belong to their column.
                    Some("i") => {}
                    _ => {
                        let Some(seq) = &r.seq else { continue };
                        let owned_by = r.owned_by.as_ref().map(|o| ColumnRef {
                            table: QName::new(o.schema.clone(), o.name.clone()),
                            column: o.column.clone(),
                        });
                        let s = Sequence {
                            data_type: seq.data_type.clone(),
                            options: seq_options(seq),
                            owned_by,
                            comment: r.comment.clone(),
                        };
                        self.cat.sequences.insert(q.clone(), s);
                        self.register_rel(r, Rel::Sequence, ObjRef::new(ObjKind::Sequence, &q));
                    }
                },
                "c" => {
                    self.rels.insert(r.oid, Rel::Composite(q));
                }
                "f" => self.note(
                    "foreign table",
                    q.to_string(),
                    "foreign tables are not managed by this version",
                ),
                _ => {}
            }
        }
    }

    fn register_rel(&mut self, r: &RelRow, rel: Rel, obj: ObjRef) {
        self.refs.objects.insert((Cat::Class, r.oid), obj);
        self.refs.row_types.insert(r.reltype, r.oid);
        self.rels.insert(r.oid, rel);
    }

    fn types(&mut self, types: &[TypeRow]) {
        for t in types {
            let q = QName::new(t.schema.clone(), t.name.clone());
            if t.elem != 0 {
                self.refs.arrays.insert(t.oid, t.elem);
                continue;
            }
            let obj = ObjRef::new(ObjKind::Type, &q);
            match t.kind.as_str() {
                "e" => {
                    let labels = t.labels.clone().unwrap_or_default();
                    self.cat.enums.insert(
                        q,
                        EnumType {
                            labels,
                            comment: t.comment.clone(),
                            ..EnumType::default()
                        },
                    );
                }
                "d" => {
                    let d = Domain {
                        base: domain_base(t),
                        not_null: t.not_null,
                        default: t.default.clone(),
                        collation: t.collation.clone(),
                        checks: VecMap::new(),
                        comment: t.comment.clone(),
                    };
                    self.cat.domains.insert(q, d);
                }
                "c" if t.composite => {
                    self.cat.composites.insert(
                        q,
                        Composite {
                            attributes: Vec::new(),
                            comment: t.comment.clone(),
                        },
                    );
                    self.refs.objects.insert((Cat::Class, t.relid), obj.clone());
                }
                // Row types of tables and views resolve to the relation.
                "c" => continue,
                "r" => {
                    self.note(
                        "range type",
                        q.to_string(),
                        "range types are not managed by this version",
                    );
                    continue;
                }
                "m" | "p" => continue,
                _ => {
                    self.note(
                        "base type",
                        q.to_string(),
                        "base types are not managed by this version",
                    );
                    continue;
                }
            }
            self.refs.objects.insert((Cat::Type, t.oid), obj);
        }
    }

    /// Columns arrive ordered by relation and number: each relation's run is added at once
    /// (one lookup, an exactly sized vector).
    fn columns(&mut self, columns: Vec<ColumnRow>) {
        let mut rows = columns.into_iter().peekable();
        while let Some(first) = rows.next() {
            let rel = first.rel;
            let mut run = vec![first];
            while let Some(next) = rows.next_if(|r| r.rel == rel) {
                run.push(next);
            }
            self.column_run(run);
        }
    }

    /// The columns document decoded one row at a time, each relation's run of rows assembled
    /// as soon as it ends.
    fn stream_columns(&mut self, text: &str) -> Result<(), PgError> {
        use serde::de::{DeserializeSeed, SeqAccess, Visitor};

        struct Runs<'a>(&'a mut Assembler);

        impl<'de> Visitor<'de> for Runs<'_> {
            type Value = ();

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an array of column rows")
            }

            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
                let mut run: Vec<ColumnRow> = Vec::new();
                while let Some(row) = seq.next_element::<ColumnRow>()? {
                    if run.last().is_some_and(|r| r.rel != row.rel) {
                        self.0.column_run(std::mem::take(&mut run));
                    }
                    run.push(row);
                }
                if !run.is_empty() {
                    self.0.column_run(run);
                }
                Ok(())
            }
        }

        impl<'de> DeserializeSeed<'de> for Runs<'_> {
            type Value = ();

            fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
                d.deserialize_seq(self)
            }
        }

        let mut de = serde_json::Deserializer::from_str(text);
        Runs(self)
            .deserialize(&mut de)
            .and_then(|()| de.end())
            .map_err(|e| PgError::Catalog {
                what: "columns",
                detail: e.to_string(),
            })
    }

    /// One relation's columns, in order.
    fn column_run(&mut self, run: Vec<ColumnRow>) {
        let Some(rel) = run.first().map(|r| r.rel) else {
            return;
        };
        let Some(kind) = self.rels.get(&rel) else {
            return;
        };
        for c in &run {
            self.refs.columns.insert((c.rel, c.num), c.name.clone());
        }
        let typed = run.into_iter().map(|c| {
            let ty = col_type(
                &c.ty,
                c.typmod,
                &c.type_schema,
                &c.type_name,
                c.elem_schema.as_deref(),
                c.elem_name.as_deref(),
            );
            (c, ty)
        });
        match kind {
            Rel::Table(q) => {
                let Some(t) = self.cat.tables.get_mut(q) else {
                    return;
                };
                t.columns.reserve_exact(typed.len());
                for (c, ty) in typed {
                    if let Some(ad) = c.attrdef_oid {
                        self.refs.attrdefs.insert(ad, (c.rel, c.num));
                    }
                    t.columns.push(table_column(c, ty));
                }
            }
            Rel::View(q) => {
                if let Some(v) = self.cat.views.get_mut(q) {
                    v.columns.extend(typed.map(|(c, ty)| ViewColumn {
                        name: c.name,
                        ty,
                        comment: c.comment,
                    }));
                }
            }
            Rel::Composite(q) => {
                if let Some(ct) = self.cat.composites.get_mut(q) {
                    ct.attributes.extend(typed.map(|(c, ty)| Attribute {
                        name: c.name,
                        ty,
                        collation: c.collation,
                    }));
                }
            }
            Rel::Sequence => {}
        }
    }

    fn constraints(&mut self, rows: Vec<ConstraintRow>) {
        let domains: BTreeMap<u32, QName> = self
            .refs
            .objects
            .iter()
            .filter(|((cat, _), o)| *cat == Cat::Type && o.kind == ObjKind::Type)
            .map(|((_, oid), o)| (*oid, o.qname()))
            .collect();
        for k in rows {
            if k.domain != 0 {
                let Some(q) = domains.get(&k.domain) else {
                    continue;
                };
                if let (Some(d), Some(expr)) = (self.cat.domains.get_mut(q), k.check) {
                    let check = Check {
                        expr,
                        no_inherit: false,
                        validated: k.validated,
                        comment: k.comment,
                    };
                    d.checks.insert(k.name, check);
                    self.refs
                        .objects
                        .insert((Cat::Constraint, k.oid), ObjRef::new(ObjKind::Type, q));
                }
                continue;
            }
            let Some(Rel::Table(q)) = self.rels.get(&k.rel).cloned() else {
                continue;
            };
            if k.inherited {
                continue;
            }
            self.refs.objects.insert(
                (Cat::Constraint, k.oid),
                ObjRef::sub(ObjKind::Constraint, &q, &k.name),
            );
            let columns: Vec<String> = k
                .columns
                .iter()
                .map(|n| {
                    self.refs
                        .columns
                        .get(&(k.rel, *n))
                        .cloned()
                        .unwrap_or_default()
                })
                .collect();
            let Some(t) = self.cat.tables.get_mut(&q) else {
                continue;
            };
            let deferrable = match (k.deferrable, k.deferred) {
                (false, _) => Deferrable::No,
                (true, false) => Deferrable::InitiallyImmediate,
                (true, true) => Deferrable::InitiallyDeferred,
            };
            match k.ty.as_str() {
                "p" => {
                    t.primary_key = Some(PrimaryKey {
                        name: k.name,
                        columns,
                        deferrable,
                        comment: k.comment,
                    })
                }
                "u" => {
                    let u = Unique {
                        columns,
                        nulls_not_distinct: k.nulls_not_distinct,
                        deferrable,
                        comment: k.comment,
                    };
                    t.uniques.insert(k.name, u);
                }
                "c" => {
                    let check = Check {
                        expr: k.check.or(k.definition).unwrap_or_default(),
                        no_inherit: k.no_inherit,
                        validated: k.validated,
                        comment: k.comment,
                    };
                    t.checks.insert(k.name, check);
                }
                "f" => {
                    let fk = ForeignKey {
                        columns,
                        ref_table: QName::new(
                            k.ref_schema.unwrap_or_default(),
                            k.ref_table.unwrap_or_default(),
                        ),
                        ref_columns: k.ref_columns,
                        on_delete: fk_action(&k.on_delete),
                        on_update: fk_action(&k.on_update),
                        match_full: k.match_type == "f",
                        deferrable,
                        validated: k.validated,
                        comment: k.comment,
                    };
                    t.foreign_keys.insert(k.name, fk);
                }
                _ => {
                    t.excludes.insert(
                        k.name,
                        Exclusion {
                            definition: k.definition.unwrap_or_default(),
                            comment: k.comment,
                        },
                    );
                }
            }
        }
    }

    fn indexes(&mut self, rows: Vec<IndexRow>) {
        for ix in rows {
            let Some(rel) = self.rels.get(&ix.rel).cloned() else {
                continue;
            };
            if ix.backs_constraint || ix.attached {
                // Not modelled as an index, but foreign keys depend on it by oid.
                if let Rel::Table(q) = &rel {
                    let obj = ObjRef::new(
                        ObjKind::Index,
                        &QName::new(q.schema.clone(), ix.name.clone()),
                    );
                    self.refs.objects.insert((Cat::Class, ix.oid), obj);
                }
                continue;
            }
            let name_of = |num: i16| self.refs.columns.get(&(ix.rel, num)).cloned();
            let mut keys = Vec::with_capacity(ix.nkey);
            for k in 0..ix.nkey {
                let num = ix.attnums.get(k).copied().unwrap_or(0);
                let target = match (num, name_of(num)) {
                    (n, Some(name)) if n != 0 => KeyTarget::Column(name),
                    _ => KeyTarget::Expression(
                        ix.exprs.get(k).cloned().flatten().unwrap_or_default(),
                    ),
                };
                let option = ix.options.get(k).copied().unwrap_or(0);
                keys.push(IndexKey {
                    target,
                    opclass: ix.opclasses.get(k).cloned().flatten(),
                    descending: option & 1 != 0,
                    nulls_first: option & 2 != 0,
                });
            }
            let include = (ix.nkey..ix.attnums.len())
                .map(|k| {
                    name_of(ix.attnums[k])
                        .or_else(|| ix.exprs.get(k).cloned().flatten())
                        .unwrap_or_default()
                })
                .collect();
            let index = Index {
                unique: ix.unique,
                method: ix.method,
                keys,
                include,
                predicate: ix.predicate,
                nulls_not_distinct: ix.nulls_not_distinct,
                valid: ix.valid,
                comment: ix.comment,
            };
            let (schema, target) = match &rel {
                Rel::Table(q) => (
                    q.schema.clone(),
                    self.cat.tables.get_mut(q).map(|t| &mut t.indexes),
                ),
                Rel::View(q) => (
                    q.schema.clone(),
                    self.cat.views.get_mut(q).map(|v| &mut v.indexes),
                ),
                _ => continue,
            };
            if let Some(map) = target {
                map.insert(ix.name.clone(), index);
                self.refs.objects.insert(
                    (Cat::Class, ix.oid),
                    ObjRef::new(ObjKind::Index, &QName::new(schema, ix.name)),
                );
            }
        }
    }

    fn functions(&mut self, rows: Vec<FunctionRow>) {
        for f in rows {
            let kind = match f.kind.as_str() {
                "f" => FunctionKind::Function,
                "p" => FunctionKind::Procedure,
                _ => continue,
            };
            let Some(definition) = f.definition else {
                continue;
            };
            let key = QName::new(f.schema, format!("{}({})", f.name, f.arg_types));
            self.refs
                .objects
                .insert((Cat::Proc, f.oid), ObjRef::new(ObjKind::Function, &key));
            let function = Function {
                kind,
                name: f.name,
                arg_types: f.arg_types,
                returns: f.returns,
                definition: definition.trim_end().to_owned(),
                comment: f.comment,
            };
            self.cat.functions.insert(key, function);
        }
    }

    fn triggers(&mut self, rows: Vec<TriggerRow>) {
        for t in rows {
            let trigger = Trigger {
                definition: t.definition,
                enabled: t.enabled,
                comment: t.comment,
            };
            let (q, map) = match self.rels.get(&t.rel) {
                Some(Rel::Table(q)) => (
                    q.clone(),
                    self.cat.tables.get_mut(q).map(|x| &mut x.triggers),
                ),
                Some(Rel::View(q)) => (
                    q.clone(),
                    self.cat.views.get_mut(q).map(|x| &mut x.triggers),
                ),
                _ => continue,
            };
            if let Some(map) = map {
                map.insert(t.name.clone(), trigger);
                self.refs.objects.insert(
                    (Cat::Trigger, t.oid),
                    ObjRef::sub(ObjKind::Trigger, &q, &t.name),
                );
            }
        }
    }

    fn policies(&mut self, rows: Vec<PolicyRow>) {
        for p in rows {
            let Some(Rel::Table(q)) = self.rels.get(&p.rel).cloned() else {
                continue;
            };
            let command = match p.command.as_str() {
                "r" => "SELECT",
                "a" => "INSERT",
                "w" => "UPDATE",
                "d" => "DELETE",
                _ => "ALL",
            };
            let policy = Policy {
                permissive: p.permissive,
                command: command.to_owned(),
                roles: p.roles,
                using: p.using,
                with_check: p.with_check,
                comment: p.comment,
            };
            if let Some(t) = self.cat.tables.get_mut(&q) {
                t.policies.insert(p.name.clone(), policy);
                self.refs.objects.insert(
                    (Cat::Policy, p.oid),
                    ObjRef::sub(ObjKind::Policy, &q, &p.name),
                );
            }
        }
    }

    /// Dependencies Postgres records as automatic (which are not read) but that ordering needs:
    /// a partition or inheritance child depends on its parents.
    fn structural_depends(&mut self) {
        let mut edges = Vec::new();
        for (q, t) in &self.cat.tables {
            let parents = t
                .inherits
                .iter()
                .chain(t.partition_of.as_ref().map(|p| &p.parent));
            for p in parents {
                edges.push((
                    ObjRef::new(ObjKind::Table, q),
                    ObjRef::new(ObjKind::Table, p),
                ));
            }
        }
        for (from, to) in edges {
            self.cat.add_dependency(from, to);
        }
    }

    /// Keeps the dependencies whose both ends are modelled objects.
    fn depends(&mut self, rows: &[DependRow]) {
        for d in rows {
            let (Some(from), Some(to)) = (
                self.resolve(&d.class, d.oid, d.sub),
                self.resolve(&d.ref_class, d.ref_oid, d.ref_sub),
            ) else {
                continue;
            };
            if from == to
                || (from.schema == to.schema && from.name == to.name && from.kind == to.kind)
            {
                continue;
            }
            self.cat.add_dependency(from, to);
        }
    }

    /// A table's column as an object (made when a dependency names it, not for every column).
    fn column(&self, rel: u32, num: i16) -> Option<ObjRef> {
        match self.rels.get(&rel)? {
            Rel::Table(q) => {
                let name = self.refs.columns.get(&(rel, num))?;
                Some(ObjRef::sub(ObjKind::Column, q, name))
            }
            _ => None,
        }
    }

    fn resolve(&self, class: &str, oid: u32, sub: i32) -> Option<ObjRef> {
        match Cat::parse(class)? {
            Cat::Class if sub > 0 => i16::try_from(sub)
                .ok()
                .and_then(|n| self.column(oid, n))
                .or_else(|| self.refs.objects.get(&(Cat::Class, oid)).cloned()),
            Cat::Attrdef => {
                let (rel, num) = self.refs.attrdefs.get(&oid)?;
                self.column(*rel, *num)
            }
            Cat::Type => {
                let oid = self.refs.arrays.get(&oid).copied().unwrap_or(oid);
                match self.refs.row_types.get(&oid) {
                    Some(rel) => self.refs.objects.get(&(Cat::Class, *rel)).cloned(),
                    None => self.refs.objects.get(&(Cat::Type, oid)).cloned(),
                }
            }
            cat => self.refs.objects.get(&(cat, oid)).cloned(),
        }
    }
}

fn grants(r: &RelRow) -> BTreeSet<Grant> {
    r.grants
        .iter()
        .map(|g| Grant {
            grantee: g.grantee.clone(),
            privilege: g.privilege.clone(),
            grantable: g.grantable,
        })
        .collect()
}

fn seq_options(s: &SeqRow) -> SeqOptions {
    SeqOptions::from_catalog(
        &s.data_type,
        s.start,
        s.increment,
        s.min,
        s.max,
        s.cache,
        s.cycle,
    )
}

fn table_column(c: ColumnRow, ty: ColType) -> Column {
    let mut col = Column::new(c.name, ty);
    col.not_null = c.not_null;
    match c.generated.as_str() {
        "s" => col.generated = c.default,
        _ => col.default = c.default,
    }
    col.identity = match c.identity.as_str() {
        "a" => Some(Identity::Always),
        "d" => Some(Identity::ByDefault),
        _ => None,
    };
    if let Some(seq) = &c.identity_seq {
        col.identity_options = seq_options(seq).into();
    }
    col.collation = c.collation;
    col.comment = c.comment;
    col.inherited = !c.local;
    col
}

/// Built-in types keep `format_type`'s text; user types become schema-qualified names with
/// their modifiers split off.
fn col_type(
    printed: &str,
    typmod: i32,
    type_schema: &str,
    type_name: &str,
    elem_schema: Option<&str>,
    elem_name: Option<&str>,
) -> ColType {
    let (array, schema, name) = match (elem_schema, elem_name) {
        (Some(s), Some(n)) => (true, s, n),
        _ => (false, type_schema, type_name),
    };
    let printed = printed.strip_suffix("[]").unwrap_or(printed);
    if schema == "pg_catalog" {
        let t = ColType::builtin(printed);
        return if array { t.array_of() } else { t };
    }
    let modifiers = (typmod >= 0)
        .then(|| printed.rfind('(').map(|at| printed[at..].to_owned()))
        .flatten();
    ColType {
        schema: Some(schema.to_owned()),
        name: name.to_owned(),
        modifiers,
        array,
    }
}

fn domain_base(t: &TypeRow) -> ColType {
    col_type(
        t.base.as_deref().unwrap_or_default(),
        t.base_typmod,
        t.base_schema.as_deref().unwrap_or("pg_catalog"),
        t.base_name.as_deref().unwrap_or_default(),
        t.base_elem_schema.as_deref(),
        t.base_elem_name.as_deref(),
    )
}

fn fk_action(code: &str) -> FkAction {
    match code {
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}
