//! OSM tags and the mapping's tag rules.
//!
//! A rule is one or more conditions joined with `&`, all of which must hold. A condition is
//! `key=value`, `key=v1|v2` (any of the values) or `key=*` (the key with any value):
//! `"amenity=clinic|doctors"`, `"social_facility:for=senior & amenity=social_facility"`.

use serde::Deserialize;
use std::fmt;

/// Anything tags can be looked up in.
pub trait TagSource {
    /// The value of `key`, if the element has it.
    fn tag(&self, key: &str) -> Option<&str>;
}

/// An element's tags, kept sorted by key.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tags(Vec<(Box<str>, Box<str>)>);

impl Tags {
    /// Tags from key–value pairs (the first value wins for a repeated key).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Tags {
        let mut tags: Vec<(Box<str>, Box<str>)> = pairs
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        tags.sort_by(|a, b| a.0.cmp(&b.0));
        tags.dedup_by(|later, earlier| later.0 == earlier.0);
        Tags(tags)
    }
}

impl TagSource for Tags {
    fn tag(&self, key: &str) -> Option<&str> {
        self.0
            .binary_search_by(|(k, _)| (**k).cmp(key))
            .ok()
            .map(|i| &*self.0[i].1)
    }
}

/// Tags borrowed from the PBF reader, in file order.
impl TagSource for [(&str, &str)] {
    fn tag(&self, key: &str) -> Option<&str> {
        self.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }
}

/// One `key=value|value` condition; no values means any value.
#[derive(Debug, Clone, PartialEq)]
struct Condition {
    key: String,
    values: Vec<String>,
}

/// Why a tag rule cannot be parsed; each message names the rule and the faulty part.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TagRuleError {
    /// A part without `=`.
    #[error("tag rule `{rule}`: `{part}` is not `key=value` (or `key=*`)")]
    NotKeyValue {
        /// The whole rule.
        rule: String,
        /// The part.
        part: String,
    },
    /// A part with an empty key or value.
    #[error("tag rule `{rule}`: `{part}` has an empty key or value")]
    Empty {
        /// The whole rule.
        rule: String,
        /// The part.
        part: String,
    },
}

/// A tag rule from the mapping: every condition must hold.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "String")]
pub struct TagRule {
    text: String,
    conditions: Vec<Condition>,
}

impl TagRule {
    /// Parses `key=value`, `key=v1|v2`, `key=*`, joined with `&`.
    pub fn parse(text: &str) -> Result<TagRule, TagRuleError> {
        let mut conditions = Vec::new();
        for part in text.split('&') {
            let part = part.trim();
            let (key, values) = part
                .split_once('=')
                .ok_or_else(|| TagRuleError::NotKeyValue {
                    rule: text.to_string(),
                    part: part.to_string(),
                })?;
            let key = key.trim();
            let values: Vec<String> = values.split('|').map(|v| v.trim().to_string()).collect();
            if key.is_empty() || values.iter().any(String::is_empty) {
                return Err(TagRuleError::Empty {
                    rule: text.to_string(),
                    part: part.to_string(),
                });
            }
            let any = values.len() == 1 && values[0] == "*";
            conditions.push(Condition {
                key: key.to_string(),
                values: if any { Vec::new() } else { values },
            });
        }
        Ok(TagRule {
            text: text.trim().to_string(),
            conditions,
        })
    }

    /// Whether every condition holds for these tags.
    pub fn matches<T: TagSource + ?Sized>(&self, tags: &T) -> bool {
        self.conditions.iter().all(|c| {
            tags.tag(&c.key)
                .is_some_and(|v| c.values.is_empty() || c.values.iter().any(|w| w == v))
        })
    }
}

impl TryFrom<String> for TagRule {
    type Error = TagRuleError;

    fn try_from(text: String) -> Result<TagRule, TagRuleError> {
        TagRule::parse(&text)
    }
}

impl fmt::Display for TagRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Whether any of the rules matches.
pub fn any_matches<T: TagSource + ?Sized>(rules: &[TagRule], tags: &T) -> bool {
    rules.iter().any(|r| r.matches(tags))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_match_values_alternatives_wildcards_and_conjunctions() {
        let tags = Tags::from_pairs([("amenity", "doctors"), ("name", "Dr X")]);
        assert_eq!(tags.tag("amenity"), Some("doctors"));
        assert_eq!(tags.tag("missing"), None);
        assert!(TagRule::parse("amenity=clinic|doctors")
            .unwrap()
            .matches(&tags));
        assert!(!TagRule::parse("amenity=clinic").unwrap().matches(&tags));
        assert!(TagRule::parse("name=*").unwrap().matches(&tags));
        assert!(TagRule::parse("amenity=doctors & name=*")
            .unwrap()
            .matches(&tags));
        assert!(!TagRule::parse("amenity=doctors & healthcare=*")
            .unwrap()
            .matches(&tags));
        let borrowed: &[(&str, &str)] = &[("healthcare", "clinic")];
        assert!(TagRule::parse("healthcare=clinic")
            .unwrap()
            .matches(borrowed));
    }

    #[test]
    fn bad_rules_are_errors_naming_the_rule() {
        for bad in ["amenity", "=x", "amenity=", "amenity=a||b", "a=b & c"] {
            let err = TagRule::parse(bad).unwrap_err().to_string();
            assert!(err.contains(bad), "{err}");
        }
    }
}
