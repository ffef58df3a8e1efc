//! Identifiers: the one quoting function, the 63-byte limit, and Postgres' implicit names.
//!
//! Every identifier that reaches SQL goes through [`quote_ident`]; it always quotes, so reserved
//! words (`user`, `order`), mixed case and punctuation need no special cases anywhere else.

use crate::model::pg::QName;

/// NAMEDATALEN - 1: the longest identifier Postgres keeps, in bytes.
pub const MAX_IDENT_BYTES: usize = 63;

/// `"name"` with embedded quotes doubled. The only way identifiers enter SQL.
pub fn quote_ident(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    out.push('"');
    for c in name.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// `"schema"."name"`.
pub fn quote_qname(q: &QName) -> String {
    format!("{}.{}", quote_ident(&q.schema), quote_ident(&q.name))
}

/// `'text'` with embedded quotes doubled. Sessions that run our SQL have
/// `standard_conforming_strings = on`, so backslashes need no escaping.
pub fn quote_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        if c == '\'' {
            out.push('\'');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// The name Postgres actually stores for `name`: cut to 63 bytes on a character boundary
/// (Postgres does the same, with only a NOTICE).
pub fn truncate_ident(name: &str) -> &str {
    if name.len() <= MAX_IDENT_BYTES {
        return name;
    }
    let mut end = MAX_IDENT_BYTES;
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

/// Postgres' `makeObjectName`: the implicit name of a constraint or index,
/// `{name1}_{name2}_{label}`, shortening the longer of the two names until it fits in 63 bytes.
/// Used for `{table}_pkey`, `{table}_{column}_key` and friends.
pub fn implicit_name(name1: &str, name2: Option<&str>, label: &str) -> String {
    let overhead = label.len() + 1 + usize::from(name2.is_some());
    let avail = MAX_IDENT_BYTES - overhead;
    let mut n1 = name1.len();
    let mut n2 = name2.map_or(0, str::len);
    while n1 + n2 > avail {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let mut out = clip(name1, n1).to_owned();
    if let Some(name2) = name2 {
        out.push('_');
        out.push_str(clip(name2, n2));
    }
    out.push('_');
    out.push_str(label);
    out
}

/// The longest prefix of `s` of at most `bytes` bytes that ends on a character boundary.
fn clip(s: &str, bytes: usize) -> &str {
    let mut end = bytes.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_doubles_quotes_and_keeps_everything_else() {
        assert_eq!(quote_ident("user"), "\"user\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_ident("Mixed Case;--"), "\"Mixed Case;--\"");
        assert_eq!(quote_literal("it's"), "'it''s'");
        assert_eq!(quote_literal("back\\slash"), "'back\\slash'");
    }

    #[test]
    fn truncation_respects_char_boundaries() {
        let long = "é".repeat(40); // 80 bytes
        let t = truncate_ident(&long);
        assert_eq!(t.len(), 62);
        assert_eq!(truncate_ident("short"), "short");
    }

    #[test]
    fn implicit_names_match_postgres() {
        assert_eq!(implicit_name("users", None, "pkey"), "users_pkey");
        assert_eq!(
            implicit_name("users", Some("email"), "key"),
            "users_email_key"
        );
        // 63-byte table name: Postgres shortens the longer part first.
        let t = "t".repeat(63);
        let name = implicit_name(&t, Some("email"), "key");
        assert_eq!(name.len(), 63);
        assert!(name.ends_with("_email_key"));
        let name = implicit_name(&t, None, "pkey");
        assert_eq!(name, format!("{}_pkey", "t".repeat(58)));
    }
}
