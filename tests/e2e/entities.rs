//! Acceptance at the library level: an edited entity plans exactly its edit, and hostile
//! names converge.

use differ::model::entities::EntitySet;
use differ::model::pg::Catalog;
use differ::plan::Plan;
use differ::postgres::apply::{ApplyOptions, apply};
use differ::postgres::{self, DiffOptions, Scope, make_plan};
use seadiff_tests::TestDb;
use seadiff_tests::entities::{odd, tasks_v2};

fn scope() -> Scope {
    Scope {
        schemas: Some(vec!["public".into()]),
        ignore: Default::default(),
    }
}

async fn plan_against(db: &TestDb, desired: &Catalog) -> Plan {
    let mut conn = db.connect().await;
    let live = postgres::introspect(&mut conn, &scope())
        .await
        .expect("introspect");
    make_plan(&live.catalog, desired, &DiffOptions::default(), &[])
}

/// Applies the plan to `desired`, checks that a second plan is empty, then applies the plan's
/// rollback, checks the tables are as they were, and goes forward again.
async fn converge(db: &TestDb, desired: &Catalog) {
    let mut conn = db.connect().await;
    let start = postgres::introspect(&mut conn, &scope())
        .await
        .expect("introspect")
        .catalog;
    let plan = plan_against(db, desired).await;
    apply(&mut conn, &plan, &ApplyOptions::default())
        .await
        .expect("apply");
    let again = plan_against(db, desired).await;
    assert!(
        again.is_empty(),
        "second plan is not empty: {:#?}",
        again.steps
    );

    let Some(back) = &plan.rollback else {
        assert!(plan.is_empty(), "a non-empty plan without a rollback");
        return;
    };
    apply(&mut conn, back, &ApplyOptions::default())
        .await
        .expect("apply the rollback");
    let mut restored = postgres::introspect(&mut conn, &scope())
        .await
        .expect("introspect")
        .catalog;
    let mut start = start;
    // Entities cover tables; compare what the rollback promises to restore.
    restored.coverage = desired.coverage;
    start.coverage = desired.coverage;
    let residue = make_plan(&restored, &start, &DiffOptions::default(), &[]);
    assert!(
        residue.is_empty(),
        "the rollback did not restore the start: {:#?}",
        residue.steps
    );
    assert!(
        restored.comparable().tables == start.comparable().tables,
        "tables differ after the rollback"
    );
    apply(
        &mut conn,
        &plan_against(db, desired).await,
        &ApplyOptions::default(),
    )
    .await
    .expect("re-apply");
}

fn v1() -> EntitySet {
    EntitySet::new()
        .entity::<entity::users::Entity>()
        .entity::<entity::tasks::Entity>()
        .entity::<entity::conversations::Entity>()
        .entity::<entity::messages::Entity>()
}

fn v2() -> EntitySet {
    EntitySet::new()
        .entity::<entity::users::Entity>()
        .entity::<tasks_v2::Entity>()
        .entity::<entity::conversations::Entity>()
        .entity::<entity::messages::Entity>()
}

#[tokio::test]
async fn an_edited_entity_plans_exactly_its_edit() {
    let db = TestDb::new("entities::edited").await;
    let (before, _) = v1().to_catalog("public").expect("v1");
    converge(&db, &before).await;

    let (after, _) = v2().to_catalog("public").expect("v2");
    let plan = plan_against(&db, &after).await;
    let steps: Vec<(String, String, String)> = plan
        .steps
        .iter()
        .map(|s| {
            (
                s.kind.to_string(),
                s.object.name.clone(),
                s.detail.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            (
                "alter-column-type".into(),
                "public.tasks.title".into(),
                "character varying(100) → character varying(200)".into()
            ),
            (
                "add-column".into(),
                "public.tasks.priority".into(),
                "integer".into()
            ),
            (
                "create-index".into(),
                "public.tasks.idx-tasks-completed_at".into(),
                "btree (completed_at)".into()
            ),
        ]
    );
    // Widening a varchar neither loses data nor rewrites the table; a new nullable column is free.
    assert!(
        plan.steps[0].hazards.is_empty(),
        "{:?}",
        plan.steps[0].hazards
    );
    assert!(
        plan.steps[1].hazards.is_empty(),
        "{:?}",
        plan.steps[1].hazards
    );
    converge(&db, &after).await;
}

#[tokio::test]
async fn reserved_words_mixed_case_and_63_byte_names_converge() {
    let db = TestDb::new("entities::odd").await;
    let set = EntitySet::new()
        .entity::<odd::user::Entity>()
        .entity::<odd::mixed::Entity>()
        .entity::<odd::long::Entity>();
    let (desired, warnings) = set.to_catalog("public").expect("odd entities");
    assert!(
        warnings.iter().any(|w| w.contains("longer than 63 bytes")),
        "the 72-byte column name must be reported: {warnings:?}"
    );
    converge(&db, &desired).await;
    let tables = db.column("SELECT relname::text FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY 1").await;
    assert_eq!(
        tables,
        [
            "MixedCase",
            "audit_records_whose_name_is_sixty_three_bytes_long_on_purpose_x",
            "user"
        ]
    );
    let columns = db.column("SELECT attname::text FROM pg_attribute WHERE attrelid = 'public.\"user\"'::regclass AND attnum > 0 ORDER BY attnum").await;
    assert_eq!(columns, ["id", "order", "CamelCase", "say \"hi\"; drop"]);
}

#[tokio::test]
async fn renames_declared_in_schema_yaml_keep_the_data() {
    use differ::model::config::Config;
    let db = TestDb::new("entities::yaml_renames").await;
    let (v1_catalog, _) = v1().to_catalog("public").expect("v1");
    converge(&db, &v1_catalog).await;
    // Before the rename: the users table was called accounts, and the enum said HUMAN.
    db.exec(
        "ALTER TABLE users RENAME TO accounts;
         ALTER TYPE message_role RENAME VALUE 'USER' TO 'HUMAN';
         INSERT INTO accounts (id, email, hashed_password) VALUES (gen_random_uuid(), 'a@example.com', 'x');",
    )
    .await;
    let yaml = "version: 1
postgres:
  tables:
    users: { renamed_from: accounts }
  enums:
    message_role: { renamed_values: { USER: HUMAN } }
";
    let config = Config::parse(yaml).expect("schema.yaml");
    let pg = config.postgres.expect("postgres section");
    let settings = pg.settings(&|_| None).expect("settings");
    let mut desired = v1_catalog.clone();
    pg.extend(&mut desired, &settings).expect("extend");
    let plan = plan_against(&db, &desired).await;
    let kinds: Vec<&str> = plan.steps.iter().map(|s| s.kind.as_ref()).collect();
    assert_eq!(
        kinds,
        ["rename-table", "rename-enum-value"],
        "{:#?}",
        plan.steps
    );
    // The way back renames back; it never drops and re-creates.
    let back = plan.rollback.as_deref().expect("a rollback");
    let back_kinds: Vec<&str> = back.steps.iter().map(|s| s.kind.as_ref()).collect();
    assert_eq!(
        back_kinds,
        ["rename-table", "rename-enum-value"],
        "{:#?}",
        back.steps
    );
    assert!(
        back.steps[0].statements[0].ends_with("RENAME TO \"accounts\""),
        "{:#?}",
        back.steps
    );
    converge(&db, &desired).await;
    assert_eq!(
        db.column("SELECT email FROM users").await,
        ["a@example.com"]
    );
}
