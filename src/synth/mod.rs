//! A deterministic synthetic city for the demo, tests and benchmarks.
//!
//! [`write_city`] writes housing blocks, facility layers, a walking network and a `city.toml`
//! manifest; [`generate`] builds the same city in memory. The same [`SynthOptions`] always give
//! the same bytes, whatever the number of rayon threads: every block, cell and street node
//! draws its numbers from its own SplitMix64 stream seeded by a hash of the city seed and its
//! grid coordinates (module `rng`), and parallel results are gathered in a fixed order.
//!
//! The city, centred on lon 114.30, lat 30.60, is an irregular street grid warped so that a
//! dense old core of small blocks (~40–65 m, a quarter of the residents 65 or older) gives way
//! to sparse outskirts of larger blocks (~50–100 m, about 13 % elderly); 1,000,000 blocks
//! cover a disc about 105 km across (blocks of 40–120 m cannot fit in much less). A sinuous river (60–100 m wide) crosses
//! it west to east and a railway south to north; both are free of blocks and crossed only by
//! primary streets, on bridges every 1.5–2 km. Facility densities scale with the number of
//! blocks, and a few unserved pockets lack some kinds of facility, so coverage is neither
//! 0 % nor 100 %.

mod barriers;
mod blocks;
mod facilities;
mod frame;
mod grid;
mod layout;
mod rng;
mod segments;
mod streets;
mod write;

#[cfg(test)]
mod tests;

pub use blocks::Block;
pub use facilities::{
    CareBed, ExtendedCare, ExtendedCategory, Hospital, HospitalTier, Responder, ResponderKind,
};
pub use frame::{CENTRE_LAT, CENTRE_LON};
pub use streets::{Highway, Street};
pub use write::care_bed_csv_position;

use crate::output::folder::OutputFolder;
use geo_types::{Coord, LineString, Polygon};
use layout::Plan;
use rayon::prelude::*;
use std::collections::HashSet;
use std::io;
use std::path::Path;

/// What city to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SynthOptions {
    /// Number of housing blocks (exactly this many are generated).
    pub blocks: usize,
    /// Seed of every random choice.
    pub seed: u64,
}

/// A synthetic city in memory, all coordinates WGS 84 longitude/latitude.
#[derive(Debug, Clone)]
pub struct SynthCity {
    /// What was asked for.
    pub options: SynthOptions,
    /// The housing blocks.
    pub blocks: Vec<Block>,
    /// The home-care-bed response points.
    pub care_beds: Vec<CareBed>,
    /// The responder teams' bases.
    pub responders: Vec<Responder>,
    /// The hospitals.
    pub hospitals: Vec<Hospital>,
    /// The extended-care facilities, with pharmacies as distractors.
    pub extended_care: Vec<ExtendedCare>,
    /// The street features of the walking network.
    pub streets: Vec<Street>,
    /// The river's water surface across the city (banks sampled every 10 m).
    pub river: Polygon<f64>,
    /// The railway's centre line across the city (its corridor is 24 m wide).
    pub railway: LineString<f64>,
}

impl SynthCity {
    /// The number of distinct street vertices (the nodes of a street graph).
    pub fn street_nodes(&self) -> usize {
        count_nodes(&self.streets)
    }
}

/// Feature counts of the files written by [`write_city`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SynthSummary {
    /// Features in `blocks.geojson`.
    pub blocks: usize,
    /// Rows in `care_beds.csv`.
    pub care_beds: usize,
    /// Features in `responders.geojson`.
    pub responders: usize,
    /// Features in `hospitals.geojson`.
    pub hospitals: usize,
    /// Features in `extended_care.geojson` (pharmacy distractors included).
    pub extended_care: usize,
    /// Features in `streets.geojson`.
    pub streets: usize,
    /// Distinct vertices of the street features (street-graph nodes).
    pub street_nodes: usize,
    /// Street features that are bridges over the river or the railway.
    pub bridges: usize,
}

/// Distinct vertices, compared as written (rounded to the writer's decimals).
fn count_nodes(streets: &[Street]) -> usize {
    let scale = 10f64.powi(crate::output::geojson::COORDINATE_DECIMALS);
    let key = |c: &Coord<f64>| ((c.x * scale).round() as i64, (c.y * scale).round() as i64);
    let mut seen = HashSet::with_capacity(streets.len() * 3);
    for street in streets {
        seen.extend(street.line.0.iter().map(key));
    }
    seen.len()
}

/// The river's outline and the railway's centre line over the plan's extent.
fn barriers(plan: &Plan) -> (Polygon<f64>, LineString<f64>) {
    let layout = &plan.layout;
    let radius = plan
        .by_key
        .last()
        .map(|&cell| {
            let (x, y) = layout.cell(cell).centre();
            x.hypot(y)
        })
        .unwrap_or(0.0)
        + 2000.0;
    let steps = (2.0 * radius / 10.0).ceil() as usize;
    let xs: Vec<f64> = (0..=steps).map(|k| -radius + 10.0 * k as f64).collect();
    let river = &layout.river;
    let bank = |x: f64, side: f64| {
        layout
            .frame
            .lon_lat((x, river.centre_y(x) + side * river.half_width(x)))
    };
    let mut ring: Vec<Coord<f64>> = xs.iter().map(|&x| bank(x, -1.0)).collect();
    ring.extend(xs.iter().rev().map(|&x| bank(x, 1.0)));
    ring.push(ring[0]);
    let railway = xs
        .iter()
        .step_by(5)
        .map(|&y| layout.frame.lon_lat((layout.railway.centre_x(y), y)))
        .collect();
    (Polygon::new(LineString(ring), vec![]), LineString(railway))
}

/// Builds the whole city in memory.
pub fn generate(options: &SynthOptions) -> SynthCity {
    let plan = Plan::new(options.seed, options.blocks);
    let (river, railway) = barriers(&plan);
    SynthCity {
        options: *options,
        blocks: (0..plan.cells.len())
            .into_par_iter()
            .map(|k| blocks::block(&plan, k))
            .collect(),
        care_beds: facilities::care_beds(&plan),
        responders: facilities::responders(&plan),
        hospitals: facilities::hospitals(&plan),
        extended_care: facilities::extended_care(&plan),
        streets: streets::streets(&plan),
        river,
        railway,
    }
}

/// Writes the city into `dir` (created if needed): `blocks.geojson`, `care_beds.csv`,
/// `responders.geojson`, `hospitals.geojson`, `extended_care.geojson`, `streets.geojson`,
/// `barriers.geojson` (the river and the railway), `policy.toml` and the manifest `city.toml`,
/// moved into place as one set with the folder's record ([`crate::output::folder`]); other
/// files in `dir` are left alone.
pub fn write_city(dir: &Path, options: &SynthOptions) -> io::Result<SynthSummary> {
    let mut folder = OutputFolder::create(dir, [], "synth")?;
    let plan = Plan::new(options.seed, options.blocks);
    write::write_blocks(&folder.plan("blocks.geojson"), &plan)?;
    let care_beds = facilities::care_beds(&plan);
    write::write_care_beds(&folder.plan("care_beds.csv"), &care_beds)?;
    let responders = facilities::responders(&plan);
    write::write_list(
        &folder.plan("responders.geojson"),
        &responders,
        write::push_responder,
    )?;
    let hospitals = facilities::hospitals(&plan);
    write::write_list(
        &folder.plan("hospitals.geojson"),
        &hospitals,
        write::push_hospital,
    )?;
    let extended = facilities::extended_care(&plan);
    write::write_list(
        &folder.plan("extended_care.geojson"),
        &extended,
        write::push_extended,
    )?;
    let streets = streets::streets(&plan);
    write::write_list(
        &folder.plan("streets.geojson"),
        &streets,
        write::push_street,
    )?;
    let (river, railway) = barriers(&plan);
    write::write_barriers(&folder.plan("barriers.geojson"), &river, &railway)?;
    write::write_policy(&folder.plan("policy.toml"))?;
    write::write_manifest(&folder.plan("city.toml"), options)?;
    folder.commit()?;
    Ok(SynthSummary {
        blocks: plan.cells.len(),
        care_beds: care_beds.len(),
        responders: responders.len(),
        hospitals: hospitals.len(),
        extended_care: extended.len(),
        streets: streets.len(),
        street_nodes: count_nodes(&streets),
        bridges: streets.iter().filter(|s| s.bridge).count(),
    })
}
