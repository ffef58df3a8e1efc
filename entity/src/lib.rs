//! The example application's entities, in SeaORM 2.0's dense format.
//!
//! These are the source of truth that `seadiff` plans from: every table, column, key, foreign
//! key and index below becomes part of the desired Postgres state. What entities cannot say
//! (composite indexes that are not unique, partial or expression indexes, CHECKs, comments,
//! extensions) lives in `schema.yaml` at the repository root.

pub mod conversations;
pub mod documents;
pub mod messages;
pub mod tasks;
pub mod users;

pub use messages::MessageRole;
