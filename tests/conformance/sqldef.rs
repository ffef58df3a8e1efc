//! The psqldef cases: `cmd/psqldef/tests_*.yml`, a map from case name to case.
//!
//! - With `up`/`down`: the current database is `current`; the desired one is `current` then the
//!   expected `up` (psqldef's `desired` is declarative, not an ordered script). Then a reverse
//!   pass makes the migrated database look like a fresh one holding `current` again.
//! - Idempotency-only (no `up`/`down`): the desired database is `desired` loaded alone
//!   (statement by statement, retried until dependency order works out, when it does not load
//!   as one script).
//!
//! Parsed with serde-saphyr, which rejects duplicate keys. The snapshot has none (no case
//! repeats a field, no file repeats a case name); if a later snapshot does, loading fails
//! loudly here rather than silently keeping one of the two values. Case names must also be
//! unique across files, since `known_failures.txt` names cases without their file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;

use crate::harness::{Case, Corpus, Pass, Script, Start};

/// The server version the harness runs (`TempCluster` uses the newest local binaries).
const SERVER_MAJOR: u32 = 15;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    #[serde(default)]
    current: Option<String>,
    #[serde(default)]
    desired: Option<String>,
    #[serde(default)]
    up: Option<String>,
    #[serde(default)]
    down: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    enable_drop: Option<bool>,
    #[serde(default)]
    min_version: Option<String>,
    #[serde(default)]
    max_version: Option<String>,
    #[serde(default)]
    user: Option<String>,
    #[serde(default)]
    flavor: Option<String>,
    #[serde(default)]
    managed_roles: Option<Vec<String>>,
    #[serde(default)]
    manage: Option<Manage>,
    #[serde(default)]
    legacy_ignore_quotes: Option<bool>,
    #[serde(default)]
    offline: Option<bool>,
    #[serde(default)]
    config: Option<BTreeMap<String, bool>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manage {
    #[serde(default)]
    extension: Option<Vec<Rule>>,
    #[serde(default)]
    function: Option<Vec<Rule>>,
    #[serde(default)]
    privilege: Option<Vec<Rule>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // read only to validate the format
struct Rule {
    #[serde(default)]
    target: Option<String>,
    #[serde(default)]
    drop: Option<bool>,
}

/// `"9.1"` → 9, `"18.0"` → 18.
fn major(v: &str) -> Result<u32, String> {
    v.split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .ok_or_else(|| format!("unreadable version {v:?}"))
}

/// Why a case does not apply to PG 15 without extra roles or extensions, if it does not.
fn skip(c: &RawCase) -> Result<Option<String>, String> {
    if c.offline == Some(true) {
        return Ok(Some("offline".into()));
    }
    if c.flavor.as_deref() == Some("pgvector") {
        return Ok(Some("flavor: pgvector".into()));
    }
    if c.user.is_some() {
        return Ok(Some("user".into()));
    }
    if c.managed_roles.is_some() {
        return Ok(Some("managed_roles".into()));
    }
    if c.manage.as_ref().is_some_and(|m| m.privilege.is_some()) {
        return Ok(Some("manage.privilege".into()));
    }
    if let Some(v) = &c.min_version
        && major(v)? > SERVER_MAJOR
    {
        return Ok(Some(format!("min_version {v}")));
    }
    if let Some(v) = &c.max_version
        && major(v)? < SERVER_MAJOR
    {
        return Ok(Some(format!("max_version {v}")));
    }
    if c.error.is_some() {
        return Ok(Some("error".into()));
    }
    Ok(None)
}

/// psqldef-specific semantics the case exercises; run anyway (we check convergence only).
fn tags(c: &RawCase) -> Vec<String> {
    let mut t = Vec::new();
    let desired = c.desired.as_deref().unwrap_or("");
    if desired.contains("@renamed") {
        t.push("@renamed".to_owned());
    }
    if c.enable_drop == Some(false) {
        t.push("enable_drop: false".to_owned());
    }
    if c.legacy_ignore_quotes == Some(false) {
        t.push("legacy_ignore_quotes: false".to_owned());
    }
    if let Some(m) = &c.manage {
        if m.extension.is_some() {
            t.push("manage.extension".to_owned());
        }
        if m.function.is_some() {
            t.push("manage.function".to_owned());
        }
    }
    for (k, v) in c.config.iter().flatten() {
        t.push(format!("config.{k}: {v}"));
    }
    t
}

pub(crate) fn cases(root: &Path) -> Result<Vec<Case>, String> {
    let dir = root.join("sqldef/cmd/psqldef");
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("tests") && n.ends_with(".yml"))
        })
        .collect();
    files.sort();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for file in files {
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        // Default options: duplicate keys are an error (see the module comment).
        let raw: indexmap::IndexMap<String, RawCase> =
            serde_saphyr::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
        for (name, c) in raw {
            if !seen.insert(name.clone()) {
                return Err(format!(
                    "{}: case {name} also exists in another file; known_failures.txt could not tell them apart",
                    file.display()
                ));
            }
            if c.up.is_some() != c.down.is_some() {
                return Err(format!(
                    "{}: case {name} has only one of up/down",
                    file.display()
                ));
            }
            let current = c.current.clone().unwrap_or_default();
            let passes = match &c.up {
                Some(up) => vec![
                    Pass {
                        label: "forward",
                        current: Start::Fresh(vec![Script::new("current", current.clone())]),
                        desired: vec![
                            Script::new("current", current.clone()),
                            Script::new("up", up.clone()),
                        ],
                    },
                    Pass {
                        label: "reverse",
                        current: Start::Continue,
                        desired: vec![Script::new("current", current)],
                    },
                ],
                None => vec![Pass {
                    label: "forward",
                    current: Start::Fresh(vec![Script::new("current", current)]),
                    desired: vec![Script::new(
                        "desired",
                        c.desired.clone().unwrap_or_default(),
                    )],
                }],
            };
            out.push(Case {
                corpus: Corpus::Sqldef,
                skip: skip(&c).map_err(|e| format!("{}: case {name}: {e}", file.display()))?,
                tags: tags(&c),
                name,
                passes,
            });
        }
    }
    if out.is_empty() {
        return Err(format!("no sqldef cases under {}", dir.display()));
    }
    Ok(out)
}
