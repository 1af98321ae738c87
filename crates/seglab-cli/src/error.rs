//! What can go wrong on the command line, worded so that a person knows which file to fix and how.

use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The file could not be opened or read (missing, a folder, no permission).
    #[error("{path}: cannot read the file: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    /// The engine could not read a file; its message names the file.
    #[error(transparent)]
    Engine(#[from] seglab_core::ingest::IngestError),
    /// The files could not be joined into one dataset.
    #[error(transparent)]
    Join(#[from] seglab_core::join::JoinError),
    /// A segment definition that does not parse or does not fit the data.
    #[error("{message}")]
    Segment { message: String },
    /// A comparison the engine refused.
    #[error(transparent)]
    Compare(#[from] seglab_core::compare::CompareError),
    /// An impact measurement (experiment, retention, funnel) the engine refused.
    #[error(transparent)]
    Impact(#[from] seglab_core::impact::ImpactError),
    /// A model (score, RFM, discovery) the engine refused.
    #[error(transparent)]
    Model(#[from] seglab_core::models::ModelError),
    /// Arguments that clap accepted but that do not make sense together.
    #[error("{0}")]
    Usage(String),
    /// An output file (`--members-csv`, `--html`) could not be written.
    #[error("{path}: cannot write the file: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),
}

impl CliError {
    /// Names the segment an error in a `--define` belongs to.
    #[must_use]
    pub fn in_named(self, name: &str) -> Self {
        match self {
            Self::Segment { message } => Self::Segment {
                message: message.replacen("segment:", &format!("segment \"{name}\":"), 1),
            },
            other => other,
        }
    }

    pub fn write(path: &Path, source: std::io::Error) -> Self {
        Self::Write {
            path: path.display().to_string(),
            source,
        }
    }

    pub fn read(path: &Path, source: std::io::Error) -> Self {
        Self::Read {
            path: path.display().to_string(),
            source,
        }
    }

    /// 2 for anything about the input (the convention of `grep` and `diff` for trouble), 1 for output.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Output(_) | Self::Write { .. } => 1,
            _ => 2,
        }
    }
}

impl From<serde_json::Error> for CliError {
    fn from(error: serde_json::Error) -> Self {
        Self::Output(error.into())
    }
}
