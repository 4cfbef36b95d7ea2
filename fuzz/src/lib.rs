//! The fuzz targets' harness. Each function takes one input, writes it into a fresh temporary
//! folder and reads it with carecircle's own public readers, as a run would (the GeoJSON, CSV
//! and Shapefile inputs, a Shapefile's files packed into one input, through a real
//! `city.toml` and [`input::load`]), then formats every problem, warning and error as the
//! command line prints them. Reading must end in a value or a clean error: a panic anywhere
//! is a bug, and so is a hang.
//!
//! `tests/fuzz_corpus.rs` in the main crate includes this file as a module and replays every
//! committed corpus and crash file through the same functions, so a bug the fuzzer found
//! stays fixed under plain `cargo test`.

use carecircle::config::{Manifest, Policy};
use carecircle::input;
use carecircle::osm::mapping::Mapping;
use carecircle::osm::population::{estimate, Totals};
use carecircle::osm::{buildings, facilities, read_projected, streets};
use std::error::Error;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Manifests reading the input `input.geojson` as every GeoJSON layer there is: blocks,
/// facilities (plain; converted from GCJ-02, filtered, duplicates merged), streets, barriers
/// and entrances, with the synthetic city's field names; then as blocks, facilities and
/// streets with the Taipei fixture's field names in BD-09 and GCJ-02 and a small extent.
const GEOJSON_MANIFESTS: [&str; 2] = [
    r#"
[blocks]
path = "input.geojson"
id = "id"
elderly = ["age_65_79", "age_80_plus"]
residents = "residents"

[layers.care_bed]
path = "input.geojson"

[layers.hospice]
path = "input.geojson"
crs = "gcj02"
where = { category = ["hospice", "home_sickbed_referral"] }
duplicates = "merge"

[streets]
path = "input.geojson"

[barriers]
path = "input.geojson"

[entrances]
path = "input.geojson"
"#,
    r#"
max_extent_km = 5

[blocks]
path = "input.geojson"
id = "V_ID"
elderly = ["A65A69_CNT", "A70A74_CNT"]
residents = "A0A4_CNT"
crs = "bd09"

[layers.responder]
path = "input.geojson"
id = "name"
where = { category = ["home_care_agency", "home_nursing"] }

[streets]
path = "input.geojson"
crs = "gcj02"
where = { highway = "footway" }
"#,
];

/// Manifests reading the input `input.csv` as facility layers (named columns in GCJ-02; a
/// named id column with duplicates merged, declared GB18030; detected columns, an id, a
/// filter, BD-09, declared semicolons; the others' encoding and delimiter detected) and
/// as entrances, beside two fixed blocks (`B1`, `B2`) at the synthetic city's position;
/// the second allows any distance, so rows anywhere on Earth get past the extent check.
const CSV_MANIFESTS: [&str; 2] = [
    r#"
[blocks]
path = "blocks.geojson"
id = "id"
elderly = "elderly"

[layers.care_bed]
path = "input.csv"
crs = "gcj02"
lon = "lon"
lat = "lat"

[layers.hospital]
path = "input.csv"
id = "醫療院所"
duplicates = "merge"
encoding = "gb18030"

[entrances]
path = "input.csv"
"#,
    r#"
max_extent_km = 20000

[blocks]
path = "blocks.geojson"
id = "id"
elderly = "elderly"

[layers.clinic]
path = "input.csv"
id = "id"
crs = "bd09"
where = { category = "clinic" }
delimiter = ";"

[entrances]
path = "input.csv"
block = "id"
"#,
];

/// The blocks beside a CSV input: two small squares in the synthetic city's area.
const CSV_BLOCKS: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"B1","elderly":40},"geometry":{"type":"Polygon","coordinates":[[[114.2980,30.5995],[114.2987,30.5995],[114.2987,30.6000],[114.2980,30.6000],[114.2980,30.5995]]]}},
{"type":"Feature","properties":{"id":"B2","elderly":12},"geometry":{"type":"Polygon","coordinates":[[[114.3001,30.5995],[114.3006,30.5995],[114.3006,30.5999],[114.3001,30.5999],[114.3001,30.5995]]]}}
]}"#;

/// Reads `data` as every GeoJSON layer of [`GEOJSON_MANIFESTS`].
pub fn geojson(data: &[u8]) {
    let dir = Folder::new();
    dir.write("input.geojson", data);
    for (i, manifest) in GEOJSON_MANIFESTS.iter().enumerate() {
        load_city(&dir, manifest, i == 1);
    }
}

/// Reads `data` as the CSV facility and entrance layers of [`CSV_MANIFESTS`].
pub fn csv(data: &[u8]) {
    let dir = Folder::new();
    dir.write("input.csv", data);
    dir.write("blocks.geojson", CSV_BLOCKS.as_bytes());
    for (i, manifest) in CSV_MANIFESTS.iter().enumerate() {
        load_city(&dir, manifest, i == 1);
    }
}

/// A manifest reading the Shapefile `input.shp` as every layer there is: blocks with the
/// Taipei fixture's field names (as GDAL cuts them to 10 characters), hospitals with their
/// GBK field name as id, care beds declared GBK in TWD97, streets, barriers and entrances.
const SHAPEFILE_MANIFEST: &str = r#"
[blocks]
path = "input.shp"
id = "V_ID"
elderly = ["A65A69_CNT", "A100UP_5_C"]
residents = "A0A4_CNT"

[layers.hospital]
path = "input.shp"
id = "醫療院所"

[layers.care_bed]
path = "input.shp"
encoding = "gbk"
crs = "EPSG:3826"

[streets]
path = "input.shp"

[barriers]
path = "input.shp"

[entrances]
path = "input.shp"
"#;

/// The files of a Shapefile packed in one input, in this order: `.shp`, `.shx`, `.dbf`,
/// `.prj`, `.cpg`, each as a 4-byte little-endian length and that many bytes. Files the
/// input ends before are absent; a length past the end takes what is left.
pub const SHAPEFILE_PARTS: [&str; 5] = ["shp", "shx", "dbf", "prj", "cpg"];

/// Reads `data` (a Shapefile packed as [`SHAPEFILE_PARTS`] says) as every layer of
/// [`SHAPEFILE_MANIFEST`].
pub fn shapefile(data: &[u8]) {
    let dir = Folder::new();
    let mut rest = data;
    for extension in SHAPEFILE_PARTS {
        let Some((length, after)) = rest.split_first_chunk::<4>() else {
            break;
        };
        let length = (u32::from_le_bytes(*length) as usize).min(after.len());
        dir.write(&format!("input.{extension}"), &after[..length]);
        rest = &after[length..];
    }
    load_city(&dir, SHAPEFILE_MANIFEST, false);
    load_city(&dir, SHAPEFILE_MANIFEST, true);
}

/// Reads `data` as a city manifest, a policy and an OpenStreetMap mapping (the three TOML
/// files carecircle reads), and checks the policy's kinds against the manifest's layers when
/// both are valid.
pub fn toml(data: &[u8]) {
    let dir = Folder::new();
    let path = dir.write("city.toml", data);
    let manifest = Manifest::load(&path);
    let policy = Policy::load(&path);
    if let Err(e) = Mapping::load(&path) {
        say(&e);
    }
    let _ = Manifest::named_policy(&path);
    match &manifest {
        Ok(m) => {
            let _ = (m.city_name(&path), m.input_files(), m.max_extent_km());
        }
        Err(e) => say(e),
    }
    match (&manifest, &policy) {
        (Ok(m), Ok(p)) => {
            let _ = p.largest_reach_m();
            if let Err(e) = p.check_kinds(|kind| m.layers.contains_key(kind)) {
                say(&e);
            }
        }
        (_, Err(e)) => say(e),
        _ => {}
    }
}

/// Reads `data` as an OpenStreetMap PBF extract with the default mapping, as `carecircle osm`
/// does, and makes of it what the conversion makes before it writes: residential blocks and
/// their people, facilities and walkable streets.
pub fn pbf(data: &[u8]) {
    let dir = Folder::new();
    let path = dir.write("input.osm.pbf", data);
    let mapping = default_mapping();
    match read_projected(&path, mapping, None) {
        Ok((extract, projection)) => {
            let (blocks, _) =
                buildings::residential_buildings(&extract, mapping, &projection, None);
            let floor_areas: Vec<f64> = blocks.iter().map(|b| b.floor_area_m2).collect();
            estimate(&floor_areas, &mapping.population, Totals::default());
            facilities::facilities(&extract, mapping, &projection);
            streets::walkable_streets(&extract, &mapping.streets);
        }
        Err(e) => say(&e),
    }
}

/// The built-in OpenStreetMap mapping, parsed once.
fn default_mapping() -> &'static Mapping {
    static MAPPING: OnceLock<Mapping> = OnceLock::new();
    MAPPING.get_or_init(Mapping::default_mapping)
}

/// Writes `manifest` as `city.toml` into `dir`, then reads every layer it names (with
/// `skip_invalid` or not) and formats every problem and warning.
fn load_city(dir: &Folder, manifest: &str, skip_invalid: bool) {
    let path = dir.write("city.toml", manifest.as_bytes());
    let manifest = Manifest::load(&path).expect("the harness's manifests are valid");
    match input::load(&manifest, skip_invalid, true) {
        Ok(loaded) => {
            let shown: Vec<String> = loaded.skipped.iter().map(|p| p.to_string()).collect();
            let _ = (shown, loaded.warnings, loaded.dataset.blocks.centre());
        }
        Err(problems) => {
            let _: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        }
    }
}

/// Formats an error and its sources, as the command line prints them.
fn say(error: &dyn Error) {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        message.push_str(&format!(": {e}"));
        source = e.source();
    }
    std::hint::black_box(message);
}

/// A temporary folder for one input, removed when dropped.
struct Folder(tempfile::TempDir);

impl Folder {
    /// A new empty folder.
    fn new() -> Folder {
        Folder(tempfile::tempdir().expect("a temporary folder"))
    }

    /// Writes `data` to the file `name` in the folder; its path.
    fn write(&self, name: &str, data: &[u8]) -> PathBuf {
        let path = self.path().join(name);
        std::fs::write(&path, data).expect("writing into the temporary folder");
        path
    }

    /// The folder.
    fn path(&self) -> &Path {
        self.0.path()
    }
}
