//! A scratch database to try things in: a fresh database on a dev server (`--dev-url`), or a
//! throwaway local cluster when none is given. Used to load `.sql` sources and to rehearse a
//! plan (`plan --verify`). [`Scratch::close`] drops the database or stops the cluster; a
//! scratch dropped without `close` still stops its cluster, but may leave a database behind
//! on the dev server.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use sqlx::{AssertSqlSafe, Connection, PgConnection};

use super::cluster::{Auth, ClusterError, TempCluster};
use super::ident::quote_ident;
use super::{PgError, connect};

#[derive(Debug, thiserror::Error)]
pub enum ScratchError {
    #[error("cannot start a scratch Postgres")]
    Cluster(#[source] ClusterError),
    #[error(transparent)]
    Pg(#[from] PgError),
}

/// Where a scratch database lives.
enum Host {
    Dev {
        admin: PgConnection,
        database: String,
    },
    Cluster(TempCluster),
}

pub struct Scratch {
    host: Host,
    url: String,
    timeout: Duration,
}

impl Scratch {
    /// Creates the scratch database (named after this process) on `dev_url`, or starts a
    /// local cluster.
    pub async fn create(dev_url: Option<&str>, timeout: Duration) -> Result<Scratch, ScratchError> {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        match dev_url {
            Some(dev) => {
                let database = format!(
                    "seadiff_scratch_{}_{}",
                    std::process::id(),
                    NEXT.fetch_add(1, Ordering::Relaxed)
                );
                let mut admin = connect(dev, timeout).await?;
                sqlx::raw_sql(AssertSqlSafe(format!(
                    "CREATE DATABASE {}",
                    quote_ident(&database)
                )))
                .execute(&mut admin)
                .await
                .map_err(|e| PgError::Query {
                    what: "create a scratch database on the dev server",
                    source: e,
                })?;
                Ok(Scratch {
                    url: with_database(dev, &database),
                    host: Host::Dev { admin, database },
                    timeout,
                })
            }
            None => {
                let cluster = TempCluster::start(Auth::Trust).map_err(ScratchError::Cluster)?;
                Ok(Scratch {
                    url: cluster.url("postgres"),
                    host: Host::Cluster(cluster),
                    timeout,
                })
            }
        }
    }

    /// The scratch database's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub async fn connect(&self) -> Result<PgConnection, PgError> {
        connect(&self.url, self.timeout).await
    }

    /// Runs `sql` as the dev server's (or cluster's) administrator, outside the scratch
    /// database: creating roles, which are cluster-wide.
    pub async fn admin(&mut self, sql: &str) -> Result<(), PgError> {
        let query = || sqlx::raw_sql(AssertSqlSafe(sql.to_owned()));
        match &mut self.host {
            Host::Dev { admin, .. } => query().execute(admin).await.map(|_| ()),
            Host::Cluster(_) => {
                let mut conn = self.connect().await?;
                let r = query().execute(&mut conn).await.map(|_| ());
                let _ = conn.close().await;
                r
            }
        }
        .map_err(|e| PgError::Query {
            what: "prepare the scratch server",
            source: e,
        })
    }

    /// Drops the scratch database, or stops the cluster and removes its files.
    pub async fn close(self) {
        match self.host {
            Host::Dev {
                mut admin,
                database,
            } => {
                let drop = format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    quote_ident(&database)
                );
                let _ = sqlx::raw_sql(AssertSqlSafe(drop)).execute(&mut admin).await;
                let _ = admin.close().await;
            }
            Host::Cluster(cluster) => drop(cluster),
        }
    }
}

/// `url` with its database replaced.
pub(super) fn with_database(url: &str, database: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            u.set_path(&format!("/{database}"));
            u.to_string()
        }
        Err(_) => url.to_owned(),
    }
}

impl std::fmt::Debug for Scratch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scratch")
            .field("url", &crate::redact::RedactedUrl::new(&self.url))
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_database_is_replaced_and_the_rest_kept() {
        assert!(
            super::with_database("postgres://u:p@h:5/db?sslmode=disable", "x")
                .ends_with("/x?sslmode=disable")
        );
    }
}
