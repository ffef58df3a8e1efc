//! Postgres at scale: reading and planning N-table databases, against the catalog floor.
//!
//! Run: `cargo bench -p seadiff-tests --bench pg_scale`. Sizes from `SEADIFF_BENCH_SIZES`
//! (default `100,1000,5000,10000`), repetitions from `SEADIFF_BENCH_REPS` (default 5; times
//! are medians), the server from `SEADIFF_TEST_PG_URL` (a superuser URL, default
//! `postgres://postgres@127.0.0.1:5432/postgres`). `SEADIFF_BENCH_KEEP=1` keeps the databases.
//!
//! For each N it generates a schema (`schema.rs`, seeded: every run builds the same one) and
//! loads it into a throwaway database `seadiff_bench_N_live`; copies that database to
//! `seadiff_bench_N_desired` and changes about 2% of its objects there. Then child processes
//! of its own measure, so that each peak RSS belongs to one N and one job:
//!
//! - `plan`: with the desired catalog already in memory (read from `desired` before anything
//!   is timed), `SEADIFF_BENCH_REPS` times, interleaved, each on a fresh connection:
//!   the floor (the catalog queries of the introspection, back to back in one message on one
//!   connection, received and not decoded); `introspect` (one connection); `introspect_with`
//!   (two connections, opened side by side beforehand, as `seadiff` does) followed on the same
//!   connection by `probe_and_plan` (data probe, diff, rollback plan, lint: what `seadiff
//!   plan` does); and `make_plan` alone, with the stats the probe found. Then `make_plan`'s parts one by one, and the round trips counted on the
//!   wire by `CountingProxy`.
//! - `rss`: only what `seadiff plan` holds: the desired catalog, then the live one, then the
//!   plan, with the peak RSS (VmHWM) after each.
//! - `load`: the desired state loaded from a snapshot file (`diff --to snapshot.json`).
//! - `db2db`: both databases read, then planned (`seadiff diff --from URL --to URL`).
//!
//! and `migra` on the same pair when it is installed (`SEADIFF_MIGRA`, `PATH`, or
//! `.seadiff/migra/bin/migra`). The databases are dropped afterwards.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod schema;

use std::net::ToSocketAddrs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use differ::model::pg::Catalog;
use differ::plan::Plan;
use differ::postgres::introspect::introspect_with;
use differ::postgres::{self, DiffOptions, Online, Scope};
use seadiff_tests::{CountingProxy, admin_url, drop_database, url_for};
use serde_json::{Value, json};
use sqlx::{AssertSqlSafe, Connection, PgConnection};

/// The allocator the `seadiff` binary uses.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

const SEED: u64 = 0x5eed_d1ff;
const CONNECT: Duration = Duration::from_secs(30);

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // Two workers, as the `seadiff` binary runs.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    if let Some(at) = args.iter().position(|a| a == "--child") {
        let out = rt.block_on(child(&args[at + 1..]));
        println!("{out}");
        return;
    }
    rt.block_on(parent());
}

fn sizes() -> Vec<usize> {
    let text =
        std::env::var("SEADIFF_BENCH_SIZES").unwrap_or_else(|_| "100,1000,5000,10000".into());
    text.split(',')
        .map(|s| {
            s.trim()
                .replace('_', "")
                .parse()
                .unwrap_or_else(|_| panic!("SEADIFF_BENCH_SIZES: `{s}` is not a number"))
        })
        .collect()
}

fn reps() -> usize {
    std::env::var("SEADIFF_BENCH_REPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5)
        .max(1)
}

/// The cores this machine has (server and client share them when both run here).
fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Peak resident set size of this process so far, in MiB (Linux; `null` elsewhere).
fn peak_rss_mib() -> Option<f64> {
    status_mib("VmHWM:")
}

fn status_mib(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// CPU time so far, in ms: busy time of the whole machine (all cores, from `/proc/stat`) and
/// of this process (all threads, from `/proc/self/stat`); Linux only, zeros elsewhere.
#[derive(Clone, Copy, Default)]
struct Cpu {
    machine: f64,
    own: f64,
}

impl Cpu {
    fn now() -> Cpu {
        // Both files count in clock ticks of 10 ms (USER_HZ is 100 on Linux).
        let tick = 10.0;
        let machine = std::fs::read_to_string("/proc/stat")
            .ok()
            .and_then(|s| {
                let line = s.lines().next()?.to_owned();
                let f: Vec<f64> = line
                    .split_whitespace()
                    .skip(1)
                    .filter_map(|x| x.parse().ok())
                    .collect();
                // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
                Some(f.iter().sum::<f64>() - f.get(3)? - f.get(4)?)
            })
            .unwrap_or(0.0);
        let own = std::fs::read_to_string("/proc/self/stat")
            .ok()
            .and_then(|s| {
                // Fields after the command name (which may hold spaces) start at `state`.
                let rest = &s[s.rfind(')')? + 2..];
                let f: Vec<&str> = rest.split_whitespace().collect();
                Some(f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?)
            })
            .unwrap_or(0.0);
        Cpu {
            machine: machine * tick,
            own: own * tick,
        }
    }

    fn since(self, start: Cpu) -> Cpu {
        Cpu {
            machine: self.machine - start.machine,
            own: self.own - start.own,
        }
    }
}

fn scope() -> Scope {
    Scope::everything()
}

/// What `seadiff plan` uses: the default schema first on the search path, online DDL where
/// tables hold rows, squawk's lint.
fn diff_options() -> DiffOptions {
    let mut search_path = vec!["public".to_owned()];
    search_path.extend(schema::SCHEMAS.iter().map(|s| (*s).to_owned()));
    DiffOptions {
        search_path,
        online: Online::Auto,
        lint: true,
        ..DiffOptions::default()
    }
}

/// A database created for one size and dropped at the end, also when the bench panics.
struct BenchDb {
    name: String,
    url: String,
}

impl BenchDb {
    async fn create(name: &str, template: Option<&str>) -> BenchDb {
        let mut admin = PgConnection::connect(&admin_url())
            .await
            .unwrap_or_else(|e| panic!("Postgres is not reachable at {}: {e}", admin_url()));
        let create = match template {
            Some(t) => format!("CREATE DATABASE \"{name}\" TEMPLATE \"{t}\""),
            None => format!("CREATE DATABASE \"{name}\""),
        };
        for sql in [
            format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
            create,
        ] {
            sqlx::raw_sql(AssertSqlSafe(sql.clone()))
                .execute(&mut admin)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        BenchDb {
            name: name.to_owned(),
            url: url_for(&admin_url(), name),
        }
    }

    async fn exec(&self, sql: &str) {
        let mut c = PgConnection::connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("connect to {}: {e}", self.name));
        if let Err(e) = sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
            .execute(&mut c)
            .await
        {
            let head: String = sql.chars().take(2000).collect();
            panic!("loading {} failed: {e}\n{head}", self.name);
        }
    }
}

impl Drop for BenchDb {
    fn drop(&mut self) {
        if std::env::var_os("SEADIFF_BENCH_KEEP").is_some() {
            eprintln!("kept database {} (SEADIFF_BENCH_KEEP)", self.name);
            return;
        }
        drop_database(&self.name);
    }
}

/// One size's results, as the children reported them.
#[derive(Debug)]
struct Row {
    n: usize,
    objects: usize,
    changed: usize,
    load_s: f64,
    plan: Value,
    rss: Value,
    load: Value,
    db2db: Value,
    migra_ms: Option<f64>,
}

fn num(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or(f64::NAN)
}

async fn parent() {
    let sizes = sizes();
    let reps = reps();
    let migra = migra();
    let version: String = {
        let mut c = PgConnection::connect(&admin_url())
            .await
            .unwrap_or_else(|e| panic!("Postgres is not reachable at {}: {e}", admin_url()));
        sqlx::query_scalar("SELECT version()")
            .fetch_one(&mut c)
            .await
            .expect("version")
    };
    println!("pg_scale: sizes {sizes:?}, {reps} repetitions (medians), seed {SEED:#x}");
    println!("server: {version}");
    println!(
        "client: {} cores; migra: {}",
        cores(),
        migra
            .as_ref()
            .map_or("not installed".to_owned(), |m| m.display().to_string())
    );
    let tmp = tempfile::tempdir().expect("temporary directory");
    let mut rows = Vec::new();
    for &n in &sizes {
        let g = schema::generate(n, SEED ^ n as u64);
        eprintln!(
            "N={n}: {} objects ({} views), {} changed in the variant; loading…",
            g.objects, g.views, g.changed
        );
        let started = Instant::now();
        let live = BenchDb::create(&format!("seadiff_bench_{n}_live"), None).await;
        for chunk in &g.chunks {
            live.exec(chunk).await;
        }
        live.exec("VACUUM ANALYZE").await;
        let desired =
            BenchDb::create(&format!("seadiff_bench_{n}_desired"), Some(&live.name)).await;
        for chunk in &g.changes {
            desired.exec(chunk).await;
        }
        desired.exec("VACUUM ANALYZE").await;
        let load_s = started.elapsed().as_secs_f64();
        eprintln!("N={n}: loaded in {load_s:.1} s; measuring…");

        let snapshot = tmp.path().join(format!("desired_{n}.json"));
        write_snapshot(&desired.url, &snapshot).await;
        let reps_arg = reps.to_string();
        let plan = run_child(&["plan", &live.url, &desired.url, &reps_arg]);
        let rss = run_child(&["rss", &live.url, &desired.url]);
        let load = run_child(&["load", snapshot.to_str().expect("a UTF-8 path")]);
        let db2db = run_child(&["db2db", &live.url, &desired.url, &reps_arg]);
        let migra_ms = migra.as_ref().map(|m| {
            // SQLAlchemy only knows the `postgresql` scheme.
            let sqla = |url: &str| url.replacen("postgres://", "postgresql://", 1);
            let started = Instant::now();
            let mut times = Vec::new();
            // `reps` runs, or as many as fit in two minutes (migra is slow at large N).
            while times.len() < reps && (times.is_empty() || started.elapsed().as_secs() < 120) {
                let t = Instant::now();
                let out = Command::new(m)
                    .args(["--unsafe", &sqla(&live.url), &sqla(&desired.url)])
                    .output()
                    .expect("run migra");
                // migra: 0 no changes, 2 changes; 3 unsafe changes without --unsafe.
                assert!(
                    matches!(out.status.code(), Some(0 | 2)),
                    "migra failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                times.push(ms(t.elapsed()));
            }
            median(times)
        });
        rows.push(Row {
            n,
            objects: g.objects,
            changed: g.changed,
            load_s,
            plan,
            rss,
            load,
            db2db,
            migra_ms,
        });
        drop(desired);
        drop(live);
    }
    report(&rows, migra.is_some());
}

/// The desired state as a snapshot, as `seadiff inspect --format json` writes it.
async fn write_snapshot(url: &str, path: &Path) {
    let (_conn, read) = read_parallel(url).await;
    let doc = json!({
        "format_version": postgres::source::SNAPSHOT_VERSION,
        "kind": "postgres-catalog",
        "server_version": read.server_version,
        "catalog": read.catalog,
    });
    std::fs::write(path, serde_json::to_vec(&doc).expect("json")).expect("write the snapshot");
}

/// migra: `SEADIFF_MIGRA`, else on `PATH`, else the virtualenv the README's recipe makes in
/// `.seadiff/migra`.
fn migra() -> Option<std::path::PathBuf> {
    if let Some(path) = std::env::var_os("SEADIFF_MIGRA") {
        let path = std::path::PathBuf::from(path);
        assert!(
            path.is_file(),
            "SEADIFF_MIGRA={} is not a file",
            path.display()
        );
        return Some(path);
    }
    which("migra").or_else(|| {
        let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.seadiff/migra/bin/migra");
        venv.is_file().then_some(venv)
    })
}

fn which(program: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

fn run_child(args: &[&str]) -> Value {
    let exe = std::env::current_exe().expect("own executable");
    let out = Command::new(exe)
        .arg("--child")
        .args(args)
        .output()
        .expect("run the measuring child");
    assert!(
        out.status.success(),
        "child {:?} failed: {}",
        args.first(),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().last().unwrap_or_default();
    serde_json::from_str(line).unwrap_or_else(|e| panic!("child output `{line}`: {e}"))
}

fn report(rows: &[Row], migra: bool) {
    println!();
    println!("time (ms, medians)");
    println!(
        "{:>6} {:>7} {:>7} {:>6} | {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} | {:>8} {:>8}",
        "N",
        "objects",
        "changed",
        "load s",
        "connect",
        "floor",
        "1 conn",
        "2 conns",
        "plan",
        "i+p",
        "i+p/flr",
        "diff/tbl",
        "db-to-db",
    );
    for r in rows {
        let floor = num(&r.plan, "floor_ms");
        let total = num(&r.plan, "total_ms");
        println!(
            "{:>6} {:>7} {:>7} {:>6.1} | {:>7.0} {:>7.0} {:>7.0} {:>7.0} {:>7.0} {:>7.0} {:>6.2}x | {:>6.0}µs {:>8.0}",
            r.n,
            r.objects,
            r.changed,
            r.load_s,
            num(&r.plan, "connect_ms"),
            floor,
            num(&r.plan, "single_ms"),
            num(&r.plan, "introspect_ms"),
            num(&r.plan, "plan_ms"),
            total,
            total / floor,
            num(&r.plan, "diff_ms") * 1000.0 / r.n as f64,
            num(&r.db2db, "total_ms"),
        );
    }
    println!();
    println!("make_plan, part by part (ms; `touched` and `diff` are differ::postgres::diff)");
    println!(
        "{:>6} {:>6} | {:>7} {:>7} {:>8} {:>8} {:>7} {:>8}",
        "N", "steps", "touched", "diff", "rollback", "describe", "lint", "hashes"
    );
    for r in rows {
        let b = &r.plan["breakdown"];
        println!(
            "{:>6} {:>6} | {:>7.0} {:>7.0} {:>8.0} {:>8.0} {:>7.0} {:>8.0}",
            r.n,
            r.plan["steps"].to_string(),
            num(b, "touched"),
            num(b, "diff"),
            num(b, "rollback"),
            num(b, "describe"),
            num(b, "lint"),
            num(b, "fingerprints"),
        );
    }
    println!();
    println!(
        "CPU (ms of CPU time, medians; machine = server and client on all cores, own = this process)"
    );
    println!(
        "{:>6} | {:>7} {:>7} | {:>7} {:>7} | {:>7} {:>7} | {:>9} {:>9}",
        "N", "floor", "", "2 conns", "", "plan", "", "i+p", ""
    );
    println!(
        "{:>6} | {:>7} {:>7} | {:>7} {:>7} | {:>7} {:>7} | {:>9} {:>9}",
        "", "machine", "own", "machine", "own", "machine", "own", "machine", "busy"
    );
    for r in rows {
        let c = &r.plan["cpu_ms"];
        let m = |k: &str| num(&c[k], "machine");
        let o = |k: &str| num(&c[k], "own");
        let both = m("introspect") + m("plan");
        // Share of the cores kept busy while seadiff read and planned.
        let busy = both / (num(&r.plan, "total_ms") * cores() as f64);
        println!(
            "{:>6} | {:>7.0} {:>7.0} | {:>7.0} {:>7.0} | {:>7.0} {:>7.0} | {:>9.0} {:>8.0}%",
            r.n,
            m("floor"),
            o("floor"),
            m("introspect"),
            o("introspect"),
            m("plan"),
            o("plan"),
            both,
            busy * 100.0,
        );
    }
    println!();
    println!("round trips, memory (MiB), snapshot, migra");
    println!(
        "{:>6} {:>5} | {:>7} {:>7} {:>7} | {:>8} | {:>8} {:>8} | {:>14}",
        "N", "trips", "desired", "+ live", "+ plan", "db-to-db", "snapshot", "snapshot", "migra ms"
    );
    println!(
        "{:>6} {:>5} | {:>7} {:>7} {:>7} | {:>8} | {:>8} {:>8} | {:>14}",
        "", "i+p", "peak", "peak", "peak", "peak", "load ms", "peak", "(db-to-db/it)"
    );
    for r in rows {
        let migra = match r.migra_ms {
            Some(m) => format!("{m:.0} ({:.2}x)", num(&r.db2db, "total_ms") / m),
            None => "not installed".to_owned(),
        };
        println!(
            "{:>6} {:>5} | {:>7.1} {:>7.1} {:>7.1} | {:>8.1} | {:>8.0} {:>8.1} | {:>14}",
            r.n,
            format!(
                "{}+{}",
                r.plan["round_trips_introspect"], r.plan["round_trips_probe"]
            ),
            num(&r.rss, "desired_mib"),
            num(&r.rss, "live_mib"),
            num(&r.rss, "plan_mib"),
            num(&r.db2db, "peak_rss_mib"),
            num(&r.load, "load_ms"),
            num(&r.load, "peak_rss_mib"),
            migra,
        );
    }
    println!();
    for line in [
        "connect   opening the two connections side by side, as seadiff does (outside every other column: the floor too starts connected)",
        "floor     the catalog queries alone, back to back in one message on one connection (received, not decoded)",
        "1 conn    introspect(): the same queries on one connection, decoded and assembled into the model",
        "2 conns   introspect_with(): split over the two connections, sharing one snapshot",
        "plan      probe_and_plan() against the desired catalog in memory: data probe, diff, rollback plan, lint",
        "i+p       2 conns then plan, timed together; i+p/flr is the target ratio",
        "diff/tbl  make_plan() alone (no I/O), per table: flat when planning is linear in N",
        "db-to-db  both databases read (2 connections each, one after the other), then probe_and_plan()",
        "rollback  reverse_states() and the rollback's diff; describe: the before/after DDL of altered objects,",
        "          both ways; hashes: the two catalog fingerprints (SHA-256 of the catalogs' structure)",
        "trips     round trips on the wire (CountingProxy): introspection + data probe",
        "peak      VmHWM of a process holding the desired catalog, then also the live one, then also the plan",
        "snapshot  source::read_snapshot() of the desired state as `inspect --format json` writes it, own process",
    ] {
        println!("{line}");
    }
    println!(
        "migra     `migra --unsafe live desired`{}",
        if migra { "" } else { ": migra not installed" }
    );
    targets(rows);
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}

fn targets(rows: &[Row]) {
    println!();
    println!("targets:");
    if let Some(r) = rows.iter().find(|r| r.n == 5000) {
        let ratio = num(&r.plan, "total_ms") / num(&r.plan, "floor_ms");
        let rss = num(&r.rss, "plan_mib");
        println!(
            "  introspect+plan at N=5,000 within 1.0x the floor: {ratio:.2}x — {}",
            verdict(ratio <= 1.0)
        );
        println!(
            "  peak RSS at N=5,000 at most 150 MiB: {rss:.1} MiB — {}",
            verdict(rss <= 150.0)
        );
        match r.migra_ms {
            Some(m) => {
                let vs = num(&r.db2db, "total_ms") / m;
                println!(
                    "  db-to-db at N=5,000 at most 0.25x migra: {vs:.2}x — {}",
                    verdict(vs <= 0.25)
                );
            }
            None => println!("  db-to-db at N=5,000 at most 0.25x migra: migra not installed"),
        }
    } else {
        println!("  (N=5,000 not measured: the ratio, memory and migra targets are read there)");
    }
    let trips: Vec<String> = rows
        .iter()
        .map(|r| r.plan["round_trips_introspect"].to_string())
        .collect();
    println!(
        "  introspection round trips constant in N: [{}] — {}",
        trips.join(", "),
        verdict(trips.windows(2).all(|w| w[0] == w[1]))
    );
    let per_table: Vec<(usize, f64)> = rows
        .iter()
        .filter(|r| r.n >= 1000)
        .map(|r| (r.n, num(&r.plan, "diff_ms") * 1000.0 / r.n as f64))
        .collect();
    if per_table.len() >= 2 {
        let first = per_table[0].1;
        let worst = per_table.iter().map(|p| p.1 / first).fold(0.0, f64::max);
        println!(
            "  planning linear in N (µs per table from N=1,000 up: {}): largest / first = {worst:.2} — {}",
            per_table
                .iter()
                .map(|(n, us)| format!("{n}: {us:.0}"))
                .collect::<Vec<_>>()
                .join(", "),
            verdict(worst <= 1.5)
        );
    } else {
        println!("  planning linear in N: needs two sizes of at least 1,000 tables");
    }
}

/// The server's address, for the counting proxy.
fn upstream(url: &str) -> std::net::SocketAddr {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host_port = rest.split(['/', '?']).next().unwrap_or_default();
    let host_port = host_port.rsplit_once('@').map_or(host_port, |(_, h)| h);
    let with_port = if host_port.contains(':') {
        host_port.to_owned()
    } else {
        format!("{host_port}:5432")
    };
    with_port
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .unwrap_or_else(|| panic!("cannot resolve {with_port}"))
}

/// `url` through the proxy at `addr`, without TLS (the proxy counts plain messages).
fn via_proxy(url: &str, addr: std::net::SocketAddr) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let (auth_host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let auth = auth_host.rsplit_once('@').map(|(a, _)| format!("{a}@"));
    let path = if path.contains('?') {
        format!("{path}&sslmode=disable")
    } else {
        format!("{path}?sslmode=disable")
    };
    format!("{scheme}://{}{addr}{path}", auth.unwrap_or_default())
}

async fn child(args: &[String]) -> Value {
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or_default();
    let reps = |i: usize| arg(i).parse().expect("a number of repetitions");
    match arg(0) {
        "plan" => child_plan(arg(1), arg(2), reps(3)).await,
        "rss" => child_rss(arg(1), arg(2)).await,
        "load" => child_load(arg(1)).await,
        "db2db" => child_db2db(arg(1), arg(2), reps(3)).await,
        // For profiling by hand: `--child plan LIVE_URL DESIRED_URL 1` under a profiler (with
        // SEADIFF_BENCH_KEEP=1 the databases stay); `--child script` prints the catalog
        // queries (for EXPLAIN); `--child snapshot URL PATH` writes a snapshot; `--child
        // sizes URL` says what a catalog is made of.
        "snapshot" => {
            write_snapshot(arg(1), Path::new(arg(2))).await;
            Value::Null
        }
        "script" => Value::String(postgres::introspect::catalog_script(&scope(), 150000)),
        "sizes" => child_sizes(arg(1)).await,
        other => panic!("unknown child mode {other}"),
    }
}

/// Two connections to `url`, opened side by side as `seadiff` opens them.
async fn connect_pair(url: &str) -> (PgConnection, PgConnection) {
    let (conn, second) = postgres::connect_pair(url, CONNECT).await.expect("connect");
    (conn, second.expect("a second connection"))
}

/// Opens `url` and reads it over two connections.
async fn read_parallel(url: &str) -> (PgConnection, postgres::Introspection) {
    let (mut conn, second) = connect_pair(url).await;
    let read = introspect_with(&mut conn, Some(second), &scope())
        .await
        .expect("introspect");
    (conn, read)
}

async fn child_plan(live_url: &str, desired_url: &str, reps: usize) -> Value {
    let scope = scope();
    let opts = diff_options();
    // The desired state, in memory before anything is timed.
    let desired = read_parallel(desired_url).await.1.catalog;
    let version = {
        let conn = postgres::connect(live_url, CONNECT).await.expect("connect");
        conn.server_version_num().unwrap_or(150000)
    };
    let floor_script = postgres::introspect::catalog_script(&scope, version);
    let (mut floor, mut single, mut intro, mut plan, mut total, mut pure, mut connect) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    // CPU used during the floor, the two-connection read and the plan: the machine's (server
    // and client together) and this process's.
    let (mut floor_cpu, mut intro_cpu, mut plan_cpu) = (Vec::new(), Vec::new(), Vec::new());
    let mut steps = 0;
    for _ in 0..reps {
        {
            let mut conn = postgres::connect(live_url, CONNECT).await.expect("connect");
            let c = Cpu::now();
            let t = Instant::now();
            let rows = sqlx::raw_sql(AssertSqlSafe(floor_script.clone()))
                .fetch_all(&mut conn)
                .await
                .expect("the catalog queries");
            floor.push(ms(t.elapsed()));
            floor_cpu.push(Cpu::now().since(c));
            assert!(!rows.is_empty());
        }
        {
            let mut conn = postgres::connect(live_url, CONNECT).await.expect("connect");
            let t = Instant::now();
            let live = postgres::introspect(&mut conn, &scope)
                .await
                .expect("introspect");
            single.push(ms(t.elapsed()));
            drop(live);
        }
        {
            let t = Instant::now();
            let (mut conn, second) = connect_pair(live_url).await;
            connect.push(ms(t.elapsed()));
            let c = Cpu::now();
            let t = Instant::now();
            let live = introspect_with(&mut conn, Some(second), &scope)
                .await
                .expect("introspect");
            let ti = t.elapsed();
            let ci = Cpu::now();
            let p = postgres::probe_and_plan(&mut conn, &live.catalog, &desired, opts.clone(), &[])
                .await
                .expect("plan");
            let tt = t.elapsed();
            intro_cpu.push(ci.since(c));
            plan_cpu.push(Cpu::now().since(ci));
            intro.push(ms(ti));
            plan.push(ms(tt - ti));
            total.push(ms(tt));
            steps = p.steps.len();
            drop(p);
            // The pure part alone: diff, rollback, descriptions, lint; with the stats the probe
            // found, probed untimed.
            let o = probed(&mut conn, &live.catalog, &desired, &opts).await;
            let t = Instant::now();
            let p = postgres::make_plan(&live.catalog, &desired, &o, &[]);
            pure.push(ms(t.elapsed()));
            drop(p);
        }
    }
    let breakdown = breakdown(live_url, &desired, &opts).await;
    // Round trips, counted on the wire in a separate, untimed pass.
    let proxy = CountingProxy::start(upstream(live_url)).await;
    let proxied = via_proxy(live_url, proxy.addr);
    let (mut conn, second) = connect_pair(&proxied).await;
    let before = proxy.round_trips();
    let live = introspect_with(&mut conn, Some(second), &scope)
        .await
        .expect("introspect");
    let after_introspect = proxy.round_trips();
    let p = postgres::probe_and_plan(&mut conn, &live.catalog, &desired, opts, &[])
        .await
        .expect("plan");
    let after_probe = proxy.round_trips();
    assert!(!p.is_empty(), "the variant must differ");
    assert_eq!(
        u64::from(live.round_trips),
        after_introspect - before,
        "the introspection's own count must match the wire"
    );
    json!({
        "floor_ms": median(floor),
        "connect_ms": median(connect),
        "single_ms": median(single),
        "introspect_ms": median(intro),
        "plan_ms": median(plan),
        "total_ms": median(total),
        "diff_ms": median(pure),
        "steps": steps,
        "round_trips_introspect": after_introspect - before,
        "round_trips_probe": after_probe - after_introspect,
        "breakdown": breakdown,
        "cpu_ms": {
            "floor": cpu_median(&floor_cpu),
            "introspect": cpu_median(&intro_cpu),
            "plan": cpu_median(&plan_cpu),
        },
    })
}

/// Median CPU of a phase: the machine's and this process's, in ms.
fn cpu_median(xs: &[Cpu]) -> Value {
    json!({
        "machine": median(xs.iter().map(|c| c.machine).collect()),
        "own": median(xs.iter().map(|c| c.own).collect()),
    })
}

/// `opts` with the stats the data probe finds for the plan from `live` to `desired`.
async fn probed(
    conn: &mut PgConnection,
    live: &Catalog,
    desired: &Catalog,
    opts: &DiffOptions,
) -> DiffOptions {
    let touched = postgres::diff::touched(live, desired, opts);
    let stats = postgres::probe::probe(conn, &touched, postgres::COUNT_TIMEOUT)
        .await
        .expect("the data probe");
    DiffOptions {
        stats,
        ..opts.clone()
    }
}

/// `probe_and_plan`'s parts, timed one by one as it runs them: `diff::touched` (what the
/// probe is asked about, and the planner's analysis the forward diff reuses); the forward plan
/// and its rollback each get a diff, descriptions of the altered objects and squawk's lint;
/// and the fingerprints of both catalogs.
async fn breakdown(live_url: &str, desired: &Catalog, opts: &DiffOptions) -> Value {
    let (mut conn, live) = read_parallel(live_url).await;
    let live = live.catalog;
    let o = probed(&mut conn, &live, desired, opts).await;
    let timed = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        f();
        ms(t.elapsed())
    };
    let mut analysis = None;
    let touched = timed(&mut || {
        analysis = Some(postgres::diff::touched_analysed(&live, desired, opts).1);
    });
    let mut forward = Plan::default();
    let diff = timed(&mut || {
        forward.steps = postgres::diff::diff_analysed(&live, desired, &o, analysis.take()).0;
    });
    let mut back = Plan::default();
    let back_opts = postgres::rollback_options(opts, desired);
    let mut states = None;
    let rollback = timed(&mut || {
        let (from, to) = postgres::rollback::reverse_states(&live, desired);
        back.steps = postgres::diff::diff_with_warnings(&from, &to, &back_opts).0;
        states = Some((from, to));
    });
    let (from, to) = states.expect("the rollback's states");
    let describe = timed(&mut || {
        postgres::describe::annotate(&mut forward, &live, desired);
        postgres::describe::annotate(&mut back, &from, &to);
    });
    let fingerprints = timed(&mut || {
        let _ = postgres::catalog_fingerprint(&live);
        let _ = postgres::catalog_fingerprint(desired);
    });
    let lint = timed(&mut || {
        postgres::lint::annotate(&mut forward);
        postgres::lint::annotate(&mut back);
    });
    json!({
        "touched": touched,
        "diff": diff,
        "rollback": rollback,
        "describe": describe,
        "fingerprints": fingerprints,
        "lint": lint,
    })
}

/// Peak RSS of exactly what `seadiff plan` holds: the desired catalog, the live one, the plan.
async fn child_rss(live_url: &str, desired_url: &str) -> Value {
    let desired = read_parallel(desired_url).await.1.catalog;
    let desired_mib = peak_rss_mib();
    let (mut conn, live) = read_parallel(live_url).await;
    let live_mib = peak_rss_mib();
    let p = postgres::probe_and_plan(&mut conn, &live.catalog, &desired, diff_options(), &[])
        .await
        .expect("plan");
    let plan_mib = peak_rss_mib();
    assert!(!p.is_empty());
    json!({
        "desired_mib": desired_mib,
        "live_mib": live_mib,
        "plan_mib": plan_mib,
    })
}

/// Loading the desired state from a snapshot file (`seadiff diff --to snapshot.json`).
async fn child_load(path: &str) -> Value {
    let t = Instant::now();
    let desired: Catalog = postgres::source::read_snapshot(Path::new(path)).expect("snapshot");
    let elapsed = ms(t.elapsed());
    assert!(!desired.tables.is_empty());
    json!({ "load_ms": elapsed, "peak_rss_mib": peak_rss_mib() })
}

/// `seadiff diff --from live --to desired`: connect, read both, plan.
async fn child_db2db(live_url: &str, desired_url: &str, reps: usize) -> Value {
    let opts = diff_options();
    let mut total = Vec::new();
    for _ in 0..reps {
        let t = Instant::now();
        let (mut from, current) = read_parallel(live_url).await;
        let (_to, desired) = read_parallel(desired_url).await;
        let p = postgres::probe_and_plan(
            &mut from,
            &current.catalog,
            &desired.catalog,
            opts.clone(),
            &[],
        )
        .await
        .expect("plan");
        total.push(ms(t.elapsed()));
        assert!(!p.is_empty());
    }
    json!({ "total_ms": median(total), "peak_rss_mib": peak_rss_mib() })
}

/// What a catalog is made of: the JSON size of each part and the count of its entries (for
/// finding what to shrink: `--child sizes URL`).
async fn child_sizes(url: &str) -> Value {
    let c = read_parallel(url).await.1.catalog;
    let tables = c.tables.values();
    let columns: usize = tables.clone().map(|t| t.columns.len()).sum();
    let mut parts = serde_json::Map::new();
    parts.insert(
        "columns".into(),
        json!(tables.clone().map(|t| size(&t.columns)).sum::<usize>()),
    );
    parts.insert(
        "indexes".into(),
        json!(tables.clone().map(|t| size(&t.indexes)).sum::<usize>()),
    );
    parts.insert(
        "foreign_keys".into(),
        json!(tables.clone().map(|t| size(&t.foreign_keys)).sum::<usize>()),
    );
    parts.insert(
        "checks".into(),
        json!(tables.clone().map(|t| size(&t.checks)).sum::<usize>()),
    );
    let edges: usize = c.depends.values().map(Vec::len).sum();
    json!({
        "tables": c.tables.len(),
        "columns": columns,
        "size_of": {
            "Column": std::mem::size_of::<differ::model::pg::Column>(),
            "ColType": std::mem::size_of::<differ::model::pg::ColType>(),
            "Table": std::mem::size_of::<differ::model::pg::Table>(),
            "Index": std::mem::size_of::<differ::model::pg::Index>(),
            "ForeignKey": std::mem::size_of::<differ::model::pg::ForeignKey>(),
            "Check": std::mem::size_of::<differ::model::pg::Check>(),
            "ObjRef": std::mem::size_of::<differ::model::pg::ObjRef>(),
        },
        "depends_keys": c.depends.len(),
        "depends_edges": edges,
        "json_bytes": parts,
        "peak_rss_mib": peak_rss_mib(),
    })
}

/// The size of `v`'s JSON: a stand-in for its share of memory.
fn size<T: serde::Serialize>(v: &T) -> usize {
    serde_json::to_vec(v).map_or(0, |v| v.len())
}
