#![allow(clippy::print_stdout)]
//! Parse throughput of the Vespa schema parser over the whole corpus
//! (`SEADIFF_CORPORA/vespa`, default `<workspace>/../shared/corpora/vespa`).
//!
//! `cargo bench -p differ --bench sd_parse`

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use differ::vespa::sd;

fn corpus_dir() -> PathBuf {
    let base = std::env::var_os("SEADIFF_CORPORA").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpora"),
        PathBuf::from,
    );
    base.join("vespa")
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(&p, out);
        } else if matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("sd" | "profile")
        ) {
            out.push(p);
        }
    }
}

/// Runs `f` over all inputs repeatedly for at least `budget`; returns (rounds, elapsed).
fn measure(budget: Duration, mut f: impl FnMut()) -> (u32, Duration) {
    let start = Instant::now();
    let mut rounds = 0;
    while start.elapsed() < budget || rounds < 3 {
        f();
        rounds += 1;
    }
    (rounds, start.elapsed())
}

fn main() {
    let dir = corpus_dir();
    let mut paths = Vec::new();
    collect(&dir, &mut paths);
    assert!(
        !paths.is_empty(),
        "no .sd/.profile files under {} (set SEADIFF_CORPORA)",
        dir.display()
    );
    // Only files that parse (the corpus has one deliberately invalid file and one template
    // with placeholders).
    let mut inputs: Vec<(String, String, bool)> = Vec::new();
    for p in &paths {
        let src = std::fs::read_to_string(p).expect("read corpus file");
        let name = p.display().to_string();
        let profile = name.ends_with(".profile");
        let ok = if profile {
            sd::parse_profile(&src, &name).is_ok()
        } else {
            sd::parse(&src, &name).is_ok()
        };
        if ok {
            inputs.push((name, src, profile));
        }
    }
    let bytes: usize = inputs.iter().map(|(_, s, _)| s.len()).sum();
    let files = inputs.len();
    println!(
        "corpus: {} ({files} parseable of {} files, {:.1} KB)",
        dir.display(),
        paths.len(),
        bytes as f64 / 1024.0
    );

    let budget = Duration::from_secs(2);
    let (rounds, elapsed) = measure(budget, || {
        for (name, src, profile) in &inputs {
            if *profile {
                std::hint::black_box(sd::parse_profile(src, name).ok());
            } else {
                std::hint::black_box(sd::parse(src, name).ok());
            }
        }
    });
    report("parse", rounds, elapsed, files, bytes);

    let (rounds, elapsed) = measure(budget, || {
        for (name, src, profile) in &inputs {
            if *profile {
                let p = sd::parse_profile(src, name).expect("parses");
                let printed = sd::print_profile(&p);
                std::hint::black_box(sd::parse_profile(&printed, name).ok());
            } else {
                let f = sd::parse(src, name).expect("parses");
                let printed = sd::print(&f);
                std::hint::black_box(sd::parse(&printed, name).ok());
            }
        }
    });
    report("parse+print+parse", rounds, elapsed, files, bytes);
}

fn report(what: &str, rounds: u32, elapsed: Duration, files: usize, bytes: usize) {
    let secs = elapsed.as_secs_f64();
    let n = f64::from(rounds);
    println!(
        "{what:>18}: {:>10.0} files/s  {:>8.1} MB/s  ({rounds} rounds in {secs:.2}s)",
        n * files as f64 / secs,
        n * bytes as f64 / secs / 1e6,
    );
}
