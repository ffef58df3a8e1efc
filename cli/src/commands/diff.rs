//! `seadiff diff --from SRC --to SRC`: any two schema sources, compared with the same engine as
//! `plan`; with `--apply`, the `--from` database is brought to the `--to` state.

use std::time::Duration;

use differ::model::config::IgnoreList;
use differ::model::pg::Catalog;
use differ::plan::Store;
use differ::postgres::source::{self, Source};
use differ::postgres::{self, DiffOptions, Scope};
use differ::redact::RedactedUrl;
use differ::render::{Context, Mode};
use sqlx::PgConnection;

use super::apply::{Converge, Target, apply_options, execute, parse_allowed, take_lock};
use super::{online, render};
use crate::args::{Cli, DiffArgs};
use crate::config;
use crate::failure::{Failure, exit};
use crate::printer::Printer;

/// A loaded side: its catalog, and the connection when it is a live database.
struct Side {
    catalog: Catalog,
    conn: Option<PgConnection>,
    warnings: Vec<String>,
}

pub(super) async fn run(cli: &Cli, printer: &mut Printer, args: &DiffArgs) -> Result<u8, Failure> {
    let from = Source::parse(&args.from).map_err(|e| Failure::new(format!("--from: {e}")))?;
    let to = Source::parse(&args.to).map_err(|e| Failure::new(format!("--to: {e}")))?;
    if args.apply && !matches!(from, Source::Url(_)) {
        return Err(Failure::new(
            "--apply needs --from to be a postgres:// URL (the database to change)",
        ));
    }
    let allowed = parse_allowed(&args.allow_hazard)?;
    let timeout = Duration::from_secs(cli.global.connect_timeout);
    let scope = Scope {
        schemas: (!args.schemas.is_empty()).then(|| args.schemas.clone()),
        ignore: IgnoreList::default(),
    };
    for src in [&from, &to] {
        if let Source::Url(u) = src {
            printer.add_secret_url(u);
        }
    }
    if let Some(u) = &args.dev_url {
        printer.add_secret_url(u);
    }
    let mut current = load(cli, printer, &from, &scope, args, timeout, args.apply).await?;
    let desired = load(cli, printer, &to, &scope, args, timeout, false).await?;
    restrict(&mut current.catalog, args);
    let mut desired_catalog = desired.catalog;
    restrict(&mut desired_catalog, args);

    let opts = DiffOptions {
        online: online(args.online),
        lint: true,
        ..DiffOptions::default()
    };
    let warnings: Vec<String> = current
        .warnings
        .iter()
        .chain(&desired.warnings)
        .cloned()
        .collect();
    // A live --from has data to look at: hazards and online DDL follow it.
    let plan = match current.conn.as_mut() {
        Some(conn) => postgres::probe_and_plan_bounded(
            conn,
            &current.catalog,
            &desired_catalog,
            opts.clone(),
            &warnings,
            super::read_timeout(cli),
        )
        .await
        .map_err(|e| {
            super::stalled(
                Failure::caused(format!("cannot look at the data in {}", from.display()), &e),
                &e,
            )
        })?,
        None => postgres::make_plan(&current.catalog, &desired_catalog, &opts, &warnings),
    };
    let mut cx = Context::new(Mode::Plan);
    cx.targets.insert(
        Store::Postgres,
        format!("{} → {}", from.display(), to.display()),
    );
    cx.allowed = allowed.clone();
    let limits = apply_options(cli, &args.limits, opts.search_path.clone());
    cx.lock_timeout_ms = limits.lock_timeout.as_millis();
    cx.statement_timeout_ms = limits.statement_timeout.map(|d| d.as_millis());
    cx.long_statement_timeout_ms = limits.long_statement_timeout.map(|d| d.as_millis());
    printer.out(&render(&plan, &cx, &args.output, printer.color));

    if args.apply {
        let (Source::Url(url), Some(conn)) = (&from, current.conn.as_mut()) else {
            return Err(Failure::new("--apply needs --from to be a postgres:// URL"));
        };
        let endpoint = RedactedUrl::new(url);
        let target = Target {
            read_timeout: super::read_timeout(cli),
            conn,
            endpoint: &endpoint,
            scope: &scope,
            desired: &desired_catalog,
            diff: &opts,
            warnings: &warnings,
        };
        let expect = plan
            .fingerprints
            .get(&Store::Postgres)
            .map(|f| f.current.clone());
        return execute(
            printer,
            Some(target),
            None,
            None,
            &plan,
            &allowed,
            args.yes,
            &limits,
            expect,
            Converge::Declaration,
        )
        .await;
    }
    Ok(if args.exit_code && !plan.is_empty() {
        exit::CHANGES
    } else {
        exit::OK
    })
}

fn restrict(c: &mut Catalog, args: &DiffArgs) {
    if args.schemas.is_empty() && args.exclude_schemas.is_empty() {
        return;
    }
    c.restrict(|s| {
        (args.schemas.is_empty() || args.schemas.iter().any(|x| x == s))
            && !args.exclude_schemas.iter().any(|x| x == s)
    });
}

async fn load(
    cli: &Cli,
    printer: &Printer,
    src: &Source,
    scope: &Scope,
    args: &DiffArgs,
    timeout: Duration,
    lock: bool,
) -> Result<Side, Failure> {
    let side = |catalog| Side {
        catalog,
        conn: None,
        warnings: Vec::new(),
    };
    match src {
        Source::Empty => Ok(side(Catalog::default())),
        Source::Snapshot(path) => source::read_snapshot(path)
            .map(side)
            .map_err(|e| Failure::caused("cannot load the snapshot", &e)),
        Source::Sql(path) => {
            printer.detail(&format!(
                "loading {} into {}",
                path.display(),
                if args.dev_url.is_some() {
                    "a scratch database on --dev-url"
                } else {
                    "a temporary local cluster"
                }
            ));
            let _progress = printer.spinner(&format!("loading {}", path.display()));
            source::load_sql(path, args.dev_url.as_deref(), scope, timeout).await.map(side).map_err(|e| {
                let f = Failure::caused(format!("cannot load {}", path.display()), &e);
                match e {
                    source::SourceError::Cluster { .. } => f.hint("pass --dev-url postgres://user@host/db, a server where seadiff may create and drop a scratch database"),
                    _ => f,
                }
            })
        }
        Source::Url(url) => {
            let endpoint = RedactedUrl::new(url);
            // A second connection beside the first, for the catalog read to split its queries
            // over (see `Live::connect`).
            let (mut conn, second) = postgres::connect_pair(url, timeout)
                .await
                .map_err(|e| Failure::caused(format!("cannot read {endpoint}"), &e))?;
            if lock {
                take_lock(
                    &mut conn,
                    &endpoint,
                    Duration::from_secs(args.limits.lock_wait),
                    super::read_timeout(cli),
                )
                .await?;
            }
            let live = postgres::bounded(
                super::read_timeout(cli),
                "read the catalog",
                postgres::introspect::introspect_with(&mut conn, second, scope),
            )
            .await
            .map_err(|e| {
                super::stalled(
                    Failure::caused(format!("cannot read the schema of {endpoint}"), &e),
                    &e,
                )
            })?;
            Ok(Side {
                catalog: live.catalog,
                conn: Some(conn),
                warnings: Vec::new(),
            })
        }
        Source::Entities => {
            let config = config::load(&cli.global.config)?;
            let declared = config::declared(&cli.global.config, &config)?;
            Ok(Side {
                catalog: declared.desired,
                conn: None,
                warnings: declared.warnings,
            })
        }
    }
}
