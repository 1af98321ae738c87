//! Reading files from disk and handing their bytes to the engine: the only place the CLI touches files.

use crate::error::CliError;
use seglab_core::Table;
use std::path::{Path, PathBuf};

/// A file read into a table, with what the reader noticed on the way.
pub struct LoadedFile {
    pub path: PathBuf,
    pub table: Table,
    /// The field delimiter the reader detected, e.g. `,` or `;`.
    pub delimiter: Option<String>,
    /// The text encoding the reader detected, e.g. `UTF-8`.
    pub encoding: Option<String>,
    /// Problems the reader worked around (skipped rows, ambiguous dates), one sentence each.
    pub warnings: Vec<String>,
}

/// Reads every file, stopping at the first that cannot be read so that no partial output is printed.
pub fn read_all(paths: &[PathBuf]) -> Result<Vec<LoadedFile>, CliError> {
    paths.iter().map(|path| read(path)).collect()
}

pub fn read(path: &Path) -> Result<LoadedFile, CliError> {
    let bytes = std::fs::read(path).map_err(|e| CliError::read(path, e))?;
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    parse(path, &name, &bytes)
}

/// The CSV reader (`seglab_core::ingest`) is not part of this build yet.
fn parse(_path: &Path, _name: &str, _bytes: &[u8]) -> Result<LoadedFile, CliError> {
    Err(CliError::NotAvailable { command: "inspect", what: "this build's engine has no CSV reader (`ingest`)" })
}
