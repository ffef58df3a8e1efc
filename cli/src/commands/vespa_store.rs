//! The Vespa side of `plan`, `apply`, `drift` and `status`: read the active application from
//! the config server, plan against the package in the repository, deploy with the validation
//! overrides that were allowed, and wait for convergence.

use std::collections::BTreeSet;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use differ::plan::{Allowed, HazardKind, Notice, NoticeKind, Plan, Store};
use differ::redact::RedactedUrl;
use differ::vespa::app::App;
use differ::vespa::classify::{self, Action};
use differ::vespa::client::{Active, Client, VespaError};
use differ::vespa::diff::{self as vdiff, Live};

use super::redis_store::selected;
use crate::args::{Cli, StoreArg};
use crate::config::{self, VespaDecl};
use crate::failure::Failure;
use crate::printer::Printer;

pub(crate) struct VespaLive {
    pub decl: VespaDecl,
    pub client: Client,
    pub endpoint: RedactedUrl,
}

/// The active application as read.
pub(crate) struct VespaRead {
    pub active: Option<(Active, App)>,
    pub unconverged: Option<String>,
}

fn failure(what: String, e: &VespaError) -> Failure {
    let mut f = Failure::caused(what, e);
    if e.status.is_none() {
        f = f.hint("is the config server running, and is the URL (VESPA_CONFIG_URL, --vespa-url or vespa.url) right?");
    }
    f
}

impl VespaLive {
    pub(crate) fn open(cli: &Cli, printer: &mut Printer) -> Result<Option<VespaLive>, Failure> {
        if !selected(cli, StoreArg::Vespa) {
            return Ok(None);
        }
        let cfg = config::load(&cli.global.config)?;
        let Some(decl) = config::vespa(&cli.global.config, &cfg, cli.global.vespa_url.as_deref())?
        else {
            return Ok(None);
        };
        // Broken links are errors in the declaration, whatever the live side says.
        let pg = config::declared(&cli.global.config, &cfg)?;
        let broken = differ::vespa::links::check(&decl.links, &decl.app, Some(&pg.desired));
        if !broken.is_empty() {
            let mut f = Failure::new(format!(
                "{} between Vespa and Postgres {} broken",
                differ::plan::noun("link", broken.len()),
                if broken.len() == 1 { "is" } else { "are" }
            ));
            for b in broken {
                f = f.detail(format!("  {b}"));
            }
            return Err(f.hint(
                "make the Vespa schema and the entity agree, or fix vespa.links in schema.yaml",
            ));
        }
        printer.add_secret_url(&decl.target.url);
        let endpoint = RedactedUrl::new(&decl.target.url);
        let client = Client::new(
            decl.target.clone(),
            Duration::from_secs(cli.global.connect_timeout.max(1) * 3),
        )
        .map_err(|e| failure(format!("cannot reach {endpoint}"), &e))?;
        Ok(Some(VespaLive {
            decl,
            client,
            endpoint,
        }))
    }

    /// The declared application against another config server (a fleet target).
    pub(crate) fn for_url(cli: &Cli, decl: &VespaDecl, url: &str) -> Result<VespaLive, Failure> {
        let mut decl = decl.clone();
        decl.target.url = url.to_owned();
        let endpoint = RedactedUrl::new(url);
        let client = Client::new(
            decl.target.clone(),
            Duration::from_secs(cli.global.connect_timeout.max(1) * 3),
        )
        .map_err(|e| failure(format!("cannot reach {endpoint}"), &e))?;
        Ok(VespaLive {
            decl,
            client,
            endpoint,
        })
    }

    pub(crate) async fn read(&self, printer: &Printer) -> Result<VespaRead, Failure> {
        let _progress = printer.spinner(&format!("reading {}", self.endpoint));
        let active = self.client.active().await.map_err(|e| {
            failure(
                format!("cannot read the active application from {}", self.endpoint),
                &e,
            )
        })?;
        let active = match active {
            None => None,
            Some(a) => {
                let app = App::parse(&a.package).map_err(|e| {
                    Failure::new(format!(
                        "the active application on {} (generation {}) cannot be read: {e}",
                        self.endpoint, a.generation
                    ))
                })?;
                Some((a, app))
            }
        };
        let mut unconverged = None;
        if let Some((a, _)) = &active {
            let c = self.client.convergence().await.map_err(|e| {
                failure(
                    format!("cannot read convergence from {}", self.endpoint),
                    &e,
                )
            })?;
            if !c.converged {
                unconverged = Some(format!(
                    "services run generation {} of wanted {} (active {}): not converged; restarts may be pending",
                    c.current, c.wanted, a.generation
                ));
            }
        }
        Ok(VespaRead {
            active,
            unconverged,
        })
    }

    pub(crate) fn plan(&self, read: &VespaRead) -> Plan {
        let live = read.active.as_ref().map(|(a, app)| Live {
            app,
            package: &a.package,
            generation: a.generation,
        });
        let mut plan = vdiff::make_plan(live, &self.decl.app, &self.decl.package);
        if let Some(u) = &read.unconverged {
            plan.notices.push(Notice {
                store: Store::Vespa,
                kind: NoticeKind::Drift,
                message: u.clone(),
            });
        }
        plan
    }

    /// `plan --verify` for Vespa: the server's dry-run prepare, compared with our prediction.
    pub(crate) async fn verify(
        &self,
        printer: &Printer,
        read: &VespaRead,
    ) -> Result<String, Failure> {
        let _p = printer.spinner("asking the config server for a dry-run prepare");
        let changes = classify::changes(read.active.as_ref().map(|(_, a)| a), &self.decl.app);
        let predicted: BTreeSet<(String, Option<&str>, Option<String>)> = changes
            .iter()
            .flat_map(|c| c.actions.clone())
            .filter(|a| a.kind != classify::ActionKind::None)
            .map(|a| key(&a))
            .collect();
        let predicted_ids: BTreeSet<&str> = vdiff::needed_overrides(&changes)
            .into_iter()
            .map(|i| i.as_str())
            .collect();
        // First without overrides: a refusal names every override the server wants.
        let server_ids: BTreeSet<String> = match self.client.deploy(&self.decl.package, true).await
        {
            Ok(_) => BTreeSet::new(),
            Err(e) if e.status == Some(400) && !e.required_overrides().is_empty() => {
                e.required_overrides().into_iter().collect()
            }
            Err(e) => {
                return Err(failure(
                    format!("the dry-run prepare on {} was refused", self.endpoint),
                    &e,
                ));
            }
        };
        // All overrides the prediction needs, so the dry run shows every action instead of
        // stopping at the first missing override.
        let ids: BTreeSet<_> = HazardKind::ALL
            .iter()
            .filter_map(|k| match k {
                HazardKind::VespaOverride(id) => Some(*id),
                _ => None,
            })
            .collect();
        let pkg = vdiff::with_overrides(&self.decl.package, &ids, &self.until());
        let server = match self.client.deploy(&pkg, true).await {
            Ok(d) => d.actions.iter().map(key).collect::<BTreeSet<_>>(),
            Err(e) => {
                return Err(failure(
                    format!("the dry-run prepare on {} was refused", self.endpoint),
                    &e,
                ));
            }
        };
        let mut out = String::from("\nverification against the config server (dry-run prepare):\n");
        let server_ids: BTreeSet<&str> = server_ids.iter().map(String::as_str).collect();
        for id in predicted_ids.difference(&server_ids) {
            out.push_str(&format!(
                "  override predicted, not demanded by the server: {id}\n"
            ));
        }
        for id in server_ids.difference(&predicted_ids) {
            out.push_str(&format!(
                "  override demanded by the server, not predicted: {id}\n"
            ));
        }
        if predicted == server && predicted_ids == server_ids {
            out.push_str(&format!(
                "  {} and {} predicted; the server agrees\n",
                differ::plan::noun("change action", predicted.len()),
                differ::plan::noun("validation override", predicted_ids.len())
            ));
        } else {
            for a in predicted.difference(&server) {
                out.push_str(&format!(
                    "  predicted, not demanded by the server: {}\n",
                    show(a)
                ));
            }
            for a in server.difference(&predicted) {
                out.push_str(&format!(
                    "  demanded by the server, not predicted: {}\n",
                    show(a)
                ));
            }
        }
        Ok(out)
    }

    fn until(&self) -> String {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        vdiff::date_after(now, self.decl.override_days)
    }

    /// Deploys when the plan has Vespa steps, then waits for convergence.
    pub(crate) async fn apply(
        &self,
        printer: &Printer,
        plan: &Plan,
        allowed: &Allowed,
    ) -> Result<(), Failure> {
        if !plan.steps.iter().any(|s| s.store == Store::Vespa) {
            return Ok(());
        }
        let ids: BTreeSet<_> = plan
            .steps
            .iter()
            .filter(|s| s.store == Store::Vespa)
            .flat_map(|s| &s.hazards)
            .filter_map(|h| match h.kind {
                HazardKind::VespaOverride(id) if allowed.allows(h.kind) => Some(id),
                _ => None,
            })
            .collect();
        let pkg = vdiff::with_overrides(&self.decl.package, &ids, &self.until());
        let started = Instant::now();
        let deployed = {
            let _p = printer.spinner(&format!("deploying to {}", self.endpoint));
            self.client.deploy(&pkg, false).await.map_err(|e| {
                let mut f = failure(
                    format!(
                        "the deploy to {} was refused; nothing was activated",
                        self.endpoint
                    ),
                    &e,
                );
                let need = e.required_overrides();
                if !need.is_empty() {
                    f = f.hint(format!(
                        "Vespa asks for validation overrides; review the plan, then re-run with {}",
                        need.iter()
                            .map(|id| format!("--allow-hazard vespa-override:{id}"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    ));
                }
                f
            })?
        };
        if !deployed.activated {
            return Err(Failure::new(format!(
                "session {} on {} was prepared but not activated",
                deployed.session_id, self.endpoint
            ))
            .hint("another deploy may have won the race; run the command again"));
        }
        printer.info(&format!(
            "deployed session {} to {} in {} ms",
            deployed.session_id,
            self.endpoint,
            started.elapsed().as_millis()
        ));
        if !ids.is_empty() {
            printer.info(&format!(
                "  with validation overrides until {}: {}",
                self.until(),
                ids.iter()
                    .map(|i| i.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        for a in &deployed.actions {
            printer.info(&format!("  follow-up: {a}"));
        }
        self.wait_converged(printer).await
    }

    async fn wait_converged(&self, printer: &Printer) -> Result<(), Failure> {
        let deadline = Instant::now() + self.decl.convergence_timeout;
        let progress = printer.spinner(&format!("waiting for {} to converge", self.endpoint));
        let mut delay = Duration::from_millis(100);
        loop {
            let c = self.client.convergence().await.map_err(|e| {
                failure(
                    format!("cannot read convergence from {}", self.endpoint),
                    &e,
                )
            })?;
            if c.converged {
                printer.info(&format!(
                    "{} converged on generation {}",
                    self.endpoint, c.current
                ));
                return Ok(());
            }
            progress.set(
                0,
                format!("services on generation {} of {}", c.current, c.wanted),
            );
            if Instant::now() >= deadline {
                return Err(Failure::new(format!(
                    "{} did not converge within {} s: services run generation {} of {}",
                    self.endpoint,
                    self.decl.convergence_timeout.as_secs(),
                    c.current,
                    c.wanted
                ))
                .hint("the new generation is active; check the services (restarts may be pending), then run seadiff drift"));
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(5));
        }
    }
}

/// What a change action is compared by: its kind, the validation id Vespa names it with
/// (refeed and reindex entries carry one; restarts never do) and its document type.
pub(crate) fn key(a: &Action) -> (String, Option<&'static str>, Option<String>) {
    (
        a.kind.as_str().to_owned(),
        match a.kind {
            classify::ActionKind::Refeed | classify::ActionKind::Reindex => {
                a.validation_id.map(|v| v.as_str())
            }
            _ => None,
        },
        a.document_type.clone(),
    )
}

fn show(k: &(String, Option<&str>, Option<String>)) -> String {
    let mut s = k.0.clone();
    if let Some(id) = k.1 {
        s.push_str(&format!(" ({id})"));
    }
    if let Some(d) = &k.2 {
        s.push_str(&format!(" for document type {d}"));
    }
    s
}
