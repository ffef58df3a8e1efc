//! Reads a live database into a [`Catalog`].
//!
//! The whole read is one message in the simple query protocol, so one network round trip
//! whatever the number of tables: `BEGIN … READ ONLY` (one consistent snapshot), `SET LOCAL
//! search_path = pg_catalog` (so the server prints every user type and function
//! schema-qualified), then one set-based catalog query per object kind, each returning its
//! rows as a single JSON document, then `COMMIT`. No query is ever issued per table.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use serde::Deserialize;
use sqlx::{AssertSqlSafe, Connection, PgConnection, Row};

use super::PgError;
use super::ident::quote_literal;
use crate::model::config::IgnoreList;
use crate::model::pg::{
    Catalog, Check, ColType, Column, Deferrable, EnumType, Extension, FkAction, ForeignKey,
    Identity, Index, IndexKey, KeyTarget, PrimaryKey, QName, SchemaDef, Table, Unique, Unmanaged,
};

/// What to read.
#[derive(Debug, Clone)]
pub struct Scope {
    /// Schemas to read; `None` reads every non-system schema.
    pub schemas: Option<Vec<String>>,
    /// Tables to leave alone (reported as unmanaged).
    pub ignore: IgnoreList,
}

/// A live catalog and how it was read.
#[derive(Debug, Clone)]
pub struct Introspection {
    pub catalog: Catalog,
    /// `server_version_num`, e.g. 150004.
    pub server_version: u32,
    pub database: String,
    pub user: String,
    /// Messages sent to the server (each one a network round trip).
    pub round_trips: u32,
    pub elapsed: Duration,
}

/// Reads the catalog of the database `conn` is connected to.
pub async fn introspect(conn: &mut PgConnection, scope: &Scope) -> Result<Introspection, PgError> {
    let started = Instant::now();
    let script = script(scope);
    let rows = match sqlx::raw_sql(AssertSqlSafe(script))
        .fetch_all(&mut *conn)
        .await
    {
        Ok(rows) => rows,
        Err(e) => {
            // The failed statement aborted the transaction the script opened.
            let _ = sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await;
            return Err(PgError::Query {
                what: "read the catalog",
                source: e,
            });
        }
    };
    let docs: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<String, _>(0))
        .collect::<Result<_, _>>()
        .map_err(|e| PgError::Query {
            what: "read the catalog",
            source: e,
        })?;
    let raw = Raw::decode(&docs)?;
    let (catalog, meta) = assemble(raw, scope);
    Ok(Introspection {
        catalog,
        server_version: meta.version,
        database: meta.database,
        user: meta.user,
        round_trips: 1,
        elapsed: started.elapsed(),
    })
}

/// Whether the connection still answers; used before apply to fail fast.
pub async fn ping(conn: &mut PgConnection) -> Result<(), PgError> {
    conn.ping().await.map_err(|e| PgError::Query {
        what: "reach the server",
        source: e,
    })
}

// ---- the catalog queries ---------------------------------------------------------------------

fn script(scope: &Scope) -> String {
    let in_scope = match &scope.schemas {
        Some(list) => {
            let items = list
                .iter()
                .map(|s| quote_literal(s))
                .collect::<Vec<_>>()
                .join(", ");
            format!("n.nspname = ANY (ARRAY[{items}]::text[])")
        }
        None => "n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'".to_owned(),
    };
    let not_ext = |catalog: &str, oid: &str| {
        format!(
            "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '{catalog}'::regclass AND d.objid = {oid} AND d.deptype = 'e')"
        )
    };
    let rel_ext = not_ext("pg_class", "c.oid");
    let queries = [
        "SELECT json_build_object('version', current_setting('server_version_num')::int, \
         'database', current_database(), 'user', current_user)::text"
            .to_owned(),
        format!(
            "SELECT coalesce(json_agg(json_build_object('name', n.nspname, \
             'comment', obj_description(n.oid, 'pg_namespace')) ORDER BY n.nspname), '[]')::text \
             FROM pg_namespace n WHERE {in_scope} AND {}",
            not_ext("pg_namespace", "n.oid")
        ),
        "SELECT coalesce(json_agg(json_build_object('name', e.extname, 'schema', n.nspname, \
         'version', e.extversion) ORDER BY e.extname), '[]')::text \
         FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql'"
            .to_owned(),
        format!(
            "SELECT coalesce(json_agg(json_build_object('schema', n.nspname, 'name', t.typname, \
             'comment', obj_description(t.oid, 'pg_type'), \
             'labels', ARRAY(SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)) \
             ORDER BY n.nspname, t.typname), '[]')::text \
             FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
             WHERE t.typtype = 'e' AND {in_scope} AND {}",
            not_ext("pg_type", "t.oid")
        ),
        format!(
            "SELECT coalesce(json_agg(json_build_object('oid', c.oid::int8, 'schema', n.nspname, 'name', c.relname, \
             'kind', c.relkind, 'comment', obj_description(c.oid, 'pg_class'), 'rls', c.relrowsecurity, \
             'partition', c.relispartition, 'unlogged', c.relpersistence = 'u', 'acl', c.relacl IS NOT NULL, \
             'inherits', EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid), \
             'owned', EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid \
                AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))) \
             ORDER BY n.nspname, c.relname), '[]')::text \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND {in_scope} AND {rel_ext}"
        ),
        format!(
            "SELECT coalesce(json_agg(json_build_object('rel', a.attrelid::int8, 'num', a.attnum, 'name', a.attname, \
             'type', format_type(a.atttypid, a.atttypmod), 'typmod', a.atttypmod, \
             'type_schema', tn.nspname, 'type_name', t.typname, 'elem_schema', en.nspname, 'elem_name', et.typname, \
             'not_null', a.attnotnull, 'default', pg_get_expr(ad.adbin, ad.adrelid, true), \
             'identity', a.attidentity, 'generated', a.attgenerated, \
             'collation', CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN \
                CASE WHEN cn.nspname = 'pg_catalog' THEN co.collname ELSE cn.nspname || '.' || co.collname END END, \
             'comment', col_description(a.attrelid, a.attnum)) ORDER BY a.attrelid, a.attnum), '[]')::text \
             FROM pg_attribute a \
             JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
             JOIN pg_type t ON t.oid = a.atttypid JOIN pg_namespace tn ON tn.oid = t.typnamespace \
             LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A' \
             LEFT JOIN pg_namespace en ON en.oid = et.typnamespace \
             LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum \
             LEFT JOIN pg_collation co ON co.oid = a.attcollation \
             LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace \
             WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND {in_scope} AND {rel_ext}"
        ),
        format!(
            "SELECT coalesce(json_agg(json_build_object('rel', con.conrelid::int8, 'name', con.conname, 'type', con.contype, \
             'deferrable', con.condeferrable, 'deferred', con.condeferred, 'validated', con.convalidated, \
             'no_inherit', con.connoinherit, 'inherited', con.coninhcount > 0 OR con.conparentid <> 0, \
             'columns', ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(num, i) \
                JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.i), \
             'ref_schema', fn.nspname, 'ref_table', fc.relname, \
             'ref_columns', ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(num, i) \
                JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.i), \
             'on_update', con.confupdtype, 'on_delete', con.confdeltype, 'match', con.confmatchtype, \
             'check', CASE WHEN con.contype = 'c' THEN pg_get_expr(con.conbin, con.conrelid, true) END, \
             'definition', pg_get_constraintdef(con.oid, true), \
             'nulls_not_distinct', coalesce(i.indnullsnotdistinct, false), \
             'comment', obj_description(con.oid, 'pg_constraint')) ORDER BY con.conrelid, con.conname), '[]')::text \
             FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
             LEFT JOIN pg_class fc ON fc.oid = con.confrelid LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace \
             LEFT JOIN pg_index i ON i.indexrelid = con.conindid AND con.contype IN ('p', 'u') \
             WHERE con.contype IN ('p', 'u', 'f', 'c', 'x') AND c.relkind IN ('r', 'p') AND {in_scope} AND {rel_ext}"
        ),
        format!(
            "SELECT coalesce(json_agg(json_build_object('rel', i.indrelid::int8, 'name', ic.relname, 'unique', i.indisunique, \
             'valid', i.indisvalid AND i.indisready, 'method', am.amname, 'nkey', i.indnkeyatts, \
             'attnums', i.indkey::int2[], 'options', i.indoption::int2[], \
             'exprs', ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnatts) k ORDER BY k), \
             'opclasses', ARRAY(SELECT CASE WHEN oc.opcdefault THEN NULL WHEN ocn.nspname = 'pg_catalog' THEN oc.opcname \
                ELSE ocn.nspname || '.' || oc.opcname END \
                FROM unnest(i.indclass::oid[]) WITH ORDINALITY u(oid, k) JOIN pg_opclass oc ON oc.oid = u.oid \
                JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace ORDER BY u.k), \
             'predicate', pg_get_expr(i.indpred, i.indrelid, true), \
             'nulls_not_distinct', i.indnullsnotdistinct, \
             'backs_constraint', EXISTS (SELECT 1 FROM pg_constraint x WHERE x.conindid = i.indexrelid \
                AND x.conrelid = i.indrelid AND x.contype IN ('p', 'u', 'x')), \
             'comment', obj_description(i.indexrelid, 'pg_class')) ORDER BY i.indrelid, ic.relname), '[]')::text \
             FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am am ON am.oid = ic.relam \
             WHERE c.relkind IN ('r', 'p') AND {in_scope} AND {rel_ext}"
        ),
        format!(
            "SELECT coalesce(json_agg(x ORDER BY x.kind, x.name), '[]')::text FROM ( \
             SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END AS kind, \
                format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) AS name \
                FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE {in_scope} AND {proc_ext} \
             UNION ALL SELECT 'trigger', format('%I.%I.%I', n.nspname, c.relname, t.tgname) \
                FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
                WHERE NOT t.tgisinternal AND {in_scope} \
             UNION ALL SELECT 'policy', format('%I.%I.%I', n.nspname, c.relname, pol.polname) \
                FROM pg_policy pol JOIN pg_class c ON c.oid = pol.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
                WHERE {in_scope} \
             UNION ALL SELECT CASE t.typtype WHEN 'd' THEN 'domain' WHEN 'r' THEN 'range type' ELSE 'composite type' END, \
                format('%I.%I', n.nspname, t.typname) \
                FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
                WHERE (t.typtype IN ('d', 'r') OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class r \
                   WHERE r.oid = t.typrelid AND r.relkind = 'c'))) AND {in_scope} AND {type_ext} \
             UNION ALL SELECT 'rule', format('%I.%I.%I', n.nspname, c.relname, r.rulename) \
                FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace \
                WHERE r.rulename <> '_RETURN' AND {in_scope} \
             UNION ALL SELECT 'collation', format('%I.%I', n.nspname, co.collname) \
                FROM pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace WHERE {in_scope} AND {coll_ext} \
             UNION ALL SELECT 'statistics object', format('%I.%I', n.nspname, s.stxname) \
                FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace WHERE {in_scope} \
             ) x",
            proc_ext = not_ext("pg_proc", "p.oid"),
            type_ext = not_ext("pg_type", "t.oid"),
            coll_ext = not_ext("pg_collation", "co.oid"),
        ),
    ];
    // pg_catalog alone on the search path makes the server print user types and functions
    // schema-qualified; fixed time settings make printed constants independent of the server.
    let mut script = String::from(
        "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;\nSET LOCAL search_path = pg_catalog;\n\
         SET LOCAL TimeZone = 'UTC';\nSET LOCAL DateStyle = 'ISO, YMD';\nSET LOCAL IntervalStyle = 'postgres';\n",
    );
    for q in queries {
        script.push_str(&q);
        script.push_str(";\n");
    }
    script.push_str("COMMIT;");
    script
}

// ---- rows as the queries return them ---------------------------------------------------------

#[derive(Debug, Deserialize)]
struct Meta {
    version: u32,
    database: String,
    user: String,
}

#[derive(Debug, Deserialize)]
struct SchemaRow {
    name: String,
    comment: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ExtensionRow {
    name: String,
    schema: String,
    version: String,
}

#[derive(Debug, Deserialize)]
struct EnumRow {
    schema: String,
    name: String,
    comment: Option<String>,
    labels: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RelRow {
    oid: u32,
    schema: String,
    name: String,
    kind: String,
    comment: Option<String>,
    rls: bool,
    partition: bool,
    unlogged: bool,
    acl: bool,
    inherits: bool,
    owned: bool,
}

#[derive(Debug, Deserialize)]
struct ColumnRow {
    rel: u32,
    num: i16,
    name: String,
    #[serde(rename = "type")]
    ty: String,
    typmod: i32,
    type_schema: String,
    type_name: String,
    elem_schema: Option<String>,
    elem_name: Option<String>,
    not_null: bool,
    default: Option<String>,
    identity: String,
    generated: String,
    collation: Option<String>,
    comment: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ConstraintRow {
    rel: u32,
    name: String,
    #[serde(rename = "type")]
    ty: String,
    deferrable: bool,
    deferred: bool,
    validated: bool,
    no_inherit: bool,
    inherited: bool,
    columns: Vec<String>,
    ref_schema: Option<String>,
    ref_table: Option<String>,
    ref_columns: Vec<String>,
    on_update: String,
    on_delete: String,
    #[serde(rename = "match")]
    match_type: String,
    check: Option<String>,
    definition: String,
    nulls_not_distinct: bool,
    comment: Option<String>,
}

#[derive(Debug, Deserialize)]
struct IndexRow {
    rel: u32,
    name: String,
    unique: bool,
    valid: bool,
    method: String,
    nkey: usize,
    attnums: Vec<i16>,
    options: Vec<i16>,
    exprs: Vec<String>,
    opclasses: Vec<Option<String>>,
    predicate: Option<String>,
    nulls_not_distinct: bool,
    backs_constraint: bool,
    comment: Option<String>,
}

#[derive(Debug, Deserialize)]
struct OtherRow {
    kind: String,
    name: String,
}

struct Raw {
    meta: Meta,
    schemas: Vec<SchemaRow>,
    extensions: Vec<ExtensionRow>,
    enums: Vec<EnumRow>,
    rels: Vec<RelRow>,
    columns: Vec<ColumnRow>,
    constraints: Vec<ConstraintRow>,
    indexes: Vec<IndexRow>,
    others: Vec<OtherRow>,
}

impl Raw {
    fn decode(docs: &[String]) -> Result<Raw, PgError> {
        fn part<T: for<'de> Deserialize<'de>>(
            docs: &[String],
            i: usize,
            what: &'static str,
        ) -> Result<T, PgError> {
            let doc = docs.get(i).ok_or(PgError::Catalog {
                what,
                detail: "missing result".to_owned(),
            })?;
            serde_json::from_str(doc).map_err(|e| PgError::Catalog {
                what,
                detail: e.to_string(),
            })
        }
        Ok(Raw {
            meta: part(docs, 0, "server information")?,
            schemas: part(docs, 1, "schemas")?,
            extensions: part(docs, 2, "extensions")?,
            enums: part(docs, 3, "enum types")?,
            rels: part(docs, 4, "relations")?,
            columns: part(docs, 5, "columns")?,
            constraints: part(docs, 6, "constraints")?,
            indexes: part(docs, 7, "indexes")?,
            others: part(docs, 8, "other objects")?,
        })
    }
}

// ---- rows → catalog --------------------------------------------------------------------------

fn assemble(raw: Raw, scope: &Scope) -> (Catalog, Meta) {
    let mut cat = Catalog::default();
    let mut unmanaged: BTreeSet<Unmanaged> = BTreeSet::new();
    let mut note = |kind: &str, name: String, reason: &str| {
        unmanaged.insert(Unmanaged {
            kind: kind.to_owned(),
            name,
            reason: reason.to_owned(),
        });
    };

    for s in raw.schemas {
        // `public` ships with this comment; it is not a declaration anyone made.
        let comment = s
            .comment
            .filter(|c| !(s.name == "public" && c == "standard public schema"));
        cat.schemas.insert(s.name, SchemaDef { comment });
    }
    for e in raw.extensions {
        cat.extensions.insert(
            e.name,
            Extension {
                schema: Some(e.schema),
                version: Some(e.version),
            },
        );
    }
    for e in raw.enums {
        cat.enums.insert(
            QName::new(e.schema, e.name),
            EnumType {
                labels: e.labels,
                comment: e.comment,
            },
        );
    }

    // Which relations are managed tables, by oid.
    let mut tables: BTreeMap<u32, QName> = BTreeMap::new();
    for r in &raw.rels {
        let q = QName::new(r.schema.clone(), r.name.clone());
        let shown = q.to_string();
        match r.kind.as_str() {
            "r" if r.partition => note(
                "partition",
                shown,
                "partitions are not managed by this version",
            ),
            "r" => {
                if let Some(reason) = scope.ignore.reason(&q) {
                    note("table", shown, reason);
                    continue;
                }
                if r.inherits {
                    note(
                        "table inheritance",
                        shown.clone(),
                        "inheritance (INHERITS) is not compared by this version",
                    );
                }
                if r.rls {
                    note(
                        "row level security",
                        shown.clone(),
                        "RLS settings and policies are not managed by this version",
                    );
                }
                if r.unlogged {
                    note(
                        "unlogged table",
                        shown.clone(),
                        "UNLOGGED is not compared by this version",
                    );
                }
                if r.acl {
                    note(
                        "grants",
                        shown.clone(),
                        "table privileges are not compared by this version",
                    );
                }
                cat.tables.insert(
                    q.clone(),
                    Table {
                        comment: r.comment.clone(),
                        ..Table::default()
                    },
                );
                tables.insert(r.oid, q);
            }
            "p" => note(
                "partitioned table",
                shown,
                "partitioned tables are not managed by this version",
            ),
            "v" => note("view", shown, "views are not managed by this version"),
            "m" => note(
                "materialized view",
                shown,
                "materialized views are not managed by this version",
            ),
            "f" => note(
                "foreign table",
                shown,
                "foreign tables are not managed by this version",
            ),
            "S" if !r.owned => note(
                "sequence",
                shown,
                "standalone sequences are not managed by this version",
            ),
            _ => {}
        }
    }

    let mut attnames: BTreeMap<(u32, i16), String> = BTreeMap::new();
    for c in raw.columns {
        let Some(q) = tables.get(&c.rel) else {
            continue;
        };
        attnames.insert((c.rel, c.num), c.name.clone());
        let column = column(c);
        if let Some(t) = cat.tables.get_mut(q) {
            t.columns.push(column);
        }
    }

    for k in raw.constraints {
        let Some(q) = tables.get(&k.rel) else {
            continue;
        };
        let Some(t) = cat.tables.get_mut(q) else {
            continue;
        };
        let deferrable = match (k.deferrable, k.deferred) {
            (false, _) => Deferrable::No,
            (true, false) => Deferrable::InitiallyImmediate,
            (true, true) => Deferrable::InitiallyDeferred,
        };
        match k.ty.as_str() {
            "p" => {
                t.primary_key = Some(PrimaryKey {
                    name: k.name,
                    columns: k.columns,
                    deferrable,
                    comment: k.comment,
                });
            }
            "u" => {
                let u = Unique {
                    columns: k.columns,
                    nulls_not_distinct: k.nulls_not_distinct,
                    deferrable,
                    comment: k.comment,
                };
                t.uniques.insert(k.name, u);
            }
            "c" if k.inherited => {}
            "c" => {
                let check = Check {
                    expr: k.check.unwrap_or(k.definition),
                    no_inherit: k.no_inherit,
                    validated: k.validated,
                    comment: k.comment,
                };
                t.checks.insert(k.name, check);
            }
            "f" => {
                let fk = ForeignKey {
                    columns: k.columns,
                    ref_table: QName::new(
                        k.ref_schema.unwrap_or_default(),
                        k.ref_table.unwrap_or_default(),
                    ),
                    ref_columns: k.ref_columns,
                    on_delete: fk_action(&k.on_delete),
                    on_update: fk_action(&k.on_update),
                    match_full: k.match_type == "f",
                    deferrable,
                    validated: k.validated,
                    comment: k.comment,
                };
                t.foreign_keys.insert(k.name, fk);
            }
            _ => note(
                "exclusion constraint",
                format!("{q}.{}", crate::model::pg::display_ident(&k.name)),
                "EXCLUDE constraints are not managed by this version",
            ),
        }
    }

    for ix in raw.indexes {
        if ix.backs_constraint {
            continue;
        }
        let Some(q) = tables.get(&ix.rel) else {
            continue;
        };
        let name_of = |num: i16| attnames.get(&(ix.rel, num)).cloned();
        let mut keys = Vec::with_capacity(ix.nkey);
        for k in 0..ix.nkey {
            let num = ix.attnums.get(k).copied().unwrap_or(0);
            let target = match (num, name_of(num)) {
                (n, Some(name)) if n != 0 => KeyTarget::Column(name),
                _ => KeyTarget::Expression(ix.exprs.get(k).cloned().unwrap_or_default()),
            };
            let option = ix.options.get(k).copied().unwrap_or(0);
            keys.push(IndexKey {
                target,
                opclass: ix.opclasses.get(k).cloned().flatten(),
                descending: option & 1 != 0,
                nulls_first: option & 2 != 0,
            });
        }
        let include = (ix.nkey..ix.attnums.len())
            .map(|k| {
                name_of(ix.attnums[k])
                    .or_else(|| ix.exprs.get(k).cloned())
                    .unwrap_or_default()
            })
            .collect();
        let index = Index {
            unique: ix.unique,
            method: ix.method,
            keys,
            include,
            predicate: ix.predicate,
            nulls_not_distinct: ix.nulls_not_distinct,
            valid: ix.valid,
            comment: ix.comment,
        };
        if let Some(t) = cat.tables.get_mut(q) {
            t.indexes.insert(ix.name, index);
        }
    }

    for o in raw.others {
        let reason = format!("{}s are not managed by this version", o.kind);
        note(&o.kind, o.name, &reason);
    }
    cat.unmanaged = unmanaged.into_iter().collect();
    (cat, raw.meta)
}

fn column(c: ColumnRow) -> Column {
    let ty = col_type(&c);
    let mut col = Column::new(c.name, ty);
    col.not_null = c.not_null;
    match c.generated.as_str() {
        "s" => col.generated = c.default,
        _ => col.default = c.default,
    }
    col.identity = match c.identity.as_str() {
        "a" => Some(Identity::Always),
        "d" => Some(Identity::ByDefault),
        _ => None,
    };
    col.collation = c.collation;
    col.comment = c.comment;
    col
}

/// Built-in types keep `format_type`'s text; user types become schema-qualified names with
/// their modifiers split off.
fn col_type(c: &ColumnRow) -> ColType {
    let (array, schema, name) = match (&c.elem_schema, &c.elem_name) {
        (Some(s), Some(n)) => (true, s.as_str(), n.as_str()),
        _ => (false, c.type_schema.as_str(), c.type_name.as_str()),
    };
    let printed = c.ty.strip_suffix("[]").unwrap_or(&c.ty);
    if schema == "pg_catalog" {
        let t = ColType::builtin(printed);
        return if array { t.array_of() } else { t };
    }
    let modifiers = (c.typmod >= 0)
        .then(|| printed.rfind('(').map(|at| printed[at..].to_owned()))
        .flatten();
    ColType {
        schema: Some(schema.to_owned()),
        name: name.to_owned(),
        modifiers,
        array,
    }
}

fn fk_action(code: &str) -> FkAction {
    match code {
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}
