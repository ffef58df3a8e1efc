//! Vespa schema files: a parser, a semantic model and a printer.
//!
//! # Files
//!
//! - [`parse`] reads a `.sd` file into an [`SdFile`]: a [`Schema`] (root keyword `schema`, or
//!   the legacy `search`) or a document-only file (`document NAME inherits A, B { … }`).
//! - [`parse_profile`] reads a `schemas/<schema>/<name>.profile` file into a [`RankProfile`].
//! - [`print`] / [`print_profile`] write canonical, indented Vespa syntax that parses back to
//!   an equal model (`parse(print(m)) == m`, tested on the corpus and with proptest).
//!
//! # The model ([`model`])
//!
//! - A [`Schema`] holds one [`Document`] (structs, annotations, fields), synthetic fields
//!   (outside the document), fieldsets, rank profiles, schema-level constants and onnx models,
//!   document summaries, imported fields, stemming and `raw-as-base64-in-summary`.
//! - A [`Field`] has a [`FieldType`] (primitives, `Reference`, `Array`, `WeightedSet` with its
//!   flags, `Map`, `Struct`, `Tensor` in canonical form), an [`IndexingScript`] (parsed into
//!   pipelines of [`IlExpr`], with `has_attribute()`, `has_index()`, `has_summary()`,
//!   `input_fields()`), and its settings: [`AttributeSettings`], [`IndexSettings`] (with
//!   [`HnswSettings`]), [`MatchSettings`], stemming, normalizing, rank, rank-type, weight,
//!   bolding, summaries, aliases, sorting, dictionary, id, query-commands and recursive
//!   [`StructField`] blocks.
//! - A [`RankProfile`] keeps inputs, constants, functions, phases, feature lists,
//!   rank-properties, match-phase/diversity, mutate and the tuning knobs. Ranking expressions
//!   are [`RankExpression`]s: normalized text that compares without regard to whitespace.
//!
//! Equality is semantic: maps keyed by name ignore order (printing keeps source order),
//! Vespa's fixed defaults are filled in (`distance-metric: euclidean`, hnsw 16/200, dictionary
//! `btree`, tensor cell `double`), tensor dimensions are sorted, `match: token` is `text`,
//! `summary: static` is `full`, `indexing: a | b` equals `indexing { a | b; }`, and
//! `attribute NAME` / `index NAME` / `summary NAME` naming the field itself equal the bare
//! verbs. Unrecognized elements are kept verbatim as [`RawElement`]s in `other` lists rather
//! than rejected, so newer Vespa syntax still parses; [`Schema::unmodelled`] lists them.
//!
//! # Errors
//!
//! Every error is an [`SdError`] with the file name, a 1-based line and column and a message:
//! `schemas/music.sd:8:1: expected `}` to close `schema music` (opened at 2:14), found end of
//! file`.

mod lexer;
pub mod model;
mod parser;
mod print;
#[cfg(test)]
mod tests;

pub use model::*;

/// A parse error with its position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct SdError {
    /// The file name given to the parser.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// What went wrong.
    pub message: String,
}

/// Parses a `.sd` file. `file` only names the source in errors.
pub fn parse(src: &str, file: &str) -> Result<SdFile, SdError> {
    parser::Parser::new(src, file)?.sd_file()
}

/// Parses a `.profile` file: one `rank-profile NAME [inherits …] { … }`.
pub fn parse_profile(src: &str, file: &str) -> Result<RankProfile, SdError> {
    parser::Parser::new(src, file)?.profile_file()
}

/// Prints a parsed file as canonical Vespa syntax.
pub fn print(file: &SdFile) -> String {
    print::sd_file(file)
}

/// Prints a rank profile as a `.profile` file.
pub fn print_profile(profile: &RankProfile) -> String {
    print::profile_file(profile)
}

impl Schema {
    /// Elements kept verbatim because the model has no place for them (newer or unknown
    /// syntax), as `where: element` lines, e.g. `field doc.title: linguistics`.
    pub fn unmodelled(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut raw = |place: String, items: &[RawElement]| {
            for r in items {
                out.push(format!("{place}: {}", r.head));
            }
        };
        let fields = self
            .document
            .iter()
            .flat_map(|d| d.fields.values())
            .chain(self.fields.values());
        for f in fields {
            let place = format!("field {}", f.name);
            raw(place.clone(), &f.other);
            raw(place.clone(), &f.match_settings.other);
            raw(place.clone(), &f.rank.other);
            if let Some(i) = &f.index {
                raw(place.clone(), &i.other);
                if let Some(h) = &i.hnsw {
                    raw(place.clone(), &h.other);
                }
            }
            for s in f.summaries.values() {
                raw(place.clone(), &s.other);
            }
            let mut stack: Vec<(String, &StructField)> = f
                .struct_fields
                .values()
                .map(|s| (format!("{place}.{}", s.name), s))
                .collect();
            while let Some((p, s)) = stack.pop() {
                raw(p.clone(), &s.other);
                raw(p.clone(), &s.match_settings.other);
                raw(p.clone(), &s.rank.other);
                stack.extend(
                    s.struct_fields
                        .values()
                        .map(|c| (format!("{p}.{}", c.name), c)),
                );
            }
        }
        for p in self.rank_profiles.values() {
            let place = format!("rank-profile {}", p.name);
            raw(place.clone(), &p.other);
            for ph in [&p.first_phase, &p.second_phase, &p.global_phase]
                .into_iter()
                .flatten()
            {
                raw(place.clone(), &ph.other);
            }
            for r in p.field_rank.values() {
                raw(place.clone(), &r.other);
            }
        }
        for m in self.onnx_models.values() {
            raw(format!("onnx-model {}", m.name), &m.other);
        }
        out
    }
}
