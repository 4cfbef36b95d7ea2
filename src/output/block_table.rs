//! The per-block attribute table shared by `blocks.geojson` and `coverage.csv`: one column
//! list and one way to fill a row, so the two files always agree.

use super::geojson::Value;
use crate::config::Policy;
use crate::coverage::Coverage;
use crate::dataset::Blocks;
use crate::explain::GapExplainer;
use rayon::prelude::*;

/// The block table of a report.
pub struct BlockTable<'a> {
    policy: &'a Policy,
    blocks: &'a Blocks,
    coverage: &'a Coverage,
    columns: Vec<String>,
    gap_reasons: Vec<Option<String>>,
}

/// Distances are written rounded to this many decimals (0.1 m).
const DISTANCE_DECIMALS: i32 = 1;

fn round_distance(m: f64) -> f64 {
    let scale = 10f64.powi(DISTANCE_DECIMALS);
    (m * scale).round() / scale
}

impl<'a> BlockTable<'a> {
    /// The table for a policy's coverage of the blocks.
    pub fn new(policy: &'a Policy, blocks: &'a Blocks, coverage: &'a Coverage) -> BlockTable<'a> {
        let mut columns = vec!["id".to_string(), "elderly".to_string()];
        if blocks.residents.is_some() {
            columns.push("residents".to_string());
        }
        for circle in &policy.circles {
            columns.push(format!("{}_met", circle.name));
            for r in &circle.requires {
                columns.push(format!("{}_{}_dist_m", circle.name, r.kind));
                if r.min_count > 1 {
                    columns.push(format!("{}_{}_count", circle.name, r.kind));
                }
            }
        }
        columns.push("gap_reason".to_string());
        let explainer = GapExplainer::new(policy, coverage);
        let gap_reasons = (0..blocks.len())
            .into_par_iter()
            .map(|b| explainer.gap_reason(b))
            .collect();
        BlockTable {
            policy,
            blocks,
            coverage,
            columns,
            gap_reasons,
        }
    }

    /// The column names, in order.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// Calls `use_row` with block `b`'s values, in column order.
    pub fn with_row<R>(&self, b: usize, use_row: impl FnOnce(&[Value]) -> R) -> R {
        let mut row = Vec::with_capacity(self.columns.len());
        row.push(Value::Str(&self.blocks.ids[b]));
        row.push(Value::Num(self.blocks.elderly[b]));
        if let Some(residents) = &self.blocks.residents {
            row.push(Value::Num(residents[b]));
        }
        for (circle, coverage) in self.policy.circles.iter().zip(&self.coverage.circles) {
            row.push(Value::Bool(coverage.met[b]));
            for (r, rc) in circle.requires.iter().zip(&coverage.requirements) {
                // Infinite (no facility at all) becomes null.
                row.push(Value::Num(round_distance(rc.nearest_m[b])));
                if r.min_count > 1 {
                    let count = rc.count_within.as_ref().map_or(0, |c| c[b]);
                    row.push(Value::Int(count.into()));
                }
            }
        }
        row.push(
            self.gap_reasons[b]
                .as_deref()
                .map_or(Value::Null, Value::Str),
        );
        use_row(&row)
    }
}
