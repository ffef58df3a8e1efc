//! `known_failures.txt`: one line per case expected to fail, `<corpus> <case name>: <reason>`.
//! `#` starts a comment line; blank lines are ignored.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::harness::Corpus;

pub(crate) type Key = (Corpus, String);

#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) reason: String,
    pub(crate) line: usize,
}

pub(crate) fn path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance/known_failures.txt")
}

pub(crate) fn parse(text: &str) -> Result<BTreeMap<Key, Entry>, String> {
    let mut out = BTreeMap::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |why: &str| format!("known_failures.txt:{}: {why}: {raw}", i + 1);
        let (corpus, rest) = line
            .split_once(' ')
            .ok_or_else(|| bad("expected `<corpus> <case name>: <reason>`"))?;
        let corpus = Corpus::parse(corpus).ok_or_else(|| bad("unknown corpus"))?;
        let (name, reason) = rest
            .split_once(": ")
            .or_else(|| rest.strip_suffix(':').map(|n| (n, "")))
            .ok_or_else(|| bad("expected `: <reason>` after the case name"))?;
        let name = name.trim();
        if name.is_empty() || reason.trim().is_empty() {
            return Err(bad("a case name and a reason are both needed"));
        }
        let entry = Entry {
            reason: reason.trim().to_owned(),
            line: i + 1,
        };
        if out.insert((corpus, name.to_owned()), entry).is_some() {
            return Err(bad("case listed twice"));
        }
    }
    Ok(out)
}

/// How a reason is written in the file: one line, bounded.
pub(crate) fn reason_text(reason: &str) -> String {
    crate::harness::clip(&crate::harness::one_line(reason), 300)
}

/// The whole file for these entries, grouped under `# <group> (<n>)` headings.
pub(crate) fn render(groups: &BTreeMap<String, Vec<(Key, String)>>) -> String {
    let mut s = String::from(
        "# Conformance cases that fail today (tests/conformance). One line per case:\n\
         #   <corpus> <case name>: <reason>\n\
         # The conformance test fails when a case fails that is not listed here, and when a\n\
         # listed case passes (remove its line). Regenerate with\n\
         #   SEADIFF_CONFORMANCE_UPDATE=1 cargo test -p seadiff-tests --test conformance\n\
         # Grouped by failure kind, most frequent first.\n",
    );
    let mut ordered: Vec<(&String, &Vec<(Key, String)>)> = groups.iter().collect();
    ordered.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    for (group, entries) in ordered {
        let _ = write!(s, "\n# {group} ({})\n", entries.len());
        for ((corpus, name), reason) in entries {
            let _ = writeln!(s, "{} {name}: {}", corpus.as_str(), reason_text(reason));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::{Corpus, parse};

    #[test]
    fn parses_lines_comments_and_rejects_mistakes() {
        let known = parse(
            "# a comment\n\nmigra seq: sequence not managed: x\n\
             sqldef RenameColumn: apply error in add-column: relation \"t\" does not exist\n",
        )
        .unwrap();
        assert_eq!(known.len(), 2);
        let e = &known[&(Corpus::Sqldef, "RenameColumn".to_owned())];
        assert_eq!(
            e.reason,
            "apply error in add-column: relation \"t\" does not exist"
        );
        assert_eq!(e.line, 4);
        assert!(parse("mysql x: y").unwrap_err().contains("unknown corpus"));
        assert!(parse("migra seq").unwrap_err().contains("expected"));
        assert!(
            parse("migra seq: a\nmigra seq: b")
                .unwrap_err()
                .contains("twice")
        );
    }
}
