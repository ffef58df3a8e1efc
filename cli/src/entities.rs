//! The typed entity list: the desired state compiled into this binary.
//!
//! Add every entity of the `entity` crate here. A test checks the list against SeaORM's entity
//! registry, so a forgotten entity fails the build's tests instead of silently planning a drop.

use differ::model::entities::EntitySet;

pub(crate) fn all() -> EntitySet {
    EntitySet::new()
        .entity::<entity::users::Entity>()
        .entity::<entity::tasks::Entity>()
        .entity::<entity::conversations::Entity>()
        .entity::<entity::documents::Entity>()
        .entity::<entity::messages::Entity>()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    #[test]
    fn the_typed_list_names_every_entity_of_the_entity_crate() {
        let registered: BTreeSet<String> = inventory::iter::<sea_orm::EntityRegistry>()
            .map(|e| e.module_path.to_owned())
            .filter(|p| p.starts_with("entity::"))
            .collect();
        let listed: BTreeSet<String> = super::all().origins().map(str::to_owned).collect();
        assert!(
            !registered.is_empty(),
            "the entity registry is empty; is the entity crate linked?"
        );
        assert_eq!(
            registered, listed,
            "cli/src/entities.rs must list every entity"
        );
    }
}
