//! The Redis side of `plan`, `apply`, `drift` and `status`: connect, read (and sample the key
//! families), plan, apply.

use std::collections::BTreeMap;
use std::time::Duration;

use differ::plan::{Plan, Store};
use differ::redact::RedactedUrl;
use differ::redis::model::{AclUser, Declared, Reading, RedisState};
use differ::redis::{self as store, Conn};

use crate::args::{Cli, StoreArg};
use crate::config;
use crate::failure::Failure;
use crate::printer::Printer;

/// Whether `--only` lets `store` through.
pub(crate) fn selected(cli: &Cli, store: StoreArg) -> bool {
    cli.global.only.is_empty() || cli.global.only.contains(&store)
}

pub(crate) struct RedisLive {
    pub declared: Declared,
    pub conn: Conn,
    pub endpoint: RedactedUrl,
    timeout: Duration,
}

/// What one read found.
pub(crate) struct RedisRead {
    pub state: RedisState,
    pub probes: BTreeMap<String, Reading<AclUser>>,
}

impl RedisLive {
    /// The configured Redis, connected; `None` when `schema.yaml` declares none or `--only`
    /// leaves it out.
    pub(crate) async fn open(
        cli: &Cli,
        printer: &mut Printer,
    ) -> Result<Option<RedisLive>, Failure> {
        if !selected(cli, StoreArg::Redis) {
            return Ok(None);
        }
        let cfg = config::load(&cli.global.config)?;
        let Some(declared) =
            config::redis(&cli.global.config, &cfg, cli.global.redis_url.as_deref())?
        else {
            return Ok(None);
        };
        printer.add_secret_url(&declared.url);
        Ok(Some(RedisLive::connect(cli, printer, declared).await?))
    }

    pub(crate) async fn connect(
        cli: &Cli,
        printer: &Printer,
        declared: Declared,
    ) -> Result<RedisLive, Failure> {
        let endpoint = RedactedUrl::new(&declared.url);
        let timeout = Duration::from_secs(cli.global.connect_timeout);
        printer.detail(&format!("connecting to {endpoint}"));
        let options = store::ConnectOptions {
            connect_timeout: timeout,
            response_timeout: super::read_timeout(cli),
            tls: declared.tls.clone(),
        };
        let conn = store::connect_with(&declared.url, options).await.map_err(|e| {
            Failure::caused("cannot read the live Redis", &e).hint("is the server running, and is the URL (REDIS_URL, --redis-url or redis.url) right?")
        })?;
        Ok(RedisLive {
            declared,
            conn,
            endpoint,
            timeout,
        })
    }

    /// Reads the server; with `sample`, also walks the declared key families.
    pub(crate) async fn read(
        &mut self,
        printer: &Printer,
        sample: bool,
    ) -> Result<RedisRead, Failure> {
        let progress = printer.spinner(&format!("reading {}", self.endpoint));
        let (mut state, probes) = store::introspect::read(&mut self.conn, &self.declared)
            .await
            .map_err(|e| Failure::caused(format!("cannot read {}", self.endpoint), &e))?;
        if sample {
            for (db, decl) in &self.declared.databases {
                progress.set(0, format!("sampling db {db} of {}", self.endpoint));
                let mut c = self.conn.on_db(*db, self.timeout).await.map_err(|e| {
                    Failure::caused(
                        format!("cannot open database {db} of {}", self.endpoint),
                        &e,
                    )
                })?;
                let s = store::sample::sample(&mut c, decl, &self.declared.sampling)
                    .await
                    .map_err(|e| {
                        Failure::caused(
                            format!("cannot sample database {db} of {}", self.endpoint),
                            &e,
                        )
                    })?;
                printer.detail(&format!(
                    "db {db}: sampled {} of {} keys with {} commands in {} ms",
                    s.sampled,
                    s.dbsize,
                    s.commands,
                    s.elapsed.as_millis()
                ));
                state.keyspace.insert(*db, s);
            }
        }
        Ok(RedisRead { state, probes })
    }

    pub(crate) fn plan(&self, read: &RedisRead) -> Plan {
        store::diff::make_plan(&read.state, &read.probes, &self.declared)
    }

    /// Applies the Redis steps of `plan`.
    pub(crate) async fn apply(&mut self, printer: &Printer, plan: &Plan) -> Result<(), Failure> {
        if !plan.steps.iter().any(|s| s.store == Store::Redis) {
            return Ok(());
        }
        let ids = plan.step_ids();
        let mut done = |i: usize| {
            let s = &plan.steps[i];
            printer.info(&format!("done {} {} {}", ids[i], s.kind, s.object.name));
        };
        let report = store::apply::apply_observed(&mut self.conn, plan, &self.declared, self.timeout, &mut done).await.map_err(|e| {
            let s = &plan.steps[e.step];
            let ids = plan.step_ids();
            let mut f = Failure::new(format!("apply failed at step {} ({} {}) on {}", e.step_id, s.kind, s.object.name, self.endpoint))
                .detail(format!("  command: {}", e.statement))
                .detail(format!("  error: {}", e.message));
            f = if e.done.is_empty() {
                f.detail("  no Redis step had run: nothing was changed")
            } else {
                f.detail(format!("  Redis has no transactions: these steps stay done: {}", e.done.iter().map(|&i| ids[i].as_str()).collect::<Vec<_>>().join(", ")))
            };
            f.hint("fix the cause and run the command again; the next plan starts from what the server has now")
        })?;
        printer.info(&format!(
            "applied {} to {} in {} ms",
            differ::plan::noun("step", report.executed.len()),
            self.endpoint,
            report.elapsed.as_millis()
        ));
        for n in &report.notes {
            printer.info(&format!("  {n}"));
        }
        Ok(())
    }
}
