//! The backend-neutral plan: ordered steps, each with its SQL (or commands) and its hazards.
//!
//! A plan is what a reviewer reads and what `apply` executes, nothing else. Steps are grouped
//! into transactions by [`Plan::groups`]: consecutive transactional steps of one store share a
//! transaction; a non-transactional step runs alone. Nothing here does I/O.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

use sha2::{Digest, Sha256};

mod digest;
pub use digest::fingerprint_of;

/// A data store seadiff manages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Store {
    Postgres,
    Redis,
    Vespa,
}

impl Store {
    pub fn as_str(self) -> &'static str {
        match self {
            Store::Postgres => "postgres",
            Store::Redis => "redis",
            Store::Vespa => "vespa",
        }
    }
}

impl fmt::Display for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a step does to its object: shown as `+`, `~`, `-`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Op {
    Create,
    Alter,
    Drop,
}

impl Op {
    pub fn glyph(self) -> char {
        match self {
            Op::Create => '+',
            Op::Alter => '~',
            Op::Drop => '-',
        }
    }

    /// How a drift report phrases the difference.
    pub fn drift_word(self) -> &'static str {
        match self {
            Op::Create => "missing",
            Op::Alter => "differs",
            Op::Drop => "unexpected",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::Alter => "alter",
            Op::Drop => "drop",
        }
    }
}

/// The kinds of risk a step carries, as kebab-case codes in every output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HazardKind {
    /// Drops a table, column or enum value, or narrows a type: data can be lost.
    DataLoss,
    /// Rewrites every row of a table.
    TableRewrite,
    /// Holds an ACCESS EXCLUSIVE lock: reads and writes wait.
    AccessExclusiveLock,
    /// Builds an index: reads the whole table.
    IndexBuild,
    /// Scans rows to validate a constraint; fails if a row violates it.
    ValidatesRows,
    /// Cannot run inside a transaction; a failure leaves earlier steps applied.
    NonTransactional,
    /// Cannot be undone by a later plan (e.g. an enum value once added).
    Irreversible,
    /// Objects seadiff does not manage depend on what this step changes.
    UnmanagedDependents,
    /// Lost when the server restarts: it has no config file to persist the change to.
    RuntimeOnly,
    /// Vespa: the listed services must be restarted before the change takes effect.
    VespaRestart,
    /// Vespa: existing documents must be reindexed (self-hosted: not automatic).
    VespaReindex,
    /// Vespa: existing documents must be fed again from the source of truth.
    VespaRefeed,
    /// Vespa refuses the deploy unless `validation-overrides.xml` allows this id.
    VespaOverride(ValidationId),
}

/// Vespa's validation ids for schema-related changes (`validation-overrides.xml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ValidationId {
    FieldTypeChange,
    IndexingChange,
    IndexingModeChange,
    SchemaRemoval,
    ContentClusterRemoval,
    GlobalDocumentChange,
    PagedSettingRemoval,
    HnswSettingsChange,
}

impl ValidationId {
    pub const ALL: [ValidationId; 8] = [
        ValidationId::FieldTypeChange,
        ValidationId::IndexingChange,
        ValidationId::IndexingModeChange,
        ValidationId::SchemaRemoval,
        ValidationId::ContentClusterRemoval,
        ValidationId::GlobalDocumentChange,
        ValidationId::PagedSettingRemoval,
        ValidationId::HnswSettingsChange,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ValidationId::FieldTypeChange => "field-type-change",
            ValidationId::IndexingChange => "indexing-change",
            ValidationId::IndexingModeChange => "indexing-mode-change",
            ValidationId::SchemaRemoval => "schema-removal",
            ValidationId::ContentClusterRemoval => "content-cluster-removal",
            ValidationId::GlobalDocumentChange => "global-document-change",
            ValidationId::PagedSettingRemoval => "paged-setting-removal",
            ValidationId::HnswSettingsChange => "hnsw-settings-change",
        }
    }

    /// Also accepts Vespa's alias `content-type-removal`.
    pub fn from_id(id: &str) -> Option<ValidationId> {
        if id == "content-type-removal" {
            return Some(ValidationId::SchemaRemoval);
        }
        ValidationId::ALL.into_iter().find(|v| v.as_str() == id)
    }
}

impl HazardKind {
    pub const ALL: [HazardKind; 20] = [
        HazardKind::DataLoss,
        HazardKind::TableRewrite,
        HazardKind::AccessExclusiveLock,
        HazardKind::IndexBuild,
        HazardKind::ValidatesRows,
        HazardKind::NonTransactional,
        HazardKind::Irreversible,
        HazardKind::UnmanagedDependents,
        HazardKind::RuntimeOnly,
        HazardKind::VespaRestart,
        HazardKind::VespaReindex,
        HazardKind::VespaRefeed,
        HazardKind::VespaOverride(ValidationId::FieldTypeChange),
        HazardKind::VespaOverride(ValidationId::IndexingChange),
        HazardKind::VespaOverride(ValidationId::IndexingModeChange),
        HazardKind::VespaOverride(ValidationId::SchemaRemoval),
        HazardKind::VespaOverride(ValidationId::ContentClusterRemoval),
        HazardKind::VespaOverride(ValidationId::GlobalDocumentChange),
        HazardKind::VespaOverride(ValidationId::PagedSettingRemoval),
        HazardKind::VespaOverride(ValidationId::HnswSettingsChange),
    ];

    pub fn code(self) -> &'static str {
        match self {
            HazardKind::DataLoss => "data-loss",
            HazardKind::TableRewrite => "table-rewrite",
            HazardKind::AccessExclusiveLock => "access-exclusive-lock",
            HazardKind::IndexBuild => "index-build",
            HazardKind::ValidatesRows => "validates-rows",
            HazardKind::NonTransactional => "non-transactional",
            HazardKind::Irreversible => "irreversible",
            HazardKind::UnmanagedDependents => "unmanaged-dependents",
            HazardKind::RuntimeOnly => "runtime-only",
            HazardKind::VespaRestart => "vespa-restart",
            HazardKind::VespaReindex => "vespa-reindex",
            HazardKind::VespaRefeed => "vespa-refeed",
            HazardKind::VespaOverride(id) => match id {
                ValidationId::FieldTypeChange => "vespa-override:field-type-change",
                ValidationId::IndexingChange => "vespa-override:indexing-change",
                ValidationId::IndexingModeChange => "vespa-override:indexing-mode-change",
                ValidationId::SchemaRemoval => "vespa-override:schema-removal",
                ValidationId::ContentClusterRemoval => "vespa-override:content-cluster-removal",
                ValidationId::GlobalDocumentChange => "vespa-override:global-document-change",
                ValidationId::PagedSettingRemoval => "vespa-override:paged-setting-removal",
                ValidationId::HnswSettingsChange => "vespa-override:hnsw-settings-change",
            },
        }
    }

    pub fn from_code(code: &str) -> Option<HazardKind> {
        HazardKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

impl fmt::Display for HazardKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hazard {
    pub kind: HazardKind,
    /// One sentence a reviewer can act on.
    pub why: String,
}

impl Hazard {
    pub fn new(kind: HazardKind, why: impl Into<String>) -> Self {
        Hazard {
            kind,
            why: why.into(),
        }
    }
}

/// The object a step touches, named for people: `public.tasks.title`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectRef {
    /// `table`, `column`, `index`, `foreign-key`, `enum`, ...
    pub kind: Cow<'static, str>,
    pub name: String,
}

/// One reviewable change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub store: Store,
    /// Kebab-case step kind: `create-table`, `add-column`, `alter-column-type`, ...
    pub kind: Cow<'static, str>,
    pub op: Op,
    pub object: ObjectRef,
    /// What changes, for people: `character varying(100) → character varying(200)`.
    pub detail: Option<String>,
    /// Executed in order. For Postgres: SQL statements without trailing semicolons.
    pub statements: Vec<String>,
    pub hazards: Vec<Hazard>,
    /// `false` for statements Postgres refuses inside a transaction block.
    pub transactional: bool,
    /// Runs in a transaction of its own, committed before the next step: a new enum label
    /// must be committed before anything uses it; a validation should not hold the locks of
    /// earlier DDL while it scans.
    pub isolated: bool,
    /// What squawk's migration linter says about this step's SQL beyond our hazards.
    /// Advisory: lints never block `apply`.
    pub lints: Vec<Lint>,
    /// The object's definition before and after, on the first step of a change that alters
    /// an object; for a reviewer's diff.
    pub ddl: Option<DdlChange>,
}

/// An object's definition on both sides of a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DdlChange {
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A finding of squawk's migration linter (`rule` is its kebab-case rule name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lint {
    pub rule: String,
    pub message: String,
    pub help: Option<String>,
}

impl Step {
    pub fn has_hazard(&self, kind: HazardKind) -> bool {
        self.hazards.iter().any(|h| h.kind == kind)
    }

    /// Whether the step may run long by design: it scans rows, builds an index or rewrites a
    /// table. Such steps get the long statement timeout.
    pub fn scans(&self) -> bool {
        self.hazards.iter().any(|h| {
            matches!(
                h.kind,
                HazardKind::IndexBuild | HazardKind::ValidatesRows | HazardKind::TableRewrite
            )
        })
    }
}

/// A note that belongs with the plan but is not a step: an unmanaged object, a warning.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Notice {
    pub store: Store,
    pub kind: NoticeKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NoticeKind {
    /// An object in scope that seadiff does not manage or was told to ignore.
    Unmanaged,
    Warning,
    /// A difference seadiff reports but does not change: a check-only setting, a requirement
    /// the server does not meet, data that breaks a key family's contract. It counts as drift.
    Drift,
    /// Something seadiff could not read (a refused command, a missing module): never "in
    /// sync", counted as drift only when asked (`--strict`).
    Unverifiable,
}

/// Fingerprints of the two states a store's part of the plan was computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    pub current: String,
    pub desired: String,
}

/// `sha256:<hex>` of some canonical bytes.
pub fn fingerprint(bytes: &[u8]) -> String {
    hex_digest(Sha256::new_with_prefix(bytes))
}

/// `sha256:<hex>` of what `hasher` was fed.
fn hex_digest(hasher: Sha256) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for b in hasher.finalize() {
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub steps: Vec<Step>,
    pub notices: Vec<Notice>,
    pub fingerprints: BTreeMap<Store, Fingerprint>,
    /// The way back: the plan from the desired state to the current one.
    pub rollback: Option<Box<Plan>>,
    /// What was compared, per store: `("table", 4)`, `("column", 26)`, ... so that "in sync"
    /// always says what it covers. See [`noun`].
    pub compared: BTreeMap<Store, Vec<(&'static str, usize)>>,
}

/// `kind` counted: `1 table`, `2 tables`, `3 indexes`, `2 keys or checks`.
pub fn noun(kind: &str, n: usize) -> String {
    if n == 1 {
        return format!("1 {kind}");
    }
    let plural = match kind {
        "index" => "indexes".to_owned(),
        "key or check" => "keys and checks".to_owned(),
        k if k.ends_with('s') => format!("{k}es"),
        k if k.ends_with('y') && !k.ends_with("ey") => format!("{}ies", &k[..k.len() - 1]),
        k => format!("{k}s"),
    };
    format!("{n} {plural}")
}

/// A run of steps executed together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    pub store: Store,
    pub transactional: bool,
    /// Index range into `Plan::steps`.
    pub start: usize,
    pub end: usize,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// No steps and no reported differences; with `strict`, nothing unverifiable either.
    pub fn in_sync(&self, strict: bool) -> bool {
        self.steps.is_empty()
            && !self.notices.iter().any(|n| {
                n.kind == NoticeKind::Drift || (strict && n.kind == NoticeKind::Unverifiable)
            })
    }

    /// Notices of one kind.
    pub fn notices_of(&self, kind: NoticeKind) -> impl Iterator<Item = &Notice> {
        self.notices.iter().filter(move |n| n.kind == kind)
    }

    /// Adds `other`'s steps, notices and facts after this plan's (another store's plan).
    pub fn merge(&mut self, other: Plan) {
        self.steps.extend(other.steps);
        self.notices.extend(other.notices);
        self.fingerprints.extend(other.fingerprints);
        self.compared.extend(other.compared);
        match (&mut self.rollback, other.rollback) {
            (Some(mine), Some(theirs)) => {
                // The way back undoes the later store first.
                let mut back = *theirs;
                back.merge(std::mem::take(mine));
                **mine = back;
            }
            (None, Some(theirs)) => self.rollback = Some(theirs),
            _ => {}
        }
    }

    /// Stable step ids: `pg-0001`, ... in plan order per store.
    pub fn step_ids(&self) -> Vec<String> {
        let mut counters: BTreeMap<Store, usize> = BTreeMap::new();
        self.steps
            .iter()
            .map(|s| {
                let n = counters.entry(s.store).or_default();
                *n += 1;
                let prefix = match s.store {
                    Store::Postgres => "pg",
                    Store::Redis => "redis",
                    Store::Vespa => "vespa",
                };
                format!("{prefix}-{n:04}")
            })
            .collect()
    }

    /// Transaction boundaries: consecutive transactional steps of one store form a group;
    /// every non-transactional step is a group of its own.
    pub fn groups(&self) -> Vec<Group> {
        let mut groups: Vec<Group> = Vec::new();
        for (i, step) in self.steps.iter().enumerate() {
            let alone = !step.transactional || step.isolated;
            match groups.last_mut() {
                Some(g)
                    if !alone
                        && g.transactional
                        && !self.steps[g.start].isolated
                        && g.store == step.store =>
                {
                    g.end = i + 1
                }
                _ => groups.push(Group {
                    store: step.store,
                    transactional: step.transactional,
                    start: i,
                    end: i + 1,
                }),
            }
        }
        groups
    }

    /// Steps as a person counts changes: dropping and re-creating the same object (a rebuilt
    /// index, a foreign key with new actions) is one change to that object, and so are the
    /// parts of one online change (build an index concurrently, then attach it).
    pub fn changes(&self) -> Vec<Change> {
        let mut changes: Vec<Change> = Vec::new();
        // The first change whose first step has this object, kind and op.
        let mut by_first: HashMap<(&ObjectRef, &str, Op), usize> = HashMap::new();
        // Changes that began by dropping this object, in order (each checked again when used:
        // it may have grown since).
        let mut drops: HashMap<&ObjectRef, Vec<usize>> = HashMap::new();
        for (i, step) in self.steps.iter().enumerate() {
            if let Some(&c) = by_first.get(&(&step.object, step.kind.as_ref(), step.op)) {
                changes[c].steps.push(i);
                continue;
            }
            if step.op == Op::Create
                && let Some(&c) = drops.get(&step.object).and_then(|cs| {
                    cs.iter()
                        .find(|&&c| changes[c].op == Op::Drop && changes[c].steps.len() == 1)
                })
            {
                changes[c].op = Op::Alter;
                changes[c].steps.push(i);
                continue;
            }
            by_first.insert((&step.object, step.kind.as_ref(), step.op), changes.len());
            if step.op == Op::Drop {
                drops.entry(&step.object).or_default().push(changes.len());
            }
            changes.push(Change {
                op: step.op,
                steps: vec![i],
            });
        }
        changes
    }

    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for change in self.changes() {
            match change.op {
                Op::Create => s.add += 1,
                Op::Alter => s.change += 1,
                Op::Drop => s.drop += 1,
            }
        }
        s.hazards = self.steps.iter().map(|step| step.hazards.len()).sum();
        s.unmanaged = self
            .notices
            .iter()
            .filter(|n| n.kind == NoticeKind::Unmanaged)
            .count();
        s
    }

    /// Steps carrying a hazard that `allowed` does not allow, with the codes missing.
    pub fn blocked(&self, allowed: &Allowed) -> Vec<(usize, Vec<HazardKind>)> {
        self.steps
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let missing: Vec<HazardKind> = s
                    .hazards
                    .iter()
                    .map(|h| h.kind)
                    .filter(|k| !allowed.allows(*k))
                    .collect();
                (!missing.is_empty()).then_some((i, missing))
            })
            .collect()
    }
}

/// One change to one object: a step, or a drop and re-create of the same object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub op: Op,
    /// Indexes into `Plan::steps`.
    pub steps: Vec<usize>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub add: usize,
    pub change: usize,
    pub drop: usize,
    pub hazards: usize,
    pub unmanaged: usize,
}

/// Which hazards `apply` may run: those given with `--allow-hazard`. Every hazard blocks
/// unless allowed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allowed {
    pub all: bool,
    pub kinds: Vec<HazardKind>,
}

impl Allowed {
    pub fn allows(&self, kind: HazardKind) -> bool {
        self.all || self.kinds.contains(&kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(op: Op, transactional: bool) -> Step {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Step {
            store: Store::Postgres,
            kind: "x".into(),
            op,
            object: ObjectRef {
                kind: "table".into(),
                name: format!("t{n}"),
            },
            detail: None,
            statements: vec![],
            hazards: vec![],
            transactional,
            isolated: false,
            lints: Vec::new(),
            ddl: None,
        }
    }

    #[test]
    fn groups_split_at_non_transactional_steps() {
        let plan = Plan {
            steps: vec![
                step(Op::Create, true),
                step(Op::Create, true),
                step(Op::Alter, false),
                step(Op::Drop, true),
            ],
            ..Plan::default()
        };
        let g: Vec<(usize, usize, bool)> = plan
            .groups()
            .iter()
            .map(|g| (g.start, g.end, g.transactional))
            .collect();
        assert_eq!(g, vec![(0, 2, true), (2, 3, false), (3, 4, true)]);
        assert_eq!(
            plan.step_ids(),
            vec!["pg-0001", "pg-0002", "pg-0003", "pg-0004"]
        );
        let s = plan.summary();
        assert_eq!((s.add, s.change, s.drop), (2, 1, 1));
    }

    #[test]
    fn only_allowed_blocking_hazards_pass() {
        let mut s = step(Op::Drop, true);
        s.hazards
            .push(Hazard::new(HazardKind::DataLoss, "drops rows"));
        s.hazards
            .push(Hazard::new(HazardKind::AccessExclusiveLock, "locks"));
        let plan = Plan {
            steps: vec![s],
            ..Plan::default()
        };
        assert_eq!(
            plan.blocked(&Allowed::default()),
            vec![(
                0,
                vec![HazardKind::DataLoss, HazardKind::AccessExclusiveLock]
            )]
        );
        assert_eq!(
            plan.blocked(&Allowed {
                all: false,
                kinds: vec![HazardKind::DataLoss]
            }),
            vec![(0, vec![HazardKind::AccessExclusiveLock])]
        );
        assert!(
            plan.blocked(&Allowed {
                all: false,
                kinds: vec![HazardKind::DataLoss, HazardKind::AccessExclusiveLock]
            })
            .is_empty()
        );
        assert!(
            plan.blocked(&Allowed {
                all: true,
                kinds: vec![]
            })
            .is_empty()
        );
    }

    #[test]
    fn hazard_codes_round_trip() {
        for k in HazardKind::ALL {
            assert_eq!(HazardKind::from_code(k.code()), Some(k));
        }
    }

    #[test]
    fn fingerprints_are_sha256() {
        assert_eq!(
            fingerprint(b"abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
