//! What a facility layer's `where` misses: each accepted value no feature of its files has
//! (a typo such as `category = ["hospice", "hospise"]` silently drops a category), with the
//! values the file does have.

use super::facilities::read_point_rows;
use super::problem::Problem;
use crate::config::filter::{values_present, Filter};
use crate::config::manifest::LayerSource;

/// A warning for every value of `source`'s `where` that no feature of its files has, naming
/// the layer `kind`, the file, the field and the values present. Rows that do not read are
/// left to the layer's own reading.
pub fn unmatched_where_values(kind: &str, source: &LayerSource) -> Result<Vec<String>, Problem> {
    if source.filter.is_empty() {
        return Ok(Vec::new());
    }
    let unfiltered = LayerSource {
        filter: Filter::default(),
        ..source.clone()
    };
    let mut rows = Vec::new();
    for path in source.path.iter() {
        let ((file_rows, _), _) = read_point_rows(&unfiltered, path)?;
        rows.extend(file_rows.into_iter().filter_map(|row| row.ok().flatten()));
    }
    let properties: Vec<_> = rows.iter().map(|row| &row.properties).collect();
    let mut warnings = Vec::new();
    for (field, accepted) in &source.filter.0 {
        for value in accepted.values() {
            let wanted = value.as_text();
            let found = properties.iter().any(|p| {
                p.get(field)
                    .and_then(crate::config::filter::json_as_text)
                    .is_some_and(|v| v == wanted)
            });
            if !found {
                warnings.push(format!(
                    "{}: layer `{kind}`: `where` value {field} = {wanted:?} matches no feature; `{field}` has {}",
                    source.path,
                    values_present(properties.iter().copied(), field)
                ));
            }
        }
    }
    Ok(warnings)
}
