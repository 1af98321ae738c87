//! Sharing: copy the link (definitions only, no data), and export or import the segment list as JSON.

use crate::browser;
use crate::state::{AppState, NoticeKind};
use leptos::prelude::*;
use seglab_core::segment::Segment;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;

/// The exported segment list: versioned, so that a later Seglab can still read it.
#[derive(Serialize, Deserialize)]
pub struct SegmentFile {
    pub seglab_segments: u32,
    pub segments: Vec<Segment>,
}

/// Reads an exported segment list, with a message a person can act on when it is not one.
pub fn parse_segment_file(text: &str) -> Result<Vec<Segment>, String> {
    let file: SegmentFile = serde_json::from_str(text).map_err(|e| {
        format!("this is not a Seglab segment list ({e}); export one with “Export segments”")
    })?;
    if file.seglab_segments != 1 {
        return Err(format!(
            "this segment list has format version {}; this Seglab reads version 1",
            file.seglab_segments
        ));
    }
    Ok(file.segments)
}

/// Copy link, export and import.
#[component]
pub fn ShareBar() -> impl IntoView {
    let state = expect_context::<AppState>();
    let copied = RwSignal::new(false);
    let copy = move |_| {
        leptos::task::spawn_local(async move {
            let ok = browser::copy_to_clipboard(&browser::page_url()).await;
            if ok {
                copied.set(true);
            } else {
                state.notify(
                    NoticeKind::Warning,
                    "The browser did not allow copying; copy the address bar instead.",
                );
            }
        });
    };
    let export = move |_| {
        let file = SegmentFile {
            seglab_segments: 1,
            segments: state.segments.get_untracked(),
        };
        match serde_json::to_string_pretty(&file) {
            Ok(json) => {
                if let Err(e) = browser::download("seglab-segments.json", "application/json", &json)
                {
                    state.notify(NoticeKind::Error, format!("Could not export: {e}"));
                }
            }
            Err(e) => state.notify(NoticeKind::Error, format!("Could not export: {e}")),
        }
    };
    let import = move |ev: web_sys::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = browser::files_of(input.files()).into_iter().next() else {
            return;
        };
        input.set_value("");
        leptos::task::spawn_local(async move {
            let name = file.name();
            let result = browser::file_text(&file)
                .await
                .and_then(|text| parse_segment_file(&text));
            match result {
                Ok(segments) => {
                    let n = segments.len();
                    state.compared.set(Vec::new());
                    state.segments.set(segments);
                    state.notify(
                        NoticeKind::Info,
                        format!("Imported {n} segment(s) from {name}."),
                    );
                }
                Err(message) => state.notify(NoticeKind::Error, format!("{name}: {message}")),
            }
        });
    };
    view! {
        <div class="share-bar" role="group" aria-label="Share">
            <button class="button secondary" on:click=copy data-testid="copy-link">
                {move || if copied.get() { "Link copied" } else { "Copy link" }}
            </button>
            <button class="button secondary" on:click=export>"Export segments"</button>
            <label class="button secondary">
                "Import segments…"
                <input type="file" accept=".json,application/json" class="visually-hidden" data-testid="import-segments" on:change=import/>
            </label>
            <span class="muted">"The link and the export carry segment definitions only, never your data."</span>
        </div>
    }
}
