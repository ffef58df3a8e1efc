//! `seadiff inspect`: the live schema as seadiff reads it.

use std::fmt::Write;

use differ::model::pg::{Catalog, KeyTarget};
use differ::postgres;

use super::Live;
use crate::args::{Cli, InspectFormat};
use crate::failure::{Failure, exit};
use crate::printer::Printer;

pub(super) async fn run(
    cli: &Cli,
    printer: &mut Printer,
    format: InspectFormat,
) -> Result<u8, Failure> {
    let mut live = Live::open(cli, printer).await?;
    let current = live.read(printer).await?;
    let text = match format {
        InspectFormat::Json => {
            let doc = serde_json::json!({
                "format_version": differ::postgres::source::SNAPSHOT_VERSION,
                "kind": "postgres-catalog",
                "server_version": current.server_version,
                "catalog": current.catalog,
            });
            let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
            s.push('\n');
            s
        }
        InspectFormat::Sql => postgres::dump(&current.catalog)
            .into_iter()
            .map(|s| format!("{s};\n"))
            .collect(),
        InspectFormat::Text => text(&current.catalog),
    };
    printer.out(&text);
    Ok(exit::OK)
}

fn text(c: &Catalog) -> String {
    let mut out = String::new();
    for (name, e) in &c.extensions {
        let _ = writeln!(
            out,
            "extension {name} {}",
            e.version.as_deref().unwrap_or("")
        );
    }
    for (q, e) in &c.enums {
        let _ = writeln!(out, "enum {q} ({})", e.labels.join(", "));
    }
    for (q, t) in &c.tables {
        let _ = writeln!(out, "table {q}");
        for col in &t.columns {
            let mut line = format!("  {} {}", col.name, col.ty);
            if col.not_null {
                line.push_str(" not null");
            }
            if let Some(d) = &col.default {
                let _ = write!(line, " default {d}");
            }
            if let Some(id) = col.identity {
                let _ = write!(line, " identity {}", id.sql().to_ascii_lowercase());
            }
            let _ = writeln!(out, "{line}");
        }
        if let Some(pk) = &t.primary_key {
            let _ = writeln!(out, "  primary key {} ({})", pk.name, pk.columns.join(", "));
        }
        for (n, u) in &t.uniques {
            let _ = writeln!(out, "  unique {n} ({})", u.columns.join(", "));
        }
        for (n, ch) in &t.checks {
            let _ = writeln!(out, "  check {n} ({})", ch.expr);
        }
        for (n, fk) in &t.foreign_keys {
            let _ = writeln!(
                out,
                "  foreign key {n} ({}) → {} ({}) on delete {}",
                fk.columns.join(", "),
                fk.ref_table,
                fk.ref_columns.join(", "),
                fk.on_delete.words()
            );
        }
        for (n, ix) in &t.indexes {
            let keys: Vec<String> = ix
                .keys
                .iter()
                .map(|k| match &k.target {
                    KeyTarget::Column(c) => c.clone(),
                    KeyTarget::Expression(e) => format!("({e})"),
                })
                .collect();
            let _ = writeln!(
                out,
                "  {}index {n} {} ({}){}",
                if ix.unique { "unique " } else { "" },
                ix.method,
                keys.join(", "),
                ix.predicate
                    .as_ref()
                    .map(|p| format!(" where {p}"))
                    .unwrap_or_default()
            );
        }
    }
    for u in &c.unmanaged {
        let _ = writeln!(out, "not managed: {} {} ({})", u.kind, u.name, u.reason);
    }
    out
}
