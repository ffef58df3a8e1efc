//! Runs one case: fresh databases on the private cluster, load both sides, introspect, plan,
//! apply, introspect again, and judge the result.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use differ::model::config::IgnoreList;
use differ::model::pg::Catalog;
use differ::plan::Plan;
use differ::postgres::apply::{ApplyOptions, apply};
use differ::postgres::cluster::TempCluster;
use differ::postgres::{DiffOptions, Scope, connect, introspect, make_plan};
use serde_json::{Map, Value};
use sqlx::{AssertSqlSafe, PgConnection};

use differ::postgres::script::split;

/// Upper bound for one statement anywhere in a case (loading, introspecting, applying).
pub(crate) const STATEMENT_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Corpus {
    Migra,
    Sqldef,
}

impl Corpus {
    pub(crate) const ALL: [Corpus; 2] = [Corpus::Migra, Corpus::Sqldef];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Corpus::Migra => "migra",
            Corpus::Sqldef => "sqldef",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Corpus> {
        Corpus::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A SQL text to load, named for messages (`a.sql`, `current`, `up`, ...).
#[derive(Debug, Clone)]
pub(crate) struct Script {
    pub(crate) label: String,
    pub(crate) sql: String,
}

impl Script {
    pub(crate) fn new(label: &str, sql: impl Into<String>) -> Script {
        Script {
            label: label.to_owned(),
            sql: sql.into(),
        }
    }
}

/// Where a pass's current database comes from.
#[derive(Debug, Clone)]
pub(crate) enum Start {
    /// A fresh database loaded with these scripts.
    Fresh(Vec<Script>),
    /// The current database of the previous pass, as that pass left it.
    Continue,
}

/// One plan-apply-verify round: make `current` look like a fresh database holding `desired`.
#[derive(Debug, Clone)]
pub(crate) struct Pass {
    /// `forward`, `additions`, `reverse`.
    pub(crate) label: &'static str,
    pub(crate) current: Start,
    pub(crate) desired: Vec<Script>,
}

#[derive(Debug, Clone)]
pub(crate) struct Case {
    pub(crate) corpus: Corpus,
    pub(crate) name: String,
    /// Why the case is not run on PG 15 here (`offline`, `flavor: pgvector`, ...).
    pub(crate) skip: Option<String>,
    /// Informational: psqldef-specific semantics and upstream flags the case carries.
    pub(crate) tags: Vec<String>,
    pub(crate) passes: Vec<Pass>,
}

/// Why a case failed: `key` groups similar failures, `reason` is the one line shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub(crate) key: String,
    pub(crate) reason: String,
}

impl Failure {
    /// Appends detail that may be cut when the reason is shortened.
    fn with_tail(mut self, tail: &str) -> Failure {
        self.reason.push_str(tail);
        self
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Notes {
    /// Some script loaded only statement by statement (reordered or outside a transaction).
    pub(crate) split_load: bool,
    /// The catalogs matched only once column order was disregarded.
    pub(crate) column_order: bool,
    /// The forward plan had no step: both sides already matched by seadiff's catalog.
    pub(crate) empty_forward_plan: bool,
    /// `pg_dump --schema-only` differences after a pass seadiff considers converged.
    pub(crate) dump: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) enum Outcome {
    Pass(Notes),
    Fail(Failure, Notes),
    Skip(String),
}

/// The shared, private cluster.
#[derive(Debug)]
pub(crate) struct Server {
    pub(crate) cluster: TempCluster,
    pub(crate) verbose: bool,
    /// `pg_dump` for the cross-check, when requested.
    pub(crate) pg_dump: Option<std::path::PathBuf>,
}

impl Server {
    pub(crate) async fn admin(&self) -> Result<PgConnection, String> {
        self.connect("postgres").await
    }

    pub(crate) async fn connect(&self, db: &str) -> Result<PgConnection, String> {
        let mut c = connect(&self.cluster.url(db), CONNECT_TIMEOUT)
            .await
            .map_err(|e| format!("connect to {db}: {}", chain(&e)))?;
        let set = format!(
            "SET statement_timeout = '{}ms'",
            STATEMENT_TIMEOUT.as_millis()
        );
        exec(&mut c, &set)
            .await
            .map_err(|e| format!("{set}: {e}"))?;
        Ok(c)
    }
}

/// Runs `sql` (one or more statements, simple protocol); the Postgres message on failure.
pub(crate) async fn exec(conn: &mut PgConnection, sql: &str) -> Result<(), String> {
    sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
        .execute(&mut *conn)
        .await
        .map(|_| ())
        .map_err(|e| pg_message(&e))
}

/// The server's message (with its detail) or sqlx's description.
pub(crate) fn pg_message(e: &sqlx::Error) -> String {
    match e.as_database_error() {
        Some(d) => {
            let mut m = d.message().to_owned();
            if let Some(pg) = d.try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                && let Some(detail) = pg.detail()
            {
                m.push_str(" (");
                m.push_str(detail);
                m.push(')');
            }
            one_line(&m)
        }
        None => one_line(&e.to_string()),
    }
}

/// An error and its sources on one line.
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        let _ = write!(s, ": {inner}");
        src = inner.source();
    }
    s
}

/// Runs a case's passes on databases of its own (`cf<idx>_<n>`), dropped afterwards.
pub(crate) async fn run_case(server: Arc<Server>, idx: usize, case: Case) -> Outcome {
    if let Some(tag) = &case.skip {
        return Outcome::Skip(tag.clone());
    }
    let mut run = Run {
        case: format!("{} {}", case.corpus.as_str(), case.name),
        server: &server,
        prefix: format!("cf{idx}"),
        created: Vec::new(),
        notes: Notes::default(),
        unmanaged_kinds: BTreeSet::new(),
    };
    let result = run.passes(&case).await;
    run.cleanup().await;
    match result {
        Ok(()) => Outcome::Pass(run.notes),
        Err(f) => Outcome::Fail(f, run.notes),
    }
}

struct Run<'a> {
    /// `corpus name`, for verbose output.
    case: String,
    server: &'a Server,
    prefix: String,
    created: Vec<String>,
    notes: Notes,
    /// Kinds of unmanaged objects seen in any catalog of the case.
    unmanaged_kinds: BTreeSet<String>,
}

impl Run<'_> {
    async fn passes(&mut self, case: &Case) -> Result<(), Failure> {
        let mut db0: Option<String> = None;
        for pass in &case.passes {
            let current = match &pass.current {
                Start::Fresh(scripts) => self.database(scripts).await?,
                Start::Continue => db0
                    .clone()
                    .ok_or_else(|| plain("harness error", "a continuing pass has no database"))?,
            };
            db0 = Some(current.clone());
            let desired = self.database(&pass.desired).await?;
            self.pass(pass.label, &current, &desired)
                .await
                .map_err(|f| match pass.label {
                    "forward" => f,
                    label => Failure {
                        key: f.key,
                        reason: format!("{label} pass: {}", f.reason),
                    },
                })?;
        }
        Ok(())
    }

    /// A fresh database holding `scripts`, loaded as whole messages; if that fails (a
    /// statement that refuses a transaction block, or statements out of dependency order), a
    /// second fresh database loaded statement by statement, retrying failed statements until
    /// no more succeed.
    async fn database(&mut self, scripts: &[Script]) -> Result<String, Failure> {
        let name = format!("{}_{}", self.prefix, self.created.len());
        self.create(&name).await?;
        let mut conn = self.connect(&name).await?;
        let mut first_error = None;
        for s in scripts {
            if split(&s.sql).is_empty() {
                continue;
            }
            if let Err(e) = exec(&mut conn, &s.sql).await {
                first_error = Some((s.label.clone(), e));
                break;
            }
        }
        drop(conn);
        let Some((label, whole_error)) = first_error else {
            return Ok(name);
        };

        self.notes.split_load = true;
        self.drop_db(&name).await;
        self.create(&name).await?;
        let mut conn = self.connect(&name).await?;
        let mut pending: Vec<(String, String)> = scripts
            .iter()
            .flat_map(|s| {
                split(&s.sql)
                    .into_iter()
                    .map(|st| (s.label.clone(), st.text))
            })
            .collect();
        loop {
            let before = pending.len();
            let mut failed = Vec::new();
            let mut errors = Vec::new();
            for (label, st) in pending {
                if let Err(e) = exec(&mut conn, &st).await {
                    errors.push((label.clone(), st.clone(), e));
                    failed.push((label, st));
                }
            }
            pending = failed;
            if pending.is_empty() {
                return Ok(name);
            }
            if pending.len() == before {
                let (failed_in, st, e) = errors.swap_remove(0);
                let head = clip(&one_line(&st), 80);
                let whole = if whole_error == e {
                    String::new()
                } else {
                    format!(" (as whole scripts, {label} failed: {whole_error})")
                };
                return Err(Failure {
                    key: format!("load error: {}", mask(&e)),
                    reason: format!(
                        "load error ({failed_in}): {e} in `{head}`{whole}{}",
                        missing_locale_hint(&e)
                    ),
                });
            }
        }
    }

    async fn pass(&mut self, label: &str, current: &str, desired: &str) -> Result<(), Failure> {
        let scope = Scope {
            schemas: None,
            ignore: IgnoreList::default(),
        };
        let mut c0 = self.connect(current).await?;
        let mut c1 = self.connect(desired).await?;
        let before = introspect(&mut c0, &scope)
            .await
            .map_err(|e| plain("introspect error", &format!("current: {}", chain(&e))))?
            .catalog;
        let want = introspect(&mut c1, &scope)
            .await
            .map_err(|e| plain("introspect error", &format!("desired: {}", chain(&e))))?
            .catalog;
        drop(c1);
        self.saw(&before);
        self.saw(&want);

        let plan = make_plan(&before, &want, &DiffOptions::default(), &[]);
        if label == "forward" && plan.steps.is_empty() {
            self.notes.empty_forward_plan = true;
        }
        if self.server.verbose {
            println!(
                "--- {}: {label} plan ({current} → {desired}):\n{}",
                self.case,
                plan_sql(&plan)
            );
        }
        if let Err(e) = apply(&mut c0, &plan, &ApplyOptions::default()).await {
            let step = &plan.steps[e.step];
            let msg = pg_message(&e.source);
            return Err(self
                .fail(
                    format!(
                        "{}apply error in {}: {}",
                        self.root_cause(&msg),
                        step.kind,
                        mask(&msg)
                    ),
                    format!(
                        "apply error in {} {} {}: {msg}",
                        step.kind, step.object.kind, step.object.name,
                    ),
                )
                .with_tail(&format!(
                    " (statement: {})",
                    clip(&one_line(&e.statement), 100)
                )));
        }
        let after = introspect(&mut c0, &scope)
            .await
            .map_err(|e| plain("introspect error", &format!("after apply: {}", chain(&e))))?
            .catalog;
        self.saw(&after);
        let replan = make_plan(&after, &want, &DiffOptions::default(), &[]);
        self.judge_modeled(&after, &want, &replan)?;
        if let Some(pg_dump) = &self.server.pg_dump {
            let (pg_dump, a, b) = (
                pg_dump.clone(),
                self.server.cluster.url(current),
                self.server.cluster.url(desired),
            );
            let res = tokio::task::spawn_blocking(move || {
                Ok::<_, String>((
                    crate::dump::schema(&pg_dump, &a)?,
                    crate::dump::schema(&pg_dump, &b)?,
                ))
            })
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r);
            match res {
                Ok((a, b)) => {
                    if let Some(d) = crate::dump::difference(&a, &b) {
                        self.notes.dump.push(format!("{label}: {d}"));
                    }
                }
                Err(e) => self.notes.dump.push(format!("{label}: {e}")),
            }
        }
        self.judge_unmanaged(&after, &want)?;
        self.way_back(&mut c0, &scope, &plan, &before, &want).await
    }

    /// Applies the plan's rollback and judges the result against the start, then goes
    /// forward again so that a continuing pass finds the desired state.
    async fn way_back(
        &mut self,
        conn: &mut PgConnection,
        scope: &Scope,
        plan: &Plan,
        before: &Catalog,
        want: &Catalog,
    ) -> Result<(), Failure> {
        let Some(back) = plan.rollback.as_deref() else {
            return Ok(());
        };
        let tag = |f: Failure| Failure {
            key: format!("rollback: {}", f.key),
            reason: format!("rollback: {}", f.reason),
        };
        if let Err(e) = apply(conn, back, &ApplyOptions::default()).await {
            let step = &back.steps[e.step];
            let msg = pg_message(&e.source);
            return Err(tag(self.fail(
                format!(
                    "{}apply error in {}: {}",
                    self.root_cause(&msg),
                    step.kind,
                    mask(&msg)
                ),
                format!(
                    "apply error in {} {} {}: {msg}",
                    step.kind, step.object.kind, step.object.name
                ),
            )));
        }
        let restored = introspect(conn, scope)
            .await
            .map_err(|e| {
                plain(
                    "introspect error",
                    &format!("after rollback: {}", chain(&e)),
                )
            })?
            .catalog;
        let replan = make_plan(&restored, before, &DiffOptions::default(), &[]);
        self.judge_modeled(&restored, before, &replan)
            .map_err(tag)?;
        let again = make_plan(&restored, want, &DiffOptions::default(), &[]);
        apply(conn, &again, &ApplyOptions::default())
            .await
            .map_err(|e| plain("rollback: re-apply error", &pg_message(&e.source)))?;
        Ok(())
    }

    /// Compares what apply produced with what was wanted, for the objects seadiff models.
    fn judge_modeled(
        &mut self,
        after: &Catalog,
        want: &Catalog,
        replan: &Plan,
    ) -> Result<(), Failure> {
        let (a, w) = (modeled(after), modeled(want));
        let equal = a == w;
        if equal && (strip_unmanaged(after) != strip_unmanaged(want)) {
            self.notes.column_order = true;
        }
        if !equal {
            let paths = json_diff(&comparable(after), &comparable(want));
            let first = paths.first().map(|(p, _)| p.clone()).unwrap_or_default();
            let shown: Vec<String> = paths.iter().take(3).map(|(_, s)| s.clone()).collect();
            return Err(if replan.steps.is_empty() {
                self.fail(
                    format!("catalog mismatch, re-plan empty: {first}"),
                    format!(
                        "catalog mismatch the re-plan does not see: {}",
                        shown.join("; ")
                    ),
                )
            } else {
                self.fail(
                    format!("catalog mismatch: re-plan {}", step_kinds(replan)),
                    format!(
                        "catalog mismatch: re-plan {}; differs at {}",
                        steps_line(replan),
                        shown.join("; ")
                    ),
                )
            });
        }
        if !replan.steps.is_empty() {
            return Err(self.fail(
                format!(
                    "non-empty re-plan on equal catalogs: {}",
                    step_kinds(replan)
                ),
                format!(
                    "catalogs equal but the re-plan is not empty: {}",
                    steps_line(replan)
                ),
            ));
        }
        Ok(())
    }

    /// Unmanaged objects are compared by kind and name only, so even equal lists prove
    /// nothing about their definitions: a case that has any never passes.
    fn judge_unmanaged(&self, after: &Catalog, want: &Catalog) -> Result<(), Failure> {
        let have: BTreeSet<_> = after.unmanaged.iter().collect();
        let wanted: BTreeSet<_> = want.unmanaged.iter().collect();
        if have != wanted {
            let missing: Vec<String> = wanted
                .difference(&have)
                .map(|u| format!("{} {}", u.kind, u.name))
                .collect();
            let extra: Vec<String> = have
                .difference(&wanted)
                .map(|u| format!("{} {}", u.kind, u.name))
                .collect();
            let kinds: BTreeSet<&str> = wanted
                .symmetric_difference(&have)
                .map(|u| u.kind.as_str())
                .collect();
            let mut detail = Vec::new();
            if !missing.is_empty() {
                detail.push(format!("missing after apply: {}", list(&missing, 3)));
            }
            if !extra.is_empty() {
                detail.push(format!("left over: {}", list(&extra, 3)));
            }
            let kinds = kinds.into_iter().collect::<Vec<_>>().join(", ");
            return Err(Failure {
                key: format!("{kinds} not managed: differs after apply"),
                reason: format!("not managed ({kinds}): {}", detail.join("; ")),
            });
        }
        if !want.unmanaged.is_empty() {
            let kinds: BTreeSet<&str> = want.unmanaged.iter().map(|u| u.kind.as_str()).collect();
            let kinds = kinds.into_iter().collect::<Vec<_>>().join(", ");
            let names: Vec<String> = want
                .unmanaged
                .iter()
                .map(|u| format!("{} {}", u.kind, u.name))
                .collect();
            return Err(Failure {
                key: format!("{kinds} not managed: same names on both sides, unverified"),
                reason: format!(
                    "not managed ({kinds}); tables etc. converge but these are unverified: {}",
                    list(&names, 3)
                ),
            });
        }
        Ok(())
    }

    /// An apply error's likely cause when it names an object kind seadiff does not manage,
    /// as a prefix for the grouping key.
    fn root_cause(&self, msg: &str) -> &'static str {
        let has = |k: &str| self.unmanaged_kinds.contains(k);
        if msg.contains("_seq\" does not exist") {
            "sequence not managed (nextval default of a serial column): "
        } else if msg.starts_with("type ") && msg.contains("does not exist") && has("domain") {
            "domain not managed: "
        } else if msg.starts_with("function ") && msg.contains("does not exist") {
            "function not managed: "
        } else if msg.contains("(view ") || msg.contains("(materialized view ") {
            "view not managed (dependent view): "
        } else if has("partition") || has("partitioned table") {
            "partitions not managed: "
        } else if has("table inheritance") {
            "inheritance not managed: "
        } else {
            ""
        }
    }

    fn saw(&mut self, c: &Catalog) {
        self.unmanaged_kinds
            .extend(c.unmanaged.iter().map(|u| u.kind.clone()));
    }

    /// A failure, tagged with the unmanaged kinds the case involves (often the root cause).
    fn fail(&self, key: String, reason: String) -> Failure {
        let key = match key.split_once(": ") {
            Some((head, _))
                if !self.unmanaged_kinds.is_empty() && !head.contains("not managed") =>
            {
                let kinds = self.unmanaged_kinds.iter().cloned().collect::<Vec<_>>();
                format!("{key} [unmanaged here: {}]", kinds.join(", "))
            }
            _ => key,
        };
        if self.unmanaged_kinds.is_empty() {
            return Failure { key, reason };
        }
        let kinds = self
            .unmanaged_kinds
            .iter()
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        Failure {
            key,
            reason: format!("{reason} [unmanaged here: {kinds}]"),
        }
    }

    async fn create(&mut self, name: &str) -> Result<(), Failure> {
        let mut admin = self
            .server
            .admin()
            .await
            .map_err(|e| plain("harness error", &e))?;
        let sql = format!("CREATE DATABASE \"{name}\"");
        exec(&mut admin, &sql)
            .await
            .map_err(|e| plain("harness error", &format!("{sql}: {e}")))?;
        if !self.created.iter().any(|n| n == name) {
            self.created.push(name.to_owned());
        }
        Ok(())
    }

    async fn connect(&self, name: &str) -> Result<PgConnection, Failure> {
        self.server
            .connect(name)
            .await
            .map_err(|e| plain("harness error", &e))
    }

    async fn drop_db(&self, name: &str) {
        if let Ok(mut admin) = self.server.admin().await {
            let _ = exec(
                &mut admin,
                &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
            )
            .await;
        }
    }

    async fn cleanup(&mut self) {
        for name in std::mem::take(&mut self.created) {
            self.drop_db(&name).await;
        }
    }
}

/// `collation "en_US" … does not exist` names an OS locale this machine lacks (`locale -a`);
/// initdb imports the installed ones only.
fn missing_locale_hint(msg: &str) -> &'static str {
    let locale = msg
        .strip_prefix("collation \"")
        .and_then(|r| r.split_once('"'))
        .is_some_and(|(name, rest)| {
            rest.contains("does not exist")
                && name.len() >= 5
                && name.as_bytes()[2] == b'_'
                && name[..2].chars().all(|c| c.is_ascii_lowercase())
        });
    if locale {
        " (environment: that OS locale is not installed here, so the cluster has no such collation)"
    } else {
        ""
    }
}

fn plain(key: &str, detail: &str) -> Failure {
    Failure {
        key: key.to_owned(),
        reason: format!("{key}: {detail}"),
    }
}

/// The catalog as compared: unmanaged objects aside (judged separately), and up to what DDL
/// cannot change (`Catalog::comparable`: column order, local flags of inherited columns).
fn modeled(c: &Catalog) -> Catalog {
    strip_unmanaged(&c.comparable())
}

fn strip_unmanaged(c: &Catalog) -> Catalog {
    Catalog {
        unmanaged: Vec::new(),
        ..c.clone()
    }
}

/// The modelled part of a catalog as JSON, for a readable structural difference.
fn comparable(c: &Catalog) -> Value {
    serde_json::to_value(modeled(c)).unwrap_or(Value::Null)
}

/// Collections whose keys are object names (masked in grouping keys). Lists of named
/// entries (columns, `{schema, name, def}` maps) are keyed by name while walking.
const NAMED: [&str; 17] = [
    "schemas",
    "extensions",
    "enums",
    "tables",
    "columns",
    "uniques",
    "checks",
    "foreign_keys",
    "indexes",
    "excludes",
    "triggers",
    "policies",
    "sequences",
    "domains",
    "composites",
    "views",
    "functions",
];

/// A list of named entries as a map by name: `{schema, name, def}` entries (how catalog maps
/// keyed by qualified names serialize) or objects with a unique `name`.
fn keyed(v: &[Value]) -> Option<Map<String, Value>> {
    let mut m = Map::new();
    for e in v {
        let o = e.as_object()?;
        let name = o.get("name")?.as_str()?;
        let (key, value) = match (o.get("schema").and_then(Value::as_str), o.get("def")) {
            (Some(schema), Some(def)) if o.len() == 3 => (format!("{schema}.{name}"), def.clone()),
            _ => (name.to_owned(), e.clone()),
        };
        if m.insert(key, value).is_some() {
            return None;
        }
    }
    Some(m)
}

/// Differing leaves: (masked path for grouping, `path: current → desired` for people).
fn json_diff(a: &Value, b: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    walk(a, b, &mut Vec::new(), false, &mut out);
    out
}

fn walk(
    a: &Value,
    b: &Value,
    path: &mut Vec<(String, bool)>,
    named_keys: bool,
    out: &mut Vec<(String, String)>,
) {
    if a == b {
        return;
    }
    let named = named_keys
        || path
            .last()
            .is_some_and(|(seg, named)| !named && NAMED.contains(&seg.as_str()));
    let null = Value::Null;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                path.push((k.clone(), named));
                walk(
                    x.get(k).unwrap_or(&null),
                    y.get(k).unwrap_or(&null),
                    path,
                    false,
                    out,
                );
                path.pop();
            }
        }
        (Value::Array(x), Value::Array(y)) if keyed(x).is_some() && keyed(y).is_some() => {
            let (x, y) = (keyed(x).unwrap_or_default(), keyed(y).unwrap_or_default());
            walk(&Value::Object(x), &Value::Object(y), path, true, out);
        }
        (Value::Array(x), Value::Null) | (Value::Null, Value::Array(x)) if x.is_empty() => {}
        _ => {
            let masked = path
                .iter()
                .map(|(s, named)| if *named { "*" } else { s.as_str() })
                .collect::<Vec<_>>()
                .join(".");
            let shown = path
                .iter()
                .map(|(s, _)| s.as_str())
                .collect::<Vec<_>>()
                .join(".");
            out.push((masked, format!("{shown}: {} → {}", short(a), short(b))));
        }
    }
}

fn short(v: &Value) -> String {
    match v {
        Value::Null => "absent".to_owned(),
        other => clip(&other.to_string(), 100),
    }
}

fn step_kinds(p: &Plan) -> String {
    let kinds: BTreeSet<&str> = p.steps.iter().map(|s| s.kind.as_ref()).collect();
    kinds.into_iter().collect::<Vec<_>>().join(", ")
}

/// The first few steps of a plan, one line.
fn steps_line(p: &Plan) -> String {
    let mut shown: Vec<String> = p
        .steps
        .iter()
        .take(3)
        .map(|s| {
            let mut t = format!("{} {}", s.kind, s.object.name);
            if let Some(d) = &s.detail {
                let _ = write!(t, " ({})", clip(&one_line(d), 100));
            }
            t
        })
        .collect();
    if p.steps.len() > 3 {
        shown.push(format!("… {} steps in all", p.steps.len()));
    }
    shown.join("; ")
}

fn plan_sql(p: &Plan) -> String {
    p.steps
        .iter()
        .flat_map(|s| s.statements.iter().map(|st| format!("{st};")))
        .collect::<Vec<_>>()
        .join("\n")
}

fn list(items: &[String], n: usize) -> String {
    let mut s = items.iter().take(n).cloned().collect::<Vec<_>>().join(", ");
    if items.len() > n {
        let _ = write!(s, " (+{} more)", items.len() - n);
    }
    s
}

pub(crate) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(crate) fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_owned();
    }
    let mut t: String = s.chars().take(n).collect();
    t.push('…');
    t
}

/// A Postgres message with names masked, so similar failures group together.
pub(crate) fn mask(msg: &str) -> String {
    if msg.starts_with("function ") && msg.ends_with(" does not exist") {
        return "function …(…) does not exist".to_owned();
    }
    if let Some((head, rest)) = msg.split_once(" because other objects depend on it (") {
        let what = head
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ");
        let dependent = [
            "materialized view",
            "view",
            "constraint",
            "default value",
            "function",
            "trigger",
            "rule",
            "policy",
            "index",
        ]
        .into_iter()
        .find(|k| rest.starts_with(k))
        .unwrap_or("object");
        return format!("{what} … because other objects depend on it ({dependent} …)");
    }
    let mut out = String::new();
    let mut inside = false;
    for c in msg.chars() {
        if c == '"' {
            if inside {
                out.push_str("…\"");
            } else {
                out.push('"');
            }
            inside = !inside;
        } else if !inside {
            out.push(c);
        }
    }
    clip(&one_line(&out), 120)
}
