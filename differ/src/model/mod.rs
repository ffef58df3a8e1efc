//! Neutral models and the desired state. No I/O.

pub mod config;
pub mod entities;
pub mod pg;
mod serde_pairs;
mod serde_qmap;
