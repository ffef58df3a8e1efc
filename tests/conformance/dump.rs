//! An independent cross-check, on request (`SEADIFF_CONFORMANCE_PG_DUMP=1`): after a pass
//! converges by seadiff's own catalog, compare `pg_dump --schema-only` of both databases.
//! Differences show what seadiff's catalog does not see (storage options, owners, identity
//! sequence options, ...). Informational only: the verdict stays seadiff's two checks.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::{clip, one_line};
use differ::postgres::script::split;

/// `pg_dump` next to the cluster's `initdb` (symlinks resolved), else the one on `PATH`.
pub(crate) fn pg_dump() -> Result<PathBuf, String> {
    let dir =
        differ::postgres::cluster::find_bindir().ok_or("no Postgres binaries found for pg_dump")?;
    let beside = |initdb: PathBuf| initdb.parent().map(|d| d.join("pg_dump"));
    let candidates = [
        beside(dir.join("initdb")),
        std::fs::canonicalize(dir.join("initdb"))
            .ok()
            .and_then(beside),
        Some(PathBuf::from("pg_dump")),
    ];
    for p in candidates.into_iter().flatten() {
        if Command::new(&p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return Ok(p);
        }
    }
    Err(format!("no pg_dump beside {} or on PATH", dir.display()))
}

/// The schema of the database at `url`, as normalized statements.
pub(crate) fn schema(pg_dump: &Path, url: &str) -> Result<Vec<String>, String> {
    let out = Command::new(pg_dump)
        .args(["--schema-only", "--no-password", url])
        .output()
        .map_err(|e| format!("pg_dump: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "pg_dump: {}",
            one_line(&String::from_utf8_lossy(&out.stderr))
        ));
    }
    Ok(normalize(&String::from_utf8_lossy(&out.stdout)))
}

/// Statements without comments and session settings, whitespace collapsed, the elements of
/// `CREATE TABLE` sorted (column order is not compared), the whole list sorted.
fn normalize(dump: &str) -> Vec<String> {
    let kept: String = dump
        .lines()
        .filter(|l| {
            !(l.starts_with("--")
                || l.starts_with("\\restrict")
                || l.starts_with("\\unrestrict")
                || l.starts_with("SET ")
                || l.starts_with("SELECT pg_catalog.set_config"))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let mut out: Vec<String> = split(&kept)
        .into_iter()
        .map(|st| st.text)
        .map(|st| {
            let lines: Vec<&str> = st.lines().collect();
            let table = lines.len() > 2
                && lines[0].starts_with("CREATE ")
                && lines[0].contains(" TABLE ")
                && lines[0].ends_with('(')
                && lines[lines.len() - 1].trim_start().starts_with(')');
            if !table {
                return one_line(&st);
            }
            let mut elems: Vec<String> = lines[1..lines.len() - 1]
                .iter()
                .map(|l| l.trim().trim_end_matches(',').to_owned())
                .collect();
            elems.sort();
            one_line(&format!(
                "{} {} {}",
                lines[0],
                elems.join(", "),
                lines[lines.len() - 1]
            ))
        })
        .collect();
    out.sort();
    out
}

/// What the migrated schema lacks and has extra, one line, or `None` when they match.
pub(crate) fn difference(after: &[String], want: &[String]) -> Option<String> {
    let mut count: BTreeMap<&str, i32> = BTreeMap::new();
    for s in want {
        *count.entry(s).or_default() += 1;
    }
    for s in after {
        *count.entry(s).or_default() -= 1;
    }
    let missing: Vec<String> = count
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(s, _)| clip(s, 140))
        .collect();
    let extra: Vec<String> = count
        .iter()
        .filter(|(_, n)| **n < 0)
        .map(|(s, _)| clip(s, 140))
        .collect();
    if missing.is_empty() && extra.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!(
            "lacks `{}`",
            missing[..missing.len().min(2)].join("`, `")
        ));
    }
    if !extra.is_empty() {
        parts.push(format!(
            "has extra `{}`",
            extra[..extra.len().min(2)].join("`, `")
        ));
    }
    Some(parts.join("; "))
}
