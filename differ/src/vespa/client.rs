//! The config server's deploy API over HTTP: read the active application package, its
//! generation and convergence, and deploy (`prepareandactivate`, optionally as a dry run).
//! Every call has a timeout; every error names the endpoint (credentials redacted) and carries
//! Vespa's `error-code` when the server sent one. Activation conflicts (409) and server errors
//! (5xx) are retried a bounded number of times.

use std::fmt;
use std::io::Write as _;
use std::time::Duration;

use serde_json::Value;

use super::app::Package;
use super::classify::{Action, ActionKind};
use crate::plan::ValidationId;
use crate::redact::RedactedUrl;

/// A failed call.
#[derive(Debug, Clone, thiserror::Error)]
pub struct VespaError {
    /// `GET http://host:19071/application/v2/…` (credentials redacted).
    pub endpoint: String,
    pub status: Option<u16>,
    /// Vespa's `error-code` (`INVALID_APPLICATION_PACKAGE`, `ACTIVATION_CONFLICT`, …).
    pub code: Option<String>,
    pub message: String,
}

impl fmt::Display for VespaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.endpoint)?;
        if let Some(s) = self.status {
            write!(f, "HTTP {s} ")?;
        }
        if let Some(c) = &self.code {
            write!(f, "{c}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl VespaError {
    /// The validation overrides a refused deploy asks for (`<allow until='…'>ID</allow>`).
    pub fn required_overrides(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = self.message.as_str();
        while let Some(i) = rest.find("<allow until=") {
            rest = &rest[i..];
            if let Some(gt) = rest.find('>') {
                let after = &rest[gt + 1..];
                if let Some(end) = after.find("</allow>") {
                    let id = &after[..end];
                    if !id.is_empty()
                        && id
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                        && !out.iter().any(|o| o == id)
                    {
                        out.push(id.to_owned());
                    }
                }
                rest = &rest[gt..];
            } else {
                break;
            }
        }
        out
    }

    fn retryable(&self) -> bool {
        matches!(self.status, Some(409) | Some(500..=599))
            || (self.status.is_none() && self.code.is_none())
    }
}

/// Where the application lives.
#[derive(Debug, Clone)]
pub struct Target {
    pub url: String,
    pub tenant: String,
    pub application: String,
    pub instance: String,
    /// For `https://`: the CA to trust and a client certificate; `None` trusts the system
    /// store and presents none.
    pub tls: Option<crate::tls::TlsMaterial>,
}

impl Target {
    fn base(&self) -> &str {
        self.url.trim_end_matches('/')
    }

    pub fn app_path(&self) -> String {
        format!(
            "{}/application/v2/tenant/{}/application/{}/environment/prod/region/default/instance/{}",
            self.base(),
            self.tenant,
            self.application,
            self.instance
        )
    }
}

/// The active application.
#[derive(Debug, Clone)]
pub struct Active {
    pub generation: u64,
    pub package: Package,
}

/// `serviceconverge`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Convergence {
    pub current: u64,
    pub wanted: u64,
    pub converged: bool,
}

/// What a deploy (or dry run) answered.
#[derive(Debug, Clone)]
pub struct Deployed {
    pub session_id: String,
    pub activated: bool,
    pub actions: Vec<Action>,
    /// WARNING and higher log lines.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    pub target: Target,
    /// How many times a 409 or 5xx is retried.
    pub retries: u32,
}

impl Client {
    /// A client whose every request (connection, TLS handshake, answer) ends within `timeout`.
    pub fn new(target: Target, timeout: Duration) -> Result<Client, VespaError> {
        let fail = |message: String| VespaError {
            endpoint: RedactedUrl::new(&target.url).to_string(),
            status: None,
            code: None,
            message,
        };
        // reqwest is built without a crypto provider of its own: the TLS configuration is
        // always ours (ring, the configured CA or the system store, the client certificate).
        let tls = target
            .tls
            .clone()
            .unwrap_or_default()
            .rustls_config()
            .map_err(fail)?;
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .tls_backend_preconfigured(tls)
            .build()
            .map_err(|e| fail(format!("cannot build an HTTP client: {e}")))?;
        Ok(Client {
            http,
            target,
            retries: 3,
        })
    }

    fn shown(&self, method: &str, url: &str) -> String {
        format!("{method} {}", RedactedUrl::new(url))
    }

    async fn send(
        &self,
        method: reqwest::Method,
        url: &str,
        body: Option<(&'static str, Vec<u8>)>,
    ) -> Result<(u16, Vec<u8>), VespaError> {
        let endpoint = self.shown(method.as_str(), url);
        let mut req = self.http.request(method, url);
        if let Some((ct, bytes)) = body {
            req = req.header("Content-Type", ct).body(bytes);
        }
        let resp = req.send().await.map_err(|e| VespaError {
            endpoint: endpoint.clone(),
            status: None,
            code: None,
            message: {
                let what = if e.is_timeout() {
                    "timed out".to_owned()
                } else if e.is_connect() {
                    "cannot connect".to_owned()
                } else {
                    "the request failed".to_owned()
                };
                // The innermost cause says why (a refused or untrusted certificate, a reset).
                match root_cause(&e) {
                    Some(cause) if !e.is_timeout() => format!("{what}: {cause}"),
                    _ => what,
                }
            },
        })?;
        let status = resp.status().as_u16();
        let bytes = resp.bytes().await.map_err(|e| VespaError {
            endpoint: endpoint.clone(),
            status: Some(status),
            code: None,
            message: format!("reading the response: {e}"),
        })?;
        Ok((status, bytes.to_vec()))
    }

    /// A JSON call; non-2xx answers become errors with the `error-code`.
    async fn json(
        &self,
        method: reqwest::Method,
        url: &str,
        body: Option<(&'static str, Vec<u8>)>,
    ) -> Result<Value, VespaError> {
        let endpoint = self.shown(method.as_str(), url);
        let (status, bytes) = self.send(method, url, body).await?;
        let doc: Option<Value> = serde_json::from_slice(&bytes).ok();
        if !(200..300).contains(&status) {
            let (code, message) = match &doc {
                Some(d) => (
                    d["error-code"].as_str().map(str::to_owned),
                    d["message"].as_str().map_or_else(
                        || String::from_utf8_lossy(&bytes).into_owned(),
                        str::to_owned,
                    ),
                ),
                None => (
                    None,
                    String::from_utf8_lossy(&bytes).chars().take(500).collect(),
                ),
            };
            return Err(VespaError {
                endpoint,
                status: Some(status),
                code,
                message,
            });
        }
        doc.ok_or_else(|| VespaError {
            endpoint,
            status: Some(status),
            code: None,
            message: "the answer is not JSON".to_owned(),
        })
    }

    async fn with_retries<T, F, Fut>(&self, mut call: F) -> Result<T, VespaError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, VespaError>>,
    {
        let mut attempt = 0;
        loop {
            match call().await {
                Err(e) if e.retryable() && attempt < self.retries => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(200 * (1 << attempt))).await;
                }
                other => return other,
            }
        }
    }

    /// The active application, or `None` when nothing is deployed.
    pub async fn active(&self) -> Result<Option<Active>, VespaError> {
        let list_url = format!(
            "{}/application/v2/tenant/{}/application/",
            self.target.base(),
            self.target.tenant
        );
        let list = self
            .with_retries(|| self.json(reqwest::Method::GET, &list_url, None))
            .await?;
        let needle = format!("/application/{}/", self.target.application);
        // An answer of another shape is not "nothing deployed": that would plan a first deploy.
        let list = list.as_array().ok_or_else(|| VespaError {
            endpoint: self.shown("GET", &list_url),
            status: Some(200),
            code: None,
            message: "the answer is not a JSON array of application URLs".to_owned(),
        })?;
        let deployed = list
            .iter()
            .filter_map(Value::as_str)
            .any(|u| format!("{u}/").contains(&needle));
        if !deployed {
            return Ok(None);
        }
        let app = self.target.app_path();
        let info = self
            .with_retries(|| self.json(reqwest::Method::GET, &app, None))
            .await?;
        let generation = info["generation"].as_u64().ok_or_else(|| VespaError {
            endpoint: self.shown("GET", &app),
            status: Some(200),
            code: None,
            message: "no numeric `generation` in the answer".to_owned(),
        })?;
        let listing_url = format!("{app}/content/?recursive=true");
        let listing = self
            .with_retries(|| self.json(reqwest::Method::GET, &listing_url, None))
            .await?;
        let listing = listing.as_array().ok_or_else(|| VespaError {
            endpoint: self.shown("GET", &listing_url),
            status: Some(200),
            code: None,
            message: "the answer is not a JSON array of file URLs".to_owned(),
        })?;
        let mut package = Package::default();
        for url in listing.iter().filter_map(Value::as_str) {
            if url.ends_with('/') {
                continue;
            }
            let Some((_, path)) = url.split_once("/content/") else {
                continue;
            };
            if path.split('/').any(|s| s.starts_with('.')) {
                continue;
            }
            let file_url = format!("{app}/content/{path}");
            let (status, bytes) = self
                .with_retries(|| self.send(reqwest::Method::GET, &file_url, None))
                .await?;
            if status != 200 {
                return Err(VespaError {
                    endpoint: self.shown("GET", &file_url),
                    status: Some(status),
                    code: None,
                    message: String::from_utf8_lossy(&bytes).chars().take(300).collect(),
                });
            }
            package.insert(path, bytes);
        }
        Ok(Some(Active {
            generation,
            package,
        }))
    }

    pub async fn convergence(&self) -> Result<Convergence, VespaError> {
        let url = format!("{}/serviceconverge", self.target.app_path());
        let doc = self
            .with_retries(|| self.json(reqwest::Method::GET, &url, None))
            .await?;
        // A malformed answer is an error, not "not converged yet" (which apply would wait on
        // until its deadline).
        let malformed = |field: &str, kind: &str| VespaError {
            endpoint: self.shown("GET", &url),
            status: Some(200),
            code: None,
            message: format!("no {kind} `{field}` in the answer"),
        };
        Ok(Convergence {
            current: doc["currentGeneration"]
                .as_u64()
                .ok_or_else(|| malformed("currentGeneration", "numeric"))?,
            wanted: doc["wantedGeneration"]
                .as_u64()
                .ok_or_else(|| malformed("wantedGeneration", "numeric"))?,
            converged: doc["converged"]
                .as_bool()
                .ok_or_else(|| malformed("converged", "true/false"))?,
        })
    }

    /// `prepareandactivate` with the package as a zip; `dry_run` prepares only.
    pub async fn deploy(&self, package: &Package, dry_run: bool) -> Result<Deployed, VespaError> {
        let zip = zip_package(package).map_err(|message| VespaError {
            endpoint: "application package".to_owned(),
            status: None,
            code: None,
            message,
        })?;
        let url = format!(
            "{}/application/v2/tenant/{}/prepareandactivate?applicationName={}&instance={}{}",
            self.target.base(),
            self.target.tenant,
            self.target.application,
            self.target.instance,
            if dry_run { "&dryRun=true" } else { "" }
        );
        let doc = self
            .with_retries(|| {
                self.json(
                    reqwest::Method::POST,
                    &url,
                    Some(("application/zip", zip.clone())),
                )
            })
            .await?;
        let warnings = doc["log"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|l| matches!(l["level"].as_str(), Some("WARNING" | "ERROR")))
            .filter_map(|l| l["message"].as_str().map(str::to_owned))
            .collect();
        Ok(Deployed {
            session_id: match &doc["session-id"] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            },
            activated: doc["activated"].as_bool().unwrap_or(!dry_run),
            actions: parse_actions(&doc["configChangeActions"]),
            warnings,
        })
    }
}

/// The text of the innermost error behind `e`, when it has a source at all (reqwest's own
/// message repeats the URL and says little).
fn root_cause(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut next = e.source()?;
    while let Some(inner) = next.source() {
        next = inner;
    }
    Some(next.to_string())
}

/// `configChangeActions` as [`Action`]s (one per message).
pub fn parse_actions(doc: &Value) -> Vec<Action> {
    let mut out = Vec::new();
    for (key, kind) in [
        ("restart", ActionKind::Restart),
        ("reindex", ActionKind::Reindex),
        ("refeed", ActionKind::Refeed),
    ] {
        for entry in doc[key].as_array().into_iter().flatten() {
            let id = entry["name"].as_str().and_then(ValidationId::from_id);
            let cluster = entry["clusterName"].as_str().unwrap_or_default().to_owned();
            for m in entry["messages"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let document_type = entry["documentType"]
                    .as_str()
                    .map(str::to_owned)
                    .or_else(|| doc_type_of(m));
                out.push(Action {
                    kind,
                    validation_id: id,
                    cluster: cluster.clone(),
                    document_type,
                    message: m.to_owned(),
                });
            }
        }
    }
    out.sort();
    out
}

fn doc_type_of(message: &str) -> Option<String> {
    let rest = message.split_once("Document type '")?.1;
    Some(rest.split_once('\'')?.0.to_owned())
}

/// The package as a zip with `services.xml` at its root.
pub fn zip_package(package: &Package) -> Result<Vec<u8>, String> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (path, bytes) in &package.files {
        w.start_file(path.as_str(), options)
            .map_err(|e| format!("zip {path}: {e}"))?;
        w.write_all(bytes).map_err(|e| format!("zip {path}: {e}"))?;
    }
    w.finish()
        .map(std::io::Cursor::into_inner)
        .map_err(|e| format!("zip: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_overrides_are_read_from_the_message() {
        let e = VespaError {
            endpoint: "x".into(),
            status: Some(400),
            code: Some("INVALID_APPLICATION_PACKAGE".into()),
            message: "Invalid application: field-type-change: Document type 'd': Field 'f' changed: data type: 'string' -> 'int'. To allow this add <allow until='2026-11-25'>field-type-change</allow> to validation-overrides.xml, see https://docs.vespa.ai/en/reference/validation-overrides.html\nindexing-change: x. To allow this add <allow until='2026-11-25'>indexing-change</allow> to validation-overrides.xml".into(),
        };
        assert_eq!(
            e.required_overrides(),
            ["field-type-change", "indexing-change"]
        );
        assert!(!e.retryable());
    }

    #[test]
    fn change_actions_are_read_per_message() {
        let doc: Value = serde_json::from_str(r#"{"restart":[{"clusterName":"c","clusterType":"search","serviceType":"searchnode","messages":["Document type 'doc': Field 'f' changed: add attribute aspect"],"services":[]}],
          "refeed":[{"name":"field-type-change","documentType":"doc","clusterName":"c","messages":["Document type 'doc': Field 'g' changed: data type: 'string' -> 'int'"],"services":[]}],
          "reindex":[]}"#).expect("json");
        let a = parse_actions(&doc);
        assert_eq!(a.len(), 2);
        assert_eq!(
            (a[0].kind, a[0].validation_id, a[0].document_type.as_deref()),
            (ActionKind::Restart, None, Some("doc"))
        );
        assert_eq!(a[1].validation_id, Some(ValidationId::FieldTypeChange));
    }
}
