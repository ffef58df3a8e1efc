//! The fuzz targets' bodies, shared by the cargo-fuzz binaries (`fuzz_targets/`) and the
//! proptest smoke run in the normal test suite (`differ/tests/fuzz_smoke.rs`, which includes
//! this file as a module).
//!
//! Each takes arbitrary bytes, feeds them to a parser seadiff runs on input it does not
//! control, and checks more than "no panic":
//!
//! - [`sd`]: `.sd` files, `.profile` files and `services.xml`. What parses prints back to text
//!   that parses to an equal model (the printer's contract); errors point inside the input.
//! - [`config`]: `schema.yaml`, then the pure steps after it: Postgres settings and extras
//!   merged into a catalog, the Redis declaration, the Vespa durations. Errors point inside
//!   the input.
//! - [`plan_json`]: saved plans (`apply --plan`). What parses renders in every format, and its
//!   JSON rendering parses back to the same steps.

// Included as a private module by the smoke test, where `pub` items are not reachable.
#![allow(unreachable_pub)]

use differ::model::config::{Config, ConfigError};
use differ::model::pg::{Catalog, ColType, Column, QName, Table};
use differ::render::{self, Context, Mode};
use differ::vespa::{sd, services};

/// Lines in `text` (YAML also breaks lines at a lone `\r`), plus one for a position just
/// past the end.
fn last_line(text: &str) -> usize {
    text.replace("\r\n", "\n").matches(['\n', '\r']).count() + 2
}

/// `.sd`, `.profile` and `services.xml` text.
pub fn sd(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match sd::parse(text, "fuzz.sd") {
        Ok(file) => {
            let printed = sd::print(&file);
            let again = sd::parse(&printed, "printed.sd").unwrap_or_else(|e| {
                panic!("the printed form does not parse: {e}\n--- input\n{text}\n--- printed\n{printed}")
            });
            assert!(
                again == file,
                "print/parse changed the model\n--- input\n{text}\n--- printed\n{printed}"
            );
        }
        Err(e) => {
            assert!(
                e.line >= 1 && e.line <= last_line(text) && e.column >= 1,
                "error outside the input: {e}"
            );
            assert_eq!(e.file, "fuzz.sd");
        }
    }
    match sd::parse_profile(text, "fuzz.profile") {
        Ok(profile) => {
            let printed = sd::print_profile(&profile);
            let again = sd::parse_profile(&printed, "printed.profile").unwrap_or_else(|e| {
                panic!("the printed profile does not parse: {e}\n--- input\n{text}\n--- printed\n{printed}")
            });
            assert!(
                again == profile,
                "print/parse changed the profile\n--- input\n{text}\n--- printed\n{printed}"
            );
        }
        Err(e) => assert!(
            e.line >= 1 && e.line <= last_line(text) && e.column >= 1,
            "error outside the input: {e}"
        ),
    }
    if let Err(e) = services::parse_services(text) {
        assert!(
            e.line <= last_line(text),
            "services.xml error outside the input: {e}"
        );
    }
}

/// A desired catalog for `schema.yaml` extras to land on: `public.users` and `app.items`.
fn catalog() -> Catalog {
    let mut c = Catalog::default();
    for (q, cols) in [
        (QName::new("public", "users"), ["id", "email", "name"]),
        (QName::new("app", "items"), ["id", "price", "Label"]),
    ] {
        c.schemas.entry(q.schema.clone()).or_default();
        let table = Table {
            columns: cols
                .iter()
                .map(|n| Column::new(*n, ColType::builtin("text")))
                .collect(),
            ..Table::default()
        };
        c.tables.insert(q, table);
    }
    c
}

fn within(text: &str, e: &ConfigError) {
    assert!(
        e.line as usize <= last_line(text),
        "error outside the input: {e}"
    );
}

/// `schema.yaml` text and the pure steps that follow its parse.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Variables named SET_* are set; every other one is not.
    let env = |name: &str| name.starts_with("SET_").then(|| format!("value-of-{name}"));
    let config = match Config::parse(text) {
        Ok(c) => c,
        Err(e) => return within(text, &e),
    };
    if let Some(pg) = &config.postgres {
        match pg.settings(&env) {
            Ok(settings) => {
                let mut desired = catalog();
                if let Err(e) = pg.extend(&mut desired, &settings) {
                    within(text, &e);
                }
            }
            Err(e) => within(text, &e),
        }
    }
    if let Some(redis) = &config.redis
        && let Err(e) = differ::redis::declare::declare(redis, &env, None)
    {
        within(text, &e);
    }
    if let Some(vespa) = &config.vespa {
        if let Some(url) = &vespa.url {
            let _ = differ::model::config::expand_env(url, &env);
        }
        if let Some(t) = &vespa.convergence_timeout {
            let _ = differ::redis::declare::parse_duration(
                &differ::model::redis_config::ScalarValue::Text(t.value.clone()),
            );
        }
    }
}

/// A saved plan (`apply --plan FILE`).
pub fn plan_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let saved = match render::json::parse(text) {
        Ok(s) => s,
        Err(e) => {
            assert!(e.line <= last_line(text), "error outside the input: {e}");
            return;
        }
    };
    let mut cx = Context::new(Mode::Plan);
    cx.targets = saved.targets.clone();
    // `apply --plan` shows the plan before running it, in the format asked for.
    let _ = render::text::render(&saved.plan, &cx, false);
    let _ = render::text::render(&saved.plan, &cx, true);
    let _ = render::sql::render(&saved.plan, &cx);
    let _ = render::markdown::render(&saved.plan, &cx);
    let json = render::json::render(&saved.plan, &cx, &saved.tool_version);
    let again = render::json::parse(&json)
        .unwrap_or_else(|e| panic!("a rendered plan does not parse: {e}\n{json}"));
    assert!(
        again.plan.steps == saved.plan.steps,
        "steps changed through render/parse\n{json}"
    );
    assert_eq!(again.plan.fingerprints, saved.plan.fingerprints);
}
