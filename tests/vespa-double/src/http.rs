//! Routing and rendering: which handler a request reaches (Vespa binds handlers to path
//! patterns; a handler without the method answers 405, a path no handler serves answers 404
//! `Nothing at <path>`), parameters, faults, the request log.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State as AxumState};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::package::{CONTENT_TYPE_GZIP, CONTENT_TYPE_MULTIPART, CONTENT_TYPE_ZIP};
use crate::state::{self, AppId, PrepareParams, Reply, State};
use crate::{Fault, RecordedRequest, Route, Shared, multipart};

const MAX_BODY: usize = 512 * 1024 * 1024;

pub(crate) fn router(shared: Arc<Shared>) -> axum::Router {
    axum::Router::new().fallback(handle).with_state(shared)
}

/// A request, read whole.
#[derive(Debug)]
struct Req {
    method: String,
    path: String,
    raw_query: String,
    query: Vec<(String, String)>,
    /// `http://host:port` as the client addressed us.
    base: String,
    content_type: Option<String>,
    body: Vec<u8>,
}

impl Req {
    fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn flag(&self, name: &str) -> bool {
        self.param(name)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    fn list(&self, name: &str) -> Vec<String> {
        self.param(name)
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    fn uri(&self) -> String {
        if self.raw_query.is_empty() {
            format!("{}{}", self.base, self.path)
        } else {
            format!("{}{}?{}", self.base, self.path, self.raw_query)
        }
    }

    fn prepare_params(&self) -> PrepareParams {
        PrepareParams {
            application_name: self.param("applicationName").map(str::to_owned),
            instance: self.param("instance").map(str::to_owned),
            dry_run: self.flag("dryRun"),
            force: self.flag("force"),
            verbose: self.flag("verbose"),
        }
    }
}

async fn handle(AxumState(shared): AxumState<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, MAX_BODY)
        .await
        .map(|b| b.to_vec())
        .unwrap_or_default();
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .unwrap_or_else(|| shared.addr.to_string());
    let raw_query = parts.uri.query().unwrap_or("").to_owned();
    let req = Req {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: url::form_urlencoded::parse(raw_query.as_bytes())
            .into_owned()
            .collect(),
        raw_query,
        base: format!("{}://{host}", shared.scheme),
        content_type: parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|h| h.to_str().ok())
            .map(str::to_owned),
        body,
    };
    let mut state = shared.lock();
    state.expire_sessions();
    let endpoint = resolve(&req.path);
    let route = endpoint.route();
    let result = match state.take_fault(route) {
        Some(fault) if fault.activation_failure && route == Some(Route::PrepareAndActivate) => {
            execute(&mut state, &req, &endpoint, Some(&fault))
        }
        Some(fault) if !fault.after_handling => Err(fault_error(&fault)),
        Some(fault) => {
            let _ = execute(&mut state, &req, &endpoint, None);
            Err(fault_error(&fault))
        }
        None => execute(&mut state, &req, &endpoint, None),
    };
    let (status, response) = render(result);
    state.requests.push(RecordedRequest {
        method: req.method.clone(),
        path: req.path.clone(),
        query: req.raw_query.clone(),
        status,
    });
    response
}

fn fault_error(fault: &Fault) -> ApiError {
    ApiError::new(fault.status, &fault.error_code, fault.message.clone())
}

fn render(result: ApiResult<Reply>) -> (u16, Response) {
    let (status, body, content_type) = match result {
        Ok(Reply::Json(status, v)) => (status, v.to_string().into_bytes(), "application/json"),
        Ok(Reply::Bytes(bytes)) => (200, bytes, "application/octet-stream"),
        Err(e) => (
            e.status,
            e.body().to_string().into_bytes(),
            "application/json",
        ),
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    (status, response)
}

/// The handler a path reaches, with the path parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Endpoint {
    Health,
    ApplicationStatus,
    Tenants,
    Tenant(String),
    PrepareAndActivate(String),
    ActivatePrepared(String, String),
    CreateSession(String),
    Prepared(String, String),
    Active(String, String),
    SessionContent(String, String, String),
    ListApplications(String),
    /// `/application/v2/tenant/{t}/application/{a}` (instance `default`).
    ApplicationShort(AppId),
    /// `{app}` and below: the rest after the instance segment.
    Application(AppId, Vec<String>),
    Nothing,
}

fn resolve(path: &str) -> Endpoint {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let s = |v: &str| v.to_owned();
    match segments[..] {
        ["state", "v1", "health"] => Endpoint::Health,
        ["ApplicationStatus"] => Endpoint::ApplicationStatus,
        ["application", "v2", "tenant"] | ["application", "v2", "tenant", ""] => Endpoint::Tenants,
        ["application", "v2", "tenant", t] => Endpoint::Tenant(s(t)),
        ["application", "v2", "tenant", t, "prepareandactivate"] => {
            Endpoint::PrepareAndActivate(s(t))
        }
        ["application", "v2", "tenant", t, "prepareandactivate", id] => {
            Endpoint::ActivatePrepared(s(t), s(id))
        }
        ["application", "v2", "tenant", t, "session"] => Endpoint::CreateSession(s(t)),
        ["application", "v2", "tenant", t, "session", id, "prepared"] => {
            Endpoint::Prepared(s(t), s(id))
        }
        ["application", "v2", "tenant", t, "session", id, "active"] => {
            Endpoint::Active(s(t), s(id))
        }
        [
            "application",
            "v2",
            "tenant",
            t,
            "session",
            id,
            "content",
            ..,
        ] => {
            let rest = segments[7..].join("/");
            Endpoint::SessionContent(s(t), s(id), rest)
        }
        ["application", "v2", "tenant", t, "application"]
        | ["application", "v2", "tenant", t, "application", ""] => Endpoint::ListApplications(s(t)),
        ["application", "v2", "tenant", t, "application", a] => {
            Endpoint::ApplicationShort(AppId::new(t, a, "default"))
        }
        [
            "application",
            "v2",
            "tenant",
            t,
            "application",
            a,
            "environment",
            _,
            "region",
            _,
            "instance",
            i,
            ..,
        ] => {
            let rest: Vec<String> = segments[12..].iter().map(|p| (*p).to_owned()).collect();
            Endpoint::Application(AppId::new(t, a, i), rest)
        }
        _ => Endpoint::Nothing,
    }
}

impl Endpoint {
    /// The methods the handler implements.
    fn methods(&self) -> &'static [&'static str] {
        match self {
            Endpoint::Health
            | Endpoint::ApplicationStatus
            | Endpoint::Tenants
            | Endpoint::ListApplications(_) => &["GET"],
            Endpoint::Tenant(_) => &["GET"],
            Endpoint::PrepareAndActivate(_) | Endpoint::ActivatePrepared(..) => &["POST", "PUT"],
            Endpoint::CreateSession(_) => &["POST"],
            Endpoint::Prepared(..) => &["GET", "PUT"],
            Endpoint::Active(..) => &["PUT"],
            Endpoint::SessionContent(..) => &["GET", "PUT", "DELETE"],
            Endpoint::ApplicationShort(_) | Endpoint::Application(..) => {
                &["GET", "POST", "PUT", "DELETE"]
            }
            Endpoint::Nothing => &[],
        }
    }

    /// The fault-injection route.
    fn route(&self) -> Option<Route> {
        Some(match self {
            Endpoint::Health => Route::Health,
            Endpoint::ApplicationStatus => Route::ApplicationStatus,
            Endpoint::PrepareAndActivate(_) => Route::PrepareAndActivate,
            Endpoint::ActivatePrepared(..) => Route::ActivatePrepared,
            Endpoint::CreateSession(_) => Route::CreateSession,
            Endpoint::Prepared(..) => Route::Prepare,
            Endpoint::Active(..) => Route::Activate,
            Endpoint::SessionContent(..) => Route::SessionContent,
            Endpoint::ListApplications(_) => Route::ListApplications,
            Endpoint::ApplicationShort(_) => Route::Application,
            Endpoint::Application(_, rest) => match rest.first().map(String::as_str) {
                None => Route::Application,
                Some("content") => Route::ApplicationContent,
                Some("serviceconverge") => Route::ServiceConverge,
                Some("reindexing" | "reindex") => Route::Reindexing,
                Some(_) => return None,
            },
            Endpoint::Tenants | Endpoint::Tenant(_) | Endpoint::Nothing => return None,
        })
    }
}

fn session_id(raw: &str, req: &Req) -> ApiResult<u64> {
    raw.parse().map_err(|_| {
        ApiError::bad_request(format!(
            "Session id in request is not a number, request was '{}'",
            req.uri()
        ))
    })
}

/// Vespa's `validateDataAndHeader`: a body, and a supported `Content-Type`. Answers the mime type.
fn check_upload(req: &Req, supported: &[&str]) -> ApiResult<String> {
    if req.body.is_empty() {
        return Err(ApiError::bad_request("Request contains no data"));
    }
    let header = req
        .content_type
        .as_deref()
        .ok_or_else(|| ApiError::bad_request("Request contains no Content-Type header"))?;
    let mime = header
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if !supported.contains(&mime.as_str()) {
        return Err(ApiError::bad_request(format!(
            "Request contains invalid Content-Type header ({mime}), only '[{}]' are supported",
            supported.join(", ")
        )));
    }
    Ok(mime)
}

fn execute(
    state: &mut State,
    req: &Req,
    endpoint: &Endpoint,
    activation_failure: Option<&Fault>,
) -> ApiResult<Reply> {
    if *endpoint == Endpoint::Nothing {
        return Err(ApiError::nothing_at(&req.path));
    }
    if !endpoint.methods().contains(&req.method.as_str()) {
        return Err(ApiError::method_not_allowed(&req.method));
    }
    let base = req.base.as_str();
    match endpoint {
        Endpoint::Nothing => Err(ApiError::nothing_at(&req.path)),
        Endpoint::Health => Ok(Reply::ok(state.health())),
        Endpoint::ApplicationStatus => Ok(state.application_status()),
        Endpoint::Tenants => Ok(Reply::ok(json!(["default"]))),
        Endpoint::Tenant(t) => {
            state.check_tenant(t)?;
            Ok(state::message(format!("Tenant '{t}' exists.")))
        }
        Endpoint::PrepareAndActivate(t) if req.method == "PUT" => {
            state.check_tenant(t)?;
            Err(ApiError::bad_request(
                "Session id '' is not a number: For input string: \"\"",
            ))
        }
        Endpoint::PrepareAndActivate(t) => {
            state.check_tenant(t)?;
            prepare_and_activate(state, req, t, activation_failure)
        }
        Endpoint::ActivatePrepared(t, raw) => {
            state.check_tenant(t)?;
            if req.method != "PUT" {
                return prepare_and_activate(state, req, t, activation_failure);
            }
            let id: u64 = raw.parse().map_err(|_| {
                ApiError::bad_request(format!(
                    "Session id '{raw}' is not a number: For input string: \"{raw}\""
                ))
            })?;
            let app = state.activate(t, id, req.flag("force"))?;
            Ok(state::message(format!(
                "Session {id} for {} activated",
                app.serialized()
            )))
        }
        Endpoint::CreateSession(t) => {
            state.check_tenant(t)?;
            let id = match req.param("from") {
                Some(from) => {
                    let app = from_parameter(from)?;
                    state.create_session_from(&app)?
                }
                None => {
                    let mime = check_upload(req, &[CONTENT_TYPE_ZIP, CONTENT_TYPE_GZIP])?;
                    let mut log = Vec::new();
                    let id = state.create_session(t, &req.body, &mime, &mut log)?;
                    return Ok(Reply::ok(state.create_response(base, t, id, &log)));
                }
            };
            Ok(Reply::ok(state.create_response(base, t, id, &[])))
        }
        Endpoint::Prepared(t, raw) => {
            state.check_tenant(t)?;
            let id = session_id(raw, req)?;
            if req.method == "GET" {
                return state.get_prepared(base, t, id).map(Reply::ok);
            }
            let mut log = Vec::new();
            let grouped = state.prepare(t, id, &req.prepare_params(), &mut log)?;
            Ok(Reply::ok(
                state.prepare_response(base, t, id, &log, &grouped),
            ))
        }
        Endpoint::Active(t, raw) => {
            state.check_tenant(t)?;
            let id = session_id(raw, req)?;
            let app = state.activate(t, id, req.flag("force"))?;
            Ok(Reply::ok(state.activate_response(base, t, id, &app)))
        }
        Endpoint::SessionContent(t, raw, path) => {
            state.check_tenant(t)?;
            let id = session_id(raw, req)?;
            let prefix = format!("{base}/application/v2/tenant/{t}/session/{id}");
            match req.method.as_str() {
                "GET" => {
                    // the session must exist for this tenant
                    if state.sessions.get(&id).is_none_or(|s| s.app.tenant != *t) {
                        return Err(ApiError::not_found(format!("Session {id} was not found")));
                    }
                    state.read_content(
                        id,
                        &format!("{prefix}/content/"),
                        path,
                        req.flag("recursive"),
                        req.param("return"),
                    )
                }
                "PUT" => {
                    state.write_content(t, id, path, &req.body)?;
                    Ok(Reply::ok(
                        json!({ "prepared": format!("{prefix}/prepared") }),
                    ))
                }
                _ => {
                    state.delete_content(t, id, path)?;
                    Ok(Reply::ok(
                        json!({ "prepared": format!("{prefix}/prepared") }),
                    ))
                }
            }
        }
        Endpoint::ListApplications(t) => {
            state.check_tenant(t)?;
            Ok(Reply::ok(state.list_apps(base, t)))
        }
        Endpoint::ApplicationShort(app) => {
            state.check_tenant(&app.tenant)?;
            match req.method.as_str() {
                "GET" => state.app_info(app).map(Reply::ok),
                "DELETE" => state.delete_app(app),
                _ => Err(ApiError::nothing_at(&req.path)),
            }
        }
        Endpoint::Application(app, rest) => {
            state.check_tenant(&app.tenant)?;
            application(state, req, app, rest)
        }
    }
}

fn application(state: &mut State, req: &Req, app: &AppId, rest: &[String]) -> ApiResult<Reply> {
    let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
    let uri = format!("{}{}", req.base, req.path);
    match (req.method.as_str(), &rest[..]) {
        ("GET", [] | [""]) => state.app_info(app).map(Reply::ok),
        ("GET", ["content", ..]) => {
            let active = state.app(app)?.active;
            let url_base = format!("{}/content/", state.app_url(&req.base, app));
            let path = rest[1..].join("/");
            state.read_content(
                active,
                &url_base,
                &path,
                req.flag("recursive"),
                req.param("return"),
            )
        }
        ("GET", ["serviceconverge"]) => state.service_converge(&req.base, app, &uri).map(Reply::ok),
        ("GET", ["serviceconverge", host_port]) => state.service_converge_one(app, host_port, &uri),
        ("GET", ["reindexing"]) => state.reindexing_status(app).map(Reply::ok),
        ("POST", ["reindex"]) => {
            let speed = match req.param("speed") {
                Some(s) => s
                    .parse()
                    .map_err(|_| ApiError::bad_request(format!("For input string: \"{s}\"")))?,
                None => 1.0,
            };
            let cause = req
                .param("cause")
                .unwrap_or("reindexing for an unknown reason");
            state.trigger_reindex(
                app,
                &req.list("clusterId"),
                &req.list("documentType"),
                req.flag("indexedOnly"),
                speed,
                cause,
            )
        }
        ("POST", ["reindexing"]) => state.set_reindexing_enabled(app, true),
        ("POST", ["restart"]) => {
            state.app(app)?;
            Ok(state::message("Success"))
        }
        ("PUT", ["reindex"]) => state.update_reindex_speed(
            app,
            &req.list("clusterId"),
            &req.list("documentType"),
            req.flag("indexedOnly"),
            req.param("speed"),
        ),
        ("DELETE", [] | [""]) => state.delete_app(app),
        ("DELETE", ["reindexing"]) => state.set_reindexing_enabled(app, false),
        _ => Err(ApiError::nothing_at(&req.path)),
    }
}

/// `?from=http://host/application/v2/tenant/T/application/A/environment/E/region/R/instance/I`.
fn from_parameter(from: &str) -> ApiResult<AppId> {
    let illegal = || ApiError::bad_request(format!("Parameter 'from' has illegal value '{from}'"));
    let url = url::Url::parse(from).map_err(|_| illegal())?;
    let segments: Vec<&str> = url.path().trim_start_matches('/').split('/').collect();
    match segments[..] {
        [
            "application",
            "v2",
            "tenant",
            t,
            "application",
            a,
            "environment",
            _,
            "region",
            _,
            "instance",
            i,
            ..,
        ] => Ok(AppId::new(t, a, i)),
        _ => Err(illegal()),
    }
}

fn prepare_and_activate(
    state: &mut State,
    req: &Req,
    tenant: &str,
    activation_failure: Option<&Fault>,
) -> ApiResult<Reply> {
    let mime = check_upload(
        req,
        &[CONTENT_TYPE_GZIP, CONTENT_TYPE_ZIP, CONTENT_TYPE_MULTIPART],
    )?;
    let (params, data, package_type) = if mime == CONTENT_TYPE_MULTIPART {
        let invalid = |why: String| {
            ApiError::bad_request(format!(
                "Deploy request from '{tenant}' contains invalid data: {why}"
            ))
        };
        let boundary = req
            .content_type
            .as_deref()
            .and_then(multipart::boundary)
            .ok_or_else(|| invalid("no multipart boundary".to_owned()))?;
        let parts = multipart::parse(&req.body, &boundary).map_err(invalid)?;
        let params_part = parts
            .iter()
            .find(|p| p.name == "prepareParams")
            .ok_or_else(|| invalid("missing part 'prepareParams'".to_owned()))?;
        let package_part = parts
            .iter()
            .find(|p| p.name == "applicationPackage")
            .ok_or_else(|| invalid("missing part 'applicationPackage'".to_owned()))?;
        let json: Value =
            serde_json::from_slice(&params_part.data).map_err(|e| invalid(e.to_string()))?;
        let flag = |name: &str| match &json[name] {
            Value::Bool(b) => *b,
            Value::String(s) => s.eq_ignore_ascii_case("true"),
            _ => false,
        };
        let params = PrepareParams {
            application_name: json["applicationName"].as_str().map(str::to_owned),
            instance: json["instance"].as_str().map(str::to_owned),
            dry_run: flag("dryRun"),
            force: flag("force"),
            verbose: flag("verbose"),
        };
        let package_type = package_part
            .content_type
            .as_deref()
            .map(|c| {
                c.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .unwrap_or_default();
        (params, package_part.data.clone(), package_type)
    } else {
        (req.prepare_params(), req.body.clone(), mime)
    };
    state
        .deploy(
            &req.base,
            tenant,
            &data,
            &package_type,
            &params,
            activation_failure,
        )
        .map(Reply::ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_paths() {
        assert_eq!(resolve("/state/v1/health"), Endpoint::Health);
        assert_eq!(
            resolve("/application/v2/tenant/default/session"),
            Endpoint::CreateSession("default".into())
        );
        assert_eq!(
            resolve("/application/v2/tenant/default/session/3/content/schemas/a.sd"),
            Endpoint::SessionContent("default".into(), "3".into(), "schemas/a.sd".into())
        );
        assert_eq!(
            resolve("/application/v2/tenant/default/session/3/content/"),
            Endpoint::SessionContent("default".into(), "3".into(), String::new())
        );
        assert_eq!(
            resolve(
                "/application/v2/tenant/default/application/default/environment/prod/region/default/instance/default/serviceconverge"
            ),
            Endpoint::Application(
                AppId::new("default", "default", "default"),
                vec!["serviceconverge".into()]
            )
        );
        assert_eq!(resolve("/nope"), Endpoint::Nothing);
        assert_eq!(
            from_parameter(
                "http://h:19071/application/v2/tenant/default/application/a/environment/prod/region/default/instance/i"
            ),
            Ok(AppId::new("default", "a", "i"))
        );
        assert!(from_parameter("http://h/x").is_err());
    }
}
