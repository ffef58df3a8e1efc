//! Redis as a declared store: server requirements and config, ACL users, key families (sampled
//! contracts over data) and search indexes. Same stages as Postgres: `introspect` (reads),
//! `diff` (pure), `apply` (writes), sharing the plan, hazards and renderers.
//!
//! Every item ends as one of three outcomes: it matches, it differs, or it is unverifiable
//! (a refused command on a managed service, a missing module). Unverifiable is reported on its
//! own and never counted as "in sync".

pub mod apply;
pub mod command;
pub mod declare;
pub mod diff;
pub mod estimate;
pub mod introspect;
pub mod model;
pub mod normalize;
pub mod pattern;
pub mod sample;
pub mod search;

use std::time::Duration;

use redis::aio::MultiplexedConnection;

use crate::redact::RedactedUrl;

#[derive(Debug, thiserror::Error)]
pub enum RedisError {
    #[error("`{endpoint}` is not a valid Redis URL: {reason}")]
    InvalidUrl {
        endpoint: RedactedUrl,
        reason: String,
    },
    #[error("cannot connect to {endpoint}")]
    Connect {
        endpoint: RedactedUrl,
        #[source]
        source: redis::RedisError,
    },
    #[error("cannot connect to {endpoint}: no answer within {seconds} s")]
    ConnectTimeout { endpoint: RedactedUrl, seconds: u64 },
    #[error("cannot {what}")]
    Command {
        what: String,
        #[source]
        source: redis::RedisError,
    },
    #[error("unexpected reply to {what}: {detail}")]
    Reply { what: String, detail: String },
}

/// A connection to one Redis server, with the logical database it was opened on.
pub struct Conn {
    pub con: MultiplexedConnection,
    pub endpoint: RedactedUrl,
    pub db: u32,
    url: String,
    options: ConnectOptions,
}

/// How to connect: time limits and TLS.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// For the TCP connection and the handshake.
    pub connect_timeout: Duration,
    /// For every command's answer (a stalled network or server fails the command after it).
    pub response_timeout: Duration,
    /// For `rediss://`: the CA to trust and a client certificate; `None` trusts the system
    /// store.
    pub tls: Option<crate::tls::TlsMaterial>,
}

impl ConnectOptions {
    pub fn new(connect_timeout: Duration) -> ConnectOptions {
        ConnectOptions {
            connect_timeout,
            response_timeout: Duration::from_secs(30),
            tls: None,
        }
    }
}

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Conn")
            .field("endpoint", &self.endpoint)
            .field("db", &self.db)
            .finish_non_exhaustive()
    }
}

/// Opens a connection, failing after `timeout` instead of hanging on an unreachable host.
pub async fn connect(url: &str, timeout: Duration) -> Result<Conn, RedisError> {
    connect_with(url, ConnectOptions::new(timeout)).await
}

/// [`connect`] with every option.
pub async fn connect_with(url: &str, options: ConnectOptions) -> Result<Conn, RedisError> {
    let endpoint = RedactedUrl::new(url);
    let timeout = options.connect_timeout;
    let invalid = |e: redis::RedisError| RedisError::InvalidUrl {
        endpoint: endpoint.clone(),
        reason: if e.to_string().contains("://") {
            "the URL cannot be parsed".to_owned()
        } else {
            e.to_string()
        },
    };
    let tls = url.starts_with("rediss://");
    if tls {
        crate::tls::ensure_provider();
    }
    let client = match &options.tls {
        Some(material) if tls => {
            material.check().map_err(|reason| RedisError::InvalidUrl {
                endpoint: endpoint.clone(),
                reason,
            })?;
            redis::Client::build_with_tls(url, material.redis_certificates()).map_err(invalid)?
        }
        _ => redis::Client::open(url).map_err(invalid)?,
    };
    let db = u32::try_from(client.get_connection_info().redis_settings().db()).unwrap_or(0);
    let config = redis::AsyncConnectionConfig::new()
        .set_connection_timeout(Some(timeout))
        .set_response_timeout(Some(options.response_timeout));
    let con = match tokio::time::timeout(
        timeout,
        client.get_multiplexed_async_connection_with_config(&config),
    )
    .await
    {
        Err(_) => {
            return Err(RedisError::ConnectTimeout {
                endpoint,
                seconds: timeout.as_secs(),
            });
        }
        Ok(Err(source)) if source.is_timeout() => {
            return Err(RedisError::ConnectTimeout {
                endpoint,
                seconds: timeout.as_secs(),
            });
        }
        Ok(Err(source)) => return Err(RedisError::Connect { endpoint, source }),
        Ok(Ok(con)) => con,
    };
    Ok(Conn {
        con,
        endpoint,
        db,
        url: url.to_owned(),
        options,
    })
}

impl Conn {
    /// A second connection to the same server on logical database `db`.
    pub async fn on_db(&self, db: u32, timeout: Duration) -> Result<Conn, RedisError> {
        let url = with_db(&self.url, db);
        let options = ConnectOptions {
            connect_timeout: timeout,
            ..self.options.clone()
        };
        let mut c = connect_with(&url, options).await?;
        c.db = db;
        Ok(c)
    }

    /// Runs a raw command.
    pub async fn run<T: redis::FromRedisValue>(
        &mut self,
        args: &[&str],
        what: &str,
    ) -> Result<T, RedisError> {
        let mut cmd = redis::cmd(args[0]);
        for a in &args[1..] {
            cmd.arg(*a);
        }
        cmd.query_async(&mut self.con)
            .await
            .map_err(|source| RedisError::Command {
                what: what.to_owned(),
                source,
            })
    }
}

/// `url` with its database number replaced.
fn with_db(url: &str, db: u32) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            u.set_path(&format!("/{db}"));
            u.to_string()
        }
        Err(_) => url.to_owned(),
    }
}
