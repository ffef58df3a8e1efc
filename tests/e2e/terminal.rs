//! `apply` on a real terminal (a pty from util-linux `script`): it asks, and only "y" applies.

use assert_cmd::Command;
use seadiff_tests::TestDb;

use crate::{assert_exit, repo_config, stdout};

fn apply_on_a_terminal(url: &str, answer: &str) -> std::process::Output {
    let line = format!(
        "'{}' --config '{}' --database-url '{url}' --only postgres apply",
        env!("CARGO_BIN_EXE_seadiff"),
        repo_config()
    );
    Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env("NO_COLOR", "1")
        .env_remove("DATABASE_URL")
        .write_stdin(answer)
        .output()
        .expect("util-linux `script` runs seadiff on a pseudo-terminal (install util-linux)")
}

#[tokio::test]
async fn apply_asks_on_a_terminal_and_only_yes_applies() {
    let db = TestDb::new("terminal::confirm").await;
    let users = "SELECT relname::text FROM pg_class WHERE relname = 'users'";

    let no = apply_on_a_terminal(&db.url, "n\n");
    assert_exit(&no, 2);
    assert!(stdout(&no).contains("[y/N]"), "no prompt: {}", stdout(&no));
    assert!(stdout(&no).contains("nothing applied"), "{}", stdout(&no));
    assert!(
        db.column(users).await.is_empty(),
        "answering no must not apply"
    );

    let yes = apply_on_a_terminal(&db.url, "y\n");
    assert_exit(&yes, 0);
    assert!(
        stdout(&yes).contains("now matches the declaration"),
        "{}",
        stdout(&yes)
    );
    assert_eq!(db.column(users).await, ["users"]);
}

/// Runs `seadiff ARGS` on a pseudo-terminal, with `NO_COLOR` set or not.
fn on_a_terminal(url: &str, args: &str, no_color: bool) -> String {
    let line = format!(
        "'{}' --config '{}' --database-url '{url}' --only postgres {args}",
        env!("CARGO_BIN_EXE_seadiff"),
        repo_config()
    );
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &line, "/dev/null"])
        .env_remove("DATABASE_URL")
        .env_remove("NO_COLOR");
    if no_color {
        cmd.env("NO_COLOR", "1");
    }
    let out = cmd.write_stdin("").output().expect("util-linux `script`");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn colour_only_on_a_terminal_and_never_with_no_color() {
    let db = TestDb::new("terminal::colour").await;
    let coloured = on_a_terminal(&db.url, "plan", false);
    assert!(
        coloured.contains("\x1b["),
        "no colour on a terminal:\n{coloured}"
    );
    assert!(
        coloured.contains("reading the schema of"),
        "no progress on a terminal:\n{coloured}"
    );
    let plain = on_a_terminal(&db.url, "plan", true);
    assert!(
        !plain.contains("\x1b["),
        "escape codes with NO_COLOR:\n{plain:?}"
    );
    assert!(plain.contains("to add"), "{plain}");
    // Not a terminal, no NO_COLOR: still plain.
    let piped = Command::new(env!("CARGO_BIN_EXE_seadiff"))
        .args([
            "--config",
            &repo_config(),
            "--database-url",
            &db.url,
            "--only",
            "postgres",
            "plan",
        ])
        .env_remove("NO_COLOR")
        .env_remove("DATABASE_URL")
        .output()
        .expect("run seadiff");
    let both = format!(
        "{}{}",
        stdout(&piped),
        String::from_utf8_lossy(&piped.stderr)
    );
    assert!(!both.contains('\x1b'), "escape codes in a pipe:\n{both:?}");
    // Machine formats on a terminal: no colour, no progress.
    let json = on_a_terminal(&db.url, "plan --format json", false);
    assert!(
        !json.contains('\x1b'),
        "escape codes in JSON on a terminal:\n{json:?}"
    );
}

#[tokio::test]
async fn quiet_leaves_only_the_output() {
    let db = TestDb::new("terminal::quiet").await;
    let loud = on_a_terminal(&db.url, "apply --yes", true);
    assert!(loud.contains("now matches the declaration"), "{loud}");
    let db = TestDb::new("terminal::quiet2").await;
    let quiet = on_a_terminal(&db.url, "--quiet apply --yes", true);
    assert!(!quiet.contains("now matches the declaration"), "{quiet}");
    assert!(
        quiet.contains("to add"),
        "the plan itself still shows: {quiet}"
    );
}
