//! SQL text for model objects. Pure functions; every identifier goes through `quote_ident`.

use super::ident::{quote_ident, quote_literal, quote_qname};
use crate::model::pg::{
    Check, ColType, Collation, Column, Composite, Deferrable, Domain, EnumType, Extension,
    ForeignKey, Index, IndexKey, KeyTarget, Policy, PrimaryKey, QName, SeqOptions, Sequence, Table,
    Unique, View,
};

pub fn col_type(t: &ColType) -> String {
    let mut s = match &t.schema {
        None => t.name.clone(),
        Some(schema) => quote_qname(&QName::new(schema.clone(), t.name.clone())),
    };
    if let Some(m) = &t.modifiers {
        s.push_str(m);
    }
    if t.array {
        s.push_str("[]");
    }
    s
}

/// A collation reference: `"C"` or `"schema"."name"`.
pub fn collation(c: &str) -> String {
    match c.split_once('.') {
        Some((s, n)) => format!("{}.{}", quote_ident(s), quote_ident(n)),
        None => quote_ident(c),
    }
}

/// `"name" type [COLLATE ..] [GENERATED ..] [NOT NULL] [DEFAULT ..]`
pub fn column_def(c: &Column) -> String {
    let mut s = format!("{} {}", quote_ident(&c.name), col_type(&c.ty));
    if let Some(coll) = &c.collation {
        s.push_str(" COLLATE ");
        s.push_str(&collation(coll));
    }
    if let Some(g) = &c.generated {
        s.push_str(&format!(" GENERATED ALWAYS AS ({g}) STORED"));
    }
    if let Some(id) = c.identity {
        s.push_str(&format!(
            " GENERATED {} AS IDENTITY{}",
            id.sql(),
            seq_options_paren_for(&c.identity_options, &c.ty.name)
        ));
    }
    if c.not_null {
        s.push_str(" NOT NULL");
    }
    if let Some(d) = &c.default {
        s.push_str(" DEFAULT ");
        s.push_str(d);
    }
    s
}

pub fn column_list(cols: &[String]) -> String {
    cols.iter()
        .map(|c| quote_ident(c))
        .collect::<Vec<_>>()
        .join(", ")
}

fn deferrable(d: Deferrable) -> &'static str {
    match d {
        Deferrable::No => "",
        Deferrable::InitiallyImmediate => " DEFERRABLE INITIALLY IMMEDIATE",
        Deferrable::InitiallyDeferred => " DEFERRABLE INITIALLY DEFERRED",
    }
}

pub fn primary_key_clause(pk: &PrimaryKey) -> String {
    format!(
        "CONSTRAINT {} PRIMARY KEY ({}){}",
        quote_ident(&pk.name),
        column_list(&pk.columns),
        deferrable(pk.deferrable)
    )
}

pub fn unique_clause(name: &str, u: &Unique) -> String {
    format!(
        "CONSTRAINT {} UNIQUE{} ({}){}",
        quote_ident(name),
        if u.nulls_not_distinct {
            " NULLS NOT DISTINCT"
        } else {
            ""
        },
        column_list(&u.columns),
        deferrable(u.deferrable)
    )
}

/// The unique index a primary key or unique constraint is built on, for building it
/// concurrently and attaching it with [`using_index`].
pub fn key_index(columns: &[String], nulls_not_distinct: bool) -> Index {
    Index {
        unique: true,
        method: "btree".to_owned(),
        keys: columns.iter().map(IndexKey::column).collect(),
        include: Vec::new(),
        predicate: None,
        nulls_not_distinct,
        valid: true,
        comment: None,
    }
}

/// `CONSTRAINT name PRIMARY KEY USING INDEX name`: turns an index built beforehand into a key.
pub fn using_index(constraint: &str, name: &str, d: Deferrable) -> String {
    format!(
        "CONSTRAINT {} {constraint} USING INDEX {}{}",
        quote_ident(name),
        quote_ident(name),
        deferrable(d)
    )
}

pub fn check_clause(name: &str, c: &Check) -> String {
    format!(
        "CONSTRAINT {} CHECK ({}){}",
        quote_ident(name),
        c.expr,
        if c.no_inherit { " NO INHERIT" } else { "" }
    )
}

pub fn foreign_key_clause(name: &str, fk: &ForeignKey, not_valid: bool) -> String {
    let mut s = format!(
        "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
        quote_ident(name),
        column_list(&fk.columns),
        quote_qname(&fk.ref_table),
        column_list(&fk.ref_columns)
    );
    if fk.match_full {
        s.push_str(" MATCH FULL");
    }
    if fk.on_update != Default::default() {
        s.push_str(" ON UPDATE ");
        s.push_str(fk.on_update.sql());
    }
    if fk.on_delete != Default::default() {
        s.push_str(" ON DELETE ");
        s.push_str(fk.on_delete.sql());
    }
    s.push_str(deferrable(fk.deferrable));
    if not_valid {
        s.push_str(" NOT VALID");
    }
    s
}

/// `CREATE TABLE` with columns, primary key, unique, check and exclusion constraints, parents
/// and partitioning. Foreign keys, indexes and comments are separate steps so that they can be
/// ordered after every table exists.
pub fn create_table(q: &QName, t: &Table) -> String {
    let mut lines: Vec<String> = t
        .columns
        .iter()
        .filter(|c| !c.inherited)
        .map(column_def)
        .collect();
    if let Some(pk) = &t.primary_key {
        lines.push(primary_key_clause(pk));
    }
    for (name, u) in &t.uniques {
        lines.push(unique_clause(name, u));
    }
    for (name, c) in &t.checks {
        lines.push(check_clause(name, c));
    }
    for (name, x) in &t.excludes {
        lines.push(format!("CONSTRAINT {} {}", quote_ident(name), x.definition));
    }
    let body = lines
        .iter()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join(",\n");
    let unlogged = if t.unlogged { "UNLOGGED " } else { "" };
    let mut s = match &t.partition_of {
        Some(p) if lines.is_empty() => format!(
            "CREATE {unlogged}TABLE {} PARTITION OF {} {}",
            quote_qname(q),
            quote_qname(&p.parent),
            p.bound
        ),
        Some(p) => format!(
            "CREATE {unlogged}TABLE {} PARTITION OF {} (\n{body}\n) {}",
            quote_qname(q),
            quote_qname(&p.parent),
            p.bound
        ),
        None if lines.is_empty() => format!("CREATE {unlogged}TABLE {} ()", quote_qname(q)),
        None => format!("CREATE {unlogged}TABLE {} (\n{body}\n)", quote_qname(q)),
    };
    if !t.inherits.is_empty() && t.partition_of.is_none() {
        let parents = t
            .inherits
            .iter()
            .map(quote_qname)
            .collect::<Vec<_>>()
            .join(", ");
        s.push_str(&format!(" INHERITS ({parents})"));
    }
    if let Some(by) = &t.partition_by {
        s.push_str(&format!(" PARTITION BY {by}"));
    }
    s
}

pub fn create_index(table: &QName, name: &str, ix: &Index, concurrently: bool) -> String {
    let keys = ix
        .keys
        .iter()
        .map(|k| {
            let mut s = match &k.target {
                KeyTarget::Column(c) => quote_ident(c),
                KeyTarget::Expression(e) => format!("({e})"),
            };
            if let Some(op) = &k.opclass {
                s.push(' ');
                s.push_str(&opclass(op));
            }
            if k.descending {
                s.push_str(" DESC");
            }
            // Only spell out NULLS when it differs from the direction's default.
            if k.nulls_first != k.descending {
                s.push_str(if k.nulls_first {
                    " NULLS FIRST"
                } else {
                    " NULLS LAST"
                });
            }
            s
        })
        .collect::<Vec<_>>()
        .join(", ");
    let mut s = format!(
        "CREATE {}INDEX {}{} ON {} USING {} ({})",
        if ix.unique { "UNIQUE " } else { "" },
        if concurrently { "CONCURRENTLY " } else { "" },
        quote_ident(name),
        quote_qname(table),
        quote_ident(&ix.method),
        keys
    );
    if !ix.include.is_empty() {
        s.push_str(&format!(" INCLUDE ({})", column_list(&ix.include)));
    }
    if ix.nulls_not_distinct {
        s.push_str(" NULLS NOT DISTINCT");
    }
    if let Some(p) = &ix.predicate {
        s.push_str(&format!(" WHERE {p}"));
    }
    s
}

/// An operator class, optionally schema-qualified.
fn opclass(op: &str) -> String {
    match op.split_once('.') {
        Some((s, n)) => format!("{}.{}", quote_ident(s), quote_ident(n)),
        None => quote_ident(op),
    }
}

pub fn create_enum(q: &QName, e: &EnumType) -> String {
    let labels = e
        .labels
        .iter()
        .map(|l| quote_literal(l))
        .collect::<Vec<_>>()
        .join(", ");
    format!("CREATE TYPE {} AS ENUM ({})", quote_qname(q), labels)
}

pub fn create_extension(name: &str, e: &Extension) -> String {
    let mut s = format!("CREATE EXTENSION IF NOT EXISTS {}", quote_ident(name));
    if let Some(schema) = &e.schema {
        s.push_str(&format!(" WITH SCHEMA {}", quote_ident(schema)));
    }
    if let Some(v) = &e.version {
        s.push_str(&format!(" VERSION {}", quote_literal(v)));
    }
    s
}

/// `COMMENT ON <what> IS '...'` or `IS NULL`.
pub fn comment(what: &str, text: Option<&str>) -> String {
    format!(
        "COMMENT ON {what} IS {}",
        text.map_or_else(|| "NULL".to_owned(), quote_literal)
    )
}

/// `CREATE DOMAIN` with its default, NOT NULL and checks.
pub fn create_domain(q: &QName, d: &Domain) -> String {
    let mut s = format!("CREATE DOMAIN {} AS {}", quote_qname(q), col_type(&d.base));
    if let Some(c) = &d.collation {
        s.push_str(&format!(" COLLATE {}", collation(c)));
    }
    if let Some(x) = &d.default {
        s.push_str(&format!(" DEFAULT {x}"));
    }
    if d.not_null {
        s.push_str(" NOT NULL");
    }
    for (name, c) in &d.checks {
        s.push_str(&format!(
            " CONSTRAINT {} CHECK ({})",
            quote_ident(name),
            c.expr
        ));
    }
    s
}

/// `CREATE COLLATION`.
pub fn create_collation(q: &QName, c: &Collation) -> String {
    let mut opts = vec![format!("provider = {}", c.provider)];
    if let Some(l) = &c.locale {
        opts.push(format!("locale = {}", quote_literal(l)));
    }
    if let Some(l) = &c.lc_collate {
        opts.push(format!("lc_collate = {}", quote_literal(l)));
    }
    if let Some(l) = &c.lc_ctype {
        opts.push(format!("lc_ctype = {}", quote_literal(l)));
    }
    if !c.deterministic {
        opts.push("deterministic = false".to_owned());
    }
    format!("CREATE COLLATION {} ({})", quote_qname(q), opts.join(", "))
}

/// `CREATE TYPE ... AS (...)`.
pub fn create_composite(q: &QName, c: &Composite) -> String {
    let attrs = c
        .attributes
        .iter()
        .map(|a| {
            let coll = a
                .collation
                .as_ref()
                .map(|x| format!(" COLLATE {}", collation(x)))
                .unwrap_or_default();
            format!("{} {}{coll}", quote_ident(&a.name), col_type(&a.ty))
        })
        .collect::<Vec<_>>()
        .join(", ");
    format!("CREATE TYPE {} AS ({attrs})", quote_qname(q))
}

/// Every sequence parameter, defaults spelled out, so the catalog ends up exactly as declared.
fn seq_clauses(o: &SeqOptions, data_type: &str) -> String {
    let v = o.effective(data_type);
    format!(
        "INCREMENT BY {} MINVALUE {} MAXVALUE {} START WITH {} CACHE {} {}CYCLE",
        v.increment,
        v.min,
        v.max,
        v.start,
        v.cache,
        if v.cycle { "" } else { "NO " }
    )
}

pub fn create_sequence(q: &QName, s: &Sequence) -> String {
    format!(
        "CREATE SEQUENCE {} AS {} {}",
        quote_qname(q),
        s.data_type,
        seq_clauses(&s.options, &s.data_type)
    )
}

pub fn alter_sequence(q: &QName, s: &Sequence) -> String {
    format!(
        "ALTER SEQUENCE {} AS {} {}",
        quote_qname(q),
        s.data_type,
        seq_clauses(&s.options, &s.data_type)
    )
}

/// ` (INCREMENT BY ...)` after `AS IDENTITY` when the options are not the defaults.
fn seq_options_paren_for(o: &SeqOptions, data_type: &str) -> String {
    if *o == SeqOptions::default() {
        String::new()
    } else {
        format!(" ({})", seq_clauses(o, data_type))
    }
}

/// The same for a column of type `data_type` being given an identity.
pub fn seq_options_paren(o: &SeqOptions, data_type: &str) -> String {
    seq_options_paren_for(o, data_type)
}

/// `SET INCREMENT BY ... SET MINVALUE ...` for `ALTER COLUMN` of an identity column.
pub fn identity_alter(o: &SeqOptions, data_type: &str) -> String {
    let v = o.effective(data_type);
    format!(
        "SET INCREMENT BY {} SET MINVALUE {} SET MAXVALUE {} SET START WITH {} SET CACHE {} SET {}CYCLE",
        v.increment,
        v.min,
        v.max,
        v.start,
        v.cache,
        if v.cycle { "" } else { "NO " }
    )
}

/// `CREATE POLICY`.
pub fn create_policy(q: &QName, name: &str, p: &Policy) -> String {
    let roles = p
        .roles
        .iter()
        .map(|r| {
            if r == "public" {
                "PUBLIC".to_owned()
            } else {
                quote_ident(r)
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    let mut s = format!(
        "CREATE POLICY {} ON {} AS {} FOR {} TO {roles}",
        quote_ident(name),
        quote_qname(q),
        if p.permissive {
            "PERMISSIVE"
        } else {
            "RESTRICTIVE"
        },
        p.command
    );
    if let Some(u) = &p.using {
        s.push_str(&format!(" USING ({u})"));
    }
    if let Some(c) = &p.with_check {
        s.push_str(&format!(" WITH CHECK ({c})"));
    }
    s
}

/// `CREATE [OR REPLACE] [MATERIALIZED] VIEW`.
pub fn create_view(q: &QName, v: &View, or_replace: bool) -> String {
    let kind = if v.materialized {
        "MATERIALIZED VIEW"
    } else {
        "VIEW"
    };
    let options = if v.options.is_empty() {
        String::new()
    } else {
        format!(" WITH ({})", v.options.join(", "))
    };
    format!(
        "CREATE {}{kind} {}{options} AS\n{}",
        if or_replace { "OR REPLACE " } else { "" },
        quote_qname(q),
        v.definition
    )
}

/// `COMMENT ON` a view and its columns.
pub fn view_comments(q: &QName, v: &View) -> Vec<String> {
    let kind = if v.materialized {
        "MATERIALIZED VIEW"
    } else {
        "VIEW"
    };
    let mut out = Vec::new();
    if let Some(c) = &v.comment {
        out.push(comment(&format!("{kind} {}", quote_qname(q)), Some(c)));
    }
    for col in &v.columns {
        if let Some(c) = &col.comment {
            out.push(comment(
                &format!("COLUMN {}.{}", quote_qname(q), quote_ident(&col.name)),
                Some(c),
            ));
        }
    }
    out
}

/// `COMMENT ON` statements for everything a table carries a comment on.
pub fn table_comments(q: &QName, t: &Table) -> Vec<String> {
    let mut out = Vec::new();
    let qt = quote_qname(q);
    if let Some(c) = &t.comment {
        out.push(comment(&format!("TABLE {qt}"), Some(c)));
    }
    for col in &t.columns {
        if let Some(c) = &col.comment {
            out.push(comment(
                &format!("COLUMN {qt}.{}", quote_ident(&col.name)),
                Some(c),
            ));
        }
    }
    let constraint = |name: &str| format!("CONSTRAINT {} ON {qt}", quote_ident(name));
    if let Some(pk) = &t.primary_key
        && let Some(c) = &pk.comment
    {
        out.push(comment(&constraint(&pk.name), Some(c)));
    }
    for (name, u) in &t.uniques {
        if let Some(c) = &u.comment {
            out.push(comment(&constraint(name), Some(c)));
        }
    }
    for (name, ch) in &t.checks {
        if let Some(c) = &ch.comment {
            out.push(comment(&constraint(name), Some(c)));
        }
    }
    for (name, fk) in &t.foreign_keys {
        if let Some(c) = &fk.comment {
            out.push(comment(&constraint(name), Some(c)));
        }
    }
    for (name, ix) in &t.indexes {
        if let Some(c) = &ix.comment {
            out.push(comment(
                &format!(
                    "INDEX {}",
                    quote_qname(&QName::new(q.schema.clone(), name.clone()))
                ),
                Some(c),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::pg::{Identity, IndexKey};

    #[test]
    fn column_definitions() {
        let mut c = Column::new("order", ColType::builtin("character varying(255)"));
        c.not_null = true;
        c.default = Some("'x'".into());
        assert_eq!(
            column_def(&c),
            "\"order\" character varying(255) NOT NULL DEFAULT 'x'"
        );
        let mut id = Column::new("id", ColType::builtin("bigint"));
        id.identity = Some(Identity::Always);
        id.not_null = true;
        assert_eq!(
            column_def(&id),
            "\"id\" bigint GENERATED ALWAYS AS IDENTITY NOT NULL"
        );
        let e = Column::new(
            "role",
            ColType::user(QName::new("public", "message_role")).array_of(),
        );
        assert_eq!(column_def(&e), "\"role\" \"public\".\"message_role\"[]");
    }

    #[test]
    fn index_definitions() {
        let ix = Index {
            unique: true,
            method: "btree".into(),
            keys: vec![
                IndexKey {
                    descending: true,
                    nulls_first: false,
                    ..IndexKey::column("a")
                },
                IndexKey {
                    target: KeyTarget::Expression("lower(b)".into()),
                    ..IndexKey::column("")
                },
            ],
            include: vec!["c".into()],
            predicate: Some("a IS NOT NULL".into()),
            nulls_not_distinct: true,
            valid: true,
            comment: None,
        };
        assert_eq!(
            create_index(&QName::new("public", "t"), "ix", &ix, false),
            "CREATE UNIQUE INDEX \"ix\" ON \"public\".\"t\" USING \"btree\" (\"a\" DESC NULLS LAST, (lower(b))) \
             INCLUDE (\"c\") NULLS NOT DISTINCT WHERE a IS NOT NULL"
        );
    }
}
