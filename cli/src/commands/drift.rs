//! `seadiff drift`: every difference between the live stores and the declaration. Read-only;
//! exits 1 when anything differs, so scheduled jobs can alert on it. What could not be read
//! (unverifiable) is reported, and counts as drift only with `--strict`.

use differ::plan::{Allowed, Plan, Store};
use differ::postgres::apply::ApplyOptions;
use differ::render::Mode;

use super::redis_store::{RedisLive, selected};
use super::vespa_store::VespaLive;
use super::{Live, context, render};
use crate::args::{Cli, DriftArgs, StoreArg};
use crate::failure::{Failure, exit};
use crate::printer::Printer;

pub(super) async fn run(cli: &Cli, printer: &mut Printer, args: &DriftArgs) -> Result<u8, Failure> {
    let mut plan = Plan::default();
    let mut cx = context(Mode::Drift, Allowed::default(), &ApplyOptions::default());
    if selected(cli, StoreArg::Postgres) {
        let mut live = Live::open(cli, printer).await?;
        let current = live.read(printer).await?;
        plan = live.plan_blind(&current);
        cx = live.context(Mode::Drift, Allowed::default(), &ApplyOptions::default());
    }
    if let Some(mut redis) = RedisLive::open(cli, printer).await? {
        let read = redis.read(printer, true).await?;
        plan.merge(redis.plan(&read));
        cx.targets.insert(Store::Redis, redis.endpoint.to_string());
    }
    if let Some(v) = VespaLive::open(cli, printer)? {
        let read = v.read(printer).await?;
        plan.merge(v.plan(&read));
        cx.targets.insert(Store::Vespa, v.endpoint.to_string());
    }
    printer.out(&render(&plan, &cx, &args.output, printer.color));
    Ok(if plan.in_sync(args.strict) {
        exit::OK
    } else {
        exit::CHANGES
    })
}
