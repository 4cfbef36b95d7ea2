//! `carecircle compare`: the change per circle and requirement, as a table.

use super::errors::{fail, Hints};
use anyhow::Result;
use carecircle::commands::compare::run_compare;
use carecircle::format::{printable, signed, thousands};
use carecircle::output::text_table::{render, Layout, TERMINAL_COLUMNS};
use std::path::Path;
use std::process::ExitCode;

/// Compares the reports in `before` and `after`, writes the comparison into `out` and prints
/// the change per circle and requirement.
pub fn compare(before: &Path, after: &Path, out: &Path, csv_bom: bool) -> Result<ExitCode> {
    let (comparison, written) = match run_compare(before, after, out, csv_bom) {
        Ok(done) => done,
        Err(e) => return Ok(fail(e, Hints::NO_FLAGS)),
    };
    let mut rows = vec![[
        "circle",
        "requirement",
        "elderly before",
        "after",
        "change",
        "blocks change",
    ]
    .map(String::from)
    .to_vec()];
    for row in &comparison.rows {
        let first = row.requirement.is_none();
        rows.push(
            [
                if first {
                    row.circle_label.clone()
                } else {
                    String::new()
                },
                row.requirement.clone().unwrap_or_else(|| "all".into()),
                thousands(row.elderly[0]),
                thousands(row.elderly[1]),
                signed(row.elderly_delta()),
                signed(row.blocks_delta() as f64),
            ]
            .map(|c| printable(&c).into_owned())
            .to_vec(),
        );
    }
    let layout = Layout {
        left_aligned: 2,
        shrinkable: 1,
        max_width: TERMINAL_COLUMNS,
    };
    print!("{}", render(&rows, layout));
    println!(
        "{} blocks changed (in changes.geojson)",
        thousands(comparison.changes.len() as f64)
    );
    eprintln!("wrote {} files into {}", written.files.len(), out.display());
    Ok(ExitCode::SUCCESS)
}
