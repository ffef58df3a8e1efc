//! What the data says about the tables a plan touches: whether they hold rows (which decides
//! hazards and online DDL) and how much a drop would lose. Read-only, and bounded: one round
//! trip for every touched table's emptiness, then one exact count per dropped table or column,
//! each cut off by a statement timeout (falling back to the planner's estimate).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use sqlx::{AssertSqlSafe, PgConnection, Row};

use super::PgError;
use super::ident::{quote_ident, quote_literal, quote_qname};
use crate::model::pg::QName;

/// A number of rows or values, exact or estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    pub n: u64,
    pub exact: bool,
}

impl Count {
    /// `1,234` or `≈1,234`.
    pub fn show(&self) -> String {
        let digits = self.n.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        if self.exact { out } else { format!("≈{out}") }
    }
}

/// Facts about live data, for the tables a plan touches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DataStats {
    /// Whether a probe ran. Without one, every existing table is assumed to hold rows.
    pub probed: bool,
    /// Touched tables → whether they hold at least one row.
    pub nonempty: BTreeMap<QName, bool>,
    /// Dropped tables → their rows.
    pub rows: BTreeMap<QName, Count>,
    /// Dropped columns → their non-null values.
    pub values: BTreeMap<(QName, String), Count>,
}

impl DataStats {
    /// Whether `q` (an existing table) may hold rows.
    pub fn has_rows(&self, q: &QName) -> bool {
        !self.probed || self.nonempty.get(q).copied().unwrap_or(true)
    }
}

/// What a plan touches, as the probe needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Touched {
    pub tables: BTreeSet<QName>,
    pub dropped_tables: BTreeSet<QName>,
    pub dropped_columns: BTreeSet<(QName, String)>,
}

/// Reads the facts for `touched`. Counts longer than `count_timeout` fall back to estimates.
pub async fn probe(
    conn: &mut PgConnection,
    touched: &Touched,
    count_timeout: Duration,
) -> Result<DataStats, PgError> {
    let mut stats = DataStats {
        probed: true,
        ..DataStats::default()
    };
    let tables: Vec<&QName> = touched
        .tables
        .iter()
        .chain(&touched.dropped_tables)
        .collect();
    if !tables.is_empty() {
        let script = emptiness_script(&tables, count_timeout);
        let rows = match sqlx::raw_sql(AssertSqlSafe(script))
            .fetch_all(&mut *conn)
            .await
        {
            Ok(rows) => rows,
            Err(_) => {
                let _ = sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await;
                Vec::new()
            }
        };
        for row in rows {
            let i: i64 = row.try_get(0).map_err(|e| PgError::Query {
                what: "check which tables hold rows",
                source: e,
            })?;
            // NULL: the table is gone; unknown counts as holding rows.
            let nonempty: Option<bool> = row.try_get(1).map_err(|e| PgError::Query {
                what: "check which tables hold rows",
                source: e,
            })?;
            let Some(nonempty) = nonempty else { continue };
            let i = usize::try_from(i).ok().and_then(|i| i.checked_sub(1));
            if let Some(q) = i.and_then(|i| tables.get(i)) {
                stats.nonempty.insert((*q).clone(), nonempty);
            }
        }
    }
    for q in &touched.dropped_tables {
        if stats.has_rows(q) {
            let count = count(
                conn,
                &format!("SELECT count(*) FROM {}", quote_qname(q)),
                q,
                count_timeout,
            )
            .await?;
            stats.rows.insert(q.clone(), count);
        } else {
            stats.rows.insert(q.clone(), Count { n: 0, exact: true });
        }
    }
    for (q, c) in &touched.dropped_columns {
        let count = if stats.has_rows(q) {
            count(
                conn,
                &format!("SELECT count({}) FROM {}", quote_ident(c), quote_qname(q)),
                q,
                count_timeout,
            )
            .await?
        } else {
            Count { n: 0, exact: true }
        };
        stats.values.insert((q.clone(), c.clone()), count);
    }
    Ok(stats)
}

/// One statement saying, for each table, whether it holds a row. A heap table without
/// children (inheritance or partitions hold rows of their parent) whose main fork has no page
/// holds none (no scan, no query to plan); the others are asked
/// `EXISTS (SELECT 1 FROM t)` one by one through `query_to_xml`, so the statement stays small
/// and quick to plan however many tables there are (a `UNION ALL` of thousands of
/// subqueries took the server a second and a half to plan and lock at 2,000 tables).
fn emptiness_script(tables: &[&QName], timeout: Duration) -> String {
    let names = tables
        .iter()
        .map(|q| quote_literal(&quote_qname(q)))
        .collect::<Vec<_>>()
        .join(", ");
    let limit = quote_literal(&format!("{}ms", timeout.as_millis()));
    format!(
        "BEGIN READ ONLY; SET LOCAL lock_timeout = {limit}; SET LOCAL statement_timeout = {limit}; \
         SELECT t.i, CASE \
           WHEN c.oid IS NULL THEN NULL \
           WHEN c.relkind IN ('r', 'm') AND NOT c.relhassubclass AND a.amname = 'heap' \
             AND pg_relation_size(c.oid) = 0 THEN false \
           ELSE (xpath('/row/e/text()', query_to_xml(format('SELECT EXISTS (SELECT 1 FROM %s) AS e', t.name), false, true, '')))[1]::text = 'true' \
         END \
         FROM unnest(ARRAY[{names}]::text[]) WITH ORDINALITY AS t(name, i) \
         LEFT JOIN pg_catalog.pg_class c ON c.oid = pg_catalog.to_regclass(t.name) \
         LEFT JOIN pg_catalog.pg_am a ON a.oid = c.relam; \
         COMMIT"
    )
}

/// An exact count within `timeout`, else the planner's row estimate for the table.
async fn count(
    conn: &mut PgConnection,
    query: &str,
    q: &QName,
    timeout: Duration,
) -> Result<Count, PgError> {
    let script = format!(
        "BEGIN READ ONLY; SET LOCAL statement_timeout = {}; {query}; COMMIT",
        quote_literal(&format!("{}ms", timeout.as_millis()))
    );
    match sqlx::raw_sql(AssertSqlSafe(script))
        .fetch_all(&mut *conn)
        .await
    {
        Ok(rows) => {
            let n: i64 = rows
                .first()
                .and_then(|r| r.try_get(0).ok())
                .unwrap_or_default();
            Ok(Count {
                n: n.max(0).unsigned_abs(),
                exact: true,
            })
        }
        Err(_) => {
            let _ = sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await;
            let estimate = format!(
                "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = to_regclass({})",
                quote_literal(&quote_qname(q))
            );
            let n: i64 = sqlx::raw_sql(AssertSqlSafe(estimate))
                .fetch_all(&mut *conn)
                .await
                .map_err(|e| PgError::Query {
                    what: "estimate a table's rows",
                    source: e,
                })?
                .first()
                .and_then(|r| r.try_get(0).ok())
                .unwrap_or_default();
            Ok(Count {
                n: n.max(0).unsigned_abs(),
                exact: false,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_well() {
        assert_eq!(
            Count {
                n: 1234567,
                exact: true
            }
            .show(),
            "1,234,567"
        );
        assert_eq!(
            Count {
                n: 999,
                exact: false
            }
            .show(),
            "≈999"
        );
        let stats = DataStats::default();
        assert!(
            stats.has_rows(&QName::new("public", "t")),
            "without a probe, assume rows"
        );
    }
}
