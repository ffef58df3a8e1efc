//! The plan as a pull-request comment: a hidden marker line a bot can find to update its own
//! comment, hazards first, a summary table per store, the changes, the SQL of each step in a
//! collapsible block, the rollback, and a size cap with a notice saying what was left out.

use std::fmt::Write;

use super::{Context, Mode, stores};
use crate::plan::{NoticeKind, Op, Plan, noun};

/// The first line of every Markdown plan; a bot updates the comment that starts with it.
pub const MARKER: &str = "<!-- seadiff:plan -->";

/// GitHub refuses comments over 65,536 characters; stay well below.
pub const DEFAULT_CAP: usize = 60_000;

/// `name` as an inline code span, whatever backticks it holds.
fn code(name: &str) -> String {
    if name.contains('`') {
        format!("`` {name} ``")
    } else {
        format!("`{name}`")
    }
}

/// Text safe inside a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn glyph(op: Op) -> &'static str {
    match op {
        Op::Create => "➕",
        Op::Alter => "✏️",
        Op::Drop => "➖",
    }
}

/// A fence longer than any run of backticks in `body`.
fn fence(body: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    "`".repeat((longest + 1).max(3))
}

pub fn render(plan: &Plan, cx: &Context) -> String {
    let cap = cx.markdown_cap;
    let mut head = String::new();
    let _ = writeln!(head, "{MARKER}");
    let s = plan.summary();
    let blocked = plan.blocked(&cx.allowed);
    let title = match (cx.mode, plan.in_sync(false)) {
        (Mode::Plan, true) => "seadiff plan: in sync".to_owned(),
        (Mode::Drift, true) => "seadiff drift: in sync".to_owned(),
        (Mode::Plan, false) => format!(
            "seadiff plan: {} to add, {} to change, {} to drop",
            s.add, s.change, s.drop
        ),
        (Mode::Drift, false) => format!(
            "seadiff drift: {} missing, {} differing, {} unexpected",
            s.add, s.change, s.drop
        ),
    };
    let _ = writeln!(head, "### {title}\n");

    // Hazards first: what a reviewer must decide on.
    let ids = plan.step_ids();
    let hazardous: Vec<usize> = (0..plan.steps.len())
        .filter(|&i| !plan.steps[i].hazards.is_empty())
        .collect();
    if !hazardous.is_empty() {
        let _ = writeln!(
            head,
            "> [!WARNING]\n> {} with hazards{}. `apply` refuses each hazard until it is allowed with `--allow-hazard CODE`.\n",
            noun("step", hazardous.len()),
            if blocked.is_empty() {
                String::new()
            } else {
                format!(", {} blocked by default", blocked.len())
            }
        );
        let _ = writeln!(
            head,
            "| step | object | hazard | why |\n| --- | --- | --- | --- |"
        );
        let budget = cap / 4;
        for (k, &i) in hazardous.iter().enumerate() {
            let st = &plan.steps[i];
            if head.len() > budget {
                let _ = writeln!(
                    head,
                    "| … | {} more | | |",
                    noun("step", hazardous.len() - k)
                );
                break;
            }
            for h in &st.hazards {
                let _ = writeln!(
                    head,
                    "| {} | {} {} | **{}** | {} |",
                    ids[i],
                    st.object.kind,
                    code(&st.object.name),
                    h.kind.code(),
                    cell(&h.why)
                );
            }
        }
        head.push('\n');
    }

    for store in stores(plan, cx) {
        let target = cx.targets.get(&store).map(String::as_str).unwrap_or("");
        let changes: Vec<_> = plan
            .changes()
            .into_iter()
            .filter(|c| plan.steps[c.steps[0]].store == store)
            .collect();
        let count = |op: Op| changes.iter().filter(|c| c.op == op).count();
        let hazards: usize = plan
            .steps
            .iter()
            .filter(|st| st.store == store)
            .map(|st| st.hazards.len())
            .sum();
        let unmanaged = plan
            .notices
            .iter()
            .filter(|n| n.store == store && n.kind == NoticeKind::Unmanaged)
            .count();
        let groups = plan
            .groups()
            .into_iter()
            .filter(|g| g.store == store)
            .collect::<Vec<_>>();
        let outside = groups.iter().filter(|g| !g.transactional).count();
        let _ = writeln!(head, "#### {} {}\n", store, code(target));
        let (a, c, d) = match cx.mode {
            Mode::Plan => ("add", "change", "drop"),
            Mode::Drift => ("missing", "differing", "unexpected"),
        };
        let _ = writeln!(
            head,
            "| {a} | {c} | {d} | hazards | transactions | outside a transaction | not managed |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        );
        let _ = writeln!(
            head,
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            count(Op::Create),
            count(Op::Alter),
            count(Op::Drop),
            hazards,
            groups.len() - outside,
            outside,
            unmanaged
        );
        if changes.is_empty() {
            let compared = plan
                .compared
                .get(&store)
                .map(|c| {
                    c.iter()
                        .filter(|(_, n)| *n > 0)
                        .map(|(k, n)| noun(k, *n))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            let _ = writeln!(
                head,
                "In sync{}.\n",
                if compared.is_empty() {
                    String::new()
                } else {
                    format!(" (compared {compared})")
                }
            );
        } else {
            let _ = writeln!(
                head,
                "| | object | kind | change | hazards |\n| --- | --- | --- | --- | --- |"
            );
            let budget = head.len() + cap / 4;
            for (k, ch) in changes.iter().enumerate() {
                if head.len() > budget {
                    let _ = writeln!(
                        head,
                        "| | … | | {} more | |",
                        noun("change", changes.len() - k)
                    );
                    break;
                }
                let first = &plan.steps[ch.steps[0]];
                let mut codes: Vec<&str> = Vec::new();
                for &i in &ch.steps {
                    for h in &plan.steps[i].hazards {
                        if !codes.contains(&h.kind.code()) {
                            codes.push(h.kind.code());
                        }
                    }
                }
                let detail = first.detail.as_deref().map(cell).unwrap_or_default();
                let _ = writeln!(
                    head,
                    "| {} | {} | {} | {} | {} |",
                    glyph(ch.op),
                    code(&first.object.name),
                    first.object.kind,
                    detail,
                    codes.join(", ")
                );
            }
            head.push('\n');
        }
        let notices: Vec<&str> = plan
            .notices
            .iter()
            .filter(|n| n.store == store)
            .map(|n| n.message.as_str())
            .collect();
        if !notices.is_empty() {
            let _ = writeln!(
                head,
                "<details><summary>{} not managed or worth a note</summary>\n",
                noun("object", notices.len())
            );
            for n in notices {
                let _ = writeln!(head, "- {}", cell(n));
            }
            head.push_str("\n</details>\n\n");
        }
    }

    if let (Mode::Plan, Some(back)) = (cx.mode, &plan.rollback) {
        let lost: Vec<&str> = back
            .notices
            .iter()
            .filter(|n| n.kind == NoticeKind::Warning && n.message.starts_with("not undone"))
            .map(|n| n.message.as_str())
            .collect();
        let _ = writeln!(head, "**Rollback**: {}.", noun("step", back.steps.len()));
        for l in &lost {
            let _ = writeln!(head, "- {}", cell(l));
        }
        head.push('\n');
    }

    // The SQL, step by step, collapsed; cut when the comment would exceed the cap.
    let mut body = String::new();
    let groups = plan.groups();
    let notice_room = 400;
    let mut shown = 0;
    for (n, g) in groups.iter().enumerate() {
        let what = if !g.transactional {
            "outside a transaction"
        } else if plan.steps[g.start].isolated {
            "in a transaction of its own"
        } else {
            "in one transaction"
        };
        let mut part = format!(
            "**Group {}/{}** ({}, {what})\n\n",
            n + 1,
            groups.len(),
            g.store
        );
        for (id, st) in ids[g.start..g.end].iter().zip(&plan.steps[g.start..g.end]) {
            let sql = st
                .statements
                .iter()
                .map(|s| format!("{s};"))
                .collect::<Vec<_>>()
                .join("\n");
            let f = fence(&sql);
            let mut block = format!(
                "<details><summary>{} {} {}{}</summary>\n\n{f}sql\n{sql}\n{f}\n",
                id,
                st.kind,
                code(&st.object.name),
                if st.hazards.is_empty() {
                    String::new()
                } else {
                    format!(
                        " ⚠️ {}",
                        st.hazards
                            .iter()
                            .map(|h| h.kind.code())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            );
            if let Some(d) = &st.ddl
                && let (Some(b), Some(a)) = (&d.before, &d.after)
            {
                let (b, a) = (format!("{b}\n"), format!("{a}\n"));
                let diff = similar::TextDiff::from_lines(b.as_str(), a.as_str())
                    .unified_diff()
                    .context_radius(3)
                    .to_string();
                let f = fence(&diff);
                let _ = write!(block, "\n{f}diff\n{}\n{f}\n", diff.trim_end());
            }
            for l in &st.lints {
                let _ = writeln!(block, "\n> squawk `{}`: {}", l.rule, cell(&l.message));
            }
            block.push_str("\n</details>\n");
            if head.len() + body.len() + part.len() + block.len() + notice_room > cap {
                body.push_str(&part);
                let total = plan.steps.len();
                let _ = writeln!(
                    body,
                    "\n_Truncated: the SQL of {} of {} is shown; this comment is capped at {} characters. Run `seadiff plan --format sql` for the whole script._",
                    shown,
                    noun("step", total),
                    cap
                );
                return head + &body;
            }
            part.push_str(&block);
            shown += 1;
        }
        body.push_str(&part);
        body.push('\n');
    }
    head + &body
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Hazard, HazardKind, ObjectRef, Step, Store};

    fn step(i: usize) -> Step {
        Step {
            store: Store::Postgres,
            kind: "add-column".into(),
            op: Op::Create,
            object: ObjectRef {
                kind: "column".into(),
                name: format!("public.t.c{i}"),
            },
            detail: Some("text".into()),
            statements: vec![format!(
                "ALTER TABLE \"public\".\"t\" ADD COLUMN \"c{i}\" text"
            )],
            hazards: if i.is_multiple_of(100) {
                vec![Hazard::new(
                    HazardKind::TableRewrite,
                    "rewrites | the table",
                )]
            } else {
                vec![]
            },
            transactional: true,
            isolated: false,
            lints: vec![],
            ddl: None,
        }
    }

    #[test]
    fn a_huge_plan_stays_under_the_cap_and_says_so() {
        let plan = Plan {
            steps: (0..5000).map(step).collect(),
            ..Plan::default()
        };
        let mut cx = Context::new(Mode::Plan);
        cx.targets
            .insert(Store::Postgres, "postgres://db/app".into());
        let md = render(&plan, &cx);
        assert!(md.len() <= DEFAULT_CAP, "{} characters", md.len());
        assert!(md.starts_with(MARKER));
        assert!(
            md.contains("_Truncated: the SQL of "),
            "no truncation notice"
        );
        assert!(
            md.contains("of 5000 steps is shown"),
            "{}",
            &md[md.len() - 300..]
        );
        // Pipes in reasons do not break the table.
        assert!(md.contains("rewrites \\| the table"));
    }

    #[test]
    fn names_with_backticks_stay_code() {
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(fence("x ``` y"), "````");
    }
}
