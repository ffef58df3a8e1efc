//! Reads a live database into a [`Catalog`].
//!
//! The read is a constant number of simple-protocol messages, whatever the number of tables:
//! `BEGIN … READ ONLY` (one consistent snapshot), `SET LOCAL search_path = pg_catalog` (so the
//! server prints every user type and function schema-qualified), fixed date/time settings,
//! then one set-based catalog query per object kind (`sql.rs`), each returning its rows as a
//! single JSON document, then `COMMIT`. No query is ever issued per table.
//!
//! [`introspect`] sends all of it as one message on one connection. [`introspect_with`], given
//! a second connection, splits the queries over two connections that share one snapshot (`pg_export_snapshot` on
//! the first, `SET TRANSACTION SNAPSHOT` on the second), so the server works on both halves at
//! once: three messages in all.
//!
//! Either way the documents are decoded as they arrive (`rows.rs`) and assembled into the model
//! as soon as what they refer to is in (`assemble.rs`), while the server computes the next
//! ones; a document's text is dropped once decoded. A small row between two documents
//! ([`sql::FLUSH`]) makes the server send each document whole as soon as it is computed.

mod assemble;
mod rows;
mod sql;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use sqlx::postgres::PgRow;
use sqlx::{AssertSqlSafe, Column, Connection, PgConnection, Row};

use self::assemble::Assembly;
use self::sql::Part;
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

/// Reads the catalog of the database `conn` is connected to, in one message.
pub async fn introspect(conn: &mut PgConnection, scope: &Scope) -> Result<Introspection, PgError> {
    let started = Instant::now();
    let version = conn.server_version_num().unwrap_or(150000);
    let queries = sql::queries(&sql::in_scope(scope.schemas.as_deref()), version);
    let parts: Vec<Part> = queries.iter().map(|q| q.part).collect();
    let script = script(&queries, |_| true, Begin::Plain, true);
    let sink = Mutex::new(Assembly::new(scope));
    let read = {
        let rows = sqlx::raw_sql(AssertSqlSafe(script)).fetch(&mut *conn);
        consume(rows, &parts, &sink).await
    };
    if let Err(e) = read {
        // A failed statement aborted the transaction the script opened.
        let _ = sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await;
        return Err(e);
    }
    finish(sink, 1, started)
}

/// Reads the catalog of the database `conn` is connected to, with the queries split over
/// `conn` and `second`, a connection to the same database already open (as `seadiff` opens
/// it, beside the first: connecting costs as much as reading a few hundred tables), that
/// reads the same snapshot and is closed at the end; or with [`introspect`] without one.
///
/// Three round trips: the first half with the snapshot's export, the second half, and the
/// first connection's `COMMIT`. When the second connection fails before delivering anything,
/// what it would have read is read on `conn` in the same transaction (when it fails after
/// delivering some, the read fails); when the snapshot cannot be exported, [`introspect`]
/// reads everything on `conn`.
pub async fn introspect_with(
    conn: &mut PgConnection,
    second: Option<PgConnection>,
    scope: &Scope,
) -> Result<Introspection, PgError> {
    match second {
        Some(other) => split(conn, other, scope).await,
        None => introspect(conn, scope).await,
    }
}

async fn split(
    conn: &mut PgConnection,
    mut other: PgConnection,
    scope: &Scope,
) -> Result<Introspection, PgError> {
    let started = Instant::now();
    let version = conn.server_version_num().unwrap_or(150000);
    let queries = sql::queries(&sql::in_scope(scope.schemas.as_deref()), version);
    let (first, second): (Vec<Part>, Vec<Part>) =
        queries.iter().map(|q| q.part).partition(|p| !p.second());
    let script1 = script(&queries, |p| !p.second(), Begin::Export, false);
    let sink = Mutex::new(Assembly::new(scope));
    let mut round_trips = 1;
    // And how many of `second`'s documents the second connection delivered.
    let (read, delivered) = {
        let mut rows1 = sqlx::raw_sql(AssertSqlSafe(script1)).fetch(&mut *conn);
        let snapshot = match rows1.next().await {
            Some(Ok(row)) => row.try_get::<String, _>(0).ok(),
            _ => None,
        };
        let Some(snapshot) = snapshot else {
            drop(rows1);
            let _ = other.close().await;
            let _ = sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await;
            let mut read = introspect(&mut *conn, scope).await?;
            read.round_trips += 2;
            read.elapsed = started.elapsed();
            return Ok(read);
        };
        round_trips += 1;
        let script2 = script(&queries, Part::second, Begin::Import(&snapshot), true);
        let (r1, (n, r2)) = futures_util::future::join(consume(rows1, &first, &sink), async {
            let rows2 = sqlx::raw_sql(AssertSqlSafe(script2)).fetch(&mut other);
            let (n, r) = counted(rows2, &second, &sink).await;
            // Closing ends its read-only transaction, whatever happened to it.
            let _ = other.close().await;
            (n, r)
        })
        .await;
        // A second connection that fails before delivering anything (closed while it waited,
        // unable to import the snapshot) is only unusable: what it would have read is read
        // below, on `conn`, in the same snapshot. One that breaks after delivering fails the
        // read, as the first would: the network is in doubt, and nothing may be planned from a
        // read that broke.
        (if n == 0 { r1 } else { r1.and(r2) }, n)
    };
    let read = match read {
        Ok(()) => {
            round_trips += 1;
            let rest = &second[delivered..];
            let script = script(&queries, |p| rest.contains(&p), Begin::None, true);
            let rows = sqlx::raw_sql(AssertSqlSafe(script)).fetch(&mut *conn);
            consume(rows, rest, &sink).await
        }
        Err(e) => Err(e),
    };
    if let Err(e) = read {
        let _ = sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await;
        return Err(e);
    }
    finish(sink, round_trips, started)
}

fn lock(sink: &Mutex<Assembly>) -> std::sync::MutexGuard<'_, Assembly> {
    sink.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn query_error(source: sqlx::Error) -> PgError {
    PgError::Query {
        what: "read the catalog",
        source,
    }
}

/// Decodes the documents of `parts` from `rows` (one row each, in order) into `sink`.
async fn consume(
    rows: BoxStream<'_, Result<PgRow, sqlx::Error>>,
    parts: &[Part],
    sink: &Mutex<Assembly>,
) -> Result<(), PgError> {
    let (n, read) = counted(rows, parts, sink).await;
    match (read, parts.get(n)) {
        (Err(e), _) => Err(e),
        (Ok(()), Some(p)) => Err(PgError::Catalog {
            what: "the catalog read",
            detail: format!("no result for {p:?}"),
        }),
        (Ok(()), None) => Ok(()),
    }
}

/// [`consume`], also saying how many documents were delivered to `sink`.
async fn counted(
    mut rows: BoxStream<'_, Result<PgRow, sqlx::Error>>,
    parts: &[Part],
    sink: &Mutex<Assembly>,
) -> (usize, Result<(), PgError>) {
    let mut n = 0;
    while let Some(row) = rows.next().await {
        let row = match row {
            Ok(row) => row,
            Err(e) => return (n, Err(query_error(e))),
        };
        if row
            .columns()
            .first()
            .is_some_and(|c| c.name() == sql::FLUSH_COLUMN)
        {
            continue;
        }
        let Some(part) = parts.get(n) else {
            return (
                n,
                Err(PgError::Catalog {
                    what: "the catalog read",
                    detail: "more results than queries".to_owned(),
                }),
            );
        };
        let added = row
            .try_get::<&str, _>(0)
            .map_err(query_error)
            .and_then(|text| lock(sink).add_text(*part, text));
        if let Err(e) = added {
            return (n, Err(e));
        }
        drop(row);
        n += 1;
    }
    (n, Ok(()))
}

fn finish(
    sink: Mutex<Assembly>,
    round_trips: u32,
    started: Instant,
) -> Result<Introspection, PgError> {
    let assembly = sink
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let (catalog, meta) = assembly.finish()?;
    Ok(Introspection {
        catalog,
        server_version: meta.version,
        database: meta.database,
        user: meta.user,
        round_trips,
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

/// The whole catalog read as the one script [`introspect`] sends on one connection, without
/// the flushes between documents: what the scale benchmark times as the floor (the catalog
/// queries alone, the server's work and the transfer, no decoding).
pub fn catalog_script(scope: &Scope, server_version: u32) -> String {
    let queries = sql::queries(&sql::in_scope(scope.schemas.as_deref()), server_version);
    with_flushes(&queries, |_| true, Begin::Plain, true, false)
}

/// How a script opens its transaction.
#[derive(Debug, Clone, Copy)]
enum Begin<'a> {
    /// One consistent snapshot for the whole script.
    Plain,
    /// The same, and export the snapshot (the script's first row) for a second connection.
    Export,
    /// Read the snapshot another connection exported.
    Import(&'a str),
    /// Continue the transaction already open.
    None,
}

fn script(
    queries: &[sql::Query],
    take: impl Fn(Part) -> bool,
    begin: Begin,
    commit: bool,
) -> String {
    with_flushes(queries, take, begin, commit, true)
}

/// [`script`], with [`sql::FLUSH`] between the documents when `flush`.
fn with_flushes(
    queries: &[sql::Query],
    take: impl Fn(Part) -> bool,
    begin: Begin,
    commit: bool,
    flush: bool,
) -> String {
    let mut script = String::new();
    let open = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;\n";
    match begin {
        Begin::Plain => script.push_str(open),
        Begin::Export => {
            script.push_str(open);
            script.push_str("SELECT pg_export_snapshot();\n");
        }
        Begin::Import(id) => {
            script.push_str(open);
            script.push_str(&format!(
                "SET TRANSACTION SNAPSHOT {};\n",
                super::ident::quote_literal(id)
            ));
        }
        Begin::None => {}
    }
    if !matches!(begin, Begin::None) {
        script.push_str(sql::SETTINGS);
    }
    if matches!(begin, Begin::Export | Begin::Import(_)) {
        script.push_str(sql::SPLIT_SETTINGS);
    }
    for (i, q) in queries.iter().filter(|q| take(q.part)).enumerate() {
        if flush && i > 0 {
            script.push_str(sql::FLUSH);
        }
        script.push_str(&q.sql);
        script.push_str(";\n");
    }
    if commit {
        script.push_str("COMMIT;");
    }
    script
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each half of a split read turns parallel workers off inside its own transaction; the
    /// one-connection read (and the benchmark's floor, the same script without flushes) keeps
    /// the server's setting.
    #[test]
    fn only_the_split_halves_turn_parallel_workers_off() {
        let queries = sql::queries(&sql::in_scope(None), 150000);
        let off = sql::SPLIT_SETTINGS.trim_end();
        let first = script(&queries, |p| !p.second(), Begin::Export, false);
        let second = script(&queries, Part::second, Begin::Import("00000003-1"), true);
        let rest = script(&queries, Part::second, Begin::None, true);
        let one = script(&queries, |_| true, Begin::Plain, true);
        for half in [&first, &second] {
            let at = half.find(off).expect("the split setting");
            assert!(
                at > half.find("BEGIN").unwrap(),
                "SET LOCAL needs the transaction"
            );
            assert!(
                at < half.find("SELECT coalesce").unwrap(),
                "before the first query"
            );
        }
        assert!(!one.contains(off) && !rest.contains(off));
    }

    /// Between every two documents of a message, and nowhere else: not before the first, not
    /// after the last (the message's end sends everything), not in the floor's script.
    #[test]
    fn documents_are_separated_by_flushes() {
        let queries = sql::queries(&sql::in_scope(None), 150000);
        let flush = sql::FLUSH.trim_end();
        let halves = [
            (
                script(&queries, |p| !p.second(), Begin::Export, false),
                queries.iter().filter(|q| !q.part.second()).count(),
            ),
            (
                script(&queries, Part::second, Begin::Import("00000003-1"), true),
                queries.iter().filter(|q| q.part.second()).count(),
            ),
            (
                script(&queries, |_| true, Begin::Plain, true),
                queries.len(),
            ),
        ];
        for (text, documents) in &halves {
            let statements: Vec<&str> = text.split(";\n").map(str::trim).collect();
            let kinds: Vec<char> = statements
                .iter()
                .filter_map(|s| {
                    if format!("{s};") == flush {
                        Some('f')
                    } else if s.starts_with("SELECT coalesce") {
                        Some('d')
                    } else {
                        None
                    }
                })
                .collect();
            let expected: Vec<char> = (0..*documents)
                .flat_map(|i| if i == 0 { vec!['d'] } else { vec!['f', 'd'] })
                .collect();
            assert_eq!(kinds, expected);
        }
        let floor = catalog_script(&Scope::everything(), 150000);
        assert!(!floor.contains(flush));
        assert_eq!(floor, halves[2].0.replace(sql::FLUSH, ""));
    }

    /// A database with a composite type and a table using it, as the server describes it
    /// (recorded from PostgreSQL 15).
    const COMPOSITE: [(Part, &str); 14] = [
        (Part::Meta, r#"[[150020, "rvfix", "postgres"]]"#),
        (Part::Schemas, r#"[["public", "standard public schema"]]"#),
        (Part::Extensions, r#"[]"#),
        (
            Part::Types,
            r#"[[1149067, "public", "_pair", "b", 0, 1149068, null, null, null, null, null, -1, null, null, false, null, null, false], [1149070, "public", "_t", "b", 0, 1149071, null, null, null, null, null, -1, null, null, false, null, null, false], [1149068, "public", "pair", "c", 1149066, 0, null, null, null, null, null, -1, null, null, false, null, null, true], [1149071, "public", "t", "c", 1149069, 0, null, null, null, null, null, -1, null, null, false, null, null, false]]"#,
        ),
        (
            Part::Relations,
            r#"[[1149066, "public", "pair", "c", 1149068, null, false, false, false, false, null, [], null, null, [], null, null, null, null, null], [1149069, "public", "t", "r", 1149071, null, false, false, false, false, null, [], null, null, [], null, null, null, null, null]]"#,
        ),
        (
            Part::Columns,
            r#"[[1149066, 1, "a", "integer", -1, "pg_catalog", "int4", null, null, false, null, null, "", "", true, null, null, null], [1149066, 2, "b", "text", -1, "pg_catalog", "text", null, null, false, null, null, "", "", true, null, null, null], [1149069, 1, "id", "integer", -1, "pg_catalog", "int4", null, null, false, null, null, "", "", true, null, null, null], [1149069, 2, "p", "public.pair", -1, "public", "pair", null, null, false, null, null, "", "", true, null, null, null]]"#,
        ),
        (Part::Constraints, r#"[]"#),
        (Part::Indexes, r#"[]"#),
        (Part::Functions, r#"[]"#),
        (Part::Triggers, r#"[]"#),
        (Part::Policies, r#"[]"#),
        (
            Part::Depends,
            r#"[["pg_class", 1149069, 2, "pg_type", 1149068, 0]]"#,
        ),
        (Part::Others, r#"[]"#),
        (Part::Collations, r#"[]"#),
    ];

    fn assembled(order: &[Part]) -> Catalog {
        let mut a = Assembly::new(&Scope::everything());
        for part in order {
            let (_, text) = COMPOSITE
                .iter()
                .find(|(p, _)| p == part)
                .expect("a document");
            a.add_text(*part, text).expect("decodes");
        }
        a.finish().expect("assembles").0
    }

    /// The documents of a split read arrive in any interleaving of the two connections' orders:
    /// the second connection's relations and columns may come before the first's types. The
    /// catalog is the same whatever the order, a composite type's attributes included.
    #[test]
    fn the_catalog_does_not_depend_on_the_order_documents_arrive_in() {
        let one = assembled(&Part::ALL);
        let pair = &one.composites[&crate::model::pg::QName::new("public", "pair")];
        assert_eq!(pair.attributes.len(), 2, "{pair:?}");
        let (second, first): (Vec<Part>, Vec<Part>) = Part::ALL.iter().partition(|p| p.second());
        for order in [
            [second.clone(), first.clone()].concat(),
            [first.clone(), second.clone()].concat(),
            Part::ALL.iter().rev().copied().collect(),
        ] {
            assert_eq!(assembled(&order), one, "{order:?}");
        }
    }
}
