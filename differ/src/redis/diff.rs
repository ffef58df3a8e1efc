//! The Redis part of a plan: steps for what seadiff may change (declared with `apply: true`,
//! or opted-in key repairs), drift notices for what it only checks, unverifiable notices for
//! what the server would not say, and the rollback. Pure.

use std::collections::BTreeMap;

use super::command::render_str;
use super::model::{AclUser, Declared, Reading, RedisState, TtlRule, Unknown, UserDecl};
use super::normalize;
use super::search;
use crate::plan::{
    Fingerprint, Hazard, HazardKind, Notice, NoticeKind, ObjectRef, Op, Plan, Step, Store,
    fingerprint,
};

fn step(kind: &'static str, op: Op, object: &'static str, name: String) -> Step {
    Step {
        store: Store::Redis,
        kind: kind.into(),
        op,
        object: ObjectRef {
            kind: object.into(),
            name,
        },
        detail: None,
        statements: Vec::new(),
        hazards: Vec::new(),
        // Redis runs each command on its own; there is no transaction to share.
        transactional: false,
        isolated: false,
        lints: Vec::new(),
        ddl: None,
    }
}

fn notice(kind: NoticeKind, message: String) -> Notice {
    Notice {
        store: Store::Redis,
        kind,
        message,
    }
}

/// The SETUSER rules that recreate a user as the server describes it.
pub fn rules_of(u: &AclUser) -> Vec<String> {
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
    r.extend(u.commands.split_whitespace().map(str::to_owned));
    r
}

/// How a live user differs from the declared one (as the server would store it).
fn user_differences(live: &AclUser, want: &AclUser) -> Vec<String> {
    let mut d = Vec::new();
    if live.enabled != want.enabled {
        d.push(if want.enabled {
            "disabled → enabled".to_owned()
        } else {
            "enabled → disabled".to_owned()
        });
    }
    if live.nopass != want.nopass || live.passwords != want.passwords {
        d.push("passwords differ".to_owned());
    }
    if live.keys != want.keys {
        d.push(format!(
            "keys {} → {}",
            live.keys.join(" "),
            want.keys.join(" ")
        ));
    }
    if live.channels != want.channels {
        d.push(format!(
            "channels {} → {}",
            live.channels.join(" "),
            want.channels.join(" ")
        ));
    }
    if live.commands != want.commands {
        d.push("command rules differ".to_owned());
    }
    d
}

fn setuser(name: &str, rules: &[String]) -> String {
    let mut args: Vec<&str> = vec!["ACL", "SETUSER", name];
    args.extend(rules.iter().map(String::as_str));
    render_str(&args)
}

fn version_tuple(v: &str) -> (u32, u32) {
    let mut p = v.split('.').map(|x| x.parse::<u32>().unwrap_or(0));
    (p.next().unwrap_or(0), p.next().unwrap_or(0))
}

/// A stable hash of what was read (not the sampled data, which changes by the second).
pub fn state_fingerprint(s: &RedisState) -> String {
    fingerprint(&serde_json::to_vec(s).unwrap_or_default())
}

/// A stable hash of the declaration.
pub fn declared_fingerprint(d: &Declared) -> String {
    fingerprint(format!("{d:?}").as_bytes())
}

/// The plan for one Redis server. `probes` holds the declared ACL users as the server prints
/// them.
pub fn make_plan(
    state: &RedisState,
    probes: &BTreeMap<String, Reading<AclUser>>,
    declared: &Declared,
) -> Plan {
    let mut plan = Plan::default();
    let mut back = Plan::default();
    let server = &state.server;
    let persistable = declared.persist && server.config_file.is_some();

    // Requirements: checked, never changed.
    let r = &declared.require;
    if let Some((major, minor)) = r.min_version
        && version_tuple(&server.version) < (major, minor)
    {
        plan.notices.push(notice(
            NoticeKind::Drift,
            format!(
                "server: Redis {} is older than the required {major}.{minor}",
                server.version
            ),
        ));
    }
    if let Some(mode) = &r.mode
        && *mode != server.mode
    {
        plan.notices.push(notice(
            NoticeKind::Drift,
            format!("server: runs as {}, declared {mode}", server.mode),
        ));
    }
    for m in &r.modules {
        if !server.modules.contains_key(m) {
            plan.notices.push(notice(
                NoticeKind::Drift,
                format!(
                    "server: module `{m}` is not loaded (MODULE LIST: {})",
                    if server.modules.is_empty() {
                        "none".to_owned()
                    } else {
                        server
                            .modules
                            .keys()
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                ),
            ));
        }
    }
    if let (Some(min), Some(have)) = (r.databases_min, server.databases)
        && have < min
    {
        plan.notices.push(notice(
            NoticeKind::Drift,
            format!("server: {have} databases, at least {min} required"),
        ));
    }

    // Config.
    let runtime_only = |s: Step| {
        if persistable {
            s
        } else {
            let why = if declared.persist {
                "the server runs without a config file: CONFIG REWRITE cannot persist this, so a restart undoes it"
            } else {
                "persist: never: a restart undoes this"
            };
            let mut s = s;
            s.hazards.push(Hazard::new(HazardKind::RuntimeOnly, why));
            s
        }
    };
    let mut changed_config = false;
    for p in &declared.config {
        match state.config.get(&p.name) {
            None => {}
            Some(Reading::Unverifiable(why)) => plan.notices.push(notice(NoticeKind::Unverifiable, format!("config {}: {why}", p.name))),
            Some(Reading::Known(live)) => match normalize::same(&p.name, &p.value, live, p.compare) {
                Ok(true) => {}
                Err(e) => plan.notices.push(notice(NoticeKind::Unverifiable, format!("config {}: {e}", p.name))),
                Ok(false) if p.apply => {
                    let value = normalize::to_set(&p.name, &p.value, p.compare).unwrap_or_else(|_| p.value.clone());
                    let s = step("set-config", Op::Alter, "config", p.name.clone())
                        .with_detail(format!("{live:?} → {value:?}"))
                        .with_sql(render_str(&["CONFIG", "SET", &p.name, &value]));
                    plan.steps.push(runtime_only(s));
                    back.steps.push(step("set-config", Op::Alter, "config", p.name.clone()).with_detail(format!("{value:?} → {live:?}")).with_sql(render_str(&["CONFIG", "SET", &p.name, live])));
                    changed_config = true;
                }
                Ok(false) => plan.notices.push(notice(
                    NoticeKind::Drift,
                    format!("config {}: {live:?}, declared {:?} (check only: `apply: true` lets seadiff set it)", p.name, p.value),
                )),
            },
        }
    }

    // ACL users.
    let mut changed_acl = false;
    if let Some(acl) = &declared.acl {
        match &state.acl {
            Some(Reading::Unverifiable(why)) => plan.notices.push(notice(
                NoticeKind::Unverifiable,
                format!("ACL users: {why}"),
            )),
            None => {}
            Some(Reading::Known(users)) => {
                for u in &acl.users {
                    let want = match probes.get(&u.name) {
                        Some(Reading::Known(w)) => w,
                        Some(Reading::Unverifiable(why)) => {
                            plan.notices.push(notice(
                                NoticeKind::Unverifiable,
                                format!("ACL user {}: {why}", u.name),
                            ));
                            continue;
                        }
                        None => continue,
                    };
                    let rules = super::introspect::rules(u);
                    match users.get(&u.name) {
                        None if u.apply => {
                            let s = step("create-acl-user", Op::Create, "acl-user", u.name.clone())
                                .with_sql(setuser(&u.name, &rules));
                            plan.steps.push(runtime_acl(s, server.aclfile, persistable));
                            back.steps.push(
                                step("drop-acl-user", Op::Drop, "acl-user", u.name.clone())
                                    .with_sql(render_str(&["ACL", "DELUSER", &u.name])),
                            );
                            changed_acl = true;
                        }
                        None => plan.notices.push(notice(
                            NoticeKind::Drift,
                            format!("ACL user {}: missing (check only)", u.name),
                        )),
                        Some(live) => {
                            let diffs = user_differences(live, want);
                            if diffs.is_empty() {
                                continue;
                            }
                            if server.user.as_deref() == Some(u.name.as_str()) {
                                plan.notices.push(notice(NoticeKind::Drift, format!("ACL user {}: {}; it is the user seadiff connects as, which seadiff never changes", u.name, diffs.join("; "))));
                            } else if u.apply {
                                let s =
                                    step("alter-acl-user", Op::Alter, "acl-user", u.name.clone())
                                        .with_detail(diffs.join("; "))
                                        .with_sql(setuser(&u.name, &rules));
                                plan.steps.push(runtime_acl(s, server.aclfile, persistable));
                                back.steps.push(
                                    step("alter-acl-user", Op::Alter, "acl-user", u.name.clone())
                                        .with_sql(setuser(&u.name, &rules_of(live))),
                                );
                                changed_acl = true;
                            } else {
                                plan.notices.push(notice(
                                    NoticeKind::Drift,
                                    format!(
                                        "ACL user {}: {} (check only)",
                                        u.name,
                                        diffs.join("; ")
                                    ),
                                ));
                            }
                        }
                    }
                }
                if acl.report_unlisted {
                    for name in users
                        .keys()
                        .filter(|n| !acl.users.iter().any(|u: &UserDecl| &u.name == *n))
                    {
                        plan.notices.push(notice(
                            NoticeKind::Unmanaged,
                            format!("ACL user {name}: not declared"),
                        ));
                    }
                }
            }
        }
    }

    // Persist what changed: users to the ACL file when there is one, the rest by rewriting
    // the config file.
    if changed_acl && server.aclfile {
        plan.steps.push(
            step(
                "persist-acl",
                Op::Alter,
                "acl-user",
                "(ACL file)".to_owned(),
            )
            .with_detail("ACL SAVE: the users survive a restart".to_owned())
            .with_sql(render_str(&["ACL", "SAVE"])),
        );
        back.steps.push(
            step(
                "persist-acl",
                Op::Alter,
                "acl-user",
                "(ACL file)".to_owned(),
            )
            .with_detail("ACL SAVE: the users survive a restart".to_owned())
            .with_sql(render_str(&["ACL", "SAVE"])),
        );
    }
    if (changed_config || (changed_acl && !server.aclfile)) && persistable {
        let rewrite = format!(
            "CONFIG REWRITE into {}",
            server.config_file.as_deref().unwrap_or("the config file")
        );
        plan.steps.push(
            step(
                "persist-config",
                Op::Alter,
                "config",
                "(config file)".to_owned(),
            )
            .with_detail(rewrite.clone())
            .with_sql(render_str(&["CONFIG", "REWRITE"])),
        );
        back.steps.push(
            step(
                "persist-config",
                Op::Alter,
                "config",
                "(config file)".to_owned(),
            )
            .with_detail(rewrite.clone())
            .with_sql(render_str(&["CONFIG", "REWRITE"])),
        );
    }

    key_families(state, declared, &mut plan, &mut back);
    search_indexes(state, declared, &mut plan, &mut back);

    plan.fingerprints.insert(
        Store::Redis,
        Fingerprint {
            current: state_fingerprint(state),
            desired: declared_fingerprint(declared),
        },
    );
    let families: usize = declared.databases.values().map(|d| d.families.len()).sum();
    plan.compared.insert(
        Store::Redis,
        vec![
            ("config parameter", declared.config.len()),
            (
                "ACL user",
                declared.acl.as_ref().map_or(0, |a| a.users.len()),
            ),
            ("key family", families),
            ("search index", declared.search.len()),
        ],
    );
    back.steps.reverse();
    if !plan.steps.is_empty() {
        plan.rollback = Some(Box::new(back));
    }
    plan
}

fn runtime_acl(s: Step, aclfile: bool, persistable: bool) -> Step {
    if aclfile || persistable {
        return s;
    }
    let mut s = s;
    s.hazards.push(Hazard::new(
        HazardKind::RuntimeOnly,
        "the server has neither an ACL file nor a config file: a restart undoes this",
    ));
    s
}

/// Findings of the sampler as drift, and the repairs families opted in to.
fn key_families(state: &RedisState, declared: &Declared, plan: &mut Plan, back: &mut Plan) {
    for (db, decl) in &declared.databases {
        let Some(sample) = state.keyspace.get(db) else {
            continue;
        };
        if !sample.complete {
            plan.notices.push(notice(
                NoticeKind::Warning,
                format!(
                    "db {db}: sampled {} of {} keys (stopped: {}); counts are estimates for the whole database",
                    sample.sampled,
                    sample.dbsize,
                    sample.stopped.as_deref().unwrap_or("—")
                ),
            ));
        }
        for (f, stats) in decl.families.iter().zip(&sample.families) {
            for (kind, &hits) in &stats.violations {
                let est = sample.estimate(hits);
                let examples = stats
                    .examples
                    .get(kind)
                    .map(|e| e.join(", "))
                    .unwrap_or_default();
                let what = match kind.as_str() {
                    "wrong-type" => format!(
                        "are not of type {} (seen: {})",
                        f.kind,
                        stats
                            .wrong_types
                            .iter()
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    "missing-ttl" => "have no TTL".to_owned(),
                    "ttl-forbidden" => "have a TTL, which the family forbids".to_owned(),
                    "ttl-too-long" => {
                        format!("have a TTL over {}", show_secs(f.ttl_max.unwrap_or(0)))
                    }
                    "too-large" => format!("exceed {} elements or bytes", f.max_len.unwrap_or(0)),
                    other => other.to_owned(),
                };
                let found = format!(
                    "{hits} of {} sampled keys {what}, {} in the database",
                    stats.seen,
                    est.show()
                );
                let repair = match (kind.as_str(), f.expire_missing, f.clamp_long_ttl) {
                    ("missing-ttl", Some(secs), _) if f.ttl == TtlRule::Required => Some((
                        "expire-missing-ttl",
                        secs,
                        "NX",
                        format!(
                            "{found}: they get one of {} and will expire",
                            show_secs(secs)
                        ),
                    )),
                    ("ttl-too-long", _, true) => f.ttl_max.map(|m| {
                        (
                            "clamp-ttl",
                            m,
                            "LT",
                            format!(
                                "{found}: their TTLs are cut to {} and they expire sooner",
                                show_secs(m)
                            ),
                        )
                    }),
                    _ => None,
                };
                if let Some((kind, secs, mode, why)) = repair {
                    let s = step(kind, Op::Alter, "key-family", format!("db{db}/{}", f.name))
                        .with_detail(format!("EXPIRE ... {secs} {mode} on the family's keys"))
                        .with_sql(render_str(&[
                            "@expire-family",
                            &db.to_string(),
                            &f.name,
                            f.pattern.source(),
                            &secs.to_string(),
                            mode,
                        ]));
                    let mut s = s;
                    s.hazards.push(Hazard::new(HazardKind::DataLoss, why));
                    back.notices.push(notice(NoticeKind::Warning, format!("not undone by this rollback: {kind} db{db}/{}: TTLs once set are not removed", f.name)));
                    plan.steps.push(s);
                } else {
                    plan.notices.push(notice(
                        NoticeKind::Drift,
                        format!("db {db} family {}: {found}; e.g. {examples}", f.name),
                    ));
                }
            }
        }
        if sample.unknown > 0 {
            let est = sample.estimate(sample.unknown);
            let mut prefixes: Vec<(&String, &u64)> = sample.unknown_by_prefix.iter().collect();
            prefixes.sort_by(|a, b| b.1.cmp(a.1));
            let top = prefixes
                .iter()
                .take(5)
                .map(|(p, n)| format!("{p} {n}"))
                .collect::<Vec<_>>()
                .join(", ");
            let message = format!(
                "db {db}: {} of {} sampled keys match no family ({} in the database); by prefix: {top}",
                sample.unknown,
                sample.sampled,
                est.show()
            );
            match &decl.unknown {
                Unknown::Ignore => {}
                Unknown::Report => plan.notices.push(notice(NoticeKind::Drift, message)),
                Unknown::Delete { allow, max } => {
                    plan.notices.push(notice(NoticeKind::Drift, message));
                    let mut args = vec![
                        "@unlink-unknown".to_owned(),
                        db.to_string(),
                        max.to_string(),
                    ];
                    args.extend(allow.iter().cloned());
                    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
                    let mut s = step(
                        "unlink-unknown",
                        Op::Drop,
                        "keys",
                        format!("db{db}/unknown"),
                    )
                    .with_detail(format!(
                        "keys matching {} that no family declares, at most {max}",
                        allow.join(" ")
                    ))
                    .with_sql(render_str(&refs));
                    s.hazards.push(Hazard::new(
                        HazardKind::DataLoss,
                        format!(
                            "deletes up to {max} keys ({} unknown in the database)",
                            est.show()
                        ),
                    ));
                    back.notices.push(notice(NoticeKind::Warning, format!("not undone by this rollback: unlink-unknown db{db}: deleted keys are gone")));
                    plan.steps.push(s);
                }
            }
        }
    }
}

fn show_secs(s: u64) -> String {
    match s {
        s if s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

fn search_indexes(state: &RedisState, declared: &Declared, plan: &mut Plan, back: &mut Plan) {
    if declared.search.is_empty() {
        return;
    }
    let live = match &state.search {
        Some(Reading::Known(s)) => s,
        Some(Reading::Unverifiable(why)) => {
            plan.notices.push(notice(
                NoticeKind::Unverifiable,
                format!("search indexes: {why}"),
            ));
            return;
        }
        None => return,
    };
    search::plan_indexes(&declared.search, live, plan, back);
}

trait StepExt {
    fn with_sql(self, s: String) -> Self;
    fn with_detail(self, d: String) -> Self;
}

impl StepExt for Step {
    fn with_sql(mut self, s: String) -> Self {
        self.statements.push(s);
        self
    }

    fn with_detail(mut self, d: String) -> Self {
        self.detail = Some(d);
        self
    }
}
