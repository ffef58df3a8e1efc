//! `users`: an account that owns tasks and conversations.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique, column_type = "String(StringLen::N(255))")]
    pub email: String,
    pub hashed_password: String,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub created_at: DateTime,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub updated_at: DateTime,
    #[sea_orm(default_value = true, indexed)]
    pub is_active: bool,
    #[sea_orm(has_many)]
    pub tasks: HasMany<super::tasks::Entity>,
    #[sea_orm(has_many)]
    pub conversations: HasMany<super::conversations::Entity>,
    #[sea_orm(has_many)]
    pub documents: HasMany<super::documents::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
