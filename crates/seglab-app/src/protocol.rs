//! Messages between the page and the engine worker.
//!
//! The worker owns the loaded tables and does every computation; the page sends requests and renders the
//! responses. Messages cross the boundary as plain JS objects (serde-wasm-bindgen); a `File` rides along as
//! the second element of the message array, since files are cloned by the browser, not serialised.

use seglab_core::segment::{Dialect, Segment};
use serde::{Deserialize, Serialize};

/// What the page asks of the worker.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Request {
    /// Read the attached `File` in chunks, reporting progress. Replaces a loaded file of the same name.
    Load { name: String },
    /// Stop the load in progress; everything loaded before stays.
    Cancel,
    /// A funnel of event `steps` within `within_days` of the first, for `segments[selected]` and everyone.
    Funnel {
        segments: Vec<Segment>,
        selected: Vec<usize>,
        steps: Vec<String>,
        within_days: u32,
    },
    /// Retention cohorts by first event, for `segments[selected]` and everyone.
    Retention {
        segments: Vec<Segment>,
        selected: Vec<usize>,
        monthly: bool,
        return_event: Option<String>,
    },
    /// Readable segments with unusually high or low rates of a yes/no `target` column.
    Discover { target: String },
    /// Column types chosen by the user over the inferred ones; the files they concern are read again.
    SetTypes {
        overrides: Vec<seglab_core::share::TypeOverride>,
    },
    /// Forget a loaded file.
    Remove { name: String },
    /// "Now" for relative windows, seconds since the epoch (UTC); `None`: the latest time in the data.
    /// Answered with `Joined`.
    SetAsOf { as_of: Option<i64> },
    /// The user's choice of key column and role per file, applied over the guessed join; answered with
    /// `Joined`.
    SetKeys {
        keys: Vec<seglab_core::share::JoinKey>,
    },
    /// Evaluate every segment; answered with `Segments`.
    Evaluate { segments: Vec<Segment> },
    /// Compare `segments[selected]` side by side with everyone else; answered with `Comparison`.
    Compare {
        segments: Vec<Segment>,
        selected: Vec<usize>,
    },
    /// `segments[index]` as a SQL query for a warehouse; answered with `Sql`.
    Sql {
        segments: Vec<Segment>,
        index: usize,
        dialect: Dialect,
    },
    /// Answer `request` `runs` times in a row, timing each answer inside the worker with
    /// `performance.now()`; answered with `Timed`. For `cargo xtask bench`; the page never sends it.
    Time { request: Box<Request>, runs: usize },
}

/// One column's profile as the Data view shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColumnView {
    pub name: String,
    pub ty: String,
    pub missing: usize,
    pub distinct: usize,
    pub examples: Vec<String>,
    pub warnings: Vec<String>,
}

/// A loaded file as the Data view shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileView {
    pub name: String,
    pub bytes: u64,
    pub rows: usize,
    pub encoding: String,
    pub delimiter: String,
    /// Whether the first line was taken as column names.
    #[serde(default)]
    pub has_header: bool,
    pub columns: Vec<ColumnView>,
    pub warnings: Vec<String>,
}

/// How the loaded files were joined into one population.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DatasetView {
    /// Users (or accounts) segments range over.
    pub population: usize,
    /// The file whose rows are the population; `None` when drawn from the event log.
    pub population_file: Option<String>,
    pub key: Option<String>,
    /// "Now" for relative windows.
    pub as_of: Option<String>,
    /// The latest time in the data: the as-of date unless the user chose another.
    #[serde(default)]
    pub latest: Option<String>,
    /// The join as built: the population file and key, and how each other file links to it.
    #[serde(default)]
    pub plan: seglab_core::join::JoinPlan,
    /// What each file was taken for, and why.
    pub guesses: Vec<seglab_core::join::FileGuess>,
    /// How well each linked file matched the population.
    pub coverage: Vec<seglab_core::join::Coverage>,
    /// Files that could not be joined, and why.
    pub problems: Vec<String>,
}

/// A discovered rule, without its member list (the page re-evaluates the definition when it is saved).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleView {
    pub definition: String,
    pub size: usize,
    pub rate: f64,
    pub ci: seglab_core::stats::Interval,
    pub lift: f64,
    pub notable: bool,
}

/// What discovery found for a target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiscoveryView {
    pub target: String,
    pub overall_rate: f64,
    pub known: usize,
    pub rules: Vec<RuleView>,
    pub notes: Vec<String>,
}

/// A segment's evaluation: its size, or why it could not be evaluated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SegmentView {
    pub name: String,
    pub size: Option<usize>,
    pub error: Option<SegmentErrorView>,
}

/// A segment error with the part of the definition it points at.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SegmentErrorView {
    pub message: String,
    /// Byte range in the definition.
    pub span: Option<(usize, usize)>,
    pub suggestions: Vec<String>,
}

/// What the worker tells the page.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Response {
    /// The worker is ready for requests.
    Ready,
    Progress {
        name: String,
        bytes: u64,
        total: u64,
        rows: u64,
    },
    Loaded {
        file: FileView,
        dataset: DatasetView,
    },
    LoadFailed {
        name: String,
        message: String,
    },
    Cancelled {
        name: String,
    },
    /// Files to read again because their column types changed (the worker still has them).
    Reload {
        names: Vec<String>,
    },
    Removed {
        name: String,
        dataset: DatasetView,
    },
    /// The files joined again (a new as-of date or join keys).
    Joined {
        dataset: DatasetView,
    },
    Segments {
        population: usize,
        segments: Vec<SegmentView>,
    },
    /// The comparison as the engine produced it, rendered by the page as is.
    Comparison {
        comparison: seglab_core::compare::Comparison,
        /// How the compared segments overlap, when there are two or more.
        overlap: Option<seglab_core::compare::Overlap>,
    },
    /// Why the comparison cannot be shown (e.g. a compared segment has an error), in words for the page.
    CompareFailed {
        message: String,
    },
    Funnel {
        result: Result<seglab_core::impact::FunnelResult, String>,
    },
    Retention {
        result: Result<seglab_core::impact::RetentionResult, String>,
    },
    Discovery {
        result: Result<DiscoveryView, String>,
    },
    /// A segment as SQL, or why it cannot be written.
    Sql {
        name: String,
        dialect: Dialect,
        sql: Result<String, String>,
    },
    Failed {
        message: String,
    },
    /// The answer to `Time`: milliseconds per run (the computation only, not the message passing), and
    /// the last run's response.
    Timed {
        ms: Vec<f64>,
        last: Box<Response>,
    },
}

impl FileView {
    /// The delimiter as a person reads it.
    pub fn delimiter_label(&self) -> &str {
        match self.delimiter.as_str() {
            "\t" => "tab",
            "," => "comma",
            ";" => "semicolon",
            "|" => "pipe",
            other => other,
        }
    }
}
