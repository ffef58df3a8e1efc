//! `seadiff apply`: plan, check hazards, confirm, execute, verify convergence. [`execute`] is
//! shared with `seadiff diff --apply`.

use std::io::IsTerminal;
use std::time::Duration;

use differ::model::pg::Catalog;
use differ::plan::{Allowed, HazardKind, Plan};
use differ::postgres::apply::{ApplyError, ApplyOptions, apply};
use differ::postgres::{self, DiffOptions, Scope};
use differ::redact::RedactedUrl;
use differ::render::Mode;
use sqlx::PgConnection;

use super::{Live, render};
use crate::args::{Cli, Format};
use crate::failure::{Failure, exit};
use crate::printer::Printer;

pub(super) async fn run(
    cli: &Cli,
    printer: &mut Printer,
    format: Format,
    allow: &[String],
    yes: bool,
    lock_timeout: u64,
) -> Result<u8, Failure> {
    let allowed = parse_allowed(allow)?;
    let lock_timeout = Duration::from_secs(lock_timeout);
    let mut live = Live::open(cli, printer).await?;
    let current = live.read(printer).await?;
    let plan = live.plan(&current);
    let cx = live.context(Mode::Plan, allowed.clone(), lock_timeout);
    printer.out(&render(&plan, &cx, format, printer.color));
    let scope = live.scope();
    let diff = live.diff_options();
    let target = Target {
        conn: &mut live.conn,
        endpoint: &live.endpoint,
        scope: &scope,
        desired: &live.target.desired,
        diff: &diff,
        warnings: &live.target.warnings,
    };
    execute(printer, target, &plan, &allowed, yes, lock_timeout).await
}

/// The database a plan is applied to and the state it must reach.
pub(super) struct Target<'a> {
    pub(super) conn: &'a mut PgConnection,
    pub(super) endpoint: &'a RedactedUrl,
    pub(super) scope: &'a Scope,
    pub(super) desired: &'a Catalog,
    pub(super) diff: &'a DiffOptions,
    pub(super) warnings: &'a [String],
}

impl Target<'_> {
    async fn plan_now(&mut self) -> Result<Plan, Failure> {
        let live = postgres::introspect(self.conn, self.scope)
            .await
            .map_err(|e| {
                Failure::caused(format!("cannot read the schema of {}", self.endpoint), &e)
            })?;
        Ok(postgres::make_plan(
            &live.catalog,
            self.desired,
            self.diff,
            self.warnings,
        ))
    }
}

/// Refuses unallowed hazards, asks on a terminal (or needs `--yes`), applies, and checks that
/// the target now matches.
pub(super) async fn execute(
    printer: &Printer,
    mut target: Target<'_>,
    plan: &Plan,
    allowed: &Allowed,
    yes: bool,
    lock_timeout: Duration,
) -> Result<u8, Failure> {
    if plan.is_empty() {
        printer.info(&format!("{} is in sync; nothing to apply", target.endpoint));
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
        if !printer.confirm(&format!(
            "Apply {changes} change(s) to {}?",
            target.endpoint
        )) {
            printer.info("nothing applied");
            return Ok(exit::TROUBLE);
        }
        // The reviewer took time; make sure the plan still describes the database.
        if target.plan_now().await?.fingerprints != plan.fingerprints {
            return Err(Failure::new(
                "the database changed while the plan was being reviewed; nothing applied",
            )
            .hint("run the command again to review the new plan"));
        }
    }

    let search_path = target.diff.search_path.clone();
    let opts = ApplyOptions {
        lock_timeout,
        statement_timeout: None,
        search_path,
    };
    let report = apply(target.conn, plan, &opts)
        .await
        .map_err(|e| apply_failure(plan, &e))?;
    let n = report.executed.len();
    printer.info(&format!(
        "applied {n} step{} to {} in {} ms",
        if n == 1 { "" } else { "s" },
        target.endpoint,
        report.elapsed.as_millis()
    ));

    let remaining = target.plan_now().await?;
    if remaining.is_empty() {
        printer.info(&format!("{} now matches the declaration", target.endpoint));
        return Ok(exit::OK);
    }
    let mut f = Failure::new(format!(
        "the apply succeeded but {} still differs from the declaration in {} way(s)",
        target.endpoint,
        remaining.changes().len()
    ));
    for s in &remaining.steps {
        f = f.detail(format!("  {} {} {}", s.op.glyph(), s.kind, s.object.name));
    }
    Err(f.hint("this is a seadiff bug unless someone changed the database at the same time; please report it"))
}

fn refuse_blocked(plan: &Plan, allowed: &Allowed) -> Result<(), Failure> {
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

fn apply_failure(plan: &Plan, e: &ApplyError) -> Failure {
    let step = &plan.steps[e.step];
    let mut f = Failure::caused(
        format!(
            "apply failed at step {} ({} {})",
            e.step_id, step.kind, step.object.name
        ),
        &e.source,
    )
    .detail(format!(
        "  statement: {}",
        e.statement.lines().next().unwrap_or_default()
    ));
    let ids = plan.step_ids();
    if e.committed.is_empty() {
        f = f.detail("  the transaction was rolled back: nothing was changed");
    } else {
        let done: Vec<&str> = e.committed.iter().map(|&i| ids[i].as_str()).collect();
        f = f.detail(format!(
            "  its transaction was rolled back; already committed before it: {}",
            done.join(", ")
        ));
    }
    f.hint("fix the cause and run the command again; the next plan starts from what is in the database now")
}
