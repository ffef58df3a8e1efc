//! The neutral Postgres model: what a database (or a desired state) contains, as plain data.
//!
//! Both sides of a diff are a [`Catalog`]: the live side comes from `postgres::introspect`, the
//! desired side from entities plus `schema.yaml` (`model::desired`) or from another database.
//! Maps are `BTreeMap`s so iteration, output and fingerprints are deterministic. Expressions
//! (defaults, CHECK bodies, index keys and predicates) are kept as SQL text exactly as written or
//! as Postgres printed them; `postgres::normalize` decides when two texts mean the same thing.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};

use serde::{Deserialize, Serialize};

pub use super::vecmap::VecMap;

/// A schema-qualified name: `public.users`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct QName {
    pub schema: String,
    pub name: String,
}

impl QName {
    pub fn new(schema: impl Into<String>, name: impl Into<String>) -> Self {
        QName {
            schema: schema.into(),
            name: name.into(),
        }
    }
}

impl fmt::Display for QName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{}",
            display_ident(&self.schema),
            display_ident(&self.name)
        )
    }
}

/// An identifier as a person reads it: bare when it is a plain lower-case word, quoted otherwise,
/// with control characters written as `\u{1b}` (a name from a hostile database must not drive
/// the reader's terminal). Only for messages; SQL always goes through `postgres::quote_ident`.
pub fn display_ident(name: &str) -> DisplayIdent<'_> {
    DisplayIdent(name)
}

/// [`display_ident`]'s result: written straight into the formatter, so the names of a large
/// plan cost no allocation of their own.
#[derive(Debug, Clone, Copy)]
pub struct DisplayIdent<'a>(&'a str);

impl fmt::Display for DisplayIdent<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.0;
        let plain = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        if plain {
            return f.write_str(name);
        }
        f.write_char('"')?;
        for c in name.chars() {
            match c {
                '"' => f.write_str("\"\"")?,
                c if c.is_control() => write!(f, "{}", c.escape_unicode())?,
                c => f.write_char(c)?,
            }
        }
        f.write_char('"')
    }
}

/// Everything seadiff manages in one database, plus what it saw and does not manage.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    /// The schemas in scope. Objects outside them are neither read nor touched.
    pub schemas: BTreeMap<String, SchemaDef>,
    pub extensions: BTreeMap<String, Extension>,
    #[serde(with = "super::serde_qmap")]
    pub enums: BTreeMap<QName, EnumType>,
    #[serde(with = "super::serde_qmap")]
    pub tables: BTreeMap<QName, Table>,
    #[serde(
        default,
        with = "super::serde_qmap",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub sequences: BTreeMap<QName, Sequence>,
    #[serde(
        default,
        with = "super::serde_qmap",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub domains: BTreeMap<QName, Domain>,
    #[serde(
        default,
        with = "super::serde_qmap",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub composites: BTreeMap<QName, Composite>,
    /// Views and materialized views.
    #[serde(
        default,
        with = "super::serde_qmap",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub views: BTreeMap<QName, View>,
    /// Collations created with `CREATE COLLATION`.
    #[serde(
        default,
        with = "super::serde_qmap",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub collations: BTreeMap<QName, Collation>,
    /// Functions and procedures, keyed by `name(argument types)`.
    #[serde(
        default,
        with = "super::serde_qmap",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub functions: BTreeMap<QName, Function>,
    /// What depends on what (from `pg_depend` on the live side): object → its dependencies,
    /// sorted, each once (most objects have one or two: a vector, not a set of its own; add
    /// with [`Catalog::add_dependency`]).
    #[serde(
        default,
        with = "super::serde_pairs",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub depends: BTreeMap<ObjRef, Vec<ObjRef>>,
    /// Objects present in scope that this version does not model, or that `schema.yaml` excludes.
    /// They are reported on every plan, never silently ignored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unmanaged: Vec<Unmanaged>,
    /// Which object kinds this catalog speaks for, when it is the desired side.
    #[serde(default, skip_serializing_if = "Coverage::is_full")]
    pub coverage: Coverage,
}

/// What a desired catalog declares. A database or a `.sql` file declares everything; entities
/// and `schema.yaml` declare schemas, extensions, enums and tables (with their columns, keys,
/// checks, foreign keys, indexes and comments) but no views, functions, triggers, policies,
/// grants, standalone sequences, domains, composite types or partitioning. Objects of kinds a
/// catalog does not declare are reported as not managed, never dropped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Coverage {
    #[default]
    Full,
    Tables,
}

impl Coverage {
    pub fn full(self) -> bool {
        self == Coverage::Full
    }

    fn is_full(&self) -> bool {
        self.full()
    }
}

impl Catalog {
    /// Keeps only what lives in schemas for which `keep` is true (extensions by their schema).
    pub fn restrict(&mut self, keep: impl Fn(&str) -> bool) {
        self.schemas.retain(|s, _| keep(s));
        self.extensions
            .retain(|_, e| e.schema.as_deref().is_none_or(&keep));
        self.enums.retain(|q, _| keep(&q.schema));
        self.tables.retain(|q, _| keep(&q.schema));
        self.sequences.retain(|q, _| keep(&q.schema));
        self.domains.retain(|q, _| keep(&q.schema));
        self.composites.retain(|q, _| keep(&q.schema));
        self.collations.retain(|q, _| keep(&q.schema));
        self.views.retain(|q, _| keep(&q.schema));
        self.functions.retain(|q, _| keep(&q.schema));
        self.depends.retain(|o, _| keep(&o.schema));
        for deps in self.depends.values_mut() {
            deps.retain(|o| keep(&o.schema));
        }
        self.unmanaged.retain(|u| {
            let schema = u
                .name
                .split('.')
                .next()
                .unwrap_or_default()
                .trim_matches('"');
            keep(schema)
        });
    }

    /// This catalog without what DDL cannot change on an existing table: column order (new
    /// columns always go last) and whether an inherited column is also local (a column that
    /// existed before `ALTER TABLE ... INHERIT` stays local). Two databases one plan apart are
    /// expected to be equal in this form.
    pub fn comparable(&self) -> Catalog {
        let mut c = self.clone();
        for t in c.tables.values_mut() {
            t.columns.sort_by(|a, b| a.name.cmp(&b.name));
            if !t.inherits.is_empty() {
                for col in &mut t.columns {
                    col.inherited = false;
                }
            }
        }
        c
    }

    /// Records that `from` depends on `to`.
    pub fn add_dependency(&mut self, from: ObjRef, to: ObjRef) {
        let deps = self.depends.entry(from).or_default();
        if let Err(at) = deps.binary_search(&to) {
            deps.insert(at, to);
        }
    }

    /// Everything `obj` depends on, directly.
    pub fn dependencies(&self, obj: &ObjRef) -> impl Iterator<Item = &ObjRef> {
        self.depends.get(obj).into_iter().flatten()
    }

    /// Everything that depends on `obj`, directly.
    pub fn dependents<'a>(&'a self, obj: &'a ObjRef) -> impl Iterator<Item = &'a ObjRef> + 'a {
        self.depends
            .iter()
            .filter(move |(_, deps)| deps.contains(obj))
            .map(|(o, _)| o)
    }
}

/// A reference to any object, for dependencies. `sub` names a column, constraint, trigger or
/// policy of the relation `schema.name`; functions carry their argument types in `name`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjRef {
    pub kind: ObjKind,
    pub schema: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
}

impl ObjRef {
    pub fn new(kind: ObjKind, q: &QName) -> Self {
        ObjRef {
            kind,
            schema: q.schema.clone(),
            name: q.name.clone(),
            sub: None,
        }
    }

    pub fn sub(kind: ObjKind, q: &QName, sub: &str) -> Self {
        ObjRef {
            kind,
            schema: q.schema.clone(),
            name: q.name.clone(),
            sub: Some(sub.to_owned()),
        }
    }

    pub fn qname(&self) -> QName {
        QName::new(self.schema.clone(), self.name.clone())
    }

    /// `public.tasks.title`, for people.
    pub fn display(&self) -> String {
        let q = self.qname();
        match &self.sub {
            Some(s) => format!("{q}.{}", display_ident(s)),
            None => q.to_string(),
        }
    }
}

impl ObjKind {
    /// How people call the kind: `view`, `foreign key or check`, ...
    pub fn noun(self) -> &'static str {
        match self {
            ObjKind::Type => "type",
            ObjKind::Collation => "collation",
            ObjKind::Sequence => "sequence",
            ObjKind::Function => "function",
            ObjKind::Table => "table",
            ObjKind::Column => "column",
            ObjKind::View => "view",
            ObjKind::Index => "index",
            ObjKind::Constraint => "constraint",
            ObjKind::Trigger => "trigger",
            ObjKind::Policy => "policy",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ObjKind {
    /// Enum, domain or composite type.
    Type,
    Collation,
    Sequence,
    Function,
    Table,
    Column,
    View,
    Index,
    Constraint,
    Trigger,
    Policy,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaDef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Extension {
    /// `None` on the desired side means "wherever Postgres puts it".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// `None` on the desired side means "any version".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumType {
    /// Labels in sort order.
    pub labels: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Desired side only: labels renamed, new label → previous label.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub renamed_values: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// In declaration (attnum) order. Order is kept for CREATE TABLE but never diffed.
    pub columns: Vec<Column>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<PrimaryKey>,
    #[serde(default, skip_serializing_if = "VecMap::is_empty")]
    pub uniques: VecMap<String, Unique>,
    #[serde(default, skip_serializing_if = "VecMap::is_empty")]
    pub checks: VecMap<String, Check>,
    #[serde(default, skip_serializing_if = "VecMap::is_empty")]
    pub foreign_keys: VecMap<String, ForeignKey>,
    /// Indexes that do not back a constraint.
    #[serde(default, skip_serializing_if = "VecMap::is_empty")]
    pub indexes: VecMap<String, Index>,
    /// EXCLUDE constraints, by their `pg_get_constraintdef` text.
    #[serde(default, skip_serializing_if = "VecMap::is_empty")]
    pub excludes: VecMap<String, Exclusion>,
    #[serde(default, skip_serializing_if = "VecMap::is_empty")]
    pub triggers: VecMap<String, Trigger>,
    #[serde(default, skip_serializing_if = "VecMap::is_empty")]
    pub policies: VecMap<String, Policy>,
    /// `ENABLE ROW LEVEL SECURITY`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rls_enabled: bool,
    /// `FORCE ROW LEVEL SECURITY`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rls_forced: bool,
    /// Privileges granted to roles other than the owner.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub grants: BTreeSet<Grant>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unlogged: bool,
    /// `PARTITION BY ...` of a partitioned table, e.g. `RANGE (created_at)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_by: Option<String>,
    /// This table is a partition: `PARTITION OF parent FOR VALUES ...`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_of: Option<PartitionOf>,
    /// Desired side only: the table's previous name (in the same schema).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// `INHERITS (...)` parents, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inherits: Vec<QName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartitionOf {
    pub parent: QName,
    /// `FOR VALUES FROM (...) TO (...)`, `FOR VALUES IN (...)`, `DEFAULT`, ...
    pub bound: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exclusion {
    /// `EXCLUDE USING gist (...)`, as `pg_get_constraintdef` prints it.
    pub definition: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    /// The `CREATE TRIGGER` statement as `pg_get_triggerdef` prints it.
    pub definition: String,
    /// `O` (origin, the default), `D` (disabled), `R` (replica), `A` (always).
    #[serde(default = "origin", skip_serializing_if = "is_origin")]
    pub enabled: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

fn origin() -> String {
    "O".to_owned()
}

fn is_origin(s: &String) -> bool {
    s == "O"
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub permissive: bool,
    /// `ALL`, `SELECT`, `INSERT`, `UPDATE` or `DELETE`.
    pub command: String,
    /// Role names; `public` for PUBLIC.
    pub roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub using: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_check: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// One privilege held by one grantee (`PUBLIC` or a role).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    pub grantee: String,
    pub privilege: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub grantable: bool,
}

/// Sequence parameters; `None` means the default for the sequence's type and direction.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeqOptions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub increment: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<i64>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cycle: bool,
}

impl SeqOptions {
    /// Options as read from the catalog, with every value equal to Postgres' default for
    /// `data_type` (`smallint`, `integer` or `bigint`) replaced by `None`.
    pub fn from_catalog(
        data_type: &str,
        start: i64,
        increment: i64,
        min: i64,
        max: i64,
        cache: i64,
        cycle: bool,
    ) -> Self {
        let (type_min, type_max) = match data_type {
            "smallint" => (i64::from(i16::MIN), i64::from(i16::MAX)),
            "integer" => (i64::from(i32::MIN), i64::from(i32::MAX)),
            _ => (i64::MIN, i64::MAX),
        };
        let (def_min, def_max) = if increment > 0 {
            (1, type_max)
        } else {
            (type_min, -1)
        };
        let def_start = if increment > 0 { min } else { max };
        SeqOptions {
            start: (start != def_start).then_some(start),
            increment: (increment != 1).then_some(increment),
            min: (min != def_min).then_some(min),
            max: (max != def_max).then_some(max),
            cache: (cache != 1).then_some(cache),
            cycle,
        }
    }
}

/// Every sequence parameter spelled out, defaults resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeqValues {
    pub start: i64,
    pub increment: i64,
    pub min: i64,
    pub max: i64,
    pub cache: i64,
    pub cycle: bool,
}

impl SeqOptions {
    /// The values Postgres would hold for these options on a sequence of `data_type`.
    pub fn effective(&self, data_type: &str) -> SeqValues {
        let (type_min, type_max) = match data_type {
            "smallint" => (i64::from(i16::MIN), i64::from(i16::MAX)),
            "integer" => (i64::from(i32::MIN), i64::from(i32::MAX)),
            _ => (i64::MIN, i64::MAX),
        };
        let increment = self.increment.unwrap_or(1);
        let min = self.min.unwrap_or(if increment > 0 { 1 } else { type_min });
        let max = self
            .max
            .unwrap_or(if increment > 0 { type_max } else { -1 });
        let start = self.start.unwrap_or(if increment > 0 { min } else { max });
        SeqValues {
            start,
            increment,
            min,
            max,
            cache: self.cache.unwrap_or(1),
            cycle: self.cycle,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sequence {
    /// `smallint`, `integer` or `bigint`.
    pub data_type: String,
    #[serde(default)]
    pub options: SeqOptions,
    /// `OWNED BY table.column` (serial columns own their sequence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owned_by: Option<ColumnRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnRef {
    pub table: QName,
    pub column: String,
}

/// A collation made with `CREATE COLLATION`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Collation {
    /// `libc` or `icu`.
    pub provider: String,
    /// ICU locale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lc_collate: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lc_ctype: Option<String>,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub deterministic: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Domain {
    pub base: ColType,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_null: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    #[serde(default, skip_serializing_if = "VecMap::is_empty")]
    pub checks: VecMap<String, Check>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Composite {
    pub attributes: Vec<Attribute>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attribute {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: ColType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct View {
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub materialized: bool,
    /// The query, as `pg_get_viewdef` prints it (without a trailing semicolon).
    pub definition: String,
    /// Output columns, for `CREATE OR REPLACE VIEW` compatibility and column comments.
    pub columns: Vec<ViewColumn>,
    /// `WITH (...)` options such as `security_barrier=true`, `check_option=local`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// Indexes of a materialized view.
    #[serde(default, skip_serializing_if = "VecMap::is_empty")]
    pub indexes: VecMap<String, Index>,
    /// `INSTEAD OF` triggers on a view.
    #[serde(default, skip_serializing_if = "VecMap::is_empty")]
    pub triggers: VecMap<String, Trigger>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub grants: BTreeSet<Grant>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViewColumn {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: ColType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FunctionKind {
    Function,
    Procedure,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Function {
    pub kind: FunctionKind,
    /// The bare name (the catalog key carries the argument types too).
    pub name: String,
    /// Argument types as `DROP FUNCTION` wants them: `integer, text[]`.
    pub arg_types: String,
    /// Result type as printed, for deciding whether `CREATE OR REPLACE` can change it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns: Option<String>,
    /// The `CREATE OR REPLACE FUNCTION` statement as `pg_get_functiondef` prints it.
    pub definition: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.columns.iter_mut().find(|c| c.name == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: ColType,
    pub not_null: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    /// `GENERATED ALWAYS AS (expr) STORED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<String>,
    /// Sequence parameters of an identity column.
    #[serde(default, skip_serializing_if = "IdentityOptions::is_default")]
    pub identity_options: IdentityOptions,
    /// A collation other than the type's default, as `schema.name` or a bare name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Defined only by a parent table (inheritance or partitioning), not by this table.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub inherited: bool,
    /// Desired side only: the column's previous name (SeaORM's `renamed_from`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
}

/// [`SeqOptions`] of an identity column, read as one (`Deref`). Held out of line and only when
/// not all default: most columns are not identity columns, and a catalog holds tens of
/// thousands of columns (88 bytes each saved). Serialized exactly as a `SeqOptions`.
#[derive(Debug, Clone, Default)]
pub struct IdentityOptions(Option<Box<SeqOptions>>);

static DEFAULT_SEQ: SeqOptions = SeqOptions {
    start: None,
    increment: None,
    min: None,
    max: None,
    cache: None,
    cycle: false,
};

impl IdentityOptions {
    pub fn is_default(&self) -> bool {
        **self == DEFAULT_SEQ
    }
}

impl From<SeqOptions> for IdentityOptions {
    fn from(o: SeqOptions) -> Self {
        IdentityOptions((o != DEFAULT_SEQ).then(|| Box::new(o)))
    }
}

impl std::ops::Deref for IdentityOptions {
    type Target = SeqOptions;

    fn deref(&self) -> &SeqOptions {
        self.0.as_deref().unwrap_or(&DEFAULT_SEQ)
    }
}

impl PartialEq for IdentityOptions {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for IdentityOptions {}

impl Serialize for IdentityOptions {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(s)
    }
}

impl<'de> Deserialize<'de> for IdentityOptions {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        SeqOptions::deserialize(d).map(IdentityOptions::from)
    }
}

impl Column {
    pub fn new(name: impl Into<String>, ty: ColType) -> Self {
        Column {
            name: name.into(),
            ty,
            not_null: false,
            default: None,
            identity: None,
            generated: None,
            identity_options: IdentityOptions::default(),
            collation: None,
            comment: None,
            inherited: false,
            renamed_from: None,
        }
    }
}

/// A column type. Built-in types keep `format_type()`'s spelling, modifiers included
/// (`character varying(255)`, `timestamp(3) without time zone`); user types (enums, domains,
/// extension types) are schema-qualified so they can be quoted and tracked as dependencies.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColType {
    /// `None` for built-in (`pg_catalog`) types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub name: String,
    /// Type modifiers of a user type, e.g. `(3)` for `vector(3)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modifiers: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub array: bool,
}

impl ColType {
    pub fn builtin(name: impl Into<String>) -> Self {
        ColType {
            schema: None,
            name: name.into(),
            modifiers: None,
            array: false,
        }
    }

    pub fn user(qname: QName) -> Self {
        ColType {
            schema: Some(qname.schema),
            name: qname.name,
            modifiers: None,
            array: false,
        }
    }

    pub fn array_of(mut self) -> Self {
        self.array = true;
        self
    }

    /// The user type this column depends on, if any.
    pub fn user_type(&self) -> Option<QName> {
        self.schema
            .as_ref()
            .map(|s| QName::new(s.clone(), self.name.clone()))
    }
}

impl fmt::Display for ColType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.schema {
            None => f.write_str(&self.name)?,
            Some(schema) => write!(f, "{}", QName::new(schema.clone(), self.name.clone()))?,
        }
        if let Some(m) = &self.modifiers {
            f.write_str(m)?;
        }
        if self.array {
            f.write_str("[]")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Identity {
    /// `GENERATED ALWAYS AS IDENTITY`
    Always,
    /// `GENERATED BY DEFAULT AS IDENTITY`
    ByDefault,
}

impl Identity {
    pub fn sql(self) -> &'static str {
        match self {
            Identity::Always => "ALWAYS",
            Identity::ByDefault => "BY DEFAULT",
        }
    }
}

/// `DEFERRABLE` / `INITIALLY DEFERRED` for keys and foreign keys.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Deferrable {
    #[default]
    No,
    InitiallyImmediate,
    InitiallyDeferred,
}

impl Deferrable {
    fn is_no(&self) -> bool {
        *self == Deferrable::No
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrimaryKey {
    pub name: String,
    pub columns: Vec<String>,
    #[serde(default, skip_serializing_if = "Deferrable::is_no")]
    pub deferrable: Deferrable,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unique {
    pub columns: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub nulls_not_distinct: bool,
    #[serde(default, skip_serializing_if = "Deferrable::is_no")]
    pub deferrable: Deferrable,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// The boolean expression, without the `CHECK ( )` wrapper.
    pub expr: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_inherit: bool,
    /// `false` when the constraint exists `NOT VALID` (live side only).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub validated: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FkAction {
    #[default]
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl FkAction {
    pub fn sql(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            FkAction::NoAction => "no action",
            FkAction::Restrict => "restrict",
            FkAction::Cascade => "cascade",
            FkAction::SetNull => "set null",
            FkAction::SetDefault => "set default",
        }
    }

    fn is_default(&self) -> bool {
        *self == FkAction::NoAction
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForeignKey {
    pub columns: Vec<String>,
    pub ref_table: QName,
    pub ref_columns: Vec<String>,
    #[serde(default, skip_serializing_if = "FkAction::is_default")]
    pub on_delete: FkAction,
    #[serde(default, skip_serializing_if = "FkAction::is_default")]
    pub on_update: FkAction,
    /// `MATCH FULL` (otherwise `MATCH SIMPLE`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub match_full: bool,
    #[serde(default, skip_serializing_if = "Deferrable::is_no")]
    pub deferrable: Deferrable,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub validated: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Index {
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unique: bool,
    /// Access method: `btree`, `gin`, `gist`, `hash`, `brin`, ...
    pub method: String,
    pub keys: Vec<IndexKey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    /// Partial-index predicate, without `WHERE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub nulls_not_distinct: bool,
    /// `false` for an index left INVALID by a failed concurrent build (live side only).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub valid: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexKey {
    #[serde(flatten)]
    pub target: KeyTarget,
    /// A non-default operator class, e.g. `gin_trgm_ops`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opclass: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub descending: bool,
    /// Postgres' default is NULLS LAST for ascending and NULLS FIRST for descending keys.
    pub nulls_first: bool,
}

impl IndexKey {
    pub fn column(name: impl Into<String>) -> Self {
        IndexKey {
            target: KeyTarget::Column(name.into()),
            opclass: None,
            descending: false,
            nulls_first: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyTarget {
    Column(String),
    Expression(String),
}

/// An object in scope that seadiff does not manage.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unmanaged {
    /// `view`, `function`, `trigger`, ... or `table` for an excluded table.
    pub kind: String,
    pub name: String,
    pub reason: String,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_as_typed_and_cannot_drive_a_terminal() {
        let shown = |n: &str| display_ident(n).to_string();
        assert_eq!(shown("tasks"), "tasks");
        assert_eq!(shown("_x-1"), "_x-1");
        assert_eq!(shown("Tasks"), "\"Tasks\"");
        assert_eq!(shown("1st"), "\"1st\"");
        assert_eq!(shown(""), "\"\"");
        assert_eq!(shown("a\"b"), "\"a\"\"b\"");
        assert_eq!(shown("x\u{1b}[31m"), "\"x\\u{1b}[31m\"");
        assert_eq!(QName::new("My Schema", "t").to_string(), "\"My Schema\".t");
    }
}
