//! Benchmarks of the report on the synthetic city.
//!
//! `cargo bench --bench report` runs them at 200,000 blocks; `CARECIRCLE_BENCH_BLOCKS=1000000`
//! picks another size. Groups: `straight_<n>` (read, project, evaluate, end to end with
//! GeoJSON layers and with a GeoPackage) and
//! `walk_<n>` (graph build, snapping, one requirement's search, end to end with
//! `--distance both`), `site_<n>` (50 care-bed sites from 20,000 candidates, on foot).

use carecircle::algo::barriers::BarrierIndex;
use carecircle::algo::network::{SnapIndex, StreetGraph, DEFAULT_MERGE_TOLERANCE_M};
use carecircle::analysis::coverage::{evaluate, DistanceMode, Measure};
use carecircle::analysis::distance::doorstep::block_access;
use carecircle::analysis::distance::straight::StraightLine;
use carecircle::analysis::distance::walking::WalkNetwork;
use carecircle::analysis::distance::{DistanceModel, DistanceModels};
use carecircle::analysis::plane::Plane;
use carecircle::analysis::requirements::Requirements;
use carecircle::commands::report::{run_report, ReportOptions};
use carecircle::config::{Manifest, Policy};
use carecircle::input;
use carecircle::output::layer::OutputFormat;
use carecircle::synth::{write_city, SynthOptions};
use criterion::{criterion_group, criterion_main, Criterion};
use std::path::PathBuf;
use std::time::Duration;

fn blocks() -> usize {
    std::env::var("CARECIRCLE_BENCH_BLOCKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000)
}

/// A synthetic city written once per benchmark run.
struct City {
    _dir: tempfile::TempDir,
    manifest: PathBuf,
    out: PathBuf,
}

fn city(n: usize) -> City {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("city");
    write_city(&folder, &SynthOptions { blocks: n, seed: 1 }).unwrap();
    City {
        manifest: folder.join("city.toml"),
        out: dir.path().join("out"),
        _dir: dir,
    }
}

fn straight(c: &mut Criterion) {
    let n = blocks();
    let city = city(n);
    let mut group = c.benchmark_group(format!("straight_{n}"));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(30));
    let options = ReportOptions {
        distance: Some(DistanceMode::Straight),
        ..ReportOptions::default()
    };
    group.bench_function("end_to_end", |b| {
        b.iter(|| run_report(&city.manifest, &city.out, &options).unwrap())
    });
    let gpkg = ReportOptions {
        format: OutputFormat::Gpkg,
        ..options
    };
    group.bench_function("end_to_end_gpkg", |b| {
        b.iter(|| run_report(&city.manifest, &city.out, &gpkg).unwrap())
    });
    let manifest = Manifest::load(&city.manifest).unwrap();
    group.bench_function("read", |b| {
        b.iter(|| input::load(&manifest, false, false).unwrap())
    });
    let loaded = input::load(&manifest, false, false).unwrap();
    group.bench_function("project", |b| {
        b.iter(|| Plane::new(&loaded.dataset).unwrap())
    });
    let plane = Plane::new(&loaded.dataset).unwrap();
    let policy = Policy::default_policy();
    let requirements = Requirements::resolve(&policy, &loaded.dataset, &plane).unwrap();
    for measure in [Measure::Centroid, Measure::Edge] {
        let models = DistanceModels::straight_only(StraightLine::new(&plane, measure));
        group.bench_function(format!("evaluate_{measure:?}").to_lowercase(), |b| {
            b.iter(|| evaluate(&requirements, &models))
        });
    }
    group.finish();
}

fn walk(c: &mut Criterion) {
    let n = blocks();
    let city = city(n);
    let mut group = c.benchmark_group(format!("walk_{n}"));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(30));
    let options = ReportOptions {
        distance: Some(DistanceMode::Both),
        ..ReportOptions::default()
    };
    group.bench_function("end_to_end_both", |b| {
        b.iter(|| run_report(&city.manifest, &city.out, &options).unwrap())
    });
    let manifest = Manifest::load(&city.manifest).unwrap();
    let loaded = input::load(&manifest, false, true).unwrap();
    let plane = Plane::new(&loaded.dataset).unwrap();
    group.bench_function("graph_build", |b| {
        b.iter(|| StreetGraph::new(&plane.streets, DEFAULT_MERGE_TOLERANCE_M))
    });
    let graph = StreetGraph::new(&plane.streets, DEFAULT_MERGE_TOLERANCE_M);
    let index = SnapIndex::new(&graph);
    group.bench_function("snap_blocks", |b| {
        b.iter(|| index.snap_points(&plane.block_centroids, 500.0))
    });
    let barriers = BarrierIndex::new(&plane.barriers);
    group.bench_function("snap_block_outlines", |b| {
        b.iter(|| block_access(&index, &plane, Measure::Edge, 500.0, &barriers))
    });
    let policy = Policy::default_policy();
    let network = WalkNetwork::build(
        &plane,
        Measure::Edge,
        DEFAULT_MERGE_TOLERANCE_M,
        500.0,
        2.0 * policy.largest_reach_m(),
    );
    let requirements = Requirements::resolve(&policy, &loaded.dataset, &plane).unwrap();
    for resolved in requirements.iter() {
        let name = format!(
            "search_{}_{}",
            resolved.circle.name, resolved.requirement.kind
        );
        group.bench_function(name, |b| b.iter(|| network.distances(resolved)));
    }
    group.finish();
}

/// `carecircle site` choosing 50 care-bed sites from 20,000 candidates, on foot.
fn site(c: &mut Criterion) {
    use carecircle::commands::site::{suggest_sites, SiteOptions};
    use geo::Centroid;
    let n = blocks();
    let city = city(n);
    let manifest = Manifest::load(&city.manifest).unwrap();
    let loaded = input::load(&manifest, false, false).unwrap();
    let outlines = &loaded.dataset.blocks.outlines;
    let step = (outlines.len() / 20_000).max(1);
    let mut rows = String::from("id,lon,lat\n");
    for (i, outline) in outlines.iter().step_by(step).take(20_000).enumerate() {
        let p = outline.centroid().unwrap();
        rows.push_str(&format!("flat{i},{},{}\n", p.x(), p.y()));
    }
    let candidates = city.out.with_file_name("candidates.csv");
    std::fs::write(&candidates, rows).unwrap();
    let options = SiteOptions {
        circle: "basic".into(),
        kind: "care_bed".into(),
        count: 50,
        candidates: Some(candidates.to_string_lossy().into_owned()),
        capacity: None,
        distance: Some(DistanceMode::Both),
    };
    let mut group = c.benchmark_group(format!("site_{n}"));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(30));
    group.bench_function("50_of_20000_on_foot", |b| {
        b.iter(|| suggest_sites(&city.manifest, &options).unwrap())
    });
    group.finish();
}

criterion_group!(benches, straight, walk, site);
criterion_main!(benches);
