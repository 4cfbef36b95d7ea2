//! Referral-chain checks: a care-bed point with no hospice within reach of the point itself.

mod common;

use common::{at, carecircle, pocket_city};
use serde_json::Value;
use std::fs;

#[test]
fn care_bed_points_without_a_hospice_within_reach_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = pocket_city(dir.path());
    // cb1 (named) stands at x = 1,000 m; cb2 (no name) far east at x = 5,000 m, and a
    // hospice at x = 1,500 m.
    let (lon1, lat1) = at(1000.0, 0.0);
    let (lon2, lat2) = at(5000.0, 0.0);
    fs::write(
        dir.path().join("care_beds.csv"),
        format!("id,name,lon,lat\ncb1,康寧居,{lon1},{lat1}\ncb2,,{lon2},{lat2}\n"),
    )
    .unwrap();
    let (lon, lat) = at(1500.0, 0.0);
    fs::write(
        dir.path().join("hospices.csv"),
        format!("id,lon,lat\nh1,{lon},{lat}\n"),
    )
    .unwrap();
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(
        &manifest,
        format!("{text}[layers.hospice]\npath = \"hospices.csv\"\n"),
    )
    .unwrap();
    let policy = fs::read_to_string(dir.path().join("policy.toml")).unwrap();
    fs::write(
        dir.path().join("policy.toml"),
        format!("{policy}[[referrals]]\nfrom = \"care_bed\"\nto = \"hospice\"\nwithin_m = 1000\n"),
    )
    .unwrap();
    let out = dir.path().join("out");
    carecircle()
        .arg("report")
        .arg(&manifest)
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "referral chains: 1 of 2 care_bed points have no hospice within 1,000 m",
        ));
    let rows = fs::read_to_string(out.join("referrals.csv")).unwrap();
    let rows: Vec<Vec<&str>> = rows.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(
        rows[0],
        [
            "from",
            "facility_id",
            "facility_name",
            "to",
            "within_m",
            "straight_m",
            "walk_m",
            "referral_within_reach"
        ]
    );
    assert_eq!(
        (rows[1][1], rows[1][2], rows[1][7]),
        ("cb1", "康寧居", "true")
    );
    assert!((rows[1][5].parse::<f64>().unwrap() - 500.0).abs() < 2.0);
    assert_eq!((rows[2][1], rows[2][2], rows[2][7]), ("cb2", "", "false"));
    let summary: Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["referrals"][0]["points_without_referral"], 1);
}

#[test]
fn the_default_policy_checks_care_beds_for_a_hospice() {
    let policy = carecircle::config::Policy::default_policy();
    assert_eq!(policy.referrals.len(), 1);
    assert_eq!(
        (
            policy.referrals[0].from.as_str(),
            policy.referrals[0].to.as_str()
        ),
        ("care_bed", "hospice")
    );
    assert_eq!(policy.referrals[0].within_m, 1000.0);
}
