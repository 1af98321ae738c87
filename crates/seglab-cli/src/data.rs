//! Loading several files into one dataset: read each, let the engine propose how they join, build it.

use crate::error::CliError;
use crate::load::{self, ReadArgs};
use seglab_core::Dataset;
use seglab_core::join::{self, JoinPlan, Source};
use seglab_core::segment::SqlTables;
use std::path::PathBuf;

/// The files and how to join them, shared by every subcommand that reads a dataset.
///
/// Files come after `--data` (`--data users.csv events.csv`) or, as before, as plain arguments; both may be
/// mixed and at least one file is needed.
#[derive(clap::Args, Clone, Debug)]
pub struct DataArgs {
    /// The CSV files: a user file (CRM export), and optionally an event log and survey files joined to it.
    #[arg(long = "data", value_name = "FILE", num_args = 1..)]
    data: Vec<PathBuf>,
    /// The same files given without `--data`.
    #[arg(value_name = "FILE")]
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

impl DataArgs {
    /// The files given after `--data`, in order.
    pub fn data(&self) -> &[PathBuf] {
        &self.data
    }

    /// The files given as plain arguments, in order.
    pub fn positional(&self) -> &[PathBuf] {
        &self.files
    }

    /// Every file: the plain arguments, then the `--data` values.
    pub fn all_files(&self) -> Vec<PathBuf> {
        self.files.iter().chain(&self.data).cloned().collect()
    }
}

/// Loads every file of `args`.
pub fn load(args: &DataArgs) -> Result<Data, CliError> {
    load_files(args, &args.all_files())
}

/// Loads `paths` (the files of `args`, some of which a subcommand may have taken for itself) with the
/// reading and joining options of `args`.
pub fn load_files(args: &DataArgs, paths: &[PathBuf]) -> Result<Data, CliError> {
    if paths.is_empty() {
        return Err(CliError::Usage(
            "no files given; name them after --data, e.g. `--data users.csv events.csv`".to_owned(),
        ));
    }
    let files = load::read_all(paths, &args.read)?;
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
            notes.push(coverage_note(coverage));
        }
    }
    Ok(Data {
        plan,
        dataset: joined.dataset,
        notes,
    })
}

/// Why a file's rows did not all reach a user: keys that match no user, rows without a key (anonymous
/// events), rows without a time.
fn coverage_note(c: &join::Coverage) -> String {
    let mut note = format!(
        "{}: only {:.0}% of its rows match a user by `{}` = `{}`",
        c.file,
        c.matched_share * 100.0,
        c.key,
        c.population_key
    );
    let mut why = Vec::new();
    if c.unmatched_rows > 0 {
        why.push(format!(
            "{} rows have a `{}` no user has (e.g. {})",
            c.unmatched_rows,
            c.key,
            c.unmatched_examples.join(", ")
        ));
    }
    if c.missing_key_rows > 0 {
        why.push(format!(
            "{} rows have no `{}` (anonymous or system events)",
            c.missing_key_rows, c.key
        ));
    }
    if c.dropped_rows > 0 {
        why.push(format!("{} rows have no time", c.dropped_rows));
    }
    if !why.is_empty() {
        note.push_str(": ");
        note.push_str(&why.join("; "));
    }
    note
}
