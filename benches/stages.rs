//! Benchmarks of each stage of a report, on the synthetic city with a six-circle policy
//! (`benches/six_circles.toml`), walking and straight-line (`--distance both`), measured
//! from the blocks' outlines (`--measure edge`, the default).
//!
//! `cargo bench --bench stages` runs them at 200,000 blocks; `CARECIRCLE_BENCH_BLOCKS=1000000`
//! picks another size. Stages, in pipeline order: `read` (every input, streets included),
//! `project` (the local plane), `resolve` (requirements: masks, capacity values, R-trees),
//! `network` (street graph and snapping), `evaluate` (coverage of every requirement, both
//! models), `zones` (gap zones of every circle), `capacity` (2SFCA of the capacity
//! requirements), `analyse` (the whole analysis: all of the above after `network`, plus
//! referrals and the summary), `write_geojson` and `write_gpkg` (every output of the report).

use carecircle::analysis::capacity::evaluate_capacity;
use carecircle::analysis::coverage::{evaluate, DistanceMode, Measure};
use carecircle::analysis::pair_ranges::PAIR_BUDGET;
use carecircle::analysis::pipeline::{analyse, AnalysisOptions};
use carecircle::analysis::plane::Plane;
use carecircle::analysis::requirements::Requirements;
use carecircle::analysis::zones::ranked_gap_zones;
use carecircle::commands::load::{distance_models, load_city, study, City, NetworkTimings};
use carecircle::commands::report::{output_folder, write_report, ReportOptions};
use carecircle::output::block_table::BlockTable;
use carecircle::output::layer::OutputFormat;
use carecircle::progress::Progress;
use carecircle::synth::{write_city, SynthOptions};
use criterion::{criterion_group, criterion_main, Criterion};
use std::path::{Path, PathBuf};
use std::time::Duration;

fn blocks() -> usize {
    std::env::var("CARECIRCLE_BENCH_BLOCKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000)
}

/// The synthetic city with the six-circle policy, written into a temporary folder.
fn six_circle_city(dir: &Path, n: usize) -> PathBuf {
    let folder = dir.join("city");
    write_city(&folder, &SynthOptions { blocks: n, seed: 1 }).unwrap();
    std::fs::write(folder.join("policy.toml"), include_str!("six_circles.toml")).unwrap();
    folder.join("city.toml")
}

/// Read, project, resolve, network: the stages before the analysis.
fn preparation(c: &mut Criterion, city: &City, manifest: &Path, n: usize) {
    let mut group = c.benchmark_group(format!("stages_{n}"));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("read", |b| {
        b.iter(|| load_city(manifest, false, true).unwrap())
    });
    let dataset = &city.loaded.dataset;
    group.bench_function("project", |b| b.iter(|| Plane::new(dataset).unwrap()));
    let plane = Plane::new(dataset).unwrap();
    group.bench_function("resolve", |b| {
        b.iter(|| Requirements::resolve(&city.policy, dataset, &plane).unwrap())
    });
    group.bench_function("network", |b| {
        b.iter(|| {
            let mut timings = NetworkTimings::default();
            distance_models(
                city,
                &plane,
                DistanceMode::Both,
                Measure::default(),
                &mut timings,
            )
        })
    });
    group.finish();
}

/// Evaluate, zones, capacity, the whole analysis, and writing it in either format.
fn analysis_and_writing(c: &mut Criterion, city: &City, manifest: &Path, out: &Path, n: usize) {
    let mut group = c.benchmark_group(format!("stages_{n}"));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    let plane = Plane::new(&city.loaded.dataset).unwrap();
    let mut timings = NetworkTimings::default();
    let prepared = || {
        let mut timings = NetworkTimings::default();
        study(
            city,
            &plane,
            DistanceMode::Both,
            Measure::default(),
            &mut timings,
        )
        .unwrap()
    };
    let s = study(
        city,
        &plane,
        DistanceMode::Both,
        Measure::default(),
        &mut timings,
    )
    .unwrap();
    group.bench_function("evaluate", |b| {
        b.iter(|| evaluate(&s.requirements, &s.models))
    });
    let coverage = evaluate(&s.requirements, &s.models);
    group.bench_function("zones", |b| {
        b.iter(|| {
            let search_m = s.models.walk().map(|w| w.search_m());
            ranked_gap_zones(s.policy, s.dataset, s.plane, &coverage, search_m)
        })
    });
    group.bench_function("capacity", |b| {
        b.iter(|| evaluate_capacity(&s.requirements, s.dataset, &s.models, PAIR_BUDGET).unwrap())
    });
    let progress = Progress::new(false);
    let options = AnalysisOptions::default();
    group.bench_function("analyse", |b| {
        b.iter_batched(
            prepared,
            |s| analyse(s, &city.loaded, options, &progress).unwrap(),
            criterion::BatchSize::PerIteration,
        )
    });
    let analysis = analyse(prepared(), &city.loaded, options, &progress).unwrap();
    let table = BlockTable::new(&analysis);
    for (name, format) in [
        ("write_geojson", OutputFormat::Geojson),
        ("write_gpkg", OutputFormat::Gpkg),
    ] {
        let report = ReportOptions {
            format,
            ..ReportOptions::default()
        };
        group.bench_function(name, |b| {
            b.iter(|| {
                let folder = output_folder(city, manifest, out).unwrap();
                write_report(folder, &analysis, &table, city, manifest, &report).unwrap()
            })
        });
    }
    group.finish();
}

fn stages(c: &mut Criterion) {
    let n = blocks();
    let dir = tempfile::tempdir().unwrap();
    let manifest = six_circle_city(dir.path(), n);
    let city = load_city(&manifest, false, true).unwrap();
    assert_eq!(
        city.policy.circles.len(),
        6,
        "the six-circle policy is in use"
    );
    preparation(c, &city, &manifest, n);
    analysis_and_writing(c, &city, &manifest, &dir.path().join("out"), n);
}

criterion_group!(benches, stages);
criterion_main!(benches);
