//! Key-family patterns: typed placeholders in braces, compiled to anchored
//! regular expressions, plus helpers for grouping and redacting key names in
//! reports.
//!
//! A pattern is literal text with placeholders such as `session:{uuid}` or
//! `{tenant}:cache:{*}`. Built-in placeholder types:
//!
//! | placeholder | matches |
//! |-------------|---------|
//! | `{uuid}`    | 8-4-4-4-12 hex digits, case-insensitive |
//! | `{int}`     | optional `-`, then one or more ASCII digits |
//! | `{hex}`     | one or more ASCII hex digits |
//! | `{token}`   | one or more characters other than `:` (a single key segment) |
//! | `{*}`       | anything, possibly empty, including `:` and newlines |
//!
//! Any other `{name}` must be declared in the per-database map of custom
//! placeholders (`name -> regex alternative text`). Literal text may contain
//! any character; `{{` and `}}` stand for literal braces.

use std::collections::BTreeMap;

use regex::{Regex, RegexSet};

/// Names of the built-in placeholder types, in the order they are listed in
/// error messages.
pub const BUILTIN_PLACEHOLDERS: [&str; 5] = ["uuid", "int", "hex", "token", "*"];

/// Maximum number of characters `prefix_of` keeps.
const PREFIX_CHARS: usize = 12;
/// Maximum number of (escaped) characters of prefix shown by `redact`.
const REDACT_PREFIX_CHARS: usize = 16;
/// A leading key segment (text before the first `:`) at least this long is
/// treated as a random token by `redact`, which then shows no prefix at all.
const TOKEN_SEGMENT_CHARS: usize = 16;
/// Bytes of a key decoded when only its first few characters are needed:
/// every decoded unit (a valid character or a maximal invalid sequence) takes
/// at most 4 bytes, so this always yields at least 16 units.
const HEAD_BYTES: usize = 64;

/// One parsed element of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Literal(String),
    Placeholder(String),
}

/// A compiled key-family pattern.
#[derive(Debug, Clone)]
pub struct Pattern {
    source: String,
    regex: Regex,
    glob: String,
    specificity: (usize, usize),
}

impl Pattern {
    /// Compiles `source`, resolving `{name}` placeholders that are not
    /// built-in against `custom` (`name -> regex alternative text`).
    ///
    /// Errors (all messages quote the pattern): empty pattern, unclosed `{`,
    /// unmatched `}`, empty or malformed placeholder names, undeclared
    /// placeholders (the message names it and lists the built-ins and the
    /// declared custom names), a custom name that shadows a built-in, and a
    /// custom regex that does not compile on its own.
    pub fn compile(source: &str, custom: &BTreeMap<String, String>) -> Result<Pattern, String> {
        let fail = |msg: String| format!("invalid key pattern {source:?}: {msg}");
        if source.is_empty() {
            return Err(fail("the pattern is empty".to_string()));
        }
        let pieces = parse(source).map_err(fail)?;

        let mut regex_text = String::from(r"\A(?:");
        let mut glob = String::new();
        let mut literal_chars = 0usize;
        let mut stars = 0usize;
        let mut seen_placeholder = false;

        for piece in &pieces {
            match piece {
                Piece::Literal(text) => {
                    regex_text.push_str(&regex::escape(text));
                    literal_chars += text.chars().count();
                    if !seen_placeholder {
                        push_glob_escaped(&mut glob, text);
                    }
                }
                Piece::Placeholder(name) => {
                    let fragment = placeholder_regex(name, custom).map_err(fail)?;
                    regex_text.push_str(&fragment);
                    if name == "*" {
                        stars += 1;
                    }
                    seen_placeholder = true;
                }
            }
        }
        regex_text.push_str(r")\z");
        if seen_placeholder {
            glob.push('*');
        }

        let regex = Regex::new(&regex_text).map_err(|e| {
            fail(format!(
                "the combined regular expression does not compile: {e}"
            ))
        })?;

        Ok(Pattern {
            source: source.to_string(),
            regex,
            glob,
            specificity: (literal_chars, usize::MAX - stars),
        })
    }

    /// The pattern text as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// A glob for `SCAN … MATCH`: the literal prefix up to the first
    /// placeholder, with the glob specials `* ? [ ] \` backslash-escaped,
    /// followed by `*`; or the whole escaped literal when the pattern has no
    /// placeholder. A pattern that starts with a placeholder yields `*`.
    pub fn scan_glob(&self) -> String {
        self.glob.clone()
    }

    /// Whether the whole key matches the pattern. Keys are bytes; a key that
    /// is not valid UTF-8 never matches.
    pub fn matches(&self, key: &[u8]) -> bool {
        std::str::from_utf8(key).is_ok_and(|s| self.regex.is_match(s))
    }

    /// Larger is more specific. Compared lexicographically: first the number
    /// of literal characters (`{{` counts as one), then fewer `{*}`
    /// placeholders. To keep "larger is more specific" for plain tuple
    /// comparison, the second component is `usize::MAX - (number of {*})`.
    pub fn specificity(&self) -> (usize, usize) {
        self.specificity
    }
}

/// Splits pattern text into literal runs and placeholder names.
fn parse(source: &str) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut chars = source.char_indices().peekable();

    while let Some((at, c)) = chars.next() {
        match c {
            '{' => {
                if chars.next_if(|&(_, n)| n == '{').is_some() {
                    literal.push('{');
                    continue;
                }
                let mut name = String::new();
                let mut closed = false;
                for (_, n) in chars.by_ref() {
                    match n {
                        '}' => {
                            closed = true;
                            break;
                        }
                        '{' => {
                            return Err(format!(
                                "'{{' inside the placeholder opened at byte {at}; \
                                 write {{{{ for a literal brace"
                            ));
                        }
                        _ => name.push(n),
                    }
                }
                if !closed {
                    return Err(format!(
                        "unclosed '{{' at byte {at}; write {{{{ for a literal brace"
                    ));
                }
                check_name(&name)?;
                if !literal.is_empty() {
                    pieces.push(Piece::Literal(std::mem::take(&mut literal)));
                }
                pieces.push(Piece::Placeholder(name));
            }
            '}' => {
                if chars.next_if(|&(_, n)| n == '}').is_some() {
                    literal.push('}');
                } else {
                    return Err(format!(
                        "unmatched '}}' at byte {at}; write }}}} for a literal brace"
                    ));
                }
            }
            _ => literal.push(c),
        }
    }
    if !literal.is_empty() {
        pieces.push(Piece::Literal(literal));
    }
    Ok(pieces)
}

/// Placeholder names are `*` or an identifier: a letter or `_`, then
/// letters, digits, `_` or `-`.
fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("empty placeholder {}; write {{}} for literal braces".to_string());
    }
    if name == "*" {
        return Ok(());
    }
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if first_ok && rest_ok {
        Ok(())
    } else {
        Err(format!(
            "malformed placeholder name {name:?} (expected `*` or a name made of \
             letters, digits, '_' and '-', starting with a letter or '_')"
        ))
    }
}

/// The regex fragment (a single group) for one placeholder.
fn placeholder_regex(name: &str, custom: &BTreeMap<String, String>) -> Result<String, String> {
    let builtin = match name {
        "uuid" => {
            Some("[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
        }
        "int" => Some("-?[0-9]+"),
        "hex" => Some("[0-9A-Fa-f]+"),
        "token" => Some("[^:]+"),
        "*" => Some("(?s:.*)"),
        _ => None,
    };
    if let Some(fragment) = builtin {
        if custom.contains_key(name) {
            return Err(format!(
                "custom placeholder {{{name}}} clashes with the built-in {{{name}}}; rename it"
            ));
        }
        return Ok(format!("(?:{fragment})"));
    }
    let Some(text) = custom.get(name) else {
        let builtins = BUILTIN_PLACEHOLDERS
            .iter()
            .map(|b| format!("{{{b}}}"))
            .collect::<Vec<_>>()
            .join(", ");
        let declared = if custom.is_empty() {
            "no custom placeholders are declared for this database".to_string()
        } else {
            let names = custom
                .keys()
                .map(|k| format!("{{{k}}}"))
                .collect::<Vec<_>>()
                .join(", ");
            format!("declared custom placeholders: {names}")
        };
        return Err(format!(
            "unknown placeholder {{{name}}}; built-in placeholders are {builtins}; {declared}"
        ));
    };
    // Compiling the text on its own rejects unbalanced groups such as
    // `a)|(b`, which would otherwise escape the wrapping group below.
    Regex::new(text)
        .map_err(|e| format!("custom placeholder {{{name}}} has an invalid regex {text:?}: {e}"))?;
    Ok(format!("(?:{text})"))
}

/// Appends `text` to a Redis glob, escaping the glob specials.
fn push_glob_escaped(glob: &mut String, text: &str) {
    for c in text.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            glob.push('\\');
        }
        glob.push(c);
    }
}

/// Classifies keys into families declared in order.
#[derive(Debug, Clone)]
pub struct Classifier {
    patterns: Vec<Pattern>,
    /// All patterns in one automaton; `None` if the combined set could not be
    /// built (e.g. size limits), in which case patterns are tried one by one.
    set: Option<RegexSet>,
    /// Pattern indices, most specific first, ties in declaration order.
    order: Vec<usize>,
    /// `rank[i]` is the position of pattern `i` in `order`.
    rank: Vec<usize>,
}

impl Classifier {
    /// Builds a classifier over `patterns` in declaration order.
    pub fn new(patterns: Vec<Pattern>) -> Self {
        let set = RegexSet::new(patterns.iter().map(|p| p.regex.as_str())).ok();
        Self::build(patterns, set)
    }

    fn build(patterns: Vec<Pattern>, set: Option<RegexSet>) -> Self {
        let mut order: Vec<usize> = (0..patterns.len()).collect();
        // Stable sort: equal specificity keeps declaration order.
        order.sort_by(|&a, &b| patterns[b].specificity.cmp(&patterns[a].specificity));
        let mut rank = vec![0; patterns.len()];
        for (position, &index) in order.iter().enumerate() {
            rank[index] = position;
        }
        Classifier {
            patterns,
            set,
            order,
            rank,
        }
    }

    /// The patterns, in declaration order (indices match `classify`).
    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    /// The index of the most specific pattern matching `key` (ties: the first
    /// declared), or `None` for an unknown key. Non-UTF-8 keys are unknown.
    pub fn classify(&self, key: &[u8]) -> Option<usize> {
        let key = std::str::from_utf8(key).ok()?;
        match &self.set {
            Some(set) => set.matches(key).iter().min_by_key(|&i| self.rank[i]),
            None => self
                .order
                .iter()
                .copied()
                .find(|&i| self.patterns[i].regex.is_match(key)),
        }
    }
}

/// The first characters of a key, for grouping unknown keys in reports: the
/// text up to and including the first `:`, or the first 12 characters,
/// whichever is shorter. Invalid UTF-8 is replaced by U+FFFD; control
/// characters (and Unicode bidi/zero-width format controls) are escaped like
/// `\n` or `\u{1b}`, so the result may be longer than 12 characters.
pub fn prefix_of(key: &[u8]) -> String {
    prefix_pieces(key).concat()
}

/// The prefix of `prefix_of`, one string per source character (escaped).
fn prefix_pieces(key: &[u8]) -> Vec<String> {
    let head = String::from_utf8_lossy(&key[..key.len().min(HEAD_BYTES)]);
    let mut pieces = Vec::new();
    for c in head.chars().take(PREFIX_CHARS) {
        pieces.push(escape_char(c));
        if c == ':' {
            break;
        }
    }
    pieces
}

fn escape_char(c: char) -> String {
    let format_control = matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
    );
    if c.is_control() || format_control {
        c.escape_default().collect()
    } else {
        c.to_string()
    }
}

/// A key name safe to show in reports: `prefix + "…#" + 8 hex digits` of a
/// stable FNV-1a 64 hash of the key bytes (upper and lower halves xor-ed),
/// e.g. `session:…#1a2b3c4d`.
///
/// The prefix is that of [`prefix_of`], cut to at most 16 characters after
/// escaping (never inside an escape). If the key's leading segment (the text
/// before its first `:`, or the whole key) is 16 characters or longer, it is
/// treated as a random token and no prefix is shown: `…#1a2b3c4d`.
pub fn redact(key: &[u8]) -> String {
    let hash = fnv1a64(key);
    let short = (hash ^ (hash >> 32)) as u32;

    let head = String::from_utf8_lossy(&key[..key.len().min(HEAD_BYTES)]);
    let segment: String = head.chars().take_while(|&c| c != ':').collect();
    let mut prefix = String::new();
    if !looks_random(&segment) {
        let mut shown = 0;
        for piece in prefix_pieces(key) {
            let len = piece.chars().count();
            if shown + len > REDACT_PREFIX_CHARS {
                break;
            }
            shown += len;
            prefix.push_str(&piece);
        }
    }
    format!("{prefix}…#{short:08x}")
}

/// Whether a key's leading segment looks like a token rather than a name: digits in its
/// first 16 characters, or 16 or more characters with no word separator. Names such as
/// `fastapi_users_token` or `celery-task-meta-` stay readable; bearer tokens do not.
fn looks_random(segment: &str) -> bool {
    let first: Vec<char> = segment.chars().take(TOKEN_SEGMENT_CHARS).collect();
    let digits = first.iter().filter(|c| c.is_ascii_digit()).count();
    let separated = first.iter().any(|c| matches!(c, '_' | '-' | '.'));
    digits >= 3 || (first.len() >= TOKEN_SEGMENT_CHARS && !separated)
}

/// FNV-1a, 64-bit.
fn fnv1a64(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes
        .iter()
        .fold(OFFSET, |h, &b| (h ^ u64::from(b)).wrapping_mul(PRIME))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none() -> BTreeMap<String, String> {
        BTreeMap::new()
    }

    fn custom() -> BTreeMap<String, String> {
        let mut m = BTreeMap::new();
        m.insert(
            "tenant".to_string(),
            "public|default|tenant_[0-9a-f-]+".to_string(),
        );
        m.insert("lang".to_string(), "en|fr".to_string());
        m
    }

    fn pat(s: &str) -> Pattern {
        match Pattern::compile(s, &custom()) {
            Ok(p) => p,
            Err(e) => panic!("{s:?} should compile: {e}"),
        }
    }

    fn err(s: &str, custom: &BTreeMap<String, String>) -> String {
        match Pattern::compile(s, custom) {
            Ok(p) => panic!("{s:?} should not compile, got regex {}", p.regex.as_str()),
            Err(e) => e,
        }
    }

    const UUID: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";

    // ---- parsing and errors ----

    #[test]
    fn parse_pieces() {
        assert_eq!(
            parse("a{{b}}{int}c{*}").unwrap(),
            vec![
                Piece::Literal("a{b}".into()),
                Piece::Placeholder("int".into()),
                Piece::Literal("c".into()),
                Piece::Placeholder("*".into()),
            ]
        );
        assert_eq!(
            parse("{{uuid}}").unwrap(),
            vec![Piece::Literal("{uuid}".into())]
        );
        assert_eq!(
            parse("{{{int}}}").unwrap(),
            vec![
                Piece::Literal("{".into()),
                Piece::Placeholder("int".into()),
                Piece::Literal("}".into()),
            ]
        );
    }

    #[test]
    fn unknown_placeholder_names_it_and_lists_builtins() {
        let e = err("session:{uid}", &none());
        assert!(e.contains("session:{uid}"), "{e}");
        assert!(e.contains("unknown placeholder {uid}"), "{e}");
        for b in ["{uuid}", "{int}", "{hex}", "{token}", "{*}"] {
            assert!(e.contains(b), "{e} should list {b}");
        }
        assert!(e.contains("no custom placeholders"), "{e}");

        let e = err("{region}:x", &custom());
        assert!(e.contains("{region}"), "{e}");
        assert!(e.contains("{lang}, {tenant}"), "{e}");
    }

    #[test]
    fn syntax_errors() {
        assert!(err("", &none()).contains("empty"));
        assert!(err("a{int", &none()).contains("unclosed '{' at byte 1"));
        assert!(err("a{", &none()).contains("unclosed"));
        assert!(err("a}b", &none()).contains("unmatched '}' at byte 1"));
        assert!(err("a{in{t}}", &none()).contains("inside the placeholder"));
        assert!(err("a{}", &none()).contains("empty placeholder"));
        assert!(err("a{ int }", &none()).contains("malformed placeholder name"));
        assert!(err("a{1x}", &none()).contains("malformed"));
        assert!(err("a{**}", &none()).contains("malformed"));
        assert!(err("{{{", &none()).contains("unclosed"));
        assert!(err("}}}", &none()).contains("unmatched"));
    }

    #[test]
    fn bad_custom_regex() {
        let mut m = BTreeMap::new();
        m.insert("bad".to_string(), "a)|(b".to_string());
        m.insert("worse".to_string(), "[".to_string());
        let e = err("x:{bad}", &m);
        assert!(
            e.contains("custom placeholder {bad} has an invalid regex"),
            "{e}"
        );
        assert!(err("x:{worse}", &m).contains("{worse}"));
        // An unused bad custom placeholder does not break other patterns.
        assert!(Pattern::compile("x:{int}", &m).is_ok());
    }

    #[test]
    fn custom_shadowing_builtin_is_an_error_when_used() {
        let mut m = BTreeMap::new();
        m.insert("int".to_string(), "[0-9]{3}".to_string());
        assert!(err("a:{int}", &m).contains("clashes with the built-in {int}"));
        assert!(Pattern::compile("a:{uuid}", &m).is_ok());
    }

    // ---- matching ----

    #[test]
    fn uuid() {
        let p = pat("session:{uuid}");
        assert!(p.matches(format!("session:{UUID}").as_bytes()));
        assert!(p.matches(format!("session:{}", UUID.to_uppercase()).as_bytes()));
        assert!(!p.matches(b"session:0f8fad5b-d9cb-469f-a165-70867728950"));
        assert!(!p.matches(format!("session:{UUID}0").as_bytes()));
        assert!(!p.matches(format!("session:{UUID}\n").as_bytes()));
        assert!(!p.matches(b"session:0f8fad5bd9cb469fa16570867728950e"));
        assert!(!p.matches(b"session:0f8fad5g-d9cb-469f-a165-70867728950e"));
        assert!(!p.matches(format!("xsession:{UUID}").as_bytes()));
        let c = pat("celery-task-meta-{uuid}");
        assert!(c.matches(format!("celery-task-meta-{UUID}").as_bytes()));
    }

    #[test]
    fn int() {
        let p = pat("user:{int}:profile");
        assert!(p.matches(b"user:42:profile"));
        assert!(p.matches(b"user:-7:profile"));
        assert!(p.matches(b"user:007:profile"));
        assert!(!p.matches(b"user::profile"));
        assert!(!p.matches(b"user:-:profile"));
        assert!(!p.matches(b"user:+7:profile"));
        assert!(!p.matches(b"user:4a:profile"));
        assert!(!p.matches(b"user:--7:profile"));
        // Unicode digits are not ASCII digits.
        assert!(!p.matches("user:٣:profile".as_bytes()));
    }

    #[test]
    fn hex() {
        let p = pat("blob:{hex}");
        assert!(p.matches(b"blob:deadBEEF09"));
        assert!(!p.matches(b"blob:"));
        assert!(!p.matches(b"blob:xyz"));
        assert!(!p.matches(b"blob:0x1f"));
    }

    #[test]
    fn token() {
        let p = pat("fastapi_users_token:{token}");
        assert!(p.matches(b"fastapi_users_token:abc-DEF_123.=+/"));
        assert!(p.matches(b"fastapi_users_token:a b\nc"));
        assert!(!p.matches(b"fastapi_users_token:"));
        assert!(!p.matches(b"fastapi_users_token:a:b"));
    }

    #[test]
    fn star() {
        let p = pat("_kombu.binding.{*}");
        assert!(p.matches(b"_kombu.binding.celery"));
        assert!(p.matches(b"_kombu.binding."));
        assert!(p.matches(b"_kombu.binding.a:b\nc"));
        // '.' in literal text is literal.
        assert!(!p.matches(b"_kombuxbinding.celery"));
        let all = pat("{*}");
        assert!(all.matches(b""));
        assert!(all.matches(b"anything:at:all"));
    }

    #[test]
    fn custom_placeholder() {
        let p = pat("{tenant}:cache:{*}");
        assert!(p.matches(b"public:cache:x"));
        assert!(p.matches(b"default:cache:"));
        assert!(p.matches(b"tenant_3f-a:cache:a:b"));
        assert!(!p.matches(b"other:cache:x"));
        // The alternation is grouped: `public|default|...` does not leak out.
        assert!(!p.matches(b"public"));
        assert!(!p.matches(b"publicx:cache:x"));
        let q = pat("page:{lang}");
        assert!(q.matches(b"page:en"));
        assert!(!q.matches(b"page:enfr"));
        assert!(!q.matches(b"page:"));
    }

    #[test]
    fn literal_regex_and_glob_specials_are_literal() {
        let p = pat("a.b*c?[d]\\e(f)|g^$+{{h}}:{int}");
        assert!(p.matches(b"a.b*c?[d]\\e(f)|g^$+{h}:1"));
        assert!(!p.matches(b"axb*c?[d]\\e(f)|g^$+{h}:1"));
        assert!(!p.matches(b"g^$+{h}:1"));
        assert_eq!(p.scan_glob(), "a.b\\*c\\?\\[d\\]\\\\e(f)|g^$+{h}:*");
    }

    #[test]
    fn non_utf8_never_matches() {
        assert!(!pat("{*}").matches(b"\xff"));
        assert!(!pat("k:{*}").matches(b"k:\xc3"));
        assert!(!pat("k:{token}").matches(b"k:\x80abc"));
    }

    #[test]
    fn unicode_literals() {
        let p = pat("café:{int}:ü");
        assert!(p.matches("café:1:ü".as_bytes()));
        assert_eq!(p.specificity().0, 7);
        assert_eq!(p.scan_glob(), "café:*");
    }

    // ---- accessors ----

    #[test]
    fn scan_globs() {
        assert_eq!(pat("session:{uuid}").scan_glob(), "session:*");
        assert_eq!(pat("{tenant}:cache:{*}").scan_glob(), "*");
        assert_eq!(pat("user:{int}:profile").scan_glob(), "user:*");
        assert_eq!(pat("_kombu.binding.{*}").scan_glob(), "_kombu.binding.*");
        assert_eq!(pat("unacked_mutex").scan_glob(), "unacked_mutex");
        assert_eq!(pat("weird*key?").scan_glob(), "weird\\*key\\?");
        assert_eq!(pat("{{x}}:{int}").scan_glob(), "{x}:*");
        assert_eq!(
            pat("celery-task-meta-{uuid}").source(),
            "celery-task-meta-{uuid}"
        );
    }

    #[test]
    fn specificity_order() {
        let s = |x: &str| pat(x).specificity();
        assert_eq!(s("user:{int}:profile").0, 13);
        assert_eq!(s("{{a}}").0, 3);
        assert!(s("user:{int}:profile") > s("user:{*}"));
        assert!(s("a:{int}") > s("a:{*}"));
        assert!(s("a:{*}") > s("a{*}{*}"));
        assert!(s("ab:{*}{*}") > s("a:{*}"));
        assert_eq!(s("a:{int}"), s("a:{token}"));
        assert_eq!(s("a:{*}").1, usize::MAX - 1);
    }

    // ---- classifier ----

    fn families() -> Vec<Pattern> {
        [
            "{*}",                     // 0 catch-all
            "session:{uuid}",          // 1
            "session:{token}",         // 2
            "user:{int}:profile",      // 3
            "user:{*}",                // 4
            "{tenant}:cache:{*}",      // 5
            "public:cache:{*}",        // 6 more literal chars than 5
            "a:{int}",                 // 7
            "a:{token}",               // 8 ties with 7; 7 declared first
            "celery-task-meta-{uuid}", // 9
            "exact",                   // 10
        ]
        .into_iter()
        .map(pat)
        .collect()
    }

    fn check_classifier(c: &Classifier) {
        let k = |s: &str| c.classify(s.as_bytes());
        assert_eq!(k(&format!("session:{UUID}")), Some(1));
        assert_eq!(k("session:abc"), Some(2));
        assert_eq!(k("user:12:profile"), Some(3));
        assert_eq!(k("user:x:profile"), Some(4));
        assert_eq!(k("default:cache:k"), Some(5));
        assert_eq!(k("public:cache:k"), Some(6));
        assert_eq!(k("a:12"), Some(7));
        assert_eq!(k("a:x"), Some(8));
        assert_eq!(k(&format!("celery-task-meta-{UUID}")), Some(9));
        assert_eq!(k("exact"), Some(10));
        assert_eq!(k("exactly"), Some(0));
        assert_eq!(k(""), Some(0));
        assert_eq!(c.classify(b"\xff"), None);
    }

    #[test]
    fn classify_with_set_and_fallback_agree() {
        let with_set = Classifier::new(families());
        assert!(with_set.set.is_some());
        check_classifier(&with_set);
        let linear = Classifier::build(families(), None);
        check_classifier(&linear);

        let mut rng = 0x9e37_79b9_7f4a_7c15_u64;
        let alphabet = b"ab:-0123456789cefilnoprstu";
        for _ in 0..5000 {
            let len = (rng % 20) as usize;
            let mut key = Vec::with_capacity(len);
            for _ in 0..len {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                key.push(alphabet[(rng % alphabet.len() as u64) as usize]);
            }
            assert_eq!(with_set.classify(&key), linear.classify(&key), "{key:?}");
        }
    }

    #[test]
    fn classify_unknown_and_ties() {
        let c = Classifier::new(vec![pat("a:{token}"), pat("a:{int}"), pat("b:{int}")]);
        assert_eq!(c.classify(b"a:1"), Some(0));
        assert_eq!(c.classify(b"b:x"), None);
        assert_eq!(c.classify(b"zzz"), None);
        assert_eq!(c.patterns().len(), 3);
        let empty = Classifier::new(Vec::new());
        assert_eq!(empty.classify(b"a"), None);
        assert_eq!(Classifier::build(Vec::new(), None).classify(b"a"), None);
    }

    // ---- prefix_of and redact ----

    #[test]
    fn prefixes() {
        assert_eq!(prefix_of(b"session:abc"), "session:");
        assert_eq!(prefix_of(b"a:b:c"), "a:");
        assert_eq!(prefix_of(b"abcdefghijk:x"), "abcdefghijk:");
        assert_eq!(prefix_of(b"abcdefghijkl:x"), "abcdefghijkl");
        assert_eq!(prefix_of(b"fastapi_users_token:x"), "fastapi_user");
        assert_eq!(prefix_of(b"short"), "short");
        assert_eq!(prefix_of(b""), "");
        assert_eq!(prefix_of(b":x"), ":");
        assert_eq!(prefix_of("ééééééééééééé".as_bytes()), "éééééééééééé");
        assert_eq!(prefix_of(b"a\nb:c"), "a\\nb:");
        assert_eq!(prefix_of(b"\x1b[31m:"), "\\u{1b}[31m:");
        assert_eq!(prefix_of(b"a\x00:"), "a\\u{0}:");
        assert_eq!(prefix_of("x\u{202e}y:".as_bytes()), "x\\u{202e}y:");
        assert_eq!(prefix_of(b"ab\xffcd:e"), "ab\u{fffd}cd:");
        // A multi-byte character cut by the 64-byte window is not reached.
        let long = "€".repeat(40);
        assert_eq!(prefix_of(long.as_bytes()), "€".repeat(12));
    }

    #[test]
    fn fnv_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    fn hash_part(s: &str) -> &str {
        match s.rsplit_once("…#") {
            Some((_, h)) => h,
            None => panic!("no …# in {s:?}"),
        }
    }

    #[test]
    fn redaction() {
        let r = redact(b"session:8f14e45fceea167a5a36dedd4bea2543");
        assert!(r.starts_with("session:…#"), "{r}");
        let h = hash_part(&r);
        assert_eq!(h.len(), 8);
        assert!(
            h.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert!(!r.contains("8f14e45f"));

        // Stable, and distinct for distinct keys.
        assert_eq!(r, redact(b"session:8f14e45fceea167a5a36dedd4bea2543"));
        assert_ne!(r, redact(b"session:8f14e45fceea167a5a36dedd4bea2544"));
        let h0 = fnv1a64(b"");
        assert_eq!(redact(b""), format!("…#{:08x}", (h0 ^ (h0 >> 32)) as u32));

        // A leading segment that looks like a token (digits, or 16+ characters without a
        // separator) is hidden; names stay readable.
        assert!(redact(b"8f14e45fceea167a5a36dedd4bea2543").starts_with("…#"));
        assert!(redact(b"0123456789abcdef").starts_with("…#"));
        assert!(redact(b"0123456789abcdef:x").starts_with("…#"));
        assert!(redact(b"AbCdEfGhIjKlMnOpQr").starts_with("…#"));
        assert!(
            redact(b"fastapi_users_token:abc").starts_with("fastapi_"),
            "{}",
            redact(b"fastapi_users_token:abc")
        );
        assert!(
            redact(b"celery-task-meta-0f8fad5b").starts_with("celery-task-…#"),
            "{}",
            redact(b"celery-task-meta-0f8fad5b")
        );
        assert!(redact(b"user:1:profile").starts_with("user:…#"));
        assert!(redact(b"x").starts_with("x…#"));

        // Escapes count towards the 16-character cap and are never split.
        let r = redact(b"\x01\x02\x03:x");
        assert!(r.starts_with("\\u{1}\\u{2}\\u{3}:…#"), "{r}");
        let r = redact(b"\x01\x02\x03\x04:x");
        assert!(r.starts_with("\\u{1}\\u{2}\\u{3}…#"), "{r}");
        let r = redact(b"\x1b\x1b\x1b\x1b\x1b:x");
        assert!(r.starts_with("\\u{1b}\\u{1b}…#"), "{r}");
        for key in [
            &b"\n\n\n\n\n\n\n\n\n:"[..],
            b"\x7f\x7f\x7f\x7f",
            b"\xff\xfe:z",
        ] {
            let r = redact(key);
            let prefix = r.split("…#").next().unwrap_or_default();
            assert!(prefix.chars().count() <= 16, "{r}");
            assert!(!prefix.chars().any(char::is_control), "{r}");
        }
    }
}
