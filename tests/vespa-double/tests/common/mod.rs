//! Helpers shared by the double's integration tests: a started double, an HTTP client, package
//! builders and JSON shape checks.
#![allow(dead_code)]

use serde_json::Value;
use vespa_double::{Double, Options, package};

pub(crate) const TENANT: &str = "/application/v2/tenant/default";

/// A package as `(path, text)` pairs.
pub(crate) type Files = Vec<(String, String)>;

/// A double and a client for it.
pub(crate) struct Fixture {
    pub(crate) double: Double,
    pub(crate) http: reqwest::Client,
}

pub(crate) async fn start() -> Fixture {
    start_with(Options::default()).await
}

pub(crate) async fn start_with(options: Options) -> Fixture {
    let double = vespa_double::start(options)
        .await
        .expect("start the double");
    // reqwest is built without a crypto provider of its own (seadiff brings ring).
    differ::tls::ensure_provider();
    Fixture {
        double,
        http: reqwest::Client::new(),
    }
}

/// A status and a JSON body (`Value::Null` when the body is not JSON).
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) json: Value,
    pub(crate) bytes: Vec<u8>,
}

impl Answer {
    /// Asserts an error answer with this status and `error-code`; answers the message.
    #[track_caller]
    pub(crate) fn error(&self, status: u16, code: &str) -> String {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.json
        );
        assert_eq!(
            self.json["error-code"], code,
            "unexpected error-code; body: {}",
            self.json
        );
        assert_eq!(
            self.json.as_object().map(|o| o.len()),
            Some(2),
            "error body has two fields: {}",
            self.json
        );
        self.json["message"]
            .as_str()
            .expect("message is a string")
            .to_owned()
    }

    #[track_caller]
    pub(crate) fn ok(&self) -> &Value {
        assert_eq!(self.status, 200, "expected 200; body: {}", self.json);
        &self.json
    }
}

impl Fixture {
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.double.url)
    }

    pub(crate) async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let bytes = response.bytes().await.expect("body").to_vec();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Answer {
            status,
            json,
            bytes,
        }
    }

    pub(crate) async fn get(&self, path: &str) -> Answer {
        self.send(self.http.get(self.url(path))).await
    }

    pub(crate) async fn get_url(&self, url: &str) -> Answer {
        self.send(self.http.get(url)).await
    }

    pub(crate) async fn put(&self, path: &str) -> Answer {
        self.send(self.http.put(self.url(path))).await
    }

    pub(crate) async fn post(&self, path: &str) -> Answer {
        self.send(self.http.post(self.url(path))).await
    }

    pub(crate) async fn delete(&self, path: &str) -> Answer {
        self.send(self.http.delete(self.url(path))).await
    }

    pub(crate) async fn upload(
        &self,
        method: reqwest::Method,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Answer {
        self.send(
            self.http
                .request(method, self.url(path))
                .header("Content-Type", content_type)
                .body(body),
        )
        .await
    }

    /// `POST …/prepareandactivate` with a zip of `files`; `query` like `dryRun=true`.
    pub(crate) async fn deploy(&self, files: &[(String, String)], query: &str) -> Answer {
        let zip = package::zip_files(files);
        let path = if query.is_empty() {
            format!("{TENANT}/prepareandactivate")
        } else {
            format!("{TENANT}/prepareandactivate?{query}")
        };
        self.upload(reqwest::Method::POST, &path, package::CONTENT_TYPE_ZIP, zip)
            .await
    }

    /// Creates a session from a zip of `files`; answers its id.
    pub(crate) async fn create_session(&self, files: &[(String, String)]) -> u64 {
        let zip = package::zip_files(files);
        let answer = self
            .upload(
                reqwest::Method::POST,
                &format!("{TENANT}/session"),
                package::CONTENT_TYPE_ZIP,
                zip,
            )
            .await;
        session_id(answer.ok())
    }

    pub(crate) async fn prepare(&self, id: u64, query: &str) -> Answer {
        self.put(&format!("{TENANT}/session/{id}/prepared?{query}"))
            .await
    }

    pub(crate) async fn activate(&self, id: u64, query: &str) -> Answer {
        self.put(&format!("{TENANT}/session/{id}/active?{query}"))
            .await
    }

    /// The default application's resource path.
    pub(crate) fn app_path(&self) -> String {
        format!("{TENANT}/application/default/environment/prod/region/default/instance/default")
    }
}

#[track_caller]
pub(crate) fn session_id(v: &Value) -> u64 {
    v["session-id"]
        .as_str()
        .expect("session-id is a string")
        .parse()
        .expect("numeric session id")
}

/// `services.xml` with a container `default` and content clusters of `(id, [(type, mode)])`.
pub(crate) fn services(clusters: &[(&str, &[(&str, &str)])]) -> String {
    let mut xml = String::from(
        "<?xml version='1.0' encoding='UTF-8'?>\n<services version='1.0'>\n  <container id='default' version='1.0'>\n    <search/>\n    <document-api/>\n  </container>\n",
    );
    for (id, docs) in clusters {
        xml.push_str(&format!(
            "  <content id='{id}' version='1.0'>\n    <redundancy>1</redundancy>\n    <documents>\n"
        ));
        for (doc, mode) in *docs {
            let (mode, global) = match mode.split_once(':') {
                Some((m, g)) => (m, format!(" global='{g}'")),
                None => (*mode, String::new()),
            };
            xml.push_str(&format!(
                "      <document type='{doc}' mode='{mode}'{global}/>\n"
            ));
        }
        xml.push_str("    </documents>\n    <nodes><node hostalias='node1' distribution-key='0'/></nodes>\n  </content>\n");
    }
    xml.push_str("</services>\n");
    xml
}

/// A package: `services.xml` plus `schemas/<name>.sd` for each `(name, text)`.
pub(crate) fn app(services_xml: &str, schemas: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut files = vec![("services.xml".to_owned(), services_xml.to_owned())];
    for (name, text) in schemas {
        files.push((format!("schemas/{name}.sd"), (*text).to_owned()));
    }
    files
}

/// One content cluster `c` with document type `doc` (index mode) and the schema
/// `schema doc { document doc { <fields> } <outside> }`.
pub(crate) fn doc_app(fields: &str, outside: &str) -> Vec<(String, String)> {
    let schema = format!("schema doc {{\n  document doc {{\n{fields}\n  }}\n{outside}\n}}\n");
    app(
        &services(&[("c", &[("doc", "index")])]),
        &[("doc", &schema)],
    )
}

pub(crate) fn with_overrides(
    mut files: Vec<(String, String)>,
    allows: &[(&str, &str)],
) -> Vec<(String, String)> {
    let mut xml = String::from("<validation-overrides>\n");
    for (id, until) in allows {
        xml.push_str(&format!(
            "  <allow until='{until}' comment='test'>{id}</allow>\n"
        ));
    }
    xml.push_str("</validation-overrides>\n");
    files.push(("validation-overrides.xml".to_owned(), xml));
    files
}

/// The ids a refused deploy asks overrides for (the client rule of the notes §3.3).
pub(crate) fn required_overrides(message: &str) -> Vec<String> {
    let mut out = Vec::new();
    let marker = "<allow until='yyyy-mm-dd'>";
    let mut rest = message;
    while let Some(i) = rest.find(marker) {
        rest = &rest[i + marker.len()..];
        if let Some(end) = rest.find("</allow>") {
            out.push(rest[..end].to_owned());
            rest = &rest[end..];
        }
    }
    out
}

/// Asserts the JSON type of each field of an object, and that it has no others.
#[track_caller]
pub(crate) fn assert_shape(v: &Value, fields: &[(&str, &str)]) {
    let object = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"));
    for (name, kind) in fields {
        let field = object
            .get(*name)
            .unwrap_or_else(|| panic!("missing field {name} in {v}"));
        assert_eq!(type_of(field), *kind, "type of {name} in {v}");
    }
    let mut extra: Vec<&String> = object
        .keys()
        .filter(|k| !fields.iter().any(|(n, _)| n == k))
        .collect();
    extra.sort();
    assert!(extra.is_empty(), "unexpected fields {extra:?} in {v}");
}

pub(crate) fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Checks `configChangeActions`: the three arrays and each entry's shape.
#[track_caller]
pub(crate) fn assert_actions_shape(actions: &Value) {
    assert_shape(
        actions,
        &[
            ("restart", "array"),
            ("refeed", "array"),
            ("reindex", "array"),
        ],
    );
    let service = [
        ("serviceName", "string"),
        ("serviceType", "string"),
        ("configId", "string"),
        ("hostName", "string"),
    ];
    for entry in actions["restart"].as_array().into_iter().flatten() {
        assert_shape(
            entry,
            &[
                ("clusterName", "string"),
                ("clusterType", "string"),
                ("serviceType", "string"),
                ("messages", "array"),
                ("services", "array"),
            ],
        );
        entry["services"]
            .as_array()
            .into_iter()
            .flatten()
            .for_each(|s| assert_shape(s, &service));
    }
    for kind in ["refeed", "reindex"] {
        for entry in actions[kind].as_array().into_iter().flatten() {
            assert_shape(
                entry,
                &[
                    ("name", "string"),
                    ("documentType", "string"),
                    ("clusterName", "string"),
                    ("messages", "array"),
                    ("services", "array"),
                ],
            );
            entry["services"]
                .as_array()
                .into_iter()
                .flatten()
                .for_each(|s| assert_shape(s, &service));
        }
    }
}

/// Every message of every action entry of a kind.
pub(crate) fn messages(actions: &Value, kind: &str) -> Vec<String> {
    actions[kind]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|e| e["messages"].as_array().into_iter().flatten())
        .filter_map(|m| m.as_str().map(str::to_owned))
        .collect()
}

/// A date `days` after the double's clock date, as `yyyy-mm-dd`.
pub(crate) fn date_after(double: &Double, days: i64) -> String {
    let at = double.now_millis() + days * 86_400_000;
    let days_since_epoch = at.div_euclid(86_400_000);
    let (y, m, d) = civil(days_since_epoch);
    format!("{y:04}-{m:02}-{d:02}")
}

fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}
