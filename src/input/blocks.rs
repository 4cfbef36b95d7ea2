//! Reading housing blocks from GeoJSON.

use super::extent::Extent;
use super::geojson::{Feature, FileSettings, GeoJsonFile};
use super::problem::{FieldProblem, Location, Problem};
use super::rings::self_crossing;
use super::Read;
use crate::algo::extent::robust_centre;
use crate::config::manifest::{BlocksSource, Fields};
use crate::dataset::{box_centre, Blocks, KeptColumn, MAX_COUNT};
use crate::format::{excerpt, plural, thousands};
use geo::Area;
use geo_types::MultiPolygon;
use std::collections::HashMap;
use std::path::Path;

struct BlockRow {
    id: String,
    outline: MultiPolygon<f64>,
    elderly: f64,
    residents: Option<f64>,
    /// The values of the source's kept candidates (see `BlocksSource::kept_candidates`).
    kept: Vec<serde_json::Value>,
}

/// The sum of a block's count `fields`, each and all together from 0 to [`MAX_COUNT`].
fn sum_fields(feature: &Feature, fields: &Fields) -> Result<f64, FieldProblem> {
    let too_many = |what: String| {
        format!(
            "{what}, more than {} people in one block (a typo, or another unit?)",
            thousands(MAX_COUNT)
        )
    };
    let mut total = 0.0;
    let names = fields.names();
    for name in names {
        let value = feature.number(name)?;
        if value < 0.0 {
            return Err(FieldProblem::new(name, format!("is negative ({value})")));
        }
        if value > MAX_COUNT {
            return Err(FieldProblem::new(name, too_many(format!("is {value}"))));
        }
        total += value;
    }
    if total > MAX_COUNT {
        let all = names.join("` + `");
        return Err(FieldProblem::new(
            &all,
            too_many(format!("adds up to {total}")),
        ));
    }
    Ok(total)
}

/// A block of `source` from its feature; `kept`: the properties whose values it carries (the
/// source's kept candidates, found once per file).
fn block_row(
    source: &BlocksSource,
    kept: &[String],
    mut feature: Feature,
) -> Result<BlockRow, FieldProblem> {
    let id = feature.id(Some(&source.id)).ok_or_else(|| {
        let fields = feature.fields();
        FieldProblem::new(
            &source.id,
            format!("missing id (a string or integer is needed); {fields}"),
        )
    })?;
    let elderly = sum_fields(&feature, &source.elderly)?;
    let residents = source
        .residents
        .as_ref()
        .map(|f| sum_fields(&feature, f))
        .transpose()?;
    let outline = feature.take_geometry()?.into_multi_polygon()?;
    let rings = outline
        .0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()));
    if let Some(at) = rings.filter_map(|ring| self_crossing(&ring.0)).next() {
        return Err(FieldProblem::new(
            "geometry",
            format!(
                "a ring crosses itself near ({:.6}, {:.6}) (a bow tie): its area and centre mean nothing; redraw it as one or two simple rings",
                at.x, at.y
            ),
        ));
    }
    let kept = kept.iter().map(|field| feature.value(field)).collect();
    Ok(BlockRow {
        id,
        outline,
        elderly,
        residents,
        kept,
    })
}

/// Where each block id was first read: the file (its index in the layer's list) and the
/// feature number.
type SeenIds = HashMap<String, (usize, usize)>;

/// Reads the blocks layer, every file of it in the order listed: per file, its blocks or why
/// it cannot be read. Invalid features become problems; duplicate ids, within a file or
/// across files, are problems on the later feature naming the earlier one (and its file when
/// another), and so are blocks farther than `max_extent_km` from the centre of every file's
/// blocks (see [`Blocks::centre`]): a stray block would otherwise move the plane every
/// distance is measured in.
pub fn read_blocks(
    source: &BlocksSource,
    max_extent_km: f64,
) -> Vec<Result<Read<Blocks>, Problem>> {
    let paths: Vec<&Path> = source.path.iter().collect();
    let mut seen = SeenIds::new();
    let files: Vec<_> = (0..paths.len())
        .map(|file| read_rows(source, &paths, file, &mut seen))
        .collect();
    let points: Vec<_> = files
        .iter()
        .flatten()
        .flat_map(|read| &read.value)
        .filter_map(|(_, r)| box_centre(&r.outline))
        .collect();
    let extent = robust_centre(&points).map(|centre| Extent {
        centre,
        max_km: max_extent_km,
    });
    let within = |(read, path)| Ok(within_extent(source, path, read?, extent.as_ref()));
    files.into_iter().zip(paths).map(within).collect()
}

/// The valid rows of file `file` of `paths` with their feature numbers; invalid features and
/// ids already in `seen` (which gains the file's) are problems.
fn read_rows(
    source: &BlocksSource,
    paths: &[&Path],
    file: usize,
    seen: &mut SeenIds,
) -> Result<Read<Vec<(usize, BlockRow)>>, Problem> {
    let path = paths[file];
    let (kept, _) = source.kept_candidates();
    let rows = GeoJsonFile::read(
        path,
        FileSettings::of(&source.layer, source.encoding, source.crs),
    )?
    .map_features(path, source.crs, |number, feature| {
        block_row(source, &kept, feature).map_err(|e| e.locate(path, Location::Feature(number)))
    })?;
    let features = rows.len();
    let mut problems = Vec::new();
    let mut valid = Vec::with_capacity(features);
    for (i, row) in rows.into_iter().enumerate() {
        let row = match row {
            Ok(row) => row,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        if let Some(&(first_file, first)) = seen.get(&row.id) {
            let other = if first_file == file {
                String::new()
            } else {
                format!(" of {}", paths[first_file].display())
            };
            problems.push(Problem::at(
                path,
                Location::Feature(i + 1),
                Some(&source.id),
                format!(
                    "duplicate id `{}` (also feature {first}{other})",
                    excerpt(&row.id)
                ),
            ));
            continue;
        }
        seen.insert(row.id.clone(), (file, i + 1));
        valid.push((i + 1, row));
    }
    Ok(Read {
        value: valid,
        features,
        problems,
        warnings: Vec::new(),
    })
}

/// The blocks of `read`, the valid rows of the file at `path`; those outside `extent` are
/// problems instead.
fn within_extent(
    source: &BlocksSource,
    path: &Path,
    read: Read<Vec<(usize, BlockRow)>>,
    extent: Option<&Extent>,
) -> Read<Blocks> {
    let Read {
        value: valid,
        features,
        mut problems,
        ..
    } = read;
    let (candidates, guess) = source.kept_candidates();
    let kept: Vec<usize> = match guess {
        false => (0..candidates.len()).collect(),
        true => valid
            .first()
            .and_then(|(_, row)| row.kept.iter().position(|v| !v.is_null()))
            .into_iter()
            .collect(),
    };
    let mut kept_values: Vec<Vec<serde_json::Value>> = vec![Vec::new(); kept.len()];
    let mut blocks = Blocks {
        residents: source
            .residents
            .as_ref()
            .map(|_| Vec::with_capacity(valid.len())),
        ..Blocks::default()
    };
    for (number, row) in valid {
        let outside = extent.and_then(|e| e.outside(box_centre(&row.outline)?));
        if let Some(why) = outside {
            problems.push(Problem::at(
                path,
                Location::Feature(number),
                Some("geometry"),
                why,
            ));
            continue;
        }
        blocks.ids.push(row.id);
        blocks.outlines.push(row.outline);
        blocks.elderly.push(row.elderly);
        if let (Some(all), Some(r)) = (blocks.residents.as_mut(), row.residents) {
            all.push(r);
        }
        let mut values = row.kept;
        for (column, &k) in kept_values.iter_mut().zip(&kept) {
            column.push(values[k].take());
        }
    }
    blocks.kept = kept
        .iter()
        .zip(kept_values)
        .map(|(&k, values)| KeptColumn::new(candidates[k].clone(), values))
        .collect();
    blocks.name_field = source.name_among(blocks.kept.iter().map(|c| c.field.as_str()));
    problems.sort_by_key(Problem::number);
    let warnings = flat_blocks(path, &blocks).into_iter().collect();
    Read {
        value: blocks,
        features,
        problems,
        warnings,
    }
}

/// A warning naming the blocks of no area (every vertex on one line, or one point): they are
/// kept, measured from their outline, but hold no ground.
fn flat_blocks(path: &Path, blocks: &Blocks) -> Option<String> {
    let flat: Vec<&str> = blocks
        .outlines
        .iter()
        .zip(&blocks.ids)
        .filter(|(outline, _)| outline.unsigned_area() == 0.0)
        .map(|(_, id)| id.as_str())
        .collect();
    let shown: Vec<String> = flat.iter().take(5).map(|id| format!("`{id}`")).collect();
    let more = match flat.len() {
        n if n > 5 => format!(" and {} more", n - 5),
        _ => String::new(),
    };
    (!flat.is_empty()).then(|| {
        format!(
            "{}: {} block{} of no area (every vertex on one line): {}{more}; each is measured from its outline",
            path.display(),
            flat.len(),
            plural(flat.len()),
            shown.join(", ")
        )
    })
}
