//! `seadiff plan`: what must change, in every configured store, never writing anything.
//! `--out` saves the plan for `apply --plan`; `--verify` rehearses the Postgres part (and its
//! rollback) on a scratch copy first.

use differ::plan::{Allowed, Plan, Store};
use differ::postgres::apply::ApplyOptions;
use differ::render::{self as renderers, Mode};

use super::redis_store::{RedisLive, selected};
use super::vespa_store::VespaLive;
use super::{Live, context, online, render, verify};
use crate::args::{Cli, Format, PlanArgs, StoreArg};
use crate::failure::{Failure, exit};
use crate::printer::Printer;

pub(super) async fn run(cli: &Cli, printer: &mut Printer, args: &PlanArgs) -> Result<u8, Failure> {
    let mut plan = Plan::default();
    let mut cx = context(Mode::Plan, Allowed::default(), &ApplyOptions::default());
    let mut pg = None;
    if selected(cli, StoreArg::Postgres) {
        let mut live = Live::open(cli, printer).await?;
        let current = live.read(printer).await?;
        plan = live.plan(printer, &current, online(args.online)).await?;
        cx = live.context(Mode::Plan, Allowed::default(), &ApplyOptions::default());
        pg = Some((live, current));
    }
    if let Some(mut redis) = RedisLive::open(cli, printer).await? {
        let read = redis.read(printer, true).await?;
        plan.merge(redis.plan(&read));
        cx.targets.insert(Store::Redis, redis.endpoint.to_string());
    }
    let mut vespa = None;
    if let Some(v) = VespaLive::open(cli, printer)? {
        let read = v.read(printer).await?;
        plan.merge(v.plan(&read));
        cx.targets.insert(Store::Vespa, v.endpoint.to_string());
        vespa = Some((v, read));
    }
    printer.out(&render(&plan, &cx, &args.output, printer.color));
    if let Some((live, _)) = pg.as_mut() {
        live.report_history(cli, printer, &plan).await?;
    }
    if let Some(path) = &args.out {
        let doc = renderers::json::render(&plan, &cx, env!("CARGO_PKG_VERSION"));
        std::fs::write(path, doc).map_err(|e| {
            Failure::caused(format!("cannot write the plan to {}", path.display()), &e)
        })?;
        printer.info(&format!(
            "saved the plan to {}; apply it with `seadiff apply --plan {}`",
            path.display(),
            path.display()
        ));
    }
    let pg_steps = plan.steps.iter().any(|s| s.store == Store::Postgres);
    if args.verify
        && pg_steps
        && let Some((live, current)) = &pg
    {
        if let Some(u) = &args.dev_url {
            printer.add_secret_url(u);
        }
        let report = verify::run(
            cli,
            printer,
            live,
            &current.catalog,
            &plan,
            args.dev_url.as_deref(),
        )
        .await?;
        let text = verify::describe(&report);
        if args.output.format == Format::Text {
            printer.out(&text);
        } else {
            printer.info(text.trim_end());
        }
        if !report.passed() {
            return Err(Failure::new("verification failed: the plan does not converge or its rollback does not restore the schema")
                .hint("this is a seadiff bug; please report it with the plan (seadiff plan --format json)"));
        }
    }
    if args.verify
        && plan.steps.iter().any(|s| s.store == Store::Vespa)
        && let Some((v, read)) = &vespa
    {
        let text = v.verify(printer, read).await?;
        if args.output.format == Format::Text {
            printer.out(&text);
        } else {
            printer.info(text.trim_end());
        }
    }
    Ok(if args.exit_code && !plan.in_sync(args.strict) {
        exit::CHANGES
    } else {
        exit::OK
    })
}
