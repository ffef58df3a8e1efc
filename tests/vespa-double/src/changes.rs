//! Change validation between the active model and a new one: the double's own implementation
//! of Vespa's change validators (`IndexingModeChangeValidator`, `GlobalDocumentChangeValidator`,
//! `IndexedSearchClusterChangeValidator` with its attribute / struct-field / indexing-script /
//! document-type validators, `StreamingSearchClusterChangeValidator`,
//! `ContentTypeRemovalValidator`, `ContentClusterRemovalValidator`), and the grouping of the
//! resulting actions into `configChangeActions` and deploy-log lines.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::Profile;
use crate::clock::Millis;
use crate::model::{AppModel, Attribute, DataType, Field, Mode, Schema, Service, print_script};
use crate::overrides::Overrides;

/// What an action asks of the operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ActionKind {
    Restart,
    Refeed,
    Reindex,
}

/// One config change action (Vespa's `VespaRestartAction` / `VespaRefeedAction` /
/// `VespaReindexAction`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Action {
    pub(crate) kind: ActionKind,
    /// The validation id; an action with one needs an override.
    pub(crate) id: Option<&'static str>,
    pub(crate) message: String,
    pub(crate) services: Vec<Service>,
    pub(crate) document_type: String,
}

/// The outcome of the change validators: actions, and failed validations by id (in first-seen
/// order), each with its messages.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Validation {
    pub(crate) actions: Vec<Action>,
    pub(crate) failures: Vec<(&'static str, Vec<String>)>,
}

impl Validation {
    fn invalid(&mut self, id: &'static str, message: String) {
        match self.failures.iter_mut().find(|(i, _)| *i == id) {
            Some((_, messages)) => messages.push(message),
            None => self.failures.push((id, vec![message])),
        }
    }

    fn require(&mut self, action: Action) {
        if let Some(id) = action.id {
            self.invalid(id, action.message.clone());
        }
        self.actions.push(action);
    }

    /// The failures not allowed by `overrides` at `now`.
    pub(crate) fn disallowed(
        &self,
        overrides: &Overrides,
        now: Millis,
    ) -> Vec<(&'static str, Vec<String>)> {
        self.failures
            .iter()
            .filter(|(id, _)| !overrides.allows(id, now))
            .cloned()
            .collect()
    }
}

/// A field-level change before the document-type prefix and services are added.
struct Change {
    kind: ActionKind,
    id: Option<&'static str>,
    message: String,
}

fn field_change(field: &str, changes: &[String]) -> String {
    format!("Field '{field}' changed: {}", changes.join(", "))
}

/// Runs the change validators for `next` against the active `prev`.
pub(crate) fn validate(
    prev: &AppModel,
    next: &AppModel,
    overrides: &Overrides,
    now: Millis,
    profile: Profile,
) -> Validation {
    let mut v = Validation::default();
    indexing_mode(prev, next, &mut v);
    global_documents(prev, next, overrides, now, &mut v);
    document_databases(prev, next, profile, &mut v);
    schema_removal(prev, next, &mut v);
    cluster_removal(prev, next, &mut v);
    v
}

fn indexing_mode(prev: &AppModel, next: &AppModel, v: &mut Validation) {
    let pairs = [
        (Mode::Streaming, Mode::Index),
        (Mode::Index, Mode::Streaming),
        (Mode::StoreOnly, Mode::Index),
        (Mode::Index, Mode::StoreOnly),
    ];
    for cur in &prev.content {
        let Some(nxt) = next.content_cluster(&cur.id) else {
            continue;
        };
        for (from, to) in pairs {
            for (doc, spec) in &nxt.documents {
                if spec.mode == to && cur.document(doc).is_some_and(|c| c.mode == from) {
                    v.require(Action {
                        kind: ActionKind::Reindex,
                        id: Some("indexing-mode-change"),
                        message: format!(
                            "Document type '{doc}' in cluster '{}' changed indexing mode from '{}' to '{}'",
                            nxt.id,
                            from.describe(),
                            to.describe()
                        ),
                        services: next.search_nodes(&nxt.id),
                        document_type: doc.clone(),
                    });
                }
            }
        }
    }
}

fn global_documents(
    prev: &AppModel,
    next: &AppModel,
    overrides: &Overrides,
    now: Millis,
    v: &mut Validation,
) {
    for cur in &prev.content {
        let Some(nxt) = next.content_cluster(&cur.id) else {
            continue;
        };
        for (doc, spec) in &cur.documents {
            let Some(next_spec) = nxt.document(doc) else {
                continue;
            };
            if spec.global != next_spec.global && !overrides.allows("global-document-change", now) {
                // self-hosted: the reason and the instructions are joined without a separator
                v.invalid(
                    "global-document-change",
                    format!(
                        "Document type {doc} in cluster {} changed global from {} to {}To handle this change, first stop services on all content nodes. Then, deploy with validation override. Finally, start services on all content nodes",
                        cur.id, spec.global, next_spec.global
                    ),
                );
            }
        }
    }
}

fn document_databases(prev: &AppModel, next: &AppModel, profile: Profile, v: &mut Validation) {
    for cur in &prev.content {
        let Some(nxt) = next.content_cluster(&cur.id) else {
            continue;
        };
        let services = next.search_nodes(&nxt.id);
        for (doc, spec) in &cur.documents {
            let Some(next_spec) = nxt.document(doc) else {
                continue;
            };
            let (Some(cs), Some(ns)) = (prev.schemas.get(doc), next.schemas.get(doc)) else {
                continue;
            };
            let changes = match (spec.mode, next_spec.mode) {
                (Mode::Index, Mode::Index) => indexed_database(cs, ns, profile, v),
                (Mode::Streaming, Mode::Streaming) => streaming_database(cs, ns),
                (Mode::StoreOnly, Mode::StoreOnly) => document_type(cs, ns),
                _ => Vec::new(), // a mode change: indexing-mode-change covers it
            };
            for change in changes {
                v.require(Action {
                    kind: change.kind,
                    id: change.id,
                    message: format!("Document type '{doc}': {}", change.message),
                    services: services.clone(),
                    document_type: doc.clone(),
                });
            }
        }
    }
}

fn indexed_database(
    cur: &Schema,
    next: &Schema,
    profile: Profile,
    v: &mut Validation,
) -> Vec<Change> {
    let mut out = attributes(cur, next, profile, v);
    out.extend(struct_field_attributes(cur, next, profile));
    out.extend(indexing_scripts(cur, next));
    out.extend(document_type(cur, next));
    out
}

fn restart(message: String) -> Change {
    Change {
        kind: ActionKind::Restart,
        id: None,
        message,
    }
}

fn attributes(cur: &Schema, next: &Schema, profile: Profile, v: &mut Validation) -> Vec<Change> {
    let mut out = Vec::new();
    let next_attributes = next.attributes();
    for (name, _) in &next_attributes {
        if cur.attribute(name).is_none() && cur.field(name).is_some() {
            out.push(restart(field_change(
                name,
                &["add attribute aspect".into()],
            )));
        }
    }
    for (name, _) in cur.attributes() {
        let index_both = cur.is_index_field(&name) && next.is_index_field(&name);
        if next.attribute(&name).is_none() && next.field(&name).is_some() && !index_both {
            out.push(restart(field_change(
                &name,
                &["remove attribute aspect".into()],
            )));
        }
    }
    let newer = profile == Profile::Newer;
    for (name, n) in &next_attributes {
        let Some(c) = cur.attribute(name) else {
            continue;
        };
        let hnsw_both = c.hnsw.is_some() && n.hnsw.is_some();
        let predicate = |test: fn(&Attribute) -> bool, setting: &str, out: &mut Vec<Change>| {
            if test(c) != test(n) {
                let change = if test(n) { "add" } else { "remove" };
                out.push(restart(field_change(
                    name,
                    &[format!("{change} attribute '{setting}'")],
                )));
            }
        };
        let property = |value: fn(&Attribute) -> String,
                        setting: &str,
                        out: &mut Vec<Change>,
                        v: &mut Validation| {
            let (from, to) = (value(c), value(n));
            if from != to {
                let message = format!("change property '{setting}' from '{from}' to '{to}'");
                if hnsw_both && newer {
                    v.invalid(
                        "hnsw-settings-change",
                        format!("{message}. This requires the hnsw index to be rebuilt during initialization, which may take a long time"),
                    );
                }
                out.push(restart(field_change(name, &[message])));
            }
        };
        predicate(|a| a.fast_search, "fast-search", &mut out);
        predicate(|a| a.fast_rank, "fast-rank", &mut out);
        predicate(|a| a.fast_access, "fast-access", &mut out);
        property(
            |a| a.dictionary_type.clone(),
            "dictionary: btree/hash",
            &mut out,
            v,
        );
        property(
            |a| a.dictionary_case.clone(),
            "dictionary: cased/uncased",
            &mut out,
            v,
        );
        predicate(|a| a.paged, "paged", &mut out);
        if c.paged && !n.paged {
            v.invalid(
                "paged-setting-removal",
                format!("Attribute '{name}' has setting 'paged' removed. This may cause content nodes to run out of memory as the entire attribute is loaded into memory"),
            );
        }
        property(
            |a| a.dense_posting_list_threshold.clone(),
            "dense-posting-list-threshold",
            &mut out,
            v,
        );
        predicate(|a| a.rank_filter, "rank: filter", &mut out);
        property(
            |a| a.distance_metric.clone(),
            "distance-metric",
            &mut out,
            v,
        );
        predicate(|a| a.hnsw.is_some(), "indexing: index", &mut out);
        if let (Some(ch), Some(nh)) = (c.hnsw, n.hnsw) {
            let settings = [
                (
                    "max-links-per-node",
                    ch.max_links_per_node,
                    nh.max_links_per_node,
                ),
                (
                    "neighbors-to-explore-at-insert",
                    ch.neighbors_to_explore_at_insert,
                    nh.neighbors_to_explore_at_insert,
                ),
            ];
            for (setting, from, to) in settings {
                if from != to {
                    let message =
                        format!("change hnsw index property '{setting}' from '{from}' to '{to}'");
                    if setting == "max-links-per-node" && newer {
                        v.invalid(
                            "hnsw-settings-change",
                            format!("{message}. This requires the hnsw index to be rebuilt during initialization, which may take a long time"),
                        );
                    }
                    out.push(restart(field_change(name, &[message])));
                }
            }
        }
    }
    out
}

/// Whether `field` (current) has the sub-field a struct-field attribute `attr` names.
fn has_field_for_struct_attribute(field: &Field, attr: &str) -> bool {
    let mut parts = attr.split('.');
    if parts.next() != Some(field.name.as_str()) {
        return false;
    }
    let rest: Vec<&str> = parts.collect();
    let is_primitive = |t: &DataType| matches!(t, DataType::Primitive(_));
    match &field.dtype {
        DataType::Array(inner) => match &**inner {
            DataType::Struct(s) => {
                matches!(rest[..], [sub] if s.fields.iter().any(|(n, _)| n == sub))
            }
            _ => false,
        },
        DataType::Map(k, val) if is_primitive(k) => match &**val {
            DataType::Struct(s) => match rest[..] {
                ["key"] => true,
                ["value", sub] => s.fields.iter().any(|(n, _)| n == sub),
                _ => false,
            },
            val if is_primitive(val) => matches!(rest[..], ["key"] | ["value"]),
            _ => false,
        },
        _ => false,
    }
}

fn struct_field_attributes(cur: &Schema, next: &Schema, profile: Profile) -> Vec<Change> {
    let mut out = Vec::new();
    for cf in &cur.fields {
        let Some(nf) = next.field(&cf.name) else {
            continue;
        };
        for (attr, _) in &nf.struct_attributes {
            let existed = cf.struct_attributes.iter().any(|(a, _)| a == attr);
            if has_field_for_struct_attribute(cf, attr) && !existed {
                let message = field_change(attr, &["add attribute aspect".into()]);
                out.push(match profile {
                    Profile::Newer => restart(message),
                    // before Vespa 7.150 this was a refeed
                    Profile::Older => Change {
                        kind: ActionKind::Refeed,
                        id: Some("field-type-change"),
                        message,
                    },
                });
            }
        }
    }
    out
}

fn indexing_scripts(cur: &Schema, next: &Schema) -> Vec<Change> {
    let mut out = Vec::new();
    for nf in next.fields.iter().chain(&next.extra_fields) {
        match cur.concrete_field(&nf.name) {
            Some(cf) => {
                let (cs, ns) = (cur.stemming.as_deref(), next.stemming.as_deref());
                if cf.script_without_outputs(cs) == nf.script_without_outputs(ns) {
                    continue;
                }
                let mut changes = Vec::new();
                if cf.index != nf.index {
                    changes.push(format!(
                        "{} index aspect",
                        if nf.index { "add" } else { "remove" }
                    ));
                }
                if cf.matching != nf.matching {
                    changes.push(format!(
                        "matching: '{}' -> '{}'",
                        cf.matching.describe(),
                        nf.matching.describe()
                    ));
                }
                let (from, to) = (cf.effective_stemming(cs), nf.effective_stemming(ns));
                if from != to {
                    changes.push(format!("stemming: '{from}' -> '{to}'"));
                }
                if cf.normalize_level() != nf.normalize_level() {
                    changes.push(format!(
                        "normalizing: '{}' -> '{}'",
                        cf.normalize_level(),
                        nf.normalize_level()
                    ));
                }
                if cf.summary && nf.summary && cf.summary_transform() != nf.summary_transform() {
                    changes.push(format!(
                        "summary field '{}' transform: '{}' -> '{}'",
                        nf.name,
                        cf.summary_transform(),
                        nf.summary_transform()
                    ));
                }
                changes.push(format!(
                    "indexing script: '{}' -> '{}'",
                    print_script(&cf.processed_script(cs)),
                    print_script(&nf.processed_script(ns))
                ));
                out.push(Change {
                    kind: ActionKind::Reindex,
                    id: Some("indexing-change"),
                    message: field_change(&nf.name, &changes),
                });
            }
            None if next.extra_fields.iter().any(|f| f.name == nf.name) => out.push(Change {
                kind: ActionKind::Reindex,
                id: None,
                message: format!(
                    "Non-document field '{}' added; this may be populated by reindexing",
                    nf.name
                ),
            }),
            None => {}
        }
    }
    out
}

fn document_type(cur: &Schema, next: &Schema) -> Vec<Change> {
    cur.fields
        .iter()
        .filter_map(|cf| {
            let nf = next.field(&cf.name)?;
            cf.dtype.changed_to(&nf.dtype).then(|| Change {
                kind: ActionKind::Refeed,
                id: Some("field-type-change"),
                message: field_change(
                    &cf.name,
                    &[format!(
                        "data type: '{}' -> '{}'",
                        cf.dtype.change_name(&nf.dtype),
                        nf.dtype.change_name(&cf.dtype)
                    )],
                ),
            })
        })
        .collect()
}

fn streaming_database(cur: &Schema, next: &Schema) -> Vec<Change> {
    let mut out = document_type(cur, next);
    let fast_access = |s: &Schema, name: &str| s.attribute(name).is_some_and(|a| a.fast_access);
    for (name, a) in next.attributes() {
        if a.fast_access && !fast_access(cur, &name) {
            out.push(restart(field_change(
                &name,
                &["add fast-access attribute".into()],
            )));
        }
    }
    for (name, a) in cur.attributes() {
        if a.fast_access && !fast_access(next, &name) {
            out.push(restart(field_change(
                &name,
                &["remove fast-access attribute".into()],
            )));
        }
    }
    out
}

fn schema_removal(prev: &AppModel, next: &AppModel, v: &mut Validation) {
    for cur in &prev.content {
        let Some(nxt) = next.content_cluster(&cur.id) else {
            continue;
        };
        for (doc, _) in &cur.documents {
            if nxt.document(doc).is_none() {
                v.invalid(
                    "schema-removal",
                    format!(
                        "Schema '{doc}' is removed in content cluster '{}'. This will cause loss of all data in this schema",
                        cur.id
                    ),
                );
            }
        }
    }
}

fn cluster_removal(prev: &AppModel, next: &AppModel, v: &mut Validation) {
    for cur in &prev.content {
        if next.content_cluster(&cur.id).is_some() {
            continue;
        }
        v.invalid(
            "content-cluster-removal",
            format!(
                "Content cluster '{}' is removed. This will cause loss of all data in this cluster",
                cur.id
            ),
        );
        for container in &next.containers {
            v.require(Action {
                kind: ActionKind::Restart,
                id: None,
                message: format!("Content cluster '{}' has been removed", cur.id),
                services: next.container_services(&container.id),
                document_type: String::new(),
            });
        }
    }
}

/// Actions grouped the way the config server reports them.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Grouped {
    restart: BTreeMap<String, Entry>,
    refeed: BTreeMap<String, Entry>,
    reindex: BTreeMap<String, Entry>,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Entry {
    /// refeed/reindex: the validation id (`reindexing` when none).
    name: String,
    document_type: String,
    cluster_name: String,
    cluster_type: String,
    service_type: String,
    messages: BTreeSet<String>,
    services: Vec<Service>,
}

impl Entry {
    fn add(&mut self, service: &Service, message: &str) {
        if !self.services.contains(service) {
            self.services.push(service.clone());
        }
        self.messages.insert(message.to_owned());
    }
}

/// Groups actions: restart per (cluster type, cluster, service type), refeed and reindex per
/// (name, cluster, document type). Actions without services make no entry.
pub(crate) fn group(actions: &[Action]) -> Grouped {
    let mut g = Grouped::default();
    for action in actions {
        for service in &action.services {
            match action.kind {
                ActionKind::Restart => {
                    let key = format!(
                        "{}.{}.{}.false.false",
                        service.cluster_type, service.cluster, service.kind
                    );
                    g.restart
                        .entry(key)
                        .or_insert_with(|| Entry {
                            cluster_name: service.cluster.clone(),
                            cluster_type: service.cluster_type.clone(),
                            service_type: service.kind.clone(),
                            ..Entry::default()
                        })
                        .add(service, &action.message);
                }
                ActionKind::Refeed | ActionKind::Reindex => {
                    let name = action.id.unwrap_or("reindexing").to_owned();
                    let key = format!("{name}..{}.{}", service.cluster, action.document_type);
                    let map = if action.kind == ActionKind::Refeed {
                        &mut g.refeed
                    } else {
                        &mut g.reindex
                    };
                    map.entry(key)
                        .or_insert_with(|| Entry {
                            name: name.clone(),
                            document_type: action.document_type.clone(),
                            cluster_name: service.cluster.clone(),
                            ..Entry::default()
                        })
                        .add(service, &action.message);
                }
            }
        }
    }
    g
}

fn services_json(services: &[Service]) -> Value {
    Value::Array(
        services
            .iter()
            .map(|s| {
                json!({
                    "serviceName": s.name,
                    "serviceType": s.kind,
                    "configId": s.config_id,
                    "hostName": s.host,
                })
            })
            .collect(),
    )
}

impl Grouped {
    /// The `configChangeActions` object (all three arrays always present).
    pub(crate) fn to_json(&self) -> Value {
        let restart: Vec<Value> = self
            .restart
            .values()
            .map(|e| {
                json!({
                    "clusterName": e.cluster_name,
                    "clusterType": e.cluster_type,
                    "serviceType": e.service_type,
                    "messages": e.messages,
                    "services": services_json(&e.services),
                })
            })
            .collect();
        let named = |map: &BTreeMap<String, Entry>| -> Vec<Value> {
            map.values()
                .map(|e| {
                    json!({
                        "name": e.name,
                        "documentType": e.document_type,
                        "clusterName": e.cluster_name,
                        "messages": e.messages,
                        "services": services_json(&e.services),
                    })
                })
                .collect()
        };
        json!({ "restart": restart, "refeed": named(&self.refeed), "reindex": named(&self.reindex) })
    }

    /// The WARNING lines the deploy log carries for these actions.
    pub(crate) fn log_messages(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.restart.is_empty() {
            let mut text = String::from(
                "Change(s) between active and new application that require restart:\n",
            );
            for e in self.restart.values() {
                text.push_str(&format!(
                    "In cluster '{}' of type '{}':\n",
                    e.cluster_name, e.cluster_type
                ));
                text.push_str(&format!(
                    "    Restart services of type '{}' because:\n",
                    e.service_type
                ));
                for (i, m) in e.messages.iter().enumerate() {
                    text.push_str(&format!("        {}) {m}\n", i + 1));
                }
            }
            out.push(text);
        }
        let mut named = |map: &BTreeMap<String, Entry>, head: &str, verb: &str| {
            if map.is_empty() {
                return;
            }
            let mut text = format!("Change(s) between active and new application that {head}:\n");
            for e in map.values() {
                text.push_str(&format!(
                    "{}: Consider {verb} document type '{}' in cluster '{}' because:\n",
                    e.name, e.document_type, e.cluster_name
                ));
                for (i, m) in e.messages.iter().enumerate() {
                    text.push_str(&format!("    {}) {m}\n", i + 1));
                }
            }
            out.push(text);
        };
        named(
            &self.refeed,
            "may require re-feed",
            "removing data and re-feed",
        );
        named(&self.reindex, "may require re-index", "re-indexing");
        out
    }
}
