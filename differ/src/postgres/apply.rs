//! Executes a plan's Postgres steps.
//!
//! Transactional groups run inside `BEGIN … COMMIT` with `lock_timeout` (and optionally
//! `statement_timeout`) set locally; any failing statement rolls its whole group back. A
//! failure names the step and statement and says which earlier groups were already committed,
//! so the caller can tell the user exactly what was done.

use std::fmt;
use std::time::{Duration, Instant};

use sqlx::{AssertSqlSafe, PgConnection};

use super::ident::{quote_ident, quote_literal};
use crate::plan::{Plan, Store};

#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// How long a statement may wait for a lock before failing (and rolling back its group).
    pub lock_timeout: Duration,
    /// Upper bound for any single statement; `None` leaves the server default.
    pub statement_timeout: Option<Duration>,
    /// Used to resolve unqualified names in expressions (defaults, checks, predicates).
    pub search_path: Vec<String>,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            lock_timeout: Duration::from_secs(5),
            statement_timeout: None,
            search_path: vec!["public".to_owned()],
        }
    }
}

#[derive(Debug, Clone)]
pub struct ApplyReport {
    /// Indexes (into `Plan::steps`) of the steps that ran, in order.
    pub executed: Vec<usize>,
    pub elapsed: Duration,
}

/// A step failed. Everything in its group was rolled back.
#[derive(Debug, thiserror::Error)]
pub struct ApplyError {
    /// Index into `Plan::steps`.
    pub step: usize,
    pub step_id: String,
    /// The statement that failed.
    pub statement: String,
    /// Steps committed before the failure (from earlier groups). Empty for a one-group plan.
    pub committed: Vec<usize>,
    #[source]
    pub source: sqlx::Error,
}

impl fmt::Display for ApplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "step {} failed; its transaction was rolled back",
            self.step_id
        )
    }
}

fn interval(d: Duration) -> String {
    quote_literal(&format!("{}ms", d.as_millis()))
}

/// Runs every Postgres step of `plan` on `conn`.
pub async fn apply(
    conn: &mut PgConnection,
    plan: &Plan,
    opts: &ApplyOptions,
) -> Result<ApplyReport, ApplyError> {
    let started = Instant::now();
    let ids = plan.step_ids();
    let search_path = opts
        .search_path
        .iter()
        .map(|s| quote_ident(s))
        .collect::<Vec<_>>()
        .join(", ");
    let mut committed: Vec<usize> = Vec::new();
    for group in plan
        .groups()
        .into_iter()
        .filter(|g| g.store == Store::Postgres)
    {
        let scope = if group.transactional { "LOCAL " } else { "" };
        let mut setup = vec![
            format!("SET {scope}lock_timeout = {}", interval(opts.lock_timeout)),
            format!("SET {scope}search_path = {search_path}"),
            format!("SET {scope}TimeZone = 'UTC'"),
            // Function bodies may reference objects created later in the plan.
            format!("SET {scope}check_function_bodies = off"),
        ];
        if let Some(t) = opts.statement_timeout {
            setup.push(format!("SET {scope}statement_timeout = {}", interval(t)));
        }
        if group.transactional {
            setup.insert(0, "BEGIN".to_owned());
        }
        let fail =
            |step: usize, statement: String, source: sqlx::Error, committed: &[usize]| ApplyError {
                step,
                step_id: ids[step].clone(),
                statement,
                committed: committed.to_vec(),
                source,
            };
        for sql in setup {
            if let Err(e) = run(conn, &sql).await {
                if group.transactional {
                    let _ = run(conn, "ROLLBACK").await;
                }
                return Err(fail(group.start, sql, e, &committed));
            }
        }
        for i in group.start..group.end {
            for sql in &plan.steps[i].statements {
                if let Err(e) = run(conn, sql).await {
                    if group.transactional {
                        let _ = run(conn, "ROLLBACK").await;
                    }
                    return Err(fail(i, sql.clone(), e, &committed));
                }
            }
            if !group.transactional {
                committed.push(i);
            }
        }
        if group.transactional {
            if let Err(e) = run(conn, "COMMIT").await {
                return Err(fail(group.end - 1, "COMMIT".to_owned(), e, &committed));
            }
            committed.extend(group.start..group.end);
        }
    }
    Ok(ApplyReport {
        executed: committed,
        elapsed: started.elapsed(),
    })
}

async fn run(conn: &mut PgConnection, sql: &str) -> Result<(), sqlx::Error> {
    sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
        .execute(&mut *conn)
        .await
        .map(|_| ())
}
