//! `documents`: a document a user uploaded; its chunks are indexed in Vespa (`doc_chunk`,
//! whose `document_id` mirrors `documents.id`).

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "documents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    #[sea_orm(column_type = "String(StringLen::N(300))")]
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub source_url: String,
    #[sea_orm(default_value = 0)]
    pub chunk_count: i32,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")", indexed)]
    pub created_at: DateTime,
    #[sea_orm(belongs_to, from = "user_id", to = "id", on_delete = "Cascade")]
    pub user: BelongsTo<super::users::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
