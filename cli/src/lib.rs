//! The `seadiff` command. The only crate that prints, reads the environment or exits.

pub mod args;
mod commands;
mod config;
mod entities;
mod failure;
mod migrate;
mod printer;

use std::process::ExitCode;

use clap::Parser;

use crate::args::Cli;
use crate::failure::exit;
use crate::printer::Printer;

/// Runs seadiff with the process arguments and returns its exit code.
pub fn main() -> ExitCode {
    install_panic_hook();
    let cli = Cli::parse();
    init_tracing(cli.global.verbose);
    let mut printer = Printer::new(cli.global.color, cli.global.verbose, config::no_color());
    printer.quiet = cli.global.quiet;
    printer.machine = cli.machine_output();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            printer.error(&format!("cannot start the async runtime: {e}"));
            return ExitCode::from(exit::TROUBLE);
        }
    };
    match runtime.block_on(commands::run(cli, &mut printer)) {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            printer.error(&failure.to_string());
            ExitCode::from(exit::TROUBLE)
        }
    }
}

/// A panic is a bug: say so, then let the default hook print it (the process exits with 101).
fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        #[allow(clippy::print_stderr)]
        {
            eprintln!("error: seadiff hit a bug; please report it with the message below");
        }
        default(info);
    }));
}

fn init_tracing(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    // sqlx reports slow statements as warnings; a plan waiting on a lock is not news.
    let level = match verbose {
        0 => "warn,sqlx::query=error",
        1 => "info",
        _ => "debug",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .try_init();
}
