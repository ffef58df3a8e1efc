//! `plan --verify`: the rehearsal on a scratch copy, and its report.

use std::fmt::Write;
use std::time::Duration;

use differ::model::pg::Catalog;
use differ::plan::Plan;
use differ::postgres::Online;
use differ::postgres::apply::ApplyOptions;
use differ::postgres::verify::{self, Rehearsal, VerifyError, VerifyReport};

use super::Live;
use crate::args::Cli;
use crate::failure::Failure;
use crate::printer::Printer;

pub(super) async fn run(
    cli: &Cli,
    printer: &Printer,
    live: &Live,
    current: &Catalog,
    plan: &Plan,
    dev_url: Option<&str>,
) -> Result<VerifyReport, Failure> {
    printer.info(&format!(
        "verifying on {}",
        if dev_url.is_some() {
            "a scratch database on --dev-url"
        } else {
            "a temporary local cluster"
        }
    ));
    let apply_opts = ApplyOptions {
        search_path: live.search_path(),
        response_timeout: Some(super::read_timeout(cli)),
        ..ApplyOptions::default()
    };
    let diff = live.diff_options(Online::Auto);
    let scope = live.scope();
    let rehearsal = Rehearsal {
        live: current,
        desired: &live.target.desired,
        plan,
        scope: &scope,
        diff: &diff,
        apply: &apply_opts,
    };
    let _progress = printer.spinner("rehearsing the plan and its rollback on a scratch copy");
    verify::verify(rehearsal, dev_url, Duration::from_secs(cli.global.connect_timeout))
    .await
    .map_err(|e| {
        let f = Failure::caused("verification failed", &e);
        match e {
            VerifyError::Apply { step, .. } => f.detail(format!("  at {step}")).hint(
                "nothing was changed on the target; this is a seadiff bug unless the scratch server lacks an extension or role the schema needs",
            ),
            VerifyError::Scratch(_) => f.hint("pass --dev-url postgres://user@host/db, a server where seadiff may create and drop a scratch database"),
            VerifyError::Pg(_) => f,
        }
    })
}

/// The report as people read it, under the plan.
pub(super) fn describe(r: &VerifyReport) -> String {
    let ms = |d: Duration| format!("{} ms", d.as_millis());
    let mut out = String::from("\nverification on a scratch copy (schema only, no rows):\n");
    let _ = writeln!(
        out,
        "  {:<26}{:>8}{}",
        "copy of the live schema",
        ms(r.copy),
        if r.copy_differences.is_empty() {
            String::new()
        } else {
            format!("  ({} differences from live)", r.copy_differences.len())
        }
    );
    let _ = writeln!(
        out,
        "  {:<26}{:>8}  {}",
        format!("plan ({} steps)", r.steps),
        ms(r.apply),
        if r.remaining.is_empty() {
            "converged: a second plan is empty".to_owned()
        } else {
            format!("NOT converged: {} steps remain", r.remaining.len())
        }
    );
    for s in &r.remaining {
        let _ = writeln!(out, "      {s}");
    }
    let _ = writeln!(
        out,
        "  {:<26}{:>8}  {}",
        format!("rollback ({} steps)", r.rollback_steps),
        ms(r.rollback),
        if r.not_restored.is_empty() {
            "restored: the schema equals the copy".to_owned()
        } else {
            format!("NOT restored: {} differences remain", r.not_restored.len())
        }
    );
    for s in &r.not_restored {
        let _ = writeln!(out, "      {s}");
    }
    out
}
