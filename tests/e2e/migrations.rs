//! `seadiff migrate generate`: the generated file compiles in a copy of the repository's
//! migration crate, runs up and down with that crate's own CLI against real Postgres, and the
//! plan is empty after `up` and the original plan again after `down`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use seadiff_tests::TestDb;
use serde_json::Value;

use crate::{assert_exit, repo_config, stderr, stdout};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The value of `name = ...` in the root `[workspace.dependencies]`, as inline-table content.
fn workspace_dep(root: &str, name: &str) -> String {
    let section = &root[root
        .find("[workspace.dependencies]")
        .expect("workspace dependencies")..];
    let line = section
        .lines()
        .find(|l| l.split('=').next().is_some_and(|k| k.trim() == name))
        .unwrap_or_else(|| panic!("{name} is not a workspace dependency"));
    let value = line
        .split_once('=')
        .map(|(_, v)| v.trim())
        .unwrap_or_default();
    match value.strip_prefix('{').and_then(|v| v.strip_suffix('}')) {
        Some(inner) => inner.trim().to_owned(),
        None => format!("version = {value}"),
    }
}

/// A standalone copy of `migration/` (its own `[workspace]`, the workspace's dependency specs
/// and lock file), so tests can add files without touching the repository.
fn scratch_crate(dir: &Path) -> PathBuf {
    let root = std::fs::read_to_string(workspace().join("Cargo.toml")).expect("Cargo.toml");
    let manifest = std::fs::read_to_string(workspace().join("migration/Cargo.toml"))
        .expect("migration/Cargo.toml");
    let mut out = String::new();
    for line in manifest.lines() {
        let key = line.split('=').next().unwrap_or_default().trim();
        let rewritten = match key {
            "version.workspace" => "version = \"0.0.0\"".to_owned(),
            "edition.workspace" => "edition = \"2024\"".to_owned(),
            "rust-version.workspace" | "license.workspace" => continue,
            "publish.workspace" => "publish = false".to_owned(),
            _ if line.trim() == "[lints]" || line.trim() == "workspace = true" => continue,
            _ if line.contains("workspace = true") => {
                let rest = line
                    .split_once("workspace = true")
                    .map(|(_, r)| r.trim_start_matches(',').trim())
                    .unwrap_or_default();
                let rest = rest.trim_end_matches('}').trim();
                let spec = workspace_dep(&root, key);
                if rest.is_empty() {
                    format!("{key} = {{ {spec} }}")
                } else {
                    format!("{key} = {{ {spec}, {rest} }}")
                }
            }
            _ => line.to_owned(),
        };
        out.push_str(&rewritten);
        out.push('\n');
    }
    out.push_str("\n[workspace]\n");
    let krate = dir.join("migration");
    std::fs::create_dir_all(krate.join("src")).expect("mkdir");
    std::fs::write(krate.join("Cargo.toml"), out).expect("write Cargo.toml");
    for f in ["lib.rs", "main.rs"] {
        std::fs::copy(
            workspace().join("migration/src").join(f),
            krate.join("src").join(f),
        )
        .expect("copy source");
    }
    std::fs::copy(workspace().join("Cargo.lock"), krate.join("Cargo.lock"))
        .expect("copy Cargo.lock");
    krate
}

/// The migration crate's own CLI (`sea-orm-migration`), built into the workspace's target
/// directory so its dependencies are not compiled again.
fn migration_cli(krate: &Path, url: &str, command: &str) -> Output {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace().join("target"), PathBuf::from);
    Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--manifest-path"])
        .arg(krate.join("Cargo.toml"))
        .args(["--", "-u", url, command])
        .env("CARGO_TARGET_DIR", target)
        .output()
        .expect("cargo run the migration crate")
}

fn seadiff_in(krate: &Path, url: &str, args: &[&str]) -> Output {
    let dir = krate.to_str().expect("utf-8 path");
    crate::seadiff_with(
        &[
            "--config",
            &repo_config(),
            "--database-url",
            url,
            "--migration-dir",
            dir,
            "--only",
            "postgres",
        ],
        args,
    )
}

/// (kind, object, statements) of every step: what a plan does, without its data-dependent
/// wording.
fn shape(out: &Output) -> Vec<(String, String, Value)> {
    let doc: Value =
        serde_json::from_str(&stdout(out)).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)));
    doc["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            (
                s["kind"].as_str().unwrap_or_default().to_owned(),
                s["object"]["name"].as_str().unwrap_or_default().to_owned(),
                s["statements"].clone(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_generated_migration_runs_up_and_down() {
    let db = TestDb::new("migrations::up_down").await;
    assert_exit(&crate::seadiff(&db.url, &["apply", "--yes"]), 0);
    db.exec(
        "INSERT INTO users (id, email, hashed_password) VALUES (gen_random_uuid(), 'a@example.com', 'x');
         ALTER TABLE users ADD COLUMN nickname text;
         DROP INDEX \"idx-users-is_active\";
         ALTER TABLE tasks ALTER COLUMN title TYPE varchar(50);",
    )
    .await;
    let tmp = tempfile::tempdir().expect("tempdir");
    let krate = scratch_crate(tmp.path());
    let original = shape(&seadiff_in(
        &krate,
        &db.url,
        &["plan", "--format", "json", "--no-online"],
    ));
    assert!(!original.is_empty());

    // Hazards are refused as apply refuses them; nothing is written.
    let refused = seadiff_in(&krate, &db.url, &["migrate", "generate", "repair"]);
    assert_exit(&refused, 2);
    assert!(
        stderr(&refused).contains("--allow-hazard"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        std::fs::read_dir(krate.join("src")).expect("src").count(),
        2
    );

    let made = seadiff_in(
        &krate,
        &db.url,
        &["migrate", "generate", "repair", "--allow-hazard", "all"],
    );
    assert_exit(&made, 0);
    let lib = std::fs::read_to_string(krate.join("src/lib.rs")).expect("lib.rs");
    let module = lib
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("mod ")
                .and_then(|m| m.strip_suffix(';'))
        })
        .expect("a registered module")
        .to_owned();
    assert!(module.ends_with("_repair"), "{module}");
    assert!(
        lib.contains(&format!("Box::new({module}::Migration),")),
        "{lib}"
    );
    let file = std::fs::read_to_string(krate.join("src").join(format!("{module}.rs")))
        .expect("the migration file");
    // The online index build runs outside a transaction: the file opens its own.
    assert!(
        file.contains("CREATE INDEX CONCURRENTLY") && file.contains("Some(false)"),
        "{file}"
    );

    let up = migration_cli(&krate, &db.url, "up");
    assert!(
        up.status.success(),
        "up failed:\n{}\n{}",
        stdout(&up),
        stderr(&up)
    );
    let after = seadiff_in(&krate, &db.url, &["plan", "--exit-code"]);
    assert_exit(&after, 0);
    assert!(
        stderr(&after).contains("migrations: 1 applied, 0 pending"),
        "{}",
        stderr(&after)
    );

    let down = migration_cli(&krate, &db.url, "down");
    assert!(
        down.status.success(),
        "down failed:\n{}\n{}",
        stdout(&down),
        stderr(&down)
    );
    let again = shape(&seadiff_in(
        &krate,
        &db.url,
        &["plan", "--format", "json", "--no-online"],
    ));
    assert_eq!(
        again, original,
        "down did not restore the schema the plan started from"
    );
}

#[tokio::test]
async fn nothing_to_migrate_is_refused_and_history_disagreements_are_named() {
    let db = TestDb::new("migrations::empty").await;
    assert_exit(&crate::seadiff(&db.url, &["apply", "--yes"]), 0);
    let tmp = tempfile::tempdir().expect("tempdir");
    let krate = scratch_crate(tmp.path());
    let out = seadiff_in(&krate, &db.url, &["migrate", "generate", "nothing"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("nothing to migrate"),
        "{}",
        stderr(&out)
    );
    assert_exit(
        &seadiff_in(&krate, &db.url, &["migrate", "generate", "Bad-Name"]),
        2,
    );

    // A migration file the database never ran, while the schema already matches.
    std::fs::write(krate.join("src/m20200101_000000_old.rs"), "").expect("write");
    let plan = seadiff_in(&krate, &db.url, &["plan"]);
    assert_exit(&plan, 0);
    assert!(
        stderr(&plan).contains("1 migration is pending, yet the schema already matches"),
        "{}",
        stderr(&plan)
    );
}
