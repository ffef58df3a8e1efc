//! A serde serializer that feeds a value's structure straight into SHA-256, for fingerprints
//! of large values (a 5,000-table catalog): no JSON text is formatted, no string escaped.
//!
//! The encoding is prefix-free, so two different values never give the same bytes: every
//! value starts with a tag byte, strings and byte strings carry their length, and sequences,
//! maps, tuples and structs are closed by an end byte. Struct fields come in declaration
//! order, a field skipped for its value (`skip_serializing_if`) as a byte of its own, so the
//! next field cannot take its place; enum variants are written by index.
//! Only values serialized by the same build are compared (a saved plan is refused by another
//! seadiff version), so the encoding may change between versions.

use serde::ser::{self, Serialize};
use sha2::{Digest, Sha256};

/// `sha256:<hex>` of `value`'s structure.
pub fn fingerprint_of<T: Serialize + ?Sized>(value: &T) -> String {
    let mut sink = Sink {
        hasher: Sha256::new(),
        buf: Vec::with_capacity(BUFFER),
    };
    // Every method below is infallible; `Error` exists because serde asks for one.
    let _ = value.serialize(&mut sink);
    sink.flush();
    super::hex_digest(sink.hasher)
}

/// Bytes gathered before each hasher update: many small writes cost more than one large one.
const BUFFER: usize = 1 << 16;

struct Sink {
    hasher: Sha256,
    buf: Vec<u8>,
}

impl Sink {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        // Most pieces are short (a name, a type): a call to `memcpy` for each costs more
        // than copying them byte by byte.
        if bytes.len() <= 16 && self.buf.len() + 16 <= BUFFER {
            for &b in bytes {
                self.buf.push(b);
            }
            return;
        }
        if self.buf.len() + bytes.len() > BUFFER {
            self.flush();
            if bytes.len() > BUFFER {
                self.hasher.update(bytes);
                return;
            }
        }
        self.buf.extend_from_slice(bytes);
    }

    fn flush(&mut self) {
        self.hasher.update(&self.buf);
        self.buf.clear();
    }

    #[inline]
    fn tag(&mut self, tag: u8) {
        if self.buf.len() == BUFFER {
            self.flush();
        }
        self.buf.push(tag);
    }

    /// A length as LEB128: one byte below 128.
    #[inline]
    fn len(&mut self, n: usize) {
        let mut n = n as u64;
        while n >= 0x80 {
            self.tag((n as u8) | 0x80);
            n >>= 7;
        }
        self.tag(n as u8);
    }

    #[inline]
    fn text(&mut self, tag: u8, bytes: &[u8]) {
        self.tag(tag);
        self.len(bytes.len());
        self.put(bytes);
    }
}

const END: u8 = b'.';
const SKIPPED: u8 = b'_';

/// The error type serde requires; never produced.
#[derive(Debug)]
pub struct Never;

impl std::fmt::Display for Never {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("fingerprinting cannot fail")
    }
}

impl std::error::Error for Never {}

impl ser::Error for Never {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Never
    }
}

type Done = Result<(), Never>;

impl ser::Serializer for &mut Sink {
    type Ok = ();
    type Error = Never;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> Done {
        self.put(&[b'b', u8::from(v)]);
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Done {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Done {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Done {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Done {
        self.tag(b'i');
        self.put(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Done {
        self.tag(b'I');
        self.put(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Done {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Done {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Done {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Done {
        self.tag(b'u');
        self.put(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Done {
        self.tag(b'U');
        self.put(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Done {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Done {
        self.tag(b'f');
        self.put(&v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Done {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Done {
        self.text(b's', v.as_bytes());
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Done {
        self.text(b'y', v);
        Ok(())
    }
    fn serialize_none(self) -> Done {
        self.tag(b'n');
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Done {
        self.tag(b'o');
        value.serialize(self)
    }
    fn serialize_unit(self) -> Done {
        self.tag(b'z');
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Done {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _: &'static str, index: u32, _: &'static str) -> Done {
        self.tag(b'e');
        self.put(&index.to_le_bytes());
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Done {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
        value: &T,
    ) -> Done {
        self.tag(b'E');
        self.put(&index.to_le_bytes());
        value.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Never> {
        self.tag(b'[');
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, Never> {
        self.tag(b'(');
        Ok(self)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Never> {
        self.tag(b'(');
        Ok(self)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Never> {
        self.tag(b'T');
        self.put(&index.to_le_bytes());
        Ok(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, Never> {
        self.tag(b'{');
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Never> {
        self.tag(b'<');
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Never> {
        self.tag(b'S');
        self.put(&index.to_le_bytes());
        Ok(self)
    }
}

/// Sequences and tuples: each element in turn, then the end byte.
macro_rules! elements {
    ($($kind:ident::$method:ident),*) => {$(
        impl ser::$kind for &mut Sink {
            type Ok = ();
            type Error = Never;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
                value.serialize(&mut **self)
            }
            fn end(self) -> Done {
                self.tag(END);
                Ok(())
            }
        }
    )*};
}

elements!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// Structs: their fields in declaration order (names left out), a skipped one as a byte of
/// its own, then the end byte.
macro_rules! fields {
    ($($kind:ident),*) => {$(
        impl ser::$kind for &mut Sink {
            type Ok = ();
            type Error = Never;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                _: &'static str,
                value: &T,
            ) -> Done {
                value.serialize(&mut **self)
            }
            fn skip_field(&mut self, _: &'static str) -> Done {
                self.tag(SKIPPED);
                Ok(())
            }
            fn end(self) -> Done {
                self.tag(END);
                Ok(())
            }
        }
    )*};
}

fields!(SerializeStruct, SerializeStructVariant);

impl ser::SerializeMap for &mut Sink {
    type Ok = ();
    type Error = Never;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Done {
        key.serialize(&mut **self)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        value.serialize(&mut **self)
    }
    fn end(self) -> Done {
        self.tag(END);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Serialize;

    use super::fingerprint_of;

    #[derive(Serialize)]
    struct Row {
        #[serde(skip_serializing_if = "Option::is_none")]
        a: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        b: Option<String>,
    }

    #[test]
    fn equal_values_hash_alike_and_any_difference_shows() {
        let one = BTreeMap::from([("t", vec!["a", "b"]), ("u", vec![])]);
        let same = BTreeMap::from([("u", vec![]), ("t", vec!["a", "b"])]);
        assert_eq!(fingerprint_of(&one), fingerprint_of(&same));
        assert!(fingerprint_of(&one).starts_with("sha256:"));
        // Where one string ends and the next begins, and where a list ends.
        let moved = BTreeMap::from([("t", vec!["ab", ""]), ("u", vec![])]);
        let shifted = BTreeMap::from([("t", vec!["a"]), ("u", vec!["b"])]);
        for other in [&moved, &shifted] {
            assert_ne!(fingerprint_of(&one), fingerprint_of(other));
        }
        // A skipped field does not let the next one take its place.
        let a = Row {
            a: Some("x".into()),
            b: None,
        };
        let b = Row {
            a: None,
            b: Some("x".into()),
        };
        assert_ne!(fingerprint_of(&a), fingerprint_of(&b));
        // None, Some(""), and an empty list differ.
        assert_ne!(fingerprint_of(&None::<String>), fingerprint_of(&Some("")));
        assert_ne!(fingerprint_of(&Vec::<u8>::new()), fingerprint_of(&""));
    }

    #[test]
    fn values_longer_than_the_buffer_hash_whole() {
        // Equal lengths, a difference in the last byte, past a flush of the buffer.
        let long = format!("{}a", "x".repeat(super::BUFFER * 3));
        let other = format!("{}b", "x".repeat(super::BUFFER * 3));
        assert_ne!(fingerprint_of(&long), fingerprint_of(&other));
        // Many small pieces: the ones after a flush count as much as the ones before it.
        let mut many: Vec<u32> = (0..super::BUFFER as u32).collect();
        let before = fingerprint_of(&many);
        if let Some(last) = many.last_mut() {
            *last += 1;
        }
        assert_ne!(fingerprint_of(&many), before);
    }
}
