//! `seglab compare FILE... --a EXPR [--b EXPR]`: two segments side by side on every column.

use crate::error::CliError;
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The CSV files to load: a user file, and optionally event and survey files joined to it.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The first segment.
    #[arg(long = "a", value_name = "EXPR")]
    a: String,
    /// The second segment; everyone not in the first when left out.
    #[arg(long = "b", value_name = "EXPR")]
    b: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

/// Comparisons (`seglab_core::compare`) are not part of this build yet.
pub fn run(_args: &Args, _out: &mut impl Write) -> Result<(), CliError> {
    Err(CliError::NotAvailable { command: "compare", what: "this build's engine has no comparisons (`compare`)" })
}
