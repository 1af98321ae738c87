//! The engine as the worker runs it: the loaded files, the dataset joined from them, and the answer to each
//! request. Pure Rust over seglab-core (no browser APIs), so it is tested natively.

use crate::protocol::{ColumnView, FileView, Request, Response, SegmentDef, SegmentErrorView, SegmentView};
use seglab_core::ingest::{CsvReader, Loaded, ReadOptions};
use seglab_core::segment::{self, Segment};
use seglab_core::{Bitset, Dataset};

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
}

impl Engine {
    /// A reader for a new file of `size` bytes.
    pub fn reader(&self, name: &str, _size: u64) -> Result<CsvReader, String> {
        Ok(CsvReader::new(name, ReadOptions::default()))
    }

    /// Completes a load: the file replaces any loaded file of the same name.
    pub fn finish_load(&mut self, name: &str, bytes: u64, reader: CsvReader) -> Response {
        let loaded = match reader.finish() {
            Ok(loaded) => loaded,
            Err(error) => return Response::LoadFailed { name: name.into(), message: error.to_string() },
        };
        let file = LoadedFile { name: name.into(), bytes, loaded };
        let view = file_view(&file);
        match self.files.iter_mut().find(|f| f.name == name) {
            Some(slot) => *slot = file,
            None => self.files.push(file),
        }
        self.rebuild();
        Response::Loaded { file: view, population: self.dataset.users() }
    }

    /// Loads a whole file at once (the CLI-like path used by tests).
    pub fn load_bytes(&mut self, name: &str, bytes: &[u8]) -> Response {
        let mut reader = match self.reader(name, bytes.len() as u64) {
            Ok(reader) => reader,
            Err(message) => return Response::LoadFailed { name: name.into(), message },
        };
        if let Err(error) = reader.feed(bytes) {
            return Response::LoadFailed { name: name.into(), message: error.to_string() };
        }
        self.finish_load(name, bytes.len() as u64, reader)
    }

    pub fn handle(&mut self, request: Request) -> Response {
        match request {
            Request::Load { name } => Response::LoadFailed { name, message: "no file was attached".into() },
            Request::Cancel => Response::Failed { message: "nothing to cancel".into() },
            Request::Remove { name } => {
                self.files.retain(|f| f.name != name);
                self.rebuild();
                Response::Removed { name, population: self.dataset.users() }
            }
            Request::Evaluate { segments } => Response::Segments {
                population: self.dataset.users(),
                segments: self.evaluate(&segments).into_iter().map(|(view, _)| view).collect(),
            },
            Request::Compare { segments, selected } => self.compare(&segments, &selected),
        }
    }

    fn rebuild(&mut self) {
        self.dataset = match self.files.first() {
            Some(file) => Dataset::from_table(file.loaded.table.clone()),
            None => Dataset::default(),
        };
    }

    fn evaluate(&self, defs: &[SegmentDef]) -> Vec<(SegmentView, Option<Bitset>)> {
        let segments: Vec<Segment> = defs
            .iter()
            .map(|d| Segment { name: d.name.clone(), color: d.color.clone(), definition: d.definition.clone() })
            .collect();
        segment::evaluate_all(&segments, &self.dataset)
            .into_iter()
            .zip(defs)
            .map(|(result, def)| match result {
                Ok(members) => (SegmentView { name: def.name.clone(), size: Some(members.count()), error: None }, Some(members)),
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

    fn compare(&self, defs: &[SegmentDef], selected: &[usize]) -> Response {
        let _ = (defs, selected);
        Response::Failed { message: "comparison not wired yet".into() }
    }
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
        warnings: report.warnings.iter().map(|d| match d.line {
            Some(line) => format!("line {line}: {}", d.message),
            None => d.message.clone(),
        }).collect(),
    }
}
