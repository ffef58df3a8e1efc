//! Executes a plan's Postgres steps.
//!
//! Steps run group by group (see [`Plan::groups`]): a transactional group inside `BEGIN …
//! COMMIT`, where any failing statement rolls the whole group back; a non-transactional step
//! on its own. Before every step the session gets that step's `lock_timeout` and
//! `statement_timeout` (a long one for steps that scan, build or rewrite). A lock timeout is
//! retried a bounded number of times with backoff, the group from its start, since its
//! transaction was rolled back. A failure names the step and statement and says which earlier
//! groups were already committed, so the caller can tell the user exactly what was done; as
//! each group commits (or a step outside a transaction completes) the observer hears of it, so
//! a caller that is killed half-way has already said which steps ran.
//!
//! Every wait for the server is bounded when [`ApplyOptions::response_timeout`] is set: a
//! statement by its own `statement_timeout` and `lock_timeout` plus that margin, `BEGIN`, `SET`
//! and `COMMIT` by the margin alone. A connection lost at `COMMIT` (reset, terminated, timed
//! out) leaves the outcome of that group unknown, and the error says so.
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
    /// How long to wait for the server beyond the statement's own limits before giving the
    /// connection up for lost (a stalled network). `None`: wait as long as the server takes.
    /// A step without a statement timeout (`long_statement_timeout: None`) is never cut short.
    pub response_timeout: Option<Duration>,
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
            response_timeout: None,
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
    /// The connection broke (reset, terminated by the server, or silent past the response
    /// timeout) rather than a statement failing.
    pub connection_lost: bool,
    /// The connection was lost while the group's `COMMIT` was under way: it may have
    /// committed. Only then is what was done not known exactly.
    pub uncertain: bool,
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
        if self.uncertain {
            write!(
                f,
                "the connection was lost while step {}'s transaction was committing; it may or may not have committed",
                self.step_id
            )
        } else if self.transactional {
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

/// The connection itself failed: an I/O or protocol error, our own response timeout, or the
/// server ending the session (SQLSTATE class 08, connection exception, and 57P, the server
/// shutting the session down, as `pg_terminate_backend` does; not 57014, a cancelled
/// statement).
pub fn is_connection_lost(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => d
            .code()
            .is_some_and(|c| c.starts_with("08") || c.starts_with("57P")),
        sqlx::Error::Io(_) | sqlx::Error::Protocol(_) | sqlx::Error::Tls(_) => true,
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed => true,
        _ => false,
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

/// What [`apply_observed`] reports as it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// Step `i` begins (again, when its group is retried).
    Started(usize),
    /// These steps are done for good: their group committed, or the step ran outside a
    /// transaction. `of`: the group's 1-based position, and how many Postgres groups the plan
    /// has.
    Done {
        steps: std::ops::Range<usize>,
        transactional: bool,
        of: (usize, usize),
    },
}

/// Runs every Postgres step of `plan` on `conn`.
pub async fn apply(
    conn: &mut PgConnection,
    plan: &Plan,
    opts: &ApplyOptions,
) -> Result<ApplyReport, ApplyError> {
    apply_observed(conn, plan, opts, &mut |_| {}).await
}

/// [`apply`], telling `observer` as each step starts and as each group is done (for progress
/// display, and so that what ran is said before anything else can go wrong).
pub async fn apply_observed(
    conn: &mut PgConnection,
    plan: &Plan,
    opts: &ApplyOptions,
    observer: &mut (dyn FnMut(Progress) + Send),
) -> Result<ApplyReport, ApplyError> {
    let result = run_groups(conn, plan, opts, observer).await;
    // Session settings made for non-transactional steps must not outlive the apply; a lost
    // connection is not touched again.
    if !matches!(&result, Err(e) if e.connection_lost) {
        let _ = run(conn, "RESET ALL", opts.response_timeout).await;
    }
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
        let connection_lost = is_connection_lost(&source);
        ApplyError {
            step,
            step_id: self.ids[step].clone(),
            statement: statement.to_owned(),
            committed: self.committed.clone(),
            transactional,
            lock_timeouts: timeouts,
            connection_lost,
            uncertain: transactional && connection_lost && statement == "COMMIT",
            source,
        }
    }

    /// How long to wait for one statement of `step` (`None`: a setup statement), beyond which
    /// the connection is given up for lost.
    fn bound(&self, step: Option<&Step>) -> Option<Duration> {
        let margin = self.opts.response_timeout?;
        let Some(step) = step else {
            return Some(margin);
        };
        let limit = if step.scans() {
            self.opts.long_statement_timeout
        } else {
            self.opts.statement_timeout
        }?;
        Some(limit + self.opts.lock_timeout + margin)
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
        observer: &mut (dyn FnMut(Progress) + Send),
    ) -> Result<(), ApplyError> {
        let mut attempts = 0u32;
        'attempt: loop {
            // (step, statement, whether it is the step's own statement)
            let mut script = vec![(start, "BEGIN".to_owned(), false)];
            script.extend(self.setup(true).into_iter().map(|s| (start, s, false)));
            for i in start..end {
                let step = &self.plan.steps[i];
                script.extend(self.limits(step, true).into_iter().map(|s| (i, s, false)));
                script.extend(step.statements.iter().map(|s| (i, s.clone(), true)));
            }
            script.push((end - 1, "COMMIT".to_owned(), false));
            let mut reported = None;
            for (i, sql, own) in &script {
                if reported != Some(*i) {
                    observer(Progress::Started(*i));
                    reported = Some(*i);
                }
                let bound = self.bound(own.then(|| &self.plan.steps[*i]));
                let Err(e) = run(conn, sql, bound).await else {
                    continue;
                };
                if is_connection_lost(&e) {
                    // The server rolls back an open transaction when its session ends.
                    return Err(self.fail(*i, sql, e, true, attempts));
                }
                let _ = run(conn, "ROLLBACK", self.bound(None)).await;
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

    fn done(
        &self,
        steps: std::ops::Range<usize>,
        transactional: bool,
        of: (usize, usize),
        observer: &mut (dyn FnMut(Progress) + Send),
    ) {
        observer(Progress::Done {
            steps,
            transactional,
            of,
        });
    }

    /// A step outside any transaction. Its statements run one by one; a lock timeout retries
    /// the statement that hit it (those before it are done), unless running it again is
    /// unsafe.
    async fn alone(
        &mut self,
        conn: &mut PgConnection,
        i: usize,
        observer: &mut (dyn FnMut(Progress) + Send),
    ) -> Result<(), ApplyError> {
        observer(Progress::Started(i));
        let step = &self.plan.steps[i];
        let mut attempts = 0u32;
        for sql in self.setup(false) {
            if let Err(e) = run(conn, &sql, self.bound(None)).await {
                return Err(self.fail(i, &sql, e, false, 0));
            }
        }
        for sql in &step.statements {
            loop {
                let mut result = Ok(());
                for limit in self.limits(step, false) {
                    result = run(conn, &limit, self.bound(None)).await;
                    if result.is_err() {
                        break;
                    }
                }
                if result.is_ok() {
                    result = run(conn, sql, self.bound(Some(step))).await;
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
    observer: &mut (dyn FnMut(Progress) + Send),
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
    let groups: Vec<_> = plan
        .groups()
        .into_iter()
        .filter(|g| g.store == Store::Postgres)
        .collect();
    let count = groups.len();
    for (n, group) in groups.into_iter().enumerate() {
        if group.transactional {
            runner
                .transaction(conn, group.start, group.end, observer)
                .await?;
        } else {
            runner.alone(conn, group.start, observer).await?;
        }
        runner.done(
            group.start..group.end,
            group.transactional,
            (n + 1, count),
            observer,
        );
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

/// Runs one statement, waiting at most `bound` for the server's answer.
async fn run(
    conn: &mut PgConnection,
    sql: &str,
    bound: Option<Duration>,
) -> Result<(), sqlx::Error> {
    let exec = sqlx::raw_sql(AssertSqlSafe(sql.to_owned())).execute(&mut *conn);
    let result = match bound {
        None => exec.await,
        Some(limit) => match tokio::time::timeout(limit, exec).await {
            Ok(r) => r,
            Err(_) => Err(sqlx::Error::Io(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("no answer from the server within {}", super::seconds(limit)),
            ))),
        },
    };
    result.map(|_| ())
}
