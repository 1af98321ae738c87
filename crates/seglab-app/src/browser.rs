//! Browser glue for the page: the engine worker, the URL, the clipboard and fetching the sample data.
//!
//! Everything that touches `web-sys` on the page side lives here, so that components deal in plain values.

use crate::protocol::{Request, Response};
use std::cell::RefCell;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{File, MessageEvent, Worker};

type MessageHandler = Closure<dyn FnMut(MessageEvent)>;

thread_local! {
    static WORKER: RefCell<Option<Worker>> = const { RefCell::new(None) };
    // The closure must live as long as the worker; it is kept here rather than leaked.
    static ON_MESSAGE: RefCell<Option<MessageHandler>> = const { RefCell::new(None) };
    // A worker drops messages that arrive before its wasm has started and installed its handler, so
    // requests wait here until it says it is ready.
    static WAITING: RefCell<Option<Vec<js_sys::Array>>> = const { RefCell::new(Some(Vec::new())) };
    // The files the worker was given, to give a restarted worker.
    static SENT_FILES: RefCell<Vec<(String, File)>> = const { RefCell::new(Vec::new()) };
}

/// Starts the engine worker and routes its responses to `on_response`.
pub fn start_worker(on_response: impl Fn(Response) + 'static) -> Result<(), String> {
    let worker = Worker::new("./seglab-worker_loader.js")
        .map_err(|e| format!("could not start the engine: {e:?}"))?;
    let handler = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        match serde_wasm_bindgen::from_value::<Response>(event.data()) {
            Ok(response) => {
                if matches!(response, Response::Ready) {
                    flush_waiting();
                }
                on_response(response);
            }
            Err(error) => on_response(Response::Failed {
                message: format!("unreadable message from the engine: {error}"),
            }),
        }
    });
    worker.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    ON_MESSAGE.with(|slot| *slot.borrow_mut() = Some(handler));
    WORKER.with(|slot| *slot.borrow_mut() = Some(worker));
    Ok(())
}

/// Sends a request to the worker, with a file attached when there is one.
pub fn post(request: &Request, file: Option<&File>) {
    let Ok(message) = serde_wasm_bindgen::to_value(request) else {
        return;
    };
    match (request, file) {
        (Request::Load { name }, Some(file)) => SENT_FILES.with_borrow_mut(|files| {
            files.retain(|(n, _)| n != name);
            files.push((name.clone(), file.clone()));
        }),
        (Request::Remove { name }, _) => {
            SENT_FILES.with_borrow_mut(|files| files.retain(|(n, _)| n != name));
        }
        _ => {}
    }
    let envelope = js_sys::Array::of2(&message, file.map_or(&JsValue::NULL, |f| f.as_ref()));
    let waiting = WAITING.with_borrow_mut(|waiting| match waiting {
        Some(queue) => {
            queue.push(envelope.clone());
            true
        }
        None => false,
    });
    if !waiting {
        send(&envelope);
    }
}

fn send(envelope: &js_sys::Array) {
    WORKER.with(|slot| {
        if let Some(worker) = slot.borrow().as_ref() {
            let _ = worker.post_message(envelope);
        }
    });
}

/// Ends the worker, stopping whatever it computes (a computation cannot be interrupted by a message), and
/// starts a new one with the same response handler. Returns the files the old worker had been given,
/// which the caller sends again.
pub fn restart_worker() -> Result<Vec<(String, File)>, String> {
    if let Some(old) = WORKER.with(|slot| slot.borrow_mut().take()) {
        old.terminate();
    }
    let worker = Worker::new("./seglab-worker_loader.js")
        .map_err(|e| format!("could not start the engine again: {e:?}"))?;
    ON_MESSAGE.with(|slot| {
        if let Some(handler) = slot.borrow().as_ref() {
            worker.set_onmessage(Some(handler.as_ref().unchecked_ref()));
        }
    });
    WAITING.with_borrow_mut(|waiting| *waiting = Some(Vec::new()));
    WORKER.with(|slot| *slot.borrow_mut() = Some(worker));
    Ok(SENT_FILES.with_borrow_mut(std::mem::take))
}

/// The worker is ready: send what waited, in order, and send directly from now on.
fn flush_waiting() {
    let queued = WAITING.with_borrow_mut(Option::take).unwrap_or_default();
    for envelope in &queued {
        send(envelope);
    }
}

/// The page's query string, without the leading `?`.
pub fn query_string() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .map(|s| s.trim_start_matches('?').to_owned())
        .unwrap_or_default()
}

/// Replaces the query string without reloading or adding a history entry.
pub fn replace_query(query: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(history) = window.history() else {
        return;
    };
    let path = window.location().pathname().unwrap_or_default();
    let url = if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    };
    let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
}

/// The full address of the page, for the Copy-link button.
pub fn page_url() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

/// Copies text to the clipboard; resolves to whether it worked.
pub async fn copy_to_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let promise = window.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

/// Fetches one of the sample files shipped with the page (same origin) as a `File`.
pub async fn fetch_sample(name: &str) -> Result<File, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response =
        wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(&format!("./sample/{name}")))
            .await
            .map_err(|e| format!("could not load the sample {name}: {e:?}"))?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| "unexpected fetch result")?;
    if !response.ok() {
        return Err(format!(
            "could not load the sample {name}: HTTP {}",
            response.status()
        ));
    }
    let blob_promise = response.blob().map_err(|e| format!("{e:?}"))?;
    let blob: web_sys::Blob = wasm_bindgen_futures::JsFuture::from(blob_promise)
        .await
        .map_err(|e| format!("{e:?}"))?
        .dyn_into()
        .map_err(|_| "unexpected blob")?;
    let parts = js_sys::Array::of1(&blob);
    File::new_with_blob_sequence(&parts, name).map_err(|e| format!("{e:?}"))
}

/// The files of a `FileList` (from a drop or a file picker).
pub fn files_of(list: Option<web_sys::FileList>) -> Vec<File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// Offers `contents` as a download named `file_name`, without any network request.
pub fn download(file_name: &str, mime: &str, contents: &str) -> Result<(), String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let parts = js_sys::Array::of1(&JsValue::from_str(contents));
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|e| format!("{e:?}"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| format!("{e:?}"))?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|e| format!("{e:?}"))?
        .dyn_into()
        .map_err(|_| "no anchor")?;
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// A value saved in this browser's local storage (segment definitions only, never data).
pub fn load_local(key: &str) -> Option<String> {
    web_sys::window()?
        .local_storage()
        .ok()??
        .get_item(key)
        .ok()?
}

/// Saves a value in local storage; a full or disabled storage is not an error worth showing.
pub fn save_local(key: &str, value: &str) {
    if let Some(Ok(Some(storage))) = web_sys::window().map(|w| w.local_storage()) {
        let _ = storage.set_item(key, value);
    }
}

/// A small text file's contents (an imported segment list).
pub async fn file_text(file: &File) -> Result<String, String> {
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .map_err(|e| format!("{e:?}"))?;
    text.as_string()
        .ok_or_else(|| "the file is not text".to_owned())
}
