//! What a Redis server is and holds, as read; and what the declaration wants of it.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde::Serialize;

use super::estimate::Estimate;
use super::normalize::Compare;
use super::pattern::Pattern;
use super::search::IndexDef;

/// A reading that may have been refused.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "status", content = "value")]
pub enum Reading<T> {
    Known(T),
    /// The server refused to say (a renamed or denied command, a missing module): why.
    Unverifiable(String),
}

impl<T> Reading<T> {
    pub fn known(&self) -> Option<&T> {
        match self {
            Reading::Known(v) => Some(v),
            Reading::Unverifiable(_) => None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ServerInfo {
    /// `7.0.15`
    pub version: String,
    /// `standalone`, `sentinel` or `cluster`
    pub mode: String,
    /// The config file the server was started with; without one, `CONFIG REWRITE` fails and
    /// every `CONFIG SET` is runtime only.
    pub config_file: Option<String>,
    /// Module name → version.
    pub modules: BTreeMap<String, String>,
    pub databases: Option<u32>,
    /// `ACL WHOAMI`: the user this connection is.
    pub user: Option<String>,
    /// Whether `aclfile` is set, so `ACL SAVE` persists users.
    pub aclfile: bool,
}

/// An ACL user as `ACL GETUSER` describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AclUser {
    pub enabled: bool,
    pub nopass: bool,
    /// SHA-256 hex digests.
    pub passwords: BTreeSet<String>,
    /// Key patterns as the server prints them (`~app:*`, `%R~x`).
    pub keys: Vec<String>,
    pub channels: Vec<String>,
    /// The command rules as the server prints them.
    pub commands: String,
}

/// Everything read from one server except sampled data: what the fingerprint covers.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RedisState {
    pub server: ServerInfo,
    /// Declared parameters → their live values (or why they cannot be read).
    pub config: BTreeMap<String, Reading<String>>,
    pub acl: Option<Reading<BTreeMap<String, AclUser>>>,
    pub search: Option<Reading<SearchState>>,
    /// Sampled key families per logical database: not part of the fingerprint.
    #[serde(skip)]
    pub keyspace: BTreeMap<u32, DbSample>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SearchState {
    pub indexes: BTreeMap<String, IndexDef>,
    /// Alias → index.
    pub aliases: BTreeMap<String, String>,
    pub capabilities: super::search::Capabilities,
}

/// A family's findings in one sample.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FamilyStats {
    pub name: String,
    pub seen: u64,
    /// Violation kind (`wrong-type`, `missing-ttl`, `ttl-too-long`, `ttl-forbidden`,
    /// `too-large`) → keys seen with it.
    pub violations: BTreeMap<String, u64>,
    /// Up to five redacted example keys per violation kind.
    pub examples: BTreeMap<String, Vec<String>>,
    /// Types seen that were not the declared one.
    pub wrong_types: BTreeSet<String>,
}

/// What a sample of one logical database found.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DbSample {
    /// `DBSIZE` when sampling started.
    pub dbsize: u64,
    /// Distinct keys examined.
    pub sampled: u64,
    /// The whole keyspace was walked.
    pub complete: bool,
    /// Why sampling stopped early, if it did: `max-keys`, `deadline`.
    pub stopped: Option<String>,
    pub families: Vec<FamilyStats>,
    /// Keys no family matches: count, by prefix, redacted examples.
    pub unknown: u64,
    pub unknown_by_prefix: BTreeMap<String, u64>,
    pub unknown_examples: Vec<String>,
    /// Commands sent (SCAN, TYPE, PTTL, length checks) and how long it took.
    pub commands: u64,
    #[serde(skip)]
    pub elapsed: Duration,
}

impl DbSample {
    /// The population estimate for `hits` sampled keys.
    pub fn estimate(&self, hits: u64) -> Estimate {
        super::estimate::estimate(hits, self.sampled, self.dbsize.max(self.sampled))
    }
}

// ---- the declaration, resolved ----

#[derive(Debug, Clone)]
pub struct Declared {
    pub url: String,
    /// For `rediss://`: the files of `redis.tls`, read by the caller. Connection settings, not
    /// state: never compared.
    pub tls: Option<crate::tls::TlsMaterial>,
    pub require: Require,
    pub config: Vec<ParamDecl>,
    /// `CONFIG REWRITE` after changes when the server has a config file.
    pub persist: bool,
    pub acl: Option<AclDeclared>,
    pub databases: BTreeMap<u32, DbDecl>,
    pub sampling: Sampling,
    pub search: Vec<IndexDeclared>,
}

#[derive(Debug, Clone, Default)]
pub struct Require {
    pub min_version: Option<(u32, u32)>,
    pub mode: Option<String>,
    pub modules: Vec<String>,
    pub databases_min: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct ParamDecl {
    pub name: String,
    /// As declared.
    pub value: String,
    pub compare: Compare,
    pub apply: bool,
    /// Line in `schema.yaml`.
    pub line: u64,
}

#[derive(Debug, Clone)]
pub struct AclDeclared {
    pub users: Vec<UserDecl>,
    pub report_unlisted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserDecl {
    pub name: String,
    pub enabled: bool,
    pub nopass: bool,
    pub passwords: BTreeSet<String>,
    pub keys: Vec<String>,
    pub channels: Vec<String>,
    pub commands: Vec<String>,
    pub apply: bool,
}

/// `ttl.required`
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TtlRule {
    Required,
    Forbidden,
    Any,
}

#[derive(Debug, Clone)]
pub struct Family {
    pub name: String,
    pub pattern: Pattern,
    /// As `TYPE` prints it.
    pub kind: String,
    pub ttl: TtlRule,
    /// Seconds.
    pub ttl_max: Option<u64>,
    pub max_len: Option<u64>,
    /// `external` families are never repaired.
    pub owner: String,
    /// Repair keys without a TTL with this one (seconds).
    pub expire_missing: Option<u64>,
    pub clamp_long_ttl: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unknown {
    Report,
    Ignore,
    Delete { allow: Vec<String>, max: u64 },
}

#[derive(Debug, Clone)]
pub struct DbDecl {
    pub families: Vec<Family>,
    pub unknown: Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sampling {
    pub scan_count: u32,
    pub max_keys: u64,
    pub max_cmds_per_sec: u32,
    pub deadline: Duration,
}

impl Default for Sampling {
    fn default() -> Self {
        Sampling {
            scan_count: 250,
            max_keys: 50_000,
            max_cmds_per_sec: 20_000,
            deadline: Duration::from_secs(60),
        }
    }
}

#[derive(Debug, Clone)]
pub struct IndexDeclared {
    pub name: String,
    pub alias: Option<String>,
    pub def: IndexDef,
    pub apply: bool,
}
