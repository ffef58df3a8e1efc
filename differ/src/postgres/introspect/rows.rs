//! Rows exactly as the catalog queries return them: each row a JSON array whose elements are
//! the struct's fields in declaration order (serde reads a struct from a sequence), so the
//! field order here and in `sql.rs` must agree; a test checks it.

use serde::Deserialize;

use super::super::PgError;
use super::sql::Part;

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
    /// Attribute numbers of the key columns (names come from the columns read).
    pub columns: Vec<i16>,
    pub ref_schema: Option<String>,
    pub ref_table: Option<String>,
    pub ref_columns: Vec<String>,
    pub on_update: String,
    pub on_delete: String,
    #[serde(rename = "match")]
    pub match_type: String,
    pub check: Option<String>,
    /// `pg_get_constraintdef`, for exclusion constraints (and checks without an expression).
    pub definition: Option<String>,
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
    /// The printed expression of each expression key, `None` for a plain column.
    pub exprs: Vec<Option<String>>,
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

/// One decoded catalog document.
#[derive(Debug)]
pub(super) enum Doc {
    Meta(Meta),
    Schemas(Vec<SchemaRow>),
    Extensions(Vec<ExtensionRow>),
    Types(Vec<TypeRow>),
    Relations(Vec<RelRow>),
    Columns(Vec<ColumnRow>),
    Constraints(Vec<ConstraintRow>),
    Indexes(Vec<IndexRow>),
    Functions(Vec<FunctionRow>),
    Triggers(Vec<TriggerRow>),
    Policies(Vec<PolicyRow>),
    Depends(Vec<DependRow>),
    Others(Vec<OtherRow>),
    Collations(Vec<CollationRow>),
}

impl Doc {
    /// Decodes the document of `part`.
    pub(super) fn decode(part: Part, text: &str) -> Result<Doc, PgError> {
        fn rows<T: for<'de> Deserialize<'de>>(
            text: &str,
            what: &'static str,
        ) -> Result<Vec<T>, PgError> {
            serde_json::from_str(text).map_err(|e| PgError::Catalog {
                what,
                detail: e.to_string(),
            })
        }
        Ok(match part {
            Part::Meta => {
                let mut m: Vec<Meta> = rows(text, "server information")?;
                Doc::Meta(m.pop().ok_or(PgError::Catalog {
                    what: "server information",
                    detail: "missing result".to_owned(),
                })?)
            }
            Part::Schemas => Doc::Schemas(rows(text, "schemas")?),
            Part::Extensions => Doc::Extensions(rows(text, "extensions")?),
            Part::Types => Doc::Types(rows(text, "types")?),
            Part::Relations => Doc::Relations(rows(text, "relations")?),
            Part::Columns => Doc::Columns(rows(text, "columns")?),
            Part::Constraints => Doc::Constraints(rows(text, "constraints")?),
            Part::Indexes => Doc::Indexes(rows(text, "indexes")?),
            Part::Functions => Doc::Functions(rows(text, "functions")?),
            Part::Triggers => Doc::Triggers(rows(text, "triggers")?),
            Part::Policies => Doc::Policies(rows(text, "policies")?),
            Part::Depends => Doc::Depends(rows(text, "dependencies")?),
            Part::Others => Doc::Others(rows(text, "other objects")?),
            Part::Collations => Doc::Collations(rows(text, "collations")?),
        })
    }

    pub(super) fn part(&self) -> Part {
        match self {
            Doc::Meta(_) => Part::Meta,
            Doc::Schemas(_) => Part::Schemas,
            Doc::Extensions(_) => Part::Extensions,
            Doc::Types(_) => Part::Types,
            Doc::Relations(_) => Part::Relations,
            Doc::Columns(_) => Part::Columns,
            Doc::Constraints(_) => Part::Constraints,
            Doc::Indexes(_) => Part::Indexes,
            Doc::Functions(_) => Part::Functions,
            Doc::Triggers(_) => Part::Triggers,
            Doc::Policies(_) => Part::Policies,
            Doc::Depends(_) => Part::Depends,
            Doc::Others(_) => Part::Others,
            Doc::Collations(_) => Part::Collations,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::de::{self, DeserializeOwned, Visitor};

    use super::*;
    use crate::postgres::introspect::sql;

    /// A deserializer that records the field names serde asks for, in declaration order.
    struct Fields(Option<&'static [&'static str]>);

    impl<'de> de::Deserializer<'de> for &mut Fields {
        type Error = de::value::Error;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            self.0 = Some(fields);
            Err(de::Error::custom("captured"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }

    fn fields_of<T: DeserializeOwned>() -> Vec<&'static str> {
        let mut f = Fields(None);
        let _ = T::deserialize(&mut f);
        f.0.expect("a struct").to_vec()
    }

    #[test]
    fn every_query_returns_the_fields_of_its_row_in_order() {
        let scope = sql::in_scope(None);
        for version in [120000, 130000, 150000] {
            let queries = sql::queries(&scope, version);
            assert_eq!(
                queries.iter().map(|q| q.part).collect::<Vec<_>>(),
                Part::ALL.to_vec()
            );
            for q in queries {
                let expected = match q.part {
                    Part::Meta => fields_of::<Meta>(),
                    Part::Schemas => fields_of::<SchemaRow>(),
                    Part::Extensions => fields_of::<ExtensionRow>(),
                    Part::Types => fields_of::<TypeRow>(),
                    Part::Relations => fields_of::<RelRow>(),
                    Part::Columns => fields_of::<ColumnRow>(),
                    Part::Constraints => fields_of::<ConstraintRow>(),
                    Part::Indexes => fields_of::<IndexRow>(),
                    Part::Functions => fields_of::<FunctionRow>(),
                    Part::Triggers => fields_of::<TriggerRow>(),
                    Part::Policies => fields_of::<PolicyRow>(),
                    Part::Depends => fields_of::<DependRow>(),
                    Part::Others => fields_of::<OtherRow>(),
                    Part::Collations => fields_of::<CollationRow>(),
                };
                assert_eq!(q.fields, expected, "{:?}", q.part);
            }
        }
    }

    #[test]
    fn rows_decode_from_arrays() {
        let doc = r#"[[16384, 1, "id", "bigint", -1, "pg_catalog", "int8", null, null, true, null, null, "d", "", true, null,
            {"type": "bigint", "start": 1, "increment": 1, "min": 1, "max": 9223372036854775807, "cache": 1, "cycle": false}, "the key"]]"#;
        let Doc::Columns(rows) = Doc::decode(Part::Columns, doc).expect("decodes") else {
            panic!("columns");
        };
        assert_eq!(rows[0].name, "id");
        assert_eq!(rows[0].comment.as_deref(), Some("the key"));
        assert!(rows[0].identity_seq.is_some());
        assert!(Doc::decode(Part::Columns, "[[16384, 1]]").is_err());
    }
}
