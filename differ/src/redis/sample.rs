//! The key-family sampler: one SCAN pass per logical database, classified client-side
//! (`MATCH` does not reduce the server's work, so one pass serves every family), with
//! pipelined `TYPE`/`PTTL` and, for families with a size limit, an O(1) length check. It is
//! rate-limited (a token bucket over commands per second) and bounded by a key count and a
//! deadline; Redis runs commands one at a time, so every command is a stall for everyone else.
//! Findings are counts over the keys seen, turned into population estimates by `estimate`.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use redis::Value;

use super::model::{DbDecl, DbSample, Family, FamilyStats, Sampling, TtlRule};
use super::pattern::{Classifier, prefix_of, redact};
use super::{Conn, RedisError};

/// Spends at most `rate` commands per second, in bursts of up to `burst`.
#[derive(Debug)]
pub struct Bucket {
    rate: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl Bucket {
    pub fn new(rate: u32, burst: u32) -> Bucket {
        let rate = f64::from(rate.max(1));
        let burst = f64::from(burst.max(1));
        Bucket {
            rate,
            burst,
            tokens: burst,
            last: Instant::now(),
        }
    }

    /// Waits until `n` commands may be sent, then spends them.
    pub async fn take(&mut self, n: u32) {
        let n = f64::from(n).min(self.burst);
        loop {
            let now = Instant::now();
            self.tokens = (self.tokens + now.duration_since(self.last).as_secs_f64() * self.rate)
                .min(self.burst);
            self.last = now;
            if self.tokens >= n {
                self.tokens -= n;
                return;
            }
            let wait = (n - self.tokens) / self.rate;
            tokio::time::sleep(Duration::from_secs_f64(wait)).await;
        }
    }
}

/// One SCAN call: the next cursor and the keys.
pub async fn scan(
    conn: &mut Conn,
    cursor: u64,
    count: u32,
    pattern: Option<&str>,
) -> Result<(u64, Vec<Vec<u8>>), RedisError> {
    let mut cmd = redis::cmd("SCAN");
    cmd.arg(cursor);
    if let Some(p) = pattern {
        cmd.arg("MATCH").arg(p);
    }
    cmd.arg("COUNT").arg(count);
    cmd.query_async(&mut conn.con)
        .await
        .map_err(|source| RedisError::Command {
            what: "SCAN the keyspace".to_owned(),
            source,
        })
}

/// TYPE and PTTL of each key, in one pipeline.
pub async fn types_and_ttls(
    conn: &mut Conn,
    keys: &[Vec<u8>],
) -> Result<Vec<(String, i64)>, RedisError> {
    let mut p = redis::pipe();
    for k in keys {
        p.cmd("TYPE").arg(k).cmd("PTTL").arg(k);
    }
    let flat: Vec<Value> =
        p.query_async(&mut conn.con)
            .await
            .map_err(|source| RedisError::Command {
                what: "read key types and TTLs".to_owned(),
                source,
            })?;
    Ok(flat
        .chunks(2)
        .map(|c| {
            let ty = c
                .first()
                .and_then(super::introspect::text)
                .unwrap_or_default();
            let ttl = match c.get(1) {
                Some(Value::Int(i)) => *i,
                _ => -2,
            };
            (ty, ttl)
        })
        .collect())
}

/// The O(1) length command for a type, if it has one.
fn length_command(ty: &str) -> Option<&'static str> {
    Some(match ty {
        "hash" => "HLEN",
        "list" => "LLEN",
        "set" => "SCARD",
        "zset" => "ZCARD",
        "stream" => "XLEN",
        "string" => "STRLEN",
        _ => return None,
    })
}

fn note(stats: &mut FamilyStats, kind: &str, key: &[u8]) {
    *stats.violations.entry(kind.to_owned()).or_default() += 1;
    let ex = stats.examples.entry(kind.to_owned()).or_default();
    if ex.len() < 5 {
        ex.push(redact(key));
    }
}

/// What a key's TYPE and PTTL say against its family.
fn judge(f: &Family, stats: &mut FamilyStats, key: &[u8], ty: &str, pttl: i64) {
    if ty != f.kind {
        stats.wrong_types.insert(ty.to_owned());
        note(stats, "wrong-type", key);
    }
    match (f.ttl, pttl) {
        (TtlRule::Required, -1) => note(stats, "missing-ttl", key),
        (TtlRule::Forbidden, t) if t >= 0 => note(stats, "ttl-forbidden", key),
        _ => {}
    }
    if let Some(max) = f.ttl_max
        && pttl > i64::try_from(max.saturating_mul(1000)).unwrap_or(i64::MAX)
    {
        note(stats, "ttl-too-long", key);
    }
}

/// Samples one logical database.
pub async fn sample(
    conn: &mut Conn,
    decl: &DbDecl,
    limits: &Sampling,
) -> Result<DbSample, RedisError> {
    let started = Instant::now();
    let deadline = started + limits.deadline;
    let classifier = Classifier::new(decl.families.iter().map(|f| f.pattern.clone()).collect());
    let mut out = DbSample {
        dbsize: conn.run::<u64>(&["DBSIZE"], "count keys").await?,
        families: decl
            .families
            .iter()
            .map(|f| FamilyStats {
                name: f.name.clone(),
                ..FamilyStats::default()
            })
            .collect(),
        ..DbSample::default()
    };
    out.commands = 1;
    let burst = (limits.scan_count * 3)
        .max(limits.max_cmds_per_sec / 10)
        .max(1);
    let mut bucket = Bucket::new(limits.max_cmds_per_sec, burst);
    let mut seen: HashSet<Vec<u8>> = HashSet::new();
    let mut cursor = 0u64;
    loop {
        if Instant::now() >= deadline {
            out.stopped = Some("deadline".to_owned());
            break;
        }
        if out.sampled >= limits.max_keys {
            out.stopped = Some("max-keys".to_owned());
            break;
        }
        bucket.take(1).await;
        let (next, keys) = scan(conn, cursor, limits.scan_count, None).await?;
        out.commands += 1;
        // SCAN may return a key twice; and stop at the key budget.
        let room = usize::try_from(limits.max_keys - out.sampled).unwrap_or(usize::MAX);
        let fresh: Vec<Vec<u8>> = keys
            .into_iter()
            .filter(|k| seen.insert(k.clone()))
            .take(room)
            .collect();
        for batch in fresh.chunks(100) {
            let n = u32::try_from(batch.len() * 2).unwrap_or(u32::MAX);
            bucket.take(n).await;
            let facts = types_and_ttls(conn, batch).await?;
            out.commands += u64::from(n);
            let mut sized: Vec<(usize, &[u8], &'static str)> = Vec::new();
            for (key, (ty, pttl)) in batch.iter().zip(&facts) {
                if *pttl == -2 || ty == "none" {
                    // Gone between SCAN and TYPE: not a finding.
                    continue;
                }
                out.sampled += 1;
                match classifier.classify(key) {
                    Some(i) => {
                        let f = &decl.families[i];
                        let stats = &mut out.families[i];
                        stats.seen += 1;
                        judge(f, stats, key, ty, *pttl);
                        if f.max_len.is_some()
                            && *ty == f.kind
                            && let Some(cmd) = length_command(ty)
                        {
                            sized.push((i, key, cmd));
                        }
                    }
                    None => {
                        out.unknown += 1;
                        *out.unknown_by_prefix.entry(prefix_of(key)).or_default() += 1;
                        if out.unknown_examples.len() < 10 {
                            out.unknown_examples.push(redact(key));
                        }
                    }
                }
            }
            if !sized.is_empty() {
                let n = u32::try_from(sized.len()).unwrap_or(u32::MAX);
                bucket.take(n).await;
                let mut p = redis::pipe();
                for (_, key, cmd) in &sized {
                    p.cmd(cmd).arg(*key);
                }
                let lens: Vec<u64> =
                    p.query_async(&mut conn.con)
                        .await
                        .map_err(|source| RedisError::Command {
                            what: "read key sizes".to_owned(),
                            source,
                        })?;
                out.commands += u64::from(n);
                for ((i, key, _), len) in sized.iter().zip(lens) {
                    if decl.families[*i].max_len.is_some_and(|m| len > m) {
                        note(&mut out.families[*i], "too-large", key);
                    }
                }
            }
        }
        cursor = next;
        if cursor == 0 {
            out.complete = true;
            break;
        }
    }
    out.elapsed = started.elapsed();
    Ok(out)
}
