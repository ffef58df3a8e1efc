//! Hostile input. A catalogue of bad inputs across the CLI (`schema.yaml`, saved plans, Vespa
//! packages and responses, URLs, flags, unreachable hosts): each exits 2 with a message naming
//! the problem (`file:line:col` where there is one), never panics, never prints a control
//! character it was handed, never prints a password. Then the cases the table cannot hold
//! (a wrong password against a password-only cluster, the snippet under a YAML error), and a
//! property test: generated identifiers with quotes, semicolons, unicode, control characters
//! and more than 63 bytes round-trip through quoting, `schema.yaml` and a live database, and
//! never break out of their quotes.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::Output;
use std::sync::Arc;

use assert_cmd::Command;
use differ::postgres::cluster::{Auth, TempCluster};
use seadiff_tests::{RedisOptions, RedisServer, TestDb};
use serde_json::{Value, json};
use vespa_double::{Fault, Options, Route};

use crate::{assert_exit, repo_config, seadiff_with, stderr, stdout};

// ------------------------------------------------------------------------------------------
// The catalogue
// ------------------------------------------------------------------------------------------

/// One bad input: the files of a fresh working directory, the arguments, and the substrings
/// the error must contain.
struct Row {
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    args: Vec<String>,
    expect: Vec<String>,
    /// Runs just before the command (e.g. injects a fault into the Vespa double).
    before: Option<Box<dyn Fn()>>,
}

fn row<S: AsRef<str>>(name: &'static str, files: Files, args: &[S], expect: &[&str]) -> Row {
    Row {
        name,
        files: files.0,
        args: args.iter().map(|s| s.as_ref().to_owned()).collect(),
        expect: expect.iter().map(|s| (*s).to_owned()).collect(),
        before: None,
    }
}

/// The files of a row's working directory.
#[derive(Clone, Default)]
struct Files(Vec<(&'static str, Vec<u8>)>);

impl Files {
    fn yaml(text: &str) -> Files {
        Files::default().with("schema.yaml", text)
    }

    fn with(mut self, path: &'static str, text: impl Into<Vec<u8>>) -> Files {
        self.0.retain(|(p, _)| *p != path);
        self.0.push((path, text.into()));
        self
    }
}

const SERVICES: &str = r#"<services version="1.0">
  <container id="default" version="1.0"><search/><document-api/></container>
  <content id="main" version="1.0">
    <redundancy>1</redundancy>
    <documents><document type="doc" mode="index"/></documents>
    <nodes><node hostalias="node1" distribution-key="0"/></nodes>
  </content>
</services>
"#;

const DOC_SD: &str = "schema doc {
    document doc {
        field title type string {
            indexing: summary | index
        }
        field emb type tensor<float>(x[${dim}]) {
            indexing: attribute
        }
    }
    rank-profile default {
        first-phase {
            expression: nativeRank(title)
        }
    }
}
";

/// A repository with a Vespa section pointing at `url`, a package `app/`, and `extra` lines
/// under `vespa:`.
fn vespa_repo(url: &str, extra: &str) -> Files {
    Files::yaml(&format!(
        "version: 1\nvespa:\n  url: {url}\n  package: app\n  variables: {{ dim: 4 }}\n{extra}"
    ))
    .with("app/services.xml", SERVICES)
    .with("app/schemas/doc.sd", DOC_SD)
}

/// Runs `seadiff` in `dir` (so `schema.yaml` is the default config) with no store URLs from
/// the environment.
fn run_in(dir: &std::path::Path, args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_seadiff"))
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("REDIS_URL")
        .env_remove("VESPA_CONFIG_URL")
        .env("NO_COLOR", "1")
        .args(args)
        .write_stdin("")
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .expect("run seadiff")
}

/// Checks one row; returns what is wrong with it, if anything.
fn check(row: &Row) -> Option<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, bytes) in &row.files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
        std::fs::write(&p, bytes).expect("write a file");
    }
    if let Some(before) = &row.before {
        before();
    }
    let out = run_in(dir.path(), &row.args);
    let err = stderr(&out);
    let mut problems = Vec::new();
    if out.status.code() != Some(2) {
        problems.push(format!("exit {:?}, expected 2", out.status.code()));
    }
    if !err.starts_with("error: ") {
        problems.push("stderr does not start with `error: `".to_owned());
    }
    for e in &row.expect {
        if !err.contains(e.as_str()) {
            problems.push(format!("no `{e}` in the message"));
        }
    }
    if err.contains("panicked") || err.contains("hit a bug") {
        problems.push("a panic".to_owned());
    }
    let all = format!("{}{err}", stdout(&out));
    if all
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        problems.push("a control character reached the terminal".to_owned());
    }
    if all.contains("hunter2") {
        problems.push("a password was printed".to_owned());
    }
    if err.len() > 8_000 {
        problems.push(format!("a {}-byte message", err.len()));
    }
    (!problems.is_empty()).then(|| {
        format!(
            "{}: {}\n  args: {:?}\n--- stderr\n{err}",
            row.name,
            problems.join("; "),
            row.args
        )
    })
}

/// A tiny HTTP server answering fixed bodies by path, for Vespa responses no real config
/// server would send. Unknown paths answer 404 in Vespa's shape.
struct Garbage {
    url: String,
}

impl Garbage {
    fn start(routes: &[(&str, u16, &str)]) -> Garbage {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let routes: Arc<BTreeMap<String, (u16, String)>> = Arc::new(
            routes
                .iter()
                .map(|(p, s, b)| ((*p).to_owned(), (*s, (*b).replace("{url}", &url))))
                .collect(),
        );
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                let routes = Arc::clone(&routes);
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(conn.try_clone().expect("clone"));
                    let mut request = String::new();
                    if reader.read_line(&mut request).is_err() {
                        return;
                    }
                    let mut length = 0usize;
                    loop {
                        let mut line = String::new();
                        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                            break;
                        }
                        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                            length = v.trim().parse().unwrap_or(0);
                        }
                    }
                    let mut body = vec![0; length];
                    let _ = reader.read_exact(&mut body);
                    let path = request
                        .split_whitespace()
                        .nth(1)
                        .unwrap_or("/")
                        .split('?')
                        .next()
                        .unwrap_or("/")
                        .to_owned();
                    let (status, body) = routes.get(&path).cloned().unwrap_or((
                        404,
                        format!(r#"{{"error-code":"NOT_FOUND","message":"Nothing at {path}"}}"#),
                    ));
                    let _ = write!(
                        conn,
                        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                });
            }
        });
        Garbage { url }
    }
}

const LIST: &str = "/application/v2/tenant/default/application/";
const APP: &str = "/application/v2/tenant/default/application/default/environment/prod/region/default/instance/default";

fn app_path(suffix: &str) -> String {
    format!("{APP}{suffix}")
}

/// A saved plan, made against `db` with the repository's schema.yaml, as a JSON value.
fn saved_plan(db: &TestDb) -> Value {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("plan.json");
    let out = seadiff_with(
        &[
            "--config",
            &repo_config(),
            "--database-url",
            &db.url,
            "--only",
            "postgres",
        ],
        &["plan", "--out", path.to_str().expect("utf-8")],
    );
    assert_exit(&out, 0);
    serde_json::from_str(&std::fs::read_to_string(&path).expect("plan.json")).expect("json")
}

fn edited(plan: &Value, edit: impl Fn(&mut Value)) -> Vec<u8> {
    let mut p = plan.clone();
    edit(&mut p);
    serde_json::to_vec_pretty(&p).expect("json")
}

#[test]
fn every_bad_input_exits_2_and_names_the_problem() {
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let db = rt.block_on(TestDb::new("hostile::catalogue"));
    let plan = saved_plan(&db);
    let double = rt
        .block_on(vespa_double::start(Options::default()))
        .expect("the Vespa double");
    let double = Arc::new(double);
    let redis_auth = RedisServer::start_with(RedisOptions {
        args: vec!["--requirepass".into(), "hunter2-redis".into()],
        ..RedisOptions::default()
    });

    // Vespa answers no config server sends.
    let listed = format!(r#"["{{url}}{LIST}default"]"#);
    let not_json = Garbage::start(&[(LIST, 200, "<html>maintenance</html>")]);
    let not_array = Garbage::start(&[(LIST, 200, r#"{"applications":"default"}"#)]);
    let no_generation = Garbage::start(&[
        (LIST, 200, &listed),
        (APP, 200, r#"{"generation":"seven"}"#),
    ]);
    let listing = format!(r#"["{{url}}{APP}/content/services.xml"]"#);
    let file_gone = Garbage::start(&[
        (LIST, 200, &listed),
        (APP, 200, r#"{"generation":7}"#),
        (&app_path("/content/"), 200, &listing),
        (&app_path("/content/services.xml"), 404, "gone"),
    ]);
    let bad_active = Garbage::start(&[
        (LIST, 200, &listed),
        (APP, 200, r#"{"generation":7}"#),
        (&app_path("/content/"), 200, &listing),
        (&app_path("/content/services.xml"), 200, "<services"),
    ]);
    let bad_converge = Garbage::start(&[
        (LIST, 200, &listed),
        (APP, 200, r#"{"generation":7}"#),
        (
            &app_path("/content/"),
            200,
            r#"["{url}/x/content/services.xml", "{url}/x/content/schemas/doc.sd"]"#,
        ),
        (&app_path("/content/services.xml"), 200, SERVICES),
        (
            &app_path("/content/schemas/doc.sd"),
            200,
            &DOC_SD.replace("${dim}", "4"),
        ),
        (
            &app_path("/serviceconverge"),
            200,
            r#"{"converged":"maybe"}"#,
        ),
    ]);
    let deep_sd = format!(
        "schema doc {{ document doc {{ field title type string {{ indexing: {}summary{} }} }} }}",
        "(".repeat(2000),
        ")".repeat(2000)
    );
    let deep_active = Garbage::start(&[
        (LIST, 200, &listed),
        (APP, 200, r#"{"generation":7}"#),
        (
            &app_path("/content/"),
            200,
            r#"["{url}/x/content/services.xml", "{url}/x/content/schemas/doc.sd"]"#,
        ),
        (&app_path("/content/services.xml"), 200, SERVICES),
        (&app_path("/content/schemas/doc.sd"), 200, &deep_sd),
    ]);
    let server_error =
        Garbage::start(&[(LIST, 500, "<h1>Internal Server Error</h1> proxy says no")]);

    let pg = |extra: &[&str]| -> Vec<String> {
        let mut a: Vec<String> = ["--only", "postgres", "--database-url", &db.url]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        a.extend(extra.iter().map(|s| (*s).to_owned()));
        a
    };
    let saved = |extra: &[&str]| -> Vec<String> {
        let mut a = vec![
            "--config".to_owned(),
            repo_config(),
            "--only".to_owned(),
            "postgres".to_owned(),
            "--database-url".to_owned(),
            db.url.clone(),
            "apply".to_owned(),
            "--yes".to_owned(),
            "--plan".to_owned(),
            "plan.json".to_owned(),
        ];
        a.extend(extra.iter().map(|s| (*s).to_owned()));
        a
    };
    let plan_file = |bytes: Vec<u8>| Files::default().with("plan.json", bytes);
    let v1 = "version: 1\n";
    let redis = |section: &str| Files::yaml(&format!("version: 1\nredis:\n{section}"));
    let users = |extras: &str| {
        Files::yaml(&format!(
            "version: 1\npostgres:\n  tables:\n    users:\n{extras}"
        ))
    };
    let pg_plan = pg(&["plan"]);
    let pg_plan: Vec<&str> = pg_plan.iter().map(String::as_str).collect();
    let redis_plan: &[&str] = &["--only", "redis", "plan"];
    let vespa_plan: &[&str] = &["--only", "vespa", "plan", "--connect-timeout", "1"];

    #[rustfmt::skip]
    let rows = vec![
        // ---- schema.yaml: syntax and shape
        row("malformed YAML", Files::yaml("version: 1\npostgres:\n  url: \"unterminated\n  schemas: [public\n"), &pg_plan, &["schema.yaml:"]),
        row("an empty file", Files::yaml(""), &pg_plan, &["schema.yaml:1:1:"]),
        row("a list instead of a mapping", Files::yaml("- version: 1\n"), &pg_plan, &["schema.yaml:1:1:"]),
        row("an unknown top-level key", Files::yaml("version: 1\npostgress: {}\n"), &pg_plan, &["schema.yaml:2:1: unknown field `postgress`"]),
        row("an unknown nested key", Files::yaml("version: 1\npostgres:\n  shemas: [public]\n"), &pg_plan, &["schema.yaml:3:3: unknown field `shemas`", "3 |   shemas: [public]"]),
        row("a duplicate key", Files::yaml("version: 1\nversion: 1\n"), &pg_plan, &["schema.yaml:2:"]),
        row("an unsupported version", Files::yaml("version: 7\n"), &pg_plan, &["schema.yaml:1:10: unsupported version 7"]),
        row("a negative version", Files::yaml("version: -1\n"), &pg_plan, &["schema.yaml:1:10: expected a whole number, 0 or more"]),
        row("a string where a list goes", Files::yaml("version: 1\npostgres:\n  schemas: public\n"), &pg_plan, &["schema.yaml:3:12:"]),
        row("a list where a string goes", Files::yaml("version: 1\npostgres:\n  ignore:\n    tables: [1, [2]]\n"), &pg_plan, &["schema.yaml:4:17:"]),
        row("nesting past the recursion limit", Files::yaml(&format!("version: 1\npostgres:\n  schemas: {}{}\n", "[".repeat(100_000), "]".repeat(100_000))), &pg_plan, &["schema.yaml:3:", "recursion limit", "…"]),
        row("a raw control character in the file", Files::yaml("version: 1\nredis:\n  persist: \"\x1b[2J\x1b]0;owned\x07\"\n"), redis_plan, &["schema.yaml:3:13: unexpected character: `\\u{1b}'", "3 |   persist: \"?[2J?]0;owned?\""]),
        row("terminal escapes in a value", Files::yaml("version: 1\nredis:\n  persist: \"\\e[2J\\e]0;owned\\a\"\n"), redis_plan, &["schema.yaml:3:12: `\\u{1b}[2J\\u{1b}]0;owned\\u{7}` is not a persist mode"]),
        // ---- schema.yaml: environment expansion and URLs
        row("an unset environment variable", Files::yaml("version: 1\npostgres:\n  url: ${SEADIFF_SURELY_UNSET_X}\n"), &["plan"], &["schema.yaml:3:8: environment variable `SEADIFF_SURELY_UNSET_X` is not set"]),
        row("an unterminated ${", Files::yaml("version: 1\npostgres:\n  url: \"${DATABASE_URL\"\n"), &["plan"], &["schema.yaml:3:8: unterminated `${` in value"]),
        row("a malformed ${...}", Files::yaml("version: 1\npostgres:\n  url: \"${A B}\"\n"), &["plan"], &["schema.yaml:3:8: `${A B}` is not a variable reference"]),
        row("no Postgres URL anywhere", Files::yaml(v1), &["plan"], &["no Postgres URL"]),
        row("postgres.url is not a URL", Files::yaml("version: 1\npostgres:\n  url: 5432\n"), &["plan"], &["is not a valid Postgres URL", "the URL comes from postgres.url at schema.yaml:3:8"]),
        // ---- schema.yaml: Postgres extras
        row("a table no entity declares", Files::yaml("version: 1\npostgres:\n  tables:\n    taskz:\n      comment: typo\n"), &pg_plan, &["schema.yaml:4:5: table `public.taskz` is not declared by any entity"]),
        row("a comment on a column that does not exist", users("      columns:\n        nope: { comment: x }\n"), &pg_plan, &["schema.yaml:6:9: table `public.users` has no column `nope`"]),
        row("an index without columns", users("      indexes:\n        - { columns: [] }\n"), &pg_plan, &["schema.yaml:6:11: an index needs at least one column or expression"]),
        row("an index on a missing column", users("      indexes:\n        - { columns: [nope] }\n"), &pg_plan, &["schema.yaml:6:23: table `public.users` has no column `nope`"]),
        row("an index key with column and expr", users("      indexes:\n        - { columns: [ { column: email, expr: \"lower(email)\" } ] }\n"), &pg_plan, &["schema.yaml:6:24: give exactly one of `column` or `expr`"]),
        row("an index key with a bad order", users("      indexes:\n        - { columns: [ { column: email, order: sideways } ] }\n"), &pg_plan, &["schema.yaml:6:24: an index key is a column name, an expression, or"]),
        row("a check without an expression", users("      checks:\n        - { name: c }\n"), &pg_plan, &["schema.yaml:6:13: missing field `expr`"]),
        row("a check that ends the statement", users("      checks:\n        - { expr: \"1) ; DROP TABLE users; --\" }\n"), &pg_plan, &["schema.yaml:6:11: check on `public.users`", "closes a parenthesis the expression did not open"]),
        row("an index predicate with a line comment", users("      indexes:\n        - { columns: [email], where: \"email IS NOT NULL -- only set ones\" }\n"), &pg_plan, &["schema.yaml:6:11: index predicate (`where`)", "`--` would comment out the rest of the statement"]),
        row("a check nested 5,000 parentheses deep", users(&format!("      checks:\n        - {{ expr: \"{}1{}\" }}\n", "(".repeat(5000), ")".repeat(5000))), &pg_plan, &["schema.yaml:6:11: check on `public.users`", "parentheses nested more than 64 deep"]),
        row("an index expression with an open quote", users("      indexes:\n        - { columns: [ \"lower(email || ')\" ] }\n"), &pg_plan, &["schema.yaml:6:24: index key", "a string literal (`'`) is not closed"]),
        row("an extension declared twice", Files::yaml("version: 1\npostgres:\n  extensions: [pg_trgm, pg_trgm]\n"), &pg_plan, &["schema.yaml:3:25: extension `pg_trgm` is declared twice"]),
        row("a comment on a schema not managed", Files::yaml("version: 1\npostgres:\n  comments:\n    nosuch: x\n"), &pg_plan, &["schema.yaml:4:5: schema `nosuch` is not managed"]),
        row("extras for an enum not declared", Files::yaml("version: 1\npostgres:\n  enums:\n    nosuch: {}\n"), &pg_plan, &["schema.yaml:4:5: no enum type `public.nosuch` is declared"]),
        row("an enum rename to a missing label", Files::yaml("version: 1\npostgres:\n  enums:\n    message_role:\n      renamed_values: { ROBOT: BOT }\n"), &pg_plan, &["schema.yaml:4:5: enum `public.message_role` has no label `ROBOT`"]),
        // ---- schema.yaml: Redis
        row("a Redis URL of another scheme", redis("  url: http://127.0.0.1:6379\n"), redis_plan, &["schema.yaml:3:8: a Redis URL starts with redis:// or rediss://"]),
        row("a Redis size that is not a size", redis("  config:\n    maxmemory: 12zz\n"), redis_plan, &["schema.yaml:4:16: maxmemory: `12zz` is not a byte size"]),
        row("an unknown comparison", redis("  config:\n    maxmemory-policy: { value: x, compare: fuzzy }\n"), redis_plan, &["schema.yaml:4:23: `fuzzy` is not a comparison"]),
        row("a parameter without a value", redis("  config:\n    maxmemory-policy: { apply: true }\n"), redis_plan, &["schema.yaml:4:23: a Redis parameter is a value or { value, compare, apply }"]),
        row("a minimum version that is not one", redis("  require: { min_version: seven }\n"), redis_plan, &["schema.yaml:3:27: `seven` is not a version"]),
        row("an unknown server mode", redis("  require: { mode: galaxy }\n"), redis_plan, &["schema.yaml:3:20: `galaxy` is not a mode"]),
        row("an unknown persist mode", redis("  persist: sometimes\n"), redis_plan, &["schema.yaml:3:12: `sometimes` is not a persist mode"]),
        row("a database that is not a number", redis("  databases:\n    zero: {}\n"), redis_plan, &["schema.yaml:4:5: expected a whole number, 0 or more"]),
        row("delete without an allow-list", redis("  databases:\n    0:\n      unknown_keys: delete\n"), redis_plan, &["schema.yaml:5:21: unknown_keys: delete needs `delete: { allow: [...], max: N }`"]),
        row("a password in plain text", redis("  acl:\n    users:\n      app: { password_sha256: [hunter2] }\n"), redis_plan, &["schema.yaml:5:12: user app: a password is declared by its SHA-256 digest", "5 | (not shown: the line may hold a secret)"]),
        row("a password variable that is not set", redis("  acl:\n    users:\n      app: { password_sha256_env: SEADIFF_SURELY_UNSET_PW }\n"), redis_plan, &["schema.yaml:5:12: user app: environment variable `SEADIFF_SURELY_UNSET_PW` is not set"]),
        row("a key pattern with an open brace", redis("  databases:\n    0:\n      families:\n        - { name: a, pattern: \"a:{uuid\", type: hash }\n"), redis_plan, &["schema.yaml:6:11: family a: invalid key pattern \"a:{uuid\": unclosed '{'"]),
        row("a key pattern with an unknown placeholder", redis("  databases:\n    0:\n      families:\n        - { name: a, pattern: \"a:{nope}\", type: hash }\n"), redis_plan, &["schema.yaml:6:11: family a:", "nope"]),
        row("a family declared twice", redis("  databases:\n    0:\n      families:\n        - { name: a, pattern: \"a:*\", type: hash }\n        - { name: a, pattern: \"b:*\", type: hash }\n"), redis_plan, &["schema.yaml:7:11: family `a` is declared twice in database 0"]),
        row("a TTL longer than time", redis("  databases:\n    0:\n      families:\n        - { name: a, pattern: \"a:*\", type: hash, ttl: { max: 99999999999999999999999d } }\n"), redis_plan, &["schema.yaml:6:11: family a: ttl.max:", "is too long a duration"]),
        row("a TTL rule that is not one", redis("  databases:\n    0:\n      families:\n        - { name: a, pattern: \"a:*\", type: hash, ttl: { required: sometimes } }\n"), redis_plan, &["schema.yaml:6:11: family a: ttl.required is true, false or forbidden, not `sometimes`"]),
        row("an unknown key owner", redis("  databases:\n    0:\n      families:\n        - { name: a, pattern: \"a:*\", type: hash, owner: nobody }\n"), redis_plan, &["schema.yaml:6:11: family a: owner is app, library, external or module, not `nobody`"]),
        row("a sampling deadline that is not a duration", redis("  sampling: { deadline: 5y }\n"), redis_plan, &["schema.yaml:3:25: sampling.deadline: `5y` is not a duration"]),
        row("a search field of an unknown type", redis("  search:\n    indexes:\n      idx:\n        fields: [ { name: a, type: blob } ]\n"), redis_plan, &["schema.yaml:6:9: index idx: field a: type `blob` is not one seadiff declares"]),
        // ---- Vespa package
        row("a package directory that does not exist", Files::yaml("version: 1\nvespa:\n  package: nowhere\n"), vespa_plan, &["schema.yaml:3:12: cannot read the Vespa application package nowhere"]),
        row("a package without services.xml", Files::yaml("version: 1\nvespa:\n  package: app\n").with("app/schemas/doc.sd", DOC_SD), vespa_plan, &["schema.yaml:3:12: the Vespa application package app has no services.xml"]),
        row("a .sd file that ends early", vespa_repo("http://127.0.0.1:1", "").with("app/schemas/doc.sd", "schema doc {\n  document doc {\n    field title type string {\n"), vespa_plan, &["app/schemas/doc.sd:4:1: expected `}` to close `field title`"]),
        row("a .sd indexing script with a gap", vespa_repo("http://127.0.0.1:1", "").with("app/schemas/doc.sd", "schema doc {\n  document doc {\n    field title type string {\n      indexing: summary | | index\n    }\n  }\n}\n"), vespa_plan, &["app/schemas/doc.sd:4:27: expected an indexing expression, found `|`"]),
        row("a .sd rank expression with an open parenthesis", vespa_repo("http://127.0.0.1:1", "").with("app/schemas/doc.sd", DOC_SD.replace("nativeRank(title)", "nativeRank(title")), vespa_plan, &["app/schemas/doc.sd:13:9: `}` does not close the `(` opened at 12:35 in this expression"]),
        row("a .sd file under another schema's name", vespa_repo("http://127.0.0.1:1", "").with("app/schemas/doc.sd", "schema other {\n  document other {\n  }\n}\n"), vespa_plan, &["app/schemas/doc.sd: declares `other`, but a schema must live in a file of its own name"]),
        row("a .sd file that is not UTF-8", vespa_repo("http://127.0.0.1:1", "").with("app/schemas/doc.sd", b"schema doc \xff\xfe {}".to_vec()), vespa_plan, &["app/schemas/doc.sd: is not UTF-8 text"]),
        row("a .sd variable that is not declared", vespa_repo("http://127.0.0.1:1", "").with("schema.yaml", "version: 1\nvespa:\n  url: http://127.0.0.1:1\n  package: app\n"), vespa_plan, &["app/schemas/doc.sd:6:40: unknown variable `dim`"]),
        row("a .sd file nested 2,000 brackets deep", vespa_repo("http://127.0.0.1:1", "").with("app/schemas/doc.sd", format!("schema doc {{\n  document doc {{\n    field title type string {{\n      indexing: {}summary{}\n    }}\n  }}\n}}\n", "(".repeat(2000), ")".repeat(2000))), vespa_plan, &["app/schemas/doc.sd:4:", "brackets nested more than 64 deep"]),
        row("a .sd data type nested 2,000 deep", vespa_repo("http://127.0.0.1:1", "").with("app/schemas/doc.sd", format!("schema doc {{\n  document doc {{\n    field title type {}string{} {{\n      indexing: summary\n    }}\n  }}\n}}\n", "array<".repeat(2000), ">".repeat(2000))), vespa_plan, &["app/schemas/doc.sd:3:", "data types nested more than 64 deep"]),
        row("an active .sd nested 2,000 deep", vespa_repo(&deep_active.url, ""), vespa_plan, &["(generation 7) cannot be read: schemas/doc.sd:", "brackets nested more than 64 deep"]),
        row("a services.xml with entity expansion", vespa_repo("http://127.0.0.1:1", "").with("app/services.xml", format!("<?xml version=\"1.0\"?>\n<!DOCTYPE services [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>\n{}", SERVICES.replace("id=\"main\"", "id=\"&b;\""))), vespa_plan, &["app/services.xml:1:1: XML with DTD detected"]),
        row("a services.xml that is not XML", vespa_repo("http://127.0.0.1:1", "").with("app/services.xml", "<services"), vespa_plan, &["app/services.xml:1:1:"]),
        row("a document mode that does not exist", vespa_repo("http://127.0.0.1:1", "").with("app/services.xml", SERVICES.replace("mode=\"index\"", "mode=\"weird\"")), vespa_plan, &["app/services.xml:5:", "document `doc` has mode `weird`"]),
        row("a document type without a schema", vespa_repo("http://127.0.0.1:1", "").with("app/services.xml", SERVICES.replace("type=\"doc\"", "type=\"nosuch\"")), vespa_plan, &["app/services.xml: document type `nosuch` has no schema (schemas/nosuch.sd)"]),
        row("a stray file under schemas/", vespa_repo("http://127.0.0.1:1", "").with("app/schemas/README.md", "x"), vespa_plan, &["app/schemas/README.md: unexpected file under schemas/"]),
        row("override days past Vespa's limit", vespa_repo("http://127.0.0.1:1", "  override_days: 99\n"), vespa_plan, &["schema.yaml:6:18: override_days must be 1 to 30"]),
        row("a convergence timeout that is not a duration", vespa_repo("http://127.0.0.1:1", "  convergence_timeout: forever\n"), vespa_plan, &["schema.yaml:6:24: `forever` is not a duration"]),
        row("a variable that is a list", vespa_repo("http://127.0.0.1:1", "").with("schema.yaml", "version: 1\nvespa:\n  url: http://127.0.0.1:1\n  package: app\n  variables: { dim: [4] }\n"), vespa_plan, &["schema.yaml:5:21: a variable's value is a number or a string"]),
        row("a link to a four-part column", vespa_repo("http://127.0.0.1:1", "  links:\n    - { vespa: doc.title, postgres: a.b.c.d }\n"), vespa_plan, &["schema.yaml:7:7: `a.b.c.d` is not table.column or schema.table.column"]),
        row("a link dimension that is no variable", vespa_repo("http://127.0.0.1:1", "  links:\n    - { vespa: doc.emb, dimension: nope }\n"), vespa_plan, &["schema.yaml:7:7: dimension `nope` is neither a number nor a numeric vespa.variables entry"]),
        // ---- Vespa: servers
        row("an unreachable config server", vespa_repo("http://127.0.0.1:1", ""), vespa_plan, &["cannot read the active application from http://127.0.0.1:1/", "GET http://127.0.0.1:1/application/v2/tenant/default/application/: cannot connect"]),
        row("a config server URL that is not one", vespa_repo("not a url", ""), vespa_plan, &["cannot read the active application", "(unparseable URL, not shown)"]),
        row("a config server answering HTML", vespa_repo(&not_json.url, ""), vespa_plan, &[&format!("GET {}{LIST}: HTTP 200 the answer is not JSON", not_json.url)]),
        row("a config server answering an object", vespa_repo(&not_array.url, ""), vespa_plan, &["the answer is not a JSON array of application URLs"]),
        row("an application without a generation", vespa_repo(&no_generation.url, ""), vespa_plan, &[&format!("GET {}{APP}: HTTP 200 no numeric `generation` in the answer", no_generation.url)]),
        row("a listed file that is gone", vespa_repo(&file_gone.url, ""), vespa_plan, &["content/services.xml: HTTP 404 gone"]),
        row("an active package that cannot be read", vespa_repo(&bad_active.url, ""), vespa_plan, &[&format!("the active application on {}/ (generation 7) cannot be read: services.xml:1:1:", bad_active.url)]),
        row("a convergence answer of the wrong shape", vespa_repo(&bad_converge.url, ""), vespa_plan, &["cannot read convergence", "no numeric `currentGeneration` in the answer"]),
        row("a config server error page", vespa_repo(&server_error.url, ""), vespa_plan, &["HTTP 500 <h1>Internal Server Error</h1> proxy says no"]),
        {
            let d = Arc::clone(&double);
            let mut r = row("a config server error with terminal escapes", vespa_repo(&double.url, ""), vespa_plan, &["HTTP 400 BAD_REQUEST: \\u{1b}[2Jcleared your screen"]);
            r.before = Some(Box::new(move || d.inject(Route::ListApplications, Fault::new(400, "BAD_REQUEST", "\x1b[2Jcleared your screen"), 1)));
            r
        },
        {
            let d = Arc::clone(&double);
            let mut r = row("a refused deploy", vespa_repo(&double.url, ""), &["--only", "vespa", "apply", "--yes"], &["the deploy to", "was refused; nothing was activated", "INVALID_APPLICATION_PACKAGE: injected refusal"]);
            r.before = Some(Box::new(move || d.inject(Route::PrepareAndActivate, Fault::new(400, "INVALID_APPLICATION_PACKAGE", "injected refusal"), 1)));
            r
        },
        // ---- saved plans (apply --plan)
        row("a plan file that is not JSON", plan_file(b"not json".to_vec()), &saved(&[]), &["plan.json:1:2: the file is not a seadiff plan: expected ident"]),
        row("an empty plan file", plan_file(Vec::new()), &saved(&[]), &["plan.json:1:0: the file is not a seadiff plan: EOF while parsing a value"]),
        row("a plan of a newer format", plan_file(edited(&plan, |p| p["format_version"] = json!(2))), &saved(&[]), &["plan.json is not a seadiff plan: format_version 2 is not supported"]),
        row("a drift report instead of a plan", plan_file(edited(&plan, |p| p["kind"] = json!("drift"))), &saved(&[]), &["plan.json is not a seadiff plan: this is a `drift` report, not a plan"]),
        row("a step with an unknown op", plan_file(edited(&plan, |p| p["steps"][0]["op"] = json!("explode"))), &saved(&[]), &["plan.json is not a seadiff plan: step pg-0001: unknown op `explode`"]),
        row("a step with an unknown hazard", plan_file(edited(&plan, |p| p["steps"][0]["hazards"] = json!([{"kind": "meteor", "why": "x"}]))), &saved(&[]), &["step pg-0001: unknown hazard `meteor`"]),
        row("a step for an unknown store", plan_file(edited(&plan, |p| p["steps"][0]["store"] = json!("mongo"))), &saved(&[]), &["unknown store `mongo`"]),
        row("a plan with an unknown field", plan_file(edited(&plan, |p| p["extra"] = json!(1))), &saved(&[]), &["plan.json:", "the file is not a seadiff plan: unknown field `extra`"]),
        row("a step in group -1", plan_file(edited(&plan, |p| p["steps"][0]["group"] = json!(-1))), &saved(&[]), &["plan.json:", "the file is not a seadiff plan: invalid value: integer `-1`, expected usize"]),
        row("a plan without a fingerprint", plan_file(edited(&plan, |p| { p["stores"]["postgres"].as_object_mut().expect("postgres").remove("fingerprint"); })), &saved(&[]), &["plan.json has no Postgres fingerprint; nothing applied"]),
        row("a plan from another version", plan_file(edited(&plan, |p| p["tool_version"] = json!("0.0.1"))), &saved(&[]), &["plan.json was made by seadiff 0.0.1"]),
        row("a plan for another database", plan_file(edited(&plan, |p| p["stores"]["postgres"]["target"] = json!("postgres://other/db"))), &saved(&[]), &["plan.json was made for postgres://other/db"]),
        row("a stale plan", plan_file(edited(&plan, |p| p["stores"]["postgres"]["fingerprint"]["current"] = json!("sha256:00"))), &saved(&[]), &["stale plan:", "changed since plan.json was made; nothing applied"]),
        row("a rollback of a plan never applied", plan_file(edited(&plan, |_| {})), &saved(&["--rollback"]), &["cannot roll back:", "is not in the state plan.json produces"]),
        row("a plan file that does not exist", Files::default(), &saved(&[]), &["cannot read the saved plan plan.json"]),
        row("a plan file that is a directory", Files::default().with("plan.json/x", "x"), &saved(&[]), &["cannot read the saved plan plan.json"]),
        // ---- flags
        row("an unknown flag", Files::yaml(v1), &["plan", "--bogus"], &["unexpected argument '--bogus'"]),
        row("an unknown hazard", Files::yaml(v1), &["apply", "--allow-hazard", "bogus"], &["unknown hazard `bogus`", "known hazards: data-loss"]),
        row("an unknown validation override", Files::yaml(v1), &["apply", "--allow-hazard", "vespa-override:nope"], &["unknown hazard `vespa-override:nope`"]),
        row("an unknown format", Files::yaml(v1), &["plan", "--format", "yaml"], &["invalid value 'yaml' for '--format <FORMAT>'"]),
        row("a timeout that is not a number", Files::yaml(v1), &["plan", "--connect-timeout", "soon"], &["invalid value 'soon' for '--connect-timeout <SECONDS>'"]),
        row("an unknown store", Files::yaml(v1), &["--only", "mongo", "plan"], &["invalid value 'mongo' for '--only <STORE>'"]),
        row("--rollback without --plan", Files::yaml(v1), &["apply", "--rollback"], &["--plan <FILE>"]),
        row("a config file that does not exist", Files::default(), &["--config", "/nonexistent/schema.yaml", "plan"], &["cannot read /nonexistent/schema.yaml"]),
        row("a store that is not configured", Files::yaml(v1), &["--only", "redis", "plan"], &["store `redis` is not configured in schema.yaml"]),
        row("a migration name with spaces", Files::yaml(v1), &pg(&["migrate", "generate", "Bad Name"]), &["`Bad Name` is not a migration name"]),
        row("a diff source of no known kind", Files::yaml(v1), &["diff", "--from", "mysql://x", "--to", "empty"], &["--from: cannot tell what `mysql://x` is"]),
        row("a .sql source that does not exist", Files::yaml(v1), &["diff", "--from", "missing.sql", "--to", "empty"], &["cannot load missing.sql", "cannot read missing.sql"]),
        row("a snapshot that is not one", Files::yaml(v1).with("snap.json", r#"{"x": 1}"#), &["diff", "--from", "snap.json", "--to", "empty"], &["snap.json is not a seadiff snapshot"]),
        row("a .sql source with a bad statement", Files::yaml(v1).with("bad.sql", "CREATE TABLE a (x int);\nCREATE TABLE b (y nosuchtype);\n"), &["diff", "--from", "bad.sql", "--to", "empty", "--dev-url", &seadiff_tests::admin_url()], &["bad.sql:2:19: type \"nosuchtype\" does not exist"]),
        // ---- URLs and hosts
        row("a Postgres URL with a bad port", Files::yaml(v1), &["--database-url", "postgres://u:hunter2@127.0.0.1:99999/x", "plan"], &["is not a valid Postgres URL: invalid port number", "the URL comes from --database-url"]),
        row("a Postgres URL with a bad sslmode", Files::yaml(v1), &["--database-url", "postgres://127.0.0.1:5432/x?sslmode=bogus", "plan"], &["unknown value \"bogus\" for `ssl_mode`"]),
        row("an unreachable Postgres", Files::yaml(v1), &["--database-url", "postgres://app:hunter2@127.0.0.1:1/app", "plan"], &["cannot connect to postgres://app:***@127.0.0.1:1/app"]),
        row("a Postgres host that does not resolve", Files::yaml(v1), &["--database-url", "postgres://db.invalid/app", "--connect-timeout", "5", "plan"], &["cannot connect to postgres://db.invalid/app"]),
        row("a Postgres database that does not exist", Files::yaml(v1), &["--database-url", &seadiff_tests::url_for(&seadiff_tests::admin_url(), "seadiff_no_such_db"), "plan"], &["database \"seadiff_no_such_db\" does not exist (SQLSTATE 3D000)"]),
        row("an unreachable Redis", redis("  url: redis://:hunter2@127.0.0.1:1/0\n"), redis_plan, &["cannot connect to redis://:***@127.0.0.1:1/0"]),
        row("a Redis URL that is not one", redis("  url: \"redis://[::1/0\"\n"), redis_plan, &["is not a valid Redis URL"]),
        row("a Redis that wants a password", redis(&format!("  url: {}\n", redis_auth.url(0))), redis_plan, &["NOAUTH", "Authentication required"]),
        row("a Redis password that is wrong", redis(&format!("  url: redis://:hunter2@127.0.0.1:{}/0\n", redis_auth.port)), redis_plan, &["cannot connect to redis://:***@127.0.0.1:", "Password authentication failed"]),
    ];
    let failures: Vec<String> = rows.iter().filter_map(check).collect();
    assert!(
        rows.len() >= 40,
        "the catalogue has {} rows; it promises at least 40",
        rows.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n\n")
    );
    drop(rows);
    let double = Arc::try_unwrap(double).expect("the double, once the rows are done");
    rt.block_on(double.shutdown());
}

// ------------------------------------------------------------------------------------------
// Beyond the table
// ------------------------------------------------------------------------------------------

#[test]
fn a_yaml_error_shows_its_line_with_a_caret() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("schema.yaml"),
        "version: 1\npostgres:\n  url: postgres://x@127.0.0.1/x\n  shemas: [public]\n",
    )
    .expect("write");
    let out = run_in(dir.path(), &["plan".to_owned()]);
    assert_exit(&out, 2);
    assert_eq!(
        stderr(&out).lines().take(4).collect::<Vec<_>>().join("\n"),
        "error: schema.yaml:4:3: unknown field `shemas`, expected one of url, schemas, default_schema, ignore, extensions, tables, comments, enums\n  |\n4 |   shemas: [public]\n  |   ^"
    );

    // A huge line is shown as a window around the column, the caret under it.
    let long = format!(
        "version: 1\npostgres:\n  schemas: [{}, \"oops]\n",
        "a".repeat(5000)
    );
    std::fs::write(dir.path().join("schema.yaml"), long).expect("write");
    let out = run_in(dir.path(), &["plan".to_owned()]);
    assert_exit(&out, 2);
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines[2].starts_with("3 | …") && lines[2].chars().count() < 120,
        "{err}"
    );
    let caret = lines[3].find('^').expect("a caret");
    let column: usize = lines[0]
        .split(':')
        .nth(3)
        .and_then(|c| c.trim().parse().ok())
        .expect("a column");
    assert!(column > 5000, "{err}");
    assert!(caret > 4 && caret < 120, "{err}");
}

#[test]
fn a_wrong_password_exits_2_without_the_password() {
    let cluster = TempCluster::start(Auth::Password("right-horse-battery".into()))
        .expect("start a local cluster");
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("schema.yaml"), "version: 1\n").expect("write");
    let wrong = format!(
        "postgres://postgres:wrong-staple-pw@127.0.0.1:{}/postgres",
        cluster.port
    );
    let args = |url: &str, more: &[&str]| -> Vec<String> {
        ["--database-url", url]
            .iter()
            .chain(more)
            .map(|s| (*s).to_owned())
            .collect()
    };
    let out = run_in(dir.path(), &args(&wrong, &["plan"]));
    assert_exit(&out, 2);
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(all.contains("password authentication failed"), "{all}");
    assert!(!all.contains("wrong-staple-pw"), "password leaked: {all}");

    // The right password works, and is not printed either.
    let right = cluster.url("postgres");
    let out = run_in(dir.path(), &args(&right, &["plan", "--format", "json"]));
    assert_exit(&out, 0);
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(
        !all.contains("right-horse-battery"),
        "password leaked: {all}"
    );
    assert!(all.contains("postgres:***@127.0.0.1"), "{all}");
}

/// An entity with an injection for a table name, unicode, quotes and an 80-byte column name
/// (`seadiff_tests::entities::odd::unicode`), with `schema.yaml` extras naming the long column
/// as the entity writes it: the plan creates exactly those names (the long one cut at 63 bytes
/// on a character boundary, with a warning), converges, and its rollback returns to nothing.
#[tokio::test]
async fn an_entity_with_hostile_names_converges_with_its_yaml_extras() {
    use differ::model::config::Config;
    use differ::model::entities::EntitySet;
    use differ::postgres::apply::{ApplyOptions, apply};
    use differ::postgres::ident::truncate_ident;
    use differ::postgres::{self, DiffOptions, Scope, make_plan};
    use seadiff_tests::entities::odd;

    let table = "café\"; DROP TABLE users; --";
    let long = "é".repeat(40);
    let db = TestDb::new("hostile::entity").await;
    db.exec("CREATE TABLE users (id int); INSERT INTO users VALUES (7)")
        .await;
    let (mut desired, warnings) = EntitySet::new()
        .entity::<odd::unicode::Entity>()
        .to_catalog("public")
        .expect("the entity");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("longer than 63 bytes") && w.contains(&long)),
        "{warnings:?}"
    );
    let yaml = format!(
        "version: 1\npostgres:\n  tables:\n    {t}:\n      comment: \"it's; hostile\"\n      columns:\n        {long}: {{ comment: long }}\n      indexes:\n        - {{ columns: [{long}, \"日本語の列名\"] }}\n",
        t = serde_json::to_string(table).expect("json")
    );
    let config = Config::parse(&yaml).expect("schema.yaml");
    let pg = config.postgres.expect("postgres");
    let settings = pg.settings(&|_| None).expect("settings");
    pg.extend(&mut desired, &settings)
        .unwrap_or_else(|e| panic!("the long name as written finds its column: {e}"));

    let scope = Scope {
        schemas: Some(vec!["public".into()]),
        ignore: differ::model::config::IgnoreList::new(["users"]),
    };
    let mut conn = db.connect().await;
    let start = postgres::introspect(&mut conn, &scope)
        .await
        .expect("introspect")
        .catalog;
    let plan = make_plan(&start, &desired, &DiffOptions::default(), &[]);
    apply(&mut conn, &plan, &ApplyOptions::default())
        .await
        .expect("apply");
    let columns = db
        .column(&format!(
            "SELECT attname::text FROM pg_attribute WHERE attrelid = {}::regclass AND attnum > 0 ORDER BY attnum",
            differ::postgres::ident::quote_literal(&differ::postgres::ident::quote_ident(table))
        ))
        .await;
    assert_eq!(
        columns,
        [
            "id",
            "日本語の列名",
            "back\\slash 'quote' $1 )",
            truncate_ident(&long)
        ]
    );
    assert_eq!(
        truncate_ident(&long).len(),
        62,
        "cut on a character boundary"
    );
    assert_eq!(db.column("SELECT id::text FROM users").await, ["7"]);
    let after = postgres::introspect(&mut conn, &scope)
        .await
        .expect("introspect")
        .catalog;
    let again = make_plan(&after, &desired, &DiffOptions::default(), &[]);
    assert!(again.is_empty(), "did not converge: {:#?}", again.steps);

    let back = plan.rollback.as_deref().expect("a rollback");
    apply(&mut conn, back, &ApplyOptions::default())
        .await
        .expect("apply the rollback");
    let tables = db
        .column("SELECT relname::text FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace")
        .await;
    assert_eq!(tables, ["users"]);
}

// ------------------------------------------------------------------------------------------
// Generated identifiers
// ------------------------------------------------------------------------------------------

mod names {
    use differ::model::config::Config;
    use differ::model::pg::{Catalog, ColType, Column, Coverage, PrimaryKey, QName, Table};
    use differ::postgres::apply::{ApplyOptions, apply};
    use differ::postgres::ident::{
        implicit_name, quote_ident, quote_literal, quote_qname, truncate_ident,
    };
    use differ::postgres::{self, DiffOptions, Scope, make_plan};
    use differ::render::{self, Context, Mode};
    use proptest::prelude::*;
    use proptest::test_runner::{Config as RunnerConfig, TestCaseError, TestRunner};
    use seadiff_tests::TestDb;
    use sqlx::{AssertSqlSafe, PgConnection};

    /// Characters that break naive quoting, splitting, case folding, byte counting and
    /// terminals. Never NUL, which Postgres identifiers cannot hold.
    const HOSTILE: &[char] = &[
        'a', 'b', 'z', 'A', 'Q', '0', '9', '_', '"', '\'', ';', ' ', '-', '$', '\\', '(', ')', '.',
        '*', '%', ',', '`', '/', 'é', 'ß', 'İ', 'ǅ', '日', '本', '🦀', '\u{200b}', '\u{202e}',
        '\n', '\t', '\u{1b}', '\u{7f}',
    ];

    /// A name: a few hostile characters, or a run of plain ones long enough to reach and pass
    /// Postgres' 63-byte limit (ending on a multi-byte character, to cut one in the middle).
    fn name() -> impl Strategy<Value = String> {
        let hostile = prop::collection::vec(prop::sample::select(HOSTILE), 1..24)
            .prop_map(|cs| cs.into_iter().collect::<String>());
        let long = (
            58usize..70,
            prop::sample::select(&['é', '日', '🦀', '"', ';'][..]),
        )
            .prop_map(|(n, c)| format!("{}{c}{c}", "x".repeat(n)));
        prop_oneof![3 => hostile, 1 => long]
    }

    fn scope() -> Scope {
        Scope {
            schemas: Some(vec!["public".into()]),
            ignore: Default::default(),
        }
    }

    async fn exec(conn: &mut PgConnection, sql: &str) -> Result<(), TestCaseError> {
        sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
            .execute(conn)
            .await
            .map(|_| ())
            .map_err(|e| TestCaseError::fail(format!("{sql}\nfailed: {e}")))
    }

    async fn texts(conn: &mut PgConnection, sql: &str) -> Vec<String> {
        sqlx::query_scalar::<_, String>(AssertSqlSafe(sql.to_owned()))
            .fetch_all(conn)
            .await
            .unwrap_or_else(|e| panic!("{sql}\nfailed: {e}"))
    }

    /// The names of one case.
    #[derive(Debug, Clone)]
    struct Names {
        table: String,
        column: String,
        index: String,
        check: String,
        comment: String,
    }

    fn names() -> impl Strategy<Value = Names> {
        (name(), name(), name(), name(), name())
            .prop_map(|(table, column, index, check, comment)| Names {
                table,
                column,
                index,
                check,
                comment,
            })
            .prop_filter("names that collide once cut to 63 bytes", |n| {
                let t = truncate_ident(&n.table);
                let c = truncate_ident(&n.column);
                let i = truncate_ident(&n.index);
                let pkey = implicit_name(t, None, "pkey");
                c != "id" && i != t && i != pkey && truncate_ident(&n.check) != pkey
            })
    }

    /// A double-quoted YAML scalar, every control character (DEL included, which YAML does not
    /// allow raw) escaped.
    fn yq(s: &str) -> String {
        let mut out = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }

    /// The desired state: the table written in code with the names Postgres stores (as the
    /// entities' conversion does), and the index, check and comment through `schema.yaml`
    /// written with the names as given, long or not.
    fn desired(n: &Names) -> Catalog {
        let t = truncate_ident(&n.table).to_owned();
        let mut catalog = Catalog {
            coverage: Coverage::Tables,
            ..Catalog::default()
        };
        let mut id = Column::new("id", ColType::builtin("integer"));
        id.not_null = true;
        catalog.tables.insert(
            QName::new("public", t.clone()),
            Table {
                columns: vec![
                    id,
                    Column::new(truncate_ident(&n.column), ColType::builtin("text")),
                ],
                primary_key: Some(PrimaryKey {
                    name: implicit_name(&t, None, "pkey"),
                    columns: vec!["id".into()],
                    deferrable: Default::default(),
                    comment: None,
                }),
                ..Table::default()
            },
        );
        let yaml = format!(
            "version: 1\npostgres:\n  tables:\n    {table}:\n      columns:\n        {column}: {{ comment: {comment} }}\n      indexes:\n        - {{ name: {index}, columns: [{column}] }}\n      checks:\n        - {{ name: {check}, expr: {expr} }}\n",
            table = yq(&format!("public.{}", n.table)),
            column = yq(&n.column),
            comment = yq(&n.comment),
            index = yq(&n.index),
            check = yq(&n.check),
            expr = yq(&format!("length({}) < 100", quote_ident(&n.column))),
        );
        let config = Config::parse(&yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
        let pg = config.postgres.expect("a postgres section");
        let settings = pg.settings(&|_| None).expect("settings");
        pg.extend(&mut catalog, &settings)
            .unwrap_or_else(|e| panic!("{e}\n{yaml}"));
        catalog
    }

    /// Checks the live database holds exactly the names Postgres should store, and nothing
    /// more: a name that broke out of its quotes would have made or dropped something else.
    async fn check_live(conn: &mut PgConnection, n: &Names) -> Result<(), TestCaseError> {
        let t = truncate_ident(&n.table);
        let mut want = vec![
            t.to_owned(),
            implicit_name(t, None, "pkey"),
            truncate_ident(&n.index).to_owned(),
        ];
        want.sort();
        let mut got = texts(
            conn,
            "SELECT relname::text FROM pg_class WHERE relnamespace = 'public'::regnamespace",
        )
        .await;
        got.sort();
        prop_assert_eq!(got, want);
        let columns = texts(conn, &format!("SELECT attname::text FROM pg_attribute WHERE attrelid = {}::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum", quote_literal(&quote_qname(&QName::new("public", t))))).await;
        prop_assert_eq!(
            columns,
            vec!["id".to_owned(), truncate_ident(&n.column).to_owned()]
        );
        let checks = texts(conn, "SELECT conname::text FROM pg_constraint WHERE contype = 'c' AND connamespace = 'public'::regnamespace").await;
        prop_assert_eq!(checks, vec![truncate_ident(&n.check).to_owned()]);
        let kept = texts(conn, "SELECT x::text FROM sentinel.keep").await;
        prop_assert_eq!(kept, vec!["1".to_owned()]);
        Ok(())
    }

    async fn one_case(conn: &mut PgConnection, n: &Names) -> Result<(), TestCaseError> {
        // Quoting, by the server's own parser: parse_ident takes our quoted name apart into
        // exactly the name (it does not truncate).
        let q = quote_qname(&QName::new("public", n.table.clone()));
        let parts = texts(
            conn,
            &format!("SELECT unnest(parse_ident({}))", quote_literal(&q)),
        )
        .await;
        prop_assert_eq!(parts, vec!["public".to_owned(), n.table.clone()]);

        // The live side, made by hand (every name through quote_ident), introspected: the
        // names are Postgres' and the plan to the declaration is empty.
        exec(conn, "DROP SCHEMA public CASCADE; CREATE SCHEMA public").await?;
        let table = quote_qname(&QName::new("public", n.table.clone()));
        let column = quote_ident(&n.column);
        exec(
            conn,
            &format!(
                "CREATE TABLE {table} (id integer PRIMARY KEY, {column} text);
                 CREATE INDEX {} ON {table} USING btree ({column});
                 ALTER TABLE {table} ADD CONSTRAINT {} CHECK (length({column}) < 100);
                 COMMENT ON COLUMN {table}.{column} IS {}",
                quote_ident(&n.index),
                quote_ident(&n.check),
                quote_literal(&n.comment)
            ),
        )
        .await?;
        check_live(conn, n).await?;
        let live = postgres::introspect(conn, &scope())
            .await
            .map_err(|e| TestCaseError::fail(format!("introspect: {e}")))?
            .catalog;
        let t = truncate_ident(&n.table);
        let read = live.tables.get(&QName::new("public", t)).ok_or_else(|| {
            TestCaseError::fail(format!("no table {t:?} in {:?}", live.tables.keys()))
        })?;
        prop_assert_eq!(
            read.columns
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>(),
            vec!["id", truncate_ident(&n.column)]
        );
        prop_assert_eq!(read.columns[1].comment.as_deref(), Some(n.comment.as_str()));
        prop_assert!(read.indexes.contains_key(truncate_ident(&n.index)));
        prop_assert!(read.checks.contains_key(truncate_ident(&n.check)));
        let want = desired(n);
        let plan = make_plan(&live, &want, &DiffOptions::default(), &[]);
        prop_assert!(
            plan.is_empty(),
            "a plan against the same names: {:#?}",
            plan.steps
        );

        // The other way: from nothing, seadiff's own DDL makes the same names, and converges.
        exec(conn, "DROP SCHEMA public CASCADE; CREATE SCHEMA public").await?;
        let empty = postgres::introspect(conn, &scope())
            .await
            .map_err(|e| TestCaseError::fail(format!("introspect: {e}")))?
            .catalog;
        let plan = make_plan(&empty, &want, &DiffOptions::default(), &[]);
        // Every rendering of it keeps the names in quotes and the terminal safe.
        let cx = Context::new(Mode::Plan);
        let text = render::text::render(&plan, &cx, false);
        prop_assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "a control character in the text plan:\n{text}"
        );
        let sql = render::sql::render(&plan, &cx);
        prop_assert!(sql.contains(&quote_ident(t)), "{sql}");
        apply(conn, &plan, &ApplyOptions::default())
            .await
            .map_err(|e| TestCaseError::fail(format!("apply: {e}\n{sql}")))?;
        check_live(conn, n).await?;
        let after = postgres::introspect(conn, &scope())
            .await
            .map_err(|e| TestCaseError::fail(format!("introspect: {e}")))?
            .catalog;
        let again = make_plan(&after, &want, &DiffOptions::default(), &[]);
        prop_assert!(again.is_empty(), "did not converge: {:#?}", again.steps);
        Ok(())
    }

    /// Generated names with quotes, semicolons, unicode, control characters and more than 63
    /// bytes, in a table, a column, an index, a check and a comment: quoting round-trips by
    /// the server's parser, `schema.yaml` finds the objects by the names as written (cut like
    /// Postgres cuts them), introspection reads back exactly the stored names, the plan between
    /// them is empty, seadiff's DDL creates the same objects and converges, and a sentinel
    /// table outside the scope is never touched. 16 cases by default;
    /// `SEADIFF_HOSTILE_NAME_CASES=N` runs more.
    #[test]
    fn generated_names_round_trip_through_quoting_yaml_and_postgres() {
        let cases = std::env::var("SEADIFF_HOSTILE_NAME_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(16);
        let rt = tokio::runtime::Runtime::new().expect("a runtime");
        let db = rt.block_on(TestDb::new("hostile::names"));
        let mut setup = rt.block_on(db.connect());
        rt.block_on(exec(
            &mut setup,
            "CREATE SCHEMA sentinel; CREATE TABLE sentinel.keep (x int); INSERT INTO sentinel.keep VALUES (1)",
        ))
        .expect("the sentinel");
        let mut runner = TestRunner::new(RunnerConfig {
            cases,
            failure_persistence: None,
            ..RunnerConfig::default()
        });
        runner
            .run(&names(), |n| {
                rt.block_on(async {
                    let mut conn = db.connect().await;
                    one_case(&mut conn, &n).await
                })
            })
            .unwrap_or_else(|e| panic!("{e}"));
    }
}
