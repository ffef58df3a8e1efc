//! Reads a Redis server: `INFO`, `CONFIG GET` (falling back to `INFO` where `CONFIG` is
//! refused), `MODULE LIST`, `ACL`, `FT.*`. Never writes, except the short-lived probe user
//! that turns declared ACL rules into the form the server prints (Redis 7.0 flattens command
//! categories, so text comparison would always differ); it is deleted at once.

use std::collections::{BTreeMap, BTreeSet};

use redis::Value;

use super::model::{AclUser, Declared, Reading, RedisState, SearchState, ServerInfo, UserDecl};
use super::{Conn, RedisError, search};

/// `INFO` sections as `field → value`.
pub fn parse_info(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// Text of a reply that is a string of some kind.
pub(crate) fn text(v: &Value) -> Option<String> {
    match v {
        Value::BulkString(b) => Some(String::from_utf8_lossy(b).into_owned()),
        Value::SimpleString(s) => Some(s.clone()),
        Value::VerbatimString { text, .. } => Some(text.clone()),
        Value::Int(i) => Some(i.to_string()),
        Value::Double(d) => Some(d.to_string()),
        Value::Okay => Some("OK".to_owned()),
        Value::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A reply that is a map (RESP3) or a flat key/value array (RESP2), as ordered pairs.
pub(crate) fn pairs(v: &Value) -> Vec<(String, Value)> {
    match v {
        Value::Map(m) => m
            .iter()
            .filter_map(|(k, v)| Some((text(k)?, v.clone())))
            .collect(),
        Value::Array(a) => a
            .chunks(2)
            .filter_map(|c| Some((text(c.first()?)?, c.get(1)?.clone())))
            .collect(),
        _ => Vec::new(),
    }
}

/// Strings of an array (or set) reply.
pub(crate) fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) | Value::Set(a) => a.iter().filter_map(text).collect(),
        other => text(other)
            .map(|s| s.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default(),
    }
}

/// Whether an error means "the server will not let you", as opposed to a broken connection.
pub(crate) fn refused(e: &RedisError) -> Option<String> {
    match e {
        RedisError::Command { source, .. }
            if source.kind() != redis::ErrorKind::Io && !source.is_timeout() =>
        {
            // Redis echoes the refused command's arguments; keep only the reason.
            let text = source.to_string();
            let reason = text
                .split(", with args beginning with")
                .next()
                .unwrap_or(&text);
            Some(reason.trim().to_owned())
        }
        _ => None,
    }
}

/// Reads everything but the keyspace.
pub async fn read(
    conn: &mut Conn,
    declared: &Declared,
) -> Result<(RedisState, BTreeMap<String, Reading<AclUser>>), RedisError> {
    let info: String = conn.run(&["INFO"], "read INFO").await?;
    let info = parse_info(&info);
    let mut server = ServerInfo {
        version: info.get("redis_version").cloned().unwrap_or_default(),
        mode: info
            .get("redis_mode")
            .cloned()
            .unwrap_or_else(|| "standalone".to_owned()),
        config_file: info.get("config_file").filter(|s| !s.is_empty()).cloned(),
        ..ServerInfo::default()
    };
    match conn.run::<Value>(&["MODULE", "LIST"], "list modules").await {
        Ok(v) => {
            if let Value::Array(mods) | Value::Set(mods) = v {
                for m in mods {
                    let p: BTreeMap<String, Value> = pairs(&m).into_iter().collect();
                    if let Some(name) = p.get("name").and_then(text) {
                        server
                            .modules
                            .insert(name, p.get("ver").and_then(text).unwrap_or_default());
                    }
                }
            }
        }
        Err(e) if refused(&e).is_some() => {}
        Err(e) => return Err(e),
    }
    server.user = match conn
        .run::<String>(&["ACL", "WHOAMI"], "ask who this connection is")
        .await
    {
        Ok(u) => Some(u),
        Err(e) if refused(&e).is_some() => None,
        Err(e) => return Err(e),
    };

    // CONFIG GET for every declared parameter, plus the few that decide persistence.
    let mut names: Vec<&str> = declared.config.iter().map(|p| p.name.as_str()).collect();
    names.extend(["databases", "aclfile"]);
    let mut args = vec!["CONFIG", "GET"];
    args.extend(names.iter().copied());
    let config_reply = conn.run::<Value>(&args, "read the server config").await;
    let mut config = BTreeMap::new();
    match config_reply {
        Ok(v) => {
            let got: BTreeMap<String, String> = pairs(&v)
                .into_iter()
                .filter_map(|(k, v)| Some((k, text(&v)?)))
                .collect();
            server.databases = got.get("databases").and_then(|d| d.parse().ok());
            server.aclfile = got.get("aclfile").is_some_and(|f| !f.is_empty());
            for p in &declared.config {
                config.insert(
                    p.name.clone(),
                    match got.get(&p.name) {
                        Some(v) => Reading::Known(v.clone()),
                        None => Reading::Unverifiable(format!(
                            "the server has no parameter `{}`",
                            p.name
                        )),
                    },
                );
            }
        }
        Err(e) => {
            let Some(why) = refused(&e) else {
                return Err(e);
            };
            // Managed services refuse CONFIG; INFO still tells some of it.
            for p in &declared.config {
                let twin = match p.name.as_str() {
                    "maxmemory" => info.get("maxmemory").cloned(),
                    "maxmemory-policy" => info.get("maxmemory_policy").cloned(),
                    "appendonly" => info
                        .get("aof_enabled")
                        .map(|v| if v == "1" { "yes" } else { "no" }.to_owned()),
                    _ => None,
                };
                config.insert(
                    p.name.clone(),
                    match twin {
                        Some(v) => Reading::Known(v),
                        None => Reading::Unverifiable(format!(
                            "CONFIG is refused ({}) and INFO does not show `{}`",
                            why.trim(),
                            p.name
                        )),
                    },
                );
            }
        }
    }

    let mut probes = BTreeMap::new();
    let acl = match &declared.acl {
        None => None,
        Some(decl) => Some(match read_users(conn).await {
            Ok(users) => {
                for u in &decl.users {
                    probes.insert(u.name.clone(), probe(conn, u).await?);
                }
                Reading::Known(users)
            }
            Err(e) => Reading::Unverifiable(refused(&e).ok_or(e)?),
        }),
    };

    let search = if declared.search.is_empty() {
        None
    } else {
        Some(read_search(conn, &server).await?)
    };
    Ok((
        RedisState {
            server,
            config,
            acl,
            search,
            keyspace: BTreeMap::new(),
        },
        probes,
    ))
}

/// Every user, as `ACL GETUSER` describes it.
async fn read_users(conn: &mut Conn) -> Result<BTreeMap<String, AclUser>, RedisError> {
    let names: Vec<String> = conn.run(&["ACL", "USERS"], "list ACL users").await?;
    let mut out = BTreeMap::new();
    for name in names {
        let v: Value = conn
            .run(&["ACL", "GETUSER", &name], "read an ACL user")
            .await?;
        out.insert(name, parse_user(&v));
    }
    Ok(out)
}

/// An `ACL GETUSER` reply.
pub fn parse_user(v: &Value) -> AclUser {
    let p: BTreeMap<String, Value> = pairs(v).into_iter().collect();
    let flags: BTreeSet<String> = p
        .get("flags")
        .map(strings)
        .unwrap_or_default()
        .into_iter()
        .collect();
    AclUser {
        enabled: flags.contains("on"),
        nopass: flags.contains("nopass"),
        passwords: p
            .get("passwords")
            .map(strings)
            .unwrap_or_default()
            .into_iter()
            .collect(),
        keys: p.get("keys").map(strings).unwrap_or_default(),
        channels: p.get("channels").map(strings).unwrap_or_default(),
        commands: p.get("commands").and_then(text).unwrap_or_default(),
    }
}

/// The `ACL SETUSER` rules (after `reset`) for a declared user.
pub fn rules(u: &UserDecl) -> Vec<String> {
    let mut r = vec![
        "reset".to_owned(),
        if u.enabled { "on" } else { "off" }.to_owned(),
    ];
    if u.nopass {
        r.push("nopass".to_owned());
    }
    r.extend(u.passwords.iter().map(|h| format!("#{h}")));
    r.extend(u.keys.iter().cloned());
    r.extend(u.channels.iter().cloned());
    r.extend(u.commands.iter().cloned());
    r
}

/// The declared user as the server would print it: created under a throwaway name, read back,
/// deleted.
async fn probe(conn: &mut Conn, u: &UserDecl) -> Result<Reading<AclUser>, RedisError> {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let name = format!(
        "__seadiff_probe_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    // Disabled and without passwords: the probe can never be logged into.
    let mut args: Vec<String> = vec!["ACL".into(), "SETUSER".into(), name.clone()];
    args.extend(rules(&UserDecl {
        enabled: false,
        nopass: false,
        passwords: BTreeSet::new(),
        ..u.clone()
    }));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    if let Err(e) = conn.run::<()>(&refs, "probe a declared ACL user").await {
        return match refused(&e) {
            Some(why) => Ok(Reading::Unverifiable(format!(
                "cannot turn the declared rules into the server's form: {why}"
            ))),
            None => Err(e),
        };
    }
    let read = conn
        .run::<Value>(&["ACL", "GETUSER", &name], "read the probe user")
        .await;
    let _ = conn
        .run::<i64>(&["ACL", "DELUSER", &name], "delete the probe user")
        .await;
    let mut user = parse_user(&read?);
    user.enabled = u.enabled;
    user.nopass = u.nopass;
    user.passwords = u.passwords.clone();
    Ok(Reading::Known(user))
}

/// Search indexes, when the module is there.
async fn read_search(
    conn: &mut Conn,
    server: &ServerInfo,
) -> Result<Reading<SearchState>, RedisError> {
    let Some((_, ver)) = server
        .modules
        .iter()
        .find(|(n, _)| matches!(n.as_str(), "search" | "ft" | "searchlight"))
    else {
        return Ok(Reading::Unverifiable(
            "the server has no search module (MODULE LIST shows none)".to_owned(),
        ));
    };
    let v2 = ver.parse::<u32>().is_ok_and(|v| v >= 20000);
    let caps = search::Capabilities {
        alter: true,
        aliases: v2,
        list: v2,
        drop_index: v2,
        dialect: if v2 {
            search::Dialect::V2
        } else {
            search::Dialect::V1
        },
    };
    let mut state = SearchState {
        capabilities: caps,
        ..SearchState::default()
    };
    let names: Vec<String> = if caps.list {
        conn.run(&["FT._LIST"], "list search indexes").await?
    } else {
        // 1.x cannot list indexes: their keys are `idx:<name>` of type ft_index0.
        let keys: Vec<String> = conn.run(&["KEYS", "idx:*"], "find search indexes").await?;
        keys.into_iter()
            .filter_map(|k| k.strip_prefix("idx:").map(str::to_owned))
            .collect()
    };
    for name in names {
        let v: Value = conn.run(&["FT.INFO", &name], "read a search index").await?;
        let live = search::parse_ft_info(&v).map_err(|detail| RedisError::Reply {
            what: format!("FT.INFO {name}"),
            detail,
        })?;
        state.indexes.insert(name, live.def);
    }
    if caps.aliases {
        // FT._ALIASLIST is missing on some versions; an index's aliases show in FT.INFO too.
        if let Ok(v) = conn
            .run::<Value>(&["FT._ALIASLIST"], "list search aliases")
            .await
        {
            for (alias, target) in pairs(&v) {
                if let Some(t) = text(&target) {
                    state.aliases.insert(alias, t);
                }
            }
        }
    }
    Ok(Reading::Known(state))
}
