//! Serde for `BTreeMap<QName, T>`: JSON object keys must be strings, and joining schema and
//! name with a dot would be ambiguous, so such maps travel as a list of
//! `{ "schema": .., "name": .., "def": .. }` entries.

use std::collections::BTreeMap;

use serde::de::Deserializer;
use serde::ser::{SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};

use super::pg::QName;

#[derive(Serialize)]
struct EntryRef<'a, T> {
    schema: &'a str,
    name: &'a str,
    def: &'a T,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry<T> {
    schema: String,
    name: String,
    def: T,
}

pub(crate) fn serialize<S: Serializer, T: Serialize>(
    map: &BTreeMap<QName, T>,
    s: S,
) -> Result<S::Ok, S::Error> {
    let mut seq = s.serialize_seq(Some(map.len()))?;
    for (k, def) in map {
        seq.serialize_element(&EntryRef {
            schema: &k.schema,
            name: &k.name,
            def,
        })?;
    }
    seq.end()
}

pub(crate) fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<BTreeMap<QName, T>, D::Error> {
    let entries: Vec<Entry<T>> = Vec::deserialize(d)?;
    let mut map = BTreeMap::new();
    for e in entries {
        let key = QName::new(e.schema, e.name);
        if map.insert(key.clone(), e.def).is_some() {
            return Err(serde::de::Error::custom(format!("`{key}` appears twice")));
        }
    }
    Ok(map)
}
