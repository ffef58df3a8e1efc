//! Reads a live database into a [`Catalog`].
//!
//! The whole read is one message in the simple query protocol, so one network round trip
//! whatever the number of tables: `BEGIN … READ ONLY` (one consistent snapshot), `SET LOCAL
//! search_path = pg_catalog` (so the server prints every user type and function
//! schema-qualified) and fixed date/time settings, then one set-based catalog query per object
//! kind (`sql.rs`), each returning its rows as a single JSON document, then `COMMIT`. No query
//! is ever issued per table. `rows.rs` decodes the documents; `assemble.rs` builds the model.

mod assemble;
mod rows;
mod sql;

use std::time::{Duration, Instant};

use sqlx::{AssertSqlSafe, Connection, PgConnection, Row};

use super::PgError;
use crate::model::config::IgnoreList;
use crate::model::pg::Catalog;

/// What to read.
#[derive(Debug, Clone)]
pub struct Scope {
    /// Schemas to read; `None` reads every non-system schema.
    pub schemas: Option<Vec<String>>,
    /// Tables to leave alone (reported as unmanaged).
    pub ignore: IgnoreList,
}

impl Scope {
    /// Every non-system schema, nothing ignored but `seaql_migrations`.
    pub fn everything() -> Self {
        Scope {
            schemas: None,
            ignore: IgnoreList::default(),
        }
    }
}

/// A live catalog and how it was read.
#[derive(Debug, Clone)]
pub struct Introspection {
    pub catalog: Catalog,
    /// `server_version_num`, e.g. 150004.
    pub server_version: u32,
    pub database: String,
    pub user: String,
    /// Messages sent to the server (each one a network round trip).
    pub round_trips: u32,
    pub elapsed: Duration,
}

/// Reads the catalog of the database `conn` is connected to.
pub async fn introspect(conn: &mut PgConnection, scope: &Scope) -> Result<Introspection, PgError> {
    let started = Instant::now();
    let version = conn.server_version_num().unwrap_or(150000);
    let script = script(scope, version);
    let rows = match sqlx::raw_sql(AssertSqlSafe(script))
        .fetch_all(&mut *conn)
        .await
    {
        Ok(rows) => rows,
        Err(e) => {
            // The failed statement aborted the transaction the script opened.
            let _ = sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await;
            return Err(PgError::Query {
                what: "read the catalog",
                source: e,
            });
        }
    };
    let docs: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<String, _>(0))
        .collect::<Result<_, _>>()
        .map_err(|e| PgError::Query {
            what: "read the catalog",
            source: e,
        })?;
    let raw = rows::Raw::decode(&docs)?;
    let meta = raw.meta.clone();
    let catalog = assemble::assemble(raw, scope);
    Ok(Introspection {
        catalog,
        server_version: meta.version,
        database: meta.database,
        user: meta.user,
        round_trips: 1,
        elapsed: started.elapsed(),
    })
}

/// Whether the connection still answers; used before apply to fail fast.
pub async fn ping(conn: &mut PgConnection) -> Result<(), PgError> {
    conn.ping().await.map_err(|e| PgError::Query {
        what: "reach the server",
        source: e,
    })
}

fn script(scope: &Scope, server_version: u32) -> String {
    let in_scope = sql::in_scope(scope.schemas.as_deref());
    // pg_catalog alone on the search path makes the server print user types and functions
    // schema-qualified; fixed time settings make printed constants independent of the server.
    let mut script = String::from(
        "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;\n\
         SET LOCAL search_path = pg_catalog;\n\
         SET LOCAL TimeZone = 'UTC';\n\
         SET LOCAL DateStyle = 'ISO, YMD';\n\
         SET LOCAL IntervalStyle = 'postgres';\n",
    );
    for q in sql::queries(&in_scope, server_version) {
        script.push_str(&q);
        script.push_str(";\n");
    }
    script.push_str("COMMIT;");
    script
}
