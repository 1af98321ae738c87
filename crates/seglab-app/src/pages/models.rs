//! The Models section: a health score with bands and a back-test, RFM groups, clusters, and discovery of
//! groups with unusual rates. Every band, group, cluster and rule can be saved as a segment.
//!
//! The engine computes; this view only edits the settings (which the link carries) and renders what the
//! engine sends back. Model outputs are population columns (`health_score`, `rfm_r`/`rfm_f`/`rfm_m`,
//! `cluster`), so a saved band is an ordinary segment such as `health_score >= 75`.

use crate::browser;
use crate::components::histogram::Histogram;
use crate::components::table::{captioned, cell, col, heads, hidden_col, num, plain, row};
use crate::format;
use crate::pages::segments::PALETTE;
use crate::protocol::{
    ClusteringView, DiscoveryView, ModelGroupView, ModelSettings, Request, RfmView, ScoreView,
};
use crate::state::{AppState, NoticeKind};
use leptos::prelude::*;
use seglab_core::models::{Bands, Direction, ScoreDefinition, ScoreMeasure};
use seglab_core::segment::Segment;
use seglab_core::share::{self, PageState, RfmSetting};

/// `query` (the rest of the page state) with the model settings appended, as `share::encode` orders them.
pub fn encode_models(query: String, models: &ModelSettings) -> String {
    if *models == ModelSettings::default() {
        return query;
    }
    let state = PageState {
        score: models.score.clone(),
        rfm: models.rfm.clone(),
        cluster: models.cluster.clone(),
        ..PageState::default()
    };
    let encoded = share::encode(&state);
    // `v=1&score=…`: the version is already in `query` when there is one.
    let params = encoded.split_once('&').map_or("", |(_, rest)| rest);
    if query.is_empty() {
        encoded
    } else {
        format!("{query}&{params}")
    }
}

/// The model settings a link carries (its other parameters are read by `decode_state`).
pub fn decode_models(query: &str) -> ModelSettings {
    let (state, _) = share::decode(query);
    ModelSettings {
        score: state.score,
        rfm: state.rfm,
        cluster: state.cluster,
    }
}

/// Adds a segment to the list, in the next palette colour, and says so.
fn save_segment(name: String, definition: String) {
    let state = expect_context::<AppState>();
    state.segments.update(|s| {
        let color = PALETTE[s.len() % PALETTE.len()];
        s.push(Segment::new(name.clone(), color, definition));
    });
    state.notify(
        NoticeKind::Info,
        format!("Saved “{name}” as a segment; its size is in the Segments list."),
    );
}

/// The Models section.
#[component]
pub fn ModelsPage() -> impl IntoView {
    view! {
        <section class="panel models" aria-labelledby="models-title">
            <h2 id="models-title">"Models"</h2>
            <p class="hint">"Let a model draw the groups: a health score cut into bands, RFM groups, clusters of similar users, or rules for a yes/no outcome. Each group can be saved as a segment and shared with a link."</p>
            <ModelRunning/>
            <ScoreSection/>
            <RfmSection/>
            <ClusterSection/>
            <DiscoverSection/>
        </section>
    }
}

/// A progress bar and a Cancel button while discovery or clustering runs.
#[component]
fn ModelRunning() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        state.model_progress.get().map(|(task, done)| {
            let label = format!("Running {task}");
            view! {
                <div class="progress model-progress" role="status">
                    <span>{format!("{label}… {:.0}%", done * 100.0)}</span>
                    <progress max="1" value=done aria-label=label></progress>
                    <button class="button secondary" on:click=move |_| state.cancel_model()>"Cancel"</button>
                </div>
            }
        })
    }
}

/// One measure row of the score editor, as the user typed it.
#[derive(Clone, Debug, PartialEq)]
struct MeasureRow {
    name: String,
    higher: bool,
    weight: String,
}

fn rows_of(definition: &ScoreDefinition) -> Vec<MeasureRow> {
    definition
        .measures
        .iter()
        .map(|m| MeasureRow {
            name: m.name.clone(),
            higher: m.direction == Direction::HigherIsBetter,
            weight: format!("{}", m.weight),
        })
        .collect()
}

/// Pick 3–6 measures with a direction and a weight each; the engine scores every user 0–100.
#[component]
fn ScoreSection() -> impl IntoView {
    let state = expect_context::<AppState>();
    let linked = state.models.with_untracked(|m| {
        m.score
            .as_deref()
            .and_then(|t| t.parse::<ScoreDefinition>().ok())
    });
    let rows = RwSignal::new(linked.as_ref().map_or_else(
        || {
            vec![
                MeasureRow {
                    name: String::new(),
                    higher: true,
                    weight: "1".into(),
                };
                3
            ]
        },
        rows_of,
    ));
    let bands = linked.as_ref().map_or_else(Bands::default, |d| d.bands);
    let thresholds = RwSignal::new([
        format!("{}", bands.at_risk),
        format!("{}", bands.needs_attention),
        format!("{}", bands.healthy),
    ]);
    let problem = RwSignal::new(None::<String>);
    // A link restores the score: the editor follows the settings when they come from elsewhere.
    Effect::new(move |_| {
        let text = state.models.with(|m| m.score.clone());
        if let Some(definition) = text.and_then(|t| t.parse::<ScoreDefinition>().ok()) {
            let restored = rows_of(&definition);
            if rows.with_untracked(|r| *r != restored) {
                rows.set(restored);
            }
            let b = definition.bands;
            thresholds.set([
                format!("{}", b.at_risk),
                format!("{}", b.needs_attention),
                format!("{}", b.healthy),
            ]);
        }
    });
    let count = Memo::new(move |_| rows.with(Vec::len));
    let numeric = Memo::new(move |_| state.models_view.with(|v| v.choices.numeric.clone()));
    let outcomes = Memo::new(move |_| state.models_view.with(|v| v.choices.outcomes.clone()));
    let compute = move |_| {
        let number = |t: &str| t.trim().parse::<f64>().ok();
        let mut measures = Vec::new();
        for row in rows.get_untracked() {
            if row.name.is_empty() {
                continue;
            }
            let Some(weight) = number(&row.weight).filter(|w| *w > 0.0) else {
                problem.set(Some(format!(
                    "The weight of {} must be a positive number, such as 1 or 0.5.",
                    row.name
                )));
                return;
            };
            measures.push(ScoreMeasure {
                name: row.name,
                direction: if row.higher {
                    Direction::HigherIsBetter
                } else {
                    Direction::LowerIsBetter
                },
                weight,
            });
        }
        if !(3..=6).contains(&measures.len()) {
            problem.set(Some(format!(
                "Choose 3 to 6 measures ({} chosen).",
                measures.len()
            )));
            return;
        }
        let [a, b, c] = thresholds.get_untracked();
        let (Some(at_risk), Some(needs_attention), Some(healthy)) =
            (number(&a), number(&b), number(&c))
        else {
            problem.set(Some(
                "The band thresholds are numbers from 0 to 100.".into(),
            ));
            return;
        };
        problem.set(None);
        let definition = ScoreDefinition {
            measures,
            bands: Bands {
                at_risk,
                needs_attention,
                healthy,
            },
        };
        state
            .models
            .update(|m| m.score = Some(definition.to_string()));
    };
    let row_view = move |i: usize| {
        let get = move || rows.with(|r| r.get(i).cloned());
        let set = move |f: &dyn Fn(&mut MeasureRow)| {
            rows.update(|r| {
                if let Some(row) = r.get_mut(i) {
                    f(row);
                }
            });
        };
        let n = i + 1;
        view! {
            <li class="measure-row">
                <label>{format!("Measure {n}")}
                    <select on:change=move |ev| { let v = event_target_value(&ev); set(&|r| r.name.clone_from(&v)); }>
                        <option value="" selected=move || get().is_some_and(|r| r.name.is_empty())>"Choose a measure…"</option>
                        {move || {
                            let chosen = get().map(|r| r.name).unwrap_or_default();
                            let mut names = numeric.get();
                            if !chosen.is_empty() && !names.contains(&chosen) {
                                names.insert(0, chosen.clone());
                            }
                            names.into_iter().map(|name| {
                                let selected = name == chosen;
                                view! { <option value=name.clone() selected=selected>{name.clone()}</option> }
                            }).collect_view()
                        }}
                    </select>
                </label>
                <label>{format!("Direction of measure {n}")}
                    <select on:change=move |ev| { let higher = event_target_value(&ev) == "higher"; set(&|r| r.higher = higher); }>
                        <option value="higher" selected=move || get().is_some_and(|r| r.higher)>"higher is better"</option>
                        <option value="lower" selected=move || get().is_some_and(|r| !r.higher)>"lower is better"</option>
                    </select>
                </label>
                <label>{format!("Weight of measure {n}")}
                    <input type="number" min="0.1" step="0.5" inputmode="decimal" class="weight"
                        prop:value=move || get().map(|r| r.weight).unwrap_or_default()
                        on:input=move |ev| { let v = event_target_value(&ev); set(&|r| r.weight.clone_from(&v)); }/>
                </label>
                <button class="link" on:click=move |_| rows.update(|r| { if r.len() > 3 && i < r.len() { r.remove(i); } })
                    disabled=move || count.get() <= 3>{format!("Remove measure {n}")}</button>
            </li>
        }
    };
    let threshold_input = move |i: usize, label: &'static str| {
        view! {
            <label>{label}
                <input type="number" min="0" max="100" step="1" inputmode="decimal" class="weight"
                    prop:value=move || thresholds.with(|t| t[i].clone())
                    on:input=move |ev| { let v = event_target_value(&ev); thresholds.update(|t| t[i] = v); }/>
            </label>
        }
    };
    view! {
        <section class="model" aria-labelledby="score-title">
            <h3 id="score-title">"Health score"</h3>
            <p class="hint">"Pick 3 to 6 measures with a direction and a weight. Each user's value becomes its percentile among users with a value (a missing value counts as the median); the score is the weighted mean, 0 to 100."</p>
            <ol class="measure-rows">{move || (0..count.get()).map(row_view).collect_view()}</ol>
            <div class="impact-controls">
                <button class="button secondary" on:click=move |_| rows.update(|r| if r.len() < 6 { r.push(MeasureRow { name: String::new(), higher: true, weight: "1".into() }); })
                    disabled=move || count.get() >= 6>"Add a measure"</button>
            </div>
            <fieldset class="bands">
                <legend>"Bands: at risk below the first threshold, champion from the last"</legend>
                {threshold_input(0, "Needs attention from")}
                {threshold_input(1, "Healthy from")}
                {threshold_input(2, "Champion from")}
            </fieldset>
            <div class="impact-controls">
                <label>"Back-test against "
                    <select on:change=move |ev| { let v = event_target_value(&ev); state.outcome.set((!v.is_empty()).then_some(v)); }>
                        <option value="">"no outcome"</option>
                        {move || {
                            let chosen = state.outcome.get();
                            outcomes.get().into_iter().map(|o| {
                                let selected = chosen.as_deref() == Some(o.as_str());
                                view! { <option value=o.clone() selected=selected>{o.clone()}</option> }
                            }).collect_view()
                        }}
                    </select>
                </label>
                <button class="button" on:click=compute disabled=move || state.files.with(Vec::is_empty)>"Compute the score"</button>
            </div>
            {move || problem.get().map(|p| view! { <p class="segment-error" role="alert">{p}</p> })}
            {move || state.models_view.get().score.map(|result| match result {
                Ok(score) => view! { <ScoreResultView score=score/> }.into_any(),
                Err(message) => view! { <p class="segment-error" role="alert">{message}</p> }.into_any(),
            })}
        </section>
    }
}

/// A band, group or cluster row's Save button.
fn save_button(group: &ModelGroupView, prefix: &str) -> impl IntoView + use<> {
    let name = if prefix.is_empty() {
        group.name.clone()
    } else {
        format!("{prefix}: {}", group.name)
    };
    let label = format!("Save as segment: {}", group.name);
    let definition = group.definition.clone();
    view! {
        <button class="link" aria-label=label on:click=move |_| save_segment(name.clone(), definition.clone())>"Save as segment"</button>
    }
}

/// The score's bands, its distribution, and the back-test.
#[component]
fn ScoreResultView(
    /// What the engine computed.
    score: ScoreView,
) -> impl IntoView {
    let total: usize = score.histogram.iter().sum();
    let missing: Vec<String> = score
        .measures
        .iter()
        .filter(|m| m.missing > 0)
        .map(|m| format!("{} for {} users", m.name, format::count(m.missing)))
        .collect();
    let counts: Vec<u64> = score.histogram.iter().map(|&c| c as u64).collect();
    let rows: Vec<AnyView> = score
        .bands
        .iter()
        .map(|band| {
            let definition = view! { <code>{band.definition.clone()}</code> }.into_any();
            let cells = vec![
                cell(definition),
                num(format::count(band.size)),
                cell(save_button(band, "Health").into_any()),
            ];
            row(band.name.clone().into_any(), cells, false)
        })
        .collect();
    let bands = captioned(
        Some("bands"),
        "Bands".to_owned(),
        vec![
            col("Band".into_any(), false),
            col("Definition".into_any(), false),
            col("Users".into_any(), true),
            hidden_col("Save"),
        ],
        rows.into_any(),
    );
    view! {
        <div class="score-result" data-testid="score-result">
            <p>{format!("Scored {} users.", format::count(total))}
                {(!missing.is_empty()).then(|| format!(" Missing values counted as the median: {}.", missing.join("; ")))}</p>
            <Histogram counts=counts color="#2a9d8f" label="users per tenth of the score, 0 to 100"/>
            {bands}
            <p class="hint">"SQL export: health_score is computed in this page from percentile ranks of the loaded files, so a band cannot be written as warehouse SQL; the score's inputs can."</p>
            {score.backtest_error.map(|e| view! { <p class="warn" role="alert">{format!("No back-test: {e}")}</p> })}
            {score.backtest.map(|bt| {
                let max_rate = bt.deciles.iter().map(|d| d.rate).fold(0.0_f64, f64::max).max(1e-9);
                let carrier = bt.influence.iter().max_by(|a, b| a.drop.total_cmp(&b.drop)).cloned();
                let rows: Vec<AnyView> = bt.deciles.iter().map(|d| {
                    let width = format!("width: {:.1}%", 100.0 * d.rate / max_rate);
                    let bar = view! { <td class="bar-cell" aria-hidden="true"><span class="rate-bar" style=width></span></td> };
                    let cells = vec![
                        plain(format!("{:.0}–{:.0}", d.low, d.high)),
                        num(format::count(d.n)),
                        num(format::percent(d.rate)),
                        bar.into_any(),
                    ];
                    row(d.decile.to_string().into_any(), cells, false)
                }).collect();
                let deciles = captioned(
                    Some("deciles"),
                    format!("Rate of {} per tenth of users by score", bt.outcome),
                    heads(&["Tenth", "Score", "Users", "Rate", "Rate bar"], &["Score", "Rate bar"]),
                    rows.into_any(),
                );
                let rows: Vec<AnyView> = bt.influence.iter().map(|m| {
                    let cells = [m.auc, m.auc_without, m.drop].map(|x| num(format!("{x:.3}"))).into();
                    row(m.name.clone().into_any(), cells, false)
                }).collect();
                let influence = captioned(
                    None,
                    "What each measure contributes".to_owned(),
                    heads(&["Measure", "AUC alone", "AUC without it", "Drop"], &[]),
                    rows.into_any(),
                );
                view! {
                    <div class="backtest" data-testid="backtest">
                        <h4>{format!("Back-test against {}", bt.outcome)}</h4>
                        <p data-testid="auc">{format!("ROC AUC {:.3} (95% CI {:.3}–{:.3} by DeLong; {:.3}–{:.3} by Hanley–McNeil), over {} users of whom {} are positive.",
                            bt.auc, bt.ci_delong.low, bt.ci_delong.high, bt.ci.low, bt.ci.high, format::count(bt.n), format::count(bt.positives))}</p>
                        <p class="hint">"0.5 is no better than chance; 1 would rank every positive user above every negative one."</p>
                        {deciles}
                        {carrier.map(|c| view! {
                            <p data-testid="carrier">{format!("{} carries the score: without it the AUC drops by {:.3} (from {:.3} to {:.3}); on its own its AUC is {:.3}.",
                                c.name, c.drop, bt.auc, c.auc_without, c.auc)}</p>
                        })}
                        {influence}
                    </div>
                }
            })}
        </div>
    }
}

/// Recency, frequency and monetary value scored 1–5, and the named groups.
#[component]
fn RfmSection() -> impl IntoView {
    let state = expect_context::<AppState>();
    let values = Memo::new(move |_| state.models_view.with(|v| v.choices.values.clone()));
    let events = Memo::new(move |_| state.models_view.with(|v| v.choices.events.clone()));
    let value = RwSignal::new(String::new());
    let event = RwSignal::new(String::new());
    let run = move |_| {
        let chosen = value.get_untracked();
        let chosen = if chosen.is_empty() {
            values.get_untracked().first().cloned().unwrap_or_default()
        } else {
            chosen
        };
        let event = event.get_untracked();
        state.models.update(|m| {
            m.rfm = Some(RfmSetting {
                value: chosen,
                event: (!event.is_empty()).then_some(event),
            });
        });
    };
    view! {
        <section class="model" aria-labelledby="rfm-title">
            <h3 id="rfm-title">"RFM"</h3>
            <p class="hint">"From the events and a value column: recency (days since the last event), frequency (events) and monetary value (the sum), each scored 1 to 5 by quintiles (5 is best)."</p>
            <div class="impact-controls">
                <label>"Value "
                    <select on:change=move |ev| value.set(event_target_value(&ev))>
                        {move || values.get().into_iter().map(|v| view! { <option value=v.clone()>{v.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label>"Events "
                    <select on:change=move |ev| event.set(event_target_value(&ev))>
                        <option value="">"all events"</option>
                        {move || events.get().into_iter().map(|e| view! { <option value=e.clone()>{e.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <button class="button secondary" on:click=run disabled=move || values.with(Vec::is_empty)>"Score RFM"</button>
            </div>
            {move || state.models_view.get().rfm.map(|result| match result {
                Ok(rfm) => view! { <RfmTable rfm=rfm/> }.into_any(),
                Err(message) => view! { <p class="segment-error" role="alert">{message}</p> }.into_any(),
            })}
        </section>
    }
}

fn score_range((low, high): (u8, u8)) -> String {
    if low == high {
        low.to_string()
    } else {
        format!("{low}–{high}")
    }
}

/// The RFM groups with their rules and sizes.
#[component]
fn RfmTable(
    /// What the engine computed.
    rfm: RfmView,
) -> impl IntoView {
    let rows: Vec<AnyView> = rfm
        .groups
        .iter()
        .map(|g| {
            let cells = vec![
                num(score_range(g.recency)),
                num(score_range(g.frequency)),
                num(format::count(g.group.size)),
                cell(save_button(&g.group, "RFM").into_any()),
            ];
            row(g.group.name.clone().into_any(), cells, false)
        })
        .collect();
    let groups = captioned(
        Some("rfm-groups"),
        "RFM groups by recency (R) and frequency (F) score".to_owned(),
        vec![
            col("Group".into_any(), false),
            col("R".into_any(), true),
            col("F".into_any(), true),
            col("Users".into_any(), true),
            hidden_col("Save"),
        ],
        rows.into_any(),
    );
    view! {
        <p>{format!("{} users scored from {} (as of {}); {} without events are not scored.",
            format::count(rfm.scored), rfm.source, rfm.as_of, format::count(rfm.unscored))}</p>
        {groups}
        <p class="hint">"A saved group reads the columns rfm_r, rfm_f and rfm_m, which the link recomputes on the recipient's files; they cannot be written as warehouse SQL."</p>
    }
}

/// k-prototypes clusters on chosen columns, k by silhouette, a fixed seed.
#[component]
fn ClusterSection() -> impl IntoView {
    let state = expect_context::<AppState>();
    let columns = Memo::new(move |_| {
        state.models_view.with(|v| {
            let mut all = v.choices.categorical.clone();
            all.extend(v.choices.numeric.iter().cloned());
            all
        })
    });
    let chosen = RwSignal::new(state.models.with_untracked(|m| m.cluster.clone()));
    let run = move |_| {
        let picked = chosen.get_untracked();
        if picked.is_empty() {
            state.notify(
                NoticeKind::Warning,
                "Choose at least one column to cluster on.",
            );
            return;
        }
        state.model_progress.set(Some(("clustering".into(), 0.0)));
        state.models.update(|m| m.cluster = picked);
    };
    view! {
        <section class="model" aria-labelledby="cluster-title">
            <h3 id="cluster-title">"Clusters"</h3>
            <p class="hint">"Groups of similar users on the columns you choose (k-prototypes: numbers and categories together; k from 2 to 8 by silhouette; a fixed seed, so the same files give the same clusters)."</p>
            <fieldset class="cluster-columns">
                <legend>"Columns to cluster on"</legend>
                {move || columns.get().into_iter().map(|name| {
                    let id = name.clone();
                    let checked = chosen.with_untracked(|c| c.contains(&name));
                    view! {
                        <label class="check">
                            <input type="checkbox" checked=checked on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|c| {
                                    c.retain(|n| *n != id);
                                    if on { c.push(id.clone()); }
                                });
                            }/>
                            {name.clone()}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <div class="impact-controls">
                <button class="button secondary" on:click=run disabled=move || columns.with(Vec::is_empty)>"Find clusters"</button>
            </div>
            {move || state.models_view.get().cluster.map(|result| match result {
                Ok(clustering) => view! { <ClusterList clustering=clustering/> }.into_any(),
                Err(message) => view! { <p class="segment-error" role="alert">{message}</p> }.into_any(),
            })}
        </section>
    }
}

/// Each cluster with what sets it apart.
#[component]
fn ClusterList(
    /// What the engine computed.
    clustering: ClusteringView,
) -> impl IntoView {
    let tried = clustering
        .choices
        .iter()
        .map(|(k, s)| format!("k={k}: {s:.2}"))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <p data-testid="cluster-summary">{format!("{} clusters on {} (silhouette on a sample of {} users: {tried}).",
            clustering.k, clustering.columns.join(", "), format::count(clustering.sample_size))}</p>
        <ul class="clusters" data-testid="clusters">
            {clustering.clusters.into_iter().map(|c| view! {
                <li class="cluster">
                    <h4>{format!("{} · {} users", c.group.name, format::count(c.group.size))}</h4>
                    <p class="hint">{c.prototype.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(" · ")}</p>
                    <ul>{c.distinguishing.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ul>
                    {save_button(&c.group, "")}
                </li>
            }).collect_view()}
        </ul>
    }
}

/// Pick a yes/no column; see the groups whose rate of it is unusually high or low.
#[component]
fn DiscoverSection() -> impl IntoView {
    let state = expect_context::<AppState>();
    let targets = Memo::new(move |_| {
        state.files.with(|files| {
            files
                .iter()
                .flat_map(|f| {
                    f.columns
                        .iter()
                        .filter(|c| c.ty == "boolean")
                        .map(|c| c.name.clone())
                })
                .collect::<Vec<_>>()
        })
    });
    let target = RwSignal::new(String::new());
    let run = move |_| {
        let chosen = target.get_untracked();
        let chosen = if chosen.is_empty() {
            targets.get_untracked().first().cloned().unwrap_or_default()
        } else {
            chosen
        };
        state.model_progress.set(Some(("discovery".into(), 0.0)));
        browser::post(&Request::Discover { target: chosen }, None);
    };
    view! {
        <section class="model" aria-labelledby="discover-title">
            <h3 id="discover-title">"Discover"</h3>
            <p class="hint">"Pick a yes/no column (converted, churned…): Seglab searches every column and event measure for readable groups whose rate is unusually high or low."</p>
            <div class="impact-controls">
                <label>"Target "
                    <select on:change=move |ev| target.set(event_target_value(&ev))>
                        {move || targets.get().into_iter().map(|t| view! { <option value=t.clone()>{t.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <button class="button secondary" on:click=run disabled=move || targets.with(Vec::is_empty)>"Find segments"</button>
            </div>
            {move || state.discovery.get().map(|result| match result {
                Ok(discovery) => view! { <RulesTable discovery=discovery/> }.into_any(),
                Err(message) => view! { <p class="segment-error" role="alert">{message}</p> }.into_any(),
            })}
        </section>
    }
}

/// The rules found, highest lift first, each with a button that saves it as a segment.
#[component]
fn RulesTable(
    /// What the engine found.
    discovery: DiscoveryView,
) -> impl IntoView {
    let target = discovery.target.clone();
    view! {
        <p>{format!("Overall: {} of {} users with a known {} ({}).", format::percent(discovery.overall_rate), format::count(discovery.known), discovery.target, "yes")}</p>
        {discovery.notes.iter().map(|n| view! { <p class="warn">{n.clone()}</p> }).collect_view()}
        <div class="table-scroll">
            <table data-testid="rules">
                <caption class="visually-hidden">{format!("Groups with unusual rates of {}", discovery.target)}</caption>
                <thead><tr>
                    <th scope="col">"Group"</th><th scope="col" class="num">"Users"</th><th scope="col" class="num">"Rate (95% CI)"</th>
                    <th scope="col" class="num">"Lift"</th><th scope="col"><span class="visually-hidden">"Save"</span></th>
                </tr></thead>
                <tbody>
                    {discovery.rules.into_iter().take(15).map(|rule| {
                        let definition = rule.definition.clone();
                        let name = format!("{} lift {:.1}×", target, rule.lift);
                        let save = move |_| save_segment(name.clone(), definition.clone());
                        view! {
                            <tr class:muted=!rule.notable>
                                <td><code>{rule.definition.clone()}</code></td>
                                <td class="num">{format::count(rule.size)}</td>
                                <td class="num">{format!("{} ({}–{})", format::percent(rule.rate), format::percent(rule.ci.low), format::percent(rule.ci.high))}</td>
                                <td class="num">{format!("{:.2}×", rule.lift)}</td>
                                <td><button class="link" on:click=save>"Save as segment"</button></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
