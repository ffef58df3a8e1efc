//! Convergence under random schemas (a property test): proptest generates pairs of schemas
//! (enums, tables, columns of several types with nullability and defaults, primary keys,
//! unique and check constraints, foreign keys with actions, plain, unique, multi-column and
//! partial indexes), loads each side into a database of its own, plans from A to B with the
//! library (`make_plan` on the two introspected catalogs, as `seadiff diff --from URL --to
//! URL` does), applies, and requires:
//!
//! 1. the apply succeeds, the catalog then equals B's, and a second plan is empty;
//! 2. the plan's rollback applies, the catalog then equals A's, and a plan back to A is empty.
//!
//! Side B is A with some of its parts replaced by those of an independently generated schema,
//! so pairs range from one change to everything different. Columns keep a type family per
//! name (numbers, text, flags or enums, times) so that every retype has a conversion Postgres
//! accepts on an empty table.
//!
//! Cases: `SEADIFF_PROPTEST_CASES` (default 8). A failure prints the two schemas (shrunk).

// The seed, the trial counts and the outcomes are reported for the closing notes.
#![allow(clippy::print_stderr)]

use std::fmt::Write as _;
use std::time::Duration;

use differ::model::pg::Catalog;
use differ::plan::Plan;
use differ::postgres::apply::{ApplyOptions, apply};
use differ::postgres::{DiffOptions, Scope, connect, introspect, make_plan};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use seadiff_tests::TestDb;

const ENUMS: [&str; 2] = ["mood", "color"];
const LABELS: [&str; 5] = ["a", "b", "c", "d", "e"];
const TABLES: [&str; 3] = ["t1", "t2", "t3"];
const COLUMNS: [&str; 4] = ["a", "b", "c", "d"];

/// Types a column may have, by column name: a family each, so retypes stay convertible.
fn types(column: usize) -> &'static [&'static str] {
    match column {
        0 => &["integer", "bigint", "numeric(10,2)", "text"],
        1 => &["text", "varchar(20)", "varchar(40)"],
        2 => &["boolean", "mood", "color", "text"],
        _ => &["timestamptz", "date", "text"],
    }
}

#[derive(Debug, Clone)]
struct Col {
    ty: usize,
    not_null: bool,
    default: bool,
    unique: bool,
    check: bool,
    /// (referenced table, ON DELETE action) for integer columns.
    fk: Option<(usize, usize)>,
}

#[derive(Debug, Clone)]
struct Index {
    columns: Vec<usize>,
    unique: bool,
    partial: bool,
}

#[derive(Debug, Clone)]
struct Table {
    columns: [Option<Col>; 4],
    indexes: Vec<Index>,
}

#[derive(Debug, Clone)]
struct Schema {
    /// Label masks (bit i: `LABELS[i]`), `None`: no such type.
    enums: [Option<u8>; 2],
    tables: [Option<Table>; 3],
}

fn col() -> impl Strategy<Value = Col> {
    (
        0usize..4,
        any::<bool>(),
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.3),
        prop::option::weighted(0.3, (0usize..3, 0usize..3)),
    )
        .prop_map(|(ty, not_null, default, unique, check, fk)| Col {
            ty,
            not_null,
            default,
            unique,
            check,
            fk,
        })
}

fn table() -> impl Strategy<Value = Table> {
    (
        [
            prop::option::weighted(0.6, col()),
            prop::option::weighted(0.6, col()),
            prop::option::weighted(0.6, col()),
            prop::option::weighted(0.6, col()),
        ],
        prop::collection::vec(
            (
                prop::collection::vec(0usize..4, 1..=2),
                prop::bool::weighted(0.3),
                prop::bool::weighted(0.3),
            )
                .prop_map(|(columns, unique, partial)| Index {
                    columns,
                    unique,
                    partial,
                }),
            0..=2,
        ),
    )
        .prop_map(|(columns, indexes)| Table { columns, indexes })
}

fn schema() -> impl Strategy<Value = Schema> {
    (
        [
            prop::option::weighted(0.7, 1u8..32),
            prop::option::weighted(0.7, 1u8..32),
        ],
        [
            prop::option::weighted(0.8, table()),
            prop::option::weighted(0.8, table()),
            prop::option::weighted(0.8, table()),
        ],
    )
        .prop_map(|(enums, tables)| Schema { enums, tables })
}

/// (A, B): B takes each enum, table and column from A or from another schema, by the bits.
fn pair() -> impl Strategy<Value = (Schema, Schema)> {
    (schema(), schema(), any::<u32>()).prop_map(|(a, other, keep)| {
        let mut b = a.clone();
        let mut bit = 0;
        let mut take = || {
            bit += 1;
            keep & (1 << (bit % 32)) == 0
        };
        for i in 0..2 {
            if take() {
                b.enums[i] = other.enums[i];
            }
        }
        for t in 0..3 {
            match (&mut b.tables[t], &other.tables[t]) {
                (Some(bt), Some(ot)) => {
                    for c in 0..4 {
                        if take() {
                            bt.columns[c] = ot.columns[c].clone();
                        }
                    }
                    if take() {
                        bt.indexes = ot.indexes.clone();
                    }
                }
                (slot, o) => {
                    if take() {
                        *slot = o.clone();
                    }
                }
            }
        }
        (a, b)
    })
}

fn labels(mask: u8) -> Vec<&'static str> {
    (0..5)
        .filter(|i| mask & (1 << i) != 0)
        .map(|i| LABELS[i])
        .collect()
}

impl Schema {
    /// The column's type on this side (an enum that does not exist here is `text`).
    fn ty(&self, column: usize, c: &Col) -> &'static str {
        let ty = types(column)[c.ty % types(column).len()];
        match ENUMS.iter().position(|e| *e == ty) {
            Some(e) if self.enums[e].is_none() => "text",
            _ => ty,
        }
    }

    fn default(&self, column: usize, c: &Col) -> String {
        match self.ty(column, c) {
            "integer" | "bigint" | "numeric(10,2)" => "7".into(),
            "boolean" => "false".into(),
            "timestamptz" => "now()".into(),
            "date" => "CURRENT_DATE".into(),
            e @ ("mood" | "color") => {
                let i = ENUMS.iter().position(|x| *x == e).unwrap_or(0);
                format!("'{}'::{e}", labels(self.enums[i].unwrap_or(1))[0])
            }
            _ => "'x'".into(),
        }
    }

    fn check(&self, column: usize, c: &Col) -> Option<String> {
        let name = COLUMNS[column];
        match self.ty(column, c) {
            "integer" | "bigint" | "numeric(10,2)" => Some(format!("{name} >= 0")),
            "text" | "varchar(20)" | "varchar(40)" => Some(format!("length({name}) > 0")),
            "date" | "timestamptz" => Some(format!("{name} > '2000-01-01'")),
            _ => None,
        }
    }

    /// The schema as SQL, in an order Postgres accepts.
    fn sql(&self) -> String {
        let mut out = String::new();
        for (i, mask) in self.enums.iter().enumerate() {
            if let Some(m) = mask {
                let l: Vec<String> = labels(*m).iter().map(|l| format!("'{l}'")).collect();
                let _ = writeln!(out, "CREATE TYPE {} AS ENUM ({});", ENUMS[i], l.join(", "));
            }
        }
        let mut later = String::new();
        for (ti, t) in self.tables.iter().enumerate() {
            let Some(t) = t else { continue };
            let tn = TABLES[ti];
            let mut cols = vec!["id integer PRIMARY KEY".to_owned()];
            for (ci, c) in t.columns.iter().enumerate() {
                let Some(c) = c else { continue };
                let cn = COLUMNS[ci];
                let mut def = format!("{cn} {}", self.ty(ci, c));
                if c.not_null {
                    def.push_str(" NOT NULL");
                }
                if c.default {
                    def.push_str(&format!(" DEFAULT {}", self.default(ci, c)));
                }
                cols.push(def);
                if c.unique && self.ty(ci, c) != "boolean" {
                    let _ = writeln!(
                        later,
                        "ALTER TABLE {tn} ADD CONSTRAINT {tn}_{cn}_key UNIQUE ({cn});"
                    );
                }
                if c.check
                    && let Some(expr) = self.check(ci, c)
                {
                    let _ = writeln!(
                        later,
                        "ALTER TABLE {tn} ADD CONSTRAINT {tn}_{cn}_check CHECK ({expr});"
                    );
                }
                if let Some((target, action)) = c.fk
                    && self.ty(ci, c) == "integer"
                    && self.tables[target].is_some()
                {
                    let on_delete = ["NO ACTION", "CASCADE", "SET NULL"][action];
                    let _ = writeln!(
                        later,
                        "ALTER TABLE {tn} ADD CONSTRAINT {tn}_{cn}_fkey FOREIGN KEY ({cn}) REFERENCES {} (id) ON DELETE {on_delete};",
                        TABLES[target]
                    );
                }
            }
            let _ = writeln!(out, "CREATE TABLE {tn} ({});", cols.join(", "));
            for (ii, ix) in t.indexes.iter().enumerate() {
                let mut names: Vec<&str> = Vec::new();
                for &c in &ix.columns {
                    if t.columns[c].is_some() && !names.contains(&COLUMNS[c]) {
                        names.push(COLUMNS[c]);
                    }
                }
                if names.is_empty() {
                    continue;
                }
                let _ = writeln!(
                    later,
                    "CREATE {}INDEX {tn}_ix{ii} ON {tn} ({}){};",
                    if ix.unique { "UNIQUE " } else { "" },
                    names.join(", "),
                    if ix.partial {
                        format!(" WHERE {} IS NOT NULL", names[0])
                    } else {
                        String::new()
                    }
                );
            }
        }
        out.push_str(&later);
        out
    }
}

fn cases() -> u32 {
    std::env::var("SEADIFF_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8)
}

async fn read(db: &TestDb) -> Result<Catalog, String> {
    let mut c = connect(&db.url, Duration::from_secs(10))
        .await
        .map_err(|e| e.to_string())?;
    Ok(introspect(&mut c, &Scope::everything())
        .await
        .map_err(|e| e.to_string())?
        .catalog)
}

fn sql_of(plan: &Plan) -> String {
    plan.steps
        .iter()
        .flat_map(|s| s.statements.iter().map(|x| format!("{x};\n")))
        .collect()
}

/// Applies `plan` to `db`, then requires its catalog to equal `want` and a new plan to be
/// empty.
async fn converge(db: &TestDb, plan: &Plan, want: &Catalog, what: &str) -> Result<(), String> {
    let mut c = db.connect().await;
    apply(&mut c, plan, &ApplyOptions::default())
        .await
        .map_err(|e| {
            format!(
                "{what}: the apply failed at {} ({}): {}\nplan:\n{}",
                e.step_id,
                e.statement,
                e.source,
                sql_of(plan)
            )
        })?;
    let now = read(db).await?;
    let again = make_plan(&now, want, &DiffOptions::default(), &[]);
    if !again.steps.is_empty() {
        return Err(format!(
            "{what}: a second plan is not empty:\n{}\nfirst plan:\n{}",
            sql_of(&again),
            sql_of(plan)
        ));
    }
    if now.comparable() != want.comparable() {
        let (a, b) = (
            serde_json::to_string_pretty(&now.comparable()).unwrap_or_default(),
            serde_json::to_string_pretty(&want.comparable()).unwrap_or_default(),
        );
        let diff: String = similar::TextDiff::from_lines(&a, &b)
            .unified_diff()
            .context_radius(2)
            .to_string()
            .lines()
            .take(40)
            .map(|l| format!("{l}\n"))
            .collect();
        return Err(format!(
            "{what}: the catalog differs from the wanted one (the re-plan sees nothing):\n{diff}"
        ));
    }
    Ok(())
}

async fn check(n: u32, a: &Schema, b: &Schema) -> Result<(), String> {
    let (sa, sb) = (a.sql(), b.sql());
    let da = TestDb::new(&format!("random_schemas::{n}::a")).await;
    let db = TestDb::new(&format!("random_schemas::{n}::b")).await;
    let load = |d: &TestDb, sql: String| {
        let url = d.url.clone();
        async move {
            let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(&url)
                .await
                .map_err(|e| e.to_string())?;
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.clone()))
                .execute(&mut c)
                .await
                .map(|_| ())
                .map_err(|e| format!("the generated schema does not load: {e}\n{sql}"))
        }
    };
    load(&da, sa.clone()).await?;
    load(&db, sb.clone()).await?;
    let start = read(&da).await?;
    let want = read(&db).await?;
    let plan = make_plan(&start, &want, &DiffOptions::default(), &[]);
    let context = format!("\n--- A:\n{sa}--- B:\n{sb}");
    converge(&da, &plan, &want, "forward")
        .await
        .map_err(|e| format!("{e}{context}"))?;
    if let Some(back) = plan.rollback.as_deref() {
        converge(&da, back, &start, "rollback")
            .await
            .map_err(|e| format!("{e}{context}"))?;
    } else if !plan.steps.is_empty() {
        return Err(format!("a plan with steps has no rollback{context}"));
    }
    Ok(())
}

#[test]
fn plans_between_random_schemas_converge_and_roll_back() {
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        max_shrink_iters: 32,
        failure_persistence: None,
        ..Config::default()
    });
    let n = std::cell::Cell::new(0u32);
    let changed = std::cell::Cell::new(0u32);
    let result = runner.run(&pair(), |(a, b)| {
        n.set(n.get() + 1);
        if a.sql() != b.sql() {
            changed.set(changed.get() + 1);
        }
        rt.block_on(check(n.get(), &a, &b))
            .map_err(TestCaseError::fail)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let (n, changed) = (n.get(), changed.get());
    eprintln!("random_schemas: {n} cases, {changed} with differences");
    assert!(changed * 2 >= n, "most generated pairs must differ");
}
