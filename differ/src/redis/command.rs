//! A Redis command as one line of text, and back.
//!
//! [`render`] writes arguments the way a person would type them into `redis-cli`, quoting
//! only what needs it. [`parse`] reads a line exactly as `redis-cli` does (its `sdssplitargs`
//! in Redis 7.0), so `parse(&render(args)) == args` for any arguments, byte for byte.

/// Renders arguments as one line, separated by single spaces.
///
/// An argument made only of printable ASCII other than `"`, `'` and `\` is written as it is,
/// for example `CONFIG SET maxmemory-policy noeviction`. Any other argument, including the
/// empty one, is written in double quotes, redis-cli style, with the escapes `\"`, `\\`, `\n`,
/// `\r`, `\t`, and `\xHH` for every other control or non-ASCII byte.
pub fn render(args: &[Vec<u8>]) -> String {
    render_all(args.iter().map(Vec::as_slice))
}

/// Renders text arguments as one line; the same as [`render`] on their UTF-8 bytes.
pub fn render_str(args: &[&str]) -> String {
    render_all(args.iter().map(|arg| arg.as_bytes()))
}

/// Parses a line into arguments exactly as `redis-cli` does.
///
/// Blanks separate arguments. Within double quotes the escapes `\xHH`, `\n`, `\r`, `\t`, `\b`
/// and `\a` stand for their bytes and a backslash before any other character stands for that
/// character; within single quotes only `\'` is an escape. A quote may open in the middle of
/// an argument (`foo"bar"` is `foobar`), but a closing quote must be followed by a blank or
/// the end of the line. As in C, a NUL character ends the line.
///
/// Returns an error naming the 1-based column (in characters) of an unclosed quote, or of
/// whatever follows a closing quote too closely.
pub fn parse(line: &str) -> Result<Vec<Vec<u8>>, String> {
    let mut cursor = Cursor::new(line);
    let mut args = Vec::new();
    loop {
        cursor.skip_blanks();
        if cursor.peek(0) == 0 {
            return Ok(args);
        }
        args.push(cursor.argument()?);
    }
}

/// Joins rendered arguments with single spaces.
fn render_all<'a>(args: impl Iterator<Item = &'a [u8]>) -> String {
    args.map(render_arg).collect::<Vec<_>>().join(" ")
}

/// Renders one argument, quoting it only if it needs quotes.
fn render_arg(arg: &[u8]) -> String {
    if needs_quotes(arg) {
        quote(arg)
    } else {
        arg.iter().map(|&byte| char::from(byte)).collect()
    }
}

/// Whether an argument must be quoted to survive [`parse`] and be readable.
fn needs_quotes(arg: &[u8]) -> bool {
    arg.is_empty() || arg.iter().any(|&byte| !is_bare(byte))
}

/// Whether a byte may appear in an unquoted argument.
fn is_bare(byte: u8) -> bool {
    byte.is_ascii_graphic() && !matches!(byte, b'"' | b'\'' | b'\\')
}

/// Writes an argument in double quotes with redis-cli escapes.
fn quote(arg: &[u8]) -> String {
    let mut out = String::with_capacity(arg.len() + 2);
    out.push('"');
    for &byte in arg {
        push_escaped(&mut out, byte);
    }
    out.push('"');
    out
}

/// Appends one byte as it is written inside double quotes.
fn push_escaped(out: &mut String, byte: u8) {
    match byte {
        b'"' => out.push_str("\\\""),
        b'\\' => out.push_str("\\\\"),
        b'\n' => out.push_str("\\n"),
        b'\r' => out.push_str("\\r"),
        b'\t' => out.push_str("\\t"),
        b' '..=b'~' => out.push(char::from(byte)),
        _ => out.push_str(&format!("\\x{byte:02x}")),
    }
}

/// Whether C's `isspace` holds for a byte in the C locale.
fn is_c_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// The value of an ASCII hex digit, if it is one.
fn hex_value(byte: u8) -> Option<u8> {
    char::from(byte)
        .to_digit(16)
        .and_then(|digit| u8::try_from(digit).ok())
}

/// The byte a backslash escape stands for inside double quotes.
fn unescape(byte: u8) -> u8 {
    match byte {
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        b'b' => 0x08,
        b'a' => 0x07,
        other => other,
    }
}

/// A position in a line being parsed.
struct Cursor<'a> {
    /// The line as given, for columns in error messages.
    line: &'a str,
    /// The line's bytes up to its first NUL, if any.
    bytes: &'a [u8],
    /// Offset of the next byte to read.
    pos: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `line`.
    fn new(line: &'a str) -> Self {
        let all = line.as_bytes();
        let end = all.iter().position(|&byte| byte == 0).unwrap_or(all.len());
        Cursor {
            line,
            bytes: &all[..end],
            pos: 0,
        }
    }

    /// The byte `ahead` places past the cursor, or 0 past the end (as in a C string).
    fn peek(&self, ahead: usize) -> u8 {
        self.bytes.get(self.pos + ahead).copied().unwrap_or(0)
    }

    /// Skips the blanks before an argument.
    fn skip_blanks(&mut self) {
        while is_c_space(self.peek(0)) {
            self.pos += 1;
        }
    }

    /// Reads one argument, starting at a byte that is not a blank.
    fn argument(&mut self) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        loop {
            match self.peek(0) {
                0 | b' ' | b'\n' | b'\r' | b'\t' => return Ok(out),
                b'"' => return self.double_quoted(out),
                b'\'' => return self.single_quoted(out),
                byte => {
                    out.push(byte);
                    self.pos += 1;
                }
            }
        }
    }

    /// Reads the rest of an argument from an opening double quote.
    fn double_quoted(&mut self, mut out: Vec<u8>) -> Result<Vec<u8>, String> {
        let open = self.pos;
        self.pos += 1;
        loop {
            match (self.peek(0), self.peek(1)) {
                (0, _) => return Err(self.unclosed("double", open)),
                (b'"', _) => return self.close_quote(out),
                (b'\\', b'x') if self.hex_escape().is_some() => {
                    out.extend(self.hex_escape());
                    self.pos += 4;
                }
                (b'\\', next) if next != 0 => {
                    out.push(unescape(next));
                    self.pos += 2;
                }
                (byte, _) => {
                    out.push(byte);
                    self.pos += 1;
                }
            }
        }
    }

    /// The byte of a `\xHH` escape at the cursor, if there is one.
    fn hex_escape(&self) -> Option<u8> {
        let high = hex_value(self.peek(2))?;
        let low = hex_value(self.peek(3))?;
        Some(high * 16 + low)
    }

    /// Reads the rest of an argument from an opening single quote.
    fn single_quoted(&mut self, mut out: Vec<u8>) -> Result<Vec<u8>, String> {
        let open = self.pos;
        self.pos += 1;
        loop {
            match (self.peek(0), self.peek(1)) {
                (0, _) => return Err(self.unclosed("single", open)),
                (b'\\', b'\'') => {
                    out.push(b'\'');
                    self.pos += 2;
                }
                (b'\'', _) => return self.close_quote(out),
                (byte, _) => {
                    out.push(byte);
                    self.pos += 1;
                }
            }
        }
    }

    /// Accepts the closing quote at the cursor if a blank or the end follows it.
    fn close_quote(&mut self, out: Vec<u8>) -> Result<Vec<u8>, String> {
        let next = self.peek(1);
        if next != 0 && !is_c_space(next) {
            return Err(format!(
                "a closing quote must be followed by a space or the end of the line, \
                 but column {} follows it directly",
                self.column(self.pos + 1)
            ));
        }
        self.pos += 1;
        Ok(out)
    }

    /// The error for a quote that is never closed.
    fn unclosed(&self, kind: &str, open: usize) -> String {
        format!(
            "unbalanced quotes: the {kind} quote at column {} is never closed",
            self.column(open)
        )
    }

    /// The 1-based column, in characters, of a byte offset.
    fn column(&self, offset: usize) -> usize {
        self.line
            .get(..offset)
            .map_or(offset, |before| before.chars().count())
            + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(args: &[&str]) -> Vec<Vec<u8>> {
        args.iter().map(|arg| arg.as_bytes().to_vec()).collect()
    }

    fn parsed(line: &str) -> Vec<Vec<u8>> {
        parse(line).unwrap()
    }

    #[test]
    fn renders_plain_arguments_bare() {
        let line = render_str(&["CONFIG", "SET", "maxmemory-policy", "noeviction"]);
        assert_eq!(line, "CONFIG SET maxmemory-policy noeviction");
    }

    #[test]
    fn renders_nothing_as_empty_line() {
        assert_eq!(render(&[]), "");
        assert_eq!(parsed(""), Vec::<Vec<u8>>::new());
    }

    #[test]
    fn renders_empty_argument_as_empty_quotes() {
        assert_eq!(
            render_str(&["CONFIG", "SET", "save", ""]),
            r#"CONFIG SET save """#
        );
    }

    #[test]
    fn quotes_spaces_and_punctuation_that_parse_treats_specially() {
        assert_eq!(render_str(&["a b"]), r#""a b""#);
        assert_eq!(render_str(&["it's"]), r#""it's""#);
        assert_eq!(render_str(&[r#"say "hi""#]), r#""say \"hi\"""#);
        assert_eq!(render_str(&[r"C:\dir"]), r#""C:\\dir""#);
    }

    #[test]
    fn escapes_control_and_non_ascii_bytes() {
        assert_eq!(render_str(&["a\nb\r\tc"]), r#""a\nb\r\tc""#);
        assert_eq!(
            render(&[vec![0, 7, 0x1b, 0x7f, 0xff]]),
            r#""\x00\x07\x1b\x7f\xff""#
        );
        assert_eq!(render_str(&["é"]), r#""\xc3\xa9""#);
    }

    #[test]
    fn keeps_other_printable_ascii_bare() {
        let arg = "k:{user}1*?[a-z]$@#%&()+,-./;<=>^_`|~";
        assert_eq!(render_str(&[arg]), arg);
    }

    #[test]
    fn output_is_always_ascii() {
        let line = render(&[(0..=255).collect()]);
        assert!(line.is_ascii());
    }

    #[test]
    fn parses_blank_separated_words() {
        assert_eq!(
            parsed("  SET\tkey \n value\r\n"),
            bytes(&["SET", "key", "value"])
        );
    }

    #[test]
    fn vertical_tab_and_form_feed_separate_only_before_an_argument() {
        // sdssplitargs skips any isspace() before an argument but ends a bare argument only
        // at space, tab, newline or carriage return.
        assert_eq!(parsed("\x0b\x0cfoo\x0bbar"), vec![b"foo\x0bbar".to_vec()]);
        assert_eq!(parsed("\"a\"\x0cb"), bytes(&["a", "b"]));
    }

    #[test]
    fn parses_double_quote_escapes() {
        assert_eq!(
            parsed(r#""a\nb\rc\td\be\af""#),
            vec![b"a\nb\rc\td\x08e\x07f".to_vec()]
        );
        assert_eq!(parsed(r#""\"\\\q""#), vec![b"\"\\q".to_vec()]);
        assert_eq!(parsed(r#""\x41\x4a\x4B\xff""#), vec![b"AJK\xff".to_vec()]);
    }

    #[test]
    fn incomplete_hex_escape_is_a_plain_x() {
        assert_eq!(parsed(r#""\x4""#), vec![b"x4".to_vec()]);
        assert_eq!(parsed(r#""\xzz""#), vec![b"xzz".to_vec()]);
        assert_eq!(parsed(r#""\x""#), vec![b"x".to_vec()]);
    }

    #[test]
    fn single_quotes_are_literal_except_escaped_quote() {
        assert_eq!(parsed(r"'a\nb\\ x'"), vec![br"a\nb\\ x".to_vec()]);
        // A backslash before the closing quote escapes it, even after another backslash.
        assert!(parse(r"'ab\\'").unwrap_err().contains("column 1"));
        assert_eq!(parsed(r"'it\'s'"), vec![b"it's".to_vec()]);
        assert_eq!(parsed(r#"'say "hi"'"#), vec![b"say \"hi\"".to_vec()]);
    }

    #[test]
    fn quotes_may_open_mid_argument() {
        assert_eq!(parsed(r#"foo"bar baz" x"#), bytes(&["foobar baz", "x"]));
        assert_eq!(parsed("a'b c'"), bytes(&["ab c"]));
    }

    #[test]
    fn backslash_outside_quotes_is_literal() {
        assert_eq!(
            parsed(r"a\nb \x41"),
            vec![br"a\nb".to_vec(), br"\x41".to_vec()]
        );
    }

    #[test]
    fn empty_quotes_are_an_empty_argument() {
        assert_eq!(parsed(r#"SET k "" ''"#), bytes(&["SET", "k", "", ""]));
    }

    #[test]
    fn non_ascii_passes_through_as_utf8() {
        assert_eq!(parsed("SET clé \"é\""), bytes(&["SET", "clé", "é"]));
    }

    #[test]
    fn nul_ends_the_line_as_in_c() {
        assert_eq!(parsed("SET a\0 b"), bytes(&["SET", "a"]));
        assert!(parse("SET \"a\0\"").is_err());
    }

    #[test]
    fn reports_column_of_unclosed_double_quote() {
        let err = parse(r#"SET k "abc"#).unwrap_err();
        assert!(err.contains("double quote at column 7"), "{err}");
    }

    #[test]
    fn reports_column_of_unclosed_single_quote() {
        let err = parse("SET k 'abc").unwrap_err();
        assert!(err.contains("single quote at column 7"), "{err}");
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let err = parse("SET é \"abc").unwrap_err();
        assert!(err.contains("column 7"), "{err}");
    }

    #[test]
    fn trailing_backslash_leaves_quote_unclosed() {
        assert!(parse(r#""abc\"#).unwrap_err().contains("column 1"));
        assert!(parse(r#""abc\""#).unwrap_err().contains("column 1"));
    }

    #[test]
    fn closing_quote_must_be_followed_by_blank() {
        let err = parse(r#"SET "a"b"#).unwrap_err();
        assert!(err.contains("column 8"), "{err}");
        assert!(parse(r#""a""b""#).is_err());
        assert!(parse("'a'b").is_err());
    }

    #[test]
    fn round_trips_explicit_cases() {
        let cases: Vec<Vec<Vec<u8>>> = vec![
            vec![],
            vec![vec![]],
            vec![vec![], vec![]],
            bytes(&["CONFIG", "SET", "save", "3600 1 300 100"]),
            bytes(&["\"", "'", "\\", "\\x41", "\\'", "a\"b'c"]),
            vec![(0..=255).collect()],
            vec![
                b"\x00".to_vec(),
                b" ".to_vec(),
                b"\x0b".to_vec(),
                b"\xc3".to_vec(),
            ],
        ];
        for args in cases {
            assert_eq!(parse(&render(&args)).unwrap(), args, "{}", render(&args));
        }
    }

    /// A xorshift64 generator: small, deterministic, good enough to pick test inputs.
    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, bound: u64) -> usize {
            usize::try_from(self.next() % bound).unwrap()
        }

        fn byte(&mut self) -> u8 {
            // Favour the bytes the quoting rules care about.
            const SPECIAL: &[u8] = b" \"'\\\t\n\r\x00\x0b\x0cx0aA";
            if self.below(2) == 0 {
                SPECIAL[self.below(SPECIAL.len() as u64)]
            } else {
                u8::try_from(self.next() & 0xff).unwrap()
            }
        }

        fn args(&mut self) -> Vec<Vec<u8>> {
            let count = self.below(6);
            (0..count)
                .map(|_| {
                    let len = self.below(9);
                    (0..len).map(|_| self.byte()).collect()
                })
                .collect()
        }
    }

    #[test]
    fn round_trips_random_arguments() {
        let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
        for case in 0..2_000 {
            let args = rng.args();
            let line = render(&args);
            assert_eq!(parse(&line).unwrap(), args, "case {case}: {line}");
        }
    }

    #[test]
    fn random_text_never_panics() {
        let mut rng = XorShift(0x1234_5678_9abc_def1);
        for _ in 0..2_000 {
            let bytes: Vec<u8> = (0..rng.below(16)).map(|_| rng.byte()).collect();
            let line = String::from_utf8_lossy(&bytes);
            let _ = parse(&line);
        }
    }
}
