//! The Impact section: experiment readouts, before/after comparisons, retention cohorts and funnels for
//! the segments ticked “Compare” and everyone, as the engine computed them. The page only renders.

mod before_after;
mod experiment;
mod funnel;
mod retention;

use crate::browser;
use crate::protocol::{ChoiceColumn, ImpactChoices, Request};
use crate::state::AppState;
use leptos::prelude::*;
use seglab_core::ColumnType;
use seglab_core::stats::Interval;

/// The four impact tools, each in its own part of the section.
#[component]
pub fn ImpactPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    // The choices follow the loaded data: whenever the dataset changes, ask the engine again.
    Effect::new(move |_| {
        state.dataset.track();
        if state.ready.get() && !state.files.with(Vec::is_empty) {
            browser::post(&Request::ImpactChoices, None);
        }
    });
    view! {
        <section class="panel impact" aria-labelledby="impact-title">
            <h2 id="impact-title">"Impact"</h2>
            <p class="hint">"Did a change move a segment? Each tool measures everyone and the segments ticked “Compare”. Before/after, retention and funnels need an event file."</p>
            <experiment::ExperimentPanel/>
            <before_after::BeforeAfterPanel/>
            <retention::RetentionPanel/>
            <funnel::FunnelPanel/>
        </section>
    }
}

/// The population columns whose type is one of `types`.
fn columns_of(
    choices: RwSignal<ImpactChoices>,
    types: &'static [ColumnType],
) -> Signal<Vec<ChoiceColumn>> {
    Signal::derive(move || {
        choices.with(|c| {
            c.columns
                .iter()
                .filter(|col| types.contains(&col.ty))
                .cloned()
                .collect()
        })
    })
}

/// Event names, most frequent first.
fn events(choices: RwSignal<ImpactChoices>) -> Signal<Vec<String>> {
    Signal::derive(move || choices.with(|c| c.events.clone()))
}

/// A labelled drop-down whose first option is `none` (the empty value), then `options` as (value, label).
#[component]
fn Choice(
    /// The visible label.
    label: &'static str,
    /// The option meaning “nothing chosen” or “automatic”; `None` for no such option.
    #[prop(optional)]
    none: Option<&'static str>,
    /// The options, as (value, label).
    #[prop(into)]
    options: Signal<Vec<(String, String)>>,
    /// The chosen value.
    value: RwSignal<String>,
    /// A test hook.
    #[prop(optional)]
    testid: &'static str,
) -> impl IntoView {
    view! {
        <label class="choice">{label}" "
            <select data-testid=testid on:change=move |ev| value.set(event_target_value(&ev))>
                {none.map(|text| view! { <option value="" selected=move || value.get().is_empty()>{text}</option> })}
                {move || options.get().into_iter().map(|(v, text)| {
                    let chosen = v.clone();
                    view! { <option value=v selected=move || value.get() == chosen>{text}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

/// Names as drop-down options, each its own label.
fn plain(names: Vec<String>) -> Vec<(String, String)> {
    names.into_iter().map(|n| (n.clone(), n)).collect()
}

/// A whole number input with a label and a unit.
#[component]
fn Days(
    /// The visible label.
    label: &'static str,
    /// The number.
    value: RwSignal<u32>,
    /// What follows the number, e.g. “days”.
    unit: &'static str,
    /// A test hook.
    #[prop(optional)]
    testid: &'static str,
) -> impl IntoView {
    view! {
        <label>{label}" "
            <input type="number" min="1" max="3650" class="narrow" data-testid=testid prop:value=move || value.get().to_string()
                on:input=move |ev| {
                    if let Ok(n) = event_target_value(&ev).parse::<u32>() && n > 0 { value.set(n) }
                }/>
            " "{unit}
        </label>
    }
}

/// An error from the engine, announced.
fn failure(message: String) -> AnyView {
    view! { <p class="segment-error" role="alert">{message}</p> }.into_any()
}

/// A p-value as people read it: `< 0.001` or three decimals.
fn p_value(p: f64) -> String {
    if p < 0.001 {
        "< 0.001".to_owned()
    } else {
        format!("{p:.3}")
    }
}

/// A signed number with a sensible number of digits.
fn signed(x: f64) -> String {
    let text = crate::format::number(x);
    if x > 0.0 {
        format!("+{text}")
    } else {
        text.replace('-', "−")
    }
}

/// A signed fraction as percentage points (rates) or a signed number (means), with its interval.
fn difference(x: f64, ci: Interval, is_rate: bool) -> String {
    if is_rate {
        format!(
            "{} pts ({} to {})",
            points(x),
            points(ci.low),
            points(ci.high)
        )
    } else {
        format!("{} ({} to {})", signed(x), signed(ci.low), signed(ci.high))
    }
}

/// A fraction as signed percentage points with one decimal: `0.034` → `+3.4`.
fn points(x: f64) -> String {
    let text = format!("{:.1}", x * 100.0);
    if x > 0.0 && text != "0.0" {
        format!("+{text}")
    } else {
        text.replace('-', "−")
    }
}

/// A signed percentage: `0.12` → `+12.0%`.
fn signed_percent(x: f64) -> String {
    let text = crate::format::percent(x);
    if x > 0.0 {
        format!("+{text}")
    } else {
        text.replace('-', "−")
    }
}

/// Seconds as a person reads them: `90` → `2 min`, `7200` → `2.0 h`, `200000` → `2.3 days`.
fn duration(seconds: f64) -> String {
    if seconds < 3600.0 {
        format!("{:.0} min", seconds / 60.0)
    } else if seconds < 86_400.0 {
        format!("{:.1} h", seconds / 3600.0)
    } else {
        format!("{:.1} days", seconds / 86_400.0)
    }
}

/// What a person reads where a number would be meaningless.
const TOO_FEW: &str = "Too few users to tell";
