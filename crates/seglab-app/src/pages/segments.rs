//! The Segments section: each segment's name, colour and definition, with its live size.

use crate::components::share_bar::ShareBar;
use crate::format;
use crate::protocol::SegmentView;
use crate::state::AppState;
use leptos::prelude::*;
use seglab_core::segment::Dialect;
use seglab_core::segment::Segment;
use seglab_core::share;

/// Colours given to new segments in turn; each keeps its colour in every view.
pub const PALETTE: [&str; 8] = [
    "#2a9d8f", "#e76f51", "#264653", "#e9c46a", "#8e44ad", "#3a86ff", "#d62828", "#6a994e",
];

/// What a link restores on the page.
pub struct SharedState {
    pub segments: Vec<Segment>,
    pub compared: Vec<usize>,
    /// The baseline of the comparison (an index into `segments`); `None` for everyone else.
    pub base: Option<usize>,
    pub types: Vec<share::TypeOverride>,
}

/// The page state for the URL.
pub fn encode_state(
    segments: &[Segment],
    compared: &[usize],
    base: Option<usize>,
    types: &[share::TypeOverride],
) -> String {
    if segments.is_empty() && types.is_empty() {
        return String::new();
    }
    let state = share::PageState {
        segments: segments.to_vec(),
        compare: compared
            .iter()
            .filter_map(|&i| segments.get(i).map(|s| s.name.clone()))
            .collect(),
        base: base
            .filter(|b| compared.contains(b))
            .and_then(|b| segments.get(b).map(|s| s.name.clone())),
        types: types.to_vec(),
        ..share::PageState::default()
    };
    share::encode(&state)
}

/// What the URL restores, with one message per malformed parameter.
pub fn decode_state(query: &str) -> (SharedState, Vec<String>) {
    let (state, errors) = share::decode(query);
    let compared = state
        .compare
        .iter()
        .filter_map(|name| state.segments.iter().position(|s| &s.name == name))
        .collect();
    let base = state
        .base
        .as_ref()
        .and_then(|name| state.segments.iter().position(|s| &s.name == name));
    let shared = SharedState {
        segments: state.segments,
        compared,
        base,
        types: state.types,
    };
    (
        shared,
        errors
            .into_iter()
            .map(|e| format!("The link: {e}"))
            .collect(),
    )
}

/// The list of segments and their editors.
#[component]
pub fn SegmentsPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    // Editors are re-created only when a segment is added or removed, not on every keystroke.
    let count = Memo::new(move |_| state.segments.with(Vec::len));
    let add = move |_| {
        state.segments.update(|segments| {
            let n = segments.len();
            segments.push(Segment::new(
                format!("Segment {}", n + 1),
                PALETTE[n % PALETTE.len()],
                "",
            ));
        });
        state.compared.update(|c| {
            if c.is_empty() {
                c.push(0);
            }
        });
    };
    view! {
        <section class="panel" aria-labelledby="segments-title">
            <h2 id="segments-title">"Segments"</h2>
            <p class="hint">
                "Write a condition over the columns, e.g. " <code>"plan = \"trial\" and converted = no"</code>
                ". The size updates as you type."
            </p>
            <p class="muted" data-testid="population">
                {move || format!("Everyone: {} users", format::count(state.population.get()))}
            </p>
            <ol class="segments">
                {move || (0..count.get()).map(|index| view! { <SegmentEditor index=index/> }).collect_view()}
            </ol>
            <div class="segment-actions">
                <button class="button" on:click=add>"Add segment"</button>
                <ShareBar/>
            </div>
            <SqlPanel/>
        </section>
    }
}

/// One segment's editor.
#[component]
fn SegmentEditor(
    /// The segment's position in the list.
    index: usize,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let segment = move || state.segments.with(|s| s.get(index).cloned());
    let result = move || -> Option<SegmentView> {
        let name = segment()?.name;
        state
            .results
            .with(|r| r.iter().find(|v| v.name == name).cloned())
    };
    let edit = move |f: &dyn Fn(&mut Segment)| {
        state.segments.update(|s| {
            if let Some(segment) = s.get_mut(index) {
                f(segment);
            }
        });
    };
    let remove = move |_| {
        state.segments.update(|s| {
            if index < s.len() {
                s.remove(index);
            }
        });
        state.compared.update(|c| {
            c.retain(|&i| i != index);
            for i in c.iter_mut() {
                if *i > index {
                    *i -= 1;
                }
            }
        });
    };
    let compared = move || state.compared.with(|c| c.contains(&index));
    let toggle_compare = move |_| {
        state
            .compared
            .update(|c| match c.iter().position(|&i| i == index) {
                Some(p) => {
                    c.remove(p);
                }
                None => c.push(index),
            });
    };
    let id = format!("segment-def-{index}");
    view! {
        <li class="segment" data-testid="segment" style=move || format!("--segment-color: {}", segment().map(|s| s.color).unwrap_or_default())>
            <div class="segment-head">
                <span class="swatch" aria-hidden="true"></span>
                <input
                    class="segment-name"
                    aria-label="Segment name"
                    prop:value=move || segment().map(|s| s.name).unwrap_or_default()
                    on:change=move |ev| { let v = event_target_value(&ev); edit(&|s| s.name.clone_from(&v)); }
                />
                <input
                    type="color"
                    aria-label="Segment colour"
                    prop:value=move || segment().map(|s| s.color).unwrap_or_default()
                    on:input=move |ev| { let v = event_target_value(&ev); edit(&|s| s.color.clone_from(&v)); }
                />
                <span class="size" data-testid="segment-size" aria-live="polite">
                    {move || match result() {
                        Some(SegmentView { size: Some(size), .. }) => {
                            let population = state.population.get();
                            format!("{} users ({})", format::count(size), format::share(size, population))
                        }
                        Some(SegmentView { error: Some(_), .. }) => "—".to_string(),
                        _ => String::new(),
                    }}
                </span>
                <label class="compare-toggle">
                    <input type="checkbox" prop:checked=compared on:change=toggle_compare/>
                    "Compare"
                </label>
                <button class="link" on:click=move |_| state.sql_for.set(Some(index))>"SQL"</button>
                <button class="link" on:click=remove aria-label="Delete segment">"Delete"</button>
            </div>
            <label class="visually-hidden" for=id.clone()>"Definition"</label>
            <textarea
                id=id
                class="definition"
                data-testid="segment-definition"
                rows="2"
                spellcheck="false"
                placeholder="plan = \"trial\" and converted = no"
                prop:value=move || segment().map(|s| s.definition).unwrap_or_default()
                on:input=move |ev| { let v = event_target_value(&ev); edit(&|s| s.definition.clone_from(&v)); }
            ></textarea>
            {move || result().and_then(|r| r.error).map(|error| view! {
                <p class="segment-error" role="alert" data-testid="segment-error">
                    {error.message}
                    {(!error.suggestions.is_empty()).then(|| format!(" — did you mean {}?", error.suggestions.join(", ")))}
                </p>
            })}
        </li>
    }
}

/// The SQL dialects offered, with their names as people know them.
const DIALECTS: [(Dialect, &str); 4] = [
    (Dialect::DuckDb, "DuckDB"),
    (Dialect::Postgres, "PostgreSQL"),
    (Dialect::BigQuery, "BigQuery"),
    (Dialect::Spark, "Spark SQL"),
];

/// A segment as SQL for a warehouse, in the dialect the user picks.
#[component]
fn SqlPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        state.sql_for.get()?;
        let (name, sql) = state.sql.get()?;
        let body = match sql {
            Ok(sql) => {
                view! { <pre class="sql" data-testid="segment-sql"><code>{sql}</code></pre> }
                    .into_any()
            }
            Err(message) => {
                view! { <p class="segment-error" role="alert">{message}</p> }.into_any()
            }
        };
        Some(view! {
            <div class="sql-panel" role="region" aria-label="SQL">
                <div class="segment-head">
                    <h3>{format!("“{name}” as SQL")}</h3>
                    <label>
                        "Dialect "
                        <select on:change=move |ev| {
                            let value = event_target_value(&ev);
                            if let Some((dialect, _)) = DIALECTS.iter().find(|(_, label)| *label == value) {
                                state.sql_dialect.set(*dialect);
                            }
                        }>
                            {DIALECTS.iter().map(|(dialect, label)| view! {
                                <option selected=move || state.sql_dialect.get() == *dialect>{*label}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <button class="link" on:click=move |_| { state.sql_for.set(None); state.sql.set(None); }>"Close"</button>
                </div>
                <p class="muted">"Tables are named after your files (users.csv → users); run it where the same exports are loaded."</p>
                {body}
            </div>
        })
    }
}
