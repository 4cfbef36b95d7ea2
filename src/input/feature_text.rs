//! The GeoJSON FeatureCollection text that the readers of other formats (GeoPackage,
//! Shapefile) write feature by feature into a [`GeoJsonFile`], so that every GeoJSON reader,
//! setting and problem serves those formats unchanged.

use super::geojson::GeoJsonFile;
use crate::algo::crs::Crs;
use crate::format::megabytes;
use crate::input_file;
use std::collections::HashMap;

/// A FeatureCollection's text being written, feature by feature (numbered from 1).
pub(super) struct FeatureText {
    /// The text so far.
    text: String,
    /// The features written.
    features: usize,
    /// Why each geometry that did not decode failed, by feature number.
    bad_geometries: HashMap<usize, String>,
    /// The most text the memory available can hold with its features parsed; `None` when
    /// that is unknown.
    budget: Option<u64>,
}

impl FeatureText {
    /// The start of a FeatureCollection, with a `crs` member naming `crs` when there is one,
    /// to grow at most to what the memory available can parse
    /// ([`input_file::text_budget`]).
    pub(super) fn new(crs: Option<Crs>) -> FeatureText {
        let mut text = String::from("{\"type\":\"FeatureCollection\",");
        if let Some(crs) = crs {
            let member =
                serde_json::json!({"type": "name", "properties": {"name": crs.to_string()}});
            text.push_str(&format!("\"crs\":{member},"));
        }
        text.push_str("\"features\":[");
        FeatureText {
            text,
            features: 0,
            bad_geometries: HashMap::new(),
            budget: input_file::text_budget(input_file::GEOJSON_MEMORY_FACTOR),
        }
    }

    /// Appends a feature with `geometry` (GeoJSON geometry text; `None` for a null geometry;
    /// why it did not decode, which leaves it null and becomes a problem on the feature) and
    /// `properties` (a JSON object's text). An error says the text has grown past the memory
    /// available.
    pub(super) fn push(
        &mut self,
        geometry: Option<Result<&str, &str>>,
        properties: &str,
    ) -> Result<(), String> {
        self.features += 1;
        let geometry = match geometry {
            None => "null",
            Some(Ok(text)) => text,
            Some(Err(why)) => {
                self.bad_geometries.insert(self.features, why.to_string());
                "null"
            }
        };
        if self.features > 1 {
            self.text.push(',');
        }
        for piece in [
            "{\"type\":\"Feature\",\"geometry\":",
            geometry,
            ",\"properties\":",
            properties,
            "}",
        ] {
            self.text.push_str(piece);
        }
        match self.budget.filter(|&b| self.text.len() as u64 > b) {
            Some(budget) => Err(format!(
                "read as GeoJSON it passes {} of text, more than the memory available can hold with its features parsed (about {} bytes per byte of text)",
                megabytes(budget),
                input_file::GEOJSON_MEMORY_FACTOR
            )),
            None => Ok(()),
        }
    }

    /// The finished collection.
    pub(super) fn finish(mut self) -> GeoJsonFile {
        self.text.push_str("]}");
        GeoJsonFile {
            text: self.text,
            unknown_crs: None,
            bad_geometries: self.bad_geometries,
        }
    }
}

/// `shape` as GeoJSON geometry text.
pub(super) fn geometry_text(shape: &geo_types::Geometry<f64>) -> Result<String, String> {
    let geometry = geojson::Geometry::new(geojson::GeometryValue::from(shape));
    serde_json::to_string(&geometry).map_err(|e| e.to_string())
}
