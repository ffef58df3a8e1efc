//! Rename annotations in `.sql` sources, in psqldef's syntax: `-- @renamed from=old` or
//! `/* @renamed from=old */` next to what was renamed. A schema file says what *is*; only an
//! annotation can say that a table, column or enum label is the same object under a new name,
//! so that the plan renames it (keeping its data) instead of dropping and re-creating it.
//!
//! Understood positions:
//! - `CREATE TABLE new ( -- @renamed from=old`: the table;
//! - a column line inside `CREATE TABLE`: `new_col type ... -- @renamed from=old_col`;
//! - after a label in `CREATE TYPE t AS ENUM (..., 'new' /* @renamed from=old */, ...)`.
//!
//! Indexes and constraints need no annotation: the differ already renames them when their
//! definitions match.

use super::script;
use crate::model::pg::{Catalog, QName};

const MARK: &str = "@renamed from=";

/// Renames declared in a script.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Renames {
    /// (table, previous name)
    pub tables: Vec<(QName, String)>,
    /// (table, column, previous name)
    pub columns: Vec<(QName, String, String)>,
    /// (enum type, label, previous label)
    pub enum_values: Vec<(QName, String, String)>,
}

/// Reads the annotations of `sql`; unqualified names belong to `default_schema`.
pub fn renames(sql: &str, default_schema: &str) -> Renames {
    let mut out = Renames::default();
    for stmt in script::split(sql) {
        let text = stmt.text.as_str();
        if !text.contains(MARK) {
            continue;
        }
        let words = words(text);
        let head: Vec<String> = words
            .iter()
            .take(8)
            .map(|w| w.to_ascii_uppercase())
            .collect();
        if let Some(at) = table_name_position(&head) {
            let table = qname(&words[at], default_schema);
            let body_start = text.find('(').unwrap_or(text.len());
            for (pos, old) in marks(text) {
                if pos < body_start
                    || line_of(text, pos).contains(&words[at])
                        && line_of(text, pos).to_ascii_uppercase().contains("TABLE")
                {
                    out.tables.push((table.clone(), old));
                } else if let Some(col) = first_identifier(line_of(text, pos)) {
                    out.columns.push((table.clone(), col, old));
                }
            }
        } else if head.len() >= 5
            && head[0] == "CREATE"
            && head[1] == "TYPE"
            && head[3] == "AS"
            && head[4].starts_with("ENUM")
        {
            let ty = qname(&words[2], default_schema);
            for (pos, old) in marks(text) {
                if let Some(label) = last_string_before(text, pos) {
                    out.enum_values.push((ty.clone(), label, old));
                }
            }
        }
    }
    out
}

/// Records the renames on a catalog loaded from the annotated script (the desired side).
pub fn apply(c: &mut Catalog, r: &Renames) {
    for (q, old) in &r.tables {
        if let Some(t) = c.tables.get_mut(q) {
            t.renamed_from = Some(old.clone());
        }
    }
    for (q, col, old) in &r.columns {
        if let Some(column) = c.tables.get_mut(q).and_then(|t| t.column_mut(col)) {
            column.renamed_from = Some(old.clone());
        }
    }
    for (q, label, old) in &r.enum_values {
        if let Some(e) = c.enums.get_mut(q) {
            e.renamed_values.insert(label.clone(), old.clone());
        }
    }
}

/// Index of the table name in `CREATE [UNLOGGED|TEMP|TEMPORARY] TABLE [IF NOT EXISTS] name`.
fn table_name_position(head: &[String]) -> Option<usize> {
    if head.first().map(String::as_str) != Some("CREATE") {
        return None;
    }
    let mut i = 1;
    if matches!(
        head.get(i).map(String::as_str),
        Some("UNLOGGED" | "TEMP" | "TEMPORARY")
    ) {
        i += 1;
    }
    if head.get(i).map(String::as_str) != Some("TABLE") {
        return None;
    }
    i += 1;
    if head.get(i).map(String::as_str) == Some("IF") {
        i += 3;
    }
    (i < head.len()).then_some(i)
}

/// Whitespace- and parenthesis-separated words, comments removed, quoted identifiers whole.
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = text.chars().peekable();
    let flush = |cur: &mut String, out: &mut Vec<String>| {
        if !cur.is_empty() {
            out.push(std::mem::take(cur));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '-' if chars.peek() == Some(&'-') => {
                flush(&mut cur, &mut out);
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                flush(&mut cur, &mut out);
                let mut prev = ' ';
                for c in chars.by_ref() {
                    if prev == '*' && c == '/' {
                        break;
                    }
                    prev = c;
                }
            }
            '"' => {
                cur.push('"');
                for c in chars.by_ref() {
                    cur.push(c);
                    if c == '"' {
                        break;
                    }
                }
            }
            c if c.is_whitespace() || c == '(' || c == ')' || c == ',' => flush(&mut cur, &mut out),
            c => cur.push(c),
        }
    }
    flush(&mut cur, &mut out);
    out
}

/// (byte position, previous name) of each annotation.
fn marks(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find(MARK) {
        let pos = from + at;
        let rest = &text[pos + MARK.len()..];
        let name = match rest.strip_prefix('"') {
            Some(q) => q.split('"').next().unwrap_or_default().to_owned(),
            None => rest
                .split(|c: char| c.is_whitespace() || c == '*' || c == ',' || c == ')')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase(),
        };
        if !name.is_empty() {
            out.push((pos, name));
        }
        from = pos + MARK.len();
    }
    out
}

fn line_of(text: &str, pos: usize) -> &str {
    let start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    &text[start..pos]
}

/// The first identifier of a column line, or `None` for a constraint line.
fn first_identifier(line: &str) -> Option<String> {
    let w = words(line).into_iter().next()?;
    let upper = w.to_ascii_uppercase();
    if [
        "CONSTRAINT",
        "PRIMARY",
        "UNIQUE",
        "CHECK",
        "FOREIGN",
        "EXCLUDE",
        "LIKE",
    ]
    .contains(&upper.as_str())
    {
        return None;
    }
    Some(ident(&w))
}

/// The last `'string'` before `pos`.
fn last_string_before(text: &str, pos: usize) -> Option<String> {
    let before = &text[..pos];
    let end = before.rfind('\'')?;
    let start = before[..end].rfind('\'')?;
    Some(before[start + 1..end].replace("''", "'"))
}

fn ident(w: &str) -> String {
    match w.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
        Some(q) => q.replace("\"\"", "\""),
        None => w.to_ascii_lowercase(),
    }
}

fn qname(w: &str, default_schema: &str) -> QName {
    match split_dot(w) {
        Some((s, n)) => QName::new(ident(s), ident(n)),
        None => QName::new(default_schema, ident(w)),
    }
}

/// `schema.name` split at the dot outside quotes.
fn split_dot(w: &str) -> Option<(&str, &str)> {
    let mut quoted = false;
    for (i, c) in w.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '.' if !quoted => return Some((&w[..i], &w[i + 1..])),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_columns_and_enum_labels() {
        let sql = r#"
            CREATE TABLE users ( -- @renamed from=user_accounts
              id int,
              user_name text, -- @renamed from=username
              "NewName" text /* @renamed from="OldName" */,
              CONSTRAINT u UNIQUE (id) -- @renamed from=old_u
            );
            CREATE TABLE app.t /* @renamed from=old_t */ (a int);
            CREATE TYPE mood AS ENUM ('happy', 'content' /* @renamed from=ok */, 'sad');
            CREATE INDEX new_idx /* @renamed from=old_idx */ ON users (id);
        "#;
        let r = renames(sql, "public");
        assert_eq!(
            r.tables,
            vec![
                (QName::new("public", "users"), "user_accounts".into()),
                (QName::new("app", "t"), "old_t".into())
            ]
        );
        assert_eq!(
            r.columns,
            vec![
                (
                    QName::new("public", "users"),
                    "user_name".into(),
                    "username".into()
                ),
                (
                    QName::new("public", "users"),
                    "NewName".into(),
                    "OldName".into()
                ),
            ]
        );
        assert_eq!(
            r.enum_values,
            vec![(QName::new("public", "mood"), "content".into(), "ok".into())]
        );
    }
}
