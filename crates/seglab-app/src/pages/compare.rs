//! The Compare section: the compared segments side by side with everyone else, every column summarised,
//! and the differences the engine found, strongest first.

use crate::components::histogram::Histogram;
use crate::format;
use crate::state::AppState;
use leptos::prelude::*;
use seglab_core::compare::{ColumnComparison, Comparison, Finding, GroupInfo, Summary};

/// The comparison the engine computed, as tables.
#[component]
pub fn ComparePage() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <section class="panel" aria-labelledby="compare-title">
            <h2 id="compare-title">"Compare"</h2>
            {move || {
                if state.compared.with(Vec::is_empty) {
                    return view! { <p class="hint">"Tick “Compare” on a segment to see it side by side with everyone else."</p> }.into_any();
                }
                if let Some(message) = state.compare_error.get() {
                    return view! { <p class="hint" data-testid="compare-error">{message}</p> }.into_any();
                }
                match state.comparison.get() {
                    Some(comparison) => view! { <ComparisonView comparison=comparison/> }.into_any(),
                    None => view! { <p class="hint">"Load a file to compare."</p> }.into_any(),
                }
            }}
        </section>
    }
}

/// One comparison: group sizes, the differences found, and a row per column.
#[component]
fn ComparisonView(
    /// What the engine computed.
    comparison: Comparison,
) -> impl IntoView {
    let groups = comparison.groups.clone();
    let mut findings: Vec<Finding> = comparison
        .findings
        .iter()
        .filter(|f| f.significant)
        .cloned()
        .collect();
    findings.sort_by(|a, b| {
        b.magnitude
            .unwrap_or(0.0)
            .total_cmp(&a.magnitude.unwrap_or(0.0))
    });
    let header = groups.clone();
    view! {
        <div data-testid="comparison">
            <div class="table-scroll">
                <table class="compare-table">
                    <caption class="visually-hidden">"Compared groups and their sizes"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Column"</th>
                            {header.into_iter().map(|g| view! {
                                <th scope="col" class="segment-col num" style=format!("--segment-color: {}", g.color)>
                                    <span class="group-name">{g.name.clone()}</span>
                                    <br/>
                                    <span class="muted"><span data-testid="group-size">{format::count(g.size)}</span>" users"</span>
                                </th>
                            }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {comparison.columns.iter().map(|column| column_rows(column, &groups)).collect_view()}
                    </tbody>
                </table>
            </div>
            <h3>"What differs"</h3>
            {if findings.is_empty() {
                view! { <p class="muted">"No difference is statistically significant after adjusting for the number of comparisons."</p> }.into_any()
            } else {
                view! {
                    <ol class="findings" data-testid="findings">
                        {findings.into_iter().take(20).map(|f| view! {
                            <li>{f.sentence.clone()}</li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            {(!comparison.notes.is_empty()).then(|| view! {
                <ul class="notes">{comparison.notes.iter().map(|n| view! { <li class="muted">{n.clone()}</li> }).collect_view()}</ul>
            })}
        </div>
    }
}

/// The rows that summarise one column, a cell per group: the figures and, where there is one, a histogram.
fn column_rows(column: &ColumnComparison, groups: &[GroupInfo]) -> AnyView {
    let name = column.name.clone();
    let cells: Vec<(String, Option<Vec<u64>>)> = match &column.summary {
        Summary::Numeric {
            groups: summaries, ..
        } => summaries
            .iter()
            .map(|s| match (s.mean, s.median) {
                (Some(mean), Some(median)) => {
                    let ci = s
                        .mean_ci
                        .map(|ci| {
                            format!(" ({}–{})", format::number(ci.low), format::number(ci.high))
                        })
                        .unwrap_or_default();
                    let text = format!(
                        "mean {}{ci} · median {} · n {}",
                        format::number(mean),
                        format::number(median),
                        format::count(s.n)
                    );
                    (text, Some(s.histogram.clone()))
                }
                _ => ("no values".into(), None),
            })
            .collect(),
        Summary::Categorical {
            values,
            groups: summaries,
            ..
        } => summaries
            .iter()
            .map(|s| {
                let top: Vec<String> = values
                    .iter()
                    .zip(&s.shares)
                    .take(3)
                    .filter_map(|(v, share)| {
                        share.map(|share| format!("{v} {}", format::percent(share.share)))
                    })
                    .collect();
                (
                    if top.is_empty() {
                        "no values".into()
                    } else {
                        top.join(" · ")
                    },
                    None,
                )
            })
            .collect(),
        Summary::Boolean { groups: summaries } => summaries
            .iter()
            .map(|s| match s.rate {
                Some(rate) => (
                    format!(
                        "{} yes ({}–{})",
                        format::percent(rate.share),
                        format::percent(rate.ci.low),
                        format::percent(rate.ci.high)
                    ),
                    None,
                ),
                None => ("no values".into(), None),
            })
            .collect(),
        Summary::Date {
            groups: summaries, ..
        } => summaries
            .iter()
            .map(|s| match (&s.min, &s.max) {
                (Some(min), Some(max)) => (format!("{min} – {max}"), Some(s.histogram.clone())),
                _ => ("no values".into(), None),
            })
            .collect(),
        Summary::Skipped { reason } => vec![(reason.clone(), None); groups.len()],
    };
    let bins = match &column.summary {
        Summary::Numeric { edges, .. } if edges.len() >= 2 => format!(
            "{} bins from {} to {}",
            edges.len() - 1,
            format::number(edges[0]),
            format::number(edges[edges.len() - 1])
        ),
        Summary::Date { months, .. } => format!(
            "by month from {} to {}",
            months.first().cloned().unwrap_or_default(),
            months.last().cloned().unwrap_or_default()
        ),
        _ => String::new(),
    };
    view! {
        <tr data-column=name.clone()>
            <th scope="row">{name.clone()}<br/><span class="type">{column.ty.name()}</span></th>
            {cells.into_iter().zip(groups).map(|((text, histogram), group)| view! {
                <td class="num">
                    {text}
                    {histogram.map(|counts| view! { <br/><Histogram counts=counts color=group.color.clone() label=bins.clone()/> })}
                </td>
            }).collect_view()}
        </tr>
    }
    .into_any()
}
