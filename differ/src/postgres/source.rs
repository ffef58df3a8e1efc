//! Where a catalog comes from, for `seadiff diff --from SRC --to SRC`: a live database, a
//! `.sql` file (loaded into a scratch database), a JSON snapshot written by `inspect --format
//! json`, or nothing at all. Entities are resolved by the caller, which owns the entity list.
//!
//! A `.sql` file runs in a scratch database: a fresh database on `--dev-url` when one is given
//! (dropped afterwards, whatever happens), otherwise a throwaway cluster started from the local
//! server binaries (`cluster.rs`, removed when done).

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::{AssertSqlSafe, Connection, PgConnection};

use super::cluster::ClusterError;
use super::scratch::{Scratch, ScratchError};
use super::{PgError, Scope, annotations, introspect, script};
use crate::model::pg::Catalog;
use crate::redact::RedactedUrl;

/// Version of the `inspect --format json` snapshot document.
pub const SNAPSHOT_VERSION: u32 = 1;

/// One side of a diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Url(String),
    Sql(PathBuf),
    Snapshot(PathBuf),
    Entities,
    Empty,
}

impl Source {
    /// `postgres://…`, `*.sql`, `*.json`, `entities` or `empty`.
    pub fn parse(text: &str) -> Result<Source, String> {
        let lower = text.to_ascii_lowercase();
        Ok(match text {
            "empty" => Source::Empty,
            "entities" => Source::Entities,
            _ if lower.starts_with("postgres://") || lower.starts_with("postgresql://") => {
                Source::Url(text.to_owned())
            }
            _ if lower.ends_with(".sql") => Source::Sql(PathBuf::from(text)),
            _ if lower.ends_with(".json") => Source::Snapshot(PathBuf::from(text)),
            _ => {
                return Err(format!(
                    "cannot tell what `{text}` is: expected a postgres:// URL, a .sql file, a .json snapshot, `entities` or `empty`"
                ));
            }
        })
    }

    /// How the source is shown in output (URLs redacted).
    pub fn display(&self) -> String {
        match self {
            Source::Url(u) => RedactedUrl::new(u).to_string(),
            Source::Sql(p) | Source::Snapshot(p) => p.display().to_string(),
            Source::Entities => "entities".to_owned(),
            Source::Empty => "empty".to_owned(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("cannot read {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not a seadiff snapshot: {detail}")]
    Snapshot { path: PathBuf, detail: String },
    #[error("{path}:{line}:{column}: {message}")]
    Sql {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("cannot start a scratch Postgres for {path}")]
    Cluster {
        path: PathBuf,
        #[source]
        source: ClusterError,
    },
    #[error(transparent)]
    Pg(#[from] PgError),
}

/// Reads a snapshot written by `seadiff inspect --format json`.
pub fn read_snapshot(path: &Path) -> Result<Catalog, SourceError> {
    let text = std::fs::read_to_string(path).map_err(|source| SourceError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse_snapshot(&text).map_err(|detail| SourceError::Snapshot {
        path: path.to_owned(),
        detail,
    })
}

/// The snapshot document: `{ "format_version": 1, "kind": "postgres-catalog", "catalog": … }`.
pub fn parse_snapshot(text: &str) -> Result<Catalog, String> {
    let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    match doc.get("format_version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(SNAPSHOT_VERSION) => {}
        Some(v) => {
            return Err(format!(
                "format_version {v} is not supported (this seadiff reads {SNAPSHOT_VERSION})"
            ));
        }
        None => return Err("no format_version".to_owned()),
    }
    if doc.get("kind").and_then(|v| v.as_str()) != Some("postgres-catalog") {
        return Err("kind is not postgres-catalog".to_owned());
    }
    let catalog = doc.get("catalog").ok_or("no catalog")?;
    serde_json::from_value(catalog.clone()).map_err(|e| e.to_string())
}

/// Loads `path` into a scratch database and reads it back.
pub async fn load_sql(
    path: &Path,
    dev_url: Option<&str>,
    scope: &Scope,
    timeout: Duration,
) -> Result<Catalog, SourceError> {
    let text = std::fs::read_to_string(path).map_err(|source| SourceError::Read {
        path: path.to_owned(),
        source,
    })?;
    let scratch = Scratch::create(dev_url, timeout)
        .await
        .map_err(|e| match e {
            ScratchError::Cluster(source) => SourceError::Cluster {
                path: path.to_owned(),
                source,
            },
            ScratchError::Pg(e) => SourceError::Pg(e),
        })?;
    let result = async {
        let mut conn = scratch.connect().await?;
        let r = run_and_read(path, &text, &mut conn, scope).await;
        let _ = conn.close().await;
        r
    }
    .await;
    scratch.close().await;
    result
}

/// Runs the script one statement at a time (so a failure names its line, and statements that
/// refuse transaction blocks work), then reads the result.
async fn run_and_read(
    path: &Path,
    text: &str,
    conn: &mut PgConnection,
    scope: &Scope,
) -> Result<Catalog, SourceError> {
    for stmt in script::split(text) {
        if let Err(e) = sqlx::raw_sql(AssertSqlSafe(stmt.text.clone()))
            .execute(&mut *conn)
            .await
        {
            return Err(sql_error(path, text, stmt.offset, &e));
        }
    }
    let mut catalog = introspect(conn, scope).await?.catalog;
    annotations::apply(&mut catalog, &annotations::renames(text, "public"));
    Ok(catalog)
}

/// A load error at the statement that failed (at the exact spot when the server says where).
fn sql_error(path: &Path, text: &str, offset: usize, e: &sqlx::Error) -> SourceError {
    let (message, position) = match e {
        sqlx::Error::Database(db) => {
            let pos = db
                .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                .and_then(|pg| match pg.position() {
                    Some(sqlx::postgres::PgErrorPosition::Original(p)) => Some(p),
                    _ => None,
                });
            (db.message().to_owned(), pos)
        }
        other => (other.to_string(), None),
    };
    // The server counts characters from the start of the statement, 1-based.
    let start = text[..offset].chars().count();
    let (line, column) = line_col(text, start + position.unwrap_or(1));
    SourceError::Sql {
        path: path.to_owned(),
        line,
        column,
        message,
    }
}

/// 1-based line and column of the 1-based character position `pos`.
fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let mut line = 1;
    let mut column = 1;
    for c in text.chars().take(pos.saturating_sub(1)) {
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_recognized() {
        assert_eq!(Source::parse("empty"), Ok(Source::Empty));
        assert_eq!(Source::parse("entities"), Ok(Source::Entities));
        assert!(matches!(
            Source::parse("postgresql://x/y"),
            Ok(Source::Url(_))
        ));
        assert!(matches!(Source::parse("a/b.SQL"), Ok(Source::Sql(_))));
        assert!(matches!(
            Source::parse("snap.json"),
            Ok(Source::Snapshot(_))
        ));
        assert!(Source::parse("mysql://x").is_err());
    }

    #[test]
    fn positions_become_lines_and_columns() {
        assert_eq!(line_col("ab\ncd\nef", 5), (2, 2));
        assert_eq!(line_col("x", 1), (1, 1));
    }

    #[test]
    fn snapshots_are_versioned() {
        assert!(
            parse_snapshot(r#"{"format_version": 2, "kind": "postgres-catalog", "catalog": {}}"#)
                .unwrap_err()
                .contains("not supported")
        );
        let c = parse_snapshot(
            r#"{"format_version": 1, "kind": "postgres-catalog", "catalog": {"schemas": {}, "extensions": {}, "enums": [], "tables": []}}"#,
        );
        assert_eq!(c, Ok(Catalog::default()));
    }
}
