//! The Taipei fixture city with some of its inputs swapped for other files (projected,
//! GeoPackage, Shapefile…), and the check that a run gives the coverage of the original,
//! village for village.

use super::{carecircle, taipei};
use std::fs;
use std::path::{Path, PathBuf};

/// The Taipei manifest with the villages and hospitals swapped for `villages` and
/// `hospitals` (manifest text for the hospital layer), other paths made absolute; written
/// into `dir`.
pub fn taipei_with(dir: &Path, villages: &str, hospitals: &str) -> PathBuf {
    let fixture = taipei();
    let original = fs::read_to_string(fixture.join("city.toml")).unwrap();
    let absolute = |name: &str| fixture.join(name).display().to_string();
    let text = original
        .replace(
            "path = \"villages.geojson\"",
            &format!("path = {:?}", absolute(villages)),
        )
        .replace(
            "path = \"hospitals.csv\"\nid = \"醫療院所\"",
            &hospitals.replace("FIXTURE", &fixture.display().to_string()),
        )
        .replace(
            "path = \"facilities.geojson\"",
            &format!("path = {:?}", absolute("facilities.geojson")),
        )
        .replace(
            "policy = \"policy.toml\"",
            &format!("policy = {:?}", absolute("policy.toml")),
        );
    assert_ne!(text, original);
    let manifest = dir.join("city.toml");
    fs::write(&manifest, text).unwrap();
    manifest
}

/// coverage.csv's rows as cells.
pub fn coverage(out: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_path(out.join("coverage.csv")).unwrap();
    let mut rows = vec![reader.headers().unwrap().iter().map(String::from).collect()];
    rows.extend(
        reader
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect()),
    );
    rows
}

/// Asserts that the coverage.csv files in the folders `a` and `b` have the same rows,
/// distances within the 0.1 m they are written to.
pub fn assert_same_coverage(a: &Path, b: &Path) {
    let (original, other) = (coverage(a), coverage(b));
    assert_eq!(original.len(), 57);
    assert_eq!(original[0], other[0]);
    let header = &original[0];
    for (a, b) in original.iter().zip(&other).skip(1) {
        for ((name, x), y) in header.iter().zip(a).zip(b) {
            match (x.parse::<f64>(), y.parse::<f64>()) {
                // Distances are written to 0.1 m: a millimetre of projection may round
                // the other way.
                (Ok(x), Ok(y)) if name.ends_with("_m") => {
                    assert!((x - y).abs() <= 0.1 + 1e-9, "{} {name}: {x} vs {y}", a[0])
                }
                _ => assert_eq!(x, y, "{} {name}", a[0]),
            }
        }
    }
}

/// The hospital layer of the Taipei manifest as it is, for [`taipei_with`].
pub const HOSPITALS: &str = "path = \"FIXTURE/hospitals.csv\"\nid = \"醫療院所\"";

/// `manifest` with the `[blocks]` keys `keys` (TOML lines) added after its `id`.
pub fn with_block_keys(manifest: &Path, keys: &str) -> PathBuf {
    let text = fs::read_to_string(manifest).unwrap();
    let id = "id = \"V_ID\"\n";
    let changed = text.replacen(id, &format!("{id}{keys}\n"), 1);
    assert_ne!(changed, text);
    let path = manifest.with_file_name("changed.toml");
    fs::write(&path, changed).unwrap();
    path
}

/// `carecircle check` on `manifest`.
pub fn check(manifest: &Path) -> assert_cmd::assert::Assert {
    carecircle().arg("check").arg(manifest).assert()
}
