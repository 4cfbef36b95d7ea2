//! Coordinate reference systems used by Chinese web maps, and a local metric plane.
//!
//! Facility and road data for mainland China usually comes in one of three
//! datums, all expressed as longitude/latitude in **degrees**:
//!
//! * [`Crs::Wgs84`]: GPS / OpenStreetMap coordinates;
//! * [`Crs::Gcj02`]: the obfuscated "Mars coordinates" required by Chinese
//!   law (AMap/Gaode, Tencent, Google Maps China);
//! * [`Crs::Bd09`]: Baidu's extra offset on top of GCJ-02.
//!
//! The forward transforms are the widely published formulas. The inverses are
//! solved numerically (see [`gcj02_to_wgs84`] and [`bd09_to_gcj02`]), so a
//! round trip is reproduced to well under a millimetre, where the usual
//! one-step "inverses" are off by decimetres (BD-09) to metres (GCJ-02).
//!
//! Files in any other system named by an EPSG code ([`Crs::Epsg`]: CGCS2000 and its
//! Gauss–Krüger zones, TWD97, UTM, Web Mercator…) are converted by proj4rs from the
//! definitions of the `crs-definitions` crate (see [`super::epsg`]).
//!
//! Distances and areas are computed in a [`LocalProjection`], a transverse
//! Mercator plane in metres centred on the study area.

use std::f64::consts::PI;
use std::fmt;
use std::str::FromStr;

use geo::MapCoordsInPlace;
use geo_types::Coord;
use proj4rs::transform::transform;
use proj4rs::Proj;

/// Errors raised while parsing a [`Crs`] or building a [`LocalProjection`].
#[derive(Debug, thiserror::Error)]
pub enum CrsError {
    /// The text is not the name of a supported coordinate reference system.
    #[error(
        "unknown coordinate reference system `{0}` (expected wgs84, gcj02, bd09 or an EPSG \
         code such as EPSG:4490, EPSG:4549 or EPSG:3826)"
    )]
    UnknownCrs(String),
    /// An EPSG code without a definition in the `crs-definitions` crate.
    #[error(
        "unknown EPSG code {0} (carecircle knows the codes of the EPSG registry's \
         projected and geographic systems; check the code, or convert the file to WGS 84 \
         with `ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson`)"
    )]
    UnknownEpsg(u32),
    /// A projection centre that is not a finite longitude/latitude in range.
    #[error(
        "invalid projection centre ({lon}, {lat}): longitude must be within ±180° \
         and latitude within ±90°"
    )]
    InvalidCentre {
        /// Longitude of the rejected centre, degrees.
        lon: f64,
        /// Latitude of the rejected centre, degrees.
        lat: f64,
    },
    /// proj4rs refused the projection definition.
    #[error("cannot build the local projection `{definition}`: {source}")]
    Projection {
        /// The proj string that was rejected.
        definition: String,
        /// The underlying proj4rs error.
        source: proj4rs::errors::Error,
    },
}

/// The coordinate reference system of an input file: longitude/latitude in degrees in one
/// of the datums of Chinese web maps, or any system with an EPSG code.
///
/// Written as `wgs84`, `gcj02`, `bd09` (also `WGS 84`, `GCJ-02`, `BD-09`, any case) or
/// `EPSG:<code>` (also the GeoJSON forms `urn:ogc:def:crs:EPSG::<code>` and
/// `urn:ogc:def:crs:OGC:1.3:CRS84`); `EPSG:4326` is [`Crs::Wgs84`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Crs {
    /// WGS 84 (EPSG:4326): GPS, OpenStreetMap.
    #[default]
    Wgs84,
    /// GCJ-02 "Mars coordinates": WGS 84 plus the official Chinese obfuscation
    /// (AMap/Gaode, Tencent). Identical to WGS 84 outside China, see [`outside_china`].
    Gcj02,
    /// BD-09: GCJ-02 plus Baidu's additional offset (Baidu Maps).
    Bd09,
    /// A system of the EPSG registry other than EPSG:4326, converted by proj4rs (see
    /// [`super::epsg::ToWgs84`]); the code is one `crs-definitions` knows.
    Epsg(u16),
}

impl Crs {
    /// Converts a longitude/latitude (degrees) in one of the web-map datums to WGS 84
    /// (degrees); `None` for [`Crs::Epsg`], which converts through
    /// [`super::epsg::ToWgs84`].
    ///
    /// Accuracy is that of the underlying functions: exact for WGS 84, better
    /// than a millimetre against the forward formulas for GCJ-02 and BD-09.
    pub fn datum_to_wgs84(self, lon: f64, lat: f64) -> Option<(f64, f64)> {
        match self {
            Crs::Wgs84 => Some((lon, lat)),
            Crs::Gcj02 => Some(gcj02_to_wgs84(lon, lat)),
            Crs::Bd09 => Some(bd09_to_wgs84(lon, lat)),
            Crs::Epsg(_) => None,
        }
    }
}

impl fmt::Display for Crs {
    /// Writes `wgs84`, `gcj02`, `bd09` or `EPSG:<code>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Crs::Wgs84 => f.write_str("wgs84"),
            Crs::Gcj02 => f.write_str("gcj02"),
            Crs::Bd09 => f.write_str("bd09"),
            Crs::Epsg(code) => write!(f, "EPSG:{code}"),
        }
    }
}

impl FromStr for Crs {
    type Err = CrsError;

    /// Parses the forms listed on [`Crs`], ignoring case, surrounding whitespace and the
    /// separators `-`, `_` and spaces in the names.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim().to_ascii_lowercase();
        let name: String = text
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .collect();
        match name.as_str() {
            "wgs84" | "urn:ogc:def:crs:ogc:1.3:crs84" | "crs84" => return Ok(Crs::Wgs84),
            "gcj02" => return Ok(Crs::Gcj02),
            "bd09" => return Ok(Crs::Bd09),
            _ => {}
        }
        let code = ["urn:ogc:def:crs:epsg::", "epsg:"]
            .iter()
            .find_map(|prefix| name.strip_prefix(prefix))
            .ok_or_else(|| CrsError::UnknownCrs(s.trim().to_owned()))?;
        let code: u32 = code
            .parse()
            .map_err(|_| CrsError::UnknownCrs(s.trim().to_owned()))?;
        super::epsg::known(code)
    }
}

impl<'de> serde::Deserialize<'de> for Crs {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl serde::Serialize for Crs {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

// ---------------------------------------------------------------------------
// Datum conversions
// ---------------------------------------------------------------------------

/// Semi-major axis of the Krasovsky 1940 ellipsoid used by GCJ-02, metres.
const KRASOVSKY_A: f64 = 6_378_245.0;
/// First eccentricity squared of the Krasovsky 1940 ellipsoid (published as
/// 0.00669342162296594323; the extra digits do not change the `f64`).
const KRASOVSKY_EE: f64 = 0.006_693_421_622_965_943;
/// Baidu's angular constant, π·3000/180.
const X_PI: f64 = PI * 3000.0 / 180.0;
/// Convergence threshold of the iterative inverses, degrees (≈ 0.01 mm).
const INVERSE_TOLERANCE_DEG: f64 = 1e-10;
/// Upper bound on iterations of the inverses; across China they converge in 2–4.
const INVERSE_MAX_ITERATIONS: usize = 30;

/// Whether a point lies outside the rectangle in which GCJ-02 is applied.
///
/// This is the customary bounding-box test shared by the published
/// implementations: longitude outside 72.004°..137.8347° E or latitude outside
/// 0.8293°..55.8271° N. It is a coarse box, not a border: it includes e.g.
/// Taiwan, Mongolia and parts of neighbouring countries, exactly as the
/// reference implementations (and therefore most real GCJ-02 data) do.
pub fn outside_china(lon: f64, lat: f64) -> bool {
    !(72.004..=137.8347).contains(&lon) || !(0.8293..=55.8271).contains(&lat)
}

/// The GCJ-02 offset (Δlon, Δlat) in degrees to add to a WGS 84 point inside China.
fn gcj02_offset(lon: f64, lat: f64) -> (f64, f64) {
    let x = lon - 105.0;
    let y = lat - 35.0;
    let shared = (20.0 * (6.0 * PI * x).sin() + 20.0 * (2.0 * PI * x).sin()) * 2.0 / 3.0;
    // Pseudo-metre shifts to the north and to the east.
    let north = -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * x.abs().sqrt()
        + shared
        + (20.0 * (PI * y).sin() + 40.0 * (PI * y / 3.0).sin()) * 2.0 / 3.0
        + (160.0 * (PI * y / 12.0).sin() + 320.0 * (PI * y / 30.0).sin()) * 2.0 / 3.0;
    let east = 300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * x.abs().sqrt()
        + shared
        + (20.0 * (PI * x).sin() + 40.0 * (PI * x / 3.0).sin()) * 2.0 / 3.0
        + (150.0 * (PI * x / 12.0).sin() + 300.0 * (PI * x / 30.0).sin()) * 2.0 / 3.0;

    // Convert to degrees with the Krasovsky radii of curvature at `lat`.
    let phi = lat.to_radians();
    let w2 = 1.0 - KRASOVSKY_EE * phi.sin() * phi.sin();
    let meridian_radius = KRASOVSKY_A * (1.0 - KRASOVSKY_EE) / (w2 * w2.sqrt());
    let parallel_radius = KRASOVSKY_A / w2.sqrt() * phi.cos();
    (
        (east / parallel_radius).to_degrees(),
        (north / meridian_radius).to_degrees(),
    )
}

/// Finds `p` with `forward(p) == target` by the fixed-point iteration
/// `p ← p − (forward(p) − target)`, starting from `guess`.
///
/// This converges quickly because both datum shifts are small, slowly varying
/// offsets (their Jacobians differ from the identity by ~1e-3). Stops when the
/// residual is below [`INVERSE_TOLERANCE_DEG`] on both axes, or after
/// [`INVERSE_MAX_ITERATIONS`] (NaN inputs end up there and yield NaN).
fn invert(
    forward: impl Fn(f64, f64) -> (f64, f64),
    target: (f64, f64),
    guess: (f64, f64),
) -> (f64, f64) {
    let (mut lon, mut lat) = guess;
    for _ in 0..INVERSE_MAX_ITERATIONS {
        let (f_lon, f_lat) = forward(lon, lat);
        let (r_lon, r_lat) = (f_lon - target.0, f_lat - target.1);
        if r_lon.abs() < INVERSE_TOLERANCE_DEG && r_lat.abs() < INVERSE_TOLERANCE_DEG {
            break;
        }
        lon -= r_lon;
        lat -= r_lat;
    }
    (lon, lat)
}

/// WGS 84 → GCJ-02, longitude/latitude in degrees.
///
/// The standard published "Mars coordinates" formula on the Krasovsky 1940
/// ellipsoid (a = 6378245 m, e² = 0.00669342162296594323). The shift is a few
/// hundred metres. Points for which [`outside_china`] holds are returned unchanged.
///
/// # Examples
///
/// ```
/// use carecircle::algo::crs::{gcj02_to_wgs84, wgs84_to_gcj02};
///
/// let (lon, lat) = wgs84_to_gcj02(116.3975, 39.9087);
/// // Beijing moves about 600 m east and 140 m north.
/// assert!((lon - 116.3975 - 0.0062).abs() < 0.0005, "{lon}");
/// assert!((lat - 39.9087 - 0.0013).abs() < 0.0005, "{lat}");
/// let (back_lon, back_lat) = gcj02_to_wgs84(lon, lat);
/// assert!((back_lon - 116.3975).abs() < 1e-9 && (back_lat - 39.9087).abs() < 1e-9);
/// // Paris is outside China: unchanged.
/// assert_eq!(wgs84_to_gcj02(2.35, 48.85), (2.35, 48.85));
/// ```
pub fn wgs84_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    if outside_china(lon, lat) {
        return (lon, lat);
    }
    let (d_lon, d_lat) = gcj02_offset(lon, lat);
    (lon + d_lon, lat + d_lat)
}

/// GCJ-02 → WGS 84, longitude/latitude in degrees.
///
/// There is no closed-form inverse; this iterates [`wgs84_to_gcj02`] until it
/// reproduces the input to 1e-10° (≈ 0.01 mm), so the result is exact for all
/// practical purposes (sub-millimetre). Outside China it is the identity.
pub fn gcj02_to_wgs84(lon: f64, lat: f64) -> (f64, f64) {
    invert(wgs84_to_gcj02, (lon, lat), (lon, lat))
}

/// GCJ-02 → BD-09, longitude/latitude in degrees.
///
/// The standard Baidu formula (x_pi = π·3000/180). Unlike GCJ-02 it is applied
/// everywhere, with no out-of-China test, matching the reference implementations.
///
/// # Examples
///
/// ```
/// use carecircle::algo::crs::{bd09_to_gcj02, gcj02_to_bd09};
///
/// let (lon, lat) = gcj02_to_bd09(116.4039, 39.9151);
/// // Baidu's offset is about 0.0065° east and 0.006° north.
/// assert!((lon - 116.4039 - 0.0065).abs() < 0.0005, "{lon}");
/// assert!((lat - 39.9151 - 0.006).abs() < 0.0005, "{lat}");
/// let (back_lon, back_lat) = bd09_to_gcj02(lon, lat);
/// assert!((back_lon - 116.4039).abs() < 1e-9 && (back_lat - 39.9151).abs() < 1e-9);
/// ```
pub fn gcj02_to_bd09(lon: f64, lat: f64) -> (f64, f64) {
    let z = lon.hypot(lat) + 0.000_02 * (lat * X_PI).sin();
    let theta = lat.atan2(lon) + 0.000_003 * (lon * X_PI).cos();
    (z * theta.cos() + 0.0065, z * theta.sin() + 0.006)
}

/// BD-09 → GCJ-02, longitude/latitude in degrees.
///
/// The commonly published closed-form inverse only approximates
/// [`gcj02_to_bd09`] (errors up to about 0.2 m across China), so it is used as
/// the starting guess and refined by iterating the forward formula to 1e-10°
/// (sub-millimetre).
pub fn bd09_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    let x = lon - 0.0065;
    let y = lat - 0.006;
    let z = x.hypot(y) - 0.000_02 * (y * X_PI).sin();
    let theta = y.atan2(x) - 0.000_003 * (x * X_PI).cos();
    invert(
        gcj02_to_bd09,
        (lon, lat),
        (z * theta.cos(), z * theta.sin()),
    )
}

/// BD-09 → WGS 84 (via GCJ-02), longitude/latitude in degrees; sub-millimetre.
pub fn bd09_to_wgs84(lon: f64, lat: f64) -> (f64, f64) {
    let (lon, lat) = bd09_to_gcj02(lon, lat);
    gcj02_to_wgs84(lon, lat)
}

/// WGS 84 → BD-09 (via GCJ-02), longitude/latitude in degrees.
pub fn wgs84_to_bd09(lon: f64, lat: f64) -> (f64, f64) {
    let (lon, lat) = wgs84_to_gcj02(lon, lat);
    gcj02_to_bd09(lon, lat)
}

// ---------------------------------------------------------------------------
// Local projected plane
// ---------------------------------------------------------------------------

/// A transverse Mercator plane (WGS 84 ellipsoid, scale 1, no false origin)
/// centred on a study area, for metric distances and areas.
///
/// `x` points east and `y` north, in metres, with the centre at (0, 0). Within
/// 50 km of the centre the scale error is below 0.004 %, so Euclidean distances
/// in the plane match geodesic distances far better than 0.05 %.
///
/// Input longitudes/latitudes are WGS 84 degrees: convert GCJ-02/BD-09 data
/// with [`super::epsg::ToWgs84`] first. The value is `Send + Sync` and cheap to share
/// across threads; projecting a point does not allocate.
#[derive(Debug, Clone)]
pub struct LocalProjection {
    geographic: Proj,
    plane: Proj,
    centre: (f64, f64),
}

// Compile-time guarantee that a projection can be shared by rayon workers.
const _: fn() = || {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<LocalProjection>();
};

fn build_proj(definition: String) -> Result<Proj, CrsError> {
    Proj::from_proj_string(&definition)
        .map_err(|source| CrsError::Projection { definition, source })
}

impl LocalProjection {
    /// Builds the plane centred on (`lon0`, `lat0`), WGS 84 degrees.
    ///
    /// Fails with [`CrsError::InvalidCentre`] unless the centre is finite with
    /// |lon0| ≤ 180 and |lat0| ≤ 90, or with [`CrsError::Projection`] if proj4rs
    /// rejects the definition
    /// `+proj=tmerc +lat_0=.. +lon_0=.. +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m`.
    pub fn centred_on(lon0: f64, lat0: f64) -> Result<LocalProjection, CrsError> {
        // `contains` is false for NaN, so this also rejects non-finite values.
        if !(-180.0..=180.0).contains(&lon0) || !(-90.0..=90.0).contains(&lat0) {
            return Err(CrsError::InvalidCentre {
                lon: lon0,
                lat: lat0,
            });
        }
        let geographic = build_proj("+proj=longlat +ellps=WGS84".to_owned())?;
        let plane = build_proj(format!(
            "+proj=tmerc +lat_0={lat0} +lon_0={lon0} +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m"
        ))?;
        Ok(LocalProjection {
            geographic,
            plane,
            centre: (lon0, lat0),
        })
    }

    /// Builds the plane centred on the middle of a longitude/latitude box (WGS 84 degrees).
    ///
    /// The box must not cross the antimeridian. Errors as [`Self::centred_on`].
    pub fn for_bounds(
        min_lon: f64,
        min_lat: f64,
        max_lon: f64,
        max_lat: f64,
    ) -> Result<LocalProjection, CrsError> {
        Self::centred_on((min_lon + max_lon) / 2.0, (min_lat + max_lat) / 2.0)
    }

    /// The centre (longitude, latitude) in WGS 84 degrees; it projects to (0, 0).
    pub fn centre(&self) -> (f64, f64) {
        self.centre
    }

    /// Projects a WGS 84 longitude/latitude (degrees) to plane metres (x east, y north).
    ///
    /// Poder/Engsager transverse Mercator as in PROJ (proj4rs matches PROJ to
    /// ~1e-6 m). If proj4rs reports an error (non-finite input, latitude beyond
    /// ±90°, points very far from the central meridian) the result is
    /// `(NaN, NaN)` rather than a panic.
    pub fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        let mut point = (lon.to_radians(), lat.to_radians(), 0.0);
        match transform(&self.geographic, &self.plane, &mut point) {
            Ok(()) => (point.0, point.1),
            Err(_) => (f64::NAN, f64::NAN),
        }
    }

    /// Inverse of [`Self::project`]: plane metres to WGS 84 longitude/latitude
    /// (degrees). Round trips to better than 1e-9°. Errors give `(NaN, NaN)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use carecircle::algo::crs::LocalProjection;
    ///
    /// let plane = LocalProjection::centred_on(121.47, 31.23)?;
    /// assert_eq!(plane.project(121.47, 31.23), (0.0, 0.0));
    /// // 0.01° of longitude at 31.23° N is about 952 m east.
    /// let (x, y) = plane.project(121.48, 31.23);
    /// assert!((x - 952.4).abs() < 0.5 && y.abs() < 0.5, "{x} {y}");
    /// let (lon, lat) = plane.unproject(x, y);
    /// assert!((lon - 121.48).abs() < 1e-9 && (lat - 31.23).abs() < 1e-9);
    /// # Ok::<(), carecircle::algo::crs::CrsError>(())
    /// ```
    pub fn unproject(&self, x: f64, y: f64) -> (f64, f64) {
        let mut point = (x, y, 0.0);
        match transform(&self.plane, &self.geographic, &mut point) {
            Ok(()) => (point.0.to_degrees(), point.1.to_degrees()),
            Err(_) => (f64::NAN, f64::NAN),
        }
    }

    /// [`Self::project`] for a coordinate whose `x` is longitude and `y` latitude.
    pub fn project_coord(&self, c: Coord<f64>) -> Coord<f64> {
        let (x, y) = self.project(c.x, c.y);
        Coord { x, y }
    }

    /// Projects every coordinate of a geometry (any geo type: point, line
    /// string, polygon, collection, ...) in place, as [`Self::project_coord`].
    pub fn project_geometry<G: MapCoordsInPlace<f64>>(&self, geometry: &mut G) {
        geometry.map_coords_in_place(|c| self.project_coord(c));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Distance, Geodesic, Point};
    use geo_types::{line_string, LineString};

    /// Geodesic distance in metres between two (lon, lat) pairs in degrees.
    fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
        Geodesic.distance(Point::new(a.0, a.1), Point::new(b.0, b.1))
    }

    /// Agreement expected with values published to full double precision by
    /// an implementation of the same forward formula (our inverses converge
    /// to 1e-10° ≈ 0.01 mm, so 0.05 mm leaves headroom in both directions).
    const FULL_PRECISION_M: f64 = 5e-5;
    /// Values published to 7–8 decimal places (≈ 1 cm / 1 mm).
    const ROUNDED_M: f64 = 0.02;
    /// Published outputs of inverses computed by other algorithms (one-step
    /// or closed-form approximations, 0.02–0.1 m off at these points): held
    /// to the 1 m acceptance bound.
    const OTHER_INVERSE_M: f64 = 1.0;

    /// A published conversion: `from` in one CRS corresponds to `to` in
    /// another, (lon, lat) degrees, both directions expected within `tolerance_m`.
    struct Reference {
        place: &'static str,
        from: (f64, f64),
        to: (f64, f64),
        tolerance_m: f64,
    }

    /// WGS 84 → GCJ-02.
    const WGS84_TO_GCJ02: [Reference; 5] = [
        // googollee/eviltransform, go/transform_test.go (lat/lng order there).
        Reference {
            place: "Shanghai",
            from: (121.5272106, 31.1774276),
            to: (121.531541859215, 31.17530398364597),
            tolerance_m: FULL_PRECISION_M,
        },
        // googollee/eviltransform, go/transform_test.go
        Reference {
            place: "Shenzhen",
            from: (113.912316, 22.543847),
            to: (113.9171764808363, 22.540796131694766),
            tolerance_m: FULL_PRECISION_M,
        },
        // googollee/eviltransform, go/transform_test.go
        Reference {
            place: "Beijing",
            from: (116.377817, 39.911954),
            to: (116.38404722455657, 39.91334545536069),
            tolerance_m: FULL_PRECISION_M,
        },
        // wandergis/coordtransform, test/app.js ("wgs84togcj02")
        Reference {
            place: "Beijing, Tiananmen",
            from: (116.404, 39.915),
            to: (116.41024449916938, 39.91640428150164),
            tolerance_m: FULL_PRECISION_M,
        },
        // hujiulong/gcoord, test/unit/crs/WGS84.spec.ts ("WGS84 to GCJ02")
        Reference {
            place: "Heilongjiang (123, 45)",
            from: (123.0, 45.0),
            to: (123.00607541, 45.00197815),
            tolerance_m: ROUNDED_M,
        },
    ];

    /// GCJ-02 → WGS 84 as published by approximate inverses.
    const GCJ02_TO_WGS84: [Reference; 2] = [
        // wandergis/coordtransform, test/app.js ("gcj02towgs84", one-step inverse)
        Reference {
            place: "Beijing, Tiananmen",
            from: (116.404, 39.915),
            to: (116.39775550083061, 39.91359571849836),
            tolerance_m: OTHER_INVERSE_M,
        },
        // hujiulong/gcoord, test/unit/crs/GCJ02.spec.ts ("GCJ02 to WGS84")
        Reference {
            place: "Heilongjiang (123, 45)",
            from: (123.0, 45.0),
            to: (122.99395597, 44.99804071),
            tolerance_m: OTHER_INVERSE_M,
        },
    ];

    /// GCJ-02 → BD-09.
    const GCJ02_TO_BD09: [Reference; 2] = [
        // wandergis/coordtransform, test/app.js ("gcj02tobd09")
        Reference {
            place: "Beijing, Tiananmen",
            from: (116.404, 39.915),
            to: (116.41036949371029, 39.92133699351021),
            tolerance_m: FULL_PRECISION_M,
        },
        // hujiulong/gcoord, test/unit/crs/GCJ02.spec.ts ("GCJ02 to BD09")
        Reference {
            place: "Heilongjiang (123, 45)",
            from: (123.0, 45.0),
            to: (123.00636499, 45.00636899),
            tolerance_m: ROUNDED_M,
        },
    ];

    /// BD-09 → GCJ-02 as published by the closed-form approximation.
    const BD09_TO_GCJ02: [Reference; 2] = [
        // wandergis/coordtransform, test/app.js ("bd09togcj02")
        Reference {
            place: "Beijing, Tiananmen",
            from: (116.404, 39.915),
            to: (116.39762729119315, 39.90865673957631),
            tolerance_m: OTHER_INVERSE_M,
        },
        // hujiulong/gcoord, test/unit/crs/BD09.spec.ts ("BD09 to GCJ02")
        Reference {
            place: "Heilongjiang (123, 45)",
            from: (123.0, 45.0),
            to: (122.99363304, 44.99365430),
            tolerance_m: OTHER_INVERSE_M,
        },
    ];

    /// WGS 84 → BD-09 in one go.
    // hujiulong/gcoord, test/unit/crs/WGS84.spec.ts ("WGS84 to BD09")
    const WGS84_TO_BD09: Reference = Reference {
        place: "Heilongjiang (123, 45)",
        from: (123.0, 45.0),
        to: (123.0124491, 45.0083293),
        tolerance_m: ROUNDED_M,
    };

    /// BD-09 → WGS 84 as published (through gcoord's closed-form BD-09 inverse).
    // hujiulong/gcoord, test/unit/crs/BD09.spec.ts ("BD09 to WGS84")
    const BD09_TO_WGS84: Reference = Reference {
        place: "Heilongjiang (123, 45)",
        from: (123.0, 45.0),
        to: (122.98762210, 44.99171540),
        tolerance_m: OTHER_INVERSE_M,
    };

    /// Checks `forward(r.from) ≈ r.to` and `inverse(r.to) ≈ r.from`.
    fn check_both_ways(
        r: &Reference,
        forward: fn(f64, f64) -> (f64, f64),
        inverse: fn(f64, f64) -> (f64, f64),
    ) {
        assert_within(r.place, forward(r.from.0, r.from.1), r.to, r.tolerance_m);
        assert_within(r.place, inverse(r.to.0, r.to.1), r.from, r.tolerance_m);
    }

    fn assert_within(what: &str, got: (f64, f64), want: (f64, f64), tolerance_m: f64) {
        let error = metres(got, want);
        assert!(
            error <= tolerance_m,
            "{what}: got {got:?}, want {want:?}, off by {error:.6} m (> {tolerance_m} m)"
        );
    }

    /// A grid of WGS 84 points spanning mainland China.
    fn china_grid() -> impl Iterator<Item = (f64, f64)> {
        (0..=20).flat_map(|i| {
            (0..=20).map(move |j| {
                (
                    75.0 + 60.0 * f64::from(i) / 20.0,
                    18.0 + 35.0 * f64::from(j) / 20.0,
                )
            })
        })
    }

    #[test]
    fn wgs84_gcj02_match_published_pairs_both_ways() {
        for r in &WGS84_TO_GCJ02 {
            check_both_ways(r, wgs84_to_gcj02, gcj02_to_wgs84);
        }
        for r in &GCJ02_TO_WGS84 {
            check_both_ways(r, gcj02_to_wgs84, wgs84_to_gcj02);
        }
    }

    #[test]
    fn gcj02_bd09_match_published_pairs_both_ways() {
        for r in &GCJ02_TO_BD09 {
            check_both_ways(r, gcj02_to_bd09, bd09_to_gcj02);
        }
        for r in &BD09_TO_GCJ02 {
            check_both_ways(r, bd09_to_gcj02, gcj02_to_bd09);
        }
    }

    #[test]
    fn wgs84_bd09_match_published_pairs_both_ways() {
        check_both_ways(&WGS84_TO_BD09, wgs84_to_bd09, bd09_to_wgs84);
        check_both_ways(&BD09_TO_WGS84, bd09_to_wgs84, wgs84_to_bd09);
    }

    #[test]
    fn round_trips_are_sub_millimetre_across_china() {
        for p in china_grid() {
            let (lon, lat) = wgs84_to_gcj02(p.0, p.1);
            assert_within("wgs84→gcj02→wgs84", gcj02_to_wgs84(lon, lat), p, 1e-3);
            let (lon, lat) = wgs84_to_bd09(p.0, p.1);
            assert_within("wgs84→bd09→wgs84", bd09_to_wgs84(lon, lat), p, 1e-3);
            let (lon, lat) = gcj02_to_bd09(p.0, p.1);
            assert_within("gcj02→bd09→gcj02", bd09_to_gcj02(lon, lat), p, 1e-3);
        }
    }

    #[test]
    fn inverses_reproduce_the_forward_formulas() {
        // The one-step / closed-form inverses are only good to decimetres or
        // metres; the iterated ones must reproduce their forward formula to 1e-9°.
        for bd in china_grid() {
            let gcj = bd09_to_gcj02(bd.0, bd.1);
            let back = gcj02_to_bd09(gcj.0, gcj.1);
            assert!(
                (back.0 - bd.0).abs() < 1e-9 && (back.1 - bd.1).abs() < 1e-9,
                "{bd:?}"
            );
            let wgs = gcj02_to_wgs84(gcj.0, gcj.1);
            let back = wgs84_to_gcj02(wgs.0, wgs.1);
            assert!(
                (back.0 - gcj.0).abs() < 1e-9 && (back.1 - gcj.1).abs() < 1e-9,
                "{gcj:?}"
            );
        }
    }

    #[test]
    fn gcj02_is_identity_outside_china() {
        let helsinki = (24.94, 60.17);
        assert!(outside_china(helsinki.0, helsinki.1));
        assert_eq!(wgs84_to_gcj02(helsinki.0, helsinki.1), helsinki);
        assert_eq!(gcj02_to_wgs84(helsinki.0, helsinki.1), helsinki);
        assert_eq!(
            Crs::Gcj02.datum_to_wgs84(helsinki.0, helsinki.1),
            Some(helsinki)
        );
        // ...but not inside: Shanghai moves by hundreds of metres.
        let shanghai = WGS84_TO_GCJ02[0].from;
        assert!(!outside_china(shanghai.0, shanghai.1));
        assert!(metres(wgs84_to_gcj02(shanghai.0, shanghai.1), shanghai) > 100.0);
    }

    #[test]
    fn crs_to_wgs84_dispatches_on_the_datum() {
        let (lon, lat) = (116.404, 39.915);
        let to = |crs: Crs| crs.datum_to_wgs84(lon, lat);
        assert_eq!(to(Crs::Wgs84), Some((lon, lat)));
        assert_eq!(to(Crs::Gcj02), Some(gcj02_to_wgs84(lon, lat)));
        assert_eq!(to(Crs::Bd09), Some(bd09_to_wgs84(lon, lat)));
        assert_ne!(to(Crs::Gcj02), to(Crs::Bd09));
        assert_eq!(to(Crs::Epsg(3857)), None);
    }

    #[test]
    fn crs_names_parse_display_and_serde() {
        for (crs, name) in [
            (Crs::Wgs84, "wgs84"),
            (Crs::Gcj02, "gcj02"),
            (Crs::Bd09, "bd09"),
        ] {
            assert_eq!(crs.to_string(), name);
            assert_eq!(name.parse::<Crs>().unwrap(), crs);
            assert_eq!(name.to_uppercase().parse::<Crs>().unwrap(), crs);
            assert_eq!(serde_json::to_string(&crs).unwrap(), format!("\"{name}\""));
            assert_eq!(
                serde_json::from_str::<Crs>(&format!("\"{name}\"")).unwrap(),
                crs
            );
        }
        assert_eq!(" Gcj02 ".parse::<Crs>().unwrap(), Crs::Gcj02);
        assert_eq!(Crs::default(), Crs::Wgs84);
        let message = "mars".parse::<Crs>().unwrap_err().to_string();
        for name in ["mars", "wgs84", "gcj02", "bd09", "EPSG:4490"] {
            assert!(message.contains(name), "{message}");
        }
    }

    #[test]
    fn aliases_and_epsg_codes_parse() {
        for (text, crs) in [
            ("GCJ-02", Crs::Gcj02),
            ("BD-09", Crs::Bd09),
            ("WGS 84", Crs::Wgs84),
            ("EPSG:4326", Crs::Wgs84),
            ("urn:ogc:def:crs:OGC:1.3:CRS84", Crs::Wgs84),
            ("epsg:4549", Crs::Epsg(4549)),
            ("EPSG:3826", Crs::Epsg(3826)),
            ("urn:ogc:def:crs:EPSG::3857", Crs::Epsg(3857)),
        ] {
            assert_eq!(text.parse::<Crs>().unwrap(), crs, "{text}");
        }
        assert_eq!(Crs::Epsg(4490).to_string(), "EPSG:4490");
        assert_eq!(
            serde_json::to_string(&Crs::Epsg(4490)).unwrap(),
            "\"EPSG:4490\""
        );
        let unknown = "EPSG:99999".parse::<Crs>().unwrap_err().to_string();
        assert!(unknown.contains("unknown EPSG code 99999"), "{unknown}");
        assert!(unknown.contains("ogr2ogr"), "{unknown}");
        assert!("EPSG:abc".parse::<Crs>().is_err());
    }

    /// Points spread over a 50 km × 50 km square around `centre`, on a 5 × 5 grid.
    fn spread_around(centre: (f64, f64)) -> Vec<(f64, f64)> {
        let half_side_m = 25_000.0;
        let dlat = (half_side_m / 111_000.0) * 2.0;
        let dlon = dlat / centre.1.to_radians().cos();
        (0..5)
            .flat_map(|i| {
                (0..5).map(move |j| {
                    (
                        centre.0 - dlon / 2.0 + dlon * f64::from(i) / 4.0,
                        centre.1 - dlat / 2.0 + dlat * f64::from(j) / 4.0,
                    )
                })
            })
            .collect()
    }

    #[test]
    fn projected_distances_match_geodesic_within_0_05_percent() {
        for centre in [(121.5, 25.05), (24.94, 60.17)] {
            let projection = LocalProjection::centred_on(centre.0, centre.1).unwrap();
            let points = spread_around(centre);
            let planar: Vec<(f64, f64)> = points
                .iter()
                .map(|p| projection.project(p.0, p.1))
                .collect();
            let mut longest = 0.0_f64;
            for i in 0..points.len() {
                for j in i + 1..points.len() {
                    let geodesic = metres(points[i], points[j]);
                    let (dx, dy) = (planar[i].0 - planar[j].0, planar[i].1 - planar[j].1);
                    let relative = (dx.hypot(dy) - geodesic).abs() / geodesic;
                    assert!(
                        relative < 5e-4,
                        "{centre:?}: {:?}–{:?} relative error {relative:e}",
                        points[i],
                        points[j]
                    );
                    longest = longest.max(geodesic);
                }
            }
            // The grid really spans about 50 km (its diagonal ~70 km).
            assert!(longest > 60_000.0, "{longest}");
        }
    }

    #[test]
    fn project_unproject_round_trip() {
        for centre in [(121.5, 25.05), (24.94, 60.17)] {
            let projection = LocalProjection::centred_on(centre.0, centre.1).unwrap();
            assert_eq!(projection.centre(), centre);
            let origin = projection.project(centre.0, centre.1);
            assert!(origin.0.abs() < 1e-6 && origin.1.abs() < 1e-6, "{origin:?}");
            for p in spread_around(centre) {
                let (x, y) = projection.project(p.0, p.1);
                let back = projection.unproject(x, y);
                assert!(
                    (back.0 - p.0).abs() < 1e-9 && (back.1 - p.1).abs() < 1e-9,
                    "{p:?} came back as {back:?}"
                );
            }
            // The scale is true at the centre (k = 1): 100 m is 100 m.
            let step = projection.project(centre.0, centre.1 + 0.001);
            let geodesic = metres(centre, (centre.0, centre.1 + 0.001));
            assert!(
                (step.1 / geodesic - 1.0).abs() < 1e-6,
                "{step:?} vs {geodesic}"
            );
            // East is +x and north is +y.
            let east = projection.project(centre.0 + 0.01, centre.1);
            let north = projection.project(centre.0, centre.1 + 0.01);
            assert!(east.0 > 500.0 && east.1.abs() < 10.0, "{east:?}");
            assert!(north.1 > 1_000.0 && north.0.abs() < 1e-6, "{north:?}");
        }
    }

    #[test]
    fn for_bounds_centres_on_the_middle_of_the_box() {
        let projection = LocalProjection::for_bounds(121.3, 24.9, 121.7, 25.2).unwrap();
        let (lon, lat) = projection.centre();
        assert!((lon - 121.5).abs() < 1e-12 && (lat - 25.05).abs() < 1e-12);
    }

    #[test]
    fn geometries_project_like_their_coordinates() {
        let projection = LocalProjection::centred_on(121.5, 25.05).unwrap();
        let original: LineString<f64> = line_string![(x: 121.45, y: 25.0), (x: 121.55, y: 25.1)];
        let mut projected = original.clone();
        projection.project_geometry(&mut projected);
        for (before, after) in original.coords().zip(projected.coords()) {
            assert_eq!(*after, projection.project_coord(*before));
            let (x, y) = projection.project(before.x, before.y);
            assert_eq!((after.x, after.y), (x, y));
        }
        assert!(projected.0[0].x < -4_000.0 && projected.0[1].y > 5_000.0);
    }

    #[test]
    fn invalid_input_is_an_error_or_nan_not_a_panic() {
        for (lon, lat) in [
            (f64::NAN, 0.0),
            (0.0, f64::INFINITY),
            (181.0, 0.0),
            (0.0, -90.5),
        ] {
            let error = LocalProjection::centred_on(lon, lat).unwrap_err();
            assert!(
                error.to_string().contains("invalid projection centre"),
                "{error}"
            );
        }
        let projection = LocalProjection::centred_on(24.94, 60.17).unwrap();
        let (x, y) = projection.project(24.94, 95.0);
        assert!(x.is_nan() && y.is_nan());
        let (x, y) = projection.project(f64::NAN, 60.0);
        assert!(x.is_nan() && y.is_nan());
    }
}
