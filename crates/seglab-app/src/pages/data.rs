//! The Data section: where files come in and how the engine read them.

use crate::components::column_table::FileCard;
use crate::components::drop_zone::DropZone;
use crate::components::join_summary::JoinSummary;
use crate::components::progress::LoadProgressBar;
use crate::state::AppState;
use leptos::prelude::*;

/// Loaded files with their column profiles, and the drop zone.
#[component]
pub fn DataPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let on_remove = Callback::new(AppState::remove_file);
    let on_retype = Callback::new(move |(file, column, ty)| state.set_type(file, column, ty));
    view! {
        <section class="panel" aria-labelledby="data-title">
            <h2 id="data-title">"Data"</h2>
            <DropZone/>
            <LoadProgressBar/>
            {move || (!state.files.with(Vec::is_empty)).then(|| view! { <JoinSummary dataset=state.dataset.get()/> })}
            <For each=move || state.files.get() key=|f| (f.name.clone(), f.rows, f.bytes) let:file>
                <FileCard file=file on_remove=on_remove on_retype=on_retype/>
            </For>
        </section>
    }
}
