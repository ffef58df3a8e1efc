//! Acceptance: an empty database becomes exactly the reference schema, then stays in sync.
//! The expectations below are written from the reference in the issue, and read back with
//! Postgres' own functions, not with seadiff's introspection.

use seadiff_tests::TestDb;

use crate::{assert_exit, assert_row, seadiff, stdout};

const COLUMNS: &str = "SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) \
    || CASE WHEN a.attnotnull THEN ' not null' ELSE ' null' END \
    || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') \
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
    WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1";

const CONSTRAINTS: &str = "SELECT c.relname || ' ' || pg_get_constraintdef(k.oid) FROM pg_constraint k \
    JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
    WHERE n.nspname = 'public' ORDER BY 1";

const INDEXES: &str = "SELECT regexp_replace(indexdef, ' INDEX \\S+ ON', ' INDEX ON') FROM pg_indexes \
    WHERE schemaname = 'public' ORDER BY 1";

#[tokio::test]
async fn an_empty_database_becomes_the_reference_schema_and_stays_in_sync() {
    let db = TestDb::new("reference::empty").await;
    let out = seadiff(&db.url, &["apply", "--yes"]);
    assert_exit(&out, 0);

    let columns = db.column(COLUMNS).await;
    let expected_columns = [
        "conversations.created_at timestamp without time zone not null default now()",
        "conversations.deleted_at timestamp without time zone null",
        "conversations.id uuid not null",
        "conversations.is_deleted boolean not null default false",
        "conversations.title character varying(200) null",
        "conversations.updated_at timestamp without time zone not null default now()",
        "conversations.user_id uuid not null",
        "documents.chunk_count integer not null default 0",
        "documents.created_at timestamp without time zone not null default now()",
        "documents.id uuid not null",
        "documents.source_url text not null",
        "documents.title character varying(300) not null",
        "documents.user_id uuid not null",
        "messages.content character varying(2000) not null",
        "messages.conversation_id uuid not null",
        "messages.created_at timestamp without time zone not null default now()",
        "messages.id uuid not null",
        "messages.role message_role not null",
        "tasks.completed_at timestamp without time zone null",
        "tasks.created_at timestamp without time zone not null default now()",
        "tasks.description character varying(1000) null",
        "tasks.id uuid not null",
        "tasks.is_completed boolean not null default false",
        "tasks.title character varying(100) not null",
        "tasks.updated_at timestamp without time zone not null default now()",
        "tasks.user_id uuid not null",
        "users.created_at timestamp without time zone not null default now()",
        "users.email character varying(255) not null",
        "users.hashed_password character varying not null",
        "users.id uuid not null",
        "users.is_active boolean not null default true",
        "users.updated_at timestamp without time zone not null default now()",
    ];
    assert_eq!(columns, expected_columns);

    let constraints = db.column(CONSTRAINTS).await;
    let expected_constraints = [
        "conversations FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE",
        "conversations PRIMARY KEY (id)",
        "documents FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE",
        "documents PRIMARY KEY (id)",
        "messages FOREIGN KEY (conversation_id) REFERENCES conversations(id) ON DELETE CASCADE",
        "messages PRIMARY KEY (id)",
        "tasks FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE",
        "tasks PRIMARY KEY (id)",
        "users PRIMARY KEY (id)",
        "users UNIQUE (email)",
    ];
    assert_eq!(constraints, expected_constraints);

    let indexes = db.column(INDEXES).await;
    let expected_indexes = [
        "CREATE INDEX ON public.conversations USING btree (deleted_at)",
        "CREATE INDEX ON public.conversations USING btree (is_deleted)",
        "CREATE INDEX ON public.conversations USING btree (updated_at)",
        "CREATE INDEX ON public.conversations USING btree (user_id, is_deleted)",
        "CREATE INDEX ON public.documents USING btree (created_at)",
        "CREATE INDEX ON public.messages USING btree (conversation_id, created_at)",
        "CREATE INDEX ON public.messages USING btree (created_at)",
        "CREATE INDEX ON public.tasks USING btree (created_at)",
        "CREATE INDEX ON public.tasks USING btree (is_completed)",
        "CREATE INDEX ON public.tasks USING btree (user_id, is_completed)",
        "CREATE INDEX ON public.users USING btree (is_active)",
        "CREATE UNIQUE INDEX ON public.conversations USING btree (id)",
        "CREATE UNIQUE INDEX ON public.documents USING btree (id)",
        "CREATE UNIQUE INDEX ON public.messages USING btree (id)",
        "CREATE UNIQUE INDEX ON public.tasks USING btree (id)",
        "CREATE UNIQUE INDEX ON public.users USING btree (email)",
        "CREATE UNIQUE INDEX ON public.users USING btree (id)",
    ];
    assert_eq!(indexes, expected_indexes);

    let labels = db
        .column(
            "SELECT enumlabel::text FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid \
        WHERE t.typname = 'message_role' ORDER BY e.enumsortorder",
        )
        .await;
    assert_eq!(labels, ["USER", "ASSISTANT"]);

    let plan = seadiff(&db.url, &["plan", "--exit-code"]);
    assert_exit(&plan, 0);
    assert!(stdout(&plan).contains("in sync"), "{}", stdout(&plan));
    assert_exit(&seadiff(&db.url, &["drift"]), 0);
    let json = seadiff(&db.url, &["drift", "--format", "json"]);
    assert_exit(&json, 0);
    let doc: serde_json::Value =
        serde_json::from_slice(&json.stdout).expect("drift --format json is JSON");
    assert_eq!(doc["status"], "in-sync");
    assert_eq!(doc["steps"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn plan_lists_the_work_and_exit_code_reports_it() {
    let db = TestDb::new("reference::plan").await;
    let plan = seadiff(&db.url, &["plan", "--exit-code"]);
    assert_exit(&plan, 1);
    let text = stdout(&plan);
    assert_row(&text, &["+", "table", "public.users"]);
    assert_row(&text, &["+", "enum", "public.message_role"]);
    assert_row(
        &text,
        &["+", "foreign-key", "public.tasks.fk-tasks-user_id"],
    );
    assert!(text.contains("21 to add, 0 to change, 0 to drop"), "{text}");
    // Without --exit-code, changes are not an error.
    assert_exit(&seadiff(&db.url, &["plan"]), 0);
    // plan never writes.
    assert!(
        db.column("SELECT relname::text FROM pg_class WHERE relname = 'users'")
            .await
            .is_empty()
    );

    let sql = seadiff(&db.url, &["plan", "--format", "sql"]);
    assert_exit(&sql, 0);
    let script = stdout(&sql);
    assert!(
        script.contains("BEGIN;") && script.trim_end().ends_with("COMMIT;"),
        "{script}"
    );
    // The script is runnable as is and gives the same result as apply.
    db.exec(&script).await;
    assert_exit(&seadiff(&db.url, &["drift"]), 0);
}
