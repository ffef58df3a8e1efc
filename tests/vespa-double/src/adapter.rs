//! Builds the double's [`AppModel`] from a package's files with the project's own parsers
//! (`differ::vespa::services::parse_services`, `differ::vespa::sd::parse` / `parse_profile`),
//! with the checks the config server makes while building a model.

use std::collections::BTreeMap;

use differ::vespa::sd::{self, FieldType, IlArg, IlExpr, IlLiteral, IlStatement, SdFile};
use differ::vespa::services::{self, DocMode};

use crate::model::{
    AppModel, Attribute, ContainerCluster, ContentCluster, DataType, DocSpec, Field, Hnsw,
    Matching, Mode, Schema, Script, StructType, parse_script,
};
use crate::package::Files;

/// A built model and the WARNINGs building it logged.
#[derive(Debug)]
pub(crate) struct Built {
    pub(crate) model: AppModel,
    pub(crate) warnings: Vec<String>,
}

/// Builds the model of a package. Errors are the text after `Invalid application: `.
pub(crate) fn build(files: &Files, hostname: &str) -> Result<Built, String> {
    let services_xml = files
        .get("services.xml")
        .ok_or_else(|| "services.xml: not found in application package, an application package must contain services.xml".to_owned())?;
    let services = services::parse_services(&String::from_utf8_lossy(services_xml))
        .map_err(|e| format!("Invalid XML in {e}"))?;

    let mut parsed: Vec<SdFile> = Vec::new();
    for (path, data) in files {
        let Some(rest) = path.strip_prefix("schemas/") else {
            continue;
        };
        let src = String::from_utf8_lossy(data);
        if let Some(stem) = rest.strip_suffix(".sd").filter(|s| !s.contains('/')) {
            let file = sd::parse(&src, path)
                .map_err(|e| format!("Failed parsing schema from '{path}': {e}"))?;
            if file.name() != stem {
                return Err(format!(
                    "The file containing schema '{}' must be named '{}.sd', but is '{stem}.sd'",
                    file.name(),
                    file.name()
                ));
            }
            parsed.push(file);
        } else if rest.ends_with(".profile") && rest.contains('/') {
            sd::parse_profile(&src, path)
                .map_err(|e| format!("Failed parsing rank profile from '{path}': {e}"))?;
        }
    }

    let schemas_by_name: BTreeMap<&str, &sd::Schema> = parsed
        .iter()
        .filter_map(SdFile::as_schema)
        .map(|s| (s.name.as_str(), s))
        .collect();
    let documents: BTreeMap<&str, &sd::Document> = parsed
        .iter()
        .filter_map(|f| f.document().map(|d| (d.name.as_str(), d)))
        .collect();

    let mut content = Vec::new();
    for cluster in &services.content {
        let mut docs = Vec::new();
        for d in &cluster.documents {
            if !schemas_by_name.contains_key(d.type_name.as_str()) {
                let known: Vec<&str> = schemas_by_name.keys().copied().collect();
                return Err(format!(
                    "services.xml: content cluster '{}' refers to document type '{}', but there is no schema '{}' (schemas/{}.sd). Existing schemas: [{}]",
                    cluster.id,
                    d.type_name,
                    d.type_name,
                    d.type_name,
                    known.join(", ")
                ));
            }
            let mode = match d.mode {
                DocMode::Index => Mode::Index,
                DocMode::Streaming => Mode::Streaming,
                DocMode::StoreOnly => Mode::StoreOnly,
            };
            docs.push((
                d.type_name.clone(),
                DocSpec {
                    mode,
                    global: d.global,
                },
            ));
        }
        content.push(ContentCluster {
            id: cluster.id.clone(),
            nodes: 1,
            documents: docs,
        });
    }
    let containers = services
        .containers
        .iter()
        .map(|id| ContainerCluster {
            id: id.clone(),
            nodes: 1,
        })
        .collect();

    let ctx = Context {
        schemas: &schemas_by_name,
        documents: &documents,
    };
    let schemas = schemas_by_name
        .values()
        .map(|s| (s.name.clone(), ctx.schema(s)))
        .collect();
    Ok(Built {
        model: AppModel {
            content,
            containers,
            schemas,
            hostname: hostname.to_owned(),
        },
        warnings: Vec::new(),
    })
}

struct Context<'a> {
    schemas: &'a BTreeMap<&'a str, &'a sd::Schema>,
    documents: &'a BTreeMap<&'a str, &'a sd::Document>,
}

const MAX_DEPTH: usize = 32;

impl<'a> Context<'a> {
    fn schema(&self, schema: &'a sd::Schema) -> Schema {
        let mut fields: Vec<Field> = Vec::new();
        if let Some(doc) = &schema.document {
            for f in self.document_fields(doc, &schema.name, 0) {
                match fields.iter_mut().find(|x| x.name == f.name) {
                    Some(existing) => *existing = f,
                    None => fields.push(f),
                }
            }
        }
        let mut extra_fields: Vec<Field> = Vec::new();
        let mut chain: Vec<&sd::Schema> = vec![schema];
        let mut at = schema;
        while let Some(parent) = at.inherits.as_deref().and_then(|p| self.schemas.get(p))
            && chain.len() < MAX_DEPTH
        {
            chain.push(parent);
            at = parent;
        }
        for s in chain.iter().rev() {
            for f in s.fields.values() {
                let converted = self.field(f, &schema.name);
                match extra_fields.iter_mut().find(|x| x.name == converted.name) {
                    Some(existing) => *existing = converted,
                    None => extra_fields.push(converted),
                }
            }
        }
        Schema {
            name: schema.name.clone(),
            fields,
            extra_fields,
            stemming: schema.stemming.map(|s| s.as_str().to_owned()),
        }
    }

    /// Inherited documents' fields first, then the document's own.
    fn document_fields(&self, doc: &sd::Document, schema: &str, depth: usize) -> Vec<Field> {
        let mut out = Vec::new();
        if depth < MAX_DEPTH {
            for parent in &doc.inherits {
                if let Some(p) = self.documents.get(parent.as_str()) {
                    out.extend(self.document_fields(p, schema, depth + 1));
                }
            }
        }
        out.extend(doc.fields.values().map(|f| self.field(f, schema)));
        out
    }

    /// A struct: the schema's own (document, then schema level), then any document's, then any
    /// schema's.
    fn struct_def(&self, name: &str, schema: &str) -> Option<&'a sd::StructDef> {
        self.schemas
            .get(schema)
            .and_then(|s| s.struct_def(name))
            .or_else(|| self.documents.values().find_map(|d| d.structs.get(name)))
            .or_else(|| self.schemas.values().find_map(|s| s.structs.get(name)))
    }

    fn data_type(&self, ty: &FieldType, schema: &str, depth: usize) -> DataType {
        let inner = |t: &FieldType| Box::new(self.data_type(t, schema, depth + 1));
        match ty {
            FieldType::Reference(d) => DataType::Reference(d.clone()),
            FieldType::Array(e) => DataType::Array(inner(e)),
            FieldType::WeightedSet {
                element,
                create_if_nonexistent,
                remove_if_zero,
            } => DataType::WeightedSet(inner(element), *create_if_nonexistent, *remove_if_zero),
            FieldType::Map(k, v) => DataType::Map(inner(k), inner(v)),
            FieldType::Tensor(t) => DataType::Tensor(t.to_string()),
            FieldType::Struct(name) => {
                let fields = match self.struct_def(name, schema) {
                    Some(def) if depth < MAX_DEPTH => def
                        .fields
                        .values()
                        .map(|f| (f.name.clone(), self.data_type(&f.ty, schema, depth + 1)))
                        .collect(),
                    _ => Vec::new(),
                };
                DataType::Struct(StructType {
                    name: name.clone(),
                    fields,
                })
            }
            other => DataType::Primitive(other.to_string()),
        }
    }

    fn field(&self, f: &sd::Field, schema: &str) -> Field {
        let dtype = self.data_type(&f.ty, schema, 0);
        let script: Script = match &f.indexing {
            Some(indexing) => parse_script(&print_statements(&indexing.statements), &f.name),
            None => Vec::new(),
        };
        let has_index = f.has_index();
        let attribute = f
            .has_attribute()
            .then(|| attribute(&f.attribute, f, dtype.is_tensor() && has_index));
        let mut struct_attributes = Vec::new();
        collect_struct_attributes(&f.name, f.struct_fields.values(), &mut struct_attributes);
        let m = &f.match_settings;
        let kind = m
            .mode
            .map(|x| x.as_str())
            .or_else(|| m.algorithm.map(|a| a.as_str()))
            .unwrap_or("text")
            .to_owned();
        Field {
            name: f.name.clone(),
            dtype,
            script,
            attribute,
            index: has_index,
            summary: f.has_summary(),
            matching: Matching {
                kind,
                cased: m.case == Some(sd::Case::Cased),
                gram_size: m.gram_size.and_then(|g| u32::try_from(g).ok()),
            },
            stemming: f
                .stemming
                .or_else(|| f.index.as_ref().and_then(|i| i.stemming))
                .map(|s| s.as_str().to_owned()),
            normalizing: f.normalizing.clone(),
            summary_dynamic: f.is_dynamic_summary(),
            struct_attributes,
        }
    }
}

fn attribute(settings: &sd::AttributeSettings, field: &sd::Field, hnsw: bool) -> Attribute {
    let dictionary = field.dictionary.as_ref();
    Attribute {
        fast_search: settings.fast_search,
        fast_access: settings.fast_access,
        fast_rank: settings.fast_rank,
        paged: settings.paged,
        dictionary_type: dictionary
            .map_or("BTREE", |d| d.kind.vespa_name())
            .to_owned(),
        dictionary_case: match dictionary.and_then(|d| d.case) {
            Some(sd::Case::Cased) => "CASED",
            _ => "UNCASED",
        }
        .to_owned(),
        dense_posting_list_threshold: field
            .index
            .as_ref()
            .and_then(|i| i.dense_posting_list_threshold)
            .map_or_else(|| "0.4".to_owned(), |n| n.to_string()),
        rank_filter: field.rank.filter || settings.enable_only_bit_vector,
        distance_metric: settings.distance_metric.vespa_name(),
        hnsw: hnsw.then(|| {
            let h = field.hnsw().cloned().unwrap_or_default();
            Hnsw {
                max_links_per_node: h.max_links_per_node,
                neighbors_to_explore_at_insert: h.neighbors_to_explore_at_insert,
            }
        }),
    }
}

fn collect_struct_attributes<'s>(
    prefix: &str,
    struct_fields: impl Iterator<Item = &'s sd::StructField>,
    out: &mut Vec<(String, Attribute)>,
) {
    for sf in struct_fields {
        let name = format!("{prefix}.{}", sf.name);
        if sf.has_attribute() {
            let s = &sf.attribute;
            out.push((
                name.clone(),
                Attribute {
                    fast_search: s.fast_search,
                    fast_access: s.fast_access,
                    fast_rank: s.fast_rank,
                    paged: s.paged,
                    rank_filter: sf.rank.filter || s.enable_only_bit_vector,
                    distance_metric: s.distance_metric.vespa_name(),
                    ..Attribute::default()
                },
            ));
        }
        collect_struct_attributes(&name, sf.struct_fields.values(), out);
    }
}

/// Indexing statements as text (`a | b; c | d;`), for [`parse_script`].
fn print_statements(statements: &[IlStatement]) -> String {
    statements
        .iter()
        .map(|s| format!("{};", print_statement(s)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn print_statement(s: &IlStatement) -> String {
    s.pipeline
        .iter()
        .map(print_expr)
        .collect::<Vec<_>>()
        .join(" | ")
}

fn print_block(statements: &[IlStatement]) -> String {
    let inner: Vec<String> = statements
        .iter()
        .map(|s| format!("{};", print_statement(s)))
        .collect();
    format!("{{ {} }}", inner.join(" "))
}

fn print_literal(l: &IlLiteral) -> String {
    match l {
        IlLiteral::Str(s) => format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")),
        IlLiteral::Number(n) | IlLiteral::Word(n) => n.clone(),
    }
}

fn print_expr(e: &IlExpr) -> String {
    match e {
        IlExpr::Call { name, args } => {
            let mut out = name.clone();
            for a in args {
                out.push(' ');
                out.push_str(&match a {
                    IlArg::Word(w) => w.clone(),
                    IlArg::Literal(l) => print_literal(l),
                    IlArg::KeyValue(k, v) => format!("{k}:{}", print_literal(v)),
                    IlArg::Block(stmts) => print_block(stmts),
                });
            }
            out
        }
        IlExpr::Literal(l) => print_literal(l),
        IlExpr::Cat(es) => es.iter().map(print_expr).collect::<Vec<_>>().join(" . "),
        IlExpr::Choice(es) => es.iter().map(print_expr).collect::<Vec<_>>().join(" || "),
        IlExpr::Arith { first, rest } => {
            let mut out = print_expr(first);
            for (op, e) in rest {
                out.push_str(&format!(" {} {}", op.as_str(), print_expr(e)));
            }
            out
        }
        IlExpr::Paren(s) => format!("({})", print_statement(s)),
        IlExpr::Block(stmts) => print_block(stmts),
        IlExpr::If {
            lhs,
            cmp,
            rhs,
            then,
            otherwise,
        } => {
            let mut out = format!(
                "if ({} {cmp} {}) {}",
                print_expr(lhs),
                print_expr(rhs),
                print_block(then)
            );
            if let Some(o) = otherwise {
                out.push_str(&format!(" else {}", print_block(o)));
            }
            out
        }
        IlExpr::Switch { cases, default } => {
            let mut inner: Vec<String> = cases
                .iter()
                .map(|(k, s)| format!("case \"{k}\": {};", print_statement(s)))
                .collect();
            if let Some(d) = default {
                inner.push(format!("default: {};", print_statement(d)));
            }
            format!("switch {{ {} }}", inner.join(" "))
        }
        IlExpr::SelectInput { cases } => {
            let inner: Vec<String> = cases
                .iter()
                .map(|(k, s)| format!("{k}: {};", print_statement(s)))
                .collect();
            format!("select_input {{ {} }}", inner.join(" "))
        }
    }
}
