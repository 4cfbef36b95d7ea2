//! Benchmarks of the straight-line report on the synthetic city.
//!
//! `cargo bench --bench report` (sizes: `CARECIRCLE_BENCH_BLOCKS`, default 200,000).

use carecircle::config::Policy;
use carecircle::coverage::{evaluate, Measure};
use carecircle::input;
use carecircle::plane::Plane;
use carecircle::report::{run_report, ReportOptions};
use carecircle::synth::{write_city, SynthOptions};
use criterion::{criterion_group, criterion_main, Criterion};
use std::time::Duration;

fn blocks() -> usize {
    std::env::var("CARECIRCLE_BENCH_BLOCKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000)
}

fn report(c: &mut Criterion) {
    let n = blocks();
    let dir = tempfile::tempdir().unwrap();
    let city = dir.path().join("city");
    write_city(&city, &SynthOptions { blocks: n, seed: 1 }).unwrap();
    let manifest = city.join("city.toml");
    let out = dir.path().join("out");

    let mut group = c.benchmark_group(format!("report_{n}_blocks"));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("end_to_end", |b| {
        b.iter(|| run_report(&manifest, &out, &ReportOptions::default()).unwrap())
    });

    let loaded_manifest = carecircle::config::Manifest::load(&manifest).unwrap();
    group.bench_function("read", |b| {
        b.iter(|| input::load(&loaded_manifest, false, false).unwrap())
    });
    let loaded = input::load(&loaded_manifest, false, false).unwrap();
    group.bench_function("project", |b| {
        b.iter(|| Plane::new(&loaded.dataset).unwrap())
    });
    let plane = Plane::new(&loaded.dataset).unwrap();
    let policy = Policy::default_policy();
    for measure in [Measure::Centroid, Measure::Edge] {
        group.bench_function(format!("evaluate_{measure:?}").to_lowercase(), |b| {
            b.iter(|| evaluate(&policy, &loaded.dataset, &plane, measure, None).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, report);
criterion_main!(benches);
