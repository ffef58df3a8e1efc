//! Test support for seadiff: throwaway databases on the local server, a proxy that counts
//! protocol round trips, and extra entity modules for scenarios (`entities`).
//!
//! Tests talk to the real Postgres at `SEADIFF_TEST_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`) and fail loudly when it is unreachable.

// Test support reports kept databases on stderr.
#![allow(clippy::print_stderr)]

pub mod entities;
mod proxy;
pub mod redis_server;
pub mod tls;

pub use redis_server::{RedisOptions, RedisServer, RedisTls};

use std::hash::{DefaultHasher, Hash, Hasher};

use sqlx::{AssertSqlSafe, Connection, PgConnection, Row};

pub use proxy::{CountingProxy, Fault, FaultProxy, Trigger};

/// The admin connection tests create their databases through.
pub fn admin_url() -> String {
    std::env::var("SEADIFF_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// `admin` with its database replaced.
pub fn url_for(admin: &str, database: &str) -> String {
    let (base, query) = admin
        .split_once('?')
        .map_or((admin, None), |(b, q)| (b, Some(q)));
    let at = base.rfind('/').expect("a Postgres URL has a path");
    let mut url = format!("{}/{database}", &base[..at]);
    if let Some(q) = query {
        url.push('?');
        url.push_str(q);
    }
    url
}

async fn admin() -> PgConnection {
    let url = admin_url();
    match PgConnection::connect(&url).await {
        Ok(c) => c,
        Err(e) => panic!(
            "Postgres is not reachable at {url}: {e}\n\
             Start it (Debian: pg_ctlcluster --skip-systemctl-redirect 15 main start) or point SEADIFF_TEST_PG_URL at a server."
        ),
    }
}

/// A database of its own for one test: created fresh (dropping a leftover of an earlier run),
/// dropped when the test passes, kept (and named on stderr) when it fails.
#[derive(Debug)]
pub struct TestDb {
    pub name: String,
    pub url: String,
}

impl TestDb {
    /// `key` names the test; the database is `seadiff_t_<hash of key>`.
    pub async fn new(key: &str) -> TestDb {
        let mut h = DefaultHasher::new();
        key.hash(&mut h);
        let name = format!("seadiff_t_{:016x}", h.finish());
        let mut admin = admin().await;
        for sql in [
            format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
            format!("CREATE DATABASE \"{name}\""),
        ] {
            sqlx::raw_sql(AssertSqlSafe(sql.clone()))
                .execute(&mut admin)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        let url = url_for(&admin_url(), &name);
        TestDb { name, url }
    }

    pub async fn connect(&self) -> PgConnection {
        PgConnection::connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("connect to {}: {e}", self.name))
    }

    /// Runs a SQL script (several statements allowed); panics with the error on failure.
    pub async fn exec(&self, sql: &str) {
        let mut c = self.connect().await;
        sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
            .execute(&mut c)
            .await
            .unwrap_or_else(|e| panic!("{sql}\nfailed: {e}"));
    }

    /// Rows of a query whose columns are all text (cast with `::text`); `NULL` → `None`.
    pub async fn rows(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        let mut c = self.connect().await;
        let rows = sqlx::query(AssertSqlSafe(sql.to_owned()))
            .fetch_all(&mut c)
            .await
            .unwrap_or_else(|e| panic!("{sql}\nfailed: {e}"));
        rows.iter()
            .map(|r| {
                (0..r.len())
                    .map(|i| {
                        r.try_get::<Option<String>, _>(i)
                            .unwrap_or_else(|e| panic!("{sql}: column {i}: {e}"))
                    })
                    .collect()
            })
            .collect()
    }

    /// The first column of every row, as text.
    pub async fn column(&self, sql: &str) -> Vec<String> {
        self.rows(sql)
            .await
            .into_iter()
            .map(|r| r.into_iter().next().flatten().unwrap_or_default())
            .collect()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("kept database {} for inspection ({})", self.name, self.url);
            return;
        }
        drop_database(&self.name);
    }
}

/// Drops database `name` (forcing its sessions out), best effort, from any context: a thread
/// with a runtime of its own, since `Drop` runs inside a test's runtime.
pub fn drop_database(name: &str) {
    let name = name.to_owned();
    let _ = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?;
        rt.block_on(async {
            let mut admin = PgConnection::connect(&admin_url()).await.ok()?;
            let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
            sqlx::raw_sql(AssertSqlSafe(sql))
                .execute(&mut admin)
                .await
                .ok()
        })
    })
    .join();
}
