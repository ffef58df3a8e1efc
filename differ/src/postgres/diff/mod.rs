//! `diff(current, desired)`: the ordered steps that turn one catalog into the other.
//!
//! Pure and total: no I/O, no errors. The planner walks both catalogs kind by kind
//! (`types.rs`, `tables.rs`, `objects.rs`) and emits [`Entry`]s: a [`Step`] (SQL, hazards) plus
//! what the step provides, removes and needs, as [`ObjRef`]s. `order.rs` then sorts the entries
//! topologically: dependencies are created first and dropped last, using the dependency graphs
//! of both catalogs (from `pg_depend`), with a [`Phase`] deciding among steps that are free to
//! run.
//!
//! Objects are matched by name; indexes and constraints that differ only in name are renamed,
//! never rebuilt. Expressions compare through `normalize`, so `now()` and `CURRENT_TIMESTAMP`,
//! or `'x'` and `'x'::character varying`, are the same.
//!
//! Before emitting anything, [`Planner::rebuilds`] finds the objects that must be dropped and
//! re-created although they did not change, because something they depend on is dropped,
//! replaced or retyped (a view over a column whose type changes, a foreign key over a rebuilt
//! key, a check constraint over an enum being rewritten). Exactly those, nothing more.

mod objects;

pub(crate) use objects::function_display;
mod order;
mod tables;
mod typechange;
mod types;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use super::normalize::{Ctx, same_expr};
use super::probe::{DataStats, Touched};
use crate::model::pg::{Catalog, Collation, Coverage, ObjKind, ObjRef, QName, display_ident};
use crate::plan::{Hazard, HazardKind, ObjectRef, Op, Step, Store};

/// The data-loss reason of a drop the probe found empty: nothing is lost but the structure,
/// which a rollback restores.
pub const DROPS_EMPTY_TABLE: &str = "drops the table (it holds no rows)";
pub const DROPS_EMPTY_COLUMN: &str = "drops the column (it holds no values)";

/// How the plan is made.
#[derive(Debug, Clone)]
pub struct DiffOptions {
    /// Schemas that may be left unqualified in expressions.
    pub search_path: Vec<String>,
    /// When to use the online variants of DDL (concurrent index builds, `NOT VALID` + `VALIDATE`).
    pub online: Online,
    /// What the live data says (from `probe`); decides hazards and `Online::Auto`.
    pub stats: DataStats,
    /// Run squawk's linter over the plan and attach its findings to the steps.
    pub lint: bool,
    /// What the desired side declares, when not what its catalog says: the rollback plan's
    /// desired side is a live catalog standing for a declaration of this coverage.
    pub coverage: Option<Coverage>,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            search_path: vec!["public".to_owned()],
            online: Online::Auto,
            stats: DataStats::default(),
            lint: false,
            coverage: None,
        }
    }
}

impl DiffOptions {
    /// What `desired` declares: [`DiffOptions::coverage`] when set, or its catalog's.
    pub fn coverage_for(&self, desired: &Catalog) -> Coverage {
        self.coverage.unwrap_or(desired.coverage)
    }
}

/// Online DDL keeps tables readable and writable while a change runs, at the cost of more
/// steps, some of them outside a transaction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Online {
    /// For tables that hold rows.
    #[default]
    Auto,
    /// For every existing table.
    Always,
    /// Never.
    Never,
}

/// The tables a plan from `current` to `desired` touches, and what it drops: what `probe`
/// should look at before the real plan is made.
pub fn touched(current: &Catalog, desired: &Catalog, opts: &DiffOptions) -> Touched {
    touched_analysed(current, desired, opts).0
}

/// [`touched`], and the planner's analysis of the two catalogs for [`diff_analysed`] to reuse.
pub fn touched_analysed<'a>(
    current: &'a Catalog,
    desired: &'a Catalog,
    opts: &'a DiffOptions,
) -> (Touched, Analysis<'a>) {
    let p = planner(current, desired, opts, None);
    let t = touched_by(&p);
    (t, p.into_analysis())
}

fn touched_by(p: &Planner<'_>) -> Touched {
    let current = p.cur;
    let mut t = Touched::default();
    let touches = |o: &ObjRef| match o.kind {
        ObjKind::Table
        | ObjKind::Column
        | ObjKind::Constraint
        | ObjKind::Trigger
        | ObjKind::Policy => Some(o.qname()),
        _ => None,
    };
    for e in &p.entries {
        for o in e.provides.iter().chain(&e.removes).chain(&e.needs) {
            if let Some(q) = touches(o)
                && current.tables.contains_key(&q)
            {
                t.tables.insert(q);
            }
        }
        if e.step.kind == "drop-table" {
            t.dropped_tables.extend(
                e.removes
                    .iter()
                    .filter(|o| o.kind == ObjKind::Table)
                    .map(ObjRef::qname),
            );
        }
        if e.step.kind == "drop-column" {
            t.dropped_columns.extend(
                e.removes
                    .iter()
                    .filter(|o| o.kind == ObjKind::Column)
                    .filter_map(|o| Some((o.qname(), o.sub.clone()?))),
            );
        }
    }
    t.tables.retain(|q| !t.dropped_tables.contains(q));
    t
}

/// Tie-breaking order among steps whose dependencies allow either order: drops first (so names
/// and dependencies are free), then creations from the bottom up, then late drops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    CreateSchema,
    Extension,
    /// Table renames come first: every later step names the table by its new name.
    RenameTable,
    DropTrigger,
    DropView,
    DropForeignKey,
    DropKey,
    Rename,
    DropTable,
    Types,
    Sequence,
    Function,
    CreateTable,
    Column,
    AddKey,
    AddForeignKey,
    View,
    Trigger,
    Grant,
    Validate,
    Comment,
    DropFunction,
    DropType,
    DropSequence,
    DropExtension,
    DropSchema,
}

/// A step and what it means for ordering.
#[derive(Debug, Clone)]
struct Entry {
    phase: Phase,
    step: Step,
    /// Objects that exist after this step.
    provides: Vec<ObjRef>,
    /// Objects that no longer exist after this step.
    removes: Vec<ObjRef>,
    /// Objects that must exist before this step.
    needs: Vec<ObjRef>,
}

impl Entry {
    fn provides(mut self, o: ObjRef) -> Self {
        self.provides.push(o);
        self
    }

    fn removes(mut self, o: ObjRef) -> Self {
        self.removes.push(o);
        self
    }

    fn needs(mut self, o: ObjRef) -> Self {
        self.needs.push(o);
        self
    }

    fn needs_all(mut self, o: impl IntoIterator<Item = ObjRef>) -> Self {
        self.needs.extend(o);
        self
    }
}

/// The steps that make `current` look like `desired`, in a valid execution order, and warnings
/// about anything that could not be ordered by dependencies.
pub fn diff(current: &Catalog, desired: &Catalog, opts: &DiffOptions) -> Vec<Step> {
    diff_with_warnings(current, desired, opts).0
}

pub fn diff_with_warnings(
    current: &Catalog,
    desired: &Catalog,
    opts: &DiffOptions,
) -> (Vec<Step>, Vec<String>) {
    diff_analysed(current, desired, opts, None)
}

/// [`diff_with_warnings`] reusing the analysis [`touched_analysed`] made of the same catalogs
/// (an analysis of other catalogs is not used).
pub fn diff_analysed<'a>(
    current: &'a Catalog,
    desired: &'a Catalog,
    opts: &'a DiffOptions,
    analysis: Option<Analysis<'a>>,
) -> (Vec<Step>, Vec<String>) {
    let mut p = planner(current, desired, opts, analysis);
    // Hazards only: `touched` does not need them.
    p.unmanaged_dependents();
    order::order(p.entries, current, desired)
}

/// What the planner works out before it emits any step: the same whatever the data holds
/// (it depends on the catalogs, the coverage and the search path, never on the probe's
/// stats), so the diff made after the probe reuses what [`touched_analysed`] found.
#[derive(Debug)]
pub struct Analysis<'a> {
    cur: &'a Catalog,
    des: &'a Catalog,
    coverage: Coverage,
    search_path: Vec<String>,
    renamed_tables: BTreeMap<QName, QName>,
    rebuild: BTreeSet<ObjRef>,
    carried: BTreeSet<ObjRef>,
    rebuilt_tables: BTreeSet<QName>,
    unchanged: HashSet<&'a QName, FastHash>,
}

/// Runs the planner: every step, unordered.
fn planner<'a>(
    current: &'a Catalog,
    desired: &'a Catalog,
    opts: &'a DiffOptions,
    analysis: Option<Analysis<'a>>,
) -> Planner<'a> {
    let mut p = Planner {
        opts,
        cur: current,
        des: desired,
        ctx: Ctx {
            search_path: opts.search_path.clone(),
        },
        entries: Vec::new(),
        rebuild: BTreeSet::new(),
        rebuilt_tables: BTreeSet::new(),
        carried: BTreeSet::new(),
        renamed_tables: BTreeMap::new(),
        unchanged: HashSet::default(),
        desired_indexes: std::cell::OnceCell::new(),
    };
    let reusable = analysis.filter(|a| {
        std::ptr::eq(a.cur, current)
            && std::ptr::eq(a.des, desired)
            && a.coverage == p.coverage()
            && a.search_path == opts.search_path
    });
    match reusable {
        Some(a) => {
            p.renamed_tables = a.renamed_tables;
            p.rebuild = a.rebuild;
            p.carried = a.carried;
            p.rebuilt_tables = a.rebuilt_tables;
            p.unchanged = a.unchanged;
        }
        None => {
            p.unchanged = current
                .tables
                .iter()
                .filter(|(q, t)| desired.tables.get(*q) == Some(*t))
                .map(|(q, _)| q)
                .collect();
            p.renamed_tables = p.table_renames();
            (p.rebuild, p.carried) = p.rebuilds();
            p.rebuilt_tables = p.rebuilt_tables();
        }
    }
    p.schemas();
    p.extensions();
    p.enums();
    if p.coverage().full() {
        p.collations();
        p.domains();
        p.composites();
        p.sequences();
        p.functions();
    }
    p.tables();
    if p.coverage().full() {
        p.views();
    } else {
        p.carry_views();
    }
    p
}

impl<'a> Planner<'a> {
    /// What the desired side declares: [`DiffOptions::coverage`], or its catalog's.
    fn coverage(&self) -> Coverage {
        self.opts.coverage_for(self.des)
    }

    fn into_analysis(self) -> Analysis<'a> {
        Analysis {
            cur: self.cur,
            des: self.des,
            coverage: self.coverage(),
            search_path: self.opts.search_path.clone(),
            renamed_tables: self.renamed_tables,
            rebuild: self.rebuild,
            carried: self.carried,
            rebuilt_tables: self.rebuilt_tables,
            unchanged: self.unchanged,
        }
    }

    /// Whether the table `q` is the same on both sides, under the same name.
    fn unchanged(&self, q: &QName) -> bool {
        self.unchanged.contains(q)
    }
}

struct Planner<'a> {
    opts: &'a DiffOptions,
    cur: &'a Catalog,
    des: &'a Catalog,
    ctx: Ctx,
    entries: Vec<Entry>,
    /// Objects present on both sides that must be dropped and re-created anyway.
    rebuild: BTreeSet<ObjRef>,
    /// Existing tables holding something in `rebuild` (a column, key, index, check, trigger
    /// or policy): the only tables that may need steps although they did not change.
    rebuilt_tables: BTreeSet<QName>,
    /// Views the declaration does not cover that sit on something the plan changes: dropped
    /// and re-created unchanged around the change.
    carried: BTreeSet<ObjRef>,
    /// Current table → its desired name, for declared renames.
    renamed_tables: BTreeMap<QName, QName>,
    /// Tables equal on both sides under the same name (most of a large catalog).
    unchanged: HashSet<&'a QName, FastHash>,
    /// The desired side's indexes (of tables, unique constraints and views) by schema and
    /// name, built at the first lookup: an index is named within its schema, not its table.
    desired_indexes: std::cell::OnceCell<HashSet<(&'a str, &'a str), FastHash>>,
}

/// The table holding each index of `c` (plain, unique, exclusion, primary key) by schema and
/// index name: an index is named within its schema, not its table.
fn index_owners(c: &Catalog) -> HashMap<(&str, &str), &QName, FastHash> {
    let mut owners: HashMap<(&str, &str), &QName, FastHash> = HashMap::default();
    for (q, t) in &c.tables {
        let names = t
            .indexes
            .keys()
            .chain(t.uniques.keys())
            .chain(t.excludes.keys())
            .chain(t.primary_key.as_ref().map(|pk| &pk.name));
        for n in names {
            owners.insert((q.schema.as_str(), n.as_str()), q);
        }
    }
    owners
}

/// An [`ObjRef`], borrowed: for lookups in large sets without copying names.
pub(super) type Key<'a> = (ObjKind, &'a str, &'a str, Option<&'a str>);

pub(super) fn key_of(o: &ObjRef) -> Key<'_> {
    (o.kind, &o.schema, &o.name, o.sub.as_deref())
}

/// The hasher of the planner's lookup tables over a large catalog's dependency graph: the
/// multiply-rotate hash of rustc's `FxHasher`, much cheaper than SipHash on short names. The
/// keys are catalog names, not input an attacker chooses to collide.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Fx(u64);

impl Fx {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes([
                c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
            ]));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

pub(super) type FastHash = BuildHasherDefault<Fx>;

fn step(kind: &'static str, op: Op, object_kind: &'static str, name: String) -> Step {
    Step {
        store: Store::Postgres,
        kind: kind.into(),
        op,
        object: ObjectRef {
            kind: object_kind.into(),
            name,
        },
        detail: None,
        statements: Vec::new(),
        hazards: Vec::new(),
        transactional: true,
        isolated: false,
        lints: Vec::new(),
        ddl: None,
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

    /// A hazard that only matters when `real` (e.g. the table holds rows).
    fn hazard_if(self, real: bool, kind: HazardKind, why: impl Into<String>) -> Self {
        if real { self.hazard(kind, why) } else { self }
    }

    /// Runs outside any transaction block.
    fn outside_transaction(mut self) -> Self {
        self.transactional = false;
        self.hazard(
            HazardKind::NonTransactional,
            "runs outside a transaction: if a later step fails, this one stays applied",
        )
    }

    /// Commits on its own before the next step.
    fn isolated(mut self) -> Self {
        self.isolated = true;
        self
    }

    fn at(self, phase: Phase) -> Entry {
        Entry {
            phase,
            step: self,
            provides: Vec::new(),
            removes: Vec::new(),
            needs: Vec::new(),
        }
    }
}

fn sub(q: &QName, name: &str) -> String {
    format!("{q}.{}", display_ident(name))
}

fn show(text: Option<&str>) -> String {
    text.map_or_else(|| "none".to_owned(), |t| format!("{t:?}"))
}

impl Planner<'_> {
    fn push(&mut self, e: Entry) {
        self.entries.push(e);
    }

    fn same(&self, a: &str, b: &str) -> bool {
        // Equal texts have equal canonical forms: only differing texts are parsed (most of a
        // large catalog is unchanged, and parsing is the diff's main cost).
        a == b || same_expr(a, b, &self.ctx)
    }

    fn same_opt(&self, a: Option<&str>, b: Option<&str>) -> bool {
        match (a, b) {
            (None, None) => true,
            (Some(a), Some(b)) => self.same(a, b),
            _ => false,
        }
    }

    /// Whether the existing table `q` may hold rows. Tables this plan creates hold none.
    fn has_rows(&self, q: &QName) -> bool {
        self.cur.tables.contains_key(q) && self.opts.stats.has_rows(q)
    }

    /// Whether changes to the existing table `q` use online DDL.
    fn online(&self, q: &QName) -> bool {
        // Partitioned tables support neither concurrent index builds nor `NOT VALID` keys.
        self.cur
            .tables
            .get(q)
            .is_some_and(|t| t.partition_by.is_none())
            && match self.opts.online {
                Online::Always => true,
                Online::Never => false,
                Online::Auto => self.has_rows(q),
            }
    }

    /// Whether `obj` must be dropped and re-created although it is unchanged.
    fn rebuilt(&self, obj: &ObjRef) -> bool {
        self.rebuild.contains(obj)
    }

    /// What the desired side says `obj` depends on: those must exist before it is created.
    fn desired_deps(&self, obj: &ObjRef) -> Vec<ObjRef> {
        self.des.dependencies(obj).cloned().collect()
    }

    /// Objects present on both sides that depend, directly or through other such objects, on
    /// something this plan drops, replaces or retypes. Columns are never rebuilt (that would
    /// lose data), but what depends on a retyped column is.
    fn rebuilds(&self) -> (BTreeSet<ObjRef>, BTreeSet<ObjRef>) {
        let seeds = self.changed_objects();
        // Lookups only (the traversal's result does not depend on its order): hash maps over
        // borrowed keys, built in the graph's order.
        let mut reverse: HashMap<&ObjRef, Vec<&ObjRef>, FastHash> = HashMap::default();
        // Dependents of a table include dependents of its columns.
        let mut by_table: HashMap<(&str, &str), Vec<&ObjRef>, FastHash> = HashMap::default();
        for (obj, deps) in &self.cur.depends {
            for d in deps {
                reverse.entry(d).or_default().push(obj);
                if d.kind == ObjKind::Column {
                    by_table
                        .entry((d.schema.as_str(), d.name.as_str()))
                        .or_default()
                        .push(obj);
                }
            }
        }
        let mut rebuild = BTreeSet::new();
        let mut carried = BTreeSet::new();
        // Foreign keys over a changed key or a retyped column on either side, whether or not
        // the catalog recorded that dependency (a desired side built from entities has none).
        // Every foreign key is looked at: the seeds are matched by borrowed keys.
        let seed_keys: HashSet<Key<'_>, FastHash> = seeds.iter().map(key_of).collect();
        let seeded = |kind: ObjKind, q: &QName, sub: &str| {
            seed_keys.contains(&(kind, q.schema.as_str(), q.name.as_str(), Some(sub)))
        };
        for (q, t) in &self.cur.tables {
            for (name, fk) in &t.foreign_keys {
                let hit = fk.columns.iter().any(|c| seeded(ObjKind::Column, q, c))
                    || fk
                        .ref_columns
                        .iter()
                        .any(|c| seeded(ObjKind::Column, &fk.ref_table, c))
                    || self.cur.tables.get(&fk.ref_table).is_some_and(|r| {
                        tables::key_names_over(r, &fk.ref_columns)
                            .any(|k| seeded(ObjKind::Constraint, &fk.ref_table, &k))
                    });
                let fk_obj = || ObjRef::sub(ObjKind::Constraint, q, name);
                if hit && self.exists_in_desired(&fk_obj()) {
                    rebuild.insert(fk_obj());
                }
            }
        }
        let mut queue: Vec<ObjRef> = seeds.into_iter().collect();
        let mut seen: BTreeSet<ObjRef> = queue.iter().cloned().collect();
        while let Some(changed) = queue.pop() {
            let mut dependents: Vec<&ObjRef> = reverse.get(&changed).cloned().unwrap_or_default();
            if changed.kind == ObjKind::Table {
                dependents.extend(
                    by_table
                        .get(&(changed.schema.as_str(), changed.name.as_str()))
                        .into_iter()
                        .flatten()
                        .copied(),
                );
            }
            for dep in dependents {
                if !seen.insert(dep.clone()) {
                    continue;
                }
                if dep.kind == ObjKind::Column {
                    // A column's default depends on a function or sequence: rebuild the default.
                    // A column whose *type* depends on `changed` is converted by the change itself;
                    // either way, what depends on the column must be rebuilt too.
                    if self.exists_in_desired(dep) {
                        rebuild.insert(dep.clone());
                    }
                    queue.push(dep.clone());
                } else if self.exists_in_desired(dep) && dep.kind != ObjKind::Table {
                    rebuild.insert(dep.clone());
                    queue.push(dep.clone());
                } else if self.carriable(dep) {
                    carried.insert(dep.clone());
                    queue.push(dep.clone());
                }
            }
        }
        (rebuild, carried)
    }

    /// The tables of `rebuild`'s objects (see [`Planner::rebuilt_tables`]).
    fn rebuilt_tables(&self) -> BTreeSet<QName> {
        let mut out = BTreeSet::new();
        // Indexes are named within their schema: their tables, mapped when a rebuilt index asks.
        let mut owners = None;
        for obj in &self.rebuild {
            match obj.kind {
                ObjKind::Table
                | ObjKind::Column
                | ObjKind::Constraint
                | ObjKind::Trigger
                | ObjKind::Policy => {
                    out.insert(obj.qname());
                }
                ObjKind::Index => {
                    let owners = owners.get_or_insert_with(|| index_owners(self.cur));
                    out.extend(
                        owners
                            .get(&(obj.schema.as_str(), obj.name.as_str()))
                            .map(|q| (*q).clone()),
                    );
                }
                _ => {}
            }
        }
        out
    }

    /// Whether `obj`, a view the declaration does not cover, can be dropped and re-created
    /// unchanged around the changes under it: everything it depends on is still there after
    /// the plan.
    fn carriable(&self, obj: &ObjRef) -> bool {
        obj.kind == ObjKind::View
            && !self.coverage().full()
            && self.cur.views.contains_key(&obj.qname())
            && self.cur.dependencies(obj).all(|d| {
                let covered = match d.kind {
                    ObjKind::Table | ObjKind::Column | ObjKind::Constraint | ObjKind::Index => true,
                    ObjKind::Type => self.cur.enums.contains_key(&d.qname()),
                    _ => false,
                };
                !covered || self.exists_in_desired(d)
            })
    }

    /// Marks steps that drop or retype something an object outside the plan depends on: a
    /// view the entities do not declare, a foreign key from an ignored table. Postgres refuses
    /// such a step (and `CASCADE` would drop the dependent silently), so the plan says so.
    /// Indexes and constraints of the same table are exempt: Postgres drops or rebuilds those
    /// along with the column.
    fn unmanaged_dependents(&mut self) {
        // What a step removes, and the columns it retypes: only their dependents matter.
        fn affected(e: &Entry) -> impl Iterator<Item = &ObjRef> {
            let retyped = e.step.kind == "alter-column-type";
            e.removes.iter().chain(
                e.provides
                    .iter()
                    .filter(move |o| retyped && o.kind == ObjKind::Column),
            )
        }
        let targets: HashSet<&ObjRef, FastHash> = self.entries.iter().flat_map(affected).collect();
        if targets.is_empty() {
            return;
        }
        // Dependents of a table include dependents of its columns.
        let table_targets: HashMap<(&str, &str), &ObjRef, FastHash> = targets
            .iter()
            .filter(|o| o.kind == ObjKind::Table)
            .map(|o| ((o.schema.as_str(), o.name.as_str()), *o))
            .collect();
        let mut reverse: HashMap<&ObjRef, Vec<&ObjRef>, FastHash> = HashMap::default();
        for (obj, deps) in &self.cur.depends {
            for d in deps {
                if let Some(t) = targets.get(d) {
                    reverse.entry(*t).or_default().push(obj);
                }
                if d.kind == ObjKind::Column
                    && let Some(t) = table_targets.get(&(d.schema.as_str(), d.name.as_str()))
                {
                    reverse.entry(*t).or_default().push(obj);
                }
            }
        }
        if reverse.is_empty() {
            return;
        }
        let removed: BTreeSet<&ObjRef> = self.entries.iter().flat_map(|e| &e.removes).collect();
        let dropped_tables: BTreeSet<QName> = removed
            .iter()
            .filter(|o| o.kind == ObjKind::Table)
            .map(|o| o.qname())
            .collect();
        // Indexes are named within their schema: the table that holds one.
        let index_owner = index_owners(self.cur);
        let owner = |o: &ObjRef| -> Option<QName> {
            match o.kind {
                ObjKind::Column
                | ObjKind::Constraint
                | ObjKind::Trigger
                | ObjKind::Policy
                | ObjKind::Table => Some(o.qname()),
                ObjKind::Index => index_owner
                    .get(&(o.schema.as_str(), o.name.as_str()))
                    .map(|q| (*q).clone()),
                _ => None,
            }
        };
        let mut found: Vec<(usize, Vec<String>)> = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            let mut names = Vec::new();
            for o in affected(e) {
                let base = owner(o);
                for d in reverse.get(o).into_iter().flatten() {
                    let d_owner = owner(d);
                    let exempt = removed.contains(*d)
                        || e.needs.contains(*d)
                        || e.provides.contains(*d)
                        || d_owner.as_ref().is_some_and(|t| {
                            dropped_tables.contains(t) || Some(t) == base.as_ref()
                        })
                        || d.kind == ObjKind::Table;
                    if !exempt {
                        names.push(format!("{} {}", d.kind.noun(), d.display()));
                    }
                }
            }
            names.sort();
            names.dedup();
            if !names.is_empty() {
                found.push((i, names));
            }
        }
        for (i, names) in found {
            self.entries[i].step.hazards.push(Hazard::new(
                HazardKind::UnmanagedDependents,
                format!("{} depend{} on it and {} not in the plan: Postgres refuses the step until {} dropped or declared", names.join(", "), if names.len() == 1 { "s" } else { "" }, if names.len() == 1 { "is" } else { "are" }, if names.len() == 1 { "it is" } else { "they are" }),
            ));
        }
    }

    fn exists_in_desired(&self, obj: &ObjRef) -> bool {
        let q = obj.qname();
        let sub = obj.sub.as_deref().unwrap_or_default();
        let d = self.des;
        match obj.kind {
            ObjKind::Type => {
                d.enums.contains_key(&q)
                    || d.domains.contains_key(&q)
                    || d.composites.contains_key(&q)
            }
            ObjKind::Sequence => d.sequences.contains_key(&q),
            ObjKind::Collation => d.collations.contains_key(&q),
            ObjKind::Function => d.functions.contains_key(&q),
            ObjKind::Table => d.tables.contains_key(&q),
            ObjKind::Column => d.tables.get(&q).is_some_and(|t| t.column(sub).is_some()),
            ObjKind::View => d.views.contains_key(&q),
            ObjKind::Index => self
                .desired_indexes
                .get_or_init(|| {
                    let tables = d.tables.iter().flat_map(|(q, t)| {
                        t.indexes
                            .keys()
                            .chain(t.uniques.keys())
                            .map(move |n| (q.schema.as_str(), n.as_str()))
                    });
                    let views = d.views.iter().flat_map(|(q, v)| {
                        v.indexes
                            .keys()
                            .map(move |n| (q.schema.as_str(), n.as_str()))
                    });
                    tables.chain(views).collect()
                })
                .contains(&(obj.schema.as_str(), obj.name.as_str())),
            ObjKind::Constraint => d.tables.get(&q).is_some_and(|t| {
                t.uniques.contains_key(sub)
                    || t.checks.contains_key(sub)
                    || t.foreign_keys.contains_key(sub)
                    || t.excludes.contains_key(sub)
                    || t.primary_key.as_ref().is_some_and(|pk| pk.name == sub)
            }),
            ObjKind::Trigger => {
                d.tables
                    .get(&q)
                    .is_some_and(|t| t.triggers.contains_key(sub))
                    || d.views
                        .get(&q)
                        .is_some_and(|v| v.triggers.contains_key(sub))
            }
            ObjKind::Policy => d
                .tables
                .get(&q)
                .is_some_and(|t| t.policies.contains_key(sub)),
        }
    }

    /// Objects of the current side that this plan drops, replaces or retypes.
    fn changed_objects(&self) -> BTreeSet<ObjRef> {
        let mut out = BTreeSet::new();
        let (cur, des) = (self.cur, self.des);
        for (q, e) in &cur.enums {
            let only_added = |d: &crate::model::pg::EnumType| {
                types::labels_only_added(
                    &types::renamed_labels(&e.labels, &d.renamed_values),
                    &d.labels,
                )
            };
            if des.enums.get(q).is_none_or(|d| !only_added(d)) {
                out.insert(ObjRef::new(ObjKind::Type, q));
            }
        }
        if self.coverage().full() {
            for (q, d) in &cur.domains {
                if des
                    .domains
                    .get(q)
                    .is_none_or(|x| x.base != d.base || x.collation != d.collation)
                {
                    out.insert(ObjRef::new(ObjKind::Type, q));
                }
            }
            for (q, c) in &cur.composites {
                if des
                    .composites
                    .get(q)
                    .is_none_or(|x| !types::composite_alterable(c, x))
                {
                    out.insert(ObjRef::new(ObjKind::Type, q));
                }
            }
            for (q, f) in &cur.functions {
                if des
                    .functions
                    .get(q)
                    .is_none_or(|x| !objects::function_replaceable(f, x))
                {
                    out.insert(ObjRef::new(ObjKind::Function, q));
                }
            }
            for (q, v) in &cur.views {
                if des
                    .views
                    .get(q)
                    .is_none_or(|x| !objects::view_replaceable(v, x))
                {
                    out.insert(ObjRef::new(ObjKind::View, q));
                }
            }
            for (q, c) in &cur.collations {
                if des.collations.get(q).is_none_or(|x| {
                    Collation {
                        comment: None,
                        ..x.clone()
                    } != Collation {
                        comment: None,
                        ..c.clone()
                    }
                }) {
                    out.insert(ObjRef::new(ObjKind::Collation, q));
                }
            }
            for q in cur.sequences.keys() {
                if !des.sequences.contains_key(q) {
                    out.insert(ObjRef::new(ObjKind::Sequence, q));
                }
            }
        }
        for (q, t) in &cur.tables {
            let renamed = self.renamed_tables.get(q);
            let Some(d) = des.tables.get(renamed.unwrap_or(q)) else {
                out.insert(ObjRef::new(ObjKind::Table, q));
                continue;
            };
            // An unchanged table changes nothing, unless it has an invalid index (which is
            // always rebuilt).
            let same = if renamed.is_some() {
                t == d
            } else {
                self.unchanged(q)
            };
            if same && t.indexes.values().all(|i| i.valid) {
                continue;
            }
            for c in &t.columns {
                let target = d.column(&c.name).or_else(|| {
                    d.columns
                        .iter()
                        .find(|x| x.renamed_from.as_deref() == Some(&c.name))
                });
                match target {
                    Some(x) if x.ty == c.ty && x.collation == c.collation => {}
                    _ => {
                        out.insert(ObjRef::sub(ObjKind::Column, q, &c.name));
                    }
                }
            }
            tables::changed_keys(self, q, t, d, &mut out);
        }
        out
    }
}
