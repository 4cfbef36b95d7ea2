//! Facilities: tagged nodes, ways and multipolygon relations sorted into the mapping's kinds,
//! each at one point (a way or relation at its centroid, with its area).

use super::areas::{relation_shape, way_polygon};
use super::element::ElementId;
use super::mapping::Mapping;
use super::read::{Extract, Relation, TaggedNode, Way};
use super::tags::{TagSource, Tags};
use crate::algo::crs::LocalProjection;
use geo::{Area, Centroid};
use geo_types::{Coord, MultiPoint, MultiPolygon, Point};
use serde::Serialize;

/// One facility.
#[derive(Debug, Clone, PartialEq)]
pub struct Facility {
    /// The node, way or relation.
    pub element: ElementId,
    /// Index of its kind in the mapping.
    pub kind: usize,
    /// Its `name`, if tagged.
    pub name: Option<String>,
    /// Its tier (`unknown` without a matching tier rule).
    pub tier: String,
    /// Where it is: the node, or the centroid of the outline, WGS 84.
    pub location: Coord<f64>,
    /// The outline's area in m² (none for nodes and open ways).
    pub area_m2: Option<f64>,
}

/// Elements found per kind.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct KindCount {
    /// The kind.
    pub kind: String,
    /// Matching nodes.
    pub nodes: usize,
    /// Matching ways.
    pub ways: usize,
    /// Matching multipolygon relations.
    pub relations: usize,
    /// Facilities written (matching elements with a location).
    pub written: usize,
    /// Matching ways and relations left out: none of their nodes is in the extract.
    pub without_location: usize,
    /// Left out: farther from the boundary than the margin.
    pub outside_boundary: usize,
}

/// Every facility of the extract, sorted by element, and the counts per kind in mapping order.
pub fn facilities(
    extract: &Extract,
    mapping: &Mapping,
    projection: &LocalProjection,
) -> (Vec<Facility>, Vec<KindCount>) {
    let mut counts: Vec<KindCount> = mapping
        .facilities
        .iter()
        .map(|f| KindCount {
            kind: f.kind.clone(),
            ..KindCount::default()
        })
        .collect();
    let area_m2 = |outline: &MultiPolygon<f64>| {
        let mut plane = outline.clone();
        projection.project_geometry(&mut plane);
        plane.unsigned_area()
    };
    let sources = (extract.tagged_nodes.iter().map(Source::Node))
        .chain(extract.ways.iter().map(Source::Way))
        .chain(extract.relations.iter().map(Source::Relation));
    let mut found = Vec::new();
    for source in sources {
        let tags = source.tags();
        let Some(kind) = mapping.facility_kind(tags) else {
            continue;
        };
        let count = &mut counts[kind];
        let (element, located) = match source {
            Source::Node(n) => {
                count.nodes += 1;
                (ElementId::node(n.id), Some((n.position, None)))
            }
            Source::Way(w) => {
                count.ways += 1;
                let located = match way_polygon(extract, w) {
                    Ok(p) => p
                        .centroid()
                        .map(|c| (c.0, Some(area_m2(&MultiPolygon(vec![p]))))),
                    Err(_) => mean_position(w.refs.iter().filter_map(|&r| extract.nodes.get(r))),
                };
                (ElementId::way(w.id), located)
            }
            Source::Relation(r) => {
                count.relations += 1;
                let located = relation_shape(extract, r).ok().and_then(|s| {
                    s.outline
                        .centroid()
                        .map(|c| (c.0, Some(area_m2(&s.outline))))
                });
                (ElementId::relation(r.id), located)
            }
        };
        let Some((location, area_m2)) = located else {
            count.without_location += 1;
            continue;
        };
        count.written += 1;
        found.push(facility(mapping, kind, element, tags, location, area_m2));
    }
    (found, counts)
}

/// A tagged element that may be a facility.
enum Source<'e> {
    Node(&'e TaggedNode),
    Way(&'e Way),
    Relation(&'e Relation),
}

impl Source<'_> {
    fn tags(&self) -> &Tags {
        match self {
            Source::Node(n) => &n.tags,
            Source::Way(w) => &w.tags,
            Source::Relation(r) => &r.tags,
        }
    }
}

fn facility(
    mapping: &Mapping,
    kind: usize,
    element: ElementId,
    tags: &Tags,
    location: Coord<f64>,
    area_m2: Option<f64>,
) -> Facility {
    Facility {
        element,
        kind,
        name: tags.tag("name").map(str::to_string),
        tier: mapping.facilities[kind].tier(tags).to_string(),
        location,
        area_m2,
    }
}

/// The mean of some positions (the centroid of an open or clipped way's nodes).
fn mean_position(points: impl Iterator<Item = Coord<f64>>) -> Option<(Coord<f64>, Option<f64>)> {
    let points: MultiPoint<f64> = points.map(Point::from).collect();
    points.centroid().map(|c| (c.0, None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::osm::testing::{box_area_m2, extract, projection, LAT0, LON0};

    #[test]
    fn nodes_are_points_and_areas_their_centroid() {
        let e = extract();
        let mapping = Mapping::default_mapping();
        let (found, counts) = facilities(&e, &mapping, &projection());
        let ids: Vec<String> = found.iter().map(|f| f.element.to_string()).collect();
        assert_eq!(ids, ["n30", "w20"]);
        let hospital = &found[1];
        assert_eq!(mapping.facilities[hospital.kind].kind, "hospital");
        assert_eq!(hospital.name.as_deref(), Some("General"));
        assert_eq!(hospital.tier, "unknown");
        assert!((hospital.location.x - (LON0 + 0.041)).abs() < 1e-9);
        assert!((hospital.location.y - (LAT0 + 0.001)).abs() < 1e-9);
        let area = hospital.area_m2.unwrap();
        assert!((area / box_area_m2(2.0, 2.0) - 1.0).abs() < 0.01, "{area}");
        assert_eq!(found[0].area_m2, None);
        let pharmacy = counts.iter().find(|c| c.kind == "pharmacy").unwrap();
        assert_eq!((pharmacy.nodes, pharmacy.written), (1, 1));
        assert_eq!(counts.iter().map(|c| c.written).sum::<usize>(), 2);
    }
}
