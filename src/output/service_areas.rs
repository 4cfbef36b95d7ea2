//! The `service_areas` layer: for every requirement and every facility, the street segments
//! within the requirement's reach on foot, split at the reach, so QGIS can draw each care
//! point's walkable catchment.

use super::format::round_to;
use super::geojson::Value;
use super::layer::{Field, FieldType, GeometryType, Layer, Schema, Shape};
use crate::algo::network::{catchment_with, piece_geometry, CatchmentScratch, Snap};
use crate::analysis::coverage::matching_facilities;
use crate::analysis::plane::Plane;
use crate::analysis::walking::WalkNetwork;
use crate::config::{Circle, Policy, Requirement};
use crate::dataset::Dataset;
use geo::{LineString, MapCoords};
use rayon::prelude::*;

/// One facility's catchment: its circle, requirement, layer ids, index, entrances.
type Task<'a> = (&'a Circle, &'a Requirement, &'a [String], u32, Vec<Snap>);

/// One street piece within reach of a facility.
struct Piece {
    /// The task (requirement and facility) it belongs to.
    task: usize,
    /// Its line in WGS 84.
    line: LineString<f64>,
    /// Walking distance at its start and end, rounded to 0.1 m.
    from_dist_m: f64,
    to_dist_m: f64,
}

/// One LineString feature per street piece within reach of a facility, with the circle,
/// kind, facility id, reach and walking distance at both ends, in a fixed order
/// (requirement, facility, edge).
pub struct ServiceAreaLayer<'a> {
    tasks: Vec<Task<'a>>,
    pieces: Vec<Piece>,
    schema: Schema,
}

impl<'a> ServiceAreaLayer<'a> {
    /// Every facility's catchment on foot, computed in parallel.
    pub fn new(
        policy: &'a Policy,
        dataset: &'a Dataset,
        plane: &Plane,
        network: &WalkNetwork,
    ) -> ServiceAreaLayer<'a> {
        use FieldType::{Real, Text};
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
        let pieces = tasks
            .par_iter()
            .enumerate()
            .map_init(
                CatchmentScratch::new,
                |scratch, (task, (_, requirement, _, _, snaps))| {
                    catchment_with(&network.graph, snaps, requirement.reach_m, scratch)
                        .into_iter()
                        .map(|piece| Piece {
                            task,
                            line: piece_geometry(&network.graph, &piece).map_coords(|c| {
                                let (lon, lat) = plane.projection.unproject(c.x, c.y);
                                geo::Coord { x: lon, y: lat }
                            }),
                            from_dist_m: round_to(piece.from_dist_m, 1),
                            to_dist_m: round_to(piece.to_dist_m, 1),
                        })
                        .collect::<Vec<_>>()
                },
            )
            .flatten_iter()
            .collect();
        ServiceAreaLayer {
            tasks,
            pieces,
            schema: Schema {
                name: "service_areas",
                geometry_type: GeometryType::LineString,
                fields: Field::list(&[
                    ("circle", Text),
                    ("kind", Text),
                    ("facility_id", Text),
                    ("within_m", Real),
                    ("from_dist_m", Real),
                    ("to_dist_m", Real),
                ]),
            },
        }
    }
}

impl Layer for ServiceAreaLayer<'_> {
    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn len(&self) -> usize {
        self.pieces.len()
    }

    fn geometry(&self, k: usize) -> Shape<'_> {
        Shape::LineString(&self.pieces[k].line)
    }

    fn values<'s>(&'s self, k: usize, row: &mut Vec<Value<'s>>) {
        let piece = &self.pieces[k];
        let (circle, requirement, ids, facility, _) = &self.tasks[piece.task];
        row.extend([
            Value::Str(&circle.name),
            Value::Str(&requirement.kind),
            Value::Str(&ids[*facility as usize]),
            Value::Num(requirement.reach_m),
            Value::Num(piece.from_dist_m),
            Value::Num(piece.to_dist_m),
        ]);
    }
}
