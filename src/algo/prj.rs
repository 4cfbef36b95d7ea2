//! Which EPSG system a `.prj` file's WKT describes, so a Shapefile converts like a file whose
//! system is named by its code ([`Crs`]).
//!
//! A `.prj` written by GDAL or ArcGIS is ESRI WKT 1: names (`TWD_1997_TM_Taiwan`,
//! `D_China_2000`) and no EPSG code. It is recognised in this order:
//!
//! 1. an `AUTHORITY["EPSG", code]` on the top-level `PROJCS` or `GEOGCS` (OGC WKT, as QGIS
//!    and older GDAL write it) names the system;
//! 2. otherwise its maths are matched against every projected and geographic system of the
//!    EPSG registry, whose OGC WKT the `crs-definitions` crate carries: the same ellipsoid
//!    (semi-major axis, inverse flattening), prime meridian and angular unit, and for a
//!    projected system the same projection method (ESRI and OGC names both known:
//!    `Gauss_Kruger` is `Transverse_Mercator`, `Mercator_Auxiliary_Sphere` is Web Mercator…),
//!    parameters (latitude of origin, central meridian, scale factor, standard parallels,
//!    false easting and northing, with their defaults) and linear unit, each to 1e-9
//!    relative;
//! 3. of the systems matched, those on the `.prj`'s datum (names compared without case,
//!    punctuation and ESRI's `D_` prefix, ESRI's abbreviations such as `D_TWD_1997` spelled
//!    out) are preferred. They must agree on the datum shift (`TOWGS84`): when they differ
//!    the `.prj` is ambiguous, an error listing them. Among equivalent systems the one not
//!    marked deprecated, with its axes east then north, sharing the most words with the `.prj`'s
//!    name, with the lowest code is named.
//!
//! So GDAL's `.prj` of WGS 84, CGCS2000 and TWD97 longitude/latitude are EPSG:4326, 4490 and
//! 3824; of TWD97 / TM2 zone 121 EPSG:3826, of the CGCS2000 Gauss–Krüger zones EPSG:4513 to
//! 4554, of Web Mercator EPSG:3857, of UTM zones EPSG:326xx and 327xx. Projections outside
//! the methods above (polar stereographic, oblique Mercator, Krovak…) are not recognised:
//! the file's manifest entry names the system instead.

use super::crs::{Crs, CrsError};
use super::wkt::{self, Node};
use std::fmt;
use std::sync::OnceLock;

/// Why a `.prj` names no system carecircle can use.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PrjError {
    /// The text is not WKT.
    #[error("not a WKT coordinate system: {0}")]
    NotWkt(String),
    /// WKT that is not a projected or geographic system, or uses a projection method not
    /// matched against the registry.
    #[error("{0}")]
    Unsupported(String),
    /// An EPSG code the registry does not have.
    #[error("{0}")]
    UnknownCode(String),
    /// No system of the registry has the `.prj`'s parameters.
    #[error("`{0}` matches no system of the EPSG registry")]
    Unrecognised(String),
    /// Systems of the registry that differ in datum shift all have the `.prj`'s parameters.
    #[error("`{name}` has the parameters of several EPSG systems that differ in datum shift: {}", .candidates.join(", "))]
    Ambiguous {
        /// The `.prj`'s name for its system.
        name: String,
        /// The systems, as `EPSG:<code> (<name>)`.
        candidates: Vec<String>,
    },
}

/// The system a `.prj` describes: its EPSG code, the registry's name for it, and its maths,
/// to tell whether a system the manifest names is the same.
#[derive(Debug, Clone)]
pub struct PrjSystem {
    crs: Crs,
    name: String,
    system: Option<System>,
}

impl PrjSystem {
    /// The system, as carecircle converts it.
    pub fn crs(&self) -> Crs {
        self.crs
    }

    /// Whether a manifest naming `stated` for the file agrees with the `.prj`: the same
    /// system, or one with the same maths (several EPSG codes may describe one projection on
    /// one ellipsoid; a datum shift the `.prj` states must be the same too). GCJ-02 and
    /// BD-09, which have no EPSG code, agree with a WGS 84 `.prj`, the one their data carry.
    pub fn agrees(&self, stated: Crs) -> bool {
        if stated == self.crs {
            return true;
        }
        let code = match stated {
            Crs::Wgs84 | Crs::Gcj02 | Crs::Bd09 => 4326,
            Crs::Epsg(code) => code,
        };
        match (&self.system, entry(code)) {
            (Some(system), Some(entry)) => system.same_as(&entry.system),
            _ => false,
        }
    }
}

/// `EPSG:3826 (TWD97 / TM2 zone 121)`.
impl fmt::Display for PrjSystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.crs {
            Crs::Wgs84 => write!(f, "EPSG:4326 ({})", self.name),
            crs => write!(f, "{crs} ({})", self.name),
        }
    }
}

/// The system the WKT `text` of a `.prj` describes (see the module documentation).
///
/// ```
/// use carecircle::algo::crs::Crs;
/// use carecircle::algo::prj::recognise;
///
/// // GDAL's .prj of EPSG:4549, CGCS2000 / 3-degree Gauss-Kruger CM 120E.
/// let prj = r#"PROJCS["CGCS2000_3_Degree_GK_CM_120E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",120.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;
/// let system = recognise(prj).unwrap();
/// assert_eq!(system.crs(), Crs::Epsg(4549));
/// assert_eq!(system.to_string(), "EPSG:4549 (CGCS2000 / 3-degree Gauss-Kruger CM 120E)");
/// ```
pub fn recognise(text: &str) -> Result<PrjSystem, PrjError> {
    let node = wkt::parse(text).map_err(PrjError::NotWkt)?;
    let name = node.text(0).unwrap_or_default().to_string();
    let system = describe(&node);
    if let Some(code) = epsg_authority(&node) {
        let crs = super::epsg::known(code).map_err(|e| PrjError::UnknownCode(e.to_string()))?;
        let name = entry_of(crs).map_or(name, |e| e.name.clone());
        let system = system.ok();
        return Ok(PrjSystem { crs, name, system });
    }
    let system = system.map_err(PrjError::Unsupported)?;
    let matches: Vec<&Entry> = registry()
        .iter()
        .filter(|e| system.same_as(&e.system))
        .collect();
    let chosen = choose(&system, matches, &name)?;
    let crs = super::epsg::known(chosen.code.into())
        .map_err(|e: CrsError| PrjError::UnknownCode(e.to_string()))?;
    Ok(PrjSystem {
        crs,
        name: chosen.name.clone(),
        system: Some(system),
    })
}

/// Of the registry's systems with the `.prj`'s maths, the one to name: those on the `.prj`'s
/// datum first; they must agree on the datum shift.
fn choose<'a>(system: &System, matches: Vec<&'a Entry>, name: &str) -> Result<&'a Entry, PrjError> {
    if matches.is_empty() {
        return Err(PrjError::Unrecognised(name.to_string()));
    }
    let on_datum: Vec<&Entry> = matches
        .iter()
        .copied()
        .filter(|e| e.system.datum == system.datum)
        .collect();
    let pool = if on_datum.is_empty() {
        matches
    } else {
        on_datum
    };
    let first = pool[0];
    if pool
        .iter()
        .any(|e| !same_shift(&e.system.shift, &first.system.shift))
    {
        let mut candidates: Vec<String> = pool
            .iter()
            .take(8)
            .map(|e| format!("EPSG:{} ({})", e.code, e.name))
            .collect();
        if pool.len() > 8 {
            candidates.push(format!("and {} more", pool.len() - 8));
        }
        return Err(PrjError::Ambiguous {
            name: name.to_string(),
            candidates,
        });
    }
    let words = name_words(name);
    let best = pool.into_iter().min_by_key(|e| {
        let shared = name_words(&e.name)
            .filter(|w| words.clone().any(|x| x == *w))
            .count();
        (
            e.name.contains("deprecated"),
            e.north_first,
            usize::MAX - shared,
            e.code,
        )
    });
    Ok(best.expect("the pool is not empty"))
}

/// The words of a system's name, lower case (`WGS_1984_UTM_Zone_51N`: wgs, 1984, utm,
/// zone, 51n), to tell equivalent systems apart by the one the `.prj` names.
fn name_words(name: &str) -> impl Iterator<Item = String> + Clone + '_ {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
}

/// The code of a top-level `AUTHORITY["EPSG", code]`.
fn epsg_authority(node: &Node) -> Option<u32> {
    let authority = node.children("AUTHORITY").last()?;
    let organisation = authority.text(0)?;
    let code = authority.number(1)?;
    (organisation.eq_ignore_ascii_case("EPSG") && code.fract() == 0.0 && code > 0.0)
        .then_some(code as u32)
}

/// A system reduced to what decides its maths, and its datum.
#[derive(Debug, Clone, PartialEq)]
struct System {
    /// The ellipsoid's semi-major axis (metres) and inverse flattening (0 for a sphere).
    ellipsoid: [f64; 2],
    /// The prime meridian's longitude, degrees.
    prime_meridian: f64,
    /// Radians per unit of the geographic system's angles.
    angular_unit: f64,
    /// The datum's name as [`datum_key`] compares it.
    datum: String,
    /// The datum's `TOWGS84` shift, when it states one that is not zero.
    shift: Option<Vec<f64>>,
    /// The map projection; `None` for longitude/latitude.
    projection: Option<Projection>,
}

/// A map projection: its method, its parameters and the unit of its coordinates.
#[derive(Debug, Clone, PartialEq)]
struct Projection {
    method: Method,
    /// The parameters in the method's order (see [`Method::parameters`]).
    parameters: Vec<f64>,
    /// Metres per unit of the projected coordinates.
    unit: f64,
}

/// The projection methods matched against the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    TransverseMercator,
    LambertConformalConic,
    Mercator,
    /// Web Mercator: spherical formulas on WGS 84 coordinates (EPSG:3857).
    PseudoMercator,
    AlbersEqualArea,
    LambertAzimuthalEqualArea,
    CassiniSoldner,
    ObliqueStereographic,
}

/// ESRI and OGC names of the methods, lower case.
const METHODS: [(&str, Method); 17] = [
    ("transverse_mercator", Method::TransverseMercator),
    ("gauss_kruger", Method::TransverseMercator),
    ("lambert_conformal_conic", Method::LambertConformalConic),
    ("lambert_conformal_conic_1sp", Method::LambertConformalConic),
    ("lambert_conformal_conic_2sp", Method::LambertConformalConic),
    ("mercator", Method::Mercator),
    ("mercator_1sp", Method::Mercator),
    ("mercator_2sp", Method::Mercator),
    ("mercator_auxiliary_sphere", Method::PseudoMercator),
    (
        "popular_visualisation_pseudo_mercator",
        Method::PseudoMercator,
    ),
    ("albers", Method::AlbersEqualArea),
    ("albers_conic_equal_area", Method::AlbersEqualArea),
    (
        "lambert_azimuthal_equal_area",
        Method::LambertAzimuthalEqualArea,
    ),
    ("cassini", Method::CassiniSoldner),
    ("cassini_soldner", Method::CassiniSoldner),
    ("double_stereographic", Method::ObliqueStereographic),
    ("oblique_stereographic", Method::ObliqueStereographic),
];

impl Method {
    /// The method's parameters in a fixed order, each from `value` (a parameter by its
    /// canonical name) or its default: latitude of origin 0, central meridian 0, scale 1,
    /// false easting and northing 0; a Lambert conic's standard parallels default to the
    /// latitude of origin (the one-parallel form), a Mercator's to the equator.
    fn parameters(self, value: impl Fn(&str) -> Option<f64>) -> Vec<f64> {
        let or = |name: &str, default: f64| value(name).unwrap_or(default);
        let (lat0, lon0, k) = (
            or("latitude_of_origin", 0.0),
            or("central_meridian", 0.0),
            or("scale_factor", 1.0),
        );
        let (fe, fnorth) = (or("false_easting", 0.0), or("false_northing", 0.0));
        let sp1 = or("standard_parallel_1", lat0);
        let sp2 = or("standard_parallel_2", sp1);
        match self {
            Method::TransverseMercator | Method::ObliqueStereographic => {
                vec![lat0, lon0, k, fe, fnorth]
            }
            Method::LambertConformalConic => vec![lat0, lon0, sp1, sp2, k, fe, fnorth],
            Method::Mercator => vec![lon0, or("standard_parallel_1", 0.0), k, fe, fnorth],
            Method::PseudoMercator => vec![lon0, fe, fnorth],
            Method::AlbersEqualArea => vec![lat0, lon0, sp1, sp2, fe, fnorth],
            Method::LambertAzimuthalEqualArea | Method::CassiniSoldner => {
                vec![lat0, lon0, fe, fnorth]
            }
        }
    }
}

/// A parameter's canonical name: lower case, OGC's `*_of_center` as ESRI's names.
fn parameter_name(name: &str) -> String {
    let name = name.trim().to_ascii_lowercase().replace(' ', "_");
    match name.as_str() {
        "latitude_of_center" => "latitude_of_origin".to_string(),
        "longitude_of_center" | "longitude_of_origin" => "central_meridian".to_string(),
        _ => name,
    }
}

/// ESRI datum names (as [`datum_key`] reduces them) that EPSG spells otherwise.
const ESRI_DATUMS: [(&str, &str); 9] = [
    ("twd1997", "taiwandatum1997"),
    ("twd1967", "taiwandatum1967"),
    ("northamerican1983", "northamericandatum1983"),
    ("northamerican1927", "northamericandatum1927"),
    ("etrs1989", "europeanterrestrialreferencesystem1989"),
    ("gda1994", "geocentricdatumofaustralia1994"),
    ("gda2020", "geocentricdatumofaustralia2020"),
    ("jgd2000", "japanesegeodeticdatum2000"),
    ("jgd2011", "japanesegeodeticdatum2011"),
];

/// A datum name as compared: lower case, letters and digits only, without ESRI's `D_`
/// prefix, ESRI's abbreviations spelled out as EPSG names them.
fn datum_key(name: &str) -> String {
    let lower = name.trim().to_ascii_lowercase();
    let bare = lower.strip_prefix("d_").unwrap_or(&lower);
    let key: String = bare.chars().filter(char::is_ascii_alphanumeric).collect();
    match ESRI_DATUMS.iter().find(|(esri, _)| *esri == key) {
        Some((_, epsg)) => epsg.to_string(),
        None => key,
    }
}

/// Whether `a` and `b` are equal to 1e-9 of the larger (and absolutely below 1).
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

fn all_close(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(&x, &y)| close(x, y))
}

/// Whether two datum shifts are the same (both absent, or equal).
fn same_shift(a: &Option<Vec<f64>>, b: &Option<Vec<f64>>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => all_close(a, b),
        _ => false,
    }
}

impl System {
    /// Whether `other` (a system of the registry) converts as this one does: the same
    /// ellipsoid, prime meridian, units and projection; and the same datum shift when this
    /// one states one (ESRI WKT never does).
    fn same_as(&self, other: &System) -> bool {
        let projections = match (&self.projection, &other.projection) {
            (None, None) => true,
            (Some(a), Some(b)) => {
                a.method == b.method
                    && close(a.unit, b.unit)
                    && all_close(&a.parameters, &b.parameters)
            }
            _ => false,
        };
        projections
            && all_close(&self.ellipsoid, &other.ellipsoid)
            && (self.prime_meridian - other.prime_meridian).abs() < 1e-7
            && close(self.angular_unit, other.angular_unit)
            && (self.shift.is_none() || same_shift(&self.shift, &other.shift))
    }
}

/// `node` (a `PROJCS` or `GEOGCS`) reduced to a [`System`], or why it cannot be.
fn describe(node: &Node) -> Result<System, String> {
    let geographic = match node.keyword.as_str() {
        "GEOGCS" => node,
        "PROJCS" => node.child("GEOGCS").ok_or("the PROJCS has no GEOGCS")?,
        other => {
            return Err(format!(
                "a {other} system, neither projected (PROJCS) nor geographic (GEOGCS)"
            ))
        }
    };
    let mut system = describe_geographic(geographic)?;
    if node.keyword == "PROJCS" {
        system.projection = Some(describe_projection(node)?);
    }
    Ok(system)
}

/// The datum, ellipsoid, prime meridian and angular unit of a `GEOGCS`.
fn describe_geographic(node: &Node) -> Result<System, String> {
    let datum = node.child("DATUM").ok_or("the GEOGCS has no DATUM")?;
    let spheroid = datum.child("SPHEROID").ok_or("the DATUM has no SPHEROID")?;
    let (Some(a), Some(rf)) = (spheroid.number(1), spheroid.number(2)) else {
        return Err("the SPHEROID lacks its axis or flattening".to_string());
    };
    let shift = datum.child("TOWGS84").map(|t| {
        (0..t.values.len())
            .map(|i| t.number(i).unwrap_or(f64::NAN))
            .collect::<Vec<f64>>()
    });
    Ok(System {
        ellipsoid: [a, rf],
        prime_meridian: node
            .child("PRIMEM")
            .and_then(|p| p.number(1))
            .unwrap_or(0.0),
        angular_unit: node
            .child("UNIT")
            .and_then(|u| u.number(1))
            .unwrap_or(std::f64::consts::PI / 180.0),
        datum: datum_key(datum.text(0).unwrap_or_default()),
        shift: shift.filter(|s| s.iter().any(|&x| x != 0.0)),
        projection: None,
    })
}

/// The projection of a `PROJCS`: its method (a Mercator whose PROJ4 extension says
/// `+nadgrids=@null` is Web Mercator, as the registry writes EPSG:3857), parameters and unit.
fn describe_projection(node: &Node) -> Result<Projection, String> {
    let name = node
        .child("PROJECTION")
        .and_then(|p| p.text(0))
        .ok_or("the PROJCS has no PROJECTION")?;
    let method = METHODS
        .iter()
        .find(|(m, _)| m.eq_ignore_ascii_case(name))
        .map(|&(_, method)| method)
        .ok_or_else(|| {
            format!("the projection method `{name}` is not one carecircle recognises")
        })?;
    let web = node
        .child("EXTENSION")
        .and_then(|e| e.text(1))
        .is_some_and(|proj4| proj4.contains("+nadgrids=@null"));
    let method = match (method, web) {
        (Method::Mercator, true) => Method::PseudoMercator,
        _ => method,
    };
    let parameters: Vec<(String, f64)> = node
        .children("PARAMETER")
        .filter_map(|p| Some((parameter_name(p.text(0)?), p.number(1)?)))
        .collect();
    let value = |name: &str| parameters.iter().find(|(n, _)| n == name).map(|&(_, v)| v);
    Ok(Projection {
        method,
        parameters: method.parameters(value),
        unit: node.child("UNIT").and_then(|u| u.number(1)).unwrap_or(1.0),
    })
}

/// A projected or geographic system of the EPSG registry.
#[derive(Debug)]
struct Entry {
    code: u16,
    name: String,
    system: System,
    /// Whether the registry orders the axes north first (EPSG:3047 is EPSG:3067's maths
    /// with northing first; Shapefiles store easting first).
    north_first: bool,
}

/// Every projected and geographic system of the registry in OGC WKT 1 that [`describe`]
/// reads, by code (parsed once, on first use: about 5,500 systems).
fn registry() -> &'static [Entry] {
    static REGISTRY: OnceLock<Vec<Entry>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        (0..=u16::MAX)
            .filter_map(crs_definitions::from_code)
            .filter(|def| def.wkt.starts_with("PROJCS[") || def.wkt.starts_with("GEOGCS["))
            .filter_map(|def| {
                let node = wkt::parse(def.wkt).ok()?;
                let first_axis = node.child("AXIS").and_then(|a| match a.values.get(1) {
                    Some(wkt::Value::Word(direction)) => Some(direction.as_str()),
                    _ => None,
                });
                Some(Entry {
                    code: def.code,
                    name: node.text(0)?.to_string(),
                    system: describe(&node).ok()?,
                    north_first: first_axis.is_some_and(|d| d.eq_ignore_ascii_case("NORTH"))
                        || def.wkt.contains("(N-E)"),
                })
            })
            .collect()
    })
}

/// The registry's system `code`.
fn entry(code: u16) -> Option<&'static Entry> {
    let registry = registry();
    registry
        .binary_search_by_key(&code, |e| e.code)
        .ok()
        .map(|i| &registry[i])
}

/// The registry's system for `crs`, when it has an EPSG code.
fn entry_of(crs: Crs) -> Option<&'static Entry> {
    match crs {
        Crs::Wgs84 => entry(4326),
        Crs::Epsg(code) => entry(code),
        Crs::Gcj02 | Crs::Bd09 => None,
    }
}

#[cfg(test)]
mod tests;
