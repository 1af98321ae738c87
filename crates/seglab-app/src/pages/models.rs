//! The Models section: segments found in the data for a yes/no target, each savable as a segment.

use crate::browser;
use crate::format;
use crate::pages::segments::PALETTE;
use crate::protocol::{DiscoveryView, Request};
use crate::state::AppState;
use leptos::prelude::*;
use seglab_core::segment::Segment;

/// Pick a yes/no column; see the groups whose rate of it is unusually high or low.
#[component]
pub fn ModelsPage() -> impl IntoView {
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
        browser::post(&Request::Discover { target: chosen }, None);
    };
    view! {
        <section class="panel" aria-labelledby="models-title">
            <h2 id="models-title">"Discover"</h2>
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
    let state = expect_context::<AppState>();
    let target = discovery.target.clone();
    view! {
        <p>{format!("Overall: {} of {} users with a known {} ({}).", format::percent(discovery.overall_rate), format::count(discovery.known), discovery.target, "yes")}</p>
        {discovery.notes.iter().map(|n| view! { <p class="warn">{n.clone()}</p> }).collect_view()}
        <div class="table-scroll">
            <table data-testid="rules">
                <caption class="visually-hidden">{format!("Groups with unusual rates of {}", discovery.target)}</caption>
                <thead><tr>
                    <th scope="col">"Group"</th><th scope="col" class="num">"Users"</th><th scope="col" class="num">"Rate (95% CI)"</th>
                    <th scope="col" class="num">"Lift"</th><th scope="col">""</th>
                </tr></thead>
                <tbody>
                    {discovery.rules.into_iter().take(15).map(|rule| {
                        let definition = rule.definition.clone();
                        let name = format!("{} lift {:.1}×", target, rule.lift);
                        let save = move |_| {
                            let definition = definition.clone();
                            let name = name.clone();
                            state.segments.update(|s| {
                                let color = PALETTE[s.len() % PALETTE.len()];
                                s.push(Segment::new(name, color, definition));
                            });
                        };
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
