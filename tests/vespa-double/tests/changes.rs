//! Change classification, one test per row of the notes' §6 table: deploy v1, then v2, and check
//! the action kind, validation id, cluster and document type; refusal without an override and
//! acceptance with one. Then the validation-overrides rules.

mod common;

use common::*;
use serde_json::{Value, json};
use vespa_double::{Environment, Options, Profile};

const TODAY: &str = "2026-03-01";
const SOON: &str = "2026-03-05";

async fn fixture(profile: Profile) -> Fixture {
    let f = start_with(Options {
        profile,
        ..Options::default()
    })
    .await;
    f.double.set_date(TODAY, 12);
    f
}

/// Deletes the application, then deploys `files` as a first deployment.
async fn fresh(f: &Fixture, files: &[(String, String)]) {
    if f.double.generation("default").is_some() {
        f.delete(&format!("{TENANT}/application/default"))
            .await
            .ok();
    }
    let first = f.deploy(files, "").await;
    assert_eq!(
        first.ok()["configChangeActions"],
        json!({ "restart": [], "refeed": [], "reindex": [] })
    );
}

/// Deploys `v1`, then `v2`; answers v2's `configChangeActions` (v2 must need no override).
async fn actions(f: &Fixture, v1: &[(String, String)], v2: &[(String, String)]) -> Value {
    fresh(f, v1).await;
    let answer = f.deploy(v2, "").await;
    let v = answer.ok().clone();
    assert_actions_shape(&v["configChangeActions"]);
    v["configChangeActions"].clone()
}

/// Deploys `v1`, then `v2` without overrides (refused, asking for exactly `ids`), then with them
/// (accepted); answers the accepted deploy's actions.
async fn blocked(
    f: &Fixture,
    v1: &[(String, String)],
    v2: &[(String, String)],
    ids: &[&str],
) -> Value {
    fresh(f, v1).await;
    let generation = f.double.generation("default");
    let message = f
        .deploy(v2, "")
        .await
        .error(400, "INVALID_APPLICATION_PACKAGE");
    assert!(message.starts_with("Invalid application: "), "{message}");
    let mut required = required_overrides(&message);
    required.sort();
    let mut expected: Vec<String> = ids.iter().map(|s| (*s).to_owned()).collect();
    expected.sort();
    assert_eq!(required, expected, "{message}");
    assert_eq!(
        f.double.generation("default"),
        generation,
        "a refused deploy changes nothing"
    );
    let allows: Vec<(&str, &str)> = ids.iter().map(|id| (*id, SOON)).collect();
    let answer = f.deploy(&with_overrides(v2.to_vec(), &allows), "").await;
    let v = answer.ok().clone();
    assert_actions_shape(&v["configChangeActions"]);
    v["configChangeActions"].clone()
}

fn field(name: &str, ty: &str, body: &str) -> String {
    format!("    field {name} type {ty} {{\n      {body}\n    }}\n")
}

fn none(a: &Value) {
    assert_eq!(a, &json!({ "restart": [], "refeed": [], "reindex": [] }));
}

/// The single restart entry: search nodes of cluster `c`, with messages.
#[track_caller]
fn restart_messages(a: &Value) -> Vec<String> {
    let restart = a["restart"].as_array().cloned().unwrap_or_default();
    assert_eq!(restart.len(), 1, "{a}");
    assert_eq!(restart[0]["clusterName"], "c");
    assert_eq!(restart[0]["clusterType"], "search");
    assert_eq!(restart[0]["serviceType"], "searchnode");
    assert_eq!(
        restart[0]["services"][0]["configId"],
        "c/search/cluster.c/0"
    );
    assert_eq!(a["refeed"], json!([]), "{a}");
    assert_eq!(a["reindex"], json!([]), "{a}");
    messages(a, "restart")
}

#[track_caller]
fn single(a: &Value, kind: &str, name: &str) -> Vec<String> {
    let entries = a[kind].as_array().cloned().unwrap_or_default();
    assert_eq!(entries.len(), 1, "{a}");
    assert_eq!(entries[0]["name"], name, "{a}");
    assert_eq!(entries[0]["documentType"], "doc");
    assert_eq!(entries[0]["clusterName"], "c");
    messages(a, kind)
}

#[tokio::test]
async fn adding_and_removing_fields_needs_nothing() {
    let f = fixture(Profile::Newer).await;
    let a = field("a", "string", "indexing: summary | index");
    let b = field("b", "int", "indexing: summary | attribute");
    none(&actions(&f, &doc_app(&a, ""), &doc_app(&format!("{a}{b}"), "")).await);
    none(&actions(&f, &doc_app(&format!("{a}{b}"), ""), &doc_app(&b, "")).await);
}

#[tokio::test]
async fn data_type_change_is_a_refeed() {
    let f = fixture(Profile::Newer).await;
    let v1 = doc_app(&field("f", "string", "indexing: summary | attribute"), "");
    let v2 = doc_app(&field("f", "int", "indexing: summary | attribute"), "");
    let a = blocked(&f, &v1, &v2, &["field-type-change"]).await;
    let m = single(&a, "refeed", "field-type-change");
    assert_eq!(
        m,
        ["Document type 'doc': Field 'f' changed: data type: 'string' -> 'int'"]
    );
    assert_eq!(a["refeed"][0]["services"][0]["serviceType"], "searchnode");
}

#[tokio::test]
async fn collection_tensor_and_struct_type_changes_are_refeeds() {
    let f = fixture(Profile::Newer).await;
    let v1 = doc_app(&field("tags", "array<string>", "indexing: summary"), "");
    let v2 = doc_app(
        &field("tags", "weightedset<string>", "indexing: summary"),
        "",
    );
    let a = blocked(&f, &v1, &v2, &["field-type-change"]).await;
    assert_eq!(
        single(&a, "refeed", "field-type-change"),
        [
            "Document type 'doc': Field 'tags' changed: data type: 'Array<string>' -> 'WeightedSet<string>'"
        ]
    );

    let t = |ty: &str| doc_app(&field("e", ty, "indexing: attribute"), "");
    let a = blocked(
        &f,
        &t("tensor<float>(x[384])"),
        &t("tensor<float>(x[768])"),
        &["field-type-change"],
    )
    .await;
    assert_eq!(
        single(&a, "refeed", "field-type-change"),
        [
            "Document type 'doc': Field 'e' changed: data type: 'tensor<float>(x[384])' -> 'tensor<float>(x[768])'"
        ]
    );
    blocked(
        &f,
        &t("tensor<float>(x[768])"),
        &t("tensor<bfloat16>(x[768])"),
        &["field-type-change"],
    )
    .await;
    // canonical forms are equal
    none(&actions(&f, &t("tensor<double>(x[2],a{})"), &t("tensor(a{},x[2])")).await);

    let s = |ty: &str| {
        doc_app(
            &format!(
                "    struct s {{\n      field a type {ty} {{}}\n    }}\n{}",
                field("f", "s", "indexing: summary")
            ),
            "",
        )
    };
    let a = blocked(&f, &s("int"), &s("long"), &["field-type-change"]).await;
    assert_eq!(
        single(&a, "refeed", "field-type-change"),
        ["Document type 'doc': Field 'f' changed: data type: 's:{a:int}' -> 's:{a:long}'"]
    );
    let r = |target: &str| {
        doc_app(
            &field("r", &format!("reference<{target}>"), "indexing: attribute"),
            "",
        )
    };
    let apps = |target: &str| {
        let mut files = r(target);
        files[0].1 = services(&[(
            "c",
            &[("doc", "index"), ("p1", "index:true"), ("p2", "index:true")],
        )]);
        for p in ["p1", "p2"] {
            files.push((
                format!("schemas/{p}.sd"),
                format!("schema {p} {{\n  document {p} {{\n  }}\n}}\n"),
            ));
        }
        files
    };
    blocked(&f, &apps("p1"), &apps("p2"), &["field-type-change"]).await;
}

#[tokio::test]
async fn attribute_aspect_changes_restart() {
    let f = fixture(Profile::Newer).await;
    let v1 = doc_app(&field("f", "int", "indexing: summary"), "");
    let v2 = doc_app(&field("f", "int", "indexing: summary | attribute"), "");
    let a = actions(&f, &v1, &v2).await;
    assert_eq!(
        restart_messages(&a),
        ["Document type 'doc': Field 'f' changed: add attribute aspect"]
    );
    let a = actions(&f, &v2, &v1).await;
    assert_eq!(
        restart_messages(&a),
        ["Document type 'doc': Field 'f' changed: remove attribute aspect"]
    );
    // index before and after: removing the attribute needs no restart
    let i1 = doc_app(
        &field("s", "string", "indexing: summary | index | attribute"),
        "",
    );
    let i2 = doc_app(&field("s", "string", "indexing: summary | index"), "");
    none(&actions(&f, &i1, &i2).await);
}

#[tokio::test]
async fn attribute_settings_restart() {
    let f = fixture(Profile::Newer).await;
    let attr = |settings: &str| {
        doc_app(
            &field(
                "f",
                "string",
                &format!("indexing: summary | attribute\n      {settings}"),
            ),
            "",
        )
    };
    let a = actions(&f, &attr(""), &attr("attribute: fast-search")).await;
    assert_eq!(
        restart_messages(&a),
        ["Document type 'doc': Field 'f' changed: add attribute 'fast-search'"]
    );
    let a = actions(
        &f,
        &attr("attribute: fast-search"),
        &attr("attribute: fast-access"),
    )
    .await;
    assert_eq!(restart_messages(&a).len(), 2);
    let a = actions(
        &f,
        &attr("attribute: fast-access"),
        &attr("attribute: fast-access\n      rank: filter"),
    )
    .await;
    assert_eq!(
        restart_messages(&a),
        ["Document type 'doc': Field 'f' changed: add attribute 'rank: filter'"]
    );
    let a = actions(
        &f,
        &attr(""),
        &attr("attribute: fast-search\n      dictionary: hash"),
    )
    .await;
    let m = restart_messages(&a);
    assert!(m.contains(&"Document type 'doc': Field 'f' changed: change property 'dictionary: btree/hash' from 'BTREE' to 'HASH'".to_owned()), "{m:?}");
    // adding paged restarts; removing it also needs an override
    let a = actions(&f, &attr(""), &attr("attribute: paged")).await;
    assert_eq!(
        restart_messages(&a),
        ["Document type 'doc': Field 'f' changed: add attribute 'paged'"]
    );
    let a = blocked(
        &f,
        &attr("attribute: paged"),
        &attr(""),
        &["paged-setting-removal"],
    )
    .await;
    assert_eq!(
        restart_messages(&a),
        ["Document type 'doc': Field 'f' changed: remove attribute 'paged'"]
    );
}

fn vector(attribute: &str, index: &str) -> Vec<(String, String)> {
    let indexing = if index.is_empty() {
        "indexing: attribute"
    } else {
        "indexing: attribute | index"
    };
    doc_app(
        &field(
            "e",
            "tensor<float>(x[4])",
            &format!("{indexing}\n      {attribute}\n      {index}"),
        ),
        "",
    )
}

#[tokio::test]
async fn distance_metric_and_hnsw_newer() {
    let f = fixture(Profile::Newer).await;
    let hnsw = "index { hnsw { max-links-per-node: 16 } }";
    let a = blocked(
        &f,
        &vector("attribute { distance-metric: euclidean }", hnsw),
        &vector("attribute { distance-metric: angular }", hnsw),
        &["hnsw-settings-change"],
    )
    .await;
    assert_eq!(
        restart_messages(&a),
        [
            "Document type 'doc': Field 'e' changed: change property 'distance-metric' from 'EUCLIDEAN' to 'ANGULAR'"
        ]
    );
    // without hnsw: a restart only
    let a = actions(
        &f,
        &vector("attribute { distance-metric: euclidean }", ""),
        &vector("attribute { distance-metric: angular }", ""),
    )
    .await;
    assert_eq!(restart_messages(&a).len(), 1);
    let a = blocked(
        &f,
        &vector("", hnsw),
        &vector("", "index { hnsw { max-links-per-node: 4 } }"),
        &["hnsw-settings-change"],
    )
    .await;
    assert_eq!(
        restart_messages(&a),
        [
            "Document type 'doc': Field 'e' changed: change hnsw index property 'max-links-per-node' from '16' to '4'"
        ]
    );
    let a = actions(
        &f,
        &vector("", hnsw),
        &vector("", "index { hnsw { neighbors-to-explore-at-insert: 100 } }"),
    )
    .await;
    assert_eq!(
        restart_messages(&a),
        [
            "Document type 'doc': Field 'e' changed: change hnsw index property 'neighbors-to-explore-at-insert' from '200' to '100'"
        ]
    );
    // adding or removing the hnsw index: a restart
    let a = actions(&f, &vector("", ""), &vector("", hnsw)).await;
    assert_eq!(
        restart_messages(&a),
        ["Document type 'doc': Field 'e' changed: add attribute 'indexing: index'"]
    );
}

#[tokio::test]
async fn distance_metric_and_hnsw_older() {
    let f = fixture(Profile::Older).await;
    let hnsw = "index { hnsw { max-links-per-node: 16 } }";
    let a = actions(
        &f,
        &vector("attribute { distance-metric: euclidean }", hnsw),
        &vector("attribute { distance-metric: angular }", hnsw),
    )
    .await;
    assert_eq!(restart_messages(&a).len(), 1);
    let a = actions(
        &f,
        &vector("", hnsw),
        &vector("", "index { hnsw { max-links-per-node: 4 } }"),
    )
    .await;
    assert_eq!(restart_messages(&a).len(), 1);
}

fn structs(attrs: &str) -> Vec<(String, String)> {
    let body = format!(
        "    struct person {{\n      field name type string {{}}\n      field age type int {{}}\n    }}\n    field people type array<person> {{\n      indexing: summary\n{attrs}    }}\n"
    );
    doc_app(&body, "")
}

#[tokio::test]
async fn struct_field_attribute_newer_restarts() {
    let f = fixture(Profile::Newer).await;
    let with = "      struct-field name {\n        indexing: attribute\n      }\n";
    let a = actions(&f, &structs(""), &structs(with)).await;
    assert_eq!(
        restart_messages(&a),
        ["Document type 'doc': Field 'people.name' changed: add attribute aspect"]
    );
}

#[tokio::test]
async fn struct_field_attribute_older_refeeds() {
    let f = fixture(Profile::Older).await;
    let with = "      struct-field name {\n        indexing: attribute\n      }\n";
    let a = blocked(&f, &structs(""), &structs(with), &["field-type-change"]).await;
    assert_eq!(
        single(&a, "refeed", "field-type-change"),
        ["Document type 'doc': Field 'people.name' changed: add attribute aspect"]
    );
}

#[tokio::test]
async fn indexing_changes_reindex() {
    let f = fixture(Profile::Newer).await;
    let s = |body: &str| doc_app(&field("t", "string", body), "");
    let a = blocked(
        &f,
        &s("indexing: summary"),
        &s("indexing: summary | index"),
        &["indexing-change"],
    )
    .await;
    let m = single(&a, "reindex", "indexing-change");
    assert!(
        m[0].starts_with(
            "Document type 'doc': Field 't' changed: add index aspect, indexing script: '"
        ),
        "{m:?}"
    );
    let a = blocked(
        &f,
        &s("indexing: summary | index"),
        &s("indexing: summary | index\n      stemming: none"),
        &["indexing-change"],
    )
    .await;
    assert!(
        single(&a, "reindex", "indexing-change")[0].contains("stemming: 'best' -> 'none'"),
        "{a}"
    );
    let a = blocked(
        &f,
        &s("indexing: summary | index"),
        &s("indexing: summary | index\n      match: exact"),
        &["indexing-change"],
    )
    .await;
    assert!(
        single(&a, "reindex", "indexing-change")[0].contains("matching: 'text' -> 'exact'"),
        "{a}"
    );
    blocked(
        &f,
        &s("indexing: summary | index"),
        &s("indexing: summary | index\n      normalizing: none"),
        &["indexing-change"],
    )
    .await;
    let a = blocked(
        &f,
        &s("indexing: summary | index"),
        &s("indexing: summary"),
        &["indexing-change"],
    )
    .await;
    assert!(
        single(&a, "reindex", "indexing-change")[0].contains("remove index aspect"),
        "{a}"
    );
    // set_language and embed input are script changes
    let l1 = doc_app(
        &format!(
            "{}{}",
            field("lang", "string", "indexing: summary"),
            field("t", "string", "indexing: summary | index")
        ),
        "",
    );
    let l2 = doc_app(
        &format!(
            "{}{}",
            field("lang", "string", "indexing: input lang | set_language"),
            field("t", "string", "indexing: summary | index")
        ),
        "",
    );
    blocked(&f, &l1, &l2, &["indexing-change"]).await;
    // dynamic summary on a summary-only string field
    let a = blocked(
        &f,
        &s("indexing: summary"),
        &s("indexing: summary\n      summary: dynamic"),
        &["indexing-change"],
    )
    .await;
    assert!(
        single(&a, "reindex", "indexing-change")[0]
            .contains("summary field 't' transform: 'none' -> 'dynamicteaser'"),
        "{a}"
    );
}

#[tokio::test]
async fn only_summary_or_attribute_verbs_need_no_reindex() {
    let f = fixture(Profile::Newer).await;
    let s = |body: &str| doc_app(&field("t", "string", body), "");
    none(&actions(&f, &s("indexing: summary | index"), &s("indexing: index")).await);
    let a = actions(
        &f,
        &s("indexing: summary"),
        &s("indexing: summary | attribute"),
    )
    .await;
    assert_eq!(
        restart_messages(&a),
        ["Document type 'doc': Field 't' changed: add attribute aspect"]
    );
}

#[tokio::test]
async fn new_synthetic_field_reindexes_without_override() {
    let f = fixture(Profile::Newer).await;
    let t = field("t", "string", "indexing: summary | index");
    let synthetic = "  field t_exact type string {\n    indexing: input t | attribute\n  }\n";
    let a = actions(&f, &doc_app(&t, ""), &doc_app(&t, synthetic)).await;
    let m = single(&a, "reindex", "reindexing");
    assert_eq!(
        m,
        [
            "Document type 'doc': Non-document field 't_exact' added; this may be populated by reindexing"
        ]
    );
}

#[tokio::test]
async fn rank_profiles_fieldsets_and_new_schemas_need_nothing() {
    let f = fixture(Profile::Newer).await;
    let t = field("t", "string", "indexing: summary | index");
    let v2 = doc_app(
        &t,
        "  fieldset default {\n    fields: t\n  }\n  rank-profile r {\n    first-phase {\n      expression: nativeRank(t)\n    }\n  }\n",
    );
    none(&actions(&f, &doc_app(&t, ""), &v2).await);
    let mut v3 = v2.clone();
    v3[0].1 = services(&[("c", &[("doc", "index"), ("other", "index")])]);
    v3.push((
        "schemas/other.sd".to_owned(),
        "schema other {\n  document other {\n  }\n}\n".to_owned(),
    ));
    none(&actions(&f, &v2, &v3).await);
}

#[tokio::test]
async fn schema_removal_is_blocked() {
    let f = fixture(Profile::Newer).await;
    let t = field("t", "string", "indexing: summary");
    let mut v1 = doc_app(&t, "");
    v1[0].1 = services(&[("c", &[("doc", "index"), ("other", "index")])]);
    v1.push((
        "schemas/other.sd".to_owned(),
        "schema other {\n  document other {\n  }\n}\n".to_owned(),
    ));
    let v2 = doc_app(&t, "");
    f.deploy(&v1, "").await.ok();
    let message = f
        .deploy(&v2, "")
        .await
        .error(400, "INVALID_APPLICATION_PACKAGE");
    assert!(message.contains("Schema 'other' is removed in content cluster 'c'. This will cause loss of all data in this schema"), "{message}");
    assert_eq!(required_overrides(&message), ["schema-removal"]);
    // the legacy alias allows it too
    none(
        &f.deploy(&with_overrides(v2, &[("content-type-removal", SOON)]), "")
            .await
            .ok()["configChangeActions"],
    );
}

#[tokio::test]
async fn content_cluster_removal_is_blocked_and_restarts_containers() {
    let f = fixture(Profile::Newer).await;
    let t = field("t", "string", "indexing: summary");
    let mut v1 = doc_app(&t, "");
    v1[0].1 = services(&[("c", &[("doc", "index")]), ("d", &[("other", "index")])]);
    v1.push((
        "schemas/other.sd".to_owned(),
        "schema other {\n  document other {\n  }\n}\n".to_owned(),
    ));
    let a = blocked(&f, &v1, &doc_app(&t, ""), &["content-cluster-removal"]).await;
    let restart = a["restart"].as_array().cloned().unwrap_or_default();
    assert_eq!(restart.len(), 1, "{a}");
    assert_eq!(restart[0]["clusterType"], "container");
    assert_eq!(restart[0]["serviceType"], "container");
    assert_eq!(
        messages(&a, "restart"),
        ["Content cluster 'd' has been removed"]
    );
}

#[tokio::test]
async fn indexing_mode_change_reindexes() {
    let f = fixture(Profile::Newer).await;
    let t = field("t", "string", "indexing: summary | index");
    let mut v2 = doc_app(&t, "");
    v2[0].1 = services(&[("c", &[("doc", "streaming")])]);
    let a = blocked(&f, &doc_app(&t, ""), &v2, &["indexing-mode-change"]).await;
    let m = single(&a, "reindex", "indexing-mode-change");
    assert_eq!(
        m,
        ["Document type 'doc' in cluster 'c' changed indexing mode from 'indexed' to 'streaming'"]
    );
}

#[tokio::test]
async fn global_flag_change_is_blocked() {
    let f = fixture(Profile::Newer).await;
    let t = field("t", "string", "indexing: summary");
    let mut v2 = doc_app(&t, "");
    v2[0].1 = services(&[("c", &[("doc", "index:true")])]);
    let a = blocked(&f, &doc_app(&t, ""), &v2, &["global-document-change"]).await;
    none(&a);
}

#[tokio::test]
async fn streaming_fast_access_restarts() {
    let f = fixture(Profile::Newer).await;
    let streaming = |settings: &str| {
        let mut files = doc_app(
            &field(
                "n",
                "int",
                &format!("indexing: summary | attribute\n      {settings}"),
            ),
            "",
        );
        files[0].1 = services(&[("c", &[("doc", "streaming")])]);
        files
    };
    let a = actions(&f, &streaming(""), &streaming("attribute: fast-access")).await;
    assert!(
        restart_messages(&a).contains(
            &"Document type 'doc': Field 'n' changed: add fast-access attribute".to_owned()
        ),
        "{a}"
    );
}

#[tokio::test]
async fn several_failures_are_listed_per_id() {
    let f = fixture(Profile::Newer).await;
    let v1 = doc_app(
        &format!(
            "{}{}",
            field("a", "string", "indexing: summary"),
            field("b", "string", "indexing: summary")
        ),
        "",
    );
    let v2 = doc_app(
        &format!(
            "{}{}",
            field("a", "int", "indexing: summary"),
            field("b", "string", "indexing: summary | index")
        ),
        "",
    );
    f.deploy(&v1, "").await.ok();
    let message = f
        .deploy(&v2, "")
        .await
        .error(400, "INVALID_APPLICATION_PACKAGE");
    let mut ids = required_overrides(&message);
    ids.sort();
    assert_eq!(ids, ["field-type-change", "indexing-change"], "{message}");
    assert!(
        message.contains("field-type-change:\n\tDocument type 'doc': Field 'a' changed"),
        "{message}"
    );
    // one override is not enough
    let message = f
        .deploy(
            &with_overrides(v2.clone(), &[("field-type-change", SOON)]),
            "",
        )
        .await
        .error(400, "INVALID_APPLICATION_PACKAGE");
    assert_eq!(required_overrides(&message), ["indexing-change"]);
    assert!(
        message.starts_with("Invalid application: Changing what tokens are expected"),
        "newer: description first: {message}"
    );
    f.deploy(
        &with_overrides(
            v2,
            &[("field-type-change", SOON), ("indexing-change", SOON)],
        ),
        "",
    )
    .await
    .ok();
}

#[tokio::test]
async fn older_profile_prefixes_the_id() {
    let f = fixture(Profile::Older).await;
    let v1 = doc_app(&field("a", "string", "indexing: summary"), "");
    let v2 = doc_app(&field("a", "int", "indexing: summary"), "");
    f.deploy(&v1, "").await.ok();
    let message = f
        .deploy(&v2, "")
        .await
        .error(400, "INVALID_APPLICATION_PACKAGE");
    assert!(
        message.starts_with("Invalid application: field-type-change: Document type 'doc'"),
        "{message}"
    );
    assert!(message.contains("To allow this add <allow until='yyyy-mm-dd'>field-type-change</allow> to validation-overrides.xml"), "{message}");
}

fn type_change() -> (Files, Files) {
    (
        doc_app(&field("a", "string", "indexing: summary"), ""),
        doc_app(&field("a", "int", "indexing: summary"), ""),
    )
}

#[tokio::test]
async fn overrides_are_capped_at_30_days() {
    let f = fixture(Profile::Newer).await;
    let (v1, v2) = type_change();
    f.deploy(&v1, "").await.ok();
    let far = date_after(&f.double, 31);
    let message = f
        .deploy(
            &with_overrides(v2.clone(), &[("field-type-change", &far)]),
            "",
        )
        .await
        .error(400, "INVALID_APPLICATION_PACKAGE");
    assert!(
        message.contains("validation-overrides is invalid: allow 'field-type-change' until"),
        "{message}"
    );
    assert!(
        message.contains("is too far in the future: Max 30 days is allowed"),
        "{message}"
    );
    // the cap applies even when nothing needs the override; unknown ids are skipped first
    let message = f
        .deploy(
            &with_overrides(v1.clone(), &[("indexing-change", &far)]),
            "",
        )
        .await
        .error(400, "INVALID_APPLICATION_PACKAGE");
    assert!(message.contains("Max 30 days"), "{message}");
    f.deploy(&with_overrides(v1, &[("no-such-validation", &far)]), "")
        .await
        .ok();
    let ok = date_after(&f.double, 29);
    f.deploy(&with_overrides(v2, &[("field-type-change", &ok)]), "")
        .await
        .ok();
}

#[tokio::test]
async fn past_dates_are_ignored_and_until_is_inclusive() {
    let f = fixture(Profile::Newer).await;
    let (v1, v2) = type_change();
    f.deploy(&v1, "").await.ok();
    let message = f
        .deploy(
            &with_overrides(v2.clone(), &[("field-type-change", "2026-02-28")]),
            "",
        )
        .await
        .error(400, "INVALID_APPLICATION_PACKAGE");
    assert_eq!(required_overrides(&message), ["field-type-change"]);
    // valid through the whole `until` day (UTC)
    f.double.set_date(TODAY, 23);
    f.deploy(
        &with_overrides(v2.clone(), &[("field-type-change", TODAY)]),
        "dryRun=true",
    )
    .await
    .ok();
    f.double.set_date("2026-03-02", 0);
    f.deploy(
        &with_overrides(v2.clone(), &[("field-type-change", TODAY)]),
        "dryRun=true",
    )
    .await
    .error(400, "INVALID_APPLICATION_PACKAGE");
    // unknown ids are ignored
    f.deploy(
        &with_overrides(v2, &[("no-such-validation", "2026-03-03")]),
        "",
    )
    .await
    .error(400, "INVALID_APPLICATION_PACKAGE");
}

#[tokio::test]
async fn dev_environment_warns_instead() {
    let f = start_with(Options {
        environment: Environment::Dev,
        ..Options::default()
    })
    .await;
    let (v1, v2) = type_change();
    f.deploy(&v1, "").await.ok();
    let answer = f.deploy(&v2, "").await;
    let v = answer.ok();
    let log = v["log"].as_array().cloned().unwrap_or_default();
    assert!(
        log.iter().any(|e| e["level"] == "WARNING"
            && e["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("Auto-overriding validation"))),
        "{log:?}"
    );
    for entry in &log {
        assert!(
            entry["time"].is_number() && entry["level"].is_string() && entry["message"].is_string()
        );
    }
    assert_eq!(
        single(&v["configChangeActions"], "refeed", "field-type-change").len(),
        1
    );
}

#[tokio::test]
async fn actions_are_logged_as_warnings_and_dry_run_reports_them() {
    let f = fixture(Profile::Newer).await;
    let v1 = doc_app(&field("f", "int", "indexing: summary"), "");
    let v2 = doc_app(&field("f", "int", "indexing: summary | attribute"), "");
    f.deploy(&v1, "").await.ok();
    let generation = f.double.generation("default");
    let answer = f.deploy(&v2, "dryRun=true").await;
    let v = answer.ok();
    assert_eq!(v["activated"], true, "a dry run is not a failed activation");
    assert_eq!(restart_messages(&v["configChangeActions"]).len(), 1);
    let log = v["log"].as_array().cloned().unwrap_or_default();
    assert!(
        log.iter().any(|e| e["message"].as_str().is_some_and(|m| m
            .starts_with("Change(s) between active and new application that require restart:\n"))),
        "{log:?}"
    );
    assert_eq!(f.double.generation("default"), generation);
    // a dry run of a refused change reports the ids too
    let v3 = doc_app(&field("f", "string", "indexing: summary"), "");
    let message = f
        .deploy(&v3, "dryRun=true")
        .await
        .error(400, "INVALID_APPLICATION_PACKAGE");
    assert_eq!(required_overrides(&message), ["field-type-change"]);
}
