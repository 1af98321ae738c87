//! The engine as the worker runs it: the loaded files, the dataset joined from them, and the answer to each
//! request. Pure Rust over seglab-core (no browser APIs), so it is tested natively.

use crate::protocol::{
    ColumnView, DatasetView, FileView, Request, Response, SegmentErrorView, SegmentView,
};
use seglab_core::compare::{self, CompareOptions, Group};
use seglab_core::ingest::{CsvReader, Loaded, ReadOptions};
use seglab_core::join::{self, MeasureSpec, Source};
use seglab_core::segment::{self, Segment};
use seglab_core::{Bitset, Dataset};

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
    view: DatasetView,
}

impl Engine {
    /// A reader for a new file of `size` bytes, or why the file cannot be read.
    pub fn reader(name: &str, size: u64) -> Result<CsvReader, String> {
        if size > MAX_FILE_BYTES {
            return Err(format!(
                "{name} is {} MB, more than the {} MB a browser tab can hold; use the `seglab` command line for it",
                size >> 20,
                MAX_FILE_BYTES >> 20
            ));
        }
        Ok(CsvReader::new(name, ReadOptions::default()))
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
        let mut reader = match Self::reader(name, bytes.len() as u64) {
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
            // Timing is the worker's (it has the browser's clock); here the request is answered once.
            Request::Time { request, .. } => self.handle(*request),
        }
    }

    /// Joins the loaded files into the dataset segments see, with per-user event measures as columns.
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
        match join::build(&sources, &proposal.plan) {
            Ok(joined) => {
                let mut dataset = joined.dataset;
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
                    guesses: proposal.guesses,
                    coverage: joined.coverage,
                    problems,
                };
                self.dataset = dataset;
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
                            message: error.message.clone(),
                            span: error.span,
                            suggestions: error.suggestions.clone(),
                        }),
                    },
                    None,
                ),
            })
            .collect()
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
                return Response::Failed {
                    message: format!("Cannot compare “{}”: {reason}", view.name),
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
        match compare::compare(&self.dataset.population, &groups, &options) {
            Ok(comparison) => Response::Comparison { comparison },
            Err(error) => Response::Failed {
                message: format!("Cannot compare: {error}"),
            },
        }
    }
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
            .map(|d| match d.line {
                Some(line) => format!("line {line}: {}", d.message),
                None => d.message.clone(),
            })
            .collect(),
    }
}
