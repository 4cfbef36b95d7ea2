//! Inputs must be regular files: a FIFO, a device or a folder given as the manifest, the
//! policy, a layer, the streets, an OSM extract or its mapping is refused at once with an
//! error naming it and what it is (a FIFO used to block the reader forever, `/dev/zero` was
//! read until memory ran out), and so is a file too large to read.
//!
//! Every run has a timeout, so a hang fails the test instead of hanging it.

#![cfg(unix)]

mod common;

use common::{carecircle, small_city};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Long enough for a debug build on a busy machine; a hang is killed after it.
const TIMEOUT: Duration = Duration::from_secs(20);

/// Makes a FIFO at `path` with the system's `mkfifo`.
fn mkfifo(path: &Path) {
    let _ = fs::remove_file(path);
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// The small city with a policy file and a street layer, so that every kind of input the
/// manifest can name is there to be broken.
fn city(dir: &Path) -> PathBuf {
    let manifest = small_city(dir);
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(
        &manifest,
        format!("policy = \"policy.toml\"\n{text}\n[streets]\npath = \"streets.geojson\"\n"),
    )
    .unwrap();
    fs::write(
        dir.join("policy.toml"),
        "[[circles]]\nname = \"basic\"\nrequires = [{ kind = \"responder\", within_m = 500 }]\n",
    )
    .unwrap();
    fs::write(
        dir.join("streets.geojson"),
        common::collection(&[(
            r#"{"id":"s1"}"#.into(),
            common::line(&[(-100.0, 0.0), (3200.0, 0.0)]),
        )]),
    )
    .unwrap();
    manifest
}

/// Runs `command` (`check` or `report`) on `manifest` with the timeout; it must fail
/// promptly, without a panic, with every fragment in its error output.
fn refused(command: &str, manifest: &Path, expected: &[&str]) {
    let out = manifest.parent().unwrap().join("out");
    let mut cmd = carecircle();
    cmd.arg(command).arg(manifest);
    if command == "report" {
        cmd.arg("--out").arg(&out);
    }
    let start = Instant::now();
    let output = cmd.timeout(TIMEOUT).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        start.elapsed() < TIMEOUT,
        "`{command}` hung on {}",
        manifest.display()
    );
    assert_eq!(output.status.code(), Some(1), "`{command}`: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for fragment in expected {
        assert!(
            stderr.contains(fragment),
            "`{command}`: expected {fragment:?} in:\n{stderr}"
        );
    }
    assert!(!out.join("blocks.geojson").exists());
}

/// Breaks the city with `break_it` and checks that `check` and `report` both refuse it.
fn both_refuse(break_it: impl Fn(&Path), expected: &[&str]) {
    for command in ["check", "report"] {
        let dir = tempfile::tempdir().unwrap();
        let manifest = city(dir.path());
        break_it(dir.path());
        refused(command, &manifest, expected);
    }
}

const FIFO: &str = "is a FIFO (named pipe), not a file";

#[test]
fn the_unbroken_city_passes_check_and_report() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = city(dir.path());
    carecircle()
        .arg("check")
        .arg(&manifest)
        .timeout(TIMEOUT)
        .assert()
        .success();
    carecircle()
        .arg("report")
        .arg(&manifest)
        .arg("--out")
        .arg(dir.path().join("out"))
        .timeout(TIMEOUT)
        .assert()
        .success();
}

#[test]
fn a_fifo_as_the_manifest_is_refused() {
    both_refuse(
        |d| mkfifo(&d.join("city.toml")),
        &["city.toml", "the city manifest", FIFO],
    );
}

#[test]
fn a_fifo_as_the_policy_is_refused() {
    both_refuse(
        |d| mkfifo(&d.join("policy.toml")),
        &["policy.toml", "the policy", FIFO],
    );
}

#[test]
fn a_fifo_as_the_blocks_layer_is_refused() {
    both_refuse(
        |d| mkfifo(&d.join("blocks.geojson")),
        &["blocks.geojson", FIFO],
    );
}

#[test]
fn a_fifo_as_a_facility_csv_is_refused() {
    both_refuse(
        |d| mkfifo(&d.join("care_beds.csv")),
        &["care_beds.csv", FIFO],
    );
}

#[test]
fn a_fifo_as_the_streets_is_refused() {
    both_refuse(
        |d| mkfifo(&d.join("streets.geojson")),
        &["streets.geojson", FIFO],
    );
}

#[test]
fn a_symlink_to_a_fifo_is_refused_as_a_fifo() {
    both_refuse(
        |d| {
            mkfifo(&d.join("pipe"));
            fs::remove_file(d.join("hospitals.geojson")).unwrap();
            std::os::unix::fs::symlink(d.join("pipe"), d.join("hospitals.geojson")).unwrap();
        },
        &["hospitals.geojson", FIFO],
    );
}

#[test]
fn dev_zero_as_a_layer_is_refused_as_a_device() {
    both_refuse(
        |d| {
            let manifest = d.join("city.toml");
            let text = fs::read_to_string(&manifest).unwrap();
            let text = text.replace("path = \"responders.geojson\"", "path = \"/dev/zero\"");
            fs::write(&manifest, text).unwrap();
        },
        &["/dev/zero", "is a character device, not a file"],
    );
}

#[test]
fn a_folder_as_a_layer_is_refused() {
    both_refuse(
        |d| {
            fs::remove_file(d.join("hospitals.geojson")).unwrap();
            fs::create_dir(d.join("hospitals.geojson")).unwrap();
        },
        &["hospitals.geojson", "is a folder, not a file"],
    );
}

/// A sparse file of 1 TiB: no machine that runs the tests has four times that free, and it
/// takes no disk space.
#[cfg(target_os = "linux")]
#[test]
fn a_layer_larger_than_the_memory_to_read_it_is_refused() {
    both_refuse(
        |d| {
            let f = fs::File::create(d.join("hospitals.geojson")).unwrap();
            f.set_len(1 << 40).unwrap();
        },
        &[
            "hospitals.geojson",
            "is 1,099,512 MB and reading it needs about 4,398,047 MB of memory, but only",
        ],
    );
}

#[test]
fn a_manifest_or_policy_over_16_mb_is_refused() {
    for name in ["city.toml", "policy.toml"] {
        both_refuse(
            |d| {
                let f = fs::File::create(d.join(name)).unwrap();
                f.set_len(17_000_000).unwrap();
            },
            &[
                name,
                "is 17.0 MB — more than the 16.0 MB a configuration file may hold",
            ],
        );
    }
}

/// Runs `carecircle osm` with `args`; it must fail promptly with every fragment.
fn osm_refused(dir: &Path, args: &[&Path], expected: &[&str]) {
    let start = Instant::now();
    let output = carecircle()
        .arg("osm")
        .args(args)
        .arg("--out")
        .arg(dir.join("out"))
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(start.elapsed() < TIMEOUT, "`osm` hung");
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    for fragment in expected {
        assert!(
            stderr.contains(fragment),
            "expected {fragment:?} in:\n{stderr}"
        );
    }
    assert_eq!(stderr.matches(FIFO).count(), 1, "said once: {stderr}");
}

#[test]
fn a_fifo_as_the_osm_extract_or_its_mapping_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("city.osm.pbf");
    mkfifo(&pipe);
    osm_refused(dir.path(), &[&pipe], &["city.osm.pbf", FIFO]);
    let extract = dir.path().join("empty.osm.pbf");
    fs::write(&extract, "").unwrap();
    let mapping = dir.path().join("mapping.toml");
    mkfifo(&mapping);
    osm_refused(
        dir.path(),
        &[&extract, Path::new("--mapping"), &mapping],
        &["mapping.toml", "the mapping", FIFO],
    );
}
