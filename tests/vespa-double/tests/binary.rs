//! The `vespa-double` binary: prints its URL, serves, stops when killed.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use vespa_double::package;

#[tokio::test]
async fn binary_serves_until_killed() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vespa-double"))
        .args([
            "--port",
            "0",
            "--environment",
            "prod",
            "--profile",
            "older",
            "--convergence-lag",
            "1",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn vespa-double");
    let mut line = String::new();
    if let Some(stdout) = child.stdout.take() {
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the URL");
    }
    let url = line.trim().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    // reqwest is built without a crypto provider of its own (seadiff brings ring).
    differ::tls::ensure_provider();
    let http = reqwest::Client::new();
    let health = http
        .get(format!("{url}/state/v1/health"))
        .send()
        .await
        .expect("health");
    assert_eq!(health.status().as_u16(), 200);
    let zip = package::zip_files(&[(
        "services.xml",
        "<services version='1.0'><container id='default' version='1.0'/></services>",
    )]);
    let deploy = http
        .post(format!(
            "{url}/application/v2/tenant/default/prepareandactivate"
        ))
        .header("Content-Type", package::CONTENT_TYPE_ZIP)
        .body(zip)
        .send()
        .await
        .expect("deploy");
    assert_eq!(deploy.status().as_u16(), 200);
    let status = http
        .get(format!("{url}/ApplicationStatus"))
        .send()
        .await
        .expect("status");
    assert_eq!(status.status().as_u16(), 503, "one poll of lag");
    let status = http
        .get(format!("{url}/ApplicationStatus"))
        .send()
        .await
        .expect("status");
    assert_eq!(status.status().as_u16(), 200);

    child.kill().expect("kill");
    child.wait().expect("wait");

    let bad = Command::new(env!("CARGO_BIN_EXE_vespa-double"))
        .args(["--profile", "newest"])
        .output()
        .expect("run");
    assert_eq!(bad.status.code(), Some(2));
}
