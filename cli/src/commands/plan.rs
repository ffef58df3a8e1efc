//! `seadiff plan`: what must change, never writing anything. `--out` saves the plan for
//! `apply --plan`; `--verify` rehearses it (and its rollback) on a scratch copy first.

use differ::plan::Allowed;
use differ::postgres::apply::ApplyOptions;
use differ::render::{self as renderers, Mode};

use super::{Live, online, render, verify};
use crate::args::{Cli, Format, PlanArgs};
use crate::failure::{Failure, exit};
use crate::printer::Printer;

pub(super) async fn run(cli: &Cli, printer: &mut Printer, args: &PlanArgs) -> Result<u8, Failure> {
    let mut live = Live::open(cli, printer).await?;
    let current = live.read(printer).await?;
    let plan = live.plan(printer, &current, online(args.online)).await?;
    let cx = live.context(Mode::Plan, Allowed::default(), &ApplyOptions::default());
    printer.out(&render(&plan, &cx, &args.output, printer.color));
    live.report_history(cli, printer, &plan).await?;
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
    if args.verify && !plan.is_empty() {
        if let Some(u) = &args.dev_url {
            printer.add_secret_url(u);
        }
        let report = verify::run(
            cli,
            printer,
            &live,
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
    Ok(if args.exit_code && !plan.is_empty() {
        exit::CHANGES
    } else {
        exit::OK
    })
}
