//! URLs with their secrets removed, for every message that names an endpoint.

use std::fmt;

/// A connection URL that displays without its password (and without query parameters that
/// carry secrets). Construct it from the real URL; print only this.
#[derive(Clone, PartialEq, Eq)]
pub struct RedactedUrl(String);

impl RedactedUrl {
    pub fn new(url: &str) -> Self {
        RedactedUrl(redact(url))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RedactedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for RedactedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RedactedUrl({:?})", self.0)
    }
}

/// Query parameters whose values are secrets.
const SECRET_PARAMS: &[&str] = &[
    "password",
    "pass",
    "pwd",
    "token",
    "secret",
    "sslpassword",
    "auth",
];

/// Whether a URL query parameter named `name` carries a secret (`password`, `token`, …).
pub fn is_secret_param(name: &str) -> bool {
    SECRET_PARAMS.iter().any(|s| name.eq_ignore_ascii_case(s))
}

/// `text` with the password of every `scheme://user:password@` in it replaced by `***`: for
/// showing a line of a file (an error's snippet) that may hold a URL.
pub fn redact_userinfo(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (head, after) = rest.split_at(at + 3);
        out.push_str(head);
        // The authority ends at the first character no URL authority holds.
        let end = after
            .find(|c: char| c.is_whitespace() || matches!(c, '/' | '"' | '\'' | '?' | '#'))
            .unwrap_or(after.len());
        let authority = &after[..end];
        match authority.rsplit_once('@') {
            Some((userinfo, host)) if userinfo.contains(':') => {
                let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
                out.push_str(&format!("{user}:***@{host}"));
            }
            _ => out.push_str(authority),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

fn redact(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        // Not a URL we can take apart: show only what cannot hold a secret.
        return match url.split_once("://") {
            Some((scheme, _)) => format!("{scheme}://(unparseable URL, not shown)"),
            None => "(unparseable URL, not shown)".to_owned(),
        };
    };
    if parsed.password().is_some() {
        let _ = parsed.set_password(Some("***"));
    }
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| {
            let secret = is_secret_param(&k);
            (
                k.into_owned(),
                if secret {
                    "***".to_owned()
                } else {
                    v.into_owned()
                },
            )
        })
        .collect();
    if !pairs.is_empty() {
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_survive() {
        let r =
            RedactedUrl::new("postgres://app:s3cret@db:5432/app?sslmode=require&password=other");
        assert_eq!(
            r.as_str(),
            "postgres://app:***@db:5432/app?sslmode=require&password=***"
        );
        assert!(!format!("{r} {r:?}").contains("s3cret"));
        assert_eq!(
            RedactedUrl::new("postgres://db/app").as_str(),
            "postgres://db/app"
        );
        let bad = RedactedUrl::new("postgres://u:p@[bad");
        assert!(!bad.as_str().contains(":p@"), "{bad}");
    }

    #[test]
    fn passwords_in_free_text_are_hidden() {
        assert_eq!(
            redact_userinfo(
                "  url: \"postgres://app:s3cret@db:5432/app?x=${Y\" # and redis://:pw@r/0"
            ),
            "  url: \"postgres://app:***@db:5432/app?x=${Y\" # and redis://:***@r/0"
        );
        assert_eq!(redact_userinfo("no URL here"), "no URL here");
        assert_eq!(redact_userinfo("http://host/a@b"), "http://host/a@b");
        assert!(is_secret_param("Password") && !is_secret_param("sslmode"));
    }
}
