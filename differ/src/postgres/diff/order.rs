//! Orders entries so that every object exists before anything that needs it is created, and
//! every dependent is gone before what it depends on is dropped.
//!
//! Edges, for entries `a` → `b` (a runs first):
//! - `b` needs an object `a` provides;
//! - `b` provides an object whose desired dependencies `a` provides;
//! - `a` removes an object and `b` provides the same one (a replacement);
//! - `b` removes an object that something `a` removes depends on (current dependencies).
//!
//! Kahn's algorithm picks, among the entries whose predecessors have all run, the one with the
//! lowest `(phase, position)`. A cycle (which a consistent pair of catalogs cannot produce) is
//! broken at the lowest remaining entry and reported as a warning rather than hidden.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::{Entry, FastHash, Key, key_of};
use crate::model::pg::{Catalog, ObjKind, ObjRef};
use crate::plan::Step;

pub(super) fn order(entries: Vec<Entry>, cur: &Catalog, des: &Catalog) -> (Vec<Step>, Vec<String>) {
    let n = entries.len();
    let mut providers: BTreeMap<&ObjRef, Vec<usize>> = BTreeMap::new();
    let mut removers: BTreeMap<&ObjRef, Vec<usize>> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        for o in &e.provides {
            providers.entry(o).or_default().push(i);
        }
        for o in &e.removes {
            removers.entry(o).or_default().push(i);
        }
    }
    // Current-side reverse dependencies of the removed objects, with a table's dependents
    // including its columns'. Only removed objects are looked up, so only they are kept: the
    // graph of a large catalog is walked once, without copying it.
    let removed: HashSet<Key<'_>, FastHash> = entries
        .iter()
        .flat_map(|e| e.removes.iter().map(key_of))
        .collect();
    let mut dependents: HashMap<Key<'_>, Vec<&ObjRef>, FastHash> = HashMap::default();
    for (obj, deps) in &cur.depends {
        for d in deps {
            let k = key_of(d);
            if removed.contains(&k) {
                dependents.entry(k).or_default().push(obj);
            }
            if d.kind == ObjKind::Column {
                let table = (ObjKind::Table, d.schema.as_str(), d.name.as_str(), None);
                if removed.contains(&table) {
                    dependents.entry(table).or_default().push(obj);
                }
            }
        }
    }

    let mut succ: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
    let edge = |a: usize, b: usize, succ: &mut Vec<BTreeSet<usize>>| {
        if a != b {
            succ[a].insert(b);
        }
    };
    for (b, e) in entries.iter().enumerate() {
        for need in &e.needs {
            for &a in providers.get(need).into_iter().flatten() {
                edge(a, b, &mut succ);
            }
        }
        for o in &e.provides {
            for dep in des.dependencies(o) {
                for &a in providers.get(dep).into_iter().flatten() {
                    edge(a, b, &mut succ);
                }
            }
            for &a in removers.get(o).into_iter().flatten() {
                edge(a, b, &mut succ);
            }
        }
        for o in &e.removes {
            for dependent in dependents.get(&key_of(o)).into_iter().flatten() {
                for &a in removers.get(dependent).into_iter().flatten() {
                    edge(a, b, &mut succ);
                }
            }
        }
    }

    let mut indegree = vec![0usize; n];
    for s in &succ {
        for &b in s {
            indegree[b] += 1;
        }
    }
    let key = |i: usize| (entries[i].phase, i);
    let mut ready: BTreeSet<(super::Phase, usize)> =
        (0..n).filter(|&i| indegree[i] == 0).map(key).collect();
    let mut done = vec![false; n];
    let mut out = Vec::with_capacity(n);
    let mut warnings = Vec::new();
    while out.len() < n {
        let next = match ready.pop_first() {
            Some((_, i)) => i,
            None => {
                // A cycle: run the lowest remaining entry and say so.
                let Some(i) = (0..n).filter(|&i| !done[i]).min_by_key(|&i| key(i)) else {
                    break;
                };
                warnings.push(format!(
                    "could not order `{} {}` by its dependencies (a cycle); it runs in its default position",
                    entries[i].step.kind, entries[i].step.object.name
                ));
                i
            }
        };
        if done[next] {
            continue;
        }
        done[next] = true;
        out.push(next);
        for &b in &succ[next] {
            indegree[b] = indegree[b].saturating_sub(1);
            if indegree[b] == 0 && !done[b] {
                ready.insert(key(b));
            }
        }
    }
    let mut slots: Vec<Option<Entry>> = entries.into_iter().map(Some).collect();
    let steps = out
        .into_iter()
        .filter_map(|i| slots[i].take().map(|e| e.step))
        .collect();
    (steps, warnings)
}
