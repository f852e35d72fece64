//! Whole numbers in JSON bodies as JSON Schema counts them: `3` and `3.0` are both the
//! integer 3 (a generated client, or JavaScript, may send either), while serde's `u64`
//! takes only the first.

use serde::{Deserialize, Deserializer, de::Error};

/// Largest whole number a JSON number written with a fraction still holds exactly.
const EXACT: f64 = 9_007_199_254_740_992.0;

fn whole(n: serde_json::Number) -> Option<u64> {
    n.as_u64().or_else(|| {
        let f = n.as_f64()?;
        (f >= 0.0 && f.fract() == 0.0 && f <= EXACT).then_some(f as u64)
    })
}

/// For `#[serde(deserialize_with = "...")]` on a `u64` field.
pub fn u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let n = serde_json::Number::deserialize(d)?;
    whole(n.clone()).ok_or_else(|| D::Error::custom(format!("{n} is not a whole number ≥ 0")))
}

/// For `#[serde(default, deserialize_with = "...")]` on an `Option<u64>` field.
pub fn option_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    match Option::<serde_json::Number>::deserialize(d)? {
        None => Ok(None),
        Some(n) => whole(n.clone())
            .map(Some)
            .ok_or_else(|| D::Error::custom(format!("{n} is not a whole number ≥ 0"))),
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Body {
        #[serde(deserialize_with = "super::u64")]
        size: u64,
        #[serde(default, deserialize_with = "super::option_u64")]
        ttl: Option<u64>,
    }

    fn parse(s: &str) -> Result<(u64, Option<u64>), String> {
        serde_json::from_str::<Body>(s)
            .map(|b| (b.size, b.ttl))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn whole_numbers_with_or_without_a_fraction() {
        assert_eq!(parse(r#"{"size": 3}"#), Ok((3, None)));
        assert_eq!(parse(r#"{"size": 3.0, "ttl": 60.0}"#), Ok((3, Some(60))));
        assert_eq!(parse(r#"{"size": 1e3, "ttl": null}"#), Ok((1000, None)));
    }

    #[test]
    fn fractions_negatives_and_strings_are_refused() {
        for bad in [
            r#"{"size": 3.5}"#,
            r#"{"size": -1}"#,
            r#"{"size": -1.0}"#,
            r#"{"size": "3"}"#,
            r#"{"size": 1e300}"#,
            r#"{"size": 1, "ttl": 0.5}"#,
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
