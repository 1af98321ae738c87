//! Funnels: ordered steps within a window, conversion per step and segment with intervals, the test of
//! each segment against its baseline, and the median time between steps.

use super::{Choice, Days, TOO_FEW, duration, events, failure, p_value};
use crate::browser;
use crate::components::table::{self, num, num_id};
use crate::format;
use crate::protocol::Request;
use crate::state::AppState;
use leptos::prelude::*;
use seglab_core::impact::{FunnelBaseline, FunnelResult};

/// Controls for a funnel and its table.
#[component]
pub fn FunnelPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let steps = RwSignal::new(String::from(
        "Create report, Export report, Invite teammate, Upgrade",
    ));
    let within = RwSignal::new(14u32);
    let baseline = RwSignal::new(String::from("rest"));
    let event_names = events(state.impact_choices);
    let run = move |_| {
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
                baseline: if baseline.get_untracked() == "first" {
                    FunnelBaseline::FirstSegment
                } else {
                    FunnelBaseline::Rest
                },
            },
            None,
        );
    };
    view! {
        <section class="impact-part" aria-labelledby="funnel-title">
            <h3 id="funnel-title">"Funnel"</h3>
            <p class="hint">"Ordered steps: each must follow the one before, within the window from the first."</p>
            <div class="impact-controls">
                <label>"Steps (events in order, separated by commas) "
                    <input class="wide" list="impact-event-names" data-testid="funnel-steps" prop:value=move || steps.get() on:input=move |ev| steps.set(event_target_value(&ev))/>
                </label>
                <datalist id="impact-event-names">
                    {move || event_names.get().into_iter().map(|e| view! { <option value=e/> }).collect_view()}
                </datalist>
                <Days label="within" value=within unit="days of the first step" testid="funnel-within"/>
                <Choice label="Test each segment against" options=Signal::derive(|| vec![("rest".to_owned(), "everyone else".to_owned()), ("first".to_owned(), "the first compared segment".to_owned())]) value=baseline/>
                <button class="button secondary" on:click=run>"Show funnel"</button>
            </div>
            {move || state.funnel.get().map(|result| match result {
                Ok(funnel) => view! { <FunnelTable funnel=funnel/> }.into_any(),
                Err(message) => failure(message),
            })}
        </section>
    }
}

/// One row per segment and step: reached, conversion from step 1 and from the step before, the median
/// time from the step before, and the test against the baseline.
#[component]
fn FunnelTable(
    /// The funnel the engine computed.
    funnel: FunnelResult,
) -> impl IntoView {
    let against = match funnel.baseline {
        FunnelBaseline::Rest => "everyone else",
        FunnelBaseline::FirstSegment => "the first compared segment",
    };
    let heads = table::heads(
        &[
            "Segment",
            "Step",
            "Users",
            "Conversion (95% CI)",
            "From the step before",
            "Median time from the step before",
            "p adjusted",
        ],
        &["Step"],
    );
    let rows = funnel
        .segments
        .iter()
        .flat_map(|segment| {
            segment.steps.iter().enumerate().map(|(k, step)| {
                let name = format!(
                    "{} ({} users)",
                    segment.segment,
                    format::count(segment.users as usize)
                );
                let conversion =
                    format::rate_within(step.conversion, step.ci.map(|ci| (ci.low, ci.high)));
                let test = match (&step.adjusted_p, &step.untested) {
                    (Some(p), _) => p_value(*p),
                    (None, Some(reason)) => format!("{TOO_FEW} ({reason})"),
                    (None, None) => "–".to_owned(),
                };
                let cells = vec![
                    table::plain(format!("{}. {}", k + 1, step.step)),
                    num_id(format::count(step.reached as usize), "reached"),
                    num_id(conversion, "conversion"),
                    num(step
                        .step_conversion
                        .map_or_else(|| "–".into(), format::percent)),
                    num_id(
                        step.median_seconds.map_or_else(|| "–".into(), duration),
                        "median-time",
                    ),
                    num(test),
                ];
                view! {
                    <tr data-segment=segment.segment.clone() data-step=k>
                        <th scope="row">{name}</th>
                        {cells}
                    </tr>
                }
                .into_any()
            })
        })
        .collect::<Vec<_>>();
    view! {
        <div class="table-scroll" tabindex="0">
            <table data-testid="funnel">
                <caption>{format!("Funnel within {} days of the first step; p-values against {against}, Benjamini–Hochberg adjusted", funnel.within / 86_400)}</caption>
                <thead><tr>{heads}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
