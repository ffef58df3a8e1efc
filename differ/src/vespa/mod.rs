//! Vespa as a declared store.
//!
//! - [`sd`]: parser, semantic model and printer for schemas and rank profiles.
//! - [`services`]: the content clusters, their document types and the containers of
//!   `services.xml`.
//! - [`app`]: application packages as files (templated with variables) and the [`app::App`]
//!   model compared.
//! - [`classify`]: the predicted change actions (restart, reindex, refeed, overrides).
//! - [`diff`]: the Vespa part of a plan (pure).
//! - [`client`]: the config server's HTTP API (read, deploy, dry run, convergence).
//! - [`links`]: fields that mirror Postgres columns or configured values.

pub mod app;
pub mod classify;
pub mod client;
pub mod diff;
pub mod links;
pub mod sd;
pub mod services;
