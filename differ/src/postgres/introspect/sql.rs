//! The catalog queries. Each returns one row with one column: a JSON array of the rows it
//! found, each row itself a JSON array of its fields in the order of `rows.rs`'s struct (no
//! keys: they would make most of the bytes), so the whole read decodes the same way.
//!
//! Every query is set-based and uses the catalogs' indexes or hash joins: nothing per row
//! scans a catalog (no correlated subquery without an index, no `obj_description()`, which
//! runs a query per call), so the cost grows linearly with the number of objects.

use super::super::ident::quote_literal;

/// Which schemas a query looks at, as a SQL condition on `n.nspname`.
pub(super) fn in_scope(schemas: Option<&[String]>) -> String {
    match schemas {
        Some(list) => {
            let items = list
                .iter()
                .map(|s| quote_literal(s))
                .collect::<Vec<_>>()
                .join(", ");
            format!("n.nspname = ANY (ARRAY[{items}]::text[])")
        }
        None => "n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'".to_owned(),
    }
}

/// `NOT EXISTS (extension membership of the object)`.
fn not_ext(catalog: &str, oid: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '{catalog}'::regclass AND e.objid = {oid} AND e.deptype = 'e')"
    )
}

/// `LEFT JOIN pg_description` for the comment of `oid` in `catalog`, as `alias.description`.
/// A join rather than `obj_description()`, a SQL function that runs a query per row.
fn comment(alias: &str, catalog: &str, oid: &str) -> String {
    format!(
        " LEFT JOIN pg_description {alias} ON {alias}.objoid = {oid} \
         AND {alias}.classoid = '{catalog}'::regclass AND {alias}.objsubid = 0"
    )
}

/// What a query reads; the documents are decoded by kind (`rows.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Part {
    Meta,
    Schemas,
    Extensions,
    Types,
    Relations,
    Columns,
    Constraints,
    Indexes,
    Functions,
    Triggers,
    Policies,
    Depends,
    Others,
    Collations,
}

impl Part {
    pub(super) const ALL: [Part; 14] = [
        Part::Meta,
        Part::Schemas,
        Part::Extensions,
        Part::Types,
        Part::Relations,
        Part::Columns,
        Part::Constraints,
        Part::Indexes,
        Part::Functions,
        Part::Triggers,
        Part::Policies,
        Part::Depends,
        Part::Others,
        Part::Collations,
    ];

    /// The documents the second connection reads when there is one: about half of the
    /// server's work. The relations (they come first: the columns are decoded into them) and
    /// the columns, the largest query; the types, constraints, indexes and dependencies go
    /// with the first connection. At 5,000 tables on two cores, the server's part of the split
    /// read (documents received, not decoded) took 645–652 ms this way against 803–849 with
    /// the relations on the first connection.
    pub(super) fn second(self) -> bool {
        matches!(
            self,
            Part::Relations | Part::Columns | Part::Triggers | Part::Policies | Part::Others
        )
    }
}

/// One catalog query: the fields of its rows (names as in `rows.rs`, for the tests), and its
/// SQL.
#[derive(Debug, Clone)]
pub(super) struct Query {
    pub part: Part,
    #[cfg_attr(not(test), allow(dead_code))]
    pub fields: Vec<&'static str>,
    pub sql: String,
}

fn agg(part: Part, fields: &[(&'static str, &str)], order: &str, from: &str) -> Query {
    let values = fields
        .iter()
        .map(|(_, v)| *v)
        .collect::<Vec<_>>()
        .join(", ");
    Query {
        part,
        fields: fields.iter().map(|(k, _)| *k).collect(),
        sql: format!(
            "SELECT coalesce(json_agg(json_build_array({values}) ORDER BY {order}), '[]')::text FROM {from}"
        ),
    }
}

/// The session settings of the read, after `BEGIN`: `pg_catalog` alone on the search path
/// makes the server print user types and functions schema-qualified; fixed time settings make
/// printed constants independent of the server; no JIT (compiling the catalog queries costs
/// more than it saves) and enough memory for the ordered aggregates to sort in memory.
pub(super) const SETTINGS: &str = "SET LOCAL search_path = pg_catalog;\n\
     SET LOCAL TimeZone = 'UTC';\n\
     SET LOCAL DateStyle = 'ISO, YMD';\n\
     SET LOCAL IntervalStyle = 'postgres';\n\
     SET LOCAL jit = off;\n\
     SET LOCAL work_mem = '64MB';\n";

/// Added to [`SETTINGS`] when the read is split over two connections: no parallel workers.
/// The two connections already keep two server processes busy; workers on top of them (the
/// columns query takes two by default) compete with both for the same cores, and with the
/// application's own queries for the server's pool of workers. Measured at 5,000 tables on two
/// cores: the split read 958 → 898 ms (medians of 10). A read on one connection keeps the
/// server's default, which suits a query running alone.
pub(super) const SPLIT_SETTINGS: &str = "SET LOCAL max_parallel_workers_per_gather = 0;\n";

/// Sent between two documents of one message so the first reaches us as soon as it is
/// computed. The server writes its replies through an 8 kB buffer and, within one message of
/// several statements, sends it only when it is full: the last few kilobytes of a document
/// waited for the next document, so each was decoded one query late (the columns, 10 MB at
/// 5,000 tables, arrived about 180 ms after the server had them). A row larger than the buffer
/// pushes out what is waiting; it is recognised by its column name and skipped.
pub(super) const FLUSH: &str = "SELECT repeat(' ', 16384) AS seadiff_flush;\n";

/// The column name of [`FLUSH`]'s row.
pub(super) const FLUSH_COLUMN: &str = "seadiff_flush";

/// The queries, in `Part::ALL` order.
pub(super) fn queries(scope: &str, server_version: u32) -> Vec<Query> {
    let pg15 = server_version >= 150000;
    let pg13 = server_version >= 130000;
    let rel_ext = not_ext("pg_class", "c.oid");
    let nulls_not_distinct = if pg15 {
        "i.indnullsnotdistinct"
    } else {
        "false"
    };
    let trigger_parent = if pg13 { "t.tgparentid = 0" } else { "true" };
    let icu_locale = if pg15 {
        "co.colliculocale"
    } else {
        "NULL::text"
    };
    let seq_json = |s: &str| {
        format!(
            "json_build_object('type', format_type({s}.seqtypid, NULL), 'start', {s}.seqstart, \
             'increment', {s}.seqincrement, 'min', {s}.seqmin, 'max', {s}.seqmax, \
             'cache', {s}.seqcache, 'cycle', {s}.seqcycle)"
        )
    };
    let meta = agg(
        Part::Meta,
        &[
            ("version", "current_setting('server_version_num')::int"),
            ("database", "current_database()"),
            ("user", "current_user"),
        ],
        "1",
        "(SELECT 1) x",
    );
    let schemas = agg(
        Part::Schemas,
        &[("name", "n.nspname"), ("comment", "d.description")],
        "n.nspname",
        &format!(
            "pg_namespace n{} WHERE {scope} AND {}",
            comment("d", "pg_namespace", "n.oid"),
            not_ext("pg_namespace", "n.oid")
        ),
    );
    let extensions = agg(
        Part::Extensions,
        &[
            ("name", "e.extname"),
            ("schema", "n.nspname"),
            ("version", "e.extversion"),
        ],
        "e.extname",
        "pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql'",
    );
    // User types (every kind, for dependency mapping) with enum labels and domain details.
    let collation = "CASE WHEN t.typcollation <> 0 AND t.typcollation <> coalesce(bt.typcollation, 0) THEN \
         CASE WHEN cn.nspname = 'pg_catalog' THEN co.collname ELSE cn.nspname || '.' || co.collname END END";
    let types = agg(
        Part::Types,
        &[
            ("oid", "t.oid::int8"),
            ("schema", "n.nspname"),
            ("name", "t.typname"),
            ("type", "t.typtype"),
            ("relid", "t.typrelid::int8"),
            (
                "elem",
                "CASE WHEN t.typcategory = 'A' THEN t.typelem::int8 ELSE 0 END",
            ),
            ("comment", "d.description"),
            (
                "labels",
                "CASE WHEN t.typtype = 'e' THEN ARRAY(SELECT l.enumlabel FROM pg_enum l \
                 WHERE l.enumtypid = t.oid ORDER BY l.enumsortorder) END",
            ),
            (
                "base",
                "CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END",
            ),
            ("base_schema", "bn.nspname"),
            ("base_name", "bt.typname"),
            ("base_typmod", "t.typtypmod"),
            ("base_elem_schema", "ben.nspname"),
            ("base_elem_name", "bet.typname"),
            ("not_null", "t.typnotnull"),
            ("default", "pg_get_expr(t.typdefaultbin, 0, true)"),
            ("collation", collation),
            (
                "composite",
                "t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class r WHERE r.oid = t.typrelid AND r.relkind = 'c')",
            ),
        ],
        "n.nspname, t.typname",
        &format!(
            "pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
             LEFT JOIN pg_type bt ON bt.oid = t.typbasetype AND t.typtype = 'd' \
             LEFT JOIN pg_namespace bn ON bn.oid = bt.typnamespace \
             LEFT JOIN pg_type bet ON bet.oid = bt.typelem AND bt.typcategory = 'A' \
             LEFT JOIN pg_namespace ben ON ben.oid = bet.typnamespace \
             LEFT JOIN pg_collation co ON co.oid = t.typcollation LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace{} \
             WHERE {scope} AND {}",
            comment("d", "pg_type", "t.oid"),
            not_ext("pg_type", "t.oid")
        ),
    );
    let seq = seq_json("s");
    let relations = agg(
        Part::Relations,
        &[
            ("oid", "c.oid::int8"),
            ("schema", "n.nspname"),
            ("name", "c.relname"),
            ("kind", "c.relkind"),
            ("reltype", "c.reltype::int8"),
            ("comment", "d.description"),
            ("rls", "c.relrowsecurity"),
            ("force_rls", "c.relforcerowsecurity"),
            ("partition", "c.relispartition"),
            ("unlogged", "c.relpersistence = 'u'"),
            ("options", "c.reloptions"),
            (
                "grants",
                "CASE WHEN c.relacl IS NOT NULL THEN ARRAY(SELECT json_build_object('grantee', \
                 CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END, \
                 'privilege', a.privilege_type, 'grantable', a.is_grantable) \
                 FROM aclexplode(c.relacl) a WHERE a.grantee <> c.relowner ORDER BY a.grantee, a.privilege_type) \
                 ELSE '{}' END",
            ),
            (
                "partition_key",
                "CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END",
            ),
            (
                "partition_bound",
                "CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END",
            ),
            (
                "parents",
                "ARRAY(SELECT json_build_object('schema', pn.nspname, 'name', p.relname) FROM pg_inherits i \
                 JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace \
                 WHERE i.inhrelid = c.oid ORDER BY i.inhseqno)",
            ),
            (
                "view",
                "CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END",
            ),
            (
                "rule_oid",
                "CASE WHEN c.relkind IN ('v', 'm') THEN (SELECT r.oid::int8 FROM pg_rewrite r \
                 WHERE r.ev_class = c.oid AND r.rulename = '_RETURN') END",
            ),
            (
                "seq",
                &format!(
                    "CASE WHEN c.relkind = 'S' THEN (SELECT {seq} FROM pg_sequence s WHERE s.seqrelid = c.oid) END"
                ),
            ),
            (
                "owner_kind",
                "CASE WHEN c.relkind = 'S' THEN (SELECT d.deptype FROM pg_depend d \
                 WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid \
                 AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') LIMIT 1) END",
            ),
            (
                "owned_by",
                "CASE WHEN c.relkind = 'S' THEN (SELECT json_build_object('schema', on_.nspname, 'name', oc.relname, 'column', oa.attname) \
                 FROM pg_depend d JOIN pg_class oc ON oc.oid = d.refobjid JOIN pg_namespace on_ ON on_.oid = oc.relnamespace \
                 JOIN pg_attribute oa ON oa.attrelid = d.refobjid AND oa.attnum = d.refobjsubid \
                 WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid \
                 AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a' LIMIT 1) END",
            ),
        ],
        "n.nspname, c.relname",
        &format!(
            "pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace{} \
             WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S', 'c') AND {scope} AND {rel_ext}",
            comment("d", "pg_class", "c.oid")
        ),
    );
    // Columns of tables, views and composite types.
    let identity_seq = seq_json("s");
    let columns = agg(
        Part::Columns,
        &[
            ("rel", "a.attrelid::int8"),
            ("num", "a.attnum"),
            ("name", "a.attname"),
            ("type", "format_type(a.atttypid, a.atttypmod)"),
            ("typmod", "a.atttypmod"),
            ("type_schema", "tn.nspname"),
            ("type_name", "t.typname"),
            ("elem_schema", "en.nspname"),
            ("elem_name", "et.typname"),
            ("not_null", "a.attnotnull"),
            // A default cannot refer to a column, so it is printed without its relation:
            // given one, the server opens the relation and builds its cache entry, for every
            // table with a default, on every connection (at 5,000 tables, 563 → 422 ms for
            // this query on a new connection). A generated column's expression does refer to
            // columns and keeps its relation.
            (
                "default",
                "pg_get_expr(ad.adbin, CASE WHEN a.attgenerated = '' THEN 0 ELSE ad.adrelid END, true)",
            ),
            ("attrdef_oid", "ad.oid::int8"),
            ("identity", "a.attidentity"),
            ("generated", "a.attgenerated"),
            ("local", "a.attislocal"),
            (
                "collation",
                "CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN \
                 CASE WHEN cn.nspname = 'pg_catalog' THEN co.collname ELSE cn.nspname || '.' || co.collname END END",
            ),
            (
                "identity_seq",
                &format!(
                    "CASE WHEN a.attidentity <> '' THEN (SELECT {identity_seq} \
                     FROM pg_depend d JOIN pg_sequence s ON s.seqrelid = d.objid \
                     WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = a.attrelid \
                     AND d.refobjsubid = a.attnum AND d.deptype = 'i' \
                     AND d.classid = 'pg_class'::regclass LIMIT 1) END"
                ),
            ),
            ("comment", "d.description"),
        ],
        "a.attrelid, a.attnum",
        &format!(
            "pg_attribute a \
             JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
             JOIN pg_type t ON t.oid = a.atttypid JOIN pg_namespace tn ON tn.oid = t.typnamespace \
             LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A' \
             LEFT JOIN pg_namespace en ON en.oid = et.typnamespace \
             LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum \
             LEFT JOIN pg_collation co ON co.oid = a.attcollation \
             LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace \
             LEFT JOIN pg_description d ON d.objoid = a.attrelid \
             AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum \
             WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'c', 'f') \
             AND {scope} AND {rel_ext}"
        ),
    );
    // Constraints of tables and domains. Key columns travel as numbers (the table's columns
    // are read anyway); the referenced columns of a foreign key by name (the referenced table
    // may be out of scope).
    let constraints = agg(
        Part::Constraints,
        &[
            ("oid", "con.oid::int8"),
            ("rel", "con.conrelid::int8"),
            ("domain", "con.contypid::int8"),
            ("name", "con.conname"),
            ("type", "con.contype"),
            ("deferrable", "con.condeferrable"),
            ("deferred", "con.condeferred"),
            ("validated", "con.convalidated"),
            ("no_inherit", "con.connoinherit"),
            ("inherited", "NOT con.conislocal OR con.conparentid <> 0"),
            ("columns", "coalesce(con.conkey, '{}')"),
            ("ref_schema", "fn.nspname"),
            ("ref_table", "fc.relname"),
            (
                "ref_columns",
                "CASE WHEN con.contype = 'f' THEN ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(num, i) \
                 JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.i) ELSE '{}' END",
            ),
            ("on_update", "con.confupdtype"),
            ("on_delete", "con.confdeltype"),
            ("match", "con.confmatchtype"),
            (
                "check",
                "CASE WHEN con.contype = 'c' THEN pg_get_expr(con.conbin, coalesce(nullif(con.conrelid, 0), 0), true) END",
            ),
            (
                "definition",
                "CASE WHEN con.contype = 'x' OR (con.contype = 'c' AND con.conbin IS NULL) \
                 THEN pg_get_constraintdef(con.oid, true) END",
            ),
            (
                "nulls_not_distinct",
                &format!("coalesce({nulls_not_distinct}, false)"),
            ),
            ("comment", "d.description"),
        ],
        "con.conrelid, con.contypid, con.conname",
        &format!(
            "pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace \
             LEFT JOIN pg_class fc ON fc.oid = con.confrelid LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace \
             LEFT JOIN pg_index i ON i.indexrelid = con.conindid AND con.contype IN ('p', 'u'){} \
             WHERE con.contype IN ('p', 'u', 'f', 'c', 'x') AND {scope}",
            comment("d", "pg_constraint", "con.oid")
        ),
    );
    // Indexes that are not partition children of a parent index. Only expression keys are
    // printed (`pg_get_indexdef` per key); `IN (uncorrelated)` is one hashed lookup per index
    // (pg_constraint has no index on `conindid`).
    let indexes = agg(
        Part::Indexes,
        &[
            ("oid", "i.indexrelid::int8"),
            ("rel", "i.indrelid::int8"),
            ("name", "ic.relname"),
            ("unique", "i.indisunique"),
            ("valid", "i.indisvalid AND i.indisready"),
            ("method", "am.amname"),
            ("nkey", "i.indnkeyatts"),
            ("attnums", "i.indkey::int2[]"),
            ("options", "i.indoption::int2[]"),
            (
                "exprs",
                "CASE WHEN i.indexprs IS NULL THEN '{}' ELSE ARRAY(SELECT CASE WHEN i.indkey[k - 1] = 0 \
                 THEN pg_get_indexdef(i.indexrelid, k, true) END FROM generate_series(1, i.indnatts) k ORDER BY k) END",
            ),
            (
                "opclasses",
                "ARRAY(SELECT CASE WHEN oc.opcdefault THEN NULL WHEN ocn.nspname = 'pg_catalog' THEN oc.opcname \
                 ELSE ocn.nspname || '.' || oc.opcname END \
                 FROM unnest(i.indclass::oid[]) WITH ORDINALITY u(oid, k) JOIN pg_opclass oc ON oc.oid = u.oid \
                 JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace ORDER BY u.k)",
            ),
            ("predicate", "pg_get_expr(i.indpred, i.indrelid, true)"),
            ("nulls_not_distinct", nulls_not_distinct),
            (
                "backs_constraint",
                "i.indexrelid IN (SELECT x.conindid FROM pg_constraint x \
                 WHERE x.contype IN ('p', 'u', 'x') AND x.conrelid <> 0)",
            ),
            (
                "attached",
                "ic.relispartition AND EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)",
            ),
            ("comment", "d.description"),
        ],
        "i.indrelid, ic.relname",
        &format!(
            "pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am am ON am.oid = ic.relam{} \
             WHERE c.relkind IN ('r', 'p', 'm') AND {scope} AND {rel_ext}",
            comment("d", "pg_class", "i.indexrelid")
        ),
    );
    // Functions and procedures (aggregates and window functions are listed as unmanaged).
    let functions = agg(
        Part::Functions,
        &[
            ("oid", "p.oid::int8"),
            ("schema", "n.nspname"),
            ("name", "p.proname"),
            ("kind", "p.prokind"),
            ("arg_types", "oidvectortypes(p.proargtypes)"),
            (
                "returns",
                "CASE WHEN p.prokind = 'f' THEN pg_get_function_result(p.oid) END",
            ),
            (
                "definition",
                "CASE WHEN p.prokind IN ('f', 'p') THEN pg_get_functiondef(p.oid) END",
            ),
            ("comment", "d.description"),
        ],
        "n.nspname, p.proname, oidvectortypes(p.proargtypes)",
        &format!(
            "pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace{} WHERE {scope} AND {}",
            comment("d", "pg_proc", "p.oid"),
            not_ext("pg_proc", "p.oid")
        ),
    );
    // Triggers (not internal, not cloned onto partitions).
    let triggers = agg(
        Part::Triggers,
        &[
            ("oid", "t.oid::int8"),
            ("rel", "t.tgrelid::int8"),
            ("name", "t.tgname"),
            ("definition", "pg_get_triggerdef(t.oid)"),
            ("enabled", "t.tgenabled"),
            ("comment", "d.description"),
        ],
        "t.tgrelid, t.tgname",
        &format!(
            "pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace{} \
             WHERE NOT t.tgisinternal AND {trigger_parent} AND {scope}",
            comment("d", "pg_trigger", "t.oid")
        ),
    );
    // Row-level security policies.
    let policies = agg(
        Part::Policies,
        &[
            ("oid", "p.oid::int8"),
            ("rel", "p.polrelid::int8"),
            ("name", "p.polname"),
            ("permissive", "p.polpermissive"),
            ("command", "p.polcmd"),
            (
                "roles",
                "ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r) END FROM unnest(p.polroles) r ORDER BY 1)",
            ),
            ("using", "pg_get_expr(p.polqual, p.polrelid, true)"),
            (
                "with_check",
                "pg_get_expr(p.polwithcheck, p.polrelid, true)",
            ),
            ("comment", "d.description"),
        ],
        "p.polrelid, p.polname",
        &format!(
            "pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace{} WHERE {scope}",
            comment("d", "pg_policy", "p.oid")
        ),
    );
    // Dependencies between user objects (normal dependencies only).
    let depends = agg(
        Part::Depends,
        &[
            ("class", "d.classid::regclass::text"),
            ("oid", "d.objid::int8"),
            ("sub", "d.objsubid"),
            ("ref_class", "d.refclassid::regclass::text"),
            ("ref_oid", "d.refobjid::int8"),
            ("ref_sub", "d.refobjsubid"),
        ],
        "d.objid, d.objsubid, d.refobjid, d.refobjsubid",
        "pg_depend d WHERE d.deptype = 'n' AND d.objid >= 16384 AND d.refobjid >= 16384 \
         AND d.classid IN ('pg_class'::regclass, 'pg_type'::regclass, 'pg_proc'::regclass, 'pg_rewrite'::regclass, \
            'pg_trigger'::regclass, 'pg_policy'::regclass, 'pg_constraint'::regclass, 'pg_attrdef'::regclass) \
         AND d.refclassid IN ('pg_class'::regclass, 'pg_type'::regclass, 'pg_proc'::regclass, 'pg_constraint'::regclass, \
            'pg_collation'::regclass)",
    );
    // Objects this version does not manage.
    let others = agg(
        Part::Others,
        &[("kind", "x.kind"), ("name", "x.name")],
        "x.kind, x.name",
        &format!(
            "( \
             SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' ELSE 'window function' END AS kind, \
                format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) AS name \
                FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
                WHERE p.prokind IN ('a', 'w') AND {scope} AND {proc_ext} \
             UNION ALL SELECT 'rule', format('%I.%I.%I', n.nspname, c.relname, r.rulename) \
                FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace \
                WHERE r.rulename <> '_RETURN' AND {scope} \
             UNION ALL SELECT 'statistics object', format('%I.%I', n.nspname, s.stxname) \
                FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace WHERE {scope} \
             UNION ALL SELECT 'operator', format('%I.%s', n.nspname, o.oprname) \
                FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace WHERE {scope} AND {op_ext} \
             UNION ALL SELECT 'text search configuration', format('%I.%I', n.nspname, t.cfgname) \
                FROM pg_ts_config t JOIN pg_namespace n ON n.oid = t.cfgnamespace WHERE {scope} \
             ) x",
            proc_ext = not_ext("pg_proc", "p.oid"),
            op_ext = not_ext("pg_operator", "o.oid"),
        ),
    );
    // Collations made with CREATE COLLATION.
    let collations = agg(
        Part::Collations,
        &[
            ("oid", "co.oid::int8"),
            ("schema", "n.nspname"),
            ("name", "co.collname"),
            (
                "provider",
                "CASE co.collprovider WHEN 'i' THEN 'icu' WHEN 'c' THEN 'libc' ELSE 'default' END",
            ),
            ("locale", icu_locale),
            ("lc_collate", "co.collcollate"),
            ("lc_ctype", "co.collctype"),
            ("deterministic", "co.collisdeterministic"),
            ("comment", "d.description"),
        ],
        "n.nspname, co.collname",
        &format!(
            "pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace{} WHERE {scope} AND {}",
            comment("d", "pg_collation", "co.oid"),
            not_ext("pg_collation", "co.oid")
        ),
    );
    vec![
        meta,
        schemas,
        extensions,
        types,
        relations,
        columns,
        constraints,
        indexes,
        functions,
        triggers,
        policies,
        depends,
        others,
        collations,
    ]
}
