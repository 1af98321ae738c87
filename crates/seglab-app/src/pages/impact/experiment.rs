//! The experiment readout: arms from a variant column or from segments, outcomes, and per arm and segment
//! the lift against control with its checks, as the engine computed them.

use super::{
    Choice, Days, TOO_FEW, columns_of, difference, events, failure, p_value, plain, signed_percent,
};
use crate::browser;
use crate::components::table::{self, num, num_id, remark};
use crate::format;
use crate::protocol::{ArmsChoice, Request};
use crate::state::AppState;
use leptos::prelude::*;
use seglab_core::ColumnType;
use seglab_core::impact::{
    Correction, Covariate, Cuped, ExperimentResult, Exposure, Interaction, Lift, MetricResult,
    OutcomeKind, OutcomeSpec, SRM_ALPHA,
};

/// The covariate choice meaning “the same event measure before exposure”.
const PRE_PERIOD: &str = "\u{1}pre";

const VARIANT_TYPES: &[ColumnType] = &[
    ColumnType::Category,
    ColumnType::Boolean,
    ColumnType::Integer,
];
const OUTCOME_TYPES: &[ColumnType] = &[
    ColumnType::Boolean,
    ColumnType::Integer,
    ColumnType::Decimal,
];
const TIME_TYPES: &[ColumnType] = &[ColumnType::Date, ColumnType::DateTime];

/// Controls for an experiment and its readout.
#[component]
pub fn ExperimentPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let by_column = RwSignal::new(true);
    let variant = RwSignal::new(String::new());
    let arm_segments = RwSignal::new(Vec::<usize>::new());
    let control = RwSignal::new(String::new());
    let outcome_columns = RwSignal::new(Vec::<String>::new());
    let event = RwSignal::new(String::new());
    let event_days = RwSignal::new(14u32);
    let event_kind = RwSignal::new(String::from("any"));
    let exposure = RwSignal::new(String::new());
    let covariate = RwSignal::new(String::new());
    let bonferroni = RwSignal::new(false);

    let variants = columns_of(state.impact_choices, VARIANT_TYPES);
    let outcomes = columns_of(state.impact_choices, OUTCOME_TYPES);
    let times = columns_of(state.impact_choices, TIME_TYPES);
    let event_names = events(state.impact_choices);
    // The drop-down shows its first column until another is chosen.
    let variant_name = Signal::derive(move || {
        let chosen = variant.get();
        if chosen.is_empty() {
            variants.with(|cols| cols.first().map(|c| c.name.clone()).unwrap_or_default())
        } else {
            chosen
        }
    });
    let controls = Signal::derive(move || {
        if by_column.get() {
            let chosen = variant_name.get();
            variants.with(|cols| {
                cols.iter()
                    .find(|c| c.name == chosen)
                    .map(|c| c.values.clone())
                    .unwrap_or_default()
            })
        } else {
            let segments = state.segments.get();
            arm_segments
                .get()
                .iter()
                .filter_map(|&i| segments.get(i).map(|s| s.name.clone()))
                .collect()
        }
    });

    let run = move |_| {
        let arms = if by_column.get_untracked() {
            ArmsChoice::Column {
                column: variant_name.get_untracked(),
            }
        } else {
            ArmsChoice::Segments {
                arms: arm_segments.get_untracked(),
            }
        };
        let mut specs: Vec<OutcomeSpec> = outcome_columns
            .get_untracked()
            .into_iter()
            .map(OutcomeSpec::Column)
            .collect();
        let chosen_event = event.get_untracked();
        if !chosen_event.is_empty() {
            let exposure_column = exposure.get_untracked();
            specs.push(OutcomeSpec::Event {
                event: Some(chosen_event),
                days: event_days.get_untracked(),
                kind: if event_kind.get_untracked() == "count" {
                    OutcomeKind::Count
                } else {
                    OutcomeKind::Any
                },
                exposure: if exposure_column.is_empty() {
                    Exposure::FirstEvent
                } else {
                    Exposure::Column(exposure_column)
                },
            });
        }
        let chosen_covariate = covariate.get_untracked();
        let control_arm = control.get_untracked();
        browser::post(
            &Request::Experiment {
                segments: state.segments.get_untracked(),
                selected: state.compared.get_untracked(),
                arms,
                control: (!control_arm.is_empty()).then_some(control_arm),
                outcomes: specs,
                covariate: match chosen_covariate.as_str() {
                    "" => None,
                    PRE_PERIOD => Some(Covariate::PrePeriod),
                    _ => Some(Covariate::Column(chosen_covariate)),
                },
                correction: if bonferroni.get_untracked() {
                    Correction::Bonferroni
                } else {
                    Correction::BenjaminiHochberg
                },
            },
            None,
        );
    };

    view! {
        <section class="impact-part" aria-labelledby="experiment-title">
            <h3 id="experiment-title">"Experiment"</h3>
            <p class="hint">"Who saw which variant, and what should it have changed? Lifts are against the control arm, with 95% intervals."</p>
            <fieldset class="impact-controls">
                <legend>"Arms"</legend>
                <label><input type="radio" name="arms" prop:checked=move || by_column.get() on:change=move |_| by_column.set(true)/>" a variant column"</label>
                <label><input type="radio" name="arms" prop:checked=move || !by_column.get() on:change=move |_| by_column.set(false)/>" segments as arms"</label>
                <Show when=move || by_column.get()>
                    <Choice label="Variant column" options=Signal::derive(move || plain(variants.get().into_iter().map(|c| c.name).collect())) value=variant testid="variant-column"/>
                </Show>
                <Show when=move || !by_column.get()>
                    <div class="choice-list" role="group" aria-label="Segments used as arms">
                        {move || state.segments.get().into_iter().enumerate().map(|(i, s)| view! {
                            <label><input type="checkbox" prop:checked=move || arm_segments.get().contains(&i)
                                on:change=move |_| arm_segments.update(|a| if let Some(k) = a.iter().position(|&x| x == i) { a.remove(k); } else { a.push(i); })/>
                                " "{s.name}</label>
                        }).collect_view()}
                    </div>
                </Show>
                <Choice label="Control arm" none="automatic (“control”, else the first)" options=Signal::derive(move || plain(controls.get())) value=control testid="control-arm"/>
            </fieldset>
            <fieldset class="impact-controls">
                <legend>"Outcomes"</legend>
                <div class="choice-list" role="group" aria-label="Outcome columns (yes/no or numbers)">
                    {move || outcomes.get().into_iter().map(|c| {
                        let name = c.name.clone();
                        let checked = name.clone();
                        view! {
                            <label><input type="checkbox" prop:checked=move || outcome_columns.get().contains(&checked)
                                on:change=move |_| outcome_columns.update(|o| if let Some(k) = o.iter().position(|x| *x == name) { o.remove(k); } else { o.push(name.clone()); })/>
                                " "{c.name}</label>
                        }
                    }).collect_view()}
                </div>
                <Choice label="Event outcome" none="none" options=Signal::derive(move || plain(event_names.get())) value=event testid="event-outcome"/>
                <Choice label="measured as" options=Signal::derive(|| vec![("any".to_owned(), "performed it (yes/no)".to_owned()), ("count".to_owned(), "how many times".to_owned())]) value=event_kind/>
                <Days label="in the" value=event_days unit="days after exposure"/>
                <Choice label="Exposure" none="the user's first event" options=Signal::derive(move || plain(times.get().into_iter().map(|c| c.name).collect())) value=exposure/>
            </fieldset>
            <fieldset class="impact-controls">
                <legend>"Checks"</legend>
                <Choice label="CUPED pre-period measure" none="none" value=covariate testid="covariate"
                    options=Signal::derive(move || {
                        let mut o = vec![(PRE_PERIOD.to_owned(), "the event outcome, before exposure".to_owned())];
                        o.extend(plain(outcomes.get().into_iter().map(|c| c.name).collect()));
                        o
                    })/>
                <label><input type="checkbox" prop:checked=move || bonferroni.get() on:change=move |_| bonferroni.update(|b| *b = !*b)/>" Bonferroni (Benjamini–Hochberg otherwise)"</label>
            </fieldset>
            <button class="button secondary" on:click=run>"Run experiment readout"</button>
            {move || state.experiment.get().map(|result| match result {
                Ok(result) => view! { <ExperimentReadout result=result/> }.into_any(),
                Err(message) => failure(message),
            })}
        </section>
    }
}

/// The arms, the checks and one table per outcome.
#[component]
fn ExperimentReadout(
    /// The readout the engine computed.
    result: ExperimentResult,
) -> impl IntoView {
    let control = result
        .arms
        .get(result.control)
        .map(|a| a.name.clone())
        .unwrap_or_default();
    let arms = result
        .arms
        .iter()
        .map(|a| format!("{} {}", a.name, format::count(a.users)))
        .collect::<Vec<_>>()
        .join(" · ");
    let srm = result.sample_ratio.as_ref().map_or_else(
        || "Sample ratio: too few users to tell.".to_owned(),
        |c| {
            format!(
                "Sample ratio: chi-square {:.2}, p = {}{}",
                c.statistic,
                p_value(c.p_value),
                if c.p_value < SRM_ALPHA {
                    " — mismatch"
                } else {
                    " — as expected"
                }
            )
        },
    );
    let correction = match result.correction {
        Correction::BenjaminiHochberg => "Benjamini–Hochberg",
        Correction::Bonferroni => "Bonferroni",
    };
    view! {
        <div class="impact-result" data-testid="experiment">
            <p data-testid="arms">{format!("Arms: {arms} (control: {control}; {} users in no arm)", format::count(result.unassigned))}</p>
            <p data-testid="sample-ratio">{srm}</p>
            {(!result.warnings.is_empty()).then(|| view! {
                <div role="status"><ul class="impact-warnings" data-testid="experiment-warnings">
                    {result.warnings.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}
                </ul></div>
            })}
            {result.metrics.into_iter().map(|m| view! { <MetricTable metric=m correction=correction/> }).collect_view()}
        </div>
    }
}

/// One outcome: a row per segment and arm.
#[component]
fn MetricTable(
    /// The outcome's results.
    metric: MetricResult,
    /// The multiple-testing correction's name.
    correction: &'static str,
) -> impl IntoView {
    let is_rate = metric.is_rate;
    let has_cuped = metric
        .segments
        .iter()
        .any(|s| s.arms.iter().any(|a| a.cuped.is_some()));
    let value = move |v: Option<f64>| match v {
        None => "–".to_owned(),
        Some(v) if is_rate => format::percent(v),
        Some(v) => format::number(v),
    };
    let interactions = metric.interactions.clone();
    let mut heads = table::heads(
        &[
            "Segment",
            "Arm",
            "Users",
            if is_rate { "Rate" } else { "Mean" },
            "Lift vs control (95% CI)",
            "Relative lift (95% CI)",
            "p",
        ],
        &["Arm"],
    );
    heads.push(table::col(
        format!("p adjusted ({correction})").into_any(),
        true,
    ));
    if has_cuped {
        heads.push(table::col("CUPED lift (95% CI)".into_any(), true));
    }
    let rows = metric
        .segments
        .iter()
        .flat_map(|s| {
            s.arms.iter().map(|a| {
                let mut cells = vec![
                    table::plain(a.arm.clone()),
                    num_id(format::count(a.n), "n"),
                    num_id(value(a.value), "value"),
                ];
                match &a.lift {
                    Lift::Control => cells.push(remark("control".into(), None, Some(4))),
                    Lift::TooFewToTell { reason } => {
                        cells.push(remark(TOO_FEW.into(), Some(reason.to_string()), Some(4)));
                    }
                    Lift::Measured {
                        absolute,
                        absolute_ci,
                        relative,
                        relative_ci,
                        p_value: p,
                        adjusted_p,
                        ..
                    } => {
                        let relative = match (relative, relative_ci) {
                            (Some(r), Some(ci)) => format!(
                                "{} ({} to {})",
                                signed_percent(*r),
                                signed_percent(ci.low),
                                signed_percent(ci.high)
                            ),
                            _ => "–".to_owned(),
                        };
                        cells.extend([
                            num_id(difference(*absolute, *absolute_ci, is_rate), "lift"),
                            num(relative),
                            num_id(p_value(*p), "p"),
                            num_id(p_value(*adjusted_p), "adjusted-p"),
                        ]);
                    }
                }
                if has_cuped {
                    cells.push(match &a.cuped {
                        None => remark("–".into(), None, None),
                        Some(Cuped::TooFewToTell { reason }) => {
                            remark(TOO_FEW.into(), Some(reason.to_string()), None)
                        }
                        Some(Cuped::Measured {
                            absolute,
                            absolute_ci,
                            p_value: p,
                            variance_reduction,
                            ..
                        }) => num_id(
                            format!(
                                "{}, p = {}; variance −{}",
                                difference(*absolute, *absolute_ci, is_rate),
                                p_value(*p),
                                format::percent(*variance_reduction)
                            ),
                            "cuped",
                        ),
                    });
                }
                table::row(s.segment.clone().into_any(), cells, false)
            })
        })
        .collect::<Vec<_>>();
    view! {
        <div class="table-scroll" tabindex="0">
            <table data-testid="experiment-metric" data-metric=metric.name.clone()>
                <caption>{format!("{} — {} of {} users with an outcome", metric.name, if is_rate { "rate" } else { "mean" }, format::count(metric.measured))}</caption>
                <thead><tr>{heads}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {(!interactions.is_empty()).then(|| view! {
            <ul class="impact-notes" data-testid="interactions">
                {interactions.into_iter().map(|i| view! { <li>{interaction(&i)}</li> }).collect_view()}
            </ul>
        })}
    }
}

/// Whether the effect differs between segments, in a sentence.
fn interaction(i: &Interaction) -> String {
    match i {
        Interaction::DifferenceZ {
            arm,
            difference,
            p_value: p,
            ..
        } => format!(
            "Does the effect of {arm} differ between the two segments? Difference of effects {}, z-test p = {}{}",
            super::signed(*difference),
            p_value(*p),
            if *p < 0.05 {
                ": yes, it likely does."
            } else {
                ": no clear difference."
            }
        ),
        Interaction::CochranQ {
            arm,
            statistic,
            df,
            p_value: p,
            ..
        } => format!(
            "Does the effect of {arm} differ between the segments? Cochran's Q = {statistic:.2} ({df} df), p = {}{}",
            p_value(*p),
            if *p < 0.05 {
                ": yes, it likely does."
            } else {
                ": no clear difference."
            }
        ),
        Interaction::TooFewToTell { arm, reason } => {
            format!("Does the effect of {arm} differ between the segments? {TOO_FEW} ({reason}).")
        }
    }
}
