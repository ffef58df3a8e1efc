//! Reads `schema.yaml` and the environment, and builds the desired state. The only module that
//! reads environment variables or the configuration file.

#![allow(clippy::disallowed_methods)]

use std::path::Path;

use differ::model::config::{Config, ConfigError, PgSettings, PostgresConfig};
use differ::model::pg::Catalog;

use crate::entities;
use crate::failure::Failure;

/// Everything a command needs to know about Postgres before connecting.
#[derive(Debug)]
pub(crate) struct PgTarget {
    pub url: String,
    pub settings: PgSettings,
    pub desired: Catalog,
    pub warnings: Vec<String>,
}

pub(crate) fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

pub(crate) fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

/// Reads and parses the config file; errors name the file, line and column.
pub(crate) fn load(path: &Path) -> Result<Config, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        let f = Failure::caused(format!("cannot read {}", display(path)), &e);
        if e.kind() == std::io::ErrorKind::NotFound {
            f.hint("run seadiff from the directory holding schema.yaml, or pass --config PATH")
        } else {
            f
        }
    })?;
    Config::parse(&text).map_err(|e| config_failure(path, &text, &e))
}

/// `schema.yaml:3:5: message` with the offending line and a caret under the column.
pub(crate) fn config_failure(path: &Path, text: &str, e: &ConfigError) -> Failure {
    let mut f = Failure::new(format!(
        "{}:{}:{}: {}",
        display(path),
        e.line,
        e.column,
        e.message
    ));
    if e.line > 0
        && let Some(line) = text.lines().nth(e.line as usize - 1)
    {
        let gutter = e.line.to_string().len();
        f = f
            .detail(format!("{:gutter$} |", ""))
            .detail(format!("{} | {line}", e.line))
            .detail(format!(
                "{:gutter$} | {:>col$}",
                "",
                "^",
                col = e.column.max(1) as usize
            ));
    }
    f
}

/// The declared Postgres state: entities plus `schema.yaml`, with the settings it came with.
#[derive(Debug)]
pub(crate) struct Declared {
    pub(crate) settings: PgSettings,
    pub(crate) desired: Catalog,
    pub(crate) warnings: Vec<String>,
}

pub(crate) fn declared(config_path: &Path, config: &Config) -> Result<Declared, Failure> {
    let default = PostgresConfig::default();
    let pg = config.postgres.as_ref().unwrap_or(&default);
    let text = std::fs::read_to_string(config_path).unwrap_or_default();
    let settings = pg
        .settings(&env)
        .map_err(|e| config_failure(config_path, &text, &e))?;
    let (mut desired, warnings) = entities::all()
        .to_catalog(&settings.default_schema)
        .map_err(|e| Failure::new(format!("invalid entity declaration: {e}")))?;
    pg.extend(&mut desired, &settings)
        .map_err(|e| config_failure(config_path, &text, &e))?;
    Ok(Declared {
        settings,
        desired,
        warnings,
    })
}

/// Resolves the Postgres target: URL precedence is `--database-url`, then `DATABASE_URL`,
/// then `postgres.url` in schema.yaml.
pub(crate) fn postgres(
    config_path: &Path,
    config: &Config,
    url_flag: Option<&str>,
) -> Result<PgTarget, Failure> {
    let Declared {
        settings,
        desired,
        warnings,
    } = declared(config_path, config)?;
    let url = url_flag
        .map(str::to_owned)
        .or_else(|| env("DATABASE_URL").filter(|u| !u.is_empty()))
        .or_else(|| settings.url.clone())
        .ok_or_else(|| {
            Failure::new("no Postgres URL").hint(format!(
                "set postgres.url in {}, the DATABASE_URL environment variable, or --database-url",
                display(config_path)
            ))
        })?;
    Ok(PgTarget {
        url,
        settings,
        desired,
        warnings,
    })
}

/// The Redis declaration, if `schema.yaml` has a `redis:` section. URL precedence:
/// `--redis-url`, then `REDIS_URL`, then `redis.url`.
pub(crate) fn redis(
    config_path: &Path,
    config: &Config,
    url_flag: Option<&str>,
) -> Result<Option<differ::redis::model::Declared>, Failure> {
    let Some(section) = &config.redis else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(config_path).unwrap_or_default();
    let url = url_flag
        .map(str::to_owned)
        .or_else(|| env("REDIS_URL").filter(|u| !u.is_empty()));
    differ::redis::declare::declare(section, &env, url.as_deref())
        .map(Some)
        .map_err(|e| config_failure(config_path, &text, &e))
}
