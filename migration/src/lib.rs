//! The application's migration history. `seadiff migrate generate NAME` writes a reviewed plan
//! here as `mYYYYMMDD_HHMMSS_name.rs` (up: the plan, down: its rollback) and registers it below.

pub use sea_orm_migration::prelude::*;

#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![]
    }
}
