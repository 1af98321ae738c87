//! Seglab's page: a Leptos app that shows what the engine worker computes.
//!
//! `App` provides one `AppState` to every view; the views send requests to the worker through `actions`, and
//! the worker's responses land in `AppState::apply`.

// Leptos components take their props by value: that is how the `view!` macro passes them.
#![allow(clippy::needless_pass_by_value)]

pub mod browser;
mod components;
pub mod engine;
mod format;
mod pages;
pub mod protocol;
mod state;
pub mod worker;

use leptos::prelude::*;
use state::AppState;

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    state.start();

    view! {
        <header class="topbar">
            <h1 class="brand">"Seglab"</h1>
            <p class="privacy" data-testid="privacy-note">
                "Your files are read inside this browser tab and never leave it: no upload, no server, no tracking."
            </p>
        </header>
        <main id="main">
            <components::notices::Notices/>
            <pages::data::DataPage/>
            <pages::segments::SegmentsPage/>
            <pages::compare::ComparePage/>
            <pages::impact::ImpactPage/>
            <pages::models::ModelsPage/>
        </main>
    }
}
