//! Facility layers: home-care-bed response points, responder teams, hospitals and the
//! extended-care facilities (hospices, home-sickbed referral centres, and pharmacies as
//! distractors), all kept out of the plan's unserved pockets where their kind is absent.

use super::layout::{absent, smoothstep, Plan};
use super::rng::{domain, Rng};
use geo_types::{Coord, LineString, Point, Polygon};
use rayon::prelude::*;

/// A home-care-bed response point.
#[derive(Debug, Clone, PartialEq)]
pub struct CareBed {
    /// Unique id such as "CB0000001".
    pub id: String,
    /// WGS 84 longitude/latitude.
    pub position: Point<f64>,
    /// Number of home care beds served, 2–20.
    pub capacity: u32,
}

/// The kind of a responder team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResponderKind {
    /// A team of social workers (2–6 people).
    SocialWorker,
    /// A team of volunteers (3–12 people).
    Volunteer,
}

impl ResponderKind {
    /// The property value: "social_worker" or "volunteer".
    pub fn as_str(self) -> &'static str {
        match self {
            ResponderKind::SocialWorker => "social_worker",
            ResponderKind::Volunteer => "volunteer",
        }
    }
}

/// A responder team's base.
#[derive(Debug, Clone, PartialEq)]
pub struct Responder {
    /// Unique id such as "R0000001".
    pub id: String,
    /// WGS 84 longitude/latitude.
    pub position: Point<f64>,
    /// Social workers or volunteers.
    pub kind: ResponderKind,
    /// People in the team.
    pub team_size: u32,
}

/// A hospital's tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HospitalTier {
    /// A tertiary (regional) hospital.
    Tertiary,
    /// A secondary (district) hospital.
    Secondary,
    /// A primary (community) hospital.
    Primary,
}

impl HospitalTier {
    /// The property value: "tertiary", "secondary" or "primary".
    pub fn as_str(self) -> &'static str {
        match self {
            HospitalTier::Tertiary => "tertiary",
            HospitalTier::Secondary => "secondary",
            HospitalTier::Primary => "primary",
        }
    }
}

/// A hospital.
#[derive(Debug, Clone, PartialEq)]
pub struct Hospital {
    /// Unique id such as "H0000001".
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its tier.
    pub tier: HospitalTier,
    /// Its beds.
    pub beds: u32,
    /// WGS 84 longitude/latitude.
    pub position: Point<f64>,
}

/// The category of an extended-care facility.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExtendedCategory {
    /// A hospice.
    Hospice,
    /// A home-sickbed referral centre.
    HomeSickbedReferral,
    /// Not an extended-care facility: a distractor that the layer filter must exclude.
    Pharmacy,
}

impl ExtendedCategory {
    /// The property value: "hospice", "home_sickbed_referral" or "pharmacy".
    pub fn as_str(self) -> &'static str {
        match self {
            ExtendedCategory::Hospice => "hospice",
            ExtendedCategory::HomeSickbedReferral => "home_sickbed_referral",
            ExtendedCategory::Pharmacy => "pharmacy",
        }
    }
}

/// An extended-care facility (or a pharmacy) with its building footprint.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtendedCare {
    /// Unique id such as "E0000001".
    pub id: String,
    /// Its name.
    pub name: String,
    /// What it is.
    pub category: ExtendedCategory,
    /// Its beds.
    pub beds: u32,
    /// A small rotated rectangle in WGS 84 longitude/latitude; readers take its centroid.
    pub footprint: Polygon<f64>,
}

/// Facility chosen for one block's cell, before ids are assigned.
fn per_cell<T: Send>(
    plan: &Plan,
    domain: u64,
    make: impl Fn(&mut Rng, (f64, f64), f64) -> Option<T> + Sync,
) -> Vec<T> {
    plan.cells
        .par_iter()
        .filter_map(|&cell| {
            let layout = &plan.layout;
            let centre = layout.cell(cell).centre();
            let outer = smoothstep(
                layout.core_radius,
                2.5 * layout.core_radius,
                centre.0.hypot(centre.1),
            );
            let mut rng = Rng::for_item(layout.seed, domain, cell.0.into(), cell.1.into());
            make(&mut rng, centre, outer)
        })
        .collect()
}

fn jittered(rng: &mut Rng, (x, y): (f64, f64), by: f64) -> (f64, f64) {
    (x + rng.range(-by, by), y + rng.range(-by, by))
}

/// Care-bed response points: about one per 10 blocks in the core, one per 30 outside.
pub(crate) fn care_beds(plan: &Plan) -> Vec<CareBed> {
    let found = per_cell(plan, domain::CARE_BED, |rng, centre, outer| {
        let p = 0.10 + (1.0 / 30.0 - 0.10) * outer;
        if !rng.chance(p) || plan.barred(centre, absent::CARE_BED) {
            return None;
        }
        let capacity = if outer < 0.5 {
            rng.int(4, 20)
        } else {
            rng.int(2, 12)
        };
        Some((jittered(rng, centre, 12.0), capacity))
    });
    found
        .into_iter()
        .enumerate()
        .map(|(k, (p, capacity))| CareBed {
            id: format!("CB{:07}", k + 1),
            position: plan.layout.frame.lon_lat(p).into(),
            capacity,
        })
        .collect()
}

/// Responder teams: about one per 16 blocks in the core, one per 40 outside.
pub(crate) fn responders(plan: &Plan) -> Vec<Responder> {
    let found = per_cell(plan, domain::RESPONDER, |rng, centre, outer| {
        let p = 1.0 / 16.0 + (1.0 / 40.0 - 1.0 / 16.0) * outer;
        if !rng.chance(p) || plan.barred(centre, absent::RESPONDER) {
            return None;
        }
        let (kind, team_size) = if rng.chance(0.4) {
            (ResponderKind::SocialWorker, rng.int(2, 6))
        } else {
            (ResponderKind::Volunteer, rng.int(3, 12))
        };
        Some((jittered(rng, centre, 20.0), kind, team_size))
    });
    found
        .into_iter()
        .enumerate()
        .map(|(k, (p, kind, team_size))| Responder {
            id: format!("R{:07}", k + 1),
            position: plan.layout.frame.lon_lat(p).into(),
            kind,
            team_size,
        })
        .collect()
}

/// `count` sites for facilities of pocket kind `what`, biased towards the centre by
/// `power` (a site is the cell at key rank n * u^power), each a cell centre with its rank.
fn sites(
    plan: &Plan,
    rng: &mut Rng,
    count: usize,
    power: f64,
    what: u8,
) -> Vec<(usize, (f64, f64))> {
    let n = plan.by_key.len();
    let mut found = Vec::with_capacity(count);
    for _ in 0..count {
        for _attempt in 0..30 {
            let rank = ((rng.unit().powf(power) * n as f64) as usize).min(n - 1);
            let centre = plan.layout.cell(plan.by_key[rank]).centre();
            if !plan.barred(centre, what) {
                found.push((rank, jittered(rng, centre, 8.0)));
                break;
            }
        }
    }
    found
}

/// Hospitals: a handful of tertiary ones per 100,000 blocks clustered near the core, one
/// secondary per 5,000 blocks and one primary per 1,200 (at least one of each).
pub(crate) fn hospitals(plan: &Plan) -> Vec<Hospital> {
    let n = plan.by_key.len();
    if n == 0 {
        return Vec::new();
    }
    let mut rng = Rng::for_item(plan.layout.seed, domain::CITY, 2, 0);
    let tiers = [
        (
            HospitalTier::Tertiary,
            (n * 5).div_ceil(100_000),
            4.0,
            "General Hospital",
            (800, 3500),
        ),
        (
            HospitalTier::Secondary,
            n.div_ceil(5_000),
            1.5,
            "District Hospital",
            (150, 700),
        ),
        (
            HospitalTier::Primary,
            n.div_ceil(1_200),
            1.0,
            "Community Health Centre",
            (10, 80),
        ),
    ];
    let mut all = Vec::new();
    for (tier, count, power, label, (lo, hi)) in tiers {
        for (k, (_, p)) in sites(plan, &mut rng, count, power, absent::HOSPITAL)
            .into_iter()
            .enumerate()
        {
            all.push(Hospital {
                id: format!("H{:07}", all.len() + 1),
                name: format!("{label} {}", k + 1),
                tier,
                beds: rng.int(lo, hi),
                position: plan.layout.frame.lon_lat(p).into(),
            });
        }
    }
    all
}

/// Hospices (one per 8,000 blocks), home-sickbed referral centres (one per 2,500) and
/// pharmacies (one per 400, never barred), ordered by distance rank from the centre.
pub(crate) fn extended_care(plan: &Plan) -> Vec<ExtendedCare> {
    let n = plan.by_key.len();
    if n == 0 {
        return Vec::new();
    }
    let mut rng = Rng::for_item(plan.layout.seed, domain::CITY, 3, 0);
    let kinds = [
        (
            ExtendedCategory::Hospice,
            n.div_ceil(8_000),
            1.2,
            absent::EXTENDED,
            "Hospice",
            (8, 60),
        ),
        (
            ExtendedCategory::HomeSickbedReferral,
            n.div_ceil(2_500),
            1.0,
            absent::EXTENDED,
            "Home Sickbed Referral Centre",
            (0, 30),
        ),
        (
            ExtendedCategory::Pharmacy,
            n.div_ceil(400),
            1.3,
            0,
            "Pharmacy",
            (0, 0),
        ),
    ];
    let mut all = Vec::new();
    for (order, (category, count, power, what, label, (lo, hi))) in kinds.into_iter().enumerate() {
        for (k, (rank, (x, y))) in sites(plan, &mut rng, count, power, what)
            .into_iter()
            .enumerate()
        {
            let (w, h) = (rng.range(14.0, 34.0), rng.range(10.0, 26.0));
            let (sin, cos) = rng.range(0.0, std::f64::consts::PI).sin_cos();
            let mut ring: Vec<Coord<f64>> = [(-w, -h), (w, -h), (w, h), (-w, h)]
                .iter()
                .map(|&(dx, dy)| {
                    let (dx, dy) = (dx / 2.0, dy / 2.0);
                    plan.layout
                        .frame
                        .lon_lat((x + dx * cos - dy * sin, y + dx * sin + dy * cos))
                })
                .collect();
            ring.push(ring[0]);
            let facility = ExtendedCare {
                id: String::new(),
                name: format!("{label} {}", k + 1),
                category,
                beds: rng.int(lo, hi),
                footprint: Polygon::new(LineString(ring), vec![]),
            };
            all.push(((rank, order, k), facility));
        }
    }
    all.sort_by_key(|(key, _)| *key);
    all.into_iter()
        .enumerate()
        .map(|(k, (_, mut facility))| {
            facility.id = format!("E{:07}", k + 1);
            facility
        })
        .collect()
}
