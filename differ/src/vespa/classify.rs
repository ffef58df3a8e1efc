//! What Vespa will demand for a change of application: our prediction of the config server's
//! `configChangeActions` and of the validation overrides a deploy needs (the rules of the
//! change-action table in `notes/vespa.md` §6, as Vespa 8 applies them to indexed content
//! clusters). Pure: two [`App`]s in, a list of [`Change`]s out, each with the [`Action`]s it
//! triggers. `plan --verify` compares this prediction with the server's own (a dry-run prepare)
//! and reports any disagreement.

use std::fmt;

use super::app::App;
use super::sd::{Field, IlExpr, IndexingScript, Schema, StructField};
use super::services::DocMode;
use crate::plan::{HazardKind, Op, ValidationId};

/// What Vespa asks of the operator after the deploy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ActionKind {
    Restart,
    Reindex,
    Refeed,
    /// No follow-up, but the deploy is refused without the validation override.
    None,
}

impl ActionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Restart => "restart",
            ActionKind::Reindex => "reindex",
            ActionKind::Refeed => "refeed",
            ActionKind::None => "none",
        }
    }
}

/// One predicted change action.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Action {
    pub kind: ActionKind,
    pub validation_id: Option<ValidationId>,
    pub cluster: String,
    pub document_type: Option<String>,
    /// Vespa's wording, e.g. `Field 'f' changed: add attribute aspect`.
    pub message: String,
}

impl Action {
    /// The plan hazards this action carries.
    pub fn hazards(&self) -> Vec<HazardKind> {
        let mut out = match self.kind {
            ActionKind::Restart => vec![HazardKind::VespaRestart],
            ActionKind::Reindex => vec![HazardKind::VespaReindex],
            ActionKind::Refeed => vec![HazardKind::VespaRefeed],
            ActionKind::None => Vec::new(),
        };
        out.extend(self.validation_id.map(HazardKind::VespaOverride));
        out
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.as_str())?;
        if let Some(id) = self.validation_id {
            write!(f, " ({})", id.as_str())?;
        }
        write!(f, " in cluster {}", self.cluster)?;
        if let Some(d) = &self.document_type {
            write!(f, ", document type {d}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// One reviewable difference between the live and the desired application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub op: Op,
    /// `schema`, `field`, `rank-profile`, `fieldset`, `document-summary`, `content-cluster`,
    /// `document-type`, `file`.
    pub kind: &'static str,
    /// `doc_chunk`, `doc_chunk.embedding`, `doc_chunk.hybrid`, `cluster danswer_index`.
    pub name: String,
    /// For people: `string → int`, `add attribute, fast-search`.
    pub detail: Option<String>,
    pub actions: Vec<Action>,
}

impl Change {
    fn new(op: Op, kind: &'static str, name: String, detail: Option<String>) -> Change {
        Change {
            op,
            kind,
            name,
            detail,
            actions: Vec::new(),
        }
    }
}

/// Every difference between `old` (live) and `new` (desired), with its predicted actions.
/// `old` = `None` is a first deploy: everything is created and Vespa demands nothing.
pub fn changes(old: Option<&App>, new: &App) -> Vec<Change> {
    let Some(old) = old else {
        return new
            .schemas
            .keys()
            .map(|name| Change::new(Op::Create, "schema", name.clone(), None))
            .collect();
    };
    let mut out = Vec::new();
    services(old, new, &mut out);
    for (name, s) in &new.schemas {
        match old.schemas.get(name) {
            None => out.push(Change::new(Op::Create, "schema", name.clone(), None)),
            Some(o) => schema(old, new, o, s, &mut out),
        }
    }
    for name in old.schemas.keys() {
        if !new.schemas.contains_key(name) {
            // The action (schema-removal) comes from services.xml; attach it here.
            let mut c = Change::new(Op::Drop, "schema", name.clone(), None);
            if let Some(i) = out.iter().position(|c| {
                c.kind == "document-type"
                    && c.op == Op::Drop
                    && c.name.ends_with(&format!("/{name}"))
            }) {
                c.actions = out.remove(i).actions;
            }
            out.push(c);
        }
    }
    if old.documents != new.documents {
        out.push(Change::new(
            Op::Alter,
            "document",
            "document-only files".to_owned(),
            None,
        ));
    }
    out
}

fn services(old: &App, new: &App, out: &mut Vec<Change>) {
    for oc in &old.services.content {
        let Some(nc) = new.services.cluster(&oc.id) else {
            let mut c = Change::new(Op::Drop, "content-cluster", oc.id.clone(), None);
            c.actions.push(Action {
                kind: ActionKind::None,
                validation_id: Some(ValidationId::ContentClusterRemoval),
                cluster: oc.id.clone(),
                document_type: None,
                message: format!(
                    "Content cluster '{}' is removed. This will cause loss of all data in this cluster",
                    oc.id
                ),
            });
            // The containers that routed to it restart to drop it.
            for container in &new.services.containers {
                c.actions.push(Action {
                    kind: ActionKind::Restart,
                    validation_id: None,
                    cluster: container.clone(),
                    document_type: None,
                    message: format!(
                        "Content cluster '{}' is removed: container cluster '{container}' restarts",
                        oc.id
                    ),
                });
            }
            out.push(c);
            continue;
        };
        for od in &oc.documents {
            let name = format!("{}/{}", oc.id, od.type_name);
            let Some(nd) = nc.documents.iter().find(|d| d.type_name == od.type_name) else {
                let mut c = Change::new(Op::Drop, "document-type", name, None);
                c.actions.push(Action {
                    kind: ActionKind::None,
                    validation_id: Some(ValidationId::SchemaRemoval),
                    cluster: oc.id.clone(),
                    document_type: Some(od.type_name.clone()),
                    message: format!(
                        "Schema '{}' is removed in content cluster '{}'. This will cause loss of all data in this schema",
                        od.type_name, oc.id
                    ),
                });
                out.push(c);
                continue;
            };
            if od.mode != nd.mode {
                let mut c = Change::new(
                    Op::Alter,
                    "document-type",
                    name.clone(),
                    Some(format!("mode {} → {}", od.mode.as_str(), nd.mode.as_str())),
                );
                c.actions.push(Action {
                    kind: ActionKind::Reindex,
                    validation_id: Some(ValidationId::IndexingModeChange),
                    cluster: oc.id.clone(),
                    document_type: Some(od.type_name.clone()),
                    message: format!(
                        "Document type '{}' in cluster '{}' changes indexing mode from '{}' to '{}'",
                        od.type_name,
                        oc.id,
                        od.mode.as_str(),
                        nd.mode.as_str()
                    ),
                });
                out.push(c);
            }
            if od.global != nd.global {
                let mut c = Change::new(
                    Op::Alter,
                    "document-type",
                    name,
                    Some(format!("global {} → {}", od.global, nd.global)),
                );
                c.actions.push(Action {
                    kind: ActionKind::None,
                    validation_id: Some(ValidationId::GlobalDocumentChange),
                    cluster: oc.id.clone(),
                    document_type: Some(od.type_name.clone()),
                    message: format!(
                        "Document type {} in cluster {} changed global from {} to {}",
                        od.type_name, oc.id, od.global, nd.global
                    ),
                });
                out.push(c);
            }
        }
        for nd in &nc.documents {
            if !oc.documents.iter().any(|d| d.type_name == nd.type_name) {
                out.push(Change::new(
                    Op::Create,
                    "document-type",
                    format!("{}/{}", oc.id, nd.type_name),
                    None,
                ));
            }
        }
        if oc.redundancy != nc.redundancy || oc.min_redundancy != nc.min_redundancy {
            out.push(Change::new(
                Op::Alter,
                "content-cluster",
                oc.id.clone(),
                Some(format!(
                    "redundancy {} → {}",
                    oc.redundancy.map_or("-".to_owned(), |r| r.to_string()),
                    nc.redundancy.map_or("-".to_owned(), |r| r.to_string())
                )),
            ));
        }
    }
    for nc in &new.services.content {
        if old.services.cluster(&nc.id).is_none() {
            out.push(Change::new(
                Op::Create,
                "content-cluster",
                nc.id.clone(),
                None,
            ));
        }
    }
    if old.services.containers != new.services.containers {
        out.push(Change::new(
            Op::Alter,
            "container-cluster",
            new.services.containers.join(", "),
            None,
        ));
    }
}

/// The cluster a schema's documents live in, and whether they are indexed.
fn placement(app: &App, doc: &str) -> Option<(String, DocMode)> {
    app.services
        .find_document(doc)
        .map(|(c, d)| (c.id.clone(), d.mode))
}

fn schema(old_app: &App, new_app: &App, o: &Schema, n: &Schema, out: &mut Vec<Change>) {
    let doc = n.document_name().to_owned();
    let cluster = placement(new_app, &doc)
        .or_else(|| placement(old_app, &doc))
        .map_or_else(|| "content".to_owned(), |(c, _)| c);
    let ctx = Ctx {
        doc: &doc,
        cluster: &cluster,
    };
    let (od, nd) = (o.document.as_ref(), n.document.as_ref());
    let empty = indexmap::IndexMap::new();
    let of = od.map_or(&empty, |d| &d.fields);
    let nf = nd.map_or(&empty, |d| &d.fields);
    fields(&ctx, &n.name, of, nf, false, out);
    fields(&ctx, &n.name, &o.fields, &n.fields, true, out);
    if od.map(|d| (&d.structs, &d.inherits)) != nd.map(|d| (&d.structs, &d.inherits))
        || o.structs != n.structs
    {
        out.push(Change::new(
            Op::Alter,
            "struct",
            format!("{}.*", n.name),
            None,
        ));
    }
    named(
        &n.name,
        "rank-profile",
        &o.rank_profiles,
        &n.rank_profiles,
        out,
    );
    named(&n.name, "fieldset", &o.fieldsets, &n.fieldsets, out);
    named(
        &n.name,
        "document-summary",
        &o.document_summaries,
        &n.document_summaries,
        out,
    );
    named(
        &n.name,
        "imported-field",
        &o.imported_fields,
        &n.imported_fields,
        out,
    );
    named(&n.name, "constant", &o.constants, &n.constants, out);
    named(&n.name, "onnx-model", &o.onnx_models, &n.onnx_models, out);
    if o.inherits != n.inherits
        || o.stemming != n.stemming
        || o.raw_as_base64_in_summary != n.raw_as_base64_in_summary
        || o.annotations != n.annotations
        || o.indexes != n.indexes
    {
        out.push(Change::new(
            Op::Alter,
            "schema",
            n.name.clone(),
            Some("schema settings".to_owned()),
        ));
    }
}

fn named<T: PartialEq>(
    schema: &str,
    kind: &'static str,
    old: &indexmap::IndexMap<String, T>,
    new: &indexmap::IndexMap<String, T>,
    out: &mut Vec<Change>,
) {
    for (k, v) in new {
        match old.get(k) {
            None => out.push(Change::new(Op::Create, kind, format!("{schema}.{k}"), None)),
            Some(o) if o != v => {
                out.push(Change::new(Op::Alter, kind, format!("{schema}.{k}"), None))
            }
            Some(_) => {}
        }
    }
    for k in old.keys() {
        if !new.contains_key(k) {
            out.push(Change::new(Op::Drop, kind, format!("{schema}.{k}"), None));
        }
    }
}

struct Ctx<'a> {
    doc: &'a str,
    cluster: &'a str,
}

impl Ctx<'_> {
    fn action(&self, kind: ActionKind, id: Option<ValidationId>, message: String) -> Action {
        Action {
            kind,
            validation_id: id,
            cluster: self.cluster.to_owned(),
            document_type: Some(self.doc.to_owned()),
            message: format!("Document type '{}': {message}", self.doc),
        }
    }
}

fn fields(
    ctx: &Ctx<'_>,
    schema: &str,
    old: &indexmap::IndexMap<String, Field>,
    new: &indexmap::IndexMap<String, Field>,
    synthetic: bool,
    out: &mut Vec<Change>,
) {
    for (name, nf) in new {
        let full = format!("{schema}.{name}");
        match old.get(name) {
            None => {
                let mut c = Change::new(Op::Create, "field", full, Some(nf.ty.sd_syntax()));
                if synthetic
                    && nf
                        .indexing
                        .as_ref()
                        .is_some_and(|s| !s.input_fields().is_empty())
                {
                    c.actions.push(Action {
                        kind: ActionKind::Reindex,
                        validation_id: None,
                        cluster: ctx.cluster.to_owned(),
                        document_type: Some(ctx.doc.to_owned()),
                        message: format!(
                            "Document type '{}': Non-document field '{name}' added; this may be populated by reindexing",
                            ctx.doc
                        ),
                    });
                }
                out.push(c);
            }
            Some(of) if of != nf => {
                let (details, actions) = field(ctx, of, nf);
                let mut c = Change::new(
                    Op::Alter,
                    "field",
                    full,
                    Some(if details.is_empty() {
                        "settings".to_owned()
                    } else {
                        details.join(", ")
                    }),
                );
                c.actions = actions;
                out.push(c);
            }
            Some(_) => {}
        }
    }
    for (name, of) in old {
        if !new.contains_key(name) {
            out.push(Change::new(
                Op::Drop,
                "field",
                format!("{schema}.{name}"),
                Some(of.ty.sd_syntax()),
            ));
        }
    }
}

/// The indexing script without the `summary` and `attribute` outputs (adding or removing those
/// alone needs no reindexing).
fn without_outputs(s: Option<&IndexingScript>) -> Vec<Vec<IlExpr>> {
    s.map(|s| {
        s.statements
            .iter()
            .map(|st| {
                st.pipeline
                    .iter()
                    .filter(|e| !matches!(e, IlExpr::Call { name, .. } if name == "summary" || name == "attribute"))
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .filter(|p| p.len() > 1 || p.iter().any(|e| !matches!(e, IlExpr::Call { name, .. } if name == "input")))
            .collect()
    })
    .unwrap_or_default()
}

/// What changed on one field, and what Vespa demands for it.
fn field(ctx: &Ctx<'_>, o: &Field, n: &Field) -> (Vec<String>, Vec<Action>) {
    let mut details = Vec::new();
    let mut actions = Vec::new();
    let name = &n.name;
    let changed = |what: &str| format!("Field '{name}' changed: {what}");
    if o.ty != n.ty {
        details.push(format!("{} → {}", o.ty.sd_syntax(), n.ty.sd_syntax()));
        actions.push(ctx.action(
            ActionKind::Refeed,
            Some(ValidationId::FieldTypeChange),
            changed(&format!("data type: '{}' -> '{}'", o.ty, n.ty)),
        ));
    }
    // Attribute aspect and its settings.
    match (o.has_attribute(), n.has_attribute()) {
        (false, true) => {
            details.push("add attribute".to_owned());
            actions.push(ctx.action(ActionKind::Restart, None, changed("add attribute aspect")));
        }
        (true, false) => {
            details.push("remove attribute".to_owned());
            if !(o.has_index() && n.has_index()) {
                actions.push(ctx.action(
                    ActionKind::Restart,
                    None,
                    changed("remove attribute aspect"),
                ));
            }
        }
        _ => {}
    }
    if o.has_attribute() && n.has_attribute() {
        let (oa, na) = (&o.attribute, &n.attribute);
        let toggles = [
            ("fast-search", oa.fast_search, na.fast_search),
            ("fast-access", oa.fast_access, na.fast_access),
            ("fast-rank", oa.fast_rank, na.fast_rank),
            ("paged", oa.paged, na.paged),
            ("filter", o.rank.filter, n.rank.filter),
        ];
        for (what, before, after) in toggles {
            if before == after {
                continue;
            }
            let verb = if after { "add" } else { "remove" };
            details.push(format!("{verb} {what}"));
            let id = (what == "paged" && !after).then_some(ValidationId::PagedSettingRemoval);
            actions.push(ctx.action(
                ActionKind::Restart,
                id,
                changed(&format!("{verb} attribute '{what}'")),
            ));
        }
        if o.dictionary != n.dictionary {
            details.push("dictionary".to_owned());
            actions.push(ctx.action(
                ActionKind::Restart,
                None,
                changed("change property 'dictionary'"),
            ));
        }
        if oa.distance_metric != na.distance_metric {
            details.push(format!(
                "distance-metric {} → {}",
                oa.distance_metric.as_str(),
                na.distance_metric.as_str()
            ));
            let id = (o.hnsw().is_some() && n.hnsw().is_some())
                .then_some(ValidationId::HnswSettingsChange);
            actions.push(ctx.action(
                ActionKind::Restart,
                id,
                changed(&format!(
                    "change property 'distance-metric' from '{}' to '{}'",
                    oa.distance_metric.vespa_name(),
                    na.distance_metric.vespa_name()
                )),
            ));
        }
        match (o.hnsw(), n.hnsw()) {
            (None, Some(_)) | (Some(_), None) => {
                let verb = if n.hnsw().is_some() { "add" } else { "remove" };
                details.push(format!("{verb} hnsw index"));
                // A plain restart: the override covers changing an existing graph.
                actions.push(ctx.action(
                    ActionKind::Restart,
                    None,
                    changed(&format!("{verb} hnsw index")),
                ));
            }
            (Some(oh), Some(nh)) => {
                if oh.max_links_per_node != nh.max_links_per_node {
                    details.push(format!(
                        "max-links-per-node {} → {}",
                        oh.max_links_per_node, nh.max_links_per_node
                    ));
                    actions.push(ctx.action(
                        ActionKind::Restart,
                        Some(ValidationId::HnswSettingsChange),
                        changed(&format!(
                            "change hnsw index property 'max-links-per-node' from '{}' to '{}'",
                            oh.max_links_per_node, nh.max_links_per_node
                        )),
                    ));
                }
                if oh.neighbors_to_explore_at_insert != nh.neighbors_to_explore_at_insert {
                    details.push(format!(
                        "neighbors-to-explore-at-insert {} → {}",
                        oh.neighbors_to_explore_at_insert, nh.neighbors_to_explore_at_insert
                    ));
                    actions.push(ctx.action(
                        ActionKind::Restart,
                        None,
                        changed(&format!(
                            "change hnsw index property 'neighbors-to-explore-at-insert' from '{}' to '{}'",
                            oh.neighbors_to_explore_at_insert, nh.neighbors_to_explore_at_insert
                        )),
                    ));
                }
            }
            (None, None) => {}
        }
    }
    // Struct-field attributes.
    struct_fields(
        ctx,
        name,
        &o.struct_fields,
        &n.struct_fields,
        &mut details,
        &mut actions,
    );
    // Indexing: anything beyond adding or removing summary/attribute outputs, and the settings
    // that shape the index.
    let script_changed =
        without_outputs(o.indexing.as_ref()) != without_outputs(n.indexing.as_ref());
    let index_shape_changed = (o.has_index() || n.has_index())
        && (o.stemming != n.stemming
            || o.normalizing != n.normalizing
            || o.match_settings != n.match_settings);
    if script_changed || index_shape_changed {
        let show =
            |s: &Option<IndexingScript>| s.as_ref().map_or(String::new(), ToString::to_string);
        details.push(if script_changed {
            format!("indexing '{}' → '{}'", show(&o.indexing), show(&n.indexing))
        } else {
            "matching or stemming".to_owned()
        });
        let mut what = Vec::new();
        match (o.has_index(), n.has_index()) {
            (false, true) => what.push("add index aspect".to_owned()),
            (true, false) => what.push("remove index aspect".to_owned()),
            _ => {}
        }
        if script_changed {
            what.push(format!(
                "indexing script: '{}' -> '{}'",
                show(&o.indexing),
                show(&n.indexing)
            ));
        } else {
            what.push("matching settings".to_owned());
        }
        actions.push(ctx.action(
            ActionKind::Reindex,
            Some(ValidationId::IndexingChange),
            changed(&what.join(", ")),
        ));
    } else if o.indexing != n.indexing {
        // Only summary/attribute outputs moved (attribute changes are handled above).
        if o.has_summary() != n.has_summary() {
            details.push(
                if n.has_summary() {
                    "add summary"
                } else {
                    "remove summary"
                }
                .to_owned(),
            );
        }
    }
    if details.is_empty() {
        details.push("settings".to_owned());
    }
    (details, actions)
}

fn struct_fields(
    ctx: &Ctx<'_>,
    field: &str,
    old: &indexmap::IndexMap<String, StructField>,
    new: &indexmap::IndexMap<String, StructField>,
    details: &mut Vec<String>,
    actions: &mut Vec<Action>,
) {
    let names: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for sub in names {
        let before = old.get(sub).is_some_and(StructField::has_attribute);
        let after = new.get(sub).is_some_and(StructField::has_attribute);
        if before != after {
            let verb = if after { "add" } else { "remove" };
            details.push(format!("{verb} attribute on {field}.{sub}"));
            actions.push(ctx.action(
                ActionKind::Restart,
                None,
                format!("Field '{field}.{sub}' changed: {verb} attribute aspect"),
            ));
        }
        if let (Some(o), Some(n)) = (old.get(sub), new.get(sub)) {
            struct_fields(
                ctx,
                &format!("{field}.{sub}"),
                &o.struct_fields,
                &n.struct_fields,
                details,
                actions,
            );
        }
    }
}
