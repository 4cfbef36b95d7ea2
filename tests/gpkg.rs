//! `--format gpkg`: the GeoPackage read back with SQLite as an independent reader — the
//! specification's tables, the RTree index, the embedded styles — and its features compared
//! with the GeoJSON output of the same run, geometry blobs decoded here by hand.

mod common;

use common::{carecircle, report_with_threads, small_city, synth_city, taipei};
use predicates::prelude::*;
use predicates::str::contains;
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use serde_json::Value;
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

/// A decoded geometry; polygons as lists of rings.
#[derive(Debug, PartialEq)]
enum Geometry {
    Point([f64; 2]),
    MultiPoint(Vec<[f64; 2]>),
    LineString(Vec<[f64; 2]>),
    MultiPolygon(Vec<Vec<Vec<[f64; 2]>>>),
}

impl Geometry {
    fn coords(&self) -> Vec<[f64; 2]> {
        match self {
            Geometry::Point(p) => vec![*p],
            Geometry::MultiPoint(ps) | Geometry::LineString(ps) => ps.clone(),
            Geometry::MultiPolygon(polygons) => {
                polygons.iter().flatten().flatten().copied().collect()
            }
        }
    }

    /// min x, max x, min y, max y.
    fn envelope(&self) -> [f64; 4] {
        let coords = self.coords();
        let fold =
            |f: fn(f64, f64) -> f64, i: usize, init: f64| coords.iter().map(|c| c[i]).fold(init, f);
        [
            fold(f64::min, 0, f64::INFINITY),
            fold(f64::max, 0, f64::NEG_INFINITY),
            fold(f64::min, 1, f64::INFINITY),
            fold(f64::max, 1, f64::NEG_INFINITY),
        ]
    }
}

/// A GeoJSON geometry; a Polygon as a MultiPolygon of one part.
fn from_geojson(g: &Value) -> Geometry {
    let xy = |c: &Value| [c[0].as_f64().unwrap(), c[1].as_f64().unwrap()];
    let list = |v: &Value| v.as_array().unwrap().iter().map(xy).collect::<Vec<_>>();
    let rings = |v: &Value| v.as_array().unwrap().iter().map(list).collect::<Vec<_>>();
    let c = &g["coordinates"];
    match g["type"].as_str().unwrap() {
        "Point" => Geometry::Point(xy(c)),
        "MultiPoint" => Geometry::MultiPoint(list(c)),
        "LineString" => Geometry::LineString(list(c)),
        "Polygon" => Geometry::MultiPolygon(vec![rings(c)]),
        "MultiPolygon" => Geometry::MultiPolygon(c.as_array().unwrap().iter().map(rings).collect()),
        other => panic!("unexpected GeoJSON geometry {other}"),
    }
}

/// A reader of little- or big-endian WKB.
struct Wkb<'a> {
    bytes: &'a [u8],
    at: usize,
    little: bool,
}

impl Wkb<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let b: [u8; N] = self.bytes[self.at..self.at + N].try_into().unwrap();
        self.at += N;
        b
    }
    fn u32(&mut self) -> u32 {
        let b = self.take::<4>();
        if self.little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        }
    }
    fn f64(&mut self) -> f64 {
        let b = self.take::<8>();
        if self.little {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        }
    }
    fn xy(&mut self) -> [f64; 2] {
        [self.f64(), self.f64()]
    }
    fn points(&mut self) -> Vec<[f64; 2]> {
        (0..self.u32()).map(|_| self.xy()).collect()
    }
    /// A geometry's byte order and type.
    fn header(&mut self) -> u32 {
        let [order] = self.take::<1>();
        assert!(order <= 1, "byte order {order}");
        self.little = order == 1;
        self.u32()
    }
    fn polygon(&mut self) -> Vec<Vec<[f64; 2]>> {
        (0..self.u32()).map(|_| self.points()).collect()
    }
    /// The members of a multi-geometry, each of WKB type `kind`.
    fn members<T>(&mut self, kind: u32, read: fn(&mut Self) -> T) -> Vec<T> {
        (0..self.u32())
            .map(|_| {
                assert_eq!(self.header(), kind, "member type");
                read(self)
            })
            .collect()
    }
    fn geometry(&mut self) -> Geometry {
        match self.header() {
            1 => Geometry::Point(self.xy()),
            2 => Geometry::LineString(self.points()),
            4 => Geometry::MultiPoint(self.members(1, Self::xy)),
            6 => Geometry::MultiPolygon(self.members(3, Self::polygon)),
            other => panic!("unexpected WKB type {other}"),
        }
    }
}

/// A GeoPackage geometry blob (specification 2.1.3): its SRS id, header envelope and geometry.
fn decode_blob(blob: &[u8]) -> (i32, Option<[f64; 4]>, Geometry) {
    assert_eq!(&blob[..2], b"GP", "magic");
    assert_eq!(blob[2], 0, "version 1");
    let flags = blob[3];
    assert_eq!(flags & 0b0011_0000, 0, "standard, not empty");
    let little = flags & 1 == 1;
    let mut header = Wkb {
        bytes: blob,
        at: 4,
        little,
    };
    let srs_id = header.u32() as i32;
    let envelope = match (flags >> 1) & 0b111 {
        0 => None,
        1 => Some([header.f64(), header.f64(), header.f64(), header.f64()]),
        other => panic!("envelope code {other}: this writer has no z or m"),
    };
    let mut wkb = Wkb {
        bytes: blob,
        at: header.at,
        little,
    };
    let geometry = wkb.geometry();
    assert_eq!(wkb.at, blob.len(), "trailing bytes");
    (srs_id, envelope, geometry)
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

fn open(path: &Path) -> Connection {
    Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
}

/// Rows of a query with one text column.
fn texts(db: &Connection, sql: &str) -> Vec<String> {
    let mut statement = db.prepare(sql).unwrap();
    let rows = statement.query_map([], |r| r.get(0)).unwrap();
    rows.map(Result::unwrap).collect()
}

/// Checks that a query with one text column gives `expected`, in any order.
fn assert_rows(db: &Connection, sql: &str, expected: impl IntoIterator<Item = String>) {
    let mut rows = texts(db, sql);
    rows.sort();
    let mut expected: Vec<String> = expected.into_iter().collect();
    expected.sort();
    assert_eq!(rows, expected, "{sql}");
}

/// The tables, rows and pragmas the specification requires, for `layers` as (table,
/// geometry type name).
fn check_schema(db: &Connection, layers: &[(&str, &str)]) {
    let pragma = |name: &str| -> i64 {
        db.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(pragma("application_id"), 0x4750_4B47, "'GPKG'");
    assert_eq!(pragma("user_version"), 10300);
    let srs: Vec<(i64, String, i64, String)> = db
        .prepare("SELECT srs_id, organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys ORDER BY srs_id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(srs.len(), 3);
    assert_eq!(
        (srs[0].0, srs[0].1.as_str(), srs[0].2, srs[0].3.as_str()),
        (-1, "NONE", -1, "undefined")
    );
    assert_eq!(
        (srs[1].0, srs[1].1.as_str(), srs[1].2, srs[1].3.as_str()),
        (0, "NONE", 0, "undefined")
    );
    assert_eq!(
        (srs[2].0, srs[2].1.as_str(), srs[2].2),
        (4326, "EPSG", 4326)
    );
    assert!(srs[2].3.starts_with("GEOGCS[\"WGS 84\""), "{}", srs[2].3);

    assert_rows(
        db,
        "SELECT table_name || ' ' || data_type || ' ' || identifier || ' ' || ifnull(srs_id, 'null') FROM gpkg_contents",
        layers
            .iter()
            .map(|(t, _)| format!("{t} features {t} 4326"))
            .chain(["layer_styles attributes layer_styles null".to_string()]),
    );
    assert_rows(
        db,
        "SELECT table_name || ' ' || column_name || ' ' || geometry_type_name || ' ' || srs_id || ' ' || z || ' ' || m FROM gpkg_geometry_columns",
        layers.iter().map(|(t, kind)| format!("{t} geom {kind} 4326 0 0")),
    );
    assert_rows(
        db,
        "SELECT table_name || ' ' || column_name || ' ' || extension_name || ' ' || scope FROM gpkg_extensions",
        layers.iter().map(|(t, _)| format!("{t} geom gpkg_rtree_index write-only")),
    );
    for (table, kind) in layers {
        // fid INTEGER PRIMARY KEY AUTOINCREMENT, geom of the layer's type.
        let sql = texts(
            db,
            &format!("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '{table}'"),
        );
        assert!(
            sql[0].contains(r#""fid" INTEGER PRIMARY KEY AUTOINCREMENT"#),
            "{}",
            sql[0]
        );
        assert!(sql[0].contains(&format!(r#""geom" {kind}"#)), "{}", sql[0]);
        let rtree = texts(
            db,
            &format!("SELECT sql FROM sqlite_master WHERE name = 'rtree_{table}_geom'"),
        );
        assert!(
            rtree[0].contains("USING rtree(id, minx, maxx, miny, maxy)"),
            "{}",
            rtree[0]
        );
        assert_rows(
            db,
            &format!(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = '{table}'"
            ),
            [
                "insert", "update1", "update2", "update3", "update4", "delete",
            ]
            .iter()
            .map(|t| format!("rtree_{table}_geom_{t}")),
        );
    }
}

/// Checks that `layer_styles` holds one default style per layer, equal to the GeoJSON run's
/// `<layer>.qml`.
fn check_styles(db: &Connection, geojson_dir: &Path, layers: &[&str]) {
    let rows: Vec<(String, String, String, String, String, i64)> = db
        .prepare("SELECT f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleQML, useAsDefault FROM layer_styles ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let names: Vec<&str> = rows.iter().map(|r| r.2.as_str()).collect();
    assert_eq!(names, layers);
    for (catalog, schema, table, column, qml, default) in &rows {
        assert_eq!(
            (catalog.as_str(), schema.as_str(), column.as_str(), *default),
            ("", "", "geom", 1)
        );
        let file = fs::read_to_string(geojson_dir.join(format!("{table}.qml"))).unwrap();
        assert_eq!(qml, &file, "the style of {table}");
    }
}

/// Compares one GPKG value with the GeoJSON value of the same field, by the column's type.
fn same_value(gpkg: ValueRef, json: &Value, column_type: &str) -> bool {
    match (gpkg, column_type) {
        (ValueRef::Null, _) => json.is_null(),
        (ValueRef::Integer(i), "INTEGER") => json.as_i64() == Some(i),
        (ValueRef::Integer(i), "BOOLEAN") => json.as_bool() == Some(i == 1) && (0..=1).contains(&i),
        (ValueRef::Real(x), "REAL") => json.is_number() && json.as_f64() == Some(x),
        (ValueRef::Text(t), "TEXT") => json.as_str() == Some(std::str::from_utf8(t).unwrap()),
        _ => false,
    }
}

fn close(a: [f64; 2], b: [f64; 2]) -> bool {
    (a[0] - b[0]).abs() < 1e-9 && (a[1] - b[1]).abs() < 1e-9
}

/// Checks a feature table against the GeoJSON file of the same layer: the same features in the
/// same order, the same values of the same types, the same coordinates; the header envelopes,
/// the RTree index and the extent in `gpkg_contents`.
fn check_features(db: &Connection, table: &str, geojson: &Path) {
    let json = read_json(geojson);
    let features = json["features"].as_array().unwrap();
    // Column names and declared types, past fid and geom.
    let columns: Vec<(String, String)> = db
        .prepare(&format!("PRAGMA table_info({table})"))
        .unwrap()
        .query_map([], |r| Ok((r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(columns[0], ("fid".to_string(), "INTEGER".to_string()));
    assert_eq!(columns[1].0, "geom");
    let columns = &columns[2..];
    let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
    let select = format!(
        "SELECT fid, geom, {} FROM {table} ORDER BY fid",
        names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut statement = db.prepare(&select).unwrap();
    let mut rows = statement.query([]).unwrap();
    let mut rtree = db
        .prepare(&format!(
            "SELECT minx, maxx, miny, maxy FROM rtree_{table}_geom WHERE id = ?1"
        ))
        .unwrap();
    let mut union = [
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    let mut count = 0;
    let mut types_seen = BTreeSet::new();
    while let Some(row) = rows.next().unwrap() {
        let feature = &features[count];
        count += 1;
        let fid: i64 = row.get(0).unwrap();
        assert_eq!(fid, count as i64, "{table}: feature ids in order from 1");
        let properties = feature["properties"].as_object().unwrap();
        let keys: BTreeSet<&str> = properties.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            names.iter().copied().collect(),
            "{table}: the same fields"
        );
        for (i, (name, column_type)) in columns.iter().enumerate() {
            let value = row.get_ref(i + 2).unwrap();
            types_seen.insert((column_type.clone(), matches!(value, ValueRef::Null)));
            assert!(
                same_value(value, &properties[name], column_type),
                "{table} feature {fid} `{name}` ({column_type}): {value:?} in the GeoPackage, {} in the GeoJSON",
                properties[name]
            );
        }
        let blob = row.get_ref(1).unwrap().as_blob().unwrap();
        let (srs_id, header_envelope, geometry) = decode_blob(blob);
        assert_eq!(srs_id, 4326);
        let expected = from_geojson(&feature["geometry"]);
        let (got, want) = (geometry.coords(), expected.coords());
        assert_eq!(got.len(), want.len(), "{table} feature {fid}: vertices");
        assert!(
            got.iter().zip(&want).all(|(a, b)| close(*a, *b)),
            "{table} feature {fid}: {geometry:?} against {expected:?}"
        );
        assert_eq!(
            std::mem::discriminant(&geometry),
            std::mem::discriminant(&expected),
            "{table} feature {fid}: geometry type"
        );
        let envelope = geometry.envelope();
        if !matches!(geometry, Geometry::Point(_)) {
            assert_eq!(
                header_envelope,
                Some(envelope),
                "{table} feature {fid}: header envelope"
            );
        }
        // The RTree keeps 32-bit floats, rounded outwards.
        let boxed: [f64; 4] = rtree
            .query_row([fid], |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?]))
            .unwrap();
        for i in 0..4 {
            let outward = if i % 2 == 0 {
                envelope[i] - boxed[i]
            } else {
                boxed[i] - envelope[i]
            };
            assert!(
                (0.0..1e-5).contains(&outward),
                "{table} feature {fid}: rtree box {boxed:?} against envelope {envelope:?}"
            );
        }
        union = [
            union[0].min(envelope[0]),
            union[1].max(envelope[1]),
            union[2].min(envelope[2]),
            union[3].max(envelope[3]),
        ];
    }
    assert_eq!(count, features.len(), "{table}: feature count");
    let indexed: i64 = db
        .query_row(
            &format!("SELECT count(*) FROM rtree_{table}_geom"),
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        indexed, count as i64,
        "{table}: one RTree entry per feature"
    );
    let extent: [f64; 4] = db
        .query_row(
            "SELECT min_x, max_x, min_y, max_y FROM gpkg_contents WHERE table_name = ?1",
            [table],
            |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?]),
        )
        .unwrap();
    assert_eq!(extent, union, "{table}: the extent in gpkg_contents");
    assert!(count > 0, "{table} has no features to compare");
    eprintln!("{table}: {count} features, column types and nulls seen: {types_seen:?}");
}

/// File names in a folder, sorted.
fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Runs `report` on `city` with `args` into `out`.
fn report(city: &Path, out: &Path, args: &[&str]) {
    carecircle()
        .arg("report")
        .arg(city)
        .args(args)
        .args(["--quiet", "--out"])
        .arg(out)
        .assert()
        .success();
}

/// Reports on `city` as GeoJSON and as a GeoPackage, and checks the package against the
/// GeoJSON, for `layers` as (table, geometry type name).
fn check_against_geojson(city: &Path, dir: &Path, args: &[&str], layers: &[(&str, &str)]) {
    let (geojson, gpkg) = (dir.join("geojson"), dir.join("gpkg"));
    report(city, &geojson, args);
    report(city, &gpkg, &[args, &["--format", "gpkg"]].concat());
    // The same outputs but the layer files, which the package replaces.
    let names = file_names(&gpkg);
    let mut expected: Vec<String> = file_names(&geojson)
        .into_iter()
        .filter(|n| !n.ends_with(".geojson") && !n.ends_with(".qml"))
        .chain(["carecircle.gpkg".to_string()])
        .collect();
    expected.sort();
    assert_eq!(names, expected);
    for name in ["coverage.csv", "summary.json"] {
        assert_eq!(
            fs::read(geojson.join(name)).unwrap(),
            fs::read(gpkg.join(name)).unwrap(),
            "{name}"
        );
    }
    let db = open(&gpkg.join("carecircle.gpkg"));
    check_schema(&db, layers);
    let tables: Vec<&str> = layers.iter().map(|(t, _)| *t).collect();
    check_styles(&db, &geojson, &tables);
    for table in tables {
        check_features(&db, table, &geojson.join(format!("{table}.geojson")));
    }
}

#[test]
fn taipei_geopackage_holds_the_geojson_layers_and_styles() {
    let dir = tempfile::tempdir().unwrap();
    check_against_geojson(
        &taipei().join("city.toml"),
        dir.path(),
        &[],
        &[
            ("blocks", "MULTIPOLYGON"),
            ("gaps", "MULTIPOLYGON"),
            ("facilities", "POINT"),
        ],
    );
}

#[test]
fn synthetic_city_geopackage_with_service_areas_and_sites() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = synth_city(&dir.path().join("city"), 1500, 4);
    check_against_geojson(
        &manifest,
        dir.path(),
        &["--service-areas", "--sites", "2"],
        &[
            ("blocks", "MULTIPOLYGON"),
            ("gaps", "MULTIPOLYGON"),
            ("facilities", "POINT"),
            ("service_areas", "LINESTRING"),
            ("sites", "POINT"),
        ],
    );
    // `site --format gpkg` writes sites.gpkg with the sites layer of `site`'s GeoJSON.
    let site = |out: &Path, format: &str| {
        carecircle()
            .arg("site")
            .arg(&manifest)
            .args([
                "--circle", "basic", "--kind", "care_bed", "--count", "3", "--format", format,
                "--out",
            ])
            .arg(out)
            .assert()
            .success();
    };
    let (geojson, gpkg) = (
        dir.path().join("sites-geojson"),
        dir.path().join("sites-gpkg"),
    );
    site(&geojson, "geojson");
    site(&gpkg, "gpkg");
    assert_eq!(
        file_names(&gpkg),
        [".carecircle-files", "sites.csv", "sites.gpkg"]
    );
    let db = open(&gpkg.join("sites.gpkg"));
    check_schema(&db, &[("sites", "POINT")]);
    check_styles(&db, &geojson, &["sites"]);
    check_features(&db, "sites", &geojson.join("sites.geojson"));
}

#[test]
fn geopackage_is_byte_identical_with_one_or_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = synth_city(&dir.path().join("city"), 9000, 8);
    let args = ["--service-areas", "--format", "gpkg", "--quiet"];
    // The same folder both times: report.html shows the command line, --out included.
    let out = dir.path().join("out");
    let outputs = ["1", "2"].map(|threads| report_with_threads(&manifest, &out, threads, &args));
    let (record, package) = (&outputs[0][0], &outputs[0][1]);
    assert_eq!(record.0, ".carecircle-files");
    assert!(String::from_utf8_lossy(&record.1).contains("  carecircle.gpkg\n"));
    let (name, package) = package;
    assert_eq!(name, "carecircle.gpkg");
    assert!(package.len() > 1_000_000, "{} bytes", package.len());
    assert!(
        outputs[0] == outputs[1],
        "outputs differ between 1 and 2 threads"
    );
}

#[test]
fn geopackage_never_overwrites_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = small_city(dir.path());
    // An earlier run's package read back as the hospice layer, in the folder written to.
    let earlier = dir.path().join("earlier");
    report(&manifest, &earlier, &["--format", "gpkg"]);
    fs::copy(
        earlier.join("carecircle.gpkg"),
        dir.path().join("carecircle.gpkg"),
    )
    .unwrap();
    let text = fs::read_to_string(&manifest).unwrap();
    let layer = "carecircle.gpkg\"\nlayer = \"facilities\"\nwhere = { kind = \"hospice\" }";
    fs::write(&manifest, text.replace("hospices.geojson\"", layer)).unwrap();
    let before = fs::read(dir.path().join("carecircle.gpkg")).unwrap();
    carecircle()
        .arg("report")
        .arg(&manifest)
        .args(["--format", "gpkg", "--out"])
        .arg(dir.path())
        .assert()
        .failure()
        .stderr(contains("refusing to write").and(contains("carecircle.gpkg")));
    assert_eq!(
        fs::read(dir.path().join("carecircle.gpkg")).unwrap(),
        before
    );
    assert!(
        !dir.path().join("coverage.csv").exists(),
        "a refused run writes nothing"
    );
    // The same city reports into another folder.
    let out = dir.path().join("out");
    report(&manifest, &out, &["--format", "gpkg"]);
    assert!(out.join("carecircle.gpkg").is_file());
}

#[test]
fn an_unknown_format_is_refused_by_the_argument_parser() {
    carecircle()
        .arg("report")
        .arg(taipei().join("city.toml"))
        .args(["--format", "shp", "--out", "never-written"])
        .assert()
        .failure()
        .stderr(
            contains("invalid value 'shp' for '--format <FORMAT>'")
                .and(contains("[possible values: geojson, gpkg]")),
        );
    assert!(!Path::new("never-written").exists());
}
