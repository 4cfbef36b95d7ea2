//! The real binary on real and hand-made cities.

mod common;

use common::{carecircle, report_with_threads, small_city, taipei};
use predicates::prelude::*;
use predicates::str::contains;
use serde_json::Value;
use std::fs;

fn read_json(path: &std::path::Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn report_on_the_taipei_fixture_writes_consistent_outputs() {
    let out = tempfile::tempdir().unwrap();
    carecircle()
        .args(["report"])
        .arg(taipei().join("city.toml"))
        .arg("--out")
        .arg(out.path())
        .assert()
        .success()
        .stdout(
            contains("basic")
                .and(contains("specialty"))
                .and(contains("%")),
        );
    let blocks = read_json(&out.path().join("blocks.geojson"));
    let features = blocks["features"].as_array().unwrap();
    assert_eq!(features.len(), 56);
    // Independent totals from the input: the eight age bands of 65 and over.
    let input = read_json(&taipei().join("villages.geojson"));
    let bands = [
        "A65A69_CNT",
        "A70A74_CNT",
        "A75A79_CNT",
        "A80A84_CNT",
        "A85A89_CNT",
        "A90A94_CNT",
        "A95A99_CNT",
        "A100UP_5_CNT",
    ];
    let elderly_total: f64 = input["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            bands
                .iter()
                .map(|b| f["properties"][b].as_f64().unwrap())
                .sum::<f64>()
        })
        .sum();
    let summary = read_json(&out.path().join("summary.json"));
    for circle in summary["circles"].as_array().unwrap() {
        let name = circle["name"].as_str().unwrap();
        assert_eq!(circle["elderly_total"].as_f64().unwrap(), elderly_total);
        let met_field = format!("{name}_met");
        let (mut blocks_met, mut elderly_met) = (0, 0.0);
        for f in features {
            let p = &f["properties"];
            if p[&met_field].as_bool().unwrap() {
                blocks_met += 1;
                elderly_met += p["elderly"].as_f64().unwrap();
                assert!(
                    p["gap_reason"].is_null()
                        || !p["gap_reason"]
                            .as_str()
                            .unwrap()
                            .contains(&format!("{name}:"))
                );
            } else {
                assert!(p["gap_reason"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("{name}:")));
            }
        }
        assert_eq!(circle["blocks_met"], blocks_met);
        assert_eq!(circle["elderly_met"].as_f64().unwrap(), elderly_met);
        assert!(
            blocks_met > 0 && blocks_met < 56,
            "{name}: {blocks_met} of 56 met; the fixture should show gaps"
        );
    }
    // Numbers are numbers, ids are preserved, the specialty count column exists.
    let p = &features[0]["properties"];
    assert!(p["id"].as_str().unwrap().starts_with("63000"));
    assert!(p["basic_care_bed_dist_m"].is_number());
    assert!(p["specialty_hospital_count"].is_u64());
    // The CSV has the same rows and columns.
    let csv = fs::read_to_string(out.path().join("coverage.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let mut headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    headers.sort();
    let keys: Vec<String> = p.as_object().unwrap().keys().cloned().collect();
    assert_eq!(headers, keys);
    assert_eq!(reader.records().count(), 56);
    let summary_csv = fs::read_to_string(out.path().join("summary.csv")).unwrap();
    assert!(summary_csv.starts_with("circle,requirement,within_m"));
}

#[test]
fn distances_on_a_hand_made_city_are_right() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = small_city(dir.path());
    let out = dir.path().join("out");
    carecircle()
        .arg("report")
        .arg(&manifest)
        .args(["--measure", "centroid"])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let blocks = read_json(&out.join("blocks.geojson"));
    let f = blocks["features"].as_array().unwrap();
    let p = |i: usize, k: &str| f[i]["properties"][k].clone();
    // Block a: the care bed sits on its centre point (0.00025° from its corner both ways).
    assert_eq!(p(0, "basic_care_bed_dist_m"), 0.0);
    assert_eq!(p(0, "basic_met"), true);
    // Block b is about 0.01° of longitude (≈ 1,008 m at 25° N) east of block a's care bed.
    let d = p(1, "basic_care_bed_dist_m").as_f64().unwrap();
    assert!((d - 1008.5).abs() < 3.0, "{d}");
    assert!(p(1, "gap_reason")
        .as_str()
        .unwrap()
        .contains("no care_bed within 100 m, nearest 1,00"));
    assert_eq!(p(1, "specialty_met"), true);
    assert_eq!(p(2, "extended_met"), false);
}

#[test]
fn edge_measure_counts_facilities_inside_the_block_as_zero() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = small_city(dir.path());
    let out = dir.path().join("out");
    carecircle()
        .arg("report")
        .arg(&manifest)
        .args(["--measure", "edge", "--out"])
        .arg(&out)
        .assert()
        .success();
    let blocks = read_json(&out.join("blocks.geojson"));
    let p = &blocks["features"][1]["properties"];
    assert_eq!(p["specialty_hospital_dist_m"], 0.0);
    assert_eq!(read_json(&out.join("summary.json"))["measure"], "edge");
}

#[test]
fn outputs_never_overwrite_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = small_city(dir.path());
    let before = fs::read(dir.path().join("blocks.geojson")).unwrap();
    carecircle()
        .arg("report")
        .arg(&manifest)
        .arg("--out")
        .arg(dir.path())
        .assert()
        .failure()
        .stderr(contains("refusing to write").and(contains("blocks.geojson")));
    assert_eq!(fs::read(dir.path().join("blocks.geojson")).unwrap(), before);
    assert!(
        !dir.path().join("coverage.csv").exists(),
        "a refused run writes nothing"
    );
}

#[test]
fn empty_facility_layer_warns_and_fails_its_requirement() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = small_city(dir.path());
    fs::write(dir.path().join("hospices.geojson"), common::collection(&[])).unwrap();
    let out = dir.path().join("out");
    carecircle()
        .arg("report")
        .arg(&manifest)
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stderr(
            contains("warning")
                .and(contains("hospices.geojson"))
                .and(contains("hospice")),
        );
    let blocks = read_json(&out.join("blocks.geojson"));
    for f in blocks["features"].as_array().unwrap() {
        assert_eq!(f["properties"]["extended_met"], false);
        assert!(f["properties"]["extended_hospice_dist_m"].is_null());
        assert!(f["properties"]["gap_reason"]
            .as_str()
            .unwrap()
            .contains("no hospice in the data"));
    }
}

#[test]
fn policy_prints_the_default_policy() {
    let output = carecircle()
        .arg("policy")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(output).unwrap();
    let parsed = carecircle::config::Policy::parse(&text).unwrap();
    assert_eq!(parsed, carecircle::config::Policy::default_policy());
}

#[test]
fn check_reports_a_valid_city() {
    carecircle()
        .arg("check")
        .arg(taipei().join("city.toml"))
        .assert()
        .success()
        .stdout(contains("no problems found").and(contains("56 features")));
}

#[test]
fn gcj02_and_bd09_layers_are_converted_on_load() {
    use carecircle::algo::crs::{wgs84_to_bd09, wgs84_to_gcj02};
    for (crs, convert) in [
        ("gcj02", wgs84_to_gcj02 as fn(f64, f64) -> (f64, f64)),
        ("bd09", wgs84_to_bd09),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let manifest = small_city(dir.path());
        // The care bed at block a's centre, written in the layer's datum (hundreds of metres off).
        let (lon, lat) = convert(121.50025, 25.00025);
        fs::write(
            dir.path().join("care_beds.csv"),
            format!("id,lon,lat\ncb1,{lon},{lat}\n"),
        )
        .unwrap();
        let text = fs::read_to_string(&manifest).unwrap();
        fs::write(
            &manifest,
            text.replace(
                "path = \"care_beds.csv\"",
                &format!("path = \"care_beds.csv\"\ncrs = \"{crs}\""),
            ),
        )
        .unwrap();
        let out = dir.path().join("out");
        carecircle()
            .arg("report")
            .arg(&manifest)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        let blocks = read_json(&out.join("blocks.geojson"));
        let d = blocks["features"][0]["properties"]["basic_care_bed_dist_m"]
            .as_f64()
            .unwrap();
        assert!(
            d < 0.05,
            "{crs}: {d} m from the block centre after conversion"
        );
    }
}

#[test]
fn outputs_are_byte_identical_with_one_or_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let city = dir.path().join("city");
    carecircle()
        .args(["synth", "--blocks", "12000", "--seed", "7", "--out"])
        .arg(&city)
        .assert()
        .success();
    // The same folder both times: report.html shows the command line, --out included.
    let out = dir.path().join("out");
    let outputs = ["1", "2"].map(|threads| {
        report_with_threads(
            &city.join("city.toml"),
            &out,
            threads,
            &["--measure", "edge"],
        )
    });
    let names: Vec<&str> = outputs[0].iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            ".carecircle-files",
            "blocks.geojson",
            "blocks.qml",
            "coverage.csv",
            "facilities.csv",
            "facilities.geojson",
            "facilities.qml",
            "gaps.geojson",
            "gaps.qml",
            "map.png",
            "map.svg",
            "off_network.csv",
            "referrals.csv",
            "report.html",
            "summary.csv",
            "summary.json"
        ]
    );
    assert!(
        outputs[0] == outputs[1],
        "outputs differ between 1 and 2 threads"
    );
}

#[test]
fn demo_writes_the_city_and_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    carecircle()
        .args(["demo", "--blocks", "3000", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(contains("basic").and(contains("extended")));
    assert!(out.join("input/city.toml").is_file());
    let summary = read_json(&out.join("summary.json"));
    for circle in summary["circles"].as_array().unwrap() {
        let met = circle["blocks_met"].as_u64().unwrap();
        assert_eq!(circle["blocks_total"], 3000);
        assert!(
            met > 0 && met < 3000,
            "{}: {met} met; the demo should show coverage and gaps",
            circle["name"]
        );
    }
    // The synthetic blocks mix Polygons and a few MultiPolygons (blocks split in two); the
    // blocks layer written has one geometry type, as QGIS and GeoPackage expect.
    let types = |path: &std::path::Path| -> std::collections::BTreeMap<String, usize> {
        let mut counts = std::collections::BTreeMap::new();
        for f in read_json(path)["features"].as_array().unwrap() {
            let kind = f["geometry"]["type"].as_str().unwrap().to_string();
            *counts.entry(kind).or_insert(0) += 1;
        }
        counts
    };
    let input = types(&out.join("input/blocks.geojson"));
    assert_eq!(input.len(), 2, "{input:?}");
    let written = types(&out.join("blocks.geojson"));
    assert_eq!(
        written,
        [("MultiPolygon".to_string(), 3000)].into(),
        "{written:?}"
    );
}

#[test]
fn area_measure_reports_shares_beside_the_centroid_figures() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = small_city(dir.path());
    // A responder 90 m east of block a's centre: its 100 m reach covers only part of block a.
    let (lon, lat) = (121.50025 + 90.0 / 100_900.0, 25.00025);
    fs::write(
        dir.path().join("responders.geojson"),
        common::collection(&[(
            r#"{"id":"r1"}"#.into(),
            format!(r#"{{"type":"Point","coordinates":[{lon},{lat}]}}"#),
        )]),
    )
    .unwrap();
    let out = dir.path().join("out");
    carecircle()
        .arg("report")
        .arg(&manifest)
        .args(["--measure", "area", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(contains("area-weighted"));
    let blocks = read_json(&out.join("blocks.geojson"));
    let a = &blocks["features"][0]["properties"];
    assert_eq!(a["basic_care_bed_share"], 1.0);
    let share = a["basic_responder_share"].as_f64().unwrap();
    assert!(share > 0.5 && share < 1.0, "{share}");
    assert_eq!(a["basic_share"].as_f64().unwrap(), share);
    assert_eq!(blocks["features"][2]["properties"]["basic_share"], 0.0);
    let summary = read_json(&out.join("summary.json"));
    let basic = &summary["circles"][0];
    // Shares are written with 4 decimals; the summary uses the exact ones.
    assert!((basic["elderly_met_area"].as_f64().unwrap() - 10.0 * share).abs() < 1e-3);
    assert_eq!(summary["measure"], "area");
}

#[test]
fn json_prints_the_summary_for_scripts() {
    let out = tempfile::tempdir().unwrap();
    let output = carecircle()
        .arg("report")
        .arg(taipei().join("city.toml"))
        .args(["--json", "--quiet", "--out"])
        .arg(out.path())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let printed: Value = serde_json::from_slice(&output).unwrap();
    assert_eq!(printed, read_json(&out.path().join("summary.json")));
}

#[test]
fn view_picks_the_circle_the_block_style_colours_by() {
    let out = tempfile::tempdir().unwrap();
    carecircle()
        .arg("report")
        .arg(taipei().join("city.toml"))
        .args(["--view", "extended", "--out"])
        .arg(out.path())
        .assert()
        .success();
    let style = fs::read_to_string(out.path().join("blocks.qml")).unwrap();
    assert!(style.contains(r#"attr="extended_met""#), "{style}");
    carecircle()
        .arg("report")
        .arg(taipei().join("city.toml"))
        .args(["--view", "living", "--out"])
        .arg(out.path().join("other"))
        .assert()
        .failure()
        .stderr(contains("--view living: the policy has no such circle; its circles are: basic, specialty, extended"));
}

/// Every `<text>` of an SVG, which must be well-formed XML.
fn svg_texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("map.svg is well-formed XML");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(|t| t.trim().to_string()))
        .collect()
}

#[test]
fn report_draws_an_a4_map_of_the_view_circle() {
    let out = tempfile::tempdir().unwrap();
    carecircle()
        .arg("report")
        .arg(taipei().join("city.toml"))
        .arg("--out")
        .arg(out.path())
        .assert()
        .success();
    let summary = read_json(&out.path().join("summary.json"));
    let circle = &summary["circles"][0];
    let (met, total) = (
        circle["elderly_met"].as_f64().unwrap(),
        circle["elderly_total"].as_f64().unwrap(),
    );
    let digits = format!("{}", total.round() as u64);
    let mut total_text = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            total_text.push(',');
        }
        total_text.push(ch);
    }
    let how = if summary["distance"] == "straight" {
        "in a straight line"
    } else {
        "on foot"
    };
    let title = format!(
        "{} circle: {:.1} % of {total_text} elderly covered {how}",
        circle["name"].as_str().unwrap(),
        100.0 * met / total
    );

    let svg = fs::read_to_string(out.path().join("map.svg")).unwrap();
    let texts = svg_texts(&svg);
    assert!(texts.contains(&title), "no title {title:?} in {texts:?}");
    for label in ["covered", "not covered", "gap zone", "N"] {
        assert!(
            texts.iter().any(|t| t == label),
            "no {label:?} in {texts:?}"
        );
    }
    // The legend names kinds in words: `care_bed` as `care bed`.
    let kind = circle["requirements"][0]["kind"]
        .as_str()
        .unwrap()
        .replace('_', " ");
    assert!(texts.contains(&kind), "no {kind:?} in {texts:?}");
    let round_lengths: Vec<String> = [1, 2, 5, 10, 20, 50, 100, 200, 500]
        .iter()
        .map(|m| format!("{m} m"))
        .chain([1, 2, 5, 10, 20, 50].iter().map(|k| format!("{k} km")))
        .collect();
    assert!(
        texts.iter().any(|t| round_lengths.contains(t)),
        "no scale bar label in {texts:?}"
    );

    let png = fs::read(out.path().join("map.png")).unwrap();
    let mut reader = png::Decoder::new(png.as_slice()).read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert_eq!((info.width, info.height), (1754, 1240));
    let mut colours: Vec<&[u8]> = pixels[..info.buffer_size()].chunks(3).collect();
    colours.sort_unstable();
    colours.dedup();
    assert!(colours.len() >= 4, "{} colours", colours.len());
}
