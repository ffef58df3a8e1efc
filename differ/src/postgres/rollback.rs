//! The way back: every plan carries the plan from its desired state to its current one.
//!
//! The reverse plan is the same diff run the other way, with declared renames reversed (a
//! table renamed `a → b` is renamed back, not dropped and re-created) and with notices for
//! what no plan can restore: rows of a dropped table or column, values cut by a narrowing
//! type change.

use std::borrow::Cow;

use super::diff::{DROPS_EMPTY_COLUMN, DROPS_EMPTY_TABLE};
use crate::model::pg::{Catalog, QName};
use crate::plan::{HazardKind, Notice, NoticeKind, Plan};

/// `(from, to)` for the reverse plan: the forward plan's desired state without rename
/// annotations, and its current state carrying the reversed renames. Both are borrowed when
/// the declaration renames nothing (the usual case: a large catalog is not copied twice).
/// The reverse plan's desired side stands for a declaration of the forward desired side's
/// coverage: pass it as [`DiffOptions::coverage`](super::DiffOptions::coverage).
pub fn reverse_states<'a>(
    current: &'a Catalog,
    desired: &'a Catalog,
) -> (Cow<'a, Catalog>, Cow<'a, Catalog>) {
    let renames = desired.enums.values().any(|e| !e.renamed_values.is_empty())
        || desired.tables.values().any(|t| {
            t.renamed_from.is_some() || t.columns.iter().any(|c| c.renamed_from.is_some())
        });
    if !renames {
        return (Cow::Borrowed(desired), Cow::Borrowed(current));
    }
    let mut from = desired.clone();
    for t in from.tables.values_mut() {
        t.renamed_from = None;
        for c in &mut t.columns {
            c.renamed_from = None;
        }
    }
    for e in from.enums.values_mut() {
        e.renamed_values.clear();
    }
    let mut to = current.clone();
    for (q, d) in &desired.tables {
        // The current table this desired one comes from: renamed, or the same name.
        let old = match &d.renamed_from {
            Some(old) if !current.tables.contains_key(q) => {
                QName::new(q.schema.clone(), old.clone())
            }
            _ => q.clone(),
        };
        let Some(t) = to.tables.get_mut(&old) else {
            continue;
        };
        if old != *q {
            t.renamed_from = Some(q.name.clone());
        }
        for dc in &d.columns {
            let Some(prev) = &dc.renamed_from else {
                continue;
            };
            if t.column(&dc.name).is_some() {
                continue;
            }
            if let Some(c) = t.columns.iter_mut().find(|c| &c.name == prev) {
                c.renamed_from = Some(dc.name.clone());
            }
        }
    }
    for (q, d) in &desired.enums {
        let Some(e) = to.enums.get_mut(q) else {
            continue;
        };
        for (new, old) in &d.renamed_values {
            if e.labels.contains(old) && !e.labels.contains(new) {
                e.renamed_values.insert(old.clone(), new.clone());
            }
        }
    }
    (Cow::Owned(from), Cow::Owned(to))
}

/// Notices on `rollback` for the forward steps it cannot fully undo.
pub fn mark_irreversible(forward: &Plan, rollback: &mut Plan) {
    let ids = forward.step_ids();
    for (i, s) in forward.steps.iter().enumerate() {
        for h in &s.hazards {
            let why = match h.kind {
                HazardKind::DataLoss
                    if h.why == DROPS_EMPTY_TABLE || h.why == DROPS_EMPTY_COLUMN =>
                {
                    continue;
                }
                HazardKind::DataLoss => format!(
                    "{}; the rollback restores the structure, not the data",
                    h.why
                ),
                HazardKind::Irreversible => h.why.clone(),
                _ => continue,
            };
            rollback.notices.push(Notice {
                store: s.store,
                kind: NoticeKind::Warning,
                message: format!(
                    "not undone by this rollback: {} {} {}: {why}",
                    ids[i], s.kind, s.object.name
                ),
            });
        }
    }
    rollback.notices.sort();
    rollback.notices.dedup();
}
