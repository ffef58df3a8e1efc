//! The Vespa corpus (`SEADIFF_CORPORA/vespa`, default `<workspace>/../shared/corpora/vespa`):
//! every `.sd` and `.profile` parses, printing and parsing again gives an equal model, the
//! deliberately broken file fails with a position, the Onyx templates render and parse, and
//! every `services.xml` is read.
//!
//! A missing corpus is a failure, never a skip.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use differ::vespa::sd::{self, FieldType, SdFile};
use differ::vespa::services::{self, DocMode};

fn corpus() -> PathBuf {
    let base = std::env::var_os("SEADIFF_CORPORA").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpora"),
        PathBuf::from,
    );
    let dir = base.join("vespa");
    assert!(
        dir.join("README.md").is_file(),
        "the Vespa corpus is missing: {} has no README.md. Set SEADIFF_CORPORA to the directory \
         holding `vespa/` (default: <workspace>/../shared/corpora).",
        dir.display()
    );
    dir
}

fn files_with(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, suffix: &str, out: &mut Vec<PathBuf>) {
        let entries =
            std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
        for e in entries {
            let p = e.expect("directory entry").path();
            if p.is_dir() {
                walk(&p, suffix, out);
            } else if p.to_string_lossy().ends_with(suffix) {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, suffix, &mut out);
    out.sort();
    out
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

fn rel(dir: &Path, p: &Path) -> String {
    p.strip_prefix(dir).unwrap_or(p).display().to_string()
}

const INVALID: &str = "examples/invalid_sd_no_closing_bracket.sd";
const ONYX_PLACEHOLDERS: &str = "app_config/schemas/danswer_chunk.sd";

/// parse → print → parse gives an equal model, and printing is a fixed point.
fn round_trip(name: &str, src: &str) -> Result<SdFile, String> {
    let parsed = sd::parse(src, name).map_err(|e| format!("does not parse: {e}"))?;
    let printed = sd::print(&parsed);
    let reparsed = sd::parse(&printed, name)
        .map_err(|e| format!("printed form does not parse: {e}\n--- printed ---\n{printed}"))?;
    if reparsed != parsed {
        return Err(format!(
            "printed form parses to a different model\n--- printed ---\n{printed}\n--- first ---\n{parsed:#?}\n--- second ---\n{reparsed:#?}"
        ));
    }
    let printed_again = sd::print(&reparsed);
    if printed_again != printed {
        return Err(format!(
            "printing is not a fixed point\n--- first ---\n{printed}\n--- second ---\n{printed_again}"
        ));
    }
    Ok(parsed)
}

fn fail_all(failures: &BTreeMap<String, String>) {
    if !failures.is_empty() {
        let report: Vec<String> = failures
            .iter()
            .map(|(file, why)| format!("== {file}: {why}"))
            .collect();
        panic!(
            "{} corpus file(s) failed:\n{}",
            failures.len(),
            report.join("\n\n")
        );
    }
}

#[test]
fn every_schema_parses_and_round_trips() {
    let dir = corpus();
    let files = files_with(&dir, ".sd");
    assert!(
        files.len() >= 55,
        "expected the corpus' 55 .sd files, found {}",
        files.len()
    );
    let mut failures = BTreeMap::new();
    let mut parsed = 0;
    for p in &files {
        let name = rel(&dir, p);
        if name.ends_with(INVALID) || name.ends_with(ONYX_PLACEHOLDERS) {
            continue;
        }
        match round_trip(&name, &read(p)) {
            Ok(_) => parsed += 1,
            Err(why) => {
                failures.insert(name, why);
            }
        }
    }
    fail_all(&failures);
    assert_eq!(parsed, files.len() - 2);
}

#[test]
fn every_profile_parses_and_round_trips() {
    let dir = corpus();
    let files = files_with(&dir, ".profile");
    assert_eq!(files.len(), 5, "expected the corpus' 5 .profile files");
    let mut failures = BTreeMap::new();
    for p in &files {
        let name = rel(&dir, p);
        let result = sd::parse_profile(&read(p), &name)
            .map_err(|e| format!("does not parse: {e}"))
            .and_then(|profile| {
                let printed = sd::print_profile(&profile);
                let again = sd::parse_profile(&printed, &name)
                    .map_err(|e| format!("printed form does not parse: {e}\n{printed}"))?;
                if again == profile {
                    Ok(())
                } else {
                    Err(format!("printed form differs:\n{printed}"))
                }
            });
        if let Err(why) = result {
            failures.insert(name, why);
        }
    }
    fail_all(&failures);
}

#[test]
fn the_unclosed_schema_fails_with_line_and_column() {
    let dir = corpus();
    let p = dir
        .join("vespa-config-model/config-model/src/test")
        .join(INVALID);
    let err = sd::parse(&read(&p), "invalid_sd_no_closing_bracket.sd").unwrap_err();
    // The file has 7 lines ending in a newline; the error is at the end of the file.
    assert_eq!((err.line, err.column), (8, 1), "{err}");
    assert!(err.message.contains("expected `}`"), "{err}");
    assert!(err.message.contains("schema noclosingbracket"), "{err}");
    assert!(
        err.to_string()
            .starts_with("invalid_sd_no_closing_bracket.sd:8:1: "),
        "{err}"
    );
}

/// Just what the Onyx templates use: `{{ var }}` and `{% if var %}…{% endif %}`.
fn render_jinja(template: &str, vars: &[(&str, &str)], flags: &[(&str, bool)]) -> String {
    let mut out = String::new();
    let mut rest = template;
    let mut emit: Vec<bool> = Vec::new();
    while let Some(i) = rest.find("{%") {
        if emit.iter().all(|e| *e) {
            out.push_str(&rest[..i]);
        }
        let end = rest[i..].find("%}").expect("unclosed {% tag") + i;
        let tag = rest[i + 2..end].trim();
        if let Some(cond) = tag.strip_prefix("if ") {
            let value = flags
                .iter()
                .find(|(k, _)| *k == cond.trim())
                .unwrap_or_else(|| panic!("unknown template flag `{cond}`"))
                .1;
            emit.push(value);
        } else if tag == "endif" {
            emit.pop().expect("endif without if");
        } else {
            panic!("unsupported template tag `{tag}`");
        }
        rest = &rest[end + 2..];
    }
    assert!(emit.is_empty(), "unclosed if");
    out.push_str(rest);
    let mut result = out;
    while let Some(i) = result.find("{{") {
        let end = result[i..].find("}}").expect("unclosed {{") + i;
        let var = result[i + 2..end].trim().to_string();
        let value = vars
            .iter()
            .find(|(k, _)| *k == var)
            .unwrap_or_else(|| panic!("unknown template variable `{var}`"))
            .1;
        result.replace_range(i..end + 2, value);
    }
    result
}

#[test]
fn the_onyx_jinja_schema_renders_and_parses() {
    let dir = corpus();
    let p = dir
        .join("onyx/backend/onyx/document_index/vespa/app_config/schemas/danswer_chunk.sd.jinja");
    let template = read(&p);
    for multi_tenant in [false, true] {
        let src = render_jinja(
            &template,
            &[
                ("schema_name", "danswer_chunk_test"),
                ("dim", "384"),
                ("embedding_precision", "float"),
            ],
            &[("multi_tenant", multi_tenant)],
        );
        let name = format!("danswer_chunk.sd.jinja (multi_tenant={multi_tenant})");
        let file = round_trip(&name, &src).unwrap_or_else(|e| panic!("{name}: {e}"));
        let schema = file.as_schema().expect("a schema");
        assert_eq!(schema.name, "danswer_chunk_test");
        let doc = schema.document.as_ref().expect("a document");
        assert_eq!(doc.fields.contains_key("tenant_id"), multi_tenant);
        assert_eq!(
            doc.fields["embeddings"].ty.to_string(),
            "tensor<float>(t{},x[384])"
        );
        assert!(schema.structs.contains_key("kg_relationship"));
        assert!(
            schema
                .rank_profiles
                .contains_key("hybrid_search_semantic_base_384")
        );
        let kg = &doc.fields["kg_relationships"];
        assert_eq!(kg.ty.to_string(), "Array<kg_relationship>");
        assert!(kg.struct_fields["source"].has_attribute());
        assert!(kg.struct_fields["source"].attribute.fast_search);
    }
}

#[test]
fn the_onyx_placeholder_schema_parses_after_onyx_substitutions() {
    let dir = corpus();
    let p = dir.join("onyx/backend/onyx/document_index/vespa/app_config/schemas/danswer_chunk.sd");
    let raw = read(&p);
    // As written, the placeholders are not Vespa syntax: a positioned error.
    let err = sd::parse(&raw, "danswer_chunk.sd").unwrap_err();
    assert_eq!((err.line, err.column), (3, 9), "{err}");
    let tenant = "field tenant_id type string {\n indexing: summary | attribute\n rank: filter\n attribute: fast-search\n }";
    for tenant_field in ["", tenant] {
        let src = raw
            .replace("DANSWER_CHUNK_NAME", "danswer_chunk")
            .replace("TENANT_ID_REPLACEMENT", tenant_field)
            .replace("VARIABLE_DIM", "768")
            .replace("EMBEDDING_PRECISION", "bfloat16");
        let file = round_trip("danswer_chunk.sd", &src).unwrap_or_else(|e| panic!("{e}"));
        let schema = file.as_schema().expect("a schema");
        let doc = schema.document.as_ref().expect("a document");
        assert_eq!(
            doc.fields.contains_key("tenant_id"),
            !tenant_field.is_empty()
        );
        assert_eq!(
            doc.fields["title_embedding"].ty.to_string(),
            "tensor<bfloat16>(x[768])"
        );
        // `indexing : summary` (a space before the colon) is the same script.
        assert!(doc.fields["primary_owners"].has_summary());
        assert!(doc.fields["primary_owners"].has_attribute());
    }
}

#[test]
fn every_services_xml_parses() {
    let dir = corpus();
    let files = files_with(&dir, "services.xml");
    assert_eq!(files.len(), 4, "expected the corpus' 4 services.xml files");
    let mut types = BTreeMap::new();
    for p in &files {
        let s =
            services::parse_services(&read(p)).unwrap_or_else(|e| panic!("{}: {e}", rel(&dir, p)));
        assert!(
            !s.content.is_empty(),
            "{}: no content cluster",
            rel(&dir, p)
        );
        assert!(!s.containers.is_empty(), "{}: no container", rel(&dir, p));
        types.insert(rel(&dir, p), s);
    }
    let news = &types["sample-apps/news/app-7-parent-child/src/main/application/services.xml"];
    assert_eq!(news.document_types(), ["news", "user", "category_ctr"]);
    let (cluster, ctr) = news.find_document("category_ctr").expect("category_ctr");
    assert_eq!(cluster.id, "mind");
    assert!(ctr.global);
    assert_eq!(cluster.min_redundancy, Some(2));
    let mail = &types["sample-apps/vector-streaming-search/services.xml"];
    assert_eq!(
        mail.find_document("mail").expect("mail").1.mode,
        DocMode::Streaming
    );

    // Onyx's template, with one index per embedding model.
    let template =
        read(&dir.join("onyx/backend/onyx/document_index/vespa/app_config/services.xml.jinja"));
    let rendered = render_jinja(
        &template,
        &[
            (
                "document_elements",
                r#"<document type="danswer_chunk_a" mode="index" /><document type="danswer_chunk_b" mode="index" />"#,
            ),
            ("resource_limits_disk", "0.75"),
            ("num_search_threads", "4"),
        ],
        &[],
    );
    let onyx = services::parse_services(&rendered).unwrap_or_else(|e| panic!("onyx: {e}"));
    assert_eq!(onyx.content[0].id, "danswer_index");
    assert_eq!(onyx.content[0].redundancy, Some(1));
    assert_eq!(
        onyx.document_types(),
        ["danswer_chunk_a", "danswer_chunk_b"]
    );
    assert_eq!(onyx.containers, ["default"]);
}

#[test]
fn corpus_semantics_spot_checks() {
    let dir = corpus();
    let load = |p: &str| -> SdFile {
        let path = dir.join(p);
        sd::parse(&read(&path), p).unwrap_or_else(|e| panic!("{e}"))
    };
    // Parent/child: reference and imported field.
    let news = load("sample-apps/news/app-7-parent-child/src/main/application/schemas/news.sd");
    let news = news.as_schema().expect("schema");
    assert_eq!(
        news.field("category_ctr_ref").expect("field").ty,
        FieldType::Reference("category_ctr".into())
    );
    let imported = &news.imported_fields["global_category_ctrs"];
    assert_eq!(
        (
            imported.reference_field.as_str(),
            imported.target_field.as_str()
        ),
        ("category_ctr_ref", "ctrs")
    );
    // hnsw parameters and the distance metric.
    let hnsw = load("vespa-config-model/config-model/src/test/derived/hnsw_index/test.sd");
    let t1 = hnsw.as_schema().and_then(|s| s.field("t1")).expect("t1");
    let h = t1.hnsw().expect("hnsw");
    assert_eq!(
        (h.max_links_per_node, h.neighbors_to_explore_at_insert),
        (32, 300)
    );
    assert!(!h.multi_threaded_indexing);
    assert_eq!(
        t1.attribute.distance_metric.vespa_name(),
        "PRENORMALIZED_ANGULAR"
    );
    // Tensor spellings are canonical.
    let tensor = load("vespa-config-model/config-model/src/test/derived/tensor/tensor.sd");
    let tensor = tensor.as_schema().expect("schema");
    assert_eq!(
        tensor.field("f1").expect("f1").ty.to_string(),
        "tensor(x[3])"
    );
    assert_eq!(
        tensor.field("f2").expect("f2").ty.to_string(),
        "tensor<float>(x[2],y[1])"
    );
    // Synthetic fields: inputs and the embed chain.
    let rag = load("sample-apps/rag-blueprint/app/schemas/doc.sd");
    let rag = rag.as_schema().expect("schema");
    let chunks = &rag.fields["chunk_embeddings"];
    let script = chunks.indexing.as_ref().expect("indexing");
    assert_eq!(script.input_fields(), ["text"]);
    assert_eq!(
        script.to_string(),
        "input text | chunk fixed-length 1024 | embed | pack_bits | attribute | index"
    );
    assert_eq!(chunks.ty.to_string(), "tensor<int8>(chunk{},x[96])");
    // Legacy `search` root, `index default: prefix`, aliases.
    let complex = load("vespa-config-model/config-model/src/test/derived/complex/complex.sd");
    let complex = complex.as_schema().expect("schema");
    let title = complex.field("title").expect("title");
    assert!(title.extra_indexes["default"].prefix);
    assert!(title.aliases["default"].contains("some.default"));
    let year_sub = complex.field("year_sub").expect("year_sub");
    assert_eq!(
        year_sub.indexing.as_ref().expect("indexing").to_string(),
        "input yEaR - 1900 | attribute"
    );
    // Document-only inheritance.
    let child = load("vespa-config-model/config-model/src/test/derived/inheritance/father.sd");
    assert!(matches!(&child, SdFile::Document(d) if d.inherits == ["grandparent"]));
}
