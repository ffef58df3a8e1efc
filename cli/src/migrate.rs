//! sea-orm-migration files from plans, and the state of a migration history.
//!
//! A generated file's `up` runs the plan and its `down` runs the rollback plan, group by group
//! exactly as `apply` would: a plan that is one transaction runs inside the transaction
//! sea-orm-migration opens (so the `seaql_migrations` row commits with it); a plan with
//! non-transactional steps or steps that must commit on their own turns that transaction off
//! (`use_transaction() -> Some(false)`) and opens one per group itself.
//!
//! The file and `lib.rs` keep the shapes `sea-orm-cli migrate generate` expects: one
//! `mod mYYYYMMDD_HHMMSS_name;` line per migration, one `Box::new(<module>::Migration),` line
//! per migration in `migrations()`.

use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use differ::plan::{Plan, Store};

/// A migration name as sea-orm-cli accepts it: lowercase letters, digits, underscores.
pub(crate) fn valid_name(name: &str) -> Result<(), String> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(format!(
            "`{name}` is not a migration name: use lowercase letters, digits and underscores (e.g. add_nickname)"
        ));
    }
    Ok(())
}

/// `m20261121_093000_add_nickname`
pub(crate) fn module_name(now: chrono::DateTime<chrono::Utc>, name: &str) -> String {
    format!("m{}_{name}", now.format("%Y%m%d_%H%M%S"))
}

/// A Rust raw string literal holding `s`, with enough `#`s.
fn raw(s: &str) -> String {
    let mut hashes = 1;
    while s.contains(&format!("\"{}", "#".repeat(hashes))) {
        hashes += 1;
    }
    let h = "#".repeat(hashes);
    format!("r{h}\"{s}\"{h}")
}

/// The `const` holding a plan's groups, with each step named and its hazards noted.
fn groups_const(out: &mut String, name: &str, plan: &Plan) {
    let ids = plan.step_ids();
    let _ = writeln!(out, "const {name}: &[Group] = &[");
    for g in plan
        .groups()
        .into_iter()
        .filter(|g| g.store == Store::Postgres)
    {
        let _ = writeln!(out, "    Group {{");
        let _ = writeln!(out, "        transactional: {},", g.transactional);
        let _ = writeln!(out, "        statements: &[");
        for (id, s) in ids[g.start..g.end].iter().zip(&plan.steps[g.start..g.end]) {
            let _ = writeln!(out, "            // {id} {} {}", s.kind, s.object.name);
            for h in &s.hazards {
                let _ = writeln!(
                    out,
                    "            //   hazard {}: {}",
                    h.kind.code(),
                    h.why.replace('\n', " ")
                );
            }
            for sql in &s.statements {
                let _ = writeln!(out, "            {},", raw(sql));
            }
        }
        let _ = writeln!(out, "        ],");
        let _ = writeln!(out, "    }},");
    }
    let _ = writeln!(out, "];");
}

/// Whether `plan` must run group by group rather than in one transaction.
fn needs_own_transactions(plan: &Plan) -> bool {
    plan.groups()
        .iter()
        .filter(|g| g.store == Store::Postgres)
        .count()
        > 1
        || plan.steps.iter().any(|s| !s.transactional)
}

/// The migration file for `plan`.
pub(crate) fn file(
    module: &str,
    plan: &Plan,
    made_from: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> String {
    let back = plan.rollback.as_deref().cloned().unwrap_or_default();
    let own = needs_own_transactions(plan) || needs_own_transactions(&back);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "//! Written by `seadiff migrate generate` on {} UTC from {made_from}.",
        at.format("%Y-%m-%d %H:%M:%S")
    );
    let _ = writeln!(
        out,
        "//! `up` runs the reviewed plan, `down` its rollback; regenerate rather than edit."
    );
    for n in back
        .notices
        .iter()
        .filter(|n| n.message.starts_with("not undone"))
    {
        let _ = writeln!(out, "//! down: {}", n.message.replace('\n', " "));
    }
    out.push_str(
        "\nuse sea_orm_migration::prelude::*;\nuse sea_orm_migration::sea_orm::{ConnectionTrait, TransactionTrait};\n\n\
         pub struct Migration;\n\n\
         impl MigrationName for Migration {\n",
    );
    let _ = writeln!(
        out,
        "    fn name(&self) -> &str {{\n        \"{module}\"\n    }}\n}}\n"
    );
    out.push_str(
        "/// Statements that run together: in one transaction, or one by one outside any.\n\
         struct Group {\n    transactional: bool,\n    statements: &'static [&'static str],\n}\n\n",
    );
    groups_const(&mut out, "UP", plan);
    out.push('\n');
    groups_const(&mut out, "DOWN", &back);
    out.push_str(
        "\n#[async_trait::async_trait]\nimpl MigrationTrait for Migration {\n    \
         async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {\n        run(manager, UP).await\n    }\n\n    \
         async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {\n        run(manager, DOWN).await\n    }\n",
    );
    if own {
        out.push_str(
            "\n    /// Some steps cannot run inside a transaction, or must commit before the next one:\n    \
             /// `run` opens a transaction per group itself.\n    \
             fn use_transaction(&self) -> Option<bool> {\n        Some(false)\n    }\n",
        );
    }
    out.push_str("}\n\n");
    if own {
        out.push_str(
            "async fn run(manager: &SchemaManager<'_>, groups: &[Group]) -> Result<(), DbErr> {\n    \
             let db = manager.get_connection();\n    \
             for group in groups {\n        \
             if group.transactional {\n            \
             let txn = db.begin().await?;\n            \
             txn.execute_unprepared(\"SET LOCAL lock_timeout = '5s'\").await?;\n            \
             for sql in group.statements {\n                txn.execute_unprepared(sql).await?;\n            }\n            \
             txn.commit().await?;\n        \
             } else {\n            \
             for sql in group.statements {\n                db.execute_unprepared(sql).await?;\n            }\n        \
             }\n    }\n    Ok(())\n}\n",
        );
    } else {
        out.push_str(
            "/// One transaction, opened by sea-orm-migration, which also records the migration in it.\n\
             async fn run(manager: &SchemaManager<'_>, groups: &[Group]) -> Result<(), DbErr> {\n    \
             let db = manager.get_connection();\n    \
             db.execute_unprepared(\"SET LOCAL lock_timeout = '5s'\").await?;\n    \
             for group in groups {\n        debug_assert!(group.transactional);\n        for sql in group.statements {\n            db.execute_unprepared(sql).await?;\n        }\n    }\n    Ok(())\n}\n",
        );
        // The transaction-less helper trait is unused in this shape.
        out = out.replace(
            "use sea_orm_migration::sea_orm::{ConnectionTrait, TransactionTrait};",
            "use sea_orm_migration::sea_orm::ConnectionTrait;",
        );
    }
    out
}

/// `lib.rs` with `module` registered: its `mod` line after the last migration's (or after the
/// prelude `use`), and its `Box::new(...)` as the last entry of `migrations()`.
pub(crate) fn register(lib: &str, module: &str) -> Result<String, String> {
    let is_mod = |l: &str| {
        let t = l.trim();
        t.starts_with("mod m") && t.ends_with(';')
    };
    let mut lines: Vec<String> = lib.lines().map(str::to_owned).collect();
    let mod_line = format!("mod {module};");
    let after = match lines.iter().rposition(|l| is_mod(l)) {
        Some(i) => i + 1,
        None => lines
            .iter()
            .position(|l| l.trim_start().starts_with("pub use sea_orm_migration::prelude::*;"))
            .map(|i| i + 1)
            .ok_or("lib.rs has neither migration `mod` lines nor `pub use sea_orm_migration::prelude::*;`")?,
    };
    lines.insert(after, mod_line);
    let text = lines.join("\n") + "\n";

    let f = text
        .find("fn migrations()")
        .ok_or("lib.rs has no `fn migrations()`")?;
    let open = f + text[f..]
        .find("vec![")
        .ok_or("`migrations()` does not build a `vec![...]`")?;
    let close = open
        + text[open..]
            .find(']')
            .ok_or("unclosed `vec![` in `migrations()`")?;
    let inner = &text[open + 5..close];
    let mut entries: Vec<String> = inner
        .split(',')
        .map(|e| e.trim().to_owned())
        .filter(|e| !e.is_empty())
        .collect();
    entries.push(format!("Box::new({module}::Migration)"));
    // Indentation of the `vec![` line.
    let line_start = text[..open].rfind('\n').map_or(0, |i| i + 1);
    let indent: String = text[line_start..open]
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect();
    let mut block = String::from("vec![\n");
    for e in &entries {
        let _ = writeln!(block, "{indent}    {e},");
    }
    block.push_str(&indent);
    block.push(']');
    Ok(format!("{}{}{}", &text[..open], block, &text[close + 1..]))
}

/// Migration modules (file stems) under `dir/src`.
pub(crate) fn files(dir: &Path) -> Result<BTreeSet<String>, std::io::Error> {
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(dir.join("src"))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "rs")
            && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
            && stem.starts_with('m')
            && stem.len() > 17
            && stem[1..9].chars().all(|c| c.is_ascii_digit())
        {
            out.insert(stem.to_owned());
        }
    }
    Ok(out)
}

/// Where the file for `module` goes.
pub(crate) fn path(dir: &Path, module: &str) -> PathBuf {
    dir.join("src").join(format!("{module}.rs"))
}

/// Applied versus present migrations.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub(crate) struct History {
    pub applied: Vec<String>,
    /// Files not yet applied.
    pub pending: Vec<String>,
    /// Applied versions without a file.
    pub missing: Vec<String>,
}

impl History {
    pub(crate) fn of(files: &BTreeSet<String>, applied: &BTreeSet<String>) -> History {
        History {
            applied: applied.iter().cloned().collect(),
            pending: files.difference(applied).cloned().collect(),
            missing: applied.difference(files).cloned().collect(),
        }
    }

    /// What a person should know when the history and the schema disagree.
    pub(crate) fn disagreements(&self, schema_matches: bool) -> Vec<String> {
        let mut out = Vec::new();
        if !self.missing.is_empty() {
            out.push(format!(
                "applied migrations have no file in the migration crate: {}",
                self.missing.join(", ")
            ));
        }
        if !self.pending.is_empty() && schema_matches {
            out.push(format!(
                "{} pending, yet the schema already matches the entities: were they applied by other means? `migrate up` would run them again",
                plural(self.pending.len(), "migration is", "migrations are")
            ));
        }
        if self.pending.is_empty() && !schema_matches && !self.applied.is_empty() {
            out.push(
                "every migration is applied, yet the schema differs from the entities: a migration is missing (seadiff migrate generate NAME)"
                    .to_owned(),
            );
        }
        out
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "pub use sea_orm_migration::prelude::*;\n\nmod m20220101_000001_create_table;\n\npub struct Migrator;\n\n#[async_trait::async_trait]\nimpl MigratorTrait for Migrator {\n    fn migrations() -> Vec<Box<dyn MigrationTrait>> {\n        vec![Box::new(m20220101_000001_create_table::Migration)]\n    }\n}\n";

    #[test]
    fn registering_keeps_the_shape_sea_orm_cli_edits() {
        let lib = register(TEMPLATE, "m20261121_093000_add_nickname").expect("register");
        assert!(
            lib.contains(
                "mod m20220101_000001_create_table;\nmod m20261121_093000_add_nickname;\n"
            ),
            "{lib}"
        );
        assert!(
            lib.contains("        vec![\n            Box::new(m20220101_000001_create_table::Migration),\n            Box::new(m20261121_093000_add_nickname::Migration),\n        ]"),
            "{lib}"
        );
        // An empty history: after the prelude, into an empty vec.
        let empty = "pub use sea_orm_migration::prelude::*;\n\npub struct Migrator;\n\nimpl MigratorTrait for Migrator {\n    fn migrations() -> Vec<Box<dyn MigrationTrait>> {\n        vec![]\n    }\n}\n";
        let lib = register(empty, "m20261121_093000_first").expect("register");
        assert!(
            lib.contains("pub use sea_orm_migration::prelude::*;\nmod m20261121_093000_first;"),
            "{lib}"
        );
        assert!(
            lib.contains(
                "vec![\n            Box::new(m20261121_093000_first::Migration),\n        ]"
            ),
            "{lib}"
        );
        assert!(register("fn main() {}", "m1").is_err());
    }

    #[test]
    fn names_and_raw_strings() {
        assert!(valid_name("add_nickname2").is_ok());
        assert!(valid_name("add-nickname").is_err());
        assert!(valid_name("").is_err());
        assert_eq!(raw("a\"b"), "r#\"a\"b\"#");
        assert_eq!(raw("x \"# y"), "r##\"x \"# y\"##");
    }

    #[test]
    fn history_disagreements() {
        let files: BTreeSet<String> = ["m1".to_owned(), "m2".to_owned()].into();
        let applied: BTreeSet<String> = ["m1".to_owned(), "m0".to_owned()].into();
        let h = History::of(&files, &applied);
        assert_eq!(h.pending, ["m2"]);
        assert_eq!(h.missing, ["m0"]);
        assert_eq!(h.disagreements(true).len(), 2);
        let none = History::of(&BTreeSet::new(), &BTreeSet::new());
        assert!(
            none.disagreements(false).is_empty(),
            "no history, no opinion"
        );
        let done = History::of(&files, &files);
        assert_eq!(done.disagreements(false).len(), 1);
        assert!(done.disagreements(true).is_empty());
    }
}
