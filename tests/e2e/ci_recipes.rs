//! The CI recipes in `docs/ci/`, run the way the workflows run them: the real scripts and the
//! real `seadiff` against real Postgres, with a stand-in for the GitHub CLI that records what
//! it was asked to do.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use seadiff_tests::TestDb;
use seadiff_tests::redis_server::RedisServer;

use crate::{assert_exit, seadiff, stderr, stdout};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A directory for PATH holding a fake `gh`: it appends its arguments to `$GH_LOG`, copies a
/// posted body to `$GH_LOG.body`, and answers the comment search with `$GH_EXISTING`.
fn fake_gh(dir: &Path) {
    let gh = dir.join("gh");
    std::fs::write(
        &gh,
        "#!/usr/bin/env bash\n\
         echo \"$*\" >> \"$GH_LOG\"\n\
         for a in \"$@\"; do case \"$a\" in body=@*) cp \"${a#body=@}\" \"$GH_LOG.body\";; esac; done\n\
         case \"$*\" in *--jq*) [ -n \"${GH_EXISTING:-}\" ] && echo \"$GH_EXISTING\";; esac\n\
         exit 0\n",
    )
    .expect("write fake gh");
    std::fs::set_permissions(&gh, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
}

/// Runs a recipe against `url` and, for the repository's declared Redis and Vespa, a private
/// server and the config-server double.
fn script(
    name: &str,
    url: &str,
    redis: &RedisServer,
    vespa: &vespa_double::Double,
    bin: &Path,
    env: &[(&str, &str)],
) -> Output {
    let seadiff_dir = Path::new(env!("CARGO_BIN_EXE_seadiff"))
        .parent()
        .expect("bin dir")
        .to_owned();
    let path = format!(
        "{}:{}:{}",
        bin.display(),
        seadiff_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new(repo().join("docs/ci").join(name));
    cmd.current_dir(repo())
        .env("PATH", path)
        .env("DATABASE_URL", url)
        .env("REDIS_URL", redis.url(0))
        .env("VESPA_CONFIG_URL", &vespa.url)
        .env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run the CI script")
}

/// The workflows run exactly these scripts.
#[test]
fn the_workflows_run_the_scripts_this_test_runs() {
    for (workflow, script) in [
        ("github-actions-plan.yml", "docs/ci/seadiff-pr-comment.sh"),
        ("github-actions-drift.yml", "docs/ci/seadiff-drift-check.sh"),
    ] {
        let text =
            std::fs::read_to_string(repo().join("docs/ci").join(workflow)).expect("workflow");
        let doc: serde_json::Value = serde_saphyr::from_str(&text)
            .unwrap_or_else(|e| panic!("{workflow} is not valid YAML: {e}"));
        let runs: Vec<String> = doc["jobs"]
            .as_object()
            .into_iter()
            .flat_map(|jobs| jobs.values())
            .flat_map(|job| job["steps"].as_array().cloned().unwrap_or_default())
            .filter_map(|step| step["run"].as_str().map(str::to_owned))
            .collect();
        assert!(
            runs.iter().any(|r| r.contains(script)),
            "{workflow} does not run {script}: {runs:?}"
        );
        assert!(
            runs.iter()
                .any(|r| r.contains("cargo build --release -p cli")),
            "{workflow} does not build seadiff"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pull_request_recipe_posts_then_updates_its_comment() {
    let db = TestDb::new("ci::pr").await;
    let redis = RedisServer::start();
    let vespa = vespa_double::start(vespa_double::Options::default())
        .await
        .expect("vespa double");
    let tmp = tempfile::tempdir().expect("tempdir");
    fake_gh(tmp.path());
    let log = tmp.path().join("gh.log");
    let log_s = log.to_str().expect("utf-8");
    let base = [
        ("GH_LOG", log_s),
        ("GITHUB_REPOSITORY", "acme/app"),
        ("PR_NUMBER", "7"),
        ("GH_TOKEN", "x"),
    ];

    let out = script(
        "seadiff-pr-comment.sh",
        &db.url,
        &redis,
        &vespa,
        tmp.path(),
        &base,
    );
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    let calls = std::fs::read_to_string(&log).expect("gh log");
    assert!(
        calls.contains("--method POST repos/acme/app/issues/7/comments"),
        "{calls}"
    );
    let body = std::fs::read_to_string(format!("{log_s}.body")).expect("posted body");
    assert!(body.starts_with("<!-- seadiff:plan -->"), "{body}");
    assert!(body.contains("to add"), "{body}");

    let mut again = base.to_vec();
    again.push(("GH_EXISTING", "4242"));
    let out = script(
        "seadiff-pr-comment.sh",
        &db.url,
        &redis,
        &vespa,
        tmp.path(),
        &again,
    );
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    let calls = std::fs::read_to_string(&log).expect("gh log");
    assert!(
        calls.contains("--method PATCH repos/acme/app/issues/comments/4242"),
        "{calls}"
    );

    // Trouble is not posted: an unreachable database ends the job with exit 2.
    let out = script(
        "seadiff-pr-comment.sh",
        "postgres://nobody@127.0.0.1:1/x",
        &redis,
        &vespa,
        tmp.path(),
        &base,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_drift_recipe_signals_with_its_exit_code() {
    let db = TestDb::new("ci::drift").await;
    let redis = RedisServer::start();
    let vespa = vespa_double::start(vespa_double::Options::default())
        .await
        .expect("vespa double");
    assert_exit(&seadiff(&db.url, &["apply", "--yes"]), 0);
    let redis_apply = Command::new(env!("CARGO_BIN_EXE_seadiff"))
        .args([
            "--config",
            &crate::repo_config(),
            "--only",
            "redis",
            "apply",
            "--yes",
            "--allow-hazard",
            "runtime-only",
        ])
        .env("REDIS_URL", redis.url(0))
        .env("NO_COLOR", "1")
        .output()
        .expect("run seadiff");
    assert_exit(&redis_apply, 0);
    let vespa_apply = tokio::process::Command::new(env!("CARGO_BIN_EXE_seadiff"))
        .args([
            "--config",
            &crate::repo_config(),
            "--only",
            "vespa",
            "apply",
            "--yes",
        ])
        .env("VESPA_CONFIG_URL", &vespa.url)
        .env("NO_COLOR", "1")
        .output()
        .await
        .expect("run seadiff");
    assert_exit(&vespa_apply, 0);
    let tmp = tempfile::tempdir().expect("tempdir");
    let summary = tmp.path().join("summary.md");
    let env = [("GITHUB_STEP_SUMMARY", summary.to_str().expect("utf-8"))];

    let ok = script(
        "seadiff-drift-check.sh",
        &db.url,
        &redis,
        &vespa,
        tmp.path(),
        &env,
    );
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    db.exec("ALTER TABLE users ADD COLUMN nickname text").await;
    let drifted = script(
        "seadiff-drift-check.sh",
        &db.url,
        &redis,
        &vespa,
        tmp.path(),
        &env,
    );
    assert_eq!(drifted.status.code(), Some(1), "{}", stderr(&drifted));
    let report = std::fs::read_to_string(&summary).expect("job summary");
    assert!(
        report.contains("seadiff drift: in sync") && report.contains("`public.users.nickname`"),
        "{report}"
    );
    let broken = script(
        "seadiff-drift-check.sh",
        "postgres://nobody@127.0.0.1:1/x",
        &redis,
        &vespa,
        tmp.path(),
        &env,
    );
    assert_eq!(broken.status.code(), Some(2), "{}", stderr(&broken));
}
