//! The river and the railway: bands crossing the whole city that blocks must avoid and
//! streets may cross only on bridges.
//!
//! Each band is described by a "depth" function: positive inside the band, negative outside,
//! in metres measured along one axis (vertically for the west–east river, horizontally for the
//! south–north railway). Each depth changes by at most `lipschitz()` per metre travelled,
//! which lets callers prove a segment clear of a band from its endpoints alone.

use super::rng::Rng;
use std::f64::consts::TAU;

/// Something the city leaves free of blocks.
pub(crate) trait Band {
    /// Positive inside the band, negative outside (metres along the band's measuring axis).
    fn depth(&self, p: (f64, f64)) -> f64;
    /// A bound on how fast [`Band::depth`] changes per metre of travel in any direction.
    fn lipschitz(&self) -> f64;

    /// Whether the segment a–b stays at least `margin` metres (in depth) outside the band.
    fn segment_clear(&self, a: (f64, f64), b: (f64, f64), margin: f64) -> bool {
        let (da, db) = (self.depth(a), self.depth(b));
        if da > -margin || db > -margin {
            return false;
        }
        let len = (b.0 - a.0).hypot(b.1 - a.1);
        // The depth anywhere on the segment is at most (da + db + L * len) / 2.
        if (da + db + self.lipschitz() * len) / 2.0 < -margin {
            return true;
        }
        if len < 0.5 {
            return true;
        }
        let mid = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
        self.segment_clear(a, mid, margin) && self.segment_clear(mid, b, margin)
    }
}

/// A sinuous river running west to east, 60–100 m wide.
#[derive(Debug, Clone)]
pub(crate) struct River {
    mean_y: f64,
    /// Meanders: (amplitude m, wavelength m, phase rad).
    meanders: [(f64, f64, f64); 3],
    /// Width variation: (wavelength m, phase rad) around 80 ± 20 m.
    width_wave: (f64, f64),
    lipschitz: f64,
}

const RIVER_MEAN_WIDTH_M: f64 = 80.0;
const RIVER_WIDTH_SWING_M: f64 = 20.0;

impl River {
    /// `scale` (0.25..=1) shrinks the meanders for tiny cities; `radius` is the city's
    /// approximate radius in metres, used for one long, gentle meander.
    pub(crate) fn new(rng: &mut Rng, scale: f64, radius: f64) -> Self {
        let meanders = [
            (
                scale * rng.range(200.0, 280.0),
                rng.range(2800.0, 3600.0),
                rng.range(0.0, TAU),
            ),
            (
                scale * rng.range(80.0, 120.0),
                rng.range(1100.0, 1500.0),
                rng.range(0.0, TAU),
            ),
            (0.03 * radius, radius.max(4000.0), rng.range(0.0, TAU)),
        ];
        let width_wave = (rng.range(1800.0, 2600.0), rng.range(0.0, TAU));
        let slope: f64 = meanders.iter().map(|&(a, l, _)| a * TAU / l).sum();
        let width_slope = RIVER_WIDTH_SWING_M / 2.0 * TAU / width_wave.0;
        River {
            mean_y: scale * rng.range(100.0, 400.0),
            meanders,
            width_wave,
            lipschitz: 1.0 + slope + width_slope,
        }
    }

    /// The northing of the river's centre line at easting `x`.
    pub(crate) fn centre_y(&self, x: f64) -> f64 {
        self.mean_y
            + self
                .meanders
                .iter()
                .map(|&(a, l, phase)| a * (TAU * x / l + phase).sin())
                .sum::<f64>()
    }

    /// Half the river's width at easting `x`.
    pub(crate) fn half_width(&self, x: f64) -> f64 {
        let (l, phase) = self.width_wave;
        (RIVER_MEAN_WIDTH_M + RIVER_WIDTH_SWING_M * (TAU * x / l + phase).sin()) / 2.0
    }

    /// The northing around which the river meanders.
    pub(crate) fn mean_y(&self) -> f64 {
        self.mean_y
    }
}

impl Band for River {
    fn depth(&self, (x, y): (f64, f64)) -> f64 {
        self.half_width(x) - (y - self.centre_y(x)).abs()
    }

    fn lipschitz(&self) -> f64 {
        self.lipschitz
    }
}

/// A straight-ish railway running south to north, slightly slanted, in a 24 m corridor.
#[derive(Debug, Clone)]
pub(crate) struct Railway {
    x0: f64,
    slope: f64,
    /// One gentle curve: (amplitude m, wavelength m, phase rad).
    curve: (f64, f64, f64),
    lipschitz: f64,
}

/// Half the width of the railway corridor (tracks and embankment).
pub(crate) const RAILWAY_HALF_WIDTH_M: f64 = 12.0;

impl Railway {
    pub(crate) fn new(rng: &mut Rng, scale: f64) -> Self {
        let slope = rng.range(0.15, 0.3) * if rng.chance(0.5) { 1.0 } else { -1.0 };
        let curve = (120.0, rng.range(8000.0, 11000.0), rng.range(0.0, TAU));
        Railway {
            x0: -scale * rng.range(150.0, 350.0),
            slope,
            curve,
            lipschitz: 1.0 + slope.abs() + curve.0 * TAU / curve.1,
        }
    }

    /// The easting of the railway's centre line at northing `y`.
    pub(crate) fn centre_x(&self, y: f64) -> f64 {
        let (a, l, phase) = self.curve;
        self.x0 + self.slope * y + a * ((TAU * y / l + phase).sin() - phase.sin())
    }
}

impl Band for Railway {
    fn depth(&self, (x, y): (f64, f64)) -> f64 {
        RAILWAY_HALF_WIDTH_M - (x - self.centre_x(y)).abs()
    }

    fn lipschitz(&self) -> f64 {
        self.lipschitz
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_changes_no_faster_than_the_lipschitz_bound() {
        let mut rng = Rng::for_item(3, 0, 0, 0);
        let river = River::new(&mut rng, 1.0, 20_000.0);
        let railway = Railway::new(&mut rng, 1.0);
        for band in [&river as &dyn Band, &railway] {
            for k in 0..20_000 {
                let p = (k as f64 * 7.3 - 70_000.0, (k % 97) as f64 * 11.0 - 500.0);
                for (dx, dy) in [(1.0, 0.0), (0.0, 1.0), (0.6, -0.8)] {
                    let q = (p.0 + dx, p.1 + dy);
                    assert!((band.depth(q) - band.depth(p)).abs() <= band.lipschitz() + 1e-9);
                }
            }
        }
        assert!(river.depth((0.0, river.centre_y(0.0))) >= 30.0);
        assert!(!river.segment_clear((0.0, -5000.0), (0.0, 5000.0), 0.0));
        assert!(river.segment_clear((0.0, 5000.0), (10.0, 5000.0), 10.0));
    }
}
