//! The Compare section: 1–8 segments side by side with everyone else against a chosen baseline, every
//! column summarised, the differences the engine found (strongest first, each a link to its column),
//! what distinguishes two groups, how the segments overlap, a breakdown by a column, the NPS, and the
//! exports. Everything shown here was computed by the engine; this file only lays it out.

use crate::browser;
use crate::components::error_bars::{Bar, ErrorBars};
use crate::components::histogram::Histogram;
use crate::components::table::{cell, col, heads, num, num_span, row, table};
use crate::components::upset::UpSet;
use crate::format;
use crate::protocol::Request;
use crate::state::{AppState, NoticeKind};
use leptos::prelude::*;
use seglab_core::ColumnType;
use seglab_core::compare::{
    CategoricalSummary, ColumnComparison, Comparison, DateSummary, Finding, GroupInfo, MAX_GROUPS,
    NpsComparison, NumericSummary, Overlap, Pivot, RateSummary, Summary,
};
use wasm_bindgen::JsCast;

/// Below this many values a figure is not shown: the page says the sample is too small instead.
const TOO_FEW: usize = 10;

/// Pivot rows shown before "Show all values".
const PIVOT_ROWS: usize = 25;

/// The value of the baseline picker's "Everyone else" option.
const REST: &str = "rest";

/// `name` made safe as a file name: letters, digits, `-` and `_`, the rest as `-`.
pub fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem.trim_matches('-');
    if stem.is_empty() {
        "segment".to_owned()
    } else {
        stem.to_owned()
    }
}

/// The anchor of a column's detail.
fn anchor(index: usize) -> String {
    format!("compare-column-{index}")
}

/// Scrolls to a column's detail, highlights it and moves the keyboard focus there.
fn jump(highlight: RwSignal<Option<String>>, columns: &[String], column: &str) {
    highlight.set(Some(column.to_owned()));
    let Some(index) = columns.iter().position(|c| c == column) else {
        return;
    };
    let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(&anchor(index)))
    else {
        return;
    };
    element.scroll_into_view();
    if let Some(element) = element.dyn_ref::<web_sys::HtmlElement>() {
        let _ = element.focus();
    }
}

/// A share with its interval: `34.5% (30.1–38.9%)`.
fn share_text(share: f64, low: f64, high: f64) -> String {
    format!(
        "{} ({}–{})",
        format::percent(share),
        format::percent(low).trim_end_matches('%'),
        format::percent(high)
    )
}

fn too_few(n: usize) -> String {
    format!("too few to say (n = {n})")
}

/// The swatch and name of a group, in its colour.
fn group_label(group: &GroupInfo, baseline: bool) -> AnyView {
    view! {
        <span class="swatch" style=format!("--segment-color: {}", group.color) aria-hidden="true"></span>
        <span class="group-name">{group.name.clone()}</span>
        {baseline.then(|| view! { <span class="muted">" (baseline)"</span> })}
    }
    .into_any()
}

/// The comparison the engine computed, with its controls.
#[component]
pub fn ComparePage() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <section class="panel compare-view" aria-labelledby="compare-title">
            <h2 id="compare-title">"Compare"</h2>
            {move || if state.segments.with(Vec::is_empty) {
                view! { <p class="hint">"Define a segment above, then choose up to 8 to see them side by side with everyone else."</p> }.into_any()
            } else {
                view! { <Chooser/> }.into_any()
            }}
            {move || {
                if state.compared.with(Vec::is_empty) {
                    return view! { <p class="hint">"Choose segments to compare; everyone else is added automatically."</p> }.into_any();
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

/// Which segments are compared, and the baseline.
#[component]
fn Chooser() -> impl IntoView {
    let state = expect_context::<AppState>();
    let toggle = move |index: usize| {
        state.compared.update(|c| {
            if let Some(at) = c.iter().position(|&i| i == index) {
                c.remove(at);
            } else if c.len() < MAX_GROUPS {
                c.push(index);
            }
        });
        if state
            .base
            .get_untracked()
            .is_some_and(|b| !state.compared.with_untracked(|c| c.contains(&b)))
        {
            state.base.set(None);
        }
    };
    let set_base = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        state.base.set(value.parse().ok());
    };
    view! {
        <div class="compare-controls">
            <fieldset class="compare-chooser" data-testid="compare-chooser">
                <legend>"Segments to compare (up to " {MAX_GROUPS} ", plus everyone else)"</legend>
                {move || state.segments.get().into_iter().enumerate().map(|(i, s)| {
                    let checked = move || state.compared.with(|c| c.contains(&i));
                    let disabled = move || !checked() && state.compared.with(|c| c.len() >= MAX_GROUPS);
                    view! {
                        <label class="chooser-item" style=format!("--segment-color: {}", s.color)>
                            <input type="checkbox" prop:checked=checked prop:disabled=disabled on:change=move |_| toggle(i)/>
                            <span class="swatch" aria-hidden="true"></span>
                            {s.name.clone()}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <label class="baseline-picker">"Baseline "
                <select data-testid="baseline" on:change=set_base>
                    {move || {
                        let segments = state.segments.get();
                        let base = state.base.get();
                        let mut options: Vec<AnyView> = state.compared.get().into_iter().filter_map(|i| {
                            let name = segments.get(i)?.name.clone();
                            Some(view! { <option value=i.to_string() selected=base == Some(i)>{name}</option> }.into_any())
                        }).collect();
                        options.push(view! { <option value=REST selected=base.is_none()>"Everyone else"</option> }.into_any());
                        options
                    }}
                </select>
            </label>
        </div>
    }
}

/// One comparison: group sizes, exports, the differences found, what distinguishes two groups, every
/// column, the overlap, the breakdown and the NPS.
#[component]
fn ComparisonView(
    /// What the engine computed.
    comparison: Comparison,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let highlight = RwSignal::new(None::<String>);
    let names: Vec<String> = comparison.columns.iter().map(|c| c.name.clone()).collect();
    let names = StoredValue::new(names);
    let mut findings: Vec<Finding> = comparison
        .findings
        .iter()
        .filter(|f| f.significant)
        .cloned()
        .collect();
    seglab_core::sorting::sort_by(&mut findings, |a, b| {
        b.magnitude
            .unwrap_or(0.0)
            .total_cmp(&a.magnitude.unwrap_or(0.0))
    });
    let tested = comparison
        .findings
        .iter()
        .filter(|f| f.p_value.is_some())
        .count();
    let groups = comparison.groups.clone();
    let baseline = comparison.baseline;
    let base_name = groups
        .get(baseline)
        .map(|g| g.name.clone())
        .unwrap_or_default();
    let colors: Vec<String> = groups.iter().map(|g| g.color.clone()).collect();
    let for_exports = comparison.clone();
    view! {
        <div data-testid="comparison">
            <div class="table-scroll" tabindex="0" role="region" aria-label="Scrollable table">
                <table class="compare-groups">
                    <caption>"Compared groups"</caption>
                    <thead><tr><th scope="col">"Group"</th><th scope="col" class="num">"Users"</th><th scope="col" class="num">"Share of all"</th></tr></thead>
                    <tbody>
                        {groups.iter().enumerate().map(|(i, g)| view! {
                            <tr data-group=g.name.clone()>
                                <th scope="row">{group_label(g, i == baseline)}</th>
                                <td class="num"><span data-testid="group-size">{format::count(g.size)}</span></td>
                                <td class="num">{format::share(g.size, comparison.rows)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <Exports comparison=for_exports/>
            <h3>"What differs from " {base_name.clone()}</h3>
            <p class="muted">{format!(
                "{} of {} differences tested against {base_name} are significant after adjusting for the number of comparisons (Benjamini–Hochberg, 5%). Largest effect first; choose one to see its column.",
                findings.len(), tested
            )}</p>
            {(!findings.is_empty()).then(|| view! {
                <ol class="findings" data-testid="findings">
                    {findings.into_iter().take(30).map(|f| {
                        let column = f.column.clone();
                        view! {
                            <li><button type="button" class="link-button" on:click=move |_| names.with_value(|n| jump(highlight, n, &column))>{f.sentence.clone()}</button></li>
                        }
                    }).collect_view()}
                </ol>
            })}
            {(!comparison.notes.is_empty()).then(|| view! {
                <ul class="notes">{comparison.notes.iter().map(|n| view! { <li class="muted">{n.clone()}</li> }).collect_view()}</ul>
            })}
            <Distinguish groups=groups.clone() names=names highlight=highlight/>
            <h3>"Every column"</h3>
            <div class="column-details">
                {comparison.columns.iter().enumerate().map(|(i, column)| column_detail(i, column, &comparison, highlight)).collect_view()}
            </div>
            {move || state.overlap.get().map(|overlap| view! { <OverlapView overlap=overlap colors=colors.clone()/> })}
            <BreakdownView comparison=comparison.clone()/>
            <NpsView comparison=comparison.clone()/>
        </div>
    }
}

/// Downloads: the comparison as CSV and as one HTML report, a segment's members as CSV.
#[component]
fn Exports(
    /// The comparison to export.
    comparison: Comparison,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let comparison = StoredValue::new(comparison);
    let stem = move || {
        comparison.with_value(|c| {
            let names: Vec<&str> = c
                .groups
                .iter()
                .filter(|g| !g.rest)
                .map(|g| g.name.as_str())
                .collect();
            file_stem(&names.join("-vs-"))
        })
    };
    let offer = move |file: String, mime: &str, contents: String| {
        if let Err(message) = browser::download(&file, mime, &contents) {
            state.notify(NoticeKind::Error, format!("The download failed: {message}"));
        }
    };
    let csv = move |_| {
        let text = comparison.with_value(seglab_core::report::comparison_csv);
        offer(
            format!("{}-comparison.csv", stem()),
            "text/csv;charset=utf-8",
            text,
        );
    };
    let html = move |_| {
        let segments = state.segments.get_untracked();
        let compared = state.compared.get_untracked();
        let definitions: Vec<&str> = compared
            .iter()
            .filter_map(|&i| segments.get(i).map(|s| s.definition.as_str()))
            .collect();
        let files: Vec<String> = state
            .files
            .get_untracked()
            .into_iter()
            .map(|f| f.name)
            .collect();
        let page = comparison.with_value(|c| {
            seglab_core::report::render(&seglab_core::report::Report {
                comparison: c,
                definitions: &definitions,
                left_out: &[],
                notes: &[],
                files: &files,
            })
        });
        offer(
            format!("{}-report.html", stem()),
            "text/html;charset=utf-8",
            page,
        );
    };
    let member_of = RwSignal::new(None::<usize>);
    let members = move |_| {
        let index = member_of
            .get_untracked()
            .or_else(|| state.compared.get_untracked().first().copied());
        if let Some(index) = index {
            browser::post(
                &Request::Members {
                    segments: state.segments.get_untracked(),
                    index,
                },
                None,
            );
        }
    };
    view! {
        <div class="compare-exports" role="group" aria-label="Exports">
            <button type="button" class="button secondary" on:click=csv>"Download comparison (CSV)"</button>
            <button type="button" class="button secondary" on:click=html>"Download report (HTML)"</button>
            <label>"Members of "
                <select data-testid="members-of" on:change=move |ev| member_of.set(event_target_value(&ev).parse().ok())>
                    {move || {
                        let segments = state.segments.get();
                        state.compared.get().into_iter().filter_map(|i| {
                            let name = segments.get(i)?.name.clone();
                            Some(view! { <option value=i.to_string()>{name}</option> })
                        }).collect_view()
                    }}
                </select>
            </label>
            <button type="button" class="button secondary" on:click=members>"Download members (CSV)"</button>
        </div>
    }
}

/// "What distinguishes A from B": the significant differences between two groups, largest first.
#[component]
fn Distinguish(
    /// The compared groups, everyone else last.
    groups: Vec<GroupInfo>,
    /// The compared columns' names, for jumping to their detail.
    names: StoredValue<Vec<String>>,
    /// The column whose detail is highlighted.
    highlight: RwSignal<Option<String>>,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    // Each group's segment index (`None` for everyone else), in group order.
    let keys: Vec<Option<usize>> = {
        let compared = state.compared.get_untracked();
        groups
            .iter()
            .enumerate()
            .map(|(i, g)| {
                if g.rest {
                    None
                } else {
                    compared.get(i).copied()
                }
            })
            .collect()
    };
    let key_text = |k: Option<usize>| k.map_or_else(|| REST.to_owned(), |i| i.to_string());
    let parse = |v: String| -> Option<usize> { v.parse().ok() };
    let (first, second) = state.pair.get_untracked().unwrap_or((
        keys.first().copied().flatten(),
        keys.get(1).copied().flatten(),
    ));
    let a = RwSignal::new(first);
    let b = RwSignal::new(second);
    let options = move |selected: RwSignal<Option<usize>>| {
        groups
            .iter()
            .zip(&keys)
            .map(|(g, &k)| {
                view! { <option value=key_text(k) selected=move || selected.get() == k>{g.name.clone()}</option> }
            })
            .collect_view()
    };
    let (options_a, options_b) = (options(a), options(b));
    let show = move |_| state.pair.set(Some((a.get_untracked(), b.get_untracked())));
    view! {
        <section class="distinguish" aria-labelledby="distinguish-title">
            <h3 id="distinguish-title">"What distinguishes two groups"</h3>
            <div class="impact-controls">
                <label>"Group A " <select data-testid="distinguish-a" on:change=move |ev| a.set(parse(event_target_value(&ev)))>{options_a}</select></label>
                <label>"from group B " <select data-testid="distinguish-b" on:change=move |ev| b.set(parse(event_target_value(&ev)))>{options_b}</select></label>
                <button type="button" class="button secondary" on:click=show>"Show what distinguishes them"</button>
            </div>
            {move || state.distinguished.get().map(|(a, b, result)| match result {
                Ok(findings) if findings.is_empty() => view! {
                    <p class="muted" data-testid="distinguished">{format!("Nothing distinguishes {a} from {b} significantly.")}</p>
                }.into_any(),
                Ok(findings) => view! {
                    <p class="muted">{format!("What distinguishes {a} from {b}: {} significant differences, largest effect first.", findings.len())}</p>
                    <ol class="findings" data-testid="distinguished">
                        {findings.into_iter().map(|f| {
                            let column = f.column.clone();
                            let effect = f.magnitude.map(|m| format!(" (effect size {})", format::number(m))).unwrap_or_default();
                            view! {
                                <li>
                                    <button type="button" class="link-button" data-column=column.clone() on:click=move |_| names.with_value(|n| jump(highlight, n, &column))>{f.sentence.clone()}</button>
                                    <span class="muted">{effect}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any(),
                Err(message) => view! { <p class="segment-error" role="alert">{message}</p> }.into_any(),
            })}
        </section>
    }
}

/// One column's detail: a chart, its table, and the tests against the baseline.
fn column_detail(
    index: usize,
    column: &ColumnComparison,
    comparison: &Comparison,
    highlight: RwSignal<Option<String>>,
) -> AnyView {
    let name = column.name.clone();
    let is_lit = {
        let name = name.clone();
        move || highlight.with(|h| h.as_deref() == Some(name.as_str()))
    };
    let groups = &comparison.groups;
    let baseline = comparison.baseline;
    let body = match &column.summary {
        Summary::Numeric {
            groups: summaries,
            edges,
        } => numeric_detail(&name, summaries, edges, groups, baseline),
        Summary::Categorical {
            values,
            other,
            groups: summaries,
        } => categorical_detail(&name, values, *other, summaries, groups, baseline),
        Summary::Boolean { groups: summaries } => {
            boolean_detail(&name, summaries, groups, baseline)
        }
        Summary::Date {
            groups: summaries,
            months,
        } => date_detail(&name, summaries, months, groups, baseline),
        Summary::Skipped { reason } => {
            view! { <p class="muted">{format!("Not summarised: {reason}")}</p> }.into_any()
        }
    };
    let tests: Vec<&Finding> = comparison
        .findings
        .iter()
        .filter(|f| f.column == column.name)
        .collect();
    let significant = tests.iter().filter(|f| f.significant).count();
    let tests_view = (!tests.is_empty()).then(|| {
        let items = tests
            .iter()
            .map(|f| {
                let p = f
                    .p_adjusted
                    .map(|p| {
                        if p < 0.001 {
                            " (adjusted p < 0.001)".to_owned()
                        } else {
                            format!(" (adjusted p {p:.3})")
                        }
                    })
                    .unwrap_or_default();
                view! { <li class:significant=f.significant>{f.sentence.clone()}<span class="muted">{p}</span></li> }
            })
            .collect_view();
        view! {
            <details open=significant > 0>
                <summary>{format!("{} tested against {}, {significant} significant", tests.len(), groups.get(baseline).map_or("the baseline", |g| g.name.as_str()))}</summary>
                <ul class="tests">{items}</ul>
            </details>
        }
    });
    view! {
        <section class="column-detail" class:highlight=is_lit id=anchor(index) data-column=name.clone() tabindex="-1" aria-labelledby=format!("{}-title", anchor(index))>
            <h4 id=format!("{}-title", anchor(index))>{name.clone()} " " <span class="type">{column.ty.name()}</span></h4>
            {body}
            {tests_view}
        </section>
    }
    .into_any()
}

fn numeric_detail(
    name: &str,
    summaries: &[NumericSummary],
    edges: &[f64],
    groups: &[GroupInfo],
    baseline: usize,
) -> AnyView {
    let bins = if edges.len() >= 2 {
        format!(
            "{} shared bins from {} to {}",
            edges.len() - 1,
            format::number(edges[0]),
            format::number(edges[edges.len() - 1])
        )
    } else {
        String::new()
    };
    let bars: Vec<Bar> = summaries
        .iter()
        .zip(groups)
        .filter(|(s, _)| s.n >= TOO_FEW)
        .filter_map(|(s, g)| {
            let mean = s.mean?;
            let ci = s.mean_ci?;
            Some(Bar {
                label: g.name.clone(),
                color: g.color.clone(),
                value: mean,
                low: ci.low,
                high: ci.high,
                text: format!(
                    "mean {} ({}–{})",
                    format::number(mean),
                    format::number(ci.low),
                    format::number(ci.high)
                ),
            })
        })
        .collect();
    let low = bars.iter().map(|b| b.low).fold(0.0_f64, f64::min);
    let high = bars.iter().map(|b| b.high).fold(0.0_f64, f64::max);
    let chart = (!bars.is_empty())
        .then(|| view! { <ErrorBars bars=bars min=low max=high label=format!("Mean of {name} with 95% intervals")/> });
    let opt = |x: Option<f64>| x.map_or_else(|| "–".to_owned(), format::number);
    let rows = summaries
        .iter()
        .zip(groups)
        .enumerate()
        .map(|(i, (s, g))| {
            let mut cells = vec![num(format::count(s.n)), num(format::count(s.missing))];
            if s.n < TOO_FEW {
                cells.push(num_span(too_few(s.n), 8));
            } else {
                let mean = match (s.mean, s.mean_ci) {
                    (Some(m), Some(ci)) => format!(
                        "{} ({}–{})",
                        format::number(m),
                        format::number(ci.low),
                        format::number(ci.high)
                    ),
                    (m, _) => opt(m),
                };
                cells.extend([mean, opt(s.median), opt(s.p10), opt(s.p25)].map(num));
                cells.extend([opt(s.p75), opt(s.p90), opt(s.sd)].map(num));
                cells.push(cell(
                    view! { <Histogram counts=s.histogram.clone() color=g.color.clone() label=bins.clone()/> }
                        .into_any(),
                ));
            }
            row(group_label(g, i == baseline), cells, false)
        })
        .collect::<Vec<_>>();
    let heads = heads(
        &[
            "Group",
            "Values",
            "Missing",
            "Mean (95% CI)",
            "Median",
            "p10",
            "p25",
            "p75",
            "p90",
            "SD",
            "Distribution",
        ],
        &["Distribution"],
    );
    let table = table(
        Some("compare-table"),
        None,
        format!("{name} per group"),
        heads,
        rows.into_any(),
    );
    view! { {chart} {table} }.into_any()
}

fn categorical_detail(
    name: &str,
    values: &[String],
    other: bool,
    summaries: &[CategoricalSummary],
    groups: &[GroupInfo],
    baseline: usize,
) -> AnyView {
    let mut header = vec![col("Value".into_any(), false)];
    header.extend(
        groups
            .iter()
            .enumerate()
            .map(|(i, g)| col(group_label(g, i == baseline), true)),
    );
    let mut rows = values
        .iter()
        .enumerate()
        .map(|(v, value)| {
            let label = if other && v + 1 == values.len() {
                "other".to_owned()
            } else {
                value.clone()
            };
            let cells = summaries
                .iter()
                .map(|s| {
                    let count = s.counts.get(v).copied().unwrap_or(0);
                    let text = if s.n < TOO_FEW as u64 {
                        too_few(usize::try_from(s.n).unwrap_or(usize::MAX))
                    } else {
                        match s.shares.get(v).copied().flatten() {
                            Some(share) => format!(
                                "{} · {}",
                                share_text(share.share, share.ci.low, share.ci.high),
                                format::count(usize::try_from(count).unwrap_or(usize::MAX))
                            ),
                            None => "–".to_owned(),
                        }
                    };
                    num(text)
                })
                .collect();
            row(label.into_any(), cells, false)
        })
        .collect::<Vec<_>>();
    let missing = summaries
        .iter()
        .map(|s| {
            num(format::count(
                usize::try_from(s.missing).unwrap_or(usize::MAX),
            ))
        })
        .collect();
    rows.push(row("missing".into_any(), missing, true));
    table(
        Some("compare-table"),
        None,
        format!("Share of each value of {name} per group, with 95% intervals and counts"),
        header,
        rows.into_any(),
    )
}

fn boolean_detail(
    name: &str,
    summaries: &[RateSummary],
    groups: &[GroupInfo],
    baseline: usize,
) -> AnyView {
    let bars: Vec<Bar> = summaries
        .iter()
        .zip(groups)
        .filter(|(s, _)| s.n >= TOO_FEW as u64)
        .filter_map(|(s, g)| {
            let rate = s.rate?;
            Some(Bar {
                label: g.name.clone(),
                color: g.color.clone(),
                value: rate.share,
                low: rate.ci.low,
                high: rate.ci.high,
                text: share_text(rate.share, rate.ci.low, rate.ci.high),
            })
        })
        .collect();
    let chart = (!bars.is_empty()).then(|| {
        view! { <ErrorBars bars=bars min=0.0 max=1.0 label=format!("Rate of {name} being true, with 95% Wilson intervals")/> }
    });
    let n = |x: u64| format::count(usize::try_from(x).unwrap_or(usize::MAX));
    let rows = summaries
        .iter()
        .zip(groups)
        .enumerate()
        .map(|(i, (s, g))| {
            let rate = match s.rate {
                _ if s.n < TOO_FEW as u64 => too_few(usize::try_from(s.n).unwrap_or(usize::MAX)),
                Some(r) => share_text(r.share, r.ci.low, r.ci.high),
                None => "–".to_owned(),
            };
            let cells = [n(s.count), n(s.n), rate, n(s.missing)].map(num).into();
            row(group_label(g, i == baseline), cells, false)
        })
        .collect::<Vec<_>>();
    let table = table(
        Some("compare-table"),
        None,
        format!("Rate of {name} per group"),
        heads(&["Group", "Yes", "Of", "Rate (95% CI)", "Missing"], &[]),
        rows.into_any(),
    );
    view! { {chart} {table} }.into_any()
}

fn date_detail(
    name: &str,
    summaries: &[DateSummary],
    months: &[String],
    groups: &[GroupInfo],
    baseline: usize,
) -> AnyView {
    let label = format!(
        "by month from {} to {}",
        months.first().cloned().unwrap_or_default(),
        months.last().cloned().unwrap_or_default()
    );
    let text = |d: &Option<String>| d.clone().unwrap_or_else(|| "–".to_owned());
    let rows = summaries
        .iter()
        .zip(groups)
        .enumerate()
        .map(|(i, (s, g))| {
            let mut cells = vec![num(format::count(s.n)), num(format::count(s.missing))];
            if s.n == 0 {
                cells.push(num_span("no dates".to_owned(), 4));
            } else {
                cells.extend([text(&s.min), text(&s.median), text(&s.max)].map(num));
                cells.push(cell(
                    view! { <Histogram counts=s.histogram.clone() color=g.color.clone() label=label.clone()/> }
                        .into_any(),
                ));
            }
            row(group_label(g, i == baseline), cells, false)
        })
        .collect::<Vec<_>>();
    table(
        Some("compare-table"),
        None,
        format!("Dates of {name} per group"),
        heads(
            &[
                "Group", "Values", "Missing", "Earliest", "Median", "Latest", "By month",
            ],
            &["By month"],
        ),
        rows.into_any(),
    )
}

/// Pairwise overlaps (users in both, Jaccard) and every exclusive intersection.
#[component]
fn OverlapView(
    /// The overlap the engine computed.
    overlap: Overlap,
    /// Each group's colour, in group order.
    colors: Vec<String>,
) -> impl IntoView {
    let names = &overlap.names;
    let mut columns = vec![col("Segment".into_any(), false)];
    columns.extend(names.iter().map(|n| col(n.clone().into_any(), true)));
    let rows = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let cells = (0..names.len())
                .map(|j| {
                    num(if i == j {
                        format::count(overlap.pairwise[i][j])
                    } else {
                        format!(
                            "{} (J = {:.2})",
                            format::count(overlap.pairwise[i][j]),
                            overlap.jaccard[i][j]
                        )
                    })
                })
                .collect();
            row(name.clone().into_any(), cells, false)
        })
        .collect::<Vec<_>>();
    let pairs = table(
        None,
        Some("overlap"),
        "Users in both segments, and the Jaccard index".to_owned(),
        columns,
        rows.into_any(),
    );
    let mut rows: Vec<AnyView> = overlap
        .intersections
        .iter()
        .filter(|x| x.count > 0)
        .map(|x| {
            let label = x
                .groups
                .iter()
                .filter_map(|&g| names.get(g).cloned())
                .collect::<Vec<_>>()
                .join(" ∩ ");
            row(label.into_any(), vec![num(format::count(x.count))], false)
        })
        .collect();
    rows.push(row(
        "none of them".into_any(),
        vec![num(format::count(overlap.in_none))],
        true,
    ));
    let intersections = table(
        None,
        Some("intersections"),
        "Users in exactly these segments and no other".to_owned(),
        heads(&["Exactly in", "Users"], &[]),
        rows.into_any(),
    );
    let upset = overlap.clone();
    view! {
        <section class="overlap" aria-labelledby="overlap-title">
            <h3 id="overlap-title">"Overlap"</h3>
            {pairs}
            <h4>"Every intersection"</h4>
            <div class="upset-wrap">
                <div class="table-scroll" tabindex="0" role="region" aria-label="Scrollable table"><UpSet overlap=upset colors=colors/></div>
                {intersections}
            </div>
        </section>
    }
}

/// The compared groups broken down by a chosen column: a pivot with an interval per cell.
#[component]
fn BreakdownView(
    /// The comparison, for the columns that can be broken down and the groups' colours.
    comparison: Comparison,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let columns: Vec<String> = comparison
        .columns
        .iter()
        .filter(|c| {
            matches!(
                c.ty,
                ColumnType::Category | ColumnType::Boolean | ColumnType::Text
            ) && !matches!(c.summary, Summary::Skipped { .. })
        })
        .map(|c| c.name.clone())
        .collect();
    let groups = comparison.groups.clone();
    let all = RwSignal::new(false);
    let choose = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        all.set(false);
        state.breakdown_by.set((!value.is_empty()).then_some(value));
    };
    view! {
        <section class="breakdown" aria-labelledby="breakdown-title">
            <h3 id="breakdown-title">"Breakdown"</h3>
            <label>"Break the groups down by "
                <select data-testid="breakdown-column" on:change=choose>
                    {column_options(columns, state.breakdown_by, "choose a column")}
                </select>
            </label>
            {move || {
                state.breakdown_by.get()?;
                Some(match state.breakdown.get()? {
                    Ok(pivot) => view! { <PivotTable pivot=pivot groups=groups.clone() all=all/> }.into_any(),
                    Err(message) => view! { <p class="segment-error" role="alert">{message}</p> }.into_any(),
                })
            }}
        </section>
    }
}

/// A pivot: a row per value, a column per group, each cell a share with its interval and the count.
#[component]
fn PivotTable(
    /// What the engine computed.
    pivot: Pivot,
    /// The groups, for their colours.
    groups: Vec<GroupInfo>,
    /// Show every value instead of the first `PIVOT_ROWS`.
    all: RwSignal<bool>,
) -> impl IntoView {
    let total = pivot.rows.len() + usize::from(pivot.other.is_some());
    let color = |i: usize| groups.get(i).map(|g| g.color.clone()).unwrap_or_default();
    let mut header = vec![col(pivot.column.clone().into_any(), false)];
    header.extend(pivot.groups.iter().enumerate().map(|(i, name)| {
        let label = view! {
            <span class="swatch" style=format!("--segment-color: {}", color(i)) aria-hidden="true"></span>{name.clone()}
        };
        col(label.into_any(), true)
    }));
    let n = pivot.n.clone();
    let row_view = move |r: &seglab_core::compare::PivotRow| {
        let cells = r
            .cells
            .iter()
            .zip(&n)
            .map(|(cell, &n)| {
                let count = format::count(usize::try_from(cell.count).unwrap_or(usize::MAX));
                let text = match cell.share {
                    _ if n < TOO_FEW as u64 => too_few(usize::try_from(n).unwrap_or(usize::MAX)),
                    Some(s) => format!("{} · {count}", share_text(s.share, s.ci.low, s.ci.high)),
                    None => "–".to_owned(),
                };
                num(text)
            })
            .collect();
        row(r.value.clone().into_any(), cells, false)
    };
    let pivot = StoredValue::new(pivot);
    let rows = move || {
        pivot.with_value(|p| {
            let limit = if all.get() { usize::MAX } else { PIVOT_ROWS };
            let mut out: Vec<AnyView> = p.rows.iter().take(limit).map(&row_view).collect();
            if let Some(other) = p
                .other
                .as_ref()
                .filter(|_| all.get() || p.rows.len() < PIVOT_ROWS)
            {
                out.push(row_view(other));
            }
            out.push(row(
                "users with a value".into_any(),
                p.n.iter()
                    .map(|&n| num(format::count(usize::try_from(n).unwrap_or(usize::MAX))))
                    .collect(),
                true,
            ));
            out
        })
    };
    let column = pivot.with_value(|p| p.column.clone());
    let table = table(
        Some("compare-table"),
        Some("pivot"),
        format!("Share of each value of {column} per group, with 95% intervals and counts"),
        header,
        rows.into_any(),
    );
    view! {
        {table}
        {(total > PIVOT_ROWS).then(|| view! {
            <button type="button" class="button secondary" on:click=move |_| all.update(|a| *a = !*a)>
                {move || if all.get() { format!("Show the first {PIVOT_ROWS} values") } else { format!("Show all {total} values") }}
            </button>
        })}
    }
}

/// The Net Promoter Score per group from a column of 0–10 answers, with intervals.
#[component]
fn NpsView(
    /// The comparison, for the numeric columns and the groups' colours.
    comparison: Comparison,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let columns: Vec<String> = comparison
        .columns
        .iter()
        .filter(|c| matches!(c.ty, ColumnType::Integer | ColumnType::Decimal))
        .filter(|c| match &c.summary {
            // A score column holds nothing outside 0–10.
            Summary::Numeric { groups, .. } => groups
                .iter()
                .all(|g| g.min.is_none_or(|m| m >= 0.0) && g.max.is_none_or(|m| m <= 10.0)),
            _ => false,
        })
        .map(|c| c.name.clone())
        .collect();
    // A survey score is picked by name when the user has not chosen a column yet.
    let named = |c: &&String, prefix: &str| {
        let c = c.to_lowercase();
        c.contains("nps") && c.starts_with(prefix)
    };
    let guess = columns
        .iter()
        .find(|c| named(c, "latest("))
        .or_else(|| columns.iter().find(|c| named(c, "")))
        .cloned();
    Effect::new(move |_| {
        if let Some(guess) = guess
            .clone()
            .filter(|_| state.nps_column.get_untracked().is_none())
        {
            state.nps_column.set(Some(guess));
        }
    });
    let groups = comparison.groups.clone();
    let choose = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        state.nps_column.set((!value.is_empty()).then_some(value));
    };
    let empty = columns.is_empty();
    view! {
        <section class="nps" aria-labelledby="nps-title">
            <h3 id="nps-title">"NPS"</h3>
            {if empty {
                view! { <p class="muted">"No column holds 0–10 survey answers; load an NPS export to see the score per segment."</p> }.into_any()
            } else {
                view! {
                    <label>"Survey score column "
                        <select data-testid="nps-column" on:change=choose>
                            {column_options(columns, state.nps_column, "none")}
                        </select>
                    </label>
                    {move || {
                        state.nps_column.get()?;
                        Some(match state.nps.get()? {
                            Ok(nps) => nps_table(&nps, &groups),
                            Err(message) => view! { <p class="segment-error" role="alert">{message}</p> }.into_any(),
                        })
                    }}
                }.into_any()
            }}
        </section>
    }
}

fn nps_table(nps: &NpsComparison, groups: &[GroupInfo]) -> AnyView {
    let info = |i: usize, name: &str| {
        groups.get(i).cloned().unwrap_or(GroupInfo {
            name: name.to_owned(),
            color: String::new(),
            size: 0,
            rest: false,
        })
    };
    let bars: Vec<Bar> = nps
        .scores
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let s = s.as_ref().filter(|s| s.n >= TOO_FEW as u64)?;
            let g = info(i, nps.groups.get(i)?);
            Some(Bar {
                label: g.name,
                color: g.color,
                value: s.score,
                low: s.ci.low,
                high: s.ci.high,
                text: format!("NPS {:.0} ({:.0} to {:.0})", s.score, s.ci.low, s.ci.high),
            })
        })
        .collect();
    let chart = (!bars.is_empty()).then(|| {
        view! { <ErrorBars bars=bars min=-100.0 max=100.0 label=format!("NPS from {} with 95% intervals, on a scale from −100 to 100", nps.column)/> }
    });
    let part = |x: u64, n: u64| {
        format::share(
            usize::try_from(x).unwrap_or(usize::MAX),
            usize::try_from(n).unwrap_or(usize::MAX),
        )
    };
    let rows = nps
        .groups
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let g = info(i, name);
            let cells = match nps.scores.get(i).copied().flatten() {
                Some(s) if s.n >= TOO_FEW as u64 => {
                    let score = format!("{:.0} ({:.0} to {:.0})", s.score, s.ci.low, s.ci.high);
                    vec![
                        num(format::count(usize::try_from(s.n).unwrap_or(usize::MAX))),
                        num(part(s.promoters, s.n)),
                        num(part(s.passives, s.n)),
                        num(part(s.detractors, s.n)),
                        view! { <td class="num" data-testid="nps-score">{score}</td> }.into_any(),
                    ]
                }
                Some(s) => vec![
                    num(format::count(usize::try_from(s.n).unwrap_or(usize::MAX))),
                    num_span(too_few(usize::try_from(s.n).unwrap_or(usize::MAX)), 4),
                ],
                None => vec![num("0".to_owned()), num_span("no answers".to_owned(), 4)],
            };
            row(group_label(&g, i == nps.baseline), cells, false)
        })
        .collect::<Vec<_>>();
    let table = table(
        Some("compare-table"),
        Some("nps"),
        format!(
            "NPS from {} per group: % promoters (9–10) minus % detractors (0–6)",
            nps.column
        ),
        heads(
            &[
                "Group",
                "Answers",
                "Promoters",
                "Passives",
                "Detractors",
                "NPS (95% CI)",
            ],
            &[],
        ),
        rows.into_any(),
    );
    view! {
        {chart}
        {table}
        <ul class="tests">{nps.differences.iter().map(|d| view! { <li>{d.sentence.clone()}</li> }).collect_view()}</ul>
    }
    .into_any()
}

/// The options of a column picker: `none` (the empty value) first, then `columns`, with `chosen` selected.
fn column_options(
    columns: Vec<String>,
    chosen: RwSignal<Option<String>>,
    none: &'static str,
) -> impl IntoView {
    view! {
        <option value="" selected=move || chosen.get().is_none()>{none}</option>
        {columns.into_iter().map(|c| {
            let value = c.clone();
            view! { <option value=value.clone() selected=move || chosen.get().as_deref() == Some(value.as_str())>{c}</option> }
        }).collect_view()}
    }
}
