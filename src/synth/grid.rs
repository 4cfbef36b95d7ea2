//! The irregular street grid: column and row boundaries of uneven widths, a subset of them
//! carrying streets, and a radial "fisheye" warp that keeps the old core dense and stretches
//! the outskirts.
//!
//! The grid is built in an unwarped plane (metres at the core's scale) where boundaries are
//! straight lines; the warp then maps that plane radially so that cells grow from ~64 m in the
//! core to ~93 m in the outskirts, and straight grid lines become gently curved streets.

use super::rng::{hash, unit, Rng};

/// Mean spacing of grid boundaries in the unwarped plane (and in the core), metres.
pub(crate) const BASE_PITCH_M: f64 = 64.0;
/// How much larger cells are in the outskirts than in the core.
const OUTSKIRTS_STRETCH: f64 = 1.45;

/// A radial warp: the identity inside the core radius, then a smooth growth of the local
/// scale to [`OUTSKIRTS_STRETCH`] over 1.5 core radii.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Warp {
    core: f64,
    ramp: f64,
}

impl Warp {
    pub(crate) fn new(core_radius: f64) -> Self {
        Warp {
            core: core_radius,
            ramp: 1.5 * core_radius,
        }
    }

    /// The warped distance from the centre of a point `rho` metres out in the unwarped plane.
    fn radius(&self, rho: f64) -> f64 {
        let k = OUTSKIRTS_STRETCH - 1.0;
        if rho <= self.core {
            rho
        } else if rho <= self.core + self.ramp {
            // integral of 1 + k * smoothstep(x), x = (rho - core) / ramp
            let x = (rho - self.core) / self.ramp;
            rho + k * self.ramp * (x * x * x - x * x * x * x / 2.0)
        } else {
            let end = self.core + self.ramp;
            end + k * self.ramp / 2.0 + OUTSKIRTS_STRETCH * (rho - end)
        }
    }

    /// The local scale (derivative of the warped radius) at `rho`.
    pub(crate) fn scale(&self, rho: f64) -> f64 {
        let x = ((rho - self.core) / self.ramp).clamp(0.0, 1.0);
        1.0 + (OUTSKIRTS_STRETCH - 1.0) * x * x * (3.0 - 2.0 * x)
    }

    /// Maps a point of the unwarped plane to local metres.
    pub(crate) fn apply(&self, (x, y): (f64, f64)) -> (f64, f64) {
        let rho = x.hypot(y);
        if rho < 1e-9 {
            return (x, y);
        }
        let s = self.radius(rho) / rho;
        (x * s, y * s)
    }

    /// The warped distance of the unwarped distance `rho` (monotone).
    pub(crate) fn warped_radius(&self, rho: f64) -> f64 {
        self.radius(rho)
    }
}

/// The kind of a street line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineKind {
    Ordinary,
    /// An arterial: the only streets that may cross the river (north–south lines) or the
    /// railway (west–east lines).
    Primary,
}

/// One axis of the grid (columns or rows).
#[derive(Debug, Clone)]
pub(crate) struct Axis {
    /// Index of the first stored boundary.
    first: i64,
    /// Boundary positions in the unwarped plane, metres; boundary `b` at `bounds[b - first]`.
    bounds: Vec<f64>,
    /// Boundary indices of the street lines, ascending.
    pub(crate) lines: Vec<i64>,
    /// Kind of each street line.
    pub(crate) kinds: Vec<LineKind>,
    /// For each cell `c` (between boundaries c and c+1), the index in `lines` of the street
    /// line at or before it; stored at `c - first`.
    cell_line: Vec<u32>,
}

/// Draws the gap (in cells) to the next street line: mostly 2, sometimes 1 or 3.
fn line_gap(seed: u64, domain: u64, b: i64) -> i64 {
    let u = unit(hash(seed, domain, b, 0));
    if u < 0.05 {
        1
    } else if u < 0.86 {
        2
    } else {
        3
    }
}

/// Domain tags of one axis: (boundary width, line gap, primary spacing).
pub(crate) type AxisDomains = (u64, u64, u64);

impl Axis {
    /// Builds boundaries `-reach..=reach` (at least) with street lines covering cells
    /// `-reach..reach`. Everything is drawn per index outward from 0, so a larger `reach`
    /// extends the axis without changing the part already built. Primary lines start at the
    /// street lines nearest to `anchors` (unwarped metres, below and above 0) and then follow
    /// every 1.5–2 km of warped distance.
    pub(crate) fn new(
        seed: u64,
        domains: AxisDomains,
        reach: i64,
        anchors: (f64, f64),
        warp: &Warp,
    ) -> Self {
        let (width_domain, gap_domain, primary_domain) = domains;
        let first = -reach - 4;
        let last = reach + 4;
        let mut bounds = vec![0.0; (last - first + 1) as usize];
        let at = |b: i64| (b - first) as usize;
        let width = |b: i64| BASE_PITCH_M * (0.85 + 0.3 * unit(hash(seed, width_domain, b, 0)));
        for b in 0..last {
            bounds[at(b + 1)] = bounds[at(b)] + width(b);
        }
        for b in (first..0).rev() {
            bounds[at(b)] = bounds[at(b + 1)] - width(b);
        }
        let mut up = vec![0i64];
        while *up.last().unwrap() < reach {
            let b = *up.last().unwrap();
            up.push(b + line_gap(seed, gap_domain, b));
        }
        let mut down = vec![];
        let mut b = 0i64;
        while b > -reach {
            b -= line_gap(seed, gap_domain, b);
            down.push(b);
        }
        down.reverse();
        let lines: Vec<i64> = down.into_iter().chain(up).collect();
        let position = |line: usize| bounds[at(lines[line])];
        let mut kinds = vec![LineKind::Ordinary; lines.len()];
        let zero = lines.iter().position(|&b| b == 0).unwrap();
        // Upward from the positive anchor, downward from the negative one.
        for (direction, anchor) in [(1.0, anchors.1), (-1.0, anchors.0)] {
            let mut target = anchor;
            let mut k = 0i64;
            let mut line = zero;
            loop {
                // advance to the first line at or beyond the target
                while direction * (target - position(line)) > 0.0 {
                    if direction > 0.0 && line + 1 < lines.len() {
                        line += 1;
                    } else if direction < 0.0 && line > 0 {
                        line -= 1;
                    } else {
                        break;
                    }
                }
                if direction * (target - position(line)) > 0.0 {
                    break;
                }
                kinds[line] = LineKind::Primary;
                let mut rng = Rng::for_item(seed, primary_domain, k, direction as i64);
                let here = position(line);
                target = here + direction * rng.range(1500.0, 2000.0) / warp.scale(here.abs());
                k += 1;
            }
        }
        let mut cell_line = vec![0u32; bounds.len()];
        let mut line = 0usize;
        for c in first..last {
            while line + 1 < lines.len() && lines[line + 1] <= c {
                line += 1;
            }
            cell_line[at(c)] = line as u32;
        }
        Axis {
            first,
            bounds,
            lines,
            kinds,
            cell_line,
        }
    }

    /// Position of boundary `b` in the unwarped plane.
    pub(crate) fn bound(&self, b: i64) -> f64 {
        self.bounds[(b - self.first) as usize]
    }

    /// Position of street line `line` (an index into `lines`) in the unwarped plane.
    pub(crate) fn line_position(&self, line: usize) -> f64 {
        self.bound(self.lines[line])
    }

    /// The street line at or before cell `c`; the cell lies between it and the next one.
    pub(crate) fn line_of_cell(&self, c: i64) -> usize {
        self.cell_line[(c - self.first) as usize] as usize
    }

    /// The smallest absolute position among boundaries `-reach` and `reach`.
    pub(crate) fn inner_extent(&self, reach: i64) -> f64 {
        self.bound(-reach).abs().min(self.bound(reach))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warp_is_continuous_and_monotone() {
        let warp = Warp::new(1000.0);
        let mut last = 0.0;
        for k in 1..10_000 {
            let rho = k as f64;
            let r = warp.radius(rho);
            assert!(r > last);
            assert!(r - last <= warp.scale(rho) + 1e-6, "{rho}");
            last = r;
        }
        assert_eq!(warp.apply((300.0, 400.0)), (300.0, 400.0));
    }

    #[test]
    fn a_larger_axis_extends_a_smaller_one() {
        let warp = Warp::new(1000.0);
        let domains = (1, 3, 5);
        let small = Axis::new(9, domains, 40, (-1000.0, 700.0), &warp);
        let large = Axis::new(9, domains, 90, (-1000.0, 700.0), &warp);
        for b in -40..=40 {
            assert_eq!(small.bound(b), large.bound(b));
        }
        for c in -40..40 {
            let (ls, ll) = (small.line_of_cell(c), large.line_of_cell(c));
            assert_eq!(small.lines[ls], large.lines[ll]);
            assert_eq!(small.kinds[ls], large.kinds[ll]);
        }
        assert!(small.kinds.contains(&LineKind::Primary));
    }
}
