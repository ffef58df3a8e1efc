//! Acceptance for safe plans: every hazard code is named and blocks until allowed; drops
//! show what they lose; a failed concurrent index build is detected and rebuilt; saved plans
//! refuse a changed database; one apply at a time; lock timeouts are retried; the rollback
//! and `--verify` work through the command line.

use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use seadiff_tests::{TestDb, admin_url};
use serde_json::Value;

use crate::{assert_exit, repo_config, seadiff, seadiff_with, stderr, stdout};

/// `seadiff diff --from live --to reference` with extra arguments.
fn diff(live: &TestDb, reference: &TestDb, args: &[&str]) -> std::process::Output {
    let mut all = vec!["diff", "--from", &live.url, "--to", &reference.url];
    all.extend_from_slice(args);
    seadiff_with(&[], &all)
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(out))
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", stdout(out), stderr(out)))
}

/// Every hazard code in a JSON plan.
fn codes(doc: &Value) -> BTreeSet<String> {
    doc["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["hazards"].as_array().into_iter().flatten())
        .filter_map(|h| h["kind"].as_str().map(str::to_owned))
        .collect()
}

/// Every hazard reason in a JSON plan, one string.
fn reasons(doc: &Value) -> String {
    doc["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["hazards"].as_array().into_iter().flatten())
        .filter_map(|h| h["why"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn allow(codes: impl IntoIterator<Item = String>) -> Vec<String> {
    codes
        .into_iter()
        .flat_map(|c| ["--allow-hazard".to_owned(), c])
        .collect()
}

/// A live database and a reference, each built from its SQL.
async fn pair(key: &str, live_sql: &str, desired_sql: &str) -> (TestDb, TestDb) {
    let live = TestDb::new(&format!("safety::{key}::live")).await;
    live.exec(live_sql).await;
    let reference = TestDb::new(&format!("safety::{key}::ref")).await;
    reference.exec(desired_sql).await;
    (live, reference)
}

/// The hazard acceptance: the plan names `code`; apply refuses while `code` is the one hazard
/// not allowed, changing nothing; with every hazard of the plan allowed it applies and
/// converges. Returns the plan.
async fn hazard(code: &str, live: &TestDb, reference: &TestDb, extra: &[&str]) -> Value {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    let doc = json(&diff(live, reference, &args));
    let all = codes(&doc);
    assert!(all.contains(code), "the plan does not name {code}: {doc:#}");

    let others = allow(all.iter().filter(|c| *c != code).cloned());
    let mut refuse: Vec<&str> = vec!["--apply", "--yes"];
    refuse.extend(extra);
    refuse.extend(others.iter().map(String::as_str));
    let refused = diff(live, reference, &refuse);
    assert_exit(&refused, 2);
    let err = stderr(&refused);
    assert!(
        err.contains("refusing to apply") && err.contains(&format!("--allow-hazard {code}")),
        "{err}"
    );
    let again = json(&diff(live, reference, &args));
    assert_eq!(
        again["steps"], doc["steps"],
        "a refused apply changed the database"
    );

    let every = allow(all.iter().cloned());
    let mut proceed: Vec<&str> = vec!["--apply", "--yes"];
    proceed.extend(extra);
    proceed.extend(every.iter().map(String::as_str));
    let applied = diff(live, reference, &proceed);
    assert_exit(&applied, 0);
    assert!(
        stderr(&applied).contains("now matches"),
        "{}",
        stderr(&applied)
    );
    doc
}

#[tokio::test]
async fn data_loss_names_the_rows_and_values_a_drop_loses() {
    let (live, reference) = pair(
        "data-loss",
        "CREATE TABLE keep (id int PRIMARY KEY, note text, empty text);
         INSERT INTO keep VALUES (1, 'a', NULL), (2, 'b', NULL), (3, NULL, NULL);
         CREATE TABLE gone (id int); INSERT INTO gone VALUES (1), (2);
         CREATE TABLE vacant (id int);",
        "CREATE TABLE keep (id int PRIMARY KEY);",
    )
    .await;
    let doc = hazard("data-loss", &live, &reference, &[]).await;
    let why = reasons(&doc);
    assert!(why.contains("drops the table and its 2 rows"), "{why}");
    assert!(
        why.contains("drops the column and its 2 non-null values"),
        "{why}"
    );
    assert!(
        why.contains("drops the column (it holds no values)"),
        "{why}"
    );
    assert!(why.contains("drops the table (it holds no rows)"), "{why}");
    // The rollback says what it cannot bring back, and only that.
    let lost: Vec<&str> = doc["rollback"]["irreversible"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(lost.len(), 2, "{lost:?}");
    assert!(lost.iter().all(|l| l.contains("not the data")), "{lost:?}");
}

#[tokio::test]
async fn table_rewrite_and_access_exclusive_lock_on_a_type_change() {
    let (live, reference) = pair(
        "rewrite",
        "CREATE TABLE t (id int PRIMARY KEY, n int); INSERT INTO t VALUES (1, 1);",
        "CREATE TABLE t (id int PRIMARY KEY, n bigint);",
    )
    .await;
    hazard("table-rewrite", &live, &reference, &[]).await;
    let (live, reference) = pair(
        "lock",
        "CREATE TABLE t (id int PRIMARY KEY, n int); INSERT INTO t VALUES (1, 1);",
        "CREATE TABLE t (id int PRIMARY KEY, n bigint);",
    )
    .await;
    hazard("access-exclusive-lock", &live, &reference, &[]).await;
}

#[tokio::test]
async fn index_build_without_online_ddl() {
    let (live, reference) = pair(
        "index",
        "CREATE TABLE t (id int, n int); INSERT INTO t VALUES (1, 1);",
        "CREATE TABLE t (id int, n int); CREATE INDEX t_n ON t (n);",
    )
    .await;
    let doc = hazard("index-build", &live, &reference, &["--no-online"]).await;
    assert_eq!(codes(&doc), BTreeSet::from(["index-build".to_owned()]));
    let sql: Vec<&str> = doc["steps"][0]["statements"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    assert!(!sql[0].contains("CONCURRENTLY"), "{sql:?}");
}

#[tokio::test]
async fn non_transactional_concurrent_index_build_when_the_table_holds_rows() {
    let (live, reference) = pair(
        "concurrent",
        "CREATE TABLE t (id int, n int); INSERT INTO t VALUES (1, 1); CREATE TABLE empty (id int, n int);",
        "CREATE TABLE t (id int, n int); CREATE INDEX t_n ON t (n);
         CREATE TABLE empty (id int, n int); CREATE INDEX empty_n ON empty (n);",
    )
    .await;
    let doc = hazard("non-transactional", &live, &reference, &[]).await;
    let steps = doc["steps"].as_array().cloned().unwrap_or_default();
    let sql_of = |name: &str| {
        steps
            .iter()
            .find(|s| s["object"]["name"].as_str() == Some(name))
            .map(|s| {
                (
                    s["statements"][0].as_str().unwrap_or_default().to_owned(),
                    s["transactional"].as_bool(),
                )
            })
    };
    // Online only where rows are: the empty table keeps a plain, transactional build.
    let (sql, tx) = sql_of("public.t.t_n").expect("t_n");
    assert!(sql.starts_with("CREATE INDEX CONCURRENTLY"), "{sql}");
    assert_eq!(tx, Some(false));
    let (sql, tx) = sql_of("public.empty.empty_n").expect("empty_n");
    assert!(!sql.contains("CONCURRENTLY"), "{sql}");
    assert_eq!(tx, Some(true));
}

#[tokio::test]
async fn validates_rows_in_a_step_of_its_own_for_a_foreign_key() {
    let (live, reference) = pair(
        "validate",
        "CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (id int, p_id int);
         INSERT INTO p VALUES (1); INSERT INTO c VALUES (1, 1);",
        "CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (id int, p_id int REFERENCES p (id));",
    )
    .await;
    let doc = hazard("validates-rows", &live, &reference, &[]).await;
    let steps = doc["steps"].as_array().cloned().unwrap_or_default();
    assert_eq!(steps.len(), 2, "{doc:#}");
    assert!(
        steps[0]["statements"][0]
            .as_str()
            .unwrap_or_default()
            .ends_with("NOT VALID"),
        "{doc:#}"
    );
    assert!(
        steps[1]["statements"][0]
            .as_str()
            .unwrap_or_default()
            .contains("VALIDATE CONSTRAINT"),
        "{doc:#}"
    );
    assert_eq!(steps[1]["isolated"], true);
    assert_ne!(
        steps[0]["group"], steps[1]["group"],
        "the validation commits on its own"
    );
}

#[tokio::test]
async fn set_not_null_online_goes_through_a_validated_check() {
    let (live, reference) = pair(
        "not-null",
        "CREATE TABLE t (id int, n int); INSERT INTO t VALUES (1, 1);",
        "CREATE TABLE t (id int, n int NOT NULL);",
    )
    .await;
    let doc = hazard("validates-rows", &live, &reference, &[]).await;
    let sql: Vec<String> = doc["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["statements"].as_array().cloned().unwrap_or_default())
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    assert!(
        sql[0].contains("CHECK (\"n\" IS NOT NULL) NOT VALID"),
        "{sql:?}"
    );
    assert!(sql[1].contains("VALIDATE CONSTRAINT"), "{sql:?}");
    assert!(
        sql[2].contains("SET NOT NULL") && sql[3].contains("DROP CONSTRAINT"),
        "{sql:?}"
    );
    assert!(!codes(&doc).contains("access-exclusive-lock"), "{doc:#}");
    assert_eq!(
        live.column("SELECT conname::text FROM pg_constraint WHERE conrelid = 't'::regclass")
            .await,
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn irreversible_enum_value_commits_before_its_use() {
    let (live, reference) = pair(
        "enum",
        "CREATE TYPE mood AS ENUM ('sad'); CREATE TABLE t (id int, m mood);",
        "CREATE TYPE mood AS ENUM ('sad', 'happy'); CREATE TABLE t (id int, m mood DEFAULT 'happy');",
    )
    .await;
    let doc = hazard("irreversible", &live, &reference, &[]).await;
    let steps = doc["steps"].as_array().cloned().unwrap_or_default();
    let add = steps
        .iter()
        .find(|s| s["kind"] == "add-enum-value")
        .expect("add-enum-value");
    let default = steps
        .iter()
        .find(|s| s["kind"] == "set-default")
        .expect("set-default");
    assert_eq!(add["isolated"], true);
    assert!(add["group"].as_u64() < default["group"].as_u64(), "{doc:#}");
}

#[tokio::test]
async fn unmanaged_dependents_are_carried_around_a_change() {
    // Entities declare users.email as varchar(255); a view the entities know nothing about
    // reads it. The retype needs the view out of the way: it is dropped and re-created.
    let live = TestDb::new("safety::unmanaged").await;
    assert_exit(&seadiff(&live.url, &["apply", "--yes"]), 0);
    live.exec("ALTER TABLE users ALTER COLUMN email TYPE text; CREATE VIEW user_emails AS SELECT email FROM users;").await;
    let config = repo_config();
    let run = |args: &[&str]| {
        let mut all = vec!["diff", "--from", &live.url, "--to", "entities"];
        all.extend_from_slice(args);
        seadiff_with(&["--config", &config], &all)
    };
    let doc = json(&run(&["--format", "json"]));
    let all = codes(&doc);
    assert!(all.contains("unmanaged-dependents"), "{doc:#}");
    let others = allow(all.iter().filter(|c| *c != "unmanaged-dependents").cloned());
    let mut refuse = vec!["--apply", "--yes"];
    refuse.extend(others.iter().map(String::as_str));
    let refused = run(&refuse);
    assert_exit(&refused, 2);
    assert!(
        stderr(&refused).contains("--allow-hazard unmanaged-dependents"),
        "{}",
        stderr(&refused)
    );

    let every = allow(all.iter().cloned());
    let mut go = vec!["--apply", "--yes"];
    go.extend(every.iter().map(String::as_str));
    assert_exit(&run(&go), 0);
    assert_eq!(live.column("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'user_emails'::regclass AND attname = 'email'").await, ["character varying(255)"]);

    // A view over a column the plan drops cannot be carried: the plan says Postgres refuses.
    live.exec("ALTER TABLE users ADD COLUMN nickname text; CREATE VIEW nicknames AS SELECT nickname FROM users;").await;
    let doc = json(&run(&["--format", "json"]));
    assert!(
        reasons(&doc).contains("view public.nicknames depends on it"),
        "{doc:#}"
    );
    let failed = run(&["--apply", "--yes", "--allow-hazard", "all"]);
    assert_exit(&failed, 2);
    assert!(
        stderr(&failed).contains("nothing was changed"),
        "{}",
        stderr(&failed)
    );
}

#[tokio::test]
async fn a_failed_concurrent_build_leaves_an_invalid_index_the_next_plan_rebuilds() {
    let (live, reference) = pair(
        "invalid",
        "CREATE TABLE t (id int, email text); INSERT INTO t VALUES (1, 'a'), (2, 'a');",
        "CREATE TABLE t (id int, email text); CREATE UNIQUE INDEX t_email ON t (email);",
    )
    .await;
    let failed = diff(
        &live,
        &reference,
        &["--apply", "--yes", "--allow-hazard", "all"],
    );
    assert_exit(&failed, 2);
    assert!(
        stderr(&failed).contains("SQLSTATE 23505"),
        "{}",
        stderr(&failed)
    );
    assert_eq!(
        live.column("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 't_email'::regclass")
            .await,
        ["false"]
    );

    let doc = json(&diff(&live, &reference, &["--format", "json"]));
    let steps: Vec<(String, String)> = doc["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            (
                s["kind"].as_str().unwrap_or_default().to_owned(),
                s["statements"][0].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(steps.len(), 2, "{steps:?}");
    assert_eq!(steps[0].0, "drop-index");
    assert!(
        steps[0].1.starts_with("DROP INDEX CONCURRENTLY"),
        "{steps:?}"
    );
    assert!(
        steps[1].1.starts_with("CREATE UNIQUE INDEX CONCURRENTLY"),
        "{steps:?}"
    );

    live.exec("DELETE FROM t WHERE id = 2").await;
    assert_exit(
        &diff(
            &live,
            &reference,
            &["--apply", "--yes", "--allow-hazard", "all"],
        ),
        0,
    );
    assert_eq!(
        live.column("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 't_email'::regclass")
            .await,
        ["true"]
    );
}

#[tokio::test]
async fn a_saved_plan_runs_only_on_the_database_it_was_made_from() {
    let db = TestDb::new("safety::saved").await;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("plan.json");
    let file = file.to_str().expect("utf-8 path");

    assert_exit(&seadiff(&db.url, &["plan", "--out", file]), 0);
    db.exec("CREATE TABLE intruder (id int)").await;
    let stale = seadiff(
        &db.url,
        &["apply", "--plan", file, "--yes", "--allow-hazard", "all"],
    );
    assert_exit(&stale, 2);
    assert!(stderr(&stale).contains("stale plan"), "{}", stderr(&stale));
    assert_eq!(
        db.column("SELECT relname::text FROM pg_class WHERE relname = 'users'")
            .await,
        Vec::<String>::new()
    );

    db.exec("DROP TABLE intruder").await;
    assert_exit(&seadiff(&db.url, &["plan", "--out", file]), 0);
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(file).expect("read plan"))
        .expect("plan JSON");
    assert!(
        saved["stores"]["postgres"]["fingerprint"]["current"]
            .as_str()
            .is_some_and(|f| f.starts_with("sha256:"))
    );
    assert_eq!(saved["tool_version"], env!("CARGO_PKG_VERSION"));
    let ok = seadiff(
        &db.url,
        &["apply", "--plan", file, "--yes", "--allow-hazard", "all"],
    );
    assert_exit(&ok, 0);
    assert!(
        stderr(&ok).contains("now matches the declaration"),
        "{}",
        stderr(&ok)
    );

    // The same file again: the database is no longer what it was made from.
    assert_exit(&seadiff(&db.url, &["apply", "--plan", file, "--yes"]), 2);
    // Its rollback takes the database back to empty.
    let back = seadiff(
        &db.url,
        &[
            "apply",
            "--plan",
            file,
            "--rollback",
            "--yes",
            "--allow-hazard",
            "all",
        ],
    );
    assert_exit(&back, 0);
    assert_eq!(
        db.column("SELECT relname::text FROM pg_class WHERE relname = 'users'")
            .await,
        Vec::<String>::new()
    );
    // A rollback is refused unless the database is in the state the plan produced.
    assert_exit(
        &seadiff(
            &db.url,
            &[
                "apply",
                "--plan",
                file,
                "--rollback",
                "--yes",
                "--allow-hazard",
                "all",
            ],
        ),
        2,
    );

    std::fs::write(file, "{\"format_version\": 1").expect("write");
    let bad = seadiff(&db.url, &["apply", "--plan", file, "--yes"]);
    assert_exit(&bad, 2);
    assert!(
        stderr(&bad).contains("is not a seadiff plan"),
        "{}",
        stderr(&bad)
    );
}

/// Waits until some session holds seadiff's apply lock on `db`.
async fn wait_for_apply_lock(db: &TestDb) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let held = db
            .column("SELECT count(*)::text FROM pg_locks WHERE locktype = 'advisory' AND granted AND ((classid::int8 << 32) | objid::int8) = hashtextextended('seadiff-apply:' || current_database(), 0)")
            .await;
        if held == ["1"] {
            return;
        }
        assert!(Instant::now() < deadline, "no apply took the lock");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn two_concurrent_applies_exactly_one_runs() {
    let db = TestDb::new("safety::concurrent").await;
    assert_exit(&seadiff(&db.url, &["apply", "--yes"]), 0);
    db.exec("DROP INDEX \"idx-users-is_active\"").await;
    // Someone holds a lock on users: the first apply waits on it, holding the apply lock.
    let mut blocker = db.connect().await;
    sqlx::raw_sql("BEGIN; LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
        .execute(&mut blocker)
        .await
        .expect("lock");

    let first = Command::new(env!("CARGO_BIN_EXE_seadiff"))
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .args([
            "--config",
            &repo_config(),
            "--database-url",
            &db.url,
            "--only",
            "postgres",
            "apply",
            "--yes",
            "--lock-timeout",
            "60",
            "--allow-hazard",
            "all",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the first apply");
    wait_for_apply_lock(&db).await;

    let second = seadiff(&db.url, &["apply", "--yes", "--allow-hazard", "all"]);
    assert_exit(&second, 2);
    assert!(
        stderr(&second).contains("another seadiff apply is running"),
        "{}",
        stderr(&second)
    );

    sqlx::raw_sql("COMMIT")
        .execute(&mut blocker)
        .await
        .expect("commit");
    let first = first.wait_with_output().expect("first apply");
    assert_exit(&first, 0);
    assert!(stderr(&first).contains("now matches"), "{}", stderr(&first));
}

#[tokio::test]
async fn an_apply_waits_for_the_lock_when_asked() {
    let db = TestDb::new("safety::lock-wait").await;
    let mut other = db.connect().await;
    sqlx::raw_sql(
        "SELECT pg_advisory_lock(hashtextextended('seadiff-apply:' || current_database(), 0))",
    )
    .execute(&mut other)
    .await
    .expect("take the apply lock");
    let release = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        drop(other);
    });
    let waited = tokio::task::spawn_blocking({
        let url = db.url.clone();
        move || seadiff(&url, &["apply", "--yes", "--lock-wait", "20"])
    })
    .await
    .expect("apply");
    release.await.expect("release");
    assert_exit(&waited, 0);
}

#[tokio::test]
async fn a_lock_timeout_is_retried() {
    let db = TestDb::new("safety::retry").await;
    assert_exit(&seadiff(&db.url, &["apply", "--yes"]), 0);
    db.exec("ALTER TABLE users ALTER COLUMN is_active SET DEFAULT false")
        .await;
    // SHARE lets seadiff read the catalog and the data, but not alter the table.
    let mut blocker = db.connect().await;
    sqlx::raw_sql("BEGIN; LOCK TABLE users IN SHARE MODE")
        .execute(&mut blocker)
        .await
        .expect("lock");
    let release = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let _ = sqlx::raw_sql("COMMIT").execute(&mut blocker).await;
    });
    let out = tokio::task::spawn_blocking({
        let url = db.url.clone();
        move || {
            seadiff(
                &url,
                &[
                    "apply",
                    "--yes",
                    "--lock-timeout",
                    "1",
                    "--lock-retries",
                    "5",
                ],
            )
        }
    })
    .await
    .expect("apply");
    release.await.expect("release");
    assert_exit(&out, 0);
    assert!(
        stderr(&out).contains("hit the lock timeout"),
        "{}",
        stderr(&out)
    );

    // Without retries the same situation fails, rolled back, and says why.
    db.exec("ALTER TABLE users ALTER COLUMN is_active SET DEFAULT false")
        .await;
    let mut blocker = db.connect().await;
    sqlx::raw_sql("BEGIN; LOCK TABLE users IN SHARE MODE")
        .execute(&mut blocker)
        .await
        .expect("lock");
    let out = seadiff(
        &db.url,
        &[
            "apply",
            "--yes",
            "--lock-timeout",
            "1",
            "--lock-retries",
            "0",
        ],
    );
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("SQLSTATE 55P03"), "{}", stderr(&out));
    sqlx::raw_sql("COMMIT")
        .execute(&mut blocker)
        .await
        .expect("commit");
}

#[tokio::test]
async fn verify_rehearses_the_plan_and_its_rollback() {
    let db = TestDb::new("safety::verify").await;
    assert_exit(&seadiff(&db.url, &["apply", "--yes"]), 0);
    db.exec("ALTER TABLE users ADD COLUMN nickname text; DROP INDEX \"idx-users-is_active\";")
        .await;
    let out = seadiff(&db.url, &["plan", "--verify", "--dev-url", &admin_url()]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("converged: a second plan is empty"), "{text}");
    assert!(
        text.contains("restored: the schema equals the copy"),
        "{text}"
    );
    // Nothing happened to the target.
    assert_eq!(db.column("SELECT attname::text FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'nickname'").await, ["nickname"]);
    // Without --dev-url, in a temporary local cluster; JSON output stays parseable.
    let out = seadiff(&db.url, &["plan", "--verify", "--format", "json"]);
    assert_exit(&out, 0);
    assert!(
        json(&out)["steps"]
            .as_array()
            .is_some_and(|s| !s.is_empty())
    );
    assert!(
        stderr(&out).contains("restored: the schema equals the copy"),
        "{}",
        stderr(&out)
    );
}
