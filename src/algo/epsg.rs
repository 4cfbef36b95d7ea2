//! Input coordinates to WGS 84: the web-map datums of [`Crs`] by their formulas, any EPSG
//! system by proj4rs with the definition the `crs-definitions` crate gives for its code
//! (datum shifts as that definition states them: `+towgs84` where EPSG publishes one; a
//! system without one, such as CGCS2000 on GRS80, is taken as aligned with WGS 84, which it
//! is to a few centimetres).

use super::crs::{Crs, CrsError};
use proj4rs::transform::transform;
use proj4rs::Proj;

/// `code` as a [`Crs`]: EPSG:4326 is [`Crs::Wgs84`], any other code `crs-definitions`
/// defines is [`Crs::Epsg`]; others are [`CrsError::UnknownEpsg`].
pub(crate) fn known(code: u32) -> Result<Crs, CrsError> {
    if code == 4326 {
        return Ok(Crs::Wgs84);
    }
    u16::try_from(code)
        .ok()
        .filter(|&c| crs_definitions::from_code(c).is_some())
        .map(Crs::Epsg)
        .ok_or(CrsError::UnknownEpsg(code))
}

/// A prepared conversion from one [`Crs`] to WGS 84 longitude/latitude in degrees: build it
/// once per file, then convert every position with [`ToWgs84::convert`]. `Send + Sync`.
///
/// # Examples
///
/// A point of Taipei in TWD97 / TM2 zone 121 (EPSG:3826), in metres:
///
/// ```
/// use carecircle::algo::crs::Crs;
/// use carecircle::algo::epsg::ToWgs84;
///
/// let to = ToWgs84::new(Crs::Epsg(3826))?;
/// assert!(!to.takes_degrees());
/// let (lon, lat) = to.convert(302_166.227, 2_771_171.641).unwrap();
/// assert!((lon - 121.517).abs() < 1e-6 && (lat - 25.0478).abs() < 1e-6, "{lon} {lat}");
/// # Ok::<(), carecircle::algo::crs::CrsError>(())
/// ```
#[derive(Debug, Clone)]
pub struct ToWgs84 {
    crs: Crs,
    /// For [`Crs::Epsg`]: the source system, WGS 84 longitude/latitude, and whether the
    /// source is longitude/latitude too (proj4rs takes those in radians).
    projection: Option<(Proj, Proj, bool)>,
}

impl ToWgs84 {
    /// The conversion from `crs`; fails only when proj4rs refuses an EPSG definition.
    pub fn new(crs: Crs) -> Result<ToWgs84, CrsError> {
        let projection = match crs {
            Crs::Epsg(code) => {
                let definition = crs_definitions::from_code(code)
                    .ok_or(CrsError::UnknownEpsg(code.into()))?
                    .proj4;
                let build = |text: &str| {
                    Proj::from_proj_string(text).map_err(|source| CrsError::Projection {
                        definition: text.to_owned(),
                        source,
                    })
                };
                let geographic = definition.contains("+proj=longlat");
                Some((
                    build(definition)?,
                    build("+proj=longlat +datum=WGS84 +no_defs")?,
                    geographic,
                ))
            }
            _ => None,
        };
        Ok(ToWgs84 { crs, projection })
    }

    /// The system converted from.
    pub fn crs(&self) -> Crs {
        self.crs
    }

    /// Whether the input positions are longitude/latitude in degrees (so a position outside
    /// ±180° / ±90° is an error in the data, not in the conversion).
    pub fn takes_degrees(&self) -> bool {
        self.projection.as_ref().is_none_or(|p| p.2)
    }

    /// The WGS 84 longitude/latitude (degrees) of position (`x`, `y`) in the source system
    /// (longitude/latitude, or easting/northing in the system's unit); `None` when the
    /// position does not convert (not finite, or outside what the projection can invert).
    pub fn convert(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        if !(x.is_finite() && y.is_finite()) {
            return None;
        }
        let (lon, lat) = match &self.projection {
            None => self.crs.datum_to_wgs84(x, y)?,
            Some((source, wgs84, geographic)) => {
                let mut point = match geographic {
                    true => (x.to_radians(), y.to_radians(), 0.0),
                    false => (x, y, 0.0),
                };
                transform(source, wgs84, &mut point).ok()?;
                (point.0.to_degrees(), point.1.to_degrees())
            }
        };
        let in_range = (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat);
        in_range.then_some((lon, lat))
    }
}

// Readers convert features on rayon workers.
const _: fn() = || {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<ToWgs84>();
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algo::crs::LocalProjection;

    /// Metres between two WGS 84 points (in a plane centred on the first).
    fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
        let plane = LocalProjection::centred_on(a.0, a.1).unwrap();
        let (x, y) = plane.project(b.0, b.1);
        x.hypot(y)
    }

    /// Reference points projected with GDAL 3.6 and PROJ (`gdaltransform -s_srs EPSG:4326
    /// -t_srs EPSG:<code>`), as (code, easting, northing, lon, lat).
    const PROJ_POINTS: [(u16, f64, f64, f64, f64); 4] = [
        // Taipei Main Station in TWD97 / TM2 zone 121.
        (3826, 302_166.227, 2_771_171.641, 121.5170, 25.0478),
        // Shanghai, People's Square, in CGCS2000 / 3-degree Gauss-Kruger CM 120E.
        (4549, 640_412.315, 3_457_455.489, 121.4737, 31.2304),
        // Beijing, Tiananmen, in Web Mercator.
        (3857, 12_958_011.742, 4_852_030.635, 116.4038, 39.9042),
        // Helsinki in ETRS89 / TM35FIN.
        (3067, 385_611.317, 6_672_118.380, 24.9384, 60.1699),
    ];

    #[test]
    fn projected_systems_match_proj_within_a_centimetre() {
        for (code, x, y, lon, lat) in PROJ_POINTS {
            let to = ToWgs84::new(Crs::Epsg(code)).unwrap();
            assert!(!to.takes_degrees());
            let got = to.convert(x, y).unwrap();
            assert!(metres((lon, lat), got) < 0.01, "EPSG:{code}: {got:?}");
        }
    }

    #[test]
    fn geographic_systems_take_degrees() {
        // CGCS2000 longitude/latitude: the same as WGS 84 to well under a metre.
        let to = ToWgs84::new(Crs::Epsg(4490)).unwrap();
        assert!(to.takes_degrees());
        let got = to.convert(121.47, 31.23).unwrap();
        assert!(metres((121.47, 31.23), got) < 0.1, "{got:?}");
        let wgs84 = ToWgs84::new(Crs::Wgs84).unwrap();
        assert!(wgs84.takes_degrees());
        assert_eq!(wgs84.convert(121.47, 31.23), Some((121.47, 31.23)));
        assert_eq!(wgs84.convert(200.0, 31.23), None);
        let gcj = ToWgs84::new(Crs::Gcj02).unwrap();
        assert_eq!(
            gcj.convert(121.47, 31.23),
            Crs::Gcj02.datum_to_wgs84(121.47, 31.23)
        );
    }

    #[test]
    fn positions_that_do_not_convert_are_none() {
        let to = ToWgs84::new(Crs::Epsg(3857)).unwrap();
        assert_eq!(to.convert(f64::NAN, 0.0), None);
        assert_eq!(to.convert(0.0, f64::INFINITY), None);
    }

    /// A file's `crs` member may name any code: every definition builds or is an error, and
    /// converts any position or gives `None`, without a panic.
    #[test]
    fn every_known_code_builds_or_fails_cleanly() {
        let mut built = 0;
        for code in (0..=u16::MAX).filter(|&c| crs_definitions::from_code(c).is_some()) {
            let Ok(to) = ToWgs84::new(Crs::Epsg(code)) else {
                continue;
            };
            built += 1;
            for (x, y) in [
                (0.0, 0.0),
                (500_000.0, 3_000_000.0),
                (121.5, 25.0),
                (-1e9, 1e9),
            ] {
                if let Some((lon, lat)) = to.convert(x, y) {
                    assert!(lon.abs() <= 180.0 && lat.abs() <= 90.0, "EPSG:{code}");
                }
            }
        }
        assert!(built > 5000, "{built}");
    }

    #[test]
    fn codes_are_known_or_named_unknown() {
        assert_eq!(known(4326).unwrap(), Crs::Wgs84);
        assert_eq!(known(4549).unwrap(), Crs::Epsg(4549));
        assert!(matches!(known(70_000), Err(CrsError::UnknownEpsg(70_000))));
        assert!(matches!(known(1), Err(CrsError::UnknownEpsg(1))));
    }
}
