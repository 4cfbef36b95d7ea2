//! Reading facility layers from GeoJSON, GeoPackage or CSV.
//!
//! GeoJSON (and a GeoPackage's feature table, read as GeoJSON): a Point is one access location, a MultiPoint several (one facility), a Polygon or
//! MultiPolygon its centroid. CSV: one row per facility with longitude and latitude columns,
//! in any encoding and delimiter [`super::csv_text`] reads.
//! The layer's `where` filter is applied first; filtered-out features are not validated.

use super::csv_text::{read_csv_text, CsvFormat};
use super::extent::Extent;
use super::geojson::{Feature, FileSettings, GeoJsonFile, Geometry};
use super::problem::{to_wgs84, FieldProblem, Location, Problem};
use super::Read;
use crate::algo::epsg::ToWgs84;
use crate::algo::extent::great_circle_km;
use crate::config::filter::json_as_text;
use crate::config::manifest::{Duplicates, LayerSource, NAME_FIELDS};
use crate::dataset::FacilityLayer;
use crate::format::{metres, plural};
use geo::Centroid;
use geo_types::Coord;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

/// Longitude column names recognised when the manifest does not name one (case-insensitive).
pub const LON_COLUMNS: &[&str] = &["lon", "lng", "long", "longitude", "x", "经度", "經度"];
/// Latitude column names recognised when the manifest does not name one (case-insensitive).
pub const LAT_COLUMNS: &[&str] = &["lat", "latitude", "y", "纬度", "緯度"];

/// One valid feature or row of a point layer.
pub(crate) struct FacilityRow {
    /// Its id.
    pub(crate) id: String,
    /// Its properties (CSV cells as strings).
    pub(crate) properties: Map<String, Value>,
    /// Its locations, WGS 84.
    pub(crate) locations: Vec<Coord<f64>>,
}

/// Every feature or row of a point layer in file order (`None` when the filter leaves it
/// out), how many there were, and where each is: `Location::Feature(i + 1)` or
/// `Location::Row(i + 1)` for the `i`-th.
pub(crate) type PointRows = (Rows, fn(usize) -> Location);

/// Reads the point layer file at `path` (GeoJSON, GeoPackage or CSV, told apart by the
/// `.gpkg` and `.csv` extensions) row by row with `source`'s settings.
pub(crate) fn read_point_rows(source: &LayerSource, path: &Path) -> Result<PointRows, Problem> {
    Ok(if crate::input_file::has_extension(path, "csv") {
        if let Some(layer) = &source.layer {
            return Err(super::gpkg::layer_on_other_file(path, layer));
        }
        (read_csv_rows(source, path)?, Location::Row)
    } else {
        (read_geojson_rows(source, path)?, Location::Feature)
    })
}

/// Reads one facility layer of the given kind, every file of it in the order listed: per
/// file, its facilities or why it cannot be read. Invalid rows become problems; so do
/// duplicate ids, within a file or across files, on the later row (a layer concatenated twice
/// would count every facility twice), unless the layer merges duplicates (see
/// [`Duplicates`]): then the first row of an id is the facility and a warning per file says
/// how many were merged and how far the farthest stood. Facilities outside `extent` (the
/// study area) are problems too. [`shared_positions`] warns about the whole layer.
///
/// Then come the files added for a what-if run (`report --add`), read with
/// [`LayerSource::added_source`]: a feature whose `kind` property names another kind is left
/// out (a report's `sites.geojson` holds the sites of every requirement), and each id is
/// the file's name and the feature's `candidate_id`, else its id: `sites.geojson:B0012`.
pub fn read_layer(
    kind: &str,
    source: &LayerSource,
    extent: Option<&Extent>,
) -> Vec<Result<Read<FacilityLayer>, Problem>> {
    let added = source.added_source();
    let files: Vec<(&LayerSource, &Path)> = std::iter::once(source)
        .chain(added.as_ref())
        .flat_map(|s| s.path.iter().map(move |path| (s, path)))
        .collect();
    let paths: Vec<&Path> = files.iter().map(|&(_, path)| path).collect();
    let mut ids = SeenIds::default();
    let own_files = source.path.len();
    (0..files.len())
        .map(|file| {
            let at = (&paths[..], file);
            let added = file >= own_files;
            read_file(kind, files[file].0, at, added, extent, &mut ids)
        })
        .collect()
}

/// A feature of a file added for a what-if run as a facility of `kind`: `None` when its
/// `kind` property names another kind; else with its id prefixed by the file's name
/// (`file`), its `candidate_id` standing for the id when it has one.
fn as_added(kind: &str, file: &str, mut row: FacilityRow) -> Option<FacilityRow> {
    let text = |key: &str| row.properties.get(key).and_then(|v| v.as_str());
    if text("kind").is_some_and(|k| k != kind) {
        return None;
    }
    let id = text("candidate_id").unwrap_or(&row.id);
    row.id = format!("{file}:{id}");
    Some(row)
}

/// Reads file `file` of `paths`, the files of `kind`'s layer (`added` for a what-if run, see
/// [`as_added`]), its ids checked against `ids` (the earlier files' and its own).
fn read_file(
    kind: &str,
    source: &LayerSource,
    (paths, file): (&[&Path], usize),
    added: bool,
    extent: Option<&Extent>,
    ids: &mut SeenIds,
) -> Result<Read<FacilityLayer>, Problem> {
    let path = paths[file];
    let file_name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let ((rows, features), location) = read_point_rows(source, path)?;
    let mut layer = FacilityLayer {
        kind: kind.to_string(),
        files: vec![(0, path.to_path_buf())],
        name_field: name_field(source, &rows),
        label: source.label.clone().filter(|l| !l.trim().is_empty()),
        ..FacilityLayer::default()
    };
    let mut problems = Vec::new();
    for (i, row) in rows.into_iter().enumerate() {
        let r = match row {
            Ok(Some(r)) if added => match as_added(kind, &file_name, r) {
                Some(r) => r,
                None => continue,
            },
            Ok(Some(r)) => r,
            Ok(None) => continue,
            Err(p) => {
                problems.push(p);
                continue;
            }
        };
        let outside = extent.and_then(|e| r.locations.iter().find_map(|&c| e.outside(c)));
        let at = location(i + 1);
        let (field, why) = match outside {
            Some(why) => ("geometry", why),
            None => match ids.check(&r, (file, at.clone()), source.duplicates, paths) {
                IdCheck::First => {
                    layer.push(r.id, r.properties, &r.locations);
                    continue;
                }
                IdCheck::Merged => continue,
                IdCheck::Duplicate(why) => (source.id.as_deref().unwrap_or("id"), why),
            },
        };
        problems.push(Problem::at(path, at, Some(field), why));
    }
    let warnings = ids.merged_warning(path, kind).into_iter().collect();
    Ok(Read {
        value: layer,
        features,
        problems,
        warnings,
    })
}

/// The property naming a layer's facilities: the layer's `name`, else the first of
/// [`NAME_FIELDS`] its first facility has; none when it is the id property (the ids are the
/// names).
fn name_field(
    source: &LayerSource,
    rows: &[Result<Option<FacilityRow>, Problem>],
) -> Option<String> {
    let detected = || {
        let first = rows.iter().find_map(|row| row.as_ref().ok()?.as_ref())?;
        NAME_FIELDS
            .iter()
            .find(|field| first.properties.contains_key(**field))
            .map(|field| field.to_string())
    };
    let field = source.name.clone().or_else(detected)?;
    (source.id.as_ref() != Some(&field)).then_some(field)
}

/// What a row's id is among the rows before it.
enum IdCheck {
    /// The first row of the id: a facility.
    First,
    /// A later row, merged into the first.
    Merged,
    /// A later row, a problem: why.
    Duplicate(String),
}

/// The ids seen in a layer's files, and the rows of the current file merged into the first
/// of their id.
#[derive(Default)]
struct SeenIds {
    /// Per id: the file (its index in the layer's list) and row of its first, and its first
    /// position.
    first: HashMap<String, (usize, Location, Coord<f64>)>,
    /// Rows of the current file merged.
    merged: usize,
    /// The merged row of the current file farthest from its first: metres, id.
    farthest: (f64, String),
}

impl SeenIds {
    /// The id of `row`, at `(file, location)` of the layer's `paths`, among the rows before
    /// it (recorded when it is the first).
    fn check(
        &mut self,
        row: &FacilityRow,
        (file, location): (usize, Location),
        duplicates: Duplicates,
        paths: &[&Path],
    ) -> IdCheck {
        let Some((first_file, first, at)) = self.first.get(&row.id).cloned() else {
            self.first
                .insert(row.id.clone(), (file, location, row.locations[0]));
            return IdCheck::First;
        };
        let away_m = row
            .locations
            .iter()
            .map(|&c| 1000.0 * great_circle_km(at, c))
            .fold(0.0, f64::max);
        if duplicates == Duplicates::Merge {
            self.merged += 1;
            if away_m >= self.farthest.0 {
                self.farthest = (away_m, row.id.clone());
            }
            return IdCheck::Merged;
        }
        let other = if first_file == file {
            String::new()
        } else {
            format!(" of {}", paths[first_file].display())
        };
        IdCheck::Duplicate(format!(
            "duplicate id `{}` (also {first}{other}, {} away); `duplicates = \"merge\"` on the layer keeps the first",
            crate::format::excerpt(&row.id),
            metres(away_m)
        ))
    }

    /// The warning saying how many rows of the file at `path` of `kind`'s layer were merged,
    /// if any; the count starts again for the next file.
    fn merged_warning(&mut self, path: &Path, kind: &str) -> Option<String> {
        let (merged, (farthest_m, id)) = (
            std::mem::take(&mut self.merged),
            std::mem::take(&mut self.farthest),
        );
        (merged > 0).then(|| {
            format!(
                "{}: {} duplicate{} of an id in layer `{kind}` merged into the first of the id (the farthest {} from it: `{id}`)",
                path.display(),
                merged,
                plural(merged),
                metres(farthest_m),
            )
        })
    }
}

pub(crate) type Rows = (Vec<Result<Option<FacilityRow>, Problem>>, usize);

fn read_geojson_rows(source: &LayerSource, path: &Path) -> Result<Rows, Problem> {
    let file = GeoJsonFile::read(
        path,
        FileSettings::of(&source.layer, source.encoding, source.crs),
    )?;
    let rows = file.map_features(path, source.crs, |number, feature| {
        geojson_row(source, number, feature).map_err(|e| e.locate(path, Location::Feature(number)))
    })?;
    let count = rows.len();
    Ok((rows, count))
}

fn geojson_row(
    source: &LayerSource,
    number: usize,
    mut feature: Feature,
) -> Result<Option<FacilityRow>, FieldProblem> {
    if !source
        .filter
        .matches(|name| feature.text(name).map(|t| Cow::Owned(t.into_owned())))
    {
        return Ok(None);
    }
    let id = match &source.id {
        Some(field) => feature
            .id(Some(field))
            .ok_or_else(|| FieldProblem::new(field, "missing id"))?,
        None => feature.id(None).unwrap_or_else(|| number.to_string()),
    };
    let locations = match feature.take_geometry()? {
        Geometry::Point(c) => vec![c],
        Geometry::MultiPoint(cs) if !cs.is_empty() => cs,
        g @ (Geometry::Polygon(_) | Geometry::MultiPolygon(_)) => {
            let centroid = g.into_multi_polygon()?.centroid().ok_or_else(|| {
                FieldProblem::new("geometry", "the polygon has no centroid (zero area)")
            })?;
            vec![centroid.0]
        }
        other => {
            return Err(FieldProblem::new(
                "geometry",
                format!(
                    "expected a Point, MultiPoint, Polygon or MultiPolygon, found an empty or {}",
                    other.type_name()
                ),
            ))
        }
    };
    Ok(Some(FacilityRow {
        id,
        properties: feature.properties_json(),
        locations,
    }))
}

/// The position of the column `named` in the manifest, else of the first of `candidates`
/// (`what` the column is: `longitude`, `latitude`); a problem listing the columns, and how
/// the file was read (a wrong encoding or delimiter shows there), when there is none.
fn find_column(
    headers: &csv::StringRecord,
    named: Option<&str>,
    candidates: &[&str],
    what: &str,
    (path, format): (&Path, &CsvFormat),
) -> Result<usize, Problem> {
    let position = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let columns = headers.iter().collect::<Vec<_>>().join(", ");
    match named {
        Some(name) => position(name).ok_or_else(|| {
            Problem::at(
                path,
                Location::File,
                Some(name),
                format!("no such column; the columns are: {columns} ({format})"),
            )
        }),
        None => candidates.iter().find_map(|c| position(c)).ok_or_else(|| {
            Problem::file(
                path,
                format!(
                    "no {what} column found (looked for {}); name it with `{}` in the layer's manifest entry. The columns are: {columns} ({format})",
                    candidates.join(", "),
                    if what == "longitude" { "lon" } else { "lat" },
                ),
            )
        }),
    }
}

/// Reads a CSV point layer's file `path` row by row, once [`read_csv_text`] has decoded it
/// to UTF-8 and found its delimiter.
fn read_csv_rows(source: &LayerSource, path: &Path) -> Result<Rows, Problem> {
    let csv_text = read_csv_text(path, source.encoding, source.delimiter)?;
    let file = (path, &csv_text.format);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .delimiter(csv_text.format.delimiter)
        .from_reader(csv_text.text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| Problem::file(path, format!("cannot read the CSV header: {e}")))?
        .clone();
    let lon_col = find_column(
        &headers,
        source.lon.as_deref(),
        LON_COLUMNS,
        "longitude",
        file,
    )?;
    let lat_col = find_column(
        &headers,
        source.lat.as_deref(),
        LAT_COLUMNS,
        "latitude",
        file,
    )?;
    let id_col = match &source.id {
        Some(name) => Some(find_column(&headers, Some(name), &[], "id", file)?),
        None => headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case("id")),
    };
    let convert = ToWgs84::new(source.crs.unwrap_or_default())
        .map_err(|e| Problem::file(path, e.to_string()))?;
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut number = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                number += 1;
                let row = csv_row(
                    &headers,
                    &record,
                    (source, &convert),
                    (lon_col, lat_col, id_col),
                    number,
                )
                .map_err(|e| e.locate(path, Location::Row(number)));
                rows.push(row);
            }
            Err(e) => {
                number += 1;
                return Err(Problem::at(
                    path,
                    Location::Row(number),
                    None,
                    format!("malformed CSV: {e}"),
                ));
            }
        }
    }
    Ok((rows, number))
}

fn csv_row(
    headers: &csv::StringRecord,
    record: &csv::StringRecord,
    (source, convert): (&LayerSource, &ToWgs84),
    (lon_col, lat_col, id_col): (usize, usize, Option<usize>),
    number: usize,
) -> Result<Option<FacilityRow>, FieldProblem> {
    let properties: Map<String, Value> = headers
        .iter()
        .zip(record.iter())
        .map(|(h, v)| (h.trim().to_string(), Value::String(v.to_string())))
        .collect();
    if !source
        .filter
        .matches(|name| properties.get(name).and_then(json_as_text))
    {
        return Ok(None);
    }
    let number_in = |col: usize| -> Result<f64, FieldProblem> {
        let cell = record.get(col).unwrap_or("").trim();
        cell.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| {
                FieldProblem::new(
                    headers.get(col).unwrap_or("?"),
                    format!("not a number (found {:?})", crate::format::excerpt(cell)),
                )
            })
    };
    let (lon, lat) = (number_in(lon_col)?, number_in(lat_col)?);
    let (lon, lat) = to_wgs84(convert, lon, lat).map_err(|mut e| {
        e.field = Some(format!("{}/{}", &headers[lon_col], &headers[lat_col]));
        e
    })?;
    let id = match id_col {
        Some(col) => match record.get(col).map(str::trim) {
            Some(cell) if !cell.is_empty() => cell.to_string(),
            _ => return Err(FieldProblem::new(&headers[col], "missing id")),
        },
        None => number.to_string(),
    };
    Ok(Some(FacilityRow {
        id,
        properties,
        locations: vec![Coord { x: lon, y: lat }],
    }))
}

/// A warning when facilities of `layer` stand at exactly the same position as another of the
/// layer (two copies of one registry, or geocoding to a district's centre): each counts for
/// `min_count` and capacity as a facility of its own.
pub fn shared_positions(layer: &FacilityLayer) -> Option<String> {
    let mut at: HashMap<(u64, u64), Vec<u32>> = HashMap::new();
    for (c, &f) in layer.locations.iter().zip(&layer.location_facility) {
        let facilities = at.entry((c.x.to_bits(), c.y.to_bits())).or_default();
        if facilities.last() != Some(&f) {
            facilities.push(f);
        }
    }
    let shared: Vec<(&(u64, u64), &Vec<u32>)> = at.iter().filter(|(_, f)| f.len() > 1).collect();
    let facilities: usize = shared.iter().map(|(_, f)| f.len()).sum();
    // The fullest position (ties: the lowest first facility), for the message.
    let (position, most) = shared
        .iter()
        .max_by(|a, b| a.1.len().cmp(&b.1.len()).then(b.1[0].cmp(&a.1[0])))?;
    let (lon, lat) = (f64::from_bits(position.0), f64::from_bits(position.1));
    Some(format!(
        "{}: {facilities} facilities of layer `{}` share their position with another, at {} position{} (the most, {}, at {lon}, {lat}: `{}` and others); each counts as a facility of its own",
        layer.files_display(),
        layer.kind,
        shared.len(),
        plural(shared.len()),
        most.len(),
        layer.label(most[0] as usize),
    ))
}
