//! Messages between the page and the engine worker.
//!
//! The worker owns the loaded tables and does every computation; the page sends requests and renders the
//! responses. Messages cross the boundary as plain JS objects (serde-wasm-bindgen); a `File` rides along as
//! the second element of the message array, since files are cloned by the browser, not serialised.
//!
//! `Request` and `Response` are externally tagged: `{"panel": {"result": …}}`, and a variant without fields
//! as its name alone (`"ready"`). Internally tagged (`{"type": "panel", …}`), serde would first copy every
//! message into its own buffer (`Content`) to find the tag, and deserialise every type inside through that
//! buffer as well: about 170 KB more WebAssembly in the page. Other enums inside stay as they are.

use seglab_core::segment::{Dialect, Segment};
use serde::{Deserialize, Serialize};

/// What the page asks of the worker. Externally tagged (see the module's documentation).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
        /// What each segment's conversion is tested against (everyone else by default).
        #[serde(default)]
        baseline: seglab_core::impact::FunnelBaseline,
    },
    /// Retention cohorts, for `segments[selected]` and everyone: by the first `start_event` (any event when
    /// `None`), or by the date in `cohort_column` when given.
    Retention {
        segments: Vec<Segment>,
        selected: Vec<usize>,
        monthly: bool,
        return_event: Option<String>,
        #[serde(default)]
        start_event: Option<String>,
        #[serde(default)]
        cohort_column: Option<String>,
        /// How many periods since the start; by default all that have ended for someone, at most 52.
        #[serde(default)]
        periods: Option<usize>,
    },
    /// What the Impact view can offer to choose from: columns by what they can be used for, and events.
    ImpactChoices,
    /// An experiment readout measured in everyone and `segments[selected]`; answered with `Experiment`.
    Experiment {
        segments: Vec<Segment>,
        selected: Vec<usize>,
        arms: ArmsChoice,
        control: Option<String>,
        outcomes: Vec<seglab_core::impact::OutcomeSpec>,
        covariate: Option<seglab_core::impact::Covariate>,
        correction: seglab_core::impact::Correction,
    },
    /// Event counts per user in `days` before vs after `date` (`YYYY-MM-DD`), each of `segments[selected]`
    /// against everyone else; answered with `BeforeAfter`.
    BeforeAfter {
        segments: Vec<Segment>,
        selected: Vec<usize>,
        event: Option<String>,
        date: String,
        days: u32,
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
        /// The segment (an index into `segments`, one of `selected`) the others are compared with;
        /// `None` for everyone else.
        #[serde(default)]
        baseline: Option<usize>,
    },
    /// What distinguishes `a` from `b` (indices into `segments`; `None` for everyone else, the users
    /// in none of `segments[selected]`); answered with `Distinguished`.
    Distinguish {
        segments: Vec<Segment>,
        selected: Vec<usize>,
        a: Option<usize>,
        b: Option<usize>,
    },
    /// `segments[selected]` and everyone else broken down by a column; answered with `Breakdown`.
    Breakdown {
        segments: Vec<Segment>,
        selected: Vec<usize>,
        column: String,
    },
    /// The NPS of `segments[selected]` and everyone else from a column of 0–10 answers, each against
    /// the baseline (as in `Compare`); answered with `Nps`.
    Nps {
        segments: Vec<Segment>,
        selected: Vec<usize>,
        baseline: Option<usize>,
        column: String,
    },
    /// The members of `segments[index]` as CSV (formula-injection escaped); answered with `Members`.
    Members {
        segments: Vec<Segment>,
        index: usize,
    },
    /// The comparison panel of `segments[selected]` alone: sizes, mean, median, 90th percentile and a
    /// histogram of the numeric `column`, and a breakdown by `by`; answered with `Panel`.
    Panel {
        segments: Vec<Segment>,
        selected: Vec<usize>,
        column: String,
        by: String,
    },
    /// `segments[index]` as a SQL query for a warehouse; answered with `Sql`.
    Sql {
        segments: Vec<Segment>,
        index: usize,
        dialect: Dialect,
    },
    /// The model settings the page holds (health score, RFM, clustering): the engine adds their outputs to
    /// the population as columns (`health_score`, `rfm_r`/`rfm_f`/`rfm_m`, `cluster`) so that segments over
    /// them evaluate, and answers with `Models`. `outcome` is the yes/no (or numeric) column the score is
    /// back-tested against.
    SetModels {
        settings: ModelSettings,
        outcome: Option<String>,
    },
    /// Answer `request` `runs` times in a row, timing each answer inside the worker with
    /// `performance.now()`; answered with `Timed`. For `cargo xtask bench`; the page never sends it.
    Time { request: Box<Request>, runs: usize },
}

/// Who the arms of an experiment are.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ArmsChoice {
    /// Each value of a variant column is an arm.
    Column { column: String },
    /// Each of these segments (indices into the request's segments) is an arm.
    Segments { arms: Vec<usize> },
}

/// A population column the Impact view can choose.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChoiceColumn {
    pub name: String,
    pub ty: seglab_core::ColumnType,
    /// The values of a category or boolean column with few of them (the possible arms), sorted.
    pub values: Vec<String>,
}

/// What the Impact view offers to choose from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ImpactChoices {
    pub columns: Vec<ChoiceColumn>,
    /// Event names, most frequent first.
    pub events: Vec<String>,
    /// The dataset's as-of day, `YYYY-MM-DD`.
    pub as_of: Option<String>,
}

/// The models whose outputs are population columns; the same settings a link carries
/// (`seglab_core::share::PageState`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelSettings {
    /// The health score's definition in its text form (`measure:+:weight;…`).
    pub score: Option<String>,
    pub rfm: Option<seglab_core::share::RfmSetting>,
    /// Columns the clusters are drawn on; empty for no clustering.
    pub cluster: Vec<String>,
}

/// A band, RFM group or cluster as a segment: its name, definition and size.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelGroupView {
    pub name: String,
    /// In the segment language, over the model's column.
    pub definition: String,
    pub size: usize,
}

/// The health score as the page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScoreView {
    /// The definition in its canonical text form.
    pub definition: String,
    pub measures: Vec<seglab_core::models::MeasureReport>,
    pub bands: Vec<ModelGroupView>,
    /// Users per tenth of the score range (0–10, 10–20, …, 90–100).
    pub histogram: Vec<usize>,
    pub backtest: Option<seglab_core::models::Backtest>,
    /// Why there is no back-test although an outcome was chosen.
    pub backtest_error: Option<String>,
}

/// One RFM group with its scoring rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RfmGroupView {
    pub group: ModelGroupView,
    pub recency: (u8, u8),
    pub frequency: (u8, u8),
}

/// The RFM model as the page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RfmView {
    /// What was measured, in words (`Purchase events, value amount`).
    pub source: String,
    pub as_of: String,
    pub scored: usize,
    pub unscored: usize,
    pub groups: Vec<RfmGroupView>,
}

/// One cluster: its segment, its centre, and what sets it apart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterView {
    pub group: ModelGroupView,
    /// (column, typical value) of the cluster's prototype.
    pub prototype: Vec<(String, String)>,
    /// The findings of the comparison engine against everyone else, strongest first.
    pub distinguishing: Vec<String>,
}

/// The clustering as the page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusteringView {
    pub columns: Vec<String>,
    pub k: usize,
    /// (k, silhouette) for every k tried.
    pub choices: Vec<(usize, f64)>,
    pub sample_size: usize,
    pub clusters: Vec<ClusterView>,
}

/// What the models can be built from, for the page's pickers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelChoices {
    /// Numeric population columns and per-user event measures (score measures, cluster columns).
    pub numeric: Vec<String>,
    /// Category and yes/no population columns (cluster columns).
    pub categorical: Vec<String>,
    /// Yes/no columns (back-test outcomes).
    pub outcomes: Vec<String>,
    /// Numeric event properties (`amount`) and linked files' numeric columns (`orders.total`): RFM values.
    pub values: Vec<String>,
    /// Event names, most frequent first (the RFM event).
    pub events: Vec<String>,
}

/// The models the engine computed for the settings, each or why it could not be computed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelsView {
    pub choices: ModelChoices,
    pub score: Option<Result<ScoreView, String>>,
    pub rfm: Option<Result<RfmView, String>>,
    pub cluster: Option<Result<ClusteringView, String>>,
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
    /// Columns, events and frequent values a definition can use (for autocompletion and the builder).
    #[serde(default)]
    pub vocabulary: seglab_core::segment::Vocabulary,
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

/// What the worker tells the page. Externally tagged (see the module's documentation).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
    /// The significant differences between two groups, largest effect first.
    Distinguished {
        a: String,
        b: String,
        result: Result<Vec<seglab_core::compare::Finding>, String>,
    },
    Breakdown {
        result: Result<seglab_core::compare::Pivot, String>,
    },
    Nps {
        result: Result<seglab_core::compare::NpsComparison, String>,
    },
    /// A segment's members as CSV, or why there are none to give.
    Members {
        name: String,
        csv: Result<String, String>,
    },
    Panel {
        result: Result<seglab_core::compare::Panel, String>,
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
    ImpactChoices {
        choices: ImpactChoices,
    },
    Experiment {
        result: Result<seglab_core::impact::ExperimentResult, String>,
    },
    BeforeAfter {
        result: Result<seglab_core::impact::BeforeAfter, String>,
    },
    /// How far a long model computation (`task`: "discovery", "clustering") has come, 0–1.
    ModelProgress {
        task: String,
        done: f64,
    },
    /// The models for the settings last sent.
    Models {
        models: Box<ModelsView>,
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
