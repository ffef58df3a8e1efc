//! Tokens of `.sd` files, ranking expressions and indexing scripts.
//!
//! One token set serves all three languages: identifiers (`[A-Za-z_][A-Za-z0-9_]*`, without
//! dashes: the parser glues `fast-search` or `e5-colbert` back from adjacent tokens), numbers,
//! quoted strings, newlines (which end one-line elements) and single-character punctuation.
//! `#` starts a comment up to the end of the line. Every token records whether whitespace
//! preceded it, so the parser can tell `a-b` from `a - b` and rebuild free text.

/// Token kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tok {
    /// `[A-Za-z_][A-Za-z0-9_]*`
    Ident,
    /// `12`, `0.25`, `1e-5`, `0x1f`, `10L`, `1.5f` (no sign).
    Number,
    /// `"…"` or `'…'` (backslash escapes the next character).
    Str,
    /// Any other single character.
    Punct(char),
    /// `\n`
    Newline,
    /// The end of the input.
    Eof,
}

/// A token: its kind, byte span and 1-based position.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    pub(crate) kind: Tok,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) line: usize,
    pub(crate) col: usize,
    /// Whether whitespace, a comment or a newline separates this token from the previous one.
    pub(crate) space_before: bool,
}

impl Token {
    /// Whether this token is an identifier or a number.
    pub(crate) fn is_wordish(&self) -> bool {
        matches!(self.kind, Tok::Ident | Tok::Number)
    }
}

/// A lexical error (an unterminated string).
#[derive(Debug, Clone)]
pub(crate) struct LexError {
    pub(crate) line: usize,
    pub(crate) col: usize,
    pub(crate) message: String,
}

/// Splits `src` into tokens, ending with one [`Tok::Eof`].
pub(crate) fn tokenize(src: &str) -> Result<Vec<Token>, LexError> {
    Lexer::new(src, false).run()
}

/// Like [`tokenize`], but an unterminated string runs to the end of the input instead of
/// failing.
pub(crate) fn tokenize_lenient(src: &str) -> Vec<Token> {
    Lexer::new(src, true)
        .run()
        .unwrap_or_else(|_| vec![eof_token(src)])
}

fn eof_token(src: &str) -> Token {
    Token {
        kind: Tok::Eof,
        start: src.len(),
        end: src.len(),
        line: 1,
        col: 1,
        space_before: false,
    }
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    line: usize,
    line_start: usize,
    lenient: bool,
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str, lenient: bool) -> Lexer<'a> {
        Lexer {
            src,
            bytes: src.as_bytes(),
            pos: 0,
            line: 1,
            line_start: 0,
            lenient,
        }
    }

    /// The 1-based column of byte offset `at` on the current line, counted in characters.
    fn col(&self, at: usize) -> usize {
        self.src[self.line_start..at].chars().count() + 1
    }

    fn run(mut self) -> Result<Vec<Token>, LexError> {
        let mut out = Vec::with_capacity(self.bytes.len() / 4 + 1);
        let mut space = false;
        loop {
            let Some(&b) = self.bytes.get(self.pos) else {
                out.push(Token {
                    kind: Tok::Eof,
                    start: self.pos,
                    end: self.pos,
                    line: self.line,
                    col: self.col(self.pos),
                    space_before: space,
                });
                return Ok(out);
            };
            match b {
                b' ' | b'\t' | b'\r' | 0x0c => {
                    self.pos += 1;
                    space = true;
                }
                b'#' => {
                    while self.pos < self.bytes.len() && self.bytes[self.pos] != b'\n' {
                        self.pos += 1;
                    }
                    space = true;
                }
                b'\n' => {
                    out.push(Token {
                        kind: Tok::Newline,
                        start: self.pos,
                        end: self.pos + 1,
                        line: self.line,
                        col: self.col(self.pos),
                        space_before: space,
                    });
                    self.pos += 1;
                    self.line += 1;
                    self.line_start = self.pos;
                    space = true;
                }
                _ => {
                    let start = self.pos;
                    let (line, col) = (self.line, self.col(start));
                    let kind = self.one(b)?;
                    out.push(Token {
                        kind,
                        start,
                        end: self.pos,
                        line,
                        col,
                        space_before: space,
                    });
                    space = false;
                }
            }
        }
    }

    /// Lexes one token starting with byte `b` at `self.pos`.
    fn one(&mut self, b: u8) -> Result<Tok, LexError> {
        let bytes = self.bytes;
        if b.is_ascii_alphabetic() || b == b'_' {
            self.pos += 1;
            while self.pos < bytes.len()
                && (bytes[self.pos].is_ascii_alphanumeric() || bytes[self.pos] == b'_')
            {
                self.pos += 1;
            }
            return Ok(Tok::Ident);
        }
        if b.is_ascii_digit() {
            self.number();
            return Ok(Tok::Number);
        }
        if b == b'"' || b == b'\'' {
            return self.string(b);
        }
        let c = self.src[self.pos..].chars().next().unwrap_or('\u{fffd}');
        self.pos += c.len_utf8();
        Ok(Tok::Punct(c))
    }

    fn number(&mut self) {
        let bytes = self.bytes;
        let digits = |p: &mut usize| {
            while *p < bytes.len() && bytes[*p].is_ascii_digit() {
                *p += 1;
            }
        };
        if bytes[self.pos] == b'0'
            && matches!(bytes.get(self.pos + 1), Some(b'x' | b'X'))
            && bytes.get(self.pos + 2).is_some_and(u8::is_ascii_hexdigit)
        {
            self.pos += 2;
            while self.pos < bytes.len() && bytes[self.pos].is_ascii_hexdigit() {
                self.pos += 1;
            }
        } else {
            digits(&mut self.pos);
            if bytes.get(self.pos) == Some(&b'.')
                && bytes.get(self.pos + 1).is_some_and(u8::is_ascii_digit)
            {
                self.pos += 1;
                digits(&mut self.pos);
            }
            if matches!(bytes.get(self.pos), Some(b'e' | b'E')) {
                let mut p = self.pos + 1;
                if matches!(bytes.get(p), Some(b'+' | b'-')) {
                    p += 1;
                }
                if bytes.get(p).is_some_and(u8::is_ascii_digit) {
                    digits(&mut p);
                    self.pos = p;
                }
            }
        }
        if matches!(bytes.get(self.pos), Some(b'l' | b'L' | b'f' | b'F'))
            && !bytes
                .get(self.pos + 1)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        {
            self.pos += 1;
        }
    }

    fn string(&mut self, quote: u8) -> Result<Tok, LexError> {
        let (line, col) = (self.line, self.col(self.pos));
        let bytes = self.bytes;
        let mut p = self.pos + 1;
        while p < bytes.len() {
            match bytes[p] {
                b'\\' => {
                    if bytes.get(p + 1) == Some(&b'\n') {
                        self.line += 1;
                        self.line_start = p + 2;
                    }
                    p += 2;
                }
                b'\n' => {
                    p += 1;
                    self.line += 1;
                    self.line_start = p;
                }
                c if c == quote => {
                    self.pos = p + 1;
                    return Ok(Tok::Str);
                }
                _ => p += 1,
            }
        }
        if self.lenient {
            self.pos = bytes.len();
            return Ok(Tok::Str);
        }
        Err(LexError {
            line,
            col,
            message: "unterminated string literal".to_string(),
        })
    }
}

/// The value of a string token: quotes removed, `\"`, `\'`, `\\`, `\n`, `\t`, `\r` unescaped
/// (other escapes are kept as written).
pub(crate) fn unquote(image: &str) -> String {
    let inner = if image.len() >= 2 {
        &image[1..image.len() - 1]
    } else {
        image.get(1..).unwrap_or("")
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(q @ ('"' | '\'' | '\\')) => out.push(q),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// A string as a double-quoted literal (the inverse of [`unquote`]).
pub(crate) fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Joins tokens into `(text, key)`: `text` has one space wherever the source had whitespace,
/// a comment or a newline between two tokens; `key` has spaces only where two identifiers or
/// numbers would otherwise merge.
pub(crate) fn join_tokens(src: &str, toks: &[Token]) -> (String, String) {
    let mut text = String::new();
    let mut key = String::new();
    let mut prev: Option<&Token> = None;
    for t in toks {
        if matches!(t.kind, Tok::Newline | Tok::Eof) {
            continue;
        }
        let image = &src[t.start..t.end];
        if let Some(p) = prev {
            if t.space_before {
                text.push(' ');
            }
            // Two words the source wrote apart; written together (`2x`), they stay together,
            // or the key would read as two features where the source had one.
            if p.is_wordish() && t.is_wordish() && t.space_before {
                key.push(' ');
            }
        }
        text.push_str(image);
        key.push_str(image);
        prev = Some(t);
    }
    (text, key)
}

/// Normalizes free text (a ranking expression, a tensor literal): comments dropped,
/// whitespace collapsed. Returns `(text, key)` as [`join_tokens`].
pub(crate) fn normalize_free_text(source: &str) -> (String, String) {
    let toks = tokenize_lenient(source);
    join_tokens(source, &toks)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(Tok, String)> {
        tokenize(src)
            .unwrap()
            .iter()
            .map(|t| (t.kind, src[t.start..t.end].to_string()))
            .collect()
    }

    #[test]
    fn numbers_identifiers_and_punctuation() {
        let k = kinds("x[384] 0.25 1e-5 0x1F 10L tensor<float>(t{})");
        let images: Vec<&str> = k.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(
            images,
            [
                "x", "[", "384", "]", "0.25", "1e-5", "0x1F", "10L", "tensor", "<", "float", ">",
                "(", "t", "{", "}", ")", ""
            ]
        );
        assert_eq!(k[4].0, Tok::Number);
    }

    #[test]
    fn comments_and_newlines() {
        let src = "a # comment\nb";
        let t = tokenize(src).unwrap();
        assert_eq!(t[1].kind, Tok::Newline);
        assert_eq!((t[2].line, t[2].col), (2, 1));
        assert!(t[2].space_before);
    }

    #[test]
    fn strings_and_errors() {
        let t = tokenize(r#"'han''s' "a\"b""#).unwrap();
        assert_eq!(t[0].kind, Tok::Str);
        assert_eq!(unquote(r#""a\"b""#), "a\"b");
        let e = tokenize("x\n  \"open").unwrap_err();
        assert_eq!((e.line, e.col), (2, 3));
        assert_eq!(quote("a\"b\\"), r#""a\"b\\""#);
    }

    #[test]
    fn free_text_normalization() {
        let (text, key) = normalize_free_text("  bm25(title) +\n   # c\n bm25(body)  ");
        assert_eq!(text, "bm25(title) + bm25(body)");
        assert_eq!(key, "bm25(title)+bm25(body)");
        assert_eq!(normalize_free_text("a+b").1, normalize_free_text("a + b").1);
        assert_ne!(normalize_free_text("a b").1, normalize_free_text("ab").1);
    }
}
