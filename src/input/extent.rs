//! The study area's extent: features farther than `max_extent_km` from the blocks' centre
//! are problems, named, rather than silently stretching the plane or landing thousands of
//! kilometres away (latitude and longitude swapped).

use crate::algo::extent::great_circle_km;
use crate::format::thousands;
use geo_types::Coord;

/// The study area: the blocks' centre (robust to strays) and how far a feature may lie.
#[derive(Debug, Clone, Copy)]
pub struct Extent {
    /// The blocks' centre, WGS 84 degrees.
    pub centre: Coord<f64>,
    /// How far from it a block or facility may lie, km.
    pub max_km: f64,
}

impl Extent {
    /// Why `point` (WGS 84) lies outside the study area, or `None` when it lies within
    /// (a hint when swapping its latitude and longitude would bring it in).
    pub fn outside(&self, point: Coord<f64>) -> Option<String> {
        let km = great_circle_km(self.centre, point);
        if km <= self.max_km {
            return None;
        }
        let swapped = Coord {
            x: point.y,
            y: point.x,
        };
        let hint =
            if swapped.y.abs() <= 90.0 && great_circle_km(self.centre, swapped) <= self.max_km {
                "; latitude and longitude swapped?"
            } else {
                ": a stray feature, or coordinates in another system?"
            };
        Some(format!(
            "lies {} km from the blocks' centre ({:.4}, {:.4}), farther than max_extent_km = {}{hint}",
            thousands(km),
            self.centre.x,
            self.centre.y,
            self.max_km
        ))
    }
}
