//! The `carecircle` command line: argument parsing and messages only; the work is in the
//! library.

mod cli;

use clap::Parser;
use std::process::ExitCode;

/// The system allocator, with a clean message naming the stage when memory runs out.
#[global_allocator]
static ALLOCATOR: cli::out_of_memory::ReportingAllocator = cli::out_of_memory::ReportingAllocator;

/// The exit status of a run stopped by SIGINT or SIGTERM (128 + SIGINT's number).
const INTERRUPTED: i32 = 130;

fn main() -> ExitCode {
    // SIGINT or SIGTERM: discard the outputs not yet in place, so every folder keeps its
    // previous set, and leave no staging folder or lock behind.
    let handler = ctrlc::set_handler(|| {
        let abandoned = carecircle::output::staging::abandon_active();
        match abandoned {
            0 => eprintln!("interrupted"),
            _ => eprintln!("interrupted: outputs not yet in place were discarded; the output folder keeps its previous files"),
        }
        std::process::exit(INTERRUPTED);
    });
    if let Err(e) = handler {
        eprintln!("warning: cannot handle interrupts ({e}); an interrupted run leaves a staging folder that the next run removes");
    }
    match cli::run(cli::args::Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
