//! Type names written by people (`varchar(20)`, `int[]`, `citext`, `app.mood`) as [`ColType`]s.

use super::normalize::{Ctx, canonical_type};
use crate::model::pg::ColType;

/// Built-in types, by their `format_type` spelling without modifiers.
const BUILTIN: &[&str] = &[
    "smallint",
    "integer",
    "bigint",
    "real",
    "double precision",
    "numeric",
    "boolean",
    "text",
    "character varying",
    "character",
    "\"char\"",
    "name",
    "bytea",
    "date",
    "time without time zone",
    "time with time zone",
    "timestamp without time zone",
    "timestamp with time zone",
    "interval",
    "uuid",
    "json",
    "jsonb",
    "jsonpath",
    "xml",
    "inet",
    "cidr",
    "macaddr",
    "macaddr8",
    "money",
    "bit",
    "bit varying",
    "tsvector",
    "tsquery",
    "point",
    "line",
    "lseg",
    "box",
    "path",
    "polygon",
    "circle",
    "oid",
    "regclass",
    "regtype",
    "regproc",
    "regprocedure",
    "regnamespace",
    "regrole",
    "int4range",
    "int8range",
    "numrange",
    "tsrange",
    "tstzrange",
    "daterange",
    "int4multirange",
    "int8multirange",
    "nummultirange",
    "tsmultirange",
    "tstzmultirange",
    "datemultirange",
    "pg_lsn",
    "pg_snapshot",
    "txid_snapshot",
];

/// True when `canonical` (a `format_type` spelling, modifiers allowed) names a built-in type.
pub fn is_builtin(canonical: &str) -> bool {
    let base = strip_modifiers(canonical);
    BUILTIN.contains(&base.as_str())
}

/// `character varying(20)` → `character varying`; `timestamp(3) with time zone` → `timestamp with time zone`.
fn strip_modifiers(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0u32;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Parses a declared type. Unqualified non-built-in names (enums, domains, extension types)
/// belong to `default_schema`.
pub fn parse_type(text: &str, default_schema: &str) -> ColType {
    let mut base = text.trim();
    let mut array = false;
    while let Some(b) = base.strip_suffix("[]") {
        array = true;
        base = b.trim_end();
    }
    let ctx = Ctx {
        search_path: Vec::new(),
    };
    let canonical = canonical_type(base, &ctx);
    let mut ty = match split_qualified(base) {
        Some((schema, name, modifiers)) => ColType {
            schema: Some(schema),
            name,
            modifiers,
            array: false,
        },
        None if is_builtin(&canonical) => ColType::builtin(canonical),
        None => {
            let (name, modifiers) = split_modifiers(base);
            ColType {
                schema: Some(default_schema.to_owned()),
                name: unquote(name),
                modifiers,
                array: false,
            }
        }
    };
    ty.array = array;
    ty
}

/// `schema.name(mods)` → (schema, name, mods), honouring double quotes. `None` when unqualified.
fn split_qualified(s: &str) -> Option<(String, String, Option<String>)> {
    let (head, modifiers) = split_modifiers(s);
    let mut in_quotes = false;
    for (i, c) in head.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            '.' if !in_quotes => {
                let schema = unquote(&head[..i]);
                let name = unquote(&head[i + 1..]);
                if schema == "pg_catalog" {
                    return None;
                }
                return Some((schema, name, modifiers));
            }
            _ => {}
        }
    }
    None
}

fn split_modifiers(s: &str) -> (&str, Option<String>) {
    match s.find('(') {
        Some(at) if !s.starts_with('"') => (s[..at].trim_end(), Some(s[at..].replace(' ', ""))),
        _ => (s, None),
    }
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    match s.strip_prefix('"').and_then(|q| q.strip_suffix('"')) {
        Some(q) => q.replace("\"\"", "\""),
        None => s.to_ascii_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::pg::QName;

    #[test]
    fn builtins_are_canonical_and_unqualified() {
        assert_eq!(
            parse_type("varchar", "public"),
            ColType::builtin("character varying")
        );
        assert_eq!(
            parse_type("int[]", "public"),
            ColType::builtin("integer").array_of()
        );
        assert!(is_builtin("timestamp(3) without time zone"));
        assert!(!is_builtin("citext"));
    }

    #[test]
    fn user_types_are_qualified() {
        assert_eq!(
            parse_type("citext", "public"),
            ColType::user(QName::new("public", "citext"))
        );
        assert_eq!(
            parse_type("app.\"Mood\"", "public"),
            ColType::user(QName::new("app", "Mood"))
        );
        let v = parse_type("vector(3)", "public");
        assert_eq!(v.modifiers.as_deref(), Some("(3)"));
        assert_eq!(v.to_string(), "public.vector(3)");
    }
}
