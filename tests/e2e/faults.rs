//! Faults during apply: the `seadiff` process killed (SIGKILL) and its backend terminated
//! (`pg_terminate_backend`) at random points of an apply, over many trials.
//!
//! - A transactional apply (one group of ~15 steps rewriting, validating and indexing a table
//!   with rows, plus new tables, types and keys): after every fault the catalog is exactly the
//!   old state or exactly the new one, what the tool said matches which, and a rerun
//!   converges (the plan after it is empty).
//! - An apply of non-transactional steps (concurrent index builds on a table with rows, each
//!   outside a transaction): the tool says which steps are done as each one completes, every
//!   step it called done is in the catalog, and the next plan holds exactly what is left.
//! - Redis commands (never transactional): the same, with the key operations of a TTL repair
//!   slowed by the rate limit.
//!
//! Trials per test: `SEADIFF_FAULT_TRIALS` (default 20); the random
//! seed is printed and can be set with `SEADIFF_FAULT_SEED`.

// The seed, the trial counts and the outcomes are reported for the closing notes.
#![allow(clippy::print_stderr)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use differ::model::pg::Catalog;
use differ::postgres::{self, Scope};
use seadiff_tests::{RedisServer, TestDb, admin_url, url_for};
use sqlx::{AssertSqlSafe, Connection, PgConnection, Row};

/// The state before: a table with rows and a small one beside it.
const OLD: &str = "
CREATE TABLE big (id bigint PRIMARY KEY, a int NOT NULL, b text, c int, note varchar(20));
INSERT INTO big SELECT g, g % 1000, md5(g::text), g, 'n' || g % 7 FROM generate_series(1, 60000) g;
CREATE TABLE side (id int PRIMARY KEY, name text);
INSERT INTO side SELECT g, 's' || g FROM generate_series(1, 2000) g;
CREATE TABLE gone (id int PRIMARY KEY);
";

/// The state after: the big table retyped (rewrites), constrained (scans) and indexed
/// (builds), new types, tables and keys. With `--no-online` every step is transactional.
const NEW: &str = "
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE big (
    id bigint PRIMARY KEY,
    a bigint NOT NULL CHECK (a >= 0),
    b text NOT NULL,
    c text,
    note text,
    m mood
);
CREATE INDEX big_a ON big (a);
CREATE INDEX big_b ON big (b);
CREATE INDEX big_ab ON big (a, b);
CREATE UNIQUE INDEX big_c ON big (c);
CREATE TABLE side (id int PRIMARY KEY, name text NOT NULL, big_id bigint REFERENCES big (id));
CREATE INDEX side_name ON side (name);
CREATE TABLE audit (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), what text);
CREATE TABLE tags (id int PRIMARY KEY, label text UNIQUE, m mood);
";

/// Online: concurrent index builds on a table with rows, each outside a transaction, and a
/// table created in a transaction.
const ONLINE_NEW: &str = "
CREATE TABLE big (id bigint PRIMARY KEY, a int NOT NULL, b text, c int, note varchar(20));
CREATE INDEX big_a ON big (a);
CREATE INDEX big_b ON big (b);
CREATE INDEX big_c ON big (c);
CREATE INDEX big_ab ON big (a, b);
CREATE INDEX big_note ON big (note, a);
CREATE TABLE side (id int PRIMARY KEY, name text);
CREATE INDEX side_name ON side (name);
CREATE TABLE gone (id int PRIMARY KEY);
CREATE TABLE audit (id int PRIMARY KEY, what text);
";

pub(crate) fn trials(default: usize) -> usize {
    std::env::var("SEADIFF_FAULT_TRIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A small xorshift generator: trials are random, yet reproducible from the printed seed.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(test: &str) -> Rng {
        let seed = std::env::var("SEADIFF_FAULT_SEED")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(1, |d| d.as_nanos() as u64)
            })
            | 1;
        eprintln!("{test}: SEADIFF_FAULT_SEED={seed}");
        Rng(seed)
    }

    pub(crate) fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// Uniform in `[0, d)`.
    pub(crate) fn below(&mut self, d: Duration) -> Duration {
        let ms = d.as_millis().max(1) as u64;
        Duration::from_millis(self.next() % ms)
    }
}

/// The `seadiff` binary, environment cleared of store URLs, stdin empty.
pub(crate) fn command() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_seadiff"));
    c.env_remove("DATABASE_URL")
        .env_remove("REDIS_URL")
        .env_remove("VESPA_CONFIG_URL")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    c
}

/// A running `seadiff` whose output goes to files (a killed process leaves them as they were).
pub(crate) struct Running {
    child: Child,
    out: PathBuf,
    err: PathBuf,
    started: Instant,
}

impl Running {
    pub(crate) fn spawn(mut cmd: Command, dir: &Path, name: &str) -> Running {
        let out = dir.join(format!("{name}.out"));
        let err = dir.join(format!("{name}.err"));
        let child = cmd
            .stdout(std::fs::File::create(&out).expect("stdout file"))
            .stderr(std::fs::File::create(&err).expect("stderr file"))
            .spawn()
            .expect("run seadiff");
        Running {
            child,
            out,
            err,
            started: Instant::now(),
        }
    }

    /// SIGKILL; false when the process had already exited.
    pub(crate) fn kill(&mut self) -> bool {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return false;
        }
        self.child.kill().is_ok()
    }

    /// Waits (at most `limit`) and returns the exit code (`None`: killed by a signal), the
    /// elapsed time and stderr.
    pub(crate) fn wait(mut self, limit: Duration) -> (Option<i32>, Duration, String, String) {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for seadiff") {
                let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
                return (
                    status.code(),
                    self.started.elapsed(),
                    read(&self.out),
                    read(&self.err),
                );
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let err = std::fs::read_to_string(&self.err).unwrap_or_default();
                panic!("seadiff did not end within {limit:?}; stderr so far:\n{err}");
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// The catalog of a database, in the form two databases one plan apart compare equal.
pub(crate) async fn catalog(url: &str) -> Catalog {
    let mut c = postgres::connect(url, Duration::from_secs(10))
        .await
        .expect("connect");
    postgres::introspect(&mut c, &Scope::everything())
        .await
        .expect("introspect")
        .catalog
        .comparable()
}

/// Writes a snapshot of `url` that `seadiff diff --to FILE.json` reads.
pub(crate) async fn write_snapshot(url: &str, path: &Path) {
    let mut c = postgres::connect(url, Duration::from_secs(10))
        .await
        .expect("connect");
    let live = postgres::introspect(&mut c, &Scope::everything())
        .await
        .expect("introspect");
    let doc = serde_json::json!({
        "format_version": differ::postgres::source::SNAPSHOT_VERSION,
        "kind": "postgres-catalog",
        "server_version": live.server_version,
        "catalog": live.catalog,
    });
    std::fs::write(path, serde_json::to_vec_pretty(&doc).expect("json")).expect("write");
}

async fn admin() -> PgConnection {
    PgConnection::connect(&admin_url())
        .await
        .expect("admin connection")
}

async fn exec(conn: &mut PgConnection, sql: &str) {
    sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
        .execute(conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// A fresh copy of `template` named `name`; its URL.
async fn copy_of(template: &str, name: &str) -> String {
    let mut a = admin().await;
    exec(
        &mut a,
        &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
    )
    .await;
    exec(
        &mut a,
        &format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""),
    )
    .await;
    url_for(&admin_url(), name)
}

async fn drop_db(name: &str) {
    let mut a = admin().await;
    exec(
        &mut a,
        &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
    )
    .await;
}

/// seadiff's backends in database `db`: (pid, query, holds a transaction id); with `busy`,
/// only those not idle (an idle backend's `query` is the last one it ran, the `COMMIT`
/// ending the catalog read, say, not one running).
async fn backends(admin: &mut PgConnection, db: &str, busy: bool) -> Vec<(i32, String, bool)> {
    sqlx::query(
        "SELECT pid, coalesce(query, ''), backend_xid IS NOT NULL FROM pg_stat_activity \
         WHERE datname = $1 AND application_name = 'seadiff' AND (NOT $2 OR state <> 'idle')",
    )
    .bind(db)
    .bind(busy)
    .fetch_all(admin)
    .await
    .expect("pg_stat_activity")
    .iter()
    .map(|r| (r.get(0), r.get(1), r.get(2)))
    .collect()
}

/// Whether a backend is applying (not reading, probing or locking): it holds a transaction
/// id, or runs one of the apply's own statements.
fn applying(query: &str, xid: bool) -> bool {
    let q = query.trim_start();
    // An apply's COMMIT holds a transaction id; a bare COMMIT without one ends a read.
    xid || q == "BEGIN"
        || ["SET ", "CREATE ", "ALTER ", "DROP "]
            .iter()
            .any(|p| q.starts_with(p))
}

/// Waits until seadiff's backend in `db` starts applying; its pid, or `None` if the process
/// ended first.
async fn apply_started(admin: &mut PgConnection, db: &str, run: &mut Running) -> Option<i32> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some((pid, _, _)) = backends(admin, db, true)
            .await
            .into_iter()
            .find(|(_, q, x)| applying(q, *x))
        {
            return Some(pid);
        }
        if matches!(run.child.try_wait(), Ok(Some(_))) {
            return None;
        }
        assert!(
            Instant::now() < deadline,
            "seadiff did not start applying within a minute"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// Waits until no seadiff backend is left in `db` (after a SIGKILL the server finishes the
/// statement in flight before it notices).
async fn backends_gone(admin: &mut PgConnection, db: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !backends(admin, db, false).await.is_empty() {
        assert!(
            Instant::now() < deadline,
            "seadiff's backend in {db} outlived its process by a minute"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// `seadiff diff --from URL --to SNAPSHOT` plus `extra`.
fn diff(url: &str, snapshot: &Path, extra: &[&str]) -> Command {
    let mut c = command();
    c.args(["diff", "--from", url, "--to"])
        .arg(snapshot)
        .args(extra);
    c
}

fn apply_args(online: bool) -> Vec<&'static str> {
    let mut a = vec![
        "--apply",
        "--yes",
        "--allow-hazard",
        "all",
        "--lock-wait",
        "30",
    ];
    if !online {
        a.push("--no-online");
    }
    a
}

/// The plan from `url` to the snapshot, as JSON.
fn plan_json(url: &str, snapshot: &Path, online: bool) -> serde_json::Value {
    let mut args = vec!["--format", "json"];
    if !online {
        args.push("--no-online");
    }
    let out = diff(url, snapshot, &args).output().expect("seadiff diff");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("a JSON plan")
}

fn steps(plan: &serde_json::Value) -> Vec<serde_json::Value> {
    plan["steps"].as_array().cloned().unwrap_or_default()
}

/// Runs the apply to the end again and requires it to converge, then an empty plan.
fn rerun_converges(url: &str, snapshot: &Path, online: bool, dir: &Path, what: &str) {
    let (code, _, _, err) = Running::spawn(diff(url, snapshot, &apply_args(online)), dir, "rerun")
        .wait(Duration::from_secs(120));
    assert_eq!(code, Some(0), "{what}: the rerun failed:\n{err}");
    let again = plan_json(url, snapshot, online);
    assert!(
        steps(&again).is_empty(),
        "{what}: the plan after the rerun is not empty: {}",
        again["steps"]
    );
}

/// The fixture of the Postgres fault tests: the old state as a template database, the new
/// state as a snapshot, and both catalogs.
struct Fixture {
    template: TestDb,
    _new_db: TestDb,
    dir: tempfile::TempDir,
    snapshot: PathBuf,
    old: Catalog,
    new: Catalog,
    /// How long an undisturbed apply takes, from its first write to the process's end.
    apply_time: Duration,
    online: bool,
}

impl Fixture {
    async fn new(key: &str, new_sql: &str, online: bool) -> Fixture {
        let template = TestDb::new(&format!("{key}::template")).await;
        template.exec(OLD).await;
        let new_db = TestDb::new(&format!("{key}::new")).await;
        new_db.exec(new_sql).await;
        let dir = tempfile::tempdir().expect("tempdir");
        let snapshot = dir.path().join("new.json");
        write_snapshot(&new_db.url, &snapshot).await;
        let old = catalog(&template.url).await;
        // The new state is what a clean apply produces; it must also be what was declared.
        let name = format!("{}_calibrate", template.name);
        let url = copy_of(&template.name, &name).await;
        let mut admin = admin().await;
        let mut run = Running::spawn(
            diff(&url, &snapshot, &apply_args(online)),
            dir.path(),
            "calibrate",
        );
        apply_started(&mut admin, &name, &mut run)
            .await
            .expect("the calibration run applies");
        let t0 = Instant::now();
        let (code, _, _, err) = run.wait(Duration::from_secs(120));
        let apply_time = t0.elapsed();
        assert_eq!(code, Some(0), "the undisturbed apply fails:\n{err}");
        let new = catalog(&url).await;
        assert_ne!(old, new, "the plan changes nothing");
        assert!(steps(&plan_json(&url, &snapshot, online)).is_empty());
        drop_db(&name).await;
        Fixture {
            template,
            _new_db: new_db,
            dir,
            snapshot,
            old,
            new,
            apply_time,
            online,
        }
    }
}

/// How a fault trial ended, for the summary.
#[derive(Debug, Default)]
struct Tally {
    outcomes: BTreeMap<&'static str, usize>,
}

impl Tally {
    fn add(&mut self, what: &'static str) {
        *self.outcomes.entry(what).or_default() += 1;
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Blow {
    Kill,
    Terminate,
}

/// One trial: copy the old state, start the apply, strike at a random moment of it, then
/// judge the catalog and what the tool said, and converge.
async fn trial(fx: &Fixture, blow: Blow, n: usize, rng: &mut Rng, tally: &mut Tally) {
    let name = format!(
        "{}_{}{n}",
        fx.template.name,
        if blow == Blow::Kill { "k" } else { "t" }
    );
    let url = copy_of(&fx.template.name, &name).await;
    let mut admin = admin().await;
    let mut run = Running::spawn(
        diff(&url, &fx.snapshot, &apply_args(fx.online)),
        fx.dir.path(),
        &name,
    );
    let what = format!("trial {n} ({blow:?})");
    let Some(pid) = apply_started(&mut admin, &name, &mut run).await else {
        panic!("{what}: seadiff ended before it applied");
    };
    tokio::time::sleep(rng.below(fx.apply_time)).await;
    let struck = match blow {
        Blow::Kill => run.kill(),
        // Guarded by the database: a pid freed meanwhile may belong to another test now.
        Blow::Terminate => sqlx::query_scalar::<_, bool>(
            "SELECT coalesce(bool_or(pg_terminate_backend(pid)), false) FROM pg_stat_activity \
             WHERE pid = $1 AND datname = $2",
        )
        .bind(pid)
        .bind(&name)
        .fetch_one(&mut admin)
        .await
        .expect("pg_terminate_backend"),
    };
    let (code, _, _, err) = run.wait(Duration::from_secs(120));
    backends_gone(&mut admin, &name).await;
    let now = catalog(&url).await;
    let old = now == fx.old;
    let new = now == fx.new;
    assert!(
        old || new,
        "{what}: the catalog is neither the old nor the new state\n{}",
        first_difference(&now, &fx.new)
    );
    match blow {
        Blow::Kill => {
            if struck {
                assert_eq!(code, None, "{what}: a killed seadiff has no exit code");
                tally.add(if old {
                    "killed: old state"
                } else {
                    "killed: new state"
                });
            } else {
                assert_eq!(code, Some(0), "{what}:\n{err}");
                assert!(
                    new,
                    "{what}: seadiff finished, the state must be the new one"
                );
                tally.add("finished before the kill");
            }
        }
        Blow::Terminate => {
            if code == Some(0) {
                assert!(
                    new,
                    "{what}: seadiff succeeded, the state must be the new one"
                );
                tally.add("finished before the termination");
            } else {
                assert_eq!(code, Some(2), "{what}:\n{err}");
                assert!(struck, "{what}: seadiff failed on its own:\n{err}");
                // What it said must be what happened.
                if err.contains("nothing was changed") {
                    assert!(
                        old,
                        "{what}: said nothing changed, yet the state is new:\n{err}"
                    );
                    assert!(err.contains("apply failed at step"), "{what}:\n{err}");
                    tally.add("terminated: rolled back, said so");
                } else if err.contains("may or may not have been committed") {
                    tally.add(if old {
                        "terminated at COMMIT: old state"
                    } else {
                        "terminated at COMMIT: new state"
                    });
                } else if err.contains("applied ") {
                    assert!(new, "{what}: said applied, yet the state is old:\n{err}");
                    assert!(
                        err.contains("cannot read the schema of"),
                        "{what}: after the apply, only the convergence read can fail:\n{err}"
                    );
                    tally.add("terminated after the commit");
                } else {
                    panic!("{what}: the error does not say what happened:\n{err}");
                }
                assert!(
                    err.contains(&host_port(&url)),
                    "{what}: the error names no endpoint:\n{err}"
                );
            }
        }
    }
    rerun_converges(&url, &fx.snapshot, fx.online, fx.dir.path(), &what);
    assert_eq!(catalog(&url).await, fx.new, "{what}: after the rerun");
    drop_db(&name).await;
}

/// `host:port` of a Postgres URL, as errors show it.
fn host_port(url: &str) -> String {
    let u = url::Url::parse(url).expect("a URL");
    format!(
        "{}:{}",
        u.host_str().unwrap_or("localhost"),
        u.port().unwrap_or(5432)
    )
}

fn first_difference(a: &Catalog, b: &Catalog) -> String {
    let (a, b) = (
        serde_json::to_string_pretty(a).unwrap_or_default(),
        serde_json::to_string_pretty(b).unwrap_or_default(),
    );
    similar::TextDiff::from_lines(&a, &b)
        .unified_diff()
        .context_radius(3)
        .to_string()
        .lines()
        .take(60)
        .collect::<Vec<_>>()
        .join("\n")
}

async fn transactional(blow: Blow, key: &str) {
    let fx = Fixture::new(key, NEW, false).await;
    // One transaction: the fault can only land inside it or after it.
    let plan = plan_json(&fx.template.url, &fx.snapshot, false);
    let groups: BTreeSet<u64> = steps(&plan)
        .iter()
        .filter_map(|s| s["group"].as_u64())
        .collect();
    assert_eq!(groups.len(), 1, "expected one transaction group: {plan}");
    assert!(
        steps(&plan).iter().all(|s| s["transactional"] != false),
        "{plan}"
    );
    assert!(steps(&plan).len() >= 12, "{}", steps(&plan).len());
    let mut rng = Rng::new(key);
    let mut tally = Tally::default();
    let n = trials(20);
    for i in 0..n {
        trial(&fx, blow, i, &mut rng, &mut tally).await;
    }
    eprintln!(
        "{key}: {n} trials, apply takes {:?}: {:?}",
        fx.apply_time, tally.outcomes
    );
    // Most faults must land inside the transaction, or the test proves little.
    let inside: usize = tally
        .outcomes
        .iter()
        .filter(|(k, _)| k.contains("old state") || k.contains("rolled back"))
        .map(|(_, v)| v)
        .sum();
    assert!(
        inside * 2 >= n,
        "fewer than half the faults hit the open transaction: {:?}",
        tally.outcomes
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sigkill_during_a_transactional_apply_leaves_old_or_new_and_a_rerun_converges() {
    transactional(Blow::Kill, "faults::tx::kill").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn backend_terminated_during_a_transactional_apply_leaves_old_or_new_as_reported() {
    transactional(Blow::Terminate, "faults::tx::terminate").await;
}

/// `done pg-0003 …` lines: the ids of the steps the tool said were done.
pub(crate) fn done_steps(stderr: &str, prefix: &str) -> BTreeSet<String> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("done "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|id| id.starts_with(prefix))
        .map(str::to_owned)
        .collect()
}

/// Online DDL: every index build runs alone. Whatever the fault, the steps reported done are
/// in the catalog (valid indexes), and the next plan holds only what is left.
async fn non_transactional(blow: Blow, key: &str) {
    let fx = Fixture::new(key, ONLINE_NEW, true).await;
    let plan = plan_json(&fx.template.url, &fx.snapshot, true);
    let all = steps(&plan);
    let alone = all.iter().filter(|s| s["transactional"] == false).count();
    assert!(alone >= 5, "expected concurrent builds: {plan}");
    let ids: Vec<String> = all
        .iter()
        .map(|s| s["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    let object =
        |s: &serde_json::Value| s["object"]["name"].as_str().unwrap_or_default().to_owned();
    let mut rng = Rng::new(key);
    let mut tally = Tally::default();
    let n = trials(20);
    for i in 0..n {
        let name = format!(
            "{}_{}{i}",
            fx.template.name,
            if blow == Blow::Kill { "k" } else { "t" }
        );
        let url = copy_of(&fx.template.name, &name).await;
        let mut admin = admin().await;
        let mut run = Running::spawn(
            diff(&url, &fx.snapshot, &apply_args(true)),
            fx.dir.path(),
            &name,
        );
        let what = format!("trial {i} ({blow:?})");
        let pid = apply_started(&mut admin, &name, &mut run)
            .await
            .unwrap_or_else(|| panic!("{what}: seadiff ended before it applied"));
        tokio::time::sleep(rng.below(fx.apply_time)).await;
        match blow {
            Blow::Kill => {
                run.kill();
            }
            Blow::Terminate => {
                let _ = sqlx::query(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                     WHERE pid = $1 AND datname = $2",
                )
                .bind(pid)
                .bind(&name)
                .execute(&mut admin)
                .await;
            }
        }
        let (code, _, _, err) = run.wait(Duration::from_secs(120));
        backends_gone(&mut admin, &name).await;
        let done = done_steps(&err, "pg-");
        // Every step said done is there, for good.
        let c = catalog(&url).await;
        for id in &done {
            let i = ids.iter().position(|x| x == id).expect("a known step id");
            let s = &all[i];
            assert!(
                s["kind"] != "create-index" || index_valid(&c, &object(s)),
                "{what}: {id} was reported done, but {} is not a valid index\n{err}",
                object(s)
            );
        }
        if blow == Blow::Terminate && code == Some(2) {
            // The tool, alive, lists exactly what was committed before the failing step.
            if let Some(line) = err
                .lines()
                .find(|l| l.contains("already committed before it:"))
            {
                let listed: BTreeSet<String> = line
                    .split("already committed before it:")
                    .nth(1)
                    .unwrap_or_default()
                    .split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect();
                assert_eq!(
                    listed, done,
                    "{what}: the failure and the progress lines disagree:\n{err}"
                );
            } else if err.contains("apply failed at step") {
                assert!(
                    done.is_empty(),
                    "{what}: steps were reported done, but the failure lists none:\n{err}"
                );
                assert!(
                    err.contains("no earlier step had been committed")
                        || err.contains("nothing was changed"),
                    "{what}:\n{err}"
                );
            } else {
                // Terminated after the apply, while reading the result.
                assert_eq!(done.len(), ids.len(), "{what}:\n{err}");
            }
        }
        // The next plan finishes the job: nothing that was done is planned again.
        let next = plan_json(&url, &fx.snapshot, true);
        let next_objects: BTreeSet<String> = steps(&next).iter().map(object).collect();
        for id in &done {
            let i = ids.iter().position(|x| x == id).expect("a known step id");
            assert!(
                !next_objects.contains(&object(&all[i])),
                "{what}: {id} ({}) was done, yet planned again: {}",
                object(&all[i]),
                next["steps"]
            );
        }
        if code == Some(0) {
            assert!(steps(&next).is_empty(), "{what}");
            tally.add("finished before the fault");
        } else {
            tally.add(if done.is_empty() {
                "struck before any step was done"
            } else if done.len() == ids.len() {
                "struck after every step was done"
            } else {
                "struck between steps"
            });
        }
        rerun_converges(&url, &fx.snapshot, true, fx.dir.path(), &what);
        assert_eq!(catalog(&url).await, fx.new, "{what}: after the rerun");
        drop_db(&name).await;
    }
    eprintln!(
        "{key}: {n} trials, apply takes {:?}: {:?}",
        fx.apply_time, tally.outcomes
    );
    assert!(
        tally
            .outcomes
            .get("struck between steps")
            .copied()
            .unwrap_or(0)
            * 3
            >= n,
        "too few faults landed between steps: {:?}",
        tally.outcomes
    );
}

fn index_valid(c: &Catalog, name: &str) -> bool {
    // `public.big.big_a` or `big_a`.
    let short = name.rsplit('.').next().unwrap_or(name);
    c.tables
        .values()
        .any(|t| t.indexes.iter().any(|(n, i)| n == short && i.valid))
}

#[tokio::test(flavor = "multi_thread")]
async fn sigkill_between_concurrent_index_builds_leaves_exactly_what_was_reported() {
    non_transactional(Blow::Kill, "faults::online::kill").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn terminated_concurrent_index_builds_are_reported_and_finished_by_the_next_plan() {
    non_transactional(Blow::Terminate, "faults::online::terminate").await;
}

// ---- Redis: commands run one by one, each reported as done ----

const REDIS_SECTION: &str = "config:
  maxmemory-policy: { value: allkeys-lru, apply: true }
  notify-keyspace-events: { value: Ex, apply: true }
  hz: { value: 20, apply: true }
  maxmemory-samples: { value: 7, apply: true }
databases:
  0:
    families:
      - { name: sessions, pattern: \"session:{int}\", type: string, ttl: { required: true, max: 7d }, on_missing_ttl: { expire: 7d } }
      - { name: carts, pattern: \"cart:{int}\", type: string, ttl: { required: true, max: 1d }, on_missing_ttl: { expire: 1d } }
    unknown_keys: report
sampling: { max_keys: 500, max_cmds_per_sec: 20000 }";

fn redis_config(dir: &Path) -> PathBuf {
    let indented: String = REDIS_SECTION.lines().map(|l| format!("  {l}\n")).collect();
    let path = dir.join("schema.yaml");
    std::fs::write(&path, format!("version: 1\nredis:\n{indented}")).expect("write schema.yaml");
    path
}

fn redis_run(cfg: &Path, server: &RedisServer, args: &[&str]) -> Command {
    let mut c = command();
    c.arg("--config")
        .arg(cfg)
        .args(["--redis-url", &server.url(0), "--only", "redis"])
        .args(args);
    c
}

fn load_keys(server: &RedisServer) {
    // 8,000 keys per family, none with a TTL: the repairs walk them at the rate limit.
    let mut script = String::new();
    for i in 0..8000 {
        script.push_str(&format!("SET session:{i} x\nSET cart:{i} y\n"));
    }
    let mut child = Command::new("redis-cli")
        .args(["-h", "127.0.0.1", "-p", &server.port.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("redis-cli");
    use std::io::Write as _;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("feed redis-cli");
    assert!(child.wait().expect("redis-cli").success());
}

fn config_get(server: &RedisServer, name: &str) -> String {
    server
        .cli(&["CONFIG", "GET", name])
        .lines()
        .nth(1)
        .unwrap_or_default()
        .to_owned()
}

fn no_ttl(server: &RedisServer, prefix: &str) -> usize {
    (0..8000)
        .step_by(97)
        .filter(|i| server.cli(&["TTL", &format!("{prefix}:{i}")]).trim() == "-1")
        .count()
}

#[test]
fn sigkill_during_redis_commands_leaves_exactly_what_was_reported_and_the_next_plan_finishes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = redis_config(dir.path());
    let mut rng = Rng::new("faults::redis::kill");
    let mut tally = Tally::default();
    let n = trials(20);
    // The plan: four CONFIG SETs and two TTL repairs; its step ids and objects.
    let server = RedisServer::start();
    load_keys(&server);
    let out = redis_run(&cfg, &server, &["plan", "--format", "json"])
        .output()
        .expect("plan");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let all = steps(&plan);
    assert!(all.len() >= 6, "{plan}");
    // An undisturbed apply, for its duration.
    let t0 = Instant::now();
    let (code, _, _, err) = Running::spawn(
        redis_run(&cfg, &server, &["apply", "--yes", "--allow-hazard", "all"]),
        dir.path(),
        "calibrate",
    )
    .wait(Duration::from_secs(120));
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(done_steps(&err, "redis-").len(), all.len(), "{err}");
    let apply_time = t0.elapsed();
    drop(server);

    for i in 0..n {
        let what = format!("trial {i}");
        let server = RedisServer::start();
        load_keys(&server);
        let mut run = Running::spawn(
            redis_run(&cfg, &server, &["apply", "--yes", "--allow-hazard", "all"]),
            dir.path(),
            &format!("redis{i}"),
        );
        std::thread::sleep(rng.below(apply_time));
        run.kill();
        let (code, _, _, err) = run.wait(Duration::from_secs(60));
        let done = done_steps(&err, "redis-");
        for id in &done {
            let s = all
                .iter()
                .find(|s| s["id"] == id.as_str())
                .unwrap_or_else(|| panic!("{what}: unknown step {id}"));
            let statements = s["statements"].to_string();
            let object = s["object"]["name"].as_str().unwrap_or_default();
            if statements.contains("CONFIG SET") {
                let want = match object {
                    "maxmemory-policy" => "allkeys-lru",
                    "notify-keyspace-events" => "xE",
                    "hz" => "20",
                    "maxmemory-samples" => "7",
                    other => panic!("{what}: unexpected parameter {other}"),
                };
                assert_eq!(
                    config_get(&server, object),
                    want,
                    "{what}: {id} reported done\n{err}"
                );
            }
            if statements.contains("@expire-family") {
                let prefix = if statements.contains("sessions") {
                    "session"
                } else {
                    "cart"
                };
                assert_eq!(
                    no_ttl(&server, prefix),
                    0,
                    "{what}: {id} reported done, yet keys lack a TTL\n{err}"
                );
            }
        }
        // The next plan holds no step that was done, and an apply finishes the job.
        let out = redis_run(&cfg, &server, &["plan", "--format", "json"])
            .output()
            .expect("plan");
        let next: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let objects = |v: &[serde_json::Value]| -> BTreeSet<String> {
            v.iter()
                .map(|s| format!("{} {}", s["kind"], s["object"]["name"]))
                .collect()
        };
        let done_objects = objects(
            &all.iter()
                .filter(|s| done.contains(s["id"].as_str().unwrap_or_default()))
                .cloned()
                .collect::<Vec<_>>(),
        );
        let next_objects = objects(&steps(&next));
        assert!(
            done_objects.is_disjoint(&next_objects),
            "{what}: done {done_objects:?}, planned again {next_objects:?}"
        );
        tally.add(match (code, done.len()) {
            (Some(0), _) => "finished before the kill",
            (_, 0) => "killed before any step was done",
            (_, d) if d == all.len() => "killed after every step was done",
            _ => "killed between steps",
        });
        let (code, _, _, err) = Running::spawn(
            redis_run(&cfg, &server, &["apply", "--yes", "--allow-hazard", "all"]),
            dir.path(),
            &format!("redis{i}-rerun"),
        )
        .wait(Duration::from_secs(120));
        assert_eq!(code, Some(0), "{what}: the rerun failed\n{err}");
        let out = redis_run(&cfg, &server, &["plan", "--format", "json"])
            .output()
            .expect("plan");
        let last: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        assert!(steps(&last).is_empty(), "{what}: {}", last["steps"]);
    }
    eprintln!(
        "faults::redis::kill: {n} trials, apply takes {apply_time:?}: {:?}",
        tally.outcomes
    );
    assert!(
        tally
            .outcomes
            .get("killed between steps")
            .copied()
            .unwrap_or(0)
            * 3
            >= n,
        "too few kills landed between steps: {:?}",
        tally.outcomes
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redis_connection_dropped_between_commands_is_reported_with_the_steps_that_stay_done() {
    use seadiff_tests::{Fault, FaultProxy, Trigger};
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = redis_config(dir.path());
    let server = RedisServer::start();
    load_keys(&server);
    let upstream: std::net::SocketAddr =
        format!("127.0.0.1:{}", server.port).parse().expect("addr");
    // The TTL repairs' first EXPIRE never arrives: the connection is reset there.
    let proxy = FaultProxy::start(
        upstream,
        Fault::Drop(Trigger::ClientSends(b"EXPIRE".to_vec())),
    )
    .await;
    let url = format!("redis://127.0.0.1:{}/0", proxy.addr.port());
    let mut c = command();
    c.arg("--config").arg(&cfg).args([
        "--redis-url",
        &url,
        "--only",
        "redis",
        "--read-timeout",
        "5",
        "apply",
        "--yes",
        "--allow-hazard",
        "all",
    ]);
    let (code, took, _, err) = Running::spawn(c, dir.path(), "drop").wait(Duration::from_secs(60));
    assert_eq!(code, Some(2), "{err}");
    assert!(took < Duration::from_secs(20), "{took:?}");
    assert!(proxy.fired() > 0, "the fault never fired:\n{err}");
    let done = done_steps(&err, "redis-");
    assert!(!done.is_empty(), "the CONFIG SETs run first:\n{err}");
    // What the failure says stays done is exactly what was reported as it ran.
    let line = err
        .lines()
        .find(|l| l.contains("these steps stay done:"))
        .unwrap_or_else(|| panic!("the failure names no done steps:\n{err}"));
    let listed: BTreeSet<String> = line
        .split("these steps stay done:")
        .nth(1)
        .unwrap_or_default()
        .split(',')
        .map(|s| s.trim().to_owned())
        .collect();
    assert_eq!(listed, done, "{err}");
    assert!(
        err.contains("apply failed at step") && err.contains(&url.replace("/0", "")),
        "{err}"
    );
    assert_eq!(config_get(&server, "maxmemory-policy"), "allkeys-lru");
    assert!(no_ttl(&server, "session") > 0, "no TTL was set");
    // The next plan holds only the TTL repairs; applying it finishes the job.
    let plan = redis_run(&cfg, &server, &["plan", "--format", "json"])
        .output()
        .expect("plan");
    let next: serde_json::Value = serde_json::from_slice(&plan.stdout).expect("json");
    let left: Vec<String> = steps(&next)
        .iter()
        .map(|s| s["statements"].to_string())
        .collect();
    assert!(
        !left.is_empty() && left.iter().all(|s| s.contains("@expire-family")),
        "{left:?}"
    );
    let (code, _, _, err) = Running::spawn(
        redis_run(&cfg, &server, &["apply", "--yes", "--allow-hazard", "all"]),
        dir.path(),
        "rerun",
    )
    .wait(Duration::from_secs(120));
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(no_ttl(&server, "session"), 0);
}
