//! Sequences, functions and procedures, views and materialized views.

use super::{Entry, Phase, Planner, show, step};
use crate::model::pg::{Function, FunctionKind, ObjKind, ObjRef, QName, Sequence, View};
use crate::plan::{Hazard, HazardKind, Op};
use crate::postgres::ddl;
use crate::postgres::ident::{quote_ident, quote_qname};

/// Whether `CREATE OR REPLACE` takes a function from `c` to `d`: same kind, same signature
/// line (argument names and defaults) and same result type. Otherwise it is dropped and
/// created again, and what depends on it is rebuilt.
pub(super) fn function_replaceable(c: &Function, d: &Function) -> bool {
    let signature = |f: &Function| f.definition.lines().next().unwrap_or_default().to_owned();
    c.kind == d.kind && c.returns == d.returns && signature(c) == signature(d)
}

/// Whether a view can stay: unchanged, or changed in a way `CREATE OR REPLACE VIEW` accepts
/// (a plain view whose existing columns keep their names and types, in order, new ones only
/// appended).
pub(super) fn view_replaceable(c: &View, d: &View) -> bool {
    if c.materialized != d.materialized {
        return false;
    }
    if c.definition == d.definition {
        return true;
    }
    !d.materialized
        && c.columns.len() <= d.columns.len()
        && c.columns
            .iter()
            .zip(&d.columns)
            .all(|(a, b)| a.name == b.name && a.ty == b.ty)
}

impl Planner<'_> {
    pub(super) fn sequences(&mut self) {
        for (q, d) in &self.des.sequences {
            let obj = ObjRef::new(ObjKind::Sequence, q);
            match self.cur.sequences.get(q) {
                None => {
                    let mut s = step("create-sequence", Op::Create, "sequence", q.to_string())
                        .sql(ddl::create_sequence(q, d));
                    if let Some(c) = &d.comment {
                        s = s.sql(ddl::comment(
                            &format!("SEQUENCE {}", quote_qname(q)),
                            Some(c),
                        ));
                    }
                    self.push(s.at(Phase::Sequence).provides(obj.clone()));
                    if d.owned_by.is_some() {
                        self.sequence_owner(q, d);
                    }
                }
                Some(c) => {
                    if c.data_type != d.data_type || c.options != d.options {
                        let s = step("alter-sequence", Op::Alter, "sequence", q.to_string())
                            .detail(format!(
                                "{} {:?} → {} {:?}",
                                c.data_type, c.options, d.data_type, d.options
                            ))
                            .sql(ddl::alter_sequence(q, d));
                        self.push(s.at(Phase::Sequence));
                    }
                    if c.owned_by != d.owned_by {
                        self.sequence_owner(q, d);
                    }
                    if c.comment != d.comment {
                        let s = step("set-comment", Op::Alter, "sequence", q.to_string())
                            .detail(format!(
                                "comment: {} → {}",
                                show(c.comment.as_deref()),
                                show(d.comment.as_deref())
                            ))
                            .sql(ddl::comment(
                                &format!("SEQUENCE {}", quote_qname(q)),
                                d.comment.as_deref(),
                            ));
                        self.push(s.at(Phase::Comment));
                    }
                }
            }
        }
        for (q, c) in &self.cur.sequences {
            if self.des.sequences.contains_key(q) || self.dropped_with_owner(c) {
                continue;
            }
            let s = step("drop-sequence", Op::Drop, "sequence", q.to_string())
                .sql(format!("DROP SEQUENCE {}", quote_qname(q)))
                .hazard(
                    HazardKind::DataLoss,
                    "drops the sequence and its current value",
                );
            self.push(
                s.at(Phase::DropSequence)
                    .removes(ObjRef::new(ObjKind::Sequence, q)),
            );
        }
    }

    /// A sequence owned by a column goes away with the column or its table.
    fn dropped_with_owner(&self, s: &Sequence) -> bool {
        s.owned_by.as_ref().is_some_and(|o| {
            self.des
                .tables
                .get(&o.table)
                .is_none_or(|t| t.column(&o.column).is_none())
        })
    }

    fn sequence_owner(&mut self, q: &QName, d: &Sequence) {
        let (target, needs) = match &d.owned_by {
            Some(o) => (
                format!("{}.{}", quote_qname(&o.table), quote_ident(&o.column)),
                vec![ObjRef::sub(ObjKind::Column, &o.table, &o.column)],
            ),
            None => ("NONE".to_owned(), Vec::new()),
        };
        let s = step("alter-sequence", Op::Alter, "sequence", q.to_string())
            .detail(format!("owned by {target}"))
            .sql(format!(
                "ALTER SEQUENCE {} OWNED BY {target}",
                quote_qname(q)
            ));
        self.push(
            s.at(Phase::Column)
                .needs(ObjRef::new(ObjKind::Sequence, q))
                .needs_all(needs),
        );
    }

    pub(super) fn functions(&mut self) {
        for (key, d) in &self.des.functions {
            let obj = ObjRef::new(ObjKind::Function, key);
            let what = function_target(key, d);
            match self.cur.functions.get(key) {
                Some(c) if c.definition == d.definition && !self.rebuilt(&obj) => {
                    if c.comment != d.comment {
                        let s = step("set-comment", Op::Alter, "function", function_display(key))
                            .detail(format!(
                                "comment: {} → {}",
                                show(c.comment.as_deref()),
                                show(d.comment.as_deref())
                            ))
                            .sql(ddl::comment(&what, d.comment.as_deref()));
                        self.push(s.at(Phase::Comment));
                    }
                }
                Some(c) if function_replaceable(c, d) && !self.rebuilt(&obj) => {
                    let mut s = step(
                        "replace-function",
                        Op::Alter,
                        "function",
                        function_display(key),
                    )
                    .detail("body changed")
                    .sql(d.definition.clone());
                    if c.comment != d.comment {
                        s = s.sql(ddl::comment(&what, d.comment.as_deref()));
                    }
                    let deps = self.desired_deps(&obj);
                    self.push(s.at(Phase::Function).needs_all(deps));
                }
                current => {
                    if current.is_some() {
                        self.drop_function(key, d);
                    }
                    let mut s = step(
                        "create-function",
                        Op::Create,
                        "function",
                        function_display(key),
                    )
                    .sql(d.definition.clone());
                    if let Some(text) = &d.comment {
                        s = s.sql(ddl::comment(&what, Some(text)));
                    }
                    let deps = self.desired_deps(&obj);
                    self.push(s.at(Phase::Function).provides(obj).needs_all(deps));
                }
            }
        }
        for (key, c) in &self.cur.functions {
            if !self.des.functions.contains_key(key) {
                self.drop_function(key, c);
            }
        }
    }

    fn drop_function(&mut self, key: &QName, f: &Function) {
        let s = step("drop-function", Op::Drop, "function", function_display(key))
            .sql(format!("DROP {}", function_target(key, f)));
        self.push(
            s.at(Phase::DropFunction)
                .removes(ObjRef::new(ObjKind::Function, key)),
        );
    }

    pub(super) fn views(&mut self) {
        for q in self.cur.views.keys() {
            let obj = ObjRef::new(ObjKind::View, q);
            let keep = self
                .des
                .views
                .get(q)
                .is_some_and(|d| view_replaceable(&self.cur.views[q], d))
                && !self.rebuilt(&obj);
            if !keep {
                let e = self.drop_view(q, &self.cur.views[q]);
                self.push(e);
            }
        }
        for (q, d) in &self.des.views {
            let obj = ObjRef::new(ObjKind::View, q);
            match self.cur.views.get(q) {
                Some(c) if view_replaceable(c, d) && !self.rebuilt(&obj) => {
                    self.alter_view(q, c, d)
                }
                Some(c) => {
                    let deps = self.desired_deps(&obj);
                    let at = self.entries.len();
                    self.create_view(q, d, deps, None);
                    self.entries[at].step.detail = Some(if view_replaceable(c, d) {
                        "it sits on something this plan changes".to_owned()
                    } else {
                        "the new definition cannot replace the old in place".to_owned()
                    });
                }
                None => {
                    let deps = self.desired_deps(&obj);
                    self.create_view(q, d, deps, None);
                }
            }
        }
    }

    /// Views the declaration does not cover, over something the plan changes (a retyped
    /// column, a rewritten enum): Postgres refuses the change while they exist, so they are
    /// dropped before it and re-created unchanged after it.
    pub(super) fn carry_views(&mut self) {
        let carried: Vec<ObjRef> = self.carried.iter().cloned().collect();
        for obj in carried {
            let q = obj.qname();
            let Some(v) = self.cur.views.get(&q) else {
                continue;
            };
            let why = "not declared, so seadiff does not manage it, but it sits on what this plan changes: it is dropped and re-created unchanged";
            let mut drop = self.drop_view(&q, v);
            drop.step
                .hazards
                .push(Hazard::new(HazardKind::UnmanagedDependents, why));
            self.push(drop);
            let deps: Vec<ObjRef> = self.cur.dependencies(&obj).cloned().collect();
            self.create_view(&q, v, deps, Some(why));
        }
    }

    fn drop_view(&self, q: &QName, c: &View) -> Entry {
        let kind = if c.materialized {
            "MATERIALIZED VIEW"
        } else {
            "VIEW"
        };
        let mut e = step("drop-view", Op::Drop, view_kind(c), q.to_string())
            .sql(format!("DROP {kind} {}", quote_qname(q)))
            .at(Phase::DropView)
            .removes(ObjRef::new(ObjKind::View, q));
        for name in c.indexes.keys() {
            e = e.removes(super::tables::index_ref(q, name));
        }
        for name in c.triggers.keys() {
            e = e.removes(ObjRef::sub(ObjKind::Trigger, q, name));
        }
        e
    }

    fn create_view(&mut self, q: &QName, d: &View, deps: Vec<ObjRef>, carried: Option<&str>) {
        let obj = ObjRef::new(ObjKind::View, q);
        let mut s = step("create-view", Op::Create, view_kind(d), q.to_string())
            .sql(ddl::create_view(q, d, false));
        if let Some(why) = carried {
            s = s.hazard(HazardKind::UnmanagedDependents, why);
        }
        if d.materialized {
            s = s.hazard(
                HazardKind::TableRewrite,
                "computes the materialized view's rows",
            );
        }
        for c in ddl::view_comments(q, d) {
            s = s.sql(c);
        }
        self.push(s.at(Phase::View).provides(obj.clone()).needs_all(deps));
        for (name, ix) in &d.indexes {
            self.create_index(q, name, ix, true);
        }
        self.triggers(q, &obj, &Default::default(), &d.triggers);
        self.grants("TABLE", q, &obj, &Default::default(), &d.grants);
    }

    fn alter_view(&mut self, q: &QName, c: &View, d: &View) {
        let obj = ObjRef::new(ObjKind::View, q);
        if c.definition != d.definition {
            let s = step("replace-view", Op::Alter, view_kind(d), q.to_string())
                .detail("query changed")
                .sql(ddl::create_view(q, d, true));
            let deps = self.desired_deps(&obj);
            self.push(s.at(Phase::View).needs_all(deps));
        } else if c.options != d.options {
            let kind = if d.materialized {
                "MATERIALIZED VIEW"
            } else {
                "VIEW"
            };
            let mut s = step("alter-view", Op::Alter, view_kind(d), q.to_string()).detail(format!(
                "options [{}] → [{}]",
                c.options.join(", "),
                d.options.join(", ")
            ));
            let reset: Vec<String> = c
                .options
                .iter()
                .filter_map(|o| o.split_once('=').map(|(k, _)| k.to_owned()))
                .filter(|k| !d.options.iter().any(|o| o.starts_with(&format!("{k}="))))
                .collect();
            if !reset.is_empty() {
                s = s.sql(format!(
                    "ALTER {kind} {} RESET ({})",
                    quote_qname(q),
                    reset.join(", ")
                ));
            }
            if !d.options.is_empty() {
                s = s.sql(format!(
                    "ALTER {kind} {} SET ({})",
                    quote_qname(q),
                    d.options.join(", ")
                ));
            }
            self.push(s.at(Phase::View));
        }
        self.match_indexes(q, c, d);
        self.triggers(q, &obj, &c.triggers, &d.triggers);
        self.grants("TABLE", q, &obj, &c.grants, &d.grants);
        let kind = if d.materialized {
            "MATERIALIZED VIEW"
        } else {
            "VIEW"
        };
        if c.comment != d.comment {
            let s = step("set-comment", Op::Alter, view_kind(d), q.to_string())
                .detail(format!(
                    "comment: {} → {}",
                    show(c.comment.as_deref()),
                    show(d.comment.as_deref())
                ))
                .sql(ddl::comment(
                    &format!("{kind} {}", quote_qname(q)),
                    d.comment.as_deref(),
                ));
            self.push(s.at(Phase::Comment));
        }
        for dc in &d.columns {
            let before = c
                .columns
                .iter()
                .find(|x| x.name == dc.name)
                .and_then(|x| x.comment.as_deref());
            if before != dc.comment.as_deref() {
                let s = step(
                    "set-comment",
                    Op::Alter,
                    "column",
                    format!("{q}.{}", dc.name),
                )
                .detail(format!(
                    "comment: {} → {}",
                    show(before),
                    show(dc.comment.as_deref())
                ))
                .sql(ddl::comment(
                    &format!("COLUMN {}.{}", quote_qname(q), quote_ident(&dc.name)),
                    dc.comment.as_deref(),
                ));
                self.push(s.at(Phase::Comment));
            }
        }
    }

    /// Indexes of a materialized view that stays: dropped, created or rebuilt like a table's.
    fn match_indexes(&mut self, q: &QName, c: &View, d: &View) {
        for (name, ix) in &c.indexes {
            let obj = super::tables::index_ref(q, name);
            if d.indexes.get(name).is_none_or(|x| !self.index_eq(ix, x)) || self.rebuilt(&obj) {
                let s = step("drop-index", Op::Drop, "index", format!("{q}.{name}"))
                    .detail(super::tables::index_summary(ix))
                    .sql(format!(
                        "DROP INDEX {}",
                        quote_qname(&QName::new(q.schema.clone(), name.clone()))
                    ));
                self.push(s.at(Phase::DropKey).removes(obj));
            }
        }
        for (name, ix) in &d.indexes {
            let obj = super::tables::index_ref(q, name);
            if c.indexes.get(name).is_none_or(|x| !self.index_eq(x, ix)) || self.rebuilt(&obj) {
                self.create_index(q, name, ix, false);
            }
        }
    }
}

fn view_kind(v: &View) -> &'static str {
    if v.materialized {
        "materialized-view"
    } else {
        "view"
    }
}

/// `FUNCTION "s"."f"(integer, text)` or `PROCEDURE ...`, for DROP and COMMENT.
fn function_target(key: &QName, f: &Function) -> String {
    let kind = match f.kind {
        FunctionKind::Function => "FUNCTION",
        FunctionKind::Procedure => "PROCEDURE",
    };
    format!(
        "{kind} {}({})",
        quote_qname(&QName::new(key.schema.clone(), f.name.clone())),
        f.arg_types
    )
}

/// `public.f(integer, text)`: the key's name carries its argument types, shown as written.
pub(crate) fn function_display(key: &QName) -> String {
    format!(
        "{}.{}",
        crate::model::pg::display_ident(&key.schema),
        key.name
    )
}
