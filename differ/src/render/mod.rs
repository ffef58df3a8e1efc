//! Plans as text for people, SQL for DBAs, JSON for machines, Markdown for pull requests.
//! Pure functions of a plan.

pub mod json;
pub mod markdown;
pub mod sql;
pub mod text;

use std::collections::BTreeMap;

use crate::plan::{Allowed, Plan, Store};

/// Whether the output frames the plan as changes to make or as differences found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `plan` / `apply`: what will change.
    Plan,
    /// `drift`: how the live store differs from the declaration.
    Drift,
}

/// Everything a renderer needs besides the plan.
#[derive(Debug, Clone)]
pub struct Context {
    pub mode: Mode,
    /// Redacted target per store, e.g. `postgres://app:***@db/app`.
    pub targets: BTreeMap<Store, String>,
    /// What `apply` would be allowed to run, to mark blocked steps.
    pub allowed: Allowed,
    /// Session settings `apply` uses, so the SQL script behaves the same.
    pub lock_timeout_ms: u128,
    /// `statement_timeout` for steps that only change the catalog, and for those that scan,
    /// build or rewrite (`None`: no limit).
    pub statement_timeout_ms: Option<u128>,
    pub long_statement_timeout_ms: Option<u128>,
    pub search_path: Vec<String>,
    /// Longest Markdown output, in characters (a pull-request comment has a limit).
    pub markdown_cap: usize,
}

impl Context {
    pub fn new(mode: Mode) -> Self {
        Context {
            mode,
            targets: BTreeMap::new(),
            allowed: Allowed::default(),
            lock_timeout_ms: 5000,
            statement_timeout_ms: Some(60_000),
            long_statement_timeout_ms: None,
            search_path: vec!["public".to_owned()],
            markdown_cap: markdown::DEFAULT_CAP,
        }
    }
}

/// The stores a plan covers: every store with a target or a step.
fn stores(plan: &Plan, cx: &Context) -> Vec<Store> {
    let mut s: Vec<Store> = cx.targets.keys().copied().collect();
    for step in &plan.steps {
        if !s.contains(&step.store) {
            s.push(step.store);
        }
    }
    s.sort();
    s
}
