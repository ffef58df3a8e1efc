//! What converting a column from one type to another costs.

use crate::model::pg::ColType;

/// What converting a column from one type to another costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct TypeChange {
    /// Values may be cut, rounded, reinterpreted or rejected.
    pub(super) lossy: bool,
    /// Every row is rewritten.
    pub(super) rewrite: bool,
    /// No assignment cast exists: `USING col::new` is needed.
    pub(super) needs_using: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    /// varchar(n) / varchar / text; `None` = unbounded.
    Text(Option<u32>),
    /// char(n)
    Char(u32),
    /// smallint = 2, integer = 4, bigint = 8
    Int(u8),
    /// numeric(p, s); `None` = unbounded
    Numeric(Option<(u32, u32)>),
    /// real = 4, double precision = 8
    Float(u8),
    /// timestamp[tz](p): (with time zone, precision)
    Timestamp(bool, Option<u32>),
    Other,
}

fn family(t: &ColType) -> Family {
    if t.schema.is_some() || t.array {
        return Family::Other;
    }
    let name = t.name.as_str();
    let arg = |prefix: &str| -> Option<Option<u32>> {
        let rest = name.strip_prefix(prefix)?;
        if rest.is_empty() {
            return Some(None);
        }
        rest.strip_prefix('(')?
            .strip_suffix(')')?
            .parse()
            .ok()
            .map(Some)
    };
    if let Some(n) = arg("character varying") {
        return Family::Text(n);
    }
    if name == "text" {
        return Family::Text(None);
    }
    if let Some(n) = arg("character") {
        return Family::Char(n.unwrap_or(1));
    }
    match name {
        "smallint" => return Family::Int(2),
        "integer" => return Family::Int(4),
        "bigint" => return Family::Int(8),
        "real" => return Family::Float(4),
        "double precision" => return Family::Float(8),
        "numeric" => return Family::Numeric(None),
        _ => {}
    }
    if let Some(inner) = name
        .strip_prefix("numeric(")
        .and_then(|r| r.strip_suffix(')'))
    {
        let mut parts = inner.split(',').map(|p| p.trim().parse::<u32>());
        if let (Some(Ok(p)), s) = (parts.next(), parts.next()) {
            return Family::Numeric(Some((p, s.and_then(Result::ok).unwrap_or(0))));
        }
    }
    for (tz, suffix) in [(false, " without time zone"), (true, " with time zone")] {
        if let Some(head) = name.strip_suffix(suffix)
            && let Some(p) = arg_of(head, "timestamp")
        {
            return Family::Timestamp(tz, p);
        }
    }
    Family::Other
}

fn arg_of(name: &str, prefix: &str) -> Option<Option<u32>> {
    let rest = name.strip_prefix(prefix)?;
    if rest.is_empty() {
        return Some(None);
    }
    rest.strip_prefix('(')?
        .strip_suffix(')')?
        .parse()
        .ok()
        .map(Some)
}

pub(super) fn type_change(from: &ColType, to: &ColType) -> TypeChange {
    use Family::*;
    let widen = |a: Option<u32>, b: Option<u32>| match (a, b) {
        (_, None) => true,
        (Some(a), Some(b)) => b >= a,
        (None, Some(_)) => false,
    };
    let (lossy, rewrite, needs_using) = match (family(from), family(to)) {
        (Text(a), Text(b)) => (!widen(a, b), false, false),
        (Char(a), Char(b)) => (b < a, true, false),
        (Char(_), Text(b)) | (Text(b), Char(_)) => (b.is_some(), true, false),
        (Int(a), Int(b)) => (b < a, true, false),
        (Int(_), Numeric(None)) => (false, true, false),
        (Int(_), Numeric(Some((p, s)))) => (p.saturating_sub(s) < 19, true, false),
        (Int(_), Float(_)) => (true, true, false),
        (Numeric(Some((p1, s1))), Numeric(Some((p2, s2)))) => (p2 < p1 || s2 < s1, s1 != s2, false),
        (Numeric(_), Numeric(None)) => (false, false, false),
        (Numeric(None), Numeric(Some(_))) => (true, true, false),
        (Float(4), Float(8)) => (false, true, false),
        (Numeric(_) | Float(_), Int(_) | Float(_) | Numeric(_)) => (true, true, false),
        (Timestamp(z1, a), Timestamp(z2, b)) => {
            (z1 != z2 || !widen(a, b), z1 != z2 || !widen(a, b), false)
        }
        (Text(_), Other) if to.schema.is_some() => (true, true, true),
        (Other, Text(b)) if from.schema.is_some() => (b.is_some(), true, true),
        _ => (true, true, true),
    };
    TypeChange {
        lossy,
        rewrite,
        needs_using,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::pg::QName;

    fn t(s: &str) -> ColType {
        ColType::builtin(s)
    }

    #[test]
    fn type_changes_are_classified() {
        let widen = type_change(&t("character varying(100)"), &t("character varying(200)"));
        assert_eq!(
            widen,
            TypeChange {
                lossy: false,
                rewrite: false,
                needs_using: false
            }
        );
        let narrow = type_change(&t("character varying(200)"), &t("character varying(100)"));
        assert!(narrow.lossy && !narrow.needs_using);
        assert!(!type_change(&t("character varying(10)"), &t("text")).lossy);
        assert!(type_change(&t("text"), &t("character varying(10)")).lossy);
        let int_big = type_change(&t("integer"), &t("bigint"));
        assert!(!int_big.lossy && int_big.rewrite);
        assert!(type_change(&t("bigint"), &t("integer")).lossy);
        let to_int = type_change(&t("text"), &t("integer"));
        assert!(to_int.lossy && to_int.needs_using);
        assert!(!type_change(&t("numeric(10,2)"), &t("numeric(12,2)")).rewrite);
        assert!(type_change(&t("numeric(10,2)"), &t("numeric(10,1)")).lossy);
        let e = ColType::user(QName::new("public", "mood"));
        assert!(type_change(&t("text"), &e).needs_using);
        assert!(!type_change(&e, &t("text")).lossy);
        assert!(
            !type_change(
                &t("timestamp(3) without time zone"),
                &t("timestamp without time zone")
            )
            .lossy
        );
        assert!(
            type_change(
                &t("timestamp without time zone"),
                &t("timestamp with time zone")
            )
            .rewrite
        );
    }
}
