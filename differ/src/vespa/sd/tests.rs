//! Unit tests of the parser, the model's normalizations and the printer, and a property test:
//! random schemas print and parse back to the same model.

use indexmap::{IndexMap, IndexSet};
use proptest::prelude::*;

use super::*;

fn schema(src: &str) -> Schema {
    match parse(src, "test.sd") {
        Ok(SdFile::Schema(s)) => s,
        Ok(other) => panic!("not a schema: {other:?}"),
        Err(e) => panic!("{e}"),
    }
}

/// A schema with one document field whose body is `body`.
fn field_with(ty: &str, body: &str) -> Field {
    let s = schema(&format!(
        "schema t {{ document t {{ field f type {ty} {{\n{body}\n}} }} }}"
    ));
    s.document.expect("document").fields["f"].clone()
}

fn err(src: &str) -> SdError {
    parse(src, "bad.sd").expect_err("should not parse")
}

fn assert_round_trip(file: &SdFile) {
    let printed = print(file);
    let again = parse(&printed, "printed.sd").unwrap_or_else(|e| panic!("{e}\n{printed}"));
    assert_eq!(&again, file, "printed:\n{printed}");
}

// ------------------------------------------------------------------------------------------
// Types
// ------------------------------------------------------------------------------------------

#[test]
fn tensor_types_are_canonical() {
    let a = field_with("tensor(y[2], x{})", "");
    let b = field_with("tensor<double>(x{},y[2])", "");
    assert_eq!(a.ty, b.ty);
    assert_eq!(a.ty.to_string(), "tensor(x{},y[2])");
    let c = field_with("tensor<bfloat16>(x[384])", "");
    assert_eq!(c.ty.to_string(), "tensor<bfloat16>(x[384])");
    assert_ne!(c.ty, field_with("tensor<float>(x[384])", "").ty);
    assert_ne!(c.ty, field_with("tensor<bfloat16>(x[768])", "").ty);
}

#[test]
fn type_names_in_vespa_message_style() {
    let cases = [
        ("string", "string"),
        ("array<string>", "Array<string>"),
        ("array < int>", "Array<int>"),
        ("weightedset<string>", "WeightedSet<string>"),
        ("reference<doc>", "Reference<doc>"),
        ("map<string, array<int>>", "Map<string,Array<int>>"),
        ("position", "position"),
        ("elem", "elem"),
        ("int[]", "Array<int>"),
    ];
    for (sd, shown) in cases {
        assert_eq!(field_with(sd, "").ty.to_string(), shown, "{sd}");
    }
    assert_eq!(
        field_with("map<string,elem>", "").ty.sd_syntax(),
        "map<string, elem>"
    );
}

#[test]
fn weightedset_flags_belong_to_the_type() {
    let f = field_with(
        "weightedset<int>",
        "weightedset { create-if-nonexistent\n remove-if-zero }\nweightedset: create-if-nonexistent",
    );
    assert_eq!(
        f.ty,
        FieldType::WeightedSet {
            element: Box::new(FieldType::Int),
            create_if_nonexistent: true,
            remove_if_zero: true
        }
    );
    let e = err("schema t { document t { field f type int {\n weightedset: remove-if-zero\n} } }");
    assert_eq!((e.line, e.column), (2, 2), "{e}");
}

// ------------------------------------------------------------------------------------------
// Indexing scripts
// ------------------------------------------------------------------------------------------

#[test]
fn indexing_forms_are_equal() {
    let a = field_with("string", "indexing: summary|index");
    let b = field_with("string", "indexing {\n  summary |\n  index;\n}");
    let c = field_with("string", "indexing : summary | index");
    assert_eq!(a.indexing, b.indexing);
    assert_eq!(a.indexing, c.indexing);
    assert_ne!(
        a.indexing,
        field_with("string", "indexing: index | summary").indexing
    );
    assert!(a.has_index() && a.has_summary() && !a.has_attribute());
}

#[test]
fn indexing_verbs_naming_the_field_itself_are_bare() {
    let a = field_with("int", "indexing: summary f | attribute f");
    let b = field_with("int", "indexing: summary | attribute");
    assert_eq!(a.indexing, b.indexing);
    let c = field_with("int", "indexing: attribute other");
    assert_eq!(c.indexing.expect("script").to_string(), "attribute other");
}

#[test]
fn indexing_expressions_parse_structurally() {
    let s = schema(
        r#"schema t {
  document t { field title type string {} field body type array<string> {} }
  field e type tensor<float>(p{}, x[4]) {
    indexing {
      input body |
        for_each { (input title || "") . " " . (_ || "") } | embed e5 "passage" | attribute | index # hnsw
    }
  }
  field c type array<string> {
    indexing: input body | chunk fixed-length 1024 | summary | index
  }
  field y type int { indexing: input title | to_int - 1900 | attribute }
  field s type string {
    indexing: input title | switch {
        case "a": "x" | summary;
        default: input title | lowercase | summary;
    }
  }
  field i type string {
    indexing: if (input title == "") { "none" | summary } else { input title | summary }
  }
}"#,
    );
    let e = s.fields["e"].indexing.clone().expect("script");
    assert_eq!(e.input_fields(), ["body", "title"]);
    assert_eq!(
        e.to_string(),
        r#"input body | for_each { (input title || "") . " " . (_ || "") } | embed e5 "passage" | attribute | index"#
    );
    assert!(e.has_attribute() && e.has_index() && !e.has_summary());
    assert!(e.contains_call("embed"));
    let IlExpr::Call { name, args } =
        &s.fields["c"].indexing.as_ref().expect("c").statements[0].pipeline[1]
    else {
        panic!("not a call");
    };
    assert_eq!(name, "chunk");
    assert_eq!(
        args,
        &[
            IlArg::Word("fixed-length".into()),
            IlArg::Literal(IlLiteral::Number("1024".into()))
        ]
    );
    assert!(matches!(
        &s.fields["y"].indexing.as_ref().expect("y").statements[0].pipeline[1],
        IlExpr::Arith { rest, .. } if rest[0].0 == ArithOp::Sub
    ));
    assert!(s.fields["s"].has_summary());
    assert_round_trip(&SdFile::Schema(s));
}

#[test]
fn indexing_errors_are_positioned() {
    let e =
        err("schema t { document t { field f type string {\n  indexing: set_language title\n} } }");
    assert_eq!((e.line, e.column), (2, 26), "{e}");
    assert!(e.message.contains("indexing script"), "{e}");
    let e = err("schema t { document t { field f type string {\n  indexing: input f |\n} } }");
    assert_eq!(e.line, 3, "{e}");
}

// ------------------------------------------------------------------------------------------
// Field settings and defaults
// ------------------------------------------------------------------------------------------

#[test]
fn defaults_compare_equal_to_absence() {
    let plain = field_with("tensor<float>(x[4])", "indexing: attribute | index");
    let explicit = field_with(
        "tensor<float>(x[4])",
        "indexing: attribute | index\nattribute { distance-metric: euclidean }\nindex {\n hnsw {\n  max-links-per-node: 16\n  neighbors-to-explore-at-insert: 200\n }\n}",
    );
    let short = field_with(
        "tensor<float>(x[4])",
        "indexing: attribute | index\nindex: hnsw",
    );
    assert_eq!(explicit.attribute, plain.attribute);
    assert_eq!(explicit.index, short.index);
    assert_eq!(short.hnsw(), Some(&HnswSettings::default()));
    assert_eq!(plain.index, None);
    assert_eq!(
        field_with("string", "match: token").match_settings,
        field_with("string", "match { text }").match_settings
    );
    assert_eq!(
        field_with("string", "summary: static").summaries,
        field_with("string", "summary: full").summaries
    );
    assert_eq!(field_with("string", "dictionary: btree").dictionary, None);
    assert_eq!(field_with("string", "index {}").index, None);
}

#[test]
fn field_settings() {
    let f = field_with(
        "string",
        r#"indexing: summary | attribute | index
attribute: fast-search
attribute { fast-access
  paged }
index: enable-bm25
match { exact
 exact-terminator: "@@" }
stemming: best
normalizing: none
rank: filter
rank-type: about
weight: 200
bolding: on
summary: dynamic
summary f_short { source: f
 bolding: off }
alias: a1
alias f: a2
alias other: a3
sorting { descending
 function: uca
 locale: en_US }
dictionary { hash
 cased }
id: 7
query-command: "phrase-segmenting false"
linguistics { profile: de }"#,
    );
    assert!(f.attribute.fast_search && f.attribute.fast_access && f.attribute.paged);
    assert!(f.index.as_ref().is_some_and(|i| i.enable_bm25));
    assert_eq!(f.match_settings.mode, Some(MatchMode::Exact));
    assert_eq!(f.match_settings.exact_terminator.as_deref(), Some("@@"));
    assert_eq!(f.stemming, Some(Stemming::Best));
    assert!(f.is_filter());
    assert_eq!(f.rank_types["f"], "about");
    assert_eq!((f.weight, f.id, f.bolding), (Some(200), Some(7), true));
    assert!(f.is_dynamic_summary());
    assert_eq!(f.summaries["f_short"].sources, ["f"]);
    assert_eq!(f.aliases["f"].len(), 2);
    assert_eq!(
        f.dictionary.as_ref().map(|d| d.kind),
        Some(DictionaryKind::Hash)
    );
    assert_eq!(f.query_commands, ["phrase-segmenting false"]);
    assert_eq!(f.other[0].head, "linguistics");
    let s = schema(&format!(
        "schema t {{ document t {{ {} }} }}",
        print(&SdFile::Document(Document {
            name: "t".into(),
            fields: [("f".to_string(), f.clone())].into_iter().collect(),
            ..Document::default()
        }))
        .replace("document t {", "")
        .trim_end()
        .trim_end_matches('}')
    ));
    assert_eq!(s.document.expect("document").fields["f"], f);
}

#[test]
fn struct_fields_merge_and_nest() {
    let f = field_with(
        "map<string, elem>",
        "struct-field key { indexing: attribute }\nstruct-field value.name { indexing: attribute\n attribute: fast-search }\nstruct-field key { attribute: fast-search }\nstruct-field value { struct-field weight { indexing: attribute } }",
    );
    assert!(f.struct_fields["key"].has_attribute());
    assert!(f.struct_fields["key"].attribute.fast_search);
    assert!(f.struct_fields["value.name"].attribute.fast_search);
    assert!(f.struct_fields["value"].struct_fields["weight"].has_attribute());
}

#[test]
fn field_order_does_not_matter() {
    let a = schema(
        "schema t { document t { field a type int {} field b type string {} } fieldset s { fields: a, b } }",
    );
    let b = schema(
        "schema t {\n fieldset s { fields: b, a }\n document t {\n  field b type string {}\n  field a type int {}\n }\n}",
    );
    assert_eq!(a, b);
}

// ------------------------------------------------------------------------------------------
// Rank profiles
// ------------------------------------------------------------------------------------------

#[test]
fn rank_expressions_ignore_whitespace_and_comments() {
    let a =
        schema("schema t { rank-profile p { first-phase { expression: bm25(a)+attribute(b) } } }");
    let b = schema(
        "schema t {\n rank-profile p {\n  first-phase {\n   expression {\n    bm25(a) + # text\n    attribute( b )\n   }\n  }\n }\n}",
    );
    assert_eq!(a, b);
    let e = &b.rank_profiles["p"]
        .first_phase
        .as_ref()
        .expect("phase")
        .expression;
    assert_eq!(
        e.as_ref().expect("expression").text,
        "bm25(a) + attribute( b )"
    );
    let c =
        schema("schema t { rank-profile p { first-phase { expression: bm25(a)-attribute(b) } } }");
    assert_ne!(a, c);
}

#[test]
fn rank_profile_elements() {
    let s = schema(
        r#"schema t {
  rank-profile p inherits a, b-c {
    inputs {
      query(q) tensor<float>(x[4])
      query(w): 0.5
      k string
    }
    constants {
      one: 1
      constant(v) tensor(x[2]): [1, 2]
      m tensor(x{}): file: files/m.json
    }
    function inline f(a, b) { expression: a + b }
    first-phase { expression: f(1, 2)
      keep-rank-count: 50
      rank-score-drop-limit: -10 }
    second-phase { rerank-count: 10
      expression { sum(query(q)) } }
    global-phase { expression: firstPhase }
    match-features: closeness(field, e) bm25(t)
    summary-features inherits a { f(1,2) }
    rank-properties { bm25(t).k1: 0.9
      $w: 2 }
    match-phase { attribute: pop
      order: descending
      max-hits: 1000
      diversity { attribute: cat
        min-groups: 5 } }
    mutate { on-match { hits += 1 } }
    num-threads-per-search: 2
    termwise-limit: 0.1
    ignore-default-rank-features
    strict: true
    weight t: 200
    rank-type t: about
    rank t: filter
    rank chunks { element-gap: 0 }
    onnx-model m { file: m.onnx
      input "in:0": f
      output out: o }
    some-new-knob: 12
  }
}"#,
    );
    let p = &s.rank_profiles["p"];
    assert_eq!(p.inherits, ["a", "b-c"]);
    assert_eq!(p.inputs["query(w)"].ty, ValueType::double());
    assert_eq!(p.inputs["query(k)"].ty, ValueType::String);
    assert_eq!(p.inputs["query(q)"].ty.to_string(), "tensor<float>(x[4])");
    assert!(matches!(&p.constants["m"].value, ConstantValue::File(f) if f == "files/m.json"));
    assert!(p.functions["f"].inline);
    assert_eq!(p.functions["f"].params, ["a", "b"]);
    assert_eq!(
        p.first_phase.as_ref().and_then(|f| f.rank_score_drop_limit),
        Some(Num(-10.0))
    );
    assert_eq!(
        p.second_phase.as_ref().and_then(|f| f.rerank_count),
        Some(10)
    );
    let mf = p.match_features.as_ref().expect("match-features");
    assert!(mf.features.contains("closeness(field,e)"));
    assert_eq!(
        p.summary_features
            .as_ref()
            .and_then(|f| f.inherits.as_deref()),
        Some("a")
    );
    assert_eq!(p.rank_properties[1], ("$w".to_string(), "2".to_string()));
    let mp = p.match_phase.as_ref().expect("match-phase");
    assert_eq!(mp.diversity.as_ref().and_then(|d| d.min_groups), Some(5));
    assert_eq!(p.mutate[0].operation, "+=1");
    assert!(p.field_rank["t"].filter);
    assert_eq!(p.field_rank["chunks"].other[0].head, "element-gap");
    assert_eq!(p.onnx_models["m"].inputs["in:0"], "f");
    assert_eq!(p.other[0].head, "some-new-knob");
    assert_eq!(s.unmodelled().len(), 2);
    assert_round_trip(&SdFile::Schema(s));
}

#[test]
fn profile_files() {
    let p = parse_profile(
        "  rank-profile x inherits y {\n first-phase { expression: 1 }\n}",
        "x.profile",
    )
    .expect("parses");
    assert_eq!(p.name, "x");
    assert_eq!(
        parse_profile(&print_profile(&p), "x.profile").expect("parses"),
        p
    );
    let e = parse_profile("rank-profile x {}\nrank-profile y {}", "x.profile").unwrap_err();
    assert_eq!((e.line, e.column), (2, 1), "{e}");
}

// ------------------------------------------------------------------------------------------
// Files and errors
// ------------------------------------------------------------------------------------------

#[test]
fn document_only_files_and_schema_elements() {
    let f = parse(
        "document child inherits father, mother {\n field a type int {}\n}",
        "c.sd",
    )
    .expect("parses");
    assert!(matches!(&f, SdFile::Document(d) if d.inherits == ["father", "mother"]));
    assert_eq!(f.name(), "child");
    let s = schema(
        "search s inherits base {\n document {\n  field r type reference<p> { indexing: attribute }\n }\n import field r.x as px {}\n stemming: none\n raw-as-base64-in-summary\n constant c { file: c.json\n type: tensor<float>(x[2]) }\n document-summary small inherits default { from-disk\n summary r {}\n summary px type int { source: px } }\n struct top { field a type int {} }\n annotation an { field x type string {} }\n}",
    );
    assert_eq!(s.document_name(), "s");
    assert_eq!(s.inherits.as_deref(), Some("base"));
    assert_eq!(s.imported_fields["px"].reference_field, "r");
    assert_eq!(s.stemming, Some(Stemming::None));
    assert_eq!(s.raw_as_base64_in_summary, Some(true));
    assert_eq!(s.constants["c"].ty.to_string(), "tensor<float>(x[2])");
    assert!(s.document_summaries["small"].from_disk);
    assert_eq!(
        s.document_summaries["small"].fields["px"].ty,
        Some(FieldType::Int)
    );
    assert!(s.struct_def("top").is_some());
    assert_round_trip(&SdFile::Schema(s));
}

#[test]
fn errors_carry_file_line_and_column() {
    let cases: &[(&str, (usize, usize), &str)] = &[
        (
            "schema s {\n  document s {\n    field f type string {\n",
            (4, 1),
            "expected `}` to close `field f`",
        ),
        (
            "schema s {\n  bogus x\n}",
            (2, 3),
            "unexpected `bogus` in schema `s`",
        ),
        (
            "schema s {\n document s {\n  field f string {}\n }\n}",
            (3, 11),
            "expected `type` after `field f`",
        ),
        (
            "schema s { document s { field f type tensor<int4>(x[2]) {} } }",
            (1, 45),
            "unknown tensor cell type `int4`",
        ),
        (
            "schema s { document s { field f type string { stemming: most } } }",
            (1, 57),
            "unknown stemming `most`",
        ),
        (
            "schema s { document s { field f type int {} field f type int {} } }",
            (1, 45),
            "field `f` is already defined in `s`",
        ),
        (
            "schema s { document s { field f type string { match: fuzzy } } }",
            (1, 54),
            "unknown match setting `fuzzy`",
        ),
        (
            "schema s { document s { field f type string { attribute: fastest } } }",
            (1, 58),
            "unknown attribute setting `fastest`",
        ),
        (
            "schema s {\n document s {}\n document t {}\n}",
            (3, 2),
            "already has a document",
        ),
        (
            "schema s { import field x as y {} }",
            (1, 25),
            "illegal field reference `x`",
        ),
        (
            "schema s { document s { field f type string { query-command: \"open } } }",
            (1, 62),
            "unterminated string literal",
        ),
        (
            "field f type int {}",
            (1, 1),
            "expected `schema`, `search` or `document`",
        ),
        ("schema s {} }", (1, 13), "after the end of schema `s`"),
        (
            "schema s { rank-profile p { function f() { expression: } } }",
            (1, 44),
            "empty expression",
        ),
        (
            "schema s { rank-profile p { function f() { expression: 1 } function f() { expression: 2 } } }",
            (1, 60),
            "function `f` is defined twice",
        ),
        (
            "schema s { document s { field f type tensor(x[2],x{}) {} } }",
            (1, 50),
            "declared twice",
        ),
    ];
    for (src, (line, col), message) in cases {
        let e = err(src);
        assert_eq!((e.line, e.column), (*line, *col), "{src}\n=> {e}");
        assert!(e.message.contains(message), "{src}\n=> {e}");
        assert_eq!(e.file, "bad.sd");
        assert!(
            e.to_string().starts_with(&format!("bad.sd:{line}:{col}: ")),
            "{e}"
        );
    }
}

#[test]
fn columns_count_characters() {
    let e = err("schema s {\n  # żółw\n  field é type int {}\n}");
    assert_eq!((e.line, e.column), (3, 9), "{e}");
}

// ------------------------------------------------------------------------------------------
// Property test: print → parse is the identity on the model
// ------------------------------------------------------------------------------------------

const STRUCTS: &[&str] = &["elem", "pair", "kg_rel"];

fn ident() -> BoxedStrategy<String> {
    prop_oneof![
        8 => "[a-z][a-z0-9_]{0,7}",
        1 => prop::sample::select(vec!["user", "type", "title", "index", "value", "id", "text"])
            .prop_map(str::to_string),
    ]
    .prop_filter("not an indexing keyword", |s| {
        !matches!(
            s.as_str(),
            "else" | "case" | "default" | "if" | "switch" | "true" | "false"
        )
    })
    .boxed()
}

fn dashed() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9]{0,5}(-[a-z][a-z0-9]{0,3}){0,2}"
}

fn dotted() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,5}(\\.[a-z][a-z0-9_]{0,4}){0,1}"
}

fn num() -> impl Strategy<Value = Num> {
    (-2000i32..2000).prop_map(|n| Num(f64::from(n) / 100.0))
}

fn primitive() -> impl Strategy<Value = FieldType> {
    prop::sample::select(vec![
        FieldType::String,
        FieldType::Int,
        FieldType::Long,
        FieldType::Float,
        FieldType::Double,
        FieldType::Bool,
        FieldType::Byte,
        FieldType::Raw,
        FieldType::Uri,
        FieldType::Position,
        FieldType::Predicate,
    ])
}

fn tensor_type() -> impl Strategy<Value = TensorType> {
    (
        prop::sample::select(vec![
            CellType::Double,
            CellType::Float,
            CellType::BFloat16,
            CellType::Int8,
        ]),
        prop::collection::btree_map(
            "[a-z][a-z0-9]{0,3}",
            prop_oneof![
                (1u64..1000).prop_map(|n| DimensionKind::Indexed(Some(n))),
                Just(DimensionKind::Mapped),
            ],
            0..3,
        ),
    )
        .prop_map(|(cell, dims)| {
            TensorType::new(
                cell,
                dims.into_iter()
                    .map(|(name, kind)| Dimension { name, kind })
                    .collect(),
            )
        })
}

fn struct_type() -> impl Strategy<Value = FieldType> {
    prop::sample::select(STRUCTS.to_vec()).prop_map(|s| FieldType::Struct(s.to_string()))
}

fn field_type() -> impl Strategy<Value = FieldType> {
    prop_oneof![
        4 => primitive(),
        2 => prop_oneof![primitive(), struct_type()].prop_map(|t| FieldType::Array(Box::new(t))),
        2 => (primitive(), any::<bool>(), any::<bool>()).prop_map(|(t, c, r)| FieldType::WeightedSet {
            element: Box::new(t),
            create_if_nonexistent: c,
            remove_if_zero: r,
        }),
        1 => (primitive(), prop_oneof![primitive(), struct_type(), primitive().prop_map(|t| FieldType::Array(Box::new(t)))])
            .prop_map(|(k, v)| FieldType::Map(Box::new(k), Box::new(v))),
        1 => ident().prop_map(FieldType::Reference),
        3 => tensor_type().prop_map(FieldType::Tensor),
        1 => struct_type(),
    ]
}

fn call(name: &str, args: Vec<IlArg>) -> IlExpr {
    IlExpr::Call {
        name: name.to_string(),
        args,
    }
}

fn il_source() -> impl Strategy<Value = IlExpr> {
    let input = ident()
        .prop_map(|f| call("input", vec![IlArg::Word(f)]))
        .boxed();
    let leaf = prop_oneof![
        4 => input.clone(),
        1 => "[a-z ]{0,6}".prop_map(|s| IlExpr::Literal(IlLiteral::Str(s))),
    ]
    .boxed();
    prop_oneof![
        4 => leaf.clone(),
        2 => prop::collection::vec(leaf.clone(), 2..4).prop_map(IlExpr::Cat),
        1 => (input.clone(), "[a-z]{0,3}").prop_map(|(i, s)| {
            IlExpr::Paren(Box::new(IlStatement {
                pipeline: vec![IlExpr::Choice(vec![i, IlExpr::Literal(IlLiteral::Str(s))])],
            }))
        }),
        1 => (input.clone(), 1u32..3000).prop_map(|(i, n)| IlExpr::Arith {
            first: Box::new(i),
            rest: vec![(ArithOp::Sub, IlExpr::Literal(IlLiteral::Number(n.to_string())))],
        }),
        1 => (input, "[a-z]{1,4}").prop_map(|(i, v)| IlExpr::If {
            lhs: Box::new(call("input", vec![IlArg::Word("lang".into())])),
            cmp: "==".to_string(),
            rhs: Box::new(IlExpr::Literal(IlLiteral::Str(v))),
            then: vec![IlStatement { pipeline: vec![i] }],
            otherwise: None,
        }),
    ]
}

fn il_transform() -> impl Strategy<Value = IlExpr> {
    prop_oneof![
        Just(call("set_language", vec![])),
        Just(call("to_array", vec![])),
        Just(call("lowercase", vec![])),
        Just(call("pack_bits", vec![])),
        Just(call("embed", vec![])),
        ident().prop_map(|e| call("embed", vec![IlArg::Word(e)])),
        (1u32..5000).prop_map(|n| call(
            "chunk",
            vec![
                IlArg::Word("fixed-length".into()),
                IlArg::Literal(IlLiteral::Number(n.to_string()))
            ]
        )),
        ident().prop_map(|f| call(
            "for_each",
            vec![IlArg::Block(vec![IlStatement {
                pipeline: vec![IlExpr::Cat(vec![
                    call("input", vec![IlArg::Word(f)]),
                    call("_", vec![]),
                ])],
            }])]
        )),
        Just(call(
            "tokenize",
            vec![
                IlArg::Word("normalize".into()),
                IlArg::KeyValue("stem".into(), IlLiteral::Str("BEST".into())),
            ]
        )),
    ]
}

fn il_statement(synthetic: bool) -> impl Strategy<Value = IlStatement> {
    (
        if synthetic {
            il_source().prop_map(Some).boxed()
        } else {
            prop::option::weighted(0.2, il_source()).boxed()
        },
        prop::collection::vec(il_transform(), 0..3),
        prop::sample::subsequence(vec!["summary", "attribute", "index"], 1..=3),
    )
        .prop_map(|(source, transforms, outputs)| {
            let mut pipeline: Vec<IlExpr> = source.into_iter().collect();
            if !pipeline.is_empty() {
                pipeline.extend(transforms);
            }
            pipeline.extend(outputs.into_iter().map(|o| call(o, vec![])));
            IlStatement { pipeline }
        })
}

fn indexing(synthetic: bool) -> impl Strategy<Value = IndexingScript> {
    prop::collection::vec(il_statement(synthetic), 1..3)
        .prop_map(|statements| IndexingScript { statements })
}

fn raw_element() -> impl Strategy<Value = RawElement> {
    let head = "x-[a-z]{1,6}";
    prop_oneof![
        head.prop_map(|head| RawElement {
            head,
            value: RawValue::Flag
        }),
        (head, "[a-z0-9_]{1,6}").prop_map(|(head, v)| RawElement {
            head,
            value: RawValue::Line(RankExpression::new(&v)),
        }),
        (head, "[a-z]{1,5}", "[0-9]{1,3}").prop_map(|(head, k, v)| RawElement {
            head,
            value: RawValue::Block(vec![RawElement {
                head: k,
                value: RawValue::Line(RankExpression::new(&v)),
            }]),
        }),
    ]
}

fn attribute_settings() -> impl Strategy<Value = AttributeSettings> {
    (
        prop::collection::vec(any::<bool>(), 6),
        prop::sample::select(vec![
            DistanceMetric::Euclidean,
            DistanceMetric::Angular,
            DistanceMetric::DotProduct,
            DistanceMetric::PrenormalizedAngular,
            DistanceMetric::Hamming,
            DistanceMetric::GeoDegrees,
            DistanceMetric::Other("innerproduct".into()),
        ]),
        prop::option::weighted(0.1, "[a-z]{1,5}"),
        prop::sample::subsequence(vec!["prefetch", "huge"], 0..=1),
    )
        .prop_map(|(b, distance_metric, alias, legacy)| AttributeSettings {
            fast_search: b[0],
            fast_access: b[1],
            fast_rank: b[2],
            paged: b[3],
            mutable: b[4],
            enable_only_bit_vector: b[5],
            distance_metric,
            sorting: None,
            aliases: alias
                .map(|a| {
                    [(String::new(), [a].into_iter().collect())]
                        .into_iter()
                        .collect()
                })
                .unwrap_or_default(),
            legacy: legacy.into_iter().map(str::to_string).collect(),
        })
}

fn index_settings() -> impl Strategy<Value = Option<IndexSettings>> {
    (
        any::<bool>(),
        any::<bool>(),
        prop::option::weighted(0.2, (1i64..10, 0i64..5, 100i64..300, num())),
        prop::option::weighted(0.3, (1u32..64, 10u32..500, any::<bool>())),
        prop::collection::vec(raw_element(), 0..2),
    )
        .prop_map(|(prefix, bm25, predicate, hnsw, other)| {
            let (arity, lower_bound, upper_bound, dense) = match predicate {
                Some((a, l, u, d)) => (Some(a), Some(l), Some(u), Some(d)),
                None => (None, None, None, None),
            };
            let ix = IndexSettings {
                prefix,
                enable_bm25: bm25,
                arity,
                lower_bound,
                upper_bound,
                dense_posting_list_threshold: dense,
                hnsw: hnsw.map(|(m, n, t)| HnswSettings {
                    max_links_per_node: m,
                    neighbors_to_explore_at_insert: n,
                    multi_threaded_indexing: t,
                    other: Vec::new(),
                }),
                other,
                ..IndexSettings::default()
            };
            (ix != IndexSettings::default()).then_some(ix)
        })
}

fn match_settings() -> impl Strategy<Value = MatchSettings> {
    (
        prop::option::of(prop::sample::select(vec![
            MatchMode::Text,
            MatchMode::Word,
            MatchMode::Exact,
            MatchMode::Gram,
        ])),
        prop::option::weighted(
            0.2,
            prop::sample::select(vec![
                MatchAlgorithm::Prefix,
                MatchAlgorithm::Substring,
                MatchAlgorithm::Suffix,
            ]),
        ),
        prop::option::weighted(0.2, prop::sample::select(vec![Case::Cased, Case::Uncased])),
        prop::option::weighted(0.2, 1i64..5),
        prop::option::weighted(0.1, "[@#a-z ]{1,4}"),
        prop::option::weighted(0.1, 1i64..100),
        prop::collection::vec(raw_element(), 0..2),
    )
        .prop_map(
            |(mode, algorithm, case, gram_size, exact_terminator, max_length, other)| {
                MatchSettings {
                    mode,
                    algorithm,
                    case,
                    gram_size,
                    exact_terminator,
                    max_length,
                    max_occurrences: None,
                    other,
                }
            },
        )
}

fn rank_settings() -> impl Strategy<Value = RankSettings> {
    (any::<bool>(), prop::option::weighted(0.1, Just(()))).prop_map(|(filter, gap)| RankSettings {
        filter,
        other: gap
            .map(|()| RawElement {
                head: "element-gap".into(),
                value: RawValue::Line(RankExpression::new("0")),
            })
            .into_iter()
            .collect(),
        ..RankSettings::default()
    })
}

/// Weighted-set flags are field settings; a summary's type never carries them.
fn without_flags(t: FieldType) -> FieldType {
    match t {
        FieldType::WeightedSet { element, .. } => FieldType::weighted_set(*element),
        other => other,
    }
}

fn summary_field(name: String) -> impl Strategy<Value = SummaryField> {
    (
        prop::option::weighted(0.3, field_type().prop_map(without_flags)),
        prop::option::of(prop::sample::select(vec![
            SummaryTransform::Dynamic,
            SummaryTransform::MatchedElementsOnly,
            SummaryTransform::Full,
            SummaryTransform::Tokens,
        ])),
        prop::option::weighted(0.2, any::<bool>()),
        prop::collection::vec(dotted(), 0..3),
        prop::option::weighted(0.1, ident()),
    )
        .prop_map(
            move |(ty, transform, bolding, sources, select)| SummaryField {
                name: name.clone(),
                ty,
                transform,
                bolding,
                sources,
                destinations: Vec::new(),
                select_elements_by: select,
                other: Vec::new(),
            },
        )
}

fn struct_field(depth: u32) -> BoxedStrategy<StructField> {
    let children = if depth == 0 {
        Just(Vec::new()).boxed()
    } else {
        prop::collection::vec(struct_field(depth - 1), 0..2).boxed()
    };
    (
        dotted(),
        prop::option::of(indexing(false)),
        attribute_settings(),
        match_settings(),
        rank_settings(),
        children,
    )
        .prop_map(
            |(name, indexing, attribute, match_settings, rank, children)| StructField {
                name,
                indexing,
                attribute,
                match_settings,
                rank,
                struct_fields: children.into_iter().map(|c| (c.name.clone(), c)).collect(),
                ..StructField::default()
            },
        )
        .boxed()
}

fn field(synthetic: bool) -> impl Strategy<Value = Field> {
    let core = (
        ident(),
        field_type(),
        prop::option::of(indexing(synthetic)),
        attribute_settings(),
        index_settings(),
        match_settings(),
        prop::option::weighted(
            0.2,
            prop::sample::select(vec![
                Stemming::None,
                Stemming::Best,
                Stemming::Shortest,
                Stemming::Multiple,
            ]),
        ),
        rank_settings(),
    );
    let extra = (
        prop::option::weighted(0.1, -100i64..100),
        any::<bool>(),
        prop::option::of(prop::sample::select(vec![
            SummaryTransform::Dynamic,
            SummaryTransform::MatchedElementsOnly,
        ])),
        prop::collection::vec(dotted(), 0..2),
        prop::option::weighted(
            0.2,
            (
                prop::sample::select(vec![
                    DictionaryKind::Btree,
                    DictionaryKind::Hash,
                    DictionaryKind::BtreeAndHash,
                ]),
                prop::option::of(prop::sample::select(vec![Case::Cased, Case::Uncased])),
            ),
        ),
        prop::option::weighted(0.1, 0i64..100),
        prop::collection::vec("[a-z][a-z -]{0,8}", 0..2),
        prop::collection::vec(struct_field(1), 0..2),
        prop::collection::vec(raw_element(), 0..2),
        prop::option::weighted(0.2, ident().prop_flat_map(summary_field)),
    );
    (core, extra).prop_map(
        |(
            (name, ty, indexing, attribute, index, match_settings, stemming, rank),
            (weight, bolding, own_summary, aliases, dict, id, query_commands, sfs, other, summary),
        )| {
            let mut f = Field::new(name.clone(), ty);
            f.indexing = indexing;
            f.attribute = attribute;
            f.index = index;
            f.match_settings = match_settings;
            f.stemming = stemming;
            f.rank = rank;
            f.weight = weight;
            f.bolding = bolding;
            if let Some(t) = own_summary {
                f.summaries.insert(
                    name.clone(),
                    SummaryField {
                        name: name.clone(),
                        transform: Some(t),
                        ..SummaryField::default()
                    },
                );
            }
            if let Some(s) = summary {
                f.summaries.insert(s.name.clone(), s);
            }
            if !aliases.is_empty() {
                f.aliases
                    .insert(name.clone(), aliases.into_iter().collect::<IndexSet<_>>());
            }
            f.dictionary = dict
                .map(|(kind, case)| Dictionary { kind, case })
                .filter(|d| *d != Dictionary::default());
            f.id = id;
            f.query_commands = query_commands;
            f.struct_fields = sfs.into_iter().map(|s| (s.name.clone(), s)).collect();
            f.other = other;
            f
        },
    )
}

fn by_name<T>(items: Vec<T>, name: impl Fn(&T) -> String) -> IndexMap<String, T> {
    items.into_iter().map(|i| (name(&i), i)).collect()
}

fn struct_def() -> impl Strategy<Value = StructDef> {
    (
        prop::sample::select(STRUCTS.to_vec()),
        prop::collection::vec(
            (ident(), primitive(), prop::option::weighted(0.2, 0i64..50)).prop_map(|(n, t, id)| {
                let mut f = Field::new(n, t);
                f.id = id;
                f
            }),
            0..4,
        ),
    )
        .prop_map(|(name, fields)| StructDef {
            name: name.to_string(),
            inherits: Vec::new(),
            fields: by_name(fields, |f| f.name.clone()),
        })
}

fn rank_expression() -> impl Strategy<Value = RankExpression> {
    let leaf = prop_oneof![
        ident().prop_map(|f| format!("bm25({f})")),
        ident().prop_map(|f| format!("attribute({f})")),
        ident().prop_map(|f| format!("query({f})")),
        (0u32..1000).prop_map(|n| format!("{}", f64::from(n) / 10.0)),
        Just("firstPhase".to_string()),
        ident().prop_map(|f| format!("closeness(field, {f})")),
        Just("tensor<float>(x[2]):[1,2]".to_string()),
        Just("attribute(t){x:1}".to_string()),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(vec!["+", "-", "*", "/", " + ", "*  "]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("{a}{op}{b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("max({a}, {b})")),
            inner.clone().prop_map(|a| format!("( {a} )")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("if({a} > 0, {b}, 0)")),
        ]
    })
    .prop_map(|s| RankExpression::new(&s))
}

fn phase() -> impl Strategy<Value = Phase> {
    (
        prop::option::of(rank_expression()),
        prop::option::weighted(0.3, 1i64..1000),
        prop::option::weighted(0.2, 1i64..1000),
        prop::option::weighted(0.2, num()),
        prop::collection::vec(raw_element(), 0..2),
    )
        .prop_map(
            |(expression, rerank_count, keep_rank_count, rank_score_drop_limit, other)| Phase {
                expression,
                rerank_count,
                keep_rank_count,
                rank_score_drop_limit,
                other,
            },
        )
}

fn features() -> impl Strategy<Value = FeatureList> {
    (
        prop::option::weighted(0.2, dashed()),
        prop::collection::vec(
            prop_oneof![
                ident().prop_map(|f| format!("bm25({f})")),
                ident(),
                ident().prop_map(|f| format!("closeness(field,{f})")),
                ident().prop_map(|f| format!("attribute({f}).count")),
            ],
            0..4,
        ),
    )
        .prop_map(|(inherits, features)| FeatureList {
            inherits,
            features: features.into_iter().collect(),
        })
}

fn onnx_model() -> impl Strategy<Value = OnnxModel> {
    (
        ident(),
        "[a-z]{1,5}/[a-z]{1,5}\\.onnx",
        prop::collection::vec(
            (prop_oneof![ident(), "[a-z]{1,3}:[0-9]".boxed()], ident()),
            0..3,
        ),
        prop::collection::vec((ident(), ident()), 0..2),
        prop::option::weighted(0.2, 0i64..4),
        prop::option::weighted(0.2, prop::sample::select(vec!["parallel", "sequential"])),
    )
        .prop_map(|(name, file, inputs, outputs, gpu, mode)| OnnxModel {
            name,
            file: Some(file),
            inputs: inputs.into_iter().collect(),
            outputs: outputs.into_iter().collect(),
            gpu_device: gpu,
            execution_mode: mode.map(str::to_string),
            ..OnnxModel::default()
        })
}

fn rank_profile() -> impl Strategy<Value = RankProfile> {
    let head = (
        dashed(),
        prop::collection::vec(dashed(), 0..3),
        prop::collection::vec(
            (
                ident(),
                prop_oneof![
                    tensor_type().prop_map(ValueType::Tensor),
                    Just(ValueType::String)
                ],
                prop::option::weighted(
                    0.2,
                    (0u32..100).prop_map(|n| RankExpression::new(&n.to_string())),
                ),
            )
                .prop_map(|(n, ty, default)| Input {
                    name: format!("query({n})"),
                    ty,
                    default,
                }),
            0..3,
        ),
        prop::collection::vec(
            (
                ident(),
                prop_oneof![
                    (0u32..100).prop_map(|n| (
                        ValueType::double(),
                        ConstantValue::Literal(RankExpression::new(&n.to_string()))
                    )),
                    "[a-z]{1,6}/[a-z]{1,6}\\.json".prop_map(|f| (
                        ValueType::Tensor(TensorType::new(
                            CellType::Float,
                            vec![Dimension {
                                name: "x".into(),
                                kind: DimensionKind::Mapped
                            }]
                        )),
                        ConstantValue::File(f)
                    )),
                    Just((
                        ValueType::Tensor(TensorType::new(
                            CellType::Double,
                            vec![Dimension {
                                name: "x".into(),
                                kind: DimensionKind::Indexed(Some(2))
                            }]
                        )),
                        ConstantValue::Literal(RankExpression::new("[1, 2]"))
                    )),
                ],
            )
                .prop_map(|(name, (ty, value))| ProfileConstant { name, ty, value }),
            0..3,
        ),
        prop::collection::vec(
            (
                ident(),
                prop::collection::vec(ident(), 0..3),
                any::<bool>(),
                rank_expression(),
            )
                .prop_map(|(name, params, inline, expression)| Function {
                    name,
                    params,
                    inline,
                    expression,
                }),
            0..3,
        ),
        prop::option::of(phase()),
        prop::option::weighted(0.3, phase()),
        prop::option::weighted(0.3, phase()),
    );
    let tail = (
        prop::option::weighted(0.3, features()),
        prop::option::weighted(0.3, features()),
        prop::collection::vec(
            (
                ident().prop_map(|f| format!("bm25({f}).k1")),
                (0u32..100).prop_map(|n| n.to_string()),
            ),
            0..2,
        ),
        prop::collection::vec(onnx_model(), 0..2),
        prop::option::weighted(
            0.2,
            (
                ident(),
                1i64..10000,
                prop::option::of((ident(), 1i64..10, num())),
            )
                .prop_map(|(a, max_hits, div)| MatchPhase {
                    attribute: Some(a),
                    order: Some(SortOrder::Descending),
                    max_hits: Some(max_hits),
                    diversity: div.map(|(a, g, c)| Diversity {
                        attribute: Some(a),
                        min_groups: Some(g),
                        cutoff_factor: Some(c),
                        cutoff_strategy: Some("loose".into()),
                    }),
                    ..MatchPhase::default()
                }),
        ),
        prop::collection::vec(
            (
                prop::sample::select(vec!["on-match", "on-first-phase", "on-summary"]),
                ident(),
                prop::sample::select(vec!["+=1", "-=2", "=0"]),
            )
                .prop_map(|(phase, attribute, op)| MutateOperation {
                    phase: phase.to_string(),
                    attribute,
                    operation: op.to_string(),
                }),
            0..2,
        ),
        (
            prop::option::weighted(0.2, 1i64..16),
            prop::option::weighted(0.2, num()),
            any::<bool>(),
            prop::option::weighted(0.1, any::<bool>()),
        ),
        prop::collection::vec((ident(), 0i64..1000), 0..2),
        prop::collection::vec((ident(), rank_settings()), 0..2),
        prop::collection::vec(raw_element(), 0..2),
    );
    (head, tail).prop_map(
        |(
            (name, inherits, inputs, constants, functions, first, second, global),
            (
                mf,
                sf,
                props,
                onnx,
                match_phase,
                mutate,
                (threads, termwise, ignore, strict),
                weights,
                ranks,
                other,
            ),
        )| RankProfile {
            name,
            inherits,
            inputs: by_name(inputs, |i| i.name.clone()),
            constants: by_name(constants, |c| c.name.clone()),
            functions: by_name(functions, |f| f.name.clone()),
            first_phase: first,
            second_phase: second,
            global_phase: global,
            match_features: mf,
            summary_features: sf,
            rank_properties: props,
            onnx_models: by_name(onnx, |m| m.name.clone()),
            match_phase,
            mutate,
            num_threads_per_search: threads,
            termwise_limit: termwise,
            ignore_default_rank_features: ignore,
            strict,
            field_weights: weights.into_iter().collect(),
            field_rank: ranks.into_iter().collect(),
            other,
            ..RankProfile::default()
        },
    )
}

fn document_summary() -> impl Strategy<Value = DocumentSummary> {
    (
        dashed(),
        prop::collection::vec(dashed(), 0..2),
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(dotted().prop_flat_map(summary_field), 0..4),
    )
        .prop_map(
            |(name, inherits, from_disk, omit, fields)| DocumentSummary {
                name,
                inherits,
                from_disk,
                omit_summary_features: omit,
                fields: by_name(fields, |s| s.name.clone()),
            },
        )
}

fn schema_strategy() -> impl Strategy<Value = Schema> {
    let parts = (
        ident(),
        prop::option::weighted(0.2, ident()),
        prop::collection::vec(ident(), 0..3),
        prop::collection::vec(struct_def(), 0..2),
        prop::collection::vec(field(false), 0..6),
        prop::collection::vec(field(true), 0..3),
        prop::collection::vec(
            (
                ident(),
                prop::collection::vec(ident(), 1..4),
                match_settings(),
            )
                .prop_map(|(name, fields, match_settings)| FieldSet {
                    name,
                    fields: fields.into_iter().collect(),
                    query_commands: Vec::new(),
                    match_settings,
                }),
            0..2,
        ),
    );
    let more = (
        prop::collection::vec(rank_profile(), 0..3),
        prop::collection::vec(document_summary(), 0..2),
        prop::collection::vec(
            (ident(), ident(), ident()).prop_map(|(name, reference_field, target_field)| {
                ImportedField {
                    name,
                    reference_field,
                    target_field,
                }
            }),
            0..2,
        ),
        prop::collection::vec(
            (ident(), tensor_type(), any::<bool>()).prop_map(|(name, ty, uri)| Constant {
                name,
                ty,
                file: (!uri).then(|| "constants/c.json".to_string()),
                uri: uri.then(|| "https://example.com/c.json".to_string()),
            }),
            0..2,
        ),
        prop::collection::vec(onnx_model(), 0..2),
        prop::option::weighted(
            0.1,
            prop::sample::select(vec![Stemming::None, Stemming::Best]),
        ),
        prop::option::weighted(0.1, any::<bool>()),
        prop::collection::vec(struct_def(), 0..2),
    );
    (parts, more).prop_map(
        |(
            (name, inherits, doc_inherits, structs, doc_fields, synthetic, fieldsets),
            (profiles, summaries, imports, constants, onnx, stemming, base64, schema_structs),
        )| Schema {
            document: Some(Document {
                name: name.clone(),
                inherits: doc_inherits,
                structs: by_name(structs, |s| s.name.clone()),
                annotations: IndexMap::new(),
                fields: by_name(doc_fields, |f| f.name.clone()),
            }),
            name,
            inherits,
            structs: by_name(schema_structs, |s| s.name.clone()),
            annotations: IndexMap::new(),
            fields: by_name(synthetic, |f| f.name.clone()),
            fieldsets: by_name(fieldsets, |f| f.name.clone()),
            rank_profiles: by_name(profiles, |p| p.name.clone()),
            constants: by_name(constants, |c| c.name.clone()),
            onnx_models: by_name(onnx, |m| m.name.clone()),
            document_summaries: by_name(summaries, |d| d.name.clone()),
            imported_fields: by_name(imports, |i| i.name.clone()),
            stemming,
            raw_as_base64_in_summary: base64,
            indexes: IndexMap::new(),
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn printed_schemas_parse_back_to_the_same_model(s in schema_strategy()) {
        let file = SdFile::Schema(s);
        let printed = print(&file);
        let parsed = parse(&printed, "generated.sd")
            .map_err(|e| TestCaseError::fail(format!("{e}\n{printed}")))?;
        prop_assert_eq!(&parsed, &file, "printed:\n{}", printed);
        prop_assert_eq!(print(&parsed), printed);
    }

    #[test]
    fn printed_profiles_parse_back_to_the_same_model(p in rank_profile()) {
        let printed = print_profile(&p);
        let parsed = parse_profile(&printed, "generated.profile")
            .map_err(|e| TestCaseError::fail(format!("{e}\n{printed}")))?;
        prop_assert_eq!(&parsed, &p, "printed:\n{}", printed);
    }

    #[test]
    fn printed_document_files_parse_back(fields in prop::collection::vec(field(false), 0..4), inherits in prop::collection::vec(ident(), 0..3)) {
        let file = SdFile::Document(Document {
            name: "doc".into(),
            inherits,
            fields: by_name(fields, |f| f.name.clone()),
            ..Document::default()
        });
        let printed = print(&file);
        let parsed = parse(&printed, "doc.sd")
            .map_err(|e| TestCaseError::fail(format!("{e}\n{printed}")))?;
        prop_assert_eq!(&parsed, &file, "printed:\n{}", printed);
    }

    #[test]
    fn the_parser_never_panics(src in "[a-z{}:|;.<>()\\[\\], \\n\"#0-9-]{0,200}") {
        let _ = parse(&src, "fuzz.sd");
        let _ = parse_profile(&src, "fuzz.profile");
    }

    #[test]
    fn expression_keys_ignore_spacing(e in rank_expression()) {
        let spaced = e.text.replace('(', " ( ").replace(',', " , ");
        prop_assert_eq!(RankExpression::new(&spaced), e);
    }
}
