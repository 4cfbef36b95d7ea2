//! Housing blocks: shapes inside their grid cells, and their residents by age.

use super::layout::{smoothstep, CellShape, Plan};
use super::rng::{domain, Rng};
use geo_types::{Coord, Geometry, LineString, MultiPolygon, Polygon};

/// One housing block, in WGS 84 longitude/latitude.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// Unique id such as "B0000001".
    pub id: String,
    /// A [`Geometry::Polygon`] or, for a few split blocks, a [`Geometry::MultiPolygon`]; rings
    /// closed, counter-clockwise, not self-intersecting.
    pub geometry: Geometry<f64>,
    /// Number of residents (0 for a few non-residential blocks).
    pub residents: u32,
    /// Residents aged 65 to 79.
    pub age_65_79: u32,
    /// Residents aged 80 and over.
    pub age_80_plus: u32,
}

type Ring = Vec<(f64, f64)>;

/// Offsets each edge of a convex counter-clockwise quadrilateral inward by its own distance.
/// Falls back to shrinking towards the centre if the result is not convex.
fn inset(corners: &[(f64, f64); 4], distances: [f64; 4]) -> [(f64, f64); 4] {
    let line = |k: usize| {
        let (a, b) = (corners[k], corners[(k + 1) % 4]);
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len = dx.hypot(dy);
        let (nx, ny) = (-dy / len, dx / len);
        ((a.0 + nx * distances[k], a.1 + ny * distances[k]), (dx, dy))
    };
    let result: [(f64, f64); 4] = std::array::from_fn(|k| {
        let (p1, d1) = line((k + 3) % 4);
        let (p2, d2) = line(k);
        let denominator = d1.0 * d2.1 - d1.1 * d2.0;
        let t = ((p2.0 - p1.0) * d2.1 - (p2.1 - p1.1) * d2.0) / denominator;
        (p1.0 + t * d1.0, p1.1 + t * d1.1)
    });
    let convex = (0..4).all(|k| {
        let (a, b, c) = (result[k], result[(k + 1) % 4], result[(k + 2) % 4]);
        (b.0 - a.0) * (c.1 - b.1) - (b.1 - a.1) * (c.0 - b.0) > 1.0
    });
    if convex {
        return result;
    }
    let cx = corners.iter().map(|c| c.0).sum::<f64>() / 4.0;
    let cy = corners.iter().map(|c| c.1).sum::<f64>() / 4.0;
    corners.map(|(x, y)| (cx + 0.8 * (x - cx), cy + 0.8 * (y - cy)))
}

/// The block's parts as rings in the unit square (s east, t north), counter-clockwise.
fn unit_shape(rng: &mut Rng, gap_s: f64, gap_t: f64) -> Vec<Ring> {
    let turn = rng.int(0, 3);
    let rotate = |ring: Ring| -> Ring {
        // Quarter turns about the square's centre keep the orientation.
        ring.into_iter()
            .map(|mut p| {
                for _ in 0..turn {
                    p = (1.0 - p.1, p.0);
                }
                p
            })
            .collect()
    };
    let u = rng.unit();
    if u < 0.55 {
        let mut j = || rng.range(0.0, 0.07);
        vec![vec![
            (j(), j()),
            (1.0 - j(), j()),
            (1.0 - j(), 1.0 - j()),
            (j(), 1.0 - j()),
        ]]
    } else if u < 0.77 {
        // L shape: a notch out of the north-east corner, then turned.
        let (ns, nt) = (rng.range(0.3, 0.5), rng.range(0.3, 0.5));
        vec![rotate(vec![
            (0.0, 0.0),
            (1.0, 0.0),
            (1.0, 1.0 - nt),
            (1.0 - ns, 1.0 - nt),
            (1.0 - ns, 1.0),
            (0.0, 1.0),
        ])]
    } else if u < 0.96 {
        // Pentagon: the north-east corner cut off.
        let (cs, ct) = (rng.range(0.2, 0.4), rng.range(0.2, 0.4));
        vec![rotate(vec![
            (0.0, 0.0),
            (1.0, 0.0),
            (1.0, 1.0 - ct),
            (1.0 - cs, 1.0),
            (0.0, 1.0),
        ])]
    } else {
        // Two buildings split by a passage, west–east or south–north.
        let m = rng.range(0.4, 0.6);
        if rng.chance(0.5) {
            let (a, b) = (m - gap_s / 2.0, m + gap_s / 2.0);
            vec![
                vec![(0.0, 0.0), (a, 0.0), (a, 1.0), (0.0, 1.0)],
                vec![(b, 0.0), (1.0, 0.0), (1.0, 1.0), (b, 1.0)],
            ]
        } else {
            let (a, b) = (m - gap_t / 2.0, m + gap_t / 2.0);
            vec![
                vec![(0.0, 0.0), (1.0, 0.0), (1.0, a), (0.0, a)],
                vec![(0.0, b), (1.0, b), (1.0, 1.0), (0.0, 1.0)],
            ]
        }
    }
}

/// Shoelace area of a ring (without the closing point), positive when counter-clockwise.
fn ring_area(ring: &Ring) -> f64 {
    let n = ring.len();
    (0..n)
        .map(|k| {
            let (a, b) = (ring[k], ring[(k + 1) % n]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum::<f64>()
        / 2.0
}

/// The block in cell number `index` of the plan's block order.
pub(crate) fn block(plan: &Plan, index: usize) -> Block {
    let layout = &plan.layout;
    let cell = plan.cells[index];
    let shape: CellShape = layout.cell(cell);
    let centre = shape.centre();
    let outer = smoothstep(
        layout.core_radius,
        2.5 * layout.core_radius,
        centre.0.hypot(centre.1),
    );
    let mut rng = Rng::for_item(layout.seed, domain::BLOCK, cell.0.into(), cell.1.into());
    let widen = 1.0 + 0.3 * outer;
    let distances = std::array::from_fn(|k| {
        widen
            * if shape.primary[k] {
                rng.range(9.0, 13.0)
            } else if shape.street[k] {
                rng.range(5.5, 8.5)
            } else {
                rng.range(2.5, 4.5)
            }
    });
    let quad = inset(&shape.corners, distances);
    let width = (quad[1].0 - quad[0].0).hypot(quad[1].1 - quad[0].1);
    let height = (quad[3].0 - quad[0].0).hypot(quad[3].1 - quad[0].1);
    let parts = unit_shape(&mut rng, 7.0 / width, 7.0 / height);
    let bilinear = |(s, t): (f64, f64)| {
        let w = [(1.0 - s) * (1.0 - t), s * (1.0 - t), s * t, (1.0 - s) * t];
        (
            (0..4).map(|k| w[k] * quad[k].0).sum::<f64>(),
            (0..4).map(|k| w[k] * quad[k].1).sum::<f64>(),
        )
    };
    let rings: Vec<Ring> = parts
        .into_iter()
        .map(|ring| ring.into_iter().map(bilinear).collect())
        .collect();
    let area: f64 = rings.iter().map(ring_area).sum();

    let density = (0.10 + (0.04 - 0.10) * outer) * rng.range(0.6, 1.5);
    let residents = if rng.chance(0.01) {
        0
    } else {
        (area * density).round() as u32
    };
    let share = (1.0 - outer) * rng.range(0.15, 0.35) + outer * rng.range(0.07, 0.2);
    let elderly = (f64::from(residents) * share).round() as u32;
    let age_80_plus = (f64::from(elderly) * rng.range(0.18, 0.35)).round() as u32;

    let polygon = |ring: Ring| {
        let mut coords: Vec<Coord<f64>> = ring.iter().map(|&p| layout.frame.lon_lat(p)).collect();
        coords.push(coords[0]);
        Polygon::new(LineString(coords), vec![])
    };
    let mut polygons: Vec<Polygon<f64>> = rings.into_iter().map(polygon).collect();
    let geometry = if polygons.len() == 1 {
        Geometry::Polygon(polygons.pop().unwrap())
    } else {
        Geometry::MultiPolygon(MultiPolygon(polygons))
    };
    Block {
        id: format!("B{:07}", index + 1),
        geometry,
        residents,
        age_65_79: elderly - age_80_plus,
        age_80_plus,
    }
}
