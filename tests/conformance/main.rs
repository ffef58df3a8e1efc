//! Conformance: every applicable case of the migra and sqldef (psqldef) corpora through
//! seadiff's database-to-database path, on a private throwaway cluster.
//!
//! For each case: load the current side into one fresh database and the desired side into
//! another, introspect both, plan, apply (every hazard allowed: the library does not check
//! hazards), introspect again, and require (a) the catalogs to be equal and (b) the re-plan to
//! be empty. sqldef cases with `up`/`down` also run back to `current`; migra cases with
//! `additions.sql` run a second pass from `a.sql` + `additions.sql`. See the corpus READMEs
//! under `../shared/corpora` for what the files mean.
//!
//! Outcomes are checked against `known_failures.txt`: a failure not listed there fails the
//! test (a regression), and so does a listed case that now passes (remove its line).
//!
//! Environment:
//! - `SEADIFF_CONFORMANCE_ONLY=migra|sqldef`: one corpus.
//! - `SEADIFF_CONFORMANCE_CASE=name[,name…]`: these cases only (`*` matches any run).
//! - `SEADIFF_CONFORMANCE_JOBS=N`: cases in flight (default 4).
//! - `SEADIFF_CONFORMANCE_VERBOSE=1`: each case as it finishes, and every plan's SQL.
//! - `SEADIFF_CONFORMANCE_PG_DUMP=1`: also compare `pg_dump --schema-only` of both sides after
//!   each converged pass and list the cases that pass although their dumps differ
//!   (informational: what seadiff's catalog does not see).
//! - `SEADIFF_CONFORMANCE_UPDATE=1`: rewrite `known_failures.txt` from this (full) run.
//! - `SEADIFF_CORPORA=dir`: the corpora (default `../shared/corpora` from the workspace root).
//! - `TMPDIR=/dev/shm`: the throwaway cluster lives under the temp dir; in memory it is faster
//!   (creating ~2,000 databases is most of the run).
//!
//! The report is printed (run with `--nocapture` to see it on success) and written to
//! `target/tmp/conformance-report.txt`.

// A test harness reports on the terminal.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod dump;
mod harness;
mod known;
mod migra;
mod sqldef;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use differ::postgres::cluster::{Auth, TempCluster};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use harness::{Case, Corpus, Failure, Notes, Outcome, Server, exec};

/// A whole case (every pass) may take this long before it counts as failed.
const CASE_TIMEOUT: Duration = Duration::from_secs(180);

/// Roles the corpora grant to or name as owners (cluster-wide, so created once). Only
/// `schemainspect_test_role` is needed by the cases run today; the others are named by skipped
/// sqldef cases (`user`, `managed_roles`, `manage.privilege`) and cost nothing.
const ROLES: [&str; 7] = [
    "schemainspect_test_role",
    "readonly_user",
    "app_user",
    "admin_role",
    "user1",
    "user2",
    "psqldef_user",
];

struct Settings {
    only: Option<Corpus>,
    cases: Option<Vec<String>>,
    jobs: usize,
    verbose: bool,
    pg_dump: bool,
    update: bool,
    corpora: PathBuf,
}

impl Settings {
    fn from_env() -> Settings {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let only = var("SEADIFF_CONFORMANCE_ONLY").map(|v| {
            Corpus::parse(v.trim()).unwrap_or_else(|| {
                panic!("SEADIFF_CONFORMANCE_ONLY must be migra or sqldef, not {v:?}")
            })
        });
        let cases = var("SEADIFF_CONFORMANCE_CASE")
            .map(|v| v.split(',').map(|s| s.trim().to_owned()).collect());
        let jobs = var("SEADIFF_CONFORMANCE_JOBS").map_or(4, |v| {
            v.parse()
                .ok()
                .filter(|n| *n > 0)
                .unwrap_or_else(|| panic!("SEADIFF_CONFORMANCE_JOBS must be a positive number"))
        });
        let flag = |k: &str| var(k).is_some_and(|v| v != "0");
        let corpora = var("SEADIFF_CORPORA").map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpora"),
            PathBuf::from,
        );
        Settings {
            only,
            cases,
            jobs,
            verbose: flag("SEADIFF_CONFORMANCE_VERBOSE"),
            pg_dump: flag("SEADIFF_CONFORMANCE_PG_DUMP"),
            update: flag("SEADIFF_CONFORMANCE_UPDATE"),
            corpora,
        }
    }

    fn filtered(&self) -> bool {
        self.only.is_some() || self.cases.is_some()
    }

    fn wants(&self, c: &Case) -> bool {
        if self.only.is_some_and(|o| o != c.corpus) {
            return false;
        }
        match &self.cases {
            None => true,
            Some(list) => list.iter().any(|p| glob(p, &c.name)),
        }
    }
}

fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => text.strip_prefix(head).is_some_and(|rest| {
            (0..=rest.len())
                .filter(|&i| rest.is_char_boundary(i))
                .any(|i| glob(tail, &rest[i..]))
        }),
    }
}

#[test]
fn conformance() {
    let settings = Settings::from_env();
    let root = settings.corpora.clone();
    assert!(
        root.join("migra").is_dir() && root.join("sqldef").is_dir(),
        "the corpora are missing: expected migra/ and sqldef/ under {} \
         (the shared corpora next to the workspace, or SEADIFF_CORPORA); refusing to skip",
        root.display()
    );
    let mut all = migra::cases(&root).unwrap_or_else(|e| panic!("migra corpus: {e}"));
    all.extend(sqldef::cases(&root).unwrap_or_else(|e| panic!("sqldef corpus: {e}")));
    let cases: Vec<Case> = all.iter().filter(|c| settings.wants(c)).cloned().collect();
    assert!(
        !cases.is_empty(),
        "no case matches SEADIFF_CONFORMANCE_ONLY / SEADIFF_CONFORMANCE_CASE"
    );
    assert!(
        !(settings.update && settings.filtered()),
        "SEADIFF_CONFORMANCE_UPDATE rewrites the whole list; run it without ONLY/CASE filters"
    );

    let known_text = std::fs::read_to_string(known::path())
        .unwrap_or_else(|e| panic!("{}: {e}", known::path().display()));
    let known = known::parse(&known_text).unwrap_or_else(|e| panic!("{e}"));

    let started = Instant::now();
    let cluster = TempCluster::start(Auth::Trust)
        .unwrap_or_else(|e| panic!("cannot start a throwaway Postgres cluster: {e}"));
    let pg_dump = settings
        .pg_dump
        .then(|| dump::pg_dump().unwrap_or_else(|e| panic!("SEADIFF_CONFORMANCE_PG_DUMP: {e}")));
    let server = Arc::new(Server {
        cluster,
        verbose: settings.verbose,
        pg_dump,
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let outcomes = runtime.block_on(run_all(server.clone(), &cases, settings.jobs));
    drop(runtime);
    drop(server); // stops the cluster
    let elapsed = started.elapsed();

    let report = Report::new(&cases, &outcomes, &known, &all, &settings);
    let mut text = report.render();
    let _ = writeln!(text, "\nwall time: {:.1} s", elapsed.as_secs_f64());
    println!("{text}");
    let report_path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("conformance-report.txt");
    let _ = std::fs::write(&report_path, &text);
    eprintln!("conformance report written to {}", report_path.display());

    if settings.update {
        std::fs::write(known::path(), known::render(&report.by_key()))
            .unwrap_or_else(|e| panic!("{}: {e}", known::path().display()));
        eprintln!("rewrote {}", known::path().display());
        return;
    }
    assert!(
        report.problems.is_empty(),
        "conformance does not match known_failures.txt:\n{}",
        report.problems.join("\n")
    );
}

async fn run_all(server: Arc<Server>, cases: &[Case], jobs: usize) -> Vec<Outcome> {
    let mut admin = server
        .admin()
        .await
        .unwrap_or_else(|e| panic!("the throwaway cluster: {e}"));
    // Throwaway data: fewer checkpoints while ~2,000 databases are created, no commit waits.
    for sql in [
        "ALTER SYSTEM SET max_wal_size = '2GB'",
        "ALTER SYSTEM SET synchronous_commit = off",
        "SELECT pg_reload_conf()",
    ] {
        exec(&mut admin, sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    for role in ROLES {
        let sql = format!("CREATE ROLE \"{role}\"");
        exec(&mut admin, &sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    drop(admin);

    let limit = Arc::new(Semaphore::new(jobs));
    let mut set = JoinSet::new();
    for (idx, case) in cases.iter().cloned().enumerate() {
        let (server, limit) = (server.clone(), limit.clone());
        set.spawn(async move {
            let _permit = limit.acquire_owned().await.expect("semaphore open");
            let label = format!("{} {}", case.corpus.as_str(), case.name);
            let verbose = server.verbose;
            let outcome = match tokio::time::timeout(
                CASE_TIMEOUT,
                harness::run_case(server, idx, case),
            )
            .await
            {
                Ok(o) => o,
                Err(_) => Outcome::Fail(
                    Failure {
                        key: "timeout".to_owned(),
                        reason: format!("timeout: not done after {} s", CASE_TIMEOUT.as_secs()),
                    },
                    Notes::default(),
                ),
            };
            if verbose {
                match &outcome {
                    Outcome::Pass(_) => eprintln!("PASS {label}"),
                    Outcome::Fail(f, _) => eprintln!("FAIL {label}: {}", f.reason),
                    Outcome::Skip(t) => eprintln!("SKIP {label} [{t}]"),
                }
            }
            (idx, outcome)
        });
    }
    let mut out: Vec<Option<Outcome>> = vec![None; cases.len()];
    while let Some(joined) = set.join_next().await {
        let (idx, outcome) = joined.unwrap_or_else(|e| panic!("a case task panicked: {e}"));
        out[idx] = Some(outcome);
    }
    // A timed-out case may leave databases behind; the cluster goes away at the end anyway.
    out.into_iter()
        .map(|o| o.expect("every case reported"))
        .collect()
}

struct Report<'a> {
    cases: &'a [Case],
    outcomes: &'a [Outcome],
    known: &'a BTreeMap<known::Key, known::Entry>,
    /// Lines that make the test fail.
    problems: Vec<String>,
    /// Known failures whose reason changed (shown, not failing).
    changed: Vec<String>,
}

impl<'a> Report<'a> {
    fn new(
        cases: &'a [Case],
        outcomes: &'a [Outcome],
        known: &'a BTreeMap<known::Key, known::Entry>,
        all: &[Case],
        settings: &Settings,
    ) -> Report<'a> {
        let mut problems = Vec::new();
        let mut changed = Vec::new();
        for (case, outcome) in cases.iter().zip(outcomes) {
            let key = (case.corpus, case.name.clone());
            let listed = known.get(&key);
            let who = format!("{} {}", case.corpus.as_str(), case.name);
            match (outcome, listed) {
                (Outcome::Fail(f, _), None) => {
                    problems.push(format!("regression: {who}: {}", f.reason));
                }
                (Outcome::Fail(f, _), Some(e)) => {
                    if known::reason_text(&f.reason) != e.reason {
                        changed.push(format!(
                            "{who} (known_failures.txt:{}):\n      was: {}\n      now: {}",
                            e.line,
                            e.reason,
                            known::reason_text(&f.reason)
                        ));
                    }
                }
                (Outcome::Pass(_), Some(e)) => problems.push(format!(
                    "fixed: remove this line (known_failures.txt:{}): {who}: {}",
                    e.line, e.reason
                )),
                (Outcome::Skip(tag), Some(e)) => problems.push(format!(
                    "skipped case listed (known_failures.txt:{}), remove it: {who} [{tag}]",
                    e.line
                )),
                (Outcome::Pass(_) | Outcome::Skip(_), None) => {}
            }
        }
        if !settings.filtered() {
            for ((corpus, name), e) in known {
                if !all.iter().any(|c| c.corpus == *corpus && &c.name == name) {
                    problems.push(format!(
                        "unknown case listed (known_failures.txt:{}): {} {name}",
                        e.line,
                        corpus.as_str()
                    ));
                }
            }
        }
        Report {
            cases,
            outcomes,
            known,
            problems,
            changed,
        }
    }

    fn failures(&self) -> impl Iterator<Item = (&'a Case, &'a Failure)> + '_ {
        self.cases
            .iter()
            .zip(self.outcomes)
            .filter_map(|(c, o)| match o {
                Outcome::Fail(f, _) => Some((c, f)),
                _ => None,
            })
    }

    /// Failures grouped by their key, for the file and the report.
    fn by_key(&self) -> BTreeMap<String, Vec<(known::Key, String)>> {
        let mut groups: BTreeMap<String, Vec<(known::Key, String)>> = BTreeMap::new();
        for (c, f) in self.failures() {
            groups
                .entry(f.key.clone())
                .or_default()
                .push(((c.corpus, c.name.clone()), f.reason.clone()));
        }
        groups
    }

    fn render(&self) -> String {
        let mut s = String::new();
        for corpus in Corpus::ALL {
            let mut passed = 0;
            let mut failed = 0;
            let mut known_failed = 0;
            let mut skipped = 0;
            let mut any = false;
            for (c, o) in self.cases.iter().zip(self.outcomes) {
                if c.corpus != corpus {
                    continue;
                }
                any = true;
                match o {
                    Outcome::Pass(_) => passed += 1,
                    Outcome::Fail(..) => {
                        failed += 1;
                        if self.known.contains_key(&(c.corpus, c.name.clone())) {
                            known_failed += 1;
                        }
                    }
                    Outcome::Skip(_) => skipped += 1,
                }
            }
            if any {
                let _ = writeln!(
                    s,
                    "{}: {passed} passed, {failed} failed ({known_failed} known), {skipped} skipped",
                    corpus.as_str()
                );
            }
        }

        let notes = |f: fn(&Notes) -> bool| -> Vec<String> {
            self.cases
                .iter()
                .zip(self.outcomes)
                .filter(|(_, o)| match o {
                    Outcome::Pass(n) | Outcome::Fail(_, n) => f(n),
                    Outcome::Skip(_) => false,
                })
                .map(|(c, _)| format!("{} {}", c.corpus.as_str(), c.name))
                .collect()
        };
        let split = notes(|n| n.split_load);
        if !split.is_empty() {
            let _ = writeln!(
                s,
                "\nloaded statement by statement (not loadable as one script): {}\n  {}",
                split.len(),
                split.join(", ")
            );
        }
        let empty = notes(|n| n.empty_forward_plan);
        if !empty.is_empty() {
            let _ = writeln!(
                s,
                "\nforward plan empty (both sides already equal to seadiff; e.g. psqldef-only \
                 semantics such as enable_drop: false, or differences seadiff does not model): {}\n  {}",
                empty.len(),
                empty.join(", ")
            );
        }
        let order = notes(|n| n.column_order);
        if !order.is_empty() {
            let _ = writeln!(
                s,
                "\ncolumn order differs after apply (not compared, by design): {}\n  {}",
                order.len(),
                order.join(", ")
            );
        }

        let dumped: Vec<String> = self
            .cases
            .iter()
            .zip(self.outcomes)
            .filter_map(|(c, o)| match o {
                Outcome::Pass(n) if !n.dump.is_empty() => Some(format!(
                    "  {} {}: {}",
                    c.corpus.as_str(),
                    c.name,
                    n.dump.join(" | ")
                )),
                _ => None,
            })
            .collect();
        if !dumped.is_empty() {
            let _ = writeln!(
                s,
                "\npassed, but pg_dump --schema-only differs (not seen by seadiff's catalog): {}\n{}",
                dumped.len(),
                dumped.join("\n")
            );
        }

        let mut skips: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        let mut tagged: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for (c, o) in self.cases.iter().zip(self.outcomes) {
            let who = format!("{} {}", c.corpus.as_str(), c.name);
            if let Outcome::Skip(tag) = o {
                skips.entry(tag).or_default().push(who.clone());
            } else {
                for t in &c.tags {
                    tagged.entry(t).or_default().push(who.clone());
                }
            }
        }
        if !skips.is_empty() {
            let _ = writeln!(s, "\nskipped:");
            for (tag, who) in &skips {
                let _ = writeln!(s, "  [{tag}] {}: {}", who.len(), who.join(", "));
            }
        }
        if !tagged.is_empty() {
            let _ = writeln!(
                s,
                "\nrun, with psqldef-specific semantics or upstream flags:"
            );
            for (tag, who) in &tagged {
                let shown = who.iter().take(30).cloned().collect::<Vec<_>>().join(", ");
                let more = if who.len() > 30 {
                    format!(" (+{} more)", who.len() - 30)
                } else {
                    String::new()
                };
                let _ = writeln!(s, "  [{tag}] {}: {shown}{more}", who.len());
            }
        }

        let mut groups: Vec<(String, Vec<(known::Key, String)>)> =
            self.by_key().into_iter().collect();
        groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
        if !groups.is_empty() {
            let _ = writeln!(s, "\nfailures by reason:");
        }
        for (key, entries) in &groups {
            let _ = writeln!(s, "  {key} ({})", entries.len());
            for ((corpus, name), reason) in entries {
                let _ = writeln!(s, "    {} {name}: {reason}", corpus.as_str());
            }
        }

        if !self.changed.is_empty() {
            let _ = writeln!(
                s,
                "\nknown failures whose reason changed (update known_failures.txt):"
            );
            for c in &self.changed {
                let _ = writeln!(s, "  {c}");
            }
        }
        if !self.problems.is_empty() {
            let _ = writeln!(s, "\nNOT MATCHING known_failures.txt:");
            for p in &self.problems {
                let _ = writeln!(s, "  {p}");
            }
        }
        s
    }
}
