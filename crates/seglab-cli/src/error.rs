//! What can go wrong on the command line, worded so that a person knows which file to fix and how.

use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The file could not be opened or read (missing, a folder, no permission).
    #[error("{path}: cannot read the file: {source}")]
    Read { path: String, source: std::io::Error },
    /// The engine could not make a table of the file's bytes.
    #[error("{path}: {message}")]
    Input { path: String, message: String },
    /// A part of the engine this build does not have yet.
    #[error("`seglab {command}` is not available yet: {what}")]
    NotAvailable { command: &'static str, what: &'static str },
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),
}

impl CliError {
    pub fn read(path: &Path, source: std::io::Error) -> Self {
        Self::Read { path: path.display().to_string(), source }
    }

    pub fn input(path: &Path, message: impl std::fmt::Display) -> Self {
        Self::Input { path: path.display().to_string(), message: message.to_string() }
    }

    /// 2 for anything about the input (the convention of `grep` and `diff` for trouble), 1 for output.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Output(_) => 1,
            Self::Read { .. } | Self::Input { .. } | Self::NotAvailable { .. } => 2,
        }
    }
}

impl From<serde_json::Error> for CliError {
    fn from(error: serde_json::Error) -> Self {
        Self::Output(error.into())
    }
}
