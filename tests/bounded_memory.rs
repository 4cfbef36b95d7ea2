//! Bounded memory (issue 13, item 4): capacity (2SFCA) pairs and site cover lists are taken a
//! range of facilities or sites at a time, with the same results as all at once; under a
//! memory limit a reach over the whole city runs or ends with a clean error naming the stage
//! and what to lower, never an abort.

mod common;

use carecircle::analysis::coverage::Measure;
use carecircle::analysis::distance::straight::StraightLine;
use carecircle::analysis::distance::walking::WalkNetwork;
use carecircle::analysis::distance::DistanceModel;
use carecircle::analysis::pair_ranges::PAIR_BUDGET;
use carecircle::analysis::plane::Plane;
use carecircle::analysis::sites::cover_lists;
use carecircle::config::Manifest;
use carecircle::input;
use carecircle::synth::{write_city, SynthOptions};
use geo::Coord;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

/// Per site, the positions in `demand` of the blocks whose centroid lies within `reach_m`.
fn brute_force_covers(
    plane: &Plane,
    sites: &[Coord<f64>],
    demand: &[u32],
    reach_m: f64,
) -> Vec<Vec<u32>> {
    sites
        .iter()
        .map(|s| {
            (0..demand.len() as u32)
                .filter(|&i| {
                    let c = plane.block_centroids[demand[i as usize] as usize];
                    (c.x - s.x).hypot(c.y - s.y) <= reach_m
                })
                .collect()
        })
        .collect()
}

#[test]
fn cover_lists_taken_a_site_at_a_time_equal_all_at_once_and_brute_force() {
    let dir = tempfile::tempdir().unwrap();
    let options = SynthOptions {
        blocks: 600,
        seed: 4,
    };
    write_city(dir.path(), &options).unwrap();
    let manifest = Manifest::load(&dir.path().join("city.toml")).unwrap();
    let dataset = input::load(&manifest, false, true).unwrap().dataset;
    let plane = Plane::new(&dataset).unwrap();
    // Every third block is demand; every fifth block's centroid, shifted, is a site.
    let demand: Vec<u32> = (0..dataset.blocks.len() as u32).step_by(3).collect();
    let sites: Vec<Coord<f64>> = plane
        .block_centroids
        .iter()
        .step_by(5)
        .map(|c| Coord {
            x: c.x + 7.0,
            y: c.y - 4.0,
        })
        .collect();
    let reach_m = 400.0;
    let straight = StraightLine::new(&plane, Measure::Centroid);
    let walking = WalkNetwork::build(&plane, Measure::Edge, 0.01, 500.0, 800.0);
    let models: [&dyn DistanceModel; 2] = [&straight, &walking];
    for model in models {
        let covers = |budget| cover_lists(model, &sites, &demand, reach_m, budget, "test").unwrap();
        let all = covers(PAIR_BUDGET);
        assert_eq!(covers(1), all);
        assert_eq!(covers(500), all);
        let pairs: usize = all.iter().map(Vec::len).sum();
        assert!(pairs > 10 * sites.len(), "{pairs} pairs");
    }
    let straight_covers = cover_lists(&straight, &sites, &demand, reach_m, 1, "test").unwrap();
    assert_eq!(
        straight_covers,
        brute_force_covers(&plane, &sites, &demand, reach_m)
    );
}

/// The synthetic city of `blocks` blocks in `dir` with `policy` as its policy.
fn city_with_policy(dir: &Path, blocks: usize, policy: &str) -> std::path::PathBuf {
    let manifest = common::synth_city(&dir.join("city"), blocks, 1);
    fs::write(dir.join("city").join("policy.toml"), policy).unwrap();
    manifest
}

/// Runs carecircle with `args` under a virtual-memory limit of `limit_mb` (`ulimit -v`).
fn run_limited(limit_mb: u64, args: &[&std::ffi::OsStr]) -> Output {
    let binary = assert_cmd::cargo::cargo_bin("carecircle");
    let script = format!("ulimit -v {}; exec \"$0\" \"$@\"", limit_mb * 1024);
    Command::new("sh")
        .args(["-c", &script])
        .arg(binary)
        .args(args)
        .output()
        .unwrap()
}

/// A capacity requirement whose reach spans the whole city pairs every block with every
/// care bed (20,000 × 1,014 pairs, 320 MB at once): before the pairs were taken in ranges,
/// this report aborted under a 800 MB limit trying to allocate them.
#[test]
#[ignore = "20,000 blocks under a memory limit: run in release by .ci/run"]
fn capacity_over_the_whole_city_runs_under_a_memory_limit() {
    let dir = tempfile::tempdir().unwrap();
    let policy = "[[circles]]\nname = \"basic\"\nrequires = [{ kind = \"care_bed\", within_m = 30000, capacity = \"capacity\" }]\n";
    let manifest = city_with_policy(dir.path(), 20_000, policy);
    let out = dir.path().join("out");
    let output = run_limited(
        800,
        &[
            "report".as_ref(),
            manifest.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
            "--distance".as_ref(),
            "straight".as_ref(),
        ],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    // Every block reaches every care bed: all have the same capacity per 1,000 elderly.
    let csv = fs::read_to_string(out.join("coverage.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = header
        .iter()
        .position(|&h| h == "basic_care_bed_per_1000")
        .unwrap();
    let values: Vec<&str> = lines.map(|l| l.split(',').nth(column).unwrap()).collect();
    assert_eq!(values.len(), 20_000);
    assert!(values.iter().all(|v| *v == values[0]), "{:?}", &values[..5]);
}

/// Sites for a requirement no facility meets, with a reach over the whole city: every demand
/// block is a candidate covering every other (1.6 GB of cover lists). Under a 1 GB limit the
/// run ends with a clean error naming the stage and what to lower.
#[test]
#[ignore = "20,000 blocks under a memory limit: run in release by .ci/run"]
fn site_cover_lists_beyond_a_memory_limit_are_a_clean_error() {
    let dir = tempfile::tempdir().unwrap();
    let policy = "[[circles]]\nname = \"basic\"\nrequires = [{ kind = \"hospital\", within_m = 30000, where = { tier = \"quaternary\" } }]\n";
    let manifest = city_with_policy(dir.path(), 20_000, policy);
    let out = dir.path().join("out");
    let output = run_limited(
        1024,
        &[
            "site".as_ref(),
            manifest.as_os_str(),
            "--circle".as_ref(),
            "basic".as_ref(),
            "--kind".as_ref(),
            "hospital".as_ref(),
            "--out".as_ref(),
            out.as_os_str(),
            "--distance".as_ref(),
            "straight".as_ref(),
        ],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("suggesting hospital sites for circle `basic`: not enough memory for"),
        "{stderr}"
    );
    assert!(
        stderr.contains("lower the number of candidate sites or the requirement's reach"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!out.join("sites.geojson").exists());
}

/// Any other allocation that fails (here, a 20,000-block report under a 150 MB limit) ends
/// the run with a message naming the stage, exit status 1 and no backtrace; the folder keeps
/// its previous set, and the next run leaves nothing behind.
#[test]
#[ignore = "memory limits of a release build: run in release by .ci/run"]
fn running_out_of_memory_anywhere_is_a_clean_error_naming_the_stage() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = common::synth_city(&dir.path().join("city"), 20_000, 1);
    let out = dir.path().join("out");
    common::report(&manifest, &out, &[]).success();
    let before = common::folder_bytes(&out);
    let output = run_limited(
        150,
        &[
            "report".as_ref(),
            manifest.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error: out of memory while "), "{stderr}");
    assert!(stderr.contains("MB more could not be had"), "{stderr}");
    assert!(!stderr.contains("memory allocation of"), "{stderr}");
    assert!(!stderr.contains("backtrace"), "{stderr}");
    let files = |set: &[(String, Vec<u8>)]| -> Vec<(String, Vec<u8>)> {
        set.iter()
            .filter(|(name, _)| !name.starts_with(".carecircle-"))
            .cloned()
            .collect()
    };
    assert_eq!(files(&common::folder_bytes(&out)), files(&before));
    common::report(&manifest, &out, &[]).success();
    let names: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names
            .iter()
            .any(|n| n.contains("staging") || n.ends_with(".tmp")),
        "{names:?}"
    );
}
