//! `compare.html`: two reports of one city side by side — per circle and requirement the
//! elderly and blocks met before and after, and how many blocks were newly covered or lost.

use super::markup::{element, Cell, Table};
use super::STYLE;
use crate::analysis::comparison::{Change, Comparison};
use crate::output::format::{percent, signed, thousands};

/// The whole page.
pub fn render(comparison: &Comparison) -> String {
    let [before, after] = comparison
        .folders
        .each_ref()
        .map(|f| f.display().to_string());
    let mut out = String::with_capacity(16 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
    element(
        &mut out,
        "title",
        "Before and after: elderly-care service circles",
    );
    out.push_str("<style>");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n<header>\n");
    element(
        &mut out,
        "h1",
        "Before and after: elderly-care service circles",
    );
    element(&mut out, "p", &format!("Before: {before}. After: {after}."));
    out.push_str("</header>\n<main>\n<section id=\"changes\">\n<h2>What changed</h2>\n");
    changes_table(comparison).write(&mut out);
    for (c, circle) in comparison.circles.iter().enumerate() {
        element(&mut out, "p", &changed_blocks(comparison, c, circle));
    }
    out.push_str("</section>\n</main>\n</body>\n</html>\n");
    out
}

/// Per circle and requirement: the elderly and blocks met before and after, and the change.
fn changes_table(comparison: &Comparison) -> Table {
    let (blocks, elderly) = comparison.totals;
    let mut table = Table::new([
        "circle",
        "requirement",
        "elderly met before",
        "elderly met after",
        "change",
        "blocks met before",
        "blocks met after",
        "change",
    ]);
    table.id = Some("compare".into());
    table.caption = Some(format!(
        "Of {} blocks with {} elderly",
        thousands(blocks as f64),
        thousands(elderly)
    ));
    for row in &comparison.rows {
        table.rows.push(vec![
            Cell::text(&row.circle_label),
            Cell::text(row.requirement.as_deref().unwrap_or("all requirements")),
            Cell::share(row.elderly[0], elderly),
            Cell::share(row.elderly[1], elderly),
            Cell::number(signed(row.elderly_delta())),
            Cell::number(thousands(row.blocks[0] as f64)),
            Cell::number(thousands(row.blocks[1] as f64)),
            Cell::number(signed(row.blocks_delta() as f64)),
        ]);
    }
    table
}

/// `basic: 17 blocks newly covered (1,270 elderly, 1.6 % of all), 0 lost (0 elderly); …`
/// for circle `c`.
fn changed_blocks(comparison: &Comparison, c: usize, circle: &str) -> String {
    let count = |change: Change| {
        let changed = comparison
            .changes
            .iter()
            .filter(|b| b.circles[c] == Some(change));
        changed.fold((0, 0.0), |(n, e), b| (n + 1, e + b.elderly))
    };
    let (gained, gained_elderly) = count(Change::NewlyCovered);
    let (lost, lost_elderly) = count(Change::Lost);
    format!(
        "{circle}: {} blocks newly covered ({} elderly, {} of all), {} lost ({} elderly); each \
         in the changes layer.",
        thousands(gained as f64),
        thousands(gained_elderly),
        percent(gained_elderly, comparison.totals.1),
        thousands(lost as f64),
        thousands(lost_elderly)
    )
}
