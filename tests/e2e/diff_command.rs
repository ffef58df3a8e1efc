//! `seadiff diff --from SRC --to SRC`: every kind of source, `--apply`, and clean-up of
//! scratch databases and clusters, also when loading fails.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use assert_cmd::Command;
use differ::postgres::cluster::{Auth, TempCluster};
use seadiff_tests::{TestDb, admin_url};
use sqlx::{Connection, PgConnection};

use crate::{assert_exit, assert_row, seadiff_with, stderr, stdout};

const SCHEMA: &str = "CREATE TABLE authors (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE books (id int PRIMARY KEY, author_id int REFERENCES authors, title text);
CREATE VIEW titles AS SELECT title FROM books;
";

fn sql_file(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("schema.sql");
    std::fs::write(&path, text).expect("write schema.sql");
    let p = path.display().to_string();
    (dir, p)
}

fn diff(args: &[&str]) -> std::process::Output {
    seadiff_with(
        &["--config", "/nonexistent/schema.yaml"],
        &[&["diff"], args].concat(),
    )
}

/// `seadiff diff` with a temp directory of its own, to see what it leaves there.
fn diff_in(tmp: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_seadiff"))
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .env("TMPDIR", tmp)
        .args(["--config", "/nonexistent/schema.yaml", "diff"])
        .args(args)
        .write_stdin("")
        .output()
        .expect("run seadiff")
}

/// A private temp directory the unprivileged cluster user can traverse.
fn private_tmp() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    dir
}

fn leftovers(tmp: &Path) -> Vec<String> {
    std::fs::read_dir(tmp)
        .expect("read temp dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

/// A dev server of the test's own, so that scratch databases of other tests running at the
/// same time do not count.
fn dev_cluster() -> TempCluster {
    TempCluster::start(Auth::Trust).expect("start a local cluster")
}

/// Scratch databases seadiff left on a dev server.
async fn scratch_databases(dev: &TempCluster) -> Vec<String> {
    let mut conn = PgConnection::connect(&dev.url("postgres"))
        .await
        .expect("connect to the dev cluster");
    sqlx::query_scalar::<_, String>(
        "SELECT datname::text FROM pg_database WHERE datname LIKE 'seadiff_scratch_%'",
    )
    .fetch_all(&mut conn)
    .await
    .expect("list databases")
}

#[tokio::test]
async fn a_sql_file_on_a_temporary_cluster_diffs_against_empty_and_is_cleaned_up() {
    let (_dir, path) = sql_file(SCHEMA);
    let tmp = private_tmp();
    let out = diff_in(
        tmp.path(),
        &["--from", "empty", "--to", &path, "--exit-code"],
    );
    assert_exit(&out, 1);
    let text = stdout(&out);
    assert_row(&text, &["+", "table", "public.authors"]);
    assert_row(&text, &["+", "view", "public.titles"]);
    assert_row(
        &text,
        &["+", "foreign-key", "public.books.books_author_id_fkey"],
    );
    assert_eq!(
        leftovers(tmp.path()),
        Vec::<String>::new(),
        "temporary clusters left behind"
    );
}

#[tokio::test]
async fn a_sql_file_with_an_error_names_its_line_and_leaves_nothing_behind() {
    let dev = dev_cluster();
    let (_dir, path) =
        sql_file("CREATE TABLE ok (id int);\nCREATE TABLE broken (id int REFERENCES nowhere);\n");
    let tmp = private_tmp();
    for dev_url in [None, Some(dev.url("postgres"))] {
        let mut args = vec!["--from", "empty", "--to", path.as_str()];
        if let Some(url) = &dev_url {
            args.extend(["--dev-url", url.as_str()]);
        }
        let out = diff_in(tmp.path(), &args);
        assert_exit(&out, 2);
        let err = stderr(&out);
        assert!(
            err.contains(&format!("{path}:2:")),
            "the failing line is named: {err}"
        );
        assert!(err.contains("nowhere"), "{err}");
    }
    assert!(
        scratch_databases(&dev).await.is_empty(),
        "scratch databases left on the dev server"
    );
    assert_eq!(
        leftovers(tmp.path()),
        Vec::<String>::new(),
        "temporary clusters left behind"
    );
}

#[tokio::test]
async fn apply_brings_a_database_to_a_sql_file_on_the_dev_server() {
    let db = TestDb::new("diff_command::apply").await;
    db.exec("CREATE TABLE authors (id int PRIMARY KEY, nickname text)")
        .await;
    let (_dir, path) = sql_file(SCHEMA);
    let cluster = dev_cluster();
    let dev = cluster.url("postgres");
    let out = diff(&[
        "--from",
        &db.url,
        "--to",
        &path,
        "--dev-url",
        &dev,
        "--apply",
        "--yes",
        "--allow-hazard",
        "data-loss",
    ]);
    assert_exit(&out, 0);
    assert!(
        stderr(&out).contains("now matches the declaration"),
        "{}",
        stderr(&out)
    );
    let again = diff(&[
        "--from",
        &db.url,
        "--to",
        &path,
        "--dev-url",
        &dev,
        "--exit-code",
    ]);
    assert_exit(&again, 0);
    assert!(stdout(&again).contains("in sync"), "{}", stdout(&again));
    assert!(
        scratch_databases(&cluster).await.is_empty(),
        "scratch databases left on the dev server"
    );
    assert_eq!(
        db.column("SELECT viewname::text FROM pg_views WHERE schemaname = 'public'")
            .await,
        ["titles"]
    );
}

#[tokio::test]
async fn a_snapshot_diffs_offline_like_the_database_it_was_taken_from() {
    let db = TestDb::new("diff_command::snapshot").await;
    db.exec(SCHEMA).await;
    let cfg = tempfile::tempdir().expect("temp dir");
    let config = cfg.path().join("schema.yaml");
    std::fs::write(&config, "version: 1\n").expect("write schema.yaml");
    let config = config.display().to_string();
    let snap = seadiff_with(
        &["--config", &config, "--database-url", &db.url],
        &["inspect", "--format", "json"],
    );
    assert_exit(&snap, 0);
    let snapshot = cfg.path().join("snap.json");
    std::fs::write(&snapshot, &snap.stdout).expect("write snapshot");
    let snapshot = snapshot.display().to_string();

    let same = diff(&["--from", &db.url, "--to", &snapshot, "--exit-code"]);
    assert_exit(&same, 0);
    let from_empty = diff(&["--from", "empty", "--to", &snapshot, "--format", "json"]);
    assert_exit(&from_empty, 0);
    let doc: serde_json::Value = serde_json::from_slice(&from_empty.stdout).expect("JSON plan");
    assert_eq!(doc["status"], "changes");
    assert_eq!(
        doc["summary"]["add"], 5,
        "schema public, two tables, a view and a foreign key: {doc:#}"
    );

    let bad = cfg.path().join("bad.json");
    std::fs::write(&bad, r#"{"format_version": 99}"#).expect("write");
    let out = diff(&["--from", "empty", "--to", &bad.display().to_string()]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("format_version 99 is not supported"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn sources_are_recognized_or_refused_clearly() {
    let out = diff(&["--from", "mysql://x", "--to", "empty"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("--from: cannot tell what `mysql://x` is"),
        "{}",
        stderr(&out)
    );
    let out = diff(&["--from", "empty", "--to", "empty", "--apply"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("--apply needs --from to be a postgres:// URL"),
        "{}",
        stderr(&out)
    );
    let out = diff(&["--from", "empty", "--to", "empty", "--exit-code"]);
    assert_exit(&out, 0);
}

#[tokio::test]
async fn rename_annotations_in_a_sql_file_keep_the_data() {
    let db = TestDb::new("diff_command::renames").await;
    db.exec(
        "CREATE TYPE mood AS ENUM ('ok', 'sad');
         CREATE TABLE accounts (id int PRIMARY KEY, mail text, m mood);
         INSERT INTO accounts VALUES (1, 'a@example.com', 'ok');",
    )
    .await;
    let (_dir, path) = sql_file(
        "CREATE TYPE mood AS ENUM ('content' /* @renamed from=ok */, 'sad');
         CREATE TABLE users ( -- @renamed from=accounts
           id int PRIMARY KEY,
           email text, -- @renamed from=mail
           m mood
         );",
    );
    let dev = admin_url();
    let plan = diff(&["--from", &db.url, "--to", &path, "--dev-url", &dev]);
    assert_exit(&plan, 0);
    let text = stdout(&plan);
    assert_row(
        &text,
        &["~", "table", "public.users", "renamed", "from", "accounts"],
    );
    assert_row(
        &text,
        &[
            "~",
            "column",
            "public.users.email",
            "renamed",
            "from",
            "mail",
        ],
    );
    assert!(
        text.contains("0 to drop"),
        "renames must not drop anything:\n{text}"
    );
    let out = diff(&[
        "--from",
        &db.url,
        "--to",
        &path,
        "--dev-url",
        &dev,
        "--apply",
        "--yes",
    ]);
    assert_exit(&out, 0);
    assert_eq!(
        db.rows("SELECT email, m::text FROM users").await,
        [[Some("a@example.com".to_owned()), Some("content".to_owned())]]
    );
}
