//! The double's own view of a built application: what Vespa's config model derives from
//! `services.xml` and the schemas and what its change validators look at (document types,
//! attributes, indexing scripts, cluster layout, services). Built from the project's parser output
//! in `adapter.rs`; compared in `changes.rs`.

use std::collections::BTreeMap;

/// A field's data type, with Vespa's equality and names.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum DataType {
    /// `string`, `int`, … and `position`, `predicate`, `raw`, `uri`.
    Primitive(String),
    Array(Box<DataType>),
    /// `weightedset<T>` with its `create-if-nonexistent` / `remove-if-zero` flags (part of the
    /// type in Vespa).
    WeightedSet(Box<DataType>, bool, bool),
    Map(Box<DataType>, Box<DataType>),
    Struct(StructType),
    Reference(String),
    /// Canonical tensor type (`tensor<float>(a{},x[3])`; `double` cells printed without `<…>`).
    Tensor(String),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StructType {
    pub(crate) name: String,
    pub(crate) fields: Vec<(String, DataType)>,
}

impl DataType {
    /// Vespa's `DataType.getName()`.
    pub(crate) fn name(&self) -> String {
        match self {
            DataType::Primitive(p) => p.clone(),
            DataType::Array(t) => format!("Array<{}>", t.name()),
            DataType::WeightedSet(t, add, remove) => format!(
                "WeightedSet<{}>{}{}",
                t.name(),
                if *add { ";Add" } else { "" },
                if *remove { ";Remove" } else { "" }
            ),
            DataType::Map(k, v) => format!("Map<{},{}>", k.name(), v.name()),
            DataType::Struct(s) => s.name.clone(),
            DataType::Reference(d) => format!("Reference<{d}>"),
            DataType::Tensor(t) => t.clone(),
        }
    }

    /// Vespa's `DataType.equals`: structs (when nested) compare by name only.
    pub(crate) fn same(&self, other: &DataType) -> bool {
        match (self, other) {
            (DataType::Primitive(a), DataType::Primitive(b)) => a == b,
            (DataType::Array(a), DataType::Array(b)) => a.same(b),
            (DataType::WeightedSet(a, aa, ar), DataType::WeightedSet(b, ba, br)) => {
                a.same(b) && aa == ba && ar == br
            }
            (DataType::Map(ak, av), DataType::Map(bk, bv)) => ak.same(bk) && av.same(bv),
            (DataType::Struct(a), DataType::Struct(b)) => a.name == b.name,
            (DataType::Reference(a), DataType::Reference(b)) => a == b,
            (DataType::Tensor(a), DataType::Tensor(b)) => a == b,
            _ => false,
        }
    }

    /// Whether a document field of this type changed type (`DocumentTypeChangeValidator`):
    /// top-level structs compare the subfields present on both sides, recursively.
    pub(crate) fn changed_to(&self, next: &DataType) -> bool {
        match (self, next) {
            (DataType::Struct(a), DataType::Struct(b)) => struct_changed(a, b),
            _ => !self.same(next),
        }
    }

    /// The name used in a `data type: 'a' -> 'b'` message.
    pub(crate) fn change_name(&self, other: &DataType) -> String {
        match (self, other) {
            (DataType::Struct(a), DataType::Struct(_)) => struct_string(a),
            _ => self.name(),
        }
    }

    /// `string` or a collection of `string`: what text matching tokenizes.
    pub(crate) fn is_string_like(&self) -> bool {
        match self {
            DataType::Primitive(p) => p == "string",
            DataType::Array(t) | DataType::WeightedSet(t, ..) => {
                matches!(&**t, DataType::Primitive(p) if p == "string")
            }
            _ => false,
        }
    }

    pub(crate) fn is_tensor(&self) -> bool {
        matches!(self, DataType::Tensor(_))
    }
}

fn struct_changed(a: &StructType, b: &StructType) -> bool {
    a.fields.iter().any(|(name, at)| {
        b.fields
            .iter()
            .find(|(n, _)| n == name)
            .is_some_and(|(_, bt)| match (at, bt) {
                (DataType::Struct(x), DataType::Struct(y)) => struct_changed(x, y),
                _ => !at.same(bt),
            })
    })
}

fn struct_string(s: &StructType) -> String {
    let fields: Vec<String> = s
        .fields
        .iter()
        .map(|(name, t)| match t {
            DataType::Struct(inner) => struct_string(inner),
            t => format!("{name}:{}", t.name()),
        })
        .collect();
    format!("{}:{{{}}}", s.name, fields.join(","))
}

/// An attribute (a field with `attribute` in its indexing, or a struct-field attribute `f.s`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Attribute {
    pub(crate) fast_search: bool,
    pub(crate) fast_access: bool,
    pub(crate) fast_rank: bool,
    pub(crate) paged: bool,
    /// `BTREE`, `HASH` or `BTREE_AND_HASH`.
    pub(crate) dictionary_type: String,
    /// `UNCASED` or `CASED`.
    pub(crate) dictionary_case: String,
    /// As Java prints the double (`0.4`).
    pub(crate) dense_posting_list_threshold: String,
    /// `rank: filter`.
    pub(crate) rank_filter: bool,
    /// `EUCLIDEAN`, `ANGULAR`, …
    pub(crate) distance_metric: String,
    pub(crate) hnsw: Option<Hnsw>,
}

impl Default for Attribute {
    fn default() -> Self {
        Attribute {
            fast_search: false,
            fast_access: false,
            fast_rank: false,
            paged: false,
            dictionary_type: "BTREE".to_owned(),
            dictionary_case: "UNCASED".to_owned(),
            dense_posting_list_threshold: "0.4".to_owned(),
            rank_filter: false,
            distance_metric: "EUCLIDEAN".to_owned(),
            hnsw: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hnsw {
    pub(crate) max_links_per_node: u32,
    pub(crate) neighbors_to_explore_at_insert: u32,
}

impl Default for Hnsw {
    fn default() -> Self {
        Hnsw {
            max_links_per_node: 16,
            neighbors_to_explore_at_insert: 200,
        }
    }
}

/// `match` settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Matching {
    /// `text`, `exact`, `word`, `gram`, `prefix`, `substring`, `suffix`.
    pub(crate) kind: String,
    pub(crate) cased: bool,
    pub(crate) gram_size: Option<u32>,
}

impl Default for Matching {
    fn default() -> Self {
        Matching {
            kind: "text".to_owned(),
            cased: false,
            gram_size: None,
        }
    }
}

impl Matching {
    /// As the change message prints it (`gram (size 2)`).
    pub(crate) fn describe(&self) -> String {
        if self.kind == "gram" {
            format!("gram (size {})", self.gram_size.unwrap_or(2))
        } else {
            self.kind.clone()
        }
    }
}

/// An indexing script: statements of pipeline steps (each step's tokens joined by one space).
pub(crate) type Script = Vec<Vec<String>>;

/// A (document or synthetic) field as the validators see it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Field {
    pub(crate) name: String,
    pub(crate) dtype: DataType,
    /// The script as written (outputs included), after Vespa's `IndexingInputs` (`input f`
    /// prepended where a statement has none).
    pub(crate) script: Script,
    pub(crate) attribute: Option<Attribute>,
    pub(crate) index: bool,
    pub(crate) summary: bool,
    pub(crate) matching: Matching,
    /// Field-level `stemming`.
    pub(crate) stemming: Option<String>,
    /// Field-level `normalizing`.
    pub(crate) normalizing: Option<String>,
    /// `summary: dynamic` (or `bolding: on`) on the field's own summary.
    pub(crate) summary_dynamic: bool,
    /// Struct-field attributes (`f.s`, `f.key`, `f.value.x`).
    pub(crate) struct_attributes: Vec<(String, Attribute)>,
}

impl Field {
    /// Stemming in effect (exact/word matching turns it off; schema default, then `best`).
    pub(crate) fn effective_stemming(&self, schema_stemming: Option<&str>) -> String {
        if matches!(self.matching.kind.as_str(), "exact" | "word") {
            return "none".to_owned();
        }
        self.stemming
            .as_deref()
            .or(schema_stemming)
            .unwrap_or("best")
            .to_lowercase()
    }

    /// Vespa's normalize level name.
    pub(crate) fn normalize_level(&self) -> &'static str {
        match self
            .normalizing
            .as_deref()
            .map(str::to_lowercase)
            .as_deref()
        {
            Some("none") => "NONE",
            Some("lowercase") => "LOWERCASE",
            Some("codepoint") => "CODEPOINT",
            _ => "ACCENT",
        }
    }

    /// The summary transform of the field's own summary.
    pub(crate) fn summary_transform(&self) -> &'static str {
        if self.summary_dynamic {
            "dynamicteaser"
        } else if self.attribute.is_some() {
            "attribute"
        } else {
            "none"
        }
    }

    /// The step processing inserts before outputs (tokenization for indexed text, and for
    /// dynamic summaries of plain string fields), if any.
    fn implied_step(&self, schema_stemming: Option<&str>) -> Option<String> {
        if !self.dtype.is_string_like() {
            return None;
        }
        let case = if self.matching.cased {
            " keep-case"
        } else {
            ""
        };
        if self.index {
            return match self.matching.kind.as_str() {
                "exact" | "word" => Some(format!("exact{case}")),
                "gram" => Some(format!("ngram {}", self.matching.gram_size.unwrap_or(2))),
                "text" => Some(self.tokenize(schema_stemming, case)),
                _ => None,
            };
        }
        (self.summary && self.summary_dynamic).then(|| self.tokenize(schema_stemming, case))
    }

    fn tokenize(&self, schema_stemming: Option<&str>, case: &str) -> String {
        let normalize = if self.normalize_level() == "NONE" {
            ""
        } else {
            " normalize"
        };
        let stem = self.effective_stemming(schema_stemming).to_uppercase();
        let stem = if stem == "NONE" {
            String::new()
        } else {
            format!(" stem:\"{stem}\"")
        };
        format!("tokenize{normalize}{stem}{case}")
    }

    /// The processed script (implied steps inserted before the first output of a statement).
    pub(crate) fn processed_script(&self, schema_stemming: Option<&str>) -> Script {
        let implied = self.implied_step(schema_stemming);
        self.script
            .iter()
            .map(|statement| {
                let mut out = Vec::with_capacity(statement.len() + 1);
                let mut inserted = false;
                for step in statement {
                    if !inserted && is_output(step) {
                        if let Some(implied) = &implied {
                            out.push(implied.clone());
                        }
                        inserted = true;
                    }
                    out.push(with_output_target(step, &self.name));
                }
                out
            })
            .collect()
    }

    /// The processed script without output expressions: what `IndexingScriptChangeValidator`
    /// compares.
    pub(crate) fn script_without_outputs(&self, schema_stemming: Option<&str>) -> Script {
        self.processed_script(schema_stemming)
            .into_iter()
            .map(|statement| statement.into_iter().filter(|s| !is_output(s)).collect())
            .collect()
    }
}

/// `summary`, `attribute`, `index`, optionally with a target field name.
pub(crate) fn is_output(step: &str) -> bool {
    let mut tokens = step.split(' ');
    matches!(tokens.next(), Some("summary" | "attribute" | "index")) && tokens.nth(1).is_none()
}

fn with_output_target(step: &str, field: &str) -> String {
    if is_output(step) && !step.contains(' ') {
        format!("{step} {field}")
    } else {
        step.to_owned()
    }
}

/// Prints a script the way Vespa's `ScriptExpression.toString()` roughly does.
pub(crate) fn print_script(script: &Script) -> String {
    let statements: Vec<String> = script.iter().map(|s| s.join(" | ")).collect();
    format!("{{ {}; }}", statements.join("; "))
}

/// Splits indexing script text into statements and steps, normalizing whitespace, and prepends
/// `input <field>` to statements without an input (Vespa's `IndexingInputs`).
pub(crate) fn parse_script(text: &str, field: &str) -> Script {
    let tokens = tokenize_script(text);
    let mut tokens: &[String] = &tokens;
    // `indexing { a; b; }` and `{ a; b; }`: one block of statements
    if tokens.first().is_some_and(|t| t == "{") && tokens.last().is_some_and(|t| t == "}") {
        let mut depth = 0;
        let closes_at_end = tokens.iter().enumerate().all(|(i, t)| {
            match t.as_str() {
                "{" => depth += 1,
                "}" => depth -= 1,
                _ => {}
            }
            depth > 0 || i == tokens.len() - 1
        });
        if closes_at_end {
            tokens = &tokens[1..tokens.len() - 1];
        }
    }
    let mut statements: Script = Vec::new();
    let mut steps: Vec<String> = Vec::new();
    let mut step: Vec<&str> = Vec::new();
    let mut depth = 0i32;
    let flush_step = |step: &mut Vec<&str>, steps: &mut Vec<String>| {
        if !step.is_empty() {
            steps.push(step.join(" "));
            step.clear();
        }
    };
    for token in tokens {
        match token.as_str() {
            "{" | "(" => {
                depth += 1;
                step.push(token);
            }
            "}" | ")" => {
                depth -= 1;
                step.push(token);
            }
            "|" if depth == 0 => flush_step(&mut step, &mut steps),
            ";" if depth == 0 => {
                flush_step(&mut step, &mut steps);
                if !steps.is_empty() {
                    statements.push(std::mem::take(&mut steps));
                }
            }
            t => step.push(t),
        }
    }
    flush_step(&mut step, &mut steps);
    if !steps.is_empty() {
        statements.push(steps);
    }
    for statement in &mut statements {
        let has_input = statement.iter().any(|s| s.split(' ').any(|t| t == "input"));
        if !has_input {
            statement.insert(0, format!("input {field}"));
        }
    }
    statements
}

fn tokenize_script(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' || c == '\'' {
            let quote = c;
            let mut s = String::new();
            s.push(c);
            chars.next();
            while let Some(c) = chars.next() {
                s.push(c);
                if c == '\\' {
                    if let Some(n) = chars.next() {
                        s.push(n);
                    }
                } else if c == quote {
                    break;
                }
            }
            tokens.push(s);
        } else if c.is_alphanumeric() || c == '_' {
            let mut s = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_alphanumeric() || c == '_' || c == '-' {
                    s.push(c);
                    chars.next();
                } else {
                    break;
                }
            }
            tokens.push(s);
        } else if c == '|' {
            chars.next();
            if chars.peek() == Some(&'|') {
                chars.next();
                tokens.push("||".to_owned());
            } else {
                tokens.push("|".to_owned());
            }
        } else {
            chars.next();
            tokens.push(c.to_string());
        }
    }
    tokens
}

/// A schema (document type) with its document fields (inherited ones included) and synthetic
/// fields.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Schema {
    pub(crate) name: String,
    pub(crate) fields: Vec<Field>,
    pub(crate) extra_fields: Vec<Field>,
    pub(crate) stemming: Option<String>,
}

impl Schema {
    pub(crate) fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub(crate) fn concrete_field(&self, name: &str) -> Option<&Field> {
        self.field(name)
            .or_else(|| self.extra_fields.iter().find(|f| f.name == name))
    }

    /// Every attribute (`AttributeFields`): fields with `attribute` output, struct-field
    /// attributes.
    pub(crate) fn attributes(&self) -> Vec<(String, &Attribute)> {
        let mut out = Vec::new();
        for field in self.fields.iter().chain(&self.extra_fields) {
            if let Some(a) = &field.attribute {
                out.push((field.name.clone(), a));
            }
            for (name, a) in &field.struct_attributes {
                out.push((name.clone(), a));
            }
        }
        out
    }

    pub(crate) fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.fields.iter().chain(&self.extra_fields).find_map(|f| {
            if f.name == name {
                f.attribute.as_ref()
            } else {
                f.struct_attributes
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, a)| a)
            }
        })
    }

    /// Fields with an index (`IndexSchema`).
    pub(crate) fn is_index_field(&self, name: &str) -> bool {
        self.concrete_field(name).is_some_and(|f| f.index)
    }
}

/// `mode` of a `<document>` in a content cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Index,
    Streaming,
    StoreOnly,
}

impl Mode {
    /// As the indexing-mode message prints it.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Mode::Index => "indexed",
            Mode::Streaming => "streaming",
            Mode::StoreOnly => "store-only",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DocSpec {
    pub(crate) mode: Mode,
    pub(crate) global: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ContentCluster {
    pub(crate) id: String,
    pub(crate) nodes: u32,
    /// Document types in `services.xml` order.
    pub(crate) documents: Vec<(String, DocSpec)>,
}

impl ContentCluster {
    pub(crate) fn document(&self, name: &str) -> Option<&DocSpec> {
        self.documents
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, d)| d)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ContainerCluster {
    pub(crate) id: String,
    pub(crate) nodes: u32,
}

/// A running service (one per node and kind).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Service {
    pub(crate) name: String,
    pub(crate) kind: String,
    pub(crate) config_id: String,
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) cluster: String,
    pub(crate) cluster_type: String,
}

/// A built application model.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AppModel {
    pub(crate) content: Vec<ContentCluster>,
    pub(crate) containers: Vec<ContainerCluster>,
    pub(crate) schemas: BTreeMap<String, Schema>,
    pub(crate) hostname: String,
}

impl AppModel {
    pub(crate) fn content_cluster(&self, id: &str) -> Option<&ContentCluster> {
        self.content.iter().find(|c| c.id == id)
    }

    /// The search nodes of a content cluster (what restart/refeed/reindex actions name).
    pub(crate) fn search_nodes(&self, cluster: &str) -> Vec<Service> {
        self.services()
            .into_iter()
            .filter(|s| s.cluster == cluster && s.kind == "searchnode")
            .collect()
    }

    /// The containers of a container cluster.
    pub(crate) fn container_services(&self, cluster: &str) -> Vec<Service> {
        self.services()
            .into_iter()
            .filter(|s| s.cluster == cluster && s.kind == "container")
            .collect()
    }

    /// Every service with a state port, in a fixed order with fixed ports.
    pub(crate) fn services(&self) -> Vec<Service> {
        let mut out = Vec::new();
        let host = &self.hostname;
        for (i, c) in self.containers.iter().enumerate() {
            for n in 0..c.nodes.max(1) {
                out.push(Service {
                    name: "container".to_owned(),
                    kind: "container".to_owned(),
                    config_id: format!("{}/container.{n}", c.id),
                    host: host.clone(),
                    port: 8080 + u16::try_from(i * 10).unwrap_or(0) + u16::try_from(n).unwrap_or(0),
                    cluster: c.id.clone(),
                    cluster_type: "container".to_owned(),
                });
            }
        }
        let mut port = 19100u16;
        for c in &self.content {
            for n in 0..c.nodes.max(1) {
                let kinds = [
                    (
                        "searchnode",
                        format!("{0}/search/cluster.{0}/{n}", c.id),
                        "search",
                    ),
                    (
                        "distributor",
                        format!("{}/distributor/{n}", c.id),
                        "content",
                    ),
                    ("storagenode", format!("{}/storage/{n}", c.id), "content"),
                ];
                for (kind, config_id, cluster_type) in kinds {
                    out.push(Service {
                        name: kind.to_owned(),
                        kind: kind.to_owned(),
                        config_id,
                        host: host.clone(),
                        port,
                        cluster: c.id.clone(),
                        cluster_type: cluster_type.to_owned(),
                    });
                    port = port.saturating_add(1);
                }
            }
        }
        out
    }

    /// Document types per content cluster (`documentTypesByCluster`).
    pub(crate) fn document_types_by_cluster(&self) -> BTreeMap<String, Vec<String>> {
        self.content
            .iter()
            .map(|c| {
                (
                    c.id.clone(),
                    c.documents.iter().map(|(d, _)| d.clone()).collect(),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(script: &str, dtype: DataType) -> Field {
        Field {
            name: "f".into(),
            dtype,
            script: parse_script(script, "f"),
            attribute: None,
            index: script.contains("index"),
            summary: script.contains("summary"),
            matching: Matching::default(),
            stemming: None,
            normalizing: None,
            summary_dynamic: false,
            struct_attributes: Vec::new(),
        }
    }

    #[test]
    fn scripts() {
        assert_eq!(
            parse_script("summary | index", "f"),
            vec![vec!["input f", "summary", "index"]]
        );
        assert_eq!(
            parse_script(
                "{ input a . \" \" . input b | summary; input a | attribute; }",
                "f"
            ),
            vec![
                vec!["input a . \" \" . input b", "summary"],
                vec!["input a", "attribute"]
            ]
        );
        assert_eq!(
            parse_script("input x || \"\" | attribute", "f"),
            vec![vec!["input x || \"\"", "attribute"]]
        );
        let string = DataType::Primitive("string".into());
        let a = field("summary", string.clone());
        let b = field("summary | index", string.clone());
        assert_ne!(
            a.script_without_outputs(None),
            b.script_without_outputs(None)
        );
        let c = field("summary | attribute", string);
        assert_eq!(
            a.script_without_outputs(None),
            c.script_without_outputs(None)
        );
        assert_eq!(
            print_script(&b.processed_script(None)),
            "{ input f | tokenize normalize stem:\"BEST\" | summary f | index f; }"
        );
    }

    #[test]
    fn types() {
        let s = |n: &str| DataType::Primitive(n.into());
        let st = |fields: Vec<(&str, DataType)>| {
            DataType::Struct(StructType {
                name: "s".into(),
                fields: fields.into_iter().map(|(n, t)| (n.into(), t)).collect(),
            })
        };
        assert!(
            !st(vec![("a", s("int"))]).changed_to(&st(vec![("a", s("int")), ("b", s("string"))]))
        );
        assert!(st(vec![("a", s("int"))]).changed_to(&st(vec![("a", s("long"))])));
        assert_eq!(
            st(vec![("a", s("int"))]).change_name(&st(vec![])),
            "s:{a:int}"
        );
        assert!(
            !DataType::Array(Box::new(st(vec![])))
                .changed_to(&DataType::Array(Box::new(st(vec![("x", s("int"))]))))
        );
        assert_eq!(
            DataType::Map(Box::new(s("string")), Box::new(s("int"))).name(),
            "Map<string,int>"
        );
    }
}
