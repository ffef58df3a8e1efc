//! The migra fixtures: `tests/FIXTURES/<case>/{a,b,additions}.sql`.
//!
//! Pass 1 makes a database loaded with `a.sql` look like one loaded with `b.sql`. When
//! `additions.sql` is not empty, pass 2 starts again from `a.sql` + `additions.sql`.

use std::path::Path;

use crate::harness::{Case, Corpus, Pass, Script, Start};

/// Flags upstream's test passes to some cases; we run every case unscoped (stricter).
fn upstream_flags(name: &str) -> Option<&'static str> {
    Some(match name {
        "singleschema" => "upstream --schema goodschema",
        "excludeschema" => "upstream --exclude_schema excludedschema",
        "singleschema_ext" => "upstream --create-extensions-only",
        "extversions" => "upstream compares extension versions",
        _ => return None,
    })
}

pub(crate) fn cases(root: &Path) -> Result<Vec<Case>, String> {
    let dir = root.join("migra/tests/FIXTURES");
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    names.sort();
    let mut out = Vec::new();
    for name in names {
        let case_dir = dir.join(&name);
        let read = |file: &str| {
            let p = case_dir.join(file);
            std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))
        };
        let (a, b, additions) = (read("a.sql")?, read("b.sql")?, read("additions.sql")?);
        let mut passes = vec![Pass {
            label: "forward",
            current: Start::Fresh(vec![Script::new("a.sql", a.clone())]),
            desired: vec![Script::new("b.sql", b.clone())],
        }];
        if !differ::postgres::script::split(&additions).is_empty() {
            passes.push(Pass {
                label: "additions",
                current: Start::Fresh(vec![
                    Script::new("a.sql", a),
                    Script::new("additions.sql", additions),
                ]),
                desired: vec![Script::new("b.sql", b)],
            });
        }
        let skip = (name == "generated_added")
            .then(|| "generated_added: orphaned upstream (not run by test_migra.py)".to_owned());
        out.push(Case {
            corpus: Corpus::Migra,
            tags: upstream_flags(&name)
                .map(|f| vec![f.to_owned()])
                .unwrap_or_default(),
            name,
            skip,
            passes,
        });
    }
    if out.is_empty() {
        return Err(format!("no migra cases under {}", dir.display()));
    }
    Ok(out)
}
