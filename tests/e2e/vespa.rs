//! Vespa against the config-server test double (`tests/vespa-double`; no real Vespa can run
//! here): one case per row of the change-action table, where our prediction must equal the
//! double's `configChangeActions` and override demands, and the deploy is refused without the
//! override and accepted with it; then plan, apply, convergence, drift after a change made
//! directly on the server, and repair, through the `seadiff` binary; and broken links.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;
use std::time::Duration;

use differ::vespa::app::{App, Package};
use differ::vespa::classify::{self, ActionKind};
use differ::vespa::client::{Client, Target};
use differ::vespa::diff::{needed_overrides, with_overrides};
use vespa_double::{Double, Options};

use crate::{assert_exit, stderr, stdout};

const DOC: &str = r#"schema doc {
    document doc {
        field title type string {
            indexing: summary | index
            stemming: best
        }
        field tag type string {
            indexing: summary | attribute
        }
        field year type int {
            indexing: summary | attribute
        }
        field body type string {
            indexing: summary
        }
        field emb type tensor<float>(x[4]) {
            indexing: attribute | index
            attribute {
                distance-metric: euclidean
            }
            index {
                hnsw {
                    max-links-per-node: 16
                    neighbors-to-explore-at-insert: 200
                }
            }
        }
        field big type string {
            indexing: attribute
            attribute: paged
        }
        field props type map<string, string> {
            indexing: summary
        }
    }
    rank-profile default {
        first-phase {
            expression: nativeRank(title)
        }
    }
}
"#;

const NOTE: &str = "schema note {\n    document note {\n        field text type string {\n            indexing: summary | index\n        }\n    }\n}\n";

const SERVICES: &str = r#"<services version="1.0">
  <container id="default" version="1.0"><search/><document-api/></container>
  <content id="main" version="1.0">
    <redundancy>1</redundancy>
    <documents><document type="doc" mode="index"/></documents>
    <nodes><node hostalias="node1" distribution-key="0"/></nodes>
  </content>
  <content id="aux" version="1.0">
    <redundancy>1</redundancy>
    <documents><document type="note" mode="index"/></documents>
    <nodes><node hostalias="node1" distribution-key="0"/></nodes>
  </content>
</services>
"#;

fn package(services: &str, doc: &str) -> Package {
    let mut p = Package::default();
    p.insert("services.xml", services.as_bytes().to_vec());
    p.insert("schemas/doc.sd", doc.as_bytes().to_vec());
    p.insert("schemas/note.sd", NOTE.as_bytes().to_vec());
    p
}

fn client(double: &Double) -> Client {
    Client::new(
        Target {
            url: double.url.clone(),
            tenant: "default".into(),
            application: "default".into(),
            instance: "default".into(),
            tls: None,
        },
        Duration::from_secs(10),
    )
    .expect("client")
}

type Key = (String, Option<&'static str>, Option<String>);

/// A row: its name, the new services.xml and doc.sd, the actions and the overrides.
type Row = (&'static str, String, String, Vec<Key>, Vec<&'static str>);

fn key(a: &classify::Action) -> Key {
    (
        a.kind.as_str().to_owned(),
        match a.kind {
            ActionKind::Refeed | ActionKind::Reindex => a.validation_id.map(|v| v.as_str()),
            _ => None,
        },
        a.document_type.clone(),
    )
}

/// The table: a change, the actions (kind, validation id, document type) and the overrides
/// Vespa demands for it.
fn rows() -> Vec<Row> {
    let d = |from: &str, to: &str| {
        assert!(DOC.contains(from), "{from}");
        DOC.replacen(from, to, 1)
    };
    let k = |kind: &str, id: Option<&'static str>, doc: &str| {
        (kind.to_owned(), id, Some(doc.to_owned()))
    };
    vec![
        ("add a field", SERVICES.into(), d("        field big", "        field extra type string {\n            indexing: summary\n        }\n        field big"), vec![], vec![]),
        ("remove a field", SERVICES.into(), d("        field body type string {\n            indexing: summary\n        }\n", ""), vec![], vec![]),
        ("change a data type", SERVICES.into(), d("field year type int", "field year type long"), vec![k("refeed", Some("field-type-change"), "doc")], vec!["field-type-change"]),
        ("change a tensor's dimension", SERVICES.into(), d("tensor<float>(x[4])", "tensor<float>(x[8])"), vec![k("refeed", Some("field-type-change"), "doc")], vec!["field-type-change"]),
        ("add an attribute", SERVICES.into(), d("field body type string {\n            indexing: summary", "field body type string {\n            indexing: summary | attribute"), vec![k("restart", None, "doc")], vec![]),
        ("remove an attribute", SERVICES.into(), d("indexing: summary | attribute\n        }\n        field year", "indexing: summary\n        }\n        field year"), vec![k("restart", None, "doc")], vec![]),
        ("add fast-search", SERVICES.into(), d("field year type int {\n            indexing: summary | attribute", "field year type int {\n            indexing: summary | attribute\n            attribute: fast-search"), vec![k("restart", None, "doc")], vec![]),
        ("remove paged", SERVICES.into(), d("            attribute: paged\n", ""), vec![k("restart", None, "doc")], vec!["paged-setting-removal"]),
        ("change the distance metric of an hnsw field", SERVICES.into(), d("distance-metric: euclidean", "distance-metric: angular"), vec![k("restart", None, "doc")], vec!["hnsw-settings-change"]),
        ("change max-links-per-node", SERVICES.into(), d("max-links-per-node: 16", "max-links-per-node: 32"), vec![k("restart", None, "doc")], vec!["hnsw-settings-change"]),
        ("change neighbors-to-explore-at-insert", SERVICES.into(), d("neighbors-to-explore-at-insert: 200", "neighbors-to-explore-at-insert: 100"), vec![k("restart", None, "doc")], vec![]),
        ("add an index", SERVICES.into(), d("field body type string {\n            indexing: summary", "field body type string {\n            indexing: summary | index"), vec![k("reindex", Some("indexing-change"), "doc")], vec!["indexing-change"]),
        ("change stemming", SERVICES.into(), d("stemming: best", "stemming: none"), vec![k("reindex", Some("indexing-change"), "doc")], vec!["indexing-change"]),
        ("change a rank profile", SERVICES.into(), d("nativeRank(title)", "nativeRank(title) + attribute(year)"), vec![], vec![]),
        ("remove a schema from its cluster", SERVICES.replace("<documents><document type=\"note\" mode=\"index\"/></documents>", "<documents><document type=\"doc\" mode=\"index\"/></documents>").replacen("<documents><document type=\"doc\" mode=\"index\"/></documents>", "<documents><document type=\"doc\" mode=\"index\"/><document type=\"note\" mode=\"index\"/></documents>", 1).replacen("<documents><document type=\"doc\" mode=\"index\"/><document type=\"note\" mode=\"index\"/></documents>", "<documents><document type=\"doc\" mode=\"index\"/></documents>", 1), DOC.into(), vec![], vec!["schema-removal"]),
        ("change the indexing mode", SERVICES.replace("type=\"note\" mode=\"index\"", "type=\"note\" mode=\"streaming\""), DOC.into(), vec![k("reindex", Some("indexing-mode-change"), "note")], vec!["indexing-mode-change"]),
        ("remove a content cluster", SERVICES.split("  <content id=\"aux\"").next().unwrap_or_default().to_owned() + "</services>\n", DOC.into(), vec![("restart".to_owned(), None, None)], vec!["content-cluster-removal"]),
        ("add a synthetic field", SERVICES.into(), d("    rank-profile default", "    field title_summary type string {\n        indexing: input title | summary\n    }\n    rank-profile default"), vec![k("reindex", None, "doc")], vec![]),
        ("change the dictionary", SERVICES.into(), d("field year type int {\n            indexing: summary | attribute", "field year type int {\n            indexing: summary | attribute\n            attribute: fast-search\n            dictionary: hash"), vec![k("restart", None, "doc")], vec![]),
        ("make a document type global", SERVICES.replace("type=\"note\" mode=\"index\"", "type=\"note\" mode=\"index\" global=\"true\""), DOC.into(), vec![], vec!["global-document-change"]),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_row_of_the_change_table_matches_the_double_and_needs_its_override() {
    let base = package(SERVICES, DOC);
    let base_app = App::parse(&base).expect("base package");
    let mut failures = Vec::new();
    for (name, services, doc, actions, overrides) in rows() {
        let double = vespa_double::start(Options::default())
            .await
            .expect("double");
        let c = client(&double);
        c.deploy(&base, false)
            .await
            .expect("deploy the base package");
        let mut next = package(&services, &doc);
        if name == "remove a schema from its cluster" || name == "remove a content cluster" {
            next.files.remove("schemas/note.sd");
        }
        let app = App::parse(&next).unwrap_or_else(|e| panic!("{name}: {e}"));
        let changes = classify::changes(Some(&base_app), &app);
        let predicted: BTreeSet<Key> = changes
            .iter()
            .flat_map(|c| &c.actions)
            .filter(|a| a.kind != ActionKind::None)
            .map(key)
            .collect();
        let predicted_ids: BTreeSet<&str> = needed_overrides(&changes)
            .iter()
            .map(|i| i.as_str())
            .collect();
        let expected: BTreeSet<Key> = actions.into_iter().collect();
        let expected_ids: BTreeSet<&str> = overrides.into_iter().collect();
        if predicted != expected || predicted_ids != expected_ids {
            failures.push(format!("{name}: predicted {predicted:?} {predicted_ids:?}, the table says {expected:?} {expected_ids:?}"));
        }
        // The double: refused without the overrides (naming them), accepted with them, and
        // its change actions equal ours.
        match c.deploy(&next, true).await {
            Ok(_) if expected_ids.is_empty() => {}
            Ok(_) => failures.push(format!(
                "{name}: the double accepted it without {expected_ids:?}"
            )),
            Err(e) => {
                let asked: BTreeSet<String> = e.required_overrides().into_iter().collect();
                let want: BTreeSet<String> = expected_ids.iter().map(|s| (*s).to_owned()).collect();
                if asked != want {
                    failures.push(format!("{name}: the double asks for {asked:?} ({e})"));
                }
            }
        }
        let allowed = needed_overrides(&changes);
        let with = with_overrides(
            &next,
            &allowed,
            &differ::vespa::diff::date_after(
                u64::try_from(double.now_millis() / 1000).unwrap_or(0),
                2,
            ),
        );
        match c.deploy(&with, false).await {
            Ok(d) => {
                let server: BTreeSet<Key> = d.actions.iter().map(key).collect();
                if server != expected {
                    failures.push(format!(
                        "{name}: the double demands {server:?}, the table says {expected:?}"
                    ));
                }
                if !d.activated {
                    failures.push(format!("{name}: not activated"));
                }
            }
            Err(e) => failures.push(format!("{name}: refused with the overrides: {e}")),
        }
        double.shutdown().await;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A repository with `schema.yaml` (a Vespa section only) and an application package.
fn repo(dir: &Path, url: &str, dim: u32, links: &str) -> String {
    std::fs::create_dir_all(dir.join("app/schemas")).expect("mkdir");
    std::fs::write(dir.join("app/services.xml"), SERVICES.replace(
        "  <content id=\"aux\" version=\"1.0\">\n    <redundancy>1</redundancy>\n    <documents><document type=\"note\" mode=\"index\"/></documents>\n    <nodes><node hostalias=\"node1\" distribution-key=\"0\"/></nodes>\n  </content>\n", "")).expect("services");
    std::fs::write(
        dir.join("app/schemas/doc.sd"),
        DOC.replace("tensor<float>(x[4])", "tensor<float>(x[${dim}])"),
    )
    .expect("sd");
    let cfg = dir.join("schema.yaml");
    std::fs::write(
        &cfg,
        format!("version: 1\nvespa:\n  url: {url}\n  package: app\n  variables: {{ dim: {dim} }}\n  convergence_timeout: 20s\n{links}"),
    )
    .expect("schema.yaml");
    cfg.to_str().expect("utf-8").to_owned()
}

async fn seadiff(cfg: &str, args: &[&str]) -> Output {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_seadiff"));
    cmd.args(["--config", cfg, "--only", "vespa"])
        .args(args)
        .env_remove("VESPA_CONFIG_URL")
        .env("NO_COLOR", "1");
    cmd.output().await.expect("run seadiff")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_apply_converge_drift_and_repair_through_the_cli() {
    let double = vespa_double::start(Options {
        convergence_lag: 3,
        ..Options::default()
    })
    .await
    .expect("double");
    let tmp = tempfile::tempdir().expect("tempdir");
    let cfg = repo(tmp.path(), &double.url, 4, "");

    let plan = seadiff(&cfg, &["plan", "--exit-code"]).await;
    assert_exit(&plan, 1);
    assert!(
        stdout(&plan).contains("+ schema       doc"),
        "{}",
        stdout(&plan)
    );

    let apply = seadiff(&cfg, &["apply", "--yes"]).await;
    assert_exit(&apply, 0);
    let err = stderr(&apply);
    assert!(err.contains("converged on generation"), "{err}");
    assert!(err.contains("now matches the declaration"), "{err}");
    let deployed = double
        .active_file("default", "schemas/doc.sd")
        .expect("deployed");
    assert!(
        deployed.contains("tensor<float>(x[4])"),
        "variables substituted: {deployed}"
    );

    assert_exit(&seadiff(&cfg, &["drift"]).await, 0);

    // Someone deploys straight to the server: the embedding grows and an attribute goes.
    let mut files: Vec<(String, Vec<u8>)> = double
        .active_files("default")
        .expect("files")
        .into_iter()
        .filter(|(p, _)| !p.starts_with('.'))
        .collect();
    for (p, b) in &mut files {
        if p == "schemas/doc.sd" {
            *b = String::from_utf8_lossy(b)
                .replace("tensor<float>(x[4])", "tensor<float>(x[8])")
                .into_bytes();
        }
    }
    files.push((
        "validation-overrides.xml".into(),
        format!(
            "<validation-overrides><allow until=\"{}\">field-type-change</allow></validation-overrides>",
            differ::vespa::diff::date_after(u64::try_from(double.now_millis() / 1000).unwrap_or(0), 1)
        )
        .into_bytes(),
    ));
    double.seed(&files).expect("a direct deploy");
    double.converge_now();

    let drift = seadiff(&cfg, &["drift"]).await;
    assert_exit(&drift, 1);
    let text = stdout(&drift);
    assert!(
        text.contains("doc.emb") && text.contains("tensor<float>(x[8]) → tensor<float>(x[4])"),
        "{text}"
    );

    let refused = seadiff(&cfg, &["apply", "--yes"]).await;
    assert_exit(&refused, 2);
    assert!(
        stderr(&refused).contains("--allow-hazard vespa-override:field-type-change"),
        "{}",
        stderr(&refused)
    );

    let repair = seadiff(
        &cfg,
        &[
            "apply",
            "--yes",
            "--allow-hazard",
            "vespa-refeed",
            "--allow-hazard",
            "vespa-override:field-type-change",
        ],
    )
    .await;
    assert_exit(&repair, 0);
    assert!(
        stderr(&repair).contains("with validation overrides until"),
        "{}",
        stderr(&repair)
    );
    let overrides = double
        .active_file("default", "validation-overrides.xml")
        .expect("overrides written");
    assert!(
        overrides.contains(">field-type-change</allow>"),
        "{overrides}"
    );
    assert_exit(&seadiff(&cfg, &["drift"]).await, 0);

    // plan --verify agrees with the server on a pending change.
    std::fs::write(
        tmp.path().join("app/schemas/doc.sd"),
        DOC.replace("tensor<float>(x[4])", "tensor<float>(x[${dim}])")
            .replace("max-links-per-node: 16", "max-links-per-node: 24"),
    )
    .expect("edit");
    let verify = seadiff(&cfg, &["plan", "--verify"]).await;
    assert_exit(&verify, 0);
    assert!(
        stdout(&verify).contains("the server agrees"),
        "{}",
        stdout(&verify)
    );
    double.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_links_and_an_unreachable_server_are_errors() {
    let double = vespa_double::start(Options::default())
        .await
        .expect("double");
    let tmp = tempfile::tempdir().expect("tempdir");
    let cfg = repo(
        tmp.path(),
        &double.url,
        4,
        "  links:\n    - { vespa: doc.tag, postgres: public.documents.id }\n    - { vespa: doc.year, postgres: documents.title }\n    - { vespa: doc.emb, dimension: 384 }\n    - { vespa: doc.gone, postgres: documents.id }\n    - { vespa: doc.title, postgres: documents.nope }\n",
    );
    let out = seadiff(&cfg, &["plan"]).await;
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(
        err.contains("4 links between Vespa and Postgres are broken"),
        "{err}"
    );
    assert!(
        err.contains("doc.year is int but mirrors public.documents.title"),
        "{err}"
    );
    assert!(
        err.contains(
            "doc.emb is tensor<float>(x[4]): dimension mismatch, the configured size is 384"
        ),
        "{err}"
    );
    assert!(err.contains("doc.gone is missing"), "{err}");
    assert!(err.contains("has no column nope"), "{err}");
    assert!(err.contains("schema.yaml:"), "names the line: {err}");
    double.shutdown().await;

    let tmp = tempfile::tempdir().expect("tempdir");
    let cfg = repo(tmp.path(), "http://127.0.0.1:1", 4, "");
    let out = seadiff(&cfg, &["drift"]).await;
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("GET http://127.0.0.1:1/application/v2/tenant/default/application/"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conflicts_and_server_errors_are_retried_a_bounded_number_of_times() {
    use vespa_double::{Fault, Route};
    let double = vespa_double::start(Options::default())
        .await
        .expect("double");
    let c = client(&double);
    let pkg = package(SERVICES, DOC);
    double.inject(Route::PrepareAndActivate, Fault::activation_conflict(), 2);
    double.inject(Route::ListApplications, Fault::service_unavailable(), 1);
    let d = c
        .deploy(&pkg, false)
        .await
        .expect("retried past two conflicts");
    assert!(d.activated);
    assert!(c.active().await.expect("retried past a 503").is_some());

    double.inject(
        Route::PrepareAndActivate,
        Fault::internal_server_error(),
        10,
    );
    let e = c.deploy(&pkg, false).await.expect_err("gives up");
    assert_eq!(e.status, Some(500));
    assert_eq!(e.code.as_deref(), Some("INTERNAL_SERVER_ERROR"));
    let attempts = double
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/prepareandactivate") && r.status == 500)
        .count();
    assert_eq!(attempts, 4, "one try and three retries");

    // A rejected package is not retried.
    double.clear_faults();
    let mut bad = pkg.clone();
    bad.insert("schemas/doc.sd", b"schema doc {".to_vec());
    let before = double.requests().len();
    let e = c.deploy(&bad, false).await.expect_err("invalid");
    assert_eq!(e.code.as_deref(), Some("INVALID_APPLICATION_PACKAGE"));
    assert_eq!(double.requests().len(), before + 1);
    double.shutdown().await;
}
