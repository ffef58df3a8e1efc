//! `services.xml`: the content clusters (with their document types, modes and redundancy) and
//! the container clusters of a Vespa application package.
//!
//! Only what the schema differ needs is modelled; the raw text is kept for everything else.
//! Deployment variants (`deploy:environment="…"`) are not resolved: every `<content>` and
//! `<container>` element found is listed.

use std::fmt;

/// The parts of `services.xml` the differ uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Services {
    /// `<content id=…>` clusters, in document order.
    pub content: Vec<ContentCluster>,
    /// The ids of `<container id=…>` (and legacy `<jdisc id=…>`) clusters.
    pub containers: Vec<String>,
    /// The file as given.
    pub raw: String,
}

/// One `<content>` cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentCluster {
    /// `id` (Vespa's default `content` when absent).
    pub id: String,
    /// `<documents><document type=… mode=… global=…/>`.
    pub documents: Vec<DocRef>,
    /// `<redundancy>N</redundancy>`.
    pub redundancy: Option<u32>,
    /// `<min-redundancy>N</min-redundancy>`.
    pub min_redundancy: Option<u32>,
}

/// A `<document>` element of a content cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocRef {
    /// `type`: the document type (= schema name).
    pub type_name: String,
    /// `mode`.
    pub mode: DocMode,
    /// `global="true"`.
    pub global: bool,
}

/// A document type's mode in a content cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocMode {
    /// `index`
    Index,
    /// `streaming`
    Streaming,
    /// `store-only`
    StoreOnly,
}

impl DocMode {
    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            DocMode::Index => "index",
            DocMode::Streaming => "streaming",
            DocMode::StoreOnly => "store-only",
        }
    }
}

impl fmt::Display for DocMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `services.xml` that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("services.xml:{line}:{column}: {message}")]
pub struct ServicesError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What went wrong.
    pub message: String,
}

impl Services {
    /// Every document type of every content cluster, in order (duplicates kept once).
    pub fn document_types(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for c in &self.content {
            for d in &c.documents {
                if !out.contains(&d.type_name.as_str()) {
                    out.push(&d.type_name);
                }
            }
        }
        out
    }

    /// The content cluster holding a document type, and its entry.
    pub fn find_document(&self, type_name: &str) -> Option<(&ContentCluster, &DocRef)> {
        self.content.iter().find_map(|c| {
            c.documents
                .iter()
                .find(|d| d.type_name == type_name)
                .map(|d| (c, d))
        })
    }

    /// A content cluster by id.
    pub fn cluster(&self, id: &str) -> Option<&ContentCluster> {
        self.content.iter().find(|c| c.id == id)
    }
}

/// Parses `services.xml`.
pub fn parse_services(xml: &str) -> Result<Services, ServicesError> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| {
        let pos = e.pos();
        ServicesError {
            line: pos.row as usize,
            column: pos.col as usize,
            message: e.to_string(),
        }
    })?;
    let root = doc.root_element();
    let mut services = Services {
        content: Vec::new(),
        containers: Vec::new(),
        raw: xml.to_string(),
    };
    let top: Vec<roxmltree::Node<'_, '_>> = match root.tag_name().name() {
        "services" => root
            .children()
            .filter(roxmltree::Node::is_element)
            .collect(),
        "content" | "container" | "jdisc" => vec![root],
        other => {
            return Err(error_at(
                &doc,
                root,
                format!("expected root element <services>, found <{other}>"),
            ));
        }
    };
    for node in top {
        match node.tag_name().name() {
            "content" => services.content.push(content_cluster(&doc, node)?),
            "container" | "jdisc" => services
                .containers
                .push(node.attribute("id").unwrap_or("container").to_string()),
            _ => {}
        }
    }
    Ok(services)
}

fn content_cluster(
    doc: &roxmltree::Document<'_>,
    node: roxmltree::Node<'_, '_>,
) -> Result<ContentCluster, ServicesError> {
    let mut cluster = ContentCluster {
        id: node.attribute("id").unwrap_or("content").to_string(),
        documents: Vec::new(),
        redundancy: None,
        min_redundancy: None,
    };
    for child in node.children().filter(roxmltree::Node::is_element) {
        match child.tag_name().name() {
            "redundancy" => cluster.redundancy = Some(number(doc, child)?),
            "min-redundancy" => cluster.min_redundancy = Some(number(doc, child)?),
            "documents" => {
                for d in child.children().filter(roxmltree::Node::is_element) {
                    if d.tag_name().name() == "document" {
                        cluster.documents.push(doc_ref(doc, d)?);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(cluster)
}

fn doc_ref(
    doc: &roxmltree::Document<'_>,
    node: roxmltree::Node<'_, '_>,
) -> Result<DocRef, ServicesError> {
    let Some(type_name) = node.attribute("type") else {
        return Err(error_at(
            doc,
            node,
            "<document> needs a `type` attribute".to_string(),
        ));
    };
    let mode = match node.attribute("mode").unwrap_or("index") {
        "index" => DocMode::Index,
        "streaming" => DocMode::Streaming,
        "store-only" => DocMode::StoreOnly,
        other => {
            return Err(error_at(
                doc,
                node,
                format!(
                    "document `{type_name}` has mode `{other}`; expected `index`, `streaming` or `store-only`"
                ),
            ));
        }
    };
    let global = match node.attribute("global") {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(error_at(
                doc,
                node,
                format!(
                    "document `{type_name}` has global=\"{other}\"; expected `true` or `false`"
                ),
            ));
        }
    };
    Ok(DocRef {
        type_name: type_name.to_string(),
        mode,
        global,
    })
}

fn number(
    doc: &roxmltree::Document<'_>,
    node: roxmltree::Node<'_, '_>,
) -> Result<u32, ServicesError> {
    let text = node.text().unwrap_or("").trim();
    text.parse().map_err(|_| {
        error_at(
            doc,
            node,
            format!(
                "<{}> must be a non-negative integer, found `{text}`",
                node.tag_name().name()
            ),
        )
    })
}

fn error_at(
    doc: &roxmltree::Document<'_>,
    node: roxmltree::Node<'_, '_>,
    message: String,
) -> ServicesError {
    let pos = doc.text_pos_at(node.range().start);
    ServicesError {
        line: pos.row as usize,
        column: pos.col as usize,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_clusters_documents_and_containers() {
        let xml = r#"<?xml version="1.0"?>
<services version="1.0">
  <container id="default" version="1.0"/>
  <content id="mind" version="1.0">
    <redundancy>2</redundancy>
    <documents>
      <document type="news" mode="index"/>
      <document type="category_ctr" mode="index" global="true"/>
      <document type="mail" mode="streaming"/>
    </documents>
  </content>
</services>"#;
        let s = parse_services(xml).unwrap();
        assert_eq!(s.containers, ["default"]);
        assert_eq!(s.content[0].id, "mind");
        assert_eq!(s.content[0].redundancy, Some(2));
        assert_eq!(s.document_types(), ["news", "category_ctr", "mail"]);
        let (c, d) = s.find_document("category_ctr").unwrap();
        assert_eq!(
            (c.id.as_str(), d.global, d.mode),
            ("mind", true, DocMode::Index)
        );
        assert_eq!(s.find_document("mail").unwrap().1.mode, DocMode::Streaming);
    }

    #[test]
    fn errors_carry_lines() {
        let e = parse_services("<services>\n  <content id='c'>\n</services>").unwrap_err();
        assert_eq!(e.line, 3);
        let e = parse_services(
            "<services>\n<content id='c'><documents>\n<document type='x' mode='fast'/>\n</documents></content></services>",
        )
        .unwrap_err();
        assert_eq!((e.line, e.column), (3, 1));
        assert!(e.to_string().contains("mode `fast`"), "{e}");
    }
}
