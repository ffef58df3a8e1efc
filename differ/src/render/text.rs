//! The plan for people: one line per change with `+ ~ -` glyphs (or, for drift, the words
//! missing / differs / unexpected), hazards in brackets with their reasons beneath, what is not
//! managed, and a one-line summary. Colour is optional and never carries meaning on its own.

use std::fmt::Write;

use super::{Context, Mode, stores};
use crate::plan::{NoticeKind, Op, Plan, Store};

/// One displayed change, with the detail of a rebuilt object shown as before → after.
struct Row<'a> {
    op: Op,
    kind: &'a str,
    name: &'a str,
    detail: Option<String>,
    steps: Vec<usize>,
    /// Index into `Plan::groups`.
    group: usize,
}

/// A row per change. In a plan, a change whose steps run in different transactions (an index
/// built concurrently, then attached as a key) shows a row per step, so every boundary is
/// visible.
fn rows<'a>(plan: &'a Plan, store: Store, mode: Mode) -> Vec<Row<'a>> {
    let mut group_of = vec![0; plan.steps.len()];
    for (n, g) in plan.groups().iter().enumerate() {
        for slot in &mut group_of[g.start..g.end] {
            *slot = n;
        }
    }
    let mut rows: Vec<Row<'a>> = Vec::new();
    for c in plan.changes() {
        let first = &plan.steps[c.steps[0]];
        if first.store != store {
            continue;
        }
        if mode == Mode::Drift || c.steps.iter().all(|&i| group_of[i] == group_of[c.steps[0]]) {
            let detail = match c.steps.get(1).map(|&i| &plan.steps[i]) {
                None => first.detail.clone(),
                Some(second) if second.kind == first.kind && second.op == first.op => {
                    first.detail.clone()
                }
                Some(second) => match (&first.detail, &second.detail) {
                    (Some(a), Some(b)) if a != b => Some(format!("{a} → {b}")),
                    (_, b) => b.as_ref().map(|b| format!("rebuilt: {b}")),
                },
            };
            rows.push(Row {
                op: c.op,
                kind: &first.object.kind,
                name: &first.object.name,
                detail,
                group: group_of[c.steps[0]],
                steps: c.steps,
            });
        } else {
            for &i in &c.steps {
                let s = &plan.steps[i];
                rows.push(Row {
                    op: s.op,
                    kind: &s.object.kind,
                    name: &s.object.name,
                    detail: s.detail.clone(),
                    steps: vec![i],
                    group: group_of[i],
                });
            }
        }
    }
    rows.sort_by_key(|r| r.steps[0]);
    rows
}

/// The line that opens a group when a store's plan has more than one.
fn group_header(plan: &Plan, g: &crate::plan::Group, n: usize, total: usize) -> String {
    let what = if !g.transactional {
        "outside a transaction: stays applied if a later step fails".to_owned()
    } else if plan.steps[g.start].isolated {
        "in a transaction of its own, committed before the next step".to_owned()
    } else {
        let steps = g.end - g.start;
        format!("in one transaction ({steps} step{})", plural(steps))
    };
    format!("── {n}/{total} {what}")
}

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
    fn op(&self, op: Op, s: &str) -> String {
        self.wrap(
            match op {
                Op::Create => "32",
                Op::Alter => "33",
                Op::Drop => "31",
            },
            s,
        )
    }
    fn hazard(&self, s: &str) -> String {
        self.wrap("1;35", s)
    }
    fn dim(&self, s: &str) -> String {
        self.wrap("2", s)
    }
    fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
}

/// `s` with control characters written as `\u{1b}`: names and definitions come from
/// databases and files seadiff does not control, and must not drive the reader's terminal.
/// Newlines stay where a text may span lines (`keep_newlines`).
fn printable(s: &str, keep_newlines: bool) -> String {
    if !s
        .chars()
        .any(|c| c.is_control() && !(keep_newlines && c == '\n'))
    {
        return s.to_owned();
    }
    s.chars()
        .map(|c| {
            if c.is_control() && !(keep_newlines && c == '\n') {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The plan with every text it holds made [`printable`]: one-line texts (names, details,
/// reasons) without any control character, definitions and notices keeping their lines.
fn printable_plan(plan: &Plan) -> Plan {
    let mut p = plan.clone();
    for s in &mut p.steps {
        s.object.name = printable(&s.object.name, false);
        s.detail = s.detail.as_deref().map(|d| printable(d, false));
        for h in &mut s.hazards {
            h.why = printable(&h.why, false);
        }
        for l in &mut s.lints {
            l.message = printable(&l.message, false);
        }
        if let Some(d) = &mut s.ddl {
            d.before = d.before.as_deref().map(|t| printable(t, true));
            d.after = d.after.as_deref().map(|t| printable(t, true));
        }
    }
    for n in &mut p.notices {
        n.message = printable(&n.message, true);
    }
    p.rollback = plan
        .rollback
        .as_deref()
        .map(|r| Box::new(printable_plan(r)));
    p
}

pub fn render(plan: &Plan, cx: &Context, color: bool) -> String {
    let plan = &printable_plan(plan);
    let paint = Paint { on: color };
    let mut out = String::new();
    let blocked = plan.blocked(&cx.allowed);
    let mut blocked_total = 0;
    for store in stores(plan, cx) {
        let target = cx.targets.get(&store).map(String::as_str).unwrap_or("");
        let rows = rows(plan, store, cx.mode);
        let reported = plan
            .notices
            .iter()
            .filter(|n| n.store == store && n.kind == NoticeKind::Drift)
            .count();
        let unverifiable = plan
            .notices
            .iter()
            .filter(|n| n.store == store && n.kind == NoticeKind::Unverifiable)
            .count();
        let status = match (rows.is_empty(), cx.mode) {
            (true, _) if reported > 0 => format!(
                "drifted, {} difference{} seadiff only checks",
                reported,
                plural(reported)
            ),
            (true, _) if unverifiable > 0 => format!(
                "nothing to change, but {unverifiable} item{} could not be verified",
                plural(unverifiable)
            ),
            (true, _) => match plan.compared.get(&store) {
                Some(counts) => format!("in sync ({})", compared_list(counts)),
                None => "in sync".to_owned(),
            },
            (false, Mode::Plan) => {
                let n = plan
                    .changes()
                    .iter()
                    .filter(|c| plan.steps[c.steps[0]].store == store)
                    .count();
                format!("{n} change{}", plural(n))
            }
            (false, Mode::Drift) => {
                format!("drifted, {} difference{}", rows.len(), plural(rows.len()))
            }
        };
        let _ = writeln!(
            out,
            "{}  {}  {}",
            paint.bold(store.as_str()),
            target,
            status
        );
        let kind_w = rows.iter().map(|r| r.kind.len()).max().unwrap_or(0);
        let name_w = rows
            .iter()
            .map(|r| r.name.chars().count())
            .max()
            .unwrap_or(0)
            .min(48);
        let groups: Vec<crate::plan::Group> = plan.groups();
        let store_groups: Vec<usize> = (0..groups.len())
            .filter(|&n| groups[n].store == store)
            .collect();
        let mut shown_group = None;
        for row in &rows {
            if cx.mode == Mode::Plan
                && store == Store::Postgres
                && store_groups.len() > 1
                && shown_group != Some(row.group)
            {
                shown_group = Some(row.group);
                let n = store_groups
                    .iter()
                    .position(|&g| g == row.group)
                    .unwrap_or(0)
                    + 1;
                let _ = writeln!(
                    out,
                    "  {}",
                    paint.dim(&group_header(
                        plan,
                        &groups[row.group],
                        n,
                        store_groups.len()
                    ))
                );
            }
            let lead = match cx.mode {
                Mode::Plan => format!("{}", row.op.glyph()),
                Mode::Drift => format!("{:<10}", row.op.drift_word()),
            };
            let mut line = format!(
                "  {} {:<kind_w$}  {:<name_w$}",
                paint.op(row.op, &lead),
                row.kind,
                row.name
            );
            if let Some(d) = &row.detail {
                let _ = write!(line, "  {}", paint.dim(d));
            }
            let mut codes: Vec<&str> = Vec::new();
            let mut missing: Vec<&str> = Vec::new();
            for &i in &row.steps {
                for h in &plan.steps[i].hazards {
                    if !codes.contains(&h.kind.code()) {
                        codes.push(h.kind.code());
                    }
                }
                if let Some((_, kinds)) = blocked.iter().find(|(b, _)| *b == i) {
                    for k in kinds {
                        if !missing.contains(&k.code()) {
                            missing.push(k.code());
                        }
                    }
                }
            }
            if !codes.is_empty() {
                let _ = write!(
                    line,
                    "  {}",
                    paint.hazard(&format!("[{}]", codes.join(", ")))
                );
            }
            if cx.mode == Mode::Plan && !missing.is_empty() {
                blocked_total += 1;
                let needs = missing
                    .iter()
                    .map(|c| format!("--allow-hazard {c}"))
                    .collect::<Vec<_>>()
                    .join(" ");
                let _ = write!(
                    line,
                    " {}",
                    paint.hazard(&format!("blocked: needs {needs}"))
                );
            }
            out.push_str(line.trim_end());
            out.push('\n');
            for &i in &row.steps {
                for h in &plan.steps[i].hazards {
                    let _ = writeln!(
                        out,
                        "      {} {}",
                        paint.dim(&format!("{}:", h.kind.code())),
                        paint.dim(&h.why)
                    );
                }
                for l in &plan.steps[i].lints {
                    let _ = writeln!(
                        out,
                        "      {} {}",
                        paint.dim(&format!("squawk {}:", l.rule)),
                        paint.dim(&l.message)
                    );
                }
            }
            if let Some(d) = row.steps.first().and_then(|&i| plan.steps[i].ddl.as_ref())
                && let (Some(before), Some(after)) = (&d.before, &d.after)
            {
                ddl_diff(&mut out, before, after, &paint);
            }
        }
        notices(&mut out, plan, store, &paint);
    }
    if cx.mode == Mode::Plan
        && let Some(back) = &plan.rollback
    {
        let undone = back
            .notices
            .iter()
            .filter(|n| n.kind == NoticeKind::Warning && n.message.starts_with("not undone"))
            .count();
        let _ = write!(
            out,
            "\n{} {} step{}",
            paint.bold("rollback:"),
            back.steps.len(),
            plural(back.steps.len())
        );
        if undone > 0 {
            let _ = write!(
                out,
                "; {undone} change{} cannot be fully undone:",
                plural(undone)
            );
        }
        out.push('\n');
        for n in back
            .notices
            .iter()
            .filter(|n| n.kind == NoticeKind::Warning)
        {
            let _ = writeln!(out, "  {}", paint.dim(&n.message));
        }
    }
    out.push('\n');
    out.push_str(&summary_line(plan, cx, blocked_total));
    out.push('\n');
    out
}

fn notices(out: &mut String, plan: &Plan, store: Store, paint: &Paint) {
    let unmanaged: Vec<&str> = plan
        .notices
        .iter()
        .filter(|n| n.store == store && n.kind == NoticeKind::Unmanaged)
        .map(|n| n.message.as_str())
        .collect();
    if !unmanaged.is_empty() {
        let _ = writeln!(
            out,
            "  {} ({}):",
            paint.hazard("not managed, not compared"),
            unmanaged.len()
        );
        for m in unmanaged {
            let _ = writeln!(out, "    {m}");
        }
    }
    let of = |kind: NoticeKind| {
        plan.notices
            .iter()
            .filter(move |n| n.store == store && n.kind == kind)
    };
    let drift: Vec<&str> = of(NoticeKind::Drift).map(|n| n.message.as_str()).collect();
    if !drift.is_empty() {
        let _ = writeln!(
            out,
            "  {} ({}):",
            paint.op(
                Op::Alter,
                "differs, checked only (seadiff does not change these)"
            ),
            drift.len()
        );
        for m in drift {
            let _ = writeln!(out, "    {m}");
        }
    }
    let unverifiable: Vec<&str> = of(NoticeKind::Unverifiable)
        .map(|n| n.message.as_str())
        .collect();
    if !unverifiable.is_empty() {
        let _ = writeln!(
            out,
            "  {} ({}):",
            paint.hazard("unverifiable, could not be checked"),
            unverifiable.len()
        );
        for m in unverifiable {
            let _ = writeln!(out, "    {m}");
        }
    }
    for n in of(NoticeKind::Warning) {
        let _ = writeln!(out, "  {} {}", paint.hazard("warning:"), n.message);
    }
}

/// `3 to add, 1 to change, 1 to drop · 2 hazards, 1 blocked · 4 objects not managed`
pub fn summary_line(plan: &Plan, cx: &Context, blocked: usize) -> String {
    let s = plan.summary();
    let mut parts = Vec::new();
    let reported = plan.notices_of(NoticeKind::Drift).count();
    let unverifiable = plan.notices_of(NoticeKind::Unverifiable).count();
    if plan.is_empty() && reported == 0 && unverifiable > 0 {
        parts.push("nothing to change".to_owned());
    } else if plan.is_empty() && reported == 0 {
        parts.push("in sync".to_owned());
    } else if plan.is_empty() {
        parts.push(format!(
            "drifted: {} seadiff only checks",
            crate::plan::noun("difference", reported)
        ));
    } else {
        match cx.mode {
            Mode::Plan => parts.push(format!(
                "{} to add, {} to change, {} to drop",
                s.add, s.change, s.drop
            )),
            Mode::Drift => parts.push(format!(
                "drifted: {} missing, {} differing, {} unexpected",
                s.add, s.change, s.drop
            )),
        }
        let mut h = format!("{} hazard{}", s.hazards, plural(s.hazards));
        if blocked > 0 {
            let _ = write!(h, ", {blocked} blocked");
        }
        parts.push(h);
        if cx.mode == Mode::Plan {
            let groups: Vec<_> = plan
                .groups()
                .into_iter()
                .filter(|g| g.store == Store::Postgres)
                .collect();
            let outside = groups.iter().filter(|g| !g.transactional).count();
            parts.push(match (groups.len(), outside) {
                (0, _) => String::new(),
                (1, 0) => "1 transaction".to_owned(),
                (n, 0) => format!("{n} transactions"),
                (n, o) => format!("{n} phases, {o} outside a transaction"),
            });
        }
    }
    if !plan.is_empty() && reported > 0 {
        parts.push(format!(
            "{} checked only",
            crate::plan::noun("difference", reported)
        ));
    }
    if unverifiable > 0 {
        parts.push(format!("{unverifiable} unverifiable"));
    }
    if s.unmanaged > 0 {
        parts.push(format!(
            "{} object{} not managed",
            s.unmanaged,
            plural(s.unmanaged)
        ));
    }
    parts.retain(|p| !p.is_empty());
    parts.join(" · ")
}

/// `compared 4 tables, 26 columns, ...`, leaving out kinds with none.
fn compared_list(counts: &[(&str, usize)]) -> String {
    let parts: Vec<String> = counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| crate::plan::noun(k, *n))
        .collect();
    if parts.is_empty() {
        "nothing declared".to_owned()
    } else {
        format!("compared {}", parts.join(", "))
    }
}

/// The definition before and after as a unified diff, indented under its row. Short
/// definitions are shown whole; long ones (function bodies) as hunks with two lines of context.
fn ddl_diff(out: &mut String, before: &str, after: &str, paint: &Paint) {
    let diff = similar::TextDiff::from_lines(before, after);
    let lines = before.lines().count().max(after.lines().count());
    let context = if lines <= 12 { lines } else { 2 };
    for (n, group) in diff.grouped_ops(context).iter().enumerate() {
        if n > 0 {
            let _ = writeln!(out, "        {}", paint.dim("⋯"));
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let text = change.value().trim_end_matches('\n');
                let line = match change.tag() {
                    similar::ChangeTag::Delete => paint.op(Op::Drop, &format!("- {text}")),
                    similar::ChangeTag::Insert => paint.op(Op::Create, &format!("+ {text}")),
                    similar::ChangeTag::Equal => paint.dim(&format!("  {text}")),
                };
                let _ = writeln!(out, "      {line}");
            }
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Hazard, HazardKind, ObjectRef, Step};

    fn step(op: Op, kind: &'static str, name: &str, detail: &str) -> Step {
        Step {
            store: Store::Postgres,
            kind: "x".into(),
            op,
            object: ObjectRef {
                kind: kind.into(),
                name: name.into(),
            },
            detail: Some(detail.into()),
            statements: vec![],
            hazards: vec![],
            transactional: true,
            isolated: false,
            lints: Vec::new(),
            ddl: None,
        }
    }

    #[test]
    fn plan_text_marks_hazards_and_pairs_rebuilds() {
        let mut drop = step(Op::Drop, "column", "public.users.legacy", "text");
        drop.hazards.push(Hazard::new(
            HazardKind::DataLoss,
            "drops the column and every value in it",
        ));
        let plan = Plan {
            steps: vec![
                step(
                    Op::Drop,
                    "foreign-key",
                    "public.tasks.fk",
                    "(user_id) → public.users (id)",
                ),
                drop,
                step(
                    Op::Create,
                    "foreign-key",
                    "public.tasks.fk",
                    "(user_id) → public.users (id) on delete cascade",
                ),
                step(Op::Create, "table", "public.users", "3 columns"),
            ],
            ..Plan::default()
        };
        let mut cx = Context::new(Mode::Plan);
        cx.targets
            .insert(Store::Postgres, "postgres://db/app".into());
        let text = render(&plan, &cx, false);
        expect_test::expect![[r#"
            postgres  postgres://db/app  3 changes
              ~ foreign-key  public.tasks.fk      (user_id) → public.users (id) → (user_id) → public.users (id) on delete cascade
              - column       public.users.legacy  text  [data-loss] blocked: needs --allow-hazard data-loss
                  data-loss: drops the column and every value in it
              + table        public.users         3 columns

            1 to add, 1 to change, 1 to drop · 1 hazard, 1 blocked · 1 transaction
        "#]]
        .assert_eq(&text);
        let mut drift = cx.clone();
        drift.mode = Mode::Drift;
        assert!(render(&plan, &drift, false).contains("unexpected column"));
        assert!(!render(&plan, &cx, false).contains('\x1b'));
        assert!(render(&plan, &cx, true).contains('\x1b'));
    }
}
