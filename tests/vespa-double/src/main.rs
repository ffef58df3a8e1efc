//! `vespa-double --port N [--environment prod|dev] [--profile newer|older] [--convergence-lag K]`:
//! serves the Vespa config-server double until killed, after printing its URL.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::net::SocketAddr;
use std::process::ExitCode;

use vespa_double::{Environment, Options, Profile};

const USAGE: &str = "usage: vespa-double --port N [--host ADDR] [--environment prod|dev] [--profile newer|older] \
                     [--convergence-lag K] [--first-session-id N] [--warn-unknown-extensions]";

fn parse(args: &[String]) -> Result<(SocketAddr, Options), String> {
    let mut options = Options::default();
    let mut port: u16 = 0;
    let mut host = "127.0.0.1".to_owned();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f, Some(v.to_owned())),
            None => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or(format!("{flag} needs a value"))
        };
        match flag {
            "--port" => port = value()?.parse().map_err(|e| format!("--port: {e}"))?,
            "--host" => host = value()?,
            "--environment" => {
                options.environment = match value()?.as_str() {
                    "prod" => Environment::Prod,
                    "dev" => Environment::Dev,
                    other => {
                        return Err(format!("--environment: expected prod or dev, got {other}"));
                    }
                }
            }
            "--profile" => {
                options.profile = match value()?.as_str() {
                    "newer" => Profile::Newer,
                    "older" => Profile::Older,
                    other => {
                        return Err(format!("--profile: expected newer or older, got {other}"));
                    }
                }
            }
            "--convergence-lag" => {
                options.convergence_lag = value()?
                    .parse()
                    .map_err(|e| format!("--convergence-lag: {e}"))?;
            }
            "--first-session-id" => {
                options.first_session_id = value()?
                    .parse()
                    .map_err(|e| format!("--first-session-id: {e}"))?;
            }
            "--warn-unknown-extensions" => options.reject_unknown_extensions = false,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let ip = host.parse().map_err(|e| format!("--host: {e}"))?;
    Ok((SocketAddr::new(ip, port), options))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (addr, options) = match parse(&args) {
        Ok(parsed) => parsed,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("vespa-double: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let double = match vespa_double::start_on(addr, options).await {
        Ok(d) => d,
        Err(e) => {
            eprintln!("vespa-double: cannot listen on {addr}: {e}");
            return ExitCode::from(1);
        }
    };
    println!("{}", double.url);
    let _ = tokio::signal::ctrl_c().await;
    double.shutdown().await;
    ExitCode::SUCCESS
}
