//! The coverage table of a circle — its columns, their headers and figures — that the
//! terminal table, `report.html` and `summary.csv` each render.
//!
//! One row for the whole circle, then one per requirement. Which columns there are follows
//! from the distance mode and the measure; which renderer shows which column is decided
//! here too ([`Column::in_terminal`], [`Column::in_html`], [`Column::csv_fields`]), so the
//! three cannot drift apart.

use crate::analysis::coverage::{DistanceMode, Measure};
use crate::analysis::summary::{CircleSummary, RequirementSummary, WalkComparison};
use crate::lang::Lang;

/// A column of figures, each a count met out of the circle's total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// Blocks met by the distance that decides: on foot when walking, else in a straight line.
    BlocksMet,
    /// Elderly in those blocks.
    ElderlyMet,
    /// Residents in those blocks (none without a residents field).
    ResidentsMet,
    /// Blocks met in a straight line, beside walking figures (`--distance both`).
    BlocksMetStraight,
    /// Elderly met in a straight line, beside walking figures (`--distance both`).
    ElderlyMetStraight,
    /// Elderly met in a straight line but not on foot: covered only on the map
    /// (`--distance both`).
    ElderlyOnlyOnMap,
    /// Elderly weighted by the share of their block's area within reach in a straight line
    /// (`--measure area`).
    ElderlyMetArea,
}

impl Column {
    /// Every column, in the order the tables show them.
    pub const ALL: [Column; 7] = [
        Column::BlocksMet,
        Column::ElderlyMet,
        Column::ResidentsMet,
        Column::BlocksMetStraight,
        Column::ElderlyMetStraight,
        Column::ElderlyOnlyOnMap,
        Column::ElderlyMetArea,
    ];

    /// Whether a report with this distance mode and measure has the column: the straight-line
    /// comparisons only with `--distance both`, the area-weighted figure only with
    /// `--measure area`.
    pub fn applies(self, distance: DistanceMode, measure: Measure) -> bool {
        match self {
            Column::BlocksMet | Column::ElderlyMet | Column::ResidentsMet => true,
            Column::BlocksMetStraight | Column::ElderlyMetStraight | Column::ElderlyOnlyOnMap => {
                distance.walks() && distance.shows_straight()
            }
            Column::ElderlyMetArea => measure == Measure::Area,
        }
    }

    /// The heading, the same words wherever a heading is shown: `blocks met on foot`,
    /// `elderly met, straight line`, `elderly met, area-weighted`.
    pub fn header(self, distance: DistanceMode) -> String {
        let on_foot = if distance.walks() { " on foot" } else { "" };
        match self {
            Column::BlocksMet => format!("blocks met{on_foot}"),
            Column::ElderlyMet => format!("elderly met{on_foot}"),
            Column::ResidentsMet => format!("residents met{on_foot}"),
            Column::BlocksMetStraight => "blocks met, straight line".into(),
            Column::ElderlyMetStraight => "elderly met, straight line".into(),
            Column::ElderlyOnlyOnMap => "elderly only on the map".into(),
            Column::ElderlyMetArea => "elderly met, area-weighted".into(),
        }
    }

    /// Whether the terminal shows the column: blocks and elderly met by the distance that
    /// decides, and the elderly met in a straight line or area-weighted beside them, so that
    /// the table fits 100 columns (`report.html` and `summary.csv` show residents too, and the
    /// page every comparison).
    pub fn in_terminal(self) -> bool {
        !matches!(
            self,
            Column::ResidentsMet | Column::BlocksMetStraight | Column::ElderlyOnlyOnMap
        )
    }

    /// The terminal's short heading, under a caption saying what "met" is measured by and
    /// of which totals (see [`crate::output::summary::summary_table`]): `blocks`, `elderly`,
    /// `straight line`, `area-weighted`.
    pub fn terminal_header(self, lang: Lang) -> &'static str {
        match self {
            Column::BlocksMet | Column::BlocksMetStraight => lang.pick("blocks", "街坊"),
            Column::ElderlyMet => lang.pick("elderly", "老年人"),
            Column::ResidentsMet => lang.pick("residents", "居民"),
            Column::ElderlyMetStraight => lang.pick("straight line", "直线距离"),
            Column::ElderlyOnlyOnMap => lang.pick("only on the map", "仅直线可达"),
            Column::ElderlyMetArea => lang.pick("area-weighted", "面积加权"),
        }
    }

    /// Whether `report.html` shows the column in `circle`'s table: all but residents when
    /// the blocks have no residents field (the terminal, one table for every circle, shows
    /// `-` there).
    pub fn in_html(self, circle: &CircleSummary) -> bool {
        self != Column::ResidentsMet || circle.residents_total.is_some()
    }

    /// The column's two fields in `summary.csv`, met and total: only the figures of the
    /// distance that decides, so the file's columns are the same in every mode.
    pub fn csv_fields(self) -> Option<[&'static str; 2]> {
        match self {
            Column::BlocksMet => Some(["blocks_met", "blocks_total"]),
            Column::ElderlyMet => Some(["elderly_met", "elderly_total"]),
            Column::ResidentsMet => Some(["residents_met", "residents_total"]),
            _ => None,
        }
    }
}

/// A figure of the table: `met` of `total` (blocks are whole numbers).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Share {
    /// Blocks or people met.
    pub met: f64,
    /// All blocks or people of the city.
    pub total: f64,
}

/// One row: the whole circle or one of its requirements.
#[derive(Debug, Clone, Copy)]
pub struct CoverageRow<'a> {
    /// The circle, whose totals every share is of.
    pub circle: &'a CircleSummary,
    /// The requirement, or `None` for the row of the whole circle (all requirements).
    pub requirement: Option<&'a RequirementSummary>,
}

/// The figures of a row, before they become shares of the circle's totals.
struct Figures<'a> {
    blocks: usize,
    elderly: f64,
    residents: Option<f64>,
    walk: Option<&'a WalkComparison>,
    area: Option<f64>,
}

impl<'a> CoverageRow<'a> {
    /// The row's figure in `column`; `None` where it does not apply (no residents field, no
    /// walking or area figures).
    pub fn share(&self, column: Column) -> Option<Share> {
        let c = self.circle;
        let f = self.figures();
        let of_blocks = |met: usize| Share {
            met: met as f64,
            total: c.blocks_total as f64,
        };
        let of_elderly = |met: f64| Share {
            met,
            total: c.elderly_total,
        };
        Some(match column {
            Column::BlocksMet => of_blocks(f.blocks),
            Column::ElderlyMet => of_elderly(f.elderly),
            Column::ResidentsMet => Share {
                met: f.residents?,
                total: c.residents_total?,
            },
            Column::BlocksMetStraight => of_blocks(f.walk?.blocks_met_straight),
            Column::ElderlyMetStraight => of_elderly(f.walk?.elderly_met_straight),
            Column::ElderlyOnlyOnMap => of_elderly(f.walk?.elderly_straight_only),
            Column::ElderlyMetArea => of_elderly(f.area?),
        })
    }

    fn figures(&self) -> Figures<'a> {
        match self.requirement {
            Some(r) => Figures {
                blocks: r.blocks_met,
                elderly: r.elderly_met,
                residents: r.residents_met,
                walk: r.walking.as_ref(),
                area: r.elderly_met_area,
            },
            None => Figures {
                blocks: self.circle.blocks_met,
                elderly: self.circle.elderly_met,
                residents: self.circle.residents_met,
                walk: self.circle.walking.as_ref(),
                area: self.circle.elderly_met_area,
            },
        }
    }
}

/// The coverage table of one circle.
#[derive(Debug, Clone)]
pub struct CoverageTable<'a> {
    /// The columns of the report's distance mode and measure, in order.
    pub columns: Vec<Column>,
    /// The whole circle, then each requirement.
    pub rows: Vec<CoverageRow<'a>>,
}

impl<'a> CoverageTable<'a> {
    /// `circle`'s table in a report with this distance mode and measure.
    pub fn new(circle: &'a CircleSummary, distance: DistanceMode, measure: Measure) -> Self {
        let whole = CoverageRow {
            circle,
            requirement: None,
        };
        let requirements = circle.requirements.iter().map(|r| CoverageRow {
            circle,
            requirement: Some(r),
        });
        CoverageTable {
            columns: columns(distance, measure),
            rows: std::iter::once(whole).chain(requirements).collect(),
        }
    }
}

/// The columns of a report with this distance mode and measure, in order.
pub fn columns(distance: DistanceMode, measure: Measure) -> Vec<Column> {
    Column::ALL
        .into_iter()
        .filter(|c| c.applies(distance, measure))
        .collect()
}

#[cfg(test)]
mod tests;
