//! Neutral models and the desired state. No I/O.

pub mod config;
pub mod entities;
pub mod fleet;
pub mod pg;
pub mod redis_config;
mod serde_pairs;
mod serde_qmap;
pub mod vecmap;
pub mod vespa_config;
