//! A smoke run of the cargo-fuzz targets (`differ/fuzz`) inside the normal test suite: the
//! same target functions, fed arbitrary bytes, arbitrary text made of the characters these
//! formats are built from, and mutated seed inputs (`differ/fuzz/seeds/<target>/`). They must
//! never panic, and what they check beyond that (printed `.sd` parses back equal, a rendered
//! plan parses back, errors point inside the input) must hold.
//!
//! 64 cases per strategy and target by default; `SEADIFF_FUZZ_CASES=N` runs more. The real
//! fuzzing is `cargo +nightly fuzz run <target>` in `differ/fuzz` (see its README).

#[path = "../fuzz/src/lib.rs"]
mod targets;

use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn cases() -> u32 {
    std::env::var("SEADIFF_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

/// The committed seeds of a target; a target without seeds is a failure.
fn seeds(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds")
        .join(target);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("no seeds in {}: {e}", dir.display()))
        .map(|e| {
            let p = e.expect("a directory entry").path();
            let bytes =
                std::fs::read(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()));
            (p.display().to_string(), bytes)
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no seeds in {}", dir.display());
    out.into_iter().map(|(_, b)| b).collect()
}

/// One edit of a byte string, positions taken modulo its length.
#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Replace(usize, u8),
    /// Copies a slice somewhere else (repeats structure: braces, keys, list items).
    Duplicate(usize, usize, usize),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    // Bytes that matter to the three formats, more often than chance would pick them.
    let interesting = prop::sample::select(
        b"{}[]()<>:;,|\"'`$&*!#%@\\\n\t -.0123456789eE_/=?~"
            .iter()
            .copied()
            .chain([0u8, 0x7f, 0xc3, 0xa9, 0xff])
            .collect::<Vec<u8>>(),
    );
    let byte = prop_oneof![3 => interesting, 1 => any::<u8>()];
    prop_oneof![
        (any::<usize>(), prop::collection::vec(byte.clone(), 1..8))
            .prop_map(|(at, b)| Edit::Insert(at, b)),
        (any::<usize>(), 1usize..16).prop_map(|(at, n)| Edit::Delete(at, n)),
        (any::<usize>(), byte).prop_map(|(at, b)| Edit::Replace(at, b)),
        (any::<usize>(), 1usize..64, any::<usize>())
            .prop_map(|(from, n, to)| Edit::Duplicate(from, n, to)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply(mut data: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let len = data.len();
        match e {
            Edit::Insert(at, bytes) => {
                let at = at % (len + 1);
                data.splice(at..at, bytes.iter().copied());
            }
            Edit::Delete(at, n) if len > 0 => {
                let at = at % len;
                data.drain(at..(at + n).min(len));
            }
            Edit::Replace(at, b) if len > 0 => data[at % len] = *b,
            Edit::Duplicate(from, n, to) if len > 0 => {
                let from = from % len;
                let piece = data[from..(from + n).min(len)].to_vec();
                let to = to % (len + 1);
                data.splice(to..to, piece);
            }
            Edit::Truncate(at) => data.truncate(at % (len + 1)),
            _ => {}
        }
    }
    data
}

/// Runs `target` on arbitrary bytes, on text over `alphabet`, and on mutated seeds.
fn smoke(name: &str, target: fn(&[u8]), alphabet: &str) {
    let config = Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    };
    // Every seed as it is, first: the targets' own checks hold on real input.
    let seeds = seeds(name);
    for s in &seeds {
        target(s);
    }
    let mut runner = TestRunner::new(config.clone());
    runner
        .run(&prop::collection::vec(any::<u8>(), 0..512), |bytes| {
            target(&bytes);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{name}, arbitrary bytes: {e}"));
    let mut runner = TestRunner::new(config.clone());
    runner
        .run(
            &proptest::string::string_regex(alphabet).expect("a regex"),
            |text| {
                target(text.as_bytes());
                Ok(())
            },
        )
        .unwrap_or_else(|e| panic!("{name}, arbitrary text: {e}"));
    let mut runner = TestRunner::new(config);
    let n = seeds.len();
    runner
        .run(
            &(0..n, prop::collection::vec(edit(), 1..6)),
            |(i, edits)| {
                target(&apply(seeds[i].clone(), &edits));
                Ok(())
            },
        )
        .unwrap_or_else(|e| panic!("{name}, mutated seeds: {e}"));
}

#[test]
fn sd_parser_smoke() {
    smoke(
        "sd_parse",
        targets::sd,
        r##"(schema|document|field|type|string|int|tensor<float>\(x\[[0-9]\]\)|indexing|summary|attribute|index|rank-profile|struct|first-phase|expression|<services>|</services>|<content id="a">|[a-z_]{1,6}|[{}:|,;()<>\[\] \n"']){0,80}"##,
    );
}

#[test]
fn config_loader_smoke() {
    smoke(
        "config_yaml",
        targets::config,
        r##"(version: 1\n|postgres:\n|redis:\n|vespa:\n|  |    |url: |tables:|indexes:|columns:|checks:|expr: |databases:|families:|pattern: |ttl:|max: |deadline: |package: |\$\{[A-Z_]{0,6}(:-)?\}|[a-z0-9.]{1,6}|[-:{}\[\],&*!|>'"#\n ]){0,60}"##,
    );
}

#[test]
fn plan_json_loader_smoke() {
    smoke(
        "plan_json",
        targets::plan_json,
        r##"(\{|\}|\[|\]|:|,|"format_version"|"tool_version"|"kind"|"plan"|"status"|"stores"|"steps"|"postgres"|"summary"|"id"|"op"|"create"|"hazards"|"statements"|1|0|-1|true|null|"[a-z ]{0,5}"|\\u00|\\| |\n){0,80}"##,
    );
}
