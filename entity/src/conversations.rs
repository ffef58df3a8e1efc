//! `conversations`: a chat thread owned by a user; soft-deleted with `is_deleted`.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "conversations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    #[sea_orm(column_type = "String(StringLen::N(200))", nullable)]
    pub title: Option<String>,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTime,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")", indexed)]
    pub updated_at: DateTime,
    #[sea_orm(default_value = false, indexed)]
    pub is_deleted: bool,
    #[sea_orm(indexed)]
    pub deleted_at: Option<DateTime>,
    #[sea_orm(belongs_to, from = "user_id", to = "id", on_delete = "Cascade")]
    pub user: BelongsTo<super::users::Entity>,
    #[sea_orm(has_many)]
    pub messages: HasMany<super::messages::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
