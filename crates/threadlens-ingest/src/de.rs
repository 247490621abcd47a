//! Lenient serde helpers for the shapes platforms actually send: ids as
//! strings or integers, counts as numbers or numeric strings.

use serde::de::{self, Deserializer, Visitor};
use std::borrow::Cow;
use std::fmt;

/// An id given as a JSON string or an integer; kept as its exact digits.
pub(crate) fn opt_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(opt_id_borrowed(d)?.map(Cow::into_owned))
}

/// [`opt_id`], borrowed from the input where the id is a string without
/// escapes.
pub(crate) fn opt_id_borrowed<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Cow<'de, str>>, D::Error> {
    struct IdVisitor;
    impl<'de> Visitor<'de> for IdVisitor {
        type Value = Option<Cow<'de, str>>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an id (string or integer)")
        }
        fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok((!v.is_empty()).then_some(Cow::Borrowed(v)))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok((!v.is_empty()).then(|| Cow::Owned(v.to_owned())))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(v.to_string())))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(v.to_string())))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Err(E::custom(
                "an id given as a floating-point number has lost its digits; ids must be strings or integers",
            ))
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(IdVisitor)
}

/// An optional string, borrowed from the input where it has no escapes.
/// serde's own `Option<Cow<str>>` always copies, even with
/// `#[serde(borrow)]`; this reads what `Option<String>` reads, with the
/// same errors.
pub(crate) fn opt_str<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Cow<'de, str>>, D::Error> {
    struct StrVisitor;
    impl<'de> Visitor<'de> for StrVisitor {
        type Value = Cow<'de, str>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(Cow::Borrowed(v))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Cow::Owned(v.to_owned()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Cow::Owned(v))
        }
    }
    struct OptVisitor;
    impl<'de> Visitor<'de> for OptVisitor {
        type Value = Option<Cow<'de, str>>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("option")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_str(StrVisitor).map(Some)
        }
    }
    d.deserialize_option(OptVisitor)
}

/// A count given as a non-negative number or a numeric string (the X archive).
pub(crate) fn opt_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    struct CountVisitor;
    impl<'de> Visitor<'de> for CountVisitor {
        type Value = Option<u64>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a count (number or numeric string)")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            u64::try_from(v)
                .map(Some)
                .map_err(|_| E::custom(format!("negative count {v}")))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            if v >= 0.0 && v.fract() == 0.0 && v < 1.8e19 {
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                Ok(Some(v as u64))
            } else {
                Err(E::custom(format!(
                    "count {v} is not a whole non-negative number"
                )))
            }
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            if v.trim().is_empty() {
                return Ok(None);
            }
            v.trim()
                .parse()
                .map(Some)
                .map_err(|_| E::custom(format!("count {v:?} is not a number")))
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(CountVisitor)
}

/// `null` read as the type's default (serde's `default` covers only absence).
pub(crate) fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: serde::Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

use serde::Deserialize;

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Probe {
        #[serde(default, deserialize_with = "opt_id")]
        id: Option<String>,
        #[serde(default, deserialize_with = "opt_count")]
        n: Option<u64>,
    }

    #[test]
    fn ids_keep_all_nineteen_digits() {
        let p: Probe = serde_json::from_str(r#"{"id": 1440714901538803715, "n": "42"}"#).unwrap();
        assert_eq!(p.id.as_deref(), Some("1440714901538803715"));
        assert_eq!(p.n, Some(42));
        let p: Probe = serde_json::from_str(r#"{"id": "1440714901538803715", "n": null}"#).unwrap();
        assert_eq!(p.id.as_deref(), Some("1440714901538803715"));
        assert_eq!(p.n, None);
    }

    #[derive(Deserialize)]
    struct Borrowing<'a> {
        #[serde(default, borrow, deserialize_with = "opt_id_borrowed")]
        id: Option<Cow<'a, str>>,
        #[serde(default, borrow, deserialize_with = "opt_str")]
        text: Option<Cow<'a, str>>,
    }

    /// What serde reads into `Option<String>`, the reading `opt_str` must match.
    #[derive(Deserialize)]
    struct Owning {
        #[serde(default)]
        text: Option<String>,
    }

    #[test]
    fn strings_without_escapes_are_borrowed_from_the_input() {
        let p: Borrowing = serde_json::from_str(r#"{"id": "17", "text": "hi there"}"#).unwrap();
        assert!(matches!(p.id, Some(Cow::Borrowed("17"))));
        assert!(matches!(p.text, Some(Cow::Borrowed("hi there"))));
        let p: Borrowing =
            serde_json::from_str(r#"{"id": "1\u0037", "text": "hi\nthere"}"#).unwrap();
        assert!(matches!(p.id, Some(Cow::Owned(ref id)) if id == "17"));
        assert!(matches!(p.text, Some(Cow::Owned(ref t)) if t == "hi\nthere"));
        let p: Borrowing = serde_json::from_str(r#"{"id": 17, "text": null}"#).unwrap();
        assert_eq!(p.id.as_deref(), Some("17"));
        assert_eq!(p.text, None);
        let p: Borrowing = serde_json::from_str(r#"{"id": ""}"#).unwrap();
        assert_eq!((p.id, p.text), (None, None));
    }

    #[test]
    fn a_borrowed_string_reads_and_fails_as_an_owned_one() {
        for json in [
            r#"{"text": "a"}"#,
            r#"{"text": ""}"#,
            r#"{"text": null}"#,
            r#"{}"#,
            r#"{"text": 5}"#,
            r#"{"text": true}"#,
            r#"{"text": ["a"]}"#,
            r#"{"text": {"a": 1}}"#,
            r#"{"text": "a\ud800"}"#,
            r#"{"text": "unterminated"#,
        ] {
            let owned = serde_json::from_str::<Owning>(json).map(|p| p.text);
            let borrowed =
                serde_json::from_str::<Borrowing>(json).map(|p| p.text.map(Cow::into_owned));
            match (owned, borrowed) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{json}"),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{json}"),
                (a, b) => panic!("{json}: {a:?} against {b:?}"),
            }
        }
    }

    #[test]
    fn float_ids_and_negative_counts_are_refused() {
        assert!(serde_json::from_str::<Probe>(r#"{"id": 1.44e18}"#).is_err());
        assert!(serde_json::from_str::<Probe>(r#"{"n": -1}"#).is_err());
    }
}
