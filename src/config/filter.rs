//! Attribute filters: `where = { category = ["hospice", "home_sickbed_referral"] }`.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// One value a filter accepts: a string, number or boolean, compared as text so that a
/// GeoJSON number `100`, a CSV cell `100` and a TOML `100` all match.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Scalar {
    /// Text.
    Text(String),
    /// Whole number.
    Integer(i64),
    /// Decimal number.
    Float(f64),
    /// true / false.
    Bool(bool),
}

impl Scalar {
    /// The canonical text this value is compared as.
    pub fn as_text(&self) -> Cow<'_, str> {
        match self {
            Scalar::Text(s) => Cow::Borrowed(s),
            Scalar::Integer(i) => Cow::Owned(i.to_string()),
            Scalar::Float(f) => Cow::Owned(f.to_string()),
            Scalar::Bool(b) => Cow::Owned(b.to_string()),
        }
    }
}

/// A single accepted value or a list of accepted values.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Accepted {
    /// Exactly this value.
    One(Scalar),
    /// Any of these values.
    Any(Vec<Scalar>),
}

impl Accepted {
    /// The accepted values.
    pub fn values(&self) -> &[Scalar] {
        match self {
            Accepted::One(v) => std::slice::from_ref(v),
            Accepted::Any(vs) => vs,
        }
    }
}

/// A conjunction of property tests: a feature is kept when every named property equals one
/// of its accepted values. An empty filter keeps everything.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(transparent)]
pub struct Filter(pub BTreeMap<String, Accepted>);

impl Filter {
    /// Whether a feature passes; `property` returns a property's value as text.
    pub fn matches<'a>(&self, property: impl Fn(&str) -> Option<Cow<'a, str>>) -> bool {
        self.0.iter().all(|(name, accepted)| {
            property(name)
                .is_some_and(|value| accepted.values().iter().any(|v| v.as_text() == value))
        })
    }

    /// Whether the filter tests nothing.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Filter {
    /// `tier = tertiary`, `category = hospice | home_sickbed_referral`, joined with `, `.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (name, accepted)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            let values: Vec<_> = accepted.values().iter().map(|v| v.as_text()).collect();
            write!(f, "{name} = {}", values.join(" | "))?;
        }
        Ok(())
    }
}

/// The distinct values of `field` among features' `properties`, sorted, the first twenty
/// quoted (`"a", "b" and 3 more`), or `no such field`: what a `where` that keeps nothing
/// could have said.
pub fn values_present<'a>(
    properties: impl Iterator<Item = &'a serde_json::Map<String, serde_json::Value>>,
    field: &str,
) -> String {
    let values: std::collections::BTreeSet<String> = properties
        .filter_map(|p| p.get(field).and_then(json_as_text))
        .map(|v| v.into_owned())
        .collect();
    if values.is_empty() {
        return "no such field".to_string();
    }
    const SHOWN: usize = 20;
    let shown: Vec<String> = values
        .iter()
        .take(SHOWN)
        .map(|v| format!("{v:?}"))
        .collect();
    match values.len() {
        n if n > SHOWN => format!("{} and {} more", shown.join(", "), n - SHOWN),
        _ => shown.join(", "),
    }
}

/// The text form of a JSON property value used for filtering; `None` for null, objects and
/// arrays.
pub fn json_as_text(value: &serde_json::Value) -> Option<Cow<'_, str>> {
    match value {
        serde_json::Value::String(s) => Some(Cow::Borrowed(s)),
        serde_json::Value::Number(n) => Some(Cow::Owned(match n.as_f64() {
            Some(f) if n.is_f64() => f.to_string(),
            _ => n.to_string(),
        })),
        serde_json::Value::Bool(b) => Some(Cow::Owned(b.to_string())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn filter(text: &str) -> Filter {
        #[derive(Deserialize)]
        struct Wrap {
            r#where: Filter,
        }
        toml::from_str::<Wrap>(text).unwrap().r#where
    }

    #[test]
    fn matches_text_numbers_lists_and_all_keys() {
        let f = filter(r#"where = { tier = "tertiary", beds = [100, 200.5] }"#);
        let props = json!({"tier": "tertiary", "beds": 100});
        assert!(f.matches(|k| props.get(k).and_then(json_as_text)));
        let props = json!({"tier": "tertiary", "beds": 200.5});
        assert!(f.matches(|k| props.get(k).and_then(json_as_text)));
        let props = json!({"tier": "tertiary", "beds": 150});
        assert!(!f.matches(|k| props.get(k).and_then(json_as_text)));
        let props = json!({"beds": 100});
        assert!(!f.matches(|k| props.get(k).and_then(json_as_text)));
        assert!(f.matches(|k| match k {
            "tier" => Some(Cow::Borrowed("tertiary")),
            _ => Some(Cow::Borrowed("100")),
        }));
        assert_eq!(f.to_string(), "beds = 100 | 200.5, tier = tertiary");
    }

    #[test]
    fn empty_filter_keeps_everything() {
        assert!(Filter::default().matches(|_| None));
    }
}
