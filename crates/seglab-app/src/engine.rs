//! The engine as the worker runs it: the loaded files, the dataset joined from them, and the answer to each
//! request. Pure Rust over seglab-core (no browser APIs), so it is tested natively.

use crate::protocol::{
    ColumnView, DatasetView, DiscoveryView, FileView, Request, Response, RuleView,
    SegmentErrorView, SegmentView,
};
use seglab_core::compare::{self, CompareOptions, Group};
use seglab_core::impact::{
    self, CohortBy, FunnelBaseline, FunnelSpec, Period, RetentionSpec, Selection,
};
use seglab_core::ingest::{CsvReader, Loaded, ReadOptions};
use seglab_core::join::{self, JoinPlan, MeasureSpec, Source};
use seglab_core::models::{self, DiscoverOptions, Target};
use seglab_core::segment::ErrorKind;
use seglab_core::segment::{self, Dialect, Segment, SegmentSet, SqlTables};
use seglab_core::share::{JoinKey, TypeOverride};
use seglab_core::{Bitset, ColumnType, Dataset};

/// The largest file the page takes: past this a tab runs out of memory, and the CLI is the tool.
pub const MAX_FILE_BYTES: u64 = 1 << 30;
/// Event measures computed for comparisons: this many most frequent events, counted over all time and
/// over this many recent days.
const MEASURE_EVENTS: usize = 20;
const MEASURE_DAYS: u32 = 30;

/// A file the user loaded, kept as the engine read it.
struct LoadedFile {
    name: String,
    bytes: u64,
    loaded: Loaded,
}

/// Everything the worker holds.
#[derive(Default)]
pub struct Engine {
    files: Vec<LoadedFile>,
    dataset: Dataset,
    plan: JoinPlan,
    view: DatasetView,
    /// Column types the user chose; applied whenever a file is read.
    overrides: Vec<TypeOverride>,
    /// "Now" for relative windows, when the user chose it over the latest time in the data.
    as_of: Option<i64>,
    /// Key columns and roles the user chose over the guessed join.
    keys: Vec<JoinKey>,
}

impl Engine {
    /// A reader for a file of `size` bytes with the user's column types, or why the file cannot be read.
    pub fn reader(&self, name: &str, size: u64) -> Result<CsvReader, String> {
        if size > MAX_FILE_BYTES {
            return Err(format!(
                "{name} is {} MB, more than the {} MB a browser tab can hold; use the `seglab` command line for it",
                size >> 20,
                MAX_FILE_BYTES >> 20
            ));
        }
        let options = ReadOptions {
            type_overrides: self.overrides_for(name),
            ..ReadOptions::default()
        };
        let mut reader = CsvReader::new(name, options);
        reader.size_hint(size);
        Ok(reader)
    }

    /// Completes a load: the file replaces any loaded file of the same name.
    pub fn finish_load(&mut self, name: &str, bytes: u64, reader: CsvReader) -> Response {
        let loaded = match reader.finish() {
            Ok(loaded) => loaded,
            Err(error) => {
                return Response::LoadFailed {
                    name: name.into(),
                    message: error.to_string(),
                };
            }
        };
        let file = LoadedFile {
            name: name.into(),
            bytes,
            loaded,
        };
        let view = file_view(&file);
        match self.files.iter_mut().find(|f| f.name == name) {
            Some(slot) => *slot = file,
            None => self.files.push(file),
        }
        self.rebuild();
        Response::Loaded {
            file: view,
            dataset: self.view.clone(),
        }
    }

    /// Loads a whole file at once, as the worker does chunk by chunk.
    pub fn load_bytes(&mut self, name: &str, bytes: &[u8]) -> Response {
        let mut reader = match self.reader(name, bytes.len() as u64) {
            Ok(reader) => reader,
            Err(message) => {
                return Response::LoadFailed {
                    name: name.into(),
                    message,
                };
            }
        };
        if let Err(error) = reader.feed(bytes) {
            return Response::LoadFailed {
                name: name.into(),
                message: error.to_string(),
            };
        }
        self.finish_load(name, bytes.len() as u64, reader)
    }

    pub fn handle(&mut self, request: Request) -> Response {
        match request {
            Request::Load { name } => Response::LoadFailed {
                name,
                message: "no file was attached".into(),
            },
            Request::Cancel => Response::Failed {
                message: "nothing to cancel".into(),
            },
            Request::Discover { target } => {
                let target = Target {
                    column: target,
                    threshold: None,
                };
                let result = models::discover(
                    &self.dataset,
                    &target,
                    &DiscoverOptions::default(),
                    &mut |_| true,
                )
                .map(|d| DiscoveryView {
                    target: d.target,
                    overall_rate: d.overall_rate,
                    known: d.known,
                    rules: d
                        .rules
                        .into_iter()
                        .map(|r| RuleView {
                            definition: r.definition,
                            size: r.size,
                            rate: r.rate,
                            ci: r.ci,
                            lift: r.lift,
                            notable: r.notable,
                        })
                        .collect(),
                    notes: d.notes,
                })
                .map_err(|e| e.to_string());
                Response::Discovery { result }
            }
            Request::SetTypes { overrides } => {
                let before: Vec<Vec<(String, ColumnType)>> = self
                    .files
                    .iter()
                    .map(|f| self.overrides_for(&f.name))
                    .collect();
                self.overrides = overrides;
                let names = self
                    .files
                    .iter()
                    .zip(before)
                    .filter(|(f, old)| self.overrides_for(&f.name) != *old)
                    .map(|(f, _)| f.name.clone())
                    .collect();
                Response::Reload { names }
            }
            Request::SetAsOf { as_of } => {
                self.as_of = as_of;
                self.rebuild();
                Response::Joined {
                    dataset: self.view.clone(),
                }
            }
            Request::SetKeys { keys } => {
                self.keys = keys;
                self.rebuild();
                Response::Joined {
                    dataset: self.view.clone(),
                }
            }
            Request::Remove { name } => {
                self.files.retain(|f| f.name != name);
                self.rebuild();
                Response::Removed {
                    name,
                    dataset: self.view.clone(),
                }
            }
            Request::Evaluate { segments } => Response::Segments {
                population: self.dataset.users(),
                segments: self
                    .evaluate(&segments)
                    .into_iter()
                    .map(|(view, _)| view)
                    .collect(),
            },
            Request::Compare { segments, selected } => self.compare(&segments, &selected),
            Request::Sql {
                segments,
                index,
                dialect,
            } => self.sql(&segments, index, dialect),
            Request::Funnel {
                segments,
                selected,
                steps,
                within_days,
            } => {
                let result = self
                    .selections(&segments, &selected)
                    .and_then(|selections| {
                        let spec = FunnelSpec {
                            steps,
                            within: i64::from(within_days) * 86_400,
                            segments: selections,
                            baseline: FunnelBaseline::Rest,
                        };
                        impact::funnel(&self.dataset, &spec).map_err(|e| e.to_string())
                    });
                Response::Funnel { result }
            }
            Request::Retention {
                segments,
                selected,
                monthly,
                return_event,
            } => {
                let result = self
                    .selections(&segments, &selected)
                    .and_then(|selections| {
                        let spec = RetentionSpec {
                            by: if monthly { Period::Month } else { Period::Week },
                            cohort: CohortBy::StartEvent,
                            start_event: None,
                            return_event,
                            periods: None,
                            segments: selections,
                        };
                        impact::retention(&self.dataset, &spec).map_err(|e| e.to_string())
                    });
                Response::Retention { result }
            }
            // Timing is the worker's (it has the browser's clock); here the request is answered once.
            Request::Time { request, .. } => self.handle(*request),
        }
    }

    /// The overrides that apply to `file`: those naming it, and those naming no file.
    fn overrides_for(&self, file: &str) -> Vec<(String, ColumnType)> {
        self.overrides
            .iter()
            .filter(|o| o.file.as_deref().is_none_or(|f| f == file))
            .map(|o| (o.column.clone(), o.ty))
            .collect()
    }

    /// Joins the loaded files into the dataset segments see, with per-user event measures as columns.
    ///
    /// The user's key choices apply over the guessed join; when they cannot be built, the reason is shown
    /// and the guessed join is used, so the data stays usable.
    fn rebuild(&mut self) {
        let sources: Vec<Source<'_>> = self
            .files
            .iter()
            .map(|f| Source::new(&f.name, &f.loaded.table))
            .collect();
        if sources.is_empty() {
            self.dataset = Dataset::default();
            self.view = DatasetView::default();
            return;
        }
        let proposal = join::propose(&sources);
        let mut problems: Vec<String> = proposal.problems.iter().map(ToString::to_string).collect();
        let mut plan = proposal.plan.clone();
        plan.apply_keys(&self.keys, &sources, &proposal.guesses);
        let built = match join::build(&sources, &plan) {
            Err(error) if plan != proposal.plan => {
                problems.push(format!(
                    "The chosen join keys could not be used ({error}); the files are joined as guessed until you pick others."
                ));
                plan = proposal.plan.clone();
                join::build(&sources, &plan)
            }
            built => built,
        };
        match built {
            Ok(joined) => {
                let mut dataset = joined.dataset;
                let latest = dataset.as_of;
                if let Some(as_of) = self.as_of {
                    dataset.as_of = Some(as_of);
                    plan.as_of = Some(format_time(as_of));
                }
                let spec = MeasureSpec::with_top_events(&dataset, MEASURE_EVENTS, MEASURE_DAYS);
                for column in join::measures(&dataset, &spec) {
                    if let Err(error) = dataset.population.push_column(column) {
                        problems.push(error.to_string());
                    }
                }
                self.view = DatasetView {
                    population: dataset.users(),
                    population_file: joined.population.file.clone(),
                    key: joined.population.key.clone(),
                    as_of: dataset.as_of.map(format_time),
                    latest: latest.map(format_time),
                    plan: plan.clone(),
                    guesses: proposal.guesses,
                    coverage: joined.coverage,
                    problems,
                };
                self.dataset = dataset;
                self.plan = plan;
            }
            Err(error) => {
                problems.push(error.to_string());
                self.view = DatasetView {
                    guesses: proposal.guesses,
                    problems,
                    ..DatasetView::default()
                };
                self.dataset = Dataset::default();
            }
        }
    }

    fn evaluate(&self, defs: &[Segment]) -> Vec<(SegmentView, Option<Bitset>)> {
        segment::evaluate_all(defs, &self.dataset)
            .into_iter()
            .zip(defs)
            .map(|(result, def)| match result {
                Ok(members) => (
                    SegmentView {
                        name: def.name.clone(),
                        size: Some(members.count()),
                        error: None,
                    },
                    Some(members),
                ),
                Err(error) => (
                    SegmentView {
                        name: def.name.clone(),
                        size: None,
                        error: Some(SegmentErrorView {
                            message: missing_data_message(&def.definition, &error)
                                .unwrap_or_else(|| error.message.clone()),
                            span: error.span,
                            suggestions: error.suggestions.clone(),
                        }),
                    },
                    None,
                ),
            })
            .collect()
    }

    /// The members of `defs[selected]`, named, or why one of them has none.
    fn selections(&self, defs: &[Segment], selected: &[usize]) -> Result<Vec<Selection>, String> {
        let evaluated = self.evaluate(defs);
        selected
            .iter()
            .filter_map(|&i| evaluated.get(i))
            .map(|(view, members)| match members {
                Some(members) => Ok(Selection::new(view.name.clone(), members.clone())),
                None => Err(format!(
                    "“{}” cannot be used yet: {}",
                    view.name,
                    view.error
                        .as_ref()
                        .map_or("it has an error", |e| e.message.as_str())
                )),
            })
            .collect()
    }

    /// One segment as SQL over tables named after the files, with the same join the page made.
    fn sql(&self, defs: &[Segment], index: usize, dialect: Dialect) -> Response {
        let Some(def) = defs.get(index) else {
            return Response::Failed {
                message: format!("there is no segment number {}", index + 1),
            };
        };
        let sql = segment::parse(&def.definition)
            .and_then(|expr| {
                let tables = SqlTables::from_plan(&self.plan);
                segment::to_sql(
                    &expr,
                    dialect,
                    &self.dataset,
                    &tables,
                    &SegmentSet::from_segments(defs),
                )
            })
            .map_err(|error| error.message);
        Response::Sql {
            name: def.name.clone(),
            dialect,
            sql,
        }
    }

    /// The selected segments side by side with everyone else, which is the baseline.
    fn compare(&self, defs: &[Segment], selected: &[usize]) -> Response {
        let evaluated = self.evaluate(defs);
        let mut groups = Vec::new();
        for &index in selected {
            let Some((view, members)) = evaluated.get(index) else {
                continue;
            };
            let Some(members) = members else {
                let reason = view
                    .error
                    .as_ref()
                    .map_or("it has an error", |e| e.message.as_str());
                return Response::CompareFailed {
                    message: format!("“{}” cannot be compared yet: {reason}", view.name),
                };
            };
            groups.push(Group {
                name: view.name.clone(),
                color: defs[index].color.clone(),
                members,
            });
        }
        let options = CompareOptions {
            baseline: groups.len(),
            include_rest: true,
            ..CompareOptions::default()
        };
        let overlap = if groups.len() > 1 {
            compare::overlap(&groups).ok()
        } else {
            None
        };
        match compare::compare(&self.dataset.population, &groups, &options) {
            Ok(comparison) => Response::Comparison {
                comparison,
                overlap,
            },
            Err(error) => Response::CompareFailed {
                message: error.to_string(),
            },
        }
    }
}

/// A segment that names a column or event none of the loaded files has (typically one from a shared link
/// opened on other files) says what it needs and how to get it, rather than only "there is no column".
fn missing_data_message(
    definition: &str,
    error: &seglab_core::segment::SegmentError,
) -> Option<String> {
    let what = match error.kind {
        ErrorKind::UnknownColumn => "column",
        ErrorKind::UnknownEvent => "event",
        _ => return None,
    };
    let (start, end) = error.span?;
    let name = definition.get(start..end)?.trim_matches(['"', '`']);
    let has = match what {
        "column" => "which none of the loaded files has",
        _ => "which the loaded event log does not have",
    };
    // Near names are offered by the page from the error's suggestions.
    Some(format!(
        "needs {what} `{name}`, {has} — load the file that has it, or edit the segment"
    ))
}

fn format_time(seconds: i64) -> String {
    seglab_core::segment::time::format_datetime(seconds)
}

fn file_view(file: &LoadedFile) -> FileView {
    let report = &file.loaded.report;
    FileView {
        name: file.name.clone(),
        bytes: file.bytes,
        rows: report.rows,
        encoding: report.encoding.clone(),
        delimiter: report.delimiter.clone(),
        has_header: report.has_header,
        columns: report
            .columns
            .iter()
            .map(|c| ColumnView {
                name: c.name.clone(),
                ty: c.ty.name().to_owned(),
                missing: c.missing,
                distinct: c.distinct,
                examples: c.examples.clone(),
                warnings: c.warnings.clone(),
            })
            .collect(),
        warnings: report
            .warnings
            .iter()
            .map(|d| match (d.line, &d.column) {
                (Some(line), Some(column)) => {
                    format!("line {line}, column `{column}`: {}", d.message)
                }
                (Some(line), None) => format!("line {line}: {}", d.message),
                (None, Some(column)) => format!("column `{column}`: {}", d.message),
                (None, None) => d.message.clone(),
            })
            .collect(),
    }
}
