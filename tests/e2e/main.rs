//! End-to-end tests: the `seadiff` binary and the differ library against real Postgres.
//! One test binary, one module per area. Every test gets its own database (`TestDb`).

mod ci_recipes;
mod diff_command;
mod drift;
mod entities;
mod faults;
mod fleet;
mod formats;
mod hostile;
mod introspection;
mod kinds;
mod migrations;
mod network;
mod random_schemas;
mod redis;
mod reference;
mod safety;
mod secrets;
mod status;
mod terminal;
mod tls;
mod vespa;
mod yaml_extras;

use std::process::Output;

use assert_cmd::Command;

/// The repository's schema.yaml.
pub fn repo_config() -> String {
    format!("{}/../schema.yaml", env!("CARGO_MANIFEST_DIR"))
}

/// Runs `seadiff` against `url` with the repository's schema.yaml, Postgres only (the
/// repository also declares a Redis, which tests never point at a shared server); stdin is
/// not a terminal.
pub fn seadiff(url: &str, args: &[&str]) -> Output {
    seadiff_with(
        &[
            "--config",
            &repo_config(),
            "--database-url",
            url,
            "--only",
            "postgres",
        ],
        args,
    )
}

pub fn seadiff_with(global: &[&str], args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_seadiff"))
        .env_remove("DATABASE_URL")
        .env_remove("REDIS_URL")
        .env_remove("VESPA_CONFIG_URL")
        .env("NO_COLOR", "1")
        .args(global)
        .args(args)
        .write_stdin("")
        .output()
        .expect("run seadiff")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts the exit code, showing both streams when it is wrong.
#[track_caller]
pub fn assert_exit(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "expected exit {code}\n--- stdout\n{}\n--- stderr\n{}",
        stdout(o),
        stderr(o)
    );
}

/// Asserts that some line of `text` starts with these words, whatever the column padding.
#[track_caller]
pub fn assert_row(text: &str, words: &[&str]) {
    let found = text.lines().any(|l| {
        let mut it = l.split_whitespace();
        words.iter().all(|w| it.next() == Some(*w))
    });
    assert!(found, "no line starts with {words:?} in\n{text}");
}
