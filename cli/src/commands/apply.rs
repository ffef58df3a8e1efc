//! `seadiff apply`: plan, check hazards, confirm, execute, verify convergence. [`execute`] is
//! shared with `seadiff diff --apply`.

use std::io::IsTerminal;
use std::time::Duration;

use std::path::Path;

use differ::model::pg::Catalog;
use differ::plan::{Allowed, HazardKind, NoticeKind, Plan, Store, noun};
use differ::postgres::apply::{
    ApplyError, ApplyOptions, LockError, Progress, apply_observed, lock_target,
};
use differ::postgres::{self, DiffOptions, Online, Scope};
use differ::redact::RedactedUrl;
use differ::render::Mode;
use differ::render::json::{self, SavedPlan};
use sqlx::PgConnection;

use super::redis_store::{RedisLive, selected};
use super::vespa_store::VespaLive;
use super::{Live, context, online, render};
use crate::args::{ApplyArgs, Cli, Limits, StoreArg};
use crate::failure::{Failure, exit};
use crate::printer::Printer;

pub(super) async fn run(cli: &Cli, printer: &mut Printer, args: &ApplyArgs) -> Result<u8, Failure> {
    let allowed = parse_allowed(&args.allow_hazard)?;
    let saved = match &args.plan {
        Some(path) => Some((path, read_saved(path)?)),
        None => None,
    };
    let limits = apply_options(cli, &args.limits, vec!["public".to_owned()]);
    let mut plan = Plan::default();
    let mut expect = None;
    let mut converge = Converge::Declaration;
    let mut cx = context(Mode::Plan, allowed.clone(), &limits);
    let mut pg = None;
    if selected(cli, StoreArg::Postgres) {
        let mut live = Live::open(cli, printer).await?;
        take_lock(
            &mut live.conn,
            &live.endpoint,
            Duration::from_secs(args.limits.lock_wait),
            live.read_timeout,
        )
        .await?;
        let current = live.read(printer).await?;
        (plan, expect, converge) = match &saved {
            None => {
                let plan = live.plan(printer, &current, online(args.online)).await?;
                let expect = plan
                    .fingerprints
                    .get(&Store::Postgres)
                    .map(|f| f.current.clone());
                (plan, expect, Converge::Declaration)
            }
            Some((path, saved)) => {
                check_saved(&live, &current.catalog, path, saved, args.rollback)?
            }
        };
        cx = live.context(
            Mode::Plan,
            allowed.clone(),
            &apply_options(cli, &args.limits, live.search_path()),
        );
        pg = Some(live);
    }
    let mut redis = RedisLive::open(cli, printer).await?;
    if let Some(r) = redis.as_mut() {
        let read = r.read(printer, true).await?;
        let fresh = r.plan(&read);
        match &saved {
            None => plan.merge(fresh),
            Some((path, saved)) => {
                // The saved plan already holds the Redis steps; the server must not have moved.
                let want = saved
                    .plan
                    .fingerprints
                    .get(&Store::Redis)
                    .map(|f| f.current.clone());
                let now = fresh
                    .fingerprints
                    .get(&Store::Redis)
                    .map(|f| f.current.clone());
                if want.is_some() && want != now && !args.rollback {
                    return Err(Failure::new(format!(
                        "stale plan: {} changed since {} was made; nothing applied",
                        r.endpoint,
                        path.display()
                    ))
                    .hint("make and review a new plan (seadiff plan --out FILE)"));
                }
                if pg.is_none() {
                    plan = if args.rollback {
                        saved.plan.rollback.as_deref().cloned().unwrap_or_default()
                    } else {
                        saved.plan.clone()
                    };
                }
            }
        }
        cx.targets.insert(Store::Redis, r.endpoint.to_string());
    }
    let vespa = VespaLive::open(cli, printer)?;
    if let Some(v) = &vespa {
        let read = v.read(printer).await?;
        let fresh = v.plan(&read);
        match &saved {
            None => plan.merge(fresh),
            Some((path, saved)) => {
                let want = saved.plan.fingerprints.get(&Store::Vespa);
                let now = fresh.fingerprints.get(&Store::Vespa);
                if let (Some(w), Some(n)) = (want, now)
                    && (w.current != n.current || w.desired != n.desired)
                    && !args.rollback
                {
                    return Err(Failure::new(format!(
                        "stale plan: the application on {} or the package in the repository changed since {} was made; nothing applied",
                        v.endpoint,
                        path.display()
                    ))
                    .hint("make and review a new plan (seadiff plan --out FILE)"));
                }
                if args.rollback && saved.plan.steps.iter().any(|s| s.store == Store::Vespa) {
                    return Err(Failure::new(
                        "a saved plan's rollback cannot redeploy the previous Vespa package: seadiff does not keep it",
                    )
                    .hint("check out the previous package from version control and run seadiff apply --only vespa"));
                }
                if pg.is_none() && redis.is_none() {
                    plan = saved.plan.clone();
                }
            }
        }
        cx.targets.insert(Store::Vespa, v.endpoint.to_string());
    }
    // A saved plan may hold steps for stores left out with --only (or not configured here):
    // they are not run, and that is said.
    let open = |s: Store| match s {
        Store::Postgres => pg.is_some(),
        Store::Redis => redis.is_some(),
        Store::Vespa => vespa.is_some(),
    };
    let left_out = plan.steps.iter().filter(|s| !open(s.store)).count();
    if left_out > 0 {
        printer.warn(&format!(
            "leaving out {} of stores not selected here; they are not applied",
            noun("step", left_out)
        ));
        plan.steps.retain(|s| open(s.store));
        plan.notices.retain(|n| open(n.store));
    }
    printer.out(&render(&plan, &cx, &args.output, printer.color));
    let limits = apply_options(
        cli,
        &args.limits,
        pg.as_ref()
            .map_or_else(|| vec!["public".to_owned()], Live::search_path),
    );
    let scope = pg.as_ref().map(Live::scope);
    let diff = pg.as_ref().map(|l| l.diff_options(online(args.online)));
    let target = match (pg.as_mut(), &scope, &diff) {
        (Some(live), Some(scope), Some(diff)) => Some(Target {
            read_timeout: live.read_timeout,
            conn: &mut live.conn,
            endpoint: &live.endpoint,
            scope,
            desired: &live.target.desired,
            diff,
            warnings: &live.target.warnings,
        }),
        _ => None,
    };
    execute(
        printer,
        target,
        redis.as_mut(),
        vespa.as_ref(),
        &plan,
        &allowed,
        args.yes,
        &limits,
        expect,
        converge,
    )
    .await
}

/// `ApplyOptions` from the command line.
pub(super) fn apply_options(cli: &Cli, l: &Limits, search_path: Vec<String>) -> ApplyOptions {
    let secs = |s: u64| (s > 0).then(|| Duration::from_secs(s));
    ApplyOptions {
        lock_timeout: Duration::from_secs(l.lock_timeout),
        statement_timeout: secs(l.statement_timeout),
        long_statement_timeout: secs(l.long_statement_timeout),
        lock_retries: l.lock_retries,
        retry_backoff: Duration::from_millis(500),
        search_path,
        response_timeout: Some(super::read_timeout(cli)),
    }
}

/// One apply at a time per database.
pub(super) async fn take_lock(
    conn: &mut PgConnection,
    endpoint: &RedactedUrl,
    wait: Duration,
    read_timeout: Duration,
) -> Result<(), Failure> {
    let locked = match tokio::time::timeout(wait + read_timeout, lock_target(conn, wait)).await {
        Ok(r) => r,
        Err(_) => {
            let e = postgres::PgError::Stalled {
                what: "take the apply lock",
                limit: wait + read_timeout,
            };
            return Err(super::stalled(
                Failure::caused(format!("cannot apply to {endpoint}"), &e),
                &e,
            ));
        }
    };
    locked.map_err(|e| {
        let f = Failure::caused(format!("cannot apply to {endpoint}"), &e);
        match e {
            LockError::Busy { .. } => f.hint(if wait.is_zero() {
                "wait for it to finish, or pass --lock-wait SECONDS to wait for it".to_owned()
            } else {
                format!(
                    "it was still running after {} s; try again later",
                    wait.as_secs()
                )
            }),
            LockError::Query(_) => f,
        }
    })
}

fn read_saved(path: &Path) -> Result<SavedPlan, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::caused(format!("cannot read the saved plan {}", path.display()), &e)
    })?;
    json::parse(&text).map_err(|e| {
        Failure::new(if e.line > 0 {
            format!(
                "{}:{}:{}: the file is not a seadiff plan: {}",
                path.display(),
                e.line,
                e.column,
                e.message
            )
        } else {
            format!("{} is not a seadiff plan: {}", path.display(), e.message)
        })
        .hint("save a plan with `seadiff plan --out FILE`")
    })
}

/// Checks that a saved plan may run here and now; returns the steps to run, the live
/// fingerprint they expect, and how to check the result.
fn check_saved(
    live: &Live,
    current: &Catalog,
    path: &Path,
    saved: &SavedPlan,
    rollback: bool,
) -> Result<(Plan, Option<String>, Converge), Failure> {
    let file = path.display();
    let ours = env!("CARGO_PKG_VERSION");
    if saved.tool_version != ours {
        return Err(Failure::new(format!(
            "{file} was made by seadiff {}, this is seadiff {ours}; nothing applied",
            saved.tool_version
        ))
        .hint("make the plan again with this version (seadiff plan --out FILE)"));
    }
    let here = live.endpoint.to_string();
    if let Some(there) = saved.targets.get(&Store::Postgres)
        && *there != here
    {
        return Err(Failure::new(format!(
            "{file} was made for {there}, not {here}; nothing applied"
        ))
        .hint("pass the same --database-url the plan was made with"));
    }
    let Some(fp) = saved.plan.fingerprints.get(&Store::Postgres) else {
        return Err(Failure::new(format!(
            "{file} has no Postgres fingerprint; nothing applied"
        )));
    };
    let now = postgres::catalog_fingerprint(current);
    let declared = postgres::catalog_fingerprint(&live.target.desired);
    if rollback {
        let forward = postgres::make_plan(
            current,
            &live.target.desired,
            &live.diff_options(Online::Auto),
            &[],
        );
        if declared != fp.desired || !forward.is_empty() {
            return Err(Failure::new(format!(
                "cannot roll back: {here} is not in the state {file} produces; nothing applied"
            ))
            .hint("a rollback runs right after its plan was applied, with the same entities and schema.yaml"));
        }
        let back = saved.plan.rollback.as_deref().cloned().unwrap_or_default();
        return Ok((
            back,
            Some(now),
            Converge::Skip("rolled back; `seadiff plan` shows the plan again"),
        ));
    }
    if now != fp.current {
        return Err(Failure::new(format!(
            "stale plan: {here} changed since {file} was made; nothing applied"
        ))
        .detail(format!("  the plan expects {}", fp.current))
        .detail(format!("  the database is  {now}"))
        .hint("make and review a new plan (seadiff plan --out FILE)"));
    }
    let converge = if declared == fp.desired {
        Converge::Declaration
    } else {
        Converge::Warn(
            "the entities or schema.yaml changed since the plan was made; run `seadiff plan` to see what remains",
        )
    };
    Ok((saved.plan.clone(), Some(now), converge))
}

/// What to check once the steps ran.
pub(super) enum Converge {
    /// The database must now match the declaration: a second plan is empty.
    Declaration,
    /// Nothing to check; say this instead.
    Skip(&'static str),
    /// Nothing to check; warn about this.
    Warn(&'static str),
}

/// The database a plan is applied to and the state it must reach.
pub(super) struct Target<'a> {
    /// `--read-timeout`.
    pub(super) read_timeout: Duration,
    pub(super) conn: &'a mut PgConnection,
    pub(super) endpoint: &'a RedactedUrl,
    pub(super) scope: &'a Scope,
    pub(super) desired: &'a Catalog,
    pub(super) diff: &'a DiffOptions,
    pub(super) warnings: &'a [String],
}

impl Target<'_> {
    async fn read(&mut self) -> Result<Catalog, Failure> {
        postgres::bounded(
            self.read_timeout,
            "read the catalog",
            postgres::introspect(self.conn, self.scope),
        )
        .await
        .map(|live| live.catalog)
        .map_err(|e| Failure::caused(format!("cannot read the schema of {}", self.endpoint), &e))
    }

    async fn plan_now(&mut self) -> Result<Plan, Failure> {
        let live = self.read().await?;
        Ok(postgres::make_plan(
            &live,
            self.desired,
            self.diff,
            self.warnings,
        ))
    }

    async fn fingerprint(&mut self) -> Result<String, Failure> {
        Ok(postgres::catalog_fingerprint(&self.read().await?))
    }
}

/// Refuses unallowed hazards, asks on a terminal (or needs `--yes`), applies (Postgres, then
/// Redis), and checks the result.
#[allow(clippy::too_many_arguments)]
pub(super) async fn execute(
    printer: &Printer,
    mut target: Option<Target<'_>>,
    mut redis: Option<&mut RedisLive>,
    vespa: Option<&VespaLive>,
    plan: &Plan,
    allowed: &Allowed,
    yes: bool,
    opts: &ApplyOptions,
    expect: Option<String>,
    converge: Converge,
) -> Result<u8, Failure> {
    let endpoints: Vec<String> = target
        .as_ref()
        .map(|t| t.endpoint.to_string())
        .into_iter()
        .chain(redis.as_ref().map(|r| r.endpoint.to_string()))
        .chain(vespa.map(|v| v.endpoint.to_string()))
        .collect();
    let endpoints = endpoints.join(" and ");
    if plan.is_empty() {
        let check_only = plan.notices_of(NoticeKind::Drift).count();
        if check_only > 0 {
            printer.info(&format!(
                "nothing to apply to {endpoints}: the {} reported above {} check-only",
                noun("difference", check_only),
                if check_only == 1 { "is" } else { "are" }
            ));
        } else {
            printer.info(&format!(
                "{endpoints} {} in sync; nothing to apply",
                if endpoints.contains(" and ") {
                    "are"
                } else {
                    "is"
                }
            ));
        }
        return Ok(exit::OK);
    }
    refuse_blocked(plan, allowed)?;
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(Failure::new(
                "refusing to apply without confirmation: stdin is not a terminal",
            )
            .hint("review the plan (seadiff plan), then re-run with --yes"));
        }
        let changes = plan.changes().len();
        if !printer.confirm(&format!("Apply {changes} change(s) to {endpoints}?")) {
            printer.info("nothing applied");
            return Ok(exit::TROUBLE);
        }
        // The reviewer took time; make sure the plan still describes the database.
        if let (Some(expect), Some(t)) = (&expect, target.as_mut())
            && t.fingerprint().await? != *expect
        {
            return Err(Failure::new(
                "the database changed while the plan was being reviewed; nothing applied",
            )
            .hint("run the command again to review the new plan"));
        }
    }

    let pg_steps = plan.steps.iter().any(|s| s.store == Store::Postgres);
    if pg_steps && let Some(t) = target.as_mut() {
        let ids = plan.step_ids();
        let report = {
            let progress = printer.bar(plan.steps.len() as u64);
            // Each group is reported as it is done, so what ran is on record even if this
            // process is killed before it can say anything else.
            let mut observe = |p: Progress| match p {
                Progress::Started(i) => {
                    let s = &plan.steps[i];
                    progress.set(i as u64, format!("{} {} {}", ids[i], s.kind, s.object.name));
                }
                Progress::Done {
                    steps,
                    transactional,
                    of: (n, count),
                } if count > 1 || !transactional => {
                    for i in steps {
                        let s = &plan.steps[i];
                        progress.suspend(|| {
                            printer.info(&format!(
                                "done {} {} {} (group {n}/{count}, {})",
                                ids[i],
                                s.kind,
                                s.object.name,
                                if transactional {
                                    "committed"
                                } else {
                                    "outside a transaction"
                                }
                            ))
                        });
                    }
                }
                Progress::Done { .. } => {}
            };
            apply_observed(t.conn, plan, opts, &mut observe)
                .await
                .map_err(|e| apply_failure(plan, &e, t.endpoint))?
        };
        let n = report.executed.len();
        printer.info(&format!(
            "applied {} to {} in {} ms",
            noun("step", n),
            t.endpoint,
            report.elapsed.as_millis()
        ));
        for (i, attempts) in &report.retried {
            printer.info(&format!(
                "  {} hit the lock timeout {attempts} time{} and was retried",
                ids[*i],
                if *attempts == 1 { "" } else { "s" }
            ));
        }
    }
    if let Some(r) = redis.as_mut() {
        r.apply(printer, plan).await?;
    }
    if let Some(v) = vespa {
        v.apply(printer, plan, allowed).await?;
    }

    match converge {
        Converge::Declaration => {}
        Converge::Skip(why) => {
            printer.info(why);
            return Ok(exit::OK);
        }
        Converge::Warn(why) => {
            printer.warn(why);
            return Ok(exit::OK);
        }
    }
    let mut remaining = Plan::default();
    if let Some(t) = target.as_mut() {
        remaining = t.plan_now().await?;
    }
    if let Some(r) = redis.as_mut()
        && plan.steps.iter().any(|s| s.store == Store::Redis)
    {
        let read = r.read(printer, true).await?;
        remaining.merge(r.plan(&read));
    }
    if let Some(v) = vespa
        && plan.steps.iter().any(|s| s.store == Store::Vespa)
    {
        let read = v.read(printer).await?;
        remaining.merge(v.plan(&read));
    }
    if remaining.is_empty() {
        let check_only = remaining.notices_of(NoticeKind::Drift).count();
        if check_only > 0 {
            printer.info(&format!(
                "{endpoints}: every step applied; {} {}, which seadiff only checks",
                noun("difference", check_only),
                if check_only == 1 { "remains" } else { "remain" }
            ));
        } else {
            printer.info(&format!(
                "{endpoints} now {} the declaration",
                if endpoints.contains(" and ") {
                    "match"
                } else {
                    "matches"
                }
            ));
        }
        return Ok(exit::OK);
    }
    let mut f = Failure::new(format!(
        "the apply succeeded but {endpoints} still {} from the declaration in {} way(s)",
        if endpoints.contains(" and ") {
            "differ"
        } else {
            "differs"
        },
        remaining.changes().len()
    ));
    for s in &remaining.steps {
        f = f.detail(format!("  {} {} {}", s.op.glyph(), s.kind, s.object.name));
    }
    Err(f.hint("this is a seadiff bug unless someone changed the database at the same time; please report it"))
}

pub(super) fn refuse_blocked(plan: &Plan, allowed: &Allowed) -> Result<(), Failure> {
    let blocked = plan.blocked(allowed);
    if blocked.is_empty() {
        return Ok(());
    }
    let ids = plan.step_ids();
    let one = blocked.len() == 1;
    let mut f = Failure::new(format!(
        "refusing to apply: {} step{} {} hazards that were not allowed",
        blocked.len(),
        if one { "" } else { "s" },
        if one { "carries" } else { "carry" }
    ));
    let mut codes: Vec<&str> = Vec::new();
    for (i, kinds) in &blocked {
        let s = &plan.steps[*i];
        let list: Vec<&str> = kinds.iter().map(|k| k.code()).collect();
        f = f.detail(format!(
            "  {} {} {}: {}",
            ids[*i],
            s.kind,
            s.object.name,
            list.join(", ")
        ));
        for c in list {
            if !codes.contains(&c) {
                codes.push(c);
            }
        }
    }
    let flags: Vec<String> = codes
        .iter()
        .map(|c| format!("--allow-hazard {c}"))
        .collect();
    Err(f.hint(format!(
        "review the plan, then re-run with {}",
        flags.join(" ")
    )))
}

pub(super) fn parse_allowed(codes: &[String]) -> Result<Allowed, Failure> {
    let mut allowed = Allowed::default();
    for code in codes {
        if code == "all" {
            allowed.all = true;
            continue;
        }
        match HazardKind::from_code(code) {
            Some(k) => allowed.kinds.push(k),
            None => {
                let known: Vec<&str> = HazardKind::ALL.iter().map(|k| k.code()).collect();
                return Err(Failure::new(format!("unknown hazard `{code}`"))
                    .hint(format!("known hazards: {}, or all", known.join(", "))));
            }
        }
    }
    Ok(allowed)
}

fn apply_failure(plan: &Plan, e: &ApplyError, endpoint: &RedactedUrl) -> Failure {
    let step = &plan.steps[e.step];
    let mut f = Failure::caused(
        format!(
            "apply failed at step {} ({} {}) on {endpoint}",
            e.step_id, step.kind, step.object.name
        ),
        &e.source,
    )
    .detail(format!(
        "  statement: {}",
        e.statement.lines().next().unwrap_or_default()
    ));
    let ids = plan.step_ids();
    let done: Vec<&str> = e.committed.iter().map(|&i| ids[i].as_str()).collect();
    let before = if done.is_empty() {
        "no earlier step had been committed".to_owned()
    } else {
        format!("already committed before it: {}", done.join(", "))
    };
    let group: Vec<&str> = plan
        .groups()
        .into_iter()
        .find(|g| (g.start..g.end).contains(&e.step))
        .map(|g| (g.start..g.end).map(|i| ids[i].as_str()).collect())
        .unwrap_or_default();
    if e.uncertain {
        f = f
            .detail(format!(
                "  the connection was lost while committing {}: they may or may not have been committed",
                group.join(", ")
            ))
            .detail(format!("  {before}"));
        return f.hint("run `seadiff plan` to see what remains; the next plan starts from what is in the database now");
    }
    if e.transactional {
        f = if done.is_empty() {
            f.detail("  the transaction was rolled back: nothing was changed")
        } else {
            f.detail(format!(
                "  its transaction ({}) was rolled back; {before}",
                group.join(", ")
            ))
        };
    } else {
        let ran = step
            .statements
            .iter()
            .position(|s| *s == e.statement)
            .unwrap_or(0);
        f = f.detail(if ran == 0 {
            format!(
                "  the step ran outside a transaction and did not complete{}; {before}",
                if e.statement.contains(" INDEX CONCURRENTLY ") {
                    " (a concurrent index build that fails leaves an INVALID index, which the next plan rebuilds)"
                } else {
                    ""
                }
            )
        } else {
            format!(
                "  the step ran outside a transaction: its first {} took effect; {before}",
                noun("statement", ran)
            )
        });
    }
    if e.connection_lost {
        f = f.detail("  the connection to the server was lost");
    }
    f.hint("fix the cause and run the command again; the next plan starts from what is in the database now")
}
