//! Acceptance: hand-made drift is detected, named, refused when lossy, and repaired; a failing
//! apply changes nothing.

use seadiff_tests::TestDb;

use crate::{assert_exit, assert_row, seadiff, stderr, stdout};

const HAND_CHANGES: &str = r#"
    DROP INDEX "idx-tasks-is_completed";
    ALTER TABLE users ADD COLUMN nickname text;
    ALTER TABLE tasks DROP CONSTRAINT "fk-tasks-user_id",
        ADD CONSTRAINT "fk-tasks-user_id" FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL;
    ALTER TABLE users ALTER COLUMN is_active SET DEFAULT false;
    ALTER TABLE messages ALTER COLUMN role TYPE text;
    DROP TYPE message_role;
    CREATE TYPE message_role AS ENUM ('USER');
    ALTER TABLE messages ALTER COLUMN role TYPE message_role USING role::message_role;
"#;

#[tokio::test]
async fn hand_made_drift_is_named_then_repaired() {
    let db = TestDb::new("drift::hand").await;
    assert_exit(&seadiff(&db.url, &["apply", "--yes"]), 0);
    db.exec(HAND_CHANGES).await;

    let drift = seadiff(&db.url, &["drift"]);
    assert_exit(&drift, 1);
    let text = stdout(&drift);
    assert_row(
        &text,
        &["missing", "index", "public.tasks.idx-tasks-is_completed"],
    );
    assert_row(&text, &["unexpected", "column", "public.users.nickname"]);
    assert_row(
        &text,
        &["differs", "foreign-key", "public.tasks.fk-tasks-user_id"],
    );
    assert_row(
        &text,
        &[
            "differs",
            "column",
            "public.users.is_active",
            "default",
            "false",
            "→",
            "TRUE",
        ],
    );
    assert_row(
        &text,
        &[
            "differs",
            "enum",
            "public.message_role",
            "add",
            "value",
            "'ASSISTANT'",
        ],
    );
    assert!(
        text.contains("on delete set null → (user_id) → public.users (id) on delete cascade"),
        "{text}"
    );
    assert!(
        text.contains("drifted: 1 missing, 3 differing, 1 unexpected"),
        "{text}"
    );

    // Dropping the hand-added column loses data, and an added enum value cannot be taken
    // back: refused until both are allowed.
    let refused = seadiff(&db.url, &["apply", "--yes", "--allow-hazard", "data-loss"]);
    assert_exit(&refused, 2);
    let err = stderr(&refused);
    assert!(
        err.contains("--allow-hazard irreversible") && !err.contains("--allow-hazard data-loss"),
        "{err}"
    );
    assert_eq!(db.column("SELECT attname::text FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'nickname'").await, ["nickname"]);

    let apply = seadiff(
        &db.url,
        &[
            "apply",
            "--yes",
            "--allow-hazard",
            "data-loss",
            "--allow-hazard",
            "irreversible",
        ],
    );
    assert_exit(&apply, 0);
    assert!(
        stderr(&apply).contains("now matches the declaration"),
        "{}",
        stderr(&apply)
    );
    assert_exit(&seadiff(&db.url, &["drift"]), 0);
    assert_eq!(
        db.column("SELECT enumlabel::text FROM pg_enum WHERE enumtypid = 'message_role'::regtype ORDER BY enumsortorder").await,
        ["USER", "ASSISTANT"]
    );
}

#[tokio::test]
async fn a_failing_step_rolls_back_the_whole_apply() {
    let db = TestDb::new("drift::rollback").await;
    assert_exit(&seadiff(&db.url, &["apply", "--yes"]), 0);
    // Two repairs are needed; the second cannot succeed because of duplicate e-mails.
    db.exec(
        r#"DROP INDEX "idx-users-is_active";
           ALTER TABLE users DROP CONSTRAINT users_email_key;
           INSERT INTO users (id, email, hashed_password) VALUES
             (gen_random_uuid(), 'dup@example.com', 'x'), (gen_random_uuid(), 'dup@example.com', 'y');"#,
    )
    .await;
    let before = db
        .column("SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1")
        .await;
    let catalog_before = stdout(&seadiff(&db.url, &["inspect", "--format", "json"]));

    // Without online DDL both repairs share one transaction.
    let apply = seadiff(
        &db.url,
        &[
            "apply",
            "--yes",
            "--no-online",
            "--allow-hazard",
            "index-build",
        ],
    );
    assert_exit(&apply, 2);
    let err = stderr(&apply);
    assert!(
        err.contains("apply failed at step")
            && err.contains("add-unique public.users.users_email_key"),
        "{err}"
    );
    assert!(err.contains("SQLSTATE 23505"), "{err}");
    assert!(err.contains("nothing was changed"), "{err}");
    let after = db
        .column("SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1")
        .await;
    assert_eq!(
        before, after,
        "the index created before the failing step must have been rolled back"
    );
    let catalog_after = stdout(&seadiff(&db.url, &["inspect", "--format", "json"]));
    assert!(catalog_before.contains("\"tables\""), "{catalog_before}");
    assert_eq!(
        catalog_before, catalog_after,
        "the canonical catalog must be exactly as before"
    );
}

#[tokio::test]
async fn apply_needs_yes_without_a_terminal_and_knows_its_hazards() {
    let db = TestDb::new("drift::confirm").await;
    let out = seadiff(&db.url, &["apply"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("stdin is not a terminal"),
        "{}",
        stderr(&out)
    );
    assert!(
        db.column("SELECT relname::text FROM pg_class WHERE relname = 'users'")
            .await
            .is_empty()
    );

    let out = seadiff(&db.url, &["apply", "--yes", "--allow-hazard", "data-los"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("unknown hazard `data-los`"),
        "{}",
        stderr(&out)
    );
}
