//! The plan as a runnable SQL script: each transaction group between `BEGIN` and `COMMIT`,
//! each non-transactional step on its own, with the session settings `apply` uses.

use std::fmt::Write;

use super::{Context, Mode};
use crate::plan::{Plan, Store};
use crate::postgres::ident::{quote_ident, quote_literal};

pub fn render(plan: &Plan, cx: &Context) -> String {
    let mut out = String::new();
    let ids = plan.step_ids();
    let title = match cx.mode {
        Mode::Plan => "plan",
        Mode::Drift => "repair script for the drift",
    };
    let _ = writeln!(out, "-- seadiff {title}");
    for (store, target) in &cx.targets {
        let _ = writeln!(out, "-- {store}: {target}");
    }
    if let Some(f) = plan.fingerprints.get(&Store::Postgres) {
        let _ = writeln!(out, "-- from {}\n-- to   {}", f.current, f.desired);
    }
    let _ = writeln!(
        out,
        "-- {}",
        super::text::summary_line(plan, cx, plan.blocked(&cx.allowed).len())
    );
    for n in plan.notices.iter().filter(|n| n.store == Store::Postgres) {
        let _ = writeln!(out, "-- note: {}", n.message);
    }
    let search_path = cx
        .search_path
        .iter()
        .map(|s| quote_ident(s))
        .collect::<Vec<_>>()
        .join(", ");
    let lock_timeout = quote_literal(&format!("{}ms", cx.lock_timeout_ms));
    let groups: Vec<_> = plan
        .groups()
        .into_iter()
        .filter(|g| g.store == Store::Postgres)
        .collect();
    for (n, g) in groups.iter().enumerate() {
        out.push('\n');
        if g.transactional {
            let _ = writeln!(out, "-- group {}: transactional", n + 1);
            let _ = writeln!(
                out,
                "BEGIN;\nSET LOCAL lock_timeout = {lock_timeout};\nSET LOCAL search_path = {search_path};\nSET LOCAL TimeZone = 'UTC';\nSET LOCAL check_function_bodies = off;"
            );
        } else {
            let _ = writeln!(out, "-- group {}: outside a transaction", n + 1);
            let _ = writeln!(
                out,
                "SET lock_timeout = {lock_timeout};\nSET search_path = {search_path};\nSET TimeZone = 'UTC';\nSET check_function_bodies = off;"
            );
        }
        let scope = if g.transactional { "LOCAL " } else { "" };
        let mut timeout_set = None;
        for (id, step) in ids[g.start..g.end].iter().zip(&plan.steps[g.start..g.end]) {
            let _ = writeln!(out, "-- {id} {} {}", step.kind, step.object.name);
            for h in &step.hazards {
                let _ = writeln!(out, "--   hazard {}: {}", h.kind.code(), h.why);
            }
            for l in &step.lints {
                let _ = writeln!(out, "--   squawk {}: {}", l.rule, l.message);
            }
            // The statement timeout apply gives this step (long for scans, builds, rewrites).
            let timeout = if step.scans() {
                cx.long_statement_timeout_ms
            } else {
                cx.statement_timeout_ms
            };
            if timeout_set != Some(timeout) {
                let value =
                    timeout.map_or_else(|| "0".to_owned(), |ms| quote_literal(&format!("{ms}ms")));
                let _ = writeln!(out, "SET {scope}statement_timeout = {value};");
                timeout_set = Some(timeout);
            }
            for s in &step.statements {
                let _ = writeln!(out, "{s};");
            }
        }
        if g.transactional {
            out.push_str("COMMIT;\n");
        }
    }
    let redis: Vec<usize> = (0..plan.steps.len())
        .filter(|&i| plan.steps[i].store == Store::Redis)
        .collect();
    if !redis.is_empty() {
        let _ = writeln!(
            out,
            "\n-- redis: these are Redis commands, not SQL (redis-cli syntax; lines starting with @ are seadiff's own operations)"
        );
        for i in redis {
            let step = &plan.steps[i];
            let _ = writeln!(out, "-- {} {} {}", ids[i], step.kind, step.object.name);
            for h in &step.hazards {
                let _ = writeln!(out, "--   hazard {}: {}", h.kind.code(), h.why);
            }
            for st in &step.statements {
                let _ = writeln!(out, "-- redis> {st}");
            }
        }
    }
    out
}
