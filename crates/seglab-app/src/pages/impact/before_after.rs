//! Before/after: an event's count per user in a window before and after a date, each compared segment
//! against everyone else as a difference in differences.

use super::{Choice, Days, TOO_FEW, difference, events, failure, p_value, plain};
use crate::browser;
use crate::components::table::{self, num, num_id};
use crate::format;
use crate::protocol::Request;
use crate::state::AppState;
use leptos::prelude::*;
use seglab_core::impact::BeforeAfter;

/// Controls for a before/after comparison and its table.
#[component]
pub fn BeforeAfterPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let event = RwSignal::new(String::new());
    let date = RwSignal::new(String::new());
    let days = RwSignal::new(28u32);
    let event_names = events(state.impact_choices);
    let run = move |_| {
        let chosen = event.get_untracked();
        browser::post(
            &Request::BeforeAfter {
                segments: state.segments.get_untracked(),
                selected: state.compared.get_untracked(),
                event: (!chosen.is_empty()).then_some(chosen),
                date: date.get_untracked(),
                days: days.get_untracked(),
            },
            None,
        );
    };
    view! {
        <section class="impact-part" aria-labelledby="before-after-title">
            <h3 id="before-after-title">"Before and after"</h3>
            <p class="hint">"Something changed on a date: did a segment's activity change more than everyone else's? Each segment ticked “Compare” against everyone not in it."</p>
            <div class="impact-controls">
                <Choice label="Measure: count of" none="any event" options=Signal::derive(move || plain(event_names.get())) value=event testid="before-after-event"/>
                <label>"Change date "
                    <input type="date" data-testid="before-after-date" prop:value=move || date.get() on:input=move |ev| date.set(event_target_value(&ev))/>
                </label>
                <Days label="Window" value=days unit="days each side" testid="before-after-days"/>
                <button class="button secondary" on:click=run>"Compare before and after"</button>
            </div>
            {move || state.before_after.get().map(|result| match result {
                Ok(result) => view! { <BeforeAfterTable result=result/> }.into_any(),
                Err(message) => failure(message),
            })}
        </section>
    }
}

/// Per segment: mean counts before and after, in it and in the rest, and the difference in differences.
#[component]
fn BeforeAfterTable(
    /// What the engine computed.
    result: BeforeAfter,
) -> impl IntoView {
    let heads = table::heads(
        &[
            "Segment",
            "Users",
            "Before",
            "After",
            "Everyone else: before",
            "Everyone else: after",
            "Difference in differences (95% CI)",
            "p",
        ],
        &[],
    );
    let rows = result
        .segments
        .into_iter()
        .map(|s| {
            let (did, p) = match &s.did {
                Ok(w) => (difference(w.difference, w.ci, false), p_value(w.p_value)),
                Err(reason) => (format!("{TOO_FEW} ({reason})"), "–".to_owned()),
            };
            let cells = vec![
                num(format!(
                    "{} vs {}",
                    format::count(s.users),
                    format::count(s.rest)
                )),
                num_id(format::number(s.before), "before"),
                num_id(format::number(s.after), "after"),
                num(format::number(s.rest_before)),
                num(format::number(s.rest_after)),
                num_id(did, "did"),
                num(p),
            ];
            table::row(s.segment.into_any(), cells, false)
        })
        .collect::<Vec<_>>();
    view! {
        <div class="impact-result">
            {(!result.warnings.is_empty()).then(|| view! {
                <div role="status"><ul class="impact-warnings">
                    {result.warnings.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}
                </ul></div>
            })}
            <div class="table-scroll" tabindex="0">
                <table data-testid="before-after">
                    <caption>"Mean events per user before and after, and the difference in differences against everyone else"</caption>
                    <thead><tr>{heads}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </div>
    }
}
