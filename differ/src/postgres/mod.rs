//! Postgres: `introspect` (reads a live catalog), `diff` (pure), `apply` (writes).

pub mod annotations;
pub mod apply;
pub mod cluster;
pub mod ddl;
pub mod describe;
pub mod diff;
pub mod ident;
pub mod introspect;
pub mod lint;
pub mod normalize;
pub mod probe;
pub mod rollback;
pub mod scratch;
pub mod script;
pub mod smoke;
pub mod source;
pub mod types;
pub mod verify;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, PgConnection};

use crate::model::pg::{Catalog, FunctionKind, Unmanaged};
use crate::plan::{Fingerprint, Notice, NoticeKind, Plan, Step, Store};
use crate::redact::RedactedUrl;

pub use diff::{DiffOptions, Online, diff};
pub use introspect::{Introspection, Scope, introspect};

/// The oldest server this build supports (`server_version_num`).
pub const MIN_SERVER_VERSION: u32 = 120000;

#[derive(Debug, thiserror::Error)]
pub enum PgError {
    #[error("`{endpoint}` is not a valid Postgres URL: {reason}")]
    InvalidUrl {
        endpoint: RedactedUrl,
        reason: String,
    },
    #[error("cannot connect to {endpoint}")]
    Connect {
        endpoint: RedactedUrl,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot connect to {endpoint}: no answer within {seconds} s")]
    ConnectTimeout { endpoint: RedactedUrl, seconds: u64 },
    #[error("Postgres {version} is not supported; seadiff needs 12 or newer")]
    Unsupported { version: String },
    #[error("cannot {what}")]
    Query {
        what: &'static str,
        #[source]
        source: sqlx::Error,
    },
    #[error("unexpected catalog data for {what}: {detail}")]
    Catalog { what: &'static str, detail: String },
    /// The server sent nothing for longer than the read timeout: a stalled network or server.
    /// The connection is unusable afterwards.
    #[error("no answer within {} while trying to {what}", seconds(*limit))]
    Stalled { what: &'static str, limit: Duration },
}

/// `5 s`, `1.5 s`.
pub fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// Runs `fut` (reads on one connection), failing with [`PgError::Stalled`] when it has not
/// finished within `limit`: a stalled network or server cannot hang a command. After a stall
/// the connection must be dropped.
pub async fn bounded<T>(
    limit: Duration,
    what: &'static str,
    fut: impl std::future::Future<Output = Result<T, PgError>>,
) -> Result<T, PgError> {
    match tokio::time::timeout(limit, fut).await {
        Ok(r) => r,
        Err(_) => Err(PgError::Stalled { what, limit }),
    }
}

/// Opens a connection, failing after `timeout` instead of hanging on an unreachable host.
pub async fn connect(url: &str, timeout: Duration) -> Result<PgConnection, PgError> {
    let endpoint = RedactedUrl::new(url);
    let options = PgConnectOptions::from_str(url)
        .map_err(|e| PgError::InvalidUrl {
            endpoint: endpoint.clone(),
            reason: url_error_reason(&e),
        })?
        .application_name("seadiff")
        .statement_cache_capacity(0);
    let conn = match tokio::time::timeout(timeout, options.connect()).await {
        Err(_) => {
            return Err(PgError::ConnectTimeout {
                endpoint,
                seconds: timeout.as_secs(),
            });
        }
        Ok(Err(source)) => return Err(PgError::Connect { endpoint, source }),
        Ok(Ok(conn)) => conn,
    };
    match conn.server_version_num() {
        Some(v) if v < MIN_SERVER_VERSION => Err(PgError::Unsupported {
            version: v.to_string(),
        }),
        _ => Ok(conn),
    }
}

/// Two connections to `url`, opened side by side (connecting costs as much as reading a few
/// hundred tables): the first, and a second for the catalog read to split its queries over
/// when the server gives one. Whichever comes up serves as the first. When neither does and
/// the server refused them (a connection limit of 1 can refuse two logins made at once), one
/// connection is tried alone before giving up with the first error.
pub async fn connect_pair(
    url: &str,
    timeout: Duration,
) -> Result<(PgConnection, Option<PgConnection>), PgError> {
    let (a, b) = futures_util::future::join(connect(url, timeout), connect(url, timeout)).await;
    match (a, b) {
        (Ok(a), b) => Ok((a, b.ok())),
        (Err(_), Ok(b)) => Ok((b, None)),
        (Err(e), Err(_)) => {
            let refused = matches!(
                &e,
                PgError::Connect {
                    source: sqlx::Error::Database(_),
                    ..
                }
            );
            if !refused {
                return Err(e);
            }
            connect(url, timeout)
                .await
                .map(|c| (c, None))
                .map_err(|_| e)
        }
    }
}

/// sqlx's URL errors may quote the URL; keep only the kind of problem.
fn url_error_reason(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Configuration(inner) => {
            let text = inner.to_string();
            if text.contains("://") {
                "the URL cannot be parsed".to_owned()
            } else {
                text
            }
        }
        _ => "the URL cannot be parsed".to_owned(),
    }
}

/// How long an exact row count before a drop may take before the planner's estimate is used.
pub const COUNT_TIMEOUT: Duration = Duration::from_secs(5);

/// Looks at the live data the plan would touch (which tables hold rows, how many rows or
/// values a drop loses), then plans with what it found: hazards and online DDL follow the
/// data.
///
/// On a multi-threaded runtime the parts of the plan that do not depend on the data (the
/// rollback plan, the fingerprints) are worked out on threads of their own while the data is
/// looked at; elsewhere the steps run one after another.
pub async fn probe_and_plan(
    conn: &mut PgConnection,
    current: &Catalog,
    desired: &Catalog,
    opts: DiffOptions,
    warnings: &[String],
) -> Result<Plan, PgError> {
    probe_then_plan(
        current,
        desired,
        opts,
        warnings,
        move |touched| async move { probe::probe(conn, &touched, COUNT_TIMEOUT).await },
    )
    .await
}

/// [`probe_and_plan`], failing with [`PgError::Stalled`] when the server stops answering: the
/// probe may take `read_timeout` plus [`COUNT_TIMEOUT`] for each count it makes (a count that
/// runs longer gives way to an estimate on the server's side, so only a stalled network or
/// server hits this bound).
pub async fn probe_and_plan_bounded(
    conn: &mut PgConnection,
    current: &Catalog,
    desired: &Catalog,
    opts: DiffOptions,
    warnings: &[String],
    read_timeout: Duration,
) -> Result<Plan, PgError> {
    probe_then_plan(
        current,
        desired,
        opts,
        warnings,
        move |touched| async move {
            let counts = 1 + touched.dropped_tables.len() + touched.dropped_columns.len();
            let limit = read_timeout + COUNT_TIMEOUT * u32::try_from(counts).unwrap_or(u32::MAX);
            bounded(
                limit,
                "look at the data",
                probe::probe(conn, &touched, COUNT_TIMEOUT),
            )
            .await
        },
    )
    .await
}

/// Plans with the stats `probe` finds for what the plan touches.
async fn probe_then_plan<F, Fut>(
    current: &Catalog,
    desired: &Catalog,
    opts: DiffOptions,
    warnings: &[String],
    probe: F,
) -> Result<Plan, PgError>
where
    F: FnOnce(probe::Touched) -> Fut,
    Fut: std::future::Future<Output = Result<probe::DataStats, PgError>>,
{
    use tokio::runtime::{Handle, RuntimeFlavor};
    let forward_opts = |probed: probe::DataStats| DiffOptions {
        stats: probed,
        ..opts.clone()
    };
    let handle = Handle::try_current();
    match handle {
        // The probe waits on the server while the threads plan; `block_in_place` hands this
        // worker's other tasks to another thread meanwhile.
        Ok(handle) if handle.runtime_flavor() == RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(|| {
                plan_alongside(current, desired, &opts, warnings, |waiting| {
                    let (touched, analysis) = diff::touched_analysed(current, desired, &opts);
                    waiting();
                    let stats = handle.block_on(probe(touched))?;
                    Ok((forward_opts(stats), Some(analysis)))
                })
            })
        }
        _ => {
            let (touched, analysis) = diff::touched_analysed(current, desired, &opts);
            let stats = probe(touched).await?;
            plan_alongside(current, desired, &opts, warnings, |_| {
                Ok((forward_opts(stats), Some(analysis)))
            })
        }
    }
}

/// The plan for one database: the diff plus what the plan must say besides its steps, and its
/// rollback plan.
///
/// Pure CPU work on catalogs every thread only reads, spread over threads: the two catalog
/// fingerprints and the rollback plan each on a thread of their own while this one works out,
/// describes and lints the forward plan.
pub fn make_plan(
    current: &Catalog,
    desired: &Catalog,
    opts: &DiffOptions,
    warnings: &[String],
) -> Plan {
    let planned: Result<Plan, std::convert::Infallible> =
        plan_alongside(current, desired, opts, warnings, |_| {
            Ok((opts.clone(), None))
        });
    match planned {
        Ok(plan) => plan,
    }
}

/// [`make_plan`] with the forward plan's options from `forward_opts` (and the planner's
/// analysis, when it made one), which runs on this thread while the other threads work out
/// what does not depend on them: the fingerprints, and the rollback plan. The rollback plan
/// starts at once; the fingerprints when `forward_opts` says it is about to wait (for the
/// server to look at the data: a core would stand idle), or when it returns.
///
/// The rollback plan assumes every table may hold rows whatever the probe found (its hazards
/// and online DDL are for the day it runs, after the forward plan and the writes since), so
/// it needs nothing from `forward_opts`.
fn plan_alongside<'a, E>(
    current: &'a Catalog,
    desired: &'a Catalog,
    opts: &'a DiffOptions,
    warnings: &[String],
    forward_opts: impl FnOnce(&mut dyn FnMut()) -> Result<(DiffOptions, Option<diff::Analysis<'a>>), E>,
) -> Result<Plan, E> {
    let (mut plan, fingerprints, back) = std::thread::scope(|s| {
        // Started before the forward steps are known (they are the usual case; when there are
        // none, this thread's work is thrown away).
        let back = s.spawn(move || rollback_plan(current, desired, opts));
        let mut fingerprinting = None;
        let mut fingerprint = || {
            fingerprinting.get_or_insert_with(|| {
                (
                    s.spawn(|| catalog_fingerprint(current)),
                    s.spawn(|| catalog_fingerprint(desired)),
                )
            });
        };
        let forward = forward_opts(&mut fingerprint);
        fingerprint();
        let (fp_current, fp_desired) = fingerprinting.expect("started above");
        let (opts, analysis) = forward?;
        let (steps, order_warnings) = diff::diff_analysed(current, desired, &opts, analysis);
        let changes = !steps.is_empty();
        let plan = one_way(steps, order_warnings, current, desired, &opts, warnings);
        let back = joined(back);
        let back = changes.then_some(back);
        let fingerprints = Fingerprint {
            current: joined(fp_current),
            desired: joined(fp_desired),
        };
        Ok((plan, fingerprints, back))
    })?;
    if let Some(mut back) = back {
        // The way back starts from the declared state and ends at the live one.
        let fp = Fingerprint {
            current: fingerprints.desired.clone(),
            desired: fingerprints.current.clone(),
        };
        back.fingerprints.insert(Store::Postgres, fp);
        rollback::mark_irreversible(&plan, &mut back);
        plan.rollback = Some(Box::new(back));
    }
    plan.fingerprints.insert(Store::Postgres, fingerprints);
    Ok(plan)
}

/// How the rollback plan from `desired` back to `current` is made: without the probe's
/// stats, and with the desired side's coverage standing for the declaration.
pub fn rollback_options(opts: &DiffOptions, desired: &Catalog) -> DiffOptions {
    DiffOptions {
        coverage: Some(opts.coverage_for(desired)),
        stats: probe::DataStats::default(),
        ..opts.clone()
    }
}

/// The plan from `desired` back to `current`, see [`rollback_options`].
fn rollback_plan(current: &Catalog, desired: &Catalog, opts: &DiffOptions) -> Plan {
    let (from, to) = rollback::reverse_states(current, desired);
    let back_opts = rollback_options(opts, desired);
    let (steps, order_warnings) = diff::diff_with_warnings(&from, &to, &back_opts);
    let mut back = one_way(steps, order_warnings, &from, &to, &back_opts, &[]);
    back.notices.retain(|n| n.kind != NoticeKind::Unmanaged);
    back
}

/// The result of a planning thread; a panic there is a bug to surface, not to hide.
fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// A plan from its ordered steps: notices (unmanaged objects, warnings), before/after
/// definitions, what was compared and, with [`DiffOptions::lint`], squawk's findings (worked
/// out beside the definitions). Its fingerprints are the caller's to add.
fn one_way(
    steps: Vec<Step>,
    order_warnings: Vec<String>,
    current: &Catalog,
    desired: &Catalog,
    opts: &DiffOptions,
    warnings: &[String],
) -> Plan {
    let mut unmanaged = current.unmanaged.clone();
    if !opts.coverage_for(desired).full() {
        unmanaged.extend(undeclared(current));
    }
    let warnings: Vec<String> = warnings.iter().cloned().chain(order_warnings).collect();
    let mut notices: Vec<Notice> = unmanaged
        .iter()
        .map(|u| Notice {
            store: Store::Postgres,
            kind: NoticeKind::Unmanaged,
            message: format!("{} {}: {}", u.kind, u.name, u.reason),
        })
        .collect();
    notices.extend(warnings.iter().map(|w| Notice {
        store: Store::Postgres,
        kind: NoticeKind::Warning,
        message: w.clone(),
    }));
    let mut plan = Plan {
        steps,
        notices,
        ..Plan::default()
    };
    plan.compared.insert(Store::Postgres, compared(desired));
    // Both only read the plan: squawk on a thread of its own meanwhile.
    let (ddl, lints) = std::thread::scope(|s| {
        let lints = opts.lint.then(|| s.spawn(|| lint::findings(&plan)));
        (
            describe::definitions(&plan, current, desired),
            lints.map(joined),
        )
    });
    describe::attach(&mut plan, ddl);
    if let Some(lints) = lints {
        lint::attach(&mut plan, lints);
    }
    plan
}

/// The statements that create `c` in a fresh database (where `public` exists), in dependency
/// order: the plan from nothing to `c`, so every kind seadiff manages is included.
pub fn dump(c: &Catalog) -> Vec<String> {
    let mut empty = Catalog::default();
    if c.schemas.contains_key("public") {
        empty
            .schemas
            .insert("public".to_owned(), crate::model::pg::SchemaDef::default());
    }
    let opts = DiffOptions {
        online: Online::Never,
        ..DiffOptions::default()
    };
    diff(&empty, c, &opts)
        .into_iter()
        .flat_map(|s| s.statements)
        .collect()
}

/// Objects of kinds that entities and `schema.yaml` cannot declare: they are listed, never
/// dropped.
fn undeclared(c: &Catalog) -> Vec<Unmanaged> {
    let why = "not declared by entities or schema.yaml; compare it with `seadiff diff`";
    let mut out = Vec::new();
    let mut note = |kind: &str, name: String| {
        out.push(Unmanaged {
            kind: kind.to_owned(),
            name,
            reason: why.to_owned(),
        })
    };
    for (q, v) in &c.views {
        note(
            if v.materialized {
                "materialized view"
            } else {
                "view"
            },
            q.to_string(),
        );
    }
    for (q, f) in &c.functions {
        note(
            if f.kind == FunctionKind::Procedure {
                "procedure"
            } else {
                "function"
            },
            q.to_string(),
        );
    }
    for (q, s) in &c.sequences {
        if s.owned_by.is_none() {
            note("sequence", q.to_string());
        }
    }
    for q in c.domains.keys() {
        note("domain", q.to_string());
    }
    for q in c.collations.keys() {
        note("collation", q.to_string());
    }
    for q in c.composites.keys() {
        note("composite type", q.to_string());
    }
    for (q, t) in &c.tables {
        for name in t.triggers.keys() {
            note("trigger", format!("{q}.{name}"));
        }
        for name in t.policies.keys() {
            note("policy", format!("{q}.{name}"));
        }
        if t.rls_enabled {
            note("row level security", q.to_string());
        }
        if !t.grants.is_empty() {
            note("grants", q.to_string());
        }
        if t.partition_by.is_some() {
            note("partitioned table", q.to_string());
        }
        if let Some(p) = &t.partition_of {
            note("partition", format!("{q} of {}", p.parent));
        }
        if !t.inherits.is_empty() {
            note("table inheritance", q.to_string());
        }
        for name in t.excludes.keys() {
            note("exclusion constraint", format!("{q}.{name}"));
        }
    }
    out
}

/// Object counts of the declared side (singular kind names): what a plan covers.
fn compared(c: &Catalog) -> Vec<(&'static str, usize)> {
    let sum = |f: fn(&crate::model::pg::Table) -> usize| c.tables.values().map(f).sum();
    vec![
        ("schema", c.schemas.len()),
        ("extension", c.extensions.len()),
        ("enum", c.enums.len()),
        ("table", c.tables.len()),
        ("column", sum(|t| t.columns.len())),
        (
            "key or check",
            sum(|t| usize::from(t.primary_key.is_some()) + t.uniques.len() + t.checks.len()),
        ),
        ("foreign key", sum(|t| t.foreign_keys.len())),
        ("index", sum(|t| t.indexes.len())),
    ]
}

/// A hash of everything a catalog says: SHA-256 of its structure as serde sees it (see
/// [`fingerprint_of`](crate::plan::fingerprint_of)).
pub fn catalog_fingerprint(c: &Catalog) -> String {
    crate::plan::fingerprint_of(c)
}
