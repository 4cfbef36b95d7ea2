//! The city manifest: which files hold the blocks, the facility layers and the streets.
//!
//! ```toml
//! name = "Zhongzheng and Datong"    # optional; the title of report.html
//! attribution = "© OpenStreetMap contributors, ODbL 1.0"   # optional; the data's credit
//! source = "OpenStreetMap extract monaco.osm.pbf (2016-03-05)" # optional; where it came from
//! population_note = "estimated from building floor area"  # optional; set when people are estimates
//! policy = "policy.toml"            # optional; the built-in default when absent
//!
//! [blocks]
//! path = "blocks.geojson"
//! id = "id"
//! elderly = ["age_65_79", "age_80_plus"]   # one property, or several to sum
//! residents = "residents"           # optional
//! name = "VILLAGE"                  # optional; detected: name, 名称, 名稱, NAME
//! keep = ["TOWN"]                 # optional; properties carried into the outputs beside the name
//!
//! [layers.care_bed]                 # the table name is the facility kind
//! path = "care_beds.csv"
//! crs = "gcj02"                     # wgs84 (default) | gcj02 | bd09 | "EPSG:<code>"
//! encoding = "gbk"                  # optional, CSV (detected when absent) and Shapefile
//! delimiter = ";"                   # optional, CSV; `,` `;` or tab detected when absent
//! where = { category = "care_bed" } # optional attribute filter
//!
//! [streets]
//! path = "streets.geojson"
//!
//! [barriers]                        # optional; rivers, railways, walls, expressways
//! path = "barriers.geojson"         # GeoJSON lines and/or polygons
//! name = "name"                     # the property naming a barrier in gap reasons (default)
//! kind = "kind"                     # said when it has no name (default); else "a barrier"
//!
//! [entrances]                       # optional; building entrances, GeoJSON points or CSV
//! path = "entrances.csv"
//! block = "block"                   # the property or column holding the block id (default)
//! ```
//!
//! Relative paths are resolved against the manifest's folder.
//!
//! Wherever GeoJSON is read, a GeoPackage (`.gpkg`) may stand instead: its only feature
//! table, or the one the table's `layer` key names (see [`crate::input::gpkg`]):
//!
//! ```toml
//! [blocks]
//! path = "carecircle.gpkg"
//! layer = "blocks"                  # needed when the file has several feature tables
//! id = "id"
//! elderly = "elderly"
//! ```
//!
//! So may an ESRI Shapefile (`.shp`, with its `.shx`, `.dbf` and, when there, `.prj` and
//! `.cpg` beside it; see [`crate::input::shapefile`]): its `.prj` names the system unless the
//! table's `crs` does (they must agree); its `.cpg` names the attribute encoding, else the
//! table's `encoding` does, else it is UTF-8:
//!
//! ```toml
//! [blocks]
//! path = "villages.shp"
//! encoding = "gbk"                  # when the Shapefile has no .cpg
//! id = "V_ID"
//! elderly = "A65UP_CNT"             # a .dbf field name has at most 10 characters
//! ```
//!
//! Every `path` may also be a list of files of the same kind, read with the table's other
//! settings (crs, id, `where`, columns…) and concatenated in the order listed:
//!
//! ```toml
//! [layers.care_bed]
//! path = ["care_beds.csv", "registry/care_beds_2024.geojson"]
//! ```
//!
//! Ids stay unique across the files as within one; each file is an input of its own in the
//! summary. An empty list, or a file listed twice, is an error.

use super::error::{ConfigError, ConfigFile, ConfigProblem, Issue, Origin};
use super::filter::Filter;
use super::policy::Policy;
use crate::algo::crs::Crs;
use crate::algo::network::DEFAULT_MERGE_TOLERANCE_M;
use crate::input::csv_text::{CsvDelimiter, CsvEncoding};
use crate::lang::Lang;
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// A parsed city manifest with every path made absolute (relative to the manifest's folder).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The city's name, the title of `report.html`; the manifest's folder name when absent.
    pub name: Option<String>,
    /// The credit the data's licence asks for, to show wherever the data is shown (`carecircle
    /// osm` writes `© OpenStreetMap contributors, ODbL 1.0`).
    pub attribution: Option<String>,
    /// Where the data came from, in words (`carecircle osm`: the extract, its replication
    /// timestamp and the boundary it was clipped to).
    pub source: Option<String>,
    /// Present when the blocks' residents and elderly are estimates, saying how they were
    /// obtained (`carecircle osm`: from building floor area); absent for census figures.
    pub population_note: Option<String>,
    /// The language of what the report writes for people (`en`, the default, or `zh`);
    /// `report --lang` overrides it.
    pub lang: Option<Lang>,
    /// A policy file; the built-in default policy when absent.
    pub policy: Option<PathBuf>,
    /// How far from the blocks' centre a block or facility may lie, km (default
    /// [`DEFAULT_MAX_EXTENT_KM`]); farther ones are problems.
    pub max_extent_km: Option<f64>,
    /// The housing blocks (demand).
    pub blocks: BlocksSource,
    /// Facility layers by kind (supply), in kind order.
    #[serde(default)]
    pub layers: BTreeMap<String, LayerSource>,
    /// The street network for walking distances.
    pub streets: Option<StreetsSource>,
    /// Barriers a walk off the streets cannot cross (read only when walking).
    pub barriers: Option<BarriersSource>,
    /// Building entrances: where blocks join the streets (read only when walking).
    pub entrances: Option<EntrancesSource>,
}

/// One property name, or several whose values are summed (for example age bands).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Fields {
    /// A single property.
    One(String),
    /// Several properties to add up.
    Sum(Vec<String>),
}

impl Fields {
    /// The property names.
    pub fn names(&self) -> &[String] {
        match self {
            Fields::One(name) => std::slice::from_ref(name),
            Fields::Sum(names) => names,
        }
    }
}

/// A table's `path`: one file, or a list of files of the same kind read one after another.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paths(Vec<PathBuf>);

impl Paths {
    /// The files, in the order listed.
    pub fn iter(&self) -> impl Iterator<Item = &Path> {
        self.0.iter().map(PathBuf::as_path)
    }

    /// The number of files.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no file is listed (`path = []`, an error [`Manifest::load`] reports).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first file listed twice, if any.
    fn repeated(&self) -> Option<&Path> {
        let files = &self.0;
        (1..files.len())
            .find(|&i| files[..i].contains(&files[i]))
            .map(|i| files[i].as_path())
    }
}

impl From<PathBuf> for Paths {
    fn from(path: PathBuf) -> Paths {
        Paths(vec![path])
    }
}

/// The files separated by commas.
impl fmt::Display for Paths {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, path) in self.iter().enumerate() {
            let comma = if i == 0 { "" } else { ", " };
            write!(f, "{comma}{}", path.display())?;
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Paths {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Paths, D::Error> {
        /// A string, or a list of strings.
        struct PathsVisitor;

        impl<'de> serde::de::Visitor<'de> for PathsVisitor {
            type Value = Paths;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a file path or a list of file paths")
            }

            fn visit_str<E: serde::de::Error>(self, path: &str) -> Result<Paths, E> {
                Ok(Paths::from(PathBuf::from(path)))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Paths, A::Error> {
                let mut paths = Vec::new();
                while let Some(path) = seq.next_element::<PathBuf>()? {
                    paths.push(path);
                }
                Ok(Paths(paths))
            }
        }

        deserializer.deserialize_any(PathsVisitor)
    }
}

/// Where the housing blocks come from: a GeoJSON (or GeoPackage) layer of Polygon /
/// MultiPolygon features.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlocksSource {
    /// The GeoJSON file or files.
    pub path: Paths,
    /// The feature table to read from GeoPackage (`.gpkg`) files; needed only when a file
    /// has several. An error on any other file.
    pub layer: Option<String>,
    /// The property holding each block's unique id.
    pub id: String,
    /// The elderly count: one property or several to sum.
    pub elderly: Fields,
    /// The resident count, when known: one property or several to sum.
    pub residents: Option<Fields>,
    /// The property naming each block (a village, a compound); when absent, the first of
    /// [`NAME_FIELDS`] the first block has.
    pub name: Option<String>,
    /// The properties carried into the outputs (blocks layer, coverage.csv) besides the
    /// name property, which is always carried.
    pub keep: Option<Vec<String>>,
    /// The text encoding of Shapefile attributes (`gbk`, `gb18030`, `big5`…) when a
    /// Shapefile has no `.cpg` file (see [`crate::input::shapefile`]); UTF-8 when absent.
    pub encoding: Option<CsvEncoding>,
    /// The coordinate system of the file (see [`Crs`]); when absent, the one a GeoJSON
    /// file's `crs` member names, else WGS 84.
    #[serde(default)]
    pub crs: Option<Crs>,
}

impl BlocksSource {
    /// The properties that may be carried into the outputs, and whether they are a guess
    /// (the first of them a block has is kept, see [`Self::name`]) or asked for (all kept):
    /// the name property first unless `keep` lists it, then `keep`.
    pub fn kept_candidates(&self) -> (Vec<String>, bool) {
        match (&self.keep, &self.name) {
            (Some(keep), Some(name)) if !keep.contains(name) => {
                (std::iter::once(name).chain(keep).cloned().collect(), false)
            }
            (Some(keep), _) => (keep.clone(), false),
            (None, Some(name)) => (vec![name.clone()], false),
            (None, None) => (NAME_FIELDS.iter().map(|f| f.to_string()).collect(), true),
        }
    }

    /// The property naming the blocks among `kept`, the properties carried: the `name` key,
    /// else the first of `kept` that is one of [`NAME_FIELDS`].
    pub fn name_among<'a>(&self, mut kept: impl Iterator<Item = &'a str>) -> Option<String> {
        match &self.name {
            Some(name) => Some(name.clone()),
            None => kept.find(|f| NAME_FIELDS.contains(f)).map(str::to_string),
        }
    }
}

/// The property names taken as a block's or facility's name when a layer names none, in
/// order.
pub const NAME_FIELDS: [&str; 4] = ["name", "名称", "名稱", "NAME"];

/// A facility layer: GeoJSON (Point, MultiPoint, or Polygon / MultiPolygon by centroid) or CSV.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerSource {
    /// The GeoJSON or CSV file or files (each told apart by the `.csv` extension).
    pub path: Paths,
    /// The feature table to read from GeoPackage (`.gpkg`) files; needed only when a file
    /// has several. An error on any other file.
    pub layer: Option<String>,
    /// The property or column holding a facility id; when absent the feature's `id` member,
    /// then an `id` property, then the feature number is used.
    pub id: Option<String>,
    /// The property or column holding a facility's name (for people: outputs show it beside
    /// the id); when absent, the first of [`NAME_FIELDS`] the layer's first facility has.
    pub name: Option<String>,
    /// What people read for the kind (any Unicode, such as `居家照护床位`): the terminal,
    /// `report.html` and the map show it; the kind itself stays in field names.
    pub label: Option<String>,
    /// CSV longitude column; common spellings are detected when absent.
    pub lon: Option<String>,
    /// CSV latitude column; common spellings are detected when absent.
    pub lat: Option<String>,
    /// Text encoding (`gbk`, `big5`, `utf-16le`…) of CSV files — a byte order mark, UTF-8
    /// or the encoding the bytes look like when absent (see [`crate::input::csv_text`]) —
    /// and of Shapefile attributes when the Shapefile has no `.cpg` file (see
    /// [`crate::input::shapefile`]).
    pub encoding: Option<CsvEncoding>,
    /// CSV delimiter; `,` `;` or tab, sniffed from the header line, when absent.
    pub delimiter: Option<CsvDelimiter>,
    /// The coordinate system of the file (see [`Crs`]); when absent, the one a GeoJSON
    /// file's `crs` member names, else WGS 84.
    #[serde(default)]
    pub crs: Option<Crs>,
    /// Keep only features whose properties match.
    #[serde(default, rename = "where")]
    pub filter: Filter,
    /// What two facilities with one id are.
    #[serde(default)]
    pub duplicates: Duplicates,
    /// Files of facilities added for a what-if run (`report --add KIND=FILE`), not part of
    /// the manifest: see [`LayerSource::added_source`].
    #[serde(skip)]
    pub added: Paths,
}

impl LayerSource {
    /// The layer's files, then those added for a what-if run.
    pub fn all_paths(&self) -> Paths {
        Paths(self.path.0.iter().chain(&self.added.0).cloned().collect())
    }

    /// How the files added for a what-if run are read, when there are some: each with its
    /// own settings detected (id, name, coordinates; no filter), since such a file (a
    /// `site` run's `sites.geojson`, a list of vacant flats) is not shaped like the layer's
    /// own files. See [`crate::input::facilities::read_layer`] for their ids and kinds.
    pub fn added_source(&self) -> Option<LayerSource> {
        (!self.added.is_empty()).then(|| LayerSource {
            path: self.added.clone(),
            layer: None,
            id: None,
            name: None,
            label: self.label.clone(),
            lon: None,
            lat: None,
            encoding: None,
            delimiter: None,
            crs: None,
            filter: Filter::default(),
            duplicates: Duplicates::Error,
            added: Paths::default(),
        })
    }
}

/// What facilities of one layer sharing an id are (`duplicates = "merge"` on a layer).
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Duplicates {
    /// An error naming both (the default): a layer concatenated twice would count every
    /// facility twice.
    #[default]
    Error,
    /// One facility: the first of the id (one site in two registries, perhaps geocoded
    /// twice); a warning says how many were merged and how far the farthest stood.
    Merge,
}

/// The walking network: a GeoJSON layer of LineString / MultiLineString features.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreetsSource {
    /// The GeoJSON file or files.
    pub path: Paths,
    /// The feature table to read from GeoPackage (`.gpkg`) files; needed only when a file
    /// has several. An error on any other file.
    pub layer: Option<String>,
    /// The text encoding of Shapefile attributes (`gbk`, `gb18030`, `big5`…) when a
    /// Shapefile has no `.cpg` file (see [`crate::input::shapefile`]); UTF-8 when absent.
    pub encoding: Option<CsvEncoding>,
    /// The coordinate system of the files (see [`Crs`]); when absent, the one a GeoJSON
    /// file's `crs` member names, else WGS 84.
    #[serde(default)]
    pub crs: Option<Crs>,
    /// Keep only features whose properties match (for example to drop motorways).
    #[serde(default, rename = "where")]
    pub filter: Filter,
    /// Vertices closer than this are one graph node.
    #[serde(default = "default_merge_tolerance_m")]
    pub merge_tolerance_m: f64,
    /// Blocks and facilities farther than this from every street are off-network.
    #[serde(default = "default_max_snap_m")]
    pub max_snap_m: f64,
}

/// Barriers a straight walk from a block to a facility cannot cross: a GeoJSON layer of
/// LineString / MultiLineString (railways, walls) and Polygon / MultiPolygon (rivers) features.
/// They never block the street graph (streets are the bridges).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BarriersSource {
    /// The GeoJSON file or files.
    pub path: Paths,
    /// The feature table to read from GeoPackage (`.gpkg`) files; needed only when a file
    /// has several. An error on any other file.
    pub layer: Option<String>,
    /// The text encoding of Shapefile attributes (`gbk`, `gb18030`, `big5`…) when a
    /// Shapefile has no `.cpg` file (see [`crate::input::shapefile`]); UTF-8 when absent.
    pub encoding: Option<CsvEncoding>,
    /// The coordinate system of the files (see [`Crs`]); when absent, the one a GeoJSON
    /// file's `crs` member names, else WGS 84.
    #[serde(default)]
    pub crs: Option<Crs>,
    /// Keep only features whose properties match.
    #[serde(default, rename = "where")]
    pub filter: Filter,
    /// The property naming a barrier in gap reasons (`the Keelung River lies between`).
    #[serde(default = "default_barrier_name")]
    pub name: String,
    /// The property saying what an unnamed barrier is (`the railway lies between`); an
    /// unnamed barrier without it is `a barrier`.
    #[serde(default = "default_barrier_kind")]
    pub kind: String,
}

fn default_barrier_name() -> String {
    "name".to_string()
}

fn default_barrier_kind() -> String {
    "kind".to_string()
}

/// Building entrances: points (GeoJSON Point / MultiPoint, or CSV rows like a facility
/// layer's) each naming the block it opens from. Under `--measure edge` and `area` a block
/// with entrances joins the streets at them instead of along its outline.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntrancesSource {
    /// The GeoJSON or CSV file or files (each told apart by the `.csv` extension).
    pub path: Paths,
    /// The feature table to read from GeoPackage (`.gpkg`) files; needed only when a file
    /// has several. An error on any other file.
    pub layer: Option<String>,
    /// The property or column holding the id of the entrance's block.
    #[serde(default = "default_entrance_block")]
    pub block: String,
    /// CSV longitude column; common spellings are detected when absent.
    pub lon: Option<String>,
    /// CSV latitude column; common spellings are detected when absent.
    pub lat: Option<String>,
    /// Text encoding (`gbk`, `big5`, `utf-16le`…) of CSV files — a byte order mark, UTF-8
    /// or the encoding the bytes look like when absent (see [`crate::input::csv_text`]) —
    /// and of Shapefile attributes when the Shapefile has no `.cpg` file (see
    /// [`crate::input::shapefile`]).
    pub encoding: Option<CsvEncoding>,
    /// CSV delimiter; `,` `;` or tab, sniffed from the header line, when absent.
    pub delimiter: Option<CsvDelimiter>,
    /// The coordinate system of the file (see [`Crs`]); when absent, the one a GeoJSON
    /// file's `crs` member names, else WGS 84.
    #[serde(default)]
    pub crs: Option<Crs>,
    /// Keep only features whose properties match.
    #[serde(default, rename = "where")]
    pub filter: Filter,
}

fn default_entrance_block() -> String {
    "block".to_string()
}

impl EntrancesSource {
    /// The entrances read as a facility layer would be, the block id standing as each
    /// point's id.
    pub fn as_layer(&self) -> LayerSource {
        LayerSource {
            path: self.path.clone(),
            layer: self.layer.clone(),
            id: Some(self.block.clone()),
            name: None,
            label: None,
            lon: self.lon.clone(),
            lat: self.lat.clone(),
            encoding: self.encoding,
            delimiter: self.delimiter,
            crs: self.crs,
            filter: self.filter.clone(),
            duplicates: Duplicates::Error,
            added: Paths::default(),
        }
    }
}

/// How far from the blocks' centre a block or facility may lie by default: 100 km, a
/// metropolis across (Beijing's built-up area spans about 60 km) with room to spare.
pub const DEFAULT_MAX_EXTENT_KM: f64 = 100.0;

/// The merge tolerances a `[streets]` layer may set, in metres: from a millimetre (below,
/// building the graph turns quadratic) to 10 m (above, distinct streets merge).
pub const MERGE_TOLERANCE_RANGE_M: std::ops::RangeInclusive<f64> = 0.001..=10.0;

/// Default largest access leg from a block or facility to the street network: 500 m.
pub const DEFAULT_MAX_SNAP_M: f64 = 500.0;

fn default_merge_tolerance_m() -> f64 {
    DEFAULT_MERGE_TOLERANCE_M
}

fn default_max_snap_m() -> f64 {
    DEFAULT_MAX_SNAP_M
}

/// Just the `policy` key of a manifest, read leniently (every other key is ignored).
#[derive(Deserialize)]
struct PolicyKey {
    policy: Option<PathBuf>,
}

/// Makes a relative `path` relative to `folder` instead.
fn resolve(folder: &Path, path: &mut PathBuf) {
    if path.is_relative() {
        *path = folder.join(&*path);
    }
}

/// Makes every relative path of `paths` relative to `folder` instead.
fn resolve_all(folder: &Path, paths: &mut Paths) {
    for path in &mut paths.0 {
        resolve(folder, path);
    }
}

/// The folder a manifest's relative paths are resolved against.
fn folder_of(path: &Path) -> &Path {
    path.parent().unwrap_or(Path::new(""))
}

impl Manifest {
    /// Reads and validates a manifest file, resolving paths against its folder. A file that
    /// cannot be read or parsed is one problem; otherwise every invalid layer kind is listed.
    pub fn load(path: &Path) -> Result<Manifest, ConfigError> {
        let origin = Origin::File(path.to_path_buf());
        let text = super::read_config(path, ConfigFile::Manifest)?;
        let mut manifest: Manifest =
            toml::from_str(&text).map_err(|e| ConfigError::at(origin.clone(), e))?;
        manifest.resolve_paths(folder_of(path));
        let problems = manifest
            .layers
            .keys()
            .filter_map(|kind| super::check_name("layer kind", kind).err())
            .chain(manifest.path_issues())
            .chain(manifest.setting_issues())
            .map(|issue| ConfigProblem {
                origin: Some(origin.clone()),
                issue,
            })
            .collect();
        ConfigError::check(problems)?;
        Ok(manifest)
    }

    /// How far from the blocks' centre a block or facility may lie, km.
    pub fn max_extent_km(&self) -> f64 {
        self.max_extent_km.unwrap_or(DEFAULT_MAX_EXTENT_KM)
    }

    /// Settings that would silently break the analysis: a count key listing no field or one
    /// field twice; a snapping distance that is not positive (nothing reachable on foot); a
    /// merge tolerance outside [`MERGE_TOLERANCE_RANGE_M`] (a huge one merges every street
    /// node into one, a vanishing one makes building the graph quadratic).
    fn setting_issues(&self) -> Vec<Issue> {
        let mut issues = Vec::new();
        let extent = self.max_extent_km();
        if !(extent.is_finite() && extent > 0.0) {
            issues.push(Issue::MaxExtent(extent));
        }
        let counts = [
            ("elderly", Some(&self.blocks.elderly)),
            ("residents", self.blocks.residents.as_ref()),
        ];
        for (key, fields) in counts {
            let Some(names) = fields.map(Fields::names) else {
                continue;
            };
            if names.is_empty() {
                issues.push(Issue::NoFields(key));
            }
            for (i, field) in names.iter().enumerate() {
                if names[..i].contains(field) {
                    issues.push(Issue::FieldTwice {
                        key,
                        field: field.clone(),
                    });
                }
            }
        }
        if let Some(streets) = &self.streets {
            if !(streets.max_snap_m.is_finite() && streets.max_snap_m > 0.0) {
                issues.push(Issue::StreetSetting {
                    key: "max_snap_m",
                    value: streets.max_snap_m,
                    expected:
                        "a positive number of metres (the longest walk onto a street; default 500)",
                });
            }
            if !MERGE_TOLERANCE_RANGE_M.contains(&streets.merge_tolerance_m) {
                issues.push(Issue::StreetSetting {
                    key: "merge_tolerance_m",
                    value: streets.merge_tolerance_m,
                    expected: "from 0.001 to 10 metres (vertices closer than this are one street node; default 0.01)",
                });
            }
        }
        issues
    }

    /// The policy file the manifest at `path` names, found even when the rest of the manifest
    /// is invalid; `None` when it names none or cannot be read as TOML (or is no regular file).
    pub fn named_policy(path: &Path) -> Option<PathBuf> {
        crate::input_file::check_config(path).ok()?;
        let text = std::fs::read_to_string(path).ok()?;
        let mut policy = toml::from_str::<PolicyKey>(&text).ok()?.policy?;
        resolve(folder_of(path), &mut policy);
        Some(policy)
    }

    /// The manifest's policy (the built-in default when it names none), checked against the
    /// manifest: every kind the policy needs must have a layer. Problems name the policy file,
    /// or the manifest at `manifest_path` for the default policy.
    pub fn load_policy(&self, manifest_path: &Path) -> Result<Policy, ConfigError> {
        let (policy, origin) = match &self.policy {
            Some(path) => (Policy::load(path)?, Origin::File(path.clone())),
            None => (
                Policy::default_policy(),
                Origin::DefaultPolicy(manifest_path.to_path_buf()),
            ),
        };
        policy
            .check_kinds(|kind| self.layers.contains_key(kind))
            .map_err(|e| e.within(&origin))?;
        Ok(policy)
    }

    fn resolve_paths(&mut self, folder: &Path) {
        if let Some(p) = self.policy.as_mut() {
            resolve(folder, p);
        }
        for paths in self.paths_mut() {
            resolve_all(folder, paths);
        }
    }

    /// Every table naming files, by name (`blocks`, `layers.<kind>`, …), with its `path`.
    fn tables(&self) -> Vec<(String, &Paths)> {
        let mut tables = vec![("blocks".to_string(), &self.blocks.path)];
        let layers = self.layers.iter();
        tables.extend(layers.map(|(kind, l)| (format!("layers.{kind}"), &l.path)));
        let added = self.layers.iter().filter(|(_, l)| !l.added.is_empty());
        tables.extend(added.map(|(kind, l)| (format!("--add {kind}"), &l.added)));
        tables.extend(self.streets.as_ref().map(|s| ("streets".into(), &s.path)));
        tables.extend(self.barriers.as_ref().map(|b| ("barriers".into(), &b.path)));
        tables.extend(
            self.entrances
                .as_ref()
                .map(|e| ("entrances".into(), &e.path)),
        );
        tables
    }

    /// Adds the facilities of `file` to layer `kind` for a what-if run (`report --add`);
    /// `None` when the manifest has no such layer.
    pub fn add_facilities(&mut self, kind: &str, file: PathBuf) -> Option<()> {
        self.layers.get_mut(kind)?.added.0.push(file);
        Some(())
    }

    /// Every `path` of the tables naming files, to resolve.
    fn paths_mut(&mut self) -> Vec<&mut Paths> {
        let mut paths = vec![&mut self.blocks.path];
        paths.extend(self.layers.values_mut().map(|l| &mut l.path));
        paths.extend(self.streets.as_mut().map(|s| &mut s.path));
        paths.extend(self.barriers.as_mut().map(|b| &mut b.path));
        paths.extend(self.entrances.as_mut().map(|e| &mut e.path));
        paths
    }

    /// A `path` listing no file, or one file twice (its features would count twice).
    fn path_issues(&self) -> Vec<Issue> {
        let mut issues = Vec::new();
        for (table, paths) in self.tables() {
            if paths.is_empty() {
                issues.push(Issue::NoPaths(table));
            } else if let Some(path) = paths.repeated() {
                let path = path.to_path_buf();
                issues.push(Issue::PathTwice { table, path });
            }
        }
        issues
    }

    /// The city's name: `name`, or else the name of the folder holding the manifest at
    /// `path` (or its file stem when the folder has no name).
    pub fn city_name(&self, path: &Path) -> String {
        if let Some(name) = &self.name {
            return name.clone();
        }
        let folder = std::path::absolute(path)
            .ok()
            .and_then(|p| p.parent()?.file_name().map(|n| n.to_owned()));
        folder
            .or_else(|| path.file_stem().map(|n| n.to_owned()))
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// Every input file the manifest names (policy, blocks, layers, streets, barriers,
    /// entrances).
    pub fn input_files(&self) -> Vec<&Path> {
        let mut files: Vec<&Path> = Vec::new();
        files.extend(self.policy.as_deref());
        files.extend(
            self.tables()
                .into_iter()
                .flat_map(|(_, paths)| paths.iter()),
        );
        files
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_blocks_name_is_always_kept_and_named() {
        let source = |extra: &str| -> BlocksSource {
            toml::from_str(&format!(
                "path = \"b.geojson\"\nid = \"id\"\nelderly = \"e\"\n{extra}"
            ))
            .unwrap()
        };
        let kept = |extra: &str| source(extra).kept_candidates();
        let owned = |fields: &[&str]| fields.iter().map(|f| f.to_string()).collect::<Vec<_>>();
        assert_eq!(kept("name = \"V\""), (owned(&["V"]), false));
        assert_eq!(
            kept("name = \"V\"\nkeep = [\"T\"]"),
            (owned(&["V", "T"]), false)
        );
        assert_eq!(
            kept("name = \"V\"\nkeep = [\"T\", \"V\"]"),
            (owned(&["T", "V"]), false)
        );
        assert_eq!(kept("keep = [\"T\"]"), (owned(&["T"]), false));
        assert_eq!(kept(""), (owned(&NAME_FIELDS), true));
        let name = |extra: &str, fields: &[&str]| source(extra).name_among(fields.iter().copied());
        assert_eq!(name("name = \"V\"", &["T", "V"]), Some("V".into()));
        assert_eq!(
            name("keep = [\"T\", \"名称\"]", &["T", "名称"]),
            Some("名称".into())
        );
        assert_eq!(name("keep = [\"T\"]", &["T"]), None);
    }

    #[test]
    fn parses_the_documented_shape_and_resolves_paths() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("city.toml");
        std::fs::write(
            &path,
            r#"
policy = "policy.toml"
[blocks]
path = "blocks.geojson"
id = "id"
elderly = ["a", "b"]
residents = "residents"
[layers.care_bed]
path = "care_beds.csv"
lon = "lon"
lat = "lat"
crs = "gcj02"
where = { category = "care_bed" }
[streets]
path = "streets.geojson"
"#,
        )
        .unwrap();
        let m = Manifest::load(&path).unwrap();
        assert_eq!(
            m.blocks.path,
            Paths::from(dir.path().join("blocks.geojson"))
        );
        assert_eq!(m.blocks.elderly.names(), ["a", "b"]);
        assert_eq!(m.layers["care_bed"].crs, Some(Crs::Gcj02));
        assert!(!m.layers["care_bed"].filter.is_empty());
        assert_eq!(m.input_files().len(), 4);
        // Without a name, the city is named after the manifest's folder.
        let folder = dir.path().file_name().unwrap().to_string_lossy();
        assert_eq!(m.city_name(&path), folder);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("name = 'Datong <north>'\n{text}")).unwrap();
        let m = Manifest::load(&path).unwrap();
        assert_eq!(m.city_name(&path), "Datong <north>");
    }

    #[test]
    fn csv_encoding_and_delimiter_keys_reach_layers_and_entrances() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("city.toml");
        std::fs::write(
            &path,
            "[blocks]\npath='b'\nid='id'\nelderly='e'\n\
             [layers.care_bed]\npath='c.csv'\nencoding='GBK'\ndelimiter=';'\n\
             [entrances]\npath='e.csv'\nencoding='utf-16le'\ndelimiter=\"\\t\"\n",
        )
        .unwrap();
        let m = Manifest::load(&path).unwrap();
        let layer = &m.layers["care_bed"];
        assert_eq!(layer.encoding.unwrap().encoding(), encoding_rs::GBK);
        assert_eq!(layer.delimiter.unwrap().byte(), b';');
        let entrances = m.entrances.unwrap().as_layer();
        assert_eq!(
            entrances.encoding.unwrap().encoding(),
            encoding_rs::UTF_16LE
        );
        assert_eq!(entrances.delimiter.unwrap().byte(), b'\t');
    }

    #[test]
    fn the_layer_key_parses_on_every_table_with_a_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("city.toml");
        let layer = "layer = 't'\n";
        let text = format!(
            "[blocks]\npath='b.gpkg'\nid='id'\nelderly='e'\n{layer}\
             [layers.clinic]\npath='c.gpkg'\n{layer}[streets]\npath='s.gpkg'\n{layer}\
             [barriers]\npath='r.gpkg'\n{layer}[entrances]\npath='e.gpkg'\n{layer}"
        );
        std::fs::write(&path, text).unwrap();
        let m = Manifest::load(&path).unwrap();
        let t = Some("t");
        assert_eq!(m.blocks.layer.as_deref(), t);
        assert_eq!(m.layers["clinic"].layer.as_deref(), t);
        assert_eq!(m.streets.unwrap().layer.as_deref(), t);
        assert_eq!(m.barriers.unwrap().layer.as_deref(), t);
        // Entrances are read as a facility layer would be, with their `layer`.
        assert_eq!(m.entrances.unwrap().as_layer().layer.as_deref(), t);
    }

    #[test]
    fn unknown_keys_and_bad_crs_are_errors_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("city.toml");
        std::fs::write(
            &path,
            "[blocks]\npath='b'\nid='id'\nelderly='e'\nelderley='x'\n",
        )
        .unwrap();
        let err = Manifest::load(&path).unwrap_err().to_string();
        assert!(
            err.contains("city.toml") && err.contains("elderley"),
            "{err}"
        );
        std::fs::write(
            &path,
            "[blocks]\npath='b'\nid='id'\nelderly='e'\ncrs='utm'\n",
        )
        .unwrap();
        let err = Manifest::load(&path).unwrap_err().to_string();
        assert!(err.contains("crs") || err.contains("utm"), "{err}");
    }

    /// The `[blocks]` table of a manifest with `path = <paths>`.
    fn blocks_with(paths: &str) -> String {
        format!("[blocks]\npath = {paths}\nid = 'id'\nelderly = 'e'\n")
    }

    #[test]
    fn a_path_is_one_file_or_a_list_resolved_one_by_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("city.toml");
        let text = blocks_with("['a.geojson', 'part/b.geojson', '/abs/c.geojson']")
            + "[layers.clinic]\npath = 'clinics.csv'\n";
        std::fs::write(&path, text).unwrap();
        let m = Manifest::load(&path).unwrap();
        let blocks: Vec<&Path> = m.blocks.path.iter().collect();
        let (a, b) = (
            dir.path().join("a.geojson"),
            dir.path().join("part/b.geojson"),
        );
        assert_eq!(blocks, [a.as_path(), &b, Path::new("/abs/c.geojson")]);
        assert_eq!(m.blocks.path.len(), 3);
        let clinics = dir.path().join("clinics.csv");
        assert_eq!(m.layers["clinic"].path, Paths::from(clinics.clone()));
        // Every file is an input, in order.
        assert_eq!(
            m.input_files(),
            [a.as_path(), &b, Path::new("/abs/c.geojson"), &clinics]
        );
        let shown = format!("{}, {}, /abs/c.geojson", a.display(), b.display());
        assert_eq!(m.blocks.path.to_string(), shown);
    }

    #[test]
    fn an_empty_list_a_file_twice_and_a_wrong_type_are_errors_naming_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("city.toml");
        let text = blocks_with("['a.geojson', './a.geojson']")
            + "[layers.clinic]\npath = []\n[streets]\npath = ['s.geojson', 's.geojson']\n";
        std::fs::write(&path, text).unwrap();
        let err = Manifest::load(&path).unwrap_err().to_string();
        assert!(
            err.contains("[layers.clinic] path = [] lists no file"),
            "{err}"
        );
        let twice = dir.path().join("s.geojson");
        let twice = format!("[streets] path lists `{}` twice", twice.display());
        assert!(err.contains(&twice), "{err}");
        // `./a.geojson` is another spelling of the same file.
        assert!(
            err.contains("[blocks] path lists") && err.contains("a.geojson` twice"),
            "{err}"
        );
        std::fs::write(&path, blocks_with("3")).unwrap();
        let err = Manifest::load(&path).unwrap_err().to_string();
        assert!(
            err.contains("city.toml")
                && err.contains("expected a file path or a list of file paths"),
            "{err}"
        );
        std::fs::write(&path, blocks_with("['a.geojson', 3]")).unwrap();
        let err = Manifest::load(&path).unwrap_err().to_string();
        assert!(err.contains("city.toml") && err.contains("path"), "{err}");
    }
}
