//! `synth`, `demo` and `osm` never overwrite a user's files: a folder holding files carecircle
//! did not write there (or edited since) is refused before anything is written, unless
//! `--force`; re-running into their own untouched folder works.

mod common;

use common::{carecircle, folder_bytes};
use predicates::prelude::*;
use predicates::str::contains;
use std::fs;
use std::path::{Path, PathBuf};

/// The Monaco extract in `fixtures/osm`.
fn monaco_pbf() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/osm/monaco/monaco.osm.pbf")
}

/// The command writing a city folder into `out`, with `extra` arguments.
fn command(kind: &str, out: &Path, extra: &[&str]) -> assert_cmd::Command {
    let mut cmd = carecircle();
    match kind {
        "synth" => cmd.args(["synth", "--blocks", "50"]),
        "demo" => cmd.args(["demo", "--blocks", "50"]),
        "osm" => cmd.arg("osm").arg(monaco_pbf()),
        _ => unreachable!("{kind}"),
    };
    cmd.arg("--out").arg(out).args(extra);
    cmd
}

/// Runs the command and expects success.
fn writes(kind: &str, out: &Path, extra: &[&str]) {
    command(kind, out, extra)
        .assert()
        .success()
        .stderr(contains("panicked").not());
}

/// Runs the command and expects a refusal naming `dir` and `file`, suggesting `--force`; the
/// folder `out` is left exactly as it was.
fn refuses(kind: &str, out: &Path, dir: &Path, file: &str) {
    let before = tree_bytes(out);
    command(kind, out, &[]).assert().failure().stderr(
        contains(dir.display().to_string())
            .and(contains(file))
            .and(contains("--force"))
            .and(contains("did not write")),
    );
    assert_eq!(tree_bytes(out), before, "{kind} changed {}", out.display());
}

/// Every file under `dir` (one level of subfolders), by relative name, with its bytes.
fn tree_bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = folder_bytes(dir);
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            let sub = path.file_name().unwrap().to_string_lossy().into_owned();
            files.extend(
                folder_bytes(&path)
                    .into_iter()
                    .map(|(name, bytes)| (format!("{sub}/{name}"), bytes)),
            );
        }
    }
    files.sort();
    files
}

/// The folder the command's city (with its policy.toml) is written into.
fn city_dir(kind: &str, out: &Path) -> PathBuf {
    if kind == "demo" {
        out.join("input")
    } else {
        out.to_path_buf()
    }
}

/// A foreign file in an otherwise empty folder: refused, the file untouched, nothing written.
fn refuses_a_foreign_file(kind: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("notes.txt"), "my notes").unwrap();
    refuses(kind, &out, &out, "notes.txt");
    assert_eq!(fs::read_dir(&out).unwrap().count(), 1);
    assert_eq!(
        fs::read_to_string(out.join("notes.txt")).unwrap(),
        "my notes"
    );
}

/// A hand-edited policy.toml in the command's own folder: refused, the edit kept; then
/// `--force` overwrites it with the command's policy and leaves a foreign file alone.
fn refuses_an_edited_policy_until_forced(kind: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    writes(kind, &out, &[]);
    let city = city_dir(kind, &out);
    let policy = city.join("policy.toml");
    let original = fs::read_to_string(&policy).unwrap();
    let edited = format!("{original}\n# my edit\n");
    fs::write(&policy, &edited).unwrap();
    refuses(kind, &out, &city, "policy.toml");
    assert_eq!(fs::read_to_string(&policy).unwrap(), edited);

    fs::write(out.join("notes.txt"), "my notes").unwrap();
    writes(kind, &out, &["--force"]);
    assert_eq!(fs::read_to_string(&policy).unwrap(), original);
    assert_eq!(
        fs::read_to_string(out.join("notes.txt")).unwrap(),
        "my notes"
    );
    // The foreign file is still not carecircle's.
    refuses(kind, &out, &out, "notes.txt");
}

/// Re-running into the command's own untouched folder works and writes the same bytes.
fn reruns_into_its_own_folder(kind: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    writes(kind, &out, &[]);
    let city = city_dir(kind, &out);
    assert!(city.join(".carecircle-files").is_file());
    let first = folder_bytes(&city);
    writes(kind, &out, &[]);
    assert_eq!(folder_bytes(&city), first);
}

#[test]
fn synth_refuses_a_folder_with_a_foreign_file() {
    refuses_a_foreign_file("synth");
}

#[test]
fn synth_refuses_a_hand_edited_policy_until_forced() {
    refuses_an_edited_policy_until_forced("synth");
}

#[test]
fn synth_reruns_into_its_own_folder() {
    reruns_into_its_own_folder("synth");
}

#[test]
fn synth_writes_into_an_empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    writes("synth", dir.path(), &[]);
    assert!(dir.path().join("city.toml").is_file());
}

#[test]
fn synth_refuses_a_user_subfolder_and_a_changed_file_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    writes("synth", out, &[]);
    fs::create_dir(out.join("photos")).unwrap();
    refuses("synth", out, out, "photos/");
    fs::remove_dir(out.join("photos")).unwrap();
    // A file carecircle wrote, replaced by other bytes of the same length.
    let blocks = out.join("blocks.geojson");
    let mut bytes = fs::read(&blocks).unwrap();
    let last = bytes.len() - 2;
    bytes[last] = if bytes[last] == b' ' { b'\n' } else { b' ' };
    fs::write(&blocks, &bytes).unwrap();
    refuses(
        "synth",
        out,
        out,
        "blocks.geojson (changed since carecircle wrote it)",
    );
}

#[test]
fn synth_force_writes_over_an_unrecorded_city() {
    // A folder from before the record: the same files, no record.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    writes("synth", out, &[]);
    fs::remove_file(out.join(".carecircle-files")).unwrap();
    refuses("synth", out, out, "barriers.geojson");
    writes("synth", out, &["--force"]);
    writes("synth", out, &[]);
}

#[test]
fn demo_refuses_a_folder_with_a_foreign_file() {
    refuses_a_foreign_file("demo");
}

#[test]
fn demo_refuses_a_foreign_file_in_its_input_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    fs::create_dir_all(out.join("input")).unwrap();
    fs::write(out.join("input/blocks.geojson"), "mine").unwrap();
    refuses("demo", &out, &out.join("input"), "blocks.geojson");
    assert_eq!(
        fs::read_to_string(out.join("input/blocks.geojson")).unwrap(),
        "mine"
    );
}

#[test]
fn demo_refuses_an_edited_report_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    writes("demo", &out, &[]);
    fs::write(out.join("summary.json"), "{}").unwrap();
    refuses("demo", &out, &out, "summary.json");
}

#[test]
fn demo_refuses_a_hand_edited_policy_until_forced() {
    refuses_an_edited_policy_until_forced("demo");
}

#[test]
fn demo_reruns_into_its_own_folder() {
    reruns_into_its_own_folder("demo");
}

#[test]
fn osm_refuses_a_folder_with_a_foreign_file() {
    refuses_a_foreign_file("osm");
}

#[test]
fn osm_refuses_a_hand_edited_policy_until_forced() {
    refuses_an_edited_policy_until_forced("osm");
}

#[test]
fn osm_reruns_into_its_own_folder() {
    reruns_into_its_own_folder("osm");
}

#[test]
fn osm_accepts_its_extract_inside_the_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let pbf = dir.path().join("monaco.osm.pbf");
    fs::copy(monaco_pbf(), &pbf).unwrap();
    carecircle()
        .arg("osm")
        .arg(&pbf)
        .arg("--out")
        .arg(dir.path())
        .assert()
        .success();
    assert_eq!(fs::read(&pbf).unwrap(), fs::read(monaco_pbf()).unwrap());
}

#[test]
fn report_records_what_it_wrote_beside_an_earlier_record() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    writes("synth", out, &[]);
    carecircle()
        .arg("report")
        .arg(out.join("city.toml"))
        .args(["--format", "gpkg", "--out"])
        .arg(out)
        .assert()
        .success();
    let record = fs::read_to_string(out.join(".carecircle-files")).unwrap();
    for name in ["city.toml", "policy.toml", "summary.json", "coverage.csv"] {
        assert!(
            record.lines().any(|l| l.ends_with(&format!("  {name}"))),
            "{name} not in {record}"
        );
    }
    // Every file in the folder is carecircle's: synth may write into it again, and the
    // report's entries stay.
    writes("synth", out, &[]);
    let record = fs::read_to_string(out.join(".carecircle-files")).unwrap();
    assert!(record.contains("  summary.json\n"), "{record}");
}
