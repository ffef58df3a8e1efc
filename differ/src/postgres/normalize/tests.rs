//! Canonicalization tests: fixtures recorded from PostgreSQL 15 (written form, pretty and
//! non-pretty printed forms), round trips, types, deliberate differences and a fuzz loop.

use super::*;

fn canon(s: &str) -> String {
    canonical_expr(s, &Ctx::default())
}

/// (written, printed with pretty = true, printed with pretty = false), recorded from PostgreSQL 15.
#[rustfmt::skip]
const PG15_PAIRS: &[(&str, &str, &str)] = &[
// column DEFAULTs
("random()::numeric + 1.5", "random()::numeric + 1.5", "((random())::numeric + 1.5)"),
("int4(1.5)", "int4(1.5)", "int4(1.5)"),
("'\\x00'", "'\\x00'::bytea", "'\\x00'::bytea"),
("0", "0", "0"),
("'x'", "'x'::character varying", "'x'::character varying"),
("'hello world'", "'hello world'::character varying", "'hello world'::character varying"),
("''", "''::character varying", "''::character varying"),
("'it''s'", "'it''s'::character varying", "'it''s'::character varying"),
("E'a\\tb'", "'a\tb'::character varying", "'a\tb'::character varying"),
("$$dollar's$$", "'dollar''s'::character varying", "'dollar''s'::character varying"),
("$tag$x$tag$", "'x'::character varying", "'x'::character varying"),
("'x'::varchar", "'x'::character varying", "'x'::character varying"),
("'x'::character varying(255)", "'x'::character varying(255)", "'x'::character varying(255)"),
("NULL", "NULL::character varying", "NULL::character varying"),
("upper('x')", "upper('x'::text)", "upper('x'::text)"),
("gen_random_uuid()::text", "gen_random_uuid()::text", "(gen_random_uuid())::text"),
("'x'", "'x'::character varying", "'x'::character varying"),
("'x'", "'x'::text", "'x'::text"),
("'x'::text", "'x'::text", "'x'::text"),
("CAST('x' AS text)", "'x'::text", "'x'::text"),
("''", "''::text", "''::text"),
("'a' || 'b'", "'a'::text || 'b'::text", "('a'::text || 'b'::text)"),
("concat('a', 'b')", "concat('a', 'b')", "concat('a', 'b')"),
("current_user", "CURRENT_USER", "CURRENT_USER"),
("session_user", "SESSION_USER", "SESSION_USER"),
("current_schema", "CURRENT_SCHEMA", "CURRENT_SCHEMA"),
("current_schema()", "\"current_schema\"()", "\"current_schema\"()"),
("'t'", "'t'::text", "'t'::text"),
("'-1'", "'-1'::text", "'-1'::text"),
("U&'d\\0061t'", "'dat'::text", "'dat'::text"),
("'multi'\n 'line'", "'multiline'::text", "'multiline'::text"),
("0", "0", "0"),
("0.00", "0.00", "0.00"),
("'0.00'", "0.00", "0.00"),
("1.5", "1.5", "1.5"),
("-1", "'-1'::integer", "'-1'::integer"),
("-1.5", "'-1.5'::numeric", "'-1.5'::numeric"),
("1e3", "'1000'::numeric", "'1000'::numeric"),
("1.5e1", "'15'::numeric", "'15'::numeric"),
("100", "100", "100"),
("'100'::numeric", "'100'::numeric", "'100'::numeric"),
("10.5::numeric(10,2)", "10.5::numeric(10,2)", "10.5::numeric(10,2)"),
(".5", "0.5", "0.5"),
("5.", "'5'::numeric", "'5'::numeric"),
("007", "7", "7"),
("99999999999999999999", "'99999999999999999999'::numeric", "'99999999999999999999'::numeric"),
("0", "0", "0"),
("1", "1", "1"),
("-1", "'-1'::integer", "'-1'::integer"),
("- 1", "'-1'::integer", "'-1'::integer"),
("-(1)", "'-1'::integer", "'-1'::integer"),
("'42'", "42", "42"),
("42::int", "42", "42"),
("(1 + 2)", "1 + 2", "(1 + 2)"),
("nextval('seq')", "nextval('public.seq'::regclass)", "nextval('public.seq'::regclass)"),
("nextval('public.seq'::regclass)", "nextval('public.seq'::regclass)", "nextval('public.seq'::regclass)"),
("2147483647", "2147483647", "2147483647"),
("-2147483648", "'-2147483648'::integer", "'-2147483648'::integer"),
("0", "0", "0"),
("10000000000", "'10000000000'::bigint", "'10000000000'::bigint"),
("-10000000000", "'-10000000000'::bigint", "'-10000000000'::bigint"),
("1", "1", "1"),
("true", "true", "true"),
("TRUE", "true", "true"),
("'true'", "true", "true"),
("'t'", "true", "true"),
("false", "false", "false"),
("'f'", "false", "false"),
("'false'", "false", "false"),
("'yes'", "true", "true"),
("'off'", "false", "false"),
("(NOT true)", "NOT true", "(NOT true)"),
("true::boolean", "true", "true"),
("now()", "now()", "now()"),
("CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"),
("LOCALTIMESTAMP", "LOCALTIMESTAMP", "LOCALTIMESTAMP"),
("transaction_timestamp()", "transaction_timestamp()", "transaction_timestamp()"),
("statement_timestamp()", "statement_timestamp()", "statement_timestamp()"),
("clock_timestamp()", "clock_timestamp()", "clock_timestamp()"),
("'2020-01-01 00:00:00'", "'2020-01-01 00:00:00'::timestamp without time zone", "'2020-01-01 00:00:00'::timestamp without time zone"),
("timezone('utc', now())", "timezone('utc'::text, now())", "timezone('utc'::text, now())"),
("(now() at time zone 'utc')", "(now() AT TIME ZONE 'utc'::text)", "(now() AT TIME ZONE 'utc'::text)"),
("(now() AT TIME ZONE 'UTC')", "(now() AT TIME ZONE 'UTC'::text)", "(now() AT TIME ZONE 'UTC'::text)"),
("CURRENT_TIMESTAMP(3)", "CURRENT_TIMESTAMP(3)", "CURRENT_TIMESTAMP(3)"),
("now()", "now()", "now()"),
("now()", "now()", "now()"),
("CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"),
("pg_catalog.now()", "now()", "now()"),
("now() + interval '1 day'", "now() + '1 day'::interval", "(now() + '1 day'::interval)"),
("now() - '1 hour'::interval", "now() - '01:00:00'::interval", "(now() - '01:00:00'::interval)"),
("date_trunc('day', now())", "date_trunc('day'::text, now())", "date_trunc('day'::text, now())"),
("current_timestamp", "CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"),
("CURRENT_DATE", "CURRENT_DATE", "CURRENT_DATE"),
("now()::date", "now()::date", "(now())::date"),
("CAST(now() AS date)", "now()::date", "(now())::date"),
("'2020-01-01'", "'2020-01-01'::date", "'2020-01-01'::date"),
("date '2020-01-01'", "'2020-01-01'::date", "'2020-01-01'::date"),
("'2020-01-01'::date", "'2020-01-01'::date", "'2020-01-01'::date"),
("CURRENT_DATE + 1", "CURRENT_DATE + 1", "(CURRENT_DATE + 1)"),
("CURRENT_TIME", "CURRENT_TIME", "CURRENT_TIME"),
("LOCALTIME", "LOCALTIME", "LOCALTIME"),
("gen_random_uuid()", "gen_random_uuid()", "gen_random_uuid()"),
("'00000000-0000-0000-0000-000000000000'", "'00000000-0000-0000-0000-000000000000'::uuid", "'00000000-0000-0000-0000-000000000000'::uuid"),
("'{}'", "'{}'::jsonb", "'{}'::jsonb"),
("'{}'::jsonb", "'{}'::jsonb", "'{}'::jsonb"),
("'[]'", "'[]'::jsonb", "'[]'::jsonb"),
("'{\"a\": 1}'", "'{\"a\": 1}'::jsonb", "'{\"a\": 1}'::jsonb"),
("jsonb_build_object('a', 1)", "jsonb_build_object('a', 1)", "jsonb_build_object('a', 1)"),
("'null'::jsonb", "'null'::jsonb", "'null'::jsonb"),
("'{}'", "'{}'::json", "'{}'::json"),
("'{}'", "'{}'::text[]", "'{}'::text[]"),
("'{}'::text[]", "'{}'::text[]", "'{}'::text[]"),
("ARRAY[]::text[]", "ARRAY[]::text[]", "ARRAY[]::text[]"),
("ARRAY['a', 'b']", "ARRAY['a'::text, 'b'::text]", "ARRAY['a'::text, 'b'::text]"),
("'{a,b}'", "'{a,b}'::text[]", "'{a,b}'::text[]"),
("ARRAY['a']::text[]", "ARRAY['a'::text]", "ARRAY['a'::text]"),
("ARRAY['a', 'b']", "ARRAY['a'::text, 'b'::text]", "ARRAY['a'::text, 'b'::text]"),
("'{}'::varchar[]", "'{}'::character varying[]", "'{}'::character varying[]"),
("'{1,2}'", "'{1,2}'::integer[]", "'{1,2}'::integer[]"),
("ARRAY[1, 2]", "ARRAY[1, 2]", "ARRAY[1, 2]"),
("ARRAY[]::int[]", "ARRAY[]::integer[]", "ARRAY[]::integer[]"),
("ARRAY[[1, 2], [3, 4]]", "ARRAY[ARRAY[1, 2], ARRAY[3, 4]]", "ARRAY[ARRAY[1, 2], ARRAY[3, 4]]"),
("'USER'", "'USER'::public.message_role", "'USER'::public.message_role"),
("'USER'::message_role", "'USER'::public.message_role", "'USER'::public.message_role"),
("'USER'::public.message_role", "'USER'::public.message_role", "'USER'::public.message_role"),
("'happy'", "'happy'::public.\"Mood\"", "'happy'::public.\"Mood\""),
("'happy'::\"Mood\"", "'happy'::public.\"Mood\"", "'happy'::public.\"Mood\""),
("'a'", "'a'::other.kind", "'a'::other.kind"),
("'1 day'", "'1 day'::interval", "'1 day'::interval"),
("interval '1 day'", "'1 day'::interval", "'1 day'::interval"),
("'1 hour'::interval", "'01:00:00'::interval", "'01:00:00'::interval"),
("'127.0.0.1'", "'127.0.0.1'::inet", "'127.0.0.1'::inet"),
("0.5", "0.5", "0.5"),
("0", "0", "0"),
("0", "0", "0"),
("1.5", "1.5", "1.5"),
("pi()", "pi()", "pi()"),
("'abc'", "'abc'::bpchar", "'abc'::bpchar"),
("B'101'", "'101'::\"bit\"", "'101'::\"bit\""),
("X'1F'", "'00011111'::\"bit\"", "'00011111'::\"bit\""),
("1", "1", "1"),
("lpad('x', 3, '0')", "lpad('x'::text, 3, '0'::text)", "lpad('x'::text, 3, '0'::text)"),
("md5(random()::text)", "md5(random()::text)", "md5((random())::text)"),
("floor(random() * 100)::int", "floor(random() * 100::double precision)::integer", "(floor((random() * (100)::double precision)))::integer"),
("extract(year from now())::int", "EXTRACT(year FROM now())::integer", "(EXTRACT(year FROM now()))::integer"),
("EXTRACT(epoch FROM now())", "EXTRACT(epoch FROM now())", "EXTRACT(epoch FROM now())"),
("to_char(now(), 'YYYY-MM-DD')", "to_char(now(), 'YYYY-MM-DD'::text)", "to_char(now(), 'YYYY-MM-DD'::text)"),
("substring('abc' from 1 for 2)", "SUBSTRING('abc'::text FROM 1 FOR 2)", "SUBSTRING('abc'::text FROM 1 FOR 2)"),
("trim(both ' ' from ' x ')", "TRIM(BOTH ' '::text FROM ' x '::text)", "TRIM(BOTH ' '::text FROM ' x '::text)"),
("coalesce(current_setting('app.user', true), 'anon')", "COALESCE(current_setting('app.user'::text, true), 'anon'::text)", "COALESCE(current_setting('app.user'::text, true), 'anon'::text)"),
("CASE WHEN random() > 0.5 THEN 'a' ELSE 'b' END", "\nCASE\n    WHEN random() > 0.5::double precision THEN 'a'::text\n    ELSE 'b'::text\nEND", "\nCASE\n    WHEN (random() > (0.5)::double precision) THEN 'a'::text\n    ELSE 'b'::text\nEND"),
("(extract(epoch from now()) * 1000)::bigint", "(EXTRACT(epoch FROM now()) * 1000::numeric)::bigint", "((EXTRACT(epoch FROM now()) * (1000)::numeric))::bigint"),
("-1::int", "- 1", "(- 1)"),
("- '1'::int", "- 1", "(- 1)"),
("(-1)::integer", "'-1'::integer", "'-1'::integer"),
("-(-1)", "1", "1"),
("+1", "+ 1", "(+ 1)"),
("-0", "0", "0"),
("- 0.0", "0.0", "0.0"),
("e'\\x41'", "'A'::text", "'A'::text"),
("'a\\b'", "'a\\b'::text", "'a\\b'::text"),
("text 'x'", "'x'::text", "'x'::text"),
("varchar 'x'", "'x'::character varying", "'x'::character varying"),
("timestamp '2020-01-01'", "'2020-01-01 00:00:00'::timestamp without time zone", "'2020-01-01 00:00:00'::timestamp without time zone"),
("'2020-01-01 10:30'", "'2020-01-01 10:30:00'::timestamp without time zone", "'2020-01-01 10:30:00'::timestamp without time zone"),
("'2020-01-01 10:30:00+00'", "'2020-01-01 10:30:00+00'::timestamp with time zone", "'2020-01-01 10:30:00+00'::timestamp with time zone"),
("timestamptz '2020-01-01 00:00:00'", "'2020-01-01 00:00:00+00'::timestamp with time zone", "'2020-01-01 00:00:00+00'::timestamp with time zone"),
("'2020-1-2'", "'2020-01-02'::date", "'2020-01-02'::date"),
("'10:00'", "'10:00:00'::time without time zone", "'10:00:00'::time without time zone"),
("'10:00:30'", "'10:00:30'::time without time zone", "'10:00:30'::time without time zone"),
("interval '1' day", "'1 day'::interval", "'1 day'::interval"),
("interval '2' hour", "'02:00:00'::interval", "'02:00:00'::interval"),
("'30 minutes'", "'00:30:00'::interval", "'00:30:00'::interval"),
("'1 week'", "'7 days'::interval", "'7 days'::interval"),
("'2 months'", "'2 mons'::interval", "'2 mons'::interval"),
("'1 year 2 months 3 days 4 hours 5 minutes 6 seconds'", "'1 year 2 mons 3 days 04:05:06'::interval", "'1 year 2 mons 3 days 04:05:06'::interval"),
("'36 hours'", "'36:00:00'::interval", "'36:00:00'::interval"),
("now() + '30 minutes'::interval", "now() + '00:30:00'::interval", "(now() + '00:30:00'::interval)"),
("(now() + interval '7 days')", "now() + '7 days'::interval", "(now() + '7 days'::interval)"),
("'{\"b\":1,\"a\":2}'", "'{\"a\": 2, \"b\": 1}'::jsonb", "'{\"a\": 2, \"b\": 1}'::jsonb"),
("'{\"a\": [1, 2.50, 1e2, \"x\\u0041\"], \"aa\": null, \"b\": {\"y\": true, \"x\": false}}'::jsonb", "'{\"a\": [1, 2.50, 100, \"xA\"], \"b\": {\"x\": false, \"y\": true}, \"aa\": null}'::jsonb", "'{\"a\": [1, 2.50, 100, \"xA\"], \"b\": {\"x\": false, \"y\": true}, \"aa\": null}'::jsonb"),
("'[1,2,3]'", "'[1, 2, 3]'::jsonb", "'[1, 2, 3]'::jsonb"),
("'\"str\"'", "'\"str\"'::jsonb", "'\"str\"'::jsonb"),
("'{\"b\":1,\"a\":2}'", "'{\"b\":1,\"a\":2}'::json", "'{\"b\":1,\"a\":2}'::json"),
("'seq'", "'public.seq'::regclass", "'public.seq'::regclass"),
("nextval('public.seq')", "nextval('public.seq'::regclass)", "nextval('public.seq'::regclass)"),
("nextval('seq'::regclass)", "nextval('public.seq'::regclass)", "nextval('public.seq'::regclass)"),
("ARRAY['a'::varchar, 'b']", "ARRAY['a'::character varying, 'b'::character varying]", "ARRAY['a'::character varying, 'b'::character varying]"),
("now()::text", "now()::text", "(now())::text"),
("current_timestamp::text", "CURRENT_TIMESTAMP::text", "(CURRENT_TIMESTAMP)::text"),
("'prefix-' || gen_random_uuid()::text", "'prefix-'::text || gen_random_uuid()::text", "('prefix-'::text || (gen_random_uuid())::text)"),
("substring(md5(random()::text), 1, 8)", "\"substring\"(md5(random()::text), 1, 8)", "\"substring\"(md5((random())::text), 1, 8)"),
("transaction_timestamp()", "transaction_timestamp()", "transaction_timestamp()"),
("'on'", "true", "true"),
("'NO'", "false", "false"),
("'T'", "true", "true"),
("'-1.50'", "'-1.50'::numeric", "'-1.50'::numeric"),
("1.50e1", "15.0", "15.0"),
("1e-2", "0.01", "0.01"),
("1.5e1", "'15'::numeric", "'15'::numeric"),
("'{\"not\": json'", "'{\"not\": json'::text", "'{\"not\": json'::text"),
("'{a,b}'", "'{a,b}'::text", "'{a,b}'::text"),
// CHECK constraints
("name ~ 'a' COLLATE \"C\"", "name ~ ('a'::text COLLATE \"C\")", "(name ~ ('a'::text COLLATE \"C\"))"),
("a > 0", "a > 0", "(a > 0)"),
("a >= 0", "a >= 0", "(a >= 0)"),
("a <> 0", "a <> 0", "(a <> 0)"),
("a != 0", "a <> 0", "(a <> 0)"),
("a > 0 AND b > 0", "a > 0 AND b > 0", "((a > 0) AND (b > 0))"),
("a > 0 OR b > 0", "a > 0 OR b > 0", "((a > 0) OR (b > 0))"),
("a > 0 AND (b > 0 OR c > 0)", "a > 0 AND (b > 0 OR c > 0)", "((a > 0) AND ((b > 0) OR (c > 0)))"),
("(a > 0 AND b > 0) OR c > 0", "a > 0 AND b > 0 OR c > 0", "(((a > 0) AND (b > 0)) OR (c > 0))"),
("a > 0 AND b > 0 AND c > 0", "a > 0 AND b > 0 AND c > 0", "((a > 0) AND (b > 0) AND (c > 0))"),
("a > 0 AND (b > 0 AND c > 0)", "a > 0 AND b > 0 AND c > 0", "((a > 0) AND ((b > 0) AND (c > 0)))"),
("a > 0 OR b > 0 OR c > 0", "a > 0 OR b > 0 OR c > 0", "((a > 0) OR (b > 0) OR (c > 0))"),
("(a > 0 OR b > 0) AND (c > 0 OR a < 0)", "(a > 0 OR b > 0) AND (c > 0 OR a < 0)", "(((a > 0) OR (b > 0)) AND ((c > 0) OR (a < 0)))"),
("NOT (a > 0)", "NOT a > 0", "(NOT (a > 0))"),
("NOT (a > 0 AND b > 0)", "NOT (a > 0 AND b > 0)", "(NOT ((a > 0) AND (b > 0)))"),
("a > 0 AND NOT b > 0", "a > 0 AND NOT b > 0", "((a > 0) AND (NOT (b > 0)))"),
("a IS NOT NULL", "a IS NOT NULL", "(a IS NOT NULL)"),
("a IS NULL OR b IS NULL", "a IS NULL OR b IS NULL", "((a IS NULL) OR (b IS NULL))"),
("a notnull", "a IS NOT NULL", "(a IS NOT NULL)"),
("a isnull", "a IS NULL", "(a IS NULL)"),
("NOT a IS NULL", "NOT a IS NULL", "(NOT (a IS NULL))"),
("a BETWEEN 1 AND 10", "a >= 1 AND a <= 10", "((a >= 1) AND (a <= 10))"),
("a NOT BETWEEN 1 AND 10", "a < 1 OR a > 10", "((a < 1) OR (a > 10))"),
("a BETWEEN SYMMETRIC 10 AND 1", "a >= 10 AND a <= 1 OR a >= 1 AND a <= 10", "(((a >= 10) AND (a <= 1)) OR ((a >= 1) AND (a <= 10)))"),
("a NOT BETWEEN SYMMETRIC 1 AND 10", "(a < 1 OR a > 10) AND (a < 10 OR a > 1)", "(((a < 1) OR (a > 10)) AND ((a < 10) OR (a > 1)))"),
("length(name) BETWEEN 1 AND 10", "length(name) >= 1 AND length(name) <= 10", "((length(name) >= 1) AND (length(name) <= 10))"),
("a IN (1, 2, 3)", "a = ANY (ARRAY[1, 2, 3])", "(a = ANY (ARRAY[1, 2, 3]))"),
("a NOT IN (1, 2, 3)", "a <> ALL (ARRAY[1, 2, 3])", "(a <> ALL (ARRAY[1, 2, 3]))"),
("a IN (1)", "a = 1", "(a = 1)"),
("a IN (b, c)", "a = b OR a = c", "((a = b) OR (a = c))"),
("a IN (1, b)", "a = 1 OR a = b", "((a = 1) OR (a = b))"),
("a IN (1, 2, b)", "(a = ANY (ARRAY[1, 2])) OR a = b", "((a = ANY (ARRAY[1, 2])) OR (a = b))"),
("a NOT IN (1, b)", "a <> 1 AND a <> b", "((a <> 1) AND (a <> b))"),
("status IN ('a', 'b')", "status::text = ANY (ARRAY['a'::character varying, 'b'::character varying]::text[])", "((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))"),
("status NOT IN ('a', 'b')", "status::text <> ALL (ARRAY['a'::character varying, 'b'::character varying]::text[])", "((status)::text <> ALL ((ARRAY['a'::character varying, 'b'::character varying])::text[]))"),
("status IN ('a')", "status::text = 'a'::text", "((status)::text = 'a'::text)"),
("role IN ('USER', 'ADMIN')", "role = ANY (ARRAY['USER'::public.message_role, 'ADMIN'::public.message_role])", "(role = ANY (ARRAY['USER'::public.message_role, 'ADMIN'::public.message_role]))"),
("role = 'USER'", "role = 'USER'::public.message_role", "(role = 'USER'::public.message_role)"),
("role <> 'SYSTEM'", "role <> 'SYSTEM'::public.message_role", "(role <> 'SYSTEM'::public.message_role)"),
("role::text = 'USER'", "role::text = 'USER'::text", "((role)::text = 'USER'::text)"),
("role = 'USER'::message_role", "role = 'USER'::public.message_role", "(role = 'USER'::public.message_role)"),
("role = 'USER'::public.message_role", "role = 'USER'::public.message_role", "(role = 'USER'::public.message_role)"),
("kind = 'a'", "kind = 'a'::other.kind", "(kind = 'a'::other.kind)"),
("name IN ('x', 'y')", "name = ANY (ARRAY['x'::text, 'y'::text])", "(name = ANY (ARRAY['x'::text, 'y'::text]))"),
("code IN ('abc', 'def')", "code = ANY (ARRAY['abc'::bpchar, 'def'::bpchar])", "(code = ANY (ARRAY['abc'::bpchar, 'def'::bpchar]))"),
("code = 'abc'", "code = 'abc'::bpchar", "(code = 'abc'::bpchar)"),
("email LIKE '%@%'", "email::text ~~ '%@%'::text", "((email)::text ~~ '%@%'::text)"),
("email ILIKE '%@%'", "email::text ~~* '%@%'::text", "((email)::text ~~* '%@%'::text)"),
("email NOT LIKE 'a%'", "email::text !~~ 'a%'::text", "((email)::text !~~ 'a%'::text)"),
("name NOT ILIKE 'x%'", "name !~~* 'x%'::text", "(name !~~* 'x%'::text)"),
("name ~~ 'a%'", "name ~~ 'a%'::text", "(name ~~ 'a%'::text)"),
("email ~ '^[a-z]+$'", "email::text ~ '^[a-z]+$'::text", "((email)::text ~ '^[a-z]+$'::text)"),
("email ~* 'x'", "email::text ~* 'x'::text", "((email)::text ~* 'x'::text)"),
("email !~ 'x'", "email::text !~ 'x'::text", "((email)::text !~ 'x'::text)"),
("name SIMILAR TO 'a%'", "name ~ similar_to_escape('a%'::text)", "(name ~ similar_to_escape('a%'::text))"),
("name NOT SIMILAR TO 'a%'", "name !~ similar_to_escape('a%'::text)", "(name !~ similar_to_escape('a%'::text))"),
("name LIKE 'a!%' ESCAPE '!'", "name ~~ like_escape('a!%'::text, '!'::text)", "(name ~~ like_escape('a!%'::text, '!'::text))"),
("length(name) > 0", "length(name) > 0", "(length(name) > 0)"),
("char_length(name) <= 100", "char_length(name) <= 100", "(char_length(name) <= 100)"),
("length(email) < 255", "length(email::text) < 255", "(length((email)::text) < 255)"),
("lower(email) = email", "lower(email::text) = email::text", "(lower((email)::text) = (email)::text)"),
("upper(code) = code", "upper(code::text) = code::text", "(upper((code)::text) = (code)::text)"),
("COALESCE(a, 0) >= 0", "COALESCE(a, 0) >= 0", "(COALESCE(a, 0) >= 0)"),
("coalesce(name, '') <> ''", "COALESCE(name, ''::text) <> ''::text", "(COALESCE(name, ''::text) <> ''::text)"),
("nullif(name, '') IS NOT NULL", "NULLIF(name, ''::text) IS NOT NULL", "(NULLIF(name, ''::text) IS NOT NULL)"),
("greatest(a, b) < 100", "GREATEST(a, b) < 100", "(GREATEST(a, b) < 100)"),
("least(a, b) > 0", "LEAST(a, b) > 0", "(LEAST(a, b) > 0)"),
("CASE WHEN a > 0 THEN b > 0 ELSE true END", "\nCASE\n    WHEN a > 0 THEN b > 0\n    ELSE true\nEND", "\nCASE\n    WHEN (a > 0) THEN (b > 0)\n    ELSE true\nEND"),
("CASE a WHEN 1 THEN b = 1 WHEN 2 THEN b = 2 ELSE false END", "\nCASE a\n    WHEN 1 THEN b = 1\n    WHEN 2 THEN b = 2\n    ELSE false\nEND", "\nCASE a\n    WHEN 1 THEN (b = 1)\n    WHEN 2 THEN (b = 2)\n    ELSE false\nEND"),
("CASE WHEN a > 0 THEN b > 0 END", "\nCASE\n    WHEN a > 0 THEN b > 0\n    ELSE NULL::boolean\nEND", "\nCASE\n    WHEN (a > 0) THEN (b > 0)\n    ELSE NULL::boolean\nEND"),
("a + b > 10", "(a + b) > 10", "((a + b) > 10)"),
("a * 2 <= b", "(a * 2) <= b", "((a * 2) <= b)"),
("(a + b) * 2 < 100", "((a + b) * 2) < 100", "(((a + b) * 2) < 100)"),
("a - b - c > 0", "(a - b - c) > 0", "(((a - b) - c) > 0)"),
("a - (b - c) > 0", "(a - (b - c)) > 0", "((a - (b - c)) > 0)"),
("a + (b + c) > 0", "(a + (b + c)) > 0", "((a + (b + c)) > 0)"),
("a % 2 = 0", "(a % 2) = 0", "((a % 2) = 0)"),
("a / 2 > 1", "(a / 2) > 1", "((a / 2) > 1)"),
("-a < 0", "(- a) < 0", "((- a) < 0)"),
("a > -1", "a > '-1'::integer", "(a > '-1'::integer)"),
("a > - 1", "a > '-1'::integer", "(a > '-1'::integer)"),
("a > 1e2", "a::numeric > '100'::numeric", "((a)::numeric > '100'::numeric)"),
("a > 1.5", "a::numeric > 1.5", "((a)::numeric > 1.5)"),
("price > 0", "price > 0::numeric", "(price > (0)::numeric)"),
("price >= 0.01", "price >= 0.01", "(price >= 0.01)"),
("price > '0'", "price > '0'::numeric", "(price > '0'::numeric)"),
("price = 0::numeric", "price = 0::numeric", "(price = (0)::numeric)"),
("n > 0", "n > 0::numeric", "(n > (0)::numeric)"),
("n >= 0.00", "n >= 0.00", "(n >= 0.00)"),
("r > 0", "r > 0::double precision", "(r > (0)::double precision)"),
("f > 0.5", "f > 0.5::double precision", "(f > (0.5)::double precision)"),
("f > pi()", "f > pi()", "(f > pi())"),
("big > 0", "big > 0", "(big > 0)"),
("small > 0", "small > 0", "(small > 0)"),
("r + f > 0", "(r + f) > 0::double precision", "((r + f) > (0)::double precision)"),
("big + a > 0", "(big + a) > 0", "((big + a) > 0)"),
("small * 2 > a", "(small * 2) > a", "((small * 2) > a)"),
("created_at::date > '2020-01-01'", "created_at::date > '2020-01-01'::date", "((created_at)::date > '2020-01-01'::date)"),
("created_at > '2020-01-01'", "created_at > '2020-01-01 00:00:00+00'::timestamp with time zone", "(created_at > '2020-01-01 00:00:00+00'::timestamp with time zone)"),
("d > '2020-01-01'", "d > '2020-01-01'::date", "(d > '2020-01-01'::date)"),
("d >= CURRENT_DATE - 30", "d >= (CURRENT_DATE - 30)", "(d >= (CURRENT_DATE - 30))"),
("updated_at <= now()", "updated_at <= now()", "(updated_at <= now())"),
("created_at <= CURRENT_TIMESTAMP", "created_at <= CURRENT_TIMESTAMP", "(created_at <= CURRENT_TIMESTAMP)"),
("created_at < updated_at", "created_at < updated_at", "(created_at < updated_at)"),
("created_at > now() - interval '1 year'", "created_at > (now() - '1 year'::interval)", "(created_at > (now() - '1 year'::interval))"),
("dur > interval '1 hour'", "dur > '01:00:00'::interval", "(dur > '01:00:00'::interval)"),
("dur >= '1 day'", "dur >= '1 day'::interval", "(dur >= '1 day'::interval)"),
("data ? 'k'", "data ? 'k'::text", "(data ? 'k'::text)"),
("data ->> 'k' IS NOT NULL", "(data ->> 'k'::text) IS NOT NULL", "((data ->> 'k'::text) IS NOT NULL)"),
("data->'a' IS NOT NULL", "(data -> 'a'::text) IS NOT NULL", "((data -> 'a'::text) IS NOT NULL)"),
("data @> '{\"a\": 1}'", "data @> '{\"a\": 1}'::jsonb", "(data @> '{\"a\": 1}'::jsonb)"),
("jsonb_typeof(data) = 'object'", "jsonb_typeof(data) = 'object'::text", "(jsonb_typeof(data) = 'object'::text)"),
("(data ->> 'n')::int > 0", "((data ->> 'n'::text)::integer) > 0", "(((data ->> 'n'::text))::integer > 0)"),
("data #>> '{a,b}' = 'x'", "(data #>> '{a,b}'::text[]) = 'x'::text", "((data #>> '{a,b}'::text[]) = 'x'::text)"),
("j ->> 'k' IS NOT NULL", "(j ->> 'k'::text) IS NOT NULL", "((j ->> 'k'::text) IS NOT NULL)"),
("data ?| array['a', 'b']", "data ?| ARRAY['a'::text, 'b'::text]", "(data ?| ARRAY['a'::text, 'b'::text])"),
("tags @> ARRAY['x']", "tags @> ARRAY['x'::text]", "(tags @> ARRAY['x'::text])"),
("array_length(tags, 1) > 0", "array_length(tags, 1) > 0", "(array_length(tags, 1) > 0)"),
("cardinality(tags) <= 10", "cardinality(tags) <= 10", "(cardinality(tags) <= 10)"),
("'x' = ANY (tags)", "'x'::text = ANY (tags)", "('x'::text = ANY (tags))"),
("ids[1] > 0", "ids[1] > 0", "(ids[1] > 0)"),
("a = ANY (ids)", "a = ANY (ids)", "(a = ANY (ids))"),
("a <= ALL (ids)", "a <= ALL (ids)", "(a <= ALL (ids))"),
("tags && ARRAY['a', 'b']::text[]", "tags && ARRAY['a'::text, 'b'::text]", "(tags && ARRAY['a'::text, 'b'::text])"),
("vtags @> ARRAY['a']::varchar[]", "vtags @> ARRAY['a'::character varying]", "(vtags @> ARRAY['a'::character varying])"),
("tags = '{}'", "tags = '{}'::text[]", "(tags = '{}'::text[])"),
("tags <> '{}'::text[]", "tags <> '{}'::text[]", "(tags <> '{}'::text[])"),
("ids = ARRAY[1, 2]", "ids = ARRAY[1, 2]", "(ids = ARRAY[1, 2])"),
("ids <> ARRAY[]::int[]", "ids <> ARRAY[]::integer[]", "(ids <> ARRAY[]::integer[])"),
("email = ANY (ARRAY['a', 'b'])", "email::text = ANY (ARRAY['a'::text, 'b'::text])", "((email)::text = ANY (ARRAY['a'::text, 'b'::text]))"),
("status = ANY ('{a,b}'::text[])", "status::text = ANY ('{a,b}'::text[])", "((status)::text = ANY ('{a,b}'::text[]))"),
("name <> ALL (ARRAY['x'])", "name <> ALL (ARRAY['x'::text])", "(name <> ALL (ARRAY['x'::text]))"),
("flag", "flag", "flag"),
("NOT flag", "NOT flag", "(NOT flag)"),
("flag = true", "flag = true", "(flag = true)"),
("flag IS TRUE", "flag IS TRUE", "(flag IS TRUE)"),
("flag IS NOT FALSE", "flag IS NOT FALSE", "(flag IS NOT FALSE)"),
("flag = 't'", "flag = true", "(flag = true)"),
("flag <> false", "flag <> false", "(flag <> false)"),
("(a > 0) IS TRUE", "(a > 0) IS TRUE", "((a > 0) IS TRUE)"),
("a > 0 IS NOT UNKNOWN", "(a > 0) IS NOT UNKNOWN", "((a > 0) IS NOT UNKNOWN)"),
("(a > 0) = (b > 0)", "(a > 0) = (b > 0)", "((a > 0) = (b > 0))"),
("a IS DISTINCT FROM b", "a IS DISTINCT FROM b", "(a IS DISTINCT FROM b)"),
("a IS NOT DISTINCT FROM b", "NOT a IS DISTINCT FROM b", "(NOT (a IS DISTINCT FROM b))"),
("\"Email\" <> ''", "\"Email\" <> ''::text", "(\"Email\" <> ''::text)"),
("\"order\" > 0", "\"order\" > 0", "(\"order\" > 0)"),
("\"email\" LIKE '%@%'", "email::text ~~ '%@%'::text", "((email)::text ~~ '%@%'::text)"),
("\"a\" > 0", "a > 0", "(a > 0)"),
("email::text <> ''", "email::text <> ''::text", "((email)::text <> ''::text)"),
("CAST(a AS bigint) > 0", "a::bigint > 0", "((a)::bigint > 0)"),
("a::bigint > 0", "a::bigint > 0", "((a)::bigint > 0)"),
("a::numeric(10,2) > 0", "a::numeric(10,2) > 0::numeric", "((a)::numeric(10,2) > (0)::numeric)"),
("name COLLATE \"C\" > 'a'", "(name COLLATE \"C\") > 'a'::text", "((name COLLATE \"C\") > 'a'::text)"),
("name::varchar(10) = 'x'", "name::character varying(10)::text = 'x'::text", "(((name)::character varying(10))::text = 'x'::text)"),
("extract(year from created_at) > 2000", "EXTRACT(year FROM created_at) > 2000::numeric", "(EXTRACT(year FROM created_at) > (2000)::numeric)"),
("date_part('year', created_at) > 2000", "date_part('year'::text, created_at) > 2000::double precision", "(date_part('year'::text, created_at) > (2000)::double precision)"),
("position('@' in email) > 1", "POSITION(('@'::text) IN (email)) > 1", "(POSITION(('@'::text) IN (email)) > 1)"),
("strpos(email, '@') > 1", "strpos(email::text, '@'::text) > 1", "(strpos((email)::text, '@'::text) > 1)"),
("substring(name from 1 for 2) = 'ab'", "SUBSTRING(name FROM 1 FOR 2) = 'ab'::text", "(SUBSTRING(name FROM 1 FOR 2) = 'ab'::text)"),
("substring(name, 1, 2) = 'ab'", "\"substring\"(name, 1, 2) = 'ab'::text", "(\"substring\"(name, 1, 2) = 'ab'::text)"),
("substr(name, 1, 2) = 'ab'", "substr(name, 1, 2) = 'ab'::text", "(substr(name, 1, 2) = 'ab'::text)"),
("trim(name) = name", "TRIM(BOTH FROM name) = name", "(TRIM(BOTH FROM name) = name)"),
("btrim(name) = name", "btrim(name) = name", "(btrim(name) = name)"),
("trim(both ' ' from name) <> ''", "TRIM(BOTH ' '::text FROM name) <> ''::text", "(TRIM(BOTH ' '::text FROM name) <> ''::text)"),
("trim(leading from name) = name", "TRIM(LEADING FROM name) = name", "(TRIM(LEADING FROM name) = name)"),
("ltrim(name) = name", "ltrim(name) = name", "(ltrim(name) = name)"),
("overlay(name placing 'x' from 1 for 1) <> ''", "OVERLAY(name PLACING 'x'::text FROM 1 FOR 1) <> ''::text", "(OVERLAY(name PLACING 'x'::text FROM 1 FOR 1) <> ''::text)"),
("u IS NOT NULL", "u IS NOT NULL", "(u IS NOT NULL)"),
("ip << '10.0.0.0/8'::inet", "ip << '10.0.0.0/8'::inet", "(ip << '10.0.0.0/8'::inet)"),
("(a, b) = (1, 2)", "a = 1 AND b = 2", "((a = 1) AND (b = 2))"),
("ROW(a, b) <> ROW(1, 2)", "a <> 1 OR b <> 2", "((a <> 1) OR (b <> 2))"),
("(a, b) < (1, 2)", "(ROW(a, b) < ROW(1, 2))", "(ROW(a, b) < ROW(1, 2))"),
("octet_length(name) < 10", "octet_length(name) < 10", "(octet_length(name) < 10)"),
("abs(a) < 10", "abs(a) < 10", "(abs(a) < 10)"),
("round(price, 2) = price", "round(price, 2) = price", "(round(price, 2) = price)"),
("mod(a, 2) = 0", "mod(a, 2) = 0", "(mod(a, 2) = 0)"),
("char_length(code) = 3", "char_length(code) = 3", "(char_length(code) = 3)"),
("to_char(created_at, 'YYYY') > '2000'", "to_char(created_at, 'YYYY'::text) > '2000'::text", "(to_char(created_at, 'YYYY'::text) > '2000'::text)"),
("a::text ~ '^[0-9]+$'", "a::text ~ '^[0-9]+$'::text", "((a)::text ~ '^[0-9]+$'::text)"),
("E'x\\ty' <> name", "'x\ty'::text <> name", "('x\ty'::text <> name)"),
("name <> $$x$$", "name <> 'x'::text", "(name <> 'x'::text)"),
("status = 'a'::varchar", "status::text = 'a'::character varying::text", "((status)::text = ('a'::character varying)::text)"),
("b > 0 or a is null", "b > 0 OR a IS NULL", "((b > 0) OR (a IS NULL))"),
("created_at at time zone 'utc' > '2020-01-01'", "(created_at AT TIME ZONE 'utc'::text) > '2020-01-01 00:00:00'::timestamp without time zone", "((created_at AT TIME ZONE 'utc'::text) > '2020-01-01 00:00:00'::timestamp without time zone)"),
("date_trunc('day', created_at) = created_at", "date_trunc('day'::text, created_at) = created_at", "(date_trunc('day'::text, created_at) = created_at)"),
("coalesce(email, name) <> ''", "COALESCE(email, name::character varying)::text <> ''::text", "((COALESCE(email, (name)::character varying))::text <> ''::text)"),
("concat(name, email) <> ''", "concat(name, email) <> ''::text", "(concat(name, email) <> ''::text)"),
("name || 'x' <> 'x'", "(name || 'x'::text) <> 'x'::text", "((name || 'x'::text) <> 'x'::text)"),
("name || email <> ''", "(name || email::text) <> ''::text", "((name || (email)::text) <> ''::text)"),
("a IN (1, 2) OR b NOT IN (3, 4)", "(a = ANY (ARRAY[1, 2])) OR (b <> ALL (ARRAY[3, 4]))", "((a = ANY (ARRAY[1, 2])) OR (b <> ALL (ARRAY[3, 4])))"),
("a IS NOT NULL AND role = 'USER'", "a IS NOT NULL AND role = 'USER'::public.message_role", "((a IS NOT NULL) AND (role = 'USER'::public.message_role))"),
("(a IS NOT NULL) AND (role = 'USER'::public.message_role)", "a IS NOT NULL AND role = 'USER'::public.message_role", "((a IS NOT NULL) AND (role = 'USER'::public.message_role))"),
("a > 0 AND b > 0 OR c > 0 AND a < 10", "a > 0 AND b > 0 OR c > 0 AND a < 10", "(((a > 0) AND (b > 0)) OR ((c > 0) AND (a < 10)))"),
("deleted_at IS NULL OR deleted_at > created_at", "deleted_at IS NULL OR deleted_at > created_at", "((deleted_at IS NULL) OR (deleted_at > created_at))"),
("num_nonnulls(a, b, c) = 1", "num_nonnulls(a, b, c) = 1", "(num_nonnulls(a, b, c) = 1)"),
("length(name::text) > 0", "length(name) > 0", "(length(name) > 0)"),
("name ~ '^\\w+$'", "name ~ '^\\w+$'::text", "(name ~ '^\\w+$'::text)"),
("email ~ E'^\\\\w+$'", "email::text ~ '^\\w+$'::text", "((email)::text ~ '^\\w+$'::text)"),
("bits = B'101'", "bits = '101'::\"bit\"", "(bits = '101'::\"bit\")"),
("a ^ 2 < 100", "(a::double precision ^ 2::double precision) < 100::double precision", "(((a)::double precision ^ (2)::double precision) < (100)::double precision)"),
("@ a < 10", "(@ a) < 10", "((@ a) < 10)"),
("|/ f < 10", "(|/ f) < 10::double precision", "((|/ f) < (10)::double precision)"),
("a & 1 = 0", "(a & 1) = 0", "((a & 1) = 0)"),
("a << 1 > 0", "(a << 1) > 0", "((a << 1) > 0)"),
("~a < 0", "(~ a) < 0", "((~ a) < 0)"),
("(a + b)::bigint > 0", "(a + b)::bigint > 0", "(((a + b))::bigint > 0)"),
("data -> 'a' ->> 'b' = 'x'", "((data -> 'a'::text) ->> 'b'::text) = 'x'::text", "(((data -> 'a'::text) ->> 'b'::text) = 'x'::text)"),
("(data -> 'a') ->> 'b' = 'x'", "((data -> 'a'::text) ->> 'b'::text) = 'x'::text", "(((data -> 'a'::text) ->> 'b'::text) = 'x'::text)"),
("data #> '{a}' IS NOT NULL", "(data #> '{a}'::text[]) IS NOT NULL", "((data #> '{a}'::text[]) IS NOT NULL)"),
("data - 'a' <> '{}'::jsonb", "(data - 'a'::text) <> '{}'::jsonb", "((data - 'a'::text) <> '{}'::jsonb)"),
("(a > 0) = true", "(a > 0) = true", "((a > 0) = true)"),
("a = 1 OR a = 2 OR a = 3", "a = 1 OR a = 2 OR a = 3", "((a = 1) OR (a = 2) OR (a = 3))"),
("name = 'a' COLLATE \"C\"", "name = ('a'::text COLLATE \"C\")", "(name = ('a'::text COLLATE \"C\"))"),
("ids[1:2] = ARRAY[1, 2]", "ids[1:2] = ARRAY[1, 2]", "(ids[1:2] = ARRAY[1, 2])"),
("array_position(tags, 'x') IS NULL", "array_position(tags, 'x'::text) IS NULL", "(array_position(tags, 'x'::text) IS NULL)"),
("tags[1] = 'x'", "tags[1] = 'x'::text", "(tags[1] = 'x'::text)"),
("(tags)[1] = 'x'", "tags[1] = 'x'::text", "(tags[1] = 'x'::text)"),
("u <> '00000000-0000-0000-0000-000000000000'", "u <> '00000000-0000-0000-0000-000000000000'::uuid", "(u <> '00000000-0000-0000-0000-000000000000'::uuid)"),
("lower(name) LIKE 'a%'", "lower(name) ~~ 'a%'::text", "(lower(name) ~~ 'a%'::text)"),
("name NOT LIKE '% %' AND name <> ''", "name !~~ '% %'::text AND name <> ''::text", "((name !~~ '% %'::text) AND (name <> ''::text))"),
("left(name, 1) <> ' '", "\"left\"(name, 1) <> ' '::text", "(\"left\"(name, 1) <> ' '::text)"),
("right(name, 1) <> ' '", "\"right\"(name, 1) <> ' '::text", "(\"right\"(name, 1) <> ' '::text)"),
("replace(name, ' ', '') = name", "replace(name, ' '::text, ''::text) = name", "(replace(name, ' '::text, ''::text) = name)"),
("regexp_replace(name, '\\s+', '', 'g') = name", "regexp_replace(name, '\\s+'::text, ''::text, 'g'::text) = name", "(regexp_replace(name, '\\s+'::text, ''::text, 'g'::text) = name)"),
("email::varchar(255) <> ''", "email::text <> ''::text", "((email)::text <> ''::text)"),
("n::numeric(12,4) > 0", "n::numeric(12,4) > 0::numeric", "((n)::numeric(12,4) > (0)::numeric)"),
("a::float8 > 0", "a::double precision > 0::double precision", "((a)::double precision > (0)::double precision)"),
("a::double precision > 0", "a::double precision > 0::double precision", "((a)::double precision > (0)::double precision)"),
("a::decimal(10, 2) > 0", "a::numeric(10,2) > 0::numeric", "((a)::numeric(10,2) > (0)::numeric)"),
("created_at::timestamp(3) > '2020-01-01'", "created_at::timestamp(3) without time zone > '2020-01-01 00:00:00'::timestamp without time zone", "((created_at)::timestamp(3) without time zone > '2020-01-01 00:00:00'::timestamp without time zone)"),
("updated_at::timestamptz > '2020-01-01'", "updated_at::timestamp with time zone > '2020-01-01 00:00:00+00'::timestamp with time zone", "((updated_at)::timestamp with time zone > '2020-01-01 00:00:00+00'::timestamp with time zone)"),
("a::int8 > 0", "a::bigint > 0", "((a)::bigint > 0)"),
("a::int2 > 0", "a::smallint > 0", "((a)::smallint > 0)"),
("name::char(2) = 'ab'", "name::character(2) = 'ab'::bpchar", "((name)::character(2) = 'ab'::bpchar)"),
("a::bit(4) = B'0000'", "a::bit(4) = '0000'::\"bit\"", "((a)::bit(4) = '0000'::\"bit\")"),
("data::text <> '{}'", "data::text <> '{}'::text", "((data)::text <> '{}'::text)"),
("d::timestamp with time zone > now()", "d::timestamp with time zone > now()", "((d)::timestamp with time zone > now())"),
("t::time(0) without time zone > '00:00'", "t::time(0) without time zone > '00:00:00'::time without time zone", "((t)::time(0) without time zone > '00:00:00'::time without time zone)"),
("a = -(-1)", "a = 1", "(a = 1)"),
("a > -1 AND a < +1", "a > '-1'::integer AND a < (+ 1)", "((a > '-1'::integer) AND (a < (+ 1)))"),
("a <> - a", "a <> (- a)", "(a <> (- a))"),
("a in (1.5, 2.5)", "a::numeric = ANY (ARRAY[1.5, 2.5])", "((a)::numeric = ANY (ARRAY[1.5, 2.5]))"),
("a + 1.5 > 0", "(a::numeric + 1.5) > 0::numeric", "(((a)::numeric + 1.5) > (0)::numeric)"),
("a * 0.5 > 1", "(a::numeric * 0.5) > 1::numeric", "(((a)::numeric * 0.5) > (1)::numeric)"),
("a between 0.5 and 10", "a::numeric >= 0.5 AND a <= 10", "(((a)::numeric >= 0.5) AND (a <= 10))"),
("price * qty > 0", "(price * qty::numeric) > 0::numeric", "((price * (qty)::numeric) > (0)::numeric)"),
("price > a", "price > a::numeric", "(price > (a)::numeric)"),
("f > a", "f > a::double precision", "(f > (a)::double precision)"),
("n between 0 and 100.5", "n >= 0::numeric AND n <= 100.5", "((n >= (0)::numeric) AND (n <= 100.5))"),
("interval '1 hour' < dur", "'01:00:00'::interval < dur", "('01:00:00'::interval < dur)"),
("dur < '90 minutes'", "dur < '01:30:00'::interval", "(dur < '01:30:00'::interval)"),
("created_at > timestamptz '2020-01-01'", "created_at > '2020-01-01 00:00:00+00'::timestamp with time zone", "(created_at > '2020-01-01 00:00:00+00'::timestamp with time zone)"),
("d BETWEEN '2020-01-01' AND '2030-12-31'", "d >= '2020-01-01'::date AND d <= '2030-12-31'::date", "((d >= '2020-01-01'::date) AND (d <= '2030-12-31'::date))"),
("length(trim(name)) > 0", "length(TRIM(BOTH FROM name)) > 0", "(length(TRIM(BOTH FROM name)) > 0)"),
("trim(trailing 'x' from name) <> ''", "TRIM(TRAILING 'x'::text FROM name) <> ''::text", "(TRIM(TRAILING 'x'::text FROM name) <> ''::text)"),
("trim(name, 'x') <> ''", "TRIM(BOTH 'x'::text FROM name) <> ''::text", "(TRIM(BOTH 'x'::text FROM name) <> ''::text)"),
("email ILIKE ANY (ARRAY['%@a.com', '%@b.com'])", "email::text ~~* ANY (ARRAY['%@a.com'::text, '%@b.com'::text])", "((email)::text ~~* ANY (ARRAY['%@a.com'::text, '%@b.com'::text]))"),
("name LIKE ALL ('{a%,%b}')", "name ~~ ALL ('{a%,%b}'::text[])", "(name ~~ ALL ('{a%,%b}'::text[]))"),
("a OPERATOR(pg_catalog.+) 1 > 0", "(a + 1) > 0", "((a + 1) > 0)"),
("substring(name for 2) = 'ab'", "SUBSTRING(name FROM 1 FOR 2) = 'ab'::text", "(SUBSTRING(name FROM 1 FOR 2) = 'ab'::text)"),
("substring(name from 'a.') IS NOT NULL", "\"substring\"(name, 'a.'::text) IS NOT NULL", "(\"substring\"(name, 'a.'::text) IS NOT NULL)"),
("substring(name similar 'a' escape '#') IS NOT NULL", "SUBSTRING(name SIMILAR 'a'::text ESCAPE '#'::text) IS NOT NULL", "(SUBSTRING(name SIMILAR 'a'::text ESCAPE '#'::text) IS NOT NULL)"),
("overlay(name placing 'x' from 1) <> ''", "OVERLAY(name PLACING 'x'::text FROM 1) <> ''::text", "(OVERLAY(name PLACING 'x'::text FROM 1) <> ''::text)"),
("text(a) <> ''", "a::text <> ''::text", "((a)::text <> ''::text)"),
("lower(name) = lower(name) COLLATE \"C\"", "lower(name) = (lower(name) COLLATE \"C\")", "(lower(name) = (lower(name) COLLATE \"C\"))"),
("name COLLATE pg_catalog.\"default\" = 'a'", "(name COLLATE \"default\") = 'a'::text", "((name COLLATE \"default\") = 'a'::text)"),
("CASE WHEN a > 0 THEN 'p' WHEN a < 0 THEN 'n' ELSE 'z' END <> ''", "\nCASE\n    WHEN a > 0 THEN 'p'::text\n    WHEN a < 0 THEN 'n'::text\n    ELSE 'z'::text\nEND <> ''::text", "(\nCASE\n    WHEN (a > 0) THEN 'p'::text\n    WHEN (a < 0) THEN 'n'::text\n    ELSE 'z'::text\nEND <> ''::text)"),
("CASE status WHEN 'a' THEN true ELSE false END", "\nCASE status\n    WHEN 'a'::text THEN true\n    ELSE false\nEND", "\nCASE status\n    WHEN 'a'::text THEN true\n    ELSE false\nEND"),
("COALESCE(a, b, c, 0) > 0", "COALESCE(a, b, c, 0) > 0", "(COALESCE(a, b, c, 0) > 0)"),
("greatest(a, b, 0) = a", "GREATEST(a, b, 0) = a", "(GREATEST(a, b, 0) = a)"),
("(a IS NULL) = (b IS NULL)", "(a IS NULL) = (b IS NULL)", "((a IS NULL) = (b IS NULL))"),
("a IS NULL IS NOT TRUE", "(a IS NULL) IS NOT TRUE", "((a IS NULL) IS NOT TRUE)"),
("NOT (a IS NOT DISTINCT FROM b)", "NOT (NOT a IS DISTINCT FROM b)", "(NOT (NOT (a IS DISTINCT FROM b)))"),
("a IS NOT NULL OR b IS NOT NULL OR c IS NOT NULL", "a IS NOT NULL OR b IS NOT NULL OR c IS NOT NULL", "((a IS NOT NULL) OR (b IS NOT NULL) OR (c IS NOT NULL))"),
("(a IS NOT NULL)::int + (b IS NOT NULL)::int = 1", "((a IS NOT NULL)::integer + (b IS NOT NULL)::integer) = 1", "((((a IS NOT NULL))::integer + ((b IS NOT NULL))::integer) = 1)"),
("data ?& array['a']", "data ?& ARRAY['a'::text]", "(data ?& ARRAY['a'::text])"),
("jsonb_array_length(data -> 'items') <= 10", "jsonb_array_length(data -> 'items'::text) <= 10", "(jsonb_array_length((data -> 'items'::text)) <= 10)"),
("(data #>> '{a,b}')::numeric >= 0", "((data #>> '{a,b}'::text[])::numeric) >= 0::numeric", "(((data #>> '{a,b}'::text[]))::numeric >= (0)::numeric)"),
("ids && '{1,2}'", "ids && '{1,2}'::integer[]", "(ids && '{1,2}'::integer[])"),
("array_length(ids, 1) BETWEEN 1 AND 5", "array_length(ids, 1) >= 1 AND array_length(ids, 1) <= 5", "((array_length(ids, 1) >= 1) AND (array_length(ids, 1) <= 5))"),
("2 = ANY (ids)", "2 = ANY (ids)", "(2 = ANY (ids))"),
("tags[1:2] <> '{}'", "tags[1:2] <> '{}'::text[]", "(tags[1:2] <> '{}'::text[])"),
("u::text ~ '^[0-9a-f-]+$'", "u::text ~ '^[0-9a-f-]+$'::text", "((u)::text ~ '^[0-9a-f-]+$'::text)"),
("ip <<= inet '10.0.0.0/8'", "ip <<= '10.0.0.0/8'::inet", "(ip <<= '10.0.0.0/8'::inet)"),
("ip IS NULL OR family(ip) = 4", "ip IS NULL OR family(ip) = 4", "((ip IS NULL) OR (family(ip) = 4))"),
("bits & B'001' = B'001'", "(bits & '001'::\"bit\") = '001'::\"bit\"", "((bits & '001'::\"bit\") = '001'::\"bit\")"),
("t BETWEEN '08:00' AND '18:00'", "t >= '08:00:00'::time without time zone AND t <= '18:00:00'::time without time zone", "((t >= '08:00:00'::time without time zone) AND (t <= '18:00:00'::time without time zone))"),
("extract(dow from d) NOT IN (0, 6)", "EXTRACT(dow FROM d) <> ALL (ARRAY[0::numeric, 6::numeric])", "(EXTRACT(dow FROM d) <> ALL (ARRAY[(0)::numeric, (6)::numeric]))"),
("date_part('hour', t) < 20", "date_part('hour'::text, t) < 20::double precision", "(date_part('hour'::text, t) < (20)::double precision)"),
("d + 1 > d", "(d + 1) > d", "((d + 1) > d)"),
("d - 1 < d", "(d - 1) < d", "((d - 1) < d)"),
("updated_at - created_at::timestamp < interval '1 day'", "(updated_at - created_at::timestamp without time zone) < '1 day'::interval", "((updated_at - (created_at)::timestamp without time zone) < '1 day'::interval)"),
("created_at at time zone 'UTC' < updated_at", "(created_at AT TIME ZONE 'UTC'::text) < updated_at", "((created_at AT TIME ZONE 'UTC'::text) < updated_at)"),
("age(updated_at) < interval '1 year'", "age(updated_at) < '1 year'::interval", "(age(updated_at) < '1 year'::interval)"),
("name ~ '^[A-Z]' OR name ~ '^[a-z]'", "name ~ '^[A-Z]'::text OR name ~ '^[a-z]'::text", "((name ~ '^[A-Z]'::text) OR (name ~ '^[a-z]'::text))"),
("name !~* '^x' AND email !~~ '%x'", "name !~* '^x'::text AND email::text !~~ '%x'::text", "((name !~* '^x'::text) AND ((email)::text !~~ '%x'::text))"),
("name IS NOT NULL AND (a > 0 OR (b > 0 AND c > 0))", "name IS NOT NULL AND (a > 0 OR b > 0 AND c > 0)", "((name IS NOT NULL) AND ((a > 0) OR ((b > 0) AND (c > 0))))"),
("NOT (NOT flag)", "NOT (NOT flag)", "(NOT (NOT flag))"),
("a + b + c + qty > 0", "(a + b + c + qty) > 0", "((((a + b) + c) + qty) > 0)"),
("a * (b + c) > 0", "(a * (b + c)) > 0", "((a * (b + c)) > 0)"),
("(a * b) + c > 0", "(a * b + c) > 0", "(((a * b) + c) > 0)"),
("a / (b * c) > 0", "(a / (b * c)) > 0", "((a / (b * c)) > 0)"),
("a % b % c = 0", "(a % b % c) = 0", "(((a % b) % c) = 0)"),
("-a * b < 0", "((- a) * b) < 0", "(((- a) * b) < 0)"),
("-(a * b) < 0", "(- (a * b)) < 0", "((- (a * b)) < 0)"),
("abs(-a) = a", "abs(- a) = a", "(abs((- a)) = a)"),
("a::numeric / 3 > 1", "(a::numeric / 3::numeric) > 1::numeric", "(((a)::numeric / (3)::numeric) > (1)::numeric)"),
("round(a::numeric / 3, 2) > 1", "round(a::numeric / 3::numeric, 2) > 1::numeric", "(round(((a)::numeric / (3)::numeric), 2) > (1)::numeric)"),
("ceil(price) = price", "ceil(price) = price", "(ceil(price) = price)"),
("a::text || b::text <> ''", "(a::text || b::text) <> ''::text", "(((a)::text || (b)::text) <> ''::text)"),
("concat_ws(',', name, email) <> ''", "concat_ws(','::text, name, email) <> ''::text", "(concat_ws(','::text, name, email) <> ''::text)"),
("format('%s-%s', a, b) <> ''", "format('%s-%s'::text, a, b) <> ''::text", "(format('%s-%s'::text, a, b) <> ''::text)"),
("name IN ('it''s', 'x')", "name = ANY (ARRAY['it''s'::text, 'x'::text])", "(name = ANY (ARRAY['it''s'::text, 'x'::text]))"),
("name = E'it\\'s'", "name = 'it''s'::text", "(name = 'it''s'::text)"),
("name <> 'don''t'", "name <> 'don''t'::text", "(name <> 'don''t'::text)"),
("status IN ('active', 'inactive', 'banned')", "status::text = ANY (ARRAY['active'::character varying, 'inactive'::character varying, 'banned'::character varying]::text[])", "((status)::text = ANY ((ARRAY['active'::character varying, 'inactive'::character varying, 'banned'::character varying])::text[]))"),
("status::text IN ('a', 'b')", "status::text = ANY (ARRAY['a'::text, 'b'::text])", "((status)::text = ANY (ARRAY['a'::text, 'b'::text]))"),
("role IN ('USER')", "role = 'USER'::public.message_role", "(role = 'USER'::public.message_role)"),
("role NOT IN ('USER', 'ADMIN')", "role <> ALL (ARRAY['USER'::public.message_role, 'ADMIN'::public.message_role])", "(role <> ALL (ARRAY['USER'::public.message_role, 'ADMIN'::public.message_role]))"),
("code NOT IN ('abc')", "code <> 'abc'::bpchar", "(code <> 'abc'::bpchar)"),
("a IN (-1, 0, 1)", "a = ANY (ARRAY['-1'::integer, 0, 1])", "(a = ANY (ARRAY['-1'::integer, 0, 1]))"),
("price IN (0, 9.99)", "price = ANY (ARRAY[0::numeric, 9.99])", "(price = ANY (ARRAY[(0)::numeric, 9.99]))"),
("\"order\" IN (1, 2)", "\"order\" = ANY (ARRAY[1, 2])", "(\"order\" = ANY (ARRAY[1, 2]))"),
("\"Email\" ~ '@'", "\"Email\" ~ '@'::text", "(\"Email\" ~ '@'::text)"),
// index key expressions
("lower(email)", "lower(email::text)", "lower((email)::text)"),
("lower(\"email\")", "lower(email::text)", "lower((email)::text)"),
("LOWER(email)", "lower(email::text)", "lower((email)::text)"),
("lower(email::text)", "lower(email::text)", "lower((email)::text)"),
("upper(name)", "upper(name)", "upper(name)"),
("(data->>'k')", "(data ->> 'k'::text)", "((data ->> 'k'::text))"),
("((data ->> 'k'))", "(data ->> 'k'::text)", "((data ->> 'k'::text))"),
("(data->'a')", "(data -> 'a'::text)", "((data -> 'a'::text))"),
("date_trunc('day', updated_at)", "date_trunc('day'::text, updated_at)", "date_trunc('day'::text, updated_at)"),
("date_trunc('day', created_at AT TIME ZONE 'UTC')", "date_trunc('day'::text, (created_at AT TIME ZONE 'UTC'::text))", "date_trunc('day'::text, (created_at AT TIME ZONE 'UTC'::text))"),
("coalesce(a, 0)", "COALESCE(a, 0)", "COALESCE(a, 0)"),
("coalesce(name, '')", "COALESCE(name, ''::text)", "COALESCE(name, ''::text)"),
("COALESCE(email, '')", "COALESCE(email, ''::character varying)", "COALESCE(email, ''::character varying)"),
("(a + b)", "(a + b)", "((a + b))"),
("(a * 2)", "(a * 2)", "((a * 2))"),
("lower(name || email)", "lower(name || email::text)", "lower((name || (email)::text))"),
("(email::text)", "(email::text)", "((email)::text)"),
("md5(name)", "md5(name)", "md5(name)"),
("length(name)", "length(name)", "length(name)"),
("(updated_at::date)", "(updated_at::date)", "((updated_at)::date)"),
("(status::text)", "(status::text)", "((status)::text)"),
("(tags[1])", "(tags[1])", "(tags[1])"),
("(ids[1:2])", "(ids[1:2])", "(ids[1:2])"),
("abs(a)", "abs(a)", "abs(a)"),
("(a > 0)", "(a > 0)", "((a > 0))"),
("substring(name, 1, 3)", "\"substring\"(name, 1, 3)", "\"substring\"(name, 1, 3)"),
("left(name, 3)", "\"left\"(name, 3)", "\"left\"(name, 3)"),
("(data #>> '{a,b}')", "(data #>> '{a,b}'::text[])", "((data #>> '{a,b}'::text[]))"),
("((data->>'n')::int)", "((data ->> 'n'::text)::integer)", "(((data ->> 'n'::text))::integer)"),
("(extract(year from updated_at))", "EXTRACT(year FROM updated_at)", "EXTRACT(year FROM updated_at)"),
("lower(trim(name))", "lower(TRIM(BOTH FROM name))", "lower(TRIM(BOTH FROM name))"),
("(CASE WHEN a > 0 THEN 'pos' ELSE 'neg' END)", "(\nCASE\n    WHEN a > 0 THEN 'pos'::text\n    ELSE 'neg'::text\nEND)", "(\nCASE\n    WHEN (a > 0) THEN 'pos'::text\n    ELSE 'neg'::text\nEND)"),
("(-a)", "(- a)", "((- a))"),
("(a IS NULL)", "(a IS NULL)", "((a IS NULL))"),
("(name || '-' || email)", "((name || '-'::text) || email::text)", "(((name || '-'::text) || (email)::text))"),
("replace(name, ' ', '')", "replace(name, ' '::text, ''::text)", "replace(name, ' '::text, ''::text)"),
("to_tsvector('english', name)", "to_tsvector('english'::regconfig, name)", "to_tsvector('english'::regconfig, name)"),
("(u::text)", "(u::text)", "((u)::text)"),
("((a + b) * c)", "((a + b) * c)", "(((a + b) * c))"),
("(a - (b - c))", "(a - (b - c))", "((a - (b - c)))"),
("greatest(a, b)", "GREATEST(a, b)", "GREATEST(a, b)"),
("nullif(name, '')", "NULLIF(name, ''::text)", "NULLIF(name, ''::text)"),
("(lower(email) || '@')", "(lower(email::text) || '@'::text)", "((lower((email)::text) || '@'::text))"),
("(data -> 'a' ->> 'b')", "((data -> 'a'::text) ->> 'b'::text)", "(((data -> 'a'::text) ->> 'b'::text))"),
("(CAST(data->>'n' AS numeric))", "((data ->> 'n'::text)::numeric)", "(((data ->> 'n'::text))::numeric)"),
("email", "email", "email"),
("\"Email\"", "\"Email\"", "\"Email\""),
("\"order\"", "\"order\"", "\"order\""),
("upper(email::text)", "upper(email::text)", "upper((email)::text)"),
("(lower(name) || lower(email))", "(lower(name) || lower(email::text))", "((lower(name) || lower((email)::text)))"),
("md5(lower(email))", "md5(lower(email::text))", "md5(lower((email)::text))"),
("(data -> 'a' -> 'b')", "((data -> 'a'::text) -> 'b'::text)", "(((data -> 'a'::text) -> 'b'::text))"),
("((data ->> 'n')::numeric)", "((data ->> 'n'::text)::numeric)", "(((data ->> 'n'::text))::numeric)"),
("COALESCE(a, b, 0)", "COALESCE(a, b, 0)", "COALESCE(a, b, 0)"),
("(a + 1)", "(a + 1)", "((a + 1))"),
("(-1 * a)", "('-1'::integer * a)", "(('-1'::integer * a))"),
("(substring(name from 1 for 3))", "SUBSTRING(name FROM 1 FOR 3)", "SUBSTRING(name FROM 1 FOR 3)"),
("(position('@' in email))", "POSITION(('@'::text) IN (email))", "POSITION(('@'::text) IN (email))"),
("(trim(both from name))", "TRIM(BOTH FROM name)", "TRIM(BOTH FROM name)"),
("(name::varchar(10))", "(name::character varying(10))", "((name)::character varying(10))"),
// partial-index predicates
("a > 0", "a > 0", "(a > 0)"),
("flag", "flag", "flag"),
("NOT flag", "NOT flag", "(NOT flag)"),
("flag = true", "flag = true", "(flag = true)"),
("flag IS NOT TRUE", "flag IS NOT TRUE", "(flag IS NOT TRUE)"),
("a IS NOT NULL", "a IS NOT NULL", "(a IS NOT NULL)"),
("email IS NOT NULL AND a > 0", "email IS NOT NULL AND a > 0", "((email IS NOT NULL) AND (a > 0))"),
("status = 'active'", "status::text = 'active'::text", "((status)::text = 'active'::text)"),
("status IN ('a', 'b')", "status::text = ANY (ARRAY['a'::character varying, 'b'::character varying]::text[])", "((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))"),
("role = 'USER'", "role = 'USER'::public.message_role", "(role = 'USER'::public.message_role)"),
("role <> 'ADMIN'", "role <> 'ADMIN'::public.message_role", "(role <> 'ADMIN'::public.message_role)"),
("a IS NOT NULL AND role = 'USER'", "a IS NOT NULL AND role = 'USER'::public.message_role", "((a IS NOT NULL) AND (role = 'USER'::public.message_role))"),
("data ? 'k'", "data ? 'k'::text", "(data ? 'k'::text)"),
("(data->>'k') IS NOT NULL", "(data ->> 'k'::text) IS NOT NULL", "((data ->> 'k'::text) IS NOT NULL)"),
("a BETWEEN 1 AND 10", "a >= 1 AND a <= 10", "((a >= 1) AND (a <= 10))"),
("name LIKE 'a%'", "name ~~ 'a%'::text", "(name ~~ 'a%'::text)"),
("lower(email) <> ''", "lower(email::text) <> ''::text", "(lower((email)::text) <> ''::text)"),
("updated_at > '2020-01-01'", "updated_at > '2020-01-01 00:00:00'::timestamp without time zone", "(updated_at > '2020-01-01 00:00:00'::timestamp without time zone)"),
("d > '2020-01-01'::date", "d > '2020-01-01'::date", "(d > '2020-01-01'::date)"),
("price > 0", "price > 0::numeric", "(price > (0)::numeric)"),
("deleted_at IS NULL", "deleted_at IS NULL", "(deleted_at IS NULL)"),
("a = ANY (ARRAY[1, 2])", "a = ANY (ARRAY[1, 2])", "(a = ANY (ARRAY[1, 2]))"),
("email ~ '@'", "email::text ~ '@'::text", "((email)::text ~ '@'::text)"),
("coalesce(a, 0) > 0", "COALESCE(a, 0) > 0", "(COALESCE(a, 0) > 0)"),
("NOT (a > 0 OR b > 0)", "NOT (a > 0 OR b > 0)", "(NOT ((a > 0) OR (b > 0)))"),
("a > 0 OR b IS NULL", "a > 0 OR b IS NULL", "((a > 0) OR (b IS NULL))"),
("\"Email\" IS NOT NULL", "\"Email\" IS NOT NULL", "(\"Email\" IS NOT NULL)"),
("\"order\" > 0", "\"order\" > 0", "(\"order\" > 0)"),
("kind = 'a'", "kind = 'a'::other.kind", "(kind = 'a'::other.kind)"),
("u IS NULL", "u IS NULL", "(u IS NULL)"),
("tags IS NOT NULL", "tags IS NOT NULL", "(tags IS NOT NULL)"),
("array_length(tags, 1) > 0", "array_length(tags, 1) > 0", "(array_length(tags, 1) > 0)"),
("deleted_at IS NULL AND status <> 'archived'", "deleted_at IS NULL AND status::text <> 'archived'::text", "((deleted_at IS NULL) AND ((status)::text <> 'archived'::text))"),
("a > 0 AND b > 0 AND c > 0", "a > 0 AND b > 0 AND c > 0", "((a > 0) AND (b > 0) AND (c > 0))"),
("(a > 0 AND b > 0) AND c > 0", "a > 0 AND b > 0 AND c > 0", "((a > 0) AND (b > 0) AND (c > 0))"),
("a NOT IN (1, 2)", "a <> ALL (ARRAY[1, 2])", "(a <> ALL (ARRAY[1, 2]))"),
("role IN ('USER', 'ADMIN')", "role = ANY (ARRAY['USER'::public.message_role, 'ADMIN'::public.message_role])", "(role = ANY (ARRAY['USER'::public.message_role, 'ADMIN'::public.message_role]))"),
("NOT deleted_at IS NOT NULL", "NOT deleted_at IS NOT NULL", "(NOT (deleted_at IS NOT NULL))"),
("status::text = 'x'", "status::text = 'x'::text", "((status)::text = 'x'::text)"),
("a IS DISTINCT FROM 0", "a IS DISTINCT FROM 0", "(a IS DISTINCT FROM 0)"),
("status NOT IN ('a', 'b')", "status::text <> ALL (ARRAY['a'::character varying, 'b'::character varying]::text[])", "((status)::text <> ALL ((ARRAY['a'::character varying, 'b'::character varying])::text[]))"),
("email LIKE '%@%' AND NOT flag", "email::text ~~ '%@%'::text AND NOT flag", "(((email)::text ~~ '%@%'::text) AND (NOT flag))"),
("data @> '{\"a\": 1}'", "data @> '{\"a\": 1}'::jsonb", "(data @> '{\"a\": 1}'::jsonb)"),
("a IN (1, 2, 3) AND b IS NULL", "(a = ANY (ARRAY[1, 2, 3])) AND b IS NULL", "((a = ANY (ARRAY[1, 2, 3])) AND (b IS NULL))"),
("dur > interval '1 hour'", "dur > '01:00:00'::interval", "(dur > '01:00:00'::interval)"),
("code = 'abc'", "code = 'abc'::bpchar", "(code = 'abc'::bpchar)"),
("price >= 0.5", "price >= 0.5", "(price >= 0.5)"),
("a > 1.5", "a::numeric > 1.5", "((a)::numeric > 1.5)"),
("tags @> ARRAY['x']", "tags @> ARRAY['x'::text]", "(tags @> ARRAY['x'::text])"),
("name ~* '^a' OR name IS NULL", "name ~* '^a'::text OR name IS NULL", "((name ~* '^a'::text) OR (name IS NULL))"),
("NOT (flag IS TRUE)", "NOT flag IS TRUE", "(NOT (flag IS TRUE))"),
("a <> ALL ('{1,2}')", "a <> ALL ('{1,2}'::integer[])", "(a <> ALL ('{1,2}'::integer[]))"),
("created_at > '2020-01-01'", "created_at > '2020-01-01 00:00:00+00'::timestamp with time zone", "(created_at > '2020-01-01 00:00:00+00'::timestamp with time zone)"),
// generated columns
("lower(email)", "lower(email::text)", "lower((email)::text)"),
("a + b", "a + b", "(a + b)"),
("coalesce(name, '') || ' ' || coalesce(email, '')", "(COALESCE(name, ''::text) || ' '::text) || COALESCE(email, ''::character varying)::text", "((COALESCE(name, ''::text) || ' '::text) || (COALESCE(email, ''::character varying))::text)"),
("(data->>'k')", "data ->> 'k'::text", "(data ->> 'k'::text)"),
("price * qty", "price * qty::numeric", "(price * (qty)::numeric)"),
("to_tsvector('english', coalesce(name, ''))", "to_tsvector('english'::regconfig, COALESCE(name, ''::text))", "to_tsvector('english'::regconfig, COALESCE(name, ''::text))"),
("a IS NOT NULL AND b > 0", "a IS NOT NULL AND b > 0", "((a IS NOT NULL) AND (b > 0))"),
("CASE WHEN a > 0 THEN 1 ELSE 0 END", "\nCASE\n    WHEN a > 0 THEN 1\n    ELSE 0\nEND", "\nCASE\n    WHEN (a > 0) THEN 1\n    ELSE 0\nEND"),
("updated_at::date", "updated_at::date", "(updated_at)::date"),
("upper(code)", "upper(code::text)", "upper((code)::text)"),
("round(price * 1.2, 2)", "round(price * 1.2, 2)", "round((price * 1.2), 2)"),
("length(name)", "length(name)", "length(name)"),
("substring(name from 1 for 3)", "SUBSTRING(name FROM 1 FOR 3)", "SUBSTRING(name FROM 1 FOR 3)"),
("a::bigint * 1000", "a::bigint * 1000", "((a)::bigint * 1000)"),
// more column DEFAULTs
("'N'", "false", "false"),
("'y'", "true", "true"),
("0.0", "0.0", "0.0"),
("1.0", "1.0", "1.0"),
("'0'", "'0'::numeric", "'0'::numeric"),
("-0.5", "'-0.5'::numeric", "'-0.5'::numeric"),
("100.00", "100.00", "100.00"),
("'1970-01-01 00:00:00+00'", "'1970-01-01 00:00:00+00'::timestamp with time zone", "'1970-01-01 00:00:00+00'::timestamp with time zone"),
("'infinity'", "'infinity'::timestamp with time zone", "'infinity'::timestamp with time zone"),
("'{\"a\":[]}'::jsonb", "'{\"a\": []}'::jsonb", "'{\"a\": []}'::jsonb"),
("'[]'::json", "'[]'::json", "'[]'::json"),
("ARRAY[]::varchar[]", "ARRAY[]::character varying[]", "ARRAY[]::character varying[]"),
("'{}'::int[]", "'{}'::integer[]", "'{}'::integer[]"),
("'a'", "'a'::\"char\"", "'a'::\"char\""),
("'N'", "'N'::bpchar", "'N'::bpchar"),
("'Y'", "'Y'::character varying", "'Y'::character varying"),
("'1'::smallint", "'1'::smallint", "'1'::smallint"),
("(0)", "0", "0"),
("uuid_in(md5(random()::text)::cstring)", "uuid_in(md5(random()::text)::cstring)", "uuid_in((md5((random())::text))::cstring)"),
("lower('ABC')", "lower('ABC'::text)", "lower('ABC'::text)"),
("repeat('x', 3)", "repeat('x'::text, 3)", "repeat('x'::text, 3)"),
("E''", "''::text", "''::text"),
("'line1\nline2'", "'line1\nline2'::text", "'line1\nline2'::text"),
("'pending'::character varying", "'pending'::character varying", "'pending'::character varying"),
("('pending')", "'pending'::character varying", "'pending'::character varying"),
("(now() at time zone 'utc')::timestamp", "(now() AT TIME ZONE 'utc'::text)", "(now() AT TIME ZONE 'utc'::text)"),
("timezone('UTC'::text, now())", "timezone('UTC'::text, now())", "timezone('UTC'::text, now())"),
("(CURRENT_DATE + interval '1 month')::date", "(CURRENT_DATE + '1 mon'::interval)::date", "((CURRENT_DATE + '1 mon'::interval))::date"),
("make_interval(days => 1)", "make_interval(days => 1)", "make_interval(days => 1)"),
("round(random()::numeric, 2)", "round(random()::numeric, 2)", "round((random())::numeric, 2)"),
("(random() * 10)::int + 1", "(random() * 10::double precision)::integer + 1", "(((random() * (10)::double precision))::integer + 1)"),
("extract(epoch from now())::bigint * 1000", "EXTRACT(epoch FROM now())::bigint * 1000", "((EXTRACT(epoch FROM now()))::bigint * 1000)"),
// more CHECK constraints
("\"price\" >= 0", "price >= 0::numeric", "(price >= (0)::numeric)"),
("\"status\" IN ('active', 'inactive')", "status::text = ANY (ARRAY['active'::character varying, 'inactive'::character varying]::text[])", "((status)::text = ANY ((ARRAY['active'::character varying, 'inactive'::character varying])::text[]))"),
("LENGTH(\"name\") > 0", "length(name) > 0", "(length(name) > 0)"),
("\"created_at\" <= \"updated_at\"", "created_at <= updated_at", "(created_at <= updated_at)"),
("(\"a\" IS NOT NULL) OR (\"b\" IS NOT NULL)", "a IS NOT NULL OR b IS NOT NULL", "((a IS NOT NULL) OR (b IS NOT NULL))"),
("\"qty\" BETWEEN 1 AND 100", "qty >= 1 AND qty <= 100", "((qty >= 1) AND (qty <= 100))"),
("CAST(\"a\" AS TEXT) <> ''", "a::text <> ''::text", "((a)::text <> ''::text)"),
("price > 0.0", "price > 0.0", "(price > 0.0)"),
("small BETWEEN 1 AND 5", "small >= 1 AND small <= 5", "((small >= 1) AND (small <= 5))"),
("n >= 0 AND n <= 100", "n >= 0::numeric AND n <= 100::numeric", "((n >= (0)::numeric) AND (n <= (100)::numeric))"),
("code ~ '^[A-Z]{3}$'", "code ~ '^[A-Z]{3}$'::text", "(code ~ '^[A-Z]{3}$'::text)"),
("small BETWEEN 0 AND 1.5", "small >= 0 AND small::numeric <= 1.5", "((small >= 0) AND ((small)::numeric <= 1.5))"),
("big > 1.5", "big::numeric > 1.5", "((big)::numeric > 1.5)"),
("a::float > 0.5", "a::double precision > 0.5::double precision", "((a)::double precision > (0.5)::double precision)"),
("r BETWEEN 0.0 AND 1.0", "r >= 0.0::double precision AND r <= 1.0::double precision", "((r >= (0.0)::double precision) AND (r <= (1.0)::double precision))"),
("f BETWEEN 0 AND 1", "f >= 0::double precision AND f <= 1::double precision", "((f >= (0)::double precision) AND (f <= (1)::double precision))"),
("n * 2 > a", "(n * 2::numeric) > a::numeric", "((n * (2)::numeric) > (a)::numeric)"),
("a / 2.0 > 1", "(a::numeric / 2.0) > 1::numeric", "(((a)::numeric / 2.0) > (1)::numeric)"),
("a % 2 = 1 OR a IS NULL", "(a % 2) = 1 OR a IS NULL", "(((a % 2) = 1) OR (a IS NULL))"),
("(a + b) / 2.0 > 1", "((a + b)::numeric / 2.0) > 1::numeric", "((((a + b))::numeric / 2.0) > (1)::numeric)"),
("price / qty > 1", "(price / qty::numeric) > 1::numeric", "((price / (qty)::numeric) > (1)::numeric)"),
("n - a >= 0", "(n - a::numeric) >= 0::numeric", "((n - (a)::numeric) >= (0)::numeric)"),
("f * a > 0", "(f * a::double precision) > 0::double precision", "((f * (a)::double precision) > (0)::double precision)"),
("r * 2 > 1", "(r * 2::double precision) > 1::double precision", "((r * (2)::double precision) > (1)::double precision)"),
("email ~* '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$'", "email::text ~* '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$'::text", "((email)::text ~* '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$'::text)"),
("status::text = ANY (ARRAY['a'::character varying, 'b'::character varying]::text[])", "status::text = ANY (ARRAY['a'::character varying::text, 'b'::character varying::text])", "((status)::text = ANY (ARRAY[('a'::character varying)::text, ('b'::character varying)::text]))"),
("coalesce(n, 0) >= 0", "COALESCE(n, 0::numeric) >= 0::numeric", "(COALESCE(n, (0)::numeric) >= (0)::numeric)"),
("coalesce(price, 0.0) >= 0", "COALESCE(price, 0.0) >= 0::numeric", "(COALESCE(price, 0.0) >= (0)::numeric)"),
("greatest(a, 0.5) > 0", "GREATEST(a::numeric, 0.5) > 0::numeric", "(GREATEST((a)::numeric, 0.5) > (0)::numeric)"),
("a = ANY ('{1,2,3}'::int[])", "a = ANY ('{1,2,3}'::integer[])", "(a = ANY ('{1,2,3}'::integer[]))"),
("NOT (a = ANY ('{1,2}'))", "NOT (a = ANY ('{1,2}'::integer[]))", "(NOT (a = ANY ('{1,2}'::integer[])))"),
("created_at > '2020-01-01 00:00:00+00'", "created_at > '2020-01-01 00:00:00+00'::timestamp with time zone", "(created_at > '2020-01-01 00:00:00+00'::timestamp with time zone)"),
("created_at >= now() - interval '30 days'", "created_at >= (now() - '30 days'::interval)", "(created_at >= (now() - '30 days'::interval))"),
("upper(status) = status", "upper(status::text) = status::text", "(upper((status)::text) = (status)::text)"),
("status NOT LIKE '%x%' OR status IS NULL", "status::text !~~ '%x%'::text OR status IS NULL", "(((status)::text !~~ '%x%'::text) OR (status IS NULL))"),
("role::text <> 'SYSTEM'", "role::text <> 'SYSTEM'::text", "((role)::text <> 'SYSTEM'::text)"),
("role IS DISTINCT FROM 'SYSTEM'", "role IS DISTINCT FROM 'SYSTEM'::public.message_role", "(role IS DISTINCT FROM 'SYSTEM'::public.message_role)"),
("kind IN ('a', 'b')", "kind = ANY (ARRAY['a'::other.kind, 'b'::other.kind])", "(kind = ANY (ARRAY['a'::other.kind, 'b'::other.kind]))"),
("u IS NOT NULL OR email IS NOT NULL", "u IS NOT NULL OR email IS NOT NULL", "((u IS NOT NULL) OR (email IS NOT NULL))"),
("data ? 'a' AND data ? 'b'", "data ? 'a'::text AND data ? 'b'::text", "((data ? 'a'::text) AND (data ? 'b'::text))"),
("data->>'kind' IN ('x', 'y')", "(data ->> 'kind'::text) = ANY (ARRAY['x'::text, 'y'::text])", "((data ->> 'kind'::text) = ANY (ARRAY['x'::text, 'y'::text]))"),
("(data->>'count')::int BETWEEN 0 AND 10", "((data ->> 'count'::text)::integer) >= 0 AND ((data ->> 'count'::text)::integer) <= 10", "((((data ->> 'count'::text))::integer >= 0) AND (((data ->> 'count'::text))::integer <= 10))"),
("jsonb_array_length(data) BETWEEN 0 AND 5", "jsonb_array_length(data) >= 0 AND jsonb_array_length(data) <= 5", "((jsonb_array_length(data) >= 0) AND (jsonb_array_length(data) <= 5))"),
("cardinality(ids) = cardinality(tags)", "cardinality(ids) = cardinality(tags)", "(cardinality(ids) = cardinality(tags))"),
("tags <@ ARRAY['a', 'b', 'c']", "tags <@ ARRAY['a'::text, 'b'::text, 'c'::text]", "(tags <@ ARRAY['a'::text, 'b'::text, 'c'::text])"),
("NOT (tags && ARRAY['x'])", "NOT tags && ARRAY['x'::text]", "(NOT (tags && ARRAY['x'::text]))"),
("extract(year from d) >= 2000", "EXTRACT(year FROM d) >= 2000::numeric", "(EXTRACT(year FROM d) >= (2000)::numeric)"),
("date_trunc('month', updated_at) = updated_at", "date_trunc('month'::text, updated_at) = updated_at", "(date_trunc('month'::text, updated_at) = updated_at)"),
("d < '2100-01-01'::date AND d > '1900-01-01'", "d < '2100-01-01'::date AND d > '1900-01-01'::date", "((d < '2100-01-01'::date) AND (d > '1900-01-01'::date))"),
// more index key expressions
("lower(\"email\"::text)", "lower(email::text)", "lower((email)::text)"),
("(data->'tags')", "(data -> 'tags'::text)", "((data -> 'tags'::text))"),
("(COALESCE(deleted_at, 'infinity'::timestamptz))", "COALESCE(deleted_at, 'infinity'::timestamp with time zone)", "COALESCE(deleted_at, 'infinity'::timestamp with time zone)"),
("(a IS NULL AND b IS NULL)", "(a IS NULL AND b IS NULL)", "(((a IS NULL) AND (b IS NULL)))"),
("(status = 'x')", "(status::text = 'x'::text)", "(((status)::text = 'x'::text))"),
// more partial-index predicates
("status = 'active' AND deleted_at IS NULL", "status::text = 'active'::text AND deleted_at IS NULL", "(((status)::text = 'active'::text) AND (deleted_at IS NULL))"),
("status IN ('a', 'b') AND a > 0", "(status::text = ANY (ARRAY['a'::character varying, 'b'::character varying]::text[])) AND a > 0", "(((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[])) AND (a > 0))"),
("kind <> 'b'", "kind <> 'b'::other.kind", "(kind <> 'b'::other.kind)"),
("(data ->> 'k') = 'v'", "(data ->> 'k'::text) = 'v'::text", "((data ->> 'k'::text) = 'v'::text)"),
("price > 9.99", "price > 9.99", "(price > 9.99)"),
("NOT (status = ANY (ARRAY['a', 'b']))", "NOT (status::text = ANY (ARRAY['a'::text, 'b'::text]))", "(NOT ((status)::text = ANY (ARRAY['a'::text, 'b'::text])))"),
("small > 0", "small > 0", "(small > 0)"),
("flag IS TRUE AND role = 'ADMIN'", "flag IS TRUE AND role = 'ADMIN'::public.message_role", "((flag IS TRUE) AND (role = 'ADMIN'::public.message_role))"),
// more generated columns
("COALESCE(\"name\", '') || ' <' || COALESCE(\"email\", '') || '>'", "((COALESCE(name, ''::text) || ' <'::text) || COALESCE(email, ''::character varying)::text) || '>'::text", "(((COALESCE(name, ''::text) || ' <'::text) || (COALESCE(email, ''::character varying))::text) || '>'::text)"),
("deleted_at IS NOT NULL", "deleted_at IS NOT NULL", "(deleted_at IS NOT NULL)"),
("price * 1.2", "price * 1.2", "(price * 1.2)"),
("price * qty * 1.2", "price * qty::numeric * 1.2", "((price * (qty)::numeric) * 1.2)"),
("a * b + c", "a * b + c", "((a * b) + c)"),
("f * a", "f * a::double precision", "(f * (a)::double precision)"),
("CASE WHEN flag THEN 'yes' ELSE 'no' END", "\nCASE\n    WHEN flag THEN 'yes'::text\n    ELSE 'no'::text\nEND", "\nCASE\n    WHEN flag THEN 'yes'::text\n    ELSE 'no'::text\nEND"),
("CASE role WHEN 'USER' THEN 'u' WHEN 'ADMIN' THEN 'a' END", "\nCASE role\n    WHEN 'USER'::public.message_role THEN 'u'::text\n    WHEN 'ADMIN'::public.message_role THEN 'a'::text\n    ELSE NULL::text\nEND", "\nCASE role\n    WHEN 'USER'::public.message_role THEN 'u'::text\n    WHEN 'ADMIN'::public.message_role THEN 'a'::text\n    ELSE NULL::text\nEND"),
];

/// Canonical forms of `PG15_PAIRS` fed back to PostgreSQL 15 as the written form, with what it
/// printed: proves the canonical text is valid SQL with the same meaning.
#[rustfmt::skip]
const PG15_ROUNDTRIP: &[(&str, &str, &str)] = &[
// column DEFAULTs
("'x'", "'x'::character varying", "'x'::character varying"),
("'hello world'", "'hello world'::character varying", "'hello world'::character varying"),
("''", "''::character varying", "''::character varying"),
("'it''s'", "'it''s'::character varying", "'it''s'::character varying"),
("'a\tb'", "'a\tb'::character varying", "'a\tb'::character varying"),
("'dollar''s'", "'dollar''s'::character varying", "'dollar''s'::character varying"),
("NULL", "NULL::character varying", "NULL::character varying"),
("upper('x')", "upper('x'::text)", "upper('x'::text)"),
("gen_random_uuid()", "gen_random_uuid()", "gen_random_uuid()"),
("'x'", "'x'::character varying", "'x'::character varying"),
("'x'", "'x'::text", "'x'::text"),
("''", "''::text", "''::text"),
("'a' || 'b'", "'a'::text || 'b'::text", "('a'::text || 'b'::text)"),
("concat('a', 'b')", "concat('a', 'b')", "concat('a', 'b')"),
("CURRENT_USER", "CURRENT_USER", "CURRENT_USER"),
("SESSION_USER", "SESSION_USER", "SESSION_USER"),
("CURRENT_SCHEMA", "CURRENT_SCHEMA", "CURRENT_SCHEMA"),
("true", "true", "true"),
("-1", "'-1'::integer", "'-1'::integer"),
("'dat'", "'dat'::text", "'dat'::text"),
("'multiline'", "'multiline'::text", "'multiline'::text"),
("0", "0", "0"),
("0.00", "0.00", "0.00"),
("1.5", "1.5", "1.5"),
("-1", "'-1'::integer", "'-1'::integer"),
("-1.5", "'-1.5'::numeric", "'-1.5'::numeric"),
("1000", "1000", "1000"),
("15", "15", "15"),
("100", "100", "100"),
("10.5", "10.5", "10.5"),
("0.5", "0.5", "0.5"),
("5", "5", "5"),
("7", "7", "7"),
("99999999999999999999", "'99999999999999999999'::numeric", "'99999999999999999999'::numeric"),
("0", "0", "0"),
("1", "1", "1"),
("-1", "'-1'::integer", "'-1'::integer"),
("42", "42", "42"),
("1 + 2", "1 + 2", "(1 + 2)"),
("nextval('seq')", "nextval('public.seq'::regclass)", "nextval('public.seq'::regclass)"),
("2147483647", "2147483647", "2147483647"),
("-2147483648", "'-2147483648'::integer", "'-2147483648'::integer"),
("0", "0", "0"),
("10000000000", "'10000000000'::bigint", "'10000000000'::bigint"),
("-10000000000", "'-10000000000'::bigint", "'-10000000000'::bigint"),
("1", "1", "1"),
("true", "true", "true"),
("false", "false", "false"),
("NOT true", "NOT true", "(NOT true)"),
("CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"),
("LOCALTIMESTAMP", "LOCALTIMESTAMP", "LOCALTIMESTAMP"),
("statement_timestamp()", "statement_timestamp()", "statement_timestamp()"),
("clock_timestamp()", "clock_timestamp()", "clock_timestamp()"),
("'2020-01-01'", "'2020-01-01 00:00:00'::timestamp without time zone", "'2020-01-01 00:00:00'::timestamp without time zone"),
("timezone('utc', CURRENT_TIMESTAMP)", "timezone('utc'::text, CURRENT_TIMESTAMP)", "timezone('utc'::text, CURRENT_TIMESTAMP)"),
("timezone('UTC', CURRENT_TIMESTAMP)", "timezone('UTC'::text, CURRENT_TIMESTAMP)", "timezone('UTC'::text, CURRENT_TIMESTAMP)"),
("CURRENT_TIMESTAMP(3)", "CURRENT_TIMESTAMP(3)", "CURRENT_TIMESTAMP(3)"),
("CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"),
("CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"),
("CURRENT_TIMESTAMP + '1 day'", "CURRENT_TIMESTAMP + '1 day'::interval", "(CURRENT_TIMESTAMP + '1 day'::interval)"),
("date_trunc('day', CURRENT_TIMESTAMP)", "date_trunc('day'::text, CURRENT_TIMESTAMP)", "date_trunc('day'::text, CURRENT_TIMESTAMP)"),
("CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"),
("CURRENT_DATE", "CURRENT_DATE", "CURRENT_DATE"),
("CURRENT_TIMESTAMP::date", "CURRENT_TIMESTAMP::date", "(CURRENT_TIMESTAMP)::date"),
("'2020-01-01'", "'2020-01-01'::date", "'2020-01-01'::date"),
("CURRENT_DATE + 1", "CURRENT_DATE + 1", "(CURRENT_DATE + 1)"),
("CURRENT_TIME", "CURRENT_TIME", "CURRENT_TIME"),
("LOCALTIME", "LOCALTIME", "LOCALTIME"),
("gen_random_uuid()", "gen_random_uuid()", "gen_random_uuid()"),
("'00000000-0000-0000-0000-000000000000'", "'00000000-0000-0000-0000-000000000000'::uuid", "'00000000-0000-0000-0000-000000000000'::uuid"),
("'{}'", "'{}'::jsonb", "'{}'::jsonb"),
("'[]'", "'[]'::jsonb", "'[]'::jsonb"),
("'{\"a\": 1}'", "'{\"a\": 1}'::jsonb", "'{\"a\": 1}'::jsonb"),
("jsonb_build_object('a', 1)", "jsonb_build_object('a', 1)", "jsonb_build_object('a', 1)"),
("'null'", "'null'::jsonb", "'null'::jsonb"),
("'{}'", "'{}'::json", "'{}'::json"),
("'{}'", "'{}'::text[]", "'{}'::text[]"),
("ARRAY['a', 'b']", "ARRAY['a'::text, 'b'::text]", "ARRAY['a'::text, 'b'::text]"),
("'{a,b}'", "'{a,b}'::text[]", "'{a,b}'::text[]"),
("ARRAY['a']", "ARRAY['a'::text]", "ARRAY['a'::text]"),
("ARRAY['a', 'b']", "ARRAY['a'::text, 'b'::text]", "ARRAY['a'::text, 'b'::text]"),
("'{}'", "'{}'::character varying[]", "'{}'::character varying[]"),
("'{1,2}'", "'{1,2}'::integer[]", "'{1,2}'::integer[]"),
("ARRAY[1, 2]", "ARRAY[1, 2]", "ARRAY[1, 2]"),
("ARRAY[ARRAY[1, 2], ARRAY[3, 4]]", "ARRAY[ARRAY[1, 2], ARRAY[3, 4]]", "ARRAY[ARRAY[1, 2], ARRAY[3, 4]]"),
("'USER'", "'USER'::public.message_role", "'USER'::public.message_role"),
("'happy'", "'happy'::public.\"Mood\"", "'happy'::public.\"Mood\""),
("'a'", "'a'::other.kind", "'a'::other.kind"),
("'1 day'", "'1 day'::interval", "'1 day'::interval"),
("'01:00:00'", "'01:00:00'::interval", "'01:00:00'::interval"),
("'127.0.0.1'", "'127.0.0.1'::inet", "'127.0.0.1'::inet"),
("0.5", "0.5", "0.5"),
("0", "0", "0"),
("0", "0", "0"),
("1.5", "1.5", "1.5"),
("pi()", "pi()", "pi()"),
("'abc'", "'abc'::bpchar", "'abc'::bpchar"),
("'00011111'", "'00011111'::\"bit\"", "'00011111'::\"bit\""),
("1", "1", "1"),
("floor(random() * 100)::integer", "floor(random() * 100::double precision)::integer", "(floor((random() * (100)::double precision)))::integer"),
("EXTRACT(year FROM CURRENT_TIMESTAMP)::integer", "EXTRACT(year FROM CURRENT_TIMESTAMP)::integer", "(EXTRACT(year FROM CURRENT_TIMESTAMP))::integer"),
("EXTRACT(epoch FROM CURRENT_TIMESTAMP)", "EXTRACT(epoch FROM CURRENT_TIMESTAMP)", "EXTRACT(epoch FROM CURRENT_TIMESTAMP)"),
("to_char(CURRENT_TIMESTAMP, 'YYYY-MM-DD')", "to_char(CURRENT_TIMESTAMP, 'YYYY-MM-DD'::text)", "to_char(CURRENT_TIMESTAMP, 'YYYY-MM-DD'::text)"),
("substring('abc', 1, 2)", "\"substring\"('abc'::text, 1, 2)", "\"substring\"('abc'::text, 1, 2)"),
("btrim(' x ', ' ')", "btrim(' x '::text, ' '::text)", "btrim(' x '::text, ' '::text)"),
("coalesce(current_setting('app.user', true), 'anon')", "COALESCE(current_setting('app.user'::text, true), 'anon'::text)", "COALESCE(current_setting('app.user'::text, true), 'anon'::text)"),
("CASE WHEN random() > 0.5 THEN 'a' ELSE 'b' END", "\nCASE\n    WHEN random() > 0.5::double precision THEN 'a'::text\n    ELSE 'b'::text\nEND", "\nCASE\n    WHEN (random() > (0.5)::double precision) THEN 'a'::text\n    ELSE 'b'::text\nEND"),
("(EXTRACT(epoch FROM CURRENT_TIMESTAMP) * 1000)::bigint", "(EXTRACT(epoch FROM CURRENT_TIMESTAMP) * 1000::numeric)::bigint", "((EXTRACT(epoch FROM CURRENT_TIMESTAMP) * (1000)::numeric))::bigint"),
("0", "0", "0"),
("0.0", "0.0", "0.0"),
("'A'", "'A'::text", "'A'::text"),
("'a\\b'", "'a\\b'::text", "'a\\b'::text"),
("'x'", "'x'::character varying", "'x'::character varying"),
("'2020-01-01 10:30:00'", "'2020-01-01 10:30:00'::timestamp without time zone", "'2020-01-01 10:30:00'::timestamp without time zone"),
("'2020-01-01 10:30:00'", "'2020-01-01 10:30:00+00'::timestamp with time zone", "'2020-01-01 10:30:00+00'::timestamp with time zone"),
("'2020-01-01'", "'2020-01-01 00:00:00+00'::timestamp with time zone", "'2020-01-01 00:00:00+00'::timestamp with time zone"),
("'2020-01-02'", "'2020-01-02'::date", "'2020-01-02'::date"),
("'10:00:00'", "'10:00:00'::time without time zone", "'10:00:00'::time without time zone"),
("'10:00:30'", "'10:00:30'::time without time zone", "'10:00:30'::time without time zone"),
("'02:00:00'", "'02:00:00'::interval", "'02:00:00'::interval"),
("'00:30:00'", "'00:30:00'::interval", "'00:30:00'::interval"),
("'7 days'", "'7 days'::interval", "'7 days'::interval"),
("'2 mons'", "'2 mons'::interval", "'2 mons'::interval"),
("'1 year 2 mons 3 days 04:05:06'", "'1 year 2 mons 3 days 04:05:06'::interval", "'1 year 2 mons 3 days 04:05:06'::interval"),
("'36:00:00'", "'36:00:00'::interval", "'36:00:00'::interval"),
("CURRENT_TIMESTAMP + '00:30:00'", "CURRENT_TIMESTAMP + '00:30:00'::interval", "(CURRENT_TIMESTAMP + '00:30:00'::interval)"),
("CURRENT_TIMESTAMP + '7 days'", "CURRENT_TIMESTAMP + '7 days'::interval", "(CURRENT_TIMESTAMP + '7 days'::interval)"),
("'{\"a\": 2, \"b\": 1}'", "'{\"a\": 2, \"b\": 1}'::jsonb", "'{\"a\": 2, \"b\": 1}'::jsonb"),
("'{\"a\": [1, 2.50, 100, \"xA\"], \"b\": {\"x\": false, \"y\": true}, \"aa\": null}'", "'{\"a\": [1, 2.50, 100, \"xA\"], \"b\": {\"x\": false, \"y\": true}, \"aa\": null}'::jsonb", "'{\"a\": [1, 2.50, 100, \"xA\"], \"b\": {\"x\": false, \"y\": true}, \"aa\": null}'::jsonb"),
("'[1, 2, 3]'", "'[1, 2, 3]'::jsonb", "'[1, 2, 3]'::jsonb"),
("'\"str\"'", "'\"str\"'::jsonb", "'\"str\"'::jsonb"),
("'{\"a\": 2, \"b\": 1}'", "'{\"a\": 2, \"b\": 1}'::json", "'{\"a\": 2, \"b\": 1}'::json"),
("'seq'", "'public.seq'::regclass", "'public.seq'::regclass"),
("nextval('seq')", "nextval('public.seq'::regclass)", "nextval('public.seq'::regclass)"),
("CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"),
("'prefix-' || gen_random_uuid()", "'prefix-'::text || gen_random_uuid()", "('prefix-'::text || gen_random_uuid())"),
("-1.50", "'-1.50'::numeric", "'-1.50'::numeric"),
("15.0", "15.0", "15.0"),
("0.01", "0.01", "0.01"),
("15", "15", "15"),
("'{\"not\": json'", "'{\"not\": json'::text", "'{\"not\": json'::text"),
("'{a,b}'", "'{a,b}'::text", "'{a,b}'::text"),
("0.0", "0.0", "0.0"),
("1.0", "1.0", "1.0"),
("-0.5", "'-0.5'::numeric", "'-0.5'::numeric"),
("100.00", "100.00", "100.00"),
("'1970-01-01'", "'1970-01-01 00:00:00+00'::timestamp with time zone", "'1970-01-01 00:00:00+00'::timestamp with time zone"),
("'infinity'", "'infinity'::timestamp with time zone", "'infinity'::timestamp with time zone"),
("'{\"a\": []}'", "'{\"a\": []}'::jsonb", "'{\"a\": []}'::jsonb"),
("'[]'", "'[]'::json", "'[]'::json"),
("'{}'", "'{}'::integer[]", "'{}'::integer[]"),
("'a'", "'a'::\"char\"", "'a'::\"char\""),
("false", "false", "false"),
("true", "true", "true"),
("lower('ABC')", "lower('ABC'::text)", "lower('ABC'::text)"),
("repeat('x', 3)", "repeat('x'::text, 3)", "repeat('x'::text, 3)"),
("'line1\nline2'", "'line1\nline2'::text", "'line1\nline2'::text"),
("'pending'", "'pending'::character varying", "'pending'::character varying"),
("make_interval(days => 1)", "make_interval(days => 1)", "make_interval(days => 1)"),
("round(random()::numeric, 2)", "round(random()::numeric, 2)", "round((random())::numeric, 2)"),
("(random() * 10)::integer + 1", "(random() * 10::double precision)::integer + 1", "(((random() * (10)::double precision))::integer + 1)"),
("EXTRACT(epoch FROM CURRENT_TIMESTAMP)::bigint * 1000", "EXTRACT(epoch FROM CURRENT_TIMESTAMP)::bigint * 1000", "((EXTRACT(epoch FROM CURRENT_TIMESTAMP))::bigint * 1000)"),
// CHECK constraints
("a > 0", "a > 0", "(a > 0)"),
("a >= 0", "a >= 0", "(a >= 0)"),
("a <> 0", "a <> 0", "(a <> 0)"),
("a > 0 AND b > 0", "a > 0 AND b > 0", "((a > 0) AND (b > 0))"),
("a > 0 OR b > 0", "a > 0 OR b > 0", "((a > 0) OR (b > 0))"),
("a > 0 AND (b > 0 OR c > 0)", "a > 0 AND (b > 0 OR c > 0)", "((a > 0) AND ((b > 0) OR (c > 0)))"),
("a > 0 AND b > 0 OR c > 0", "a > 0 AND b > 0 OR c > 0", "(((a > 0) AND (b > 0)) OR (c > 0))"),
("a > 0 AND b > 0 AND c > 0", "a > 0 AND b > 0 AND c > 0", "((a > 0) AND (b > 0) AND (c > 0))"),
("a > 0 OR b > 0 OR c > 0", "a > 0 OR b > 0 OR c > 0", "((a > 0) OR (b > 0) OR (c > 0))"),
("(a > 0 OR b > 0) AND (c > 0 OR a < 0)", "(a > 0 OR b > 0) AND (c > 0 OR a < 0)", "(((a > 0) OR (b > 0)) AND ((c > 0) OR (a < 0)))"),
("NOT a > 0", "NOT a > 0", "(NOT (a > 0))"),
("NOT (a > 0 AND b > 0)", "NOT (a > 0 AND b > 0)", "(NOT ((a > 0) AND (b > 0)))"),
("a > 0 AND NOT b > 0", "a > 0 AND NOT b > 0", "((a > 0) AND (NOT (b > 0)))"),
("a IS NOT NULL", "a IS NOT NULL", "(a IS NOT NULL)"),
("a IS NULL OR b IS NULL", "a IS NULL OR b IS NULL", "((a IS NULL) OR (b IS NULL))"),
("a IS NULL", "a IS NULL", "(a IS NULL)"),
("NOT a IS NULL", "NOT a IS NULL", "(NOT (a IS NULL))"),
("a >= 1 AND a <= 10", "a >= 1 AND a <= 10", "((a >= 1) AND (a <= 10))"),
("a < 1 OR a > 10", "a < 1 OR a > 10", "((a < 1) OR (a > 10))"),
("a >= 10 AND a <= 1 OR a >= 1 AND a <= 10", "a >= 10 AND a <= 1 OR a >= 1 AND a <= 10", "(((a >= 10) AND (a <= 1)) OR ((a >= 1) AND (a <= 10)))"),
("(a < 1 OR a > 10) AND (a < 10 OR a > 1)", "(a < 1 OR a > 10) AND (a < 10 OR a > 1)", "(((a < 1) OR (a > 10)) AND ((a < 10) OR (a > 1)))"),
("length(name) >= 1 AND length(name) <= 10", "length(name) >= 1 AND length(name) <= 10", "((length(name) >= 1) AND (length(name) <= 10))"),
("a = ANY (ARRAY[1, 2, 3])", "a = ANY (ARRAY[1, 2, 3])", "(a = ANY (ARRAY[1, 2, 3]))"),
("a <> ALL (ARRAY[1, 2, 3])", "a <> ALL (ARRAY[1, 2, 3])", "(a <> ALL (ARRAY[1, 2, 3]))"),
("a = 1", "a = 1", "(a = 1)"),
("a = b OR a = c", "a = b OR a = c", "((a = b) OR (a = c))"),
("a = 1 OR a = b", "a = 1 OR a = b", "((a = 1) OR (a = b))"),
("a = ANY (ARRAY[1, 2]) OR a = b", "(a = ANY (ARRAY[1, 2])) OR a = b", "((a = ANY (ARRAY[1, 2])) OR (a = b))"),
("a <> 1 AND a <> b", "a <> 1 AND a <> b", "((a <> 1) AND (a <> b))"),
("status = ANY (ARRAY['a', 'b'])", "status::text = ANY (ARRAY['a'::text, 'b'::text])", "((status)::text = ANY (ARRAY['a'::text, 'b'::text]))"),
("status <> ALL (ARRAY['a', 'b'])", "status::text <> ALL (ARRAY['a'::text, 'b'::text])", "((status)::text <> ALL (ARRAY['a'::text, 'b'::text]))"),
("status = 'a'", "status::text = 'a'::text", "((status)::text = 'a'::text)"),
("role = 'USER'", "role = 'USER'::public.message_role", "(role = 'USER'::public.message_role)"),
("role <> 'SYSTEM'", "role <> 'SYSTEM'::public.message_role", "(role <> 'SYSTEM'::public.message_role)"),
("kind = 'a'", "kind = 'a'::other.kind", "(kind = 'a'::other.kind)"),
("name = ANY (ARRAY['x', 'y'])", "name = ANY (ARRAY['x'::text, 'y'::text])", "(name = ANY (ARRAY['x'::text, 'y'::text]))"),
("code = ANY (ARRAY['abc', 'def'])", "code::text = ANY (ARRAY['abc'::text, 'def'::text])", "((code)::text = ANY (ARRAY['abc'::text, 'def'::text]))"),
("code = 'abc'", "code = 'abc'::bpchar", "(code = 'abc'::bpchar)"),
("email ~~ '%@%'", "email::text ~~ '%@%'::text", "((email)::text ~~ '%@%'::text)"),
("email ~~* '%@%'", "email::text ~~* '%@%'::text", "((email)::text ~~* '%@%'::text)"),
("email !~~ 'a%'", "email::text !~~ 'a%'::text", "((email)::text !~~ 'a%'::text)"),
("name !~~* 'x%'", "name !~~* 'x%'::text", "(name !~~* 'x%'::text)"),
("name ~~ 'a%'", "name ~~ 'a%'::text", "(name ~~ 'a%'::text)"),
("email ~ '^[a-z]+$'", "email::text ~ '^[a-z]+$'::text", "((email)::text ~ '^[a-z]+$'::text)"),
("email ~* 'x'", "email::text ~* 'x'::text", "((email)::text ~* 'x'::text)"),
("email !~ 'x'", "email::text !~ 'x'::text", "((email)::text !~ 'x'::text)"),
("name ~ similar_to_escape('a%')", "name ~ similar_to_escape('a%'::text)", "(name ~ similar_to_escape('a%'::text))"),
("name !~ similar_to_escape('a%')", "name !~ similar_to_escape('a%'::text)", "(name !~ similar_to_escape('a%'::text))"),
("name ~~ like_escape('a!%', '!')", "name ~~ like_escape('a!%'::text, '!'::text)", "(name ~~ like_escape('a!%'::text, '!'::text))"),
("length(name) > 0", "length(name) > 0", "(length(name) > 0)"),
("char_length(name) <= 100", "char_length(name) <= 100", "(char_length(name) <= 100)"),
("length(email) < 255", "length(email::text) < 255", "(length((email)::text) < 255)"),
("lower(email) = email", "lower(email::text) = email::text", "(lower((email)::text) = (email)::text)"),
("upper(code) = code", "upper(code::text) = code::text", "(upper((code)::text) = (code)::text)"),
("coalesce(a, 0) >= 0", "COALESCE(a, 0) >= 0", "(COALESCE(a, 0) >= 0)"),
("coalesce(name, '') <> ''", "COALESCE(name, ''::text) <> ''::text", "(COALESCE(name, ''::text) <> ''::text)"),
("nullif(name, '') IS NOT NULL", "NULLIF(name, ''::text) IS NOT NULL", "(NULLIF(name, ''::text) IS NOT NULL)"),
("greatest(a, b) < 100", "GREATEST(a, b) < 100", "(GREATEST(a, b) < 100)"),
("least(a, b) > 0", "LEAST(a, b) > 0", "(LEAST(a, b) > 0)"),
("CASE WHEN a > 0 THEN b > 0 ELSE true END", "\nCASE\n    WHEN a > 0 THEN b > 0\n    ELSE true\nEND", "\nCASE\n    WHEN (a > 0) THEN (b > 0)\n    ELSE true\nEND"),
("CASE a WHEN 1 THEN b = 1 WHEN 2 THEN b = 2 ELSE false END", "\nCASE a\n    WHEN 1 THEN b = 1\n    WHEN 2 THEN b = 2\n    ELSE false\nEND", "\nCASE a\n    WHEN 1 THEN (b = 1)\n    WHEN 2 THEN (b = 2)\n    ELSE false\nEND"),
("CASE WHEN a > 0 THEN b > 0 END", "\nCASE\n    WHEN a > 0 THEN b > 0\n    ELSE NULL::boolean\nEND", "\nCASE\n    WHEN (a > 0) THEN (b > 0)\n    ELSE NULL::boolean\nEND"),
("a + b > 10", "(a + b) > 10", "((a + b) > 10)"),
("a * 2 <= b", "(a * 2) <= b", "((a * 2) <= b)"),
("(a + b) * 2 < 100", "((a + b) * 2) < 100", "(((a + b) * 2) < 100)"),
("a - b - c > 0", "(a - b - c) > 0", "(((a - b) - c) > 0)"),
("a - (b - c) > 0", "(a - (b - c)) > 0", "((a - (b - c)) > 0)"),
("a + (b + c) > 0", "(a + (b + c)) > 0", "((a + (b + c)) > 0)"),
("a % 2 = 0", "(a % 2) = 0", "((a % 2) = 0)"),
("a / 2 > 1", "(a / 2) > 1", "((a / 2) > 1)"),
("- a < 0", "(- a) < 0", "((- a) < 0)"),
("a > -1", "a > '-1'::integer", "(a > '-1'::integer)"),
("a > 100", "a > 100", "(a > 100)"),
("a > 1.5", "a::numeric > 1.5", "((a)::numeric > 1.5)"),
("price > 0", "price > 0::numeric", "(price > (0)::numeric)"),
("price >= 0.01", "price >= 0.01", "(price >= 0.01)"),
("price = 0", "price = 0::numeric", "(price = (0)::numeric)"),
("n > 0", "n > 0::numeric", "(n > (0)::numeric)"),
("n >= 0.00", "n >= 0.00", "(n >= 0.00)"),
("r > 0", "r > 0::double precision", "(r > (0)::double precision)"),
("f > 0.5", "f > 0.5::double precision", "(f > (0.5)::double precision)"),
("f > pi()", "f > pi()", "(f > pi())"),
("big > 0", "big > 0", "(big > 0)"),
("small > 0", "small > 0", "(small > 0)"),
("r + f > 0", "(r + f) > 0::double precision", "((r + f) > (0)::double precision)"),
("big + a > 0", "(big + a) > 0", "((big + a) > 0)"),
("small * 2 > a", "(small * 2) > a", "((small * 2) > a)"),
("created_at::date > '2020-01-01'", "created_at::date > '2020-01-01'::date", "((created_at)::date > '2020-01-01'::date)"),
("created_at > '2020-01-01'", "created_at > '2020-01-01 00:00:00+00'::timestamp with time zone", "(created_at > '2020-01-01 00:00:00+00'::timestamp with time zone)"),
("d > '2020-01-01'", "d > '2020-01-01'::date", "(d > '2020-01-01'::date)"),
("d >= CURRENT_DATE - 30", "d >= (CURRENT_DATE - 30)", "(d >= (CURRENT_DATE - 30))"),
("updated_at <= CURRENT_TIMESTAMP", "updated_at <= CURRENT_TIMESTAMP", "(updated_at <= CURRENT_TIMESTAMP)"),
("created_at <= CURRENT_TIMESTAMP", "created_at <= CURRENT_TIMESTAMP", "(created_at <= CURRENT_TIMESTAMP)"),
("created_at < updated_at", "created_at < updated_at", "(created_at < updated_at)"),
("dur > '01:00:00'", "dur > '01:00:00'::interval", "(dur > '01:00:00'::interval)"),
("dur >= '1 day'", "dur >= '1 day'::interval", "(dur >= '1 day'::interval)"),
("data ? 'k'", "data ? 'k'::text", "(data ? 'k'::text)"),
("data ->> 'k' IS NOT NULL", "(data ->> 'k'::text) IS NOT NULL", "((data ->> 'k'::text) IS NOT NULL)"),
("data -> 'a' IS NOT NULL", "(data -> 'a'::text) IS NOT NULL", "((data -> 'a'::text) IS NOT NULL)"),
("data @> '{\"a\": 1}'", "data @> '{\"a\": 1}'::jsonb", "(data @> '{\"a\": 1}'::jsonb)"),
("jsonb_typeof(data) = 'object'", "jsonb_typeof(data) = 'object'::text", "(jsonb_typeof(data) = 'object'::text)"),
("(data ->> 'n')::integer > 0", "((data ->> 'n'::text)::integer) > 0", "(((data ->> 'n'::text))::integer > 0)"),
("data #>> '{a,b}' = 'x'", "(data #>> '{a,b}'::text[]) = 'x'::text", "((data #>> '{a,b}'::text[]) = 'x'::text)"),
("j ->> 'k' IS NOT NULL", "(j ->> 'k'::text) IS NOT NULL", "((j ->> 'k'::text) IS NOT NULL)"),
("data ?| ARRAY['a', 'b']", "data ?| ARRAY['a'::text, 'b'::text]", "(data ?| ARRAY['a'::text, 'b'::text])"),
("tags @> ARRAY['x']", "tags @> ARRAY['x'::text]", "(tags @> ARRAY['x'::text])"),
("array_length(tags, 1) > 0", "array_length(tags, 1) > 0", "(array_length(tags, 1) > 0)"),
("cardinality(tags) <= 10", "cardinality(tags) <= 10", "(cardinality(tags) <= 10)"),
("'x' = ANY (tags)", "'x'::text = ANY (tags)", "('x'::text = ANY (tags))"),
("ids[1] > 0", "ids[1] > 0", "(ids[1] > 0)"),
("a = ANY (ids)", "a = ANY (ids)", "(a = ANY (ids))"),
("a <= ALL (ids)", "a <= ALL (ids)", "(a <= ALL (ids))"),
("tags && ARRAY['a', 'b']", "tags && ARRAY['a'::text, 'b'::text]", "(tags && ARRAY['a'::text, 'b'::text])"),
("tags = '{}'", "tags = '{}'::text[]", "(tags = '{}'::text[])"),
("tags <> '{}'", "tags <> '{}'::text[]", "(tags <> '{}'::text[])"),
("ids = ARRAY[1, 2]", "ids = ARRAY[1, 2]", "(ids = ARRAY[1, 2])"),
("email = ANY (ARRAY['a', 'b'])", "email::text = ANY (ARRAY['a'::text, 'b'::text])", "((email)::text = ANY (ARRAY['a'::text, 'b'::text]))"),
("status = ANY ('{a,b}')", "status::text = ANY ('{a,b}'::text[])", "((status)::text = ANY ('{a,b}'::text[]))"),
("name <> ALL (ARRAY['x'])", "name <> ALL (ARRAY['x'::text])", "(name <> ALL (ARRAY['x'::text]))"),
("flag", "flag", "flag"),
("NOT flag", "NOT flag", "(NOT flag)"),
("flag = true", "flag = true", "(flag = true)"),
("flag IS TRUE", "flag IS TRUE", "(flag IS TRUE)"),
("flag IS NOT FALSE", "flag IS NOT FALSE", "(flag IS NOT FALSE)"),
("flag <> false", "flag <> false", "(flag <> false)"),
("a > 0 IS TRUE", "(a > 0) IS TRUE", "((a > 0) IS TRUE)"),
("a > 0 IS NOT UNKNOWN", "(a > 0) IS NOT UNKNOWN", "((a > 0) IS NOT UNKNOWN)"),
("(a > 0) = (b > 0)", "(a > 0) = (b > 0)", "((a > 0) = (b > 0))"),
("a IS DISTINCT FROM b", "a IS DISTINCT FROM b", "(a IS DISTINCT FROM b)"),
("NOT a IS DISTINCT FROM b", "NOT a IS DISTINCT FROM b", "(NOT (a IS DISTINCT FROM b))"),
("\"Email\" <> ''", "\"Email\" <> ''::text", "(\"Email\" <> ''::text)"),
("\"order\" > 0", "\"order\" > 0", "(\"order\" > 0)"),
("email <> ''", "email::text <> ''::text", "((email)::text <> ''::text)"),
("a::bigint > 0", "a::bigint > 0", "((a)::bigint > 0)"),
("a::numeric(10,2) > 0", "a::numeric(10,2) > 0::numeric", "((a)::numeric(10,2) > (0)::numeric)"),
("name COLLATE \"C\" > 'a'", "(name COLLATE \"C\") > 'a'::text", "((name COLLATE \"C\") > 'a'::text)"),
("name = 'x'", "name = 'x'::text", "(name = 'x'::text)"),
("EXTRACT(year FROM created_at) > 2000", "EXTRACT(year FROM created_at) > 2000::numeric", "(EXTRACT(year FROM created_at) > (2000)::numeric)"),
("date_part('year', created_at) > 2000", "date_part('year'::text, created_at) > 2000::double precision", "(date_part('year'::text, created_at) > (2000)::double precision)"),
("POSITION('@' IN email) > 1", "POSITION(('@'::text) IN (email)) > 1", "(POSITION(('@'::text) IN (email)) > 1)"),
("strpos(email, '@') > 1", "strpos(email::text, '@'::text) > 1", "(strpos((email)::text, '@'::text) > 1)"),
("substring(name, 1, 2) = 'ab'", "\"substring\"(name, 1, 2) = 'ab'::text", "(\"substring\"(name, 1, 2) = 'ab'::text)"),
("substr(name, 1, 2) = 'ab'", "substr(name, 1, 2) = 'ab'::text", "(substr(name, 1, 2) = 'ab'::text)"),
("btrim(name) = name", "btrim(name) = name", "(btrim(name) = name)"),
("btrim(name, ' ') <> ''", "btrim(name, ' '::text) <> ''::text", "(btrim(name, ' '::text) <> ''::text)"),
("ltrim(name) = name", "ltrim(name) = name", "(ltrim(name) = name)"),
("overlay(name, 'x', 1, 1) <> ''", "\"overlay\"(name, 'x'::text, 1, 1) <> ''::text", "(\"overlay\"(name, 'x'::text, 1, 1) <> ''::text)"),
("u IS NOT NULL", "u IS NOT NULL", "(u IS NOT NULL)"),
("ip << '10.0.0.0/8'", "ip << '10.0.0.0/8'::inet", "(ip << '10.0.0.0/8'::inet)"),
("a = 1 AND b = 2", "a = 1 AND b = 2", "((a = 1) AND (b = 2))"),
("a <> 1 OR b <> 2", "a <> 1 OR b <> 2", "((a <> 1) OR (b <> 2))"),
("ROW(a, b) < ROW(1, 2)", "(ROW(a, b) < ROW(1, 2))", "(ROW(a, b) < ROW(1, 2))"),
("octet_length(name) < 10", "octet_length(name) < 10", "(octet_length(name) < 10)"),
("abs(a) < 10", "abs(a) < 10", "(abs(a) < 10)"),
("round(price, 2) = price", "round(price, 2) = price", "(round(price, 2) = price)"),
("mod(a, 2) = 0", "mod(a, 2) = 0", "(mod(a, 2) = 0)"),
("char_length(code) = 3", "char_length(code) = 3", "(char_length(code) = 3)"),
("'x\ty' <> name", "'x\ty'::text <> name", "('x\ty'::text <> name)"),
("name <> 'x'", "name <> 'x'::text", "(name <> 'x'::text)"),
("b > 0 OR a IS NULL", "b > 0 OR a IS NULL", "((b > 0) OR (a IS NULL))"),
("timezone('utc', created_at) > '2020-01-01'", "timezone('utc'::text, created_at) > '2020-01-01 00:00:00'::timestamp without time zone", "(timezone('utc'::text, created_at) > '2020-01-01 00:00:00'::timestamp without time zone)"),
("date_trunc('day', created_at) = created_at", "date_trunc('day'::text, created_at) = created_at", "(date_trunc('day'::text, created_at) = created_at)"),
("coalesce(email, name) <> ''", "COALESCE(email, name::character varying)::text <> ''::text", "((COALESCE(email, (name)::character varying))::text <> ''::text)"),
("concat(name, email) <> ''", "concat(name, email) <> ''::text", "(concat(name, email) <> ''::text)"),
("name || 'x' <> 'x'", "(name || 'x'::text) <> 'x'::text", "((name || 'x'::text) <> 'x'::text)"),
("name || email <> ''", "(name || email::text) <> ''::text", "((name || (email)::text) <> ''::text)"),
("a = ANY (ARRAY[1, 2]) OR b <> ALL (ARRAY[3, 4])", "(a = ANY (ARRAY[1, 2])) OR (b <> ALL (ARRAY[3, 4]))", "((a = ANY (ARRAY[1, 2])) OR (b <> ALL (ARRAY[3, 4])))"),
("a IS NOT NULL AND role = 'USER'", "a IS NOT NULL AND role = 'USER'::public.message_role", "((a IS NOT NULL) AND (role = 'USER'::public.message_role))"),
("a > 0 AND b > 0 OR c > 0 AND a < 10", "a > 0 AND b > 0 OR c > 0 AND a < 10", "(((a > 0) AND (b > 0)) OR ((c > 0) AND (a < 10)))"),
("deleted_at IS NULL OR deleted_at > created_at", "deleted_at IS NULL OR deleted_at > created_at", "((deleted_at IS NULL) OR (deleted_at > created_at))"),
("num_nonnulls(a, b, c) = 1", "num_nonnulls(a, b, c) = 1", "(num_nonnulls(a, b, c) = 1)"),
("name ~ '^\\w+$'", "name ~ '^\\w+$'::text", "(name ~ '^\\w+$'::text)"),
("email ~ '^\\w+$'", "email::text ~ '^\\w+$'::text", "((email)::text ~ '^\\w+$'::text)"),
("a ^ 2 < 100", "(a::double precision ^ 2::double precision) < 100::double precision", "(((a)::double precision ^ (2)::double precision) < (100)::double precision)"),
("@ a < 10", "(@ a) < 10", "((@ a) < 10)"),
("|/ f < 10", "(|/ f) < 10::double precision", "((|/ f) < (10)::double precision)"),
("a & 1 = 0", "(a & 1) = 0", "((a & 1) = 0)"),
("a << 1 > 0", "(a << 1) > 0", "((a << 1) > 0)"),
("~ a < 0", "(~ a) < 0", "((~ a) < 0)"),
("(a + b)::bigint > 0", "(a + b)::bigint > 0", "(((a + b))::bigint > 0)"),
("data -> 'a' ->> 'b' = 'x'", "((data -> 'a'::text) ->> 'b'::text) = 'x'::text", "(((data -> 'a'::text) ->> 'b'::text) = 'x'::text)"),
("data #> '{a}' IS NOT NULL", "(data #> '{a}'::text[]) IS NOT NULL", "((data #> '{a}'::text[]) IS NOT NULL)"),
("data - 'a' <> '{}'", "(data - 'a'::text) <> '{}'::jsonb", "((data - 'a'::text) <> '{}'::jsonb)"),
("(a > 0) = true", "(a > 0) = true", "((a > 0) = true)"),
("a = 1 OR a = 2 OR a = 3", "a = 1 OR a = 2 OR a = 3", "((a = 1) OR (a = 2) OR (a = 3))"),
("name = 'a' COLLATE \"C\"", "name = ('a'::text COLLATE \"C\")", "(name = ('a'::text COLLATE \"C\"))"),
("ids[1:2] = ARRAY[1, 2]", "ids[1:2] = ARRAY[1, 2]", "(ids[1:2] = ARRAY[1, 2])"),
("array_position(tags, 'x') IS NULL", "array_position(tags, 'x'::text) IS NULL", "(array_position(tags, 'x'::text) IS NULL)"),
("tags[1] = 'x'", "tags[1] = 'x'::text", "(tags[1] = 'x'::text)"),
("u <> '00000000-0000-0000-0000-000000000000'", "u <> '00000000-0000-0000-0000-000000000000'::uuid", "(u <> '00000000-0000-0000-0000-000000000000'::uuid)"),
("lower(name) ~~ 'a%'", "lower(name) ~~ 'a%'::text", "(lower(name) ~~ 'a%'::text)"),
("name !~~ '% %' AND name <> ''", "name !~~ '% %'::text AND name <> ''::text", "((name !~~ '% %'::text) AND (name <> ''::text))"),
("\"left\"(name, 1) <> ' '", "\"left\"(name, 1) <> ' '::text", "(\"left\"(name, 1) <> ' '::text)"),
("\"right\"(name, 1) <> ' '", "\"right\"(name, 1) <> ' '::text", "(\"right\"(name, 1) <> ' '::text)"),
("replace(name, ' ', '') = name", "replace(name, ' '::text, ''::text) = name", "(replace(name, ' '::text, ''::text) = name)"),
("regexp_replace(name, '\\s+', '', 'g') = name", "regexp_replace(name, '\\s+'::text, ''::text, 'g'::text) = name", "(regexp_replace(name, '\\s+'::text, ''::text, 'g'::text) = name)"),
("n::numeric(12,4) > 0", "n::numeric(12,4) > 0::numeric", "((n)::numeric(12,4) > (0)::numeric)"),
("created_at::timestamp(3) without time zone > '2020-01-01'", "created_at::timestamp(3) without time zone > '2020-01-01 00:00:00'::timestamp without time zone", "((created_at)::timestamp(3) without time zone > '2020-01-01 00:00:00'::timestamp without time zone)"),
("updated_at::timestamp with time zone > '2020-01-01'", "updated_at::timestamp with time zone > '2020-01-01 00:00:00+00'::timestamp with time zone", "((updated_at)::timestamp with time zone > '2020-01-01 00:00:00+00'::timestamp with time zone)"),
("a::smallint > 0", "a::smallint > 0", "((a)::smallint > 0)"),
("name = 'ab'", "name = 'ab'::text", "(name = 'ab'::text)"),
("a::bit(4) = '0000'", "a::bit(4) = '0000'::\"bit\"", "((a)::bit(4) = '0000'::\"bit\")"),
("data <> '{}'", "data <> '{}'::jsonb", "(data <> '{}'::jsonb)"),
("d::timestamp with time zone > CURRENT_TIMESTAMP", "d::timestamp with time zone > CURRENT_TIMESTAMP", "((d)::timestamp with time zone > CURRENT_TIMESTAMP)"),
("t::time(0) without time zone > '00:00:00'", "t::time(0) without time zone > '00:00:00'::time without time zone", "((t)::time(0) without time zone > '00:00:00'::time without time zone)"),
("a > -1 AND a < 1", "a > '-1'::integer AND a < 1", "((a > '-1'::integer) AND (a < 1))"),
("a <> - a", "a <> (- a)", "(a <> (- a))"),
("a = ANY (ARRAY[1.5, 2.5])", "a::numeric = ANY (ARRAY[1.5, 2.5])", "((a)::numeric = ANY (ARRAY[1.5, 2.5]))"),
("a + 1.5 > 0", "(a::numeric + 1.5) > 0::numeric", "(((a)::numeric + 1.5) > (0)::numeric)"),
("a * 0.5 > 1", "(a::numeric * 0.5) > 1::numeric", "(((a)::numeric * 0.5) > (1)::numeric)"),
("a >= 0.5 AND a <= 10", "a::numeric >= 0.5 AND a <= 10", "(((a)::numeric >= 0.5) AND (a <= 10))"),
("price * qty > 0", "(price * qty::numeric) > 0::numeric", "((price * (qty)::numeric) > (0)::numeric)"),
("price > a", "price > a::numeric", "(price > (a)::numeric)"),
("f > a", "f > a::double precision", "(f > (a)::double precision)"),
("n >= 0 AND n <= 100.5", "n >= 0::numeric AND n <= 100.5", "((n >= (0)::numeric) AND (n <= 100.5))"),
("'01:00:00' < dur", "'01:00:00'::interval < dur", "('01:00:00'::interval < dur)"),
("dur < '01:30:00'", "dur < '01:30:00'::interval", "(dur < '01:30:00'::interval)"),
("d >= '2020-01-01' AND d <= '2030-12-31'", "d >= '2020-01-01'::date AND d <= '2030-12-31'::date", "((d >= '2020-01-01'::date) AND (d <= '2030-12-31'::date))"),
("length(btrim(name)) > 0", "length(btrim(name)) > 0", "(length(btrim(name)) > 0)"),
("rtrim(name, 'x') <> ''", "rtrim(name, 'x'::text) <> ''::text", "(rtrim(name, 'x'::text) <> ''::text)"),
("btrim(name, 'x') <> ''", "btrim(name, 'x'::text) <> ''::text", "(btrim(name, 'x'::text) <> ''::text)"),
("email ~~* ANY (ARRAY['%@a.com', '%@b.com'])", "email::text ~~* ANY (ARRAY['%@a.com'::text, '%@b.com'::text])", "((email)::text ~~* ANY (ARRAY['%@a.com'::text, '%@b.com'::text]))"),
("name ~~ ALL ('{a%,%b}')", "name ~~ ALL ('{a%,%b}'::text[])", "(name ~~ ALL ('{a%,%b}'::text[]))"),
("a + 1 > 0", "(a + 1) > 0", "((a + 1) > 0)"),
("substring(name, 'a.') IS NOT NULL", "\"substring\"(name, 'a.'::text) IS NOT NULL", "(\"substring\"(name, 'a.'::text) IS NOT NULL)"),
("substring(name, 'a', '#') IS NOT NULL", "\"substring\"(name, 'a'::text, '#'::text) IS NOT NULL", "(\"substring\"(name, 'a'::text, '#'::text) IS NOT NULL)"),
("overlay(name, 'x', 1) <> ''", "\"overlay\"(name, 'x'::text, 1) <> ''::text", "(\"overlay\"(name, 'x'::text, 1) <> ''::text)"),
("lower(name) = lower(name) COLLATE \"C\"", "lower(name) = (lower(name) COLLATE \"C\")", "(lower(name) = (lower(name) COLLATE \"C\"))"),
("name COLLATE \"default\" = 'a'", "(name COLLATE \"default\") = 'a'::text", "((name COLLATE \"default\") = 'a'::text)"),
("CASE WHEN a > 0 THEN 'p' WHEN a < 0 THEN 'n' ELSE 'z' END <> ''", "\nCASE\n    WHEN a > 0 THEN 'p'::text\n    WHEN a < 0 THEN 'n'::text\n    ELSE 'z'::text\nEND <> ''::text", "(\nCASE\n    WHEN (a > 0) THEN 'p'::text\n    WHEN (a < 0) THEN 'n'::text\n    ELSE 'z'::text\nEND <> ''::text)"),
("CASE status WHEN 'a' THEN true ELSE false END", "\nCASE status\n    WHEN 'a'::text THEN true\n    ELSE false\nEND", "\nCASE status\n    WHEN 'a'::text THEN true\n    ELSE false\nEND"),
("coalesce(a, b, c, 0) > 0", "COALESCE(a, b, c, 0) > 0", "(COALESCE(a, b, c, 0) > 0)"),
("greatest(a, b, 0) = a", "GREATEST(a, b, 0) = a", "(GREATEST(a, b, 0) = a)"),
("(a IS NULL) = (b IS NULL)", "(a IS NULL) = (b IS NULL)", "((a IS NULL) = (b IS NULL))"),
("(a IS NULL) IS NOT TRUE", "(a IS NULL) IS NOT TRUE", "((a IS NULL) IS NOT TRUE)"),
("NOT NOT a IS DISTINCT FROM b", "NOT (NOT a IS DISTINCT FROM b)", "(NOT (NOT (a IS DISTINCT FROM b)))"),
("a IS NOT NULL OR b IS NOT NULL OR c IS NOT NULL", "a IS NOT NULL OR b IS NOT NULL OR c IS NOT NULL", "((a IS NOT NULL) OR (b IS NOT NULL) OR (c IS NOT NULL))"),
("(a IS NOT NULL)::integer + (b IS NOT NULL)::integer = 1", "((a IS NOT NULL)::integer + (b IS NOT NULL)::integer) = 1", "((((a IS NOT NULL))::integer + ((b IS NOT NULL))::integer) = 1)"),
("data ?& ARRAY['a']", "data ?& ARRAY['a'::text]", "(data ?& ARRAY['a'::text])"),
("jsonb_array_length(data -> 'items') <= 10", "jsonb_array_length(data -> 'items'::text) <= 10", "(jsonb_array_length((data -> 'items'::text)) <= 10)"),
("(data #>> '{a,b}')::numeric >= 0", "((data #>> '{a,b}'::text[])::numeric) >= 0::numeric", "(((data #>> '{a,b}'::text[]))::numeric >= (0)::numeric)"),
("ids && '{1,2}'", "ids && '{1,2}'::integer[]", "(ids && '{1,2}'::integer[])"),
("array_length(ids, 1) >= 1 AND array_length(ids, 1) <= 5", "array_length(ids, 1) >= 1 AND array_length(ids, 1) <= 5", "((array_length(ids, 1) >= 1) AND (array_length(ids, 1) <= 5))"),
("2 = ANY (ids)", "2 = ANY (ids)", "(2 = ANY (ids))"),
("tags[1:2] <> '{}'", "tags[1:2] <> '{}'::text[]", "(tags[1:2] <> '{}'::text[])"),
("ip <<= '10.0.0.0/8'", "ip <<= '10.0.0.0/8'::inet", "(ip <<= '10.0.0.0/8'::inet)"),
("ip IS NULL OR family(ip) = 4", "ip IS NULL OR family(ip) = 4", "((ip IS NULL) OR (family(ip) = 4))"),
("bits & '001' = '001'", "(bits & '001'::\"bit\") = '001'::\"bit\"", "((bits & '001'::\"bit\") = '001'::\"bit\")"),
("t >= '08:00:00' AND t <= '18:00:00'", "t >= '08:00:00'::time without time zone AND t <= '18:00:00'::time without time zone", "((t >= '08:00:00'::time without time zone) AND (t <= '18:00:00'::time without time zone))"),
("EXTRACT(dow FROM d) <> ALL (ARRAY[0, 6])", "EXTRACT(dow FROM d) <> ALL (ARRAY[0, 6]::numeric[])", "(EXTRACT(dow FROM d) <> ALL ((ARRAY[0, 6])::numeric[]))"),
("date_part('hour', t) < 20", "date_part('hour'::text, t) < 20::double precision", "(date_part('hour'::text, t) < (20)::double precision)"),
("d + 1 > d", "(d + 1) > d", "((d + 1) > d)"),
("d - 1 < d", "(d - 1) < d", "((d - 1) < d)"),
("updated_at - created_at::timestamp without time zone < '1 day'", "(updated_at - created_at::timestamp without time zone) < '1 day'::interval", "((updated_at - (created_at)::timestamp without time zone) < '1 day'::interval)"),
("timezone('UTC', created_at) < updated_at", "timezone('UTC'::text, created_at) < updated_at", "(timezone('UTC'::text, created_at) < updated_at)"),
("age(updated_at) < '1 year'", "age(updated_at) < '1 year'::interval", "(age(updated_at) < '1 year'::interval)"),
("name ~ '^[A-Z]' OR name ~ '^[a-z]'", "name ~ '^[A-Z]'::text OR name ~ '^[a-z]'::text", "((name ~ '^[A-Z]'::text) OR (name ~ '^[a-z]'::text))"),
("name !~* '^x' AND email !~~ '%x'", "name !~* '^x'::text AND email::text !~~ '%x'::text", "((name !~* '^x'::text) AND ((email)::text !~~ '%x'::text))"),
("name IS NOT NULL AND (a > 0 OR b > 0 AND c > 0)", "name IS NOT NULL AND (a > 0 OR b > 0 AND c > 0)", "((name IS NOT NULL) AND ((a > 0) OR ((b > 0) AND (c > 0))))"),
("NOT NOT flag", "NOT (NOT flag)", "(NOT (NOT flag))"),
("a + b + c + qty > 0", "(a + b + c + qty) > 0", "((((a + b) + c) + qty) > 0)"),
("a * (b + c) > 0", "(a * (b + c)) > 0", "((a * (b + c)) > 0)"),
("a * b + c > 0", "(a * b + c) > 0", "(((a * b) + c) > 0)"),
("a / (b * c) > 0", "(a / (b * c)) > 0", "((a / (b * c)) > 0)"),
("a % b % c = 0", "(a % b % c) = 0", "(((a % b) % c) = 0)"),
("- a * b < 0", "((- a) * b) < 0", "(((- a) * b) < 0)"),
("- (a * b) < 0", "(- (a * b)) < 0", "((- (a * b)) < 0)"),
("abs(- a) = a", "abs(- a) = a", "(abs((- a)) = a)"),
("a::numeric / 3 > 1", "(a::numeric / 3::numeric) > 1::numeric", "(((a)::numeric / (3)::numeric) > (1)::numeric)"),
("round(a::numeric / 3, 2) > 1", "round(a::numeric / 3::numeric, 2) > 1::numeric", "(round(((a)::numeric / (3)::numeric), 2) > (1)::numeric)"),
("ceil(price) = price", "ceil(price) = price", "(ceil(price) = price)"),
("concat_ws(',', name, email) <> ''", "concat_ws(','::text, name, email) <> ''::text", "(concat_ws(','::text, name, email) <> ''::text)"),
("format('%s-%s', a, b) <> ''", "format('%s-%s'::text, a, b) <> ''::text", "(format('%s-%s'::text, a, b) <> ''::text)"),
("name = ANY (ARRAY['it''s', 'x'])", "name = ANY (ARRAY['it''s'::text, 'x'::text])", "(name = ANY (ARRAY['it''s'::text, 'x'::text]))"),
("name = 'it''s'", "name = 'it''s'::text", "(name = 'it''s'::text)"),
("name <> 'don''t'", "name <> 'don''t'::text", "(name <> 'don''t'::text)"),
("status = ANY (ARRAY['active', 'inactive', 'banned'])", "status::text = ANY (ARRAY['active'::text, 'inactive'::text, 'banned'::text])", "((status)::text = ANY (ARRAY['active'::text, 'inactive'::text, 'banned'::text]))"),
("code <> 'abc'", "code <> 'abc'::bpchar", "(code <> 'abc'::bpchar)"),
("a = ANY (ARRAY[-1, 0, 1])", "a = ANY (ARRAY['-1'::integer, 0, 1])", "(a = ANY (ARRAY['-1'::integer, 0, 1]))"),
("price = ANY (ARRAY[0, 9.99])", "price = ANY (ARRAY[0::numeric, 9.99])", "(price = ANY (ARRAY[(0)::numeric, 9.99]))"),
("\"order\" = ANY (ARRAY[1, 2])", "\"order\" = ANY (ARRAY[1, 2])", "(\"order\" = ANY (ARRAY[1, 2]))"),
("\"Email\" ~ '@'", "\"Email\" ~ '@'::text", "(\"Email\" ~ '@'::text)"),
("price >= 0", "price >= 0::numeric", "(price >= (0)::numeric)"),
("status = ANY (ARRAY['active', 'inactive'])", "status::text = ANY (ARRAY['active'::text, 'inactive'::text])", "((status)::text = ANY (ARRAY['active'::text, 'inactive'::text]))"),
("created_at <= updated_at", "created_at <= updated_at", "(created_at <= updated_at)"),
("a IS NOT NULL OR b IS NOT NULL", "a IS NOT NULL OR b IS NOT NULL", "((a IS NOT NULL) OR (b IS NOT NULL))"),
("qty >= 1 AND qty <= 100", "qty >= 1 AND qty <= 100", "((qty >= 1) AND (qty <= 100))"),
("price > 0.0", "price > 0.0", "(price > 0.0)"),
("small >= 1 AND small <= 5", "small >= 1 AND small <= 5", "((small >= 1) AND (small <= 5))"),
("n >= 0 AND n <= 100", "n >= 0::numeric AND n <= 100::numeric", "((n >= (0)::numeric) AND (n <= (100)::numeric))"),
("code ~ '^[A-Z]{3}$'", "code ~ '^[A-Z]{3}$'::text", "(code ~ '^[A-Z]{3}$'::text)"),
("small >= 0 AND small <= 1.5", "small >= 0 AND small::numeric <= 1.5", "((small >= 0) AND ((small)::numeric <= 1.5))"),
("big > 1.5", "big::numeric > 1.5", "((big)::numeric > 1.5)"),
("a > 0.5", "a::numeric > 0.5", "((a)::numeric > 0.5)"),
("r >= 0.0 AND r <= 1.0", "r >= 0.0::double precision AND r <= 1.0::double precision", "((r >= (0.0)::double precision) AND (r <= (1.0)::double precision))"),
("f >= 0 AND f <= 1", "f >= 0::double precision AND f <= 1::double precision", "((f >= (0)::double precision) AND (f <= (1)::double precision))"),
("n * 2 > a", "(n * 2::numeric) > a::numeric", "((n * (2)::numeric) > (a)::numeric)"),
("a / 2.0 > 1", "(a::numeric / 2.0) > 1::numeric", "(((a)::numeric / 2.0) > (1)::numeric)"),
("a % 2 = 1 OR a IS NULL", "(a % 2) = 1 OR a IS NULL", "(((a % 2) = 1) OR (a IS NULL))"),
("(a + b) / 2.0 > 1", "((a + b)::numeric / 2.0) > 1::numeric", "((((a + b))::numeric / 2.0) > (1)::numeric)"),
("price / qty > 1", "(price / qty::numeric) > 1::numeric", "((price / (qty)::numeric) > (1)::numeric)"),
("n - a >= 0", "(n - a::numeric) >= 0::numeric", "((n - (a)::numeric) >= (0)::numeric)"),
("f * a > 0", "(f * a::double precision) > 0::double precision", "((f * (a)::double precision) > (0)::double precision)"),
("r * 2 > 1", "(r * 2::double precision) > 1::double precision", "((r * (2)::double precision) > (1)::double precision)"),
("email ~* '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$'", "email::text ~* '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$'::text", "((email)::text ~* '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$'::text)"),
("coalesce(n, 0) >= 0", "COALESCE(n, 0::numeric) >= 0::numeric", "(COALESCE(n, (0)::numeric) >= (0)::numeric)"),
("coalesce(price, 0.0) >= 0", "COALESCE(price, 0.0) >= 0::numeric", "(COALESCE(price, 0.0) >= (0)::numeric)"),
("greatest(a, 0.5) > 0", "GREATEST(a::numeric, 0.5) > 0::numeric", "(GREATEST((a)::numeric, 0.5) > (0)::numeric)"),
("a = ANY ('{1,2,3}')", "a = ANY ('{1,2,3}'::integer[])", "(a = ANY ('{1,2,3}'::integer[]))"),
("NOT a = ANY ('{1,2}')", "NOT (a = ANY ('{1,2}'::integer[]))", "(NOT (a = ANY ('{1,2}'::integer[])))"),
("upper(status) = status", "upper(status::text) = status::text", "(upper((status)::text) = (status)::text)"),
("status !~~ '%x%' OR status IS NULL", "status::text !~~ '%x%'::text OR status IS NULL", "(((status)::text !~~ '%x%'::text) OR (status IS NULL))"),
("role IS DISTINCT FROM 'SYSTEM'", "role IS DISTINCT FROM 'SYSTEM'::public.message_role", "(role IS DISTINCT FROM 'SYSTEM'::public.message_role)"),
("u IS NOT NULL OR email IS NOT NULL", "u IS NOT NULL OR email IS NOT NULL", "((u IS NOT NULL) OR (email IS NOT NULL))"),
("data ? 'a' AND data ? 'b'", "data ? 'a'::text AND data ? 'b'::text", "((data ? 'a'::text) AND (data ? 'b'::text))"),
("data ->> 'kind' = ANY (ARRAY['x', 'y'])", "(data ->> 'kind'::text) = ANY (ARRAY['x'::text, 'y'::text])", "((data ->> 'kind'::text) = ANY (ARRAY['x'::text, 'y'::text]))"),
("(data ->> 'count')::integer >= 0 AND (data ->> 'count')::integer <= 10", "((data ->> 'count'::text)::integer) >= 0 AND ((data ->> 'count'::text)::integer) <= 10", "((((data ->> 'count'::text))::integer >= 0) AND (((data ->> 'count'::text))::integer <= 10))"),
("jsonb_array_length(data) >= 0 AND jsonb_array_length(data) <= 5", "jsonb_array_length(data) >= 0 AND jsonb_array_length(data) <= 5", "((jsonb_array_length(data) >= 0) AND (jsonb_array_length(data) <= 5))"),
("cardinality(ids) = cardinality(tags)", "cardinality(ids) = cardinality(tags)", "(cardinality(ids) = cardinality(tags))"),
("tags <@ ARRAY['a', 'b', 'c']", "tags <@ ARRAY['a'::text, 'b'::text, 'c'::text]", "(tags <@ ARRAY['a'::text, 'b'::text, 'c'::text])"),
("NOT tags && ARRAY['x']", "NOT tags && ARRAY['x'::text]", "(NOT (tags && ARRAY['x'::text]))"),
("EXTRACT(year FROM d) >= 2000", "EXTRACT(year FROM d) >= 2000::numeric", "(EXTRACT(year FROM d) >= (2000)::numeric)"),
("date_trunc('month', updated_at) = updated_at", "date_trunc('month'::text, updated_at) = updated_at", "(date_trunc('month'::text, updated_at) = updated_at)"),
("d < '2100-01-01' AND d > '1900-01-01'", "d < '2100-01-01'::date AND d > '1900-01-01'::date", "((d < '2100-01-01'::date) AND (d > '1900-01-01'::date))"),
// index key expressions
("lower(email)", "lower(email::text)", "lower((email)::text)"),
("upper(name)", "upper(name)", "upper(name)"),
("data ->> 'k'", "(data ->> 'k'::text)", "((data ->> 'k'::text))"),
("data -> 'a'", "(data -> 'a'::text)", "((data -> 'a'::text))"),
("date_trunc('day', updated_at)", "date_trunc('day'::text, updated_at)", "date_trunc('day'::text, updated_at)"),
("date_trunc('day', timezone('UTC', created_at))", "date_trunc('day'::text, timezone('UTC'::text, created_at))", "date_trunc('day'::text, timezone('UTC'::text, created_at))"),
("coalesce(a, 0)", "COALESCE(a, 0)", "COALESCE(a, 0)"),
("coalesce(name, '')", "COALESCE(name, ''::text)", "COALESCE(name, ''::text)"),
("coalesce(email, '')", "COALESCE(email, ''::character varying)", "COALESCE(email, ''::character varying)"),
("a + b", "(a + b)", "((a + b))"),
("a * 2", "(a * 2)", "((a * 2))"),
("lower(name || email)", "lower(name || email::text)", "lower((name || (email)::text))"),
("email", "email", "email"),
("md5(name)", "md5(name)", "md5(name)"),
("length(name)", "length(name)", "length(name)"),
("updated_at::date", "(updated_at::date)", "((updated_at)::date)"),
("status", "status", "status"),
("tags[1]", "(tags[1])", "(tags[1])"),
("ids[1:2]", "(ids[1:2])", "(ids[1:2])"),
("abs(a)", "abs(a)", "abs(a)"),
("a > 0", "(a > 0)", "((a > 0))"),
("substring(name, 1, 3)", "\"substring\"(name, 1, 3)", "\"substring\"(name, 1, 3)"),
("\"left\"(name, 3)", "\"left\"(name, 3)", "\"left\"(name, 3)"),
("data #>> '{a,b}'", "(data #>> '{a,b}'::text[])", "((data #>> '{a,b}'::text[]))"),
("(data ->> 'n')::integer", "((data ->> 'n'::text)::integer)", "(((data ->> 'n'::text))::integer)"),
("EXTRACT(year FROM updated_at)", "EXTRACT(year FROM updated_at)", "EXTRACT(year FROM updated_at)"),
("lower(btrim(name))", "lower(btrim(name))", "lower(btrim(name))"),
("CASE WHEN a > 0 THEN 'pos' ELSE 'neg' END", "(\nCASE\n    WHEN a > 0 THEN 'pos'::text\n    ELSE 'neg'::text\nEND)", "(\nCASE\n    WHEN (a > 0) THEN 'pos'::text\n    ELSE 'neg'::text\nEND)"),
("- a", "(- a)", "((- a))"),
("a IS NULL", "(a IS NULL)", "((a IS NULL))"),
("name || '-' || email", "((name || '-'::text) || email::text)", "(((name || '-'::text) || (email)::text))"),
("replace(name, ' ', '')", "replace(name, ' '::text, ''::text)", "replace(name, ' '::text, ''::text)"),
("to_tsvector('english', name)", "to_tsvector('english'::regconfig, name)", "to_tsvector('english'::regconfig, name)"),
("u", "u", "u"),
("(a + b) * c", "((a + b) * c)", "(((a + b) * c))"),
("a - (b - c)", "(a - (b - c))", "((a - (b - c)))"),
("greatest(a, b)", "GREATEST(a, b)", "GREATEST(a, b)"),
("nullif(name, '')", "NULLIF(name, ''::text)", "NULLIF(name, ''::text)"),
("lower(email) || '@'", "(lower(email::text) || '@'::text)", "((lower((email)::text) || '@'::text))"),
("data -> 'a' ->> 'b'", "((data -> 'a'::text) ->> 'b'::text)", "(((data -> 'a'::text) ->> 'b'::text))"),
("(data ->> 'n')::numeric", "((data ->> 'n'::text)::numeric)", "(((data ->> 'n'::text))::numeric)"),
("\"Email\"", "\"Email\"", "\"Email\""),
("\"order\"", "\"order\"", "\"order\""),
("upper(email)", "upper(email::text)", "upper((email)::text)"),
("lower(name) || lower(email)", "(lower(name) || lower(email::text))", "((lower(name) || lower((email)::text)))"),
("md5(lower(email))", "md5(lower(email::text))", "md5(lower((email)::text))"),
("data -> 'a' -> 'b'", "((data -> 'a'::text) -> 'b'::text)", "(((data -> 'a'::text) -> 'b'::text))"),
("coalesce(a, b, 0)", "COALESCE(a, b, 0)", "COALESCE(a, b, 0)"),
("a + 1", "(a + 1)", "((a + 1))"),
("-1 * a", "('-1'::integer * a)", "(('-1'::integer * a))"),
("POSITION('@' IN email)", "POSITION(('@'::text) IN (email))", "POSITION(('@'::text) IN (email))"),
("btrim(name)", "btrim(name)", "btrim(name)"),
("name", "name", "name"),
("data -> 'tags'", "(data -> 'tags'::text)", "((data -> 'tags'::text))"),
("coalesce(deleted_at, 'infinity')", "COALESCE(deleted_at, 'infinity'::timestamp with time zone)", "COALESCE(deleted_at, 'infinity'::timestamp with time zone)"),
("a IS NULL AND b IS NULL", "(a IS NULL AND b IS NULL)", "(((a IS NULL) AND (b IS NULL)))"),
("status = 'x'", "(status::text = 'x'::text)", "(((status)::text = 'x'::text))"),
// partial-index predicates
("a > 0", "a > 0", "(a > 0)"),
("flag", "flag", "flag"),
("NOT flag", "NOT flag", "(NOT flag)"),
("flag = true", "flag = true", "(flag = true)"),
("flag IS NOT TRUE", "flag IS NOT TRUE", "(flag IS NOT TRUE)"),
("a IS NOT NULL", "a IS NOT NULL", "(a IS NOT NULL)"),
("email IS NOT NULL AND a > 0", "email IS NOT NULL AND a > 0", "((email IS NOT NULL) AND (a > 0))"),
("status = 'active'", "status::text = 'active'::text", "((status)::text = 'active'::text)"),
("status = ANY (ARRAY['a', 'b'])", "status::text = ANY (ARRAY['a'::text, 'b'::text])", "((status)::text = ANY (ARRAY['a'::text, 'b'::text]))"),
("role = 'USER'", "role = 'USER'::public.message_role", "(role = 'USER'::public.message_role)"),
("role <> 'ADMIN'", "role <> 'ADMIN'::public.message_role", "(role <> 'ADMIN'::public.message_role)"),
("a IS NOT NULL AND role = 'USER'", "a IS NOT NULL AND role = 'USER'::public.message_role", "((a IS NOT NULL) AND (role = 'USER'::public.message_role))"),
("data ? 'k'", "data ? 'k'::text", "(data ? 'k'::text)"),
("data ->> 'k' IS NOT NULL", "(data ->> 'k'::text) IS NOT NULL", "((data ->> 'k'::text) IS NOT NULL)"),
("a >= 1 AND a <= 10", "a >= 1 AND a <= 10", "((a >= 1) AND (a <= 10))"),
("name ~~ 'a%'", "name ~~ 'a%'::text", "(name ~~ 'a%'::text)"),
("lower(email) <> ''", "lower(email::text) <> ''::text", "(lower((email)::text) <> ''::text)"),
("updated_at > '2020-01-01'", "updated_at > '2020-01-01 00:00:00'::timestamp without time zone", "(updated_at > '2020-01-01 00:00:00'::timestamp without time zone)"),
("d > '2020-01-01'", "d > '2020-01-01'::date", "(d > '2020-01-01'::date)"),
("price > 0", "price > 0::numeric", "(price > (0)::numeric)"),
("deleted_at IS NULL", "deleted_at IS NULL", "(deleted_at IS NULL)"),
("a = ANY (ARRAY[1, 2])", "a = ANY (ARRAY[1, 2])", "(a = ANY (ARRAY[1, 2]))"),
("email ~ '@'", "email::text ~ '@'::text", "((email)::text ~ '@'::text)"),
("coalesce(a, 0) > 0", "COALESCE(a, 0) > 0", "(COALESCE(a, 0) > 0)"),
("NOT (a > 0 OR b > 0)", "NOT (a > 0 OR b > 0)", "(NOT ((a > 0) OR (b > 0)))"),
("a > 0 OR b IS NULL", "a > 0 OR b IS NULL", "((a > 0) OR (b IS NULL))"),
("\"Email\" IS NOT NULL", "\"Email\" IS NOT NULL", "(\"Email\" IS NOT NULL)"),
("\"order\" > 0", "\"order\" > 0", "(\"order\" > 0)"),
("kind = 'a'", "kind = 'a'::other.kind", "(kind = 'a'::other.kind)"),
("u IS NULL", "u IS NULL", "(u IS NULL)"),
("tags IS NOT NULL", "tags IS NOT NULL", "(tags IS NOT NULL)"),
("array_length(tags, 1) > 0", "array_length(tags, 1) > 0", "(array_length(tags, 1) > 0)"),
("deleted_at IS NULL AND status <> 'archived'", "deleted_at IS NULL AND status::text <> 'archived'::text", "((deleted_at IS NULL) AND ((status)::text <> 'archived'::text))"),
("a > 0 AND b > 0 AND c > 0", "a > 0 AND b > 0 AND c > 0", "((a > 0) AND (b > 0) AND (c > 0))"),
("a <> ALL (ARRAY[1, 2])", "a <> ALL (ARRAY[1, 2])", "(a <> ALL (ARRAY[1, 2]))"),
("NOT deleted_at IS NOT NULL", "NOT deleted_at IS NOT NULL", "(NOT (deleted_at IS NOT NULL))"),
("status = 'x'", "status::text = 'x'::text", "((status)::text = 'x'::text)"),
("a IS DISTINCT FROM 0", "a IS DISTINCT FROM 0", "(a IS DISTINCT FROM 0)"),
("status <> ALL (ARRAY['a', 'b'])", "status::text <> ALL (ARRAY['a'::text, 'b'::text])", "((status)::text <> ALL (ARRAY['a'::text, 'b'::text]))"),
("email ~~ '%@%' AND NOT flag", "email::text ~~ '%@%'::text AND NOT flag", "(((email)::text ~~ '%@%'::text) AND (NOT flag))"),
("data @> '{\"a\": 1}'", "data @> '{\"a\": 1}'::jsonb", "(data @> '{\"a\": 1}'::jsonb)"),
("a = ANY (ARRAY[1, 2, 3]) AND b IS NULL", "(a = ANY (ARRAY[1, 2, 3])) AND b IS NULL", "((a = ANY (ARRAY[1, 2, 3])) AND (b IS NULL))"),
("dur > '01:00:00'", "dur > '01:00:00'::interval", "(dur > '01:00:00'::interval)"),
("code = 'abc'", "code = 'abc'::bpchar", "(code = 'abc'::bpchar)"),
("price >= 0.5", "price >= 0.5", "(price >= 0.5)"),
("a > 1.5", "a::numeric > 1.5", "((a)::numeric > 1.5)"),
("tags @> ARRAY['x']", "tags @> ARRAY['x'::text]", "(tags @> ARRAY['x'::text])"),
("name ~* '^a' OR name IS NULL", "name ~* '^a'::text OR name IS NULL", "((name ~* '^a'::text) OR (name IS NULL))"),
("NOT flag IS TRUE", "NOT flag IS TRUE", "(NOT (flag IS TRUE))"),
("a <> ALL ('{1,2}')", "a <> ALL ('{1,2}'::integer[])", "(a <> ALL ('{1,2}'::integer[]))"),
("created_at > '2020-01-01'", "created_at > '2020-01-01 00:00:00+00'::timestamp with time zone", "(created_at > '2020-01-01 00:00:00+00'::timestamp with time zone)"),
("status = 'active' AND deleted_at IS NULL", "status::text = 'active'::text AND deleted_at IS NULL", "(((status)::text = 'active'::text) AND (deleted_at IS NULL))"),
("status = ANY (ARRAY['a', 'b']) AND a > 0", "(status::text = ANY (ARRAY['a'::text, 'b'::text])) AND a > 0", "(((status)::text = ANY (ARRAY['a'::text, 'b'::text])) AND (a > 0))"),
("kind <> 'b'", "kind <> 'b'::other.kind", "(kind <> 'b'::other.kind)"),
("data ->> 'k' = 'v'", "(data ->> 'k'::text) = 'v'::text", "((data ->> 'k'::text) = 'v'::text)"),
("price > 9.99", "price > 9.99", "(price > 9.99)"),
("NOT status = ANY (ARRAY['a', 'b'])", "NOT (status::text = ANY (ARRAY['a'::text, 'b'::text]))", "(NOT ((status)::text = ANY (ARRAY['a'::text, 'b'::text])))"),
("small > 0", "small > 0", "(small > 0)"),
("flag IS TRUE AND role = 'ADMIN'", "flag IS TRUE AND role = 'ADMIN'::public.message_role", "((flag IS TRUE) AND (role = 'ADMIN'::public.message_role))"),
// generated columns
("lower(email)", "lower(email::text)", "lower((email)::text)"),
("a + b", "a + b", "(a + b)"),
("coalesce(name, '') || ' ' || coalesce(email, '')", "(COALESCE(name, ''::text) || ' '::text) || COALESCE(email, ''::character varying)::text", "((COALESCE(name, ''::text) || ' '::text) || (COALESCE(email, ''::character varying))::text)"),
("data ->> 'k'", "data ->> 'k'::text", "(data ->> 'k'::text)"),
("price * qty", "price * qty::numeric", "(price * (qty)::numeric)"),
("to_tsvector('english', coalesce(name, ''))", "to_tsvector('english'::regconfig, COALESCE(name, ''::text))", "to_tsvector('english'::regconfig, COALESCE(name, ''::text))"),
("a IS NOT NULL AND b > 0", "a IS NOT NULL AND b > 0", "((a IS NOT NULL) AND (b > 0))"),
("CASE WHEN a > 0 THEN 1 ELSE 0 END", "\nCASE\n    WHEN a > 0 THEN 1\n    ELSE 0\nEND", "\nCASE\n    WHEN (a > 0) THEN 1\n    ELSE 0\nEND"),
("updated_at::date", "updated_at::date", "(updated_at)::date"),
("upper(code)", "upper(code::text)", "upper((code)::text)"),
("round(price * 1.2, 2)", "round(price * 1.2, 2)", "round((price * 1.2), 2)"),
("length(name)", "length(name)", "length(name)"),
("substring(name, 1, 3)", "\"substring\"(name, 1, 3)", "\"substring\"(name, 1, 3)"),
("a::bigint * 1000", "a::bigint * 1000", "((a)::bigint * 1000)"),
("coalesce(name, '') || ' <' || coalesce(email, '') || '>'", "((COALESCE(name, ''::text) || ' <'::text) || COALESCE(email, ''::character varying)::text) || '>'::text", "(((COALESCE(name, ''::text) || ' <'::text) || (COALESCE(email, ''::character varying))::text) || '>'::text)"),
("deleted_at IS NOT NULL", "deleted_at IS NOT NULL", "(deleted_at IS NOT NULL)"),
("price * 1.2", "price * 1.2", "(price * 1.2)"),
("price * qty * 1.2", "price * qty::numeric * 1.2", "((price * (qty)::numeric) * 1.2)"),
("a * b + c", "a * b + c", "((a * b) + c)"),
("f * a", "f * a::double precision", "(f * (a)::double precision)"),
("CASE WHEN flag THEN 'yes' ELSE 'no' END", "\nCASE\n    WHEN flag THEN 'yes'::text\n    ELSE 'no'::text\nEND", "\nCASE\n    WHEN flag THEN 'yes'::text\n    ELSE 'no'::text\nEND"),
("CASE role WHEN 'USER' THEN 'u' WHEN 'ADMIN' THEN 'a' END", "\nCASE role\n    WHEN 'USER'::public.message_role THEN 'u'::text\n    WHEN 'ADMIN'::public.message_role THEN 'a'::text\n    ELSE NULL::text\nEND", "\nCASE role\n    WHEN 'USER'::public.message_role THEN 'u'::text\n    WHEN 'ADMIN'::public.message_role THEN 'a'::text\n    ELSE NULL::text\nEND"),
];

#[test]
fn canonical_forms_round_trip_through_pg15() {
    let mut failures = Vec::new();
    for (canonical, pretty, raw) in PG15_ROUNDTRIP {
        assert_eq!(
            canon(canonical),
            *canonical,
            "canonical form is not canonical"
        );
        for printed in [pretty, raw] {
            if canon(printed) != *canonical {
                failures.push(format!(
                    "{canonical}\n  printed {printed}\n  canon   {}",
                    canon(printed)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn pg15_printed_forms_match_written_forms() {
    let mut failures = Vec::new();
    for (written, pretty, raw) in PG15_PAIRS {
        let w = canon(written);
        for printed in [pretty, raw] {
            let p = canon(printed);
            if w != p {
                failures.push(format!("written {written:?}\n  printed {printed:?}\n  canon(written) {w}\n  canon(printed) {p}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Real PostgreSQL 15 (written, printed) pairs that are deliberately left unequal (known gaps).
/// When one starts to match, move it to `PG15_PAIRS`.
const PG15_KNOWN_GAPS: &[(&str, &str)] = &[
    // jsonpath constants are re-spelled by jsonpath_out.
    ("data @? '$.a'", "data @? '$.\"a\"'::jsonpath"),
    // An index key's COLLATE is stored in pg_index.indcollation, not in the expression.
    ("(name COLLATE \"C\")", "name"),
    // Interval spellings other than non-negative integer `N unit` pairs.
    ("'1h'", "'01:00:00'::interval"),
    ("'1.5 hours'", "'01:30:00'::interval"),
    ("'-1 day'", "'-1 days'::interval"),
    // Range constants are normalized by the range type.
    ("'[1,2]'", "'[1,3)'::int4range"),
    // Widening casts of function results are kept (they may be text).
    ("length(name) > 1.5", "length(name)::numeric > 1.5"),
    ("(lower(email) COLLATE \"C\")", "lower(email::text)"),
    // Special date/time input values are resolved when the expression is stored.
    ("d > 'today'::date", "d > '2026-11-21'::date"),
    (
        "'epoch'",
        "'1970-01-01 00:00:00+00'::timestamp with time zone",
    ),
    // A boolean written as '1' is a number here.
    ("'1'", "true"),
];

#[test]
fn known_gaps_stay_distinct() {
    for (written, printed) in PG15_KNOWN_GAPS {
        assert_ne!(
            canon(written),
            canon(printed),
            "{written} now matches {printed}; move it to PG15_PAIRS"
        );
    }
}

fn assert_same(a: &str, b: &str) {
    assert_eq!(
        canon(a),
        canon(b),
        "expected {a:?} and {b:?} to be the same"
    );
}

fn assert_differ(a: &str, b: &str) {
    assert_ne!(canon(a), canon(b), "expected {a:?} and {b:?} to differ");
}

/// Pairs that must never be treated as equal.
const DIFFERENT: &[(&str, &str)] = &[
    ("x > 0", "x >= 0"),
    ("'a'", "'b'"),
    ("lower(a)", "upper(a)"),
    ("a + b", "b + a"),
    ("a AND b", "b AND a"),
    ("a OR b", "b OR a"),
    ("created_at::date", "created_at"),
    ("\"Email\"", "email"),
    ("\"order\"", "order_"),
    ("1", "2"),
    ("0.00", "0"),
    ("now()", "CURRENT_DATE"),
    ("CURRENT_DATE", "CURRENT_TIME"),
    ("CURRENT_TIMESTAMP", "LOCALTIMESTAMP"),
    ("CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP(3)"),
    ("CURRENT_TIME", "LOCALTIME"),
    ("CURRENT_USER", "SESSION_USER"),
    ("CURRENT_USER", "CURRENT_SCHEMA"),
    ("now()", "statement_timestamp()"),
    ("a - b - c", "a - (b - c)"),
    ("a OR b AND c", "(a OR b) AND c"),
    ("NOT a AND b", "NOT (a AND b)"),
    ("-a ^ 2", "-(a ^ 2)"),
    ("a || b LIKE c", "a || (b LIKE c)"),
    ("a IS NULL", "a IS NOT NULL"),
    ("a IS TRUE", "a IS NOT FALSE"),
    ("a IN (1, 2)", "a NOT IN (1, 2)"),
    ("a IN (1, 2)", "a IN (2, 1)"),
    ("a LIKE 'x'", "a ILIKE 'x'"),
    ("a ~ 'x'", "a ~* 'x'"),
    ("a = ANY (x)", "a = ALL (x)"),
    ("a IS DISTINCT FROM b", "a IS NOT DISTINCT FROM b"),
    ("a BETWEEN 1 AND 10", "a BETWEEN 1 AND 11"),
    ("a BETWEEN 1 AND 10", "a BETWEEN SYMMETRIC 1 AND 10"),
    ("'USER'::message_role", "'ADMIN'::message_role"),
    ("other.f(x)", "f(x)"),
    ("other.t", "t"),
    ("a::bigint", "a::integer"),
    ("a::numeric(10,2)", "a::numeric(12,2)"),
    ("a::numeric / 3", "a / 3"),
    ("'1 day'::interval", "'1 hour'::interval"),
    ("interval '1' day", "interval '1' hour"),
    ("'5'::interval year to month", "'5'::interval day to second"),
    ("true", "false"),
    ("'t'", "'f'"),
    ("'yes'", "'no'"),
    ("data ->> 'y'", "data ->> 't'"),
    ("lpad(x, 3, 'n')", "lpad(x, 3, 'f')"),
    ("coalesce(a, b)", "coalesce(b, a)"),
    ("tags[1]", "tags[2]"),
    ("a[1][2]", "(a[1])[2]"),
    ("(a).b", "a.b"),
    ("substring(s, 1, 2)", "substr(s, 1, 2)"),
    ("date_part('year', x)", "extract(year from x)"),
    ("'{\"a\":1}'", "'{\"a\":2}'"),
    ("'2020-01-01'", "'2020-01-02'"),
    ("'2020-01-01 10:00'", "'2020-01-01'"),
    ("'2020-01-01 10:00:00+02'", "'2020-01-01 10:00:00'"),
    ("nextval('a_seq')", "nextval('b_seq')"),
    ("nextval('other.seq')", "nextval('seq')"),
    ("nextval('\"Seq\"')", "nextval('seq')"),
    ("E'\\n'", "'\\n'"),
    ("a COLLATE \"C\"", "a"),
    ("a COLLATE \"C\"", "a COLLATE \"POSIX\""),
    ("f(a => 1)", "f(1)"),
    ("f(VARIADIC a)", "f(a)"),
    ("count(DISTINCT x)", "count(x)"),
    ("count(*)", "count(1)"),
    (
        "string_agg(x, ',' ORDER BY x)",
        "string_agg(x, ',' ORDER BY x DESC)",
    ),
    ("CASE WHEN a THEN 1 END", "CASE WHEN a THEN 2 END"),
    ("CASE WHEN a THEN 1 ELSE 0 END", "CASE WHEN a THEN 1 END"),
    ("CASE a WHEN 1 THEN 2 END", "CASE WHEN a THEN 2 END"),
    ("ROW(a, b) < ROW(1, 2)", "ROW(a, b) <= ROW(1, 2)"),
    ("ARRAY[1, 2]", "ARRAY[2, 1]"),
    ("trim(leading from s)", "trim(trailing from s)"),
    ("position('a' in s)", "position(s in 'a')"),
    ("(data ->> 'n')::numeric > 0", "data ->> 'n' > '0'"),
    ("a = b", "NOT a <> b"),
    ("NOT a IS NULL", "a IS NOT NULL"),
    ("'a' || 'b'", "'ab'"),
    ("$1", "$2"),
];

#[test]
fn different_expressions_stay_different() {
    for (a, b) in DIFFERENT {
        assert_differ(a, b);
    }
}

fn all_fixture_texts() -> impl Iterator<Item = &'static str> {
    PG15_PAIRS
        .iter()
        .chain(PG15_ROUNDTRIP)
        .flat_map(|(a, b, c)| [*a, *b, *c])
        .chain(
            PG15_KNOWN_GAPS
                .iter()
                .chain(DIFFERENT)
                .flat_map(|(a, b)| [*a, *b]),
        )
}

#[test]
fn canonicalization_is_idempotent() {
    for text in all_fixture_texts() {
        let once = canon(text);
        assert_eq!(canon(&once), once, "not idempotent for {text:?}");
    }
}

// --- one test per rule

#[test]
fn whitespace_comments_case_and_parentheses_are_irrelevant() {
    assert_eq!(canon("  A   >  0 "), "a > 0");
    assert_same("a>0 AND b<1", "((a > 0)) and (b < 1)");
    assert_same(
        "a > 0 -- comment\n AND /* nested /* comment */ */ b",
        "a > 0 AND b",
    );
    assert_same("LOWER(Email)", "lower(email)");
    assert_eq!(canon("(((1 + 2)))"), "1 + 2");
}

#[test]
fn quoted_identifiers() {
    assert_same("\"email\"", "email");
    assert_same("\"EMAIL\" = 1", "\"EMAIL\" = 1");
    assert_eq!(canon("\"Email\""), "\"Email\"");
    assert_eq!(
        canon("\"order\" + \"a b\" + \"x\"\"y\""),
        "\"order\" + \"a b\" + \"x\"\"y\""
    );
    assert_eq!(canon("U&\"d\\0061t\""), "dat");
    assert_eq!(canon("t.\"Col\""), "t.\"Col\"");
    assert_differ("\"user\"", "user");
    let long = "a".repeat(70);
    assert_eq!(canon(&long), "a".repeat(63));
}

#[test]
fn implied_qualifiers_are_dropped() {
    assert_same("pg_catalog.lower(x)", "lower(x)");
    assert_same("public.f(x)", "f(x)");
    assert_same("'USER'::public.message_role", "'USER'");
    assert_same("x::public.my_domain", "x::my_domain");
    assert_same("x::pg_catalog.int4", "x::integer");
    assert_same("x COLLATE pg_catalog.\"C\"", "x COLLATE \"C\"");
    assert_same("a OPERATOR(pg_catalog.+) b", "a + b");
    assert_eq!(canon("a OPERATOR(other.+) b"), "a OPERATOR(other.+) b");
    assert_same("nextval('public.seq'::regclass)", "nextval('seq')");
    assert_same("nextval('Seq')", "nextval('seq')");
    let app = Ctx {
        search_path: vec!["app".to_owned()],
    };
    assert!(same_expr("app.f(x) + x::app.t", "f(x) + x::t", &app));
    assert!(!same_expr("public.f(x)", "f(x)", &app));
    assert_eq!(canonical_type("app.t", &app), "t");
}

#[test]
fn casts_of_literals_and_to_text_types_are_dropped() {
    assert_same("'x'::character varying", "'x'");
    assert_same("'{}'::text[]", "'{}'");
    assert_same("NULL::text", "NULL");
    assert_same(
        "(ARRAY['a'::character varying, 'b'::character varying])::text[]",
        "ARRAY['a','b']",
    );
    assert_same("'1'::text::integer", "1");
    assert_same("CAST('x' AS varchar(10))", "'x'");
    assert_same("interval '1 day'", "'1 day'::interval");
    assert_same("date '2020-01-01'", "'2020-01-01'");
    assert_same(
        "timestamp with time zone '2020-01-01 10:00:00'",
        "'2020-01-01 10:00:00'",
    );
    assert_same("(email)::text", "email");
    assert_same("lower((email)::text)", "lower(email)");
    assert_same("name::varchar(10)::bpchar::name", "name");
    assert_eq!(canon("created_at::date"), "created_at::date");
    assert_eq!(canon("CAST(a AS int8)"), "a::bigint");
    assert_eq!(canon("(a + b)::bigint"), "(a + b)::bigint");
    assert_eq!(canon("x::text[]"), "x::text[]");
    assert_same(
        "(now() AT TIME ZONE 'utc')::timestamp",
        "timezone('utc', now())",
    );
    assert_same("now()::timestamptz", "now()");
    assert_same("CURRENT_DATE::date + 1", "CURRENT_DATE + 1");
    assert_same("(a > 0)::boolean", "a > 0");
    assert_same("x::date::date", "x::date");
    assert_eq!(
        canon("now()::timestamp"),
        "CURRENT_TIMESTAMP::timestamp without time zone"
    );
    assert_eq!(
        canon("'5'::interval year to month"),
        "5::interval year to month"
    );
    assert_same("'2'::interval hour", "'02:00:00'");
}

#[test]
fn implicit_numeric_widenings_are_dropped() {
    assert_same("a::numeric > 1.5", "a > 1.5");
    assert_same("price > a::numeric", "price > a");
    assert_same("f > a::double precision", "f > a");
    assert_same("price * qty::numeric", "price * qty");
    assert_same("(a::numeric + 1.5) > 0::numeric", "a + 1.5 > 0");
    assert_same("a::numeric / 2.5", "a / 2.5");
    assert_same("a::double precision ^ 2::double precision", "a ^ 2");
    assert_same("a::numeric = ANY (ARRAY[1.5, 2.5])", "a IN (1.5, 2.5)");
    assert_same("price / qty::numeric", "price / qty");
    assert_same("GREATEST(a::numeric, 0.5)", "greatest(a, 0.5)");
    assert_same("COALESCE(a::numeric, price)", "coalesce(a, price)");
    assert_differ("a::numeric / 2", "a / 2");
    assert_differ(
        "coalesce(length(s)::numeric, 0.5)",
        "coalesce(length(s), 0.5)",
    );
    assert_differ("a::numeric(10,2) > 0", "a > 0");
    assert_differ("(data ->> 'n')::numeric > 0", "data ->> 'n' > 0");
    assert_differ("a::bigint * 1000", "a * 1000");
}

#[test]
fn number_literals() {
    assert_same("'0.00'", "0.00");
    assert_same("-1", "'-1'::integer");
    assert_same("- 1", "-1");
    assert_same("-(-1)", "1");
    assert_same("+1", "1");
    assert_same("-0", "0");
    assert_eq!(canon("1e3"), "1000");
    assert_eq!(canon("1.50e1"), "15.0");
    assert_eq!(canon("1e-2"), "0.01");
    assert_eq!(canon(".5"), "0.5");
    assert_eq!(canon("5."), "5");
    assert_eq!(canon("007"), "7");
    assert_eq!(canon("a - -1"), "a - -1");
    assert_eq!(canon("'007'"), "'007'");
    assert_eq!(canon("'-0'"), "'-0'");
    assert_eq!(canon("1e999999"), "1e999999");
    assert_differ("0.00", "0");
}

#[test]
fn boolean_literals() {
    for t in [
        "true",
        "TRUE",
        "'true'",
        "'t'",
        "'T'",
        "'yes'",
        "'on'",
        "true::boolean",
    ] {
        assert_eq!(canon(t), "true", "{t}");
    }
    for f in ["false", "'f'", "'false'", "'N'", "'NO'", "'off'"] {
        assert_eq!(canon(f), "false", "{f}");
    }
    assert_eq!(canon("'tr'"), "'tr'");
    assert_same("x IN ('y', 'N')", "x = ANY (ARRAY[true, false])");
    assert_same(
        "'off'::boolean OR x IS DISTINCT FROM 'yes'",
        "false OR x IS DISTINCT FROM true",
    );
    assert_eq!(canon("data ->> 'y'"), "data ->> 'y'");
    assert_eq!(canon("x IN ('y', 'z')"), "x = ANY (ARRAY['y', 'z'])");
    assert_eq!(canon("f('t') || 'on'"), "f('t') || 'on'");
    assert_eq!(canon("'t '"), "'t '");
    assert_same("flag = 't'", "flag = true");
}

#[test]
fn string_literal_flavours_are_decoded() {
    assert_eq!(canon("E'it\\'s\\n'"), "'it''s\n'");
    assert_eq!(canon("e'\\x41\\101\\u0042\\U00000043'"), "'AABC'");
    assert_eq!(canon("E'\\uD83D\\uDE00'"), "'\u{1F600}'");
    assert_eq!(canon("$$it's$$"), "'it''s'");
    assert_eq!(canon("$fn$a$$b$fn$"), "'a$$b'");
    assert_eq!(canon("U&'d\\0061t\\+000061'"), "'data'");
    assert_eq!(canon("N'abc'"), "'abc'");
    assert_eq!(canon("'a'\n 'b'"), "'ab'");
    assert_eq!(canon("B'0101'"), "'0101'");
    assert_eq!(canon("X'1F'"), "'00011111'");
    assert_eq!(canon("'a\\b'"), "'a\\b'");
    assert_differ("'a' 'b'", "'ab'");
}

#[test]
fn date_time_interval_and_json_contents() {
    assert_same("'2020-1-2'", "'2020-01-02'::date");
    assert_same(
        "'2020-01-01'",
        "'2020-01-01 00:00:00'::timestamp without time zone",
    );
    assert_same(
        "'2020-01-01'",
        "'2020-01-01 00:00:00+00'::timestamp with time zone",
    );
    assert_same("'2020-01-01 10:30'", "'2020-01-01 10:30:00'");
    assert_same("'2020-01-01T10:30:00.500Z'", "'2020-01-01 10:30:00.5'");
    assert_same("'10:00'", "'10:00:00'::time without time zone");
    assert_same("'90 minutes'", "'01:30:00'::interval");
    assert_same("'1 week'", "'7 days'");
    assert_same("'13 months'", "'1 year 1 mon'");
    assert_same("'1 day 2 hours'", "'1 day 02:00:00'");
    assert_same("'0 days'", "'00:00:00'");
    assert_same(
        "'{\"b\":1,\"a\":[1,2.50,1e2],\"a\":3}'",
        "'{\"a\": 3, \"b\": 1}'::jsonb",
    );
    assert_same(
        "'{\"aa\":1,\"b\":{\"y\":null,\"x\":\"\\u0041\"}}'",
        "'{\"b\": {\"x\": \"A\", \"y\": null}, \"aa\": 1}'",
    );
    assert_same("'[1,-0,-1.5e1]'", "'[1, 0, -15]'");
    assert_eq!(canon("'{a,b}'"), "'{a,b}'");
    assert_eq!(canon("'{\"not\": json'"), "'{\"not\": json'");
    assert_eq!(canon("'2020-13-01'"), "'2020-13-01'");
}

#[test]
fn time_and_sql_value_functions() {
    assert_same("now()", "CURRENT_TIMESTAMP");
    assert_same("pg_catalog.now()", "transaction_timestamp()");
    assert_eq!(canon("now()"), "CURRENT_TIMESTAMP");
    assert_same("current_schema()", "CURRENT_SCHEMA");
    assert_same("\"current_schema\"()", "current_schema");
    assert_eq!(canon("current_timestamp(3)"), "CURRENT_TIMESTAMP(3)");
    assert_eq!(canon("localtime(0)"), "LOCALTIME(0)");
    let values = [
        "CURRENT_DATE",
        "CURRENT_TIME",
        "LOCALTIMESTAMP",
        "LOCALTIME",
        "CURRENT_USER",
        "SESSION_USER",
        "CURRENT_SCHEMA",
        "USER",
        "CURRENT_ROLE",
        "CURRENT_CATALOG",
    ];
    for (i, a) in values.iter().enumerate() {
        assert_eq!(canon(&a.to_lowercase()), *a);
        for b in &values[i + 1..] {
            assert_differ(a, b);
        }
    }
}

#[test]
fn operators_are_rewritten_like_the_parser_does() {
    assert_same("a != b", "a <> b");
    assert_same("a LIKE b", "a ~~ b");
    assert_same("a ILIKE b", "a ~~* b");
    assert_same("a NOT LIKE b", "a !~~ b");
    assert_same("a NOT ILIKE b", "a !~~* b");
    assert_same("a LIKE 'x!%' ESCAPE '!'", "a ~~ like_escape('x!%', '!')");
    assert_same("a SIMILAR TO 'x%'", "a ~ similar_to_escape('x%')");
    assert_same(
        "a NOT SIMILAR TO 'x' ESCAPE '#'",
        "a !~ similar_to_escape('x', '#')",
    );
    assert_same("a ILIKE ANY (ARRAY['x'])", "a ~~* ANY (ARRAY['x'])");
    assert_same("a ISNULL", "a IS NULL");
    assert_same("a NOTNULL", "a IS NOT NULL");
    assert_same("a IS NOT DISTINCT FROM b", "NOT (a IS DISTINCT FROM b)");
    assert_same("a = SOME (x)", "a = ANY (x)");
    assert_same("x AT TIME ZONE 'UTC'", "timezone('UTC', x)");
    assert_same("a+-1", "a + -1");
    assert_eq!(canon("a @- b"), "a @- b");
}

#[test]
fn in_lists_follow_transform_a_expr_in() {
    assert_same("x IN (a, b)", "x = a OR x = b");
    assert_same("x IN (1, 2)", "x = ANY (ARRAY[1, 2])");
    assert_same("x NOT IN (1, 2)", "x <> ALL (ARRAY[1, 2])");
    assert_same("x IN (1)", "x = 1");
    assert_same("x IN (1, b)", "x = 1 OR x = b");
    assert_same("x IN (b, 1, 2)", "x = ANY (ARRAY[1, 2]) OR x = b");
    assert_same("x NOT IN (1, b)", "x <> 1 AND x <> b");
    assert_same(
        "x IN (now(), 'a')",
        "x = ANY (ARRAY[CURRENT_TIMESTAMP, 'a'])",
    );
    assert_same(
        "(a, b) IN ((1, 2), (3, 4))",
        "a = 1 AND b = 2 OR a = 3 AND b = 4",
    );
    assert_eq!(canon("x IN (SELECT y FROM t)"), "x = ANY (select y from t)");
    assert_eq!(canon("x NOT IN (SELECT 1)"), "NOT x = ANY (select 1)");
}

#[test]
fn between_expands_like_postgres_15() {
    assert_eq!(canon("x BETWEEN 1 AND 10"), "x >= 1 AND x <= 10");
    assert_eq!(canon("x NOT BETWEEN 1 AND 10"), "x < 1 OR x > 10");
    assert_eq!(
        canon("x BETWEEN SYMMETRIC 10 AND 1"),
        "x >= 10 AND x <= 1 OR x >= 1 AND x <= 10"
    );
    assert_eq!(
        canon("x NOT BETWEEN SYMMETRIC 1 AND 10"),
        "(x < 1 OR x > 10) AND (x < 10 OR x > 1)"
    );
    assert_same("x BETWEEN ASYMMETRIC 1 AND 2", "x BETWEEN 1 AND 2");
    assert_same("x BETWEEN 1 AND 2 AND y", "x >= 1 AND x <= 2 AND y");
    assert_same("x BETWEEN a + 1 AND b * 2", "x >= a + 1 AND x <= b * 2");
}

#[test]
fn and_or_chains_are_flattened_in_order() {
    assert_same("a AND (b AND c)", "(a AND b) AND c");
    assert_same("a OR (b OR c)", "a OR b OR c");
    assert_eq!(canon("(a OR b) AND c"), "(a OR b) AND c");
    assert_eq!(canon("a OR (b AND c)"), "a OR b AND c");
    assert_differ("a AND b AND c", "a AND c AND b");
}

#[test]
fn rows() {
    assert_same("(a, b) = (1, 2)", "a = 1 AND b = 2");
    assert_same("ROW(a, b) <> ROW(1, 2)", "a <> 1 OR b <> 2");
    assert_same("(a, b) < (1, 2)", "ROW(a, b) < ROW(1, 2)");
    assert_eq!(canon("ROW()"), "ROW()");
    assert_eq!(canon("ROW(1, 'a')::text"), "ROW(1, 'a')");
}

#[test]
fn function_calls() {
    assert_eq!(canon("COUNT(*)"), "count(*)");
    assert_eq!(canon("count(DISTINCT x)"), "count(DISTINCT x)");
    assert_same("count(ALL x)", "count(x)");
    assert_same("f(a := 1, \"B\" => 2)", "f(a => 1, \"B\" => 2)");
    assert_eq!(
        canon("concat_ws(',', VARIADIC ARRAY['a'])"),
        "concat_ws(',', VARIADIC ARRAY['a'])"
    );
    assert_same(
        "string_agg(x, ',' ORDER BY x ASC NULLS LAST)",
        "string_agg(x, ',' ORDER BY x)",
    );
    assert_same(
        "string_agg(x, ',' ORDER BY x DESC NULLS FIRST)",
        "string_agg(x, ',' ORDER BY x DESC)",
    );
    assert_eq!(
        canon("array_agg(x ORDER BY y DESC NULLS LAST)"),
        "array_agg(x ORDER BY y DESC NULLS LAST)"
    );
    assert_same("COALESCE(a, b)", "\"coalesce\"(a, b)");
    assert_eq!(
        canon("NULLIF(a, b) + GREATEST(a, b) + LEAST(a, b)"),
        "nullif(a, b) + greatest(a, b) + least(a, b)"
    );
    assert_eq!(canon("left(s, 1)"), "\"left\"(s, 1)");
    assert_eq!(canon("text(a)"), "a");
    assert_eq!(canon("\"Lower\"(x)"), "\"Lower\"(x)");
    assert_eq!(canon("a.b.f(x)"), "a.b.f(x)");
    assert_same("count(*) OVER ()", "count(*)  over  ( )");
    assert_differ("count(*) OVER ()", "count(*)");
}

#[test]
fn sql_syntax_functions() {
    assert_same("EXTRACT(year FROM x)", "extract('year', x)");
    assert_eq!(canon("extract(YEAR from x)"), "EXTRACT(year FROM x)");
    assert_eq!(canon("extract('Weird' from x)"), "EXTRACT('Weird' FROM x)");
    assert_same("POSITION(('@'::text) IN (email))", "position('@' in email)");
    assert_eq!(canon("position(a || b in c)"), "POSITION((a || b) IN c)");
    assert_same("SUBSTRING(s FROM 1 FOR 2)", "substring(s, 1, 2)");
    assert_same("substring(s for 2)", "substring(s, 1, 2)");
    assert_same("substring(s for 2 from 3)", "substring(s, 3, 2)");
    assert_same("substring(s from 'a.')", "\"substring\"(s, 'a.')");
    assert_same(
        "substring(s similar 'a' escape '#')",
        "substring(s, 'a', '#')",
    );
    assert_same("TRIM(BOTH ' '::text FROM s)", "btrim(s, ' ')");
    assert_same("trim(s)", "btrim(s)");
    assert_same("trim(from s)", "btrim(s)");
    assert_same("trim(leading 'x' from s)", "ltrim(s, 'x')");
    assert_same("trim(trailing from s)", "rtrim(s)");
    assert_same("trim(s, 'x')", "btrim(s, 'x')");
    assert_same(
        "OVERLAY(s PLACING 'x' FROM 1 FOR 2)",
        "\"overlay\"(s, 'x', 1, 2)",
    );
    assert_same("overlay(s placing 'x' from 1)", "overlay(s, 'x', 1)");
}

#[test]
fn case_expressions() {
    assert_eq!(
        canon("case when a then 1 else 0 end"),
        "CASE WHEN a THEN 1 ELSE 0 END"
    );
    assert_same(
        "CASE WHEN a THEN 1 END",
        "CASE WHEN a THEN 1 ELSE NULL::integer END",
    );
    assert_eq!(
        canon("CASE x WHEN 1 THEN 'a' WHEN 2 THEN 'b' END"),
        "CASE x WHEN 1 THEN 'a' WHEN 2 THEN 'b' END"
    );
    assert_eq!(
        canon("CASE WHEN a THEN (b OR c) END"),
        "CASE WHEN a THEN b OR c END"
    );
}

#[test]
fn arrays_subscripts_fields_collations() {
    assert_same("ARRAY[[1, 2], [3, 4]]", "ARRAY[ARRAY[1, 2], ARRAY[3, 4]]");
    assert_eq!(canon("ARRAY[]::int[]"), "ARRAY[]");
    assert_eq!(canon("a[1]"), "a[1]");
    assert_same("(a)[1]", "a[1]");
    assert_eq!(canon("a[1:2]"), "a[1:2]");
    assert_eq!(canon("a[:2]"), "a[:2]");
    assert_eq!(canon("a[1:]"), "a[1:]");
    assert_eq!(canon("a[1][2]"), "a[1][2]");
    assert_eq!(canon("(a[1])[2]"), "(a[1])[2]");
    assert_eq!(canon("(f(x))[1]"), "(f(x))[1]");
    assert_eq!(canon("(rec).f"), "(rec).f");
    assert_eq!(canon("(rec).*"), "(rec).*");
    assert_eq!(canon("(ROW(1, 2)).f1"), "(ROW(1, 2)).f1");
    assert_eq!(canon("t.*"), "t.*");
    assert_eq!(canon("a COLLATE \"C\" > 'x'"), "a COLLATE \"C\" > 'x'");
    assert_same("a = ('x'::text COLLATE \"C\")", "a = 'x' COLLATE \"C\"");
    assert_eq!(canon("(a || b) COLLATE \"C\""), "(a || b) COLLATE \"C\"");
}

#[test]
fn is_tests() {
    assert_eq!(canon("(a > 0) IS TRUE"), "a > 0 IS TRUE");
    for t in [
        "TRUE",
        "NOT TRUE",
        "FALSE",
        "NOT FALSE",
        "UNKNOWN",
        "NOT UNKNOWN",
        "NULL",
        "NOT NULL",
    ] {
        assert_eq!(
            canon(&format!("x is {}", t.to_lowercase())),
            format!("x IS {t}")
        );
    }
    assert_eq!(canon("a IS NULL IS NOT TRUE"), "(a IS NULL) IS NOT TRUE");
    assert_eq!(
        canon("NOT a IS DISTINCT FROM b"),
        "NOT a IS DISTINCT FROM b"
    );
    assert_eq!(
        canon("(a IS NULL) = (b IS NULL)"),
        "(a IS NULL) = (b IS NULL)"
    );
}

#[test]
fn subqueries_fall_back_to_token_streams() {
    assert_eq!(
        canon("EXISTS (SELECT 1 FROM t WHERE t.a = x)"),
        "EXISTS (select 1 from t where t.a = x)"
    );
    assert_eq!(canon("ARRAY(SELECT 1)"), "ARRAY(select 1)");
    assert_eq!(
        canon("(SELECT max(a) FROM t) > 0"),
        "(select max(a) from t) > 0"
    );
    assert_same("(EXISTS ( SELECT 1))", "exists (select 1)");
}

#[test]
fn minimal_parentheses_keep_the_tree() {
    assert_eq!(canon("a - (b - c)"), "a - (b - c)");
    assert_eq!(canon("(a - b) - c"), "a - b - c");
    assert_eq!(canon("(a + b) * c"), "(a + b) * c");
    assert_eq!(canon("a ^ (2 ^ 3)"), "a ^ (2 ^ 3)");
    assert_eq!(canon("(a ^ 2) ^ 3"), "a ^ 2 ^ 3");
    assert_eq!(canon("-a ^ 2"), "- a ^ 2");
    assert_eq!(canon("-(a ^ 2)"), "- (a ^ 2)");
    assert_eq!(canon("a LIKE b || c"), "a ~~ (b || c)");
    assert_eq!(canon("(a LIKE b) || c"), "a ~~ b || c");
    assert_eq!(canon("a = b LIKE c"), "a = b ~~ c");
    assert_eq!(canon("(a = b) = c"), "(a = b) = c");
    assert_eq!(canon("NOT (a = b)"), "NOT a = b");
    assert_eq!(canon("(NOT a) = b"), "(NOT a) = b");
    assert_eq!(canon("@ (a || b)"), "@ (a || b)");
    assert_eq!(canon("@ a + b"), "@ a + b");
    assert_eq!(canon("(@ a) + b"), "(@ a) + b");
    assert_eq!(canon("(-1)::text"), "-1");
    assert_eq!(canon("(a + b)::text || c"), "a + b || c");
    assert_eq!(canon("- (- a)"), "- - a");
}

/// (written type, `format_type()` output), recorded from PostgreSQL 15 with
/// `search_path = pg_catalog`.
#[rustfmt::skip]
const PG15_TYPES: &[(&str, &str)] = &[
    ("varchar(255)", "character varying(255)"),
    ("varchar", "character varying"),
    ("char varying(3)", "character varying(3)"),
    ("national character varying(3)", "character varying(3)"),
    ("int4", "integer"),
    ("int", "integer"),
    ("INTEGER", "integer"),
    ("int2", "smallint"),
    ("int8", "bigint"),
    ("bool", "boolean"),
    ("decimal(10, 2)", "numeric(10,2)"),
    ("decimal(10)", "numeric(10,0)"),
    ("numeric(10)", "numeric(10,0)"),
    ("dec", "numeric"),
    ("numeric", "numeric"),
    ("timestamptz", "timestamp with time zone"),
    ("timestamptz(3)", "timestamp(3) with time zone"),
    ("timestamp", "timestamp without time zone"),
    ("timestamp(3)", "timestamp(3) without time zone"),
    ("TIMESTAMP(6) WITH TIME ZONE", "timestamp(6) with time zone"),
    ("time", "time without time zone"),
    ("time(0)", "time(0) without time zone"),
    ("timetz", "time with time zone"),
    ("int[]", "integer[]"),
    ("_int4", "integer[]"),
    ("_text", "text[]"),
    ("integer[][]", "integer[]"),
    ("int ARRAY[3]", "integer[]"),
    ("text ARRAY", "text[]"),
    ("float8", "double precision"),
    ("double precision", "double precision"),
    ("float", "double precision"),
    ("float(24)", "real"),
    ("float(25)", "double precision"),
    ("float4", "real"),
    ("real", "real"),
    ("varbit", "bit varying"),
    ("varbit(8)", "bit varying(8)"),
    ("bit", "bit(1)"),
    ("bit(3)", "bit(3)"),
    ("\"bit\"", "\"bit\""),
    ("char", "character(1)"),
    ("character(3)", "character(3)"),
    ("\"char\"", "\"char\""),
    ("bpchar", "bpchar"),
    ("bpchar(3)", "character(3)"),
    ("nchar(2)", "character(2)"),
    ("interval", "interval"),
    ("interval(3)", "interval(3)"),
    ("interval day to second(3)", "interval day to second(3)"),
    ("interval YEAR TO MONTH", "interval year to month"),
    ("interval second", "interval second"),
    ("interval minute to second(2)", "interval minute to second(2)"),
    ("pg_catalog.int4", "integer"),
    ("pg_catalog.varchar(10)", "character varying(10)"),
    ("public.message_role", "public.message_role"),
    ("\"Mood\"", "public.\"Mood\""),
    ("public.\"Mood\"[]", "public.\"Mood\"[]"),
    ("UUID", "uuid"),
    ("jsonb", "jsonb"),
    ("varchar(10)[]", "character varying(10)[]"),
    ("smallint", "smallint"),
    ("bigint", "bigint"),
    ("text", "text"),
    ("bytea", "bytea"),
    ("money", "money"),
    ("inet", "inet"),
    ("_varchar", "character varying[]"),
    ("_bpchar", "bpchar[]"),
    ("_bool", "boolean[]"),
    ("_float8", "double precision[]"),
    ("_timestamptz", "timestamp with time zone[]"),
    ("_numeric", "numeric[]"),
    ("character", "character(1)"),
    ("bit varying", "bit varying"),
    ("tsvector", "tsvector"),
    ("int4range", "int4range"),
    ("oid", "oid"),
    ("regclass", "regclass"),
    ("name", "name"),
    ("xml", "xml"),
    ("json", "json"),
    ("date", "date"),
    ("time with time zone", "time with time zone"),
    ("time(2) without time zone", "time(2) without time zone"),
];

#[test]
fn type_names_match_format_type() {
    let ctx = Ctx::default();
    for (written, printed) in PG15_TYPES {
        let canonical = canonical_type(printed, &ctx);
        assert_eq!(
            canonical_type(written, &ctx),
            canonical,
            "{written} vs {printed}"
        );
        assert_eq!(
            canonical_type(&canonical, &ctx),
            canonical,
            "not idempotent: {printed}"
        );
        if !printed.contains("public.") {
            assert_eq!(canonical, *printed);
        }
    }
    assert_eq!(canonical_type("public.\"Mood\"[]", &ctx), "\"Mood\"[]");
    assert_eq!(canonical_type("other.Kind", &ctx), "other.kind");
    assert_eq!(canonical_type("\"user\"", &ctx), "\"user\"");
    assert_eq!(canonical_type("serial", &ctx), "integer");
    assert_eq!(canonical_type("bigserial", &ctx), "bigint");
    assert_eq!(canonical_type("smallserial", &ctx), "smallint");
    assert_eq!(
        canonical_type("geometry(Point, 4326)", &ctx),
        "geometry(point,4326)"
    );
    assert_eq!(canonical_type("not a ) type", &ctx), "not a) type");
}

#[test]
fn tokenizer() {
    let ident = |name: &str, quoted| Tok::Ident {
        name: name.to_owned(),
        quoted,
    };
    let op = |o: &str| Tok::Op(o.to_owned());
    assert_eq!(
        lex("Ab \"Cd\"\"e\" 'it''s' 1e5 .5 $1 :: != ~~* ->> @> || <= a--c\n/* x */b"),
        vec![
            ident("ab", false),
            ident("Cd\"e", true),
            Tok::Str("it's".to_owned()),
            Tok::Num("100000".to_owned()),
            Tok::Num("0.5".to_owned()),
            Tok::Param("$1".to_owned()),
            Tok::Punct("::"),
            op("<>"),
            op("~~*"),
            op("->>"),
            op("@>"),
            op("||"),
            op("<="),
            ident("a", false),
            ident("b", false),
        ]
    );
    assert_eq!(
        lex("a+-1"),
        vec![
            ident("a", false),
            op("+"),
            op("-"),
            Tok::Num("1".to_owned())
        ]
    );
    assert_eq!(
        lex("a@-1"),
        vec![ident("a", false), op("@-"), Tok::Num("1".to_owned())]
    );
    assert_eq!(lex("*/*x*/"), vec![op("*")]);
    assert_eq!(lex("a[1:2]")[3], Tok::Punct(":"));
    assert_eq!(lex("f(a := 1)")[3], Tok::Punct(":="));
    assert_eq!(lex("'abc"), vec![Tok::Bad("'abc".to_owned())]);
    assert_eq!(lex("E'\\xff'"), vec![Tok::Bad("E'\\xff'".to_owned())]);
    assert_eq!(lex("$a$x"), vec![Tok::Bad("$a$x".to_owned())]);
    assert_eq!(lex("/* open"), vec![Tok::Bad("/* open".to_owned())]);
    assert_eq!(lex("\"\""), vec![Tok::Bad("\"\"".to_owned())]);
    assert_eq!(lex("1..2")[0], Tok::Num("1".to_owned()));
}

#[test]
fn unparseable_input_falls_back_to_token_stream() {
    assert_eq!(canon("a >"), "a >");
    assert_eq!(canon("SELECT  A,B FROM \"T\""), "select a, b from \"T\"");
    assert_eq!(canon("a > 0 )"), "a > 0)");
    assert_eq!(canon(""), "");
    assert_eq!(canon("'open"), "'open");
    assert_same("f(x) FILTER (WHERE y)", "F(X) filter (where Y)");
    let deep = format!("{}1{}", "(".repeat(500), ")".repeat(500));
    assert_eq!(canon(&canon(&deep)), canon(&deep));
    let long = vec!["a"; 3000].join(" + ");
    assert_eq!(canon(&canon(&long)), canon(&long));
}

/// xorshift64*, deterministic.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n
    }
}

const SOUP: &[&str] = &[
    "a",
    "b",
    "\"Q\"",
    "t.c",
    "1",
    "1.5",
    "-",
    "+",
    "*",
    "/",
    "^",
    "%",
    "<",
    ">=",
    "=",
    "<>",
    "!=",
    "||",
    "->>",
    "@>",
    "~~*",
    "'s'",
    "'t'",
    "E'\\n'",
    "$$x$$",
    "$q$",
    "(",
    ")",
    "[",
    "]",
    ",",
    ":",
    "::",
    ".",
    "text",
    "int",
    "double",
    "precision",
    "varchar",
    "(3)",
    "AND",
    "OR",
    "NOT",
    "IS",
    "NULL",
    "TRUE",
    "DISTINCT",
    "FROM",
    "IN",
    "BETWEEN",
    "SYMMETRIC",
    "LIKE",
    "ILIKE",
    "SIMILAR",
    "TO",
    "ESCAPE",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "ARRAY",
    "ROW",
    "CAST",
    "AS",
    "COLLATE",
    "\"C\"",
    "AT",
    "TIME",
    "ZONE",
    "EXTRACT",
    "POSITION",
    "SUBSTRING",
    "TRIM",
    "BOTH",
    "LEADING",
    "OVERLAY",
    "PLACING",
    "FOR",
    "ANY",
    "ALL",
    "SOME",
    "VARIADIC",
    "ORDER",
    "BY",
    "DESC",
    "NULLS",
    "=>",
    ":=",
    "now()",
    "lower",
    "coalesce",
    "interval",
    "'1 day'",
    "day",
    "--",
    "/*",
    "*/",
    "$1",
    "'",
    "\"",
    "$",
    "e'",
    "U&'",
    "b'1",
    "x'",
    "SELECT",
    "EXISTS",
    "{",
    "\\",
    "OPERATOR",
    "ISNULL",
    "current_timestamp",
    "'{\"a\":1}'",
    "'2020-1-1'",
    "1e5",
    "'-1'",
    "@",
    "~",
    "|/",
    "\n",
    "é",
    "OVER",
];

#[test]
fn fuzz_never_panics_and_stays_idempotent() {
    let ctx = Ctx::default();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..20_000 {
        let len = 1 + rng.below(14);
        let glue = if rng.below(3) == 0 { "" } else { " " };
        let text: Vec<&str> = (0..len).map(|_| SOUP[rng.below(SOUP.len())]).collect();
        let text = text.join(glue);
        let once = canonical_expr(&text, &ctx);
        assert_eq!(
            canonical_expr(&once, &ctx),
            once,
            "not idempotent for {text:?}"
        );
        canonical_type(&text, &ctx);
    }
    for text in all_fixture_texts() {
        for (end, _) in text.char_indices() {
            let prefix = &text[..end];
            let once = canonical_expr(prefix, &ctx);
            assert_eq!(
                canonical_expr(&once, &ctx),
                once,
                "not idempotent for {prefix:?}"
            );
            canonical_type(prefix, &ctx);
        }
    }
}
