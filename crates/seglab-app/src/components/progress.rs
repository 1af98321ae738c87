//! The progress of a file being read, with a cancel button.
//!
//! A polite live region, present from the start, names the files being read and says when reading is
//! done; the bar itself updates silently so that screen readers are not flooded with numbers.

use crate::state::AppState;
use leptos::prelude::*;

/// Shows bytes and rows read so far while a file loads.
#[component]
pub fn LoadProgressBar() -> impl IntoView {
    let state = expect_context::<AppState>();
    let announcement = Memo::new(move |previous: Option<&String>| {
        let pending = state.pending.get();
        if pending.is_empty() {
            // Only a reading that was announced gets its end announced.
            return match previous {
                Some(text) if text.starts_with("Reading") => "Done reading.".to_owned(),
                _ => String::new(),
            };
        }
        format!("Reading {}…", pending.join(", "))
    });
    let bar = move || {
        let pending = state.pending.get();
        if pending.is_empty() {
            return None;
        }
        let progress = state.progress.get();
        let (label, value, max) = match progress {
            Some(p) => (
                format!(
                    "Reading {}: {} of {}, {} rows",
                    p.name,
                    crate::format::bytes(p.bytes),
                    crate::format::bytes(p.total),
                    crate::format::count(p.rows as usize)
                ),
                p.bytes as f64,
                p.total.max(1) as f64,
            ),
            None => (format!("Reading {}…", pending.join(", ")), 0.0, 1.0),
        };
        Some(view! {
            <div class="progress" data-testid="load-progress">
                <progress max=max value=value aria-label="File reading progress"></progress>
                <span>{label}</span>
                <button on:click=move |_| { AppState::cancel_load(); crate::shell::focus_selector("[data-testid=\"file-input\"]"); }>"Cancel"</button>
            </div>
        })
    };
    view! {
        <p class="visually-hidden" role="status" aria-live="polite" data-testid="load-status">{move || announcement.get()}</p>
        {bar}
    }
}
