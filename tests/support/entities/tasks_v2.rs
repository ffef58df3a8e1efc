//! `entity::tasks` after a developer's edit: a new nullable column (`priority`), a wider
//! `title` (100 → 200) and a new index on `completed_at`.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tasks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    #[sea_orm(column_type = "String(StringLen::N(200))")]
    pub title: String,
    #[sea_orm(column_type = "String(StringLen::N(1000))", nullable)]
    pub description: Option<String>,
    #[sea_orm(default_value = false, indexed)]
    pub is_completed: bool,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")", indexed)]
    pub created_at: DateTime,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")")]
    pub updated_at: DateTime,
    #[sea_orm(indexed)]
    pub completed_at: Option<DateTime>,
    pub priority: Option<i32>,
    #[sea_orm(belongs_to, from = "user_id", to = "id", on_delete = "Cascade")]
    pub user: BelongsTo<entity::users::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
