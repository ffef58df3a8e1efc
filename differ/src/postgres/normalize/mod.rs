//! Canonical text for PostgreSQL scalar expressions and type names.
//!
//! The differ compares a *desired* expression (written by people in YAML or rendered by
//! sea-query) with the *live* one printed by PostgreSQL 15's deparser (`pg_get_expr`,
//! `pg_get_indexdef`, `pg_get_constraintdef`). The texts differ even when the meaning is equal
//! (`now()` vs `CURRENT_TIMESTAMP`, `'x'` vs `'x'::character varying`, `a IN (1, 2)` vs
//! `a = ANY (ARRAY[1, 2])`, ...), so both sides are reduced to a canonical string and the
//! strings are compared. Two expressions are "the same" exactly when their canonical strings are
//! equal.
//!
//! # Approach
//!
//! 1. `lex` follows PostgreSQL's lexical rules: identifiers are case-folded (quoted ones kept
//!    verbatim), every flavour of string constant (`'..'`, `E'..'`, `U&'..'`, `$tag$..$tag$`,
//!    `B'..'`, `X'..'`) is decoded, numbers are normalized, comments are dropped.
//! 2. `Parser` is a precedence-climbing parser using the precedence table of the PostgreSQL
//!    manual ("Operator Precedence"). It applies the canonicalization rules while it builds the
//!    tree, through smart constructors (`make_cast`, `make_binary`, `make_in`, `make_call`, ...),
//!    so every node is canonical as soon as it exists.
//! 3. `print_expr` prints the tree with the minimal parentheses that re-parse to the same tree,
//!    so the canonical string is itself valid SQL and canonicalization is idempotent.
//!
//! Input that cannot be parsed falls back to the normalized token stream; nothing panics.
//!
//! # Rules
//!
//! * Whitespace, comments, keyword case and redundant parentheses are irrelevant. Unquoted
//!   identifiers are lower-cased; `"email"` equals `email`; `"Email"`, `"order"` stay quoted.
//! * Qualifiers naming `pg_catalog` or a schema of [`Ctx::search_path`] are dropped from
//!   function, type, collation, operator and sequence (regclass) names.
//! * Casts (`x::t`, `CAST(x AS t)`, typed literals `date '..'`) are one node. A cast of a
//!   literal (or of an `ARRAY[...]` of literals) is dropped, and so is a cast of anything to a
//!   text-like type (`text`, `character varying[(n)]`, `character(n)`, `bpchar`, `name`),
//!   because PostgreSQL inserts those coercions itself; so is a cast to the type the operand
//!   evidently has (`now()::timestamptz`). Implicit numeric widenings that PostgreSQL prints
//!   (`a::numeric > 1.5`, `price * qty::numeric`, `GREATEST(a::numeric, 0.5)`) are dropped as
//!   described on `drop_widening`. Other casts stay, with the type canonicalized by
//!   [`canonical_type`].
//! * Literals: a string holding a plain decimal number is that number (`'-1'` is `-1`), unary
//!   minus folds into numbers, exponents are expanded the way `numeric` does (`1e3` is `1000`).
//!   Strings that spell a boolean (`'t'`, `'true'`, `'yes'`, `'on'`, ...) are booleans where
//!   PostgreSQL may have coerced them to `boolean` (see `booleanize`). String
//!   contents that PostgreSQL re-spells on output are normalized: dates and times
//!   (`'2020-1-2'`, `'10:00'`, midnight timestamps), simple intervals (`'90 minutes'` is
//!   `'01:30:00'`) and JSON documents (jsonb key order and spacing).
//! * `now()`, `transaction_timestamp()` and `CURRENT_TIMESTAMP` are one value; the other SQL
//!   value functions (`CURRENT_DATE`, `LOCALTIMESTAMP`, `CURRENT_USER`, ...) stay distinct.
//! * Operators are rewritten the way the parser rewrites them: `!=` is `<>`, `LIKE` is `~~`
//!   (and friends), `SIMILAR TO` is `~ similar_to_escape(..)`, `IN` lists become `= ANY
//!   (ARRAY[..])` / ORed comparisons exactly as PostgreSQL 15 builds them, `BETWEEN` (also
//!   `NOT` and `SYMMETRIC`) expands into comparisons, `ISNULL` is `IS NULL`, `IS NOT DISTINCT
//!   FROM` is `NOT .. IS DISTINCT FROM`, `AT TIME ZONE` is `timezone(..)`, row equality expands
//!   per column. `AND`/`OR` chains are flattened but their operand order is kept.
//! * SQL-syntax functions become the calls they stand for: `EXTRACT`, `POSITION`, `SUBSTRING`,
//!   `OVERLAY`, and `TRIM` (as `btrim`/`ltrim`/`rtrim`). `CASE .. ELSE NULL END` drops the
//!   `ELSE NULL`.
//!
//! # Deliberate approximations
//!
//! Some equalities are not strictly true but cannot matter for a column default, constraint or
//! index whose types are fixed by the table, while getting them wrong would make the differ
//! re-plan forever: dropped casts (a literal's type comes from its context; a `varchar(n)`
//! cast's truncation is ignored), number-like strings equal numbers (`'1'` is `1`), boolean
//! words equal booleans in comparisons and as whole expressions (a text default `'Y'` equals
//! `'yes'` and `'on'`; `flag IN ('Y', 'N')` equals `flag IN ('t', 'f')`), date/time/interval/JSON strings
//! equal their re-spelled forms, and numeric widenings of integer columns and arithmetic are
//! ignored in comparisons, arithmetic and `coalesce`-like functions (only overflow behaviour
//! differs; for division, `a / b::numeric` equals `a / b`, but a cast next to an integer
//! literal, as in `a::numeric / 3`, is kept).
//!
//! # Known gaps
//!
//! Not recognized as equal: constants re-spelled by types other than those above (jsonpath,
//! ranges, negative, fractional or abbreviated intervals like `'1h'`), special date/time
//! inputs resolved at definition time (`'today'`, `'now'`, `'epoch'`), `'1'`/`'0'` for
//! booleans (they are numbers here), no-op casts of expressions whose type needs the catalog
//! (`created_at::timestamptz`), timestamptz constants printed in a
//! non-UTC session, widening casts of function results (`length(x)::numeric > 1.5`), and a
//! `COLLATE` on an index key (PostgreSQL stores it outside the expression; the caller must
//! compare it separately). Subqueries, window functions, `FILTER` and other syntax that cannot
//! occur in these expressions falls back to the token stream.

// ---------------------------------------------------------------------------------------------
// Public API

/// Context for canonicalization: schemas whose qualifier is dropped (pg_catalog is always dropped).
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

impl Ctx {
    /// Whether a qualifier naming `schema` is implied and therefore dropped.
    fn drops(&self, schema: &str) -> bool {
        schema == "pg_catalog" || self.search_path.iter().any(|s| s == schema)
    }

    /// Removes a leading `schema.` that is implied by the search path.
    fn unqualify(&self, mut parts: Vec<String>) -> Vec<String> {
        if parts.len() == 2 && self.drops(&parts[0]) {
            parts.remove(0);
        }
        parts
    }
}

/// Canonical spelling of a type name as PostgreSQL's format_type() prints it:
/// `varchar(255)`→`character varying(255)`, `int4`/`int`→`integer`, `bool`→`boolean`, `decimal(10, 2)`→`numeric(10,2)`,
/// `timestamptz`→`timestamp with time zone`, `timestamp(3)`→`timestamp(3) without time zone`, `int[]`/`_int4`→`integer[]`,
/// `float8`→`double precision`, `varbit`→`bit varying`, `char`→`character(1)`, `serial`→`integer`, `bigserial`→`bigint`, etc.
/// Unknown names are lower-cased unless quoted; qualifiers in ctx.search_path or pg_catalog are dropped.
pub fn canonical_type(ty: &str, ctx: &Ctx) -> String {
    let toks = lex(ty);
    let mut parser = Parser::new(&toks, ctx);
    match parser.parse_type() {
        Ok(t) if parser.at_end() => t,
        _ => token_stream(&toks),
    }
}

/// Canonical form of a scalar SQL expression (column DEFAULT, CHECK body, index key expression, partial-index predicate,
/// generated-column expression). Equal canonical strings ⇔ the differ treats the expressions as equal. Never panics;
/// on input it cannot parse it falls back to a normalized token stream.
pub fn canonical_expr(expr: &str, ctx: &Ctx) -> String {
    let toks = lex(expr);
    parse_and_print(&toks, ctx).unwrap_or_else(|| token_stream(&toks))
}

/// Convenience: canonical_expr(a) == canonical_expr(b).
pub fn same_expr(a: &str, b: &str, ctx: &Ctx) -> bool {
    canonical_expr(a, ctx) == canonical_expr(b, ctx)
}

/// Longer inputs are not parsed (they fall back to the token stream); keeps recursion bounded.
const MAX_TOKENS: usize = 4096;
/// Maximum nesting of the parser's recursion.
const MAX_PARSE_DEPTH: usize = 200;
/// Maximum depth of a tree that is printed; deeper trees fall back to the token stream.
const MAX_TREE_DEPTH: usize = 400;

fn parse_and_print(toks: &[Tok], ctx: &Ctx) -> Option<String> {
    if toks.len() > MAX_TOKENS {
        return None;
    }
    let mut parser = Parser::new(toks, ctx);
    let expr = booleanize(parser.parse_expr(0).ok()?);
    if !parser.at_end() || !depth_within(&expr, MAX_TREE_DEPTH) {
        return None;
    }
    let mut out = String::new();
    print_expr(&expr, &mut out);
    Some(out)
}

// ---------------------------------------------------------------------------------------------
// Lexer

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// Identifier or keyword; `name` is case-folded unless `quoted`.
    Ident { name: String, quoted: bool },
    /// String constant of any flavour, decoded.
    Str(String),
    /// Numeric constant, normalized by [`normalize_number`].
    Num(String),
    /// Positional parameter such as `$1`.
    Param(String),
    /// Operator; `!=` is already `<>`.
    Op(String),
    /// `(` `)` `[` `]` `,` `;` `.` `:` `::` `:=`
    Punct(&'static str),
    /// Text the lexer cannot make sense of (unterminated quote, stray character, bad escape).
    Bad(String),
}

/// Characters that make up operators.
const OP_CHARS: &str = "~!@#^&|`?+-*/%<>=";
/// PostgreSQL's identifier limit (NAMEDATALEN - 1); longer identifiers are truncated.
const MAX_IDENT_BYTES: usize = 63;

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || !c.is_ascii()
}

fn is_ident_char(c: char) -> bool {
    is_ident_start(c) || c.is_ascii_digit() || c == '$'
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

fn lex(src: &str) -> Vec<Tok> {
    let mut lexer = Lexer {
        s: src.chars().collect(),
        i: 0,
        out: Vec::new(),
    };
    lexer.run();
    lexer.out
}

#[derive(Clone, Copy)]
enum StrKind {
    Plain,
    Escape,
    Unicode,
    Bits,
    Hex,
}

struct Lexer {
    s: Vec<char>,
    i: usize,
    out: Vec<Tok>,
}

impl Lexer {
    fn at(&self, k: usize) -> Option<char> {
        self.s.get(self.i + k).copied()
    }

    fn text(&self, start: usize) -> String {
        self.s[start..self.i].iter().collect()
    }

    /// Records everything from `start` to the end of input as one bad token.
    fn bad_to_end(&mut self, start: usize) {
        self.i = self.s.len();
        self.out.push(Tok::Bad(self.text(start)));
    }

    fn run(&mut self) {
        while let Some(c) = self.at(0) {
            let start = self.i;
            match c {
                _ if is_space(c) => self.i += 1,
                '-' if self.at(1) == Some('-') => {
                    while self.at(0).is_some_and(|c| c != '\n') {
                        self.i += 1;
                    }
                }
                '/' if self.at(1) == Some('*') => self.block_comment(start),
                '\'' => self.string(start, StrKind::Plain),
                '"' => self.quoted_ident(start, false),
                '$' => self.dollar(start),
                ':' => self.colon(),
                '.' if self.at(1).is_some_and(|d| d.is_ascii_digit()) => self.number(start),
                '(' | ')' | '[' | ']' | ',' | ';' | '.' => {
                    self.i += 1;
                    self.out.push(Tok::Punct(match c {
                        '(' => "(",
                        ')' => ")",
                        '[' => "[",
                        ']' => "]",
                        ',' => ",",
                        ';' => ";",
                        _ => ".",
                    }));
                }
                _ if c.is_ascii_digit() => self.number(start),
                _ if is_ident_start(c) => self.word(start),
                _ if OP_CHARS.contains(c) => self.operator(start),
                _ => {
                    self.i += 1;
                    self.out.push(Tok::Bad(c.to_string()));
                }
            }
        }
    }

    /// `/* ... */`, nesting like PostgreSQL.
    fn block_comment(&mut self, start: usize) {
        let mut depth = 0usize;
        while let Some(c) = self.at(0) {
            if c == '/' && self.at(1) == Some('*') {
                depth += 1;
                self.i += 2;
            } else if c == '*' && self.at(1) == Some('/') {
                depth -= 1;
                self.i += 2;
                if depth == 0 {
                    return;
                }
            } else {
                self.i += 1;
            }
        }
        self.bad_to_end(start);
    }

    fn colon(&mut self) {
        let tok = match self.at(1) {
            Some(':') => "::",
            Some('=') => ":=",
            _ => ":",
        };
        self.i += tok.len();
        self.out.push(Tok::Punct(tok));
    }

    fn number(&mut self, start: usize) {
        self.skip_digits();
        if self.at(0) == Some('.') && self.at(1) != Some('.') {
            self.i += 1;
            self.skip_digits();
        }
        if matches!(self.at(0), Some('e' | 'E')) {
            let sign = usize::from(matches!(self.at(1), Some('+' | '-')));
            if self.at(1 + sign).is_some_and(|c| c.is_ascii_digit()) {
                self.i += 1 + sign;
                self.skip_digits();
            }
        }
        self.out.push(Tok::Num(normalize_number(&self.text(start))));
    }

    fn skip_digits(&mut self) {
        while self.at(0).is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
    }

    /// Identifier, keyword, or a prefixed string (`E'..'`, `B'..'`, `X'..'`, `N'..'`, `U&'..'`).
    fn word(&mut self, start: usize) {
        let lower = self.at(0).map(|c| c.to_ascii_lowercase());
        let kind = match (lower, self.at(1), self.at(2)) {
            (Some('e'), Some('\''), _) => Some((1, StrKind::Escape)),
            (Some('b'), Some('\''), _) => Some((1, StrKind::Bits)),
            (Some('x'), Some('\''), _) => Some((1, StrKind::Hex)),
            (Some('n'), Some('\''), _) => Some((1, StrKind::Plain)),
            (Some('u'), Some('&'), Some('\'')) => Some((2, StrKind::Unicode)),
            (Some('u'), Some('&'), Some('"')) => {
                self.i += 2;
                return self.quoted_ident(start, true);
            }
            _ => None,
        };
        if let Some((skip, kind)) = kind {
            self.i += skip;
            return self.string(start, kind);
        }
        while self.at(0).is_some_and(is_ident_char) {
            self.i += 1;
        }
        let name = truncate_ident(self.text(start).to_ascii_lowercase());
        self.out.push(Tok::Ident {
            name,
            quoted: false,
        });
    }

    /// A single-quoted constant starting at the quote under `self.i`, including continuation
    /// segments (`'a'` newline `'b'` is `'ab'`).
    fn string(&mut self, start: usize, kind: StrKind) {
        let mut body = String::new();
        loop {
            self.i += 1;
            loop {
                match self.at(0) {
                    None => return self.bad_to_end(start),
                    Some('\'') if self.at(1) == Some('\'') => {
                        body.push('\'');
                        self.i += 2;
                    }
                    Some('\'') => {
                        self.i += 1;
                        break;
                    }
                    Some('\\') if matches!(kind, StrKind::Escape) => {
                        body.push('\\');
                        self.i += 1;
                        match self.at(0) {
                            None => return self.bad_to_end(start),
                            Some(c) => body.push(c),
                        }
                        self.i += 1;
                    }
                    Some(c) => {
                        body.push(c);
                        self.i += 1;
                    }
                }
            }
            if !self.continues_string() {
                break;
            }
        }
        let value = match kind {
            StrKind::Plain => Some(body),
            StrKind::Escape => decode_backslash_escapes(&body),
            StrKind::Unicode => decode_unicode_escapes(&body),
            StrKind::Bits => body.chars().all(|c| c == '0' || c == '1').then_some(body),
            StrKind::Hex => hex_to_bits(&body),
        };
        match value {
            Some(v) if !v.contains('\0') => self.out.push(Tok::Str(v)),
            _ => self.out.push(Tok::Bad(self.text(start))),
        }
    }

    /// After a closing quote: whitespace containing a newline followed by another quote
    /// continues the same constant. Moves to that quote when it does.
    fn continues_string(&mut self) -> bool {
        let mut j = self.i;
        let mut newline = false;
        while let Some(&c) = self.s.get(j).filter(|c| is_space(**c)) {
            newline |= c == '\n' || c == '\r';
            j += 1;
        }
        if newline && self.s.get(j) == Some(&'\'') {
            self.i = j;
            true
        } else {
            false
        }
    }

    fn quoted_ident(&mut self, start: usize, unicode: bool) {
        self.i += 1;
        let mut name = String::new();
        loop {
            match self.at(0) {
                None => return self.bad_to_end(start),
                Some('"') if self.at(1) == Some('"') => {
                    name.push('"');
                    self.i += 2;
                }
                Some('"') => {
                    self.i += 1;
                    break;
                }
                Some(c) => {
                    name.push(c);
                    self.i += 1;
                }
            }
        }
        let name = if unicode {
            decode_unicode_escapes(&name)
        } else {
            Some(name)
        };
        match name {
            Some(n) if !n.is_empty() && !n.contains('\0') => {
                self.out.push(Tok::Ident {
                    name: truncate_ident(n),
                    quoted: true,
                });
            }
            _ => self.out.push(Tok::Bad(self.text(start))),
        }
    }

    /// `$1` parameters and `$tag$ ... $tag$` strings.
    fn dollar(&mut self, start: usize) {
        if self.at(1).is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
            self.skip_digits();
            return self.out.push(Tok::Param(self.text(start)));
        }
        let mut j = self.i + 1;
        if self.s.get(j).is_some_and(|c| is_ident_start(*c)) {
            while self
                .s
                .get(j)
                .is_some_and(|c| is_ident_start(*c) || c.is_ascii_digit())
            {
                j += 1;
            }
        }
        if self.s.get(j) != Some(&'$') {
            self.i += 1;
            return self.out.push(Tok::Bad("$".to_owned()));
        }
        let tag = &self.s[self.i..=j];
        let body_start = j + 1;
        let close = (body_start..self.s.len()).find(|&k| self.s[k..].starts_with(tag));
        match close {
            Some(k) => {
                let body = self.s[body_start..k].iter().collect();
                self.i = k + tag.len();
                self.out.push(Tok::Str(body));
            }
            None => self.bad_to_end(start),
        }
    }

    /// Operators follow PostgreSQL's rules: the longest run of operator characters, cut before
    /// an embedded comment start, and without trailing `+`/`-` unless the operator contains one
    /// of `~ ! @ # ^ & | ` ? %` (so `a+-1` is `a + -1`).
    fn operator(&mut self, start: usize) {
        let mut end = start;
        while self.s.get(end).is_some_and(|c| OP_CHARS.contains(*c)) {
            end += 1;
        }
        let mut op: Vec<char> = self.s[start..end].to_vec();
        if let Some(k) = (1..op.len())
            .find(|&k| matches!((op[k], op.get(k + 1)), ('-', Some('-')) | ('/', Some('*'))))
        {
            op.truncate(k);
        }
        let special = |c: &char| "~!@#^&|`?%".contains(*c);
        if op.len() > 1 && matches!(op.last(), Some('+' | '-')) && !op.iter().any(special) {
            while op.len() > 1 && matches!(op.last(), Some('+' | '-')) {
                op.pop();
            }
        }
        self.i = start + op.len();
        let text: String = op.into_iter().collect();
        self.out
            .push(Tok::Op(if text == "!=" { "<>".to_owned() } else { text }));
    }
}

fn truncate_ident(mut name: String) -> String {
    if name.len() > MAX_IDENT_BYTES {
        let mut cut = MAX_IDENT_BYTES;
        while !name.is_char_boundary(cut) {
            cut -= 1;
        }
        name.truncate(cut);
    }
    name
}

fn hex_value(chars: &[char]) -> Option<u32> {
    chars
        .iter()
        .try_fold(0u32, |acc, c| Some(acc * 16 + c.to_digit(16)?))
}

/// Decodes the backslash escapes of an `E'...'` constant. Byte escapes outside ASCII are
/// rejected (they would need the server encoding).
fn decode_backslash_escapes(body: &str) -> Option<String> {
    let cs: Vec<char> = body.chars().collect();
    let mut out = String::new();
    let mut k = 0;
    while k < cs.len() {
        let c = cs[k];
        k += 1;
        if c != '\\' {
            out.push(c);
            continue;
        }
        let e = *cs.get(k)?;
        k += 1;
        match e {
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            '0'..='7' => {
                let n = cs[k..].iter().take(2).take_while(|c| c.is_digit(8)).count();
                let value = cs[k - 1..k + n]
                    .iter()
                    .try_fold(0u32, |acc, c| Some(acc * 8 + c.to_digit(8)?))?;
                k += n;
                out.push(char::from_u32(value).filter(char::is_ascii)?);
            }
            'x' => {
                let n = cs[k..]
                    .iter()
                    .take(2)
                    .take_while(|c| c.is_ascii_hexdigit())
                    .count();
                if n == 0 {
                    out.push('x');
                } else {
                    out.push(char::from_u32(hex_value(&cs[k..k + n])?).filter(char::is_ascii)?);
                    k += n;
                }
            }
            'u' | 'U' => {
                let n = if e == 'u' { 4 } else { 8 };
                let (ch, used) = unicode_escape(&cs, k, n, "\\u")?;
                out.push(ch);
                k += used;
            }
            other => out.push(other),
        }
    }
    Some(out)
}

/// Reads `n` hex digits at `cs[k..]` as a code point; a high surrogate must be followed by
/// `pair_prefix` and a low surrogate. Returns the character and the number of chars consumed.
fn unicode_escape(cs: &[char], k: usize, n: usize, pair_prefix: &str) -> Option<(char, usize)> {
    let digits = cs.get(k..k + n)?;
    let code = hex_value(digits)?;
    if !(0xD800..0xDC00).contains(&code) {
        return Some((char::from_u32(code)?, n));
    }
    let prefix: Vec<char> = pair_prefix.chars().collect();
    let low_start = k + n + prefix.len();
    if cs.get(k + n..low_start)? != prefix.as_slice() {
        return None;
    }
    let low = hex_value(cs.get(low_start..low_start + 4)?)?;
    if !(0xDC00..0xE000).contains(&low) {
        return None;
    }
    let ch = char::from_u32(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))?;
    Some((ch, n + prefix.len() + 4))
}

/// Decodes `U&'...'` / `U&"..."` escapes (`\XXXX`, `\+XXXXXX`, `\\`).
fn decode_unicode_escapes(body: &str) -> Option<String> {
    let cs: Vec<char> = body.chars().collect();
    let mut out = String::new();
    let mut k = 0;
    while k < cs.len() {
        let c = cs[k];
        k += 1;
        if c != '\\' {
            out.push(c);
            continue;
        }
        match cs.get(k)? {
            '\\' => {
                out.push('\\');
                k += 1;
            }
            '+' => {
                let (ch, used) = unicode_escape(&cs, k + 1, 6, "\\+")?;
                out.push(ch);
                k += 1 + used;
            }
            _ => {
                let (ch, used) = unicode_escape(&cs, k, 4, "\\")?;
                out.push(ch);
                k += used;
            }
        }
    }
    Some(out)
}

fn hex_to_bits(body: &str) -> Option<String> {
    body.chars()
        .map(|c| c.to_digit(16).map(|d| format!("{d:04b}")))
        .collect()
}

/// Re-spells a numeric constant the way `numeric` prints it: leading zeros removed, exponent
/// expanded with the display scale `max(0, fraction digits - exponent)` (`1.50e1` is `15.0`,
/// `.5` is `0.5`, `5.` is `5`). Exponents beyond ±1000 are left as written.
fn normalize_number(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let (mantissa, exp) = match lower.split_once('e') {
        Some((m, e)) => match e.parse::<i64>() {
            Ok(e) if e.abs() <= 1000 => (m, e),
            _ => return lower,
        },
        None => (lower.as_str(), 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{int}{frac}");
    let point = int.len() as i64 + exp;
    let (int_part, frac_part) = if point <= 0 {
        (
            "0".to_owned(),
            format!("{}{digits}", "0".repeat(point.unsigned_abs() as usize)),
        )
    } else if point as usize >= digits.len() {
        (
            format!("{digits}{}", "0".repeat(point as usize - digits.len())),
            String::new(),
        )
    } else {
        let (i, f) = digits.split_at(point as usize);
        (i.to_owned(), f.to_owned())
    };
    let int_part = match int_part.trim_start_matches('0') {
        "" => "0",
        trimmed => trimmed,
    };
    if frac_part.is_empty() {
        int_part.to_owned()
    } else {
        format!("{int_part}.{frac_part}")
    }
}

/// Fallback rendering: tokens re-printed in normalized form, separated by single spaces except
/// inside brackets, before commas and around qualified names.
fn token_stream(toks: &[Tok]) -> String {
    let mut out = String::new();
    for (i, tok) in toks.iter().enumerate() {
        if let Some(prev) = i.checked_sub(1).map(|p| &toks[p]) {
            let glued = matches!(prev, Tok::Punct("(" | "["))
                || matches!(tok, Tok::Punct(")" | "]" | ","))
                || matches!((prev, tok), (Tok::Ident { .. }, Tok::Punct("(" | ".")))
                || matches!((prev, tok), (Tok::Punct("."), Tok::Ident { .. }))
                || matches!((prev, tok), (Tok::Punct("."), Tok::Op(op)) if op == "*");
            if !glued {
                out.push(' ');
            }
        }
        match tok {
            Tok::Ident { name, quoted: true } => out.push_str(&quote_ident(name)),
            Tok::Str(s) => out.push_str(&quote_literal(s)),
            Tok::Ident { name: text, .. }
            | Tok::Num(text)
            | Tok::Param(text)
            | Tok::Op(text)
            | Tok::Bad(text) => {
                out.push_str(text);
            }
            Tok::Punct(p) => out.push_str(p),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Syntax tree

#[derive(Debug, Clone)]
enum Expr {
    Null,
    Bool(bool),
    /// Normalized number, possibly with a leading `-`.
    Num(String),
    Str(String),
    Param(String),
    /// Column reference, possibly qualified (`t.c`, `t.*`).
    Col(Vec<String>),
    /// `CURRENT_DATE`, `CURRENT_TIMESTAMP(3)`, ...
    SqlValue(&'static str, Option<String>),
    /// Operand and canonical type name.
    Cast(Box<Expr>, String),
    /// Operand and canonical collation name.
    Collate(Box<Expr>, String),
    /// Prefix operator.
    Unary(String, Box<Expr>),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Binary(String, Box<Expr>, Box<Expr>),
    /// `lhs op ANY (rhs)` or `lhs op ALL (rhs)`.
    Quantified {
        op: String,
        all: bool,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `expr IS <test>` where test is `NULL`, `NOT NULL`, `TRUE`, `NOT TRUE`, ...
    Is(Box<Expr>, &'static str),
    /// `a IS DISTINCT FROM b`.
    Distinct(Box<Expr>, Box<Expr>),
    Func(Box<Call>),
    Case {
        arg: Option<Box<Expr>>,
        whens: Vec<(Expr, Expr)>,
        els: Option<Box<Expr>>,
    },
    Array(Vec<Expr>),
    Row(Vec<Expr>),
    /// Subscripts and field selections applied to an expression.
    Indirection(Box<Expr>, Vec<Ind>),
    /// `(SELECT ...)`, kept as its normalized token stream.
    Subquery(String),
    /// `EXISTS (SELECT ...)`.
    Exists(String),
    /// `ARRAY(SELECT ...)`.
    ArraySubquery(String),
}

#[derive(Debug, Clone)]
struct Call {
    name: Vec<String>,
    args: Vec<Arg>,
    star: bool,
    distinct: bool,
    /// Aggregate `ORDER BY` items with their canonical direction suffix (`""`, `" DESC"`, ...).
    order_by: Vec<(Expr, &'static str)>,
}

#[derive(Debug, Clone)]
struct Arg {
    name: Option<String>,
    variadic: bool,
    value: Expr,
}

#[derive(Debug, Clone)]
enum Ind {
    Field(String),
    Star,
    Subscript {
        lower: Option<Expr>,
        upper: Option<Expr>,
        slice: bool,
    },
}

impl Expr {
    fn children(&self) -> Vec<&Expr> {
        match self {
            Expr::Null
            | Expr::Bool(_)
            | Expr::Num(_)
            | Expr::Str(_)
            | Expr::Param(_)
            | Expr::Col(_)
            | Expr::SqlValue(..)
            | Expr::Subquery(_)
            | Expr::Exists(_)
            | Expr::ArraySubquery(_) => Vec::new(),
            Expr::Cast(e, _)
            | Expr::Collate(e, _)
            | Expr::Unary(_, e)
            | Expr::Not(e)
            | Expr::Is(e, _) => vec![e],
            Expr::And(v) | Expr::Or(v) | Expr::Array(v) | Expr::Row(v) => v.iter().collect(),
            Expr::Binary(_, l, r)
            | Expr::Distinct(l, r)
            | Expr::Quantified { lhs: l, rhs: r, .. } => vec![l, r],
            Expr::Func(call) => call
                .args
                .iter()
                .map(|a| &a.value)
                .chain(call.order_by.iter().map(|(e, _)| e))
                .collect(),
            Expr::Case { arg, whens, els } => {
                let mut v: Vec<&Expr> = arg.iter().map(|b| &**b).collect();
                v.extend(whens.iter().flat_map(|(w, t)| [w, t]));
                v.extend(els.iter().map(|b| &**b));
                v
            }
            Expr::Indirection(base, inds) => {
                let mut v = vec![&**base];
                for ind in inds {
                    if let Ind::Subscript { lower, upper, .. } = ind {
                        v.extend(lower.iter().chain(upper.iter()));
                    }
                }
                v
            }
        }
    }

    fn contains_column(&self) -> bool {
        matches!(self, Expr::Col(_)) || self.children().into_iter().any(Expr::contains_column)
    }

    /// Constants in the sense of the cast rule: literals and arrays of literals.
    fn is_literal(&self) -> bool {
        match self {
            Expr::Null | Expr::Bool(_) | Expr::Num(_) | Expr::Str(_) => true,
            Expr::Array(items) => items.iter().all(Expr::is_literal),
            _ => false,
        }
    }
}

fn depth_within(e: &Expr, limit: usize) -> bool {
    limit > 0 && e.children().into_iter().all(|c| depth_within(c, limit - 1))
}

// ---------------------------------------------------------------------------------------------
// Canonical constructors (no context needed)

/// A string constant, with the contents PostgreSQL would re-spell normalized.
fn string_literal(s: String) -> Expr {
    if is_plain_number(&s) {
        return Expr::Num(s);
    }
    match datetime_text(&s)
        .or_else(|| interval_text(&s))
        .or_else(|| json_text(&s))
    {
        Some(t) => Expr::Str(t),
        None => Expr::Str(s),
    }
}

/// A string that spells a boolean becomes that boolean where PostgreSQL may have coerced it
/// to `boolean`: as the whole expression (a `boolean` column's `DEFAULT 'N'` prints as
/// `false`), as a comparison operand (`flag = 't'`), as an `IS DISTINCT FROM` operand, cast
/// to `boolean`, or in an array or `IN` list made only of such strings. Elsewhere (`data ->>
/// 'y'`, function arguments) it stays a string.
fn booleanize(e: Expr) -> Expr {
    match e {
        Expr::Str(s) => match bool_word(&s) {
            Some(b) => Expr::Bool(b),
            None => Expr::Str(s),
        },
        Expr::Array(items)
            if items
                .iter()
                .all(|i| matches!(i, Expr::Str(s) if bool_word(s).is_some())) =>
        {
            Expr::Array(items.into_iter().map(booleanize).collect())
        }
        other => other,
    }
}

/// Spellings of booleans accepted by `boolin`. Prefixes such as `'tr'` are not included, and
/// `'1'`/`'0'` are numbers.
fn bool_word(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "t" | "true" | "y" | "yes" | "on" => Some(true),
        "f" | "false" | "n" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?`, excluding negative zero: the way PostgreSQL prints numbers.
fn is_plain_number(s: &str) -> bool {
    let unsigned = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match unsigned.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (unsigned, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    digits(int)
        && (int == "0" || !int.starts_with('0'))
        && frac.is_none_or(digits)
        && !(s.starts_with('-') && is_zero(unsigned))
}

fn is_zero(number: &str) -> bool {
    number.bytes().all(|b| b == b'0' || b == b'.')
}

/// Unary minus; folds into number literals (`- 1` is `-1`, `-0` is `0`).
fn negate(e: Expr) -> Expr {
    match e {
        Expr::Num(n) => Expr::Num(match n.strip_prefix('-') {
            Some(positive) => positive.to_owned(),
            None if is_zero(&n) => n,
            None => format!("-{n}"),
        }),
        other => Expr::Unary("-".to_owned(), Box::new(other)),
    }
}

fn make_and(l: Expr, r: Expr) -> Expr {
    let mut items = match l {
        Expr::And(v) => v,
        e => vec![e],
    };
    match r {
        Expr::And(v) => items.extend(v),
        e => items.push(e),
    }
    Expr::And(items)
}

fn make_or(l: Expr, r: Expr) -> Expr {
    let mut items = match l {
        Expr::Or(v) => v,
        e => vec![e],
    };
    match r {
        Expr::Or(v) => items.extend(v),
        e => items.push(e),
    }
    Expr::Or(items)
}

fn is_comparison(op: &str) -> bool {
    matches!(op, "=" | "<>" | "<" | ">" | "<=" | ">=")
}

/// Binary operator node. Row equality expands per column (`(a, b) = (1, 2)` is
/// `a = 1 AND b = 2`, `<>` gives an OR), as PostgreSQL does.
fn make_binary(op: String, l: Expr, r: Expr) -> Expr {
    if let (Expr::Row(a), Expr::Row(b)) = (&l, &r)
        && (op == "=" || op == "<>")
        && a.len() == b.len()
        && !a.is_empty()
    {
        let pairs = a
            .iter()
            .cloned()
            .zip(b.iter().cloned())
            .map(|(x, y)| make_binary(op.clone(), x, y));
        let combine: fn(Expr, Expr) -> Expr = if op == "=" { make_and } else { make_or };
        return pairs.reduce(combine).unwrap_or(Expr::Null);
    }
    let (l, r) = if is_comparison(&op) {
        (booleanize(l), booleanize(r))
    } else {
        (l, r)
    };
    let l = drop_widening(&op, l, &r);
    let r = drop_widening(&op, r, &l);
    Expr::Binary(op, Box::new(l), Box::new(r))
}

/// The casts PostgreSQL inserts to widen integer operands.
const NUMERIC_WIDENINGS: &[&str] = &["numeric", "double precision"];

/// PostgreSQL prints the implicit numeric widenings it inserts when integer expressions meet
/// numeric or float operands (`a::numeric > 1.5`, `price / qty::numeric`,
/// `a::double precision ^ 2`); written forms do not contain them. Such a cast on `side` is
/// dropped (see `strip_widening`) when, given the operator and the `other` operand, PostgreSQL
/// could have inserted it:
/// * comparisons and `+ - *`: always (exact widening; only overflow behaviour differs);
/// * `/ %`: unless the other operand is an integer literal (then the cast was written on
///   purpose to avoid integer division, as in `a::numeric / 3`);
/// * `^`: `double precision` casts when the other operand is a number literal.
fn drop_widening(op: &str, side: Expr, other: &Expr) -> Expr {
    let other_integer = matches!(other, Expr::Num(n) if !n.contains('.'));
    let targets: &[&str] = match op {
        _ if is_comparison(op) => NUMERIC_WIDENINGS,
        "+" | "-" | "*" => NUMERIC_WIDENINGS,
        "/" | "%" if !other_integer => NUMERIC_WIDENINGS,
        "^" if matches!(other, Expr::Num(_)) => &["double precision"],
        _ => &[],
    };
    strip_widening(side, targets)
}

/// Removes a cast to one of `targets` from an operand that can be an integer expression (a
/// column, parameter or arithmetic; a cast of `data ->> 'k'` or of a function result is kept,
/// because that operand may be text).
fn strip_widening(side: Expr, targets: &[&str]) -> Expr {
    match side {
        Expr::Cast(inner, ty) if targets.contains(&ty.as_str()) && may_be_integer(&inner) => *inner,
        other => other,
    }
}

fn may_be_integer(e: &Expr) -> bool {
    match e {
        Expr::Col(_) | Expr::Param(_) | Expr::Unary(..) => true,
        Expr::Binary(op, ..) => matches!(op.as_str(), "+" | "-" | "*" | "/" | "%" | "^"),
        _ => false,
    }
}

/// The type of expressions whose type is evident without a catalog, used to drop casts to the
/// type an expression already has (PostgreSQL does not store those).
fn evident_type(e: &Expr) -> Option<&str> {
    match e {
        Expr::Cast(_, ty) => Some(ty),
        Expr::SqlValue(name, _) => match *name {
            "CURRENT_TIMESTAMP" => Some("timestamp with time zone"),
            "LOCALTIMESTAMP" => Some("timestamp without time zone"),
            "CURRENT_DATE" => Some("date"),
            "CURRENT_TIME" => Some("time with time zone"),
            "LOCALTIME" => Some("time without time zone"),
            _ => None,
        },
        Expr::Func(call) => match (call.name.as_slice(), call.args.as_slice()) {
            ([name], [_, arg]) if name == "timezone" => match evident_type(&arg.value)? {
                "timestamp with time zone" => Some("timestamp without time zone"),
                "timestamp without time zone" => Some("timestamp with time zone"),
                _ => None,
            },
            ([name], []) if name == "statement_timestamp" || name == "clock_timestamp" => {
                Some("timestamp with time zone")
            }
            ([name], []) if name == "gen_random_uuid" => Some("uuid"),
            _ => None,
        },
        Expr::Binary(op, ..) if is_comparison(op) => Some("boolean"),
        Expr::Not(_)
        | Expr::And(_)
        | Expr::Or(_)
        | Expr::Is(..)
        | Expr::Distinct(..)
        | Expr::Quantified { .. } => Some("boolean"),
        _ => None,
    }
}

fn make_quantified(op: String, all: bool, lhs: Expr, rhs: Expr) -> Expr {
    let (lhs, rhs) = if is_comparison(&op) {
        (strip_widening(lhs, NUMERIC_WIDENINGS), booleanize(rhs))
    } else {
        (lhs, rhs)
    };
    Expr::Quantified {
        op,
        all,
        lhs: Box::new(lhs),
        rhs: Box::new(rhs),
    }
}

/// `x [NOT] IN (items)` built exactly like PostgreSQL 15's `transformAExprIn`: when more than
/// one item contains no column reference, those items become `x = ANY (ARRAY[..])` (`<> ALL`
/// for NOT IN), and the remaining items become individual comparisons, combined with OR (AND
/// for NOT IN) in their original order. A row on the left always uses comparisons.
fn make_in(lhs: Expr, items: Vec<Expr>, negated: bool) -> Expr {
    let op = if negated { "<>" } else { "=" };
    let combine: fn(Expr, Expr) -> Expr = if negated { make_and } else { make_or };
    let constants = items.iter().filter(|e| !e.contains_column()).count();
    let mut parts = Vec::new();
    let rest = if constants > 1 && !matches!(lhs, Expr::Row(_)) {
        let (consts, vars): (Vec<Expr>, Vec<Expr>) =
            items.into_iter().partition(|e| !e.contains_column());
        parts.push(make_quantified(
            op.to_owned(),
            negated,
            lhs.clone(),
            Expr::Array(consts),
        ));
        vars
    } else {
        items
    };
    parts.extend(
        rest.into_iter()
            .map(|item| make_binary(op.to_owned(), lhs.clone(), item)),
    );
    parts.into_iter().reduce(combine).unwrap_or(Expr::Null)
}

/// `BETWEEN` and its variants, expanded as PostgreSQL 15 expands them.
fn make_between(x: Expr, lo: Expr, hi: Expr, negated: bool, symmetric: bool) -> Expr {
    let cmp = |op: &str, a: &Expr, b: &Expr| make_binary(op.to_owned(), a.clone(), b.clone());
    let inside = |lo: &Expr, hi: &Expr| make_and(cmp(">=", &x, lo), cmp("<=", &x, hi));
    let outside = |lo: &Expr, hi: &Expr| make_or(cmp("<", &x, lo), cmp(">", &x, hi));
    match (negated, symmetric) {
        (false, false) => inside(&lo, &hi),
        (true, false) => outside(&lo, &hi),
        (false, true) => make_or(inside(&lo, &hi), inside(&hi, &lo)),
        (true, true) => make_and(outside(&lo, &hi), outside(&hi, &lo)),
    }
}

fn plain_call(name: &str, args: Vec<Expr>) -> Expr {
    Expr::Func(Box::new(Call {
        name: vec![name.to_owned()],
        args: args
            .into_iter()
            .map(|value| Arg {
                name: None,
                variadic: false,
                value,
            })
            .collect(),
        star: false,
        distinct: false,
        order_by: Vec::new(),
    }))
}

fn is_text_like(ty: &str) -> bool {
    matches!(ty, "text" | "bpchar" | "name")
        || ((ty.starts_with("character varying") || ty.starts_with("character("))
            && !ty.ends_with("[]"))
}

/// The unit of an `interval <unit>` type (`interval day`, `interval second(3)`), if single.
fn interval_unit(ty: &str) -> Option<&str> {
    let unit = ty.strip_prefix("interval ")?;
    let unit = unit.split('(').next().unwrap_or(unit);
    matches!(
        unit,
        "year" | "month" | "day" | "hour" | "minute" | "second"
    )
    .then_some(unit)
}

// ---------------------------------------------------------------------------------------------
// Literal contents that PostgreSQL re-spells

/// Dates and times as the date/time output functions print them: `YYYY-MM-DD`, `HH:MM:SS[.f]`,
/// a midnight timestamp is its date, and a UTC offset of `+00` (the reading session is assumed
/// to use UTC) is dropped.
fn datetime_text(s: &str) -> Option<String> {
    let Some((date, rest)) = split_date(s) else {
        return time_text(s);
    };
    if rest.is_empty() {
        return Some(date);
    }
    let t = rest.strip_prefix([' ', 'T'])?;
    let t = t
        .strip_suffix("+00:00")
        .or_else(|| t.strip_suffix("+00"))
        .or_else(|| t.strip_suffix('Z'))
        .unwrap_or(t);
    let time = time_text(t)?;
    Some(if time == "00:00:00" {
        date
    } else {
        format!("{date} {time}")
    })
}

/// `YYYY-M-D` at the start of `s`, zero-padded, and the remainder.
fn split_date(s: &str) -> Option<(String, &str)> {
    let mut fields = Vec::new();
    let mut rest = s;
    for (i, width) in [(0, 4..=4), (1, 1..=2), (2, 1..=2)] {
        if i > 0 {
            rest = rest.strip_prefix('-')?;
        }
        let n = rest.bytes().take_while(u8::is_ascii_digit).count();
        if !width.contains(&n) {
            return None;
        }
        fields.push(rest[..n].parse::<u32>().ok()?);
        rest = &rest[n..];
    }
    let valid = (1..=12).contains(&fields[1]) && (1..=31).contains(&fields[2]);
    valid.then(|| {
        (
            format!("{:04}-{:02}-{:02}", fields[0], fields[1], fields[2]),
            rest,
        )
    })
}

/// `H:MM[:SS[.fff]]` as `HH:MM:SS[.fff]` with trailing fraction zeros removed.
fn time_text(t: &str) -> Option<String> {
    let (hms, frac) = t.split_once('.').unwrap_or((t, ""));
    let parts: Vec<&str> = hms.split(':').collect();
    if !(2..=3).contains(&parts.len()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut nums = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        let ok_len = if i == 0 {
            (1..=2).contains(&p.len())
        } else {
            p.len() == 2
        };
        if !ok_len || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        nums.push(p.parse::<u32>().ok()?);
    }
    let (h, m, sec) = (nums[0], nums[1], nums.get(2).copied().unwrap_or(0));
    if m > 59 || sec > 60 || (parts.len() == 2 && !frac.is_empty()) {
        return None;
    }
    let frac = frac.trim_end_matches('0');
    let frac = if frac.is_empty() {
        String::new()
    } else {
        format!(".{frac}")
    };
    Some(format!("{h:02}:{m:02}:{sec:02}{frac}"))
}

/// Simple intervals (`N unit` pairs with non-negative integers) as `interval_out` prints them:
/// `'90 minutes'` is `'01:30:00'`, `'1 week'` is `'7 days'`, `'2 months'` is `'2 mons'`.
fn interval_text(s: &str) -> Option<String> {
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.is_empty() || !words.len().is_multiple_of(2) {
        return None;
    }
    let (mut months, mut days, mut secs) = (0u64, 0u64, 0u64);
    for pair in words.chunks(2) {
        if pair[0].len() > 9 || !pair[0].bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u64 = pair[0].parse().ok()?;
        let (slot, factor) = match pair[1].to_ascii_lowercase().as_str() {
            "year" | "years" | "yr" | "yrs" => (&mut months, 12),
            "month" | "months" | "mon" | "mons" => (&mut months, 1),
            "week" | "weeks" => (&mut days, 7),
            "day" | "days" => (&mut days, 1),
            "hour" | "hours" | "hr" | "hrs" => (&mut secs, 3600),
            "minute" | "minutes" | "min" | "mins" => (&mut secs, 60),
            "second" | "seconds" | "sec" | "secs" => (&mut secs, 1),
            _ => return None,
        };
        *slot = slot.checked_add(n * factor)?;
    }
    let plural = |n: u64, one: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {one}s")
        }
    };
    let mut parts = Vec::new();
    if months >= 12 {
        parts.push(plural(months / 12, "year"));
    }
    if months % 12 > 0 {
        parts.push(plural(months % 12, "mon"));
    }
    if days > 0 {
        parts.push(plural(days, "day"));
    }
    if secs > 0 || parts.is_empty() {
        parts.push(format!(
            "{:02}:{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        ));
    }
    Some(parts.join(" "))
}

/// JSON objects and arrays as `jsonb` prints them: keys sorted by length then bytes, duplicate
/// keys resolved to the last value, `", "` and `": "` separators, numbers as `numeric` prints
/// them. (`json` keeps its text verbatim; normalizing both sides anyway is harmless.)
fn json_text(s: &str) -> Option<String> {
    let trimmed = s.trim_matches(is_space);
    if !trimmed.starts_with(['{', '[']) {
        return None;
    }
    let mut parser = JsonParser {
        s: trimmed.chars().collect(),
        i: 0,
    };
    let value = parser.value(0)?;
    parser.skip_ws();
    (parser.i == parser.s.len()).then(|| {
        let mut out = String::new();
        value.print(&mut out);
        out
    })
}

enum Json {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    fn print(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Num(n) => out.push_str(n),
            Json::Str(s) => print_json_string(s, out),
            Json::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.print(out);
                }
                out.push(']');
            }
            Json::Obj(members) => {
                out.push('{');
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    print_json_string(key, out);
                    out.push_str(": ");
                    value.print(out);
                }
                out.push('}');
            }
        }
    }
}

fn print_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

const MAX_JSON_DEPTH: usize = 64;

struct JsonParser {
    s: Vec<char>,
    i: usize,
}

impl JsonParser {
    fn skip_ws(&mut self) {
        while self
            .s
            .get(self.i)
            .is_some_and(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
        {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_ws();
        let hit = self.s.get(self.i) == Some(&c);
        self.i += usize::from(hit);
        hit
    }

    fn value(&mut self, depth: usize) -> Option<Json> {
        if depth > MAX_JSON_DEPTH {
            return None;
        }
        self.skip_ws();
        match *self.s.get(self.i)? {
            '{' => self.object(depth),
            '[' => self.array(depth),
            '"' => self.string().map(Json::Str),
            c if c == '-' || c.is_ascii_digit() => self.number(),
            _ => self.word(),
        }
    }

    fn object(&mut self, depth: usize) -> Option<Json> {
        self.i += 1;
        let mut members: Vec<(String, Json)> = Vec::new();
        if !self.eat('}') {
            loop {
                self.skip_ws();
                let key = self.string()?;
                if !self.eat(':') {
                    return None;
                }
                let value = self.value(depth + 1)?;
                members.retain(|(k, _)| *k != key);
                members.push((key, value));
                if self.eat('}') {
                    break;
                }
                if !self.eat(',') {
                    return None;
                }
            }
        }
        members.sort_by(|(a, _), (b, _)| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
        Some(Json::Obj(members))
    }

    fn array(&mut self, depth: usize) -> Option<Json> {
        self.i += 1;
        let mut items = Vec::new();
        if !self.eat(']') {
            loop {
                items.push(self.value(depth + 1)?);
                if self.eat(']') {
                    break;
                }
                if !self.eat(',') {
                    return None;
                }
            }
        }
        Some(Json::Arr(items))
    }

    fn string(&mut self) -> Option<String> {
        if self.s.get(self.i) != Some(&'"') {
            return None;
        }
        self.i += 1;
        let mut out = String::new();
        loop {
            let c = *self.s.get(self.i)?;
            self.i += 1;
            match c {
                '"' => return Some(out),
                '\\' => {
                    let e = *self.s.get(self.i)?;
                    self.i += 1;
                    match e {
                        '"' | '\\' | '/' => out.push(e),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        'u' => {
                            let (ch, used) = unicode_escape(&self.s, self.i, 4, "\\u")?;
                            if ch == '\0' {
                                return None;
                            }
                            out.push(ch);
                            self.i += used;
                        }
                        _ => return None,
                    }
                }
                c if (c as u32) < 0x20 => return None,
                c => out.push(c),
            }
        }
    }

    fn number(&mut self) -> Option<Json> {
        let start = self.i;
        let negative = self.s.get(self.i) == Some(&'-');
        self.i += usize::from(negative);
        let digits_start = self.i;
        while self
            .s
            .get(self.i)
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        {
            self.i += 1;
        }
        let text: String = self.s[digits_start..self.i].iter().collect();
        if !is_json_number(&text) || self.i == start {
            return None;
        }
        let magnitude = normalize_number(&text);
        Some(Json::Num(if negative && !is_zero(&magnitude) {
            format!("-{magnitude}")
        } else {
            magnitude
        }))
    }

    fn word(&mut self) -> Option<Json> {
        for (word, value) in [
            ("null", Json::Null),
            ("true", Json::Bool(true)),
            ("false", Json::Bool(false)),
        ] {
            let end = self.i + word.len();
            if self
                .s
                .get(self.i..end)
                .is_some_and(|w| w.iter().copied().eq(word.chars()))
            {
                self.i = end;
                return Some(value);
            }
        }
        None
    }
}

/// Unsigned JSON number: `(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn is_json_number(text: &str) -> bool {
    let (mantissa, exp) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['+', '-']).unwrap_or(e))),
        None => (text, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    digits(int)
        && (int == "0" || !int.starts_with('0'))
        && frac.is_none_or(digits)
        && exp.is_none_or(digits)
}

// ---------------------------------------------------------------------------------------------
// Parser

/// Binding strengths, lowest first, from the PostgreSQL manual's operator precedence table.
const P_OR: u8 = 1;
const P_AND: u8 = 2;
const P_NOT: u8 = 3;
const P_IS: u8 = 4;
const P_CMP: u8 = 5;
/// `BETWEEN IN LIKE ILIKE SIMILAR`; operands of these are parsed one level higher (`ESCAPE`).
const P_IN: u8 = 6;
/// Any other operator, including prefix operators other than `+`/`-`.
const P_OP: u8 = 8;
const P_ADD: u8 = 9;
const P_MUL: u8 = 10;
const P_EXP: u8 = 11;
const P_AT: u8 = 12;
const P_COLLATE: u8 = 13;
const P_UNARY: u8 = 14;
const P_CAST: u8 = 16;
const P_ATOM: u8 = 18;

fn binop_prec(op: &str) -> u8 {
    match op {
        _ if is_comparison(op) => P_CMP,
        "+" | "-" => P_ADD,
        "*" | "/" | "%" => P_MUL,
        "^" => P_EXP,
        _ => P_OP,
    }
}

type PResult<T> = Result<T, ()>;

/// Infix and postfix constructs, recognized by `Parser::peek_infix`.
enum Infix {
    Or,
    And,
    Is,
    NullTest(&'static str),
    /// Operator text, the number of tokens it occupies and its parsing precedence.
    Op(String, usize, u8),
    In(bool),
    Between(bool),
    Like {
        not: bool,
        ci: bool,
    },
    Similar(bool),
    Collate,
    AtTimeZone,
    Cast,
}

struct Parser<'a> {
    toks: &'a [Tok],
    pos: usize,
    ctx: &'a Ctx,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn new(toks: &'a [Tok], ctx: &'a Ctx) -> Self {
        Parser {
            toks,
            pos: 0,
            ctx,
            depth: 0,
        }
    }

    // --- token helpers

    fn peek_at(&self, k: usize) -> Option<&'a Tok> {
        self.toks.get(self.pos + k)
    }

    fn at_end(&self) -> bool {
        self.pos >= self.toks.len()
    }

    /// The unquoted word at offset `k`.
    fn kw_at(&self, k: usize) -> Option<&'a str> {
        match self.peek_at(k) {
            Some(Tok::Ident {
                name,
                quoted: false,
            }) => Some(name),
            _ => None,
        }
    }

    fn is_kw(&self, k: usize, kw: &str) -> bool {
        self.kw_at(k) == Some(kw)
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        let hit = self.is_kw(0, kw);
        self.pos += usize::from(hit);
        hit
    }

    fn expect_kw(&mut self, kw: &str) -> PResult<()> {
        if self.eat_kw(kw) { Ok(()) } else { Err(()) }
    }

    fn is_punct(&self, k: usize, p: &str) -> bool {
        matches!(self.peek_at(k), Some(Tok::Punct(q)) if *q == p)
    }

    fn eat_punct(&mut self, p: &str) -> bool {
        let hit = self.is_punct(0, p);
        self.pos += usize::from(hit);
        hit
    }

    fn expect_punct(&mut self, p: &str) -> PResult<()> {
        if self.eat_punct(p) { Ok(()) } else { Err(()) }
    }

    fn is_op(&self, k: usize, op: &str) -> bool {
        matches!(self.peek_at(k), Some(Tok::Op(o)) if o == op)
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_PARSE_DEPTH {
            Err(())
        } else {
            Ok(())
        }
    }

    // --- expressions

    /// Parses an expression whose operators all bind at least as tightly as `min`.
    fn parse_expr(&mut self, min: u8) -> PResult<Expr> {
        self.enter()?;
        let mut lhs = self.parse_prefix()?;
        while let Some((prec, infix)) = self.peek_infix() {
            if prec < min {
                break;
            }
            lhs = self.apply_infix(infix, lhs)?;
        }
        self.depth -= 1;
        Ok(lhs)
    }

    fn parse_prefix(&mut self) -> PResult<Expr> {
        if self.eat_kw("not") {
            return Ok(Expr::Not(Box::new(self.parse_expr(P_NOT)?)));
        }
        match self.peek_at(0) {
            Some(Tok::Op(op)) if op == "-" => {
                self.pos += 1;
                Ok(negate(self.parse_expr(P_UNARY)?))
            }
            Some(Tok::Op(op)) if op == "+" => {
                self.pos += 1;
                Ok(match self.parse_expr(P_UNARY)? {
                    n @ Expr::Num(_) => n,
                    e => Expr::Unary("+".to_owned(), Box::new(e)),
                })
            }
            Some(Tok::Op(op)) => {
                self.pos += 1;
                Ok(Expr::Unary(
                    op.clone(),
                    Box::new(self.parse_expr(P_OP + 1)?),
                ))
            }
            _ => self.parse_primary(),
        }
    }

    fn peek_infix(&self) -> Option<(u8, Infix)> {
        match self.peek_at(0)? {
            Tok::Op(op) => Some((binop_prec(op), Infix::Op(op.clone(), 1, binop_prec(op)))),
            Tok::Punct("::") => Some((P_CAST, Infix::Cast)),
            Tok::Ident {
                name,
                quoted: false,
            } => {
                let not = name == "not";
                let word = if not { self.kw_at(1)? } else { name.as_str() };
                let infix = match (word, not) {
                    ("or", false) => (P_OR, Infix::Or),
                    ("and", false) => (P_AND, Infix::And),
                    ("is", false) => (P_IS, Infix::Is),
                    ("isnull", false) => (P_IS, Infix::NullTest("NULL")),
                    ("notnull", false) => (P_IS, Infix::NullTest("NOT NULL")),
                    ("in", _) => (P_IN, Infix::In(not)),
                    ("between", _) => (P_IN, Infix::Between(not)),
                    ("like", _) => (P_IN, Infix::Like { not, ci: false }),
                    ("ilike", _) => (P_IN, Infix::Like { not, ci: true }),
                    ("similar", _) if self.is_kw(1 + usize::from(not), "to") => {
                        (P_IN, Infix::Similar(not))
                    }
                    ("collate", false) => (P_COLLATE, Infix::Collate),
                    ("at", false) if self.is_kw(1, "time") && self.is_kw(2, "zone") => {
                        (P_AT, Infix::AtTimeZone)
                    }
                    ("operator", false) if self.is_punct(1, "(") => {
                        let (op, width) = self.operator_construct()?;
                        (P_OP, Infix::Op(op, width, P_OP))
                    }
                    _ => return None,
                };
                Some(infix)
            }
            _ => None,
        }
    }

    /// `OPERATOR(schema.op)`: the operator text (unqualified when the schema is implied) and the
    /// number of tokens.
    fn operator_construct(&self) -> Option<(String, usize)> {
        let mut k = 2;
        let mut schema = None;
        if let Some(Tok::Ident { name, .. }) = self.peek_at(k)
            && self.is_punct(k + 1, ".")
        {
            schema = Some(name);
            k += 2;
        }
        let Some(Tok::Op(op)) = self.peek_at(k) else {
            return None;
        };
        if !self.is_punct(k + 1, ")") {
            return None;
        }
        let text = match schema {
            Some(s) if !self.ctx.drops(s) => format!("OPERATOR({}.{op})", quote_ident(s)),
            _ => op.clone(),
        };
        Some((text, k + 2))
    }

    fn apply_infix(&mut self, infix: Infix, lhs: Expr) -> PResult<Expr> {
        let negation_width = |not: bool| 1 + usize::from(not);
        match infix {
            Infix::Or => {
                self.pos += 1;
                Ok(make_or(lhs, self.parse_expr(P_OR + 1)?))
            }
            Infix::And => {
                self.pos += 1;
                Ok(make_and(lhs, self.parse_expr(P_AND + 1)?))
            }
            Infix::Is => {
                self.pos += 1;
                self.parse_is(lhs)
            }
            Infix::NullTest(test) => {
                self.pos += 1;
                Ok(Expr::Is(Box::new(lhs), test))
            }
            Infix::Op(op, width, prec) => {
                self.pos += width;
                if let Some(all) = self.quantifier() {
                    let rhs = self.parse_quantified_operand()?;
                    return Ok(make_quantified(op, all, lhs, rhs));
                }
                Ok(make_binary(op, lhs, self.parse_expr(prec + 1)?))
            }
            Infix::In(not) => {
                self.pos += negation_width(not);
                self.expect_punct("(")?;
                if let Some(query) = self.subquery_body()? {
                    let any = make_quantified("=".to_owned(), false, lhs, Expr::Subquery(query));
                    return Ok(if not { Expr::Not(Box::new(any)) } else { any });
                }
                let items = self.parse_expr_list()?;
                self.expect_punct(")")?;
                Ok(make_in(lhs, items, not))
            }
            Infix::Between(not) => {
                self.pos += negation_width(not);
                let symmetric = self.eat_kw("symmetric");
                if !symmetric {
                    self.eat_kw("asymmetric");
                }
                let lo = self.parse_expr(P_IN + 1)?;
                self.expect_kw("and")?;
                let hi = self.parse_expr(P_IN + 1)?;
                Ok(make_between(lhs, lo, hi, not, symmetric))
            }
            Infix::Like { not, ci } => {
                self.pos += negation_width(not);
                let op = match (not, ci) {
                    (false, false) => "~~",
                    (false, true) => "~~*",
                    (true, false) => "!~~",
                    (true, true) => "!~~*",
                };
                if let Some(all) = self.quantifier() {
                    let rhs = self.parse_quantified_operand()?;
                    return Ok(make_quantified(op.to_owned(), all, lhs, rhs));
                }
                let mut pattern = self.parse_expr(P_IN + 1)?;
                if self.eat_kw("escape") {
                    let escape = self.parse_expr(P_IN + 1)?;
                    pattern = plain_call("like_escape", vec![pattern, escape]);
                }
                Ok(make_binary(op.to_owned(), lhs, pattern))
            }
            Infix::Similar(not) => {
                self.pos += negation_width(not) + 1;
                let mut args = vec![self.parse_expr(P_IN + 1)?];
                if self.eat_kw("escape") {
                    args.push(self.parse_expr(P_IN + 1)?);
                }
                let op = if not { "!~" } else { "~" };
                Ok(make_binary(
                    op.to_owned(),
                    lhs,
                    plain_call("similar_to_escape", args),
                ))
            }
            Infix::Collate => {
                self.pos += 1;
                let (parts, _) = self.parse_name_parts()?;
                Ok(Expr::Collate(Box::new(lhs), self.qualified_name(parts)))
            }
            Infix::AtTimeZone => {
                self.pos += 3;
                let zone = self.parse_expr(P_AT + 1)?;
                Ok(plain_call("timezone", vec![zone, lhs]))
            }
            Infix::Cast => {
                self.pos += 1;
                let ty = self.parse_type()?;
                Ok(self.make_cast(lhs, ty))
            }
        }
    }

    fn parse_is(&mut self, lhs: Expr) -> PResult<Expr> {
        let not = self.eat_kw("not");
        let test = match (self.kw_at(0), not) {
            (Some("null"), false) => "NULL",
            (Some("null"), true) => "NOT NULL",
            (Some("true"), false) => "TRUE",
            (Some("true"), true) => "NOT TRUE",
            (Some("false"), false) => "FALSE",
            (Some("false"), true) => "NOT FALSE",
            (Some("unknown"), false) => "UNKNOWN",
            (Some("unknown"), true) => "NOT UNKNOWN",
            (Some("distinct"), _) => {
                self.pos += 1;
                self.expect_kw("from")?;
                let rhs = self.parse_expr(P_IS + 1)?;
                let distinct = Expr::Distinct(Box::new(booleanize(lhs)), Box::new(booleanize(rhs)));
                return Ok(if not {
                    Expr::Not(Box::new(distinct))
                } else {
                    distinct
                });
            }
            _ => return Err(()),
        };
        self.pos += 1;
        Ok(Expr::Is(Box::new(lhs), test))
    }

    /// `ANY (` / `SOME (` / `ALL (` after an operator: consumes the keyword, returns whether ALL.
    fn quantifier(&mut self) -> Option<bool> {
        let all = match self.kw_at(0)? {
            "any" | "some" => false,
            "all" => true,
            _ => return None,
        };
        if !self.is_punct(1, "(") {
            return None;
        }
        self.pos += 1;
        Some(all)
    }

    fn parse_quantified_operand(&mut self) -> PResult<Expr> {
        self.expect_punct("(")?;
        if let Some(query) = self.subquery_body()? {
            return Ok(Expr::Subquery(query));
        }
        let e = self.parse_expr(0)?;
        self.expect_punct(")")?;
        Ok(e)
    }

    /// Just after a `(`: when a query follows, consumes it and the closing parenthesis and
    /// returns its normalized token stream.
    fn subquery_body(&mut self) -> PResult<Option<String>> {
        if !matches!(self.kw_at(0), Some("select" | "with" | "values" | "table")) {
            return Ok(None);
        }
        let start = self.pos;
        let mut depth = 1usize;
        while let Some(tok) = self.peek_at(0) {
            self.pos += 1;
            match tok {
                Tok::Punct("(") => depth += 1,
                Tok::Punct(")") => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(Some(token_stream(&self.toks[start..self.pos - 1])));
                    }
                }
                _ => {}
            }
        }
        Err(())
    }

    fn parse_expr_list(&mut self) -> PResult<Vec<Expr>> {
        let mut items = vec![self.parse_expr(0)?];
        while self.eat_punct(",") {
            items.push(self.parse_expr(0)?);
        }
        Ok(items)
    }

    fn parse_primary(&mut self) -> PResult<Expr> {
        let base = match self.peek_at(0).ok_or(())? {
            Tok::Num(n) => {
                self.pos += 1;
                Expr::Num(n.clone())
            }
            Tok::Str(s) => {
                self.pos += 1;
                string_literal(s.clone())
            }
            Tok::Param(p) => {
                self.pos += 1;
                Expr::Param(p.clone())
            }
            Tok::Punct("(") => self.parse_parenthesized()?,
            Tok::Ident { name, quoted } => self.parse_word(name, *quoted)?,
            _ => return Err(()),
        };
        self.parse_indirection(base)
    }

    /// Subscripts and field selections following a primary expression.
    fn parse_indirection(&mut self, base: Expr) -> PResult<Expr> {
        let mut inds = Vec::new();
        loop {
            if self.eat_punct("[") {
                let bound = |p: &mut Self| -> PResult<Option<Expr>> {
                    if p.is_punct(0, ":") || p.is_punct(0, "]") {
                        Ok(None)
                    } else {
                        p.parse_expr(0).map(Some)
                    }
                };
                let lower = bound(self)?;
                let slice = self.eat_punct(":");
                let upper = if slice { bound(self)? } else { None };
                self.expect_punct("]")?;
                inds.push(Ind::Subscript {
                    lower,
                    upper,
                    slice,
                });
            } else if self.is_punct(0, ".") {
                match self.peek_at(1) {
                    Some(Tok::Ident { name, .. }) => inds.push(Ind::Field(name.clone())),
                    Some(Tok::Op(op)) if op == "*" => inds.push(Ind::Star),
                    _ => return Err(()),
                }
                self.pos += 2;
            } else {
                break;
            }
        }
        Ok(if inds.is_empty() {
            base
        } else {
            Expr::Indirection(Box::new(base), inds)
        })
    }

    /// `( expr )`, a row constructor `(a, b)`, or a subquery.
    fn parse_parenthesized(&mut self) -> PResult<Expr> {
        self.pos += 1;
        if let Some(query) = self.subquery_body()? {
            return Ok(Expr::Subquery(query));
        }
        let mut items = self.parse_expr_list()?;
        self.expect_punct(")")?;
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Expr::Row(items)
        })
    }

    /// Everything that starts with an identifier or keyword.
    fn parse_word(&mut self, word: &str, quoted: bool) -> PResult<Expr> {
        let next_paren = self.is_punct(1, "(");
        if !quoted {
            if let Some(value) = sql_value_function(word) {
                self.pos += 1;
                return self.parse_sql_value(value);
            }
            match word {
                "null" => return self.keyword(Expr::Null),
                "true" => return self.keyword(Expr::Bool(true)),
                "false" => return self.keyword(Expr::Bool(false)),
                "case" => return self.parse_case(),
                "cast" => return self.parse_cast(),
                "array" => return self.parse_array(),
                "row" if next_paren => {
                    self.pos += 2;
                    let items = if self.eat_punct(")") {
                        Vec::new()
                    } else {
                        self.parse_list_and_close()?
                    };
                    return Ok(Expr::Row(items));
                }
                "exists" if next_paren => {
                    self.pos += 2;
                    return self.subquery_body()?.map(Expr::Exists).ok_or(());
                }
                "extract" | "position" | "substring" | "overlay" | "trim" if next_paren => {
                    if let Some(e) = self.parse_sql_syntax_function(word)? {
                        return Ok(e);
                    }
                }
                _ => {}
            }
        }
        if let Some(e) = self.try_typed_literal()? {
            return Ok(e);
        }
        let (parts, first_quoted) = self.parse_name_parts()?;
        let keyword = if first_quoted {
            None
        } else {
            keyword_category(&parts[0])
        };
        if self.is_punct(0, "(") {
            if keyword == Some(Kw::Reserved) {
                return Err(());
            }
            return self.parse_call(parts);
        }
        if matches!(keyword, Some(Kw::Reserved | Kw::TypeFunc)) {
            return Err(());
        }
        Ok(Expr::Col(parts))
    }

    fn keyword(&mut self, e: Expr) -> PResult<Expr> {
        self.pos += 1;
        Ok(e)
    }

    fn parse_sql_value(&mut self, name: &'static str) -> PResult<Expr> {
        let takes_precision = matches!(
            name,
            "CURRENT_TIME" | "CURRENT_TIMESTAMP" | "LOCALTIME" | "LOCALTIMESTAMP"
        );
        let precision = match (self.peek_at(0), self.peek_at(1), self.peek_at(2)) {
            (Some(Tok::Punct("(")), Some(Tok::Num(n)), Some(Tok::Punct(")")))
                if takes_precision =>
            {
                Some(n.clone())
            }
            (Some(Tok::Punct("(")), Some(Tok::Punct(")")), _) if name == "CURRENT_SCHEMA" => {
                self.pos += 2;
                None
            }
            _ => None,
        };
        self.pos += if precision.is_some() { 3 } else { 0 };
        Ok(Expr::SqlValue(name, precision))
    }

    /// `(items)` after the opening parenthesis was consumed.
    fn parse_list_and_close(&mut self) -> PResult<Vec<Expr>> {
        let items = self.parse_expr_list()?;
        self.expect_punct(")")?;
        Ok(items)
    }

    /// `identifier (. identifier)* [.*]`; returns the parts and whether the first was quoted.
    fn parse_name_parts(&mut self) -> PResult<(Vec<String>, bool)> {
        let Some(Tok::Ident { name, quoted }) = self.peek_at(0) else {
            return Err(());
        };
        self.pos += 1;
        let mut parts = vec![name.clone()];
        while self.is_punct(0, ".") {
            match self.peek_at(1) {
                Some(Tok::Ident { name, .. }) => parts.push(name.clone()),
                Some(Tok::Op(op)) if op == "*" => {
                    parts.push("*".to_owned());
                    self.pos += 2;
                    break;
                }
                _ => break,
            }
            self.pos += 2;
        }
        Ok((parts, *quoted))
    }

    /// A possibly qualified name with the implied schema dropped, each part quoted if needed.
    fn qualified_name(&self, parts: Vec<String>) -> String {
        self.ctx
            .unqualify(parts)
            .iter()
            .map(|p| quote_ident(p))
            .collect::<Vec<_>>()
            .join(".")
    }

    /// `type 'string'` (typed literal), e.g. `date '2020-01-01'`, `interval '1' day`.
    fn try_typed_literal(&mut self) -> PResult<Option<Expr>> {
        let start = self.pos;
        if let Ok(mut ty) = self.parse_type()
            && let Some(Tok::Str(s)) = self.peek_at(0)
        {
            self.pos += 1;
            if ty == "interval"
                && let Some(fields) = self.parse_interval_fields()?
            {
                ty = format!("interval {fields}");
            }
            return Ok(Some(self.make_cast(string_literal(s.clone()), ty)));
        }
        self.pos = start;
        Ok(None)
    }

    fn parse_case(&mut self) -> PResult<Expr> {
        self.pos += 1;
        let arg = if self.is_kw(0, "when") {
            None
        } else {
            Some(Box::new(self.parse_expr(0)?))
        };
        let mut whens = Vec::new();
        while self.eat_kw("when") {
            let condition = self.parse_expr(0)?;
            self.expect_kw("then")?;
            whens.push((condition, self.parse_expr(0)?));
        }
        if whens.is_empty() {
            return Err(());
        }
        let els = if self.eat_kw("else") {
            Some(self.parse_expr(0)?)
        } else {
            None
        };
        self.expect_kw("end")?;
        let els = els.filter(|e| !matches!(e, Expr::Null)).map(Box::new);
        Ok(Expr::Case { arg, whens, els })
    }

    fn parse_cast(&mut self) -> PResult<Expr> {
        self.pos += 1;
        self.expect_punct("(")?;
        let e = self.parse_expr(0)?;
        self.expect_kw("as")?;
        let ty = self.parse_type()?;
        self.expect_punct(")")?;
        Ok(self.make_cast(e, ty))
    }

    fn parse_array(&mut self) -> PResult<Expr> {
        self.pos += 1;
        if self.eat_punct("(") {
            return self.subquery_body()?.map(Expr::ArraySubquery).ok_or(());
        }
        self.parse_array_elements()
    }

    /// `[a, b]` or `[[1, 2], [3, 4]]`; inner brackets are arrays too.
    fn parse_array_elements(&mut self) -> PResult<Expr> {
        self.enter()?;
        self.expect_punct("[")?;
        let mut items = Vec::new();
        if !self.eat_punct("]") {
            loop {
                let item = if self.is_punct(0, "[") {
                    self.parse_array_elements()?
                } else {
                    self.parse_expr(0)?
                };
                items.push(item);
                if self.eat_punct("]") {
                    break;
                }
                self.expect_punct(",")?;
            }
        }
        self.depth -= 1;
        Ok(Expr::Array(items))
    }

    /// `name(args)` after the name. Window functions, `FILTER` and `WITHIN GROUP` are not
    /// supported (they cannot occur in the expressions this module is for).
    fn parse_call(&mut self, name: Vec<String>) -> PResult<Expr> {
        self.expect_punct("(")?;
        let mut call = Call {
            name,
            args: Vec::new(),
            star: false,
            distinct: false,
            order_by: Vec::new(),
        };
        if self.is_op(0, "*") && self.is_punct(1, ")") {
            call.star = true;
            self.pos += 2;
        } else if !self.eat_punct(")") {
            call.distinct = self.eat_kw("distinct");
            if !call.distinct {
                self.eat_kw("all");
            }
            loop {
                call.args.push(self.parse_arg()?);
                if !self.eat_punct(",") {
                    break;
                }
            }
            if self.is_kw(0, "order") && self.is_kw(1, "by") {
                self.pos += 2;
                loop {
                    call.order_by.push(self.parse_sort_item()?);
                    if !self.eat_punct(",") {
                        break;
                    }
                }
            }
            self.expect_punct(")")?;
        }
        if matches!(self.kw_at(0), Some("over" | "filter" | "within")) {
            return Err(());
        }
        Ok(self.make_call(call))
    }

    fn parse_arg(&mut self) -> PResult<Arg> {
        let variadic = self.eat_kw("variadic");
        let named = match self.peek_at(0) {
            Some(Tok::Ident { name, .. }) if self.is_op(1, "=>") || self.is_punct(1, ":=") => {
                Some(name.clone())
            }
            _ => None,
        };
        if named.is_some() {
            self.pos += 2;
        }
        Ok(Arg {
            name: named,
            variadic,
            value: self.parse_expr(0)?,
        })
    }

    /// `expr [ASC|DESC] [NULLS FIRST|LAST]`, with defaults omitted from the suffix.
    fn parse_sort_item(&mut self) -> PResult<(Expr, &'static str)> {
        let e = self.parse_expr(0)?;
        let desc = self.eat_kw("desc");
        if !desc {
            self.eat_kw("asc");
        }
        let nulls_first = if self.eat_kw("nulls") {
            if self.eat_kw("first") {
                Some(true)
            } else {
                self.expect_kw("last")?;
                Some(false)
            }
        } else {
            None
        };
        let suffix = match (desc, nulls_first.unwrap_or(desc)) {
            (false, false) => "",
            (false, true) => " NULLS FIRST",
            (true, true) => " DESC",
            (true, false) => " DESC NULLS LAST",
        };
        Ok((e, suffix))
    }

    /// The SQL-standard call syntaxes, converted to the function calls they stand for
    /// (`EXTRACT(f FROM x)` is `extract('f', x)`, `POSITION(a IN b)` is `position(b, a)`,
    /// `TRIM(LEADING c FROM x)` is `ltrim(x, c)`, ...). Returns `None` (consuming nothing) when
    /// the arguments are an ordinary argument list.
    fn parse_sql_syntax_function(&mut self, word: &str) -> PResult<Option<Expr>> {
        let start = self.pos;
        self.pos += 2;
        let args = match word {
            "extract" => self.parse_extract_args()?,
            "position" => self.parse_position_args()?,
            "substring" => self.parse_substring_args()?,
            "overlay" => self.parse_overlay_args()?,
            _ => return self.parse_trim().map(Some),
        };
        match args {
            Some(args) => {
                self.expect_punct(")")?;
                Ok(Some(
                    self.make_call(Call {
                        name: vec![word.to_owned()],
                        args: args
                            .into_iter()
                            .map(|value| Arg {
                                name: None,
                                variadic: false,
                                value,
                            })
                            .collect(),
                        star: false,
                        distinct: false,
                        order_by: Vec::new(),
                    }),
                ))
            }
            None => {
                self.pos = start;
                Ok(None)
            }
        }
    }

    fn parse_extract_args(&mut self) -> PResult<Option<Vec<Expr>>> {
        let field = match self.peek_at(0) {
            Some(Tok::Ident { name, .. } | Tok::Str(name)) if self.is_kw(1, "from") => name.clone(),
            _ => return Ok(None),
        };
        self.pos += 2;
        Ok(Some(vec![Expr::Str(field), self.parse_expr(0)?]))
    }

    fn parse_position_args(&mut self) -> PResult<Option<Vec<Expr>>> {
        let needle = self.parse_expr(P_IN + 1)?;
        if !self.eat_kw("in") {
            return Ok(None);
        }
        let haystack = self.parse_expr(P_IN + 1)?;
        Ok(Some(vec![haystack, needle]))
    }

    fn parse_substring_args(&mut self) -> PResult<Option<Vec<Expr>>> {
        let s = self.parse_expr(0)?;
        if self.eat_kw("from") {
            let from = self.parse_expr(0)?;
            return Ok(Some(if self.eat_kw("for") {
                vec![s, from, self.parse_expr(0)?]
            } else {
                vec![s, from]
            }));
        }
        if self.eat_kw("for") {
            let len = self.parse_expr(0)?;
            let from = if self.eat_kw("from") {
                self.parse_expr(0)?
            } else {
                Expr::Num("1".to_owned())
            };
            return Ok(Some(vec![s, from, len]));
        }
        if self.eat_kw("similar") {
            let pattern = self.parse_expr(0)?;
            self.expect_kw("escape")?;
            return Ok(Some(vec![s, pattern, self.parse_expr(0)?]));
        }
        Ok(None)
    }

    fn parse_overlay_args(&mut self) -> PResult<Option<Vec<Expr>>> {
        let s = self.parse_expr(0)?;
        if !self.eat_kw("placing") {
            return Ok(None);
        }
        let mut args = vec![s, self.parse_expr(0)?];
        self.expect_kw("from")?;
        args.push(self.parse_expr(0)?);
        if self.eat_kw("for") {
            args.push(self.parse_expr(0)?);
        }
        Ok(Some(args))
    }

    /// `TRIM([BOTH|LEADING|TRAILING] [chars] FROM x)` and `TRIM(x [, chars])`.
    fn parse_trim(&mut self) -> PResult<Expr> {
        let name = if self.eat_kw("leading") {
            "ltrim"
        } else if self.eat_kw("trailing") {
            "rtrim"
        } else {
            self.eat_kw("both");
            "btrim"
        };
        let args = if self.eat_kw("from") {
            self.parse_expr_list()?
        } else {
            let first = self.parse_expr(0)?;
            if self.eat_kw("from") {
                let mut list = self.parse_expr_list()?;
                list.push(first);
                list
            } else {
                let mut list = vec![first];
                while self.eat_punct(",") {
                    list.push(self.parse_expr(0)?);
                }
                list
            }
        };
        self.expect_punct(")")?;
        Ok(plain_call(name, args))
    }

    // --- canonical constructors that need the context

    /// Casts: literal operands, text-like targets and casts to the type the operand evidently
    /// has already drop the cast (see the module docs).
    /// `'N'::interval <unit>` becomes the literal `'N <unit>'`.
    fn make_cast(&self, e: Expr, ty: String) -> Expr {
        if evident_type(&e) == Some(ty.as_str()) {
            return e;
        }
        let e = if ty == "boolean" { booleanize(e) } else { e };
        if e.is_literal() {
            return match (&e, ty.as_str()) {
                (Expr::Str(s), "regclass") => Expr::Str(self.relation_name(s)),
                (Expr::Num(n), _)
                    if ty.starts_with("interval ") && !n.contains('.') && !n.starts_with('-') =>
                {
                    match interval_unit(&ty) {
                        Some(unit) => string_literal(format!("{n} {unit}")),
                        None => Expr::Cast(Box::new(e), ty),
                    }
                }
                _ => e,
            };
        }
        if is_text_like(&ty) {
            e
        } else {
            Expr::Cast(Box::new(e), ty)
        }
    }

    fn make_call(&self, mut call: Call) -> Expr {
        call.name = self.ctx.unqualify(call.name);
        let plain = !call.star && !call.distinct && call.order_by.is_empty();
        let positional = call.args.iter().all(|a| a.name.is_none() && !a.variadic);
        let name = if call.name.len() == 1 {
            call.name[0].as_str()
        } else {
            ""
        };
        match (name, call.args.len()) {
            ("now" | "transaction_timestamp", 0) if plain => {
                return Expr::SqlValue("CURRENT_TIMESTAMP", None);
            }
            ("current_schema", 0) if plain => return Expr::SqlValue("CURRENT_SCHEMA", None),
            ("text", 1) if plain && positional => {
                let arg = call.args.remove(0).value;
                return self.make_cast(arg, "text".to_owned());
            }
            ("coalesce" | "greatest" | "least" | "nullif", _) => {
                for arg in &mut call.args {
                    let value = std::mem::replace(&mut arg.value, Expr::Null);
                    arg.value = strip_widening(value, NUMERIC_WIDENINGS);
                }
            }
            ("nextval" | "currval" | "setval", 1..) => {
                if let Expr::Str(s) = &call.args[0].value {
                    call.args[0].value = Expr::Str(self.relation_name(s));
                }
            }
            _ => {}
        }
        Expr::Func(Box::new(call))
    }

    /// A relation name given as text (regclass input): case-folded like identifiers, implied
    /// schema dropped, re-quoted. Text that is not a name is returned unchanged.
    fn relation_name(&self, s: &str) -> String {
        let toks = lex(s);
        let mut parts = Vec::new();
        for (i, tok) in toks.iter().enumerate() {
            match (i % 2, tok) {
                (0, Tok::Ident { name, .. }) => parts.push(name.clone()),
                (1, Tok::Punct(".")) => {}
                _ => return s.to_owned(),
            }
        }
        if toks.len().is_multiple_of(2) {
            return s.to_owned();
        }
        self.qualified_name(parts)
    }

    // --- type names

    fn parse_type(&mut self) -> PResult<String> {
        let base = self.parse_base_type()?;
        let mut array = false;
        loop {
            if self.eat_kw("array") {
                array = true;
                if !self.is_punct(0, "[") {
                    continue;
                }
            }
            if !self.eat_punct("[") {
                break;
            }
            if matches!(self.peek_at(0), Some(Tok::Num(_))) {
                self.pos += 1;
            }
            self.expect_punct("]")?;
            array = true;
        }
        Ok(if array { format!("{base}[]") } else { base })
    }

    fn parse_base_type(&mut self) -> PResult<String> {
        let Some(Tok::Ident { name, quoted }) = self.peek_at(0) else {
            return Err(());
        };
        if !quoted {
            if let Some(t) = self.parse_sql_type(name)? {
                return Ok(t);
            }
            if keyword_category(name) == Some(Kw::Reserved) {
                return Err(());
            }
        }
        let (parts, _) = self.parse_name_parts()?;
        if parts.iter().any(|p| p == "*") {
            return Err(());
        }
        let mods = self.parse_type_mods()?;
        let parts = self.ctx.unqualify(parts);
        if let [single] = parts.as_slice()
            && let Some(t) = builtin_type(single, *quoted, mods.as_deref())
        {
            return Ok(t);
        }
        Ok(format!(
            "{}{}",
            self.qualified_name(parts),
            mods_text(mods.as_deref())
        ))
    }

    /// Type names with SQL-standard syntax (`double precision`, `character varying(n)`,
    /// `timestamp(p) with time zone`, `interval day to second`, ...).
    fn parse_sql_type(&mut self, word: &str) -> PResult<Option<String>> {
        let simple = match word {
            "int" | "integer" => Some("integer"),
            "smallint" => Some("smallint"),
            "bigint" => Some("bigint"),
            "real" => Some("real"),
            "boolean" => Some("boolean"),
            "double" if self.is_kw(1, "precision") => {
                self.pos += 1;
                Some("double precision")
            }
            _ => None,
        };
        if let Some(t) = simple {
            self.pos += 1;
            return Ok(Some(t.to_owned()));
        }
        if !matches!(
            word,
            "character"
                | "char"
                | "nchar"
                | "national"
                | "varchar"
                | "bit"
                | "timestamp"
                | "time"
                | "interval"
                | "float"
                | "decimal"
                | "dec"
                | "numeric"
        ) {
            return Ok(None);
        }
        self.pos += 1;
        let t = match word {
            "character" | "char" | "nchar" | "national" => {
                if word == "national" && !self.eat_kw("character") {
                    self.expect_kw("char")?;
                }
                let varying = self.eat_kw("varying");
                let mods = self.parse_type_mods()?;
                if varying {
                    format!("character varying{}", mods_text(mods.as_deref()))
                } else {
                    sized("character", mods)
                }
            }
            "varchar" => format!(
                "character varying{}",
                mods_text(self.parse_type_mods()?.as_deref())
            ),
            "bit" => {
                let varying = self.eat_kw("varying");
                let mods = self.parse_type_mods()?;
                if varying {
                    format!("bit varying{}", mods_text(mods.as_deref()))
                } else {
                    sized("bit", mods)
                }
            }
            "timestamp" | "time" => {
                let mods = mods_text(self.parse_type_mods()?.as_deref());
                let zone = match self.kw_at(0) {
                    Some(z @ ("with" | "without")) => {
                        self.pos += 1;
                        self.expect_kw("time")?;
                        self.expect_kw("zone")?;
                        z
                    }
                    _ => "without",
                };
                format!("{word}{mods} {zone} time zone")
            }
            "interval" => {
                let fields = self.parse_interval_fields()?;
                let mods = mods_text(self.parse_type_mods()?.as_deref());
                match fields {
                    Some(f) => format!("interval {f}{mods}"),
                    None => format!("interval{mods}"),
                }
            }
            "float" => {
                let precision = self
                    .parse_type_mods()?
                    .and_then(|m| m.first().and_then(|p| p.parse::<u32>().ok()));
                if precision.is_some_and(|p| p <= 24) {
                    "real".to_owned()
                } else {
                    "double precision".to_owned()
                }
            }
            _ => numeric_type(self.parse_type_mods()?.as_deref()),
        };
        Ok(Some(t))
    }

    /// `year`, `day to second`, `second(3)`, ... after `interval`.
    fn parse_interval_fields(&mut self) -> PResult<Option<String>> {
        const FIELDS: [&str; 6] = ["year", "month", "day", "hour", "minute", "second"];
        let Some(first) = self.kw_at(0).filter(|w| FIELDS.contains(w)) else {
            return Ok(None);
        };
        self.pos += 1;
        let mut text = first.to_owned();
        if self.eat_kw("to") {
            let last = self.kw_at(0).filter(|w| FIELDS.contains(w)).ok_or(())?;
            self.pos += 1;
            text = format!("{text} to {last}");
        }
        if text.ends_with("second") {
            text.push_str(&mods_text(self.parse_type_mods()?.as_deref()));
        }
        Ok(Some(text))
    }

    /// `(mod, ...)` after a type name: numbers, strings or identifiers.
    fn parse_type_mods(&mut self) -> PResult<Option<Vec<String>>> {
        if !self.is_punct(0, "(") {
            return Ok(None);
        }
        self.pos += 1;
        let mut mods = Vec::new();
        loop {
            let m = match self.peek_at(0) {
                Some(Tok::Num(n)) => n.clone(),
                Some(Tok::Str(s)) => quote_literal(s),
                Some(Tok::Ident { name, .. }) => quote_ident(name),
                _ => return Err(()),
            };
            self.pos += 1;
            mods.push(m);
            if self.eat_punct(")") {
                return Ok(Some(mods));
            }
            self.expect_punct(",")?;
        }
    }
}

fn mods_text(mods: Option<&[String]>) -> String {
    mods.map(|m| format!("({})", m.join(",")))
        .unwrap_or_default()
}

/// `numeric(p)` is `numeric(p,0)`.
fn numeric_type(mods: Option<&[String]>) -> String {
    match mods {
        Some([precision]) => format!("numeric({precision},0)"),
        _ => format!("numeric{}", mods_text(mods)),
    }
}

/// `character(n)` / `bit(n)`, where a missing length means 1.
fn sized(name: &str, mods: Option<Vec<String>>) -> String {
    match mods {
        Some(m) => format!("{name}({})", m.join(",")),
        None => format!("{name}(1)"),
    }
}

/// Internal names of built-in types (`int4`, `varchar`, `timestamptz`, `_int4`, ...) as
/// format_type() prints them.
fn builtin_type(name: &str, quoted: bool, mods: Option<&[String]>) -> Option<String> {
    if let Some(element) = name.strip_prefix('_')
        && mods.is_none()
    {
        return builtin_type(element, quoted, None)
            .or_else(|| in_word_list(PLAIN_BUILTIN_TYPES, element).then(|| element.to_owned()))
            .map(|t| format!("{t}[]"));
    }
    let m = mods_text(mods);
    let t = match name {
        "int2" | "smallserial" | "serial2" => "smallint".to_owned(),
        "int4" | "serial" | "serial4" => "integer".to_owned(),
        "int8" | "bigserial" | "serial8" => "bigint".to_owned(),
        "float4" => "real".to_owned(),
        "float8" => "double precision".to_owned(),
        "bool" => "boolean".to_owned(),
        "varchar" => format!("character varying{m}"),
        "varbit" => format!("bit varying{m}"),
        "bpchar" if mods.is_some() => format!("character{m}"),
        "char" if quoted => "\"char\"".to_owned(),
        "bit" if quoted && mods.is_none() => "\"bit\"".to_owned(),
        "numeric" => numeric_type(mods),
        "bit" | "interval" => format!("{name}{m}"),
        "timestamp" | "time" => format!("{name}{m} without time zone"),
        "timestamptz" | "timetz" => format!("{}{m} with time zone", &name[..name.len() - 2]),
        _ => return None,
    };
    Some(t)
}

/// Built-in types whose internal name is also their printed name (for `_name` array names).
const PLAIN_BUILTIN_TYPES: &str = "\
    text name bytea uuid json jsonb date inet cidr macaddr money xml oid regclass tsvector \
    tsquery bpchar int4range int8range numrange tsrange tstzrange daterange point jsonpath";

/// SQL value functions written without parentheses, by their unquoted keyword.
fn sql_value_function(word: &str) -> Option<&'static str> {
    Some(match word {
        "current_date" => "CURRENT_DATE",
        "current_time" => "CURRENT_TIME",
        "current_timestamp" => "CURRENT_TIMESTAMP",
        "localtime" => "LOCALTIME",
        "localtimestamp" => "LOCALTIMESTAMP",
        "current_user" => "CURRENT_USER",
        "current_role" => "CURRENT_ROLE",
        "session_user" => "SESSION_USER",
        "user" => "USER",
        "current_catalog" => "CURRENT_CATALOG",
        "current_schema" => "CURRENT_SCHEMA",
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// Keywords and quoting

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kw {
    Reserved,
    ColName,
    TypeFunc,
}

/// The keywords of PostgreSQL 15 that are not "unreserved" (`pg_get_keywords()`).
const RESERVED_KEYWORDS: &str = "\
    all analyse analyze and any array as asc asymmetric both case cast check collate column \
    constraint create current_catalog current_date current_role current_time current_timestamp \
    current_user default deferrable desc distinct do else end except false fetch for foreign \
    from grant group having in initially intersect into lateral leading limit localtime \
    localtimestamp not null offset on only or order placing primary references returning \
    select session_user some symmetric table then to trailing true union unique user using \
    variadic when where window with";
const COL_NAME_KEYWORDS: &str = "\
    between bigint bit boolean char character coalesce dec decimal exists extract float \
    greatest grouping inout int integer interval least national nchar none normalize nullif \
    numeric out overlay position precision real row setof smallint substring time timestamp \
    treat trim values varchar xmlattributes xmlconcat xmlelement xmlexists xmlforest \
    xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable";
const TYPE_FUNC_KEYWORDS: &str = "\
    authorization binary collation concurrently cross current_schema freeze full ilike inner \
    is isnull join left like natural notnull outer overlaps right similar tablesample verbose";

/// Whether `word` is one of the whitespace-separated words of `list`.
fn in_word_list(list: &str, word: &str) -> bool {
    list.split_ascii_whitespace().any(|w| w == word)
}

fn keyword_category(word: &str) -> Option<Kw> {
    if in_word_list(RESERVED_KEYWORDS, word) {
        Some(Kw::Reserved)
    } else if in_word_list(COL_NAME_KEYWORDS, word) {
        Some(Kw::ColName)
    } else if in_word_list(TYPE_FUNC_KEYWORDS, word) {
        Some(Kw::TypeFunc)
    } else {
        None
    }
}

/// Quotes an identifier when PostgreSQL's `quote_identifier` would.
fn quote_ident(name: &str) -> String {
    let safe = name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && keyword_category(name).is_none();
    if safe {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

fn quote_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

// ---------------------------------------------------------------------------------------------
// Printer

fn prec(e: &Expr) -> u8 {
    match e {
        Expr::Or(_) => P_OR,
        Expr::And(_) => P_AND,
        Expr::Not(_) => P_NOT,
        Expr::Is(..) | Expr::Distinct(..) => P_IS,
        Expr::Binary(op, ..) | Expr::Quantified { op, .. } => binop_prec(op),
        Expr::Unary(op, _) if op == "-" || op == "+" => P_UNARY,
        Expr::Unary(..) => P_OP,
        Expr::Num(n) if n.starts_with('-') => P_UNARY,
        Expr::Collate(..) => P_COLLATE,
        Expr::Cast(..) => P_CAST,
        _ => P_ATOM,
    }
}

fn print_child(e: &Expr, parenthesize: bool, out: &mut String) {
    if parenthesize {
        out.push('(');
    }
    print_expr(e, out);
    if parenthesize {
        out.push(')');
    }
}

/// Left operand of a binary operator at precedence `p` (comparisons do not associate).
fn needs_parens_left(e: &Expr, p: u8) -> bool {
    prec(e) < p || (p == P_CMP && prec(e) == P_CMP)
}

fn print_list(items: &[Expr], sep: &str, out: &mut String) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        print_expr(item, out);
    }
}

fn print_expr(e: &Expr, out: &mut String) {
    match e {
        Expr::Null => out.push_str("NULL"),
        Expr::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Expr::Num(n) | Expr::Param(n) => out.push_str(n),
        Expr::Str(s) => out.push_str(&quote_literal(s)),
        Expr::Col(parts) => {
            let quoted: Vec<String> = parts
                .iter()
                .map(|p| if p == "*" { p.clone() } else { quote_ident(p) })
                .collect();
            out.push_str(&quoted.join("."));
        }
        Expr::SqlValue(name, precision) => {
            out.push_str(name);
            if let Some(p) = precision {
                out.push_str(&format!("({p})"));
            }
        }
        Expr::Cast(inner, ty) => {
            print_child(inner, prec(inner) < P_CAST, out);
            out.push_str("::");
            out.push_str(ty);
        }
        Expr::Collate(inner, collation) => {
            print_child(inner, prec(inner) < P_COLLATE, out);
            out.push_str(" COLLATE ");
            out.push_str(collation);
        }
        Expr::Unary(op, inner) => {
            out.push_str(op);
            out.push(' ');
            let p = prec(e);
            print_child(
                inner,
                if p == P_UNARY {
                    prec(inner) < p
                } else {
                    prec(inner) <= p
                },
                out,
            );
        }
        Expr::Not(inner) => {
            out.push_str("NOT ");
            print_child(inner, prec(inner) < P_NOT, out);
        }
        Expr::And(items) | Expr::Or(items) => {
            let (p, sep) = if matches!(e, Expr::And(_)) {
                (P_AND, " AND ")
            } else {
                (P_OR, " OR ")
            };
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep);
                }
                print_child(item, prec(item) <= p, out);
            }
        }
        Expr::Binary(op, l, r) => {
            let p = binop_prec(op);
            print_child(l, needs_parens_left(l, p), out);
            out.push_str(&format!(" {op} "));
            print_child(r, prec(r) <= p, out);
        }
        Expr::Quantified { op, all, lhs, rhs } => {
            print_child(lhs, needs_parens_left(lhs, binop_prec(op)), out);
            out.push_str(&format!(" {op} {} (", if *all { "ALL" } else { "ANY" }));
            match &**rhs {
                Expr::Subquery(q) => out.push_str(q),
                other => print_expr(other, out),
            }
            out.push(')');
        }
        Expr::Is(inner, test) => {
            print_child(inner, prec(inner) <= P_IS, out);
            out.push_str(" IS ");
            out.push_str(test);
        }
        Expr::Distinct(l, r) => {
            print_child(l, prec(l) <= P_IS, out);
            out.push_str(" IS DISTINCT FROM ");
            print_child(r, prec(r) <= P_IS, out);
        }
        Expr::Func(call) => print_call(call, out),
        Expr::Case { arg, whens, els } => {
            out.push_str("CASE");
            if let Some(a) = arg {
                out.push(' ');
                print_expr(a, out);
            }
            for (condition, result) in whens {
                out.push_str(" WHEN ");
                print_expr(condition, out);
                out.push_str(" THEN ");
                print_expr(result, out);
            }
            if let Some(e) = els {
                out.push_str(" ELSE ");
                print_expr(e, out);
            }
            out.push_str(" END");
        }
        Expr::Array(items) => {
            out.push_str("ARRAY[");
            print_list(items, ", ", out);
            out.push(']');
        }
        Expr::Row(items) => {
            out.push_str("ROW(");
            print_list(items, ", ", out);
            out.push(')');
        }
        Expr::Indirection(base, inds) => print_indirection(base, inds, out),
        Expr::Subquery(q) => out.push_str(&format!("({q})")),
        Expr::Exists(q) => out.push_str(&format!("EXISTS ({q})")),
        Expr::ArraySubquery(q) => out.push_str(&format!("ARRAY({q})")),
    }
}

fn print_indirection(base: &Expr, inds: &[Ind], out: &mut String) {
    let bare = matches!(base, Expr::Col(_) | Expr::Param(_))
        && matches!(inds.first(), Some(Ind::Subscript { .. }));
    print_child(base, !bare, out);
    for ind in inds {
        match ind {
            Ind::Field(name) => {
                out.push('.');
                out.push_str(&quote_ident(name));
            }
            Ind::Star => out.push_str(".*"),
            Ind::Subscript {
                lower,
                upper,
                slice,
            } => {
                out.push('[');
                if let Some(l) = lower {
                    print_expr(l, out);
                }
                if *slice {
                    out.push(':');
                }
                if let Some(u) = upper {
                    print_expr(u, out);
                }
                out.push(']');
            }
        }
    }
}

/// Functions whose names are keywords but that take ordinary argument lists unquoted.
const BARE_KEYWORD_FUNCTIONS: &[&str] = &[
    "coalesce",
    "greatest",
    "least",
    "nullif",
    "substring",
    "overlay",
];

fn print_call(call: &Call, out: &mut String) {
    let plain = !call.star
        && !call.distinct
        && call.order_by.is_empty()
        && call.args.iter().all(|a| a.name.is_none() && !a.variadic);
    if let ([name], [a, b], true) = (call.name.as_slice(), call.args.as_slice(), plain) {
        match (name.as_str(), &a.value) {
            ("extract", Expr::Str(field)) => {
                let field = if quote_ident(field) == *field {
                    field.clone()
                } else {
                    quote_literal(field)
                };
                out.push_str(&format!("EXTRACT({field} FROM "));
                print_expr(&b.value, out);
                out.push(')');
                return;
            }
            ("position", haystack) => {
                out.push_str("POSITION(");
                print_child(&b.value, prec(&b.value) < P_ATOM, out);
                out.push_str(" IN ");
                print_child(haystack, prec(haystack) < P_ATOM, out);
                out.push(')');
                return;
            }
            _ => {}
        }
    }
    let names: Vec<String> = match call.name.as_slice() {
        [single] if BARE_KEYWORD_FUNCTIONS.contains(&single.as_str()) => vec![single.clone()],
        parts => parts.iter().map(|p| quote_ident(p)).collect(),
    };
    out.push_str(&names.join("."));
    out.push('(');
    if call.star {
        out.push('*');
    }
    if call.distinct {
        out.push_str("DISTINCT ");
    }
    for (i, arg) in call.args.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        if arg.variadic {
            out.push_str("VARIADIC ");
        }
        if let Some(name) = &arg.name {
            out.push_str(&quote_ident(name));
            out.push_str(" => ");
        }
        print_expr(&arg.value, out);
    }
    for (i, (e, suffix)) in call.order_by.iter().enumerate() {
        out.push_str(if i == 0 { " ORDER BY " } else { ", " });
        print_expr(e, out);
        out.push_str(suffix);
    }
    out.push(')');
}

#[cfg(test)]
mod tests;
