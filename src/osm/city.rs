//! The converted city's manifest (`city.toml`) and policy (`policy.toml`).

use super::summary::BoundarySummary;
use crate::format::thousands;
use std::fmt::Write;

/// The credit OpenStreetMap's licence asks for, written as `attribution` in city.toml.
pub const ATTRIBUTION: &str = "© OpenStreetMap contributors, ODbL 1.0";

/// What the manifest says about where the city came from and how its people were estimated.
pub struct CityNotes<'a> {
    /// The city's name.
    pub name: &'a str,
    /// The extract's file name.
    pub source: &'a str,
    /// The extract's replication timestamp (ISO 8601, UTC), if its header has one.
    pub replication: Option<&'a str>,
    /// The boundary the city was clipped to, if any.
    pub boundary: Option<&'a BoundarySummary>,
    /// How residents were obtained.
    pub residents_method: &'a str,
    /// How elderly people were obtained.
    pub elderly_method: &'a str,
    /// Facility kinds of the mapping with no feature in the extract.
    pub empty_kinds: &'a [String],
}

/// `city.toml` naming the blocks, each facility layer (`[layers.<kind>]` reading
/// `<kind>.geojson`), the streets and the policy.
pub fn city_toml(notes: &CityNotes, layers: &[String]) -> String {
    let mut text = format!(
        "# A city converted from OpenStreetMap by `carecircle osm` from {}.\n\
         # Map data © OpenStreetMap contributors, under the Open Database License (ODbL) 1.0.\n\
         #\n\
         # Blocks are residential buildings. Their `residents` and `elderly` are ESTIMATES\n\
         # (property `estimated` = true), not census figures:\n\
         #   residents: {}\n\
         #   elderly:   {}\n",
        notes.source, notes.residents_method, notes.elderly_method
    );
    if !notes.empty_kinds.is_empty() {
        let _ = writeln!(
            text,
            "# Facility kinds with no feature in this extract: {}.",
            notes.empty_kinds.join(", ")
        );
    }
    let _ = writeln!(text, "\nname = {}", toml_string(notes.name));
    let _ = writeln!(text, "attribution = {}", toml_string(ATTRIBUTION));
    let _ = writeln!(text, "source = {}", toml_string(&source_line(notes)));
    let population = format!(
        "estimated from building floor area (OpenStreetMap footprints x storeys), not census figures: residents {}; elderly {}",
        notes.residents_method, notes.elderly_method
    );
    let _ = writeln!(text, "population_note = {}", toml_string(&population));
    text.push_str(
        "policy = \"policy.toml\"\n\n\
         [blocks]\n\
         path = \"blocks.geojson\"\n\
         id = \"id\"\n\
         elderly = \"elderly\"\n\
         residents = \"residents\"\n",
    );
    for kind in layers {
        let _ = write!(text, "\n[layers.{kind}]\npath = \"{kind}.geojson\"\n");
    }
    text.push_str(
        "\n[streets]\n\
         path = \"streets.geojson\"\n\
         # Step-free walking (wheelchairs, walkers): keep stairs out with\n\
         # where = { steps = false }\n",
    );
    text
}

/// The `source` line: the extract, its date and the boundary it was clipped to.
fn source_line(notes: &CityNotes) -> String {
    let mut line = format!("OpenStreetMap extract {}", notes.source);
    if let Some(date) = notes.replication {
        let _ = write!(line, " (replication timestamp {date})");
    }
    if let Some(b) = notes.boundary {
        let _ = write!(
            line,
            ", clipped to {}; facilities and streets kept up to {} m beyond it",
            b.described(),
            thousands(b.margin_m)
        );
    }
    line
}

/// A TOML basic string, quoted and escaped.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// An extract's file name without `.osm.pbf` (or `.pbf`): `monaco` for `monaco.osm.pbf`.
pub fn extract_stem(file_name: &str) -> &str {
    let stem = file_name.strip_suffix(".pbf").unwrap_or(file_name);
    stem.strip_suffix(".osm").unwrap_or(stem)
}

/// Seconds since 1970-01-01 UTC as ISO 8601, `2016-03-05T00:26:02Z` (proleptic Gregorian
/// calendar; days to a civil date after Howard Hinnant's `civil_from_days`).
pub fn utc_timestamp(seconds: i64) -> String {
    let (days, second) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        second / 3600,
        second % 3600 / 60,
        second % 60
    )
}

/// The generated policy and the kinds it names.
pub struct GeneratedPolicy {
    /// The policy text.
    pub text: String,
    /// The kinds its requirements name (each must be a layer, even an empty one).
    pub kinds: Vec<&'static str>,
}

/// The three circles of the default policy, with the OSM kinds that stand in for its
/// facilities: `found(kind)` tells whether the extract has any; `tertiary` whether a tier rule
/// can tell tertiary hospitals.
pub fn policy_toml(found: impl Fn(&str) -> bool, tertiary: bool) -> GeneratedPolicy {
    let first_found = |preferred: &'static str, fallback: &'static str| {
        if !found(preferred) && found(fallback) {
            fallback
        } else {
            preferred
        }
    };
    let basic = first_found("senior_day_care", "nursing_home");
    let extended = first_found("hospice", "nursing_home");
    let kinds = vec![basic, "hospital", extended];
    let mut text = String::from(
        "# The default three-circle policy (see `carecircle policy`), with the OpenStreetMap\n\
         # kinds that stand in for its facilities. Generated by `carecircle osm`; edit freely.\n\
         #\n\
         # - basic: the home-care-bed response point is the neighbourhood's elderly-care\n\
         #   station, in OSM a senior day-care / senior centre (social_facility:for=senior),\n\
         #   else a nursing home when the extract has no senior centre. The responder-team\n\
         #   requirement is left out: OSM does not map responder teams; add a `responder`\n\
         #   layer from local data to restore it.\n\
         # - specialty: a hospital within 500 m",
    );
    text.push_str(if tertiary {
        " of tier `tertiary` (from the mapping's tier rule).\n"
    } else {
        "; the mapping has no tier rule, so any hospital counts\n#   (tier is `unknown`).\n"
    });
    text.push_str(
        "# - extended: a hospice, else a nursing home when the extract has no hospice.\n",
    );
    let missing: Vec<&str> = {
        let mut m: Vec<&str> = kinds.iter().copied().filter(|k| !found(k)).collect();
        m.dedup();
        m
    };
    if !missing.is_empty() {
        let _ = writeln!(
            text,
            "#\n# NO DATA in this extract for: {}. Those layers are written empty, so every block\n\
             # fails the requirements on them; supply the sites from local data or edit the policy.",
            missing.join(", ")
        );
    }
    let _ = write!(
        text,
        "\n[[circles]]\nname = \"basic\"\nrequires = [{{ kind = \"{basic}\", within_m = 100 }}]\n"
    );
    let tier = if tertiary {
        ", where = { tier = \"tertiary\" }"
    } else {
        ""
    };
    let _ = write!(
        text,
        "\n[[circles]]\nname = \"specialty\"\nrequires = [{{ kind = \"hospital\", within_m = 500{tier} }}]\n"
    );
    let _ = write!(
        text,
        "\n[[circles]]\nname = \"extended\"\nrequires = [{{ kind = \"{extended}\", within_m = 1000 }}]\n"
    );
    GeneratedPolicy { text, kinds }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Policy;

    #[test]
    fn policy_uses_found_kinds_and_names_the_gaps() {
        let monaco = policy_toml(|k| k == "hospital" || k == "pharmacy", false);
        assert_eq!(monaco.kinds, ["senior_day_care", "hospital", "hospice"]);
        assert!(monaco
            .text
            .contains("NO DATA in this extract for: senior_day_care, hospice"));
        let p = Policy::parse(&monaco.text).unwrap();
        assert_eq!(p.circles.len(), 3);
        assert!(p.circles[1].requires[0].filter.is_empty());

        let homes = policy_toml(|k| k == "nursing_home" || k == "hospital", true);
        assert_eq!(homes.kinds, ["nursing_home", "hospital", "nursing_home"]);
        assert!(!homes.text.contains("NO DATA"));
        let p = Policy::parse(&homes.text).unwrap();
        assert!(!p.circles[1].requires[0].filter.is_empty());
    }

    #[test]
    fn city_toml_names_every_layer_and_parses() {
        let boundary = BoundarySummary {
            source: "relation 7".to_string(),
            name: Some("Say \"Ville\"".to_string()),
            margin_m: 1000.0,
        };
        let notes = CityNotes {
            name: "Say \"Ville\"",
            source: "x.osm.pbf",
            replication: Some("2016-03-05T00:26:02Z"),
            boundary: Some(&boundary),
            residents_method: "r",
            elderly_method: "e",
            empty_kinds: &["clinic".to_string()],
        };
        let text = city_toml(&notes, &["hospital".to_string(), "clinic".to_string()]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("city.toml");
        std::fs::write(&path, &text).unwrap();
        let m = crate::config::Manifest::load(&path).unwrap();
        assert_eq!(m.layers.len(), 2);
        assert_eq!(
            m.layers["clinic"].path,
            crate::config::manifest::Paths::from(dir.path().join("clinic.geojson"))
        );
        assert!(text.contains("ESTIMATES") && text.contains("ODbL"));
        assert!(text.contains("no feature in this extract: clinic."));
        assert_eq!(m.name.as_deref(), Some("Say \"Ville\""));
        assert_eq!(m.attribution.as_deref(), Some(ATTRIBUTION));
        assert_eq!(
            m.source.as_deref(),
            Some("OpenStreetMap extract x.osm.pbf (replication timestamp 2016-03-05T00:26:02Z), clipped to relation 7 (Say \"Ville\"); facilities and streets kept up to 1,000 m beyond it")
        );
        assert!(m
            .population_note
            .is_some_and(|n| n.starts_with("estimated from building floor area")));
    }

    #[test]
    fn timestamps_and_stems() {
        // The Monaco fixture's header: 1457137562 s is 2016-03-05T00:26:02Z.
        assert_eq!(utc_timestamp(1_457_137_562), "2016-03-05T00:26:02Z");
        assert_eq!(utc_timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc_timestamp(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc_timestamp(-1), "1969-12-31T23:59:59Z");
        assert_eq!(extract_stem("monaco.osm.pbf"), "monaco");
        assert_eq!(extract_stem("city.pbf"), "city");
        assert_eq!(extract_stem("extract"), "extract");
    }
}
