//! Every object of a catalog as the DDL that creates it, keyed the way plan steps name their
//! objects (`("column", "public.tasks.title")`). A reviewer reads a changed object as a diff of
//! its definition before and after; this is where both sides come from.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::ops::Bound;

use super::ddl;
use super::ident::{quote_ident, quote_qname};
use crate::model::pg::{Catalog, FunctionKind, QName, display_ident};
use crate::plan::{DdlChange, Op, Plan};

/// The definitions of one catalog's objects.
#[derive(Debug, Default)]
pub struct Definitions {
    by_object: HashMap<(String, String), String>,
}

/// The names of a relation and its objects (`schema.relation.object`, as steps name them),
/// written into one buffer: a large catalog has many relations, few of them wanted.
#[derive(Default)]
struct Names {
    text: String,
    relation: usize,
}

impl Names {
    fn relation(&mut self, q: &QName) -> &str {
        self.text.clear();
        let _ = write!(self.text, "{q}");
        self.relation = self.text.len();
        &self.text
    }

    /// `name` under the relation last named.
    fn object(&mut self, name: &str) -> &str {
        self.text.truncate(self.relation);
        let _ = write!(self.text, ".{}", display_ident(name));
        &self.text
    }
}

fn with_comments(first: String, comments: Vec<String>) -> String {
    std::iter::once(first)
        .chain(comments)
        .collect::<Vec<_>>()
        .join(";\n")
}

/// Whether some name in `wanted` is `prefix` or starts with it (names that start with a
/// prefix sort right after it): a relation whose objects may be wanted.
fn any_under(wanted: &BTreeSet<String>, prefix: &str) -> bool {
    wanted
        .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
        .next()
        .is_some_and(|n| n.starts_with(prefix))
}

impl Definitions {
    /// The definitions of the objects of `c` named in `wanted`. A plan alters a few objects
    /// of a large catalog: only their relations are printed.
    pub fn of_named(c: &Catalog, wanted: &BTreeSet<String>) -> Definitions {
        let mut d = Definitions::default();
        let under = |prefix: &str| any_under(wanted, prefix);
        // The text is worked out only for a wanted name.
        macro_rules! put {
            ($kind:expr, $name:expr, $text:expr) => {{
                let name: &str = &$name;
                if wanted.contains(name) {
                    d.by_object
                        .insert(($kind.to_owned(), name.to_owned()), $text);
                }
            }};
        }
        let mut names = Names::default();
        for (name, s) in &c.schemas {
            let create = format!("CREATE SCHEMA {}", quote_ident(name));
            let comment = s
                .comment
                .as_deref()
                .map(|t| ddl::comment(&format!("SCHEMA {}", quote_ident(name)), Some(t)));
            put!(
                "schema",
                name.clone(),
                with_comments(create, comment.into_iter().collect())
            );
        }
        for (name, e) in &c.extensions {
            put!("extension", name.clone(), ddl::create_extension(name, e));
        }
        let type_comment = |q: &QName, text: Option<&str>| {
            text.map(|t| ddl::comment(&format!("TYPE {}", quote_qname(q)), Some(t)))
                .into_iter()
                .collect()
        };
        for (q, e) in &c.enums {
            put!(
                "enum",
                q.to_string(),
                with_comments(
                    ddl::create_enum(q, e),
                    type_comment(q, e.comment.as_deref()),
                )
            );
        }
        for (q, x) in &c.domains {
            put!(
                "domain",
                q.to_string(),
                with_comments(
                    ddl::create_domain(q, x),
                    type_comment(q, x.comment.as_deref()),
                )
            );
        }
        for (q, x) in &c.composites {
            put!(
                "composite-type",
                q.to_string(),
                with_comments(
                    ddl::create_composite(q, x),
                    type_comment(q, x.comment.as_deref()),
                )
            );
        }
        for (q, x) in &c.collations {
            put!("collation", q.to_string(), ddl::create_collation(q, x));
        }
        for (q, s) in &c.sequences {
            put!("sequence", q.to_string(), ddl::create_sequence(q, s));
        }
        for (q, f) in &c.functions {
            let kind = if f.kind == FunctionKind::Procedure {
                "procedure"
            } else {
                "function"
            };
            put!(
                kind,
                super::diff::function_display(q),
                f.definition.trim_end().to_owned()
            );
        }
        for (q, v) in &c.views {
            if !under(names.relation(q)) {
                continue;
            }
            let kind = if v.materialized {
                "materialized-view"
            } else {
                "view"
            };
            put!(
                kind,
                names.relation(q),
                with_comments(ddl::create_view(q, v, false), ddl::view_comments(q, v))
            );
            for (name, ix) in &v.indexes {
                put!(
                    "index",
                    names.object(name),
                    ddl::create_index(q, name, ix, false)
                );
            }
            for (name, t) in &v.triggers {
                put!("trigger", names.object(name), t.definition.clone());
            }
        }
        for (q, t) in &c.tables {
            if !under(names.relation(q)) {
                continue;
            }
            let qt = quote_qname(q);
            put!(
                "table",
                names.relation(q),
                with_comments(ddl::create_table(q, t), ddl::table_comments(q, t))
            );
            for col in &t.columns {
                let comment = col.comment.as_deref().map(|text| {
                    ddl::comment(
                        &format!("COLUMN {qt}.{}", quote_ident(&col.name)),
                        Some(text),
                    )
                });
                put!(
                    "column",
                    names.object(&col.name),
                    with_comments(ddl::column_def(col), comment.into_iter().collect())
                );
            }
            let constraint_comment = |name: &str, text: Option<&str>| -> Vec<String> {
                text.map(|t| {
                    ddl::comment(
                        &format!("CONSTRAINT {} ON {qt}", quote_ident(name)),
                        Some(t),
                    )
                })
                .into_iter()
                .collect()
            };
            if let Some(pk) = &t.primary_key {
                put!(
                    "primary-key",
                    names.object(&pk.name),
                    with_comments(
                        format!("ALTER TABLE {qt} ADD {}", ddl::primary_key_clause(pk)),
                        constraint_comment(&pk.name, pk.comment.as_deref()),
                    )
                );
            }
            for (name, u) in &t.uniques {
                put!(
                    "unique",
                    names.object(name),
                    with_comments(
                        format!("ALTER TABLE {qt} ADD {}", ddl::unique_clause(name, u)),
                        constraint_comment(name, u.comment.as_deref()),
                    )
                );
            }
            for (name, k) in &t.checks {
                put!(
                    "check",
                    names.object(name),
                    with_comments(
                        format!("ALTER TABLE {qt} ADD {}", ddl::check_clause(name, k)),
                        constraint_comment(name, k.comment.as_deref()),
                    )
                );
            }
            for (name, x) in &t.excludes {
                put!(
                    "exclusion",
                    names.object(name),
                    with_comments(
                        format!(
                            "ALTER TABLE {qt} ADD CONSTRAINT {} {}",
                            quote_ident(name),
                            x.definition
                        ),
                        constraint_comment(name, x.comment.as_deref()),
                    )
                );
            }
            for (name, fk) in &t.foreign_keys {
                put!(
                    "foreign-key",
                    names.object(name),
                    with_comments(
                        format!(
                            "ALTER TABLE {qt} ADD {}",
                            ddl::foreign_key_clause(name, fk, !fk.validated)
                        ),
                        constraint_comment(name, fk.comment.as_deref()),
                    )
                );
            }
            for (name, ix) in &t.indexes {
                let qi = quote_qname(&QName::new(q.schema.clone(), name.clone()));
                let comment = ix
                    .comment
                    .as_deref()
                    .map(|text| ddl::comment(&format!("INDEX {qi}"), Some(text)));
                put!(
                    "index",
                    names.object(name),
                    with_comments(
                        ddl::create_index(q, name, ix, false),
                        comment.into_iter().collect(),
                    )
                );
            }
            for (name, tr) in &t.triggers {
                put!("trigger", names.object(name), tr.definition.clone());
            }
            for (name, p) in &t.policies {
                put!("policy", names.object(name), ddl::create_policy(q, name, p));
            }
        }
        d
    }

    pub fn get(&self, kind: &str, name: &str) -> Option<&str> {
        self.by_object
            .get(&(kind.to_owned(), name.to_owned()))
            .map(String::as_str)
    }
}

/// Puts before/after definitions on the first step of every change that alters an object.
pub fn annotate(plan: &mut Plan, current: &Catalog, desired: &Catalog) {
    let changes: Vec<_> = plan
        .changes()
        .into_iter()
        .filter(|c| c.op == Op::Alter)
        .collect();
    if changes.is_empty() {
        return;
    }
    let wanted: BTreeSet<String> = changes
        .iter()
        .map(|c| plan.steps[c.steps[0]].object.name.clone())
        .collect();
    let (before, after) = (
        Definitions::of_named(current, &wanted),
        Definitions::of_named(desired, &wanted),
    );
    for c in changes {
        let first = &plan.steps[c.steps[0]];
        let (kind, name) = (first.object.kind.to_string(), first.object.name.clone());
        let (b, a) = (before.get(&kind, &name), after.get(&kind, &name));
        if b.is_some() && a.is_some() && b != a {
            plan.steps[c.steps[0]].ddl = Some(DdlChange {
                before: b.map(str::to_owned),
                after: a.map(str::to_owned),
            });
        }
    }
}
