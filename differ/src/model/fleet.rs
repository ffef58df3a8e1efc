//! `fleet.yaml`: many targets that share one desired state, for `seadiff drift --fleet`.
//!
//! ```yaml
//! version: 1
//! concurrency: 8                 # targets checked at once (default 8)
//! targets:
//!   - name: eu-1
//!     postgres: ${EU1_DATABASE_URL}
//!     redis: redis://eu-1-cache:6379/0     # optional
//!     vespa: http://eu-1-vespa:19071       # optional
//! ```
//!
//! Parsing is strict and positioned like `schema.yaml`; URLs go through the same `${VAR}`
//! expansion. Sharding is by a stable hash of the target's name, so adding a target moves no
//! other target between shards.

use serde::Deserialize;
use serde_saphyr::Spanned;
use sha2::{Digest, Sha256};

use super::config::{ConfigError, expand_env};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FleetFile {
    version: Spanned<u32>,
    #[serde(default)]
    concurrency: Option<Spanned<u32>>,
    targets: Vec<Spanned<TargetDecl>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetDecl {
    name: Spanned<String>,
    #[serde(default)]
    postgres: Option<Spanned<String>>,
    #[serde(default)]
    redis: Option<Spanned<String>>,
    #[serde(default)]
    vespa: Option<Spanned<String>>,
}

/// One target: a set of store URLs, expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub name: String,
    pub postgres: Option<String>,
    pub redis: Option<String>,
    pub vespa: Option<String>,
    /// 1-based line in the fleet file.
    pub line: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fleet {
    pub concurrency: usize,
    pub targets: Vec<Target>,
}

fn err(line: u64, column: u64, message: impl Into<String>) -> ConfigError {
    ConfigError {
        line,
        column,
        message: message.into(),
    }
}

impl Fleet {
    pub fn parse(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Fleet, ConfigError> {
        let file: FleetFile = serde_saphyr::from_str(text).map_err(super::config::yaml_error)?;
        if file.version.value != 1 {
            return Err(err(
                file.version.referenced.line(),
                file.version.referenced.column(),
                format!(
                    "fleet file version {} is not supported (1 is)",
                    file.version.value
                ),
            ));
        }
        let concurrency = match &file.concurrency {
            None => 8,
            Some(c) if (1..=256).contains(&c.value) => c.value as usize,
            Some(c) => {
                return Err(err(
                    c.referenced.line(),
                    c.referenced.column(),
                    "concurrency must be 1 to 256",
                ));
            }
        };
        let mut targets: Vec<Target> = Vec::new();
        for t in &file.targets {
            let d = &t.value;
            let name = d.name.value.trim().to_owned();
            if name.is_empty() {
                return Err(err(
                    d.name.referenced.line(),
                    d.name.referenced.column(),
                    "a target needs a name",
                ));
            }
            if targets.iter().any(|o| o.name == name) {
                return Err(err(
                    d.name.referenced.line(),
                    d.name.referenced.column(),
                    format!("target `{name}` is listed twice"),
                ));
            }
            let url =
                |u: &Option<Spanned<String>>| u.as_ref().map(|u| expand_env(u, env)).transpose();
            let target = Target {
                name,
                postgres: url(&d.postgres)?,
                redis: url(&d.redis)?,
                vespa: url(&d.vespa)?,
                line: t.referenced.line(),
            };
            if target.postgres.is_none() && target.redis.is_none() && target.vespa.is_none() {
                return Err(err(
                    t.referenced.line(),
                    t.referenced.column(),
                    format!(
                        "target `{}` names no store (postgres, redis or vespa)",
                        target.name
                    ),
                ));
            }
            targets.push(target);
        }
        Ok(Fleet {
            concurrency,
            targets,
        })
    }

    /// The targets of shard `index` (0-based) of `count`: by a stable hash of the name.
    pub fn shard(&self, index: u32, count: u32) -> Vec<&Target> {
        self.targets
            .iter()
            .filter(|t| shard_of(&t.name, count) == index)
            .collect()
    }
}

/// Which of `count` shards a target name falls in.
pub fn shard_of(name: &str, count: u32) -> u32 {
    let digest = Sha256::digest(name.as_bytes());
    let n = u64::from_be_bytes([
        digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6], digest[7],
    ]);
    (n % u64::from(count.max(1))) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_expand_and_shard_into_a_partition() {
        let text = "version: 1\nconcurrency: 4\ntargets:\n".to_owned()
            + &(0..100)
                .map(|i| {
                    format!("  - {{ name: db{i}, postgres: \"postgres://u:${{PW}}@h/db{i}\" }}\n")
                })
                .collect::<String>();
        let f = Fleet::parse(&text, &|v| (v == "PW").then(|| "s3cret".to_owned())).expect("fleet");
        assert_eq!(f.concurrency, 4);
        assert_eq!(
            f.targets[3].postgres.as_deref(),
            Some("postgres://u:s3cret@h/db3")
        );
        assert_eq!(f.targets[3].line, 7);
        let mut seen: Vec<&str> = (0..4)
            .flat_map(|i| f.shard(i, 4))
            .map(|t| t.name.as_str())
            .collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 100, "the shards partition the fleet");
        assert!((0..4).all(|i| !f.shard(i, 4).is_empty()));
        // Stable: the shard of a name does not depend on the others.
        assert_eq!(shard_of("db7", 4), shard_of("db7", 4));
    }

    #[test]
    fn mistakes_are_positioned() {
        let e = Fleet::parse("version: 1\ntargets:\n  - { name: a }\n", &|_| None)
            .expect_err("no store");
        assert_eq!(e.line, 3);
        let e = Fleet::parse(
            "version: 1\ntargets:\n  - { name: a, postgres: x }\n  - { name: a, postgres: y }\n",
            &|_| None,
        )
        .expect_err("twice");
        assert!(e.message.contains("listed twice"), "{e}");
        assert_eq!(e.line, 4);
        let e = Fleet::parse(
            "version: 1\ntargets:\n  - { name: a, postgress: x }\n",
            &|_| None,
        )
        .expect_err("unknown key");
        assert_eq!(e.line, 3);
    }
}
