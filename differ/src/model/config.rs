//! `schema.yaml`: what entities cannot say, and where the stores are.
//!
//! Parsing is strict: unknown keys, duplicate keys and wrong types are errors, and every error
//! carries the line and column it is about (`ConfigError`). The text is parsed here; reading the
//! file and the process environment is the caller's job, so this module does no I/O.

use std::fmt;

use indexmap::IndexMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::pg::{Catalog, Check, Extension, Index, IndexKey, KeyTarget, QName, Table};
use crate::postgres::ident::{implicit_name, truncate_ident};
use crate::postgres::script::expression_problem;

/// The `schema.yaml` format version this build understands.
pub const CONFIG_VERSION: u32 = 1;

/// A `schema.yaml` problem at a position (1-based line and column; 0 when unknown).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct ConfigError {
    pub line: u64,
    pub column: u64,
    pub message: String,
}

impl ConfigError {
    fn at<T>(s: &Spanned<T>, message: impl Into<String>) -> Self {
        ConfigError {
            line: s.referenced.line(),
            column: s.referenced.column(),
            message: message.into(),
        }
    }
}

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub version: Spanned<u32>,
    #[serde(default)]
    pub postgres: Option<PostgresConfig>,
    #[serde(default)]
    pub redis: Option<super::redis_config::RedisConfig>,
    #[serde(default)]
    pub vespa: Option<super::vespa_config::VespaConfig>,
}

/// `postgres:`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostgresConfig {
    /// Connection URL; `${VAR}` and `${VAR:-default}` are expanded from the environment.
    #[serde(default)]
    pub url: Option<Spanned<String>>,
    /// Schemas seadiff manages. Default: `[public]`.
    #[serde(default)]
    pub schemas: Vec<Spanned<String>>,
    /// Where entities without a `schema_name` live. Default: `public`.
    #[serde(default)]
    pub default_schema: Option<Spanned<String>>,
    #[serde(default)]
    pub ignore: IgnoreConfig,
    #[serde(default)]
    pub extensions: Vec<Spanned<ExtensionDecl>>,
    /// Extras for entity tables, keyed by `table` or `schema.table`.
    #[serde(default)]
    pub tables: IndexMap<Spanned<String>, TableExtras>,
    /// Comments on schemas and enum types: `schema` or `schema.type` → text.
    #[serde(default)]
    pub comments: IndexMap<Spanned<String>, String>,
    /// Extras for enum types, keyed by `type` or `schema.type`.
    #[serde(default)]
    pub enums: IndexMap<Spanned<String>, EnumExtras>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumExtras {
    /// Labels renamed in the entity: new label → previous label (`ALTER TYPE ... RENAME VALUE`).
    #[serde(default)]
    pub renamed_values: IndexMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IgnoreConfig {
    /// Table name patterns (`name`, `schema.name`, `*` wildcards). `seaql_migrations` is always ignored.
    #[serde(default)]
    pub tables: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum ExtensionDecl {
    Name(Spanned<String>),
    Full(ExtensionFull),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtensionFull {
    pub name: Spanned<String>,
    #[serde(default)]
    pub schema: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableExtras {
    /// The table's previous name: renamed, not dropped and created.
    #[serde(default)]
    pub renamed_from: Option<String>,
    #[serde(default)]
    pub comment: Option<String>,
    /// Column comments: column → text.
    #[serde(default)]
    pub columns: IndexMap<Spanned<String>, ColumnExtras>,
    #[serde(default)]
    pub indexes: Vec<Spanned<IndexDecl>>,
    #[serde(default)]
    pub checks: Vec<Spanned<CheckDecl>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnExtras {
    #[serde(default)]
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexDecl {
    /// Default: Postgres' implicit name, `{table}_{columns}_idx`.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub unique: bool,
    /// Access method. Default: `btree`.
    #[serde(default)]
    pub using: Option<String>,
    pub columns: Vec<Spanned<KeyDecl>>,
    #[serde(default)]
    pub include: Vec<String>,
    /// Partial-index predicate.
    #[serde(default, rename = "where")]
    pub predicate: Option<String>,
    #[serde(default)]
    pub nulls_not_distinct: bool,
    #[serde(default)]
    pub comment: Option<String>,
}

/// An index key: a column name, an expression, or the long form.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum KeyDecl {
    Short(String),
    Long(KeyLong),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyLong {
    #[serde(default)]
    pub column: Option<String>,
    #[serde(default)]
    pub expr: Option<String>,
    #[serde(default)]
    pub order: Option<SortOrder>,
    #[serde(default)]
    pub nulls: Option<NullsOrder>,
    #[serde(default)]
    pub opclass: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    Asc,
    Desc,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NullsOrder {
    First,
    Last,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckDecl {
    /// Default: `{table}_check`, numbered like Postgres does when taken.
    #[serde(default)]
    pub name: Option<String>,
    pub expr: String,
    #[serde(default)]
    pub comment: Option<String>,
}

impl Config {
    /// Parses `schema.yaml` text.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let config: Config = serde_saphyr::from_str(text).map_err(yaml_error)?;
        if config.version.value != CONFIG_VERSION {
            return Err(ConfigError::at(
                &config.version,
                format!(
                    "unsupported version {}; this seadiff reads version {CONFIG_VERSION}",
                    config.version.value
                ),
            ));
        }
        Ok(config)
    }
}

pub(crate) fn yaml_error(e: serde_saphyr::Error) -> ConfigError {
    let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
    // The crate's Display prefixes a position and may append a snippet; keep the first line's
    // message, since we print our own `file:line:col` prefix.
    let full = e.to_string();
    let first = full.lines().next().unwrap_or_default().trim();
    let message = explain_untagged(strip_position_suffix(first));
    ConfigError {
        line,
        column,
        message,
    }
}

/// serde's `data did not match any variant of untagged enum KeyDecl` (or `invalid u32`) names a
/// Rust type; say instead what may be written there.
fn explain_untagged(message: String) -> String {
    const SHAPES: &[(&str, &str)] = &[
        (
            "KeyDecl",
            "an index key is a column name, an expression, or { column | expr, order: asc | desc, nulls: first | last, opclass }",
        ),
        (
            "ExtensionDecl",
            "an extension is a name or { name, schema, version }",
        ),
        ("VarValue", "a variable's value is a number or a string"),
        (
            "ConfigDecl",
            "a Redis parameter is a value or { value, compare, apply }",
        ),
        (
            "ScalarValue",
            "expected a single value (a string, a number or true/false)",
        ),
    ];
    match message.as_str() {
        "invalid u32" | "invalid u64" => {
            return "expected a whole number, 0 or more".to_owned();
        }
        "invalid i64" | "invalid i32" => return "expected a whole number".to_owned(),
        _ => {}
    }
    let Some(at) = message.find("untagged enum ") else {
        return message;
    };
    let name = message[at + "untagged enum ".len()..]
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default();
    SHAPES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(message.clone(), |(_, shape)| (*shape).to_owned())
}

/// The YAML crate's `error: line 3 column 5: message` → `message`; we print our own position.
fn strip_position_suffix(s: &str) -> String {
    let s = s.strip_prefix("error: ").unwrap_or(s);
    let s = match s.strip_prefix("line ").and_then(|r| r.split_once(": ")) {
        Some((pos, rest)) if pos.split_whitespace().count() == 3 => rest,
        _ => s,
    };
    match s.rfind(" at line ") {
        Some(at) => s[..at].to_owned(),
        None => s.to_owned(),
    }
}

/// Expands `${VAR}` and `${VAR:-default}`; `$$` is a literal `$`.
pub fn expand_env(
    value: &Spanned<String>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<String, ConfigError> {
    let s = &value.value;
    let mut out = String::with_capacity(s.len());
    let mut rest = s.as_str();
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(r) = after.strip_prefix('$') {
            out.push('$');
            rest = r;
        } else if let Some(r) = after.strip_prefix('{') {
            let end = r
                .find('}')
                .ok_or_else(|| ConfigError::at(value, "unterminated `${` in value"))?;
            let inner = &r[..end];
            let (name, default) = match inner.split_once(":-") {
                Some((n, d)) => (n, Some(d)),
                None => (inner, None),
            };
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(ConfigError::at(
                    value,
                    format!("`${{{inner}}}` is not a variable reference"),
                ));
            }
            match (env(name).filter(|v| !v.is_empty()), default) {
                (Some(v), _) => out.push_str(&v),
                (None, Some(d)) => out.push_str(d),
                (None, None) => {
                    return Err(ConfigError::at(
                        value,
                        format!("environment variable `{name}` is not set"),
                    ));
                }
            }
            rest = &r[end + 1..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// Table-name patterns excluded from management.
#[derive(Debug, Clone, Default)]
pub struct IgnoreList {
    patterns: Vec<(String, String)>,
}

impl IgnoreList {
    /// Always contains `seaql_migrations` (sea-orm-migration's bookkeeping table).
    pub fn new<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Self {
        let mut list = IgnoreList {
            patterns: vec![("*".to_owned(), "seaql_migrations".to_owned())],
        };
        for p in patterns {
            let (schema, name) = p.split_once('.').unwrap_or(("*", p));
            list.patterns.push((schema.to_owned(), name.to_owned()));
        }
        list
    }

    /// Why `table` is excluded, or `None` when it is managed.
    pub fn reason(&self, table: &QName) -> Option<&'static str> {
        if table.name == "seaql_migrations" {
            return Some("sea-orm-migration bookkeeping; never managed");
        }
        self.patterns
            .iter()
            .any(|(s, n)| glob(s, &table.schema) && glob(n, &table.name))
            .then_some("excluded by ignore.tables in schema.yaml")
    }
}

/// `*` matches any run of characters; everything else matches itself. Linear in the text
/// times the pattern (the greedy matcher with one backtrack point), however many `*` a
/// pattern holds.
fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    // The last `*` seen and the text position it is currently made to cover up to.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// What `schema.yaml` says about Postgres, resolved against the environment.
#[derive(Debug, Clone)]
pub struct PgSettings {
    pub url: Option<String>,
    pub schemas: Vec<String>,
    pub default_schema: String,
    pub ignore: IgnoreList,
}

impl PostgresConfig {
    pub fn settings(
        &self,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<PgSettings, ConfigError> {
        let url = self.url.as_ref().map(|u| expand_env(u, env)).transpose()?;
        let default_schema = self
            .default_schema
            .as_ref()
            .map_or_else(|| "public".to_owned(), |s| stored(&s.value));
        let mut schemas: Vec<String> = self.schemas.iter().map(|s| stored(&s.value)).collect();
        if schemas.is_empty() {
            schemas.push(default_schema.clone());
        }
        Ok(PgSettings {
            url,
            schemas,
            default_schema,
            ignore: IgnoreList::new(self.ignore.tables.iter().map(|t| t.value.as_str())),
        })
    }

    /// Adds what `schema.yaml` declares to the desired catalog built from entities.
    pub fn extend(&self, catalog: &mut Catalog, settings: &PgSettings) -> Result<(), ConfigError> {
        for s in &settings.schemas {
            catalog.schemas.entry(s.clone()).or_default();
        }
        for ext in &self.extensions {
            let (name, e) = match &ext.value {
                ExtensionDecl::Name(n) => (n, Extension::default()),
                ExtensionDecl::Full(f) => (
                    &f.name,
                    Extension {
                        schema: f.schema.clone(),
                        version: f.version.clone(),
                    },
                ),
            };
            if catalog.extensions.insert(name.value.clone(), e).is_some() {
                return Err(ConfigError::at(
                    ext,
                    format!("extension `{}` is declared twice", name.value),
                ));
            }
        }
        for (key, text) in &self.comments {
            let (schema, name) = split_qualified(&key.value, &settings.default_schema);
            if key.value.contains('.') {
                let q = QName::new(schema, name);
                let e = catalog.enums.get_mut(&q).ok_or_else(|| {
                    ConfigError::at(key, format!("no enum type `{q}` is declared"))
                })?;
                e.comment = Some(text.clone());
            } else {
                let s = catalog
                    .schemas
                    .get_mut(stored(&key.value).as_str())
                    .ok_or_else(|| {
                        ConfigError::at(key, format!("schema `{}` is not managed", key.value))
                    })?;
                s.comment = Some(text.clone());
            }
        }
        for (key, extras) in &self.enums {
            let (schema, name) = split_qualified(&key.value, &settings.default_schema);
            let q = QName::new(schema, name);
            let e = catalog
                .enums
                .get_mut(&q)
                .ok_or_else(|| ConfigError::at(key, format!("no enum type `{q}` is declared")))?;
            for (new, old) in &extras.renamed_values {
                if !e.labels.contains(new) {
                    return Err(ConfigError::at(
                        key,
                        format!("enum `{q}` has no label `{new}` to rename `{old}` to"),
                    ));
                }
                e.renamed_values.insert(new.clone(), old.clone());
            }
        }
        for (key, extras) in &self.tables {
            let (schema, name) = split_qualified(&key.value, &settings.default_schema);
            let q = QName::new(schema, name);
            let table = catalog.tables.get_mut(&q).ok_or_else(|| {
                ConfigError::at(key, format!("table `{q}` is not declared by any entity"))
            })?;
            extras.apply(&q, table)?;
        }
        Ok(())
    }
}

/// `schema.name` or `name`, each part as Postgres stores it (cut to 63 bytes).
fn split_qualified(key: &str, default_schema: &str) -> (String, String) {
    match key.split_once('.') {
        Some((s, n)) => (stored(s), stored(n)),
        None => (default_schema.to_owned(), stored(key)),
    }
}

/// The start of a long text quoted in an error.
fn excerpt(text: &str) -> String {
    const CHARS: usize = 60;
    if text.chars().count() <= CHARS {
        return text.to_owned();
    }
    let mut s: String = text.chars().take(CHARS).collect();
    s.push('…');
    s
}

/// An identifier written in `schema.yaml` as Postgres stores it: names over 63 bytes are cut,
/// as Postgres cuts them (and as the entities' names are), so the long name a user copies from
/// an entity finds its object.
fn stored(name: &str) -> String {
    truncate_ident(name).to_owned()
}

impl TableExtras {
    fn apply(&self, q: &QName, table: &mut Table) -> Result<(), ConfigError> {
        if let Some(c) = &self.comment {
            table.comment = Some(c.clone());
        }
        if let Some(old) = &self.renamed_from {
            table.renamed_from = Some(truncate_ident(old).to_owned());
        }
        for (col, extras) in &self.columns {
            let column = table.column_mut(&stored(&col.value)).ok_or_else(|| {
                ConfigError::at(col, format!("table `{q}` has no column `{}`", col.value))
            })?;
            if let Some(c) = &extras.comment {
                column.comment = Some(c.clone());
            }
        }
        for decl in &self.indexes {
            let (name, index) = decl.value.to_index(q, table, decl)?;
            if table.indexes.contains_key(&name) || table.uniques.contains_key(&name) {
                return Err(ConfigError::at(
                    decl,
                    format!("index `{name}` is already declared on `{q}`"),
                ));
            }
            table.indexes.insert(name, index);
        }
        for decl in &self.checks {
            let c = &decl.value;
            if let Some(why) = expression_problem(&c.expr) {
                return Err(ConfigError::at(
                    decl,
                    format!("check on `{q}`: `{}`: {why}", excerpt(&c.expr)),
                ));
            }
            let name = match &c.name {
                Some(n) => truncate_ident(n).to_owned(),
                None => free_name(table, &q.name, "check"),
            };
            if table.checks.contains_key(&name) {
                return Err(ConfigError::at(
                    decl,
                    format!("check `{name}` is already declared on `{q}`"),
                ));
            }
            table.checks.insert(
                name,
                Check {
                    expr: c.expr.trim().to_owned(),
                    no_inherit: false,
                    validated: true,
                    comment: c.comment.clone(),
                },
            );
        }
        Ok(())
    }
}

/// Postgres' default CHECK name for a table constraint, `{table}_check`, then `{table}_check1`, ...
fn free_name(table: &Table, table_name: &str, label: &str) -> String {
    let base = implicit_name(table_name, None, label);
    if !table.checks.contains_key(&base) {
        return base;
    }
    (1..)
        .map(|n| implicit_name(table_name, None, &format!("{label}{n}")))
        .find(|n| !table.checks.contains_key(n))
        .unwrap_or(base)
}

impl IndexDecl {
    fn to_index(
        &self,
        q: &QName,
        table: &Table,
        at: &Spanned<IndexDecl>,
    ) -> Result<(String, Index), ConfigError> {
        if self.columns.is_empty() {
            return Err(ConfigError::at(
                at,
                "an index needs at least one column or expression",
            ));
        }
        let mut keys = Vec::new();
        let mut name_parts = Vec::new();
        for k in &self.columns {
            let key = match &k.value {
                KeyDecl::Short(s) if table.column(&stored(s)).is_some() => {
                    name_parts.push(stored(s));
                    IndexKey::column(stored(s))
                }
                KeyDecl::Short(s) if is_plain_word(s) => {
                    return Err(ConfigError::at(
                        k,
                        format!("table `{q}` has no column `{s}`"),
                    ));
                }
                KeyDecl::Short(expr) => {
                    if let Some(why) = expression_problem(expr) {
                        return Err(ConfigError::at(
                            k,
                            format!(
                                "index key `{}` on `{q}` is neither a column nor one expression: {why}",
                                excerpt(expr)
                            ),
                        ));
                    }
                    name_parts.push("expr".to_owned());
                    IndexKey {
                        target: KeyTarget::Expression(expr.trim().to_owned()),
                        ..IndexKey::column("")
                    }
                }
                KeyDecl::Long(l) => {
                    let target = match (&l.column, &l.expr) {
                        (Some(c), None) => {
                            if table.column(&stored(c)).is_none() {
                                return Err(ConfigError::at(
                                    k,
                                    format!("table `{q}` has no column `{c}`"),
                                ));
                            }
                            name_parts.push(stored(c));
                            KeyTarget::Column(stored(c))
                        }
                        (None, Some(e)) => {
                            if let Some(why) = expression_problem(e) {
                                return Err(ConfigError::at(
                                    k,
                                    format!("index expression `{}` on `{q}`: {why}", excerpt(e)),
                                ));
                            }
                            name_parts.push("expr".to_owned());
                            KeyTarget::Expression(e.trim().to_owned())
                        }
                        _ => {
                            return Err(ConfigError::at(
                                k,
                                "give exactly one of `column` or `expr`",
                            ));
                        }
                    };
                    let descending = matches!(l.order, Some(SortOrder::Desc));
                    let nulls_first = match l.nulls {
                        Some(NullsOrder::First) => true,
                        Some(NullsOrder::Last) => false,
                        None => descending,
                    };
                    IndexKey {
                        target,
                        opclass: l.opclass.clone(),
                        descending,
                        nulls_first,
                    }
                }
            };
            keys.push(key);
        }
        if let Some(p) = &self.predicate
            && let Some(why) = expression_problem(p)
        {
            return Err(ConfigError::at(
                at,
                format!("index predicate (`where`) `{}` on `{q}`: {why}", excerpt(p)),
            ));
        }
        for inc in &self.include {
            if table.column(&stored(inc)).is_none() {
                return Err(ConfigError::at(
                    at,
                    format!("table `{q}` has no column `{inc}` (in include)"),
                ));
            }
        }
        let name = match &self.name {
            Some(n) => truncate_ident(n).to_owned(),
            None => implicit_name(
                &q.name,
                Some(&name_parts.join("_")),
                if self.unique { "key" } else { "idx" },
            ),
        };
        let index = Index {
            unique: self.unique,
            method: self
                .using
                .clone()
                .unwrap_or_else(|| "btree".to_owned())
                .to_ascii_lowercase(),
            keys,
            include: self.include.iter().map(|c| stored(c)).collect(),
            predicate: self.predicate.as_ref().map(|p| p.trim().to_owned()),
            nulls_not_distinct: self.nulls_not_distinct,
            valid: true,
            comment: self.comment.clone(),
        };
        Ok((name, index))
    }
}

fn is_plain_word(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_')
}

impl fmt::Display for KeyDecl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyDecl::Short(s) => f.write_str(s),
            KeyDecl::Long(l) => {
                f.write_str(l.column.as_deref().or(l.expr.as_deref()).unwrap_or("?"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "DATABASE_URL" => Some("postgres://app:pw@db/app".into()),
            _ => None,
        }
    }

    fn spanned(s: &str) -> Spanned<String> {
        serde_saphyr::from_str::<Spanned<String>>(&format!("'{s}'")).unwrap()
    }

    #[test]
    fn env_expansion() {
        assert_eq!(
            expand_env(&spanned("${DATABASE_URL}"), &env).unwrap(),
            "postgres://app:pw@db/app"
        );
        assert_eq!(
            expand_env(&spanned("${MISSING:-x}/y"), &env).unwrap(),
            "x/y"
        );
        assert_eq!(expand_env(&spanned("a$$b"), &env).unwrap(), "a$b");
        let e = expand_env(&spanned("${MISSING}"), &env).unwrap_err();
        assert!(e.message.contains("MISSING"), "{e}");
        assert_eq!((e.line, e.column), (1, 1));
    }

    #[test]
    fn unknown_keys_are_errors_with_positions() {
        let e = Config::parse("version: 1\npostgres:\n  shemas: [public]\n").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.starts_with("unknown field `shemas`"), "{e}");
    }

    #[test]
    fn wrong_version_is_refused() {
        let e = Config::parse("version: 7\n").unwrap_err();
        assert_eq!((e.line, e.column), (1, 10));
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let e = Config::parse("version: 1\nversion: 1\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
    }

    #[test]
    fn ignore_patterns() {
        let l = IgnoreList::new(["audit_*", "app.tmp"]);
        assert!(
            l.reason(&QName::new("public", "seaql_migrations"))
                .is_some()
        );
        assert!(l.reason(&QName::new("public", "audit_log")).is_some());
        assert!(l.reason(&QName::new("app", "tmp")).is_some());
        assert!(l.reason(&QName::new("public", "tmp")).is_none());
        assert!(l.reason(&QName::new("public", "users")).is_none());
    }

    #[test]
    fn globs_with_many_stars_stay_fast() {
        assert!(glob("*", ""));
        assert!(glob("a*b*c", "aXbYc"));
        assert!(!glob("a*b*c", "aXbY"));
        assert!(glob("*é*", "café"));
        let pattern = format!("{}b", "*a".repeat(30));
        let started = std::time::Instant::now();
        assert!(!glob(&pattern, &"a".repeat(63)));
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }
}
