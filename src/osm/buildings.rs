//! Residential buildings: which building polygons house people, and their storeys and floor
//! area in square metres.

use super::areas::{areas, Area, AreaCounts};
use super::element::ElementId;
use super::mapping::Mapping;
use super::read::Extract;
use super::tags::{any_matches, TagSource};
use crate::algo::crs::LocalProjection;
use geo::{Area as _, Centroid, Contains};
use geo_types::{MultiPolygon, Point};
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::RTree;
use serde::Serialize;

/// A residential building.
#[derive(Debug, Clone)]
pub struct Building {
    /// The way or relation.
    pub element: ElementId,
    /// Its `building` value.
    pub building: String,
    /// Its outline, WGS 84.
    pub outline: MultiPolygon<f64>,
    /// Footprint area, m².
    pub footprint_m2: f64,
    /// Storeys: `building:levels`, else the mapping's default for the building type.
    pub levels: f64,
    /// Whether `levels` came from a `building:levels` tag.
    pub levels_tagged: bool,
    /// Footprint × storeys, m².
    pub floor_area_m2: f64,
}

/// How the extract's buildings were sorted out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct BuildingCounts {
    /// Building ways and multipolygon relations, and what became of their polygons.
    pub areas: AreaCounts,
    /// Nodes tagged `building` (no outline, so not used).
    pub nodes: usize,
    /// Residential land-use polygons.
    pub landuse_areas: usize,
    /// Residential by their `building` value.
    pub residential_by_type: usize,
    /// Residential because they stand in residential land use.
    pub residential_in_landuse: usize,
    /// Residential buildings with a usable `building:levels` tag.
    pub levels_tagged: usize,
    /// Residential buildings left out for a zero footprint.
    pub zero_area: usize,
}

/// Residential land use, indexed by bounding box.
struct Landuse {
    outlines: Vec<MultiPolygon<f64>>,
    index: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
}

impl Landuse {
    fn new(areas: Vec<Area>) -> Landuse {
        let outlines: Vec<MultiPolygon<f64>> = areas.into_iter().map(|a| a.outline).collect();
        let boxes = outlines
            .iter()
            .enumerate()
            .filter_map(|(i, o)| {
                let r = geo::BoundingRect::bounding_rect(o)?;
                let rect = Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
                Some(GeomWithData::new(rect, i))
            })
            .collect();
        Landuse {
            outlines,
            index: RTree::bulk_load(boxes),
        }
    }

    fn contains(&self, p: Point<f64>) -> bool {
        self.index
            .locate_all_at_point(&[p.x(), p.y()])
            .any(|hit| self.outlines[hit.data].contains(&p))
    }
}

/// Storeys from a `building:levels` value such as `5`, `4.5` or `3;4` (the first number);
/// `None` unless it is a positive number of at most 200.
pub fn parse_levels(text: &str) -> Option<f64> {
    let first = text.split([';', ',']).next()?.trim();
    let levels: f64 = first.parse().ok()?;
    (levels > 0.0 && levels <= 200.0).then_some(levels)
}

/// The residential buildings of the extract, sorted by element, with every building counted.
pub fn residential_buildings(
    extract: &Extract,
    mapping: &Mapping,
    projection: &LocalProjection,
) -> (Vec<Building>, BuildingCounts) {
    let rules = &mapping.buildings;
    let (buildings, area_counts) = areas(extract, |t| t.tag("building").is_some());
    let (landuse, _) = areas(extract, |t| any_matches(&rules.landuse, t));
    let mut counts = BuildingCounts {
        areas: area_counts,
        nodes: extract
            .tagged_nodes
            .iter()
            .filter(|n| n.tags.tag("building").is_some())
            .count(),
        landuse_areas: landuse.len(),
        ..BuildingCounts::default()
    };
    let landuse = Landuse::new(landuse);
    let listed = |list: &[String], value: &str| list.iter().any(|v| v == value);
    let kept: Vec<(Building, bool)> = buildings
        .into_par_iter()
        .filter_map(|area| {
            let value = area.tags.tag("building")?;
            let by_type = listed(&rules.residential, value);
            if !by_type {
                let in_landuse = listed(&rules.residential_in_landuse, value)
                    && area.outline.centroid().is_some_and(|c| landuse.contains(c));
                if !in_landuse {
                    return None;
                }
            }
            let tagged = area.tags.tag("building:levels").and_then(parse_levels);
            let levels = tagged.unwrap_or_else(|| mapping.default_levels(value));
            let mut plane = area.outline.clone();
            projection.project_geometry(&mut plane);
            let footprint_m2 = plane.unsigned_area();
            Some((
                Building {
                    element: area.element,
                    building: value.to_string(),
                    outline: area.outline,
                    footprint_m2,
                    levels,
                    levels_tagged: tagged.is_some(),
                    floor_area_m2: footprint_m2 * levels,
                },
                by_type,
            ))
        })
        .collect();
    let mut residential = Vec::with_capacity(kept.len());
    for (b, by_type) in kept {
        if b.footprint_m2.is_nan() || b.footprint_m2 <= 0.0 {
            counts.zero_area += 1;
            continue;
        }
        if by_type {
            counts.residential_by_type += 1;
        } else {
            counts.residential_in_landuse += 1;
        }
        counts.levels_tagged += usize::from(b.levels_tagged);
        residential.push(b);
    }
    (residential, counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::osm::testing::{box_area_m2, extract, projection};

    #[test]
    fn levels_parse_leniently_but_reject_nonsense() {
        assert_eq!(parse_levels("5"), Some(5.0));
        assert_eq!(parse_levels(" 4.5 "), Some(4.5));
        assert_eq!(parse_levels("3;4"), Some(3.0));
        assert_eq!(parse_levels("0"), None);
        assert_eq!(parse_levels("-2"), None);
        assert_eq!(parse_levels("many"), None);
        assert_eq!(parse_levels("1000"), None);
        assert_eq!(parse_levels("NaN"), None);
    }

    #[test]
    fn residential_by_type_or_inside_residential_landuse() {
        let e = extract();
        let mapping = Mapping::default_mapping();
        let (homes, counts) = residential_buildings(&e, &mapping, &projection());
        let ids: Vec<String> = homes.iter().map(|b| b.element.to_string()).collect();
        assert_eq!(ids, ["w11", "r1", "r3"]);
        assert_eq!(
            (counts.residential_by_type, counts.residential_in_landuse),
            (2, 1)
        );
        assert_eq!(counts.landuse_areas, 1);
        // The courtyard block: 4 x 4 thousandths of a degree less its 2 x 2 courtyard,
        // 5 storeys by default for apartments.
        let block = &homes[1];
        let expected = box_area_m2(4.0, 4.0) - box_area_m2(2.0, 2.0);
        assert!(
            (block.footprint_m2 / expected - 1.0).abs() < 0.01,
            "{}",
            block.footprint_m2
        );
        assert_eq!((block.levels, block.levels_tagged), (5.0, false));
        assert_eq!(block.floor_area_m2, block.footprint_m2 * 5.0);
    }
}
