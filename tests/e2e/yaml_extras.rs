//! What entities cannot say, declared in schema.yaml, converges: extensions, CHECKs,
//! expression, partial, INCLUDE and GIN indexes, comments, extra schemas and ignored tables.

use seadiff_tests::TestDb;
use tempfile::TempDir;

use crate::{assert_exit, assert_row, seadiff_with, stdout};

const CONFIG: &str = r#"
version: 1
postgres:
  schemas: [public, audit]
  ignore:
    tables: [legacy_*]
  extensions: [pg_trgm, { name: citext }]
  comments:
    audit: "audit trail"
    public.message_role: "who wrote a message"
  tables:
    users:
      comment: "application accounts"
      columns:
        email: { comment: "login e-mail, unique" }
      indexes:
        - { name: users_email_lower_key, unique: true, columns: ["lower(email)"] }
        - { name: users_email_trgm, using: gin, columns: [{ column: email, opclass: gin_trgm_ops }] }
        - name: users_active_recent
          columns: [{ column: created_at, order: desc, nulls: last }, id]
          include: [email]
          where: "is_active AND created_at > '2020-01-01'"
    tasks:
      checks:
        - { name: tasks_title_not_blank, expr: "length(btrim(title)) > 0" }
        - { name: tasks_done_after_created, expr: "completed_at IS NULL OR completed_at >= created_at" }
      indexes:
        - name: idx-tasks-user_id-is_completed
          columns: [user_id, is_completed]
        - { name: tasks_open_by_user, columns: [user_id], where: "NOT is_completed AND description IS NOT NULL" }
    conversations:
      indexes:
        - { name: idx-conversations-user_id-is_deleted, columns: [user_id, is_deleted] }
    messages:
      checks:
        - { expr: "role = 'USER' OR char_length(content) BETWEEN 1 AND 2000" }
      indexes:
        - { name: idx-messages-conversation_id-created_at, columns: [conversation_id, created_at] }
        - { name: messages_role_text, columns: ["left(content, 20)", "date_trunc('day', created_at)"] }
"#;

fn config() -> (TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("schema.yaml");
    std::fs::write(&path, CONFIG).expect("write schema.yaml");
    let p = path.display().to_string();
    (dir, p)
}

#[tokio::test]
async fn yaml_extras_converge_and_ignored_tables_are_left_alone() {
    let db = TestDb::new("yaml_extras::converge").await;
    db.exec("CREATE TABLE legacy_orders (id int); CREATE VIEW active_users AS SELECT 1 AS one;")
        .await;
    let (_dir, path) = config();
    let run = |args: &[&str]| seadiff_with(&["--config", &path, "--database-url", &db.url], args);

    let apply = run(&["apply", "--yes"]);
    assert_exit(&apply, 0);
    let drift = run(&["drift"]);
    assert_exit(&drift, 0);
    let text = stdout(&drift);
    assert!(
        text.contains("table public.legacy_orders: excluded by ignore.tables"),
        "{text}"
    );
    assert!(
        text.contains("view public.active_users: not declared by entities"),
        "{text}"
    );

    // What the database holds, read with Postgres' own functions.
    let checks = db.column("SELECT conname || ': ' || pg_get_constraintdef(oid, true) FROM pg_constraint WHERE contype = 'c' AND conrelid <> 0 ORDER BY 1").await;
    assert_eq!(
        checks,
        [
            "messages_check: CHECK (role = 'USER'::message_role OR char_length(content::text) >= 1 AND char_length(content::text) <= 2000)",
            "tasks_done_after_created: CHECK (completed_at IS NULL OR completed_at >= created_at)",
            "tasks_title_not_blank: CHECK (length(btrim(title::text)) > 0)",
        ]
    );
    let indexes = db.column("SELECT indexdef FROM pg_indexes WHERE indexname IN ('users_email_lower_key', 'users_email_trgm', 'users_active_recent', 'messages_role_text') ORDER BY indexname").await;
    assert_eq!(
        indexes,
        [
            "CREATE INDEX messages_role_text ON public.messages USING btree (\"left\"((content)::text, 20), date_trunc('day'::text, created_at))",
            "CREATE INDEX users_active_recent ON public.users USING btree (created_at DESC NULLS LAST, id) INCLUDE (email) WHERE (is_active AND (created_at > '2020-01-01 00:00:00'::timestamp without time zone))",
            "CREATE UNIQUE INDEX users_email_lower_key ON public.users USING btree (lower((email)::text))",
            "CREATE INDEX users_email_trgm ON public.users USING gin (email gin_trgm_ops)",
        ]
    );
    let comments = db.column(
        "SELECT coalesce(obj_description('public.users'::regclass, 'pg_class'), '') || ' | ' || \
         coalesce(col_description('public.users'::regclass, 2), '') || ' | ' || \
         coalesce(obj_description('audit'::regnamespace, 'pg_namespace'), '') || ' | ' || \
         coalesce(obj_description('public.message_role'::regtype, 'pg_type'), '')",
    )
    .await;
    assert_eq!(
        comments,
        ["application accounts | login e-mail, unique | audit trail | who wrote a message"]
    );
    assert_eq!(db.column("SELECT extname::text FROM pg_extension WHERE extname IN ('citext', 'pg_trgm') ORDER BY 1").await, ["citext", "pg_trgm"]);
    // Ignored and unmanaged objects are untouched.
    assert_eq!(db.column("SELECT relname::text FROM pg_class WHERE relname IN ('legacy_orders', 'active_users') ORDER BY 1").await, ["active_users", "legacy_orders"]);
}

#[tokio::test]
async fn changing_a_declared_check_or_predicate_is_a_rebuild_and_converges() {
    let db = TestDb::new("yaml_extras::change").await;
    let (_dir, path) = config();
    assert_exit(
        &seadiff_with(
            &["--config", &path, "--database-url", &db.url],
            &["apply", "--yes"],
        ),
        0,
    );
    let changed = CONFIG
        .replace("length(btrim(title)) > 0", "length(btrim(title)) > 2")
        .replace("created_at > '2020-01-01'", "created_at > '2021-01-01'");
    std::fs::write(&path, changed).expect("write schema.yaml");
    let run = |args: &[&str]| seadiff_with(&["--config", &path, "--database-url", &db.url], args);
    let plan = run(&["plan"]);
    let text = stdout(&plan);
    assert_row(&text, &["~", "check", "public.tasks.tasks_title_not_blank"]);
    assert_row(&text, &["~", "index", "public.users.users_active_recent"]);
    assert!(text.contains("0 to add, 2 to change, 0 to drop"), "{text}");
    assert_exit(&run(&["apply", "--yes"]), 0);
    assert_exit(&run(&["drift"]), 0);
}
