//! The engine as the worker runs it: the loaded files, the dataset joined from them, and the answer to each
//! request. Pure Rust over seglab-core (no browser APIs), so it is tested natively.

mod models;
mod warm;

pub use warm::warm_up;

pub use models::{CLUSTER_COLUMN, Progress, RFM_COLUMNS, uses_model_column};

use crate::protocol::{
    ArmsChoice, ChoiceColumn, ColumnView, DatasetView, FileView, ImpactChoices, Request, Response,
    SegmentErrorView, SegmentView,
};
use seglab_core::compare::{self, CompareOptions, Group};
use seglab_core::impact::{
    self, Assignment, BeforeAfterSpec, CohortBy, ExperimentSpec, FunnelSpec, Period, RetentionSpec,
    Selection,
};
use seglab_core::ingest::{CsvReader, Loaded, ReadOptions};
use seglab_core::join::{self, JoinPlan, MeasureSpec, Source};
use seglab_core::segment::ErrorKind;
use seglab_core::segment::{self, Dialect, Segment, SegmentSet, SqlTables};
use seglab_core::share::{JoinKey, TypeOverride};
use seglab_core::table::ColumnData;
use seglab_core::{Bitset, ColumnType, Dataset};

/// The largest file the page takes: past this a tab runs out of memory, and the CLI is the tool.
pub const MAX_FILE_BYTES: u64 = 1 << 30;
/// Event measures computed for comparisons: this many most frequent events, counted over all time and
/// over this many recent days.
const MEASURE_EVENTS: usize = 20;
const MEASURE_DAYS: u32 = 30;
/// How many values per categorical column, and how many event names, the page gets for autocompletion.
const VOCABULARY_VALUES: usize = 50;
const VOCABULARY_EVENTS: usize = 200;

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
    /// The health score, RFM and clusters, whose outputs are population columns.
    models: models::ModelState,
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

    /// Answers a request that may take long (discovery, clustering), telling `progress` how far it has
    /// come; `progress` returning false stops the computation. Other requests are answered as by
    /// [`Engine::handle`].
    pub fn handle_long(&mut self, request: Request, progress: &mut Progress<'_>) -> Response {
        match request {
            Request::Discover { target } => Response::Discovery {
                result: self.discover(target, progress),
            },
            Request::SetModels { settings, outcome } => Response::Models {
                models: Box::new(self.set_models(settings, outcome, progress)),
            },
            other => self.handle(other),
        }
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
            Request::Discover { .. } | Request::SetModels { .. } => {
                self.handle_long(request, &mut |_, _| true)
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
            Request::Compare {
                segments,
                selected,
                baseline,
            } => self.compare(&segments, &selected, baseline),
            Request::Distinguish {
                segments,
                selected,
                a,
                b,
            } => self.distinguish(&segments, &selected, a, b),
            Request::Breakdown {
                segments,
                selected,
                column,
            } => Response::Breakdown {
                result: self.compared(&segments, &selected).and_then(|sets| {
                    compare::breakdown(&self.dataset.population, &sets.groups(), &column)
                        .map_err(|e| e.to_string())
                }),
            },
            Request::Nps {
                segments,
                selected,
                baseline,
                column,
            } => Response::Nps {
                result: self.compared(&segments, &selected).and_then(|sets| {
                    let base = sets.position(baseline);
                    compare::compare_nps(&self.dataset.population, &column, &sets.groups(), base)
                        .map_err(|e| e.to_string())
                }),
            },
            Request::Members { segments, index } => self.members(&segments, index),
            Request::Panel {
                segments,
                selected,
                column,
                by,
            } => Response::Panel {
                result: self
                    .selections(&segments, &selected)
                    .and_then(|selections| {
                        let groups: Vec<Group<'_>> = selections
                            .iter()
                            .map(|s| Group {
                                name: s.name.clone(),
                                color: String::new(),
                                members: &s.members,
                            })
                            .collect();
                        compare::panel(&self.dataset.population, &groups, &column, &by, PANEL_BINS)
                            .map_err(|e| e.to_string())
                    }),
            },
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
                baseline,
            } => {
                let result = self
                    .selections(&segments, &selected)
                    .and_then(|selections| {
                        let spec = FunnelSpec {
                            steps,
                            within: i64::from(within_days) * 86_400,
                            segments: selections,
                            baseline,
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
                start_event,
                cohort_column,
                periods,
            } => {
                let result = self
                    .selections(&segments, &selected)
                    .and_then(|selections| {
                        let spec = RetentionSpec {
                            by: if monthly { Period::Month } else { Period::Week },
                            cohort: cohort_column.map_or(CohortBy::StartEvent, CohortBy::Column),
                            start_event,
                            return_event,
                            periods,
                            segments: selections,
                        };
                        impact::retention(&self.dataset, &spec).map_err(|e| e.to_string())
                    });
                Response::Retention { result }
            }
            Request::ImpactChoices => Response::ImpactChoices {
                choices: self.impact_choices(),
            },
            Request::Experiment {
                segments,
                selected,
                arms,
                control,
                outcomes,
                covariate,
                correction,
            } => Response::Experiment {
                result: self.experiment(
                    &segments,
                    &selected,
                    arms,
                    ExperimentSpec {
                        control,
                        covariate,
                        correction,
                        ..ExperimentSpec::new(Assignment::Selections(Vec::new()), outcomes)
                    },
                ),
            },
            Request::BeforeAfter {
                segments,
                selected,
                event,
                date,
                days,
            } => Response::BeforeAfter {
                result: self.before_after(&segments, &selected, event, &date, days),
            },
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
                    vocabulary: segment::vocabulary(&dataset, VOCABULARY_VALUES, VOCABULARY_EVENTS),
                };
                self.dataset = dataset;
                self.plan = plan;
                self.recompute_models();
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

    /// Columns by what the Impact view can use them for, and the event names.
    fn impact_choices(&self) -> ImpactChoices {
        /// More values than this and a column is no variant column.
        const MAX_ARMS: usize = 20;
        let columns = self
            .dataset
            .population
            .columns()
            .iter()
            .filter(|c| {
                matches!(
                    c.ty(),
                    ColumnType::Integer
                        | ColumnType::Decimal
                        | ColumnType::Boolean
                        | ColumnType::Date
                        | ColumnType::DateTime
                        | ColumnType::Category
                )
            })
            .map(|c| {
                let mut values: Vec<String> = match c.data() {
                    ColumnData::Boolean(_) => vec!["false".into(), "true".into()],
                    ColumnData::Dictionary(dict) if dict.values.len() <= MAX_ARMS => {
                        let mut used = vec![false; dict.values.len()];
                        for (u, code) in dict.codes.iter().enumerate() {
                            if c.valid().get(u)
                                && let Some(slot) = used.get_mut(code as usize)
                            {
                                *slot = true;
                            }
                        }
                        dict.values
                            .iter()
                            .zip(used)
                            .filter(|(_, used)| *used)
                            .map(|(v, _)| v.to_owned())
                            .collect()
                    }
                    _ => Vec::new(),
                };
                values.sort();
                ChoiceColumn {
                    name: c.name().to_owned(),
                    ty: c.ty(),
                    values,
                }
            })
            .collect();
        let events = self.dataset.events.as_ref().map_or_else(Vec::new, |log| {
            let mut counts = vec![0usize; log.names.len()];
            for &code in &log.events {
                if let Some(n) = counts.get_mut(code as usize) {
                    *n += 1;
                }
            }
            let mut order: Vec<usize> = (0..log.names.len()).collect();
            seglab_core::sorting::sort_by(&mut order, |&a, &b| {
                counts[b].cmp(&counts[a]).then(a.cmp(&b))
            });
            order.into_iter().map(|i| log.names[i].clone()).collect()
        });
        ImpactChoices {
            columns,
            events,
            as_of: self
                .dataset
                .as_of
                .map(|t| seglab_core::segment::time::format_date(t.div_euclid(86_400) as i32)),
        }
    }

    /// The experiment with its arms taken from `arms` and measured in `defs[selected]` and everyone.
    fn experiment(
        &self,
        defs: &[Segment],
        selected: &[usize],
        arms: ArmsChoice,
        mut spec: ExperimentSpec,
    ) -> Result<impact::ExperimentResult, String> {
        spec.assignment = match arms {
            ArmsChoice::Column { column } => Assignment::Column(column),
            ArmsChoice::Segments { arms } => Assignment::Selections(self.selections(defs, &arms)?),
        };
        spec.segments = self.selections(defs, selected)?;
        impact::experiment(&self.dataset, &spec).map_err(|e| e.to_string())
    }

    /// Before vs after `date` for each of `defs[selected]` against everyone else.
    fn before_after(
        &self,
        defs: &[Segment],
        selected: &[usize],
        event: Option<String>,
        date: &str,
        days: u32,
    ) -> Result<impact::BeforeAfter, String> {
        let day = parse_day(date).ok_or_else(|| {
            format!("“{date}” is not a date; give one as YYYY-MM-DD, e.g. 2025-03-01")
        })?;
        let segments = self.selections(defs, selected)?;
        if segments.is_empty() {
            return Err(
                "tick “Compare” on at least one segment: each is measured against everyone else"
                    .into(),
            );
        }
        let spec = BeforeAfterSpec {
            event,
            at: i64::from(day) * 86_400,
            days,
            segments,
        };
        impact::before_after(&self.dataset, &spec).map_err(|e| e.to_string())
    }

    /// One segment as SQL over tables named after the files, with the same join the page made.
    fn sql(&self, defs: &[Segment], index: usize, dialect: Dialect) -> Response {
        let Some(def) = defs.get(index) else {
            return Response::Failed {
                message: format!("there is no segment number {}", index + 1),
            };
        };
        // Model outputs are computed here from percentile ranks, quintiles or cluster prototypes of the
        // loaded files; a warehouse has no such column, and SQL that pretended otherwise would be wrong.
        let model_column = std::iter::once(def)
            .chain(
                defs.iter()
                    .filter(|d| def.definition.contains(&format!("\"{}\"", d.name))),
            )
            .find_map(|d| uses_model_column(&d.definition));
        if let Some(column) = model_column {
            return Response::Sql {
                name: def.name.clone(),
                dialect,
                sql: Err(format!(
                    "`{column}` is computed in this page from the loaded files (a model output), so no warehouse table has it and this segment cannot be written as SQL. Export the members from the page instead, or define the segment over the model's inputs."
                )),
            };
        }
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

    /// The selected segments (in order) and everyone else, with their members, or why one cannot be used.
    fn compared(&self, defs: &[Segment], selected: &[usize]) -> Result<ComparedSets, String> {
        let evaluated = self.evaluate(defs);
        let mut sets = ComparedSets {
            indices: Vec::new(),
            names: Vec::new(),
            colors: Vec::new(),
            members: Vec::new(),
        };
        let mut union = Bitset::new(self.dataset.users());
        for &index in selected {
            let Some((view, members)) = evaluated.get(index) else {
                continue;
            };
            let Some(members) = members else {
                let reason = view
                    .error
                    .as_ref()
                    .map_or("it has an error", |e| e.message.as_str());
                return Err(format!("“{}” cannot be compared yet: {reason}", view.name));
            };
            union.or_inplace(members);
            sets.indices.push(Some(index));
            sets.names.push(view.name.clone());
            sets.colors.push(defs[index].color.clone());
            sets.members.push(members.clone());
        }
        if sets.members.is_empty() {
            return Err("choose at least one segment to compare".into());
        }
        sets.indices.push(None);
        sets.names.push(EVERYONE_ELSE.into());
        sets.colors.push(REST_COLOR.into());
        sets.members.push(union.not());
        Ok(sets)
    }

    /// The selected segments side by side with everyone else; `baseline` is a segment's index, or
    /// `None` for everyone else.
    fn compare(&self, defs: &[Segment], selected: &[usize], baseline: Option<usize>) -> Response {
        let sets = match self.compared(defs, selected) {
            Ok(sets) => sets,
            Err(message) => return Response::CompareFailed { message },
        };
        let all = sets.groups();
        let given = &all[..all.len() - 1];
        let options = CompareOptions {
            baseline: sets.position(baseline),
            include_rest: true,
            ..CompareOptions::default()
        };
        let overlap = if given.len() > 1 {
            compare::overlap(given).ok()
        } else {
            None
        };
        match compare::compare(&self.dataset.population, given, &options) {
            Ok(comparison) => Response::Comparison {
                comparison,
                overlap,
            },
            Err(error) => Response::CompareFailed {
                message: error.to_string(),
            },
        }
    }

    /// The significant differences between two of the compared groups, largest effect first.
    fn distinguish(
        &self,
        defs: &[Segment],
        selected: &[usize],
        a: Option<usize>,
        b: Option<usize>,
    ) -> Response {
        let sets = match self.compared(defs, selected) {
            Ok(sets) => sets,
            Err(message) => {
                return Response::Distinguished {
                    a: String::new(),
                    b: String::new(),
                    result: Err(message),
                };
            }
        };
        let groups = sets.groups();
        let (a, b) = (&groups[sets.position(a)], &groups[sets.position(b)]);
        let result = if a.name == b.name {
            Err("choose two different groups".to_owned())
        } else {
            compare::distinguish(&self.dataset.population, a, b).map_err(|e| e.to_string())
        };
        Response::Distinguished {
            a: a.name.clone(),
            b: b.name.clone(),
            result,
        }
    }

    /// A segment's members as CSV.
    fn members(&self, defs: &[Segment], index: usize) -> Response {
        let Some(def) = defs.get(index) else {
            return Response::Failed {
                message: format!("there is no segment number {}", index + 1),
            };
        };
        let csv = match self.evaluate(defs).into_iter().nth(index) {
            Some((_, Some(members))) => Ok(seglab_core::report::members_csv(
                &self.dataset.population,
                &members,
            )),
            Some((view, None)) => Err(view
                .error
                .map_or_else(|| "it has an error".to_owned(), |e| e.message)),
            None => Err("it could not be evaluated".to_owned()),
        };
        Response::Members {
            name: def.name.clone(),
            csv,
        }
    }
}

/// What the automatic last group of a comparison is called, and its colour.
const EVERYONE_ELSE: &str = "Everyone else";
const REST_COLOR: &str = "#9ca3af";

/// Histogram bins of the comparison panel.
const PANEL_BINS: usize = 20;

/// The compared segments and everyone else (last), with their members.
struct ComparedSets {
    /// The segment index of each group; `None` for everyone else.
    indices: Vec<Option<usize>>,
    names: Vec<String>,
    colors: Vec<String>,
    members: Vec<Bitset>,
}

impl ComparedSets {
    fn groups(&self) -> Vec<Group<'_>> {
        self.names
            .iter()
            .zip(&self.colors)
            .zip(&self.members)
            .map(|((name, color), members)| Group {
                name: name.clone(),
                color: color.clone(),
                members,
            })
            .collect()
    }

    /// The position of the group of segment `index`; everyone else (the last) for `None` or a segment
    /// not compared.
    fn position(&self, index: Option<usize>) -> usize {
        index
            .and_then(|i| self.indices.iter().position(|&g| g == Some(i)))
            .unwrap_or(self.indices.len() - 1)
    }
}

/// `YYYY-MM-DD` as days since the epoch.
fn parse_day(text: &str) -> Option<i32> {
    let mut parts = text.trim().splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    seglab_core::segment::time::days_from_civil(year, month, day)
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
