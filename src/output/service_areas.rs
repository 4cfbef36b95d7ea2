//! `service_areas.geojson`: for every requirement and every facility, the street segments
//! within the requirement's reach on foot, split at the reach, so QGIS can draw each care
//! point's walkable catchment.

use super::atomic::{write_atomically, ProtectedInputs};
use super::chunks::{write_chunked, FEATURE_SEPARATOR};
use super::geojson::{self, Value};
use crate::config::{Circle, Policy, Requirement};
use crate::coverage::matching_facilities;
use crate::dataset::Dataset;
use crate::network::{catchment_with, piece_geometry, CatchmentScratch, Snap};
use crate::plane::Plane;
use crate::walk::WalkNetwork;
use geo::{Geometry, MapCoords};
use std::io;
use std::path::Path;

/// Distances at piece ends are written rounded to 0.1 m.
fn round_m(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// One facility's catchment to write: its circle, requirement, layer ids, index, entrances.
type Task<'a> = (&'a Circle, &'a Requirement, &'a [String], u32, Vec<Snap>);

/// The properties of every service area feature, in order.
pub const SERVICE_AREA_FIELDS: [&str; 6] = [
    "circle",
    "kind",
    "facility_id",
    "within_m",
    "from_dist_m",
    "to_dist_m",
];

/// Writes one LineString feature per street piece within reach of a facility, with the
/// circle, kind, facility id, reach and walking distance at both ends. Facilities are
/// processed in parallel; the output order (requirement, facility, edge) is fixed.
pub fn write_service_areas(
    path: &Path,
    protected: &ProtectedInputs,
    policy: &Policy,
    dataset: &Dataset,
    plane: &Plane,
    network: &WalkNetwork,
) -> io::Result<()> {
    // Every (requirement, facility) pair, in output order.
    let mut tasks: Vec<Task> = Vec::new();
    for circle in &policy.circles {
        for requirement in &circle.requires {
            let Some(layer) = dataset
                .layers
                .iter()
                .position(|l| l.kind == requirement.kind)
            else {
                continue;
            };
            let keep = matching_facilities(&dataset.layers[layer], requirement);
            let ids = dataset.layers[layer].ids.as_slice();
            for (facility, snaps) in network.entrances(dataset, layer, &keep) {
                tasks.push((circle, requirement, ids, facility, snaps));
            }
        }
    }
    write_atomically(path, protected, |out| {
        geojson::write_header(out)?;
        write_chunked(
            [&mut *out],
            [FEATURE_SEPARATOR],
            tasks.len(),
            |range, [buf]| {
                let mut scratch = CatchmentScratch::new();
                for (circle, requirement, ids, facility, snaps) in &tasks[range] {
                    for piece in
                        catchment_with(&network.graph, snaps, requirement.reach_m, &mut scratch)
                    {
                        let line = piece_geometry(&network.graph, &piece).map_coords(|c| {
                            let (lon, lat) = plane.projection.unproject(c.x, c.y);
                            geo::Coord { x: lon, y: lat }
                        });
                        let properties = [
                            ("circle", Value::Str(&circle.name)),
                            ("kind", Value::Str(&requirement.kind)),
                            ("facility_id", Value::Str(&ids[*facility as usize])),
                            ("within_m", Value::Num(requirement.reach_m)),
                            ("from_dist_m", Value::Num(round_m(piece.from_dist_m))),
                            ("to_dist_m", Value::Num(round_m(piece.to_dist_m))),
                        ];
                        debug_assert!(properties.iter().map(|p| p.0).eq(SERVICE_AREA_FIELDS));
                        let first = buf.is_empty();
                        geojson::push_feature(buf, first, &properties, &Geometry::LineString(line));
                    }
                }
            },
        )?;
        geojson::write_footer(out)
    })
}
