//! Model-level diffs: each test builds two catalogs and checks the steps as text.

use expect_test::{Expect, expect};

use super::*;
use crate::model::pg::{ColType, Column, ForeignKey, Index, PrimaryKey, Table};
use crate::model::pg::{EnumType, FkAction, IndexKey, SchemaDef};

fn table(cols: &[(&str, &str)]) -> Table {
    let mut t = Table::default();
    for (name, ty) in cols {
        let mut c = Column::new(*name, ColType::builtin(*ty));
        c.not_null = *name == "id";
        t.columns.push(c);
    }
    t.primary_key = Some(PrimaryKey {
        name: "pk".into(),
        columns: vec!["id".into()],
        deferrable: Default::default(),
        comment: None,
    });
    t
}

fn catalog(tables: Vec<(&str, Table)>) -> Catalog {
    let mut c = Catalog::default();
    c.schemas.insert("public".into(), SchemaDef::default());
    for (name, t) in tables {
        c.tables.insert(QName::new("public", name), t);
    }
    c
}

fn check(current: &Catalog, desired: &Catalog, expected: Expect) {
    let steps = diff(current, desired, &DiffOptions::default());
    let text: String = steps
        .iter()
        .map(|s| {
            let hazards: Vec<&str> = s.hazards.iter().map(|h| h.kind.code()).collect();
            format!(
                "{} {} {} [{}]\n{}\n",
                s.op.glyph(),
                s.kind,
                s.object.name,
                hazards.join(","),
                s.statements.join(";\n")
            )
        })
        .collect();
    expected.assert_eq(&text);
}

fn fk(columns: &[&str], to: &str, ref_columns: &[&str]) -> ForeignKey {
    ForeignKey {
        columns: columns.iter().map(|c| c.to_string()).collect(),
        ref_table: QName::new("public", to),
        ref_columns: ref_columns.iter().map(|c| c.to_string()).collect(),
        on_delete: FkAction::NoAction,
        on_update: FkAction::NoAction,
        match_full: false,
        deferrable: Default::default(),
        validated: true,
        comment: None,
    }
}

#[test]
fn identical_catalogs_need_nothing() {
    let c = catalog(vec![("t", table(&[("id", "integer"), ("a", "text")]))]);
    assert!(diff(&c, &c, &DiffOptions::default()).is_empty());
}

#[test]
fn enum_labels_are_added_at_their_position() {
    let mut a = catalog(vec![]);
    a.enums.insert(
        QName::new("public", "mood"),
        EnumType {
            labels: vec!["sad".into(), "happy".into()],
            ..EnumType::default()
        },
    );
    let mut b = a.clone();
    b.enums
        .get_mut(&QName::new("public", "mood"))
        .unwrap()
        .labels = vec!["angry".into(), "sad".into(), "meh".into(), "happy".into()];
    check(
        &a,
        &b,
        expect![[r#"
            ~ add-enum-value public.mood [irreversible]
            ALTER TYPE "public"."mood" ADD VALUE 'angry' BEFORE 'sad'
            ~ add-enum-value public.mood [irreversible]
            ALTER TYPE "public"."mood" ADD VALUE 'meh' AFTER 'sad'
        "#]],
    );
}

#[test]
fn several_enum_values_added_in_front_go_before_the_first_existing_one() {
    // Found by the random-schema property test: the first new value was placed before the
    // second, which did not exist yet.
    let mood = QName::new("public", "mood");
    let mut a = catalog(vec![]);
    a.enums.insert(
        mood.clone(),
        EnumType {
            labels: vec!["e".into()],
            ..EnumType::default()
        },
    );
    let mut b = a.clone();
    b.enums.get_mut(&mood).unwrap().labels = vec!["a".into(), "d".into(), "e".into()];
    check(
        &a,
        &b,
        expect![[r#"
            ~ add-enum-value public.mood [irreversible]
            ALTER TYPE "public"."mood" ADD VALUE 'a' BEFORE 'e'
            ~ add-enum-value public.mood [irreversible]
            ALTER TYPE "public"."mood" ADD VALUE 'd' AFTER 'a'
        "#]],
    );
}

#[test]
fn removing_an_enum_label_rewrites_the_type_and_its_columns() {
    let mood = QName::new("public", "mood");
    let mut t = table(&[("id", "integer")]);
    let mut c = Column::new("m", ColType::user(mood.clone()));
    c.default = Some("'sad'::public.mood".into());
    t.columns.push(c);
    let mut a = catalog(vec![("t", t)]);
    a.enums.insert(
        mood.clone(),
        EnumType {
            labels: vec!["sad".into(), "happy".into()],
            ..EnumType::default()
        },
    );
    let mut b = a.clone();
    b.enums.get_mut(&mood).unwrap().labels = vec!["sad".into()];
    check(
        &a,
        &b,
        expect![[r#"
            ~ replace-enum public.mood [data-loss,table-rewrite,access-exclusive-lock]
            ALTER TYPE "public"."mood" RENAME TO "mood__seadiff_old";
            CREATE TYPE "public"."mood" AS ENUM ('sad');
            ALTER TABLE "public"."t" ALTER COLUMN "m" DROP DEFAULT;
            ALTER TABLE "public"."t" ALTER COLUMN "m" TYPE "public"."mood" USING "m"::text::"public"."mood";
            ALTER TABLE "public"."t" ALTER COLUMN "m" SET DEFAULT 'sad'::public.mood;
            DROP TYPE "public"."mood__seadiff_old"
        "#]],
    );
}

#[test]
fn a_removed_label_that_was_the_default_gives_way_to_the_declared_default() {
    // Found by the random-schema property test: the replaced type used to get the current
    // default back, which names the label being removed.
    let mood = QName::new("public", "mood");
    let mut t = table(&[("id", "integer")]);
    let mut c = Column::new("m", ColType::user(mood.clone()));
    c.default = Some("'a'::public.mood".into());
    t.columns.push(c);
    let mut a = catalog(vec![("t", t)]);
    a.enums.insert(
        mood.clone(),
        EnumType {
            labels: vec!["a".into()],
            ..EnumType::default()
        },
    );
    let mut b = a.clone();
    b.enums.get_mut(&mood).unwrap().labels = vec!["b".into(), "c".into()];
    b.tables.values_mut().next().unwrap().columns[1].default = Some("'b'::public.mood".into());
    let steps = diff(&a, &b, &DiffOptions::default());
    let sql: Vec<&String> = steps.iter().flat_map(|s| &s.statements).collect();
    assert!(
        !sql.iter().any(|s| s.contains("SET DEFAULT 'a'")),
        "the removed label is set as the default again: {sql:#?}"
    );
    assert!(
        sql.iter()
            .any(|s| s.contains("SET DEFAULT 'b'::public.mood")),
        "{sql:#?}"
    );
}

#[test]
fn a_boolean_becomes_an_enum_through_its_text() {
    // Found by the random-schema property test: there is no cast from boolean to an enum.
    let mood = QName::new("public", "mood");
    let a = catalog(vec![("t", table(&[("id", "integer"), ("m", "boolean")]))]);
    let mut b = a.clone();
    b.tables.values_mut().next().unwrap().columns[1].ty = ColType::user(mood.clone());
    b.enums.insert(
        mood,
        EnumType {
            labels: vec!["true".into(), "false".into()],
            ..EnumType::default()
        },
    );
    let steps = diff(&a, &b, &DiffOptions::default());
    let sql: Vec<&String> = steps.iter().flat_map(|s| &s.statements).collect();
    assert!(
        sql.iter()
            .any(|s| s.ends_with(r#"USING "m"::text::"public"."mood""#)),
        "{sql:#?}"
    );
}

#[test]
fn an_index_moving_off_a_dropped_column_is_not_swapped() {
    // Found by the random-schema property test: the swap dropped the old index after the
    // column drop had already taken it with it.
    let ix = |col: &str| Index {
        unique: false,
        method: "btree".into(),
        keys: vec![IndexKey::column(col)],
        include: vec![],
        predicate: None,
        nulls_not_distinct: false,
        valid: true,
        comment: None,
    };
    let mut a_t = table(&[("id", "integer"), ("c", "text"), ("d", "text")]);
    a_t.indexes.insert("t_ix".into(), ix("c"));
    let a = catalog(vec![("t", a_t)]);
    let mut b_t = table(&[("id", "integer"), ("d", "text")]);
    b_t.indexes.insert("t_ix".into(), ix("d"));
    let b = catalog(vec![("t", b_t)]);
    let online = DiffOptions {
        online: Online::Always,
        ..DiffOptions::default()
    };
    let steps = diff(&a, &b, &online);
    let sql: Vec<&String> = steps.iter().flat_map(|s| &s.statements).collect();
    let column = sql
        .iter()
        .position(|s| s.contains(r#"DROP COLUMN "c""#))
        .expect("the column is dropped");
    let index = sql
        .iter()
        .position(|s| s.starts_with("DROP INDEX") && s.contains(r#""t_ix""#))
        .expect("the old index is dropped");
    assert!(index < column, "{sql:#?}");
}

#[test]
fn an_index_under_another_name_is_renamed_not_rebuilt() {
    let mut a = table(&[("id", "integer"), ("a", "text")]);
    let ix = Index {
        unique: false,
        method: "btree".into(),
        keys: vec![IndexKey::column("a")],
        include: vec![],
        predicate: None,
        nulls_not_distinct: false,
        valid: true,
        comment: None,
    };
    a.indexes.insert("t_a_idx".into(), ix.clone());
    let mut b = a.clone();
    b.indexes.clear();
    b.indexes.insert("idx-t-a".into(), ix);
    check(
        &catalog(vec![("t", a)]),
        &catalog(vec![("t", b)]),
        expect![[r#"
            ~ rename-index public.t.idx-t-a []
            ALTER INDEX "public"."t_a_idx" RENAME TO "idx-t-a"
        "#]],
    );
}

#[test]
fn foreign_keys_over_a_changing_key_are_dropped_first_and_added_last() {
    let parent = table(&[("id", "integer"), ("code", "text")]);
    let mut child = table(&[("id", "integer"), ("parent_id", "integer")]);
    child.foreign_keys.insert(
        "child_parent_fk".into(),
        fk(&["parent_id"], "parent", &["id"]),
    );
    let a = catalog(vec![("parent", parent.clone()), ("child", child.clone())]);
    let mut parent2 = parent;
    parent2.columns[0].ty = ColType::builtin("bigint");
    let mut child2 = child;
    child2.columns[1].ty = ColType::builtin("bigint");
    let b = catalog(vec![("parent", parent2), ("child", child2)]);
    check(
        &a,
        &b,
        expect![[r#"
            - drop-foreign-key public.child.child_parent_fk []
            ALTER TABLE "public"."child" DROP CONSTRAINT "child_parent_fk"
            ~ alter-column-type public.child.parent_id [table-rewrite,access-exclusive-lock]
            ALTER TABLE "public"."child" ALTER COLUMN "parent_id" TYPE bigint
            ~ alter-column-type public.parent.id [table-rewrite,access-exclusive-lock]
            ALTER TABLE "public"."parent" ALTER COLUMN "id" TYPE bigint
            + add-foreign-key public.child.child_parent_fk []
            ALTER TABLE "public"."child" ADD CONSTRAINT "child_parent_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."parent" ("id") NOT VALID
            + add-foreign-key public.child.child_parent_fk [validates-rows]
            ALTER TABLE "public"."child" VALIDATE CONSTRAINT "child_parent_fk"
        "#]],
    );
}

#[test]
fn tables_in_a_foreign_key_cycle_are_dropped_after_their_keys() {
    let mut a_t = table(&[("id", "integer"), ("b_id", "integer")]);
    a_t.foreign_keys
        .insert("a_b".into(), fk(&["b_id"], "b", &["id"]));
    let mut b_t = table(&[("id", "integer"), ("a_id", "integer")]);
    b_t.foreign_keys
        .insert("b_a".into(), fk(&["a_id"], "a", &["id"]));
    let mut c_t = table(&[("id", "integer"), ("a_id", "integer")]);
    c_t.foreign_keys
        .insert("c_a".into(), fk(&["a_id"], "a", &["id"]));
    let current = catalog(vec![("a", a_t), ("b", b_t), ("c", c_t)]);
    check(
        &current,
        &catalog(vec![]),
        expect![[r#"
            - drop-foreign-key public.a.a_b []
            ALTER TABLE "public"."a" DROP CONSTRAINT "a_b"
            - drop-foreign-key public.b.b_a []
            ALTER TABLE "public"."b" DROP CONSTRAINT "b_a"
            - drop-foreign-key public.c.c_a []
            ALTER TABLE "public"."c" DROP CONSTRAINT "c_a"
            - drop-table public.a [data-loss]
            DROP TABLE "public"."a"
            - drop-table public.b [data-loss]
            DROP TABLE "public"."b"
            - drop-table public.c [data-loss]
            DROP TABLE "public"."c"
        "#]],
    );
}

#[test]
fn renamed_from_renames_the_column() {
    let a = table(&[("id", "integer"), ("mail", "text")]);
    let mut b = table(&[("id", "integer"), ("email", "text")]);
    b.columns[1].renamed_from = Some("mail".into());
    check(
        &catalog(vec![("t", a)]),
        &catalog(vec![("t", b)]),
        expect![[r#"
            ~ rename-column public.t.email []
            ALTER TABLE "public"."t" RENAME COLUMN "mail" TO "email"
        "#]],
    );
}

#[test]
fn declared_renames_rename_instead_of_rebuilding() {
    let mood = QName::new("public", "mood");
    let mut a = catalog(vec![(
        "accounts",
        table(&[("id", "integer"), ("mail", "text")]),
    )]);
    a.enums.insert(
        mood.clone(),
        EnumType {
            labels: vec!["ok".into(), "sad".into()],
            ..EnumType::default()
        },
    );
    let mut users = table(&[("id", "integer"), ("email", "text")]);
    users.renamed_from = Some("accounts".into());
    users.columns[1].renamed_from = Some("mail".into());
    let mut b = catalog(vec![("users", users)]);
    let mut e = EnumType {
        labels: vec!["content".into(), "sad".into(), "angry".into()],
        ..EnumType::default()
    };
    e.renamed_values.insert("content".into(), "ok".into());
    b.enums.insert(mood, e);
    check(
        &a,
        &b,
        expect![[r#"
            ~ rename-table public.users []
            ALTER TABLE "public"."accounts" RENAME TO "users"
            ~ rename-column public.users.email []
            ALTER TABLE "public"."users" RENAME COLUMN "mail" TO "email"
            ~ rename-enum-value public.mood []
            ALTER TYPE "public"."mood" RENAME VALUE 'ok' TO 'content'
            ~ add-enum-value public.mood [irreversible]
            ALTER TYPE "public"."mood" ADD VALUE 'angry' AFTER 'sad'
        "#]],
    );
}

fn check_with(current: &Catalog, desired: &Catalog, opts: &DiffOptions, expected: Expect) {
    let text: String = diff(current, desired, opts)
        .iter()
        .map(|s| {
            let hazards: Vec<&str> = s.hazards.iter().map(|h| h.kind.code()).collect();
            let how = if !s.transactional {
                " (no tx)"
            } else if s.isolated {
                " (alone)"
            } else {
                ""
            };
            format!(
                "{} {} {}{how} [{}]\n{}\n",
                s.op.glyph(),
                s.kind,
                s.object.name,
                hazards.join(","),
                s.statements.join(";\n")
            )
        })
        .collect();
    expected.assert_eq(&text);
}

/// A table gaining a primary key, a unique key and a partial index: steps that follow the
/// data (online on a table that holds rows).
fn keys_and_index_pair() -> (Catalog, Catalog) {
    let mut a_t = table(&[("id", "integer"), ("email", "text")]);
    a_t.primary_key = None;
    a_t.columns[0].not_null = false;
    let mut ix = Index {
        unique: false,
        method: "btree".into(),
        keys: vec![IndexKey::column("email")],
        include: vec![],
        predicate: None,
        nulls_not_distinct: false,
        valid: true,
        comment: None,
    };
    a_t.indexes.insert("t_email".into(), ix.clone());
    let a = catalog(vec![("t", a_t)]);
    let mut b_t = table(&[("id", "integer"), ("email", "text")]);
    b_t.uniques.insert(
        "t_email_key".into(),
        crate::model::pg::Unique {
            columns: vec!["email".into()],
            nulls_not_distinct: false,
            deferrable: Default::default(),
            comment: None,
        },
    );
    ix.predicate = Some("email IS NOT NULL".into());
    b_t.indexes.insert("t_email".into(), ix);
    let b = catalog(vec![("t", b_t)]);
    (a, b)
}

/// Keys and a changed index on a table that holds rows: built concurrently beside the old
/// ones, attached without a scan; on an empty table, the plain statements with no hazard.
#[test]
fn online_keys_and_index_swaps_follow_the_data() {
    let (a, b) = keys_and_index_pair();

    let mut stats = crate::postgres::probe::DataStats {
        probed: true,
        ..Default::default()
    };
    stats.nonempty.insert(QName::new("public", "t"), true);
    let rows = DiffOptions {
        stats: stats.clone(),
        ..DiffOptions::default()
    };
    check_with(
        &a,
        &b,
        &rows,
        expect![[r#"
            ~ set-not-null public.t.id []
            ALTER TABLE "public"."t" ADD CONSTRAINT "seadiff_not_null_id" CHECK ("id" IS NOT NULL) NOT VALID
            + add-primary-key public.t.pk (no tx) [non-transactional,index-build]
            CREATE UNIQUE INDEX CONCURRENTLY "pk" ON "public"."t" USING "btree" ("id")
            + add-unique public.t.t_email_key (no tx) [non-transactional,index-build]
            CREATE UNIQUE INDEX CONCURRENTLY "t_email_key" ON "public"."t" USING "btree" ("email")
            + add-unique public.t.t_email_key []
            ALTER TABLE "public"."t" ADD CONSTRAINT "t_email_key" UNIQUE USING INDEX "t_email_key"
            ~ rebuild-index public.t.t_email (no tx) [non-transactional,index-build]
            CREATE INDEX CONCURRENTLY "t_email_seadiff_new" ON "public"."t" USING "btree" ("email") WHERE email IS NOT NULL
            ~ rebuild-index public.t.t_email (no tx) [non-transactional]
            DROP INDEX CONCURRENTLY "public"."t_email"
            ~ rebuild-index public.t.t_email []
            ALTER INDEX "public"."t_email_seadiff_new" RENAME TO "t_email"
            ~ set-not-null public.t.id (alone) [validates-rows]
            ALTER TABLE "public"."t" VALIDATE CONSTRAINT "seadiff_not_null_id"
            ~ set-not-null public.t.id []
            ALTER TABLE "public"."t" ALTER COLUMN "id" SET NOT NULL;
            ALTER TABLE "public"."t" DROP CONSTRAINT "seadiff_not_null_id"
            + add-primary-key public.t.pk []
            ALTER TABLE "public"."t" ADD CONSTRAINT "pk" PRIMARY KEY USING INDEX "pk"
        "#]],
    );

    stats.nonempty.insert(QName::new("public", "t"), false);
    let empty = DiffOptions {
        stats,
        ..DiffOptions::default()
    };
    check_with(
        &a,
        &b,
        &empty,
        expect![[r#"
        - drop-index public.t.t_email []
        DROP INDEX "public"."t_email"
        ~ set-not-null public.t.id []
        ALTER TABLE "public"."t" ALTER COLUMN "id" SET NOT NULL
        + add-primary-key public.t.pk []
        ALTER TABLE "public"."t" ADD CONSTRAINT "pk" PRIMARY KEY ("id")
        + add-unique public.t.t_email_key []
        ALTER TABLE "public"."t" ADD CONSTRAINT "t_email_key" UNIQUE ("email")
        + create-index public.t.t_email []
        CREATE INDEX "t_email" ON "public"."t" USING "btree" ("email") WHERE email IS NOT NULL
    "#]],
    );
}

/// Options after a probe that found `public.t` empty.
fn table_t_is_empty() -> DiffOptions {
    let mut stats = crate::postgres::probe::DataStats {
        probed: true,
        ..Default::default()
    };
    stats.nonempty.insert(QName::new("public", "t"), false);
    DiffOptions {
        stats,
        ..DiffOptions::default()
    }
}

/// The diff after the probe reuses the analysis `touched` made; the steps are the same as
/// without it, and an analysis of other catalogs is not used.
#[test]
fn the_analysis_from_touched_gives_the_same_diff() {
    // A declared rename (in the analysis' renames) beside an unchanged table (in its
    // unchanged set).
    let keep = table(&[("id", "integer")]);
    let a = catalog(vec![
        ("accounts", table(&[("id", "integer"), ("mail", "text")])),
        ("keep", keep.clone()),
    ]);
    let mut users = table(&[("id", "integer"), ("mail", "text")]);
    users.renamed_from = Some("accounts".into());
    let b = catalog(vec![("users", users.clone()), ("keep", keep.clone())]);
    let opts = DiffOptions::default();
    let fresh = diff_with_warnings(&a, &b, &opts);
    assert!(
        fresh.0.iter().any(|s| s.kind == "rename-table"),
        "{fresh:#?}"
    );
    let (touched, analysis) = touched_analysed(&a, &b, &opts);
    assert!(touched.tables.contains(&QName::new("public", "accounts")));
    assert_eq!(diff_analysed(&a, &b, &opts, Some(analysis)), fresh);

    // The same tables without the rename: its analysis, taken for `a → b`, would drop and
    // create instead of renaming. It is not taken.
    users.renamed_from = None;
    let c = catalog(vec![("users", users), ("keep", keep)]);
    let (_, other) = touched_analysed(&a, &c, &opts);
    assert_ne!(diff_with_warnings(&a, &c, &opts).0, fresh.0);
    assert_eq!(diff_analysed(&a, &b, &opts, Some(other)), fresh);
}

/// The rollback is planned for the day it runs: as if every table held rows, whatever the
/// probe found before the forward plan.
#[test]
fn the_rollback_does_not_use_the_probe() {
    let (a, b) = keys_and_index_pair();
    let opts = table_t_is_empty();
    let plan = crate::postgres::make_plan(&a, &b, &opts, &[]);
    // Forward, on the empty table: plain statements.
    assert!(plan.steps.iter().all(|s| s.transactional), "{plan:#?}");
    let back = plan.rollback.as_deref().expect("a rollback");
    let online = diff(&b, &a, &DiffOptions::default());
    assert_eq!(back.steps.len(), online.len());
    for (s, o) in back.steps.iter().zip(&online) {
        assert_eq!(s.statements, o.statements);
    }
    assert!(
        back.steps
            .iter()
            .any(|s| s.statements.iter().any(|q| q.contains("CONCURRENTLY"))),
        "the way back builds and drops indexes without blocking writes: {back:#?}"
    );
    // Its fingerprints are the forward ones, the other way round.
    let fwd = &plan.fingerprints[&Store::Postgres];
    let rev = &back.fingerprints[&Store::Postgres];
    assert_eq!((&rev.current, &rev.desired), (&fwd.desired, &fwd.current));
}
