//! `seadiff drift --fleet FILE [--shard I/N]`: drift on many targets that share one desired
//! state, with bounded concurrency. One JSON line per target on stdout as each finishes
//! (`{"target", "status": "in_sync"|"drifted"|"failed", "stores": {…}, "error", "elapsed_ms"}`),
//! then a summary line (`{"summary": {…}}`). Exit 1 if any target drifted, 2 if any failed.
//!
//! There is no coordinator: `--shard I/N` picks a deterministic slice (a stable hash of each
//! target's name), so a CI matrix or N Kubernetes CronJobs cover the fleet between them.

use std::collections::BTreeMap;
use std::time::Instant;

use differ::model::fleet::{Fleet, Target};
use differ::plan::Plan;
use futures_util::StreamExt;
use serde::Serialize;

use super::Live;
use super::redis_store::{RedisLive, selected};
use super::vespa_store::VespaLive;
use crate::args::{Cli, DriftArgs, StoreArg};
use crate::config::{self, PgTarget};
use crate::failure::{Failure, exit};
use crate::printer::Printer;

#[derive(Debug, Serialize)]
struct StoreLine {
    endpoint: String,
    in_sync: bool,
    differences: usize,
    unverifiable: usize,
}

#[derive(Debug, Serialize)]
struct TargetLine {
    target: String,
    status: &'static str,
    stores: BTreeMap<&'static str, StoreLine>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    elapsed_ms: u128,
}

#[derive(Debug, Serialize)]
struct Summary {
    targets: usize,
    in_sync: usize,
    drifted: usize,
    failed: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    shard: Option<String>,
    drifted_targets: Vec<String>,
    failed_targets: Vec<String>,
    elapsed_ms: u128,
}

fn store_line(endpoint: String, plan: &Plan, strict: bool) -> StoreLine {
    StoreLine {
        endpoint,
        in_sync: plan.in_sync(strict),
        differences: plan.changes().len()
            + plan.notices_of(differ::plan::NoticeKind::Drift).count(),
        unverifiable: plan
            .notices_of(differ::plan::NoticeKind::Unverifiable)
            .count(),
    }
}

/// The desired states, resolved once for the whole fleet.
struct Desired {
    pg: Option<PgTarget>,
    redis: Option<differ::redis::model::Declared>,
    vespa: Option<config::VespaDecl>,
}

async fn check(
    cli: &Cli,
    printer: &Printer,
    desired: &Desired,
    t: &Target,
    strict: bool,
) -> TargetLine {
    let started = Instant::now();
    let mut stores = BTreeMap::new();
    let result: Result<(), Failure> = async {
        if let (Some(url), Some(pg)) = (&t.postgres, &desired.pg) {
            let target = PgTarget {
                url: url.clone(),
                settings: pg.settings.clone(),
                desired: pg.desired.clone(),
                warnings: pg.warnings.clone(),
            };
            let mut live = Live::connect(cli, printer, target).await?;
            let current = live.read(printer).await?;
            let plan = live.plan_blind(&current);
            stores.insert(
                "postgres",
                store_line(live.endpoint.to_string(), &plan, strict),
            );
        }
        if let (Some(url), Some(decl)) = (&t.redis, &desired.redis) {
            let mut d = decl.clone();
            d.url.clone_from(url);
            let mut live = RedisLive::connect(cli, printer, d).await?;
            let read = live.read(printer, true).await?;
            let plan = live.plan(&read);
            stores.insert(
                "redis",
                store_line(live.endpoint.to_string(), &plan, strict),
            );
        }
        if let (Some(url), Some(decl)) = (&t.vespa, &desired.vespa) {
            let live = VespaLive::for_url(cli, decl, url)?;
            let read = live.read(printer).await?;
            let plan = live.plan(&read);
            stores.insert(
                "vespa",
                store_line(live.endpoint.to_string(), &plan, strict),
            );
        }
        Ok(())
    }
    .await;
    let (status, error) = match result {
        Err(f) => ("failed", Some(f.one_line())),
        Ok(()) if stores.values().all(|s| s.in_sync) => ("in_sync", None),
        Ok(()) => ("drifted", None),
    };
    TargetLine {
        target: t.name.clone(),
        status,
        stores,
        error,
        elapsed_ms: started.elapsed().as_millis(),
    }
}

pub(super) async fn run(
    cli: &Cli,
    printer: &mut Printer,
    args: &DriftArgs,
    path: &std::path::Path,
) -> Result<u8, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::caused(format!("cannot read the fleet file {}", path.display()), &e)
    })?;
    let fleet =
        Fleet::parse(&text, &config::env).map_err(|e| config::config_failure(path, &text, &e))?;
    let cfg = config::load(&cli.global.config)?;
    let desired = Desired {
        pg: if selected(cli, StoreArg::Postgres)
            && fleet.targets.iter().any(|t| t.postgres.is_some())
        {
            let d = config::declared(&cli.global.config, &cfg)?;
            Some(PgTarget {
                url: String::new(),
                settings: d.settings,
                desired: d.desired,
                warnings: d.warnings,
            })
        } else {
            None
        },
        redis: if selected(cli, StoreArg::Redis) && fleet.targets.iter().any(|t| t.redis.is_some())
        {
            config::redis(&cli.global.config, &cfg, Some("redis://placeholder"))?
        } else {
            None
        },
        vespa: if selected(cli, StoreArg::Vespa) && fleet.targets.iter().any(|t| t.vespa.is_some())
        {
            config::vespa(&cli.global.config, &cfg, Some("http://placeholder"))?
        } else {
            None
        },
    };
    for t in &fleet.targets {
        for (store, url, declared) in [
            (StoreArg::Postgres, &t.postgres, desired.pg.is_some()),
            (StoreArg::Redis, &t.redis, desired.redis.is_some()),
            (StoreArg::Vespa, &t.vespa, desired.vespa.is_some()),
        ] {
            let Some(u) = url else { continue };
            printer.add_secret_url(u);
            if selected(cli, store) && !declared {
                return Err(Failure::new(format!(
                    "{}:{}: target `{}` names a {} URL, but {} declares no such store",
                    path.display(),
                    t.line,
                    t.name,
                    super::store_name(store),
                    cli.global.config.display()
                ))
                .hint("add the store's section to schema.yaml, or leave it out with --only"));
            }
        }
    }
    let selected_targets: Vec<&Target> = match args.shard {
        Some((i, n)) => fleet.shard(i - 1, n),
        None => fleet.targets.iter().collect(),
    };
    let concurrency = args.concurrency.unwrap_or(fleet.concurrency).max(1);
    printer.machine = true;
    let started = Instant::now();
    let printer_ref: &Printer = printer;
    let mut lines = futures_util::stream::iter(
        selected_targets
            .iter()
            .map(|t| check(cli, printer_ref, &desired, t, args.strict)),
    )
    .buffer_unordered(concurrency);
    let mut results = Vec::new();
    while let Some(line) = lines.next().await {
        let mut json = serde_json::to_string(&line).unwrap_or_default();
        json.push('\n');
        printer_ref.out(&json);
        results.push(line);
    }
    let names = |status: &str| {
        let mut v: Vec<String> = results
            .iter()
            .filter(|l| l.status == status)
            .map(|l| l.target.clone())
            .collect();
        v.sort();
        v
    };
    let summary = Summary {
        targets: results.len(),
        in_sync: results.iter().filter(|l| l.status == "in_sync").count(),
        drifted: results.iter().filter(|l| l.status == "drifted").count(),
        failed: results.iter().filter(|l| l.status == "failed").count(),
        shard: args.shard.map(|(i, n)| format!("{i}/{n}")),
        drifted_targets: names("drifted"),
        failed_targets: names("failed"),
        elapsed_ms: started.elapsed().as_millis(),
    };
    let mut json =
        serde_json::to_string(&serde_json::json!({ "summary": &summary })).unwrap_or_default();
    json.push('\n');
    printer_ref.out(&json);
    printer_ref.info(&format!(
        "fleet: {} targets, {} in sync, {} drifted, {} failed in {} ms",
        summary.targets, summary.in_sync, summary.drifted, summary.failed, summary.elapsed_ms
    ));
    Ok(if summary.failed > 0 {
        exit::TROUBLE
    } else if summary.drifted > 0 {
        exit::CHANGES
    } else {
        exit::OK
    })
}
