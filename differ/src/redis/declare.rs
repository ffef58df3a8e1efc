//! The `redis:` section of `schema.yaml` resolved into a [`Declared`]: URL expanded, values
//! validated and normalized, patterns compiled, index definitions built. Every error names the
//! line and column it is about.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde_saphyr::Spanned;

use super::model::{
    AclDeclared, DbDecl, Declared, Family, IndexDeclared, ParamDecl, Require, Sampling, TtlRule,
    Unknown, UserDecl,
};
use super::normalize;
use super::pattern::Pattern;
use super::search;
use crate::model::config::{ConfigError, expand_env};
use crate::model::redis_config::{ConfigDecl, RedisConfig, ScalarValue};

fn at<T>(s: &Spanned<T>, message: impl Into<String>) -> ConfigError {
    ConfigError {
        line: s.referenced.line(),
        column: s.referenced.column(),
        message: message.into(),
    }
}

/// `7d`, `12h`, `30m`, `90s`, `500ms`, or a number of seconds.
pub fn parse_duration(v: &ScalarValue) -> Result<Duration, String> {
    let text = v.text();
    let t = text.trim();
    let bad = || {
        format!(
            "`{t}` is not a duration: use a number of seconds or a number with ms, s, m, h or d"
        )
    };
    let (num, unit) = match t.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(i) => (&t[..i], t[i..].trim()),
        None => (t, "s"),
    };
    let n: f64 = num.parse().map_err(|_| bad())?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        "d" => n * 86_400.0,
        _ => return Err(bad()),
    };
    if !secs.is_finite() || secs < 0.0 {
        return Err(bad());
    }
    // Past what a Duration holds (about 584 billion years) is a typo, not a timeout.
    Duration::try_from_secs_f64(secs).map_err(|_| format!("`{t}` is too long a duration"))
}

fn seconds(v: &ScalarValue) -> Result<u64, String> {
    let d = parse_duration(v)?;
    if d.as_secs() == 0 {
        return Err(format!(
            "`{}` is under a second; Redis TTLs here are whole seconds",
            v.text()
        ));
    }
    Ok(d.as_secs())
}

/// Resolves the section. `env` reads the process environment; `url_override` is `REDIS_URL`.
pub fn declare(
    c: &RedisConfig,
    env: &dyn Fn(&str) -> Option<String>,
    url_override: Option<&str>,
) -> Result<Declared, ConfigError> {
    let url = match (url_override, &c.url) {
        (Some(u), _) => u.to_owned(),
        (None, Some(u)) => expand_env(u, env)?,
        (None, None) => "redis://127.0.0.1:6379/0".to_owned(),
    };
    if !(url.starts_with("redis://")
        || url.starts_with("rediss://")
        || url.starts_with("redis+unix://")
        || url.starts_with("unix://"))
    {
        let e = ConfigError {
            line: 0,
            column: 0,
            message: "a Redis URL starts with redis:// or rediss://".to_owned(),
        };
        return Err(match &c.url {
            Some(u) => at(u, e.message),
            None => e,
        });
    }

    let mut require = Require::default();
    if let Some(r) = &c.require {
        if let Some(v) = &r.min_version {
            let mut parts = v.value.split('.').map(|p| p.parse::<u32>());
            match (parts.next(), parts.next()) {
                (Some(Ok(major)), Some(Ok(minor))) => require.min_version = Some((major, minor)),
                (Some(Ok(major)), None) => require.min_version = Some((major, 0)),
                _ => {
                    return Err(at(
                        v,
                        format!("`{}` is not a version: write it like \"7.0\"", v.value),
                    ));
                }
            }
        }
        if let Some(m) = &r.mode {
            if !matches!(m.value.as_str(), "standalone" | "sentinel" | "cluster") {
                return Err(at(
                    m,
                    format!(
                        "`{}` is not a mode: standalone, sentinel or cluster",
                        m.value
                    ),
                ));
            }
            require.mode = Some(m.value.clone());
        }
        require.modules = r.modules.iter().map(|m| m.value.clone()).collect();
        require.databases_min = r.databases_min.as_ref().map(|d| d.value);
    }

    let mut config = Vec::new();
    for (name, decl) in &c.config {
        let (value, compare, apply) = match &decl.value {
            ConfigDecl::Value(v) => (v.text(), None, false),
            ConfigDecl::Full(f) => (f.value.text(), f.compare.clone(), f.apply),
        };
        let compare = match compare {
            None => normalize::default_compare_for(&name.value, &value),
            Some(n) => normalize::compare_from_name(&n).ok_or_else(|| {
                at(decl, format!("`{n}` is not a comparison: exact, case, bytes, flags, words, save or client-output-buffer"))
            })?,
        };
        normalize::canonical(&name.value, &value, compare)
            .map_err(|m| at(decl, format!("{}: {m}", name.value)))?;
        config.push(ParamDecl {
            name: name.value.clone(),
            value,
            compare,
            apply,
            line: decl.referenced.line(),
        });
    }

    let persist = match c.persist.as_ref().map(|p| p.value.as_str()) {
        None | Some("auto") => true,
        Some("never") => false,
        Some(other) => {
            return Err(at(
                c.persist.as_ref().expect("checked above"),
                format!("`{other}` is not a persist mode: auto or never"),
            ));
        }
    };

    let acl = match &c.acl {
        None => None,
        Some(a) => {
            let mut users = Vec::new();
            for (name, u) in &a.users {
                let mut passwords: BTreeSet<String> = BTreeSet::new();
                for h in &u.value.password_sha256 {
                    passwords.insert(
                        sha256_hex(h).map_err(|m| at(u, format!("user {}: {m}", name.value)))?,
                    );
                }
                if let Some(var) = &u.value.password_sha256_env {
                    let h = env(var).ok_or_else(|| {
                        at(
                            u,
                            format!(
                                "user {}: environment variable `{var}` is not set",
                                name.value
                            ),
                        )
                    })?;
                    passwords.insert(
                        sha256_hex(&h)
                            .map_err(|m| at(u, format!("user {}: `{var}`: {m}", name.value)))?,
                    );
                }
                if u.value.nopass && !passwords.is_empty() {
                    return Err(at(
                        u,
                        format!(
                            "user {}: nopass and passwords exclude each other",
                            name.value
                        ),
                    ));
                }
                users.push(UserDecl {
                    name: name.value.clone(),
                    enabled: u.value.enabled,
                    nopass: u.value.nopass,
                    passwords,
                    keys: u.value.keys.clone(),
                    channels: u.value.channels.clone(),
                    commands: u.value.commands.clone(),
                    apply: u.value.apply,
                });
            }
            let report_unlisted = match a.unlisted_users.as_ref().map(|s| s.value.as_str()) {
                None | Some("report") => true,
                Some("ignore") => false,
                Some(other) => {
                    return Err(at(
                        a.unlisted_users.as_ref().expect("checked above"),
                        format!("`{other}` is not an option: report or ignore"),
                    ));
                }
            };
            Some(AclDeclared {
                users,
                report_unlisted,
            })
        }
    };

    let mut databases = BTreeMap::new();
    for (db, d) in &c.databases {
        let custom: BTreeMap<String, String> = d
            .placeholders
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut families = Vec::new();
        let mut names = BTreeSet::new();
        for f in &d.families {
            let fd = &f.value;
            if !names.insert(fd.name.clone()) {
                return Err(at(
                    f,
                    format!(
                        "family `{}` is declared twice in database {}",
                        fd.name, db.value
                    ),
                ));
            }
            let pattern = Pattern::compile(&fd.pattern, &custom)
                .map_err(|m| at(f, format!("family {}: {m}", fd.name)))?;
            let ttl = match fd
                .ttl
                .as_ref()
                .and_then(|t| t.required.as_ref())
                .map(ScalarValue::text)
                .as_deref()
            {
                None | Some("no") | Some("false") => TtlRule::Any,
                Some("yes") | Some("true") => TtlRule::Required,
                Some("forbidden") => TtlRule::Forbidden,
                Some(other) => {
                    return Err(at(
                        f,
                        format!(
                            "family {}: ttl.required is true, false or forbidden, not `{other}`",
                            fd.name
                        ),
                    ));
                }
            };
            let ttl_max = match fd.ttl.as_ref().and_then(|t| t.max.as_ref()) {
                Some(v) => Some(
                    seconds(v).map_err(|m| at(f, format!("family {}: ttl.max: {m}", fd.name)))?,
                ),
                None => None,
            };
            let expire_missing = match &fd.on_missing_ttl {
                Some(r) => Some(seconds(&r.expire).map_err(|m| {
                    at(f, format!("family {}: on_missing_ttl.expire: {m}", fd.name))
                })?),
                None => None,
            };
            if let (Some(e), Some(m)) = (expire_missing, ttl_max)
                && e > m
            {
                return Err(at(
                    f,
                    format!(
                        "family {}: on_missing_ttl.expire is longer than ttl.max",
                        fd.name
                    ),
                ));
            }
            if fd.clamp_long_ttl && ttl_max.is_none() {
                return Err(at(
                    f,
                    format!("family {}: clamp_long_ttl needs ttl.max", fd.name),
                ));
            }
            let owner = fd.owner.clone().unwrap_or_else(|| "app".to_owned());
            if !matches!(owner.as_str(), "app" | "library" | "external" | "module") {
                return Err(at(
                    f,
                    format!(
                        "family {}: owner is app, library, external or module, not `{owner}`",
                        fd.name
                    ),
                ));
            }
            if owner == "external" && (expire_missing.is_some() || fd.clamp_long_ttl) {
                return Err(at(
                    f,
                    format!(
                        "family {}: keys owned by an external system are never repaired",
                        fd.name
                    ),
                ));
            }
            families.push(Family {
                name: fd.name.clone(),
                pattern,
                kind: fd.kind.to_ascii_lowercase(),
                ttl,
                ttl_max,
                max_len: fd.max_len,
                owner,
                expire_missing,
                clamp_long_ttl: fd.clamp_long_ttl,
            });
        }
        let unknown = match d.unknown_keys.as_ref().map(|s| s.value.as_str()) {
            None | Some("report") => Unknown::Report,
            Some("ignore") => Unknown::Ignore,
            Some("delete") => match &d.delete {
                Some(del) => Unknown::Delete {
                    allow: del.value.allow.clone(),
                    max: del.value.max,
                },
                None => {
                    return Err(at(
                        d.unknown_keys.as_ref().expect("checked above"),
                        "unknown_keys: delete needs `delete: { allow: [...], max: N }`",
                    ));
                }
            },
            Some(other) => {
                return Err(at(
                    d.unknown_keys.as_ref().expect("checked above"),
                    format!("`{other}` is not an option: report, ignore or delete"),
                ));
            }
        };
        databases.insert(db.value, DbDecl { families, unknown });
    }

    let mut sampling = Sampling::default();
    if let Some(s) = &c.sampling {
        if let Some(v) = s.scan_count {
            sampling.scan_count = v.clamp(10, 10_000);
        }
        if let Some(v) = s.max_keys {
            sampling.max_keys = v;
        }
        if let Some(v) = s.max_cmds_per_sec {
            sampling.max_cmds_per_sec = v.max(1);
        }
        if let Some(v) = &s.deadline {
            sampling.deadline =
                parse_duration(&v.value).map_err(|m| at(v, format!("sampling.deadline: {m}")))?;
        }
    }

    let mut indexes = Vec::new();
    if let Some(s) = &c.search {
        for (name, raw) in &s.indexes {
            let def = search::declared_def(&raw.value)
                .map_err(|m| at(raw, format!("index {}: {m}", name.value)))?;
            indexes.push(IndexDeclared {
                name: name.value.clone(),
                alias: raw.value.alias.clone(),
                def,
                apply: raw.value.apply,
            });
        }
    }

    Ok(Declared {
        tls: None,
        url,
        require,
        config,
        persist,
        acl,
        databases,
        sampling,
        search: indexes,
    })
}

/// A SHA-256 digest as 64 lowercase hex characters.
fn sha256_hex(h: &str) -> Result<String, String> {
    let h = h.trim().trim_start_matches('#').to_ascii_lowercase();
    if h.len() == 64 && h.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(h)
    } else {
        Err(
            "a password is declared by its SHA-256 digest (64 hex characters), never in plain text"
                .to_owned(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::config::Config;
    use crate::redis::normalize::Compare;

    fn parse(yaml: &str) -> Result<Declared, ConfigError> {
        let c = Config::parse(yaml)?;
        declare(c.redis.as_ref().expect("redis section"), &|_| None, None)
    }

    #[test]
    fn durations_read_like_people_write_them() {
        assert_eq!(
            parse_duration(&ScalarValue::Text("7d".into())),
            Ok(Duration::from_secs(604_800))
        );
        assert_eq!(
            parse_duration(&ScalarValue::Int(90)),
            Ok(Duration::from_secs(90))
        );
        assert_eq!(
            parse_duration(&ScalarValue::Text("500ms".into())),
            Ok(Duration::from_millis(500))
        );
        assert!(parse_duration(&ScalarValue::Text("7 weeks".into())).is_err());
    }

    #[test]
    fn errors_name_their_line() {
        let e = parse("version: 1\nredis:\n  config:\n    maxmemory: 1gx\n").expect_err("bad size");
        assert_eq!(e.line, 4, "{e}");
        let e = parse("version: 1\nredis:\n  databases:\n    0:\n      families:\n        - { name: s, pattern: \"s:{nope}\", type: hash }\n").expect_err("bad placeholder");
        assert_eq!(e.line, 6, "{e}");
        assert!(e.message.contains("nope"), "{e}");
        let e = parse("version: 1\nredis:\n  acl:\n    users:\n      app: { password_sha256: [\"hunter2\"] }\n").expect_err("plain password");
        assert!(
            e.message.contains("SHA-256") && !e.message.contains("hunter2"),
            "{e}"
        );
    }

    #[test]
    fn a_full_section_resolves() {
        let d = parse(
            "version: 1
redis:
  url: redis://127.0.0.1:6379/2
  require: { min_version: \"7.0\" }
  config:
    maxmemory-policy: { value: noeviction, apply: true }
    notify-keyspace-events: { value: Ex, apply: true }
    maxmemory: 0
  databases:
    0:
      families:
        - { name: sessions, pattern: \"session:{uuid}\", type: hash, ttl: { required: true, max: 7d }, on_missing_ttl: { expire: 7d } }
      unknown_keys: report
  sampling: { max_keys: 1000, deadline: 5s }
",
        )
        .expect("valid");
        assert_eq!(d.url, "redis://127.0.0.1:6379/2");
        assert_eq!(d.require.min_version, Some((7, 0)));
        assert_eq!(d.config.len(), 3);
        assert!(d.config[0].apply && !d.config[2].apply);
        assert_eq!(d.databases[&0].families[0].ttl_max, Some(604_800));
        assert_eq!(d.sampling.deadline, Duration::from_secs(5));
        assert!(matches!(d.config[1].compare, Compare::Flags));
    }
}
