//! Loading several files into one dataset: read each, let the engine propose how they join, build it.

use crate::error::CliError;
use crate::load::{self, ReadArgs};
use seglab_core::Dataset;
use seglab_core::join::{self, JoinPlan, Source};
use seglab_core::segment::SqlTables;
use std::path::PathBuf;

/// The files and how to join them, shared by `segment` and `compare`.
#[derive(clap::Args, Clone, Debug)]
pub struct DataArgs {
    /// The CSV files: a user file (CRM export), and optionally an event log and survey files joined to it.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// "Now" for windows like "in the last 30 days", as `2025-06-30` or `2025-06-30T12:00:00Z`
    /// (default: the latest time in the data).
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    #[command(flatten)]
    read: ReadArgs,
}

/// The joined dataset, the plan it was built by, and what the user should know about the join.
pub struct Data {
    pub plan: JoinPlan,
    pub dataset: Dataset,
    /// Files left out of the join and links that matched few rows, one sentence each.
    pub notes: Vec<String>,
}

impl Data {
    /// The files' tables under the names the plan uses, as SQL table names (file stems).
    pub fn sql_tables(&self) -> SqlTables {
        SqlTables::from_plan(&self.plan)
    }

    /// The population's key column, for listing members.
    pub fn key_column(&self) -> Option<&seglab_core::Column> {
        self.dataset
            .key
            .as_deref()
            .and_then(|key| self.dataset.population.column(key))
    }
}

pub fn load(args: &DataArgs) -> Result<Data, CliError> {
    let files = load::read_all(&args.files, &args.read)?;
    for (i, file) in files.iter().enumerate() {
        if let Some(other) = files[..i].iter().find(|f| f.name == file.name) {
            return Err(CliError::Usage(format!(
                "{} and {} have the same file name; the join refers to files by name, so rename one",
                other.path.display(),
                file.path.display()
            )));
        }
    }
    let sources: Vec<Source<'_>> = files
        .iter()
        .map(|f| Source::new(&f.name, &f.table))
        .collect();
    let proposal = join::propose(&sources);
    let mut notes: Vec<String> = proposal
        .problems
        .iter()
        .map(|p| format!("left out: {p}"))
        .collect();
    let mut plan = proposal.plan;
    plan.as_of.clone_from(&args.as_of);
    let joined = join::build(&sources, &plan)?;
    for coverage in &joined.coverage {
        if coverage.matched_share < 0.95 {
            notes.push(format!(
                "{}: only {:.0}% of its rows match a user by `{}` = `{}`",
                coverage.file,
                coverage.matched_share * 100.0,
                coverage.key,
                coverage.population_key
            ));
        }
    }
    Ok(Data {
        plan,
        dataset: joined.dataset,
        notes,
    })
}
