//! `carecircle compare BEFORE AFTER --out DIR`: two reports of one city compared, written as
//! `compare.csv` (per circle and requirement, before, after and the change), the `changes`
//! layer (the blocks newly covered or lost, outlined from AFTER's `blocks.geojson`, styled
//! for QGIS) and `compare.html`.

use crate::analysis::comparison::{compare, Comparison, ComparisonError};
use crate::error::Error;
use crate::format::thousands;
use crate::input::geojson::{FileSettings, GeoJsonFile};
use crate::output::changes::ChangesLayer;
use crate::output::csv_file::{write_csv, CsvTarget};
use crate::output::features::write_geojson_layers;
use crate::output::folder::{OutputFolder, WrittenSet};
use crate::output::html::write_compare_html;
use crate::output::layer::StyledLayer;
use crate::output::style::changes_style;
use geo_types::MultiPolygon;
use std::path::Path;

/// Compares the reports in `before` and `after` and writes the comparison into `out` (CSV
/// with a byte-order mark when `csv_bom`); neither report's files are ever written over.
pub fn run_compare(
    before: &Path,
    after: &Path,
    out: &Path,
    csv_bom: bool,
) -> Result<(Comparison, WrittenSet), Error> {
    let comparison = compare(before, after)?;
    let blocks = after.join("blocks.geojson");
    let inputs = [before, after]
        .into_iter()
        .flat_map(|dir| ["summary.json", "coverage.csv", "blocks.geojson"].map(|f| dir.join(f)))
        .collect::<Vec<_>>();
    let mut folder = OutputFolder::create(out, inputs.iter().map(|p| p.as_path()), "compare")?;
    let outlines = changed_outlines(&blocks, &comparison)?;
    let layer = ChangesLayer::new(&comparison, outlines);
    let layers = [StyledLayer::new(&layer, changes_style)?];
    let staged = folder.dir().to_path_buf();
    folder.plan_paths(layers.iter().flat_map(|l| l.geojson_files(&staged)));
    let (csv, html) = (folder.plan("compare.csv"), folder.plan("compare.html"));
    folder.check()?;
    let protected = folder.protected();
    write_geojson_layers(&staged, protected, &layers)?;
    let target = CsvTarget {
        path: &csv,
        bom: csv_bom,
    };
    write_csv(target, protected, |w| {
        w.write_record([
            "circle",
            "requirement",
            "blocks_before",
            "blocks_after",
            "blocks_change",
            "elderly_before",
            "elderly_after",
            "elderly_change",
        ])?;
        for row in &comparison.rows {
            w.write_record([
                row.circle.clone(),
                row.requirement.clone().unwrap_or_else(|| "all".into()),
                row.blocks[0].to_string(),
                row.blocks[1].to_string(),
                row.blocks_delta().to_string(),
                row.elderly[0].to_string(),
                row.elderly[1].to_string(),
                row.elderly_delta().to_string(),
            ])?;
        }
        Ok(())
    })?;
    write_compare_html(&html, protected, &comparison)?;
    Ok((comparison, folder.commit()?))
}

/// The outlines of the changed blocks, from the AFTER report's `blocks.geojson` (WGS 84),
/// whose features are the blocks in the reports' order.
fn changed_outlines(
    blocks: &Path,
    comparison: &Comparison,
) -> Result<Vec<MultiPolygon<f64>>, Error> {
    let unreadable = |why: String| ComparisonError::Unreadable {
        path: blocks.to_path_buf(),
        why,
    };
    let file = GeoJsonFile::read(blocks, FileSettings::default())
        .map_err(|p| unreadable(format!("{p} (compare needs reports written as GeoJSON)")))?;
    let mut wanted = vec![false; comparison.totals.0];
    for change in &comparison.changes {
        if let Some(w) = wanted.get_mut(change.block) {
            *w = true;
        }
    }
    let at = |number| crate::input::Location::Feature(number);
    let features = file
        .map_features(blocks, None, |number, mut feature| {
            if !wanted.get(number - 1).copied().unwrap_or(false) {
                return Ok(None);
            }
            let geometry = feature
                .take_geometry()
                .map_err(|e| e.locate(blocks, at(number)))?;
            let outline = geometry
                .into_multi_polygon()
                .map_err(|e| e.locate(blocks, at(number)))?;
            Ok(Some(outline))
        })
        .map_err(|p| unreadable(p.to_string()))?;
    if features.len() != comparison.totals.0 {
        let why = format!(
            "{} features, but the reports count {} blocks",
            thousands(features.len() as f64),
            thousands(comparison.totals.0 as f64)
        );
        return Err(unreadable(why).into());
    }
    let outlines = features.into_iter().filter_map(Result::transpose);
    Ok(outlines
        .collect::<Result<_, _>>()
        .map_err(|p| unreadable(p.to_string()))?)
}
