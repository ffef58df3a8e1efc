//! The plan as one versioned JSON document. These structs are the contract, not the internal
//! plan types: fields change only with `format_version`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Context, Mode, stores};
use crate::plan::{NoticeKind, Plan};

/// Version of the JSON plan format.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Serialize)]
struct Document<'a> {
    format_version: u32,
    tool_version: &'a str,
    /// `plan` or `drift`.
    kind: &'static str,
    /// `in-sync`, `changes` (plan) or `drifted` (drift).
    status: &'static str,
    stores: BTreeMap<&'static str, StoreDoc<'a>>,
    steps: Vec<StepDoc<'a>>,
    summary: SummaryDoc,
}

#[derive(Debug, Serialize)]
struct StoreDoc<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fingerprint: Option<FingerprintDoc<'a>>,
    /// Declared objects compared, by kind.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    compared: BTreeMap<String, usize>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    unmanaged: Vec<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<&'a str>,
}

#[derive(Debug, Serialize)]
struct FingerprintDoc<'a> {
    current: &'a str,
    desired: &'a str,
}

#[derive(Debug, Serialize)]
struct StepDoc<'a> {
    id: &'a str,
    store: &'static str,
    kind: &'static str,
    op: &'static str,
    object: ObjectDoc<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
    transactional: bool,
    /// 1-based transaction group; steps sharing a group commit together.
    group: usize,
    statements: &'a [String],
    hazards: Vec<HazardDoc<'a>>,
    blocked: bool,
}

#[derive(Debug, Serialize)]
struct ObjectDoc<'a> {
    kind: &'static str,
    name: &'a str,
}

#[derive(Debug, Serialize)]
struct HazardDoc<'a> {
    kind: &'static str,
    why: &'a str,
}

#[derive(Debug, Serialize)]
struct SummaryDoc {
    add: usize,
    change: usize,
    drop: usize,
    hazards: usize,
    blocked: usize,
    unmanaged: usize,
}

pub fn render(plan: &Plan, cx: &Context, tool_version: &str) -> String {
    let ids = plan.step_ids();
    let blocked = plan.blocked(&cx.allowed);
    let mut group_of = vec![0; plan.steps.len()];
    for (n, g) in plan.groups().iter().enumerate() {
        for slot in &mut group_of[g.start..g.end] {
            *slot = n + 1;
        }
    }
    let steps = plan
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| StepDoc {
            id: &ids[i],
            store: s.store.as_str(),
            kind: s.kind,
            op: s.op.as_str(),
            object: ObjectDoc {
                kind: s.object.kind,
                name: &s.object.name,
            },
            detail: s.detail.as_deref(),
            transactional: s.transactional,
            group: group_of[i],
            statements: &s.statements,
            hazards: s
                .hazards
                .iter()
                .map(|h| HazardDoc {
                    kind: h.kind.code(),
                    why: &h.why,
                })
                .collect(),
            blocked: blocked.iter().any(|(b, _)| *b == i),
        })
        .collect();
    let mut store_docs = BTreeMap::new();
    for store in stores(plan, cx) {
        let notices = |kind| {
            plan.notices
                .iter()
                .filter(move |n| n.store == store && n.kind == kind)
                .map(|n| n.message.as_str())
        };
        store_docs.insert(
            store.as_str(),
            StoreDoc {
                target: cx.targets.get(&store).map(String::as_str),
                fingerprint: plan.fingerprints.get(&store).map(|f| FingerprintDoc {
                    current: &f.current,
                    desired: &f.desired,
                }),
                compared: plan
                    .compared
                    .get(&store)
                    .map(|c| c.iter().map(|(k, n)| (json_key(k), *n)).collect())
                    .unwrap_or_default(),
                unmanaged: notices(NoticeKind::Unmanaged).collect(),
                warnings: notices(NoticeKind::Warning).collect(),
            },
        );
    }
    let s = plan.summary();
    let doc = Document {
        format_version: FORMAT_VERSION,
        tool_version,
        kind: match cx.mode {
            Mode::Plan => "plan",
            Mode::Drift => "drift",
        },
        status: match (plan.is_empty(), cx.mode) {
            (true, _) => "in-sync",
            (false, Mode::Plan) => "changes",
            (false, Mode::Drift) => "drifted",
        },
        stores: store_docs,
        steps,
        summary: SummaryDoc {
            add: s.add,
            change: s.change,
            drop: s.drop,
            hazards: s.hazards,
            blocked: blocked.len(),
            unmanaged: s.unmanaged,
        },
    };
    // Serializing these plain structs cannot fail.
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// `foreign key` → `foreign_keys`: the plural, snake-cased.
fn json_key(kind: &str) -> String {
    crate::plan::noun(kind, 2)
        .trim_start_matches("2 ")
        .replace(' ', "_")
}
