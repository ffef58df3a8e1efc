//! `apply` on a real terminal (a pty from util-linux `script`): it asks, and only "y" applies.

use assert_cmd::Command;
use seadiff_tests::TestDb;

use crate::{assert_exit, repo_config, stdout};

fn apply_on_a_terminal(url: &str, answer: &str) -> std::process::Output {
    let line = format!(
        "'{}' --config '{}' --database-url '{url}' apply",
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
