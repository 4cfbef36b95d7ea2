//! `carecircle report` (and the report `demo` runs): the summary tables and what was written.

use super::errors::{fail, Hints};
use super::folder::removed_line;
use anyhow::Result;
use carecircle::commands::report::{run_report, Report, ReportOptions};
use carecircle::format::{plural, printable, thousands};
use carecircle::lang::Lang;
use carecircle::output::summary::{
    capacity_lines, gap_zone_lines, referral_lines, sites_lines, summary_table,
};
use std::path::Path;
use std::process::ExitCode;

/// Runs the report on `city` into `out` and prints its summary (as JSON when `json`); a
/// failure is shown with `hints`.
pub fn report(
    city: &Path,
    out: &Path,
    options: &ReportOptions,
    json: bool,
    hints: Hints,
) -> Result<ExitCode> {
    let report = match run_report(city, out, options) {
        Ok(r) => r,
        Err(e) => return Ok(fail(e, hints)),
    };
    for w in report
        .summary
        .warnings
        .iter()
        .chain(&report.machine_warnings)
    {
        eprintln!("warning: {}", printable(w));
    }
    if report.summary.skipped_features > 0 {
        eprintln!(
            "warning: skipped {} invalid feature(s); see {}",
            report.summary.skipped_features,
            out.join("skipped.csv").display()
        );
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&report.summary)?);
        return Ok(ExitCode::SUCCESS);
    }
    print_tables(&report);
    print_run(&report, out);
    Ok(ExitCode::SUCCESS)
}

/// The summary tables on stdout.
fn print_tables(report: &Report) {
    let (summary, lang) = (&report.summary, report.lang);
    print!("{}", summary_table(summary, lang));
    if !summary.top_gap_zones.is_empty() {
        println!(
            "\n{}",
            lang.pick(
                "largest gap zones (all in gaps.geojson):",
                "最大的缺口片区（全部见 gaps.geojson）："
            )
        );
        print!("{}", printable(&gap_zone_lines(summary, lang)));
    }
    print!("{}", capacity_lines(summary, lang));
    print!("{}", printable(&sites_lines(summary, lang)));
    print!("{}", printable(&referral_lines(summary, lang)));
}

/// The street network's figures and what was written in how long, on stderr.
fn print_run(report: &Report, out: &Path) {
    let lang = report.lang;
    if let Some(n) = &report.summary.network {
        let [nodes, edges, components, main, off, isolated] = [
            n.nodes,
            n.edges,
            n.components,
            n.main_component_nodes,
            n.blocks_off_network,
            n.blocks_isolated,
        ]
        .map(|x| thousands(x as f64));
        match lang {
            Lang::En => {
                let s = |n: usize| plural(n);
                eprintln!(
                    "street network: {nodes} node{}, {edges} edge{}, {components} component{} (main: {main} node{}); {off} block{} off-network and {isolated} on isolated components (listed in off_network.csv)",
                    s(n.nodes), s(n.edges), s(n.components), s(n.main_component_nodes), s(n.blocks_off_network)
                );
            }
            Lang::Zh => eprintln!(
                "步行网络：{nodes} 个节点、{edges} 条边、{components} 个连通分量（主分量 {main} 个节点）；{off} 个街坊不在网络上，{isolated} 个在孤立分量上（见 off_network.csv）"
            ),
        }
    }
    let t = report.timings;
    let seconds = [t.read, t.network_build, t.snap, t.compute, t.write]
        .map(|d| format!("{:.2} s", d.as_secs_f64()));
    let [read, graph, snap, compute, write] = &seconds;
    let (files, shown) = (report.written.files.len(), out.display());
    match lang {
        Lang::En => eprintln!(
            "wrote {files} files into {shown} (read {read}, street graph {graph}, snapping {snap}, compute {compute}, write {write})"
        ),
        Lang::Zh => eprintln!(
            "已写入 {files} 个文件到 {shown}（读取 {read}，路网 {graph}，吸附 {snap}，计算 {compute}，写出 {write}）"
        ),
    }
    if let Some(line) = removed_line(&report.written.removed, "report", out) {
        eprintln!("{line}");
    }
}
