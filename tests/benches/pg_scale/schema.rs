//! A deterministic generator of realistic Postgres schemas: N tables of 8 to 20 columns of
//! varied types over several schemas, with enums, a domain, identity keys, foreign keys,
//! checks, unique constraints, composite, partial, expression and GIN indexes, views,
//! triggers and comments; and a script that changes about 2% of those objects.

use std::collections::BTreeSet;
use std::fmt::Write;

pub(crate) const SCHEMAS: [&str; 5] = ["core", "billing", "crm", "inventory", "analytics"];

/// SplitMix64: small, fast, and the same on every machine.
#[derive(Debug)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 > 1.0 - p
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Varchar(u32),
    Text,
    Int,
    BigInt,
    SmallInt,
    Numeric,
    Float,
    Bool,
    Tstz,
    Date,
    Uuid,
    Jsonb,
    TextArray,
    Enum(&'static str),
    Inet,
    Bytea,
    Email,
}

/// Column names and their kinds; a table draws from these without repetition.
const POOL: &[(&str, Kind)] = &[
    ("name", Kind::Varchar(128)),
    ("title", Kind::Varchar(255)),
    ("code", Kind::Varchar(32)),
    ("slug", Kind::Varchar(64)),
    ("external_ref", Kind::Varchar(64)),
    ("city", Kind::Varchar(128)),
    ("country_code", Kind::Varchar(2)),
    ("sku", Kind::Varchar(32)),
    ("description", Kind::Text),
    ("notes", Kind::Text),
    ("body", Kind::Text),
    ("quantity", Kind::Int),
    ("position", Kind::Int),
    ("attempts", Kind::Int),
    ("tenant_id", Kind::BigInt),
    ("size_bytes", Kind::BigInt),
    ("rank", Kind::SmallInt),
    ("amount", Kind::Numeric),
    ("price", Kind::Numeric),
    ("balance", Kind::Numeric),
    ("latitude", Kind::Float),
    ("weight", Kind::Float),
    ("is_active", Kind::Bool),
    ("verified", Kind::Bool),
    ("created_at", Kind::Tstz),
    ("updated_at", Kind::Tstz),
    ("deleted_at", Kind::Tstz),
    ("published_at", Kind::Tstz),
    ("starts_on", Kind::Date),
    ("ends_on", Kind::Date),
    ("public_id", Kind::Uuid),
    ("attrs", Kind::Jsonb),
    ("settings", Kind::Jsonb),
    ("tags", Kind::TextArray),
    ("status", Kind::Enum("status")),
    ("priority", Kind::Enum("priority")),
    ("channel", Kind::Enum("channel")),
    ("ip_address", Kind::Inet),
    ("avatar", Kind::Bytea),
    ("contact_email", Kind::Email),
];

const NOUNS: &[&str] = &[
    "account",
    "order",
    "invoice",
    "payment",
    "customer",
    "product",
    "shipment",
    "ticket",
    "event",
    "session",
    "document",
    "message",
    "campaign",
    "contract",
    "asset",
    "report",
    "subscription",
    "warehouse",
    "supplier",
    "refund",
];

#[derive(Debug, Clone)]
struct Col {
    name: String,
    kind: Kind,
    not_null: bool,
    default: Option<String>,
    comment: Option<String>,
    /// In an index, a constraint or a view: not dropped or retyped by the variant.
    used: bool,
}

#[derive(Debug, Clone)]
struct Fk {
    name: String,
    column: String,
    parent: usize,
    on_delete: &'static str,
}

#[derive(Debug, Clone)]
struct Idx {
    name: String,
    /// Everything after `ON table`.
    def: String,
}

#[derive(Debug, Clone)]
struct View {
    name: String,
    columns: Vec<String>,
    join_parent: Option<usize>,
    comment: Option<String>,
}

#[derive(Debug, Clone)]
struct Table {
    schema: &'static str,
    name: String,
    cols: Vec<Col>,
    fks: Vec<Fk>,
    checks: Vec<(String, String)>,
    uniques: Vec<(String, Vec<String>)>,
    indexes: Vec<Idx>,
    comment: Option<String>,
    view: Option<View>,
    trigger: bool,
}

impl Table {
    fn qname(&self) -> String {
        format!("{}.{}", self.schema, self.name)
    }

    fn col(&self, name: &str) -> Option<&Col> {
        self.cols.iter().find(|c| c.name == name)
    }

    fn mark_used(&mut self, name: &str) {
        if let Some(c) = self.cols.iter_mut().find(|c| c.name == name) {
            c.used = true;
        }
    }
}

/// The generated schema: the script that creates it, and what it holds.
#[derive(Debug)]
pub(crate) struct Generated {
    /// Statements creating the base schema, in chunks of 20 tables (each chunk is one
    /// transaction: its locks must fit the server's lock table).
    pub(crate) chunks: Vec<String>,
    /// Statements turning the base schema into the variant, in chunks likewise.
    pub(crate) changes: Vec<String>,
    pub(crate) views: usize,
    /// Tables, columns, constraints, indexes, views and triggers.
    pub(crate) objects: usize,
    /// Objects the variant adds, drops or alters.
    pub(crate) changed: usize,
}

fn col_type(kind: Kind, schema: &str) -> String {
    match kind {
        Kind::Varchar(n) => format!("varchar({n})"),
        Kind::Text => "text".into(),
        Kind::Int => "integer".into(),
        Kind::BigInt => "bigint".into(),
        Kind::SmallInt => "smallint".into(),
        Kind::Numeric => "numeric(12,2)".into(),
        Kind::Float => "double precision".into(),
        Kind::Bool => "boolean".into(),
        Kind::Tstz => "timestamptz".into(),
        Kind::Date => "date".into(),
        Kind::Uuid => "uuid".into(),
        Kind::Jsonb => "jsonb".into(),
        Kind::TextArray => "text[]".into(),
        Kind::Enum(e) => format!("{schema}.{e}"),
        Kind::Inet => "inet".into(),
        Kind::Bytea => "bytea".into(),
        Kind::Email => format!("{schema}.email"),
    }
}

fn new_col(rng: &mut Rng, name: &str, kind: Kind) -> Col {
    let (not_null, default) = match (name, kind) {
        ("created_at" | "updated_at", _) => (true, Some("now()".to_owned())),
        (_, Kind::Bool) => (true, Some("false".to_owned())),
        (_, Kind::Uuid) => (true, Some("gen_random_uuid()".to_owned())),
        (_, Kind::Jsonb) => (true, Some("'{}'::jsonb".to_owned())),
        (_, Kind::TextArray) => (false, Some("'{}'::text[]".to_owned())),
        ("status", _) => (true, Some("'active'".to_owned())),
        ("priority", _) => (false, Some("'normal'".to_owned())),
        (_, Kind::Int | Kind::SmallInt) if rng.chance(0.5) => (true, Some("0".to_owned())),
        (_, Kind::Numeric) if rng.chance(0.5) => (true, Some("0.00".to_owned())),
        ("name" | "title" | "code", _) => (true, None),
        _ => (rng.chance(0.2), None),
    };
    let comment = rng
        .chance(0.15)
        .then(|| format!("The {} of the record.", name.replace('_', " ")));
    Col {
        name: name.to_owned(),
        kind,
        not_null,
        default,
        comment,
        used: false,
    }
}

fn make_table(rng: &mut Rng, i: usize, schema: &'static str, earlier: &[Table]) -> Table {
    let name = format!("{}_{:05}", rng.pick(NOUNS), i);
    let mut t = Table {
        schema,
        name: name.clone(),
        cols: vec![Col {
            name: "id".into(),
            kind: Kind::BigInt,
            not_null: true,
            default: None,
            comment: None,
            used: true,
        }],
        fks: Vec::new(),
        checks: Vec::new(),
        uniques: Vec::new(),
        indexes: Vec::new(),
        comment: rng
            .chance(0.8)
            .then(|| format!("{} records, generated for the scale benchmark.", name)),
        view: None,
        trigger: false,
    };
    let width = 8 + rng.below(13);
    // Foreign keys to earlier tables.
    let fk_count = if earlier.is_empty() {
        0
    } else if rng.chance(0.2) {
        2
    } else if rng.chance(0.6) {
        1
    } else {
        0
    };
    let mut parents = BTreeSet::new();
    for _ in 0..fk_count {
        // Mostly nearby tables (a module's own tables), sometimes anywhere.
        let parent = if rng.chance(0.7) {
            earlier.len() - 1 - rng.below(earlier.len().min(50))
        } else {
            rng.below(earlier.len())
        };
        if !parents.insert(parent) {
            continue;
        }
        let column = format!("{}_id", earlier[parent].name);
        let required = rng.chance(0.5);
        t.cols.push(Col {
            name: column.clone(),
            kind: Kind::BigInt,
            not_null: required,
            default: None,
            comment: None,
            used: true,
        });
        t.fks.push(Fk {
            name: format!("{name}_{column}_fkey"),
            column,
            parent,
            on_delete: if required { "CASCADE" } else { "SET NULL" },
        });
    }
    let mut pool: Vec<usize> = (0..POOL.len()).collect();
    while t.cols.len() < width && !pool.is_empty() {
        let (n, k) = POOL[pool.swap_remove(rng.below(pool.len()))];
        let c = new_col(rng, n, k);
        t.cols.push(c);
    }
    let has = |t: &Table, c: &str| t.col(c).is_some();
    // Checks.
    for (col, expr) in [
        ("amount", "amount >= 0"),
        ("price", "price >= 0"),
        ("quantity", "quantity >= 0"),
        ("code", "char_length(code) BETWEEN 1 AND 32"),
        ("country_code", "country_code ~ '^[A-Z]{2}$'"),
        ("rank", "rank BETWEEN 0 AND 100"),
    ] {
        if has(&t, col) && rng.chance(0.7) {
            t.checks
                .push((format!("{name}_{col}_check"), expr.to_owned()));
            t.mark_used(col);
        }
    }
    if has(&t, "starts_on") && has(&t, "ends_on") {
        t.checks.push((
            format!("{name}_period_check"),
            "ends_on >= starts_on".into(),
        ));
        t.mark_used("starts_on");
        t.mark_used("ends_on");
    }
    // Unique constraints.
    for col in ["code", "slug", "sku"] {
        if has(&t, col) && rng.chance(0.5) {
            let cols = if has(&t, "tenant_id") {
                vec!["tenant_id".to_owned(), col.to_owned()]
            } else {
                vec![col.to_owned()]
            };
            for c in &cols {
                t.mark_used(c);
            }
            t.uniques.push((format!("{name}_{col}_key"), cols));
        }
    }
    // Indexes.
    for fk in t.fks.clone() {
        if rng.chance(0.8) {
            t.indexes.push(Idx {
                name: format!("{name}_{}_idx", fk.column),
                def: format!("({})", fk.column),
            });
        }
    }
    let add = |t: &mut Table, suffix: &str, def: String, cols: &[&str]| {
        for c in cols {
            t.mark_used(c);
        }
        t.indexes.push(Idx {
            name: format!("{name}_{suffix}"),
            def,
        });
    };
    if has(&t, "status") && has(&t, "created_at") && rng.chance(0.6) {
        add(
            &mut t,
            "status_created_idx",
            "(status, created_at DESC)".into(),
            &["status", "created_at"],
        );
    } else if has(&t, "tenant_id") && has(&t, "updated_at") && rng.chance(0.6) {
        add(
            &mut t,
            "tenant_updated_idx",
            "(tenant_id, updated_at)".into(),
            &["tenant_id", "updated_at"],
        );
    }
    if has(&t, "deleted_at") && has(&t, "created_at") && rng.chance(0.6) {
        add(
            &mut t,
            "live_idx",
            "(created_at) WHERE deleted_at IS NULL".into(),
            &["created_at", "deleted_at"],
        );
    } else if has(&t, "status") && rng.chance(0.4) {
        add(
            &mut t,
            "open_idx",
            "(id) WHERE status <> 'archived'".into(),
            &["status"],
        );
    }
    if has(&t, "name") && rng.chance(0.5) {
        add(&mut t, "lower_name_idx", "(lower(name))".into(), &["name"]);
    } else if has(&t, "contact_email") && rng.chance(0.5) {
        add(
            &mut t,
            "email_idx",
            "(lower(contact_email::text))".into(),
            &["contact_email"],
        );
    }
    if has(&t, "attrs") && rng.chance(0.6) {
        add(
            &mut t,
            "attrs_idx",
            "USING gin (attrs jsonb_path_ops)".into(),
            &["attrs"],
        );
    }
    if has(&t, "tags") && rng.chance(0.6) {
        add(&mut t, "tags_idx", "USING gin (tags)".into(), &["tags"]);
    }
    if has(&t, "public_id") && rng.chance(0.5) {
        add(
            &mut t,
            "public_id_idx",
            "(public_id) INCLUDE (id)".into(),
            &["public_id"],
        );
    }
    // A view on one table in ten, some joined to their parent.
    if rng.chance(0.1) {
        let mut columns: Vec<String> = t
            .cols
            .iter()
            .skip(1)
            .filter(|c| !matches!(c.kind, Kind::Bytea | Kind::Jsonb))
            .take(4)
            .map(|c| c.name.clone())
            .collect();
        columns.insert(0, "id".into());
        for c in &columns {
            t.mark_used(c);
        }
        let join_parent = t.fks.first().map(|f| f.parent);
        t.view = Some(View {
            name: format!("{name}_v"),
            columns,
            join_parent,
            comment: rng.chance(0.5).then(|| format!("Readable {name} rows.")),
        });
    }
    t.trigger = has(&t, "updated_at") && rng.chance(0.15);
    if t.trigger {
        t.mark_used("updated_at");
    }
    t
}

fn create_table(t: &Table, all: &[Table]) -> String {
    let mut s = format!("CREATE TABLE {} (\n", t.qname());
    let mut parts = Vec::new();
    for c in &t.cols {
        let mut p = format!("  {} {}", c.name, col_type(c.kind, t.schema));
        if c.name == "id" {
            p.push_str(" GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
        } else {
            if let Some(d) = &c.default {
                let _ = write!(p, " DEFAULT {d}");
            }
            if c.not_null {
                p.push_str(" NOT NULL");
            }
        }
        parts.push(p);
    }
    for (name, expr) in &t.checks {
        parts.push(format!("  CONSTRAINT {name} CHECK ({expr})"));
    }
    for (name, cols) in &t.uniques {
        parts.push(format!("  CONSTRAINT {name} UNIQUE ({})", cols.join(", ")));
    }
    for fk in &t.fks {
        parts.push(format!(
            "  CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} (id) ON DELETE {}",
            fk.name,
            fk.column,
            all[fk.parent].qname(),
            fk.on_delete
        ));
    }
    s.push_str(&parts.join(",\n"));
    s.push_str("\n);\n");
    for ix in &t.indexes {
        let _ = writeln!(s, "CREATE INDEX {} ON {} {};", ix.name, t.qname(), ix.def);
    }
    if let Some(c) = &t.comment {
        let _ = writeln!(s, "COMMENT ON TABLE {} IS '{c}';", t.qname());
    }
    for c in &t.cols {
        if let Some(text) = &c.comment {
            let _ = writeln!(s, "COMMENT ON COLUMN {}.{} IS '{text}';", t.qname(), c.name);
        }
    }
    if let Some(v) = &t.view {
        s.push_str(&create_view(t, v, all, ""));
    }
    if t.trigger {
        let _ = writeln!(
            s,
            "CREATE TRIGGER {}_touch BEFORE UPDATE ON {} FOR EACH ROW EXECUTE FUNCTION {}.touch_updated_at();",
            t.name,
            t.qname(),
            t.schema
        );
    }
    s
}

fn create_view(t: &Table, v: &View, all: &[Table], extra_where: &str) -> String {
    let cols: Vec<String> = v.columns.iter().map(|c| format!("t.{c}")).collect();
    let mut s = format!(
        "CREATE OR REPLACE VIEW {}.{} AS SELECT {}",
        t.schema,
        v.name,
        cols.join(", ")
    );
    match v.join_parent {
        Some(p) => {
            let fk = &t.fks[0];
            let _ = write!(
                s,
                ", p.id AS parent_ref FROM {} t LEFT JOIN {} p ON p.id = t.{}",
                t.qname(),
                all[p].qname(),
                fk.column
            );
        }
        None => {
            let _ = write!(s, " FROM {} t", t.qname());
        }
    }
    if !extra_where.is_empty() {
        let _ = write!(s, " WHERE {extra_where}");
    }
    s.push_str(";\n");
    if let Some(c) = &v.comment {
        let _ = writeln!(s, "COMMENT ON VIEW {}.{} IS '{c}';", t.schema, v.name);
    }
    s
}

fn preamble() -> String {
    let mut s = String::new();
    for schema in SCHEMAS {
        let _ = write!(
            s,
            "CREATE SCHEMA {schema};
COMMENT ON SCHEMA {schema} IS 'The {schema} module.';
CREATE TYPE {schema}.status AS ENUM ('draft', 'active', 'suspended', 'archived');
CREATE TYPE {schema}.priority AS ENUM ('low', 'normal', 'high', 'urgent');
CREATE TYPE {schema}.channel AS ENUM ('web', 'mobile', 'email', 'api', 'partner');
COMMENT ON TYPE {schema}.status IS 'Lifecycle of a {schema} record.';
CREATE DOMAIN {schema}.email AS text CHECK (VALUE ~ '^[^@]+@[^@]+$');
CREATE SEQUENCE {schema}.ticket_no START 1000;
CREATE FUNCTION {schema}.touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;
"
        );
    }
    s
}

/// Builds the schema of `n` tables from `seed`, and the variant changing about 2% of it.
pub(crate) fn generate(n: usize, seed: u64) -> Generated {
    let mut rng = Rng::new(seed);
    let mut tables: Vec<Table> = Vec::with_capacity(n);
    for i in 0..n {
        let schema = SCHEMAS[i * SCHEMAS.len() / n.max(1)];
        let t = make_table(&mut rng, i, schema, &tables);
        tables.push(t);
    }
    let mut chunks = vec![preamble()];
    for group in tables.chunks(20).enumerate() {
        let start = group.0 * 20;
        let mut s = String::new();
        for t in &tables[start..start + group.1.len()] {
            s.push_str(&create_table(t, &tables));
        }
        chunks.push(s);
    }
    let objects = tables
        .iter()
        .map(|t| {
            1 + t.cols.len()
                + 1
                + t.checks.len()
                + t.uniques.len()
                + t.fks.len()
                + t.indexes.len()
                + usize::from(t.view.is_some())
                + usize::from(t.trigger)
        })
        .sum::<usize>();
    let views = tables.iter().filter(|t| t.view.is_some()).count();
    let (changes, changed) = variant(&mut rng, &tables);
    Generated {
        chunks,
        changes,
        views,
        objects,
        changed,
    }
}

/// The script that changes about 2% of the objects of `tables`: each column, constraint,
/// index, view and table is changed with probability 0.02, plus new tables (1% of N).
fn variant(rng: &mut Rng, tables: &[Table]) -> (Vec<String>, usize) {
    const P: f64 = 0.02;
    let mut s = String::new();
    let mut changed = 0;
    // Tables referenced by a foreign key cannot be dropped.
    let referenced: BTreeSet<usize> = tables
        .iter()
        .flat_map(|t| t.fks.iter().map(|f| f.parent))
        .collect();
    let mut dropped = BTreeSet::new();
    s.push_str("ALTER TYPE core.status ADD VALUE 'pending' AFTER 'draft';\n");
    changed += 1;
    let mut chunks = Vec::new();
    for (i, t) in tables.iter().enumerate() {
        if i > 0 && i % 50 == 0 {
            chunks.push(std::mem::take(&mut s));
        }
        let q = t.qname();
        if rng.chance(P) {
            changed += 1;
            if !referenced.contains(&i) && t.view.is_none() && rng.chance(0.3) {
                let _ = writeln!(s, "DROP TABLE {q};");
                dropped.insert(i);
                continue;
            }
            let _ = writeln!(
                s,
                "COMMENT ON TABLE {q} IS 'Changed: {} records, reviewed.';",
                t.name
            );
        }
        for c in t.cols.iter().skip(1) {
            if !rng.chance(P) {
                continue;
            }
            changed += 1;
            let col = &c.name;
            match (c.used, c.kind, rng.below(4)) {
                (false, _, 0) => {
                    let _ = writeln!(s, "ALTER TABLE {q} DROP COLUMN {col};");
                }
                (false, Kind::Varchar(n), _) => {
                    let _ = writeln!(
                        s,
                        "ALTER TABLE {q} ALTER COLUMN {col} TYPE varchar({});",
                        n + 64
                    );
                }
                (false, Kind::Int | Kind::SmallInt, 1) => {
                    let _ = writeln!(s, "ALTER TABLE {q} ALTER COLUMN {col} TYPE bigint;");
                }
                (_, _, 1 | 2) if c.default.is_none() && !c.not_null => {
                    let _ = writeln!(s, "ALTER TABLE {q} ALTER COLUMN {col} SET NOT NULL;");
                }
                (_, _, 1 | 2) if c.not_null && c.name != "id" && c.default.is_some() => {
                    let _ = writeln!(s, "ALTER TABLE {q} ALTER COLUMN {col} DROP NOT NULL;");
                }
                _ => {
                    let _ = writeln!(
                        s,
                        "COMMENT ON COLUMN {q}.{col} IS 'Changed: the {col} as entered.';"
                    );
                }
            }
        }
        // One new column per table changed at the table level, independently drawn.
        if rng.chance(P) {
            changed += 1;
            let _ = writeln!(
                s,
                "ALTER TABLE {q} ADD COLUMN review_note varchar(200), ADD COLUMN reviewed boolean NOT NULL DEFAULT false;"
            );
        }
        for (name, expr) in &t.checks {
            if rng.chance(P) {
                changed += 1;
                let _ = writeln!(
                    s,
                    "ALTER TABLE {q} DROP CONSTRAINT {name}, ADD CONSTRAINT {name} CHECK ({expr} OR id < 0);"
                );
            }
        }
        for fk in &t.fks {
            if rng.chance(P) && !dropped.contains(&fk.parent) {
                changed += 1;
                let action = if fk.on_delete == "CASCADE" {
                    "RESTRICT"
                } else {
                    "NO ACTION"
                };
                let _ = writeln!(
                    s,
                    "ALTER TABLE {q} DROP CONSTRAINT {0}, ADD CONSTRAINT {0} FOREIGN KEY ({1}) REFERENCES {2} (id) ON DELETE {action};",
                    fk.name,
                    fk.column,
                    tables[fk.parent].qname()
                );
            }
        }
        for ix in &t.indexes {
            if !rng.chance(P) {
                continue;
            }
            changed += 1;
            let _ = writeln!(s, "DROP INDEX {}.{};", t.schema, ix.name);
            if rng.chance(0.5) {
                let def = if ix.def.contains(" WHERE ") || ix.def.starts_with("USING") {
                    ix.def.clone()
                } else {
                    format!("{} WHERE id > 0", ix.def)
                };
                let _ = writeln!(s, "CREATE INDEX {} ON {q} {def};", ix.name);
            }
        }
        if rng.chance(P) {
            changed += 1;
            let _ = writeln!(
                s,
                "CREATE INDEX {}_created_brin ON {q} USING brin (id);",
                t.name
            );
        }
        if let Some(v) = &t.view
            && rng.chance(P * 3.0)
        {
            changed += 1;
            s.push_str(&create_view(t, v, tables, "t.id > 0"));
        }
    }
    // New tables: 1% of N, each referencing surviving tables.
    let new = (tables.len() / 100).max(1);
    let mut survivors: Vec<Table> = tables
        .iter()
        .enumerate()
        .filter(|(j, _)| !dropped.contains(j))
        .map(|(_, t)| t.clone())
        .collect();
    for k in 0..new {
        let i = tables.len() + k;
        let schema = *rng.pick(&SCHEMAS);
        let mut t = make_table(rng, i, schema, &survivors);
        let rename = |name: &mut String| *name = format!("new_{name}");
        rename(&mut t.name);
        t.fks.iter_mut().for_each(|f| rename(&mut f.name));
        t.indexes.iter_mut().for_each(|x| rename(&mut x.name));
        t.checks.iter_mut().for_each(|c| rename(&mut c.0));
        t.uniques.iter_mut().for_each(|u| rename(&mut u.0));
        t.view = None;
        if k % 20 == 0 {
            chunks.push(std::mem::take(&mut s));
        }
        s.push_str(&create_table(&t, &survivors));
        changed += 1;
        survivors.push(t);
    }
    chunks.push(s);
    chunks.retain(|c| !c.is_empty());
    (chunks, changed)
}
