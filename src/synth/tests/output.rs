//! Written files: byte-for-byte reproducibility, agreement with the in-memory city, the
//! manifest and the care-bed CSV.

use super::*;

#[test]
fn same_options_give_identical_bytes_whatever_the_thread_count() {
    let (summary_a, a) = written(&SMALL, 1);
    let (summary_b, b) = written(&SMALL, 3);
    let names: Vec<&str> = a.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            ".carecircle-files",
            "barriers.geojson",
            "blocks.geojson",
            "care_beds.csv",
            "city.toml",
            "extended_care.geojson",
            "hospitals.geojson",
            "policy.toml",
            "responders.geojson",
            "streets.geojson"
        ]
    );
    assert_eq!(summary_a, summary_b);
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{name} differs between runs");
    }
}

#[test]
fn written_files_match_the_in_memory_city() {
    let (summary, files) = written(&SMALL, 2);
    let city = city();
    assert_eq!(summary.blocks, city.blocks.len());
    assert_eq!(summary.care_beds, city.care_beds.len());
    assert_eq!(summary.responders, city.responders.len());
    assert_eq!(summary.hospitals, city.hospitals.len());
    assert_eq!(summary.extended_care, city.extended_care.len());
    assert_eq!(summary.streets, city.streets.len());
    assert_eq!(summary.street_nodes, city.street_nodes());
    let blocks = features(file(&files, "blocks.geojson"));
    assert_eq!(blocks.len(), SMALL.blocks);
    let mut multi = 0;
    for (feature, block) in blocks.iter().zip(&city.blocks) {
        let p = feature.properties.as_ref().unwrap();
        assert_eq!(p["id"], block.id.as_str());
        assert_eq!(p["residents"], block.residents);
        assert_eq!(p["age_65_79"], block.age_65_79);
        assert_eq!(p["age_80_plus"], block.age_80_plus);
        let geometry: Geometry<f64> = feature.geometry.clone().unwrap().try_into().unwrap();
        match (&geometry, &block.geometry) {
            (Geometry::Polygon(_), Geometry::Polygon(_)) => {}
            (Geometry::MultiPolygon(_), Geometry::MultiPolygon(_)) => multi += 1,
            other => panic!("geometry types differ: {other:?}"),
        }
        let first = polygons(&geometry)[0].exterior().0[0];
        let expected = polygons(&block.geometry)[0].exterior().0[0];
        assert!((first.x - expected.x).abs() < 1e-7 && (first.y - expected.y).abs() < 1e-7);
    }
    assert!(multi > 0, "a few blocks should be MultiPolygons");
    let barriers = features(file(&files, "barriers.geojson"));
    let names: Vec<_> = barriers
        .iter()
        .map(|f| f.properties.as_ref().unwrap()["name"].clone())
        .collect();
    assert_eq!(names, ["river", "railway"]);
    let river: Geometry<f64> = barriers[0].geometry.clone().unwrap().try_into().unwrap();
    let first = polygons(&river)[0].exterior().0[0];
    let expected = city.river.exterior().0[0];
    assert!((first.x - expected.x).abs() < 1e-7 && (first.y - expected.y).abs() < 1e-7);
    for (name, count) in [
        ("responders.geojson", summary.responders),
        ("hospitals.geojson", summary.hospitals),
        ("extended_care.geojson", summary.extended_care),
        ("streets.geojson", summary.streets),
    ] {
        assert_eq!(features(file(&files, name)).len(), count, "{name}");
    }
}

#[test]
fn tiny_cities_are_written_without_panicking() {
    for blocks in [0, 1, 30] {
        let (summary, files) = written(&SynthOptions { blocks, seed: 1 }, 2);
        assert_eq!(summary.blocks, blocks);
        assert_eq!(features(file(&files, "blocks.geojson")).len(), blocks);
    }
}

#[test]
fn manifest_and_care_bed_csv_have_the_expected_shape() {
    let (_, files) = written(&SMALL, 2);
    let manifest = file(&files, "city.toml");
    assert!(manifest.starts_with("# Synthetic city"));
    assert!(manifest.contains("blocks = 2000, seed = 42"));
    assert!(manifest.contains("\npolicy = \"policy.toml\"\n"));
    let policy = crate::config::Policy::parse(file(&files, "policy.toml")).unwrap();
    assert!(policy.circles[0].requires[0].capacity.is_some());
    let body = manifest.split_once("\n\n").unwrap().1;
    let expected = r#"[blocks]
path = "blocks.geojson"
id = "id"
elderly = ["age_65_79", "age_80_plus"]
residents = "residents"

[layers.care_bed]
path = "care_beds.csv"
crs = "gcj02"
lon = "lon"
lat = "lat"

[layers.responder]
path = "responders.geojson"

[layers.hospital]
path = "hospitals.geojson"

[layers.hospice]
path = "extended_care.geojson"
where = { category = ["hospice", "home_sickbed_referral"] }

[streets]
path = "streets.geojson"

[barriers]
path = "barriers.geojson"
"#;
    assert_eq!(body, expected);
    let parsed: toml::Table = manifest.parse().unwrap();
    assert_eq!(
        parsed["layers"]["hospice"]["where"]["category"][1].as_str(),
        Some("home_sickbed_referral")
    );

    let mut reader = csv::Reader::from_reader(file(&files, "care_beds.csv").as_bytes());
    assert_eq!(
        reader.headers().unwrap(),
        vec!["id", "lon", "lat", "capacity"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), city().care_beds.len());
    for (row, bed) in rows.iter().zip(&city().care_beds) {
        assert_eq!(&row[0], bed.id.as_str());
        // Written in GCJ-02; converting back gives the WGS 84 position within rounding.
        let (lon, lat) =
            crate::algo::crs::gcj02_to_wgs84(row[1].parse().unwrap(), row[2].parse().unwrap());
        assert!((lon - bed.position.x()).abs() <= 1e-7 && (lat - bed.position.y()).abs() <= 1e-7);
        assert!(row[1].split('.').nth(1).is_none_or(|d| d.len() <= 7));
        assert_eq!(row[3].parse::<u32>().unwrap(), bed.capacity);
    }
    // GCJ-02 moves points in Wuhan by hundreds of metres.
    let (lon, lat) = care_bed_csv_position(114.3, 30.6);
    assert!((lon - 114.3).abs() > 1e-3 && (lat - 30.6).abs() > 1e-3);
}
