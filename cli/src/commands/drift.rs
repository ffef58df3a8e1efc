//! `seadiff drift`: every difference between the live store and the declaration. Read-only;
//! exits 1 when anything differs, so scheduled jobs can alert on it.

use differ::plan::Allowed;
use differ::postgres::apply::ApplyOptions;
use differ::render::Mode;

use super::{Live, render};
use crate::args::{Cli, Output};
use crate::failure::{Failure, exit};
use crate::printer::Printer;

pub(super) async fn run(cli: &Cli, printer: &mut Printer, output: &Output) -> Result<u8, Failure> {
    let mut live = Live::open(cli, printer).await?;
    let current = live.read(printer).await?;
    let plan = live.plan_blind(&current);
    let cx = live.context(Mode::Drift, Allowed::default(), &ApplyOptions::default());
    printer.out(&render(&plan, &cx, output, printer.color));
    Ok(if plan.is_empty() {
        exit::OK
    } else {
        exit::CHANGES
    })
}
