//! Cross-store links: a Vespa field that mirrors an entity column (a chunk's `document_id` ↔
//! `documents.id`) or a configured value (an embedding's dimension). Checked on the desired
//! side of every plan; a broken link is an error, not a difference.

use super::app::App;
use super::sd::{DimensionKind, FieldType};
use crate::model::pg::{Catalog, QName};

/// A declared link, resolved from `schema.yaml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// `schema.field`
    pub vespa: String,
    /// `schema.table.column` (the Postgres schema defaulted).
    pub postgres: Option<QName>,
    pub column: Option<String>,
    /// The required size of the tensor's indexed dimension.
    pub dimension: Option<u64>,
    /// Where it was declared: `schema.yaml:LINE`.
    pub at: String,
}

/// Which Vespa types can hold a Postgres column's values.
fn compatible(pg: &str, array: bool, v: &FieldType) -> bool {
    let scalar = |t: &FieldType| match pg {
        "uuid" | "text" | "character varying" | "character" | "citext" | "name" => {
            matches!(t, FieldType::String)
        }
        "smallint" | "integer" => matches!(t, FieldType::Int | FieldType::Long),
        "bigint" => matches!(t, FieldType::Long),
        "real" => matches!(t, FieldType::Float | FieldType::Double),
        "double precision" | "numeric" => matches!(t, FieldType::Double),
        "boolean" => matches!(t, FieldType::Bool),
        "timestamp with time zone" | "timestamp without time zone" | "date" => {
            matches!(t, FieldType::Long)
        }
        "bytea" => matches!(t, FieldType::Raw),
        _ => false,
    };
    match (array, v) {
        (true, FieldType::Array(e)) => scalar(e),
        (false, t) => scalar(t),
        _ => false,
    }
}

/// Every broken link, as a sentence naming both sides.
pub fn check(links: &[Link], app: &App, catalog: Option<&Catalog>) -> Vec<String> {
    let mut out = Vec::new();
    for l in links {
        let Some((schema, field)) = l.vespa.split_once('.') else {
            out.push(format!("{}: `{}` is not schema.field", l.at, l.vespa));
            continue;
        };
        let Some(f) = app.schemas.get(schema).and_then(|s| s.field(field)) else {
            out.push(format!(
                "{}: Vespa field {} is missing from the application package",
                l.at, l.vespa
            ));
            continue;
        };
        if let (Some(table), Some(column)) = (&l.postgres, &l.column) {
            match catalog {
                None => out.push(format!(
                    "{}: {} links to {table}.{column}, but no Postgres desired state is configured",
                    l.at, l.vespa
                )),
                Some(c) => match c.tables.get(table) {
                    None => out.push(format!(
                        "{}: {} mirrors {table}.{column}, but the entities have no table {table}",
                        l.at, l.vespa
                    )),
                    Some(t) => match t.columns.iter().find(|c| &c.name == column) {
                        None => out.push(format!(
                            "{}: {} mirrors {table}.{column}, but {table} has no column {column}",
                            l.at, l.vespa
                        )),
                        Some(col) if !compatible(&col.ty.name, col.ty.array, &f.ty) => {
                            out.push(format!(
                                "{}: {} is {} but mirrors {table}.{column} of type {}: incompatible types",
                                l.at,
                                l.vespa,
                                f.ty.sd_syntax(),
                                col.ty
                            ));
                        }
                        Some(_) => {}
                    },
                },
            }
        }
        if let Some(want) = l.dimension {
            let dims: Vec<u64> = match &f.ty {
                FieldType::Tensor(t) => t
                    .dims
                    .iter()
                    .filter_map(|d| match d.kind {
                        DimensionKind::Indexed(Some(n)) => Some(n),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            match dims.as_slice() {
                [] => out.push(format!(
                    "{}: {} is {}, not a tensor with an indexed dimension of size {want}",
                    l.at,
                    l.vespa,
                    f.ty.sd_syntax()
                )),
                ds if !ds.contains(&want) => out.push(format!(
                    "{}: {} is {}: dimension mismatch, the configured size is {want}",
                    l.at,
                    l.vespa,
                    f.ty.sd_syntax()
                )),
                _ => {}
            }
        }
    }
    out
}
