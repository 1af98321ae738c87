//! Retention: the cohort heatmap per segment (counts and rates, coloured by rate) and the curves pooled
//! over cohorts with their intervals, drawn and as a table.

use super::{Choice, Days, columns_of, events, failure, plain};
use crate::browser;
use crate::components::table;
use crate::format;
use crate::protocol::Request;
use crate::state::AppState;
use leptos::prelude::*;
use seglab_core::ColumnType;
use seglab_core::impact::{Period, RetentionResult, RetentionSegment};

/// Curve colours, one per segment in order ("everyone" first); each reads on the light and dark themes.
const PALETTE: [&str; 6] = [
    "#6b7280", "#1f77b4", "#d95f02", "#2ca02c", "#9467bd", "#c2185b",
];

/// Controls for the retention table and its results.
#[component]
pub fn RetentionPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let monthly = RwSignal::new(String::from("week"));
    let cohort = RwSignal::new(String::new());
    let start = RwSignal::new(String::new());
    let back = RwSignal::new(String::new());
    let periods = RwSignal::new(12u32);
    let dates = columns_of(
        state.impact_choices,
        &[ColumnType::Date, ColumnType::DateTime],
    );
    let event_names = events(state.impact_choices);
    let run = move |_| {
        let some = |s: String| (!s.is_empty()).then_some(s);
        browser::post(
            &Request::Retention {
                segments: state.segments.get_untracked(),
                selected: state.compared.get_untracked(),
                monthly: monthly.get_untracked() == "month",
                return_event: some(back.get_untracked()),
                start_event: some(start.get_untracked()),
                cohort_column: some(cohort.get_untracked()),
                periods: Some(periods.get_untracked() as usize),
            },
            None,
        );
    };
    view! {
        <section class="impact-part" aria-labelledby="retention-title">
            <h3 id="retention-title">"Retention"</h3>
            <p class="hint">"Users grouped by when they started; the share who came back in each week or month since. A period counts only once it has ended."</p>
            <div class="impact-controls">
                <Choice label="Cohorts by" options=Signal::derive(|| vec![("week".to_owned(), "week".to_owned()), ("month".to_owned(), "month (30-day periods)".to_owned())]) value=monthly testid="retention-period"/>
                <Choice label="Start" none="first start event" options=Signal::derive(move || dates.get().into_iter().map(|c| (c.name.clone(), format!("date in {}", c.name))).collect()) value=cohort testid="retention-cohort"/>
                <Choice label="Start event" none="any event" options=Signal::derive(move || plain(event_names.get())) value=start testid="retention-start"/>
                <Choice label="Return event" none="any event" options=Signal::derive(move || plain(event_names.get())) value=back testid="retention-return"/>
                <Days label="Show" value=periods unit="periods" testid="retention-periods"/>
                <button class="button secondary" on:click=run>"Show retention"</button>
            </div>
            {move || state.retention.get().map(|result| match result {
                Ok(retention) => view! { <RetentionResultView retention=retention/> }.into_any(),
                Err(message) => failure(message),
            })}
        </section>
    }
}

/// The curves first (drawn and as a table), then one heatmap per segment.
#[component]
fn RetentionResultView(
    /// The retention the engine computed.
    retention: RetentionResult,
) -> impl IntoView {
    let unit = match retention.by {
        Period::Week => "week",
        Period::Month => "month",
    };
    let note = format!(
        "{} cohorts; {} users without a start are left out; as of {}.",
        retention.cohorts.len(),
        format::count(retention.without_start),
        seglab_core::segment::time::format_datetime(retention.as_of)
    );
    view! {
        <div class="impact-result">
            <p class="muted">{note}</p>
            <Curves retention=retention.clone() unit=unit/>
            <CurveTable retention=retention.clone() unit=unit/>
            {retention.segments.iter().map(|s| view! { <Heatmap retention=retention.clone() segment=s.clone() unit=unit/> }).collect_view()}
        </div>
    }
}

/// The pooled curves with their 95% bands, as an SVG image; the table after it has the same numbers.
#[component]
fn Curves(
    /// The retention the engine computed.
    retention: RetentionResult,
    /// “week” or “month”.
    unit: &'static str,
) -> impl IntoView {
    const W: f64 = 640.0;
    const H: f64 = 240.0;
    const PAD: f64 = 36.0;
    let periods = retention.periods.max(2);
    let x = move |k: usize| PAD + (W - 2.0 * PAD) * k as f64 / (periods - 1) as f64;
    let y = |rate: f64| H - PAD - (H - 2.0 * PAD) * rate.clamp(0.0, 1.0);
    let series = retention
        .segments
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let color = PALETTE[i % PALETTE.len()];
            let points: Vec<(usize, f64)> = s
                .curve
                .iter()
                .filter_map(|p| p.rate.map(|r| (p.period, r)))
                .collect();
            let line = points
                .iter()
                .map(|&(k, r)| format!("{:.1},{:.1}", x(k), y(r)))
                .collect::<Vec<_>>()
                .join(" ");
            let bands: Vec<(usize, f64, f64)> = s
                .curve
                .iter()
                .filter_map(|p| p.ci.map(|ci| (p.period, ci.low, ci.high)))
                .collect();
            let band = bands
                .iter()
                .map(|&(k, _, hi)| format!("{:.1},{:.1}", x(k), y(hi)))
                .chain(
                    bands
                        .iter()
                        .rev()
                        .map(|&(k, lo, _)| format!("{:.1},{:.1}", x(k), y(lo))),
                )
                .collect::<Vec<_>>()
                .join(" ");
            view! {
                <polygon points=band fill=color fill-opacity="0.15" stroke="none"/>
                <polyline points=line fill="none" stroke=color stroke-width="2"/>
            }
        })
        .collect_view();
    let ticks = (0..=4)
        .map(|i| {
            let rate = f64::from(i) / 4.0;
            view! {
                <line x1=PAD x2=W - PAD y1=y(rate) y2=y(rate) class="grid"/>
                <text x=PAD - 4.0 y=y(rate) + 4.0 text-anchor="end">{format!("{:.0}%", rate * 100.0)}</text>
            }
        })
        .collect_view();
    let legend = retention
        .segments
        .iter()
        .enumerate()
        .map(|(i, s)| {
            view! { <li><span class="swatch" style=format!("background: {}", PALETTE[i % PALETTE.len()])></span>{s.segment.clone()}</li> }
        })
        .collect_view();
    view! {
        <figure class="retention-curves">
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-labelledby="retention-curves-caption" data-testid="retention-curve">
                {ticks}
                {series}
                <text x=W / 2.0 y=H - 6.0 text-anchor="middle">{format!("{unit}s since start")}</text>
            </svg>
            <figcaption id="retention-curves-caption">{format!("Retention by {unit} since start, pooled over cohorts, with 95% intervals (the table below has the numbers).")}</figcaption>
            <ul class="legend">{legend}</ul>
        </figure>
    }
}

/// The curves' numbers: per segment and period, the rate, its interval and the counts.
#[component]
fn CurveTable(
    /// The retention the engine computed.
    retention: RetentionResult,
    /// “week” or “month”.
    unit: &'static str,
) -> impl IntoView {
    let heads = std::iter::once(table::col("Segment".into_any(), false))
        .chain((0..retention.periods).map(|k| table::col(format!("{unit} {k}").into_any(), true)))
        .collect::<Vec<_>>();
    let rows = retention
        .segments
        .iter()
        .map(|segment| {
            let cells = segment
                .curve
                .iter()
                .map(|point| {
                    let rate =
                        format::rate_within(point.rate, point.ci.map(|ci| (ci.low, ci.high)));
                    table::figures(
                        "num",
                        Some("curve-cell"),
                        None,
                        rate,
                        format!(
                            "{} / {}",
                            format::count(point.retained as usize),
                            format::count(point.eligible as usize)
                        ),
                    )
                })
                .collect();
            table::row(segment.segment.clone().into_any(), cells, false)
        })
        .collect::<Vec<_>>();
    view! {
        <div class="table-scroll" tabindex="0">
            <table data-testid="retention">
                <caption>{format!("Retention by {unit} since start, all cohorts together: rate (95% interval), returned / eligible")}</caption>
                <thead><tr>{heads}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// One segment's cohorts × periods: the rate as text and as colour, with returned / eligible counts.
#[component]
fn Heatmap(
    /// The retention the engine computed (for the cohorts).
    retention: RetentionResult,
    /// The segment's table.
    segment: RetentionSegment,
    /// “week” or “month”.
    unit: &'static str,
) -> impl IntoView {
    let periods = retention.periods;
    let heads = [
        table::col("Cohort".into_any(), false),
        table::col("Users".into_any(), true),
    ]
    .into_iter()
    .chain((0..periods).map(|k| table::col(format!("{unit} {k}").into_any(), true)))
    .collect::<Vec<_>>();
    let rows = retention
        .cohort_labels
        .iter()
        .enumerate()
        .filter(|&(c, _)| segment.size[c] > 0)
        .map(|(c, label)| {
            let mut cells = vec![table::num(format::count(segment.size[c] as usize))];
            cells.extend((0..periods).map(|k| {
                let eligible = segment.eligible[c * periods + k];
                let retained = segment.retained[c * periods + k];
                if eligible == 0 {
                    return table::classed("num muted", "–".to_owned());
                }
                let rate = retained as f64 / eligible as f64;
                table::figures(
                    "num impact-heat",
                    None,
                    Some(format!("--heat: {:.0}%", rate * 45.0)),
                    format::percent(rate),
                    format!("{retained} / {eligible}"),
                )
            }));
            table::row(label.clone().into_any(), cells, false)
        })
        .collect::<Vec<_>>();
    view! {
        <div class="table-scroll" tabindex="0">
            <table class="retention-heatmap" data-testid="retention-heatmap" data-segment=segment.segment.clone()>
                <caption>{format!("{}: share of each {unit}'s cohort who came back, returned / eligible", segment.segment)}</caption>
                <thead><tr>{heads}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
