//! The desired Postgres state from SeaORM entities.
//!
//! An [`EntitySet`] is built from a typed list (`EntitySet::new().entity::<users::Entity>()`),
//! so the compiler, not a source scan, decides what an entity declares. For each entity we ask
//! SeaORM for the statements it would run (`create_table_from_entity`, `create_index_from_entity`)
//! and read them back through sea-query's getters into our own [`Catalog`]. Names are the ones
//! Postgres would store: implicit constraint names follow `makeObjectName`, and names longer than
//! 63 bytes are truncated with a warning, exactly as Postgres would truncate them.

use std::collections::BTreeMap;

use sea_orm::sea_query::{
    ColumnDef, ColumnType, Expr, ForeignKeyAction, IndexCreateStatement, PostgresQueryBuilder,
    QueryBuilder, StringLen, TableBuilder, TableCreateStatement, TableRef,
};
use sea_orm::{ColumnTrait, DbBackend, EntityTrait, IdenStatic, Iterable, Schema};

use super::pg::{
    Catalog, Check, ColType, Column, Coverage, EnumType, FkAction, ForeignKey, Identity, Index,
    IndexKey, PrimaryKey, QName, Table, Unique,
};
use crate::postgres::ident::{implicit_name, truncate_ident};
use crate::postgres::types;

/// What one entity declares, captured when it is added to the set.
#[derive(Debug, Clone)]
struct Declared {
    /// `entity::users`, for messages.
    origin: String,
    schema: Option<String>,
    table: String,
    create: TableCreateStatement,
    indexes: Vec<IndexCreateStatement>,
    /// Native enums used by columns: column name → (type name, labels).
    enums: BTreeMap<String, (String, Vec<String>)>,
}

/// A typed list of entities: the compiled-in desired state.
#[derive(Debug, Clone, Default)]
pub struct EntitySet {
    entities: Vec<Declared>,
}

/// A problem in an entity declaration, named by entity and field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}: {message}")]
pub struct EntityError {
    /// `entity::users` or `entity::users::Model::email`.
    pub origin: String,
    pub message: String,
}

impl EntitySet {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds entity `E`.
    pub fn entity<E: EntityTrait + Default>(mut self) -> Self {
        let e = E::default();
        let schema = Schema::new(DbBackend::Postgres);
        let mut enums = BTreeMap::new();
        for col in E::Column::iter() {
            if let ColumnType::Enum { name, variants } = enum_type(col.def().get_column_type()) {
                let labels = variants.iter().map(ToString::to_string).collect();
                enums.insert(col.as_str().to_owned(), (name.to_string(), labels));
            }
        }
        let origin = std::any::type_name::<E>()
            .trim_end_matches("::Entity")
            .to_owned();
        self.entities.push(Declared {
            origin,
            schema: e.schema_name().map(str::to_owned),
            table: e.table_name().to_owned(),
            create: schema.create_table_from_entity(e),
            indexes: schema.create_index_from_entity(e),
            enums,
        });
        self
    }

    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// `entity::users`, ... in the order they were added.
    pub fn origins(&self) -> impl Iterator<Item = &str> {
        self.entities.iter().map(|d| d.origin.as_str())
    }

    /// The desired catalog. Tables without a `schema_name` go to `default_schema`.
    /// Returns warnings (e.g. truncated names) next to the catalog.
    pub fn to_catalog(&self, default_schema: &str) -> Result<(Catalog, Vec<String>), EntityError> {
        let mut cx = Convert {
            default_schema,
            warnings: Vec::new(),
            catalog: Catalog {
                coverage: Coverage::Tables,
                ..Catalog::default()
            },
        };
        // Which schema each table name lives in, to resolve unqualified FK targets.
        let mut homes: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for d in &self.entities {
            let schema = d
                .schema
                .clone()
                .unwrap_or_else(|| default_schema.to_owned());
            homes.entry(d.table.as_str()).or_default().push(schema);
        }
        for d in &self.entities {
            cx.table(d, &homes)?;
        }
        Ok((cx.catalog, cx.warnings))
    }
}

/// The enum behind a column type, looking through arrays.
fn enum_type(ty: &ColumnType) -> &ColumnType {
    match ty {
        ColumnType::Array(inner) => enum_type(inner),
        other => other,
    }
}

struct Convert<'a> {
    default_schema: &'a str,
    warnings: Vec<String>,
    catalog: Catalog,
}

impl Convert<'_> {
    /// A name as Postgres will store it, warning when it gets truncated.
    fn name(&mut self, origin: &str, what: &str, name: &str) -> String {
        let stored = truncate_ident(name);
        if stored.len() != name.len() {
            self.warnings.push(format!(
                "{origin}: {what} name `{name}` is longer than 63 bytes; Postgres stores it as `{stored}`"
            ));
        }
        stored.to_owned()
    }

    fn table(
        &mut self,
        d: &Declared,
        homes: &BTreeMap<&str, Vec<String>>,
    ) -> Result<(), EntityError> {
        let schema = self.name(
            &d.origin,
            "schema",
            d.schema.as_deref().unwrap_or(self.default_schema),
        );
        let tname = self.name(&d.origin, "table", &d.table);
        let qname = QName::new(schema.clone(), tname.clone());
        self.catalog.schemas.entry(schema.clone()).or_default();
        if self.catalog.tables.contains_key(&qname) {
            return Err(err(
                &d.origin,
                format!("table `{qname}` is declared by two entities"),
            ));
        }
        let mut table = Table {
            comment: d.create.get_comment().cloned(),
            ..Table::default()
        };

        for def in d.create.get_columns() {
            let column = self.column(d, &schema, &tname, def, &mut table)?;
            table.columns.push(column);
        }
        // A composite primary key arrives as a primary index on the statement.
        for idx in d.create.get_indexes() {
            if idx.is_primary_key() {
                let spec = idx.get_index_spec();
                let name = spec
                    .get_name()
                    .map_or_else(|| implicit_name(&tname, None, "pkey"), str::to_owned);
                let columns = stored_names(spec.get_column_names());
                for c in &columns {
                    if let Some(col) = table.column_mut(c) {
                        col.not_null = true;
                    }
                }
                table.primary_key = Some(PrimaryKey {
                    name: self.name(&d.origin, "primary key", &name),
                    columns,
                    deferrable: Default::default(),
                    comment: None,
                });
            }
        }
        for fk in d.create.get_foreign_key_create_stmts() {
            let fk = fk.get_foreign_key();
            let columns = stored_names(fk.get_columns());
            let name = fk.get_name().map_or_else(
                || implicit_name(&tname, Some(&columns.join("_")), "fkey"),
                str::to_owned,
            );
            let name = self.name(&d.origin, "foreign key", &name);
            let ref_table = fk
                .get_ref_table()
                .and_then(table_ref_parts)
                .ok_or_else(|| {
                    err(
                        &d.origin,
                        format!("foreign key `{name}` has no target table"),
                    )
                })?;
            let ref_schema = match ref_table.0 {
                Some(s) => s,
                None => resolve_home(homes, &ref_table.1, &schema),
            };
            table.foreign_keys.insert(
                name,
                ForeignKey {
                    columns,
                    ref_table: QName::new(ref_schema, truncate_ident(&ref_table.1)),
                    ref_columns: stored_names(fk.get_ref_columns()),
                    on_delete: fk.get_on_delete().map_or(FkAction::NoAction, fk_action),
                    on_update: fk.get_on_update().map_or(FkAction::NoAction, fk_action),
                    match_full: false,
                    deferrable: Default::default(),
                    validated: true,
                    comment: None,
                },
            );
        }
        for idx in &d.indexes {
            let spec = idx.get_index_spec();
            let columns = stored_names(spec.get_column_names());
            let name = spec.get_name().map_or_else(
                || implicit_name(&tname, Some(&columns.join("_")), "idx"),
                str::to_owned,
            );
            let name = self.name(&d.origin, "index", &name);
            if table.indexes.contains_key(&name) || table.uniques.contains_key(&name) {
                return Err(err(
                    &d.origin,
                    format!(
                        "two indexes are both named `{name}` once cut to Postgres' 63 bytes; shorten the names"
                    ),
                ));
            }
            let index = Index {
                unique: idx.is_unique_key(),
                method: "btree".to_owned(),
                keys: columns.into_iter().map(IndexKey::column).collect(),
                include: Vec::new(),
                predicate: None,
                nulls_not_distinct: idx.is_nulls_not_distinct(),
                valid: true,
                comment: None,
            };
            table.indexes.insert(name, index);
        }
        self.catalog.tables.insert(qname, table);
        Ok(())
    }

    fn column(
        &mut self,
        d: &Declared,
        schema: &str,
        table_name: &str,
        def: &ColumnDef,
        table: &mut Table,
    ) -> Result<Column, EntityError> {
        let raw_name = def.get_column_name();
        let origin = format!("{}::Model::{raw_name}", d.origin);
        let name = self.name(&origin, "column", &raw_name);
        let spec = def.get_column_spec();
        let ty = match d.enums.get(&raw_name) {
            Some((type_name, labels)) => {
                let qname = QName::new(schema, truncate_ident(type_name));
                self.declare_enum(&origin, &qname, labels)?;
                let base = ColType::user(qname);
                if matches!(def.get_column_type(), Some(ColumnType::Array(_))) {
                    base.array_of()
                } else {
                    base
                }
            }
            None => {
                let ty = def
                    .get_column_type()
                    .ok_or_else(|| err(&origin, "the column has no type".to_owned()))?;
                col_type(ty, schema).map_err(|m| err(&origin, m))?
            }
        };
        let mut column = Column::new(name.clone(), ty);
        column.not_null = spec.nullable == Some(false) || spec.primary_key;
        column.default = spec.default.as_ref().map(render_expr);
        if let Some(generated) = &spec.generated {
            if !generated.stored {
                return Err(err(
                    &origin,
                    "virtual generated columns do not exist in Postgres 15".to_owned(),
                ));
            }
            column.generated = Some(render_expr(&generated.expr));
        }
        if spec.auto_increment {
            match def.get_column_type() {
                Some(ColumnType::SmallInteger | ColumnType::Integer | ColumnType::BigInteger) => {
                    column.identity = Some(Identity::ByDefault);
                }
                other => {
                    return Err(err(
                        &origin,
                        format!("auto_increment needs an integer column, found {other:?}"),
                    ));
                }
            }
        }
        let (comment, renamed_from) = split_renamed_from(spec.comment.as_deref());
        column.comment = comment;
        column.renamed_from = renamed_from;
        if spec.primary_key {
            table.primary_key = Some(PrimaryKey {
                name: implicit_name(table_name, None, "pkey"),
                columns: vec![name.clone()],
                deferrable: Default::default(),
                comment: None,
            });
        }
        if spec.unique {
            table.uniques.insert(
                implicit_name(table_name, Some(&name), "key"),
                Unique {
                    columns: vec![name.clone()],
                    nulls_not_distinct: false,
                    deferrable: Default::default(),
                    comment: None,
                },
            );
        }
        if let Some(check) = &spec.check {
            let mut sql = String::new();
            PostgresQueryBuilder.prepare_check_constraint(check, &mut sql);
            let (cname, expr) = parse_check_clause(&sql)
                .ok_or_else(|| err(&origin, format!("cannot read the check constraint `{sql}`")))?;
            let cname = cname.unwrap_or_else(|| implicit_name(table_name, Some(&name), "check"));
            table.checks.insert(
                cname,
                Check {
                    expr,
                    no_inherit: false,
                    validated: true,
                    comment: None,
                },
            );
        }
        if let Some(extra) = spec.extra.as_deref() {
            self.apply_extra(&origin, table_name, extra, &mut column, table)?;
        }
        Ok(column)
    }

    fn declare_enum(
        &mut self,
        origin: &str,
        qname: &QName,
        labels: &[String],
    ) -> Result<(), EntityError> {
        match self.catalog.enums.get(qname) {
            Some(existing) if existing.labels != labels => Err(err(
                origin,
                format!(
                    "enum `{qname}` is declared with labels {:?} here and {:?} elsewhere",
                    labels, existing.labels
                ),
            )),
            Some(_) => Ok(()),
            None => {
                self.catalog.enums.insert(
                    qname.clone(),
                    EnumType {
                        labels: labels.to_vec(),
                        ..EnumType::default()
                    },
                );
                Ok(())
            }
        }
    }

    /// SeaORM's `extra` attribute is appended verbatim to the column DDL. We understand the
    /// clauses that change the schema (CHECK, COLLATE, identity, stored generated columns) and
    /// refuse anything else rather than silently planning without it.
    fn apply_extra(
        &mut self,
        origin: &str,
        table_name: &str,
        extra: &str,
        column: &mut Column,
        table: &mut Table,
    ) -> Result<(), EntityError> {
        let mut rest = extra.trim();
        while !rest.is_empty() {
            let upper = rest.to_ascii_uppercase();
            if upper.starts_with("CHECK") {
                let (body, after) = balanced_parens(&rest[5..]).ok_or_else(|| {
                    err(
                        origin,
                        format!("unbalanced parentheses in `extra = {extra:?}`"),
                    )
                })?;
                let name = implicit_name(table_name, Some(&column.name), "check");
                table.checks.insert(
                    name,
                    Check {
                        expr: body.trim().to_owned(),
                        no_inherit: false,
                        validated: true,
                        comment: None,
                    },
                );
                rest = after.trim_start();
            } else if upper.starts_with("COLLATE ") {
                let after = rest[8..].trim_start();
                let end = collation_end(after);
                column.collation = Some(unquote_collation(&after[..end]));
                rest = after[end..].trim_start();
            } else if let Some(after) =
                strip_words(rest, &["GENERATED", "ALWAYS", "AS", "IDENTITY"])
            {
                column.identity = Some(Identity::Always);
                rest = after;
            } else if let Some(after) =
                strip_words(rest, &["GENERATED", "BY", "DEFAULT", "AS", "IDENTITY"])
            {
                column.identity = Some(Identity::ByDefault);
                rest = after;
            } else if let Some(after) = strip_words(rest, &["GENERATED", "ALWAYS", "AS"]) {
                let (body, after) = balanced_parens(after).ok_or_else(|| {
                    err(
                        origin,
                        format!("unbalanced parentheses in `extra = {extra:?}`"),
                    )
                })?;
                let after = strip_words(after, &["STORED"]).ok_or_else(|| {
                    err(
                        origin,
                        format!("`extra = {extra:?}`: generated columns must be STORED"),
                    )
                })?;
                column.generated = Some(body.trim().to_owned());
                rest = after;
            } else {
                return Err(err(
                    origin,
                    format!(
                        "`extra = {extra:?}` is not understood (supported: CHECK (...), COLLATE x, \
                         GENERATED ALWAYS|BY DEFAULT AS IDENTITY, GENERATED ALWAYS AS (...) STORED); \
                         declare it in schema.yaml instead"
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Column names as Postgres stores them (cut to 63 bytes).
fn stored_names(names: Vec<String>) -> Vec<String> {
    names
        .into_iter()
        .map(|n| truncate_ident(&n).to_owned())
        .collect()
}

fn err(origin: &str, message: String) -> EntityError {
    EntityError {
        origin: origin.to_owned(),
        message,
    }
}

/// Resolve an unqualified FK target: the schema of the only entity table with that name,
/// else the referencing table's schema.
fn resolve_home(homes: &BTreeMap<&str, Vec<String>>, table: &str, fallback: &str) -> String {
    match homes.get(table).map(Vec::as_slice) {
        Some([only]) => only.clone(),
        _ => fallback.to_owned(),
    }
}

fn table_ref_parts(t: &TableRef) -> Option<(Option<String>, String)> {
    match t {
        TableRef::Table(name, _) => {
            let schema = name.0.as_ref().map(|s| s.1.to_string());
            Some((schema, name.1.to_string()))
        }
        _ => None,
    }
}

fn fk_action(a: ForeignKeyAction) -> FkAction {
    match a {
        ForeignKeyAction::Restrict => FkAction::Restrict,
        ForeignKeyAction::Cascade => FkAction::Cascade,
        ForeignKeyAction::SetNull => FkAction::SetNull,
        ForeignKeyAction::SetDefault => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

/// Renders a sea-query expression (a column default or generated expression) as SQL.
fn render_expr(expr: &Expr) -> String {
    let mut sql = String::new();
    PostgresQueryBuilder.prepare_expr(expr, &mut sql);
    sql
}

/// Maps a sea-query column type to the type Postgres will report (`format_type` spelling).
fn col_type(ty: &ColumnType, schema: &str) -> Result<ColType, String> {
    let b = |s: &str| Ok(ColType::builtin(s));
    match ty {
        ColumnType::Char(n) => b(&format!("character({})", n.unwrap_or(1))),
        ColumnType::String(StringLen::N(n)) => b(&format!("character varying({n})")),
        ColumnType::String(_) => b("character varying"),
        ColumnType::Text => b("text"),
        ColumnType::Blob | ColumnType::Binary(_) | ColumnType::VarBinary(_) => b("bytea"),
        ColumnType::TinyInteger | ColumnType::TinyUnsigned | ColumnType::SmallInteger => {
            b("smallint")
        }
        ColumnType::Integer | ColumnType::SmallUnsigned => b("integer"),
        ColumnType::BigInteger | ColumnType::Unsigned | ColumnType::BigUnsigned => b("bigint"),
        ColumnType::Float => b("real"),
        ColumnType::Double => b("double precision"),
        ColumnType::Decimal(Some((p, s))) => b(&format!("numeric({p},{s})")),
        ColumnType::Decimal(None) => b("numeric"),
        ColumnType::DateTime | ColumnType::Timestamp => b("timestamp without time zone"),
        ColumnType::TimestampWithTimeZone => b("timestamp with time zone"),
        ColumnType::Time => b("time without time zone"),
        ColumnType::Date => b("date"),
        ColumnType::Interval(fields, precision) => {
            let mut s = "interval".to_owned();
            if let Some(f) = fields {
                s.push(' ');
                s.push_str(&f.to_string().to_ascii_lowercase());
            }
            if let Some(p) = precision {
                s.push_str(&format!("({p})"));
            }
            b(&s)
        }
        ColumnType::Bit(n) => b(&format!("bit({})", n.unwrap_or(1))),
        ColumnType::VarBit(n) => b(&format!("bit varying({n})")),
        ColumnType::Boolean => b("boolean"),
        ColumnType::Money(_) => b("money"),
        ColumnType::Json => b("json"),
        ColumnType::JsonBinary => b("jsonb"),
        ColumnType::Uuid => b("uuid"),
        ColumnType::Cidr => b("cidr"),
        ColumnType::Inet => b("inet"),
        ColumnType::MacAddr => b("macaddr"),
        ColumnType::Array(inner) => Ok(col_type(inner, schema)?.array_of()),
        ColumnType::Enum { name, .. } => Ok(ColType::user(QName::new(schema, name.to_string()))),
        ColumnType::Vector(n) => Ok(ColType {
            modifiers: n.map(|n| format!("({n})")),
            ..ColType::user(QName::new(schema, "vector"))
        }),
        ColumnType::LTree => Ok(ColType::user(QName::new(schema, "ltree"))),
        ColumnType::Custom(name) => Ok(types::parse_type(&name.to_string(), schema)),
        ColumnType::Year => Err("the `Year` column type does not exist in Postgres".to_owned()),
        other => Err(format!("the column type {other:?} is not supported")),
    }
}

/// SeaORM hides `renamed_from` inside the column comment: `renamed_from "old"` or
/// `<comment>; renamed_from "old"`. Returns (real comment, previous name).
fn split_renamed_from(comment: Option<&str>) -> (Option<String>, Option<String>) {
    let Some(comment) = comment else {
        return (None, None);
    };
    let (head, tail) = match comment.rfind("renamed_from \"") {
        Some(at) => (&comment[..at], &comment[at + "renamed_from \"".len()..]),
        None => return (Some(comment.to_owned()), None),
    };
    let Some(old) = tail.strip_suffix('"') else {
        return (Some(comment.to_owned()), None);
    };
    let head = head.trim_end().trim_end_matches(';').trim_end();
    let real = (!head.is_empty()).then(|| head.to_owned());
    (real, Some(old.to_owned()))
}

/// `CONSTRAINT "name" CHECK (expr)` or `CHECK (expr)` → (name, expr).
fn parse_check_clause(sql: &str) -> Option<(Option<String>, String)> {
    let sql = sql.trim();
    let (name, rest) = match sql.strip_prefix("CONSTRAINT ") {
        Some(rest) => {
            let rest = rest.trim_start();
            let (name, after) = if let Some(q) = rest.strip_prefix('"') {
                let end = q.find('"')?;
                (q[..end].to_owned(), &q[end + 1..])
            } else {
                let end = rest.find(char::is_whitespace)?;
                (rest[..end].to_owned(), &rest[end..])
            };
            (Some(name), after.trim_start())
        }
        None => (None, sql),
    };
    let rest = rest.strip_prefix("CHECK")?;
    let (body, after) = balanced_parens(rest)?;
    after
        .trim()
        .is_empty()
        .then(|| (name, body.trim().to_owned()))
}

/// For input starting (after whitespace) with `(`, returns (inside, rest after the matching `)`),
/// skipping parentheses inside string literals and quoted identifiers.
fn balanced_parens(s: &str) -> Option<(&str, &str)> {
    let s = s.trim_start();
    if !s.starts_with('(') {
        return None;
    }
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth == 0 {
                    return Some((&s[1..i], &s[i + 1..]));
                }
            }
            _ => {}
        }
    }
    None
}

/// Strips a sequence of case-insensitive keywords separated by whitespace.
fn strip_words<'a>(s: &'a str, words: &[&str]) -> Option<&'a str> {
    let mut rest = s.trim_start();
    for w in words {
        if rest.len() < w.len() || !rest[..w.len()].eq_ignore_ascii_case(w) {
            return None;
        }
        let after = &rest[w.len()..];
        if after
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            return None;
        }
        rest = after.trim_start();
    }
    Some(rest)
}

fn collation_end(s: &str) -> usize {
    if let Some(q) = s.strip_prefix('"') {
        return q.find('"').map_or(s.len(), |e| e + 2);
    }
    s.find(char::is_whitespace).unwrap_or(s.len())
}

fn unquote_collation(s: &str) -> String {
    s.strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .map_or_else(|| s.to_ascii_lowercase(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renamed_from_is_split_out_of_the_comment() {
        assert_eq!(
            split_renamed_from(Some("renamed_from \"old\"")),
            (None, Some("old".into()))
        );
        assert_eq!(
            split_renamed_from(Some("Login e-mail; renamed_from \"mail\"")),
            (Some("Login e-mail".into()), Some("mail".into()))
        );
        assert_eq!(
            split_renamed_from(Some("plain")),
            (Some("plain".into()), None)
        );
        assert_eq!(split_renamed_from(None), (None, None));
    }

    #[test]
    fn check_clauses_are_read_with_or_without_a_name() {
        assert_eq!(
            parse_check_clause("CONSTRAINT \"c 1\" CHECK (a > (1))"),
            Some((Some("c 1".into()), "a > (1)".into()))
        );
        assert_eq!(
            parse_check_clause("CHECK (x <> ')')"),
            Some((None, "x <> ')'".into()))
        );
        assert_eq!(parse_check_clause("CHECK (x"), None);
    }

    #[test]
    fn keywords_are_matched_as_whole_words() {
        assert_eq!(
            strip_words("generated  always as identity", &["GENERATED", "ALWAYS"]),
            Some("as identity")
        );
        assert_eq!(strip_words("GENERATEDX", &["GENERATED"]), None);
    }
}
