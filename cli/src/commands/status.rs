//! `seadiff status`: store by store, whether everything is where it should be: reachable and
//! which server, in sync or how many drifts, pending hazards, pending migrations, objects not
//! managed, and with `--smoke`, whether each managed table takes a write. The report a team
//! would otherwise keep by hand as MIGRATION_STATUS.md.
//!
//! Exit codes: 0 everything in order; 1 drift, a pending migration or a failed smoke test;
//! 2 a store cannot be reached (the report still shows the others).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use differ::plan::{Allowed, NoticeKind, Plan, noun};
use differ::postgres::Online;
use differ::postgres::smoke::{self, Outcome, SmokeReport};
use indexmap::IndexMap;
use serde::Serialize;

use super::Live;
use super::redis_store::{RedisLive, selected};
use super::vespa_store::VespaLive;
use crate::args::{Cli, StatusArgs, StatusFormat, StoreArg};
use crate::config;
use crate::failure::{Failure, exit};
use crate::migrate::History;
use crate::printer::Printer;

/// Version of the `status --format json` document.
const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Serialize)]
struct StatusDoc {
    format_version: u32,
    tool_version: &'static str,
    stores: BTreeMap<&'static str, StoreStatus>,
}

#[derive(Debug, Default, Serialize)]
struct StoreStatus {
    target: String,
    reachable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    server_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    in_sync: Option<bool>,
    drifts: usize,
    pending_hazards: usize,
    /// Declared objects compared, by kind.
    compared: IndexMap<String, usize>,
    not_managed: usize,
    /// Items the server would not let seadiff read.
    unverifiable: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    migrations: Option<History>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    smoke: Option<SmokeReport>,
}

impl StoreStatus {
    fn healthy(&self) -> bool {
        self.in_sync == Some(true)
            && self
                .migrations
                .as_ref()
                .is_none_or(|h| h.pending.is_empty())
            && self.smoke.as_ref().is_none_or(SmokeReport::passed)
    }
}

/// `150004` → `15.4`
fn version(num: u32) -> String {
    format!("{}.{}", num / 10000, num % 10000)
}

pub(super) async fn run(
    cli: &Cli,
    printer: &mut Printer,
    args: &StatusArgs,
) -> Result<u8, Failure> {
    let mut stores = BTreeMap::new();
    if selected(cli, StoreArg::Postgres) {
        let target = Live::resolve(cli, printer)?;
        let mut pg = StoreStatus {
            target: differ::redact::RedactedUrl::new(&target.url).to_string(),
            ..StoreStatus::default()
        };
        match Live::connect(cli, printer, target).await {
            Err(f) => pg.error = Some(f.one_line()),
            Ok(mut live) => {
                if let Err(f) = postgres_status(cli, printer, &mut live, args, &mut pg).await {
                    pg.error = Some(f.one_line());
                }
            }
        }
        stores.insert("postgres", pg);
    }
    if selected(cli, StoreArg::Redis) {
        let cfg = config::load(&cli.global.config)?;
        if let Some(declared) =
            config::redis(&cli.global.config, &cfg, cli.global.redis_url.as_deref())?
        {
            printer.add_secret_url(&declared.url);
            let mut rs = StoreStatus {
                target: differ::redact::RedactedUrl::new(&declared.url).to_string(),
                ..StoreStatus::default()
            };
            match RedisLive::connect(cli, printer, declared).await {
                Err(f) => rs.error = Some(f.one_line()),
                Ok(mut live) => match live.read(printer, true).await {
                    Err(f) => rs.error = Some(f.one_line()),
                    Ok(read) => {
                        rs.reachable = true;
                        rs.server_version = Some(format!("Redis {}", read.state.server.version));
                        fill(&mut rs, &live.plan(&read));
                    }
                },
            }
            stores.insert("redis", rs);
        }
    }
    if selected(cli, StoreArg::Vespa) {
        let cfg = config::load(&cli.global.config)?;
        if cfg.vespa.is_some() {
            match VespaLive::open(cli, printer) {
                Err(f) => {
                    stores.insert(
                        "vespa",
                        StoreStatus {
                            error: Some(f.one_line()),
                            ..StoreStatus::default()
                        },
                    );
                }
                Ok(None) => {}
                Ok(Some(live)) => {
                    let mut vs = StoreStatus {
                        target: live.endpoint.to_string(),
                        ..StoreStatus::default()
                    };
                    match live.read(printer).await {
                        Err(f) => vs.error = Some(f.one_line()),
                        Ok(read) => {
                            vs.reachable = true;
                            vs.server_version = Some(match &read.active {
                                Some((a, _)) => {
                                    format!("Vespa config server, generation {}", a.generation)
                                }
                                None => "Vespa config server, nothing deployed".to_owned(),
                            });
                            fill(&mut vs, &live.plan(&read));
                        }
                    }
                    stores.insert("vespa", vs);
                }
            }
        }
    }
    let doc = StatusDoc {
        format_version: FORMAT_VERSION,
        tool_version: env!("CARGO_PKG_VERSION"),
        stores,
    };
    let text = match args.format {
        StatusFormat::Text => text(&doc),
        StatusFormat::Markdown => markdown(&doc),
        StatusFormat::Json => {
            let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
            s.push('\n');
            s
        }
    };
    printer.out(&text);
    Ok(if doc.stores.values().any(|s| !s.reachable) {
        exit::TROUBLE
    } else if doc.stores.values().all(StoreStatus::healthy) {
        exit::OK
    } else {
        exit::CHANGES
    })
}

/// Drift, hazards and what was compared, from a store's plan.
fn fill(st: &mut StoreStatus, plan: &Plan) {
    st.in_sync = Some(plan.in_sync(false));
    st.drifts = plan.changes().len() + plan.notices_of(NoticeKind::Drift).count();
    st.pending_hazards = plan.blocked(&Allowed::default()).len();
    st.unverifiable = plan.notices_of(NoticeKind::Unverifiable).count();
    st.compared = plan
        .compared
        .values()
        .flatten()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| ((*k).to_owned(), *n))
        .collect();
    st.not_managed = plan.summary().unmanaged;
}

async fn postgres_status(
    cli: &Cli,
    printer: &Printer,
    live: &mut Live,
    args: &StatusArgs,
    st: &mut StoreStatus,
) -> Result<(), Failure> {
    let current = live.read(printer).await?;
    st.reachable = true;
    st.server_version = Some(format!("PostgreSQL {}", version(current.server_version)));
    let plan = live.plan(printer, &current, Online::Auto).await?;
    fill(st, &plan);
    if let Some(h) = live.history(cli).await?
        && !(h.applied.is_empty() && h.pending.is_empty())
    {
        st.warnings.extend(h.disagreements(plan.is_empty()));
        st.migrations = Some(h);
    }
    if args.smoke {
        let tables: BTreeSet<_> = live
            .target
            .desired
            .tables
            .keys()
            .filter(|q| current.catalog.tables.contains_key(*q))
            .cloned()
            .collect();
        let _progress = printer.spinner(&format!("smoke-testing {}", noun("table", tables.len())));
        let report = smoke::smoke(&mut live.conn, &current.catalog, &tables)
            .await
            .map_err(|e| Failure::caused("the smoke test could not run", &e))?;
        st.smoke = Some(report);
    }
    Ok(())
}

fn schema_line(s: &StoreStatus) -> String {
    match s.in_sync {
        Some(true) => {
            let compared: Vec<String> = s.compared.iter().map(|(k, n)| noun(k, *n)).collect();
            format!("in sync (compared {})", compared.join(", "))
        }
        Some(false) => format!(
            "drifted: {}{}",
            noun("difference", s.drifts),
            if s.pending_hazards > 0 {
                format!(", {} with hazards", noun("step", s.pending_hazards))
            } else {
                String::new()
            }
        ),
        None => "unknown".to_owned(),
    }
}

fn migrations_line(h: &History) -> String {
    format!(
        "{} applied, {} pending{}",
        h.applied.len(),
        h.pending.len(),
        if h.pending.is_empty() {
            String::new()
        } else {
            format!(" ({})", h.pending.join(", "))
        }
    )
}

fn smoke_line(r: &SmokeReport) -> String {
    let passed = r
        .tables
        .iter()
        .filter(|t| matches!(t.outcome, Outcome::Passed { .. }))
        .count();
    format!(
        "{passed} of {} inserted, read, updated and deleted (rolled back)",
        noun("table", r.tables.len())
    )
}

fn outcome_text(o: &Outcome) -> String {
    match o {
        Outcome::Passed { attempts: 1 } => "passed".to_owned(),
        Outcome::Passed { attempts } => {
            format!("passed (on attempt {attempts}: a CHECK refused simpler values)")
        }
        Outcome::Failed { stage, error } => format!("FAILED at {stage}: {error}"),
        Outcome::Skipped { reason } => format!("skipped: {reason}"),
    }
}

fn text(doc: &StatusDoc) -> String {
    let mut out = String::new();
    for (name, s) in &doc.stores {
        let _ = writeln!(
            out,
            "{name}  {}  {}",
            s.target,
            match (&s.server_version, &s.error) {
                (Some(v), _) => v.clone(),
                (None, Some(e)) => format!("UNREACHABLE: {e}"),
                (None, None) => "unreachable".to_owned(),
            }
        );
        if !s.reachable {
            continue;
        }
        if let Some(e) = &s.error {
            let _ = writeln!(out, "  error        {e}");
        }
        let _ = writeln!(out, "  schema       {}", schema_line(s));
        if let Some(h) = &s.migrations {
            let _ = writeln!(out, "  migrations   {}", migrations_line(h));
        }
        let _ = writeln!(out, "  not managed  {}", noun("object", s.not_managed));
        if s.unverifiable > 0 {
            let _ = writeln!(
                out,
                "  unverifiable {} (seadiff drift lists them)",
                noun("item", s.unverifiable)
            );
        }
        for w in &s.warnings {
            let _ = writeln!(out, "  warning      {w}");
        }
        if let Some(r) = &s.smoke {
            let _ = writeln!(out, "  smoke        {}", smoke_line(r));
            for t in &r.tables {
                let _ = writeln!(out, "    {:<40} {}", t.table, outcome_text(&t.outcome));
            }
        }
    }
    out
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn markdown(doc: &StatusDoc) -> String {
    let mut out = String::from("<!-- seadiff:status -->\n# Schema status\n\n");
    out.push_str("| store | reachable | server | schema | migrations | not managed | smoke |\n| --- | --- | --- | --- | --- | ---: | --- |\n");
    for (name, s) in &doc.stores {
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} | {} | {} | {} |",
            if s.reachable { "✅" } else { "❌" },
            s.server_version
                .as_deref()
                .map_or_else(|| "—".to_owned(), |v| format!("PostgreSQL {v}")),
            md_cell(&if s.reachable {
                schema_line(s)
            } else {
                s.error.clone().unwrap_or_default()
            }),
            s.migrations
                .as_ref()
                .map_or_else(|| "—".to_owned(), migrations_line),
            s.not_managed,
            s.smoke
                .as_ref()
                .map_or_else(|| "not run".to_owned(), smoke_line),
        );
    }
    for (name, s) in &doc.stores {
        if !s.warnings.is_empty() {
            let _ = writeln!(out, "\n**{name}: warnings**\n");
            for w in &s.warnings {
                let _ = writeln!(out, "- {}", md_cell(w));
            }
        }
        if let Some(r) = &s.smoke {
            let _ = writeln!(
                out,
                "\n## {name}: smoke test\n\n| table | result |\n| --- | --- |"
            );
            for t in &r.tables {
                let mark = match t.outcome {
                    Outcome::Passed { .. } => "✅",
                    Outcome::Failed { .. } => "❌",
                    Outcome::Skipped { .. } => "⏭️",
                };
                let _ = writeln!(
                    out,
                    "| `{}` | {mark} {} |",
                    t.table,
                    md_cell(&outcome_text(&t.outcome))
                );
            }
        }
    }
    out
}
