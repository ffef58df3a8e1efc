//! Bad input: malformed or unknown-key schema.yaml (file:line:col), unreachable host, wrong
//! password. Each exits 2 with a clear message and never prints a password.

use differ::postgres::cluster::{Auth, TempCluster};
use tempfile::TempDir;

use crate::{assert_exit, seadiff_with, stderr, stdout};

fn config(text: &str) -> (TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("schema.yaml");
    std::fs::write(&path, text).expect("write schema.yaml");
    let p = path.display().to_string();
    (dir, p)
}

#[test]
fn malformed_yaml_names_file_line_and_column() {
    let (_dir, path) = config("version: 1\npostgres:\n  url: \"unterminated\n  schemas: [public\n");
    let out = seadiff_with(&["--config", &path], &["plan"]);
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(err.contains(&format!("{path}:")), "{err}");
    assert!(
        err.lines()
            .next()
            .is_some_and(|l| l.matches(':').count() >= 3),
        "no line:col in {err}"
    );
}

#[test]
fn unknown_keys_name_file_line_and_column() {
    let (_dir, path) =
        config("version: 1\npostgres:\n  url: postgres://x@127.0.0.1/x\n  shemas: [public]\n");
    let out = seadiff_with(&["--config", &path], &["plan"]);
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(err.contains(&format!("{path}:4:3:")), "{err}");
    assert!(err.contains("shemas"), "{err}");
    assert!(
        err.contains("4 |   shemas: [public]"),
        "the offending line is shown: {err}"
    );
}

#[test]
fn unknown_tables_in_yaml_are_errors_at_their_line() {
    let (_dir, path) = config(
        "version: 1\npostgres:\n  url: postgres://x@127.0.0.1/x\n  tables:\n    taskz:\n      comment: typo\n",
    );
    let out = seadiff_with(&["--config", &path], &["plan"]);
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "{path}:5:5: table `public.taskz` is not declared by any entity"
        )),
        "{err}"
    );
}

#[test]
fn a_missing_environment_variable_is_named() {
    let (_dir, path) = config("version: 1\npostgres:\n  url: ${SEADIFF_TEST_SURELY_UNSET}\n");
    let out = seadiff_with(&["--config", &path], &["plan"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("SEADIFF_TEST_SURELY_UNSET"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_unreachable_host_exits_2_without_the_password() {
    let (_dir, path) = config("version: 1\n");
    let url = "postgres://app:hunter2secret@127.0.0.1:1/app";
    let out = seadiff_with(
        &[
            "--config",
            &path,
            "--database-url",
            url,
            "--connect-timeout",
            "3",
        ],
        &["drift"],
    );
    assert_exit(&out, 2);
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(
        all.contains("cannot connect to postgres://app:***@127.0.0.1:1/app"),
        "{all}"
    );
    assert!(!all.contains("hunter2secret"), "password leaked: {all}");
}

#[test]
fn a_wrong_password_exits_2_without_the_password() {
    let cluster = TempCluster::start(Auth::Password("right-horse-battery".into()))
        .expect("start a local cluster");
    let (_dir, path) = config("version: 1\n");
    let wrong = format!(
        "postgres://postgres:wrong-staple-pw@127.0.0.1:{}/postgres",
        cluster.port
    );
    let out = seadiff_with(&["--config", &path, "--database-url", &wrong], &["plan"]);
    assert_exit(&out, 2);
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(all.contains("password authentication failed"), "{all}");
    assert!(!all.contains("wrong-staple-pw"), "password leaked: {all}");

    // The right password works, and is not printed either.
    let right = cluster.url("postgres");
    let out = seadiff_with(
        &["--config", &path, "--database-url", &right],
        &["plan", "--format", "json"],
    );
    assert_exit(&out, 0);
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(
        !all.contains("right-horse-battery"),
        "password leaked: {all}"
    );
    assert!(all.contains("postgres:***@127.0.0.1"), "{all}");
}

#[test]
fn a_missing_config_file_is_named() {
    let out = seadiff_with(&["--config", "/nonexistent/schema.yaml"], &["plan"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("cannot read /nonexistent/schema.yaml"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn stores_not_configured_are_refused() {
    let (_dir, path) = config("version: 1\n");
    let out = seadiff_with(&["--config", &path, "--only", "redis"], &["plan"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("store `redis` is not configured"),
        "{}",
        stderr(&out)
    );
}
