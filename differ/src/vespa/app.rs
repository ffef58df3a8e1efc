//! An application package as files, and the model seadiff compares: `services.xml` and the
//! schemas (with their `.profile` rank profiles merged in).
//!
//! The desired package is read from a directory by the caller and templated here: `${name}`
//! in `.sd`, `.profile` and `.xml` files is replaced by the variable's value, as real
//! applications template the embedding dimension. The live package comes from the config
//! server's content API. Both become an [`App`] the same way.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::sd::{self, RankProfile, Schema, SdFile};
use super::services::{Services, parse_services};

/// A package file problem, with its position when known (1-based; 0 when unknown).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: {message}", position(*line, *column))]
pub struct AppError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

fn position(line: usize, column: usize) -> String {
    match (line, column) {
        (0, _) => String::new(),
        (l, 0) => format!(":{l}"),
        (l, c) => format!(":{l}:{c}"),
    }
}

impl AppError {
    fn file(file: &str, message: impl Into<String>) -> AppError {
        AppError {
            file: file.to_owned(),
            line: 0,
            column: 0,
            message: message.into(),
        }
    }
}

/// The files of an application package, by path relative to its root (`schemas/doc.sd`).
/// Dot-files and dot-directories (`.applicationMetaData`, `.preprocessed/`) are never part
/// of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Package {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Package {
    /// Adds a file unless it is hidden.
    pub fn insert(&mut self, path: &str, bytes: Vec<u8>) {
        let path = path.trim_start_matches("./").trim_start_matches('/');
        if path.is_empty() || path.split('/').any(|seg| seg.starts_with('.')) {
            return;
        }
        self.files.insert(path.to_owned(), bytes);
    }

    /// `${name}` replaced in text files; an unknown name is an error at its line.
    pub fn substitute(&self, vars: &BTreeMap<String, String>) -> Result<Package, AppError> {
        let mut out = Package::default();
        for (path, bytes) in &self.files {
            let templated = [".sd", ".profile", ".xml"]
                .iter()
                .any(|e| path.ends_with(e));
            if !templated {
                out.files.insert(path.clone(), bytes.clone());
                continue;
            }
            let text = std::str::from_utf8(bytes)
                .map_err(|_| AppError::file(path, "is not UTF-8 text"))?;
            out.files
                .insert(path.clone(), substitute(path, text, vars)?.into_bytes());
        }
        Ok(out)
    }

    /// SHA-256 over paths and contents: what a saved plan checks before a deploy.
    pub fn checksum(&self) -> String {
        let mut h = Sha256::new();
        for (path, bytes) in &self.files {
            h.update(path.as_bytes());
            h.update([0]);
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        }
        format!("sha256:{:x}", h.finalize())
    }

    pub fn text(&self, path: &str) -> Option<&str> {
        self.files
            .get(path)
            .and_then(|b| std::str::from_utf8(b).ok())
    }
}

fn substitute(file: &str, text: &str, vars: &BTreeMap<String, String>) -> Result<String, AppError> {
    let mut out = String::with_capacity(text.len());
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let mut rest = line;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                return Err(AppError {
                    file: file.to_owned(),
                    line: n + 1,
                    column: line.len() - rest.len() + start + 1,
                    message: "`${` without a closing `}`".to_owned(),
                });
            };
            let name = after[..end].trim();
            let Some(value) = vars.get(name) else {
                return Err(AppError {
                    file: file.to_owned(),
                    line: n + 1,
                    column: line.len() - rest.len() + start + 1,
                    message: format!(
                        "unknown variable `{name}`; declare it under vespa.variables in schema.yaml"
                    ),
                });
            };
            out.push_str(value);
            rest = &after[end + 1..];
        }
        out.push_str(rest);
    }
    Ok(out)
}

/// What seadiff compares: the content clusters and the schemas, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct App {
    pub services: Services,
    /// Schemas by name, with the rank profiles of `schemas/<name>/*.profile` merged in.
    pub schemas: BTreeMap<String, Schema>,
    /// Document-only `.sd` files, by name.
    pub documents: BTreeMap<String, sd::Document>,
    /// Whether `validation-overrides.xml` is in the package (seadiff writes its own).
    pub has_overrides: bool,
}

impl App {
    /// Parses `services.xml` and every schema of the package.
    pub fn parse(pkg: &Package) -> Result<App, AppError> {
        let services_text = pkg.text("services.xml").ok_or_else(|| {
            AppError::file(
                "services.xml",
                "the application package has no services.xml",
            )
        })?;
        let services = parse_services(services_text).map_err(|e| AppError {
            file: "services.xml".to_owned(),
            line: e.line,
            column: e.column,
            message: e.message.clone(),
        })?;
        let mut schemas = BTreeMap::new();
        let mut documents = BTreeMap::new();
        let mut profiles: Vec<(String, RankProfile)> = Vec::new();
        for (path, bytes) in &pkg.files {
            let Some(rest) = path
                .strip_prefix("schemas/")
                .or_else(|| path.strip_prefix("searchdefinitions/"))
            else {
                continue;
            };
            let text = std::str::from_utf8(bytes)
                .map_err(|_| AppError::file(path, "is not UTF-8 text"))?;
            if let Some(stem) = rest.strip_suffix(".sd").filter(|s| !s.contains('/')) {
                let parsed = sd::parse(text, path).map_err(|e| AppError {
                    file: path.clone(),
                    line: e.line,
                    column: e.column,
                    message: e.message.clone(),
                })?;
                if parsed.name() != stem {
                    return Err(AppError::file(
                        path,
                        format!(
                            "declares `{}`, but a schema must live in a file of its own name ({stem}.sd)",
                            parsed.name()
                        ),
                    ));
                }
                match parsed {
                    SdFile::Schema(s) => {
                        schemas.insert(s.name.clone(), s);
                    }
                    SdFile::Document(d) => {
                        documents.insert(d.name.clone(), d);
                    }
                }
            } else if let Some((schema, file)) = rest.split_once('/')
                && file.ends_with(".profile")
                && !file.contains('/')
            {
                let p = sd::parse_profile(text, path).map_err(|e| AppError {
                    file: path.clone(),
                    line: e.line,
                    column: e.column,
                    message: e.message.clone(),
                })?;
                profiles.push((schema.to_owned(), p));
            } else {
                return Err(AppError::file(
                    path,
                    "unexpected file under schemas/: only NAME.sd and NAME/PROFILE.profile are allowed",
                ));
            }
        }
        for (schema, p) in profiles {
            let Some(s) = schemas.get_mut(&schema) else {
                return Err(AppError::file(
                    &format!("schemas/{schema}/{}.profile", p.name),
                    format!("no schema `{schema}` for this rank profile"),
                ));
            };
            s.rank_profiles.insert(p.name.clone(), p);
        }
        for doc in services.document_types() {
            if !schemas.contains_key(doc) && !documents.contains_key(doc) {
                return Err(AppError::file(
                    "services.xml",
                    format!("document type `{doc}` has no schema (schemas/{doc}.sd)"),
                ));
            }
        }
        Ok(App {
            services,
            schemas,
            documents,
            has_overrides: pkg.files.contains_key("validation-overrides.xml"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_are_substituted_and_unknown_ones_named_at_their_line() {
        let mut p = Package::default();
        p.insert("schemas/a.sd", b"x\n  tensor<float>(x[${dim}])\n".to_vec());
        p.insert("models/m.onnx", b"${not touched}".to_vec());
        p.insert(".applicationMetaData", b"{}".to_vec());
        let vars = BTreeMap::from([("dim".to_owned(), "384".to_owned())]);
        let out = p.substitute(&vars).expect("substituted");
        assert_eq!(
            out.text("schemas/a.sd"),
            Some("x\n  tensor<float>(x[384])\n")
        );
        assert_eq!(
            out.files.get("models/m.onnx").map(Vec::as_slice),
            Some(&b"${not touched}"[..])
        );
        assert!(!out.files.contains_key(".applicationMetaData"));

        let err = p.substitute(&BTreeMap::new()).expect_err("unknown");
        assert_eq!(
            (err.file.as_str(), err.line, err.column),
            ("schemas/a.sd", 2, 19)
        );
        assert!(
            err.to_string()
                .starts_with("schemas/a.sd:2:19: unknown variable `dim`")
        );
    }

    #[test]
    fn checksums_follow_content() {
        let mut a = Package::default();
        a.insert("services.xml", b"<services/>".to_vec());
        let mut b = a.clone();
        assert_eq!(a.checksum(), b.checksum());
        b.insert("schemas/x.sd", Vec::new());
        assert_ne!(a.checksum(), b.checksum());
    }
}
