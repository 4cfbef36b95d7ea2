//! Served demand as sites are added, for reports.

use super::problem::Choice;

/// The coverage curve of `choices`: one `(sites, covered, share)` row for 0, 1, …, all sites,
/// where `covered` is `baseline` (demand already covered before any new site) plus the
/// cumulative demand the first `sites` choices serve, and `share` is `covered / total`.
///
/// `share` is 0 when `total` is not a positive finite number; a NaN `baseline` counts as 0.
pub fn coverage_curve(choices: &[Choice], baseline: f64, total: f64) -> Vec<(usize, f64, f64)> {
    let baseline = if baseline.is_nan() { 0.0 } else { baseline };
    let share = |covered: f64| {
        if total.is_finite() && total > 0.0 {
            covered / total
        } else {
            0.0
        }
    };
    let first = (0, baseline, share(baseline));
    let rest = choices.iter().enumerate().map(|(i, choice)| {
        let covered = baseline + choice.cumulative;
        (i + 1, covered, share(covered))
    });
    std::iter::once(first).chain(rest).collect()
}
