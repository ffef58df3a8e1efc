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

/// The names in `wanted` that are `prefix` or start with it (they sort right after it): the
/// wanted objects of a relation, usually none or a few.
fn all_under<'w>(wanted: &'w BTreeSet<String>, prefix: &str, out: &mut Vec<&'w str>) {
    out.clear();
    out.extend(
        wanted
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .map(String::as_str)
            .take_while(|n| n.starts_with(prefix)),
    );
}

impl Definitions {
    /// The definitions of the objects of `c` named in `wanted`. A plan alters a few objects
    /// of a large catalog: only their relations are printed.
    pub fn of_named(c: &Catalog, wanted: &BTreeSet<String>) -> Definitions {
        let mut d = Definitions::default();
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
        // Within a relation: its wanted names, looked through instead of the whole set.
        let mut here: Vec<&str> = Vec::new();
        macro_rules! put_here {
            ($kind:expr, $name:expr, $text:expr) => {{
                let name: &str = &$name;
                if here.contains(&name) {
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
            all_under(wanted, names.relation(q), &mut here);
            if here.is_empty() {
                continue;
            }
            let kind = if v.materialized {
                "materialized-view"
            } else {
                "view"
            };
            put_here!(
                kind,
                names.relation(q),
                with_comments(ddl::create_view(q, v, false), ddl::view_comments(q, v))
            );
            for (name, ix) in &v.indexes {
                put_here!(
                    "index",
                    names.object(name),
                    ddl::create_index(q, name, ix, false)
                );
            }
            for (name, t) in &v.triggers {
                put_here!("trigger", names.object(name), t.definition.clone());
            }
        }
        for (q, t) in &c.tables {
            all_under(wanted, names.relation(q), &mut here);
            if here.is_empty() {
                continue;
            }
            let qt = quote_qname(q);
            put_here!(
                "table",
                names.relation(q),
                with_comments(ddl::create_table(q, t), ddl::table_comments(q, t))
            );
            for col in &t.columns {
                let comment = || {
                    col.comment.as_deref().map(|text| {
                        ddl::comment(
                            &format!("COLUMN {qt}.{}", quote_ident(&col.name)),
                            Some(text),
                        )
                    })
                };
                put_here!(
                    "column",
                    names.object(&col.name),
                    with_comments(ddl::column_def(col), comment().into_iter().collect())
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
                put_here!(
                    "primary-key",
                    names.object(&pk.name),
                    with_comments(
                        format!("ALTER TABLE {qt} ADD {}", ddl::primary_key_clause(pk)),
                        constraint_comment(&pk.name, pk.comment.as_deref()),
                    )
                );
            }
            for (name, u) in &t.uniques {
                put_here!(
                    "unique",
                    names.object(name),
                    with_comments(
                        format!("ALTER TABLE {qt} ADD {}", ddl::unique_clause(name, u)),
                        constraint_comment(name, u.comment.as_deref()),
                    )
                );
            }
            for (name, k) in &t.checks {
                put_here!(
                    "check",
                    names.object(name),
                    with_comments(
                        format!("ALTER TABLE {qt} ADD {}", ddl::check_clause(name, k)),
                        constraint_comment(name, k.comment.as_deref()),
                    )
                );
            }
            for (name, x) in &t.excludes {
                put_here!(
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
                put_here!(
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
                let comment = || {
                    ix.comment.as_deref().map(|text| {
                        let qi = quote_qname(&QName::new(q.schema.clone(), name.clone()));
                        ddl::comment(&format!("INDEX {qi}"), Some(text))
                    })
                };
                put_here!(
                    "index",
                    names.object(name),
                    with_comments(
                        ddl::create_index(q, name, ix, false),
                        comment().into_iter().collect(),
                    )
                );
            }
            for (name, tr) in &t.triggers {
                put_here!("trigger", names.object(name), tr.definition.clone());
            }
            for (name, p) in &t.policies {
                put_here!("policy", names.object(name), ddl::create_policy(q, name, p));
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
    let found = definitions(plan, current, desired);
    attach(plan, found);
}

/// Puts `found` (from [`definitions`]) on the steps.
pub fn attach(plan: &mut Plan, found: Vec<(usize, DdlChange)>) {
    for (i, ddl) in found {
        plan.steps[i].ddl = Some(ddl);
    }
}

/// What [`annotate`] puts on the steps, by step index, without touching the plan.
pub fn definitions(plan: &Plan, current: &Catalog, desired: &Catalog) -> Vec<(usize, DdlChange)> {
    let changes: Vec<_> = plan
        .changes()
        .into_iter()
        .filter(|c| c.op == Op::Alter)
        .collect();
    if changes.is_empty() {
        return Vec::new();
    }
    let wanted: BTreeSet<String> = changes
        .iter()
        .map(|c| plan.steps[c.steps[0]].object.name.clone())
        .collect();
    let (before, after) = (
        Definitions::of_named(current, &wanted),
        Definitions::of_named(desired, &wanted),
    );
    let mut out = Vec::new();
    for c in changes {
        let first = &plan.steps[c.steps[0]];
        let (kind, name) = (first.object.kind.to_string(), first.object.name.clone());
        let (b, a) = (before.get(&kind, &name), after.get(&kind, &name));
        if b.is_some() && a.is_some() && b != a {
            out.push((
                c.steps[0],
                DdlChange {
                    before: b.map(str::to_owned),
                    after: a.map(str::to_owned),
                },
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use expect_test::expect;
    use serde_json::json;

    use super::super::{DiffOptions, make_plan};
    use crate::model::pg::{Catalog, Check, ColType, Column, Index, QName, SchemaDef, Table};

    fn col(name: &str, ty: &str, comment: Option<&str>) -> Column {
        let mut c = Column::new(name, ColType::builtin(ty));
        c.comment = comment.map(str::to_owned);
        c
    }

    fn index(json: serde_json::Value) -> Index {
        serde_json::from_value(json).expect("an index")
    }

    fn check(expr: &str, comment: Option<&str>) -> Check {
        serde_json::from_value(json!({ "expr": expr, "comment": comment })).expect("a check")
    }

    /// Tables whose names are prefixes of each other (`t`, `t2`), a name that must be
    /// quoted, comments on columns, indexes and checks: the definitions before and after
    /// land on the altering steps of both the plan and its rollback, and on nothing else.
    fn catalogs() -> (Catalog, Catalog) {
        let side = |name_type: &str, predicate: Option<&str>, expr: &str, upper: &str| {
            let mut c = Catalog::default();
            c.schemas.insert("public".into(), SchemaDef::default());
            let mut t = Table::default();
            t.columns.push(col("id", "integer", None));
            t.columns.push(col("name", name_type, Some("the name")));
            t.columns.push(col("price", "numeric", None));
            t.indexes.insert(
                "t_name_idx".into(),
                index(json!({
                    "method": "btree",
                    "keys": [{ "column": "name", "nulls_first": false }],
                    "predicate": predicate,
                    "comment": "by name",
                })),
            );
            t.checks
                .insert("price_positive".into(), check(expr, Some("no gifts")));
            c.tables.insert(QName::new("public", "t"), t);
            let mut t2 = Table::default();
            t2.columns.push(col("name", "text", Some("unrelated")));
            t2.indexes.insert(
                "t_name_idx2".into(),
                index(json!({ "method": "btree", "keys": [{ "column": "name", "nulls_first": false }] })),
            );
            c.tables.insert(QName::new("public", "t2"), t2);
            let mut quoted = Table::default();
            quoted.columns.push(col("Mixed Case", upper, None));
            c.tables.insert(QName::new("public", "T Upper"), quoted);
            c
        };
        (
            side("text", None, "price > 0", "integer"),
            side(
                "character varying(10)",
                Some("name IS NOT NULL"),
                "price >= 0",
                "bigint",
            ),
        )
    }

    #[test]
    fn altered_objects_carry_their_definitions_both_ways() {
        let (current, desired) = catalogs();
        let plan = make_plan(&current, &desired, &DiffOptions::default(), &[]);
        let shown = |p: &crate::plan::Plan| -> String {
            p.steps
                .iter()
                .filter_map(|s| {
                    let d = s.ddl.as_ref()?;
                    Some(format!(
                        "{} {}\n  - {}\n  + {}\n",
                        s.object.kind,
                        s.object.name,
                        d.before.as_deref().unwrap_or("-").replace('\n', "\n    "),
                        d.after.as_deref().unwrap_or("-").replace('\n', "\n    "),
                    ))
                })
                .collect()
        };
        expect![[r#"
            check public.t.price_positive
              - ALTER TABLE "public"."t" ADD CONSTRAINT "price_positive" CHECK (price > 0);
                COMMENT ON CONSTRAINT "price_positive" ON "public"."t" IS 'no gifts'
              + ALTER TABLE "public"."t" ADD CONSTRAINT "price_positive" CHECK (price >= 0);
                COMMENT ON CONSTRAINT "price_positive" ON "public"."t" IS 'no gifts'
            column public."T Upper"."Mixed Case"
              - "Mixed Case" integer
              + "Mixed Case" bigint
            column public.t.name
              - "name" text;
                COMMENT ON COLUMN "public"."t"."name" IS 'the name'
              + "name" character varying(10);
                COMMENT ON COLUMN "public"."t"."name" IS 'the name'
            index public.t.t_name_idx
              - CREATE INDEX "t_name_idx" ON "public"."t" USING "btree" ("name");
                COMMENT ON INDEX "public"."t_name_idx" IS 'by name'
              + CREATE INDEX "t_name_idx" ON "public"."t" USING "btree" ("name") WHERE name IS NOT NULL;
                COMMENT ON INDEX "public"."t_name_idx" IS 'by name'
        "#]]
        .assert_eq(&shown(&plan));
        let back = plan.rollback.as_deref().expect("a rollback");
        expect![[r#"
            check public.t.price_positive
              - ALTER TABLE "public"."t" ADD CONSTRAINT "price_positive" CHECK (price >= 0);
                COMMENT ON CONSTRAINT "price_positive" ON "public"."t" IS 'no gifts'
              + ALTER TABLE "public"."t" ADD CONSTRAINT "price_positive" CHECK (price > 0);
                COMMENT ON CONSTRAINT "price_positive" ON "public"."t" IS 'no gifts'
            column public."T Upper"."Mixed Case"
              - "Mixed Case" bigint
              + "Mixed Case" integer
            column public.t.name
              - "name" character varying(10);
                COMMENT ON COLUMN "public"."t"."name" IS 'the name'
              + "name" text;
                COMMENT ON COLUMN "public"."t"."name" IS 'the name'
            index public.t.t_name_idx
              - CREATE INDEX "t_name_idx" ON "public"."t" USING "btree" ("name") WHERE name IS NOT NULL;
                COMMENT ON INDEX "public"."t_name_idx" IS 'by name'
              + CREATE INDEX "t_name_idx" ON "public"."t" USING "btree" ("name");
                COMMENT ON INDEX "public"."t_name_idx" IS 'by name'
        "#]]
        .assert_eq(&shown(back));
    }
}
