//! `messages`: one message of a conversation, written by the user or the assistant.

use sea_orm::entity::prelude::*;

/// Who wrote a message: a native Postgres enum `message_role`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Enum", enum_name = "message_role")]
pub enum MessageRole {
    #[sea_orm(string_value = "USER")]
    User,
    #[sea_orm(string_value = "ASSISTANT")]
    Assistant,
}

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "messages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub conversation_id: Uuid,
    pub role: MessageRole,
    #[sea_orm(column_type = "String(StringLen::N(2000))")]
    pub content: String,
    #[sea_orm(default_expr = "Expr::cust(\"now()\")", indexed)]
    pub created_at: DateTime,
    #[sea_orm(belongs_to, from = "conversation_id", to = "id", on_delete = "Cascade")]
    pub conversation: BelongsTo<super::conversations::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
