//! TEMPORARY placeholder with the final API; replaced by the real canonicalizer.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub search_path: Vec<String>,
}
impl Default for Ctx {
    fn default() -> Self {
        Ctx {
            search_path: vec!["public".to_owned()],
        }
    }
}
pub fn canonical_type(ty: &str, _ctx: &Ctx) -> String {
    let t = ty.trim().to_ascii_lowercase();
    match t.as_str() {
        "int" | "int4" => "integer".into(),
        "bool" => "boolean".into(),
        "varchar" => "character varying".into(),
        "timestamp" => "timestamp without time zone".into(),
        "timestamptz" => "timestamp with time zone".into(),
        _ => t,
    }
}
pub fn canonical_expr(expr: &str, _ctx: &Ctx) -> String {
    expr.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase()
}
pub fn same_expr(a: &str, b: &str, ctx: &Ctx) -> bool {
    canonical_expr(a, ctx) == canonical_expr(b, ctx)
}
