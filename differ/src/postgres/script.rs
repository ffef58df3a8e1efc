//! Splits a SQL script into top-level statements, the way `psql` sends them one at a time.
//!
//! `.sql` sources run statement by statement, so that a failure can be pinned to its line and
//! statements that refuse transaction blocks (`CREATE INDEX CONCURRENTLY`) still load.
//! Understands `--` and nested `/* */` comments, `'…'` (with `E'…'` backslash escapes),
//! `"…"` identifiers, `$tag$…$tag$` bodies and `BEGIN ATOMIC … END` function bodies.

/// A statement and the byte offset where its text starts in the script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub offset: usize,
    pub text: String,
}

/// The statements of `sql`, trimmed, without their terminating `;`, comment-only pieces
/// dropped.
pub fn split(sql: &str) -> Vec<Statement> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    // Whether the current statement has anything but whitespace and comments.
    let mut has_code = false;
    // Depth of `BEGIN ATOMIC` bodies, where `;` does not end the statement.
    let mut atomic = 0usize;
    let mut prev_word = String::new();
    while i < b.len() {
        let c = b[i];
        match c {
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 0usize;
                while i < b.len() {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                continue;
            }
            b'\'' => {
                has_code = true;
                let backslash =
                    i > 0 && matches!(b[i - 1], b'e' | b'E') && !word_char_before(b, i - 1);
                i += 1;
                while i < b.len() {
                    if backslash && b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if b[i] == b'\'' {
                        if b.get(i + 1) == Some(&b'\'') {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
                prev_word.clear();
                continue;
            }
            b'"' => {
                has_code = true;
                i += 1;
                while i < b.len() {
                    if b[i] == b'"' {
                        if b.get(i + 1) == Some(&b'"') {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
                prev_word.clear();
                continue;
            }
            b'$' if !word_char_before(b, i) => {
                if let Some(tag_len) = dollar_tag(&b[i..]) {
                    has_code = true;
                    let tag = &b[i..i + tag_len];
                    i += tag_len;
                    while i < b.len() && !b[i..].starts_with(tag) {
                        i += 1;
                    }
                    i = (i + tag_len).min(b.len());
                    prev_word.clear();
                    continue;
                }
                has_code = true;
                i += 1;
                continue;
            }
            b';' if atomic == 0 => {
                if has_code {
                    out.push(statement(sql, start, i));
                }
                i += 1;
                start = i;
                has_code = false;
                prev_word.clear();
                continue;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                has_code = true;
                let w0 = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$')
                {
                    i += 1;
                }
                let word = sql[w0..i].to_ascii_lowercase();
                if prev_word == "begin" && word == "atomic" {
                    atomic += 1;
                } else if word == "end" && atomic > 0 {
                    atomic -= 1;
                } else if word == "case" && atomic > 0 {
                    // `CASE … END` inside an atomic body closes with its own END.
                    atomic += 1;
                }
                prev_word = word;
                continue;
            }
            c if !c.is_ascii_whitespace() => has_code = true,
            _ => {}
        }
        i += 1;
    }
    if has_code {
        out.push(statement(sql, start, sql.len()));
    }
    out
}

/// Why `expr` is not one SQL expression that can sit inside `CHECK (…)`, `WHERE …` or an index
/// key's parentheses, or `None` when it is. seadiff writes such expressions into its DDL as
/// given, so one that closes a parenthesis it did not open, ends the statement (`;`), comments
/// out the rest of the line (`--`) or leaves a quote, comment or dollar body open could change
/// what the statement does. Quotes, comments and dollar bodies are read as in [`split`].
pub fn expression_problem(expr: &str) -> Option<String> {
    // Deeper nesting is no real expression, and would exhaust the stack of the recursive
    // readers after this one (the normalizer, the linter's parser).
    const MAX_EXPRESSION_DEPTH: usize = 64;
    let b = expr.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    if expr.trim().is_empty() {
        return Some("the expression is empty".to_owned());
    }
    while i < b.len() {
        match b[i] {
            b'-' if b.get(i + 1) == Some(&b'-') => {
                return Some(
                    "`--` would comment out the rest of the statement; use /* … */".to_owned(),
                );
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut nested = 0usize;
                loop {
                    if i >= b.len() {
                        return Some("a `/*` comment is not closed".to_owned());
                    }
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        nested += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        nested -= 1;
                        i += 2;
                        if nested == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                continue;
            }
            q @ (b'\'' | b'"') => {
                let backslash = q == b'\''
                    && i > 0
                    && matches!(b[i - 1], b'e' | b'E')
                    && !word_char_before(b, i - 1);
                i += 1;
                loop {
                    if i >= b.len() {
                        return Some(if q == b'"' {
                            "a quoted identifier (`\"`) is not closed".to_owned()
                        } else {
                            "a string literal (`'`) is not closed".to_owned()
                        });
                    }
                    if backslash && b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if b[i] == q {
                        if b.get(i + 1) == Some(&q) {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
            }
            b'$' if !word_char_before(b, i) => {
                if let Some(tag_len) = dollar_tag(&b[i..]) {
                    let tag = &b[i..i + tag_len];
                    let body = i + tag_len;
                    match b[body..].windows(tag_len).position(|w| w == tag) {
                        Some(end) => i = body + end + tag_len - 1,
                        None => return Some("a `$…$` quoted body is not closed".to_owned()),
                    }
                }
            }
            b'(' => {
                depth += 1;
                if depth > MAX_EXPRESSION_DEPTH {
                    return Some(format!(
                        "parentheses nested more than {MAX_EXPRESSION_DEPTH} deep"
                    ));
                }
            }
            b')' => {
                if depth == 0 {
                    return Some(
                        "a `)` closes a parenthesis the expression did not open".to_owned(),
                    );
                }
                depth -= 1;
            }
            b';' => return Some("`;` would end the statement".to_owned()),
            _ => {}
        }
        i += 1;
    }
    (depth > 0).then(|| "a `(` is not closed".to_owned())
}

fn statement(sql: &str, start: usize, end: usize) -> Statement {
    let piece = &sql[start..end];
    let lead = piece.len() - piece.trim_start().len();
    Statement {
        offset: start + lead,
        text: piece.trim().to_owned(),
    }
}

fn word_char_before(b: &[u8], i: usize) -> bool {
    i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_' || b[i - 1] == b'$')
}

/// The length of a `$tag$` opener at the start of `b` (`$$` included), or `None` for `$1`
/// and a lone `$`.
fn dollar_tag(b: &[u8]) -> Option<usize> {
    let mut j = 1;
    while j < b.len() && b[j] != b'$' {
        let ok = b[j].is_ascii_alphabetic() || b[j] == b'_' || (j > 1 && b[j].is_ascii_digit());
        if !ok {
            return None;
        }
        j += 1;
    }
    (j < b.len()).then_some(j + 1)
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn splits_at_top_level_semicolons_only() {
        let sql = "CREATE TABLE a (x text DEFAULT 'a;b'); -- c;\n\
                   /* x; /* nested; */ y; */ CREATE TABLE \"b;\" ();\n\
                   CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\n\
                   SELECT E'it\\'s;', $1;\n\
                   CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END;\n\
                   -- only a comment";
        let texts: Vec<String> = split(sql).into_iter().map(|s| s.text).collect();
        assert_eq!(
            texts,
            vec![
                "CREATE TABLE a (x text DEFAULT 'a;b')",
                "-- c;\n/* x; /* nested; */ y; */ CREATE TABLE \"b;\" ()",
                "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql",
                "SELECT E'it\\'s;', $1",
                "CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END",
            ]
        );
    }

    #[test]
    fn expressions_cannot_leave_their_parentheses() {
        use super::expression_problem as p;
        for ok in [
            "price > 0",
            "(a) + (b)",
            "name <> ')' AND x ~ '(;--'",
            "\"we;ird)\" IS NOT NULL",
            "E'it\\'s)' = t",
            "f($x$ ) ; $x$) /* a ) comment */ > 1",
            "$1 > 0",
            &format!("{}1{}", "(".repeat(64), ")".repeat(64)),
        ] {
            assert_eq!(p(ok), None, "{ok}");
        }
        for bad in [
            "1) ; DROP TABLE users; --",
            "x > 0 -- why",
            "x > 0); SELECT (1",
            "(x > 0",
            "'unterminated",
            "\"unterminated",
            "/* open",
            "$q$ open",
            "E'\\'",
            "x; y",
            &format!("{}1{}", "(".repeat(65), ")".repeat(65)),
            "",
            "  ",
        ] {
            assert!(p(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn offsets_point_at_each_statement() {
        let sql = "  CREATE TABLE a ();\n\nCREATE TABLE b ();";
        let parts = split(sql);
        assert_eq!(parts[0].offset, 2);
        assert_eq!(
            &sql[parts[1].offset..parts[1].offset + 14],
            "CREATE TABLE b"
        );
    }
}
