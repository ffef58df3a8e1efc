//! `seadiff apply`: plan, check hazards, confirm, execute, verify convergence.

use std::io::IsTerminal;
use std::time::Duration;

use differ::plan::{Allowed, HazardKind, Plan, Store};
use differ::postgres::apply::{ApplyOptions, apply};
use differ::render::Mode;

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
    if plan.is_empty() {
        printer.info(&format!("{} is in sync; nothing to apply", live.endpoint));
        return Ok(exit::OK);
    }

    let blocked = plan.blocked(&allowed);
    if !blocked.is_empty() {
        let ids = plan.step_ids();
        let mut f = Failure::new(format!(
            "refusing to apply: {} step{} {} hazards that were not allowed",
            blocked.len(),
            if blocked.len() == 1 { "" } else { "s" },
            if blocked.len() == 1 {
                "carries"
            } else {
                "carry"
            }
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
            codes.extend(
                list.iter()
                    .filter(|c| !codes.contains(c))
                    .collect::<Vec<_>>(),
            );
        }
        let flags: Vec<String> = codes
            .iter()
            .map(|c| format!("--allow-hazard {c}"))
            .collect();
        return Err(f.hint(format!(
            "review the plan, then re-run with {}",
            flags.join(" ")
        )));
    }

    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(Failure::new(
                "refusing to apply without confirmation: stdin is not a terminal",
            )
            .hint("review the plan (seadiff plan), then re-run with --yes"));
        }
        let question = format!(
            "Apply {} change(s) to {}?",
            plan.summary().add + plan.summary().change + plan.summary().drop,
            live.endpoint
        );
        if !printer.confirm(&question) {
            printer.info("nothing applied");
            return Ok(exit::TROUBLE);
        }
        // The reviewer took time; make sure the plan still describes the database.
        let again = live.read(printer).await?;
        if live.plan(&again).fingerprints != plan.fingerprints {
            return Err(Failure::new(
                "the database changed while the plan was being reviewed; nothing applied",
            )
            .hint("run seadiff apply again to review the new plan"));
        }
    }

    let opts = ApplyOptions {
        lock_timeout,
        statement_timeout: None,
        search_path: live.search_path(),
    };
    let report = match apply(&mut live.conn, &plan, &opts).await {
        Ok(r) => r,
        Err(e) => return Err(apply_failure(&plan, &e)),
    };
    printer.info(&format!(
        "applied {} step{} to {} in {} ms",
        report.executed.len(),
        if report.executed.len() == 1 { "" } else { "s" },
        live.endpoint,
        report.elapsed.as_millis()
    ));

    let after = live.read(printer).await?;
    let remaining = live.plan(&after);
    if remaining.is_empty() {
        printer.info(&format!("{} now matches the declaration", live.endpoint));
        return Ok(exit::OK);
    }
    let mut f = Failure::new(format!(
        "the apply succeeded but {} still differs from the declaration in {} way(s)",
        live.endpoint,
        remaining.changes().len()
    ));
    for s in &remaining.steps {
        f = f.detail(format!("  {} {} {}", s.op.glyph(), s.kind, s.object.name));
    }
    Err(f.hint("this is a seadiff bug unless someone changed the database at the same time; please report it"))
}

fn parse_allowed(codes: &[String]) -> Result<Allowed, Failure> {
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

fn apply_failure(plan: &Plan, e: &differ::postgres::apply::ApplyError) -> Failure {
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
    let _ = Store::Postgres;
    f.hint("fix the cause and run seadiff apply again; the next plan starts from what is in the database now")
}
