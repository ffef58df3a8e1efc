//! seadiff's engine.
//!
//! - [`model`]: neutral data (the Postgres catalog model, the desired state from entities and
//!   `schema.yaml`). No I/O.
//! - [`plan`]: steps, hazards, transaction groups, fingerprints. No I/O.
//! - [`render`]: a plan as text, SQL or JSON. Pure functions of a plan.
//! - [`postgres`]: `introspect` (reads), `diff` (pure), `apply` (writes).
//!
//! This crate never prints and never exits; it returns values and typed errors.

pub mod model;
pub mod plan;
pub mod postgres;
pub mod redact;
pub mod redis;
pub mod render;
pub mod tls;
pub mod vespa;
