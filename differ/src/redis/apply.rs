//! Executes the Redis steps of a plan, in order, stopping at the first failure and saying
//! which steps were done (Redis has no transaction to roll back).
//!
//! Besides plain commands, three of seadiff's own operations (their lines start with `@`):
//! - `@expire-family DB FAMILY PATTERN SECONDS NX|LT`: walks the family's keys (SCAN with the
//!   pattern's glob, rate-limited) and sets a TTL on those without one (`NX`) or shortens those
//!   over the limit (`LT`). Each key is classified again right before, and `NX`/`LT` make the
//!   `EXPIRE` itself safe against a key that changed in between;
//! - `@unlink-unknown DB MAX GLOB...`: deletes keys matching the globs that no family
//!   declares, at most MAX, with `UNLINK`;
//! - `@wait-indexed INDEX`: waits until a search index has finished indexing.

use std::time::{Duration, Instant};

use redis::Value;

use super::command::parse;
use super::model::{Declared, Family};
use super::pattern::Classifier;
use super::sample::{Bucket, scan};
use super::{Conn, RedisError, search};
use crate::plan::{Plan, Store};

#[derive(Debug, Clone, Default)]
pub struct RedisApplyReport {
    /// Indexes into `Plan::steps` of the Redis steps that ran.
    pub executed: Vec<usize>,
    /// What the key operations did, for people: `db0/sessions: 12 keys given a TTL`.
    pub notes: Vec<String>,
    pub elapsed: Duration,
}

#[derive(Debug, thiserror::Error)]
#[error("step {step_id} failed: {message}")]
pub struct RedisApplyError {
    pub step: usize,
    pub step_id: String,
    pub statement: String,
    /// Steps done before the failure: they stay done.
    pub done: Vec<usize>,
    pub message: String,
}

/// Runs the Redis steps of `plan`.
pub async fn apply(
    conn: &mut Conn,
    plan: &Plan,
    declared: &Declared,
    timeout: Duration,
) -> Result<RedisApplyReport, RedisApplyError> {
    apply_observed(conn, plan, declared, timeout, &mut |_| {}).await
}

/// [`apply`], calling `done(i)` as soon as step `i` has run, so that what ran is said even if
/// the caller is stopped before the end.
pub async fn apply_observed(
    conn: &mut Conn,
    plan: &Plan,
    declared: &Declared,
    timeout: Duration,
    done: &mut (dyn FnMut(usize) + Send),
) -> Result<RedisApplyReport, RedisApplyError> {
    let started = Instant::now();
    let ids = plan.step_ids();
    let mut report = RedisApplyReport::default();
    for (i, step) in plan
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.store == Store::Redis)
    {
        for statement in &step.statements {
            let fail = |message: String, done: &[usize]| RedisApplyError {
                step: i,
                step_id: ids[i].clone(),
                statement: statement.clone(),
                done: done.to_vec(),
                message,
            };
            let args = parse(statement)
                .map_err(|e| fail(format!("cannot read the command: {e}"), &report.executed))?;
            let text: Vec<String> = args
                .iter()
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect();
            let result = match text.first().map(String::as_str) {
                Some("@expire-family") => expire_family(conn, declared, &text, timeout)
                    .await
                    .map(|n| report.notes.push(n)),
                Some("@unlink-unknown") => unlink_unknown(conn, declared, &text, timeout)
                    .await
                    .map(|n| report.notes.push(n)),
                Some("@wait-indexed") => {
                    wait_indexed(conn, text.get(1).map_or("", String::as_str)).await
                }
                Some(_) => {
                    let mut cmd = redis::cmd(&text[0]);
                    for a in &args[1..] {
                        cmd.arg(a.as_slice());
                    }
                    cmd.query_async::<Value>(&mut conn.con)
                        .await
                        .map(|_| ())
                        .map_err(|e| e.to_string())
                }
                None => Ok(()),
            };
            result.map_err(|m| fail(m, &report.executed))?;
        }
        report.executed.push(i);
        done(i);
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

fn family<'a>(
    declared: &'a Declared,
    db: u32,
    name: &str,
    pattern: &str,
) -> Result<(&'a [Family], usize), String> {
    let decl = declared
        .databases
        .get(&db)
        .ok_or_else(|| format!("database {db} is no longer declared; make the plan again"))?;
    let i = decl
        .families
        .iter()
        .position(|f| f.name == name && f.pattern.source() == pattern)
        .ok_or_else(|| format!("family {name} with pattern {pattern} is no longer declared in database {db}; make the plan again"))?;
    Ok((&decl.families, i))
}

fn arg<T: std::str::FromStr>(args: &[String], i: usize, what: &str) -> Result<T, String> {
    args.get(i)
        .and_then(|a| a.parse().ok())
        .ok_or_else(|| format!("missing or bad {what}"))
}

async fn expire_family(
    conn: &mut Conn,
    declared: &Declared,
    args: &[String],
    timeout: Duration,
) -> Result<String, String> {
    let db: u32 = arg(args, 1, "database")?;
    let name = args.get(2).ok_or("missing family")?;
    let pattern = args.get(3).ok_or("missing pattern")?;
    let secs: u64 = arg(args, 4, "seconds")?;
    let mode = args.get(5).map(String::as_str).ok_or("missing NX or LT")?;
    if !matches!(mode, "NX" | "LT") {
        return Err(format!("`{mode}` is neither NX nor LT"));
    }
    let (families, idx) = family(declared, db, name, pattern)?;
    let f = &families[idx];
    let classifier = Classifier::new(families.iter().map(|f| f.pattern.clone()).collect());
    let mut c = conn.on_db(db, timeout).await.map_err(|e| e.to_string())?;
    let limits = &declared.sampling;
    let mut bucket = Bucket::new(limits.max_cmds_per_sec, (limits.scan_count * 3).max(1));
    let glob = f.pattern.scan_glob();
    let (mut cursor, mut changed, mut examined) = (0u64, 0u64, 0u64);
    loop {
        bucket.take(1).await;
        let (next, keys) = scan(&mut c, cursor, limits.scan_count, Some(&glob))
            .await
            .map_err(|e| e.to_string())?;
        let mine: Vec<Vec<u8>> = keys
            .into_iter()
            .filter(|k| classifier.classify(k) == Some(idx))
            .collect();
        for batch in mine.chunks(100) {
            bucket
                .take(u32::try_from(batch.len()).unwrap_or(u32::MAX))
                .await;
            let mut p = redis::pipe();
            for k in batch {
                p.cmd("EXPIRE").arg(k).arg(secs).arg(mode);
            }
            let set: Vec<i64> = p
                .query_async(&mut c.con)
                .await
                .map_err(|e: redis::RedisError| e.to_string())?;
            examined += batch.len() as u64;
            changed += set.iter().filter(|&&r| r == 1).count() as u64;
        }
        cursor = next;
        if cursor == 0 {
            break;
        }
    }
    Ok(match mode {
        "NX" => format!("db{db}/{name}: {changed} of {examined} keys given a TTL of {secs} s"),
        _ => format!("db{db}/{name}: {changed} of {examined} keys had their TTL cut to {secs} s"),
    })
}

async fn unlink_unknown(
    conn: &mut Conn,
    declared: &Declared,
    args: &[String],
    timeout: Duration,
) -> Result<String, String> {
    let db: u32 = arg(args, 1, "database")?;
    let max: u64 = arg(args, 2, "maximum")?;
    let globs = &args[3.min(args.len())..];
    let decl = declared
        .databases
        .get(&db)
        .ok_or_else(|| format!("database {db} is no longer declared; make the plan again"))?;
    let classifier = Classifier::new(decl.families.iter().map(|f| f.pattern.clone()).collect());
    let mut c = conn.on_db(db, timeout).await.map_err(|e| e.to_string())?;
    let limits = &declared.sampling;
    let mut bucket = Bucket::new(limits.max_cmds_per_sec, (limits.scan_count * 3).max(1));
    let mut deleted = 0u64;
    'globs: for glob in globs {
        let mut cursor = 0u64;
        loop {
            bucket.take(1).await;
            let (next, keys) = scan(&mut c, cursor, limits.scan_count, Some(glob))
                .await
                .map_err(|e| e.to_string())?;
            for k in keys
                .into_iter()
                .filter(|k| classifier.classify(k).is_none())
            {
                if deleted >= max {
                    break 'globs;
                }
                bucket.take(1).await;
                let n: i64 = redis::cmd("UNLINK")
                    .arg(&k)
                    .query_async(&mut c.con)
                    .await
                    .map_err(|e: redis::RedisError| e.to_string())?;
                deleted += u64::try_from(n).unwrap_or(0);
            }
            cursor = next;
            if cursor == 0 {
                break;
            }
        }
    }
    Ok(format!(
        "db{db}: {deleted} unknown keys deleted (at most {max})"
    ))
}

/// Polls `FT.INFO` until the index has finished indexing (10 minutes at most).
async fn wait_indexed(conn: &mut Conn, index: &str) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let v: Value = redis::cmd("FT.INFO")
            .arg(index)
            .query_async(&mut conn.con)
            .await
            .map_err(|e: redis::RedisError| e.to_string())?;
        let live = search::parse_ft_info(&v)?;
        let done = live.indexing != Some(true) && live.percent_indexed.is_none_or(|p| p >= 1.0);
        if done {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(format!("index {index} was still indexing after 10 minutes"));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

impl From<RedisError> for String {
    fn from(e: RedisError) -> String {
        e.to_string()
    }
}
