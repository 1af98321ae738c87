//! The Impact section: funnels and retention for the compared segments and everyone, as the engine
//! computed them.

use crate::browser;
use crate::format;
use crate::protocol::Request;
use crate::state::AppState;
use leptos::prelude::*;
use seglab_core::impact::{FunnelResult, RetentionResult};

/// Funnel and retention controls and their results.
#[component]
pub fn ImpactPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let steps = RwSignal::new(String::from(
        "Create report, Export report, Invite teammate, Upgrade",
    ));
    let within = RwSignal::new(14u32);
    let monthly = RwSignal::new(true);
    let run_funnel = move |_| {
        let steps: Vec<String> = steps
            .get_untracked()
            .split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        browser::post(
            &Request::Funnel {
                segments: state.segments.get_untracked(),
                selected: state.compared.get_untracked(),
                steps,
                within_days: within.get_untracked(),
            },
            None,
        );
    };
    let run_retention = move |_| {
        browser::post(
            &Request::Retention {
                segments: state.segments.get_untracked(),
                selected: state.compared.get_untracked(),
                monthly: monthly.get_untracked(),
                return_event: None,
            },
            None,
        );
    };
    view! {
        <section class="panel" aria-labelledby="impact-title">
            <h2 id="impact-title">"Impact"</h2>
            <p class="hint">"Funnels and retention for the segments ticked “Compare”, next to everyone. Needs an event file."</p>
            <div class="impact-controls">
                <label>"Funnel steps (events, in order) "
                    <input class="wide" prop:value=move || steps.get() on:input=move |ev| steps.set(event_target_value(&ev))/>
                </label>
                <label>"within "
                    <input type="number" min="1" max="3650" class="narrow" prop:value=move || within.get().to_string()
                        on:input=move |ev| if let Ok(days) = event_target_value(&ev).parse() { within.set(days) }/>
                    " days"
                </label>
                <button class="button secondary" on:click=run_funnel>"Show funnel"</button>
            </div>
            {move || state.funnel.get().map(|result| match result {
                Ok(funnel) => view! { <FunnelTable funnel=funnel/> }.into_any(),
                Err(message) => view! { <p class="segment-error" role="alert">{message}</p> }.into_any(),
            })}
            <div class="impact-controls">
                <label>
                    <input type="checkbox" prop:checked=move || monthly.get() on:change=move |_| monthly.update(|m| *m = !*m)/>
                    " monthly cohorts (weekly otherwise)"
                </label>
                <button class="button secondary" on:click=run_retention>"Show retention"</button>
            </div>
            {move || state.retention.get().map(|result| match result {
                Ok(retention) => view! { <RetentionTable retention=retention/> }.into_any(),
                Err(message) => view! { <p class="segment-error" role="alert">{message}</p> }.into_any(),
            })}
        </section>
    }
}

/// Conversion to each step per segment, with intervals and adjusted p-values against everyone else.
#[component]
fn FunnelTable(
    /// The funnel the engine computed.
    funnel: FunnelResult,
) -> impl IntoView {
    let steps = funnel.steps.clone();
    view! {
        <div class="table-scroll">
            <table data-testid="funnel">
                <caption>{format!("Funnel within {} days of the first step", funnel.within / 86_400)}</caption>
                <thead><tr>
                    <th scope="col">"Segment"</th>
                    {steps.iter().map(|s| view! { <th scope="col" class="num">{s.clone()}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {funnel.segments.iter().map(|segment| view! {
                        <tr>
                            <th scope="row">{format!("{} ({} users)", segment.segment, format::count(segment.users as usize))}</th>
                            {segment.steps.iter().map(|step| {
                                let conversion = step.conversion.map_or_else(|| "–".into(), format::percent);
                                let ci = step.ci.map(|ci| format!(" ({}–{})", format::percent(ci.low), format::percent(ci.high))).unwrap_or_default();
                                let p = step.adjusted_p.map(|p| if p < 0.001 { " · p < 0.001".to_owned() } else { format!(" · p = {p:.3}") }).unwrap_or_default();
                                let time = step.median_seconds.map(|s| format!(" · median {}", duration(s))).unwrap_or_default();
                                view! { <td class="num">{format!("{} · {conversion}{ci}", format::count(step.reached as usize))}<br/><span class="muted">{format!("{time}{p}")}</span></td> }
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// Retention per period since the first event, per segment, with intervals.
#[component]
fn RetentionTable(
    /// The retention the engine computed.
    retention: RetentionResult,
) -> impl IntoView {
    let periods = retention.periods.min(12);
    view! {
        <div class="table-scroll">
            <table data-testid="retention">
                <caption>{format!("Retention by {} since the first event ({} cohorts)", if retention.periods > 0 { "period" } else { "–" }, retention.cohorts.len())}</caption>
                <thead><tr>
                    <th scope="col">"Segment"</th>
                    {(0..periods).map(|k| view! { <th scope="col" class="num">{format!("{k}")}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {retention.segments.iter().map(|segment| view! {
                        <tr>
                            <th scope="row">{segment.segment.clone()}</th>
                            {segment.curve.iter().take(periods).map(|point| {
                                let text = point.rate.map_or_else(|| "–".into(), format::percent);
                                let ci = point.ci.map(|ci| format!("{}–{}", format::percent(ci.low), format::percent(ci.high))).unwrap_or_default();
                                let shade = point.rate.unwrap_or(0.0);
                                view! { <td class="num heat" style=format!("--heat: {:.0}%", shade * 100.0) title=ci>{text}</td> }
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
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
