//! A test double of Vespa's config server (deploy API, port 19071) and of the container
//! endpoints clients poll (`/state/v1/health`, `/ApplicationStatus`), served on one port.
//!
//! No Vespa can run where seadiff's tests run, so this crate reimplements the parts of the
//! config server that a schema tool talks to, from Vespa's own sources and documentation (see
//! `../shared/notes/vespa.md`). It is used in process ([`start`]) or as the `vespa-double`
//! binary.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use vespa_double::{Options, package};
//! let double = vespa_double::start(Options::default()).await?;
//! let zip = package::zip_files(&[("services.xml", "<services version='1.0'/>")]);
//! // POST {double.url}/application/v2/tenant/default/prepareandactivate with the zip …
//! # let _ = (double, zip); Ok(()) }
//! ```
//!
//! # Faithful
//!
//! - Paths, methods, status codes, `error-code`s, field names and JSON types of every endpoint
//!   in the notes' §2: sessions (create from a package or `?from=` the active application,
//!   content read/write/delete with `recursive` and `return=status`, prepare, re-read prepare,
//!   activate), `prepareandactivate` (zip, tar.gz, multipart `prepareParams` +
//!   `applicationPackage`; `PUT …/prepareandactivate/{id}`), applications (list, info, content,
//!   delete), `serviceconverge` (list and per service, 410 for an unknown service), reindexing
//!   (status, enable/disable, trigger, speed), health and `ApplicationStatus`.
//!   `session-id` is a string, `generation` a number equal to the session id, `log` always an
//!   array, `configChangeActions` always has `restart`, `refeed` and `reindex`.
//! - 405 `METHOD_NOT_ALLOWED` (`Method 'X' is not supported`) for a method a handler does not
//!   implement; 404 `NOT_FOUND` `Nothing at <path>` for unknown paths — including, as in
//!   Vespa's `ApplicationHandler`, a wrong method on an application sub-resource.
//! - Packages: the single-directory-root rule, `searchdefinitions/` moved into `schemas/`,
//!   Vespa's table of known file extensions per directory, files stored verbatim plus
//!   `.applicationMetaData`; dot-files are left out of listings (as `FilesApplicationFile`
//!   does), listings are ordered by file name like Vespa's.
//! - Session lifecycle (`NEW` → `PREPARE` → `ACTIVATE` → `DEACTIVATE`): a failed or dry-run
//!   prepare leaves the session `NEW`, editing content makes it `NEW` again, activating a `NEW`
//!   session is a 400, activating twice is a no-op, the two `ACTIVATION_CONFLICT` checks
//!   (active session changed since creation unless `force=true`; session older than the active
//!   one), generation = session id, sessions expire one hour after creation unless active.
//! - Validation overrides: `until` valid through that UTC day, past dates ignored, unknown ids
//!   ignored, `content-type-removal` = `schema-removal`, the 30-day cap message, the single
//!   and multi-id failure messages (`Invalid application: …`), `dev` auto-overriding with a
//!   WARNING, non-overridable errors combined as `multiple errors:`.
//! - Change actions: an own implementation of Vespa 8's change validators (notes §6, checked
//!   against `config-model`'s validators): attribute aspects and settings, hnsw, paged
//!   removal, struct-field attributes, indexing scripts (with the tokenization processing
//!   adds, so stemming/normalizing/match changes are detected), data types (structs compared
//!   by common subfields), indexing mode, `global`, schema and content-cluster removal.
//!   Actions are grouped per §3.2 (restart per cluster type/cluster/service type; refeed and
//!   reindex per name/cluster/document type; messages a sorted set; entries only for actions
//!   with services — refeed and reindex entries name the cluster's search nodes) and logged as
//!   the WARNING blocks Vespa writes.
//! - `prepareandactivate` answers `activated: false` only when activation failed after a good
//!   prepare (`prepared, but activation failed: …`, injected with [`Fault::activation_failed`]);
//!   a **dry run answers `activated: true`** and "prepared and activated", as Vespa does —
//!   `dryRun` is known from the request, not from the answer.
//! - [`Profile::Newer`]: `hnsw-settings-change` failures (a property such as distance-metric
//!   changing with hnsw on both sides, and `max-links-per-node`; adding or removing the hnsw
//!   index is a plain restart), restart for struct-field attributes, failures prefixed with the
//!   id's description and the newer documentation URL, an `activated` field.
//!   [`Profile::Older`]: no hnsw override, struct-field attributes are a `field-type-change`
//!   refeed, failures prefixed with the id, no `activated` field.
//!
//! # Public API for tests
//!
//! [`start`] / [`start_on`] give a [`Double`] (`url`, stops on drop). On it: the clock
//! ([`Double::set_date`], [`Double::set_time_millis`], [`Double::advance`],
//! [`Double::use_system_clock`]), faults ([`Double::inject`] with a [`Route`] and a [`Fault`],
//! [`Double::clear_faults`]), convergence ([`Double::set_convergence_lag`],
//! [`Double::converge_now`]), what is deployed ([`Double::active_files`],
//! [`Double::active_file`], [`Double::active_session`], [`Double::generation`],
//! [`Double::session_status`], [`Double::app_url`]), [`Double::requests`] (every request
//! answered) and [`Double::seed`] (an application deployed before the test). [`package`]
//! builds and reads zip / tar.gz packages.
//!
//! # Simplified
//!
//! - One tenant (`default`), one config server, all services on one host
//!   ([`Options::hostname`]) with made-up ports: per container node a `container`, per content
//!   node a `searchnode`, `distributor` and `storagenode`. `<nodes>` counts are not read: one
//!   node per cluster.
//! - Convergence is counted in polls, not time: after an activation, the next
//!   [`Options::convergence_lag`] polls (of `serviceconverge`, `serviceconverge/{host:port}` or
//!   `ApplicationStatus`) answer the previous generation and `converged: false`.
//!   `ApplicationStatus` answers 503 (`SERVICE_UNAVAILABLE`) before that; restarts are never
//!   awaited.
//! - Reindexing: a triggered type is `pending` until the next activation, `running` until that
//!   generation converges, then `successful` (progress 1.0). `PUT …/reindex?speed=` redeploys
//!   the active package (a new generation), as Vespa does.
//! - Writing to an active or deactivated session's content is refused (400); Vespa would
//!   silently mark it `NEW`.
//! - Unknown file extensions are rejected (400 `INVALID_APPLICATION_PACKAGE`), as hosted Vespa
//!   does; self-hosted Vespa only logs a WARNING ([`Options::reject_unknown_extensions`]).
//! - Indexing scripts are compared as normalized pipeline text (outputs removed, `input f`
//!   prepended where missing, tokenization inserted for indexed string fields and dynamic
//!   summaries), not as Vespa's expression trees; numeric `index` fields are not converted.
//!   Mode combinations the validators do not cover (store-only on both sides) get only the
//!   data-type check.
//! - `debug`, `timeout`, `vespaVersion`, `tags`, `ignoreValidationErrors` are accepted and
//!   ignored; the model is built for one Vespa version ([`Options::vespa_version`]).
//! - JSON object keys come out sorted (the wire order of Vespa's Slime is not kept).

pub mod package;

mod adapter;
mod changes;
mod clock;
mod error;
mod http;
mod model;
mod multipart;
mod overrides;
mod state;
mod tls;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use clock::Millis;

/// Self-hosted `prod` (always enforces validation overrides) or a hosted-style `dev` zone
/// (auto-overrides with a WARNING).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Environment {
    /// Enforce validation overrides.
    #[default]
    Prod,
    /// Log a WARNING instead of failing on missing overrides.
    Dev,
}

/// Which Vespa 8 behaviour to imitate where versions differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Profile {
    /// Vespa 8 from mid-2025 on.
    #[default]
    Newer,
    /// An older Vespa 8.
    Older,
}

/// How the double is run.
#[derive(Debug, Clone)]
pub struct Options {
    /// `prod` (default) or `dev`.
    pub environment: Environment,
    /// `newer` (default) or `older`.
    pub profile: Profile,
    /// Polls answering `converged: false` after each activation (default 0).
    pub convergence_lag: u32,
    /// The first session id handed out (default 2, as on a fresh config server).
    pub first_session_id: u64,
    /// The host name services report (default `localhost`).
    pub hostname: String,
    /// The Vespa version reported (default per profile).
    pub vespa_version: Option<String>,
    /// Reject files with unknown extensions (default true; self-hosted Vespa only warns).
    pub reject_unknown_extensions: bool,
    /// Serve https with this certificate instead of http (default: http).
    pub tls: Option<TlsOptions>,
}

/// An https listener: the server's certificate and key, and optionally the CA client
/// certificates must be signed by (mutual TLS, as a secured config server requires; a client
/// without one fails the handshake).
#[derive(Clone)]
pub struct TlsOptions {
    /// PEM certificate chain, leaf first.
    pub cert_pem: Vec<u8>,
    /// PEM private key.
    pub key_pem: Vec<u8>,
    /// PEM CA certificate(s) that client certificates must chain to; `None`: no client
    /// certificate asked for.
    pub client_ca_pem: Option<Vec<u8>>,
}

impl std::fmt::Debug for TlsOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsOptions")
            .field("client_auth", &self.client_ca_pem.is_some())
            .finish_non_exhaustive()
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            environment: Environment::Prod,
            profile: Profile::Newer,
            convergence_lag: 0,
            first_session_id: 2,
            hostname: "localhost".to_owned(),
            vespa_version: None,
            reject_unknown_extensions: true,
            tls: None,
        }
    }
}

/// A session's status, as Vespa names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStatus {
    /// Created (or edited); content can change.
    New,
    /// Prepared: model built, actions computed.
    Prepare,
    /// The active session of its application.
    Activate,
    /// Superseded by a newer activation.
    Deactivate,
}

/// Request kinds faults can be injected into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    /// Any request.
    Any,
    /// `POST …/prepareandactivate`.
    PrepareAndActivate,
    /// `PUT …/prepareandactivate/{id}`.
    ActivatePrepared,
    /// `POST …/session`.
    CreateSession,
    /// `…/session/{id}/content/…`.
    SessionContent,
    /// `PUT`/`GET …/session/{id}/prepared`.
    Prepare,
    /// `PUT …/session/{id}/active`.
    Activate,
    /// `GET …/application/`.
    ListApplications,
    /// `GET`/`DELETE` of an application.
    Application,
    /// `GET {app}/content/…`.
    ApplicationContent,
    /// `GET {app}/serviceconverge[/{host:port}]`.
    ServiceConverge,
    /// `{app}/reindexing` and `{app}/reindex`.
    Reindexing,
    /// `GET /state/v1/health`.
    Health,
    /// `GET /ApplicationStatus`.
    ApplicationStatus,
}

/// An error answer to inject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// HTTP status.
    pub status: u16,
    /// `error-code`.
    pub error_code: String,
    /// `message`.
    pub message: String,
    /// Handle the request first (its effects happen), then answer the fault — a lost answer.
    pub after_handling: bool,
    /// For [`Route::PrepareAndActivate`]: prepare succeeds, activation fails with `message`.
    /// [`Profile::Newer`] answers 200 with `activated: false` and `prepared, but activation
    /// failed: …` (Vespa's partial success since 2024); [`Profile::Older`] answers the error.
    pub activation_failure: bool,
}

impl Fault {
    /// Any status / code / message.
    pub fn new(status: u16, error_code: &str, message: &str) -> Fault {
        Fault {
            status,
            error_code: error_code.to_owned(),
            message: message.to_owned(),
            after_handling: false,
            activation_failure: false,
        }
    }

    /// 409 `ACTIVATION_CONFLICT`.
    pub fn activation_conflict() -> Fault {
        Fault::new(
            409,
            "ACTIVATION_CONFLICT",
            "Cannot activate session: the active session changed since this session was created (injected)",
        )
    }

    /// 500 `INTERNAL_SERVER_ERROR`.
    pub fn internal_server_error() -> Fault {
        Fault::new(500, "INTERNAL_SERVER_ERROR", "Unexpected error (injected)")
    }

    /// 503 (`SERVICE_UNAVAILABLE`; Vespa's config server has no such code, its container does).
    pub fn service_unavailable() -> Fault {
        Fault::new(503, "SERVICE_UNAVAILABLE", "Service unavailable (injected)")
    }

    /// 409 `APPLICATION_LOCK_FAILURE`.
    pub fn application_lock_failure() -> Fault {
        Fault::new(
            409,
            "APPLICATION_LOCK_FAILURE",
            "Timed out waiting for the application lock (injected)",
        )
    }

    /// A failed activation after a good prepare (`ApplicationLockException`: 409
    /// `APPLICATION_LOCK_FAILURE` when answered as an error). See [`Fault::activation_failure`].
    pub fn activation_failed() -> Fault {
        let mut fault = Fault::application_lock_failure();
        fault.activation_failure = true;
        fault
    }

    /// The request takes effect, then the fault is answered.
    pub fn after_handling(mut self) -> Fault {
        self.after_handling = true;
        self
    }
}

/// A request the double answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path.
    pub path: String,
    /// The raw query string (`dryRun=true`), empty when none.
    pub query: String,
    /// The status answered.
    pub status: u16,
}

#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) state: Mutex<state::State>,
    pub(crate) clock: clock::Clock,
    pub(crate) addr: SocketAddr,
    /// `http` or `https`.
    pub(crate) scheme: &'static str,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, state::State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A running double. Dropping it stops the server.
#[derive(Debug)]
pub struct Double {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The bound address.
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

/// Starts a double on `127.0.0.1` and an ephemeral port.
pub async fn start(options: Options) -> std::io::Result<Double> {
    start_on(SocketAddr::from(([127, 0, 0, 1], 0)), options).await
}

/// Starts a double on `addr`.
pub async fn start_on(addr: SocketAddr, options: Options) -> std::io::Result<Double> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let clock = clock::Clock::default();
    let scheme = if options.tls.is_some() {
        "https"
    } else {
        "http"
    };
    let shared = Arc::new(Shared {
        state: Mutex::new(state::State::new(&options, clock.clone())),
        clock,
        addr,
        scheme,
    });
    let (tx, rx) = oneshot::channel::<()>();
    let router = http::router(shared.clone());
    let task = match &options.tls {
        None => tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        }),
        Some(tls) => {
            let acceptor = tls::acceptor(tls)?;
            tokio::spawn(tls::serve(listener, acceptor, router, rx))
        }
    };
    Ok(Double {
        url: format!("{scheme}://{addr}"),
        addr,
        shared,
        shutdown: Some(tx),
        task: Some(task),
    })
}

impl Double {
    /// The URL of an application (`{url}/application/v2/tenant/default/application/APP/…`).
    pub fn app_url(&self, application: &str) -> String {
        let state = self.shared.lock();
        state.app_url(
            &self.url,
            &state::AppId::new("default", application, "default"),
        )
    }

    /// The double's clock, in milliseconds since the epoch (UTC).
    pub fn now_millis(&self) -> Millis {
        self.shared.clock.now()
    }

    /// Freezes the clock at an instant.
    pub fn set_time_millis(&self, at: Millis) {
        self.shared.clock.set(at);
    }

    /// Freezes the clock at `date` (`yyyy-mm-dd`) plus `hour` hours, UTC. Panics on a bad date.
    pub fn set_date(&self, date: &str, hour: u32) {
        let start =
            clock::parse_date(date).unwrap_or_else(|| panic!("not a yyyy-mm-dd date: {date}"));
        self.shared
            .clock
            .set(start + Millis::from(hour) * 3_600_000);
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        self.shared.clock.advance(by);
    }

    /// Back to the system clock.
    pub fn use_system_clock(&self) {
        self.shared.clock.use_system();
    }

    /// The next `times` requests of `route` answer `fault`.
    pub fn inject(&self, route: Route, fault: Fault, times: u32) {
        if times > 0 {
            self.shared.lock().faults.push(state::PendingFault {
                route,
                fault,
                remaining: times,
            });
        }
    }

    /// Drops pending faults.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// Sets the convergence lag for later activations.
    pub fn set_convergence_lag(&self, polls: u32) {
        self.shared.lock().convergence_lag = polls;
    }

    /// Makes every application converge now.
    pub fn converge_now(&self) {
        let mut state = self.shared.lock();
        let ids: Vec<state::AppId> = state.apps.keys().cloned().collect();
        for id in ids {
            if let Some(app) = state.apps.get_mut(&id) {
                app.polls_left = 0;
            }
            state.poll_convergence(&id);
        }
    }

    /// The active session of application `default` (or `application`), if any.
    pub fn active_session(&self, application: &str) -> Option<u64> {
        self.shared
            .lock()
            .apps
            .get(&state::AppId::new("default", application, "default"))
            .map(|a| a.active)
    }

    /// The generation of an application, if it is active.
    pub fn generation(&self, application: &str) -> Option<u64> {
        self.shared
            .lock()
            .apps
            .get(&state::AppId::new("default", application, "default"))
            .map(|a| a.generation)
    }

    /// The files of an application's active package (`.applicationMetaData` included).
    pub fn active_files(&self, application: &str) -> Option<BTreeMap<String, Vec<u8>>> {
        let state = self.shared.lock();
        let active = state
            .apps
            .get(&state::AppId::new("default", application, "default"))?
            .active;
        state.sessions.get(&active).map(|s| s.package.files.clone())
    }

    /// One file of an application's active package, as text.
    pub fn active_file(&self, application: &str, path: &str) -> Option<String> {
        self.active_files(application)?
            .get(path)
            .map(|d| String::from_utf8_lossy(d).into_owned())
    }

    /// A session's status (`None` once expired or deleted).
    pub fn session_status(&self, id: u64) -> Option<SessionStatus> {
        let mut state = self.shared.lock();
        state.expire_sessions();
        state.sessions.get(&id).map(|s| s.status)
    }

    /// Every request answered so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// Deploys files without HTTP (create, prepare, activate): an application already running
    /// before a test starts. Answers the session id, or the error message.
    pub fn seed<N: AsRef<str>, B: AsRef<[u8]>>(&self, files: &[(N, B)]) -> Result<u64, String> {
        let zip = package::zip_files(files);
        let mut state = self.shared.lock();
        state
            .deploy(
                &self.url,
                "default",
                &zip,
                package::CONTENT_TYPE_ZIP,
                &state::PrepareParams::default(),
                None,
            )
            .map(|v| {
                v["session-id"]
                    .as_str()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0)
            })
            .map_err(|e| format!("{} {}: {}", e.status, e.code, e.message))
    }

    /// Stops the server and waits for it.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Double {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
