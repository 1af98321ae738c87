//! Where files come in: drag and drop, a file picker, or the sample data.

use crate::browser;
use crate::state::{AppState, NoticeKind};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The sample files shipped with the page.
const SAMPLE_FILES: [&str; 3] = ["users.csv", "events.csv", "nps.csv"];

/// A drop zone for several files at once, a file picker and "Try sample data".
#[component]
pub fn DropZone() -> impl IntoView {
    let state = expect_context::<AppState>();
    let dragging = RwSignal::new(false);
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        let files = browser::files_of(ev.data_transfer().and_then(|dt| dt.files()));
        state.load_files(files);
    };
    let on_pick = move |ev: web_sys::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        state.load_files(browser::files_of(input.files()));
        input.set_value("");
    };
    let try_sample = move |_| {
        leptos::task::spawn_local(async move {
            let mut files = Vec::new();
            for name in SAMPLE_FILES {
                match browser::fetch_sample(name).await {
                    Ok(file) => files.push(file),
                    Err(message) => state.notify(NoticeKind::Error, message),
                }
            }
            state.load_files(files);
        });
    };
    view! {
        <div
            class="drop-zone"
            class:dragging=move || dragging.get()
            data-testid="drop-zone"
            data-engine-ready=move || if state.ready.get() { "true" } else { "false" }
            on:dragover=move |ev: web_sys::DragEvent| { ev.prevent_default(); dragging.set(true); }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <p class="drop-title">"Drop CSV exports here"</p>
            <p class="hint">"A CRM export (one row per user), a product-analytics export (one row per event), a survey export (NPS). Several at once is fine."</p>
            <div class="drop-actions">
                <label class="button">
                    "Choose files…"
                    <input type="file" multiple accept=".csv,.tsv,.txt,text/csv" class="visually-hidden" data-testid="file-input" on:change=on_pick/>
                </label>
                <button type="button" class="button secondary" on:click=try_sample>"Try sample data"</button>
            </div>
        </div>
    }
}
