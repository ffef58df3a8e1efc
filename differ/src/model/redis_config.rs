//! The `redis:` section of `schema.yaml`, as written. Resolving it (patterns compiled, values
//! normalized, environment expanded) is `redis::declare`; every error there points back here
//! with a line and column.

use indexmap::IndexMap;
use serde::Deserialize;
use serde_saphyr::Spanned;

/// `redis:`
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedisConfig {
    /// `redis://` or `rediss://` URL; `${VAR}` expanded; `REDIS_URL` overrides it.
    #[serde(default)]
    pub url: Option<Spanned<String>>,
    /// What the server must be (checked, never changed).
    #[serde(default)]
    pub require: Option<RequireDecl>,
    /// Server parameters, by name (`maxmemory-policy: noeviction` or a full entry).
    #[serde(default)]
    pub config: IndexMap<Spanned<String>, Spanned<ConfigDecl>>,
    /// `auto` (default): `CONFIG REWRITE` after a change when the server has a config file;
    /// `never`: runtime only.
    #[serde(default)]
    pub persist: Option<Spanned<String>>,
    #[serde(default)]
    pub acl: Option<AclDecl>,
    /// Logical databases by number, with the key families written there.
    #[serde(default)]
    pub databases: IndexMap<Spanned<u32>, DatabaseDecl>,
    #[serde(default)]
    pub sampling: Option<SamplingDecl>,
    #[serde(default)]
    pub search: Option<SearchDecl>,
    /// For `rediss://`: the CA to trust instead of the system store, and a client certificate.
    #[serde(default)]
    pub tls: Option<Spanned<crate::tls::TlsDecl>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequireDecl {
    /// e.g. `"7.0"`
    #[serde(default)]
    pub min_version: Option<Spanned<String>>,
    /// `standalone`, `sentinel` or `cluster`
    #[serde(default)]
    pub mode: Option<Spanned<String>>,
    /// Module names as `MODULE LIST` shows them (`search` / `ft`, `ReJSON`).
    #[serde(default)]
    pub modules: Vec<Spanned<String>>,
    #[serde(default)]
    pub databases_min: Option<Spanned<u32>>,
}

/// A parameter: a bare value, or the value with how to compare it and whether apply may set it.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum ConfigDecl {
    Value(ScalarValue),
    Full(ConfigFull),
}

/// YAML scalars people write for values: `noeviction`, `0`, `yes`, `1.5`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ScalarValue {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl ScalarValue {
    pub fn text(&self) -> String {
        match self {
            ScalarValue::Text(s) => s.clone(),
            ScalarValue::Int(i) => i.to_string(),
            ScalarValue::Float(f) => f.to_string(),
            ScalarValue::Bool(b) => if *b { "yes" } else { "no" }.to_owned(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFull {
    pub value: ScalarValue,
    /// `exact`, `case`, `bytes`, `flags`, `words`, `save`, `client-output-buffer`; default by
    /// parameter.
    #[serde(default)]
    pub compare: Option<String>,
    /// Whether `apply` may `CONFIG SET` it. Default: check only.
    #[serde(default)]
    pub apply: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AclDecl {
    #[serde(default)]
    pub users: IndexMap<Spanned<String>, Spanned<AclUserDecl>>,
    /// `report` (default) or `ignore`: users on the server that are not declared.
    #[serde(default)]
    pub unlisted_users: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AclUserDecl {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// SHA-256 hex digests of the passwords (never plaintext).
    #[serde(default)]
    pub password_sha256: Vec<String>,
    /// An environment variable holding one SHA-256 hex digest.
    #[serde(default)]
    pub password_sha256_env: Option<String>,
    /// `nopass`: any password works.
    #[serde(default)]
    pub nopass: bool,
    /// Key patterns: `~app:*`, `%R~cache:*`, `allkeys`.
    #[serde(default)]
    pub keys: Vec<String>,
    /// Pub/sub channel patterns: `&*`, `allchannels`.
    #[serde(default)]
    pub channels: Vec<String>,
    /// Command rules: `+@all`, `-@dangerous`, `+get`.
    #[serde(default)]
    pub commands: Vec<String>,
    /// Whether `apply` may create or change the user. Default: check only.
    #[serde(default)]
    pub apply: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseDecl {
    /// Custom placeholder types for patterns: `tenant: "public|tenant_[0-9a-f-]+"`.
    #[serde(default)]
    pub placeholders: IndexMap<String, String>,
    #[serde(default)]
    pub families: Vec<Spanned<FamilyDecl>>,
    /// `report` (default), `ignore` or `delete` (needs `delete:` and `--allow-hazard data-loss`).
    #[serde(default)]
    pub unknown_keys: Option<Spanned<String>>,
    #[serde(default)]
    pub delete: Option<Spanned<DeleteDecl>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilyDecl {
    pub name: String,
    /// `session:{uuid}`: literal text with typed placeholders.
    pub pattern: String,
    /// `string`, `hash`, `list`, `set`, `zset`, `stream`, or a module type as `TYPE` prints it.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub ttl: Option<TtlDecl>,
    /// Most elements (hash fields, list items, set members) or, for strings, bytes.
    #[serde(default)]
    pub max_len: Option<u64>,
    /// `app` (default), `library`, `external` (never repaired), `module`.
    #[serde(default)]
    pub owner: Option<String>,
    /// Repair: give keys without a TTL this one (`EXPIRE ... NX`).
    #[serde(default)]
    pub on_missing_ttl: Option<RepairDecl>,
    /// Repair: cap TTLs above `ttl.max` (`EXPIRE ... LT`).
    #[serde(default)]
    pub clamp_long_ttl: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TtlDecl {
    /// `true`: every key must expire; `false`: no rule; `forbidden`: none may.
    #[serde(default)]
    pub required: Option<ScalarValue>,
    /// Longest allowed TTL: `7d`, `12h`, `30m`, `90s`, or seconds.
    #[serde(default)]
    pub max: Option<ScalarValue>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepairDecl {
    pub expire: ScalarValue,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeleteDecl {
    /// SCAN globs of the unknown keys that may be deleted.
    pub allow: Vec<String>,
    /// The most keys one apply deletes.
    pub max: u64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SamplingDecl {
    #[serde(default)]
    pub scan_count: Option<u32>,
    #[serde(default)]
    pub max_keys: Option<u64>,
    #[serde(default)]
    pub max_cmds_per_sec: Option<u32>,
    #[serde(default)]
    pub deadline: Option<Spanned<ScalarValue>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchDecl {
    #[serde(default)]
    pub indexes: IndexMap<Spanned<String>, Spanned<IndexDeclRaw>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexDeclRaw {
    /// A stable name the application queries; the index behind it can be swapped.
    #[serde(default)]
    pub alias: Option<String>,
    /// `hash` (default) or `json`.
    #[serde(default)]
    pub on: Option<String>,
    #[serde(default)]
    pub prefixes: Vec<String>,
    #[serde(default)]
    pub filter: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    pub fields: Vec<FieldDeclRaw>,
    #[serde(default = "yes")]
    pub apply: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDeclRaw {
    pub name: String,
    #[serde(default)]
    pub alias: Option<String>,
    /// `text`, `tag`, `numeric`, `geo`, `vector`
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub weight: Option<f64>,
    #[serde(default)]
    pub separator: Option<String>,
    #[serde(default)]
    pub sortable: bool,
    #[serde(default)]
    pub nostem: bool,
    #[serde(default)]
    pub noindex: bool,
    #[serde(default)]
    pub casesensitive: bool,
}
