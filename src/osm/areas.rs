//! Areas: polygons of closed ways and of multipolygon relations (outer and inner rings
//! assembled from their member ways, holes kept).

use super::element::ElementId;
use super::read::{Extract, Relation, Way};
use super::rings::{assemble, join_rings};
use super::tags::Tags;
use geo_types::{LineString, MultiPolygon, Polygon};
use rayon::prelude::*;
use serde::Serialize;

/// Why an element has no polygon.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Failure {
    /// A way that is not closed, or a relation none of whose outer rings closes.
    Unclosed,
    /// A node (or, for a relation, a member way) is missing from the extract.
    MissingNodes,
}

/// A relation's polygons, and whether every member and ring was usable.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationShape {
    /// The polygons, holes included.
    pub outline: MultiPolygon<f64>,
    /// False when a member way, a node or a ring was missing or open and left out.
    pub complete: bool,
}

/// The polygon of a closed way whose nodes are all in the extract.
pub fn way_polygon(extract: &Extract, way: &Way) -> Result<Polygon<f64>, Failure> {
    let closed = way.refs.len() >= 4 && way.refs.first() == way.refs.last();
    if !closed {
        return Err(Failure::Unclosed);
    }
    let ring = extract.nodes.line(&way.refs).ok_or(Failure::MissingNodes)?;
    Ok(Polygon::new(LineString::new(ring), Vec::new()))
}

/// The polygons of a multipolygon relation: outer and inner rings joined from the member ways;
/// rings with missing members or nodes, or that do not close, are left out.
pub fn relation_shape(extract: &Extract, relation: &Relation) -> Result<RelationShape, Failure> {
    let mut complete = true;
    let mut rings = |inner: bool| -> Vec<LineString<f64>> {
        let mut ways: Vec<&[i64]> = Vec::new();
        for m in relation.members.iter().filter(|m| m.inner == inner) {
            match extract.way(m.way) {
                Some(w) => ways.push(&w.refs),
                None => complete = false,
            }
        }
        let joined = join_rings(&ways);
        complete &= joined.open_chains == 0;
        joined
            .rings
            .iter()
            .filter_map(|r| {
                let line = extract.nodes.line(r);
                complete &= line.is_some();
                line.map(LineString::new)
            })
            .collect()
    };
    let outers = rings(false);
    let inners = rings(true);
    if outers.is_empty() {
        return Err(if complete {
            Failure::Unclosed
        } else {
            Failure::MissingNodes
        });
    }
    let (outline, stray) = assemble(outers, inners);
    Ok(RelationShape {
        outline,
        complete: complete && stray == 0,
    })
}

/// An element with a polygon.
#[derive(Debug, Clone)]
pub struct Area<'e> {
    /// The way or relation.
    pub element: ElementId,
    /// Its tags.
    pub tags: &'e Tags,
    /// Its polygons (one for a way).
    pub outline: MultiPolygon<f64>,
}

/// What became of the selected ways and relations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct AreaCounts {
    /// Selected ways.
    pub ways: usize,
    /// Selected multipolygon relations.
    pub relations: usize,
    /// Polygons built (ways and relations).
    pub built: usize,
    /// Relations built.
    pub relations_built: usize,
    /// Relations built with at least one hole.
    pub relations_with_holes: usize,
    /// Relations built without some member, node or ring (what was usable is kept).
    pub relations_incomplete: usize,
    /// Ways not closed, and relations with no closed outer ring: left out.
    pub unclosed: usize,
    /// Ways with nodes missing from the extract, and relations without any usable outer ring
    /// because of missing members or nodes: left out.
    pub missing_nodes: usize,
}

/// An element, its tags and its shape or why it has none.
type Shaped<'e, S> = (ElementId, &'e Tags, Result<S, Failure>);

/// Polygons of every kept way and multipolygon relation whose tags `select` accepts, sorted by
/// element (ways, then relations, by id).
pub fn areas<'e>(
    extract: &'e Extract,
    select: impl Fn(&Tags) -> bool + Sync,
) -> (Vec<Area<'e>>, AreaCounts) {
    let ways: Vec<Shaped<MultiPolygon<f64>>> = extract
        .ways
        .par_iter()
        .filter(|w| select(&w.tags))
        .map(|w| {
            let shape = way_polygon(extract, w).map(|p| MultiPolygon(vec![p]));
            (ElementId::way(w.id), &w.tags, shape)
        })
        .collect();
    let relations: Vec<Shaped<RelationShape>> = extract
        .relations
        .par_iter()
        .filter(|r| select(&r.tags))
        .map(|r| {
            (
                ElementId::relation(r.id),
                &r.tags,
                relation_shape(extract, r),
            )
        })
        .collect();
    let mut counts = AreaCounts {
        ways: ways.len(),
        relations: relations.len(),
        ..AreaCounts::default()
    };
    let fail = |counts: &mut AreaCounts, f: Failure| match f {
        Failure::Unclosed => counts.unclosed += 1,
        Failure::MissingNodes => counts.missing_nodes += 1,
    };
    let mut built = Vec::new();
    for (element, tags, shape) in ways {
        match shape {
            Ok(outline) => built.push(Area {
                element,
                tags,
                outline,
            }),
            Err(f) => fail(&mut counts, f),
        }
    }
    for (element, tags, shape) in relations {
        match shape {
            Ok(shape) => {
                counts.relations_built += 1;
                counts.relations_with_holes +=
                    usize::from(shape.outline.0.iter().any(|p| !p.interiors().is_empty()));
                counts.relations_incomplete += usize::from(!shape.complete);
                built.push(Area {
                    element,
                    tags,
                    outline: shape.outline,
                });
            }
            Err(f) => fail(&mut counts, f),
        }
    }
    counts.built = built.len();
    (built, counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::osm::tags::TagSource;
    use crate::osm::testing::extract;

    #[test]
    fn relations_join_split_outers_keep_holes_and_flag_gaps() {
        let e = extract();
        let courtyard = relation_shape(&e, &e.relations[0]).unwrap();
        assert!(courtyard.complete);
        assert_eq!(courtyard.outline.0.len(), 1);
        assert_eq!(courtyard.outline.0[0].exterior().0.len(), 5);
        assert_eq!(courtyard.outline.0[0].interiors().len(), 1);
        assert_eq!(
            relation_shape(&e, &e.relations[1]),
            Err(Failure::MissingNodes)
        );
        let no_inner = relation_shape(&e, &e.relations[2]).unwrap();
        assert!(!no_inner.complete);
        assert_eq!(no_inner.outline.0[0].interiors().len(), 0);
    }

    #[test]
    fn ways_need_to_be_closed_and_complete() {
        let e = extract();
        assert_eq!(way_polygon(&e, &e.ways[0]), Err(Failure::Unclosed));
        assert_eq!(way_polygon(&e, &e.ways[3]), Err(Failure::MissingNodes));
        assert!(way_polygon(&e, &e.ways[2]).is_ok());
    }

    #[test]
    fn areas_are_sorted_and_counted() {
        let e = extract();
        let (built, counts) = areas(&e, |t| t.tag("building").is_some());
        let ids: Vec<String> = built.iter().map(|a| a.element.to_string()).collect();
        assert_eq!(ids, ["w11", "w12", "r1", "r3"]);
        assert_eq!(
            counts,
            AreaCounts {
                ways: 2,
                relations: 3,
                built: 4,
                relations_built: 2,
                relations_with_holes: 1,
                relations_incomplete: 1,
                unclosed: 0,
                missing_nodes: 1,
            }
        );
    }
}
