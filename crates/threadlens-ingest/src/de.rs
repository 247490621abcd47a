//! Lenient serde helpers for the shapes platforms actually send: ids as
//! strings or integers, counts as numbers or numeric strings.

use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// An id given as a JSON string or an integer; kept as its exact digits.
pub(crate) fn opt_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct IdVisitor;
    impl<'de> Visitor<'de> for IdVisitor {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an id (string or integer)")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok((!v.is_empty()).then(|| v.to_owned()))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
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

    #[test]
    fn float_ids_and_negative_counts_are_refused() {
        assert!(serde_json::from_str::<Probe>(r#"{"id": 1.44e18}"#).is_err());
        assert!(serde_json::from_str::<Probe>(r#"{"n": -1}"#).is_err());
    }
}
