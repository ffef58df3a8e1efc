//! `seadiff plan`: what must change, never writing anything.

use std::time::Duration;

use differ::plan::Allowed;
use differ::render::Mode;

use super::{Live, render};
use crate::args::{Cli, Format};
use crate::failure::{Failure, exit};
use crate::printer::Printer;

pub(super) async fn run(
    cli: &Cli,
    printer: &mut Printer,
    format: Format,
    exit_code: bool,
) -> Result<u8, Failure> {
    let mut live = Live::open(cli, printer).await?;
    let current = live.read(printer).await?;
    let plan = live.plan(&current);
    let cx = live.context(Mode::Plan, Allowed::default(), Duration::from_secs(5));
    printer.out(&render(&plan, &cx, format, printer.color));
    Ok(if exit_code && !plan.is_empty() {
        exit::CHANGES
    } else {
        exit::OK
    })
}
