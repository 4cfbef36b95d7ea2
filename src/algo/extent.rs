//! Where a study area lies, robust to stray points: one block on the other side of the
//! globe must not move the centre every distance is measured around.

use geo_types::Coord;

/// Mean Earth radius, km.
const EARTH_RADIUS_KM: f64 = 6371.0088;

/// The centre of `points` (WGS 84 degrees): the median latitude, and the median longitude
/// taken around the plain median's longitude (so that a city across the antimeridian, at
/// 179.9° and −179.9°, stays in one piece). A few stray points, however far, barely move it.
/// `None` without a finite point.
///
/// # Examples
///
/// ```
/// use carecircle::algo::extent::robust_centre;
/// use geo_types::coord;
///
/// let mut points: Vec<_> = (0..9).map(|i| coord! { x: 121.5 + 0.01 * f64::from(i), y: 25.0 }).collect();
/// points.push(coord! { x: -179.9, y: -80.0 }); // a stray block
/// let centre = robust_centre(&points).unwrap();
/// assert!((centre.x - 121.545).abs() < 0.01 && centre.y == 25.0);
/// // Across the antimeridian.
/// let fiji = [coord! { x: 179.9, y: -17.0 }, coord! { x: -179.95, y: -17.0 }, coord! { x: 179.95, y: -17.0 }];
/// assert_eq!(robust_centre(&fiji).unwrap().x, 179.95);
/// ```
pub fn robust_centre(points: &[Coord<f64>]) -> Option<Coord<f64>> {
    let finite: Vec<Coord<f64>> = points
        .iter()
        .copied()
        .filter(|c| c.x.is_finite() && c.y.is_finite())
        .collect();
    if finite.is_empty() {
        return None;
    }
    // Medians by selection, not sorting: linear in the number of points.
    let median = |mut values: Vec<f64>| {
        let middle = values.len() / 2;
        *values.select_nth_unstable_by(middle, f64::total_cmp).1
    };
    let reference = median(finite.iter().map(|c| c.x).collect());
    // Longitudes as seen from the reference, within half a turn of it; the median point's own.
    let mut around: Vec<(f64, f64)> = finite
        .iter()
        .map(|c| ((c.x - reference + 540.0).rem_euclid(360.0), c.x))
        .collect();
    let middle = around.len() / 2;
    let lon = around
        .select_nth_unstable_by(middle, |a, b| a.0.total_cmp(&b.0))
        .1
         .1;
    let lat = median(finite.iter().map(|c| c.y).collect());
    Some(Coord { x: lon, y: lat })
}

/// The great-circle distance between two WGS 84 points (degrees), km (haversine on the mean
/// Earth radius: within 0.5 % of the ellipsoid, enough to tell a stray point).
pub fn great_circle_km(a: Coord<f64>, b: Coord<f64>) -> f64 {
    let (phi1, phi2) = (a.y.to_radians(), b.y.to_radians());
    let (dphi, dlambda) = ((b.y - a.y).to_radians(), (b.x - a.x).to_radians());
    let h = (dphi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (dlambda / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::coord;

    #[test]
    fn great_circle_distances_match_known_ones() {
        // One degree of latitude, about 111.2 km; Taipei to Shanghai about 690 km.
        let d = great_circle_km(coord! { x: 121.5, y: 25.0 }, coord! { x: 121.5, y: 26.0 });
        assert!((d - 111.2).abs() < 0.1, "{d}");
        let d = great_circle_km(
            coord! { x: 121.56, y: 25.04 },
            coord! { x: 121.47, y: 31.23 },
        );
        assert!((d - 688.0).abs() < 5.0, "{d}");
        // Across the antimeridian, the short way.
        let d = great_circle_km(coord! { x: 179.9, y: 0.0 }, coord! { x: -179.9, y: 0.0 });
        assert!((d - 22.2).abs() < 0.1, "{d}");
    }

    #[test]
    fn strays_do_not_move_the_centre() {
        let city: Vec<Coord<f64>> = (0..101)
            .map(|i| coord! { x: 114.0 + 0.002 * f64::from(i % 10), y: 30.5 + 0.002 * f64::from(i / 10) })
            .collect();
        let clean = robust_centre(&city).unwrap();
        for stray in [
            coord! { x: -179.9, y: 30.5 },
            coord! { x: 30.5, y: 114.0 - 90.0 },
            coord! { x: 0.0, y: 89.99 },
        ] {
            let mut points = city.clone();
            points.extend([stray; 3]);
            let moved = great_circle_km(clean, robust_centre(&points).unwrap());
            assert!(moved < 0.5, "{stray:?} moved the centre {moved} km");
        }
        assert_eq!(robust_centre(&[coord! { x: f64::NAN, y: 0.0 }]), None);
    }
}
