//! Tests of the synthetic city, mostly on one small (2,000-block) instance.

mod blocks;
mod facilities;
mod output;
mod streets;

use super::barriers::{Band, RAILWAY_HALF_WIDTH_M};
use super::frame::Frame;
use super::*;
use geo::{
    Area, BoundingRect, Centroid, Contains, Distance, Euclidean, Haversine, Intersects, Validation,
    Winding,
};
use geo_types::{Geometry, Point, Rect};
use std::collections::{HashMap, HashSet};
use std::fs;
use std::sync::OnceLock;

const SMALL: SynthOptions = SynthOptions {
    blocks: 2000,
    seed: 42,
};

fn city() -> &'static SynthCity {
    static CITY: OnceLock<SynthCity> = OnceLock::new();
    CITY.get_or_init(|| generate(&SMALL))
}

fn plan() -> &'static Plan {
    static PLAN: OnceLock<Plan> = OnceLock::new();
    PLAN.get_or_init(|| Plan::new(SMALL.seed, SMALL.blocks))
}

/// The files of a written city, by name.
fn written(options: &SynthOptions, threads: usize) -> (SynthSummary, Vec<(String, Vec<u8>)>) {
    let dir = tempfile::tempdir().unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let summary = pool.install(|| write_city(dir.path(), options)).unwrap();
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    (summary, files)
}

fn file<'a>(files: &'a [(String, Vec<u8>)], name: &str) -> &'a str {
    let (_, bytes) = files.iter().find(|(n, _)| n == name).unwrap();
    std::str::from_utf8(bytes).unwrap()
}

fn features(text: &str) -> Vec<geojson::Feature> {
    let collection: geojson::FeatureCollection = text
        .parse::<geojson::GeoJson>()
        .unwrap()
        .try_into()
        .unwrap();
    collection.features
}

fn metres(c: geo_types::Coord<f64>) -> (f64, f64) {
    Frame::new().metres(c)
}

fn polygons(geometry: &Geometry<f64>) -> Vec<&geo_types::Polygon<f64>> {
    match geometry {
        Geometry::Polygon(p) => vec![p],
        Geometry::MultiPolygon(mp) => mp.0.iter().collect(),
        other => panic!("unexpected block geometry {other:?}"),
    }
}
