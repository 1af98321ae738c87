//! The engine worker: owns the loaded files and the dataset, and answers the page's requests.
//!
//! Files are read in chunks (`Blob.slice` + `arrayBuffer`) so that progress can be reported and a cancel
//! request, which arrives between two chunks, stops the load. Loads run one at a time, in order.

use crate::engine::Engine;
use crate::protocol::{Request, Response};
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, File, MessageEvent};

/// Bytes read from the file per step: big enough to amortise the copy into wasm memory, small enough to
/// report progress several times a second.
const CHUNK: f64 = 8.0 * 1024.0 * 1024.0;

thread_local! {
    static ENGINE: RefCell<Engine> = RefCell::new(Engine::default());
    static QUEUE: RefCell<VecDeque<(String, File)>> = const { RefCell::new(VecDeque::new()) };
    // The files as the user gave them, to read again when column types change.
    static FILES: RefCell<Vec<(String, File)>> = const { RefCell::new(Vec::new()) };
    static LOADING: Cell<bool> = const { Cell::new(false) };
    static CANCEL: Cell<bool> = const { Cell::new(false) };
    static WARMED: Cell<bool> = const { Cell::new(false) };
    static READER: RefCell<Option<Reader>> = const { RefCell::new(None) };
}

/// The file reader's worker (`reader.js`) and the reads it has not answered yet.
struct Reader {
    worker: web_sys::Worker,
    next_id: u32,
    /// Per read: its request, to read it here instead should the reader fail, and its promise's
    /// resolve and reject functions.
    pending: Rc<RefCell<HashMap<u32, PendingRead>>>,
}

struct PendingRead {
    file: File,
    start: f64,
    end: f64,
    resolve: js_sys::Function,
    reject: js_sys::Function,
}

/// Starts the file reader's worker, as part of the page's loading (so that a file's load fetches
/// nothing). Without it (a browser without nested workers), reads happen in this worker.
fn start_reader() {
    let Ok(worker) = web_sys::Worker::new("./reader.js") else {
        return;
    };
    let pending: Rc<RefCell<HashMap<u32, PendingRead>>> = Rc::default();
    let answers = Rc::clone(&pending);
    let on_answer = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        let field = |name: &str| js_sys::Reflect::get(&data, &name.into()).unwrap_or_default();
        let Some(id) = field("id").as_f64() else {
            return;
        };
        let Some(read) = answers.borrow_mut().remove(&(id as u32)) else {
            return;
        };
        let error = field("error");
        if error.is_undefined() {
            let _ = read.resolve.call1(&JsValue::NULL, &field("buffer"));
        } else {
            let _ = read.reject.call1(&JsValue::NULL, &error);
        }
    });
    worker.set_onmessage(Some(on_answer.as_ref().unchecked_ref()));
    on_answer.forget();
    // The reader failed (its script did not load, or it stopped): every read it owes, and every later
    // one, happens here.
    let owed = Rc::clone(&pending);
    let on_error = Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |_: web_sys::ErrorEvent| {
        READER.set(None);
        for (_, read) in owed.borrow_mut().drain() {
            match direct_read(&read.file, read.start, read.end) {
                Ok(promise) => {
                    let _ = read.resolve.call1(&JsValue::NULL, &promise);
                }
                Err(message) => {
                    let _ = read.reject.call1(&JsValue::NULL, &message.into());
                }
            }
        }
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    READER.set(Some(Reader {
        worker,
        next_id: 0,
        pending,
    }));
}

/// Installs the message handler and tells the page the worker is ready.
pub fn start() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let handler = Closure::<dyn FnMut(MessageEvent)>::new(on_message);
    scope.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    // The handler lives as long as the worker does.
    handler.forget();
    start_reader();
    reply(&Response::Ready);
}

/// Warms the engine up (see [`crate::engine::warm_up`]) once, after the first load has been answered,
/// unless another file is on its way: the first file's reading and typing have been compiled by then
/// from its own rows, and the join of an event log, which that file may not have had, is compiled
/// before the next file arrives. Warmed up before the first file instead, loading users.csv took
/// 200 ms less the first time but 50 to 80 ms more every later time in Chromium: V8 compiles a function
/// from what it saw it do, and the generated files read differently from real ones.
fn warm_up_once() {
    if WARMED.replace(true) {
        return;
    }
    let warm = Closure::once_into_js(|| {
        if LOADING.get() {
            WARMED.set(false);
        } else {
            crate::engine::warm_up();
        }
    });
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let _ = scope.set_timeout_with_callback_and_timeout_and_arguments_0(warm.unchecked_ref(), 0);
}

#[allow(clippy::needless_pass_by_value)] // the signature a JS event handler has
fn on_message(event: MessageEvent) {
    let envelope: js_sys::Array = event.data().unchecked_into();
    let request = match serde_wasm_bindgen::from_value::<Request>(envelope.get(0)) {
        Ok(request) => request,
        Err(error) => {
            return reply(&Response::Failed {
                message: format!("unreadable request: {error}"),
            });
        }
    };
    match request {
        Request::Load { name } => match envelope.get(1).dyn_into::<File>() {
            Ok(file) => enqueue(name, file),
            Err(_) => reply(&Response::LoadFailed {
                name,
                message: "no file was attached".into(),
            }),
        },
        Request::Cancel => CANCEL.set(true),
        Request::Time { request, runs } => reply(&time(&request, runs)),
        other => {
            if let Request::Remove { name } = &other {
                FILES.with_borrow_mut(|files| files.retain(|(n, _)| n != name));
            }
            // Long computations report progress as they go; the page cancels them by ending the worker,
            // since no message can reach it before the computation returns.
            let mut reported = -1.0;
            let mut progress = |task: &str, done: f64| {
                if done - reported >= 0.01 || done >= 1.0 {
                    reported = done;
                    reply(&Response::ModelProgress {
                        task: task.to_owned(),
                        done,
                    });
                }
                true
            };
            match ENGINE.with_borrow_mut(|engine| engine.handle_long(other, &mut progress)) {
                Response::Reload { names } => {
                    for name in names {
                        let file = FILES.with_borrow(|files| {
                            files
                                .iter()
                                .find(|(n, _)| *n == name)
                                .map(|(_, f)| f.clone())
                        });
                        if let Some(file) = file {
                            enqueue(name, file);
                        }
                    }
                }
                response => reply(&response),
            }
        }
    }
}

/// Answers `request` `runs` times (at least once), timing each answer with `performance.now()`.
fn time(request: &Request, runs: usize) -> Response {
    let mut ms = Vec::with_capacity(runs.max(1));
    let mut last = Response::Failed {
        message: "nothing was timed".into(),
    };
    for _ in 0..runs.max(1) {
        let start = now();
        last = ENGINE.with_borrow_mut(|engine| engine.handle(request.clone()));
        ms.push(now() - start);
    }
    Response::Timed {
        ms,
        last: Box::new(last),
    }
}

/// The worker's `performance.now()` in milliseconds (`Date.now()` when it is unavailable).
fn now() -> f64 {
    let global = js_sys::global();
    js_sys::Reflect::get(&global, &"performance".into())
        .ok()
        .and_then(|performance| {
            let now: js_sys::Function = js_sys::Reflect::get(&performance, &"now".into())
                .ok()?
                .dyn_into()
                .ok()?;
            now.call0(&performance).ok()?.as_f64()
        })
        .unwrap_or_else(js_sys::Date::now)
}

fn reply(response: &Response) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    if let Ok(message) = serde_wasm_bindgen::to_value(response) {
        let _ = scope.post_message(&message);
    }
}

fn enqueue(name: String, file: File) {
    FILES.with_borrow_mut(|files| {
        files.retain(|(n, _)| *n != name);
        files.push((name.clone(), file.clone()));
    });
    QUEUE.with_borrow_mut(|queue| queue.push_back((name, file)));
    if LOADING.replace(true) {
        return;
    }
    wasm_bindgen_futures::spawn_local(async {
        while let Some((name, file)) = QUEUE.with_borrow_mut(VecDeque::pop_front) {
            CANCEL.set(false);
            let response = load(&name, &file).await;
            reply(&response);
        }
        LOADING.set(false);
        warm_up_once();
    });
}

async fn load(name: &str, file: &File) -> Response {
    let total = file.size();
    let mut reader = match ENGINE.with_borrow(|engine| engine.reader(name, total as u64)) {
        Ok(reader) => reader,
        Err(message) => {
            return Response::LoadFailed {
                name: name.into(),
                message,
            };
        }
    };
    // The next chunk is requested before this one is parsed, so that the browser reads it meanwhile.
    let mut next = (total > 0.0).then(|| start_read(file, 0.0, CHUNK.min(total)));
    let mut offset = 0.0;
    while let Some(pending) = next.take() {
        if CANCEL.get() {
            return Response::Cancelled { name: name.into() };
        }
        let end = (offset + CHUNK).min(total);
        let chunk = match finish_read(pending).await {
            Ok(chunk) => chunk,
            Err(message) => {
                return Response::LoadFailed {
                    name: name.into(),
                    message,
                };
            }
        };
        if end < total {
            next = Some(start_read(file, end, (end + CHUNK).min(total)));
        }
        match reader.feed(&chunk) {
            Ok(progress) => reply(&Response::Progress {
                name: name.into(),
                bytes: progress.bytes,
                total: total as u64,
                rows: progress.rows,
            }),
            Err(error) => {
                return Response::LoadFailed {
                    name: name.into(),
                    message: error.to_string(),
                };
            }
        }
        offset = end;
    }
    if CANCEL.get() {
        return Response::Cancelled { name: name.into() };
    }
    ENGINE.with_borrow_mut(|engine| engine.finish_load(name, total as u64, reader))
}

/// Starts reading bytes `start..end` of `file`: the file reader's worker reads while this one goes on.
fn start_read(file: &File, start: f64, end: f64) -> Result<JsFuture, String> {
    let asked = READER.with_borrow_mut(|reader| {
        let reader = reader.as_mut()?;
        let id = reader.next_id;
        reader.next_id = reader.next_id.wrapping_add(1);
        let request = js_sys::Object::new();
        let set = |key: &str, value: &JsValue| js_sys::Reflect::set(&request, &key.into(), value);
        set("id", &id.into()).ok()?;
        set("file", file).ok()?;
        set("start", &start.into()).ok()?;
        set("end", &end.into()).ok()?;
        let mut callbacks = None;
        let promise =
            js_sys::Promise::new(&mut |resolve, reject| callbacks = Some((resolve, reject)));
        let (resolve, reject) = callbacks?;
        reader.pending.borrow_mut().insert(
            id,
            PendingRead {
                file: file.clone(),
                start,
                end,
                resolve,
                reject,
            },
        );
        if reader.worker.post_message(&request).is_err() {
            reader.pending.borrow_mut().remove(&id);
            return None;
        }
        Some(promise)
    });
    let promise = match asked {
        Some(promise) => promise,
        None => direct_read(file, start, end)?,
    };
    Ok(JsFuture::from(promise))
}

/// Reads bytes `start..end` of `file` from this worker.
fn direct_read(file: &File, start: f64, end: f64) -> Result<js_sys::Promise, String> {
    let blob = file
        .slice_with_f64_and_f64(start, end)
        .map_err(|e| format!("could not read the file: {e:?}"))?;
    Ok(blob.array_buffer())
}

/// The bytes of a read started by [`start_read`].
async fn finish_read(read: Result<JsFuture, String>) -> Result<Vec<u8>, String> {
    let buffer = read?
        .await
        .map_err(|e| format!("could not read the file: {e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}
