//! The Segments section: each segment's name, colour and definition, with its live size.

use crate::components::definition_input::DefinitionInput;
use crate::components::segment_builder::SegmentBuilder;
use crate::components::share_bar::ShareBar;
use crate::format;
use crate::protocol::SegmentView;
use crate::state::AppState;
use leptos::prelude::*;
use seglab_core::segment::{self, Dialect, Segment};
use seglab_core::share;
use wasm_bindgen::JsCast;

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

/// Snapshots of the segment list for undo and redo. Typing in one definition within a second of the last
/// keystroke is one step, not one per key.
#[derive(Default)]
struct History {
    past: Vec<Vec<Segment>>,
    future: Vec<Vec<Segment>>,
    /// The list as last seen; `None` before the first look.
    last: Option<Vec<Segment>>,
    /// The next change comes from undo or redo, not from the user.
    applying: bool,
    /// The segment whose definition was edited last, and when (ms).
    typing: Option<(usize, f64)>,
}

/// How long a run of keystrokes in one definition stays one undo step.
const TYPING_MS: f64 = 1000.0;

/// The one segment whose definition alone differs between `a` and `b`, if that is the whole change.
fn definition_edit(before: &[Segment], after: &[Segment]) -> Option<usize> {
    if before.len() != after.len() {
        return None;
    }
    let mut changed = before
        .iter()
        .zip(after)
        .enumerate()
        .filter(|(_, (old, new))| old != new);
    let (index, (old, new)) = changed.next()?;
    (changed.next().is_none() && old.name == new.name && old.color == new.color).then_some(index)
}

impl History {
    fn observe(&mut self, now: Vec<Segment>, time: f64) {
        let Some(last) = self.last.take() else {
            self.last = Some(now);
            return;
        };
        if self.applying || last == now {
            self.applying = false;
            self.last = Some(now);
            return;
        }
        let edit = definition_edit(&last, &now);
        let continues = matches!((edit, self.typing), (Some(i), Some((j, t))) if i == j && time - t < TYPING_MS);
        if !continues {
            self.past.push(last);
        }
        self.typing = edit.map(|i| (i, time));
        self.future.clear();
        self.last = Some(now);
    }

    fn step(&mut self, back: bool) -> Option<Vec<Segment>> {
        let target = if back {
            self.past.pop()?
        } else {
            self.future.pop()?
        };
        let current = self.last.clone().unwrap_or_default();
        if back {
            self.future.push(current);
        } else {
            self.past.push(current);
        }
        self.applying = true;
        self.typing = None;
        Some(target)
    }
}

/// A name not used by any segment: `base`, else `base 2`, `base 3`…
fn unique_name(segments: &[Segment], base: &str) -> String {
    if !segments.iter().any(|s| s.name == base) {
        return base.to_owned();
    }
    (2..=segments.len() + 2)
        .map(|n| format!("{base} {n}"))
        .find(|name| !segments.iter().any(|s| s.name == *name))
        .unwrap_or_default()
}

/// The colour of the palette used least so far.
fn next_color(segments: &[Segment]) -> &'static str {
    PALETTE
        .iter()
        .min_by_key(|c| segments.iter().filter(|s| s.color == **c).count())
        .copied()
        .unwrap_or(PALETTE[0])
}

/// The list of segments and their editors.
#[component]
pub fn SegmentsPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    // Editors are re-created only when a segment is added or removed, not on every keystroke.
    let count = Memo::new(move |_| state.segments.with(Vec::len));
    let history = StoredValue::new(History::default());
    let can_undo = RwSignal::new(false);
    let can_redo = RwSignal::new(false);
    Effect::new(move |_| {
        let now = state.segments.get();
        history.update_value(|h| {
            h.observe(now, js_sys::Date::now());
            can_undo.set(!h.past.is_empty());
            can_redo.set(!h.future.is_empty());
        });
    });
    let step = move |back: bool| {
        let mut target = None;
        history.update_value(|h| {
            target = h.step(back);
            can_undo.set(!h.past.is_empty());
            can_redo.set(!h.future.is_empty());
        });
        if let Some(segments) = target {
            let len = segments.len();
            state.compared.update(|c| c.retain(|&i| i < len));
            state.sql_for.update(|s| {
                if s.is_some_and(|i| i >= len) {
                    *s = None;
                }
            });
            state.segments.set(segments);
        }
    };
    // Ctrl/Cmd+Z and Shift+Ctrl/Cmd+Z (or Ctrl+Y) anywhere but in a text field, which keeps its own undo.
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        let typing = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|e| {
                matches!(e.tag_name().as_str(), "TEXTAREA" | "SELECT")
                    || (e.tag_name() == "INPUT"
                        && !matches!(
                            e.get_attribute("type").as_deref(),
                            Some("checkbox" | "color" | "button" | "radio")
                        ))
            });
        if typing || !(ev.ctrl_key() || ev.meta_key()) {
            return;
        }
        match ev.key().as_str() {
            "z" | "Z" => {
                ev.prevent_default();
                step(!ev.shift_key());
            }
            "y" | "Y" => {
                ev.prevent_default();
                step(false);
            }
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());
    let add = move |_| {
        state.segments.update(|segments| {
            let name = unique_name(segments, &format!("Segment {}", segments.len() + 1));
            let color = next_color(segments);
            segments.push(Segment::new(name, color, ""));
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
                ", or build it below the text box. The size updates as you type. Ctrl+Space suggests names."
            </p>
            <p class="muted" data-testid="population">
                {move || format!("Everyone: {} users", format::count(state.population.get()))}
            </p>
            <div class="segment-actions" role="toolbar" aria-label="Segment list">
                <button class="button secondary" data-testid="undo" aria-keyshortcuts="Control+Z Meta+Z"
                    disabled=move || !can_undo.get() on:click=move |_| step(true)>"Undo"</button>
                <button class="button secondary" data-testid="redo" aria-keyshortcuts="Control+Shift+Z Meta+Shift+Z"
                    disabled=move || !can_redo.get() on:click=move |_| step(false)>"Redo"</button>
            </div>
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
    let duplicate = move |_| {
        state.segments.update(|s| {
            let Some(original) = s.get(index).cloned() else {
                return;
            };
            let copy = Segment::new(
                unique_name(s, &format!("{} copy", original.name)),
                next_color(s),
                original.definition,
            );
            s.insert(index + 1, copy);
        });
        state.compared.update(|c| {
            for i in c.iter_mut() {
                if *i > index {
                    *i += 1;
                }
            }
        });
    };
    // Renaming keeps `in segment "…"` references in the other definitions pointing at the segment.
    let rename = move |new_name: String| {
        let new_name = new_name.trim().to_owned();
        if new_name.is_empty() {
            return;
        }
        state.segments.update(|s| {
            let Some(old) = s.get(index).map(|x| x.name.clone()) else {
                return;
            };
            if old == new_name {
                return;
            }
            let new_name = unique_name(s, &new_name);
            for (i, other) in s.iter_mut().enumerate() {
                if i == index {
                    other.name.clone_from(&new_name);
                } else if let Some(text) = rename_reference(&other.definition, &old, &new_name) {
                    other.definition = text;
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
    // Opening a view for the segment ticks it for comparison (Compare and Impact show the ticked ones).
    let open = move |_| {
        state.compared.update(|c| {
            if !c.contains(&index) {
                c.push(index);
            }
        });
    };
    let id = format!("segment-def-{index}");
    let error_id = format!("segment-error-{index}");
    let definition = Signal::derive(move || segment().map(|s| s.definition).unwrap_or_default());
    let vocabulary = Signal::derive(move || state.dataset.with(|d| d.vocabulary.clone()));
    let names = Signal::derive(move || {
        state
            .segments
            .with(|s| s.iter().map(|x| x.name.clone()).collect::<Vec<_>>())
    });
    let others = Signal::derive(move || {
        state.segments.with(|s| {
            s.iter()
                .enumerate()
                .filter(|(i, _)| *i != index)
                .map(|(_, x)| x.name.clone())
                .collect::<Vec<_>>()
        })
    });
    let has_error = move || result().is_some_and(|r| r.error.is_some());
    let described_by = {
        let error_id = error_id.clone();
        Signal::derive(move || has_error().then(|| error_id.clone()))
    };
    let set_definition =
        Callback::new(move |text: String| edit(&|s| s.definition.clone_from(&text)));
    let label = move || segment().map(|s| s.name).unwrap_or_default();
    view! {
        <li class="segment" data-testid="segment" style=move || format!("--segment-color: {}", segment().map(|s| s.color).unwrap_or_default())>
            <div class="segment-head">
                <span class="swatch" aria-hidden="true" data-testid="segment-swatch"></span>
                <input
                    class="segment-name"
                    aria-label="Segment name"
                    data-testid="segment-name"
                    prop:value=move || segment().map(|s| s.name).unwrap_or_default()
                    on:change=move |ev| rename(event_target_value(&ev))
                />
                <input
                    type="color"
                    aria-label=move || format!("Colour of {}", label())
                    data-testid="segment-color"
                    prop:value=move || segment().map(|s| s.color).unwrap_or_default()
                    on:change=move |ev| { let v = event_target_value(&ev); edit(&|s| s.color.clone_from(&v)); }
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
            </div>
            <div class="segment-tools">
                <button class="link" on:click=duplicate data-testid="duplicate" aria-label=move || format!("Duplicate {}", label())>"Duplicate"</button>
                <button class="link" on:click=move |_| state.sql_for.set(Some(index))>"SQL"</button>
                <a class="link" href="#compare-title" on:click=open data-testid="open-compare" aria-label=move || format!("Open {} in Compare", label())>"Compare →"</a>
                <a class="link" href="#impact-title" on:click=open data-testid="open-impact" aria-label=move || format!("Open {} in Impact", label())>"Impact →"</a>
                <a class="link" href="#models-title" data-testid="open-models" aria-label=move || format!("Open Models next to {}", label())>"Models →"</a>
                <button class="link danger" on:click=remove data-testid="delete" aria-label=move || format!("Delete {}", label())>"Delete"</button>
            </div>
            <label class="visually-hidden" for=id.clone()>"Definition"</label>
            <DefinitionInput
                id=id
                value=definition
                vocabulary=vocabulary
                segments=names
                described_by=described_by
                on_input=set_definition
            />
            {move || result().and_then(|r| r.error).map(|error| view! {
                <p class="segment-error" role="alert" data-testid="segment-error" id=error_id.clone()>
                    {error.message}
                    {(!error.suggestions.is_empty()).then(|| format!(" — did you mean {}?", error.suggestions.join(", ")))}
                </p>
            })}
            <details class="builder-box" open>
                <summary>"Visual builder"</summary>
                <SegmentBuilder
                    index=index
                    definition=definition
                    vocabulary=vocabulary
                    others=others
                    on_change=set_definition
                />
            </details>
        </li>
    }
}

/// `definition` with `in segment "old"` rewritten to `new`, when it refers to `old` and parses.
fn rename_reference(definition: &str, old: &str, new: &str) -> Option<String> {
    fn walk(expr: &mut segment::Expr, old: &str, new: &str) -> bool {
        match expr {
            segment::Expr::And(parts) | segment::Expr::Or(parts) => parts
                .iter_mut()
                .fold(false, |hit, p| walk(p, old, new) | hit),
            segment::Expr::Not(inner) => walk(inner, old, new),
            segment::Expr::Cond {
                condition: segment::Condition::InSegment { name },
                ..
            } if name.text == old => {
                *name = segment::Name::new(new);
                true
            }
            segment::Expr::Cond { .. } => false,
        }
    }
    let mut expr = segment::parse(definition).ok()?;
    walk(&mut expr, old, new).then(|| expr.to_string())
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
