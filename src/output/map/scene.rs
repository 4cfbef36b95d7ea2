//! The map's geometry in pixels: blocks (as polygons, or as a grid of cells for large cities),
//! streets and barriers, facility markers, gap zone outlines and where their labels go, and
//! suggested sites, computed once and drawn onto both backends.

use super::lines::{barrier_lines, pixel_lines};
use super::MapData;
use geo::{Coord, InteriorPoint, LineString, MultiPolygon, Simplify};

/// A pixel position.
pub type Px = (i32, i32);
/// An opaque colour.
pub type Rgb = (u8, u8, u8);

/// Covered blocks (the green of `blocks.qml`, blended over white).
pub const COVERED: Rgb = (65, 171, 93);
/// Uncovered blocks (the orange of `blocks.qml`).
pub const NOT_COVERED: Rgb = (240, 110, 50);
/// Gap zone outlines.
pub const GAP: Rgb = (215, 48, 39);
/// Side of a grid cell in pixels when blocks are aggregated.
pub const CELL_PX: i32 = 4;

/// The page: size and where the map frame sits on it.
pub const WIDTH: u32 = 1754;
/// Page height in pixels.
pub const HEIGHT: u32 = 1240;
/// The map frame: left, top, right, bottom.
pub const FRAME: (i32, i32, i32, i32) = (24, 96, 1400, 1216);

/// Above this many markers they are drawn small, without an outline.
pub const DENSE_MARKERS: usize = 1500;

/// How blocks are drawn.
pub enum BlockLayer {
    /// One filled outline per block polygon with its colour; a block smaller than a pixel is
    /// one pixel.
    Polygons(Vec<(Vec<Px>, Rgb)>),
    /// Runs of grid cells sharing one colour: top-left, bottom-right, colour.
    Grid(Vec<(Px, Px, Rgb)>),
}

/// Gap zones labelled on the map: the largest this many by elderly.
pub const ZONE_LABELS: usize = 5;

/// A suggested site on the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SiteMarker {
    /// Where.
    pub at: Px,
    /// Its rank among its layer's suggestions.
    pub rank: usize,
    /// The layer (index in [`MapData::layers`]) it is suggested for: its marker's shape.
    pub layer: usize,
}

/// Everything drawn inside the map frame.
pub struct Scene {
    /// Blocks.
    pub blocks: BlockLayer,
    /// Street lines at the map's resolution, each pixel segment once (none unless walking).
    pub streets: Vec<Vec<Px>>,
    /// Barrier lines (area barriers by their outlines) at the map's resolution.
    pub barriers: Vec<Vec<Px>>,
    /// Per facility layer, its marker (its place among the city's layers, for
    /// [`kind_marker`](crate::output::markers::kind_marker)) and positions.
    pub facilities: Vec<(usize, Vec<Px>)>,
    /// Marker radius: small when markers are dense.
    pub marker_px: i32,
    /// Gap zone rings, simplified to about a pixel (Ramer–Douglas–Peucker).
    pub gaps: Vec<Vec<Px>>,
    /// The largest gap zones (index in [`MapData::gaps`]) with a point inside each, for
    /// their labels: at most [`ZONE_LABELS`], most elderly first.
    pub zone_anchors: Vec<(usize, Px)>,
    /// Suggested sites inside the frame.
    pub sites: Vec<SiteMarker>,
    /// Pixels per metre.
    pub scale: f64,
}

/// Metres to pixels, north up, the blocks' extent fitted into the frame.
pub struct Transform {
    min: Coord<f64>,
    max_y: f64,
    /// Pixels per metre.
    pub scale: f64,
    offset: (f64, f64),
}

impl Transform {
    /// Fits `outlines` into the frame.
    fn new(outlines: &[MultiPolygon<f64>]) -> Transform {
        let (mut min, mut max) = (
            Coord {
                x: f64::INFINITY,
                y: f64::INFINITY,
            },
            Coord {
                x: f64::NEG_INFINITY,
                y: f64::NEG_INFINITY,
            },
        );
        for c in outlines
            .iter()
            .flat_map(|m| m.0.iter())
            .flat_map(|p| p.exterior().0.iter())
        {
            min.x = min.x.min(c.x);
            min.y = min.y.min(c.y);
            max.x = max.x.max(c.x);
            max.y = max.y.max(c.y);
        }
        if min.x > max.x {
            min = Coord { x: 0.0, y: 0.0 };
            max = Coord { x: 1.0, y: 1.0 };
        }
        let (w, h) = ((FRAME.2 - FRAME.0) as f64, (FRAME.3 - FRAME.1) as f64);
        let (dx, dy) = ((max.x - min.x).max(1.0), (max.y - min.y).max(1.0));
        let scale = (w / dx).min(h / dy);
        Transform {
            min,
            max_y: max.y,
            scale,
            offset: (
                FRAME.0 as f64 + (w - dx * scale) / 2.0,
                FRAME.1 as f64 + (h - dy * scale) / 2.0,
            ),
        }
    }

    /// The pixel of a point.
    pub fn px(&self, c: Coord<f64>) -> Px {
        (
            (self.offset.0 + (c.x - self.min.x) * self.scale).round() as i32,
            (self.offset.1 + (self.max_y - c.y) * self.scale).round() as i32,
        )
    }

    /// A line in pixels, repeated pixels dropped.
    pub fn ring(&self, ring: &LineString<f64>) -> Vec<Px> {
        let mut out: Vec<Px> = Vec::with_capacity(ring.0.len());
        for c in &ring.0 {
            let p = self.px(*c);
            if out.last() != Some(&p) {
                out.push(p);
            }
        }
        out
    }
}

/// `a` blended towards `b` by `t` in 0..=1.
pub fn mix(a: Rgb, b: Rgb, t: f64) -> Rgb {
    let f = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * t).round() as u8;
    (f(a.0, b.0), f(a.1, b.1), f(a.2, b.2))
}

/// Builds the scene; blocks are aggregated into grid cells when there are more than
/// `grid_threshold` of them.
pub fn build(map: &MapData, grid_threshold: usize) -> Scene {
    let t = Transform::new(map.outlines);
    let blocks = if map.outlines.len() > grid_threshold {
        BlockLayer::Grid(grid(map, &t))
    } else {
        BlockLayer::Polygons(polygons(map, &t))
    };
    let facilities = facilities(map, &t);
    let markers: usize = facilities.iter().map(|f| f.1.len()).sum();
    Scene {
        blocks,
        streets: pixel_lines(map.streets.iter(), &t),
        barriers: pixel_lines(barrier_lines(map.barriers).iter(), &t),
        marker_px: if markers > DENSE_MARKERS { 2 } else { 5 },
        facilities,
        gaps: gap_rings(map, &t),
        zone_anchors: zone_anchors(map, &t),
        sites: map
            .sites
            .iter()
            .map(|s| SiteMarker {
                at: t.px(s.at),
                rank: s.rank,
                layer: s.layer,
            })
            .filter(|s| inside_frame(s.at, 12))
            .collect(),
        scale: t.scale,
    }
}

/// One filled ring per block polygon with its colour; a block smaller than a pixel is one
/// pixel.
fn polygons(map: &MapData, t: &Transform) -> Vec<(Vec<Px>, Rgb)> {
    let mut polygons = Vec::with_capacity(map.outlines.len());
    for (outline, &met) in map.outlines.iter().zip(map.met) {
        let colour = if met { COVERED } else { NOT_COVERED };
        for polygon in &outline.0 {
            let mut ring = t.ring(polygon.exterior());
            if ring.len() > 1 && ring.first() == ring.last() {
                ring.pop();
            }
            if ring.len() < 3 {
                ring.truncate(1);
            }
            if !ring.is_empty() {
                polygons.push((ring, colour));
            }
        }
    }
    polygons
}

/// Per layer, its marker and positions inside the frame, one per 6 px cell.
fn facilities(map: &MapData, t: &Transform) -> Vec<(usize, Vec<Px>)> {
    map.layers
        .iter()
        .map(|layer| {
            let mut seen = std::collections::HashSet::new();
            // Facilities beyond the blocks' extent are left off rather than drawn over the
            // title or legend.
            let points = layer
                .locations
                .iter()
                .map(|c| t.px(*c))
                .filter(|&p| inside_frame(p, 6))
                // One marker per layer and 6 px cell: more would hide the blocks.
                .filter(|&(x, y)| seen.insert((x / 6, y / 6)))
                .collect();
            (layer.marker, points)
        })
        .collect()
}

/// Every gap zone ring, drawn at the map's resolution (detail under a pixel is not seen),
/// kept inside the frame.
fn gap_rings(map: &MapData, t: &Transform) -> Vec<Vec<Px>> {
    map.gaps
        .iter()
        .flat_map(|z| z.outline.0.iter())
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .map(|ring| {
            let mut ring = t.ring(&ring.simplify(1.0 / t.scale));
            for p in &mut ring {
                p.0 = p.0.clamp(FRAME.0, FRAME.2);
                p.1 = p.1.clamp(FRAME.1, FRAME.3);
            }
            ring
        })
        .filter(|ring| ring.len() > 1)
        .collect()
}

/// The [`ZONE_LABELS`] gap zones with the most elderly (ties: the better rank) and a point
/// inside each, when it lies in the frame.
fn zone_anchors(map: &MapData, t: &Transform) -> Vec<(usize, Px)> {
    let mut order: Vec<usize> = (0..map.gaps.len()).collect();
    order.sort_by(|&a, &b| {
        let (za, zb) = (&map.gaps[a], &map.gaps[b]);
        zb.elderly
            .total_cmp(&za.elderly)
            .then(za.rank.cmp(&zb.rank))
    });
    order
        .into_iter()
        .take(ZONE_LABELS)
        .filter_map(|z| Some((z, t.px(map.gaps[z].outline.interior_point()?.0))))
        .filter(|&(_, p)| inside_frame(p, 0))
        .collect()
}

/// Whether `p` lies inside the map frame at least `margin` pixels from its edges.
fn inside_frame((x, y): Px, margin: i32) -> bool {
    (FRAME.0 + margin..=FRAME.2 - margin).contains(&x)
        && (FRAME.1 + margin..=FRAME.3 - margin).contains(&y)
}

/// Cells of `CELL_PX` pixels coloured by the share of elderly covered among the blocks whose
/// centroid falls in them (by share of blocks where no one is elderly), in steps of 10 %,
/// merged into horizontal runs of one colour.
fn grid(map: &MapData, t: &Transform) -> Vec<(Px, Px, Rgb)> {
    let cols = ((FRAME.2 - FRAME.0) / CELL_PX + 1) as usize;
    let rows = ((FRAME.3 - FRAME.1) / CELL_PX + 1) as usize;
    // elderly, elderly covered, blocks, blocks covered
    let mut cells = vec![[0.0f64; 4]; cols * rows];
    for (i, c) in map.centroids.iter().enumerate() {
        let (x, y) = t.px(*c);
        let col = ((x - FRAME.0) / CELL_PX).clamp(0, cols as i32 - 1) as usize;
        let row = ((y - FRAME.1) / CELL_PX).clamp(0, rows as i32 - 1) as usize;
        let cell = &mut cells[row * cols + col];
        let met = f64::from(u8::from(map.met[i]));
        cell[0] += map.elderly[i];
        cell[1] += map.elderly[i] * met;
        cell[2] += 1.0;
        cell[3] += met;
    }
    let mut runs = Vec::new();
    for row in 0..rows {
        let mut run: Option<(usize, Rgb)> = None;
        for col in 0..=cols {
            let colour = (col < cols).then(|| cells[row * cols + col]).and_then(|c| {
                let share = if c[0] > 0.0 {
                    c[1] / c[0]
                } else if c[2] > 0.0 {
                    c[3] / c[2]
                } else {
                    return None;
                };
                Some(mix(NOT_COVERED, COVERED, (share * 10.0).round() / 10.0))
            });
            if run.map(|r| r.1) != colour {
                if let Some((start, rgb)) = run {
                    let (x, y) = (
                        FRAME.0 + start as i32 * CELL_PX,
                        FRAME.1 + row as i32 * CELL_PX,
                    );
                    runs.push(((x, y), (FRAME.0 + col as i32 * CELL_PX, y + CELL_PX), rgb));
                }
                run = colour.map(|rgb| (col, rgb));
            }
        }
    }
    runs
}
