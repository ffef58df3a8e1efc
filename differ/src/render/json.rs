//! The plan as one versioned JSON document, and back: `plan --out plan.json` writes it and
//! `apply --plan plan.json` reads it. These structs are the contract, not the internal plan
//! types: fields change only with `format_version`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Context, Mode, stores};
use crate::plan::{
    DdlChange, Fingerprint, Hazard, HazardKind, Lint, Notice, NoticeKind, ObjectRef, Op, Plan,
    Step, Store,
};

/// Version of the JSON plan format.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanDocument {
    #[schemars(extend("const" = 1))]
    pub format_version: u32,
    pub tool_version: String,
    /// `plan` or `drift`.
    #[schemars(extend("enum" = ["plan", "drift"]))]
    pub kind: String,
    /// `in-sync`, `changes` (plan) or `drifted` (drift).
    #[schemars(extend("enum" = ["in-sync", "changes", "drifted"]))]
    pub status: String,
    pub stores: BTreeMap<String, StoreDoc>,
    pub steps: Vec<StepDoc>,
    /// The way back: the plan from the desired state to the current one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollback: Option<RollbackDoc>,
    pub summary: SummaryDoc,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StoreDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<FingerprintDoc>,
    /// Declared objects compared, by kind.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub compared: BTreeMap<String, usize>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unmanaged: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Differences seadiff reports but does not change (check-only): they count as drift.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drift: Vec<String>,
    /// What could not be read (a refused command, a missing module).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unverifiable: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FingerprintDoc {
    pub current: String,
    pub desired: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StepDoc {
    pub id: String,
    #[schemars(extend("enum" = ["postgres", "redis", "vespa"]))]
    pub store: String,
    pub kind: String,
    #[schemars(extend("enum" = ["create", "alter", "drop"]))]
    pub op: String,
    pub object: ObjectDoc,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub transactional: bool,
    /// Committed on its own before the next step.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub isolated: bool,
    /// 1-based transaction group; steps sharing a group commit together.
    pub group: usize,
    pub statements: Vec<String>,
    pub hazards: Vec<HazardDoc>,
    /// squawk's findings on the step's SQL beyond the hazards; advisory.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lints: Vec<LintDoc>,
    /// The altered object's definition before and after (first step of a change only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    #[serde(default)]
    pub blocked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectDoc {
    pub kind: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HazardDoc {
    #[schemars(extend("enum" = ["data-loss", "table-rewrite", "access-exclusive-lock", "index-build", "validates-rows", "non-transactional", "irreversible", "unmanaged-dependents", "runtime-only", "vespa-restart", "vespa-reindex", "vespa-refeed", "vespa-override:field-type-change", "vespa-override:indexing-change", "vespa-override:indexing-mode-change", "vespa-override:schema-removal", "vespa-override:content-cluster-removal", "vespa-override:global-document-change", "vespa-override:paged-setting-removal", "vespa-override:hnsw-settings-change"]))]
    pub kind: String,
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LintDoc {
    pub rule: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RollbackDoc {
    pub steps: Vec<StepDoc>,
    /// What the way back cannot restore (data dropped, labels that stay).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub irreversible: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SummaryDoc {
    pub add: usize,
    pub change: usize,
    pub drop: usize,
    pub hazards: usize,
    pub blocked: usize,
    pub unmanaged: usize,
}

fn step_docs(plan: &Plan, cx: &Context) -> Vec<StepDoc> {
    let ids = plan.step_ids();
    let blocked = plan.blocked(&cx.allowed);
    let mut group_of = vec![0; plan.steps.len()];
    for (n, g) in plan.groups().iter().enumerate() {
        for slot in &mut group_of[g.start..g.end] {
            *slot = n + 1;
        }
    }
    plan.steps
        .iter()
        .enumerate()
        .map(|(i, s)| StepDoc {
            id: ids[i].clone(),
            store: s.store.as_str().to_owned(),
            kind: s.kind.to_string(),
            op: s.op.as_str().to_owned(),
            object: ObjectDoc {
                kind: s.object.kind.to_string(),
                name: s.object.name.clone(),
            },
            detail: s.detail.clone(),
            transactional: s.transactional,
            isolated: s.isolated,
            group: group_of[i],
            statements: s.statements.clone(),
            hazards: s
                .hazards
                .iter()
                .map(|h| HazardDoc {
                    kind: h.kind.code().to_owned(),
                    why: h.why.clone(),
                })
                .collect(),
            blocked: blocked.iter().any(|(b, _)| *b == i),
            before: s.ddl.as_ref().and_then(|d| d.before.clone()),
            after: s.ddl.as_ref().and_then(|d| d.after.clone()),
            lints: s
                .lints
                .iter()
                .map(|l| LintDoc {
                    rule: l.rule.clone(),
                    message: l.message.clone(),
                    help: l.help.clone(),
                })
                .collect(),
        })
        .collect()
}

/// The document for `plan` in context `cx`.
pub fn document(plan: &Plan, cx: &Context, tool_version: &str) -> PlanDocument {
    let mut stores_doc = BTreeMap::new();
    for store in stores(plan, cx) {
        let notices = |kind| {
            plan.notices
                .iter()
                .filter(move |n| n.store == store && n.kind == kind)
                .map(|n| n.message.clone())
        };
        stores_doc.insert(
            store.as_str().to_owned(),
            StoreDoc {
                target: cx.targets.get(&store).cloned(),
                fingerprint: plan.fingerprints.get(&store).map(|f| FingerprintDoc {
                    current: f.current.clone(),
                    desired: f.desired.clone(),
                }),
                compared: plan
                    .compared
                    .get(&store)
                    .map(|c| c.iter().map(|(k, n)| (json_key(k), *n)).collect())
                    .unwrap_or_default(),
                unmanaged: notices(NoticeKind::Unmanaged).collect(),
                warnings: notices(NoticeKind::Warning).collect(),
                drift: notices(NoticeKind::Drift).collect(),
                unverifiable: notices(NoticeKind::Unverifiable).collect(),
            },
        );
    }
    let s = plan.summary();
    let rollback = plan.rollback.as_ref().map(|r| RollbackDoc {
        steps: step_docs(
            r,
            &Context {
                allowed: Default::default(),
                ..cx.clone()
            },
        ),
        irreversible: r
            .notices
            .iter()
            .filter(|n| n.kind == NoticeKind::Warning)
            .map(|n| n.message.clone())
            .collect(),
    });
    PlanDocument {
        format_version: FORMAT_VERSION,
        tool_version: tool_version.to_owned(),
        kind: match cx.mode {
            Mode::Plan => "plan",
            Mode::Drift => "drift",
        }
        .to_owned(),
        status: match (plan.in_sync(false), cx.mode) {
            (true, _) => "in-sync",
            (false, Mode::Plan) => "changes",
            (false, Mode::Drift) => "drifted",
        }
        .to_owned(),
        stores: stores_doc,
        steps: step_docs(plan, cx),
        rollback,
        summary: SummaryDoc {
            add: s.add,
            change: s.change,
            drop: s.drop,
            hazards: s.hazards,
            blocked: plan.blocked(&cx.allowed).len(),
            unmanaged: s.unmanaged,
        },
    }
}

pub fn render(plan: &Plan, cx: &Context, tool_version: &str) -> String {
    // Serializing these plain structs cannot fail.
    let mut text =
        serde_json::to_string_pretty(&document(plan, cx, tool_version)).unwrap_or_default();
    text.push('\n');
    text
}

/// The JSON Schema of [`PlanDocument`], as committed in `docs/plan.schema.json`.
pub fn schema() -> String {
    let schema = schemars::schema_for!(PlanDocument);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// A plan read back from its document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedPlan {
    pub plan: Plan,
    pub tool_version: String,
    /// Redacted targets, per store.
    pub targets: BTreeMap<Store, String>,
}

/// Why a saved plan cannot be read: `line:column: message` for JSON that does not fit the
/// document (1-based; both 0 for a well-formed document that is not a plan this seadiff runs).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PlanError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: ", self.line, self.column)?;
        }
        f.write_str(&self.message)
    }
}

impl From<String> for PlanError {
    fn from(message: String) -> Self {
        PlanError {
            line: 0,
            column: 0,
            message,
        }
    }
}

fn json_error(e: &serde_json::Error) -> PlanError {
    // serde_json appends ` at line L column C`; the position is kept apart.
    let full = e.to_string();
    let message = full
        .rfind(" at line ")
        .map_or(full.as_str(), |at| &full[..at])
        .to_owned();
    PlanError {
        line: e.line(),
        column: e.column(),
        message,
    }
}

/// Reads a document written by [`render`].
pub fn parse(text: &str) -> Result<SavedPlan, PlanError> {
    let doc: PlanDocument = serde_json::from_str(text).map_err(|e| json_error(&e))?;
    if doc.format_version != FORMAT_VERSION {
        return Err(format!(
            "format_version {} is not supported (this seadiff reads {FORMAT_VERSION})",
            doc.format_version
        )
        .into());
    }
    if doc.kind != "plan" {
        return Err(format!("this is a `{}` report, not a plan", doc.kind).into());
    }
    let mut plan = Plan {
        steps: steps_from(&doc.steps)?,
        ..Plan::default()
    };
    let mut targets = BTreeMap::new();
    for (name, s) in &doc.stores {
        let store = store(name)?;
        if let Some(f) = &s.fingerprint {
            plan.fingerprints.insert(
                store,
                Fingerprint {
                    current: f.current.clone(),
                    desired: f.desired.clone(),
                },
            );
        }
        if let Some(t) = &s.target {
            targets.insert(store, t.clone());
        }
        let notice = |kind, message: &String| Notice {
            store,
            kind,
            message: message.clone(),
        };
        plan.notices
            .extend(s.unmanaged.iter().map(|m| notice(NoticeKind::Unmanaged, m)));
        plan.notices
            .extend(s.warnings.iter().map(|m| notice(NoticeKind::Warning, m)));
        plan.notices
            .extend(s.drift.iter().map(|m| notice(NoticeKind::Drift, m)));
        plan.notices.extend(
            s.unverifiable
                .iter()
                .map(|m| notice(NoticeKind::Unverifiable, m)),
        );
    }
    if let Some(r) = &doc.rollback {
        let mut back = Plan {
            steps: steps_from(&r.steps)?,
            ..Plan::default()
        };
        back.notices = r
            .irreversible
            .iter()
            .map(|m| Notice {
                store: Store::Postgres,
                kind: NoticeKind::Warning,
                message: m.clone(),
            })
            .collect();
        plan.rollback = Some(Box::new(back));
    }
    Ok(SavedPlan {
        plan,
        tool_version: doc.tool_version,
        targets,
    })
}

fn steps_from(docs: &[StepDoc]) -> Result<Vec<Step>, String> {
    docs.iter()
        .map(|d| {
            let op = match d.op.as_str() {
                "create" => Op::Create,
                "alter" => Op::Alter,
                "drop" => Op::Drop,
                other => return Err(format!("step {}: unknown op `{other}`", d.id)),
            };
            let hazards = d
                .hazards
                .iter()
                .map(|h| {
                    HazardKind::from_code(&h.kind)
                        .map(|kind| Hazard::new(kind, h.why.clone()))
                        .ok_or_else(|| format!("step {}: unknown hazard `{}`", d.id, h.kind))
                })
                .collect::<Result<_, _>>()?;
            Ok(Step {
                store: store(&d.store)?,
                kind: d.kind.clone().into(),
                op,
                object: ObjectRef {
                    kind: d.object.kind.clone().into(),
                    name: d.object.name.clone(),
                },
                detail: d.detail.clone(),
                statements: d.statements.clone(),
                hazards,
                transactional: d.transactional,
                isolated: d.isolated,
                ddl: (d.before.is_some() || d.after.is_some()).then(|| DdlChange {
                    before: d.before.clone(),
                    after: d.after.clone(),
                }),
                lints: d
                    .lints
                    .iter()
                    .map(|l| Lint {
                        rule: l.rule.clone(),
                        message: l.message.clone(),
                        help: l.help.clone(),
                    })
                    .collect(),
            })
        })
        .collect()
}

fn store(name: &str) -> Result<Store, String> {
    match name {
        "postgres" => Ok(Store::Postgres),
        "redis" => Ok(Store::Redis),
        "vespa" => Ok(Store::Vespa),
        other => Err(format!("unknown store `{other}`")),
    }
}

/// `foreign key` → `foreign_keys`: the plural, snake-cased.
fn json_key(kind: &str) -> String {
    crate::plan::noun(kind, 2)
        .trim_start_matches("2 ")
        .replace(' ', "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_survives_its_document() {
        let step = Step {
            store: Store::Postgres,
            kind: "add-column".into(),
            op: Op::Create,
            object: ObjectRef {
                kind: "column".into(),
                name: "public.t.c".into(),
            },
            detail: Some("integer".into()),
            statements: vec!["ALTER TABLE \"public\".\"t\" ADD COLUMN \"c\" integer".into()],
            hazards: vec![Hazard::new(HazardKind::TableRewrite, "fills rows")],
            transactional: true,
            isolated: true,
            lints: Vec::new(),
            ddl: None,
        };
        let mut plan = Plan {
            steps: vec![step.clone()],
            ..Plan::default()
        };
        plan.fingerprints.insert(
            Store::Postgres,
            Fingerprint {
                current: "sha256:a".into(),
                desired: "sha256:b".into(),
            },
        );
        plan.rollback = Some(Box::new(Plan {
            steps: vec![Step {
                op: Op::Drop,
                ..step
            }],
            ..Plan::default()
        }));
        let mut cx = Context::new(Mode::Plan);
        cx.targets
            .insert(Store::Postgres, "postgres://db/app".into());
        let saved = parse(&render(&plan, &cx, "9.9.9")).expect("parse");
        assert_eq!(saved.plan.steps, plan.steps);
        assert_eq!(saved.plan.fingerprints, plan.fingerprints);
        assert_eq!(
            saved.plan.rollback.as_ref().map(|r| &r.steps),
            plan.rollback.as_ref().map(|r| &r.steps)
        );
        assert_eq!(saved.tool_version, "9.9.9");
        assert!(parse(r#"{"format_version": 2}"#).is_err());
    }

    /// The committed schema is the one these types generate. To refresh it after changing the
    /// document: `SEADIFF_UPDATE_SCHEMA=1 cargo test -p differ committed_schema`.
    #[test]
    fn committed_schema_matches_the_document_types() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/plan.schema.json");
        let generated = schema();
        if std::env::var_os("SEADIFF_UPDATE_SCHEMA").is_some() {
            std::fs::write(&path, &generated).expect("write the schema");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "{} is out of date; regenerate it with SEADIFF_UPDATE_SCHEMA=1 cargo test -p differ committed_schema",
            path.display()
        );
        for k in HazardKind::ALL {
            assert!(
                generated.contains(&format!("\"{}\"", k.code())),
                "hazard {k} missing from the schema"
            );
        }
    }
}
