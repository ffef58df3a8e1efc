//! Names that break naive tools: reserved words (`user`, `order`), mixed case, quotes, and
//! names at and beyond Postgres' 63-byte identifier limit.

pub mod user {
    //! Table `user` (reserved word) with columns `order` and `CamelCase`.
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "user")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(column_name = "order", indexed)]
        pub order: i32,
        #[sea_orm(column_name = "CamelCase", unique)]
        pub camel: String,
        #[sea_orm(column_name = "say \"hi\"; drop", nullable)]
        pub quoted: Option<String>,
        #[sea_orm(has_many)]
        pub events: HasMany<super::long::Entity>,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod mixed {
    //! Table `MixedCase` referencing `user`.
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "MixedCase")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        #[sea_orm(column_name = "UserId")]
        pub user_id: i32,
        #[sea_orm(belongs_to, from = "user_id", to = "id", on_delete = "SetNull")]
        pub user: BelongsTo<super::user::Entity>,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod long {
    //! A 63-byte table name, a 63-byte column name and a 72-byte one Postgres truncates.
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_records_whose_name_is_sixty_three_bytes_long_on_purpose_x")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(
            column_name = "user_reference_column_whose_name_is_also_sixty_three_bytes_xyz",
            indexed
        )]
        pub user_id: i32,
        #[sea_orm(
            column_name = "a_column_name_that_is_far_too_long_for_postgres_and_gets_truncated_there",
            unique
        )]
        pub long_name: String,
        #[sea_orm(belongs_to, from = "user_id", to = "id", on_delete = "Cascade")]
        pub user: BelongsTo<super::user::Entity>,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod unicode {
    //! A table named like an injection, a Japanese column, quotes, a backslash and a dollar in
    //! another, and an 80-byte column name that Postgres cuts inside a two-byte character.
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "café\"; DROP TABLE users; --")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(column_name = "日本語の列名", indexed)]
        pub jp: String,
        #[sea_orm(column_name = "back\\slash 'quote' $1 )", nullable)]
        pub odd: Option<String>,
        #[sea_orm(column_name = "éééééééééééééééééééééééééééééééééééééééé", unique)]
        pub long_name: i32,
    }

    impl ActiveModelBehavior for ActiveModel {}
}
