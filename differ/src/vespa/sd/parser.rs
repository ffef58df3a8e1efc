//! A recursive-descent parser from tokens to the model.
//!
//! Elements are dispatched on their keyword (`fast-search` is glued back from adjacent
//! tokens). One-line values (`expression: …`, `file: …`, feature lists) end at the end of
//! the line or at an unmatched closing bracket; `{ … }` values run to the matching brace.

use indexmap::IndexMap;

use super::SdError;
use super::lexer::{self, Tok, Token};
use super::model::*;

type PResult<T> = Result<T, SdError>;

/// The parser over one file's tokens.
pub(crate) struct Parser<'a> {
    src: &'a str,
    file: &'a str,
    toks: Vec<Token>,
    pos: usize,
    /// Indexing scripts: whether newlines are plain whitespace (`indexing { … }`).
    il_multiline: bool,
    /// Indexing scripts: bracket depth (newlines are whitespace inside brackets).
    il_depth: usize,
    /// Indexing scripts: the enclosing field, whose name `attribute NAME` may omit.
    il_field: Option<String>,
    /// How deep the data type being read nests.
    type_depth: usize,
}

/// The deepest nesting of brackets (and of data types) a file may have.
const MAX_NESTING: usize = 64;

impl<'a> Parser<'a> {
    /// Tokenizes `src`.
    pub(crate) fn new(src: &'a str, file: &'a str) -> PResult<Parser<'a>> {
        let src = src.strip_prefix('\u{feff}').unwrap_or(src);
        let toks = lexer::tokenize(src).map_err(|e| SdError {
            file: file.to_string(),
            line: e.line,
            column: e.col,
            message: e.message,
        })?;
        // The parser, the printer and the model's comparisons recurse with the nesting: a
        // limit far past any real schema keeps a hostile file (or server) from exhausting the
        // stack.
        let mut depth = 0usize;
        for t in &toks {
            match t.kind {
                Tok::Punct('(' | '[' | '{') => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        return Err(SdError {
                            file: file.to_string(),
                            line: t.line,
                            column: t.col,
                            message: format!("brackets nested more than {MAX_NESTING} deep"),
                        });
                    }
                }
                Tok::Punct(')' | ']' | '}') => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        Ok(Parser {
            src,
            file,
            toks,
            pos: 0,
            il_multiline: false,
            il_depth: 0,
            il_field: None,
            type_depth: 0,
        })
    }

    // --------------------------------------------------------------------------------------
    // Token helpers
    // --------------------------------------------------------------------------------------

    fn peek(&self) -> Token {
        self.toks[self.pos]
    }

    fn peek_at(&self, n: usize) -> Token {
        self.toks[(self.pos + n).min(self.toks.len() - 1)]
    }

    fn bump(&mut self) -> Token {
        let t = self.toks[self.pos];
        if t.kind != Tok::Eof {
            self.pos += 1;
        }
        t
    }

    fn skip_nl(&mut self) {
        while self.toks[self.pos].kind == Tok::Newline {
            self.pos += 1;
        }
    }

    /// The next token that is not a newline (newlines are consumed).
    fn sig(&mut self) -> Token {
        self.skip_nl();
        self.peek()
    }

    fn img(&self, t: Token) -> &'a str {
        &self.src[t.start..t.end]
    }

    fn is_punct(t: Token, c: char) -> bool {
        t.kind == Tok::Punct(c)
    }

    fn describe(&self, t: Token) -> String {
        match t.kind {
            Tok::Eof => "end of file".to_string(),
            Tok::Newline => "end of line".to_string(),
            Tok::Str => format!("string {}", self.img(t)),
            _ => format!("`{}`", self.img(t)),
        }
    }

    fn err_at(&self, t: Token, message: impl Into<String>) -> SdError {
        SdError {
            file: self.file.to_string(),
            line: t.line,
            column: t.col,
            message: message.into(),
        }
    }

    /// `expected WHAT, found …` at the current token.
    fn expected(&self, what: &str) -> SdError {
        let t = self.peek();
        self.err_at(t, format!("expected {what}, found {}", self.describe(t)))
    }

    /// The glued word starting at token `at`: an identifier or number followed by adjacent
    /// `-`-joined (and, with `dots`, `.`-joined) identifiers or numbers. Returns the word's
    /// end token index (exclusive).
    fn word_end(&self, at: usize, dots: bool) -> Option<usize> {
        let first = self.toks[at];
        if !first.is_wordish() {
            return None;
        }
        let mut end = at + 1;
        loop {
            let sep = self.toks[end];
            let next = self.toks[(end + 1).min(self.toks.len() - 1)];
            let joins =
                matches!(sep.kind, Tok::Punct('-')) || (dots && sep.kind == Tok::Punct('.'));
            if joins && !sep.space_before && next.is_wordish() && !next.space_before {
                end += 2;
            } else {
                return Some(end);
            }
        }
    }

    /// The keyword at the current token without consuming it (dashes glued).
    fn peek_word(&self) -> Option<&'a str> {
        let end = self.word_end(self.pos, false)?;
        Some(&self.src[self.toks[self.pos].start..self.toks[end - 1].end])
    }

    /// Consumes a glued word (dashes, and dots when `dots`), or fails with `expected WHAT`.
    fn word_ext(&mut self, what: &str, dots: bool) -> PResult<String> {
        let Some(end) = self.word_end(self.pos, dots) else {
            return Err(self.expected(what));
        };
        let s = &self.src[self.toks[self.pos].start..self.toks[end - 1].end];
        self.pos = end;
        Ok(s.to_string())
    }

    /// Consumes a word with dashes (`e5-colbert`).
    fn word(&mut self, what: &str) -> PResult<String> {
        self.word_ext(what, false)
    }

    /// Consumes a word with dashes and dots (`value.name`, `some.default`).
    fn dotted(&mut self, what: &str) -> PResult<String> {
        self.word_ext(what, true)
    }

    /// Consumes a plain identifier (field, struct, document names).
    fn ident(&mut self, what: &str) -> PResult<String> {
        let t = self.peek();
        if t.kind != Tok::Ident {
            return Err(self.expected(what));
        }
        self.bump();
        Ok(self.img(t).to_string())
    }

    /// Consumes the keyword `w` if it is next (after newlines when `skip_newlines`).
    fn eat_word(&mut self, w: &str) -> bool {
        if self.peek_word() == Some(w) {
            self.word_ext(w, false).ok();
            true
        } else {
            false
        }
    }

    fn eat_punct(&mut self, c: char) -> bool {
        if Self::is_punct(self.peek(), c) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn expect_punct(&mut self, c: char, what: &str) -> PResult<Token> {
        let t = self.peek();
        if Self::is_punct(t, c) {
            Ok(self.bump())
        } else {
            Err(self.expected(what))
        }
    }

    /// `:` on the same line.
    fn colon(&mut self, after: &str) -> PResult<()> {
        self.expect_punct(':', &format!("`:` after `{after}`"))?;
        Ok(())
    }

    /// `{` (after optional newlines).
    fn open_brace(&mut self, what: &str) -> PResult<Token> {
        self.skip_nl();
        self.expect_punct('{', &format!("`{{` to open {what}"))
    }

    /// Runs `item` for every element until the `}` closing the block opened by `open`.
    fn block<F>(&mut self, open: Token, what: &str, mut item: F) -> PResult<()>
    where
        F: FnMut(&mut Self) -> PResult<()>,
    {
        loop {
            let t = self.sig();
            match t.kind {
                Tok::Punct('}') => {
                    self.bump();
                    return Ok(());
                }
                Tok::Eof => {
                    return Err(self.err_at(
                        t,
                        format!(
                            "expected `}}` to close {what} (opened at {}:{}), found end of file",
                            open.line, open.col
                        ),
                    ));
                }
                _ => item(self)?,
            }
        }
    }

    /// An element keyword at the current token, or an error naming the context.
    fn keyword(&self, context: &str) -> PResult<&'a str> {
        match self.peek_word() {
            Some(w) => Ok(w),
            None => {
                let t = self.peek();
                Err(self.err_at(t, format!("unexpected {} in {context}", self.describe(t))))
            }
        }
    }

    fn unexpected(&self, context: &str, expected: &str) -> SdError {
        let t = self.peek();
        self.err_at(
            t,
            format!(
                "unexpected {} in {context}; expected {expected}",
                self.describe(t)
            ),
        )
    }

    // --------------------------------------------------------------------------------------
    // Values
    // --------------------------------------------------------------------------------------

    fn int_value(&mut self, what: &str) -> PResult<i64> {
        let t0 = self.peek();
        let neg = Self::is_punct(t0, '-') && self.peek_at(1).kind == Tok::Number;
        if neg {
            self.bump();
        }
        let t = self.peek();
        if t.kind != Tok::Number {
            return Err(self.expected(&format!("an integer for `{what}`")));
        }
        let image = self.img(t).trim_end_matches(['L', 'l']);
        let v: i64 = image.parse().map_err(|_| {
            self.err_at(
                t,
                format!("expected an integer for `{what}`, found `{image}`"),
            )
        })?;
        self.bump();
        Ok(if neg { -v } else { v })
    }

    fn u32_value(&mut self, what: &str) -> PResult<u32> {
        let t = self.peek();
        let v = self.int_value(what)?;
        u32::try_from(v).map_err(|_| {
            self.err_at(
                t,
                format!("`{what}` must be a non-negative integer, found {v}"),
            )
        })
    }

    fn num_value(&mut self, what: &str) -> PResult<Num> {
        let t0 = self.peek();
        let neg = Self::is_punct(t0, '-') && self.peek_at(1).kind == Tok::Number;
        if neg {
            self.bump();
        }
        let t = self.peek();
        if t.kind != Tok::Number {
            return Err(self.expected(&format!("a number for `{what}`")));
        }
        let image = self.img(t).trim_end_matches(['L', 'l', 'f', 'F']);
        let v: f64 = image.parse().map_err(|_| {
            self.err_at(
                t,
                format!("expected a number for `{what}`, found `{image}`"),
            )
        })?;
        self.bump();
        Ok(Num(if neg { -v } else { v }))
    }

    fn bool_value(&mut self, what: &str) -> PResult<bool> {
        match self.peek_word() {
            Some("on" | "true") => {
                self.bump();
                Ok(true)
            }
            Some("off" | "false") => {
                self.bump();
                Ok(false)
            }
            _ => Err(self.expected(&format!("`on`, `off`, `true` or `false` for `{what}`"))),
        }
    }

    /// `a, b, c` (dotted words).
    fn word_list(&mut self, what: &str) -> PResult<Vec<String>> {
        let mut out = vec![self.dotted(what)?];
        while self.eat_punct(',') {
            self.skip_nl();
            out.push(self.dotted(what)?);
        }
        Ok(out)
    }

    /// A word or a quoted string (query-command values).
    fn word_or_string(&mut self, what: &str) -> PResult<String> {
        let t = self.peek();
        if t.kind == Tok::Str {
            self.bump();
            return Ok(lexer::unquote(self.img(t)));
        }
        self.dotted(what)
    }

    /// Token index range of a one-line value: up to the end of the line (outside brackets)
    /// or an unmatched closing bracket. Consumes it.
    fn line_range(&mut self) -> (usize, usize) {
        let start = self.pos;
        let mut depth = 0usize;
        loop {
            let t = self.peek();
            match t.kind {
                Tok::Eof => break,
                Tok::Newline if depth == 0 => break,
                Tok::Punct('(' | '[' | '{') => depth += 1,
                Tok::Punct(')' | ']' | '}') => {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                }
                _ => {}
            }
            self.bump();
        }
        (start, self.pos)
    }

    fn join(&self, range: (usize, usize)) -> (String, String) {
        lexer::join_tokens(self.src, &self.toks[range.0..range.1])
    }

    /// A path or URL: adjacent tokens up to the first whitespace (`files/m.onnx`,
    /// `https://host/x.json`, `"a path"`).
    fn path_value(&mut self, what: &str) -> PResult<String> {
        let t = self.peek();
        if t.kind == Tok::Str {
            self.bump();
            return Ok(lexer::unquote(self.img(t)));
        }
        if matches!(t.kind, Tok::Newline | Tok::Eof | Tok::Punct('}')) {
            return Err(self.expected(&format!("a path for `{what}`")));
        }
        let start = self.pos;
        self.bump();
        while !self.peek().space_before
            && !matches!(self.peek().kind, Tok::Newline | Tok::Eof | Tok::Punct('}'))
        {
            self.bump();
        }
        Ok(self.src[self.toks[start].start..self.toks[self.pos - 1].end].to_string())
    }

    /// A one-line value as normalized text (`select-elements-by: f`).
    fn line_text(&mut self, what: &str) -> PResult<String> {
        let range = self.line_range();
        if range.0 == range.1 {
            return Err(self.expected(&format!("a value for `{what}`")));
        }
        Ok(self.join(range).0)
    }

    /// An expression's tokens as a [`RankExpression`]. Brackets must pair up by kind: an
    /// expression such as `f(x]` or `a ) b` cannot be printed in either form (`expression: …`
    /// or `expression { … }`) and read back the same, and Vespa rejects it anyway.
    fn expr_from(&self, range: (usize, usize)) -> PResult<RankExpression> {
        self.balanced(range)?;
        let (text, key) = self.join(range);
        Ok(RankExpression::from_parts(text, key))
    }

    /// Brackets in `range` pair up by kind (`(` with `)`, `[` with `]`, `{` with `}`).
    fn balanced(&self, range: (usize, usize)) -> PResult<()> {
        let mut open: Vec<Token> = Vec::new();
        for t in &self.toks[range.0..range.1] {
            match t.kind {
                Tok::Punct('(' | '[' | '{') => open.push(*t),
                Tok::Punct(c @ (')' | ']' | '}')) => {
                    let want = match c {
                        ')' => '(',
                        ']' => '[',
                        _ => '{',
                    };
                    match open.pop() {
                        Some(o) if o.kind == Tok::Punct(want) => {}
                        Some(o) => {
                            return Err(self.err_at(
                                *t,
                                format!(
                                    "`{c}` does not close the `{}` opened at {}:{} in this expression",
                                    self.img(o),
                                    o.line,
                                    o.col
                                ),
                            ));
                        }
                        None => {
                            return Err(
                                self.err_at(*t, format!("`{c}` closes nothing in this expression"))
                            );
                        }
                    }
                }
                _ => {}
            }
        }
        if let Some(o) = open.pop() {
            return Err(self.err_at(
                o,
                format!("`{}` is not closed in this expression", self.img(o)),
            ));
        }
        Ok(())
    }

    /// The tokens up to the `}` matching the already consumed `open`; consumes the `}`.
    fn brace_range(&mut self, open: Token, what: &str) -> PResult<(usize, usize)> {
        let start = self.pos;
        let mut depth = 0usize;
        loop {
            let t = self.peek();
            match t.kind {
                Tok::Eof => {
                    return Err(self.err_at(
                        t,
                        format!(
                            "expected `}}` to close {what} (opened at {}:{}), found end of file",
                            open.line, open.col
                        ),
                    ));
                }
                Tok::Punct('{') => depth += 1,
                Tok::Punct('}') => {
                    if depth == 0 {
                        let end = self.pos;
                        self.bump();
                        return Ok((start, end));
                    }
                    depth -= 1;
                }
                _ => {}
            }
            self.bump();
        }
    }

    /// `expression: …` or `expression { … }`, after the keyword.
    fn expression_body(&mut self) -> PResult<RankExpression> {
        let kw = self.toks[self.pos.saturating_sub(1)];
        let t = self.peek();
        let range = if Self::is_punct(t, ':') {
            self.bump();
            self.line_range()
        } else if Self::is_punct(self.sig(), '{') {
            let open = self.bump();
            self.brace_range(open, "`expression {`")?
        } else {
            return Err(self.expected("`:` or `{` after `expression`"));
        };
        if range.0 == range.1
            || self.toks[range.0..range.1]
                .iter()
                .all(|t| t.kind == Tok::Newline)
        {
            return Err(self.err_at(kw, "empty expression"));
        }
        self.expr_from(range)
    }

    /// A generic element kept verbatim: `head`, `head: value` or `head { … }`.
    fn raw_element(&mut self, context: &str) -> PResult<RawElement> {
        let start = self.pos;
        let mut depth = 0usize;
        loop {
            let t = self.peek();
            match t.kind {
                Tok::Eof | Tok::Newline => break,
                Tok::Punct(':' | '{') if depth == 0 => break,
                Tok::Punct('(' | '[') => depth += 1,
                Tok::Punct(')' | ']') => depth = depth.saturating_sub(1),
                Tok::Punct('}') if depth == 0 => break,
                _ => {}
            }
            self.bump();
        }
        if start == self.pos {
            let t = self.peek();
            return Err(self.err_at(t, format!("unexpected {} in {context}", self.describe(t))));
        }
        let head = self.join((start, self.pos)).0;
        let t = self.peek();
        let value = if Self::is_punct(t, ':') {
            self.bump();
            let range = self.line_range();
            RawValue::Line(self.expr_from(range)?)
        } else if Self::is_punct(t, '{') {
            let open = self.bump();
            let mut items = Vec::new();
            let what = format!("`{head}`");
            self.block(open, &what, |p| {
                items.push(p.raw_element(&what)?);
                Ok(())
            })?;
            RawValue::Block(items)
        } else {
            RawValue::Flag
        };
        Ok(RawElement { head, value })
    }

    // --------------------------------------------------------------------------------------
    // Files
    // --------------------------------------------------------------------------------------

    fn expect_eof(&mut self, what: &str) -> PResult<()> {
        let t = self.sig();
        if t.kind == Tok::Eof {
            Ok(())
        } else {
            Err(self.err_at(
                t,
                format!("unexpected {} after the end of {what}", self.describe(t)),
            ))
        }
    }

    /// A whole `.sd` file.
    pub(crate) fn sd_file(mut self) -> PResult<SdFile> {
        self.skip_nl();
        match self.peek_word() {
            Some("schema" | "search") => {
                self.bump();
                let schema = self.schema()?;
                let what = format!("schema `{}`", schema.name);
                self.expect_eof(&what)?;
                Ok(SdFile::Schema(schema))
            }
            Some("document") => {
                let doc = self.document(None)?;
                let t = self.sig();
                if self.peek_word() == Some("document") {
                    return Err(self.err_at(
                        t,
                        "a document-only file holds one document; found a second `document`",
                    ));
                }
                let what = format!("document `{}`", doc.name);
                self.expect_eof(&what)?;
                Ok(SdFile::Document(doc))
            }
            _ => Err(self.expected("`schema`, `search` or `document` at the start of the file")),
        }
    }

    /// A whole `.profile` file.
    pub(crate) fn profile_file(mut self) -> PResult<RankProfile> {
        self.skip_nl();
        match self.peek_word() {
            Some("rank-profile" | "model") => {
                self.word("rank-profile")?;
                let profile = self.rank_profile()?;
                let what = format!("rank-profile `{}`", profile.name);
                self.expect_eof(&what)?;
                Ok(profile)
            }
            _ => Err(self.expected("`rank-profile` at the start of the file")),
        }
    }

    // --------------------------------------------------------------------------------------
    // Schema
    // --------------------------------------------------------------------------------------

    /// After `schema`/`search`.
    fn schema(&mut self) -> PResult<Schema> {
        let mut s = Schema {
            name: self.ident("a schema name")?,
            ..Schema::default()
        };
        if self.sig().kind == Tok::Ident && self.eat_word("inherits") {
            s.inherits = Some(self.ident("the inherited schema's name")?);
        }
        let what = format!("`schema {}`", s.name);
        let open = self.open_brace(&what)?;
        let mut document_at: Option<Token> = None;
        self.block(open, &what, |p| p.schema_item(&mut s, &mut document_at))?;
        Ok(s)
    }

    fn schema_item(&mut self, s: &mut Schema, document_at: &mut Option<Token>) -> PResult<()> {
        let at = self.peek();
        let kw = self.keyword(&format!("schema `{}`", s.name))?;
        match kw {
            "document" => {
                if let Some(prev) = document_at {
                    return Err(self.err_at(
                        at,
                        format!(
                            "schema `{}` already has a document (at {}:{}); a schema holds one document",
                            s.name, prev.line, prev.col
                        ),
                    ));
                }
                *document_at = Some(at);
                s.document = Some(self.document(Some(&s.name))?);
            }
            "field" => {
                let f = self.field()?;
                insert_unique(self, at, &mut s.fields, f.name.clone(), f, "field", &s.name)?;
            }
            "struct" => {
                let st = self.struct_def()?;
                insert_unique(
                    self,
                    at,
                    &mut s.structs,
                    st.name.clone(),
                    st,
                    "struct",
                    &s.name,
                )?;
            }
            "annotation" => {
                let a = self.annotation()?;
                insert_unique(
                    self,
                    at,
                    &mut s.annotations,
                    a.name.clone(),
                    a,
                    "annotation",
                    &s.name,
                )?;
            }
            "fieldset" => {
                let fs = self.fieldset()?;
                insert_unique(
                    self,
                    at,
                    &mut s.fieldsets,
                    fs.name.clone(),
                    fs,
                    "fieldset",
                    &s.name,
                )?;
            }
            "rank-profile" | "model" => {
                self.word("rank-profile")?;
                let rp = self.rank_profile()?;
                insert_unique(
                    self,
                    at,
                    &mut s.rank_profiles,
                    rp.name.clone(),
                    rp,
                    "rank-profile",
                    &s.name,
                )?;
            }
            "constant" => {
                let c = self.schema_constant()?;
                insert_unique(
                    self,
                    at,
                    &mut s.constants,
                    c.name.clone(),
                    c,
                    "constant",
                    &s.name,
                )?;
            }
            "onnx-model" => {
                let m = self.onnx_model()?;
                insert_unique(
                    self,
                    at,
                    &mut s.onnx_models,
                    m.name.clone(),
                    m,
                    "onnx-model",
                    &s.name,
                )?;
            }
            "document-summary" => {
                let d = self.document_summary()?;
                insert_unique(
                    self,
                    at,
                    &mut s.document_summaries,
                    d.name.clone(),
                    d,
                    "document-summary",
                    &s.name,
                )?;
            }
            "import" => {
                let i = self.import_field()?;
                insert_unique(
                    self,
                    at,
                    &mut s.imported_fields,
                    i.name.clone(),
                    i,
                    "imported field",
                    &s.name,
                )?;
            }
            "stemming" => {
                self.word("stemming")?;
                self.colon("stemming")?;
                s.stemming = Some(self.stemming_value()?);
            }
            "raw-as-base64-in-summary" => {
                self.word("raw-as-base64-in-summary")?;
                s.raw_as_base64_in_summary = Some(if self.eat_punct(':') {
                    self.bool_value("raw-as-base64-in-summary")?
                } else {
                    true
                });
            }
            "index" => {
                self.word("index")?;
                let name = self.ident("an index name")?;
                let settings = s.indexes.entry(name.clone()).or_default();
                let what = format!("`index {name}`");
                self.index_element(settings, &what)?;
            }
            _ => {
                return Err(self.unexpected(
                    &format!("schema `{}`", s.name),
                    "`document`, `field`, `fieldset`, `rank-profile`, `document-summary`, `import`, `constant`, `onnx-model`, `struct`, `annotation`, `stemming` or `raw-as-base64-in-summary`",
                ));
            }
        }
        Ok(())
    }

    /// `document [NAME] [inherits A, B] { … }` (at the keyword).
    fn document(&mut self, default_name: Option<&str>) -> PResult<Document> {
        self.bump();
        let mut d = Document::default();
        let t = self.sig();
        let named = t.kind == Tok::Ident && self.peek_word() != Some("inherits");
        d.name = if named {
            self.ident("a document name")?
        } else if let Some(n) = default_name {
            n.to_string()
        } else {
            return Err(self.expected("a document name"));
        };
        if self.sig().kind == Tok::Ident && self.eat_word("inherits") {
            d.inherits.push(self.ident("an inherited document name")?);
            while self.eat_punct(',') {
                self.skip_nl();
                d.inherits.push(self.ident("an inherited document name")?);
            }
        }
        let what = format!("`document {}`", d.name);
        let open = self.open_brace(&what)?;
        let doc_name = d.name.clone();
        self.block(open, &what, |p| {
            let at = p.peek();
            match p.keyword(&format!("document `{doc_name}`"))? {
                "field" => {
                    let f = p.field()?;
                    insert_unique(p, at, &mut d.fields, f.name.clone(), f, "field", &doc_name)
                }
                "struct" => {
                    let st = p.struct_def()?;
                    insert_unique(
                        p,
                        at,
                        &mut d.structs,
                        st.name.clone(),
                        st,
                        "struct",
                        &doc_name,
                    )
                }
                "annotation" => {
                    let a = p.annotation()?;
                    insert_unique(
                        p,
                        at,
                        &mut d.annotations,
                        a.name.clone(),
                        a,
                        "annotation",
                        &doc_name,
                    )
                }
                _ => Err(p.unexpected(
                    &format!("document `{doc_name}`"),
                    "`field`, `struct` or `annotation`",
                )),
            }
        })?;
        Ok(d)
    }

    /// `struct NAME [inherits A, B] { field … }` (at the keyword).
    fn struct_def(&mut self) -> PResult<StructDef> {
        self.bump();
        let mut st = StructDef {
            name: self.ident("a struct name")?,
            ..StructDef::default()
        };
        if self.sig().kind == Tok::Ident && self.eat_word("inherits") {
            st.inherits.push(self.ident("an inherited struct name")?);
            while self.eat_punct(',') {
                self.skip_nl();
                st.inherits.push(self.ident("an inherited struct name")?);
            }
        }
        let what = format!("`struct {}`", st.name);
        let open = self.open_brace(&what)?;
        let name = st.name.clone();
        self.block(open, &what, |p| {
            let at = p.peek();
            if p.keyword(&format!("struct `{name}`"))? != "field" {
                return Err(p.unexpected(&format!("struct `{name}`"), "`field`"));
            }
            let f = p.field()?;
            insert_unique(p, at, &mut st.fields, f.name.clone(), f, "field", &name)
        })?;
        Ok(st)
    }

    /// `annotation NAME [inherits A] { field … }` (at the keyword).
    fn annotation(&mut self) -> PResult<Annotation> {
        self.bump();
        let mut a = Annotation {
            name: self.ident("an annotation name")?,
            ..Annotation::default()
        };
        if self.sig().kind == Tok::Ident && self.eat_word("inherits") {
            a.inherits = Some(self.ident("an inherited annotation name")?);
        }
        let what = format!("`annotation {}`", a.name);
        let open = self.open_brace(&what)?;
        let name = a.name.clone();
        self.block(open, &what, |p| {
            let at = p.peek();
            if p.keyword(&format!("annotation `{name}`"))? != "field" {
                return Err(p.unexpected(&format!("annotation `{name}`"), "`field`"));
            }
            let f = p.field()?;
            insert_unique(p, at, &mut a.fields, f.name.clone(), f, "field", &name)
        })?;
        Ok(a)
    }

    // --------------------------------------------------------------------------------------
    // Types
    // --------------------------------------------------------------------------------------

    /// A data type; `array<…>`, `weightedset<…>` and `map<…>` nest at most [`MAX_NESTING`]
    /// deep.
    fn data_type(&mut self) -> PResult<FieldType> {
        self.type_depth += 1;
        let ty = if self.type_depth > MAX_NESTING {
            Err(self.err_at(
                self.peek(),
                format!("data types nested more than {MAX_NESTING} deep"),
            ))
        } else {
            self.data_type_inner()
        };
        self.type_depth -= 1;
        ty
    }

    fn data_type_inner(&mut self) -> PResult<FieldType> {
        let t = self.sig();
        if t.kind != Tok::Ident {
            return Err(self.expected("a data type"));
        }
        let name = self.img(t);
        self.bump();
        let next_is_lt = Self::is_punct(self.peek(), '<');
        let ty = match name {
            "array" if next_is_lt => {
                self.bump();
                let inner = self.data_type()?;
                self.close_angle("array")?;
                FieldType::Array(Box::new(inner))
            }
            "weightedset" if next_is_lt => {
                self.bump();
                let inner = self.data_type()?;
                self.close_angle("weightedset")?;
                FieldType::weighted_set(inner)
            }
            "map" if next_is_lt => {
                self.bump();
                let k = self.data_type()?;
                self.skip_nl();
                self.expect_punct(',', "`,` between the key and value types of `map`")?;
                let v = self.data_type()?;
                self.close_angle("map")?;
                FieldType::Map(Box::new(k), Box::new(v))
            }
            "reference" if next_is_lt => {
                self.bump();
                self.skip_nl();
                let d = self.ident("a document type in `reference<…>`")?;
                self.close_angle("reference")?;
                FieldType::Reference(d)
            }
            "annotationreference" if next_is_lt => {
                self.bump();
                self.skip_nl();
                let a = self.ident("an annotation in `annotationreference<…>`")?;
                self.close_angle("annotationreference")?;
                FieldType::AnnotationReference(a)
            }
            "tensor" => FieldType::Tensor(self.tensor_type_rest()?),
            other => {
                FieldType::primitive(other).unwrap_or_else(|| FieldType::Struct(other.to_string()))
            }
        };
        // Deprecated `T[]`.
        if Self::is_punct(self.peek(), '[')
            && !self.peek().space_before
            && Self::is_punct(self.peek_at(1), ']')
        {
            self.bump();
            self.bump();
            return Ok(FieldType::Array(Box::new(ty)));
        }
        Ok(ty)
    }

    fn close_angle(&mut self, what: &str) -> PResult<()> {
        self.skip_nl();
        self.expect_punct('>', &format!("`>` to close `{what}<…>`"))?;
        Ok(())
    }

    /// A tensor type after the keyword `tensor`: `<cell>(dims)`.
    fn tensor_type_rest(&mut self) -> PResult<TensorType> {
        let mut cell = CellType::Double;
        if self.eat_punct('<') {
            let t = self.peek();
            let name = self.word("a tensor cell type")?;
            cell = CellType::from_name(&name).ok_or_else(|| {
                self.err_at(
                    t,
                    format!(
                        "unknown tensor cell type `{name}`; expected `double`, `float`, `bfloat16` or `int8`"
                    ),
                )
            })?;
            self.expect_punct('>', "`>` after the tensor cell type")?;
        }
        self.expect_punct('(', "`(` with the tensor dimensions")?;
        let mut dims: Vec<Dimension> = Vec::new();
        if !self.eat_punct(')') {
            loop {
                let t = self.peek();
                let name = self.ident("a tensor dimension name")?;
                let kind = if self.eat_punct('[') {
                    if self.eat_punct(']') {
                        DimensionKind::Indexed(None)
                    } else {
                        let size = self.int_value("tensor dimension size")?;
                        self.expect_punct(']', "`]` after the dimension size")?;
                        DimensionKind::Indexed(Some(u64::try_from(size).map_err(|_| {
                            self.err_at(t, format!("dimension `{name}` has a negative size"))
                        })?))
                    }
                } else if self.eat_punct('{') {
                    self.expect_punct('}', "`}` in a mapped dimension `name{}`")?;
                    DimensionKind::Mapped
                } else {
                    return Err(
                        self.expected(&format!("`[N]` or `{{}}` after tensor dimension `{name}`"))
                    );
                };
                if dims.iter().any(|d| d.name == name) {
                    return Err(
                        self.err_at(t, format!("tensor dimension `{name}` is declared twice"))
                    );
                }
                dims.push(Dimension { name, kind });
                if self.eat_punct(')') {
                    break;
                }
                self.expect_punct(',', "`,` or `)` in the tensor dimensions")?;
            }
        }
        Ok(TensorType::new(cell, dims))
    }

    /// A value type of inputs and constants: a tensor type, `double`/`float`/`long`
    /// (all `double`) or `string`. `None` if none is next on this line.
    fn value_type(&mut self) -> PResult<Option<ValueType>> {
        let t = self.peek();
        if t.kind != Tok::Ident {
            return Ok(None);
        }
        Ok(Some(match self.img(t) {
            "tensor" => {
                self.bump();
                ValueType::Tensor(self.tensor_type_rest()?)
            }
            "double" | "float" | "long" => {
                self.bump();
                ValueType::double()
            }
            "string" => {
                self.bump();
                ValueType::String
            }
            _ => return Ok(None),
        }))
    }

    // --------------------------------------------------------------------------------------
    // Fields
    // --------------------------------------------------------------------------------------

    /// `field NAME type T { … }` (at the keyword).
    fn field(&mut self) -> PResult<Field> {
        self.bump();
        let name = self.ident("a field name")?;
        self.skip_nl();
        if !self.eat_word("type") {
            return Err(self.expected(&format!("`type` after `field {name}`")));
        }
        let ty = self.data_type()?;
        let mut f = Field::new(name, ty);
        let what = format!("`field {}`", f.name);
        let open = self.open_brace(&what)?;
        self.block(open, &what, |p| p.field_item(&mut f))?;
        normalize_field(&mut f);
        Ok(f)
    }

    fn field_item(&mut self, f: &mut Field) -> PResult<()> {
        let at = self.peek();
        let context = format!("field `{}`", f.name);
        let kw = self.keyword(&context)?;
        match kw {
            "indexing" => {
                self.word("indexing")?;
                let script = self.indexing(Some(f.name.clone()))?;
                f.indexing = Some(script);
            }
            "attribute" => {
                self.word("attribute")?;
                let name = self.optional_element_name()?;
                let settings = match name {
                    Some(n) if n != f.name => f.extra_attributes.entry(n).or_default(),
                    _ => &mut f.attribute,
                };
                self.attribute_element(settings, &context)?;
            }
            "index" => {
                self.word("index")?;
                let name = self.optional_element_name()?;
                let settings = match name {
                    Some(n) if n != f.name => f.extra_indexes.entry(n).or_default(),
                    _ => f.index.get_or_insert_with(IndexSettings::default),
                };
                self.index_element(settings, &context)?;
            }
            "match" => {
                self.word("match")?;
                self.match_element(&mut f.match_settings, &context)?;
            }
            "stemming" => {
                self.word("stemming")?;
                self.colon("stemming")?;
                f.stemming = Some(self.stemming_value()?);
            }
            "normalizing" => {
                self.word("normalizing")?;
                self.colon("normalizing")?;
                f.normalizing = Some(self.word("a normalizing setting")?);
            }
            "rank" => {
                self.word("rank")?;
                self.rank_element(&mut f.rank, &context)?;
            }
            "rank-type" => {
                self.word("rank-type")?;
                let name = if Self::is_punct(self.peek(), ':') {
                    f.name.clone()
                } else {
                    self.dotted("an index name")?
                };
                self.colon("rank-type")?;
                let ty = self.word("a rank type")?;
                f.rank_types.insert(name, ty);
            }
            "weight" => {
                self.word("weight")?;
                self.colon("weight")?;
                f.weight = Some(self.int_value("weight")?);
            }
            "bolding" => {
                self.word("bolding")?;
                self.colon("bolding")?;
                f.bolding = self.bool_value("bolding")?;
            }
            "summary" => {
                self.word("summary")?;
                let own = f.name.clone();
                self.summary_in_field(&mut f.summaries, &own, &context)?;
            }
            "summary-to" => {
                self.word("summary-to")?;
                let name = if Self::is_punct(self.peek(), ':') {
                    f.name.clone()
                } else {
                    self.dotted("a summary field name")?
                };
                self.colon("summary-to")?;
                let dests = self.word_list("a summary class name")?;
                let s = summary_entry(&mut f.summaries, &name);
                s.destinations.extend(dests);
            }
            "alias" => {
                self.word("alias")?;
                let (aliased, alias) = self.alias_element(&f.name)?;
                f.aliases.entry(aliased).or_default().insert(alias);
            }
            "sorting" => {
                self.word("sorting")?;
                let s = f.sorting.get_or_insert_with(Sorting::default);
                self.sorting_element(s, &context)?;
            }
            "dictionary" => {
                self.word("dictionary")?;
                let d = f.dictionary.get_or_insert_with(Dictionary::default);
                self.dictionary_element(d, &context)?;
            }
            "id" => {
                self.word("id")?;
                self.colon("id")?;
                f.id = Some(self.int_value("id")?);
            }
            "query-command" => {
                self.word("query-command")?;
                self.colon("query-command")?;
                f.query_commands
                    .push(self.word_or_string("a query command")?);
            }
            "struct-field" => {
                self.word("struct-field")?;
                self.struct_field_into(&mut f.struct_fields)?;
            }
            "weightedset" => {
                self.word("weightedset")?;
                let FieldType::WeightedSet {
                    create_if_nonexistent,
                    remove_if_zero,
                    ..
                } = &mut f.ty
                else {
                    return Err(self.err_at(
                        at,
                        format!(
                            "`weightedset` settings on field `{}` of type `{}`; they need a weightedset",
                            f.name,
                            f.ty.sd_syntax()
                        ),
                    ));
                };
                let mut settings = Vec::new();
                self.flags_element("weightedset", &context, &mut settings)?;
                for (t, s) in settings {
                    match s.as_str() {
                        "create-if-nonexistent" => *create_if_nonexistent = true,
                        "remove-if-zero" => *remove_if_zero = true,
                        other => {
                            return Err(self.err_at(
                                t,
                                format!(
                                    "unknown weightedset setting `{other}`; expected `create-if-nonexistent` or `remove-if-zero`"
                                ),
                            ));
                        }
                    }
                }
            }
            _ => f.other.push(self.raw_element(&context)?),
        }
        Ok(())
    }

    /// The optional NAME of `attribute NAME: …` / `index NAME { … }`.
    fn optional_element_name(&mut self) -> PResult<Option<String>> {
        let t = self.peek();
        if Self::is_punct(t, ':') || Self::is_punct(self.sig(), '{') {
            return Ok(None);
        }
        Ok(Some(self.dotted("a name, `:` or `{`")?))
    }

    /// `: FLAG` or `{ FLAG … }` where each flag is a word; collects (token, word).
    fn flags_element(
        &mut self,
        element: &str,
        context: &str,
        out: &mut Vec<(Token, String)>,
    ) -> PResult<()> {
        if self.eat_punct(':') {
            let t = self.peek();
            out.push((t, self.word(&format!("a `{element}` setting"))?));
            return Ok(());
        }
        let what = format!("`{element}` in {context}");
        let open = self.open_brace(&what)?;
        self.block(open, &what, |p| {
            let t = p.peek();
            out.push((t, p.word(&format!("a `{element}` setting"))?));
            Ok(())
        })
    }

    fn stemming_value(&mut self) -> PResult<Stemming> {
        let t = self.peek();
        let w = self.word("a stemming setting")?;
        Stemming::from_name(&w).ok_or_else(|| {
            self.err_at(
                t,
                format!(
                    "unknown stemming `{w}`; expected `none`, `best`, `shortest` or `multiple`"
                ),
            )
        })
    }

    /// `[NAME]: ALIAS` after `alias`; NAME defaults to `own`.
    fn alias_element(&mut self, own: &str) -> PResult<(String, String)> {
        let aliased = if Self::is_punct(self.peek(), ':') {
            own.to_string()
        } else {
            self.dotted("an aliased name or `:`")?
        };
        self.colon("alias")?;
        let alias = self.dotted("an alias")?;
        Ok((aliased, alias))
    }

    /// `: SETTING` or `{ SETTINGS }` after `attribute [NAME]`.
    fn attribute_element(&mut self, a: &mut AttributeSettings, context: &str) -> PResult<()> {
        if self.eat_punct(':') {
            return self.attribute_setting(a, context);
        }
        let what = format!("`attribute` in {context}");
        let open = self.open_brace(&what)?;
        self.block(open, &what, |p| p.attribute_setting(a, context))
    }

    fn attribute_setting(&mut self, a: &mut AttributeSettings, context: &str) -> PResult<()> {
        let t = self.peek();
        let w = self.word("an attribute setting")?;
        match w.as_str() {
            "fast-search" => a.fast_search = true,
            "fast-access" => a.fast_access = true,
            "fast-rank" => a.fast_rank = true,
            "paged" => a.paged = true,
            "mutable" => a.mutable = true,
            "enable-only-bit-vector" => a.enable_only_bit_vector = true,
            "enable-bit-vectors" | "prefetch" | "huge" | "no-prefetch" => {
                a.legacy.insert(w);
            }
            "distance-metric" => {
                self.colon("distance-metric")?;
                a.distance_metric = DistanceMetric::from_name(&self.word("a distance metric")?);
            }
            "sorting" => {
                let s = a.sorting.get_or_insert_with(Sorting::default);
                self.sorting_element(s, context)?;
            }
            "alias" => {
                // The attribute's own name is written as the empty key and printed bare.
                let (aliased, alias) = self.alias_element("")?;
                a.aliases.entry(aliased).or_default().insert(alias);
            }
            other => {
                return Err(self.err_at(
                    t,
                    format!(
                        "unknown attribute setting `{other}` in {context}; expected `fast-search`, `fast-access`, `fast-rank`, `paged`, `mutable`, `distance-metric`, `sorting` or `alias`"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// `: ITEM (, ITEM)*` or `{ ITEMS }` after `index [NAME]`.
    fn index_element(&mut self, ix: &mut IndexSettings, context: &str) -> PResult<()> {
        if self.eat_punct(':') {
            self.index_setting(ix, context)?;
            while self.eat_punct(',') {
                self.index_setting(ix, context)?;
            }
            return Ok(());
        }
        let what = format!("`index` in {context}");
        let open = self.open_brace(&what)?;
        self.block(open, &what, |p| p.index_setting(ix, context))
    }

    fn index_setting(&mut self, ix: &mut IndexSettings, context: &str) -> PResult<()> {
        match self.peek_word() {
            Some("prefix") => {
                self.bump();
                ix.prefix = true;
            }
            Some("enable-bm25") => {
                self.word("enable-bm25")?;
                ix.enable_bm25 = true;
            }
            Some("alias") => {
                self.word("alias")?;
                self.colon("alias")?;
                ix.aliases.insert(self.dotted("an alias")?);
            }
            Some("stemming") => {
                self.word("stemming")?;
                self.colon("stemming")?;
                ix.stemming = Some(self.stemming_value()?);
            }
            Some("arity") => {
                self.bump();
                self.colon("arity")?;
                ix.arity = Some(self.int_value("arity")?);
            }
            Some("lower-bound") => {
                self.word("lower-bound")?;
                self.colon("lower-bound")?;
                ix.lower_bound = Some(self.int_value("lower-bound")?);
            }
            Some("upper-bound") => {
                self.word("upper-bound")?;
                self.colon("upper-bound")?;
                ix.upper_bound = Some(self.int_value("upper-bound")?);
            }
            Some("dense-posting-list-threshold") => {
                self.word("dense-posting-list-threshold")?;
                self.colon("dense-posting-list-threshold")?;
                ix.dense_posting_list_threshold =
                    Some(self.num_value("dense-posting-list-threshold")?);
            }
            Some("hnsw") => {
                self.bump();
                let h = ix.hnsw.get_or_insert_with(HnswSettings::default);
                let save = self.pos;
                if Self::is_punct(self.sig(), '{') {
                    let open = self.bump();
                    let what = format!("`hnsw` in {context}");
                    self.block(open, &what, |p| p.hnsw_setting(h, &what))?;
                } else {
                    self.pos = save;
                }
            }
            _ => ix
                .other
                .push(self.raw_element(&format!("`index` in {context}"))?),
        }
        Ok(())
    }

    fn hnsw_setting(&mut self, h: &mut HnswSettings, context: &str) -> PResult<()> {
        match self.peek_word() {
            Some("max-links-per-node") => {
                self.word("max-links-per-node")?;
                self.colon("max-links-per-node")?;
                h.max_links_per_node = self.u32_value("max-links-per-node")?;
            }
            Some("neighbors-to-explore-at-insert") => {
                self.word("neighbors-to-explore-at-insert")?;
                self.colon("neighbors-to-explore-at-insert")?;
                h.neighbors_to_explore_at_insert =
                    self.u32_value("neighbors-to-explore-at-insert")?;
            }
            Some("multi-threaded-indexing") => {
                self.word("multi-threaded-indexing")?;
                self.colon("multi-threaded-indexing")?;
                h.multi_threaded_indexing = self.bool_value("multi-threaded-indexing")?;
            }
            _ => h.other.push(self.raw_element(context)?),
        }
        Ok(())
    }

    /// `: ITEM` or `{ ITEMS }` after `match`.
    fn match_element(&mut self, m: &mut MatchSettings, context: &str) -> PResult<()> {
        if self.eat_punct(':') {
            return self.match_setting(m, context, true);
        }
        let what = format!("`match` in {context}");
        let open = self.open_brace(&what)?;
        self.block(open, &what, |p| p.match_setting(m, context, false))
    }

    fn match_setting(&mut self, m: &mut MatchSettings, context: &str, short: bool) -> PResult<()> {
        let t = self.peek();
        let Some(w) = self.peek_word() else {
            return Err(self.expected("a match setting"));
        };
        let mut simple = true;
        match w {
            "text" | "token" => m.mode = Some(MatchMode::Text),
            "word" => m.mode = Some(MatchMode::Word),
            "exact" => m.mode = Some(MatchMode::Exact),
            "gram" => m.mode = Some(MatchMode::Gram),
            "cased" => m.case = Some(Case::Cased),
            "uncased" => m.case = Some(Case::Uncased),
            "prefix" => m.algorithm = Some(MatchAlgorithm::Prefix),
            "substring" => m.algorithm = Some(MatchAlgorithm::Substring),
            "suffix" => m.algorithm = Some(MatchAlgorithm::Suffix),
            _ => simple = false,
        }
        if simple {
            self.word("match setting")?;
            return Ok(());
        }
        match w {
            "exact-terminator" => {
                self.word(w)?;
                self.colon("exact-terminator")?;
                let s = self.peek();
                if s.kind != Tok::Str {
                    return Err(self.expected("a quoted string for `exact-terminator`"));
                }
                self.bump();
                m.exact_terminator = Some(lexer::unquote(self.img(s)));
            }
            "gram-size" => {
                self.word(w)?;
                self.colon("gram-size")?;
                m.gram_size = Some(self.int_value("gram-size")?);
            }
            "max-length" => {
                self.word(w)?;
                self.colon("max-length")?;
                m.max_length = Some(self.int_value("max-length")?);
            }
            "max-occurrences" => {
                self.word(w)?;
                self.colon("max-occurrences")?;
                m.max_occurrences = Some(self.int_value("max-occurrences")?);
            }
            _ if short => {
                return Err(self.err_at(
                    t,
                    format!(
                        "unknown match setting `{w}` in {context}; expected `text`, `word`, `exact`, `gram`, `cased`, `uncased`, `prefix`, `substring` or `suffix`"
                    ),
                ));
            }
            _ => m
                .other
                .push(self.raw_element(&format!("`match` in {context}"))?),
        }
        Ok(())
    }

    /// `: SETTING` or `{ SETTINGS }` after `rank` (in a field or `rank FIELD` in a profile).
    fn rank_element(&mut self, r: &mut RankSettings, context: &str) -> PResult<()> {
        if self.eat_punct(':') {
            return self.rank_setting(r, context, true);
        }
        let what = format!("`rank` in {context}");
        let open = self.open_brace(&what)?;
        self.block(open, &what, |p| p.rank_setting(r, context, false))
    }

    fn rank_setting(&mut self, r: &mut RankSettings, context: &str, short: bool) -> PResult<()> {
        let t = self.peek();
        match self.peek_word() {
            Some("filter") => r.filter = true,
            Some("normal") => r.normal = true,
            Some("literal") => r.literal = true,
            Some(other) if short => {
                return Err(self.err_at(
                    t,
                    format!(
                        "unknown rank setting `{other}` in {context}; expected `filter`, `normal` or `literal`"
                    ),
                ));
            }
            _ => {
                r.other
                    .push(self.raw_element(&format!("`rank` in {context}"))?);
                return Ok(());
            }
        }
        self.bump();
        Ok(())
    }

    /// `: SETTING` or `{ SETTINGS }` after `sorting`.
    fn sorting_element(&mut self, s: &mut Sorting, context: &str) -> PResult<()> {
        if self.eat_punct(':') {
            return self.sorting_setting(s);
        }
        let what = format!("`sorting` in {context}");
        let open = self.open_brace(&what)?;
        self.block(open, &what, |p| p.sorting_setting(s))
    }

    fn sorting_setting(&mut self, s: &mut Sorting) -> PResult<()> {
        let t = self.peek();
        let w = self.word("a sorting setting")?;
        match w.as_str() {
            "ascending" => s.order = Some(SortOrder::Ascending),
            "descending" => s.order = Some(SortOrder::Descending),
            "function" => {
                self.colon("function")?;
                s.function = Some(self.word("a sort function")?);
            }
            "strength" => {
                self.colon("strength")?;
                s.strength = Some(self.word("a sort strength")?);
            }
            "locale" => {
                self.colon("locale")?;
                s.locale = Some(self.word("a locale")?);
            }
            other => {
                return Err(self.err_at(
                    t,
                    format!(
                        "unknown sorting setting `{other}`; expected `ascending`, `descending`, `function`, `strength` or `locale`"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// `: SETTING` or `{ SETTINGS }` after `dictionary`.
    fn dictionary_element(&mut self, d: &mut Dictionary, context: &str) -> PResult<()> {
        let mut flags = Vec::new();
        self.flags_element("dictionary", context, &mut flags)?;
        let (mut btree, mut hash) = match d.kind {
            DictionaryKind::Btree => (false, false),
            DictionaryKind::Hash => (false, true),
            DictionaryKind::BtreeAndHash => (true, true),
        };
        for (t, w) in flags {
            match w.as_str() {
                "btree" => btree = true,
                "hash" => hash = true,
                "cased" => d.case = Some(Case::Cased),
                "uncased" => d.case = Some(Case::Uncased),
                other => {
                    return Err(self.err_at(
                        t,
                        format!(
                            "unknown dictionary setting `{other}`; expected `btree`, `hash`, `cased` or `uncased`"
                        ),
                    ));
                }
            }
        }
        d.kind = match (btree, hash) {
            (true, true) => DictionaryKind::BtreeAndHash,
            (false, true) => DictionaryKind::Hash,
            _ => DictionaryKind::Btree,
        };
        Ok(())
    }

    /// After `summary` in a field body: `: T`, `NAME: T`, `[NAME [type T]] { … }`.
    fn summary_in_field(
        &mut self,
        summaries: &mut IndexMap<String, SummaryField>,
        own: &str,
        context: &str,
    ) -> PResult<()> {
        let t = self.peek();
        let name = if Self::is_punct(t, ':') || Self::is_punct(self.sig(), '{') {
            own.to_string()
        } else {
            self.dotted("a summary field name, `:` or `{`")?
        };
        if self.eat_punct(':') {
            let s = summary_entry(summaries, &name);
            let t = self.peek();
            let w = self.word("a summary transform")?;
            s.transform = Some(summary_transform(&w).ok_or_else(|| {
                self.err_at(
                    t,
                    format!(
                        "unknown summary setting `{w}`; expected `dynamic`, `matched-elements-only`, `full`, `static` or `tokens`"
                    ),
                )
            })?);
            return Ok(());
        }
        let mut ty = None;
        if self.sig().kind == Tok::Ident && self.eat_word("type") {
            ty = Some(self.data_type()?);
        }
        let s = summary_entry(summaries, &name);
        if ty.is_some() {
            s.ty = ty;
        }
        let what = format!("`summary {name}` in {context}");
        let open = self.open_brace(&what)?;
        self.block(open, &what, |p| p.summary_item(s, &what))
    }

    fn summary_item(&mut self, s: &mut SummaryField, context: &str) -> PResult<()> {
        let Some(w) = self.peek_word() else {
            return Err(self.unexpected(context, "a summary setting"));
        };
        if let Some(tr) = summary_transform(w) {
            self.word(w)?;
            s.transform = Some(tr);
            return Ok(());
        }
        match w {
            "bolding" => {
                self.word(w)?;
                self.colon("bolding")?;
                s.bolding = Some(self.bool_value("bolding")?);
            }
            "source" => {
                self.word(w)?;
                self.colon("source")?;
                s.sources.extend(self.word_list("a source field")?);
            }
            "to" => {
                self.word(w)?;
                self.colon("to")?;
                s.destinations.extend(self.word_list("a summary class")?);
            }
            "select-elements-by" => {
                self.word(w)?;
                self.colon("select-elements-by")?;
                s.select_elements_by = Some(self.line_text("select-elements-by")?);
            }
            _ => s.other.push(self.raw_element(context)?),
        }
        Ok(())
    }

    /// After `struct-field`: `NAME { … }`, merged into an existing block of the same name.
    fn struct_field_into(&mut self, map: &mut IndexMap<String, StructField>) -> PResult<()> {
        let name = self.dotted("a struct field name")?;
        let sf = map.entry(name.clone()).or_insert_with(|| StructField {
            name: name.clone(),
            ..StructField::default()
        });
        let context = format!("`struct-field {name}`");
        let open = self.open_brace(&context)?;
        self.block(open, &context, |p| p.struct_field_item(sf, &context))?;
        Ok(())
    }

    fn struct_field_item(&mut self, sf: &mut StructField, context: &str) -> PResult<()> {
        match self.keyword(context)? {
            "indexing" => {
                self.word("indexing")?;
                sf.indexing = Some(self.indexing(None)?);
            }
            "attribute" => {
                self.word("attribute")?;
                let _ = self.optional_element_name()?;
                self.attribute_element(&mut sf.attribute, context)?;
            }
            "match" => {
                self.word("match")?;
                self.match_element(&mut sf.match_settings, context)?;
            }
            "rank" => {
                self.word("rank")?;
                self.rank_element(&mut sf.rank, context)?;
            }
            "query-command" => {
                self.word("query-command")?;
                self.colon("query-command")?;
                sf.query_commands
                    .push(self.word_or_string("a query command")?);
            }
            "summary" => {
                self.word("summary")?;
                let own = sf.name.clone();
                self.summary_in_field(&mut sf.summaries, &own, context)?;
            }
            "summary-to" => {
                self.word("summary-to")?;
                let name = if Self::is_punct(self.peek(), ':') {
                    sf.name.clone()
                } else {
                    self.dotted("a summary field name")?
                };
                self.colon("summary-to")?;
                let dests = self.word_list("a summary class name")?;
                summary_entry(&mut sf.summaries, &name)
                    .destinations
                    .extend(dests);
            }
            "struct-field" => {
                self.word("struct-field")?;
                self.struct_field_into(&mut sf.struct_fields)?;
            }
            _ => sf.other.push(self.raw_element(context)?),
        }
        Ok(())
    }

    // --------------------------------------------------------------------------------------
    // Indexing language
    // --------------------------------------------------------------------------------------

    /// After `indexing`: `: STATEMENT` (one line) or `{ STATEMENT; … }`.
    fn indexing(&mut self, field: Option<String>) -> PResult<IndexingScript> {
        self.il_field = field;
        let result = self.indexing_inner();
        self.il_field = None;
        self.il_multiline = false;
        self.il_depth = 0;
        result
    }

    fn indexing_inner(&mut self) -> PResult<IndexingScript> {
        let mut script = IndexingScript::default();
        if self.eat_punct(':') {
            self.il_multiline = false;
            self.il_depth = 0;
            loop {
                script.statements.push(self.il_statement()?);
                if self.eat_punct(';') {
                    let t = self.peek();
                    if matches!(t.kind, Tok::Newline | Tok::Eof) || Self::is_punct(t, '}') {
                        break;
                    }
                    continue;
                }
                break;
            }
            let t = self.peek();
            if !(matches!(t.kind, Tok::Newline | Tok::Eof) || Self::is_punct(t, '}')) {
                return Err(self.err_at(
                    t,
                    format!("unexpected {} in indexing script", self.describe(t)),
                ));
            }
            return Ok(script);
        }
        let open = self.open_brace("`indexing`")?;
        self.il_multiline = true;
        loop {
            let t = self.sig();
            if Self::is_punct(t, '}') {
                self.bump();
                break;
            }
            if t.kind == Tok::Eof {
                return Err(self.err_at(
                    t,
                    format!(
                        "expected `}}` to close `indexing {{` (opened at {}:{}), found end of file",
                        open.line, open.col
                    ),
                ));
            }
            if self.eat_punct(';') {
                continue;
            }
            script.statements.push(self.il_statement()?);
            let t = self.sig();
            if !(Self::is_punct(t, ';') || Self::is_punct(t, '}')) {
                return Err(self.err_at(
                    t,
                    format!(
                        "expected `;` or `}}` after an indexing statement, found {}",
                        self.describe(t)
                    ),
                ));
            }
        }
        Ok(script)
    }

    /// The next token of an indexing script; newlines are whitespace in `indexing { … }`
    /// and inside brackets, and end the script otherwise.
    fn il_peek(&mut self) -> Token {
        if self.il_multiline || self.il_depth > 0 {
            self.skip_nl();
        }
        self.peek()
    }

    fn is_pipe(&self, t: Token) -> bool {
        Self::is_punct(t, '|')
    }

    fn is_choice(&self) -> bool {
        Self::is_punct(self.peek(), '|')
            && Self::is_punct(self.peek_at(1), '|')
            && !self.peek_at(1).space_before
    }

    fn il_statement(&mut self) -> PResult<IlStatement> {
        let mut pipeline = vec![self.il_expr()?];
        loop {
            let t = self.il_peek();
            if self.is_pipe(t) && !self.is_choice() {
                self.bump();
                self.skip_nl();
                pipeline.push(self.il_expr()?);
            } else {
                break;
            }
        }
        Ok(IlStatement { pipeline })
    }

    fn il_expr(&mut self) -> PResult<IlExpr> {
        let first = self.il_cat()?;
        let mut items = vec![first];
        loop {
            self.il_peek();
            if self.is_choice() {
                self.bump();
                self.bump();
                self.skip_nl();
                items.push(self.il_cat()?);
            } else {
                break;
            }
        }
        Ok(if items.len() == 1 {
            items
                .pop()
                .unwrap_or(IlExpr::Literal(IlLiteral::Word(String::new())))
        } else {
            IlExpr::Choice(items)
        })
    }

    fn il_cat(&mut self) -> PResult<IlExpr> {
        let mut items = vec![self.il_math()?];
        loop {
            let t = self.il_peek();
            if Self::is_punct(t, '.') {
                self.bump();
                self.skip_nl();
                items.push(self.il_math()?);
            } else {
                break;
            }
        }
        Ok(if items.len() == 1 {
            items
                .pop()
                .unwrap_or(IlExpr::Literal(IlLiteral::Word(String::new())))
        } else {
            IlExpr::Cat(items)
        })
    }

    fn il_math(&mut self) -> PResult<IlExpr> {
        let first = self.il_value()?;
        let mut rest = Vec::new();
        loop {
            let t = self.il_peek();
            let op = match t.kind {
                Tok::Punct('+') => ArithOp::Add,
                Tok::Punct('-') => ArithOp::Sub,
                Tok::Punct('*') => ArithOp::Mul,
                Tok::Punct('/') => ArithOp::Div,
                Tok::Punct('%') => ArithOp::Mod,
                _ => break,
            };
            self.bump();
            self.skip_nl();
            rest.push((op, self.il_value()?));
        }
        Ok(if rest.is_empty() {
            first
        } else {
            IlExpr::Arith {
                first: Box::new(first),
                rest,
            }
        })
    }

    fn il_block(&mut self) -> PResult<Vec<IlStatement>> {
        let open = self.expect_punct('{', "`{`")?;
        self.il_depth += 1;
        let mut stmts = Vec::new();
        loop {
            let t = self.sig();
            if Self::is_punct(t, '}') {
                self.bump();
                break;
            }
            if t.kind == Tok::Eof {
                return Err(self.err_at(
                    t,
                    format!(
                        "expected `}}` to close the indexing block opened at {}:{}, found end of file",
                        open.line, open.col
                    ),
                ));
            }
            if self.eat_punct(';') {
                continue;
            }
            stmts.push(self.il_statement()?);
            let t = self.sig();
            if !(Self::is_punct(t, ';') || Self::is_punct(t, '}')) {
                return Err(self.expected("`;` or `}` in an indexing block"));
            }
        }
        self.il_depth -= 1;
        Ok(stmts)
    }

    fn il_literal(&mut self) -> Option<IlLiteral> {
        let t = self.peek();
        match t.kind {
            Tok::Str => {
                self.bump();
                Some(IlLiteral::Str(lexer::unquote(self.img(t))))
            }
            Tok::Number => {
                self.bump();
                Some(IlLiteral::Number(self.img(t).to_string()))
            }
            Tok::Punct('-')
                if self.peek_at(1).kind == Tok::Number && !self.peek_at(1).space_before =>
            {
                self.bump();
                let n = self.bump();
                Some(IlLiteral::Number(format!("-{}", self.img(n))))
            }
            _ => None,
        }
    }

    fn il_value(&mut self) -> PResult<IlExpr> {
        let t = self.il_peek();
        if let Some(lit) = self.il_literal() {
            return Ok(IlExpr::Literal(lit));
        }
        match t.kind {
            Tok::Punct('(') => {
                self.bump();
                self.il_depth += 1;
                let s = self.il_statement()?;
                self.skip_nl();
                self.expect_punct(')', "`)` in indexing script")?;
                self.il_depth -= 1;
                Ok(IlExpr::Paren(Box::new(s)))
            }
            Tok::Punct('{') => Ok(IlExpr::Block(self.il_block()?)),
            Tok::Ident => {
                let name = self.word("an indexing expression")?;
                match name.as_str() {
                    "if" => self.il_if(),
                    "switch" => self.il_switch(),
                    "select_input" => self.il_select_input(),
                    "true" | "false" => Ok(IlExpr::Literal(IlLiteral::Word(name))),
                    _ => self.il_call(name),
                }
            }
            _ => Err(self.expected("an indexing expression")),
        }
    }

    fn il_call(&mut self, name: String) -> PResult<IlExpr> {
        let max = il_max_args(&name);
        let mut args = Vec::new();
        loop {
            if max.is_some_and(|m| args.len() >= m) {
                break;
            }
            // Arguments never continue on the next line.
            let t = self.peek();
            match t.kind {
                Tok::Ident => {
                    let w = self.img(t);
                    if matches!(w, "else" | "case" | "default") {
                        break;
                    }
                    let save = self.pos;
                    let word = self.dotted("an argument")?;
                    if Self::is_punct(self.peek(), ':') {
                        self.bump();
                        if let Some(lit) = self.il_literal() {
                            args.push(IlArg::KeyValue(word, lit));
                        } else if self.peek().kind == Tok::Ident {
                            let v = self.dotted("a value")?;
                            args.push(IlArg::KeyValue(word, IlLiteral::Word(v)));
                        } else {
                            self.pos = save;
                            break;
                        }
                    } else {
                        args.push(IlArg::Word(word));
                    }
                }
                Tok::Str | Tok::Number => {
                    if let Some(lit) = self.il_literal() {
                        args.push(IlArg::Literal(lit));
                    }
                }
                Tok::Punct('{') => args.push(IlArg::Block(self.il_block()?)),
                _ => break,
            }
        }
        // `attribute NAME` / `index NAME` / `summary NAME` naming the field itself.
        if matches!(name.as_str(), "attribute" | "index" | "summary")
            && let [IlArg::Word(w)] = args.as_slice()
            && self.il_field.as_deref() == Some(w.as_str())
        {
            args.clear();
        }
        Ok(IlExpr::Call { name, args })
    }

    fn il_if(&mut self) -> PResult<IlExpr> {
        self.il_peek();
        self.expect_punct('(', "`(` after `if`")?;
        self.il_depth += 1;
        let lhs = self.il_cat()?;
        self.skip_nl();
        let t = self.peek();
        let cmp = match t.kind {
            Tok::Punct(c @ ('=' | '!' | '<' | '>')) => {
                self.bump();
                let n = self.peek();
                if Self::is_punct(n, '=') && !n.space_before {
                    self.bump();
                    format!("{c}=")
                } else if c == '<' || c == '>' {
                    c.to_string()
                } else {
                    return Err(self.err_at(
                        t,
                        "expected a comparison (`==`, `!=`, `<`, `<=`, `>`, `>=`)",
                    ));
                }
            }
            _ => return Err(self.expected("a comparison (`==`, `!=`, `<`, `<=`, `>`, `>=`)")),
        };
        self.skip_nl();
        let rhs = self.il_cat()?;
        self.skip_nl();
        self.expect_punct(')', "`)` to close the `if` condition")?;
        self.il_depth -= 1;
        self.il_peek();
        let then = self.il_block()?;
        let save = self.pos;
        let t = self.il_peek();
        let otherwise = if t.kind == Tok::Ident && self.img(t) == "else" {
            self.bump();
            self.il_peek();
            Some(self.il_block()?)
        } else {
            self.pos = save;
            None
        };
        Ok(IlExpr::If {
            lhs: Box::new(lhs),
            cmp,
            rhs: Box::new(rhs),
            then,
            otherwise,
        })
    }

    fn il_switch(&mut self) -> PResult<IlExpr> {
        self.il_peek();
        let open = self.expect_punct('{', "`{` after `switch`")?;
        self.il_depth += 1;
        let mut cases = Vec::new();
        let mut default = None;
        loop {
            let t = self.sig();
            if Self::is_punct(t, '}') {
                self.bump();
                break;
            }
            if t.kind == Tok::Eof {
                return Err(self.err_at(
                    t,
                    format!(
                        "expected `}}` to close `switch` (opened at {}:{}), found end of file",
                        open.line, open.col
                    ),
                ));
            }
            match self.peek_word() {
                Some("case") => {
                    self.bump();
                    let s = self.peek();
                    if s.kind != Tok::Str {
                        return Err(self.expected("a quoted string after `case`"));
                    }
                    self.bump();
                    self.expect_punct(':', "`:` after the case value")?;
                    self.skip_nl();
                    let stmt = self.il_statement()?;
                    cases.push((lexer::unquote(self.img(s)), stmt));
                }
                Some("default") => {
                    self.bump();
                    self.expect_punct(':', "`:` after `default`")?;
                    self.skip_nl();
                    default = Some(Box::new(self.il_statement()?));
                }
                _ => return Err(self.expected("`case` or `default` in `switch`")),
            }
            self.skip_nl();
            if !self.eat_punct(';') && !Self::is_punct(self.peek(), '}') {
                return Err(self.expected("`;` after a `switch` case"));
            }
        }
        self.il_depth -= 1;
        Ok(IlExpr::Switch { cases, default })
    }

    fn il_select_input(&mut self) -> PResult<IlExpr> {
        self.il_peek();
        let open = self.expect_punct('{', "`{` after `select_input`")?;
        self.il_depth += 1;
        let mut cases = Vec::new();
        loop {
            let t = self.sig();
            if Self::is_punct(t, '}') {
                self.bump();
                break;
            }
            if t.kind == Tok::Eof {
                return Err(self.err_at(
                    t,
                    format!(
                        "expected `}}` to close `select_input` (opened at {}:{}), found end of file",
                        open.line, open.col
                    ),
                ));
            }
            let name = self.dotted("a field name in `select_input`")?;
            self.expect_punct(':', "`:` after the field name")?;
            self.skip_nl();
            cases.push((name, self.il_statement()?));
            self.skip_nl();
            if !self.eat_punct(';') && !Self::is_punct(self.peek(), '}') {
                return Err(self.expected("`;` after a `select_input` case"));
            }
        }
        self.il_depth -= 1;
        Ok(IlExpr::SelectInput { cases })
    }

    // --------------------------------------------------------------------------------------
    // Schema-level elements
    // --------------------------------------------------------------------------------------

    /// `fieldset NAME { … }` (at the keyword).
    fn fieldset(&mut self) -> PResult<FieldSet> {
        self.bump();
        let mut fs = FieldSet {
            name: self.ident("a fieldset name")?,
            ..FieldSet::default()
        };
        let what = format!("`fieldset {}`", fs.name);
        let open = self.open_brace(&what)?;
        self.block(open, &what, |p| {
            match p.keyword(&what)? {
                "fields" => {
                    p.bump();
                    p.colon("fields")?;
                    fs.fields.extend(p.word_list("a field name")?);
                }
                "query-command" => {
                    p.word("query-command")?;
                    p.colon("query-command")?;
                    fs.query_commands.push(p.word_or_string("a query command")?);
                }
                "match" => {
                    p.word("match")?;
                    p.match_element(&mut fs.match_settings, &what)?;
                }
                _ => return Err(p.unexpected(&what, "`fields`, `query-command` or `match`")),
            }
            Ok(())
        })?;
        Ok(fs)
    }

    /// `import field REF.FIELD as NAME {}` (at the keyword).
    fn import_field(&mut self) -> PResult<ImportedField> {
        self.bump();
        if !self.eat_word("field") {
            return Err(self.expected("`field` after `import`"));
        }
        let t = self.peek();
        let spec = self.dotted("`REFERENCE_FIELD.FIELD`")?;
        let Some((reference_field, target_field)) = spec.split_once('.') else {
            return Err(self.err_at(
                t,
                format!("illegal field reference `{spec}`: expected `REFERENCE_FIELD.FIELD`"),
            ));
        };
        if target_field.contains('.') {
            return Err(self.err_at(
                t,
                format!("illegal field reference `{spec}`: it must contain a single `.`"),
            ));
        }
        self.skip_nl();
        if !self.eat_word("as") {
            return Err(self.expected(&format!("`as` after `import field {spec}`")));
        }
        let name = self.ident("the imported field's name")?;
        let save = self.pos;
        if Self::is_punct(self.sig(), '{') {
            let open = self.bump();
            self.skip_nl();
            if !Self::is_punct(self.peek(), '}') {
                return Err(self.expected(&format!(
                    "`}}` to close `import field {spec} as {name} {{` (opened at {}:{}); the block is empty",
                    open.line, open.col
                )));
            }
            self.bump();
        } else {
            self.pos = save;
        }
        Ok(ImportedField {
            name,
            reference_field: reference_field.to_string(),
            target_field: target_field.to_string(),
        })
    }

    /// Schema-level `constant NAME { … }` (at the keyword).
    fn schema_constant(&mut self) -> PResult<Constant> {
        self.bump();
        let mut c = Constant {
            name: self.ident("a constant name")?,
            ..Constant::default()
        };
        let what = format!("`constant {}`", c.name);
        let open = self.open_brace(&what)?;
        let mut typed = false;
        self.block(open, &what, |p| {
            match p.keyword(&what)? {
                "file" => {
                    p.bump();
                    p.colon("file")?;
                    c.file = Some(p.path_value("file")?);
                }
                "uri" => {
                    p.bump();
                    p.colon("uri")?;
                    c.uri = Some(p.path_value("uri")?);
                }
                "type" => {
                    p.bump();
                    p.colon("type")?;
                    if p.peek_word() != Some("tensor") {
                        return Err(p.expected("a tensor type"));
                    }
                    p.bump();
                    c.ty = p.tensor_type_rest()?;
                    typed = true;
                }
                _ => return Err(p.unexpected(&what, "`file`, `uri` or `type`")),
            }
            Ok(())
        })?;
        if !typed {
            return Err(self.err_at(open, format!("constant `{}` must have a type", c.name)));
        }
        Ok(c)
    }

    /// `onnx-model NAME { … }` (at the keyword).
    fn onnx_model(&mut self) -> PResult<OnnxModel> {
        self.word("onnx-model")?;
        let mut m = OnnxModel {
            name: self.ident("an onnx-model name")?,
            ..OnnxModel::default()
        };
        let what = format!("`onnx-model {}`", m.name);
        let open = self.open_brace(&what)?;
        self.block(open, &what, |p| {
            match p.keyword(&what)? {
                "file" => {
                    p.bump();
                    p.colon("file")?;
                    m.file = Some(p.path_value("file")?);
                }
                "uri" => {
                    p.bump();
                    p.colon("uri")?;
                    m.uri = Some(p.path_value("uri")?);
                }
                "gpu-device" => {
                    p.word("gpu-device")?;
                    p.colon("gpu-device")?;
                    m.gpu_device = Some(p.int_value("gpu-device")?);
                }
                "intraop-threads" => {
                    p.word("intraop-threads")?;
                    p.colon("intraop-threads")?;
                    m.intraop_threads = Some(p.int_value("intraop-threads")?);
                }
                "interop-threads" => {
                    p.word("interop-threads")?;
                    p.colon("interop-threads")?;
                    m.interop_threads = Some(p.int_value("interop-threads")?);
                }
                "execution-mode" => {
                    p.word("execution-mode")?;
                    p.colon("execution-mode")?;
                    m.execution_mode = Some(p.word("`parallel` or `sequential`")?);
                }
                kw @ ("input" | "output") => {
                    p.bump();
                    let (name, value) = p.onnx_mapping(kw)?;
                    if kw == "input" {
                        m.inputs.insert(name, value);
                    } else {
                        m.outputs.insert(name, value);
                    }
                }
                _ => m.other.push(p.raw_element(&what)?),
            }
            Ok(())
        })?;
        Ok(m)
    }

    /// `NAME: VALUE` of an onnx `input`/`output` (NAME may be quoted).
    fn onnx_mapping(&mut self, kw: &str) -> PResult<(String, String)> {
        let t = self.peek();
        let name = if t.kind == Tok::Str {
            self.bump();
            lexer::unquote(self.img(t))
        } else {
            let start = self.pos;
            while !matches!(self.peek().kind, Tok::Punct(':') | Tok::Newline | Tok::Eof) {
                self.bump();
            }
            if start == self.pos {
                return Err(self.expected(&format!("a name after `{kw}`")));
            }
            self.join((start, self.pos)).0
        };
        self.colon(kw)?;
        let value = self.line_text(kw)?;
        Ok((name, value))
    }

    /// `document-summary NAME [inherits A, B] { … }` (at the keyword).
    fn document_summary(&mut self) -> PResult<DocumentSummary> {
        self.word("document-summary")?;
        let mut d = DocumentSummary {
            name: self.word("a document-summary name")?,
            ..DocumentSummary::default()
        };
        if self.sig().kind == Tok::Ident && self.eat_word("inherits") {
            d.inherits.push(self.word("an inherited document-summary")?);
            while self.eat_punct(',') {
                self.skip_nl();
                d.inherits.push(self.word("an inherited document-summary")?);
            }
        }
        let what = format!("`document-summary {}`", d.name);
        let open = self.open_brace(&what)?;
        self.block(open, &what, |p| {
            match p.keyword(&what)? {
                "from-disk" => {
                    p.word("from-disk")?;
                    d.from_disk = true;
                }
                "omit-summary-features" => {
                    p.word("omit-summary-features")?;
                    d.omit_summary_features = true;
                }
                "summary" => {
                    p.bump();
                    let name = p.dotted("a summary field name")?;
                    let mut ty = None;
                    if p.sig().kind == Tok::Ident && p.eat_word("type") {
                        ty = Some(p.data_type()?);
                    }
                    let s = summary_entry(&mut d.fields, &name);
                    if ty.is_some() {
                        s.ty = ty;
                    }
                    let inner = format!("`summary {name}` in {what}");
                    let open = p.open_brace(&inner)?;
                    p.block(open, &inner, |p| p.summary_item(s, &inner))?;
                }
                _ => {
                    return Err(
                        p.unexpected(&what, "`summary`, `from-disk` or `omit-summary-features`")
                    );
                }
            }
            Ok(())
        })?;
        Ok(d)
    }

    // --------------------------------------------------------------------------------------
    // Rank profiles
    // --------------------------------------------------------------------------------------

    /// After `rank-profile`: `NAME [inherits A, B] { … }`.
    fn rank_profile(&mut self) -> PResult<RankProfile> {
        let mut rp = RankProfile {
            name: self.word("a rank-profile name")?,
            ..RankProfile::default()
        };
        if self.sig().kind == Tok::Ident && self.eat_word("inherits") {
            rp.inherits.push(self.word("an inherited rank-profile")?);
            while self.eat_punct(',') {
                self.skip_nl();
                rp.inherits.push(self.word("an inherited rank-profile")?);
            }
        }
        let what = format!("`rank-profile {}`", rp.name);
        let open = self.open_brace(&what)?;
        self.block(open, &what, |p| p.rank_profile_item(&mut rp, &what))?;
        Ok(rp)
    }

    fn rank_profile_item(&mut self, rp: &mut RankProfile, context: &str) -> PResult<()> {
        let at = self.peek();
        let kw = self.keyword(context)?;
        match kw {
            "inputs" => {
                self.bump();
                let open = self.open_brace(&format!("`inputs` in {context}"))?;
                self.block(open, "`inputs`", |p| {
                    let at = p.peek();
                    let input = p.input()?;
                    if rp.inputs.contains_key(&input.name) {
                        return Err(p.err_at(
                            at,
                            format!("input `{}` is declared twice in {context}", input.name),
                        ));
                    }
                    rp.inputs.insert(input.name.clone(), input);
                    Ok(())
                })?;
            }
            "constants" => {
                self.bump();
                let open = self.open_brace(&format!("`constants` in {context}"))?;
                self.block(open, "`constants`", |p| {
                    let at = p.peek();
                    let c = p.profile_constant()?;
                    if rp.constants.contains_key(&c.name) {
                        return Err(p.err_at(
                            at,
                            format!("constant `{}` is declared twice in {context}", c.name),
                        ));
                    }
                    rp.constants.insert(c.name.clone(), c);
                    Ok(())
                })?;
            }
            "function" | "macro" => {
                self.bump();
                let f = self.function()?;
                if rp.functions.contains_key(&f.name) {
                    return Err(self.err_at(
                        at,
                        format!("function `{}` is defined twice in {context}", f.name),
                    ));
                }
                rp.functions.insert(f.name.clone(), f);
            }
            "first-phase" | "second-phase" | "global-phase" => {
                let name = self.word("phase")?;
                let slot = match name.as_str() {
                    "first-phase" => &mut rp.first_phase,
                    "second-phase" => &mut rp.second_phase,
                    _ => &mut rp.global_phase,
                };
                let phase = slot.get_or_insert_with(Phase::default);
                let what = format!("`{name}` in {context}");
                let open = self.open_brace(&what)?;
                self.block(open, &what, |p| p.phase_item(phase, &what))?;
            }
            "match-features" | "summary-features" | "rank-features" => {
                let name = self.word("features")?;
                let list = self.feature_list(&name)?;
                let slot = match name.as_str() {
                    "match-features" => &mut rp.match_features,
                    "summary-features" => &mut rp.summary_features,
                    _ => &mut rp.rank_features,
                };
                match slot {
                    Some(existing) => {
                        existing.features.extend(list.features);
                        if list.inherits.is_some() {
                            existing.inherits = list.inherits;
                        }
                    }
                    None => *slot = Some(list),
                }
            }
            "rank-properties" => {
                self.word("rank-properties")?;
                let what = format!("`rank-properties` in {context}");
                let open = self.open_brace(&what)?;
                self.block(open, &what, |p| {
                    let start = p.pos;
                    let mut depth = 0usize;
                    loop {
                        let t = p.peek();
                        match t.kind {
                            Tok::Punct(':') if depth == 0 => break,
                            Tok::Punct('(') => depth += 1,
                            Tok::Punct(')') => depth = depth.saturating_sub(1),
                            Tok::Newline | Tok::Eof | Tok::Punct('}') => {
                                return Err(p.expected("`:` after a rank property name"));
                            }
                            _ => {}
                        }
                        p.bump();
                    }
                    let key = p.join((start, p.pos)).1;
                    if key.is_empty() {
                        return Err(p.expected("a rank property name"));
                    }
                    p.bump();
                    let range = p.line_range();
                    let value = p.join(range).1;
                    rp.rank_properties.push((key, value));
                    Ok(())
                })?;
            }
            "onnx-model" => {
                let m = self.onnx_model()?;
                rp.onnx_models.insert(m.name.clone(), m);
            }
            "match-phase" => {
                self.word("match-phase")?;
                let mp = rp.match_phase.get_or_insert_with(MatchPhase::default);
                let what = format!("`match-phase` in {context}");
                let open = self.open_brace(&what)?;
                self.block(open, &what, |p| p.match_phase_item(mp, &what))?;
            }
            "diversity" => {
                self.bump();
                let d = rp.diversity.get_or_insert_with(Diversity::default);
                self.diversity_block(d, context)?;
            }
            "mutate" => {
                self.bump();
                let what = format!("`mutate` in {context}");
                let open = self.open_brace(&what)?;
                self.block(open, &what, |p| {
                    let phase =
                        p.word("`on-match`, `on-first-phase`, `on-second-phase` or `on-summary`")?;
                    let inner = format!("`{phase}` in {what}");
                    let open = p.open_brace(&inner)?;
                    p.skip_nl();
                    let attribute = p.ident("an attribute name")?;
                    let range = p.brace_range(open, &inner)?;
                    let operation = p.join(range).1;
                    rp.mutate.push(MutateOperation {
                        phase,
                        attribute,
                        operation,
                    });
                    Ok(())
                })?;
            }
            "num-threads-per-search" | "min-hits-per-thread" | "num-search-partitions" => {
                let name = self.word("setting")?;
                self.colon(&name)?;
                let v = Some(self.int_value(&name)?);
                match name.as_str() {
                    "num-threads-per-search" => rp.num_threads_per_search = v,
                    "min-hits-per-thread" => rp.min_hits_per_thread = v,
                    _ => rp.num_search_partitions = v,
                }
            }
            "termwise-limit"
            | "post-filter-threshold"
            | "approximate-threshold"
            | "target-hits-max-adjustment-factor" => {
                let name = self.word("setting")?;
                self.colon(&name)?;
                let v = Some(self.num_value(&name)?);
                match name.as_str() {
                    "termwise-limit" => rp.termwise_limit = v,
                    "post-filter-threshold" => rp.post_filter_threshold = v,
                    "approximate-threshold" => rp.approximate_threshold = v,
                    _ => rp.target_hits_max_adjustment_factor = v,
                }
            }
            "ignore-default-rank-features" => {
                self.word("ignore-default-rank-features")?;
                rp.ignore_default_rank_features = true;
            }
            "strict" => {
                self.bump();
                self.colon("strict")?;
                rp.strict = Some(self.bool_value("strict")?);
            }
            "weight" if self.peek_at(1).kind == Tok::Ident => {
                self.bump();
                let field = self.dotted("a field name")?;
                self.colon("weight")?;
                let w = self.int_value("weight")?;
                rp.field_weights.insert(field, w);
            }
            "rank-type" if self.peek_at(3).kind == Tok::Ident => {
                self.word("rank-type")?;
                let field = self.dotted("a field name")?;
                self.colon("rank-type")?;
                let t = self.word("a rank type")?;
                rp.field_rank_types.insert(field, t);
            }
            "rank" if self.peek_at(1).kind == Tok::Ident => {
                self.bump();
                let field = self.dotted("a field name")?;
                let r = rp.field_rank.entry(field.clone()).or_default();
                self.rank_element(r, &format!("`rank {field}` in {context}"))?;
            }
            _ => rp.other.push(self.raw_element(context)?),
        }
        Ok(())
    }

    /// One line of `inputs`: `query(x) TYPE [: DEFAULT]` or `x TYPE …`.
    fn input(&mut self) -> PResult<Input> {
        let name = self.feature_name("query")?;
        let ty = self.value_type()?.unwrap_or_else(ValueType::double);
        let default = if self.eat_punct(':') {
            let range = self.line_range();
            if range.0 == range.1 {
                return Err(self.expected(&format!("a default value for `{name}`")));
            }
            Some(self.expr_from(range)?)
        } else {
            None
        };
        let t = self.peek();
        if !matches!(t.kind, Tok::Newline | Tok::Eof | Tok::Punct('}')) {
            return Err(self.err_at(
                t,
                format!("unexpected {} after input `{name}`", self.describe(t)),
            ));
        }
        Ok(Input { name, ty, default })
    }

    /// `WRAP(name)` or `name`; returns `WRAP(name)` for inputs, bare `name` for constants.
    fn feature_name(&mut self, wrap: &str) -> PResult<String> {
        let t = self.peek();
        if t.kind == Tok::Ident && self.img(t) == wrap && Self::is_punct(self.peek_at(1), '(') {
            self.bump();
            self.bump();
            let name = self.ident(&format!("a name in `{wrap}(…)`"))?;
            self.expect_punct(')', &format!("`)` to close `{wrap}({name}`"))?;
            return Ok(if wrap == "query" {
                format!("query({name})")
            } else {
                name
            });
        }
        let name = self.ident(&format!("a {wrap} name"))?;
        Ok(if wrap == "query" {
            format!("query({name})")
        } else {
            name
        })
    }

    /// One entry of `constants`.
    fn profile_constant(&mut self) -> PResult<ProfileConstant> {
        let name = self.feature_name("constant")?;
        if Self::is_punct(self.peek(), '{') {
            // Deprecated `NAME { type: …  value: … }`.
            let open = self.bump();
            let mut ty = ValueType::double();
            let mut value: Option<ConstantValue> = None;
            let what = format!("constant `{name}`");
            self.block(open, &what, |p| {
                match p.keyword(&what)? {
                    "type" => {
                        p.bump();
                        p.colon("type")?;
                        ty = p.value_type()?.ok_or_else(|| p.expected("a type"))?;
                    }
                    "value" => {
                        p.bump();
                        let range = if p.eat_punct(':') {
                            p.line_range()
                        } else {
                            let open = p.open_brace("`value`")?;
                            p.brace_range(open, "`value {`")?
                        };
                        value = Some(ConstantValue::Literal(p.expr_from(range)?));
                    }
                    "file" => {
                        p.bump();
                        p.colon("file")?;
                        value = Some(ConstantValue::File(p.path_value("file")?));
                    }
                    _ => return Err(p.unexpected(&what, "`type` or `value`")),
                }
                Ok(())
            })?;
            let value = value
                .ok_or_else(|| self.err_at(open, format!("constant `{name}` has no value")))?;
            return Ok(ProfileConstant { name, ty, value });
        }
        let ty = self.value_type()?.unwrap_or_else(ValueType::double);
        self.colon(&format!("constant `{name}`"))?;
        self.skip_nl();
        let value = if self.peek_word() == Some("file") && Self::is_punct(self.peek_at(1), ':') {
            self.bump();
            self.bump();
            ConstantValue::File(self.path_value("file")?)
        } else {
            let range = self.line_range();
            if range.0 == range.1 {
                return Err(self.expected(&format!("a value for constant `{name}`")));
            }
            ConstantValue::Literal(self.expr_from(range)?)
        };
        Ok(ProfileConstant { name, ty, value })
    }

    /// After `function`: `[inline] NAME(params) { expression … }`.
    fn function(&mut self) -> PResult<Function> {
        let mut inline = false;
        if self.peek_word() == Some("inline") && self.peek_at(1).kind == Tok::Ident {
            self.bump();
            inline = true;
        }
        let name = self.ident("a function name")?;
        self.expect_punct('(', &format!("`(` after function `{name}`"))?;
        let mut params = Vec::new();
        if !self.eat_punct(')') {
            loop {
                self.skip_nl();
                params.push(self.ident("a parameter name")?);
                self.skip_nl();
                if self.eat_punct(')') {
                    break;
                }
                self.expect_punct(',', "`,` or `)` in the parameter list")?;
            }
        }
        let what = format!("function `{name}`");
        let open = self.open_brace(&what)?;
        let mut expression = None;
        self.block(open, &what, |p| {
            if p.keyword(&what)? != "expression" {
                return Err(p.unexpected(&what, "`expression`"));
            }
            p.bump();
            expression = Some(p.expression_body()?);
            Ok(())
        })?;
        let expression = expression
            .ok_or_else(|| self.err_at(open, format!("function `{name}` has no expression")))?;
        Ok(Function {
            name,
            params,
            inline,
            expression,
        })
    }

    fn phase_item(&mut self, ph: &mut Phase, context: &str) -> PResult<()> {
        match self.keyword(context)? {
            "expression" => {
                self.bump();
                ph.expression = Some(self.expression_body()?);
            }
            "rerank-count" => {
                self.word("rerank-count")?;
                self.colon("rerank-count")?;
                ph.rerank_count = Some(self.int_value("rerank-count")?);
            }
            "keep-rank-count" => {
                self.word("keep-rank-count")?;
                self.colon("keep-rank-count")?;
                ph.keep_rank_count = Some(self.int_value("keep-rank-count")?);
            }
            "rank-score-drop-limit" => {
                self.word("rank-score-drop-limit")?;
                self.colon("rank-score-drop-limit")?;
                ph.rank_score_drop_limit = Some(self.num_value("rank-score-drop-limit")?);
            }
            _ => ph.other.push(self.raw_element(context)?),
        }
        Ok(())
    }

    /// After `match-features` & co: `: F F …` or `[inherits P] { F … }`.
    fn feature_list(&mut self, name: &str) -> PResult<FeatureList> {
        let mut list = FeatureList::default();
        let range = if self.eat_punct(':') {
            let start = self.pos;
            while !matches!(self.peek().kind, Tok::Newline | Tok::Eof | Tok::Punct('}')) {
                self.bump();
            }
            (start, self.pos)
        } else {
            if self.sig().kind == Tok::Ident && self.eat_word("inherits") {
                list.inherits = Some(self.word("an inherited rank-profile")?);
            }
            let open = self.open_brace(&format!("`{name}`"))?;
            self.brace_range(open, &format!("`{name} {{`"))?
        };
        self.balanced(range)?;
        let toks = &self.toks[range.0..range.1];
        let mut depth = 0usize;
        let mut start: Option<usize> = None;
        for (i, t) in toks.iter().enumerate() {
            let boundary = depth == 0 && (t.space_before || t.kind == Tok::Newline);
            if boundary && let Some(s) = start.take() {
                list.features
                    .insert(lexer::join_tokens(self.src, &toks[s..i]).1);
            }
            match t.kind {
                Tok::Newline => continue,
                Tok::Punct('(' | '[' | '{') => depth += 1,
                Tok::Punct(')' | ']' | '}') => depth = depth.saturating_sub(1),
                _ => {}
            }
            if start.is_none() {
                start = Some(i);
            }
        }
        if let Some(s) = start {
            list.features
                .insert(lexer::join_tokens(self.src, &toks[s..]).1);
        }
        Ok(list)
    }

    fn match_phase_item(&mut self, mp: &mut MatchPhase, context: &str) -> PResult<()> {
        match self.keyword(context)? {
            "attribute" => {
                self.bump();
                self.colon("attribute")?;
                mp.attribute = Some(self.dotted("an attribute name")?);
            }
            "order" => {
                self.bump();
                self.colon("order")?;
                mp.order = Some(match self.word("`ascending` or `descending`")?.as_str() {
                    "ascending" => SortOrder::Ascending,
                    "descending" => SortOrder::Descending,
                    _ => {
                        return Err(self.err_at(
                            self.toks[self.pos - 1],
                            "expected `ascending` or `descending`",
                        ));
                    }
                });
            }
            "max-hits" => {
                self.word("max-hits")?;
                self.colon("max-hits")?;
                mp.max_hits = Some(self.int_value("max-hits")?);
            }
            "max-filter-coverage" => {
                self.word("max-filter-coverage")?;
                self.colon("max-filter-coverage")?;
                mp.max_filter_coverage = Some(self.num_value("max-filter-coverage")?);
            }
            "evaluation-point" => {
                self.word("evaluation-point")?;
                self.colon("evaluation-point")?;
                mp.evaluation_point = Some(self.num_value("evaluation-point")?);
            }
            "pre-post-filter-tipping-point" => {
                self.word("pre-post-filter-tipping-point")?;
                self.colon("pre-post-filter-tipping-point")?;
                mp.pre_post_filter_tipping_point =
                    Some(self.num_value("pre-post-filter-tipping-point")?);
            }
            "diversity" => {
                self.bump();
                let d = mp.diversity.get_or_insert_with(Diversity::default);
                self.diversity_block(d, context)?;
            }
            _ => {
                return Err(self.unexpected(
                    context,
                    "`attribute`, `order`, `max-hits`, `max-filter-coverage`, `evaluation-point`, `pre-post-filter-tipping-point` or `diversity`",
                ));
            }
        }
        Ok(())
    }

    fn diversity_block(&mut self, d: &mut Diversity, context: &str) -> PResult<()> {
        let what = format!("`diversity` in {context}");
        let open = self.open_brace(&what)?;
        self.block(open, &what, |p| {
            match p.keyword(&what)? {
                "attribute" => {
                    p.bump();
                    p.colon("attribute")?;
                    d.attribute = Some(p.dotted("an attribute name")?);
                }
                "min-groups" => {
                    p.word("min-groups")?;
                    p.colon("min-groups")?;
                    d.min_groups = Some(p.int_value("min-groups")?);
                }
                "cutoff-factor" => {
                    p.word("cutoff-factor")?;
                    p.colon("cutoff-factor")?;
                    d.cutoff_factor = Some(p.num_value("cutoff-factor")?);
                }
                "cutoff-strategy" => {
                    p.word("cutoff-strategy")?;
                    p.colon("cutoff-strategy")?;
                    d.cutoff_strategy = Some(p.word("`strict` or `loose`")?);
                }
                _ => {
                    return Err(p.unexpected(
                        &what,
                        "`attribute`, `min-groups`, `cutoff-factor` or `cutoff-strategy`",
                    ));
                }
            }
            Ok(())
        })
    }
}

/// The most arguments an indexing function takes (`None`: any number).
fn il_max_args(name: &str) -> Option<usize> {
    match name {
        "input" | "attribute" | "index" | "summary" | "passthrough" | "get_field" | "get_var"
        | "set_var" | "join" | "split" | "ngram" | "random" => Some(1),
        "substring" => Some(2),
        "set_language" | "lowercase" | "to_array" | "trim" | "now" | "echo" | "flatten"
        | "this" | "hostname" | "base64decode" | "base64encode" | "hexdecode" | "hexencode"
        | "clear_state" | "optimize_predicate" | "to_int" | "to_long" | "to_float"
        | "to_double" | "to_byte" | "to_bool" | "to_string" | "to_pos" | "to_uri"
        | "to_epoch_second" | "zcurve" | "pack_bits" | "_" => Some(0),
        _ => None,
    }
}

fn summary_transform(w: &str) -> Option<SummaryTransform> {
    Some(match w {
        "dynamic" => SummaryTransform::Dynamic,
        "matched-elements-only" => SummaryTransform::MatchedElementsOnly,
        "full" | "static" => SummaryTransform::Full,
        "tokens" => SummaryTransform::Tokens,
        _ => return None,
    })
}

fn summary_entry<'m>(
    map: &'m mut IndexMap<String, SummaryField>,
    name: &str,
) -> &'m mut SummaryField {
    map.entry(name.to_string()).or_insert_with(|| SummaryField {
        name: name.to_string(),
        ..SummaryField::default()
    })
}

/// Inserts a uniquely named item or fails with "KIND `name` is already defined in OWNER".
fn insert_unique<V>(
    p: &Parser<'_>,
    at: Token,
    map: &mut IndexMap<String, V>,
    name: String,
    value: V,
    kind: &str,
    owner: &str,
) -> PResult<()> {
    if map.contains_key(&name) {
        return Err(p.err_at(
            at,
            format!("{kind} `{name}` is already defined in `{owner}`"),
        ));
    }
    map.insert(name, value);
    Ok(())
}

/// Folds settings that equal Vespa's defaults into "absent", so equality is semantic.
fn normalize_field(f: &mut Field) {
    if f.index.as_ref() == Some(&IndexSettings::default()) {
        f.index = None;
    }
    if f.dictionary.as_ref() == Some(&Dictionary::default()) {
        f.dictionary = None;
    }
    if f.sorting.as_ref() == Some(&Sorting::default()) {
        f.sorting = None;
    }
}
