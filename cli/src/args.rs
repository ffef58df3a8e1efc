//! Command-line arguments. One definition feeds parsing and `--help`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXIT_CODES: &str = "\
Exit codes:
  0    success; in sync
  1    changes pending (plan --exit-code) or drift found (drift)
  2    error: usage, schema.yaml, connection, refused hazard, declined or failed apply
  101  bug in seadiff (please report it)";

/// Plans, applies and checks the schema of your data stores against your SeaORM entities.
#[derive(Debug, Parser)]
#[command(name = "seadiff", version, after_help = EXIT_CODES, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// schema.yaml: what entities cannot express, and where the stores are
    #[arg(
        long,
        global = true,
        default_value = "schema.yaml",
        value_name = "FILE"
    )]
    pub config: PathBuf,

    /// Postgres URL; overrides DATABASE_URL and schema.yaml's postgres.url
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,

    /// Redis URL; overrides REDIS_URL and schema.yaml's redis.url
    #[arg(long, global = true, value_name = "URL")]
    pub redis_url: Option<String>,

    /// Vespa config server URL; overrides VESPA_CONFIG_URL and schema.yaml's vespa.url
    #[arg(long, global = true, value_name = "URL")]
    pub vespa_url: Option<String>,

    /// Restrict to these stores (repeatable)
    #[arg(long, global = true, value_enum, value_name = "STORE")]
    pub only: Vec<StoreArg>,

    /// When to colour text output (NO_COLOR is honoured)
    #[arg(long, global = true, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,

    /// Seconds to wait for a connection
    #[arg(long, global = true, default_value_t = 10, value_name = "SECONDS")]
    pub connect_timeout: u64,

    /// Seconds to wait for an answer from Postgres or Redis before the connection is given up
    /// for lost (a stalled network); statements with a timeout of their own get it on top
    #[arg(long, global = true, default_value_t = 60, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub read_timeout: u64,

    /// More detail on stderr (repeat for more)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// The sea-orm-migration crate (for `migrate generate`, and to report pending migrations)
    #[arg(long, global = true, default_value = "migration", value_name = "DIR")]
    pub migration_dir: PathBuf,

    /// Only the output and errors: no status lines or progress on stderr
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what must change for the stores to match the declaration
    Plan(PlanArgs),
    /// Make the stores match the declaration (or run a saved plan, or its rollback)
    Apply(ApplyArgs),
    /// Report every difference between the stores and the declaration; exit 1 when drifted
    Drift(DriftArgs),
    /// Compare any two schema sources and, with --apply, bring --from to the --to state
    Diff(DiffArgs),
    /// Store by store: reachable, in sync, pending hazards and migrations, not managed; with
    /// --smoke, whether every managed table takes a write
    Status(StatusArgs),
    /// Write the plan as a sea-orm-migration file
    #[command(subcommand)]
    Migrate(MigrateCommand),
    /// Print the live schema as seadiff reads it
    Inspect {
        #[arg(long, value_enum, default_value_t = InspectFormat::Text)]
        format: InspectFormat,
    },
}

impl Cli {
    /// Whether the command writes a format for machines (no progress display then).
    pub fn machine_output(&self) -> bool {
        let format = match &self.command {
            Command::Plan(a) => a.output.format,
            Command::Apply(a) => a.output.format,
            Command::Drift(a) => a.output.format,
            Command::Diff(a) => a.output.format,
            Command::Inspect { format } => return *format != InspectFormat::Text,
            Command::Migrate(_) => Format::Text,
            Command::Status(a) => return a.format != StatusFormat::Text,
        };
        format != Format::Text
    }
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[arg(long, value_enum, default_value_t = StatusFormat::Text)]
    pub format: StatusFormat,
    /// Also insert, read, update and delete a synthesized row in every managed table, inside a
    /// transaction that is always rolled back
    #[arg(long)]
    pub smoke: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum MigrateCommand {
    /// Write `mYYYYMMDD_HHMMSS_NAME.rs` (up: the plan, down: its rollback) into the migration
    /// crate and register it in its `lib.rs`
    Generate(GenerateArgs),
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Migration name: lowercase letters, digits and underscores
    pub name: String,
    /// Let the migration run hazardous steps of this kind (repeatable; `all` allows every hazard)
    #[arg(long = "allow-hazard", value_name = "CODE")]
    pub allow_hazard: Vec<String>,
    /// Plain DDL instead of online DDL (by default a migration uses concurrent index builds and
    /// NOT VALID + VALIDATE wherever they apply, since production holds data the dev database
    /// may not)
    #[arg(long)]
    pub no_online: bool,
}

/// `seadiff diff --from SRC --to SRC`
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Current state: a postgres:// URL, a .sql file, a .json snapshot (inspect --format json),
    /// `entities` or `empty`
    #[arg(long, value_name = "SRC")]
    pub from: String,
    /// Desired state, same kinds of source as --from
    #[arg(long, value_name = "SRC")]
    pub to: String,
    /// A server to load .sql sources on (a scratch database is created and dropped); without it
    /// a temporary local cluster is started from the installed Postgres binaries
    #[arg(long, value_name = "URL")]
    pub dev_url: Option<String>,
    /// Only these schemas (repeatable; default: every non-system schema)
    #[arg(long = "schema", value_name = "NAME")]
    pub schemas: Vec<String>,
    /// Leave these schemas out (repeatable)
    #[arg(long = "exclude-schema", value_name = "NAME")]
    pub exclude_schemas: Vec<String>,
    #[command(flatten)]
    pub output: Output,
    /// Exit with 1 when there are changes
    #[arg(long)]
    pub exit_code: bool,
    /// Apply the plan to --from (which must be a postgres:// URL)
    #[arg(long)]
    pub apply: bool,
    /// With --apply: run hazardous steps of this kind (repeatable; `all` allows every hazard)
    #[arg(long = "allow-hazard", value_name = "CODE")]
    pub allow_hazard: Vec<String>,
    /// With --apply: do not ask for confirmation
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub limits: Limits,
    #[command(flatten)]
    pub online: OnlineArgs,
}

#[derive(Debug, Args)]
pub struct DriftArgs {
    #[command(flatten)]
    pub output: Output,
    /// Count what could not be verified (a refused command, a missing module) as drift
    #[arg(long)]
    pub strict: bool,
    /// Check every target of a fleet file (same desired state, many store URLs): one JSON
    /// line per target and a summary; exit 1 if any drifted, 2 if any failed
    #[arg(long, value_name = "FILE")]
    pub fleet: Option<std::path::PathBuf>,
    /// With --fleet: only shard I of N (1-based; by a stable hash of the target name)
    #[arg(long, value_name = "I/N", requires = "fleet", value_parser = parse_shard)]
    pub shard: Option<(u32, u32)>,
    /// With --fleet: targets checked at once (default: the file's concurrency, else 8)
    #[arg(long, value_name = "N", requires = "fleet")]
    pub concurrency: Option<usize>,
}

fn parse_shard(s: &str) -> Result<(u32, u32), String> {
    let (i, n) = s
        .split_once('/')
        .ok_or_else(|| format!("`{s}` is not I/N (e.g. 1/4)"))?;
    let i: u32 = i
        .trim()
        .parse()
        .map_err(|_| format!("`{i}` is not a number"))?;
    let n: u32 = n
        .trim()
        .parse()
        .map_err(|_| format!("`{n}` is not a number"))?;
    if n == 0 || i == 0 || i > n {
        return Err(format!("shard {i}/{n}: I must be 1 to N"));
    }
    Ok((i, n))
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub output: Output,
    /// Exit with 1 when there are changes
    #[arg(long)]
    pub exit_code: bool,
    /// With --exit-code: count what could not be verified as a change
    #[arg(long)]
    pub strict: bool,
    /// Also save the plan as JSON to FILE, for `apply --plan FILE`
    #[arg(long, value_name = "FILE")]
    pub out: Option<std::path::PathBuf>,
    /// Rehearse the plan and its rollback on a scratch copy of the live schema before showing it
    #[arg(long)]
    pub verify: bool,
    /// With --verify: a server for the scratch database; without it a temporary local cluster
    /// is started from the installed Postgres binaries
    #[arg(long, value_name = "URL", requires = "verify")]
    pub dev_url: Option<String>,
    #[command(flatten)]
    pub online: OnlineArgs,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub output: Output,
    /// Run exactly this saved plan (from `plan --out`); refused if the database changed since
    #[arg(long, value_name = "FILE")]
    pub plan: Option<std::path::PathBuf>,
    /// With --plan: run the saved plan's rollback instead (the database must be in the state the
    /// plan produced)
    #[arg(long, requires = "plan")]
    pub rollback: bool,
    /// Run hazardous steps of this kind (repeatable; `all` allows every hazard)
    #[arg(long = "allow-hazard", value_name = "CODE")]
    pub allow_hazard: Vec<String>,
    /// Do not ask for confirmation (needed when stdin is not a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub limits: Limits,
    #[command(flatten)]
    pub online: OnlineArgs,
}

/// How long apply waits, and how often it tries again.
#[derive(Debug, Clone, Args)]
pub struct Limits {
    /// Seconds a statement may wait for a lock before its step fails
    #[arg(long, default_value_t = 5, value_name = "SECONDS")]
    pub lock_timeout: u64,
    /// Times a step that hit the lock timeout is tried again (with backoff)
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub lock_retries: u32,
    /// Seconds a catalog-only step may run (0: no limit)
    #[arg(long, default_value_t = 60, value_name = "SECONDS")]
    pub statement_timeout: u64,
    /// Seconds a step that scans, builds an index or rewrites may run (0: no limit)
    #[arg(long, default_value_t = 0, value_name = "SECONDS")]
    pub long_statement_timeout: u64,
    /// Seconds to wait for another apply on the same database to finish (0: fail at once)
    #[arg(long, default_value_t = 0, value_name = "SECONDS")]
    pub lock_wait: u64,
}

/// Online DDL: concurrent index builds, `NOT VALID` then `VALIDATE`. Default: for tables
/// that hold rows.
#[derive(Debug, Clone, Copy, Args)]
pub struct OnlineArgs {
    /// Use online DDL for every existing table, even empty ones
    #[arg(long, conflicts_with = "no_online")]
    pub online: bool,
    /// Never use online DDL (shorter plans; locks tables while they change)
    #[arg(long)]
    pub no_online: bool,
}

#[derive(Debug, Args)]
pub struct Output {
    /// text for a terminal, sql for a DBA, json for a pipeline, markdown for a pull request
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// With --format markdown: the longest comment, in characters (the SQL is cut, with a notice)
    #[arg(long, default_value_t = 60_000, value_name = "CHARS")]
    pub markdown_cap: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Sql,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InspectFormat {
    Text,
    Sql,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StoreArg {
    Postgres,
    Redis,
    Vespa,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}
