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
    /// Print the live schema as seadiff reads it
    Inspect {
        #[arg(long, value_enum, default_value_t = InspectFormat::Text)]
        format: InspectFormat,
    },
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
