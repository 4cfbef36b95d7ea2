//! Writing the city's files: GeoJSON through the project's streaming writer (features
//! formatted in parallel chunks, written in order), the care-bed CSV and the manifest, each
//! file atomically.

use super::blocks::{block, Block};
use super::facilities::{CareBed, ExtendedCare, Hospital, Responder};
use super::layout::Plan;
use super::streets::Street;
use super::SynthOptions;
use crate::output::atomic::{write_atomically, ProtectedInputs};
use crate::output::features::write_features;
use crate::output::geojson::{push_feature, push_value, COORDINATE_DECIMALS};
use crate::output::layer::Value;
use geo_types::Geometry;
use std::io::{self, Write};
use std::path::Path;

pub(crate) fn push_block(buf: &mut Vec<u8>, first: bool, b: &Block) {
    let properties = [
        ("id", Value::Str(&b.id)),
        ("residents", Value::Int(b.residents.into())),
        ("age_65_79", Value::Int(b.age_65_79.into())),
        ("age_80_plus", Value::Int(b.age_80_plus.into())),
    ];
    push_feature(buf, first, &properties, &b.geometry);
}

pub(crate) fn push_responder(buf: &mut Vec<u8>, first: bool, r: &Responder) {
    let properties = [
        ("id", Value::Str(&r.id)),
        ("kind", Value::Str(r.kind.as_str())),
        ("team_size", Value::Int(r.team_size.into())),
    ];
    push_feature(buf, first, &properties, &Geometry::Point(r.position));
}

pub(crate) fn push_hospital(buf: &mut Vec<u8>, first: bool, h: &Hospital) {
    let properties = [
        ("id", Value::Str(&h.id)),
        ("name", Value::Str(&h.name)),
        ("tier", Value::Str(h.tier.as_str())),
        ("beds", Value::Int(h.beds.into())),
    ];
    push_feature(buf, first, &properties, &Geometry::Point(h.position));
}

pub(crate) fn push_extended(buf: &mut Vec<u8>, first: bool, e: &ExtendedCare) {
    let properties = [
        ("id", Value::Str(&e.id)),
        ("name", Value::Str(&e.name)),
        ("category", Value::Str(e.category.as_str())),
        ("beds", Value::Int(e.beds.into())),
    ];
    push_feature(
        buf,
        first,
        &properties,
        &Geometry::Polygon(e.footprint.clone()),
    );
}

pub(crate) fn push_street(buf: &mut Vec<u8>, first: bool, s: &Street) {
    let properties = [
        ("id", Value::Str(&s.id)),
        ("highway", Value::Str(s.highway.as_str())),
        ("bridge", Value::Bool(s.bridge)),
    ];
    push_feature(
        buf,
        first,
        &properties,
        &Geometry::LineString(s.line.clone()),
    );
}

/// Writes the river (its water surface) and the railway (its centre line) as barriers,
/// named `river` and `railway` with their `kind`.
pub(crate) fn write_barriers(
    target: &Path,
    river: &geo_types::Polygon<f64>,
    railway: &geo_types::LineString<f64>,
) -> io::Result<()> {
    let barriers = [
        ("river", "water", Geometry::Polygon(river.clone())),
        ("railway", "railway", Geometry::LineString(railway.clone())),
    ];
    write_list(target, &barriers, |buf, first, (name, kind, geometry)| {
        let properties = [("name", Value::Str(name)), ("kind", Value::Str(kind))];
        push_feature(buf, first, &properties, geometry);
    })
}

/// Writes already generated features.
pub(crate) fn write_list<T: Sync>(
    target: &Path,
    items: &[T],
    push: fn(&mut Vec<u8>, bool, &T),
) -> io::Result<()> {
    write_features(
        target,
        &ProtectedInputs::default(),
        items.len(),
        |k, buf| push(buf, buf.is_empty(), &items[k]),
    )
}

/// Writes the blocks, generating them chunk by chunk rather than all at once.
pub(crate) fn write_blocks(target: &Path, plan: &Plan) -> io::Result<()> {
    write_features(
        target,
        &ProtectedInputs::default(),
        plan.cells.len(),
        |k, buf| push_block(buf, buf.is_empty(), &block(plan, k)),
    )
}

/// A coordinate as the GeoJSON writer writes it: rounded to its decimals, shortest form.
fn coordinate_text(x: f64) -> String {
    let scale = 10f64.powi(COORDINATE_DECIMALS);
    let mut buf = Vec::new();
    push_value(&mut buf, Value::Num((x * scale).round() / scale));
    String::from_utf8(buf).expect("numbers are ASCII")
}

/// Where a care bed's coordinates are written in `care_beds.csv`: in GCJ-02, as Chinese POI
/// sources (Amap, Tencent) publish them, so every report on the synthetic city exercises the
/// datum conversion (`crs = "gcj02"` in the manifest).
pub fn care_bed_csv_position(lon: f64, lat: f64) -> (f64, f64) {
    crate::algo::crs::wgs84_to_gcj02(lon, lat)
}

pub(crate) fn write_care_beds(target: &Path, beds: &[CareBed]) -> io::Result<()> {
    write_atomically(target, &ProtectedInputs::default(), |out| {
        let mut csv = csv::Writer::from_writer(out);
        csv.write_record(["id", "lon", "lat", "capacity"])?;
        for bed in beds {
            let (lon, lat) = care_bed_csv_position(bed.position.x(), bed.position.y());
            csv.write_record([
                bed.id.as_str(),
                &coordinate_text(lon),
                &coordinate_text(lat),
                &bed.capacity.to_string(),
            ])?;
        }
        csv.flush()
    })
}

/// The manifest describing the files, with paths relative to its folder.
pub(crate) fn manifest(options: &SynthOptions) -> String {
    format!(
        r#"# Synthetic city generated by carecircle (not real data): blocks = {}, seed = {}.
# Regenerate it with the same blocks and seed to get the same bytes.
name = "Synthetic city ({} blocks, seed {})"
policy = "policy.toml"

[blocks]
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
where = {{ category = ["hospice", "home_sickbed_referral"] }}

[streets]
path = "streets.geojson"

[barriers]
path = "barriers.geojson"
"#,
        options.blocks,
        options.seed,
        crate::output::format::thousands(options.blocks as f64),
        options.seed
    )
}

/// The synthetic city's policy: the built-in network with capacity settings.
pub(crate) const POLICY_TOML: &str = include_str!("policy.toml");

/// Writes the synthetic city's policy.
pub(crate) fn write_policy(target: &Path) -> io::Result<()> {
    write_atomically(target, &ProtectedInputs::default(), |out| {
        out.write_all(POLICY_TOML.as_bytes())
    })
}

pub(crate) fn write_manifest(target: &Path, options: &SynthOptions) -> io::Result<()> {
    write_atomically(target, &ProtectedInputs::default(), |out| {
        out.write_all(manifest(options).as_bytes())
    })
}
