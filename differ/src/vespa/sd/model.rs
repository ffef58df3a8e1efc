//! The semantic model of a Vespa schema (`.sd`) or rank-profile (`.profile`) file.
//!
//! Equality is semantic: named things live in [`IndexMap`]s / [`IndexSet`]s (whose equality
//! ignores order, while iteration and printing keep the source order), defaults are filled in
//! where Vespa has a fixed default (`distance-metric`, hnsw parameters, dictionary kind, tensor
//! cell type), tensor dimensions are sorted, and ranking expressions compare by their tokens
//! (whitespace and comments do not matter).
//!
//! Elements the parser does not model one by one (newer or rarely used syntax) are kept as
//! [`RawElement`]s in the `other` list of the enclosing element, so nothing is silently lost.

use std::fmt;

use indexmap::{IndexMap, IndexSet};

use super::lexer;

// ------------------------------------------------------------------------------------------
// Files
// ------------------------------------------------------------------------------------------

/// One parsed `.sd` file.
// A file is parsed once and moved rarely; boxing the schema would only add noise.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SdFile {
    /// `schema NAME [inherits P] { … }` (or the legacy root keyword `search`).
    Schema(Schema),
    /// A document-only file: `document NAME [inherits A, B] { … }`, used for inheritance.
    Document(Document),
}

impl SdFile {
    /// The schema name, or the document name of a document-only file.
    pub fn name(&self) -> &str {
        match self {
            SdFile::Schema(s) => &s.name,
            SdFile::Document(d) => &d.name,
        }
    }

    /// The schema, if this is a schema file.
    pub fn as_schema(&self) -> Option<&Schema> {
        match self {
            SdFile::Schema(s) => Some(s),
            SdFile::Document(_) => None,
        }
    }

    /// The document type: the schema's `document`, or the document of a document-only file.
    pub fn document(&self) -> Option<&Document> {
        match self {
            SdFile::Schema(s) => s.document.as_ref(),
            SdFile::Document(d) => Some(d),
        }
    }
}

/// A `schema` (or legacy `search`) block.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Schema {
    /// The schema name (must equal the file name in an application package).
    pub name: String,
    /// `schema NAME inherits PARENT`.
    pub inherits: Option<String>,
    /// The `document` block (a schema has exactly one in a valid application; `None` if absent).
    pub document: Option<Document>,
    /// Structs declared at schema level, outside the document.
    pub structs: IndexMap<String, StructDef>,
    /// Annotations declared at schema level.
    pub annotations: IndexMap<String, Annotation>,
    /// Synthetic fields: `field`s outside the `document` block (their indexing starts with
    /// `input …`).
    pub fields: IndexMap<String, Field>,
    /// `fieldset NAME { fields: a, b }`.
    pub fieldsets: IndexMap<String, FieldSet>,
    /// `rank-profile NAME [inherits …] { … }` (also legacy `model`), in declaration order.
    pub rank_profiles: IndexMap<String, RankProfile>,
    /// Schema-level `constant NAME { file: …  type: … }`.
    pub constants: IndexMap<String, Constant>,
    /// Schema-level `onnx-model NAME { … }`.
    pub onnx_models: IndexMap<String, OnnxModel>,
    /// `document-summary NAME [inherits …] { … }`.
    pub document_summaries: IndexMap<String, DocumentSummary>,
    /// `import field REF.FIELD as NAME {}`, keyed by NAME.
    pub imported_fields: IndexMap<String, ImportedField>,
    /// Schema-level `stemming: …`.
    pub stemming: Option<Stemming>,
    /// `raw-as-base64-in-summary[: true|false]`.
    pub raw_as_base64_in_summary: Option<bool>,
    /// Legacy schema-level `index NAME { … }` / `index NAME: …` blocks.
    pub indexes: IndexMap<String, IndexSettings>,
}

impl Schema {
    /// A document field or a synthetic field by name (document fields first).
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.document
            .as_ref()
            .and_then(|d| d.fields.get(name))
            .or_else(|| self.fields.get(name))
    }

    /// The document type name (the document block's name, which defaults to the schema name).
    pub fn document_name(&self) -> &str {
        self.document.as_ref().map_or(&self.name, |d| &d.name)
    }

    /// Every field: the document's fields, then the synthetic fields.
    pub fn all_fields(&self) -> impl Iterator<Item = &Field> {
        self.document
            .iter()
            .flat_map(|d| d.fields.values())
            .chain(self.fields.values())
    }

    /// A struct by name, looked up in the document first, then at schema level.
    pub fn struct_def(&self, name: &str) -> Option<&StructDef> {
        self.document
            .as_ref()
            .and_then(|d| d.structs.get(name))
            .or_else(|| self.structs.get(name))
    }
}

/// A `document` block: the stored data type.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Document {
    /// The document type name (defaults to the schema name when omitted in the source).
    pub name: String,
    /// `document NAME inherits A, B` (order kept: it decides which parent wins).
    pub inherits: Vec<String>,
    /// `struct NAME { field … }` declared in the document.
    pub structs: IndexMap<String, StructDef>,
    /// `annotation NAME { field … }` declared in the document.
    pub annotations: IndexMap<String, Annotation>,
    /// The document fields.
    pub fields: IndexMap<String, Field>,
}

/// `struct NAME [inherits A, B] { field NAME type T { … } … }`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StructDef {
    /// The struct name.
    pub name: String,
    /// Inherited structs.
    pub inherits: Vec<String>,
    /// The struct members; their bodies only use `id` and `match` (others are accepted).
    pub fields: IndexMap<String, Field>,
}

/// `annotation NAME [inherits A] { field … }`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Annotation {
    /// The annotation name.
    pub name: String,
    /// The inherited annotation.
    pub inherits: Option<String>,
    /// The annotation's fields.
    pub fields: IndexMap<String, Field>,
}

// ------------------------------------------------------------------------------------------
// Types
// ------------------------------------------------------------------------------------------

/// A field's data type. `Display` renders Vespa's message style: `string`, `Array<string>`,
/// `WeightedSet<string>`, `Map<string,int>`, `Reference<doc>`, `tensor<float>(x[384])`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FieldType {
    /// `string`
    String,
    /// `int`
    Int,
    /// `long`
    Long,
    /// `float`
    Float,
    /// `double`
    Double,
    /// `bool`
    Bool,
    /// `byte`
    Byte,
    /// `raw`
    Raw,
    /// `uri`
    Uri,
    /// `position`
    Position,
    /// `predicate`
    Predicate,
    /// `reference<DOC>`
    Reference(String),
    /// `annotationreference<ANNOTATION>`
    AnnotationReference(String),
    /// `array<T>` (also the deprecated `T[]`)
    Array(Box<FieldType>),
    /// `weightedset<T>`, with the flags from the field's `weightedset { … }` element (they are
    /// part of the data type in Vespa).
    WeightedSet {
        /// The element type.
        element: Box<FieldType>,
        /// `create-if-nonexistent`
        create_if_nonexistent: bool,
        /// `remove-if-zero`
        remove_if_zero: bool,
    },
    /// `map<K,V>`
    Map(Box<FieldType>, Box<FieldType>),
    /// A struct type, by name.
    Struct(String),
    /// `tensor<cell>(dims)`, canonical (see [`TensorType`]).
    Tensor(TensorType),
}

impl FieldType {
    /// `weightedset<T>` without flags.
    pub fn weighted_set(element: FieldType) -> FieldType {
        FieldType::WeightedSet {
            element: Box::new(element),
            create_if_nonexistent: false,
            remove_if_zero: false,
        }
    }

    /// The primitive type for a keyword (`string`, `int`, …), if it is one.
    pub fn primitive(name: &str) -> Option<FieldType> {
        Some(match name {
            "string" => FieldType::String,
            "int" => FieldType::Int,
            "long" => FieldType::Long,
            "float" => FieldType::Float,
            "double" => FieldType::Double,
            "bool" => FieldType::Bool,
            "byte" => FieldType::Byte,
            "raw" => FieldType::Raw,
            "uri" => FieldType::Uri,
            "position" => FieldType::Position,
            "predicate" => FieldType::Predicate,
            _ => return None,
        })
    }

    /// Whether this is a collection (array, weighted set or map).
    pub fn is_collection(&self) -> bool {
        matches!(
            self,
            FieldType::Array(_) | FieldType::WeightedSet { .. } | FieldType::Map(..)
        )
    }

    /// The innermost element type of arrays and weighted sets (self for others).
    pub fn element_type(&self) -> &FieldType {
        match self {
            FieldType::Array(e) => e.element_type(),
            FieldType::WeightedSet { element, .. } => element.element_type(),
            other => other,
        }
    }

    /// The type as written in a schema: `array<string>`, `tensor<float>(x[2])`, ….
    pub fn sd_syntax(&self) -> String {
        match self {
            FieldType::Reference(d) => format!("reference<{d}>"),
            FieldType::AnnotationReference(a) => format!("annotationreference<{a}>"),
            FieldType::Array(e) => format!("array<{}>", e.sd_syntax()),
            FieldType::WeightedSet { element, .. } => {
                format!("weightedset<{}>", element.sd_syntax())
            }
            FieldType::Map(k, v) => format!("map<{}, {}>", k.sd_syntax(), v.sd_syntax()),
            FieldType::Tensor(t) => t.sd_syntax(),
            other => other.to_string(),
        }
    }
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldType::String => f.write_str("string"),
            FieldType::Int => f.write_str("int"),
            FieldType::Long => f.write_str("long"),
            FieldType::Float => f.write_str("float"),
            FieldType::Double => f.write_str("double"),
            FieldType::Bool => f.write_str("bool"),
            FieldType::Byte => f.write_str("byte"),
            FieldType::Raw => f.write_str("raw"),
            FieldType::Uri => f.write_str("uri"),
            FieldType::Position => f.write_str("position"),
            FieldType::Predicate => f.write_str("predicate"),
            FieldType::Reference(d) => write!(f, "Reference<{d}>"),
            FieldType::AnnotationReference(a) => write!(f, "AnnotationReference<{a}>"),
            FieldType::Array(e) => write!(f, "Array<{e}>"),
            FieldType::WeightedSet { element, .. } => write!(f, "WeightedSet<{element}>"),
            FieldType::Map(k, v) => write!(f, "Map<{k},{v}>"),
            FieldType::Struct(s) => f.write_str(s),
            FieldType::Tensor(t) => write!(f, "{t}"),
        }
    }
}

/// A tensor cell value type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum CellType {
    /// `double` (the default)
    #[default]
    Double,
    /// `float`
    Float,
    /// `bfloat16`
    BFloat16,
    /// `int8`
    Int8,
}

impl CellType {
    /// Parses a cell type keyword.
    pub fn from_name(name: &str) -> Option<CellType> {
        Some(match name {
            "double" => CellType::Double,
            "float" => CellType::Float,
            "bfloat16" => CellType::BFloat16,
            "int8" => CellType::Int8,
            _ => return None,
        })
    }

    /// The keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            CellType::Double => "double",
            CellType::Float => "float",
            CellType::BFloat16 => "bfloat16",
            CellType::Int8 => "int8",
        }
    }
}

/// A tensor dimension's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DimensionKind {
    /// `x[N]` (bound) or `x[]` (unbound, only in query inputs).
    Indexed(Option<u64>),
    /// `x{}`
    Mapped,
}

/// One tensor dimension.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Dimension {
    /// The dimension name.
    pub name: String,
    /// Indexed (with size) or mapped.
    pub kind: DimensionKind,
}

/// A tensor type in canonical form: cell type defaulted to `double`, dimensions sorted by
/// name. `tensor(x[2])` == `tensor<double>(x[2])`. A rank-0 tensor is a plain `double`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct TensorType {
    /// The cell type.
    pub cell: CellType,
    /// The dimensions, sorted by name.
    pub dims: Vec<Dimension>,
}

impl TensorType {
    /// A canonical tensor type: dimensions sorted; a rank-0 tensor is a `double` whatever
    /// cell type was written.
    pub fn new(cell: CellType, mut dims: Vec<Dimension>) -> TensorType {
        dims.sort_by(|a, b| a.name.cmp(&b.name));
        let cell = if dims.is_empty() {
            CellType::Double
        } else {
            cell
        };
        TensorType { cell, dims }
    }

    /// The rank-0 type, i.e. a `double`.
    pub fn scalar() -> TensorType {
        TensorType::default()
    }

    /// Whether this is the rank-0 (`double`) type.
    pub fn is_scalar(&self) -> bool {
        self.dims.is_empty()
    }

    /// The type as written in a schema: `tensor<float>(x[2],y{})`; `tensor(x[2])` for double.
    pub fn sd_syntax(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for TensorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("tensor")?;
        if self.cell != CellType::Double {
            write!(f, "<{}>", self.cell.as_str())?;
        }
        f.write_str("(")?;
        for (i, d) in self.dims.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            match d.kind {
                DimensionKind::Indexed(Some(n)) => write!(f, "{}[{n}]", d.name)?,
                DimensionKind::Indexed(None) => write!(f, "{}[]", d.name)?,
                DimensionKind::Mapped => write!(f, "{}{{}}", d.name)?,
            }
        }
        f.write_str(")")
    }
}

// ------------------------------------------------------------------------------------------
// Fields
// ------------------------------------------------------------------------------------------

/// A `field NAME type T { … }` (in a document, outside it as a synthetic field, or in a
/// struct/annotation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The field name.
    pub name: String,
    /// The data type.
    pub ty: FieldType,
    /// `indexing: …` / `indexing { … }`.
    pub indexing: Option<IndexingScript>,
    /// Settings of the field's own attribute (`attribute: …`, `attribute { … }`). Defaults
    /// when absent; whether an attribute exists is decided by the indexing script.
    pub attribute: AttributeSettings,
    /// Deprecated `attribute OTHER_NAME: …` blocks, creating attributes with another name.
    pub extra_attributes: IndexMap<String, AttributeSettings>,
    /// Settings of the field's own index (`index: …`, `index { … }`), `None` when absent.
    pub index: Option<IndexSettings>,
    /// Deprecated `index OTHER_NAME: …` blocks (e.g. `index default: prefix`).
    pub extra_indexes: IndexMap<String, IndexSettings>,
    /// `match: …` / `match { … }`.
    pub match_settings: MatchSettings,
    /// `stemming: …`.
    pub stemming: Option<Stemming>,
    /// `normalizing: …` (only `none` is meaningful).
    pub normalizing: Option<String>,
    /// `rank: filter|normal|literal` / `rank { … }`.
    pub rank: RankSettings,
    /// `rank-type: T` (keyed by the field name) and `rank-type INDEX: T`.
    pub rank_types: IndexMap<String, String>,
    /// `weight: N`.
    pub weight: Option<i64>,
    /// `bolding: on` (default off).
    pub bolding: bool,
    /// Summary fields declared in the field body: `summary: dynamic`, `summary NAME { … }`,
    /// `summary-to: …`; keyed by summary field name (the field name for unnamed ones).
    pub summaries: IndexMap<String, SummaryField>,
    /// `alias: A` / `alias NAME: A`: aliased name (the field name for `alias: A`) → aliases.
    pub aliases: IndexMap<String, IndexSet<String>>,
    /// `sorting: …` / `sorting { … }` at field level.
    pub sorting: Option<Sorting>,
    /// `dictionary: …` / `dictionary { … }`.
    pub dictionary: Option<Dictionary>,
    /// `id: N` (explicit field id).
    pub id: Option<i64>,
    /// `query-command: …` (order kept).
    pub query_commands: Vec<String>,
    /// `struct-field NAME { … }` blocks.
    pub struct_fields: IndexMap<String, StructField>,
    /// Elements not modelled one by one (e.g. `linguistics { … }`).
    pub other: Vec<RawElement>,
}

impl Field {
    /// A field with the given name and type and nothing else.
    pub fn new(name: impl Into<String>, ty: FieldType) -> Field {
        Field {
            name: name.into(),
            ty,
            indexing: None,
            attribute: AttributeSettings::default(),
            extra_attributes: IndexMap::new(),
            index: None,
            extra_indexes: IndexMap::new(),
            match_settings: MatchSettings::default(),
            stemming: None,
            normalizing: None,
            rank: RankSettings::default(),
            rank_types: IndexMap::new(),
            weight: None,
            bolding: false,
            summaries: IndexMap::new(),
            aliases: IndexMap::new(),
            sorting: None,
            dictionary: None,
            id: None,
            query_commands: Vec::new(),
            struct_fields: IndexMap::new(),
            other: Vec::new(),
        }
    }

    /// Whether the indexing script writes an attribute.
    pub fn has_attribute(&self) -> bool {
        self.indexing
            .as_ref()
            .is_some_and(IndexingScript::has_attribute)
    }

    /// Whether the indexing script writes an index.
    pub fn has_index(&self) -> bool {
        self.indexing
            .as_ref()
            .is_some_and(IndexingScript::has_index)
    }

    /// Whether the indexing script writes a summary.
    pub fn has_summary(&self) -> bool {
        self.indexing
            .as_ref()
            .is_some_and(IndexingScript::has_summary)
    }

    /// Whether the field is marked `rank: filter`.
    pub fn is_filter(&self) -> bool {
        self.rank.filter
    }

    /// The hnsw settings of the field's index, if any.
    pub fn hnsw(&self) -> Option<&HnswSettings> {
        self.index.as_ref().and_then(|i| i.hnsw.as_ref())
    }

    /// Whether the field's own summary is `dynamic`.
    pub fn is_dynamic_summary(&self) -> bool {
        self.summaries
            .get(&self.name)
            .is_some_and(|s| s.transform == Some(SummaryTransform::Dynamic))
    }
}

/// A `struct-field NAME { … }` block inside a field (recursive). Paths like `key`,
/// `value` and `value.name` address map entries.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StructField {
    /// The sub-field name or dotted path.
    pub name: String,
    /// `indexing: …`.
    pub indexing: Option<IndexingScript>,
    /// `attribute: …` settings.
    pub attribute: AttributeSettings,
    /// `match: …`.
    pub match_settings: MatchSettings,
    /// `rank: …`.
    pub rank: RankSettings,
    /// `query-command: …`.
    pub query_commands: Vec<String>,
    /// `summary …` elements.
    pub summaries: IndexMap<String, SummaryField>,
    /// Nested `struct-field` blocks.
    pub struct_fields: IndexMap<String, StructField>,
    /// Elements not modelled one by one.
    pub other: Vec<RawElement>,
}

impl StructField {
    /// Whether the indexing script writes an attribute.
    pub fn has_attribute(&self) -> bool {
        self.indexing
            .as_ref()
            .is_some_and(IndexingScript::has_attribute)
    }

    /// Whether the indexing script writes an index.
    pub fn has_index(&self) -> bool {
        self.indexing
            .as_ref()
            .is_some_and(IndexingScript::has_index)
    }
}

/// Attribute settings. `Default` is "no settings".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AttributeSettings {
    /// `fast-search`
    pub fast_search: bool,
    /// `fast-access`
    pub fast_access: bool,
    /// `fast-rank`
    pub fast_rank: bool,
    /// `paged`
    pub paged: bool,
    /// `mutable`
    pub mutable: bool,
    /// `enable-only-bit-vector`
    pub enable_only_bit_vector: bool,
    /// `distance-metric: …` (default euclidean).
    pub distance_metric: DistanceMetric,
    /// `sorting { … }` inside the attribute block.
    pub sorting: Option<Sorting>,
    /// `alias [NAME]: A` inside the attribute block: aliased name → aliases.
    pub aliases: IndexMap<String, IndexSet<String>>,
    /// Deprecated no-op settings kept verbatim (`prefetch`, `huge`, `enable-bit-vectors`, …).
    pub legacy: IndexSet<String>,
}

impl AttributeSettings {
    /// Whether nothing is set.
    pub fn is_default(&self) -> bool {
        *self == AttributeSettings::default()
    }
}

/// `distance-metric` values.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum DistanceMetric {
    /// `euclidean` (the default)
    #[default]
    Euclidean,
    /// `angular`
    Angular,
    /// `dotproduct`
    DotProduct,
    /// `prenormalized-angular`
    PrenormalizedAngular,
    /// `hamming`
    Hamming,
    /// `geodegrees`
    GeoDegrees,
    /// Any other value (newer Vespa versions), verbatim.
    Other(String),
}

impl DistanceMetric {
    /// Parses a metric name (unknown names become [`DistanceMetric::Other`]).
    pub fn from_name(name: &str) -> DistanceMetric {
        match name {
            "euclidean" => DistanceMetric::Euclidean,
            "angular" => DistanceMetric::Angular,
            "dotproduct" => DistanceMetric::DotProduct,
            "prenormalized-angular" => DistanceMetric::PrenormalizedAngular,
            "hamming" => DistanceMetric::Hamming,
            "geodegrees" => DistanceMetric::GeoDegrees,
            other => DistanceMetric::Other(other.to_string()),
        }
    }

    /// The schema keyword (`prenormalized-angular`).
    pub fn as_str(&self) -> &str {
        match self {
            DistanceMetric::Euclidean => "euclidean",
            DistanceMetric::Angular => "angular",
            DistanceMetric::DotProduct => "dotproduct",
            DistanceMetric::PrenormalizedAngular => "prenormalized-angular",
            DistanceMetric::Hamming => "hamming",
            DistanceMetric::GeoDegrees => "geodegrees",
            DistanceMetric::Other(s) => s,
        }
    }

    /// Vespa's enum spelling used in change messages (`PRENORMALIZED_ANGULAR`).
    pub fn vespa_name(&self) -> String {
        self.as_str().to_ascii_uppercase().replace('-', "_")
    }
}

/// Index settings (`index: …` / `index { … }`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IndexSettings {
    /// `prefix`
    pub prefix: bool,
    /// `enable-bm25`
    pub enable_bm25: bool,
    /// `alias: A`
    pub aliases: IndexSet<String>,
    /// `stemming: …`
    pub stemming: Option<Stemming>,
    /// Predicate `arity: N`.
    pub arity: Option<i64>,
    /// Predicate `lower-bound: N`.
    pub lower_bound: Option<i64>,
    /// Predicate `upper-bound: N`.
    pub upper_bound: Option<i64>,
    /// `dense-posting-list-threshold: F`.
    pub dense_posting_list_threshold: Option<Num>,
    /// `hnsw` / `hnsw { … }`: an HNSW index on a tensor attribute.
    pub hnsw: Option<HnswSettings>,
    /// Elements not modelled one by one.
    pub other: Vec<RawElement>,
}

/// HNSW parameters, with Vespa's defaults filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HnswSettings {
    /// `max-links-per-node` (default 16).
    pub max_links_per_node: u32,
    /// `neighbors-to-explore-at-insert` (default 200).
    pub neighbors_to_explore_at_insert: u32,
    /// `multi-threaded-indexing` (default true).
    pub multi_threaded_indexing: bool,
    /// Elements not modelled one by one.
    pub other: Vec<RawElement>,
}

impl HnswSettings {
    /// Default `max-links-per-node`.
    pub const DEFAULT_MAX_LINKS_PER_NODE: u32 = 16;
    /// Default `neighbors-to-explore-at-insert`.
    pub const DEFAULT_NEIGHBORS_TO_EXPLORE_AT_INSERT: u32 = 200;
}

impl Default for HnswSettings {
    fn default() -> HnswSettings {
        HnswSettings {
            max_links_per_node: HnswSettings::DEFAULT_MAX_LINKS_PER_NODE,
            neighbors_to_explore_at_insert: HnswSettings::DEFAULT_NEIGHBORS_TO_EXPLORE_AT_INSERT,
            multi_threaded_indexing: true,
            other: Vec::new(),
        }
    }
}

/// `match` settings; `None` means "Vespa's default for the field type".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MatchSettings {
    /// `text` (also the deprecated `token`), `word`, `exact`, `gram`.
    pub mode: Option<MatchMode>,
    /// `prefix`, `substring`, `suffix`.
    pub algorithm: Option<MatchAlgorithm>,
    /// `cased` / `uncased`.
    pub case: Option<Case>,
    /// `gram-size: N`.
    pub gram_size: Option<i64>,
    /// `exact-terminator: "…"`.
    pub exact_terminator: Option<String>,
    /// `max-length: N`.
    pub max_length: Option<i64>,
    /// `max-occurrences: N`.
    pub max_occurrences: Option<i64>,
    /// `max-token-length: N` and other elements not modelled one by one.
    pub other: Vec<RawElement>,
}

impl MatchSettings {
    /// Whether nothing is set.
    pub fn is_default(&self) -> bool {
        *self == MatchSettings::default()
    }
}

/// Match modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatchMode {
    /// `text` (`token` is a deprecated synonym)
    Text,
    /// `word`
    Word,
    /// `exact`
    Exact,
    /// `gram`
    Gram,
}

impl MatchMode {
    /// The keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchMode::Text => "text",
            MatchMode::Word => "word",
            MatchMode::Exact => "exact",
            MatchMode::Gram => "gram",
        }
    }
}

/// Match algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatchAlgorithm {
    /// `prefix`
    Prefix,
    /// `substring`
    Substring,
    /// `suffix`
    Suffix,
}

impl MatchAlgorithm {
    /// The keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchAlgorithm::Prefix => "prefix",
            MatchAlgorithm::Substring => "substring",
            MatchAlgorithm::Suffix => "suffix",
        }
    }
}

/// Cased / uncased (match and dictionary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Case {
    /// `cased`
    Cased,
    /// `uncased`
    Uncased,
}

impl Case {
    /// The keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            Case::Cased => "cased",
            Case::Uncased => "uncased",
        }
    }
}

/// `stemming` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stemming {
    /// `none`
    None,
    /// `best`
    Best,
    /// `shortest`
    Shortest,
    /// `multiple`
    Multiple,
}

impl Stemming {
    /// Parses a stemming keyword.
    pub fn from_name(name: &str) -> Option<Stemming> {
        Some(match name {
            "none" => Stemming::None,
            "best" => Stemming::Best,
            "shortest" => Stemming::Shortest,
            "multiple" => Stemming::Multiple,
            _ => return None,
        })
    }

    /// The keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            Stemming::None => "none",
            Stemming::Best => "best",
            Stemming::Shortest => "shortest",
            Stemming::Multiple => "multiple",
        }
    }
}

/// `rank: …` settings of a field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RankSettings {
    /// `filter`
    pub filter: bool,
    /// `normal`
    pub normal: bool,
    /// `literal`
    pub literal: bool,
    /// Elements not modelled one by one (e.g. `element-gap: N`).
    pub other: Vec<RawElement>,
}

impl RankSettings {
    /// Whether nothing is set.
    pub fn is_default(&self) -> bool {
        *self == RankSettings::default()
    }
}

/// `dictionary` settings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dictionary {
    /// `btree` / `hash` / both (default btree).
    pub kind: DictionaryKind,
    /// `cased` / `uncased`.
    pub case: Option<Case>,
}

/// The dictionary structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DictionaryKind {
    /// `btree` (the default)
    #[default]
    Btree,
    /// `hash`
    Hash,
    /// both `btree` and `hash`
    BtreeAndHash,
}

impl DictionaryKind {
    /// Vespa's enum spelling used in change messages (`BTREE`, `HASH`, `BTREE_AND_HASH`).
    pub fn vespa_name(self) -> &'static str {
        match self {
            DictionaryKind::Btree => "BTREE",
            DictionaryKind::Hash => "HASH",
            DictionaryKind::BtreeAndHash => "BTREE_AND_HASH",
        }
    }
}

/// `sorting` settings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sorting {
    /// `ascending` / `descending`.
    pub order: Option<SortOrder>,
    /// `function: uca|raw|lowercase`.
    pub function: Option<String>,
    /// `strength: primary|secondary|tertiary|quaternary|identical`.
    pub strength: Option<String>,
    /// `locale: …`.
    pub locale: Option<String>,
}

/// Sort order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortOrder {
    /// `ascending`
    Ascending,
    /// `descending`
    Descending,
}

impl SortOrder {
    /// The keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::Ascending => "ascending",
            SortOrder::Descending => "descending",
        }
    }
}

// ------------------------------------------------------------------------------------------
// Summaries
// ------------------------------------------------------------------------------------------

/// A summary field: in a field body (`summary: dynamic`, `summary NAME { … }`) or in a
/// `document-summary`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SummaryField {
    /// The summary field name.
    pub name: String,
    /// An explicit `type T`.
    pub ty: Option<FieldType>,
    /// `dynamic`, `matched-elements-only`, `full`/`static`, `tokens`.
    pub transform: Option<SummaryTransform>,
    /// `bolding: on|off`.
    pub bolding: Option<bool>,
    /// `source: a, b`.
    pub sources: Vec<String>,
    /// `to: a, b` and the deprecated `summary-to: …`.
    pub destinations: Vec<String>,
    /// `select-elements-by: FEATURE`.
    pub select_elements_by: Option<String>,
    /// Elements not modelled one by one.
    pub other: Vec<RawElement>,
}

/// Summary transforms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SummaryTransform {
    /// `dynamic`
    Dynamic,
    /// `matched-elements-only`
    MatchedElementsOnly,
    /// `full` (`static` is a synonym)
    Full,
    /// `tokens`
    Tokens,
}

impl SummaryTransform {
    /// The keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            SummaryTransform::Dynamic => "dynamic",
            SummaryTransform::MatchedElementsOnly => "matched-elements-only",
            SummaryTransform::Full => "full",
            SummaryTransform::Tokens => "tokens",
        }
    }
}

/// `document-summary NAME [inherits A] { … }`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocumentSummary {
    /// The summary class name.
    pub name: String,
    /// Inherited summary classes.
    pub inherits: Vec<String>,
    /// `from-disk`
    pub from_disk: bool,
    /// `omit-summary-features`
    pub omit_summary_features: bool,
    /// The summary fields.
    pub fields: IndexMap<String, SummaryField>,
}

// ------------------------------------------------------------------------------------------
// Schema-level items
// ------------------------------------------------------------------------------------------

/// `fieldset NAME { fields: a, b … }`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldSet {
    /// The fieldset name.
    pub name: String,
    /// The member fields (a set).
    pub fields: IndexSet<String>,
    /// `query-command: …`.
    pub query_commands: Vec<String>,
    /// `match …` settings.
    pub match_settings: MatchSettings,
}

/// `import field REF.FIELD as NAME {}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedField {
    /// The local name (`as NAME`).
    pub name: String,
    /// The reference field in this document.
    pub reference_field: String,
    /// The field in the referenced (parent) document.
    pub target_field: String,
}

/// A schema-level `constant NAME { file: …  type: … }`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Constant {
    /// The constant name.
    pub name: String,
    /// `type: tensor(…)`.
    pub ty: TensorType,
    /// `file: PATH`.
    pub file: Option<String>,
    /// `uri: URL`.
    pub uri: Option<String>,
}

/// `onnx-model NAME { … }` (schema level or inside a rank profile).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OnnxModel {
    /// The model name.
    pub name: String,
    /// `file: PATH`.
    pub file: Option<String>,
    /// `uri: URL`.
    pub uri: Option<String>,
    /// `input NAME: SOURCE`.
    pub inputs: IndexMap<String, String>,
    /// `output NAME: ALIAS`.
    pub outputs: IndexMap<String, String>,
    /// `gpu-device: N`.
    pub gpu_device: Option<i64>,
    /// `intraop-threads: N`.
    pub intraop_threads: Option<i64>,
    /// `interop-threads: N`.
    pub interop_threads: Option<i64>,
    /// `execution-mode: parallel|sequential`.
    pub execution_mode: Option<String>,
    /// Elements not modelled one by one.
    pub other: Vec<RawElement>,
}

// ------------------------------------------------------------------------------------------
// Rank profiles
// ------------------------------------------------------------------------------------------

/// `rank-profile NAME [inherits A, B] { … }` (in a schema or a `.profile` file).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RankProfile {
    /// The profile name.
    pub name: String,
    /// Inherited profiles (order kept).
    pub inherits: Vec<String>,
    /// `inputs { query(x) TYPE [: DEFAULT] }`, keyed by the full feature name `query(x)`.
    pub inputs: IndexMap<String, Input>,
    /// `constants { NAME [TYPE]: VALUE|file: PATH }`, keyed by bare name.
    pub constants: IndexMap<String, ProfileConstant>,
    /// `function [inline] NAME(params) { expression: … }`.
    pub functions: IndexMap<String, Function>,
    /// `first-phase { … }`.
    pub first_phase: Option<Phase>,
    /// `second-phase { … }`.
    pub second_phase: Option<Phase>,
    /// `global-phase { … }`.
    pub global_phase: Option<Phase>,
    /// `match-features …`.
    pub match_features: Option<FeatureList>,
    /// `summary-features …`.
    pub summary_features: Option<FeatureList>,
    /// `rank-features …`.
    pub rank_features: Option<FeatureList>,
    /// `rank-properties { KEY: VALUE }` (a multimap; order kept).
    pub rank_properties: Vec<(String, String)>,
    /// `onnx-model NAME { … }` inside the profile.
    pub onnx_models: IndexMap<String, OnnxModel>,
    /// `match-phase { … }`.
    pub match_phase: Option<MatchPhase>,
    /// Profile-level `diversity { … }`.
    pub diversity: Option<Diversity>,
    /// `mutate { on-match { ATTR OP VALUE } … }`.
    pub mutate: Vec<MutateOperation>,
    /// `num-threads-per-search: N`.
    pub num_threads_per_search: Option<i64>,
    /// `min-hits-per-thread: N`.
    pub min_hits_per_thread: Option<i64>,
    /// `num-search-partitions: N`.
    pub num_search_partitions: Option<i64>,
    /// `termwise-limit: F`.
    pub termwise_limit: Option<Num>,
    /// `post-filter-threshold: F`.
    pub post_filter_threshold: Option<Num>,
    /// `approximate-threshold: F`.
    pub approximate_threshold: Option<Num>,
    /// `target-hits-max-adjustment-factor: F`.
    pub target_hits_max_adjustment_factor: Option<Num>,
    /// `ignore-default-rank-features`.
    pub ignore_default_rank_features: bool,
    /// `strict: true|false`.
    pub strict: Option<bool>,
    /// `weight FIELD: N`.
    pub field_weights: IndexMap<String, i64>,
    /// `rank-type FIELD: TYPE`.
    pub field_rank_types: IndexMap<String, String>,
    /// `rank FIELD: filter` and `rank FIELD { … }`.
    pub field_rank: IndexMap<String, RankSettings>,
    /// Elements not modelled one by one (newer knobs), verbatim.
    pub other: Vec<RawElement>,
}

/// A rank profile input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The full feature name, `query(x)`.
    pub name: String,
    /// The value type (`double` when omitted; `float`/`long` are treated as `double` by
    /// Vespa and normalized to it).
    pub ty: ValueType,
    /// The default value, as normalized text (`: [1,2,3]`).
    pub default: Option<RankExpression>,
}

/// A value type in inputs and constants.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ValueType {
    /// A tensor type; rank 0 means `double`.
    Tensor(TensorType),
    /// `string` (inputs only).
    String,
}

impl ValueType {
    /// The `double` type.
    pub fn double() -> ValueType {
        ValueType::Tensor(TensorType::scalar())
    }
}

impl fmt::Display for ValueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueType::Tensor(t) if t.is_scalar() => f.write_str("double"),
            ValueType::Tensor(t) => write!(f, "{t}"),
            ValueType::String => f.write_str("string"),
        }
    }
}

/// A rank profile constant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileConstant {
    /// The bare constant name (`constant(x)` and `x` both give `x`).
    pub name: String,
    /// The value type (`double` when omitted).
    pub ty: ValueType,
    /// The value.
    pub value: ConstantValue,
}

/// A constant's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConstantValue {
    /// An inline literal (number or tensor literal), as normalized text.
    Literal(RankExpression),
    /// `file: PATH`.
    File(String),
}

/// `function [inline] NAME(a, b) { expression: … }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// The function name.
    pub name: String,
    /// Parameter names.
    pub params: Vec<String>,
    /// `inline`.
    pub inline: bool,
    /// The body.
    pub expression: RankExpression,
}

/// A ranking phase block.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Phase {
    /// `expression: …` / `expression { … }`.
    pub expression: Option<RankExpression>,
    /// `rerank-count: N` (second/global phase).
    pub rerank_count: Option<i64>,
    /// `keep-rank-count: N` (first phase).
    pub keep_rank_count: Option<i64>,
    /// `rank-score-drop-limit: F`.
    pub rank_score_drop_limit: Option<Num>,
    /// Elements not modelled one by one.
    pub other: Vec<RawElement>,
}

/// A `match-features` / `summary-features` / `rank-features` list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FeatureList {
    /// `… inherits PROFILE { … }`.
    pub inherits: Option<String>,
    /// The features, each without whitespace (`closeness(field,embedding)`); a set.
    pub features: IndexSet<String>,
}

/// `match-phase { … }`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MatchPhase {
    /// `attribute: NAME`.
    pub attribute: Option<String>,
    /// `order: ascending|descending`.
    pub order: Option<SortOrder>,
    /// `max-hits: N`.
    pub max_hits: Option<i64>,
    /// `max-filter-coverage: F`.
    pub max_filter_coverage: Option<Num>,
    /// `evaluation-point: F`.
    pub evaluation_point: Option<Num>,
    /// `pre-post-filter-tipping-point: F`.
    pub pre_post_filter_tipping_point: Option<Num>,
    /// `diversity { … }`.
    pub diversity: Option<Diversity>,
}

/// `diversity { … }`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diversity {
    /// `attribute: NAME`.
    pub attribute: Option<String>,
    /// `min-groups: N`.
    pub min_groups: Option<i64>,
    /// `cutoff-factor: F`.
    pub cutoff_factor: Option<Num>,
    /// `cutoff-strategy: strict|loose`.
    pub cutoff_strategy: Option<String>,
}

/// One `mutate` operation: `on-match { my_attribute += 1 }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MutateOperation {
    /// `on-match`, `on-first-phase`, `on-second-phase`, `on-summary`.
    pub phase: String,
    /// The attribute to mutate.
    pub attribute: String,
    /// The operation, compact: `+=1`, `-=2`, `=0`.
    pub operation: String,
}

// ------------------------------------------------------------------------------------------
// Expressions and scripts
// ------------------------------------------------------------------------------------------

/// A ranking expression (or another free-form value such as a tensor literal), kept as text.
///
/// `text` has comments removed and whitespace collapsed (one space wherever the source had
/// any); equality ignores whitespace entirely (`a+b` == `a + b`).
#[derive(Debug, Clone)]
pub struct RankExpression {
    /// The normalized text.
    pub text: String,
    key: String,
}

impl RankExpression {
    /// Normalizes a ranking expression's source text.
    pub fn new(source: &str) -> RankExpression {
        let (text, key) = lexer::normalize_free_text(source);
        RankExpression { text, key }
    }

    /// Builds an expression from already normalized parts (see [`lexer::join_tokens`]).
    pub(crate) fn from_parts(text: String, key: String) -> RankExpression {
        RankExpression { text, key }
    }

    /// The whitespace-free comparison key.
    pub fn compact(&self) -> &str {
        &self.key
    }
}

impl PartialEq for RankExpression {
    fn eq(&self, other: &RankExpression) -> bool {
        self.key == other.key
    }
}

impl Eq for RankExpression {}

impl fmt::Display for RankExpression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A number in a setting that Vespa reads as a double. Compared by value.
#[derive(Debug, Clone, Copy)]
pub struct Num(pub f64);

impl PartialEq for Num {
    fn eq(&self, other: &Num) -> bool {
        self.0 == other.0 || (self.0.is_nan() && other.0.is_nan())
    }
}

impl Eq for Num {}

impl fmt::Display for Num {
    /// Always has a decimal point (`1.0`), as Vespa's double tokens require.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = format!("{}", self.0);
        if s.contains('.') || s.contains("inf") || s.contains("NaN") {
            f.write_str(&s)
        } else {
            write!(f, "{s}.0")
        }
    }
}

/// An indexing script: statements (`;`-separated in `indexing { … }`), each a pipeline.
/// `indexing: a | b` and `indexing { a | b; }` are equal.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IndexingScript {
    /// The statements.
    pub statements: Vec<IlStatement>,
}

impl IndexingScript {
    /// Whether any expression calls `name` (e.g. `attribute`), at any depth.
    pub fn contains_call(&self, name: &str) -> bool {
        let mut found = false;
        self.visit(&mut |e| {
            if let IlExpr::Call { name: n, .. } = e {
                found |= n == name;
            }
        });
        found
    }

    /// Whether the script writes an attribute (`attribute`).
    pub fn has_attribute(&self) -> bool {
        self.contains_call("attribute")
    }

    /// Whether the script writes an index (`index`).
    pub fn has_index(&self) -> bool {
        self.contains_call("index")
    }

    /// Whether the script writes a summary (`summary`).
    pub fn has_summary(&self) -> bool {
        self.contains_call("summary")
    }

    /// The fields read with `input NAME`, in order of first use.
    pub fn input_fields(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        self.visit(&mut |e| {
            if let IlExpr::Call { name, args } = e
                && name == "input"
                && let Some(IlArg::Word(w)) = args.first()
                && !out.contains(w)
            {
                out.push(w.clone());
            }
        });
        out
    }

    /// The names of all called functions (`input`, `embed`, `set_language`, …), in order of
    /// first use.
    pub fn calls(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        self.visit(&mut |e| {
            if let IlExpr::Call { name, .. } = e
                && !out.contains(name)
            {
                out.push(name.clone());
            }
        });
        out
    }

    /// Calls `f` on every expression, depth first.
    pub fn visit(&self, f: &mut dyn FnMut(&IlExpr)) {
        for s in &self.statements {
            s.visit(f);
        }
    }
}

impl fmt::Display for IndexingScript {
    /// One line: `a | b` for one statement, `{ a; b }` for several.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.statements.as_slice() {
            [one] => write!(f, "{one}"),
            many => {
                f.write_str("{ ")?;
                for (i, s) in many.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{s}")?;
                }
                f.write_str(" }")
            }
        }
    }
}

/// A pipeline: `a | b | c`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IlStatement {
    /// The expressions, in pipeline order.
    pub pipeline: Vec<IlExpr>,
}

impl IlStatement {
    /// Calls `f` on every expression, depth first.
    pub fn visit(&self, f: &mut dyn FnMut(&IlExpr)) {
        for e in &self.pipeline {
            e.visit(f);
        }
    }
}

/// An indexing language expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IlExpr {
    /// A function or verb with its arguments: `input title`, `attribute`, `embed e5`,
    /// `chunk fixed-length 1024`, `for_each { … }`, `set_language`, `_`.
    Call {
        /// The function name.
        name: String,
        /// Its arguments.
        args: Vec<IlArg>,
    },
    /// A literal value: `"en"`, `1900`.
    Literal(IlLiteral),
    /// Concatenation: `a . b`.
    Cat(Vec<IlExpr>),
    /// Choice (first non-empty): `a || b`.
    Choice(Vec<IlExpr>),
    /// Arithmetic: `a - 1900`.
    Arith {
        /// The first operand.
        first: Box<IlExpr>,
        /// Operators and operands that follow.
        rest: Vec<(ArithOp, IlExpr)>,
    },
    /// A parenthesized pipeline: `(input a || "")`.
    Paren(Box<IlStatement>),
    /// A block of statements: `{ a; b; }`.
    Block(Vec<IlStatement>),
    /// `if (lhs CMP rhs) { … } [else { … }]`.
    If {
        /// Left operand.
        lhs: Box<IlExpr>,
        /// Comparison operator (`==`, `!=`, `<`, `<=`, `>`, `>=`).
        cmp: String,
        /// Right operand.
        rhs: Box<IlExpr>,
        /// The `then` block.
        then: Vec<IlStatement>,
        /// The `else` block.
        otherwise: Option<Vec<IlStatement>>,
    },
    /// `switch { case "a": …; default: …; }`.
    Switch {
        /// The cases.
        cases: Vec<(String, IlStatement)>,
        /// The default case.
        default: Option<Box<IlStatement>>,
    },
    /// `select_input { field: …; }`.
    SelectInput {
        /// The cases.
        cases: Vec<(String, IlStatement)>,
    },
}

impl IlExpr {
    /// Calls `f` on this expression and every nested one, depth first.
    pub fn visit(&self, f: &mut dyn FnMut(&IlExpr)) {
        f(self);
        match self {
            IlExpr::Call { args, .. } => {
                for a in args {
                    if let IlArg::Block(stmts) = a {
                        stmts.iter().for_each(|s| s.visit(f));
                    }
                }
            }
            IlExpr::Literal(_) => {}
            IlExpr::Cat(es) | IlExpr::Choice(es) => es.iter().for_each(|e| e.visit(f)),
            IlExpr::Arith { first, rest } => {
                first.visit(f);
                rest.iter().for_each(|(_, e)| e.visit(f));
            }
            IlExpr::Paren(s) => s.visit(f),
            IlExpr::Block(stmts) => stmts.iter().for_each(|s| s.visit(f)),
            IlExpr::If {
                lhs,
                rhs,
                then,
                otherwise,
                ..
            } => {
                lhs.visit(f);
                rhs.visit(f);
                then.iter().for_each(|s| s.visit(f));
                otherwise.iter().flatten().for_each(|s| s.visit(f));
            }
            IlExpr::Switch { cases, default } => {
                cases.iter().for_each(|(_, s)| s.visit(f));
                if let Some(d) = default {
                    d.visit(f);
                }
            }
            IlExpr::SelectInput { cases } => cases.iter().for_each(|(_, s)| s.visit(f)),
        }
    }
}

/// An argument of an indexing [`IlExpr::Call`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IlArg {
    /// A bare word: a field name, an embedder id, `fixed-length`, `normalize`.
    Word(String),
    /// A literal: `1024`, `"x"`.
    Literal(IlLiteral),
    /// `key: value` (e.g. `stem:"BEST"`).
    KeyValue(String, IlLiteral),
    /// A `{ … }` block (`for_each`, `guard`).
    Block(Vec<IlStatement>),
}

/// An indexing literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IlLiteral {
    /// A string (unescaped value).
    Str(String),
    /// A number, as written (`1900`, `0x1f`, `10L`, `1.5f`).
    Number(String),
    /// A bare word used as a value (`true`, `false`, `BEST`).
    Word(String),
}

/// Arithmetic operators in indexing expressions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Mod,
}

impl ArithOp {
    /// The operator symbol.
    pub fn as_str(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
            ArithOp::Mod => "%",
        }
    }
}

// ------------------------------------------------------------------------------------------
// Raw elements
// ------------------------------------------------------------------------------------------

/// An element the parser keeps verbatim: `head`, `head: value` or `head { … }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawElement {
    /// What precedes `:` or `{` (e.g. `custom-param`, `linguistics`), whitespace collapsed.
    pub head: String,
    /// The value.
    pub value: RawValue,
}

/// The value of a [`RawElement`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawValue {
    /// Just the head (a flag such as `enable-bm25`).
    Flag,
    /// `head: value` (value as normalized text).
    Line(RankExpression),
    /// `head { … }`.
    Block(Vec<RawElement>),
}
