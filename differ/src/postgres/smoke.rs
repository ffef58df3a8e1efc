//! `status --smoke`: proves each managed table works by writing to it. Inside one transaction
//! that is always rolled back, every table gets a synthesized row (types, enums, NOT NULL,
//! CHECKs and foreign keys satisfied, parents first), which is read back, updated and, at
//! the end, deleted. A table where that fails is reported with the reason, under a savepoint,
//! and only its dependents are skipped; nothing else is affected.
//!
//! Sequences are not transactional: a smoke test advances the sequences behind identity and
//! serial columns, as any rolled-back insert does.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::{AssertSqlSafe, PgConnection, Row};

use super::PgError;
use super::ddl;
use super::ident::{quote_ident, quote_literal, quote_qname};
use crate::model::pg::{Catalog, ColType, Column, Identity, QName, Table};

/// What happened to one table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "outcome")]
pub enum Outcome {
    /// Inserted, read back, updated and deleted.
    Passed { attempts: u32 },
    /// A stage failed; `error` says why.
    Failed { stage: String, error: String },
    /// Not tried: a parent it needs failed, or a column type cannot be synthesized.
    Skipped { reason: String },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TableSmoke {
    pub table: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SmokeReport {
    pub tables: Vec<TableSmoke>,
}

impl SmokeReport {
    pub fn passed(&self) -> bool {
        self.tables
            .iter()
            .all(|t| matches!(t.outcome, Outcome::Passed { .. }))
    }
}

/// How values are chosen: try one shape, and if a CHECK refuses it, another.
const VARIANTS: u32 = 3;

/// A literal for a built-in type (by the name Postgres prints), or `None`.
fn builtin_value(name: &str, variant: u32, salt: u32) -> Option<String> {
    let base = name.split('(').next().unwrap_or(name).trim();
    let len = name
        .split_once('(')
        .and_then(|(_, rest)| rest.trim_end_matches(')').split(',').next())
        .and_then(|n| n.trim().parse::<usize>().ok());
    let text = |s: String| {
        let s = match len {
            Some(n) => s.chars().take(n.max(1)).collect(),
            None => s,
        };
        quote_literal(&s)
    };
    let int = |big: i64| match variant {
        0 => big,
        1 => 1,
        _ => 0,
    };
    let salt = i64::from(salt);
    Some(match base {
        "smallint" => int(32_000 - salt).to_string(),
        "integer" => int(2_000_000_000 - salt).to_string(),
        "bigint" => int(9_000_000_000_000_000_000 - salt).to_string(),
        "numeric" | "decimal" | "real" | "double precision" | "money" => match variant {
            0 => "1.5".to_owned(),
            1 => "1".to_owned(),
            _ => "0".to_owned(),
        },
        "text" | "character varying" | "citext" | "name" => match variant {
            0 => text(format!("seadiff smoke {salt}")),
            1 => text("a".to_owned()),
            _ => text(String::new()),
        },
        "character" | "bpchar" | "char" => text(if variant == 1 {
            "a".to_owned()
        } else {
            "s".to_owned()
        }),
        "boolean" => if variant == 2 { "false" } else { "true" }.to_owned(),
        "uuid" => "gen_random_uuid()".to_owned(),
        "timestamp without time zone"
        | "timestamp with time zone"
        | "timestamp"
        | "timestamptz" => "now()".to_owned(),
        "date" => "CURRENT_DATE".to_owned(),
        "time without time zone" | "time with time zone" | "time" => "CURRENT_TIME".to_owned(),
        "interval" => "'1 day'".to_owned(),
        "json" | "jsonb" => if variant == 1 { "'[]'" } else { "'{}'" }.to_owned(),
        "bytea" => "'\\x00'".to_owned(),
        "inet" | "cidr" => "'127.0.0.1'".to_owned(),
        "macaddr" => "'08:00:2b:01:02:03'".to_owned(),
        "xml" => "'<smoke/>'".to_owned(),
        "tsvector" => "'smoke'".to_owned(),
        "point" => "'(0,0)'".to_owned(),
        "bit" | "bit varying" => "B'1'".to_owned(),
        "oid" => "1".to_owned(),
        _ => return None,
    })
}

/// An expression of `ty` (cast to it), or why there is none.
fn value(c: &Catalog, ty: &ColType, variant: u32, salt: u32) -> Result<String, String> {
    let cast = ddl::col_type(ty);
    if ty.array {
        return Ok(format!("'{{}}'::{cast}"));
    }
    if let Some(q) = ty.user_type() {
        if let Some(e) = c.enums.get(&q) {
            let label = e
                .labels
                .get(variant as usize % e.labels.len().max(1))
                .or(e.labels.first())
                .ok_or("an enum without labels")?;
            return Ok(format!("{}::{cast}", quote_literal(label)));
        }
        if let Some(d) = c.domains.get(&q) {
            if let Some(def) = &d.default {
                return Ok(format!("({def})::{cast}"));
            }
            return value(c, &d.base, variant, salt).map(|v| format!("({v})::{cast}"));
        }
        return Err(format!("values of type {ty} cannot be synthesized"));
    }
    builtin_value(&ty.name, variant, salt)
        .map(|v| format!("{v}::{cast}"))
        .ok_or_else(|| format!("values of type {ty} cannot be synthesized"))
}

/// Tables in an order where every table comes after those it references (cycles broken).
fn parents_first<'a>(tables: &'a BTreeMap<QName, &'a Table>) -> Vec<&'a QName> {
    let mut out: Vec<&QName> = Vec::new();
    let mut done: BTreeSet<&QName> = BTreeSet::new();
    fn visit<'a>(
        q: &'a QName,
        tables: &'a BTreeMap<QName, &'a Table>,
        done: &mut BTreeSet<&'a QName>,
        out: &mut Vec<&'a QName>,
        path: &mut Vec<&'a QName>,
    ) {
        if done.contains(q) || path.contains(&q) {
            return;
        }
        path.push(q);
        if let Some(t) = tables.get(q) {
            for fk in t.foreign_keys.values() {
                if let Some((parent, _)) = tables.get_key_value(&fk.ref_table) {
                    visit(parent, tables, done, out, path);
                }
            }
        }
        path.pop();
        if done.insert(q) {
            out.push(q);
        }
    }
    for q in tables.keys() {
        visit(q, tables, &mut done, &mut out, &mut Vec::new());
    }
    out
}

fn db_error(e: &sqlx::Error) -> String {
    match e.as_database_error() {
        Some(d) => {
            let mut s = d.message().to_owned();
            if let Some(code) = d.code() {
                s.push_str(&format!(" (SQLSTATE {code})"));
            }
            s
        }
        None => e.to_string(),
    }
}

/// One inserted row: where it is, and the values children refer to.
struct Inserted {
    ctid: String,
    /// Column → its value as text, for the columns foreign keys point at.
    keys: BTreeMap<String, Option<String>>,
}

/// Runs the smoke test on `tables` of the live catalog `c`. Everything is rolled back.
pub async fn smoke(
    conn: &mut PgConnection,
    c: &Catalog,
    tables: &BTreeSet<QName>,
) -> Result<SmokeReport, PgError> {
    let q = |e: sqlx::Error| PgError::Query {
        what: "run the smoke test",
        source: e,
    };
    let managed: BTreeMap<QName, &Table> = c
        .tables
        .iter()
        .filter(|(q, t)| tables.contains(*q) && t.partition_by.is_none())
        .map(|(q, t)| (q.clone(), t))
        .collect();
    // Columns of each table that foreign keys point at.
    let mut referenced: BTreeMap<&QName, BTreeSet<&str>> = BTreeMap::new();
    for t in managed.values() {
        for fk in t.foreign_keys.values() {
            referenced
                .entry(&fk.ref_table)
                .or_default()
                .extend(fk.ref_columns.iter().map(String::as_str));
        }
    }
    sqlx::raw_sql("BEGIN; SET LOCAL statement_timeout = '30s'; SET LOCAL lock_timeout = '5s'")
        .execute(&mut *conn)
        .await
        .map_err(q)?;
    let mut report = SmokeReport::default();
    let mut rows: BTreeMap<QName, Inserted> = BTreeMap::new();
    let mut order_done: Vec<QName> = Vec::new();
    let result = async {
        for (salt, tq) in parents_first(&managed).into_iter().enumerate() {
            let t = managed[tq];
            let salt = u32::try_from(salt).unwrap_or(0);
            let outcome = one_table(conn, c, tq, t, &referenced, &mut rows, salt)
                .await
                .map_err(q)?;
            if matches!(outcome, Outcome::Passed { .. }) {
                order_done.push(tq.clone());
            }
            report.tables.push(TableSmoke {
                table: tq.to_string(),
                outcome,
            });
        }
        // Delete children before parents.
        for tq in order_done.iter().rev() {
            let Some(row) = rows.get(tq) else { continue };
            let sql = format!(
                "SAVEPOINT seadiff_smoke; DELETE FROM {} WHERE ctid = {}::tid",
                quote_qname(tq),
                quote_literal(&row.ctid)
            );
            let deleted = match sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut *conn).await {
                Ok(r) if r.rows_affected() == 1 => Ok(()),
                // A cascade from a parent deleted earlier... but children go first, so this
                // means the row was not found.
                Ok(_) => Err("the row was not found for deletion".to_owned()),
                Err(e) => Err(db_error(&e)),
            };
            if let Err(error) = deleted {
                let _ = sqlx::raw_sql("ROLLBACK TO SAVEPOINT seadiff_smoke")
                    .execute(&mut *conn)
                    .await;
                if let Some(entry) = report.tables.iter_mut().find(|x| x.table == tq.to_string()) {
                    entry.outcome = Outcome::Failed {
                        stage: "delete".to_owned(),
                        error,
                    };
                }
            }
        }
        Ok::<(), PgError>(())
    }
    .await;
    let rollback = sqlx::raw_sql("ROLLBACK")
        .execute(&mut *conn)
        .await
        .map_err(q);
    result?;
    rollback?;
    Ok(report)
}

async fn one_table(
    conn: &mut PgConnection,
    c: &Catalog,
    tq: &QName,
    t: &Table,
    referenced: &BTreeMap<&QName, BTreeSet<&str>>,
    rows: &mut BTreeMap<QName, Inserted>,
    salt: u32,
) -> Result<Outcome, sqlx::Error> {
    // Foreign-key columns take their parent's values.
    let mut from_parent: BTreeMap<&str, Option<String>> = BTreeMap::new();
    for fk in t.foreign_keys.values() {
        let parent_row = if fk.ref_table == *tq {
            None
        } else {
            rows.get(&fk.ref_table)
        };
        for (col, rcol) in fk.columns.iter().zip(&fk.ref_columns) {
            let v = parent_row.and_then(|r| r.keys.get(rcol.as_str()).cloned().flatten());
            let nullable = t.column(col).is_some_and(|x| !x.not_null);
            match (v, nullable) {
                (Some(v), _) => {
                    from_parent.insert(col, Some(v));
                }
                (None, true) => {
                    from_parent.insert(col, None);
                }
                (None, false) if fk.ref_table == *tq => {}
                (None, false) => {
                    return Ok(Outcome::Skipped {
                        reason: format!("its parent {} has no smoke row (see above)", fk.ref_table),
                    });
                }
            }
        }
    }
    let keys: Vec<&str> = referenced
        .get(tq)
        .map(|s| s.iter().copied().collect())
        .unwrap_or_default();
    let qt = quote_qname(tq);
    let mut last_error = String::new();
    for variant in 0..VARIANTS {
        let mut cols = Vec::new();
        let mut vals = Vec::new();
        let mut unsynthesizable = None;
        for col in &t.columns {
            if col.generated.is_some() || col.identity == Some(Identity::Always) {
                continue;
            }
            if let Some(v) = from_parent.get(col.name.as_str()) {
                cols.push(quote_ident(&col.name));
                vals.push(match v {
                    Some(text) => format!("{}::{}", quote_literal(text), ddl::col_type(&col.ty)),
                    None => "NULL".to_owned(),
                });
                continue;
            }
            if col.default.is_some() || col.identity.is_some() {
                continue;
            }
            match value(c, &col.ty, variant, salt) {
                Ok(v) => {
                    cols.push(quote_ident(&col.name));
                    vals.push(v);
                }
                Err(why) if col.not_null => {
                    unsynthesizable = Some(format!("column {}: {why}", col.name))
                }
                Err(_) => {}
            }
        }
        if let Some(reason) = unsynthesizable {
            return Ok(Outcome::Skipped { reason });
        }
        let returning = std::iter::once("ctid::text".to_owned())
            .chain(keys.iter().map(|k| format!("{}::text", quote_ident(k))))
            .collect::<Vec<_>>()
            .join(", ");
        let insert = if cols.is_empty() {
            format!("INSERT INTO {qt} DEFAULT VALUES RETURNING {returning}")
        } else {
            format!(
                "INSERT INTO {qt} ({}) VALUES ({}) RETURNING {returning}",
                cols.join(", "),
                vals.join(", ")
            )
        };
        sqlx::raw_sql("SAVEPOINT seadiff_smoke")
            .execute(&mut *conn)
            .await?;
        let stage_result = async {
            let row = sqlx::raw_sql(AssertSqlSafe(insert))
                .fetch_one(&mut *conn)
                .await
                .map_err(|e| ("insert", e))?;
            let mut ctid: String = row.try_get(0).map_err(|e| ("insert", e))?;
            let mut key_values = BTreeMap::new();
            for (i, k) in keys.iter().enumerate() {
                let v: Option<String> = row.try_get(i + 1).map_err(|e| ("insert", e))?;
                key_values.insert((*k).to_owned(), v);
            }
            let read = format!(
                "SELECT count(*) FROM {qt} WHERE ctid = {}::tid",
                quote_literal(&ctid)
            );
            let n: i64 = sqlx::raw_sql(AssertSqlSafe(read))
                .fetch_one(&mut *conn)
                .await
                .and_then(|r| r.try_get(0))
                .map_err(|e| ("read", e))?;
            if n != 1 {
                return Err(("read", sqlx::Error::RowNotFound));
            }
            // Rewrite a column with its own value: fires update triggers and checks.
            if let Some(col) = updatable(t) {
                let update = format!(
                    "UPDATE {qt} SET {} = {} WHERE ctid = {}::tid RETURNING ctid::text",
                    quote_ident(&col.name),
                    quote_ident(&col.name),
                    quote_literal(&ctid)
                );
                let row = sqlx::raw_sql(AssertSqlSafe(update))
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(|e| ("update", e))?;
                ctid = row.try_get(0).map_err(|e| ("update", e))?;
            }
            Ok(Inserted {
                ctid,
                keys: key_values,
            })
        }
        .await;
        match stage_result {
            Ok(inserted) => {
                sqlx::raw_sql("RELEASE SAVEPOINT seadiff_smoke")
                    .execute(&mut *conn)
                    .await?;
                rows.insert(tq.clone(), inserted);
                return Ok(Outcome::Passed {
                    attempts: variant + 1,
                });
            }
            Err((stage, e)) => {
                sqlx::raw_sql("ROLLBACK TO SAVEPOINT seadiff_smoke")
                    .execute(&mut *conn)
                    .await?;
                last_error = db_error(&e);
                // Only a refused value is worth another shape; anything else is the answer.
                let retry = stage == "insert"
                    && e.as_database_error()
                        .and_then(|d| d.code())
                        .is_some_and(|c| c == "23514" || c == "22001" || c == "23505");
                if !retry {
                    return Ok(Outcome::Failed {
                        stage: stage.to_owned(),
                        error: last_error,
                    });
                }
            }
        }
    }
    Ok(Outcome::Failed {
        stage: "insert".to_owned(),
        error: format!("no synthesized row satisfies the table's constraints: {last_error}"),
    })
}

/// A column an UPDATE may set to itself: not generated, not an ALWAYS identity.
fn updatable(t: &Table) -> Option<&Column> {
    t.columns
        .iter()
        .find(|c| c.generated.is_none() && c.identity != Some(Identity::Always))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_fit_their_types() {
        assert_eq!(
            builtin_value("character varying(3)", 0, 7).as_deref(),
            Some("'sea'")
        );
        assert_eq!(builtin_value("integer", 1, 0).as_deref(), Some("1"));
        assert_eq!(builtin_value("numeric(10,2)", 0, 0).as_deref(), Some("1.5"));
        assert!(builtin_value("tsrange", 0, 0).is_none());
    }
}
