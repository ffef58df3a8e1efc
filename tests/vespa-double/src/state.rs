//! The config server's state and operations: tenants (only `default`), sessions and their
//! lifecycle, active applications, convergence, reindexing. Pure request → answer logic; the
//! HTTP layer (`http.rs`) only routes and renders.

use std::collections::{BTreeMap, BTreeSet};

use md5::{Digest, Md5};
use serde_json::{Value, json};

use crate::changes::{self, Grouped};
use crate::clock::{Clock, Millis};
use crate::error::{ApiError, ApiResult};
use crate::model::AppModel;
use crate::overrides::{self, Overrides};
use crate::package::{self, Package};
use crate::{Environment, Fault, Options, Profile, RecordedRequest, Route, SessionStatus};

/// Sessions that are not active expire this long after creation.
pub(crate) const SESSION_LIFETIME: Millis = 3_600_000;

/// Tenant / application / instance.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct AppId {
    pub(crate) tenant: String,
    pub(crate) application: String,
    pub(crate) instance: String,
}

impl AppId {
    pub(crate) fn new(tenant: &str, application: &str, instance: &str) -> AppId {
        AppId {
            tenant: tenant.to_owned(),
            application: application.to_owned(),
            instance: instance.to_owned(),
        }
    }

    pub(crate) fn default_for(tenant: &str) -> AppId {
        AppId::new(tenant, "default", "default")
    }

    /// `tenant:application:instance`.
    pub(crate) fn serialized(&self) -> String {
        format!("{}:{}:{}", self.tenant, self.application, self.instance)
    }

    /// `tenant.application[.instance]` (Vespa's `ApplicationId.toString()`).
    pub(crate) fn short(&self) -> String {
        if self.instance == "default" {
            format!("{}.{}", self.tenant, self.application)
        } else {
            format!("{}.{}.{}", self.tenant, self.application, self.instance)
        }
    }

    /// The path of the application's resource for a zone.
    pub(crate) fn path(&self, environment: &str, region: &str) -> String {
        format!(
            "/application/v2/tenant/{}/application/{}/environment/{environment}/region/{region}/instance/{}",
            self.tenant, self.application, self.instance
        )
    }
}

/// A deploy-log entry.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LogEntry {
    pub(crate) time: Millis,
    pub(crate) level: &'static str,
    pub(crate) message: String,
    pub(crate) application_package: bool,
}

impl LogEntry {
    fn json(&self) -> Value {
        let mut v = json!({ "time": self.time, "level": self.level, "message": self.message });
        if self.application_package {
            v["applicationPackage"] = Value::Bool(true);
        }
        v
    }
}

pub(crate) fn log_json(log: &[LogEntry]) -> Value {
    Value::Array(log.iter().map(LogEntry::json).collect())
}

/// Deploy parameters (query or multipart `prepareParams`).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct PrepareParams {
    pub(crate) application_name: Option<String>,
    pub(crate) instance: Option<String>,
    pub(crate) dry_run: bool,
    pub(crate) force: bool,
    pub(crate) verbose: bool,
}

/// The built model, stored on a prepared session.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub(crate) model: AppModel,
}

#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub(crate) id: u64,
    pub(crate) app: AppId,
    pub(crate) status: SessionStatus,
    pub(crate) package: Package,
    /// Status of files written or deleted through the content API (`new`, `changed`,
    /// `deleted`).
    pub(crate) file_status: BTreeMap<String, &'static str>,
    pub(crate) created_at: Millis,
    /// The application's active session when this one was created (0: none).
    pub(crate) active_at_create: u64,
    pub(crate) prepared: Option<Prepared>,
}

impl Session {
    /// MD5 over the package's files (dot-files excluded), as a hex string.
    fn checksum(&self) -> String {
        let mut md5 = Md5::new();
        for (path, data) in &self.package.files {
            if path.split('/').any(|p| p.starts_with('.')) {
                continue;
            }
            md5.update(path.as_bytes());
            md5.update([0]);
            md5.update(data);
        }
        hex(&md5.finalize())
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn md5_hex(data: &[u8]) -> String {
    hex(&Md5::digest(data))
}

/// Reindexing status of one document type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ReadyStatus {
    pub(crate) ready: Millis,
    pub(crate) speed: f64,
    pub(crate) cause: String,
    pub(crate) started: Option<Millis>,
    pub(crate) ended: Option<Millis>,
}

#[derive(Debug, Clone)]
pub(crate) struct App {
    pub(crate) id: AppId,
    pub(crate) active: u64,
    pub(crate) generation: u64,
    pub(crate) previous_generation: u64,
    pub(crate) activated_at: Millis,
    /// The generation services report (lags `generation` while converging).
    pub(crate) current_generation: u64,
    /// Polls left before services report `generation`.
    pub(crate) polls_left: u32,
    pub(crate) reindexing_enabled: bool,
    pub(crate) reindexing: BTreeMap<(String, String), ReadyStatus>,
}

impl App {
    fn converged(&self) -> bool {
        self.current_generation == self.generation
    }
}

/// A fault waiting for matching requests.
#[derive(Debug, Clone)]
pub(crate) struct PendingFault {
    pub(crate) route: Route,
    pub(crate) fault: Fault,
    pub(crate) remaining: u32,
}

/// What a successful request answers.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Reply {
    Json(u16, Value),
    Bytes(Vec<u8>),
}

impl Reply {
    pub(crate) fn ok(v: Value) -> Reply {
        Reply::Json(200, v)
    }
}

pub(crate) fn message(text: impl Into<String>) -> Reply {
    Reply::ok(json!({ "message": text.into() }))
}

/// The whole config server.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) environment: Environment,
    pub(crate) profile: Profile,
    pub(crate) convergence_lag: u32,
    pub(crate) reject_unknown_extensions: bool,
    pub(crate) hostname: String,
    pub(crate) vespa_version: String,
    pub(crate) region: String,
    pub(crate) clock: Clock,
    pub(crate) next_session_id: u64,
    pub(crate) sessions: BTreeMap<u64, Session>,
    pub(crate) apps: BTreeMap<AppId, App>,
    pub(crate) faults: Vec<PendingFault>,
    pub(crate) requests: Vec<RecordedRequest>,
}

impl State {
    pub(crate) fn new(options: &Options, clock: Clock) -> State {
        State {
            environment: options.environment,
            profile: options.profile,
            convergence_lag: options.convergence_lag,
            reject_unknown_extensions: options.reject_unknown_extensions,
            hostname: options.hostname.clone(),
            vespa_version: options.vespa_version.clone().unwrap_or_else(|| {
                match options.profile {
                    Profile::Newer => "8.620.35",
                    Profile::Older => "8.310.12",
                }
                .to_owned()
            }),
            region: "default".to_owned(),
            clock,
            next_session_id: options.first_session_id.max(1),
            sessions: BTreeMap::new(),
            apps: BTreeMap::new(),
            faults: Vec::new(),
            requests: Vec::new(),
        }
    }

    pub(crate) fn now(&self) -> Millis {
        self.clock.now()
    }

    fn newer(&self) -> bool {
        self.profile == Profile::Newer
    }

    pub(crate) fn environment_name(&self) -> &'static str {
        match self.environment {
            Environment::Prod => "prod",
            Environment::Dev => "dev",
        }
    }

    /// `http://host:port` + the application's path.
    pub(crate) fn app_url(&self, base: &str, app: &AppId) -> String {
        format!("{base}{}", app.path(self.environment_name(), &self.region))
    }

    /// Drops sessions that are not active and older than an hour.
    pub(crate) fn expire_sessions(&mut self) {
        let now = self.now();
        self.sessions.retain(|_, s| {
            s.status == SessionStatus::Activate || now < s.created_at + SESSION_LIFETIME
        });
    }

    pub(crate) fn check_tenant(&self, tenant: &str) -> ApiResult<()> {
        if tenant == "default" {
            Ok(())
        } else {
            Err(ApiError::not_found(format!(
                "Tenant '{tenant}' was not found."
            )))
        }
    }

    fn session(&self, tenant: &str, id: u64) -> ApiResult<&Session> {
        self.sessions
            .get(&id)
            .filter(|s| s.app.tenant == tenant)
            .ok_or_else(|| ApiError::not_found(format!("Session {id} was not found")))
    }

    fn session_mut(&mut self, tenant: &str, id: u64) -> ApiResult<&mut Session> {
        self.sessions
            .get_mut(&id)
            .filter(|s| s.app.tenant == tenant)
            .ok_or_else(|| ApiError::not_found(format!("Session {id} was not found")))
    }

    /// The model of the application's active session.
    fn active_model(&self, app: &AppId) -> Option<&AppModel> {
        let active = self.apps.get(app)?.active;
        self.sessions
            .get(&active)?
            .prepared
            .as_ref()
            .map(|p| &p.model)
    }

    // ---------------------------------------------------------------------------------------
    // Sessions
    // ---------------------------------------------------------------------------------------

    /// Creates a session from an uploaded package.
    pub(crate) fn create_session(
        &mut self,
        tenant: &str,
        data: &[u8],
        content_type: &str,
        log: &mut Vec<LogEntry>,
    ) -> ApiResult<u64> {
        let mut package =
            package::decode(data, content_type).map_err(|e| ApiError::bad_request(e.0))?;
        package::move_search_definitions(&mut package);
        if let Err(message) = package::check_extensions(&package) {
            if self.reject_unknown_extensions {
                return Err(ApiError::invalid_application(message));
            }
            log.push(self.log_entry("WARNING", message, true));
        }
        Ok(self.add_session(AppId::default_for(tenant), package))
    }

    /// Creates a session holding a copy of the application's active package (`?from=`).
    pub(crate) fn create_session_from(&mut self, app: &AppId) -> ApiResult<u64> {
        let active = self.apps.get(app).map(|a| a.active).ok_or_else(|| {
            ApiError::not_found(format!("Unknown application id '{}'", app.serialized()))
        })?;
        let mut package = self
            .sessions
            .get(&active)
            .map(|s| s.package.clone())
            .ok_or_else(|| ApiError::not_found(format!("Session {active} was not found")))?;
        package.files.remove(".applicationMetaData");
        Ok(self.add_session(app.clone(), package))
    }

    fn add_session(&mut self, app: AppId, package: Package) -> u64 {
        let id = self.next_session_id;
        self.next_session_id += 1;
        let active_at_create = self.apps.get(&app).map_or(0, |a| a.active);
        let mut session = Session {
            id,
            app,
            status: SessionStatus::New,
            package,
            file_status: BTreeMap::new(),
            created_at: self.now(),
            active_at_create,
            prepared: None,
        };
        self.write_metadata(&mut session);
        self.sessions.insert(id, session);
        id
    }

    fn write_metadata(&self, session: &mut Session) {
        let meta = self.metadata(session);
        session.package.files.insert(
            ".applicationMetaData".to_owned(),
            meta.to_string().into_bytes(),
        );
    }

    /// The session's `.applicationMetaData` (also the base of the activate answer).
    fn metadata(&self, session: &Session) -> Value {
        json!({
            "deploy": {
                "user": "unknown",
                "from": "unknown",
                "timestamp": session.created_at,
                "internalRedeploy": false,
            },
            "application": {
                "id": session.app.serialized(),
                "name": session.app.application,
                "checksum": session.checksum(),
                "generation": session.id,
                "previousActiveGeneration": session.active_at_create,
            },
        })
    }

    pub(crate) fn create_response(
        &self,
        base: &str,
        tenant: &str,
        id: u64,
        log: &[LogEntry],
    ) -> Value {
        let path = format!("{base}/application/v2/tenant/{tenant}/session/{id}");
        json!({
            "log": log_json(log),
            "tenant": tenant,
            "session-id": id.to_string(),
            "prepared": format!("{path}/prepared"),
            "content": format!("{path}/content/"),
            "message": format!("Session {id} for tenant '{tenant}' created."),
        })
    }

    fn log_entry(
        &self,
        level: &'static str,
        message: String,
        application_package: bool,
    ) -> LogEntry {
        LogEntry {
            time: self.now(),
            level,
            message,
            application_package,
        }
    }

    // ---------------------------------------------------------------------------------------
    // Prepare
    // ---------------------------------------------------------------------------------------

    /// Builds the session's model, validates it against the active one and records the result
    /// (unless `dry_run`). Answers the change actions.
    pub(crate) fn prepare(
        &mut self,
        tenant: &str,
        id: u64,
        params: &PrepareParams,
        log: &mut Vec<LogEntry>,
    ) -> ApiResult<Grouped> {
        let now = self.now();
        let session = self.session(tenant, id)?;
        if session.status == SessionStatus::Activate {
            return Err(ApiError::bad_request(format!("Session is active: {id}")));
        }
        let app = AppId::new(
            tenant,
            params
                .application_name
                .as_deref()
                .unwrap_or(&session.app.application),
            params.instance.as_deref().unwrap_or(&session.app.instance),
        );
        let files = &session.package.files;
        let built = crate::adapter::build(files, &self.hostname)
            .map_err(|e| ApiError::invalid_application(format!("Invalid application: {e}")))?;
        for warning in built.warnings {
            log.push(self.log_entry("WARNING", warning, true));
        }
        let overrides = match files.get("validation-overrides.xml") {
            Some(xml) => Overrides::parse(&String::from_utf8_lossy(xml))
                .map_err(|e| ApiError::invalid_application(format!("Invalid application: {e}")))?,
            None => Overrides::default(),
        };
        let errors = overrides.too_far(now);
        let validation = match self.active_model(&app) {
            Some(previous) => {
                changes::validate(previous, &built.model, &overrides, now, self.profile)
            }
            None => changes::Validation::default(), // first deployment: no change validators
        };
        let mut disallowed = validation.disallowed(&overrides, now);
        if !disallowed.is_empty() && self.environment == Environment::Dev {
            let text = overrides::failure_message(&disallowed, self.newer());
            log.push(self.log_entry(
                "WARNING",
                format!(
                    "Auto-overriding validation which would be disallowed in production: {text}"
                ),
                true,
            ));
            disallowed.clear();
        }
        if !errors.is_empty() || !disallowed.is_empty() {
            let mut text = match &errors[..] {
                [] => String::new(),
                [one] => one.clone(),
                many => format!("multiple errors:\n\t{}", many.join("\n\t")),
            };
            if !disallowed.is_empty() {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(&overrides::failure_message(&disallowed, self.newer()));
            }
            return Err(ApiError::invalid_application(format!(
                "Invalid application: {text}"
            )));
        }
        let grouped = changes::group(&validation.actions);
        for (i, text) in grouped.log_messages().into_iter().enumerate() {
            // the re-feed lines are logged as application-package messages
            let refeed = text.contains("re-feed");
            let _ = i;
            log.push(self.log_entry("WARNING", text, refeed));
        }
        if !params.dry_run {
            let session = self.session_mut(tenant, id)?;
            session.app = app;
            session.status = SessionStatus::Prepare;
            session.prepared = Some(Prepared { model: built.model });
        }
        Ok(grouped)
    }

    pub(crate) fn prepare_response(
        &self,
        base: &str,
        tenant: &str,
        id: u64,
        log: &[LogEntry],
        grouped: &Grouped,
    ) -> Value {
        json!({
            "log": log_json(log),
            "tenant": tenant,
            "session-id": id.to_string(),
            "activate": format!("{base}/application/v2/tenant/{tenant}/session/{id}/active"),
            "message": format!("Session {id} for tenant '{tenant}' prepared."),
            "configChangeActions": grouped.to_json(),
        })
    }

    /// `GET …/session/{id}/prepared`.
    pub(crate) fn get_prepared(&self, base: &str, tenant: &str, id: u64) -> ApiResult<Value> {
        let session = self.session(tenant, id)?;
        if session.status == SessionStatus::Activate {
            return Err(ApiError::bad_request(format!("Session is active: {id}")));
        }
        if session.status != SessionStatus::Prepare {
            return Err(ApiError::bad_request(format!("Session not prepared: {id}")));
        }
        // the re-read answer carries no log and no actions
        Ok(self.prepare_response(base, tenant, id, &[], &Grouped::default()))
    }

    // ---------------------------------------------------------------------------------------
    // Activate
    // ---------------------------------------------------------------------------------------

    /// Activates a prepared session.
    pub(crate) fn activate(&mut self, tenant: &str, id: u64, force: bool) -> ApiResult<AppId> {
        let session = self.session(tenant, id)?;
        let app_id = session.app.clone();
        match session.status {
            SessionStatus::New => {
                return Err(ApiError::bad_request(format!(
                    "{}: Session {id} is not prepared",
                    app_id.short()
                )));
            }
            SessionStatus::Activate => return Ok(app_id),
            SessionStatus::Prepare | SessionStatus::Deactivate => {}
        }
        let active_at_create = session.active_at_create;
        if let Some(app) = self.apps.get(&app_id) {
            let active = app.active;
            if active_at_create != 0 && active > active_at_create && active != id {
                let text = format!(
                    "{}: This session {id} was prepared when session {active_at_create} was active, but session {active} has since become active:",
                    app_id.short()
                );
                if !force {
                    return Err(ApiError::activation_conflict(format!(
                        "{text} refusing to activate this session, please redeploy"
                    )));
                }
            }
            if id < active {
                return Err(ApiError::activation_conflict(format!(
                    "Cannot activate session {id}, because it is older than current active session ({active}), please try deploying again from start"
                )));
            }
        }
        let now = self.now();
        let lag = self.convergence_lag;
        let previous = self
            .apps
            .get(&app_id)
            .map(|a| (a.active, a.generation, a.current_generation));
        if let Some((old, _, _)) = previous
            && let Some(s) = self.sessions.get_mut(&old)
        {
            s.status = SessionStatus::Deactivate;
        }
        if let Some(s) = self.sessions.get_mut(&id) {
            s.status = SessionStatus::Activate;
        }
        let app = self.apps.entry(app_id.clone()).or_insert_with(|| App {
            id: app_id.clone(),
            active: 0,
            generation: 0,
            previous_generation: 0,
            activated_at: now,
            current_generation: 0,
            polls_left: 0,
            reindexing_enabled: true,
            reindexing: BTreeMap::new(),
        });
        app.previous_generation = app.generation;
        app.active = id;
        app.generation = id;
        app.activated_at = now;
        app.polls_left = lag;
        if lag == 0 {
            app.current_generation = id;
        }
        // triggered reindexing starts with the next deployment
        for status in app.reindexing.values_mut() {
            if status.started.is_none() && status.ready <= now {
                status.started = Some(now);
            }
        }
        if app.converged() {
            finish_reindexing(app, now);
        }
        Ok(app_id)
    }

    pub(crate) fn activate_response(
        &self,
        base: &str,
        tenant: &str,
        id: u64,
        app: &AppId,
    ) -> Value {
        let mut v = match self.sessions.get(&id) {
            Some(s) => self.metadata(s),
            None => json!({}),
        };
        v["tenant"] = json!(tenant);
        v["session-id"] = json!(id.to_string());
        v["message"] = json!(format!("Session {id} for tenant '{tenant}' activated."));
        v["url"] = json!(self.app_url(base, app));
        v
    }

    /// `POST …/prepareandactivate`: create, prepare and (unless dry run) activate.
    ///
    /// As in Vespa, `activated` is `false` only when activation failed after a good prepare
    /// (`activation_failure`, a [`Fault`] with [`Fault::activation_failure`]): a dry run answers
    /// `activated: true` and "prepared and activated". Older versions have no `activated`.
    pub(crate) fn deploy(
        &mut self,
        base: &str,
        tenant: &str,
        data: &[u8],
        content_type: &str,
        params: &PrepareParams,
        activation_failure: Option<&Fault>,
    ) -> ApiResult<Value> {
        let mut log = Vec::new();
        let id = self.create_session(tenant, data, content_type, &mut log)?;
        let grouped = self.prepare(tenant, id, params, &mut log)?;
        let app = AppId::new(
            tenant,
            params.application_name.as_deref().unwrap_or("default"),
            params.instance.as_deref().unwrap_or("default"),
        );
        let mut failure = None;
        if !params.dry_run {
            match activation_failure {
                Some(fault) if self.newer() => failure = Some(fault.message.clone()),
                Some(fault) => {
                    return Err(ApiError::new(
                        fault.status,
                        &fault.error_code,
                        fault.message.clone(),
                    ));
                }
                None => {
                    self.activate(tenant, id, params.force)?;
                }
            }
        }
        let message = match &failure {
            None => format!("Session {id} for tenant '{tenant}' prepared and activated."),
            Some(why) => {
                format!("Session {id} for tenant '{tenant}' prepared, but activation failed: {why}")
            }
        };
        let mut v = json!({
            "log": log_json(&log),
            "message": message,
            "session-id": id.to_string(),
            "tenant": tenant,
            "url": self.app_url(base, &app),
            "configChangeActions": grouped.to_json(),
        });
        if self.newer() {
            v["activated"] = Value::Bool(failure.is_none());
        }
        Ok(v)
    }

    // ---------------------------------------------------------------------------------------
    // Content
    // ---------------------------------------------------------------------------------------

    /// Reads a file or lists a directory of a session (`return=content|status`).
    pub(crate) fn read_content(
        &self,
        id: u64,
        url_base: &str,
        path: &str,
        recursive: bool,
        return_type: Option<&str>,
    ) -> ApiResult<Reply> {
        let session = self
            .sessions
            .get(&id)
            .ok_or_else(|| ApiError::not_found(format!("Session {id} was not found")))?;
        let status = match return_type {
            None | Some("content") => false,
            Some("status") => true,
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "return={other} is an illegal argument. Only CONTENT and STATUS are allowed"
                )));
            }
        };
        let clean = path.trim_matches('/');
        let dirs = session.package.all_dirs();
        let is_dir = clean.is_empty() || dirs.contains(clean);
        let file_meta = |p: &str| -> Value {
            let data = session.package.files.get(p);
            let status = session.file_status.get(p).copied().unwrap_or("new");
            json!({
                "status": status,
                "md5": data.map(|d| md5_hex(d)).unwrap_or_default(),
                "name": format!("{url_base}{p}"),
            })
        };
        if !is_dir {
            if let Some(data) = session.package.files.get(clean) {
                return Ok(if status {
                    Reply::ok(file_meta(clean))
                } else {
                    Reply::Bytes(data.clone())
                });
            }
            if status && session.file_status.get(clean) == Some(&"deleted") {
                return Ok(Reply::ok(
                    json!({ "status": "deleted", "md5": "", "name": format!("{url_base}{clean}") }),
                ));
            }
            return Err(ApiError::not_found(format!(
                "Session {id} does not contain a file at {path}"
            )));
        }
        let listing = list(&session.package, &dirs, clean, recursive);
        Ok(Reply::ok(Value::Array(
            listing
                .into_iter()
                .map(|(p, dir)| {
                    if status {
                        if dir {
                            json!({ "status": "new", "md5": "", "name": format!("{url_base}{p}") })
                        } else {
                            file_meta(&p)
                        }
                    } else {
                        Value::String(format!("{url_base}{p}{}", if dir { "/" } else { "" }))
                    }
                })
                .collect(),
        )))
    }

    /// Writes a file (or makes a directory, for a path ending in `/`) in a session.
    pub(crate) fn write_content(
        &mut self,
        tenant: &str,
        id: u64,
        path: &str,
        body: &[u8],
    ) -> ApiResult<()> {
        let session = self.session_mut(tenant, id)?;
        check_editable(session)?;
        let clean = path.trim_matches('/').to_owned();
        if clean.is_empty() {
            return Err(ApiError::bad_request(
                "Cannot write to the application root",
            ));
        }
        if path.ends_with('/') {
            session.package.dirs.insert(clean);
        } else {
            let status = if session.package.files.contains_key(&clean) {
                "changed"
            } else {
                "new"
            };
            session.package.files.insert(clean.clone(), body.to_vec());
            session.file_status.insert(clean, status);
        }
        session.status = SessionStatus::New;
        session.prepared = None;
        Ok(())
    }

    /// Deletes a file or an empty directory of a session.
    pub(crate) fn delete_content(&mut self, tenant: &str, id: u64, path: &str) -> ApiResult<()> {
        let session = self.session_mut(tenant, id)?;
        check_editable(session)?;
        let clean = path.trim_matches('/').to_owned();
        let dirs = session.package.all_dirs();
        if session.package.files.remove(&clean).is_some() {
            session.file_status.insert(clean, "deleted");
        } else if dirs.contains(&clean) {
            let prefix = format!("{clean}/");
            let non_empty = session
                .package
                .files
                .keys()
                .chain(session.package.dirs.iter())
                .any(|p| p.starts_with(&prefix));
            if non_empty {
                return Err(ApiError::bad_request(format!(
                    "File '{clean}' is not an empty directory"
                )));
            }
            session.package.dirs.remove(&clean);
        } else {
            return Err(ApiError::not_found(format!(
                "Session {id} does not contain a file at {path}"
            )));
        }
        session.status = SessionStatus::New;
        session.prepared = None;
        Ok(())
    }

    // ---------------------------------------------------------------------------------------
    // Applications
    // ---------------------------------------------------------------------------------------

    pub(crate) fn app(&self, app: &AppId) -> ApiResult<&App> {
        self.apps.get(app).ok_or_else(|| {
            ApiError::not_found(format!("Unknown application id '{}'", app.serialized()))
        })
    }

    pub(crate) fn list_apps(&self, base: &str, tenant: &str) -> Value {
        Value::Array(
            self.apps
                .keys()
                .filter(|a| a.tenant == tenant)
                .map(|a| Value::String(self.app_url(base, a)))
                .collect(),
        )
    }

    pub(crate) fn app_info(&self, app: &AppId) -> ApiResult<Value> {
        let a = self.app(app)?;
        let checksum = self
            .sessions
            .get(&a.active)
            .map(Session::checksum)
            .unwrap_or_default();
        Ok(json!({
            "generation": a.generation,
            "applicationPackageFileReference": checksum,
            "modelVersions": [self.vespa_version],
        }))
    }

    pub(crate) fn delete_app(&mut self, app: &AppId) -> ApiResult<Reply> {
        let Some(removed) = self.apps.remove(app) else {
            return Err(ApiError::not_found(format!(
                "Unable to delete {}: Not found",
                app.serialized()
            )));
        };
        self.sessions.retain(|_, s| s.app != removed.id);
        Ok(message(format!("Application '{}' deleted", app.short())))
    }

    /// One poll of convergence: services step towards the wanted generation.
    pub(crate) fn poll_convergence(&mut self, app: &AppId) {
        let now = self.now();
        if let Some(a) = self.apps.get_mut(app) {
            if a.polls_left > 0 {
                a.polls_left -= 1;
            } else if !a.converged() {
                a.current_generation = a.generation;
                finish_reindexing(a, now);
            }
        }
    }

    pub(crate) fn service_converge(
        &mut self,
        base: &str,
        app: &AppId,
        uri: &str,
    ) -> ApiResult<Value> {
        self.app(app)?;
        self.poll_convergence(app);
        let a = self.app(app)?;
        let model = self.active_model(app);
        let services: Vec<Value> = model
            .map(AppModel::services)
            .unwrap_or_default()
            .into_iter()
            .map(|s| {
                json!({
                    "clusterName": s.cluster,
                    "host": s.host,
                    "port": s.port,
                    "type": s.kind,
                    "url": format!("{uri}/{}:{}", s.host, s.port),
                    "currentGeneration": a.current_generation,
                })
            })
            .collect();
        let _ = base;
        Ok(json!({
            "services": services,
            "url": uri,
            "currentGeneration": a.current_generation,
            "wantedGeneration": a.generation,
            "converged": a.converged(),
        }))
    }

    pub(crate) fn service_converge_one(
        &mut self,
        app: &AppId,
        host_port: &str,
        uri: &str,
    ) -> ApiResult<Reply> {
        self.app(app)?;
        self.poll_convergence(app);
        let a = self.app(app)?;
        let known = self.active_model(app).is_some_and(|m| {
            m.services()
                .iter()
                .any(|s| format!("{}:{}", s.host, s.port) == host_port)
        });
        if !known {
            return Ok(Reply::Json(
                410,
                json!({
                    "url": uri,
                    "host": host_port,
                    "wantedGeneration": a.generation,
                    "problem": "Host:port (service) no longer part of application, refetch list of services.",
                }),
            ));
        }
        Ok(Reply::ok(json!({
            "url": uri,
            "host": host_port,
            "wantedGeneration": a.generation,
            "converged": a.converged(),
            "currentGeneration": a.current_generation,
        })))
    }

    /// `ApplicationStatus`: 200 once an application is active and converged.
    pub(crate) fn application_status(&mut self) -> Reply {
        let Some(app) = self
            .apps
            .values()
            .max_by_key(|a| a.activated_at)
            .map(|a| a.id.clone())
        else {
            return Reply::Json(
                503,
                json!({ "error-code": "SERVICE_UNAVAILABLE", "message": "No application is active" }),
            );
        };
        self.poll_convergence(&app);
        let Some(a) = self.apps.get(&app) else {
            return Reply::Json(503, json!({}));
        };
        if !a.converged() {
            return Reply::Json(
                503,
                json!({
                    "error-code": "SERVICE_UNAVAILABLE",
                    "message": format!("Container is at generation {}, waiting for {}", a.current_generation, a.generation),
                }),
            );
        }
        let checksum = self
            .sessions
            .get(&a.active)
            .map(Session::checksum)
            .unwrap_or_default();
        Reply::ok(json!({
            "application": {
                "vespa": { "version": self.vespa_version },
                "meta": {
                    "name": a.id.application,
                    "user": "unknown",
                    "path": format!("/opt/vespa/var/db/vespa/config_server/serverdb/tenants/{}/sessions/{}", a.id.tenant, a.active),
                    "generation": a.generation,
                    "timestamp": a.activated_at,
                    "date": crate::clock::format_instant(a.activated_at),
                    "checksum": checksum,
                },
                "user": { "version": "" },
            },
            "abstractComponents": [],
            "handlers": [],
            "clients": [],
            "servers": [],
            "httpRequestFilters": [],
            "httpResponseFilters": [],
            "searchChains": {},
            "docprocChains": {},
        }))
    }

    pub(crate) fn health(&self) -> Value {
        let now = self.now();
        json!({
            "time": now,
            "status": { "code": "up" },
            "metrics": { "snapshot": { "from": (now / 1000) as f64 - 60.0, "to": (now / 1000) as f64 }, "values": [] },
        })
    }

    // ---------------------------------------------------------------------------------------
    // Reindexing
    // ---------------------------------------------------------------------------------------

    pub(crate) fn reindexing_status(&self, app: &AppId) -> ApiResult<Value> {
        let model = self.active_model(app).ok_or_else(|| {
            ApiError::not_found(format!("Application '{}' not found", app.short()))
        })?;
        let a = self.app(app)?;
        let mut clusters = serde_json::Map::new();
        for (cluster, types) in model.document_types_by_cluster() {
            let mut ready = serde_json::Map::new();
            for t in types {
                let mut status = serde_json::Map::new();
                if let Some(r) = a.reindexing.get(&(cluster.clone(), t.clone())) {
                    status.insert("readyMillis".into(), json!(r.ready));
                    status.insert("speed".into(), json!(r.speed));
                    status.insert("cause".into(), json!(r.cause));
                    let mut state = "pending";
                    if let Some(started) = r.started {
                        status.insert("startedMillis".into(), json!(started));
                        state = "running";
                        status.insert("progress".into(), json!(0.0));
                        if let Some(ended) = r.ended {
                            status.insert("endedMillis".into(), json!(ended));
                            status.insert("progress".into(), json!(1.0));
                            state = "successful";
                        }
                    }
                    status.insert("state".into(), json!(state));
                }
                ready.insert(t, Value::Object(status));
            }
            clusters.insert(cluster, json!({ "pending": {}, "ready": ready }));
        }
        Ok(json!({ "enabled": a.reindexing_enabled, "clusters": clusters }))
    }

    pub(crate) fn set_reindexing_enabled(
        &mut self,
        app: &AppId,
        enabled: bool,
    ) -> ApiResult<Reply> {
        let a = self.apps.get_mut(app).ok_or_else(|| {
            ApiError::not_found(format!("Application '{}' not found", app.short()))
        })?;
        a.reindexing_enabled = enabled;
        Ok(message(if enabled {
            "Reindexing enabled"
        } else {
            "Reindexing disabled"
        }))
    }

    /// The (cluster, type) pairs a reindex request names, validated against the active model.
    fn reindex_targets(
        &self,
        app: &AppId,
        clusters: &[String],
        types: &[String],
        indexed_only: bool,
    ) -> ApiResult<BTreeMap<String, BTreeSet<String>>> {
        let model = self.active_model(app).ok_or_else(|| {
            ApiError::not_found(format!("Application '{}' not found", app.short()))
        })?;
        let by_cluster = model.document_types_by_cluster();
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let chosen: Vec<String> = if clusters.is_empty() {
            by_cluster.keys().cloned().collect()
        } else {
            clusters.to_vec()
        };
        for cluster in chosen {
            let Some(in_cluster) = by_cluster.get(&cluster) else {
                let known: Vec<&str> = by_cluster.keys().map(String::as_str).collect();
                return Err(ApiError::bad_request(format!(
                    "No content cluster '{cluster}' in application — only: {}",
                    known.join(", ")
                )));
            };
            let wanted: Vec<String> = if types.is_empty() {
                in_cluster.clone()
            } else {
                types.to_vec()
            };
            for t in wanted {
                if !in_cluster.contains(&t) {
                    return Err(ApiError::bad_request(format!(
                        "No document type '{t}' in cluster '{cluster}' — only: {}",
                        in_cluster.join(", ")
                    )));
                }
                let indexed = model
                    .content_cluster(&cluster)
                    .and_then(|c| c.document(&t))
                    .is_some_and(|d| d.mode == crate::model::Mode::Index);
                if !indexed_only || indexed {
                    out.entry(cluster.clone()).or_default().insert(t);
                }
            }
        }
        Ok(out)
    }

    fn reindex_message(targets: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
        targets
            .iter()
            .filter(|(_, types)| !types.is_empty())
            .map(|(cluster, types)| {
                format!(
                    "[{}] in '{cluster}'",
                    types
                        .iter()
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
            .collect()
    }

    /// `POST {app}/reindex`.
    pub(crate) fn trigger_reindex(
        &mut self,
        app: &AppId,
        clusters: &[String],
        types: &[String],
        indexed_only: bool,
        speed: f64,
        cause: &str,
    ) -> ApiResult<Reply> {
        let targets = self.reindex_targets(app, clusters, types, indexed_only)?;
        let now = self.now();
        let a = self.apps.get_mut(app).ok_or_else(|| {
            ApiError::not_found(format!("Application '{}' not found", app.short()))
        })?;
        for (cluster, types) in &targets {
            for t in types {
                a.reindexing.insert(
                    (cluster.clone(), t.clone()),
                    ReadyStatus {
                        ready: now,
                        speed,
                        cause: cause.to_owned(),
                        started: None,
                        ended: None,
                    },
                );
            }
        }
        let parts = State::reindex_message(&targets);
        Ok(message(if parts.is_empty() {
            format!(
                "Not reindexing any document types of application {}",
                app.short()
            )
        } else {
            format!(
                "Reindexing document types {} of application {}",
                parts.join(", "),
                app.short()
            )
        }))
    }

    /// `PUT {app}/reindex?speed=`: changes the speed, then redeploys the active package.
    pub(crate) fn update_reindex_speed(
        &mut self,
        app: &AppId,
        clusters: &[String],
        types: &[String],
        indexed_only: bool,
        speed: Option<&str>,
    ) -> ApiResult<Reply> {
        let speed_text =
            speed.ok_or_else(|| ApiError::bad_request("request must specify 'speed' parameter"))?;
        let speed: f64 = speed_text
            .parse()
            .map_err(|_| ApiError::bad_request(format!("For input string: \"{speed_text}\"")))?;
        let targets = self.reindex_targets(app, clusters, types, indexed_only)?;
        if let Some(a) = self.apps.get_mut(app) {
            for (cluster, types) in &targets {
                for t in types {
                    if let Some(status) = a.reindexing.get_mut(&(cluster.clone(), t.clone())) {
                        status.speed = speed;
                    }
                }
            }
        }
        let parts = State::reindex_message(&targets);
        let text = if parts.is_empty() {
            format!(
                "Changed reindexing of no document types of application {}",
                app.short()
            )
        } else {
            format!(
                "Set reindexing speed to '{speed_text}' for document types {} of application {}",
                parts.join(", "),
                app.short()
            )
        };
        self.redeploy(app)?;
        Ok(message(text))
    }

    /// An internal redeployment of the active package (new session, new generation).
    pub(crate) fn redeploy(&mut self, app: &AppId) -> ApiResult<u64> {
        let id = self.create_session_from(app)?;
        let params = PrepareParams {
            application_name: Some(app.application.clone()),
            instance: Some(app.instance.clone()),
            ..PrepareParams::default()
        };
        self.prepare(&app.tenant, id, &params, &mut Vec::new())?;
        self.activate(&app.tenant, id, false)?;
        Ok(id)
    }

    // ---------------------------------------------------------------------------------------
    // Faults and the request log
    // ---------------------------------------------------------------------------------------

    /// The fault to answer `route` with, if one is pending (consumes one use).
    pub(crate) fn take_fault(&mut self, route: Option<Route>) -> Option<Fault> {
        let i = self
            .faults
            .iter()
            .position(|f| f.route == Route::Any || Some(f.route) == route)?;
        let fault = self.faults[i].fault.clone();
        self.faults[i].remaining -= 1;
        if self.faults[i].remaining == 0 {
            self.faults.remove(i);
        }
        Some(fault)
    }
}

fn finish_reindexing(app: &mut App, now: Millis) {
    for status in app.reindexing.values_mut() {
        if status.started.is_some() && status.ended.is_none() {
            status.ended = Some(now);
        }
    }
}

fn check_editable(session: &Session) -> ApiResult<()> {
    match session.status {
        SessionStatus::Activate | SessionStatus::Deactivate => Err(ApiError::bad_request(format!(
            "Session {} is {}: activated sessions cannot be modified, create a new session with ?from=",
            session.id,
            if session.status == SessionStatus::Activate {
                "active"
            } else {
                "deactivated"
            }
        ))),
        SessionStatus::New | SessionStatus::Prepare => Ok(()),
    }
}

/// The entries under `dir` (children, or all descendants), dot-files excluded, ordered the
/// way the config server orders them: by file name, stable over a depth-first walk.
fn list(
    package: &Package,
    dirs: &BTreeSet<String>,
    dir: &str,
    recursive: bool,
) -> Vec<(String, bool)> {
    fn children(package: &Package, dirs: &BTreeSet<String>, dir: &str) -> Vec<(String, bool)> {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let mut out: BTreeSet<(String, bool)> = BTreeSet::new();
        for p in package.files.keys() {
            if let Some(rest) = p.strip_prefix(&prefix)
                && !rest.contains('/')
            {
                out.insert((p.clone(), false));
            }
        }
        for d in dirs {
            if let Some(rest) = d.strip_prefix(&prefix)
                && !rest.is_empty()
                && !rest.contains('/')
            {
                out.insert((d.clone(), true));
            }
        }
        out.into_iter()
            .filter(|(p, _)| !p.rsplit('/').next().unwrap_or("").starts_with('.'))
            .collect()
    }
    fn walk(
        package: &Package,
        dirs: &BTreeSet<String>,
        dir: &str,
        recursive: bool,
        out: &mut Vec<(String, bool)>,
    ) {
        for (p, is_dir) in children(package, dirs, dir) {
            out.push((p.clone(), is_dir));
            if is_dir && recursive {
                walk(package, dirs, &p, recursive, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(package, dirs, dir, recursive, &mut out);
    let name = |p: &String| p.rsplit('/').next().unwrap_or("").to_owned();
    out.sort_by_key(|(p, _)| name(p));
    out
}
