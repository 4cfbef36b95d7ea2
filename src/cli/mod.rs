//! The command line: clap arguments in, the library's work, messages out. One module per
//! subcommand's printing; [`errors`] turns the library's errors into messages and hints.

pub mod args;
mod check;
mod compare;
mod errors;
mod folder;
mod osm;
pub mod out_of_memory;
mod policy;
mod report;
mod site;
mod synth;

use anyhow::Result;
use args::{Cli, Command};
use carecircle::osm::mapping::DEFAULT_MAPPING_TOML;
use carecircle::osm::population::Totals;
use errors::Hints;
use std::process::ExitCode;

/// This run's arguments, program first (for `report.html`).
fn command_line() -> Vec<String> {
    std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect()
}

/// Runs the subcommand; `Err` for failures the library did not explain itself.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Report(args) => report::report(
            &args.city,
            &args.out,
            &args.options(command_line()),
            args.json,
            Hints::REPORT,
        ),
        Command::Demo {
            out,
            blocks,
            format,
            force,
        } => synth::demo(&out, blocks, format.into(), force, command_line()),
        Command::Synth {
            blocks,
            seed,
            out,
            force,
        } => synth::synth(blocks, seed, &out, force),
        Command::Site(args) => {
            let (options, format) = (args.options(), args.format.into());
            site::site(&args.city, &options, &args.out, format, args.csv_bom)
        }
        Command::Check { city } => Ok(check::check(&city)),
        Command::Compare {
            before,
            after,
            out,
            csv_bom,
        } => compare::compare(&before, &after, &out, csv_bom),
        Command::Policy { list, template } => policy::policy(list, template.as_deref()),
        Command::Osm {
            extract,
            out,
            mapping,
            elderly_total,
            residents_total,
            boundary,
            force,
            print_mapping,
        } => match (extract, out) {
            (Some(extract), Some(out)) if !print_mapping => osm::osm(
                &extract,
                &out,
                mapping,
                Totals {
                    residents: residents_total,
                    elderly: elderly_total,
                },
                boundary,
                force,
            ),
            _ => {
                print!("{DEFAULT_MAPPING_TOML}");
                Ok(ExitCode::SUCCESS)
            }
        },
    }
}
