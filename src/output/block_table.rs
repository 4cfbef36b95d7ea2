//! The per-block attribute table shared by the `blocks` layer and `coverage.csv`: one column
//! list, each column knowing its type and how to fill itself, so the outputs always agree.

use super::format::round_to;
use super::geojson::single_part;
use super::layer::Value;
use super::layer::{Field, FieldType, GeometryType, Layer, Schema, Shape};
use crate::analysis::area::CircleShares;
use crate::analysis::capacity::{Capacity, CapacityResult};
use crate::analysis::coverage::{Coverage, DistanceMode};
use crate::analysis::distance::walking::WalkNetwork;
use crate::analysis::explain::GapExplainer;
use crate::analysis::pipeline::Analysis;
use crate::analysis::requirements::{RequirementId, Requirements};
use crate::config::{Minutes, Policy};
use crate::dataset::Blocks;
use rayon::prelude::*;

/// What a column holds; `c` is a circle index and `r` a requirement index within it.
#[derive(Debug, Clone, Copy)]
enum Column {
    Id,
    /// An input property carried into the outputs (see `Blocks::kept`), and whether it
    /// holds text.
    Kept(usize, bool),
    Elderly,
    Residents,
    /// The block's access leg onto the street network.
    SnapM,
    /// Whether the circle is met (walking when computed).
    Met(usize),
    /// Whether the circle is met by straight-line distance.
    MetStraight(usize),
    /// The rank of the circle's gap zone holding the block, or null.
    GapZone(usize),
    /// Straight-line distance to the nearest facility.
    DistM(usize, usize),
    /// Walking distance to the nearest facility.
    WalkM(usize, usize),
    /// Minutes to walk to the nearest facility, start delay included, of a requirement
    /// whose reach is in minutes.
    WalkMin(usize, usize, Minutes),
    /// Walking ÷ straight-line distance.
    Detour(usize, usize),
    /// The id of the nearest facility (walking when computed): the serving one when within
    /// reach.
    NearestId(usize, usize),
    /// The name of that facility, for a layer with names.
    NearestName(usize, usize),
    /// Facilities within reach (walking when computed).
    Count(usize, usize),
    /// Facilities within reach in a straight line.
    CountStraight(usize, usize),
    /// Share of the block's area meeting the circle (`--measure area`).
    Share(usize),
    /// Share of the block's area within a requirement's reach (`--measure area`).
    RequirementShare(usize, usize),
    /// Capacity within reach per 1,000 elderly of a requirement with a capacity rule.
    Per1000(RequirementId),
    /// Below the policy's capacity norm.
    BelowNorm(RequirementId),
    GapReason,
}

impl Column {
    /// The type of the column's values.
    fn kind(self) -> FieldType {
        match self {
            Column::Id | Column::GapReason | Column::NearestId(..) | Column::NearestName(..) => {
                FieldType::Text
            }
            Column::Kept(_, true) => FieldType::Text,
            Column::Kept(_, false) => FieldType::Real,
            Column::Met(_) | Column::MetStraight(_) | Column::BelowNorm(_) => FieldType::Boolean,
            Column::Count(..) | Column::CountStraight(..) | Column::GapZone(_) => {
                FieldType::Integer
            }
            Column::Elderly
            | Column::Residents
            | Column::SnapM
            | Column::DistM(..)
            | Column::WalkM(..)
            | Column::WalkMin(..)
            | Column::Detour(..)
            | Column::Share(_)
            | Column::RequirementShare(..)
            | Column::Per1000(_) => FieldType::Real,
        }
    }
}

/// The block table of a report.
pub struct BlockTable<'a> {
    blocks: &'a Blocks,
    requirements: &'a Requirements<'a>,
    coverage: &'a Coverage,
    walk: Option<&'a WalkNetwork<'a>>,
    capacity: &'a Capacity,
    shares: Option<&'a [CircleShares]>,
    zone_rank: &'a [Vec<Option<u32>>],
    columns: Vec<Column>,
    schema: Schema,
    gap_reasons: Vec<Option<String>>,
    /// Whether every block has one part (see [`Shape::Outline`]).
    single_part: bool,
}

/// Distances are written rounded to this many decimals (0.1 m).
const DISTANCE_DECIMALS: i32 = 1;

fn columns(
    policy: &Policy,
    requirements: &Requirements,
    blocks: &Blocks,
    mode: DistanceMode,
    capacity: &Capacity,
    area: bool,
) -> Vec<(String, Column)> {
    let mut columns = vec![("id".to_string(), Column::Id)];
    for (k, kept) in blocks.kept.iter().enumerate() {
        columns.push((kept.field.clone(), Column::Kept(k, kept.is_text())));
    }
    columns.push(("elderly".to_string(), Column::Elderly));
    if blocks.residents.is_some() {
        columns.push(("residents".to_string(), Column::Residents));
    }
    if mode.walks() {
        columns.push(("snap_m".to_string(), Column::SnapM));
    }
    for (c, circle) in policy.circles.iter().enumerate() {
        let name = &circle.name;
        columns.push((format!("{name}_met"), Column::Met(c)));
        if mode == DistanceMode::Both {
            columns.push((format!("{name}_met_straight"), Column::MetStraight(c)));
        }
        if area {
            columns.push((format!("{name}_share"), Column::Share(c)));
        }
        columns.push((format!("{name}_gap_zone"), Column::GapZone(c)));
        for (r, requirement) in circle.requires.iter().enumerate() {
            let prefix = format!("{name}_{}", requirement.kind);
            if mode.shows_straight() {
                columns.push((format!("{prefix}_dist_m"), Column::DistM(c, r)));
            }
            if area {
                columns.push((format!("{prefix}_share"), Column::RequirementShare(c, r)));
            }
            if mode.walks() {
                columns.push((format!("{prefix}_walk_m"), Column::WalkM(c, r)));
                if let Some(minutes) = requirement.reach.minutes() {
                    columns.push((format!("{prefix}_walk_min"), Column::WalkMin(c, r, minutes)));
                }
            }
            if mode == DistanceMode::Both {
                columns.push((format!("{prefix}_detour"), Column::Detour(c, r)));
            }
            let resolved = &requirements.of_circle(c)[r];
            columns.push((format!("{prefix}_nearest_id"), Column::NearestId(c, r)));
            if resolved.layer.name_field.is_some() {
                columns.push((format!("{prefix}_nearest_name"), Column::NearestName(c, r)));
            }
            let id = resolved.id;
            if let Some(result) = capacity.get(id) {
                columns.push((format!("{prefix}_per_1000"), Column::Per1000(id)));
                if result.below_norm.is_some() {
                    columns.push((format!("{prefix}_below_norm"), Column::BelowNorm(id)));
                }
            }
            if requirement.min_count > 1 {
                columns.push((format!("{prefix}_count"), Column::Count(c, r)));
                if mode == DistanceMode::Both {
                    columns.push((
                        format!("{prefix}_count_straight"),
                        Column::CountStraight(c, r),
                    ));
                }
            }
        }
    }
    columns.push(("gap_reason".to_string(), Column::GapReason));
    prefix_clashing_inputs(&mut columns);
    columns
}

/// Renames `input_<name>` an input property named like an output field.
fn prefix_clashing_inputs(columns: &mut [(String, Column)]) {
    let computed: std::collections::HashSet<String> = columns
        .iter()
        .filter(|(_, c)| !matches!(c, Column::Kept(..)))
        .map(|(name, _)| name.clone())
        .collect();
    for (name, column) in columns.iter_mut() {
        if matches!(column, Column::Kept(..)) && computed.contains(name.as_str()) {
            *name = format!("input_{name}");
        }
    }
}

impl<'a> BlockTable<'a> {
    /// The table of an analysis: its coverage, walking access legs, capacity, area shares
    /// and every block's gap reason.
    pub fn new(analysis: &'a Analysis<'a>) -> BlockTable<'a> {
        let study = &analysis.study;
        let (policy, blocks) = (study.policy, &study.dataset.blocks);
        let shares = analysis.shares.as_deref();
        let (coverage, walk) = (&analysis.coverage, study.models.walk());
        let (fields, columns) = columns(
            policy,
            &study.requirements,
            blocks,
            study.models.mode(),
            &analysis.capacity,
            shares.is_some(),
        )
        .into_iter()
        .map(|(name, column)| (Field::new(name, column.kind()), column))
        .unzip();
        let explainer = GapExplainer::new(policy, coverage, walk)
            .with_barriers(&study.requirements, &study.dataset.barriers.names);
        let gap_reasons = (0..blocks.len())
            .into_par_iter()
            .map(|b| explainer.gap_reason(b))
            .collect();
        BlockTable {
            blocks,
            requirements: &study.requirements,
            coverage,
            walk,
            capacity: &analysis.capacity,
            shares,
            zone_rank: &analysis.zone_rank,
            columns,
            schema: Schema {
                name: "blocks",
                geometry_type: GeometryType::MultiPolygon,
                fields,
            },
            gap_reasons,
            single_part: single_part(blocks.outlines.iter()),
        }
    }

    /// The capacity result of a requirement with a capacity column.
    fn capacity_of(&self, id: RequirementId) -> &CapacityResult {
        self.capacity
            .get(id)
            .expect("capacity columns are made for requirements with results")
    }

    fn value(&self, column: Column, b: usize) -> Value<'_> {
        let requirement = |c: usize, r: usize| &self.coverage.circles[c].requirements[r];
        let count = |counts: Option<&Vec<u32>>| Value::Int(counts.map_or(0, |v| v[b]).into());
        match column {
            Column::Id => Value::Str(&self.blocks.ids[b]),
            Column::Kept(k, _) => match &self.blocks.kept[k].values[b] {
                serde_json::Value::String(text) => Value::Str(text),
                serde_json::Value::Number(n) => n.as_f64().map_or(Value::Null, Value::Num),
                _ => Value::Null,
            },
            Column::Elderly => Value::Num(self.blocks.elderly[b]),
            Column::Residents => self
                .blocks
                .residents
                .as_ref()
                .map_or(Value::Null, |r| Value::Num(r[b])),
            Column::SnapM => self
                .walk
                .and_then(|w| w.block_leg_m(b))
                .map_or(Value::Null, |leg_m| {
                    Value::Num(round_to(leg_m, DISTANCE_DECIMALS))
                }),
            Column::Met(c) => Value::Bool(self.coverage.circles[c].met[b]),
            Column::MetStraight(c) => Value::Bool(self.coverage.circles[c].met_straight[b]),
            Column::GapZone(c) => {
                self.zone_rank[c][b].map_or(Value::Null, |r| Value::Int(r.into()))
            }
            // Infinite distances (nothing found) are written as null.
            Column::DistM(c, r) => Value::Num(round_to(
                requirement(c, r).straight.nearest_m[b],
                DISTANCE_DECIMALS,
            )),
            Column::WalkM(c, r) => requirement(c, r).walk.as_ref().map_or(Value::Null, |w| {
                Value::Num(round_to(w.nearest_m[b], DISTANCE_DECIMALS))
            }),
            Column::WalkMin(c, r, minutes) => {
                requirement(c, r).walk.as_ref().map_or(Value::Null, |w| {
                    Value::Num(minutes.walk_min(w.nearest_m[b]))
                })
            }
            Column::Detour(c, r) => {
                let rc = requirement(c, r);
                let straight = rc.straight.nearest_m[b];
                let walk = rc.walk.as_ref().map_or(f64::INFINITY, |w| w.nearest_m[b]);
                if straight > 0.0 {
                    Value::Num(round_to(walk / straight, 3))
                } else {
                    Value::Null
                }
            }
            Column::NearestId(c, r) | Column::NearestName(c, r) => {
                let nearest = requirement(c, r).decisive().nearest_facility[b];
                let layer = self.requirements.of_circle(c)[r].layer;
                match (nearest, column) {
                    (None, _) => Value::Null,
                    (Some(f), Column::NearestId(..)) => Value::Str(&layer.ids[f as usize]),
                    (Some(f), _) => layer.name(f as usize).map_or(Value::Null, Value::Str),
                }
            }
            Column::Count(c, r) => count(requirement(c, r).decisive().count_within.as_ref()),
            Column::CountStraight(c, r) => count(requirement(c, r).straight.count_within.as_ref()),
            Column::Share(c) => self
                .shares
                .map_or(Value::Null, |s| Value::Num(round_to(s[c].share[b], 4))),
            Column::RequirementShare(c, r) => self.shares.map_or(Value::Null, |s| {
                Value::Num(round_to(s[c].requirements[r][b], 4))
            }),
            Column::Per1000(id) => Value::Num(round_to(self.capacity_of(id).per_1000[b], 3)),
            Column::BelowNorm(id) => self
                .capacity_of(id)
                .below_norm
                .as_ref()
                .map_or(Value::Null, |v| Value::Bool(v[b])),
            Column::GapReason => self.gap_reasons[b]
                .as_deref()
                .map_or(Value::Null, Value::Str),
        }
    }
}

impl Layer for BlockTable<'_> {
    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn len(&self) -> usize {
        self.blocks.len()
    }

    fn geometry(&self, b: usize) -> Shape<'_> {
        let outline = &self.blocks.outlines[b];
        match self.single_part {
            true => Shape::Outline(outline),
            false => Shape::MultiPolygon(outline),
        }
    }

    fn values<'s>(&'s self, b: usize, row: &mut Vec<Value<'s>>) {
        row.extend(self.columns.iter().map(|&column| self.value(column, b)));
    }
}
