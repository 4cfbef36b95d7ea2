//! Bad input: a clear error naming file, feature (or row) and field; never a panic.

mod common;

use common::{carecircle, collection, small_city, square};
use predicates::prelude::*;
use predicates::str::contains;
use std::fs;
use std::path::Path;

/// Runs `report` on the small city after `break_it` has damaged it, and checks that it fails
/// with every expected fragment in the error output and without a panic.
fn fails_with(break_it: impl FnOnce(&Path), expected: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let manifest = small_city(dir.path());
    break_it(dir.path());
    let assert = carecircle()
        .arg("report")
        .arg(&manifest)
        .arg("--out")
        .arg(dir.path().join("out"))
        .assert()
        .failure()
        .stderr(contains("panicked").not());
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    for fragment in expected {
        assert!(
            stderr.contains(fragment),
            "expected {fragment:?} in:\n{stderr}"
        );
    }
    assert!(!dir.path().join("out/blocks.geojson").exists());
}

fn write_blocks(dir: &Path, features: &[(&str, String)]) {
    let owned: Vec<(String, String)> = features
        .iter()
        .map(|(p, g)| (p.to_string(), g.clone()))
        .collect();
    fs::write(dir.join("blocks.geojson"), collection(&owned)).unwrap();
}

fn good_square() -> String {
    square(121.5, 25.0, 0.0005)
}

#[test]
fn malformed_json() {
    fails_with(
        |d| {
            fs::write(
                d.join("blocks.geojson"),
                r#"{"type":"FeatureCollection","features":[{"type":"#,
            )
            .unwrap()
        },
        &["blocks.geojson", "not valid GeoJSON", "line 1"],
    );
}

#[test]
fn malformed_csv() {
    fails_with(
        |d| {
            fs::write(
                d.join("care_beds.csv"),
                "id,lon,lat\ncb1,121.5,25.0\ncb2,121.5\n",
            )
            .unwrap()
        },
        &["care_beds.csv", "row 2", "malformed CSV"],
    );
}

#[test]
fn wrong_geometry_type() {
    fails_with(
        |d| {
            write_blocks(
                d,
                &[
                    (r#"{"id":"a","elderly":1,"residents":2}"#, good_square()),
                    (
                        r#"{"id":"b","elderly":1,"residents":2}"#,
                        r#"{"type":"Point","coordinates":[121.5,25.0]}"#.into(),
                    ),
                ],
            )
        },
        &[
            "blocks.geojson",
            "feature 2",
            "field `geometry`",
            "Polygon",
            "Point",
        ],
    );
}

#[test]
fn missing_field() {
    fails_with(
        |d| write_blocks(d, &[(r#"{"id":"a","residents":2}"#, good_square())]),
        &["blocks.geojson", "feature 1", "field `elderly`", "missing"],
    );
}

/// The same problem in every feature is one line naming how many, with the fields the
/// features do have; a different problem between them starts a line of its own.
#[test]
fn alike_problems_are_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = small_city(dir.path());
    let without_elderly = |n: usize| {
        (
            format!(r#"{{"id":"b{n}","age_65":1,"residents":2}}"#),
            square(121.5 + n as f64 * 0.001, 25.0, 0.0005),
        )
    };
    let mut features: Vec<(String, String)> = (0..40).map(without_elderly).collect();
    features.insert(
        20,
        (
            r#"{"id":"odd","elderly":-1,"residents":2}"#.to_string(),
            good_square(),
        ),
    );
    fs::write(dir.path().join("blocks.geojson"), collection(&features)).unwrap();
    let assert = carecircle().arg("check").arg(&manifest).assert().failure();
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 3, "{stderr}");
    assert!(
        errors[0].contains("20 features (features 1 to 20), field `elderly`: missing; the properties are: age_65, id, residents (as in feature 1; the others alike)"),
        "{stderr}"
    );
    assert!(
        errors[1].contains("feature 21, field `elderly`: is negative"),
        "{stderr}"
    );
    assert!(
        errors[2].contains("20 features (features 22 to 41)"),
        "{stderr}"
    );
    assert!(stderr.contains("41 problem(s)"), "{stderr}");
}

#[test]
fn non_numeric_field() {
    fails_with(
        |d| {
            write_blocks(
                d,
                &[(
                    r#"{"id":"a","elderly":"many","residents":2}"#,
                    good_square(),
                )],
            )
        },
        &[
            "blocks.geojson",
            "feature 1",
            "field `elderly`",
            "not a number",
            "many",
        ],
    );
}

#[test]
fn a_count_beyond_any_city_is_refused() {
    fails_with(
        |d| {
            write_blocks(
                d,
                &[(
                    r#"{"id":"a","elderly":2e12,"residents":3e12}"#,
                    good_square(),
                )],
            )
        },
        &[
            "blocks.geojson",
            "feature 1",
            "field `elderly`",
            "is 2000000000000, more than 100,000,000 people in one block",
        ],
    );
}

/// One block whose elderly are the sum of `age_65_79` and `age_80_plus`, given as JSON numbers.
fn two_age_fields(dir: &Path, young: &str, old: &str) {
    let properties =
        format!(r#"{{"id":"a","age_65_79":{young},"age_80_plus":{old},"residents":5}}"#);
    write_blocks(dir, &[(&properties, good_square())]);
    let manifest = dir.join("city.toml");
    let text = fs::read_to_string(&manifest).unwrap().replace(
        "elderly = \"elderly\"",
        "elderly = [\"age_65_79\", \"age_80_plus\"]",
    );
    fs::write(manifest, text).unwrap();
}

#[test]
fn fields_that_add_up_to_infinity_are_refused() {
    fails_with(
        |d| two_age_fields(d, "1e308", "1e308"),
        &[
            "blocks.geojson",
            "feature 1",
            "field `age_65_79`",
            "more than 100,000,000",
        ],
    );
    fails_with(
        |d| two_age_fields(d, "6e7", "6e7"),
        &[
            "field `age_65_79` + `age_80_plus`",
            "adds up to 120000000, more than 100,000,000 people in one block",
        ],
    );
}

#[test]
fn a_huge_bad_value_is_quoted_in_part() {
    let dir = tempfile::tempdir().unwrap();
    small_city(dir.path());
    let huge = "x".repeat(1_000_000);
    let properties = format!(r#"{{"id":"a","elderly":"{huge}","residents":2}}"#);
    write_blocks(dir.path(), &[(&properties, good_square())]);
    let assert = carecircle()
        .arg("check")
        .arg(dir.path().join("city.toml"))
        .assert()
        .failure();
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("(1,000,002 characters)"),
        "{}",
        &stderr[..stderr.len().min(500)]
    );
    assert!(stderr.len() < 2_000, "{} bytes of errors", stderr.len());
}

/// Runs `report` on the city in `dir` into `dir/out` and checks that it succeeds.
fn report_succeeds(dir: &Path) -> assert_cmd::assert::Assert {
    common::report(&dir.join("city.toml"), &dir.join("out"), &[]).success()
}

#[test]
fn ids_that_look_like_formulas_are_defused_in_csv_only() {
    let dir = tempfile::tempdir().unwrap();
    small_city(dir.path());
    let formula = r#"=HYPERLINK(\"http://x\")"#;
    let properties = format!(r#"{{"id":"{formula}","elderly":10,"residents":100}}"#);
    write_blocks(dir.path(), &[(&properties, good_square())]);
    report_succeeds(dir.path());
    let csv = fs::read_to_string(dir.path().join("out/coverage.csv")).unwrap();
    let row = csv.lines().nth(1).unwrap();
    assert!(row.starts_with(r#""'=HYPERLINK(""http://x"")""#), "{row}");
    let geojson = fs::read_to_string(dir.path().join("out/blocks.geojson")).unwrap();
    assert!(
        geojson.contains(r#""id":"=HYPERLINK(\"http://x\")""#),
        "the layer keeps the id"
    );
}

#[test]
fn control_characters_in_ids_reach_neither_terminal_nor_page() {
    let dir = tempfile::tempdir().unwrap();
    small_city(dir.path());
    let point = r#"{"type":"Point","coordinates":[121.5102,25.0002]}"#.to_string();
    let properties = r#"{"id":"H\u001b[2J\u0000x","tier":"tertiary"}"#.to_string();
    let hospitals = collection(&[(properties, point)]);
    fs::write(dir.path().join("hospitals.geojson"), hospitals).unwrap();
    let assert = report_succeeds(dir.path());
    let output = assert.get_output();
    let stdout = String::from_utf8(output.stdout.clone()).unwrap();
    assert!(stdout.contains(r"H\u{1b}[2J\u{0}x"), "{stdout}");
    assert!(
        !stdout.contains(['\u{1b}', '\0'])
            && !String::from_utf8_lossy(&output.stderr).contains('\u{1b}')
    );
    let html = fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    assert!(html.contains("H\u{fffd}[2J\u{fffd}x") && !html.contains(['\u{1b}', '\0']));
}

#[test]
fn nan_coordinate() {
    fails_with(
        |d| fs::write(d.join("care_beds.csv"), "id,lon,lat\ncb1,NaN,25.0\n").unwrap(),
        &["care_beds.csv", "row 1", "field `lon`", "not a number"],
    );
}

#[test]
fn out_of_range_coordinates_hint_at_swapped_axes() {
    fails_with(
        |d| fs::write(d.join("care_beds.csv"), "id,lon,lat\ncb1,25.0,121.5\n").unwrap(),
        &["care_beds.csv", "row 1", "out of range", "swapped"],
    );
    fails_with(
        |d| {
            write_blocks(
                d,
                &[(
                    r#"{"id":"a","elderly":1,"residents":2}"#,
                    square(25.0, 121.5, 0.0005),
                )],
            )
        },
        &[
            "blocks.geojson",
            "feature 1",
            "field `coordinates`",
            "swapped",
        ],
    );
}

#[test]
fn duplicate_block_ids() {
    fails_with(
        |d| {
            write_blocks(
                d,
                &[
                    (r#"{"id":"a","elderly":1,"residents":2}"#, good_square()),
                    (
                        r#"{"id":"a","elderly":1,"residents":2}"#,
                        square(121.51, 25.0, 0.0005),
                    ),
                ],
            )
        },
        &[
            "blocks.geojson",
            "feature 2",
            "field `id`",
            "duplicate id `a`",
            "feature 1",
        ],
    );
}

#[test]
fn duplicate_facility_ids() {
    fails_with(
        |d| {
            let csv = "id,lon,lat,capacity\ncb1,121.50025,25.00025,4\ncb2,121.501,25.0,4\ncb1,121.502,25.0,4\n";
            fs::write(d.join("care_beds.csv"), csv).unwrap();
        },
        &[
            "care_beds.csv",
            "row 3",
            "field `id`",
            "duplicate id `cb1` (also row 1, 179 m away); `duplicates = \"merge\"` on the layer keeps the first",
        ],
    );
    fails_with(
        |d| {
            let point = r#"{"type":"Point","coordinates":[121.5003,25.0003]}"#.to_string();
            let features = [(r#"{"id":"r1"}"#, point.clone()), (r#"{"id":"r1"}"#, point)];
            let owned: Vec<(String, String)> = features
                .iter()
                .map(|(p, g)| (p.to_string(), g.clone()))
                .collect();
            fs::write(d.join("responders.geojson"), collection(&owned)).unwrap();
        },
        &[
            "responders.geojson",
            "feature 2",
            "duplicate id `r1` (also feature 1, 0 m away)",
        ],
    );
}

#[test]
fn duplicates_merge_counts_one_site_in_two_registries_once() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = small_city(dir.path());
    let point = |lon: f64| format!(r#"{{"type":"Point","coordinates":[{lon},25.0003]}}"#);
    let features: Vec<(String, String)> = [
        (r#"{"id":"r1","registry":"a"}"#, point(121.5003)),
        (r#"{"id":"r2","registry":"a"}"#, point(121.5203)),
        // 30 m east: the same address geocoded again.
        (r#"{"id":"r1","registry":"b"}"#, point(121.5006)),
    ]
    .iter()
    .map(|(p, g)| (p.to_string(), g.clone()))
    .collect();
    fs::write(dir.path().join("responders.geojson"), collection(&features)).unwrap();
    let text = fs::read_to_string(&manifest).unwrap().replace(
        "path = \"responders.geojson\"",
        "path = \"responders.geojson\"\nduplicates = \"merge\"",
    );
    fs::write(&manifest, text).unwrap();
    let out = dir.path().join("out");
    carecircle()
        .arg("check")
        .arg(&manifest)
        .assert()
        .success()
        .stdout(contains("responders.geojson (3 features, 2 used)"))
        .stderr(contains(
            "1 duplicate of an id in layer `responder` merged into the first of the id (the farthest 30 m from it: `r1`)",
        ));
    // Without `duplicates = "merge"`, the same rows are an error saying how far apart.
    let text = fs::read_to_string(&manifest)
        .unwrap()
        .replace("duplicates = \"merge\"\n", "");
    fs::write(&manifest, text).unwrap();
    carecircle()
        .arg("report")
        .arg(&manifest)
        .arg("--out")
        .arg(&out)
        .assert()
        .failure()
        .stderr(contains("duplicate id `r1` (also feature 1, 30 m away)"));
}

#[test]
fn facilities_sharing_a_position_are_a_warning_with_counts() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = small_city(dir.path());
    let csv = "id,name,lon,lat,capacity\ncb1,康寧居,121.50025,25.00025,4\ncb2,,121.50025,25.00025,4\ncb3,,121.50025,25.00025,4\ncb4,,121.501,25.0,4\n";
    fs::write(dir.path().join("care_beds.csv"), csv).unwrap();
    carecircle()
        .arg("report")
        .arg(&manifest)
        .arg("--out")
        .arg(dir.path().join("out"))
        .assert()
        .success()
        .stderr(contains(
            "3 facilities of layer `care_bed` share their position with another, at 1 position (the most, 3, at 121.50025, 25.00025: `康寧居 (cb1)` and others)",
        ));
}

#[test]
fn missing_file() {
    fails_with(
        |d| fs::remove_file(d.join("hospitals.geojson")).unwrap(),
        &["hospitals.geojson", "cannot read"],
    );
}

#[test]
fn unknown_kind_in_the_policy() {
    fails_with(
        |d| {
            fs::write(
                d.join("policy.toml"),
                "[[circles]]\nname='living'\nrequires=[{kind='canteen', within_m=500}]\n",
            )
            .unwrap();
            let manifest = fs::read_to_string(d.join("city.toml")).unwrap();
            fs::write(
                d.join("city.toml"),
                format!("policy = \"policy.toml\"\n{manifest}"),
            )
            .unwrap();
        },
        &["policy.toml", "canteen", "[layers.canteen]"],
    );
}

#[test]
fn unknown_manifest_key() {
    fails_with(
        |d| {
            let manifest = fs::read_to_string(d.join("city.toml")).unwrap();
            fs::write(
                d.join("city.toml"),
                manifest.replace("elderly = \"elderly\"", "elderley = \"elderly\""),
            )
            .unwrap();
        },
        &["city.toml", "elderley"],
    );
}

#[test]
fn skip_invalid_skips_and_lists_bad_features() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = small_city(dir.path());
    write_blocks(
        dir.path(),
        &[
            (r#"{"id":"a","elderly":1,"residents":2}"#, good_square()),
            (
                r#"{"id":"b","elderly":"x","residents":2}"#,
                square(121.51, 25.0, 0.0005),
            ),
            (
                r#"{"id":"c","elderly":3,"residents":4}"#,
                square(121.52, 25.0, 0.0005),
            ),
        ],
    );
    fs::write(
        dir.path().join("care_beds.csv"),
        "id,lon,lat\ncb1,121.5,25.0\ncb2,oops,25.0\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    carecircle()
        .arg("report")
        .arg(&manifest)
        .arg("--skip-invalid")
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stderr(contains("skipped 2 invalid feature(s)"));
    let mut skipped = csv::Reader::from_path(out.join("skipped.csv")).unwrap();
    let rows: Vec<Vec<String>> = skipped
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    assert_eq!(rows.len(), 2);
    assert!(rows[0][0].ends_with("blocks.geojson") && rows[0][1] == "2" && rows[0][2] == "elderly");
    assert!(rows[1][0].ends_with("care_beds.csv") && rows[1][1] == "2" && rows[1][2] == "lon");
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["skipped_features"], 2);
    assert_eq!(summary["circles"][0]["blocks_total"], 2);
}

#[test]
fn check_lists_every_problem_in_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = small_city(dir.path());
    write_blocks(
        dir.path(),
        &[
            (r#"{"id":"a","residents":2}"#, good_square()),
            (r#"{"id":"b","elderly":"x","residents":2}"#, good_square()),
        ],
    );
    fs::write(dir.path().join("care_beds.csv"), "id,lon,lat\ncb1,200,95\n").unwrap();
    carecircle()
        .arg("check")
        .arg(&manifest)
        .assert()
        .failure()
        .stderr(
            contains("feature 1, field `elderly`")
                .and(contains("feature 2, field `elderly`"))
                .and(contains("care_beds.csv, row 1"))
                .and(contains("3 problem(s)")),
        );
}

#[test]
fn check_lists_every_manifest_and_policy_problem_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = small_city(dir.path());
    let text = fs::read_to_string(&manifest).unwrap();
    let text = text.replace("[layers.care_bed]", "[layers.care_bed]\nradius = 300");
    fs::write(&manifest, format!("policy = \"policy.toml\"\n{text}")).unwrap();
    fs::write(
        dir.path().join("policy.toml"),
        "[[circles]]\nname='Living'\nrequires=[{kind='care_bed', within_m=-500}]\n\
         [[circles]]\nname='daily care'\nrequires=[{kind='care_bed', within_m=500}]\n",
    )
    .unwrap();
    let assert = carecircle()
        .arg("check")
        .arg(&manifest)
        .assert()
        .failure()
        .stderr(contains("panicked").not());
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    for fragment in [
        "city.toml: TOML parse error",
        "unknown field `radius`",
        "policy.toml: circle name `Living` must be lowercase snake_case",
        "policy.toml: circle `Living`, requirement 1 (`care_bed`): the reach must be a positive distance, got -500 m",
        "policy.toml: circle name `daily care` must be lowercase snake_case",
    ] {
        assert!(
            stderr.contains(fragment),
            "expected {fragment:?} in:\n{stderr}"
        );
    }
}

#[test]
fn check_lists_policy_and_input_problems_together() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = small_city(dir.path());
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(&manifest, format!("policy = \"policy.toml\"\n{text}")).unwrap();
    fs::write(
        dir.path().join("policy.toml"),
        "[[circles]]\nname='living'\nrequires=[{kind='canteen', within_m=500}]\n",
    )
    .unwrap();
    fs::write(dir.path().join("care_beds.csv"), "id,lon,lat\ncb1,200,95\n").unwrap();
    carecircle()
        .arg("check")
        .arg(&manifest)
        .assert()
        .failure()
        .stderr(
            contains("policy.toml: circle `living` requires kind `canteen`")
                .and(contains("care_beds.csv, row 1"))
                .and(contains("1 problem(s) in the input\n"))
                .and(contains("--skip-invalid").not()),
        );
}

#[test]
fn only_report_suggests_skip_invalid() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = small_city(dir.path());
    write_blocks(
        dir.path(),
        &[(r#"{"id":"a","elderly":"x","residents":2}"#, good_square())],
    );
    let out = dir.path().join("out");
    let stderr = |args: &[&str]| {
        let assert = carecircle()
            .args(args)
            .arg(&manifest)
            .arg("--out")
            .arg(&out)
            .assert()
            .failure();
        String::from_utf8(assert.get_output().stderr.clone()).unwrap()
    };
    let report = stderr(&["report"]);
    assert!(
        report.contains("1 problem(s) in the input; fix them, or pass --skip-invalid"),
        "{report}"
    );
    let site = stderr(&["site", "--circle", "basic", "--kind", "care_bed"]);
    assert!(site.contains("1 problem(s) in the input"), "{site}");
    assert!(!site.contains("--skip-invalid"), "{site}");
    let check = carecircle().arg("check").arg(&manifest).assert().failure();
    let check = String::from_utf8(check.get_output().stderr.clone()).unwrap();
    assert!(check.contains("1 problem(s) in the input"), "{check}");
    assert!(!check.contains("--skip-invalid"), "{check}");
}
