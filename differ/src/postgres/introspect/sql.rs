//! The catalog queries. Each returns one row with one column: a JSON array (or object) of the
//! rows it found, so the whole read decodes the same way and travels in one message.

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

fn agg(fields: &str, order: &str, from: &str) -> String {
    format!(
        "SELECT coalesce(json_agg(json_build_object({fields}) ORDER BY {order}), '[]')::text FROM {from}"
    )
}

/// The queries, in the order `Raw::decode` reads them.
pub(super) fn queries(scope: &str, server_version: u32) -> Vec<String> {
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
    vec![
        // 0: server
        "SELECT json_build_object('version', current_setting('server_version_num')::int, \
         'database', current_database(), 'user', current_user)::text"
            .to_owned(),
        // 1: schemas
        agg(
            "'name', n.nspname, 'comment', obj_description(n.oid, 'pg_namespace')",
            "n.nspname",
            &format!(
                "pg_namespace n WHERE {scope} AND {}",
                not_ext("pg_namespace", "n.oid")
            ),
        ),
        // 2: extensions (database-wide)
        agg(
            "'name', e.extname, 'schema', n.nspname, 'version', e.extversion",
            "e.extname",
            "pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql'",
        ),
        // 3: user types (every kind, for dependency mapping) with enum labels and domain details
        agg(
            "'oid', t.oid::int8, 'schema', n.nspname, 'name', t.typname, 'type', t.typtype, \
             'relid', t.typrelid::int8, 'elem', CASE WHEN t.typcategory = 'A' THEN t.typelem::int8 ELSE 0 END, \
             'comment', obj_description(t.oid, 'pg_type'), \
             'labels', CASE WHEN t.typtype = 'e' THEN ARRAY(SELECT l.enumlabel FROM pg_enum l WHERE l.enumtypid = t.oid ORDER BY l.enumsortorder) END, \
             'base', CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END, \
             'base_schema', bn.nspname, 'base_name', bt.typname, 'base_typmod', t.typtypmod, \
             'base_elem_schema', ben.nspname, 'base_elem_name', bet.typname, \
             'not_null', t.typnotnull, 'default', pg_get_expr(t.typdefaultbin, 0, true), \
             'collation', CASE WHEN t.typcollation <> 0 AND t.typcollation <> coalesce(bt.typcollation, 0) THEN \
                CASE WHEN cn.nspname = 'pg_catalog' THEN co.collname ELSE cn.nspname || '.' || co.collname END END, \
             'composite', t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class r WHERE r.oid = t.typrelid AND r.relkind = 'c')",
            "n.nspname, t.typname",
            &format!(
                "pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
                 LEFT JOIN pg_type bt ON bt.oid = t.typbasetype AND t.typtype = 'd' \
                 LEFT JOIN pg_namespace bn ON bn.oid = bt.typnamespace \
                 LEFT JOIN pg_type bet ON bet.oid = bt.typelem AND bt.typcategory = 'A' \
                 LEFT JOIN pg_namespace ben ON ben.oid = bet.typnamespace \
                 LEFT JOIN pg_collation co ON co.oid = t.typcollation LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace \
                 WHERE {scope} AND {}",
                not_ext("pg_type", "t.oid")
            ),
        ),
        // 4: relations
        agg(
            "'oid', c.oid::int8, 'schema', n.nspname, 'name', c.relname, 'kind', c.relkind, \
                 'reltype', c.reltype::int8, 'comment', obj_description(c.oid, 'pg_class'), \
                 'rls', c.relrowsecurity, 'force_rls', c.relforcerowsecurity, 'partition', c.relispartition, \
                 'unlogged', c.relpersistence = 'u', 'options', c.reloptions, \
                 'grants', ARRAY(SELECT json_build_object('grantee', CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END, \
                    'privilege', a.privilege_type, 'grantable', a.is_grantable) \
                    FROM aclexplode(c.relacl) a WHERE a.grantee <> c.relowner ORDER BY a.grantee, a.privilege_type), \
                 'partition_key', CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END, \
                 'partition_bound', CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END, \
                 'parents', ARRAY(SELECT json_build_object('schema', pn.nspname, 'name', p.relname) FROM pg_inherits i \
                    JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace \
                    WHERE i.inhrelid = c.oid ORDER BY i.inhseqno), \
                 'view', CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END, \
                 'rule_oid', (SELECT r.oid::int8 FROM pg_rewrite r WHERE r.ev_class = c.oid AND r.rulename = '_RETURN'), \
                 'seq', CASE WHEN c.relkind = 'S' THEN (SELECT json_build_object('type', format_type(s.seqtypid, NULL), \
                    'start', s.seqstart, 'increment', s.seqincrement, 'min', s.seqmin, 'max', s.seqmax, \
                    'cache', s.seqcache, 'cycle', s.seqcycle) FROM pg_sequence s WHERE s.seqrelid = c.oid) END, \
                 'owner_kind', (SELECT d.deptype FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid \
                    AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') LIMIT 1), \
                 'owned_by', (SELECT json_build_object('schema', on_.nspname, 'name', oc.relname, 'column', oa.attname) \
                    FROM pg_depend d JOIN pg_class oc ON oc.oid = d.refobjid JOIN pg_namespace on_ ON on_.oid = oc.relnamespace \
                    JOIN pg_attribute oa ON oa.attrelid = d.refobjid AND oa.attnum = d.refobjsubid \
                    WHERE c.relkind = 'S' AND d.classid = 'pg_class'::regclass AND d.objid = c.oid \
                    AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a' LIMIT 1)",
            "n.nspname, c.relname",
            &format!(
                "pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S', 'c') AND {scope} AND {rel_ext}"
            ),
        ),
        // 5: columns of tables, views and composite types
        agg(
            "'rel', a.attrelid::int8, 'num', a.attnum, 'name', a.attname, \
             'type', format_type(a.atttypid, a.atttypmod), 'typmod', a.atttypmod, \
             'type_schema', tn.nspname, 'type_name', t.typname, 'elem_schema', en.nspname, 'elem_name', et.typname, \
             'not_null', a.attnotnull, 'default', pg_get_expr(ad.adbin, ad.adrelid, true), 'attrdef_oid', ad.oid::int8, \
             'identity', a.attidentity, 'generated', a.attgenerated, 'local', a.attislocal, \
             'collation', CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN \
                CASE WHEN cn.nspname = 'pg_catalog' THEN co.collname ELSE cn.nspname || '.' || co.collname END END, \
             'identity_seq', CASE WHEN a.attidentity <> '' THEN (SELECT json_build_object('type', format_type(s.seqtypid, NULL), \
                'start', s.seqstart, 'increment', s.seqincrement, 'min', s.seqmin, 'max', s.seqmax, 'cache', s.seqcache, 'cycle', s.seqcycle) \
                FROM pg_depend d JOIN pg_sequence s ON s.seqrelid = d.objid \
                WHERE d.refobjid = a.attrelid AND d.refobjsubid = a.attnum AND d.deptype = 'i' \
                AND d.classid = 'pg_class'::regclass LIMIT 1) END, \
             'comment', col_description(a.attrelid, a.attnum)",
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
                 WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'c', 'f') \
                 AND {scope} AND {rel_ext}"
            ),
        ),
        // 6: constraints of tables and domains
        agg(
            &format!(
                "'oid', con.oid::int8, 'rel', con.conrelid::int8, 'domain', con.contypid::int8, 'name', con.conname, \
                 'type', con.contype, 'deferrable', con.condeferrable, 'deferred', con.condeferred, \
                 'validated', con.convalidated, 'no_inherit', con.connoinherit, \
                 'inherited', NOT con.conislocal OR con.conparentid <> 0, \
                 'columns', ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(num, i) \
                    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.i), \
                 'ref_schema', fn.nspname, 'ref_table', fc.relname, \
                 'ref_columns', ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(num, i) \
                    JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.i), \
                 'on_update', con.confupdtype, 'on_delete', con.confdeltype, 'match', con.confmatchtype, \
                 'check', CASE WHEN con.contype = 'c' THEN pg_get_expr(con.conbin, coalesce(nullif(con.conrelid, 0), 0), true) END, \
                 'definition', pg_get_constraintdef(con.oid, true), \
                 'nulls_not_distinct', coalesce({nulls_not_distinct}, false), \
                 'comment', obj_description(con.oid, 'pg_constraint')"
            ),
            "con.conrelid, con.contypid, con.conname",
            &format!(
                "pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace \
             LEFT JOIN pg_class fc ON fc.oid = con.confrelid LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace \
             LEFT JOIN pg_index i ON i.indexrelid = con.conindid AND con.contype IN ('p', 'u') \
             WHERE con.contype IN ('p', 'u', 'f', 'c', 'x') AND {scope}"
            ),
        ),
        // 7: indexes that are not partition children of a parent index
        agg(
            &format!(
                "'oid', i.indexrelid::int8, 'rel', i.indrelid::int8, 'name', ic.relname, 'unique', i.indisunique, \
                 'valid', i.indisvalid AND i.indisready, 'method', am.amname, 'nkey', i.indnkeyatts, \
                 'attnums', i.indkey::int2[], 'options', i.indoption::int2[], \
                 'exprs', ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnatts) k ORDER BY k), \
                 'opclasses', ARRAY(SELECT CASE WHEN oc.opcdefault THEN NULL WHEN ocn.nspname = 'pg_catalog' THEN oc.opcname \
                    ELSE ocn.nspname || '.' || oc.opcname END \
                    FROM unnest(i.indclass::oid[]) WITH ORDINALITY u(oid, k) JOIN pg_opclass oc ON oc.oid = u.oid \
                    JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace ORDER BY u.k), \
                 'predicate', pg_get_expr(i.indpred, i.indrelid, true), \
                 'nulls_not_distinct', {nulls_not_distinct}, \
                 'backs_constraint', EXISTS (SELECT 1 FROM pg_constraint x WHERE x.conindid = i.indexrelid \
                    AND x.conrelid = i.indrelid AND x.contype IN ('p', 'u', 'x')), \
                 'attached', EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid), \
                 'comment', obj_description(i.indexrelid, 'pg_class')"
            ),
            "i.indrelid, ic.relname",
            &format!(
                "pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid \
                 JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am am ON am.oid = ic.relam \
                 WHERE c.relkind IN ('r', 'p', 'm') AND {scope} AND {rel_ext}"
            ),
        ),
        // 8: functions and procedures (aggregates and window functions are listed as unmanaged)
        agg(
            "'oid', p.oid::int8, 'schema', n.nspname, 'name', p.proname, 'kind', p.prokind, \
             'arg_types', oidvectortypes(p.proargtypes), \
             'returns', CASE WHEN p.prokind = 'f' THEN pg_get_function_result(p.oid) END, \
             'definition', CASE WHEN p.prokind IN ('f', 'p') THEN pg_get_functiondef(p.oid) END, \
             'comment', obj_description(p.oid, 'pg_proc')",
            "n.nspname, p.proname, oidvectortypes(p.proargtypes)",
            &format!(
                "pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE {scope} AND {}",
                not_ext("pg_proc", "p.oid")
            ),
        ),
        // 9: triggers (not internal, not cloned onto partitions)
        agg(
            "'oid', t.oid::int8, 'rel', t.tgrelid::int8, 'name', t.tgname, 'definition', pg_get_triggerdef(t.oid), \
             'enabled', t.tgenabled, 'comment', obj_description(t.oid, 'pg_trigger')",
            "t.tgrelid, t.tgname",
            &format!(
                "pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE NOT t.tgisinternal AND {trigger_parent} AND {scope}"
            ),
        ),
        // 10: row-level security policies
        agg(
            "'oid', p.oid::int8, 'rel', p.polrelid::int8, 'name', p.polname, 'permissive', p.polpermissive, \
             'command', p.polcmd, \
             'roles', ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r) END FROM unnest(p.polroles) r ORDER BY 1), \
             'using', pg_get_expr(p.polqual, p.polrelid, true), 'with_check', pg_get_expr(p.polwithcheck, p.polrelid, true), \
             'comment', obj_description(p.oid, 'pg_policy')",
            "p.polrelid, p.polname",
            &format!(
                "pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {scope}"
            ),
        ),
        // 11: dependencies between user objects (normal dependencies only)
        agg(
            "'class', d.classid::regclass::text, 'oid', d.objid::int8, 'sub', d.objsubid, \
             'ref_class', d.refclassid::regclass::text, 'ref_oid', d.refobjid::int8, 'ref_sub', d.refobjsubid",
            "d.objid, d.objsubid, d.refobjid, d.refobjsubid",
            "pg_depend d WHERE d.deptype = 'n' AND d.objid >= 16384 AND d.refobjid >= 16384 \
             AND d.classid IN ('pg_class'::regclass, 'pg_type'::regclass, 'pg_proc'::regclass, 'pg_rewrite'::regclass, \
                'pg_trigger'::regclass, 'pg_policy'::regclass, 'pg_constraint'::regclass, 'pg_attrdef'::regclass) \
             AND d.refclassid IN ('pg_class'::regclass, 'pg_type'::regclass, 'pg_proc'::regclass, 'pg_constraint'::regclass, \
                'pg_collation'::regclass)",
        ),
        // 12: objects this version does not manage
        format!(
            "SELECT coalesce(json_agg(x ORDER BY x.kind, x.name), '[]')::text FROM ( \
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
        // 13: collations made with CREATE COLLATION
        agg(
            &format!(
                "'oid', co.oid::int8, 'schema', n.nspname, 'name', co.collname, \
                 'provider', CASE co.collprovider WHEN 'i' THEN 'icu' WHEN 'c' THEN 'libc' ELSE 'default' END, \
                 'locale', {icu_locale}, 'lc_collate', co.collcollate, 'lc_ctype', co.collctype, \
                 'deterministic', co.collisdeterministic, 'comment', obj_description(co.oid, 'pg_collation')"
            ),
            "n.nspname, co.collname",
            &format!(
                "pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace WHERE {scope} AND {}",
                not_ext("pg_collation", "co.oid")
            ),
        ),
    ]
}
