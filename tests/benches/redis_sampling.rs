//! Sampling throughput on a 200,000-key database, and the slowest command the server ran
//! while being sampled (from SLOWLOG with a threshold of 0, so every command is logged).
//!
//! Run: `cargo bench -p seadiff-tests --bench redis_sampling` (needs `redis-server`; it starts
//! its own on a free loopback port).

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::time::{Duration, Instant};

use differ::redis as store;
use redis::Value;
use seadiff_tests::RedisServer;

const KEYS: u64 = 200_000;

fn declared(url: &str) -> store::model::Declared {
    let text = "version: 1
redis:
  databases:
    0:
      families:
        - { name: sessions, pattern: \"session:{uuid}\", type: hash, ttl: { required: true, max: 7d } }
        - { name: cache, pattern: \"cache:{*}\", type: string, ttl: { required: true, max: 1h } }
        - { name: feed, pattern: \"feed:{int}\", type: list, max_len: 1000 }
      unknown_keys: report
";
    let c = differ::model::config::Config::parse(text).expect("schema.yaml");
    store::declare::declare(c.redis.as_ref().expect("redis"), &|_| None, Some(url))
        .expect("declaration")
}

async fn load(con: &mut redis::aio::MultiplexedConnection) {
    let mut p = redis::pipe();
    for i in 0..KEYS {
        match i % 10 {
            0..=4 => {
                let key = format!("session:{:08x}-0000-4000-8000-{:012x}", i, i * 7919);
                p.cmd("HSET").arg(&key).arg("user").arg(i).ignore();
                if i % 97 != 0 {
                    p.cmd("EXPIRE").arg(&key).arg(86_400).ignore();
                }
            }
            5..=7 => {
                p.cmd("SET")
                    .arg(format!("cache:page:{i}"))
                    .arg("v")
                    .arg("EX")
                    .arg(if i % 53 == 0 { 7_200 } else { 600 })
                    .ignore();
            }
            8 => {
                p.cmd("RPUSH")
                    .arg(format!("feed:{i}"))
                    .arg("a")
                    .arg("b")
                    .ignore();
            }
            _ => {
                p.cmd("SET").arg(format!("legacy:{i}")).arg("v").ignore();
            }
        }
        if i % 5_000 == 4_999 {
            let _: () = p.query_async(con).await.expect("load");
            p = redis::pipe();
        }
    }
    if !KEYS.is_multiple_of(5_000) {
        let _: () = p.query_async(con).await.expect("load");
    }
}

/// The slowest entry in the SLOWLOG: (microseconds, command name, argument count). Key names
/// are not printed: they may be secrets.
async fn slowest(con: &mut redis::aio::MultiplexedConnection) -> Option<(i64, String, usize)> {
    let log: Vec<Value> = redis::cmd("SLOWLOG")
        .arg("GET")
        .arg(-1)
        .query_async(con)
        .await
        .expect("SLOWLOG GET");
    let mut best: Option<(i64, String, usize)> = None;
    for entry in log {
        let Value::Array(fields) = entry else {
            continue;
        };
        let (Some(Value::Int(micros)), Some(Value::Array(args))) = (fields.get(2), fields.get(3))
        else {
            continue;
        };
        let name = match args.first() {
            Some(Value::BulkString(b)) => String::from_utf8_lossy(b).to_uppercase(),
            _ => continue,
        };
        if name == "SLOWLOG" || name == "CONFIG" {
            continue;
        }
        if best.as_ref().is_none_or(|(m, _, _)| micros > m) {
            best = Some((*micros, name, args.len() - 1));
        }
    }
    best
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let server = RedisServer::start_with(seadiff_tests::RedisOptions {
        args: vec!["--slowlog-max-len".into(), "1000000".into()],
        ..Default::default()
    });
    // SLOWLOG GET of every command sampled is a large reply: no response timeout here.
    let mut admin = redis::Client::open(server.url(0))
        .expect("url")
        .get_multiplexed_async_connection_with_config(
            &redis::AsyncConnectionConfig::new()
                .set_response_timeout(Some(Duration::from_secs(120))),
        )
        .await
        .expect("connect");
    let started = Instant::now();
    load(&mut admin).await;
    println!(
        "loaded {KEYS} keys (sessions, cache, feeds, unknown) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    println!();
    println!(
        "{:>14} {:>10} {:>9} {:>10} {:>12} {:>10}  slowest server-side command while sampling",
        "rate limit/s", "keys", "commands", "elapsed", "keys/s", "cmds/s"
    );
    for (rate, max_keys) in [
        (20_000u32, 50_000u64),
        (100_000, 200_000),
        (1_000_000, 200_000),
    ] {
        let mut d = declared(&server.url(0));
        d.sampling.max_cmds_per_sec = rate;
        d.sampling.max_keys = max_keys;
        d.sampling.deadline = Duration::from_secs(120);
        let _: () = redis::cmd("CONFIG")
            .arg("SET")
            .arg("slowlog-log-slower-than")
            .arg(0)
            .query_async(&mut admin)
            .await
            .expect("CONFIG SET");
        let _: () = redis::cmd("SLOWLOG")
            .arg("RESET")
            .query_async(&mut admin)
            .await
            .expect("SLOWLOG RESET");
        let mut conn = store::connect(&server.url(0), Duration::from_secs(5))
            .await
            .expect("connect");
        let t = Instant::now();
        let s = store::sample::sample(&mut conn, &d.databases[&0], &d.sampling)
            .await
            .expect("sample");
        let elapsed = t.elapsed().as_secs_f64();
        let _: () = redis::cmd("CONFIG")
            .arg("SET")
            .arg("slowlog-log-slower-than")
            .arg(10_000)
            .query_async(&mut admin)
            .await
            .expect("CONFIG SET");
        let slow = slowest(&mut admin)
            .await
            .map_or("(none logged)".to_owned(), |(us, name, n)| {
                format!("{us} µs  {name} ({n} args)")
            });
        println!(
            "{:>14} {:>10} {:>9} {:>9.2}s {:>12.0} {:>10.0}  {slow}",
            rate,
            s.sampled,
            s.commands,
            elapsed,
            s.sampled as f64 / elapsed,
            s.commands as f64 / elapsed,
        );
    }
}
