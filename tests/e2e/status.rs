//! `seadiff status`: a report per store, and `--smoke` writes to every managed table inside a
//! transaction that is rolled back.

use seadiff_tests::TestDb;
use serde_json::Value;

use crate::{assert_exit, seadiff, stdout};

const COUNTS: &str = "SELECT (SELECT count(*) FROM users) || '/' || (SELECT count(*) FROM tasks) || '/' || (SELECT count(*) FROM conversations) || '/' || (SELECT count(*) FROM messages)";

#[tokio::test]
async fn smoke_passes_on_the_example_entities_and_leaves_nothing_behind() {
    let db = TestDb::new("status::smoke").await;
    assert_exit(&seadiff(&db.url, &["apply", "--yes"]), 0);
    db.exec("INSERT INTO users (id, email, hashed_password) VALUES (gen_random_uuid(), 'kept@example.com', 'x')").await;
    let before = db.column(COUNTS).await;

    let out = seadiff(&db.url, &["status", "--smoke", "--format", "json"]);
    assert_exit(&out, 0);
    let doc: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let pg = &doc["stores"]["postgres"];
    assert_eq!(pg["reachable"], true);
    assert_eq!(pg["in_sync"], true);
    assert!(
        pg["server_version"]
            .as_str()
            .is_some_and(|v| v.starts_with("PostgreSQL 1")),
        "{pg}"
    );
    let tables = pg["smoke"]["tables"].as_array().expect("smoke tables");
    assert_eq!(tables.len(), 5, "{pg}");
    assert!(tables.iter().all(|t| t["outcome"] == "passed"), "{pg}");
    assert_eq!(
        db.column(COUNTS).await,
        before,
        "the smoke test left rows behind"
    );

    let md = seadiff(&db.url, &["status", "--smoke", "--format", "markdown"]);
    assert_exit(&md, 0);
    assert!(
        stdout(&md).starts_with("<!-- seadiff:status -->"),
        "{}",
        stdout(&md)
    );
    assert!(
        stdout(&md).contains("| `public.tasks` | ✅ passed |"),
        "{}",
        stdout(&md)
    );
}

#[tokio::test]
async fn a_table_no_synthesized_row_can_satisfy_is_named_and_the_rest_still_run() {
    let db = TestDb::new("status::impossible").await;
    assert_exit(&seadiff(&db.url, &["apply", "--yes"]), 0);
    db.exec("ALTER TABLE tasks ADD CONSTRAINT tasks_impossible CHECK (title = 'x' AND length(title) > 5)").await;
    let out = seadiff(&db.url, &["status", "--smoke"]);
    assert_exit(&out, 1);
    let text = stdout(&out);
    let line = |table: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(table))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        line("public.tasks").contains("FAILED at insert")
            && line("public.tasks").contains("tasks_impossible"),
        "{text}"
    );
    for ok in [
        "public.users",
        "public.conversations",
        "public.documents",
        "public.messages",
    ] {
        assert!(line(ok).ends_with("passed"), "{ok}: {text}");
    }
    assert!(text.contains("4 of 5 tables"), "{text}");
    // The hand-added CHECK is drift, and status says so too.
    assert!(text.contains("drifted: 1 difference"), "{text}");

    // A CHECK that refuses the first shape of values but not a simpler one.
    db.exec("ALTER TABLE tasks DROP CONSTRAINT tasks_impossible, ADD CONSTRAINT tasks_short CHECK (length(title) < 3)").await;
    let text = stdout(&seadiff(&db.url, &["status", "--smoke"]));
    assert!(text.contains("passed (on attempt 2"), "{text}");
}

#[tokio::test]
async fn an_unreachable_store_is_reported_with_exit_2() {
    let out = crate::seadiff_with(
        &[
            "--config",
            &crate::repo_config(),
            "--database-url",
            "postgres://app:hunter2secret@127.0.0.1:1/app",
            "--only",
            "postgres",
            "--connect-timeout",
            "2",
        ],
        &["status"],
    );
    assert_exit(&out, 2);
    let text = stdout(&out);
    assert!(
        text.contains("UNREACHABLE") && text.contains("postgres://app:***@127.0.0.1:1/app"),
        "{text}"
    );
    assert!(!text.contains("hunter2secret"));
}
