//! Effort in points.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Effort in points, as Targetprocess stores it (a decimal, possibly fractional).
///
/// Always finite. Negative values are representable so that validation can report them with a
/// location instead of the parser refusing the whole file. Displayed in the shortest form that
/// parses back to the same value (`21`, `0.5`), so rendering is stable.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Effort(f64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EffortError {
    #[error("Effort must be a number of points, found {0:?}")]
    NotANumber(String),
}

impl Effort {
    /// `None` for NaN and infinities, which no plan can hold.
    pub fn new(points: f64) -> Option<Self> {
        // -0.0 and 0.0 are the same effort; keep one so render/parse round-trips exactly.
        points
            .is_finite()
            .then_some(Self(if points == 0.0 { 0.0 } else { points }))
    }

    pub fn points(self) -> f64 {
        self.0
    }
}

impl fmt::Display for Effort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // f64's Display is the shortest representation that round-trips.
        write!(f, "{}", self.0)
    }
}

impl FromStr for Effort {
    type Err = EffortError;

    /// Accepts plain decimal numbers (`21`, `0.5`, `-3`); no exponents, no `inf`/`nan`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let body = t.strip_prefix('-').unwrap_or(t);
        let mut parts = body.splitn(2, '.');
        let int = parts.next().unwrap_or("");
        let frac = parts.next();
        let digits_ok = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        let shape_ok = digits_ok(int) && frac.is_none_or(digits_ok);
        match (shape_ok, t.parse::<f64>().ok().and_then(Effort::new)) {
            (true, Some(e)) => Ok(e),
            _ => Err(EffortError::NotANumber(s.to_owned())),
        }
    }
}

impl Serialize for Effort {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.0)
    }
}

/// Effort is written as a plain number of points.
impl schemars::JsonSchema for Effort {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Effort".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "number",
            "description": "Effort in points",
        })
    }
}

impl<'de> Deserialize<'de> for Effort {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(deserializer)?;
        Effort::new(v).ok_or_else(|| serde::de::Error::custom("effort must be a finite number"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn displays_shortest_form() {
        assert_eq!(Effort::new(21.0).unwrap().to_string(), "21");
        assert_eq!(Effort::new(0.5).unwrap().to_string(), "0.5");
        assert_eq!(Effort::new(-0.0).unwrap().to_string(), "0");
    }

    #[test]
    fn rejects_words_and_special_values() {
        for bad in [
            "thirty-four",
            "",
            "1e3",
            "inf",
            "NaN",
            "1.",
            ".5",
            "1,5",
            "+3",
            "--1",
        ] {
            assert!(bad.parse::<Effort>().is_err(), "{bad:?} should be rejected");
        }
        assert_eq!("-3".parse::<Effort>().unwrap().points(), -3.0);
        assert_eq!(" 8 ".parse::<Effort>().unwrap().points(), 8.0);
    }

    proptest! {
        #[test]
        fn display_parse_round_trips(v in -1.0e9f64..1.0e9) {
            let e = Effort::new(v).unwrap();
            let s = e.to_string();
            // Display never uses an exponent for this range, so the strict parser accepts it.
            prop_assert_eq!(s.parse::<Effort>().unwrap(), e);
        }
    }
}
