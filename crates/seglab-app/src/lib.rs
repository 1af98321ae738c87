//! Seglab's page: a Leptos app that shows what the engine worker computes.
//!
//! `App` provides one `AppState` to every view; the views send requests to the worker through `actions`, and
//! the worker's responses land in `AppState::apply`.

// Leptos components take their props by value: that is how the `view!` macro passes them.
#![allow(clippy::needless_pass_by_value)]

#[cfg(feature = "ui")]
pub mod browser;
#[cfg(feature = "ui")]
mod components;
pub mod engine;
#[cfg(feature = "ui")]
mod format;
#[cfg(feature = "ui")]
mod pages;
pub mod protocol;
#[cfg(feature = "ui")]
pub mod shell;
#[cfg(feature = "ui")]
mod state;
pub mod worker;

#[cfg(feature = "ui")]
use leptos::prelude::*;
#[cfg(feature = "ui")]
use state::AppState;

/// The whole page.
#[cfg(feature = "ui")]
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    state.start();

    shell::register_offline_cache();
    let current = RwSignal::new(None::<shell::View>);

    view! {
        <shell::SkipLink/>
        <shell::Header current=current/>
        <main id="main" tabindex="-1">
            <components::notices::Notices/>
            <div class="view" id="data" tabindex="-1"><pages::data::DataPage/></div>
            <div class="view" id="segments" tabindex="-1"><pages::segments::SegmentsPage/></div>
            <div class="view" id="compare" tabindex="-1"><pages::compare::ComparePage/></div>
            <div class="view" id="impact" tabindex="-1"><pages::impact::ImpactPage/></div>
            <div class="view" id="models" tabindex="-1"><pages::models::ModelsPage/></div>
        </main>
    }
}
