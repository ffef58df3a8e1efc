//! One module per command; this one holds what they share: resolving the Postgres target,
//! reading it, planning, and rendering.

mod apply;
mod diff;
mod drift;
mod fleet;
mod inspect;
mod migrate;
mod plan;
mod redis_store;
mod status;
mod verify;
mod vespa_store;

use std::time::Duration;

use differ::plan::{Allowed, Plan, Store};
use differ::postgres::apply::ApplyOptions;
use differ::postgres::probe::DataStats;
use differ::postgres::{self, DiffOptions, Introspection, Online, Scope};
use differ::redact::RedactedUrl;
use differ::render::{self, Context, Mode};
use sqlx::PgConnection;

use crate::args::{Cli, Command, Format, MigrateCommand, OnlineArgs, Output, StoreArg};
use crate::config::{self, PgTarget};
use crate::failure::Failure;
use crate::migrate::{self as migrate_files, History};
use crate::printer::Printer;

pub(crate) async fn run(cli: Cli, printer: &mut Printer) -> Result<u8, Failure> {
    for store in &cli.global.only {
        let configured = match store {
            StoreArg::Postgres => true,
            StoreArg::Redis => config::load(&cli.global.config)?.redis.is_some(),
            StoreArg::Vespa => config::load(&cli.global.config)?.vespa.is_some(),
        };
        if !configured {
            return Err(Failure::new(format!(
                "store `{}` is not configured in {}",
                store_name(*store),
                cli.global.config.display()
            ))
            .hint("add a section for it to schema.yaml"));
        }
    }
    match &cli.command {
        Command::Plan(args) => plan::run(&cli, printer, args).await,
        Command::Apply(args) => apply::run(&cli, printer, args).await,
        Command::Drift(args) => match &args.fleet {
            Some(path) => fleet::run(&cli, printer, args, path).await,
            None => drift::run(&cli, printer, args).await,
        },
        Command::Diff(args) => diff::run(&cli, printer, args).await,
        Command::Inspect { format } => inspect::run(&cli, printer, *format).await,
        Command::Status(args) => status::run(&cli, printer, args).await,
        Command::Migrate(MigrateCommand::Generate(args)) => {
            migrate::generate(&cli, printer, args).await
        }
    }
}

fn store_name(s: StoreArg) -> &'static str {
    match s {
        StoreArg::Postgres => "postgres",
        StoreArg::Redis => "redis",
        StoreArg::Vespa => "vespa",
    }
}

/// A resolved, connected Postgres target.
pub(crate) struct Live {
    pub target: PgTarget,
    pub endpoint: RedactedUrl,
    pub conn: PgConnection,
    /// A second connection, opened beside `conn`, for the first catalog read to split its
    /// queries over (taken by it; later reads use `conn` alone).
    pub second: Option<PgConnection>,
    /// `--read-timeout`: the longest wait for any answer while reading.
    pub read_timeout: Duration,
}

impl Live {
    pub(crate) async fn open(cli: &Cli, printer: &mut Printer) -> Result<Live, Failure> {
        let target = Live::resolve(cli, printer)?;
        Live::connect(cli, printer, target).await
    }

    /// The configured target: `schema.yaml`, entities, URL. Errors here are the user's input.
    pub(crate) fn resolve(cli: &Cli, printer: &mut Printer) -> Result<PgTarget, Failure> {
        let config = config::load(&cli.global.config)?;
        let target = config::postgres(
            &cli.global.config,
            &config,
            cli.global.database_url.as_deref(),
        )?;
        printer.add_secret_url(&target.url);
        Ok(target)
    }

    /// Connects to a resolved target.
    pub(crate) async fn connect(
        cli: &Cli,
        printer: &Printer,
        target: PgTarget,
    ) -> Result<Live, Failure> {
        let endpoint = RedactedUrl::new(&target.url);
        printer.detail(&format!("connecting to {endpoint}"));
        let timeout = Duration::from_secs(cli.global.connect_timeout);
        // Both at once: a connection costs as much as reading a few hundred tables (with TLS,
        // sqlx 0.9.0 waits on Nagle's algorithm while connecting). Without a second one, the
        // read is on one.
        let (conn, second) = postgres::connect_pair(&target.url, timeout)
            .await
            .map_err(|e| {
                let hint = match e {
                    postgres::PgError::InvalidUrl { .. } => "a Postgres URL looks like postgres://user:password@host:5432/database",
                    _ => "is the server running, and is the URL (DATABASE_URL, --database-url or postgres.url) right?",
                };
                let mut f = Failure::caused("cannot read the live Postgres schema", &e).hint(hint);
                if matches!(e, postgres::PgError::InvalidUrl { .. }) {
                    f = f.detail(format!(
                        "  the URL comes from {}",
                        config::postgres_url_origin(
                            &cli.global.config,
                            cli.global.database_url.as_deref()
                        )
                    ));
                }
                f
            })?;
        Ok(Live {
            target,
            endpoint,
            conn,
            second,
            read_timeout: read_timeout(cli),
        })
    }

    pub(crate) fn scope(&self) -> Scope {
        Scope {
            schemas: Some(self.target.settings.schemas.clone()),
            ignore: self.target.settings.ignore.clone(),
        }
    }

    pub(crate) fn diff_options(&self, online: Online) -> DiffOptions {
        DiffOptions {
            search_path: self.search_path(),
            online,
            stats: DataStats::default(),
            lint: true,
            coverage: None,
        }
    }

    /// The default schema first, then the other managed schemas.
    pub(crate) fn search_path(&self) -> Vec<String> {
        let s = &self.target.settings;
        let mut path = vec![s.default_schema.clone()];
        path.extend(
            s.schemas
                .iter()
                .filter(|x| **x != s.default_schema)
                .cloned(),
        );
        path
    }

    pub(crate) async fn read(&mut self, printer: &Printer) -> Result<Introspection, Failure> {
        let scope = self.scope();
        let _progress = printer.spinner(&format!("reading the schema of {}", self.endpoint));
        let live = postgres::bounded(
            self.read_timeout,
            "read the catalog",
            postgres::introspect::introspect_with(&mut self.conn, self.second.take(), &scope),
        )
        .await
        .map_err(|e| {
            stalled(
                Failure::caused(format!("cannot read the schema of {}", self.endpoint), &e),
                &e,
            )
        })?;
        printer.detail(&format!(
            "read {} tables from {} in {} ms ({} round trip{})",
            live.catalog.tables.len(),
            self.endpoint,
            live.elapsed.as_millis(),
            live.round_trips,
            if live.round_trips == 1 { "" } else { "s" }
        ));
        Ok(live)
    }

    /// The plan from `live`, without looking at the data (every existing table is assumed to
    /// hold rows) and without online variants: the differences, for read-only reports (drift).
    pub(crate) fn plan_blind(&self, live: &Introspection) -> Plan {
        postgres::make_plan(
            &live.catalog,
            &self.target.desired,
            &self.diff_options(Online::Never),
            &self.target.warnings,
        )
    }

    /// The plan from `live`, after probing the data it touches: hazards and online DDL follow
    /// what the tables hold.
    pub(crate) async fn plan(
        &mut self,
        printer: &Printer,
        live: &Introspection,
        online: Online,
    ) -> Result<Plan, Failure> {
        let opts = self.diff_options(online);
        let _progress = printer.spinner("looking at the data the plan touches");
        postgres::probe_and_plan_bounded(
            &mut self.conn,
            &live.catalog,
            &self.target.desired,
            opts,
            &self.target.warnings,
            self.read_timeout,
        )
        .await
        .map_err(|e| {
            stalled(
                Failure::caused(format!("cannot look at the data in {}", self.endpoint), &e),
                &e,
            )
        })
    }

    /// The migration history: files in the migration crate against `seaql_migrations`. `None`
    /// when there is no migration crate at `--migration-dir`.
    pub(crate) async fn history(&mut self, cli: &Cli) -> Result<Option<History>, Failure> {
        let Ok(files) = migrate_files::files(&cli.global.migration_dir) else {
            return Ok(None);
        };
        let query = sqlx::query_as(
            "SELECT version::text FROM seaql_migrations WHERE to_regclass('seaql_migrations') IS NOT NULL",
        )
        .fetch_all(&mut self.conn);
        let rows: Vec<(String,)> = match tokio::time::timeout(self.read_timeout, query).await {
            Ok(r) => r,
            Err(_) => {
                let e = postgres::PgError::Stalled {
                    what: "read seaql_migrations",
                    limit: self.read_timeout,
                };
                return Err(stalled(
                    Failure::caused(
                        format!("cannot read seaql_migrations in {}", self.endpoint),
                        &e,
                    ),
                    &e,
                ));
            }
        }
        .or_else(|e| match &e {
            // No such table: nothing applied yet.
            sqlx::Error::Database(d) if d.code().as_deref() == Some("42P01") => Ok(Vec::new()),
            _ => Err(e),
        })
        .map_err(|e| {
            Failure::caused(
                format!("cannot read seaql_migrations in {}", self.endpoint),
                &e,
            )
        })?;
        let applied = rows.into_iter().map(|(v,)| v).collect();
        Ok(Some(History::of(&files, &applied)))
    }

    /// Says how the migration history stands next to `plan`, and warns where they disagree.
    pub(crate) async fn report_history(
        &mut self,
        cli: &Cli,
        printer: &Printer,
        plan: &Plan,
    ) -> Result<(), Failure> {
        if let Some(h) = self.history(cli).await?
            && !(h.applied.is_empty() && h.pending.is_empty())
        {
            printer.info(&format!(
                "migrations: {} applied, {} pending{}",
                h.applied.len(),
                h.pending.len(),
                if h.pending.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", h.pending.join(", "))
                }
            ));
            for w in h.disagreements(plan.is_empty()) {
                printer.warn(&w);
            }
        }
        Ok(())
    }

    /// The render context: target, what apply would allow, and the settings it would use.
    pub(crate) fn context(&self, mode: Mode, allowed: Allowed, opts: &ApplyOptions) -> Context {
        let mut cx = context(mode, allowed, opts);
        cx.targets
            .insert(Store::Postgres, self.endpoint.to_string());
        cx.search_path = self.search_path();
        cx
    }
}

/// `--read-timeout`.
pub(crate) fn read_timeout(cli: &Cli) -> Duration {
    Duration::from_secs(cli.global.read_timeout.max(1))
}

/// Adds the hint for a stalled read.
pub(crate) fn stalled(f: Failure, e: &postgres::PgError) -> Failure {
    if matches!(e, postgres::PgError::Stalled { .. }) {
        f.hint("the network or the server stopped answering; nothing was changed. Check connectivity, or raise --read-timeout for a slow server")
    } else {
        f
    }
}

/// A render context without targets: what apply would allow and the settings it would use.
pub(crate) fn context(mode: Mode, allowed: Allowed, opts: &ApplyOptions) -> Context {
    let mut cx = Context::new(mode);
    cx.allowed = allowed;
    cx.lock_timeout_ms = opts.lock_timeout.as_millis();
    cx.statement_timeout_ms = opts.statement_timeout.map(|d| d.as_millis());
    cx.long_statement_timeout_ms = opts.long_statement_timeout.map(|d| d.as_millis());
    cx
}

/// `--online` / `--no-online`, or the default (online for tables that hold rows).
pub(crate) fn online(args: OnlineArgs) -> Online {
    if args.online {
        Online::Always
    } else if args.no_online {
        Online::Never
    } else {
        Online::Auto
    }
}

pub(crate) fn render(plan: &Plan, cx: &Context, output: &Output, color: bool) -> String {
    let mut cx = cx.clone();
    cx.markdown_cap = output.markdown_cap;
    match output.format {
        Format::Text => render::text::render(plan, &cx, color),
        Format::Sql => render::sql::render(plan, &cx),
        Format::Json => render::json::render(plan, &cx, env!("CARGO_PKG_VERSION")),
        Format::Markdown => render::markdown::render(plan, &cx),
    }
}
