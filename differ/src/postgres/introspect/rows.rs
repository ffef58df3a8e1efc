//! Rows exactly as the catalog queries return them.

use serde::Deserialize;

use super::super::PgError;

#[derive(Debug, Clone, Deserialize)]
pub(super) struct Meta {
    pub version: u32,
    pub database: String,
    pub user: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct SchemaRow {
    pub name: String,
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct ExtensionRow {
    pub name: String,
    pub schema: String,
    pub version: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct TypeRow {
    pub oid: u32,
    pub schema: String,
    pub name: String,
    /// `typtype`: e enum, d domain, c composite (or row type), r range, m multirange, b base, p pseudo.
    #[serde(rename = "type")]
    pub kind: String,
    /// The relation of a composite or row type.
    pub relid: u32,
    /// The element type of an array type, else 0.
    pub elem: u32,
    pub comment: Option<String>,
    pub labels: Option<Vec<String>>,
    /// Domains: `format_type` of the base type, and its parts.
    pub base: Option<String>,
    pub base_schema: Option<String>,
    pub base_name: Option<String>,
    pub base_typmod: i32,
    pub base_elem_schema: Option<String>,
    pub base_elem_name: Option<String>,
    pub not_null: bool,
    pub default: Option<String>,
    pub collation: Option<String>,
    /// A standalone composite type (`CREATE TYPE ... AS (...)`), not a table's row type.
    pub composite: bool,
}

#[derive(Debug, Deserialize)]
pub(super) struct GrantRow {
    pub grantee: String,
    pub privilege: String,
    pub grantable: bool,
}

#[derive(Debug, Deserialize)]
pub(super) struct NameRow {
    pub schema: String,
    pub name: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct SeqRow {
    #[serde(rename = "type")]
    pub data_type: String,
    pub start: i64,
    pub increment: i64,
    pub min: i64,
    pub max: i64,
    pub cache: i64,
    pub cycle: bool,
}

#[derive(Debug, Deserialize)]
pub(super) struct OwnedByRow {
    pub schema: String,
    pub name: String,
    pub column: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct RelRow {
    pub oid: u32,
    pub schema: String,
    pub name: String,
    pub kind: String,
    pub reltype: u32,
    pub comment: Option<String>,
    pub rls: bool,
    pub force_rls: bool,
    pub partition: bool,
    pub unlogged: bool,
    pub options: Option<Vec<String>>,
    pub grants: Vec<GrantRow>,
    pub partition_key: Option<String>,
    pub partition_bound: Option<String>,
    pub parents: Vec<NameRow>,
    pub view: Option<String>,
    pub rule_oid: Option<u32>,
    pub seq: Option<SeqRow>,
    /// `a` for a sequence owned by a column (serial), `i` for an identity sequence.
    pub owner_kind: Option<String>,
    pub owned_by: Option<OwnedByRow>,
}

#[derive(Debug, Deserialize)]
pub(super) struct ColumnRow {
    pub rel: u32,
    pub num: i16,
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
    pub typmod: i32,
    pub type_schema: String,
    pub type_name: String,
    pub elem_schema: Option<String>,
    pub elem_name: Option<String>,
    pub not_null: bool,
    pub default: Option<String>,
    pub attrdef_oid: Option<u32>,
    pub identity: String,
    pub generated: String,
    pub local: bool,
    pub collation: Option<String>,
    pub identity_seq: Option<SeqRow>,
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct ConstraintRow {
    pub oid: u32,
    pub rel: u32,
    pub domain: u32,
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
    pub deferrable: bool,
    pub deferred: bool,
    pub validated: bool,
    pub no_inherit: bool,
    pub inherited: bool,
    pub columns: Vec<String>,
    pub ref_schema: Option<String>,
    pub ref_table: Option<String>,
    pub ref_columns: Vec<String>,
    pub on_update: String,
    pub on_delete: String,
    #[serde(rename = "match")]
    pub match_type: String,
    pub check: Option<String>,
    pub definition: String,
    pub nulls_not_distinct: bool,
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct IndexRow {
    pub oid: u32,
    pub rel: u32,
    pub name: String,
    pub unique: bool,
    pub valid: bool,
    pub method: String,
    pub nkey: usize,
    pub attnums: Vec<i16>,
    pub options: Vec<i16>,
    pub exprs: Vec<String>,
    pub opclasses: Vec<Option<String>>,
    pub predicate: Option<String>,
    pub nulls_not_distinct: bool,
    pub backs_constraint: bool,
    pub attached: bool,
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct FunctionRow {
    pub oid: u32,
    pub schema: String,
    pub name: String,
    pub kind: String,
    pub arg_types: String,
    pub returns: Option<String>,
    pub definition: Option<String>,
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct TriggerRow {
    pub oid: u32,
    pub rel: u32,
    pub name: String,
    pub definition: String,
    pub enabled: String,
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct PolicyRow {
    pub oid: u32,
    pub rel: u32,
    pub name: String,
    pub permissive: bool,
    pub command: String,
    pub roles: Vec<String>,
    pub using: Option<String>,
    pub with_check: Option<String>,
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct DependRow {
    pub class: String,
    pub oid: u32,
    pub sub: i32,
    pub ref_class: String,
    pub ref_oid: u32,
    pub ref_sub: i32,
}

#[derive(Debug, Deserialize)]
pub(super) struct CollationRow {
    pub oid: u32,
    pub schema: String,
    pub name: String,
    pub provider: String,
    pub locale: Option<String>,
    pub lc_collate: Option<String>,
    pub lc_ctype: Option<String>,
    pub deterministic: bool,
    pub comment: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct OtherRow {
    pub kind: String,
    pub name: String,
}

pub(super) struct Raw {
    pub meta: Meta,
    pub schemas: Vec<SchemaRow>,
    pub extensions: Vec<ExtensionRow>,
    pub types: Vec<TypeRow>,
    pub rels: Vec<RelRow>,
    pub columns: Vec<ColumnRow>,
    pub constraints: Vec<ConstraintRow>,
    pub indexes: Vec<IndexRow>,
    pub functions: Vec<FunctionRow>,
    pub triggers: Vec<TriggerRow>,
    pub policies: Vec<PolicyRow>,
    pub depends: Vec<DependRow>,
    pub others: Vec<OtherRow>,
    pub collations: Vec<CollationRow>,
}

impl Raw {
    pub(super) fn decode(docs: &[String]) -> Result<Raw, PgError> {
        fn part<T: for<'de> Deserialize<'de>>(
            docs: &[String],
            i: usize,
            what: &'static str,
        ) -> Result<T, PgError> {
            let doc = docs.get(i).ok_or(PgError::Catalog {
                what,
                detail: "missing result".to_owned(),
            })?;
            serde_json::from_str(doc).map_err(|e| PgError::Catalog {
                what,
                detail: e.to_string(),
            })
        }
        Ok(Raw {
            meta: part(docs, 0, "server information")?,
            schemas: part(docs, 1, "schemas")?,
            extensions: part(docs, 2, "extensions")?,
            types: part(docs, 3, "types")?,
            rels: part(docs, 4, "relations")?,
            columns: part(docs, 5, "columns")?,
            constraints: part(docs, 6, "constraints")?,
            indexes: part(docs, 7, "indexes")?,
            functions: part(docs, 8, "functions")?,
            triggers: part(docs, 9, "triggers")?,
            policies: part(docs, 10, "policies")?,
            depends: part(docs, 11, "dependencies")?,
            others: part(docs, 12, "other objects")?,
            collations: part(docs, 13, "collations")?,
        })
    }
}
