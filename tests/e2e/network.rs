//! Network faults: a loopback proxy the test controls ([`FaultProxy`]) stalls or drops the
//! connection to Postgres (while the catalog is read, and while an apply commits), to Redis
//! (while key families are sampled) and to the Vespa config server (while the active
//! application is read, and during the deploy). Every time: the command ends within a bound
//! (every network wait has a timeout), with exit 2, the error names the endpoint, and nothing
//! is written after a failed read.

use std::path::Path;
use std::time::{Duration, Instant};

use seadiff_tests::{Fault, FaultProxy, RedisServer, TestDb, Trigger, admin_url};

use crate::faults::{Running, catalog, command};

/// `postgres://…@127.0.0.1:PROXY/db?sslmode=disable` for a test database, through `proxy`
/// (unencrypted, so the proxy can see the statements).
fn through(db: &TestDb, proxy: &FaultProxy) -> String {
    let mut u = url::Url::parse(&db.url).expect("a URL");
    u.set_port(Some(proxy.addr.port())).expect("a port");
    u.set_query(Some("sslmode=disable"));
    u.to_string()
}

fn pg_upstream() -> std::net::SocketAddr {
    let u = url::Url::parse(&admin_url()).expect("the admin URL");
    let host = u.host_str().unwrap_or("127.0.0.1");
    let port = u.port().unwrap_or(5432);
    std::net::ToSocketAddrs::to_socket_addrs(&(host, port))
        .expect("resolve Postgres")
        .next()
        .expect("an address")
}

/// Runs `seadiff` with the repository's `schema.yaml`, Postgres only, and returns (exit code,
/// elapsed, stderr).
fn seadiff_pg(url: &str, args: &[&str], dir: &Path, name: &str) -> (Option<i32>, Duration, String) {
    let mut c = command();
    c.args([
        "--config",
        &crate::repo_config(),
        "--database-url",
        url,
        "--only",
        "postgres",
    ])
    .args(args);
    let (code, took, _, err) = Running::spawn(c, dir, name).wait(Duration::from_secs(120));
    (code, took, err)
}

/// Waits until seadiff has no session left in `db` (a stalled connection closed by the proxy
/// ends its session, and the apply lock with it).
async fn sessions_gone(db: &TestDb) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while db
        .column("SELECT count(*)::text FROM pg_stat_activity WHERE application_name = 'seadiff' AND datname = current_database()")
        .await
        != ["0"]
    {
        assert!(Instant::now() < deadline, "seadiff's sessions outlived the proxy");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn tables(catalog: &differ::model::pg::Catalog) -> usize {
    catalog.tables.len()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stalled_or_dropped_catalog_read_ends_in_time_names_the_endpoint_and_writes_nothing() {
    let db = TestDb::new("network::pg::read").await;
    // Tables the entities do not declare: a catalog worth reading (and drops in the plan).
    let extra: String = (0..40)
        .map(|i| format!("CREATE TABLE extra_{i} (id int PRIMARY KEY, name text NOT NULL, at timestamptz DEFAULT now());"))
        .collect();
    db.exec(&extra).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let proxy = FaultProxy::start(pg_upstream(), Fault::Pass).await;
    let url = through(&db, &proxy);
    let endpoint = format!("127.0.0.1:{}", proxy.addr.port());

    // Undisturbed, through the proxy: the plan creates the entities' tables. How many bytes
    // come back tells where the catalog read is.
    let (code, _, err) = seadiff_pg(&url, &["plan", "--exit-code"], dir.path(), "pass");
    assert_eq!(code, Some(1), "{err}");
    let (_, down) = proxy.bytes();
    assert!(down > 20_000, "the catalog read is most of {down} bytes");
    // The proxy counts bytes per connection, and seadiff splits the catalog read over two:
    // a fifth of the whole is crossed during the read on at least one of them.
    let part_way = down / 5;

    let cases = [
        (
            "stall on the catalog query",
            Fault::Stall(Trigger::ClientSends(
                b"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY".to_vec(),
            )),
            "no answer within 2 s while trying to read the catalog",
        ),
        (
            "stall part-way through the answer",
            Fault::Stall(Trigger::AfterBytes(part_way)),
            "no answer within 2 s while trying to read the catalog",
        ),
        (
            "drop part-way through the answer",
            Fault::Drop(Trigger::AfterBytes(part_way)),
            "cannot read the schema of",
        ),
        (
            "stall right after connecting",
            Fault::Stall(Trigger::AfterMillis(0)),
            "cannot connect to",
        ),
    ];
    for (what, fault, says) in cases {
        proxy.set(fault);
        let fired = proxy.fired();
        let (code, took, err) = seadiff_pg(
            &url,
            &[
                "--read-timeout",
                "2",
                "--connect-timeout",
                "2",
                "apply",
                "--yes",
                "--allow-hazard",
                "all",
            ],
            dir.path(),
            what,
        );
        assert_eq!(code, Some(2), "{what}: {err}");
        assert!(
            proxy.fired() > fired,
            "{what}: the fault never fired: {err}"
        );
        assert!(
            took < Duration::from_secs(10),
            "{what}: took {took:?}, past the read timeout's bound"
        );
        assert!(err.contains(says), "{what}: {err}");
        assert!(
            err.contains(&endpoint),
            "{what}: the error names no endpoint: {err}"
        );
        // Nothing was written: the apply never started.
        proxy.set(Fault::Pass);
        proxy.disconnect_all();
        sessions_gone(&db).await;
        assert_eq!(
            tables(&catalog(&db.url).await),
            40,
            "{what}: tables were created or dropped"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_connection_lost_during_an_apply_is_reported_with_what_ran_and_the_rerun_converges() {
    let db = TestDb::new("network::pg::apply").await;
    let dir = tempfile::tempdir().expect("tempdir");
    let proxy = FaultProxy::start(pg_upstream(), Fault::Pass).await;
    let url = through(&db, &proxy);
    let endpoint = format!("127.0.0.1:{}", proxy.addr.port());
    let apply = [
        "--read-timeout",
        "2",
        "apply",
        "--yes",
        "--allow-hazard",
        "all",
    ];

    // Dropped before an index of the one transaction: rolled back, and said so.
    proxy.set(Fault::Drop(Trigger::ClientSends(b"CREATE INDEX".to_vec())));
    let (code, took, err) = seadiff_pg(&url, &apply, dir.path(), "drop");
    assert_eq!(code, Some(2), "{err}");
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert!(err.contains("apply failed at step"), "{err}");
    assert!(err.contains("nothing was changed"), "{err}");
    assert!(
        err.contains("the connection to the server was lost"),
        "{err}"
    );
    assert!(err.contains(&endpoint), "{err}");
    assert_eq!(tables(&catalog(&db.url).await), 0);

    // Stalled at COMMIT: the answer never comes; the tool gives up within the bound and says
    // the outcome is unknown. The proxy never passed the COMMIT on, so the server rolls back.
    // (The catalog read and the data probe also end in COMMIT, inside their one message; the
    // apply's COMMIT is a simple-protocol message of its own.)
    proxy.set(Fault::Stall(Trigger::ClientSends(
        b"Q\x00\x00\x00\x0bCOMMIT\x00".to_vec(),
    )));
    let (code, took, err) = seadiff_pg(&url, &apply, dir.path(), "commit");
    assert_eq!(code, Some(2), "{err}");
    assert!(took < Duration::from_secs(12), "{took:?}");
    assert!(err.contains("may or may not have been committed"), "{err}");
    assert!(
        err.contains("no answer from the server within 2 s"),
        "{err}"
    );
    assert!(err.contains(&endpoint), "{err}");
    proxy.disconnect_all();
    sessions_gone(&db).await;
    assert_eq!(
        tables(&catalog(&db.url).await),
        0,
        "the COMMIT never reached the server"
    );

    // Undisturbed, the same apply converges.
    let (code, _, err) = seadiff_pg(
        &db.url,
        &["apply", "--yes", "--allow-hazard", "all"],
        dir.path(),
        "rerun",
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("now matches the declaration"), "{err}");
}

// ---- Redis: sampling ----

fn redis_config(dir: &Path, postgres: bool) -> String {
    let path = dir.join("schema.yaml");
    std::fs::write(
        &path,
        format!(
            "version: 1\n{}redis:\n  config:\n    maxmemory-policy: {{ value: allkeys-lru, apply: true }}\n  databases:\n    0:\n      families:\n        - {{ name: sessions, pattern: \"session:{{int}}\", type: string }}\n",
            if postgres { "postgres: { schemas: [public] }\n" } else { "" }
        ),
    )
    .expect("write schema.yaml");
    path.to_str().expect("utf-8").to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stalled_or_dropped_redis_sample_ends_in_time_and_nothing_is_written_anywhere() {
    let server = RedisServer::start();
    for i in 0..200 {
        server.cli(&["SET", &format!("session:{i}"), "x"]);
    }
    let upstream: std::net::SocketAddr =
        format!("127.0.0.1:{}", server.port).parse().expect("addr");
    let proxy = FaultProxy::start(upstream, Fault::Pass).await;
    let redis_url = format!("redis://127.0.0.1:{}/0", proxy.addr.port());
    let endpoint = format!("127.0.0.1:{}", proxy.addr.port());
    let db = TestDb::new("network::redis").await;
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = redis_config(dir.path(), true);

    for (what, fault, says) in [
        (
            "stall on SCAN",
            Fault::Stall(Trigger::ClientSends(b"SCAN".to_vec())),
            "cannot sample database 0 of",
        ),
        (
            "drop on SCAN",
            Fault::Drop(Trigger::ClientSends(b"SCAN".to_vec())),
            "cannot sample database 0 of",
        ),
    ] {
        proxy.set(fault);
        let mut c = command();
        c.args([
            "--config",
            &cfg,
            "--database-url",
            &db.url,
            "--redis-url",
            &redis_url,
            "--read-timeout",
            "2",
            "apply",
            "--yes",
            "--allow-hazard",
            "all",
        ]);
        let (code, took, _, err) =
            Running::spawn(c, dir.path(), what).wait(Duration::from_secs(60));
        assert_eq!(code, Some(2), "{what}: {err}");
        assert!(took < Duration::from_secs(10), "{what}: took {took:?}");
        assert!(err.contains(says), "{what}: {err}");
        assert!(err.contains(&endpoint), "{what}: {err}");
        // Postgres was read and planned before Redis, but nothing is written after a failed
        // read: not the Postgres tables, not the Redis setting.
        assert_eq!(tables(&catalog(&db.url).await), 0, "{what}");
        assert_eq!(
            server
                .cli(&["CONFIG", "GET", "maxmemory-policy"])
                .lines()
                .nth(1),
            Some("noeviction"),
            "{what}"
        );
    }
}

// ---- Vespa: reading the active application, and deploying ----

const SERVICES: &str = r#"<services version="1.0">
  <container id="default" version="1.0"><search/><document-api/></container>
  <content id="main" version="1.0">
    <redundancy>1</redundancy>
    <documents><document type="note" mode="index"/></documents>
    <nodes><node hostalias="node1" distribution-key="0"/></nodes>
  </content>
</services>
"#;

const NOTE: &str = "schema note {\n    document note {\n        field text type string {\n            indexing: summary | index\n        }\n    }\n}\n";

/// The same schema with a field added: a deploy without hazards.
pub(crate) fn note_v2() -> String {
    NOTE.replace(
        "    }\n}\n",
        "        field title type string {\n            indexing: summary\n        }\n    }\n}\n",
    )
}

/// A `schema.yaml` with a Vespa section (and `extra` lines inside it) and the package it
/// names, declaring [`note_v2`].
pub(crate) fn vespa_repo(dir: &Path, url: &str, extra: &str) -> String {
    std::fs::create_dir_all(dir.join("app/schemas")).expect("mkdir");
    std::fs::write(dir.join("app/services.xml"), SERVICES).expect("services.xml");
    std::fs::write(dir.join("app/schemas/note.sd"), note_v2()).expect("note.sd");
    let cfg = dir.join("schema.yaml");
    std::fs::write(
        &cfg,
        format!(
            "version: 1\nvespa:\n  url: {url}\n  package: app\n  convergence_timeout: 20s\n{extra}"
        ),
    )
    .expect("schema.yaml");
    cfg.to_str().expect("utf-8").to_owned()
}

/// The double's active application before a test: `note` without the field.
pub(crate) fn seed(double: &vespa_double::Double) -> u64 {
    double
        .seed(&[("services.xml", SERVICES), ("schemas/note.sd", NOTE)])
        .expect("seed")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stalled_deploy_or_a_dropped_read_of_the_config_server_ends_in_time_and_activates_nothing()
 {
    let double = vespa_double::start(vespa_double::Options::default())
        .await
        .expect("double");
    let session = seed(&double);
    let proxy = FaultProxy::start(double.addr, Fault::Pass).await;
    let url = format!("http://127.0.0.1:{}", proxy.addr.port());
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = vespa_repo(dir.path(), &url, "");
    let run = |what: &str| {
        let mut c = command();
        c.args([
            "--config",
            &cfg,
            "--only",
            "vespa",
            "--connect-timeout",
            "1",
            "apply",
            "--yes",
        ]);
        Running::spawn(c, dir.path(), what).wait(Duration::from_secs(90))
    };
    let posts = || {
        double
            .requests()
            .iter()
            .filter(|r| r.method == "POST")
            .count()
    };

    // The active application cannot be read: nothing is deployed.
    proxy.set(Fault::Drop(Trigger::ClientSends(b"/content/".to_vec())));
    let (code, took, _, err) = run("drop-read");
    assert_eq!(code, Some(2), "{err}");
    assert!(took < Duration::from_secs(20), "{took:?}");
    assert!(
        err.contains("cannot read the active application from") && err.contains(&url),
        "{err}"
    );
    assert_eq!(posts(), 0, "a deploy followed a failed read");
    assert_eq!(double.active_session("default"), Some(session));

    // The deploy stalls: every attempt times out (3 × --connect-timeout each, retried three
    // times), and the command ends; the double never saw it.
    proxy.set(Fault::Stall(Trigger::ClientSends(b"POST ".to_vec())));
    let (code, took, _, err) = run("stall-deploy");
    assert_eq!(code, Some(2), "{err}");
    assert!(took < Duration::from_secs(30), "{took:?}");
    assert!(err.contains("timed out"), "{err}");
    assert!(
        err.contains(&format!(
            "POST {url}/application/v2/tenant/default/prepareandactivate"
        )),
        "the error names the endpoint: {err}"
    );
    assert_eq!(posts(), 0);
    assert_eq!(double.active_session("default"), Some(session));

    // Undisturbed, the apply goes through.
    proxy.set(Fault::Pass);
    let (code, _, _, err) = run("pass");
    assert_eq!(code, Some(0), "{err}");
    assert!(
        double
            .active_file("default", "schemas/note.sd")
            .is_some_and(|f| f.contains("field title")),
        "deployed"
    );
}
