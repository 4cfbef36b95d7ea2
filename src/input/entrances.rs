//! Reading building entrances: points (GeoJSON or CSV, read like a facility layer) each
//! naming its block by id.

use super::facilities::read_point_rows;
use super::problem::Problem;
use super::Read;
use crate::config::manifest::EntrancesSource;
use crate::dataset::{Blocks, Entrances};
use std::collections::HashMap;
use std::path::Path;

/// Reads the entrance layer's file at `path` in WGS 84, matching each entrance to its block in `blocks` by
/// the id in the `block` property or column. A missing or unknown block id is a problem
/// naming the file, the feature or row, and the field. A MultiPoint gives several entrances
/// of one block.
pub fn read_entrances(
    source: &EntrancesSource,
    path: &Path,
    blocks: &Blocks,
) -> Result<Read<Entrances>, Problem> {
    let ((rows, features), locate) = read_point_rows(&source.as_layer(), path)?;
    let by_id: HashMap<&str, u32> = blocks
        .ids
        .iter()
        .enumerate()
        .map(|(b, id)| (id.as_str(), b as u32))
        .collect();
    let mut entrances = Entrances::default();
    let mut problems = Vec::new();
    for (i, row) in rows.into_iter().enumerate() {
        match row {
            Ok(Some(row)) => match by_id.get(row.id.as_str()) {
                Some(&b) => {
                    entrances
                        .block
                        .extend(std::iter::repeat_n(b, row.locations.len()));
                    entrances.locations.extend(row.locations);
                }
                None => problems.push(Problem::at(
                    path,
                    locate(i + 1),
                    Some(&source.block),
                    format!("no block has the id `{}`", row.id),
                )),
            },
            Ok(None) => {}
            Err(p) => problems.push(p),
        }
    }
    Ok(Read {
        value: entrances,
        features,
        problems,
        warnings: Vec::new(),
    })
}
