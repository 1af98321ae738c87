//! The Compare section: the compared segments side by side with everyone else.

use crate::state::AppState;
use leptos::prelude::*;

/// The comparison the engine computed, as tables.
#[component]
pub fn ComparePage() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <section class="panel" aria-labelledby="compare-title">
            <h2 id="compare-title">"Compare"</h2>
            {move || match state.comparison.get() {
                None => view! { <p class="hint">"Tick “Compare” on a segment to see it side by side with everyone else."</p> }.into_any(),
                Some(_comparison) => view! { <p>"…"</p> }.into_any(),
            }}
        </section>
    }
}
