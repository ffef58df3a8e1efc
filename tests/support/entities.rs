//! Entity modules for scenarios, next to the real ones in the `entity` crate:
//! `tasks_v2` is `entity::tasks` after an edit; `odd` holds hostile names.

pub mod odd;
pub mod tasks_v2;
