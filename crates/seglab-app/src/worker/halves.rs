//! Reading a large file in two halves at once: the engine worker reads the first half, a second worker
//! (the same script, named [`HELPER_NAME`]) reads the second half with a [`PartReader`] and sends its
//! cells back, a column per buffer, transferred rather than copied. The engine worker then takes the
//! half over with [`CsvReader::begin_part`], or, when a record does not end where the half starts (a
//! line end inside a quoted field) or the two decoded differently, reads on by itself.
//!
//! The helper is started with the engine worker, so that it is ready when a file comes, and replaced by
//! a fresh one after each half it reads: a WebAssembly memory never shrinks, and a fresh worker gives
//! back what the half took.

use seglab_core::ingest::{CsvReader, PartReader, PartSpec};
use std::cell::{Cell, RefCell};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, File, MessageEvent, Worker, WorkerOptions};

/// The name the helper worker is started with; a worker so named starts no helper of its own.
const HELPER_NAME: &str = "seglab-half";
/// Files from this size on are read in two halves.
pub const TWO_HALVES_FROM: f64 = 32.0 * 1024.0 * 1024.0;
/// How far past the middle a line end is looked for.
const LINE_SEARCH: f64 = 1024.0 * 1024.0;

const READ_PART: &str = "read-part";
const PART: &str = "part";
const PART_PROGRESS: &str = "part-progress";
const PART_FAILED: &str = "part-failed";

type Handler = Closure<dyn FnMut(MessageEvent)>;

struct Helper {
    worker: Worker,
    _on_message: Handler,
    _on_error: Closure<dyn FnMut(JsValue)>,
    /// Resolved when the helper's wasm has started.
    ready: js_sys::Promise,
    /// Resolves the promise of the half being read, with the helper's answer (null when abandoned).
    answer: Option<js_sys::Function>,
}

thread_local! {
    static HELPER: RefCell<Option<Helper>> = const { RefCell::new(None) };
    static READY: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
    /// Bytes and rows the helper has read of the half in flight.
    static HALF_PROGRESS: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// Whether this worker is a helper reading halves.
pub fn is_helper() -> bool {
    scope().name() == HELPER_NAME
}

/// Starts a helper (the engine worker calls this once it is ready, and again after each half).
pub fn start_helper() {
    if is_helper() {
        return;
    }
    let url = scope().location().href();
    let options = WorkerOptions::new();
    options.set_name(HELPER_NAME);
    let Ok(worker) = Worker::new_with_options(&url, &options) else {
        return;
    };
    let mut resolve_ready = None;
    let ready = js_sys::Promise::new(&mut |resolve, _| resolve_ready = Some(resolve));
    READY.set(resolve_ready);
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(on_helper_message);
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // A helper that fails (out of memory, a bug) answers nothing: the half is then read here.
    let on_error = Closure::<dyn FnMut(JsValue)>::new(|_| {
        let answer = HELPER.with_borrow_mut(|h| h.as_mut().and_then(|h| h.answer.take()));
        if let Some(resolve) = answer {
            let _ = resolve.call1(&JsValue::NULL, &JsValue::NULL);
        }
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    HELPER.set(Some(Helper {
        worker,
        _on_message: on_message,
        _on_error: on_error,
        ready,
        answer: None,
    }));
}

/// A message from the helper: that it is ready (the engine's `Ready` response), progress, or a half.
#[allow(clippy::needless_pass_by_value)] // the signature a JS event handler has
fn on_helper_message(event: MessageEvent) {
    let data = event.data();
    let tag = data
        .dyn_ref::<js_sys::Array>()
        .and_then(|a| a.get(0).as_string());
    match tag.as_deref() {
        Some(PART_PROGRESS) => {
            let array: js_sys::Array = data.unchecked_into();
            let number = |i| array.get(i).as_f64().unwrap_or(0.0) as u64;
            HALF_PROGRESS.set((number(1), number(2)));
            super::relay_progress();
        }
        Some(PART | PART_FAILED) => {
            let answer = HELPER.with_borrow_mut(|h| h.as_mut().and_then(|h| h.answer.take()));
            if let Some(resolve) = answer {
                let _ = resolve.call1(&JsValue::NULL, &data);
            }
        }
        // Anything else is the engine's `Ready`: the helper listens from now on.
        _ => {
            if let Some(resolve) = READY.take() {
                let _ = resolve.call0(&JsValue::NULL);
            }
        }
    }
}

/// The bytes and rows the helper has read of the half in flight.
pub fn half_progress() -> (u64, u64) {
    HALF_PROGRESS.get()
}

/// A half being read by the helper.
pub struct Half {
    /// Where the half starts: just after a line end.
    pub start: f64,
    answer: JsFuture,
}

/// Where the second half starts: just past the first line end after the middle of the file (`None`
/// when there is none within a MiB).
pub async fn split_point(file: &File, total: f64) -> Option<f64> {
    let middle = (total / 2.0).floor();
    let end = (middle + LINE_SEARCH).min(total);
    let blob = file.slice_with_f64_and_f64(middle, end).ok()?;
    let buffer = JsFuture::from(blob.array_buffer()).await.ok()?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    let at = memchr_newline(&bytes)?;
    let start = middle + (at + 1) as f64;
    (start < total).then_some(start)
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'\n')
}

/// Asks the helper to read `file` from `start` on; `None` when there is no helper.
pub fn read_half(file: &File, start: f64, spec: &PartSpec) -> Option<Half> {
    let spec = serde_wasm_bindgen::to_value(spec).ok()?;
    HALF_PROGRESS.set((0, 0));
    HELPER.with_borrow_mut(|helper| {
        let helper = helper.as_mut()?;
        let mut resolve_answer = None;
        let answer = js_sys::Promise::new(&mut |resolve, _| resolve_answer = Some(resolve));
        helper.answer = resolve_answer;
        let message = js_sys::Array::of5(
            &READ_PART.into(),
            &spec,
            file,
            &start.into(),
            &file.size().into(),
        );
        let worker = helper.worker.clone();
        let ready = helper.ready.clone();
        wasm_bindgen_futures::spawn_local(async move {
            if JsFuture::from(ready).await.is_ok() {
                let _ = worker.post_message(&message);
            }
        });
        Some(Half {
            start,
            answer: JsFuture::from(answer),
        })
    })
}

/// Stops the half in flight (the load was cancelled): the helper is replaced.
pub fn abandon() {
    let answer = HELPER.with_borrow_mut(|h| h.as_mut().and_then(|h| h.answer.take()));
    if let Some(resolve) = answer {
        let _ = resolve.call1(&JsValue::NULL, &JsValue::NULL);
        replace_helper();
    }
}

fn replace_helper() {
    if let Some(helper) = HELPER.take() {
        helper.worker.terminate();
    }
    start_helper();
}

/// Waits for the half and hands it to `reader`: `Ok(true)` when the reader took it over, `Ok(false)`
/// when the caller must read the half itself (the helper failed, or the half cannot follow), `Err` when
/// the half came back damaged.
pub async fn take_half(half: Half, reader: &mut CsvReader) -> Result<bool, String> {
    let answer = half.answer.await.unwrap_or(JsValue::NULL);
    // The helper's memory holds the half's cells: a fresh helper gives it back.
    replace_helper();
    let Some(array) = answer.dyn_ref::<js_sys::Array>() else {
        return Ok(false);
    };
    if array.get(0).as_string().as_deref() != Some(PART) {
        return Ok(false);
    }
    let meta = js_sys::Uint8Array::new(&array.get(1)).to_vec();
    let columns: js_sys::Array = array.get(2).unchecked_into();
    if !reader
        .begin_part(&meta, columns.length() as usize)
        .map_err(|e| e.to_string())?
    {
        return Ok(false);
    }
    for (i, pieces) in columns.iter().enumerate() {
        let pieces: js_sys::Array = pieces.unchecked_into();
        for piece in pieces.iter() {
            // One piece's copy at a time in this worker's memory.
            let cells = js_sys::Uint8Array::new(&piece).to_vec();
            reader
                .append_part_column(i, &cells)
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(true)
}

/// In the helper: answers a request to read a half, if `envelope` is one. Returns whether it was.
pub fn answer(envelope: &js_sys::Array) -> bool {
    if envelope.get(0).as_string().as_deref() != Some(READ_PART) {
        return false;
    }
    let envelope = envelope.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let message = match read(&envelope).await {
            Ok((meta, columns)) => {
                let transfer = js_sys::Array::new();
                let meta = buffer(&meta);
                transfer.push(&meta);
                let buffers = js_sys::Array::new();
                for pieces in columns {
                    let column = js_sys::Array::new();
                    for piece in pieces {
                        let piece = buffer(&piece);
                        transfer.push(&piece);
                        column.push(&piece);
                    }
                    buffers.push(&column);
                }
                let message = js_sys::Array::of3(&PART.into(), &meta, &buffers);
                let _ = scope().post_message_with_transfer(&message, &transfer);
                return;
            }
            Err(error) => js_sys::Array::of2(&PART_FAILED.into(), &error.into()),
        };
        let _ = scope().post_message(&message);
    });
    true
}

/// The bytes as an `ArrayBuffer` of their own (to be transferred).
fn buffer(bytes: &[u8]) -> js_sys::ArrayBuffer {
    js_sys::Uint8Array::from(bytes).buffer()
}

async fn read(envelope: &js_sys::Array) -> Result<(Vec<u8>, Vec<Vec<Vec<u8>>>), String> {
    let spec: PartSpec =
        serde_wasm_bindgen::from_value(envelope.get(1)).map_err(|e| e.to_string())?;
    let file: File = envelope
        .get(2)
        .dyn_into()
        .map_err(|_| "no file was attached".to_owned())?;
    let start = envelope.get(3).as_f64().unwrap_or(0.0);
    let end = envelope.get(4).as_f64().unwrap_or(0.0);
    let mut reader = PartReader::new(&spec);
    reader.size_hint(&spec, (end - start) as u64);
    let mut offset = start;
    let mut next =
        (start < end).then(|| super::start_read(&file, start, (start + super::CHUNK).min(end)));
    while let Some(pending) = next.take() {
        let chunk_end = (offset + super::CHUNK).min(end);
        let chunk = super::finish_read(pending).await?;
        if chunk_end < end {
            next = Some(super::start_read(
                &file,
                chunk_end,
                (chunk_end + super::CHUNK).min(end),
            ));
        }
        let progress = reader.feed(&chunk).map_err(|e| e.to_string())?;
        let message = js_sys::Array::of3(
            &PART_PROGRESS.into(),
            &(progress.bytes as f64).into(),
            &(progress.rows as f64).into(),
        );
        let _ = scope().post_message(&message);
        offset = chunk_end;
    }
    let part = reader.finish().map_err(|e| e.to_string())?;
    Ok((part.meta, part.columns))
}
