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

    /// Restrict to these stores (repeatable)
    #[arg(long, global = true, value_enum, value_name = "STORE")]
    pub only: Vec<StoreArg>,

    /// When to colour text output (NO_COLOR is honoured)
    #[arg(long, global = true, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,

    /// Seconds to wait for a connection
    #[arg(long, global = true, default_value_t = 10, value_name = "SECONDS")]
    pub connect_timeout: u64,

    /// More detail on stderr (repeat for more)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what must change for the stores to match the declaration
    Plan {
        #[command(flatten)]
        output: Output,
        /// Exit with 1 when there are changes
        #[arg(long)]
        exit_code: bool,
    },
    /// Make the stores match the declaration
    Apply {
        #[command(flatten)]
        output: Output,
        /// Run hazardous steps of this kind (repeatable; `all` allows every hazard)
        #[arg(long = "allow-hazard", value_name = "CODE")]
        allow_hazard: Vec<String>,
        /// Do not ask for confirmation (needed when stdin is not a terminal)
        #[arg(long, short = 'y')]
        yes: bool,
        /// Seconds a statement may wait for a lock before the apply is rolled back
        #[arg(long, default_value_t = 5, value_name = "SECONDS")]
        lock_timeout: u64,
    },
    /// Report every difference between the stores and the declaration; exit 1 when drifted
    Drift {
        #[command(flatten)]
        output: Output,
    },
    /// Compare any two schema sources and, with --apply, bring --from to the --to state
    Diff(DiffArgs),
    /// Print the live schema as seadiff reads it
    Inspect {
        #[arg(long, value_enum, default_value_t = InspectFormat::Text)]
        format: InspectFormat,
    },
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
    /// With --apply: seconds a statement may wait for a lock
    #[arg(long, default_value_t = 5, value_name = "SECONDS")]
    pub lock_timeout: u64,
}

#[derive(Debug, Args)]
pub struct Output {
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Sql,
    Json,
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
