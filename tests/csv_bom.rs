//! `--csv-bom`: every CSV file starts with the UTF-8 byte-order mark, and is otherwise the
//! very file written without it.

mod common;

use carecircle::output::csv_file::BOM;
use common::{carecircle, pocket_city, report, taipei};
use std::fs;
use std::path::Path;

/// The CSV files of a folder, by name, with their bytes.
fn csv_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn every_report_csv_starts_with_the_bom_and_is_otherwise_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let (plain, marked) = (dir.path().join("plain"), dir.path().join("marked"));
    let manifest = taipei().join("city.toml");
    report(&manifest, &plain, &["--skip-invalid"]).success();
    report(&manifest, &marked, &["--skip-invalid", "--csv-bom"]).success();
    let (plain, marked) = (csv_files(&plain), csv_files(&marked));
    let names: Vec<&str> = plain.iter().map(|(n, _)| n.as_str()).collect();
    for expected in ["coverage.csv", "summary.csv", "skipped.csv"] {
        assert!(names.contains(&expected), "{expected} not among {names:?}");
    }
    assert_eq!(plain.len(), marked.len());
    for ((name, plain), (marked_name, marked)) in plain.iter().zip(&marked) {
        assert_eq!(name, marked_name);
        assert!(
            !plain.starts_with(BOM),
            "{name} has a BOM without --csv-bom"
        );
        assert_eq!(&marked[..3], BOM, "{name}");
        assert_eq!(&marked[3..], &plain[..], "{name}");
    }
    // The village names are there to be read right.
    let coverage = String::from_utf8(marked[0].1[3..].to_vec()).unwrap();
    assert!(coverage.contains("三愛里"), "{}", &coverage[..200]);
}

#[test]
fn sites_csv_starts_with_the_bom_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    pocket_city(dir.path());
    let run = |flag: Option<&str>, out: &str| {
        carecircle()
            .arg("site")
            .arg(dir.path().join("city.toml"))
            .args(["--circle", "basic", "--kind", "care_bed", "--out"])
            .arg(dir.path().join(out))
            .args(flag)
            .assert()
            .success();
        fs::read(dir.path().join(out).join("sites.csv")).unwrap()
    };
    let plain = run(None, "plain");
    let marked = run(Some("--csv-bom"), "marked");
    assert!(plain.starts_with(b"sites,"));
    assert_eq!(marked, [BOM, &plain[..]].concat());
}
