//! `report --add KIND=FILE` (a what-if run with facilities added to a layer) and `compare`,
//! checked against the `site` command's own prediction of what its sites would cover.

mod common;

use common::{carecircle, report, synth_city};
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

fn json(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

/// The `responder` requirement of the basic circle in a report's summary.json.
fn responder(out: &Path) -> Value {
    let summary = json(&out.join("summary.json"));
    let basic = &summary["circles"][0];
    assert_eq!(basic["name"], "basic");
    basic["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "responder")
        .unwrap()
        .clone()
}

/// A synthetic city, its report, `site`'s three new responders and the report with them added.
struct Runs {
    before: PathBuf,
    after: PathBuf,
    sites: PathBuf,
}

fn before_and_after(dir: &Path) -> Runs {
    let city = synth_city(&dir.join("city"), 600, 7);
    let [before, after, sites] = ["before", "after", "sites"].map(|d| dir.join(d));
    report(&city, &before, &["--quiet"]).success();
    carecircle()
        .arg("site")
        .arg(&city)
        .args([
            "--circle",
            "basic",
            "--kind",
            "responder",
            "--count",
            "3",
            "--out",
        ])
        .arg(&sites)
        .assert()
        .success();
    let added = format!("responder={}", sites.join("sites.geojson").display());
    report(&city, &after, &["--quiet", "--add", &added]).success();
    Runs {
        before,
        after,
        sites,
    }
}

#[test]
fn adding_the_suggested_sites_covers_what_site_predicted() {
    let dir = tempfile::tempdir().unwrap();
    let Runs {
        before,
        after,
        sites,
    } = before_and_after(dir.path());
    let suggested = json(&sites.join("sites.geojson"));
    let features = suggested["features"].as_array().unwrap();
    assert_eq!(features.len(), 3);
    let predicted = features[2]["properties"]["cumulative_elderly"]
        .as_f64()
        .unwrap();
    assert!(predicted > 0.0);
    let (was, is) = (responder(&before), responder(&after));
    assert_eq!(
        is["facilities"].as_u64(),
        was["facilities"].as_u64().map(|n| n + 3)
    );
    let gained = is["elderly_met"].as_f64().unwrap() - was["elderly_met"].as_f64().unwrap();
    assert!(
        (gained - predicted).abs() < 1e-6,
        "gained {gained}, site predicted {predicted}"
    );
    // The added sites are named after their file.
    let blocks = fs::read_to_string(after.join("blocks.geojson")).unwrap();
    let first = features[0]["properties"]["candidate_id"].as_str().unwrap();
    assert!(blocks.contains(&format!("\"sites.geojson:{first}\"")));
}

#[test]
fn only_the_features_of_the_kind_are_added_and_inputs_stay_safe() {
    let dir = tempfile::tempdir().unwrap();
    let city = synth_city(&dir.path().join("city"), 600, 7);
    let first = dir.path().join("first");
    report(&city, &first, &["--quiet", "--sites", "2"]).success();
    // sites.geojson holds the sites of both requirements of the basic circle.
    let sites = json(&first.join("sites.geojson"));
    let kinds: Vec<&str> = sites["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"care_bed") && kinds.contains(&"responder"));
    let responders = kinds.iter().filter(|k| **k == "responder").count();
    let added = format!("responder={}", first.join("sites.geojson").display());
    let second = dir.path().join("second");
    report(&city, &second, &["--quiet", "--add", &added]).success();
    let (was, is) = (responder(&first), responder(&second));
    let more = is["facilities"].as_u64().unwrap() - was["facilities"].as_u64().unwrap();
    assert_eq!(more as usize, responders);

    // A run that would write over the added file is refused before writing anything.
    report(&city, &first, &["--quiet", "--sites", "2", "--add", &added])
        .failure()
        .stderr(contains("sites.geojson"));
    assert_eq!(json(&first.join("sites.geojson")), sites);
}

#[test]
fn a_kind_without_a_layer_and_a_missing_capacity_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let city = synth_city(&dir.path().join("city"), 300, 7);
    let file = dir.path().join("flats.csv");
    fs::write(&file, "lon,lat\n114.30,30.60\n").unwrap();
    report(&city, &dir.path().join("a"), &["--add", &format!("pharmacy={}", file.display())])
        .failure()
        .stderr(contains(
            "cannot add facilities to `pharmacy`: the city manifest has no such layer; its layers are: care_bed, hospice, hospital, responder",
        ));
    // The built-in policy counts care-bed capacity: an added care bed must say its own.
    report(
        &city,
        &dir.path().join("b"),
        &["--add", &format!("care_bed={}", file.display())],
    )
    .failure()
    .stderr(contains("flats.csv").and(contains("field `capacity`")));
    report(&city, &dir.path().join("c"), &["--add", "care_bed"])
        .failure()
        .stderr(contains("expected KIND=FILE"));
}

/// `compare` on the runs before and after adding `site`'s suggestions: the requirement's
/// change is `site`'s cumulative figure, every row is the two summaries' difference, and the
/// changes layer holds exactly the blocks whose `basic_met` flipped in coverage.csv.
#[test]
fn compare_shows_what_the_added_sites_changed() {
    let dir = tempfile::tempdir().unwrap();
    let Runs {
        before,
        after,
        sites,
    } = before_and_after(dir.path());
    let out = dir.path().join("compare");
    carecircle()
        .arg("compare")
        .arg(&before)
        .arg(&after)
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stdout(contains("responder"));

    let predicted = json(&sites.join("sites.geojson"))["features"][2]["properties"]
        ["cumulative_elderly"]
        .as_f64()
        .unwrap();
    let mut table = csv::Reader::from_path(out.join("compare.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = table.records().map(Result::unwrap).collect();
    let row = |circle: &str, requirement: &str| {
        rows.iter()
            .find(|r| &r[0] == circle && &r[1] == requirement)
            .unwrap_or_else(|| panic!("no row {circle} {requirement}"))
    };
    let number = |r: &csv::StringRecord, i: usize| r[i].parse::<f64>().unwrap();
    assert!((number(row("basic", "responder"), 7) - predicted).abs() < 1e-6);
    for (summary, column) in [(&before, 5), (&after, 6)] {
        let summary = json(&summary.join("summary.json"));
        for circle in summary["circles"].as_array().unwrap() {
            let name = circle["name"].as_str().unwrap();
            assert_eq!(
                number(row(name, "all"), column),
                circle["elderly_met"].as_f64().unwrap()
            );
        }
    }

    // The changes layer against both coverage.csv files, block by block.
    let met = |folder: &Path| -> Vec<(String, bool)> {
        let mut reader = csv::Reader::from_path(folder.join("coverage.csv")).unwrap();
        let headers = reader.headers().unwrap().clone();
        let (id, basic) = (
            headers.iter().position(|h| h == "id").unwrap(),
            headers.iter().position(|h| h == "basic_met").unwrap(),
        );
        reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                (r[id].to_string(), &r[basic] == "true")
            })
            .collect()
    };
    let flipped: Vec<String> = met(&before)
        .into_iter()
        .zip(met(&after))
        .filter(|((_, b), (_, a))| b != a)
        .map(|((id, b), _)| {
            assert!(!b, "adding sites loses no block");
            id
        })
        .collect();
    assert!(!flipped.is_empty());
    let changes = json(&out.join("changes.geojson"));
    let listed: Vec<String> = changes["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["properties"]["basic_change"], "newly covered");
            assert_eq!(f["properties"]["change"], "newly covered");
            f["properties"]["id"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(listed, flipped);
    let html = fs::read_to_string(out.join("compare.html")).unwrap();
    assert!(html.contains(&format!("basic: {} blocks newly covered", flipped.len())));
    assert!(fs::read_to_string(out.join("changes.qml"))
        .unwrap()
        .contains("newly covered"));
}

#[test]
fn reports_of_other_cities_or_no_report_are_not_compared() {
    let dir = tempfile::tempdir().unwrap();
    let [small, large] = [(300, "small"), (400, "large")].map(|(blocks, name)| {
        let city = synth_city(&dir.path().join(format!("{name}-city")), blocks, 7);
        let out = dir.path().join(name);
        report(&city, &out, &["--quiet"]).success();
        out
    });
    let compare = |a: &Path, b: &Path| {
        carecircle()
            .arg("compare")
            .arg(a)
            .arg(b)
            .arg("--out")
            .arg(dir.path().join("out"))
            .assert()
            .failure()
    };
    compare(&small, &large).stderr(contains("cannot be compared: not one city: 300 blocks"));
    compare(&small, &dir.path().join("nothing"))
        .stderr(contains("is ").and(contains("a report folder?")));
    assert!(!dir.path().join("out").join("compare.csv").exists());
}
