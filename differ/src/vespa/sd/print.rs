//! Canonical Vespa syntax for the model: four-space indentation, one element per line,
//! source order kept (the maps are insertion-ordered), defaults left out.

use std::fmt::Write as _;

use indexmap::{IndexMap, IndexSet};

use super::lexer;
use super::model::*;

/// Lines of output, each with its relative indentation already applied.
type Lines = Vec<String>;

const INDENT: &str = "    ";

fn block(out: &mut Lines, head: String, body: Lines) {
    if body.is_empty() {
        out.push(format!("{head} {{}}"));
    } else {
        out.push(format!("{head} {{"));
        out.extend(body.into_iter().map(|l| {
            if l.is_empty() {
                l
            } else {
                format!("{INDENT}{l}")
            }
        }));
        out.push("}".to_string());
    }
}

/// Like [`block`], but always multi-line (for elements where `{}` would read oddly).
fn open_block(out: &mut Lines, head: String, body: Lines) {
    out.push(format!("{head} {{"));
    out.extend(body.into_iter().map(|l| {
        if l.is_empty() {
            l
        } else {
            format!("{INDENT}{l}")
        }
    }));
    out.push("}".to_string());
}

fn finish(lines: Lines) -> String {
    let mut s = String::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
    for l in lines {
        s.push_str(&l);
        s.push('\n');
    }
    s
}

/// Separates top-level groups with one empty line.
fn push_group(out: &mut Lines, group: Lines) {
    if group.is_empty() {
        return;
    }
    if !out.is_empty() {
        out.push(String::new());
    }
    out.extend(group);
}

pub(crate) fn sd_file(file: &SdFile) -> String {
    let mut out = Lines::new();
    match file {
        SdFile::Schema(s) => schema(&mut out, s),
        SdFile::Document(d) => document(&mut out, d),
    }
    finish(out)
}

pub(crate) fn profile_file(p: &RankProfile) -> String {
    let mut out = Lines::new();
    rank_profile(&mut out, p);
    finish(out)
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A word or dotted/dashed name that parses back as one word; otherwise a quoted string.
fn word_or_quoted(s: &str) -> String {
    let ok = !s.is_empty()
        && s.split(['-', '.']).all(|part| {
            !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
        && s.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
    if ok { s.to_string() } else { lexer::quote(s) }
}

fn inherits_clause(list: &[String]) -> String {
    if list.is_empty() {
        String::new()
    } else {
        format!(" inherits {}", list.join(", "))
    }
}

// ------------------------------------------------------------------------------------------
// Schema and document
// ------------------------------------------------------------------------------------------

fn schema(out: &mut Lines, s: &Schema) {
    let mut body = Lines::new();
    if let Some(d) = &s.document {
        let mut g = Lines::new();
        document(&mut g, d);
        push_group(&mut body, g);
    }
    for st in s.structs.values() {
        let mut g = Lines::new();
        struct_def(&mut g, st);
        push_group(&mut body, g);
    }
    for a in s.annotations.values() {
        let mut g = Lines::new();
        annotation(&mut g, a);
        push_group(&mut body, g);
    }
    for f in s.fields.values() {
        let mut g = Lines::new();
        field(&mut g, f);
        push_group(&mut body, g);
    }
    let mut g = Lines::new();
    for i in s.imported_fields.values() {
        g.push(format!(
            "import field {}.{} as {} {{}}",
            i.reference_field, i.target_field, i.name
        ));
    }
    push_group(&mut body, g);
    for fs in s.fieldsets.values() {
        let mut g = Lines::new();
        fieldset(&mut g, fs);
        push_group(&mut body, g);
    }
    let mut g = Lines::new();
    if let Some(st) = s.stemming {
        g.push(format!("stemming: {}", st.as_str()));
    }
    if let Some(b) = s.raw_as_base64_in_summary {
        g.push(format!("raw-as-base64-in-summary: {b}"));
    }
    push_group(&mut body, g);
    for (name, ix) in &s.indexes {
        let mut g = Lines::new();
        block(&mut g, format!("index {name}"), index_lines(ix));
        push_group(&mut body, g);
    }
    for c in s.constants.values() {
        let mut g = Lines::new();
        let mut b = Lines::new();
        if let Some(f) = &c.file {
            b.push(format!("file: {f}"));
        }
        if let Some(u) = &c.uri {
            b.push(format!("uri: {u}"));
        }
        b.push(format!("type: {}", c.ty));
        block(&mut g, format!("constant {}", c.name), b);
        push_group(&mut body, g);
    }
    for m in s.onnx_models.values() {
        let mut g = Lines::new();
        onnx_model(&mut g, m);
        push_group(&mut body, g);
    }
    for p in s.rank_profiles.values() {
        let mut g = Lines::new();
        rank_profile(&mut g, p);
        push_group(&mut body, g);
    }
    for d in s.document_summaries.values() {
        let mut g = Lines::new();
        document_summary(&mut g, d);
        push_group(&mut body, g);
    }
    let head = match &s.inherits {
        Some(p) => format!("schema {} inherits {p}", s.name),
        None => format!("schema {}", s.name),
    };
    open_block(out, head, body);
}

fn document(out: &mut Lines, d: &Document) {
    let mut body = Lines::new();
    for st in d.structs.values() {
        let mut g = Lines::new();
        struct_def(&mut g, st);
        push_group(&mut body, g);
    }
    for a in d.annotations.values() {
        let mut g = Lines::new();
        annotation(&mut g, a);
        push_group(&mut body, g);
    }
    for f in d.fields.values() {
        let mut g = Lines::new();
        field(&mut g, f);
        push_group(&mut body, g);
    }
    open_block(
        out,
        format!("document {}{}", d.name, inherits_clause(&d.inherits)),
        body,
    );
}

fn struct_def(out: &mut Lines, st: &StructDef) {
    let mut body = Lines::new();
    for f in st.fields.values() {
        field(&mut body, f);
    }
    open_block(
        out,
        format!("struct {}{}", st.name, inherits_clause(&st.inherits)),
        body,
    );
}

fn annotation(out: &mut Lines, a: &Annotation) {
    let mut body = Lines::new();
    for f in a.fields.values() {
        field(&mut body, f);
    }
    let head = match &a.inherits {
        Some(p) => format!("annotation {} inherits {p}", a.name),
        None => format!("annotation {}", a.name),
    };
    block(out, head, body);
}

fn fieldset(out: &mut Lines, fs: &FieldSet) {
    let mut body = Lines::new();
    if !fs.fields.is_empty() {
        body.push(format!(
            "fields: {}",
            fs.fields.iter().cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    for q in &fs.query_commands {
        body.push(format!("query-command: {}", word_or_quoted(q)));
    }
    match_element(&mut body, &fs.match_settings);
    open_block(out, format!("fieldset {}", fs.name), body);
}

// ------------------------------------------------------------------------------------------
// Fields
// ------------------------------------------------------------------------------------------

fn field(out: &mut Lines, f: &Field) {
    let mut b = Lines::new();
    if let Some(script) = &f.indexing {
        indexing(&mut b, script);
    }
    attribute_element(&mut b, "attribute", &f.attribute, false);
    for (name, a) in &f.extra_attributes {
        attribute_element(&mut b, &format!("attribute {name}"), a, true);
    }
    if let Some(ix) = &f.index {
        index_element(&mut b, "index", ix);
    }
    for (name, ix) in &f.extra_indexes {
        index_element(&mut b, &format!("index {name}"), ix);
    }
    match_element(&mut b, &f.match_settings);
    if let Some(s) = f.stemming {
        b.push(format!("stemming: {}", s.as_str()));
    }
    if let Some(n) = &f.normalizing {
        b.push(format!("normalizing: {n}"));
    }
    rank_element(&mut b, "rank", &f.rank);
    for (index, ty) in &f.rank_types {
        if *index == f.name {
            b.push(format!("rank-type: {ty}"));
        } else {
            b.push(format!("rank-type {index}: {ty}"));
        }
    }
    if let Some(w) = f.weight {
        b.push(format!("weight: {w}"));
    }
    if f.bolding {
        b.push("bolding: on".to_string());
    }
    summaries_in_field(&mut b, &f.name, &f.summaries);
    aliases(&mut b, &f.name, &f.aliases);
    if let Some(s) = &f.sorting {
        sorting_element(&mut b, s);
    }
    if let Some(d) = &f.dictionary {
        let mut items = Vec::new();
        match d.kind {
            DictionaryKind::Btree => {
                if d.case.is_none() {
                    items.push("btree");
                }
            }
            DictionaryKind::Hash => items.push("hash"),
            DictionaryKind::BtreeAndHash => items.extend(["btree", "hash"]),
        }
        if let Some(c) = d.case {
            items.push(c.as_str());
        }
        flags(&mut b, "dictionary", &items);
    }
    if let Some(id) = f.id {
        b.push(format!("id: {id}"));
    }
    for q in &f.query_commands {
        b.push(format!("query-command: {}", word_or_quoted(q)));
    }
    for sf in f.struct_fields.values() {
        struct_field(&mut b, sf);
    }
    if let FieldType::WeightedSet {
        create_if_nonexistent,
        remove_if_zero,
        ..
    } = &f.ty
    {
        let mut items = Vec::new();
        if *create_if_nonexistent {
            items.push("create-if-nonexistent");
        }
        if *remove_if_zero {
            items.push("remove-if-zero");
        }
        flags(&mut b, "weightedset", &items);
    }
    raw_elements(&mut b, &f.other);
    block(
        out,
        format!("field {} type {}", f.name, f.ty.sd_syntax()),
        b,
    );
}

/// `name: X` for one flag, `name { X Y }` for several, nothing for none.
fn flags(out: &mut Lines, name: &str, items: &[&str]) {
    match items {
        [] => {}
        [one] => out.push(format!("{name}: {one}")),
        many => open_block(
            out,
            name.to_string(),
            many.iter().map(|s| s.to_string()).collect(),
        ),
    }
}

/// One-line form when the body is a single known flag (no `:`, no block, no verbatim
/// element), block otherwise.
fn short_or_block(out: &mut Lines, head: &str, body: Lines, keep_empty: bool, has_raw: bool) {
    let single_flag = !has_raw && body.len() == 1 && !body[0].contains([':', '{', ' ', '"']);
    if single_flag {
        out.push(format!("{head}: {}", body[0]));
    } else if !body.is_empty() {
        open_block(out, head.to_string(), body);
    } else if keep_empty {
        out.push(format!("{head} {{}}"));
    }
}

fn struct_field(out: &mut Lines, sf: &StructField) {
    let mut b = Lines::new();
    if let Some(script) = &sf.indexing {
        indexing(&mut b, script);
    }
    attribute_element(&mut b, "attribute", &sf.attribute, false);
    match_element(&mut b, &sf.match_settings);
    rank_element(&mut b, "rank", &sf.rank);
    for q in &sf.query_commands {
        b.push(format!("query-command: {}", word_or_quoted(q)));
    }
    summaries_in_field(&mut b, &sf.name, &sf.summaries);
    for c in sf.struct_fields.values() {
        struct_field(&mut b, c);
    }
    raw_elements(&mut b, &sf.other);
    block(out, format!("struct-field {}", sf.name), b);
}

fn indexing(out: &mut Lines, script: &IndexingScript) {
    match script.statements.as_slice() {
        [one] => out.push(format!("indexing: {one}")),
        many => open_block(
            out,
            "indexing".to_string(),
            many.iter().map(|s| format!("{s};")).collect(),
        ),
    }
}

fn attribute_element(out: &mut Lines, head: &str, a: &AttributeSettings, keep_empty: bool) {
    let mut b = Lines::new();
    for (set, name) in [
        (a.fast_search, "fast-search"),
        (a.fast_access, "fast-access"),
        (a.fast_rank, "fast-rank"),
        (a.paged, "paged"),
        (a.mutable, "mutable"),
        (a.enable_only_bit_vector, "enable-only-bit-vector"),
    ] {
        if set {
            b.push(name.to_string());
        }
    }
    b.extend(a.legacy.iter().cloned());
    if a.distance_metric != DistanceMetric::default() {
        b.push(format!("distance-metric: {}", a.distance_metric.as_str()));
    }
    if let Some(s) = &a.sorting {
        let mut sb = Lines::new();
        sorting_lines(&mut sb, s);
        open_block(&mut b, "sorting".to_string(), sb);
    }
    for (aliased, set) in &a.aliases {
        for alias in set {
            if aliased.is_empty() {
                b.push(format!("alias: {alias}"));
            } else {
                b.push(format!("alias {aliased}: {alias}"));
            }
        }
    }
    short_or_block(out, head, b, keep_empty, false);
}

fn index_lines(ix: &IndexSettings) -> Lines {
    let mut b = Lines::new();
    if ix.prefix {
        b.push("prefix".to_string());
    }
    if ix.enable_bm25 {
        b.push("enable-bm25".to_string());
    }
    for a in &ix.aliases {
        b.push(format!("alias: {a}"));
    }
    if let Some(s) = ix.stemming {
        b.push(format!("stemming: {}", s.as_str()));
    }
    if let Some(v) = ix.arity {
        b.push(format!("arity: {v}"));
    }
    if let Some(v) = ix.lower_bound {
        b.push(format!("lower-bound: {v}"));
    }
    if let Some(v) = ix.upper_bound {
        b.push(format!("upper-bound: {v}"));
    }
    if let Some(v) = ix.dense_posting_list_threshold {
        b.push(format!("dense-posting-list-threshold: {v}"));
    }
    if let Some(h) = &ix.hnsw {
        let mut hb = Lines::new();
        if h.max_links_per_node != HnswSettings::DEFAULT_MAX_LINKS_PER_NODE {
            hb.push(format!("max-links-per-node: {}", h.max_links_per_node));
        }
        if h.neighbors_to_explore_at_insert != HnswSettings::DEFAULT_NEIGHBORS_TO_EXPLORE_AT_INSERT
        {
            hb.push(format!(
                "neighbors-to-explore-at-insert: {}",
                h.neighbors_to_explore_at_insert
            ));
        }
        if !h.multi_threaded_indexing {
            hb.push("multi-threaded-indexing: false".to_string());
        }
        raw_elements(&mut hb, &h.other);
        if hb.is_empty() {
            b.push("hnsw".to_string());
        } else {
            open_block(&mut b, "hnsw".to_string(), hb);
        }
    }
    raw_elements(&mut b, &ix.other);
    b
}

fn index_element(out: &mut Lines, head: &str, ix: &IndexSettings) {
    let b = index_lines(ix);
    let has_raw = !ix.other.is_empty() || ix.hnsw.as_ref().is_some_and(|h| !h.other.is_empty());
    short_or_block(out, head, b, true, has_raw);
}

fn match_element(out: &mut Lines, m: &MatchSettings) {
    let mut b = Lines::new();
    if let Some(mode) = m.mode {
        b.push(mode.as_str().to_string());
    }
    if let Some(a) = m.algorithm {
        b.push(a.as_str().to_string());
    }
    if let Some(c) = m.case {
        b.push(c.as_str().to_string());
    }
    if let Some(v) = m.gram_size {
        b.push(format!("gram-size: {v}"));
    }
    if let Some(v) = &m.exact_terminator {
        b.push(format!("exact-terminator: {}", lexer::quote(v)));
    }
    if let Some(v) = m.max_length {
        b.push(format!("max-length: {v}"));
    }
    if let Some(v) = m.max_occurrences {
        b.push(format!("max-occurrences: {v}"));
    }
    raw_elements(&mut b, &m.other);
    short_or_block(out, "match", b, false, !m.other.is_empty());
}

fn rank_element(out: &mut Lines, head: &str, r: &RankSettings) {
    let mut b = Lines::new();
    for (set, name) in [
        (r.filter, "filter"),
        (r.normal, "normal"),
        (r.literal, "literal"),
    ] {
        if set {
            b.push(name.to_string());
        }
    }
    raw_elements(&mut b, &r.other);
    short_or_block(out, head, b, false, !r.other.is_empty());
}

fn sorting_lines(b: &mut Lines, s: &Sorting) {
    if let Some(o) = s.order {
        b.push(o.as_str().to_string());
    }
    if let Some(v) = &s.function {
        b.push(format!("function: {v}"));
    }
    if let Some(v) = &s.strength {
        b.push(format!("strength: {v}"));
    }
    if let Some(v) = &s.locale {
        b.push(format!("locale: {v}"));
    }
}

fn sorting_element(out: &mut Lines, s: &Sorting) {
    let mut b = Lines::new();
    sorting_lines(&mut b, s);
    short_or_block(out, "sorting", b, false, false);
}

fn aliases(out: &mut Lines, own: &str, map: &IndexMap<String, IndexSet<String>>) {
    for (aliased, set) in map {
        for alias in set {
            if aliased == own {
                out.push(format!("alias: {alias}"));
            } else {
                out.push(format!("alias {aliased}: {alias}"));
            }
        }
    }
}

fn summary_body(s: &SummaryField) -> Lines {
    let mut b = Lines::new();
    if let Some(t) = s.transform {
        b.push(t.as_str().to_string());
    }
    if let Some(v) = s.bolding {
        b.push(format!("bolding: {}", if v { "on" } else { "off" }));
    }
    if !s.sources.is_empty() {
        b.push(format!("source: {}", s.sources.join(", ")));
    }
    if !s.destinations.is_empty() {
        b.push(format!("to: {}", s.destinations.join(", ")));
    }
    if let Some(v) = &s.select_elements_by {
        b.push(format!("select-elements-by: {v}"));
    }
    raw_elements(&mut b, &s.other);
    b
}

fn summaries_in_field(out: &mut Lines, own: &str, map: &IndexMap<String, SummaryField>) {
    for s in map.values() {
        let only_transform = s.ty.is_none()
            && s.bolding.is_none()
            && s.sources.is_empty()
            && s.destinations.is_empty()
            && s.select_elements_by.is_none()
            && s.other.is_empty();
        match s.transform {
            Some(t) if only_transform => {
                if s.name == own {
                    out.push(format!("summary: {}", t.as_str()));
                } else {
                    out.push(format!("summary {}: {}", s.name, t.as_str()));
                }
            }
            _ => {
                let head = match &s.ty {
                    Some(ty) => format!("summary {} type {}", s.name, ty.sd_syntax()),
                    None => format!("summary {}", s.name),
                };
                block(out, head, summary_body(s));
            }
        }
    }
}

fn raw_elements(out: &mut Lines, items: &[RawElement]) {
    for r in items {
        match &r.value {
            RawValue::Flag => out.push(r.head.clone()),
            RawValue::Line(v) => out.push(format!("{}: {}", r.head, v.text)),
            RawValue::Block(items) => {
                let mut b = Lines::new();
                raw_elements(&mut b, items);
                block(out, r.head.clone(), b);
            }
        }
    }
}

// ------------------------------------------------------------------------------------------
// Schema-level elements
// ------------------------------------------------------------------------------------------

fn onnx_model(out: &mut Lines, m: &OnnxModel) {
    let mut b = Lines::new();
    if let Some(f) = &m.file {
        b.push(format!("file: {f}"));
    }
    if let Some(u) = &m.uri {
        b.push(format!("uri: {u}"));
    }
    for (name, source) in &m.inputs {
        b.push(format!("input {}: {source}", onnx_name(name)));
    }
    for (name, alias) in &m.outputs {
        b.push(format!("output {}: {alias}", onnx_name(name)));
    }
    if let Some(v) = m.gpu_device {
        b.push(format!("gpu-device: {v}"));
    }
    if let Some(v) = m.intraop_threads {
        b.push(format!("intraop-threads: {v}"));
    }
    if let Some(v) = m.interop_threads {
        b.push(format!("interop-threads: {v}"));
    }
    if let Some(v) = &m.execution_mode {
        b.push(format!("execution-mode: {v}"));
    }
    raw_elements(&mut b, &m.other);
    open_block(out, format!("onnx-model {}", m.name), b);
}

fn onnx_name(name: &str) -> String {
    if is_identifier(name) {
        name.to_string()
    } else {
        lexer::quote(name)
    }
}

fn document_summary(out: &mut Lines, d: &DocumentSummary) {
    let mut b = Lines::new();
    if d.from_disk {
        b.push("from-disk".to_string());
    }
    if d.omit_summary_features {
        b.push("omit-summary-features".to_string());
    }
    for s in d.fields.values() {
        let head = match &s.ty {
            Some(ty) => format!("summary {} type {}", s.name, ty.sd_syntax()),
            None => format!("summary {}", s.name),
        };
        block(&mut b, head, summary_body(s));
    }
    open_block(
        out,
        format!(
            "document-summary {}{}",
            d.name,
            inherits_clause(&d.inherits)
        ),
        b,
    );
}

// ------------------------------------------------------------------------------------------
// Rank profiles
// ------------------------------------------------------------------------------------------

fn expression(out: &mut Lines, e: &RankExpression) {
    if e.text.contains('\n') {
        open_block(out, "expression".to_string(), vec![e.text.clone()]);
    } else {
        out.push(format!("expression: {}", e.text));
    }
}

fn phase(out: &mut Lines, name: &str, ph: &Phase) {
    let mut b = Lines::new();
    if let Some(e) = &ph.expression {
        expression(&mut b, e);
    }
    if let Some(v) = ph.rerank_count {
        b.push(format!("rerank-count: {v}"));
    }
    if let Some(v) = ph.keep_rank_count {
        b.push(format!("keep-rank-count: {v}"));
    }
    if let Some(v) = ph.rank_score_drop_limit {
        b.push(format!("rank-score-drop-limit: {v}"));
    }
    raw_elements(&mut b, &ph.other);
    open_block(out, name.to_string(), b);
}

fn features(out: &mut Lines, name: &str, list: &FeatureList) {
    let head = match &list.inherits {
        Some(p) => format!("{name} inherits {p}"),
        None => name.to_string(),
    };
    open_block(out, head, list.features.iter().cloned().collect());
}

fn diversity(out: &mut Lines, d: &Diversity) {
    let mut b = Lines::new();
    if let Some(v) = &d.attribute {
        b.push(format!("attribute: {v}"));
    }
    if let Some(v) = d.min_groups {
        b.push(format!("min-groups: {v}"));
    }
    if let Some(v) = d.cutoff_factor {
        b.push(format!("cutoff-factor: {v}"));
    }
    if let Some(v) = &d.cutoff_strategy {
        b.push(format!("cutoff-strategy: {v}"));
    }
    open_block(out, "diversity".to_string(), b);
}

fn rank_profile(out: &mut Lines, p: &RankProfile) {
    let mut b = Lines::new();
    if !p.inputs.is_empty() {
        let lines = p
            .inputs
            .values()
            .map(|i| {
                let mut l = format!("{} {}", i.name, i.ty);
                if let Some(d) = &i.default {
                    let _ = write!(l, ": {}", d.text);
                }
                l
            })
            .collect();
        open_block(&mut b, "inputs".to_string(), lines);
    }
    if !p.constants.is_empty() {
        let lines = p
            .constants
            .values()
            .map(|c| {
                let ty = match &c.ty {
                    ValueType::Tensor(t) if t.is_scalar() => String::new(),
                    other => format!(" {other}"),
                };
                match &c.value {
                    ConstantValue::Literal(v) => format!("{}{ty}: {}", c.name, v.text),
                    ConstantValue::File(f) => format!("{}{ty}: file: {f}", c.name),
                }
            })
            .collect();
        open_block(&mut b, "constants".to_string(), lines);
    }
    for m in p.onnx_models.values() {
        onnx_model(&mut b, m);
    }
    for f in p.functions.values() {
        let mut fb = Lines::new();
        expression(&mut fb, &f.expression);
        let inline = if f.inline { "inline " } else { "" };
        open_block(
            &mut b,
            format!("function {inline}{}({})", f.name, f.params.join(", ")),
            fb,
        );
    }
    if let Some(ph) = &p.first_phase {
        phase(&mut b, "first-phase", ph);
    }
    if let Some(ph) = &p.second_phase {
        phase(&mut b, "second-phase", ph);
    }
    if let Some(ph) = &p.global_phase {
        phase(&mut b, "global-phase", ph);
    }
    if let Some(l) = &p.match_features {
        features(&mut b, "match-features", l);
    }
    if let Some(l) = &p.summary_features {
        features(&mut b, "summary-features", l);
    }
    if let Some(l) = &p.rank_features {
        features(&mut b, "rank-features", l);
    }
    if !p.rank_properties.is_empty() {
        let lines = p
            .rank_properties
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        open_block(&mut b, "rank-properties".to_string(), lines);
    }
    if let Some(mp) = &p.match_phase {
        let mut mb = Lines::new();
        if let Some(v) = &mp.attribute {
            mb.push(format!("attribute: {v}"));
        }
        if let Some(v) = mp.order {
            mb.push(format!("order: {}", v.as_str()));
        }
        if let Some(v) = mp.max_hits {
            mb.push(format!("max-hits: {v}"));
        }
        if let Some(v) = mp.max_filter_coverage {
            mb.push(format!("max-filter-coverage: {v}"));
        }
        if let Some(v) = mp.evaluation_point {
            mb.push(format!("evaluation-point: {v}"));
        }
        if let Some(v) = mp.pre_post_filter_tipping_point {
            mb.push(format!("pre-post-filter-tipping-point: {v}"));
        }
        if let Some(d) = &mp.diversity {
            diversity(&mut mb, d);
        }
        open_block(&mut b, "match-phase".to_string(), mb);
    }
    if let Some(d) = &p.diversity {
        diversity(&mut b, d);
    }
    if !p.mutate.is_empty() {
        let mut mb = Lines::new();
        for m in &p.mutate {
            let op_len = ["+=", "-=", "="]
                .iter()
                .find(|op| m.operation.starts_with(*op))
                .map_or(0, |op| op.len());
            let (op, value) = m.operation.split_at(op_len);
            let line = if value.is_empty() {
                format!("{} {op}", m.attribute)
            } else {
                format!("{} {op} {value}", m.attribute)
            };
            open_block(&mut mb, m.phase.clone(), vec![line]);
        }
        open_block(&mut b, "mutate".to_string(), mb);
    }
    for (name, v) in [
        ("num-threads-per-search", p.num_threads_per_search),
        ("min-hits-per-thread", p.min_hits_per_thread),
        ("num-search-partitions", p.num_search_partitions),
    ] {
        if let Some(v) = v {
            b.push(format!("{name}: {v}"));
        }
    }
    for (name, v) in [
        ("termwise-limit", p.termwise_limit),
        ("post-filter-threshold", p.post_filter_threshold),
        ("approximate-threshold", p.approximate_threshold),
        (
            "target-hits-max-adjustment-factor",
            p.target_hits_max_adjustment_factor,
        ),
    ] {
        if let Some(v) = v {
            b.push(format!("{name}: {v}"));
        }
    }
    if p.ignore_default_rank_features {
        b.push("ignore-default-rank-features".to_string());
    }
    if let Some(v) = p.strict {
        b.push(format!("strict: {v}"));
    }
    for (f, w) in &p.field_weights {
        b.push(format!("weight {f}: {w}"));
    }
    for (f, t) in &p.field_rank_types {
        b.push(format!("rank-type {f}: {t}"));
    }
    for (f, r) in &p.field_rank {
        let mut rb = Lines::new();
        rank_element(&mut rb, &format!("rank {f}"), r);
        if rb.is_empty() {
            rb.push(format!("rank {f} {{}}"));
        }
        b.extend(rb);
    }
    raw_elements(&mut b, &p.other);
    open_block(
        out,
        format!("rank-profile {}{}", p.name, inherits_clause(&p.inherits)),
        b,
    );
}

// ------------------------------------------------------------------------------------------
// Indexing language
// ------------------------------------------------------------------------------------------

impl std::fmt::Display for IlStatement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.pipeline.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

/// `{ a; b }`: no `;` after the last statement, which `for_each { … }` does not accept.
fn write_block(f: &mut std::fmt::Formatter<'_>, stmts: &[IlStatement]) -> std::fmt::Result {
    f.write_str("{ ")?;
    for (i, s) in stmts.iter().enumerate() {
        if i > 0 {
            f.write_str("; ")?;
        }
        write!(f, "{s}")?;
    }
    f.write_str(" }")
}

impl std::fmt::Display for IlLiteral {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IlLiteral::Str(s) => f.write_str(&lexer::quote(s)),
            IlLiteral::Number(n) | IlLiteral::Word(n) => f.write_str(n),
        }
    }
}

impl std::fmt::Display for IlExpr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IlExpr::Call { name, args } => {
                f.write_str(name)?;
                for a in args {
                    f.write_str(" ")?;
                    match a {
                        IlArg::Word(w) => f.write_str(w)?,
                        IlArg::Literal(l) => write!(f, "{l}")?,
                        IlArg::KeyValue(k, v) => write!(f, "{k}:{v}")?,
                        IlArg::Block(stmts) => write_block(f, stmts)?,
                    }
                }
                Ok(())
            }
            IlExpr::Literal(l) => write!(f, "{l}"),
            IlExpr::Cat(items) | IlExpr::Choice(items) => {
                let sep = if matches!(self, IlExpr::Cat(_)) {
                    " . "
                } else {
                    " || "
                };
                for (i, e) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(sep)?;
                    }
                    write!(f, "{e}")?;
                }
                Ok(())
            }
            IlExpr::Arith { first, rest } => {
                write!(f, "{first}")?;
                for (op, e) in rest {
                    write!(f, " {} {e}", op.as_str())?;
                }
                Ok(())
            }
            IlExpr::Paren(s) => write!(f, "({s})"),
            IlExpr::Block(stmts) => write_block(f, stmts),
            IlExpr::If {
                lhs,
                cmp,
                rhs,
                then,
                otherwise,
            } => {
                write!(f, "if ({lhs} {cmp} {rhs}) ")?;
                write_block(f, then)?;
                if let Some(o) = otherwise {
                    f.write_str(" else ")?;
                    write_block(f, o)?;
                }
                Ok(())
            }
            IlExpr::Switch { cases, default } => {
                f.write_str("switch { ")?;
                for (v, s) in cases {
                    write!(f, "case {}: {s}; ", lexer::quote(v))?;
                }
                if let Some(d) = default {
                    write!(f, "default: {d}; ")?;
                }
                f.write_str("}")
            }
            IlExpr::SelectInput { cases } => {
                f.write_str("select_input { ")?;
                for (name, s) in cases {
                    write!(f, "{name}: {s}; ")?;
                }
                f.write_str("}")
            }
        }
    }
}
