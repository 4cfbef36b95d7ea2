//! Before and after: two reports of one city compared — per circle and requirement the
//! blocks and elderly met in each and the difference, and the blocks whose circles changed.
//!
//! A report folder is read through what it wrote for people and programs: `summary.json`
//! (the figures) and `coverage.csv` (each block's `<circle>_met`), so any two runs compare,
//! whatever produced them, as long as they are of one city (the same block ids in the same
//! order) and one policy (the same circles and requirements).

use crate::format::thousands;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Why two report folders cannot be compared.
#[derive(Debug, thiserror::Error)]
pub enum ComparisonError {
    /// A file of a report folder cannot be read.
    #[error("{}: {why}", .path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        why: String,
    },
    /// The two reports are not of one city or one policy.
    #[error("{before} and {after} cannot be compared: {why}")]
    Mismatch {
        /// The first folder.
        before: String,
        /// The second folder.
        after: String,
        /// What differs.
        why: String,
    },
}

/// The figures of one row (a circle, or one of its requirements) before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct RowDelta {
    /// The circle's name.
    pub circle: String,
    /// What people read for the circle (its label, else its name).
    pub circle_label: String,
    /// The requirement as the summary names it (`care_bed`, `hospital (tier = tertiary)`),
    /// or `None` for the whole circle.
    pub requirement: Option<String>,
    /// Blocks met before and after.
    pub blocks: [usize; 2],
    /// Elderly met before and after.
    pub elderly: [f64; 2],
}

impl RowDelta {
    /// Blocks met after less before.
    pub fn blocks_delta(&self) -> i64 {
        self.blocks[1] as i64 - self.blocks[0] as i64
    }

    /// Elderly met after less before.
    pub fn elderly_delta(&self) -> f64 {
        self.elderly[1] - self.elderly[0]
    }
}

/// How a block's circle changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Not met before, met after.
    NewlyCovered,
    /// Met before, not met after.
    Lost,
}

impl Change {
    /// `newly covered`, `lost`: the value of the changes layer's fields.
    pub fn words(self) -> &'static str {
        match self {
            Change::NewlyCovered => "newly covered",
            Change::Lost => "lost",
        }
    }
}

/// A block whose coverage changed in at least one circle.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockChange {
    /// The block's index in the reports' order.
    pub block: usize,
    /// Its id.
    pub id: String,
    /// Its elderly (after).
    pub elderly: f64,
    /// Per circle, in policy order, how it changed (`None`: the same in both).
    pub circles: Vec<Option<Change>>,
}

/// Two reports of one city compared.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The folders, before and after.
    pub folders: [PathBuf; 2],
    /// The circles' names, in policy order.
    pub circles: Vec<String>,
    /// Per circle its row, then one per requirement.
    pub rows: Vec<RowDelta>,
    /// All blocks and all elderly of the city.
    pub totals: (usize, f64),
    /// The blocks whose coverage changed, in the reports' order.
    pub changes: Vec<BlockChange>,
}

#[derive(Deserialize)]
struct SummaryFile {
    circles: Vec<CircleFigures>,
}

#[derive(Deserialize)]
struct CircleFigures {
    name: String,
    label: Option<String>,
    blocks_met: usize,
    blocks_total: usize,
    elderly_met: f64,
    elderly_total: f64,
    requirements: Vec<RequirementFigures>,
}

#[derive(Deserialize)]
struct RequirementFigures {
    kind: String,
    #[serde(rename = "where")]
    filter: Option<String>,
    blocks_met: usize,
    elderly_met: f64,
}

impl RequirementFigures {
    fn name(&self) -> String {
        match &self.filter {
            Some(f) => format!("{} ({f})", self.kind),
            None => self.kind.clone(),
        }
    }
}

/// Each block's id, elderly and `<circle>_met` per circle, from a report's `coverage.csv`.
struct Coverage {
    ids: Vec<String>,
    elderly: Vec<f64>,
    met: Vec<Vec<bool>>,
}

/// Compares the report in folder `before` with the one in folder `after`.
pub fn compare(before: &Path, after: &Path) -> Result<Comparison, ComparisonError> {
    let mismatch = |why: String| ComparisonError::Mismatch {
        before: before.display().to_string(),
        after: after.display().to_string(),
        why,
    };
    let summaries = [read_summary(before)?, read_summary(after)?];
    let rows = row_deltas(&summaries).map_err(mismatch)?;
    let circles: Vec<String> = summaries[0]
        .circles
        .iter()
        .map(|c| c.name.clone())
        .collect();
    let coverage = [
        read_coverage(before, &circles)?,
        read_coverage(after, &circles)?,
    ];
    if coverage[0].ids != coverage[1].ids {
        return Err(mismatch(
            "their coverage.csv list other blocks (or in another order)".into(),
        ));
    }
    let totals = summaries[0]
        .circles
        .first()
        .map_or((0, 0.0), |c| (c.blocks_total, c.elderly_total));
    Ok(Comparison {
        folders: [before.to_path_buf(), after.to_path_buf()],
        circles,
        rows,
        totals,
        changes: block_changes(&coverage),
    })
}

/// The rows of both summaries side by side; why not, when their circles or requirements
/// or totals differ.
fn row_deltas(summaries: &[SummaryFile; 2]) -> Result<Vec<RowDelta>, String> {
    let [b, a] = summaries;
    let names =
        |s: &SummaryFile| -> Vec<String> { s.circles.iter().map(|c| c.name.clone()).collect() };
    if names(b) != names(a) {
        return Err(format!(
            "the circles differ ({} before, {} after)",
            names(b).join(", "),
            names(a).join(", ")
        ));
    }
    let mut rows = Vec::new();
    for (cb, ca) in b.circles.iter().zip(&a.circles) {
        if (cb.blocks_total, cb.elderly_total) != (ca.blocks_total, ca.elderly_total) {
            return Err(format!(
                "not one city: {} blocks with {} elderly before, {} with {} after",
                thousands(cb.blocks_total as f64),
                thousands(cb.elderly_total),
                thousands(ca.blocks_total as f64),
                thousands(ca.elderly_total)
            ));
        }
        let requirements = |c: &CircleFigures| -> Vec<String> {
            c.requirements
                .iter()
                .map(RequirementFigures::name)
                .collect()
        };
        if requirements(cb) != requirements(ca) {
            return Err(format!("circle `{}` has other requirements", cb.name));
        }
        let row = |requirement: Option<String>, blocks: [usize; 2], elderly: [f64; 2]| RowDelta {
            circle: cb.name.clone(),
            circle_label: ca.label.clone().unwrap_or_else(|| ca.name.clone()),
            requirement,
            blocks,
            elderly,
        };
        rows.push(row(
            None,
            [cb.blocks_met, ca.blocks_met],
            [cb.elderly_met, ca.elderly_met],
        ));
        for (rb, ra) in cb.requirements.iter().zip(&ca.requirements) {
            rows.push(row(
                Some(rb.name()),
                [rb.blocks_met, ra.blocks_met],
                [rb.elderly_met, ra.elderly_met],
            ));
        }
    }
    Ok(rows)
}

/// The blocks whose coverage differs between the two, in order.
fn block_changes(coverage: &[Coverage; 2]) -> Vec<BlockChange> {
    let [b, a] = coverage;
    (0..a.ids.len())
        .filter_map(|k| {
            let circles: Vec<Option<Change>> = b
                .met
                .iter()
                .zip(&a.met)
                .map(|(before, after)| match (before[k], after[k]) {
                    (false, true) => Some(Change::NewlyCovered),
                    (true, false) => Some(Change::Lost),
                    _ => None,
                })
                .collect();
            circles.iter().any(Option::is_some).then(|| BlockChange {
                block: k,
                id: a.ids[k].clone(),
                elderly: a.elderly[k],
                circles,
            })
        })
        .collect()
}

fn unreadable(path: &Path, why: impl ToString) -> ComparisonError {
    ComparisonError::Unreadable {
        path: path.to_path_buf(),
        why: why.to_string(),
    }
}

/// A report folder's `summary.json`.
fn read_summary(folder: &Path) -> Result<SummaryFile, ComparisonError> {
    let path = folder.join("summary.json");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        unreadable(
            &path,
            format!("{e} (is {} a report folder?)", folder.display()),
        )
    })?;
    serde_json::from_str(&text)
        .map_err(|e| unreadable(&path, format!("not a carecircle summary: {e}")))
}

/// A report folder's `coverage.csv`: ids, elderly and each circle's `<circle>_met`.
fn read_coverage(folder: &Path, circles: &[String]) -> Result<Coverage, ComparisonError> {
    let path = folder.join("coverage.csv");
    let mut reader = csv::Reader::from_path(&path).map_err(|e| unreadable(&path, e))?;
    let headers = reader.headers().map_err(|e| unreadable(&path, e))?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == name)
            .ok_or_else(|| unreadable(&path, format!("no `{name}` column")))
    };
    let (id, elderly) = (column("id")?, column("elderly")?);
    let met: Vec<usize> = circles
        .iter()
        .map(|c| column(&format!("{c}_met")))
        .collect::<Result<_, _>>()?;
    let mut coverage = Coverage {
        ids: Vec::new(),
        elderly: Vec::new(),
        met: vec![Vec::new(); circles.len()],
    };
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|e| unreadable(&path, e))?;
        let row = |i: usize| record.get(i).unwrap_or_default();
        let bad = |what: &str| unreadable(&path, format!("row {}: {what}", line + 1));
        coverage.ids.push(row(id).to_string());
        coverage.elderly.push(
            row(elderly)
                .parse()
                .map_err(|_| bad("`elderly` is not a number"))?,
        );
        for (c, &i) in met.iter().enumerate() {
            coverage.met[c].push(match row(i) {
                "true" => true,
                "false" => false,
                _ => return Err(bad("a `_met` value is neither true nor false")),
            });
        }
    }
    Ok(coverage)
}
