//! Comparing Redis server configuration values, with Redis 7.0 semantics.
//!
//! A declared value is written by a person; a live value is what `CONFIG GET` returns. The
//! two can differ in spelling yet mean the same: `1gb` is returned as `1073741824`, `KEA` as
//! `AKE`, `YES` as `yes`. Each parameter has a [`Compare`] mode that says how to bring both
//! to one canonical form.

/// How two values of a parameter compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Compare {
    /// Byte for byte.
    Exact,
    /// Ignoring ASCII case, as Redis does for enums and yes/no; the server returns lowercase.
    CaseInsensitive,
    /// A byte size with an optional `k`, `kb`, `m`, `mb`, `g` or `gb` suffix; the server
    /// returns plain bytes. `maxmemory-clients` also takes a percentage such as `10%`.
    Bytes,
    /// `notify-keyspace-events` class characters, compared as a set, with `A` expanded.
    Flags,
    /// Whitespace-separated words, compared in order, ignoring ASCII case.
    Words,
    /// `client-output-buffer-limit`: only the classes the declaration names are compared.
    ClientOutputBuffer,
    /// `save`: an ordered list of `seconds changes` pairs; empty means saving is off.
    Save,
}

impl Compare {
    /// Every mode, in declaration order.
    pub const ALL: [Compare; 7] = [
        Compare::Exact,
        Compare::CaseInsensitive,
        Compare::Bytes,
        Compare::Flags,
        Compare::Words,
        Compare::ClientOutputBuffer,
        Compare::Save,
    ];

    /// The name of this mode in YAML, as [`compare_from_name`] reads it.
    pub fn name(self) -> &'static str {
        match self {
            Compare::Exact => "exact",
            Compare::CaseInsensitive => "case",
            Compare::Bytes => "bytes",
            Compare::Flags => "flags",
            Compare::Words => "words",
            Compare::ClientOutputBuffer => "client-output-buffer-limit",
            Compare::Save => "save",
        }
    }
}

/// Parameters whose values are byte sizes (`MEMORY_CONFIG` in Redis 7.0), aliases included.
const BYTE_PARAMS: &[&str] = &[
    "maxmemory",
    "maxmemory-clients",
    "client-query-buffer-limit",
    "proto-max-bulk-len",
    "active-defrag-ignore-bytes",
    "repl-backlog-size",
    "auto-aof-rewrite-min-size",
    "cluster-link-sendbuf-limit",
    "hash-max-listpack-value",
    "hash-max-ziplist-value",
    "zset-max-listpack-value",
    "zset-max-ziplist-value",
    "stream-node-max-bytes",
    "hll-sparse-max-bytes",
];

/// Byte-size parameters that also take a percentage (`PERCENT_CONFIG` in Redis 7.0).
const PERCENT_PARAMS: &[&str] = &["maxmemory-clients"];

/// Parameters whose values are yes/no or enum names, which Redis matches ignoring case.
const CASE_PARAMS: &[&str] = &[
    // Enums.
    "acl-pubsub-default",
    "appendfsync",
    "cluster-preferred-endpoint-type",
    "enable-debug-command",
    "enable-module-command",
    "enable-protected-configs",
    "loglevel",
    "maxmemory-policy",
    "oom-score-adj",
    "propagation-error-behavior",
    "repl-diskless-load",
    "sanitize-dump-payload",
    "supervised",
    "syslog-facility",
    "tls-auth-clients",
    // Booleans.
    "activedefrag",
    "activerehashing",
    "always-show-logo",
    "aof-disable-auto-gc",
    "aof-load-truncated",
    "aof-rewrite-incremental-fsync",
    "aof-timestamp-enabled",
    "aof-use-rdb-preamble",
    "appendonly",
    "cluster-allow-pubsubshard-when-down",
    "cluster-allow-reads-when-down",
    "cluster-allow-replica-migration",
    "cluster-enabled",
    "cluster-replica-no-failover",
    "cluster-require-full-coverage",
    "cluster-slave-no-failover",
    "crash-log-enabled",
    "crash-memcheck-enabled",
    "daemonize",
    "disable-thp",
    "dynamic-hz",
    "io-threads-do-reads",
    "jemalloc-bg-thread",
    "latency-tracking",
    "lazyfree-lazy-eviction",
    "lazyfree-lazy-expire",
    "lazyfree-lazy-server-del",
    "lazyfree-lazy-user-del",
    "lazyfree-lazy-user-flush",
    "no-appendfsync-on-rewrite",
    "protected-mode",
    "rdb-del-sync-files",
    "rdb-save-incremental-fsync",
    "rdbchecksum",
    "rdbcompression",
    "repl-disable-tcp-nodelay",
    "repl-diskless-sync",
    "replica-announced",
    "replica-ignore-disk-write-errors",
    "replica-ignore-maxmemory",
    "replica-lazy-flush",
    "replica-read-only",
    "replica-serve-stale-data",
    "set-proc-title",
    "slave-ignore-maxmemory",
    "slave-lazy-flush",
    "slave-read-only",
    "slave-serve-stale-data",
    "stop-writes-on-bgsave-error",
    "syslog-enabled",
    "tls-cluster",
    "tls-prefer-server-ciphers",
    "tls-replication",
    "tls-session-caching",
    "use-exit-on-panic",
];

/// Parameters whose values are lists of words.
const WORD_PARAMS: &[&str] = &[
    "bind",
    "latency-tracking-info-percentiles",
    "oom-score-adj-values",
    "replicaof",
    "shutdown-on-sigint",
    "shutdown-on-sigterm",
    "slaveof",
];

/// Free-text parameters compared exactly even when their value happens to be yes or no.
const TEXT_PARAMS: &[&str] = &[
    "aclfile",
    "appenddirname",
    "appendfilename",
    "bind-source-addr",
    "cluster-announce-hostname",
    "cluster-announce-ip",
    "cluster-config-file",
    "dbfilename",
    "dir",
    "ignore-warnings",
    "logfile",
    "masterauth",
    "masteruser",
    "pidfile",
    "proc-title-template",
    "replica-announce-ip",
    "requirepass",
    "slave-announce-ip",
    "syslog-ident",
    "tls-ca-cert-dir",
    "tls-ca-cert-file",
    "tls-cert-file",
    "tls-ciphers",
    "tls-ciphersuites",
    "tls-client-cert-file",
    "tls-client-key-file",
    "tls-client-key-file-pass",
    "tls-dh-params-file",
    "tls-key-file",
    "tls-key-file-pass",
    "tls-protocols",
    "unixsocket",
];

/// Parameters that take `shutdown-on-sig*` flags; the server lists them in this order.
const SHUTDOWN_PARAMS: &[&str] = &["shutdown-on-sigint", "shutdown-on-sigterm"];

/// The `shutdown-on-sig*` flags, in the order `CONFIG GET` lists them.
const SHUTDOWN_FLAGS: [&str; 4] = ["save", "nosave", "now", "force"];

/// `notify-keyspace-events` characters, in the order `CONFIG GET` lists them.
const EVENT_FLAGS: [char; 14] = [
    'g', '$', 'l', 's', 'h', 'z', 'x', 'e', 't', 'd', 'n', 'K', 'E', 'm',
];

/// The bits `A` stands for: `g$lshzxetd` (not `n`, `m`, `K` or `E`).
const EVENTS_ALL: u16 = (1 << 10) - 1;

/// The bit of the `n` (new key) event class, which `CONFIG GET` hides when `A` is shown.
const EVENT_NEW: u16 = 1 << 10;

/// Client classes in the order `CONFIG GET client-output-buffer-limit` lists them.
const BUFFER_CLASSES: [&str; 3] = ["normal", "slave", "pubsub"];

/// The comparison a known parameter uses when the declaration does not say.
///
/// Parameter names are matched ignoring ASCII case, as Redis does. Unknown parameters
/// compare [`Compare::Exact`]; see [`default_compare_for`] to also look at the value.
pub fn default_compare(param: &str) -> Compare {
    known_compare(param).unwrap_or(Compare::Exact)
}

/// The comparison for a parameter when the declaration does not say, given its declared value.
///
/// The same as [`default_compare`], except that an unknown parameter whose declared value is
/// `yes` or `no` (in any case) compares [`Compare::CaseInsensitive`], as Redis booleans do.
pub fn default_compare_for(param: &str, declared: &str) -> Compare {
    match known_compare(param) {
        Some(how) => how,
        None if is_yes_no(declared) => Compare::CaseInsensitive,
        None => Compare::Exact,
    }
}

/// Parse a compare mode name from YAML: `exact`, `case` (or `case-insensitive`), `bytes`,
/// `flags`, `words`, `client-output-buffer-limit` (or `client-output-buffer`) and `save`,
/// ignoring ASCII case. Returns `None` for any other name.
pub fn compare_from_name(name: &str) -> Option<Compare> {
    let name = name.to_ascii_lowercase();
    match name.as_str() {
        "case-insensitive" => Some(Compare::CaseInsensitive),
        "client-output-buffer" => Some(Compare::ClientOutputBuffer),
        _ => Compare::ALL.into_iter().find(|how| how.name() == name),
    }
}

/// The canonical form of `value` for `param` under `how`, or an error message a person can
/// act on.
///
/// The canonical form is what `CONFIG GET` would return after setting `value`, so a
/// declared value's canonical form can be compared with a live value's directly, except
/// under [`Compare::ClientOutputBuffer`], where a declaration may name only some classes
/// (use [`same`]).
pub fn canonical(param: &str, value: &str, how: Compare) -> Result<String, String> {
    match how {
        Compare::Exact => Ok(value.to_string()),
        Compare::CaseInsensitive => Ok(value.to_ascii_lowercase()),
        Compare::Bytes => canonical_size(param, value),
        Compare::Flags => parse_events(value).map(render_events),
        Compare::Words => canonical_words(param, value),
        Compare::ClientOutputBuffer => parse_buffer_limits(value).map(|l| render_buffer_limits(&l)),
        Compare::Save => parse_save(value).map(|pairs| render_save(&pairs)),
    }
}

/// Whether declared and live values mean the same.
///
/// Fails if either value cannot be read under `how`; an error about the live value says so.
pub fn same(param: &str, declared: &str, live: &str, how: Compare) -> Result<bool, String> {
    if how == Compare::ClientOutputBuffer {
        return same_buffer_limits(declared, live);
    }
    let declared = canonical(param, declared, how)?;
    let live = canonical(param, live, how).map_err(|err| live_error(param, &err))?;
    Ok(declared == live)
}

/// The value to send with `CONFIG SET` for a declared value.
///
/// Sizes, save schedules and client output buffer limits are sent in canonical form (plain
/// bytes, single spaces); enums and yes/no in lowercase; words joined by single spaces,
/// since Redis splits multi-word values on each single space; event flags as declared.
/// Fails, like [`canonical`], on a value Redis would reject.
pub fn to_set(param: &str, declared: &str, how: Compare) -> Result<String, String> {
    let canonical = canonical(param, declared, how)?;
    match how {
        Compare::Exact | Compare::Flags => Ok(declared.to_string()),
        Compare::Words => Ok(declared.split_whitespace().collect::<Vec<_>>().join(" ")),
        _ => Ok(canonical),
    }
}

/// The mode of a parameter this module knows, by name ignoring case.
fn known_compare(param: &str) -> Option<Compare> {
    let param = param.to_ascii_lowercase();
    let param = param.as_str();
    match param {
        "notify-keyspace-events" => Some(Compare::Flags),
        "save" => Some(Compare::Save),
        "client-output-buffer-limit" => Some(Compare::ClientOutputBuffer),
        _ if BYTE_PARAMS.contains(&param) => Some(Compare::Bytes),
        _ if CASE_PARAMS.contains(&param) => Some(Compare::CaseInsensitive),
        _ if WORD_PARAMS.contains(&param) => Some(Compare::Words),
        _ if TEXT_PARAMS.contains(&param) => Some(Compare::Exact),
        _ => None,
    }
}

/// Whether a value is `yes` or `no`, ignoring ASCII case.
fn is_yes_no(value: &str) -> bool {
    value.eq_ignore_ascii_case("yes") || value.eq_ignore_ascii_case("no")
}

/// Whether a parameter name is one of `names`, ignoring ASCII case.
fn is_one_of(param: &str, names: &[&str]) -> bool {
    names.iter().any(|name| name.eq_ignore_ascii_case(param))
}

/// Wraps an error about a live value so a person knows where it came from.
fn live_error(param: &str, err: &str) -> String {
    format!("the server's value for `{param}` could not be read: {err}")
}

// ---- Byte sizes ----

/// The canonical form of a byte size or, where the parameter takes one, a percentage.
fn canonical_size(param: &str, value: &str) -> Result<String, String> {
    let percent_ok = is_one_of(param, PERCENT_PARAMS);
    if percent_ok && value.len() > 1 && value.ends_with('%') {
        return canonical_percent(value);
    }
    parse_bytes(value)
        .map(|bytes| bytes.to_string())
        .map_err(|err| {
            if percent_ok {
                format!("{err}, or a percentage from 0% to 100%")
            } else {
                err
            }
        })
}

/// Reads a byte size as Redis 7.0's `memtoull` does: digits, then an optional unit.
///
/// Unlike Redis, requires at least one digit (Redis reads `""` and `kb` as 0) and rejects
/// sizes past `u64::MAX` (Redis wraps them around).
fn parse_bytes(value: &str) -> Result<u64, String> {
    let not_size = || {
        format!(
            "`{value}` is not a byte size: use a number with an optional k, kb, m, mb, g or gb \
             suffix"
        )
    };
    let split = value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len());
    let (digits, unit) = value.split_at(split);
    let multiplier = unit_multiplier(unit).ok_or_else(not_size)?;
    if digits.is_empty() {
        return Err(not_size());
    }
    digits
        .parse::<u64>()
        .ok()
        .and_then(|number| number.checked_mul(multiplier))
        .ok_or_else(|| format!("`{value}` is too large: the most is {} bytes", u64::MAX))
}

/// The multiplier of a byte-size unit, matched ignoring ASCII case; `b` or none is 1.
fn unit_multiplier(unit: &str) -> Option<u64> {
    match unit.to_ascii_lowercase().as_str() {
        "" | "b" => Some(1),
        "k" => Some(1000),
        "kb" => Some(1024),
        "m" => Some(1000 * 1000),
        "mb" => Some(1024 * 1024),
        "g" => Some(1000 * 1000 * 1000),
        "gb" => Some(1024 * 1024 * 1024),
        _ => None,
    }
}

/// The canonical form of a percentage, as `CONFIG GET` shows it: `10%`, but `0%` is `0`.
///
/// Redis reads the number with `string2ll`, so a sign or leading zeros are refused, and
/// allows at most 100%.
fn canonical_percent(value: &str) -> Result<String, String> {
    let digits = value.strip_suffix('%').unwrap_or(value);
    let plain = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    match digits.parse::<u8>() {
        Ok(0) if plain => Ok("0".to_string()),
        Ok(percent) if plain && percent <= 100 => Ok(format!("{percent}%")),
        _ => Err(format!(
            "`{value}` is not a percentage Redis accepts: use a whole number from 0% to 100%, \
             without leading zeros"
        )),
    }
}

// ---- notify-keyspace-events ----

/// Reads `notify-keyspace-events` characters into a bit set, expanding `A`.
fn parse_events(value: &str) -> Result<u16, String> {
    value.chars().try_fold(0u16, |bits, flag| {
        event_bits(flag).map(|more| bits | more).ok_or_else(|| {
            format!(
                "`{value}` is not a set of notify-keyspace-events classes: `{flag}` is unknown; \
                 use A, g, $, l, s, h, z, x, e, t, d, m, n, K and E"
            )
        })
    })
}

/// The bits one `notify-keyspace-events` character stands for.
fn event_bits(flag: char) -> Option<u16> {
    if flag == 'A' {
        return Some(EVENTS_ALL);
    }
    EVENT_FLAGS
        .iter()
        .position(|&known| known == flag)
        .map(|index| 1 << index)
}

/// Writes an event bit set as Redis 7.0's `keyspaceEventsFlagsToString` does.
///
/// When every class in `A` is set, Redis shows `A` and drops `n` even if it is set, so a
/// server with `AKEn` shows `AKE`; this does the same, so both compare equal.
fn render_events(bits: u16) -> String {
    let shown = if bits & EVENTS_ALL == EVENTS_ALL {
        bits & !(EVENTS_ALL | EVENT_NEW)
    } else {
        bits
    };
    let prefix = if shown == bits { "" } else { "A" };
    let flags = EVENT_FLAGS
        .iter()
        .enumerate()
        .filter(|&(index, _)| shown & (1 << index) != 0)
        .map(|(_, &flag)| flag);
    prefix.chars().chain(flags).collect()
}

// ---- Words ----

/// The canonical form of a word list: lowercase words separated by single spaces.
///
/// `shutdown-on-sigint` and `shutdown-on-sigterm` are flag sets that the server lists in a
/// fixed order, with `default` for none; their words are put in that order.
fn canonical_words(param: &str, value: &str) -> Result<String, String> {
    let words: Vec<String> = value
        .split_whitespace()
        .map(str::to_ascii_lowercase)
        .collect();
    if is_one_of(param, SHUTDOWN_PARAMS) {
        return canonical_shutdown(param, &words);
    }
    Ok(words.join(" "))
}

/// The canonical form of `shutdown-on-sig*` flags, as `CONFIG GET` lists them.
fn canonical_shutdown(param: &str, words: &[String]) -> Result<String, String> {
    if let Some(bad) = words
        .iter()
        .find(|w| *w != "default" && !SHUTDOWN_FLAGS.contains(&w.as_str()))
    {
        return Err(format!(
            "`{bad}` is not a {param} flag: use default, or any of save, nosave, now and force"
        ));
    }
    let set: Vec<&str> = SHUTDOWN_FLAGS
        .into_iter()
        .filter(|f| words.iter().any(|w| w == f))
        .collect();
    Ok(if set.is_empty() {
        "default".to_string()
    } else {
        set.join(" ")
    })
}

// ---- save ----

/// One `save` rule: save after `seconds` if at least `changes` keys changed.
type SaveRule = (u64, u64);

/// Reads a `save` schedule: pairs of `seconds changes`, separated by blanks or commas.
fn parse_save(value: &str) -> Result<Vec<SaveRule>, String> {
    let words: Vec<&str> = value
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|word| !word.is_empty())
        .collect();
    if !words.len().is_multiple_of(2) {
        return Err(save_error(value, "it has an odd number of numbers"));
    }
    words
        .chunks(2)
        .map(|pair| parse_save_rule(value, pair))
        .collect()
}

/// Reads one `seconds changes` pair of a `save` schedule.
fn parse_save_rule(value: &str, pair: &[&str]) -> Result<SaveRule, String> {
    let [seconds, changes] = pair else {
        return Err(save_error(value, "it has an odd number of numbers"));
    };
    let seconds = parse_count(seconds, i64::MAX.unsigned_abs())
        .filter(|&s| s >= 1)
        .ok_or_else(|| save_error(value, &format!("`{seconds}` is not a number of seconds")))?;
    let changes = parse_count(changes, i32::MAX.unsigned_abs().into())
        .ok_or_else(|| save_error(value, &format!("`{changes}` is not a number of changes")))?;
    Ok((seconds, changes))
}

/// The error for a `save` schedule that cannot be read.
fn save_error(value: &str, why: &str) -> String {
    format!(
        "`{value}` is not a save schedule ({why}): give pairs of seconds (at least 1) and \
         changes, like `3600 1 300 100`, or an empty string to turn saving off"
    )
}

/// Writes a `save` schedule as `CONFIG GET save` does.
fn render_save(rules: &[SaveRule]) -> String {
    rules
        .iter()
        .map(|(seconds, changes)| format!("{seconds} {changes}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads a whole number made only of ASCII digits, up to `max`.
fn parse_count(word: &str, max: u64) -> Option<u64> {
    if word.is_empty() || !word.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    word.parse::<u64>().ok().filter(|&n| n <= max)
}

// ---- client-output-buffer-limit ----

/// The output buffer limits of one client class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct BufferLimit {
    /// Hard limit in bytes.
    hard: u64,
    /// Soft limit in bytes.
    soft: u64,
    /// How long the soft limit may be exceeded, in seconds.
    seconds: u64,
}

/// Limits by class, indexed as [`BUFFER_CLASSES`]; `None` where the value does not say.
type BufferLimits = [Option<BufferLimit>; 3];

/// Reads `client-output-buffer-limit` groups of `class hard soft seconds`; a later group
/// for the same class wins, as in Redis.
fn parse_buffer_limits(value: &str) -> Result<BufferLimits, String> {
    let words: Vec<&str> = value.split_whitespace().collect();
    if words.is_empty() || !words.len().is_multiple_of(4) {
        return Err(buffer_error(value, "it does not split into groups of four"));
    }
    let mut limits: BufferLimits = [None; 3];
    for group in words.chunks(4) {
        let (class, limit) = parse_buffer_group(value, group)?;
        limits[class] = Some(limit);
    }
    Ok(limits)
}

/// Reads one `class hard soft seconds` group into a class index and its limits.
fn parse_buffer_group(value: &str, group: &[&str]) -> Result<(usize, BufferLimit), String> {
    let [class, hard, soft, seconds] = group else {
        return Err(buffer_error(value, "it does not split into groups of four"));
    };
    let class = buffer_class(class).ok_or_else(|| {
        buffer_error(
            value,
            &format!("`{class}` is not a class: use normal, replica or pubsub"),
        )
    })?;
    let hard = parse_bytes(hard).map_err(|err| buffer_error(value, &err))?;
    let soft = parse_bytes(soft).map_err(|err| buffer_error(value, &err))?;
    let seconds = parse_count(seconds, i32::MAX.unsigned_abs().into())
        .ok_or_else(|| buffer_error(value, &format!("`{seconds}` is not a number of seconds")))?;
    Ok((
        class,
        BufferLimit {
            hard,
            soft,
            seconds,
        },
    ))
}

/// The index in [`BUFFER_CLASSES`] of a class name, ignoring case; `replica` is `slave`.
fn buffer_class(name: &str) -> Option<usize> {
    let name = name.to_ascii_lowercase();
    let name = if name == "replica" {
        "slave"
    } else {
        name.as_str()
    };
    BUFFER_CLASSES.iter().position(|&class| class == name)
}

/// The error for a `client-output-buffer-limit` value that cannot be read.
fn buffer_error(value: &str, why: &str) -> String {
    format!(
        "`{value}` is not a client-output-buffer-limit ({why}): give one or more groups of \
         class, hard limit, soft limit and soft seconds, like `pubsub 32mb 8mb 60`"
    )
}

/// Writes the classes a value names, in the server's order, with sizes in plain bytes.
fn render_buffer_limits(limits: &BufferLimits) -> String {
    BUFFER_CLASSES
        .iter()
        .zip(limits)
        .filter_map(|(class, limit)| limit.map(|l| (class, l)))
        .map(|(class, l)| format!("{class} {} {} {}", l.hard, l.soft, l.seconds))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether the live limits match the declared ones for every class the declaration names.
fn same_buffer_limits(declared: &str, live: &str) -> Result<bool, String> {
    let param = "client-output-buffer-limit";
    let declared = parse_buffer_limits(declared)?;
    let live = parse_buffer_limits(live).map_err(|err| live_error(param, &err))?;
    Ok(declared
        .iter()
        .zip(&live)
        .all(|(want, have)| want.is_none() || want == have))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(param: &str, value: &str) -> String {
        canonical(param, value, default_compare(param)).unwrap()
    }

    fn canon_err(param: &str, value: &str) -> String {
        canonical(param, value, default_compare(param)).unwrap_err()
    }

    fn is_same(param: &str, declared: &str, live: &str) -> bool {
        same(param, declared, live, default_compare(param)).unwrap()
    }

    fn set_value(param: &str, declared: &str) -> String {
        to_set(param, declared, default_compare(param)).unwrap()
    }

    // ---- modes ----

    #[test]
    fn known_params_have_their_modes() {
        assert_eq!(default_compare("maxmemory"), Compare::Bytes);
        assert_eq!(default_compare("maxmemory-clients"), Compare::Bytes);
        assert_eq!(default_compare("hash-max-ziplist-value"), Compare::Bytes);
        assert_eq!(
            default_compare("maxmemory-policy"),
            Compare::CaseInsensitive
        );
        assert_eq!(default_compare("appendonly"), Compare::CaseInsensitive);
        assert_eq!(default_compare("slave-read-only"), Compare::CaseInsensitive);
        assert_eq!(default_compare("notify-keyspace-events"), Compare::Flags);
        assert_eq!(default_compare("bind"), Compare::Words);
        assert_eq!(default_compare("save"), Compare::Save);
        assert_eq!(
            default_compare("client-output-buffer-limit"),
            Compare::ClientOutputBuffer
        );
        assert_eq!(default_compare("dir"), Compare::Exact);
    }

    #[test]
    fn param_names_ignore_case() {
        assert_eq!(default_compare("MaxMemory"), Compare::Bytes);
        assert_eq!(default_compare("SAVE"), Compare::Save);
    }

    #[test]
    fn unknown_params_are_exact() {
        assert_eq!(default_compare("some-module.option"), Compare::Exact);
        assert_eq!(default_compare("port"), Compare::Exact);
    }

    #[test]
    fn unknown_params_with_yes_no_values_ignore_case() {
        assert_eq!(
            default_compare_for("mymodule.enabled", "YES"),
            Compare::CaseInsensitive
        );
        assert_eq!(
            default_compare_for("mymodule.enabled", "no"),
            Compare::CaseInsensitive
        );
        assert_eq!(
            default_compare_for("mymodule.name", "yesterday"),
            Compare::Exact
        );
        assert_eq!(default_compare_for("maxmemory", "yes"), Compare::Bytes);
    }

    #[test]
    fn passwords_stay_exact_even_when_yes() {
        assert_eq!(default_compare_for("requirepass", "Yes"), Compare::Exact);
        assert!(!is_same("requirepass", "Yes", "yes"));
    }

    #[test]
    fn mode_names_round_trip() {
        for how in Compare::ALL {
            assert_eq!(compare_from_name(how.name()), Some(how));
        }
    }

    #[test]
    fn mode_names_and_aliases() {
        assert_eq!(compare_from_name("case"), Some(Compare::CaseInsensitive));
        assert_eq!(
            compare_from_name("Case-Insensitive"),
            Some(Compare::CaseInsensitive)
        );
        assert_eq!(compare_from_name("BYTES"), Some(Compare::Bytes));
        assert_eq!(
            compare_from_name("client-output-buffer"),
            Some(Compare::ClientOutputBuffer)
        );
        assert_eq!(compare_from_name("fuzzy"), None);
        assert_eq!(compare_from_name(""), None);
    }

    // ---- exact and case ----

    #[test]
    fn exact_compares_bytes() {
        assert!(is_same("dir", "/data", "/data"));
        assert!(!is_same("dir", "/Data", "/data"));
        assert!(!is_same("dir", "/data ", "/data"));
        assert_eq!(set_value("dir", "/My Data"), "/My Data");
    }

    #[test]
    fn case_insensitive_lowercases() {
        assert_eq!(canon("maxmemory-policy", "AllKeys-LRU"), "allkeys-lru");
        assert!(is_same("maxmemory-policy", "AllKeys-LRU", "allkeys-lru"));
        assert!(is_same("activedefrag", "YES", "yes"));
        assert!(!is_same("activedefrag", "yes", "no"));
        assert_eq!(set_value("appendfsync", "EverySec"), "everysec");
    }

    // ---- bytes ----

    #[test]
    fn byte_units_follow_redis() {
        assert_eq!(canon("maxmemory", "1g"), "1000000000");
        assert_eq!(canon("maxmemory", "1gb"), "1073741824");
        assert_eq!(canon("maxmemory", "1GB"), "1073741824");
        assert_eq!(canon("maxmemory", "2k"), "2000");
        assert_eq!(canon("maxmemory", "2Kb"), "2048");
        assert_eq!(canon("maxmemory", "3m"), "3000000");
        assert_eq!(canon("maxmemory", "3mB"), "3145728");
        assert_eq!(canon("maxmemory", "100"), "100");
        assert_eq!(canon("maxmemory", "100b"), "100");
        assert_eq!(canon("maxmemory", "0"), "0");
        assert_eq!(canon("maxmemory", "007k"), "7000");
    }

    #[test]
    fn bytes_compare_with_server_output() {
        assert!(is_same("maxmemory", "1g", "1000000000"));
        assert!(is_same("maxmemory", "1gb", "1073741824"));
        assert!(!is_same("maxmemory", "1g", "1073741824"));
        assert!(is_same("repl-backlog-size", "1mb", "1048576"));
        assert!(is_same("hash-max-listpack-value", "64", "64"));
    }

    #[test]
    fn bad_byte_sizes_say_how_to_write_them() {
        assert_eq!(
            canon_err("maxmemory", "1gx"),
            "`1gx` is not a byte size: use a number with an optional k, kb, m, mb, g or gb suffix"
        );
        for bad in [
            "", "gb", "-1", "+1", " 1", "1 ", "1.5g", "1e9", "1t", "1 gb", "%", "10%",
        ] {
            assert!(
                canonical("maxmemory", bad, Compare::Bytes).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn byte_sizes_past_u64_are_refused() {
        assert_eq!(
            canon("maxmemory", "18446744073709551615"),
            "18446744073709551615"
        );
        assert!(canon_err("maxmemory", "18446744073709551616").contains("too large"));
        assert!(canon_err("maxmemory", "17179869184gb").contains("too large"));
    }

    #[test]
    fn maxmemory_clients_takes_percentages() {
        assert_eq!(canon("maxmemory-clients", "10%"), "10%");
        assert_eq!(canon("maxmemory-clients", "100%"), "100%");
        assert_eq!(canon("maxmemory-clients", "0%"), "0");
        assert_eq!(canon("maxmemory-clients", "1mb"), "1048576");
        assert!(is_same("maxmemory-clients", "10%", "10%"));
        assert!(!is_same("maxmemory-clients", "10%", "10"));
        assert!(is_same("maxmemory-clients", "0%", "0"));
        assert_eq!(set_value("maxmemory-clients", "5%"), "5%");
    }

    #[test]
    fn bad_percentages_are_refused() {
        for bad in ["101%", "010%", "-5%", "+5%", "5.5%", "%", "1000%", "x%"] {
            assert!(
                canonical("maxmemory-clients", bad, Compare::Bytes).is_err(),
                "{bad}"
            );
        }
        assert!(canon_err("maxmemory-clients", "1x").contains("percentage"));
    }

    #[test]
    fn only_percent_params_take_percentages() {
        assert!(canon_err("maxmemory", "10%").contains("not a byte size"));
        assert!(!canon_err("maxmemory", "10%").contains("percentage"));
    }

    #[test]
    fn bytes_are_set_in_plain_bytes() {
        assert_eq!(set_value("maxmemory", "2gb"), "2147483648");
        assert!(to_set("maxmemory", "2 gb", Compare::Bytes).is_err());
    }

    #[test]
    fn bad_live_values_are_named() {
        let err = same("maxmemory", "1g", "lots", Compare::Bytes).unwrap_err();
        assert!(
            err.starts_with("the server's value for `maxmemory`"),
            "{err}"
        );
        let err = same("maxmemory", "lots", "1", Compare::Bytes).unwrap_err();
        assert!(err.starts_with("`lots` is not a byte size"), "{err}");
    }

    // ---- notify-keyspace-events ----

    #[test]
    fn events_take_the_server_order() {
        assert_eq!(canon("notify-keyspace-events", "Ex"), "xE");
        assert_eq!(canon("notify-keyspace-events", "KEA"), "AKE");
        assert_eq!(canon("notify-keyspace-events", "mEKg"), "gKEm");
        assert_eq!(canon("notify-keyspace-events", "nd"), "dn");
        assert_eq!(canon("notify-keyspace-events", ""), "");
    }

    #[test]
    fn events_expand_a() {
        assert_eq!(canon("notify-keyspace-events", "g$lshzxetdK"), "AK");
        assert_eq!(canon("notify-keyspace-events", "AgE"), "AE");
        assert!(is_same("notify-keyspace-events", "KEg$lshzxetd", "AKE"));
        assert!(!is_same("notify-keyspace-events", "KEg$lshzxet", "AKE"));
    }

    #[test]
    fn a_leaves_out_m_and_n() {
        assert_eq!(canon("notify-keyspace-events", "Am"), "Am");
        assert_eq!(canon("notify-keyspace-events", "gn"), "gn");
        assert!(!is_same("notify-keyspace-events", "KEAm", "AKE"));
    }

    #[test]
    fn server_hides_n_next_to_a() {
        // Redis 7.0 shows `A` instead of the classes and forgets to append `n`.
        assert_eq!(canon("notify-keyspace-events", "KEAn"), "AKE");
        assert!(is_same("notify-keyspace-events", "AnKE", "AKE"));
    }

    #[test]
    fn events_compare_as_sets() {
        assert!(is_same("notify-keyspace-events", "Ex", "xE"));
        assert!(is_same("notify-keyspace-events", "xxEE", "xE"));
        assert!(is_same("notify-keyspace-events", "", ""));
        assert!(!is_same("notify-keyspace-events", "Ex", "xK"));
    }

    #[test]
    fn unknown_event_flags_are_named() {
        let err = canon_err("notify-keyspace-events", "KEq");
        assert!(err.contains("`q` is unknown"), "{err}");
        assert!(canonical("notify-keyspace-events", "k", Compare::Flags).is_err());
        assert!(canonical("notify-keyspace-events", "a", Compare::Flags).is_err());
        assert!(canonical("notify-keyspace-events", "K E", Compare::Flags).is_err());
    }

    #[test]
    fn events_are_set_as_declared() {
        assert_eq!(set_value("notify-keyspace-events", "KEA"), "KEA");
        assert!(to_set("notify-keyspace-events", "KEq", Compare::Flags).is_err());
    }

    // ---- words ----

    #[test]
    fn words_ignore_case_and_spacing() {
        assert_eq!(canon("bind", "  127.0.0.1   -::1 "), "127.0.0.1 -::1");
        assert!(is_same("bind", "127.0.0.1  ::1", "127.0.0.1 ::1"));
        assert!(is_same("replicaof", "Redis-A 6379", "redis-a 6379"));
        assert!(!is_same("bind", "::1 127.0.0.1", "127.0.0.1 ::1"));
        assert!(is_same("replicaof", "", ""));
    }

    #[test]
    fn words_are_set_with_single_spaces_keeping_case() {
        assert_eq!(set_value("replicaof", " Redis-A \t 6379 "), "Redis-A 6379");
    }

    #[test]
    fn shutdown_flags_take_the_server_order() {
        assert_eq!(canon("shutdown-on-sigterm", "now NOSAVE"), "nosave now");
        assert_eq!(
            canon("shutdown-on-sigint", "force save now"),
            "save now force"
        );
        assert_eq!(canon("shutdown-on-sigint", "default"), "default");
        assert_eq!(canon("shutdown-on-sigint", ""), "default");
        assert!(is_same("shutdown-on-sigint", "now nosave", "nosave now"));
        assert!(canon_err("shutdown-on-sigint", "later").contains("`later`"));
    }

    // ---- save ----

    #[test]
    fn save_schedules_normalize() {
        assert_eq!(
            canon("save", "3600 1 300 100 60 10000"),
            "3600 1 300 100 60 10000"
        );
        assert_eq!(canon("save", " 3600  1\n300\t100 "), "3600 1 300 100");
        assert_eq!(canon("save", "3600 1, 300 100"), "3600 1 300 100");
        assert_eq!(canon("save", "3600,1,300,100"), "3600 1 300 100");
        assert_eq!(canon("save", "0900 01"), "900 1");
        assert_eq!(canon("save", "60 0"), "60 0");
        assert_eq!(canon("save", ""), "");
        assert_eq!(canon("save", "  "), "");
    }

    #[test]
    fn save_compares_ordered_pairs() {
        assert!(is_same(
            "save",
            "3600 1, 300 100, 60 10000",
            "3600 1 300 100 60 10000"
        ));
        assert!(is_same("save", "", ""));
        assert!(!is_same("save", "300 100 3600 1", "3600 1 300 100"));
        assert!(!is_same("save", "", "3600 1"));
    }

    #[test]
    fn bad_save_schedules_are_refused() {
        for bad in [
            "3600",
            "3600 1 300",
            "0 1",
            "-1 1",
            "60 -1",
            "1h 1",
            "60 1x",
            "\"\"",
        ] {
            assert!(canonical("save", bad, Compare::Save).is_err(), "{bad}");
        }
        assert!(canon_err("save", "0 1").contains("`0` is not a number of seconds"));
        assert!(canon_err("save", "3600").contains("odd number"));
    }

    #[test]
    fn save_is_set_with_single_spaces() {
        assert_eq!(set_value("save", "3600 1,  300 100"), "3600 1 300 100");
        assert_eq!(set_value("save", ""), "");
    }

    // ---- client-output-buffer-limit ----

    const LIVE_COBL: &str = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";

    #[test]
    fn buffer_limits_normalize_sizes_and_classes() {
        let param = "client-output-buffer-limit";
        assert_eq!(
            canon(param, "pubsub 32mb 8mb 60"),
            "pubsub 33554432 8388608 60"
        );
        assert_eq!(
            canon(param, "Replica 256mb 64mb 60"),
            "slave 268435456 67108864 60"
        );
        assert_eq!(
            canon(param, "pubsub 1 1 1 normal 0 0 0"),
            "normal 0 0 0 pubsub 1 1 1"
        );
        assert_eq!(canon(param, "pubsub 1 1 1 pubsub 2 2 2"), "pubsub 2 2 2");
        assert_eq!(canon(param, LIVE_COBL), LIVE_COBL);
    }

    #[test]
    fn buffer_limits_compare_only_declared_classes() {
        let param = "client-output-buffer-limit";
        assert!(is_same(param, "pubsub 32mb 8mb 60", LIVE_COBL));
        assert!(is_same(param, "replica 256mb 64mb 60", LIVE_COBL));
        assert!(is_same(
            param,
            "slave 256mb 64mb 60 normal 0 0 0",
            LIVE_COBL
        ));
        assert!(!is_same(param, "pubsub 64mb 16mb 60", LIVE_COBL));
        assert!(!is_same(param, "pubsub 32mb 8mb 61", LIVE_COBL));
        assert!(!is_same(param, "pubsub 32m 8mb 60", LIVE_COBL));
        assert!(!is_same(param, "normal 0 0 0", "pubsub 32mb 8mb 60"));
    }

    #[test]
    fn bad_buffer_limits_are_refused() {
        let param = "client-output-buffer-limit";
        for bad in [
            "",
            "pubsub 32mb 8mb",
            "master 0 0 0",
            "replicas 0 0 0",
            "pubsub 32mx 8mb 60",
            "pubsub 32mb 8mb -1",
            "pubsub 32mb 8mb 1m",
        ] {
            assert!(
                canonical(param, bad, Compare::ClientOutputBuffer).is_err(),
                "{bad}"
            );
        }
        let err = canon_err(param, "pubsub 32mx 8mb 60");
        assert!(err.contains("`32mx` is not a byte size"), "{err}");
        let err = same(
            param,
            "pubsub 1 1 1",
            "garbage",
            Compare::ClientOutputBuffer,
        )
        .unwrap_err();
        assert!(err.starts_with("the server's value"), "{err}");
    }

    #[test]
    fn buffer_limits_are_set_for_declared_classes_in_bytes() {
        let param = "client-output-buffer-limit";
        assert_eq!(
            set_value(param, "pubsub 64mb 16mb 60"),
            "pubsub 67108864 16777216 60"
        );
        assert_eq!(
            set_value(param, "replica 1gb 256mb 60  pubsub 64mb 16mb 60"),
            "slave 1073741824 268435456 60 pubsub 67108864 16777216 60"
        );
    }

    // ---- forced modes ----

    #[test]
    fn an_explicit_mode_overrides_the_default() {
        assert!(same("my-size", "1k", "1000", Compare::Bytes).unwrap());
        assert!(same("dir", "/DATA", "/data", Compare::CaseInsensitive).unwrap());
        assert!(!same("maxmemory", "1g", "1000000000", Compare::Exact).unwrap());
    }

    #[test]
    fn canonical_declared_values_equal_their_live_form() {
        let cases = [
            ("maxmemory", "1gb", "1073741824"),
            ("notify-keyspace-events", "KEA", "AKE"),
            ("save", "3600 1, 300 100", "3600 1 300 100"),
            ("appendonly", "Yes", "yes"),
            (
                "client-output-buffer-limit",
                "pubsub 32mb 8mb 60",
                "pubsub 33554432 8388608 60",
            ),
        ];
        for (param, declared, live) in cases {
            assert_eq!(canon(param, declared), live, "{param}");
            assert_eq!(canon(param, live), live, "{param} is idempotent");
        }
    }
}
