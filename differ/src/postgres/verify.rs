//! `plan --verify`: rehearses a plan on a scratch copy of the live schema before anyone
//! touches the target.
//!
//! 1. copy: the live catalog is created in the scratch database by seadiff's own DDL (the
//!    plan from an empty database to the live one), roles named by grants and policies first;
//! 2. apply the plan exactly as it would run on the target, then re-plan: it must be empty;
//! 3. apply the plan's rollback, then re-plan against the copy: it must be empty too.
//!
//! Schema only: no rows are copied, so the rehearsal proves that the DDL runs and converges,
//! not how long it takes on real data or whether the data satisfies new constraints.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use sqlx::{Connection, PgConnection};

use super::apply::{ApplyError, ApplyOptions, apply};
use super::ident::{quote_ident, quote_literal};
use super::scratch::{Scratch, ScratchError};
use super::{DiffOptions, PgError, Scope, introspect, make_plan};
use crate::model::pg::Catalog;
use crate::plan::Plan;

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error(transparent)]
    Scratch(#[from] ScratchError),
    #[error(transparent)]
    Pg(#[from] PgError),
    #[error("{stage}: {error}")]
    Apply {
        stage: Stage,
        #[source]
        error: ApplyError,
        /// The step's kind and object.
        step: String,
    },
}

/// What the rehearsal was doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Copy,
    Plan,
    Rollback,
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Stage::Copy => "copying the live schema into the scratch database failed",
            Stage::Plan => "the plan failed on the scratch copy",
            Stage::Rollback => "the rollback failed on the scratch copy",
        })
    }
}

/// What the rehearsal found.
#[derive(Debug, Clone)]
pub struct VerifyReport {
    pub copy: Duration,
    /// Differences between the copy and the live schema (empty when the copy is faithful).
    pub copy_differences: Vec<String>,
    pub apply: Duration,
    /// What a second plan would still do after the plan ran (empty: converged).
    pub remaining: Vec<String>,
    pub rollback: Duration,
    /// What still differs from the copy after the rollback ran (empty: the way back works).
    pub not_restored: Vec<String>,
    pub steps: usize,
    pub rollback_steps: usize,
}

impl VerifyReport {
    pub fn passed(&self) -> bool {
        self.remaining.is_empty() && self.not_restored.is_empty()
    }
}

fn listing(plan: &Plan) -> Vec<String> {
    plan.steps
        .iter()
        .map(|s| format!("{} {} {}", s.op.glyph(), s.kind, s.object.name))
        .collect()
}

/// What to rehearse: `plan`, made from `live` towards `desired`.
#[derive(Debug, Clone, Copy)]
pub struct Rehearsal<'a> {
    pub live: &'a Catalog,
    pub desired: &'a Catalog,
    pub plan: &'a Plan,
    /// The scope the live catalog was read with; the scratch copy is read the same way.
    pub scope: &'a Scope,
    pub diff: &'a DiffOptions,
    pub apply: &'a ApplyOptions,
}

/// Rehearses in a scratch database on `dev_url`, or in a temporary local cluster.
pub async fn verify(
    r: Rehearsal<'_>,
    dev_url: Option<&str>,
    timeout: Duration,
) -> Result<VerifyReport, VerifyError> {
    let mut scratch = Scratch::create(dev_url, timeout).await?;
    let result = rehearse(&mut scratch, r).await;
    scratch.close().await;
    result
}

async fn rehearse(scratch: &mut Scratch, r: Rehearsal<'_>) -> Result<VerifyReport, VerifyError> {
    for role in roles(r.live)
        .into_iter()
        .chain(roles(r.desired))
        .collect::<BTreeSet<_>>()
    {
        // Roles are cluster-wide; create only those missing, without login.
        let sql = format!(
            "DO $seadiff$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {}) THEN CREATE ROLE {} NOLOGIN; END IF; END $seadiff$",
            quote_literal(&role),
            quote_ident(&role)
        );
        scratch.admin(&sql).await?;
    }
    let mut conn = scratch.connect().await?;
    let result = async {
        let started = Instant::now();
        let blank = introspect(&mut conn, r.scope).await?.catalog;
        let mut plain = r.diff.clone();
        plain.stats = Default::default();
        plain.online = super::diff::Online::Never;
        let copy_plan = make_plan(&blank, r.live, &plain, &[]);
        run(&mut conn, &copy_plan, r.apply, Stage::Copy).await?;
        let copy = introspect(&mut conn, r.scope).await?.catalog;
        let copy_differences = listing(&make_plan(&copy, r.live, &plain, &[]));
        let copy_time = started.elapsed();

        let started = Instant::now();
        run(&mut conn, r.plan, r.apply, Stage::Plan).await?;
        let apply_time = started.elapsed();
        let after = introspect(&mut conn, r.scope).await?.catalog;
        let remaining = listing(&make_plan(&after, r.desired, &plain, &[]));

        let started = Instant::now();
        let empty = Plan::default();
        let back = r.plan.rollback.as_deref().unwrap_or(&empty);
        run(&mut conn, back, r.apply, Stage::Rollback).await?;
        let rollback_time = started.elapsed();
        let restored = introspect(&mut conn, r.scope).await?.catalog;
        let mut target = copy.clone();
        target.coverage = r.desired.coverage;
        let not_restored = listing(&make_plan(&restored, &target, &plain, &[]));
        Ok(VerifyReport {
            copy: copy_time,
            copy_differences,
            apply: apply_time,
            remaining,
            rollback: rollback_time,
            not_restored,
            steps: r.plan.steps.len(),
            rollback_steps: back.steps.len(),
        })
    }
    .await;
    let _ = conn.close().await;
    result
}

async fn run(
    conn: &mut PgConnection,
    plan: &Plan,
    opts: &ApplyOptions,
    stage: Stage,
) -> Result<(), VerifyError> {
    apply(conn, plan, opts).await.map(|_| ()).map_err(|error| {
        let s = &plan.steps[error.step];
        VerifyError::Apply {
            stage,
            step: format!("{} {} {}", error.step_id, s.kind, s.object.name),
            error,
        }
    })
}

/// Roles that grants and policies name.
fn roles(c: &Catalog) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let grants = c
        .tables
        .values()
        .flat_map(|t| &t.grants)
        .chain(c.views.values().flat_map(|v| &v.grants));
    for g in grants {
        out.insert(g.grantee.clone());
    }
    for t in c.tables.values() {
        for p in t.policies.values() {
            out.extend(p.roles.iter().cloned());
        }
    }
    out.retain(|r| !r.eq_ignore_ascii_case("public") && !r.starts_with("pg_"));
    out
}
