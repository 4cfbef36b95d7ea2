//! Barriers (rivers, railways, walls) and building entrances on hand-built cities: a walk off
//! the streets never crosses a barrier, the gap reason names the barrier, and a block with
//! entrances joins the streets at them.

mod common;

use common::{
    at, block_at, carecircle, collection, first_block_of_report, line, number, positions,
};
use serde_json::Value;
use std::fs;
use std::path::Path;

/// A GeoJSON polygon with corners (x0, y0) and (x1, y1), in metres.
fn rectangle((x0, y0): (f64, f64), (x1, y1): (f64, f64)) -> String {
    let ring = positions(&[(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]);
    format!(r#"{{"type":"Polygon","coordinates":[[{ring}]]}}"#)
}

/// A GeoJSON point at (x, y) metres.
fn point((x, y): (f64, f64)) -> String {
    let (lon, lat) = at(x, y);
    format!(r#"{{"type":"Point","coordinates":[{lon},{lat}]}}"#)
}

/// A hand-built city: one 40 m square block `b` centred at (0, 0) (its east side at
/// x = 20 m), streets, one care bed, and optionally barriers and entrances.
struct City<'a> {
    streets: &'a [&'a [(f64, f64)]],
    bed: (f64, f64),
    /// Barrier features as (properties, geometry).
    barriers: Vec<(String, String)>,
    /// The entrance layer's file name and text.
    entrances: Option<(&'a str, String)>,
    /// The care bed's reach in metres.
    within_m: f64,
}

impl City<'_> {
    fn new<'a>(streets: &'a [&'a [(f64, f64)]], bed: (f64, f64)) -> City<'a> {
        City {
            streets,
            bed,
            barriers: Vec::new(),
            entrances: None,
            within_m: 100.0,
        }
    }

    /// Writes the city into `dir`; returns the manifest.
    fn write(&self, dir: &Path) -> std::path::PathBuf {
        let blocks = collection(&[(r#"{"id":"b","elderly":10}"#.into(), block_at(0.0, 0.0))]);
        fs::write(dir.join("blocks.geojson"), blocks).unwrap();
        let features: Vec<(String, String)> = self
            .streets
            .iter()
            .map(|points| (r#"{"highway":"residential"}"#.to_string(), line(points)))
            .collect();
        fs::write(dir.join("streets.geojson"), collection(&features)).unwrap();
        fs::write(
            dir.join("beds.geojson"),
            collection(&[(r#"{"id":"bed"}"#.into(), point(self.bed))]),
        )
        .unwrap();
        fs::write(
            dir.join("policy.toml"),
            format!(
                "[[circles]]\nname = \"basic\"\nrequires = [{{ kind = \"care_bed\", within_m = {} }}]\n",
                self.within_m
            ),
        )
        .unwrap();
        let mut manifest =
            "policy = \"policy.toml\"\n[blocks]\npath = \"blocks.geojson\"\nid = \"id\"\n\
             elderly = \"elderly\"\n[layers.care_bed]\npath = \"beds.geojson\"\n\
             [streets]\npath = \"streets.geojson\"\n"
                .to_string();
        if !self.barriers.is_empty() {
            fs::write(dir.join("barriers.geojson"), collection(&self.barriers)).unwrap();
            manifest.push_str("[barriers]\npath = \"barriers.geojson\"\n");
        }
        if let Some((name, text)) = &self.entrances {
            fs::write(dir.join(name), text).unwrap();
            manifest.push_str(&format!("[entrances]\npath = \"{name}\"\n"));
        }
        fs::write(dir.join("city.toml"), manifest).unwrap();
        dir.join("city.toml")
    }

    /// Runs `report` with `extra` arguments; the block's properties.
    fn report(&self, dir: &Path, extra: &[&str]) -> Value {
        let manifest = self.write(dir);
        first_block_of_report(&manifest, &dir.join("out"), extra)
    }
}

/// A lane 10 m west of the block (x = -30 m), the only street on the block's bank.
const LANE: &[(f64, f64)] = &[(-30.0, -300.0), (-30.0, 300.0)];
/// A street on the far bank, 20 m east of the block (x = 40 m), 5 m beyond the bed.
const FAR_BANK: &[(f64, f64)] = &[(40.0, -300.0), (40.0, 300.0)];
/// The care bed, 15 m east of the block.
const BED: (f64, f64) = (35.0, 0.0);

/// A river between x = 24 and 32 m, 2 km long.
fn river() -> (String, String) {
    (
        r#"{"name":"river"}"#.to_string(),
        rectangle((24.0, -1000.0), (32.0, 1000.0)),
    )
}

#[test]
fn without_the_river_the_bed_is_reached_over_open_ground() {
    let dir = tempfile::tempdir().unwrap();
    // No street between the block and the bed: the straight 15 m count.
    let block = City::new(&[LANE, FAR_BANK], BED).report(dir.path(), &[]);
    assert!((number(&block, "basic_care_bed_dist_m") - 15.0).abs() < 0.5);
    assert!((number(&block, "basic_care_bed_walk_m") - 15.0).abs() < 0.5);
    assert_eq!(block["basic_met"], true);
}

#[test]
fn a_care_bed_across_a_river_is_out_of_reach_on_foot_and_the_gap_reason_names_the_river() {
    let dir = tempfile::tempdir().unwrap();
    let streets = [LANE, FAR_BANK];
    let mut city = City::new(&streets, BED);
    city.barriers.push(river());
    let block = city.report(dir.path(), &[]);
    assert!((number(&block, "basic_care_bed_dist_m") - 15.0).abs() < 0.5);
    // No shortcut over the water, no access leg across it to the far bank, no bridge.
    assert!(block["basic_care_bed_walk_m"].is_null(), "{block}");
    assert_eq!(block["basic_met"], false);
    assert_eq!(block["basic_met_straight"], true);
    assert_eq!(
        block["gap_reason"],
        "basic: care_bed 15 m away in a straight line but more than 200 m on foot \
         (the river lies between)"
    );
    // From the centroid (no shortcuts) the walk is the same: the lane is a separate street.
    let block = city.report(dir.path(), &["--measure", "centroid"]);
    assert!(block["basic_care_bed_walk_m"].is_null(), "{block}");
}

#[test]
fn a_bridge_makes_the_walk_long_and_the_gap_reason_still_names_the_river() {
    let dir = tempfile::tempdir().unwrap();
    // The lane and the far-bank street meet on a bridge 150 m north.
    let lane: &[(f64, f64)] = &[(-30.0, -300.0), (-30.0, 150.0)];
    let bridge: &[(f64, f64)] = &[(-30.0, 150.0), (40.0, 150.0)];
    let far: &[(f64, f64)] = &[(40.0, 150.0), (40.0, -300.0)];
    let streets = [lane, bridge, far];
    let mut city = City::new(&streets, BED);
    city.barriers.push(river());
    city.within_m = 250.0;
    let block = city.report(dir.path(), &[]);
    // 10 m out of the west side onto the lane at the block's north-west corner, 130 m north,
    // 70 m over the bridge, 150 m south, 5 m to the bed: 365 m (the test city's metres are
    // approximate to about 0.2 %).
    let walk = number(&block, "basic_care_bed_walk_m");
    assert!((walk - 365.0).abs() < 1.0, "{walk}");
    assert_eq!(
        block["gap_reason"],
        format!(
            "basic: care_bed 15 m away in a straight line but {} m on foot (the river lies between)",
            walk.round()
        )
    );
    // An unnamed barrier is `a barrier`; one with only a kind is called by its kind.
    city.barriers = vec![("{}".into(), rectangle((24.0, -1000.0), (32.0, 1000.0)))];
    let block = city.report(dir.path(), &[]);
    assert!(
        block["gap_reason"].as_str().unwrap().ends_with(&format!(
            "{} m on foot (a barrier lies between)",
            walk.round()
        )),
        "{block}"
    );
    city.barriers = vec![(
        r#"{"kind":"railway"}"#.into(),
        line(&[(28.0, -1000.0), (28.0, 1000.0)]),
    )];
    let block = city.report(dir.path(), &[]);
    assert!(
        block["gap_reason"].as_str().unwrap().ends_with(&format!(
            "{} m on foot (the railway lies between)",
            walk.round()
        )),
        "{block}"
    );
}

/// A CSV entrance layer: one row per (block id, x, y in metres).
fn entrances_csv(rows: &[(&str, f64, f64)]) -> String {
    let mut text = "block,lon,lat\n".to_string();
    for &(block, x, y) in rows {
        let (lon, lat) = at(x, y);
        text.push_str(&format!("{block},{lon},{lat}\n"));
    }
    text
}

#[test]
fn a_block_whose_only_entrance_faces_the_back_street_walks_from_there() {
    let dir = tempfile::tempdir().unwrap();
    // The front street 7.5 m east of the block, the back street 10 m west, joined 200 m north.
    let front: &[(f64, f64)] = &[(27.5, -300.0), (27.5, 200.0)];
    let join: &[(f64, f64)] = &[(27.5, 200.0), (-30.0, 200.0)];
    let back: &[(f64, f64)] = &[(-30.0, 200.0), (-30.0, -300.0)];
    let streets = [front, join, back];
    let mut city = City::new(&streets, BED);
    city.within_m = 250.0;
    // Without entrances: out of the east side, across the front street: 15 m.
    let block = city.report(dir.path(), &[]);
    assert!((number(&block, "basic_care_bed_walk_m") - 15.0).abs() < 0.5);
    // The only entrance is in the middle of the west side.
    city.entrances = Some(("entrances.csv", entrances_csv(&[("b", -20.0, 0.0)])));
    let block = city.report(dir.path(), &[]);
    // 10 m to the back street, 200 m north, 57.5 m east, 200 m south, 7.5 m to the bed; the
    // straight line from the entrance crosses the front street.
    let walk = number(&block, "basic_care_bed_walk_m");
    assert!((walk - 475.0).abs() < 1.5, "{walk}");
    assert!((number(&block, "basic_care_bed_dist_m") - 15.0).abs() < 0.5);
    assert_eq!(block["basic_met"], false);
    assert_eq!(
        block["gap_reason"],
        format!(
            "basic: care_bed 15 m away in a straight line but {} m on foot",
            walk.round()
        )
    );
    // From the centroid nothing changes: 27.5 m to the front street, 7.5 m to the bed.
    let block = city.report(dir.path(), &["--measure", "centroid"]);
    assert!((number(&block, "basic_care_bed_walk_m") - 35.0).abs() < 0.5);
}

#[test]
fn a_shortcut_starts_at_the_nearest_entrance_but_a_facility_inside_counts_zero() {
    let dir = tempfile::tempdir().unwrap();
    let street: &[(f64, f64)] = &[(27.5, -300.0), (27.5, 300.0)];
    let streets = [street];
    // A bed 20 m west of the block on open ground; the entrance in the middle of the east side.
    let mut city = City::new(&streets, (-40.0, 0.0));
    city.entrances = Some(("entrances.csv", entrances_csv(&[("b", 20.0, 0.0)])));
    let block = city.report(dir.path(), &[]);
    // From the entrance straight through the block: 60 m (by the street: 7.5 + 67.5 m).
    let walk = number(&block, "basic_care_bed_walk_m");
    assert!((walk - 60.0).abs() < 0.5, "{walk}");
    // A bed inside the block is 0 m away, entrance or not.
    city.bed = (-5.0, 5.0);
    let block = city.report(dir.path(), &[]);
    assert_eq!(number(&block, "basic_care_bed_walk_m"), 0.0);
}

#[test]
fn check_lists_unknown_entrance_blocks_and_bad_barriers_with_the_other_problems() {
    let dir = tempfile::tempdir().unwrap();
    let streets = [LANE];
    let mut city = City::new(&streets, BED);
    city.barriers = vec![river(), (r#"{"name":"pond"}"#.into(), point((50.0, 50.0)))];
    let entrance = |block: &str| (format!(r#"{{"block":"{block}"}}"#), point((20.0, 0.0)));
    city.entrances = Some((
        "entrances.geojson",
        collection(&[
            entrance("b"),
            entrance("zz"),
            ("{}".into(), point((20.0, 5.0))),
        ]),
    ));
    let manifest = city.write(dir.path());
    let output = carecircle().arg("check").arg(&manifest).assert().failure();
    let stderr = String::from_utf8_lossy(&output.get_output().stderr).into_owned();
    for expected in [
        "barriers.geojson, feature 2, field `geometry`: expected a LineString, MultiLineString, \
         Polygon or MultiPolygon, found a Point",
        "entrances.geojson, feature 2, field `block`: no block has the id `zz`",
        "entrances.geojson, feature 3, field `block`: missing id",
    ] {
        assert!(stderr.contains(expected), "{expected}\n{stderr}");
    }
    // --skip-invalid leaves the three out and walks as without them.
    let out = dir.path().join("out");
    carecircle()
        .arg("report")
        .arg(&manifest)
        .args(["--skip-invalid", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
}
