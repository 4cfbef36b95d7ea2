//! The `sites` layer (the suggested sites, ranked) and `sites.csv` (the coverage curve).

use super::atomic::ProtectedInputs;
use super::csv_file::{write_csv, CsvTarget};
use super::layer::Value;
use super::layer::{Field, FieldType, GeometryType, Layer, Schema, Shape};
use crate::algo::crs::LocalProjection;
use crate::analysis::sites::Suggestion;
use crate::format::spreadsheet_safe;
use geo::Coord;
use std::io;

/// One Point feature per suggested site, of one or several suggestions (one per
/// requirement): the circle and kind, the rank, the candidate id and name, the elderly it newly covers
/// (marginal), the running total, and the blocks it newly covers.
pub struct SiteLayer<'a> {
    suggestions: &'a [Suggestion],
    /// Per feature, its suggestion and choice.
    features: Vec<(usize, usize)>,
    /// Per feature, its position in WGS 84.
    positions: Vec<Coord<f64>>,
    /// Per feature, the ids of the blocks it newly covers, joined by commas.
    newly_covered_ids: Vec<String>,
    schema: Schema,
}

impl<'a> SiteLayer<'a> {
    /// The layer of the suggestions' choices, suggestion by suggestion, positions
    /// unprojected with `projection`.
    pub fn new(suggestions: &'a [Suggestion], projection: &LocalProjection) -> SiteLayer<'a> {
        use FieldType::{Integer, Real, Text};
        let features: Vec<(usize, usize)> = suggestions
            .iter()
            .enumerate()
            .flat_map(|(s, suggestion)| (0..suggestion.choices.len()).map(move |c| (s, c)))
            .collect();
        let newly_covered_ids = features
            .iter()
            .map(|&(s, c)| {
                let suggestion = &suggestions[s];
                let ids: Vec<&str> = suggestion.choices[c]
                    .newly_covered
                    .iter()
                    .map(|&d| suggestion.demand_ids[d as usize].as_str())
                    .collect();
                ids.join(",")
            })
            .collect();
        let positions = suggestions
            .iter()
            .flat_map(|s| s.chosen().map(|c| c.lon_lat(projection)))
            .collect();
        SiteLayer {
            suggestions,
            positions,
            features,
            newly_covered_ids,
            schema: Schema {
                name: "sites",
                geometry_type: GeometryType::Point,
                fields: Field::list(&[
                    ("circle", Text),
                    ("kind", Text),
                    ("rank", Integer),
                    ("candidate_id", Text),
                    ("candidate_name", Text),
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
        self.features.len()
    }

    fn geometry(&self, k: usize) -> Shape<'_> {
        Shape::Point(self.positions[k])
    }

    fn values<'s>(&'s self, k: usize, row: &mut Vec<Value<'s>>) {
        let (s, c) = self.features[k];
        let suggestion = &self.suggestions[s];
        let choice = &suggestion.choices[c];
        let candidate = &suggestion.candidates[choice.candidate as usize];
        row.extend([
            Value::Str(&suggestion.circle),
            Value::Str(&suggestion.kind),
            Value::Int(c as i64 + 1),
            Value::Str(&candidate.id),
            candidate.name.as_deref().map_or(Value::Null, Value::Str),
            Value::Num(choice.marginal),
            Value::Num(choice.cumulative),
            Value::Int(choice.newly_covered.len() as i64),
            Value::Str(&self.newly_covered_ids[k]),
        ]);
    }
}

/// Writes the coverage curve: for 0, 1, 2 … new sites, with the site added at each step, the
/// elderly it newly covers (`marginal_elderly`), those the sites so far newly cover
/// (`cumulative_elderly`, as in sites.geojson), all elderly then meeting the requirement
/// (`elderly_met`) and their share of all elderly (`share_met`, 0 to 1).
pub fn write_sites_csv(
    csv: CsvTarget,
    protected: &ProtectedInputs,
    suggestion: &Suggestion,
    curve: &[(usize, f64, f64)],
) -> io::Result<()> {
    write_csv(csv, protected, |w| {
        w.write_record([
            "sites",
            "candidate_id",
            "candidate_name",
            "marginal_elderly",
            "cumulative_elderly",
            "elderly_met",
            "share_met",
        ])?;
        for &(sites, covered, share) in curve {
            let choice = sites.checked_sub(1).map(|i| &suggestion.choices[i]);
            let candidate = choice.map(|c| &suggestion.candidates[c.candidate as usize]);
            let name = candidate.and_then(|c| c.name.as_deref());
            w.write_record([
                sites.to_string(),
                candidate.map_or(String::new(), |c| spreadsheet_safe(&c.id).into_owned()),
                name.map_or(String::new(), |n| spreadsheet_safe(n).into_owned()),
                choice.map_or(String::new(), |c| c.marginal.to_string()),
                choice.map_or(0.0, |c| c.cumulative).to_string(),
                covered.to_string(),
                format!("{share:.6}"),
            ])?;
        }
        Ok(())
    })
}
