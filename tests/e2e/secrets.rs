//! Secrets never reach any output. One full session against the three stores, each reached
//! with a credential: a Postgres role with a password (trust auth on the test server still
//! takes it; percent-encoded in the URL), a Redis started with `requirepass` (AUTH in the URL),
//! and the Vespa double behind a URL with a user and password, plus Redis keys whose names carry
//! data (a card number, an SSN, a session id). Every command the session runs (plan, apply, the
//! saved plan, drift, status, inspect, verify, in every format, quiet, `-v`, `-vv` and
//! `RUST_LOG=trace`, and the error paths: refused hazards and deploys, a stale plan, wrong
//! passwords, unreachable hosts, URLs that do not parse) is grepped, stdout, stderr and every
//! file written, for those strings: none may appear. The redacted forms must appear, so the
//! grep is known to look where the URLs are shown.

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use seadiff_tests::{RedisOptions, RedisServer, TestDb};
use vespa_double::{Fault, Options, Route};

const PG_PASSWORD: &str = "Pg-Stem-7Qx9/xyz";
const PG_PASSWORD_IN_URL: &str = "Pg-Stem-7Qx9%2Fxyz";
const REDIS_PASSWORD: &str = "Rd-Stem-4Kp2";
const VESPA_PASSWORD: &str = "Vs-Stem-8Lm3";
const WRONG_PASSWORD: &str = "Wr-Stem-1Zz0";
const ROLE: &str = "seadiff_secret_role";

/// Key names that hold data, and the part of each that must never be shown.
const KEYS: &[(&str, &str)] = &[
    (
        "session:0b7c1f0e-3a8e-4c2a-9d8e-1f2a3b4c5d6e",
        "0b7c1f0e-3a8e",
    ),
    ("card:4111111111111111", "4111111111111111"),
    ("tmp:ssn-123-45-6789", "123-45-6789"),
];

/// Everything that must not appear anywhere.
fn forbidden() -> Vec<&'static str> {
    let mut f = vec![
        "Pg-Stem",
        "7Qx9",
        REDIS_PASSWORD,
        VESPA_PASSWORD,
        WRONG_PASSWORD,
    ];
    f.extend(KEYS.iter().map(|(_, secret)| *secret));
    f
}

/// One command of the session and everything it showed.
struct Run {
    what: String,
    output: Output,
}

struct Session {
    dir: tempfile::TempDir,
    env: Vec<(&'static str, String)>,
    runs: Vec<Run>,
}

impl Session {
    /// Runs `seadiff ARGS` in the repository directory with the session's environment,
    /// expects `code`, and keeps the output.
    fn run(&mut self, extra_env: &[(&str, &str)], args: &[&str], code: i32) -> &Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_seadiff"));
        cmd.current_dir(self.dir.path())
            .env_remove("DATABASE_URL")
            .env_remove("REDIS_URL")
            .env_remove("VESPA_CONFIG_URL")
            .env_remove("RUST_LOG")
            .env("NO_COLOR", "1");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let output = cmd
            .args(args)
            .write_stdin("")
            .timeout(std::time::Duration::from_secs(300))
            .output()
            .expect("run seadiff");
        let what = format!(
            "{}seadiff {}",
            extra_env
                .iter()
                .map(|(k, v)| format!("{k}={v} "))
                .collect::<String>(),
            args.join(" ")
        );
        assert_eq!(
            output.status.code(),
            Some(code),
            "{what}: expected exit {code}\n--- stdout\n{}\n--- stderr\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        self.runs.push(Run { what, output });
        &self.runs.last().expect("just pushed").output
    }

    fn write(&self, path: &str, text: &str) {
        let p = self.dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
}

/// Every file under `dir`, as text.
fn files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("list") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            let bytes = std::fs::read(&p).expect("read");
            out.push((
                p.display().to_string(),
                String::from_utf8_lossy(&bytes).into_owned(),
            ));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_password_key_name_or_token_appears_in_any_output() {
    // Postgres: a role with a password; the URL carries it percent-encoded.
    let db = TestDb::new("secrets::session").await;
    let admin_url = seadiff_tests::admin_url();
    let admin = url::Url::parse(&admin_url).expect("the admin URL");
    let host = admin.host_str().unwrap_or("127.0.0.1").to_owned();
    let port = admin.port().unwrap_or(5432);
    db.exec(&format!(
        "DROP ROLE IF EXISTS {ROLE}; CREATE ROLE {ROLE} SUPERUSER LOGIN PASSWORD '{PG_PASSWORD}'"
    ))
    .await;
    let pg_url =
        |database: &str| format!("postgres://{ROLE}:{PG_PASSWORD_IN_URL}@{host}:{port}/{database}");

    // Redis: requirepass, and keys whose names are data.
    let redis = RedisServer::start_with(RedisOptions {
        args: vec!["--requirepass".into(), REDIS_PASSWORD.into()],
        ..RedisOptions::default()
    });
    let auth = ["-a", REDIS_PASSWORD, "--no-auth-warning"];
    for (key, _) in KEYS {
        let set: Vec<&str> = if key.starts_with("session:") {
            auth.iter()
                .copied()
                .chain(["HSET", key, "user", "1"])
                .collect()
        } else {
            auth.iter().copied().chain(["SET", key, "x"]).collect()
        };
        redis.cli(&set);
    }
    assert_eq!(redis.cli(&[&auth[..], &["DBSIZE"]].concat()).trim(), "3");
    let redis_url = format!("redis://:{REDIS_PASSWORD}@127.0.0.1:{}/0", redis.port);

    // Vespa: the double behind a URL with credentials.
    let double = vespa_double::start(Options::default())
        .await
        .expect("the Vespa double");
    let vespa_url = double
        .url
        .replacen("http://", &format!("http://vuser:{VESPA_PASSWORD}@"), 1);

    // The repository: Postgres through ${SECRET_PG_URL}, Redis with its password written in
    // schema.yaml, Vespa through VESPA_CONFIG_URL.
    let mut s = Session {
        dir: tempfile::tempdir().expect("temp dir"),
        env: vec![
            ("SECRET_PG_URL", pg_url(&db.name)),
            ("VESPA_CONFIG_URL", vespa_url.clone()),
        ],
        runs: Vec::new(),
    };
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let sd = std::fs::read_to_string(repo.join("entity/vespa/schemas/doc_chunk.sd")).expect("sd");
    s.write("app/schemas/doc_chunk.sd", &sd);
    s.write(
        "app/services.xml",
        &std::fs::read_to_string(repo.join("entity/vespa/services.xml")).expect("services"),
    );
    s.write(
        "schema.yaml",
        &format!(
            "version: 1
postgres:
  url: ${{SECRET_PG_URL}}
redis:
  url: {redis_url}
  config:
    notify-keyspace-events: {{ value: Ex, apply: true }}
  databases:
    0:
      families:
        - {{ name: sessions, pattern: \"session:{{uuid}}\", type: hash, ttl: {{ required: true, max: 7d }}, on_missing_ttl: {{ expire: 7d }} }}
        - {{ name: cards, pattern: \"card:{{*}}\", type: hash }}
      unknown_keys: report
vespa:
  package: app
  variables: {{ embedding_dim: 8 }}
  convergence_timeout: 30s
  links:
    - {{ vespa: doc_chunk.document_id, postgres: public.documents.id }}
    - {{ vespa: doc_chunk.embedding, dimension: embedding_dim }}
"
        ),
    );

    // Before: everything differs. Every format, every verbosity.
    for format in ["text", "sql", "json", "markdown"] {
        s.run(&[], &["plan", "--format", format], 0);
        s.run(&[], &["drift", "--format", format], 1);
    }
    for v in ["-q", "-v", "-vv"] {
        s.run(&[], &[v, "plan"], 0);
        s.run(&[], &[v, "drift", "--format", "json"], 1);
        s.run(&[], &[v, "status"], 1);
    }
    s.run(&[("RUST_LOG", "trace")], &["plan"], 0);
    for format in ["text", "markdown", "json"] {
        s.run(&[], &["status", "--format", format], 1);
    }
    let dev = pg_url("postgres");
    s.run(&[], &["-v", "plan", "--verify", "--dev-url", &dev], 0);

    // A hazard not allowed is refused.
    s.run(&[], &["apply", "--yes"], 2);

    // Save the plan, apply it with everything logged, and look again.
    s.run(&[], &["plan", "--out", "plan.json"], 0);
    s.run(
        &[],
        &[
            "-vv",
            "apply",
            "--plan",
            "plan.json",
            "--yes",
            "--allow-hazard",
            "all",
        ],
        0,
    );
    s.run(&[("RUST_LOG", "trace")], &["drift"], 1);
    s.run(&[], &["-vv", "--only", "postgres", "status", "--smoke"], 0);
    for format in ["text", "sql", "json"] {
        s.run(
            &[],
            &["--only", "postgres", "inspect", "--format", format],
            0,
        );
    }
    // The plan is spent: applying it again is refused as stale.
    s.run(
        &[],
        &[
            "apply",
            "--plan",
            "plan.json",
            "--yes",
            "--allow-hazard",
            "all",
        ],
        2,
    );
    s.run(&[], &["-vv", "apply", "--yes", "--allow-hazard", "all"], 0);
    s.run(&[], &["drift", "--format", "markdown"], 1);

    // A refused deploy: the package changes, the config server says no.
    s.write(
        "app/schemas/doc_chunk.sd",
        &sd.replace(
            "        field chunk_id type int {",
            "        field extra type string {\n            indexing: summary\n        }\n        field chunk_id type int {",
        ),
    );
    double.inject(
        Route::PrepareAndActivate,
        Fault::new(
            400,
            "INVALID_APPLICATION_PACKAGE",
            "Invalid application: injected refusal",
        ),
        1,
    );
    let refused = s.run(&[], &["-vv", "--only", "vespa", "apply", "--yes"], 2);
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("was refused; nothing was activated"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );

    // Wrong passwords, unreachable hosts, URLs that do not parse: all with passwords in them.
    let wrong_redis = format!("redis://:{WRONG_PASSWORD}@127.0.0.1:{}/0", redis.port);
    let bad_role = format!("postgres://{ROLE}:{WRONG_PASSWORD}@{host}:{port}/seadiff_no_such_db");
    s.run(
        &[],
        &["--redis-url", &wrong_redis, "--only", "redis", "plan"],
        2,
    );
    s.run(
        &[],
        &["--only", "postgres", "--database-url", &bad_role, "plan"],
        2,
    );
    let unreachable = [
        format!("postgres://{ROLE}:{WRONG_PASSWORD}@127.0.0.1:1/app"),
        format!("postgres://{ROLE}:{WRONG_PASSWORD}@[::1/app"),
        format!("postgres://{ROLE}@127.0.0.1:1/app?password={WRONG_PASSWORD}"),
    ];
    for url in &unreachable {
        s.run(
            &[],
            &["--only", "postgres", "--database-url", url, "-vv", "drift"],
            2,
        );
    }
    let unreachable_redis = format!("redis://:{WRONG_PASSWORD}@127.0.0.1:1/0");
    s.run(
        &[],
        &[
            "--only",
            "redis",
            "--redis-url",
            &unreachable_redis,
            "status",
        ],
        2,
    );
    let unreachable_vespa = format!("http://vuser:{WRONG_PASSWORD}@127.0.0.1:1");
    s.run(
        &[],
        &[
            "--only",
            "vespa",
            "--vespa-url",
            &unreachable_vespa,
            "--connect-timeout",
            "1",
            "-vv",
            "plan",
        ],
        2,
    );
    // A schema.yaml error on the line holding a password: the snippet hides it.
    s.write(
        "broken.yaml",
        &format!("version: 1\npostgres:\n  url: \"postgres://{ROLE}:{WRONG_PASSWORD}@db/app?x=${{UNSET\"\n"),
    );
    s.run(&[], &["--config", "broken.yaml", "plan"], 2);

    // The grep: every stream of every run, every file the session wrote.
    let forbidden = forbidden();
    let mut leaks = Vec::new();
    let mut shown = String::new();
    for r in &s.runs {
        for (stream, bytes) in [("stdout", &r.output.stdout), ("stderr", &r.output.stderr)] {
            let text = String::from_utf8_lossy(bytes);
            shown.push_str(&text);
            for f in &forbidden {
                if text.contains(f) {
                    leaks.push(format!("`{f}` in the {stream} of `{}`:\n{text}", r.what));
                }
            }
        }
    }
    let written = files(s.dir.path());
    for (path, text) in &written {
        if path.ends_with(".yaml") {
            continue; // the user's own configuration
        }
        for f in &forbidden {
            if text.contains(f) {
                leaks.push(format!("`{f}` in {path}"));
            }
        }
    }
    assert!(
        written
            .iter()
            .any(|(p, t)| p.ends_with("plan.json") && t.contains("\"steps\"")),
        "the saved plan was written and searched"
    );
    assert!(
        leaks.is_empty(),
        "{} leaks:\n\n{}",
        leaks.len(),
        leaks.join("\n\n")
    );

    // The grep looked where secrets would be: every endpoint was shown, redacted, and the
    // keys were reported by their redacted names.
    for redacted in [
        format!("{ROLE}:***@{host}:{port}/{}", db.name),
        format!("redis://:***@127.0.0.1:{}/0", redis.port),
        "vuser:***@127.0.0.1".to_owned(),
        format!("{ROLE}:***@127.0.0.1:1/app"),
        // examples of the family's keys of the wrong type, and the unknown ones by prefix
        "card:…#".to_owned(),
        "by prefix: tmp: 1".to_owned(),
    ] {
        assert!(shown.contains(&redacted), "`{redacted}` is never shown");
    }
    assert!(
        s.runs.len() >= 40,
        "the session ran {} commands",
        s.runs.len()
    );

    drop(s);
    double.shutdown().await;
    drop(db);
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url)
        .await
        .expect("the admin connection");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP ROLE IF EXISTS {ROLE}")))
        .execute(&mut admin)
        .await
        .expect("drop the role");
}
