//! The city in a local projected plane, in metres: where all distance work happens.

use crate::algo::crs::LocalProjection;
use crate::analysis::AnalysisError;
use crate::dataset::Dataset;
use crate::error::Error;
use geo::{Centroid, Coord, Geometry, LineString, MapCoords, MultiPolygon};
use rayon::prelude::*;

/// The projected working copy of a [`Dataset`]: block outlines and centroids, and facility
/// locations, in metres (x east, y north) of one local transverse Mercator plane.
pub struct Plane {
    /// The projection used.
    pub projection: LocalProjection,
    /// Block outlines.
    pub block_outlines: Vec<MultiPolygon<f64>>,
    /// Block centroids.
    pub block_centroids: Vec<Coord<f64>>,
    /// The largest distance from a block's centroid to its outline's vertices: every point of
    /// the block lies within this radius of the centroid.
    pub block_radius_m: Vec<f64>,
    /// Facility locations per layer, in the dataset's layer order.
    pub layer_locations: Vec<Vec<Coord<f64>>>,
    /// Street lines.
    pub streets: Vec<LineString<f64>>,
    /// Barrier lines and areas, in the dataset's barrier order.
    pub barriers: Vec<Geometry<f64>>,
    /// Each block's entrances (empty for a block without), in the entrance layer's order.
    pub block_entrances: Vec<Vec<Coord<f64>>>,
}

impl Plane {
    /// Projects a dataset into a transverse Mercator plane centred on its blocks (their
    /// centre robust to strays: see [`crate::dataset::Blocks::centre`]). An error
    /// when there are no blocks or they cannot be projected.
    pub fn new(dataset: &Dataset) -> Result<Plane, Error> {
        let centre = dataset.blocks.centre().ok_or(AnalysisError::NoBlocks)?;
        let projection = LocalProjection::centred_on(centre.x, centre.y)?;
        let project = |c: Coord<f64>| {
            let (x, y) = projection.project(c.x, c.y);
            Coord { x, y }
        };
        let projected: Vec<(MultiPolygon<f64>, Coord<f64>, f64)> = dataset
            .blocks
            .outlines
            .par_iter()
            .map(|outline| {
                let shape = outline.map_coords(project);
                let centroid = shape
                    .centroid()
                    .map(|p| p.0)
                    .unwrap_or_else(|| first_vertex(&shape));
                let radius = shape
                    .0
                    .iter()
                    .flat_map(|p| p.exterior().0.iter())
                    .map(|v| (*v - centroid).x.hypot((*v - centroid).y))
                    .fold(0.0, f64::max);
                (shape, centroid, radius)
            })
            .collect();
        let layer_locations = dataset
            .layers
            .iter()
            .map(|layer| layer.locations.iter().map(|c| project(*c)).collect())
            .collect();
        let streets = dataset
            .streets
            .par_iter()
            .map(|line| line.map_coords(project))
            .collect();
        let barriers = dataset
            .barriers
            .shapes
            .iter()
            .map(|shape| shape.map_coords(project))
            .collect();
        let block_entrances = entrances_by_block(dataset, project);
        let mut plane = Plane {
            projection,
            block_outlines: Vec::with_capacity(projected.len()),
            block_centroids: Vec::with_capacity(projected.len()),
            block_radius_m: Vec::with_capacity(projected.len()),
            layer_locations,
            streets,
            barriers,
            block_entrances,
        };
        for (shape, centroid, radius) in projected {
            plane.block_outlines.push(shape);
            plane.block_centroids.push(centroid);
            plane.block_radius_m.push(radius);
        }
        Ok(plane)
    }
}

/// Each block's entrances, projected, in the entrance layer's order.
fn entrances_by_block(
    dataset: &Dataset,
    project: impl Fn(Coord<f64>) -> Coord<f64>,
) -> Vec<Vec<Coord<f64>>> {
    let entrances = &dataset.entrances;
    let mut by_block = vec![Vec::new(); dataset.blocks.len()];
    for (&b, &c) in entrances.block.iter().zip(&entrances.locations) {
        by_block[b as usize].push(project(c));
    }
    by_block
}

/// A zero-area outline has no area centroid; its first vertex stands in.
fn first_vertex(shape: &MultiPolygon<f64>) -> Coord<f64> {
    shape
        .0
        .first()
        .and_then(|p| p.exterior().0.first().copied())
        .unwrap_or_default()
}
