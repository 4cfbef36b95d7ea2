//! `carecircle osm` on the real extracts in `fixtures/osm` (OpenStreetMap, ODbL 1.0; see each
//! folder's README): Monaco (complete) and central
//! Helsinki (clipped, with building multipolygons). Counts are checked against a tally made
//! here by a separate code path (osmpbf's plain sequential `ElementReader::for_each` and
//! hand-written tag tests) and against the data READMEs.

mod common;

use common::carecircle;
use osmpbf::{Element, ElementReader};
use predicates::prelude::*;
use predicates::str::contains;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn data(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/osm")
        .join(relative)
}

fn monaco_pbf() -> PathBuf {
    data("monaco/monaco.osm.pbf")
}

fn helsinki_pbf() -> PathBuf {
    data("helsinki/helsinki.osm.pbf")
}

/// A fresh folder under Cargo's temporary folder for integration tests.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `carecircle osm` and returns the output folder.
fn convert(pbf: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let out = scratch(name).join("city");
    carecircle()
        .arg("osm")
        .arg(pbf)
        .arg("--out")
        .arg(&out)
        .args(extra)
        .assert()
        .success()
        .stderr(contains("panicked").not());
    out
}

/// Each extract converted once with the default mapping, shared by the tests.
fn monaco() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| convert(&monaco_pbf(), "osm-monaco", &[]))
}

fn helsinki() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| convert(&helsinki_pbf(), "osm-helsinki", &[]))
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

fn features(path: &Path) -> Vec<Value> {
    read_json(path)["features"].as_array().unwrap().clone()
}

type TagMap = HashMap<String, String>;

/// The default mapping's residential `building` values.
const RESIDENTIAL: [&str; 12] = [
    "residential",
    "apartments",
    "house",
    "detached",
    "semidetached_house",
    "terrace",
    "bungalow",
    "farm",
    "dormitory",
    "houseboat",
    "static_caravan",
    "stilt_house",
];

/// The default mapping's smallest footprint, m².
const MIN_FOOTPRINT_M2: f64 = 30.0;

/// The default mapping's facility kinds, written out by hand: the first that matches.
fn kind_of(t: &TagMap) -> Option<&'static str> {
    let is = |key: &str, values: &[&str]| t.get(key).is_some_and(|v| values.contains(&v.as_str()));
    if is("amenity", &["hospital"]) || is("healthcare", &["hospital"]) {
        Some("hospital")
    } else if is("healthcare", &["hospice"]) || is("amenity", &["hospice"]) {
        Some("hospice")
    } else if is(
        "social_facility",
        &["nursing_home", "assisted_living", "group_home"],
    ) || is("amenity", &["nursing_home"])
    {
        Some("nursing_home")
    } else if is("social_facility:for", &["senior"]) {
        Some("senior_day_care")
    } else if is("amenity", &["clinic", "doctors"]) || is("healthcare", &["clinic", "doctor"]) {
        Some("clinic")
    } else if is("amenity", &["pharmacy"]) || is("healthcare", &["pharmacy"]) {
        Some("pharmacy")
    } else if is("amenity", &["community_centre"]) {
        Some("community_centre")
    } else {
        None
    }
}

/// The default mapping's walkable ways, written out by hand.
fn walkable(t: &TagMap) -> bool {
    const ROADS: [&str; 15] = [
        "footway",
        "path",
        "pedestrian",
        "steps",
        "living_street",
        "residential",
        "service",
        "track",
        "unclassified",
        "tertiary",
        "tertiary_link",
        "secondary",
        "secondary_link",
        "primary",
        "primary_link",
    ];
    const BUSY: [&str; 6] = [
        "tertiary",
        "tertiary_link",
        "secondary",
        "secondary_link",
        "primary",
        "primary_link",
    ];
    const FOOT_ONLY: [&str; 6] = [
        "motorway",
        "motorway_link",
        "trunk",
        "trunk_link",
        "cycleway",
        "bridleway",
    ];
    let Some(highway) = t.get("highway").map(String::as_str) else {
        return false;
    };
    let get = |k: &str| t.get(k).map(String::as_str);
    match get("foot") {
        Some("no" | "private" | "use_sidepath") => false,
        Some("yes" | "designated" | "permissive") => {
            ROADS.contains(&highway) || FOOT_ONLY.contains(&highway)
        }
        _ if matches!(get("access"), Some("no" | "private")) => false,
        _ => {
            ROADS.contains(&highway)
                && !(BUSY.contains(&highway) && matches!(get("sidewalk"), Some("no" | "none")))
        }
    }
}

/// What the test counts itself, reading the extract sequentially.
#[derive(Default)]
struct Tally {
    nodes: HashMap<i64, (i32, i32)>,
    ways: usize,
    relations: usize,
    building_nodes: usize,
    building_ways: usize,
    building_relations: usize,
    /// Per kind: nodes, ways, multipolygon relations.
    kinds: BTreeMap<&'static str, [usize; 3]>,
    /// Walkable ways' node lists.
    walkable: Vec<(i64, Vec<i64>)>,
    /// Every way's node list, for the missing-node count.
    way_refs: Vec<Vec<i64>>,
    /// Closed building ways with a default residential `building` value, by id.
    residential_typed_ways: Vec<(i64, Vec<i64>)>,
}

impl Tally {
    fn of(pbf: &Path) -> Tally {
        let mut t = Tally::default();
        ElementReader::from_path(pbf)
            .unwrap()
            .for_each(|element| {
                let (tags, slot): (TagMap, usize) = match &element {
                    Element::Node(n) => {
                        t.nodes
                            .insert(n.id(), (n.decimicro_lon(), n.decimicro_lat()));
                        (n.tags().map(|(k, v)| (k.into(), v.into())).collect(), 0)
                    }
                    Element::DenseNode(n) => {
                        t.nodes
                            .insert(n.id(), (n.decimicro_lon(), n.decimicro_lat()));
                        (n.tags().map(|(k, v)| (k.into(), v.into())).collect(), 0)
                    }
                    Element::Way(w) => {
                        t.ways += 1;
                        (w.tags().map(|(k, v)| (k.into(), v.into())).collect(), 1)
                    }
                    Element::Relation(r) => {
                        t.relations += 1;
                        (r.tags().map(|(k, v)| (k.into(), v.into())).collect(), 2)
                    }
                };
                let multipolygon = tags.get("type").is_some_and(|v| v == "multipolygon");
                if slot == 2 && !multipolygon {
                    return;
                }
                let building = tags.get("building");
                match slot {
                    0 => t.building_nodes += usize::from(building.is_some()),
                    1 => t.building_ways += usize::from(building.is_some()),
                    _ => t.building_relations += usize::from(building.is_some()),
                }
                if let Some(kind) = kind_of(&tags) {
                    t.kinds.entry(kind).or_default()[slot] += 1;
                }
                if let Element::Way(w) = &element {
                    let refs: Vec<i64> = w.refs().collect();
                    if walkable(&tags) {
                        t.walkable.push((w.id(), refs.clone()));
                    }
                    let closed = refs.len() >= 4 && refs.first() == refs.last();
                    if closed && building.is_some_and(|b| RESIDENTIAL.contains(&b.as_str())) {
                        t.residential_typed_ways.push((w.id(), refs.clone()));
                    }
                    t.way_refs.push(refs);
                }
            })
            .unwrap();
        t
    }

    fn complete(&self, refs: &[i64]) -> bool {
        refs.iter().all(|r| self.nodes.contains_key(r))
    }

    fn ways_missing_nodes(&self) -> usize {
        self.way_refs
            .iter()
            .filter(|refs| !self.complete(refs))
            .count()
    }
}

fn monaco_tally() -> &'static Tally {
    static T: OnceLock<Tally> = OnceLock::new();
    T.get_or_init(|| Tally::of(&monaco_pbf()))
}

fn helsinki_tally() -> &'static Tally {
    static T: OnceLock<Tally> = OnceLock::new();
    T.get_or_init(|| Tally::of(&helsinki_pbf()))
}

fn as_usize(v: &Value) -> usize {
    v.as_u64().unwrap_or_else(|| panic!("not a count: {v}")) as usize
}

/// The converter's summary agrees with the tally, and every layer with its counts.
fn check_against_tally(dir: &Path, tally: &Tally) {
    let s = read_json(&dir.join("osm_summary.json"));
    assert_eq!(as_usize(&s["elements"]["nodes"]), tally.nodes.len());
    assert_eq!(as_usize(&s["elements"]["ways"]), tally.ways);
    assert_eq!(as_usize(&s["elements"]["relations"]), tally.relations);
    let b = &s["buildings"];
    assert_eq!(as_usize(&b["areas"]["ways"]), tally.building_ways);
    assert_eq!(as_usize(&b["areas"]["relations"]), tally.building_relations);
    assert_eq!(as_usize(&b["nodes"]), tally.building_nodes);

    for kind in s["facilities"].as_array().unwrap() {
        let name = kind["kind"].as_str().unwrap();
        let expected = tally.kinds.get(name).copied().unwrap_or_default();
        let found = [&kind["nodes"], &kind["ways"], &kind["relations"]].map(as_usize);
        assert_eq!(found, expected, "{name}");
        let written = as_usize(&kind["written"]);
        let file = dir.join(format!("{name}.geojson"));
        if written > 0 {
            let layer = features(&file);
            assert_eq!(layer.len(), written, "{name}");
            for f in &layer {
                let p = &f["properties"];
                assert_eq!(p["kind"], name);
                assert!(p["osm_id"].is_i64() && p["osm_type"].is_string() && p["tier"].is_string());
            }
        }
    }

    let streets = &s["streets"];
    assert_eq!(as_usize(&streets["walkable_ways"]), tally.walkable.len());
    let pieces = features(&dir.join("streets.geojson"));
    assert_eq!(as_usize(&streets["features"]), pieces.len());
    let ways_written: HashSet<i64> = pieces
        .iter()
        .map(|f| f["properties"]["osm_id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        ways_written.len(),
        tally.walkable.len() - as_usize(&streets["dropped"])
    );
    for f in &pieces {
        let p = &f["properties"];
        assert_eq!(p["steps"], p["highway"] == "steps");
        assert!(p["name"].is_string() || p["name"].is_null());
    }
    assert_eq!(
        as_usize(&s["ways_missing_nodes"]),
        tally.ways_missing_nodes()
    );

    // Blocks with an explicit residential type, from closed ways: exactly those whose nodes
    // are all in the extract and whose footprint is not below the minimum (measured here on
    // a local equirectangular plane, so footprints within 2 % of it may fall either way).
    let blocks = features(&dir.join("blocks.geojson"));
    assert_eq!(as_usize(&s["blocks"]), blocks.len());
    let typed_ways: HashSet<i64> = blocks
        .iter()
        .map(|f| &f["properties"])
        .filter(|p| {
            p["osm_type"] == "way" && RESIDENTIAL.contains(&p["building"].as_str().unwrap())
        })
        .map(|p| p["osm_id"].as_i64().unwrap())
        .collect();
    let complete: Vec<(i64, f64)> = tally
        .residential_typed_ways
        .iter()
        .filter(|(_, refs)| tally.complete(refs))
        .map(|(id, refs)| {
            let ring: Vec<[f64; 2]> = refs
                .iter()
                .map(|r| {
                    let (lon, lat) = tally.nodes[r];
                    [f64::from(lon) * 1e-7, f64::from(lat) * 1e-7]
                })
                .collect();
            (*id, ring_area_m2(&ring))
        })
        .collect();
    for (id, area) in &complete {
        let written = typed_ways.contains(id);
        if (area / MIN_FOOTPRINT_M2 - 1.0).abs() > 0.02 {
            assert_eq!(written, *area > MIN_FOOTPRINT_M2, "way {id}: {area} m²");
        }
    }
    let ids: HashSet<i64> = complete.iter().map(|(id, _)| *id).collect();
    assert!(typed_ways.is_subset(&ids));
    for f in &blocks {
        let p = &f["properties"];
        let id = p["id"].as_str().unwrap();
        let letter = if p["osm_type"] == "way" { 'w' } else { 'r' };
        assert_eq!(id, format!("{letter}{}", p["osm_id"]));
        assert_eq!(p["estimated"], true);
        assert!(p["residents"].as_f64().unwrap() > 0.0 && p["elderly"].as_f64().unwrap() > 0.0);
        assert!(p["floor_area_m2"].as_f64().unwrap() >= p["footprint_m2"].as_f64().unwrap());
        assert!(
            p["footprint_m2"].as_f64().unwrap() >= MIN_FOOTPRINT_M2,
            "{id}"
        );
    }
    // Every building polygon is a block or left out for one reason.
    let built = as_usize(&b["areas"]["built"]);
    let left_out: usize = b["left_out"]
        .as_object()
        .unwrap()
        .values()
        .map(as_usize)
        .sum();
    assert_eq!(blocks.len() + left_out, built);
}

/// Metres per degree of latitude (and of longitude at the equator) on a sphere of the WGS 84
/// mean radius.
const M_PER_DEG: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;

/// The area of a ring of longitude–latitude positions, m² (shoelace on a local
/// equirectangular plane at the ring's first latitude).
fn ring_area_m2(ring: &[[f64; 2]]) -> f64 {
    let o = ring[0];
    let k = o[1].to_radians().cos();
    let xy = |p: &[f64; 2]| ((p[0] - o[0]) * k, p[1] - o[1]);
    let twice: f64 = ring
        .windows(2)
        .map(|w| {
            let ((x0, y0), (x1, y1)) = (xy(&w[0]), xy(&w[1]));
            x0 * y1 - x1 * y0
        })
        .sum();
    (twice / 2.0).abs() * M_PER_DEG * M_PER_DEG
}

/// The README's counts: nodes, ways and relations, then building ways, multipolygon
/// relations and nodes.
fn check_readme_counts(t: &Tally, expected: [usize; 6]) {
    let counted = [
        t.nodes.len(),
        t.ways,
        t.relations,
        t.building_ways,
        t.building_relations,
        t.building_nodes,
    ];
    assert_eq!(counted, expected);
}

#[test]
fn monaco_counts_match_an_independent_tally_and_the_readme() {
    let (dir, tally) = (monaco(), monaco_tally());
    check_against_tally(dir, tally);
    check_readme_counts(tally, [180_118, 27_377, 212, 23_370, 3, 6]);
    assert_eq!(tally.kinds["hospital"], [5, 0, 0]);
    assert_eq!(tally.kinds["pharmacy"], [23, 0, 0]);
    for none in ["clinic", "nursing_home", "senior_day_care", "hospice"] {
        assert!(!tally.kinds.contains_key(none), "{none}");
    }
    assert_eq!(tally.ways_missing_nodes(), 0);
    // Kinds without data are said to be empty; those the policy names are still layers.
    let s = read_json(&dir.join("osm_summary.json"));
    let empty: Vec<&str> = s["empty_kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        empty.contains(&"nursing_home") && empty.contains(&"hospice"),
        "{empty:?}"
    );
    assert!(features(&dir.join("hospice.geojson")).is_empty());
    assert!(!dir.join("clinic.geojson").exists());
    let policy = fs::read_to_string(dir.join("policy.toml")).unwrap();
    assert!(
        policy.contains("NO DATA in this extract for: senior_day_care, hospice"),
        "{policy}"
    );
    let city = fs::read_to_string(dir.join("city.toml")).unwrap();
    assert!(city.contains("© OpenStreetMap contributors") && city.contains("ESTIMATES"));
    for layer in ["hospital", "pharmacy", "senior_day_care", "hospice"] {
        assert!(city.contains(&format!("[layers.{layer}]")), "{layer}");
    }
}

#[test]
fn helsinki_counts_match_an_independent_tally_and_the_readme() {
    let (dir, tally) = (helsinki(), helsinki_tally());
    check_against_tally(dir, tally);
    check_readme_counts(tally, [24_260, 5_130, 620, 433, 67, 36]);
    // amenity=clinic 3 and amenity=doctors 3 (README), plus one healthcare=doctor|clinic node.
    assert_eq!(tally.kinds["clinic"], [7, 0, 0]);
    assert_eq!(tally.kinds["pharmacy"], [6, 0, 0]);
    assert!(!tally.kinds.contains_key("hospital"));
    // The README says 175 ways reference missing nodes; counting every way of the file with
    // at least one node the file lacks gives 421, here and in the converter alike.
    assert_eq!(tally.ways_missing_nodes(), 421);
    let s = read_json(&dir.join("osm_summary.json"));
    assert_eq!(as_usize(&s["ways_missing_nodes"]), 421);
    let used = as_usize(&s["used_ways_missing_nodes"]);
    assert!(used > 0 && used < 421, "{used}");
    assert!(as_usize(&s["streets"]["truncated"]) > 0);
    assert!(as_usize(&s["buildings"]["areas"]["missing_nodes"]) > 0);
}

#[test]
fn helsinki_multipolygon_buildings_keep_their_holes() {
    let dir = helsinki();
    let s = read_json(&dir.join("osm_summary.json"));
    let areas = &s["buildings"]["areas"];
    assert!(as_usize(&areas["relations_built"]) >= 50, "{areas}");
    assert!(as_usize(&areas["relations_with_holes"]) >= 50, "{areas}");
    let blocks = features(&dir.join("blocks.geojson"));
    let with_holes: Vec<&Value> = blocks
        .iter()
        .filter(|f| f["properties"]["osm_type"] == "relation")
        .filter(|f| {
            let g = &f["geometry"];
            let polygons = match g["type"].as_str().unwrap() {
                "Polygon" => vec![g["coordinates"].clone()],
                _ => g["coordinates"].as_array().unwrap().clone(),
            };
            polygons.iter().any(|p| p.as_array().unwrap().len() > 1)
        })
        .collect();
    assert!(with_holes.len() >= 5, "{}", with_holes.len());
    // r5605 is an apartment block around a courtyard (outer and inner member ways).
    assert!(with_holes.iter().any(|f| f["properties"]["id"] == "r5605"));
    // One geometry type for the layer (MultiPolygons throughout, as one building has two parts).
    let types: std::collections::BTreeSet<&str> = blocks
        .iter()
        .map(|f| f["geometry"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["MultiPolygon"].into());
    let parts = |f: &&Value| f["geometry"]["coordinates"].as_array().unwrap().len();
    assert!(blocks.iter().any(|f| parts(&f) > 1));
}

/// Every node shared by two walkable ways (or twice by one) is a line end wherever it
/// appears, and appears in every way that has it.
fn check_split(dir: &Path, tally: &Tally) {
    let mut uses: HashMap<i64, usize> = HashMap::new();
    for (_, refs) in &tally.walkable {
        for r in refs {
            *uses.entry(*r).or_default() += 1;
        }
    }
    let mut pieces: HashMap<i64, Vec<Vec<(i64, i64)>>> = HashMap::new();
    for f in features(&dir.join("streets.geojson")) {
        let id = f["properties"]["osm_id"].as_i64().unwrap();
        let line: Vec<(i64, i64)> = f["geometry"]["coordinates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let e7 = |v: &Value| (v.as_f64().unwrap() * 1e7).round() as i64;
                (e7(&c[0]), e7(&c[1]))
            })
            .collect();
        pieces.entry(id).or_default().push(line);
    }
    let mut checked = 0;
    for (id, refs) in &tally.walkable {
        let Some(lines) = pieces.get(id) else {
            continue;
        };
        for r in refs.iter().filter(|r| uses[r] >= 2) {
            let Some(&(lon, lat)) = tally.nodes.get(r) else {
                continue;
            };
            let at = (i64::from(lon), i64::from(lat));
            let mut seen = false;
            for line in lines {
                for (i, c) in line.iter().enumerate() {
                    if *c == at {
                        seen = true;
                        assert!(
                            i == 0 || i == line.len() - 1,
                            "way {id}: shared node {r} inside a piece"
                        );
                    }
                }
            }
            // A clipped way may have lost the stretch around the node.
            assert!(
                seen || !tally.complete(refs),
                "way {id}: shared node {r} missing"
            );
            checked += 1;
        }
    }
    assert!(checked > 1000, "{checked}");
}

#[test]
fn streets_are_split_at_every_shared_node() {
    check_split(helsinki(), helsinki_tally());
    check_split(monaco(), monaco_tally());
}

#[test]
fn report_on_monaco_walks_with_plausible_coverage() {
    let city = monaco();
    let out = scratch("osm-monaco-report");
    carecircle()
        .arg("report")
        .arg(city.join("city.toml"))
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stderr(contains("street network"))
        .stderr(contains("layer `hospice` has no facilities"));
    // The city's credit and the population caveat reach the page and the map.
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("© OpenStreetMap contributors, ODbL 1.0"));
    assert!(html.contains("Residents and elderly are estimates ("));
    let svg = fs::read_to_string(out.join("map.svg")).unwrap();
    assert!(svg.contains("© OpenStreetMap contributors"));
    let summary = read_json(&out.join("summary.json"));
    assert_eq!(summary["distance"], "both");
    let specialty = summary["circles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "specialty")
        .unwrap();
    let met = as_usize(&specialty["blocks_met"]);
    let total = as_usize(&specialty["blocks_total"]);
    assert!(met > 0 && met < total, "{met} of {total}");
    let walk = as_usize(&specialty["requirements"][0]["blocks_met_walk"]);
    let straight = as_usize(&specialty["requirements"][0]["blocks_met_straight"]);
    assert!(
        walk > 0 && walk <= straight,
        "{walk} on foot, {straight} straight"
    );

    let off: HashSet<String> = fs::read_to_string(out.join("off_network.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .filter(|l| l.starts_with("blocks,"))
        .map(|l| l.split(',').nth(1).unwrap().to_string())
        .collect();
    let mut rows = csv::Reader::from_path(out.join("coverage.csv")).unwrap();
    let headers = rows.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (id, snap) = (col("id"), col("snap_m"));
    let mut count = 0;
    for row in rows.records() {
        let row = row.unwrap();
        let snapped = row[snap].parse::<f64>().is_ok_and(|m| m <= 500.0);
        assert!(
            snapped || off.contains(&row[id]),
            "block {} neither snapped nor listed",
            &row[id]
        );
        count += 1;
    }
    assert_eq!(count, total);
}

#[test]
fn population_totals_are_spread_exactly() {
    let dir = convert(
        &helsinki_pbf(),
        "osm-helsinki-totals",
        &["--residents-total", "9876", "--elderly-total", "2345.5"],
    );
    let blocks = features(&dir.join("blocks.geojson"));
    let sum = |field: &str| -> f64 {
        blocks
            .iter()
            .map(|f| f["properties"][field].as_f64().unwrap())
            .sum()
    };
    assert!(
        (sum("residents") - 9876.0).abs() < 1e-6,
        "{}",
        sum("residents")
    );
    assert!((sum("elderly") - 2345.5).abs() < 1e-6, "{}", sum("elderly"));
    let city = fs::read_to_string(dir.join("city.toml")).unwrap();
    assert!(city.contains("--residents-total 9876 spread in proportion to floor area"));
    // Without totals, the estimate follows the mapping's density and share.
    let s = read_json(&helsinki().join("osm_summary.json"));
    let floor: f64 = features(&helsinki().join("blocks.geojson"))
        .iter()
        .map(|f| f["properties"]["floor_area_m2"].as_f64().unwrap())
        .sum();
    let residents = s["residents"].as_f64().unwrap();
    assert!(
        (residents - floor / 50.0).abs() < 1.0,
        "{residents} vs {floor}"
    );
    assert!((s["elderly"].as_f64().unwrap() - residents * 0.21).abs() < 1e-6);
}

fn folder_bytes(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn same_bytes_whatever_the_thread_count() {
    let runs: Vec<BTreeMap<String, Vec<u8>>> = ["1", "2"]
        .iter()
        .map(|threads| {
            let out = scratch(&format!("osm-threads-{threads}"));
            carecircle()
                .env("RAYON_NUM_THREADS", threads)
                .arg("osm")
                .arg(helsinki_pbf())
                .arg("--out")
                .arg(&out)
                .assert()
                .success();
            folder_bytes(&out)
        })
        .collect();
    // The layers, policy.toml, city.toml, osm_summary.json and the record of them.
    assert_eq!(runs[0].len(), 12, "{:?}", runs[0].keys());
    assert!(runs[0].contains_key(".carecircle-files"));
    assert!(runs[0] == runs[1], "outputs differ between 1 and 2 threads");
}

#[test]
fn a_mapping_file_sets_tiers_and_the_policy_filters_on_them() {
    let dir = scratch("osm-monaco-tiers");
    let mapping = dir.join("mapping.toml");
    fs::write(
        &mapping,
        r#"
[buildings]
residential_in_landuse = []
residential_without_landuse = []
min_footprint_m2 = 0
[[facilities]]
kind = "hospital"
rules = ["amenity=hospital"]
tiers = [{ tier = "tertiary", name_contains = ["cardio"] }]
"#,
    )
    .unwrap();
    let out = dir.join("city");
    carecircle()
        .arg("osm")
        .arg(monaco_pbf())
        .arg("--out")
        .arg(&out)
        .arg("--mapping")
        .arg(&mapping)
        .assert()
        .success();
    let tiers: Vec<String> = features(&out.join("hospital.geojson"))
        .iter()
        .map(|f| f["properties"]["tier"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        tiers.iter().filter(|t| *t == "tertiary").count(),
        1,
        "{tiers:?}"
    );
    assert_eq!(
        tiers.iter().filter(|t| *t == "unknown").count(),
        4,
        "{tiers:?}"
    );
    let policy = fs::read_to_string(out.join("policy.toml")).unwrap();
    assert!(
        policy.contains(r#"where = { tier = "tertiary" }"#),
        "{policy}"
    );
    // Only explicitly residential buildings: 5 residential, 2 apartments, 1 house.
    assert_eq!(features(&out.join("blocks.geojson")).len(), 8);
    // The only kind in the mapping is written; the policy's other kinds are empty layers.
    assert!(!out.join("pharmacy.geojson").exists());
    assert!(features(&out.join("hospice.geojson")).is_empty());
}

#[test]
fn bad_inputs_are_clear_errors() {
    let dir = scratch("osm-bad");
    let fails = |args: &[&std::ffi::OsStr], expected: &[&str]| osm_fails(args, expected);
    let out = dir.join("out");
    let missing = dir.join("missing.osm.pbf");
    fails(
        &[missing.as_os_str(), "--out".as_ref(), out.as_os_str()],
        &["missing.osm.pbf", "cannot read"],
    );
    let text = dir.join("notes.osm.pbf");
    fs::write(&text, "not a PBF file\n").unwrap();
    fails(
        &[text.as_os_str(), "--out".as_ref(), out.as_os_str()],
        &["notes.osm.pbf", "not a readable OSM PBF file"],
    );
    let mapping = dir.join("mapping.toml");
    fs::write(&mapping, "[population]\nelderly_share = 2\n").unwrap();
    let pbf = helsinki_pbf();
    fails(
        &[
            pbf.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
            "--mapping".as_ref(),
            mapping.as_os_str(),
        ],
        &["mapping.toml", "elderly_share"],
    );
    fails(
        &[
            pbf.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
            "--elderly-total=-5".as_ref(),
        ],
        &["--elderly-total"],
    );
    // An output never overwrites an input: here the mapping file is named like a layer.
    let city = dir.join("city");
    fs::create_dir_all(&city).unwrap();
    let policy = city.join("policy.toml");
    fs::write(&policy, "").unwrap();
    fails(
        &[
            pbf.as_os_str(),
            "--out".as_ref(),
            city.as_os_str(),
            "--mapping".as_ref(),
            policy.as_os_str(),
        ],
        &["policy.toml", "inputs"],
    );
    assert!(!city.join("blocks.geojson").exists());
    assert!(!out.exists());
}

/// An extract the decoder panics on (a relation member of an unknown type, found by the
/// `pbf` fuzz target) is one line of error naming the file: no panic message, no backtrace.
#[test]
fn a_malformed_extract_the_decoder_panics_on_is_one_clean_error() {
    let pbf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/crashes/pbf/relation_member_of_unknown_type.osm.pbf");
    let out = scratch("osm-decoder-panic").join("city");
    let assert = carecircle()
        .arg("osm")
        .arg(&pbf)
        .arg("--out")
        .arg(&out)
        .env("RUST_BACKTRACE", "1")
        .assert()
        .failure();
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert_eq!(
        stderr,
        format!(
            "error: {}: not a readable OSM PBF file: the decoder failed on malformed data\n",
            pbf.display()
        )
    );
    assert!(!out.exists());
}

#[test]
fn print_mapping_prints_the_default() {
    let assert = carecircle()
        .args(["osm", "--print-mapping"])
        .assert()
        .success();
    let text = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let parsed: toml::Table = toml::from_str(&text).unwrap();
    assert!(parsed.contains_key("buildings") && parsed.contains_key("facilities"));
    assert!(text.contains("floor_area_per_resident_m2 = 50"));
}

// ---- Clipping to a boundary (issue 15, item 4) -------------------------------------------

/// Polygons as rings of longitude–latitude positions, the first ring the exterior.
type Polygons = Vec<Vec<Vec<[f64; 2]>>>;

fn monaco_boundary_file() -> PathBuf {
    data("monaco/boundary.geojson")
}

/// The polygons of a GeoJSON geometry (Polygon or MultiPolygon).
fn polygons_of(geometry: &Value) -> Polygons {
    let ring = |r: &Value| -> Vec<[f64; 2]> {
        r.as_array()
            .unwrap()
            .iter()
            .map(|c| [c[0].as_f64().unwrap(), c[1].as_f64().unwrap()])
            .collect()
    };
    let polygon =
        |p: &Value| -> Vec<Vec<[f64; 2]>> { p.as_array().unwrap().iter().map(ring).collect() };
    match geometry["type"].as_str().unwrap() {
        "Polygon" => vec![polygon(&geometry["coordinates"])],
        "MultiPolygon" => geometry["coordinates"]
            .as_array()
            .unwrap()
            .iter()
            .map(polygon)
            .collect(),
        other => panic!("not a polygon: {other}"),
    }
}

/// Every polygon of the boundary file, read here with serde_json.
fn boundary_polygons(path: &Path) -> Polygons {
    features(path)
        .iter()
        .flat_map(|f| polygons_of(&f["geometry"]))
        .collect()
}

/// Even–odd ray casting: whether `p` lies in the ring.
fn in_ring(ring: &[[f64; 2]], p: [f64; 2]) -> bool {
    let mut inside = false;
    for w in ring.windows(2) {
        let (a, b) = (w[0], w[1]);
        if (a[1] > p[1]) != (b[1] > p[1]) {
            let x = a[0] + (p[1] - a[1]) / (b[1] - a[1]) * (b[0] - a[0]);
            if p[0] < x {
                inside = !inside;
            }
        }
    }
    inside
}

/// Whether `p` lies in some polygon (in its exterior and in none of its holes).
fn inside(polygons: &Polygons, p: [f64; 2]) -> bool {
    polygons
        .iter()
        .any(|rings| in_ring(&rings[0], p) && !rings[1..].iter().any(|h| in_ring(h, p)))
}

/// The area-weighted centroid of polygons with holes (signed ring areas in degrees, which
/// is the planar centroid up to the tiny scale change across a building).
fn centroid(polygons: &Polygons) -> [f64; 2] {
    let o = polygons[0][0][0];
    let (mut area, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for (i, ring) in polygons.iter().flat_map(|p| p.iter().enumerate()) {
        let mut a_ring = 0.0;
        let (mut x_ring, mut y_ring) = (0.0, 0.0);
        for w in ring.windows(2) {
            let (x0, y0) = (w[0][0] - o[0], w[0][1] - o[1]);
            let (x1, y1) = (w[1][0] - o[0], w[1][1] - o[1]);
            let cross = x0 * y1 - x1 * y0;
            a_ring += cross;
            x_ring += (x0 + x1) * cross;
            y_ring += (y0 + y1) * cross;
        }
        // Exteriors count positive and holes negative, whatever their winding.
        let sign = if (i == 0) == (a_ring > 0.0) {
            1.0
        } else {
            -1.0
        };
        area += sign * a_ring;
        cx += sign * x_ring;
        cy += sign * y_ring;
    }
    [o[0] + cx / (3.0 * area), o[1] + cy / (3.0 * area)]
}

/// The distance from `p` to the polygons' edges in metres (equirectangular at `p`).
fn distance_to_edges_m(polygons: &Polygons, p: [f64; 2]) -> f64 {
    let k = p[1].to_radians().cos();
    let xy = |q: [f64; 2]| ((q[0] - p[0]) * k * M_PER_DEG, (q[1] - p[1]) * M_PER_DEG);
    let mut best = f64::INFINITY;
    for ring in polygons.iter().flatten() {
        for w in ring.windows(2) {
            let ((ax, ay), (bx, by)) = (xy(w[0]), xy(w[1]));
            let (dx, dy) = (bx - ax, by - ay);
            let t = (-(ax * dx + ay * dy) / (dx * dx + dy * dy).max(1e-12)).clamp(0.0, 1.0);
            best = best.min((ax + t * dx).hypot(ay + t * dy));
        }
    }
    best
}

/// The mapping that reproduces the conversion before boundaries and untyped housing: typed
/// buildings and `yes` inside residential land use, with no minimum footprint.
const BEFORE_MAPPING: &str = r#"
[buildings]
residential = ["residential", "apartments", "house", "detached", "terrace", "dormitory"]
residential_without_landuse = []
not_residential = []
min_footprint_m2 = 0
"#;

/// Monaco clipped to its boundary file, shared by the tests.
fn monaco_clipped() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let boundary = monaco_boundary_file();
        let boundary = boundary.to_str().unwrap();
        convert(
            &monaco_pbf(),
            "osm-monaco-clipped",
            &["--boundary", boundary],
        )
    })
}

fn block_polygons(dir: &Path) -> Vec<(String, Polygons)> {
    features(&dir.join("blocks.geojson"))
        .iter()
        .map(|f| {
            let id = f["properties"]["id"].as_str().unwrap().to_string();
            (id, polygons_of(&f["geometry"]))
        })
        .collect()
}

#[test]
fn monaco_clipped_to_its_boundary_keeps_its_own_housing_and_nothing_outside() {
    let dir = monaco_clipped();
    let boundary = boundary_polygons(&monaco_boundary_file());
    let blocks = block_polygons(dir);
    for (id, polygons) in &blocks {
        assert!(
            inside(&boundary, centroid(polygons)),
            "block {id} lies outside Monaco"
        );
    }
    // Before: the whole extract converted the old way, of which the blocks in Monaco.
    let scratch_dir = scratch("osm-monaco-before");
    let mapping = scratch_dir.join("before.toml");
    fs::write(&mapping, BEFORE_MAPPING).unwrap();
    let before_dir = convert(
        &monaco_pbf(),
        "osm-monaco-before-city",
        &["--mapping", mapping.to_str().unwrap()],
    );
    let before = block_polygons(&before_dir);
    let before_in_monaco = before
        .iter()
        .filter(|(_, p)| inside(&boundary, centroid(p)))
        .count();
    assert!(
        blocks.len() > 500 && 10 * before_in_monaco < blocks.len(),
        "{} blocks in Monaco now, {before_in_monaco} before (of {})",
        blocks.len(),
        before.len()
    );
    // No shed: every footprint, measured here, is at least the minimum (within 2 %).
    for f in features(&dir.join("blocks.geojson")) {
        let polygons = polygons_of(&f["geometry"]);
        let area: f64 = polygons
            .iter()
            .map(|p| ring_area_m2(&p[0]) - p[1..].iter().map(|h| ring_area_m2(h)).sum::<f64>())
            .sum();
        assert!(
            area >= MIN_FOOTPRINT_M2 * 0.98,
            "{}: {area} m²",
            f["properties"]["id"]
        );
    }
    // The summary says what was left out, and the counts add up.
    let s = read_json(&dir.join("osm_summary.json"));
    let left_out = &s["buildings"]["left_out"];
    assert!(
        as_usize(&left_out["outside_boundary"]) > 10_000,
        "{left_out}"
    );
    assert!(as_usize(&left_out["too_small"]) > 0, "{left_out}");
    assert_eq!(s["boundary"]["name"], "Monaco");
    assert_eq!(s["boundary"]["margin_m"], 1000.0);
}

#[test]
fn monaco_clipped_keeps_facilities_and_streets_within_the_margin() {
    let dir = monaco_clipped();
    let boundary = boundary_polygons(&monaco_boundary_file());
    let near = |p: [f64; 2]| inside(&boundary, p) || distance_to_edges_m(&boundary, p) <= 1000.0;
    let position = |f: &Value| {
        let c = &f["geometry"]["coordinates"];
        [c[0].as_f64().unwrap(), c[1].as_f64().unwrap()]
    };
    for kind in ["hospital", "pharmacy"] {
        let clipped: HashSet<String> = features(&dir.join(format!("{kind}.geojson")))
            .iter()
            .map(|f| {
                // 1 m of slack for the two ways of measuring.
                let p = position(f);
                assert!(inside(&boundary, p) || distance_to_edges_m(&boundary, p) <= 1001.0);
                f["properties"]["id"].as_str().unwrap().to_string()
            })
            .collect();
        let all = features(&monaco().join(format!("{kind}.geojson")));
        let mut across = 0;
        for f in &all {
            let p = position(f);
            let id = f["properties"]["id"].as_str().unwrap();
            if near(p) && distance_to_edges_m(&boundary, p) > 1.0 {
                assert!(clipped.contains(id), "{kind} {id} near Monaco was left out");
                across += usize::from(!inside(&boundary, p));
            }
        }
        assert!(clipped.len() < all.len(), "{kind}: nothing left out");
        if kind == "pharmacy" {
            assert!(across > 0, "no pharmacy just across the border was kept");
        }
    }
    for f in features(&dir.join("streets.geojson")) {
        let line = f["geometry"]["coordinates"].as_array().unwrap();
        let kept = line.iter().any(|c| {
            let p = [c[0].as_f64().unwrap(), c[1].as_f64().unwrap()];
            inside(&boundary, p) || distance_to_edges_m(&boundary, p) <= 1001.0
        });
        assert!(
            kept,
            "street piece of way {} far outside",
            f["properties"]["osm_id"]
        );
    }
}

#[test]
fn city_toml_carries_name_attribution_source_and_the_estimate_note() {
    let city: toml::Table =
        toml::from_str(&fs::read_to_string(monaco_clipped().join("city.toml")).unwrap()).unwrap();
    assert_eq!(city["name"].as_str(), Some("Monaco"));
    assert_eq!(
        city["attribution"].as_str(),
        Some("© OpenStreetMap contributors, ODbL 1.0")
    );
    let source = city["source"].as_str().unwrap();
    for part in [
        "monaco.osm.pbf",
        "2016-03-05T00:26:02Z",
        "boundary.geojson (Monaco)",
        "1,000 m",
    ] {
        assert!(source.contains(part), "{part} not in {source}");
    }
    let note = city["population_note"].as_str().unwrap();
    assert!(
        note.starts_with("estimated from building floor area"),
        "{note}"
    );
    // Without a boundary the name is the extract's.
    let plain: toml::Table =
        toml::from_str(&fs::read_to_string(monaco().join("city.toml")).unwrap()).unwrap();
    assert_eq!(plain["name"].as_str(), Some("monaco"));
    assert!(!plain["source"].as_str().unwrap().contains("clipped"));
}

#[test]
fn the_admin_relation_clips_like_the_boundary_file() {
    // Monaco's municipality relation (admin_level 8), complete in the fixture; the boundary
    // file was made from it.
    let dir = convert(
        &monaco_pbf(),
        "osm-monaco-relation",
        &["--boundary-relation", "2220322"],
    );
    let ids =
        |dir: &Path| -> Vec<String> { block_polygons(dir).into_iter().map(|(id, _)| id).collect() };
    assert_eq!(ids(&dir), ids(monaco_clipped()));
    let city = fs::read_to_string(dir.join("city.toml")).unwrap();
    assert!(city.contains("name = \"Monaco\""), "{city}");
    assert!(
        city.contains("clipped to relation 2220322 (Monaco)"),
        "{city}"
    );
}

#[test]
fn bad_boundaries_are_clear_errors() {
    let dir = scratch("osm-bad-boundary");
    let out = dir.join("city");
    let fails = |extra: &[&str], expected: &[&str]| {
        let mut args = vec![
            monaco_pbf().into_os_string(),
            "--out".into(),
            out.clone().into(),
        ];
        args.extend(extra.iter().map(Into::into));
        osm_fails(&args, expected);
        assert!(!out.exists());
    };
    let file = dir.join("town.geojson");
    fs::write(
        &file,
        r#"{"type":"FeatureCollection","features":[
  {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[7.41,43.72],[7.42,43.72],[7.42,43.73],[7.41,43.72]]]}},
  {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[7.41,43.72],[7.42,43.72],[7.42,43.73],[7.41,43.7]]]}}]}"#,
    )
    .unwrap();
    let path = file.to_str().unwrap();
    fails(
        &["--boundary", path],
        &[
            "town.geojson",
            "feature 2",
            "`geometry.coordinates[0]`",
            "last equal to the first",
        ],
    );
    fs::write(
        &file,
        r#"{"type":"Feature","geometry":{"type":"LineString","coordinates":[[7,43],[8,44]]}}"#,
    )
    .unwrap();
    fails(
        &["--boundary", path],
        &["town.geojson", "feature 1", "`geometry.type`", "LineString"],
    );
    fails(&["--boundary", "no-such.geojson"], &["no-such.geojson"]);
    fails(
        &["--boundary-relation", "42"],
        &["boundary relation 42", "not in the extract"],
    );
    // Monaco's country relation is in the fixture, but its sea boundary lies outside the
    // extract.
    fails(
        &["--boundary-relation", "1124039"],
        &["boundary relation 1124039", "do not close"],
    );
    fails(
        &["--boundary", path, "--boundary-relation", "2220322"],
        &["cannot be used with"],
    );
}

#[test]
fn empty_layers_no_requirement_reads_are_not_warned_about() {
    // Monaco's policy reads senior_day_care, hospital and hospice; a clinic layer (empty)
    // is read by nothing.
    let dir = monaco();
    let manifest = dir.join("with_clinic.toml");
    let mut text = fs::read_to_string(dir.join("city.toml")).unwrap();
    text.push_str("\n[layers.clinic]\npath = \"hospice.geojson\"\n");
    fs::write(&manifest, text).unwrap();
    let assert = carecircle().arg("check").arg(&manifest).assert().success();
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let said = format!("{stdout}{stderr}");
    assert!(said.contains("layer `hospice` has no facilities"), "{said}");
    assert!(!said.contains("layer `clinic`"), "{said}");
    fs::remove_file(&manifest).unwrap();
}

/// Runs `carecircle osm` with `args`, which must fail cleanly (no panic) with every one of
/// `expected` on stderr.
fn osm_fails(args: &[impl AsRef<std::ffi::OsStr>], expected: &[&str]) {
    let assert = carecircle()
        .arg("osm")
        .args(args)
        .assert()
        .failure()
        .stderr(contains("panicked").not());
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    for e in expected {
        assert!(stderr.contains(e), "expected {e:?} in {stderr}");
    }
}
