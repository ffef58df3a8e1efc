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
        // The line may hold a URL with its password (`url: postgres://app:…@db/app`): never
        // shown, even if the caret then sits a few characters off.
        let line = differ::redact::redact_userinfo(line);
        let gutter = e.line.to_string().len();
        if names_a_secret(&line) {
            // `password_sha256: [hunter2]`: the value the error is about may be the secret.
            f = f.detail(format!(
                "{} | (not shown: the line may hold a secret)",
                e.line
            ));
        } else {
            let (shown, col) = snippet(&line, e.column.max(1) as usize);
            f = f
                .detail(format!("{:gutter$} |", ""))
                .detail(format!("{} | {shown}", e.line))
                .detail(format!("{:gutter$} | {:>col$}", "", "^"));
        }
    }
    f
}

/// Whether a line of `schema.yaml` names a password, token or secret: such a line is never
/// echoed under an error.
fn names_a_secret(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    ["password", "passwd", "secret", "token"]
        .iter()
        .any(|w| l.contains(w))
}

/// The part of a source line shown under an error: at most [`SNIPPET_CHARS`] characters around
/// the column (a minified or hostile file can have one huge line), control characters shown as
/// `?` so the file cannot drive the terminal. Returns the text and the caret's column in it.
fn snippet(line: &str, column: usize) -> (String, usize) {
    const SNIPPET_CHARS: usize = 100;
    let chars: Vec<char> = line.chars().collect();
    let column = column.min(chars.len() + 1);
    let start = column
        .saturating_sub(SNIPPET_CHARS / 2 + 1)
        .min(chars.len().saturating_sub(SNIPPET_CHARS));
    let end = (start + SNIPPET_CHARS).min(chars.len());
    let mut shown: String = chars[start..end]
        .iter()
        .map(|&c| match c {
            '\t' => ' ',
            c if c.is_control() => '?',
            c => c,
        })
        .collect();
    let mut col = column - start;
    if start > 0 {
        shown.insert(0, '…');
        col += 1;
    }
    if end < chars.len() {
        shown.push('…');
    }
    (shown, col)
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

/// Where the Postgres URL in use came from, for errors about it: the flag, the environment
/// variable, or `schema.yaml:LINE:COL` (postgres.url).
pub(crate) fn postgres_url_origin(config_path: &Path, url_flag: Option<&str>) -> String {
    if url_flag.is_some() {
        return "--database-url".to_owned();
    }
    if env("DATABASE_URL").is_some_and(|u| !u.is_empty()) {
        return "the DATABASE_URL environment variable".to_owned();
    }
    let at = std::fs::read_to_string(config_path)
        .ok()
        .and_then(|text| Config::parse(&text).ok())
        .and_then(|c| c.postgres)
        .and_then(|p| p.url)
        .map(|u| format!(":{}:{}", u.referenced.line(), u.referenced.column()))
        .unwrap_or_default();
    format!("postgres.url at {}{at}", display(config_path))
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
    let mut declared = differ::redis::declare::declare(section, &env, url.as_deref())
        .map_err(|e| config_failure(config_path, &text, &e))?;
    if let Some(tls) = &section.tls {
        let at = (tls.referenced.line(), tls.referenced.column());
        declared.tls = Some(tls_files(config_path, &text, "redis.tls", &tls.value, at)?);
    }
    Ok(Some(declared))
}

/// Reads the files a `tls:` section names (paths relative to `schema.yaml`) and checks them;
/// errors point at the entry, never show the contents.
fn tls_files(
    config_path: &Path,
    text: &str,
    section: &str,
    decl: &differ::tls::TlsDecl,
    (line, column): (u64, u64),
) -> Result<differ::tls::TlsMaterial, Failure> {
    let base = config_path.parent().unwrap_or(Path::new("."));
    let at = |line: u64, column: u64, message: String| {
        config_failure(
            config_path,
            text,
            &ConfigError {
                line,
                column,
                message,
            },
        )
    };
    let mut material = differ::tls::TlsMaterial::default();
    for (part, path, l, c) in decl.files() {
        let path = base.join(path);
        let bytes = std::fs::read(&path).map_err(|e| {
            at(
                l,
                c,
                format!("{section}.{part}: cannot read {}: {e}", display(&path)),
            )
        })?;
        match part {
            "ca" => material.ca = Some(bytes),
            "cert" => material.cert = Some(bytes),
            _ => material.key = Some(bytes),
        }
    }
    material
        .check()
        .map_err(|m| at(line, column, format!("{section}: {m}")))?;
    Ok(material)
}

/// The Vespa declaration, if `schema.yaml` has a `vespa:` section: the config server (URL
/// precedence `--vespa-url`, then `VESPA_CONFIG_URL`, then `vespa.url`), the application
/// package read from its directory and templated with `vespa.variables`, and the links.
#[derive(Debug, Clone)]
pub(crate) struct VespaDecl {
    pub target: differ::vespa::client::Target,
    pub package: differ::vespa::app::Package,
    pub app: differ::vespa::app::App,
    pub links: Vec<differ::vespa::links::Link>,
    pub override_days: u32,
    pub convergence_timeout: std::time::Duration,
}

pub(crate) fn vespa(
    config_path: &Path,
    config: &Config,
    url_flag: Option<&str>,
) -> Result<Option<VespaDecl>, Failure> {
    use differ::model::config::{ConfigError, expand_env};
    let Some(v) = &config.vespa else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(config_path).unwrap_or_default();
    let fail = |e: ConfigError| config_failure(config_path, &text, &e);
    let at = |line: u64, column: u64, message: String| ConfigError {
        line,
        column,
        message,
    };
    let url = match url_flag
        .map(str::to_owned)
        .or_else(|| env("VESPA_CONFIG_URL").filter(|u| !u.is_empty()))
    {
        Some(u) => u,
        None => match &v.url {
            Some(u) => expand_env(u, &env).map_err(fail)?,
            None => "http://127.0.0.1:19071".to_owned(),
        },
    };
    let name = |s: Option<&String>| s.cloned().unwrap_or_else(|| "default".to_owned());
    let target = differ::vespa::client::Target {
        url,
        tenant: name(v.tenant.as_ref().map(|s| &s.value)),
        application: name(v.application.as_ref().map(|s| &s.value)),
        instance: name(v.instance.as_ref().map(|s| &s.value)),
        tls: match &v.tls {
            Some(t) => Some(tls_files(
                config_path,
                &text,
                "vespa.tls",
                &t.value,
                (t.referenced.line(), t.referenced.column()),
            )?),
            None => None,
        },
    };
    let base = config_path.parent().unwrap_or(Path::new("."));
    let package_dir = base.join(&v.package.value);
    let raw = read_package(&package_dir).map_err(|m| {
        fail(at(
            v.package.referenced.line(),
            v.package.referenced.column(),
            m,
        ))
    })?;
    let mut vars = std::collections::BTreeMap::new();
    for (k, val) in &v.variables {
        vars.insert(k.value.clone(), val.value.text());
    }
    let package = raw.substitute(&vars).map_err(|e| {
        Failure::new(format!(
            "{}/{}",
            display(&package_dir),
            e.to_string().trim_start_matches('/')
        ))
    })?;
    let app = differ::vespa::app::App::parse(&package)
        .map_err(|e| Failure::new(format!("{}/{e}", display(&package_dir))))?;
    let mut links = Vec::new();
    for l in &v.links {
        let line = l.referenced.line();
        let decl = &l.value;
        let (postgres, column) = match &decl.postgres {
            None => (None, None),
            Some(p) => {
                let parts: Vec<&str> = p.split('.').collect();
                let (schema, table, column) = match parts.as_slice() {
                    [t, c] => ("public", *t, *c),
                    [s, t, c] => (*s, *t, *c),
                    _ => {
                        return Err(fail(at(
                            line,
                            l.referenced.column(),
                            format!("`{p}` is not table.column or schema.table.column"),
                        )));
                    }
                };
                (
                    Some(differ::model::pg::QName::new(
                        schema.to_owned(),
                        table.to_owned(),
                    )),
                    Some(column.to_owned()),
                )
            }
        };
        let dimension = match &decl.dimension {
            None => None,
            Some(differ::model::vespa_config::VarValue::Int(n)) => u64::try_from(*n).ok(),
            Some(differ::model::vespa_config::VarValue::Text(var)) => Some(
                vars.get(var)
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| {
                        fail(at(
                            line,
                            l.referenced.column(),
                            format!("dimension `{var}` is neither a number nor a numeric vespa.variables entry"),
                        ))
                    })?,
            ),
        };
        links.push(differ::vespa::links::Link {
            vespa: decl.vespa.clone(),
            postgres,
            column,
            dimension,
            at: format!("{}:{line}", display(config_path)),
        });
    }
    let override_days = match &v.override_days {
        None => 3,
        Some(d) if (1..=30).contains(&d.value) => d.value,
        Some(d) => {
            return Err(fail(at(
                d.referenced.line(),
                d.referenced.column(),
                "override_days must be 1 to 30 (Vespa refuses overrides more than 30 days ahead)"
                    .to_owned(),
            )));
        }
    };
    let convergence_timeout = match &v.convergence_timeout {
        None => std::time::Duration::from_secs(300),
        Some(t) => differ::redis::declare::parse_duration(
            &differ::model::redis_config::ScalarValue::Text(t.value.clone()),
        )
        .map_err(|m| fail(at(t.referenced.line(), t.referenced.column(), m)))?,
    };
    Ok(Some(VespaDecl {
        target,
        package,
        app,
        links,
        override_days,
        convergence_timeout,
    }))
}

/// Every file of an application package directory (dot-files left out).
fn read_package(dir: &Path) -> Result<differ::vespa::app::Package, String> {
    fn walk(root: &Path, dir: &Path, out: &mut differ::vespa::app::Package) -> Result<(), String> {
        let entries = std::fs::read_dir(dir).map_err(|e| {
            format!(
                "cannot read the Vespa application package {}: {e}",
                display(dir)
            )
        })?;
        let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(std::fs::DirEntry::file_name);
        for e in entries {
            let path = e.path();
            if e.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if path.is_dir() {
                walk(root, &path, out)?;
            } else {
                let rel = path
                    .strip_prefix(root)
                    .map_err(|e| e.to_string())?
                    .to_string_lossy()
                    .replace('\\', "/");
                let bytes = std::fs::read(&path)
                    .map_err(|e| format!("cannot read {}: {e}", display(&path)))?;
                out.insert(&rel, bytes);
            }
        }
        Ok(())
    }
    let mut out = differ::vespa::app::Package::default();
    walk(dir, dir, &mut out)?;
    if !out.files.contains_key("services.xml") {
        return Err(format!(
            "the Vespa application package {} has no services.xml",
            display(dir)
        ));
    }
    Ok(out)
}
