//! The page's state, provided once by `App`, and the requests that change it.

use crate::browser;
use crate::protocol::{DatasetView, FileView, Request, Response, SegmentView};
use leptos::prelude::*;
use seglab_core::ColumnType;
use seglab_core::compare::{Comparison, Finding, NpsComparison, Pivot};
use seglab_core::segment::Dialect;
use seglab_core::segment::Segment;
use seglab_core::share::{JoinKey, TypeOverride};
use web_sys::File;

/// The local-storage key of the segment list.
const LOCAL_SEGMENTS: &str = "seglab.segments";

/// A message to show the user, where it happened.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub id: u64,
    pub kind: NoticeKind,
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeKind {
    Error,
    Warning,
    Info,
}

/// A file being read.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadProgress {
    pub name: String,
    pub bytes: u64,
    pub total: u64,
    pub rows: u64,
}

/// What distinguishes two groups: their names and the significant differences, or why there are none.
pub type Distinguished = (String, String, Result<Vec<Finding>, String>);

/// The page's state. Copy: every field is a signal.
#[derive(Clone, Copy)]
pub struct AppState {
    pub ready: RwSignal<bool>,
    pub files: RwSignal<Vec<FileView>>,
    pub pending: RwSignal<Vec<String>>,
    pub progress: RwSignal<Option<LoadProgress>>,
    pub notices: RwSignal<Vec<Notice>>,
    pub population: RwSignal<usize>,
    pub dataset: RwSignal<DatasetView>,
    pub segments: RwSignal<Vec<Segment>>,
    pub results: RwSignal<Vec<SegmentView>>,
    pub comparison: RwSignal<Option<Comparison>>,
    /// How the compared segments overlap.
    pub overlap: RwSignal<Option<seglab_core::compare::Overlap>>,
    /// Why there is no comparison to show.
    pub compare_error: RwSignal<Option<String>>,
    /// The segment whose SQL is shown, and in which dialect.
    pub sql_for: RwSignal<Option<usize>>,
    pub sql_dialect: RwSignal<Dialect>,
    /// The SQL the engine wrote: (segment name, the query or why there is none).
    pub sql: RwSignal<Option<(String, Result<String, String>)>>,
    /// The last funnel and retention the engine computed, or why not.
    pub funnel: RwSignal<Option<Result<seglab_core::impact::FunnelResult, String>>>,
    pub retention: RwSignal<Option<Result<seglab_core::impact::RetentionResult, String>>>,
    /// What the Impact view can choose from, and its last experiment and before/after readouts.
    pub impact_choices: RwSignal<crate::protocol::ImpactChoices>,
    pub experiment: RwSignal<Option<Result<seglab_core::impact::ExperimentResult, String>>>,
    pub before_after: RwSignal<Option<Result<seglab_core::impact::BeforeAfter, String>>>,
    /// The last discovery the engine ran, or why it could not.
    pub discovery: RwSignal<Option<Result<crate::protocol::DiscoveryView, String>>>,
    /// Column types the user chose over the inferred ones.
    pub types: RwSignal<Vec<TypeOverride>>,
    /// Which segments the comparison shows (indices into `segments`).
    pub compared: RwSignal<Vec<usize>>,
    /// The segment the others are compared with (an index into `segments`); `None` for everyone else.
    pub base: RwSignal<Option<usize>>,
    /// The two groups "What distinguishes" contrasts (segment indices; `None` for everyone else), and
    /// what the engine found: (name of a, name of b, the findings or why there are none).
    pub pair: RwSignal<Option<(Option<usize>, Option<usize>)>>,
    pub distinguished: RwSignal<Option<Distinguished>>,
    /// The column the compared segments are broken down by, and the pivot.
    pub breakdown_by: RwSignal<Option<String>>,
    pub breakdown: RwSignal<Option<Result<Pivot, String>>>,
    /// The column of 0–10 answers the NPS is computed from, and the NPS per segment.
    pub nps_column: RwSignal<Option<String>>,
    pub nps: RwSignal<Option<Result<NpsComparison, String>>>,
    /// The health score, RFM and clustering settings (part of the link).
    pub models: RwSignal<crate::protocol::ModelSettings>,
    /// The outcome column the health score is back-tested against.
    pub outcome: RwSignal<Option<String>>,
    /// What the engine computed for `models`.
    pub models_view: RwSignal<crate::protocol::ModelsView>,
    /// A long model computation under way: its task and the share done.
    pub model_progress: RwSignal<Option<(String, f64)>>,
    /// "Now" for relative windows when the user chose it (seconds since the epoch, UTC).
    pub as_of: RwSignal<Option<i64>>,
    /// Key columns and roles the user chose over the guessed join.
    pub keys: RwSignal<Vec<JoinKey>>,
    next_notice: StoredValue<u64>,
}

impl AppState {
    pub fn new() -> Self {
        Self {
            ready: RwSignal::new(false),
            files: RwSignal::new(Vec::new()),
            pending: RwSignal::new(Vec::new()),
            progress: RwSignal::new(None),
            notices: RwSignal::new(Vec::new()),
            population: RwSignal::new(0),
            dataset: RwSignal::new(DatasetView::default()),
            segments: RwSignal::new(Vec::new()),
            results: RwSignal::new(Vec::new()),
            comparison: RwSignal::new(None),
            compare_error: RwSignal::new(None),
            overlap: RwSignal::new(None),
            compared: RwSignal::new(Vec::new()),
            base: RwSignal::new(None),
            pair: RwSignal::new(None),
            distinguished: RwSignal::new(None),
            breakdown_by: RwSignal::new(None),
            breakdown: RwSignal::new(None),
            nps_column: RwSignal::new(None),
            nps: RwSignal::new(None),
            models: RwSignal::new(crate::protocol::ModelSettings::default()),
            outcome: RwSignal::new(None),
            models_view: RwSignal::new(crate::protocol::ModelsView::default()),
            model_progress: RwSignal::new(None),
            as_of: RwSignal::new(None),
            keys: RwSignal::new(Vec::new()),
            types: RwSignal::new(Vec::new()),
            discovery: RwSignal::new(None),
            funnel: RwSignal::new(None),
            retention: RwSignal::new(None),
            impact_choices: RwSignal::new(crate::protocol::ImpactChoices::default()),
            experiment: RwSignal::new(None),
            before_after: RwSignal::new(None),
            sql_for: RwSignal::new(None),
            sql_dialect: RwSignal::new(Dialect::DuckDb),
            sql: RwSignal::new(None),
            next_notice: StoredValue::new(0),
        }
    }

    /// Starts the worker and keeps the URL and the worker in step with the segments.
    pub fn start(self) {
        if let Err(message) = browser::start_worker(move |response| self.apply(response)) {
            self.notify(NoticeKind::Error, message);
        }
        self.restore_data_from_url();
        self.restore_from_url();
        self.sync_compare_extras();
        Effect::new(move |_| {
            let segments = self.segments.get();
            if let Ok(json) = serde_json::to_string(&crate::components::share_bar::SegmentFile {
                seglab_segments: 1,
                segments: segments.clone(),
            }) {
                browser::save_local(LOCAL_SEGMENTS, &json);
            }
            let query = crate::pages::segments::encode_state(
                &segments,
                &self.compared.get(),
                self.base.get(),
                &self.types.get(),
            );
            let query =
                crate::pages::data::with_data_state(&query, self.as_of.get(), &self.keys.get());
            browser::replace_query(&crate::pages::models::encode_models(
                query,
                &self.models.get(),
            ));
        });
        // The engine adds model outputs to the users as columns; it learns the settings (and answers with
        // the models) whenever they or the files change.
        Effect::new(move |_| {
            let settings = self.models.get();
            let outcome = self.outcome.get();
            if self.ready.get() && !self.files.with(Vec::is_empty) {
                browser::post(&Request::SetModels { settings, outcome }, None);
            }
        });
        Effect::new(move |_| {
            let segments = self.segments.get();
            // A new join (as-of date, keys, a removed file) changes every segment's members.
            self.dataset.track();
            if self.ready.get() && !self.files.with(Vec::is_empty) {
                browser::post(
                    &Request::Evaluate {
                        segments: segments.clone(),
                    },
                    None,
                );
                let compared = self.compared.get();
                if !compared.is_empty() {
                    browser::post(
                        &Request::Compare {
                            segments: segments.clone(),
                            selected: compared,
                            baseline: self.base.get(),
                        },
                        None,
                    );
                }
                if let Some(index) = self.sql_for.get() {
                    let dialect = self.sql_dialect.get();
                    browser::post(
                        &Request::Sql {
                            segments,
                            index,
                            dialect,
                        },
                        None,
                    );
                }
            }
        });
    }

    /// Sends the Compare view's extra requests (what distinguishes two groups, the breakdown, the NPS)
    /// whenever the segments or the choices they depend on change.
    fn sync_compare_extras(self) {
        Effect::new(move |_| {
            let segments = self.segments.get();
            let selected = self.compared.get();
            if !self.ready.get() || self.files.with(Vec::is_empty) || selected.is_empty() {
                return;
            }
            if let Some((a, b)) = self.pair.get() {
                browser::post(
                    &Request::Distinguish {
                        segments: segments.clone(),
                        selected: selected.clone(),
                        a,
                        b,
                    },
                    None,
                );
            }
            if let Some(column) = self.breakdown_by.get() {
                browser::post(
                    &Request::Breakdown {
                        segments: segments.clone(),
                        selected: selected.clone(),
                        column,
                    },
                    None,
                );
            }
            if let Some(column) = self.nps_column.get() {
                browser::post(
                    &Request::Nps {
                        segments,
                        selected,
                        baseline: self.base.get(),
                        column,
                    },
                    None,
                );
            }
        });
    }

    /// The as-of date and join keys of a shared link, sent before any file is dropped (requests wait in
    /// order until the worker is ready), like the column types.
    fn restore_data_from_url(self) {
        let (shared, _) = seglab_core::share::decode(&browser::query_string());
        if shared.as_of.is_some() {
            browser::post(
                &Request::SetAsOf {
                    as_of: shared.as_of,
                },
                None,
            );
            self.as_of.set(shared.as_of);
        }
        if !shared.keys.is_empty() {
            browser::post(
                &Request::SetKeys {
                    keys: shared.keys.clone(),
                },
                None,
            );
            self.keys.set(shared.keys);
        }
    }

    /// Measures relative windows from `as_of` (`None`: the latest time in the data).
    pub fn set_as_of(self, as_of: Option<i64>) {
        self.as_of.set(as_of);
        browser::post(&Request::SetAsOf { as_of }, None);
    }

    /// Joins `file` on `key` as `kind` from now on (`None` keeps its role).
    pub fn set_key(self, choice: JoinKey) {
        self.keys.update(|keys| {
            keys.retain(|k| k.file != choice.file);
            keys.push(choice);
        });
        browser::post(
            &Request::SetKeys {
                keys: self.keys.get_untracked(),
            },
            None,
        );
    }

    fn restore_from_url(self) {
        let query = browser::query_string();
        let linked_models = crate::pages::models::decode_models(&query);
        if linked_models != crate::protocol::ModelSettings::default() {
            // Sent now, like column types, so that the engine scores the users as soon as files arrive.
            browser::post(
                &Request::SetModels {
                    settings: linked_models.clone(),
                    outcome: None,
                },
                None,
            );
            self.models.set(linked_models);
        }
        let (shared, errors) = crate::pages::segments::decode_state(&query);
        // Without a shared link, the segments of the last visit come back from this browser's storage.
        if shared.segments.is_empty()
            && shared.types.is_empty()
            && errors.is_empty()
            && self
                .models
                .with_untracked(|m| *m == crate::protocol::ModelSettings::default())
        {
            if let Some(saved) = browser::load_local(LOCAL_SEGMENTS)
                .and_then(|json| crate::components::share_bar::parse_segment_file(&json).ok())
            {
                self.segments.set(saved);
            }
            return;
        }
        for error in errors {
            self.notify(NoticeKind::Warning, error);
        }
        if !shared.segments.is_empty() {
            self.notify(
                NoticeKind::Info,
                format!(
                    "This link defines {} segment(s). Drop your copy of the files to see them.",
                    shared.segments.len()
                ),
            );
        }
        self.segments.set(shared.segments);
        self.compared.set(shared.compared);
        self.base.set(shared.base);
        // Sent now, so that it reaches the worker before any file the user drops: requests wait in order
        // until the worker is ready.
        if !shared.types.is_empty() {
            browser::post(
                &Request::SetTypes {
                    overrides: shared.types.clone(),
                },
                None,
            );
        }
        self.types.set(shared.types);
    }

    /// Sends files to the worker to be read.
    pub fn load_files(self, files: Vec<File>) {
        for file in files {
            let name = file.name();
            self.pending.update(|p| p.push(name.clone()));
            browser::post(&Request::Load { name }, Some(&file));
        }
    }

    /// Reads `file` in place of the loaded file `name`, whatever the new file is called.
    pub fn replace_file(self, name: String, file: File) {
        self.pending.update(|p| p.push(name.clone()));
        browser::post(&Request::Load { name }, Some(&file));
    }

    /// Reads a column as `ty` from now on (its file is read again).
    pub fn set_type(self, file: String, column: String, ty: ColumnType) {
        self.types.update(|types| {
            types.retain(|t| !(t.column == column && t.file.as_deref().is_none_or(|f| f == file)));
            types.push(TypeOverride {
                file: Some(file),
                column,
                ty,
            });
        });
        browser::post(
            &Request::SetTypes {
                overrides: self.types.get_untracked(),
            },
            None,
        );
    }

    /// Stops a long model computation (discovery, clustering). The worker cannot hear a message while it
    /// computes, so it is ended and a new one reads the files again; a clustering that was stopped is
    /// not asked for again.
    pub fn cancel_model(self) {
        let task = self.model_progress.get_untracked().map(|(task, _)| task);
        self.model_progress.set(None);
        if task.as_deref() == Some("clustering") {
            self.models.update(|m| m.cluster.clear());
        }
        match browser::restart_worker() {
            Ok(files) => {
                let types = self.types.get_untracked();
                if !types.is_empty() {
                    browser::post(&Request::SetTypes { overrides: types }, None);
                }
                browser::post(
                    &Request::SetModels {
                        settings: self.models.get_untracked(),
                        outcome: self.outcome.get_untracked(),
                    },
                    None,
                );
                for (name, file) in files {
                    self.pending.update(|p| p.push(name.clone()));
                    browser::post(&Request::Load { name }, Some(&file));
                }
                self.notify(
                    NoticeKind::Info,
                    format!(
                        "Stopped the {}. The files are read again; your segments stay.",
                        task.as_deref().unwrap_or("computation")
                    ),
                );
            }
            Err(message) => self.notify(NoticeKind::Error, message),
        }
    }

    pub fn cancel_load() {
        browser::post(&Request::Cancel, None);
    }

    pub fn remove_file(name: String) {
        browser::post(&Request::Remove { name }, None);
    }

    pub fn notify(self, kind: NoticeKind, text: impl Into<String>) {
        let id = self.next_notice.get_value();
        self.next_notice.set_value(id + 1);
        self.notices.update(|n| {
            n.push(Notice {
                id,
                kind,
                text: text.into(),
            });
        });
    }

    pub fn dismiss(self, id: u64) {
        self.notices.update(|n| n.retain(|notice| notice.id != id));
    }

    /// Applies a response from the worker.
    pub fn apply(self, response: Response) {
        match response {
            Response::Ready => self.ready.set(true),
            // Handled inside the worker, or only sent to the benchmark page.
            Response::Reload { .. } | Response::Timed { .. } | Response::Panel { .. } => {}
            Response::Discovery { result } => {
                self.model_progress.set(None);
                self.discovery.set(Some(result));
            }
            Response::ModelProgress { task, done } => self.model_progress.set(Some((task, done))),
            Response::Models { models } => {
                self.model_progress.set(None);
                let changed = self.models_view.with_untracked(|v| *v != *models);
                self.models_view.set(*models);
                // Segments over model outputs (`health_score >= 75`) change with the model.
                if changed {
                    self.segments.update(|_| {});
                }
            }
            Response::Funnel { result } => self.funnel.set(Some(result)),
            Response::Retention { result } => self.retention.set(Some(result)),
            Response::ImpactChoices { choices } => self.impact_choices.set(choices),
            Response::Experiment { result } => self.experiment.set(Some(result)),
            Response::BeforeAfter { result } => self.before_after.set(Some(result)),
            Response::Progress {
                name,
                bytes,
                total,
                rows,
            } => {
                self.progress.set(Some(LoadProgress {
                    name,
                    bytes,
                    total,
                    rows,
                }));
            }
            Response::Loaded { file, dataset } => {
                self.finish_pending(&file.name);
                self.population.set(dataset.population);
                self.dataset.set(dataset);
                self.files.update(
                    |files| match files.iter_mut().find(|f| f.name == file.name) {
                        Some(slot) => *slot = file,
                        None => files.push(file),
                    },
                );
            }
            Response::LoadFailed { name, message } => {
                self.finish_pending(&name);
                self.notify(NoticeKind::Error, format!("{name}: {message}"));
            }
            Response::Cancelled { name } => {
                self.finish_pending(&name);
                self.notify(
                    NoticeKind::Info,
                    format!("Stopped reading {name}. Files loaded before are still here."),
                );
            }
            Response::Joined { dataset } => {
                self.population.set(dataset.population);
                self.dataset.set(dataset);
            }
            Response::Removed { name, dataset } => {
                self.population.set(dataset.population);
                self.dataset.set(dataset);
                self.files.update(|files| files.retain(|f| f.name != name));
            }
            Response::Segments {
                population,
                segments,
            } => {
                self.population.set(population);
                self.results.set(segments);
            }
            Response::Comparison {
                comparison,
                overlap,
            } => {
                self.overlap.set(overlap);
                self.compare_error.set(None);
                self.comparison.set(Some(comparison));
            }
            Response::CompareFailed { message } => {
                self.comparison.set(None);
                self.compare_error.set(Some(message));
            }
            Response::Sql { name, sql, .. } => self.sql.set(Some((name, sql))),
            Response::Distinguished { a, b, result } => {
                self.distinguished.set(Some((a, b, result)));
            }
            Response::Breakdown { result } => self.breakdown.set(Some(result)),
            Response::Nps { result } => self.nps.set(Some(result)),
            Response::Members { name, csv } => match csv {
                Ok(csv) => {
                    let file = format!("{}-members.csv", crate::pages::compare::file_stem(&name));
                    if let Err(message) = browser::download(&file, "text/csv;charset=utf-8", &csv) {
                        self.notify(NoticeKind::Error, format!("The download failed: {message}"));
                    }
                }
                Err(message) => self.notify(
                    NoticeKind::Error,
                    format!("“{name}” has no members to export: {message}"),
                ),
            },
            Response::Failed { message } => self.notify(NoticeKind::Error, message),
            // Only benchmarks ask for timings.
        }
    }

    fn finish_pending(self, name: &str) {
        self.pending.update(|p| {
            if let Some(i) = p.iter().position(|n| n == name) {
                p.remove(i);
            }
        });
        if self.pending.with_untracked(Vec::is_empty) {
            self.progress.set(None);
        }
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self::new()
    }
}
