//! The shared Vespa corpus (`../shared/corpora/vespa`) deployed through the double: every
//! application and every schema builds, redeploying it unchanged needs no action, and the
//! invalid corpus file is refused with its position.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;
use differ::vespa::sd::{self, SdFile};
use serde_json::json;
use vespa_double::package;

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/vespa");
    dir.is_dir().then_some(dir)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

const INVALID: &str = "invalid_sd_no_closing_bracket.sd";

/// Deploys `files`, then the same again: the second deployment must need no action.
async fn deploy_twice(f: &Fixture, what: &str, files: &[(String, String)]) {
    if f.double.generation("default").is_some() {
        f.delete(&format!("{TENANT}/application/default"))
            .await
            .ok();
    }
    let first = f.deploy(files, "").await;
    assert_eq!(first.status, 200, "{what}: {}", first.json);
    let again = f.deploy(files, "").await;
    assert_eq!(again.status, 200, "{what}: {}", again.json);
    assert_eq!(
        again.json["configChangeActions"],
        json!({ "restart": [], "refeed": [], "reindex": [] }),
        "{what}"
    );
}

#[tokio::test]
async fn corpus_applications_redeploy_without_actions() {
    let Some(root) = corpus() else { return };
    let mut files = Vec::new();
    walk(&root, &mut files);
    let f = start().await;
    let mut apps = 0;
    for services_xml in files
        .iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "services.xml"))
    {
        let dir = services_xml.parent().unwrap_or(&root);
        let package: Vec<(String, String)> = package::read_dir(dir)
            .unwrap_or_default()
            .into_iter()
            .map(|(p, d)| (p, String::from_utf8_lossy(&d).into_owned()))
            .collect();
        deploy_twice(&f, &dir.display().to_string(), &package).await;
        // the same directory as a zip through the public helper
        let zip = package::zip_dir(dir).unwrap_or_default();
        let answer = f
            .upload(
                reqwest::Method::POST,
                &format!("{TENANT}/prepareandactivate"),
                package::CONTENT_TYPE_ZIP,
                zip,
            )
            .await;
        assert_eq!(answer.status, 200, "{}: {}", dir.display(), answer.json);
        apps += 1;
    }
    assert!(apps >= 4, "found {apps} applications");
}

#[tokio::test]
async fn corpus_schemas_redeploy_without_actions() {
    let Some(root) = corpus() else { return };
    let mut files = Vec::new();
    walk(&root, &mut files);
    // schemas grouped by directory (inheritance and references stay together), except the
    // extracted pyvespa strings, each its own application
    let mut groups: BTreeMap<String, Vec<(String, SdFile, String)>> = BTreeMap::new();
    for path in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "sd"))
    {
        // onyx's files are templates (placeholders such as `DANSWER_CHUNK_NAME`)
        if path.file_name().is_some_and(|n| n == INVALID)
            || path.components().any(|c| c.as_os_str() == "onyx")
        {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let parsed =
            sd::parse(&text, &path.display().to_string()).unwrap_or_else(|e| panic!("{e}"));
        let dir = path
            .parent()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let key = if dir.contains("extracted-from-tests") {
            path.display().to_string()
        } else {
            dir
        };
        groups
            .entry(key)
            .or_default()
            .push((path.display().to_string(), parsed, text));
    }
    let f = start().await;
    let mut deployed = 0;
    for (group, schemas) in &groups {
        let documents: Vec<(&str, &str)> = schemas
            .iter()
            .filter(|(_, p, _)| p.as_schema().is_some())
            .map(|(_, p, _)| (p.name(), "index"))
            .collect();
        let mut package = vec![("services.xml".to_owned(), services(&[("c", &documents)]))];
        for (_, parsed, text) in schemas {
            package.push((format!("schemas/{}.sd", parsed.name()), text.clone()));
        }
        deploy_twice(&f, group, &package).await;
        deployed += schemas.len();
    }
    assert!(deployed >= 50, "deployed {deployed} schemas");
}

#[tokio::test]
async fn invalid_corpus_schema_is_refused_with_its_position() {
    let Some(root) = corpus() else { return };
    let mut files = Vec::new();
    walk(&root, &mut files);
    let Some(path) = files
        .iter()
        .find(|p| p.file_name().is_some_and(|n| n == INVALID))
    else {
        panic!("{INVALID} is missing from the corpus");
    };
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let f = start().await;
    let package = app(
        &services(&[("c", &[("invalid_sd_no_closing_bracket", "index")])]),
        &[("invalid_sd_no_closing_bracket", &text)],
    );
    let message = f
        .deploy(&package, "")
        .await
        .error(400, "INVALID_APPLICATION_PACKAGE");
    assert!(
        message.contains("schemas/invalid_sd_no_closing_bracket.sd:"),
        "{message}"
    );
}
