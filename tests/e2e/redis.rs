//! Redis as a declared store, against `redis-server` processes started here on free loopback
//! ports: config drift and repair (runtime-only without a config file, persisted with one),
//! unverifiable items on a server that refuses CONFIG, ACL users, the key-family sampler on
//! 200,000 keys, and search indexes with the RediSearch module.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Output;
use std::time::{Duration, Instant};

use differ::redis::model::Declared;
use differ::redis::{self as store};
use seadiff_tests::{RedisOptions, RedisServer};

use crate::{assert_exit, seadiff_with, stderr, stdout};

/// A `schema.yaml` holding `section` under `redis:`, in a temp dir that lives as long as the
/// returned guard.
fn config(section: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("schema.yaml");
    let indented: String = section.lines().map(|l| format!("  {l}\n")).collect();
    std::fs::write(&path, format!("version: 1\nredis:\n{indented}")).expect("write schema.yaml");
    let p = path.to_str().expect("utf-8").to_owned();
    (dir, p)
}

fn run(cfg: &str, server: &RedisServer, args: &[&str]) -> Output {
    seadiff_with(
        &[
            "--config",
            cfg,
            "--redis-url",
            &server.url(0),
            "--only",
            "redis",
        ],
        args,
    )
}

#[test]
fn config_drift_is_repaired_and_flagged_runtime_only_without_a_config_file() {
    let server = RedisServer::start();
    let (_dir, cfg) = config(
        "config:
  maxmemory-policy: { value: ALLKEYS-LRU, apply: true }
  notify-keyspace-events: { value: Ex, apply: true }
  timeout: 0
  maxmemory: 1mb",
    );
    let plan = run(&cfg, &server, &["plan"]);
    assert_exit(&plan, 0);
    let text = stdout(&plan);
    assert!(
        text.contains("maxmemory-policy")
            && text.contains("\"noeviction\" → \"allkeys-lru\"")
            && text.contains("runtime-only"),
        "{text}"
    );
    assert!(
        text.contains("config maxmemory: \"0\", declared \"1mb\" (check only"),
        "{text}"
    );
    assert!(
        !text.contains("timeout"),
        "a matching parameter is not a change: {text}"
    );

    assert_exit(&run(&cfg, &server, &["drift"]), 1);
    let refused = run(&cfg, &server, &["apply", "--yes"]);
    assert_exit(&refused, 2);
    assert!(
        stderr(&refused).contains("--allow-hazard runtime-only"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        server
            .cli(&["CONFIG", "GET", "maxmemory-policy"])
            .lines()
            .nth(1),
        Some("noeviction")
    );

    let applied = run(
        &cfg,
        &server,
        &["apply", "--yes", "--allow-hazard", "runtime-only"],
    );
    assert_exit(&applied, 0);
    assert_eq!(
        server
            .cli(&["CONFIG", "GET", "maxmemory-policy"])
            .lines()
            .nth(1),
        Some("allkeys-lru")
    );
    assert_eq!(
        server
            .cli(&["CONFIG", "GET", "notify-keyspace-events"])
            .lines()
            .nth(1),
        Some("xE")
    );
    // What stays is the check-only difference, still drift.
    let drift = run(&cfg, &server, &["drift"]);
    assert_exit(&drift, 1);
    assert!(
        stdout(&drift).contains("maxmemory") && !stdout(&drift).contains("maxmemory-policy"),
        "{}",
        stdout(&drift)
    );

    // By hand, someone puts the policy back: named, then repaired again.
    server.cli(&["CONFIG", "SET", "maxmemory-policy", "noeviction"]);
    let drift = run(&cfg, &server, &["drift", "--format", "json"]);
    assert_exit(&drift, 1);
    assert!(
        stdout(&drift).contains("maxmemory-policy"),
        "{}",
        stdout(&drift)
    );
}

#[test]
fn with_a_config_file_changes_are_persisted() {
    let server = RedisServer::start_with(RedisOptions {
        config_file: Some("maxmemory-policy noeviction".into()),
        ..RedisOptions::default()
    });
    let (_dir, cfg) = config("config:\n  maxmemory-policy: { value: allkeys-lfu, apply: true }");
    let plan = run(&cfg, &server, &["plan", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&plan)).expect("JSON");
    let kinds: Vec<&str> = doc["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["set-config", "persist-config"], "{doc:#}");
    assert!(
        doc["steps"][0]["hazards"]
            .as_array()
            .is_some_and(Vec::is_empty),
        "no runtime-only hazard with a config file: {doc:#}"
    );
    assert_exit(&run(&cfg, &server, &["apply", "--yes"]), 0);
    let file = std::fs::read_to_string(server.dir().join("redis.conf")).expect("redis.conf");
    assert!(file.contains("maxmemory-policy allkeys-lfu"), "{file}");
    assert_exit(&run(&cfg, &server, &["drift"]), 0);
}

#[test]
fn a_server_refusing_config_is_unverifiable_not_in_sync() {
    let server = RedisServer::start_with(RedisOptions {
        config_file: Some("rename-command CONFIG \"\"".into()),
        ..RedisOptions::default()
    });
    let (_dir, cfg) = config(
        "config:
  maxmemory-policy: noeviction
  notify-keyspace-events: { value: Ex, apply: true }",
    );
    let drift = run(&cfg, &server, &["drift"]);
    assert_exit(&drift, 0);
    let text = stdout(&drift);
    assert!(
        text.contains("unverifiable") && text.contains("notify-keyspace-events: CONFIG is refused"),
        "{text}"
    );
    assert!(
        !text.contains("maxmemory-policy"),
        "read from INFO instead: {text}"
    );
    assert!(
        !text.contains("in sync"),
        "never in sync by silence: {text}"
    );
    assert_exit(&run(&cfg, &server, &["drift", "--strict"]), 1);
    assert_exit(&run(&cfg, &server, &["plan", "--exit-code", "--strict"]), 1);
    assert_exit(&run(&cfg, &server, &["plan", "--exit-code"]), 0);
}

/// SHA-256 of "s3cret", as `ACL GETUSER` prints it.
const S3CRET: &str = "4b3b2ae0f20a2bf2e0c8bd2ebb4a0c5eec46f5d7bd2dd2e0c1e6a83c2dd0f3b1";

#[test]
fn acl_users_are_created_checked_and_repaired() {
    let server = RedisServer::start();
    let hash = sha256_of(&server, "s3cret");
    let (_dir, cfg) = config(&format!(
        "acl:
  users:
    app: {{ password_sha256: [\"{hash}\"], keys: [\"~app:*\"], channels: [\"&app:*\"], commands: [\"+@read\", \"+@write\", \"-@dangerous\"], apply: true }}
    default: {{ nopass: true, keys: [\"~*\"], channels: [\"&*\"], commands: [\"+@read\"], apply: true }}"
    ));
    let plan = run(&cfg, &server, &["plan"]);
    let text = stdout(&plan);
    assert!(text.contains("+ acl-user  app"), "{text}");
    // seadiff connects as `default`: it reports its drift but never changes it.
    assert!(
        text.contains("ACL user default") && text.contains("never changes"),
        "{text}"
    );
    assert_exit(
        &run(
            &cfg,
            &server,
            &["apply", "--yes", "--allow-hazard", "runtime-only"],
        ),
        0,
    );
    let user = server.cli(&["ACL", "GETUSER", "app"]);
    assert!(user.contains(&hash) && user.contains("~app:*"), "{user}");
    let text = stdout(&run(&cfg, &server, &["drift"]));
    assert!(
        !text.contains("ACL user app"),
        "created as declared, so in sync: {text}"
    );

    server.cli(&["ACL", "SETUSER", "app", "+flushall", "~other:*"]);
    let drift = run(&cfg, &server, &["drift"]);
    assert_exit(&drift, 1);
    let text = stdout(&drift);
    assert!(
        text.contains("acl-user  app") && text.contains("keys ~app:* ~other:* → ~app:*"),
        "{text}"
    );
    assert_exit(
        &run(
            &cfg,
            &server,
            &["apply", "--yes", "--allow-hazard", "runtime-only"],
        ),
        0,
    );
    let user = server.cli(&["ACL", "DRYRUN", "app", "FLUSHALL"]);
    assert!(
        user.contains("no permissions"),
        "the hand-added right is gone: {user}"
    );
    assert!(!stdout(&run(&cfg, &server, &["drift"])).contains("ACL user app"));
    let _ = S3CRET;
}

/// The SHA-256 of `password`, computed by the server (an ACL user with that password).
fn sha256_of(server: &RedisServer, password: &str) -> String {
    server.cli(&["ACL", "SETUSER", "__hash", &format!(">{password}")]);
    let out = server.cli(&["ACL", "GETUSER", "__hash"]);
    server.cli(&["ACL", "DELUSER", "__hash"]);
    out.lines()
        .find(|l| l.len() == 64 && l.chars().all(|c| c.is_ascii_hexdigit()))
        .expect("a hash")
        .to_owned()
}

// ---- the sampler on 200,000 keys ----

const FAMILIES: &str = "databases:
  0:
    families:
      - { name: sessions, pattern: \"session:{uuid}\", type: hash, ttl: { required: true, max: 7d }, on_missing_ttl: { expire: 7d } }
      - { name: cache, pattern: \"cache:{*}\", type: string, ttl: { required: true, max: 1h } }
    unknown_keys: report";

fn declared(section: &str, server: &RedisServer) -> Declared {
    let (_dir, cfg) = config(section);
    let text = std::fs::read_to_string(&cfg).expect("read");
    let c = differ::model::config::Config::parse(&text).expect("schema.yaml");
    store::declare::declare(
        c.redis.as_ref().expect("redis"),
        &|_| None,
        Some(&server.url(0)),
    )
    .expect("declaration")
}

/// 100,000 sessions (1,000 without a TTL, 500 of the wrong type), 80,000 cache entries
/// (1,600 with a TTL over the limit) and 20,000 keys of a prefix no family declares.
async fn load(server: &RedisServer) -> BTreeMap<&'static str, u64> {
    let mut con = server.connect(0).await;
    let uuid = |i: u64| format!("{:08x}-0000-4000-8000-{:012x}", i, i * 7919);
    let mut commands: Vec<redis::Cmd> = Vec::with_capacity(300_000);
    for i in 0..100_000u64 {
        let key = format!("session:{}", uuid(i));
        if i % 200 == 1 {
            commands.push(
                redis::cmd("SET")
                    .arg(&key)
                    .arg("x")
                    .arg("EX")
                    .arg(3600)
                    .clone(),
            );
        } else {
            commands.push(redis::cmd("HSET").arg(&key).arg("user").arg(i).clone());
            if i % 100 != 0 {
                commands.push(redis::cmd("EXPIRE").arg(&key).arg(86_400).clone());
            }
        }
    }
    for i in 0..80_000u64 {
        let ttl = if i % 50 == 0 { 7200 } else { 600 };
        commands.push(
            redis::cmd("SET")
                .arg(format!("cache:page:{i}"))
                .arg("v")
                .arg("EX")
                .arg(ttl)
                .clone(),
        );
    }
    for i in 0..20_000u64 {
        commands.push(
            redis::cmd("SET")
                .arg(format!("legacy:{i}"))
                .arg("v")
                .clone(),
        );
    }
    for chunk in commands.chunks(5_000) {
        let mut p = redis::pipe();
        for c in chunk {
            p.add_command(c.clone()).ignore();
        }
        let _: () = p.query_async(&mut con).await.expect("load the dataset");
    }
    let size: u64 = redis::cmd("DBSIZE")
        .query_async(&mut con)
        .await
        .expect("DBSIZE");
    assert_eq!(size, 200_000);
    // Sessions whose number is 0 mod 100 have no TTL; those 1 mod 200 are strings.
    BTreeMap::from([
        ("missing-ttl", 1_000),
        ("wrong-type", 500),
        ("ttl-too-long", 1_600),
        ("unknown", 20_000),
    ])
}

#[tokio::test]
async fn the_sampler_finds_every_kind_of_violation_within_its_limits() {
    let server = RedisServer::start();
    let truth = load(&server).await;
    let mut d = declared(FAMILIES, &server);
    d.sampling.max_keys = 20_000;
    d.sampling.max_cmds_per_sec = 40_000;
    d.sampling.deadline = Duration::from_secs(30);
    let mut conn = store::connect(&server.url(0), Duration::from_secs(5))
        .await
        .expect("connect");
    let started = Instant::now();
    let s = store::sample::sample(&mut conn, &d.databases[&0], &d.sampling)
        .await
        .expect("sample");
    let elapsed = started.elapsed();

    assert_eq!(s.dbsize, 200_000);
    assert_eq!(s.sampled, 20_000, "{s:?}");
    assert_eq!(s.stopped.as_deref(), Some("max-keys"));
    // Within the rate limit (plus one burst) and the deadline.
    let burst = (d.sampling.scan_count * 3).max(d.sampling.max_cmds_per_sec / 10);
    let allowed = f64::from(d.sampling.max_cmds_per_sec) * elapsed.as_secs_f64() + f64::from(burst);
    assert!(
        (s.commands as f64) <= allowed * 1.05,
        "{} commands in {elapsed:?}",
        s.commands
    );
    assert!(elapsed < d.sampling.deadline);

    let found = |family: &str, kind: &str| {
        s.families
            .iter()
            .find(|f| f.name == family)
            .and_then(|f| f.violations.get(kind))
            .copied()
            .unwrap_or(0)
    };
    let checks = [
        ("sessions", "missing-ttl"),
        ("sessions", "wrong-type"),
        ("cache", "ttl-too-long"),
    ];
    for (family, kind) in checks {
        let hits = found(family, kind);
        assert!(hits > 0, "{family}/{kind} not found");
        within(&s.estimate(hits), truth[kind], &format!("{family}/{kind}"));
    }
    assert!(
        s.unknown > 0 && s.unknown_by_prefix.contains_key("legacy:"),
        "{:?}",
        s.unknown_by_prefix
    );
    within(&s.estimate(s.unknown), truth["unknown"], "unknown");
    // Key names never leave redacted.
    assert!(
        s.unknown_examples.iter().all(|e| e.contains("…#")),
        "{:?}",
        s.unknown_examples
    );
}

/// The truth lies within the stated 95% interval, widened by half (≈3 standard errors: the
/// sample order depends on the server's random hash seed, so a 95% interval alone would miss
/// one run in twenty).
fn within(e: &store::estimate::Estimate, truth: u64, what: &str) {
    let half = (e.high - e.low) / 2.0 * 1.5;
    let t = truth as f64;
    assert!(
        t >= e.point - half && t <= e.point + half,
        "{what}: truth {truth} outside {} (±{half:.0})",
        e.show()
    );
}

#[tokio::test]
async fn sampling_stops_at_its_deadline() {
    let server = RedisServer::start();
    load(&server).await;
    let mut d = declared(FAMILIES, &server);
    d.sampling.max_cmds_per_sec = 2_000;
    d.sampling.deadline = Duration::from_millis(500);
    let mut conn = store::connect(&server.url(0), Duration::from_secs(5))
        .await
        .expect("connect");
    let started = Instant::now();
    let s = store::sample::sample(&mut conn, &d.databases[&0], &d.sampling)
        .await
        .expect("sample");
    assert_eq!(s.stopped.as_deref(), Some("deadline"));
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    let bound = 750.0 + 2_000.0 * started.elapsed().as_secs_f64() + 1.0;
    assert!(
        (s.commands as f64) <= bound,
        "{} commands at 2,000/s with a burst of 750",
        s.commands
    );
}

#[tokio::test]
async fn ttl_repair_touches_only_the_declared_family() {
    let server = RedisServer::start();
    load(&server).await;
    let (_dir, cfg) = config(&format!(
        "{FAMILIES}\nsampling: {{ max_keys: 20000, max_cmds_per_sec: 100000 }}"
    ));
    let out = run(
        &cfg,
        &server,
        &["apply", "--yes", "--allow-hazard", "data-loss"],
    );
    assert_exit(&out, 0);
    assert!(
        stderr(&out).contains("db0/sessions: 1000 of 100000 keys given a TTL"),
        "{}",
        stderr(&out)
    );
    let mut con = server.connect(0).await;
    let count_no_ttl = |prefix: &'static str, n: u64| {
        let mut p = redis::pipe();
        for i in 0..n {
            p.cmd("TTL").arg(format!("{prefix}{i}"));
        }
        p
    };
    let legacy: Vec<i64> = count_no_ttl("legacy:", 20_000)
        .query_async(&mut con)
        .await
        .expect("TTLs");
    assert!(
        legacy.iter().all(|t| *t == -1),
        "keys of no family keep no TTL"
    );
    let cache: Vec<i64> = count_no_ttl("cache:page:", 80_000)
        .query_async(&mut con)
        .await
        .expect("TTLs");
    assert_eq!(
        cache.iter().filter(|t| **t > 3600).count(),
        1_600,
        "over-long cache TTLs were not declared for repair"
    );
    // Every session now expires: the drift left is the wrong types, long cache TTLs and
    // unknown keys, which apply only reports.
    let drift = run(&cfg, &server, &["drift"]);
    assert_exit(&drift, 1);
    let text = stdout(&drift);
    assert!(!text.contains("have no TTL"), "{text}");
    assert!(text.contains("are not of type hash"), "{text}");
}

// ---- search indexes (RediSearch 1.2, the module Debian ships) ----

fn redisearch() -> PathBuf {
    let path = std::env::var_os("SEADIFF_REDISEARCH_SO").map(PathBuf::from).unwrap_or_else(|| {
        panic!("SEADIFF_REDISEARCH_SO is not set: run the tests with scripts/test, which fetches the RediSearch module (apt-get download redis-redisearch), or point it at redisearch.so")
    });
    assert!(
        path.exists(),
        "SEADIFF_REDISEARCH_SO={} does not exist",
        path.display()
    );
    path
}

#[test]
fn search_indexes_are_created_extended_and_checked() {
    let server = RedisServer::start_with(RedisOptions {
        module: Some(redisearch()),
        ..RedisOptions::default()
    });
    let index = |fields: &str| format!("search:\n  indexes:\n    docs:\n      fields: [{fields}]");
    let (_d1, cfg) = config(&index(
        "{ name: title, type: text, weight: 2.0 }, { name: tag, type: tag }",
    ));
    let plan = stdout(&run(&cfg, &server, &["plan", "--format", "sql"]));
    assert!(
        plan.contains("-- redis> FT.CREATE docs SCHEMA title TEXT WEIGHT 2 tag TAG"),
        "{plan}"
    );
    assert_exit(&run(&cfg, &server, &["apply", "--yes"]), 0);
    assert_exit(&run(&cfg, &server, &["drift"]), 0);

    let (_d2, cfg) = config(&index(
        "{ name: title, type: text, weight: 2.0 }, { name: tag, type: tag }, { name: n, type: numeric, sortable: true }",
    ));
    let plan = stdout(&run(&cfg, &server, &["plan"]));
    assert!(
        plan.contains("search-index  docs") && plan.contains("irreversible"),
        "{plan}"
    );
    assert_exit(
        &run(
            &cfg,
            &server,
            &[
                "apply",
                "--yes",
                "--allow-hazard",
                "index-build",
                "--allow-hazard",
                "irreversible",
            ],
        ),
        0,
    );
    assert_exit(&run(&cfg, &server, &["drift"]), 0);
    assert!(server.cli(&["FT.INFO", "docs"]).contains("NUMERIC"));
}

#[test]
fn without_the_module_search_is_unverifiable() {
    let server = RedisServer::start();
    let (_dir, cfg) =
        config("search:\n  indexes:\n    docs:\n      fields: [{ name: title, type: text }]");
    let drift = run(&cfg, &server, &["drift"]);
    assert_exit(&drift, 0);
    assert!(
        stdout(&drift).contains("search indexes: the server has no search module"),
        "{}",
        stdout(&drift)
    );
    assert_exit(&run(&cfg, &server, &["drift", "--strict"]), 1);
}
