//! `seadiff drift --fleet`: 200 databases in one run, drift planted in some and an unreachable
//! target among them; the output names exactly those. And `--shard I/N` splits the fleet into
//! disjoint slices that cover it. The databases live in a throwaway local cluster (initdb, the
//! same server binaries), which goes away with the test: dropping 200 databases one by one
//! would cost a checkpoint each.

use std::collections::{BTreeMap, BTreeSet};

use differ::postgres::cluster::{Auth, Extras, TempCluster};
use serde_json::Value;
use sqlx::{AssertSqlSafe, Connection, PgConnection};

use crate::{assert_exit, repo_config, seadiff_with, stderr, stdout};

const FLEET: usize = 200;

async fn admin(cluster: &TempCluster) -> PgConnection {
    PgConnection::connect(&cluster.url("postgres"))
        .await
        .expect("admin connection")
}

async fn exec(c: &mut PgConnection, sql: String) {
    sqlx::raw_sql(AssertSqlSafe(sql.clone()))
        .execute(c)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Parses the JSON lines: per target, its line; and the summary.
fn lines(out: &str) -> (BTreeMap<String, Value>, Value) {
    let mut targets = BTreeMap::new();
    let mut summary = Value::Null;
    for l in out.lines() {
        let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"));
        if let Some(s) = v.get("summary") {
            summary = s.clone();
        } else {
            targets.insert(v["target"].as_str().expect("target").to_owned(), v);
        }
    }
    (targets, summary)
}

#[tokio::test]
async fn two_hundred_databases_in_one_run_name_exactly_the_drifted_and_the_unreachable() {
    let shm = std::path::Path::new("/dev/shm");
    let cluster = TempCluster::start_with(
        Auth::Trust,
        Extras {
            parent: shm.is_dir().then(|| shm.to_owned()),
            ..Extras::default()
        },
    )
    .unwrap_or_else(|e| panic!("cannot start a throwaway Postgres cluster: {e}"));
    exec(
        &mut admin(&cluster).await,
        "CREATE DATABASE template_app".to_owned(),
    )
    .await;
    assert_exit(
        &seadiff_with(
            &[
                "--config",
                &repo_config(),
                "--database-url",
                &cluster.url("template_app"),
                "--only",
                "postgres",
            ],
            &["apply", "--yes"],
        ),
        0,
    );
    let names: Vec<String> = (0..FLEET).map(|i| format!("app{i:03}")).collect();
    let created = std::time::Instant::now();
    each_db(&cluster, &names, |n| {
        vec![format!("CREATE DATABASE \"{n}\" TEMPLATE template_app")]
    })
    .await;
    eprintln!("created {FLEET} databases in {:?}", created.elapsed());
    // Drift planted in seven of them, each a different kind of change.
    let planted: BTreeMap<usize, &str> = BTreeMap::from([
        (3, "ALTER TABLE users ADD COLUMN nickname text"),
        (17, "DROP INDEX \"idx-tasks-is_completed\""),
        (42, "ALTER TABLE tasks ALTER COLUMN title TYPE varchar(50)"),
        (
            99,
            "ALTER TABLE users ALTER COLUMN is_active SET DEFAULT false",
        ),
        (123, "CREATE TABLE stray (id int)"),
        (150, "ALTER TABLE documents DROP COLUMN chunk_count"),
        (199, "ALTER TYPE message_role ADD VALUE 'tool'"),
    ]);
    for (i, sql) in &planted {
        let mut c = PgConnection::connect(&cluster.url(&names[*i]))
            .await
            .expect("connect");
        exec(&mut c, (*sql).to_owned()).await;
        c.close().await.expect("close");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let mut fleet = String::from("version: 1\nconcurrency: 8\ntargets:\n");
    for (i, n) in names.iter().enumerate() {
        fleet.push_str(&format!(
            "  - {{ name: db{i:03}, postgres: \"{}\" }}\n",
            cluster.url(n)
        ));
    }
    fleet.push_str("  - { name: gone, postgres: \"postgres://app:hunter2@127.0.0.1:1/app\" }\n");
    let path = dir.path().join("fleet.yaml");
    std::fs::write(&path, &fleet).expect("fleet.yaml");
    let path = path.to_str().expect("utf-8");

    let started = std::time::Instant::now();
    let out = seadiff_with(
        &["--config", &repo_config(), "--only", "postgres"],
        &["drift", "--fleet", path],
    );
    eprintln!("checked the fleet in {:?}", started.elapsed());
    assert_exit(&out, 2);
    let text = stdout(&out);
    assert!(!text.contains("hunter2"), "a password leaked: {text}");
    let (targets, summary) = lines(&text);
    assert_eq!(targets.len(), FLEET + 1, "one line per target");
    let drifted: BTreeSet<String> = targets
        .values()
        .filter(|v| v["status"] == "drifted")
        .map(|v| v["target"].as_str().unwrap_or_default().to_owned())
        .collect();
    let want: BTreeSet<String> = planted.keys().map(|i| format!("db{i:03}")).collect();
    assert_eq!(drifted, want);
    let failed: Vec<&Value> = targets
        .values()
        .filter(|v| v["status"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["target"], "gone");
    assert!(
        failed[0]["error"]
            .as_str()
            .is_some_and(|e| e.contains("127.0.0.1:1")),
        "{}",
        failed[0]
    );
    assert_eq!(summary["targets"], FLEET + 1);
    assert_eq!(summary["in_sync"], FLEET - planted.len());
    assert_eq!(summary["drifted"], planted.len());
    assert_eq!(summary["failed"], 1);
    assert!(targets["db003"]["stores"]["postgres"]["differences"].as_u64() >= Some(1));
    assert!(
        stderr(&out).contains("fleet: 201 targets"),
        "{}",
        stderr(&out)
    );

    // Shards partition the fleet; with the unreachable target out of a shard, the exit code
    // follows what that shard found.
    let mut covered = BTreeSet::new();
    for i in 1..=3 {
        let out = seadiff_with(
            &["--config", &repo_config(), "--only", "postgres"],
            &[
                "drift",
                "--fleet",
                path,
                "--shard",
                &format!("{i}/3"),
                "--concurrency",
                "8",
            ],
        );
        let (t, s) = lines(&stdout(&out));
        assert_eq!(s["shard"], format!("{i}/3"));
        let expected = if s["failed"].as_u64() > Some(0) {
            2
        } else if s["drifted"].as_u64() > Some(0) {
            1
        } else {
            0
        };
        assert_exit(&out, expected);
        for name in t.keys() {
            assert!(covered.insert(name.clone()), "{name} is in two shards");
        }
    }
    assert_eq!(covered.len(), FLEET + 1, "the shards cover the fleet");

    drop(cluster);
}

/// Runs the statements for every database over four admin connections at once.
async fn each_db(cluster: &TempCluster, names: &[String], sql: impl Fn(&str) -> Vec<String>) {
    let chunks: Vec<Vec<String>> = names
        .chunks(names.len().div_ceil(4))
        .map(|c| c.iter().flat_map(|n| sql(n)).collect())
        .collect();
    let tasks = chunks.into_iter().map(|stmts| async move {
        let mut c = admin(cluster).await;
        for s in stmts {
            exec(&mut c, s).await;
        }
    });
    futures_util::future::join_all(tasks).await;
}

#[test]
fn bad_fleet_files_and_shards_are_refused_with_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("fleet.yaml");
    std::fs::write(
        &path,
        "version: 1\ntargets:\n  - { name: a, postgres: x }\n  - { name: a, postgres: y }\n",
    )
    .expect("write");
    let p = path.to_str().expect("utf-8");
    let out = seadiff_with(
        &["--config", &repo_config(), "--only", "postgres"],
        &["drift", "--fleet", p],
    );
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("fleet.yaml:4:"), "{}", stderr(&out));
    let out = seadiff_with(
        &["--config", &repo_config()],
        &["drift", "--fleet", p, "--shard", "5/4"],
    );
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("I must be 1 to N"),
        "{}",
        stderr(&out)
    );
}
