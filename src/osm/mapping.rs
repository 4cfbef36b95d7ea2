//! The mapping from OpenStreetMap tags to carecircle layers: which buildings are residential
//! and how many people they hold, which tags make each facility kind, which ways are walkable.
//!
//! The built-in default is [`DEFAULT_MAPPING_TOML`]; a mapping file overrides it key by key
//! (a list replaces the default list whole).

use super::tags::{any_matches, TagRule, TagSource};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The default mapping, as printed by `carecircle osm --print-mapping`.
pub const DEFAULT_MAPPING_TOML: &str = include_str!("default_mapping.toml");

/// File names the converter writes besides the facility layers; no kind may take them.
const RESERVED_KINDS: &[&str] = &["blocks", "streets"];

/// A validated mapping.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// Residential buildings and their storeys.
    pub buildings: BuildingRules,
    /// Population density assumptions.
    pub population: PopulationRules,
    /// Facility kinds in priority order.
    pub facilities: Vec<FacilityKind>,
    /// The walkable network.
    pub streets: StreetRules,
}

/// Which buildings are residential, and their storeys when untagged.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildingRules {
    /// `building` values residential anywhere.
    pub residential: Vec<String>,
    /// `building` values residential inside residential land use.
    pub residential_in_landuse: Vec<String>,
    /// Rules for residential land-use areas.
    pub landuse: Vec<TagRule>,
    /// `building` values residential where the building stands in no land-use area at all.
    pub residential_without_landuse: Vec<String>,
    /// Rules for any land-use area (for `residential_without_landuse`).
    pub any_landuse: Vec<TagRule>,
    /// Tags that make a building of `residential_in_landuse` or `residential_without_landuse`
    /// something other than housing (a school, a shop, a church, a hotel).
    pub not_residential: Vec<TagRule>,
    /// Buildings with a smaller footprint are left out (sheds, garages, kiosks), m².
    pub min_footprint_m2: f64,
    /// Storeys for a `building` value missing from `levels`.
    pub default_levels: f64,
    /// Storeys by `building` value.
    pub levels: BTreeMap<String, f64>,
}

/// How floor area becomes residents and elderly people.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PopulationRules {
    /// Gross floor area per resident, m².
    pub floor_area_per_resident_m2: f64,
    /// Share of residents aged 65 or over.
    pub elderly_share: f64,
}

/// One facility kind and the tags that make it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FacilityKind {
    /// The kind: the layer name in the city manifest.
    pub kind: String,
    /// An element is of this kind when any rule matches (and no earlier kind's does).
    pub rules: Vec<TagRule>,
    /// Tier rules, first match wins; `unknown` otherwise.
    #[serde(default)]
    pub tiers: Vec<TierRule>,
}

/// A tier, given when all of its conditions hold.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierRule {
    /// The tier written in the `tier` property.
    pub tier: String,
    /// Tag rules, any of which must match (none: no condition).
    #[serde(default)]
    pub rules: Vec<TagRule>,
    /// Numeric tags that must be at least the given value.
    #[serde(default)]
    pub at_least: BTreeMap<String, f64>,
    /// Name fragments, any of which the `name` must contain (case-insensitive; none: no condition).
    #[serde(default)]
    pub name_contains: Vec<String>,
}

/// Which `highway` ways are walkable.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreetRules {
    /// Walkable `highway` values.
    pub walkable: Vec<String>,
    /// Walkable values left out when tagged `sidewalk=no|none`.
    pub need_sidewalk: Vec<String>,
    /// Values walkable only when `foot` allows it.
    pub foot_only: Vec<String>,
}

/// Why a mapping cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    /// The mapping file cannot be read.
    #[error("{}: cannot read the mapping: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The path is not a regular file (a FIFO, a device, a folder) or too large to be a
    /// mapping; refused before it is opened.
    #[error("{}: the mapping {source}", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What it is instead.
        source: crate::input_file::InputFileError,
    },
    /// The mapping file is wrong.
    #[error("{}: {source}", path.display())]
    InFile {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        source: Box<MappingError>,
    },
    /// The text is not a mapping (TOML syntax, unknown or mistyped fields, bad tag rules).
    #[error(transparent)]
    Toml(#[from] toml::de::Error),
    /// A storey count that is not positive.
    #[error("[buildings] levels `{name}` must be a positive number of storeys, got {value}")]
    Levels {
        /// The building type, or `default_levels`.
        name: String,
        /// The storeys given.
        value: f64,
    },
    /// A minimum footprint that is negative or not a number.
    #[error("[buildings] min_footprint_m2 must be 0 or more square metres, got {0}")]
    MinFootprint(f64),
    /// A floor area per resident that is not positive.
    #[error("[population] floor_area_per_resident_m2 must be positive, got {0}")]
    FloorArea(f64),
    /// An elderly share outside [0, 1].
    #[error("[population] elderly_share must be between 0 and 1, got {0}")]
    ElderlyShare(f64),
    /// A facility kind that is not a valid name.
    #[error("{0}")]
    KindName(crate::config::error::Issue),
    /// A facility kind that names one of the converter's own layers.
    #[error("facility kind `{0}` is reserved for the converter's own layer")]
    ReservedKind(String),
    /// A facility kind listed twice.
    #[error("facility kind `{0}` is listed twice")]
    KindTwice(String),
    /// A facility kind without rules.
    #[error("facility kind `{0}` has no rules")]
    NoRules(String),
}

/// The tier of a facility no tier rule matches.
pub const UNKNOWN_TIER: &str = "unknown";

impl Mapping {
    /// The built-in default mapping.
    pub fn default_mapping() -> Mapping {
        Mapping::parse(DEFAULT_MAPPING_TOML).expect("the built-in mapping is valid")
    }

    /// Reads a mapping file over the defaults.
    pub fn load(path: &Path) -> Result<Mapping, MappingError> {
        crate::input_file::check_config(path).map_err(|source| MappingError::NotAFile {
            path: path.to_path_buf(),
            source,
        })?;
        let text = std::fs::read_to_string(path).map_err(|source| MappingError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Mapping::parse(&text).map_err(|source| MappingError::InFile {
            path: path.to_path_buf(),
            source: Box::new(source),
        })
    }

    /// Parses mapping text over the defaults: tables are merged key by key, other values
    /// (lists included) replace the default.
    pub fn parse(text: &str) -> Result<Mapping, MappingError> {
        let mut merged: toml::Table =
            toml::from_str(DEFAULT_MAPPING_TOML).expect("the built-in mapping is TOML");
        let given: toml::Table = toml::from_str(text)?;
        merge(&mut merged, given);
        let mapping: Mapping = toml::Value::Table(merged).try_into()?;
        mapping.validate()?;
        Ok(mapping)
    }

    fn validate(&self) -> Result<(), MappingError> {
        let b = &self.buildings;
        let levels = std::iter::once(("default_levels", b.default_levels))
            .chain(b.levels.iter().map(|(k, v)| (k.as_str(), *v)));
        for (name, value) in levels {
            if !(value.is_finite() && value > 0.0) {
                return Err(MappingError::Levels {
                    name: name.to_string(),
                    value,
                });
            }
        }
        if !(b.min_footprint_m2.is_finite() && b.min_footprint_m2 >= 0.0) {
            return Err(MappingError::MinFootprint(b.min_footprint_m2));
        }
        let p = &self.population;
        if !(p.floor_area_per_resident_m2.is_finite() && p.floor_area_per_resident_m2 > 0.0) {
            return Err(MappingError::FloorArea(p.floor_area_per_resident_m2));
        }
        if !(0.0..=1.0).contains(&p.elderly_share) {
            return Err(MappingError::ElderlyShare(p.elderly_share));
        }
        for (i, f) in self.facilities.iter().enumerate() {
            crate::config::check_name("facility kind", &f.kind).map_err(MappingError::KindName)?;
            let kind = || f.kind.clone();
            if RESERVED_KINDS.contains(&f.kind.as_str()) {
                return Err(MappingError::ReservedKind(kind()));
            }
            if self.facilities[..i].iter().any(|g| g.kind == f.kind) {
                return Err(MappingError::KindTwice(kind()));
            }
            if f.rules.is_empty() {
                return Err(MappingError::NoRules(kind()));
            }
        }
        Ok(())
    }

    /// The index of the first facility kind whose rules match.
    pub fn facility_kind<T: TagSource + ?Sized>(&self, tags: &T) -> Option<usize> {
        self.facilities
            .iter()
            .position(|f| any_matches(&f.rules, tags))
    }

    /// Whether a facility kind has a tier rule giving `tier`.
    pub fn has_tier(&self, kind: &str, tier: &str) -> bool {
        self.facilities
            .iter()
            .any(|f| f.kind == kind && f.tiers.iter().any(|t| t.tier == tier))
    }

    /// Storeys of a building of type `building` without a usable `building:levels` tag.
    pub fn default_levels(&self, building: &str) -> f64 {
        let b = &self.buildings;
        b.levels.get(building).copied().unwrap_or(b.default_levels)
    }
}

impl FacilityKind {
    /// The tier of a facility of this kind: the first tier rule that holds, or `unknown`.
    pub fn tier<T: TagSource + ?Sized>(&self, tags: &T) -> &str {
        self.tiers
            .iter()
            .find(|t| t.holds(tags))
            .map_or(UNKNOWN_TIER, |t| t.tier.as_str())
    }
}

impl TierRule {
    fn holds<T: TagSource + ?Sized>(&self, tags: &T) -> bool {
        let rules = self.rules.is_empty() || any_matches(&self.rules, tags);
        let numbers = self.at_least.iter().all(|(key, min)| {
            tags.tag(key)
                .and_then(|v| v.trim().parse::<f64>().ok())
                .is_some_and(|v| v >= *min)
        });
        let name = self.name_contains.is_empty()
            || tags.tag("name").is_some_and(|n| {
                let n = n.to_lowercase();
                self.name_contains
                    .iter()
                    .any(|part| n.contains(&part.to_lowercase()))
            });
        rules && numbers && name
    }
}

impl StreetRules {
    /// Whether a way with these tags is part of the walking network.
    pub fn walkable<T: TagSource + ?Sized>(&self, tags: &T) -> bool {
        let Some(highway) = tags.tag("highway") else {
            return false;
        };
        let listed = |list: &[String]| list.iter().any(|h| h == highway);
        match tags.tag("foot") {
            Some("no" | "private" | "use_sidepath") => return false,
            Some("yes" | "designated" | "permissive") => {
                return listed(&self.walkable) || listed(&self.foot_only)
            }
            _ => {}
        }
        if matches!(tags.tag("access"), Some("no" | "private")) {
            return false;
        }
        listed(&self.walkable)
            && !(listed(&self.need_sidewalk) && matches!(tags.tag("sidewalk"), Some("no" | "none")))
    }
}

/// Merges `given` into `base`: tables key by key, anything else replaced.
fn merge(base: &mut toml::Table, given: toml::Table) {
    for (key, value) in given {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(g)) => merge(b, g),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::osm::tags::Tags;

    #[test]
    fn the_default_mapping_parses_with_the_documented_kinds() {
        let m = Mapping::default_mapping();
        let kinds: Vec<&str> = m.facilities.iter().map(|f| f.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "hospital",
                "hospice",
                "nursing_home",
                "senior_day_care",
                "clinic",
                "pharmacy",
                "community_centre"
            ]
        );
        assert_eq!(m.default_levels("house"), 2.0);
        assert_eq!(m.default_levels("castle"), 3.0);
        assert!(!m.has_tier("hospital", "tertiary"));
    }

    #[test]
    fn first_matching_kind_wins() {
        let m = Mapping::default_mapping();
        let kind = |pairs: &[(&str, &str)]| m.facility_kind(pairs).map(|i| &*m.facilities[i].kind);
        let home = [
            ("social_facility", "nursing_home"),
            ("social_facility:for", "senior"),
        ];
        assert_eq!(kind(&home), Some("nursing_home"));
        assert_eq!(
            kind(&[("social_facility:for", "senior")]),
            Some("senior_day_care")
        );
        assert_eq!(kind(&[("amenity", "doctors")]), Some("clinic"));
        assert_eq!(kind(&[("amenity", "dentist")]), None);
    }

    #[test]
    fn a_file_overrides_keys_and_keeps_the_rest() {
        let m = Mapping::parse(
            r#"
[population]
elderly_share = 0.35
[[facilities]]
kind = "hospital"
rules = ["amenity=hospital"]
tiers = [
  { tier = "tertiary", at_least = { beds = 300 } },
  { tier = "tertiary", name_contains = ["Princesse Grace"] },
  { tier = "secondary", rules = ["emergency=yes"] },
]
"#,
        )
        .unwrap();
        assert_eq!(m.population.elderly_share, 0.35);
        assert_eq!(m.population.floor_area_per_resident_m2, 50.0);
        assert_eq!(m.facilities.len(), 1);
        assert!(m.has_tier("hospital", "tertiary"));
        let h = &m.facilities[0];
        let tier = |pairs: &[(&str, &str)]| h.tier(pairs).to_string();
        assert_eq!(tier(&[("beds", "450")]), "tertiary");
        assert_eq!(tier(&[("beds", "120"), ("emergency", "yes")]), "secondary");
        assert_eq!(
            tier(&[("name", "Centre Hospitalier PRINCESSE GRACE")]),
            "tertiary"
        );
        assert_eq!(tier(&[("beds", "many")]), "unknown");
        let t = Tags::from_pairs([("beds", "300")]);
        assert_eq!(h.tier(&t), "tertiary");
    }

    #[test]
    fn bad_mappings_are_clear_errors() {
        let cases = [
            ("[population]\nelderly_share = 1.5\n", "elderly_share"),
            (
                "[population]\nfloor_area_per_resident_m2 = 0\n",
                "floor_area_per_resident_m2",
            ),
            ("[buildings]\nlevels = { house = -1 }\n", "house"),
            ("[buildings]\nmin_footprint_m2 = -1\n", "min_footprint_m2"),
            ("[buildings]\nresidentail = []\n", "residentail"),
            (
                "[[facilities]]\nkind = \"Hospital\"\nrules = [\"amenity=hospital\"]\n",
                "Hospital",
            ),
            (
                "[[facilities]]\nkind = \"blocks\"\nrules = [\"amenity=hospital\"]\n",
                "reserved",
            ),
            (
                "[[facilities]]\nkind = \"a\"\nrules = [\"amenity\"]\n",
                "amenity",
            ),
            ("[[facilities]]\nkind = \"a\"\nrules = []\n", "no rules"),
        ];
        for (text, expected) in cases {
            let err = Mapping::parse(text).unwrap_err().to_string();
            assert!(err.contains(expected), "{text}: {err}");
        }
    }

    #[test]
    fn walkable_follows_foot_access_and_sidewalk() {
        let s = Mapping::default_mapping().streets;
        let walk = |pairs: &[(&str, &str)]| s.walkable(pairs);
        assert!(walk(&[("highway", "footway")]));
        assert!(walk(&[("highway", "steps")]));
        assert!(!walk(&[("highway", "motorway")]));
        assert!(walk(&[("highway", "motorway"), ("foot", "yes")]));
        assert!(!walk(&[("highway", "cycleway")]));
        assert!(walk(&[("highway", "cycleway"), ("foot", "designated")]));
        assert!(!walk(&[("highway", "primary"), ("sidewalk", "no")]));
        assert!(walk(&[("highway", "residential"), ("sidewalk", "no")]));
        assert!(!walk(&[("highway", "footway"), ("foot", "no")]));
        assert!(!walk(&[("highway", "service"), ("access", "private")]));
        assert!(walk(&[
            ("highway", "service"),
            ("access", "private"),
            ("foot", "yes")
        ]));
        assert!(!walk(&[("building", "yes")]));
    }
}
