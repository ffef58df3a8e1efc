//! The double's HTTP API over loopback: response shapes (field names and JSON types), errors,
//! packages, the session lifecycle, conflicts, faults, convergence, reindexing.

mod common;

use std::time::Duration;

use common::*;
use reqwest::Method;
use serde_json::{Value, json};
use vespa_double::{Fault, Options, Route, SessionStatus, package};

const SCHEMA: &str = "schema music {\n  document music {\n    field title type string {\n      indexing: summary | index\n    }\n    field year type int {\n      indexing: summary | attribute\n    }\n  }\n}\n";

fn music() -> Vec<(String, String)> {
    app(
        &services(&[("music", &[("music", "index")])]),
        &[("music", SCHEMA)],
    )
}

#[tokio::test]
async fn health_unknown_paths_and_methods() {
    let f = start().await;
    let health = f.get("/state/v1/health").await;
    assert_shape(
        health.ok(),
        &[
            ("time", "number"),
            ("status", "object"),
            ("metrics", "object"),
        ],
    );
    assert_eq!(health.json["status"], json!({ "code": "up" }));

    let message = f.get("/nope/at/all").await.error(404, "NOT_FOUND");
    assert_eq!(message, "Nothing at /nope/at/all");
    let message = f
        .post("/state/v1/health")
        .await
        .error(405, "METHOD_NOT_ALLOWED");
    assert_eq!(message, "Method 'POST' is not supported");
    f.get(&format!("{TENANT}/session"))
        .await
        .error(405, "METHOD_NOT_ALLOWED");
    f.post(&format!("{TENANT}/session/2/active"))
        .await
        .error(405, "METHOD_NOT_ALLOWED");
    f.get(&format!("{TENANT}/prepareandactivate"))
        .await
        .error(405, "METHOD_NOT_ALLOWED");
    // Vespa's ApplicationHandler implements every method and answers 404 for what it lacks
    let message = f
        .put(&format!("{}/serviceconverge", f.app_path()))
        .await
        .error(404, "NOT_FOUND");
    assert!(
        message.starts_with("Nothing at /application/v2/"),
        "{message}"
    );

    f.get("/application/v2/tenant/other/application/")
        .await
        .error(404, "NOT_FOUND");
    let apps = f.get(&format!("{TENANT}/application/")).await;
    assert_eq!(apps.ok(), &json!([]));
    let status = f.get("/ApplicationStatus").await;
    assert_eq!(status.status, 503);
}

#[tokio::test]
async fn prepare_and_activate_shapes() {
    let f = start().await;
    let answer = f.deploy(&music(), "").await;
    let v = answer.ok();
    assert_shape(
        v,
        &[
            ("log", "array"),
            ("message", "string"),
            ("session-id", "string"),
            ("activated", "bool"),
            ("tenant", "string"),
            ("url", "string"),
            ("configChangeActions", "object"),
        ],
    );
    assert_actions_shape(&v["configChangeActions"]);
    assert_eq!(v["activated"], true);
    assert_eq!(v["tenant"], "default");
    let id = session_id(v);
    assert_eq!(
        v["message"],
        format!("Session {id} for tenant 'default' prepared and activated.")
    );
    assert_eq!(
        v["configChangeActions"],
        json!({ "restart": [], "refeed": [], "reindex": [] }),
        "first deploy: no actions"
    );
    let url = v["url"].as_str().unwrap_or_default().to_owned();
    assert_eq!(url, f.double.app_url("default"));
    assert!(url.ends_with("/application/v2/tenant/default/application/default/environment/prod/region/default/instance/default"));

    let info = f.get_url(&url).await;
    assert_shape(
        info.ok(),
        &[
            ("generation", "number"),
            ("applicationPackageFileReference", "string"),
            ("modelVersions", "array"),
        ],
    );
    assert_eq!(info.json["generation"], json!(id));
    assert!(
        info.json["modelVersions"][0]
            .as_str()
            .unwrap_or_default()
            .starts_with("8.")
    );

    let apps = f.get(&format!("{TENANT}/application/")).await;
    assert_eq!(apps.ok(), &json!([url]));
    assert_eq!(f.double.generation("default"), Some(id));
    assert_eq!(
        f.double
            .active_file("default", "schemas/music.sd")
            .as_deref(),
        Some(SCHEMA)
    );
    let meta = f
        .double
        .active_file("default", ".applicationMetaData")
        .unwrap_or_default();
    let meta: Value = serde_json::from_str(&meta).unwrap_or_default();
    assert_eq!(meta["application"]["generation"], json!(id));
}

#[tokio::test]
async fn session_lifecycle_shapes() {
    let f = start().await;
    let zip = package::zip_files(&music());
    let created = f
        .upload(
            Method::POST,
            &format!("{TENANT}/session"),
            package::CONTENT_TYPE_ZIP,
            zip,
        )
        .await;
    let v = created.ok();
    assert_shape(
        v,
        &[
            ("log", "array"),
            ("tenant", "string"),
            ("session-id", "string"),
            ("prepared", "string"),
            ("content", "string"),
            ("message", "string"),
        ],
    );
    let id = session_id(v);
    assert_eq!(id, 2, "a fresh config server hands out 2 first");
    assert_eq!(
        v["prepared"],
        f.url(&format!("{TENANT}/session/{id}/prepared"))
    );
    assert_eq!(
        v["content"],
        f.url(&format!("{TENANT}/session/{id}/content/"))
    );
    assert_eq!(f.double.session_status(id), Some(SessionStatus::New));

    // not prepared yet
    f.get(&format!("{TENANT}/session/{id}/prepared"))
        .await
        .error(400, "BAD_REQUEST");
    let message = f.activate(id, "").await.error(400, "BAD_REQUEST");
    assert!(message.contains("is not prepared"), "{message}");

    let prepared = f
        .prepare(id, "applicationName=default&instance=default&timeout=60")
        .await;
    let v = prepared.ok();
    assert_shape(
        v,
        &[
            ("log", "array"),
            ("tenant", "string"),
            ("session-id", "string"),
            ("activate", "string"),
            ("message", "string"),
            ("configChangeActions", "object"),
        ],
    );
    assert_actions_shape(&v["configChangeActions"]);
    assert_eq!(
        v["activate"],
        f.url(&format!("{TENANT}/session/{id}/active"))
    );
    assert_eq!(f.double.session_status(id), Some(SessionStatus::Prepare));
    let again = f.get(&format!("{TENANT}/session/{id}/prepared")).await;
    assert_shape(
        again.ok(),
        &[
            ("log", "array"),
            ("tenant", "string"),
            ("session-id", "string"),
            ("activate", "string"),
            ("message", "string"),
            ("configChangeActions", "object"),
        ],
    );

    let active = f.activate(id, "timeout=60").await;
    let v = active.ok();
    assert_shape(
        v,
        &[
            ("deploy", "object"),
            ("application", "object"),
            ("tenant", "string"),
            ("session-id", "string"),
            ("message", "string"),
            ("url", "string"),
        ],
    );
    assert_shape(
        &v["deploy"],
        &[
            ("user", "string"),
            ("from", "string"),
            ("timestamp", "number"),
            ("internalRedeploy", "bool"),
        ],
    );
    assert_shape(
        &v["application"],
        &[
            ("id", "string"),
            ("name", "string"),
            ("checksum", "string"),
            ("generation", "number"),
            ("previousActiveGeneration", "number"),
        ],
    );
    assert_eq!(v["application"]["generation"], json!(id));
    assert_eq!(
        v["message"],
        format!("Session {id} for tenant 'default' activated.")
    );
    assert_eq!(f.double.session_status(id), Some(SessionStatus::Activate));
    // activating again is a no-op
    f.activate(id, "").await.ok();
    let message = f
        .get(&format!("{TENANT}/session/{id}/prepared"))
        .await
        .error(400, "BAD_REQUEST");
    assert_eq!(message, format!("Session is active: {id}"));
    let message = f.prepare(id, "").await.error(400, "BAD_REQUEST");
    assert!(message.contains("Session is active"), "{message}");

    // a second deployment deactivates the first
    let second = f.create_session(&music()).await;
    f.prepare(second, "").await.ok();
    let v = f.activate(second, "").await;
    assert_eq!(v.ok()["application"]["previousActiveGeneration"], json!(id));
    assert_eq!(f.double.session_status(id), Some(SessionStatus::Deactivate));
    assert_eq!(f.double.generation("default"), Some(second));

    f.prepare(9999, "").await.error(404, "NOT_FOUND");
    let message = f.prepare(0, "").await.error(404, "NOT_FOUND");
    assert!(message.contains("was not found"));
    let message = f
        .put(&format!("{TENANT}/session/abc/prepared"))
        .await
        .error(400, "BAD_REQUEST");
    assert!(message.contains("not a number"), "{message}");
}

#[tokio::test]
async fn stale_and_older_sessions_conflict() {
    let f = start().await;
    let first = session_id(f.deploy(&music(), "").await.ok());
    let a = f.create_session(&music()).await;
    let b = f.create_session(&music()).await;
    f.prepare(a, "").await.ok();
    f.prepare(b, "").await.ok();
    f.activate(b, "").await.ok();
    // a was created while `first` was active; b has since become active, and a is older
    let message = f.activate(a, "").await.error(409, "ACTIVATION_CONFLICT");
    assert!(message.contains(&format!("{a}")), "{message}");
    f.activate(a, "force=true")
        .await
        .error(409, "ACTIVATION_CONFLICT");

    // newer than the active one but created before it became active: force skips the check
    let c = f.create_session(&music()).await;
    let d = f.create_session(&music()).await;
    f.prepare(c, "").await.ok();
    f.prepare(d, "").await.ok();
    f.activate(c, "").await.ok();
    let message = f.activate(d, "").await.error(409, "ACTIVATION_CONFLICT");
    assert!(message.contains("has since become active"), "{message}");
    f.activate(d, "force=true").await.ok();
    assert_eq!(f.double.generation("default"), Some(d));
    assert!(first < a);
}

#[tokio::test]
async fn content_api() {
    let f = start().await;
    let id = f.create_session(&music()).await;
    let base = format!("{TENANT}/session/{id}/content");
    let listing = f.get(&format!("{base}/")).await;
    let urls: Vec<String> = serde_json::from_value(listing.ok().clone()).unwrap_or_default();
    assert_eq!(
        urls,
        [
            f.url(&format!("{base}/schemas/")),
            f.url(&format!("{base}/services.xml"))
        ]
    );
    let recursive = f.get(&format!("{base}/?recursive=true")).await;
    let urls: Vec<String> = serde_json::from_value(recursive.ok().clone()).unwrap_or_default();
    assert_eq!(urls.len(), 3, "{urls:?}");
    assert!(urls.contains(&f.url(&format!("{base}/schemas/music.sd"))));
    assert!(
        !urls.iter().any(|u| u.contains(".applicationMetaData")),
        "dot-files are not listed"
    );

    let file = f.get(&format!("{base}/schemas/music.sd")).await;
    assert_eq!(file.status, 200);
    assert_eq!(String::from_utf8_lossy(&file.bytes), SCHEMA);
    let status = f
        .get(&format!("{base}/schemas/music.sd?return=status"))
        .await;
    assert_shape(
        status.ok(),
        &[("name", "string"), ("status", "string"), ("md5", "string")],
    );
    assert_eq!(status.json["status"], "new");
    f.get(&format!("{base}/schemas/music.sd?return=other"))
        .await
        .error(400, "BAD_REQUEST");
    let message = f
        .get(&format!("{base}/nothing.xml"))
        .await
        .error(404, "NOT_FOUND");
    assert!(message.contains("does not contain a file at"), "{message}");

    // edits: a prepared session becomes NEW again
    f.prepare(id, "").await.ok();
    let put = f
        .upload(
            Method::PUT,
            &format!("{base}/schemas/music.sd"),
            "text/plain",
            SCHEMA.replace("int", "long").into_bytes(),
        )
        .await;
    assert_shape(put.ok(), &[("prepared", "string")]);
    assert_eq!(f.double.session_status(id), Some(SessionStatus::New));
    let status = f
        .get(&format!("{base}/schemas/music.sd?return=status"))
        .await;
    assert_eq!(status.ok()["status"], "changed");
    f.upload(
        Method::PUT,
        &format!("{base}/extra/"),
        "text/plain",
        Vec::new(),
    )
    .await
    .ok();
    let listing = f.get(&format!("{base}/?return=status")).await;
    assert!(
        listing
            .ok()
            .as_array()
            .is_some_and(|a| a.iter().all(|e| e["md5"].is_string()))
    );
    f.delete(&format!("{base}/extra/")).await.ok();
    f.delete(&format!("{base}/schemas/"))
        .await
        .error(400, "BAD_REQUEST");
    f.delete(&format!("{base}/missing.txt"))
        .await
        .error(404, "NOT_FOUND");

    // the active application's content
    f.prepare(id, "").await.ok();
    f.activate(id, "").await.ok();
    let app_content = f
        .get(&format!("{}/content/?recursive=true", f.app_path()))
        .await;
    let urls: Vec<String> = serde_json::from_value(app_content.ok().clone()).unwrap_or_default();
    assert!(
        urls.contains(&format!(
            "{}/content/schemas/music.sd",
            f.double.app_url("default")
        )),
        "{urls:?}"
    );
    let file = f
        .get(&format!("{}/content/services.xml", f.app_path()))
        .await;
    assert!(String::from_utf8_lossy(&file.bytes).contains("<services"));
    // an active session is immutable
    f.upload(
        Method::PUT,
        &format!("{base}/x.xml"),
        "text/plain",
        b"<x/>".to_vec(),
    )
    .await
    .error(400, "BAD_REQUEST");
}

#[tokio::test]
async fn session_from_active_application() {
    let f = start().await;
    f.deploy(&music(), "").await.ok();
    let from = f.double.app_url("default");
    let created = f
        .post(&format!("{TENANT}/session?from={}", urlencode(&from)))
        .await;
    let id = session_id(created.ok());
    let file = f
        .get(&format!("{TENANT}/session/{id}/content/schemas/music.sd"))
        .await;
    assert_eq!(String::from_utf8_lossy(&file.bytes), SCHEMA);
    f.prepare(id, "").await.ok();
    f.activate(id, "").await.ok();
    assert_eq!(f.double.generation("default"), Some(id));
    let message = f
        .post(&format!("{TENANT}/session?from=nonsense"))
        .await
        .error(400, "BAD_REQUEST");
    assert!(
        message.contains("Parameter 'from' has illegal value"),
        "{message}"
    );
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn zip_tgz_and_single_directory_root() {
    let f = start().await;
    let tgz = package::tgz_files(&music());
    let answer = f
        .upload(
            Method::POST,
            &format!("{TENANT}/prepareandactivate"),
            package::CONTENT_TYPE_GZIP,
            tgz,
        )
        .await;
    assert_eq!(answer.ok()["activated"], true);

    let nested: Vec<(String, String)> = music()
        .into_iter()
        .map(|(p, d)| (format!("my-app/{p}"), d))
        .collect();
    let answer = f.deploy(&nested, "").await;
    answer.ok();
    let files = f.double.active_files("default").unwrap_or_default();
    assert!(
        files.contains_key("services.xml") && files.contains_key("schemas/music.sd"),
        "{:?}",
        files.keys()
    );
    assert!(files.contains_key(".applicationMetaData"));

    let tgz_nested = package::tgz_files(&nested);
    let answer = f
        .upload(
            Method::POST,
            &format!("{TENANT}/session"),
            package::CONTENT_TYPE_GZIP,
            tgz_nested,
        )
        .await;
    let id = session_id(answer.ok());
    f.get(&format!("{TENANT}/session/{id}/content/services.xml"))
        .await
        .ok();

    // searchdefinitions/ is the legacy schema directory
    let legacy = vec![
        (
            "services.xml".to_owned(),
            services(&[("music", &[("music", "index")])]),
        ),
        ("searchdefinitions/music.sd".to_owned(), SCHEMA.to_owned()),
    ];
    f.deploy(&legacy, "").await.ok();
}

#[tokio::test]
async fn bad_uploads() {
    let f = start().await;
    let path = format!("{TENANT}/prepareandactivate");
    let zip = package::zip_files(&music());
    let message = f
        .send(f.http.post(f.url(&path)).body(zip.clone()))
        .await
        .error(400, "BAD_REQUEST");
    assert_eq!(message, "Request contains no Content-Type header");
    let message = f
        .upload(Method::POST, &path, "text/plain", zip.clone())
        .await
        .error(400, "BAD_REQUEST");
    assert!(
        message.contains(
            "only '[application/x-gzip, application/zip, multipart/form-data]' are supported"
        ),
        "{message}"
    );
    let message = f
        .upload(
            Method::POST,
            &format!("{TENANT}/session"),
            "text/plain",
            zip,
        )
        .await
        .error(400, "BAD_REQUEST");
    assert!(
        message.contains("only '[application/zip, application/x-gzip]' are supported"),
        "{message}"
    );
    let message = f
        .upload(Method::POST, &path, package::CONTENT_TYPE_ZIP, Vec::new())
        .await
        .error(400, "BAD_REQUEST");
    assert_eq!(message, "Request contains no data");
    f.upload(
        Method::POST,
        &path,
        package::CONTENT_TYPE_ZIP,
        b"not a zip".to_vec(),
    )
    .await
    .error(400, "BAD_REQUEST");

    let no_services = vec![
        ("schemas/music.sd".to_owned(), SCHEMA.to_owned()),
        ("hosts.xml".to_owned(), "<hosts/>".to_owned()),
    ];
    let message = f
        .deploy(&no_services, "")
        .await
        .error(400, "INVALID_APPLICATION_PACKAGE");
    assert!(message.contains("services.xml"), "{message}");

    let mut unknown = music();
    unknown.push(("schemas/notes.txt".to_owned(), "x".to_owned()));
    let message = f
        .deploy(&unknown, "")
        .await
        .error(400, "INVALID_APPLICATION_PACKAGE");
    assert!(
        message.contains("unknown extension: schemas/notes.txt"),
        "{message}"
    );
    let mut profile_ok = music();
    profile_ok.push((
        "schemas/music/extra.profile".to_owned(),
        "rank-profile extra {\n  first-phase {\n    expression: attribute(year)\n  }\n}\n"
            .to_owned(),
    ));
    f.deploy(&profile_ok, "").await.ok();

    let broken = app(
        &services(&[("music", &[("music", "index")])]),
        &[(
            "music",
            "schema music {\n  document music {\n    field title type string {\n",
        )],
    );
    let message = f
        .deploy(&broken, "")
        .await
        .error(400, "INVALID_APPLICATION_PACKAGE");
    assert!(message.starts_with("Invalid application: "), "{message}");
    assert!(
        message.contains("schemas/music.sd:"),
        "file and line: {message}"
    );

    let missing = app(
        &services(&[("music", &[("music", "index"), ("other", "index")])]),
        &[("music", SCHEMA)],
    );
    let message = f
        .deploy(&missing, "")
        .await
        .error(400, "INVALID_APPLICATION_PACKAGE");
    assert!(message.contains("other"), "{message}");

    let misnamed = vec![
        (
            "services.xml".to_owned(),
            services(&[("music", &[("music", "index")])]),
        ),
        ("schemas/songs.sd".to_owned(), SCHEMA.to_owned()),
    ];
    f.deploy(&misnamed, "")
        .await
        .error(400, "INVALID_APPLICATION_PACKAGE");

    let bad_xml = vec![(
        "services.xml".to_owned(),
        "<services>\n<content id='x'>\n</services>".to_owned(),
    )];
    let message = f
        .deploy(&bad_xml, "")
        .await
        .error(400, "INVALID_APPLICATION_PACKAGE");
    assert!(message.contains("services.xml:3"), "{message}");
}

#[tokio::test]
async fn multipart_deploy() {
    let f = start().await;
    let zip = package::zip_files(&music());
    let form = reqwest::multipart::Form::new()
        .part(
            "prepareParams",
            reqwest::multipart::Part::text(
                r#"{"applicationName":"default","dryRun":false,"timeout":60}"#,
            )
            .mime_str("application/json")
            .unwrap_or_else(|_| unreachable!()),
        )
        .part(
            "applicationPackage",
            reqwest::multipart::Part::bytes(zip.clone())
                .file_name("app.zip")
                .mime_str(package::CONTENT_TYPE_ZIP)
                .unwrap_or_else(|_| unreachable!()),
        );
    let answer = f
        .send(
            f.http
                .post(f.url(&format!("{TENANT}/prepareandactivate")))
                .multipart(form),
        )
        .await;
    assert_eq!(answer.ok()["activated"], true);

    let form = reqwest::multipart::Form::new()
        .part(
            "prepareParams",
            reqwest::multipart::Part::text(r#"{"dryRun":true}"#),
        )
        .part(
            "applicationPackage",
            reqwest::multipart::Part::bytes(zip)
                .mime_str(package::CONTENT_TYPE_ZIP)
                .unwrap_or_else(|_| unreachable!()),
        );
    let answer = f
        .send(
            f.http
                .post(f.url(&format!("{TENANT}/prepareandactivate")))
                .multipart(form),
        )
        .await;
    // a dry run answers `activated: true` (no activation failed), but nothing changes
    let dry = session_id(answer.ok());
    assert_eq!(f.double.session_status(dry), Some(SessionStatus::New));
    assert!(f.double.generation("default") < Some(dry));

    let form =
        reqwest::multipart::Form::new().part("prepareParams", reqwest::multipart::Part::text("{}"));
    let answer = f
        .send(
            f.http
                .post(f.url(&format!("{TENANT}/prepareandactivate")))
                .multipart(form),
        )
        .await;
    let message = answer.error(400, "BAD_REQUEST");
    assert!(message.contains("contains invalid data"), "{message}");
}

#[tokio::test]
async fn dry_run_prepares_without_activating() {
    let f = start().await;
    let answer = f.deploy(&music(), "dryRun=true").await;
    let v = answer.ok();
    // Vespa quirk: `activated` is false only when an activation failed; a dry run says true
    assert_eq!(v["activated"], true);
    assert_actions_shape(&v["configChangeActions"]);
    assert_eq!(f.double.active_session("default"), None);
    assert_eq!(
        f.double.session_status(session_id(v)),
        Some(SessionStatus::New)
    );
    let first = session_id(f.deploy(&music(), "").await.ok());
    let v = f.deploy(&music(), "dryRun=true").await;
    assert!(session_id(v.ok()) > first);
    assert_eq!(f.double.generation("default"), Some(first));
    // PUT prepared?dryRun=true leaves the session unprepared
    let id = f.create_session(&music()).await;
    f.prepare(id, "dryRun=true").await.ok();
    f.activate(id, "").await.error(400, "BAD_REQUEST");
}

#[tokio::test]
async fn activate_prepared_with_prepareandactivate_put() {
    let f = start().await;
    let id = f.create_session(&music()).await;
    f.prepare(id, "").await.ok();
    let answer = f.put(&format!("{TENANT}/prepareandactivate/{id}")).await;
    assert_shape(answer.ok(), &[("message", "string")]);
    assert_eq!(f.double.generation("default"), Some(id));
    f.put(&format!("{TENANT}/prepareandactivate/x"))
        .await
        .error(400, "BAD_REQUEST");
}

#[tokio::test]
async fn fault_injection() {
    let f = start().await;
    f.double
        .inject(Route::PrepareAndActivate, Fault::activation_conflict(), 2);
    f.deploy(&music(), "")
        .await
        .error(409, "ACTIVATION_CONFLICT");
    f.deploy(&music(), "")
        .await
        .error(409, "ACTIVATION_CONFLICT");
    let id = session_id(f.deploy(&music(), "").await.ok());

    f.double
        .inject(Route::ServiceConverge, Fault::internal_server_error(), 1);
    f.get(&format!("{}/serviceconverge", f.app_path()))
        .await
        .error(500, "INTERNAL_SERVER_ERROR");
    f.get(&format!("{}/serviceconverge", f.app_path()))
        .await
        .ok();

    f.double
        .inject(Route::Health, Fault::service_unavailable(), 1);
    assert_eq!(f.get("/state/v1/health").await.status, 503);
    assert_eq!(f.get("/state/v1/health").await.status, 200);

    // the activation happens, the answer is lost
    let next = f.create_session(&music()).await;
    f.prepare(next, "").await.ok();
    f.double.inject(
        Route::Activate,
        Fault::internal_server_error().after_handling(),
        1,
    );
    f.activate(next, "")
        .await
        .error(500, "INTERNAL_SERVER_ERROR");
    assert_eq!(f.double.generation("default"), Some(next));
    assert!(next > id);

    f.double.inject(
        Route::Any,
        Fault::new(500, "APPLICATION_LOCK_FAILURE", "lock"),
        1,
    );
    f.get(&format!("{TENANT}/application/"))
        .await
        .error(500, "APPLICATION_LOCK_FAILURE");
    f.double
        .inject(Route::Prepare, Fault::internal_server_error(), 5);
    f.double.clear_faults();
    let requests = f.double.requests();
    assert!(
        requests
            .iter()
            .any(|r| r.path.ends_with("/prepareandactivate") && r.status == 409)
    );
    assert!(
        requests
            .iter()
            .any(|r| r.method == "PUT" && r.path.ends_with("/active") && r.status == 500)
    );
}

#[tokio::test]
async fn convergence_lag_and_application_status() {
    let f = start_with(Options {
        convergence_lag: 2,
        ..Options::default()
    })
    .await;
    let first = session_id(f.deploy(&music(), "").await.ok());
    let converge = format!("{}/serviceconverge", f.app_path());
    for poll in 0..2 {
        if poll == 1 {
            // ApplicationStatus polls count too
            assert_eq!(f.get("/ApplicationStatus").await.status, 503);
            continue;
        }
        let v = f.get(&converge).await;
        let v = v.ok();
        assert_shape(
            v,
            &[
                ("services", "array"),
                ("url", "string"),
                ("currentGeneration", "number"),
                ("wantedGeneration", "number"),
                ("converged", "bool"),
            ],
        );
        assert_eq!(v["converged"], false);
        assert_eq!(v["wantedGeneration"], json!(first));
        assert_eq!(v["currentGeneration"], json!(0));
    }
    let v = f.get(&converge).await;
    let v = v.ok();
    assert_eq!(v["converged"], true);
    assert_eq!(v["currentGeneration"], json!(first));
    let services = v["services"].as_array().cloned().unwrap_or_default();
    assert!(
        services.iter().any(|s| s["type"] == "searchnode"),
        "{services:?}"
    );
    assert!(
        services.iter().any(|s| s["type"] == "container"),
        "{services:?}"
    );
    for s in &services {
        assert_shape(
            s,
            &[
                ("clusterName", "string"),
                ("host", "string"),
                ("port", "number"),
                ("type", "string"),
                ("url", "string"),
                ("currentGeneration", "number"),
            ],
        );
    }
    let one = services[0]["url"].as_str().unwrap_or_default().to_owned();
    let v = f.get_url(&one).await;
    assert_shape(
        v.ok(),
        &[
            ("url", "string"),
            ("host", "string"),
            ("wantedGeneration", "number"),
            ("converged", "bool"),
            ("currentGeneration", "number"),
        ],
    );
    let gone = f.get(&format!("{converge}/nohost:1")).await;
    assert_eq!(gone.status, 410);

    let status = f.get("/ApplicationStatus").await;
    let v = status.ok();
    assert_eq!(v["application"]["meta"]["generation"], json!(first));
    assert!(v["application"]["vespa"]["version"].is_string());

    // the next generation lags again, reporting the previous one
    let second = session_id(f.deploy(&music(), "").await.ok());
    let v = f.get(&converge).await;
    assert_eq!(v.ok()["currentGeneration"], json!(first));
    assert_eq!(v.json["wantedGeneration"], json!(second));
    f.double.converge_now();
    let v = f.get(&converge).await;
    assert_eq!(v.ok()["converged"], true);
}

#[tokio::test]
async fn reindexing_endpoints() {
    let f = start().await;
    let files = app(
        &services(&[
            ("music", &[("music", "index")]),
            ("logs", &[("log", "streaming")]),
        ]),
        &[
            ("music", SCHEMA),
            (
                "log",
                "schema log {\n  document log {\n    field text type string {\n      indexing: summary | index\n    }\n  }\n}\n",
            ),
        ],
    );
    f.deploy(&files, "").await.ok();
    let path = format!("{}/reindexing", f.app_path());
    let v = f.get(&path).await;
    let v = v.ok();
    assert_shape(v, &[("enabled", "bool"), ("clusters", "object")]);
    assert_shape(
        &v["clusters"]["music"],
        &[("pending", "object"), ("ready", "object")],
    );
    assert_eq!(v["clusters"]["music"]["ready"]["music"], json!({}));
    assert_eq!(v["clusters"]["logs"]["ready"]["log"], json!({}));

    let answer = f
        .post(&format!(
            "{}/reindex?clusterId=music&documentType=music&speed=0.5",
            f.app_path()
        ))
        .await;
    let message = answer.ok()["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(message.contains("[music] in 'music'"), "{message}");
    let v = f.get(&path).await;
    let status = &v.ok()["clusters"]["music"]["ready"]["music"];
    assert_eq!(status["state"], "pending");
    assert!(status["readyMillis"].is_number() && status["speed"].is_number());

    let answer = f
        .post(&format!("{}/reindex?indexedOnly=true", f.app_path()))
        .await;
    assert!(
        answer.ok()["message"]
            .as_str()
            .is_some_and(|m| !m.contains("'logs'"))
    );
    f.post(&format!("{}/reindex?clusterId=nope", f.app_path()))
        .await
        .error(400, "BAD_REQUEST");
    f.post(&format!(
        "{}/reindex?clusterId=music&documentType=nope",
        f.app_path()
    ))
    .await
    .error(400, "BAD_REQUEST");

    // the next deployment starts it
    f.deploy(&files, "").await.ok();
    let v = f.get(&path).await;
    let status = &v.ok()["clusters"]["music"]["ready"]["music"];
    assert_eq!(status["state"], "successful");
    assert!(status["startedMillis"].is_number() && status["endedMillis"].is_number());

    let disabled = f.delete(&path).await;
    assert_shape(disabled.ok(), &[("message", "string")]);
    assert_eq!(f.get(&path).await.json["enabled"], false);
    f.post(&path).await.ok();
    assert_eq!(f.get(&path).await.json["enabled"], true);

    let generation = f.double.generation("default");
    f.put(&format!("{}/reindex?speed=0", f.app_path()))
        .await
        .ok();
    assert!(
        f.double.generation("default") > generation,
        "a speed change redeploys"
    );
    f.put(&format!("{}/reindex", f.app_path()))
        .await
        .error(400, "BAD_REQUEST");
}

#[tokio::test]
async fn sessions_expire_after_an_hour() {
    let f = start().await;
    f.double.set_date("2026-03-01", 12);
    let active = session_id(f.deploy(&music(), "").await.ok());
    let id = f.create_session(&music()).await;
    f.double.advance(Duration::from_secs(59 * 60));
    assert_eq!(f.double.session_status(id), Some(SessionStatus::New));
    f.double.advance(Duration::from_secs(2 * 60));
    assert_eq!(f.double.session_status(id), None);
    f.prepare(id, "").await.error(404, "NOT_FOUND");
    assert_eq!(
        f.double.session_status(active),
        Some(SessionStatus::Activate),
        "the active session stays"
    );
}

#[tokio::test]
async fn delete_application() {
    let f = start().await;
    f.deploy(&music(), "").await.ok();
    let v = f.delete(&format!("{TENANT}/application/default")).await;
    assert_shape(v.ok(), &[("message", "string")]);
    assert_eq!(
        f.get(&format!("{TENANT}/application/")).await.json,
        json!([])
    );
    f.delete(&format!("{TENANT}/application/default"))
        .await
        .error(404, "NOT_FOUND");
    f.get(&f.app_path()).await.error(404, "NOT_FOUND");
}

#[tokio::test]
async fn seeded_application() {
    let f = start().await;
    let id = f.double.seed(&music()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(f.double.generation("default"), Some(id));
    let v = f.get(&f.app_path()).await;
    assert_eq!(v.ok()["generation"], json!(id));
    assert!(f.double.seed(&[("x.txt", "y")]).is_err());
}

#[tokio::test]
async fn activation_failure_after_prepare() {
    let f = start().await;
    let first = session_id(f.deploy(&music(), "").await.ok());
    f.double
        .inject(Route::PrepareAndActivate, Fault::activation_failed(), 1);
    let answer = f.deploy(&music(), "").await;
    let v = answer.ok();
    assert_eq!(v["activated"], false);
    let id = session_id(v);
    assert_eq!(
        v["message"].as_str().map(|m| m.starts_with(&format!(
            "Session {id} for tenant 'default' prepared, but activation failed: "
        ))),
        Some(true),
        "{v}"
    );
    assert_eq!(f.double.generation("default"), Some(first));
    assert_eq!(f.double.session_status(id), Some(SessionStatus::Prepare));
    // activating the prepared session later works
    f.activate(id, "").await.ok();
    assert_eq!(f.double.generation("default"), Some(id));
}

#[tokio::test]
async fn older_profile_has_no_activated_field() {
    let f = start_with(Options {
        profile: vespa_double::Profile::Older,
        ..Options::default()
    })
    .await;
    let answer = f.deploy(&music(), "").await;
    let v = answer.ok();
    assert!(v.get("activated").is_none(), "{v}");
    f.double
        .inject(Route::PrepareAndActivate, Fault::activation_failed(), 1);
    f.deploy(&music(), "")
        .await
        .error(409, "APPLICATION_LOCK_FAILURE");
}
