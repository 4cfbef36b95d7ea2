//! The local metric frame of the synthetic city and its conversion to WGS 84.
//!
//! The city is laid out in metres east (x) and north (y) of its centre and converted to
//! longitude/latitude with a local equirectangular approximation on a spherical Earth. That
//! is plenty for generating data (the distortion over 50 km is well under 1 %); readers must
//! measure distances properly and not rely on this approximation.

use geo_types::Coord;

/// Longitude of the city centre: an old core near big hospitals.
pub const CENTRE_LON: f64 = 114.30;
/// Latitude of the city centre.
pub const CENTRE_LAT: f64 = 30.60;

/// Mean Earth radius (IUGG), metres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Converts local metres to WGS 84 longitude/latitude around the city centre.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    metres_per_degree_lon: f64,
    metres_per_degree_lat: f64,
}

impl Frame {
    pub(crate) fn new() -> Self {
        let metres_per_degree_lat = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;
        Frame {
            metres_per_degree_lat,
            metres_per_degree_lon: metres_per_degree_lat * CENTRE_LAT.to_radians().cos(),
        }
    }

    /// Longitude/latitude of a point `x` metres east and `y` metres north of the centre.
    pub(crate) fn lon_lat(&self, (x, y): (f64, f64)) -> Coord<f64> {
        Coord {
            x: CENTRE_LON + x / self.metres_per_degree_lon,
            y: CENTRE_LAT + y / self.metres_per_degree_lat,
        }
    }

    /// The inverse of [`Frame::lon_lat`].
    #[cfg(test)]
    pub(crate) fn metres(&self, c: Coord<f64>) -> (f64, f64) {
        (
            (c.x - CENTRE_LON) * self.metres_per_degree_lon,
            (c.y - CENTRE_LAT) * self.metres_per_degree_lat,
        )
    }
}
