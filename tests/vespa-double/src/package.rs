//! Application packages: decoding uploads (zip, tar.gz) the way the config server does, and
//! building them for tests (`zip_files`, `tgz_files`, `zip_dir`, `tgz_dir`).
//!
//! The builders are public so that other crates' tests can make packages without a zip tool:
//!
//! ```
//! let zip = vespa_double::package::zip_files(&[
//!     ("services.xml", "<services version='1.0'/>"),
//!     ("schemas/music.sd", "schema music { document music { } }"),
//! ]);
//! let files = vespa_double::package::decode_archive(&zip, "application/zip").unwrap();
//! assert!(files.contains_key("services.xml"));
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Cursor, Read, Write};
use std::path::Path;

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;

/// `Content-Type` of a zip upload.
pub const CONTENT_TYPE_ZIP: &str = "application/zip";
/// `Content-Type` of a tar.gz upload.
pub const CONTENT_TYPE_GZIP: &str = "application/x-gzip";
/// `Content-Type` of the multipart deploy (`prepareParams` + `applicationPackage` parts).
pub const CONTENT_TYPE_MULTIPART: &str = "multipart/form-data";

/// Files of a package by relative path (`schemas/music.sd`), contents verbatim.
pub type Files = BTreeMap<String, Vec<u8>>;

/// A decoded package: files plus directories that exist without files (e.g. from `mkdir`
/// through the content API, or empty directory entries in the archive).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Package {
    pub(crate) files: Files,
    pub(crate) dirs: BTreeSet<String>,
}

impl Package {
    /// Every directory: explicit ones and the parents of every file.
    pub(crate) fn all_dirs(&self) -> BTreeSet<String> {
        let mut dirs = self.dirs.clone();
        for path in self.files.keys().chain(self.dirs.iter()) {
            let mut at = path.as_str();
            while let Some((parent, _)) = at.rsplit_once('/') {
                dirs.insert(parent.to_owned());
                at = parent;
            }
        }
        dirs
    }
}

/// Why an upload could not be decoded (a `BAD_REQUEST` on the wire).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DecodeError {}

/// Decodes an archive the way the config server does for `content_type` (`application/zip` or
/// `application/x-gzip`), applying the single-directory-root rule. Directories are dropped;
/// use this to inspect packages in tests.
pub fn decode_archive(bytes: &[u8], content_type: &str) -> Result<Files, DecodeError> {
    decode(bytes, content_type).map(|package| package.files)
}

pub(crate) fn decode(bytes: &[u8], content_type: &str) -> Result<Package, DecodeError> {
    let entries = match content_type {
        CONTENT_TYPE_ZIP => unzip(bytes),
        CONTENT_TYPE_GZIP => untgz(bytes),
        _ => return Err(DecodeError("Unable to decompress".to_owned())),
    }
    .map_err(|e| DecodeError(format!("Unable to decompress application stream: {e}")))?;
    let mut package = Package::default();
    for entry in entries {
        let path = normalize(&entry.path)
            .map_err(|e| DecodeError(format!("Unable to decompress application stream: {e}")))?;
        let Some(path) = path else { continue };
        match entry.data {
            None => {
                package.dirs.insert(path);
            }
            Some(data) => {
                package.files.insert(path, data);
            }
        }
    }
    Ok(single_root(package))
}

struct Entry {
    path: String,
    /// `None` for a directory.
    data: Option<Vec<u8>>,
}

fn unzip(bytes: &[u8]) -> Result<Vec<Entry>, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let mut entries = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).map_err(|e| e.to_string())?;
        let path = file.name().map_err(|e| e.to_string())?.into_owned();
        if file.is_dir() {
            entries.push(Entry { path, data: None });
        } else {
            let mut data = Vec::with_capacity(usize::try_from(file.size()).unwrap_or(0));
            file.read_to_end(&mut data).map_err(|e| e.to_string())?;
            entries.push(Entry {
                path,
                data: Some(data),
            });
        }
    }
    Ok(entries)
}

fn untgz(bytes: &[u8]) -> Result<Vec<Entry>, String> {
    let mut archive = tar::Archive::new(GzDecoder::new(bytes));
    let mut entries = Vec::new();
    for entry in archive.entries().map_err(|e| e.to_string())? {
        let mut entry = entry.map_err(|e| e.to_string())?;
        let path = entry
            .path()
            .map_err(|e| e.to_string())?
            .to_string_lossy()
            .into_owned();
        let kind = entry.header().entry_type();
        if kind.is_dir() {
            entries.push(Entry { path, data: None });
        } else if kind.is_file() {
            let mut data = Vec::new();
            entry.read_to_end(&mut data).map_err(|e| e.to_string())?;
            entries.push(Entry {
                path,
                data: Some(data),
            });
        }
        // links, devices, pax/gnu metadata: not part of an application package
    }
    Ok(entries)
}

/// `./a//b/` → `a/b`; `None` for the root itself; an error for paths leaving the root.
fn normalize(raw: &str) -> Result<Option<String>, String> {
    let slashed = raw.replace('\\', "/");
    let mut parts: Vec<&str> = Vec::new();
    for part in slashed.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(format!(
                        "Entry attempts to write outside the target directory: {raw}"
                    ));
                }
            }
            p => parts.push(p),
        }
    }
    if raw.starts_with('/') && !parts.is_empty() {
        return Err(format!(
            "Entry attempts to write outside the target directory: {raw}"
        ));
    }
    Ok((!parts.is_empty()).then(|| parts.join("/")))
}

/// An archive whose only entry is one directory: that directory is the application root.
fn single_root(package: Package) -> Package {
    let firsts: BTreeSet<&str> = package
        .files
        .keys()
        .chain(package.dirs.iter())
        .map(|p| p.split('/').next().unwrap_or(""))
        .collect();
    let [root] = firsts.into_iter().collect::<Vec<_>>()[..] else {
        return package;
    };
    if package.files.contains_key(root) {
        return package; // a single file at the root
    }
    let prefix = format!("{root}/");
    let strip = |p: &String| p.strip_prefix(&prefix).map(str::to_owned);
    Package {
        files: package
            .files
            .iter()
            .filter_map(|(p, d)| Some((strip(p)?, d.clone())))
            .collect(),
        dirs: package.dirs.iter().filter_map(strip).collect(),
    }
}

/// Moves `searchdefinitions/*` into `schemas/`, as the config server does when it creates a
/// session (legacy directory name).
pub(crate) fn move_search_definitions(package: &mut Package) {
    let legacy: Vec<String> = package
        .files
        .keys()
        .filter(|p| p.starts_with("searchdefinitions/"))
        .cloned()
        .collect();
    for path in legacy {
        if let Some(data) = package.files.remove(&path) {
            let rest = &path["searchdefinitions/".len()..];
            package.files.insert(format!("schemas/{rest}"), data);
        }
    }
    let legacy_dirs: Vec<String> = package
        .dirs
        .iter()
        .filter(|d| *d == "searchdefinitions" || d.starts_with("searchdefinitions/"))
        .cloned()
        .collect();
    for dir in legacy_dirs {
        package.dirs.remove(&dir);
        if let Some(rest) = dir.strip_prefix("searchdefinitions/") {
            package.dirs.insert(format!("schemas/{rest}"));
        }
    }
}

/// Directories whose files must have known extensions (Vespa's `FilesApplicationPackage`).
const VALID_EXTENSIONS: &[(&str, &[&str])] = &[
    ("components", &[".jar"]),
    ("constants", &[".json", ".json.lz4"]),
    ("docprocchains", &[".xml"]),
    ("page-templates", &[".xml"]),
    ("processorchains", &[".xml"]),
    ("search/query-profiles", &[".xml"]),
    ("search/query-profiles/types", &[".xml"]),
    ("routingtables", &[".xml"]),
    ("rules", &[".sr"]),
    ("schemas", &[".sd", ".expression", ".profile"]),
    ("searchchains", &[".xml"]),
    ("searchdefinitions", &[".sd", ".expression", ".profile"]),
    ("security", &[".pem"]),
];

/// The first file with an unknown extension, as the config server reports it.
pub(crate) fn check_extensions(package: &Package) -> Result<(), String> {
    for path in package.files.keys() {
        let Some((parent, name)) = path.rsplit_once('/') else {
            continue;
        };
        let validated = VALID_EXTENSIONS
            .iter()
            .any(|(dir, _)| parent == *dir || parent.starts_with(&format!("{dir}/")));
        if !validated {
            continue;
        }
        let schemas_subdir = ["schemas/", "searchdefinitions/"]
            .iter()
            .any(|d| parent.starts_with(d));
        let mut allowed: Vec<&str> = vec![".gitignore"];
        if schemas_subdir {
            allowed.push(".profile");
        } else if let Some((_, exts)) = VALID_EXTENSIONS.iter().find(|(dir, _)| *dir == parent) {
            allowed.extend_from_slice(exts);
        }
        if !allowed.iter().any(|ext| name.ends_with(ext)) {
            return Err(format!(
                "File in application package with unknown extension: {path}, please delete or move file to another directory."
            ));
        }
    }
    Ok(())
}

/// Builds a zip of `files` (`(path, contents)`), deflated, in the given order.
pub fn zip_files<N: AsRef<str>, B: AsRef<[u8]>>(files: &[(N, B)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o644);
    for (name, data) in files {
        let name = name.as_ref();
        if let Some(dir) = name.strip_suffix('/') {
            // an explicit (possibly empty) directory
            writer
                .add_directory(dir, options)
                .unwrap_or_else(|e| panic!("zip {name}: {e}"));
            continue;
        }
        writer
            .start_file(name, options)
            .unwrap_or_else(|e| panic!("zip {name}: {e}"));
        writer
            .write_all(data.as_ref())
            .unwrap_or_else(|e| panic!("zip {name}: {e}"));
    }
    writer
        .finish()
        .unwrap_or_else(|e| panic!("zip: {e}"))
        .into_inner()
}

/// Builds a tar.gz of `files` (`(path, contents)`); names ending in `/` are directories.
pub fn tgz_files<N: AsRef<str>, B: AsRef<[u8]>>(files: &[(N, B)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::default()));
    for (name, data) in files {
        let name = name.as_ref();
        let data = data.as_ref();
        let mut header = tar::Header::new_gnu();
        if name.ends_with('/') {
            header.set_entry_type(tar::EntryType::Directory);
            header.set_mode(0o755);
            header.set_size(0);
        } else {
            header.set_entry_type(tar::EntryType::Regular);
            header.set_mode(0o644);
            header.set_size(data.len() as u64);
        }
        header.set_mtime(0);
        builder
            .append_data(&mut header, name, data)
            .unwrap_or_else(|e| panic!("tar {name}: {e}"));
    }
    let gz = builder.into_inner().unwrap_or_else(|e| panic!("tar: {e}"));
    gz.finish().unwrap_or_else(|e| panic!("gzip: {e}"))
}

/// Every regular file under `dir`, as `(relative path with '/', contents)`, sorted by path.
pub fn read_dir(dir: &Path) -> io::Result<Vec<(String, Vec<u8>)>> {
    fn walk(root: &Path, at: &Path, out: &mut Vec<(String, Vec<u8>)>) -> io::Result<()> {
        for entry in std::fs::read_dir(at)? {
            let entry = entry?;
            let path = entry.path();
            let kind = entry.file_type()?;
            if kind.is_dir() {
                walk(root, &path, out)?;
            } else if kind.is_file() {
                let rel = path.strip_prefix(root).map_err(io::Error::other)?;
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push((rel.join("/"), std::fs::read(&path)?));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    out.sort();
    Ok(out)
}

/// Zips the contents of an application directory (`services.xml` at the archive root).
pub fn zip_dir(dir: &Path) -> io::Result<Vec<u8>> {
    Ok(zip_files(&read_dir(dir)?))
}

/// Tars and gzips the contents of an application directory.
pub fn tgz_dir(dir: &Path) -> io::Result<Vec<u8>> {
    Ok(tgz_files(&read_dir(dir)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zip_and_tgz_round_trip_with_single_root() {
        let files = [
            ("app/services.xml", "<services/>"),
            ("app/schemas/a.sd", "schema a {}"),
        ];
        for (bytes, ct) in [
            (zip_files(&files), CONTENT_TYPE_ZIP),
            (tgz_files(&files), CONTENT_TYPE_GZIP),
        ] {
            let decoded = decode_archive(&bytes, ct).unwrap_or_default();
            assert_eq!(
                decoded.keys().collect::<Vec<_>>(),
                ["schemas/a.sd", "services.xml"]
            );
        }
    }

    #[test]
    fn rejects_escapes_and_unknown_types() {
        let bad = zip_files(&[("../x", "y")]);
        assert!(decode(&bad, CONTENT_TYPE_ZIP).is_err());
        assert!(decode(b"junk", CONTENT_TYPE_ZIP).is_err());
        assert_eq!(
            decode(b"", "text/plain"),
            Err(DecodeError("Unable to decompress".into()))
        );
    }

    #[test]
    fn extension_rules() {
        let package = |path: &str| Package {
            files: [(path.to_owned(), Vec::new())].into_iter().collect(),
            dirs: BTreeSet::new(),
        };
        assert!(check_extensions(&package("schemas/a.sd")).is_ok());
        assert!(check_extensions(&package("schemas/a/b.profile")).is_ok());
        assert!(check_extensions(&package("schemas/a/b.sd")).is_err());
        assert!(check_extensions(&package("schemas/a.txt")).is_err());
        assert!(check_extensions(&package("models/x.bin")).is_ok());
        assert!(check_extensions(&package("README.md")).is_ok());
    }
}
