//! The plan of the city: which grid cells hold a housing block, their shapes on the ground,
//! and the unserved pockets where some kinds of facility are deliberately absent.

use super::barriers::{Band, Railway, River};
use super::frame::Frame;
use super::grid::{Axis, LineKind, Warp, BASE_PITCH_M};
use super::rng::{domain, unit, Rng};
use rayon::prelude::*;

/// Share of candidate cells expected to hold a block (the rest: parks, river, railway).
const EXPECTED_OCCUPANCY: f64 = 0.85;

/// A grid cell: column `i`, row `j` (cell `i` lies between boundaries `i` and `i + 1`).
pub(crate) type Cell = (i32, i32);

/// A cell's quadrilateral on the ground and which of its edges face a street.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CellShape {
    /// Corners in local metres, counter-clockwise from the south-west one.
    pub(crate) corners: [(f64, f64); 4],
    /// Whether the south, east, north and west edges lie on a street line.
    pub(crate) street: [bool; 4],
    /// Whether those edges lie on a primary street.
    pub(crate) primary: [bool; 4],
}

impl CellShape {
    pub(crate) fn centre(&self) -> (f64, f64) {
        let c = &self.corners;
        (
            (c[0].0 + c[1].0 + c[2].0 + c[3].0) / 4.0,
            (c[0].1 + c[1].1 + c[2].1 + c[3].1) / 4.0,
        )
    }
}

/// Facility kinds a pocket can lack (bit flags).
pub(crate) mod absent {
    pub const CARE_BED: u8 = 1;
    pub const RESPONDER: u8 = 2;
    pub const HOSPITAL: u8 = 4;
    pub const EXTENDED: u8 = 8;
}

/// A disc where some kinds of facility are never placed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pocket {
    pub(crate) centre: (f64, f64),
    pub(crate) radius: f64,
    pub(crate) absent: u8,
}

/// The city's geometry, independent of which cells end up built.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub(crate) seed: u64,
    pub(crate) frame: Frame,
    pub(crate) warp: Warp,
    /// Radius of the dense old core, metres.
    pub(crate) core_radius: f64,
    pub(crate) cols: Axis,
    pub(crate) rows: Axis,
    pub(crate) river: River,
    pub(crate) railway: Railway,
    /// Largest amplitude of the random term in a cell's selection key, metres.
    key_noise: f64,
}

/// A smooth 0..1 ramp between `a` and `b`.
pub(crate) fn smoothstep(a: f64, b: f64, x: f64) -> f64 {
    let t = ((x - a) / (b - a)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

impl Layout {
    fn new(seed: u64, blocks: usize, reach: i64) -> Self {
        let radius_unwarped =
            BASE_PITCH_M * (blocks as f64 / (std::f64::consts::PI * EXPECTED_OCCUPANCY)).sqrt();
        let core_radius = (0.3 * radius_unwarped).clamp(800.0, 8000.0);
        let warp = Warp::new(core_radius);
        let radius = warp.warped_radius(radius_unwarped);
        // Tiny cities get smaller meanders and arterials closer to the centre.
        let scale = (radius_unwarped / 1700.0).clamp(0.25, 1.0);
        let mut rng = Rng::for_item(seed, domain::CITY, 0, 0);
        let river = River::new(&mut rng, scale, radius);
        let railway = Railway::new(&mut rng, scale);
        // North–south arterials on both sides of the railway, so that bridges exist on
        // both sides; west–east arterials on both sides of the river, likewise for the
        // railway crossings.
        let cols = Axis::new(
            seed,
            (
                domain::COLUMN_WIDTH,
                domain::COLUMN_LINE_GAP,
                domain::COLUMN_PRIMARY,
            ),
            reach,
            (-1100.0 * scale, 700.0 * scale),
            &warp,
        );
        let y = river.mean_y();
        let rows = Axis::new(
            seed,
            (
                domain::ROW_HEIGHT,
                domain::ROW_LINE_GAP,
                domain::ROW_PRIMARY,
            ),
            reach,
            (y - 750.0 * scale, y + 750.0 * scale),
            &warp,
        );
        Layout {
            seed,
            frame: Frame::new(),
            warp,
            core_radius,
            cols,
            rows,
            river,
            railway,
            key_noise: 0.04 * radius + 60.0 + 20.0,
        }
    }

    /// The street intersection where column line `p` meets row line `q`, local metres.
    pub(crate) fn node(&self, p: usize, q: usize) -> (f64, f64) {
        let (a, b) = (self.cols.lines[p], self.rows.lines[q]);
        let unwarped = (self.cols.bound(a), self.rows.bound(b));
        let (x, y) = self.warp.apply(unwarped);
        let amplitude = 0.09 * BASE_PITCH_M * self.warp.scale(unwarped.0.hypot(unwarped.1));
        let mut rng = Rng::for_item(self.seed, domain::NODE_JITTER, a, b);
        (
            x + amplitude * rng.range(-1.0, 1.0),
            y + amplitude * rng.range(-1.0, 1.0),
        )
    }

    /// The ground shape of cell (i, j): the bilinear subdivision of its superblock, whose
    /// corners are street intersections, so cell edges on a street line lie exactly on the
    /// straight street segment.
    pub(crate) fn cell(&self, (i, j): Cell) -> CellShape {
        let (i, j) = (i64::from(i), i64::from(j));
        let (p, q) = (self.cols.line_of_cell(i), self.rows.line_of_cell(j));
        let fraction = |axis: &Axis, line: usize, b: i64| {
            let lo = axis.line_position(line);
            (axis.bound(b) - lo) / (axis.line_position(line + 1) - lo)
        };
        let (s0, s1) = (fraction(&self.cols, p, i), fraction(&self.cols, p, i + 1));
        let (t0, t1) = (fraction(&self.rows, q, j), fraction(&self.rows, q, j + 1));
        let n = [
            self.node(p, q),
            self.node(p + 1, q),
            self.node(p + 1, q + 1),
            self.node(p, q + 1),
        ];
        let at = |s: f64, t: f64| {
            let w = [(1.0 - s) * (1.0 - t), s * (1.0 - t), s * t, (1.0 - s) * t];
            (
                w[0] * n[0].0 + w[1] * n[1].0 + w[2] * n[2].0 + w[3] * n[3].0,
                w[0] * n[0].1 + w[1] * n[1].1 + w[2] * n[2].1 + w[3] * n[3].1,
            )
        };
        let street = [
            j == self.rows.lines[q],
            i + 1 == self.cols.lines[p + 1],
            j + 1 == self.rows.lines[q + 1],
            i == self.cols.lines[p],
        ];
        let line_kinds = [
            self.rows.kinds[q],
            self.cols.kinds[p + 1],
            self.rows.kinds[q + 1],
            self.cols.kinds[p],
        ];
        CellShape {
            corners: [at(s0, t0), at(s1, t0), at(s1, t1), at(s0, t1)],
            street,
            primary: std::array::from_fn(|k| street[k] && line_kinds[k] == LineKind::Primary),
        }
    }

    /// The superblock (column line, row line) a cell belongs to.
    pub(crate) fn superblock(&self, (i, j): Cell) -> (usize, usize) {
        (
            self.cols.line_of_cell(i64::from(i)),
            self.rows.line_of_cell(i64::from(j)),
        )
    }

    /// Whether a cell is left free of the river and the railway (with a few metres to spare).
    fn clear_of_barriers(&self, shape: &CellShape) -> bool {
        let c = &shape.corners;
        (0..4).all(|k| {
            let (a, b) = (c[k], c[(k + 1) % 4]);
            self.river.segment_clear(a, b, 6.0) && self.railway.segment_clear(a, b, 6.0)
        })
    }

    /// The selection key of a cell (smaller is built first) or None when it cannot be built.
    fn key(&self, cell: Cell) -> Option<f64> {
        let shape = self.cell(cell);
        let centre = shape.centre();
        let r = centre.0.hypot(centre.1);
        let (a, b) = (
            self.cols.lines[self.cols.line_of_cell(i64::from(cell.0))],
            self.rows.lines[self.rows.line_of_cell(i64::from(cell.1))],
        );
        let mut superblock = Rng::for_item(self.seed, domain::SUPERBLOCK_KEY, a, b);
        let superblock_noise = superblock.range(-1.0, 1.0);
        let park = superblock.chance(0.015);
        let mut own = Rng::for_item(self.seed, domain::CELL_KEY, cell.0.into(), cell.1.into());
        let cell_noise = own.range(-1.0, 1.0);
        let vacancy = 0.04 + 0.11 * smoothstep(self.core_radius, 2.5 * self.core_radius, r);
        if park || own.chance(vacancy) || !self.clear_of_barriers(&shape) {
            return None;
        }
        Some(r + (self.key_noise - 20.0) * superblock_noise + 20.0 * cell_noise)
    }
}

/// The layout plus the cells chosen to hold the city's blocks.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub(crate) layout: Layout,
    /// The built cells, nearest to the centre first (by selection key).
    pub(crate) by_key: Vec<Cell>,
    /// The built cells in block-id order: south to north, then west to east.
    pub(crate) cells: Vec<Cell>,
    /// Whether superblock (p, q) holds a block, at `p * row_superblocks + q`.
    occupied: Vec<bool>,
    pub(crate) pockets: Vec<Pocket>,
}

impl Plan {
    pub(crate) fn new(seed: u64, blocks: usize) -> Self {
        let mut reach = ((blocks as f64 / (0.8 * std::f64::consts::PI)).sqrt() * 1.1) as i64 + 6;
        let (layout, by_key) = loop {
            let layout = Layout::new(seed, blocks, reach);
            let r = reach as i32;
            let mut keyed: Vec<(f64, Cell)> = (-r..r)
                .into_par_iter()
                .flat_map_iter(|i| {
                    let layout = &layout;
                    (-r..r).filter_map(move |j| layout.key((i, j)).map(|k| (k, (i, j))))
                })
                .collect();
            if keyed.len() >= blocks {
                keyed.par_sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                let inner = layout
                    .cols
                    .inner_extent(reach)
                    .min(layout.rows.inner_extent(reach));
                // Any cell outside the square is at least this far out, so every cell with a
                // smaller key has been seen.
                let bound = layout.warp.warped_radius(inner) - 30.0 - layout.key_noise;
                if blocks == 0 || keyed[blocks - 1].0 < bound {
                    keyed.truncate(blocks);
                    break (
                        layout,
                        keyed.into_iter().map(|(_, c)| c).collect::<Vec<_>>(),
                    );
                }
            }
            reach = reach * 13 / 10 + 8;
        };
        let mut cells = by_key.clone();
        cells.par_sort_unstable_by_key(|&(i, j)| (j, i));
        let row_superblocks = layout.rows.lines.len();
        let mut occupied = vec![false; layout.cols.lines.len() * row_superblocks];
        for &cell in &cells {
            let (p, q) = layout.superblock(cell);
            occupied[p * row_superblocks + q] = true;
        }
        let pockets = pockets(&layout, &by_key);
        Plan {
            layout,
            by_key,
            cells,
            occupied,
            pockets,
        }
    }

    /// Whether superblock (p, q) holds at least one block (false outside the grid).
    pub(crate) fn occupied(&self, p: i64, q: i64) -> bool {
        let (pn, qn) = (
            self.layout.cols.lines.len() as i64,
            self.layout.rows.lines.len() as i64,
        );
        (0..pn).contains(&p) && (0..qn).contains(&q) && self.occupied[(p * qn + q) as usize]
    }

    /// Whether facilities of kind `what` (an [`absent`] flag) are barred at `point`.
    pub(crate) fn barred(&self, point: (f64, f64), what: u8) -> bool {
        self.pockets.iter().any(|pocket| {
            pocket.absent & what != 0
                && (point.0 - pocket.centre.0).hypot(point.1 - pocket.centre.1) < pocket.radius
        })
    }
}

/// The unserved pockets: one guaranteed pocket without care beds and responders halfway out,
/// plus a few more per 25,000 blocks lacking random kinds of facility.
fn pockets(layout: &Layout, by_key: &[Cell]) -> Vec<Pocket> {
    let n = by_key.len();
    if n < 20 {
        return Vec::new();
    }
    let mut rng = Rng::for_item(layout.seed, domain::CITY, 1, 0);
    let at = |k: usize| {
        let centre = layout.cell(by_key[k]).centre();
        (centre, layout.warp.scale(centre.0.hypot(centre.1)))
    };
    let (centre, scale) = at(n * 3 / 10);
    let mut pockets = vec![Pocket {
        centre,
        radius: 350.0 * scale,
        absent: absent::CARE_BED | absent::RESPONDER,
    }];
    for _ in 0..2 + n / 25_000 {
        let (centre, scale) = at((unit(rng.next_u64()) * n as f64) as usize);
        let radius = rng.range(300.0, 800.0) * scale;
        let absent = 1 + (rng.next_u64() % 15) as u8;
        pockets.push(Pocket {
            centre,
            radius,
            absent,
        });
    }
    pockets
}
