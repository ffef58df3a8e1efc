//! Executes a plan's Postgres steps.
//!
//! Steps run group by group (see [`Plan::groups`]): a transactional group inside `BEGIN …
//! COMMIT`, where any failing statement rolls the whole group back; a non-transactional step
//! on its own. Before every step the session gets that step's `lock_timeout` and
//! `statement_timeout` (a long one for steps that scan, build or rewrite). A lock timeout is
//! retried a bounded number of times with backoff, the group from its start, since its
//! transaction was rolled back. A failure names the step and statement and says which earlier
//! groups were already committed, so the caller can tell the user exactly what was done.
//!
//! [`lock_target`] takes the advisory lock that keeps two applies off one database.

use std::fmt;
use std::time::{Duration, Instant};

use sqlx::{AssertSqlSafe, PgConnection, Row};

use super::ident::{quote_ident, quote_literal};
use crate::plan::{Plan, Step, Store};

#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// How long a statement may wait for a lock before failing (and rolling back its group).
    pub lock_timeout: Duration,
    /// Upper bound for a step that only changes the catalog; `None` leaves the server default.
    pub statement_timeout: Option<Duration>,
    /// Upper bound for a step that scans, builds an index or rewrites a table.
    pub long_statement_timeout: Option<Duration>,
    /// How many times a lock timeout is retried before the apply fails.
    pub lock_retries: u32,
    /// The wait before the first retry; doubled for each further one.
    pub retry_backoff: Duration,
    /// Used to resolve unqualified names in expressions (defaults, checks, predicates).
    pub search_path: Vec<String>,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            lock_timeout: Duration::from_secs(5),
            statement_timeout: Some(Duration::from_secs(60)),
            long_statement_timeout: None,
            lock_retries: 3,
            retry_backoff: Duration::from_millis(500),
            search_path: vec!["public".to_owned()],
        }
    }
}

#[derive(Debug, Clone)]
pub struct ApplyReport {
    /// Indexes (into `Plan::steps`) of the steps that ran, in order.
    pub executed: Vec<usize>,
    pub elapsed: Duration,
    /// Lock timeouts that were retried: (step index, attempts that timed out).
    pub retried: Vec<(usize, u32)>,
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
    /// Whether the failing step ran inside a transaction (and so was rolled back).
    pub transactional: bool,
    /// Lock timeouts hit on this step, the last one included when it is the cause.
    pub lock_timeouts: u32,
    #[source]
    pub source: sqlx::Error,
}

impl ApplyError {
    /// SQLSTATE 55P03: a lock was not granted within `lock_timeout`.
    pub fn is_lock_timeout(&self) -> bool {
        is_lock_timeout(&self.source)
    }
}

impl fmt::Display for ApplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.transactional {
            write!(
                f,
                "step {} failed; its transaction was rolled back",
                self.step_id
            )
        } else {
            write!(f, "step {} failed outside a transaction", self.step_id)
        }
    }
}

fn is_lock_timeout(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.code())
        .is_some_and(|c| c == "55P03")
}

fn interval(d: Duration) -> String {
    quote_literal(&format!("{}ms", d.as_millis()))
}

/// A statement that must not simply be run again after failing: a concurrent index build
/// leaves an INVALID index behind, which the next plan detects and rebuilds.
fn retry_safe(sql: &str) -> bool {
    !(sql.starts_with("CREATE") && sql.contains(" INDEX CONCURRENTLY "))
}

/// Runs every Postgres step of `plan` on `conn`.
pub async fn apply(
    conn: &mut PgConnection,
    plan: &Plan,
    opts: &ApplyOptions,
) -> Result<ApplyReport, ApplyError> {
    apply_observed(conn, plan, opts, &mut |_| {}).await
}

/// [`apply`], calling `started(i)` as step `i` begins (for progress display). A group that
/// is retried reports its steps again.
pub async fn apply_observed(
    conn: &mut PgConnection,
    plan: &Plan,
    opts: &ApplyOptions,
    started: &mut (dyn FnMut(usize) + Send),
) -> Result<ApplyReport, ApplyError> {
    let result = run_groups(conn, plan, opts, started).await;
    // Session settings made for non-transactional steps must not outlive the apply.
    let _ = run(conn, "RESET ALL").await;
    result
}

/// What one group's execution needs besides the connection.
struct Runner<'a> {
    plan: &'a Plan,
    opts: &'a ApplyOptions,
    ids: Vec<String>,
    search_path: String,
    committed: Vec<usize>,
    retried: Vec<(usize, u32)>,
}

impl Runner<'_> {
    fn fail(
        &self,
        step: usize,
        statement: &str,
        source: sqlx::Error,
        transactional: bool,
        timeouts: u32,
    ) -> ApplyError {
        ApplyError {
            step,
            step_id: self.ids[step].clone(),
            statement: statement.to_owned(),
            committed: self.committed.clone(),
            transactional,
            lock_timeouts: timeouts,
            source,
        }
    }

    fn note_retry(&mut self, step: usize, attempts: u32) {
        match self.retried.iter_mut().find(|(s, _)| *s == step) {
            Some(r) => r.1 = attempts,
            None => self.retried.push((step, attempts)),
        }
    }

    async fn backoff(&self, attempts: u32) {
        tokio::time::sleep(
            self.opts.retry_backoff * 2u32.saturating_pow(attempts.saturating_sub(1)),
        )
        .await;
    }

    /// Session settings for a group (`SET LOCAL` inside a transaction).
    fn setup(&self, tx: bool) -> Vec<String> {
        let scope = if tx { "LOCAL " } else { "" };
        vec![
            format!("SET {scope}search_path = {}", self.search_path),
            format!("SET {scope}TimeZone = 'UTC'"),
            // Function bodies may reference objects created later in the plan.
            format!("SET {scope}check_function_bodies = off"),
        ]
    }

    /// The timeouts for one step.
    fn limits(&self, step: &Step, tx: bool) -> [String; 2] {
        let scope = if tx { "LOCAL " } else { "" };
        let timeout = if step.scans() {
            self.opts.long_statement_timeout
        } else {
            self.opts.statement_timeout
        };
        [
            format!(
                "SET {scope}lock_timeout = {}",
                interval(self.opts.lock_timeout)
            ),
            format!(
                "SET {scope}statement_timeout = {}",
                timeout.map_or_else(|| "0".to_owned(), interval)
            ),
        ]
    }

    /// A transactional group; on a lock timeout the whole group is rolled back and run again.
    async fn transaction(
        &mut self,
        conn: &mut PgConnection,
        start: usize,
        end: usize,
        started: &mut (dyn FnMut(usize) + Send),
    ) -> Result<(), ApplyError> {
        let mut attempts = 0u32;
        'attempt: loop {
            let mut script = vec![(start, "BEGIN".to_owned())];
            script.extend(self.setup(true).into_iter().map(|s| (start, s)));
            for i in start..end {
                let step = &self.plan.steps[i];
                script.extend(self.limits(step, true).into_iter().map(|s| (i, s)));
                script.extend(step.statements.iter().map(|s| (i, s.clone())));
            }
            script.push((end - 1, "COMMIT".to_owned()));
            let mut reported = None;
            for (i, sql) in &script {
                if reported != Some(*i) {
                    started(*i);
                    reported = Some(*i);
                }
                let Err(e) = run(conn, sql).await else {
                    continue;
                };
                let _ = run(conn, "ROLLBACK").await;
                if is_lock_timeout(&e) && attempts < self.opts.lock_retries {
                    attempts += 1;
                    self.note_retry(*i, attempts);
                    self.backoff(attempts).await;
                    continue 'attempt;
                }
                let timeouts = attempts + u32::from(is_lock_timeout(&e));
                return Err(self.fail(*i, sql, e, true, timeouts));
            }
            self.committed.extend(start..end);
            return Ok(());
        }
    }

    /// A step outside any transaction. Its statements run one by one; a lock timeout retries
    /// the statement that hit it (those before it are done), unless running it again is
    /// unsafe.
    async fn alone(
        &mut self,
        conn: &mut PgConnection,
        i: usize,
        started: &mut (dyn FnMut(usize) + Send),
    ) -> Result<(), ApplyError> {
        started(i);
        let step = &self.plan.steps[i];
        let mut attempts = 0u32;
        for sql in self.setup(false) {
            if let Err(e) = run(conn, &sql).await {
                return Err(self.fail(i, &sql, e, false, 0));
            }
        }
        for sql in &step.statements {
            loop {
                let mut result = Ok(());
                for limit in self.limits(step, false) {
                    result = run(conn, &limit).await;
                    if result.is_err() {
                        break;
                    }
                }
                if result.is_ok() {
                    result = run(conn, sql).await;
                }
                let Err(e) = result else { break };
                if is_lock_timeout(&e) && attempts < self.opts.lock_retries && retry_safe(sql) {
                    attempts += 1;
                    self.note_retry(i, attempts);
                    self.backoff(attempts).await;
                    continue;
                }
                let timeouts = attempts + u32::from(is_lock_timeout(&e));
                return Err(self.fail(i, sql, e, false, timeouts));
            }
        }
        self.committed.push(i);
        Ok(())
    }
}

async fn run_groups(
    conn: &mut PgConnection,
    plan: &Plan,
    opts: &ApplyOptions,
    started: &mut (dyn FnMut(usize) + Send),
) -> Result<ApplyReport, ApplyError> {
    let clock = Instant::now();
    let mut runner = Runner {
        plan,
        opts,
        ids: plan.step_ids(),
        search_path: opts
            .search_path
            .iter()
            .map(|s| quote_ident(s))
            .collect::<Vec<_>>()
            .join(", "),
        committed: Vec::new(),
        retried: Vec::new(),
    };
    for group in plan
        .groups()
        .into_iter()
        .filter(|g| g.store == Store::Postgres)
    {
        if group.transactional {
            runner
                .transaction(conn, group.start, group.end, started)
                .await?;
        } else {
            runner.alone(conn, group.start, started).await?;
        }
    }
    Ok(ApplyReport {
        executed: runner.committed,
        elapsed: clock.elapsed(),
        retried: runner.retried,
    })
}

/// Another apply holds the lock on the target database.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another seadiff apply is running on database `{database}`{holder}")]
    Busy { database: String, holder: String },
    #[error("cannot take the apply lock")]
    Query(#[source] sqlx::Error),
}

/// The advisory-lock key of a database: one apply at a time per database, whatever the URL.
const LOCK_KEY: &str = "hashtextextended('seadiff-apply:' || current_database(), 0)";

/// Takes the session-level advisory lock that serializes applies on this database, waiting up
/// to `wait`. Held until [`unlock_target`] or the connection closes.
pub async fn lock_target(conn: &mut PgConnection, wait: Duration) -> Result<(), LockError> {
    let deadline = Instant::now() + wait;
    loop {
        let row = sqlx::raw_sql(AssertSqlSafe(format!(
            "SELECT pg_try_advisory_lock({LOCK_KEY}), current_database()"
        )))
        .fetch_one(&mut *conn)
        .await
        .map_err(LockError::Query)?;
        let got: bool = row.try_get(0).map_err(LockError::Query)?;
        if got {
            return Ok(());
        }
        if Instant::now() >= deadline {
            let database: String = row.try_get(1).map_err(LockError::Query)?;
            return Err(LockError::Busy {
                database,
                holder: holder(conn).await,
            });
        }
        tokio::time::sleep(Duration::from_millis(100).min(deadline - Instant::now())).await;
    }
}

/// ` (held by pid 123, application seadiff, since 2026-11-21 10:00:00 UTC)`, when visible.
async fn holder(conn: &mut PgConnection) -> String {
    let sql = format!(
        "SELECT a.pid, coalesce(a.application_name, ''), to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')          FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid          WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1          AND ((l.classid::int8 << 32) | l.objid::int8) = {LOCK_KEY} LIMIT 1"
    );
    match sqlx::raw_sql(AssertSqlSafe(sql))
        .fetch_optional(&mut *conn)
        .await
    {
        Ok(Some(row)) => {
            let pid: i32 = row.try_get(0).unwrap_or_default();
            let app: String = row.try_get(1).unwrap_or_default();
            let since: String = row.try_get(2).unwrap_or_default();
            format!(
                " (held by backend pid {pid}, application `{app}`, connected since {since} UTC)"
            )
        }
        _ => String::new(),
    }
}

/// Releases the lock [`lock_target`] took.
pub async fn unlock_target(conn: &mut PgConnection) -> Result<(), LockError> {
    sqlx::raw_sql(AssertSqlSafe(format!(
        "SELECT pg_advisory_unlock({LOCK_KEY})"
    )))
    .execute(&mut *conn)
    .await
    .map(|_| ())
    .map_err(LockError::Query)
}

async fn run(conn: &mut PgConnection, sql: &str) -> Result<(), sqlx::Error> {
    sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
        .execute(&mut *conn)
        .await
        .map(|_| ())
}
