//! `schema.yaml` `vespa:`: where the config server is, where the desired application package
//! lives, the variables its files are templated with, and the fields that mirror Postgres
//! columns.

use indexmap::IndexMap;
use serde::Deserialize;
use serde_saphyr::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VespaConfig {
    /// The config server (`http://host:19071`); `${VAR}` expanded; `VESPA_CONFIG_URL` and
    /// `--vespa-url` override it.
    #[serde(default)]
    pub url: Option<Spanned<String>>,
    /// Tenant, application and instance (all `default` on self-hosted Vespa).
    #[serde(default)]
    pub tenant: Option<Spanned<String>>,
    #[serde(default)]
    pub application: Option<Spanned<String>>,
    #[serde(default)]
    pub instance: Option<Spanned<String>>,
    /// The application package directory (`services.xml`, `schemas/*.sd`), relative to
    /// `schema.yaml`.
    pub package: Spanned<String>,
    /// Values for `${name}` in the package's `.sd`, `.profile` and `.xml` files.
    #[serde(default)]
    pub variables: IndexMap<Spanned<String>, Spanned<VarValue>>,
    /// How long `apply` waits for the services to converge on the new generation (`5m`).
    #[serde(default)]
    pub convergence_timeout: Option<Spanned<String>>,
    /// How many days ahead generated validation overrides are dated (1–30, default 3).
    #[serde(default)]
    pub override_days: Option<Spanned<u32>>,
    /// Vespa fields that mirror entity columns or configured values.
    #[serde(default)]
    pub links: Vec<Spanned<LinkDecl>>,
    /// For `https://`: the CA to trust instead of the system store, and a client certificate
    /// (mutual TLS, as Vespa Cloud and secured self-hosted config servers require).
    #[serde(default)]
    pub tls: Option<Spanned<crate::tls::TlsDecl>>,
}

/// A scalar variable value.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum VarValue {
    Int(i64),
    Text(String),
}

impl VarValue {
    pub fn text(&self) -> String {
        match self {
            VarValue::Int(i) => i.to_string(),
            VarValue::Text(s) => s.clone(),
        }
    }
}

/// `{ vespa: doc_chunk.document_id, postgres: public.documents.id }` or
/// `{ vespa: doc_chunk.embedding, dimension: embedding_dim }` (a variable name or a number).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkDecl {
    /// `schema.field`
    pub vespa: String,
    /// `table.column` or `schema.table.column`.
    #[serde(default)]
    pub postgres: Option<String>,
    /// The tensor's indexed dimension size must equal this (a number or a variable name).
    #[serde(default)]
    pub dimension: Option<VarValue>,
}
