//! Layers read from several files (`path = ["a.geojson", "b.geojson"]`): the same city split
//! across files gives the same coverage, each file is an input of its own, and ids stay
//! unique across the files.

mod common;

use common::{carecircle, collection, report, small_city, square, synth_city};
use std::fs;
use std::path::{Path, PathBuf};

/// Splits the GeoJSON FeatureCollection `name` in `dir` into two: its first half into
/// `<stem>_1.geojson` beside it, the rest into `part/<stem>_2.geojson`; returns the manifest
/// value listing both.
fn split_geojson(dir: &Path, name: &str) -> String {
    let text = fs::read_to_string(dir.join(name)).unwrap();
    let mut all: serde_json::Value = serde_json::from_str(&text).unwrap();
    let features = all["features"].as_array().unwrap().clone();
    assert!(features.len() >= 2, "{name} has too few features to split");
    let (first, second) = features.split_at(features.len() / 2);
    let stem = name.trim_end_matches(".geojson");
    fs::create_dir_all(dir.join("part")).unwrap();
    let names = [
        format!("{stem}_1.geojson"),
        format!("part/{stem}_2.geojson"),
    ];
    for (half, file) in [first, second].into_iter().zip(&names) {
        all["features"] = serde_json::Value::Array(half.to_vec());
        fs::write(dir.join(file), all.to_string()).unwrap();
    }
    fs::remove_file(dir.join(name)).unwrap();
    format!(r#"["{}", "{}"]"#, names[0], names[1])
}

/// Splits the CSV `name` in `dir` into two files, each with the header; returns the manifest
/// value listing both.
fn split_csv(dir: &Path, name: &str) -> String {
    let text = fs::read_to_string(dir.join(name)).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    let (first, second) = rows.split_at(rows.len() / 2);
    let stem = name.trim_end_matches(".csv");
    let names = [format!("{stem}_1.csv"), format!("{stem}_2.csv")];
    for (half, file) in [first, second].into_iter().zip(&names) {
        fs::write(dir.join(file), format!("{header}\n{}\n", half.join("\n"))).unwrap();
    }
    fs::remove_file(dir.join(name)).unwrap();
    format!(r#"["{}", "{}"]"#, names[0], names[1])
}

/// Replaces `path = "<name>"` in the manifest with `path = <list>`.
fn list_in_manifest(manifest: &Path, name: &str, list: &str) {
    let text = fs::read_to_string(manifest).unwrap();
    let single = format!("path = \"{name}\"");
    assert!(text.contains(&single), "{single} not in the manifest");
    fs::write(manifest, text.replace(&single, &format!("path = {list}"))).unwrap();
}

/// Runs a report on `manifest` into `out`; its coverage table and summary.
fn coverage_and_summary(manifest: &Path, out: &Path) -> (String, serde_json::Value) {
    report(manifest, out, &[]).success();
    let coverage = fs::read_to_string(out.join("coverage.csv")).unwrap();
    let summary = fs::read_to_string(out.join("summary.json")).unwrap();
    (coverage, serde_json::from_str(&summary).unwrap())
}

/// The (role, file name) of every input in a summary.
fn inputs(summary: &serde_json::Value) -> Vec<(String, String)> {
    let inputs = summary["inputs"].as_array().unwrap();
    inputs
        .iter()
        .map(|i| {
            let path = PathBuf::from(i["path"].as_str().unwrap());
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (i["role"].as_str().unwrap().to_string(), name)
        })
        .collect()
}

#[test]
fn a_city_split_across_files_gives_the_same_coverage_with_every_file_counted() {
    let dir = tempfile::tempdir().unwrap();
    let whole = synth_city(&dir.path().join("whole"), 400, 5);
    let split = synth_city(&dir.path().join("split"), 400, 5);
    let folder = split.parent().unwrap();
    let geojson = [
        "blocks.geojson",
        "responders.geojson",
        "extended_care.geojson",
        "streets.geojson",
    ];
    for name in geojson {
        let list = split_geojson(folder, name);
        list_in_manifest(&split, name, &list);
    }
    let list = split_csv(folder, "care_beds.csv");
    list_in_manifest(&split, "care_beds.csv", &list);

    let (coverage, summary) = coverage_and_summary(&whole, &dir.path().join("out-whole"));
    let (split_coverage, split_summary) =
        coverage_and_summary(&split, &dir.path().join("out-split"));
    assert_eq!(split_coverage, coverage);

    let listed = inputs(&split_summary);
    for (role, name) in [
        ("blocks", "blocks_1.geojson"),
        ("blocks", "blocks_2.geojson"),
        ("care_bed", "care_beds_1.csv"),
        ("care_bed", "care_beds_2.csv"),
        ("responder", "responders_1.geojson"),
        ("responder", "responders_2.geojson"),
        ("hospice", "extended_care_1.geojson"),
        ("hospice", "extended_care_2.geojson"),
        ("streets", "streets_1.geojson"),
        ("streets", "streets_2.geojson"),
    ] {
        let input = (role.to_string(), name.to_string());
        assert!(listed.contains(&input), "{input:?} not in {listed:?}");
    }
    assert_eq!(listed.len(), inputs(&summary).len() + 5, "{listed:?}");
    // The files' features add up to the one file's.
    let features = |summary: &serde_json::Value, role: &str| -> u64 {
        let inputs = summary["inputs"].as_array().unwrap();
        let of_role = inputs.iter().filter(|i| i["role"] == role);
        of_role.map(|i| i["features"].as_u64().unwrap()).sum()
    };
    for role in ["blocks", "care_bed", "responder", "hospice", "streets"] {
        assert_eq!(features(&split_summary, role), features(&summary, role));
    }
}

/// The small city's blocks in two files, block `a` in both.
fn blocks_twice(dir: &Path) -> PathBuf {
    let manifest = small_city(dir);
    let block = |id: &str, lon: f64| {
        (
            format!(r#"{{"id":"{id}","elderly":1,"residents":2}}"#),
            square(lon, 25.0, 0.0005),
        )
    };
    let more = collection(&[block("d", 121.52), block("a", 121.505)]);
    fs::write(dir.join("more_blocks.geojson"), more).unwrap();
    list_in_manifest(
        &manifest,
        "blocks.geojson",
        r#"["blocks.geojson", "more_blocks.geojson"]"#,
    );
    manifest
}

#[test]
fn a_block_id_in_two_files_is_an_error_naming_both_files_and_the_id() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = blocks_twice(dir.path());
    let output = carecircle().arg("check").arg(&manifest).output().unwrap();
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    let problem = err
        .lines()
        .find(|l| l.contains("duplicate id `a`"))
        .unwrap_or_else(|| panic!("no duplicate id in: {err}"));
    let later = dir.path().join("more_blocks.geojson");
    let first = dir.path().join("blocks.geojson");
    assert!(
        problem.contains(&format!("{}, feature 2", later.display()))
            && problem.contains(&format!("also feature 1 of {}", first.display())),
        "{problem}"
    );
    // Skipped like a duplicate within one file: the first block is kept.
    let out = dir.path().join("out");
    report(&manifest, &out, &["--skip-invalid"]).success();
    let skipped = fs::read_to_string(out.join("skipped.csv")).unwrap();
    assert!(
        skipped.contains("more_blocks.geojson") && skipped.contains("duplicate id `a`"),
        "{skipped}"
    );
}

#[test]
fn a_facility_id_in_two_files_is_an_error_or_merged_as_within_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = small_city(dir.path());
    let point = r#"{"type":"Point","coordinates":[121.5004,25.0003]}"#;
    let again = collection(&[(r#"{"id":"r1"}"#.into(), point.into())]);
    fs::write(dir.path().join("more_responders.geojson"), again).unwrap();
    let list = r#"["responders.geojson", "more_responders.geojson"]"#;
    list_in_manifest(&manifest, "responders.geojson", list);
    let output = carecircle().arg("check").arg(&manifest).output().unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    let first = dir.path().join("responders.geojson");
    assert!(
        err.contains("more_responders.geojson, feature 1, field `id`: duplicate id `r1`")
            && err.contains(&format!("also feature 1 of {}", first.display())),
        "{err}"
    );
    // `duplicates = "merge"` merges across files as within one, saying so.
    let text = fs::read_to_string(&manifest).unwrap();
    let merged = text.replace(list, &format!("{list}\nduplicates = \"merge\""));
    fs::write(&manifest, merged).unwrap();
    let output = carecircle().arg("check").arg(&manifest).output().unwrap();
    let said = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{said}");
    assert!(
        said.contains("more_responders.geojson: 1 duplicate of an id in layer `responder` merged"),
        "{said}"
    );
}

#[test]
fn an_empty_list_and_a_missing_file_are_errors_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = small_city(dir.path());
    list_in_manifest(&manifest, "hospitals.geojson", "[]");
    let output = carecircle().arg("check").arg(&manifest).output().unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        err.contains("city.toml") && err.contains("[layers.hospital] path = [] lists no file"),
        "{err}"
    );
    let text = fs::read_to_string(&manifest).unwrap();
    let list = r#"path = ["hospitals.geojson", "missing.geojson"]"#;
    fs::write(&manifest, text.replace("path = []", list)).unwrap();
    let output = carecircle().arg("check").arg(&manifest).output().unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    let missing = dir.path().join("missing.geojson");
    assert!(err.contains(&missing.display().to_string()), "{err}");
}

/// A report into the city's folder would write `blocks.geojson` over the second file the
/// blocks are read from: nothing is written.
#[test]
fn a_report_never_writes_over_any_listed_file() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = small_city(dir.path());
    fs::rename(
        dir.path().join("blocks.geojson"),
        dir.path().join("first.geojson"),
    )
    .unwrap();
    let second = collection(&[(
        r#"{"id":"d","elderly":1,"residents":2}"#.into(),
        square(121.52, 25.0, 0.0005),
    )]);
    fs::write(dir.path().join("blocks.geojson"), &second).unwrap();
    let list = r#"["first.geojson", "blocks.geojson"]"#;
    list_in_manifest(&manifest, "blocks.geojson", list);
    let output = carecircle()
        .arg("report")
        .arg(&manifest)
        .arg("--out")
        .arg(dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{err}");
    assert!(err.contains("blocks.geojson"), "{err}");
    assert_eq!(
        fs::read_to_string(dir.path().join("blocks.geojson")).unwrap(),
        second
    );
    assert!(!dir.path().join("summary.json").exists());
}
