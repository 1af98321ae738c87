//! `seglab segment FILE... --segment EXPR`: how many users a segment holds, which ones, or its SQL.

use crate::error::CliError;
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The CSV files to load: a user file, and optionally event and survey files joined to it.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The segment, e.g. `plan = "enterprise" and did "Export report" at least 3 times in the last 30 days`.
    #[arg(short, long, value_name = "EXPR")]
    segment: String,
    /// Print the segment as SQL instead of evaluating it.
    #[arg(long)]
    sql: bool,
    /// Print the id of every user in the segment, one per line.
    #[arg(long, conflicts_with = "sql")]
    ids: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// The segment language (`seglab_core::segment`) and the join of files into a dataset are not part of this
/// build yet.
pub fn run(_args: &Args, _out: &mut impl Write) -> Result<(), CliError> {
    Err(CliError::NotAvailable { command: "segment", what: "this build's engine has no segment language (`segment`)" })
}
