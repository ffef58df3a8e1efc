//! `validation-overrides.xml` and the validation ids it can allow (Vespa's `ValidationOverrides`
//! and `ValidationId`).

use crate::clock::{self, Millis};

/// Validation ids Vespa knows, with the description newer versions print instead of the id.
pub(crate) const VALIDATION_IDS: &[(&str, &str)] = &[
    (
        "access-control",
        "For internal use, used in zones where there should be no access-control",
    ),
    ("certificate-removal", "Remove data plane certificates"),
    ("cluster-size-reduction", "NOT USED"),
    (
        "config-model-version-mismatch",
        "For internal use, allow using config models for a different Vespa version",
    ),
    (
        "content-cluster-removal",
        "Removal (or id change) of content clusters",
    ),
    (
        "schema-removal",
        "Removal of a schema causes deletion of all documents",
    ),
    ("data-plane-token-removal", "Remove data plane token"),
    (
        "deployment-removal",
        "Removal of production zones from deployment.xml",
    ),
    ("field-type-change", "Field type changes"),
    (
        "global-document-change",
        "Changing global attribute for document types in content clusters",
    ),
    ("global-endpoint-change", "Changing global endpoints"),
    ("hnsw-settings-change", "Changes to hnsw index settings"),
    (
        "indexing-change",
        "Changing what tokens are expected and stored in field indexes",
    ),
    (
        "indexing-mode-change",
        "Changing the index mode (streaming, indexed, store-only) of documents",
    ),
    (
        "paged-setting-removal",
        "Removing paged for an attribute. May cause content nodes to run out of memory",
    ),
    ("redundancy-increase", "Not in use"),
    (
        "redundancy-one",
        "Setting redundancy=1 requires a validation override on first deployment",
    ),
    (
        "minimum-node-count",
        "Deploying clusters with fewer than 2 nodes in production requires a validation override on first deployment",
    ),
    (
        "resources-reduction",
        "Large reductions in node resources (> 50% of the current max total resources)",
    ),
    (
        "skip-old-config-models",
        "For internal use, skip building old config models",
    ),
    ("tensor-type-change", "NOT USED"),
    (
        "zone-endpoint-change",
        "Changing zone (possibly private) endpoint settings",
    ),
];

/// The canonical id for `text` (`content-type-removal` is an alias of `schema-removal`), or
/// `None` for an id this version does not know (such allows are ignored).
pub(crate) fn canonical_id(text: &str) -> Option<&'static str> {
    let text = if text == "content-type-removal" {
        "schema-removal"
    } else {
        text
    };
    VALIDATION_IDS
        .iter()
        .find(|(id, _)| *id == text)
        .map(|(id, _)| *id)
}

pub(crate) fn description(id: &str) -> &'static str {
    VALIDATION_IDS
        .iter()
        .find(|(i, _)| *i == id)
        .map_or("", |(_, d)| *d)
}

/// One `<allow until="…">id</allow>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Allow {
    pub(crate) id: &'static str,
    /// Start of the day after `until`: the allow holds while now is before this.
    pub(crate) until: Millis,
}

/// The parsed overrides of a package (empty when the file is absent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Overrides {
    pub(crate) allows: Vec<Allow>,
}

impl Overrides {
    /// Parses the file. Unknown ids are skipped (they may be valid for other versions).
    pub(crate) fn parse(xml: &str) -> Result<Overrides, String> {
        if xml.trim().is_empty() {
            return Ok(Overrides::default());
        }
        let doc = roxmltree::Document::parse(xml).map_err(|e| {
            format!("Invalid XML according to XML schema, error in validation-overrides.xml: {e}")
        })?;
        let root = doc.root_element();
        if root.tag_name().name() != "validation-overrides" {
            return Err(format!(
                "Invalid XML according to XML schema, error in validation-overrides.xml: root element must be 'validation-overrides', not '{}'",
                root.tag_name().name()
            ));
        }
        let mut allows = Vec::new();
        for allow in root
            .children()
            .filter(|n| n.is_element() && n.tag_name().name() == "allow")
        {
            let until_text = allow.attribute("until").unwrap_or("");
            let until = clock::parse_date(until_text).ok_or_else(|| {
                format!("java.time.format.DateTimeParseException: Text '{until_text}' could not be parsed")
            })?;
            let value: String = allow.text().unwrap_or("").trim().to_owned();
            if let Some(id) = canonical_id(&value) {
                allows.push(Allow {
                    id,
                    until: until + clock::day(),
                });
            }
        }
        Ok(Overrides { allows })
    }

    /// Whether `id` is allowed at `now`.
    pub(crate) fn allows(&self, id: &str, now: Millis) -> bool {
        self.allows.iter().any(|a| a.id == id && now < a.until)
    }

    /// The "too far in the future" errors (more than 30 days ahead of `now`).
    pub(crate) fn too_far(&self, now: Millis) -> Vec<String> {
        self.allows
            .iter()
            .filter(|a| now + 30 * clock::day() < a.until)
            .map(|a| {
                format!(
                    "validation-overrides is invalid: allow '{}' until {} is too far in the future: Max 30 days is allowed",
                    a.id,
                    clock::format_instant(a.until)
                )
            })
            .collect()
    }
}

/// The text that asks for an override of `id` (`To allow this add <allow …>`).
pub(crate) fn allow_message(id: &str, newer: bool) -> String {
    let url = if newer {
        "https://docs.vespa.ai/en/reference/applications/validation-overrides.html"
    } else {
        "https://docs.vespa.ai/en/reference/validation-overrides.html"
    };
    format!(
        "To allow this add <allow until='yyyy-mm-dd'>{id}</allow> to validation-overrides.xml, see {url}"
    )
}

/// The message of a failed validation (Vespa's `ValidationException`): the single form for one id
/// with one message, otherwise one block per id.
pub(crate) fn failure_message(failures: &[(&'static str, Vec<String>)], newer: bool) -> String {
    if let [(id, messages)] = failures
        && let [message] = &messages[..]
    {
        let head = if newer { description(id) } else { id };
        return format!("{head}: {message}. {}", allow_message(id, newer));
    }
    failures
        .iter()
        .map(|(id, messages)| {
            format!(
                "{id}:\n\t{}\n{}",
                messages.join("\n\t"),
                allow_message(id, newer)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(date: &str) -> Millis {
        clock::parse_date(date).unwrap_or(0)
    }

    #[test]
    fn until_is_inclusive_and_unknown_ids_are_ignored() {
        let o = Overrides::parse(
            "<validation-overrides><allow until='2026-01-31'>field-type-change</allow>\
             <allow until='2026-01-31'>no-such-id</allow>\
             <allow until='2026-01-31' comment='x'> content-type-removal </allow></validation-overrides>",
        )
        .unwrap_or_default();
        assert_eq!(o.allows.len(), 2);
        assert!(o.allows("field-type-change", at("2026-01-31") + 86_399_999));
        assert!(!o.allows("field-type-change", at("2026-02-01")));
        assert!(o.allows("schema-removal", at("2026-01-01")));
        // until 2026-01-31 means before 2026-02-01T00:00Z: at most 30 days from now
        assert!(o.too_far(at("2026-01-02")).is_empty());
        assert_eq!(
            o.too_far(at("2026-01-02") - 1),
            vec![
                "validation-overrides is invalid: allow 'field-type-change' until 2026-02-01T00:00:00Z is too far in the future: Max 30 days is allowed",
                "validation-overrides is invalid: allow 'schema-removal' until 2026-02-01T00:00:00Z is too far in the future: Max 30 days is allowed",
            ]
        );
    }

    #[test]
    fn messages() {
        let one = failure_message(&[("field-type-change", vec!["m".into()])], false);
        assert!(one.starts_with("field-type-change: m. To allow this add <allow until='yyyy-mm-dd'>field-type-change</allow>"));
        let newer = failure_message(&[("field-type-change", vec!["m".into()])], true);
        assert!(newer.starts_with("Field type changes: m. To allow"));
        let two = failure_message(&[("field-type-change", vec!["a".into(), "b".into()])], true);
        assert!(two.starts_with("field-type-change:\n\ta\n\tb\nTo allow this add"));
    }
}
