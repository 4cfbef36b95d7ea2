//! Residential buildings: which building polygons house people, and their storeys and floor
//! area in square metres.

use super::areas::{areas, Area, AreaCounts};
use super::clip::Clip;
use super::element::ElementId;
use super::mapping::{BuildingRules, Mapping};
use super::read::Extract;
use super::tags::{any_matches, TagSource, Tags};
use crate::algo::crs::LocalProjection;
use crate::input::rings::self_crossing;
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
    /// Land-use polygons of any kind.
    pub any_landuse_areas: usize,
    /// Residential by their `building` value.
    pub residential_by_type: usize,
    /// Residential because they stand in residential land use.
    pub residential_in_landuse: usize,
    /// Residential because they stand in no land use at all.
    pub residential_without_landuse: usize,
    /// Residential buildings with a usable `building:levels` tag.
    pub levels_tagged: usize,
    /// Building polygons left out, by the first reason that applies.
    pub left_out: LeftOut,
}

/// Building polygons left out, each counted once, under the first reason that applies in
/// this order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct LeftOut {
    /// Their centroid lies outside the boundary.
    pub outside_boundary: usize,
    /// Their `building` value is in none of the mapping's residential lists.
    pub not_residential_type: usize,
    /// Tagged as something other than housing (`not_residential`).
    pub not_residential_tags: usize,
    /// An untyped building (`yes`) in land use that does not make it residential.
    pub not_residential_landuse: usize,
    /// A ring of the outline crosses itself (a bow tie: no meaningful area or centroid;
    /// `report` would refuse it).
    pub crosses_itself: usize,
    /// Footprint below `min_footprint_m2` (or none at all).
    pub too_small: usize,
}

impl LeftOut {
    /// All of them.
    pub fn total(&self) -> usize {
        self.outside_boundary
            + self.not_residential_type
            + self.not_residential_tags
            + self.not_residential_landuse
            + self.crosses_itself
            + self.too_small
    }
}

/// Why a building is housing, or why not.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Verdict {
    ByType,
    InLanduse,
    WithoutLanduse,
    OutsideBoundary,
    OtherType,
    OtherTags,
    OtherLanduse,
    CrossesItself,
}

/// Land use, indexed by bounding box.
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

/// What a building is judged against: the mapping's rules, the land use and the boundary.
struct Judge<'a> {
    rules: &'a BuildingRules,
    residential: Landuse,
    any: Landuse,
    clip: Option<&'a Clip>,
}

impl Judge<'_> {
    /// Whether a building with these tags, `building` value and outline is housing.
    fn verdict(&self, tags: &Tags, value: &str, outline: &MultiPolygon<f64>) -> Verdict {
        let centroid = outline.centroid();
        let inside = |clip: &Clip| centroid.is_some_and(|c| clip.contains(c.0));
        if self.clip.is_some_and(|clip| !inside(clip)) {
            return Verdict::OutsideBoundary;
        }
        let listed = |list: &[String]| list.iter().any(|v| v == value);
        let r = self.rules;
        if listed(&r.residential) {
            return Verdict::ByType;
        }
        let in_landuse = listed(&r.residential_in_landuse);
        let without_landuse = listed(&r.residential_without_landuse);
        if !(in_landuse || without_landuse) {
            return Verdict::OtherType;
        }
        if any_matches(&r.not_residential, tags) {
            return Verdict::OtherTags;
        }
        let Some(c) = centroid else {
            return Verdict::OtherLanduse;
        };
        if in_landuse && self.residential.contains(c) {
            Verdict::InLanduse
        } else if without_landuse && !self.any.contains(c) {
            Verdict::WithoutLanduse
        } else {
            Verdict::OtherLanduse
        }
    }
}

/// Storeys from a `building:levels` value such as `5`, `4.5` or `3;4` (the first number);
/// `None` unless it is a positive number of at most 200.
pub fn parse_levels(text: &str) -> Option<f64> {
    let first = text.split([';', ',']).next()?.trim();
    let levels: f64 = first.parse().ok()?;
    (levels > 0.0 && levels <= 200.0).then_some(levels)
}

/// The residential buildings of the extract, sorted by element, with every building counted;
/// with a `clip`, only those whose centroid lies inside the boundary.
pub fn residential_buildings(
    extract: &Extract,
    mapping: &Mapping,
    projection: &LocalProjection,
    clip: Option<&Clip>,
) -> (Vec<Building>, BuildingCounts) {
    let rules = &mapping.buildings;
    let (buildings, area_counts) = areas(extract, |t| t.tag("building").is_some());
    let (residential, _) = areas(extract, |t| any_matches(&rules.landuse, t));
    let (any, _) = areas(extract, |t| any_matches(&rules.any_landuse, t));
    let mut counts = BuildingCounts {
        areas: area_counts,
        nodes: extract
            .tagged_nodes
            .iter()
            .filter(|n| n.tags.tag("building").is_some())
            .count(),
        landuse_areas: residential.len(),
        any_landuse_areas: any.len(),
        ..BuildingCounts::default()
    };
    let judge = Judge {
        rules,
        residential: Landuse::new(residential),
        any: Landuse::new(any),
        clip,
    };
    let judged: Vec<(Verdict, Option<Building>)> = buildings
        .into_par_iter()
        .map(|area| {
            let value = area.tags.tag("building").unwrap_or_default();
            let verdict = match judge.verdict(area.tags, value, &area.outline) {
                v if is_housing(v) && crosses_itself(&area.outline) => Verdict::CrossesItself,
                v => v,
            };
            let housing = is_housing(verdict);
            (
                verdict,
                housing.then(|| building(area, value, mapping, projection)),
            )
        })
        .collect();
    let mut kept = Vec::with_capacity(judged.len());
    for (verdict, b) in judged {
        let left_out = &mut counts.left_out;
        match verdict {
            Verdict::OutsideBoundary => left_out.outside_boundary += 1,
            Verdict::OtherType => left_out.not_residential_type += 1,
            Verdict::OtherTags => left_out.not_residential_tags += 1,
            Verdict::OtherLanduse => left_out.not_residential_landuse += 1,
            Verdict::CrossesItself => left_out.crosses_itself += 1,
            _ => {}
        }
        let Some(b) = b else { continue };
        if !(b.footprint_m2 > 0.0 && b.footprint_m2 >= rules.min_footprint_m2) {
            left_out.too_small += 1;
            continue;
        }
        match verdict {
            Verdict::ByType => counts.residential_by_type += 1,
            Verdict::InLanduse => counts.residential_in_landuse += 1,
            _ => counts.residential_without_landuse += 1,
        }
        counts.levels_tagged += usize::from(b.levels_tagged);
        kept.push(b);
    }
    (kept, counts)
}

/// Whether a verdict makes a building housing.
fn is_housing(verdict: Verdict) -> bool {
    matches!(
        verdict,
        Verdict::ByType | Verdict::InLanduse | Verdict::WithoutLanduse
    )
}

/// Whether a ring of the outline crosses itself.
fn crosses_itself(outline: &MultiPolygon<f64>) -> bool {
    outline
        .0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .any(|ring| self_crossing(&ring.0).is_some())
}

/// A residential building: its footprint, storeys and floor area.
fn building(area: Area, value: &str, mapping: &Mapping, projection: &LocalProjection) -> Building {
    let tagged = area.tags.tag("building:levels").and_then(parse_levels);
    let levels = tagged.unwrap_or_else(|| mapping.default_levels(value));
    let mut plane = area.outline.clone();
    projection.project_geometry(&mut plane);
    let footprint_m2 = plane.unsigned_area();
    Building {
        element: area.element,
        building: value.to_string(),
        outline: area.outline,
        footprint_m2,
        levels,
        levels_tagged: tagged.is_some(),
        floor_area_m2: footprint_m2 * levels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::osm::testing::{box_area_m2, extract, projection, LAT0, LON0};

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
        let (homes, counts) = residential_buildings(&e, &mapping, &projection(), None);
        let ids: Vec<String> = homes.iter().map(|b| b.element.to_string()).collect();
        // w12 stands in no land use at all.
        assert_eq!(ids, ["w11", "w12", "r1", "r3"]);
        assert_eq!(
            (
                counts.residential_by_type,
                counts.residential_in_landuse,
                counts.residential_without_landuse
            ),
            (2, 1, 1)
        );
        assert_eq!((counts.landuse_areas, counts.any_landuse_areas), (1, 1));
        assert_eq!(counts.left_out, LeftOut::default());
        // The courtyard block: 4 x 4 thousandths of a degree less its 2 x 2 courtyard,
        // 5 storeys by default for apartments.
        let block = &homes[2];
        let expected = box_area_m2(4.0, 4.0) - box_area_m2(2.0, 2.0);
        assert!(
            (block.footprint_m2 / expected - 1.0).abs() < 0.01,
            "{}",
            block.footprint_m2
        );
        assert_eq!((block.levels, block.levels_tagged), (5.0, false));
        assert_eq!(block.floor_area_m2, block.footprint_m2 * 5.0);
    }

    #[test]
    fn left_out_for_the_first_reason_that_applies() {
        let e = extract();
        let mut mapping = Mapping::default_mapping();
        // r3 and w11 (2 x 2 thousandths of a degree) are smaller than this; the courtyard
        // block r1 (4 x 4 less 2 x 2) is not.
        mapping.buildings.min_footprint_m2 = box_area_m2(2.0, 2.0) * 1.01;
        mapping.buildings.residential_without_landuse.clear();
        let projection = projection();
        // The boundary holds r1, r3 and w11 but not w12 (at 34–36, 4–6).
        let square = geo_types::Rect::new(
            geo_types::coord! { x: LON0 - 0.001, y: LAT0 - 0.001 },
            geo_types::coord! { x: LON0 + 0.031, y: LAT0 + 0.011 },
        );
        let clip = Clip::new(MultiPolygon(vec![square.to_polygon()]), &projection, 0.0);
        let (homes, counts) = residential_buildings(&e, &mapping, &projection, Some(&clip));
        let ids: Vec<String> = homes.iter().map(|b| b.element.to_string()).collect();
        assert_eq!(ids, ["r1"]);
        let expected = LeftOut {
            outside_boundary: 1,
            too_small: 2,
            ..LeftOut::default()
        };
        assert_eq!(counts.left_out, expected);
        assert_eq!(counts.areas.built, homes.len() + expected.total());
        // Without the boundary w12 stands in no land use, which no longer makes it housing.
        let (_, counts) = residential_buildings(&e, &mapping, &projection, None);
        assert_eq!(counts.left_out.not_residential_landuse, 1);
    }
}
