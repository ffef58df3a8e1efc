//! TLS to all three stores, with certificates made for the test by a private CA (`openssl`):
//!
//! - Postgres: a private cluster (`initdb`/`pg_ctl`) with `ssl=on` whose `pg_hba.conf` accepts
//!   only `hostssl`; `sslmode=require` (encrypted, unverified) and `sslmode=verify-full` with
//!   `sslrootcert` (chain and host name verified) work, `sslmode=disable` is refused by the
//!   server, and `verify-full` against a CA that did not sign the server's certificate fails.
//! - Redis: a TLS-only `redis-server` (`--tls-port`, no plain port) requiring client
//!   certificates; `rediss://` with `redis.tls: { ca, cert, key }` works; without the client
//!   certificate, or trusting the system store instead of the CA, it fails.
//! - Vespa: the config-server double over https requiring a client certificate;
//!   `vespa.tls: { ca, cert, key }` works, without the certificate or with another CA it fails.

use std::path::Path;
use std::time::Duration;

use differ::postgres::cluster::{Auth, Extras, TempCluster};
use seadiff_tests::tls::{Issued, TestCa};
use seadiff_tests::{RedisOptions, RedisServer, RedisTls};

use crate::faults::{Running, command};

fn run(args: &[&str], dir: &Path, name: &str) -> (Option<i32>, String, String) {
    let mut c = command();
    c.args(args);
    let (code, _, out, err) = Running::spawn(c, dir, name).wait(Duration::from_secs(120));
    (code, out, err)
}

fn p(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// A cluster that speaks TLS only, with `server` as its certificate.
fn tls_cluster(server: &Issued) -> TempCluster {
    TempCluster::start_with(
        Auth::Trust,
        Extras {
            files: vec![
                ("server.crt".into(), server.cert_pem.clone()),
                ("server.key".into(), server.key_pem.clone()),
            ],
            settings: vec![
                "ssl=on".into(),
                "ssl_cert_file=../server.crt".into(),
                "ssl_key_file=../server.key".into(),
            ],
            hba: Some(
                "local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostnossl all all 0.0.0.0/0 reject\n"
                    .into(),
            ),
            ..Extras::default()
        },
    )
    .unwrap_or_else(|e| panic!("cannot start a TLS cluster: {e}"))
}

#[test]
fn postgres_require_and_verify_full_against_a_private_ca() {
    let ca = TestCa::new("seadiff test CA");
    let other = TestCa::new("another CA");
    let server = ca.issue("postgres", false);
    let cluster = tls_cluster(&server);
    let dir = tempfile::tempdir().expect("tempdir");
    let base = cluster.url("postgres");
    let with = |q: &str| format!("{base}?{q}");
    let config = crate::repo_config();
    let pg = |url: &str, args: &[&str], name: &str| {
        let mut all = vec![
            "--config",
            config.as_str(),
            "--database-url",
            url,
            "--only",
            "postgres",
            "--connect-timeout",
            "5",
        ];
        all.extend_from_slice(args);
        run(&all, dir.path(), name)
    };

    // The server refuses unencrypted sessions: TLS below is not optional.
    let (code, _, err) = pg(&with("sslmode=disable"), &["plan"], "disable");
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("no encryption") || err.contains("pg_hba.conf"),
        "{err}"
    );

    // require: encrypted, the certificate not checked.
    let require = with("sslmode=require");
    let (code, _, err) = pg(&require, &["apply", "--yes"], "require-apply");
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("now matches the declaration"), "{err}");

    // verify-full: the chain up to the CA and the host name (127.0.0.1 is in the SAN).
    let verify = with(&format!(
        "sslmode=verify-full&sslrootcert={}",
        p(&ca.cert())
    ));
    let (code, _, err) = pg(&verify, &["drift"], "verify-full");
    assert_eq!(code, Some(0), "in sync over a verified session: {err}");

    // verify-full with a CA that did not sign the server's certificate: refused.
    let wrong = with(&format!(
        "sslmode=verify-full&sslrootcert={}",
        p(&other.cert())
    ));
    let (code, _, err) = pg(&wrong, &["drift"], "verify-full-wrong-ca");
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("UnknownIssuer"), "{err}");
    assert!(
        err.contains(&format!("127.0.0.1:{}", cluster.port)),
        "{err}"
    );
}

fn redis_yaml(dir: &Path, url: &str, tls: &str) -> String {
    let path = dir.join(format!("redis-{}.yaml", tls.len()));
    std::fs::write(
        &path,
        format!(
            "version: 1\nredis:\n  url: {url}\n{tls}  config:\n    maxmemory-policy: {{ value: allkeys-lru, apply: true }}\n"
        ),
    )
    .expect("write schema.yaml");
    p(&path).to_owned()
}

#[test]
fn rediss_with_a_private_ca_and_a_client_certificate() {
    let ca = TestCa::new("seadiff test CA");
    let other = TestCa::new("another CA");
    let server_cert = ca.issue("redis", false);
    let client = ca.issue("seadiff", true);
    let server = RedisServer::start_with(RedisOptions {
        tls: Some(RedisTls {
            cert: server_cert.cert.clone(),
            key: server_cert.key.clone(),
            ca: ca.cert(),
            auth_clients: true,
            client: Some((client.cert.clone(), client.key.clone())),
        }),
        ..RedisOptions::default()
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("rediss://127.0.0.1:{}/0", server.port);
    let full = redis_yaml(
        dir.path(),
        &url,
        &format!(
            "  tls: {{ ca: {}, cert: {}, key: {} }}\n",
            p(&ca.cert()),
            p(&client.cert),
            p(&client.key)
        ),
    );
    let redis = |cfg: &str, args: &[&str], name: &str| {
        let mut all = vec!["--config", cfg, "--only", "redis", "--connect-timeout", "5"];
        all.extend_from_slice(args);
        run(&all, dir.path(), name)
    };

    let (code, _, err) = redis(&full, &["apply", "--yes", "--allow-hazard", "all"], "apply");
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        server
            .cli(&["CONFIG", "GET", "maxmemory-policy"])
            .lines()
            .nth(1),
        Some("allkeys-lru"),
        "applied over TLS"
    );
    let (code, _, err) = redis(&full, &["drift"], "drift");
    assert_eq!(code, Some(0), "{err}");

    // The server demands a client certificate.
    let no_cert = redis_yaml(
        dir.path(),
        &url,
        &format!("  tls: {{ ca: {} }}\n", p(&ca.cert())),
    );
    let (code, _, err) = redis(&no_cert, &["drift"], "no-client-cert");
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("CertificateRequired"), "{err}");
    assert!(err.contains(&format!("127.0.0.1:{}", server.port)), "{err}");

    // Trusting another CA: the server's certificate is not accepted.
    let wrong = redis_yaml(
        dir.path(),
        &url,
        &format!(
            "  tls: {{ ca: {}, cert: {}, key: {} }}\n",
            p(&other.cert()),
            p(&client.cert),
            p(&client.key)
        ),
    );
    let (code, _, err) = redis(&wrong, &["drift"], "wrong-ca");
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("UnknownIssuer"), "{err}");

    // A configuration mistake is reported at its line, without the file's contents.
    let half = redis_yaml(
        dir.path(),
        &url,
        &format!(
            "  tls: {{ ca: {}, cert: {} }}\n",
            p(&ca.cert()),
            p(&client.cert)
        ),
    );
    let (code, _, err) = redis(&half, &["drift"], "half");
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("redis.tls: tls.cert is set but tls.key is not") && err.contains(":4:"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn vespa_over_https_with_a_client_certificate() {
    let ca = TestCa::new("seadiff test CA");
    let other = TestCa::new("another CA");
    let server_cert = ca.issue("config-server", false);
    let client = ca.issue("seadiff", true);
    let double = vespa_double::start(vespa_double::Options {
        tls: Some(vespa_double::TlsOptions {
            cert_pem: server_cert.cert_pem.clone(),
            key_pem: server_cert.key_pem.clone(),
            client_ca_pem: Some(ca.cert_pem()),
        }),
        ..vespa_double::Options::default()
    })
    .await
    .expect("an https double");
    assert!(
        double.url.starts_with("https://127.0.0.1:"),
        "{}",
        double.url
    );
    crate::network::seed(&double);
    let dir = tempfile::tempdir().expect("tempdir");
    let case = |name: &str, tls_lines: String| {
        let sub = dir.path().join(name);
        std::fs::create_dir_all(&sub).expect("mkdir");
        let cfg = crate::network::vespa_repo(&sub, &double.url, &tls_lines);
        move |args: &[&str], label: &str| {
            let mut all = vec![
                "--config",
                cfg.as_str(),
                "--only",
                "vespa",
                "--connect-timeout",
                "2",
            ];
            all.extend_from_slice(args);
            run(&all, &sub, label)
        }
    };
    let full = format!(
        "  tls: {{ ca: {}, cert: {}, key: {} }}\n",
        p(&ca.cert()),
        p(&client.cert),
        p(&client.key)
    );

    let ok = case("full", full);
    let (code, _, err) = ok(&["plan", "--exit-code"], "plan");
    assert_eq!(code, Some(1), "a change is planned over https: {err}");
    let (code, _, err) = ok(&["apply", "--yes"], "apply");
    assert_eq!(code, Some(0), "{err}");
    assert!(
        double
            .active_file("default", "schemas/note.sd")
            .is_some_and(|f| f.contains("field title")),
        "deployed over https"
    );
    let (code, _, err) = ok(&["drift"], "drift");
    assert_eq!(code, Some(0), "{err}");

    // No client certificate: the handshake is refused, and the error names the server.
    let bare = case("no-cert", format!("  tls: {{ ca: {} }}\n", p(&ca.cert())));
    let (code, _, err) = bare(&["drift"], "drift");
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains(&double.url), "{err}");
    assert!(err.contains("CertificateRequired"), "{err}");

    // Another CA: the server's certificate is not trusted.
    let wrong = case(
        "wrong-ca",
        format!(
            "  tls: {{ ca: {}, cert: {}, key: {} }}\n",
            p(&other.cert()),
            p(&client.cert),
            p(&client.key)
        ),
    );
    let (code, _, err) = wrong(&["drift"], "drift");
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains(&double.url), "{err}");
    assert!(err.contains("UnknownIssuer"), "{err}");
    assert!(
        double
            .requests()
            .iter()
            .all(|r| r.method != "POST" || r.status == 200),
        "only the one good deploy"
    );
}
