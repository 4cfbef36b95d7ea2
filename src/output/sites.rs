//! The `sites` layer (the suggested sites, ranked) and `sites.csv` (the coverage curve).

use super::atomic::{write_atomically, ProtectedInputs};
use super::geojson::Value;
use super::layer::{Field, FieldType, GeometryType, Layer, Schema, Shape};
use crate::site::Suggestion;
use std::io;
use std::path::Path;

/// One Point feature per suggested site: rank, candidate id, the elderly it newly covers
/// (marginal), the running total, and the blocks it newly covers.
pub struct SiteLayer<'a> {
    suggestion: &'a Suggestion,
    /// Per choice, the ids of the blocks it newly covers, joined by commas.
    newly_covered_ids: Vec<String>,
    schema: Schema,
}

impl<'a> SiteLayer<'a> {
    /// The layer of a suggestion's choices.
    pub fn new(suggestion: &'a Suggestion) -> SiteLayer<'a> {
        use FieldType::{Integer, Real, Text};
        let newly_covered_ids = suggestion
            .choices
            .iter()
            .map(|choice| {
                let ids: Vec<&str> = choice
                    .newly_covered
                    .iter()
                    .map(|&d| suggestion.demand_ids[d as usize].as_str())
                    .collect();
                ids.join(",")
            })
            .collect();
        SiteLayer {
            suggestion,
            newly_covered_ids,
            schema: Schema {
                name: "sites",
                geometry_type: GeometryType::Point,
                fields: Field::list(&[
                    ("rank", Integer),
                    ("candidate_id", Text),
                    ("marginal_elderly", Real),
                    ("cumulative_elderly", Real),
                    ("newly_covered_blocks", Integer),
                    ("newly_covered_ids", Text),
                ]),
            },
        }
    }
}

impl Layer for SiteLayer<'_> {
    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn len(&self) -> usize {
        self.suggestion.choices.len()
    }

    fn geometry(&self, k: usize) -> Shape<'_> {
        let choice = &self.suggestion.choices[k];
        Shape::Point(self.suggestion.candidates[choice.candidate as usize].position)
    }

    fn values<'s>(&'s self, k: usize, row: &mut Vec<Value<'s>>) {
        let choice = &self.suggestion.choices[k];
        row.extend([
            Value::Int(k as i64 + 1),
            Value::Str(&self.suggestion.candidates[choice.candidate as usize].id),
            Value::Num(choice.marginal),
            Value::Num(choice.cumulative),
            Value::Int(choice.newly_covered.len() as i64),
            Value::Str(&self.newly_covered_ids[k]),
        ]);
    }
}

/// Writes the coverage curve: for 0, 1, 2 … new sites, the elderly meeting the requirement
/// and their share of all elderly, with the site added at each step.
pub fn write_sites_csv(
    path: &Path,
    protected: &ProtectedInputs,
    suggestion: &Suggestion,
    curve: &[(usize, f64, f64)],
) -> io::Result<()> {
    write_atomically(path, protected, |out| {
        let mut w = csv::Writer::from_writer(out);
        w.write_record([
            "sites",
            "candidate_id",
            "marginal_elderly",
            "elderly_covered",
            "share",
        ])?;
        for &(sites, covered, share) in curve {
            let choice = sites.checked_sub(1).map(|i| &suggestion.choices[i]);
            w.write_record([
                sites.to_string(),
                choice.map_or(String::new(), |c| {
                    suggestion.candidates[c.candidate as usize].id.clone()
                }),
                choice.map_or(String::new(), |c| c.marginal.to_string()),
                covered.to_string(),
                format!("{share:.6}"),
            ])?;
        }
        w.flush()
    })
}
