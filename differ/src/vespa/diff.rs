//! The Vespa part of a plan: one step per semantic difference (schemas, fields, rank profiles,
//! document types, clusters), each carrying the hazards of the change actions Vespa will
//! demand, then one `deploy` step that activates the whole package. Pure.

use std::collections::BTreeSet;

use super::app::{App, Package};
use super::classify::{self, Action, Change};
use crate::plan::{
    Fingerprint, Hazard, HazardKind, Notice, NoticeKind, ObjectRef, Op, Plan, Step, Store,
    ValidationId,
};

/// The live side: `None` when nothing is deployed.
#[derive(Debug, Clone)]
pub struct Live<'a> {
    pub app: &'a App,
    pub package: &'a Package,
    pub generation: u64,
}

/// The `deploy` step's statement: `@deploy <desired checksum>`.
pub const DEPLOY: &str = "@deploy";

fn step(kind: String, op: Op, object: &'static str, name: String) -> Step {
    Step {
        store: Store::Vespa,
        kind: kind.into(),
        op,
        object: ObjectRef {
            kind: object.into(),
            name,
        },
        detail: None,
        statements: Vec::new(),
        hazards: Vec::new(),
        transactional: false,
        isolated: false,
        lints: Vec::new(),
        ddl: None,
    }
}

fn why(a: &Action, kind: HazardKind) -> String {
    match kind {
        HazardKind::VespaRestart => format!(
            "restart the services of cluster {} after the deploy: {}",
            a.cluster, a.message
        ),
        HazardKind::VespaReindex => format!(
            "existing documents must be reindexed (self-hosted: POST /reindex after convergence, then the next deploy starts it): {}",
            a.message
        ),
        HazardKind::VespaRefeed => format!(
            "existing documents must be fed again from the source of truth: {}",
            a.message
        ),
        HazardKind::VespaOverride(id) => format!(
            "Vespa refuses this without a validation override for `{}`; with --allow-hazard vespa-override:{} seadiff writes it to validation-overrides.xml",
            id.as_str(),
            id.as_str()
        ),
        _ => a.message.clone(),
    }
}

/// Turns classified changes into steps.
fn steps_of(changes: &[Change]) -> Vec<Step> {
    changes
        .iter()
        .map(|c| {
            let verb = match c.op {
                Op::Create => "add",
                Op::Drop => "remove",
                _ => "change",
            };
            let mut s = step(format!("{verb}-{}", c.kind), c.op, c.kind, c.name.clone());
            s.detail.clone_from(&c.detail);
            for a in &c.actions {
                for kind in a.hazards() {
                    if !s.hazards.iter().any(|h| h.kind == kind) {
                        s.hazards.push(Hazard::new(kind, why(a, kind)));
                    }
                }
            }
            s
        })
        .collect()
}

/// Every override id the changes need.
pub fn needed_overrides(changes: &[Change]) -> BTreeSet<ValidationId> {
    changes
        .iter()
        .flat_map(|c| &c.actions)
        .filter_map(|a| a.validation_id)
        .collect()
}

/// The plan for bringing `live` to `desired`.
pub fn make_plan(live: Option<Live<'_>>, desired: &App, desired_pkg: &Package) -> Plan {
    let mut plan = Plan::default();
    let changes = classify::changes(live.as_ref().map(|l| l.app), desired);
    plan.steps = steps_of(&changes);
    let current = live.as_ref().map_or_else(
        || "nothing deployed".to_owned(),
        |l| format!("generation {} {}", l.generation, l.package.checksum()),
    );
    if !plan.steps.is_empty() {
        let mut d = step(
            "deploy".to_owned(),
            if live.is_some() {
                Op::Alter
            } else {
                Op::Create
            },
            "application",
            "package".to_owned(),
        );
        d.detail = Some(match &live {
            Some(l) => format!(
                "prepareandactivate: generation {} → next, then wait for convergence",
                l.generation
            ),
            None => "prepareandactivate the first generation, then wait for convergence".to_owned(),
        });
        d.statements
            .push(format!("{DEPLOY} {}", desired_pkg.checksum()));
        plan.steps.push(d);
    }
    if let Some(l) = &live {
        let back_changes = classify::changes(Some(desired), l.app);
        let mut back = Plan {
            steps: steps_of(&back_changes),
            ..Plan::default()
        };
        if !back.steps.is_empty() {
            back.notices.push(Notice {
                store: Store::Vespa,
                kind: NoticeKind::Warning,
                message: format!(
                    "the rollback redeploys the package of generation {} ({}); keep it in version control",
                    l.generation,
                    l.package.checksum()
                ),
            });
        }
        if !plan.steps.is_empty() {
            plan.rollback = Some(Box::new(back));
        }
    }
    plan.fingerprints.insert(
        Store::Vespa,
        Fingerprint {
            current,
            desired: desired_pkg.checksum(),
        },
    );
    let fields: usize = desired
        .schemas
        .values()
        .map(|s| s.all_fields().count())
        .sum();
    let profiles: usize = desired
        .schemas
        .values()
        .map(|s| s.rank_profiles.len())
        .sum();
    plan.compared.insert(
        Store::Vespa,
        vec![
            ("content cluster", desired.services.content.len()),
            ("schema", desired.schemas.len()),
            ("field", fields),
            ("rank profile", profiles),
        ],
    );
    plan
}

/// `validation-overrides.xml` allowing `ids` until `until` (`yyyy-mm-dd`), merged into the
/// package's own file when it has one.
pub fn with_overrides(pkg: &Package, ids: &BTreeSet<ValidationId>, until: &str) -> Package {
    if ids.is_empty() {
        return pkg.clone();
    }
    let allows: String = ids
        .iter()
        .map(|id| {
            format!(
                "  <allow until=\"{until}\" comment=\"allowed with seadiff --allow-hazard vespa-override:{0}\">{0}</allow>\n",
                id.as_str()
            )
        })
        .collect();
    let text = match pkg.text("validation-overrides.xml") {
        Some(existing) if existing.contains("</validation-overrides>") => existing.replacen(
            "</validation-overrides>",
            &format!("{allows}</validation-overrides>"),
            1,
        ),
        _ => format!("<validation-overrides>\n{allows}</validation-overrides>\n"),
    };
    let mut out = pkg.clone();
    out.files
        .insert("validation-overrides.xml".to_owned(), text.into_bytes());
    out
}

/// `yyyy-mm-dd` of the UTC day `days` after `unix_secs`.
pub fn date_after(unix_secs: u64, days: u32) -> String {
    let day = unix_secs / 86_400 + u64::from(days);
    // Civil-from-days (proleptic Gregorian), for days since 1970-01-01.
    let z = day as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil_utc_days() {
        assert_eq!(date_after(0, 0), "1970-01-01");
        assert_eq!(date_after(951_782_400, 0), "2000-02-29");
        // 2026-11-22T12:00:00Z + 3 days.
        assert_eq!(date_after(1_795_348_800, 3), "2026-11-25");
        assert_eq!(date_after(1_795_348_800, 40), "2027-01-01");
    }

    #[test]
    fn overrides_are_written_or_merged() {
        let mut p = Package::default();
        p.insert("services.xml", b"<services/>".to_vec());
        let ids = BTreeSet::from([ValidationId::FieldTypeChange]);
        let out = with_overrides(&p, &ids, "2026-11-25");
        let text = out.text("validation-overrides.xml").expect("written");
        assert!(text.contains("until=\"2026-11-25\""));
        assert!(text.contains(">field-type-change</allow>"));
        let merged = with_overrides(
            &out,
            &BTreeSet::from([ValidationId::IndexingChange]),
            "2026-11-26",
        );
        let text = merged.text("validation-overrides.xml").expect("merged");
        assert_eq!(text.matches("<allow").count(), 2);
        assert_eq!(text.matches("<validation-overrides>").count(), 1);
    }
}
