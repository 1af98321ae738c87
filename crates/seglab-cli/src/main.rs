//! The `seglab` command line: Seglab's engine over files on disk, for files too big for a browser tab and
//! for scripts.
//!
//! Each subcommand lives in its own module with its arguments, its use of the engine and its output (a
//! table for people, `--json` for scripts). Reading files is the CLI's job: the engine only sees bytes.

mod before_after;
mod compare;
mod data;
mod discover;
mod error;
mod experiment;
mod funnel;
mod impact_args;
mod inspect;
mod load;
mod output;
mod retention;
mod rfm;
mod score;
mod segment;

use clap::{Parser, Subcommand};
use std::io::Write;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "seglab",
    version,
    about = "Segment and compare users in CSV exports, offline."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Show what Seglab makes of each file: rows, columns and the type of each column.
    Inspect(inspect::Args),
    /// Count the users in a segment, list them, or print the segment as SQL.
    Segment(segment::Args),
    /// Compare 1 to 8 segments and everyone else on every column, as text, JSON or an HTML report.
    Compare(compare::Args),
    /// Measure an experiment: each arm's outcome and lift over control, overall and per segment.
    Experiment(experiment::Args),
    /// Cohort retention by week or month, overall and per segment.
    Retention(retention::Args),
    /// How many users go through ordered steps within a window, per segment.
    Funnel(funnel::Args),
    /// Whether a segment's usage changed around a date more than everyone else's did.
    BeforeAfter(before_after::Args),
    /// Score users on 3-6 measures (a health score), cut the score into bands, and back-test it.
    Score(score::Args),
    /// Recency, frequency and monetary value per user, scored 1-5, and the standard RFM groups.
    Rfm(rfm::Args),
    /// Find readable groups with an unusually high or low target rate, or clusters of similar users.
    Discover(discover::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut stdout = std::io::stdout().lock();
    let result = match &cli.command {
        Command::Inspect(args) => inspect::run(args, &mut stdout),
        Command::Segment(args) => segment::run(args, &mut stdout),
        Command::Compare(args) => compare::run(args, &mut stdout),
        Command::Experiment(args) => experiment::run(args, &mut stdout),
        Command::Retention(args) => retention::run(args, &mut stdout),
        Command::Funnel(args) => funnel::run(args, &mut stdout),
        Command::BeforeAfter(args) => before_after::run(args, &mut stdout),
        Command::Score(args) => score::run(args, &mut stdout),
        Command::Rfm(args) => rfm::run(args, &mut stdout),
        Command::Discover(args) => discover::run(args, &mut stdout),
    };
    let result = result.and_then(|()| stdout.flush().map_err(error::CliError::from));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`seglab ... | head`) is not a failure worth a message.
        Err(error::CliError::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("seglab: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}
